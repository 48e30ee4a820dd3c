#!/usr/bin/env bash
# test:NAME probes, as current bpftrace runs them (bpftrace.cpp's run loop,
# output/text.cpp and json.cpp test_result):
#  - only with --test (or --mode test): each runs once while its output
#    (BEGIN's records too, with the first test) is captured as text; it
#    fails on errorf() or exit() with a non-zero code; a failed test's
#    non-empty output lines are shown, a passed test's are not;
#  - a gtest-like report (text) or one test_result message each (JSON);
#    no "Attached" line, no maps at exit; END still runs; exit status 1
#    when a test failed;
#  - without --test they never run; a script of nothing else is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

G=$'\033[32m' R=$'\033[31m' N=$'\033[0m'

fathom_run --test -e 'begin { printf("begin\n"); @m = 1; }
test:adds { $a = 1 + 1; if ($a != 2) { exit(1); } }
test:prints_then_fails { printf("first\n\n"); errorf("bad value %d", 5); }
test:exits { exit(3); }
end { printf("end\n"); }'
expect_exit 1
expect_stderr_empty
# durations vary: bpftrace prints util::duration_str's unit and scale
sed -E 's/ \([0-9]+ (ns|ms|s|\xce\xbcs)\)$/ (D)/' "$FATHOM_STDOUT" >"$T/report"
cat >"$T/want" <<WANT
${G}[==========]${N} Running 3 tests.
${G}[ RUN      ]${N} adds
${G}[       OK ]${N} adds (D)
${G}[ RUN      ]${N} prints_then_fails
first
stdin:3:47-72: ERROR: bad value 5
${R}[  FAILED  ]${N} prints_then_fails (D)
${G}[ RUN      ]${N} exits
${R}[  FAILED  ]${N} exits (D)
${G}[==========]${N} 3 tests ran.
${G}[  PASSED  ]${N} 1 test.
${R}[  FAILED  ]${N} 2 tests, listed below:
${R}[  FAILED  ]${N} prints_then_fails
${R}[  FAILED  ]${N} exits
end


WANT
cmp -s "$T/report" "$T/want" || fail "report differs: $(diff "$T/want" "$T/report" | cat -A)"

fathom_run -f json --mode test -e 'test:a { printf("x\n"); } test:b { errorf("no"); }'
expect_exit 1
expect_stdout_match '^\{"type": "test_result", "data": \{"a": \{"duration": [0-9]+, "passed": true, "output": "x\\n"\}\}\}$'
expect_stdout_match '^\{"type": "test_result", "data": \{"b": \{"duration": [0-9]+, "passed": false, "output": "stdin:1:36-48: ERROR: no\\n"\}\}\}$'
[ "$(wc -l <"$FATHOM_STDOUT")" = 2 ] || fail "two result lines and nothing else"

fathom_run --test -e 'test:only { @x = 1; }'
expect_exit 0

fathom_run -e 'test:a { @ = count(); }'
expect_exit 1
expect_stderr_match '^ERROR: No probes attached; use --test to run test probes\.$'

fathom_run -e 'test:a { @t = 1; } begin { @b = 1; exit(); }'
expect_exit 0
expect_stdout_match '^@b: 1$'
expect_stdout_no_match '^@t'

fathom_run --test --bench -e 'test:a { }'
expect_exit 1
expect_stderr_match '^ERROR: USAGE: --bench conflicts with existing --mode$'

fathom_run --test -e 'test:* { }'
expect_exit 1
expect_stderr_match 'ERROR: a test probe needs a name and no wildcards'

# return N: a test that returns non-zero failed (bpftrace's docs example);
# every path that does not return a value passes.
fathom_run -f json --test -e 'test:okay { print("fine"); } test:failure { print("shown"); return 1; }
test:cond { $x = 5; if ($x > 3) { return 0; } return 2; } test:late { $y = 2; if ($y > 3) { return 0; } return $y - 2 + 7; }'
expect_exit 1
expect_stdout_match '"okay": \{"duration": [0-9]+, "passed": true'
expect_stdout_match '"failure": \{"duration": [0-9]+, "passed": false, "output": "shown\\n"'
expect_stdout_match '"cond": \{"duration": [0-9]+, "passed": true'
expect_stdout_match '"late": \{"duration": [0-9]+, "passed": false'

fathom_run -e 'BEGIN { return 1; }'
expect_exit 1
expect_stderr_match '^stdin:1:16: ERROR: probes cannot return a value$'
expect_stderr_match '^HINT: only test:NAME probes return a value \(non-zero fails the test\)$'

fathom_run --test -e 'test:s { return "x"; }'
expect_exit 1
expect_stderr_match 'ERROR: a test returns an integer \(non-zero: failed\), not string'
