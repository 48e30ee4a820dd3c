/* test_cmacro.c - the #define table: parsing a directive (object-like,
 * function-like, comments and continuations in the body), the body lexed
 * once, positions (a macro counts from its line, until #undef or a
 * redefinition), integer values, the recursion chain and what an imported
 * file passes on to its importer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cmacro.h"

struct table {
	struct fth_arena arena;
	struct fth_cmacros *t;
};

static void open_table(struct table *tb)
{
	fth_arena_init(&tb->arena);
	tb->t = fth_cmacros_new(&tb->arena);
}

/* "#define REST" at [at, at + 10). */
static const struct fth_cmacro *define_at(struct table *tb, const char *rest, uint32_t at)
{
	return fth_cmacros_define(tb->t, rest, strlen(rest), (struct fth_range){ at, at + 10 }, NULL);
}

static const struct fth_cmacro *find(struct table *tb, const char *name, uint32_t at)
{
	return fth_cmacros_find(tb->t, name, strlen(name), at);
}

static void test_object_and_function_like(void **state)
{
	struct table tb;
	const struct fth_cmacro *m;

	(void)state;
	open_table(&tb);
	m = define_at(&tb, " MAX  (1 << 10) // bytes", 0);
	assert_non_null(m);
	assert_string_equal(m->name, "MAX");
	assert_false(m->function_like);
	assert_string_equal(m->text, "(1 << 10)");
	assert_int_equal(m->nbody, 5);
	assert_int_equal(m->body[0].kind, TOK_LPAREN);
	assert_int_equal(m->body[2].kind, TOK_SHL);
	assert_int_equal(m->body[3].integer, 10);

	m = define_at(&tb, " SQ(x, y) ((x) * \\\n (y)) /* product */", 20);
	assert_non_null(m);
	assert_true(m->function_like);
	assert_int_equal(m->nparams, 2);
	assert_string_equal(m->params[0], "x");
	assert_string_equal(m->params[1], "y");
	assert_string_equal(m->text, "((x) *   (y))");

	/* a blank before '(' makes it object-like: the '(' is the body */
	m = define_at(&tb, " P (x)", 40);
	assert_false(m->function_like);
	assert_string_equal(m->text, "(x)");

	/* a map, a variable, a string */
	m = define_at(&tb, " M @m", 60);
	assert_int_equal(m->nbody, 1);
	assert_int_equal(m->body[0].kind, TOK_MAP);
	assert_string_equal(m->body[0].text, "@m");
	m = define_at(&tb, " V $v", 70);
	assert_int_equal(m->body[0].kind, TOK_VAR);
	m = define_at(&tb, " S \"a // b\"", 80);
	assert_int_equal(m->body[0].kind, TOK_STRING);
	assert_string_equal(m->body[0].text, "a // b");

	assert_null(define_at(&tb, "", 90));
	assert_null(define_at(&tb, " 1X", 90));
	assert_null(define_at(&tb, " F(a, ", 90));
	fth_arena_free(&tb.arena);
}

static void test_bad_body_keeps_the_message(void **state)
{
	struct table tb;
	const struct fth_cmacro *m;

	(void)state;
	open_table(&tb);
	m = define_at(&tb, " BAD \"a\\q\"", 0);
	assert_non_null(m);
	assert_non_null(m->error);
	assert_non_null(strstr(m->error, "BAD:1:3-5: ERROR: invalid escape character"));
	assert_int_equal(m->nbody, 0);
	fth_arena_free(&tb.arena);
}

/* A parameter list that is none is refused with what is wrong in it. */
static void test_bad_parameter_lists(void **state)
{
	static const struct {
		const char *rest, *what;
	} cases[] = {
		{ "F(a,) a", "macro F: expected a parameter name after ','" },
		{ "F(a, a) a", "macro F: parameter 'a' appears twice" },
		{ "F(a b) a", "macro F: expected ',' or ')' after a parameter" },
		{ "F(a", "macro F: the parameter list is not closed" },
		{ "F(...) 1", "macro F: variadic parameters (...) are not supported" },
		{ "F(1) 1", "macro F: expected a parameter name" },
		{ "", "#define needs a macro name" },
		{ "F(a0,a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13,a14,a15,a16,a17,a18,a19,a20,a21,a22,a23,a24,a25,a26,"
		  "a27,a28,a29,a30,a31,a32) 1",
		  "macro F has more than 32 parameters" },
	};
	struct table tb;

	(void)state;
	open_table(&tb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fth_cmacro_error err = { NULL, NULL };
		assert_null(fth_cmacros_define(tb.t, cases[i].rest, strlen(cases[i].rest), (struct fth_range){ 0, 10 },
					       &err));
		assert_string_equal(err.what, cases[i].what);
		assert_non_null(err.hint);
	}
	assert_int_equal(fth_cmacros_count(tb.t), 0);
	assert_non_null(define_at(&tb, "F( a , b ) a + b", 0));
	fth_arena_free(&tb.arena);
}

static void test_positions(void **state)
{
	struct table tb;

	(void)state;
	open_table(&tb);
	fth_cmacros_predefine(tb.t, "HAVE");
	define_at(&tb, " A 1", 100);    /* in force from 110 */
	fth_cmacros_undef(tb.t, " A", 2, (struct fth_range){ 200, 210 });
	define_at(&tb, " A 2", 300);
	define_at(&tb, " A 3", 400);    /* a redefinition */

	assert_non_null(find(&tb, "HAVE", 0));
	assert_null(find(&tb, "A", 50));
	assert_string_equal(find(&tb, "A", 150)->text, "1");
	assert_null(find(&tb, "A", 250));
	assert_string_equal(find(&tb, "A", 350)->text, "2");
	assert_string_equal(find(&tb, "A", 5000)->text, "3");
	/* a prefix or a longer name is another name */
	assert_null(fth_cmacros_find(tb.t, "AB", 1, 50));
	assert_null(find(&tb, "AA", 5000));
	fth_arena_free(&tb.arena);
}

static void test_values(void **state)
{
	struct table tb;
	int64_t v = 0;

	(void)state;
	open_table(&tb);
	define_at(&tb, " KB (1 << 10)", 0);
	define_at(&tb, " TWO_KB (KB * 2)", 10);
	define_at(&tb, " NEG -(KB + 1)", 20);
	define_at(&tb, " STR \"x\"", 30);
	define_at(&tb, " F(x) (x)", 40);
	define_at(&tb, " LOOP (LOOP + 1)", 50);
	assert_true(fth_cmacros_value(tb.t, "TWO_KB", 100, &v));
	assert_int_equal(v, 2048);
	assert_true(fth_cmacros_value(tb.t, "NEG", 100, &v));
	assert_int_equal(v, -1025);
	assert_false(fth_cmacros_value(tb.t, "STR", 100, &v));
	assert_false(fth_cmacros_value(tb.t, "F", 100, &v));
	assert_false(fth_cmacros_value(tb.t, "LOOP", 100, &v));
	/* KB is not defined yet where TWO_KB is asked for above its line */
	assert_false(fth_cmacros_value(tb.t, "TWO_KB", 5, &v));
	fth_arena_free(&tb.arena);
}

static void test_recursion_chain(void **state)
{
	struct table tb;

	(void)state;
	open_table(&tb);
	define_at(&tb, " A B", 0);
	define_at(&tb, " B (C + 1)", 10);
	define_at(&tb, " C A", 20);
	define_at(&tb, " X X", 30);
	define_at(&tb, " Y 1", 40);
	assert_string_equal(fth_cmacros_recursion(tb.t, &tb.arena, "A", 100), "A->B->C->A");
	assert_string_equal(fth_cmacros_recursion(tb.t, &tb.arena, "X", 100), "X->X");
	assert_null(fth_cmacros_recursion(tb.t, &tb.arena, "Y", 100));
	fth_arena_free(&tb.arena);
}

static void test_export_to_importer(void **state)
{
	struct table tb;

	(void)state;
	open_table(&tb);
	/* the importing file is [0, 1000), the imported one [1000, 2000) */
	define_at(&tb, " MINE 1", 10);
	define_at(&tb, " KEPT 2", 1010);
	define_at(&tb, " GONE 3", 1020);
	fth_cmacros_undef(tb.t, " GONE", 5, (struct fth_range){ 1030, 1040 });
	assert_int_equal(fth_cmacros_export(tb.t, 1000, 2000, 500), 1);
	assert_null(find(&tb, "KEPT", 400));
	assert_string_equal(find(&tb, "KEPT", 600)->text, "2");
	assert_null(find(&tb, "GONE", 600));
	assert_string_equal(find(&tb, "MINE", 600)->text, "1");
	fth_arena_free(&tb.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_and_function_like), cmocka_unit_test(test_bad_body_keeps_the_message),
		cmocka_unit_test(test_positions),                cmocka_unit_test(test_values),
		cmocka_unit_test(test_recursion_chain),          cmocka_unit_test(test_export_to_importer),
		cmocka_unit_test(test_bad_parameter_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
