#!/usr/bin/env bash
# Block expressions: one that ends in a value gives it ($x = { printf(); 1 }),
# one that ends in a call returning nothing is fine as a statement but not
# as a value (an error at the block, not "this()" or a codegen failure),
# and a ternary statement whose branches are such blocks is an if/else.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { $x = { printf("a\n"); 1 }; print($x); { printf("b\n") } { { printf("c\n") } }
  let $a = { let $b = 2; $b }; print($a);
  $c = 1; $c == 1 ? { printf("then\n") } : { printf("else\n") }; $c == 2 ? printf("x\n") : { $z = 3; printf("y %d\n", $z) };
  exit(); }'
expect_exit 0
expect_stdout_eq $'a\n1\nb\nc\n2\nthen\ny 3'

fathom_run -e 'BEGIN { $x = { printf("a\n") }; exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:14-31: ERROR: this block has no value: printf(), which ends it, does not return one
BEGIN { $x = { printf("a\n") }; exit(); }
             ~~~~~~~~~~~~~~~~~
HINT: end the block with the value it gives, without a '"';'"' after it: { ...; $v }'

fathom_run -e 'BEGIN { print({ printf("a\n"); }); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:15-33: ERROR: this block has no value: it ends with a statement, not an expression$'
expect_stderr_no_match 'cannot be used as a number'
