#!/usr/bin/env bash
# Lost events are counted and reported, never silent. FATHOM_RINGBUF_SIZE
# shrinks the event ring buffer to one page:
#  - BEGIN emits 200 printf records (~90 bytes each) and the exit() record
#    before anything reads the buffer: the ones that did not fit are
#    reported as "Lost N events" on stderr (text) or a lost_events message
#    on stdout (json), with "WARNING: Total lost event count: N" on stderr
#    in both, and delivered + lost = 201 (200 if exit() was delivered);
#  - a tracepoint fired by a busy workload loses events the same way;
#  - a size that is not a power-of-two multiple of the page size is refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

page=$(getconf PAGESIZE)
export FATHOM_RINGBUF_SIZE=$page
# shellcheck disable=SC2016 # $i is the script's variable
prog='BEGIN { $i = 0; while ($i < 200) { printf("%d %s\n", $i, "0123456789012345678901234567890123456789"); $i++; } exit(); }'

# text
fathom_run -e "$prog"
expect_exit 0
expect_stderr_match '^Attached 1 probe$'
lost=$(sed -n -E 's/^Lost ([0-9]+) events$/\1/p' "$FATHOM_STDERR")
[ -n "$lost" ] || fail "no 'Lost N events' line on stderr"
[ "$(printf '%s\n' "$lost" | wc -l)" -eq 1 ] || fail "expected one 'Lost' line, got: $lost"
[ "$lost" -gt 0 ] || fail "lost count is not positive: $lost"
expect_stderr_match "^WARNING: Total lost event count: $lost\$"
got=$(grep -c -E '^[0-9]+ 0123456789' "$FATHOM_STDOUT")
case $(( got + lost )) in
    200|201) ;;
    *) fail "delivered $got + lost $lost is neither 200 nor 201" ;;
esac
expect_stdout_no_match '^Lost'

# json: the same counts, the message on stdout
fathom_run -f json -e "$prog"
expect_exit 0
want="{\"type\": \"lost_events\", \"count\": $lost, \"data\": {\"events\": $lost}}"
[ "$(grep -c -F -x "$want" "$FATHOM_STDOUT")" -eq 1 ] || fail "no line '$want'"
[ "$(tail -n 1 "$FATHOM_STDOUT")" = "$want" ] || fail "lost_events is not the last message"
[ "$(grep -c '"type": "printf"' "$FATHOM_STDOUT")" -eq "$got" ] || fail "json delivered a different count"
expect_stderr_eq "WARNING: Total lost event count: $lost"

# A tracepoint that fires faster than the buffer drains.
# dd copies one byte per read and write: ~200,000 syscalls in a fraction
# of a second, each a ~280-byte record into a one-page buffer.
wl_name=ls${T##*.}            # a comm unique to this run
cp /bin/dd "$T/$wl_name" || fail "cannot copy /bin/dd"
: >"$FATHOM_STDERR"
( wait_attached && "$T/$wl_name" if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null ) &
wl=$!
fathom_run -e 'tracepoint:raw_syscalls:sys_enter /comm == "'"$wl_name"'"/ {
    printf("%s %s %s %s %d\n", comm, comm, comm, comm, args.id);
}
interval:s:2 { exit(); }'
wait "$wl"
expect_exit 0
total=$(sed -n -E 's/^WARNING: Total lost event count: ([0-9]+)$/\1/p' "$FATHOM_STDERR")
if [ -z "$total" ] || [ "$total" -le 0 ]; then fail "no positive total lost count"; fi
sum=$(sed -n -E 's/^Lost ([0-9]+) events$/\1/p' "$FATHOM_STDERR" | awk '{ s += $1 } END { print s + 0 }')
[ "$sum" -eq "$total" ] || fail "the Lost lines add up to $sum, the total says $total"

# Bad sizes.
for bad in 1000 $(( page * 3 )) 0 abc; do
    FATHOM_RINGBUF_SIZE=$bad fathom_run -e 'BEGIN { exit(); }'
    expect_exit 1
    expect_stderr_match "^ERROR: FATHOM_RINGBUF_SIZE must be a power of two and a multiple of the page size \\($page\\), not \"$bad\"\$"
done
