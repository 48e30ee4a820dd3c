/* cdefs.c - C definitions written in the script, see cdefs.h.
 *
 * A small recursive-descent parser for the subset of C that describes data:
 * struct/union/enum definitions, typedefs, members with pointers, arrays,
 * bitfields and function pointers. Layout follows the x86-64 SysV ABI. */
#include "cdefs.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct named_type {
	const char *name;     /* "struct foo", "enum e" or a typedef name */
	struct fth_type *type;
	bool defined;         /* the script gave its body (not only a mention) */
	bool asked;           /* the fallback was consulted for it */
};

struct enumerator {
	const char *name;
	int64_t value;
	struct fth_type *type; /* its enum's, set once the enum is complete */
};

struct fth_cdefs {
	struct fth_arena *arena;
	fth_cdefs_fallback fallback;
	void *ctx;
	struct fth_ptrvec types;       /* struct named_type * */
	struct fth_ptrvec enumerators; /* struct enumerator * */
	fth_cdefs_constant constant;   /* other names in constant expressions */
	void *constant_ctx;
	fth_cdefs_macro macro;         /* object-like #defines, expanded as text */
	void *macro_ctx;
};

/* Far beyond anything BPF can copy, small enough that sizes never wrap. */
#define MAX_TYPE_SIZE (1u << 26)

enum tok_kind { T_EOF, T_IDENT, T_NUM, T_PUNCT };

struct tok {
	enum tok_kind kind;
	uint32_t begin, end;
	const char *text; /* identifiers */
	uint64_t num;
	char punct;       /* '<' and '>' stand for << and >> */
	bool malformed;   /* a number run into letters: 12ab */
};

/* Parameters of a function-like macro (cmacro.h allows as many). */
#define FTH_CDEFS_MAX_MACRO_PARAMS 32

/* Macros may expand to macros; deeper than this is surely a mistake. */
#define MAX_EXPANSION_DEPTH 32

/* A macro body being read in place of its name, as cpp substitutes it. */
struct expansion {
	const char *name;     /* not expanded again inside its own body */
	const char *body;
	uint32_t pos;         /* next byte of body */
};

struct cparser {
	struct fth_cdefs *d;
	const char *text;
	uint32_t pos;
	struct tok tok;
	struct fth_cdefs_error *err;
	bool failed;
	/* Open expansions, innermost last; their tokens are located at the
	 * use of the outermost macro in the definition's text. */
	struct expansion expanding[MAX_EXPANSION_DEPTH];
	int depth;
	uint32_t use_begin, use_end;
};

/* A member as parsed; laid out once the whole definition is read, since
 * a trailing __attribute__((packed)) changes every offset. */
struct pending_member {
	const char *name;   /* NULL: an unnamed bitfield or an anonymous struct/union */
	struct fth_type *type;
	int bit_width;      /* -1 when not a bitfield */
	bool anonymous;     /* struct { ... }; whose members join the outer one */
};

struct pending_list {
	struct pending_member *items;
	int n, cap;
};

static void pending_push(struct fth_arena *arena, struct pending_list *l, struct pending_member m)
{
	l->items = fth_arena_grow(arena, l->items, l->n, &l->cap, sizeof(*l->items), 8);
	l->items[l->n++] = m;
}

/* One struct or union being laid out. */
struct layout {
	bool is_union;
	bool packed;
	uint64_t bit_pos;   /* next free bit (structs) */
	uint32_t size;      /* largest member (unions) */
	uint32_t max_align;
	struct fth_field *fields;
	int nfields, cap;
};

struct fth_cdefs *fth_cdefs_new(struct fth_arena *arena, fth_cdefs_fallback fallback, void *ctx)
{
	struct fth_cdefs *d = fth_arena_alloc(arena, sizeof(*d));

	d->arena = arena;
	d->fallback = fallback;
	d->ctx = ctx;
	return d;
}

static struct named_type *find_named(const struct fth_cdefs *d, const char *name)
{
	for (int i = 0; i < d->types.len; i++) {
		struct named_type *nt = d->types.items[i];
		if (!strcmp(nt->name, name))
			return nt;
	}
	return NULL;
}

static struct named_type *add_named(struct fth_cdefs *d, const char *name, struct fth_type *t, bool defined)
{
	struct named_type *nt = fth_arena_alloc(d->arena, sizeof(*nt));

	nt->name = fth_arena_strdup(d->arena, name);
	nt->type = t;
	nt->defined = defined;
	fth_ptrvec_push(d->arena, &d->types, nt);
	return nt;
}

/* ------------------------------------------------------------------ errors */

static void fail(struct cparser *p, uint32_t begin, uint32_t end, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void fail(struct cparser *p, uint32_t begin, uint32_t end, const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err->begin = begin;
	p->err->end = end > begin ? end : begin + 1;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
	snprintf(p->err->hint, sizeof(p->err->hint), "%s", hint ? hint : "");
}

static void fail_here(struct cparser *p, const char *hint, const char *what)
{
	const struct tok *t = &p->tok;

	if (t->kind == T_EOF)
		fail(p, t->begin, t->begin + 1, hint, "expected %s, found the end of the definition", what);
	else
		fail(p, t->begin, t->end, hint, "expected %s, found '%.*s'", what, (int)(t->end - t->begin),
		     p->text + t->begin);
}

/* ------------------------------------------------------------------ tokens */

static void skip_space_and_comments(const char *s, uint32_t *pos)
{
	for (;;) {
		while (s[*pos] && isspace((unsigned char)s[*pos]))
			(*pos)++;
		if (s[*pos] == '/' && s[*pos + 1] == '/') {
			while (s[*pos] && s[*pos] != '\n')
				(*pos)++;
		} else if (s[*pos] == '/' && s[*pos + 1] == '*') {
			const char *close = strstr(s + *pos + 2, "*/");
			*pos = close ? (uint32_t)(close - s) + 2 : (uint32_t)strlen(s);
		} else {
			return;
		}
	}
}

/* One token of s from *pos: offsets into s. */
static void scan(struct cparser *p, const char *s, uint32_t *pos, struct tok *t)
{
	skip_space_and_comments(s, pos);
	memset(t, 0, sizeof(*t));
	t->begin = *pos;
	if (!s[*pos]) {
		t->kind = T_EOF;
	} else if (isalpha((unsigned char)s[*pos]) || s[*pos] == '_') {
		while (isalnum((unsigned char)s[*pos]) || s[*pos] == '_')
			(*pos)++;
		t->kind = T_IDENT;
		t->text = fth_arena_strndup(p->d->arena, s + t->begin, *pos - t->begin);
	} else if (isdigit((unsigned char)s[*pos])) {
		char *end;
		t->kind = T_NUM;
		t->num = strtoull(s + *pos, &end, 0);
		*pos = (uint32_t)(end - s);
		while (s[*pos] == 'u' || s[*pos] == 'U' || s[*pos] == 'l' || s[*pos] == 'L')
			(*pos)++;
		t->malformed = isalnum((unsigned char)s[*pos]);
	} else {
		t->kind = T_PUNCT;
		t->punct = s[(*pos)++];
		if ((t->punct == '<' || t->punct == '>') && s[*pos] == t->punct)
			(*pos)++;
	}
	t->end = *pos;
}

/* Is name a macro being expanded (cpp does not expand it inside itself)? */
static bool expanding(const struct cparser *p, const char *name)
{
	for (int i = 0; i < p->depth; i++)
		if (!strcmp(p->expanding[i].name, name))
			return true;
	return false;
}

/* Where the arguments of a function-like macro's call begin: just past
 * the '(' that follows its name at pos in src (blanks allowed between), or
 * 0 when none follows - the name is then not a call and stays a name, as
 * with cpp. */
static uint32_t call_open_paren(const char *src, uint32_t pos)
{
	while (src[pos] == ' ' || src[pos] == '\t' || src[pos] == '\n' || src[pos] == '\r')
		pos++;
	return src[pos] == '(' ? pos + 1 : 0;
}

/* The arguments of a call from `at` (just past its '(') to its ')': split
 * at the commas outside nested parentheses and literals, each trimmed.
 * Returns how many (0 for "()" of a macro without parameters), with *pos
 * past the ')'; -1 when there is no ')', -2 for more than max. */
static int read_macro_args(struct cparser *p, const char *src, uint32_t at, int nparams, const char **args, int max,
			   uint32_t *pos)
{
	uint32_t i = at, arg_begin = at;
	int depth = 0, n = 0;
	char quote = 0;

	for (;; i++) {
		char c = src[i];
		if (!c)
			return -1;
		if (quote) {
			if (c == '\\' && src[i + 1])
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '(') {
			depth++;
		} else if ((c == ',' || c == ')') && depth == 0) {
			uint32_t b = arg_begin, e = i;
			while (b < e && isspace((unsigned char)src[b]))
				b++;
			while (e > b && isspace((unsigned char)src[e - 1]))
				e--;
			if (c == ')' && n == 0 && b == e && nparams == 0)
				break; /* F(): no arguments */
			if (n == max)
				return -2;
			args[n++] = fth_arena_strndup(p->d->arena, src + b, e - b);
			arg_begin = i + 1;
			if (c == ')')
				break;
		} else if (c == ')') {
			depth--;
		}
	}
	*pos = i + 1;
	return n;
}

/* The body of a function-like macro with each parameter replaced by its
 * argument's text, spaced so that no token runs into its neighbours. */
static const char *substitute_args(struct cparser *p, const struct fth_cdefs_macro_def *m, const char *const *args)
{
	const char *b = m->text ? m->text : "";
	size_t cap = strlen(b) + 1, len = 0;
	char *out;

	for (int i = 0; i < m->nparams; i++)
		cap += strlen(args[i]) + 2;
	/* each parameter may be used many times: size the worst case by
	 * counting identifier starts in the body */
	for (const char *q = b; *q; q++)
		if (isalpha((unsigned char)*q) || *q == '_')
			for (int i = 0; i < m->nparams; i++)
				cap += strlen(args[i]) + 2;
	out = fth_arena_alloc(p->d->arena, cap);
	while (*b) {
		if (*b == '"' || *b == '\'') {
			char quote = *b;
			out[len++] = *b++;
			while (*b && *b != quote) {
				if (*b == '\\' && b[1])
					out[len++] = *b++;
				out[len++] = *b++;
			}
			if (*b)
				out[len++] = *b++;
		} else if (isalpha((unsigned char)*b) || *b == '_') {
			const char *w = b;
			int param = -1;
			while (isalnum((unsigned char)*b) || *b == '_')
				b++;
			for (int i = 0; i < m->nparams; i++)
				if (strlen(m->params[i]) == (size_t)(b - w) && !memcmp(m->params[i], w, (size_t)(b - w)))
					param = i;
			if (param < 0) {
				memcpy(out + len, w, (size_t)(b - w));
				len += (size_t)(b - w);
			} else {
				len += (size_t)sprintf(out + len, " %s ", args[param]);
			}
		} else {
			out[len++] = *b++;
		}
	}
	out[len] = '\0';
	return out;
}

/* "#define SZ(n)": how the macro is declared, for a call that gives it
 * the wrong number of arguments. */
static const char *macro_declaration(struct cparser *p, const char *name, const struct fth_cdefs_macro_def *m)
{
	char buf[256];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "it is declared as #define %s(", name);

	for (int i = 0; i < m->nparams && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "", m->params[i]);
	if (n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ")");
	return fth_arena_strdup(p->d->arena, buf);
}

/* The text a macro named at t (read from src, whose position is *pos)
 * stands for here: its body, or for a function-like macro followed by
 * '(' its body with the arguments in, *pos then past the call's ')'.
 * NULL when the name is not expanded here (a function-like macro named
 * without a call) or the call is malformed (reported). */
static const char *macro_replacement(struct cparser *p, const struct tok *t, const struct fth_cdefs_macro_def *m,
				     const char *src, uint32_t *pos, bool outermost)
{
	const char *args[FTH_CDEFS_MAX_MACRO_PARAMS];
	uint32_t open, end = 0;
	int n;

	if (!m->function_like)
		return m->text ? m->text : "";
	open = call_open_paren(src, *pos);
	if (!open)
		return NULL;
	n = read_macro_args(p, src, open, m->nparams, args, FTH_CDEFS_MAX_MACRO_PARAMS, &end);
	if (n == -1) {
		fail(p, outermost ? t->begin : p->use_begin, outermost ? t->end : p->use_end,
		     "close the argument list with ')'", "unterminated call of macro %s", t->text);
		return NULL;
	}
	if (n != m->nparams) {
		fail(p, outermost ? t->begin : p->use_begin, outermost ? end : p->use_end,
		     macro_declaration(p, t->text, m), "macro %s takes %d argument%s, %d given", t->text, m->nparams,
		     m->nparams == 1 ? "" : "s", n < 0 ? FTH_CDEFS_MAX_MACRO_PARAMS + 1 : n);
		return NULL;
	}
	*pos = end;
	return substitute_args(p, m, args);
}

/* The next token, with #defines replaced by their bodies, as cpp
 * substitutes text: `#define LEN 4 + 4` makes `a[LEN * 2]` a[4 + 4 * 2],
 * `#define T unsigned int` makes `T x;` a member of that type, and
 * `#define SZ(n) (n * 4)` makes `a[SZ(2)]` a[( 2 * 4)]. */
static void next(struct cparser *p)
{
	struct tok *t = &p->tok;

	for (;;) {
		struct expansion *x = p->depth ? &p->expanding[p->depth - 1] : NULL;
		const struct fth_cdefs_macro_def *m;
		const char *src = x ? x->body : p->text, *body;
		uint32_t *pos = x ? &x->pos : &p->pos;

		scan(p, src, pos, t);
		if (x && t->kind == T_EOF) {
			p->depth--; /* this body is used up: back to what surrounds it */
			continue;
		}
		if (t->malformed) {
			if (x)
				fail(p, p->use_begin, p->use_end, NULL, "malformed number in the expansion of this macro");
			else
				fail(p, t->begin, t->end + 1, NULL, "malformed number");
		}
		if (t->kind == T_IDENT && p->d->macro && !expanding(p, t->text) &&
		    (m = p->d->macro(p->d->macro_ctx, t->text))) {
			if (p->depth == MAX_EXPANSION_DEPTH) {
				fail(p, x ? p->use_begin : t->begin, x ? p->use_end : t->end, NULL,
				     "macros expand into each other too deeply here");
				t->kind = T_EOF;
				return;
			}
			body = macro_replacement(p, t, m, src, pos, !x);
			if (p->failed) {
				t->kind = T_EOF;
				return;
			}
			if (body) {
				if (!x) {
					p->use_begin = t->begin;
					p->use_end = *pos;
				}
				p->expanding[p->depth++] = (struct expansion){ t->text, body, 0 };
				continue;
			}
		}
		if (x) {
			t->begin = p->use_begin;
			t->end = p->use_end;
		}
		return;
	}
}

static bool is_punct(const struct cparser *p, char c)
{
	return p->tok.kind == T_PUNCT && p->tok.punct == c;
}

static bool is_word(const struct cparser *p, const char *w)
{
	return p->tok.kind == T_IDENT && !strcmp(p->tok.text, w);
}

static bool accept(struct cparser *p, char c)
{
	if (!is_punct(p, c))
		return false;
	next(p);
	return true;
}

static bool expect(struct cparser *p, char c, const char *hint)
{
	char what[8];

	if (accept(p, c))
		return true;
	snprintf(what, sizeof(what), "'%c'", c);
	fail_here(p, hint, what);
	return false;
}

/* ------------------------------------------------------ constant expressions */

static bool const_expr(struct cparser *p, int64_t *v);

static bool const_primary(struct cparser *p, int64_t *v)
{
	if (p->tok.kind == T_NUM) {
		*v = (int64_t)p->tok.num;
		next(p);
		return true;
	}
	if (p->tok.kind == T_IDENT) {
		if (!fth_cdefs_enum_value(p->d, p->tok.text, v) &&
		    !(p->d->constant && p->d->constant(p->d->constant_ctx, p->tok.text, v))) {
			fail(p, p->tok.begin, p->tok.end,
			     "only numbers, enumerators and #define constants defined above can be used here",
			     "unknown constant '%s'", p->tok.text);
			return false;
		}
		next(p);
		return true;
	}
	if (accept(p, '(')) {
		if (!const_expr(p, v))
			return false;
		return expect(p, ')', NULL);
	}
	fail_here(p, NULL, "a constant");
	return false;
}

static bool const_unary(struct cparser *p, int64_t *v)
{
	if (p->tok.kind == T_PUNCT && strchr("-~!+", p->tok.punct)) {
		char op = p->tok.punct;
		next(p);
		if (!const_unary(p, v))
			return false;
		*v = op == '-' ? (int64_t)(0 - (uint64_t)*v) : op == '~' ? ~*v : op == '!' ? !*v : *v;
		return true;
	}
	return const_primary(p, v);
}

/* Binary operators from loosest to tightest: | ^ & (<< >>) (+ -) (* / %). */
static bool const_binary(struct cparser *p, int level, int64_t *v)
{
	static const char *const levels[] = { "|", "^", "&", "<>", "+-", "*/%" };
	int64_t r;

	if (level == 6)
		return const_unary(p, v);
	if (!const_binary(p, level + 1, v))
		return false;
	while (p->tok.kind == T_PUNCT && strchr(levels[level], p->tok.punct)) {
		struct tok op = p->tok;
		next(p);
		if (!const_binary(p, level + 1, &r))
			return false;
		switch (op.punct) {
		case '|': *v |= r; break;
		case '^': *v ^= r; break;
		case '&': *v &= r; break;
		case '<': *v = (int64_t)((uint64_t)*v << (r & 63)); break;
		case '>': *v >>= (r & 63); break;
		case '+': *v = (int64_t)((uint64_t)*v + (uint64_t)r); break;
		case '-': *v = (int64_t)((uint64_t)*v - (uint64_t)r); break;
		case '*': *v = (int64_t)((uint64_t)*v * (uint64_t)r); break;
		default:
			if (r == 0) {
				fail(p, op.begin, op.end, NULL, "division by zero in a constant");
				return false;
			}
			if (r == -1) /* INT64_MIN / -1 wraps, as the other operators do */
				*v = op.punct == '/' ? (int64_t)(0 - (uint64_t)*v) : 0;
			else
				*v = op.punct == '/' ? *v / r : *v % r;
		}
	}
	return true;
}

static bool const_expr(struct cparser *p, int64_t *v)
{
	return const_binary(p, 0, v);
}

/* ------------------------------------------------------------------ types */

static bool is_qualifier(const char *w)
{
	static const char *const words[] = { "const", "volatile", "restrict", "__restrict", "__const",
					     "__volatile__", "__volatile", "static", "extern", "register",
					     "__extension__", "__user", "__rcu", "__iomem", "__percpu" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* __attribute__((...)): skipped, except that `packed` is remembered. */
static bool skip_attributes(struct cparser *p, bool *packed)
{
	while (is_word(p, "__attribute__") || is_word(p, "__attribute")) {
		int depth = 0;
		next(p);
		if (!is_punct(p, '(')) {
			fail_here(p, NULL, "'(' after __attribute__");
			return false;
		}
		do {
			if (is_punct(p, '('))
				depth++;
			else if (is_punct(p, ')'))
				depth--;
			else if (packed && (is_word(p, "packed") || is_word(p, "__packed__")))
				*packed = true;
			else if (p->tok.kind == T_EOF) {
				fail_here(p, NULL, "')'");
				return false;
			}
			next(p);
		} while (depth > 0);
	}
	return true;
}

static struct fth_type *plain_char(struct fth_cdefs *d)
{
	/* Its own object, so that char[N] can become a string while
	 * signed char[N] and int8_t[N] stay arrays. */
	struct fth_type *t = fth_type_new(d->arena, FTH_T_INT, 1);

	t->is_signed = true;
	t->name = "char";
	return t;
}

static bool is_plain_char(const struct fth_type *t)
{
	return t->kind == FTH_T_INT && t->size == 1 && t->name && !strcmp(t->name, "char");
}

/* Fixed-width names scripts use without defining them. */
static struct fth_type *builtin_typedef(const char *name)
{
	static const struct {
		const char *name;
		int size;
		bool is_signed;
	} names[] = {
		{ "u8", 1, false },       { "u16", 2, false },      { "u32", 4, false },      { "u64", 8, false },
		{ "s8", 1, true },        { "s16", 2, true },       { "s32", 4, true },       { "s64", 8, true },
		{ "__u8", 1, false },     { "__u16", 2, false },    { "__u32", 4, false },    { "__u64", 8, false },
		{ "__s8", 1, true },      { "__s16", 2, true },     { "__s32", 4, true },     { "__s64", 8, true },
		{ "uint8_t", 1, false },  { "uint16_t", 2, false }, { "uint32_t", 4, false }, { "uint64_t", 8, false },
		{ "int8_t", 1, true },    { "int16_t", 2, true },   { "int32_t", 4, true },   { "int64_t", 8, true },
		{ "size_t", 8, false },   { "ssize_t", 8, true },   { "uintptr_t", 8, false }, { "intptr_t", 8, true },
		{ "pid_t", 4, true },     { "uid_t", 4, false },    { "gid_t", 4, false },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return fth_type_int(names[i].size, names[i].is_signed);
	return NULL;
}

/* The fallback's answer for a struct the script mentions but never
 * defines, copied into the placeholder every pointer already points at. */
static void complete_from_fallback(struct fth_cdefs *d, struct named_type *nt)
{
	struct fth_type *t;

	if (nt->defined || nt->asked || !d->fallback)
		return;
	nt->asked = true;
	t = d->fallback(d->ctx, nt->name);
	if (t && t->kind == FTH_T_STRUCT)
		*nt->type = *t;
}

struct fth_type *fth_cdefs_type(struct fth_cdefs *d, const char *name)
{
	struct named_type *nt = find_named(d, name);
	struct fth_type *t;

	if (nt) {
		complete_from_fallback(d, nt);
		return nt->type;
	}
	if (strncmp(name, "struct ", 7) && strncmp(name, "union ", 6) && strncmp(name, "enum ", 5) &&
	    (t = builtin_typedef(name)))
		return t;
	return d->fallback ? d->fallback(d->ctx, name) : NULL;
}

int fth_cdefs_names(const struct fth_cdefs *d, const char **names, int max)
{
	int n = 0;

	for (int i = 0; i < d->types.len && n < max; i++) {
		const struct named_type *nt = d->types.items[i];
		if (nt->defined)
			names[n++] = nt->name;
	}
	return n;
}

const struct fth_type *fth_cdefs_enumerator(const struct fth_cdefs *d, const char *name, int64_t *value)
{
	for (int i = 0; i < d->enumerators.len; i++) {
		const struct enumerator *e = d->enumerators.items[i];
		if (!strcmp(e->name, name)) {
			*value = e->value;
			return e->type ? e->type : fth_type_int(8, true);
		}
	}
	return NULL;
}

bool fth_cdefs_enum_value(const struct fth_cdefs *d, const char *name, int64_t *value)
{
	return fth_cdefs_enumerator(d, name, value) != NULL;
}

static struct fth_type *type_spec(struct cparser *p);

static void layout_push(struct fth_arena *arena, struct layout *l, const struct fth_field *f)
{
	l->fields = fth_arena_grow(arena, l->fields, l->nfields, &l->cap, sizeof(*l->fields), 8);
	l->fields[l->nfields++] = *f;
}

static uint64_t round_up(uint64_t v, uint64_t align)
{
	return align > 1 ? (v + align - 1) / align * align : v;
}

/* Place a member (bit_width < 0: not a bitfield) and return its byte
 * offset; bitfields also get their storage unit's bit offset. */
static uint32_t layout_place(struct layout *l, const struct fth_type *t, int bit_width, uint32_t *bit_offset)
{
	uint32_t align = l->packed ? 1 : (t->align ? t->align : 1);
	uint64_t unit_bits = (uint64_t)t->size * 8;
	uint32_t offset;

	*bit_offset = 0;
	if (bit_width < 0 || unit_bits == 0) {
		if (l->is_union) {
			offset = 0;
			if (t->size > l->size)
				l->size = t->size;
		} else {
			offset = (uint32_t)round_up((l->bit_pos + 7) / 8, align);
			l->bit_pos = ((uint64_t)offset + t->size) * 8;
		}
	} else if (l->is_union) {
		offset = 0;
		if ((uint32_t)(bit_width + 7) / 8 > l->size)
			l->size = (uint32_t)(bit_width + 7) / 8;
	} else {
		/* SysV: a bitfield never straddles a unit of its declared type
		 * (packed structs excepted); width 0 closes the current unit. */
		if (bit_width == 0 ||
		    (!l->packed && l->bit_pos / unit_bits != (l->bit_pos + (uint64_t)bit_width - 1) / unit_bits))
			l->bit_pos = round_up(l->bit_pos, unit_bits);
		offset = l->packed ? (uint32_t)(l->bit_pos / 8) : (uint32_t)(l->bit_pos / unit_bits * t->size);
		*bit_offset = (uint32_t)(l->bit_pos - (uint64_t)offset * 8);
		l->bit_pos += (uint64_t)bit_width;
	}
	if (bit_width != 0 && align > l->max_align)
		l->max_align = align;
	return offset;
}

static void layout_member(struct cparser *p, struct layout *l, const char *name, struct fth_type *t,
			  int bit_width)
{
	struct fth_field f = { .name = name, .type = t };

	f.offset = layout_place(l, t, bit_width, &f.bit_offset);
	if (bit_width > 0) {
		f.bit_size = (uint32_t)bit_width;
	}
	if (name)
		layout_push(p->d->arena, l, &f);
}

/* struct { ... }; inside a struct: its members belong to the outer one. */
static void layout_anonymous(struct cparser *p, struct layout *l, struct fth_type *t)
{
	uint32_t bit_offset, base = layout_place(l, t, -1, &bit_offset);

	for (int i = 0; i < t->nfields; i++) {
		struct fth_field f = t->fields[i];
		f.offset += base;
		layout_push(p->d->arena, l, &f);
	}
}

/* `* const * name [4][2] : 3` and `(*fn)(args)`; base is the specifier's type. */
static struct fth_type *declarator(struct cparser *p, struct fth_type *base, const char **name, uint32_t *name_at)
{
	struct fth_type *t = base;
	int64_t dims[8];
	int ndims = 0;

	*name = NULL;
	*name_at = p->tok.begin;
	while (is_punct(p, '*') || (p->tok.kind == T_IDENT && is_qualifier(p->tok.text))) {
		if (is_punct(p, '*'))
			t = fth_type_pointer(p->d->arena, t->kind == FTH_T_NONE ? fth_type_int(1, false) : t);
		next(p);
	}
	if (is_punct(p, '(')) {
		/* Function pointer: a pointer, whatever it returns or takes. */
		int depth = 0;
		next(p);
		if (!expect(p, '*', "only function pointers such as 'void (*fn)(int)' are understood here"))
			return NULL;
		if (p->tok.kind == T_IDENT) {
			*name = p->tok.text;
			*name_at = p->tok.begin;
			next(p);
		}
		if (!expect(p, ')', NULL))
			return NULL;
		do {
			if (is_punct(p, '('))
				depth++;
			else if (is_punct(p, ')'))
				depth--;
			else if (p->tok.kind == T_EOF || depth == 0) {
				fail_here(p, NULL, "the function pointer's parameter list");
				return NULL;
			}
			next(p);
		} while (depth > 0);
		return fth_type_pointer(p->d->arena, fth_type_int(1, false));
	}
	if (p->tok.kind == T_IDENT && !is_qualifier(p->tok.text)) {
		*name = p->tok.text;
		*name_at = p->tok.begin;
		next(p);
	}
	while (is_punct(p, '[')) {
		uint32_t at = p->tok.begin;
		int64_t n = 0;
		next(p);
		if (!is_punct(p, ']') && !const_expr(p, &n))
			return NULL;
		if (!expect(p, ']', NULL))
			return NULL;
		if (n < 0 || n > MAX_TYPE_SIZE || ndims == 8) {
			fail(p, at, p->tok.begin, NULL, "array size %lld is out of range", (long long)n);
			return NULL;
		}
		dims[ndims++] = n;
	}
	if (t->kind == FTH_T_NONE) {
		fail(p, *name_at, p->tok.begin, "use a pointer, 'void *'", "a member cannot have type void");
		return NULL;
	}
	for (int i = ndims - 1; i >= 0; i--) {
		if ((uint64_t)t->size * (uint64_t)dims[i] > MAX_TYPE_SIZE) {
			fail(p, *name_at, p->tok.begin, NULL, "array '%s' is too large", *name ? *name : "");
			return NULL;
		}
		if (i == ndims - 1 && is_plain_char(t)) {
			t = fth_type_string(p->d->arena, (uint32_t)dims[i]);
			t->char_array = true;
		} else {
			t = fth_type_array(p->d->arena, t, (uint32_t)dims[i]);
		}
	}
	return t;
}

static bool members(struct cparser *p, struct pending_list *l)
{
	while (!is_punct(p, '}')) {
		struct fth_type *base;

		if (accept(p, ';'))
			continue;
		if (p->tok.kind == T_EOF) {
			fail_here(p, "a definition ends with '};'", "'}'");
			return false;
		}
		base = type_spec(p);
		if (!base)
			return false;
		if (is_punct(p, ';') && base->kind == FTH_T_STRUCT && base->name && strstr(base->name, "(anon)")) {
			pending_push(p->d->arena, l, (struct pending_member){ .type = base, .bit_width = -1, .anonymous = true });
			next(p);
			continue;
		}
		for (;;) {
			const char *name;
			uint32_t at;
			int64_t width = -1;
			struct fth_type *t = base;

			name = NULL;
			at = p->tok.begin;
			if (!is_punct(p, ':')) /* else an unnamed bitfield */
				t = declarator(p, base, &name, &at);
			if (!t)
				return false;
			if (accept(p, ':')) {
				if (!const_expr(p, &width))
					return false;
				if (t->kind != FTH_T_INT && t->kind != FTH_T_BOOL) {
					fail(p, at, p->tok.begin, NULL, "bitfield '%s' must have an integer type",
					     name ? name : "");
					return false;
				}
				if (width < 0 || width > (int64_t)t->size * 8) {
					fail(p, at, p->tok.begin, NULL, "bitfield width %lld does not fit in its type",
					     (long long)width);
					return false;
				}
			} else if (!name) {
				fail_here(p, NULL, "a member name");
				return false;
			}
			if (t->kind == FTH_T_STRUCT && t->size == 0 && !t->btf_id && t->nfields == 0 && t->name &&
			    !strstr(t->name, "(anon)")) {
				/* A struct only declared so far: ask the fallback (BTF). */
				struct named_type *nt = find_named(p->d, t->name);
				if (nt)
					complete_from_fallback(p->d, nt);
				if (t->size == 0 && !t->btf_id) {
					fail(p, at, p->tok.begin, "define it above, or use a pointer to it",
					     "member '%s' has incomplete type '%s'", name ? name : "", t->name);
					return false;
				}
			}
			for (int i = 0; name && i < l->n; i++)
				if (l->items[i].name && !strcmp(l->items[i].name, name)) {
					fail(p, at, at + (uint32_t)strlen(name), NULL, "duplicate member '%s'", name);
					return false;
				}
			pending_push(p->d->arena, l, (struct pending_member){ .name = name, .type = t, .bit_width = (int)width });
			if (!accept(p, ','))
				break;
		}
		/* The last member may end at the '}' without its ';', as C
		 * compilers (and so bpftrace) accept with a warning at most. */
		if (is_punct(p, '}'))
			break;
		if (!expect(p, ';', "end each member with ';'"))
			return false;
	}
	return true;
}

/* `struct [name] [{ members }]`, the keyword already read. */
static struct fth_type *record(struct cparser *p, bool is_union)
{
	const char *kw = is_union ? "union" : "struct";
	struct layout l = { .is_union = is_union, .max_align = 1 };
	struct pending_list pending = { 0 };
	struct named_type *nt = NULL;
	struct fth_type *t;
	const char *name = NULL;
	uint32_t name_begin = p->tok.begin, name_end = p->tok.end;

	if (!skip_attributes(p, &l.packed))
		return NULL;
	if (p->tok.kind == T_IDENT) {
		name = fth_arena_printf(p->d->arena, "%s %s", kw, p->tok.text);
		name_begin = p->tok.begin;
		name_end = p->tok.end;
		next(p);
		nt = find_named(p->d, name);
	}
	if (!is_punct(p, '{')) {
		if (!name) {
			fail_here(p, NULL, "a name or '{'");
			return NULL;
		}
		if (!nt) {
			t = fth_type_new(p->d->arena, FTH_T_STRUCT, 0);
			t->name = name;
			t->align = 1;
			nt = add_named(p->d, name, t, false);
		}
		return nt->type;
	}
	if (nt && nt->defined) {
		fail(p, name_begin, name_end, "give the second one another name", "redefinition of '%s'", name);
		return NULL;
	}
	if (name && !nt) {
		/* Registered before its members, which may point back at it. */
		t = fth_type_new(p->d->arena, FTH_T_STRUCT, 0);
		t->name = name;
		nt = add_named(p->d, name, t, false);
	}
	next(p);
	if (!members(p, &pending) || !expect(p, '}', NULL) || !skip_attributes(p, &l.packed))
		return NULL;
	for (int i = 0; i < pending.n; i++) {
		struct pending_member *m = &pending.items[i];
		if (m->anonymous)
			layout_anonymous(p, &l, m->type);
		else
			layout_member(p, &l, m->name, m->type, m->bit_width);
	}
	if (l.bit_pos / 8 > MAX_TYPE_SIZE || l.size > MAX_TYPE_SIZE) {
		fail(p, name_begin, name_end, NULL, "%s is too large", name ? name : kw);
		return NULL;
	}
	t = nt ? nt->type : fth_type_new(p->d->arena, FTH_T_STRUCT, 0);
	memset(t, 0, sizeof(*t));
	t->kind = FTH_T_STRUCT;
	t->name = name ? name : fth_arena_printf(p->d->arena, "%s (anon)", kw);
	t->fields = l.fields;
	t->nfields = l.nfields;
	t->align = l.packed ? 1 : l.max_align;
	t->size = (uint32_t)round_up(is_union ? l.size : (l.bit_pos + 7) / 8, t->align);
	if (nt)
		nt->defined = true;
	return t;
}

/* `enum [name] [{ A, B = 2, ... }]`, the keyword already read. */
static struct fth_type *enumeration(struct cparser *p)
{
	const char *name = NULL;
	int64_t next_value = 0, min = 0, max = 0;
	bool past_max = false;
	struct tok name_at;
	struct named_type *nt;
	struct fth_type *t;
	struct fth_enum *def;
	int first;

	if (!skip_attributes(p, NULL))
		return NULL;
	if (p->tok.kind == T_IDENT) {
		name = fth_arena_printf(p->d->arena, "enum %s", p->tok.text);
		next(p);
	}
	if (!is_punct(p, '{')) {
		if (name && (nt = find_named(p->d, name)))
			return nt->type;
		if (!name)
			fail_here(p, NULL, "a name or '{'");
		/* enum of the kernel, or one declared later: int-sized */
		return name ? fth_type_int(4, false) : NULL;
	}
	next(p);
	first = p->d->enumerators.len;
	while (!is_punct(p, '}')) {
		struct enumerator *e;
		if (p->tok.kind != T_IDENT) {
			fail_here(p, NULL, "an enumerator name");
			return NULL;
		}
		e = fth_arena_alloc(p->d->arena, sizeof(*e));
		e->name = p->tok.text;
		name_at = p->tok;
		next(p);
		if (accept(p, '=')) {
			if (!const_expr(p, &next_value))
				return NULL;
		} else if (past_max) {
			/* the one before was INT64_MAX: GCC refuses this one too */
			fail(p, name_at.begin, name_at.end, "give it a value with '='", "overflow in enumeration values");
			return NULL;
		}
		e->value = next_value;
		past_max = next_value == INT64_MAX;
		next_value = past_max ? 0 : next_value + 1;
		if (e->value < min)
			min = e->value;
		if (e->value > max)
			max = e->value;
		fth_ptrvec_push(p->d->arena, &p->d->enumerators, e);
		if (!accept(p, ','))
			break;
	}
	if (!expect(p, '}', "separate enumerators with ','") || !skip_attributes(p, NULL))
		return NULL;
	/* GCC: unsigned int unless a value is negative; 8 bytes when needed. */
	t = fth_type_new(p->d->arena, FTH_T_INT, min < INT32_MIN || max > UINT32_MAX ||
						     (min < 0 && max > INT32_MAX) ? 8 : 4);
	t->is_signed = min < 0;
	t->name = name;
	/* The enumerators, for printing values of this type by name. */
	def = fth_arena_alloc(p->d->arena, sizeof(*def));
	def->name = name;
	def->count = p->d->enumerators.len - first;
	def->names = fth_arena_alloc(p->d->arena, sizeof(*def->names) * (size_t)(def->count + 1));
	def->values = fth_arena_alloc(p->d->arena, sizeof(*def->values) * (size_t)(def->count + 1));
	for (int i = 0; i < def->count; i++) {
		struct enumerator *e = p->d->enumerators.items[first + i];
		def->names[i] = e->name;
		def->values[i] = e->value;
		e->type = t;
	}
	t->enum_def = def;
	if (name)
		add_named(p->d, name, t, true);
	return t;
}

/* int, unsigned long, char, _Bool, void ... as a sequence of words. */
struct base_words {
	int longs, shorts, chars, ints, signeds, unsigneds, voids, bools, floats, doubles;
	bool any;
};

static bool base_word(struct base_words *w, const char *s)
{
	int *slot = !strcmp(s, "long") ? &w->longs : !strcmp(s, "short") ? &w->shorts
		    : !strcmp(s, "char") ? &w->chars : !strcmp(s, "int") ? &w->ints
		    : !strcmp(s, "signed") || !strcmp(s, "__signed__") ? &w->signeds
		    : !strcmp(s, "unsigned") ? &w->unsigneds : !strcmp(s, "void") ? &w->voids
		    : !strcmp(s, "_Bool") || !strcmp(s, "bool") ? &w->bools
		    : !strcmp(s, "float") ? &w->floats : !strcmp(s, "double") ? &w->doubles : NULL;

	if (!slot)
		return false;
	(*slot)++;
	w->any = true;
	return true;
}

static struct fth_type *base_type(struct cparser *p, const struct base_words *w)
{
	bool is_signed = !w->unsigneds;

	if (w->voids)
		return fth_type_none();
	/* Floating-point members keep their place and size in a struct;
	 * their values print as null, as in bpftrace. */
	if (w->floats)
		return fth_type_float(4);
	if (w->doubles)
		return fth_type_float(w->longs ? 16 : 8);
	if (w->bools)
		return fth_type_bool();
	if (w->chars)
		return w->signeds || w->unsigneds ? fth_type_int(1, is_signed) : plain_char(p->d);
	if (w->shorts)
		return fth_type_int(2, is_signed);
	if (w->longs)
		return fth_type_int(8, is_signed);
	return fth_type_int(4, is_signed);
}

/* The specifier part of a declaration: qualifiers, then one of struct/
 * union/enum, base words or a typedef name. */
static struct fth_type *type_spec(struct cparser *p)
{
	struct base_words w = { 0 };
	struct fth_type *t = NULL;

	for (;;) {
		if (p->failed)
			return NULL;
		if (p->tok.kind != T_IDENT)
			break;
		if (is_qualifier(p->tok.text)) {
			next(p);
		} else if (is_word(p, "__attribute__") || is_word(p, "__attribute")) {
			if (!skip_attributes(p, NULL))
				return NULL;
		} else if (!t && !w.any && (is_word(p, "struct") || is_word(p, "union"))) {
			bool is_union = is_word(p, "union");
			next(p);
			t = record(p, is_union);
			if (!t)
				return NULL;
		} else if (!t && !w.any && is_word(p, "enum")) {
			next(p);
			t = enumeration(p);
			if (!t)
				return NULL;
		} else if (!t && base_word(&w, p->tok.text)) {
			next(p);
		} else if (!t && !w.any) {
			struct named_type *nt = find_named(p->d, p->tok.text);
			t = nt ? nt->type : builtin_typedef(p->tok.text);
			if (!t && p->d->fallback)
				t = p->d->fallback(p->d->ctx, p->tok.text);
			if (!t) {
				fail(p, p->tok.begin, p->tok.end, "define it first, e.g. 'typedef unsigned int NAME;'",
				     "unknown type '%s'", p->tok.text);
				return NULL;
			}
			next(p);
		} else {
			break;
		}
	}
	if (t)
		return t;
	if (w.any)
		return base_type(p, &w);
	fail_here(p, NULL, "a type");
	return NULL;
}

/* typedef T name, *pname; */
static bool typedef_declaration(struct cparser *p)
{
	struct fth_type *base;

	next(p);
	base = type_spec(p);
	if (!base)
		return false;
	do {
		const char *name;
		uint32_t at;
		struct fth_type *t = declarator(p, base, &name, &at);
		struct named_type *nt;
		if (!t)
			return false;
		if (!name) {
			fail_here(p, NULL, "the typedef's name");
			return false;
		}
		nt = find_named(p->d, name);
		if (nt && !fth_type_equal(nt->type, t)) {
			fail(p, at, at + (uint32_t)strlen(name), NULL, "conflicting typedef '%s'", name);
			return false;
		}
		if (!nt)
			add_named(p->d, name, t, true);
	} while (accept(p, ','));
	return expect(p, ';', "a typedef ends with ';'");
}

static bool declaration(struct cparser *p)
{
	struct tok start = p->tok;

	if (is_word(p, "typedef"))
		return typedef_declaration(p);
	if (!type_spec(p))
		return false;
	/* A definition right before a probe may end at its '}': bpftrace
	 * accepts `struct Foo { int x; } BEGIN { ... }`. */
	if (p->tok.kind == T_EOF)
		return true;
	if (!is_punct(p, ';')) {
		fail(p, start.begin, p->tok.end, "only struct, union, enum and typedef definitions are used",
		     "variables cannot be declared in a C definition");
		return false;
	}
	next(p);
	return true;
}

void fth_cdefs_set_constants(struct fth_cdefs *defs, fth_cdefs_constant lookup, void *ctx)
{
	defs->constant = lookup;
	defs->constant_ctx = ctx;
}

void fth_cdefs_set_macros(struct fth_cdefs *defs, fth_cdefs_macro lookup, void *ctx)
{
	defs->macro = lookup;
	defs->macro_ctx = ctx;
}

int fth_cdefs_add(struct fth_cdefs *d, const char *text, struct fth_cdefs_error *err)
{
	struct cparser p = { .d = d, .text = text, .err = err };

	memset(err, 0, sizeof(*err));
	next(&p);
	while (!p.failed && p.tok.kind != T_EOF) {
		if (accept(&p, ';'))
			continue;
		declaration(&p);
	}
	return p.failed ? -EINVAL : 0;
}
