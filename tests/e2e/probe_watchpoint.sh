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
~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: the third part is the number of bytes watched, e.g. watchpoint:0x10000000:8:w"

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

# ---- watchpoint:FUNCTION+argN: the address a function of the traced
# program (-c/-p) is passed, watched from its first call on.
fathom_run -e 'watchpoint:fth_bump+arg1:4:w { exit(); }'
expect_exit 1
expect_stderr_match 'stdin:1:1-29: ERROR: watchpoint:fth_bump\+arg1 needs the process whose function it watches'
expect_stderr_match '^HINT: run the program with -c CMD, or name its process with -p PID$'

fathom_run -e 'watchpoint:fth_bump+argv:4:w { exit(); }' -c "$T/fthwatch --bump 1"
expect_exit 1
expect_stderr_match "ERROR: invalid watchpoint target 'fth_bump\+argv': expected FUNCTION\+argN, N from 0 to 5"

fathom_run -e 'watchpoint:no_such_function+arg0:4:w { exit(); }' -c "$T/fthwatch --bump 1"
expect_exit 1
expect_stderr_match 'no_such_function'

# -d shows both programs: the watchpoint's and the uprobe that arms it
# (and stops the process), without running the command.
fathom_run -d bpf -e 'watchpoint:fth_bump+arg1:4:w { printf("hit\n"); }' -c "$T/fthwatch --bump 1"
expect_exit 0
expect_stdout_match "^watchpoint:$T/fthwatch:fth_bump:4:w \(fth_0_watchpoi\)"
expect_stdout_match "^uprobe:$T/fthwatch:fth_bump \(fth_1_uprobe\)"
expect_stdout_match '^ +[0-9]+: call send_signal$'

# The process is stopped in fth_bump until its breakpoint is set, then goes
# on: it makes all its calls and exits, and so does fathom.  The setup
# uprobe is not counted: one probe.
fathom_run -e 'watchpoint:fth_bump+arg1:4:w { printf("hit %s\n", probe); }' -c "$T/fthwatch --bump 10"
expect_exit 0
expect_stderr_eq "Attached 1 probe"
expect_stdout_match '^10$'

# x86 has four debug registers: of five watched addresses the fifth is
# refused, with bpftrace's warnings (missing_probes = warn) or an error.
if [ "$(uname -m)" = x86_64 ]; then
    fathom_run -e 'config = { missing_probes = "warn" } watchpoint:fth_touch_*+arg0:4:w { printf("%s\n", probe); }' \
        -c "$T/fthwatch --touch 3"
    expect_exit 0
    expect_stderr_eq "Attached 5 probes
WARNING: No more HW registers left
WARNING: Unable to attach probe: watchpoint:$T/fthwatch:fth_touch_4:4:w. Skipping."

    fathom_run -e 'aw:fth_touch_*+arg0:4:w { printf("%s\n", probe); }' -c "$T/fthwatch --touch 3"
    expect_exit 1
    expect_stderr_eq "Attached 5 probes
WARNING: No more HW registers left
ERROR: Unable to attach probe: asyncwatchpoint:$T/fthwatch:fth_touch_4:4:w
HINT: set the 'missing_probes' config variable to 'warn' to go on without it"
fi

# -p: the process named by its pid is continued as well (not left stopped).
"$T/fthwatch" --bump 400 >/dev/null &
bpid=$!
at_exit stop_quietly "$bpid"
sleep 0.2
if [ "$delivered" = 10 ]; then
    fathom_run -p "$bpid" -e 'watchpoint:fth_bump+arg1:4:w { printf("hit %s\n", probe); exit(); }'
    expect_exit 0
    expect_stdout_eq "hit watchpoint:$(readlink -f "$T/fthwatch"):fth_bump:4:w"
else
    fathom_run -p "$bpid" -e 'watchpoint:fth_bump+arg1:4:w { printf("hit\n"); } interval:ms:300 { exit(); }'
    expect_exit 0
    expect_stderr_eq "Attached 2 probes"
fi
sleep 0.1
state=$(awk '{print $3}' "/proc/$bpid/stat")
[ "$state" != T ] || fail "fathom left process $bpid stopped"
kill "$bpid"

if [ "$delivered" = 10 ]; then
    fathom_run -e 'watchpoint:fth_bump+arg1:4:w { printf("hit %s\n", probe); exit(); }' -c "$T/fthwatch --bump 50"
    expect_exit 0
    expect_stdout_eq "hit watchpoint:$T/fthwatch:fth_bump:4:w"

    # asyncwatchpoint does not stop the process: a later call's write hits
    fathom_run -e 'aw:fth_bump+arg1:4:w { printf("hit %s\n", probe); exit(); }' -c "$T/fthwatch --bump 50"
    expect_exit 0
    expect_stdout_eq "hit asyncwatchpoint:$T/fthwatch:fth_bump:4:w"

    # unwatch(addr): the first write is seen, then no more (and the next
    # calls do not watch the address again)
    fathom_run -e "uprobe:$T/fthwatch:fth_bump { @addr = arg1; }
watchpoint:fth_bump+arg1:4:w { @count++; unwatch(@addr); }
END { printf(\"count=%d\n\", @count); clear(@addr); clear(@count); }" -c "$T/fthwatch --bump 10"
    expect_exit 0
    expect_stdout_eq "10
count=1"
fi
