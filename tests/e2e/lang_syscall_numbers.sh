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

# syscall_name(n) names n as the kernel's own syscall tracepoints do, the
# calls newer than the build's headers too (cachestat 451, mseal 462,
# file_setattr 469), and says "Unknown syscall" for a number that has no
# system call (400), as bpftrace does. perl's syscall() makes the calls
# (with arguments that only get an error back).
require_cmd perl
sc=tracepoint:syscalls:sys_enter_
fathom_run -e "${sc}cachestat, ${sc}mseal, ${sc}file_setattr, ${sc}execve, ${sc}exit_group, ${sc}getppid
  /pid == cpid/ { printf(\"%s %s\\n\", probe, syscall_name(args.__syscall_nr)); }
  tracepoint:raw_syscalls:sys_enter /pid == cpid && args.id == 400/ { printf(\"400: %s\\n\", syscall_name(args.id)); }
  END { printf(\"%s|%s|%s|%s\\n\", syscall_name(-1), syscall_name(1000), syscall_name(335), syscall_name(520)); }" \
    -c "perl -e 'syscall(451, -1, 0, 0, 0); syscall(462, 0, 0, 0); syscall(469, -1, 0, 0, 0, 0); syscall(400); getppid()'"
expect_exit 0
for call in cachestat mseal file_setattr execve exit_group getppid; do
    expect_stdout_match "^${sc}$call $call\$"
done
expect_stdout_match '^400: Unknown syscall$'
# no number, no name: as bpftrace; 335 is uretprobe, 520 the x32 execve
expect_stdout_match '^Unknown syscall\|Unknown syscall\|uretprobe\|execve$'

# signal_name(n) is bpftrace's table, strsignal(3)'s words ("Killed", not
# "SIGKILL"), "N/A" past SIGRTMAX; here for a signal the kernel really
# sends (the child sends itself SIGUSR1) and for the table's edges.
fathom_run -e 'tracepoint:signal:signal_generate /args.pid == cpid && args.sig == 10/ { printf("%d %s\n", args.sig, signal_name(args.sig)); exit(); }
  END { printf("%s|%s|%s|%s|%s|%s\n", signal_name(0), signal_name(9), signal_name(32), signal_name(34), signal_name(64), signal_name(65)); }' \
    -c "/bin/sh -c 'kill -USR1 \$\$'"
expect_exit 0
expect_stdout_match '^10 User defined signal 1$'
expect_stdout_match '^Unknown signal 0\|Killed\|Unknown signal 32\|Real-time signal 0\|Real-time signal 30\|N/A$'
