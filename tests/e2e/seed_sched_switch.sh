#!/usr/bin/env bash
# Seed one-liner "trace scheduler events":
#   tracepoint:sched:sched_switch { printf("%s -> %s\n", args->prev_comm, args->next_comm); }
# run verbatim (plus an interval probe that ends the run).  Every line is
# "PREV -> NEXT" and a workload named fthwork, which sleeps repeatedly,
# shows up switching out.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/sleep "$T/fthwork" || fail "cannot copy /bin/sleep"

: >"$FATHOM_STDERR"
idle_before=$(awk '/^cpu / { print $5 }' /proc/stat)
( wait_attached && for i in 1 2 3 4 5; do "$T/fthwork" 0.05; done ) &
wl=$!

fathom_run -e 'tracepoint:sched:sched_switch { printf("%s -> %s\n", args->prev_comm, args->next_comm); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
expect_stdout_match '^fthwork -> .+$'
# comm values never contain " -> ", so each line splits in two non-empty
# names (the swapper/N idle tasks included); "Lost N events" is tolerated.
bad=$(grep -v -E '^(.+ -> .+|Lost [0-9]+ events|)$' "$FATHOM_STDOUT" | head -n 3)
[ -z "$bad" ] || fail "lines not of the form 'PREV -> NEXT': $bad"
# The idle tasks show as swapper/N when a CPU went idle during the run;
# on a machine busy the whole second (a parallel build) none does.
idle_after=$(awk '/^cpu / { print $5 }' /proc/stat)
if [ $((idle_after - idle_before)) -gt 20 ]; then
    expect_stdout_match '^swapper/[0-9]+ -> |-> swapper/[0-9]+$'
fi
