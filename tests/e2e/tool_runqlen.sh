#!/usr/bin/env bash
# tools/runqlen.bt, run unchanged: three busy loops named fthspin share
# CPU 0 for 1 s, so samples there see 1 or 2 queued threads.  With
# -- --per-cpu the histograms are keyed by CPU.  Stopped with SIGINT.
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
    spin 0 1 & spin 0 1 & spin 0 1
    wait
}

run_tool 2.5 workload tools/runqlen.bt
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Sampling run queue length at 99 Hertz\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^@runqlen:$'
# About 99 samples of CPU 0 while 2 threads wait there.
n=$(sed -n 's/^\[2\] *\([0-9]*\) |@* *|$/\1/p' "$FATHOM_STDOUT")
[ -n "$n" ] && [ "$n" -ge 30 ] || fail "@runqlen row [2] should count >= 30, is '$n'"

run_tool 2.5 workload tools/runqlen.bt -- --per-cpu
expect_exit 0
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^@runqlen_cpu\[0\]:$'
awk '/^@runqlen_cpu\[0\]:$/ { on = 1; next } on && $0 == "" { exit } on' "$FATHOM_STDOUT" \
    | grep -q -E '^\[2\] +[1-9][0-9]+ ' || fail "@runqlen_cpu[0] has no [2] row with >= 10 samples"
expect_stdout_no_match '^@runqlen:$'
