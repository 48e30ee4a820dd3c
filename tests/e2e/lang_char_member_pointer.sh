#!/usr/bin/env bash
# A char array member (a string to bpftrace, read only when used as one)
# cast to a pointer is the member's address, as bpftrace compiles it: the
# kernel's TCP_SKB_CB(skb) written as (struct tcp_skb_cb *)$skb->cb.  The
# pointer reads the member's bytes, through a struct of the script's own
# too; a string that is a value (comm, a literal) has no address.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
[ -r /sys/kernel/btf/vmlinux ] || fail "no kernel BTF at /sys/kernel/btf/vmlinux"

# The address is the task's plus the member's offset, and reads as comm.
fathom_run -e 'BEGIN { $p = (int8 *)curtask->comm;
  printf("%d|%s|%s\n", (uint64)$p - (uint64)curtask == offsetof(struct task_struct, comm), str($p), comm);
  exit(); }'
expect_exit 0
expect_stdout_match '^1\|([^|]+)\|\1$'

# Overlaid by a struct of the script's: its members are the comm's bytes.
fathom_run -e 'struct two_chars { char first; char second; }
BEGIN { $t = (struct two_chars *)curtask->comm;
  printf("%c%c|%s\n", $t->first, $t->second, comm); exit(); }'
expect_exit 0
expect_stdout_match '^(..)\|\1'

# In a probe that fires: every switched-out task's comm read through the
# address of its comm member matches the member read as a string.
fathom_run -e 'rawtracepoint:vmlinux:sched_switch {
  $p = (int8 *)args.prev->comm;
  if (str($p) == args.prev->comm) { @same = count(); } else { @differ = count(); } }
interval:ms:500 { exit(); }'
expect_exit 0
expect_stdout_match '^@same: [1-9][0-9]*$'
expect_stdout_no_match '^@differ'

# A string value is not in memory: no address to take.
fathom_run -e 'BEGIN { @p = (int8 *)comm; }'
expect_exit 1
expect_stderr_match 'ERROR: cannot cast string\[16\] to a pointer'
