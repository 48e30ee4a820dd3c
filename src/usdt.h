/* usdt.h - USDT probes (SystemTap SDT notes, ".note.stapsdt") of an ELF
 * file, and the x86-64 argument specs in them ("-4@%edi", "8@-16(%rbp)",
 * "4@$5"). */
#ifndef FATHOM_USDT_H
#define FATHOM_USDT_H

#include <stdint.h>

#include "program.h"

#define FTH_USDT_MAX_ARGS 12

struct fth_usdt_probe {
	char *provider;
	char *name;
	char *args;          /* the argument spec string as written */
	uint64_t pc;         /* address of the probe point (prelink-adjusted) */
	uint64_t offset;     /* its file offset */
	uint64_t semaphore;  /* the semaphore's file offset, 0 if none */
};

/* Every probe site of path, in note order. 0, -ENOENT, -ENOEXEC (not an
 * ELF file) or another negative errno. Free with fth_usdt_free. */
int fth_usdt_read(const char *path, struct fth_usdt_probe **probes, int *n);
void fth_usdt_free(struct fth_usdt_probe *probes, int n);
/* Parse an argument spec string into at most max arguments: their count,
 * or -EINVAL (a form fathom cannot read). */
int fth_usdt_parse_args(const char *spec, struct fth_usdt_arg *args, int max);
/* Offset in struct pt_regs of an x86-64 register name without '%' ("rdi",
 * "edi", "di", "dil", "r8d", ...), or -1. */
int fth_usdt_reg_offset(const char *name);

#endif
