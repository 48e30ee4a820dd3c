/* btlib.h - the parts of bpftrace's standard library that bpftrace
 * writes in its own language (abs_path(), cwd()), written here in that
 * language too and imported into a script that names them, as bpftrace's
 * stdlib is into every script. Those bpftrace implements in C or as
 * builtins are builtins of fathom's sema and codegen. */
#ifndef FATHOM_BTLIB_H
#define FATHOM_BTLIB_H

#include <stdbool.h>

struct fth_stdlib_file {
	const char *name; /* as diagnostics name it: "stdlib/path.bt" */
	const char *text;
	/* identifiers whose use in a script brings the file in */
	const char *const *names;
};

/* The library files, ending with one whose name is NULL. */
extern const struct fth_stdlib_file fth_stdlib_files[];

/* Whether text (a script) names f's identifiers, outside comments and
 * strings or not: a false hit only imports macros nobody calls. */
bool fth_stdlib_wanted(const struct fth_stdlib_file *f, const char *text);

#endif
