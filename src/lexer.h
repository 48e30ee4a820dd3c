/* lexer.h - turns script text into tokens.
 *
 * The lexer is pulled by the parser one token at a time (as Lua's llex.c is).
 * Attach points are not regular tokens - `uprobe:/lib/libc.so.6:malloc+4` or
 * `tracepoint:sys*:*open*` - so the parser asks for them explicitly with
 * fth_lexer_attach_point() when it is at the start of a probe. */
#ifndef FATHOM_LEXER_H
#define FATHOM_LEXER_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"

enum fth_token_kind {
	TOK_EOF = 0,
	TOK_ERROR,      /* already reported */
	TOK_INT,        /* value in .integer */
	TOK_STRING,     /* decoded bytes in .text/.len */
	TOK_IDENT,      /* identifier or keyword not listed below */
	TOK_VAR,        /* $name */
	TOK_POSITIONAL, /* $1.. (.integer = N) and $# (.integer = -1) */
	TOK_MAP,        /* @name or @ (.text = "@name" / "@") */
	TOK_PREPROCESSOR, /* a whole '#...' line, at line start */

	/* keywords */
	TOK_IF, TOK_ELSE, TOK_WHILE, TOK_FOR, TOK_UNROLL, TOK_BREAK, TOK_CONTINUE,
	TOK_RETURN, TOK_LET, TOK_CONFIG, TOK_IMPORT, TOK_MACRO, TOK_FN, TOK_SIZEOF,
	TOK_OFFSETOF, TOK_TYPEOF, TOK_TRUE, TOK_FALSE, TOK_STRUCT, TOK_UNION, TOK_ENUM,

	/* punctuation */
	TOK_LBRACE, TOK_RBRACE, TOK_LPAREN, TOK_RPAREN, TOK_LBRACKET, TOK_RBRACKET,
	TOK_SEMI, TOK_COMMA, TOK_COLON, TOK_DOT, TOK_DOTDOT, TOK_ARROW, TOK_QUESTION,

	/* operators */
	TOK_ASSIGN,                                   /* = */
	TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_PERCENT,
	TOK_AMP, TOK_PIPE, TOK_CARET, TOK_TILDE, TOK_BANG,
	TOK_SHL, TOK_SHR,                             /* << >> */
	TOK_ANDAND, TOK_OROR,                         /* && || */
	TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE,
	TOK_INC, TOK_DEC,                             /* ++ -- */
	TOK_PLUS_ASSIGN, TOK_MINUS_ASSIGN, TOK_STAR_ASSIGN, TOK_SLASH_ASSIGN,
	TOK_PERCENT_ASSIGN, TOK_AMP_ASSIGN, TOK_PIPE_ASSIGN, TOK_CARET_ASSIGN,
	TOK_SHL_ASSIGN, TOK_SHR_ASSIGN,

	TOK_ATTACH_POINT, /* raw attach point text from fth_lexer_attach_point() */
	TOK_C_DEFINITION, /* raw C text from fth_lexer_c_definition() */

	TOK_KIND_COUNT
};

struct fth_token {
	enum fth_token_kind kind;
	struct fth_range range;
	const char *text;  /* arena copy: identifier/var/map name, decoded string, pp line */
	uint32_t len;      /* length of text (strings may hold NUL bytes) */
	uint64_t integer;
	bool newline_before; /* a newline separates this token from the previous one
			      * (also true for the first token of the input) */
};

struct fth_lexer {
	const struct fth_source *src;
	struct fth_diag *diag;
	struct fth_arena *arena;
	uint32_t pos;
	bool at_line_start;
};

void fth_lexer_init(struct fth_lexer *lx, const struct fth_source *src, struct fth_diag *diag,
		    struct fth_arena *arena);
/* Next token; errors are reported to diag and yield TOK_ERROR. */
struct fth_token fth_lexer_next(struct fth_lexer *lx);
/* Skip whitespace and comments, then read one raw attach point (up to ',',
 * '{', or whitespace followed by '{', ',' or '/'). Returns false at a
 * character that cannot start one (leaving the lexer there).
 *
 * On success out->kind is TOK_ATTACH_POINT and out->text holds the text
 * exactly as written, double quotes included, so that the parser can split
 * it on ':' outside quotes. A '/' ends the attach point only before the
 * first ':' (after it, '/' belongs to a path). */
bool fth_lexer_attach_point(struct fth_lexer *lx, struct fth_token *out);
/* Read raw text of a C definition (struct/union/enum ... { ... } [;]) that
 * starts at `begin`, balancing braces. Also reads `typedef ...;` and forward
 * declarations `struct foo;`. Trailing GCC __attribute__((...)) and the ';'
 * are included. On success out->kind is TOK_C_DEFINITION and out->text the
 * verbatim text. Reports and returns false when the input ends first. */
bool fth_lexer_c_definition(struct fth_lexer *lx, uint32_t begin, struct fth_token *out);
/* Move the lexer back (or forward) to a byte offset, e.g. to re-read an
 * already-lexed identifier as the start of a raw attach point. */
void fth_lexer_seek(struct fth_lexer *lx, uint32_t offset);
/* Enum-style name without the TOK_ prefix: "INT", "LBRACE", "PLUS_ASSIGN". */
const char *fth_token_kind_name(enum fth_token_kind kind);
/* The operator's spelling ("+", "<<=", ...) for printing; keywords give
 * their word, other kinds their fth_token_kind_name(). */
const char *fth_token_spelling(enum fth_token_kind kind);

#endif
