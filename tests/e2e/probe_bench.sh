#!/usr/bin/env bash
# bench:NAME probes, as current bpftrace runs them:
#  - only with --bench (or --mode bench): each runs over and over (its
#    repeat count grows until the runs take 1 ms together), its output is
#    discarded (BEGIN's too), and the result is a table row (text) or a
#    benchmark_result message (JSON); no "Attached" line, no maps at exit;
#    END still runs;
#  - errorf() or exit() with a non-zero code fails the benchmark;
#  - without --bench they never run; a script of nothing else is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run --bench -e 'begin { printf("begin\n"); } bench:map_count { @ = count(); }
  bench:a_much_longer_benchmark_name_than_forty_chars { @s[1] = sum(5); } end { printf("end\n"); }'
expect_exit 0
expect_stderr_empty
# the name column: the longest name (45 characters) + 1; Time(ns) 15
# wide; dashes under the whole header
sed -n 1,2p "$FATHOM_STDOUT" >"$T/head"
printf '%-46s%-15s%s\n%s\n' Benchmark 'Time(ns)' Iterations "$(printf -- '-%.0s' $(seq 71))" >"$T/want"
expect_stdout_match '^map_count {37}[0-9]+ +[0-9]+$'
expect_stdout_match '^a_much_longer_benchmark_name_than_forty_chars [0-9]+ +[0-9]+$'
cmp -s "$T/head" "$T/want" || fail "table header differs: $(cat -A "$T/head")"
[ "$(sed -n 5p "$FATHOM_STDOUT")" = end ] || fail "END's output should follow the table"
expect_stdout_no_match '^begin$'
expect_stdout_no_match '^@'
# the runs of one benchmark take at least 1 ms together
awk 'NR == 3 || NR == 4 { if ($2 * $3 < 1000000) exit 1 }' "$FATHOM_STDOUT" || fail "ran less than 1 ms"

fathom_run -q -f json --mode bench -e 'bench:a { @a++; } bench:b { @b++; }'
expect_exit 0
expect_stdout_match '^\{"type": "benchmark_result", "data": \{"a": \{"average": [0-9]+, "iters": [0-9]+\}\}\}$'
expect_stdout_match '^\{"type": "benchmark_result", "data": \{"b": \{"average": [0-9]+, "iters": [0-9]+\}\}\}$'
[ "$(wc -l <"$FATHOM_STDOUT")" = 2 ] || fail "two result lines and nothing else"

# a failed first benchmark takes the table header with it, as in bpftrace
fathom_run --bench -e 'bench:a { errorf("bad"); } bench:b { exit(3); } bench:c { @x++; }'
expect_exit 1
expect_stderr_match "^ERROR: Benchmark 'a' failed\.$"
expect_stderr_match "^ERROR: Benchmark 'b' failed\.$"
expect_stdout_match '^c {40}[0-9]+ +[0-9]+$'
expect_stdout_no_match '^Benchmark'

fathom_run -e 'bench:a { @ = count(); }'
expect_exit 1
expect_stderr_match '^ERROR: No probes attached; use --bench to run benchmark probes\.$'

fathom_run -e 'bench:a { @ = count(); } begin { @b = 1; exit(); }'
expect_exit 0
expect_stderr_match '^Attached 1 probe$'
expect_stdout_match '^@b: 1$'
expect_stdout_no_match '^@: '

fathom_run --bench -e 'bench:* { }'
expect_exit 1
expect_stderr_match '^stdin:1:1-8: ERROR: a bench probe needs a name and no wildcards$'

fathom_run --mode codegen -e 'begin { }'
expect_exit 1
expect_stderr_match "^ERROR: --mode 'codegen' is not supported"
