/* runtime.h - running a loaded program: BEGIN, the event loop, END, and the
 * maps printed at exit.
 *
 * Events arrive through one BPF ring buffer; each record starts with an
 * action index (see program.h) that says how to decode and print the rest.
 * Lost records (ring buffer full) are counted in the kernel and reported,
 * never dropped silently. */
#ifndef FATHOM_RUNTIME_H
#define FATHOM_RUNTIME_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "loader.h"
#include "program.h"

struct fth_runtime_opts {
	FILE *out;                 /* trace output (stdout or -o FILE) */
	bool quiet;                /* -q: no "Attached N probes" */
	bool notify_attached;      /* print __BPFTRACE_NOTIFY_PROBES_ATTACHED */
	volatile sig_atomic_t *stop; /* set by the caller's signal handler */
};

/* Attach, run BEGIN, process events until exit() or *stop, detach, run END,
 * print the maps. Returns the exit code the process should use. */
int fth_runtime_run(struct fth_program *prog, struct fth_loader *ld, struct fth_diag *diag,
		    const struct fth_runtime_opts *opts);

#endif
