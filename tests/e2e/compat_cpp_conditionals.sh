#!/usr/bin/env bash
# C preprocessor conditionals as bpftrace's cpp pass runs them, for real:
# BPFTRACE_HAVE_BTF is defined on this kernel (it has BTF), so tools take
# their #else branch; a probe in an inactive region is not attached; #define
# feeds later conditionals; nesting and #elif; an unbalanced #endif is an
# error at its line, with the caret.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
[ -e /sys/kernel/btf/vmlinux ] || fail "this test needs kernel BTF"

cat >"$T/cond.bt" <<'BT'
#ifndef BPFTRACE_HAVE_BTF
#include <linux/sched.h>
BEGIN { printf("no btf\n"); }
#else
#define TASK_RUNNING 0
#endif
#define MODE 2

#if MODE == 1
interval:ms:10 { printf("mode one\n"); }
#elif MODE == 2 && defined(TASK_RUNNING)
#ifdef NOT_DEFINED
BEGIN { printf("nested wrong\n"); }
#else
BEGIN { printf("mode two, task running = %d\n", TASK_RUNNING); }
#endif
#else
BEGIN { printf("mode other\n"); }
#endif

interval:ms:100 { exit(); }
BT
fathom_run "$T/cond.bt"
expect_exit 0
expect_stderr_eq 'Attached 2 probes'
expect_stdout_eq 'mode two, task running = 0'

# Errors keep the script's own lines and columns.
printf 'BEGIN { exit(); }\n\n#endif\n' >"$T/bad.bt"
fathom_run "$T/bad.bt"
expect_exit 1
expect_stderr_eq "$T/bad.bt:3:1-7: ERROR: #endif without #if
#endif
~~~~~~
HINT: remove it, or open the region with #if, #ifdef or #ifndef"
# An error after a blanked region is still reported at its own line.
printf '#if 0\nnot a probe at all\n#endif\nBEGIN { $x = nosuch; }\n' >"$T/later.bt"
fathom_run "$T/later.bt"
expect_exit 1
expect_stderr_match "^$T/later\\.bt:4:14-20: ERROR: "

# Directives inside a probe body, as cpp takes them on any line: a
# conditional, a #define (in force from its line on, here and in later
# probes) and the null directive, a lone '#'.
cat >"$T/inblock.bt" <<'BT'
BEGIN {
#ifdef BPFTRACE_HAVE_BTF
	printf("btf\n");
#else
	printf("no btf\n");
#endif
#define STEP 5
#
	@n = STEP;
#undef STEP
#define STEP 6
}
END { printf("%d %d\n", @n, STEP); clear(@n); }
interval:ms:50 { exit(); }
BT
fathom_run "$T/inblock.bt"
expect_exit 0
expect_stdout_eq $'btf\n5 6'

# What cpp would not take there is an error that says what is wrong: a
# '#' comment, an #include.
fathom_run -e 'BEGIN {
  # count the calls
  @c = count();
}'
expect_exit 1
expect_stderr_eq "stdin:2:3-20: ERROR: invalid preprocessing directive: '#' does not start a comment
  # count the calls
  ~~~~~~~~~~~~~~~~~
HINT: comments are // to the end of the line, or /* ... */"
fathom_run -e 'BEGIN {
#include <linux/sched.h>
}'
expect_exit 1
expect_stderr_match '^stdin:2:1-25: ERROR: #include must come before the first probe, with the C definitions$'

# #error in an active region stops the run with its text, as cpp does;
# #warning says its text and goes on; both on any line.
printf '#ifndef BPFTRACE_HAVE_BTF\n#error "this tool needs BTF"\n#endif\n#ifdef BPFTRACE_HAVE_BTF\n#error "needs a kernel without BTF"\n#endif\nBEGIN { exit(); }\n' >"$T/err.bt"
fathom_run "$T/err.bt"
expect_exit 1
expect_stderr_eq "$T/err.bt:5:1-36: ERROR: #error \"needs a kernel without BTF\"
#error \"needs a kernel without BTF\"
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"
fathom_run -e 'BEGIN {
#warning this probe is old
	printf("ran\n"); exit();
}'
expect_exit 0
expect_stdout_eq 'ran'
expect_stderr_match '^stdin:2:1-27: WARNING: #warning this probe is old$'

# #if sees macros as text, as cpp substitutes them before evaluating:
# LEN * 2 is 4 + 4 * 2 = 12 (not 16), through another macro too; a macro
# inside its own body is a plain name there, 0.
fathom_run -e '#define LEN 4 + 4
#define TWICE LEN * 2
#define SELF SELF + 1
#if LEN * 2 == 12 && TWICE == 12
BEGIN { printf("text\n"); }
#endif
#if LEN * 2 == 16
BEGIN { printf("value\n"); }
#endif
#if SELF == 1 && defined(SELF)
BEGIN { printf("self\n"); }
#endif
BEGIN { exit(); }'
expect_exit 0
expect_stdout_eq $'text\nself'

# cpp evaluates only the operands it needs: a division by zero where &&,
# || or ?: do not look is no error; one that is evaluated is named, and
# the conditional it opened still takes its #endif.
cat >"$T/short.bt" <<'BT'
#define DIVISOR 0
#if DIVISOR != 0 && 100 / DIVISOR > 1
BEGIN { printf("divided\n"); }
#elif DIVISOR == 0 || 100 / DIVISOR
BEGIN { printf("guarded %d\n", DIVISOR ? 100 / DIVISOR : 0); }
#endif
BEGIN { exit(); }
BT
fathom_run "$T/short.bt"
expect_exit 0
expect_stdout_eq 'guarded 0'
printf '#define DIVISOR 0\n#if 100 / DIVISOR > 1\nBEGIN { }\n#endif\nBEGIN { exit(); }\n' >"$T/divzero.bt"
fathom_run "$T/divzero.bt"
expect_exit 1
expect_stderr_eq "$T/divzero.bt:2:1-22: ERROR: division by zero in #if
#if 100 / DIVISOR > 1
~~~~~~~~~~~~~~~~~~~~~
HINT: check the divisor, or guard it: #if defined X && 10 / X"
