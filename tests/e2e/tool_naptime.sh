#!/usr/bin/env bash
# tools/naptime.bt, run unchanged: a copy of bash named fthparent runs a
# copy of sleep named fthsleep for 0.3 s; the line shows the parent, the
# child and the time slept.  Stopped with SIGINT.
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

cp /bin/bash "$T/fthparent" || fail "cannot copy /bin/bash"
cp "$(command -v sleep)" "$T/fthsleep" || fail "cannot copy sleep"
workload() {
    # "; true" makes bash fork for fthsleep instead of exec'ing it.
    "$T/fthparent" -c 'echo $$ >"$1/ppid"; "$1/fthsleep" 0.3; true' sh "$T"
}

run_tool 2 workload tools/naptime.bt
expect_exit 0
expect_stderr_match '^Attached 6 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
ppid=$(cat "$T/ppid")
expect_stdout_match '^Tracing sleeps\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME     PPID   PCOMM            PID    COMM             SECONDS$'
expect_stdout_match "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] $ppid +fthparent +[0-9]+ +fthsleep +0\.[3-5][0-9]{2}\$"
