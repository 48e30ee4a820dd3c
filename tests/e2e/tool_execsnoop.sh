#!/usr/bin/env bash
# tools/execsnoop.bt, run unchanged: a copy of /bin/true named fthexec is
# exec'd with known arguments while the tool runs; its line must show the
# time, its PID and the argument list.  Stopped with SIGINT.
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

cp /bin/true "$T/fthexec" || fail "cannot copy /bin/true"
workload() {
    ( echo "$BASHPID" >"$T/pid"; exec "$T/fthexec" alpha "beta gamma" 42 )
}

run_tool 2 workload tools/execsnoop.bt
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
pid=$(cat "$T/pid")
expect_stdout_match '^TIME            PID     PPID    ARGS$'
[ "$(head -n 1 "$FATHOM_STDOUT")" = "TIME            PID     PPID    ARGS" ] \
    || fail "the header is not the first line"
# printf() and join() are two records: a busy CPU may print another
# event's columns between them, so each part is checked on its own.
expect_stdout_match "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6} $pid +[0-9]+ +"
expect_stdout_match "(^| )$T/fthexec alpha beta gamma 42$"
