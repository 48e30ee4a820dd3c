/* test_json.c - byte-exact checks of the JSON output backend (-f json)
 * against current bpftrace's src/output/json.cpp: every message type,
 * string escaping, integers beyond a double, histogram buckets, map keys,
 * sorting/top/div, and the two backends behind struct fth_output_ops
 * (what goes to the trace stream and what to stderr). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "format.h"
#include "output_json.h"
#include "types.h"

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

struct fixture {
	struct fth_arena arena;
	struct fth_strbuf sb;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fth_arena_init(&fx->arena);
	fth_strbuf_init(&fx->sb);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	fth_strbuf_free(&fx->sb);
	fth_arena_free(&fx->arena);
	free(fx);
	return 0;
}

/* The whole buffer, including its length (catches stray NULs). */
#define assert_text(sb, expected)                                            \
	do {                                                                 \
		assert_string_equal(fth_strbuf_cstr(sb), (expected));        \
		assert_int_equal((sb)->len, strlen(expected));               \
	} while (0)

static struct fth_type *i64(void)
{
	return fth_type_int(8, true);
}

static struct fth_type *u64(void)
{
	return fth_type_int(8, false);
}

static struct fth_type *tuple2(struct fth_arena *a, struct fth_type *x, struct fth_type *y)
{
	struct fth_type *elems[] = { x, y };

	return fth_type_tuple(a, elems, 2);
}

static struct fth_type *hist_type(struct fth_arena *a, int k)
{
	struct fth_type *t = fth_type_agg(a, FTH_AGG_HIST);

	t->hist_bits = k;
	return t;
}

static struct fth_type *lhist_type(struct fth_arena *a, int64_t min, int64_t max, int64_t step)
{
	struct fth_type *t = fth_type_agg(a, FTH_AGG_LHIST);

	t->lhist_min = min;
	t->lhist_max = max;
	t->lhist_step = step;
	return t;
}

/* Bucket array filled the way the BPF side would, from sample values. */
static int64_t *hist_of(struct fth_arena *a, const struct fth_type *t, const int64_t *values, size_t n)
{
	int64_t *b = fth_arena_alloc(a, sizeof(int64_t) * (size_t)fth_hist_bucket_count(t));

	for (size_t i = 0; i < n; i++)
		b[fth_hist_bucket_index(t, values[i])]++;
	return b;
}

/* A string key/value of the given capacity. */
static char *str(struct fth_arena *a, const char *s, uint32_t cap)
{
	char *p = fth_arena_alloc(a, cap);

	memcpy(p, s, strlen(s) < cap ? strlen(s) : cap);
	return p;
}

static int64_t *i64v(struct fth_arena *a, int64_t v)
{
	int64_t *p = fth_arena_alloc(a, sizeof(v));

	*p = v;
	return p;
}

static struct fth_agg_avg *avgv(struct fth_arena *a, int64_t count, int64_t total)
{
	struct fth_agg_avg *p = fth_arena_alloc(a, sizeof(*p));

	p->count = count;
	p->total = total;
	return p;
}

static void map_msg(struct fth_strbuf *sb, const char *name, const struct fth_type *kt,
		    const struct fth_type *vt, struct fth_map_entry *e, int n, int top, int div)
{
	struct fth_map_view view = { .name = name, .key_type = kt, .value_type = vt, .entries = e,
				     .nentries = n };

	fth_strbuf_reset(sb);
	fth_json_msg_map(sb, &view, top, div, NULL);
}

static void value_msg(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes)
{
	fth_strbuf_reset(sb);
	fth_json_msg_value(sb, t, bytes, NULL);
}

/* ---------------------------------------------------------------------
 * Strings and numbers
 * --------------------------------------------------------------------- */

static void test_string_escaping(void **state)
{
	struct fixture *fx = *state;
	static const char nul[] = "a\0b";

	fth_json_string(&fx->sb, "plain", 5);
	assert_text(&fx->sb, "\"plain\"");

	/* the five named escapes */
	fth_strbuf_reset(&fx->sb);
	fth_json_string(&fx->sb, "q\" b\\ n\n r\r t\t", 14);
	assert_text(&fx->sb, "\"q\\\" b\\\\ n\\n r\\r t\\t\"");

	/* other control characters as \u00XX, lower-case hex */
	fth_strbuf_reset(&fx->sb);
	fth_json_string(&fx->sb, "\x01\x08\x0c\x1b\x1f", 5);
	assert_text(&fx->sb, "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"");

	/* a NUL inside the text (printf "%c" of 0) */
	fth_strbuf_reset(&fx->sb);
	fth_json_string(&fx->sb, nul, 3);
	assert_text(&fx->sb, "\"a\\u0000b\"");

	/* DEL, '/' and UTF-8 pass through unchanged */
	fth_strbuf_reset(&fx->sb);
	fth_json_string(&fx->sb, "\x7f/\xc3\xa9", 4);
	assert_text(&fx->sb, "\"\x7f/\xc3\xa9\"");

	fth_strbuf_reset(&fx->sb);
	fth_json_string(&fx->sb, "", 0);
	assert_text(&fx->sb, "\"\"");
}

static void test_integers(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		uint64_t v;
		const char *text;
	} u[] = {
		{ 0, "0" },
		{ 42, "42" },
		{ 1ull << 53, "9007199254740992" },
		{ (1ull << 53) + 1, "\"9007199254740993\"" },
		{ (1ull << 53) + 2, "9007199254740994" },
		{ 1ull << 63, "9223372036854775808" },
		{ UINT64_MAX, "\"18446744073709551615\"" },
		{ UINT64_MAX - 2047, "18446744073709549568" },
	};
	static const struct {
		int64_t v;
		const char *text;
	} s[] = {
		{ -1, "-1" },
		{ -(1ll << 53), "-9007199254740992" },
		{ -(1ll << 53) - 1, "\"-9007199254740993\"" },
		{ INT64_MIN, "-9223372036854775808" },
		{ INT64_MAX, "\"9223372036854775807\"" },
	};

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		fth_strbuf_reset(&fx->sb);
		fth_json_uint(&fx->sb, u[i].v);
		assert_text(&fx->sb, u[i].text);
	}
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		fth_strbuf_reset(&fx->sb);
		fth_json_int(&fx->sb, s[i].v);
		assert_text(&fx->sb, s[i].text);
	}
}

/* ---------------------------------------------------------------------
 * Messages without values
 * --------------------------------------------------------------------- */

static void test_msg_attached_lost(void **state)
{
	struct fixture *fx = *state;

	fth_json_msg_attached_probes(&fx->sb, 1);
	assert_text(&fx->sb, "{\"type\": \"attached_probes\", \"count\": 1, \"data\": {\"probes\": 1}}\n");
	fth_strbuf_reset(&fx->sb);
	fth_json_msg_lost_events(&fx->sb, 67190);
	assert_text(&fx->sb, "{\"type\": \"lost_events\", \"count\": 67190, \"data\": {\"events\": 67190}}\n");
}

/* errorf/warnf/runtime_error: bpftrace's src/output/json.cpp layout. */
static void test_msg_located(void **state)
{
	struct fixture *fx = *state;

	fth_json_msg_located(&fx->sb, "errorf", "Something bad with args: 10, arg2", "stdin", 1, 9);
	assert_text(&fx->sb, "{\"type\": \"errorf\", \"msg\": \"Something bad with args: 10, arg2\", "
			     "\"filename\": \"stdin\", \"line\": 1, \"col\": 9}\n");
	fth_strbuf_reset(&fx->sb);
	fth_json_msg_located(&fx->sb, "warnf", "a \"q\"\n", "x.bt", 3, 14);
	assert_text(&fx->sb, "{\"type\": \"warnf\", \"msg\": \"a \\\"q\\\"\\n\", \"filename\": \"x.bt\", "
			     "\"line\": 3, \"col\": 14}\n");
}

static void test_msg_printf_time(void **state)
{
	struct fixture *fx = *state;

	fth_json_msg_printf(&fx->sb, "test 5", 6);
	assert_text(&fx->sb, "{\"type\": \"printf\", \"data\": \"test 5\"}\n");
	/* bpftrace's printf_escaping runtime test */
	fth_strbuf_reset(&fx->sb);
	fth_json_msg_printf(&fx->sb, "test \r \n \t \\ \" bar", strlen("test \r \n \t \\ \" bar"));
	assert_text(&fx->sb, "{\"type\": \"printf\", \"data\": \"test \\r \\n \\t \\\\ \\\" bar\"}\n");
	fth_strbuf_reset(&fx->sb);
	fth_json_msg_time(&fx->sb, "12:34:56\n");
	assert_text(&fx->sb, "{\"type\": \"time\", \"data\": \"12:34:56\\n\"}\n");
	/* bpftrace's join_delim runtime test */
	fth_strbuf_reset(&fx->sb);
	fth_json_msg_join(&fx->sb, "/bin/echo,'A'", 13);
	assert_text(&fx->sb, "{\"type\": \"join\", \"data\": \"/bin/echo,'A'\"}\n");
}

/* ---------------------------------------------------------------------
 * print(value)
 * --------------------------------------------------------------------- */

static void test_msg_value_scalars(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	int64_t five = 5, minus = -1;
	uint8_t t = 1, f = 0;
	uint32_t u32 = 4000000000u;
	int8_t s8 = -7;
	uint64_t ptr = 0x1000, kptr = 0xffff888012345678ull;

	value_msg(&fx->sb, i64(), &five);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": 5}\n");
	value_msg(&fx->sb, i64(), &minus);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": -1}\n");
	value_msg(&fx->sb, fth_type_int(4, false), &u32);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": 4000000000}\n");
	value_msg(&fx->sb, fth_type_int(1, true), &s8);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": -7}\n");
	value_msg(&fx->sb, fth_type_bool(), &t);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": true}\n");
	value_msg(&fx->sb, fth_type_bool(), &f);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": false}\n");
	value_msg(&fx->sb, fth_type_none(), "");
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": null}\n");
	/* a float member's bytes: bpftrace's none type */
	value_msg(&fx->sb, fth_type_float(4), &u32);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": null}\n");
	/* pointers print as their number (bpftrace's symbolic value) */
	value_msg(&fx->sb, fth_type_pointer(a, i64()), &ptr);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": 4096}\n");
	/* a kernel address does not fit a double: a string */
	value_msg(&fx->sb, fth_type_pointer(a, i64()), &kptr);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": \"18446612682375452280\"}\n");
}

/* Enum values: bpftrace's symbolic value, whose JSON is the number read
 * as unsigned (an enumerator of -1 in a 64-bit enum does not fit a
 * double: a string); text shows the name instead. */
static void test_msg_value_enum(void **state)
{
	struct fixture *fx = *state;
	static const char *names[] = { "NEG", "ONE" };
	static int64_t values[] = { -1, 1 };
	static const struct fth_enum def = { "enum E", 2, names, values };
	struct fth_type *t = fth_arena_alloc(&fx->arena, sizeof(*t));
	int64_t neg = -1, one = 1;

	*t = *fth_type_int(8, true);
	t->enum_def = &def;
	value_msg(&fx->sb, t, &one);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": 1}\n");
	value_msg(&fx->sb, t, &neg);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": \"18446744073709551615\"}\n");
}

static void test_msg_value_strings(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;

	value_msg(&fx->sb, fth_type_string(a, 16), str(a, "s", 16));
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": \"s\"}\n");
	value_msg(&fx->sb, fth_type_string(a, 16), str(a, "a \"b\"\n", 16));
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": \"a \\\"b\\\"\\n\"}\n");
	/* no NUL in the whole buffer: cut by the read limit, ".." trailer */
	value_msg(&fx->sb, fth_type_string(a, 4), str(a, "abcd", 4));
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": \"abcd..\"}\n");
}

static void test_msg_value_tuples_arrays(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *t = tuple2(a, i64(), fth_type_string(a, 8));
	uint8_t *bytes = fth_arena_alloc(a, t->size);
	int64_t one = 1;

	memcpy(bytes, &one, 8);
	memcpy(bytes + t->fields[1].offset, "a", 1);
	value_msg(&fx->sb, t, bytes);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": [1,\"a\"]}\n");

	/* nested tuple (1, (4, 5)) */
	struct fth_type *inner = tuple2(a, i64(), i64());
	struct fth_type *outer = tuple2(a, i64(), inner);
	int64_t vals[3] = { 1, 4, 5 };
	value_msg(&fx->sb, outer, vals);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": [1,[4,5]]}\n");

	/* int32 array */
	int32_t arr[3] = { 1, -2, 3 };
	value_msg(&fx->sb, fth_type_array(a, fth_type_int(4, true), 3), arr);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": [1,-2,3]}\n");

	/* named tuple (a=1, b=2) is an object */
	struct fth_type *named = tuple2(a, i64(), i64());
	named->fields[0].name = "a";
	named->fields[1].name = "b";
	int64_t ab[2] = { 1, 2 };
	value_msg(&fx->sb, named, ab);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": {\"a\": 1, \"b\": 2}}\n");
}

static void test_msg_value_structs(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *mn = fth_type_new(a, FTH_T_STRUCT, 8);
	struct fth_type *outer = fth_type_new(a, FTH_T_STRUCT, 16);
	uint8_t ob[16];
	int32_t m = 2, n = 3;
	uint64_t ptr = 4096;

	mn->nfields = 2;
	mn->fields = fth_arena_alloc(a, 2 * sizeof(struct fth_field));
	mn->fields[0] = (struct fth_field){ .name = "m", .type = fth_type_int(4, true), .offset = 0 };
	mn->fields[1] = (struct fth_field){ .name = "n", .type = fth_type_int(4, true), .offset = 4 };
	outer->nfields = 2;
	outer->fields = fth_arena_alloc(a, 2 * sizeof(struct fth_field));
	outer->fields[0] = (struct fth_field){ .name = "p", .type = fth_type_pointer(a, mn), .offset = 0 };
	outer->fields[1] = (struct fth_field){ .name = "y", .type = mn, .offset = 8 };
	memcpy(ob, &ptr, 8);
	memcpy(ob + 8, &m, 4);
	memcpy(ob + 12, &n, 4);
	value_msg(&fx->sb, outer, ob);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": {\"p\": 4096, \"y\": {\"m\": 2, \"n\": 3}}}\n");

	value_msg(&fx->sb, fth_type_new(a, FTH_T_STRUCT, 0), "");
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": {}}\n");

	/* bitfields as bpftrace reads them, (raw >> offset) & mask: unsigned
	 * x:3 at bit 0, signed y:4 at bit 3 holding -2 (14), signed z:32 as
	 * wide as its type in the next u32 (keeps its sign) */
	struct fth_type *bits = fth_type_new(a, FTH_T_STRUCT, 8);
	uint32_t words[2] = { 5u | (0xEu << 3), (uint32_t)-5 };
	bits->nfields = 3;
	bits->fields = fth_arena_alloc(a, 3 * sizeof(struct fth_field));
	bits->fields[0] = (struct fth_field){ .name = "x", .type = fth_type_int(4, false), .bit_size = 3 };
	bits->fields[1] = (struct fth_field){ .name = "y", .type = fth_type_int(4, true), .bit_offset = 3,
					      .bit_size = 4 };
	bits->fields[2] = (struct fth_field){ .name = "z", .type = fth_type_int(4, true), .offset = 4,
					      .bit_size = 32 };
	value_msg(&fx->sb, bits, words);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": {\"x\": 5, \"y\": 14, \"z\": -5}}\n");
}

static void test_msg_value_buffer(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *t = fth_type_new(a, FTH_T_BUFFER, 4 + 8);
	uint8_t *b = fth_arena_alloc(a, 12);
	uint32_t len = 3;

	memcpy(b, &len, 4);
	memcpy(b + 4, "hi\xff", 3);
	value_msg(&fx->sb, t, b);
	/* bytes as C chars, as bpftrace emits std::vector<char> */
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": [104,105,-1]}\n");
	len = 100; /* clamped to the capacity */
	memcpy(b, &len, 4);
	value_msg(&fx->sb, t, b);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": [104,105,-1,0,0,0,0,0]}\n");
}

/* A stand-in symbolizer: specials print as text, then become strings. */
static void fake_special(void *ud, struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			 bool in_map_key)
{
	(void)ud;
	(void)bytes;
	(void)in_map_key;
	if (t->kind == FTH_T_KSTACK)
		fth_strbuf_puts(sb, "\n        do_nanosleep+0\n");
	else
		fth_strbuf_puts(sb, "tracepoint:syscalls:sys_enter_openat");
}

static void test_msg_value_specials(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_format_env env = { .special = fake_special };
	uint64_t id = 1;

	fth_json_msg_value(&fx->sb, fth_type_new(a, FTH_T_PROBE, 8), &id, &env);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": \"tracepoint:syscalls:sys_enter_openat\"}\n");
	fth_strbuf_reset(&fx->sb);
	fth_json_msg_value(&fx->sb, fth_type_new(a, FTH_T_KSTACK, 8), &id, &env);
	assert_text(&fx->sb, "{\"type\": \"value\", \"data\": \"\\n        do_nanosleep+0\\n\"}\n");
}

/* ---------------------------------------------------------------------
 * Maps
 * --------------------------------------------------------------------- */

static void test_map_scalars(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_map_entry e = { NULL, i64v(a, 5) };

	map_msg(&fx->sb, "@scalar", NULL, i64(), &e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@scalar\": 5}}\n");

	e.value = i64v(a, 0);
	map_msg(&fx->sb, "@e", NULL, fth_type_agg(a, FTH_AGG_COUNT), &e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@e\": 0}}\n");

	e.value = i64v(a, -5);
	map_msg(&fx->sb, "@s", NULL, fth_type_agg(a, FTH_AGG_SUM), &e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@s\": -5}}\n");

	/* @t = (1, "two") */
	struct fth_type *t = tuple2(a, i64(), fth_type_string(a, 8));
	uint8_t *bytes = fth_arena_alloc(a, t->size);
	int64_t one = 1;
	memcpy(bytes, &one, 8);
	memcpy(bytes + t->fields[1].offset, "two", 3);
	e.value = bytes;
	map_msg(&fx->sb, "@t", NULL, t, &e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@t\": [1,\"two\"]}}\n");

	/* string value with a quote */
	e.value = str(a, "v\"q", 8);
	map_msg(&fx->sb, "@", NULL, fth_type_string(a, 8), &e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@\": \"v\\\"q\"}}\n");

	/* UINT64_MAX does not fit a double: a string */
	e.value = i64v(a, -1);
	map_msg(&fx->sb, "@u", NULL, u64(), &e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@u\": \"18446744073709551615\"}}\n");
}

static void test_map_keyed(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *kt = fth_type_string(a, 8);
	/* sorted by value, ascending, like the text form */
	struct fth_map_entry e[] = {
		{ str(a, "key2", 8), i64v(a, 3) },
		{ str(a, "key1", 8), i64v(a, 2) },
	};

	map_msg(&fx->sb, "@map", kt, i64(), e, 2, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@map\": {\"key1\": 2, \"key2\": 3}}}\n");

	/* tuple key (comm, 2): "bpftrace,2" - parentheses and spaces gone */
	struct fth_type *tk = tuple2(a, fth_type_string(a, 16), i64());
	uint8_t *k = fth_arena_alloc(a, tk->size);
	int64_t two = 2;
	memcpy(k, "bpftrace", 8);
	memcpy(k + tk->fields[1].offset, &two, 8);
	struct fth_map_entry c = { k, i64v(a, 5) };
	map_msg(&fx->sb, "@complex", tk, fth_type_agg(a, FTH_AGG_COUNT), &c, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@complex\": {\"bpftrace,2\": 5}}}\n");

	/* every space of a key is dropped, as bpftrace does */
	struct fth_map_entry sp = { str(a, "a b", 8), i64v(a, 1) };
	map_msg(&fx->sb, "@c", kt, fth_type_agg(a, FTH_AGG_COUNT), &sp, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@c\": {\"ab\": 1}}}\n");

	/* integer keys sorted by value; a key needing escapes */
	struct fth_map_entry q[] = {
		{ str(a, "k\"", 8), i64v(a, 9) },
		{ str(a, "\t", 8), i64v(a, 1) },
	};
	map_msg(&fx->sb, "@q", kt, i64(), q, 2, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@q\": {\"\\t\": 1, \"k\\\"\": 9}}}\n");
}

static void test_map_top_div(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *kt = fth_type_string(a, 4);
	struct fth_type *avg = fth_type_agg(a, FTH_AGG_AVG);
	struct fth_map_entry e[] = {
		{ str(a, "d", 4), avgv(a, 1, 40) },
		{ str(a, "a", 4), avgv(a, 1, 10) },
		{ str(a, "c", 4), avgv(a, 1, 30) },
		{ str(a, "b", 4), avgv(a, 1, 20) },
	};

	/* bpftrace's print_avg_map_args: print(@, 2, 10) */
	map_msg(&fx->sb, "@", kt, avg, e, 4, 2, 10);
	assert_text(&fx->sb, "{\"type\": \"stats\", \"data\": {\"@\": {\"c\": 3, \"d\": 4}}}\n");
	/* print_avg_map_with_large_top */
	map_msg(&fx->sb, "@", kt, avg, e, 4, 10, 10);
	assert_text(&fx->sb, "{\"type\": \"stats\", \"data\": {\"@\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}}}\n");

	/* count divided; top keeps the largest */
	struct fth_map_entry c[] = {
		{ str(a, "x", 4), i64v(a, 250) },
		{ str(a, "y", 4), i64v(a, 99) },
		{ str(a, "z", 4), i64v(a, 1000) },
	};
	map_msg(&fx->sb, "@c", kt, fth_type_agg(a, FTH_AGG_COUNT), c, 3, 2, 100);
	assert_text(&fx->sb, "{\"type\": \"map\", \"data\": {\"@c\": {\"x\": 2, \"z\": 10}}}\n");
}

static void test_map_avg_stats(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *kt = fth_type_string(a, 8);
	struct fth_map_entry e = { NULL, avgv(a, 2, 14) };

	map_msg(&fx->sb, "@avg", NULL, fth_type_agg(a, FTH_AGG_AVG), &e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"stats\", \"data\": {\"@avg\": 7}}\n");

	e.value = avgv(a, 2, 12);
	map_msg(&fx->sb, "@stats", NULL, fth_type_agg(a, FTH_AGG_STATS), &e, 1, 0, 0);
	assert_text(&fx->sb,
		    "{\"type\": \"stats\", \"data\": {\"@stats\": {\"count\": 2, \"average\": 6, \"total\": 12}}}\n");

	/* keyed stats, sorted by average */
	struct fth_map_entry k[] = {
		{ str(a, "zsh", 8), avgv(a, 1, 10) },
		{ str(a, "curl", 8), avgv(a, 1, 2) },
	};
	map_msg(&fx->sb, "@s", kt, fth_type_agg(a, FTH_AGG_STATS), k, 2, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"stats\", \"data\": {\"@s\": {\"curl\": {\"count\": 1, \"average\": 2, "
			     "\"total\": 2}, \"zsh\": {\"count\": 1, \"average\": 10, \"total\": 10}}}}\n");

	/* stats with div: only the average is divided */
	e.value = avgv(a, 2, 300);
	map_msg(&fx->sb, "@st", NULL, fth_type_agg(a, FTH_AGG_STATS), &e, 1, 0, 10);
	assert_text(&fx->sb,
		    "{\"type\": \"stats\", \"data\": {\"@st\": {\"count\": 2, \"average\": 15, \"total\": 300}}}\n");
}

static void test_map_empty(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *kt = fth_type_string(a, 8);

	/* empty maps print nothing ... */
	map_msg(&fx->sb, "@k", kt, i64(), NULL, 0, 0, 0);
	assert_text(&fx->sb, "");
	map_msg(&fx->sb, "@h", NULL, hist_type(a, 0), NULL, 0, 0, 0);
	assert_text(&fx->sb, "");
	/* ... but bpftrace's avg/stats wrapper escapes that check */
	map_msg(&fx->sb, "@a", NULL, fth_type_agg(a, FTH_AGG_AVG), NULL, 0, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"stats\", \"data\": {\"@a\": {}}}\n");
	map_msg(&fx->sb, "@s", kt, fth_type_agg(a, FTH_AGG_STATS), NULL, 0, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"stats\", \"data\": {\"@s\": {}}}\n");
}

/* ---------------------------------------------------------------------
 * Histograms
 * --------------------------------------------------------------------- */

static void test_hist_buckets(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *h = hist_type(a, 0);
	static const int64_t v1[] = { 2, 1025 };
	struct fth_map_entry e = { NULL, hist_of(a, h, v1, 2) };

	/* bpftrace's runtime test "histogram" (hist.json) */
	map_msg(&fx->sb, "@hist", NULL, h, &e, 1, 0, 0);
	assert_text(&fx->sb,
		    "{\"type\": \"hist\", \"data\": {\"@hist\": [{\"min\": 2, \"max\": 3, \"count\": 1},"
		    "{\"min\": 4, \"max\": 7, \"count\": 0},{\"min\": 8, \"max\": 15, \"count\": 0},"
		    "{\"min\": 16, \"max\": 31, \"count\": 0},{\"min\": 32, \"max\": 63, \"count\": 0},"
		    "{\"min\": 64, \"max\": 127, \"count\": 0},{\"min\": 128, \"max\": 255, \"count\": 0},"
		    "{\"min\": 256, \"max\": 511, \"count\": 0},{\"min\": 512, \"max\": 1023, \"count\": 0},"
		    "{\"min\": 1024, \"max\": 2047, \"count\": 1}]}}\n");

	/* negative, 0 and 1 buckets */
	static const int64_t v2[] = { -5, 0, 1, 1 };
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, h, hist_of(a, h, v2, 4), 1);
	assert_text(&fx->sb, "[{\"max\": -1, \"count\": 1},{\"min\": 0, \"max\": 0, \"count\": 1},"
			     "{\"min\": 1, \"max\": 1, \"count\": 2}]");

	/* div divides hist counts */
	static const int64_t v3[] = { 3, 3, 3, 3, 3, 3, 3 };
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, h, hist_of(a, h, v3, 7), 2);
	assert_text(&fx->sb, "[{\"min\": 2, \"max\": 3, \"count\": 3}]");

	/* all empty (zero()): [] */
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, h, hist_of(a, h, NULL, 0), 1);
	assert_text(&fx->sb, "[]");

	/* INT64_MAX lands in [2^62, 2^63); 2^63 - 1 does not fit a double */
	static const int64_t v4[] = { INT64_MAX };
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, h, hist_of(a, h, v4, 1), 1);
	assert_text(&fx->sb, "[{\"min\": 4611686018427387904, \"max\": \"9223372036854775807\", \"count\": 1}]");
}

static void test_hist_bits(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *h2 = hist_type(a, 2);
	static const int64_t v[] = { 0, 5, 1500 };

	/* hist(n, 2): single values up to 2^k, then 4 sub-buckets per power;
	 * labels are numbers even where the text says "1K" */
	fth_json_hist(&fx->sb, h2, hist_of(a, h2, v + 2, 1), 1);
	assert_text(&fx->sb, "[{\"min\": 1280, \"max\": 1535, \"count\": 1}]");
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, h2, hist_of(a, h2, v, 2), 1);
	assert_text(&fx->sb, "[{\"min\": 0, \"max\": 0, \"count\": 1},{\"min\": 1, \"max\": 1, \"count\": 0},"
			     "{\"min\": 2, \"max\": 2, \"count\": 0},{\"min\": 3, \"max\": 3, \"count\": 0},"
			     "{\"min\": 4, \"max\": 4, \"count\": 0},{\"min\": 5, \"max\": 5, \"count\": 1}]");
}

static void test_lhist_buckets(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *l = lhist_type(a, 0, 100, 10);
	static const int64_t v[] = { 2, 50, 1000 };
	struct fth_map_entry e = { NULL, hist_of(a, l, v, 3) };

	/* bpftrace's runtime test "linear histogram" (lhist.json) */
	map_msg(&fx->sb, "@h", NULL, l, &e, 1, 0, 0);
	assert_text(&fx->sb,
		    "{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 0, \"max\": 9, \"count\": 1},"
		    "{\"min\": 10, \"max\": 19, \"count\": 0},{\"min\": 20, \"max\": 29, \"count\": 0},"
		    "{\"min\": 30, \"max\": 39, \"count\": 0},{\"min\": 40, \"max\": 49, \"count\": 0},"
		    "{\"min\": 50, \"max\": 59, \"count\": 1},{\"min\": 60, \"max\": 69, \"count\": 0},"
		    "{\"min\": 70, \"max\": 79, \"count\": 0},{\"min\": 80, \"max\": 89, \"count\": 0},"
		    "{\"min\": 90, \"max\": 99, \"count\": 0},{\"min\": 100, \"count\": 1}]}}\n");

	/* underflow bucket: no min, max = min - 1; lhist ignores div */
	struct fth_type *l2 = lhist_type(a, 10, 20, 5);
	static const int64_t u[] = { 3, 3, 12 };
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, l2, hist_of(a, l2, u, 3), 10);
	assert_text(&fx->sb, "[{\"max\": 9, \"count\": 2},{\"min\": 10, \"max\": 14, \"count\": 1}]");

	/* only the overflow bucket */
	static const int64_t o[] = { 21 };
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, l2, hist_of(a, l2, o, 1), 1);
	assert_text(&fx->sb, "[{\"min\": 20, \"count\": 1}]");

	/* steps of 1024 stay numbers in JSON (text says "2K") */
	struct fth_type *lk = lhist_type(a, 0, 10240, 1024);
	static const int64_t k[] = { 3000 };
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, lk, hist_of(a, lk, k, 1), 1);
	assert_text(&fx->sb, "[{\"min\": 2048, \"max\": 3071, \"count\": 1}]");

	/* negative range */
	struct fth_type *ln = lhist_type(a, -10, 10, 10);
	static const int64_t n[] = { -5 };
	fth_strbuf_reset(&fx->sb);
	fth_json_hist(&fx->sb, ln, hist_of(a, ln, n, 1), 1);
	assert_text(&fx->sb, "[{\"min\": -10, \"max\": -1, \"count\": 1}]");
}

static void test_hist_keyed(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *h = hist_type(a, 0);
	struct fth_type *kt = tuple2(a, i64(), fth_type_string(a, 8));
	uint8_t *k1 = fth_arena_alloc(a, kt->size), *k2 = fth_arena_alloc(a, kt->size);
	int64_t one = 1, two = 2;
	static const int64_t v1[] = { 3 }, v2[] = { 20, 20 };

	memcpy(k1, &one, 8);
	memcpy(k1 + kt->fields[1].offset, "a", 1);
	memcpy(k2, &two, 8);
	memcpy(k2 + kt->fields[1].offset, "b", 1);
	struct fth_map_entry e[] = {
		{ k2, hist_of(a, h, v2, 2) },
		{ k1, hist_of(a, h, v1, 1) },
	};
	/* sorted by total count; top 1 keeps the largest */
	map_msg(&fx->sb, "@h", kt, h, e, 2, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"hist\", \"data\": {\"@h\": {\"1,a\": [{\"min\": 2, \"max\": 3, "
			     "\"count\": 1}], \"2,b\": [{\"min\": 16, \"max\": 31, \"count\": 2}]}}}\n");
	map_msg(&fx->sb, "@h", kt, h, e, 2, 1, 0);
	assert_text(&fx->sb,
		    "{\"type\": \"hist\", \"data\": {\"@h\": {\"2,b\": [{\"min\": 16, \"max\": 31, \"count\": 2}]}}}\n");
}

/* ---------------------------------------------------------------------
 * Backends
 * --------------------------------------------------------------------- */

struct streams {
	char *out_text, *err_text;
	size_t out_len, err_len;
	FILE *out, *err;
};

static void streams_open(struct streams *s)
{
	memset(s, 0, sizeof(*s));
	s->out = open_memstream(&s->out_text, &s->out_len);
	s->err = open_memstream(&s->err_text, &s->err_len);
	assert_non_null(s->out);
	assert_non_null(s->err);
}

static void streams_close(struct streams *s)
{
	fclose(s->out);
	fclose(s->err);
}

static void streams_free(struct streams *s)
{
	free(s->out_text);
	free(s->err_text);
}

/* One run through a backend: attach, printf, print(7), time, join, a
 * lost event, the end of the run, one map. */
static void run_backend(const struct fth_output_ops *ops, struct streams *s, struct fth_arena *a)
{
	struct fth_output o;
	int64_t seven = 7;
	struct fth_map_entry e = { NULL, i64v(a, 5) };
	struct fth_map_view view = { .name = "@x", .value_type = i64(), .entries = &e, .nentries = 1 };

	streams_open(s);
	fth_output_init(&o, ops, s->out, s->err, NULL);
	o.ops->attached_probes(&o, 2);
	o.ops->printf(&o, "x 5\n", 4);
	o.ops->value(&o, i64(), &seven);
	o.ops->time(&o, "12:00:00\n");
	o.ops->join(&o, "a b", 3);
	o.ops->lost_events(&o, 3);
	o.ops->end(&o);
	o.ops->map(&o, &view, 0, 0);
	fth_output_free(&o);
	streams_close(s);
}

static void test_backend_json(void **state)
{
	struct fixture *fx = *state;
	struct streams s;

	run_backend(&fth_output_json, &s, &fx->arena);
	/* everything on the trace stream, one document per line, no blank
	 * lines at the end of the run */
	assert_string_equal(s.out_text, "{\"type\": \"attached_probes\", \"count\": 2, \"data\": {\"probes\": 2}}\n"
					"{\"type\": \"printf\", \"data\": \"x 5\\n\"}\n"
					"{\"type\": \"value\", \"data\": 7}\n"
					"{\"type\": \"time\", \"data\": \"12:00:00\\n\"}\n"
					"{\"type\": \"join\", \"data\": \"a b\"}\n"
					"{\"type\": \"lost_events\", \"count\": 3, \"data\": {\"events\": 3}}\n"
					"{\"type\": \"map\", \"data\": {\"@x\": 5}}\n");
	assert_string_equal(s.err_text, "");
	streams_free(&s);
}

static void test_backend_text(void **state)
{
	struct fixture *fx = *state;
	struct streams s;

	run_backend(&fth_output_text, &s, &fx->arena);
	assert_string_equal(s.out_text, "x 5\n7\n12:00:00\na b\n\n\n@x: 5\n");
	assert_string_equal(s.err_text, "Attached 2 probes\nLost 3 events\n");
	streams_free(&s);

	struct fth_output o;
	streams_open(&s);
	fth_output_init(&o, &fth_output_text, s.out, s.err, NULL);
	o.ops->attached_probes(&o, 1);
	fth_output_free(&o);
	streams_close(&s);
	assert_string_equal(s.err_text, "Attached 1 probe\n");
	streams_free(&s);
}

/* Benchmark results: bpftrace's table in text (the name column at least
 * 40 wide plus one, Time(ns) 15 wide, the header only with the first
 * bench), one benchmark_result message each in JSON. */
static void test_benchmark_results(void **state)
{
	static const char *const names[] = { "map_update", "b" };
	static const char *const long_names[] = { "x", "a_name_that_is_longer_than_forty_characters" };
	struct fth_output o;
	struct streams s;

	(void)state;
	streams_open(&s);
	fth_output_init(&o, &fth_output_text, s.out, s.err, NULL);
	o.ops->benchmark_result(&o, names, 2, 0, 18, 80000);
	o.ops->benchmark_result(&o, names, 2, 1, 1234567, 1);
	fth_output_free(&o);
	streams_close(&s);
	assert_string_equal(s.out_text,
			    "Benchmark                                Time(ns)       Iterations\n"
			    "------------------------------------------------------------------\n"
			    "map_update                               18             80000\n"
			    "b                                        1234567        1\n");
	streams_free(&s);

	streams_open(&s);
	fth_output_init(&o, &fth_output_text, s.out, s.err, NULL);
	o.ops->benchmark_result(&o, long_names, 2, 1, 5, 10);
	fth_output_free(&o);
	streams_close(&s);
	assert_string_equal(s.out_text, "a_name_that_is_longer_than_forty_characters 5              10\n");
	streams_free(&s);

	streams_open(&s);
	fth_output_init(&o, &fth_output_json, s.out, s.err, NULL);
	o.ops->benchmark_result(&o, names, 2, 0, 18, 80000);
	fth_output_free(&o);
	streams_close(&s);
	assert_string_equal(s.out_text,
			    "{\"type\": \"benchmark_result\", \"data\": {\"map_update\": {\"average\": 18, \"iters\": 80000}}}\n");
	streams_free(&s);
}

/* Test results: bpftrace's gtest-like report in text (header with the
 * first, summary after the last, a failed test's non-empty output lines
 * before its FAILED line, the duration as util::duration_str's unit and
 * scale), one test_result message each in JSON. */
static void test_test_results(void **state)
{
	static const char *const names[] = { "parse", "sums" };
	static const bool ok_then_fail[] = { true, false };
	struct fth_output o;
	struct streams s;

	(void)state;
	streams_open(&s);
	fth_output_init(&o, &fth_output_text, s.out, s.err, NULL);
	o.ops->test_result(&o, names, 2, 0, 999, ok_then_fail, "hidden\n");
	o.ops->test_result(&o, names, 2, 1, 2500000, ok_then_fail, "a\n\nstdin:1:2-3: ERROR: b\n");
	fth_output_free(&o);
	streams_close(&s);
	assert_string_equal(s.out_text,
			    "\033[32m[==========]\033[0m Running 2 tests.\n"
			    "\033[32m[ RUN      ]\033[0m parse\n"
			    "\033[32m[       OK ]\033[0m parse (1 ns)\n"
			    "\033[32m[ RUN      ]\033[0m sums\n"
			    "a\n"
			    "stdin:1:2-3: ERROR: b\n"
			    "\033[31m[  FAILED  ]\033[0m sums (1000000 ms)\n"
			    "\033[32m[==========]\033[0m 2 tests ran.\n"
			    "\033[32m[  PASSED  ]\033[0m 1 test.\n"
			    "\033[31m[  FAILED  ]\033[0m 1 test, listed below:\n"
			    "\033[31m[  FAILED  ]\033[0m sums\n");
	assert_string_equal(s.err_text, "");
	streams_free(&s);

	streams_open(&s);
	fth_output_init(&o, &fth_output_text, s.out, s.err, NULL);
	o.ops->test_result(&o, names, 1, 0, 4000, ok_then_fail, "");
	fth_output_free(&o);
	streams_close(&s);
	assert_string_equal(s.out_text,
			    "\033[32m[==========]\033[0m Running 1 tests.\n"
			    "\033[32m[ RUN      ]\033[0m parse\n"
			    "\033[32m[       OK ]\033[0m parse (1000 \xce\xbcs)\n"
			    "\033[32m[==========]\033[0m 1 test ran.\n"
			    "\033[32m[  PASSED  ]\033[0m 1 test.\n");
	streams_free(&s);

	streams_open(&s);
	fth_output_init(&o, &fth_output_json, s.out, s.err, NULL);
	o.ops->test_result(&o, names, 2, 1, 2500, ok_then_fail, "x \"y\"\n");
	fth_output_free(&o);
	streams_close(&s);
	assert_string_equal(s.out_text, "{\"type\": \"test_result\", \"data\": {\"sums\": {\"duration\": 2500, "
					"\"passed\": false, \"output\": \"x \\\"y\\\"\\n\"}}}\n");
	streams_free(&s);
}

static void test_backend_lookup(void **state)
{
	(void)state;
	assert_ptr_equal(fth_output_find("text"), &fth_output_text);
	assert_ptr_equal(fth_output_find("json"), &fth_output_json);
	assert_null(fth_output_find("jsonx"));
	assert_null(fth_output_find(""));
	assert_null(fth_output_find(NULL));
	assert_string_equal(fth_output_names(), "'text', 'json'");
}


/* tseries: {"type": "tseries", ...}; each key's points up to the map's
 * newest interval, intervals without a value left out, times in UTC with
 * nanoseconds; top does not drop keys. */
static void test_map_tseries(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = fth_type_agg(&fx->arena, FTH_AGG_TSERIES);
	struct fth_tseries_point a[3] = { { 3, -7 }, { 1, 5 }, { 0, 0 } };  /* epochs 1, 3 */
	struct fth_tseries_point b[3] = { { 0, 0 }, { 4, 2 }, { 0, 0 } };   /* epoch 4 */
	struct fth_map_entry e[] = { { str(&fx->arena, "x", 4), a }, { str(&fx->arena, "y", 4), b } };

	t->ts_interval = 500000000;
	t->ts_count = 3;
	t->ts_signed = true;
	map_msg(&fx->sb, "@s", NULL, t, e, 1, 0, 0);
	assert_text(&fx->sb, "{\"type\": \"tseries\", \"data\": {\"@s\": ["
			     "{\"interval_start\":\"1970-01-01 00:00:00.500000000\",\"value\":5},"
			     "{\"interval_start\":\"1970-01-01 00:00:01.500000000\",\"value\":-7}]}}\n");
	/* keyed: the newest interval is y's (4), so x's window is 2..4 */
	map_msg(&fx->sb, "@k", fth_type_string(&fx->arena, 4), t, e, 2, 1, 0);
	assert_text(&fx->sb, "{\"type\": \"tseries\", \"data\": {\"@k\": {\"x\": ["
			     "{\"interval_start\":\"1970-01-01 00:00:01.500000000\",\"value\":-7}], \"y\": ["
			     "{\"interval_start\":\"1970-01-01 00:00:02.000000000\",\"value\":2}]}}}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_string_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_attached_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_printf_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_located, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_value_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_value_enum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_value_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_value_tuples_arrays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_value_structs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_value_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_value_specials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_keyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_top_div, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_avg_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lhist_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_keyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_benchmark_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_test_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_tseries, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
