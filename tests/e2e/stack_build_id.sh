#!/usr/bin/env bash
# ustack(build_id[, N]) and stack_mode = build_id: each user frame prints
# as the 40 hex digits of its ELF file's build id, a space and 0x + the
# offset in that file (bpftrace's format), checked against readelf for the
# traced program's own frame; kstack(build_id) falls back to raw with
# bpftrace's warning. Raw frames are bare hex addresses, unindented.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
require_cmd readelf

gcc -O1 -Wl,--build-id -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")
build_id=$(readelf -n "$TG" | awk '/Build ID:/ { print $3 }')
[ ${#build_id} -eq 40 ] || fail "no build id in $TG"
# add()'s offset in the file: its address in the LOAD segment that holds it.
addr=$((16#$(readelf -sW "$TG" | awk '$8 == "add" { print $2 }')))
offset=
while read -r type off va _ _ memsz _; do
    [ "$type" = LOAD ] || continue
    if [ "$addr" -ge $((va)) ] && [ "$addr" -lt $((va + memsz)) ]; then
        offset=$(printf '%x' $((addr - va + off)))
    fi
done < <(readelf -lW "$TG")
[ -n "$offset" ] || fail "cannot place add() in a LOAD segment"
expected_frame="$build_id 0x$offset"

run_traced() {
    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" >/dev/null ) &
    helper=$!
    fathom_run "$@"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

run_traced -e "uprobe:$TG:add /arg0 == 1/ { print(ustack(build_id, 1)); print(ustack(raw, 1)); exit(); }"
expect_exit 0
# The raw frame is the run-time address, which PIE moves: its shape only.
expect_stdout_match "^$expected_frame\$"
expect_stdout_match '^[0-9a-f]{12}$'
expect_stdout_no_match '^ +[0-9a-f]+$'

# As a map key, with the config block's mode; stacks that differ only
# beyond the limit are one key.
run_traced -e "config = { stack_mode = build_id } uprobe:$TG:add { @[ustack(1)] = count(); } uretprobe:$TG:main { exit(); }"
expect_exit 0
expect_stdout_eq "

@[
$expected_frame
]: 3"

# kstack has no files to name: raw, with bpftrace's warning.
fathom_run -e 'BEGIN { $s = kstack(build_id); exit(); }'
expect_exit 0
expect_stderr_match "^stdin:1:14-30: WARNING: 'build_id' stack mode can only be used for ustack. Falling back to 'raw' mode.\$"

fathom_run -e 'BEGIN { print(ustack(fancy)); }'
expect_exit 1
expect_stderr_match "^stdin:1:22-27: ERROR: unknown stack mode 'fancy'\$"
expect_stderr_match '^HINT: modes are bpftrace, perf, raw and build_id$'

# An empty stack (a kernel thread has no user stack) is just the newline
# every stack starts with, as in bpftrace. One CPU only: two CPUs can both
# switch before exit() takes effect, which printed the line twice.
fathom_run -e 'tracepoint:sched:sched_switch /cpu == 0 && curtask->mm == 0/ { printf("[%s]\n", ustack); exit(); }'
expect_exit 0
expect_stdout_eq '[
]'
