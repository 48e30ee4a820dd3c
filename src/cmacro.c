/* cmacro.c - the script's #define macros, see cmacro.h. */
#include "cmacro.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cpp.h"

/* Macros naming each other (#define A B, #define B A) stop here. */
#define MAX_VALUE_DEPTH 32
#define MAX_CHAIN 16

struct fth_cmacros {
	struct fth_arena *arena;
	struct fth_ptrvec entries; /* struct fth_cmacro *, in the order they were added */
};

struct fth_cmacros *fth_cmacros_new(struct fth_arena *arena)
{
	struct fth_cmacros *t = fth_arena_alloc(arena, sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->arena = arena;
	return t;
}

int fth_cmacros_count(const struct fth_cmacros *t)
{
	return t->entries.len;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static const char *skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || (*s == '\\' && s + 1 < end && s[1] == '\n')))
		s += *s == '\\' ? 2 : 1;
	return s;
}

static struct fth_cmacro *add_entry(struct fth_cmacros *t, const char *name, size_t len, struct fth_range where,
				    uint32_t from)
{
	struct fth_cmacro *m = fth_arena_alloc(t->arena, sizeof(*m));

	memset(m, 0, sizeof(*m));
	m->name = fth_arena_strndup(t->arena, name, len);
	m->text = "";
	m->where = where;
	m->from = from;
	fth_ptrvec_push(t->arena, &t->entries, m);
	return m;
}

void fth_cmacros_predefine(struct fth_cmacros *t, const char *name)
{
	struct fth_cmacro *m = add_entry(t, name, strlen(name), (struct fth_range){ 0, 0 }, 0);
	static const struct fth_token one = { .kind = TOK_INT, .text = "1", .len = 1, .integer = 1 };

	m->text = "1";
	m->body = &one;
	m->nbody = 1;
}

/* The body as the preprocessor sees it: backslash-newlines and comments
 * become blanks, the ends are trimmed. */
static char *body_text(struct fth_arena *arena, const char *s, const char *end)
{
	char *out = fth_arena_alloc(arena, (size_t)(end - s) + 1);
	size_t n = 0;
	char quote = 0;

	for (; s < end; s++) {
		if (quote) {
			if (*s == '\\' && s + 1 < end && s[1] != '\n')
				out[n++] = *s++;
			else if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '/' && s + 1 < end && s[1] == '/') {
			break;
		} else if (*s == '/' && s + 1 < end && s[1] == '*') {
			const char *close = s + 2;
			while (close + 1 < end && !(close[0] == '*' && close[1] == '/'))
				close++;
			s = close + 1 < end ? close + 1 : end;
			out[n++] = ' ';
			continue;
		}
		if (*s == '\\' && s + 1 < end && s[1] == '\n') {
			out[n++] = ' ';
			s++;
			continue;
		}
		out[n++] = *s == '\n' || *s == '\r' ? ' ' : *s;
	}
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	while (*out == ' ' || *out == '\t')
		out++;
	return out;
}

/* "a, b)" after "NAME(": the parameters; the text after ')' or NULL when
 * the list is malformed. */
static const char *params_refused(struct fth_cmacros *t, const struct fth_cmacro *m, struct fth_cmacro_error *err,
				  const char *hint, const char *fmt, const char *detail)
{
	err->what = fth_arena_printf(t->arena, fmt, m->name, detail);
	err->hint = hint;
	return NULL;
}

/* The parameter list after '(' into m; past its ')', or NULL with *err
 * saying what is wrong with it. */
static const char *parse_params(struct fth_cmacros *t, struct fth_cmacro *m, const char *s, const char *end,
				struct fth_cmacro_error *err)
{
	static const char list_hint[] = "write #define NAME(a, b) VALUE: names separated by commas, then ')'";
	const char *params[FTH_CMACRO_MAX_PARAMS];

	s = skip_blanks(s, end);
	while (s < end && *s != ')') {
		const char *start = s;
		while (s < end && is_name_char(*s))
			s++;
		if (end - start >= 3 && !memcmp(start, "...", 3))
			return params_refused(t, m, err, "name each parameter: fathom has no variadic macros",
					      "macro %s: variadic parameters (...)%s are not supported", "");
		if (s == start || isdigit((unsigned char)*start))
			return params_refused(t, m, err, list_hint, "macro %s: expected a parameter name%s", "");
		if (m->nparams == FTH_CMACRO_MAX_PARAMS)
			return params_refused(t, m, err, "pass fewer values, or split the macro in two",
					      "macro %s has more than %s parameters", fth_arena_printf(t->arena, "%d", FTH_CMACRO_MAX_PARAMS));
		params[m->nparams] = fth_arena_strndup(t->arena, start, (size_t)(s - start));
		for (int i = 0; i < m->nparams; i++)
			if (!strcmp(params[i], params[m->nparams]))
				return params_refused(t, m, err, "give each parameter its own name",
						      "macro %s: parameter '%s' appears twice", params[i]);
		m->nparams++;
		s = skip_blanks(s, end);
		if (s < end && *s == ',') {
			s = skip_blanks(s + 1, end);
			if (s < end && *s == ')')
				return params_refused(t, m, err, list_hint, "macro %s: expected a parameter name%s",
						      " after ','");
		} else if (s < end && *s != ')') {
			return params_refused(t, m, err, list_hint, "macro %s: expected ',' or ')'%s", " after a parameter");
		}
	}
	if (s >= end)
		return params_refused(t, m, err, "close it with ')'", "macro %s: the parameter list is not closed%s", "");
	m->params = fth_arena_alloc(t->arena, sizeof(*m->params) * (size_t)(m->nparams ? m->nparams : 1));
	memcpy(m->params, params, sizeof(*params) * (size_t)m->nparams);
	return s + 1;
}

/* The body's tokens, lexed once. A body that does not lex keeps what the
 * lexer said (in a source named after the macro, as bpftrace parses a
 * macro's value) for the use to print. */
static void lex_body(struct fth_cmacros *t, struct fth_cmacro *m)
{
	struct fth_source src = { .name = m->name, .text = m->text, .len = (uint32_t)strlen(m->text) };
	char *said = NULL;
	size_t said_len = 0;
	FILE *out = open_memstream(&said, &said_len);
	struct fth_diag d;
	struct fth_lexer lx;
	struct fth_ptrvec toks = { 0 };

	fth_diag_init(&d, &src, out);
	fth_lexer_init(&lx, &src, &d, t->arena);
	for (struct fth_token tok = fth_lexer_next(&lx); tok.kind != TOK_EOF && !d.errors; tok = fth_lexer_next(&lx)) {
		struct fth_token *copy = fth_arena_alloc(t->arena, sizeof(*copy));
		*copy = tok;
		fth_ptrvec_push(t->arena, &toks, copy);
	}
	if (out)
		fclose(out);
	if (d.errors) {
		m->error = fth_arena_strdup(t->arena, said && said_len ? said : "invalid macro body\n");
	} else {
		struct fth_token *body = fth_arena_alloc(t->arena, sizeof(*body) * (size_t)(toks.len ? toks.len : 1));
		for (int i = 0; i < toks.len; i++)
			body[i] = *(struct fth_token *)toks.items[i];
		m->body = body;
		m->nbody = toks.len;
	}
	free(said);
}

const struct fth_cmacro *fth_cmacros_define(struct fth_cmacros *t, const char *rest, size_t len,
					    struct fth_range where, struct fth_cmacro_error *err)
{
	const char *end = rest + len, *s = skip_blanks(rest, end), *name = s;
	struct fth_cmacro probe = { 0 }, *m;
	struct fth_cmacro_error ignored;
	size_t name_len;

	if (!err)
		err = &ignored;
	while (s < end && is_name_char(*s))
		s++;
	name_len = (size_t)(s - name);
	if (!name_len || isdigit((unsigned char)*name)) {
		err->what = "#define needs a macro name";
		err->hint = "write #define NAME VALUE, or #define NAME(a, b) VALUE";
		return NULL;
	}
	if (s < end && *s == '(') { /* no blank before '(': function-like */
		probe.function_like = true;
		probe.name = fth_arena_strndup(t->arena, name, name_len);
		s = parse_params(t, &probe, s + 1, end, err);
		if (!s)
			return NULL;
	}
	m = add_entry(t, name, name_len, where, where.end);
	m->function_like = probe.function_like;
	m->nparams = probe.nparams;
	m->params = probe.params;
	m->text = body_text(t->arena, s, end);
	lex_body(t, m);
	return m;
}

bool fth_cmacros_undef(struct fth_cmacros *t, const char *rest, size_t len, struct fth_range where)
{
	const char *end = rest + len, *s = skip_blanks(rest, end), *name = s;
	struct fth_cmacro *m;

	while (s < end && is_name_char(*s))
		s++;
	if (s == name || isdigit((unsigned char)*name))
		return false;
	m = add_entry(t, name, (size_t)(s - name), where, where.end);
	m->undefined = true;
	return true;
}

const struct fth_cmacro *fth_cmacros_find(const struct fth_cmacros *t, const char *name, size_t len, uint32_t at)
{
	const struct fth_cmacro *best = NULL;

	if (!t)
		return NULL;
	for (int i = 0; i < t->entries.len; i++) {
		const struct fth_cmacro *m = t->entries.items[i];
		if (m->from > at || strncmp(m->name, name, len) || m->name[len])
			continue;
		if (!best || m->from >= best->from) /* the latest before `at`; the later added on a tie */
			best = m;
	}
	return best && !best->undefined ? best : NULL;
}

struct value_ctx {
	const struct fth_cmacros *t;
	uint32_t at;
	int depth;
};

static bool value_at(const struct value_ctx *x, const char *name, size_t len, int64_t *value);

static bool lookup_value(void *ctx, const char *name, size_t len, int64_t *value)
{
	const struct value_ctx *x = ctx;

	return x->depth < MAX_VALUE_DEPTH && value_at(x, name, len, value);
}

static bool value_at(const struct value_ctx *x, const char *name, size_t len, int64_t *value)
{
	const struct fth_cmacro *m = fth_cmacros_find(x->t, name, len, x->at);
	struct value_ctx inner = { x->t, x->at, x->depth + 1 };

	if (!m || m->function_like || m->error)
		return false;
	return fth_cpp_eval(m->text, strlen(m->text), lookup_value, &inner, value);
}

bool fth_cmacros_value(const struct fth_cmacros *t, const char *name, uint32_t at, int64_t *value)
{
	struct value_ctx x = { t, at, 0 };

	return value_at(&x, name, strlen(name), value);
}

/* Depth-first through the identifiers of object-like bodies: does
 * chain[0] come back? chain holds the path so far. */
static bool reaches(const struct fth_cmacros *t, const char **chain, int depth, uint32_t at)
{
	const struct fth_cmacro *m = fth_cmacros_find(t, chain[depth - 1], strlen(chain[depth - 1]), at);

	if (!m || m->function_like || depth == MAX_CHAIN)
		return false;
	for (int i = 0; i < m->nbody; i++) {
		const char *next = m->body[i].text;
		bool seen = false;
		if (m->body[i].kind != TOK_IDENT)
			continue;
		chain[depth] = next;
		if (!strcmp(next, chain[0]))
			return true;
		for (int j = 1; j < depth && !seen; j++)
			seen = !strcmp(chain[j], next);
		if (!seen && reaches(t, chain, depth + 1, at))
			return true;
	}
	return false;
}

const char *fth_cmacros_recursion(const struct fth_cmacros *t, struct fth_arena *arena, const char *name,
				  uint32_t at)
{
	const char *chain[MAX_CHAIN + 1] = { name };
	const char *path = name;

	if (!reaches(t, chain, 1, at))
		return NULL;
	for (int i = 1; i <= MAX_CHAIN && chain[i]; i++) {
		path = fth_arena_printf(arena, "%s->%s", path, chain[i]);
		if (!strcmp(chain[i], name))
			break;
	}
	return path;
}

int fth_cmacros_export(struct fth_cmacros *t, uint32_t file_begin, uint32_t file_end, uint32_t at)
{
	int n = 0, count = t->entries.len;

	for (int i = 0; i < count; i++) {
		const struct fth_cmacro *m = t->entries.items[i];
		struct fth_cmacro *copy;
		if (m->undefined || m->from < file_begin || m->from >= file_end ||
		    fth_cmacros_find(t, m->name, strlen(m->name), file_end) != m)
			continue;
		copy = fth_arena_alloc(t->arena, sizeof(*copy));
		*copy = *m;
		copy->from = at;
		fth_ptrvec_push(t->arena, &t->entries, copy);
		n++;
	}
	return n;
}
