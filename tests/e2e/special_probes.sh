#!/usr/bin/env bash
# BEGIN runs before any other probe fires and END after they are detached,
# on exit() and on Ctrl-C alike; lower-case begin/end are accepted, and
# several of each run in declaration order.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { @a = 1; printf("begin\n"); } interval:ms:50 { @a++; exit(); } END { printf("end %d\n", @a); }'
expect_exit 0
printf 'begin\nend 2\n\n\n@a: 2\n' >"$T/exp"
expect_stdout_eq "$T/exp"

fathom_run -e 'begin { printf("one\n"); } BEGIN { printf("two\n"); } end { printf("three\n"); } END { printf("four\n"); exit(); }'
expect_exit 0
printf 'one\ntwo\nthree\nfour\n\n\n' >"$T/exp"
expect_stdout_eq "$T/exp"

fathom_run_interrupted 1 -e 'tracepoint:syscalls:sys_enter_getppid { } END { printf("bye\n"); }'
expect_exit 0
expect_stdout_match '^bye$'
