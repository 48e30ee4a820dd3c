#!/usr/bin/env bash
# Function-like #define macros and object-like ones whose body is an
# expression, as bpftrace 0.17 ran them through the C preprocessor: the
# arguments take the parameters' places, macros in the result are expanded
# in turn (a macro never expands inside itself), and a function-like name
# without '(' is left alone. #undef and a later #define count from their
# line on. Errors point at the macro's use in the script.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/fn.bt" <<'BT'
#define SQ(x) ((x) * (x))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a,b) ((a) > (b) ? (a) : (b))
#define CLAMP(v, lo, hi) MIN(MAX(v, lo), hi)
#define TWICE_PID (pid * 2)
#define TAG "tag"
#define SAY(who, n) printf("%s %s %d\n", TAG, who, n)
#define FIRST(t) (t).0
#define NONE() 42
#define LIMIT 3
#undef LIMIT
#define LIMIT (SQ(2) + 1)
BEGIN /SQ(2) == 4/ {
	print(SQ(3));
	print(SQ(1 + 2));
	@[MIN(pid, 100)] = count();
	@low[MIN(5, 100)] = count();
	print(CLAMP(500, 1, 100));
	print(CLAMP(-5, 1, 100));
	print(TWICE_PID == pid * 2);
	SAY("n", SQ(MIN(4, 5)));
	print(FIRST((7, "x")));
	print(NONE());
	print(LIMIT);
	print(MAX(@low[5], 0));
	exit();
}
BT
fathom_run "$T/fn.bt"
expect_exit 0
expect_stdout_eq $'9\n9\n100\n1\ntrue\ntag n 16\n7\n42\n5\n1\n\n\n@[100]: 1\n@low[5]: 1'

# A wrong number of arguments: the error spans the whole use.
fathom_run -e '#define SQ(x) ((x) * (x))
BEGIN { print(SQ(1, 2)); }'
expect_exit 1
expect_stderr_match '^stdin:2:15-23: ERROR: macro SQ takes 1 argument, but 2 were given$'
expect_stderr_match '^              ~~~~~~~~$'

# A type error inside the expansion points at the use, not the #define.
fathom_run -e '#define SQ(x) ((x) * (x))
BEGIN { print(SQ("a")); }'
expect_exit 1
expect_stderr_match '^stdin:2:1[5-9]-2[0-2]: ERROR: operator .\*. needs integer operands'

# After #undef the name is no macro any more; a macro naming itself stays
# a call of that name.
fathom_run -e '#define SQ(x) ((x) * (x))
#undef SQ
BEGIN { print(SQ(2)); }'
expect_exit 1
expect_stderr_match "^stdin:3:15-20: ERROR: unknown function 'SQ'"
fathom_run -e '#define F(x) F((x) + 1)
BEGIN { print(F(1)); }'
expect_exit 1
expect_stderr_match "^stdin:2:15-19: ERROR: unknown function 'F'"

# A parameter list that is none says what is wrong with it, at the #define.
fathom_run -e '#define ADD(a,) ((a) + 1)
BEGIN { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:1-26: ERROR: macro ADD: expected a parameter name after ','
#define ADD(a,) ((a) + 1)
~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: write #define NAME(a, b) VALUE: names separated by commas, then ')'"
fathom_run -e '#define LOG(fmt, ...) printf(fmt, __VA_ARGS__)
BEGIN { exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:1-[0-9]+: ERROR: macro LOG: variadic parameters \(\.\.\.\) are not supported$'
expect_stderr_match '^HINT: name each parameter: fathom has no variadic macros$'
fathom_run -e '#define PAIR(x, x) ((x) + (x))
BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^stdin:1:1-[0-9]+: ERROR: macro PAIR: parameter 'x' appears twice$"
