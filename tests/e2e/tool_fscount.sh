#!/usr/bin/env bash
# tools/fscount.bt, run unchanged: a copy of cat named fthcat reads 20
# files: openat and read are counted at least 20 times each.  With
# -- --by-process the counts are keyed by process name too.  Stopped with
# SIGINT.
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

cp /bin/cat "$T/fthcat" || fail "cannot copy /bin/cat"
for i in $(seq 20); do echo "$i" >"$T/f$i"; done
workload() {
    local i
    for i in $(seq 20); do "$T/fthcat" "$T/f$i" >/dev/null; done
}
count_of() {
    sed -n "s/^$1: \\([0-9]*\\)\$/\\1/p" "$FATHOM_STDOUT"
}

run_tool 1.5 workload tools/fscount.bt
expect_exit 0
expect_stderr_match '^Attached [0-9]+ probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Counting file system syscalls\.\.\. Hit Ctrl-C to end\.$'
for sc in openat read close; do
    n=$(count_of "@\\[tracepoint:syscalls:sys_enter_$sc\\]")
    [ -n "$n" ] && [ "$n" -ge 20 ] || fail "@[tracepoint:syscalls:sys_enter_$sc] should be >= 20, is '$n'"
done

run_tool 1.5 workload tools/fscount.bt -- --by-process
expect_exit 0
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
n=$(count_of "@by_process\\[fthcat, tracepoint:syscalls:sys_enter_openat\\]")
[ -n "$n" ] && [ "$n" -ge 20 ] || fail "@by_process[fthcat, ...sys_enter_openat] should be >= 20, is '$n'"
expect_stdout_no_match '^@\['
