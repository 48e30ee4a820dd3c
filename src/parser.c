/* parser.c - recursive descent with Pratt-style binary operators, see parser.h.
 *
 * Tokens come from the lexer through a small ring buffer so that the parser
 * can look a few tokens ahead (casts such as `(struct foo **)p` must be told
 * apart from parenthesised expressions before anything is consumed). Attach
 * points and C definitions are not tokens: at those places the parser moves
 * the lexer back to the first byte of the current token and reads raw text.
 *
 * Error handling follows the classic panic-mode scheme: the first error
 * reports and sets `panic`; further errors are swallowed until the parser
 * resynchronises at a statement or top-level boundary. Every loop consumes at
 * least one token per iteration, or stops, so no input can hang it, and
 * recursion is bounded by MAX_NESTING so that no input can overflow the
 * stack. */
#include "parser.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpp.h"
#include "lexer.h"

#define LOOKAHEAD_MAX 64
/* Deep enough for any real script, shallow enough that every later pass
 * can recurse over the tree without worrying about the stack. */
#define MAX_NESTING 1000
#define MAX_ERRORS 20

struct parser {
	struct fth_lexer lx;
	struct fth_diag *diag;
	struct fth_arena *arena;
	const struct fth_source *src;

	struct fth_token ring[LOOKAHEAD_MAX];
	int head;  /* index of the current token in ring */
	int count; /* tokens buffered, current one included */
	struct fth_token prev; /* last consumed token */
	struct fth_token eof;  /* returned once the parser has given up */

	bool panic;        /* an error was reported; stay quiet until resync */
	bool halted;       /* too many errors: behave as if at end of input */
	bool eof_reported; /* "unterminated" was said once; don't repeat it */
	int errors;
	int nesting;
	int predicate_depth; /* inside /.../: a '/' followed by '{' ends it */

	/* section order: C definitions, then config/import, then the body */
	bool seen_non_c;
	bool seen_body;
	struct fth_node *program;

	/* The script's #define macros (recorded by the cpp pass), expanded
	 * between lexer and parser. */
	struct fth_cmacros *macros;
	const struct fth_parse_opts *opts;
	struct fth_token *pending; /* the rest of the last expansion */
	int npending, pending_pos;
	struct fth_token pushback; /* read after a macro name: no '(' */
	bool has_pushback;
};

static void error_at(struct parser *p, struct fth_range range, const char *hint, const char *fmt, ...);
static struct fth_token next_token(struct parser *p);

/* ------------------------------------------------------------------------ */
/* tokens                                                                    */

static const struct fth_token *peek(struct parser *p, int k)
{
	if (p->halted)
		return &p->eof;
	if (k >= LOOKAHEAD_MAX - 1)
		k = LOOKAHEAD_MAX - 2;
	while (p->count <= k) {
		p->ring[(p->head + p->count) % LOOKAHEAD_MAX] = next_token(p);
		p->count++;
	}
	return &p->ring[(p->head + k) % LOOKAHEAD_MAX];
}

static const struct fth_token *cur(struct parser *p)
{
	return peek(p, 0);
}

static bool check(struct parser *p, enum fth_token_kind kind)
{
	return cur(p)->kind == kind;
}

static void advance(struct parser *p)
{
	if (p->halted || cur(p)->kind == TOK_EOF)
		return;
	p->prev = *cur(p);
	p->head = (p->head + 1) % LOOKAHEAD_MAX;
	p->count--;
}

/* Throw away buffered tokens and continue lexing raw text at `offset`. */
static void rewind_lexer(struct parser *p, uint32_t offset)
{
	fth_lexer_seek(&p->lx, offset);
	p->count = 0;
	p->npending = p->pending_pos = 0;
	p->has_pushback = false;
}

static struct fth_range span(struct fth_range a, struct fth_range b)
{
	struct fth_range r = { a.begin, b.end > a.begin ? b.end : a.end };
	return r;
}

static struct fth_range at_offset(uint32_t offset)
{
	struct fth_range r = { offset, offset };
	return r;
}

/* Words that are keywords but also usable as field, config or record names
 * (`args.config`, `$r.union`). Keyword tokens carry their text. */
static bool is_name_token(const struct fth_token *t)
{
	return t->kind == TOK_IDENT || (t->kind >= TOK_IF && t->kind <= TOK_ENUM);
}

/* ------------------------------------------------------------------------ */
/* errors                                                                    */

static void give_up(struct parser *p)
{
	p->halted = true;
	p->eof.kind = TOK_EOF;
	p->eof.range = at_offset(p->src->len);
	fth_diag_plain(p->diag, FTH_SEV_ERROR, NULL, "too many errors, stopping");
}

static void verror_at(struct parser *p, struct fth_range range, const char *hint, const char *fmt,
		      va_list ap)
{
	char message[512];

	if (p->panic || p->halted)
		return;
	p->panic = true;
	/* Right after a token the lexer rejected, a syntax error is almost
	 * always a consequence of that one; don't pile it on. */
	if (p->prev.kind == TOK_ERROR && range.begin >= p->prev.range.end)
		return;
	vsnprintf(message, sizeof(message), fmt, ap);
	fth_error_hint(p->diag, range, hint, "%s", message);
	if (++p->errors >= MAX_ERRORS)
		give_up(p);
}

static void error_at(struct parser *p, struct fth_range range, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void error_at(struct parser *p, struct fth_range range, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(p, range, hint, fmt, ap);
	va_end(ap);
}

/* An error about the current token. A TOK_ERROR was already reported by the
 * lexer, so it only puts the parser in panic mode. */
static void error_at_cur(struct parser *p, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void error_at_cur(struct parser *p, const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (check(p, TOK_ERROR)) {
		p->panic = true;
		return;
	}
	va_start(ap, fmt);
	verror_at(p, cur(p)->range, hint, fmt, ap);
	va_end(ap);
}

/* "'foo'", "end of input", ... for "found X" in messages. */
static const char *describe(struct parser *p, const struct fth_token *t)
{
	uint32_t len = t->range.end - t->range.begin;
	const char *text = p->src->text + t->range.begin;

	switch (t->kind) {
	case TOK_EOF:
		return "end of input";
	case TOK_PREPROCESSOR:
		return "a preprocessor directive";
	case TOK_STRING:
		return "a string";
	default:
		break;
	}
	for (uint32_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			len = i;
			break;
		}
	}
	if (len > 32)
		return fth_arena_printf(p->arena, "'%.29s...'", text); /* no newline: len > 32 here */
	return fth_arena_printf(p->arena, "'%.*s'", (int)len, text);
}

/* Saying "use ==" is the most useful thing when '=' shows up where a
 * comparison was being written. */
static const char *hint_for_found(struct parser *p)
{
	if (check(p, TOK_ASSIGN))
		return "'=' assigns; use '==' to compare values";
	return NULL;
}

static void error_expected(struct parser *p, const char *what, const char *context)
{
	error_at_cur(p, hint_for_found(p), "expected %s%s%s, found %s", what, context ? " " : "",
		     context ? context : "", describe(p, cur(p)));
}

static bool expect(struct parser *p, enum fth_token_kind kind, const char *context)
{
	char what[16];

	if (check(p, kind)) {
		advance(p);
		return true;
	}
	snprintf(what, sizeof(what), "'%s'", fth_token_spelling(kind));
	error_expected(p, what, context);
	return false;
}

static void error_missing_semicolon(struct parser *p, const char *after)
{
	error_at(p, at_offset(p->prev.range.end), "statements are separated by ';'", "expected ';' after %s",
		 after);
}

/* End of input inside a braced construct: point at where the input ends and
 * say where the unmatched brace was opened. */
static void error_unclosed(struct parser *p, struct fth_range open, const char *what)
{
	int line, col;
	const char *hint;

	if (p->eof_reported) {
		p->panic = true;
		return;
	}
	p->eof_reported = true;
	fth_source_position(p->src, open.begin, &line, &col);
	hint = fth_arena_printf(p->arena, "the '{' at line %d, column %d is never closed", line, col);
	error_at(p, at_offset(p->prev.range.end), hint, "unterminated %s: expected '}' before end of input",
		 what);
}

static bool nest_in(struct parser *p)
{
	if (p->nesting >= MAX_NESTING) {
		error_at_cur(p, "split it up using variables", "expression or block is nested too deeply");
		return false;
	}
	p->nesting++;
	return true;
}

static void nest_out(struct parser *p)
{
	p->nesting--;
}

/* ------------------------------------------------------------------------ */
/* recovery                                                                  */

/* Skip to just after the next ';' or to the '}' that closes the current
 * block, stepping over whole nested blocks on the way. */
static void sync_statement(struct parser *p)
{
	int depth = 0;

	for (;;) {
		enum fth_token_kind kind = cur(p)->kind;

		if (kind == TOK_EOF)
			break;
		if (depth == 0 && kind == TOK_SEMI) {
			advance(p);
			break;
		}
		if (depth == 0 && kind == TOK_RBRACE)
			break;
		advance(p);
		if (kind == TOK_LBRACE)
			depth++;
		else if (kind == TOK_RBRACE && --depth == 0)
			break;
	}
	p->panic = false;
}

static bool starts_top_level_item(const struct fth_token *t)
{
	switch (t->kind) {
	case TOK_PREPROCESSOR:
	case TOK_STRUCT:
	case TOK_UNION:
	case TOK_ENUM:
	case TOK_CONFIG:
	case TOK_IMPORT:
	case TOK_LET:
	case TOK_MACRO:
	case TOK_FN:
	case TOK_IDENT:
		return t->newline_before;
	default:
		return false;
	}
}

/* Skip the rest of a broken top-level item: through the end of its braced
 * body, or up to something on a new line that starts another item. */
static void sync_top_level(struct parser *p)
{
	int depth = 0;

	for (;;) {
		const struct fth_token *t = cur(p);
		enum fth_token_kind kind = t->kind;

		if (kind == TOK_EOF)
			break;
		if (depth == 0 && starts_top_level_item(t))
			break;
		advance(p);
		if (kind == TOK_LBRACE) {
			depth++;
		} else if (kind == TOK_RBRACE && depth > 0 && --depth == 0) {
			break;
		}
	}
	p->panic = false;
}

/* ------------------------------------------------------------------------ */
/* nodes                                                                     */

static struct fth_node *new_node(struct parser *p, enum fth_node_kind kind, struct fth_range range)
{
	return fth_node_new(p->arena, kind, range);
}

static struct fth_node *new_ident(struct parser *p, enum fth_node_kind kind, const struct fth_token *t)
{
	struct fth_node *n = new_node(p, kind, t->range);

	n->u.ident.name = t->text;
	return n;
}

static void extend_to_prev(struct parser *p, struct fth_node *n)
{
	if (p->prev.range.end > n->range.begin)
		n->range.end = p->prev.range.end;
}

/* ------------------------------------------------------------------------ */
/* types                                                                     */

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static bool is_word_in(const char *word, const char *const *list)
{
	for (; *list; list++) {
		if (strcmp(word, *list) == 0)
			return true;
	}
	return false;
}

static const char *const c_int_words[] = { "unsigned", "signed", "short", "long", "int", "char", NULL };
static const char *const qualifier_words[] = { "const", "volatile", NULL };

/* Identifiers that name a type without a struct/union/enum keyword. Only
 * these make `(word)` a cast; `(pid)` stays a parenthesised builtin. */
static bool is_type_word(const char *word)
{
	static const char *const words[] = {
		"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
		"int", "char", "bool", "string", "buffer", "void", "inet", "short", "long",
		"unsigned", "signed", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
		"__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64",
		"__be16", "__be32", "__be64", "__le16", "__le32", "__le64", NULL,
	};

	return is_word_in(word, words) || ends_with(word, "_t");
}

static bool is_c_modifier(const char *word)
{
	return strcmp(word, "unsigned") == 0 || strcmp(word, "signed") == 0 ||
	       strcmp(word, "short") == 0 || strcmp(word, "long") == 0;
}

/* Tokens that can begin an operand: after `(type)` they make it a cast. '{'
 * and 'if' are left out so that `if (x) {` never reads as a cast. */
static bool can_start_operand(enum fth_token_kind kind)
{
	switch (kind) {
	case TOK_INT: case TOK_STRING: case TOK_IDENT: case TOK_VAR: case TOK_POSITIONAL:
	case TOK_MAP: case TOK_LPAREN: case TOK_MINUS: case TOK_BANG: case TOK_TILDE:
	case TOK_STAR: case TOK_AMP: case TOK_INC: case TOK_DEC: case TOK_TRUE: case TOK_FALSE:
	case TOK_SIZEOF: case TOK_OFFSETOF: case TOK_TYPEOF: case TOK_CONFIG:
		return true;
	default:
		return false;
	}
}

/* Scan (without consuming) a type starting at lookahead index *k. On success
 * *k is just past it and *bare tells whether it was a plain identifier type
 * (possibly with [N]) rather than struct/typeof/pointer syntax. */
static bool scan_type(struct parser *p, int *k, bool *bare)
{
	const struct fth_token *t;

	*bare = false;
	while (peek(p, *k)->kind == TOK_IDENT && is_word_in(peek(p, *k)->text, qualifier_words))
		(*k)++;
	t = peek(p, *k);
	if (t->kind == TOK_STRUCT || t->kind == TOK_UNION || t->kind == TOK_ENUM) {
		if (!is_name_token(peek(p, *k + 1)))
			return false;
		*k += 2;
	} else if (t->kind == TOK_TYPEOF) {
		int depth = 0;
		if (peek(p, *k + 1)->kind != TOK_LPAREN)
			return false;
		for ((*k)++; *k < LOOKAHEAD_MAX - 4; (*k)++) {
			enum fth_token_kind kind = peek(p, *k)->kind;
			if (kind == TOK_LPAREN)
				depth++;
			else if (kind == TOK_RPAREN && --depth == 0)
				break;
			else if (kind == TOK_EOF)
				return false;
		}
		if (peek(p, *k)->kind != TOK_RPAREN)
			return false;
		(*k)++;
	} else if (t->kind == TOK_IDENT && is_type_word(t->text)) {
		bool modifier = is_c_modifier(t->text);
		(*k)++;
		while (modifier && peek(p, *k)->kind == TOK_IDENT && is_word_in(peek(p, *k)->text, c_int_words)) {
			modifier = is_c_modifier(peek(p, *k)->text);
			(*k)++;
		}
		*bare = true;
	} else if (t->kind == TOK_IDENT && peek(p, *k + 1)->kind == TOK_STAR) {
		/* `(nameidata *)`: bpftrace's older struct cast without the
		 * keyword (its tools use it); `name *` is no expression. */
		(*k)++;
	} else {
		return false;
	}
	while (peek(p, *k)->kind == TOK_STAR && *k < LOOKAHEAD_MAX - 4) {
		(*k)++;
		*bare = false;
	}
	if (peek(p, *k)->kind == TOK_LBRACKET) {
		(*k)++;
		if (peek(p, *k)->kind == TOK_INT)
			(*k)++;
		if (peek(p, *k)->kind != TOK_RBRACKET)
			return false;
		(*k)++;
	}
	while (peek(p, *k)->kind == TOK_STAR && *k < LOOKAHEAD_MAX - 4) {
		(*k)++;
		*bare = false;
	}
	return *k < LOOKAHEAD_MAX - 3;
}

/* At '(': is this `(type) operand`? */
static bool looks_like_cast(struct parser *p)
{
	int k = 1;
	bool bare;

	if (!scan_type(p, &k, &bare) || peek(p, k)->kind != TOK_RPAREN)
		return false;
	return !bare || can_start_operand(peek(p, k + 1)->kind);
}

/* Inside sizeof( / offsetof( / typeof(: is the argument a type? */
static bool type_argument_ahead(struct parser *p)
{
	int k = 0;
	bool bare;
	enum fth_token_kind after;

	if (!scan_type(p, &k, &bare))
		return false;
	after = peek(p, k)->kind;
	return after == TOK_RPAREN || after == TOK_COMMA;
}

static struct fth_node *parse_expr(struct parser *p);

static bool parse_array_suffix(struct parser *p, struct fth_type_name *t)
{
	advance(p); /* [ */
	t->array_len = -1;
	if (check(p, TOK_INT)) {
		if (cur(p)->integer == 0 || cur(p)->integer > INT_MAX) {
			error_at_cur(p, NULL, "array size must be between 1 and %d", INT_MAX);
			return false;
		}
		t->array_len = (int)cur(p)->integer;
		advance(p);
	}
	return expect(p, TOK_RBRACKET, "to close the array size");
}

static bool parse_type_name(struct parser *p, struct fth_type_name *t);

static bool parse_typeof_type(struct parser *p, struct fth_type_name *t)
{
	advance(p); /* typeof */
	if (!expect(p, TOK_LPAREN, "after 'typeof'"))
		return false;
	if (type_argument_ahead(p)) {
		if (!parse_type_name(p, t))
			return false;
	} else {
		t->typeof_expr = parse_expr(p);
		if (!t->typeof_expr)
			return false;
	}
	return expect(p, TOK_RPAREN, "to close 'typeof('");
}

/* A type as written: `uint32`, `struct task_struct *`, `string[64]`,
 * `int32*[4]`, `unsigned long`, `typeof($x)`. */
static bool parse_type_name(struct parser *p, struct fth_type_name *t)
{
	uint32_t begin = cur(p)->range.begin;
	const struct fth_token *tok;

	memset(t, 0, sizeof(*t));
	while (check(p, TOK_IDENT) && is_word_in(cur(p)->text, qualifier_words))
		advance(p);
	tok = cur(p);
	if (tok->kind == TOK_STRUCT || tok->kind == TOK_UNION || tok->kind == TOK_ENUM) {
		const char *keyword = tok->text;
		advance(p);
		if (!is_name_token(cur(p))) {
			error_expected(p, "a name", fth_arena_printf(p->arena, "after '%s'", keyword));
			return false;
		}
		t->base = fth_arena_printf(p->arena, "%s %s", keyword, cur(p)->text);
		advance(p);
	} else if (tok->kind == TOK_TYPEOF) {
		struct fth_type_name inner;
		memset(&inner, 0, sizeof(inner));
		if (!parse_typeof_type(p, &inner))
			return false;
		*t = inner;
	} else if (tok->kind == TOK_IDENT) {
		const char *base = tok->text;
		bool modifier = is_c_modifier(base);
		advance(p);
		while (modifier && check(p, TOK_IDENT) && is_word_in(cur(p)->text, c_int_words)) {
			modifier = is_c_modifier(cur(p)->text);
			base = fth_arena_printf(p->arena, "%s %s", base, cur(p)->text);
			advance(p);
		}
		/* `nameidata *` is `struct nameidata *`, as in bpftrace. */
		if (!is_type_word(base) && check(p, TOK_STAR))
			base = fth_arena_printf(p->arena, "struct %s", base);
		t->base = base;
	} else {
		error_expected(p, "a type", NULL);
		return false;
	}
	while (check(p, TOK_STAR)) {
		t->pointer_depth++;
		advance(p);
	}
	if (check(p, TOK_LBRACKET) && !parse_array_suffix(p, t))
		return false;
	while (check(p, TOK_STAR)) {
		t->pointer_depth++;
		advance(p);
	}
	t->range.begin = begin;
	t->range.end = p->prev.range.end;
	return true;
}

/* ------------------------------------------------------------------------ */
/* expressions                                                               */

static struct fth_node *parse_unary(struct parser *p);
static struct fth_node *parse_block(struct parser *p, enum fth_node_kind kind, bool value_mode,
				    const char *context, const char *hint);
static struct fth_node *parse_if(struct parser *p, bool value_mode);

/* Binding strength of binary operators, 0 for anything else. */
static int binary_precedence(enum fth_token_kind kind)
{
	switch (kind) {
	case TOK_OROR: return 1;
	case TOK_ANDAND: return 2;
	case TOK_PIPE: return 3;
	case TOK_CARET: return 4;
	case TOK_AMP: return 5;
	case TOK_EQ: case TOK_NE: return 6;
	case TOK_LT: case TOK_GT: case TOK_LE: case TOK_GE: return 7;
	case TOK_SHL: case TOK_SHR: return 8;
	case TOK_PLUS: case TOK_MINUS: return 9;
	case TOK_STAR: case TOK_SLASH: case TOK_PERCENT: return 10;
	default: return 0;
	}
}

static bool ends_predicate(struct parser *p)
{
	return p->predicate_depth > 0 && check(p, TOK_SLASH) && peek(p, 1)->kind == TOK_LBRACE;
}

static struct fth_node *parse_binary(struct parser *p, int min_precedence);

static struct fth_node *binary_node(struct parser *p, enum fth_token_kind op, struct fth_node *lhs, struct fth_node *rhs)
{
	struct fth_node *node = new_node(p, FTH_BINARY, span(lhs->range, rhs->range));

	node->u.binary.op = op;
	node->u.binary.lhs = lhs;
	node->u.binary.rhs = rhs;
	return node;
}

/* Up to this many terms a || or && chain is a left-leaning tree, as
 * bpftrace builds it; a longer one is balanced. */
#define LONG_LOGICAL_CHAIN 32

/* operands[lo..hi) joined by op into a tree of depth log2(hi - lo) */
static struct fth_node *balanced_logical(struct parser *p, enum fth_token_kind op, struct fth_node **operands, int lo,
					 int hi)
{
	int mid = lo + (hi - lo) / 2;

	if (hi - lo == 1)
		return operands[lo];
	return binary_node(p, op, balanced_logical(p, op, operands, lo, mid), balanced_logical(p, op, operands, mid, hi));
}

/* first || b || c ... (or &&): generated predicates list a thousand pids
 * this way. The terms are parsed in a loop, not counted against the
 * nesting limit as other chains are, and a long chain becomes a balanced
 * tree that later passes recurse over shallowly. || and && are
 * associative, and a balanced tree evaluates and short-circuits the terms
 * in the same order. */
static struct fth_node *parse_logical_chain(struct parser *p, struct fth_node *first, enum fth_token_kind op,
					    int precedence)
{
	struct fth_node **operands = NULL, *node;
	int n = 0, cap = 0;

	operands = fth_arena_grow(p->arena, operands, n, &cap, sizeof(*operands), 16);
	operands[n++] = first;
	while (cur(p)->kind == op && !ends_predicate(p)) {
		struct fth_node *rhs;
		advance(p);
		if (!(rhs = parse_binary(p, precedence + 1)))
			return NULL;
		operands = fth_arena_grow(p->arena, operands, n, &cap, sizeof(*operands), 16);
		operands[n++] = rhs;
	}
	if (n > LONG_LOGICAL_CHAIN)
		return balanced_logical(p, op, operands, 0, n);
	node = operands[0];
	for (int i = 1; i < n; i++)
		node = binary_node(p, op, node, operands[i]);
	return node;
}

static struct fth_node *parse_binary(struct parser *p, int min_precedence)
{
	struct fth_node *lhs = parse_unary(p);
	int chained = 0;

	while (lhs) {
		enum fth_token_kind op = cur(p)->kind;
		int precedence = binary_precedence(op);
		struct fth_node *rhs;

		if (precedence == 0 || precedence < min_precedence || ends_predicate(p))
			break;
		if (op == TOK_OROR || op == TOK_ANDAND) {
			lhs = parse_logical_chain(p, lhs, op, precedence);
			continue;
		}
		/* A long a+b+c+... chain makes a deep left-leaning tree; count
		 * it against the nesting limit like parentheses. */
		if (!nest_in(p)) {
			lhs = NULL;
			break;
		}
		chained++;
		advance(p);
		rhs = parse_binary(p, precedence + 1);
		if (!rhs) {
			lhs = NULL;
			break;
		}
		lhs = binary_node(p, op, lhs, rhs);
	}
	p->nesting -= chained;
	return lhs;
}

/* cond ? a : b (right-associative) and cond ?: b */
static struct fth_node *parse_ternary(struct parser *p)
{
	struct fth_node *cond = parse_binary(p, 1), *then_expr = NULL, *else_expr, *node;

	if (!cond || !check(p, TOK_QUESTION))
		return cond;
	if (!nest_in(p))
		return NULL;
	advance(p);
	if (check(p, TOK_COLON)) {
		advance(p);
	} else {
		then_expr = parse_ternary(p);
		if (!then_expr || !expect(p, TOK_COLON, "in the conditional expression")) {
			nest_out(p);
			return NULL;
		}
	}
	else_expr = parse_ternary(p);
	nest_out(p);
	if (!else_expr)
		return NULL;
	node = new_node(p, FTH_TERNARY, span(cond->range, else_expr->range));
	node->u.ternary.cond = cond;
	node->u.ternary.then_expr = then_expr;
	node->u.ternary.else_expr = else_expr;
	return node;
}

static struct fth_node *parse_expr(struct parser *p)
{
	struct fth_node *e;

	if (!nest_in(p))
		return NULL;
	e = parse_ternary(p);
	nest_out(p);
	return e;
}

static bool is_assignable(const struct fth_node *n)
{
	return n->kind == FTH_VAR || n->kind == FTH_MAP ||
	       (n->kind == FTH_IDENT && strcmp(n->u.ident.name, "_") == 0);
}

static struct fth_node *make_incdec(struct parser *p, struct fth_node *target, bool increment, bool prefix,
				    struct fth_range range)
{
	struct fth_node *n;

	if (target->kind != FTH_VAR && target->kind != FTH_MAP) {
		error_at(p, target->range, "only $variables and @maps can be incremented or decremented",
			 "cannot apply '%s' to this expression", increment ? "++" : "--");
		return NULL;
	}
	n = new_node(p, FTH_INCDEC, range);
	n->u.incdec.target = target;
	n->u.incdec.increment = increment;
	n->u.incdec.prefix = prefix;
	return n;
}

static struct fth_node *parse_cast(struct parser *p)
{
	uint32_t begin = cur(p)->range.begin;
	struct fth_type_name type;
	struct fth_node *operand, *n;

	advance(p); /* ( */
	if (!parse_type_name(p, &type) || !expect(p, TOK_RPAREN, "to close the cast"))
		return NULL;
	operand = parse_unary(p);
	if (!operand)
		return NULL;
	n = new_node(p, FTH_CAST, span(at_offset(begin), operand->range));
	n->u.cast.type_name = type;
	n->u.cast.operand = operand;
	return n;
}

static struct fth_node *parse_postfix(struct parser *p, struct fth_range start, struct fth_node *base);
static struct fth_node *parse_operand_with_postfix(struct parser *p);
static struct fth_node *parse_primary(struct parser *p);

static struct fth_node *parse_prefix_operator(struct parser *p)
{
	struct fth_token op = *cur(p);
	struct fth_node *operand, *n;

	advance(p);
	operand = parse_unary(p);
	if (!operand)
		return NULL;
	if (op.kind == TOK_INC || op.kind == TOK_DEC)
		return make_incdec(p, operand, op.kind == TOK_INC, true, span(op.range, operand->range));
	n = new_node(p, FTH_UNARY, span(op.range, operand->range));
	n->u.unary.op = op.kind;
	n->u.unary.operand = operand;
	return n;
}

/* `comptime expr` (as in `if comptime !cond { ... }`): the same node as
 * comptime(expr), a call that sema evaluates while compiling. */
static struct fth_node *parse_comptime_prefix(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_CALL, cur(p)->range), *operand;

	n->u.call.name = cur(p)->text;
	n->u.call.name_range = cur(p)->range;
	advance(p);
	operand = parse_unary(p);
	if (!operand)
		return NULL;
	fth_node_list_push(p->arena, &n->u.call.args, operand);
	extend_to_prev(p, n);
	return n;
}

static struct fth_node *parse_unary(struct parser *p)
{
	struct fth_node *n;

	if (!nest_in(p))
		return NULL;
	switch (cur(p)->kind) {
	case TOK_MINUS: case TOK_BANG: case TOK_TILDE: case TOK_STAR: case TOK_AMP:
	case TOK_INC: case TOK_DEC:
		n = parse_prefix_operator(p);
		break;
	case TOK_LPAREN:
		if (looks_like_cast(p)) {
			n = parse_cast(p);
			break;
		}
		/* fall through */
	default:
		if (check(p, TOK_IDENT) && !strcmp(cur(p)->text, "comptime") && peek(p, 1)->kind != TOK_LPAREN &&
		    can_start_operand(peek(p, 1)->kind)) {
			n = parse_comptime_prefix(p);
			break;
		}
		n = parse_operand_with_postfix(p);
		break;
	}
	nest_out(p);
	return n;
}

static struct fth_node *parse_member(struct parser *p, struct fth_range start, struct fth_node *base)
{
	bool arrow = check(p, TOK_ARROW);
	struct fth_node *n;

	advance(p);
	if (!arrow && check(p, TOK_INT)) {
		if (cur(p)->integer > INT_MAX) {
			error_at_cur(p, NULL, "tuple index is too large");
			return NULL;
		}
		n = new_node(p, FTH_TUPLE_INDEX, span(start, cur(p)->range));
		n->u.tuple_index.base = base;
		n->u.tuple_index.index = (int)cur(p)->integer;
		advance(p);
		return n;
	}
	if (!is_name_token(cur(p))) {
		error_expected(p, arrow ? "a field name" : "a field name or tuple index",
			       arrow ? "after '->'" : "after '.'");
		return NULL;
	}
	n = new_node(p, FTH_FIELD, span(start, cur(p)->range));
	n->u.field.base = base;
	n->u.field.name = cur(p)->text;
	n->u.field.arrow = arrow;
	n->u.field.name_range = cur(p)->range;
	advance(p);
	return n;
}

static struct fth_node *parse_index(struct parser *p, struct fth_range start, struct fth_node *base)
{
	struct fth_node *index, *n;

	advance(p); /* [ */
	index = parse_expr(p);
	if (!index || !expect(p, TOK_RBRACKET, "to close the index"))
		return NULL;
	n = new_node(p, FTH_INDEX, span(start, p->prev.range));
	n->u.index.base = base;
	n->u.index.index = index;
	return n;
}

/* 1.5: an integer, '.', an integer, with nothing between them. The tokens
 * would read as element 5 of the tuple 1; it is a number with a fraction,
 * which bpftrace does not have. */
static bool is_decimal_fraction(struct parser *p, const struct fth_node *base)
{
	const struct fth_token *dot = cur(p), *fraction = peek(p, 1);

	return base->kind == FTH_INT && base->range.end == dot->range.begin && fraction->kind == TOK_INT &&
	       fraction->range.begin == dot->range.end;
}

static void report_decimal_fraction(struct parser *p, const struct fth_node *base)
{
	struct fth_range number = { base->range.begin, peek(p, 1)->range.end };

	error_at(p, number, "use integers: count in smaller units (15 tenths for 1.5) or divide, as in 3 / 2",
		 "'%.*s' is not an integer: there are no floating-point numbers, only integers",
		 (int)(number.end - number.begin), p->src->text + number.begin);
}

/* .field ->field .N [i] x++ x-- after an operand whose first token is at
 * `start`. The postfix expression's range begins there rather than at the
 * operand's own range: for `((struct foo *)0)->a` that is the outer '(',
 * which is where bpftrace's diagnostics and helper errors point. */
static struct fth_node *parse_postfix(struct parser *p, struct fth_range start, struct fth_node *base)
{
	int chained = 0;

	while (base) {
		enum fth_token_kind kind = cur(p)->kind;

		if (kind != TOK_DOT && kind != TOK_ARROW && kind != TOK_LBRACKET && kind != TOK_INC &&
		    kind != TOK_DEC)
			break;
		if (!nest_in(p)) {
			base = NULL;
			break;
		}
		chained++;
		if (kind == TOK_DOT && is_decimal_fraction(p, base)) {
			report_decimal_fraction(p, base);
			base = NULL;
		} else if (kind == TOK_DOT || kind == TOK_ARROW) {
			base = parse_member(p, start, base);
		} else if (kind == TOK_LBRACKET) {
			base = parse_index(p, start, base);
		} else {
			advance(p);
			base = make_incdec(p, base, kind == TOK_INC, false, span(start, p->prev.range));
		}
	}
	p->nesting -= chained;
	return base;
}

/* A primary expression and the postfix operators after it. */
static struct fth_node *parse_operand_with_postfix(struct parser *p)
{
	struct fth_range start = cur(p)->range;

	return parse_postfix(p, start, parse_primary(p));
}

/* Comma-separated expressions up to `close` (not consumed). */
static bool parse_expr_list(struct parser *p, struct fth_node_list *list, enum fth_token_kind close)
{
	if (check(p, close))
		return true;
	for (;;) {
		struct fth_node *e = parse_expr(p);
		if (!e)
			return false;
		fth_node_list_push(p->arena, list, e);
		if (!check(p, TOK_COMMA))
			return true;
		advance(p);
	}
}

static struct fth_node *parse_map(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_MAP, cur(p)->range);

	n->u.map.name = cur(p)->text;
	n->u.map.name_range = cur(p)->range;
	advance(p);
	if (!check(p, TOK_LBRACKET))
		return n;
	advance(p);
	if (check(p, TOK_RBRACKET)) {
		error_at_cur(p, "write @m[key], or just @m for a map without a key",
			     "expected a map key, found ']'");
		return NULL;
	}
	if (!parse_expr_list(p, &n->u.map.keys, TOK_RBRACKET) ||
	    !expect(p, TOK_RBRACKET, "to close the map key"))
		return NULL;
	extend_to_prev(p, n);
	return n;
}

/* Arguments of a call whose argument type_index may be a type
 * (`struct sk_buff`, `uint16`, `typeof($x)`), kept in an FTH_TYPEOF node:
 * container_of(ptr, type, member), typeinfo(type or expr). */
static bool parse_args_with_type(struct parser *p, struct fth_node_list *args, int type_index)
{
	for (int i = 0; !check(p, TOK_RPAREN); i++) {
		struct fth_node *e;
		if (i == type_index && type_argument_ahead(p)) {
			e = new_node(p, FTH_TYPEOF, cur(p)->range);
			if (!parse_type_name(p, &e->u.typeof_.type_name))
				return false;
			if (e->u.typeof_.type_name.typeof_expr) {
				e->u.typeof_.expr = e->u.typeof_.type_name.typeof_expr;
				e->u.typeof_.type_name.typeof_expr = NULL;
			}
			extend_to_prev(p, e);
		} else if (!(e = parse_expr(p))) {
			return false;
		}
		fth_node_list_push(p->arena, args, e);
		if (!check(p, TOK_COMMA))
			break;
		advance(p);
	}
	return true;
}

static struct fth_node *parse_call(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_CALL, cur(p)->range);
	const char *context;

	n->u.call.name = cur(p)->text;
	n->u.call.name_range = cur(p)->range;
	advance(p); /* name */
	advance(p); /* ( */
	if (!strcmp(n->u.call.name, "container_of") || !strcmp(n->u.call.name, "typeinfo")) {
		if (!parse_args_with_type(p, &n->u.call.args, n->u.call.name[0] == 'c' ? 1 : 0))
			return NULL;
	} else if (!parse_expr_list(p, &n->u.call.args, TOK_RPAREN)) {
		return NULL;
	}
	context = fth_arena_printf(p->arena, "to close the arguments of '%s'", n->u.call.name);
	if (!expect(p, TOK_RPAREN, context))
		return NULL;
	extend_to_prev(p, n);
	return n;
}

static struct fth_node *parse_record(struct parser *p, uint32_t begin)
{
	struct fth_node *n = new_node(p, FTH_RECORD, at_offset(begin));

	for (;;) {
		struct fth_token name = *cur(p);
		struct fth_node *field, *value;

		if (!is_name_token(&name)) {
			error_expected(p, "a field name", "in the record");
			return NULL;
		}
		advance(p);
		if (!expect(p, TOK_ASSIGN, "after the record field name"))
			return NULL;
		value = parse_expr(p);
		if (!value)
			return NULL;
		field = new_node(p, FTH_RECORD_FIELD, span(name.range, value->range));
		field->u.record_field.name = name.text;
		field->u.record_field.value = value;
		fth_node_list_push(p->arena, &n->u.list, field);
		if (!check(p, TOK_COMMA))
			break;
		advance(p);
		if (check(p, TOK_RPAREN))
			break;
	}
	if (!expect(p, TOK_RPAREN, "to close the record"))
		return NULL;
	extend_to_prev(p, n);
	return n;
}

/* After the first element and a ',': the rest of (a, b, ...) or (a,). */
static struct fth_node *parse_tuple_rest(struct parser *p, uint32_t begin, struct fth_node *first)
{
	struct fth_node *n = new_node(p, FTH_TUPLE, at_offset(begin));

	fth_node_list_push(p->arena, &n->u.list, first);
	while (check(p, TOK_COMMA)) {
		struct fth_node *e;
		advance(p);
		if (check(p, TOK_RPAREN))
			break;
		e = parse_expr(p);
		if (!e)
			return NULL;
		fth_node_list_push(p->arena, &n->u.list, e);
	}
	if (!expect(p, TOK_RPAREN, "to close the tuple"))
		return NULL;
	extend_to_prev(p, n);
	return n;
}

/* ( expr ), (), (a,), (a, b), (name = a, ...) */
static struct fth_node *parse_parenthesized(struct parser *p)
{
	uint32_t begin = cur(p)->range.begin;
	struct fth_node *first;

	advance(p); /* ( */
	if (check(p, TOK_RPAREN)) {
		advance(p);
		return new_node(p, FTH_TUPLE, span(at_offset(begin), p->prev.range));
	}
	if (is_name_token(cur(p)) && peek(p, 1)->kind == TOK_ASSIGN)
		return parse_record(p, begin);
	first = parse_expr(p);
	if (!first)
		return NULL;
	if (check(p, TOK_COMMA))
		return parse_tuple_rest(p, begin, first);
	if (!expect(p, TOK_RPAREN, "to close '('"))
		return NULL;
	return first;
}

/* sizeof(type|expr), typeof(type|expr) */
static struct fth_node *parse_sizeof_or_typeof(struct parser *p)
{
	bool is_sizeof = check(p, TOK_SIZEOF);
	struct fth_node *n = new_node(p, is_sizeof ? FTH_SIZEOF : FTH_TYPEOF, cur(p)->range);
	struct fth_type_name *type = is_sizeof ? &n->u.sizeof_.type_name : &n->u.typeof_.type_name;
	struct fth_node **operand = is_sizeof ? &n->u.sizeof_.operand : &n->u.typeof_.expr;
	const char *word = cur(p)->text;

	advance(p);
	if (!expect(p, TOK_LPAREN, fth_arena_printf(p->arena, "after '%s'", word)))
		return NULL;
	if (type_argument_ahead(p)) {
		if (!parse_type_name(p, type))
			return NULL;
	} else {
		*operand = parse_expr(p);
		if (!*operand)
			return NULL;
	}
	if (!expect(p, TOK_RPAREN, fth_arena_printf(p->arena, "to close '%s('", word)))
		return NULL;
	extend_to_prev(p, n);
	return n;
}

/* offsetof(struct foo, a.b.c) */
static struct fth_node *parse_offsetof(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_OFFSETOF, cur(p)->range);

	advance(p);
	if (!expect(p, TOK_LPAREN, "after 'offsetof'"))
		return NULL;
	if (type_argument_ahead(p)) {
		if (!parse_type_name(p, &n->u.offsetof_.type_name))
			return NULL;
	} else if (!(n->u.offsetof_.operand = parse_expr(p))) {
		return NULL;
	}
	if (!expect(p, TOK_COMMA, "between the type and the field in offsetof"))
		return NULL;
	for (;;) {
		if (!is_name_token(cur(p))) {
			error_expected(p, "a field name", "in offsetof");
			return NULL;
		}
		fth_node_list_push(p->arena, &n->u.offsetof_.fields, new_ident(p, FTH_IDENT, cur(p)));
		advance(p);
		if (!check(p, TOK_DOT))
			break;
		advance(p);
	}
	if (!expect(p, TOK_RPAREN, "to close 'offsetof('"))
		return NULL;
	extend_to_prev(p, n);
	return n;
}

static struct fth_node *parse_literal(struct parser *p)
{
	const struct fth_token *t = cur(p);
	struct fth_node *n;

	switch (t->kind) {
	case TOK_INT:
		n = new_node(p, FTH_INT, t->range);
		n->u.integer = t->integer;
		break;
	case TOK_STRING:
		n = new_node(p, FTH_STRING, t->range);
		n->u.string.data = (char *)t->text;
		n->u.string.len = t->len;
		break;
	case TOK_TRUE:
	case TOK_FALSE:
		n = new_node(p, FTH_BOOL, t->range);
		n->u.integer = t->kind == TOK_TRUE;
		break;
	default: /* TOK_POSITIONAL */
		n = new_node(p, FTH_POSITIONAL, t->range);
		n->u.positional.index = t->integer == (uint64_t)-1 ? -1 : (int)t->integer;
		break;
	}
	advance(p);
	return n;
}

static struct fth_node *parse_primary(struct parser *p)
{
	const struct fth_token *t = cur(p);
	struct fth_node *n;

	switch (t->kind) {
	case TOK_INT: case TOK_STRING: case TOK_TRUE: case TOK_FALSE: case TOK_POSITIONAL:
		return parse_literal(p);
	case TOK_VAR:
		n = new_ident(p, FTH_VAR, t);
		advance(p);
		return n;
	case TOK_MAP:
		return parse_map(p);
	case TOK_IDENT:
		if (peek(p, 1)->kind == TOK_LPAREN)
			return parse_call(p);
		/* fall through */
	case TOK_CONFIG: { /* the `config` builtin: config.max_strlen */
		bool is_config = t->kind == TOK_CONFIG;
		n = new_ident(p, FTH_IDENT, t);
		advance(p);
		/* current bpftrace's spelling of every builtin as a call: config() */
		if (is_config && check(p, TOK_LPAREN) && peek(p, 1)->kind == TOK_RPAREN) {
			advance(p);
			n->range.end = cur(p)->range.end;
			advance(p);
		}
		return n;
	}
	case TOK_SIZEOF:
	case TOK_TYPEOF:
		return parse_sizeof_or_typeof(p);
	case TOK_OFFSETOF:
		return parse_offsetof(p);
	case TOK_LPAREN:
		return parse_parenthesized(p);
	case TOK_LBRACE:
		return parse_block(p, FTH_BLOCK_EXPR, true, NULL, NULL);
	case TOK_IF:
		return parse_if(p, true);
	case TOK_ERROR:
		/* Already reported by the lexer (bad literal, stray character):
		 * stand in a zero so the rest of the statement is still checked. */
		n = new_node(p, FTH_INT, t->range);
		advance(p);
		return n;
	default:
		error_at_cur(p, hint_for_found(p), "expected an expression, found %s", describe(p, t));
		return NULL;
	}
}

/* ------------------------------------------------------------------------ */
/* statements                                                                */

static enum fth_token_kind compound_operator(enum fth_token_kind kind)
{
	switch (kind) {
	case TOK_PLUS_ASSIGN: return TOK_PLUS;
	case TOK_MINUS_ASSIGN: return TOK_MINUS;
	case TOK_STAR_ASSIGN: return TOK_STAR;
	case TOK_SLASH_ASSIGN: return TOK_SLASH;
	case TOK_PERCENT_ASSIGN: return TOK_PERCENT;
	case TOK_AMP_ASSIGN: return TOK_AMP;
	case TOK_PIPE_ASSIGN: return TOK_PIPE;
	case TOK_CARET_ASSIGN: return TOK_CARET;
	case TOK_SHL_ASSIGN: return TOK_SHL;
	case TOK_SHR_ASSIGN: return TOK_SHR;
	default: return TOK_EOF;
	}
}

static bool is_assignment_operator(enum fth_token_kind kind)
{
	return kind == TOK_ASSIGN || compound_operator(kind) != TOK_EOF;
}

static struct fth_node *parse_expression_statement(struct parser *p)
{
	struct fth_node *target = parse_expr(p), *value, *n;
	enum fth_token_kind op;

	if (!target)
		return NULL;
	if (!is_assignment_operator(cur(p)->kind)) {
		n = new_node(p, FTH_EXPR_STMT, target->range);
		n->u.expr_stmt.expr = target;
		return n;
	}
	op = cur(p)->kind;
	if (!is_assignable(target)) {
		error_at(p, target->range, "only $variables, @maps and '_' can be assigned to",
			 "cannot assign to this expression");
		return NULL;
	}
	advance(p);
	value = parse_expr(p);
	if (!value)
		return NULL;
	n = new_node(p, FTH_ASSIGN, span(target->range, value->range));
	n->u.assign.target = target;
	n->u.assign.op = op == TOK_ASSIGN ? 0 : (int)compound_operator(op);
	n->u.assign.value = value;
	return n;
}

/* let $x [: type] [= value] */
static struct fth_node *parse_let(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_LET, cur(p)->range);

	advance(p);
	if (check(p, TOK_MAP)) {
		error_at_cur(p, "declare maps at the top level of the script, outside any probe",
			     "map declarations are not allowed inside a block");
		return NULL;
	}
	if (!check(p, TOK_VAR)) {
		error_expected(p, "a $variable", "after 'let'");
		return NULL;
	}
	n->u.let.var = new_ident(p, FTH_VAR, cur(p));
	advance(p);
	if (check(p, TOK_COLON)) {
		advance(p);
		if (!parse_type_name(p, &n->u.let.type_name))
			return NULL;
		n->u.let.has_type = true;
	}
	if (check(p, TOK_ASSIGN)) {
		advance(p);
		n->u.let.value = parse_expr(p);
		if (!n->u.let.value)
			return NULL;
	}
	extend_to_prev(p, n);
	return n;
}

static bool block_yields_value(const struct fth_node *block);

/* An if whose every branch ends in a value can itself be a value. */
static bool if_yields_value(const struct fth_node *n)
{
	if (!n || n->kind != FTH_IF || !block_yields_value(n->u.if_.then_block) || !n->u.if_.else_block)
		return false;
	if (n->u.if_.else_block->kind == FTH_IF)
		return if_yields_value(n->u.if_.else_block);
	return block_yields_value(n->u.if_.else_block);
}

static bool block_yields_value(const struct fth_node *block)
{
	return block && block->u.block.value != NULL;
}

/* if cond { } [else if cond { } ...] [else { }]; parentheses around the
 * condition are optional. In value mode the branches may end with a value. */
static struct fth_node *parse_if(struct parser *p, bool value_mode)
{
	struct fth_node *n = new_node(p, FTH_IF, cur(p)->range);

	if (!nest_in(p))
		return NULL;
	advance(p);
	if (check(p, TOK_LBRACE)) {
		error_at_cur(p, NULL, "expected a condition after 'if', found '{'");
		goto fail;
	}
	n->u.if_.cond = parse_expr(p);
	if (!n->u.if_.cond)
		goto fail;
	n->u.if_.then_block = parse_block(p, FTH_BLOCK, value_mode, "after the if condition",
					  "the body of an if must be a block in braces");
	if (!n->u.if_.then_block)
		goto fail;
	if (check(p, TOK_ELSE)) {
		advance(p);
		if (check(p, TOK_IF))
			n->u.if_.else_block = parse_if(p, value_mode);
		else
			n->u.if_.else_block = parse_block(p, FTH_BLOCK, value_mode, "after 'else'",
							  "write 'else { ... }' or 'else if cond { ... }'");
		if (!n->u.if_.else_block)
			goto fail;
	}
	nest_out(p);
	extend_to_prev(p, n);
	return n;
fail:
	nest_out(p);
	return NULL;
}

static struct fth_node *parse_while(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_WHILE, cur(p)->range);

	advance(p);
	if (check(p, TOK_LBRACE)) {
		error_at_cur(p, NULL, "expected a condition after 'while', found '{'");
		return NULL;
	}
	n->u.loop.cond = parse_expr(p);
	if (!n->u.loop.cond)
		return NULL;
	n->u.loop.body = parse_block(p, FTH_BLOCK, false, "after the while condition",
				     "the body of a loop must be a block in braces");
	if (!n->u.loop.body)
		return NULL;
	extend_to_prev(p, n);
	return n;
}

static struct fth_node *parse_unroll(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_UNROLL, cur(p)->range);

	advance(p);
	if (!check(p, TOK_LPAREN)) {
		error_expected(p, "'('", "after 'unroll'");
		return NULL;
	}
	n->u.unroll.count = parse_expr(p);
	if (!n->u.unroll.count)
		return NULL;
	n->u.unroll.body = parse_block(p, FTH_BLOCK, false, "after unroll(N)",
				       "the body of a loop must be a block in braces");
	if (!n->u.unroll.body)
		return NULL;
	extend_to_prev(p, n);
	return n;
}

/* for ($kv : @map) { } and for ($i : a..b) { }, parentheses optional */
static struct fth_node *parse_for(struct parser *p)
{
	uint32_t begin = cur(p)->range.begin;
	bool parenthesized;
	struct fth_node *var, *first, *n;

	advance(p);
	parenthesized = check(p, TOK_LPAREN) && peek(p, 1)->kind == TOK_VAR;
	if (parenthesized)
		advance(p);
	if (!check(p, TOK_VAR)) {
		error_expected(p, "a $variable", "after 'for'");
		return NULL;
	}
	var = new_ident(p, FTH_VAR, cur(p));
	advance(p);
	if (!expect(p, TOK_COLON, "after the loop variable"))
		return NULL;
	first = parse_expr(p);
	if (!first)
		return NULL;
	if (check(p, TOK_DOTDOT)) {
		advance(p);
		n = new_node(p, FTH_FOR_RANGE, at_offset(begin));
		n->u.for_range.var = var;
		n->u.for_range.start = first;
		n->u.for_range.end = parse_expr(p);
		if (!n->u.for_range.end)
			return NULL;
	} else if (first->kind == FTH_MAP && first->u.map.keys.len == 0) {
		n = new_node(p, FTH_FOR_MAP, at_offset(begin));
		n->u.for_map.var = var;
		n->u.for_map.map = first;
	} else {
		error_at(p, first->range, "loop over a map with 'for ($kv : @m)' or a range with 'for ($i : 0..10)'",
			 "expected a map or a range after ':'");
		return NULL;
	}
	if (parenthesized && !expect(p, TOK_RPAREN, "to close the for header"))
		return NULL;
	{
		struct fth_node *body = parse_block(p, FTH_BLOCK, false, "after the for header",
						    "the body of a loop must be a block in braces");
		if (!body)
			return NULL;
		if (n->kind == FTH_FOR_RANGE)
			n->u.for_range.body = body;
		else
			n->u.for_map.body = body;
	}
	extend_to_prev(p, n);
	return n;
}

static struct fth_node *parse_simple_keyword_statement(struct parser *p)
{
	enum fth_token_kind kind = cur(p)->kind;
	struct fth_node *n = new_node(p, kind == TOK_BREAK ? FTH_BREAK :
					 kind == TOK_CONTINUE ? FTH_CONTINUE : FTH_RETURN,
				      cur(p)->range);

	advance(p);
	if (kind == TOK_RETURN && !check(p, TOK_SEMI) && !check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
		n->u.ret.value = parse_expr(p);
		if (!n->u.ret.value)
			return NULL;
		extend_to_prev(p, n);
	}
	return n;
}

/* The directive's word ("define", "include", "" for a lone '#'). */
static const char *directive_word(struct parser *p, const struct fth_token *t)
{
	const char *s = t->text + 1, *start;

	while (*s == ' ' || *s == '\t')
		s++;
	start = s;
	while (isalnum((unsigned char)*s) || *s == '_')
		s++;
	return fth_arena_strndup(p->arena, start, (size_t)(s - start));
}

/* Directives that are fine on any line, as cpp takes them: #define and
 * #undef (already in the macro table, in force from their line) and the
 * null directive, a lone '#'. (#if and friends never get here: the cpp
 * pass has blanked them.) */
static bool directive_in_block(struct parser *p)
{
	const char *word = directive_word(p, cur(p));
	const char *rest = cur(p)->text + 1;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	return !strcmp(word, "define") || !strcmp(word, "undef") || !*rest;
}

/* A '#' line inside a block that cpp would not take there. */
static void misplaced_directive(struct parser *p)
{
	const char *word = directive_word(p, cur(p));

	if (!strcmp(word, "include"))
		error_at_cur(p, "move it to the top of the script, before the first probe",
			     "#include must come before the first probe, with the C definitions");
	else if (!strcmp(word, "pragma") || !strcmp(word, "line"))
		error_at_cur(p, "remove it: fathom has no pragmas and keeps the script's own line numbers",
			     "#%s is not supported", word);
	else
		error_at_cur(p, "comments are // to the end of the line, or /* ... */",
			     "invalid preprocessing directive: '#' does not start a comment");
}

/* One statement. *needs_semi tells whether a ';' (or the closing '}') must
 * follow: blocks, if and loops stand on their own. */
static struct fth_node *parse_statement(struct parser *p, bool value_mode, bool *needs_semi)
{
	*needs_semi = false;
	switch (cur(p)->kind) {
	case TOK_LBRACE:
		return parse_block(p, FTH_BLOCK, false, NULL, NULL);
	case TOK_IF:
		return parse_if(p, value_mode);
	case TOK_WHILE:
		return parse_while(p);
	case TOK_UNROLL:
		return parse_unroll(p);
	case TOK_FOR:
		return parse_for(p);
	case TOK_ELSE:
		error_at_cur(p, "an else must directly follow the '}' of an if", "'else' without a matching 'if'");
		return NULL;
	case TOK_PREPROCESSOR:
		misplaced_directive(p);
		return NULL;
	default:
		break;
	}
	*needs_semi = true;
	switch (cur(p)->kind) {
	case TOK_LET:
		return parse_let(p);
	case TOK_BREAK:
	case TOK_CONTINUE:
	case TOK_RETURN:
		return parse_simple_keyword_statement(p);
	default:
		return parse_expression_statement(p);
	}
}

/* Tokens after which a missing ';' is most likely just that: the next
 * statement is already starting, so parsing can go on without skipping. */
static bool starts_statement(enum fth_token_kind kind)
{
	switch (kind) {
	case TOK_VAR: case TOK_MAP: case TOK_IDENT: case TOK_IF: case TOK_WHILE: case TOK_FOR:
	case TOK_UNROLL: case TOK_LET: case TOK_BREAK: case TOK_CONTINUE: case TOK_RETURN:
		return true;
	default:
		return false;
	}
}

/* In value mode a trailing expression (or value-yielding if) before '}'
 * without ';' becomes the block's value instead of a statement. */
static void take_trailing_value(struct fth_node *block, struct fth_node *last, bool had_semicolon)
{
	struct fth_node_list *stmts = &block->u.block.stmts;

	if (!last || had_semicolon || stmts->len == 0 || stmts->items[stmts->len - 1] != last)
		return;
	if (last->kind == FTH_EXPR_STMT)
		block->u.block.value = last->u.expr_stmt.expr;
	else if (if_yields_value(last))
		block->u.block.value = last;
	else
		return;
	stmts->len--;
}

static void parse_block_statements(struct parser *p, struct fth_node *block, bool value_mode)
{
	struct fth_node *last = NULL;
	bool had_semicolon = false;

	while (!check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
		bool needs_semi;
		struct fth_node *stmt;

		if (check(p, TOK_SEMI)) {
			advance(p);
			had_semicolon = true;
			continue;
		}
		if (check(p, TOK_PREPROCESSOR) && directive_in_block(p)) {
			advance(p);
			continue;
		}
		stmt = parse_statement(p, value_mode, &needs_semi);
		last = stmt;
		had_semicolon = false;
		if (stmt)
			fth_node_list_push(p->arena, &block->u.block.stmts, stmt);
		else
			p->panic = true; /* failed without a report only when halted */
		if (p->panic) {
			sync_statement(p);
			last = NULL;
			continue;
		}
		if (!needs_semi || check(p, TOK_RBRACE) || check(p, TOK_EOF))
			continue;
		if (check(p, TOK_SEMI)) {
			advance(p);
			had_semicolon = true;
			continue;
		}
		if (check(p, TOK_ERROR)) {
			p->panic = true;
			sync_statement(p);
			continue;
		}
		error_missing_semicolon(p, "statement");
		if (starts_statement(cur(p)->kind))
			p->panic = false;
		else
			sync_statement(p);
	}
	if (value_mode)
		take_trailing_value(block, last, had_semicolon);
}

/* { statements }. `context` and `hint` word the error when the '{' is
 * missing ("expected '{' after the if condition"). */
static struct fth_node *parse_block(struct parser *p, enum fth_node_kind kind, bool value_mode,
				    const char *context, const char *hint)
{
	struct fth_token open = *cur(p);
	struct fth_node *block;

	if (!check(p, TOK_LBRACE)) {
		error_at_cur(p, hint, "expected '{'%s%s, found %s", context ? " " : "", context ? context : "",
			     describe(p, cur(p)));
		return NULL;
	}
	if (!nest_in(p))
		return NULL;
	advance(p);
	block = new_node(p, kind, open.range);
	parse_block_statements(p, block, value_mode);
	nest_out(p);
	if (check(p, TOK_EOF)) {
		error_unclosed(p, open.range, "block");
		return block;
	}
	advance(p); /* } */
	extend_to_prev(p, block);
	return block;
}

/* ------------------------------------------------------------------------ */
/* probes                                                                    */

/* Build an attach point node from raw text: quotes removed (with their
 * backslash escapes), split on ':' outside quotes. */
static struct fth_node *make_attach_point(struct parser *p, const char *raw, uint32_t len,
					  struct fth_range range)
{
	struct fth_node *n = new_node(p, FTH_ATTACH_POINT, range);
	char *text = fth_arena_alloc(p->arena, len + 1);
	uint32_t *cuts = fth_arena_alloc(p->arena, sizeof(uint32_t) * (len + 1));
	uint32_t out = 0, ncuts = 0;
	bool quoted = false;
	const char **parts;

	for (uint32_t i = 0; i < len; i++) {
		char c = raw[i];
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted && c == '\\' && i + 1 < len)
			c = raw[++i];
		else if (!quoted && c == ':')
			cuts[ncuts++] = out;
		text[out++] = c;
	}
	text[out] = '\0';
	parts = fth_arena_alloc(p->arena, sizeof(*parts) * (ncuts + 1));
	for (uint32_t i = 0, start = 0; i <= ncuts; i++) {
		uint32_t end = i < ncuts ? cuts[i] : out;
		parts[i] = fth_arena_strndup(p->arena, text + start, end - start);
		start = end + 1;
	}
	n->u.attach.text = text;
	n->u.attach.parts = parts;
	n->u.attach.nparts = (int)ncuts + 1;
	return n;
}

/* Offset of a `name=` prefix's '=' in raw attach text, or -1. Only counts
 * before the first ':' and outside quotes. */
static int probe_name_length(const char *raw, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		if (raw[i] == ':' || raw[i] == '"')
			return -1;
		if (raw[i] == '=')
			return (int)i;
	}
	return -1;
}

/* Returns false when the text was only a `name=` prefix. */
static bool add_attach_point(struct parser *p, struct fth_node *probe, const struct fth_token *t)
{
	const char *raw = t->text;
	uint32_t len = t->len;
	struct fth_range range = t->range;
	int name_len = probe->u.probe.attach_points.len == 0 && !probe->u.probe.name ?
			       probe_name_length(raw, len) : -1;

	if (name_len > 0) {
		probe->u.probe.name = fth_arena_strndup(p->arena, raw, (size_t)name_len);
		raw += name_len + 1;
		len -= (uint32_t)name_len + 1;
		range.begin += (uint32_t)name_len + 1;
		if (len == 0)
			return false; /* `name= kprobe:f`: the attach point follows */
	}
	fth_node_list_push(p->arena, &probe->u.probe.attach_points, make_attach_point(p, raw, len, range));
	return true;
}

/* attach[, attach ...][,] - read as raw text, then back to tokens. */
static bool parse_attach_points(struct parser *p, struct fth_node *probe)
{
	rewind_lexer(p, cur(p)->range.begin);
	for (;;) {
		struct fth_token t;

		if (!fth_lexer_attach_point(&p->lx, &t)) {
			if (probe->u.probe.attach_points.len == 0) {
				error_expected(p, "an attach point", probe->u.probe.name ? "after the probe name" : NULL);
				return false;
			}
			return true; /* trailing comma before '{' or '/' */
		}
		if (t.kind == TOK_ERROR) {
			p->panic = true;
			return false;
		}
		if (!add_attach_point(p, probe, &t))
			continue;
		if (!check(p, TOK_COMMA))
			return true;
		advance(p);
	}
}

static struct fth_node *parse_predicate(struct parser *p)
{
	struct fth_node *cond;

	advance(p); /* / */
	if (check(p, TOK_SLASH)) {
		error_at_cur(p, "write a condition between the slashes, or remove them",
			     "empty predicate");
		return NULL;
	}
	p->predicate_depth++;
	cond = parse_expr(p);
	p->predicate_depth--;
	if (!cond)
		return NULL;
	if (check(p, TOK_ASSIGN)) {
		error_at_cur(p, "use '==' to compare values", "assignment in a predicate");
		return NULL;
	}
	if (!check(p, TOK_SLASH)) {
		/* A '/' not followed by '{' was read as a division, which is
		 * why the closing one seems to be missing. */
		error_at_cur(p, "the closing '/' of a predicate must be followed by the '{' of the probe body",
			     "expected '/' to end the predicate, found %s", describe(p, cur(p)));
		return NULL;
	}
	advance(p);
	return cond;
}

static struct fth_node *parse_probe(struct parser *p)
{
	struct fth_node *probe = new_node(p, FTH_PROBE, cur(p)->range);

	p->seen_non_c = p->seen_body = true;
	if (!parse_attach_points(p, probe))
		return probe;
	if (check(p, TOK_SLASH)) {
		probe->u.probe.predicate = parse_predicate(p);
		if (!probe->u.probe.predicate)
			return probe;
	}
	if (!check(p, TOK_LBRACE)) {
		const char *hint = NULL;
		if (check(p, TOK_IDENT) || check(p, TOK_STAR))
			hint = "separate attach points with ','";
		error_at_cur(p, hint, "expected '{' or a predicate after the attach point, found %s",
			     describe(p, cur(p)));
		return probe;
	}
	probe->u.probe.body = parse_block(p, FTH_BLOCK, false, NULL, NULL);
	extend_to_prev(p, probe);
	return probe;
}

/* ------------------------------------------------------------------------ */
/* C definitions and preprocessor lines                                      */

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool is_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Text of a #define value or trailing arguments: continuations joined,
 * a // comment outside quotes dropped, blanks trimmed; NULL when empty. */
static const char *directive_rest(struct parser *p, const char *s)
{
	size_t len = strlen(s);
	char *out = fth_arena_alloc(p->arena, len + 1);
	size_t n = 0;
	bool quoted = false;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		if (!quoted && s[i] == '/' && (s[i + 1] == '/' || s[i + 1] == '*'))
			break;
		if (s[i] == '\\' && s[i + 1] == '\n') {
			out[n++] = ' ';
			i++;
			continue;
		}
		out[n++] = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
	}
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	return n ? out : NULL;
}

/* #include <path>, #define NAME value, #ifndef NAME, ... */
static struct fth_node *make_preprocessor(struct parser *p, const struct fth_token *t)
{
	struct fth_node *n = new_node(p, FTH_PREPROCESSOR, t->range);
	const char *s = skip_blanks(t->text + 1), *start;

	n->u.pp.text = t->text;
	start = s;
	while (is_word_char(*s))
		s++;
	n->u.pp.directive = fth_arena_strndup(p->arena, start, (size_t)(s - start));
	s = skip_blanks(s);
	start = s;
	if (strcmp(n->u.pp.directive, "include") == 0) {
		while (*s && !isspace((unsigned char)*s))
			s++;
	} else {
		while (is_word_char(*s))
			s++;
		if (*s == '(' && s > start) { /* function-like macro: NAME(args) */
			while (*s && *s != ')' && *s != '\n')
				s++;
			if (*s == ')')
				s++;
		}
	}
	if (s > start)
		n->u.pp.arg1 = fth_arena_strndup(p->arena, start, (size_t)(s - start));
	n->u.pp.arg2 = directive_rest(p, skip_blanks(s));
	return n;
}

/* ------------------------------------------------------------------------ */
/* #define macros                                                            */
/*
 * bpftrace 0.17 ran scripts through the C preprocessor, so scripts of that
 * era use function-like macros (#define SQ(x) ((x) * (x))) and object-like
 * ones whose body is an expression (#define TWICE (pid * 2)), a map
 * (#define M @m) or a variable. They are expanded here, between the lexer
 * and the parser, the way cpp does: the arguments are expanded first and
 * put in place of the parameters, then the result is scanned again with
 * the macro itself turned off (so a macro that names itself stays an
 * identifier). A function-like name not followed by '(' is left alone.
 * The macros are those of the table (cmacro.h) in force where the use is.
 *
 * An object-like macro whose body is empty or one token that is no operand
 * (#define X +) stays an identifier, as does one that reaches itself
 * again: sema reports those with the #define ("Macro recursion", "cannot
 * use as a value"), as bpftrace does.
 *
 * Tokens of a body carry the range of the macro's use, so an error in the
 * expansion points at the use in the script; argument tokens keep theirs.
 */

#define CMACRO_MAX_DEPTH 64
#define CMACRO_MAX_TOKENS 65536 /* one expansion: stops exponential blow-up */

struct tokbuf {
	struct fth_token *v;
	int n, cap;
	bool overflow;
};

static void tokbuf_push(struct parser *p, struct tokbuf *b, struct fth_token t)
{
	if (b->n == b->cap) {
		if (b->n >= CMACRO_MAX_TOKENS) {
			b->overflow = true;
			return;
		}
		b->v = fth_arena_grow(p->arena, b->v, b->n, &b->cap, sizeof(*b->v), 32);
	}
	b->v[b->n++] = t;
}

/* A token that can stand as a value on its own: what a one-token body
 * must be to take the name's place. */
static bool is_operand_token(enum fth_token_kind kind)
{
	switch (kind) {
	case TOK_INT:
	case TOK_STRING:
	case TOK_IDENT:
	case TOK_VAR:
	case TOK_POSITIONAL:
	case TOK_MAP:
	case TOK_TRUE:
	case TOK_FALSE:
		return true;
	default:
		return false;
	}
}

/* Is this identifier a macro expanded here (in force at the token, not
 * disabled by an expansion of itself under way)? */
static const struct fth_cmacro *expandable_cmacro(struct parser *p, const struct fth_token *t,
						  const char **disabled, int ndisabled)
{
	const struct fth_cmacro *m =
		t->kind == TOK_IDENT ? fth_cmacros_find(p->macros, t->text, strlen(t->text), t->range.begin) : NULL;

	if (!m)
		return NULL;
	if (!m->function_like && !m->error && (m->nbody == 0 || (m->nbody == 1 && !is_operand_token(m->body[0].kind))))
		return NULL;
	for (int i = 0; i < ndisabled; i++)
		if (!strcmp(disabled[i], m->name))
			return NULL;
	return m;
}

struct cmacro_args {
	int begin[FTH_CMACRO_MAX_PARAMS + 1]; /* argument k is tokens [begin[k], end[k]) */
	int end[FTH_CMACRO_MAX_PARAMS + 1];
	int n;
	int close; /* index of the closing ')' */
};

/* The arguments of a call whose '(' is at in[open]: split at commas outside
 * nested brackets. False when the ')' is missing or there are too many. */
static bool split_cmacro_args(const struct fth_token *in, int n, int open, struct cmacro_args *a)
{
	int depth = 0;

	a->n = 0;
	a->begin[0] = open + 1;
	for (int i = open + 1; i < n; i++) {
		enum fth_token_kind k = in[i].kind;
		if (k == TOK_LPAREN || k == TOK_LBRACKET || k == TOK_LBRACE) {
			depth++;
		} else if ((k == TOK_RPAREN || k == TOK_RBRACKET || k == TOK_RBRACE) && depth > 0) {
			depth--;
		} else if (k == TOK_RPAREN) {
			a->end[a->n++] = i;
			a->close = i;
			/* NAME() is a call with no arguments */
			if (a->n == 1 && a->begin[0] == i)
				a->n = 0;
			return true;
		} else if (k == TOK_COMMA && depth == 0) {
			if (a->n == FTH_CMACRO_MAX_PARAMS)
				return false;
			a->end[a->n++] = i;
			a->begin[a->n] = i + 1;
		}
	}
	return false;
}

static void expand_cmacros(struct parser *p, const struct fth_token *in, int n, const char **disabled,
			   int ndisabled, struct tokbuf *out);

static int cmacro_param(const struct fth_cmacro *m, const struct fth_token *t)
{
	for (int i = 0; t->kind == TOK_IDENT && i < m->nparams; i++)
		if (!strcmp(m->params[i], t->text))
			return i;
	return -1;
}

/* A use of a macro whose body does not lex: what the lexer said about the
 * body (in a source named after the macro, as bpftrace reports it), and a
 * TOK_ERROR in its place so that nothing else is said about the use. */
static void bad_cmacro_use(struct parser *p, const struct fth_cmacro *m, struct fth_range where,
			   struct tokbuf *out)
{
	struct fth_token t = { .kind = TOK_ERROR, .range = where };

	fputs(m->error, p->diag->out);
	p->diag->errors++;
	tokbuf_push(p, out, t);
}

/* m's body with the arguments (expanded first, as cpp does) in place of
 * its parameters, then scanned again with m turned off. */
static void substitute_cmacro(struct parser *p, const struct fth_cmacro *m, const struct fth_token *in,
			      const struct cmacro_args *a, struct fth_range where, bool newline_before,
			      const char **disabled, int ndisabled, struct tokbuf *out)
{
	struct tokbuf body = { 0 };
	const char *off[CMACRO_MAX_DEPTH + 1];

	if (m->error) {
		bad_cmacro_use(p, m, where, out);
		return;
	}
	for (int i = 0; i < m->nbody; i++) {
		int k = cmacro_param(m, &m->body[i]);
		if (k >= 0) {
			expand_cmacros(p, in + a->begin[k], a->end[k] - a->begin[k], disabled, ndisabled, &body);
			continue;
		}
		struct fth_token t = m->body[i];
		t.range = where;
		t.newline_before = false;
		tokbuf_push(p, &body, t);
	}
	if (body.n)
		body.v[0].newline_before = newline_before;
	if (ndisabled)
		memcpy(off, disabled, sizeof(*off) * (size_t)ndisabled);
	off[ndisabled] = m->name;
	expand_cmacros(p, body.v, body.n, off, ndisabled + 1, out);
	out->overflow |= body.overflow;
}

/* in[0, n) with every macro use in it expanded, appended to out. */
static void expand_cmacros(struct parser *p, const struct fth_token *in, int n, const char **disabled,
			   int ndisabled, struct tokbuf *out)
{
	for (int i = 0; i < n && !out->overflow; i++) {
		const struct fth_cmacro *m =
			ndisabled < CMACRO_MAX_DEPTH ? expandable_cmacro(p, &in[i], disabled, ndisabled) : NULL;
		struct cmacro_args a = { .n = 0, .close = i };
		if (m && m->function_like) {
			if (i + 1 >= n || in[i + 1].kind != TOK_LPAREN || !split_cmacro_args(in, n, i + 1, &a)) {
				m = NULL; /* a name without arguments is no use of the macro */
			} else if (a.n != m->nparams) {
				error_at(p, span(in[i].range, in[a.close].range),
					 m->nparams ? "pass one argument for each parameter of the #define" : "call it as NAME()",
					 "macro %s takes %d argument%s, but %d %s given", m->name, m->nparams,
					 m->nparams == 1 ? "" : "s", a.n, a.n == 1 ? "was" : "were");
				i = a.close;
				continue;
			}
		}
		if (!m) {
			tokbuf_push(p, out, in[i]);
			continue;
		}
		substitute_cmacro(p, m, in, &a, span(in[i].range, in[a.close].range), in[i].newline_before, disabled,
				  ndisabled, out);
		i = a.close;
	}
}

static struct fth_token raw_token(struct parser *p)
{
	if (p->has_pushback) {
		p->has_pushback = false;
		return p->pushback;
	}
	return fth_lexer_next(&p->lx);
}

/* The next token for the parser: the lexer's, with macro uses expanded. */
static struct fth_token next_token(struct parser *p)
{
	struct fth_token t;
	const struct fth_cmacro *m;
	struct tokbuf call = { 0 }, out = { 0 };
	int depth = 0;

	if (p->pending_pos < p->npending)
		return p->pending[p->pending_pos++];
	t = raw_token(p);
	m = expandable_cmacro(p, &t, NULL, 0);
	if (!m)
		return t;
	tokbuf_push(p, &call, t);
	if (m->function_like) {
		/* the whole call, NAME( ... ), so that its arguments are known */
		struct fth_token open = raw_token(p);
		if (open.kind != TOK_LPAREN) {
			p->pushback = open;
			p->has_pushback = true;
			return t;
		}
		tokbuf_push(p, &call, open);
		do {
			struct fth_token a = raw_token(p);
			if (a.kind == TOK_EOF || a.kind == TOK_ERROR) {
				p->pushback = a;
				p->has_pushback = true;
				error_at(p, span(t.range, open.range), "close the macro's argument list with ')'",
					 "unterminated argument list of macro %s", m->name);
				return a;
			}
			depth += a.kind == TOK_LPAREN ? 1 : a.kind == TOK_RPAREN ? -1 : 0;
			tokbuf_push(p, &call, a);
		} while (depth >= 0 && !call.overflow);
	}
	expand_cmacros(p, call.v, call.n, NULL, 0, &out);
	if (out.overflow || call.overflow) {
		error_at(p, t.range, "check the #define for a macro that expands to itself many times over",
			 "macro %s expands to more than %d tokens", m->name, CMACRO_MAX_TOKENS);
		out.n = 0;
	}
	p->pending = out.v;
	p->npending = out.n;
	p->pending_pos = 0;
	return p->pending_pos < p->npending ? p->pending[p->pending_pos++] : next_token(p);
}

/* "struct foo" / "union u" / "enum e" from a definition's text; for a
 * typedef, the last identifier before the final ';'. NULL if anonymous. */
static const char *c_definition_name(struct parser *p, const char *text)
{
	const char *s = text, *word, *last = NULL;
	size_t word_len = 0, last_len = 0;
	int depth = 0;

	if (strncmp(s, "typedef", 7) == 0) {
		for (; *s; s++) {
			if (*s == '{')
				depth++;
			else if (*s == '}')
				depth--;
			else if (depth == 0 && (isalpha((unsigned char)*s) || *s == '_') &&
				 (s == text || !is_word_char(s[-1]))) {
				last = s;
				for (last_len = 0; is_word_char(s[last_len]); last_len++)
					;
			}
		}
		return last ? fth_arena_strndup(p->arena, last, last_len) : NULL;
	}
	word = s;
	while (is_word_char(*s))
		s++;
	word_len = (size_t)(s - word);
	s = skip_blanks(s);
	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return NULL;
	last = s;
	while (is_word_char(*s))
		s++;
	return fth_arena_printf(p->arena, "%.*s %.*s", (int)word_len, word, (int)(s - last), last);
}

/* Misplaced items are reported but parsed normally: the text itself is
 * fine, so there is nothing to resynchronise. */
static void check_c_section_order(struct parser *p, struct fth_range range)
{
	if (!p->seen_non_c)
		return;
	error_at(p, range, "move it to the top of the script",
		 "C definitions must appear before probes and functions");
	p->panic = false;
}

static struct fth_node *parse_c_definition(struct parser *p)
{
	struct fth_token t;
	struct fth_node *n;

	check_c_section_order(p, cur(p)->range);
	rewind_lexer(p, cur(p)->range.begin);
	if (!fth_lexer_c_definition(&p->lx, p->lx.pos, &t)) {
		p->panic = true;
		return NULL;
	}
	n = new_node(p, FTH_C_DEFINITION, t.range);
	n->u.c_def.text = t.text;
	n->u.c_def.name = c_definition_name(p, t.text);
	return n;
}

/* Is word a directive cpp (clang's) takes at the top of a script? The
 * conditionals, #error and #warning never get here (the cpp pass has
 * handled them); "" is the null directive, a lone '#', and a number a
 * line marker (# 1 "file"). */
static bool known_directive(const char *word)
{
	static const char *const words[] = { "", "include", "include_next", "import", "define", "undef",
					     "pragma", "line", "ident", "sccs", "assert", "unassert" };

	if (isdigit((unsigned char)word[0]))
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(word, words[i]))
			return true;
	return false;
}

/* A '#' line at the top that is no directive: a comment written as in a
 * shell script (# text), or a misspelt directive (#inclde). cpp rejects
 * both ("invalid preprocessing directive"), and so does fathom, as inside
 * a block. */
static bool reject_unknown_directive(struct parser *p)
{
	const char *word = directive_word(p, cur(p));
	const char *text = cur(p)->text;

	if (known_directive(word))
		return false;
	if (text[1] == ' ' || text[1] == '\t' || !(isalpha((unsigned char)text[1]) || text[1] == '_'))
		error_at_cur(p, "comments are // to the end of the line, or /* ... */",
			     "invalid preprocessing directive: '#' does not start a comment");
	else
		error_at_cur(p, "the directives are #include, #define, #undef, #if, #ifdef, #ifndef, #elif, #else, "
				"#endif, #error, #warning and #pragma; comments are // or /* ... */",
			     "invalid preprocessing directive #%s", word);
	return true;
}

static struct fth_node *parse_preprocessor_line(struct parser *p)
{
	struct fth_node *n;

	if (reject_unknown_directive(p))
		return NULL;
	check_c_section_order(p, cur(p)->range);
	n = make_preprocessor(p, cur(p));
	advance(p);
	return n;
}

/* ------------------------------------------------------------------------ */
/* config, import, map declarations, macros, functions                      */

static void check_preamble_order(struct parser *p, const char *what)
{
	p->seen_non_c = true;
	if (!p->seen_body)
		return;
	error_at_cur(p, "move it above the first probe, macro or map declaration",
		     "'%s' must come before probes", what);
	p->panic = false;
}

static struct fth_node *parse_config_value(struct parser *p)
{
	const struct fth_token *t = cur(p);
	struct fth_node *n;

	switch (t->kind) {
	case TOK_INT: case TOK_STRING: case TOK_TRUE: case TOK_FALSE:
		return parse_literal(p);
	case TOK_IDENT:
		n = new_ident(p, FTH_IDENT, t);
		advance(p);
		return n;
	default:
		error_at_cur(p, "config values are integers, strings, true/false or names like 'perf'",
			     "expected a config value, found %s", describe(p, t));
		return NULL;
	}
}

static struct fth_node *parse_config_item(struct parser *p)
{
	struct fth_token key = *cur(p);
	struct fth_node *n;

	if (!is_name_token(&key)) {
		error_expected(p, "a config key", NULL);
		return NULL;
	}
	advance(p);
	if (!expect(p, TOK_ASSIGN, "after the config key"))
		return NULL;
	n = new_node(p, FTH_CONFIG_ITEM, key.range);
	n->u.config_item.key = key.text;
	n->u.config_item.value = parse_config_value(p);
	if (!n->u.config_item.value)
		return NULL;
	extend_to_prev(p, n);
	return n;
}

/* config = { key = value; ... } */
static struct fth_node *parse_config(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_CONFIG, cur(p)->range);
	struct fth_token open;

	check_preamble_order(p, "config");
	if (p->program->u.program.config) {
		error_at_cur(p, "merge the settings into the first config block", "duplicate config block");
		p->panic = false;
	} else {
		p->program->u.program.config = n;
	}
	advance(p);
	if (!expect(p, TOK_ASSIGN, "after 'config'"))
		return n;
	open = *cur(p);
	if (!expect(p, TOK_LBRACE, "to start the config block"))
		return n;
	while (!check(p, TOK_RBRACE) && !check(p, TOK_EOF)) {
		struct fth_node *item;
		if (check(p, TOK_SEMI)) {
			advance(p);
			continue;
		}
		item = parse_config_item(p);
		if (item)
			fth_node_list_push(p->arena, &n->u.config.items, item);
		if (!p->panic && !check(p, TOK_SEMI) && !check(p, TOK_RBRACE)) {
			error_at(p, at_offset(p->prev.range.end), "config settings are separated by ';'",
				 "expected ';' after config setting");
		}
		if (p->panic)
			sync_statement(p);
	}
	if (check(p, TOK_EOF)) {
		error_unclosed(p, open.range, "config block");
		return n;
	}
	advance(p);
	if (check(p, TOK_SEMI))
		advance(p);
	extend_to_prev(p, n);
	return n;
}

/* import "path"; */
/* The import is resolved at once: the #define macros of the imported
 * file count for the rest of this one, as clang saw them all. Tokens read
 * ahead are read again with them. */
static void import_now(struct parser *p, struct fth_node *n)
{
	int before = fth_cmacros_count(p->macros);

	if (!p->opts || !p->opts->on_import || !n->u.import.path)
		return;
	p->opts->on_import(p->opts->import_ctx, n);
	if (fth_cmacros_count(p->macros) != before)
		rewind_lexer(p, p->prev.range.end);
}

static struct fth_node *parse_import(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_IMPORT, cur(p)->range);

	check_preamble_order(p, "import");
	advance(p);
	if (!check(p, TOK_STRING)) {
		error_expected(p, "a quoted path", "after 'import'");
		return n;
	}
	n->u.import.path = cur(p)->text;
	advance(p);
	extend_to_prev(p, n);
	if (!check(p, TOK_SEMI)) {
		error_missing_semicolon(p, "import");
		return n;
	}
	advance(p);
	import_now(p, n);
	return n;
}

/* let @m = hash(N); */
static struct fth_node *parse_map_declaration(struct parser *p)
{
	struct fth_node *n = new_node(p, FTH_MAP_DECL, cur(p)->range);

	p->seen_non_c = p->seen_body = true;
	advance(p);
	if (!check(p, TOK_MAP)) {
		error_expected(p, "a @map", check(p, TOK_VAR) ? "(scratch variables are declared inside probes)"
							      : "after 'let'");
		return n;
	}
	n->u.map_decl.name = cur(p)->text;
	advance(p);
	if (!expect(p, TOK_ASSIGN, "after the map name"))
		return n;
	if (!check(p, TOK_IDENT)) {
		error_expected(p, "a map type such as hash(N)", NULL);
		return n;
	}
	n->u.map_decl.map_type = cur(p)->text;
	advance(p);
	if (!expect(p, TOK_LPAREN, "after the map type") ||
	    !parse_expr_list(p, &n->u.map_decl.args, TOK_RPAREN) ||
	    !expect(p, TOK_RPAREN, "to close the map type arguments"))
		return n;
	extend_to_prev(p, n);
	if (!check(p, TOK_SEMI)) {
		error_missing_semicolon(p, "map declaration");
		return n;
	}
	advance(p);
	return n;
}

static struct fth_node *parse_param(struct parser *p, bool is_fn)
{
	const struct fth_token *t = cur(p);
	struct fth_node *n;

	if (t->kind != TOK_VAR && (is_fn || (t->kind != TOK_MAP && t->kind != TOK_IDENT))) {
		error_expected(p, is_fn ? "a $parameter" : "a parameter ($var, @map or name)", NULL);
		return NULL;
	}
	n = new_node(p, FTH_PARAM, t->range);
	n->u.param.name = t->text;
	advance(p);
	if (check(p, TOK_COLON)) {
		advance(p);
		if (!parse_type_name(p, &n->u.param.type_name))
			return NULL;
		n->u.param.has_type = true;
		extend_to_prev(p, n);
	}
	return n;
}

/* macro name(a, $b, @c) { ... } and fn name($a: T): R { ... } */
static struct fth_node *parse_function(struct parser *p)
{
	bool is_fn = check(p, TOK_FN);
	struct fth_node *n = new_node(p, is_fn ? FTH_FUNCTION : FTH_MACRO, cur(p)->range);

	p->seen_non_c = p->seen_body = true;
	advance(p);
	if (!check(p, TOK_IDENT)) {
		error_expected(p, "a name", is_fn ? "after 'fn'" : "after 'macro'");
		return n;
	}
	n->u.func.name = cur(p)->text;
	advance(p);
	if (!expect(p, TOK_LPAREN, "after the name"))
		return n;
	while (!check(p, TOK_RPAREN)) {
		struct fth_node *param = parse_param(p, is_fn);
		if (!param)
			return n;
		fth_node_list_push(p->arena, &n->u.func.params, param);
		if (!check(p, TOK_COMMA))
			break;
		advance(p);
	}
	if (!expect(p, TOK_RPAREN, "to close the parameter list"))
		return n;
	if (check(p, TOK_COLON)) {
		advance(p);
		if (!parse_type_name(p, &n->u.func.return_type))
			return n;
		n->u.func.has_return_type = true;
	}
	n->u.func.body = parse_block(p, FTH_BLOCK, !is_fn,
				     is_fn ? "to start the function body" : "to start the macro body", NULL);
	extend_to_prev(p, n);
	return n;
}

/* ------------------------------------------------------------------------ */
/* program                                                                   */

static void add_item(struct parser *p, struct fth_node *item)
{
	struct fth_node *prog = p->program;
	struct fth_node_list *list = NULL;

	if (!item)
		return;
	switch (item->kind) {
	case FTH_PROBE: list = &prog->u.program.probes; break;
	case FTH_MACRO:
	case FTH_FUNCTION: list = &prog->u.program.macros; break;
	case FTH_C_DEFINITION:
	case FTH_PREPROCESSOR: list = &prog->u.program.c_defs; break;
	case FTH_MAP_DECL: list = &prog->u.program.map_decls; break;
	case FTH_IMPORT: list = &prog->u.program.imports; break;
	default: break; /* config: program.config was set when it was parsed */
	}
	fth_node_list_push(p->arena, &prog->u.program.items, item);
	if (list)
		fth_node_list_push(p->arena, list, item);
}

static struct fth_node *parse_top_level_item(struct parser *p)
{
	const struct fth_token *t = cur(p);

	switch (t->kind) {
	case TOK_PREPROCESSOR:
		return parse_preprocessor_line(p);
	case TOK_STRUCT:
	case TOK_UNION:
	case TOK_ENUM:
		return parse_c_definition(p);
	case TOK_CONFIG:
		return parse_config(p);
	case TOK_IMPORT:
		return parse_import(p);
	case TOK_LET:
		return parse_map_declaration(p);
	case TOK_MACRO:
	case TOK_FN:
		return parse_function(p);
	case TOK_IDENT:
		if (strcmp(t->text, "typedef") == 0)
			return parse_c_definition(p);
		return parse_probe(p);
	case TOK_STAR: /* `*:foo` style wildcard providers */
	case TOK_POSITIONAL: /* `$1 { }`: the whole attach point is a parameter */
		return parse_probe(p);
	default:
		error_at_cur(p, "a probe looks like 'kprobe:do_nanosleep { ... }'", "expected a probe, found %s",
			     describe(p, t));
		return NULL;
	}
}

struct fth_node *fth_parse(const struct fth_source *src, struct fth_diag *diag, struct fth_arena *arena)
{
	return fth_parse_with(src, diag, arena, NULL);
}

struct fth_node *fth_parse_with(const struct fth_source *src, struct fth_diag *diag, struct fth_arena *arena,
				const struct fth_parse_opts *opts)
{
	struct parser p;
	struct fth_range whole = { src->start, src->len };
	struct fth_source *filtered = fth_arena_alloc(arena, sizeof(*filtered));

	memset(&p, 0, sizeof(p));
	p.diag = diag;
	p.arena = arena;
	p.opts = opts;
	p.macros = opts && opts->macros ? opts->macros : fth_cmacros_new(arena);
	p.program = fth_node_new(arena, FTH_PROGRAM, whole);
	/* The preprocessor first: conditionals resolved, #defines recorded. */
	*filtered = *src;
	filtered->text = fth_cpp_run(src, arena, diag, p.macros);
	if (!filtered->text)
		return p.program;
	p.src = filtered;
	fth_lexer_init(&p.lx, filtered, diag, arena);

	while (!check(&p, TOK_EOF)) {
		uint32_t before = cur(&p)->range.begin;
		enum fth_token_kind kind = cur(&p)->kind;

		if (kind == TOK_SEMI) { /* tolerated between items */
			advance(&p);
			continue;
		}
		add_item(&p, parse_top_level_item(&p));
		if (p.panic)
			sync_top_level(&p);
		/* Never spin in place: whatever went wrong, move on. */
		if (!check(&p, TOK_EOF) && cur(&p)->range.begin == before && cur(&p)->kind == kind)
			advance(&p);
	}
	return p.program;
}
