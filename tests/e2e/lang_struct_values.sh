#!/usr/bin/env bash
# Struct values as current bpftrace takes them: copied into variables and
# maps, used as map keys (@[*curtask->mm], @w[$it.where]), and compared
# with == and != byte for byte (a struct with itself, with a copy read
# again, with a different one); tuples compare element by element (strings
# up to their end, whatever their capacities). The program is
# progs/struct_target.c, whose observe() gets two known structs.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

. "$E2E_DIR/struct_target.inc"
run_struct_target -e "$STRUCT_DEFS"'
uprobe:'"$TG"':observe {
  $it = *(struct item *)arg0;
  @w[$it.where] = sum($it.id);
  if ($it.id == 1) { @first = $it; } else { @second = $it; }
  printf("id %d: same %d, not-same %d\n", $it.id, $it == *(struct item *)arg0, $it != *(struct item *)arg0);
}
uretprobe:'"$TG"':main {
  printf("first==second %d, first!=second %d, first==first %d\n", @first == @second, @first != @second, @first == @first);
  $p = @first.where; printf("%d\n", $p == @first.where);
  clear(@first); clear(@second); exit();
}'
expect_exit 0
expect_stdout_eq 'id 1: same 1, not-same 0
id 2: same 1, not-same 0
first==second 0, first!=second 1, first==first 1
1


@w[{ .x = 10, .y = -20 }]: 1
@w[{ .x = -3, .y = 4 }]: 2'

# a kernel struct as a map key, and compared with a copy read again
fathom_run -e 'BEGIN { @[*curtask->mm] = count(); $a = *curtask->mm; printf("%d %d %d\n", len(@), $a == *curtask->mm, $a != *curtask->mm); clear(@); exit(); }'
expect_exit 0
expect_stdout_eq '1 1 0'

# tuples: element by element, strings up to their end
fathom_run -e 'BEGIN { $t = (1, "bye"); let $u; @c[1] = (1, "bye");
  printf("%d %d %d %d\n", $t == (1, "bye"), $t != (1, "byebye"), (2, (3, "x")) == (2, (3, "y")), $t == (2, "bye"));
  if (find(@c, 1, $u)) { printf("%d\n", $u == (1, "bye")); } clear(@c); exit(); }'
expect_exit 0
expect_stdout_eq $'1 1 0 0\n1'

fathom_run -e 'BEGIN { $a = *curtask->mm; $b = *curtask->fs; if ($a == $b) { exit(); } }'
expect_exit 1
expect_stderr_match '^stdin:1:51-59: ERROR: cannot compare struct mm_struct with struct fs_struct$'
expect_stderr_match '^HINT: compare values of the same struct, tuple shape or array type$'

fathom_run -e 'BEGIN { if ((1, "a") == (1, 2, 3)) { exit(); } }'
expect_exit 1
expect_stderr_match 'ERROR: cannot compare \(int64, string\[2\]\) with \(int64, int64, int64\)$'
