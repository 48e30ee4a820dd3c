#!/usr/bin/env bash
# tools/bitesize.bt, run unchanged: the 64 KiB direct writes of fthdd
# show as 8 requests in the [64K, 128K) bucket.  Stopped with
# SIGINT; the histograms are printed at exit.
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
# shellcheck disable=SC2034  # not every block test needs it
diskname=$(basename "$sysdev")
dd_workload() {
    "$T/fthdd" if=/dev/zero of="$T/fthdata" bs=64k count=8 oflag=direct conv=fsync 2>/dev/null
}
# map_block NAME: the lines of map NAME's histogram in stdout.
map_block() {
    awk -v h="$1:" '$0 == h { on = 1; next } on && $0 == "" { exit } on' "$FATHOM_STDOUT"
}

run_tool 2 dd_workload tools/bitesize.bt
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
[ "$WORKLOAD_STATUS" = 0 ] || fail "workload failed: $(cat "$T/workload.log")"
expect_stdout_match '^Tracing block device I/O\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^I/O size \(bytes\) histograms by process name:$'
expect_stdout_match '^@\[[^]]+\]:$'
# The requests are issued in fthdd's context unless the disk's queue is
# busy, when blk-mq dispatches some from kblockd or from whichever process
# runs the queue: so the 8 requests are counted over every histogram.
n=$(sed -n 's/^\[64K, 128K) *\([0-9]*\) |@* *|$/\1/p' "$FATHOM_STDOUT" | awk '{ n += $1 } END { print n + 0 }')
[ "$n" -ge 8 ] || fail "the histograms should count >= 8 requests in [64K, 128K), have '$n'"
