#!/usr/bin/env bash
# Seed one-liner "show file opens":
#   tracepoint:syscalls:sys_enter_openat { printf("%s: %s\n", comm, str(args->filename)); }
# run verbatim (plus an interval probe that ends the run).  A workload named
# fthwork (a copy of cat) opens a known file; the line "fthwork: PATH" must
# appear.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/cat "$T/fthwork" || fail "cannot copy /bin/cat"
echo data >"$T/fthfile.txt"

: >"$FATHOM_STDERR"
( wait_attached && for i in $(seq 10); do "$T/fthwork" "$T/fthfile.txt" >/dev/null; sleep 0.05; done ) &
wl=$!

fathom_run -e 'tracepoint:syscalls:sys_enter_openat { printf("%s: %s\n", comm, str(args->filename)); }
interval:s:2 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
grep -q -F -x "fthwork: $T/fthfile.txt" "$FATHOM_STDOUT" \
    || fail "no line 'fthwork: $T/fthfile.txt'"
# Every line from the workload has the "COMM: PATH" shape.
expect_stdout_match '^fthwork: /'
