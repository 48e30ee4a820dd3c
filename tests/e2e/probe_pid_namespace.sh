#!/usr/bin/env bash
# fathom in its own pid namespace (a container, `unshare --pid`) numbers
# pid and tid as that namespace does, as bpftrace does: it is pid 1 of a
# fresh namespace, its -c child pid 2, and -c/-p filters compare those
# numbers. In the initial namespace nothing changes.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd unshare

# FATHOM may be a relative path: the namespace's /proc does not change it.
FATHOM=$(realpath "$FATHOM")
real_fathom=$FATHOM
# Run fathom as the first process of a new pid namespace (with its /proc).
FATHOM=$T/in-namespace
printf '#!/bin/sh\nexec unshare --fork --pid --mount-proc "%s" "$@"\n' "$real_fathom" >"$FATHOM"
chmod +x "$FATHOM"

fathom_run -e 'BEGIN { printf("pid: %d, tid: %d\n", pid, tid); exit() }'
expect_exit 0
expect_stdout_eq "pid: 1, tid: 1"

# The -c child is the namespace's second process; the filter on cpid (and
# the one -c adds to every probe) sees it under that number.
fathom_run -e 'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { printf("%d %d %d\n", pid, tid, cpid); exit(); }' -c /bin/true
expect_exit 0
expect_stdout_eq "2 2 2"

# Outside the namespace: the pid the rest of the system sees.
FATHOM=$real_fathom
fathom_run -e 'BEGIN { printf("%d\n", pid); exit() }'
expect_exit 0
out=$(cat "$FATHOM_STDOUT")
[[ $out =~ ^[0-9]+$ ]] && [ "$out" -gt 1 ] || fail "pid in the initial namespace: '$out'"
