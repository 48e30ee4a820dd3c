/* btf.h - kernel types from BTF (/sys/kernel/btf/vmlinux), so scripts can
 * walk kernel structs (curtask->parent->pid, ((struct msghdr *)arg1)->...)
 * with no kernel headers installed.
 *
 * Loaded lazily: a script that never names a kernel type never pays for
 * parsing the ~5 MB of vmlinux BTF. */
#ifndef FATHOM_BTF_H
#define FATHOM_BTF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "types.h"

struct fth_btf;

/* Open vmlinux BTF. Returns 0 or a negative errno (-ENOENT without BTF). */
int fth_btf_load(struct fth_btf **out);
void fth_btf_free(struct fth_btf *btf);

/* "struct task_struct", "union bpf_attr", "enum foo", a typedef name
 * ("u64", "pid_t") or a base type name; NULL when BTF has no such type. */
struct fth_type *fth_btf_type_by_name(struct fth_btf *btf, struct fth_arena *arena, const char *name);

/* Member `name` of the struct/union type t (searching anonymous members
 * too). Returns its type and byte offset (bitfields: the containing byte
 * offset plus bit_offset/bit_size), or NULL. */
struct fth_type *fth_btf_member(struct fth_btf *btf, struct fth_arena *arena, const struct fth_type *t,
				const char *name, uint32_t *offset, uint32_t *bit_offset, uint32_t *bit_size);

/* Fill t->fields with the members of BTF struct/union t, one level deep
 * (members that are structs get their own fields when asked), anonymous
 * members flattened into t, so that values of t can be printed. 0 or a
 * negative errno. */
int fth_btf_struct_fields(struct fth_btf *btf, struct fth_arena *arena, struct fth_type *t);

/* Names of the members of t (for "did you mean" hints): up to max names,
 * returns the count. */
int fth_btf_member_names(struct fth_btf *btf, const struct fth_type *t, const char **names, int max);

/* Value of an enumerator (TASK_RUNNING ...) from any kernel enum. */
bool fth_btf_enum_value(struct fth_btf *btf, const char *name, int64_t *value);
/* The kernel enumerator `name`: its value and its enum's type (an integer
 * of the enum's size printing as its enumerators), or NULL. */
struct fth_type *fth_btf_enumerator(struct fth_btf *btf, struct fth_arena *arena, const char *name, int64_t *value);

/* fathom -l 'struct task_*': the kernel's named structs, unions and enums
 * whose "struct NAME" spelling matches the glob, sorted; with verbose
 * their C definitions as bpftrace -lv prints them. 0 or a negative errno. */
int fth_btf_list_types(const char *pattern, bool verbose, FILE *out);

/* ------------------------------------------ probes with BTF-typed contexts
 *
 * Raw tracepoints (BTF typedef btf_trace_<event>, a pointer to a function
 * whose first parameter is the tracepoint's `void *__data`) and BPF
 * iterators (func bpf_iter_<name>, context struct bpf_iter__<name>) get
 * their arguments from BTF. */

/* One argument of a raw tracepoint, or one field of an iterator context. */
struct fth_btf_arg {
	const char *name;
	const char *type_name; /* C spelling as bpftrace -lv prints it: "struct task_struct *" */
	struct fth_type *type; /* NULL when fathom has no type for it (read as a u64) */
	uint32_t offset;       /* bytes into the context: 8 * i for raw tracepoints */
};

/* The split BTF of a kernel module (/sys/kernel/btf/MODULE) on top of
 * vmlinux. -ENOENT when the module is not loaded or has no BTF. */
int fth_btf_load_module(struct fth_btf *vmlinux, const char *module, struct fth_btf **out);
/* Kernel modules that have BTF, sorted: malloc'ed strings, count or negative
 * errno (free with fth_string_list_free). */
int fth_btf_module_names(char ***out);

/* Event names of every raw tracepoint this BTF declares (for a module, only
 * its own), sorted: malloc'ed strings, count or negative errno. */
int fth_btf_raw_tracepoints(struct fth_btf *btf, char ***out);
/* The arguments of raw tracepoint `event` (named from the __probestub_ or
 * __bpf_trace_ function of the event) and the BTF id of its btf_trace_
 * typedef, the program's attach_btf_id. Returns the argument count or
 * -ENOENT. */
int fth_btf_raw_tp_args(struct fth_btf *btf, struct fth_arena *arena, const char *event,
			struct fth_btf_arg **args, uint32_t *attach_btf_id);

/* Names N of the BPF iterators (func bpf_iter_N with a struct bpf_iter__N
 * context), sorted: malloc'ed strings, count or negative errno. */
int fth_btf_iterators(struct fth_btf *btf, char ***out);
/* The context fields of iterator `name` (meta, task, fd, file, vma ...,
 * anonymous unions flattened) and the BTF id of func bpf_iter_<name>.
 * Returns the field count or -ENOENT. */
int fth_btf_iter_ctx(struct fth_btf *btf, struct fth_arena *arena, const char *name,
		     struct fth_btf_arg **fields, uint32_t *attach_btf_id);

/* BTF id of the kernel function `name` (a kfunc or any traceable
 * function), or -ENOENT. */
int fth_btf_func_id(struct fth_btf *btf, const char *name);
/* BTF id of the kernel variable `name` (vmlinux BTF describes its per-CPU
 * variables), or -ENOENT. */
int fth_btf_var_id(struct fth_btf *btf, const char *name);

/* Kernel functions (fentry/fexit). Names of every BTF FUNC this BTF
 * declares (for a module, only its own), sorted: malloc'ed strings, count
 * or negative errno. */
int fth_btf_funcs(struct fth_btf *btf, char ***out);
/* The parameters of kernel function `func` (FUNC_PROTO params: name, type,
 * offset 8 * i in the fentry context), the FUNC's BTF id (the program's
 * attach_btf_id) and the C spelling of its return type (may be NULL).
 * Returns the parameter count or -ENOENT. */
int fth_btf_func_args(struct fth_btf *btf, struct fth_arena *arena, const char *func, struct fth_btf_arg **args,
		      uint32_t *func_btf_id, const char **ret_type_name);

/* The BTF object fd of kernel module `module`, for attach_btf_obj_fd, or
 * -ENOENT. Opened once per process and kept open (it only pins the
 * module's BTF), so every probe on that module shares it. */
int fth_btf_module_obj_fd(const char *module);

#endif
