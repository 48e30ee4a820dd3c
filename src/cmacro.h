/* cmacro.h - the script's C preprocessor macros (#define / #undef): one
 * table for the whole program.
 *
 * bpftrace hands the script's C section to clang, whose preprocessor
 * knows every #define; older bpftrace expanded them in its lexer. Here the
 * preprocessing pass (cpp.c) records each #define and #undef of the active
 * regions as it meets them, predefined names and macros of imported files
 * are added by their owners, the parser expands uses at token level
 * (parser.c), #if evaluates names against it and sema and the C
 * definitions only query it.
 *
 * The table is positional: an entry is in force from its directive's
 * offset on, until a later #define or #undef of the same name. A lookup
 * names the offset of the use, so a macro used above its #define, or
 * after its #undef, is not expanded, as with cpp. Offsets are those of
 * the shared source buffer, so the main script and every imported file
 * (which lie after it) share one table.
 *
 * A body is lexed once, when it is defined, as a source of its own named
 * after the macro; a body that does not lex keeps the diagnostic, which is
 * printed where the macro is used (an unused bad #define is no error, as
 * with cpp). */
#ifndef FATHOM_CMACRO_H
#define FATHOM_CMACRO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "lexer.h"

#define FTH_CMACRO_MAX_PARAMS 32

struct fth_cmacro {
	const char *name;
	bool undefined; /* an #undef: the name has no macro from here on */
	bool function_like;
	int nparams;
	const char **params;
	const struct fth_token *body; /* the body's tokens, ranges in the body text */
	int nbody;
	const char *text;   /* the body as written, continuations joined, comments dropped; "" when empty */
	const char *error;  /* the body's lexing diagnostic when it does not lex, else NULL */
	struct fth_range where; /* the directive (for "defined on line N") */
	uint32_t from;          /* in force at offsets >= from (until the next entry of the name) */
};

struct fth_cmacros;

struct fth_cmacros *fth_cmacros_new(struct fth_arena *arena);

/* NAME defined to 1 for the whole program (BPFTRACE_HAVE_BTF). */
void fth_cmacros_predefine(struct fth_cmacros *t, const char *name);

/* Why a #define was refused: what is wrong and how to write it, for the
 * caller to report at the directive. */
struct fth_cmacro_error {
	const char *what;
	const char *hint;
};

/* A directive's text after its word: "NAME BODY", "NAME(a, b) BODY" for
 * #define, "NAME" for #undef, continuations and comments included, as
 * written at `where`. The entry takes effect at where.end. Returns the
 * entry, or NULL when the text names no macro or its parameter list is
 * not one (*err says which, when err is not NULL). */
const struct fth_cmacro *fth_cmacros_define(struct fth_cmacros *t, const char *rest, size_t len,
					    struct fth_range where, struct fth_cmacro_error *err);
bool fth_cmacros_undef(struct fth_cmacros *t, const char *rest, size_t len, struct fth_range where);

/* The macro named [name, name + len) in force at offset `at`, or NULL. */
const struct fth_cmacro *fth_cmacros_find(const struct fth_cmacros *t, const char *name, size_t len, uint32_t at);

/* The integer value of an object-like macro in force at `at` whose body is
 * a C integer constant expression (numbers, operators, other such macros):
 * #define MAX (1 << 10). False when it is none. */
bool fth_cmacros_value(const struct fth_cmacros *t, const char *name, uint32_t at, int64_t *value);

/* For a macro name that is still an identifier after expansion: when the
 * object-like macros reach `name` again through their bodies, the chain
 * "A->B->A" (in arena); else NULL. */
const char *fth_cmacros_recursion(const struct fth_cmacros *t, struct fth_arena *arena, const char *name,
				  uint32_t at);

/* An imported file's macros - defined in [file_begin, file_end) of the
 * buffer, or brought there by its own imports - that are still defined at
 * its end become macros of the importing file from offset `at` (its
 * import statement) on. Returns how many. */
int fth_cmacros_export(struct fth_cmacros *t, uint32_t file_begin, uint32_t file_end, uint32_t at);

/* Number of entries (definitions, #undefs and predefined names). */
int fth_cmacros_count(const struct fth_cmacros *t);

#endif
