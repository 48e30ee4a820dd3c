#!/usr/bin/env bash
# `if comptime cond { } else { }`: decided at compile time (cond from
# literals, sizeof, is_str/is_integer/... of macro arguments); only the
# branch taken is checked and compiled, so a fail() in the other one does
# not fire. Also as a value. A condition that needs the probe is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'macro describe(x) { if comptime is_str(x) { printf("string %s\n", x); } else if comptime is_integer(x) { printf("int %d\n", x); } else { fail("unsupported"); } }
BEGIN { describe("a"); describe(5); $v = if comptime sizeof(int16) == 2 { "two" } else { "other" }; print($v); if comptime (1 > 2) { fail("never"); } exit(); }'
expect_exit 0
expect_stdout_eq $'string a\nint 5\ntwo'

fathom_run -e 'macro m(x) { if comptime is_str(x) { 1 } else { fail("m() wants a string") } } BEGIN { print(m(3)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:94-98: ERROR: m() wants a string
macro m(x) { if comptime is_str(x) { 1 } else { fail("m() wants a string") } } BEGIN { print(m(3)); }
                                                                                             ~~~~
stdin:1:49-75: ERROR: expanded from
macro m(x) { if comptime is_str(x) { 1 } else { fail("m() wants a string") } } BEGIN { print(m(3)); }
                                                ~~~~~~~~~~~~~~~~~~~~~~~~~~'

# comptime binds to the unary expression after it (bpftrace's grammar:
# COMPTIME unary_expr), so here it is `(comptime pid) > 0`
fathom_run -e 'BEGIN { if comptime pid > 0 { print(1); } }'
expect_exit 1
expect_stderr_eq "stdin:1:21-24: ERROR: comptime needs a value known when the script is compiled
BEGIN { if comptime pid > 0 { print(1); } }
                    ~~~
HINT: use literals, sizeof/offsetof and type questions such as is_str(x)"

# fail()'s message is formatted as printf formats: a stray '%' is text,
# flags and widths apply, and a conversion that cannot take a literal
# (or is refused everywhere, like %n) is an error, never handed to libc.
fathom_run -e 'BEGIN { fail("bad %s: %q|%-3x|%c|%%|%05d|100%", "value", 255, 65, 42); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-[0-9]+: ERROR: bad value: %q\|ff \|A\|%\|00042\|100%$'
fathom_run -e 'BEGIN { fail("x %n", 1); }'
expect_exit 1
expect_stderr_match "^stdin:1:14-20: ERROR: conversion '%n' is not supported$"
fathom_run -e 'BEGIN { fail("x %p", 1); }'
expect_exit 1
expect_stderr_match "^stdin:1:22: ERROR: fail\\(\\): the conversion '%p' cannot format a literal at compile time$"
