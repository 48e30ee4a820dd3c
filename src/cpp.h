/* cpp.h - C preprocessor conditionals in scripts.
 *
 * bpftrace runs a script through a C preprocessor, so tools written for
 * it choose between kernels with #ifdef/#ifndef/#if/#elif/#else/#endif,
 * most often on BPFTRACE_HAVE_BTF (defined when the kernel has BTF):
 *
 *     #ifndef BPFTRACE_HAVE_BTF
 *     #include <linux/sched.h>
 *     #else
 *     #define TASK_RUNNING 0
 *     #endif
 *
 * This pass runs before the lexer. It returns a copy of the source in
 * which the text of every inactive region, and the conditional directive
 * lines themselves, are blanks: newlines are kept, so every byte offset,
 * line and column (and so every diagnostic) is the same as in the
 * original. Every #define and #undef of the active regions, on whatever
 * line, is recorded in the macro table (cmacro.h) as it is met, so it
 * counts for later conditionals and, from its line on, for the parser's
 * expansion; those lines stay for the parser, which keeps the ones of the
 * C section as nodes. #error TEXT in an active region is an error and
 * #warning TEXT a warning, as cpp says them.
 */
#ifndef FATHOM_CPP_H
#define FATHOM_CPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "cmacro.h"
#include "diag.h"

/* The filtered text of [src->start, src->len) (NUL-terminated, src->len
 * bytes, in arena), or NULL after reporting errors (an unbalanced
 * #else/#endif, a missing #endif, a malformed #if expression, a #define
 * without a name, an active #error) in diag. Names already in macros (predefined ones such
 * as BPFTRACE_HAVE_BTF) count from the start. */
char *fth_cpp_run(const struct fth_source *src, struct fth_arena *arena, struct fth_diag *diag,
		  struct fth_cmacros *macros);

/* Resolves a name in fth_cpp_eval: its value, or false if it has none. */
typedef bool (*fth_cpp_lookup)(void *ctx, const char *name, size_t len, int64_t *value);

/* Evaluates [text, text + len) as a C integer constant expression, with the
 * operators and integer literals #if takes and names resolved by lookup:
 * the body of `#define MAX (1 << 10)` or `#define RW (R | W)`. False when
 * it is not one (an unknown name, a cast, a string, trailing text). */
bool fth_cpp_eval(const char *text, size_t len, fth_cpp_lookup lookup, void *ctx, int64_t *value);

#endif
