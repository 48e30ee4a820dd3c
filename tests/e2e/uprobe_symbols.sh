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

# A binary replaced at its path while traced (a rebuild, an install by
# rename): each process's stack has the symbols of the build it ran, and
# one whose build is gone prints addresses, never the new build's names
# (the second build has a large function where the first had first_build).
gcc -O1 -fno-omit-frame-pointer -o "$T/rebuilt.1" "$E2E_DIR/progs/rebuilt.c" || fail "cannot compile rebuilt.c"
gcc -O1 -fno-omit-frame-pointer -DSECOND -o "$T/rebuilt.2" "$E2E_DIR/progs/rebuilt.c" || fail "cannot compile rebuilt.c"
cp "$T/rebuilt.1" "$T/rebuilt"
RB=$(realpath "$T/rebuilt")
run_then_interrupt 5 sh -c "'$RB' '$T/go' && cp '$T/rebuilt.2' '$RB.new' && mv '$RB.new' '$RB' && '$RB' '$T/go'" -- \
    -e 'tracepoint:syscalls:sys_enter_getppid /comm == "rebuilt"/ { @[ustack(2)] = count(); }'
expect_exit 0
expect_stdout_match '^        getppid\+[0-9]+$'
expect_stdout_match '^        second_build\+[0-9]+$'
expect_stdout_match '^        0x[0-9a-f]+$'
expect_stdout_no_match 'padding|first_build'

# A process in another mount namespace (a container) sees its own files at
# the paths its mappings name: its symbols are read through /proc/PID/root,
# not from fathom's file at that path (here the other build).
require_cmd unshare
mkdir -p "$T/ns" && cp "$T/rebuilt.1" "$T/ns/target" || fail "cannot copy the first build"
NSTG=$(realpath "$T/ns/target")
run_then_interrupt 5 unshare -m --propagation private sh -c "mount --bind '$T/rebuilt.2' '$NSTG' && exec '$NSTG' '$T/go' 2" -- \
    -e 'tracepoint:syscalls:sys_enter_getppid /comm == "target"/ { printf("%s\n", ustack(2)); }'
expect_exit 0
expect_stdout_match '^        second_build\+[0-9]+$'
expect_stdout_no_match 'padding|first_build'
# ... and so do its stacks printed at the end, long after it exited with
# its namespace: fathom holds the namespace and root it saw (the bind
# mount goes with the namespace otherwise, and the path would be the first
# build). (It stays a second after its call, so that fathom sees its
# namespace.)
run_then_interrupt 5 unshare -m --propagation private sh -c "mount --bind '$T/rebuilt.2' '$NSTG' && exec '$NSTG' '$T/go' 1" -- \
    -e 'tracepoint:syscalls:sys_enter_getppid /comm == "target"/ { @[ustack(2)] = count(); }'
expect_exit 0
expect_stdout_match '^        second_build\+[0-9]+$'
expect_stdout_no_match 'padding|first_build'
# A chroot is a file tree of its own too, in fathom's namespace: the path
# is the second build there (static: the chroot has no libc).
mkdir -p "$T/root$(dirname "$NSTG")" || fail "cannot make a chroot"
gcc -O1 -static -fno-omit-frame-pointer -DSECOND -o "$T/root$NSTG" "$E2E_DIR/progs/rebuilt.c" ||
    fail "cannot build rebuilt.c static (libc6-dev has libc.a)"
run_then_interrupt 5 chroot "$T/root" "$NSTG" / 1 -- \
    -e 'tracepoint:syscalls:sys_enter_getppid /comm == "target"/ { @[ustack(2)] = count(); }'
expect_exit 0
expect_stdout_match '^        second_build\+[0-9]+$'
expect_stdout_no_match 'padding|first_build'
# A process in a mount namespace of its own that has fathom's root all the
# same (as a service's private /tmp): once it has exited, its paths are read
# as fathom's, so its stacks printed at the end still have names. (It stays
# a second after its call, so that fathom sees its namespace.)
mkdir -p "$T/ns2" && cp "$T/rebuilt.1" "$T/ns2/target" || fail "cannot copy the first build"
NS2TG=$(realpath "$T/ns2/target")
run_then_interrupt 5 unshare -m --propagation private "$NS2TG" "$T/go" 1 -- \
    -e 'tracepoint:syscalls:sys_enter_getppid /comm == "target"/ { @[ustack(2)] = count(); }'
expect_exit 0
expect_stdout_match '^        first_build\+[0-9]+$'
