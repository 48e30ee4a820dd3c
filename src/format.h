/* format.h - turning bytes the BPF programs produced into bpftrace's text.
 *
 * Everything here is pure userspace and kernel-free, so it is unit tested
 * byte for byte against bpftrace's output: printf rendering, the default
 * print() form of every value type, and map printing (scalar, keyed,
 * count/sum/min/max/avg/stats, hist and lhist with their bars).
 *
 * Values that need outside knowledge to print (stack ids, kernel/user
 * symbols, usernames, probe names, timestamps) are handed to the caller's
 * fth_format_env callback. */
#ifndef FATHOM_FORMAT_H
#define FATHOM_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "types.h"

struct fth_gfp_names;

/* ---- raw integers (BPF data is native endian and not always aligned) ---- */
uint64_t fth_load_uint(const void *p, uint32_t size);
int64_t fth_load_int(const void *p, uint32_t size); /* sign-extended from size bytes */
/* Bitfield member f of the record at `record` as bpftrace reads it, both
 * for `->`/`.` (codegen_llvm.cpp: a logical shift and a mask) and for a
 * whole struct in print() or a map (types_format.cpp masks the same bits
 * and formats them as the member's type): (storage >> offset) & mask. So
 * a signed bitfield narrower than its type is not sign-extended (`int x:3`
 * holding -1 is 7); only one exactly as wide as its type keeps the type's
 * sign, and then fth_bitfield_is_signed() is true and the value comes back
 * sign-extended to 64 bits (print it as int64_t). */
uint64_t fth_load_bitfield(const void *record, const struct fth_field *f);
bool fth_bitfield_is_signed(const struct fth_field *f);

/* avg/stats: total / count, truncated; 0 when nothing was recorded. */
int64_t fth_agg_average(const struct fth_agg_avg *a);

/* ---- growable string ----
 * data is NULL until something is appended; after that it is always
 * NUL-terminated (len excludes the NUL; "%c" of 0 may put a NUL inside). */
struct fth_strbuf {
	char *data;
	size_t len;
	size_t cap;
};
void fth_strbuf_init(struct fth_strbuf *sb);
void fth_strbuf_free(struct fth_strbuf *sb);
void fth_strbuf_reset(struct fth_strbuf *sb);
void fth_strbuf_append(struct fth_strbuf *sb, const char *s, size_t n);
void fth_strbuf_puts(struct fth_strbuf *sb, const char *s);
void fth_strbuf_putc(struct fth_strbuf *sb, char c);
void fth_strbuf_printf(struct fth_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far, "" when nothing was appended yet. */
const char *fth_strbuf_cstr(const struct fth_strbuf *sb);

/* ---- environment for special values ---- */
struct fth_format_env {
	void *ud;
	/* Append the text of a value whose kind is KSTACK, USTACK, KSYM, USYM,
	 * USERNAME, TIMESTAMP, PROBE or ERRNO. `in_map_key` tells the stack
	 * printer it is inside @m[...] (see bpftrace's layouts). May be NULL:
	 * then such values print as raw numbers. */
	void (*special)(void *ud, struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			bool in_map_key);
	/* What marks a string cut short (str_trunc_trailer); NULL: "..". */
	const char *trunc_trailer;
	/* Scratch space printf reuses from one event to the next (may be
	 * NULL): no allocation per event, so that a uprobe on malloc does
	 * not see fathom's own output feed it. */
	struct fth_strbuf *scratch;
	/* The kernel's GFP flag bits for %gr; NULL: gfp.h's default table. */
	const struct fth_gfp_names *gfp;
};

/* The trailer that marks a string cut short, from env (".." by default). */
const char *fth_format_trunc_trailer(const struct fth_format_env *env);

/* ---- printf ---- */
enum fth_printf_conv {
	FTH_CONV_INT,     /* d i u o x X c p (and the length modifiers) */
	FTH_CONV_STRING,  /* s */
	FTH_CONV_BUFFER,  /* r rx rh */
	FTH_CONV_GFP,     /* gr: an integer as GFP flag names (gfp.h) */
	FTH_CONV_PERCENT, /* %% (consumes no argument) */
};

struct fth_printf_spec {
	uint32_t begin, end;   /* byte range of the '%...' in the format */
	enum fth_printf_conv conv;
	char conv_char;        /* 'd', 'x', 's', 'r', ... */
	char buf_style;        /* for %r: 0, 'x' (rx) or 'h' (rh) */
	char length[3];        /* "", "h", "hh", "l", "ll", "j", "z", "t" */
	char flags[6];         /* any of "-+ #0" */
	int width;             /* -1 if none */
	int precision;         /* -1 if none */
};

struct fth_printf_format {
	const char *fmt;
	struct fth_printf_spec *specs; /* malloc'ed */
	int nspecs;  /* including %% */
	int nargs;   /* specs that consume an argument */
};

/* Parse a printf format. On error returns -EINVAL and writes a one-sentence
 * message into err (e.g. "invalid conversion '%q'"), with *err_offset set
 * to the byte offset in fmt of the '%' that starts the bad specifier.
 * A '%' that does not have the shape of a conversion (flags, width,
 * precision, length, then one of diouxXeEfFgGaAcspn%r) is literal text, as
 * in bpftrace: "100%" and "%q" print as they stand.
 * %gr is bpftrace's GFP flags conversion. Rejected: floats (e f g a),
 * %n, '*' widths, widths/precisions above 65535, and length modifiers
 * that do not fit the conversion ("%llld", "%Ld"). Flags may repeat and
 * come in any order; a
 * length modifier on s/c/p/r is accepted and ignored.
 * out->fmt points at fmt, which must outlive out. */
int fth_printf_parse(const char *fmt, struct fth_printf_format *out, char *err, size_t errlen,
		     uint32_t *err_offset);
void fth_printf_format_free(struct fth_printf_format *f);

/* Render with arguments: args[i] points to the bytes of argument i, laid out
 * as types[i]. Strings are NUL-padded char arrays; integers are native endian
 * of the type's size and are converted according to the specifier's C type
 * (so "%u" of int64 -1 prints 4294967295, "%d" truncates to int, "%ld"
 * keeps 64 bits, "%hhx" of 511 prints ff); glibc then does the padding, so
 * flags/width/precision behave as in C (%p of 0 prints "(nil)").
 * %s of a non-string prints its print() form (numbers, true/false, tuples,
 * specials through env), padded like a string; %r/%rx/%rh of a non-buffer
 * also fall back to that. %gr of an integer prints it as GFP flag names
 * (fth_gfp_format with env->gfp), padded like a string. A string without any NUL in its size was cut by
 * the read limit and gets bpftrace's ".." trailer, here and in print(). */
void fth_printf_render(struct fth_strbuf *sb, const struct fth_printf_format *f,
		       const struct fth_type *const *types, const void *const *args,
		       const struct fth_format_env *env);

/* ---- default value formatting (print(), map keys and values) ---- */
/* print(7) -> "7", print("s") -> "s", tuples "(1, a)", structs
 * "{ .a = 7, .b = xyz }" (no fields: "{}"), arrays "[1,2,3]", bools "true",
 * pointers "0x1000", buffers with non-printable bytes as \xNN, ntop() values
 * as addresses, FTH_T_NONE as "null". FTH_T_AGG values use the layouts of
 * struct fth_map_entry below (stats: "{ .count = 1, .average = 4, .total = 4 }").
 * Specials go to env->special with in_map_key = false. */
void fth_format_value(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		      const struct fth_format_env *env);
/* signal_name(sig)'s text, as bpftrace's table has it: strsignal(3)'s
 * words for 0..64 ("Killed", "Real-time signal 0"), "N/A" otherwise.
 * Returns a constant or buf. */
const char *fth_signal_description(int64_t sig, char *buf, size_t len);
/* A map key as it appears inside @m[...]: like fth_format_value but with
 * in_map_key = true for specials, and with one pair of enclosing
 * parentheses removed (tuple keys print as "a, 1"). */
void fth_format_map_key(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			const struct fth_format_env *env);

/* ---- maps ---- */
/* One entry of a map as userspace reads it. key is NULL for scalar maps.
 * value points at:
 *   COUNT/SUM:  int64 (summed over CPUs)
 *   MIN/MAX:    int64 (reduced over CPUs)
 *   AVG/STATS:  struct fth_agg_avg (summed over CPUs)
 *   HIST/LHIST: int64 buckets[fth_hist_bucket_count(value_type)]
 *   TSERIES:    struct fth_tseries_point buckets[value_type->ts_count]
 *   otherwise:  the value bytes, laid out as value_type */
struct fth_map_entry {
	const void *key;
	const void *value;
};

struct fth_map_view {
	const char *name;              /* "@name" or "@" */
	const struct fth_type *key_type;   /* NULL for a scalar map */
	const struct fth_type *value_type; /* FTH_T_AGG for aggregations */
	struct fth_map_entry *entries;
	int nentries;
	/* tseries printed with print(@ts, min, max): the charts' range */
	bool ts_range;
	int64_t ts_min, ts_max;
};

/* Number of buckets of a hist/lhist value. hist: 2 + (64 << k) (the
 * largest index, for INT64_MAX, is (64 - k) << k). lhist:
 * (max - min) / step + 2 (2 if step <= 0 or max < min). */
int fth_hist_bucket_count(const struct fth_type *agg_type);
/* Bucket index for a value - the same arithmetic the BPF code does, kept
 * here so unit tests can check both agree. */
int fth_hist_bucket_index(const struct fth_type *agg_type, int64_t value);

/* Print a map the way current bpftrace prints it at exit and for print():
 * sorted (by value for count/sum/min/max/avg/stats and plain integer
 * values, by key otherwise, hist/lhist by total count), `top` keeps the N
 * largest (0 = all), `div` divides integer values (0 or 1 = no division;
 * hist counts yes, lhist no, stats only its average). Prints nothing for an
 * empty map. Sorts view->entries in place.
 *   scalar: "@x: 5\n"; keyed: "@x[a, 1]: 5\n" per entry, no blank lines;
 *   hist/lhist: "@h:\n" or "@h[k]:\n", the rows, then one empty line.
 * Sorting follows bpftrace: count unsigned; sum/avg/stats signed; min/max
 * compared as uint64 (bpftrace's quirk: negatives sort last); keys: ints
 * signed by their size, strings bytewise, tuples field by field. Ties,
 * which bpftrace leaves in hash order, are broken by that key order and
 * then by the raw key bytes so output is deterministic.
 * Aggregations carry no signedness in fth_type, so sum/min/max/avg/stats
 * print signed and count unsigned (identical for values below 2^63). */
void fth_map_print_text(struct fth_strbuf *sb, struct fth_map_view *view, int top, int div,
			const struct fth_format_env *env);

/* Sort view->entries in place in the order fth_map_print_text prints them
 * (ascending; `top` keeps the last N), for other output backends. */
void fth_map_sort(struct fth_map_view *view);

/* ---- time series (tseries) ----
 * One bucket of a time series reduced over the CPUs: the interval number
 * (time / interval) it holds and its value; epoch 0 is a bucket never
 * written. Bucket i holds an epoch with epoch % ts_count == i. */
struct fth_tseries_point {
	uint64_t epoch;
	int64_t value; /* as uint64 when !ts_signed */
};

/* One printed interval: has is false when nothing was recorded in it. */
struct fth_tseries_row {
	uint64_t epoch;
	bool has;
	int64_t value;
};

/* The newest interval of any entry of a tseries map (0 when empty): the
 * last row bpftrace prints for every key. */
uint64_t fth_tseries_last_epoch(const struct fth_map_view *view);

/* The rows bpftrace prints for one key: from the key's oldest interval
 * still among the last ts_count ones up to last_epoch, missing intervals
 * included. rows has room for ts_count; returns how many were filled. */
int fth_tseries_rows(const struct fth_type *agg_type, const struct fth_tseries_point *buckets,
		     uint64_t last_epoch, struct fth_tseries_row *rows);

/* The chart of one key's rows, as bpftrace draws it: min and max (range[0]
 * and range[1] when range is not NULL) above and below, one line per interval with its local time, a '*' at the value's
 * place in 53 columns, '.' at zero when zero is inside the range, and "-"
 * for an interval without a value. */
void fth_tseries_print_text(struct fth_strbuf *sb, const struct fth_type *agg_type,
			    const struct fth_tseries_row *rows, int nrows, const int64_t *range);

/* hist/lhist body rows alone (used by fth_map_print_text). */
void fth_hist_print_text(struct fth_strbuf *sb, const struct fth_type *agg_type, const int64_t *buckets);

#endif
