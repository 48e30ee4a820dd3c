#!/usr/bin/env bash
# uprobe/uretprobe arguments (pt_regs): arg0/arg1 of add(i, 10*i), str(arg0)
# of process_request's string (user memory), retval of uretprobes, func
# and probe. See uprobe_attach.sh for the target; func through a wildcard:
# uprobe_func_wildcard.sh.
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

run_traced "uprobe:$TG:add { printf(\"%d %d\\n\", arg0, arg1); } $END_PROBE"
expect_exit 0
expect_stdout_eq "0 0
1 10
2 20"

run_traced "uretprobe:$TG:add { printf(\"%s = %d\\n\", func, retval); } $END_PROBE"
expect_exit 0
expect_stdout_eq "add = 0
add = 11
add = 22"

run_traced "uprobe:$TG:process_request { printf(\"%s(%s)\\n\", func, str(arg0)); }
            uretprobe:$TG:process_request { printf(\"-> %d\\n\", retval); } $END_PROBE"
expect_exit 0
expect_stdout_eq "process_request(GET /index.html)
-> 150
process_request(POST /form)
-> 100"

# An address: func is the function containing it.
ADDR=0x$(nm "$TG" | awk '$3 == "process_other" { print $1 }' | sed 's/^0*//')
run_traced "uprobe:$TG:$ADDR { printf(\"%s %d\\n\", func, arg0); } $END_PROBE"
expect_exit 0
expect_stdout_eq "process_other 7"
