#!/usr/bin/env bash
# len(@map): the number of elements of a map, counted in the kernel
# (bpf_for_each_map_elem visits each key once, per-CPU maps included).
# A key updated on several CPUs counts once; delete() removes one; the
# result is an int64 usable in expressions. Then the errors: a map
# without keys, a map element, an undefined map.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { @a[1] = 1; @a[2] = 2; @a[3] = 3; @c["x"] = count(); @c["y"] = count(); @c["x"] = count();
  @s[1, "k"] = sum(4);
  printf("%d %d %d\n", len(@a), len(@c), len(@s));
  delete(@a, 2); print(len(@a));
  $n = len(@a) * 10 + 1; print($n);
  if (len(@c) > 1) { printf("more than one\n"); }
  clear(@a); clear(@c); clear(@s); exit(); }'
expect_exit 0
expect_stdout_eq $'3 2 1\n2\n21\nmore than one'

# Per-CPU count maps written from every CPU by a tracepoint: @one has a
# single key whatever the CPUs, @bycpu one key per CPU that switched;
# len() agrees with a for loop over the same map.
fathom_run -e 'tracepoint:sched:sched_switch { @one[1] = count(); @bycpu[cpu] = count(); }
  interval:ms:300 { $n = 0; for ($kv : @bycpu) { $n++; }
    printf("%d %d\n", len(@one), len(@bycpu) == $n); clear(@one); clear(@bycpu); exit(); }'
expect_exit 0
expect_stdout_eq $'1 1'

# An empty map has 0 elements
fathom_run -e 'BEGIN { @e[1] = 1; delete(@e, 1); print(len(@e)); exit(); }'
expect_exit 0
expect_stdout_eq '0'

fathom_run -e 'BEGIN { @x = 1; print(len(@x)); }'
expect_exit 1
expect_stderr_eq $'stdin:1:27-29: ERROR: call to len() expects a map with explicit keys (non-scalar map)
BEGIN { @x = 1; print(len(@x)); }
                          ~~
HINT: a map without keys holds one value'

fathom_run -e 'BEGIN { @a[1] = 1; print(len(@a[1])); }'
expect_exit 1
expect_stderr_match '^stdin:1:30-35: ERROR: len\(\) takes a map, not a map element$'
expect_stderr_match '^HINT: pass the whole map, e.g. len\(@name\)$'

fathom_run -e 'BEGIN { print(len(@nope)); }'
expect_exit 1
expect_stderr_match '^stdin:1:19-24: ERROR: undefined map @nope$'
