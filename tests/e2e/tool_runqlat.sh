#!/usr/bin/env bash
# tools/runqlat.bt, run unchanged: two busy loops named fthspin share
# CPU 0 for 1 s, so each waits in the run queue while the other runs:
# @usecs gets millisecond-range buckets.  With -- --per-process the
# histogram is @usecs_by_process[fthspin].  Stopped with SIGINT.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"

# run_tool SECS WORKLOAD ARGS...: fathom ARGS, WORKLOAD once attached,
# SIGINT after SECS seconds.
run_tool() {
    local secs=$1 workload=$2 wl
    shift 2
    : >"$FATHOM_STDERR"
    ( wait_attached && sleep 0.2 && "$workload" ) >"$T/workload.log" 2>&1 &
    wl=$!
    fathom_run_interrupted "$secs" "$@"
    WORKLOAD_STATUS=0
    wait "$wl" || WORKLOAD_STATUS=$?
}

require_cmd taskset
cp /bin/bash "$T/fthspin" || fail "cannot copy /bin/bash"
# spin CPU SECONDS: a busy loop named fthspin on CPU for SECONDS.
spin() {
    taskset -c "$1" "$T/fthspin" -c 'end=$(( ${EPOCHREALTIME/./} + $1 * 1000000 ))
        while [ "${EPOCHREALTIME/./}" -lt "$end" ]; do :; done' sh "$2"
}

workload() {
    spin 0 1 & spin 0 1
    wait
}
hist_row='^\[[0-9]+[KM]?(, [0-9]+[KMG]?\))?\]? +[0-9]+ \|@* *\|$'

run_tool 2.5 workload tools/runqlat.bt
expect_exit 0
expect_stderr_match '^Attached 5 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing CPU scheduler\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^@usecs:$'
awk '/^@usecs:$/ { on = 1; next } on && $0 == "" { exit } on' "$FATHOM_STDOUT" >"$T/rows"
[ -s "$T/rows" ] || fail "@usecs has no rows"
grep -q -E -v "$hist_row" "$T/rows" && fail "a @usecs line is not a histogram row"
# Two threads sharing a CPU wait for each other's time slices: >= 1 ms.
grep -q -E '^\[[0-9]+K, [0-9]+[KM]\) +[1-9]' "$T/rows" || fail "no run queue latency of 1 ms or more"
expect_stdout_no_match '^@qtime'

run_tool 2.5 workload tools/runqlat.bt -- --per-process
expect_exit 0
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^@usecs_by_process\[fthspin\]:$'
expect_stdout_no_match '^@usecs:$'
