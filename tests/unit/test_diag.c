/* test_diag.c - exact rendering of diagnostics and the "did you mean"
 * helpers. Output goes to a memory stream and is compared byte for byte:
 * the layout is what users and the e2e tests see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* A diag writing into memory; finish() returns what was written. */
struct capture {
	struct fth_source src;
	struct fth_diag diag;
	FILE *out;
	char *buf;
	size_t len;
};

static void capture_begin(struct capture *c, const char *name, const char *text)
{
	memset(c, 0, sizeof(*c));
	c->src.name = name;
	c->src.text = text;
	c->src.len = (uint32_t)strlen(text);
	c->out = open_memstream(&c->buf, &c->len);
	assert_non_null(c->out);
	fth_diag_init(&c->diag, &c->src, c->out);
}

static const char *capture_text(struct capture *c)
{
	fflush(c->out);
	return c->buf;
}

static void capture_end(struct capture *c)
{
	fclose(c->out);
	free(c->buf);
}

/* Offset of the first occurrence of needle, so ranges read as words. */
static uint32_t offset_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);

	assert_non_null(p);
	return (uint32_t)(p - text);
}

static void test_error_range_on_line_2(void **state)
{
	static const char text[] = "BEGIN {\n    kstk(1);\n}\n";
	struct capture c;

	capture_begin(&c, "script.bt", text);
	uint32_t b = offset_of(text, "kstk");
	fth_error(&c.diag, ((struct fth_range){ b, b + 4 }), "unknown function '%s'", "kstk");
	assert_string_equal(capture_text(&c),
			    "script.bt:2:5-9: ERROR: unknown function 'kstk'\n"
			    "    kstk(1);\n"
			    "    ~~~~\n");
	assert_int_equal(c.diag.errors, 1);
	assert_int_equal(c.diag.warnings, 0);
	capture_end(&c);
}

/* A probe with several attach points is checked once per attach point:
 * the same message at the same place is printed once but counted each
 * time; the same text at another place, or with another hint, is new. */
static void test_repeated_message_printed_once(void **state)
{
	static const char text[] = "BEGIN { kstk(1); kstk(2); }\n";
	struct capture c;
	uint32_t first = offset_of(text, "kstk(1)"), second = offset_of(text, "kstk(2)");

	capture_begin(&c, "stdin", text);
	for (int i = 0; i < 3; i++)
		fth_error(&c.diag, ((struct fth_range){ first, first + 4 }), "unknown function '%s'", "kstk");
	fth_error(&c.diag, ((struct fth_range){ second, second + 4 }), "unknown function '%s'", "kstk");
	fth_error_hint(&c.diag, ((struct fth_range){ second, second + 4 }), "did you mean 'kstack'?",
		       "unknown function '%s'", "kstk");
	fth_warning(&c.diag, ((struct fth_range){ first, first + 4 }), "unknown function '%s'", "kstk");
	fth_warning(&c.diag, ((struct fth_range){ first, first + 4 }), "unknown function '%s'", "kstk");
	assert_string_equal(capture_text(&c),
			    "stdin:1:9-13: ERROR: unknown function 'kstk'\n"
			    "BEGIN { kstk(1); kstk(2); }\n"
			    "        ~~~~\n"
			    "stdin:1:18-22: ERROR: unknown function 'kstk'\n"
			    "BEGIN { kstk(1); kstk(2); }\n"
			    "                 ~~~~\n"
			    "stdin:1:18-22: ERROR: unknown function 'kstk'\n"
			    "BEGIN { kstk(1); kstk(2); }\n"
			    "                 ~~~~\n"
			    "HINT: did you mean 'kstack'?\n"
			    "stdin:1:9-13: WARNING: unknown function 'kstk'\n"
			    "BEGIN { kstk(1); kstk(2); }\n"
			    "        ~~~~\n");
	assert_int_equal(c.diag.errors, 5);
	assert_int_equal(c.diag.warnings, 2);
	capture_end(&c);
}

static void test_zero_length_range_gives_caret(void **state)
{
	static const char text[] = "BEGIN {\n    x = 1\n}\n";
	struct capture c;

	capture_begin(&c, "stdin", text);
	uint32_t b = offset_of(text, "1") + 1;
	fth_error(&c.diag, ((struct fth_range){ b, b }), "expected ';'");
	assert_string_equal(capture_text(&c),
			    "stdin:2:10: ERROR: expected ';'\n"
			    "    x = 1\n"
			    "         ^\n");
	capture_end(&c);
}

/* One character is shown as a plain line:col, as compilers do. */
static void test_single_character_range(void **state)
{
	static const char text[] = "a + @\n";
	struct capture c;

	capture_begin(&c, "stdin", text);
	fth_error(&c.diag, ((struct fth_range){ 4, 5 }), "unexpected '@'");
	assert_string_equal(capture_text(&c),
			    "stdin:1:5: ERROR: unexpected '@'\n"
			    "a + @\n"
			    "    ~\n");
	capture_end(&c);
}

static void test_warning(void **state)
{
	static const char text[] = "kprobe:f { @x = 1; }";
	struct capture c;

	capture_begin(&c, "w.bt", text);
	uint32_t b = offset_of(text, "@x");
	fth_warning(&c.diag, ((struct fth_range){ b, b + 2 }), "map '%s' is never read", "@x");
	assert_string_equal(capture_text(&c),
			    "w.bt:1:12-14: WARNING: map '@x' is never read\n"
			    "kprobe:f { @x = 1; }\n"
			    "           ~~\n");
	assert_int_equal(c.diag.errors, 0);
	assert_int_equal(c.diag.warnings, 1);
	capture_end(&c);
}

/* Variables that macro expansion renamed show as the script spells them;
 * text that only looks similar stays as it is. */
static void test_macro_renamed_variables_shown_as_written(void **state)
{
	static const char text[] = "begin { $y = 1; }";
	struct capture c;

	(void)state;
	capture_begin(&c, "m.bt", text);
	uint32_t b = offset_of(text, "$y");
	fth_error(&c.diag, ((struct fth_range){ b, b + 2 }), "%s and %s, not %s or %s or %s", "$__macro12_y",
		  "$__macro0_total", "$__macro_x", "$__macro3", "__macro4_z");
	assert_string_equal(capture_text(&c),
			    "m.bt:1:9-11: ERROR: $y and $total, not $__macro_x or $__macro3 or __macro4_z\n"
			    "begin { $y = 1; }\n"
			    "        ~~\n");
	capture_end(&c);
}

static void test_quiet_warnings(void **state)
{
	struct capture c;

	capture_begin(&c, "w.bt", "x");
	c.diag.quiet_warnings = true;
	fth_warning(&c.diag, ((struct fth_range){ 0, 1 }), "hidden");
	fth_diag_plain(&c.diag, FTH_SEV_WARNING, NULL, "also hidden");
	assert_string_equal(capture_text(&c), "");
	assert_int_equal(c.diag.warnings, 0);
	/* Errors are never quiet. */
	fth_error(&c.diag, ((struct fth_range){ 0, 1 }), "shown");
	assert_int_equal(c.diag.errors, 1);
	assert_non_null(strstr(capture_text(&c), "w.bt:1:1: ERROR: shown\n"));
	capture_end(&c);
}

/* errorf()/warnf() at run time: the location header and the text, no
 * source excerpt, one trailing newline dropped, nothing counted;
 * quiet_warnings hides warnf but not errorf. */
static void test_located_message(void **state)
{
	static const char text[] = "BEGIN { errorf(\"x\"); }";
	struct capture c;

	capture_begin(&c, "stdin", text);
	uint32_t b = offset_of(text, "errorf");
	struct fth_range r = { b, b + 11 };
	fth_diag_located(&c.diag, FTH_SEV_ERROR, r, "bad 1\n");
	fth_diag_located(&c.diag, FTH_SEV_WARNING, r, "two\n\n");
	assert_string_equal(capture_text(&c), "stdin:1:9-20: ERROR: bad 1\n"
					      "stdin:1:9-20: WARNING: two\n\n");
	assert_int_equal(c.diag.errors, 0);
	assert_int_equal(c.diag.warnings, 0);
	c.diag.quiet_warnings = true;
	fth_diag_located(&c.diag, FTH_SEV_WARNING, r, "hidden");
	fth_diag_located(&c.diag, FTH_SEV_ERROR, r, "shown");
	assert_string_equal(capture_text(&c), "stdin:1:9-20: ERROR: bad 1\n"
					      "stdin:1:9-20: WARNING: two\n\n"
					      "stdin:1:9-20: ERROR: shown\n");
	capture_end(&c);
}

/* Attach-time messages: bpftrace's bare "SEV: text" first, word for word,
 * then the place, the caret range and the hint; counted like any other
 * diagnostic, warnings quieted by -q. A message of two lines keeps both
 * ahead of the place. */
static void test_attach_time_message(void **state)
{
	static const char text[] = "BEGIN { }\nuprobe:/bin/sh:nope { }\n";
	struct capture c;

	capture_begin(&c, "stdin", text);
	uint32_t b = offset_of(text, "uprobe");
	struct fth_range r = { b, b + 19 };
	fth_attach_error_hint(&c.diag, r, "did you mean 'main'?", "Could not resolve symbol: %s:%s", "/bin/sh",
			      "nope");
	fth_attach_warning(&c.diag, r, "first\nsecond");
	assert_string_equal(capture_text(&c), "ERROR: Could not resolve symbol: /bin/sh:nope\n"
					      "stdin:2:1-20: at this attach point\n"
					      "uprobe:/bin/sh:nope { }\n"
					      "~~~~~~~~~~~~~~~~~~~\n"
					      "HINT: did you mean 'main'?\n"
					      "WARNING: first\n"
					      "second\n"
					      "stdin:2:1-20: at this attach point\n"
					      "uprobe:/bin/sh:nope { }\n"
					      "~~~~~~~~~~~~~~~~~~~\n");
	assert_int_equal(c.diag.errors, 1);
	assert_int_equal(c.diag.warnings, 1);
	c.diag.quiet_warnings = true;
	fth_attach_warning(&c.diag, r, "hidden");
	assert_int_equal(c.diag.warnings, 1);
	assert_null(strstr(capture_text(&c), "hidden"));
	capture_end(&c);
}

static void test_hint_line(void **state)
{
	static const char text[] = "BEGIN { @[comm] = cuont(); }\n";
	struct capture c;

	capture_begin(&c, "script.bt", text);
	uint32_t b = offset_of(text, "cuont");
	fth_error_hint(&c.diag, ((struct fth_range){ b, b + 5 }), "did you mean 'count'?",
		       "unknown function '%s'", "cuont");
	assert_string_equal(capture_text(&c),
			    "script.bt:1:19-24: ERROR: unknown function 'cuont'\n"
			    "BEGIN { @[comm] = cuont(); }\n"
			    "                  ~~~~~\n"
			    "HINT: did you mean 'count'?\n");
	capture_end(&c);
}

/* A macro body's error, as current bpftrace shows it: in the body, then
 * "expanded from" at each call, innermost first (m() inside n(), n() in
 * the probe), counted once; without a chain it is a plain report. */
static void test_expanded_from_macro(void **state)
{
	static const char text[] = "macro m() { nosuch }\nmacro n() { m() }\nBEGIN { print(n()); }\n";
	struct capture c;

	(void)state;
	capture_begin(&c, "script.bt", text);
	uint32_t body = offset_of(text, "nosuch"), inner = offset_of(text, "m() }"),
		 outer = offset_of(text, "print(n()") + 6;
	struct fth_expansion probe_call = { { outer, outer + 3 }, NULL };
	struct fth_expansion macro_call = { { inner, inner + 3 }, &probe_call };
	fth_diag_report_expanded(&c.diag, FTH_SEV_ERROR, ((struct fth_range){ body, body + 6 }), &macro_call,
				 "a hint", "unknown identifier '%s'", "nosuch");
	fth_diag_report_expanded(&c.diag, FTH_SEV_WARNING, ((struct fth_range){ body, body + 6 }), NULL, NULL,
				 "plain");
	assert_string_equal(capture_text(&c),
			    "script.bt:1:13-19: ERROR: unknown identifier 'nosuch'\n"
			    "macro m() { nosuch }\n"
			    "            ~~~~~~\n"
			    "HINT: a hint\n"
			    "script.bt:2:13-16: ERROR: expanded from\n"
			    "macro n() { m() }\n"
			    "            ~~~\n"
			    "script.bt:3:15-18: ERROR: expanded from\n"
			    "BEGIN { print(n()); }\n"
			    "              ~~~\n"
			    "script.bt:1:13-19: WARNING: plain\n"
			    "macro m() { nosuch }\n"
			    "            ~~~~~~\n");
	assert_int_equal(c.diag.errors, 1);
	assert_int_equal(c.diag.warnings, 1);
	capture_end(&c);
}

/* The underline copies tabs so it stays under the text in a terminal. */
static void test_tabs_kept_in_underline(void **state)
{
	static const char text[] = "{\n\t\tfoo = 1;\n}";
	struct capture c;

	capture_begin(&c, "t.bt", text);
	uint32_t b = offset_of(text, "foo");
	fth_error(&c.diag, ((struct fth_range){ b, b + 3 }), "bad");
	assert_string_equal(capture_text(&c),
			    "t.bt:2:3-6: ERROR: bad\n"
			    "\t\tfoo = 1;\n"
			    "\t\t~~~\n");
	capture_end(&c);
}

/* A range running onto the next line: the header names its start only and
 * the underline stops at the end of the first line. */
static void test_range_across_lines(void **state)
{
	static const char text[] = "if (a &&\n    b) {}\n";
	struct capture c;

	capture_begin(&c, "t.bt", text);
	uint32_t b = offset_of(text, "a &&");
	uint32_t e = offset_of(text, "b)") + 1;
	fth_error(&c.diag, ((struct fth_range){ b, e }), "bad condition");
	assert_string_equal(capture_text(&c),
			    "t.bt:1:5: ERROR: bad condition\n"
			    "if (a &&\n"
			    "    ~~~~\n");
	capture_end(&c);
}

static void test_first_and_last_line_without_newline(void **state)
{
	static const char text[] = "ab\ncd";
	struct capture c;

	capture_begin(&c, "t.bt", text);
	fth_error(&c.diag, ((struct fth_range){ 0, 2 }), "first");
	fth_error(&c.diag, ((struct fth_range){ 3, 5 }), "last");
	assert_string_equal(capture_text(&c),
			    "t.bt:1:1-3: ERROR: first\n"
			    "ab\n"
			    "~~\n"
			    "t.bt:2:1-3: ERROR: last\n"
			    "cd\n"
			    "~~\n");
	assert_int_equal(c.diag.errors, 2);
	capture_end(&c);
}

static void test_plain_message(void **state)
{
	struct capture c;

	capture_begin(&c, "t.bt", "");
	fth_diag_plain(&c.diag, FTH_SEV_ERROR, "run as root", "cannot load program: %s",
		       "Operation not permitted");
	fth_diag_plain(&c.diag, FTH_SEV_WARNING, NULL, "%d lost events", 3);
	assert_string_equal(capture_text(&c),
			    "ERROR: cannot load program: Operation not permitted\n"
			    "HINT: run as root\n"
			    "WARNING: 3 lost events\n");
	assert_int_equal(c.diag.errors, 1);
	assert_int_equal(c.diag.warnings, 1);
	capture_end(&c);
}

/* Running out of descriptors or buffer memory names the limit to raise. */
static void test_resource_hints(void **state)
{
	(void)state;
	assert_non_null(strstr(fth_fd_limit_hint(EMFILE), "ulimit -n"));
	assert_non_null(strstr(fth_fd_limit_hint(ENFILE), "ulimit -n"));
	assert_null(fth_fd_limit_hint(ENOMEM));
	assert_non_null(strstr(fth_buffer_refused_hint(EMFILE), "ulimit -n"));
	assert_non_null(strstr(fth_buffer_refused_hint(ENOMEM), "ulimit -l"));
	assert_non_null(strstr(fth_buffer_refused_hint(ENOMEM), "perf_rb_pages"));
	assert_non_null(strstr(fth_buffer_refused_hint(EPERM), "root"));
	assert_non_null(strstr(fth_buffer_refused_hint(EINVAL), "perf_rb_pages"));
}

static void test_source_position(void **state)
{
	struct fth_source src = { .name = "t", .text = "ab\n\ncd", .len = 6 };
	int line, col;

	fth_source_position(&src, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	fth_source_position(&src, 2, &line, &col); /* the first '\n' */
	assert_int_equal(line, 1);
	assert_int_equal(col, 3);
	fth_source_position(&src, 3, &line, &col); /* the empty line */
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	fth_source_position(&src, 5, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 2);
	fth_source_position(&src, 1000, &line, &col); /* clamped to the end */
	assert_int_equal(line, 3);
	assert_int_equal(col, 3);
}

static void test_edit_distance(void **state)
{
	assert_int_equal(fth_edit_distance("", ""), 0);
	assert_int_equal(fth_edit_distance("count", "count"), 0);
	assert_int_equal(fth_edit_distance("", "abc"), 3);
	assert_int_equal(fth_edit_distance("abc", ""), 3);
	assert_int_equal(fth_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(fth_edit_distance("sitting", "kitten"), 3);
	/* A swap is two edits: plain Levenshtein, no transpositions. */
	assert_int_equal(fth_edit_distance("cuont", "count"), 2);
	assert_int_equal(fth_edit_distance("hist", "lhist"), 1);
	assert_int_equal(fth_edit_distance("printf", "print"), 1);
	assert_int_equal(fth_edit_distance("flaw", "lawn"), 2);
}

static void test_closest_name(void **state)
{
	static const char *const builtins[] = { "count", "sum", "hist", "lhist", "printf", "print" };
	const int n = (int)(sizeof(builtins) / sizeof(builtins[0]));

	assert_string_equal(fth_closest_name("cuont", builtins, n), "count");
	assert_string_equal(fth_closest_name("hsit", builtins, n), "hist");
	assert_string_equal(fth_closest_name("printff", builtins, n), "printf");
	/* An exact match is no suggestion: "did you mean 'print'?" for
	 * print would say nothing (the name is known but wrong there). */
	assert_null(fth_closest_name("sum", builtins, n));
	assert_string_equal(fth_closest_name("print", builtins, n), "printf");
	/* Equal distances: the first candidate listed wins. */
	assert_string_equal(fth_closest_name("prin", builtins, n), "print");
	/* Nothing plausible: no suggestion rather than a confusing one. */
	assert_null(fth_closest_name("xyz", builtins, n));
	assert_null(fth_closest_name("kstack", builtins, n));
	assert_null(fth_closest_name("count", builtins, 0));
}

/* Imported files live in one buffer after the main script, each an
 * fth_source with its own start: a range there is reported in that file,
 * with its own line numbers, and the excerpt stops at the file's start. */
static void test_range_in_imported_file(void **state)
{
	static const char buffer[] = "import \"lib.bt\";\nBEGIN { }\nBEGIN { nope(); }\n";
	struct fth_source lib = { .name = "lib.bt", .text = buffer };
	const struct fth_source *files[] = { &lib };
	struct fth_range r;
	struct capture c;
	int line, col;

	(void)state;
	capture_begin(&c, "main.bt", "import \"lib.bt\";");
	lib.start = offset_of(buffer, "BEGIN { }");
	lib.len = (uint32_t)strlen(buffer);
	c.diag.files = files;
	c.diag.nfiles = 1;
	assert_ptr_equal(fth_diag_source(&c.diag, 3), &c.src);
	assert_ptr_equal(fth_diag_source(&c.diag, lib.start + 2), &lib);
	fth_source_position(&lib, offset_of(buffer, "nope"), &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 9);
	r.begin = offset_of(buffer, "nope");
	r.end = r.begin + 6;
	fth_error(&c.diag, r, "unknown function 'nope'");
	r.begin = lib.start;
	r.end = r.begin + 5;
	fth_error(&c.diag, r, "first line");
	r.begin = 0;
	r.end = 6;
	fth_error(&c.diag, r, "in the script");
	assert_string_equal(capture_text(&c), "lib.bt:2:9-15: ERROR: unknown function 'nope'\n"
					      "BEGIN { nope(); }\n"
					      "        ~~~~~~\n"
					      "lib.bt:1:1-6: ERROR: first line\n"
					      "BEGIN { }\n"
					      "~~~~~\n"
					      "main.bt:1:1-7: ERROR: in the script\n"
					      "import \"lib.bt\";\n"
					      "~~~~~~\n");
	capture_end(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_range_on_line_2),
		cmocka_unit_test(test_zero_length_range_gives_caret),
		cmocka_unit_test(test_single_character_range),
		cmocka_unit_test(test_warning),
		cmocka_unit_test(test_attach_time_message),
		cmocka_unit_test(test_macro_renamed_variables_shown_as_written),
		cmocka_unit_test(test_quiet_warnings),
		cmocka_unit_test(test_located_message),
		cmocka_unit_test(test_hint_line),
		cmocka_unit_test(test_expanded_from_macro),
		cmocka_unit_test(test_tabs_kept_in_underline),
		cmocka_unit_test(test_range_across_lines),
		cmocka_unit_test(test_first_and_last_line_without_newline),
		cmocka_unit_test(test_plain_message),
		cmocka_unit_test(test_source_position),
		cmocka_unit_test(test_resource_hints),
		cmocka_unit_test(test_repeated_message_printed_once),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_closest_name),
		cmocka_unit_test(test_range_in_imported_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
