#!/usr/bin/env bash
# `probe` where a string is wanted (strcontains(probe, "x"), strstr) is
# the probe's full name, as current bpftrace's string `probe`: each match
# of a wildcard then gets a program of its own (not a shared uprobe_multi
# one) holding its own name. __NR_<syscall> are this architecture's
# system call numbers, as <syscall.h> defines them for bpftrace.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -O1 -o "$T/target" "$E2E_DIR/progs/multi_target.c" || fail "cannot compile multi_target.c"
TG=$(realpath "$T/target")

( wait_attached && touch "$T/go" && "$TG" "$T/go" ) &
helper=$!
fathom_run -e "uprobe:$TG:step_t* {
    if (strcontains(probe, \"three\")) { print(probe); }
    @at[probe, strstr(probe, \"step_\")] = count();
}
uretprobe:$TG:main { exit(); }"
wait "$helper" || fail "the target failed"
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
off=$(( ${#TG} + 8 ))
expect_stdout_eq "uprobe:$TG:step_three
uprobe:$TG:step_three
uprobe:$TG:step_three


@at[uprobe:$TG:step_two, $off]: 2
@at[uprobe:$TG:step_three, $off]: 3"

# x86-64's numbers; an unknown system call is an unknown identifier.
fathom_run -e '#include <syscall.h>
BEGIN { printf("%d %d %d\n", __NR_read, __NR_nanosleep, __NR_openat); exit(); }'
expect_exit 0
expect_stdout_eq "0 35 257"
fathom_run -e 'BEGIN { print(__NR_no_such_call); }'
expect_exit 1
expect_stderr_match "ERROR: unknown identifier '__NR_no_such_call'"
