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

# Function-like macros are called in the definitions too, as clang
# expands them: SZ(2) is (2 * 4), its argument text (SZ(LEN) is
# (4 + 4 * 4)), a call with nested parentheses, a macro making members; a
# struct field read through the result holds the bytes written there.
fathom_run -e '#define LEN 4 + 4
#define SZ(n) (n * 4)
#define FIELDS(t, a, b) t a; t b
struct s { char a[SZ(2)]; char b[SZ(LEN)]; FIELDS(u16, x, y); char c[SZ((1 + 1))]; };
BEGIN { $v = (int64)0x0102030405060708; $p = (struct s *)&$v;
  printf("%d %d %d %d %d %x\n", sizeof(struct s), offsetof(struct s, b), offsetof(struct s, x),
    offsetof(struct s, y), offsetof(struct s, c), $p->a[0]); exit(); }'
expect_exit 0
expect_stdout_eq '40 8 28 30 32 8'

# A call with the wrong number of arguments: at the call, with the
# macro's declaration.
fathom_run -e '#define SZ(n) (n * 4)
struct s { char a[SZ(1, 2)]; };
BEGIN { exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:2:19-27: ERROR: macro SZ takes 1 argument, 2 given
struct s { char a[SZ(1, 2)]; };
                  ~~~~~~~~
HINT: it is declared as #define SZ(n)'

# A comment left open in a #define would take the script's next lines
# into the directive in C; here it is an error at the comment.
fathom_run -e '#define A /* x
BEGIN { printf("%d\n", 1); exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:11-15: ERROR: unterminated /* comment in #define
#define A /* x
          ~~~~
HINT: close it with */ on the same line (a directive ends with its line), or use // instead'
expect_stdout_empty
