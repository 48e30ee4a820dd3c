#!/usr/bin/env bash
# `func` in a wildcard uprobe: each instance (each function) has its own
# name, although they share one probe body. See uprobe_attach.sh for the
# target.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")


run_traced() {
    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" >"$T/target.out" ) &
    helper=$!
    fathom_run -e "$1"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

END_PROBE="uretprobe:$TG:main { exit(); }"

# func names each function of a wildcard.
run_traced "uprobe:$TG:process_* { printf(\"%s %s\\n\", func, probe); } $END_PROBE"
expect_exit 0
expect_stdout_eq "process_request uprobe:$TG:process_request
process_request uprobe:$TG:process_request
process_other uprobe:$TG:process_other"

# func compared, and as a map key.
run_traced "uprobe:$TG:process_* /func == \"process_other\"/ { printf(\"%s\\n\", probe); } uprobe:$TG:add,uprobe:$TG:process_* { @[func] = count(); } $END_PROBE"
expect_exit 0
expect_stdout_eq "uprobe:$TG:process_other


@[process_other]: 1
@[process_request]: 2
@[add]: 3"
