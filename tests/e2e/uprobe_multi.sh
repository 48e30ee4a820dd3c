#!/usr/bin/env bash
# Wildcard uprobes share one program and one uprobe_multi link (this
# kernel has them): fathom holds one BPF program and one link of type
# uprobe_multi for three functions, and `probe`, `func` and retval still
# name the function of each hit (the link's cookie). Functions the kernel
# cannot probe are skipped with a warning: a VEX-encoded first instruction
# (refused by the kernel) and an EVEX one (single-stepped wrongly: only
# with --unsafe); named alone, the EVEX one is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -O1 -o "$T/target" "$E2E_DIR/progs/multi_target.c" || fail "cannot compile multi_target.c"
TG=$(realpath "$T/target")


# The BPF objects fathom (found by its unique script text) holds: one line
# per program or link fd ("prog_type: 2" / "link_type: uprobe_multi").
bpf_objects() {
    local pid f
    pid=$(pgrep -n -f "$TG:step_")
    [ -n "$pid" ] || return 1
    for f in /proc/"$pid"/fdinfo/*; do
        grep -h -E '^(link_type|prog_type):' "$f" 2>/dev/null
    done | tr -s '\t ' ' ' | sort | uniq -c | sed 's/^ *//'
}

: >"$FATHOM_STDERR"
( wait_attached && bpf_objects >"$T/objects"; touch "$T/go"; "$TG" "$T/go" ) &
helper=$!
fathom_run -e "uprobe:$TG:step_* { printf(\"%s %s\\n\", func, probe); } uretprobe:$TG:main { exit(); }"
wait "$helper" || fail "the target failed (fathom never attached, or a probe broke it)"
expect_exit 0
# step_one, step_two, step_three and main; step_vex is skipped when
# attaching (the kernel refuses it) and step_evex when expanding.
expect_stderr_match '^Attached 4 probes$'
expect_stdout_eq "step_one uprobe:$TG:step_one
step_two uprobe:$TG:step_two
step_two uprobe:$TG:step_two
step_three uprobe:$TG:step_three
step_three uprobe:$TG:step_three
step_three uprobe:$TG:step_three"
# step_* (4 functions) and main: two programs, one uprobe_multi link.
grep -q '^1 link_type: uprobe_multi$' "$T/objects" || fail "no single uprobe_multi link: $(cat "$T/objects")"
grep -q '^2 prog_type: 2$' "$T/objects" || fail "not two kprobe-type programs: $(cat "$T/objects")"

# uretprobes, func as a map key, and the skipped functions.
rm -f "$T/go"
: >"$FATHOM_STDERR"
( wait_attached && touch "$T/go" && "$TG" "$T/go" ) &
helper=$!
fathom_run -e "uretprobe:$TG:step_* { @[func, retval] = count(); } uretprobe:$TG:main { exit(); }"
wait "$helper" || fail "the target failed"
expect_exit 0
expect_stderr_match "WARNING: 1 function of $TG \('step_evex'\) starts with an AVX-512 \(EVEX\) instruction"
expect_stderr_match "WARNING: the kernel cannot probe 1 function of $TG \(an instruction uprobes do not support\), skipped: step_vex"
expect_stdout_match '^@\[step_one, 10\]: 1$'
expect_stdout_match '^@\[step_two, 20\]: 2$'
expect_stdout_match '^@\[step_three, 30\]: 3$'

fathom_run -e "uprobe:$TG:step_evex { }"
expect_exit 1
expect_stderr_match "ERROR: 'step_evex' starts with an AVX-512 \(EVEX\) instruction"
expect_stderr_match "^HINT: --unsafe probes it anyway$"
