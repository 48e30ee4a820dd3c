#!/usr/bin/env bash
# tools/cpuwalk.bt, run unchanged: a busy loop named fthspin, pinned to the
# last CPU for 1 s, fills that CPU's row of @cpu and tops
# @busy_by_process.  Stopped with SIGINT.
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

last=$(( $(nproc) - 1 ))
workload() {
    spin "$last" 1
}

run_tool 2.5 workload tools/cpuwalk.bt
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Sampling CPU at 99hz\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^@cpu:$'
# 1 s at 99 Hz: up to 99 samples of fthspin (fewer if other busy processes
# share that CPU).
n=$(sed -n 's/^@busy_by_process\[fthspin\]: \([0-9]*\)$/\1/p' "$FATHOM_STDOUT")
[ -n "$n" ] && [ "$n" -ge 25 ] || fail "@busy_by_process[fthspin] should be >= 25, is '$n'"
row=$(sed -n "s/^\[$last\] *\([0-9]*\) |@* *|\$/\1/p" "$FATHOM_STDOUT")
[ -n "$row" ] && [ "$row" -ge "$n" ] || fail "@cpu row [$last] should count >= $n, is '$row'"
