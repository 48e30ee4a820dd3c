#!/usr/bin/env bash
# User symbols read from the files a process saw: a binary replaced at its
# path while traced keeps the symbols of the build each process ran, and a
# process in a file tree of its own (another mount namespace, a chroot: a
# container) is symbolized from its files, also after it has exited.
# (uprobe_symbols.sh has the rest of user symbolization.)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc unshare chroot

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
