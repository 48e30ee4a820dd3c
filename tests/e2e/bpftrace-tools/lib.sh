# shellcheck shell=bash
# Shared part of the tests that run the tools bpftrace itself ships, unchanged: bpftrace 0.17's (Debian
# 12, the classic form: args->, BEGIN blocks, probe-scoped variables) and
# bpftrace 0.23's (Debian 13, the current form: #ifndef BPFTRACE_HAVE_BTF,
# config blocks, missing_probes = "ignore").  The scripts are fetched from
# Debian's archive by bpftrace-tools/fetch.sh and cached beside the build;
# none is stored here.  Every tool that needs only what this kernel has
# (tracepoints, profile, interval, uprobes) runs with a workload made for
# it and must print that workload's events in the tool's own format.  The
# ones bpftrace itself cannot run here fail with fathom's clear error: the
# kprobe tools (tested in the VM), loads (no avenrun symbol without
# CONFIG_KALLSYMS_ALL), and 0.17's uprobes on functions glibc 2.36 and
# OpenSSL 3 no longer export.
#
# Sourced by tests/e2e/bpftrace_tools_{classic,current}.sh (one file per
# form keeps each under the e2e time limit), after tests/e2e/lib.sh.
require_root
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"

tools=$(cd "$(dirname "$FATHOM")" && pwd)/bpftrace-tools
bash tests/e2e/bpftrace-tools/fetch.sh "$tools" || fail "cannot fetch bpftrace's tools from Debian's archive"

failures=0
# problem TEXT: record a failed check of the current tool and go on, so
# one run shows every tool that is wrong.
problem() {
    echo "FAILED $form/$tool: $*"
    echo "--- stdout"; head -n 40 "$FATHOM_STDOUT"
    echo "--- stderr"; head -n 20 "$FATHOM_STDERR"
    failures=$((failures + 1))
}
has_out() { grep -Eq -- "$1" "$FATHOM_STDOUT" || problem "stdout has no line matching: $1"; }

# run FORM TOOL SECS WORKLOAD REGEX...: the tool, with WORKLOAD started
# once it is attached and SIGINT (Ctrl-C) SECS seconds after the workload
# ended, to let the tool print what it saw; then exit 0, no error, and
# every REGEX matched by a stdout line.
run() {
    local secs wl script
    form=$1 tool=$2 secs=$3 wl=$4
    shift 4
    script=$tools/$form/$tool.bt
    : >"$FATHOM_STDERR"
    ( wait_attached && sleep 0.3 && "$wl"; st=$?; sleep "$secs"; stop_tool "$script"; exit $st ) >"$T/workload.log" 2>&1 &
    local pid=$!
    fathom_run_interrupted 30 "$script"
    wait "$pid" || problem "workload failed: $(head -c 300 "$T/workload.log")"
    [ "$FATHOM_STATUS" = 0 ] || problem "exit status $FATHOM_STATUS"
    grep -Eq '^Attached [0-9]+ probes?$' "$FATHOM_STDERR" || problem "no 'Attached N probes' line"
    ! grep -q 'ERROR' "$FATHOM_STDERR" || problem "an error on stderr"
    for re in "$@"; do has_out "$re"; done
}
# stop_tool SCRIPT: SIGINT to the fathom running SCRIPT (not to the
# timeout(1) around it, which has the same command line).
stop_tool() {
    local p
    for p in $(pgrep -f -- "$1"); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$(basename "$FATHOM" | cut -c1-15)" ] && kill -INT "$p"
    done
}
# refused FORM TOOL REGEX: fathom stops before attaching, with exit 1 and
# an error matching REGEX.
refused() {
    form=$1 tool=$2
    fathom_run "$tools/$form/$tool.bt"
    [ "$FATHOM_STATUS" = 1 ] || problem "exit status $FATHOM_STATUS, not 1"
    grep -Eq -- "$3" "$FATHOM_STDERR" || problem "stderr has no line matching: $3"
    ! grep -q '^Attached' "$FATHOM_STDERR" || problem "it attached"
}

for p in true cat stat sync dd bash getent; do cp "$(type -P $p)" "$T/fthbt$p" || fail "cannot copy $p"; done
cp "$(command -v setpriv)" "$T/fthbtsetpriv" || fail "cannot copy setpriv"
cp "$(command -v perl)" "$T/fthbtnap" || fail "cannot copy perl"
gcc -O1 -o "$T/fthbtthreads" "$E2E_DIR/progs/thread_target.c" -lpthread || fail "cannot compile thread_target.c"
echo data >"$T/fthbt-open.txt"
[ "$(stat -c %d "$T")" != 0 ] || fail "$T is not on a block device"

wl_exec() { "$T/fthbttrue" alpha beta; }
wl_open() { "$T/fthbtcat" "$T/fthbt-open.txt" >/dev/null; "$T/fthbtcat" "$T/fthbt-missing" 2>/dev/null; true; }
wl_stat() { "$T/fthbtstat" "$T/fthbt-open.txt" >/dev/null; }
wl_sync() { "$T/fthbtsync"; }
wl_kill() { "$T/fthbtbash" -c 'kill -0 $$'; }
wl_setuid() { "$T/fthbtsetpriv" --reuid=65534 true; }
wl_forks() { for _ in 1 2 3 4 5; do "$T/fthbttrue"; done; }
# perl's syscall() calls nanosleep(2) itself (sleep(1) uses clock_nanosleep)
wl_nap() { "$T/fthbtnap" -e 'my $ts = pack("qq", 0, 200000000); syscall(35, $ts, 0) == 0 or die "nanosleep: $!"'; }
wl_cpu() { "$T/fthbtbash" -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'; }
wl_dio() { "$T/fthbtdd" if=/dev/zero of="$T/fthbt-data" bs=64k count=8 oflag=direct conv=fsync 2>/dev/null; }
wl_dirty() { "$T/fthbtdd" if=/dev/zero of="$T/fthbt-dirty" bs=1M count=8 2>/dev/null && "$T/fthbtsync"; }
wl_drop() { "$T/fthbtbash" -c 'echo >/dev/tcp/127.0.0.1/1' 2>/dev/null; true; }
# bashreadline probes /bin/bash itself, so no copy here
wl_readline() { printf 'echo fthbt-typed-line\nexit\n' | script -qfc "/bin/bash --norc --noprofile -i" /dev/null >/dev/null; }
wl_host() { "$T/fthbtgetent" ahosts localhost >/dev/null; }
wl_threads() { "$T/fthbtthreads"; }
# syscount shows the top 10 processes: 100,000 syscalls put this one there
# even on a busy machine
wl_syscalls() { "$T/fthbtdd" if=/dev/zero of=/dev/null bs=1 count=50000 2>/dev/null; }
wl_none() { true; }

t8='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
hist_line='^\[[0-9]+[KMG]?, [0-9]+[KMG]?\) +[0-9]+ \|@*'
lhist_line='^\[[0-9]+(, [0-9]+\))?\] +[0-9]+ \|@*'

# check_common FORM: the tools both forms can run here.
check_common() {
    local form=$1 exec_re
    if [ "$form" = 0.17 ]; then exec_re=" $T/fthbttrue alpha beta\$"; else exec_re="^$t8\.[0-9]{6} [0-9]+ +[0-9]+ +$T/fthbttrue alpha beta\$"; fi
    run "$form" execsnoop 0.5 wl_exec "$exec_re"
    run "$form" opensnoop 0.5 wl_open "^[0-9]+ +fthbtcat +[0-9]+ +0 $T/fthbt-open\.txt\$" "^[0-9]+ +fthbtcat +-1 +2 $T/fthbt-missing\$"
    run "$form" statsnoop 0.5 wl_stat "^[0-9]+ +fthbtstat +0 $T/fthbt-open\.txt\$"
    run "$form" syncsnoop 0.5 wl_sync "^$t8  [0-9]+ +fthbtsync +tracepoint:syscalls:sys_enter_sync\$"
    run "$form" killsnoop 0.5 wl_kill "fthbtbash +0 +[0-9]+ +0\$"
    run "$form" setuids 0.5 wl_setuid "^$t8 [0-9]+ +fthbtsetpriv +0 +setresuid ruid=65534 euid=65534 suid=65534 \(0\)\$"
    run "$form" pidpersec 2 wl_forks "^$t8 PIDs/sec: @: [1-9][0-9]*\$"
    run "$form" naptime 0.5 wl_nap "^$t8 [0-9]+ +[^ ]+ +[0-9]+ +fthbtnap +0\.200\$"
    run "$form" cpuwalk 0.5 wl_cpu '^@cpu:$' "$lhist_line"
    run "$form" runqlat 0.5 wl_cpu '^@usecs:$' "$hist_line"
    # Both forms read cfs_rq.nr_running from BTF (their own struct is only
    # for kernels without BTF): 6.14 renamed it nr_queued, and bpftrace
    # stops there too.
    if "$FATHOM" -lv 'struct cfs_rq' | grep -q ' nr_running;'; then
        run "$form" runqlen 0.5 wl_cpu '^@runqlen:$' "$lhist_line"
    else
        refused "$form" runqlen "ERROR: struct cfs_rq has no field 'nr_running'"
    fi
    run "$form" syscount 0.5 wl_syscalls '^Top 10 syscalls IDs:$' '^@syscall\[[0-9]+\]: [0-9]+$' '^@process\[fthbtdd\]: [0-9]{6}$'
    # under disk load blk-mq may issue the requests from another context
    # (kblockd): the 64K bucket is looked for in every process's histogram
    run "$form" bitesize 0.5 wl_dio '^@\[[^]]+\]:$' '^\[64K, 128K\) +[1-9][0-9]* \|@* *\|$'
    run "$form" writeback 1 wl_dirty "^$t8  [0-9]+:[0-9]+ +-?[0-9]+ +sync +[0-9]+\.[0-9]{3}\$"
    # Drops the tool prints need a socket (skb->sk): loopback's NO_SOCKET
    # drops are filtered out by the tool itself, so only the header is
    # checked, after a real attach and run.
    run "$form" tcpdrop 0.5 wl_drop '^TIME +PID +COMM +SADDR:SPORT +DADDR:DPORT +STATE'
    run "$form" bashreadline 1 wl_readline "^$t8 +[0-9]+ +echo fthbt-typed-line\$"
    run "$form" gethostlatency 0.5 wl_host "^$t8 +[0-9]+ +fthbtgetent +[0-9]+ +localhost\$"
    refused "$form" loads "Failed to resolve kernel symbol: avenrun"
}
