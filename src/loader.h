/* loader.h - turning a compiled fth_program into kernel objects.
 *
 * Maps are created first (their fds patched into the instructions that
 * reference them), then every program is loaded. A verifier rejection is
 * reported at the script line whose code the verifier stopped on, in one
 * sentence; the raw verifier log is printed only when asked (-v). Attaching
 * is separate (fth_loader_attach) so BEGIN can run before other probes fire. */
#ifndef FATHOM_LOADER_H
#define FATHOM_LOADER_H

#include <stdbool.h>

#include "probes.h"
#include "program.h"

struct fth_loader {
	struct fth_program *prog;
	struct fth_diag *diag;
	bool verbose;
	bool print_logs;                    /* -d verifier: each program's verifier log, on stdout */
	struct fth_attachment *attachments; /* one per prog */
	int attached;                       /* attach points attached */
	int skipped;                        /* not attachable, skipped (missing_probes) */
};

/* verbose (-v): the verifier log of a rejected program; with print_logs
 * (-d verifier) the log of each program loaded is printed too. */
int fth_loader_load(struct fth_loader *ld, struct fth_program *prog, struct fth_diag *diag, bool verbose);
int fth_loader_load_logged(struct fth_loader *ld, struct fth_program *prog, struct fth_diag *diag);
/* Attach every non-special program. 0 or negative errno (reported). */
int fth_loader_attach(struct fth_loader *ld);
/* Detach everything, close every program and map. Safe to call twice. */
void fth_loader_unload(struct fth_loader *ld);

/* The part of a verifier log worth showing: its last error line, and the
 * index of the last instruction it mentions (or -1). Exposed for tests. */
void fth_verifier_summary(const char *log, char *reason, size_t reason_len, int *insn);

#endif
