#!/usr/bin/env bash
# Seed one-liners not covered by the other seed_* tests, run verbatim and
# ended with Ctrl-C:
#   tracepoint:block:block_rq_issue { @bytes = hist(args->bytes); }
#   tracepoint:net:netif_rx { printf("RX %d bytes on %s\n", args->len, args->name); }
#   profile:hz:99 { @[ustack, kstack, comm] = count(); }
# with a workload for each: 64 KiB written with O_DIRECT to the disk $T is
# on, a TCP exchange over loopback (args->name is a __data_loc string),
# and a busy shell named fthspin.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd dd python3

# run SECS WORKLOAD SCRIPT: Ctrl-C after SECS; WORKLOAD runs once attached.
run() {
    local helper
    : >"$FATHOM_STDERR"
    ( wait_attached && eval "$2" ) &
    helper=$!
    fathom_run_interrupted "$1" -e "$3"
    wait "$helper" || fail "the workload did not run (fathom never attached?)"
}

run 3 "for i in 1 2 3; do dd if=/dev/zero of='$T/blk' bs=64k count=1 oflag=direct conv=fsync 2>/dev/null; done" \
    'tracepoint:block:block_rq_issue { @bytes = hist(args->bytes); }'
expect_exit 0
expect_stderr_eq "Attached 1 probe"
[ "$(sed -n 3p "$FATHOM_STDOUT")" = "@bytes:" ] || fail "the map printed at exit is not '@bytes:' after '\\n\\n'"
# The 64 KiB direct writes are requests of [64K, 128K) bytes, or split
# into smaller ones by the device's limits: some row at 4K or above counts.
expect_stdout_match '^\[[0-9]+[KM], [0-9]+[KM]\) +[1-9][0-9]* \|@*'
label='(\[[0-9]+[KMG]?, [0-9]+[KMG]?\)|\[[0-9]+\])'
sed -n '4,$p' "$FATHOM_STDOUT" | sed '/^$/d' | while IFS= read -r row; do
    printf '%s\n' "$row" | grep -q -E "^$label +[0-9]+ \\|[ @]{52}\\|\$" || { echo "bad row: '$row'"; exit 1; }
done || fail "malformed hist row"

run 3 "python3 -c '
import socket
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen()
c = socket.create_connection(s.getsockname()); a, _ = s.accept()
c.sendall(b\"x\" * 100); a.recv(1000)
'" 'tracepoint:net:netif_rx {
    printf("RX %d bytes on %s\n", args->len, args->name);
}'
expect_exit 0
expect_stderr_eq "Attached 1 probe"
# The 100-byte payload arrives on lo with its TCP/IP headers (after the
# Ethernet header is pulled: len counts from the IP header).
expect_stdout_match '^RX 1[0-9][0-9] bytes on lo$'
expect_stdout_match '^RX [0-9]+ bytes on lo$'
expect_stdout_no_match 'bytes on $'

cp "$BASH" "$T/fthspin" || fail "cannot copy bash"
run 3 "timeout 2 '$T/fthspin' -c 'while :; do :; done'; :" 'profile:hz:99 {
    @[ustack, kstack, comm] = count();
}'
expect_exit 0
expect_stderr_eq "Attached 1 probe"
# Each key is "@[" USTACK ", " KSTACK ", " comm "]: N", each stack a newline
# then one "        frame" line per frame; the spinning shell is in user
# space, so its entries have user frames.
awk '/^@\[$/ { key = ""; inkey = 1 } inkey { key = key $0 "\n" }
     inkey && /\]: [0-9]+$/ { inkey = 0; if (key ~ /, fthspin\]: [0-9]+\n$/) print key > "/dev/stderr" }' \
    "$FATHOM_STDOUT" 2>"$T/keys"
[ -s "$T/keys" ] || fail "no '@[ustack, kstack, fthspin]' entry"
# A spinning shell is sampled in user space: an entry whose ustack has
# frames, then the ", " line that ends it.
grep -A1 -E '^@\[$' "$T/keys" | grep -q -E '^        [^ ]' \
    || fail "no fthspin entry has user frames: $(head -20 "$T/keys")"
grep -q -E '^, $' "$T/keys" || fail "the stacks are not separated by ', ' lines: $(head -20 "$T/keys")"
