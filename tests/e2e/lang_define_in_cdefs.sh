#!/usr/bin/env bash
# #defines of the script in its own C definitions, as clang preprocesses
# the C section before parsing it: an array size, another macro in it, an
# enumerator's value. Only the #defines above a definition count there.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/cdefs.bt" <<'BT'
#define LEN 16
#define TWICE (LEN * 2) /* a comment in the body */
enum level { LOW = LEN, HIGH = TWICE + 1 };
struct s { char a[LEN]; int b; char c[TWICE]; };
BEGIN {
	printf("%d %d %d %d\n", sizeof(struct s), offsetof(struct s, b), offsetof(struct s, c), HIGH - LOW);
	exit();
}
BT
fathom_run "$T/cdefs.bt"
expect_exit 0
expect_stdout_eq '52 16 20 17'

# The string a char[LEN] field holds is LEN bytes long.
fathom_run -e '#define NAME_LEN 4
struct rec { char name[NAME_LEN]; };
BEGIN { $r = (struct rec *)0; print(sizeof($r->name)); exit(); }'
expect_exit 0
expect_stdout_eq '4'

# A #define below the definition does not count: an unknown constant, at
# its place in the script.
fathom_run -e 'struct s { char a[LATER]; };
#define LATER 8
BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^stdin:1:19-24: ERROR: unknown constant 'LATER'$"
expect_stderr_match '^HINT: only numbers, enumerators and #define constants defined above can be used here$'

# A body is text, as cpp substitutes it (clang: 12 bytes, not 16): LEN * 2
# is 4 + 4 * 2, in an array size and in an enumerator alike. A macro may
# name a type, one word or two, and an empty one vanishes.
fathom_run -e '#define LEN 4 + 4
#define T u32
#define UINT unsigned int
#define NOTHING
enum e { E = LEN * 2 };
struct s { char a[LEN * 2]; T x; NOTHING UINT y; char c; };
BEGIN { $p = (struct s *)0;
  printf("%d %d %d %d %d %d\n", sizeof(struct s), E, offsetof(struct s, x), offsetof(struct s, y),
    sizeof($p->x), sizeof($p->y)); exit(); }'
expect_exit 0
expect_stdout_eq '24 12 12 16 4 4'

# A type macro's type is unsigned as written: a field holding -1 reads back
# as 4294967295.
fathom_run -e '#define T unsigned int
struct one { T v; };
BEGIN { $n = (int64)-1; $p = (struct one *)&$n; printf("%u\n", $p->v); exit(); }'
expect_exit 0
expect_stdout_eq '4294967295'

# A macro met again in its own expansion stays a name, as in cpp (clang:
# unknown type name); the error is at the use.
fathom_run -e '#define A B
#define B A
struct s { A x; };
BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^stdin:3:12: ERROR: unknown type 'A'$"
