/* include.h - checking the script's `#include`s.
 *
 * fathom preprocesses only the script itself (cpp.c): kernel types come from BTF and the
 * script's own struct definitions are parsed directly, so an included
 * header is never read. It is still looked up, so that a misspelt or
 * missing header is an error as it is in bpftrace (where clang reports
 * it), instead of being ignored:
 *   - found on the search path (-I dirs, the system include dirs, the
 *     kernel's build tree if installed; for "x.h" first the script's
 *     directory): fine;
 *   - a kernel header (linux/..., net/..., asm/..., ...), a freestanding C
 *     header (stdint.h, ...) or vmlinux.h: fine even if not installed, as
 *     BTF and fathom's own integer types stand in for them;
 *   - anything else: "'x.h' file not found" at the directive. */
#ifndef FATHOM_INCLUDE_H
#define FATHOM_INCLUDE_H

#include "program.h"

struct fth_include_opts {
	const char *const *dirs;  /* -I DIR, searched first, in order */
	int ndirs;
	const char *const *files; /* --include FILE: headers included before the script */
	int nfiles;
};

/* 0, or -ENOENT after reporting every header that cannot be found. */
int fth_check_includes(struct fth_program *prog, struct fth_diag *diag, const struct fth_include_opts *opts);

#endif
