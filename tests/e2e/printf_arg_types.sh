#!/usr/bin/env bash
# Each printf argument must suit its conversion, as bpftrace checks at
# compile time: a string for %s (or a value the runtime renders as text:
# stacks, symbols, usernames, addresses), an integer or pointer for
# %d/%u/%x/%c/%p, a buf() for %r. The error is at the argument, names the
# conversion and both kinds in bpftrace's words, and says how to fix it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

require_root

fathom_run -e 'BEGIN { printf("%d\n", "x"); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:24-27: ERROR: printf: %d specifier expects a value of type integer \(string supplied\)$'
expect_stderr_match '^HINT: print strings with %s$'

fathom_run -e 'BEGIN { $n = 5; printf("pid %s\n", $n); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:36-38: ERROR: printf: %s specifier expects a value of type string \(integer supplied\)$'
expect_stderr_match '^HINT: print integers with %d'

# A pointer is an integer: %s wants the string it points to.
fathom_run -e 'tracepoint:syscalls:sys_enter_openat { printf("%s\n", args.filename); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: printf: %s specifier expects a value of type string \(integer supplied\)$'
expect_stderr_match '^HINT: read the string it points to with str\(ptr\)$'

fathom_run -e 'BEGIN { printf("%lx %s\n", 1, (1, "a")); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: printf: %s specifier expects a value of type string \(tuple supplied\)$'

fathom_run -e 'BEGIN { printf("%rx\n", "ab"); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: printf: %rx specifier expects a value of type buffer \(string supplied\)$'
expect_stderr_match '^HINT: print strings with %s$'

fathom_run -e 'BEGIN { printf("%d\n", kstack); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: printf: %d specifier expects a value of type integer \(string supplied\)$'

# Every error is reported, not only the first; errorf and system name
# themselves.
fathom_run -e 'BEGIN { printf("%d %s\n", "a", 1); errorf("%u", comm); exit(); }'
expect_exit 1
expect_stderr_match 'printf: %d specifier expects a value of type integer \(string supplied\)'
expect_stderr_match 'printf: %s specifier expects a value of type string \(integer supplied\)'
expect_stderr_match 'errorf: %u specifier expects a value of type integer \(string supplied\)'

# What fits: strings and text-like values with %s, integers, pointers and
# bools with the integer conversions, enums both ways, char arrays as text,
# buf() with %r.
fathom_run -e 'enum color { RED = 1, BLUE = 2 };
BEGIN {
	$c = (enum color)2;
	printf("%s|%s|%d|%s|%s|%d|%x|%s|%r|%c\n", "str", comm, 7, $c, ksym(0), $c, (uint8 *)255,
	       1 == 1, buf("ab", 2), 65);
	printf("%s|%s\n", username, curtask->comm);
	exit();
}'
expect_exit 0
expect_stdout_match '^str\|fathom\|7\|BLUE\|(0x0|)\|2\|ff\|true\|ab\|A$'
expect_stdout_match '^[a-z_][a-z0-9_-]*\|fathom$'
