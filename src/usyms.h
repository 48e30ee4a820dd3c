/* usyms.h - user-space symbols for ustack, usym() and uprobe addresses:
 * an address in a process is mapped through /proc/PID/maps to a file and
 * an offset in it, then to the function symbol that contains it.
 *
 * Memory maps are cached per process and symbol tables per file, so a
 * profile of one busy process reads each ELF file once. */
#ifndef FATHOM_USYMS_H
#define FATHOM_USYMS_H

#include <stdbool.h>
#include <stdint.h>

struct fth_usyms;

struct fth_usyms *fth_usyms_new(void);
void fth_usyms_free(struct fth_usyms *u);

/* Resolve addr in process pid. On success *sym is the function name,
 * *offset the distance from its start and *module the file's path (all
 * owned by u). Returns false when the process or its mapping is gone, or
 * no symbol covers the address. */
bool fth_usyms_lookup(struct fth_usyms *u, int pid, uint64_t addr, const char **sym, uint64_t *offset,
		      const char **module);

#endif
