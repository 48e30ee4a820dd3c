/* test_cdefs.c - C definitions written in scripts: layouts as gcc lays them
 * out on x86-64 (offsets and sizes checked against offsetof/sizeof of the
 * same definitions compiled into this test), enumerators, typedefs, the
 * BTF fallback, and errors at the right place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cdefs.h"
#include "compile_helper.h"
#include "types.h"

struct fixture {
	struct fth_arena arena;
	struct fth_cdefs *defs;
	int fallback_calls;
	struct fth_type *kernel_struct; /* what the fake BTF knows */
};

/* A stand-in for BTF: knows "struct kernel_thing" and "kernel_u32". */
static struct fth_type *fake_btf(void *ctx, const char *name)
{
	struct fixture *fx = ctx;

	fx->fallback_calls++;
	if (!strcmp(name, "struct kernel_thing"))
		return fx->kernel_struct;
	if (!strcmp(name, "kernel_u32"))
		return fth_type_int(4, false);
	return NULL;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fth_arena_init(&fx->arena);
	fx->defs = fth_cdefs_new(&fx->arena, fake_btf, fx);
	fx->kernel_struct = fth_type_new(&fx->arena, FTH_T_STRUCT, 24);
	fx->kernel_struct->name = "struct kernel_thing";
	fx->kernel_struct->btf_id = 42;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	fth_arena_free(&fx->arena);
	free(fx);
	return 0;
}

static void add_ok(struct fixture *fx, const char *text)
{
	struct fth_cdefs_error err;
	int rc = fth_cdefs_add(fx->defs, text, &err);

	if (rc)
		fail_msg("%s: %s", text, err.message);
}

static const struct fth_field *field(const struct fth_type *t, const char *name)
{
	for (int i = 0; i < t->nfields; i++)
		if (t->fields[i].name && !strcmp(t->fields[i].name, name))
			return &t->fields[i];
	fail_msg("no field %s", name);
	return NULL;
}

/* The same definition as C (for the expected layout) and as text. */
#define DEFINE_BOTH(name, ...) \
	struct name __VA_ARGS__; \
	static const char *const text_##name = "struct " #name " " #__VA_ARGS__ ";"

DEFINE_BOTH(padded, { char c; int i; short s; long l; char name[16]; unsigned char tail; });
DEFINE_BOTH(bits, { unsigned int a : 3; unsigned int b : 30; int c : 5; char d; unsigned long e : 40; });
DEFINE_BOTH(withunion, { int tag; union { int i; long l; char s[12]; } u; struct { short x, y; }; });
DEFINE_BOTH(floats, { char c; float f; double d; long double q; union { int i; float g; } u; double v[3]; });
struct packedthing { char c; int i; } __attribute__((packed));
static const char *const text_packedthing = "struct packedthing { char c; int i; } __attribute__((packed));";

static void test_layout_matches_gcc(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t;

	add_ok(fx, text_padded);
	t = fth_cdefs_type(fx->defs, "struct padded");
	assert_non_null(t);
	assert_int_equal(t->kind, FTH_T_STRUCT);
	assert_string_equal(t->name, "struct padded");
	assert_int_equal(t->size, sizeof(struct padded));
	assert_int_equal(t->align, _Alignof(struct padded));
	assert_int_equal(field(t, "i")->offset, offsetof(struct padded, i));
	assert_int_equal(field(t, "s")->offset, offsetof(struct padded, s));
	assert_int_equal(field(t, "l")->offset, offsetof(struct padded, l));
	assert_int_equal(field(t, "name")->offset, offsetof(struct padded, name));
	assert_int_equal(field(t, "tail")->offset, offsetof(struct padded, tail));
	/* char[N] is a string, as kernel char arrays are */
	assert_int_equal(field(t, "name")->type->kind, FTH_T_STRING);
	assert_int_equal(field(t, "name")->type->size, 16);
	assert_int_equal(field(t, "l")->type->size, 8);
	assert_true(field(t, "l")->type->is_signed);
	assert_false(field(t, "tail")->type->is_signed);

	add_ok(fx, text_packedthing);
	t = fth_cdefs_type(fx->defs, "struct packedthing");
	assert_int_equal(t->size, sizeof(struct packedthing));
	assert_int_equal(field(t, "i")->offset, 1);
}

/* float, double and long double members take gcc's place and size;
 * they are FTH_T_FLOAT (printed as null), arrays of them too. */
static void test_float_members_keep_layout(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t;

	add_ok(fx, text_floats);
	t = fth_cdefs_type(fx->defs, "struct floats");
	assert_non_null(t);
	assert_int_equal(t->size, sizeof(struct floats));
	assert_int_equal(t->align, _Alignof(struct floats));
	assert_int_equal(field(t, "f")->offset, offsetof(struct floats, f));
	assert_int_equal(field(t, "d")->offset, offsetof(struct floats, d));
	assert_int_equal(field(t, "q")->offset, offsetof(struct floats, q));
	assert_int_equal(field(t, "u")->offset, offsetof(struct floats, u));
	assert_int_equal(field(t, "v")->offset, offsetof(struct floats, v));
	assert_int_equal(field(t, "f")->type->kind, FTH_T_FLOAT);
	assert_int_equal(field(t, "d")->type->size, sizeof(double));
	assert_int_equal(field(t, "q")->type->size, sizeof(long double));
	assert_string_equal(field(t, "q")->type->name, "long double");
	assert_int_equal(field(t, "u")->type->size, sizeof(int));
	assert_int_equal(field(t, "v")->type->kind, FTH_T_ARRAY);
	assert_int_equal(field(t, "v")->type->elem->kind, FTH_T_FLOAT);
}

static void test_bitfields_sysv(void **state)
{
	struct fixture *fx = *state;
	struct bits b;
	struct fth_type *t;
	const struct fth_field *f;
	uint64_t unit;

	add_ok(fx, text_bits);
	t = fth_cdefs_type(fx->defs, "struct bits");
	assert_int_equal(t->size, sizeof(struct bits));
	/* Decode each bitfield from real bytes with the recorded layout. */
	memset(&b, 0, sizeof(b));
	b.a = 5;
	b.b = 123456789;
	b.c = -7;
	b.d = 'x';
	b.e = 0xabcdef1234ull;
	const char *names[] = { "a", "b", "c", "e" };
	int64_t want[] = { 5, 123456789, -7, (int64_t)0xabcdef1234ull };
	for (int i = 0; i < 4; i++) {
		int64_t v;
		f = field(t, names[i]);
		assert_int_not_equal(f->bit_size, 0);
		unit = 0;
		memcpy(&unit, (const char *)&b + f->offset, f->type->size);
		v = (int64_t)((unit >> f->bit_offset) & ((f->bit_size >= 64 ? 0 : (1ull << f->bit_size)) - 1));
		if (f->type->is_signed && (v >> (f->bit_size - 1)) & 1)
			v -= (int64_t)1 << f->bit_size;
		assert_int_equal(v, want[i]);
	}
	assert_int_equal(field(t, "d")->offset, offsetof(struct bits, d));
	assert_int_equal(field(t, "d")->bit_size, 0);
}

static void test_unions_and_anonymous_members(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t, *u;

	add_ok(fx, text_withunion);
	t = fth_cdefs_type(fx->defs, "struct withunion");
	assert_int_equal(t->size, sizeof(struct withunion));
	u = field(t, "u")->type;
	assert_int_equal(u->kind, FTH_T_STRUCT);
	assert_int_equal(u->size, 16);
	assert_int_equal(field(u, "l")->offset, 0);
	assert_int_equal(field(u, "s")->offset, 0);
	/* the anonymous struct's members are members of the outer struct */
	assert_int_equal(field(t, "x")->offset, offsetof(struct withunion, x));
	assert_int_equal(field(t, "y")->offset, offsetof(struct withunion, y));
}

static void test_pointers_forward_and_fallback(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t, *next, *k;

	add_ok(fx, "struct node { struct node *next; struct later *l; struct kernel_thing *k; void (*fn)(int, char *); "
		   "const char *label; int *vals[3]; };");
	add_ok(fx, "struct later { kernel_u32 v; };");
	t = fth_cdefs_type(fx->defs, "struct node");
	assert_int_equal(t->size, 8 * 8);
	next = field(t, "next")->type;
	assert_int_equal(next->kind, FTH_T_POINTER);
	assert_ptr_equal(next->elem, t); /* self-reference is the same type */
	/* struct later was defined after its first mention: the pointer sees it */
	assert_int_equal(field(t, "l")->type->elem->nfields, 1);
	assert_int_equal(field(field(t, "l")->type->elem, "v")->type->size, 4);
	/* struct kernel_thing is not in the script: completed from BTF on use */
	k = field(t, "k")->type->elem;
	assert_int_equal(k->btf_id, 0);
	assert_ptr_equal(fth_cdefs_type(fx->defs, "struct kernel_thing"), k);
	assert_int_equal(k->btf_id, 42);
	assert_int_equal(k->size, 24);
	assert_int_equal(field(t, "fn")->type->kind, FTH_T_POINTER);
	assert_int_equal(field(t, "vals")->type->kind, FTH_T_ARRAY);
	assert_int_equal(field(t, "vals")->type->count, 3);
	assert_int_equal(field(t, "vals")->offset, 5 * 8);
}

static void test_script_definition_wins(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t;

	add_ok(fx, "struct kernel_thing { char a; };");
	fx->fallback_calls = 0;
	t = fth_cdefs_type(fx->defs, "struct kernel_thing");
	assert_int_equal(t->size, 1);
	assert_int_equal(t->btf_id, 0);
	assert_int_equal(fx->fallback_calls, 0);
	/* a name nobody defines goes to the fallback */
	assert_null(fth_cdefs_type(fx->defs, "struct nowhere"));
	assert_int_equal(fx->fallback_calls, 1);
	/* fixed-width names need no BTF */
	assert_int_equal(fth_cdefs_type(fx->defs, "u16")->size, 2);
	assert_int_equal(fx->fallback_calls, 1);
}

static void test_enums_and_typedefs(void **state)
{
	struct fixture *fx = *state;
	int64_t v;
	struct fth_type *t;

	add_ok(fx, "enum color { RED, GREEN = 5, BLUE, MASK = 1 << 4 | GREEN, NEG = -2 };");
	assert_true(fth_cdefs_enum_value(fx->defs, "RED", &v));
	assert_int_equal(v, 0);
	assert_true(fth_cdefs_enum_value(fx->defs, "BLUE", &v));
	assert_int_equal(v, 6);
	assert_true(fth_cdefs_enum_value(fx->defs, "MASK", &v));
	assert_int_equal(v, 21);
	assert_true(fth_cdefs_enum_value(fx->defs, "NEG", &v));
	assert_int_equal(v, -2);
	assert_false(fth_cdefs_enum_value(fx->defs, "PURPLE", &v));
	t = fth_cdefs_type(fx->defs, "enum color");
	assert_int_equal(t->size, 4);
	assert_true(t->is_signed);

	add_ok(fx, "typedef struct { enum color c; u64 when; int arr[BLUE]; } sample_t;");
	add_ok(fx, "typedef unsigned short port_t, *port_p;");
	add_ok(fx, "struct holder { sample_t s; port_t p; port_p pp; };");
	t = fth_cdefs_type(fx->defs, "sample_t");
	assert_int_equal(t->size, 8 + 8 + 24);
	assert_int_equal(field(t, "arr")->type->count, 6);
	t = fth_cdefs_type(fx->defs, "struct holder");
	assert_int_equal(field(t, "p")->offset, 40);
	assert_int_equal(field(t, "p")->type->size, 2);
	assert_int_equal(field(t, "pp")->type->kind, FTH_T_POINTER);
	assert_int_equal(t->size, 56);
}

static void expect_error(struct fixture *fx, const char *text, const char *at, const char *message)
{
	struct fth_cdefs_error err;
	const char *last = NULL;

	for (const char *p = strstr(text, at); p; p = strstr(p + 1, at))
		last = p;
	assert_int_not_equal(fth_cdefs_add(fx->defs, text, &err), 0);
	assert_string_equal(err.message, message);
	assert_int_equal(err.begin, last - text);
	assert_int_equal(err.end, err.begin + strlen(at));
}

static void test_errors_point_at_the_problem(void **state)
{
	struct fixture *fx = *state;

	expect_error(fx, "struct a { int x; blah_t y; };", "blah_t", "unknown type 'blah_t'");
	expect_error(fx, "struct b { int x; int x; };", "x", "duplicate member 'x'");
	expect_error(fx, "struct c { struct undefined_here u; };", "u", "member 'u' has incomplete type 'struct undefined_here'");
	expect_error(fx, "struct d { int x long y; };", "long", "expected ';', found 'long'");
	expect_error(fx, "struct f { int a[NOPE]; };", "NOPE", "unknown constant 'NOPE'");
	add_ok(fx, "struct g { int x; };");
	expect_error(fx, "struct g { int y; };", "g", "redefinition of 'struct g'");
}

/* As bpftrace accepts them: the last member without its ';', and a
 * definition ending at its '}' (the probe that follows is not C). */
static void test_optional_semicolons(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t;

	add_ok(fx, "struct last { int x; long y }; struct open { char c; struct last l; }");
	t = fth_cdefs_type(fx->defs, "struct last");
	assert_non_null(t);
	assert_int_equal(t->size, 16);
	assert_int_equal(field(t, "y")->offset, 8);
	t = fth_cdefs_type(fx->defs, "struct open");
	assert_non_null(t);
	assert_int_equal(t->size, 24);
	assert_int_equal(field(t, "l")->offset, 8);
	expect_error(fx, "struct nomember { int x; int }", "}", "expected a member name, found '}'");
}

/* Names the constant lookup knows: LEN is 16, anything else none. */
static bool len_is_16(void *ctx, const char *name, int64_t *value)
{
	(void)ctx;
	if (strcmp(name, "LEN"))
		return false;
	*value = 16;
	return true;
}

/* Array sizes and enumerator values may use names of the constant lookup
 * (the script's #defines), after the enumerators; without it they are
 * unknown. */
static void test_constants_from_lookup(void **state)
{
	struct fixture *fx = *state;
	struct fth_cdefs_error err;
	int64_t v = 0;

	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct early { char a[LEN]; };", &err), 0);
	assert_string_equal(err.message, "unknown constant 'LEN'");
	fth_cdefs_set_constants(fx->defs, len_is_16, NULL);
	add_ok(fx, "enum sizes { SMALL = LEN / 2 }; struct s { char a[LEN]; int b[SMALL]; };");
	assert_int_equal(fth_cdefs_type(fx->defs, "struct s")->size, 16 + 8 * 4);
	assert_true(fth_cdefs_enum_value(fx->defs, "SMALL", &v));
	assert_int_equal(v, 8);
	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct t { char a[NOPE]; };", &err), 0);
	assert_string_equal(err.message, "unknown constant 'NOPE'");
}

/* Macros as the macro lookup gives them: object-like bodies, and
 * function-like SZ(n), PAIR(t, a, b), FIRST(a, b), NONE() and SELF(n). */
static const struct fth_cdefs_macro_def *test_macro(void *ctx, const char *name)
{
	static const char *const objects[][2] = {
		{ "SUM", "4 + 4" }, { "T", "u32" }, { "UINT", "unsigned int" }, { "EMPTY", "" },
		{ "LOOP", "LOOP" }, { "PING", "PONG" }, { "PONG", "PING" }, { "BAD", "12ab" },
	};
	static const char *const sz_params[] = { "n" }, *const pair_params[] = { "t", "a", "b" },
				 *const first_params[] = { "a", "b" };
	static const struct {
		const char *name;
		struct fth_cdefs_macro_def def;
	} functions[] = {
		{ "SZ", { "(n * 4)", true, 1, sz_params } },
		{ "PAIR", { "t a; t b", true, 3, pair_params } },
		{ "NONE", { "2", true, 0, NULL } },
		{ "FIRST", { "a", true, 2, first_params } },
		{ "SELF", { "SELF(n) + n", true, 1, sz_params } },
	};
	static struct fth_cdefs_macro_def found;

	(void)ctx;
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (!strcmp(name, objects[i][0])) {
			found = (struct fth_cdefs_macro_def){ .text = objects[i][1] };
			return &found;
		}
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (!strcmp(name, functions[i].name))
			return &functions[i].def;
	return NULL;
}

/* Function-like macros are called with '(': their parameters replaced by
 * the arguments' text (nested parentheses and commas inside them kept),
 * the result read again for more macros; named without '(' they stay
 * names; a wrong number of arguments or a missing ')' is an error at the
 * call that shows the declaration. */
static void test_function_like_macros(void **state)
{
	struct fixture *fx = *state;
	struct fth_cdefs_error err;
	struct fth_type *t;

	fth_cdefs_set_macros(fx->defs, test_macro, NULL);
	add_ok(fx, "struct f { char a[SZ(2)]; char b[FIRST(SZ((1 + 2)), (5, 6))]; char c[SZ(SUM)]; PAIR(u16, x, y); "
		   "char d[NONE()]; char e[SZ (1)]; };");
	t = fth_cdefs_type(fx->defs, "struct f");
	assert_int_equal(t->fields[0].type->size, 8);
	assert_int_equal(t->fields[1].type->size, 12);
	/* (4 + 4 * 4): the argument is text too */
	assert_int_equal(t->fields[2].type->size, 20);
	assert_string_equal(t->fields[3].name, "x");
	assert_int_equal(t->fields[3].type->size, 2);
	assert_string_equal(t->fields[4].name, "y");
	assert_int_equal(t->fields[5].type->size, 2);
	assert_int_equal(t->fields[6].type->size, 4);
	assert_int_equal(t->size, 8 + 12 + 20 + 2 + 2 + 2 + 4);

	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct g { char a[SZ(1, 2)]; };", &err), 0);
	assert_string_equal(err.message, "macro SZ takes 1 argument, 2 given");
	assert_string_equal(err.hint, "it is declared as #define SZ(n)");
	assert_int_equal(err.begin, 18);
	assert_int_equal(err.end, 26);
	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct h { char a[SZ(1]; };", &err), 0);
	assert_string_equal(err.message, "unterminated call of macro SZ");
	/* a name without '(' is no call: here an unknown type */
	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct i { SZ x; };", &err), 0);
	assert_string_equal(err.message, "unknown type 'SZ'");
	/* not expanded again inside itself */
	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct j { char a[SELF(1)]; };", &err), 0);
}

/* Macros are text, as cpp substitutes them: SUM * 2 is 4 + 4 * 2 = 12 (not
 * (4 + 4) * 2), T and UINT name types, EMPTY vanishes; a macro met again
 * inside its own expansion stays a name; an error inside a body points at
 * the macro's use. */
static void test_macros_expand_as_text(void **state)
{
	struct fixture *fx = *state;
	struct fth_cdefs_error err;
	struct fth_type *t;

	fth_cdefs_set_macros(fx->defs, test_macro, NULL);
	add_ok(fx, "struct s { char a[SUM * 2]; EMPTY T x; UINT y; char c; };");
	t = fth_cdefs_type(fx->defs, "struct s");
	assert_int_equal(t->size, 24);
	assert_int_equal(t->fields[1].offset, 12);
	assert_int_equal(t->fields[1].type->size, 4);
	assert_int_equal(t->fields[2].type->size, 4);
	assert_false(t->fields[2].type->is_signed);
	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct l { LOOP x; };", &err), 0);
	assert_string_equal(err.message, "unknown type 'LOOP'");
	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct p { PING x; };", &err), 0);
	assert_string_equal(err.message, "unknown type 'PING'");
	assert_int_not_equal(fth_cdefs_add(fx->defs, "struct b { char a[BAD]; };", &err), 0);
	assert_string_equal(err.message, "malformed number in the expansion of this macro");
	assert_int_equal(err.begin, 18);
	assert_int_equal(err.end, 21);
}

/* ------------------------------------------ through the whole front end */

/* The value of the i-th statement `@x = VALUE;` of the first probe, which
 * sema must have folded to a literal. */
static int64_t folded_value(struct compiled *c, int i)
{
	struct fth_node *probe = c->prog.ast->u.program.probes.items[0];
	struct fth_node *st = probe->u.probe.body->u.block.stmts.items[i];

	assert_int_equal(st->kind, FTH_ASSIGN);
	assert_int_equal(st->u.assign.value->kind, FTH_INT);
	return (int64_t)st->u.assign.value->u.integer;
}

static void test_sema_folds_sizeof_offsetof_enums(void **state)
{
	struct compiled c;

	(void)state;
	compile(&c, "struct inner { short a; char b[3]; };\n"
		    "struct outer { char c; struct inner in; long l; unsigned f : 4; };\n"
		    "enum e { FIRST = 3, SECOND };\n"
		    "BEGIN { @a = sizeof(struct outer); @b = offsetof(struct outer, in.b); @c = offsetof(struct outer, l);"
		    " @d = SECOND; @e = sizeof(struct inner); exit(); }");
	if (c.rc)
		fail_msg("%s", c.errors);
	assert_int_equal(folded_value(&c, 0), 24);
	assert_int_equal(folded_value(&c, 1), 4);
	assert_int_equal(folded_value(&c, 2), 8);
	assert_int_equal(folded_value(&c, 3), 4);
	assert_int_equal(folded_value(&c, 4), 6);
	release(&c);
}

static void expect_compile_error(const char *text, const char *needle)
{
	struct compiled c;

	compile(&c, text);
	assert_int_not_equal(c.rc, 0);
	if (!strstr(c.errors, needle))
		fail_msg("expected '%s' in:\n%s", needle, c.errors);
	release(&c);
}

static void test_sema_errors(void **state)
{
	(void)state;
	/* unknown member through a cast pointer: caret on the access, suggestion */
	expect_compile_error("struct s { int count; };\nBEGIN { $p = (struct s *)0; @ = $p->cuont; }",
			     "stdin:2:33-42: ERROR: struct s has no field 'cuont'\n"
			     "BEGIN { $p = (struct s *)0; @ = $p->cuont; }\n"
			     "                                ~~~~~~~~~\n"
			     "HINT: did you mean 'count'?\n");
	/* offsetof of a missing member */
	expect_compile_error("struct s { int count; };\nBEGIN { @ = offsetof(struct s, nope); }",
			     "ERROR: struct s has no field 'nope'");
	/* an error inside a definition points into it */
	expect_compile_error("struct s {\n  int a;\n  unknown_t b;\n};\nBEGIN { exit(); }",
			     "stdin:3:3-12: ERROR: unknown type 'unknown_t'\n  unknown_t b;\n  ~~~~~~~~~\n");
	/* a struct that is only declared has no members */
	expect_compile_error("struct s { struct nowhere_at_all *n; };\nBEGIN { $p = (struct s *)0; @ = $p->n->x; }",
			     "ERROR: struct nowhere_at_all is declared but never defined, so it has no field 'x'");
	/* a misspelt script type: the script's own names are suggested */
	expect_compile_error("struct item { int a; };\nBEGIN { $p = (struct itme *)0; }",
			     "ERROR: unknown type 'struct itme'\nBEGIN { $p = (struct itme *)0; }\n"
			     "             ~~~~~~~~~~~~~~~~\nHINT: did you mean 'struct item'?\n");
	/* a float member is kept in its struct but has no value of its own */
	expect_compile_error("struct s { int a; float f; };\nBEGIN { $p = (struct s *)0; @ = $p->f + 1; }",
			     "stdin:2:33-38: ERROR: float values are not supported: fathom has no floating-point arithmetic\n"
			     "BEGIN { $p = (struct s *)0; @ = $p->f + 1; }\n"
			     "                                ~~~~~\n"
			     "HINT: print() or store the struct that holds it: its floating-point members show as null\n");
	/* a struct value is no printf argument */
	expect_compile_error("struct s { int a; };\nBEGIN { $p = (struct s *)0; printf(\"%d\\n\", *$p); }",
			     "ERROR: struct s cannot be printed with printf()\n");
	/* records: field names are unique */
	expect_compile_error("BEGIN { print((a = 1, a = 2)); }", "ERROR: field 'a' appears twice in this record");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout_matches_gcc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bitfields_sysv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unions_and_anonymous_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pointers_forward_and_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_definition_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enums_and_typedefs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_optional_semicolons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_point_at_the_problem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_float_members_keep_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constants_from_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_macros_expand_as_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_function_like_macros, setup, teardown),
		cmocka_unit_test(test_sema_folds_sizeof_offsetof_enums),
		cmocka_unit_test(test_sema_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
