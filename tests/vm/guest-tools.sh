#!/bin/sh
# Runs inside the test VM (tests/vm/run.sh): fathom's kprobe-based tools in
# /tools (the repository's tools/*.bt), each run unchanged against a
# workload that makes it fire, stopped with SIGINT like Ctrl-C, and its
# output checked line by line.  The devices the workloads need are set up
# first from the kernel's own modules (/modules): a loop device on tmpfs
# (block I/O), an md linear array on a second one (flushes), zram swap
# and two memory cgroups (swap-ins, an OOM kill), lo and a dummy
# interface that drops what it is sent (TCP retransmits of a SYN); they
# and the workloads are in guest-workloads.sh.

. /vm/guest-lib.sh
. /vm/guest-workloads.sh

# check_tool NAME SECS WORKLOAD REGEX...: runs $TOOL_DIR/NAME.bt (default
# /tools), reported as ${TOOL_PREFIX:-tool_}NAME; runs the
# shell function WORKLOAD once the probes are attached, sends SIGINT SECS
# seconds after that, and passes when fathom exited 0 and every REGEX
# (grep -E) matches some line of its stdout.
check_tool() {
    name=$1 secs=$2 wl=$3
    shift 3
    script=${TOOL_DIR:-/tools}/$name.bt
    : >/tmp/err
    fathom "$script" >/tmp/out 2>/tmp/err &
    fpid=$!
    n=0
    while ! grep -q '^Attached' /tmp/err && [ $n -lt 600 ] && kill -0 $fpid 2>/dev/null; do
        sleep 0.1
        n=$((n + 1))
    done
    "$wl" >/tmp/workload.log 2>&1
    sleep "$secs"
    kill -INT $fpid 2>/dev/null
    n=0
    while kill -0 $fpid 2>/dev/null && [ $n -lt 100 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -KILL $fpid 2>/dev/null
    wait $fpid
    rc=$?
    ok=1
    [ "$rc" = 0 ] || ok=0
    missing=""
    for re in "$@"; do
        if ! grep -q -E -- "$re" /tmp/out; then
            ok=0
            missing="$missing
  no line matches: $re"
        fi
    done
    if [ $ok = 1 ]; then
        echo "VMTEST PASS ${TOOL_PREFIX:-tool_}$name"
        grep -q 'vmtest.show=1' /proc/cmdline && detail "$script"
    else
        echo "VMTEST FAIL ${TOOL_PREFIX:-tool_}$name"
        detail "$script$missing"
        echo "VMTEST DETAIL BEGIN"
        echo "--- workload"
        head -n 20 /tmp/workload.log
        echo "VMTEST DETAIL END"
    fi
}

setup_all

TIME_RE='[0-9]{2}:[0-9]{2}:[0-9]{2}'

# fathom's tools (/tools), then bpftrace's own kprobe tools, unchanged:
# 0.17's (Debian 12, the classic form) and 0.23's (Debian 13, the current
# form), fetched from Debian's archive by tests/e2e/bpftrace-tools/fetch.sh
# on the host into /bt.  Where the formats agree the same lines are
# expected of all three.
wl_lookups_again() {
    rmdir /tmp/dcsnoop-new-dir 2>/dev/null
    wl_lookups
}
for TOOL_DIR in /tools /bt/0.17 /bt/0.23; do
    case $TOOL_DIR in
    /tools) TOOL_PREFIX=tool_ statx_re='^@\[vfs_statx\]: [0-9]+$' ;;
    *) TOOL_PREFIX=bpftrace-${TOOL_DIR#/bt/}_ statx_re='^@\[vfs_read\]' ;;
    esac
    check_tool vfsstat 1 wl_files \
        '^Tracing key VFS calls\.\.\. Hit Ctrl-C to end\.$' "^$TIME_RE\$" \
        '^@\[vfs_read\]: [0-9]+$' '^@\[vfs_write\]: [0-9]+$' '^@\[vfs_open\]: [0-9]+$'
    check_tool vfscount 0 wl_files \
        '^Tracing VFS calls\.\.\. Hit Ctrl-C to end\.$' \
        '^@\[vfs_read\]: [0-9]+$' '^@\[vfs_write\]: [0-9]+$' '^@\[vfs_open\]: [0-9]+$' "$statx_re"
    # a second before SIGINT: under TCG the last connection's record was
    # once missing when the tool was stopped at once
    check_tool tcpconnect 1 wl_tcp \
        "^$TIME_RE [0-9]+ +nc +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +5555 *\$" \
        "^$TIME_RE [0-9]+ +nc +::1 +[0-9]+ +::1 +5555 *\$"
    check_tool tcpaccept 1 wl_tcp \
        "^$TIME_RE [0-9]+ +nc +::ffff:127\.0\.0\.1 +[0-9]+ +::ffff:127\.0\.0\.1 +5555 +0/[0-9]+\$" \
        "^$TIME_RE [0-9]+ +nc +::1 +[0-9]+ +::1 +5555 +0/[0-9]+\$"
    check_tool tcpretrans 0 wl_syn_lost \
        "^$TIME_RE [0-9]+ +10\.11\.0\.1:[0-9]+ +10\.11\.0\.2:80 +SYN_SENT\$"
    check_tool oomkill 0 wl_oom \
        "^$TIME_RE Triggered by PID [0-9]+ \\(\"dd\"\\), OOM kill of PID [0-9]+ \\(\"dd\"\\), 4096 pages, loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+\$"
    check_tool mdflush 0 wl_md_flush "^$TIME_RE [0-9]+ +dd +md0\$"
    check_tool swapin 1 wl_swap "^$TIME_RE\$" '^@\[dd, [0-9]+\]: [0-9]+$'
    if [ "$TOOL_DIR" = /tools ]; then
        check_tool biolatency-kp 0 wl_block \
            '^@usecs:$' '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$'
        check_tool biosnoop-kp 0 wl_block \
            '^TIME\(ms\) +DISK +T SECTOR +BYTES COMM +PID +LAT\(ms\)$' \
            '^[0-9]+ +loop0 +W 800 +4096 [^ ]+ +[0-9]+ +[0-9]+\.[0-9]{3}$' \
            '^[0-9]+ +loop0 +W 920 +4096 [^ ]+ +[0-9]+ +[0-9]+\.[0-9]{3}$' \
            '^[0-9]+ +loop0 +R 1600 +4096 dd +[0-9]+ +[0-9]+\.[0-9]{3}$'
        # AUDIT: 1 if a denial would be audited
        check_tool capable 0 wl_chown "^$TIME_RE  0 +[0-9]+ +chown +0 +CAP_CHOWN +1\$"
        check_tool dcsnoop 0 wl_lookups \
            '^[0-9]+ +[0-9]+ +cat +R etc$' '^[0-9]+ +[0-9]+ +cat +R passwd$' \
            '^[0-9]+ +[0-9]+ +mkdir +M dcsnoop-new-dir$'
    else
        # a line is two printf records: a close on the other CPU may
        # print between them, so the parts are checked apart. The last
        # close is the workload's last act: a second to print it before
        # Ctrl-C (which prints what is queued for a quarter of a second,
        # short under TCG)
        check_tool tcplife 1 wl_tcp \
            "^[0-9]+ +nc +127\.0\.0\.1 +[0-9]+ +127\.0\.0\.1 +5555 " "^[0-9]+ +nc +::1 +[0-9]+ +::1 +5555 " \
            ' [0-9]+ +[0-9]+ [0-9]+$'
        check_tool tcpsynbl 0 wl_tcp '^@backlog\[[0-9]+\]:$'
        # AUDIT: cap_capable's raw opts argument (0: CAP_OPT_NONE)
        check_tool capable 0 wl_chown "^$TIME_RE  0 +[0-9]+ +chown +0 +CAP_CHOWN +0\$"
        # dcsnoop's own struct nameidata is older than 6.1's: the name
        # it prints may be the rest of the path
        check_tool dcsnoop 0 wl_lookups_again \
            '^[0-9]+ +[0-9]+ +cat +R etc(/passwd)?$' '^[0-9]+ +[0-9]+ +mkdir +M dcsnoop-new-dir$'
    fi
done
# The block I/O accounting functions these kprobe at are inlined in 6.1
# (only blk_account_io_done is left): 0.17's tools stop with an error
# naming the missing functions, as bpftrace 0.17 does, and 0.23's
# biolatency-kp (missing_probes = "ignore") runs with nothing to show.
# check_refused FILE REGEX: fathom FILE exits 1 without attaching, with an
# error matching REGEX.
check_refused() {
    fathom "$1" >/tmp/out 2>/tmp/err
    rc=$?
    if [ "$rc" = 1 ] && grep -q -E -- "$2" /tmp/err && ! grep -q '^Attached' /tmp/err; then
        echo "VMTEST PASS $3"
    else
        echo "VMTEST FAIL $3"
        detail "$1 (exit $rc, expected 1 and an error matching: $2)"
    fi
}
check_refused /bt/0.17/biolatency.bt 'ERROR: kernel function not found \(or not traceable\): __blk_account_io_start' \
    bpftrace-0.17_biolatency
check_refused /bt/0.17/biosnoop.bt 'ERROR: kernel function not found \(or not traceable\): __blk_account_io_start' \
    bpftrace-0.17_biosnoop
TOOL_DIR=/bt/0.23 TOOL_PREFIX=bpftrace-0.23_
check_tool biolatency-kp 0 wl_block '^Tracing block device I/O\.\.\. Hit Ctrl-C to end\.$'
unset TOOL_DIR TOOL_PREFIX
