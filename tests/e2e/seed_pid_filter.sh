#!/usr/bin/env bash
# Seed one-liner "filtering by PID", with the PID of a workload started by
# the test in place of 1234:
#   tracepoint:syscalls:sys_enter_read /pid == PID/ { printf("Read by PID PID\n"); }
# Every line is "Read by PID PID" (and there is at least one); a variant
# printing the pid and comm builtins shows only the workload got through.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp "$BASH" "$T/fthsh" || fail "cannot copy bash"
# The workload reads a file (bash's builtin read: read(2) calls) every
# 50 ms for about 3 s, long enough for both runs below; the test waits
# for it to finish.
"$T/fthsh" -c 'for i in $(seq 60); do read -r x <"$0"; sleep 0.05; done' "$T/fthsh" &
wl=$!
at_exit wait "$wl"

fathom_run -e "tracepoint:syscalls:sys_enter_read /pid == $wl/ { printf(\"Read by PID $wl\\n\"); }
interval:s:1 { exit(); }"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
expect_stdout_match "^Read by PID $wl\$"
bad=$(grep -v -x -F "Read by PID $wl" "$FATHOM_STDOUT" | head -n 3)
[ -z "$bad" ] || fail "lines other than 'Read by PID $wl': $bad"

fathom_run -e "tracepoint:syscalls:sys_enter_read /pid == $wl/ { printf(\"Read by PID %d %s\\n\", pid, comm); }
interval:s:1 { exit(); }"
expect_exit 0
expect_stdout_match "^Read by PID $wl fthsh\$"
bad=$(grep -v -x -F "Read by PID $wl fthsh" "$FATHOM_STDOUT" | head -n 3)
[ -z "$bad" ] || fail "lines from other processes: $bad"
