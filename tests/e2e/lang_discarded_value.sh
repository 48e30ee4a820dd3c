#!/usr/bin/env bash
# An expression statement whose value nobody reads gets bpftrace's
# "Return value discarded." warning at its place; calls whose value is void
# (print, printf, exit, ...), ++/--, delete() and `_ = expr;` stay quiet.
# The script still runs.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { @a[1] = 1; $x = 1;
  has_key(@a, 1);
  $x + 1;
  { 7 }
  _ = has_key(@a, 2);
  $x++; @a[2]++; delete(@a, 2); print(@a[1]); printf("x=%d\n", $x); clear(@a);
  exit(); }'
expect_exit 0
expect_stdout_match '^x=2$'
expect_stderr_match '^stdin:2:3-17: WARNING: Return value discarded\.$'
expect_stderr_match '^  has_key\(@a, 1\);$'
expect_stderr_match '^  ~~~~~~~~~~~~~~$'
expect_stderr_match '^stdin:3:3-9: WARNING: Return value discarded\.$'
expect_stderr_match '^stdin:4:5: WARNING: Return value discarded\.$'
[ "$(grep -c 'WARNING' "$FATHOM_STDERR")" = 3 ] || fail "expected exactly 3 warnings"

# Statements whose values are all used or void: no warning at all.
fathom_run -e 'BEGIN { $x = 1; _ = $x + 1; $x--; printf("%d\n", $x); exit(); }'
expect_exit 0
expect_stdout_eq '0'
expect_stderr_no_match 'WARNING'

# Discarded values that live in memory (a string, a tuple, a stack, a
# block ending in one) warn too and still run: the block prints.
fathom_run -e 'BEGIN { comm; str(comm); "abc"; (1, "a"); kstack; { printf("in\n"); "x" }; exit(); }'
expect_exit 0
expect_stdout_eq 'in'
[ "$(grep -c 'WARNING: Return value discarded' "$FATHOM_STDERR")" = 6 ] || fail "expected 6 discarded-value warnings"
expect_stderr_no_match 'ERROR'
