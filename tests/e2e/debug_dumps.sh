#!/usr/bin/env bash
# -d ast prints the syntax tree and -d bpf the BPF instructions, then exit 0
# without loading or attaching anything: no "Attached" banner, and a
# program whose only probe fires after 30 s returns at once.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

prog='tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } interval:s:30 { exit(); }'

FATHOM_TIMEOUT=10
fathom_run -d ast -e "$prog"
expect_exit 0
expect_stderr_no_match 'Attached'
expect_stdout_match 'probe'
expect_stdout_match 'tracepoint:raw_syscalls:sys_enter'
expect_stdout_match 'interval:s:30'
expect_stdout_match '\bcount\b'
expect_stdout_match '\bcomm\b'

start=$EPOCHREALTIME
fathom_run -d bpf -e "$prog"
elapsed_ms=$(( (${EPOCHREALTIME/./} - ${start/./}) / 1000 ))
expect_exit 0
expect_stderr_no_match 'Attached'
expect_stdout_match 'call map_lookup_elem'
expect_stdout_match 'call get_current_comm'
expect_stdout_match 'exit'
expect_stdout_match 'tracepoint:raw_syscalls:sys_enter'
[ "$elapsed_ms" -lt 5000 ] || fail "-d bpf took $elapsed_ms ms: did it run the program?"
# Nothing from the run itself: no map printed.
expect_stdout_no_match '^@'
