#!/usr/bin/env bash
# tools/opensnoop.bt, run unchanged: a copy of cat named fthcat opens a
# known file (FD 3, ERR 0) and a missing one (FD -1, ERR 2).  A second run
# with -- --failed shows only the failed open.  Stopped with SIGINT.
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

cp /bin/cat "$T/fthcat" || fail "cannot copy /bin/cat"
echo data >"$T/fthfile.txt"
workload() {
    "$T/fthcat" "$T/fthfile.txt" >/dev/null
    "$T/fthcat" "$T/fthmissing.txt" 2>/dev/null
    return 0
}

run_tool 2 workload tools/opensnoop.bt
expect_exit 0
expect_stderr_match '^Attached 8 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing open syscalls\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^PID    COMM               FD ERR PATH$'
expect_stdout_match "^[0-9]+ +fthcat +3 +0 $T/fthfile\.txt$"
expect_stdout_match "^[0-9]+ +fthcat +-1 +2 $T/fthmissing\.txt$"
# Columns: PID left-aligned in 6, COMM in 16, FD right-aligned in 4.
grep -E "fthcat .* $T/fthfile\.txt$" "$FATHOM_STDOUT" | head -n 1 \
    | grep -q -E '^[0-9]+ +fthcat           +   3   0 ' \
    || fail "the fthcat line is not in the PID/COMM/FD/ERR column layout"

run_tool 2 workload tools/opensnoop.bt -- --failed
expect_exit 0
expect_stdout_match "^[0-9]+ +fthcat +-1 +2 $T/fthmissing\.txt$"
expect_stdout_no_match "fthcat +3 +0 $T/fthfile\.txt$"

# A relative path is shown made absolute against the process's working
# directory (as current bpftrace's opensnoop shows it); one relative to a
# directory descriptor (openat(dirfd, ...)) as passed; --relative shows
# every path as passed.
[ -x /usr/bin/python3 ] || fail "/usr/bin/python3 is needed"
mkdir -p "$T/sub"
echo data >"$T/sub/rel.txt"
cp "$(readlink -f /usr/bin/python3)" "$T/fthpy" || fail "cannot copy python3"
relative_workload() {
    (cd "$T/sub" && "$T/fthcat" rel.txt >/dev/null)
    "$T/fthpy" -c 'import os, sys; d = os.open(sys.argv[1], os.O_RDONLY); os.close(os.open("sub/rel.txt", os.O_RDONLY, dir_fd=d))' "$T"
}
run_tool 3 relative_workload tools/opensnoop.bt
expect_exit 0
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match "^[0-9]+ +fthcat +3 +0 $T/sub/rel\.txt$"
expect_stdout_match "^[0-9]+ +fthpy +[0-9]+ +0 sub/rel\.txt$"
run_tool 3 relative_workload tools/opensnoop.bt -- --relative
expect_exit 0
expect_stdout_match "^[0-9]+ +fthcat +3 +0 rel\.txt$"
