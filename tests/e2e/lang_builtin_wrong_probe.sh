#!/usr/bin/env bash
# Builtins used in probes that do not have them: the error says so, as
# bpftrace does, with a hint that fits the probe, and never a "did you
# mean" that suggests the very name that was written.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { print(func); exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:15-19: ERROR: The func builtin can not be used with 'BEGIN' probes
BEGIN { print(func); exit(); }
              ~~~~
HINT: func is the traced function in kprobe, kretprobe, uprobe, uretprobe, fentry and fexit probes; 'probe' gives this probe's name"

fathom_run -e 'tracepoint:syscalls:sys_enter_read { printf("%s\n", func); exit(); }'
expect_exit 1
expect_stderr_match "^stdin:1:53-57: ERROR: The func builtin can not be used with 'tracepoint' probes\$"
expect_stderr_no_match 'did you mean'

# argN outside a probe that has registers: no advice about tracepoints.
fathom_run -e 'BEGIN { print(arg0); exit(); }'
expect_exit 1
expect_stderr_match "^stdin:1:15-19: ERROR: 'arg0' is not available in BEGIN probes\$"
expect_stderr_match '^HINT: argN exists in kprobe, uprobe, usdt, rawtracepoint and iter probes$'

# args in a kprobe (written for fentry): the hint points to argN and to
# fentry, not to a list of probe types.  -d types: the mistake is found
# while compiling, before a kernel without kprobes says it has none.
fathom_run -d types -e 'kprobe:vfs_read { printf("%d\n", args.count); exit(); }'
expect_exit 1
expect_stderr_match "^stdin:1:34-38: ERROR: 'args' is not available in kprobe probes\$"
expect_stderr_match '^HINT: a kprobe has arg0, arg1, \.\.\. \(cast them, e\.g\. \(struct sock \*\)arg0\), not args; fentry:FUNCTION has args typed from BTF \(args\.sk\)$'

# A typo still gets its suggestion.
fathom_run -e 'BEGIN { print(fnuc); exit(); }'
expect_exit 1
expect_stderr_match "^HINT: did you mean 'func'\\?\$"

# retval in an entry probe: the hint names the same function's return
# probe, as written (a wildcard stays one); a probe of several attach
# points gets one error with one hint.
fathom_run -d types -e 'u:libc:malloc { print(retval); }'
expect_exit 1
expect_stderr_match "^stdin:1:23-29: ERROR: 'retval' is not available in uprobe probes\$"
expect_stderr_match '^HINT: the return value is read where the function returns: uretprobe:libc:malloc$'
fathom_run -d types -e 'kprobe:vfs_read* { print(retval); }'
expect_exit 1
expect_stderr_match '^HINT: the return value is read where the function returns: kretprobe:vfs_read\*$'
fathom_run -d types -e 'kprobe:vfs_read,kprobe:vfs_write { print(retval); }'
expect_exit 1
[ "$(grep -c "ERROR: 'retval'" "$FATHOM_STDERR")" = 1 ] || fail "one error for the probe's two attach points"
expect_stderr_match '^HINT: the return value is read where a function returns: in kretprobe probes$'
