/* format.c - bpftrace's text output: printf, print() values, maps, histograms.
 *
 * The layouts follow current bpftrace (src/output/text.cpp and
 * src/types_format.cpp): tuples "(1, a)", structs "{ .a = 1 }", arrays
 * "[1,2]", map keys with the tuple parentheses dropped, histograms whose
 * rows are framed by the bucket bounds of their neighbours. See format.h. */
#include "format.h"
#include "gfp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* ======================================================================
 * Growable string
 * ====================================================================== */

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q) {
		fputs("fathom: out of memory\n", stderr);
		abort();
	}
	return q;
}

void fth_strbuf_init(struct fth_strbuf *sb)
{
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void fth_strbuf_free(struct fth_strbuf *sb)
{
	free(sb->data);
	fth_strbuf_init(sb);
}

void fth_strbuf_reset(struct fth_strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

/* Make room for `extra` more bytes plus the terminating NUL. */
static void strbuf_reserve(struct fth_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t cap = sb->cap ? sb->cap : 64;

	if (need <= sb->cap)
		return;
	while (cap < need)
		cap *= 2;
	sb->data = xrealloc(sb->data, cap);
	sb->cap = cap;
}

void fth_strbuf_append(struct fth_strbuf *sb, const char *s, size_t n)
{
	strbuf_reserve(sb, n);
	if (n)
		memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void fth_strbuf_puts(struct fth_strbuf *sb, const char *s)
{
	fth_strbuf_append(sb, s, strlen(s));
}

void fth_strbuf_putc(struct fth_strbuf *sb, char c)
{
	fth_strbuf_append(sb, &c, 1);
}

static void strbuf_vprintf(struct fth_strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	/* never NULL; said so for GCC, whose -Wformat-truncation otherwise
	 * sees a null format on some inlining paths of the ASan build */
	if (!fmt)
		return;
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	strbuf_reserve(sb, (size_t)n);
	/* The byte count, not strlen: "%c" of 0 legitimately writes a NUL. */
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void fth_strbuf_printf(struct fth_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *fth_strbuf_cstr(const struct fth_strbuf *sb)
{
	return sb->data ? sb->data : "";
}

static void strbuf_repeat(struct fth_strbuf *sb, char c, size_t n)
{
	strbuf_reserve(sb, n);
	memset(sb->data + sb->len, c, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

/* ======================================================================
 * Raw integer loads (BPF data is native endian and not always aligned)
 * ====================================================================== */

uint64_t fth_load_uint(const void *p, uint32_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64 = 0;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		/* Odd sizes only come from malformed types; take the low bytes
		 * (little-endian hosts are the only ones fathom targets). */
		memcpy(&u64, p, size < 8 ? size : 8);
		return u64;
	}
}

int64_t fth_load_int(const void *p, uint32_t size)
{
	uint64_t v = fth_load_uint(p, size);

	if (size >= 8 || size == 0)
		return (int64_t)v;
	uint64_t sign = 1ull << (size * 8 - 1);
	return (int64_t)((v ^ sign) - sign);
}

/* An integer-like value (int, bool, pointer, or a special id) as 64 bits,
 * sign-extended when its type is signed. */
static uint64_t load_bits(const struct fth_type *t, const void *bytes)
{
	uint32_t size = t->size ? t->size : 8;

	if (t->kind == FTH_T_INT && t->is_signed)
		return (uint64_t)fth_load_int(bytes, size);
	if (t->kind == FTH_T_BOOL)
		return fth_load_uint(bytes, 1) != 0;
	return fth_load_uint(bytes, size < 8 ? size : 8);
}

/* ======================================================================
 * Default value formatting
 * ====================================================================== */

/* Formatting options that thread through nested values. `div` applies to
 * every integer inside a map value, as bpftrace's format() passes it down
 * into tuples, arrays and records. */
struct value_opts {
	const struct fth_format_env *env;
	uint64_t div;      /* >= 1 */
	bool in_map_key;
};

static void format_value_opts(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			      const struct value_opts *o);

static void put_signed(struct fth_strbuf *sb, int64_t v, uint64_t div)
{
	if (div > 1)
		v /= (int64_t)div;
	fth_strbuf_printf(sb, "%" PRId64, v);
}

static void put_unsigned(struct fth_strbuf *sb, uint64_t v, uint64_t div)
{
	if (div > 1)
		v /= div;
	fth_strbuf_printf(sb, "%" PRIu64, v);
}

/* The bytes of a string value up to its first NUL; `truncated` when there
 * is no NUL at all, which is how bpftrace recognises a string cut short by
 * the read limit (it then appends the ".." trailer). */
static size_t string_length(const struct fth_type *t, const void *bytes, bool *truncated)
{
	const char *s = bytes;
	const char *nul = memchr(s, '\0', t->size);

	*truncated = nul == NULL && t->size > 0 && !t->char_array;
	return nul ? (size_t)(nul - s) : t->size;
}

const char *fth_format_trunc_trailer(const struct fth_format_env *env)
{
	return env && env->trunc_trailer ? env->trunc_trailer : "..";
}

static void format_string(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			  const struct fth_format_env *env)
{
	bool truncated;
	size_t len = string_length(t, bytes, &truncated);

	fth_strbuf_append(sb, bytes, len);
	if (truncated)
		fth_strbuf_puts(sb, fth_format_trunc_trailer(env));
}

enum buf_style { BUF_ASCII_ESCAPED, BUF_ALL_ESCAPED, BUF_SPACED_HEX };

static void hex_format_bytes(struct fth_strbuf *sb, const uint8_t *p, size_t n, enum buf_style style)
{
	for (size_t i = 0; i < n; i++) {
		if (style == BUF_ASCII_ESCAPED && p[i] >= 32 && p[i] <= 126)
			fth_strbuf_putc(sb, (char)p[i]);
		else if (style == BUF_SPACED_HEX)
			fth_strbuf_printf(sb, i + 1 == n ? "%02x" : "%02x ", p[i]);
		else
			fth_strbuf_printf(sb, "\\x%02x", p[i]);
	}
}

/* buf(): a u32 length, then the bytes. The length is clamped to the
 * capacity so a corrupt record cannot read past the value. */
static void format_buffer(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			  enum buf_style style)
{
	uint32_t cap = t->size > 4 ? t->size - 4 : 0;
	uint32_t len = t->size >= 4 ? (uint32_t)fth_load_uint(bytes, 4) : 0;

	if (len > cap)
		len = cap;
	hex_format_bytes(sb, (const uint8_t *)bytes + 4, len, style);
}

/* ntop(): address family, then the address in the last 16 bytes. */
static void format_inet(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes)
{
	char text[INET6_ADDRSTRLEN];
	uint32_t addr_off = t->size >= 20 ? t->size - 16 : 4;
	uint32_t af = (uint32_t)fth_load_uint(bytes, 4);
	const uint8_t *addr = (const uint8_t *)bytes + addr_off;
	int family = af == 2 ? AF_INET : af == 10 ? AF_INET6 : -1;

	if (t->size < 8 || family < 0 || !inet_ntop(family, addr, text, sizeof(text)))
		return;
	fth_strbuf_puts(sb, text);
}

/* macaddr(): six bytes as bpftrace prints them, upper-case hex pairs
 * joined by colons. */
static void format_macaddr(struct fth_strbuf *sb, const void *bytes)
{
	static const char hex[] = "0123456789ABCDEF";
	const uint8_t *b = bytes;
	char text[18];

	for (int i = 0; i < 6; i++) {
		text[i * 3] = hex[b[i] >> 4];
		text[i * 3 + 1] = hex[b[i] & 15];
		text[i * 3 + 2] = ':';
	}
	fth_strbuf_append(sb, text, 17);
}

const char *fth_signal_description(int64_t sig, char *buf, size_t len)
{
	/* strsignal(3)'s words, which bpftrace's signal_name() table holds;
	 * glibc keeps 32 and 33 for itself and numbers real-time signals
	 * from SIGRTMIN (34). */
	static const char *const words[] = {
		"Unknown signal 0", "Hangup", "Interrupt", "Quit", "Illegal instruction",
		"Trace/breakpoint trap", "Aborted", "Bus error", "Floating point exception", "Killed",
		"User defined signal 1", "Segmentation fault", "User defined signal 2", "Broken pipe",
		"Alarm clock", "Terminated", "Stack fault", "Child exited", "Continued",
		"Stopped (signal)", "Stopped", "Stopped (tty input)", "Stopped (tty output)",
		"Urgent I/O condition", "CPU time limit exceeded", "File size limit exceeded",
		"Virtual timer expired", "Profiling timer expired", "Window changed", "I/O possible",
		"Power failure", "Bad system call",
	};

	if (sig >= 0 && sig < (int64_t)(sizeof(words) / sizeof(words[0])))
		return words[sig];
	if (sig == 32 || sig == 33)
		snprintf(buf, len, "Unknown signal %d", (int)sig);
	else if (sig >= 34 && sig <= 64)
		snprintf(buf, len, "Real-time signal %d", (int)sig - 34);
	else
		snprintf(buf, len, "N/A");
	return buf;
}

static void format_special(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			   const struct value_opts *o)
{
	if (o->env && o->env->special) {
		o->env->special(o->env->ud, sb, t, bytes, o->in_map_key);
		return;
	}
	fth_strbuf_printf(sb, "%" PRIu64, fth_load_uint(bytes, t->size < 8 ? t->size : 8));
}

/* The bytes a bitfield's storage unit takes: its type's size, 8 at most
 * (codegen reads a member the same way). */
static uint32_t bitfield_unit(const struct fth_field *f)
{
	return f->type->size && f->type->size <= 8 ? f->type->size : 8;
}

uint64_t fth_load_bitfield(const void *record, const struct fth_field *f)
{
	uint32_t unit = bitfield_unit(f);
	uint64_t storage = fth_load_uint((const uint8_t *)record + f->offset, unit);
	uint64_t v = f->bit_size >= 64 ? storage >> f->bit_offset
				       : (storage >> f->bit_offset) & ((1ull << f->bit_size) - 1);

	/* Only a bitfield as wide as its type has its type's sign bit. */
	if (fth_bitfield_is_signed(f) && f->bit_size < 64) {
		uint64_t sign = 1ull << (f->bit_size - 1);
		v = (v ^ sign) - sign;
	}
	return v;
}

bool fth_bitfield_is_signed(const struct fth_field *f)
{
	return f->type->kind == FTH_T_INT && f->type->is_signed && f->bit_size == bitfield_unit(f) * 8;
}

static void format_struct(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			  const struct value_opts *o)
{
	if (t->nfields == 0) {
		fth_strbuf_puts(sb, "{}");
		return;
	}
	fth_strbuf_puts(sb, "{ ");
	for (int i = 0; i < t->nfields; i++) {
		const struct fth_field *f = &t->fields[i];

		if (i)
			fth_strbuf_puts(sb, ", ");
		fth_strbuf_printf(sb, ".%s = ", f->name ? f->name : "");
		if (f->bit_size && fth_bitfield_is_signed(f))
			put_signed(sb, (int64_t)fth_load_bitfield(bytes, f), o->div);
		else if (f->bit_size)
			put_unsigned(sb, fth_load_bitfield(bytes, f), o->div);
		else
			format_value_opts(sb, f->type, (const uint8_t *)bytes + f->offset, o);
	}
	fth_strbuf_puts(sb, " }");
}

static void format_tuple(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			 const struct value_opts *o)
{
	if (t->nfields > 0 && t->fields[0].name) {
		/* a record prints like a struct: { .name = x, .size = 2 } */
		format_struct(sb, t, bytes, o);
		return;
	}
	fth_strbuf_putc(sb, '(');
	for (int i = 0; i < t->nfields; i++) {
		if (i)
			fth_strbuf_puts(sb, ", "); /* tuples get spaces, arrays do not */
		format_value_opts(sb, t->fields[i].type, (const uint8_t *)bytes + t->fields[i].offset, o);
	}
	fth_strbuf_putc(sb, ')');
}

static void format_array(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			 const struct value_opts *o)
{
	fth_strbuf_putc(sb, '[');
	for (uint32_t i = 0; t->elem && i < t->count; i++) {
		if (i)
			fth_strbuf_putc(sb, ',');
		format_value_opts(sb, t->elem, (const uint8_t *)bytes + (size_t)i * t->elem->size, o);
	}
	fth_strbuf_putc(sb, ']');
}

/* Aggregation values as the map reader hands them over (see format.h). */
int64_t fth_agg_average(const struct fth_agg_avg *a)
{
	return a->count > 0 ? a->total / a->count : 0;
}

static void format_agg(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		       const struct value_opts *o)
{
	struct fth_agg_avg avg;

	switch (t->agg) {
	case FTH_AGG_COUNT:
		put_unsigned(sb, fth_load_uint(bytes, 8), o->div);
		return;
	case FTH_AGG_AVG:
		memcpy(&avg, bytes, sizeof(avg));
		put_signed(sb, fth_agg_average(&avg), o->div);
		return;
	case FTH_AGG_STATS:
		/* Only the average is divided, as in bpftrace. */
		memcpy(&avg, bytes, sizeof(avg));
		fth_strbuf_printf(sb, "{ .count = %" PRId64 ", .average = ", avg.count);
		put_signed(sb, fth_agg_average(&avg), o->div);
		fth_strbuf_printf(sb, ", .total = %" PRId64 " }", avg.total);
		return;
	case FTH_AGG_HIST:
	case FTH_AGG_LHIST: {
		int n = fth_hist_bucket_count(t);
		int64_t *buckets = xrealloc(NULL, sizeof(int64_t) * (size_t)n);

		memcpy(buckets, bytes, sizeof(int64_t) * (size_t)n);
		fth_hist_print_text(sb, t, buckets);
		free(buckets);
		return;
	}
	default: /* SUM, MIN, MAX */
		put_signed(sb, fth_load_int(bytes, 8), o->div);
		return;
	}
}

/* A value of a script enum prints as its enumerator, as bpftrace does; a
 * value no enumerator has prints as a number. */
static bool put_enumerator(struct fth_strbuf *sb, const struct fth_enum *e, int64_t v)
{
	for (int i = 0; i < e->count; i++) {
		if (e->values[i] == v) {
			fth_strbuf_puts(sb, e->names[i]);
			return true;
		}
	}
	return false;
}

static void format_value_opts(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			      const struct value_opts *o)
{
	if (!t) {
		fth_strbuf_puts(sb, "null");
		return;
	}
	switch (t->kind) {
	case FTH_T_NONE:
	case FTH_T_FLOAT: /* bpftrace's none type: it has no float values */
		fth_strbuf_puts(sb, "null"); /* bpftrace prints std::monostate so */
		return;
	case FTH_T_INT:
		/* An unsigned enum's enumerators are >= 0: a 4-byte value
		 * 0x80000001 is 2147483649, not -2147483647 (tuple elements
		 * and struct members keep the enum's own width). */
		if (t->enum_def && put_enumerator(sb, t->enum_def,
						  t->is_signed ? fth_load_int(bytes, t->size)
							       : (int64_t)fth_load_uint(bytes, t->size)))
			return;
		if (t->is_signed)
			put_signed(sb, fth_load_int(bytes, t->size), o->div);
		else
			put_unsigned(sb, fth_load_uint(bytes, t->size), o->div);
		return;
	case FTH_T_BOOL:
		fth_strbuf_puts(sb, fth_load_uint(bytes, 1) ? "true" : "false");
		return;
	case FTH_T_STRING:
		format_string(sb, t, bytes, o->env);
		return;
	case FTH_T_BUFFER:
		format_buffer(sb, t, bytes, BUF_ASCII_ESCAPED);
		return;
	case FTH_T_POINTER:
		fth_strbuf_printf(sb, "0x%" PRIx64, fth_load_uint(bytes, 8));
		return;
	case FTH_T_ARRAY:
		format_array(sb, t, bytes, o);
		return;
	case FTH_T_STRUCT:
		format_struct(sb, t, bytes, o);
		return;
	case FTH_T_TUPLE:
		format_tuple(sb, t, bytes, o);
		return;
	case FTH_T_INET:
		format_inet(sb, t, bytes);
		return;
	case FTH_T_MACADDR:
		format_macaddr(sb, bytes);
		return;
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
		format_special(sb, t, bytes, o);
		return;
	case FTH_T_AGG:
		format_agg(sb, t, bytes, o);
		return;
	}
}

void fth_format_value(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		      const struct fth_format_env *env)
{
	struct value_opts o = { .env = env, .div = 1, .in_map_key = false };

	format_value_opts(sb, t, bytes, &o);
}

void fth_format_map_key(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			const struct fth_format_env *env)
{
	struct value_opts o = { .env = env, .div = 1, .in_map_key = true };
	size_t start = sb->len;

	format_value_opts(sb, t, bytes, &o);
	/* bpftrace drops the parentheses of whatever key text is wrapped in
	 * them, so @m[1, 2] rather than @m[(1, 2)] - a quirk that also applies
	 * to a string key that happens to look like "(x)". */
	if (sb->len - start >= 2 && sb->data[start] == '(' && sb->data[sb->len - 1] == ')') {
		memmove(sb->data + start, sb->data + start + 1, sb->len - start - 2);
		sb->len -= 2;
		sb->data[sb->len] = '\0';
	}
}

/* ======================================================================
 * printf: parsing
 * ====================================================================== */

static bool is_flag(char c)
{
	return c && strchr("-+ #0", c) != NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Field widths and precisions beyond this are surely mistakes, and would
 * make one printf produce megabytes. */
#define PRINTF_MAX_FIELD 65535

static void set_error(char *err, size_t errlen, uint32_t *err_offset, uint32_t offset,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void set_error(char *err, size_t errlen, uint32_t *err_offset, uint32_t offset,
		      const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	if (err_offset)
		*err_offset = offset;
}

struct spec_parser {
	const char *fmt;
	uint32_t pos;   /* current byte */
	char *err;
	size_t errlen;
	uint32_t *err_offset;
};

static void parse_flags(struct spec_parser *p, struct fth_printf_spec *spec)
{
	size_t n = 0;

	while (is_flag(p->fmt[p->pos])) {
		/* C allows repeated flags; keep each one once. */
		if (!memchr(spec->flags, p->fmt[p->pos], n))
			spec->flags[n++] = p->fmt[p->pos];
		p->pos++;
	}
	spec->flags[n] = '\0';
}

/* Digits into *out; returns -1 (with the error set) when too large. */
static int parse_number(struct spec_parser *p, const struct fth_printf_spec *spec, int *out,
			const char *what)
{
	long v = 0;

	while (is_digit(p->fmt[p->pos])) {
		v = v * 10 + (p->fmt[p->pos] - '0');
		p->pos++;
		if (v > PRINTF_MAX_FIELD) {
			set_error(p->err, p->errlen, p->err_offset, spec->begin,
				  "%s in format specifier is too large (at most %d)", what,
				  PRINTF_MAX_FIELD);
			return -1;
		}
	}
	*out = (int)v;
	return 0;
}

static int parse_width_precision(struct spec_parser *p, struct fth_printf_spec *spec)
{
	if (p->fmt[p->pos] == '*') {
		set_error(p->err, p->errlen, p->err_offset, spec->begin,
			  "'*' field width is not supported; write the width into the format");
		return -1;
	}
	if (is_digit(p->fmt[p->pos]) && parse_number(p, spec, &spec->width, "field width") < 0)
		return -1;
	if (p->fmt[p->pos] != '.')
		return 0;
	p->pos++;
	if (p->fmt[p->pos] == '*') {
		set_error(p->err, p->errlen, p->err_offset, spec->begin,
			  "'*' precision is not supported; write the precision into the format");
		return -1;
	}
	spec->precision = 0; /* "%.d" means precision 0, as in C */
	return parse_number(p, spec, &spec->precision, "precision");
}

static void parse_length(struct spec_parser *p, struct fth_printf_spec *spec)
{
	/* 'L' (long double) is only read so that "%Lf" is reported as the
	 * floating-point conversion it is. */
	static const char *const lengths[] = { "hh", "h", "ll", "l", "j", "z", "t", "L" };

	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t n = strlen(lengths[i]);

		if (strncmp(p->fmt + p->pos, lengths[i], n) == 0) {
			memcpy(spec->length, lengths[i], n + 1);
			p->pos += (uint32_t)n;
			return;
		}
	}
	spec->length[0] = '\0';
}

/* The conversion character, and for bpftrace's %r its x/h style. */
static int parse_conversion(struct spec_parser *p, struct fth_printf_spec *spec)
{
	char c = p->fmt[p->pos];
	int shown = (int)(p->pos - spec->begin + 1); /* "%...c" for messages */

	p->pos++;
	spec->conv_char = c;
	switch (c) {
	case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'c': case 'p':
		spec->conv = FTH_CONV_INT;
		if (strcmp(spec->length, "L") != 0)
			return 0;
		set_error(p->err, p->errlen, p->err_offset, spec->begin, "invalid conversion '%.*s'",
			  shown, p->fmt + spec->begin);
		return -1;
	case 's':
		spec->conv = FTH_CONV_STRING;
		return 0;
	case '%':
		spec->conv = FTH_CONV_PERCENT;
		return 0;
	case 'r':
		spec->conv = FTH_CONV_BUFFER;
		if (p->fmt[p->pos] == 'x' || p->fmt[p->pos] == 'h')
			spec->buf_style = p->fmt[p->pos++];
		return 0;
	case 'g':
		/* bpftrace's %gr: 'g' for GFP flags, 'r' for readable */
		if (p->fmt[p->pos] == 'r') {
			p->pos++;
			spec->conv = FTH_CONV_GFP;
			return 0;
		}
		/* fall through - a plain %g is a float */
	case 'e': case 'E': case 'f': case 'F': case 'G': case 'a': case 'A':
		set_error(p->err, p->errlen, p->err_offset, spec->begin,
			  "floating-point conversion '%.*s' is not supported", shown,
			  p->fmt + spec->begin);
		return -1;
	case 'n':
		set_error(p->err, p->errlen, p->err_offset, spec->begin,
			  "conversion '%.*s' is not supported", shown, p->fmt + spec->begin);
		return -1;
	default:
		set_error(p->err, p->errlen, p->err_offset, spec->begin, "invalid conversion '%.*s'",
			  shown, p->fmt + spec->begin);
		return -1;
	}
}

/* Whether the '%' at pos has the shape of a conversion, as bpftrace
 * decides it: flags, a width, a precision, length modifiers, then a
 * conversion character. Any other '%' ("100%" at the end, "%q", "%-5l")
 * is printed as it stands instead of being an error. */
static bool starts_conversion(const char *fmt, uint32_t pos)
{
	const char *c = fmt + pos + 1;

	while (is_flag(*c))
		c++;
	for (int field = 0; field < 2; field++) {
		if (field == 1) {
			if (*c != '.')
				break;
			c++;
		}
		if (*c == '*')
			c++;
		else
			while (is_digit(*c))
				c++;
	}
	while (*c && strchr("hlLjzt", *c))
		c++;
	return *c && strchr("diouxXeEfFgGaAcspn%r", *c);
}

static int parse_spec(struct spec_parser *p, struct fth_printf_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->begin = p->pos;
	spec->width = -1;
	spec->precision = -1;
	p->pos++; /* the '%' */
	parse_flags(p, spec);
	if (parse_width_precision(p, spec) < 0)
		return -1;
	parse_length(p, spec);
	if (parse_conversion(p, spec) < 0)
		return -1;
	spec->end = p->pos;
	return 0;
}

int fth_printf_parse(const char *fmt, struct fth_printf_format *out, char *err, size_t errlen,
		     uint32_t *err_offset)
{
	struct spec_parser p = { .fmt = fmt, .pos = 0, .err = err, .errlen = errlen,
				 .err_offset = err_offset };
	int cap = 0;

	out->fmt = fmt;
	out->specs = NULL;
	out->nspecs = 0;
	out->nargs = 0;
	while (fmt[p.pos]) {
		if (fmt[p.pos] != '%' || !starts_conversion(fmt, p.pos)) {
			p.pos++;
			continue;
		}
		if (out->nspecs == cap) {
			cap = cap ? cap * 2 : 8;
			out->specs = xrealloc(out->specs, sizeof(*out->specs) * (size_t)cap);
		}
		if (parse_spec(&p, &out->specs[out->nspecs]) < 0) {
			fth_printf_format_free(out);
			return -EINVAL;
		}
		if (out->specs[out->nspecs].conv != FTH_CONV_PERCENT)
			out->nargs++;
		out->nspecs++;
	}
	return 0;
}

void fth_printf_format_free(struct fth_printf_format *f)
{
	free(f->specs);
	f->specs = NULL;
	f->nspecs = 0;
	f->nargs = 0;
}

/* ======================================================================
 * printf: rendering
 * ====================================================================== */

/* Rebuild a C conversion "%<flags><width>.<prec><length><conv>" so that
 * glibc does the padding, precision and alternate forms exactly as C. */
static void c_spec(char *out, size_t outlen, const struct fth_printf_spec *spec, const char *length,
		   char conv)
{
	int n = snprintf(out, outlen, "%%%s", spec->flags);

	if (spec->width >= 0)
		n += snprintf(out + n, outlen - (size_t)n, "%d", spec->width);
	if (spec->precision >= 0)
		n += snprintf(out + n, outlen - (size_t)n, ".%d", spec->precision);
	snprintf(out + n, outlen - (size_t)n, "%s%c", length, conv);
}

static bool has_length(const struct fth_printf_spec *spec, const char *length)
{
	return strcmp(spec->length, length) == 0;
}

/* The argument converted to the C type the specifier names: plain %d is
 * an int, %hhx an unsigned char, %lu an unsigned long and so on, so that
 * "%u" of -1 prints 4294967295 like C (and bpftrace) does. */
static long long as_signed_c_type(const struct fth_printf_spec *spec, uint64_t bits)
{
	if (has_length(spec, "hh"))
		return (signed char)bits;
	if (has_length(spec, "h"))
		return (short)bits;
	if (has_length(spec, ""))
		return (int)bits;
	return (long long)bits; /* l ll j z t: 64 bits on the targets we run on */
}

static unsigned long long as_unsigned_c_type(const struct fth_printf_spec *spec, uint64_t bits)
{
	if (has_length(spec, "hh"))
		return (unsigned char)bits;
	if (has_length(spec, "h"))
		return (unsigned short)bits;
	if (has_length(spec, ""))
		return (unsigned int)bits;
	return (unsigned long long)bits;
}

static void render_integer(struct fth_strbuf *sb, const struct fth_printf_spec *spec,
			   uint64_t bits)
{
	char cfmt[48];

	switch (spec->conv_char) {
	case 'd':
	case 'i':
		c_spec(cfmt, sizeof(cfmt), spec, "ll", spec->conv_char);
		fth_strbuf_printf(sb, cfmt, as_signed_c_type(spec, bits));
		return;
	case 'c':
		c_spec(cfmt, sizeof(cfmt), spec, "", 'c');
		fth_strbuf_printf(sb, cfmt, (int)(unsigned char)bits);
		return;
	case 'p':
		c_spec(cfmt, sizeof(cfmt), spec, "", 'p');
		fth_strbuf_printf(sb, cfmt, (void *)(uintptr_t)bits);
		return;
	default: /* u o x X */
		c_spec(cfmt, sizeof(cfmt), spec, "ll", spec->conv_char);
		fth_strbuf_printf(sb, cfmt, as_unsigned_c_type(spec, bits));
		return;
	}
}

/* Pad/truncate already-rendered text the way "%<flags><width>.<prec>s"
 * would. `text` is NUL-terminated (strbuf data always is). */
static void render_text_field(struct fth_strbuf *sb, const struct fth_printf_spec *spec,
			      const char *text, size_t len)
{
	char cfmt[48];

	if (spec->width < 0 && spec->precision < 0) {
		fth_strbuf_append(sb, text, len);
		return;
	}
	c_spec(cfmt, sizeof(cfmt), spec, "", 's');
	fth_strbuf_printf(sb, cfmt, text);
}

static bool is_integer_like(const struct fth_type *t)
{
	switch (t->kind) {
	case FTH_T_INT:
	case FTH_T_BOOL:
	case FTH_T_POINTER:
		return true;
	default:
		return false;
	}
}

/* Any value as %s sees it: strings raw, integers as numbers, specials
 * through the environment, everything else in its print() form. */
static void value_text(struct fth_strbuf *out, const struct fth_type *t, const void *bytes,
		       const struct fth_format_env *env, enum buf_style style)
{
	if (t->kind == FTH_T_BUFFER)
		format_buffer(out, t, bytes, style);
	else
		fth_format_value(out, t, bytes, env);
}

static void render_arg(struct fth_strbuf *sb, const struct fth_printf_spec *spec,
		       const struct fth_type *t, const void *bytes,
		       const struct fth_format_env *env, struct fth_strbuf *tmp)
{
	enum buf_style style = spec->buf_style == 'x'   ? BUF_ALL_ESCAPED
			       : spec->buf_style == 'h' ? BUF_SPACED_HEX
							: BUF_ASCII_ESCAPED;

	if (spec->conv == FTH_CONV_INT && is_integer_like(t)) {
		render_integer(sb, spec, load_bits(t, bytes));
		return;
	}
	fth_strbuf_reset(tmp);
	if (spec->conv == FTH_CONV_GFP && is_integer_like(t))
		fth_gfp_format(tmp, env ? env->gfp : NULL, load_bits(t, bytes));
	else
		value_text(tmp, t, bytes, env, style);
	render_text_field(sb, spec, fth_strbuf_cstr(tmp), tmp->len);
}

void fth_printf_render(struct fth_strbuf *sb, const struct fth_printf_format *f,
		       const struct fth_type *const *types, const void *const *args,
		       const struct fth_format_env *env)
{
	struct fth_strbuf own, *tmp = env && env->scratch ? env->scratch : &own;
	uint32_t literal = 0;
	int arg = 0;

	if (tmp == &own)
		fth_strbuf_init(&own);
	for (int i = 0; i < f->nspecs; i++) {
		const struct fth_printf_spec *spec = &f->specs[i];

		fth_strbuf_append(sb, f->fmt + literal, spec->begin - literal);
		literal = spec->end;
		if (spec->conv == FTH_CONV_PERCENT) {
			fth_strbuf_putc(sb, '%');
			continue;
		}
		if (arg < f->nargs && types[arg] && args[arg])
			render_arg(sb, spec, types[arg], args[arg], env, tmp);
		arg++;
	}
	fth_strbuf_puts(sb, f->fmt + literal);
	if (tmp == &own)
		fth_strbuf_free(&own);
}

/* ======================================================================
 * Histograms
 * ====================================================================== */

static int hist_bits(const struct fth_type *t)
{
	return t->hist_bits < 0 ? 0 : t->hist_bits > 5 ? 5 : t->hist_bits;
}

static bool lhist_params_valid(const struct fth_type *t)
{
	return t->lhist_step > 0 && t->lhist_max >= t->lhist_min;
}

/* Index of the overflow bucket [max, ...) of an lhist. */
static int64_t lhist_last_index(const struct fth_type *t)
{
	uint64_t span = (uint64_t)t->lhist_max - (uint64_t)t->lhist_min;

	return (int64_t)(span / (uint64_t)t->lhist_step) + 1;
}

int fth_hist_bucket_count(const struct fth_type *agg_type)
{
	if (agg_type->agg == FTH_AGG_LHIST)
		return lhist_params_valid(agg_type) ? (int)lhist_last_index(agg_type) + 1 : 2;
	/* The largest index, for INT64_MAX, is (64 - k) << k; round up. */
	return 2 + (64 << hist_bits(agg_type));
}

static int hist_index(int k, int64_t value)
{
	if (value < 0)
		return 0;
	if (value < (1ll << k))
		return (int)value + 1;
	/* l = (position of the leading 1) - k; x = the k bits after it. */
	int l = 63 - __builtin_clzll((uint64_t)value) - k;
	int x = (int)(((uint64_t)value >> l) & ((1ull << k) - 1));
	return ((l + 1) << k) + x + 1;
}

static int lhist_index(const struct fth_type *t, int64_t value)
{
	if (!lhist_params_valid(t))
		return 0;
	if (value < t->lhist_min)
		return 0;
	if (value > t->lhist_max)
		return (int)lhist_last_index(t);
	/* Unsigned: value - min cannot overflow once value >= min. */
	return (int)(((uint64_t)value - (uint64_t)t->lhist_min) / (uint64_t)t->lhist_step) + 1;
}

int fth_hist_bucket_index(const struct fth_type *agg_type, int64_t value)
{
	if (agg_type->agg == FTH_AGG_LHIST)
		return lhist_index(agg_type, value);
	return hist_index(hist_bits(agg_type), value);
}

/* A bucket bound as bpftrace labels it: a plain integer (two adjacent
 * integers make a single-value row "[n]") or symbolic text like "1K",
 * which never collapses. */
struct hist_label {
	bool is_int;
	int64_t value;
	char text[32];
};

static void label_int(struct hist_label *l, int64_t v)
{
	l->is_int = true;
	l->value = v;
	snprintf(l->text, sizeof(l->text), "%" PRId64, v);
}

/* Upper bound of hist bucket `index`: index itself for the single-value
 * buckets at the bottom, else 2^power * (2^k + sub-bucket) written with
 * the largest K/M/G/T/P/E suffix of the power. */
static void hist_label(struct hist_label *l, int index, int k)
{
	if (index <= (2 << k)) {
		label_int(l, index);
		return;
	}
	unsigned n = 1u << k;
	unsigned interval = (unsigned)index & (n - 1);
	unsigned power = ((unsigned)index >> k) - 1;
	unsigned decade = power / 10;
	static const char suffixes[] = { 0, 'K', 'M', 'G', 'T', 'P', 'E' };
	char suffix = decade < sizeof(suffixes) ? suffixes[decade] : 0;

	l->is_int = false;
	if (suffix)
		power -= 10 * decade;
	snprintf(l->text, sizeof(l->text), "%llu", (1ull << power) * (n + interval));
	if (suffix)
		strncat(l->text, &suffix, 1);
}

/* Upper bound of lhist bucket `index`: min + index * step, with K/M
 * suffixes only when the step is a multiple of 1024. */
static void lhist_label(struct hist_label *l, const struct fth_type *t, int index)
{
	const int64_t kilo = 1024, mega = 1024 * 1024;
	int64_t number = t->lhist_min + (int64_t)index * t->lhist_step;

	if (t->lhist_step % kilo != 0) {
		label_int(l, number);
		return;
	}
	l->is_int = false;
	if (number != 0 && number % mega == 0)
		snprintf(l->text, sizeof(l->text), "%" PRId64 "M", number / mega);
	else if (number != 0 && number % kilo == 0)
		snprintf(l->text, sizeof(l->text), "%" PRId64 "K", number / kilo);
	else
		snprintf(l->text, sizeof(l->text), "%" PRId64, number);
}

static void bucket_label(struct hist_label *l, const struct fth_type *t, int index)
{
	if (t->agg == FTH_AGG_LHIST)
		lhist_label(l, t, index);
	else
		hist_label(l, index, hist_bits(t));
}

/* Row header of bucket `b`: "(..., lo)", "[lo, ...)", "[n]" or "[lo, hi)". */
static void bucket_header(char *out, size_t outlen, const struct fth_type *t, int b, int nbuckets)
{
	struct hist_label lo, hi;

	if (b == 0) {
		bucket_label(&hi, t, 0);
		snprintf(out, outlen, "(..., %s)", hi.text);
		return;
	}
	bucket_label(&lo, t, b - 1);
	if (t->agg == FTH_AGG_LHIST && b == nbuckets - 1) {
		snprintf(out, outlen, "[%s, ...)", lo.text);
		return;
	}
	bucket_label(&hi, t, b);
	if (lo.is_int && hi.is_int && hi.value == lo.value + 1)
		snprintf(out, outlen, "[%s]", lo.text);
	else
		snprintf(out, outlen, "[%s, %s)", lo.text, hi.text);
}

#define HIST_BAR_WIDTH 52

/* bpftrace computes the bar in single-precision float; doing the same
 * keeps the rare rounding-edge rows identical. */
static int bar_width(uint64_t count, uint64_t max)
{
	if (max == 0)
		return 0;
	float ratio = (float)count / (float)max;
	return (int)(ratio * (float)HIST_BAR_WIDTH);
}

static void hist_rows(struct fth_strbuf *sb, const struct fth_type *t, const int64_t *buckets,
		      uint64_t div)
{
	int n = fth_hist_bucket_count(t), first = -1, last = -1;
	uint64_t max = 0;
	char header[96];

	/* Only first..last non-empty bucket, judged before division. */
	for (int i = 0; i < n; i++) {
		if (buckets[i] > 0) {
			if (first < 0)
				first = i;
			last = i;
		}
	}
	if (first < 0)
		return;
	for (int i = first; i <= last; i++) {
		uint64_t c = buckets[i] > 0 ? (uint64_t)buckets[i] / div : 0;
		if (c > max)
			max = c;
	}
	for (int i = first; i <= last; i++) {
		uint64_t c = buckets[i] > 0 ? (uint64_t)buckets[i] / div : 0;
		int w = bar_width(c, max);

		bucket_header(header, sizeof(header), t, i, n);
		fth_strbuf_printf(sb, "%-16s%8" PRIu64 " |", header, c);
		strbuf_repeat(sb, '@', (size_t)w);
		strbuf_repeat(sb, ' ', (size_t)(HIST_BAR_WIDTH - w));
		fth_strbuf_puts(sb, "|\n");
	}
}

void fth_hist_print_text(struct fth_strbuf *sb, const struct fth_type *agg_type,
			 const int64_t *buckets)
{
	hist_rows(sb, agg_type, buckets, 1);
}

/* ======================================================================
 * Maps: sorting
 * ====================================================================== */

enum sort_mode {
	SORT_BY_KEY,
	SORT_BY_SIGNED_VALUE,
	SORT_BY_UNSIGNED_VALUE,
};

struct map_row {
	struct fth_map_entry entry;
	uint64_t sort_value; /* bits; compared signed or not per sort_mode */
};

struct sort_ctx {
	const struct fth_type *key_type;
	enum sort_mode mode;
};

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* bpftrace's sort_by_key: integer keys (and tuple fields) compare as
 * signed integers of their size, strings bytewise; tuples by their first
 * field, then the next. Other kinds are not ordered by bpftrace at all
 * (hash order); the final byte comparison makes our order deterministic. */
static int compare_key_part(const struct fth_type *t, const uint8_t *a, const uint8_t *b)
{
	if (t->kind == FTH_T_INT)
		return cmp_i64(fth_load_int(a, t->size), fth_load_int(b, t->size));
	if (t->kind == FTH_T_STRING)
		return memcmp(a, b, t->size);
	return 0;
}

static int compare_keys(const struct fth_type *t, const void *a, const void *b)
{
	int c = 0;

	if (!t || !a || !b)
		return 0;
	if (t->kind == FTH_T_TUPLE) {
		for (int i = 0; i < t->nfields && c == 0; i++)
			c = compare_key_part(t->fields[i].type, (const uint8_t *)a + t->fields[i].offset,
					     (const uint8_t *)b + t->fields[i].offset);
	} else {
		c = compare_key_part(t, a, b);
	}
	return c ? c : memcmp(a, b, t->size);
}

static int compare_rows(const struct map_row *a, const struct map_row *b, const struct sort_ctx *ctx)
{
	int c = 0;

	if (ctx->mode == SORT_BY_SIGNED_VALUE)
		c = cmp_i64((int64_t)a->sort_value, (int64_t)b->sort_value);
	else if (ctx->mode == SORT_BY_UNSIGNED_VALUE)
		c = cmp_u64(a->sort_value, b->sort_value);
	/* bpftrace leaves value ties in hash order; key order is stable. */
	return c ? c : compare_keys(ctx->key_type, a->entry.key, b->entry.key);
}

/* Merge sort: needs the context (no qsort_r in C11) and is stable. */
static void sort_rows(struct map_row *rows, struct map_row *tmp, size_t n, const struct sort_ctx *ctx)
{
	if (n < 2)
		return;
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	sort_rows(rows, tmp, mid, ctx);
	sort_rows(rows + mid, tmp, n - mid, ctx);
	while (i < mid && j < n)
		tmp[k++] = compare_rows(&rows[j], &rows[i], ctx) < 0 ? rows[j++] : rows[i++];
	while (i < mid)
		tmp[k++] = rows[i++];
	while (j < n)
		tmp[k++] = rows[j++];
	memcpy(rows, tmp, n * sizeof(*rows));
}

static int64_t hist_total(const struct fth_type *t, const int64_t *buckets)
{
	int64_t sum = 0;

	for (int i = 0, n = fth_hist_bucket_count(t); i < n; i++)
		sum += buckets[i];
	return sum;
}

static bool is_tseries(const struct fth_type *vt)
{
	return vt->kind == FTH_T_AGG && vt->agg == FTH_AGG_TSERIES;
}

/* What bpftrace sorts a map by, and the per-entry number to compare. */
static enum sort_mode map_sort_mode(const struct fth_type *vt)
{
	if (vt->kind == FTH_T_INT)
		return vt->is_signed ? SORT_BY_SIGNED_VALUE : SORT_BY_UNSIGNED_VALUE;
	if (vt->kind != FTH_T_AGG)
		return SORT_BY_KEY;
	switch (vt->agg) {
	case FTH_AGG_COUNT:
		return SORT_BY_UNSIGNED_VALUE;
	case FTH_AGG_MIN:
	case FTH_AGG_MAX:
		/* bpftrace compares min/max as uint64 even for signed data, so
		 * negative values sort after all the positive ones. */
		return SORT_BY_UNSIGNED_VALUE;
	case FTH_AGG_HIST:
	case FTH_AGG_LHIST:
		return SORT_BY_UNSIGNED_VALUE; /* total count */
	default: /* SUM, AVG, STATS */
		return SORT_BY_SIGNED_VALUE;
	}
}

static uint64_t map_sort_value(const struct fth_type *vt, const void *value)
{
	struct fth_agg_avg avg;

	if (vt->kind == FTH_T_INT)
		return vt->is_signed ? (uint64_t)fth_load_int(value, vt->size) : fth_load_uint(value, vt->size);
	if (vt->kind != FTH_T_AGG)
		return 0;
	switch (vt->agg) {
	case FTH_AGG_AVG:
	case FTH_AGG_STATS:
		memcpy(&avg, value, sizeof(avg));
		return (uint64_t)fth_agg_average(&avg);
	case FTH_AGG_HIST:
	case FTH_AGG_LHIST:
		return (uint64_t)hist_total(vt, value);
	default:
		return fth_load_uint(value, 8);
	}
}

static void sort_map(struct fth_map_view *view)
{
	size_t n = (size_t)view->nentries;
	struct map_row *rows = xrealloc(NULL, sizeof(*rows) * n * 2);
	struct sort_ctx ctx = { .key_type = view->key_type, .mode = map_sort_mode(view->value_type) };

	for (size_t i = 0; i < n; i++) {
		rows[i].entry = view->entries[i];
		rows[i].sort_value = map_sort_value(view->value_type, view->entries[i].value);
	}
	sort_rows(rows, rows + n, n, &ctx);
	for (size_t i = 0; i < n; i++)
		view->entries[i] = rows[i].entry;
	free(rows);
}

void fth_map_sort(struct fth_map_view *view)
{
	if (view->value_type && view->nentries > 1 && !is_tseries(view->value_type))
		sort_map(view);
}

/* ======================================================================
 * Time series
 * ====================================================================== */

uint64_t fth_tseries_last_epoch(const struct fth_map_view *view)
{
	uint64_t last = 0;

	for (int i = 0; i < view->nentries; i++) {
		const struct fth_tseries_point *b = view->entries[i].value;
		for (int64_t j = 0; j < view->value_type->ts_count; j++)
			if (b[j].epoch > last)
				last = b[j].epoch;
	}
	return last;
}

int fth_tseries_rows(const struct fth_type *t, const struct fth_tseries_point *buckets, uint64_t last_epoch,
		     struct fth_tseries_row *rows)
{
	uint64_t count = (uint64_t)t->ts_count;
	uint64_t range_first = last_epoch >= count ? last_epoch - count + 1 : 0;
	uint64_t first = last_epoch;
	int n = 0;

	if (last_epoch == 0) /* zero() cleared every interval of the map */
		return 0;
	for (uint64_t i = 0; i < count; i++)
		if (buckets[i].epoch && buckets[i].epoch >= range_first && buckets[i].epoch < first)
			first = buckets[i].epoch;
	for (uint64_t e = first; e <= last_epoch; e++) {
		const struct fth_tseries_point *b = &buckets[e % count];
		rows[n].epoch = e;
		rows[n].has = b->epoch == e;
		rows[n].value = rows[n].has ? b->value : 0;
		n++;
	}
	return n;
}

/* bpftrace's distance(p, other): p - other, computed for p of the series'
 * signedness and other taken as int64. */
static int64_t ts_distance(bool is_signed, int64_t p, int64_t other)
{
	uint64_t v = (uint64_t)p;

	if (is_signed)
		return (int64_t)((uint64_t)p - (uint64_t)other);
	if (other < 0)
		return (int64_t)((uint64_t)(-(uint64_t)other) + v);
	if (v > (uint64_t)other)
		return (int64_t)(v - (uint64_t)other);
	return -(int64_t)((uint64_t)other - v);
}

static bool ts_less(bool is_signed, int64_t a, int64_t b)
{
	return is_signed ? a < b : (uint64_t)a < (uint64_t)b;
}

static void ts_put_value(struct fth_strbuf *sb, bool is_signed, int64_t v)
{
	if (is_signed)
		fth_strbuf_printf(sb, "%" PRId64, v);
	else
		fth_strbuf_printf(sb, "%" PRIu64, (uint64_t)v);
}

/* min, padded to 21 columns, then max right-aligned in the other 32;
 * "null" when no interval has a value (bpftrace prints its empty value). */
static void ts_min_max_line(struct fth_strbuf *sb, bool is_signed, bool any, int64_t mn, int64_t mx)
{
	struct fth_strbuf a, b;

	fth_strbuf_init(&a);
	fth_strbuf_init(&b);
	if (any) {
		ts_put_value(&a, is_signed, mn);
		ts_put_value(&b, is_signed, mx);
	} else {
		fth_strbuf_puts(&a, "null");
		fth_strbuf_puts(&b, "null");
	}
	fth_strbuf_printf(sb, "%-21s%32s\n", fth_strbuf_cstr(&a), fth_strbuf_cstr(&b));
	fth_strbuf_free(&a);
	fth_strbuf_free(&b);
}

/* The time of an interval's start in local time, with as many decimals
 * of the second as the interval needs (0, 3, 6 or 9). */
static void ts_put_time(struct fth_strbuf *sb, uint64_t ns, int digits)
{
	time_t secs = (time_t)(ns / 1000000000);
	uint64_t frac = ns % 1000000000;
	struct tm tm;
	char text[32];

	if (!localtime_r(&secs, &tm) || !strftime(text, sizeof(text), "%H:%M:%S", &tm))
		snprintf(text, sizeof(text), "??:??:??");
	fth_strbuf_puts(sb, text);
	if (digits == 3)
		fth_strbuf_printf(sb, ".%03" PRIu64, frac / 1000000);
	else if (digits == 6)
		fth_strbuf_printf(sb, ".%06" PRIu64, frac / 1000);
	else if (digits == 9)
		fth_strbuf_printf(sb, ".%09" PRIu64, frac);
}

enum { TS_GRAPH_WIDTH = 53 };

static void ts_graph_line(struct fth_strbuf *sb, const struct fth_tseries_row *r, bool is_signed, int64_t mn,
			  int64_t mx, int zero_offset)
{
	char line[TS_GRAPH_WIDTH + 1];

	memset(line, ' ', TS_GRAPH_WIDTH);
	line[TS_GRAPH_WIDTH] = 0;
	line[0] = '|';
	line[TS_GRAPH_WIDTH - 1] = '|';
	if (zero_offset > 0)
		line[zero_offset] = '.';
	if (!r->has) {
		fth_strbuf_printf(sb, "%s -\n", line);
		return;
	}
	{
		int at = TS_GRAPH_WIDTH / 2;
		if (mn != mx)
			at = (int)((float)(TS_GRAPH_WIDTH - 1) * (float)ts_distance(is_signed, mn, r->value) /
				   (float)ts_distance(is_signed, mn, mx));
		at = at < 0 ? 0 : at > TS_GRAPH_WIDTH - 1 ? TS_GRAPH_WIDTH - 1 : at;
		line[at] = '*';
	}
	fth_strbuf_printf(sb, "%s ", line);
	ts_put_value(sb, is_signed, r->value);
	fth_strbuf_putc(sb, '\n');
}

void fth_tseries_print_text(struct fth_strbuf *sb, const struct fth_type *t, const struct fth_tseries_row *rows,
			    int nrows, const int64_t *range)
{
	static const char *const unit_names[] = { [3] = "ms", [6] = "\xce\xbcs", [9] = "ns" };
	bool sg = t->ts_signed, any = false;
	int64_t mn = 0, mx = 0;
	uint64_t interval;
	int digits, time_size, zero_offset = 0;
	char fmt[24];

	if (nrows <= 0) {
		fth_strbuf_puts(sb, "<no data>");
		return;
	}
	for (int i = 0; i < nrows; i++) {
		if (!rows[i].has)
			continue;
		if (!any || ts_less(sg, rows[i].value, mn))
			mn = rows[i].value;
		if (!any || ts_less(sg, mx, rows[i].value))
			mx = rows[i].value;
		any = true;
	}
	if (range) {
		mn = range[0];
		mx = range[1];
		any = true;
	}
	if (any && mn == mx) {
		/* room on both sides of a flat line, unless at the type's end */
		if (sg ? mn != INT64_MIN : (uint64_t)mn != 0)
			mn--;
		if (sg ? mx != INT64_MAX : (uint64_t)mx != UINT64_MAX)
			mx++;
	}
	/* rows are consecutive intervals: one interval apart, 0 for one row */
	interval = nrows > 1 ? (uint64_t)t->ts_interval : 0;
	digits = interval >= 1000000000 ? 0 : interval >= 1000000 ? 3 : interval >= 1000 ? 6 : 9;
	time_size = 8 + (digits ? 1 + digits : 0);
	snprintf(fmt, sizeof(fmt), "hh:mm:ss%s%s", digits ? "." : "", digits ? unit_names[digits] : "");

	fth_strbuf_printf(sb, "%*s", time_size + 1, "");
	ts_min_max_line(sb, sg, any, mn, mx);
	/* padded by bytes, as a C++ stream does: "μs" counts two */
	fth_strbuf_printf(sb, "%-*s|", time_size + 1, fmt);
	for (int i = 0; i < TS_GRAPH_WIDTH - 2; i++)
		fth_strbuf_putc(sb, '_');
	fth_strbuf_puts(sb, "|\n");
	if (any && ts_distance(sg, mn, 0) < 0 && ts_distance(true, 0, mx) < 0)
		zero_offset = (int)((float)TS_GRAPH_WIDTH * (float)ts_distance(sg, mn, 0) /
				    (float)ts_distance(sg, mn, mx));
	for (int i = 0; i < nrows; i++) {
		ts_put_time(sb, rows[i].epoch * (uint64_t)t->ts_interval, digits);
		fth_strbuf_putc(sb, ' ');
		ts_graph_line(sb, &rows[i], sg, mn, mx, zero_offset);
	}
	fth_strbuf_printf(sb, "%*s v", time_size, "");
	for (int i = 0; i < TS_GRAPH_WIDTH - 2; i++)
		fth_strbuf_putc(sb, '_');
	fth_strbuf_puts(sb, "v\n");
	fth_strbuf_printf(sb, "%*s ", time_size, "");
	ts_min_max_line(sb, sg, any, mn, mx);
}

/* ======================================================================
 * Maps: printing
 * ====================================================================== */

static bool is_histogram(const struct fth_type *vt)
{
	return vt->kind == FTH_T_AGG && (vt->agg == FTH_AGG_HIST || vt->agg == FTH_AGG_LHIST);
}

/* "@name" for a scalar map, "@name[key]" otherwise. */
static void entry_name(struct fth_strbuf *sb, const struct fth_map_view *view,
		       const struct fth_map_entry *e, const struct fth_format_env *env)
{
	fth_strbuf_puts(sb, view->name);
	if (!view->key_type || !e->key)
		return;
	fth_strbuf_putc(sb, '[');
	fth_format_map_key(sb, view->key_type, e->key, env);
	fth_strbuf_putc(sb, ']');
}

/* "@ts:" or "@ts[k]:", the chart, an empty line: every key's rows end at
 * the newest interval of the whole map. */
static void print_tseries_entry(struct fth_strbuf *sb, const struct fth_map_view *view,
				const struct fth_map_entry *e, uint64_t last_epoch,
				const struct fth_format_env *env)
{
	struct fth_tseries_row *rows = xrealloc(NULL, sizeof(*rows) * (size_t)view->value_type->ts_count);
	int n = fth_tseries_rows(view->value_type, e->value, last_epoch, rows);
	int64_t range[2] = { view->ts_min, view->ts_max };

	entry_name(sb, view, e, env);
	fth_strbuf_puts(sb, ":\n");
	fth_tseries_print_text(sb, view->value_type, rows, n, view->ts_range ? range : NULL);
	fth_strbuf_putc(sb, '\n');
	free(rows);
}

static void print_entry(struct fth_strbuf *sb, const struct fth_map_view *view,
			const struct fth_map_entry *e, uint64_t div,
			const struct fth_format_env *env)
{
	const struct fth_type *vt = view->value_type;
	struct value_opts o = { .env = env, .div = div, .in_map_key = false };

	entry_name(sb, view, e, env);
	if (is_histogram(vt)) {
		/* Multi-line values start on their own line; every histogram
		 * is followed by one empty line. lhist ignores div. */
		fth_strbuf_puts(sb, ":\n");
		hist_rows(sb, vt, e->value, vt->agg == FTH_AGG_HIST ? div : 1);
		fth_strbuf_putc(sb, '\n');
		return;
	}
	fth_strbuf_puts(sb, ": ");
	format_value_opts(sb, vt, e->value, &o);
	fth_strbuf_putc(sb, '\n');
}

void fth_map_print_text(struct fth_strbuf *sb, struct fth_map_view *view, int top, int div,
			const struct fth_format_env *env)
{
	int skip = 0;

	if (!view->value_type || view->nentries <= 0)
		return;
	if (is_tseries(view->value_type)) {
		/* in the order of the keys' bytes, as bpftrace; top and div do
		 * not apply */
		uint64_t last = fth_tseries_last_epoch(view);
		for (int i = 0; i < view->nentries; i++)
			print_tseries_entry(sb, view, &view->entries[i], last, env);
		return;
	}
	sort_map(view);
	/* top keeps the N largest, i.e. the last N after the ascending sort. */
	if (top > 0 && view->nentries > top)
		skip = view->nentries - top;
	for (int i = skip; i < view->nentries; i++)
		print_entry(sb, view, &view->entries[i], div > 1 ? (uint64_t)div : 1, env);
}
