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

/* Names of the members of t (for "did you mean" hints): up to max names,
 * returns the count. */
int fth_btf_member_names(struct fth_btf *btf, const struct fth_type *t, const char **names, int max);

/* Value of an enumerator (TASK_RUNNING ...) from any kernel enum. */
bool fth_btf_enum_value(struct fth_btf *btf, const char *name, int64_t *value);

#endif
