#!/usr/bin/env bash
# The builtins that name the current task, checked against what the kernel
# itself reports in /proc/thread-self/status: a -c child's second thread,
# named "worker", writes its status lines and then sleeps, where
# the tracepoint catches it.
#   pid(curr_ns) / tid(curr_ns) are plain pid / tid: numbered in fathom's
#   own pid namespace; pid(init) / tid(init) in the initial one. In a new
#   pid namespace (`unshare --pid`) the two differ.
#   leader_comm / leader_tid are the thread-group leader's (the main
#   thread's) comm and tid; comm and tid the worker's own.
#   probetype is the probe's provider, bpftrace's "special" for BEGIN/END.
#   comm(n) is the comm of the task numbered n (a kfunc reads it).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd unshare

build_target task_ids_target task_ids_target
TG=$(realpath "$T/task_ids_target")
FATHOM=$(realpath "$FATHOM")

# status_field NAME [COLUMN]: a value of the status lines the thread wrote
# (NStgid/NSpid have one column per pid namespace, the innermost last).
status_field() {
    awk -v name="$1:" -v col="${2:-2}" '$1 == name { print (col == "last") ? $NF : $col }' "$T/status"
}

ids_script='tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ {
  printf("pid=%d curr=%d init=%d tid=%d curr=%d init=%d\n",
         pid, pid(curr_ns), pid(init), tid, tid(curr_ns), tid(init));
  exit();
}'

# In the initial namespace both numberings are the same.
fathom_run -e "$ids_script" -c "$TG $T/status"
expect_exit 0
tgid=$(status_field Tgid) thread=$(status_field Pid)
[ -n "$tgid" ] && [ "$tgid" != "$thread" ] || fail "the target wrote no thread ids: $(cat "$T/status")"
expect_stdout_match "^pid=$tgid curr=$tgid init=$tgid tid=$thread curr=$thread init=$thread\$"

# In a pid namespace of its own (the host's /proc stays mounted, so that
# the thread's status shows both numberings: NStgid host-pid ns-pid).
rm -f "$T/status"
printf '#!/bin/sh\nexec unshare --fork --pid "%s" "$@"\n' "$FATHOM" >"$T/in-namespace"
chmod +x "$T/in-namespace"
FATHOM=$T/in-namespace fathom_run -e "$ids_script" -c "$TG $T/status"
expect_exit 0
host_tgid=$(status_field Tgid) host_tid=$(status_field Pid)
ns_tgid=$(status_field NStgid last) ns_tid=$(status_field NSpid last)
[ "$ns_tgid" = 2 ] && [ "$host_tgid" != 2 ] && [ "$ns_tid" != "$host_tid" ] \
    || fail "the target did not run in a pid namespace: $(cat "$T/status")"
expect_stdout_match "^pid=$ns_tgid curr=$ns_tgid init=$host_tgid tid=$ns_tid curr=$ns_tid init=$host_tid\$"

# The thread-group leader, seen from the worker thread.
rm -f "$T/status"
fathom_run -e 'tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ {
  printf("comm=%s tid=%d leader_comm=%s leader_tid=%d\n", comm, tid, leader_comm, leader_tid);
  exit();
}' -c "$TG $T/status"
expect_exit 0
[ "$(status_field Name)" = worker ] || fail "the worker thread has no name: $(cat "$T/status")"
expect_stdout_match "^comm=worker tid=$(status_field Pid) leader_comm=task_ids_target leader_tid=$(status_field Tgid)\$"

# comm(pid): the comm of any task, by its number in the initial pid
# namespace (the -c child's parent is fathom; no task has the pid 4194305,
# one above the kernel's limit).
rm -f "$T/status"
fathom_run -e 'tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ {
  printf("tid=%s pid=%s parent=%s none=[%s]\n", comm(tid), comm(pid), comm(ppid), comm(4194305));
  @[comm(tid)] = count();
  exit();
}' -c "$TG $T/status"
expect_exit 0
expect_stdout_match '^tid=worker pid=task_ids_target parent=fathom none=\[\]$'
expect_stdout_match '^@\[worker\]: 1$'

# BEGIN's program type may not call kfuncs: said at compile time.
fathom_run -e 'BEGIN { print(comm(1)); }'
expect_exit 1
expect_stderr_match '^stdin:1:15-22: ERROR: comm\(pid\) is not available in BEGIN probes: the kernel does not let their programs call bpf_task_from_pid$'
expect_stderr_match '^HINT: call it in another kind of probe'
fathom_run -e 'tracepoint:syscalls:sys_enter_openat { print(comm("x")); }'
expect_exit 1
expect_stderr_match 'ERROR: comm\(\) takes a pid, an integer, not string'

# probetype in each kind of probe.
fathom_run -e "BEGIN { printf(\"BEGIN: %s\n\", probetype); }
  uprobe:$TG:worker { printf(\"uprobe: %s\n\", probetype()); }
  tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { printf(\"tracepoint: %s\n\", probetype); exit(); }
  END { printf(\"END: %s\n\", probetype); }" -c "$TG $T/status"
expect_exit 0
expect_stdout_match "^BEGIN: special\$"
expect_stdout_match "^uprobe: uprobe\$"
expect_stdout_match "^tracepoint: tracepoint\$"
expect_stdout_match "^END: special\$"

# ... and in one block that several kinds of probe share.
fathom_run -e 'interval:ms:50, profile:hz:999 { @[probetype] = count(); if (@["interval"] == 2) { exit(); } }'
expect_exit 0
expect_stdout_match '^@\[interval\]: 2$'
expect_stdout_match '^@\[profile\]: [0-9]+$'

# Only the two namespaces are known.
fathom_run -e 'BEGIN { print(pid(host)); }'
expect_exit 1
expect_stderr_match "ERROR: pid\(\) takes the pid namespace to number it in: curr_ns or init"
expect_stderr_match "HINT: write pid\(curr_ns\) or pid\(init\)"
