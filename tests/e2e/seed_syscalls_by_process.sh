#!/usr/bin/env bash
# Seed one-liner "trace all syscalls by process":
#   tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }
# run verbatim (plus an interval probe that ends the run).  With a workload
# named fthwork running, the map printed at exit (after "\n\n") has an
# @[fthwork] entry with a positive count, and every line is "@[COMM]: N"
# sorted by count ascending.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/true "$T/fthwork" || fail "cannot copy /bin/true"

: >"$FATHOM_STDERR"
( wait_attached && for i in $(seq 20); do "$T/fthwork"; sleep 0.02; done ) &
wl=$!

fathom_run -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }
interval:s:2 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'

# The maps come after two empty lines.
[ "$(head -n 2 "$FATHOM_STDOUT")" = "" ] && [ "$(sed -n 2p "$FATHOM_STDOUT")" = "" ] \
    || fail "stdout does not start with two empty lines"
expect_stdout_match '^@\[fthwork\]: [1-9][0-9]*$'

# Every line after the two empty ones is "@[COMM]: N", counts ascending.
tail -n +3 "$FATHOM_STDOUT" >"$T/map"
[ -s "$T/map" ] || fail "no map printed"
bad=$(grep -v -E '^@\[[^]]*\]: [0-9]+$' "$T/map" | head -n 3)
[ -z "$bad" ] || fail "malformed map lines: $bad"
sed -E 's/.*: //' "$T/map" >"$T/counts"
sort -n -c "$T/counts" 2>/dev/null || fail "map is not sorted by count ascending"
