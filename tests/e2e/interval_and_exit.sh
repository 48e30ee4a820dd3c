#!/usr/bin/env bash
# interval probes fire repeatedly; exit() ends the run with status 0, the
# maps are printed after "\n\n", and the statements after exit() in the
# same probe do not run.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'interval:ms:100 { @n++; if (@n == 3) { exit(); } }'
expect_exit 0
expect_stderr_eq "Attached 1 probe"
printf '\n\n@n: 3\n' >"$T/exp"
expect_stdout_eq "$T/exp"

# Nothing after exit() runs: not the printf, not the map update.
fathom_run -e 'interval:ms:100 { @n++; if (@n == 2) { exit(); printf("after exit\n"); @after = 1; } printf("tick %d\n", @n); }'
expect_exit 0
printf 'tick 1\n\n\n@n: 2\n' >"$T/exp"
expect_stdout_eq "$T/exp"

# The alias i: and a timed run: interval:s:1 fires after about a second.
start=$EPOCHREALTIME
fathom_run -e 'i:s:1 { printf("%s\n", probe); exit(); }'
expect_exit 0
expect_stdout_eq "interval:s:1"
elapsed_ms=$(( (${EPOCHREALTIME/./} - ${start/./}) / 1000 ))
[ "$elapsed_ms" -ge 900 ] || fail "interval:s:1 fired after only $elapsed_ms ms"
