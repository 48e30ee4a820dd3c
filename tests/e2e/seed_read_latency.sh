#!/usr/bin/env bash
# The seed's "Pattern 1: Latency Analysis" script, verbatim, from a script
# file: read() latency in a histogram printed and cleared every 5 s.  Run
# for ~6 s, then Ctrl-C: the interval's print() shows "@latency_us:" with
# well-formed histogram rows and an empty line after them; Ctrl-C exits 0
# and prints the maps after "\n\n".
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/x.bt" <<'BT'

tracepoint:syscalls:sys_enter_read {
    @start[tid] = nsecs;
}

tracepoint:syscalls:sys_exit_read /@start[tid]/ {
    @latency_us = hist((nsecs - @start[tid]) / 1000);
    delete(@start[tid]);
}

interval:s:5 {
    print(@latency_us);
    clear(@latency_us);
}
BT

cp /bin/cat "$T/fthwork" || fail "cannot copy /bin/cat"
seq 1000 >"$T/data"
: >"$FATHOM_STDERR"
( wait_attached && for i in $(seq 50); do "$T/fthwork" "$T/data" >/dev/null; sleep 0.1; done ) &
wl=$!
at_exit wait "$wl"

fathom_run_interrupted 6 "$T/x.bt"
expect_exit 0
expect_stderr_match '^Attached 3 probes$'

# The interval's print comes first: "@latency_us:", rows, an empty line.
[ "$(head -n 1 "$FATHOM_STDOUT")" = "@latency_us:" ] \
    || fail "stdout does not start with '@latency_us:' (the interval's print)"
awk 'NR > 1 { if ($0 == "") exit; print }' "$FATHOM_STDOUT" >"$T/rows"
[ -s "$T/rows" ] || fail "the printed @latency_us has no rows"
label='(\[[0-9]+[KMGTPE]?, [0-9]+[KMGTPE]?\)|\[[0-9]+\]|\(\.\.\., 0\))'
while IFS= read -r row; do
    printf '%s\n' "$row" | grep -q -E "^$label +[0-9]+ \\|" \
        || fail "malformed hist row (label): '$row'"
    printf '%s\n' "$row" | grep -q -E '^.{16}[ 0-9]{7}[0-9] \|[ @]{52}\|$' \
        || fail "malformed hist row (widths): '$row'"
done <"$T/rows"
grep -q -E '\|@{52}\|$' "$T/rows" || fail "no row with a full bar"
n=$(wc -l <"$T/rows")
[ "$(sed -n "$((n + 2))p" "$FATHOM_STDOUT")" = "" ] || fail "no empty line after the printed histogram"

# Then, after Ctrl-C: two empty lines and the maps (@latency_us refilled
# during the last second; @start only if some thread is inside read()).
sed -n "$((n + 3)),$((n + 5))p" "$FATHOM_STDOUT" | tr '\n' '|' >"$T/exit_head"
[ "$(cat "$T/exit_head")" = "||@latency_us:|" ] \
    || fail "after the print: expected two empty lines then '@latency_us:', got '$(cat "$T/exit_head")'"
bad=$(tail -n +"$((n + 6))" "$FATHOM_STDOUT" | grep -v -E "^(|$label +[0-9]+ \\|.*|@start\\[[0-9]+\\]: [0-9]+)\$" | head -n 3)
[ -z "$bad" ] || fail "unexpected lines in the maps printed at exit: $bad"
