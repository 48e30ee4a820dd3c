#!/usr/bin/env bash
# A stack kept in a map or a variable is the stack of the moment it was
# stored: printing it later (printf %s, print(), a copy in a variable or a
# tuple) shows that stack, not the one of the probe that prints it.
# Targets: progs/uprobe_target.c (main calls add, then process_other) and
# cat's openat (kernel stacks differ between sys_enter and sys_exit).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
# frame pointers, so the user stack reaches main
gcc -O0 -fno-omit-frame-pointer -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the target"
cd "$T" || fail "cannot cd to $T"

fathom_run -c ./target -e '
uprobe:./target:add /!@once/ { @once = 1; @u = ustack; @t = (ustack, 5); }
uprobe:./target:process_other {
	printf("STORED%s", @u);
	$copy = @u;
	printf("COPY%s", $copy);
	$t = @t;
	printf("TUPLE%s", $t.0);
	printf("NOW%s", ustack);
	clear(@u); clear(@t); clear(@once);
	exit();
}'
expect_exit 0
# one line per section header, then its frames
awk '/^(STORED|COPY|TUPLE|NOW)/ { s = $0 } /add\+0|process_other\+0/ { print s, $1 }' "$FATHOM_STDOUT" >"$T/tops"
[ "$(cat "$T/tops")" = "STORED add+0
COPY add+0
TUPLE add+0
NOW process_other+0" ] || fail "stored user stacks were taken again: $(cat "$T/tops")"

# kstack: stored at sys_enter_openat, printed at sys_exit_openat, it is
# the stack printed at sys_enter.
fathom_run -c 'cat /dev/null' -e '
tracepoint:syscalls:sys_enter_openat /pid == cpid/ { @k[tid] = kstack; $v = kstack; @v[tid] = $v; printf("ENTER%s|\n", kstack); }
tracepoint:syscalls:sys_exit_openat /pid == cpid/ { printf("STORED%s|\n", @k[tid]); $c = @v[tid]; printf("COPY%s|\n", $c); printf("EXIT%s|\n", kstack); delete(@k[tid]); delete(@v[tid]); }'
expect_exit 0
section() { awk -v want="$1" 'index($0, want) == 1 { on = 1; sub(want, "") } on { print } /\|$/ { if (on) exit }' "$FATHOM_STDOUT"; }
enter=$(section ENTER)
[ -n "$(echo "$enter" | tr -d ' \n|')" ] || fail "no kernel stack at sys_enter_openat"
[ "$(section STORED)" = "$enter" ] || fail "the stored kstack is not the one of sys_enter: $(section STORED)"
[ "$(section EXIT)" != "$enter" ] || fail "sys_exit's stack equals sys_enter's: the test cannot tell them apart"
[ "$(section COPY)" = "$enter" ] || fail "the kstack copied through a variable and a map is not sys_enter's: $(section COPY)"
