/* dwp.h - DWARF package files (.dwp): the split units of a program built
 * with -gsplit-dwarf, packed into one file by dwp or llvm-dwp.
 *
 * libdw reads .dwo files but, before elfutils 0.191, not packages. The
 * package's .debug_cu_index says, for each unit's DWO id, where its part
 * of every section is; this module cuts those parts out and hands libdw
 * a small .dwo file made of them, in memory. Both index formats are read:
 * version 5 (DWARF 5, llvm-dwp) and version 2 (GNU DWARF 4, binutils dwp). */
#ifndef FATHOM_DWP_H
#define FATHOM_DWP_H

#include <elfutils/libdw.h>
#include <stdint.h>

struct fth_dwp;

/* The package at path, or NULL when it cannot be read or holds no unit
 * index (errno then says why). */
struct fth_dwp *fth_dwp_open(const char *path);
/* The split unit with DWO id dwo_id as a libdw handle of its own (made on
 * first use, owned by p), or NULL when the package has no such unit. */
Dwarf *fth_dwp_unit(struct fth_dwp *p, uint64_t dwo_id);
void fth_dwp_close(struct fth_dwp *p);

#endif
