/* output_json.c - the text and JSON output backends, see output_json.h.
 *
 * JSON follows current bpftrace's src/output/json.cpp and the value
 * conversions of src/types_format.cpp: emit_data() writes
 * {"type": "T", "data": V}, map messages wrap V as {"@name": V}, histogram
 * buckets come from build_histogram()/build_linear_histogram() with
 * closed [min, max] ranges, avg maps print only the average under the
 * "stats" type. */
#include "output_json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ======================================================================
 * Scalars
 * ====================================================================== */


/* Whether a double holds this magnitude exactly: at most 53 significant
 * bits between the leading and the trailing 1. */
static bool exact_in_double(uint64_t m)
{
	if (m <= (1ull << 53))
		return true;
	return (m >> __builtin_ctzll(m)) < (1ull << 53);
}

void fth_json_uint(struct fth_strbuf *sb, uint64_t v)
{
	if (exact_in_double(v))
		fth_strbuf_printf(sb, "%" PRIu64, v);
	else
		fth_strbuf_printf(sb, "\"%" PRIu64 "\"", v);
}

void fth_json_int(struct fth_strbuf *sb, int64_t v)
{
	uint64_t magnitude = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (exact_in_double(magnitude))
		fth_strbuf_printf(sb, "%" PRId64, v);
	else
		fth_strbuf_printf(sb, "\"%" PRId64 "\"", v);
}

void fth_json_string(struct fth_strbuf *sb, const char *s, size_t len)
{
	size_t run = 0; /* start of the bytes not yet copied */

	fth_strbuf_putc(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[8];

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof(u), "\\u%04x", c);
				esc = u;
			}
			break;
		}
		if (!esc)
			continue;
		fth_strbuf_append(sb, s + run, i - run);
		fth_strbuf_puts(sb, esc);
		run = i + 1;
	}
	fth_strbuf_append(sb, s + run, len - run);
	fth_strbuf_putc(sb, '"');
}

static void json_cstring(struct fth_strbuf *sb, const char *s)
{
	fth_json_string(sb, s, strlen(s));
}

/* ======================================================================
 * Histograms
 * ====================================================================== */

static int hist_bits(const struct fth_type *t)
{
	return t->hist_bits < 0 ? 0 : t->hist_bits > 5 ? 5 : t->hist_bits;
}

/* Upper bound (exclusive) of hist bucket `index`, the number behind its
 * text label: index itself for the single-value buckets at the bottom,
 * else 2^power * (2^k + sub-bucket) (bpftrace's hist_index_label). */
static uint64_t hist_label_value(int index, int k)
{
	if (index <= (2 << k))
		return (uint64_t)index;
	unsigned n = 1u << k;
	unsigned interval = (unsigned)index & (n - 1);
	unsigned power = ((unsigned)index >> k) - 1;

	if (power >= 64)
		return UINT64_MAX;
	return (1ull << power) * (n + interval);
}

/* lhist: bucket i >= 1 holds [min + (i-1)*step, min + i*step); bucket 0
 * the values below min; the last one those above max. */
static int64_t lhist_bound(const struct fth_type *t, int index)
{
	return (int64_t)((uint64_t)t->lhist_min + (uint64_t)index * (uint64_t)t->lhist_step);
}

void fth_json_hist(struct fth_strbuf *sb, const struct fth_type *agg_type, const int64_t *buckets,
		   uint64_t div)
{
	bool linear = agg_type->agg == FTH_AGG_LHIST;
	int n = fth_hist_bucket_count(agg_type), first = -1, last = -1, k = hist_bits(agg_type);

	if (div < 1 || linear)
		div = 1;
	/* first..last non-empty bucket, judged before division */
	for (int i = 0; i < n; i++) {
		if (buckets[i] > 0) {
			if (first < 0)
				first = i;
			last = i;
		}
	}
	fth_strbuf_putc(sb, '[');
	for (int i = first; first >= 0 && i <= last; i++) {
		uint64_t count = buckets[i] > 0 ? (uint64_t)buckets[i] / div : 0;

		if (i > first)
			fth_strbuf_putc(sb, ',');
		fth_strbuf_putc(sb, '{');
		if (i > 0) {
			fth_strbuf_puts(sb, "\"min\": ");
			if (linear)
				fth_json_int(sb, lhist_bound(agg_type, i - 1));
			else
				fth_json_uint(sb, hist_label_value(i - 1, k));
			fth_strbuf_puts(sb, ", ");
		}
		if (!linear) {
			fth_strbuf_puts(sb, "\"max\": ");
			fth_json_int(sb, (int64_t)(hist_label_value(i, k) - 1));
			fth_strbuf_puts(sb, ", ");
		} else if (lhist_bound(agg_type, i) <= agg_type->lhist_max) {
			fth_strbuf_puts(sb, "\"max\": ");
			fth_json_int(sb, (int64_t)((uint64_t)lhist_bound(agg_type, i) - 1));
			fth_strbuf_puts(sb, ", ");
		}
		fth_strbuf_printf(sb, "\"count\": %" PRIu64 "}", count);
	}
	fth_strbuf_putc(sb, ']');
}

/* ======================================================================
 * Values
 * ====================================================================== */

struct json_opts {
	const struct fth_format_env *env;
	uint64_t div; /* >= 1, applied to every integer of a map value */
};

static void json_value_opts(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			    const struct json_opts *o);

/* The text form of a value (symbols, stacks, addresses ...) as a string. */
static void json_as_text(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			 const struct json_opts *o)
{
	struct fth_strbuf tmp;

	fth_strbuf_init(&tmp);
	fth_format_value(&tmp, t, bytes, o->env);
	fth_json_string(sb, fth_strbuf_cstr(&tmp), tmp.len);
	fth_strbuf_free(&tmp);
}

static void json_string_value(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			      const struct fth_format_env *env)
{
	const char *s = bytes;
	const char *nul = memchr(s, '\0', t->size);

	if (nul || t->char_array) {
		/* a char[N] member may fill all N bytes: the whole string */
		fth_json_string(sb, s, nul ? (size_t)(nul - s) : t->size);
		return;
	}
	/* No NUL in the whole buffer: cut by the read limit, bpftrace's trailer */
	struct fth_strbuf tmp;

	fth_strbuf_init(&tmp);
	fth_strbuf_append(&tmp, s, t->size);
	fth_strbuf_puts(&tmp, fth_format_trunc_trailer(env));
	fth_json_string(sb, tmp.data, tmp.len);
	fth_strbuf_free(&tmp);
}

/* buf(): an array of the bytes as C chars (signed, as bpftrace emits a
 * std::vector<char>). */
static void json_buffer(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes)
{
	uint32_t cap = t->size > 4 ? t->size - 4 : 0;
	uint32_t len = t->size >= 4 ? (uint32_t)fth_load_uint(bytes, 4) : 0;
	const uint8_t *p = (const uint8_t *)bytes + 4;

	if (len > cap)
		len = cap;
	fth_strbuf_putc(sb, '[');
	for (uint32_t i = 0; i < len; i++)
		fth_strbuf_printf(sb, i ? ",%d" : "%d", (int)(int8_t)p[i]);
	fth_strbuf_putc(sb, ']');
}

/* Structs and named tuples: {"a": 1, "b": "x"}. */
static void json_object(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			const struct json_opts *o)
{
	fth_strbuf_putc(sb, '{');
	for (int i = 0; i < t->nfields; i++) {
		const struct fth_field *f = &t->fields[i];

		if (i)
			fth_strbuf_puts(sb, ", ");
		json_cstring(sb, f->name ? f->name : "");
		fth_strbuf_puts(sb, ": ");
		if (f->bit_size && fth_bitfield_is_signed(f))
			fth_json_int(sb, (int64_t)fth_load_bitfield(bytes, f) / (int64_t)o->div);
		else if (f->bit_size)
			fth_json_uint(sb, fth_load_bitfield(bytes, f) / o->div);
		else
			json_value_opts(sb, f->type, (const uint8_t *)bytes + f->offset, o);
	}
	fth_strbuf_putc(sb, '}');
}

static void json_tuple(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		       const struct json_opts *o)
{
	if (t->nfields > 0 && t->fields[0].name) {
		json_object(sb, t, bytes, o);
		return;
	}
	fth_strbuf_putc(sb, '[');
	for (int i = 0; i < t->nfields; i++) {
		if (i)
			fth_strbuf_putc(sb, ',');
		json_value_opts(sb, t->fields[i].type, (const uint8_t *)bytes + t->fields[i].offset, o);
	}
	fth_strbuf_putc(sb, ']');
}

static void json_array(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		       const struct json_opts *o)
{
	fth_strbuf_putc(sb, '[');
	for (uint32_t i = 0; t->elem && i < t->count; i++) {
		if (i)
			fth_strbuf_putc(sb, ',');
		json_value_opts(sb, t->elem, (const uint8_t *)bytes + (size_t)i * t->elem->size, o);
	}
	fth_strbuf_putc(sb, ']');
}

static void json_agg(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		     const struct json_opts *o)
{
	struct fth_agg_avg avg;

	switch (t->agg) {
	case FTH_AGG_COUNT:
		fth_json_uint(sb, fth_load_uint(bytes, 8) / o->div);
		return;
	case FTH_AGG_AVG:
		memcpy(&avg, bytes, sizeof(avg));
		fth_json_int(sb, fth_agg_average(&avg) / (int64_t)o->div);
		return;
	case FTH_AGG_STATS:
		/* Only the average is divided, as in bpftrace. */
		memcpy(&avg, bytes, sizeof(avg));
		fth_strbuf_puts(sb, "{\"count\": ");
		fth_json_int(sb, avg.count);
		fth_strbuf_puts(sb, ", \"average\": ");
		fth_json_int(sb, fth_agg_average(&avg) / (int64_t)o->div);
		fth_strbuf_puts(sb, ", \"total\": ");
		fth_json_int(sb, avg.total);
		fth_strbuf_putc(sb, '}');
		return;
	case FTH_AGG_HIST:
	case FTH_AGG_LHIST: {
		int n = fth_hist_bucket_count(t);
		int64_t *buckets = malloc(sizeof(int64_t) * (size_t)n);

		if (!buckets) {
			fth_strbuf_puts(sb, "[]");
			return;
		}
		memcpy(buckets, bytes, sizeof(int64_t) * (size_t)n);
		fth_json_hist(sb, t, buckets, o->div);
		free(buckets);
		return;
	}
	default: /* SUM, MIN, MAX */
		fth_json_int(sb, fth_load_int(bytes, 8) / (int64_t)o->div);
		return;
	}
}

static void json_value_opts(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			    const struct json_opts *o)
{
	if (!t) {
		fth_strbuf_puts(sb, "null");
		return;
	}
	switch (t->kind) {
	case FTH_T_NONE:
	case FTH_T_FLOAT: /* bpftrace's none type: it has no float values */
		fth_strbuf_puts(sb, "null");
		return;
	case FTH_T_INT:
		/* bpftrace: an enum value is a symbolic one whose JSON is its
		 * number as an unsigned integer of the type's width */
		if (t->enum_def)
			fth_json_uint(sb, fth_load_uint(bytes, t->size));
		else if (t->is_signed)
			fth_json_int(sb, fth_load_int(bytes, t->size) / (int64_t)o->div);
		else
			fth_json_uint(sb, fth_load_uint(bytes, t->size) / o->div);
		return;
	case FTH_T_BOOL:
		fth_strbuf_puts(sb, fth_load_uint(bytes, 1) ? "true" : "false");
		return;
	case FTH_T_STRING:
		json_string_value(sb, t, bytes, o->env);
		return;
	case FTH_T_BUFFER:
		json_buffer(sb, t, bytes);
		return;
	case FTH_T_POINTER:
		/* bpftrace: a symbolic value whose JSON is the raw number */
		fth_json_uint(sb, fth_load_uint(bytes, 8));
		return;
	case FTH_T_ARRAY:
		json_array(sb, t, bytes, o);
		return;
	case FTH_T_STRUCT:
		json_object(sb, t, bytes, o);
		return;
	case FTH_T_TUPLE:
		json_tuple(sb, t, bytes, o);
		return;
	case FTH_T_AGG:
		json_agg(sb, t, bytes, o);
		return;
	case FTH_T_INET:
	case FTH_T_MACADDR:
	case FTH_T_KSTACK:
	case FTH_T_USTACK:
	case FTH_T_KSYM:
	case FTH_T_USYM:
	case FTH_T_USERNAME:
	case FTH_T_TIMESTAMP:
	case FTH_T_PROBE:
	case FTH_T_ERRNO:
	case FTH_T_SYSCALL:
	case FTH_T_CGROUP_PATH:
		json_as_text(sb, t, bytes, o);
		return;
	}
	fth_strbuf_puts(sb, "null");
}

void fth_json_value(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		    const struct fth_format_env *env)
{
	struct json_opts o = { .env = env, .div = 1 };

	json_value_opts(sb, t, bytes, &o);
}

/* ======================================================================
 * Messages
 * ====================================================================== */

static void msg_begin(struct fth_strbuf *sb, const char *type)
{
	fth_strbuf_printf(sb, "{\"type\": \"%s\", \"data\": ", type);
}

void fth_json_msg_attached_probes(struct fth_strbuf *sb, uint64_t n)
{
	fth_strbuf_printf(sb, "{\"type\": \"attached_probes\", \"count\": %" PRIu64
			      ", \"data\": {\"probes\": %" PRIu64 "}}\n", n, n);
}

void fth_json_msg_lost_events(struct fth_strbuf *sb, uint64_t n)
{
	fth_strbuf_printf(sb, "{\"type\": \"lost_events\", \"count\": %" PRIu64
			      ", \"data\": {\"events\": %" PRIu64 "}}\n", n, n);
}

void fth_json_msg_printf(struct fth_strbuf *sb, const char *text, size_t len)
{
	msg_begin(sb, "printf");
	fth_json_string(sb, text, len);
	fth_strbuf_puts(sb, "}\n");
}

void fth_json_msg_time(struct fth_strbuf *sb, const char *text)
{
	msg_begin(sb, "time");
	json_cstring(sb, text);
	fth_strbuf_puts(sb, "}\n");
}

void fth_json_msg_text(struct fth_strbuf *sb, const char *type, const char *text, size_t len)
{
	msg_begin(sb, type);
	fth_json_string(sb, text, len);
	fth_strbuf_puts(sb, "}\n");
}

void fth_json_msg_join(struct fth_strbuf *sb, const char *text, size_t len)
{
	fth_json_msg_text(sb, "join", text, len);
}

void fth_json_msg_value(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			const struct fth_format_env *env)
{
	msg_begin(sb, "value");
	fth_json_value(sb, t, bytes, env);
	fth_strbuf_puts(sb, "}\n");
}

/* A map key as a JSON object key: its text inside @m[...] (tuple
 * parentheses already dropped) with every space removed. */
static void json_map_key(struct fth_strbuf *sb, const struct fth_type *key_type, const void *key,
			 const struct fth_format_env *env)
{
	struct fth_strbuf tmp;
	size_t w = 0;

	fth_strbuf_init(&tmp);
	fth_format_map_key(&tmp, key_type, key, env);
	for (size_t i = 0; i < tmp.len; i++)
		if (tmp.data[i] != ' ')
			tmp.data[w++] = tmp.data[i];
	fth_json_string(sb, tmp.data ? tmp.data : "", w);
	fth_strbuf_free(&tmp);
}

static const char *map_message_type(const struct fth_type *vt)
{
	if (vt->kind != FTH_T_AGG)
		return "map";
	switch (vt->agg) {
	case FTH_AGG_HIST:
	case FTH_AGG_LHIST:
		return "hist";
	case FTH_AGG_AVG:
	case FTH_AGG_STATS:
		return "stats";
	case FTH_AGG_TSERIES:
		return "tseries";
	default:
		return "map";
	}
}

/* One key's time series: [{"interval_start":"2026-01-02 03:04:05.100000000",
 * "value":9},...], the start in UTC with nanoseconds (how bpftrace's C++
 * stream prints a time point); intervals without a value are left out. */
static void json_tseries(struct fth_strbuf *sb, const struct fth_type *t, const void *buckets, uint64_t last_epoch)
{
	struct fth_tseries_row *rows = calloc((size_t)t->ts_count, sizeof(*rows));
	int n = rows ? fth_tseries_rows(t, buckets, last_epoch, rows) : 0;
	bool first = true;

	fth_strbuf_putc(sb, '[');
	for (int i = 0; i < n; i++) {
		uint64_t ns = rows[i].epoch * (uint64_t)t->ts_interval;
		time_t secs = (time_t)(ns / 1000000000);
		struct tm tm;
		char when[32];

		if (!rows[i].has)
			continue;
		if (!gmtime_r(&secs, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
			snprintf(when, sizeof(when), "?");
		fth_strbuf_printf(sb, "%s{\"interval_start\":\"%s.%09" PRIu64 "\",\"value\":", first ? "" : ",", when,
				  ns % 1000000000);
		if (t->ts_signed)
			fth_strbuf_printf(sb, "%" PRId64 "}", rows[i].value);
		else
			fth_strbuf_printf(sb, "%" PRIu64 "}", (uint64_t)rows[i].value);
		first = false;
	}
	fth_strbuf_putc(sb, ']');
	free(rows);
}

/* A map entry's value; tseries need the newest interval of the map. */
static void json_map_value(struct fth_strbuf *sb, const struct fth_type *vt, const void *value,
			   const struct json_opts *o, uint64_t last_epoch)
{
	if (vt->kind == FTH_T_AGG && vt->agg == FTH_AGG_TSERIES)
		json_tseries(sb, vt, value, last_epoch);
	else
		json_value_opts(sb, vt, value, o);
}

void fth_json_msg_map(struct fth_strbuf *sb, struct fth_map_view *view, int top, int div,
		      const struct fth_format_env *env)
{
	const struct fth_type *vt = view->value_type;
	struct json_opts o = { .env = env, .div = div > 1 ? (uint64_t)div : 1 };
	uint64_t last_epoch = 0;
	bool stats;
	int skip = 0;

	if (!vt)
		return;
	stats = vt->kind == FTH_T_AGG && (vt->agg == FTH_AGG_AVG || vt->agg == FTH_AGG_STATS);
	/* bpftrace drops empty maps, but its avg/stats wrapper hides the
	 * emptiness from that check: {"@m": {}}. */
	if (view->nentries <= 0 && !stats)
		return;
	fth_map_sort(view);
	if (vt->kind == FTH_T_AGG && vt->agg == FTH_AGG_TSERIES)
		last_epoch = fth_tseries_last_epoch(view); /* top does not apply */
	else if (top > 0 && view->nentries > top)
		skip = view->nentries - top;
	msg_begin(sb, map_message_type(vt));
	fth_strbuf_putc(sb, '{');
	json_cstring(sb, view->name);
	fth_strbuf_puts(sb, ": ");
	if (!view->key_type && view->nentries > 0) {
		json_map_value(sb, vt, view->entries[0].value, &o, last_epoch);
	} else {
		fth_strbuf_putc(sb, '{');
		for (int i = skip; i < view->nentries; i++) {
			const struct fth_map_entry *e = &view->entries[i];

			if (i > skip)
				fth_strbuf_puts(sb, ", ");
			if (view->key_type && e->key)
				json_map_key(sb, view->key_type, e->key, env);
			else
				json_cstring(sb, "");
			fth_strbuf_puts(sb, ": ");
			json_map_value(sb, vt, e->value, &o, last_epoch);
		}
		fth_strbuf_putc(sb, '}');
	}
	fth_strbuf_puts(sb, "}}\n");
}

/* ======================================================================
 * Backends
 * ====================================================================== */

void fth_output_init(struct fth_output *o, const struct fth_output_ops *ops, FILE *out, FILE *err,
		     const struct fth_format_env *env)
{
	o->ops = ops ? ops : &fth_output_text;
	o->out = out;
	o->err = err;
	o->env = env;
	fth_strbuf_init(&o->sb);
}

void fth_output_free(struct fth_output *o)
{
	fth_strbuf_free(&o->sb);
}

/* Write what the message left in o->sb to `to`, then flush. */
static void emit(struct fth_output *o, FILE *to)
{
	if (o->sb.len)
		fwrite(o->sb.data, 1, o->sb.len, to);
	fth_strbuf_reset(&o->sb);
	fflush(to);
}

/* ---- text ---- */

static void text_attached_probes(struct fth_output *o, int n)
{
	fth_strbuf_printf(&o->sb, "Attached %d probe%s\n", n, n == 1 ? "" : "s");
	emit(o, o->err);
}

static void text_printf(struct fth_output *o, const char *text, size_t len)
{
	fth_strbuf_append(&o->sb, text, len);
	emit(o, o->out);
}

static void text_value(struct fth_output *o, const struct fth_type *t, const void *bytes)
{
	fth_format_value(&o->sb, t, bytes, o->env);
	fth_strbuf_putc(&o->sb, '\n');
	emit(o, o->out);
}

static void text_time(struct fth_output *o, const char *text)
{
	fth_strbuf_puts(&o->sb, text);
	emit(o, o->out);
}

static void text_join(struct fth_output *o, const char *text, size_t len)
{
	fth_strbuf_append(&o->sb, text, len);
	fth_strbuf_putc(&o->sb, '\n');
	emit(o, o->out);
}

/* system() and cat() output: passed through as it is. */
static void text_raw(struct fth_output *o, const char *type, const char *text, size_t len)
{
	(void)type;
	fth_strbuf_append(&o->sb, text, len);
	emit(o, o->out);
}

static void text_map(struct fth_output *o, struct fth_map_view *view, int top, int div)
{
	fth_map_print_text(&o->sb, view, top, div, o->env);
	emit(o, o->out);
}

static void text_lost_events(struct fth_output *o, uint64_t lost)
{
	fth_strbuf_printf(&o->sb, "Lost %" PRIu64 " events\n", lost);
	emit(o, o->err);
}

/* bpftrace's table: the name column at least 40 wide plus one space,
 * Time(ns) 15 wide, then Iterations; a line of dashes under the header. */
static void text_benchmark_result(struct fth_output *o, const char *const *benches, int n, int index,
				  uint64_t average_ns, uint64_t iters)
{
	int name_width = 40;

	for (int i = 0; i < n; i++)
		if ((int)strlen(benches[i]) > name_width)
			name_width = (int)strlen(benches[i]);
	if (index == 0) {
		fth_strbuf_printf(&o->sb, "%-*s%-15s%s\n", name_width + 1, "Benchmark", "Time(ns)", "Iterations");
		for (int i = 0; i < name_width + 1 + 15 + (int)strlen("Iterations"); i++)
			fth_strbuf_putc(&o->sb, '-');
		fth_strbuf_putc(&o->sb, '\n');
	}
	fth_strbuf_printf(&o->sb, "%-*s%-15" PRIu64 "%" PRIu64 "\n", name_width + 1, benches[index], average_ns, iters);
	emit(o, o->out);
}

/* bpftrace's util::duration_str picks the unit of a duration and its
 * scale (1, 1000, ...); the test report prints that pair - the scale, not
 * the duration in the unit - so this does too: "(1000 \xce\xbcs)". */
static void duration_unit(uint64_t ns, const char **unit, uint64_t *scale)
{
	static const struct {
		uint64_t scale;
		const char *unit;
	} units[] = { { 1000000000, "s" }, { 1000000, "ms" }, { 1000, "\xce\xbcs" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ns >= units[i].scale) {
			*unit = units[i].unit;
			*scale = units[i].scale;
			return;
		}
	*unit = "ns";
	*scale = 1;
}

#define GREEN(s) "\033[32m" s "\033[0m "
#define RED(s) "\033[31m" s "\033[0m "

/* bpftrace's gtest-like report: a header before the first test, each
 * test's RUN and OK/FAILED lines (a failed one's non-empty output lines
 * between them), a summary after the last. */
static void text_test_result(struct fth_output *o, const char *const *tests, int n, int index,
			     uint64_t duration_ns, const bool *passed, const char *output)
{
	const char *unit;
	uint64_t scale;
	int npassed = 0;

	if (index == 0)
		fth_strbuf_printf(&o->sb, GREEN("[==========]") "Running %d tests.\n", n);
	fth_strbuf_printf(&o->sb, GREEN("[ RUN      ]") "%s\n", tests[index]);
	if (passed[index]) {
		fth_strbuf_printf(&o->sb, GREEN("[       OK ]") "%s", tests[index]);
	} else {
		for (const char *line = output; *line;) {
			size_t len = strcspn(line, "\n");
			if (len) {
				fth_strbuf_append(&o->sb, line, len);
				fth_strbuf_putc(&o->sb, '\n');
			}
			line += len + (line[len] == '\n');
		}
		fth_strbuf_printf(&o->sb, RED("[  FAILED  ]") "%s", tests[index]);
	}
	duration_unit(duration_ns, &unit, &scale);
	fth_strbuf_printf(&o->sb, " (%" PRIu64 " %s)\n", scale, unit);
	if (index == n - 1) {
		for (int i = 0; i < n; i++)
			npassed += passed[i];
		fth_strbuf_printf(&o->sb, GREEN("[==========]") "%d %s ran.\n", n, n == 1 ? "test" : "tests");
		fth_strbuf_printf(&o->sb, GREEN("[  PASSED  ]") "%d %s.\n", npassed, npassed == 1 ? "test" : "tests");
		if (npassed < n) {
			fth_strbuf_printf(&o->sb, RED("[  FAILED  ]") "%d %s, listed below:\n", n - npassed,
					  n - npassed == 1 ? "test" : "tests");
			for (int i = 0; i < n; i++)
				if (!passed[i])
					fth_strbuf_printf(&o->sb, RED("[  FAILED  ]") "%s\n", tests[i]);
		}
	}
	emit(o, o->out);
}

static void text_end(struct fth_output *o)
{
	fth_strbuf_puts(&o->sb, "\n\n");
	emit(o, o->out);
}

const struct fth_output_ops fth_output_text = {
	.name = "text",
	.attached_probes = text_attached_probes,
	.printf = text_printf,
	.value = text_value,
	.time = text_time,
	.join = text_join,
	.raw = text_raw,
	.map = text_map,
	.lost_events = text_lost_events,
	.benchmark_result = text_benchmark_result,
	.test_result = text_test_result,
	.end = text_end,
};

/* ---- json ---- */

static void json_attached_probes(struct fth_output *o, int n)
{
	fth_json_msg_attached_probes(&o->sb, n > 0 ? (uint64_t)n : 0);
	emit(o, o->out);
}

static void json_printf(struct fth_output *o, const char *text, size_t len)
{
	fth_json_msg_printf(&o->sb, text, len);
	emit(o, o->out);
}

static void json_value(struct fth_output *o, const struct fth_type *t, const void *bytes)
{
	fth_json_msg_value(&o->sb, t, bytes, o->env);
	emit(o, o->out);
}

static void json_time(struct fth_output *o, const char *text)
{
	fth_json_msg_time(&o->sb, text);
	emit(o, o->out);
}

static void json_join(struct fth_output *o, const char *text, size_t len)
{
	fth_json_msg_join(&o->sb, text, len);
	emit(o, o->out);
}

static void json_raw(struct fth_output *o, const char *type, const char *text, size_t len)
{
	fth_json_msg_text(&o->sb, type, text, len);
	emit(o, o->out);
}

static void json_map(struct fth_output *o, struct fth_map_view *view, int top, int div)
{
	fth_json_msg_map(&o->sb, view, top, div, o->env);
	emit(o, o->out);
}

static void json_lost_events(struct fth_output *o, uint64_t lost)
{
	fth_json_msg_lost_events(&o->sb, lost);
	emit(o, o->out);
}

static void json_helper_error(struct fth_output *o, const char *msg, const char *helper, int64_t retcode,
			      const char *filename, int line, int col)
{
	fth_strbuf_puts(&o->sb, "{\"type\": \"helper_error\", \"msg\": ");
	fth_json_string(&o->sb, msg, strlen(msg));
	fth_strbuf_puts(&o->sb, ", \"helper\": ");
	fth_json_string(&o->sb, helper, strlen(helper));
	fth_strbuf_printf(&o->sb, ", \"retcode\": %" PRId64 ", \"filename\": ", retcode);
	fth_json_string(&o->sb, filename, strlen(filename));
	fth_strbuf_printf(&o->sb, ", \"line\": %d, \"col\": %d}\n", line, col);
	emit(o, o->out);
}

void fth_json_msg_located(struct fth_strbuf *sb, const char *type, const char *msg, const char *filename,
			  int line, int col)
{
	fth_strbuf_printf(sb, "{\"type\": \"%s\", \"msg\": ", type);
	fth_json_string(sb, msg, strlen(msg));
	fth_strbuf_puts(sb, ", \"filename\": ");
	fth_json_string(sb, filename, strlen(filename));
	fth_strbuf_printf(sb, ", \"line\": %d, \"col\": %d}\n", line, col);
}

static void json_located(struct fth_output *o, const char *type, const char *msg, const char *filename, int line,
			 int col)
{
	fth_json_msg_located(&o->sb, type, msg, filename, line, col);
	emit(o, o->out);
}

/* {"type": "benchmark_result", "data": {"NAME": {"average": NS, "iters": N}}} */
static void json_benchmark_result(struct fth_output *o, const char *const *benches, int n, int index,
				  uint64_t average_ns, uint64_t iters)
{
	(void)n;
	fth_strbuf_puts(&o->sb, "{\"type\": \"benchmark_result\", \"data\": {");
	fth_json_string(&o->sb, benches[index], strlen(benches[index]));
	fth_strbuf_printf(&o->sb, ": {\"average\": %" PRIu64 ", \"iters\": %" PRIu64 "}}}\n", average_ns, iters);
	emit(o, o->out);
}

/* {"type": "test_result", "data": {"NAME": {"duration": NS, "passed": B, "output": "..."}}} */
static void json_test_result(struct fth_output *o, const char *const *tests, int n, int index,
			     uint64_t duration_ns, const bool *passed, const char *output)
{
	(void)n;
	fth_strbuf_puts(&o->sb, "{\"type\": \"test_result\", \"data\": {");
	fth_json_string(&o->sb, tests[index], strlen(tests[index]));
	fth_strbuf_printf(&o->sb, ": {\"duration\": %" PRIu64 ", \"passed\": %s, \"output\": ", duration_ns,
			  passed[index] ? "true" : "false");
	fth_json_string(&o->sb, output, strlen(output));
	fth_strbuf_puts(&o->sb, "}}}\n");
	emit(o, o->out);
}

static void json_end(struct fth_output *o)
{
	/* Nothing: every line stays a JSON document. */
	fflush(o->out);
}

const struct fth_output_ops fth_output_json = {
	.name = "json",
	.attached_probes = json_attached_probes,
	.printf = json_printf,
	.value = json_value,
	.time = json_time,
	.join = json_join,
	.raw = json_raw,
	.map = json_map,
	.lost_events = json_lost_events,
	.helper_error = json_helper_error,
	.located = json_located,
	.benchmark_result = json_benchmark_result,
	.test_result = json_test_result,
	.end = json_end,
};

static const struct fth_output_ops *const backends[] = { &fth_output_text, &fth_output_json };

const struct fth_output_ops *fth_output_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *fth_output_names(void)
{
	return "'text', 'json'";
}
