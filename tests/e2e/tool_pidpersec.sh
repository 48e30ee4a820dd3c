#!/usr/bin/env bash
# tools/pidpersec.bt, run unchanged: a copy of bash named fthforker forks
# 40 /bin/true; the per-second lines count new processes, and at Ctrl-C
# @forks_by_parent[fthforker] and @forks_total show at least 40.
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

cp /bin/bash "$T/fthforker" || fail "cannot copy /bin/bash"
workload() {
    "$T/fthforker" -c 'for i in {1..40}; do /bin/true; done'
}

run_tool 2.6 workload tools/pidpersec.bt
expect_exit 0
expect_stderr_match '^Attached 4 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing new processes\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] PIDs/sec: [0-9]+$'
n=$(sed -n 's/^@forks_by_parent\[fthforker\]: \([0-9]*\)$/\1/p' "$FATHOM_STDOUT")
[ -n "$n" ] && [ "$n" -ge 40 ] || fail "@forks_by_parent[fthforker] should be >= 40, is '$n'"
total=$(sed -n 's/^@forks_total: \([0-9]*\)$/\1/p' "$FATHOM_STDOUT")
[ -n "$total" ] && [ "$total" -ge 40 ] || fail "@forks_total should be >= 40, is '$total'"
# @forks is cleared at END: a cleared keyless count prints as 0, as bpftrace
# prints it.
expect_stdout_match '^@forks: 0$'
