#!/usr/bin/env bash
# iter (it): BPF iterators.  Reading the iterator runs the program once per
# task (task), open file (task_file) or memory mapping (task_vma); its
# printf output comes through the ring buffer like any probe's, the final
# NULL call that ends an iteration is not reported, and the run ends when
# the iteration does (END runs, maps print).  The context is `ctx`
# (ctx.task, ctx.fd, ctx.file, ctx.vma).  An iter probe must be the only
# probe besides BEGIN and END.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
[ -r /sys/kernel/btf/vmlinux ] || fail "no kernel BTF at /sys/kernel/btf/vmlinux"

# A process to find: a copy of sleep with a recognisable name, its stdin,
# stdout and stderr on /dev/null.
cp /bin/sleep "$T/fthiterwk" || fail "cannot copy /bin/sleep"
"$T/fthiterwk" 60 </dev/null >/dev/null 2>&1 &
wk=$!
stop_quietly() { kill "$1" 2>/dev/null; }
at_exit stop_quietly "$wk"
sleep 0.2

fathom_run -e 'iter:task { printf("%s:%d\n", ctx.task->comm, ctx.task->pid); }'
expect_exit 0
expect_stderr_eq "Attached 1 probe"
expect_stdout_match "^fthiterwk:$wk\$"
expect_stdout_match "^kthreadd:2\$"
# No line for the iteration's closing call with a NULL task.
expect_stdout_no_match '^:0$'
n=$(wc -l <"$FATHOM_STDOUT")
procs=$(ls -d /proc/[0-9]* | wc -l)
[ "$n" -ge $((procs / 2)) ] || fail "only $n tasks iterated, /proc has $procs"

# task_file: the workload's open files (/dev/null on 0, 1 and 2, and any
# the test runner let it inherit), ctx.fd and ctx.file typed.
fathom_run -e "iter:task_file /ctx.task->pid == $wk/ { printf(\"%d %s\\n\", ctx.fd, str(ctx.file->f_path.dentry->d_name.name)); }"
expect_exit 0
expect_stdout_match '^0 null$'
expect_stdout_match '^1 null$'
expect_stdout_match '^2 null$'
grep -v "^$" "$FATHOM_STDOUT" | cut -d' ' -f1 | sort -n >"$T/fds"   # the run ends with two blank lines, as bpftrace
ls /proc/"$wk"/fd | sort -n >"$T/fds.exp"
diff -u "$T/fds.exp" "$T/fds" >"$T/diff" || fail "fds differ from /proc/$wk/fd:"$'\n'"$(cat "$T/diff")"

# task_vma through the it: alias, with BEGIN and END around the run.
fathom_run -e "BEGIN { printf(\"begin\\n\"); }
it:task_vma /ctx.task->pid == $wk/ { @vmas = count(); @exec = sum(ctx.vma->vm_flags & 4 ? 1 : 0); }
END { printf(\"end\\n\"); }"
expect_exit 0
expect_stderr_eq "Attached 3 probes"
out=$(cat "$FATHOM_STDOUT")
[[ $out =~ ^begin$'\n'end$'\n\n\n'@exec:\ ([1-9][0-9]*)$'\n'@vmas:\ ([0-9]+)$ ]] \
    || fail "stdout is not begin, end, then @exec and @vmas"
[ "${BASH_REMATCH[2]}" -ge 5 ] || fail "only ${BASH_REMATCH[2]} mappings for sleep"

# exit() ends the run early.
fathom_run -e 'iter:task { printf("first\n"); exit(); }'
expect_exit 0
expect_stdout_eq "first"

# Listing.
fathom_run -l 'iter:*'
expect_exit 0
expect_stdout_match '^iter:task$'
expect_stdout_match '^iter:task_file$'
expect_stdout_match '^iter:task_vma$'
fathom_run -lv 'iter:task_file'
expect_exit 0
expect_stdout_eq "iter:task_file
    struct bpf_iter_meta * meta
    struct task_struct * task
    u32 fd
    struct file * file"

# Errors at the attach point.
fathom_run -e 'iter:task { } interval:s:1 { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:1-10: ERROR: an iter probe must be the only probe of the program (besides BEGIN and END)
iter:task { } interval:s:1 { exit(); }
~~~~~~~~~
HINT: run the other probes in a separate fathom"

fathom_run -e 'iter:tsk { }'
expect_exit 1
expect_stderr_match "ERROR: iter tsk not available for your kernel version"
expect_stderr_match "^HINT: did you mean 'iter:task'\\?\$"

fathom_run -e 'iter:task* { }'
expect_exit 1
expect_stderr_match 'ERROR: iter probe type does not support wildcards'
