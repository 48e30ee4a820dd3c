/* runtime.h - running a loaded program: BEGIN, the event loop, END, and the
 * maps printed at exit.
 *
 * Events arrive through one BPF ring buffer; each record starts with an
 * action index (see program.h) that says how to decode and print the rest.
 * skboutput()'s packets come through a perf buffer beside it (skbout.h).
 * Lost records (ring buffer or perf buffer full) are counted in the kernel
 * and reported, never dropped silently. */
#ifndef FATHOM_RUNTIME_H
#define FATHOM_RUNTIME_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "loader.h"
#include "output_json.h"
#include "program.h"

/* What a run does: trace (attach the probes), or run the bench:NAME or
 * the test:NAME probes. */
enum fth_run_mode { FTH_RUN_TRACE, FTH_RUN_BENCH, FTH_RUN_TEST };

struct fth_runtime_opts {
	FILE *out;                 /* trace output (stdout or -o FILE); NULL = stdout */
	const struct fth_output_ops *output; /* -f backend; NULL = text */
	bool quiet;                /* -q: no "Attached N probes" / attached_probes */
	/* FTH_RUN_BENCH (--bench): run BEGIN, then every bench:NAME probe as
	 * a benchmark (its output discarded, the results printed), then END;
	 * FTH_RUN_TEST (--test): the same with test:NAME probes, each run
	 * once, its output kept for the report. Nothing else is attached and
	 * the maps are not printed. Otherwise bench and test probes never
	 * run. */
	enum fth_run_mode mode;
	bool notify_attached;      /* print __BPFTRACE_NOTIFY_PROBES_ATTACHED on stdout */
	/* set by the caller's signal handler: 1 stops the run, 2 (a second
	 * signal) also drops the backlog still being printed */
	volatile sig_atomic_t *stop;
	/* set by the caller's SIGUSR1 handler: run the self:signal:SIGUSR1
	 * probes (cleared here); NULL when the caller does not catch it */
	volatile sig_atomic_t *sigusr1;
	/* -p PID / -c CMD: the run ends when this process is gone (0: none).
	 * child_fd >= 0 (with -c): writing to it lets the child exec, once the
	 * probes are attached. */
	int watch_pid;
	int child_fd;
	bool watch_is_child;       /* reap it with waitpid */
};

/* Attach, run BEGIN, process events until exit() or *stop, detach, run END,
 * print the maps. Returns the exit code the process should use.
 *
 * Where things go (as bpftrace): trace output (printf, print, time, maps)
 * to opts->out in the chosen format; in text, "Attached N probes" and
 * "Lost N events" to stderr; in JSON, their attached_probes/lost_events
 * messages to opts->out; the notify line to stdout; errors and the final
 * "WARNING: Total lost event count: N" to stderr. */
int fth_runtime_run(struct fth_program *prog, struct fth_loader *ld, struct fth_diag *diag,
		    const struct fth_runtime_opts *opts);

/* `fathom --info`: what this kernel supports, in bpftrace's sections
 * (System, Build, Kernel helpers, Kernel features, Map types, Probe
 * types). Every yes/no comes from a probe of the running kernel (libbpf's
 * libbpf_probe_bpf_helper/_prog_type/_map_type, or a small program
 * loaded for the purpose); a probe that could not run says "unknown".
 * Needs root for the probes. Returns 0. */
int fth_runtime_info(FILE *out);

#endif
