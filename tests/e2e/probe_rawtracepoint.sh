#!/usr/bin/env bash
# rawtracepoint (rt): BTF-typed raw tracepoints (tp_btf programs).  args.NAME
# is typed from the btf_trace_<event> typedef and named from the kernel's
# __probestub_<event>, so args.next->comm walks a task_struct; arg0..argN
# read the same u64 slots; probe is rawtracepoint:vmlinux:EVENT.  -l/-lv
# list them bpftrace style; an unknown event gets a suggestion.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
[ -r /sys/kernel/btf/vmlinux ] || fail "no kernel BTF at /sys/kernel/btf/vmlinux"


# A workload with a name to filter on: getppid() five times, then exit.
cat >"$T/fthrtwork.c" <<'C'
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("%d\n", SYS_getppid);
		return 0;
	}
	for (int i = 0; i < 5; i++)
		syscall(SYS_getppid);
	usleep(20000);
	return 0;
}
C
gcc -O1 -o "$T/fthrtwork" "$T/fthrtwork.c" || fail "cannot compile the workload"
nr_getppid=$("$T/fthrtwork" nr)
start_workload() {
    : >"$FATHOM_STDERR"
    ( wait_attached && for i in $(seq 5); do "$T/fthrtwork"; sleep 0.05; done ) &
    wl=$!
}

# Field access through a BTF pointer argument, the probe name, argN being
# the same slot as args.NAME, and pointer arguments usable as numbers
# (a task_struct is at least 8-byte aligned).
start_workload
fathom_run -e 'rawtracepoint:sched_switch /args.next->comm == "fthrtwork"/ {
  printf("%s %s %d %d %d\n", probe, args.next->comm, arg2 == (uint64)args.next, args.next->pid > 0,
         ((uint64)args.prev & 7) == 0);
  exit();
}'
wait "$wl"
expect_exit 0
expect_stderr_eq "Attached 1 probe"
expect_stdout_eq "rawtracepoint:vmlinux:sched_switch fthrtwork 1 1 1"

# sys_enter(struct pt_regs *regs, long id): count by args.id and by arg1,
# through the rt: alias and the explicit vmlinux module.  It stops when
# the fifth run exits (a fixed time is too short on a busy machine).
start_workload
fathom_run -e 'rt:vmlinux:sys_enter /comm == "fthrtwork"/ { @id[args->id] = count(); @arg1[arg1] = count(); }
tracepoint:sched:sched_process_exit /comm == "fthrtwork"/ { @runs++; if (@runs == 5) { exit(); } }
interval:s:20 { exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_match "^@id\\[$nr_getppid\\]: 25\$"
expect_stdout_match "^@arg1\\[$nr_getppid\\]: 25\$"

# Listing: the arguments, 4 spaces, type then name.
fathom_run -lv 'rawtracepoint:sched_switch'
expect_exit 0
expect_stdout_eq "rawtracepoint:vmlinux:sched_switch
    bool preempt
    struct task_struct * prev
    struct task_struct * next
    unsigned int prev_state"

# One field means any module; every line is a sched* raw tracepoint.
fathom_run -l 'rawtracepoint:sched*'
expect_exit 0
expect_stdout_match '^rawtracepoint:vmlinux:sched_switch$'
expect_stdout_match '^rawtracepoint:vmlinux:sched_wakeup_new$'
expect_stdout_no_match '^rawtracepoint:[^:]+:[^s]'
sort -c "$FATHOM_STDOUT" || fail "listing is not sorted"

# A typo: the error at the attach point, with the closest raw tracepoint
# ("No probes to attach", as bpftrace words it, first).
fathom_run -e 'rawtracepoint:sched_swich { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:1-26: ERROR: No probes to attach: raw tracepoint 'sched_swich' not found
rawtracepoint:sched_swich { exit(); }
~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: did you mean 'rawtracepoint:vmlinux:sched_switch'?"

# Argument names are checked against BTF too.
fathom_run -e 'rawtracepoint:sched_switch { printf("%d\n", args.nxt->pid); }'
expect_exit 1
expect_stderr_match "did you mean 'next'\\?"

# argN beyond the tracepoint's arguments.
fathom_run -e 'rawtracepoint:sched_switch { printf("%d\n", arg4); }'
expect_exit 1
expect_stderr_eq "stdin:1:45-49: ERROR: rawtracepoint:vmlinux:sched_switch has 4 arguments, arg0 to arg3
rawtracepoint:sched_switch { printf(\"%d\\n\", arg4); }
                                            ~~~~
HINT: 'fathom -lv' lists the arguments"
