#!/usr/bin/env bash
# Several uprobes, uretprobes or USDT probes on one place run in the order
# the script declares them. The kernel runs the newest consumer of a
# uprobe first, so fathom attaches them last to first.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the uprobe target"
gcc -g -o "$T/usdt" "$E2E_DIR/progs/usdt_target.c" || fail "cannot compile the USDT target"
TG=$(realpath "$T/target")
US=$(realpath "$T/usdt")

# run_with CMD PROGRAM: run PROGRAM, and CMD once its probes are attached
run_with() {
    : >"$FATHOM_STDERR"
    ( wait_attached && eval "$1" >/dev/null ) &
    helper=$!
    fathom_run -e "$2"
    wait "$helper" || fail "the target did not run (fathom never attached?)"
}

for kind in uprobe uretprobe; do
    run_with '"$TG"' "$kind:$TG:add { printf(\"first \"); } $kind:$TG:add { printf(\"second \"); }
                      $kind:$TG:add { printf(\"third\\n\"); } uretprobe:$TG:main { exit(); }"
    expect_exit 0
    expect_stdout_eq "first second third
first second third
first second third"
done

# Mixed with probes of other kinds: the uprobes keep the script's order.
run_with '"$TG"' "interval:s:5 { exit(); } uprobe:$TG:add { printf(\"a\"); }
                  tracepoint:syscalls:sys_enter_reboot { printf(\"x\"); }
                  uprobe:$TG:add { printf(\"b\\n\"); } uretprobe:$TG:main { exit(); }"
expect_exit 0
expect_stdout_eq "ab
ab
ab"

run_with '"$US"' "usdt:$US:fathom_test:tick { printf(\"first \"); }
                  usdt:$US:fathom_test:tick { printf(\"second\\n\"); }
                  uretprobe:$US:main { exit(); }"
expect_exit 0
expect_stdout_eq "first second
first second
first second"
