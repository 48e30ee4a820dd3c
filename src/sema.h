/* sema.h - semantic analysis: probe expansion, map and variable typing,
 * builtin and function checking.
 *
 * Input: the parsed program (prog->ast). Output, in prog: one fth_prog per
 * expanded attach point (instructions still empty), every map with its key
 * and value layout, and a type on every expression node.
 *
 * Types of `args` differ between the instances of a wildcard probe, so code
 * generation asks for the body to be re-typed for the instance it is about to
 * emit (fth_sema_retype); map types are global and fixed by fth_sema. */
#ifndef FATHOM_SEMA_H
#define FATHOM_SEMA_H

#include "program.h"

/* 0 when the program is valid; otherwise errors were reported to diag. */
int fth_sema(struct fth_program *prog, struct fth_diag *diag);
/* Re-type one program's predicate and body for its own instance. */
int fth_sema_retype(struct fth_program *prog, struct fth_prog *p, struct fth_diag *diag);
struct fth_var *fth_sema_find_var(const struct fth_prog *p, const char *name);
/* Is the memory behind e (a member, element or dereference) user memory?
 * The pointer it is reached through says so; codegen picks probe_read_user
 * or probe_read_kernel by it. */
bool fth_sema_user_memory(const struct fth_node *e);
/* ... or behind a pointer with no address space (cast from a number in
 * BEGIN/END, interval, profile, ...)? Then it is read with bpf_probe_read. */
bool fth_sema_unset_memory(const struct fth_node *e);

/* Builtins that read a tracepoint field: the field of `args.name`, or NULL. */
const struct fth_tp_field *fth_sema_tp_field(const struct fth_prog *p, const char *name);

/* Is e `$N + k` (a positional parameter read as a string from byte k)? */
bool positional_offset(const struct fth_node *e, int *index, int64_t *offset);

/* The symbol of binary that uaddr(name) resolved in fth_sema, or NULL. */
const struct fth_user_symbol *fth_sema_user_symbol(const struct fth_program *prog, const char *binary,
						  const char *name);

/* Offset of an x86-64 register ("di", "ax", "ip" ...) in struct pt_regs,
 * or -1. */
int fth_pt_regs_offset(const char *name);

#endif
