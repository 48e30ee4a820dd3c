#!/usr/bin/env bash
# When the kernel refuses a wildcard's uprobe_multi link for a reason other
# than a function it cannot probe (here EPERM: a seccomp policy that
# refuses uprobe_multi links on the target binary, progs/deny_uprobe_multi.c),
# fathom says so and attaches one perf uprobe per function instead, with
# the same shared program (loaded again as a plain one) and cookies: the
# probes fire, `func` and `probe` name each hit's function, functions the
# kernel cannot probe are still skipped, -p still limits to the process,
# and "Attached N" counts what attached.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc pgrep

gcc -O1 -o "$T/target" "$E2E_DIR/progs/multi_target.c" || fail "cannot compile multi_target.c"
gcc -O1 -o "$T/deny" "$E2E_DIR/progs/deny_uprobe_multi.c" || fail "cannot compile deny_uprobe_multi.c"
TG=$(realpath "$T/target")
REAL_FATHOM=$FATHOM
FATHOM=$T/fathom-denied
printf '#!/bin/sh\nexec %q %q %q "$@"\n' "$T/deny" "$TG" "$REAL_FATHOM" >"$FATHOM"
chmod +x "$FATHOM"

# The links fathom holds (the process whose command line starts with it,
# not timeout's or the supervisor's): one line per kind ("link_type: perf"
# / "link_type: uprobe_multi").
links() {
    local pid f
    pid=$(pgrep -n -f "^$REAL_FATHOM -e uprobe:$TG:step_")
    [ -n "$pid" ] || return 1
    for f in /proc/"$pid"/fdinfo/*; do
        grep -h -E '^link_type:' "$f" 2>/dev/null
    done | tr -s '\t ' ' ' | sort | uniq -c | sed 's/^ *//'
}

REFUSED="WARNING: the kernel refused a uprobe_multi link for $TG \(Operation not permitted\): attaching one perf uprobe per function"
SKIPPED="WARNING: the kernel cannot probe 1 function of $TG \(an instruction uprobes do not support\), skipped: step_vex"

: >"$FATHOM_STDERR"
( wait_attached && links >"$T/links"; touch "$T/go"; "$TG" "$T/go" ) &
helper=$!
fathom_run -e "uprobe:$TG:step_* { printf(\"%s %s\\n\", func, probe); } uretprobe:$TG:main { exit(); }"
wait "$helper" || fail "the target failed (fathom never attached, or a probe broke it)"
expect_exit 0
expect_stderr_match "$REFUSED"
expect_stderr_match "$SKIPPED"
# step_one, step_two, step_three and main (step_vex refused, step_evex
# left out when expanding).
expect_stderr_match '^Attached 4 probes$'
expect_stdout_eq "step_one uprobe:$TG:step_one
step_two uprobe:$TG:step_two
step_two uprobe:$TG:step_two
step_three uprobe:$TG:step_three
step_three uprobe:$TG:step_three
step_three uprobe:$TG:step_three"
grep -q 'uprobe_multi' "$T/links" && fail "a uprobe_multi link was created: $(cat "$T/links")"
grep -q '^4 link_type: perf' "$T/links" || fail "not 4 perf event links: $(cat "$T/links")"

# uretprobes: retval and func as map keys.
rm -f "$T/go"
: >"$FATHOM_STDERR"
( wait_attached && touch "$T/go" && "$TG" "$T/go" ) &
helper=$!
fathom_run -e "uretprobe:$TG:step_* { @[func, retval] = count(); } uretprobe:$TG:main { exit(); }"
wait "$helper" || fail "the target failed"
expect_exit 0
expect_stderr_match "$REFUSED"
expect_stderr_match '^Attached 4 probes$'
expect_stdout_match '^@\[step_one, 10\]: 1$'
expect_stdout_match '^@\[step_two, 20\]: 2$'
expect_stdout_match '^@\[step_three, 30\]: 3$'

# -p: only the given process is traced, though another runs the same code.
rm -f "$T/go"
"$TG" "$T/go" &
traced=$!
: >"$FATHOM_STDERR"
( wait_attached && "$TG" && touch "$T/go" ) &
helper=$!
fathom_run -p "$traced" -e "uprobe:$TG:step_* { @[func, pid] = count(); } uretprobe:$TG:main { exit(); }"
wait "$helper" || fail "the untraced run of the target failed"
wait "$traced" || fail "the traced target failed"
expect_exit 0
expect_stderr_match "$REFUSED"
expect_stderr_match '^Attached 4 probes$'
expect_stdout_eq "

@[step_one, $traced]: 1
@[step_two, $traced]: 2
@[step_three, $traced]: 3"
