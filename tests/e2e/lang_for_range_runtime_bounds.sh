#!/usr/bin/env bash
# for ($i : a..b) whose bounds are known only when the probe runs (a map
# value, a variable set from one): the verifier cannot bound such an
# open-coded loop, so the body runs as a bpf_loop callback. The end is
# evaluated once, before the first iteration; break, continue, nested
# loops, an empty or negative range and a long range work as in bpftrace.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# A map value as the end; the body grows the map, the loop does not notice.
fathom_run -e 'BEGIN { @n = 4; for ($i : 0..@n) { printf("%d ", $i); @n += 1; } printf("| %d\n", @n); clear(@n); exit(); }'
expect_exit 0
expect_stdout_eq '0 1 2 3 | 8'

# continue steps to the next value, break leaves; the probe's variables
# written in the body are seen after the loop.
fathom_run -e 'BEGIN { @n = 9; $seen = 0;
  for ($i : 1..@n) { if ($i == 2) { continue; } if ($i == 5) { break; } $seen += $i; printf("%d ", $i); }
  printf("| %d\n", $seen); clear(@n); exit(); }'
expect_exit 0
expect_stdout_eq '1 3 4 | 8'

# Both bounds from maps, negative start; an empty and a reversed range
# run the body zero times.
fathom_run -e 'BEGIN { @lo = -2; @hi = 2; @z = 0;
  for ($i : @lo..@hi) { printf("%d ", $i); }
  for ($i : @z..@z) { printf("never "); }
  for ($i : @hi..@lo) { printf("never "); }
  printf("|\n"); clear(@lo); clear(@hi); clear(@z); exit(); }'
expect_exit 0
expect_stdout_eq '-2 -1 0 1 |'

# A range loop nested in a map loop, its bounds taken from the element.
fathom_run -e 'BEGIN { @m[10] = 12;
  for ($kv : @m) { for ($j : $kv.0..$kv.1) { printf("%d ", $j); } }
  printf("|\n"); clear(@m); exit(); }'
expect_exit 0
expect_stdout_eq '10 11 |'

# 100000 iterations: far beyond what the verifier walks in an open loop.
fathom_run -e 'BEGIN { @n = 100000; @count = 0; for ($i : 0..@n) { @count += 1; } printf("%d\n", @count); clear(@n); clear(@count); exit(); }'
expect_exit 0
expect_stdout_eq '100000'

# A body reading the probe's context stays open-coded (a callback has no
# context), so it still works with a bound the verifier can follow.
fathom_run -c "/bin/cat /dev/null" -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { $n = 2;
  for ($i : 0..$n) { printf("%d %d\n", $i, args.dfd != 0); } exit(); }'
expect_exit 0
expect_stdout_eq $'0 1\n1 1'
