#!/usr/bin/env bash
# -l lists probes matching a pattern, sorted, one per line; -lv adds the
# tracepoint's fields (from its tracefs format file, common_* fields left
# out) indented 4 spaces; software events are listed too.  Listing loads
# nothing and exits 0.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

tracefs=/sys/kernel/tracing
[ -d "$tracefs/events/syscalls" ] || tracefs=/sys/kernel/debug/tracing
[ -d "$tracefs/events/syscalls" ] || fail "no tracefs with syscalls events"

ls "$tracefs/events/syscalls" | grep '^sys_enter_open' | LC_ALL=C sort \
    | sed 's/^/tracepoint:syscalls:/' >"$T/exp"
[ -s "$T/exp" ] || fail "tracefs has no sys_enter_open* events"
fathom_run -l 'tracepoint:syscalls:sys_enter_open*'
expect_exit 0
expect_stdout_eq "$T/exp"

# -lv: the fields of sys_enter_openat, as in bpftrace-language.md 12.3.
fathom_run -lv 'tracepoint:syscalls:sys_enter_openat'
expect_exit 0
expect_stdout_eq "tracepoint:syscalls:sys_enter_openat
    int __syscall_nr
    int dfd
    const char * filename
    int flags
    umode_t mode"

# -l -v spelled separately, and the t: alias in the pattern.
fathom_run -l -v 't:syscalls:sys_enter_openat'
expect_exit 0
expect_stdout_match '^    const char \* filename$'
expect_stdout_match '^tracepoint:syscalls:sys_enter_openat$'

# A pattern matching nothing lists nothing.
fathom_run -l 'tracepoint:syscalls:fth_no_such_event*'
expect_stdout_empty

# Software events: every one of them, in sorted order, each followed by
# its alias as bpftrace lists them.
fathom_run -l 'software:*'
expect_exit 0
names="alignment-faults bpf-output context-switches cs cpu-clock cpu cpu-migrations dummy emulation-faults major-faults minor-faults page-faults faults task-clock"
for n in $names; do
    expect_stdout_match "^software:$n:?\$"
done
sed -E 's/:$//' "$FATHOM_STDOUT" >"$T/sw"
printf 'software:%s\n' $names >"$T/swexp"
diff -u "$T/swexp" "$T/sw" >"$T/diff" || fail "software listing differs:"$'\n'"$(cat "$T/diff")"
