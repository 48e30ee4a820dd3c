#!/usr/bin/env bash
# Seed one-liner "top processes by CPU":
#   profile:hz:99 { @[comm] = count(); }
# run verbatim (plus an interval probe that ends the run) while a bounded
# busy loop named fthbusy spins: "@[fthbusy]: N" with N > 0 is printed.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp "$BASH" "$T/fthbusy" || fail "cannot copy bash"

: >"$FATHOM_STDERR"
( wait_attached && "$T/fthbusy" -c 'end=$((SECONDS + 3)); while [ $SECONDS -lt $end ]; do :; done' ) &
wl=$!

fathom_run -e 'profile:hz:99 { @[comm] = count(); }
interval:s:2 { exit(); }'
wait "$wl"
expect_exit 0
# One profile probe (on every CPU) and one interval probe.
expect_stderr_match '^Attached 2 probes$'
[ "$(head -n 2 "$FATHOM_STDOUT" | tr '\n' '|')" = "||" ] \
    || fail "stdout does not start with two empty lines"
expect_stdout_match '^@\[fthbusy\]: [1-9][0-9]*$'
bad=$(tail -n +3 "$FATHOM_STDOUT" | grep -v -E '^@\[[^]]*\]: [0-9]+$' | head -n 3)
[ -z "$bad" ] || fail "malformed map lines: $bad"
