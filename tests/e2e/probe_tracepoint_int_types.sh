#!/usr/bin/env bash
# Tracepoint fields typed as bpftrace types them: by their C type, not the
# format's signed: flag (a syscall's arguments are all "signed:0", each in
# an unsigned long slot). An int in 8 bytes is an int64 (so a negative one
# passed sign-extended reads -100), the unsigned 32-bit types a uint64;
# other integer types keep their size and sign: off_t is an int64 (an
# lseek offset of -10 reads -10), umode_t a uint16, clockid_t an int32.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -O1 -o "$T/fthints" "$E2E_DIR/progs/syscall_ints.c" || fail "cannot compile syscall_ints.c"

fathom_run -d types -e 'tracepoint:syscalls:sys_enter_openat { $a = args.dfd; $b = args.mode; }
    tracepoint:syscalls:sys_enter_lseek { $c = args.offset; $d = args.whence; }
    tracepoint:syscalls:sys_enter_clock_nanosleep { $e = args.which_clock; }
    tracepoint:syscalls:sys_enter_kill { $f = args.pid; $g = args.sig; }
    tracepoint:sched:sched_switch { $h = args.prev_pid; }'
expect_exit 0
expect_stdout_match 'field \.dfd \[[0-9:]+\] :: int64$'
expect_stdout_match 'field \.mode \[[0-9:]+\] :: uint16$'
expect_stdout_match 'field \.offset \[[0-9:]+\] :: int64$'
expect_stdout_match 'field \.whence \[[0-9:]+\] :: uint64$'
expect_stdout_match 'field \.which_clock \[[0-9:]+\] :: int32$'
expect_stdout_match 'field \.pid \[[0-9:]+\] :: uint64$'
expect_stdout_match 'field \.sig \[[0-9:]+\] :: int64$'
expect_stdout_match 'field \.prev_pid \[[0-9:]+\] :: int32$'

fathom_run -c "$T/fthints" -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid && str(args.filename) == "/nonexistent-fathom-test"/ {
      print((args.dfd, args.dfd == -100, args.mode)); }
    tracepoint:syscalls:sys_enter_lseek /pid == cpid/ { print((args.offset, args.offset < 0, args.whence)); }
    tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { print(args.which_clock); }'
expect_exit 0
expect_stdout_match '^\(-100, true, 420\)$'
expect_stdout_match '^\(-10, true, 2\)$'
expect_stdout_match '^1$'
