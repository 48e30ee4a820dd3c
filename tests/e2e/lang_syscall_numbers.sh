#!/usr/bin/env bash
# __NR_NAME and SYS_NAME are this architecture's system call numbers, as
# <sys/syscall.h> defines them (bpftrace gets them from the header the
# script includes; fathom knows them without kernel headers), so a raw
# sys_enter tracepoint can pick a system call by name.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

nr() { printf '#include <sys/syscall.h>\n%s\n' "$1" | gcc -E -P - | tail -n 1; }
want="$(nr __NR_nanosleep) $(nr SYS_getppid) $(nr __NR_clock_nanosleep)"

fathom_run -e '#include <syscall.h>
BEGIN { printf("%d %d %d\n", __NR_nanosleep, SYS_getppid, __NR_clock_nanosleep); exit(); }'
expect_exit 0
expect_stdout_eq "$want"

# The raw tracepoint's arg1 is the system call number.
fathom_run -e 'rawtracepoint:sys_enter /pid == cpid && arg1 == __NR_clock_nanosleep/ { printf("sleeping\n"); exit(); }' -c 'sleep 0.2'
expect_exit 0
expect_stdout_match '^sleeping$'

fathom_run -e 'BEGIN { printf("%d\n", __NR_no_such_call); exit(); }'
expect_exit 1
expect_stderr_match "ERROR: unknown identifier '__NR_no_such_call'"
