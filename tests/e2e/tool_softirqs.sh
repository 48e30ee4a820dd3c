#!/usr/bin/env bash
# tools/softirqs.bt, run unchanged: timer softirqs run on any live system,
# and loopback TCP connects from fthconn (a copy of bash) raise NET_RX;
# @count and @usecs have entries for both.  With -- --dist, per-kind
# histograms too.  Stopped with SIGINT.
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

cp /bin/bash "$T/fthconn" || fail "cannot copy /bin/bash"
workload() {
    "$T/fthconn" -c 'for i in 1 2 3 4 5; do echo >/dev/tcp/127.0.0.1/1; done' 2>/dev/null
    return 0
}

run_tool 2 workload tools/softirqs.bt
expect_exit 0
expect_stderr_match '^Attached 5 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing soft IRQ time\.\.\. Hit Ctrl-C to end\.$'
for kind in TIMER NET_RX; do
    expect_stdout_match "^@count\\[$kind\\]: [1-9][0-9]*\$"
    expect_stdout_match "^@usecs\\[$kind\\]: [0-9]+\$"
done
expect_stdout_no_match '^@(name|start|ticks)'

run_tool 2 workload tools/softirqs.bt -- --dist
expect_exit 0
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^@dist_usecs\[TIMER\]:$'
