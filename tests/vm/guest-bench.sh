#!/bin/sh
# Runs inside the VM for bench/kernel-attach (VMTEST_GUEST=guest-bench.sh):
# how long fathom, and bpftrace when run.sh put it in /bin
# (VMTEST_BPFTRACE), take to attach many kernel-function probes.
# kprobe_vfs runs N times per tool (kernel command line vmtest.runs=N,
# default 3), fentry_500 once:
#
#   attach   exec of the tool until it prints __BPFTRACE_NOTIFY_PROBES_ATTACHED
#            (compile, BTF, load and verify every program, attach each one)
#   detach   SIGINT until the tool has exited (detach, print the maps, close)
#
# Each run prints "VMTEST BENCH case tool=T run=N attach_ms=... detach_ms=...
# probes=N", and a failed run "VMTEST FAIL bench_case_T".  bash's
# $EPOCHREALTIME gives the times; the notify line is read from a FIFO
# (fathom writes it to stdout, bpftrace 0.17 to stderr: both go there),
# so no polling skews them.

# bash (copied in by run.sh) for $EPOCHREALTIME: microseconds, no fork.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

# 500 fentry programs and their links: bpftrace 0.17 needs more than the
# default 1024 file descriptors ("dup(fd): Too many open files").
ulimit -n 65536
RUNS=$(sed -n 's/.*vmtest.runs=\([0-9]*\).*/\1/p' /proc/cmdline)
RUNS=${RUNS:-3}

now_ms() {
    local us=${EPOCHREALTIME/./}
    echo $(( us / 1000 ))
}

# bench_case TOOL NAME RUNS ARGS...: TOOL is fathom or bpftrace.
bench_case() {
    tool=$1 name=$2 runs=$3
    shift 3
    run=1
    while [ $run -le "$runs" ]; do
        rm -f /tmp/bench.fifo /tmp/bench.err
        mkfifo /tmp/bench.fifo
        t0=$(now_ms)
        __BPFTRACE_NOTIFY_PROBES_ATTACHED=1 "$tool" "$@" >/tmp/bench.fifo 2>&1 &
        fpid=$!
        exec 3</tmp/bench.fifo
        # Everything before the notify line (messages, "Attached N probes")
        # is kept; EOF means the tool failed.
        attached=0
        while IFS= read -r line <&3; do
            if [ "$line" = __BPFTRACE_NOTIFY_PROBES_ATTACHED ]; then
                attached=1
                break
            fi
            printf '%s\n' "$line" >>/tmp/bench.err
        done
        t1=$(now_ms)
        # Keep reading so that the maps printed at exit never block.
        cat <&3 >/tmp/bench.out &
        cpid=$!
        exec 3<&-
        if [ $attached != 1 ]; then
            wait $fpid
            echo "VMTEST FAIL bench_${name}_$tool"
            echo "VMTEST DETAIL BEGIN"
            echo "\$ $tool $*"
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
        # fathom: "Attached N probes"; bpftrace: "Attaching N probes..."
        probes=$(sed -n 's/^Attach[a-z]* \([0-9]*\) probes*.*$/\1/p' /tmp/bench.err | head -n 1)
        [ -n "$probes" ] || probes=$(grep -c . /tmp/bench.list 2>/dev/null)
        if [ "$rc" != 0 ]; then
            echo "VMTEST FAIL bench_${name}_$tool (exit $rc after SIGINT)"
            return 1
        fi
        echo "VMTEST BENCH $name tool=$tool run=$run attach_ms=$((t1 - t0)) detach_ms=$((t3 - t2)) probes=$probes"
        run=$((run + 1))
    done
    echo "VMTEST PASS bench_${name}_$tool"
}

have_bpftrace() {
    command -v bpftrace >/dev/null 2>&1
}

if have_bpftrace; then
    echo "VMTEST BENCH bpftrace $(bpftrace --version 2>&1 | head -n 1)"
fi

# kprobe:vfs_*: every traceable vfs_ function of the kernel.
bench_case fathom kprobe_vfs "$RUNS" -e 'kprobe:vfs_* { @[func] = count(); }'
have_bpftrace && bench_case bpftrace kprobe_vfs "$RUNS" -e 'kprobe:vfs_* { @[func] = count(); }'

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
    # One run: under TCG detaching alone takes over a minute (72 s on a
    # loaded 2-CPU host).
    bench_case fathom fentry_500 1 /tmp/fentry500.bt
    # bpftrace 0.17 spells them kfunc:FUNCTION
    if have_bpftrace; then
        { sed 's/^fentry:vmlinux:/kfunc:/' /tmp/bench.list | paste -s -d,; echo '{ @[probe] = count(); }'; } >/tmp/kfunc500.bt
        bench_case bpftrace fentry_500 1 /tmp/kfunc500.bt
    fi
fi
