/* diag.h - diagnostics: file:line:col, the source line, a caret range, a hint.
 *
 * Every phase reports through one fth_diag so that errors look the same
 * whether the lexer, the parser, semantic analysis or the loader found them:
 *
 *   script.bt:3:9-14: ERROR: unknown function 'cuont'
 *   @[comm] = cuont();
 *             ~~~~~
 *   HINT: did you mean 'count'?
 *
 * Ranges are byte offsets into the source text; line and column are derived
 * when the message is rendered. */
#ifndef FATHOM_DIAG_H
#define FATHOM_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct fth_range {
	uint32_t begin; /* byte offset of the first character */
	uint32_t end;   /* byte offset one past the last character */
};

/* Where a copy of a macro's body was made: the call it replaced, then the
 * call that one was in (a macro calling a macro), out to the probe. */
struct fth_expansion {
	struct fth_range call;
	const struct fth_expansion *outer;
};

struct fth_source {
	const char *name; /* "stdin" for -e and -, else the script path */
	const char *text; /* NUL-terminated */
	uint32_t len;     /* offset one past the file's last byte in text */
	/* Offset of the file's first byte in text: 0, except for files
	 * brought in by `import`, which share one buffer after the main
	 * script so that every node's range is unique across files. */
	uint32_t start;
};

enum fth_severity { FTH_SEV_ERROR, FTH_SEV_WARNING };

/* How many located messages a diag remembers to print each only once. */
#define FTH_DIAG_REMEMBERED 256

struct fth_diag {
	const struct fth_source *src;
	FILE *out;        /* where messages go, normally stderr */
	int errors;
	int warnings;
	bool quiet_warnings;
	/* Fingerprints of the located messages printed so far (a ring of the
	 * last FTH_DIAG_REMEMBERED). A probe with several attach points is
	 * checked once per attach point, so its body would say the same
	 * thing at the same place once per attach point (360 times for
	 * tracepoint:syscalls:sys_enter_*); bpftrace says it once. A repeat
	 * is still counted, only not printed again. */
	uint64_t printed[FTH_DIAG_REMEMBERED];
	unsigned nprinted;
	/* Imported files (import "x.bt"): a range inside one of them is shown
	 * in that file. */
	const struct fth_source **files;
	int nfiles;
};

void fth_diag_init(struct fth_diag *diag, const struct fth_source *src, FILE *out);

/* Report at a source range. hint may be NULL. Messages are printed at once;
 * one identical to a message already printed (same severity, place, text
 * and hint) is counted but not printed again. */
void fth_diag_report(struct fth_diag *diag, enum fth_severity sev, struct fth_range range,
		     const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The same for what a copy of a macro's body says, reported as bpftrace
 * does: at range, the place in the body, then "expanded from" at each
 * call the copy came from, innermost first. A NULL chain (not from a
 * macro) reports at range alone. */
void fth_diag_report_expanded(struct fth_diag *diag, enum fth_severity sev, struct fth_range range,
			      const struct fth_expansion *chain, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* The "expanded from" lines of chain, at sev (after a message printed some
 * other way, as errorf()'s). */
void fth_diag_expansion_chain(struct fth_diag *diag, enum fth_severity sev, const struct fth_expansion *chain);

#define fth_error(diag, range, ...) fth_diag_report((diag), FTH_SEV_ERROR, (range), NULL, __VA_ARGS__)
#define fth_warning(diag, range, ...) fth_diag_report((diag), FTH_SEV_WARNING, (range), NULL, __VA_ARGS__)
#define fth_error_hint(diag, range, hint, ...) \
	fth_diag_report((diag), FTH_SEV_ERROR, (range), (hint), __VA_ARGS__)

/* An attach-time message: what bpftrace reports only after compiling,
 * while resolving an attach point against the system (a symbol, an
 * address, a tracepoint, a module's BTF), and prints without a location:
 *
 *   ERROR: Could not resolve symbol: /bin/bash:no_such
 *   stdin:1:1-26: at this attach point
 *   uprobe:/bin/bash:no_such { }
 *   ~~~~~~~~~~~~~~~~~~~~~~~~
 *   HINT: did you mean '...'?
 *
 * The first line is bpftrace's, word for word, so that what matches
 * bpftrace's output matches ours; the place, the caret range and the hint
 * follow it. Counted and quieted like fth_diag_report. */
void fth_diag_report_attach(struct fth_diag *diag, enum fth_severity sev, struct fth_range range,
			    const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define fth_attach_error_hint(diag, range, hint, ...) \
	fth_diag_report_attach((diag), FTH_SEV_ERROR, (range), (hint), __VA_ARGS__)
#define fth_attach_warning(diag, range, ...) \
	fth_diag_report_attach((diag), FTH_SEV_WARNING, (range), NULL, __VA_ARGS__)

/* A run-time message at a script location, as bpftrace prints errorf()
 * and warnf(): the "file:line:col-col: SEV: " header and the text only,
 * without the source excerpt, and not counted as a compile error. One
 * trailing newline of the text is dropped. Warnings obey quiet_warnings. */
void fth_diag_located(struct fth_diag *diag, enum fth_severity sev, struct fth_range range, const char *text);

/* Message not tied to a source place ("fathom: error: ..."). */
void fth_diag_plain(struct fth_diag *diag, enum fth_severity sev, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The file that holds a byte offset: an imported one, else diag->src. */
const struct fth_source *fth_diag_source(const struct fth_diag *diag, uint32_t offset);

/* 1-based line and column of a byte offset (counted from src->start). */
void fth_source_position(const struct fth_source *src, uint32_t offset, int *line, int *col);

/* Levenshtein distance, for "did you mean" hints. */
int fth_edit_distance(const char *a, const char *b);
/* Best match for name among the `count` candidates, or NULL when
 * nothing is close enough to be a plausible typo. */
const char *fth_closest_name(const char *name, const char *const *candidates, int count);

/* The fix for EMFILE/ENFILE (every map, program, link, file and buffer
 * takes a descriptor); NULL for any other errno. */
const char *fth_fd_limit_hint(int err);

/* What to do when the kernel refused the memory or the descriptors of
 * an event buffer (what: "ring buffer", "perf buffer"), by errno err;
 * a static string. */
const char *fth_buffer_refused_hint(int err);

#endif
