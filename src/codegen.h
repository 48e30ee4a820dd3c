/* codegen.h - code generation: typed AST to BPF instructions.
 *
 * One pass over each program's body, emitting instructions straight into the
 * program's fth_insn_buf (as Lua's lcode.c emits bytecode while parsing).
 * Integers live in registers r7-r9 (callee-saved, so they survive helper
 * calls), spilling to stack slots when an expression is deeper than that;
 * strings and tuples are written directly where they are needed: a map key
 * buffer on the stack, or the ring-buffer record of a printf. */
#ifndef FATHOM_CODEGEN_H
#define FATHOM_CODEGEN_H

#include "program.h"

/* Generate every program of prog. Creates the actions (printf formats etc.)
 * the programs refer to. 0 or negative errno (errors reported to diag). */
int fth_codegen(struct fth_program *prog, struct fth_diag *diag);

/* `fathom -d bpf`: print every program's instructions. */
void fth_codegen_dump(const struct fth_program *prog, FILE *out);

#endif
