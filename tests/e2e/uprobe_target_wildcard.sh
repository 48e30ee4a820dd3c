#!/usr/bin/env bash
# uprobe:*:FUNCTION with -p PID: the wildcard in the binary path matches
# the executable files that process has mapped (its program and its
# libraries), as in bpftrace; the probes are named by each binary's path.
# Without a running target process it is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

# a target that waits (reads stdin) before its calls
cat >"$T/waiter.c" <<'C'
#include <stdio.h>
#include <unistd.h>
__attribute__((noinline)) int fth_wild_one(int x) { return x + 1; }
__attribute__((noinline)) int fth_wild_two(int x) { return x * 2; }
int main(void)
{
	char c;
	if (read(0, &c, 1) < 0)
		return 1;
	printf("%d\n", fth_wild_one(1) + fth_wild_two(2) + getpid() * 0);
	return 0;
}
C
gcc -g -O1 -o "$T/waiter" "$T/waiter.c" || fail "cannot compile the target"
TG=$(realpath "$T/waiter")
mkfifo "$T/go"
"$TG" <"$T/go" >/dev/null &
target=$!
exec 7>"$T/go"
at_exit sh -c "kill $target 2>/dev/null || true"

: >"$FATHOM_STDERR"
( wait_attached && echo >&7 ) &
helper=$!
fathom_run -p "$target" -e 'uprobe:*:fth_wild_* { printf("%s\n", probe); } uretprobe:*:fth_wild_two { exit(); }'
wait "$helper" || fail "fathom never attached"
expect_exit 0
expect_stdout_eq "uprobe:$TG:fth_wild_one
uprobe:$TG:fth_wild_two"
expect_stderr_eq "Attached 3 probes"

# A library the process maps matches too (and names the probe by its path).
sleep 30 &
sleeper=$!
at_exit sh -c "kill $sleeper 2>/dev/null || true"
sleep 0.2
LIBC=$(awk '$2 ~ /x/ && $6 ~ /libc\.so/ { print $6; exit }' "/proc/$sleeper/maps")
[ -n "$LIBC" ] || fail "sleep maps no libc"
fathom_run -p "$sleeper" -e 'uprobe:*libc.so*:getpid { printf("%s\n", probe); } BEGIN { exit(); }'
expect_exit 0
expect_stderr_eq "Attached 2 probes"

fathom_run -e 'uprobe:*:fth_wild_one { exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:1-[0-9]+: ERROR: uprobe probe needs a binary or a process$'
expect_stderr_match '^HINT: give the binary.s path, or the process with -p PID or -c CMD$'
fathom_run -p "$sleeper" -e 'uprobe:*:fth_no_such_fn* { exit(); }'
expect_exit 1
expect_stderr_match "ERROR: no function matches 'fth_no_such_fn\\*' in the [0-9]+ binaries of '\\*'"
