#!/usr/bin/env bash
# tools/statsnoop.bt, run unchanged: a copy of stat(1) named fthstat looks
# up an existing file (ERR 0) and a missing one (ERR 2).  Stopped with
# SIGINT.
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

cp /usr/bin/stat "$T/fthstat" || fail "cannot copy /usr/bin/stat"
echo data >"$T/fthfile.txt"
workload() {
    "$T/fthstat" "$T/fthfile.txt" >/dev/null
    "$T/fthstat" "$T/fthmissing.txt" 2>/dev/null
    return 0
}

run_tool 2 workload tools/statsnoop.bt
expect_exit 0
expect_stderr_match '^Attached 12 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing stat syscalls\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^PID    COMM             ERR PATH$'
expect_stdout_match "^[0-9]+ +fthstat +0 $T/fthfile\.txt$"
expect_stdout_match "^[0-9]+ +fthstat +2 $T/fthmissing\.txt$"
# glibc's fstat() is newfstatat(fd, "", AT_EMPTY_PATH): never an empty PATH.
expect_stdout_no_match '^[0-9]+ +[^ ].* +[0-9]+ $'
