#!/usr/bin/env bash
# tools/killsnoop.bt, run unchanged: a copy of kill(1) named fthkill
# sends signal 0 to a live sleep (RESULT 0) and to a PID that does not
# exist (RESULT -3, ESRCH).  Stopped with SIGINT.
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

cp /bin/kill "$T/fthkill" || fail "cannot copy /bin/kill"
sleep 10 &
target=$!
at_exit kill "$target"
# A PID that is not in use: above pid_max.
nopid=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
[ "$nopid" -le 4194304 ] || nopid=4194304
workload() {
    "$T/fthkill" -0 "$target"
    "$T/fthkill" -0 "$nopid" 2>/dev/null
    return 0
}

run_tool 2 workload tools/killsnoop.bt
expect_exit 0
expect_stderr_match '^Attached 8 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing kill\(\) signals\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME                PID COMM              SIG   TPID SYSCALL RESULT$'
t='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6}'
expect_stdout_match "^$t +[0-9]+ fthkill +0 +$target kill +0\$"
expect_stdout_match "^$t +[0-9]+ fthkill +0 +$nopid kill +-3\$"
