#!/usr/bin/env bash
# watchpoint (w) / asyncwatchpoint (aw): hardware breakpoints
# (PERF_TYPE_BREAKPOINT).  fathom has no -p yet, so a watchpoint is opened on
# every online CPU for every process: a test program prints the address of
# a global variable, waits until fathom is attached, then writes it, and the
# probe fires in that program.  Bad lengths and modes are refused at the
# attach point; there is nothing to list.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
build_target watch_target fthwatch

# Some hypervisors accept a hardware breakpoint but never deliver it (this
# project's 6.18 host on AMD EPYC: perf counts 0 of 10 writes). There no
# watchpoint can fire, for fathom or anything else: the firing checks then
# run in the VM only (tests/vm/guest-e2e.sh runs this test under qemu, whose
# CPU delivers them), and here fathom must still attach and stay silent.
delivered=$("$T/fthwatch" --probe) || fail "fthwatch --probe failed: $delivered"

stop_quietly() { kill "$1" 2>/dev/null; }

# start_target: start fthwatch, which writes its variable once $T/go
# exists; sets wpid, and addr to the variable's address.
start_target() {
    rm -f "$T/go" "$T/addr"
    "$T/fthwatch" "$T/go" >"$T/addr" &
    wpid=$!
    at_exit stop_quietly "$wpid"
    for _ in $(seq 100); do
        [ -s "$T/addr" ] && break
        sleep 0.02
    done
    addr=$(head -n 1 "$T/addr")
    [[ $addr =~ ^0x[0-9a-f]+$ ]] || fail "test program printed no address: '$addr'"
    : >"$FATHOM_STDERR"
    ( wait_attached; touch "$T/go" ) &
    helper=$!
}

# end_target: the target wrote once fathom was attached, and exited.
end_target() {
    wait "$helper"
    wait "$wpid" || fail "the test program failed"
}

# run_watched PROBE-PREFIX MODE: watch the target's variable with
# PREFIX:ADDR:8:MODE while it writes once.
run_watched() {
    start_target
    fathom_run -e "$1:$addr:8:$2 /comm == \"fthwatch\"/ { printf(\"hit %s %d %s\\n\", comm, pid == $wpid, probe); exit(); }"
    end_target
    dec_addr=$((addr))
}

if [ "$delivered" = 10 ]; then
    run_watched watchpoint w
    expect_exit 0
    expect_stderr_eq "Attached 1 probe"
    expect_stdout_eq "hit fthwatch 1 watchpoint:$dec_addr:8:w"

    # Read-write mode written "wr", through the aw alias: canonical "rw".
    run_watched aw wr
    expect_exit 0
    expect_stdout_eq "hit fthwatch 1 asyncwatchpoint:$dec_addr:8:rw"
else
    echo "NOTE: hardware breakpoints are not delivered on this machine (perf counted '$delivered' of 10 writes): firing is checked in the VM"
    start_target
    fathom_run_interrupted 2 -e "watchpoint:$addr:8:w { printf(\"hit\\n\"); }"
    end_target
    expect_exit 0
    expect_stderr_eq "Attached 1 probe"
    expect_stdout_no_match hit
fi

# Validation, reported at the attach point.
fathom_run -e 'watchpoint:0x10000000:3:w { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:1-26: ERROR: watchpoint length must be one of (1,2,4,8)
watchpoint:0x10000000:3:w { exit(); }
~~~~~~~~~~~~~~~~~~~~~~~~~"

fathom_run -e 'w:0x10000000:8:wq { exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: watchpoint mode must be combination of \(r,w,x\)'

fathom_run -e 'w:0x10000000:8:ww { exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: watchpoint modes may not be duplicated'

if [ "$(uname -m)" = x86_64 ]; then
    fathom_run -e 'w:0x10000000:8:r { exit(); }'
    expect_exit 1
    expect_stderr_match 'ERROR: invalid watchpoint mode: r$'
    expect_stderr_match '^HINT: supported modes: rw,w,x$'
fi

fathom_run -e 'w:0:8:w { exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: watchpoint must be attached to a non-zero address'

# Any address can be watched: nothing to list (as bpftrace).
fathom_run -l 'watchpoint:*'
expect_exit 0
expect_stdout_empty
