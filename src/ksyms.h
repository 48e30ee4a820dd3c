/* ksyms.h - the kernel symbol table from /proc/kallsyms, for symbolizing
 * kernel stacks (kstack, ksym()) and resolving kaddr().
 *
 * The table is loaded once and is read-only afterwards, so one table can be
 * shared by threads. Lookups are a binary search over symbols sorted by
 * address; kallsyms gives no sizes, so the symbol "containing" an address is
 * the one with the greatest address <= it. */
#ifndef FATHOM_KSYMS_H
#define FATHOM_KSYMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct fth_ksyms;

/* Load /proc/kallsyms. Returns 0, or a negative errno: -EPERM when the file
 * lists symbols but every address is hidden as 0 (kptr_restrict, or not
 * root), -EINVAL on a line that is not kallsyms syntax. */
int fth_ksyms_load(struct fth_ksyms **out);
/* The same from any stream in kallsyms format (read to EOF). */
int fth_ksyms_load_file(FILE *file, struct fth_ksyms **out);
/* The same from text in memory (len bytes, need not be NUL-terminated; the
 * text is copied). Exposed for unit tests. */
int fth_ksyms_parse(const char *text, size_t len, struct fth_ksyms **out);
void fth_ksyms_free(struct fth_ksyms *ksyms);

/* Number of symbols kept (those with a nonzero address). */
size_t fth_ksyms_count(const struct fth_ksyms *ksyms);

/* Name of the symbol containing addr, or NULL when addr lies below every
 * symbol. *offset (if not NULL) gets addr minus the symbol's address;
 * *module (if not NULL) gets the module name without brackets, or NULL for
 * the kernel image. Where several symbols share an address, a text symbol is
 * preferred, then a global one, then the first listed. The strings live as
 * long as the table. */
const char *fth_ksyms_lookup(const struct fth_ksyms *ksyms, uint64_t addr, uint64_t *offset,
			     const char **module);

/* Address of the symbol called name, or 0 when there is none. When a name
 * is listed more than once (static functions in different files), a global
 * symbol wins, else the lowest address. A linear scan: meant for the few
 * kaddr() calls of a compile, not for a hot path. */
uint64_t fth_ksyms_address(const struct fth_ksyms *ksyms, const char *name);

#endif
