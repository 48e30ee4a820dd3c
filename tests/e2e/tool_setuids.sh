#!/usr/bin/env bash
# tools/setuids.bt, run unchanged: a small C program named fthsetuid calls
# setuid(0), setreuid(-1, 0), setresuid(0, 0, 0) and setfsuid(0) as root,
# and a copy of setpriv named fthsetpriv switches to uid 65534 with
# setresuid.  Each call is one line with its arguments and result.
# Stopped with SIGINT.
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

require_cmd cc setpriv
cat >"$T/fthsetuid.c" <<'C'
#define _GNU_SOURCE
#include <sys/fsuid.h>
#include <unistd.h>
int main(void)
{
	setuid(0);
	setreuid(-1, 0);
	setresuid(0, 0, 0);
	setfsuid(0);
	return 0;
}
C
cc -o "$T/fthsetuid" "$T/fthsetuid.c" || fail "cannot compile the setuid workload"
cp "$(command -v setpriv)" "$T/fthsetpriv" || fail "cannot copy setpriv"
workload() {
    "$T/fthsetuid" && "$T/fthsetpriv" --reuid=65534 --regid=65534 --clear-groups /bin/true
}

run_tool 2 workload tools/setuids.bt
expect_exit 0
expect_stderr_match '^Attached 10 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing setuid\(2\) family syscalls\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME     PID    COMM             UID    SYSCALL   ARGS \(RET\)$'
t='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
expect_stdout_match "^$t [0-9]+ +fthsetuid        0      setuid    uid=0 \(0\)\$"
expect_stdout_match "^$t [0-9]+ +fthsetuid        0      setreuid  ruid=-1 euid=0 \(0\)\$"
expect_stdout_match "^$t [0-9]+ +fthsetuid        0      setresuid ruid=0 euid=0 suid=0 \(0\)\$"
expect_stdout_match "^$t [0-9]+ +fthsetuid        0      setfsuid  uid=0 \(prevuid=0\)\$"
expect_stdout_match "^$t [0-9]+ +fthsetpriv +0 +setresuid ruid=65534 euid=65534 suid=(65534|-1) \(0\)\$"
