#!/usr/bin/env bash
# tools/syscount.bt, run unchanged: a copy of dd named fthdd makes 100,000
# one-byte reads and writes; it must be among the top processes, and
# read (0) and write (1) among the top syscall IDs.  A second run with
# -- --pid=PID counts that process only.  Stopped with SIGINT.
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

cp /bin/dd "$T/fthdd" || fail "cannot copy /bin/dd"
workload() {
    "$T/fthdd" if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null
}

run_tool 2.5 workload tools/syscount.bt
expect_exit 0
expect_stderr_match '^Attached 4 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Counting syscalls\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^Top 10 syscall IDs:$'
expect_stdout_match '^Top 10 processes:$'
expect_stdout_match '^@process\[fthdd\]: [0-9]{6,}$'
expect_stdout_match '^@syscall\[0\]: [0-9]{6,}$'
expect_stdout_match '^@syscall\[1\]: [0-9]{6,}$'
# print(@m, 10): at most 10 entries each, in ascending order.
[ "$(grep -c '^@syscall\[' "$FATHOM_STDOUT")" -le 10 ] || fail "more than 10 @syscall lines"
[ "$(grep -c '^@process\[' "$FATHOM_STDOUT")" -le 10 ] || fail "more than 10 @process lines"
grep '^@process\[' "$FATHOM_STDOUT" | sed 's/.*: //' | sort -n -c \
    || fail "@process is not in ascending order"

# --pid: the process must exist before the tool starts.
( sleep 0.7; exec "$T/fthdd" if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null ) &
dd_pid=$!
fathom_run_interrupted 2.5 tools/syscount.bt -- --pid="$dd_pid"
wait "$dd_pid"
expect_exit 0
expect_stdout_match '^@process\[fthdd\]: [0-9]{6,}$'
# The PID is a subshell (bash) until it execs fthdd: nothing else counts.
expect_stdout_no_match '^@process\[([^fb]|f[^t]|b[^a])'
expect_stdout_match '^@syscall\[0\]: 10000[0-9]$'
expect_stdout_match '^@syscall\[1\]: 10000[0-9]$'
