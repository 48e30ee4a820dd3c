/* fathom.h - libfathom: the compiler and runtime as a library.
 *
 *   struct fth_program prog;
 *   fth_compile(&prog, &src, &diag, &opts);   parse, analyse, generate
 *   fth_loader_load(&ld, &prog, &diag, ...);  create maps, load programs
 *   fth_runtime_run(&prog, &ld, &diag, ...);  attach, trace, print
 *   fth_loader_unload(&ld); fth_program_free(&prog);
 *
 * The CLI (main.c) is a thin layer over these calls. */
#ifndef FATHOM_FATHOM_H
#define FATHOM_FATHOM_H

#include <stdbool.h>

#include "codegen.h"
#include "include.h"
#include "loader.h"
#include "parser.h"
#include "program.h"
#include "runtime.h"
#include "sema.h"

enum fth_stop_after { FTH_STOP_NONE, FTH_STOP_AFTER_PARSE, FTH_STOP_AFTER_CODEGEN };

struct fth_compile_opts {
	const char *const *positional; /* $1.. */
	int npositional;
	enum fth_stop_after stop_after;
	struct fth_include_opts includes; /* -I DIR, --include FILE */
};

/* Parse, analyse and generate code. 0, or negative errno with the errors
 * already reported to diag. prog must have been fth_program_init'ed. */
int fth_compile(struct fth_program *prog, struct fth_diag *diag, const struct fth_compile_opts *opts);

#endif
