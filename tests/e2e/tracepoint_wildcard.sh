#!/usr/bin/env bash
# A wildcard tracepoint expands to one probe per matching event:
#   tracepoint:syscalls:sys_enter_open* { @[probe] = count(); }
# attaches as many probes as tracefs has sys_enter_open* events (plus the
# interval probe), and with a workload opening files the expanded name
# tracepoint:syscalls:sys_enter_openat is counted.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

tracefs=/sys/kernel/tracing
[ -d "$tracefs/events/syscalls" ] || tracefs=/sys/kernel/debug/tracing
[ -d "$tracefs/events/syscalls" ] || fail "no tracefs with syscalls events"
n=$(ls "$tracefs/events/syscalls" | grep -c '^sys_enter_open')
[ "$n" -ge 2 ] || fail "expected several sys_enter_open* events, found $n"

cp /bin/cat "$T/fthwork" || fail "cannot copy /bin/cat"
echo data >"$T/file"
: >"$FATHOM_STDERR"
( wait_attached && for i in $(seq 10); do "$T/fthwork" "$T/file" >/dev/null; sleep 0.02; done ) &
wl=$!

fathom_run -e 'tracepoint:syscalls:sys_enter_open* { @[probe] = count(); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_eq "Attached $((n + 1)) probes"
expect_stdout_match '^@\[tracepoint:syscalls:sys_enter_openat\]: [1-9][0-9]*$'
bad=$(tail -n +3 "$FATHOM_STDOUT" | grep -v -E '^@\[tracepoint:syscalls:sys_enter_open[a-z0-9_]*\]: [0-9]+$' | head -n 3)
[ -z "$bad" ] || fail "unexpected map lines: $bad"

# Same with the predicate on comm: only openat (cat uses openat), exactly.
: >"$FATHOM_STDERR"
( wait_attached && for i in $(seq 10); do "$T/fthwork" "$T/file" >/dev/null; sleep 0.02; done ) &
wl=$!
fathom_run -e 't:syscalls:sys_enter_open* /comm == "fthwork"/ { @[probe] = count(); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
out=$(cat "$FATHOM_STDOUT")
[[ $out =~ ^$'\n\n'@\[tracepoint:syscalls:sys_enter_openat\]:\ [1-9][0-9]*$ ]] \
    || fail "expected only '@[tracepoint:syscalls:sys_enter_openat]: N' after two empty lines"

# A wildcard that matches nothing is dropped when another attach point of
# the same probe matches (bpftrace: tools name one function per kernel
# version); the probe runs, no error.  When nothing of the probe matches,
# the first such wildcard is the error.
fathom_run -e 'tracepoint:syscalls:sys_enter_getppid, tracepoint:syscalls:sys_enter_fthnosuch* { @ = count(); }
interval:ms:200 { printf("ran\n"); exit(); }'
expect_exit 0
expect_stderr_eq 'Attached 2 probes'
expect_stdout_match '^ran$'
fathom_run -e 'tracepoint:syscalls:sys_enter_fthnosuch*, tracepoint:syscalls:sys_enter_fthnope* { @ = count(); }'
expect_exit 1
expect_stderr_match '^stdin:1:1-41: ERROR: no tracepoint matches syscalls:sys_enter_fthnosuch\*$'
[ "$(grep -c ERROR "$FATHOM_STDERR")" = 1 ] || fail "expected one error: $(cat "$FATHOM_STDERR")"
