#!/usr/bin/env bash
# A process whose program exists only in its own mount namespace (a tmpfs
# mounted there): -l -p PID lists its probes through /proc/PID/root, and a
# uprobe or usdt probe on the path as the process sees it attaches with
# -p PID (bpftrace's "separate mount namespace" tests). The target is
# tests/e2e/progs/usdt_loop.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd unshare
build_target usdt_loop usdt_loop
DIR="$T/private"
mkdir -p "$DIR"
unshare -m --propagation private sh -c \
    "mount -t tmpfs none '$DIR' && cp '$T/usdt_loop' '$DIR/' && exec '$DIR/usdt_loop'" &
target=$!
at_exit kill "$target"
for _ in $(seq 50); do
    grep -q "$DIR/usdt_loop" "/proc/$target/maps" 2>/dev/null && break
    sleep 0.1
done
grep -q "$DIR/usdt_loop" "/proc/$target/maps" || fail "the target did not start in its namespace"
[ -e "$DIR/usdt_loop" ] && fail "the target's program is visible outside its namespace"

fathom_run -l 'usdt:*:prov_a:*' -p "$target"
expect_exit 0
expect_stdout_eq "usdt:/proc/$target/root$DIR/usdt_loop:prov_a:probe2"

fathom_run -e "uprobe:$DIR/usdt_loop:main { exit(); } usdt:$DIR/usdt_loop:prov_b:probe2 { printf(\"%d %s\\n\", arg0, probe); exit(); }" -p "$target"
expect_exit 0
expect_stdout_eq "2 usdt:/proc/$target/root$DIR/usdt_loop:prov_b:probe2"

# Without -p the path does not exist here.
fathom_run -e "uprobe:$DIR/usdt_loop:main { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: uprobe target file '$DIR/usdt_loop' does not exist"
