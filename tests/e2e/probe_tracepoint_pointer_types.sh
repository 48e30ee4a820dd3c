#!/usr/bin/env bash
# A tracepoint's pointer field is typed by its whole C type, as bpftrace
# types it: execve's "const char *const * argv" is an int8 **, so
# *args.argv, args.argv[1] and *(args.argv + 2) are the strings of the
# new program's argv (read from user memory); "int * tidptr" is an
# int32 *. Every such field used to be an int8 *: *args.argv read one byte
# of the array of pointers and str() of it read nothing.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -d types -e 'tracepoint:syscalls:sys_enter_execve { $a = args.argv; $p = *args.argv; }
    tracepoint:syscalls:sys_enter_set_tid_address { $t = args.tidptr; }'
expect_exit 0
expect_stdout_match 'var \$a \[[0-9:]+\] :: int8 \*\*$'
expect_stdout_match 'var \$p \[[0-9:]+\] :: int8 \*$'
expect_stdout_match 'var \$t \[[0-9:]+\] :: int32 \*$'

# the -c command's own execve: its argv, whole and by element
fathom_run -q -c '/bin/echo fathom-first fathom-second' -e 'tracepoint:syscalls:sys_enter_execve /pid == cpid/ {
    printf("[%s] [%s] [%s]\n", str(*args.argv), str(args.argv[1]), str(*(args.argv + 2))); }'
expect_exit 0
expect_stdout_match '^\[/bin/echo\] \[fathom-first\] \[fathom-second\]$'

# The common_* header of a tracepoint's record is not the program's to
# read (the kernel puts the registers' address there before it runs):
# naming one says so, with what to read instead; a name that is no field
# at all is the usual error.
fathom_run -e 'tracepoint:syscalls:sys_enter_execve { print(args.common_pid); }'
expect_exit 1
expect_stderr_match "^stdin:1:46-61: ERROR: args.common_pid cannot be read: the kernel gives BPF programs a tracepoint's record with its common_\* header fields replaced$"
expect_stderr_match '^HINT: read tid \(the thread.s id\), or pid for its process$'
fathom_run -e 'tracepoint:syscalls:sys_enter_execve { print(args->common_flags); }'
expect_exit 1
expect_stderr_match 'ERROR: args.common_flags cannot be read'
fathom_run -e 'tracepoint:syscalls:sys_enter_execve { print(args.common_nothing); }'
expect_exit 1
expect_stderr_match "ERROR: tracepoint:syscalls:sys_enter_execve has no field 'common_nothing'"
