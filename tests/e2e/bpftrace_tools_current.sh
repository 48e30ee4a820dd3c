#!/usr/bin/env bash
# bpftrace 0.23's own tools (Debian 13's package), run unchanged: see
# tests/e2e/bpftrace-tools/lib.sh.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/bpftrace-tools/lib.sh
. "$E2E_DIR/bpftrace-tools/lib.sh"

check_common 0.23
# 0.23 moved the block tools from kprobes to the block tracepoints.
run 0.23 biolatency 0.5 wl_dio '^@usecs:$' "$hist_line"
run 0.23 biosnoop 0.5 wl_dio "^[0-9]+ +[0-9]+ +[0-9]+ +fthbtdd +[0-9]+ +[0-9]+\$"
run 0.23 biostacks 0.5 wl_dio '^@usecs\[$' "$hist_line"
# missing_probes = "ignore": libpthread has no pthread_create any more
run 0.23 threadsnoop 0.5 wl_threads "^$t8\.[0-9]+ +[0-9]+ +fthbtthreads +"
# the same for OpenSSL 3's renamed internals; TLS workloads are in
# tool_ssl.sh, here the scripts compile, attach what exists and run
run 0.23 ssllatency 0.5 wl_none '^Tracing SSL/TLS handshake\.\.\. Hit Ctrl-C to end\.$'
run 0.23 sslsnoop 0.5 wl_none '^TIME\(us\) +TID +COMM +LAT\(us\) +RET FUNC$'
[ "$failures" = 0 ] || fail "$failures checks failed"
