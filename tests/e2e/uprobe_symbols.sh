#!/usr/bin/env bash
# User symbols of processes that are gone when their stacks are printed
# (fathom follows the kernel's mmap/exec/fork records from the start), and
# of JIT code described in /tmp/perf-PID.map.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -fno-omit-frame-pointer -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile uprobe_target.c"
gcc -O1 -o "$T/jit_target" "$E2E_DIR/progs/jit_target.c" || fail "cannot compile jit_target.c"
TG=$(realpath "$T/target")


# run_then_interrupt SECS PROGRAM ARGS... -- FATHOM-ARGS...: once fathom
# has attached, run PROGRAM (its stdout in $T/target.out; it waits for the
# file $T/go); fathom is interrupted after SECS, long after it exited.
run_then_interrupt() {
    local secs=$1 prog=() helper
    shift
    while [ "$1" != -- ]; do prog+=("$1"); shift; done
    shift
    rm -f "$T/go"
    : >"$FATHOM_STDERR"
    ( wait_attached && touch "$T/go" && "${prog[@]}" >"$T/target.out" ) &
    helper=$!
    fathom_run_interrupted "$secs" "$@"
    wait "$helper" || fail "the traced program did not run (fathom never attached?)"
}

# The target calls add() three times and exits at once; the stacks are
# printed at Ctrl-C, seconds later. (At a function's first instruction
# its frame is not set up yet: a frame-pointer walk goes from add to
# main's caller, as with bpftrace.)
run_then_interrupt 3 "$TG" "$T/go" -- -e "uprobe:$TG:add { @[ustack(2)] = count(); }"
expect_exit 0
expect_stdout_match '^        add\+0$'
expect_stdout_match '^        __libc_start_call_main\+[0-9]+$'
expect_stdout_match '^\]: 3$'
expect_stdout_no_match '0x[0-9a-f]+$'

# perf mode names the file.
run_then_interrupt 3 "$TG" "$T/go" -- -e "uprobe:$TG:process_other { @[ustack(perf, 1)] = count(); }"
expect_exit 0
expect_stdout_match "^	[0-9a-f]+ process_other\\+0 \\($TG\\)\$"

# JIT code: named from /tmp/perf-PID.map, while the process runs (usym in
# printf) and after it exited (a map printed at Ctrl-C).
at_exit sh -c "rm -f /tmp/perf-\$(cat '$T/target.out' 2>/dev/null).map"
run_then_interrupt 4 "$T/jit_target" "$T/go" 1 -- -e 'profile:hz:99 /comm == "jit_target"/ { @[ustack(1)] = count(); if (@once++ == 0) { printf("%s\n", ustack(1)); } }'
expect_exit 0
expect_stdout_match "^ *jit_spin_loop\\+[0-9]+$"
expect_stdout_match '^        jit_spin_loop\+[0-9]+$'

# A perf map that is still empty when the first samples are symbolized
# (read, nothing in it) is read again once it has grown: the stacks
# printed in the first half are raw addresses, those after name
# jit_spin_loop.
rm -f "/tmp/perf-$(cat "$T/target.out").map"
run_then_interrupt 4 "$T/jit_target" "$T/go" 2 late -- -e 'profile:hz:99 /comm == "jit_target"/ { printf("%s\n", ustack(1)); }'
expect_exit 0
expect_stdout_match '^        jit_spin_loop\+[0-9]+$'
expect_stdout_match '^        0x[0-9a-f]+$'

# Exited processes are remembered, but not without end: a stack of a
# process that exited before a few others did is still named at Ctrl-C...
gcc -O1 -o "$T/pid_churn" "$E2E_DIR/progs/pid_churn.c" || fail "cannot compile pid_churn.c"
PC=$(realpath "$T/pid_churn")
run_then_interrupt 4 "$PC" churn "$T/go" 20 -- -e "uprobe:$PC:work { @[ustack(1)] = count(); }"
expect_exit 0
expect_stdout_match '^        work\+0$'
# ... while after thousands more exits (a busy machine) its mappings are
# forgotten, so that fathom's memory stays bounded: the frame prints as an
# address, as for a process that exited before the trace began.
run_then_interrupt 12 "$PC" churn "$T/go" 4600 -- -e "uprobe:$PC:work { @[ustack(1)] = count(); }"
expect_exit 0
grep -q '^done$' "$T/target.out" || fail "pid_churn did not finish its children in time"
expect_stdout_match '^        0x[0-9a-f]+$'
expect_stdout_no_match 'work'

# A pid used again: a process that forks without exec and is given the pid
# of one that exited has its parent's mappings, not the old process's.
run_then_interrupt 6 "$PC" reuse "$T/go" -- -e "uprobe:$PC:work { @[ustack(1)] = count(); }"
expect_exit 0
grep -q '^reused ' "$T/target.out" || fail "pid_churn could not reuse a pid: $(cat "$T/target.out")"
expect_stdout_match '^        work\+0$'
