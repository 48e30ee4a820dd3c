#!/usr/bin/env bash
# tools/threadsnoop.bt, run unchanged: progs/thread_target.c starts two
# threads whose start routine is worker_main, named by usym(). Stopped
# with SIGINT.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"

gcc -O1 -o "$T/fththreads" "$E2E_DIR/progs/thread_target.c" -lpthread || fail "cannot compile thread_target.c"


: >"$FATHOM_STDERR"
( wait_attached && sleep 0.2 && "$T/fththreads" ) >"$T/workload.log" 2>&1 &
wl=$!
fathom_run_interrupted 3 tools/threadsnoop.bt
wait "$wl" || fail "the workload failed: $(cat "$T/workload.log")"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
expect_stdout_match '^TIME                PID     TID COMM             FUNC$'
t='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6}'
[ "$(grep -c -E "^$t +[0-9]+ +[0-9]+ fththreads +worker_main\$" "$FATHOM_STDOUT")" = 2 ] \
    || fail "expected two threads of fththreads started at worker_main"
