#!/usr/bin/env bash
# A variable declared with a pointer type (let $c: struct C *;) points
# where a cast in the same probe points: into the traced process in a
# uprobe, so what is read through it (members, arrays of structs copied
# into a declared struct array) is the program's data, as in bpftrace's
# complex_types "struct-array with declared variables". The traced
# program is progs/struct_target.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

. "$E2E_DIR/struct_target.inc"
run_struct_target -e "$STRUCT_DEFS"'
uprobe:'"$TG"':observe {
  let $it: struct item *;
  let $scores: int32[3];
  let $n: struct item *;
  $it = (struct item *)arg0;
  $scores = $it->scores;
  $n = $it->next;
  printf("%d %s %d %d %d %d %s\n", $it->id, $it->name, $scores[0], $scores[2], $it->where.x, $it->next->id,
         $n != 0 ? $n->name : "none");
}
uretprobe:'"$TG"':main { exit(); }'
expect_exit 0
expect_stdout_eq '1 first -1 1 10 2 second
2 second 7 9 -3 0 none'
