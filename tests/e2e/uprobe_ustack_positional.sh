#!/usr/bin/env bash
# ustack($1) / kstack($1): a positional parameter holding a number is a
# stack limit, as a literal is (bpftrace's "positional ustack" test); one
# that is no number is still an error. The target is
# tests/e2e/progs/char_array_target.c (main calls take).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
# frame pointers, so the user stack reaches main
gcc -O0 -fno-omit-frame-pointer -o "$T/target" "$E2E_DIR/progs/char_array_target.c" || fail "cannot compile the target"
cd "$T" || fail "cannot cd to $T"

fathom_run -e 'uprobe:./target:take { printf("%s|%s", ustack($1), ustack($2)); exit(); }' 1 2 -c ./target
expect_exit 0
expect_stdout_match '^\|$'
[ "$(grep -c 'take+0' "$FATHOM_STDOUT")" = 2 ] || fail "want take+0 in both stacks"
[ "$(grep -c 'main+' "$FATHOM_STDOUT")" = 1 ] || fail "want main+N only in the 2-frame stack"

fathom_run -e 'BEGIN { print(kstack($1)); exit(); }' abc
expect_exit 1
expect_stderr_match 'ERROR: stack limit must be an integer literal from 1 to 127'
expect_stderr_match '^HINT: pass a number of frames as parameter \$1, e.g. 10$'

# What was wrong and how to write it.
fathom_run -e 'BEGIN { print(kstack(1000)); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:22-26: ERROR: stack limit must be an integer literal from 1 to 127$'
expect_stderr_match '^HINT: 1000 frames cannot be captured: write e.g. kstack\(10\) or kstack\(perf, 10\)$'
fathom_run -e 'BEGIN { $n = 3; print(ustack($n)); exit(); }'
expect_exit 1
expect_stderr_match '^HINT: the limit is read when the program is built, so it cannot be computed in the probe: write e.g. ustack\(10\) or ustack\(perf, 10\)$'
# Two limits: the first of two arguments must be the mode.
fathom_run -e 'BEGIN { print(kstack(1, 2)); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:22: ERROR: kstack\(\) takes a stack mode first when it has two arguments$'
expect_stderr_match '^HINT: write e.g. kstack\(perf, 10\)$'
