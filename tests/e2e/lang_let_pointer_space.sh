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
require_cmd gcc

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/struct_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")
DEFS='
struct point { short x; short y; };
struct item {
    char tag;
    int id;
    unsigned long long weight;
    char name[12];
    struct point where;
    unsigned int flags : 3, level : 5;
    int delta : 6;
    struct item *next;
    union { int as_int; unsigned char bytes[4]; } u;
    int scores[3];
};
'
: >"$FATHOM_STDERR"
( wait_attached && "$TG" >"$T/target.out" ) &
helper=$!
fathom_run -e "$DEFS"'
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
wait "$helper" || fail "the target program did not run (fathom never attached?)"
expect_exit 0
expect_stdout_eq '1 first -1 1 10 2 second
2 second 7 9 -3 0 none'
