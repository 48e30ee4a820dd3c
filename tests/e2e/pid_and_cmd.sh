#!/usr/bin/env bash
# -c CMD runs the command once probes are attached, sets cpid (has_cpid
# is true) and ends the run when it exits, but filters nothing (bpftrace's
# -c leaves that to the script: pid == cpid); -p PID limits probes to that
# process and ends the run when it exits; a bad pid is a clear error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/true "$T/fthchild"
fathom_run -c "$T/fthchild arg1" -e 'tracepoint:syscalls:sys_enter_execve { printf("exec %d\n", pid == cpid); } tracepoint:sched:sched_process_exit { printf("exit %s %d\n", comm, pid == cpid); }'
expect_exit 0
expect_stdout_match '^exec 1$'
expect_stdout_match '^exit fthchild 1$'
# the command's own children are seen too, and so is every other process
# (/bin/sh may be busybox, which runs no copy of itself under another name)
fathom_run -c "/bin/sh -c '$T/fthchild; true'" -e 'tracepoint:sched:sched_process_exit /comm == "fthchild" || pid == cpid/ {
    printf("exit %s %d\n", comm == "fthchild" ? "child" : "command", pid == cpid); }'
expect_exit 0
expect_stdout_match '^exit command 1$'
expect_stdout_match '^exit child 0$'

# -c attaches uprobes to every process that runs the binary, not only the
# command: a copy started before fathom calls add() too (with -p, or a pid
# filter, only the command's call would print).
build_target uprobe_target fthup
( "$T/fthup" "$T/go-outside" >/dev/null; touch "$T/outside-done" ) &
outside=$!
: >"$FATHOM_STDERR"
( wait_attached; touch "$T/go-outside"
  for _ in $(seq 100); do [ -e "$T/outside-done" ] && break; sleep 0.05; done; touch "$T/go-child" ) &
helper=$!
fathom_run -c "$T/fthup $T/go-child" -e "uprobe:$T/fthup:add { printf(\"add %d\n\", pid == cpid); }"
wait "$helper" "$outside"
expect_exit 0
expect_stdout_match '^add 1$'
expect_stdout_match '^add 0$'

cp /bin/sleep "$T/fthsleep"
"$T/fthsleep" 2 &
victim=$!
fathom_run -p "$victim" -e 'tracepoint:syscalls:sys_enter_clock_nanosleep,tracepoint:syscalls:sys_enter_nanosleep { @[comm] = count(); } tracepoint:syscalls:sys_enter_getppid { @other = count(); }'
expect_exit 0
expect_stdout_no_match '^@other'
wait "$victim" 2>/dev/null || true

# interval probes are not limited to the process (bpftrace's): a timer
# fires in whatever runs, so filtered it would never end this run, whose
# process sleeps for 20 s.
"$T/fthsleep" 20 &
victim=$!
fathom_run -p "$victim" -e 'interval:ms:200 { printf("tick\n"); exit(); }'
expect_exit 0
expect_stdout_eq "tick"
kill "$victim" 2>/dev/null

# Out of the kernel's pid range (bpftrace's wording), then a pid in range
# that no process has.
fathom_run -p 999999999 -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^ERROR: Failed to parse pid: pid '999999999' out of valid pid range \\[1,4194304\\]$"
fathom_run -p 4194303 -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match '^ERROR: no process with pid 4194303$'

# Without -c, as bpftrace documents it: cpid warns each time it is read
# and is 0; has_cpid (or has_cpid()) says whether there is a child.
fathom_run -e 'BEGIN { printf("%d %d\n", cpid, has_cpid); if (has_cpid()) { printf("%d\n", cpid()); } exit(); }'
expect_exit 0
expect_stdout_eq '0 0'
expect_stderr_match '^stdin:1:27-31: WARNING: cpid is 0: there is no child process \(fathom was not started with -c\); test has_cpid before reading cpid$'
[ "$(grep -c 'WARNING' "$FATHOM_STDERR")" = 1 ] || fail "only the cpid that was read warns"
fathom_run -c '/bin/true' -e 'BEGIN { printf("%d %d\n", has_cpid, cpid > 0); exit(); }'
expect_exit 0
expect_stdout_eq '1 1'
expect_stderr_no_match 'WARNING'
