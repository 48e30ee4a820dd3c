#!/bin/sh
# Runs inside the VM for bench/kernel-attach (VMTEST_GUEST=guest-bench.sh):
# how long fathom takes to attach many kernel-function probes.  kprobe_vfs
# runs N times (kernel command line vmtest.runs=N, default 3), fentry_500
# once:
#
#   attach   exec of fathom until it prints __BPFTRACE_NOTIFY_PROBES_ATTACHED
#            (compile, BTF, load and verify every program, attach each one)
#   detach   SIGINT until fathom has exited (detach, print the maps, close)
#
# Each run prints "VMTEST BENCH case run=N attach_ms=... detach_ms=...
# probes=N", and a failed run "VMTEST FAIL bench_case".  bash's
# $EPOCHREALTIME gives the times; the notify line is read from a FIFO, so
# no polling skews them.

# bash (copied in by run.sh) for $EPOCHREALTIME: microseconds, no fork.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

RUNS=$(sed -n 's/.*vmtest.runs=\([0-9]*\).*/\1/p' /proc/cmdline)
RUNS=${RUNS:-3}

now_ms() {
    local us=${EPOCHREALTIME/./}
    echo $(( us / 1000 ))
}

# bench_case NAME RUNS FATHOM-ARGS...
bench_case() {
    name=$1 runs=$2
    shift 2
    run=1
    while [ $run -le "$runs" ]; do
        rm -f /tmp/bench.fifo
        mkfifo /tmp/bench.fifo
        t0=$(now_ms)
        __BPFTRACE_NOTIFY_PROBES_ATTACHED=1 fathom "$@" >/tmp/bench.fifo 2>/tmp/bench.err &
        fpid=$!
        exec 3</tmp/bench.fifo
        line=""
        read -r line <&3
        t1=$(now_ms)
        # Keep reading so that the maps printed at exit never block.
        cat <&3 >/tmp/bench.out &
        cpid=$!
        exec 3<&-
        if [ "$line" != __BPFTRACE_NOTIFY_PROBES_ATTACHED ]; then
            wait $fpid
            echo "VMTEST FAIL bench_$name"
            echo "VMTEST DETAIL BEGIN"
            echo "\$ fathom $*"
            head -n 20 /tmp/bench.err
            echo "VMTEST DETAIL END"
            wait $cpid
            return 1
        fi
        t2=$(now_ms)
        kill -INT $fpid
        wait $fpid
        rc=$?
        t3=$(now_ms)
        wait $cpid
        probes=$(sed -n 's/^Attached \([0-9]*\) probes*$/\1/p' /tmp/bench.err)
        [ -n "$probes" ] || probes=$(grep -c . /tmp/bench.list 2>/dev/null)
        if [ "$rc" != 0 ]; then
            echo "VMTEST FAIL bench_$name (exit $rc after SIGINT)"
            return 1
        fi
        echo "VMTEST BENCH $name run=$run attach_ms=$((t1 - t0)) detach_ms=$((t3 - t2)) probes=$probes"
        run=$((run + 1))
    done
    echo "VMTEST PASS bench_$name"
}

# kprobe:vfs_*: every traceable vfs_ function of the kernel.
bench_case kprobe_vfs "$RUNS" -e 'kprobe:vfs_* { @[func] = count(); }'

# 500 fentry probes: the first 500 traceable functions with BTF of a few
# subsystems, in one probe with 500 attach points.  Only functions of at
# most 6 arguments, none a struct by value: the x86 trampoline of 6.1
# refuses others (ENOTSUPP), and one refusal fails the whole run.
fathom -lv 'fentry:vmlinux:*' | awk '
    function flush() { if (name != "" && n <= 6 && !byval) print name }
    /^fentry:vmlinux:(tcp|udp|inet|ip|ext4|vfs|security)_/ { flush(); name = $0; n = 0; byval = 0; next }
    /^fentry:/ { flush(); name = ""; next }
    /^    / { n++; if ($0 ~ /^    (const )?(struct|union) [^*]*$/) byval = 1 }
    END { flush() }' | head -n 500 >/tmp/bench.list
n=$(grep -c . /tmp/bench.list)
if [ "$n" -lt 500 ]; then
    echo "VMTEST FAIL bench_fentry_500 (only $n fentry functions found)"
else
    { paste -s -d, /tmp/bench.list; echo '{ @[probe] = count(); }'; } >/tmp/fentry500.bt
    # One run: under TCG it takes minutes (265 s to attach, 72 s to
    # detach on a loaded 2-CPU host).
    bench_case fentry_500 1 /tmp/fentry500.bt
fi
