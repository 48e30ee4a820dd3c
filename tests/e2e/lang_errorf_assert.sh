#!/usr/bin/env bash
# errorf()/warnf() print their formatted text on stderr at the call as
# bpftrace does ("stdin:L:C-C: ERROR: msg", no source excerpt, one trailing
# newline dropped), or as "errorf"/"warnf" JSON messages with -f json;
# --no-warnings silences warnf; neither changes the exit status.
# assert(cond, msg) is errorf("assert failed: %s", msg) and exit(1);
# fail() and static_assert() stop the compile with their message.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# bpftrace's documented example: stdin:1:9-62
fathom_run -e 'BEGIN { errorf("Something bad with args: %d, %s", 10, "arg2"); warnf("w %d\n", 3); printf("out\n"); exit(); }'
expect_exit 0
expect_stdout_eq $'out'
expect_stderr_eq 'Attached 1 probe
stdin:1:9-62: ERROR: Something bad with args: 10, arg2
stdin:1:64-82: WARNING: w 3'

fathom_run --no-warnings -e 'BEGIN { warnf("hidden"); errorf("shown"); exit(); }'
expect_exit 0
expect_stderr_eq 'Attached 1 probe
stdin:1:26-41: ERROR: shown'

# from a tracepoint, with run-time values
fathom_run -e 'tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { warnf("sleeping %d", args.rqtp != 0); exit(); }' -c '/bin/sleep 0.1'
expect_exit 0
expect_stderr_match '^stdin:1:63-99: WARNING: sleeping 1$'

fathom_run -f json -e 'BEGIN { errorf("e %s\n", "x"); warnf("w \"q\""); exit(); }'
expect_exit 0
expect_stdout_eq '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "errorf", "msg": "e x\n", "filename": "stdin", "line": 1, "col": 9}
{"type": "warnf", "msg": "w \"q\"", "filename": "stdin", "line": 1, "col": 32}'

fathom_run -e 'BEGIN { errorf("%d %d", 1); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-27: ERROR: printf: Not enough arguments for format string \(1 supplied, 2 expected\)$'

# assert: a failed one prints and exits with 1, END still runs
fathom_run -e 'BEGIN { $x = 3; assert($x == 4, "x is not 4"); printf("not reached\n"); } END { printf("end\n"); }'
expect_exit 1
expect_stdout_eq 'end'
expect_stderr_eq 'Attached 2 probes
stdin:1:17-46: ERROR: assert failed: x is not 4'

fathom_run -e 'BEGIN { assert(1 == 1, "fine"); printf("ok\n"); exit(); }'
expect_exit 0
expect_stdout_eq 'ok'

fathom_run -e 'BEGIN { assert(1); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-18: ERROR: assert\(\) takes 2 arguments, not 1$'

# fail(): a compile-time error with the formatted message
fathom_run -e 'BEGIN { if ($1 < 2) { fail("Expected the first positional param to be greater than 1. Got %d", $1); } }' 1
expect_exit 1
expect_stderr_eq 'stdin:1:23-99: ERROR: Expected the first positional param to be greater than 1. Got 1
BEGIN { if ($1 < 2) { fail("Expected the first positional param to be greater than 1. Got %d", $1); } }
                      ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~'

fathom_run -e 'BEGIN { fail("pid %d", pid); }'
expect_exit 1
expect_stderr_match '^stdin:1:24-27: ERROR: fail\(\) arguments need to be literals$'

# static_assert(): a constant condition, else its message
fathom_run -e 'BEGIN { static_assert(sizeof(int32) == 8, "int32 is not 8 bytes"); }'
expect_exit 1
expect_stderr_eq 'stdin:1:9-66: ERROR: int32 is not 8 bytes
BEGIN { static_assert(sizeof(int32) == 8, "int32 is not 8 bytes"); }
        ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~'

fathom_run -e 'BEGIN { static_assert(sizeof(int32) == 4 && !(2 > 3), "no"); printf("ok\n"); exit(); }'
expect_exit 0
expect_stdout_eq 'ok'
# it is void, as in bpftrace: a passing one leaves no value to discard,
# in a probe, a nested block or a macro's body alike
expect_stderr_no_match 'WARNING'
fathom_run -e 'macro two() { static_assert(sizeof(int16) == 2, "m"); 2 }
BEGIN { if (pid > 0) { static_assert(1 == 1, "a"); } printf("%d\n", two()); exit(); }'
expect_exit 0
expect_stdout_eq '2'
expect_stderr_no_match 'WARNING'

fathom_run -e 'BEGIN { static_assert(pid == 4, "x"); }'
expect_exit 1
expect_stderr_eq 'stdin:1:23-31: ERROR: static_assert() needs a condition known when the script is compiled
BEGIN { static_assert(pid == 4, "x"); }
                      ~~~~~~~~
HINT: use literals, sizeof/offsetof and type questions such as is_str(x)'
