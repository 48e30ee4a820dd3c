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
 * original. #define and #include lines of the active regions stay for the
 * parser; names defined there (and #undef) count for later conditionals.
 */
#ifndef FATHOM_CPP_H
#define FATHOM_CPP_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"

/* The filtered text (NUL-terminated, src->len bytes, in arena), or NULL
 * after reporting errors (an unbalanced #else/#endif, a missing #endif, a
 * malformed #if expression) in diag. Names in predefined (NULL-terminated,
 * may be NULL) count as defined to 1. */
char *fth_cpp_conditionals(const struct fth_source *src, struct fth_arena *arena, struct fth_diag *diag,
			   const char *const *predefined);

/* Does the source use any conditional directive? (Cheap: lets the caller
 * skip the copy for the common script.) */
bool fth_cpp_has_conditionals(const struct fth_source *src);

#endif
