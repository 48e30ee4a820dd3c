#!/usr/bin/env bash
# tools/biosnoop.bt, run unchanged: each 64 KiB direct write of fthdd is
# one line: its disk, type (W), sector, size, process, PID and latency.  Stopped with
# SIGINT.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"

# run_tool SECS WORKLOAD ARGS...: fathom ARGS, WORKLOAD once attached,
# SIGINT after SECS seconds.
run_tool() {
    local secs=$1 workload=$2 wl
    shift 2
    : >"$FATHOM_STDERR"
    ( wait_attached && sleep 0.2 && "$workload" ) >"$T/workload.log" 2>&1 &
    wl=$!
    fathom_run_interrupted "$secs" "$@"
    WORKLOAD_STATUS=0
    wait "$wl" || WORKLOAD_STATUS=$?
}

# Direct I/O from fthdd (a copy of dd) to a file in $T reaches the disk
# as 8 write requests of 64 KiB, issued in fthdd's own context.
cp /bin/dd "$T/fthdd" || fail "cannot copy /bin/dd"
disk=$(stat -c '%Hd:%Ld' "$T") || fail "cannot stat $T"
[ "${disk%%:*}" != 0 ] || fail "$T is not on a block device ($disk): set TMPDIR to a disk-backed directory"
# The whole disk's name (the kernel's gendisk), also for a partition.
sysdev=$(readlink -f "/sys/dev/block/$disk") || fail "no /sys/dev/block/$disk"
[ -e "$sysdev/partition" ] && sysdev=$(dirname "$sysdev")
diskname=$(basename "$sysdev")
dd_workload() {
    "$T/fthdd" if=/dev/zero of="$T/fthdata" bs=64k count=8 oflag=direct conv=fsync 2>/dev/null
}
# map_block NAME: the lines of map NAME's histogram in stdout.
map_block() {
    awk -v h="$1:" '$0 == h { on = 1; next } on && $0 == "" { exit } on' "$FATHOM_STDOUT"
}

workload() {
    ( echo "$BASHPID" >"$T/pid"; exec "$T/fthdd" if=/dev/zero of="$T/fthdata" bs=64k count=8 oflag=direct conv=fsync 2>/dev/null )
}
run_tool 2 workload tools/biosnoop.bt
expect_exit 0
expect_stderr_match '^Attached 4 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
pid=$(cat "$T/pid")
[ "$(head -n 1 "$FATHOM_STDOUT")" = "TIME(ms)     DISK       T SECTOR         BYTES COMM             PID       LAT(ms)" ] \
    || fail "the header is not the first line"
n=$(grep -c -E "^[0-9]+ +$diskname +W [0-9]+ +65536 fthdd +$pid +[0-9]+\.[0-9]{3}\$" "$FATHOM_STDOUT")
[ "$n" -ge 8 ] || fail "expected >= 8 lines of 65536-byte writes by fthdd ($pid), found $n"
expect_stdout_no_match '^@'
