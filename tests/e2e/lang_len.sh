#!/usr/bin/env bash
# len(@map): the number of elements of a map with keys (aggregations too),
# counted in BPF with bpf_for_each_map_elem; len(kstack) / len(ustack(N)):
# the frames of the stack taken there (at most N). A map without keys, a
# stack kept in a map and other values are refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { @a[1] = 1; @a[2] = 2; @a[7] = 3; @c[comm] = count(); delete(@a, 2);
  printf("%d %d %d\n", len(@a), len(@c), len(@a) * 10);
  printf("%d %d %d\n", len(kstack) > 2, len(kstack(2)), len(ustack(1)));
  clear(@a); clear(@c); exit(); }'
expect_exit 0
expect_stdout_eq $'2 1 20\n1 2 1'
expect_stderr_eq 'Attached 1 probe'

# in a tracepoint, and as a map key
fathom_run -e 'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @frames = len(kstack(3)); @k[len(kstack(2))] = count(); exit(); }' -c '/bin/sh -c "echo $PPID >/dev/null"'
expect_exit 0
expect_stdout_eq $'\n\n@frames: 3\n@k[2]: 1'

fathom_run -e 'BEGIN { @s = 1; print(len(@s)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:27-29: ERROR: call to len() expects a map with explicit keys (non-scalar map)
BEGIN { @s = 1; print(len(@s)); }
                          ~~
HINT: a map without keys holds one value'

fathom_run -e 'BEGIN { print(len(comm)); }'
expect_exit 1
expect_stderr_match '^stdin:1:19-23: ERROR: call to len\(\) expects a map, ustack, or kstack$'

# a variable holds the stack taken in this probe (bpftrace's stacks are
# values); one kept in a map is an id in the stack map that BPF cannot read
fathom_run -e 'BEGIN { @k[1] = kstack; print(len(@k[1])); }'
expect_exit 1
expect_stderr_match '^stdin:1:35-40: ERROR: len\(\) counts the frames of the stack being taken: kstack, ustack or a variable holding one$'
