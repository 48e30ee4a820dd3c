#!/usr/bin/env bash
# skboutput(path, skb, len, offset) writes packets to a pcap file (magic
# a1b2c3d4, version 2.4, snaplen 65535, link type 101 raw IP) through
# bpf_skb_output and a perf buffer. A -c child (bash) sends three UDP
# datagrams over loopback; rawtracepoint:net_dev_queue (a tp_btf
# program, which may call bpf_skb_output) sees each leave with its
# 14-byte Ethernet header in front: offset 14 leaves it out (raw IP),
# offset 0 keeps it. The files get every packet the probes saw (the
# kernel's ICMP port-unreachable replies too); each record's timestamp is
# the wall-clock time it was sent. A packet that does not fit the perf
# buffer (config perf_rb_pages) is lost and reported like lost events.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd dd
build_target pcap_check pcap_check

port=40999
send='for i in 1 2 3; do echo fathom-skb-$i > /dev/udp/127.0.0.1/'$port'; done'
before=$(date +%s)
fathom_run -e 'rawtracepoint:net_dev_queue /pid == cpid/ {
  $ip = skboutput("'"$T"'/ip.pcap", args.skb, args.skb->len, 14);
  $eth = skboutput("'"$T"'/eth.pcap", args.skb, args.skb->len, 0);
  printf("sent %d %d len=%d\n", $ip, $eth, args.skb->len);
}
rawtracepoint:netif_receive_skb /pid == cpid/ {
  $r = skboutput("'"$T"'/ip.pcap", args.skb, args.skb->len, 0);
  printf("received %d len=%d\n", $r, args.skb->len);
}' -c "bash -c '$send'"
after=$(date +%s)
expect_exit 0
sent=$(grep -c '^sent 0 0 len=' "$FATHOM_STDOUT")
received=$(grep -c '^received 0 len=' "$FATHOM_STDOUT")
[ "$(grep -c -E '^(sent|received)' "$FATHOM_STDOUT")" = $((sent + received)) ] || fail "a skboutput() call failed"

# Raw IP: every packet sent (less its 14-byte Ethernet header) and every
# one received (which loopback has already taken it off), all in the one
# file both probes name: IPv4 over loopback, the three datagrams in the
# order they were sent.
"$T/pcap_check" "$T/ip.pcap" 0 >"$T/ip.txt" || fail "ip.pcap is malformed: $(cat "$T/ip.txt")"
grep -qx 'header magic=a1b2c3d4 version=2.4 thiszone=0 snaplen=65535 linktype=101' "$T/ip.txt" \
    || fail "ip.pcap header: $(head -1 "$T/ip.txt")"
grep -qx "records=$((sent + received))" "$T/ip.txt" || fail "ip.pcap has not the $sent + $received packets: $(cat "$T/ip.txt")"
[ "$(grep -c ' ipv4 proto=[0-9]* src=127.0.0.1 dst=127.0.0.1' "$T/ip.txt")" = $((sent + received)) ] \
    || fail "ip.pcap records are not all IPv4 over loopback: $(cat "$T/ip.txt")"
grep -o "dport=$port payload=.*" "$T/ip.txt" | tr -d '.' | sort -u >"$T/datagrams"
printf 'dport=%s payload=fathom-skb-%s\n' "$port" 1 "$port" 2 "$port" 3 >"$T/want"
cmp -s "$T/datagrams" "$T/want" || fail "ip.pcap does not hold the three datagrams: $(cat "$T/ip.txt")"
# Record lengths: the skbs' less the offset (per CPU buffers may
# interleave the probes' records differently from their printf()s).
awk '/^sent/ { sub("len=", "", $4); print $4 - 14 } /^received/ { sub("len=", "", $3); print $3 }' \
    "$FATHOM_STDOUT" | sort -n >"$T/skb_lens"
grep -o 'caplen=[0-9]* len=[0-9]*' "$T/ip.txt" | awk '{ sub("caplen=", "", $1); sub("len=", "", $2);
    if ($1 != $2) exit 1; print $1 }' | sort -n >"$T/rec_lens" || fail "ip.pcap: caplen differs from len"
cmp -s "$T/skb_lens" "$T/rec_lens" || fail "ip.pcap records are not the skbs less the offset: $(paste "$T/skb_lens" "$T/rec_lens")"
while read -r sec; do
    if [ "$sec" -lt "$before" ] || [ "$sec" -gt "$after" ]; then
        fail "timestamp $sec is not within $before..$after"
    fi
done < <(grep -o ' ts=[0-9]*' "$T/ip.txt" | sed 's/ ts=//')

# Offset 0 when sent: the same packets behind loopback's Ethernet header
# (zero addresses, type 0800).
"$T/pcap_check" "$T/eth.pcap" 14 >"$T/eth.txt" || fail "eth.pcap is malformed: $(cat "$T/eth.txt")"
grep -qx "records=$sent" "$T/eth.txt" || fail "eth.pcap has not the $sent packets sent: $(cat "$T/eth.txt")"
[ "$(grep -c ' first14=0000000000000000000000000800 ipv4 proto=[0-9]* src=127.0.0.1 dst=127.0.0.1' "$T/eth.txt")" \
    = "$sent" ] || fail "eth.pcap records do not start with the Ethernet header: $(cat "$T/eth.txt")"
[ "$(grep -c "dport=$port payload=fathom-skb-" "$T/eth.txt")" = 3 ] \
    || fail "eth.pcap does not hold the three datagrams: $(cat "$T/eth.txt")"

# perf_rb_pages = 1 (across the CPUs) leaves one 4 KiB page per CPU: a
# 10000-byte datagram cannot fit, its skboutput() fails with -ENOSPC and
# counts as a lost event (and, with -k, a helper error); the next, small
# one gets through. dd sends
# each with one write (-c would let the probes see only the shell).
: >"$FATHOM_STDERR"
( wait_attached && dd if=/dev/zero bs=10000 count=1 status=none >/dev/udp/127.0.0.1/$port &&
    echo after | dd status=none >/dev/udp/127.0.0.1/$port ) &
sender=$!
fathom_run -k -e 'config = { perf_rb_pages = 1 }
rawtracepoint:net_dev_queue /comm == "dd"/ {
  $r = skboutput("'"$T"'/small.pcap", args.skb, args.skb->len, 14);
  printf("r=%d len=%d\n", (int32)$r, args.skb->len);
  if (args.skb->len == 48) { exit(); }
}'
wait "$sender" || fail "dd did not send the datagrams (fathom never attached?)"
expect_exit 0
expect_stdout_match '^r=-28 len=10042$'
expect_stdout_match '^r=0 len=48$'
expect_stderr_match 'Total lost event count: [1-9]'
expect_stderr_match 'helper: skb_output, retcode: -28$'
"$T/pcap_check" "$T/small.pcap" 0 >"$T/small.txt" || fail "small.pcap is malformed: $(cat "$T/small.txt")"
grep -q "dport=$port payload=after" "$T/small.txt" || fail "small.pcap lacks the small datagram: $(cat "$T/small.txt")"
grep -q "len=10028" "$T/small.txt" && fail "small.pcap holds the lost datagram: $(cat "$T/small.txt")"

# A packet longer than a perf record can hold (its size is a u16) is
# captured up to 65484 bytes: the record keeps its whole length in len.
: >"$FATHOM_STDERR"
( wait_attached && dd if=/dev/zero bs=65507 count=1 status=none >/dev/udp/127.0.0.1/$port &&
    echo after | dd status=none >/dev/udp/127.0.0.1/$port ) &
sender=$!
fathom_run -e 'rawtracepoint:net_dev_queue /comm == "dd"/ {
  $r = skboutput("'"$T"'/big.pcap", args.skb, args.skb->len, 14);
  printf("r=%d len=%d\n", (int32)$r, args.skb->len);
  if (args.skb->len == 48) { exit(); }
}'
wait "$sender" || fail "dd did not send the datagrams (fathom never attached?)"
expect_exit 0
expect_stdout_match '^r=0 len=65549$'
"$T/pcap_check" "$T/big.pcap" 0 >"$T/big.txt" || fail "big.pcap is malformed: $(cat "$T/big.txt")"
grep -q "caplen=65470 len=65535 ipv4 proto=17 src=127.0.0.1 dst=127.0.0.1 dport=$port " "$T/big.txt" \
    || fail "big.pcap: the 65549-byte skb is not cut to 65484 bytes: $(cut -c1-160 "$T/big.txt")"
grep -q "dport=$port payload=after" "$T/big.txt" || fail "big.pcap lacks the small datagram: $(cat "$T/big.txt")"

# Compile-time errors: where bpf_skb_output cannot be called, and what
# each argument must be.
fathom_run -e 'tracepoint:net:net_dev_queue { skboutput("/tmp/x.pcap", args.skbaddr, 64, 0); }'
expect_exit 1
expect_stderr_match 'ERROR: skboutput\(\) takes a struct sk_buff \*, not '
expect_stderr_match 'ERROR: skboutput\(\) is not available in tracepoint probes'
expect_stderr_match 'HINT: use it in fentry/fexit or rawtracepoint probes'

fathom_run -e 'rawtracepoint:net_dev_queue { skboutput($1, args.skb, "x", args.skb->len); }'
expect_exit 1
expect_stderr_match 'ERROR: skboutput\(\) writes to the file a string literal names'
expect_stderr_match 'ERROR: skboutput\(\) length must be an integer'
expect_stderr_match 'ERROR: skboutput\(\) offset must be an integer literal between 0 and'
fathom_run -e 'rawtracepoint:net_dev_queue { $r = skboutput("/tmp/x.pcap", args.skb, "x", 0); }'
expect_exit 1
expect_stderr_eq 'stdin:1:71-74: ERROR: skboutput() length must be an integer (bytes of the packet), not string[2]
rawtracepoint:net_dev_queue { $r = skboutput("/tmp/x.pcap", args.skb, "x", 0); }
                                                                      ~~~
HINT: e.g. skboutput("/tmp/out.pcap", args.skb, args.skb->len, 0)'

fathom_run -e 'rawtracepoint:net_dev_queue { skboutput("/tmp/x.pcap", args.skb); }'
expect_exit 1
expect_stderr_match 'skboutput'

# Only the probe's own pointer is one the kernel trusts.
fathom_run -e 'rawtracepoint:net_dev_queue { $s = args.skb; skboutput("/tmp/x.pcap", $s, 64, 0); }'
expect_exit 1
expect_stderr_match 'ERROR: skboutput\(\) reads the packet through the probe.s own arguments only'

# The file is created before the probes run.
fathom_run -e 'rawtracepoint:net_dev_queue { skboutput("'"$T"'/no/such/dir/x.pcap", args.skb, 64, 0); }'
expect_exit 1
expect_stderr_match '^stdin:1:31-[0-9]+: ERROR: cannot create the pcap file .*/no/such/dir/x.pcap for skboutput\(\): No such file or directory$'
expect_stderr_match '^ +~~~~~~~~~+$'
expect_stderr_match '^HINT: check that its directory exists and is writable$'
