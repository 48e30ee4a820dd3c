#!/usr/bin/env bash
# Pointers cast from plain numbers in probes without an address space of
# their own (BEGIN/END, interval, profile, software, hardware, watchpoints)
# are read with the legacy bpf_probe_read, as bpftrace does: -k names
# "probe_read" and, below TASK_SIZE, the kernel's user-memory answer
# (-EFAULT). Kernel probes keep probe_read_kernel; members of such a
# struct that are pointers keep the unset address space.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

defs='struct node { long val; struct node *next; };'

fathom_run -k -e "$defs"' END { $n = (struct node *)64; printf("val %d\n", $n->val); } BEGIN { exit(); }'
expect_exit 0
expect_stdout_eq "val 0"
expect_stderr_match '^stdin:1:[0-9]+-[0-9]+: WARNING: Bad address$'
expect_stderr_match '^Additional Info - helper: probe_read, retcode: -14$'

# A pointer member read through it: two reads, both the legacy helper.
fathom_run -k -q -f json -e "$defs"' BEGIN { $n = (struct node *)64; $v = $n->next->val; exit(); }'
expect_exit 0
[ "$(grep -c '"helper": "probe_read", "retcode": -14' "$FATHOM_STDOUT")" = 2 ] ||
    fail "want two probe_read helper errors, got: $(cat "$FATHOM_STDOUT")"
expect_stdout_no_match 'probe_read_kernel'

# The same cast in a kernel probe reads kernel memory, as before.
fathom_run -k -e 'tracepoint:syscalls:sys_enter_clock_nanosleep { $v = *(int64 *)8; printf("v %d\n", $v); exit(); }' -c 'sleep 0.01'
expect_exit 0
expect_stdout_match '^v 0$'
expect_stderr_match '^Additional Info - helper: probe_read_kernel, retcode: -34$'

# A real kernel pointer cast in BEGIN still reads (the legacy helper
# picks kernel memory above TASK_SIZE).
fathom_run -e 'BEGIN { $t = (struct task_struct *)(uint64)curtask; printf("%d\n", $t->pid == pid); exit(); }'
expect_exit 0
expect_stdout_eq "1"
