/* output_json.h - output backends: how trace output is written, as text or
 * as bpftrace's JSON (`-f json`), behind one small interface.
 *
 * The runtime decodes events and reads maps; a backend decides what the
 * user sees. Every message bpftrace's output layer knows that fathom
 * produces goes through one hook of struct fth_output_ops:
 *
 *   hook             text (stdout or -o FILE / stderr)   json (one document per line)
 *   attached_probes  stderr "Attached 2 probes"          {"type": "attached_probes", "count": 2, "data": {"probes": 2}}
 *   printf           the text as is                      {"type": "printf", "data": "x 5\n"}
 *   value            print(7): "7\n"                     {"type": "value", "data": 7}
 *   time             the strftime text                   {"type": "time", "data": "12:00:00\n"}
 *   join             the joined text and "\n"            {"type": "join", "data": "/bin/echo,a"}
 *   map              format.c's map layout               {"type": "map"|"hist"|"stats", "data": {"@m": ...}}
 *   lost_events      stderr "Lost 3 events"              {"type": "lost_events", "count": 3, "data": {"events": 3}}
 *   located          stderr "stdin:1:9-20: ERROR: msg"   {"type": "errorf", "msg": "msg", "filename": "stdin", "line": 1, "col": 9}
 *   test_result      gtest-like "[ RUN      ] name" lines  {"type": "test_result", "data": {"name": {...}}}
 *   end              "\n\n" before the maps at exit      nothing
 *
 * A new backend (Prometheus, folded stacks, ...) is one more ops table;
 * fth_output_find() maps the -f name to it. Backends write whole messages
 * to `out` and flush after each, so output interleaves correctly with
 * other writers and survives a kill.
 *
 * The JSON follows current bpftrace (src/output/json.cpp): objects are
 * separated by ", " and keys by ": ", arrays by "," with no space (also
 * between histogram buckets); map keys are their text form with one pair
 * of enclosing parentheses and every space removed (tuple (a, 1) -> "a,1");
 * integers that a double cannot hold exactly are written as strings. The
 * fth_json_* functions build the messages into a strbuf and are unit
 * tested byte for byte. */
#ifndef FATHOM_OUTPUT_JSON_H
#define FATHOM_OUTPUT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "format.h"
#include "types.h"

struct fth_output;

struct fth_output_ops {
	const char *name; /* "text", "json": the -f value */
	void (*attached_probes)(struct fth_output *o, int nprobes);
	void (*printf)(struct fth_output *o, const char *text, size_t len);
	void (*value)(struct fth_output *o, const struct fth_type *t, const void *bytes);
	void (*time)(struct fth_output *o, const char *text);
	void (*join)(struct fth_output *o, const char *text, size_t len);
	/* Output of system() ("syscall") and cat() ("cat"), passed through. */
	void (*raw)(struct fth_output *o, const char *type, const char *text, size_t len);
	/* Sorts view->entries in place (see fth_map_print_text). */
	void (*map)(struct fth_output *o, struct fth_map_view *view, int top, int div);
	void (*lost_events)(struct fth_output *o, uint64_t lost);
	/* A failed helper call (-k). NULL in the text backend: there the
	 * runtime reports it as a diagnostic at the script location. */
	void (*helper_error)(struct fth_output *o, const char *msg, const char *helper, int64_t retcode,
			     const char *filename, int line, int col);
	/* errorf()/warnf() (type "errorf" or "warnf"). NULL in the text
	 * backend: there the runtime reports it at the script location. */
	void (*located)(struct fth_output *o, const char *type, const char *msg, const char *filename, int line,
			int col);
	/* One bench probe's result (--bench): benches[index] of the n the
	 * program has ran `iters` times, average_ns each. The text table's
	 * header comes with index 0 and its name column fits every name. */
	void (*benchmark_result)(struct fth_output *o, const char *const *benches, int n, int index,
				 uint64_t average_ns, uint64_t iters);
	/* One test probe's result (--test): tests[index] of the n, which ran
	 * in duration_ns; passed[0..index] say which passed so far; output is
	 * what it printed (as text). The text report's header comes with
	 * index 0, its summary with the last. */
	void (*test_result)(struct fth_output *o, const char *const *tests, int n, int index, uint64_t duration_ns,
			    const bool *passed, const char *output);
	void (*end)(struct fth_output *o);
};

struct fth_output {
	const struct fth_output_ops *ops;
	FILE *out;                        /* trace output: stdout or -o FILE */
	FILE *err;                        /* messages: stderr */
	const struct fth_format_env *env; /* special values (may be NULL) */
	struct fth_strbuf sb;             /* scratch, owned */
};

extern const struct fth_output_ops fth_output_text;
extern const struct fth_output_ops fth_output_json;

/* The backend called `name` ("text", "json"), or NULL. */
const struct fth_output_ops *fth_output_find(const char *name);
/* "'text', 'json'": the valid -f values, for error messages. */
const char *fth_output_names(void);

void fth_output_init(struct fth_output *o, const struct fth_output_ops *ops, FILE *out, FILE *err,
		     const struct fth_format_env *env);
void fth_output_free(struct fth_output *o);

/* ---- JSON building blocks (each appends to sb) ---- */

/* A JSON string: `"`, `\` and \n \r \t escaped by name, the other bytes
 * below 0x20 as \u00XX; everything else (UTF-8 included) as is. */
void fth_json_string(struct fth_strbuf *sb, const char *s, size_t len);
/* Integers: a number, or a string when no double equals the value
 * (beyond 2^53, e.g. "18446744073709551615"). */
void fth_json_uint(struct fth_strbuf *sb, uint64_t v);
void fth_json_int(struct fth_strbuf *sb, int64_t v);
/* Any value: numbers, true/false, null, strings, tuples and arrays as
 * arrays, structs as objects, buf() as an array of byte values, pointers
 * as numbers, symbols/stacks/usernames/... as the string of their text.
 * Aggregation values as map printing shows them (hist: bucket objects). */
void fth_json_value(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		    const struct fth_format_env *env);
/* A histogram value: [{"min": lo, "max": hi, "count": n},...] over the
 * first..last non-empty bucket; the negative (underflow) bucket has no
 * "min", the lhist overflow bucket no "max". hist counts are divided by
 * div (lhist's are not, as in bpftrace). */
void fth_json_hist(struct fth_strbuf *sb, const struct fth_type *agg_type, const int64_t *buckets,
		   uint64_t div);

/* ---- whole messages, newline-terminated ---- */
void fth_json_msg_attached_probes(struct fth_strbuf *sb, uint64_t n);
void fth_json_msg_lost_events(struct fth_strbuf *sb, uint64_t n);
void fth_json_msg_printf(struct fth_strbuf *sb, const char *text, size_t len);
void fth_json_msg_time(struct fth_strbuf *sb, const char *text);
void fth_json_msg_join(struct fth_strbuf *sb, const char *text, size_t len);
/* errorf/warnf: {"type": TYPE, "msg": ..., "filename": ..., "line": L, "col": C} */
void fth_json_msg_located(struct fth_strbuf *sb, const char *type, const char *msg, const char *filename,
			  int line, int col);
/* {"type": TYPE, "data": "text"} */
void fth_json_msg_text(struct fth_strbuf *sb, const char *type, const char *text, size_t len);
void fth_json_msg_value(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			const struct fth_format_env *env);
/* A map, sorted and cut to `top` like the text form, values divided by
 * div. Type "hist" for hist/lhist, "stats" for avg/stats, else "map".
 * An empty map prints nothing - except avg/stats maps, which print
 * {"@m": {}} as bpftrace does. Sorts view->entries in place. */
void fth_json_msg_map(struct fth_strbuf *sb, struct fth_map_view *view, int top, int div,
		      const struct fth_format_env *env);

#endif
