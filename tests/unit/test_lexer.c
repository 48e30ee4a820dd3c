/* test_lexer.c - unit tests for the bpftrace lexer (src/lexer.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "diag.h"
#include "lexer.h"

#define MAX_TOKENS 64

/* Everything one lexing run produces: tokens up to EOF and the diagnostics
 * text, so tests can check both. */
struct lexed {
	struct fth_source src;
	struct fth_diag diag;
	struct fth_arena arena;
	struct fth_lexer lx;
	struct fth_token tokens[MAX_TOKENS];
	int count; /* tokens before EOF */
	char *messages;
	size_t messages_len;
	FILE *out;
};

static void lex_begin(struct lexed *l, const char *text, uint32_t len)
{
	memset(l, 0, sizeof(*l));
	l->src.name = "test.bt";
	l->src.text = text;
	l->src.len = len;
	l->out = open_memstream(&l->messages, &l->messages_len);
	fth_diag_init(&l->diag, &l->src, l->out);
	fth_arena_init(&l->arena);
	fth_lexer_init(&l->lx, &l->src, &l->diag, &l->arena);
}

static void lex_all_n(struct lexed *l, const char *text, uint32_t len)
{
	lex_begin(l, text, len);
	while (l->count < MAX_TOKENS) {
		struct fth_token t = fth_lexer_next(&l->lx);
		if (t.kind == TOK_EOF)
			break;
		l->tokens[l->count++] = t;
	}
	fflush(l->out);
}

static void lex_all(struct lexed *l, const char *text)
{
	lex_all_n(l, text, (uint32_t)strlen(text));
}

static void lex_end(struct lexed *l)
{
	fclose(l->out);
	free(l->messages);
	fth_arena_free(&l->arena);
}

/* Lex `text`, which must be exactly one token, and return it. */
static struct fth_token lex_one(struct lexed *l, const char *text)
{
	lex_all(l, text);
	assert_int_equal(l->count, 1);
	return l->tokens[0];
}

static void assert_kinds(const char *text, const enum fth_token_kind *kinds, int n)
{
	struct lexed l;

	lex_all(&l, text);
	assert_int_equal(l.diag.errors, 0);
	assert_int_equal(l.count, n);
	for (int i = 0; i < n; i++) {
		if (l.tokens[i].kind != kinds[i])
			fail_msg("token %d of \"%s\": got %s, want %s", i, text,
				 fth_token_kind_name(l.tokens[i].kind), fth_token_kind_name(kinds[i]));
	}
	lex_end(&l);
}

#define ASSERT_KINDS(text, ...)                                                              \
	do {                                                                                 \
		static const enum fth_token_kind kinds_[] = { __VA_ARGS__ };                 \
		assert_kinds(text, kinds_, (int)(sizeof(kinds_) / sizeof(kinds_[0])));       \
	} while (0)

static uint64_t lex_integer(const char *text)
{
	struct lexed l;
	struct fth_token t = lex_one(&l, text);
	uint64_t value = t.integer;

	if (l.diag.errors)
		fail_msg("\"%s\": unexpected error:\n%s", text, l.messages);
	assert_int_equal(t.kind, TOK_INT);
	lex_end(&l);
	return value;
}

/* Lex `text`, expect exactly one error, and compare the whole message. */
static void assert_lex_error(const char *text, const char *expected)
{
	struct lexed l;

	lex_all(&l, text);
	assert_int_equal(l.diag.errors, 1);
	assert_string_equal(l.messages, expected);
	lex_end(&l);
}

/* ------------------------------------------------------------------------ */

static void test_punctuation_and_operators(void **state)
{
	(void)state;
	ASSERT_KINDS("{ } ( ) [ ] ; , : . .. -> ?", TOK_LBRACE, TOK_RBRACE, TOK_LPAREN, TOK_RPAREN,
		     TOK_LBRACKET, TOK_RBRACKET, TOK_SEMI, TOK_COMMA, TOK_COLON, TOK_DOT, TOK_DOTDOT,
		     TOK_ARROW, TOK_QUESTION);
	ASSERT_KINDS("= + - * / % & | ^ ~ !", TOK_ASSIGN, TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH,
		     TOK_PERCENT, TOK_AMP, TOK_PIPE, TOK_CARET, TOK_TILDE, TOK_BANG);
	ASSERT_KINDS("<< >> && || == != < <= > >= ++ --", TOK_SHL, TOK_SHR, TOK_ANDAND, TOK_OROR, TOK_EQ,
		     TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE, TOK_INC, TOK_DEC);
	ASSERT_KINDS("+= -= *= /= %= &= |= ^= <<= >>=", TOK_PLUS_ASSIGN, TOK_MINUS_ASSIGN, TOK_STAR_ASSIGN,
		     TOK_SLASH_ASSIGN, TOK_PERCENT_ASSIGN, TOK_AMP_ASSIGN, TOK_PIPE_ASSIGN, TOK_CARET_ASSIGN,
		     TOK_SHL_ASSIGN, TOK_SHR_ASSIGN);
	/* longest match without spaces */
	ASSERT_KINDS("a<<=b>>c", TOK_IDENT, TOK_SHL_ASSIGN, TOK_IDENT, TOK_SHR, TOK_IDENT);
	ASSERT_KINDS("x--->y", TOK_IDENT, TOK_DEC, TOK_ARROW, TOK_IDENT);
	ASSERT_KINDS("0..10", TOK_INT, TOK_DOTDOT, TOK_INT);
	ASSERT_KINDS("$t.0.1", TOK_VAR, TOK_DOT, TOK_INT, TOK_DOT, TOK_INT);
}

static void test_keywords(void **state)
{
	(void)state;
	ASSERT_KINDS("if else while for unroll break continue return let config import macro fn",
		     TOK_IF, TOK_ELSE, TOK_WHILE, TOK_FOR, TOK_UNROLL, TOK_BREAK, TOK_CONTINUE,
		     TOK_RETURN, TOK_LET, TOK_CONFIG, TOK_IMPORT, TOK_MACRO, TOK_FN);
	ASSERT_KINDS("sizeof offsetof typeof true false struct union enum", TOK_SIZEOF, TOK_OFFSETOF,
		     TOK_TYPEOF, TOK_TRUE, TOK_FALSE, TOK_STRUCT, TOK_UNION, TOK_ENUM);
	/* prefixes and extensions of keywords are identifiers */
	ASSERT_KINDS("iff _if fork letter BEGIN END _", TOK_IDENT, TOK_IDENT, TOK_IDENT, TOK_IDENT,
		     TOK_IDENT, TOK_IDENT, TOK_IDENT);
}

static void test_keyword_tokens_carry_text(void **state)
{
	struct lexed l;
	struct fth_token t = lex_one(&l, "config");

	(void)state;
	assert_int_equal(t.kind, TOK_CONFIG);
	assert_string_equal(t.text, "config");
	lex_end(&l);
}

static void test_names(void **state)
{
	struct lexed l;

	(void)state;
	lex_all(&l, "comm $x $_y1 @ @start @_m2 $1 $42 $#");
	assert_int_equal(l.diag.errors, 0);
	assert_int_equal(l.count, 9);
	assert_int_equal(l.tokens[0].kind, TOK_IDENT);
	assert_string_equal(l.tokens[0].text, "comm");
	assert_int_equal(l.tokens[1].kind, TOK_VAR);
	assert_string_equal(l.tokens[1].text, "$x");
	assert_string_equal(l.tokens[2].text, "$_y1");
	assert_int_equal(l.tokens[3].kind, TOK_MAP);
	assert_string_equal(l.tokens[3].text, "@");
	assert_string_equal(l.tokens[4].text, "@start");
	assert_string_equal(l.tokens[5].text, "@_m2");
	assert_int_equal(l.tokens[6].kind, TOK_POSITIONAL);
	assert_int_equal(l.tokens[6].integer, 1);
	assert_int_equal(l.tokens[7].integer, 42);
	assert_int_equal(l.tokens[8].kind, TOK_POSITIONAL);
	assert_true(l.tokens[8].integer == (uint64_t)-1);
	/* ranges are byte offsets */
	assert_int_equal(l.tokens[4].range.begin, 15);
	assert_int_equal(l.tokens[4].range.end, 21);
	lex_end(&l);
}

static void test_integer_forms(void **state)
{
	(void)state;
	assert_int_equal(lex_integer("0"), 0);
	assert_int_equal(lex_integer("123"), 123);
	assert_int_equal(lex_integer("0x1F"), 31);
	assert_int_equal(lex_integer("0XfF"), 255);
	assert_int_equal(lex_integer("010"), 8);
	assert_int_equal(lex_integer("0123"), 83);
	assert_int_equal(lex_integer("00"), 0);
	assert_int_equal(lex_integer("1_000"), 1000);
	assert_int_equal(lex_integer("1_000_000"), 1000000);
	assert_int_equal(lex_integer("0x1_f"), 31);
}

static void test_integer_scientific(void **state)
{
	(void)state;
	assert_int_equal(lex_integer("1e6"), 1000000);
	assert_int_equal(lex_integer("5e3"), 5000);
	assert_int_equal(lex_integer("9e0"), 9);
	assert_true(lex_integer("1e19") == 10000000000000000000ULL);
}

static void test_integer_suffixes(void **state)
{
	(void)state;
	assert_int_equal(lex_integer("5u"), 5);
	assert_int_equal(lex_integer("5L"), 5);
	assert_int_equal(lex_integer("5ul"), 5);
	assert_int_equal(lex_integer("5ll"), 5);
	assert_int_equal(lex_integer("5ULL"), 5);
	assert_int_equal(lex_integer("0xffull"), 255);
}

static void test_integer_durations(void **state)
{
	(void)state;
	assert_int_equal(lex_integer("7ns"), 7);
	assert_int_equal(lex_integer("7us"), 7000);
	assert_int_equal(lex_integer("1ms"), 1000000);
	assert_int_equal(lex_integer("2s"), 2000000000LL);
	assert_true(lex_integer("1m") == 60000000000ULL);
	assert_true(lex_integer("1h") == 3600000000000ULL);
	assert_true(lex_integer("1d") == 86400000000000ULL);
	assert_true(lex_integer("1_000ms") == 1000000000ULL);
}

static void test_integer_huge(void **state)
{
	(void)state;
	/* above INT64_MAX stays as an unsigned value */
	assert_true(lex_integer("9223372036854775808") == 9223372036854775808ULL);
	assert_true(lex_integer("18446744073709551615") == UINT64_MAX);
	assert_true(lex_integer("0xffffffffffffffff") == UINT64_MAX);
}

static void test_integer_errors(void **state)
{
	(void)state;
	assert_lex_error("18446744073709551616",
			 "test.bt:1:1-21: ERROR: integer literal is too large\n"
			 "18446744073709551616\n"
			 "~~~~~~~~~~~~~~~~~~~~\n"
			 "HINT: the largest integer is 18446744073709551615\n");
	assert_lex_error("20000000000d",
			 "test.bt:1:1-13: ERROR: integer literal is too large\n"
			 "20000000000d\n"
			 "~~~~~~~~~~~~\n"
			 "HINT: the largest integer is 18446744073709551615\n");
	assert_lex_error("12e3",
			 "test.bt:1:1-5: ERROR: invalid integer literal\n"
			 "12e3\n"
			 "~~~~\n"
			 "HINT: scientific notation takes one digit from 1 to 9 before 'e', as in 1e6\n");
	assert_lex_error("x = 09;",
			 "test.bt:1:6: ERROR: invalid digit '9' in octal literal\n"
			 "x = 09;\n"
			 "     ~\n"
			 "HINT: a leading 0 makes a number octal (digits 0 to 7): drop the 0 for a decimal number\n");
	assert_lex_error("1_",
			 "test.bt:1:2: ERROR: an integer literal cannot end with '_'\n"
			 "1_\n"
			 " ~\n"
			 "HINT: remove the trailing '_'; it only separates digits\n");
	assert_lex_error("0x_1",
			 "test.bt:1:3: ERROR: '_' must come after a digit in an integer literal\n"
			 "0x_1\n"
			 "  ~\n"
			 "HINT: write e.g. 0xff_ff: the first digit comes first\n");
	assert_lex_error("0x",
			 "test.bt:1:1-3: ERROR: hexadecimal literal has no digits after '0x'\n"
			 "0x\n"
			 "~~\n"
			 "HINT: write hex digits after it, e.g. 0x1f\n");
	assert_lex_error("10kb",
			 "test.bt:1:3-5: ERROR: invalid suffix 'kb' on integer literal\n"
			 "10kb\n"
			 "  ~~\n"
			 "HINT: integer suffixes are u, l, ul, ll, ull and the durations ns, us, ms, s, m, h, d\n");
}

static void test_integer_error_yields_error_token(void **state)
{
	struct lexed l;

	(void)state;
	lex_all(&l, "a 08 b");
	assert_int_equal(l.count, 3);
	assert_int_equal(l.tokens[1].kind, TOK_ERROR);
	assert_int_equal(l.tokens[2].kind, TOK_IDENT);
	lex_end(&l);
}

static void test_string_escapes(void **state)
{
	struct lexed l;
	struct fth_token t;

	(void)state;
	t = lex_one(&l, "\"a\\n\\t\\r\\\"\\\\b\"");
	assert_int_equal(t.kind, TOK_STRING);
	assert_int_equal(t.len, 7);
	assert_memory_equal(t.text, "a\n\t\r\"\\b", 7);
	lex_end(&l);

	t = lex_one(&l, "\"\\101\\0x\\x41\\X4a\\x7\"");
	assert_int_equal(t.kind, TOK_STRING);
	assert_int_equal(t.len, 6);
	assert_memory_equal(t.text, "A\0xAJ\x07", 6);
	lex_end(&l);

	t = lex_one(&l, "\"\\377\"");
	assert_int_equal(t.len, 1);
	assert_int_equal((unsigned char)t.text[0], 255);
	lex_end(&l);

	t = lex_one(&l, "\"\"");
	assert_int_equal(t.kind, TOK_STRING);
	assert_int_equal(t.len, 0);
	assert_string_equal(t.text, "");
	lex_end(&l);
}

static void test_string_errors(void **state)
{
	(void)state;
	assert_lex_error("printf(\"bad \\q\");",
			 "test.bt:1:13-15: ERROR: invalid escape character\n"
			 "printf(\"bad \\q\");\n"
			 "            ~~\n"
			 "HINT: valid escapes are \\n \\t \\r \\\" \\\\ \\NNN (octal) and \\xHH (hex)\n");
	assert_lex_error("\"abc\ndef",
			 "test.bt:1:1-5: ERROR: unterminated string\n"
			 "\"abc\n"
			 "~~~~\n"
			 "HINT: strings must end on the line they start; use \\n for a newline\n");
	assert_lex_error("\"\\400\"",
			 "test.bt:1:2-6: ERROR: octal escape sequence out of range\n"
			 "\"\\400\"\n"
			 " ~~~~\n"
			 "HINT: octal escapes go up to \\377 (255)\n");
	assert_lex_error("\"\\xg\"",
			 "test.bt:1:2-4: ERROR: missing hex digits in escape sequence\n"
			 "\"\\xg\"\n"
			 " ~~\n"
			 "HINT: write one or two hex digits after \\x, as in \\x1b\n");
}

static void test_unterminated_string_at_eof(void **state)
{
	struct lexed l;

	(void)state;
	lex_all(&l, "x \"abc");
	assert_int_equal(l.diag.errors, 1);
	assert_int_equal(l.count, 2);
	assert_int_equal(l.tokens[1].kind, TOK_ERROR);
	lex_end(&l);
}

static void test_comments(void **state)
{
	struct lexed l;

	(void)state;
	ASSERT_KINDS("a // comment\nb /* multi\nline */ c", TOK_IDENT, TOK_IDENT, TOK_IDENT);
	ASSERT_KINDS("a/**/b", TOK_IDENT, TOK_IDENT);
	ASSERT_KINDS("a / b", TOK_IDENT, TOK_SLASH, TOK_IDENT);
	lex_all(&l, "a /* never closed");
	assert_int_equal(l.count, 1);
	assert_string_equal(l.messages, "test.bt:1:3-5: ERROR: unterminated comment\n"
					"a /* never closed\n"
					"  ~~\n"
					"HINT: close the comment with '*/'\n");
	lex_end(&l);
}

static void test_newline_before(void **state)
{
	struct lexed l;

	(void)state;
	lex_all(&l, "a b\nc /* x\n */ d // e\n  f");
	assert_int_equal(l.count, 5);
	assert_true(l.tokens[0].newline_before); /* first token of the input */
	assert_false(l.tokens[1].newline_before);
	assert_true(l.tokens[2].newline_before);
	assert_true(l.tokens[3].newline_before); /* newline inside a comment */
	assert_true(l.tokens[4].newline_before);
	lex_end(&l);
}

static void test_preprocessor_lines(void **state)
{
	struct lexed l;

	(void)state;
	lex_all(&l, "#include <linux/sched.h>\n  #define X 1 \\\n  + 2\nBEGIN");
	assert_int_equal(l.diag.errors, 0);
	assert_int_equal(l.count, 3);
	assert_int_equal(l.tokens[0].kind, TOK_PREPROCESSOR);
	assert_string_equal(l.tokens[0].text, "#include <linux/sched.h>");
	assert_int_equal(l.tokens[1].kind, TOK_PREPROCESSOR);
	assert_string_equal(l.tokens[1].text, "#define X 1 \\\n  + 2");
	assert_int_equal(l.tokens[2].kind, TOK_IDENT);
	lex_end(&l);

	/* '#' not at the start of a line is an error */
	assert_lex_error("a #define b",
			 "test.bt:1:3: ERROR: unexpected character '#'\n"
			 "a #define b\n"
			 "  ~\n"
			 "HINT: preprocessor directives must start their own line\n");
	/* ... and when no directive follows, it reads as a shell comment:
	 * one error, and the rest of the line is skipped. */
	assert_lex_error("a; # b 'c\nd",
			 "test.bt:1:4: ERROR: '#' does not start a comment\n"
			 "a; # b 'c\n"
			 "   ~\n"
			 "HINT: comments are // to the end of the line, or /* ... */\n");
	lex_all(&l, "a # b 'c\nd");
	assert_int_equal(l.diag.errors, 1);
	assert_string_equal(l.tokens[l.count - 1].text, "d");
	lex_end(&l);
}

static void test_shebang_is_skipped(void **state)
{
	(void)state;
	ASSERT_KINDS("#!/usr/bin/env bpftrace\nBEGIN {}", TOK_IDENT, TOK_LBRACE, TOK_RBRACE);
}

static void test_unexpected_characters(void **state)
{
	struct lexed l;

	(void)state;
	assert_lex_error("a ` b", "test.bt:1:3: ERROR: unexpected character '`'\n"
				  "a ` b\n"
				  "  ~\n"
				  "HINT: strings use double quotes, e.g. \"text\"\n");
	assert_lex_error("a \\ b", "test.bt:1:3: ERROR: unexpected character '\\'\n"
				   "a \\ b\n"
				   "  ~\n"
				   "HINT: a backslash belongs in a string, e.g. \"a\\n\"; a line cannot be continued with it\n");
	assert_lex_error("'c", "test.bt:1:1: ERROR: unexpected character '''\n"
				"'c\n"
				"~\n"
				"HINT: strings use double quotes; there are no character literals\n");
	assert_lex_error("$ x", "test.bt:1:1: ERROR: expected a variable name after '$'\n"
				"$ x\n"
				"~\n"
				"HINT: variables are written $name, positional parameters $1, $2, ... and $#\n");
	/* a multi-byte character is one error, with a hint for curly quotes */
	assert_lex_error("\xe2\x80\x9chi", "test.bt:1:1-4: ERROR: unexpected character '\xe2\x80\x9c'\n"
					    "\xe2\x80\x9chi\n"
					    "~~~\n"
					    "HINT: only straight double quotes (\") delimit strings\n");
	assert_lex_error("\xff", "test.bt:1:1: ERROR: unexpected byte 0xff\n"
				 "\xff\n"
				 "~\n"
				 "HINT: remove it: scripts are text (UTF-8 in strings and comments only)\n");
	/* an embedded NUL byte is just a bad byte; lexing goes on after it */
	lex_all_n(&l, "a\0b", 3);
	assert_int_equal(l.diag.errors, 1);
	assert_int_equal(l.count, 3);
	assert_int_equal(l.tokens[1].kind, TOK_ERROR);
	assert_int_equal(l.tokens[2].kind, TOK_IDENT);
	lex_end(&l);
}

/* ---- raw attach points ---- */

/* Read attach points from the start of `text`; returns them joined by '|'
 * followed by the kind of the next regular token. */
static char *attach_points(const char *text)
{
	struct lexed l;
	char *result = calloc(1, 512);
	struct fth_token t;

	lex_begin(&l, text, (uint32_t)strlen(text));
	while (fth_lexer_attach_point(&l.lx, &t)) {
		assert_int_equal(t.kind, TOK_ATTACH_POINT);
		strcat(result, t.text);
		strcat(result, "|");
		t = fth_lexer_next(&l.lx);
		if (t.kind != TOK_COMMA)
			break;
	}
	if (t.kind != TOK_COMMA) {
		strcat(result, fth_token_kind_name(t.kind));
	} else {
		t = fth_lexer_next(&l.lx);
		strcat(result, fth_token_kind_name(t.kind));
	}
	assert_int_equal(l.diag.errors, 0);
	lex_end(&l);
	return result;
}

static void assert_attach(const char *text, const char *expected)
{
	char *got = attach_points(text);

	assert_string_equal(got, expected);
	free(got);
}

static void test_attach_points(void **state)
{
	(void)state;
	assert_attach("tracepoint:syscalls:sys_enter_open* {", "tracepoint:syscalls:sys_enter_open*|LBRACE");
	assert_attach("t:sys*:*open*{", "t:sys*:*open*|LBRACE");
	assert_attach("uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc /pid/ {",
		      "uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc|SLASH");
	assert_attach("uprobe:\"/a b/lib.so\":\"ns::f\" {", "uprobe:\"/a b/lib.so\":\"ns::f\"|LBRACE");
	assert_attach("kprobe:vfs_read+16,kretprobe:vfs_read {", "kprobe:vfs_read+16|kretprobe:vfs_read|LBRACE");
	assert_attach("BEGIN/x/{", "BEGIN|SLASH");
	assert_attach("BEGIN, END, {", "BEGIN|END|LBRACE");
	assert_attach("interval:s:5 {", "interval:s:5|LBRACE");
	assert_attach("watchpoint:0x1000:8:rw {", "watchpoint:0x1000:8:rw|LBRACE");
	assert_attach("usdt:./app:prov:probe {", "usdt:./app:prov:probe|LBRACE");
	assert_attach("uprobe:$1:func {", "uprobe:$1:func|LBRACE");
	assert_attach("kprobe:a, // first\n /* c */ kprobe:b\n{", "kprobe:a|kprobe:b|LBRACE");
	assert_attach("a=kprobe:f {", "a=kprobe:f|LBRACE");
}

static void test_attach_point_refuses_non_start(void **state)
{
	struct lexed l;
	struct fth_token t;

	(void)state;
	lex_begin(&l, "  {", 3);
	assert_false(fth_lexer_attach_point(&l.lx, &t));
	t = fth_lexer_next(&l.lx);
	assert_int_equal(t.kind, TOK_LBRACE);
	lex_end(&l);
}

static void test_attach_point_unterminated_quote(void **state)
{
	struct lexed l;
	struct fth_token t;

	(void)state;
	lex_begin(&l, "uprobe:\"/a b", 12);
	assert_true(fth_lexer_attach_point(&l.lx, &t));
	assert_int_equal(t.kind, TOK_ERROR);
	fflush(l.out);
	assert_string_equal(l.messages, "test.bt:1:8-13: ERROR: unterminated string in attach point\n"
					"uprobe:\"/a b\n"
					"       ~~~~~\n"
					"HINT: close the quoted part of the attach point with '\"'\n");
	lex_end(&l);
}

/* ---- raw C definitions ---- */

static void test_c_definition(void **state)
{
	static const char text[] = "struct foo { int a; struct { char s[4]; } b; /* } */ char c[2]; } "
				   "__attribute__((packed));\nBEGIN {}";
	struct lexed l;
	struct fth_token t;

	(void)state;
	lex_begin(&l, text, sizeof(text) - 1);
	assert_true(fth_lexer_c_definition(&l.lx, 0, &t));
	assert_int_equal(t.kind, TOK_C_DEFINITION);
	assert_string_equal(t.text, "struct foo { int a; struct { char s[4]; } b; /* } */ char c[2]; } "
				    "__attribute__((packed));");
	t = fth_lexer_next(&l.lx);
	assert_int_equal(t.kind, TOK_IDENT);
	assert_string_equal(t.text, "BEGIN");
	lex_end(&l);
}

static void test_c_definition_without_semicolon_stops_at_brace(void **state)
{
	static const char text[] = "enum { A, B = 2 }\nkprobe:f {}";
	struct lexed l;
	struct fth_token t;

	(void)state;
	lex_begin(&l, text, sizeof(text) - 1);
	assert_true(fth_lexer_c_definition(&l.lx, 0, &t));
	assert_string_equal(t.text, "enum { A, B = 2 }");
	lex_end(&l);
}

static void test_c_definition_typedef_and_forward(void **state)
{
	static const char text[] = "typedef struct { int x; } pair_t; struct bar;";
	struct lexed l;
	struct fth_token t;

	(void)state;
	lex_begin(&l, text, sizeof(text) - 1);
	assert_true(fth_lexer_c_definition(&l.lx, 0, &t));
	assert_string_equal(t.text, "typedef struct { int x; } pair_t;");
	assert_true(fth_lexer_c_definition(&l.lx, 34, &t));
	assert_string_equal(t.text, "struct bar;");
	lex_end(&l);
}

static void test_c_definition_unterminated(void **state)
{
	static const char text[] = "struct foo { int a;";
	struct lexed l;
	struct fth_token t;

	(void)state;
	lex_begin(&l, text, sizeof(text) - 1);
	assert_false(fth_lexer_c_definition(&l.lx, 0, &t));
	fflush(l.out);
	assert_string_equal(l.messages, "test.bt:1:1: ERROR: unterminated C definition\n"
					"struct foo { int a;\n"
					"~\n"
					"HINT: a definition ends with '}' or ';'\n");
	lex_end(&l);
}

static void test_seek(void **state)
{
	struct lexed l;
	struct fth_token t;

	(void)state;
	lex_begin(&l, "abc def", 7);
	t = fth_lexer_next(&l.lx);
	t = fth_lexer_next(&l.lx);
	assert_string_equal(t.text, "def");
	fth_lexer_seek(&l.lx, 0);
	t = fth_lexer_next(&l.lx);
	assert_string_equal(t.text, "abc");
	fth_lexer_seek(&l.lx, 1000); /* clamped to the end */
	assert_int_equal(fth_lexer_next(&l.lx).kind, TOK_EOF);
	lex_end(&l);
}

static void test_names_and_spellings(void **state)
{
	(void)state;
	assert_string_equal(fth_token_kind_name(TOK_EOF), "EOF");
	assert_string_equal(fth_token_kind_name(TOK_PLUS_ASSIGN), "PLUS_ASSIGN");
	assert_string_equal(fth_token_kind_name(TOK_ATTACH_POINT), "ATTACH_POINT");
	assert_string_equal(fth_token_spelling(TOK_SHL_ASSIGN), "<<=");
	assert_string_equal(fth_token_spelling(TOK_PLUS), "+");
	assert_string_equal(fth_token_spelling(TOK_ARROW), "->");
	assert_string_equal(fth_token_spelling(TOK_WHILE), "while");
	assert_string_equal(fth_token_spelling(TOK_INT), "INT");
	for (int k = 0; k < TOK_KIND_COUNT; k++)
		assert_string_not_equal(fth_token_kind_name((enum fth_token_kind)k), "?");
}

/* Every prefix of a script with all token kinds lexes without crashing and
 * always reaches EOF. */
static void test_every_prefix_terminates(void **state)
{
	static const char text[] = "#include <x.h>\nBEGIN /* c */ { $x = \"a\\n\\x41\" + 0x1F + 1e6 + 1ms; "
				   "@m[$1, $#] <<= 3; // e\n if (a->b.c >= 2) { print(@); } }";
	struct lexed l;

	(void)state;
	for (uint32_t n = 0; n <= sizeof(text) - 1; n++) {
		char *copy = malloc(n + 1);
		int steps = 0;
		memcpy(copy, text, n);
		copy[n] = '\0';
		lex_begin(&l, copy, n);
		while (fth_lexer_next(&l.lx).kind != TOK_EOF)
			assert_true(++steps < 200);
		lex_end(&l);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_punctuation_and_operators),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_keyword_tokens_carry_text),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_integer_forms),
		cmocka_unit_test(test_integer_scientific),
		cmocka_unit_test(test_integer_suffixes),
		cmocka_unit_test(test_integer_durations),
		cmocka_unit_test(test_integer_huge),
		cmocka_unit_test(test_integer_errors),
		cmocka_unit_test(test_integer_error_yields_error_token),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_unterminated_string_at_eof),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_newline_before),
		cmocka_unit_test(test_preprocessor_lines),
		cmocka_unit_test(test_shebang_is_skipped),
		cmocka_unit_test(test_unexpected_characters),
		cmocka_unit_test(test_attach_points),
		cmocka_unit_test(test_attach_point_refuses_non_start),
		cmocka_unit_test(test_attach_point_unterminated_quote),
		cmocka_unit_test(test_c_definition),
		cmocka_unit_test(test_c_definition_without_semicolon_stops_at_brace),
		cmocka_unit_test(test_c_definition_typedef_and_forward),
		cmocka_unit_test(test_c_definition_unterminated),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_names_and_spellings),
		cmocka_unit_test(test_every_prefix_terminates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
