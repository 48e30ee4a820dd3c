#!/usr/bin/env bash
# Seed one-liner "measure syscall latency", verbatim (plus an interval probe
# that ends the run):
#   tracepoint:raw_syscalls:sys_enter { @start[tid] = nsecs; }
#   tracepoint:raw_syscalls:sys_exit /@start[tid]/ {
#     @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }
# At exit @ns is printed as a histogram ("@ns:" then rows "[lo, hi)" padded
# to 16 columns, the count in 8, " |", a 52-column bar, "|", then an empty
# line) and then @start with the threads still inside a syscall, among them
# a sleeper started during the trace: "@start[TID]: NSECS".
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/sleep "$T/fthsleep" || fail "cannot copy /bin/sleep"

: >"$FATHOM_STDERR"
( wait_attached && { "$T/fthsleep" 4 & echo $! >"$T/sleeper.pid"; wait; } ) &
wl=$!
stop_workload() {
    [ -s "$T/sleeper.pid" ] && kill "$(cat "$T/sleeper.pid")" 2>/dev/null
    wait "$wl" 2>/dev/null
}
at_exit stop_workload

fathom_run -e 'tracepoint:raw_syscalls:sys_enter { @start[tid] = nsecs; }
              tracepoint:raw_syscalls:sys_exit /@start[tid]/ {
                @ns = hist(nsecs - @start[tid]);
                delete(@start[tid]);
              }
interval:s:1 { exit(); }'
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
[ -s "$T/sleeper.pid" ] || fail "the sleeper workload did not start"
spid=$(cat "$T/sleeper.pid")
stop_workload

# "\n\n@ns:\n" starts stdout.
[ "$(head -n 3 "$FATHOM_STDOUT" | tr '\n' '|')" = "||@ns:|" ] \
    || fail "stdout does not start with two empty lines and '@ns:'"

# The histogram rows: from line 4 up to the first empty line.
awk 'NR > 3 { if ($0 == "") exit; print }' "$FATHOM_STDOUT" >"$T/rows"
[ -s "$T/rows" ] || fail "@ns has no rows"
label='(\[[0-9]+[KMGTPE]?, [0-9]+[KMGTPE]?\)|\[[0-9]+\]|\(\.\.\., 0\))'
while IFS= read -r row; do
    printf '%s\n' "$row" | grep -q -E '^.{16}[ 0-9]{7}[0-9] \|[ @]{52}\|$' \
        || fail "malformed hist row (widths): '$row'"
    printf '%s\n' "$row" | grep -q -E "^$label +[0-9]+ \|" \
        || fail "malformed hist row (label): '$row'"
done <"$T/rows"
# The fullest bucket has a full 52-column bar.
grep -q -E '\|@{52}\|$' "$T/rows" || fail "no row with a full bar"

# After the histogram's empty line come the @start entries, the sleeper
# among them, sorted by value ascending.
awk 'f { print } NR > 3 && $0 == "" { f = 1 }' "$FATHOM_STDOUT" >"$T/start"
grep -q -E "^@start\[$spid\]: [1-9][0-9]*$" "$T/start" \
    || fail "no '@start[$spid]: NSECS' line for the sleeping thread"
bad=$(grep -v -E '^@start\[[0-9]+\]: [0-9]+$' "$T/start" | head -n 3)
[ -z "$bad" ] || fail "unexpected lines after @ns: $bad"
sed -E 's/.*: //' "$T/start" | sort -n -c 2>/dev/null \
    || fail "@start is not sorted by value"
