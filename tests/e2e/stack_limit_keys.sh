#!/usr/bin/env bash
# kstack(N) as a map key: stacks that agree in their first N frames are one
# key, as in bpftrace (which records them in a stack map of N frames):
# sched_switch's kernel stacks differ below __schedule, so kstack(1) has
# fewer keys than kstack, no two keys print the same, each key has at most
# N frames, and every event is counted under some key.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'tracepoint:sched:sched_switch { @one[kstack(1)] = count(); @two[kstack(2)] = count(); @all[kstack] = count(); @n = count(); } interval:ms:500 { exit(); }'
expect_exit 0

# keys MAP: one line per key of MAP, its frames joined by '|'; COUNT on
# the line after each.
keys() {
    awk -v m="$1" '
        index($0, m "[") == 1 { inkey = 1; key = ""; next }
        inkey && /^\]: / { print key; inkey = 0; next }
        inkey { sub(/^ +/, ""); key = key "|" $0 }' "$FATHOM_STDOUT"
}
# Events under any key of MAP with frames: stacks are kept under the hash
# of their frames, so no stack is refused for sharing a bucket with
# another (bpf_get_stackid's -EEXIST, which counted events under "@m[]").
total() {
    awk -v m="$1" 'index($0, m "[") == 1 { inkey = 1; next } inkey && /^\]: / { s += $2; inkey = 0 } END { print s + 0 }' "$FATHOM_STDOUT"
}
n=$(sed -n 's/^@n: //p' "$FATHOM_STDOUT")
[ -n "$n" ] && [ "$n" -gt 0 ] || fail "no sched_switch events counted"
for m in @one @two @all; do
    [ "$(total "$m")" = "$n" ] || fail "$m counts $(total "$m") events, @n $n"
    dups=$(keys "$m" | sort | uniq -d)
    [ -z "$dups" ] || fail "$m has keys that print the same: $dups"
done
keys @one | awk -F'|' 'NF - 1 != 1 { exit 1 }' || fail "a kstack(1) key has more than one frame"
keys @two | awk -F'|' 'NF - 1 > 2 { exit 1 }' || fail "a kstack(2) key has more than two frames"
[ "$(keys @one | wc -l)" -lt "$(keys @all | wc -l)" ] || fail "kstack(1) has as many keys as kstack: $(keys @one | wc -l)"
