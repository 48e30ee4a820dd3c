#!/usr/bin/env bash
# tools/tcpdrop.bt, run unchanged: a copy of bash named fthconn connects
# to a closed port (1) on 127.0.0.1 and ::1; the kernel answers with a
# reset and drops the SYN (reason NO_SOCKET).  Each drop is a line with
# the addresses and ports, no socket state, the reason, then the kernel
# stack (tcp_v4_rcv / tcp_v6_rcv).  Stopped with SIGINT.
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
    "$T/fthconn" -c 'echo >/dev/tcp/127.0.0.1/1' 2>/dev/null
    "$T/fthconn" -c 'echo >/dev/tcp/::1/1' 2>/dev/null
    return 0
}

run_tool 2 workload tools/tcpdrop.bt
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing tcp drops\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME     PID    COMM             SADDR:SPORT            DADDR:DPORT            STATE        REASON$'
t='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
# The drop runs in the sender's softirq on loopback: usually fthconn.
expect_stdout_match "^$t [0-9]+ +[^ ]+ +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:1 +- +NO_SOCKET\$"
expect_stdout_match "^$t [0-9]+ +[^ ]+ +::1:[0-9]+ +::1:1 +- +NO_SOCKET\$"
expect_stdout_match '^        tcp_v4_rcv\+[0-9]+$'
expect_stdout_match '^        tcp_v6_rcv\+[0-9]+$'
# @tcp_states and @reasons are cleared at END.
expect_stdout_no_match '^@'
