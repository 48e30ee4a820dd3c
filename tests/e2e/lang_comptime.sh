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
expect_stderr_eq 'stdin:1:49-75: ERROR: m() wants a string
macro m(x) { if comptime is_str(x) { 1 } else { fail("m() wants a string") } } BEGIN { print(m(3)); }
                                                ~~~~~~~~~~~~~~~~~~~~~~~~~~
stdin:1:94-98: ERROR: expanded from
macro m(x) { if comptime is_str(x) { 1 } else { fail("m() wants a string") } } BEGIN { print(m(3)); }
                                                                                             ~~~~'

# comptime binds to the unary expression after it (bpftrace's grammar:
# COMPTIME unary_expr), so here it is `(comptime pid) > 0`
fathom_run -e 'BEGIN { if comptime pid > 0 { print(1); } }'
expect_exit 1
expect_stderr_eq "stdin:1:21-24: ERROR: comptime needs a value known when the script is compiled
BEGIN { if comptime pid > 0 { print(1); } }
                    ~~~
HINT: use literals, sizeof/offsetof and type questions such as is_str(x)"

# fail()'s message is formatted as printf formats: a stray '%' is text,
# flags and widths apply, and a conversion refused everywhere (like %n)
# is an error, never handed to libc.
fathom_run -e 'BEGIN { fail("bad %s: %q|%-3x|%c|%%|%05d|100%", "value", 255, 65, 42); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-[0-9]+: ERROR: bad value: %q\|ff \|A\|%\|00042\|100%$'
fathom_run -e 'BEGIN { fail("x %n", 1); }'
expect_exit 1
expect_stderr_match "^stdin:1:14-20: ERROR: conversion '%n' is not supported$"
# The same renderer as printf(): %p, %u of a negative, %lu, %c and %s of a
# bool print what printf() prints for the same values at run time.
fathom_run -e 'BEGIN { fail("%p|%u|%lu|%d|%c|%s|%x", 16, -1, -1, -5, 66, true, 255); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-[0-9]+: ERROR: 0x10\|4294967295\|18446744073709551615\|-5\|B\|true\|ff$'
fathom_run -e 'BEGIN { printf("%p|%u|%lu|%d|%c|%s|%x\n", 16, -1, -1, -5, 66, true, 255); exit(); }'
expect_exit 0
expect_stdout_match '^0x10\|4294967295\|18446744073709551615\|-5\|B\|true\|ff$'
# bpftrace folds literal arithmetic before it checks fail(), so an
# expression of constants is a literal there too
fathom_run -e 'BEGIN { fail("%d %d %d", -(2 + 3), 1 << 4, sizeof(uint32)); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-[0-9]+: ERROR: -5 16 4$'
fathom_run -e 'BEGIN { fail("%d and %d", 1); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-[0-9]+: ERROR: fail: Not enough arguments for format string \(1 supplied, 2 expected\)$'
fathom_run -e 'BEGIN { fail("%d", 1, 2); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-[0-9]+: ERROR: fail: Too many arguments for format string \(2 supplied, 1 expected\)$'
