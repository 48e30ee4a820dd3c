/* macro.h - macro expansion (a pass between parser and sema), see macro.c. */
#ifndef FATHOM_MACRO_H
#define FATHOM_MACRO_H

#include "program.h"

/* Replace every macro call in the probes by the macro's body. 0, or a
 * negative errno with the errors reported. */
int fth_expand_macros(struct fth_program *prog, struct fth_diag *diag);

#endif
