/* cdefs.h - struct, union, enum and typedef definitions written in a script
 * (`struct foo { int a; char name[16]; struct bar *next; };`), turned into
 * fth_types laid out as a C compiler lays them out on x86-64 (natural
 * alignment, padding, SysV bitfield packing, __attribute__((packed))).
 *
 * The script's definitions come first, as in bpftrace: a name the script
 * defines hides the kernel's type of the same name. Names the script only
 * mentions (`struct task_struct *task;`, `u64 ts;`) are asked of a fallback,
 * normally kernel BTF, and only when the script does not define them
 * anywhere, so BTF is never loaded for a script that defines everything. */
#ifndef FATHOM_CDEFS_H
#define FATHOM_CDEFS_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "types.h"

struct fth_cdefs;

/* A type the script does not define: "struct task_struct", "u64". NULL if
 * there is none. */
typedef struct fth_type *(*fth_cdefs_fallback)(void *ctx, const char *name);

/* Where a definition is wrong: byte offsets into the text given to
 * fth_cdefs_add, what is wrong and how to fix it. */
struct fth_cdefs_error {
	uint32_t begin, end;
	char message[192];
	char hint[192];
};

struct fth_cdefs *fth_cdefs_new(struct fth_arena *arena, fth_cdefs_fallback fallback, void *ctx);

/* The value of a name in a constant expression (an array size, an
 * enumerator's value) that is no enumerator: the script's #define LEN 16.
 * False when it has none. */
typedef bool (*fth_cdefs_constant)(void *ctx, const char *name, int64_t *value);

/* Names in constant expressions of the definitions added from now on are
 * looked up here (after the enumerators). lookup may be NULL. */
void fth_cdefs_set_constants(struct fth_cdefs *defs, fth_cdefs_constant lookup, void *ctx);

/* A #define as the definitions see it: `#define LEN 4 + 4` has the text
 * "4 + 4"; `#define SZ(n) (n * 4)` is function-like with one parameter. */
struct fth_cdefs_macro_def {
	const char *text;
	bool function_like;
	int nparams;
	const char *const *params;
};

/* The macro NAME in force, or NULL when NAME is no macro. */
typedef const struct fth_cdefs_macro_def *(*fth_cdefs_macro)(void *ctx, const char *name);

/* Macros in the definitions added from now on are replaced by their
 * bodies as text, as cpp does, wherever they appear (array sizes, type
 * names, enumerator values); a function-like one where its name is
 * followed by '(', its parameters replaced by the call's arguments.
 * lookup may be NULL. */
void fth_cdefs_set_macros(struct fth_cdefs *defs, fth_cdefs_macro lookup, void *ctx);

/* Parse one or more definitions (the text of one FTH_C_DEFINITION).
 * Returns 0, or -EINVAL with *err filled in. */
int fth_cdefs_add(struct fth_cdefs *defs, const char *text, struct fth_cdefs_error *err);

/* "struct foo", "union u", "enum e" or a typedef name. Structs the script
 * only declared are resolved through the fallback on first use; a struct
 * nobody defines stays incomplete (size 0, no fields). NULL when unknown. */
struct fth_type *fth_cdefs_type(struct fth_cdefs *defs, const char *name);

/* Names of the types the script defines ("struct foo", "foo_t"), up to
 * max, for "did you mean" hints. Returns the count. */
int fth_cdefs_names(const struct fth_cdefs *defs, const char **names, int max);

/* Value of an enumerator of an enum the script defines. */
bool fth_cdefs_enum_value(const struct fth_cdefs *defs, const char *name, int64_t *value);
/* The same, and the enum's type (its enum_def lists the enumerators, for
 * printing values by name); NULL when the script defines no such name. */
const struct fth_type *fth_cdefs_enumerator(const struct fth_cdefs *defs, const char *name, int64_t *value);

#endif
