/* import.h - `import "lib.bt";`: other bpftrace scripts brought into the
 * program, between parsing and macro expansion.
 *
 * As in bpftrace, a name is looked up relative to the directory of the
 * main script (the current directory for -e and stdin), each name is
 * imported once, a directory imports the .bt files in it, an imported file
 * may not have a config block, and nothing is imported from a file or
 * directory that every user may write to. The imported files' probes,
 * macros, map declarations and C definitions join the main program.
 *
 * Imported files are read into one buffer after the main script, each an
 * fth_source with its own name and start, so node ranges stay unique and
 * diagnostics name the imported file (diag->files). */
#ifndef FATHOM_IMPORT_H
#define FATHOM_IMPORT_H

#include "program.h"

/* 0, or -EINVAL after reporting what could not be imported. */
int fth_resolve_imports(struct fth_program *prog, struct fth_diag *diag);

#endif
