/* test_cpp.c - preprocessor conditionals: which regions stay, that offsets
 * (and so lines and columns) do not move, #if expressions, and the errors
 * with their carets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpp.h"

struct run {
	struct fth_arena arena;
	struct fth_source src;
	struct fth_diag diag;
	FILE *out;
	char *msgs;
	size_t len;
	char *text; /* the filtered text, or NULL */
	struct fth_cmacros *macros;
};

static const char *const btf[] = { "BPFTRACE_HAVE_BTF", NULL };

static void run(struct run *r, const char *text, const char *const *predefined)
{
	memset(r, 0, sizeof(*r));
	fth_arena_init(&r->arena);
	r->src.name = "t.bt";
	r->src.text = text;
	r->src.len = (uint32_t)strlen(text);
	r->out = open_memstream(&r->msgs, &r->len);
	assert_non_null(r->out);
	fth_diag_init(&r->diag, &r->src, r->out);
	r->macros = fth_cmacros_new(&r->arena);
	for (int i = 0; predefined && predefined[i]; i++)
		fth_cmacros_predefine(r->macros, predefined[i]);
	r->text = fth_cpp_run(&r->src, &r->arena, &r->diag, r->macros);
	fflush(r->out);
	if (r->text)
		assert_int_equal(strlen(r->text), r->src.len);
}

static void done(struct run *r)
{
	fclose(r->out);
	free(r->msgs);
	fth_arena_free(&r->arena);
}

/* The words of the filtered text, blanks squeezed: what the parser sees. */
static const char *words(struct run *r)
{
	static char buf[512];
	size_t n = 0;
	bool space = true;

	for (const char *p = r->text; *p && n + 2 < sizeof(buf); p++) {
		bool is_space = *p == ' ' || *p == '\n' || *p == '\t';
		if (is_space && !space)
			buf[n++] = ' ';
		else if (!is_space)
			buf[n++] = *p;
		space = is_space;
	}
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

static void test_ifndef_btf(void **state)
{
	const char *src = "#ifndef BPFTRACE_HAVE_BTF\n#include <linux/sched.h>\n#else\n#define TASK_RUNNING 0\n#endif\n"
			  "BEGIN { }\n";
	struct run r;

	(void)state;
	run(&r, src, btf);
	assert_non_null(r.text);
	assert_string_equal(words(&r), "#define TASK_RUNNING 0 BEGIN { }");
	/* the probe is where it was: same offset, so the same line */
	assert_int_equal(strstr(r.text, "BEGIN") - r.text, strstr(src, "BEGIN") - src);
	done(&r);
	run(&r, src, NULL);
	assert_string_equal(words(&r), "#include <linux/sched.h> BEGIN { }");
	done(&r);
}

/* #if sees the macros as text, as cpp substitutes them: LEN * 2 with
 * #define LEN 4 + 4 is 12, not 16; a macro is not expanded inside its own
 * body (SELF is 0 there); the name after defined stays a name. */
static void test_if_expands_macros_as_text(void **state)
{
	struct run r;

	(void)state;
	run(&r,
	    "#define LEN 4 + 4\n#define TWICE LEN * 2\n#define SELF SELF + 1\n"
	    "#if LEN * 2 == 12 && TWICE == 12\ntext\n#endif\n"
	    "#if LEN * 2 == 16\nvalue\n#endif\n"
	    "#if SELF == 1 && defined(LEN) && defined TWICE && 0x1f == 31\nself\n#endif\n",
	    NULL);
	assert_non_null(r.text);
	assert_string_equal(words(&r), "#define LEN 4 + 4 #define TWICE LEN * 2 #define SELF SELF + 1 text self");
	done(&r);
}

/* Arithmetic at the limits of int64_t wraps (GCC warns and goes on): the
 * negation of INT64_MIN is INT64_MIN again, never undefined behaviour. */
static void test_if_arithmetic_wraps(void **state)
{
	struct run r;

	(void)state;
	run(&r,
	    "#if -(-9223372036854775807 - 1) < 0 && 9223372036854775807 + 1 < 0 && (1 << 63) < 0\nwraps\n#endif\n",
	    NULL);
	assert_non_null(r.text);
	assert_string_equal(words(&r), "wraps");
	done(&r);
}

static void test_nesting_elif_and_defines(void **state)
{
	struct run r;

	(void)state;
	run(&r,
	    "#define LEVEL 2\n"
	    "#if LEVEL == 1\none\n#elif LEVEL == 2 && defined(LEVEL)\ntwo\n"
	    "#ifdef NOPE\nnope\n#else\nyes\n#endif\n#else\nthree\n#endif\n"
	    "#undef LEVEL\n#ifdef LEVEL\nstill\n#endif\n"
	    "#if 0\n#define HIDDEN 1\n#endif\n#ifdef HIDDEN\nhidden\n#endif\n"
	    "#if (1 << 3) - 8 || !defined HIDDEN && ~0 == -1 && 7 % 4 == 3 && (0 ? 5 : 6) >= 6\nexpr\n#endif\n",
	    NULL);
	assert_non_null(r.text);
	assert_string_equal(words(&r), "#define LEVEL 2 two yes #undef LEVEL expr");
	done(&r);
}

static void test_comments_and_strings(void **state)
{
	struct run r;

	(void)state;
	/* a '#' at the start of a line inside a comment is no directive, and
	 * a slash-star inside a string opens no comment */
	run(&r, "/*\n#if 0\n*/\nBEGIN { printf(\"/*\"); }\n#if 0 // off\ngone\n#endif\n", NULL);
	assert_non_null(r.text);
	assert_string_equal(words(&r), "/* #if 0 */ BEGIN { printf(\"/*\"); }");
	done(&r);
}

/* cpp evaluates only the operands it needs: a division by zero in the
 * right of && after 0, of || after non-zero, or in the branch ?: does not
 * take is no error; one evaluated is named as such. */
static void test_if_short_circuits(void **state)
{
	struct run r;

	(void)state;
	run(&r,
	    "#define X 0\n#define D 1 / X\n"
	    "#if 1 || 1 / 0\nor\n#endif\n"
	    "#if 0 && D\n#else\nand\n#endif\n"
	    "#if X ? 10 / X : 7 == 7\nternary\n#endif\n"
	    "#if !X || (0 && 1 % X)\nnested\n#endif\n",
	    NULL);
	assert_non_null(r.text);
	assert_string_equal(r.msgs, "");
	assert_string_equal(words(&r), "#define X 0 #define D 1 / X or and ternary nested");
	done(&r);
	run(&r, "#define X 0\n#if 1 && 10 / X\n#endif\n", NULL);
	assert_null(r.text);
	assert_string_equal(r.msgs, "t.bt:2:1-16: ERROR: division by zero in #if\n#if 1 && 10 / X\n~~~~~~~~~~~~~~~\n"
				    "HINT: check the divisor, or guard it: #if defined X && 10 / X\n");
	done(&r);
}

static void test_errors(void **state)
{
	struct run r;

	(void)state;
	run(&r, "BEGIN { }\n#if 1\n", NULL);
	assert_null(r.text);
	assert_string_equal(r.msgs, "t.bt:2:1-6: ERROR: this conditional has no #endif\n#if 1\n~~~~~\n"
				    "HINT: close it with #endif\n");
	done(&r);
	run(&r, "#endif\n", NULL);
	assert_null(r.text);
	assert_non_null(strstr(r.msgs, "t.bt:1:1-7: ERROR: #endif without #if\n"));
	done(&r);
	run(&r, "#if 1\n#else\n#elif 1\n#endif\n", NULL);
	assert_null(r.text);
	assert_non_null(strstr(r.msgs, "t.bt:3:1-8: ERROR: #elif after #else\n"));
	done(&r);
	run(&r, "#if 1 +\n#endif\n", NULL);
	assert_null(r.text);
	assert_non_null(strstr(r.msgs, "t.bt:1:1-8: ERROR: invalid #if expression\n"));
	done(&r);
	/* #error in an active region is an error with its text; in an
	 * inactive one nothing; #warning warns and goes on */
	run(&r, "#ifndef X\n#error \"needs X\"\n#endif\n#ifdef X\n#error not me\n#endif\n", NULL);
	assert_null(r.text);
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.msgs, "t.bt:2:1-17: ERROR: #error \"needs X\"\n"));
	done(&r);
	run(&r, "#warning old\nBEGIN { }\n", NULL);
	assert_non_null(r.text);
	assert_string_equal(words(&r), "BEGIN { }");
	assert_non_null(strstr(r.msgs, "t.bt:1:1-13: WARNING: #warning old\n"));
	done(&r);
	/* a conditional in error still takes its #endif: one error each */
	run(&r, "#ifdef\n#endif\n#if 1 +\n#endif\n", NULL);
	assert_null(r.text);
	assert_int_equal(r.diag.errors, 2);
	assert_null(strstr(r.msgs, "without #if"));
	done(&r);
	/* an inactive branch's expression is not evaluated */
	run(&r, "#if 0\n#if 1 / 0\n#endif\n#endif\n", NULL);
	assert_non_null(r.text);
	done(&r);
	/* a comment left open in a directive: at the comment, with the fix;
	 * closed ones, one in a string and one after // are fine */
	run(&r, "#define A 1 /* x\nBEGIN { }\n", NULL);
	assert_null(r.text);
	assert_string_equal(r.msgs, "t.bt:1:13-17: ERROR: unterminated /* comment in #define\n#define A 1 /* x\n"
				    "            ~~~~\n"
				    "HINT: close it with */ on the same line (a directive ends with its line), or use // "
				    "instead\n");
	done(&r);
	{
		/* deeper than 64 #ifs: said with how to fix it */
		char deep[1024] = "";
		for (int i = 0; i < 65; i++)
			strcat(deep, "#if 1\n");
		run(&r, deep, NULL);
		assert_null(r.text);
		assert_non_null(strstr(r.msgs, "ERROR: conditionals nested more than 64 deep\n"));
		assert_non_null(strstr(r.msgs, "HINT: flatten the nesting, e.g. combine conditions with && in one #if\n"));
		done(&r);
	}
	run(&r, "#define A 1 /* x */ + /**/ 2 // y /*\n#define S \"/*\"\n#if 0\n#define B /*\n#endif\n", NULL);
	assert_non_null(r.text);
	assert_int_equal(r.diag.errors, 0);
	done(&r);
}

/* Every #define and #undef of the active regions goes into the macro
 * table, at its line: the same name means different things above and
 * below a redefinition; a #define in an inactive region is not recorded.
 * A #define without a name is an error, as in clang. */
static void test_defines_go_to_the_table(void **state)
{
	const char *src = "#define N 1\nA\n#if 0\n#define HIDDEN 1\n#endif\n#undef N\nB\n#define N (2 + \\\n 3)\nC\n";
	struct run r;
	const struct fth_cmacro *m;

	(void)state;
	run(&r, src, NULL);
	assert_non_null(r.text);
	m = fth_cmacros_find(r.macros, "N", 1, (uint32_t)(strchr(src, 'A') - src));
	assert_non_null(m);
	assert_string_equal(m->text, "1");
	assert_null(fth_cmacros_find(r.macros, "N", 1, (uint32_t)(strchr(src, 'B') - src)));
	m = fth_cmacros_find(r.macros, "N", 1, (uint32_t)(strchr(src, 'C') - src));
	assert_non_null(m);
	assert_string_equal(m->text, "(2 +   3)");
	assert_null(fth_cmacros_find(r.macros, "HIDDEN", 6, r.src.len));
	done(&r);
	run(&r, "#define\n", NULL);
	assert_null(r.text);
	assert_non_null(strstr(r.msgs, "t.bt:1:1-8: ERROR: #define needs a macro name\n"));
	done(&r);
}

/* Names for fth_cpp_eval: A is 4, B is 8, anything else has no value. */
static bool lookup_ab(void *ctx, const char *name, size_t len, int64_t *value)
{
	(void)ctx;
	if (len != 1 || (*name != 'A' && *name != 'B'))
		return false;
	*value = *name == 'A' ? 4 : 8;
	return true;
}

static bool eval(const char *text, int64_t *value)
{
	return fth_cpp_eval(text, strlen(text), lookup_ab, NULL, value);
}

/* #define bodies: integer expressions whose names the caller resolves. */
static void test_eval_define_bodies(void **state)
{
	int64_t v = 0;

	assert_true(eval("(1<<10)", &v));
	assert_int_equal(v, 1024);
	assert_true(eval(" (A | B) * 2 ", &v));
	assert_int_equal(v, 24);
	assert_true(eval("-(A + 1)", &v));
	assert_int_equal(v, -5);
	assert_true(eval("0x10UL", &v));
	assert_int_equal(v, 16);
	assert_true(eval("A > 2 ? B : 0", &v));
	assert_int_equal(v, 8);
	/* unknown names are no value here (in #if they would be 0) */
	assert_false(eval("A | C", &v));
	assert_false(eval("defined(A)", &v));
	assert_false(eval("((u32)4)", &v));
	assert_false(eval("\"text\"", &v));
	assert_false(eval("1 2", &v));
	assert_false(eval("", &v));
	assert_false(eval("1 / 0", &v));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ifndef_btf),
		cmocka_unit_test(test_if_arithmetic_wraps),
		cmocka_unit_test(test_nesting_elif_and_defines),
		cmocka_unit_test(test_comments_and_strings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_if_short_circuits),
		cmocka_unit_test(test_defines_go_to_the_table),
		cmocka_unit_test(test_eval_define_bodies),
		cmocka_unit_test(test_if_expands_macros_as_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
