/* compile_helper.h - for unit tests: compile a script through the whole
 * front end (parse, sema, codegen) without loading anything, keeping the
 * diagnostics it printed. */
#ifndef FATHOM_TEST_COMPILE_HELPER_H
#define FATHOM_TEST_COMPILE_HELPER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fathom.h"

struct compiled {
	struct fth_source src;
	struct fth_diag diag;
	struct fth_program prog;
	char *errors;      /* everything diag printed */
	size_t errors_len;
	FILE *err;
	int rc;            /* fth_compile's result */
};

/* A program for text, not yet compiled: a test may set its config (as
 * the command line would) before compile_finish. */
static inline void compile_begin(struct compiled *c, const char *text)
{
	memset(c, 0, sizeof(*c));
	c->src.name = "stdin";
	c->src.text = text;
	c->src.len = (uint32_t)strlen(text);
	c->err = open_memstream(&c->errors, &c->errors_len);
	fth_diag_init(&c->diag, &c->src, c->err);
	fth_program_init(&c->prog, &c->src);
}

static inline void compile_finish(struct compiled *c)
{
	c->rc = fth_compile(&c->prog, &c->diag, NULL);
	fflush(c->err);
}

/* compile text with the command-line parameters $1.. given */
static inline void compile_with_params(struct compiled *c, const char *text, const char **params, int n)
{
	compile_begin(c, text);
	for (int i = 0; i < n; i++)
		fth_ptrvec_push(&c->prog.arena, &c->prog.positional, (void *)params[i]);
	compile_finish(c);
}

static inline void compile(struct compiled *c, const char *text)
{
	compile_with_params(c, text, NULL, 0);
}

static inline void release(struct compiled *c)
{
	fth_program_free(&c->prog);
	fclose(c->err);
	free(c->errors);
}

#endif
