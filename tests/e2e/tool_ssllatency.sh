#!/usr/bin/env bash
# tools/ssllatency.bt, run unchanged: one TLS connection on loopback between
# an OpenSSL server and client (copies of openssl named fthssl), the client
# writing 13 bytes. At SIGINT the SSL_write histogram must be printed in
# bpftrace's hist format, with the 13-byte write counted.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd openssl ss
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"

cp "$(command -v openssl)" "$T/fthssl" || fail "cannot copy openssl"
"$T/fthssl" req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || fail "cannot make a test certificate"
port=$(( 40000 + RANDOM % 20000 ))
tls_exchange() {
    "$T/fthssl" s_server -accept "127.0.0.1:$port" -cert "$T/cert.pem" -key "$T/key.pem" -naccept 1 -quiet &
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
