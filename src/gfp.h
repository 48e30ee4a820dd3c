/* gfp.h - printf's %gr: kernel allocation (GFP) flags by name.
 *
 * bpftrace prints a gfp_t as its compound names first (GFP_KERNEL,
 * GFP_ATOMIC, ...), then the single __GFP_ flags left over, then any
 * bits it has no name for in hex, all joined with '|'; 0 prints as "0":
 *
 *   GFP_KERNEL   GFP_ATOMIC|__GFP_HIGHMEM   __GFP_ZERO|0x80000000
 *
 * Which bit a flag is depends on the kernel (its version and config:
 * optional flags such as __GFP_NOLOCKDEP shift the ones after them), so
 * the table is built from the kernel's own ___GFP_<NAME>_BIT enumerators
 * (in BTF since Linux 6.10). Without them the layout of such a kernel
 * with no optional flag but __GFP_NO_OBJ_EXT is used.
 *
 * Pure userspace, no kernel access: unit tested with any layout. */
#ifndef FATHOM_GFP_H
#define FATHOM_GFP_H

#include <stdint.h>

struct fth_strbuf;

#define FTH_GFP_MAX_FLAGS 64
#define FTH_GFP_NAME_MAX 40

struct fth_gfp_flag {
	char name[FTH_GFP_NAME_MAX]; /* "__GFP_IO", "GFP_KERNEL" */
	uint64_t mask;
};

struct fth_gfp_names {
	/* The single flags in bit order. */
	struct fth_gfp_flag singles[FTH_GFP_MAX_FLAGS];
	int nsingles;
	/* The compound names in the order they are tried, widest first. */
	struct fth_gfp_flag compounds[16];
	int ncompounds;
};

/* A table from the kernel's bit numbers: names[i] is a flag without its
 * prefix ("IO" for __GFP_IO), bits[i] its bit. "LAST" (the count) and
 * "UNUSED" are not flags and are skipped; so is any bit >= 64. */
void fth_gfp_names_build(struct fth_gfp_names *out, const char *const *names, const int *bits, int n);

/* The table used when the kernel does not describe its bits. */
const struct fth_gfp_names *fth_gfp_names_default(void);

/* Append the text of flags (see above). names NULL: the default table. */
void fth_gfp_format(struct fth_strbuf *sb, const struct fth_gfp_names *names, uint64_t flags);

#endif
