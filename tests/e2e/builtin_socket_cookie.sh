#!/usr/bin/env bash
# socket_cookie(struct sock *) is the cookie the kernel keeps for the
# socket, the one getsockopt(SO_COOKIE) gives its owner: a -c child
# connects a TCP socket over loopback and writes that socket's SO_COOKIE;
# the rawtracepoint sees the same socket go to SYN_SENT (state 2) in the
# child's connect(). The kernel gives bpf_get_socket_cookie to BTF-typed
# programs only, so other probes get a compile-time error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3

cat >"$T/connect.py" <<'PY'
import socket, struct, sys
SO_COOKIE = 57
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
client = socket.socket()
client.connect(server.getsockname())
cookie = struct.unpack("Q", client.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]
with open(sys.argv[1], "w") as out:
    out.write("%d\n" % cookie)
PY

fathom_run -e 'rawtracepoint:inet_sock_set_state /pid == cpid && args.newstate == 2/ {
  printf("syn_sent cookie=%d\n", socket_cookie(args.sk));
}' -c "python3 $T/connect.py $T/cookie"
expect_exit 0
cookie=$(cat "$T/cookie")
[[ $cookie =~ ^[1-9][0-9]*$ ]] || fail "the child wrote no SO_COOKIE: '$cookie'"
expect_stdout_match "^syn_sent cookie=$cookie\$"

fathom_run -e 'tracepoint:sock:inet_sock_set_state { print(socket_cookie(args.skaddr)); }'
expect_exit 1
expect_stderr_match 'ERROR: socket_cookie\(\) takes a struct sock \*, not void \*'
expect_stderr_match 'ERROR: socket_cookie\(\) is not available in tracepoint probes'
expect_stderr_match 'HINT: use it in fentry/fexit, rawtracepoint or iter probes'

# Only the probe's own pointer is one the kernel trusts.
fathom_run -e 'rawtracepoint:inet_sock_set_state { $sk = args.sk; print(socket_cookie($sk)); }'
expect_exit 1
expect_stderr_match 'ERROR: socket_cookie\(\) reads the socket through the probe.s own arguments only'
