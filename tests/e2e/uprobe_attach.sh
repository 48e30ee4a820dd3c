#!/usr/bin/env bash
# uprobe / uretprobe (u / ur): attach by absolute path, relative path,
# library name (libc) and address; wildcards; canonical probe names. The
# target program (tests/e2e/progs/uprobe_target.c) is started once fathom
# has attached: it calls add(i, 10*i) for i = 0..2, process_request() twice,
# process_other(7) once and getpid(), then exits. Only comm, pid and probe
# are used here (arguments: uprobe_args.sh).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc nm

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")


# run_traced SCRIPT: run fathom; once attached, run the target (its stdout
# in $T/target.out). The script ends itself (uretprobe on main: exit()).
run_traced() {
    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" >"$T/target.out" ) &
    helper=$!
    fathom_run -e "$1"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

END_PROBE="uretprobe:$TG:main { exit(); }"

run_traced "uprobe:$TG:add { printf(\"%s %s\\n\", comm, probe); } $END_PROBE"
expect_exit 0
expect_stderr_eq "Attached 2 probes"
expect_stdout_eq "target uprobe:$TG:add
target uprobe:$TG:add
target uprobe:$TG:add"

# Aliases, a wildcard (one instance per function), a uretprobe.
run_traced "u:$TG:pro* { printf(\"%s\\n\", probe); } ur:$TG:add { printf(\"ret %s\\n\", probe); } $END_PROBE"
expect_exit 0
expect_stderr_eq "Attached 4 probes"
expect_stdout_eq "ret uretprobe:$TG:add
ret uretprobe:$TG:add
ret uretprobe:$TG:add
uprobe:$TG:process_request
uprobe:$TG:process_request
uprobe:$TG:process_other"

# A relative path works; the probe keeps the path as written (as in
# bpftrace, whose probe_builtin_string_compare test expects
# "uprobe:testprogs/uprobe_test:uprobeFunction2").
pushd "$T" >/dev/null || fail "cd $T"
run_traced "uprobe:./target:process_other { printf(\"%s\\n\", probe); } ur:../${T##*/}/target:main { exit(); }"
popd >/dev/null || fail "cd -"
expect_exit 0
expect_stdout_eq "uprobe:./target:process_other"

# A library by name, resolved like the dynamic loader does.
LIBC=$(realpath "$(ldconfig -p | awk '/libc\.so\.6 \(libc6,x86-64\)/ { print $NF; exit }')")
[ -f "$LIBC" ] || fail "cannot find libc.so.6 with ldconfig -p"
run_traced "uprobe:libc:getpid /comm == \"target\"/ { printf(\"%s\\n\", probe); } $END_PROBE"
expect_exit 0
expect_stdout_eq "uprobe:$LIBC:getpid"

# An address (from the symbol table) instead of a function name, and
# FUNCTION+OFFSET.
ADDR=0x$(nm "$TG" | awk '$3 == "add" { print $1 }' | sed 's/^0*//')
run_traced "uprobe:$TG:$ADDR { printf(\"%s\\n\", probe); } uprobe:$TG:process_other+0 { printf(\"%s\\n\", probe); } $END_PROBE"
expect_exit 0
expect_stdout_eq "uprobe:$TG:$ADDR
uprobe:$TG:$ADDR
uprobe:$TG:$ADDR
uprobe:$TG:process_other+0"
