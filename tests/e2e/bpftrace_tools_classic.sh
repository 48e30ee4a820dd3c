#!/usr/bin/env bash
# bpftrace 0.17's own tools (Debian 12's package), run unchanged: see
# tests/e2e/bpftrace-tools/lib.sh.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/bpftrace-tools/lib.sh
. "$E2E_DIR/bpftrace-tools/lib.sh"

check_common 0.17
# The block tools are kprobe tools in 0.17 (tested in the VM).
for tool in biolatency biosnoop biostacks; do refused 0.17 $tool 'ERROR: kprobes are not available on this kernel'; done
# glibc 2.34 moved pthread_create into libc; OpenSSL 3 renamed the RSA and
# ECDSA internals: bpftrace 0.17 fails on these too.
refused 0.17 threadsnoop "Could not resolve symbol: .*libpthread[^:]*:pthread_create"
refused 0.17 ssllatency "Could not resolve symbol: .*libcrypto[^:]*:rsa_ossl_public_encrypt"
refused 0.17 sslsnoop "Could not resolve symbol: .*libcrypto[^:]*:rsa_ossl_public_encrypt"
[ "$failures" = 0 ] || fail "$failures checks failed"
