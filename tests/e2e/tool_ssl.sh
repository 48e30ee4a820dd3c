#!/usr/bin/env bash
# tools/sslsnoop.bt and tools/ssllatency.bt, run unchanged, each while an
# OpenSSL server and client (copies of the openssl binary named fthssl)
# make one TLS connection on loopback and the client writes
# "hello-fathom\n" (13 bytes). sslsnoop must show the client's SSL_write of
# those 13 bytes with its latency; ssllatency, stopped with SIGINT, must
# print the SSL_write histogram in bpftrace's hist format.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd openssl ss
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"

cp "$(command -v openssl)" "$T/fthssl" || fail "cannot copy openssl"
"$T/fthssl" req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || fail "cannot make a test certificate"
port=$(( 40000 + RANDOM % 20000 ))
# The server's stdin is a FIFO this shell holds open, never at EOF: at EOF
# on stdin s_server closes the connection, which on a busy machine beat the
# client's write of its line.
mkfifo "$T/srv_stdin" && exec {srv_keep}<>"$T/srv_stdin" || fail "cannot make the server's stdin"
tls_exchange() {
    "$T/fthssl" s_server -accept "127.0.0.1:$port" -cert "$T/cert.pem" -key "$T/key.pem" -naccept 1 -quiet <"$T/srv_stdin" &
    local srv=$! _
    # the client connects once the server listens (slow on a busy machine)
    for _ in $(seq 100); do
        ss -ltn "sport = :$port" 2>/dev/null | grep -q LISTEN && break
        sleep 0.05
    done
    echo hello-fathom | timeout 5 "$T/fthssl" s_client -connect "127.0.0.1:$port" -quiet
    sleep 0.3
    kill "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
    return 0
}
# sslsnoop
: >"$FATHOM_STDERR"
( wait_attached && sleep 0.2 && tls_exchange ) >"$T/workload.log" 2>&1 &
wl=$!
fathom_run_interrupted 4 tools/sslsnoop.bt
wait "$wl"
expect_exit 0
expect_stderr_match '^Attached 8 probes$'
expect_stdout_match '^Tracing libssl reads, writes and handshakes\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME\(us\)       TID COMM             CALL              LAT\(us\)  RET$'
expect_stdout_match '^[0-9]+ +[0-9]+ fthssl +SSL_write +[0-9]+ +13$'
# every event line has the six columns
bad=$(grep -v -E '^(Tracing|TIME|$)' "$FATHOM_STDOUT" | grep -v -E '^[0-9]+ +[0-9]+ fthssl +SSL_(read|write|do_handshake) +[0-9]+ +-?[0-9]+$' || true)
[ -z "$bad" ] || fail "lines not in sslsnoop's format: $bad"

# ssllatency
: >"$FATHOM_STDERR"
( wait_attached && sleep 0.2 && tls_exchange ) >"$T/workload.log" 2>&1 &
wl=$!
fathom_run_interrupted 4 tools/ssllatency.bt
wait "$wl"
expect_exit 0
expect_stderr_match '^Attached 8 probes$'
expect_stdout_match '^Tracing libssl call latency\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^@lat_us\[SSL_write\]:$'
expect_stdout_match '^(\[[0-9]+\]|\[[0-9]+[KM]?, [0-9]+[KM]?\)) +[1-9][0-9]* \|@+ *\|$'
