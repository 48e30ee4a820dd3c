/* lexer.c - hand-written scanner for the bpftrace language, see lexer.h.
 *
 * The scanner works on byte offsets into the NUL-terminated source and never
 * looks past src->len, so scripts with embedded NUL bytes or truncated in the
 * middle of a token are handled like any other malformed input: reported,
 * turned into TOK_ERROR, and scanning goes on after the bad bytes. */
#include "lexer.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* character access                                                          */

static bool at_end(const struct fth_lexer *lx)
{
	return lx->pos >= lx->src->len;
}

/* The byte `ahead` positions past the cursor, or 0 beyond the input. */
static char peek_at(const struct fth_lexer *lx, uint32_t ahead)
{
	uint32_t at = lx->pos + ahead;

	return at < lx->src->len ? lx->src->text[at] : '\0';
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static struct fth_range range_of(uint32_t begin, uint32_t end)
{
	struct fth_range r = { begin, end };
	return r;
}

void fth_lexer_init(struct fth_lexer *lx, const struct fth_source *src, struct fth_diag *diag,
		    struct fth_arena *arena)
{
	lx->src = src;
	lx->diag = diag;
	lx->arena = arena;
	lx->pos = src->start;
	lx->at_line_start = true;
}

void fth_lexer_seek(struct fth_lexer *lx, uint32_t offset)
{
	lx->pos = offset > lx->src->len ? lx->src->len : offset;
}

/* True when only blanks precede `offset` on its line: a '#' there starts a
 * preprocessor line. Computed rather than tracked so that fth_lexer_seek()
 * cannot leave stale state behind. */
static bool only_blanks_before(const struct fth_lexer *lx, uint32_t offset)
{
	while (offset > lx->src->start) {
		char c = lx->src->text[offset - 1];
		if (c == '\n')
			return true;
		if (c != ' ' && c != '\t' && c != '\r')
			return false;
		offset--;
	}
	return true;
}

/* ------------------------------------------------------------------------ */
/* whitespace and comments                                                   */

/* Skip one comment at the cursor if there is one. Returns false when the
 * cursor is not at a comment. */
static bool skip_comment(struct fth_lexer *lx, bool *saw_newline)
{
	uint32_t begin = lx->pos;

	if (peek_at(lx, 0) != '/')
		return false;
	if (peek_at(lx, 1) == '/') {
		while (!at_end(lx) && peek_at(lx, 0) != '\n')
			lx->pos++;
		return true;
	}
	if (peek_at(lx, 1) != '*')
		return false;
	lx->pos += 2;
	for (;;) {
		if (at_end(lx)) {
			fth_error_hint(lx->diag, range_of(begin, begin + 2),
				       "close the comment with '*/'", "unterminated comment");
			return true;
		}
		if (peek_at(lx, 0) == '*' && peek_at(lx, 1) == '/') {
			lx->pos += 2;
			return true;
		}
		if (peek_at(lx, 0) == '\n')
			*saw_newline = true;
		lx->pos++;
	}
}

/* Skip blanks and comments; reports whether a newline was crossed. */
static bool skip_space_and_comments(struct fth_lexer *lx)
{
	bool saw_newline = false;

	for (;;) {
		char c = peek_at(lx, 0);

		if (!at_end(lx) && is_space(c)) {
			if (c == '\n')
				saw_newline = true;
			lx->pos++;
			continue;
		}
		if (!at_end(lx) && skip_comment(lx, &saw_newline))
			continue;
		return saw_newline;
	}
}

/* "#!" on the very first line is an interpreter line, not a directive. */
static void skip_shebang(struct fth_lexer *lx)
{
	if (lx->pos == lx->src->start && peek_at(lx, 0) == '#' && peek_at(lx, 1) == '!') {
		while (!at_end(lx) && peek_at(lx, 0) != '\n')
			lx->pos++;
	}
}

/* ------------------------------------------------------------------------ */
/* tokens                                                                    */

static struct fth_token make_token(struct fth_lexer *lx, enum fth_token_kind kind, uint32_t begin)
{
	struct fth_token t;

	memset(&t, 0, sizeof(t));
	t.kind = kind;
	t.range = range_of(begin, lx->pos);
	return t;
}

static struct fth_token error_token(struct fth_lexer *lx, uint32_t begin)
{
	return make_token(lx, TOK_ERROR, begin);
}

struct keyword {
	const char *word;
	enum fth_token_kind kind;
};

static const struct keyword keywords[] = {
	{ "if", TOK_IF },           { "else", TOK_ELSE },
	{ "while", TOK_WHILE },     { "for", TOK_FOR },
	{ "unroll", TOK_UNROLL },   { "break", TOK_BREAK },
	{ "continue", TOK_CONTINUE }, { "return", TOK_RETURN },
	{ "let", TOK_LET },         { "config", TOK_CONFIG },
	{ "import", TOK_IMPORT },   { "macro", TOK_MACRO },
	{ "fn", TOK_FN },           { "sizeof", TOK_SIZEOF },
	{ "offsetof", TOK_OFFSETOF }, { "typeof", TOK_TYPEOF },
	{ "true", TOK_TRUE },       { "false", TOK_FALSE },
	{ "struct", TOK_STRUCT },   { "union", TOK_UNION },
	{ "enum", TOK_ENUM },
};

static enum fth_token_kind keyword_kind(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == len && memcmp(keywords[i].word, word, len) == 0)
			return keywords[i].kind;
	}
	return TOK_IDENT;
}

/* Identifiers and keywords both carry their text, so that the parser can
 * accept a keyword where a field name is expected (`args.config`). */
static struct fth_token lex_word(struct fth_lexer *lx)
{
	uint32_t begin = lx->pos;
	const char *start = lx->src->text + begin;
	struct fth_token t;

	while (!at_end(lx) && is_ident_char(peek_at(lx, 0)))
		lx->pos++;
	t = make_token(lx, keyword_kind(start, lx->pos - begin), begin);
	t.len = lx->pos - begin;
	t.text = fth_arena_strndup(lx->arena, start, t.len);
	return t;
}

/* $name, $N or $# */
static struct fth_token lex_dollar(struct fth_lexer *lx)
{
	uint32_t begin = lx->pos;
	struct fth_token t;

	lx->pos++;
	if (peek_at(lx, 0) == '#' && !at_end(lx)) {
		lx->pos++;
		t = make_token(lx, TOK_POSITIONAL, begin);
		t.integer = (uint64_t)-1;
		t.text = "$#";
		t.len = 2;
		return t;
	}
	if (!at_end(lx) && isdigit((unsigned char)peek_at(lx, 0))) {
		uint64_t n = 0;
		bool too_big = false;

		while (!at_end(lx) && isdigit((unsigned char)peek_at(lx, 0))) {
			n = n * 10 + (uint64_t)(peek_at(lx, 0) - '0');
			if (n > INT_MAX)
				too_big = true;
			lx->pos++;
		}
		if (too_big) {
			fth_error_hint(lx->diag, range_of(begin, lx->pos), "positional parameters are $1, $2, ...: use a smaller number",
				       "positional parameter number is too large");
			return error_token(lx, begin);
		}
		t = make_token(lx, TOK_POSITIONAL, begin);
		t.integer = n;
		t.len = lx->pos - begin;
		t.text = fth_arena_strndup(lx->arena, lx->src->text + begin, t.len);
		return t;
	}
	if (!at_end(lx) && is_ident_start(peek_at(lx, 0))) {
		while (!at_end(lx) && is_ident_char(peek_at(lx, 0)))
			lx->pos++;
		t = make_token(lx, TOK_VAR, begin);
		t.len = lx->pos - begin;
		t.text = fth_arena_strndup(lx->arena, lx->src->text + begin, t.len);
		return t;
	}
	fth_error_hint(lx->diag, range_of(begin, lx->pos),
		       "variables are written $name, positional parameters $1, $2, ... and $#",
		       "expected a variable name after '$'");
	return error_token(lx, begin);
}

/* @name or the anonymous map @ */
static struct fth_token lex_map(struct fth_lexer *lx)
{
	uint32_t begin = lx->pos;
	struct fth_token t;

	lx->pos++;
	while (!at_end(lx) && is_ident_char(peek_at(lx, 0)))
		lx->pos++;
	t = make_token(lx, TOK_MAP, begin);
	t.len = lx->pos - begin;
	t.text = fth_arena_strndup(lx->arena, lx->src->text + begin, t.len);
	return t;
}

/* ---- integer literals ---- */

static bool mul_overflows(uint64_t *value, uint64_t factor)
{
	if (factor != 0 && *value > UINT64_MAX / factor)
		return true;
	*value *= factor;
	return false;
}

static bool add_digit_overflows(uint64_t *value, unsigned base, unsigned digit)
{
	if (*value > (UINT64_MAX - digit) / base)
		return true;
	*value = *value * base + digit;
	return false;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static bool ascii_equal_nocase(const char *a, size_t alen, const char *b)
{
	if (alen != strlen(b))
		return false;
	for (size_t i = 0; i < alen; i++) {
		if (tolower((unsigned char)a[i]) != b[i])
			return false;
	}
	return true;
}

/* Nanoseconds per unit of a duration suffix, or 0 for none. */
static uint64_t duration_factor(const char *suffix, size_t len)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1ULL },
		{ "us", 1000ULL },
		{ "ms", 1000000ULL },
		{ "s", 1000000000ULL },
		{ "m", 60ULL * 1000000000ULL },
		{ "h", 3600ULL * 1000000000ULL },
		{ "d", 86400ULL * 1000000000ULL },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == len && memcmp(units[i].name, suffix, len) == 0)
			return units[i].ns;
	}
	return 0;
}

static bool is_c_integer_suffix(const char *suffix, size_t len)
{
	static const char *const forms[] = { "u", "l", "ul", "lu", "ll", "ull", "llu" };

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (ascii_equal_nocase(suffix, len, forms[i]))
			return true;
	}
	return false;
}

struct number_scan {
	uint32_t begin;
	uint64_t value;
	bool failed; /* an error was already reported */
	bool overflow;
};

/* Digits of one base with '_' separators. Reports misplaced separators and
 * digits the base does not allow. Returns the number of digits read. */
static int scan_digits(struct fth_lexer *lx, struct number_scan *n, unsigned base)
{
	int digits = 0;
	bool last_was_separator = false;

	for (;;) {
		char c = peek_at(lx, 0);
		int d;

		if (at_end(lx))
			break;
		if (c == '_') {
			if (digits == 0 && base == 16) {
				fth_error_hint(lx->diag, range_of(lx->pos, lx->pos + 1), "write e.g. 0xff_ff: the first digit comes first",
					       "'_' must come after a digit in an integer literal");
				n->failed = true;
			}
			last_was_separator = true;
			lx->pos++;
			continue;
		}
		d = digit_value(c);
		if (base == 16 ? !isxdigit((unsigned char)c) : !isdigit((unsigned char)c))
			break;
		if ((unsigned)d >= base) {
			if (!n->failed)
				fth_error_hint(lx->diag, range_of(lx->pos, lx->pos + 1),
					       "a leading 0 makes a number octal (digits 0 to 7): drop the 0 for a decimal number",
					       "invalid digit '%c' in octal literal", c);
			n->failed = true;
			d = 0;
		}
		if (add_digit_overflows(&n->value, base, (unsigned)d))
			n->overflow = true;
		digits++;
		last_was_separator = false;
		lx->pos++;
	}
	if (last_was_separator && !n->failed) {
		fth_error_hint(lx->diag, range_of(lx->pos - 1, lx->pos), "remove the trailing '_'; it only separates digits",
			       "an integer literal cannot end with '_'");
		n->failed = true;
	}
	return digits;
}

/* 1e6: a single non-zero digit times a power of ten. */
static void scan_exponent(struct fth_lexer *lx, struct number_scan *n)
{
	uint32_t coefficient_len = lx->pos - n->begin;
	uint64_t exponent = 0;
	bool exponent_overflow = false;

	lx->pos++; /* 'e' */
	while (!at_end(lx) && isdigit((unsigned char)peek_at(lx, 0))) {
		if (add_digit_overflows(&exponent, 10, (unsigned)(peek_at(lx, 0) - '0')))
			exponent_overflow = true;
		lx->pos++;
	}
	if (coefficient_len != 1 || n->value == 0) {
		fth_error_hint(lx->diag, range_of(n->begin, lx->pos),
			       "scientific notation takes one digit from 1 to 9 before 'e', as in 1e6",
			       "invalid integer literal");
		n->failed = true;
		return;
	}
	if (exponent_overflow)
		n->overflow = true;
	for (uint64_t i = 0; i < exponent && !n->overflow; i++) {
		if (mul_overflows(&n->value, 10))
			n->overflow = true;
	}
}

/* C integer suffixes are accepted and ignored; duration suffixes scale the
 * value to nanoseconds. Anything else glued to a number is an error. */
static void scan_suffix(struct fth_lexer *lx, struct number_scan *n)
{
	uint32_t begin = lx->pos;
	const char *suffix = lx->src->text + begin;
	size_t len;
	uint64_t factor;

	while (!at_end(lx) && is_ident_char(peek_at(lx, 0)))
		lx->pos++;
	len = lx->pos - begin;
	if (len == 0 || n->failed)
		return;
	if (is_c_integer_suffix(suffix, len))
		return;
	factor = duration_factor(suffix, len);
	if (factor) {
		if (mul_overflows(&n->value, factor))
			n->overflow = true;
		return;
	}
	fth_error_hint(lx->diag, range_of(begin, lx->pos),
		       "integer suffixes are u, l, ul, ll, ull and the durations ns, us, ms, s, m, h, d",
		       "invalid suffix '%.*s' on integer literal", (int)len, suffix);
	n->failed = true;
}

static struct fth_token lex_number(struct fth_lexer *lx)
{
	struct number_scan n = { .begin = lx->pos };
	struct fth_token t;

	if (peek_at(lx, 0) == '0' && (peek_at(lx, 1) == 'x' || peek_at(lx, 1) == 'X')) {
		lx->pos += 2;
		if (scan_digits(lx, &n, 16) == 0 && !n.failed) {
			fth_error_hint(lx->diag, range_of(n.begin, lx->pos), "write hex digits after it, e.g. 0x1f",
				       "hexadecimal literal has no digits after '0x'");
			n.failed = true;
		}
	} else if (peek_at(lx, 0) == '0' && (isdigit((unsigned char)peek_at(lx, 1)) || peek_at(lx, 1) == '_')) {
		scan_digits(lx, &n, 8);
	} else {
		scan_digits(lx, &n, 10);
		if ((peek_at(lx, 0) == 'e' || peek_at(lx, 0) == 'E') &&
		    isdigit((unsigned char)peek_at(lx, 1)))
			scan_exponent(lx, &n);
	}
	scan_suffix(lx, &n);
	if (n.overflow && !n.failed) {
		fth_error_hint(lx->diag, range_of(n.begin, lx->pos),
			       "the largest integer is 18446744073709551615",
			       "integer literal is too large");
		n.failed = true;
	}
	if (n.failed)
		return error_token(lx, n.begin);
	t = make_token(lx, TOK_INT, n.begin);
	t.integer = n.value;
	return t;
}

/* ---- string literals ---- */

static int octal_digit(char c)
{
	return c >= '0' && c <= '7' ? c - '0' : -1;
}

/* Decode one escape sequence starting at the backslash. Returns false (after
 * reporting) when it is malformed; the cursor always moves past it. */
static bool decode_escape(struct fth_lexer *lx, char *out)
{
	uint32_t begin = lx->pos;
	char c = peek_at(lx, 1);

	lx->pos += 2;
	switch (c) {
	case 'n': *out = '\n'; return true;
	case 't': *out = '\t'; return true;
	case 'r': *out = '\r'; return true;
	case '"': *out = '"'; return true;
	case '\\': *out = '\\'; return true;
	case 'x':
	case 'X': {
		int value = 0, digits = 0;
		while (digits < 2 && isxdigit((unsigned char)peek_at(lx, 0)) && !at_end(lx)) {
			value = value * 16 + digit_value(peek_at(lx, 0));
			lx->pos++;
			digits++;
		}
		if (digits == 0) {
			fth_error_hint(lx->diag, range_of(begin, lx->pos),
				       "write one or two hex digits after \\x, as in \\x1b",
				       "missing hex digits in escape sequence");
			return false;
		}
		*out = (char)value;
		return true;
	}
	default:
		break;
	}
	if (octal_digit(c) >= 0) {
		int value = octal_digit(c), digits = 1;
		while (digits < 3 && octal_digit(peek_at(lx, 0)) >= 0 && !at_end(lx)) {
			value = value * 8 + octal_digit(peek_at(lx, 0));
			lx->pos++;
			digits++;
		}
		if (value > 255) {
			fth_error_hint(lx->diag, range_of(begin, lx->pos),
				       "octal escapes go up to \\377 (255)",
				       "octal escape sequence out of range");
			return false;
		}
		*out = (char)value;
		return true;
	}
	fth_error_hint(lx->diag, range_of(begin, lx->pos),
		       "valid escapes are \\n \\t \\r \\\" \\\\ \\NNN (octal) and \\xHH (hex)",
		       "invalid escape character");
	return false;
}

/* Find the closing quote of a string starting at `begin` (the opening quote).
 * Returns false when a raw newline or the end of input comes first. */
static bool find_string_end(const struct fth_lexer *lx, uint32_t begin, uint32_t *end)
{
	uint32_t i = begin + 1;

	while (i < lx->src->len) {
		char c = lx->src->text[i];
		if (c == '"') {
			*end = i;
			return true;
		}
		if (c == '\n')
			break;
		if (c == '\\' && i + 1 < lx->src->len && lx->src->text[i + 1] != '\n')
			i++;
		i++;
	}
	*end = i;
	return false;
}

static struct fth_token lex_string(struct fth_lexer *lx)
{
	uint32_t begin = lx->pos, close;
	char *buf;
	uint32_t len = 0;
	bool ok = true;
	struct fth_token t;

	if (!find_string_end(lx, begin, &close)) {
		/* Underline to the end of the line, not past it, and resume on the
		 * next line so the rest of the script is still checked. */
		fth_error_hint(lx->diag, range_of(begin, close),
			       "strings must end on the line they start; use \\n for a newline",
			       "unterminated string");
		lx->pos = close;
		return error_token(lx, begin);
	}
	buf = fth_arena_alloc(lx->arena, close - begin);
	lx->pos = begin + 1;
	while (lx->pos < close) {
		char c = peek_at(lx, 0);
		if (c == '\\') {
			if (!decode_escape(lx, &buf[len]))
				ok = false;
			else
				len++;
			continue;
		}
		buf[len++] = c;
		lx->pos++;
	}
	lx->pos = close + 1;
	if (!ok)
		return error_token(lx, begin);
	buf[len] = '\0';
	t = make_token(lx, TOK_STRING, begin);
	t.text = buf;
	t.len = len;
	return t;
}

/* ---- preprocessor lines ---- */

/* A '#' line, with backslash-newline continuations, kept verbatim. */
static struct fth_token lex_preprocessor(struct fth_lexer *lx)
{
	uint32_t begin = lx->pos;
	struct fth_token t;

	while (!at_end(lx) && peek_at(lx, 0) != '\n') {
		if (peek_at(lx, 0) == '\\' && peek_at(lx, 1) == '\n' && lx->pos + 1 < lx->src->len)
			lx->pos++;
		lx->pos++;
	}
	t = make_token(lx, TOK_PREPROCESSOR, begin);
	/* Drop a trailing '\r' of CRLF files from the text. */
	t.len = lx->pos - begin;
	while (t.len > 0 && lx->src->text[begin + t.len - 1] == '\r')
		t.len--;
	t.text = fth_arena_strndup(lx->arena, lx->src->text + begin, t.len);
	return t;
}

/* ---- operators and punctuation ---- */

struct operator_spelling {
	const char *text;
	enum fth_token_kind kind;
};

/* Longest spellings first so that the first match is the longest match. */
static const struct operator_spelling operators[] = {
	{ "<<=", TOK_SHL_ASSIGN }, { ">>=", TOK_SHR_ASSIGN },
	{ "+=", TOK_PLUS_ASSIGN }, { "-=", TOK_MINUS_ASSIGN }, { "*=", TOK_STAR_ASSIGN },
	{ "/=", TOK_SLASH_ASSIGN }, { "%=", TOK_PERCENT_ASSIGN }, { "&=", TOK_AMP_ASSIGN },
	{ "|=", TOK_PIPE_ASSIGN }, { "^=", TOK_CARET_ASSIGN },
	{ "<<", TOK_SHL }, { ">>", TOK_SHR }, { "&&", TOK_ANDAND }, { "||", TOK_OROR },
	{ "==", TOK_EQ }, { "!=", TOK_NE }, { "<=", TOK_LE }, { ">=", TOK_GE },
	{ "++", TOK_INC }, { "--", TOK_DEC }, { "->", TOK_ARROW }, { "..", TOK_DOTDOT },
	{ "{", TOK_LBRACE }, { "}", TOK_RBRACE }, { "(", TOK_LPAREN }, { ")", TOK_RPAREN },
	{ "[", TOK_LBRACKET }, { "]", TOK_RBRACKET }, { ";", TOK_SEMI }, { ",", TOK_COMMA },
	{ ":", TOK_COLON }, { ".", TOK_DOT }, { "?", TOK_QUESTION }, { "=", TOK_ASSIGN },
	{ "+", TOK_PLUS }, { "-", TOK_MINUS }, { "*", TOK_STAR }, { "/", TOK_SLASH },
	{ "%", TOK_PERCENT }, { "&", TOK_AMP }, { "|", TOK_PIPE }, { "^", TOK_CARET },
	{ "~", TOK_TILDE }, { "!", TOK_BANG }, { "<", TOK_LT }, { ">", TOK_GT },
};

#define OPERATOR_COUNT (sizeof(operators) / sizeof(operators[0]))

static bool lex_operator(struct fth_lexer *lx, struct fth_token *out)
{
	uint32_t remaining = lx->src->len - lx->pos;
	const char *at = lx->src->text + lx->pos;

	for (size_t i = 0; i < OPERATOR_COUNT; i++) {
		size_t n = strlen(operators[i].text);
		if (n <= remaining && memcmp(at, operators[i].text, n) == 0) {
			uint32_t begin = lx->pos;
			lx->pos += (uint32_t)n;
			*out = make_token(lx, operators[i].kind, begin);
			return true;
		}
	}
	return false;
}

/* A multi-byte UTF-8 character (often a curly quote pasted from a web page)
 * is one mistake: report it once, whole, and skip all of its bytes. */
static void report_unexpected_utf8(struct fth_lexer *lx, uint32_t begin)
{
	const char *hint = NULL;
	unsigned char lead = (unsigned char)lx->src->text[begin];
	unsigned char next = (unsigned char)peek_at(lx, 0);

	while (!at_end(lx) && lx->pos - begin < 4 && (unsigned char)peek_at(lx, 0) >= 0x80 &&
	       (unsigned char)peek_at(lx, 0) < 0xc0)
		lx->pos++;
	/* U+2018..U+201D are the curly single and double quotes */
	if (lead == 0xe2 && next == 0x80)
		hint = "only straight double quotes (\") delimit strings";
	fth_error_hint(lx->diag, range_of(begin, lx->pos), hint, "unexpected character '%.*s'",
		       (int)(lx->pos - begin), lx->src->text + begin);
}

/* After a '#' at the cursor (past blanks): a preprocessor directive's name?
 * Anything else reads as a shell-style comment ("# why"), which bpftrace
 * does not have. */
static bool hash_names_directive(const struct fth_lexer *lx)
{
	static const char *const directives[] = { "include", "define", "undef", "if",    "ifdef", "ifndef",
						  "elif",    "else",   "endif", "error", "pragma", "line" };
	uint32_t at = 0, len = 0;

	while (peek_at(lx, at) == ' ' || peek_at(lx, at) == '\t')
		at++;
	while (is_ident_char(peek_at(lx, at + len)))
		len++;
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strlen(directives[i]) == len && !memcmp(lx->src->text + lx->pos + at, directives[i], len))
			return true;
	return false;
}

/* Error recovery for a '#' comment: the rest of its line is skipped, so
 * that its words do not cascade into parse errors. */
static void skip_rest_of_line(struct fth_lexer *lx)
{
	while (!at_end(lx) && peek_at(lx, 0) != '\n')
		lx->pos++;
}

/* The fix for a printable character that starts no token. */
static const char *unexpected_character_hint(char c)
{
	switch (c) {
	case '`':
		return "strings use double quotes, e.g. \"text\"";
	case '\\':
		return "a backslash belongs in a string, e.g. \"a\\n\"; a line cannot be continued with it";
	default:
		return "remove it, or put it inside a string or a comment";
	}
}

static struct fth_token lex_unexpected(struct fth_lexer *lx)
{
	uint32_t begin = lx->pos;
	unsigned char c = (unsigned char)peek_at(lx, 0);

	lx->pos++;
	if (c == '#' && !hash_names_directive(lx)) {
		fth_error_hint(lx->diag, range_of(begin, lx->pos), "comments are // to the end of the line, or /* ... */",
			       "'#' does not start a comment");
		skip_rest_of_line(lx);
	} else if (c == '#')
		fth_error_hint(lx->diag, range_of(begin, lx->pos),
			       "preprocessor directives must start their own line",
			       "unexpected character '#'");
	else if (c == '\'')
		fth_error_hint(lx->diag, range_of(begin, lx->pos),
			       "strings use double quotes; there are no character literals",
			       "unexpected character '''");
	else if (isprint(c))
		fth_error_hint(lx->diag, range_of(begin, lx->pos), unexpected_character_hint(c), "unexpected character '%c'", c);
	else if (c >= 0xc2 && c <= 0xf4 && (unsigned char)peek_at(lx, 0) >= 0x80 &&
		 (unsigned char)peek_at(lx, 0) < 0xc0)
		report_unexpected_utf8(lx, begin);
	else
		fth_error_hint(lx->diag, range_of(begin, lx->pos), "remove it: scripts are text (UTF-8 in strings and comments only)",
			       "unexpected byte 0x%02x", c);
	return error_token(lx, begin);
}

struct fth_token fth_lexer_next(struct fth_lexer *lx)
{
	struct fth_token t;
	bool newline;
	char c;

	skip_shebang(lx);
	newline = skip_space_and_comments(lx);
	c = peek_at(lx, 0);
	if (at_end(lx))
		t = make_token(lx, TOK_EOF, lx->pos);
	else if (c == '#' && only_blanks_before(lx, lx->pos))
		t = lex_preprocessor(lx);
	else if (is_ident_start(c))
		t = lex_word(lx);
	else if (isdigit((unsigned char)c))
		t = lex_number(lx);
	else if (c == '"')
		t = lex_string(lx);
	else if (c == '$')
		t = lex_dollar(lx);
	else if (c == '@')
		t = lex_map(lx);
	else if (!lex_operator(lx, &t))
		t = lex_unexpected(lx);
	/* "First on its line" also covers the very first token of the input. */
	t.newline_before = newline || only_blanks_before(lx, t.range.begin);
	lx->at_line_start = false;
	return t;
}

/* ------------------------------------------------------------------------ */
/* raw attach points                                                         */

static bool can_start_attach_point(char c)
{
	return is_ident_char(c) || c == '*' || c == '"' || c == '$' || c == '.';
}

/* Move past a quoted section of an attach point. Returns false (after
 * reporting) when it is not closed on the same line. */
static bool skip_attach_quote(struct fth_lexer *lx)
{
	uint32_t begin = lx->pos;

	lx->pos++;
	while (!at_end(lx) && peek_at(lx, 0) != '"' && peek_at(lx, 0) != '\n') {
		if (peek_at(lx, 0) == '\\' && lx->pos + 1 < lx->src->len && peek_at(lx, 1) != '\n')
			lx->pos++;
		lx->pos++;
	}
	if (at_end(lx) || peek_at(lx, 0) != '"') {
		fth_error_hint(lx->diag, range_of(begin, lx->pos),
			       "close the quoted part of the attach point with '\"'",
			       "unterminated string in attach point");
		return false;
	}
	lx->pos++;
	return true;
}

bool fth_lexer_attach_point(struct fth_lexer *lx, struct fth_token *out)
{
	uint32_t begin;
	bool seen_colon = false;
	bool ok = true;

	skip_shebang(lx);
	bool newline = skip_space_and_comments(lx);
	if (at_end(lx) || !can_start_attach_point(peek_at(lx, 0)))
		return false;
	begin = lx->pos;
	while (!at_end(lx)) {
		char c = peek_at(lx, 0);

		if (c == '"') {
			if (!skip_attach_quote(lx)) {
				ok = false;
				break;
			}
			continue;
		}
		if (is_space(c) || c == ',' || c == '{' || c == '}' || c == ';' || c == '\0')
			break;
		/* Before the first ':' a '/' opens the predicate (`BEGIN/x/`);
		 * after it, '/' is part of a path such as uprobe:/bin/bash:f. */
		if (c == '/' && !seen_colon)
			break;
		if (c == ':')
			seen_colon = true;
		lx->pos++;
	}
	*out = make_token(lx, ok ? TOK_ATTACH_POINT : TOK_ERROR, begin);
	out->newline_before = newline;
	out->len = lx->pos - begin;
	out->text = fth_arena_strndup(lx->arena, lx->src->text + begin, out->len);
	return true;
}

/* ------------------------------------------------------------------------ */
/* raw C definitions                                                         */

/* Skip a C string or character literal starting at the cursor. */
static void skip_c_quoted(struct fth_lexer *lx)
{
	char quote = peek_at(lx, 0);

	lx->pos++;
	while (!at_end(lx) && peek_at(lx, 0) != quote && peek_at(lx, 0) != '\n') {
		if (peek_at(lx, 0) == '\\' && lx->pos + 1 < lx->src->len)
			lx->pos++;
		lx->pos++;
	}
	if (!at_end(lx))
		lx->pos++;
}

/* Skip C text up to and including the '}' that balances the '{' at the
 * cursor. Returns false at the end of input. */
static bool skip_c_braces(struct fth_lexer *lx)
{
	int depth = 0;

	while (!at_end(lx)) {
		bool newline = false;
		char c = peek_at(lx, 0);

		if (skip_comment(lx, &newline))
			continue;
		if (c == '"' || c == '\'') {
			skip_c_quoted(lx);
			continue;
		}
		lx->pos++;
		if (c == '{')
			depth++;
		else if (c == '}' && --depth == 0)
			return true;
	}
	return false;
}

static bool skip_c_parens(struct fth_lexer *lx)
{
	int depth = 0;

	while (!at_end(lx)) {
		char c = peek_at(lx, 0);
		lx->pos++;
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			return true;
	}
	return false;
}

static bool at_word(const struct fth_lexer *lx, const char *word)
{
	size_t n = strlen(word);

	return lx->src->len - lx->pos >= n && memcmp(lx->src->text + lx->pos, word, n) == 0 &&
	       !is_ident_char(peek_at(lx, (uint32_t)n));
}

/* After the closing brace: GCC attributes, then an optional ';'. Anything
 * else (like the next probe) is left alone. */
static void skip_c_definition_tail(struct fth_lexer *lx)
{
	for (;;) {
		uint32_t before = lx->pos;
		skip_space_and_comments(lx);
		if (at_word(lx, "__attribute__")) {
			lx->pos += (uint32_t)strlen("__attribute__");
			skip_space_and_comments(lx);
			if (peek_at(lx, 0) == '(' && skip_c_parens(lx))
				continue;
		}
		if (peek_at(lx, 0) == ';' && !at_end(lx)) {
			lx->pos++;
			return;
		}
		lx->pos = before;
		return;
	}
}

static bool starts_with_typedef(const struct fth_lexer *lx, uint32_t begin)
{
	size_t n = strlen("typedef");

	return lx->src->len - begin > n && memcmp(lx->src->text + begin, "typedef", n) == 0 &&
	       !is_ident_char(lx->src->text[begin + n]);
}

bool fth_lexer_c_definition(struct fth_lexer *lx, uint32_t begin, struct fth_token *out)
{
	bool complete = false;

	lx->pos = begin;
	/* Up to the body's '{' or a ';' that ends a declaration without one. */
	while (!at_end(lx)) {
		bool newline = false;
		char c = peek_at(lx, 0);

		if (skip_comment(lx, &newline))
			continue;
		if (c == ';') {
			lx->pos++;
			complete = true;
			break;
		}
		if (c == '{') {
			complete = skip_c_braces(lx);
			if (complete) {
				/* typedef struct {...} name; keeps going to its ';'. */
				if (starts_with_typedef(lx, begin))
					continue;
				skip_c_definition_tail(lx);
			}
			break;
		}
		lx->pos++;
	}
	if (!complete) {
		fth_error_hint(lx->diag, range_of(begin, begin + 1), "a definition ends with '}' or ';'",
			       "unterminated C definition");
		lx->pos = lx->src->len;
		*out = error_token(lx, begin);
		return false;
	}
	*out = make_token(lx, TOK_C_DEFINITION, begin);
	out->len = lx->pos - begin;
	out->text = fth_arena_strndup(lx->arena, lx->src->text + begin, out->len);
	return true;
}

/* ------------------------------------------------------------------------ */
/* names                                                                     */

static const char *const kind_names[TOK_KIND_COUNT] = {
	[TOK_EOF] = "EOF", [TOK_ERROR] = "ERROR", [TOK_INT] = "INT", [TOK_STRING] = "STRING",
	[TOK_IDENT] = "IDENT", [TOK_VAR] = "VAR", [TOK_POSITIONAL] = "POSITIONAL",
	[TOK_MAP] = "MAP", [TOK_PREPROCESSOR] = "PREPROCESSOR",
	[TOK_IF] = "IF", [TOK_ELSE] = "ELSE", [TOK_WHILE] = "WHILE", [TOK_FOR] = "FOR",
	[TOK_UNROLL] = "UNROLL", [TOK_BREAK] = "BREAK", [TOK_CONTINUE] = "CONTINUE",
	[TOK_RETURN] = "RETURN", [TOK_LET] = "LET", [TOK_CONFIG] = "CONFIG",
	[TOK_IMPORT] = "IMPORT", [TOK_MACRO] = "MACRO", [TOK_FN] = "FN",
	[TOK_SIZEOF] = "SIZEOF", [TOK_OFFSETOF] = "OFFSETOF", [TOK_TYPEOF] = "TYPEOF",
	[TOK_TRUE] = "TRUE", [TOK_FALSE] = "FALSE", [TOK_STRUCT] = "STRUCT",
	[TOK_UNION] = "UNION", [TOK_ENUM] = "ENUM",
	[TOK_LBRACE] = "LBRACE", [TOK_RBRACE] = "RBRACE", [TOK_LPAREN] = "LPAREN",
	[TOK_RPAREN] = "RPAREN", [TOK_LBRACKET] = "LBRACKET", [TOK_RBRACKET] = "RBRACKET",
	[TOK_SEMI] = "SEMI", [TOK_COMMA] = "COMMA", [TOK_COLON] = "COLON", [TOK_DOT] = "DOT",
	[TOK_DOTDOT] = "DOTDOT", [TOK_ARROW] = "ARROW", [TOK_QUESTION] = "QUESTION",
	[TOK_ASSIGN] = "ASSIGN", [TOK_PLUS] = "PLUS", [TOK_MINUS] = "MINUS", [TOK_STAR] = "STAR",
	[TOK_SLASH] = "SLASH", [TOK_PERCENT] = "PERCENT", [TOK_AMP] = "AMP", [TOK_PIPE] = "PIPE",
	[TOK_CARET] = "CARET", [TOK_TILDE] = "TILDE", [TOK_BANG] = "BANG", [TOK_SHL] = "SHL",
	[TOK_SHR] = "SHR", [TOK_ANDAND] = "ANDAND", [TOK_OROR] = "OROR", [TOK_EQ] = "EQ",
	[TOK_NE] = "NE", [TOK_LT] = "LT", [TOK_LE] = "LE", [TOK_GT] = "GT", [TOK_GE] = "GE",
	[TOK_INC] = "INC", [TOK_DEC] = "DEC", [TOK_PLUS_ASSIGN] = "PLUS_ASSIGN",
	[TOK_MINUS_ASSIGN] = "MINUS_ASSIGN", [TOK_STAR_ASSIGN] = "STAR_ASSIGN",
	[TOK_SLASH_ASSIGN] = "SLASH_ASSIGN", [TOK_PERCENT_ASSIGN] = "PERCENT_ASSIGN",
	[TOK_AMP_ASSIGN] = "AMP_ASSIGN", [TOK_PIPE_ASSIGN] = "PIPE_ASSIGN",
	[TOK_CARET_ASSIGN] = "CARET_ASSIGN", [TOK_SHL_ASSIGN] = "SHL_ASSIGN",
	[TOK_SHR_ASSIGN] = "SHR_ASSIGN", [TOK_ATTACH_POINT] = "ATTACH_POINT",
	[TOK_C_DEFINITION] = "C_DEFINITION",
};

const char *fth_token_kind_name(enum fth_token_kind kind)
{
	if ((int)kind < 0 || kind >= TOK_KIND_COUNT || !kind_names[kind])
		return "?";
	return kind_names[kind];
}

const char *fth_token_spelling(enum fth_token_kind kind)
{
	for (size_t i = 0; i < OPERATOR_COUNT; i++) {
		if (operators[i].kind == kind)
			return operators[i].text;
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (keywords[i].kind == kind)
			return keywords[i].word;
	}
	return fth_token_kind_name(kind);
}
