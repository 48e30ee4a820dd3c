#!/usr/bin/env bash
# tools/tcplife.bt, run unchanged: a Python process named fthtcp opens a
# TCP connection to itself on 127.0.0.1, sends 5000 bytes one way and
# 3000 back, and closes both ends: two lines, one per end, with the ports
# and the kilobytes each way.  Stopped with SIGINT.
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

require_cmd python3
cat >"$T/fthtcp.py" <<'PY'
import ctypes, socket, sys
ctypes.CDLL(None).prctl(15, b"fthtcp", 0, 0, 0)   # PR_SET_NAME
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(1)
c = socket.socket()
c.connect(l.getsockname())
a, _ = l.accept()
c.sendall(b"x" * 5000)
n = 0
while n < 5000:
    n += len(a.recv(8192))
a.sendall(b"y" * 3000)
n = 0
while n < 3000:
    n += len(c.recv(8192))
open(sys.argv[1], "w").write("%d %d\n" % (l.getsockname()[1], c.getsockname()[1]))
c.close()
a.close()
l.close()
PY
workload() {
    python3 "$T/fthtcp.py" "$T/ports"
}

run_tool 5 workload tools/tcplife.bt
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
read -r sport cport <"$T/ports"
expect_stdout_match '^PID    COMM             LADDR:LPORT            RADDR:RPORT             TX_KB  RX_KB MS$'
# The client end sent 5000 bytes (4 KB) and got 3000 (2 KB); the server end
# the other way round.
expect_stdout_match "^[0-9]+ +fthtcp +127\.0\.0\.1:$cport +127\.0\.0\.1:$sport +4 +2 [0-9]+\$"
expect_stdout_match "^[0-9]+ +fthtcp +127\.0\.0\.1:$sport +127\.0\.0\.1:$cport +2 +4 [0-9]+\$"
expect_stdout_no_match '^@'
