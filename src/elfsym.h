/* elfsym.h - what user-space probes need from an ELF file (libelf):
 * its function symbols (.symtab and .dynsym), the PT_LOAD segments that map
 * virtual addresses to file offsets (PIE executables and shared objects
 * included), and where a bare program or library name lives on disk. */
#ifndef FATHOM_ELFSYM_H
#define FATHOM_ELFSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fth_elf_sym {
	char *name;
	uint64_t addr;            /* st_value: virtual address */
	uint64_t size;
	bool ifunc;               /* STT_GNU_IFUNC: addr is the resolver, which
	                           * returns the implementation at load time */
	char *demangled;          /* a C++ name demangled ("ns::f(int)"), or NULL */
	char *rust_demangled;     /* a Rust name demangled ("crate::f"), or NULL */
};

struct fth_elf_seg {
	uint64_t vaddr, memsz, offset, filesz;
	bool exec;
};

struct fth_elf {
	struct fth_elf_sym *syms; /* STT_FUNC and STT_GNU_IFUNC, defined, sorted
	                           * by name, names unique */
	int nsyms;
	struct fth_elf_seg *segs; /* PT_LOAD */
	int nsegs;
};

/* Read path's symbols and segments. 0, -ENOENT (no such file), -ENOEXEC
 * (not an ELF file) or another negative errno. A file without .symtab
 * (stripped) also gets the symbols of its separate debug file, found by
 * its build-id: /usr/lib/debug/.build-id/xx/yyyy.debug. */
int fth_elf_open(const char *path, struct fth_elf *e);
/* The same with the debug files under debug_root instead of
 * /usr/lib/debug (NULL: never look for one). */
int fth_elf_open_with_debug_root(const char *path, const char *debug_root, struct fth_elf *e);
/* The separate debug file of the ELF file path, by its GNU build-id note,
 * under debug_root: 0 and its path in out, or -ENOENT. The directories
 * of fth_elf_add_debug_dirs come first (when debug_root is not NULL). */
int fth_elf_debug_file(const char *path, const char *debug_root, char *out, size_t outlen);
void fth_elf_close(struct fth_elf *e);
/* --debuginfo DIR[:DIR...]: more directories for separate debug files,
 * searched before the default root, for every binary of this run: a
 * file there by build-id (DIR/.build-id/xx/yyyy.debug) or by the binary's
 * .gnu_debuglink name with the same build-id ("+DIR": with the CRC32 the
 * debuglink gives instead). A relative DIR is relative to the binary's
 * directory. 0, -E2BIG (too many) or -ENOMEM. */
int fth_elf_add_debug_dirs(const char *list);
/* The st_value (virtual address, as in the file) and st_size of the
 * function or data object `name` in path's .symtab or .dynsym, or its
 * separate debug file's: 0, -ENOENT, or the error of opening path. */
int fth_elf_symbol_address(const char *path, const char *name, uint64_t *addr, uint64_t *size);
/* Where path is loaded: *relocated is true for an ET_DYN file (a PIE
 * executable or a shared object, placed at a random base in each process),
 * and *first_page is the lowest PT_LOAD virtual address rounded down to
 * page_size: the lowest mapping of the file in a process starts at
 * base + *first_page. 0, or the error of opening path (-ENOEXEC for a
 * file without PT_LOAD). */
int fth_elf_load_layout(const char *path, uint64_t page_size, bool *relocated, uint64_t *first_page);
/* Symbol by exact name, or NULL. */
const struct fth_elf_sym *fth_elf_find(const struct fth_elf *e, const char *name);
/* The name to show for sym: demangled for C++ and Rust's v0 mangling,
 * else its own. */
const char *fth_elf_display_name(const struct fth_elf_sym *sym);
/* Does pattern ('*' wildcards) name sym, as bpftrace matches uprobe
 * functions: its symbol name, or for C++ its demangled name with or
 * without the parameter list ("ns::f" and "ns::f(int)" both name
 * _ZN2ns1fEi). */
bool fth_elf_sym_matches(const struct fth_elf_sym *sym, const char *pattern);
/* Demangle a C++ symbol name (libstdc++'s __cxa_demangle): a malloc'ed
 * string, or NULL when name is not a mangled C++ name. */
char *fth_demangle(const char *name);
/* A Rust symbol demangled, malloc'd: one of the legacy mangling
 * (_ZN...17h<hash>E) as Rust writes the path, without the hash
 * ("crate::mod::f", "<T as core::fmt::Debug>::fmt"); one of the v0
 * mangling (_R...) as LLVM's demangler prints it (rustdemangle.h). NULL
 * for any other name. */
char *fth_rust_demangle(const char *name);
/* The function symbol containing addr (the nearest one at or below it
 * when sizes are unknown), or NULL. */
const struct fth_elf_sym *fth_elf_containing(const struct fth_elf *e, uint64_t addr);
/* Virtual address to file offset through the PT_LOAD segments: 0 or -ENOENT. */
int fth_elf_vaddr_to_offset(const struct fth_elf_seg *segs, int nsegs, uint64_t vaddr, uint64_t *off);
/* The implementations that the IFUNC symbols names[0..n-1] of the shared
 * object path select on this machine: vaddrs[i] is the virtual address (in
 * path's own numbering) of the function the resolver of names[i] returns,
 * or 0 when it cannot be found. The resolvers run in a child process that
 * loads path with dlopen(), so nothing of the library stays in fathom; an
 * executable (dlopen refuses it) leaves every entry 0. 0 or negative errno. */
int fth_elf_resolve_ifuncs(const char *path, const char *const *names, int n, uint64_t *vaddrs);
/* Read only the PT_LOAD segments of an open Elf * (for usdt.c). */
struct Elf;
int fth_elf_read_segs(struct Elf *elf, struct fth_elf_seg **segs, int *nsegs);

/* Does PATH start with the ELF magic? */
bool fth_elf_is_elf(const char *path);
/* Resolve the PATH of uprobe:PATH:...: a path containing '/' must exist
 * and is kept as written (bpftrace's probe names show it so); a bare name
 * is looked up as a library ("libc", "libc.so.6": /etc/ld.so.cache, then
 * the usual library directories) and as a program in $PATH, giving its
 * canonical path. Writes into out; 0 or -ENOENT. */
int fth_resolve_binary(const char *name, char *out, size_t outlen);
/* Library lookup alone (for tests): from the ld.so.cache file `cache`
 * (NULL: /etc/ld.so.cache) then the library directories. */
int fth_find_library(const char *name, const char *cache, char *out, size_t outlen);

#endif
