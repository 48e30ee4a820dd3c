/* cpp.c - C preprocessor conditionals in scripts (see cpp.h).
 *
 * One pass over the lines. A line whose first non-blank character, outside
 * a comment, is '#' is a directive (continued by a trailing backslash).
 * A stack of open conditionals says whether the current line is active.
 * Inactive text is overwritten with spaces in a copy of the source.
 */
#include "cpp.h"

#include "format.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_EXPANSION 16 /* nested macro values in #if */

struct cond {
	bool parent_active; /* the region around this conditional */
	bool taken;         /* some branch so far was chosen */
	bool in_else;
	struct fth_range where; /* its #if line, for "missing #endif" */
};

struct cpp {
	const struct fth_source *src;
	char *out;
	struct fth_diag *diag;
	struct cond stack[MAX_DEPTH];
	int depth;
	bool active;
	struct fth_cmacros *macros;
};

/* ------------------------------------------------------------ names */

static bool is_ident_start(int ch)
{
	return isalpha(ch) || ch == '_';
}

static bool is_ident(int ch)
{
	return isalnum(ch) || ch == '_';
}

/* ------------------------------------------------------ #if expressions */

/* A recursive-descent evaluator over [p, end): integers, names (defined
 * ones by their value, the rest 0, as cpp does), defined(NAME), unary
 * ! ~ - +, the binary C operators and ?:. */
struct expr {
	struct cpp *c;
	uint32_t at; /* the directive's offset: the macros in force there count */
	const char *p, *end;
	int expansion;
	bool bad;
	/* Outside #if (fth_cpp_eval): names resolved by the caller, and an
	 * unknown one is an error rather than 0. */
	fth_cpp_lookup lookup;
	void *ctx;
	/* The macros were substituted into the text already (#if): a name
	 * left is no macro, or one cpp does not expand there (itself inside
	 * its own body, a function-like one without arguments), so 0. */
	bool expanded;
	/* Inside an operand cpp does not evaluate (the right of && after 0,
	 * of || after non-zero, the branch ?: does not take), where a
	 * division by zero is no error: #if defined X && 10 / X. */
	int unevaluated;
	bool div_zero; /* a division by zero that was evaluated */
};

static int64_t eval_ternary(struct expr *e);

static void skip_space(struct expr *e)
{
	while (e->p < e->end && isspace((unsigned char)*e->p))
		e->p++;
}

static bool accept(struct expr *e, const char *op)
{
	size_t n = strlen(op);

	skip_space(e);
	if ((size_t)(e->end - e->p) < n || memcmp(e->p, op, n))
		return false;
	/* a one-character operator is not the start of a longer one: "<" of
	 * "<<" or "<=", "&" of "&&", "!" of "!=" */
	if (n == 1 && e->p + 1 < e->end) {
		char next = e->p[1];
		if ((*op == '<' || *op == '>') && (next == *op || next == '='))
			return false;
		if ((*op == '&' || *op == '|') && next == *op)
			return false;
		if (*op == '!' && next == '=')
			return false;
	}
	e->p += n;
	return true;
}

static int64_t eval_value_text(struct expr *e, const char *s, size_t len)
{
	struct expr sub = { .c = e->c, .at = e->at, .p = s, .end = s + len, .expansion = e->expansion + 1,
			    .lookup = e->lookup, .ctx = e->ctx, .expanded = e->expanded, .unevaluated = e->unevaluated };
	int64_t v;

	if (sub.expansion > MAX_EXPANSION) {
		e->bad = true;
		return 0;
	}
	v = eval_ternary(&sub);
	skip_space(&sub);
	if (sub.bad || sub.p != sub.end)
		e->bad = true;
	e->div_zero |= sub.div_zero;
	return v;
}

static int64_t eval_primary(struct expr *e)
{
	skip_space(e);
	if (e->p >= e->end) {
		e->bad = true;
		return 0;
	}
	if (accept(e, "(")) {
		int64_t v = eval_ternary(e);
		if (!accept(e, ")"))
			e->bad = true;
		return v;
	}
	if (isdigit((unsigned char)*e->p)) {
		char *stop;
		int64_t v = (int64_t)strtoull(e->p, &stop, 0);
		e->p = stop;
		while (e->p < e->end && strchr("uUlL", *e->p))
			e->p++;
		return v;
	}
	if (is_ident_start((unsigned char)*e->p)) {
		const char *s = e->p;
		size_t len;
		while (e->p < e->end && is_ident((unsigned char)*e->p))
			e->p++;
		len = (size_t)(e->p - s);
		if (e->lookup) {
			int64_t v = 0;
			if (!e->lookup(e->ctx, s, len, &v))
				e->bad = true;
			return v;
		}
		if (len == 7 && !memcmp(s, "defined", 7)) {
			bool paren = accept(e, "(");
			const char *n;
			size_t n_len;
			skip_space(e);
			n = e->p;
			while (e->p < e->end && is_ident((unsigned char)*e->p))
				e->p++;
			n_len = (size_t)(e->p - n);
			if (!n_len || (paren && !accept(e, ")")))
				e->bad = true;
			return fth_cmacros_find(e->c->macros, n, n_len, e->at) != NULL;
		}
		{
			const struct fth_cmacro *m = fth_cmacros_find(e->c->macros, s, len, e->at);
			if (!m || e->expanded)
				return 0;
			return *m->text ? eval_value_text(e, m->text, strlen(m->text)) : 1;
		}
	}
	e->bad = true;
	return 0;
}

static int64_t eval_unary(struct expr *e)
{
	if (accept(e, "!"))
		return !eval_unary(e);
	if (accept(e, "~"))
		return ~eval_unary(e);
	if (accept(e, "-")) /* wraps at INT64_MIN, as the binary operators do */
		return (int64_t)(0 - (uint64_t)eval_unary(e));
	if (accept(e, "+"))
		return eval_unary(e);
	return eval_primary(e);
}

/* Binary operators by precedence level, lowest first. */
static const char *const levels[][5] = {
	{ "||" }, { "&&" }, { "|" }, { "^" }, { "&" }, { "==", "!=" },
	{ "<=", ">=", "<", ">" }, { "<<", ">>" }, { "+", "-" }, { "*", "/", "%" },
};
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static int64_t apply(struct expr *e, const char *op, int64_t a, int64_t b)
{
	switch (op[0]) {
	case '|': return op[1] ? (a || b) : (a | b);
	case '&': return op[1] ? (a && b) : (a & b);
	case '^': return a ^ b;
	case '=': return a == b;
	case '!': return a != b;
	case '<': return op[1] == '=' ? a <= b : op[1] == '<' ? (int64_t)((uint64_t)a << (b & 63)) : a < b;
	case '>': return op[1] == '=' ? a >= b : op[1] == '>' ? a >> (b & 63) : a > b;
	case '+': return (int64_t)((uint64_t)a + (uint64_t)b);
	case '-': return (int64_t)((uint64_t)a - (uint64_t)b);
	case '*': return (int64_t)((uint64_t)a * (uint64_t)b);
	case '/':
	case '%':
		if (b == 0 || (a == INT64_MIN && b == -1)) {
			if (!e->unevaluated) {
				e->bad = true;
				e->div_zero = b == 0;
			}
			return 0;
		}
		return op[0] == '/' ? a / b : a % b;
	}
	e->bad = true;
	return 0;
}

static int64_t eval_level(struct expr *e, int level)
{
	int64_t v;

	if (level == NLEVELS)
		return eval_unary(e);
	v = eval_level(e, level + 1);
	for (;;) {
		const char *op = NULL;
		for (int i = 0; i < 5 && levels[level][i]; i++)
			if (accept(e, levels[level][i])) {
				op = levels[level][i];
				break;
			}
		if (!op || e->bad)
			return v;
		bool short_circuit = (!strcmp(op, "||") && v) || (!strcmp(op, "&&") && !v);
		e->unevaluated += short_circuit;
		int64_t rhs = eval_level(e, level + 1);
		e->unevaluated -= short_circuit;
		v = apply(e, op, v, rhs);
	}
}

static int64_t eval_ternary(struct expr *e)
{
	int64_t cond = eval_level(e, 0), a, b;

	if (!accept(e, "?"))
		return cond;
	e->unevaluated += !cond;
	a = eval_ternary(e);
	e->unevaluated -= !cond;
	if (!accept(e, ":")) {
		e->bad = true;
		return 0;
	}
	e->unevaluated += cond != 0;
	b = eval_ternary(e);
	e->unevaluated -= cond != 0;
	return cond ? a : b;
}

/* ----------------------------------------------------------- directives */

/* The directive's word and the rest of its text, [rest, end). */
struct directive {
	const char *word;
	size_t word_len;
	const char *rest, *end;
	struct fth_range range;
};

static bool is_word(const struct directive *d, const char *w)
{
	return d->word_len == strlen(w) && !memcmp(d->word, w, d->word_len);
}

/* The first identifier of the rest, or false. */
static bool rest_name(const struct directive *d, const char **name, size_t *len)
{
	const char *p = d->rest;

	while (p < d->end && isspace((unsigned char)*p))
		p++;
	*name = p;
	while (p < d->end && is_ident((unsigned char)*p))
		p++;
	*len = (size_t)(p - *name);
	return *len > 0 && is_ident_start((unsigned char)**name);
}

bool fth_cpp_eval(const char *text, size_t len, fth_cpp_lookup lookup, void *ctx, int64_t *value)
{
	struct expr e = { .p = text, .end = text + len, .lookup = lookup, .ctx = ctx };
	int64_t v = eval_ternary(&e);

	skip_space(&e);
	if (e.bad || e.p != e.end || !len)
		return false;
	*value = v;
	return true;
}

/* Append [p, end) to out with every object-like macro in force at `at`
 * replaced by its body, itself expanded, as cpp substitutes text before
 * evaluating #if: `#define LEN 4 + 4` makes `LEN * 2` 4 + 4 * 2, 12. The
 * name after `defined` stays; a macro is not expanded inside its own
 * body (active holds the ones being expanded). False when the macros
 * nest too deeply. */
static bool expand_macros(struct cpp *c, uint32_t at, const char *p, const char *end, const char **active,
			  int depth, struct fth_strbuf *out)
{
	while (p < end) {
		const char *s = p;
		if (isdigit((unsigned char)*p)) { /* a number, suffix and hex digits included */
			while (p < end && is_ident((unsigned char)*p))
				p++;
			fth_strbuf_append(out, s, (size_t)(p - s));
			continue;
		}
		if (!is_ident_start((unsigned char)*p)) {
			fth_strbuf_putc(out, *p++);
			continue;
		}
		while (p < end && is_ident((unsigned char)*p))
			p++;
		size_t len = (size_t)(p - s);
		const struct fth_cmacro *m = fth_cmacros_find(c->macros, s, len, at);
		bool blocked = false;
		for (int i = 0; i < depth && !blocked; i++)
			blocked = strlen(active[i]) == len && !memcmp(active[i], s, len);
		if (len == 7 && !memcmp(s, "defined", 7)) {
			/* defined NAME / defined(NAME): copied as written */
			const char *q = p;
			while (q < end && (isspace((unsigned char)*q) || *q == '('))
				q++;
			while (q < end && is_ident((unsigned char)*q))
				q++;
			fth_strbuf_append(out, s, (size_t)(q - s));
			p = q;
		} else if (m && !m->function_like && !blocked) {
			if (depth == MAX_EXPANSION)
				return false;
			active[depth] = m->name;
			fth_strbuf_putc(out, ' ');
			if (!expand_macros(c, at, m->text, m->text + strlen(m->text), active, depth + 1, out))
				return false;
			fth_strbuf_putc(out, ' ');
		} else {
			fth_strbuf_append(out, s, len);
		}
	}
	return true;
}

static bool eval_condition(struct cpp *c, const struct directive *d, bool *value)
{
	const char *active[MAX_EXPANSION];
	struct fth_strbuf text;
	struct expr e = { .c = c, .at = d->range.begin, .p = d->rest, .end = d->end, .expanded = true };
	int64_t v = 0;
	bool ok;

	fth_strbuf_init(&text);
	ok = expand_macros(c, d->range.begin, d->rest, d->end, active, 0, &text);
	if (ok) {
		e.p = fth_strbuf_cstr(&text);
		e.end = e.p + text.len;
		v = eval_ternary(&e);
		skip_space(&e);
		ok = !e.bad && e.p == e.end && text.len;
	}
	fth_strbuf_free(&text);
	if (!ok && e.div_zero) {
		fth_error_hint(c->diag, d->range, "check the divisor, or guard it: #if defined X && 10 / X",
			       "division by zero in #%.*s", (int)d->word_len, d->word);
		return false;
	}
	if (!ok) {
		fth_error_hint(c->diag, d->range, "write an integer expression of numbers, defined(NAME) and C operators",
			       "invalid #%.*s expression", (int)d->word_len, d->word);
		return false;
	}
	*value = v != 0;
	return true;
}

/* #ifdef NAME / #ifndef NAME / #if EXPR: open a conditional. */
static int open_cond(struct cpp *c, const struct directive *d)
{
	bool value = false, ok = true;
	const char *name;
	size_t len;

	if (c->depth == MAX_DEPTH) {
		fth_error_hint(c->diag, d->range,
			       "flatten the nesting, e.g. combine conditions with && in one #if",
			       "conditionals nested more than %d deep", MAX_DEPTH);
		return -1;
	}
	if (is_word(d, "if")) {
		ok = !c->active || eval_condition(c, d, &value);
	} else if (!rest_name(d, &name, &len)) {
		fth_error_hint(c->diag, d->range, "write #ifdef NAME", "#%.*s needs a macro name", (int)d->word_len,
			       d->word);
		ok = false;
	} else {
		value = (fth_cmacros_find(c->macros, name, len, d->range.begin) != NULL) == is_word(d, "ifdef");
	}
	/* opened even when it is in error (as false), so that its #endif is
	 * not reported as one without #if */
	c->stack[c->depth++] = (struct cond){ c->active, c->active && value, false, d->range };
	c->active = c->active && value;
	return ok ? 0 : -1;
}

/* #elif EXPR / #else / #endif. */
static int continue_cond(struct cpp *c, const struct directive *d)
{
	struct cond *top = c->depth ? &c->stack[c->depth - 1] : NULL;
	bool value = false;

	if (!top) {
		fth_error_hint(c->diag, d->range, "remove it, or open the region with #if, #ifdef or #ifndef",
			       "#%.*s without #if", (int)d->word_len, d->word);
		return -1;
	}
	if (is_word(d, "endif")) {
		c->active = top->parent_active;
		c->depth--;
		return 0;
	}
	if (top->in_else) {
		fth_error_hint(c->diag, d->range, "a conditional has one #else, after every #elif",
			       "#%.*s after #else", (int)d->word_len, d->word);
		return -1;
	}
	if (is_word(d, "else")) {
		top->in_else = true;
		value = true;
	} else if (top->parent_active && !top->taken && !eval_condition(c, d, &value)) {
		return -1;
	}
	c->active = top->parent_active && !top->taken && value;
	top->taken = top->taken || c->active;
	return 0;
}

/* #define NAME [value] / #undef NAME in an active region: recorded in the
 * macro table, in force from this line on. */
static int note_definition(struct cpp *c, const struct directive *d, const char *full_end)
{
	struct fth_cmacro_error err;

	if (is_word(d, "undef")) {
		if (fth_cmacros_undef(c->macros, d->rest, (size_t)(full_end - d->rest), d->range))
			return 0;
		fth_error_hint(c->diag, d->range, "write #undef NAME", "#undef needs a macro name");
		return -1;
	}
	if (fth_cmacros_define(c->macros, d->rest, (size_t)(full_end - d->rest), d->range, &err))
		return 0;
	fth_error_hint(c->diag, d->range, err.hint, "%s", err.what);
	return -1;
}

/* #error TEXT / #warning TEXT in an active region: what the script says,
 * as cpp reports it (tools write #ifndef X / #error "needs X"). */
static int report_directive(struct cpp *c, const struct directive *d, const char *full_end)
{
	const char *text = d->rest;
	int len;

	while (text < full_end && (*text == ' ' || *text == '\t'))
		text++;
	len = (int)(full_end - text);
	if (is_word(d, "warning")) {
		fth_diag_report(c->diag, FTH_SEV_WARNING, d->range, NULL, "#warning %.*s", len, text);
		return 0;
	}
	fth_error(c->diag, d->range, "#error %.*s", len, text);
	return -1;
}

static void blank(struct cpp *c, uint32_t begin, uint32_t end)
{
	for (uint32_t i = begin; i < end; i++)
		if (c->out[i] != '\n')
			c->out[i] = ' ';
}

/* The end of the directive starting at offset i: its line and those its
 * trailing backslashes continue onto. */
static uint32_t directive_end(const struct fth_source *src, uint32_t i)
{
	while (i < src->len && src->text[i] != '\n') {
		if (src->text[i] == '\\' && i + 1 < src->len && src->text[i + 1] == '\n')
			i++;
		i++;
	}
	return i;
}

/* Where a comment opened in the directive [s, end) is left open at its
 * end, or NULL. In C such a comment would run on over the next lines and
 * take them into the directive; a directive here ends with its line, so
 * the script's next lines would silently be code instead. */
static const char *open_comment_in(const char *s, const char *end)
{
	char quote = 0;

	for (; s < end; s++) {
		if (quote) {
			if (*s == '\\')
				s++;
			else if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (s + 1 < end && s[0] == '/' && s[1] == '/') {
			return NULL;
		} else if (s + 1 < end && s[0] == '/' && s[1] == '*') {
			const char *open = s;
			for (s += 2; s + 1 < end && !(s[0] == '*' && s[1] == '/'); s++)
				;
			if (s + 1 >= end)
				return open;
			s++;
		}
	}
	return NULL;
}

/* A directive line: handle it; conditional lines are blanked, others are
 * blanked only when inactive. */
static int handle_directive(struct cpp *c, uint32_t hash, uint32_t end)
{
	const char *t = c->src->text;
	struct directive d;
	uint32_t p = hash + 1;
	bool conditional;
	int rc = 0;

	while (p < end && (t[p] == ' ' || t[p] == '\t'))
		p++;
	d.word = t + p;
	while (p < end && is_ident((unsigned char)t[p]))
		p++;
	d.word_len = (size_t)(t + p - d.word);
	d.rest = t + p;
	d.end = t + end;
	/* a comment ends the expression */
	for (const char *q = d.rest; q + 1 < d.end; q++)
		if (q[0] == '/' && (q[1] == '/' || q[1] == '*')) {
			d.end = q;
			break;
		}
	d.range = (struct fth_range){ hash, end };
	if (c->active) {
		const char *open = open_comment_in(d.rest, t + end);
		if (open) {
			struct fth_range comment = { (uint32_t)(open - t), end };
			fth_error_hint(c->diag, comment,
				       "close it with */ on the same line (a directive ends with its line), or use // instead",
				       "unterminated /* comment in #%.*s", (int)d.word_len, d.word);
			blank(c, hash, end);
			return -1;
		}
	}
	conditional = is_word(&d, "if") || is_word(&d, "ifdef") || is_word(&d, "ifndef") || is_word(&d, "elif") ||
		      is_word(&d, "else") || is_word(&d, "endif");
	if (is_word(&d, "if") || is_word(&d, "ifdef") || is_word(&d, "ifndef"))
		rc = open_cond(c, &d);
	else if (conditional)
		rc = continue_cond(c, &d);
	else if (c->active && (is_word(&d, "define") || is_word(&d, "undef")))
		rc = note_definition(c, &d, t + end);
	else if (c->active && (is_word(&d, "error") || is_word(&d, "warning")))
		rc = report_directive(c, &d, t + end);
	/* #define and #undef lines stay for the parser, which keeps them as
	 * nodes of the C section; #error and #warning were said here */
	if (conditional || !c->active || is_word(&d, "error") || is_word(&d, "warning"))
		blank(c, hash, end);
	return rc;
}

char *fth_cpp_run(const struct fth_source *src, struct fth_arena *arena, struct fth_diag *diag,
		  struct fth_cmacros *macros)
{
	struct cpp *c = calloc(1, sizeof(*c));
	const char *t = src->text;
	bool in_comment = false, failed = false;
	char *out;

	if (!c)
		return NULL;
	c->src = src;
	c->diag = diag;
	c->active = true;
	c->macros = macros;
	c->out = out = fth_arena_strndup(arena, src->text, src->len);
	for (uint32_t line = src->start; line < src->len;) {
		uint32_t i = line, eol;
		bool quote = false;
		while (!in_comment && i < src->len && (t[i] == ' ' || t[i] == '\t'))
			i++;
		if (!in_comment && i < src->len && t[i] == '#') {
			eol = directive_end(src, i);
			if (handle_directive(c, i, eol))
				failed = true;
		} else {
			/* Follow comments (a '#' inside one is no directive)
			 * and strings (a slash-star inside one opens none). */
			for (eol = line; eol < src->len && t[eol] != '\n'; eol++) {
				if (in_comment) {
					if (t[eol] == '*' && t[eol + 1] == '/')
						in_comment = false, eol++;
				} else if (quote) {
					if (t[eol] == '\\')
						eol++;
					else if (t[eol] == '"')
						quote = false;
				} else if (t[eol] == '"') {
					quote = true;
				} else if (t[eol] == '/' && t[eol + 1] == '/') {
					while (eol + 1 < src->len && t[eol + 1] != '\n')
						eol++;
				} else if (t[eol] == '/' && t[eol + 1] == '*') {
					in_comment = true, eol++;
				}
			}
			if (!c->active)
				blank(c, line, eol);
		}
		line = eol < src->len ? eol + 1 : eol;
	}
	for (int i = c->depth - 1; i >= 0; i--) {
		fth_error_hint(diag, c->stack[i].where, "close it with #endif", "this conditional has no #endif");
		failed = true;
	}
	free(c);
	return failed ? NULL : out;
}
