#!/usr/bin/env bash
# tools/syncsnoop.bt, run unchanged: a copy of sync(1) named fthsync calls
# sync(), syncfs() (sync -f FILE) and fdatasync() (sync -d FILE); each
# shows as a line with the tracepoint's name.  Stopped with SIGINT.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"

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

cp /usr/bin/sync "$T/fthsync" || fail "cannot copy /usr/bin/sync"
echo data >"$T/fthfile.txt"
workload() {
    "$T/fthsync" && "$T/fthsync" -f "$T/fthfile.txt" && "$T/fthsync" -d "$T/fthfile.txt"
}

run_tool 4 workload tools/syncsnoop.bt
expect_exit 0
expect_stderr_match '^Attached 7 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing sync syscalls\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME      PID    COMM             EVENT$'
t='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
for ev in sync syncfs fdatasync; do
    expect_stdout_match "^$t  [0-9]+ +fthsync +tracepoint:syscalls:sys_enter_$ev\$"
done
