#!/usr/bin/env bash
# uprobes given bad input: a stripped program without the function (one
# name, a wildcard), a missing binary to list, and -p PID of a process
# that has exited but is not reaped yet (a zombie: as if it exited while
# fathom attached): a clear error at the attach point for uprobes, a clean
# end of the run for other probes. See uprobe_errors.sh for the rest.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc strip

gcc -O1 -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
strip --strip-all "$T/target" || fail "strip failed"
TG=$(realpath "$T/target")

fathom_run -e "uprobe:$TG:process_request { exit(); }"
expect_exit 1
expect_stderr_match "^ERROR: Could not resolve symbol: $TG:process_request\$"
expect_stderr_match "^stdin:1:1-[0-9]+: at this attach point\$"
expect_stderr_match '^HINT: '

fathom_run -e "uretprobe:$TG:process_* { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: no function of $TG matches 'process_\\*'"

fathom_run -l "uprobe:/nonexistent/fathom-missing:*"
expect_exit 1
expect_stderr_match "'/nonexistent/fathom-missing' not found"

# A zombie: sleep 30 is the parent of a child that has exited, and never
# reaps it.
bash -c "sleep 0.1 & echo \$! >'$T/zombie'; exec sleep 30" &
parent=$!
at_exit kill "$parent"
for _ in $(seq 100); do
    [ -s "$T/zombie" ] && grep -q '^State:.*Z' "/proc/$(cat "$T/zombie")/status" 2>/dev/null && break
    sleep 0.05
done
Z=$(cat "$T/zombie")
grep -q '^State:.*Z' "/proc/$Z/status" || fail "no zombie process to test with"

fathom_run -p "$Z" -e 'uprobe:libc:malloc { @ = count(); }'
expect_exit 1
expect_stderr_match "^stdin:1:1-19: ERROR: process $Z exited before uprobe:/.*libc\\.so\\.6:malloc was attached\$"

fathom_run -p "$Z" -e 'uprobe:libc:mallo* { @ = count(); }'
expect_exit 1
expect_stderr_match "^stdin:1:1-19: ERROR: process $Z exited before uprobe:libc:mallo\\* was attached\$"

# Other probes: the run ends at once, as when the process exits later.
FATHOM_TIMEOUT=10 fathom_run -p "$Z" -e 'tracepoint:syscalls:sys_enter_read { @ = count(); }'
expect_exit 0
expect_stderr_eq "Attached 1 probe"
