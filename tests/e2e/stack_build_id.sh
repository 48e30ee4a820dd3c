#!/usr/bin/env bash
# ustack(build_id) and stack_mode = build_id, as current bpftrace prints
# them: after a newline, each frame of a file with a build id as the id in
# hex, " 0x" and the offset in the file (at least two hex digits); the
# stack map is a BPF_F_STACK_BUILD_ID one. Kernel stacks have no build
# id mode (an error with a hint); config stack_mode = build_id leaves
# kstack symbolised. An empty stack prints as a lone newline.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc readelf

gcc -g -O1 -Wl,--build-id -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")
BID=$(readelf -n "$TG" | awk '/Build ID:/ { print $3 }')
[ -n "$BID" ] || fail "the test program has no build id"

run_traced() {
    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" >/dev/null ) &
    local helper=$!
    fathom_run -e "$1"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

run_traced "uprobe:$TG:add { printf(\"[%s]\\n\", ustack(build_id, 1)); exit(); }"
expect_exit 0
expect_stdout_eq "[
$BID 0x$(printf '%x' "0x$(nm "$TG" | awk '$3 == "add" { print $1 }')" | sed 's/^\(.\)$/0\1/')
]"

run_traced "config = { stack_mode = build_id } uprobe:$TG:add { @[ustack(1), kstack(1)] = count(); exit(); }"
expect_exit 0
expect_stdout_match "^$BID 0x[0-9a-f]{2,}\$"
expect_stdout_no_match '^        [0-9a-f]+$'

fathom_run -e 'begin { printf("%s\n", kstack(build_id)); }'
expect_exit 1
expect_stderr_match '^stdin:1:31-39: ERROR: build_id mode is only for user stacks$'
expect_stderr_match '^HINT: use ustack\(build_id\), or kstack\(raw\) for addresses$'

# an empty stack (a kernel thread has no user stack) is just the newline
# every stack starts with, as in bpftrace
fathom_run -e 'tracepoint:sched:sched_switch /curtask->mm == 0/ { printf("[%s]\n", ustack); exit(); }'
expect_exit 0
expect_stdout_eq '[
]'
