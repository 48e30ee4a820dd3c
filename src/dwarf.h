/* dwarf.h - a function's parameters from the DWARF debug information of an
 * ELF file (read with libdw, split DWARF included): what args.NAME of a
 * uprobe reads (as bpftrace does when the traced binary has debug info). */
#ifndef FATHOM_DWARF_H
#define FATHOM_DWARF_H
#include "arena.h"
#include "types.h"

#define FTH_DWARF_MAX_PARTS 8

struct fth_dwarf_param {
	const char *name;      /* NULL when the debug info gives none */
	struct fth_type *type; /* pointers in it are user-space pointers */
	const char *c_type;    /* as C writes it: "struct Foo*", "const char*" */
	/* Where the x86-64 calling convention puts it at the function's
	 * entry: the pt_regs register ("di", "si", "dx", "cx", "r8", "r9") of
	 * an integer or pointer, or NULL with `passed` saying how instead
	 * ("on the stack", "in SSE registers", "by value, in general
	 * registers", ...), and on the stack its offset from sp (the return
	 * address is at 0). */
	const char *reg;
	const char *passed;
	uint32_t stack_offset;
	/* By value in several general registers (a small C struct, a Go
	 * string or slice): the register of each part, in order, and the
	 * bytes of the value it holds (C: 8-byte words; Go: one field each,
	 * as its DWARF location pieces say); nparts 0 otherwise. */
	const char *part_reg[FTH_DWARF_MAX_PARTS];
	uint32_t part_offset[FTH_DWARF_MAX_PARTS];
	uint32_t part_size[FTH_DWARF_MAX_PARTS];
	int nparts;
};

/* The parameters of the function named `func` (its definition, not a
 * declaration; a C++ function by its mangled name) in the ELF file at
 * `path` or its separate debug file, in order, allocated in arena. Of
 * several of that name (static functions in different files), the one
 * whose code starts at `addr` (its symbol's value; 0: any).
 * 0 with *out and *n set; -ENOENT when the file cannot be read, has no
 * DWARF or no such function. */
int fth_dwarf_func_params(struct fth_arena *arena, const char *path, const char *func, uint64_t addr,
			  struct fth_dwarf_param **out, int *n);

/* The struct, union or class named `name` ("struct Foo") as the DWARF of
 * the ELF file at path defines it, or NULL. */
struct fth_type *fth_dwarf_find_type(struct fth_arena *arena, const char *path, const char *name);

/* Where a source statement starts: the lowest address of the statements
 * the line table gives for line `line` (and column `col`, 0: any) of the
 * source file `file` ("foo.c", "src/foo.c" or an absolute path: matched
 * against the end of the table's file names, a whole component at least). */
struct fth_dwarf_line {
	uint64_t addr;
	int nstmts;             /* statements found at that line (0: none) */
	char file[4096];        /* the file the name matched ("": none) */
	char other_file[4096];  /* a second file it matched (ambiguous) */
};

/* The address of file:line[:col] in the ELF file at path (or its separate
 * debug file) into *found. 0; -ENOENT: no DWARF; -ESRCH: no such source
 * file; -EEXIST: the name matches two files (found->file, ->other_file);
 * -ERANGE: the file has no statement at that line (and column). */
int fth_dwarf_line_addr(const char *path, const char *file, int line, int col, struct fth_dwarf_line *found);

#endif
