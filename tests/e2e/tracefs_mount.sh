#!/usr/bin/env bash
# fathom mounts tracefs itself when it is not mounted: with tracefs
# unmounted from /sys/kernel/tracing (and /sys/kernel/debug/tracing), a
# tracepoint program still attaches and traces, and -l still lists.
# tracefs is left mounted at /sys/kernel/tracing afterwards in any case.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd mount umount mountpoint

tracefs_mounted() { grep -q -E '^[^ ]+ /sys/kernel/tracing tracefs ' /proc/mounts; }
remount() {
    tracefs_mounted || mount -t tracefs -o nosuid,nodev,noexec tracefs /sys/kernel/tracing
}
at_exit remount

# unmount_all: unmount every tracefs under /sys/kernel (lazily if busy).
unmount_all() {
    local mp
    for mp in /sys/kernel/debug/tracing /sys/kernel/tracing; do
        while grep -q -E "^[^ ]+ $mp tracefs " /proc/mounts; do
            umount "$mp" 2>/dev/null || umount -l "$mp" || fail "cannot unmount $mp"
        done
    done
    [ ! -e /sys/kernel/tracing/events ] || fail "tracefs still visible after unmounting"
}

cp /bin/cat "$T/fthwork" || fail "cannot copy /bin/cat"
echo data >"$T/file"

# 1. A tracepoint program.
remount
unmount_all
: >"$FATHOM_STDERR"
( wait_attached && for i in 1 2 3; do "$T/fthwork" "$T/file" >/dev/null; sleep 0.05; done ) &
wl=$!
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /comm == "fthwork"/ { printf("%s\n", str(args->filename)); }
interval:ms:700 { exit(); }'
wait "$wl"
remount
expect_exit 0
expect_stderr_eq "Attached 2 probes"
n=$(grep -c -x -F "$T/file" "$FATHOM_STDOUT")
[ "$n" = 3 ] || fail "expected 3 lines '$T/file', got $n"

# 2. Listing.
unmount_all
fathom_run -l 'tracepoint:syscalls:sys_enter_openat'
remount
expect_exit 0
expect_stdout_eq "tracepoint:syscalls:sys_enter_openat"

tracefs_mounted || fail "tracefs is not mounted at /sys/kernel/tracing at the end"
