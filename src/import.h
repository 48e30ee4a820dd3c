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
 * Imports are resolved while the importing file is parsed, as soon as the
 * statement is read, so that the #define macros of an imported file count
 * in the rest of the importing one (bpftrace hands every file's C section
 * to clang together).
 *
 * Imported files are read into one buffer after the main script, each an
 * fth_source with its own name and start, so node ranges stay unique and
 * diagnostics name the imported file (diag->files). */
#ifndef FATHOM_IMPORT_H
#define FATHOM_IMPORT_H

#include "program.h"

struct fth_importer;

/* The importer of prog (prog->src and prog->cmacros set). */
struct fth_importer *fth_importer_new(struct fth_program *prog, struct fth_diag *diag);

/* The parser's hook (fth_parse_opts.on_import): resolve one `import`
 * statement now, parsing what it names; errors go to diag. */
void fth_import_now(void *importer, struct fth_node *import);

/* After the main script is parsed into prog->ast: the imported files'
 * probes, macros, map declarations and C definitions join it. */
void fth_importer_merge(struct fth_importer *im);

#endif
