#!/usr/bin/env bash
# path(p [, size]): the kernel's bpf_d_path, in iter probes (and fentry/fexit
# of the functions the kernel lists, checked in tests/vm): the full path of
# a process's open files, "" when it does not fit in size.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

echo hello >"$T/open file.txt"
sleep 30 <"$T/open file.txt" &
spid=$!
at_exit kill "$spid"
real=$(readlink -f "$T/open file.txt")

fathom_run -e "iter:task_file /ctx->task->pid == $spid && ctx->fd == 0/ { printf(\"[%s] [%s]\n\", path(ctx->file->f_path), path(ctx->file->f_path, 8)); }"
expect_exit 0
expect_stdout_eq "[$real] []"

# A struct path * argument is passed as it is (compiled only: no fentry
# here; vfs_truncate is on the kernel's list).
fathom_run -d bpf -e 'fentry:vfs_truncate { printf("%s\n", path(args.path)); }'
expect_exit 0
expect_stdout_match '^ +[0-9]+: r1 = \*\(u64 \*\)\(r6 \+0\)$'
expect_stdout_match '^ +[0-9]+: call d_path$'

fathom_run -e 'tracepoint:syscalls:sys_enter_close { printf("%s\n", path(args.fd)); }'
expect_exit 1
expect_stderr_match 'ERROR: path\(\) takes a struct path or a pointer to one, not'

fathom_run -e 'iter:task_file { printf("%s\n", path((struct path *)0)); }'
expect_exit 1
expect_stderr_match "ERROR: path\(\) reads the path through the probe's own arguments only"

fathom_run -e 'BEGIN { $p = (struct path *)0; printf("%s\n", path($p)); }'
expect_exit 1
expect_stderr_match 'ERROR: path\(\) can only be used in fentry, fexit and iter probes \(the kernel.s bpf_d_path\), not in BEGIN'
