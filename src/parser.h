/* parser.h - recursive-descent parser for bpftrace scripts.
 *
 * Accepts the current bpftrace grammar (config blocks, imports, map
 * declarations, macros, fn, let, for, records, block expressions, casts with
 * postfix type syntax, duration literals, ...) and the older bpftrace 0.17
 * forms (delete(@m[k]), while/unroll, BEGIN/END). Syntax errors are reported
 * through diag with the offending range and a hint; the parser then skips to
 * the next statement or probe and keeps going, so one run reports several
 * independent mistakes. */
#ifndef FATHOM_PARSER_H
#define FATHOM_PARSER_H

#include "arena.h"
#include "ast.h"
#include "diag.h"

struct fth_cmacros;

struct fth_parse_opts {
	/* The program's #define table (cmacro.h), which the preprocessing
	 * of this source adds to; NULL: a table of its own. */
	struct fth_cmacros *macros;
	/* Called for each `import "x";` as soon as it is parsed, before the
	 * rest of the source is read, so that the imported file's macros
	 * count for the rest. May be NULL. */
	void (*on_import)(void *ctx, struct fth_node *import);
	void *import_ctx;
};

/* Preprocess (cpp.h) and parse the source [src->start, src->len). */
struct fth_node *fth_parse_with(const struct fth_source *src, struct fth_diag *diag, struct fth_arena *arena,
				const struct fth_parse_opts *opts);

/* Parse a whole script (preprocessed, with a macro table of its own). Returns an FTH_PROGRAM node - partial when there
 * were syntax errors, which callers detect through diag->errors. All nodes
 * and strings live in `arena`. */
struct fth_node *fth_parse(const struct fth_source *src, struct fth_diag *diag, struct fth_arena *arena);

#endif
