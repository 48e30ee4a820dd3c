#!/usr/bin/env bash
# Two probes on one user location run in the script's order, as in
# bpftrace's uprobe_order/uretprobe_order/usdt_order tests ("first second"):
# the kernel runs a uprobe's consumers newest first, so fathom attaches
# user probes last to first. The same usdt probe in two blocks counts as
# two probes. The target is tests/e2e/progs/usdt_loop.c (calls usleep).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_sdt
build_target usdt_loop usdt_loop
cd "$T" || fail "cannot cd to $T"

for kind in uprobe uretprobe; do
    fathom_run -e "$kind:libc:usleep { printf(\"first\"); } $kind:libc:usleep { printf(\" second\\n\"); exit(); }" -c ./usdt_loop
    expect_exit 0
    expect_stdout_eq "first second"
done

fathom_run -e 'usdt:./usdt_loop:prov_a:probe2 { printf("first"); }
               usdt:./usdt_loop:prov_a:probe2 { printf(" second\n"); exit(); }' -c ./usdt_loop
expect_exit 0
expect_stdout_eq "first second"
expect_stderr_eq "Attached 2 probes"

# Mixed with a tracepoint and a uprobe in between: still in order.
fathom_run -e 'uprobe:libc:usleep { printf("1"); } tracepoint:syscalls:sys_enter_nanosleep { printf("t"); }
               uprobe:libc:usleep { printf("2"); } uprobe:libc:usleep { printf("3\n"); exit(); }' -c ./usdt_loop
expect_exit 0
expect_stdout_eq "123"
