#!/usr/bin/env bash
# #define bodies other than numbers, used as values: bpftrace puts the body
# in the identifier's place, so a string literal is a string (also as
# printf's format), true/false a bool, and a name the builtin or #define it
# names. A #define reaching itself again is an error, not a hang.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e '#define GREETING "hello"
#define ALIAS GREETING
#define ON true
#define WHO comm
#define LIMIT MAX
#define MAX 7
#define FMT "%s/%s %d %s %d\n"
BEGIN { printf(FMT, GREETING, ALIAS, ON, WHO, LIMIT); $s = GREETING; @m[GREETING] = $s; exit(); }'
expect_exit 0
expect_stdout_eq $'hello/hello 1 fathom 7\n\n\n@m[hello]: hello'

# A longer string in a variable typed by the #define's shorter one.
fathom_run -e '#define SHORT "ab"
BEGIN { $s = SHORT; $s = "abcdef"; printf("%s\n", $s); exit(); }'
expect_exit 0
expect_stdout_eq 'abcdef'

fathom_run -e '#define PING PONG
#define PONG PING
BEGIN { print(PING); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:3:15-19: ERROR: Macro recursion: PING->PONG->PING$'

fathom_run -e '#define BAD "a\q"
BEGIN { print(BAD); exit(); }'
expect_exit 1
expect_stderr_match '^BAD:1:3-5: ERROR: invalid escape character$'
expect_stderr_no_match 'unknown identifier'

# Bodies that name a map or a variable take the name's place as cpp puts
# them there: M[1] = 2 writes @m, X is $x (also as an assignment target).
fathom_run -e '#define M @m
#define X $x
#define BUMP(k) M[k] = M[k] + X
BEGIN { X = 5; M[1] = 2; BUMP(1); print(M); printf("x=%d\n", X); clear(M); exit(); }'
expect_exit 0
expect_stdout_eq $'@m[1]: 7\nx=5'

# A #define takes effect from its line on: above it the name is unknown.
fathom_run -e 'BEGIN { print(LATE);
#define LATE 1
}'
expect_exit 1
expect_stderr_match "^stdin:1:15-19: ERROR: unknown identifier 'LATE'$"
