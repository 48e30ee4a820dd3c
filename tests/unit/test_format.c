/* test_format.c - byte-exact checks of printf, print() values, map and
 * histogram text against bpftrace's output (the reference's REAL outputs,
 * adapted to current bpftrace where it differs from 0.17: "@h:" without a
 * trailing space, stats as a record, no blank line after avg/stats maps,
 * single-value lhist rows for step 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "format.h"
#include "gfp.h"
#include "stacks.h"
#include "syscalls.h"
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

/* Compare the whole buffer, including its length (catches stray NULs). */
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

static struct fth_type *buffer_type(struct fth_arena *a, uint32_t cap)
{
	return fth_type_new(a, FTH_T_BUFFER, 4 + cap);
}

/* buf() bytes: u32 length then the data. */
static void *make_buffer(struct fth_arena *a, const char *data, uint32_t len, uint32_t cap)
{
	uint8_t *p = fth_arena_alloc(a, 4 + cap);

	memcpy(p, &len, 4);
	memcpy(p + 4, data, len);
	return p;
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
static int64_t *hist_of(struct fth_arena *a, const struct fth_type *t, const int64_t *values,
			size_t n)
{
	int64_t *b = fth_arena_alloc(a, sizeof(int64_t) * (size_t)fth_hist_bucket_count(t));

	for (size_t i = 0; i < n; i++)
		b[fth_hist_bucket_index(t, values[i])]++;
	return b;
}

#define BAR52 "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
#define BAR34 "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  "
#define BAR26 "@@@@@@@@@@@@@@@@@@@@@@@@@@                          "
#define BAR17 "@@@@@@@@@@@@@@@@@                                   "
#define BAR0 "                                                    "

/* Render one printf with n arguments. */
static void render(struct fth_strbuf *sb, const char *fmt, const struct fth_type *const *types,
		   const void *const *args, const struct fth_format_env *env)
{
	struct fth_printf_format f;
	char err[128];
	uint32_t off = 0;

	assert_int_equal(fth_printf_parse(fmt, &f, err, sizeof(err), &off), 0);
	fth_strbuf_reset(sb);
	fth_printf_render(sb, &f, types, args, env);
	fth_printf_format_free(&f);
}

static void expect_parse_error(const char *fmt, const char *msg, uint32_t offset)
{
	struct fth_printf_format f;
	char err[128] = "";
	uint32_t off = 12345;

	assert_int_equal(fth_printf_parse(fmt, &f, err, sizeof(err), &off), -EINVAL);
	assert_string_equal(err, msg);
	assert_int_equal(off, offset);
	assert_null(f.specs);
}

/* A stand-in for the runtime's symbolizer: stacks as bpftrace lays them
 * out (leading newline, frames indented 8 spaces), probes by name. */
struct special_log {
	int calls;
	bool last_in_map_key;
};

static void fake_special(void *ud, struct fth_strbuf *sb, const struct fth_type *t,
			 const void *bytes, bool in_map_key)
{
	struct special_log *log = ud;
	uint64_t v;

	memcpy(&v, bytes, 8);
	log->calls++;
	log->last_in_map_key = in_map_key;
	switch (t->kind) {
	case FTH_T_KSTACK:
		fth_strbuf_puts(sb, "\n        do_nanosleep+0\n        hrtimer_nanosleep+162\n");
		break;
	case FTH_T_PROBE:
		fth_strbuf_puts(sb, "tracepoint:syscalls:sys_enter_openat");
		break;
	default:
		fth_strbuf_printf(sb, "sym_%llx", (unsigned long long)v);
		break;
	}
}

/* ---------------------------------------------------------------------
 * strbuf
 * --------------------------------------------------------------------- */

static void test_strbuf(void **state)
{
	struct fth_strbuf sb;

	fth_strbuf_init(&sb);
	assert_string_equal(fth_strbuf_cstr(&sb), "");
	fth_strbuf_puts(&sb, "ab");
	fth_strbuf_putc(&sb, 'c');
	fth_strbuf_append(&sb, "defg", 2);
	fth_strbuf_printf(&sb, "[%05d]", 42);
	assert_text(&sb, "abcde[00042]");
	for (int i = 0; i < 1000; i++)
		fth_strbuf_printf(&sb, "%d", i % 10);
	assert_int_equal(sb.len, 12 + 1000);
	assert_int_equal(sb.data[sb.len], '\0');
	fth_strbuf_reset(&sb);
	assert_text(&sb, "");
	fth_strbuf_free(&sb);
	assert_null(sb.data);
	(void)state;
}

/* ---------------------------------------------------------------------
 * printf
 * --------------------------------------------------------------------- */

/* The reference's REAL output list (section 7.8). */
static void test_printf_reference_list(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *s16 = fth_type_string(a, 16);
	int64_t ints[] = { -42, 42, 42, 255, 255, 8, -1, 7, 255, 65 };
	char str[16] = "str", right[16] = "right", left[16] = "left";
	int64_t p = 4096, hh = 511, ld = -5;
	const struct fth_type *types[16];
	const void *args[16];
	int n = 0;

	for (int i = 0; i < 10; i++) {
		types[n] = i64();
		args[n++] = &ints[i];
	}
	types[n] = s16, args[n++] = str;
	types[n] = s16, args[n++] = right;
	types[n] = s16, args[n++] = left;
	types[n] = i64(), args[n++] = &p;
	types[n] = i64(), args[n++] = &hh;
	types[n] = i64(), args[n++] = &ld;
	render(&fx->sb,
	       "[%d] [%5d] [%-5d|] [%x] [%X] [%o] [%u] [%lu] [%llx] [%c] [%s] [%10s] [%-10s|] [%%] "
	       "[%p] [%hhx] [%ld]",
	       types, args, NULL);
	assert_text(&fx->sb, "[-42] [   42] [42   |] [ff] [FF] [10] [4294967295] [7] [ff] [A] [str] "
			     "[     right] [left      |] [%] [0x1000] [ff] [-5]");
}

static void test_printf_zero_pad_and_flags(void **state)
{
	struct fixture *fx = *state;
	int64_t v = 42, neg = -7, zero = 0;
	const struct fth_type *t1[] = { i64() };
	const void *a42[] = { &v };
	const struct fth_type *t6[] = { i64(), i64(), i64(), i64(), i64(), i64() };
	const void *a6[] = { &v, &v, &v, &v, &neg, &zero };

	render(&fx->sb, "[%05d]\n", t1, a42, NULL);
	assert_text(&fx->sb, "[00042]\n");
	render(&fx->sb, "%+d|% d|%#x|%#o|%-+5d|%.3d", t6, a6, NULL);
	assert_text(&fx->sb, "+42| 42|0x2a|052|-7   |000");
	render(&fx->sb, "%p", t1, (const void *[]){ &zero }, NULL);
	assert_text(&fx->sb, "(nil)");
}

static void test_printf_length_modifiers(void **state)
{
	struct fixture *fx = *state;
	int64_t x = 0x12345678abcdefLL, big = 0x100000005LL, minus1 = -1;
	const struct fth_type *t4[] = { i64(), i64(), i64(), i64() };
	const void *a4[] = { &x, &x, &x, &x };

	/* bpftrace's runtime test printf_length_modifiers. */
	render(&fx->sb, "%hhx %hx %x %jx", t4, a4, NULL);
	assert_text(&fx->sb, "ef cdef 78abcdef 12345678abcdef");

	/* Plain %d/%u take an int, like C; l/ll/j/z/t keep 64 bits. */
	const void *b4[] = { &big, &big, &big, &big };
	render(&fx->sb, "%d %ld %lld %zd", t4, b4, NULL);
	assert_text(&fx->sb, "5 4294967301 4294967301 4294967301");
	const void *m4[] = { &minus1, &minus1, &minus1, &minus1 };
	render(&fx->sb, "%u %lu %hu %hhu", t4, m4, NULL);
	assert_text(&fx->sb, "4294967295 18446744073709551615 65535 255");
	render(&fx->sb, "%hhd %hd %i %llx", t4, m4, NULL);
	assert_text(&fx->sb, "-1 -1 -1 ffffffffffffffff");
}

static void test_printf_small_int_types(void **state)
{
	struct fixture *fx = *state;
	int8_t s8 = -1;
	uint8_t u8 = 255;
	uint16_t u16 = 65535;
	int32_t s32 = -100;
	uint8_t yes = 1;
	const struct fth_type *t[] = { fth_type_int(1, true), fth_type_int(1, false),
				       fth_type_int(2, false), fth_type_int(4, true),
				       fth_type_int(1, true), fth_type_bool() };
	const void *a[] = { &s8, &u8, &u16, &s32, &s8, &yes };

	/* Signed sources sign-extend before the C conversion. */
	render(&fx->sb, "%d %d %d %d %u %d", t, a, NULL);
	assert_text(&fx->sb, "-1 255 65535 -100 4294967295 1");
}

static void test_printf_char(void **state)
{
	struct fixture *fx = *state;
	int64_t c[] = { 0x41, 0x42, 0x43, 0x44 };
	const struct fth_type *t[] = { i64(), i64(), i64(), i64() };
	const void *a[] = { &c[0], &c[1], &c[2], &c[3] };

	render(&fx->sb, "%c%c%c%c\n", t, a, NULL);
	assert_text(&fx->sb, "ABCD\n");
	render(&fx->sb, "[%3c|%-3c]", t, a, NULL);
	assert_text(&fx->sb, "[  A|B  ]");
}

static void test_printf_strings(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *s8 = fth_type_string(&fx->arena, 8);
	char full[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' }; /* no NUL: truncated */
	char shortstr[8] = "ab";
	char nul_inside[8] = { 'x', 0, 'y', 0 };
	const struct fth_type *t3[] = { s8, s8, s8 };
	const void *a3[] = { full, shortstr, nul_inside };

	render(&fx->sb, "[%s] [%s] [%s]", t3, a3, NULL);
	assert_text(&fx->sb, "[abcdefgh..] [ab] [x]");
	/* A missing argument (NULL type/bytes) renders as nothing. */
	const struct fth_type *tm[] = { s8, s8, NULL };
	const void *am[] = { shortstr, nul_inside, NULL };
	render(&fx->sb, "[%.1s] [%4s] [%-4s]", tm, am, NULL);
	assert_text(&fx->sb, "[a] [   x] []");

	/* bpftrace's printf_more_arguments. */
	int64_t n1 = 1, n2 = 2, n3 = 3, n4 = 4;
	char sa[8] = "a", sab[8] = "ab", sabc[8] = "abc", sabcd[8] = "abcd";
	const struct fth_type *t8[] = { i64(), s8, i64(), s8, i64(), s8, i64(), s8 };
	const void *a8[] = { &n1, sa, &n2, sab, &n3, sabc, &n4, sabcd };
	render(&fx->sb, "%dst: %sa; %dnd: %sb;; %drd: %sc;;; %dth: %sd;;;;", t8, a8, NULL);
	assert_text(&fx->sb, "1st: aa; 2nd: abb;; 3rd: abcc;;; 4th: abcdd;;;;");

	/* A string is cut short when its bytes fill its type with no NUL
	 * (str() reads one byte more than the type holds, as bpftrace):
	 * the ".." trailer, also under a width; one that ends a byte early
	 * was read whole. */
	struct fth_format_env env = { .trunc_trailer = ".." };
	const struct fth_type *s4 = fth_type_string(&fx->arena, 4);
	char full4[4] = { 'a', 'b', 'c', 'd' }, s3[4] = "abc";
	const struct fth_type *tt[] = { s4, s4, s4 };
	const void *at[] = { full4, s3, full4 };
	render(&fx->sb, "[%s] [%s] [%7s]", tt, at, &env);
	assert_text(&fx->sb, "[abcd..] [abc] [ abcd..]");
}

static void test_printf_s_of_non_strings(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *tup = tuple2(a, i64(), fth_type_string(a, 4));
	uint8_t tupv[16] = { 0 };
	int64_t n = 42, one = 1;
	uint8_t yes = 1;
	uint64_t ptr = 0xffff8881deadbeefULL;
	struct fth_type *pt = fth_type_pointer(a, i64());

	memcpy(tupv, &one, 8);
	memcpy(tupv + 8, "a", 2);
	const struct fth_type *t[] = { i64(), i64(), fth_type_bool(), tup, pt };
	const void *args[] = { &n, &n, &yes, tupv, &ptr };
	render(&fx->sb, "%s|%5s|%s|%s|%s", t, args, NULL);
	assert_text(&fx->sb, "42|   42|true|(1, a)|0xffff8881deadbeef");
}

static void test_printf_specials(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *probe = fth_type_new(a, FTH_T_PROBE, 8);
	struct fth_type *ksym = fth_type_new(a, FTH_T_KSYM, 8);
	struct fth_type *s16 = fth_type_string(a, 16);
	uint64_t id = 3, addr = 0xffffffff81001000ULL;
	char file[16] = "/etc/hostname";
	int64_t flags = 0;
	struct special_log log = { 0 };
	struct fth_format_env env = { .ud = &log, .special = fake_special };
	const struct fth_type *t[] = { probe, s16, i64() };
	const void *args[] = { &id, file, &flags };

	render(&fx->sb, "%s %s flags=%d\n", t, args, &env);
	assert_text(&fx->sb, "tracepoint:syscalls:sys_enter_openat /etc/hostname flags=0\n");
	assert_int_equal(log.calls, 1);
	assert_false(log.last_in_map_key);

	const struct fth_type *tk[] = { ksym };
	const void *ak[] = { &addr };
	render(&fx->sb, "[%-22s]", tk, ak, &env);
	assert_text(&fx->sb, "[sym_ffffffff81001000  ]");
	/* Without an environment a special is its raw number. */
	render(&fx->sb, "%s", tk, ak, NULL);
	assert_text(&fx->sb, "18446744071578849280");
}

static void test_printf_buffers(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *b4 = buffer_type(a, 4), *b2 = buffer_type(a, 2), *b6 = buffer_type(a, 6);
	const struct fth_type *t[] = { b4, b2 };
	const void *args[] = { make_buffer(a, "ab\x01" "c", 4, 4), make_buffer(a, "AB", 2, 2) };

	render(&fx->sb, "[%r] [%rx]\n", t, args, NULL);
	assert_text(&fx->sb, "[ab\\x01c] [\\x41\\x42]\n");

	const struct fth_type *t6[] = { b6 };
	const void *hello[] = { make_buffer(a, "Hello\0", 6, 6) };
	render(&fx->sb, "%rx", t6, hello, NULL);
	assert_text(&fx->sb, "\\x48\\x65\\x6c\\x6c\\x6f\\x00");
	render(&fx->sb, "%rh", t6, hello, NULL);
	assert_text(&fx->sb, "48 65 6c 6c 6f 00");
	render(&fx->sb, "%r|%s", (const struct fth_type *[]){ b6, b6 },
	       (const void *[]){ hello[0], hello[0] }, NULL);
	assert_text(&fx->sb, "Hello\\x00|Hello\\x00");
	/* A length beyond the capacity is clamped, never over-read. */
	const void *bad[] = { make_buffer(a, "xy", 2, 2) };
	memcpy((void *)bad[0], &(uint32_t){ 999 }, 4);
	render(&fx->sb, "%r", t + 1, bad, NULL);
	assert_text(&fx->sb, "xy");
}

/* %gr: compound names first (bpftrace's order), then the single flags
 * left over in bit order, then unknown bits in hex; 0 is "0". The default
 * table is the common Linux 6.10+ layout (IO bit 6, FS 7, ZERO 8, ...). */
static void test_printf_gfp_default_layout(void **state)
{
	struct fixture *fx = *state;
	const struct fth_type *t[] = { u64() };
	static const struct {
		uint64_t value;
		const char *text;
	} cases[] = {
		{ 0, "0" },
		{ 0xcc0, "GFP_KERNEL" },              /* DIRECT|KSWAPD_RECLAIM|IO|FS */
		{ 0x400cc0, "GFP_KERNEL_ACCOUNT" },
		{ 0x820, "GFP_ATOMIC" },              /* HIGH|KSWAPD_RECLAIM */
		{ 0x822, "GFP_ATOMIC|__GFP_HIGHMEM" },
		{ 0x2800, "GFP_NOWAIT" },             /* KSWAPD_RECLAIM|NOWARN */
		{ 0xc00, "GFP_NOIO" },
		{ 0xc40, "GFP_NOIO|__GFP_IO" },       /* GFP_NOFS: NOIO is tried first */
		{ 0x1, "GFP_DMA" },                   /* the compound wins over __GFP_DMA */
		{ 0x4, "GFP_DMA32" },
		{ 0x100cc0, "GFP_KERNEL|__GFP_HARDWALL" }, /* GFP_USER: KERNEL is tried first */
		{ 0x100cc2, "GFP_HIGHUSER" },
		{ 0x100cca, "GFP_HIGHUSER_MOVABLE" },
		/* (HIGHUSER_MOVABLE|COMP|NOMEMALLOC|NOWARN) without reclaim */
		{ 0x1c20ca, "GFP_TRANSHUGE_LIGHT" },
		{ 0x1c24ca, "GFP_TRANSHUGE" },
		{ 0xcc0 | 0x100 | 0x2000, "GFP_KERNEL|__GFP_ZERO|__GFP_NOWARN" },
		{ 0x40, "__GFP_IO" },
		{ 0x1000000, "__GFP_NO_OBJ_EXT" },
		{ 0x200, "0x200" },                   /* ___GFP_UNUSED_BIT is no flag */
		{ 0x80000100, "__GFP_ZERO|0x80000000" },
		{ 0xffffffff00000000ull, "0xffffffff00000000" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const void *args[] = { &cases[i].value };
		render(&fx->sb, "%gr", t, args, NULL);
		assert_text(&fx->sb, cases[i].text);
	}
	/* Padding as for a string; narrower integer types load their size. */
	uint64_t kernel = 0xcc0;
	uint32_t atomic = 0x820;
	render(&fx->sb, "[%-12gr|%12gr]", (const struct fth_type *[]){ u64(), fth_type_int(4, false) },
	       (const void *[]){ &kernel, &atomic }, NULL);
	assert_text(&fx->sb, "[GFP_KERNEL  |  GFP_ATOMIC]");
	/* A non-integer falls back to its print() form, like %s. */
	render(&fx->sb, "%gr", (const struct fth_type *[]){ fth_type_string(&fx->arena, 4) },
	       (const void *[]){ "abc" }, NULL);
	assert_text(&fx->sb, "abc");
}

/* Another kernel's layout (lockdep on: NOLOCKDEP takes bit 24, listed
 * out of order, no NO_OBJ_EXT, no ACCOUNT): names follow the given bits,
 * and compounds lose only the flags this kernel lacks. */
static void test_printf_gfp_kernel_layout(void **state)
{
	struct fixture *fx = *state;
	static const char *const names[] = {
		"NOLOCKDEP", "LAST", "DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE", "HIGH", "IO", "FS",
		"ZERO", "UNUSED", "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "WRITE", "NOWARN",
	};
	/* every flag one bit above the default layout */
	static const int bits[] = { 24, 25, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
	struct fth_gfp_names table;
	struct fth_format_env env = { .gfp = &table };
	const struct fth_type *t[] = { u64() };
	uint64_t v;

	fth_gfp_names_build(&table, names, bits, (int)(sizeof(names) / sizeof(names[0])));
	assert_string_equal(table.singles[0].name, "__GFP_DMA");
	assert_int_equal(table.singles[0].mask, 0x2);
	assert_string_equal(table.singles[table.nsingles - 1].name, "__GFP_NOLOCKDEP");

	v = 0x1980; /* DIRECT|KSWAPD_RECLAIM|IO|FS one bit up */
	render(&fx->sb, "%gr", t, (const void *[]){ &v }, &env);
	assert_text(&fx->sb, "GFP_KERNEL");
	v = 0x1000000 | 0x2 | 0x1; /* NOLOCKDEP, DMA, and bit 0 that names nothing here */
	render(&fx->sb, "%gr", t, (const void *[]){ &v }, &env);
	assert_text(&fx->sb, "GFP_DMA|__GFP_NOLOCKDEP|0x1");
	v = 0x2000000; /* ___GFP_LAST_BIT is a count, not a flag */
	render(&fx->sb, "%gr", t, (const void *[]){ &v }, &env);
	assert_text(&fx->sb, "0x2000000");
	v = 0x1980 | 0x400000; /* no ACCOUNT flag: bit 22 is unknown, no GFP_KERNEL_ACCOUNT */
	render(&fx->sb, "%gr", t, (const void *[]){ &v }, &env);
	assert_text(&fx->sb, "GFP_KERNEL|0x400000");
}

static void test_printf_gfp_parse(void **state)
{
	struct fth_printf_format f;
	char err[96];
	uint32_t off = 0;

	assert_int_equal(fth_printf_parse("a %-8gr b %d", &f, err, sizeof(err), &off), 0);
	assert_int_equal(f.nargs, 2);
	assert_int_equal(f.specs[0].conv, FTH_CONV_GFP);
	assert_int_equal(f.specs[0].width, 8);
	assert_int_equal(f.specs[0].end - f.specs[0].begin, 5); /* "%-8gr" */
	fth_printf_format_free(&f);
	/* Without the 'r' it is still C's float %g, which is refused. */
	expect_parse_error("x %g", "floating-point conversion '%g' is not supported", 2);
	(void)state;
}

/* typeinfo()'s names of types, as bpftrace spells them. */
static void test_type_typeinfo_names(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *task = fth_type_new(a, FTH_T_STRUCT, 64);
	struct fth_type *tuple = tuple2(a, i64(), fth_type_string(a, 4));
	struct fth_type *record = tuple2(a, fth_type_int(4, false), fth_type_bool());
	const char *names[] = { "RED" };
	int64_t values[] = { 1 };
	struct fth_enum color = { .name = "enum color", .count = 1, .names = names, .values = values };
	struct fth_type *enumerator = fth_type_enum64(a, &color);
	struct fth_type *stack = fth_type_new(a, FTH_T_KSTACK, 8);
	static const struct {
		const char *base, *full;
	} want[] = {
		{ "int", "uint16" },
		{ "int", "int64" },
		{ "string", "string[6]" },
		{ "pointer", "struct task_struct *" },
		{ "c_struct", "struct task_struct" },
		{ "array", "uint8[4]" },
		{ "tuple", "(int64,string[4])" },
		{ "record", "record { .n = uint32, .ok = bool }" },
		{ "int", "enum color" },
		{ "bool", "bool" },
		{ "kstack", "stack_perf_5" },
		{ "count_t", "count_t" },
	};
	const struct fth_type *types[sizeof(want) / sizeof(want[0])];

	task->name = "struct task_struct";
	record->fields[0].name = "n";
	record->fields[1].name = "ok";
	stack->stack_mode = FTH_STACK_PERF;
	stack->stack_limit = 5;
	types[0] = fth_type_int(2, false);
	types[1] = i64();
	types[2] = fth_type_string(a, 6);
	types[3] = fth_type_pointer(a, task);
	types[4] = task;
	types[5] = fth_type_array(a, fth_type_int(1, false), 4);
	types[6] = tuple;
	types[7] = record;
	types[8] = enumerator;
	types[9] = fth_type_bool();
	types[10] = stack;
	types[11] = fth_type_agg(a, FTH_AGG_COUNT);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(fth_type_base_name(types[i]), want[i].base);
		assert_string_equal(fth_type_full_name(a, types[i]), want[i].full);
	}
}

static void test_printf_parse_structure(void **state)
{
	struct fth_printf_format f;
	char err[64];
	uint32_t off;

	assert_int_equal(fth_printf_parse("a %-08.3lld b %% %rx%rh%r %s", &f, err, sizeof(err), &off), 0);
	assert_int_equal(f.nspecs, 6);
	assert_int_equal(f.nargs, 5);
	assert_int_equal(f.specs[0].begin, 2);
	assert_int_equal(f.specs[0].end, 11);
	assert_int_equal(f.specs[0].conv, FTH_CONV_INT);
	assert_int_equal(f.specs[0].conv_char, 'd');
	assert_string_equal(f.specs[0].flags, "-0");
	assert_int_equal(f.specs[0].width, 8);
	assert_int_equal(f.specs[0].precision, 3);
	assert_string_equal(f.specs[0].length, "ll");
	assert_int_equal(f.specs[1].conv, FTH_CONV_PERCENT);
	assert_int_equal(f.specs[2].conv, FTH_CONV_BUFFER);
	assert_int_equal(f.specs[2].buf_style, 'x');
	assert_int_equal(f.specs[3].buf_style, 'h');
	assert_int_equal(f.specs[4].buf_style, 0);
	assert_int_equal(f.specs[4].begin, 23);
	assert_int_equal(f.specs[4].end, 25);
	assert_int_equal(f.specs[5].conv, FTH_CONV_STRING);
	assert_int_equal(f.specs[5].width, -1);
	assert_int_equal(f.specs[5].precision, -1);
	assert_string_equal(f.specs[5].length, "");
	fth_printf_format_free(&f);

	/* Repeated flags are kept once; "%.d" is precision 0. */
	assert_int_equal(fth_printf_parse("%--+-5.d", &f, err, sizeof(err), &off), 0);
	assert_string_equal(f.specs[0].flags, "-+");
	assert_int_equal(f.specs[0].precision, 0);
	fth_printf_format_free(&f);

	assert_int_equal(fth_printf_parse("no specs", &f, err, sizeof(err), &off), 0);
	assert_int_equal(f.nspecs, 0);
	assert_int_equal(f.nargs, 0);
	fth_printf_format_free(&f);
	(void)state;
}

static void test_printf_percent_only(void **state)
{
	struct fixture *fx = *state;

	render(&fx->sb, "100%% done%%\n", NULL, NULL, NULL);
	assert_text(&fx->sb, "100% done%\n");
}

/* As in bpftrace, a '%' without the shape of a conversion is plain text. */
static void test_printf_stray_percent_is_text(void **state)
{
	struct fixture *fx = *state;
	const struct fth_type *types[] = { i64() };
	int64_t v = 7;
	const void *args[] = { &v };
	struct fth_printf_format f;
	char err[128];
	uint32_t off = 0;

	render(&fx->sb, "disk 90%; %q %5.3q %-5l %lll %d at 100%", types, args, NULL);
	assert_text(&fx->sb, "disk 90%; %q %5.3q %-5l %lll 7 at 100%");
	assert_int_equal(fth_printf_parse("a 100% b %q", &f, err, sizeof(err), &off), 0);
	assert_int_equal(f.nspecs, 0);
	assert_int_equal(f.nargs, 0);
	fth_printf_format_free(&f);
	/* "% d" is a conversion with the space flag, so it takes an argument. */
	assert_int_equal(fth_printf_parse("100% done %d", &f, err, sizeof(err), &off), 0);
	assert_int_equal(f.nargs, 2);
	assert_string_equal(f.specs[0].flags, " ");
	assert_int_equal(f.specs[0].begin, 3);
	assert_int_equal(f.specs[0].end, 6);
	fth_printf_format_free(&f);
}

static void test_printf_errors(void **state)
{
	expect_parse_error("ok %d then %llld", "invalid conversion '%lll'", 11);
	expect_parse_error("%Ld", "invalid conversion '%Ld'", 0);
	expect_parse_error("%f", "floating-point conversion '%f' is not supported", 0);
	expect_parse_error("%8.2g", "floating-point conversion '%8.2g' is not supported", 0);
	expect_parse_error("%n", "conversion '%n' is not supported", 0);
	expect_parse_error("%*d", "'*' field width is not supported; write the width into the format",
			   0);
	expect_parse_error("%.*s",
			   "'*' precision is not supported; write the precision into the format", 0);
	expect_parse_error("%99999999d", "field width in format specifier is too large (at most 65535)",
			   0);
	expect_parse_error("%.70000d", "precision in format specifier is too large (at most 65535)", 0);
	expect_parse_error("%Lf", "floating-point conversion '%Lf' is not supported", 0);
	(void)state;
}

/* ---------------------------------------------------------------------
 * print() values
 * --------------------------------------------------------------------- */

static void fmt(struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
		const struct fth_format_env *env)
{
	fth_strbuf_reset(sb);
	fth_format_value(sb, t, bytes, env);
}

/* Values of a script enum print as the enumerator; others as numbers. */
static void test_value_enum(void **state)
{
	struct fixture *fx = *state;
	const char *names[] = { "ONE", "MANY" };
	int64_t values[] = { 1, 1000 };
	struct fth_enum e = { .name = "enum E", .count = 2, .names = names, .values = values };
	struct fth_type t = *i64();
	int64_t v = 1000;

	t.enum_def = &e;
	fmt(&fx->sb, &t, &v, NULL);
	assert_text(&fx->sb, "MANY");
	v = 1;
	fmt(&fx->sb, &t, &v, NULL);
	assert_text(&fx->sb, "ONE");
	v = 2;
	fmt(&fx->sb, &t, &v, NULL);
	assert_text(&fx->sb, "2");
	fmt(&fx->sb, i64(), &v, NULL);
	assert_text(&fx->sb, "2");
}

/* An unsigned 4-byte enum (a tuple element keeps that width) with values
 * from 2^31 up: found by name, and a value without one is unsigned. */
static void test_value_enum_unsigned_high(void **state)
{
	struct fixture *fx = *state;
	const char *names[] = { "BIG", "TOP" };
	int64_t values[] = { 0x80000001, 0xffffffff };
	struct fth_enum e = { .name = "enum E", .count = 2, .names = names, .values = values };
	struct fth_type t = *fth_type_int(4, false);
	uint32_t v = 0x80000001;

	t.enum_def = &e;
	fmt(&fx->sb, &t, &v, NULL);
	assert_text(&fx->sb, "BIG");
	v = 0xffffffff;
	fmt(&fx->sb, &t, &v, NULL);
	assert_text(&fx->sb, "TOP");
	v = 0x80000002;
	fmt(&fx->sb, &t, &v, NULL);
	assert_text(&fx->sb, "2147483650");
	/* A signed enum's -1 is still -1. */
	const char *neg_names[] = { "INVALID" };
	int64_t neg_values[] = { -1 };
	struct fth_enum se = { .name = "enum S", .count = 1, .names = neg_names, .values = neg_values };
	struct fth_type st = *fth_type_int(4, true);
	int32_t sv = -1;
	st.enum_def = &se;
	fmt(&fx->sb, &st, &sv, NULL);
	assert_text(&fx->sb, "INVALID");
	sv = -2;
	fmt(&fx->sb, &st, &sv, NULL);
	assert_text(&fx->sb, "-2");
}

static void test_value_ints_bools(void **state)
{
	struct fixture *fx = *state;
	int8_t s8 = -1;
	uint8_t u8 = 255;
	int16_t s16 = -300;
	uint32_t u32 = 4000000000u;
	int64_t smin = INT64_MIN;
	uint64_t umax = UINT64_MAX;
	uint8_t t = 1, f = 0;

	fmt(&fx->sb, fth_type_int(1, true), &s8, NULL);
	assert_text(&fx->sb, "-1");
	fmt(&fx->sb, fth_type_int(1, false), &u8, NULL);
	assert_text(&fx->sb, "255");
	fmt(&fx->sb, fth_type_int(2, true), &s16, NULL);
	assert_text(&fx->sb, "-300");
	fmt(&fx->sb, fth_type_int(4, false), &u32, NULL);
	assert_text(&fx->sb, "4000000000");
	fmt(&fx->sb, i64(), &smin, NULL);
	assert_text(&fx->sb, "-9223372036854775808");
	fmt(&fx->sb, u64(), &umax, NULL);
	assert_text(&fx->sb, "18446744073709551615");
	fmt(&fx->sb, fth_type_bool(), &t, NULL);
	assert_text(&fx->sb, "true");
	fmt(&fx->sb, fth_type_bool(), &f, NULL);
	assert_text(&fx->sb, "false");
	fmt(&fx->sb, fth_type_none(), "", NULL);
	assert_text(&fx->sb, "null");
	/* a float member has no value fathom can show: bpftrace's none */
	fmt(&fx->sb, fth_type_float(8), &umax, NULL);
	assert_text(&fx->sb, "null");
	assert_string_equal(fth_type_describe(&fx->arena, fth_type_float(4)), "float");
}

/* macaddr() values: six bytes, upper-case hex; signal_name()'s table:
 * strsignal(3)'s words for 0..64, "N/A" past them. */
static void test_value_macaddr_signal(void **state)
{
	struct fixture *fx = *state;
	const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x0a, 0xbc };
	struct fth_type *mt = fth_type_new(&fx->arena, FTH_T_MACADDR, 6);
	const struct { int64_t sig; const char *text; } sigs[] = {
		{ 0, "Unknown signal 0" }, { 9, "Killed" }, { 17, "Child exited" }, { 31, "Bad system call" },
		{ 32, "Unknown signal 32" }, { 33, "Unknown signal 33" }, { 34, "Real-time signal 0" },
		{ 64, "Real-time signal 30" }, { 65, "N/A" }, { -1, "N/A" },
	};
	char buf[32];

	fmt(&fx->sb, mt, mac, NULL);
	assert_text(&fx->sb, "02:00:5E:10:0A:BC");
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		assert_string_equal(fth_signal_description(sigs[i].sig, buf, sizeof(buf)), sigs[i].text);
	}
	assert_string_equal(fth_type_describe(&fx->arena, mt), "macaddr_t");
}

/* syscall_name()'s table: the build's uapi header, the x86-64 calls newer
 * than it and the x32 ones (512 and up), as bpftrace's table has them;
 * numbers without a call have no name. */
static void test_syscall_names(void **state)
{
	const struct { uint64_t nr; const char *name; } calls[] = {
		{ 0, "read" }, { 59, "execve" }, { 231, "exit_group" }, { 335, "uretprobe" },
		{ 451, "cachestat" }, { 462, "mseal" }, { 469, "file_setattr" },
		{ 512, "rt_sigaction" }, { 520, "execve" }, { 547, "pwritev2" },
	};
	int64_t nr;

	(void)state;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_non_null(fth_syscall_name(calls[i].nr));
		assert_string_equal(fth_syscall_name(calls[i].nr), calls[i].name);
	}
	assert_null(fth_syscall_name(400));
	assert_null(fth_syscall_name(1000));
	assert_null(fth_syscall_name(UINT64_MAX));
	/* __NR_execve: the x86-64 number, not the x32 one */
	assert_true(fth_syscall_number("execve", &nr));
	assert_int_equal(nr, 59);
}

static void test_value_strings_pointers(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *s4 = fth_type_string(&fx->arena, 4);
	struct fth_type *p = fth_type_pointer(&fx->arena, i64());
	uint64_t addr = 0x1000, null = 0;

	fmt(&fx->sb, s4, "s\0\0\0", NULL);
	assert_text(&fx->sb, "s");
	fmt(&fx->sb, s4, "abcd", NULL); /* filled to the brim: truncated */
	assert_text(&fx->sb, "abcd..");
	fmt(&fx->sb, s4, "\0\0\0\0", NULL);
	assert_text(&fx->sb, "");
	fmt(&fx->sb, p, &addr, NULL);
	assert_text(&fx->sb, "0x1000");
	fmt(&fx->sb, p, &null, NULL);
	assert_text(&fx->sb, "0x0");
}

static void test_value_tuples(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *inner = tuple2(a, i64(), i64());
	struct fth_type *elems[] = { i64(), fth_type_string(a, 8), inner };
	struct fth_type *outer = fth_type_tuple(a, elems, 3);
	uint8_t bytes[32] = { 0 };
	int64_t one = 1, three = 3, four = 4;

	/* Layout from fth_type_tuple: int64 @0, string[8] @8, (int64, int64) @16. */
	assert_int_equal(outer->size, 32);
	memcpy(bytes + outer->fields[0].offset, &one, 8);
	memcpy(bytes + outer->fields[1].offset, "two", 4);
	memcpy(bytes + outer->fields[2].offset, &three, 8);
	memcpy(bytes + outer->fields[2].offset + 8, &four, 8);
	fmt(&fx->sb, outer, bytes, NULL);
	assert_text(&fx->sb, "(1, two, (3, 4))");

	/* print((1, "a")) with a small int and padding between fields. */
	struct fth_type *small = tuple2(a, fth_type_int(1, true), fth_type_string(a, 2));
	fmt(&fx->sb, small, "\x01" "a\0", NULL);
	assert_text(&fx->sb, "(1, a)");

	fmt(&fx->sb, fth_type_tuple(a, NULL, 0), "", NULL);
	assert_text(&fx->sb, "()");
}

static void test_value_arrays(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	int32_t four[4] = { 1, 2, 3, 4 };
	int32_t twod[2][2] = { { 5, 6 }, { 7, 8 } };
	uint8_t v6[16] = { 0 };
	struct fth_type *row = fth_type_array(a, fth_type_int(4, true), 2);

	fmt(&fx->sb, fth_type_array(a, fth_type_int(4, true), 4), four, NULL);
	assert_text(&fx->sb, "[1,2,3,4]");
	fmt(&fx->sb, fth_type_array(a, row, 2), twod, NULL);
	assert_text(&fx->sb, "[[5,6],[7,8]]");
	v6[15] = 1; /* print(pton("::1")) */
	fmt(&fx->sb, fth_type_array(a, fth_type_int(1, false), 16), v6, NULL);
	assert_text(&fx->sb, "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]");
	fmt(&fx->sb, fth_type_array(a, fth_type_int(1, false), 4), "\x01\x02\x03\x04", NULL);
	assert_text(&fx->sb, "[1,2,3,4]");
}

static struct fth_type *struct_type(struct fth_arena *a, const char *name, uint32_t size,
				    int nfields)
{
	struct fth_type *t = fth_type_new(a, FTH_T_STRUCT, size);

	t->name = name;
	t->nfields = nfields;
	t->fields = fth_arena_alloc(a, sizeof(struct fth_field) * (size_t)(nfields ? nfields : 1));
	return t;
}

static void test_value_structs(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	/* struct Foo { int a; char b[10]; int c; } -> { .a = 7, .b = xyz, .c = -3 } */
	struct fth_type *foo = struct_type(a, "struct Foo", 20, 3);
	uint8_t bytes[20] = { 0 };
	int32_t av = 7, cv = -3;

	foo->fields[0] = (struct fth_field){ .name = "a", .type = fth_type_int(4, true), .offset = 0 };
	foo->fields[1] = (struct fth_field){ .name = "b", .type = fth_type_string(a, 10), .offset = 4 };
	foo->fields[2] = (struct fth_field){ .name = "c", .type = fth_type_int(4, true), .offset = 16 };
	memcpy(bytes, &av, 4);
	memcpy(bytes + 4, "xyz", 3);
	memcpy(bytes + 16, &cv, 4);
	fmt(&fx->sb, foo, bytes, NULL);
	assert_text(&fx->sb, "{ .a = 7, .b = xyz, .c = -3 }");

	/* Nested struct with a pointer: { .mnt = 0x..., .p = { .m = 2, .n = 3 } } */
	struct fth_type *mn = struct_type(a, "struct MN", 8, 2);
	mn->fields[0] = (struct fth_field){ .name = "m", .type = fth_type_int(4, true), .offset = 0 };
	mn->fields[1] = (struct fth_field){ .name = "n", .type = fth_type_int(4, true), .offset = 4 };
	struct fth_type *outer = struct_type(a, "struct O", 16, 2);
	outer->fields[0] = (struct fth_field){ .name = "mnt", .type = fth_type_pointer(a, mn),
					       .offset = 0 };
	outer->fields[1] = (struct fth_field){ .name = "p", .type = mn, .offset = 8 };
	uint8_t ob[16];
	uint64_t ptr = 0xffff888012345678ULL;
	int32_t m = 2, n = 3;
	memcpy(ob, &ptr, 8);
	memcpy(ob + 8, &m, 4);
	memcpy(ob + 12, &n, 4);
	fmt(&fx->sb, outer, ob, NULL);
	assert_text(&fx->sb, "{ .mnt = 0xffff888012345678, .p = { .m = 2, .n = 3 } }");

	fmt(&fx->sb, struct_type(a, "struct empty", 0, 0), "", NULL);
	assert_text(&fx->sb, "{}");

	/* Bitfields as bpftrace reads them, (raw >> offset) & mask: unsigned
	 * x:3 at bit 0 and signed y:4 at bit 3 in one u32, signed z:32 as wide
	 * as its type in the next, signed h:16 as wide as its short and signed
	 * t:3 in the one after. Only z and h keep their type's sign. */
	struct fth_type *bits = struct_type(a, "struct B", 12, 5);
	bits->fields[0] = (struct fth_field){ .name = "x", .type = fth_type_int(4, false),
					      .bit_offset = 0, .bit_size = 3 };
	bits->fields[1] = (struct fth_field){ .name = "y", .type = fth_type_int(4, true),
					      .bit_offset = 3, .bit_size = 4 };
	bits->fields[2] = (struct fth_field){ .name = "z", .type = fth_type_int(4, true),
					      .offset = 4, .bit_size = 32 };
	bits->fields[3] = (struct fth_field){ .name = "h", .type = fth_type_int(2, true),
					      .offset = 8, .bit_size = 16 };
	bits->fields[4] = (struct fth_field){ .name = "t", .type = fth_type_int(2, true),
					      .offset = 10, .bit_offset = 2, .bit_size = 3 };
	uint32_t words[3] = { 5u | (0xEu << 3) | 0xff000000u, (uint32_t)-5,
			      0xfffeu | (0x7u << 18) }; /* y, h and t hold -2, -2 and -1 */
	fmt(&fx->sb, bits, words, NULL);
	assert_text(&fx->sb, "{ .x = 5, .y = 14, .z = -5, .h = -2, .t = 7 }");
}

static void test_value_buffers_inet(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *inet = fth_type_new(a, FTH_T_INET, 20);
	uint8_t v4[20] = { 2, 0, 0, 0, 127, 0, 0, 1 };
	uint8_t v6[20] = { 10, 0, 0, 0 };

	fmt(&fx->sb, buffer_type(a, 8), make_buffer(a, "ok_value", 8, 8), NULL);
	assert_text(&fx->sb, "ok_value");
	fmt(&fx->sb, buffer_type(a, 8), make_buffer(a, "ok_key\0\0", 8, 8), NULL);
	assert_text(&fx->sb, "ok_key\\x00\\x00");
	fmt(&fx->sb, buffer_type(a, 8), make_buffer(a, "hello", 5, 8), NULL);
	assert_text(&fx->sb, "hello");
	fmt(&fx->sb, inet, v4, NULL);
	assert_text(&fx->sb, "127.0.0.1");
	v6[19] = 1;
	fmt(&fx->sb, inet, v6, NULL);
	assert_text(&fx->sb, "::1");
}

static void test_value_specials(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *ks = fth_type_new(&fx->arena, FTH_T_KSTACK, 8);
	struct special_log log = { 0 };
	struct fth_format_env env = { .ud = &log, .special = fake_special };
	struct fth_format_env no_cb = { .ud = NULL, .special = NULL };
	uint64_t id = 17;

	/* print(kstack): leading newline, frames indented 8, newline-terminated. */
	fmt(&fx->sb, ks, &id, &env);
	assert_text(&fx->sb, "\n        do_nanosleep+0\n        hrtimer_nanosleep+162\n");
	assert_int_equal(log.calls, 1);
	assert_false(log.last_in_map_key);
	fmt(&fx->sb, ks, &id, &no_cb);
	assert_text(&fx->sb, "17");
	fmt(&fx->sb, ks, &id, NULL);
	assert_text(&fx->sb, "17");
}

static void test_value_aggregates(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_agg_avg st = { .count = 1, .total = 4 };
	struct fth_agg_avg none = { .count = 0, .total = 0 };
	int64_t c = 5;

	fmt(&fx->sb, fth_type_agg(a, FTH_AGG_STATS), &st, NULL);
	assert_text(&fx->sb, "{ .count = 1, .average = 4, .total = 4 }");
	fmt(&fx->sb, fth_type_agg(a, FTH_AGG_AVG), &none, NULL);
	assert_text(&fx->sb, "0");
	fmt(&fx->sb, fth_type_agg(a, FTH_AGG_COUNT), &c, NULL);
	assert_text(&fx->sb, "5");
}

/* ---------------------------------------------------------------------
 * Histogram buckets
 * --------------------------------------------------------------------- */

static void test_hist_bucket_index_k0(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *h = hist_type(&fx->arena, 0);

	assert_int_equal(fth_hist_bucket_count(h), 66);
	assert_int_equal(fth_hist_bucket_index(h, INT64_MIN), 0);
	assert_int_equal(fth_hist_bucket_index(h, -1), 0);
	assert_int_equal(fth_hist_bucket_index(h, 0), 1);
	assert_int_equal(fth_hist_bucket_index(h, 1), 2);
	assert_int_equal(fth_hist_bucket_index(h, 2), 3);
	assert_int_equal(fth_hist_bucket_index(h, 3), 3);
	assert_int_equal(fth_hist_bucket_index(h, 4), 4);
	assert_int_equal(fth_hist_bucket_index(h, 1023), 11);
	assert_int_equal(fth_hist_bucket_index(h, 1024), 12);
	assert_int_equal(fth_hist_bucket_index(h, 1LL << 40), 42);
	assert_int_equal(fth_hist_bucket_index(h, INT64_MAX), 64);
	/* The largest index of every k fits the bucket count. */
	for (int k = 0; k <= 5; k++) {
		struct fth_type *hk = hist_type(&fx->arena, k);
		assert_int_equal(fth_hist_bucket_index(hk, INT64_MAX), (64 - k) << k);
		assert_true(fth_hist_bucket_index(hk, INT64_MAX) < fth_hist_bucket_count(hk));
	}
}

static void test_hist_bucket_index_k1_k2(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *h1 = hist_type(&fx->arena, 1);
	struct fth_type *h2 = hist_type(&fx->arena, 2);
	const int64_t v1[] = { -5, 0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 1023, 1024 };
	const int e1[] = { 0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 20, 21 };

	for (size_t i = 0; i < sizeof(v1) / sizeof(v1[0]); i++)
		assert_int_equal(fth_hist_bucket_index(h1, v1[i]), e1[i]);
	const int64_t v2[] = { -1, 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 15, 16, 224, 1024 };
	const int e2[] = { 0, 1, 2, 3, 4, 5, 6, 8, 9, 9, 10, 11, 12, 13, 28, 37 };

	for (size_t i = 0; i < sizeof(v2) / sizeof(v2[0]); i++)
		assert_int_equal(fth_hist_bucket_index(h2, v2[i]), e2[i]);
}

static void test_lhist_bucket_index(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *l = lhist_type(&fx->arena, 0, 10, 2);
	struct fth_type *odd = lhist_type(&fx->arena, 0, 10, 3);
	struct fth_type *neg = lhist_type(&fx->arena, -10, 10, 5);

	assert_int_equal(fth_hist_bucket_count(l), 7);
	assert_int_equal(fth_hist_bucket_index(l, -1), 0);
	assert_int_equal(fth_hist_bucket_index(l, 0), 1);
	assert_int_equal(fth_hist_bucket_index(l, 1), 1);
	assert_int_equal(fth_hist_bucket_index(l, 2), 2);
	assert_int_equal(fth_hist_bucket_index(l, 9), 5);
	assert_int_equal(fth_hist_bucket_index(l, 10), 6); /* == max: overflow */
	assert_int_equal(fth_hist_bucket_index(l, 11), 6);
	assert_int_equal(fth_hist_bucket_index(l, INT64_MAX), 6);
	assert_int_equal(fth_hist_bucket_index(l, INT64_MIN), 0);
	/* step not dividing max - min: the last partial bucket is the overflow */
	assert_int_equal(fth_hist_bucket_count(odd), 5);
	assert_int_equal(fth_hist_bucket_index(odd, 8), 3);
	assert_int_equal(fth_hist_bucket_index(odd, 9), 4);
	assert_int_equal(fth_hist_bucket_index(odd, 10), 4);
	assert_int_equal(fth_hist_bucket_count(neg), 6);
	assert_int_equal(fth_hist_bucket_index(neg, -11), 0);
	assert_int_equal(fth_hist_bucket_index(neg, -10), 1);
	assert_int_equal(fth_hist_bucket_index(neg, -6), 1);
	assert_int_equal(fth_hist_bucket_index(neg, -5), 2);
	assert_int_equal(fth_hist_bucket_index(neg, 9), 4);
	assert_int_equal(fth_hist_bucket_index(neg, 10), 5);
	/* Degenerate parameters never divide by zero. */
	assert_int_equal(fth_hist_bucket_count(lhist_type(&fx->arena, 0, 10, 0)), 2);
	assert_int_equal(fth_hist_bucket_index(lhist_type(&fx->arena, 0, 10, 0), 5), 0);
}

/* ---------------------------------------------------------------------
 * Histogram rows
 * --------------------------------------------------------------------- */

static void print_hist(struct fixture *fx, const struct fth_type *t, const int64_t *values, size_t n)
{
	fth_strbuf_reset(&fx->sb);
	fth_hist_print_text(&fx->sb, t, hist_of(&fx->arena, t, values, n));
}

/* tests/runtime/outputs/hist.txt: hist(-1), hist(2), hist(3), hist(7), hist(20). */
static void test_hist_rows_runtime_expectation(void **state)
{
	struct fixture *fx = *state;
	const int64_t v[] = { -1, 2, 3, 7, 20 };

	print_hist(fx, hist_type(&fx->arena, 0), v, 5);
	assert_text(&fx->sb, "(..., 0)               1 |" BAR26 "|\n"
			     "[0]                    0 |" BAR0 "|\n"
			     "[1]                    0 |" BAR0 "|\n"
			     "[2, 4)                 2 |" BAR52 "|\n"
			     "[4, 8)                 1 |" BAR26 "|\n"
			     "[8, 16)                0 |" BAR0 "|\n"
			     "[16, 32)               1 |" BAR26 "|\n");
}

/* Section 9.3's first example, values >= 2^32 in their own buckets (the
 * 0.17 truncation bug is not reproduced). */
static void test_hist_rows_suffixes(void **state)
{
	struct fixture *fx = *state;
	const int64_t v[] = { -1, 0, 0, 1, 2, 3, 1024, 1500, 3 * 1048576, 1LL << 30,
			      3LL << 30, 3LL << 30, 3LL << 30, 1LL << 40, 1LL << 50, 1LL << 62 };
	/* max 3: a count of 2 draws 34 '@', a count of 1 draws 17 */
	const char *expect[] = {
		"(..., 0)               1 |" BAR17 "|\n",
		"[0]                    2 |" BAR34 "|\n",
		"[1]                    1 |" BAR17 "|\n",
		"[2, 4)                 2 |" BAR34 "|\n",
		"[4, 8)                 0 |" BAR0 "|\n",
		"[512, 1K)              0 |" BAR0 "|\n",
		"[1K, 2K)               2 |" BAR34 "|\n",
		"[2M, 4M)               1 |" BAR17 "|\n",
		"[1G, 2G)               1 |" BAR17 "|\n",
		"[2G, 4G)               3 |" BAR52 "|\n",
		"[1T, 2T)               1 |" BAR17 "|\n",
		"[1P, 2P)               1 |" BAR17 "|\n",
		"[4E, 8E)               1 |" BAR17 "|\n",
	};
	int lines = 0;

	print_hist(fx, hist_type(&fx->arena, 0), v, sizeof(v) / sizeof(v[0]));
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		assert_non_null(strstr(fth_strbuf_cstr(&fx->sb), expect[i]));
	for (const char *p = fth_strbuf_cstr(&fx->sb); *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 65); /* buckets 0 ((..., 0)) through 64 ([4E, 8E)) */
	assert_non_null(strstr(fth_strbuf_cstr(&fx->sb), "[2E, 4E)               0 |"));
}

/* tests/runtime/aggregations: hist of 1..100 (bar widths 1, 2, 5, 11...). */
static void test_hist_rows_bar_widths(void **state)
{
	struct fixture *fx = *state;
	int64_t v[100];

	for (int i = 0; i < 100; i++)
		v[i] = i + 1;
	print_hist(fx, hist_type(&fx->arena, 0), v, 100);
	assert_text(&fx->sb,
		    "[1]                    1 |@                                                   |\n"
		    "[2, 4)                 2 |@@                                                  |\n"
		    "[4, 8)                 4 |@@@@@                                               |\n"
		    "[8, 16)                8 |@@@@@@@@@@@                                         |\n"
		    "[16, 32)              16 |@@@@@@@@@@@@@@@@@@@@@@                              |\n"
		    "[32, 64)              32 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@        |\n"
		    "[64, 128)             37 |" BAR52 "|\n");

	print_hist(fx, lhist_type(&fx->arena, 0, 100, 20), v, 100);
	assert_text(&fx->sb,
		    "[0, 20)               19 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@   |\n"
		    "[20, 40)              20 |" BAR52 "|\n"
		    "[40, 60)              20 |" BAR52 "|\n"
		    "[60, 80)              20 |" BAR52 "|\n"
		    "[80, 100)             20 |" BAR52 "|\n"
		    "[100, ...)             1 |@@                                                  |\n");
}

static void test_hist_rows_k1_k2_labels(void **state)
{
	struct fixture *fx = *state;
	const int64_t v1[] = { 0, 1, 2, 3, 4, 6, 8 };
	const int64_t v2[] = { 1024, 1280, 4096 };

	print_hist(fx, hist_type(&fx->arena, 1), v1, 7);
	assert_text(&fx->sb, "[0]                    1 |" BAR52 "|\n"
			     "[1]                    1 |" BAR52 "|\n"
			     "[2]                    1 |" BAR52 "|\n"
			     "[3]                    1 |" BAR52 "|\n"
			     "[4, 6)                 1 |" BAR52 "|\n"
			     "[6, 8)                 1 |" BAR52 "|\n"
			     "[8, 12)                1 |" BAR52 "|\n");
	/* k = 2: 1024 = 256 * 4 has power 8, so no K suffix until 2^10 * 4. */
	print_hist(fx, hist_type(&fx->arena, 2), v2, 3);
	const char *out = fth_strbuf_cstr(&fx->sb);
	const char *first = "[1024, 1280)           1 |";
	assert_true(strncmp(out, first, strlen(first)) == 0);
	assert_non_null(strstr(out, "\n[1280, 1536)           1 |"));
	assert_non_null(strstr(out, "\n[3584, 4K)             0 |"));
	assert_non_null(strstr(out, "\n[4K, 5K)               1 |" BAR52 "|\n"));
	/* First bucket of a hist that starts at [1] shows "[1]", lower bound int */
	const int64_t one[] = { 1 };
	print_hist(fx, hist_type(&fx->arena, 0), one, 1);
	assert_text(&fx->sb, "[1]                    1 |" BAR52 "|\n");
	const int64_t four[] = { 5 };
	print_hist(fx, hist_type(&fx->arena, 0), four, 1);
	assert_text(&fx->sb, "[4, 8)                 1 |" BAR52 "|\n");
}

/* tests/runtime/outputs/lhist.txt: lhist(2|3|7|-1|11, 0, 10, 2). */
static void test_lhist_rows(void **state)
{
	struct fixture *fx = *state;
	const int64_t v[] = { 2, 3, 7, -1, 11 };

	print_hist(fx, lhist_type(&fx->arena, 0, 10, 2), v, 5);
	assert_text(&fx->sb, "(..., 0)               1 |" BAR26 "|\n"
			     "[0, 2)                 0 |" BAR0 "|\n"
			     "[2, 4)                 2 |" BAR52 "|\n"
			     "[4, 6)                 0 |" BAR0 "|\n"
			     "[6, 8)                 1 |" BAR26 "|\n"
			     "[8, 10)                0 |" BAR0 "|\n"
			     "[10, ...)              1 |" BAR26 "|\n");
}

static void test_lhist_rows_suffixes(void **state)
{
	struct fixture *fx = *state;
	/* @l = lhist(x, 0, 4096, 1024) for -1, 5, 2100, 5000 (section 9.3) */
	const int64_t vl[] = { -1, 5, 2100, 5000 };
	print_hist(fx, lhist_type(&fx->arena, 0, 4096, 1024), vl, 4);
	assert_text(&fx->sb, "(..., 0)               1 |" BAR52 "|\n"
			     "[0, 1K)                1 |" BAR52 "|\n"
			     "[1K, 2K)               0 |" BAR0 "|\n"
			     "[2K, 3K)               1 |" BAR52 "|\n"
			     "[3K, 4K)               0 |" BAR0 "|\n"
			     "[4K, ...)              1 |" BAR52 "|\n");
	/* @m = lhist(1048576, 0, 3145728, 1048576) */
	const int64_t vm[] = { 1048576 };
	print_hist(fx, lhist_type(&fx->arena, 0, 3145728, 1048576), vm, 1);
	assert_text(&fx->sb, "[1M, 2M)               1 |" BAR52 "|\n");
	/* @n = lhist(3|7, 0, 10, 1): current bpftrace prints single values */
	const int64_t vn[] = { 3, 7 };
	print_hist(fx, lhist_type(&fx->arena, 0, 10, 1), vn, 2);
	assert_text(&fx->sb, "[3]                    1 |" BAR52 "|\n"
			     "[4]                    0 |" BAR0 "|\n"
			     "[5]                    0 |" BAR0 "|\n"
			     "[6]                    0 |" BAR0 "|\n"
			     "[7]                    1 |" BAR52 "|\n");
	/* bpftrace tests/output.cpp lhist_no_suffix: step 10000 never uses K */
	const int64_t vb[] = { 615000, 625000, 635000, 645000, 655000, 665000 };
	print_hist(fx, lhist_type(&fx->arena, 610000, 670000, 10000), vb, 6);
	assert_text(&fx->sb, "[610000, 620000)       1 |" BAR52 "|\n"
			     "[620000, 630000)       1 |" BAR52 "|\n"
			     "[630000, 640000)       1 |" BAR52 "|\n"
			     "[640000, 650000)       1 |" BAR52 "|\n"
			     "[650000, 660000)       1 |" BAR52 "|\n"
			     "[660000, 670000)       1 |" BAR52 "|\n");
	/* step 2048 (a multiple of 1024) with negative bounds */
	const int64_t vk[] = { -3000, 100 };
	print_hist(fx, lhist_type(&fx->arena, -4096, 4096, 2048), vk, 2);
	assert_text(&fx->sb, "[-4K, -2K)             1 |" BAR52 "|\n"
			     "[-2K, 0)               0 |" BAR0 "|\n"
			     "[0, 2K)                1 |" BAR52 "|\n");
}

static void test_lhist_rows_edges(void **state)
{
	struct fixture *fx = *state;
	/* Only the overflow bucket; step not dividing the range. */
	const int64_t over[] = { 10, 9 };
	print_hist(fx, lhist_type(&fx->arena, 0, 10, 3), over, 2);
	assert_text(&fx->sb, "[9, ...)               2 |" BAR52 "|\n");
	/* Only below the minimum. */
	const int64_t below[] = { -100 };
	print_hist(fx, lhist_type(&fx->arena, 5, 10, 1), below, 1);
	assert_text(&fx->sb, "(..., 5)               1 |" BAR52 "|\n");
	/* All empty: no rows at all. */
	print_hist(fx, lhist_type(&fx->arena, 0, 10, 1), NULL, 0);
	assert_text(&fx->sb, "");
	print_hist(fx, hist_type(&fx->arena, 3), NULL, 0);
	assert_text(&fx->sb, "");
}

/* ---------------------------------------------------------------------
 * Maps
 * --------------------------------------------------------------------- */

static void print_map(struct fixture *fx, const char *name, const struct fth_type *kt,
		      const struct fth_type *vt, struct fth_map_entry *e, int n, int top, int div,
		      const struct fth_format_env *env)
{
	struct fth_map_view view = { .name = name, .key_type = kt, .value_type = vt, .entries = e,
				     .nentries = n };

	fth_map_print_text(&fx->sb, &view, top, div, env);
}

static void test_map_scalars(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	int64_t one = 1, nine = 9, minus2 = -2, zero = 0;
	struct fth_agg_avg avg = { .count = 2, .total = 7 };
	struct fth_agg_avg st = { .count = 2, .total = 7 };

	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@a", NULL, i64(), &(struct fth_map_entry){ NULL, &one }, 1, 0, 0, NULL);
	print_map(fx, "@avg", NULL, fth_type_agg(a, FTH_AGG_AVG),
		  &(struct fth_map_entry){ NULL, &avg }, 1, 0, 0, NULL);
	print_map(fx, "@e", NULL, fth_type_agg(a, FTH_AGG_COUNT),
		  &(struct fth_map_entry){ NULL, &zero }, 1, 0, 0, NULL);
	print_map(fx, "@ma", NULL, fth_type_agg(a, FTH_AGG_MAX),
		  &(struct fth_map_entry){ NULL, &nine }, 1, 0, 0, NULL);
	print_map(fx, "@mi", NULL, fth_type_agg(a, FTH_AGG_MIN),
		  &(struct fth_map_entry){ NULL, &minus2 }, 1, 0, 0, NULL);
	print_map(fx, "@st", NULL, fth_type_agg(a, FTH_AGG_STATS),
		  &(struct fth_map_entry){ NULL, &st }, 1, 0, 0, NULL);
	print_map(fx, "@empty", NULL, i64(), NULL, 0, 0, 0, NULL);
	assert_text(&fx->sb, "@a: 1\n"
			     "@avg: 3\n"
			     "@e: 0\n"
			     "@ma: 9\n"
			     "@mi: -2\n"
			     "@st: { .count = 2, .average = 3, .total = 7 }\n");
}

/* Section 9.1's example at exit, in current bpftrace's forms. */
static void test_map_reference_exit_example(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *ckey = tuple2(a, fth_type_string(a, 8), i64());
	uint8_t key[16] = { 0 };
	int64_t one = 1;
	struct fth_type *h = hist_type(a, 0), *l = lhist_type(a, 0, 10, 2);
	const int64_t hv[] = { 5, 100 }, lv[] = { 3 };
	struct fth_agg_avg st = { .count = 1, .total = 4 };

	memcpy(key, "a", 2);
	memcpy(key + 8, &one, 8);
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@c", ckey, fth_type_agg(a, FTH_AGG_COUNT),
		  &(struct fth_map_entry){ key, &one }, 1, 0, 0, NULL);
	print_map(fx, "@h", NULL, h, &(struct fth_map_entry){ NULL, hist_of(a, h, hv, 2) }, 1, 0, 0,
		  NULL);
	print_map(fx, "@l", NULL, l, &(struct fth_map_entry){ NULL, hist_of(a, l, lv, 1) }, 1, 0, 0,
		  NULL);
	print_map(fx, "@s", NULL, fth_type_agg(a, FTH_AGG_STATS),
		  &(struct fth_map_entry){ NULL, &st }, 1, 0, 0, NULL);
	assert_text(&fx->sb, "@c[a, 1]: 1\n"
			     "@h:\n"
			     "[4, 8)                 1 |" BAR52 "|\n"
			     "[8, 16)                0 |" BAR0 "|\n"
			     "[16, 32)               0 |" BAR0 "|\n"
			     "[32, 64)               0 |" BAR0 "|\n"
			     "[64, 128)              1 |" BAR52 "|\n"
			     "\n"
			     "@l:\n"
			     "[2, 4)                 1 |" BAR52 "|\n"
			     "\n"
			     "@s: { .count = 1, .average = 4, .total = 4 }\n");
}

static void test_map_value_sorting(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *count = fth_type_agg(a, FTH_AGG_COUNT);
	/* @b[3] = 5; @b[1] = 5; @b[2] = 5; @b[0] = 7 (ties: key order) */
	int64_t bk[] = { 3, 1, 2, 0 }, bv[] = { 5, 5, 5, 7 };
	struct fth_map_entry be[4];

	for (int i = 0; i < 4; i++)
		be[i] = (struct fth_map_entry){ &bk[i], &bv[i] };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@b", i64(), i64(), be, 4, 0, 0, NULL);
	assert_text(&fx->sb, "@b[1]: 5\n@b[2]: 5\n@b[3]: 5\n@b[0]: 7\n");

	/* @n[-5] = -3; @n[4] = -10; @n[9] = 100: signed values */
	int64_t nk[] = { -5, 4, 9 }, nv[] = { -3, -10, 100 };
	struct fth_map_entry ne[3];
	for (int i = 0; i < 3; i++)
		ne[i] = (struct fth_map_entry){ &nk[i], &nv[i] };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@n", i64(), i64(), ne, 3, 0, 0, NULL);
	assert_text(&fx->sb, "@n[4]: -10\n@n[-5]: -3\n@n[9]: 100\n");

	/* @s["z"] = 1; @s["a"] = 1; @s["m"] = 0 as count() */
	char sk[3][8] = { "z", "a", "m" };
	int64_t sv[] = { 1, 1, 0 };
	struct fth_map_entry se[3];
	for (int i = 0; i < 3; i++)
		se[i] = (struct fth_map_entry){ sk[i], &sv[i] };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@s", fth_type_string(a, 8), count, se, 3, 0, 0, NULL);
	assert_text(&fx->sb, "@s[m]: 0\n@s[a]: 1\n@s[z]: 1\n");

	/* @ak[1] = avg(10); @ak[2] = avg(1): no blank line after avg maps */
	int64_t ak[] = { 1, 2 };
	struct fth_agg_avg av[] = { { 1, 10 }, { 1, 1 } };
	struct fth_map_entry ae[] = { { &ak[0], &av[0] }, { &ak[1], &av[1] } };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@ak", i64(), fth_type_agg(a, FTH_AGG_AVG), ae, 2, 0, 0, NULL);
	assert_text(&fx->sb, "@ak[2]: 1\n@ak[1]: 10\n");

	/* sum sorts signed; min/max as uint64 like bpftrace (negatives last) */
	int64_t mk[] = { 1, 2, 3 }, mv[] = { -2, 5, 3 };
	struct fth_map_entry me[3];
	for (int i = 0; i < 3; i++)
		me[i] = (struct fth_map_entry){ &mk[i], &mv[i] };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@sum", i64(), fth_type_agg(a, FTH_AGG_SUM), me, 3, 0, 0, NULL);
	assert_text(&fx->sb, "@sum[1]: -2\n@sum[3]: 3\n@sum[2]: 5\n");
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@mi", i64(), fth_type_agg(a, FTH_AGG_MIN), me, 3, 0, 0, NULL);
	assert_text(&fx->sb, "@mi[3]: 3\n@mi[2]: 5\n@mi[1]: -2\n");

	/* stats entries are sorted by average */
	struct fth_agg_avg sa[] = { { 2, 40 }, { 4, 8 } };
	struct fth_map_entry ste[] = { { &ak[0], &sa[0] }, { &ak[1], &sa[1] } };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@st", i64(), fth_type_agg(a, FTH_AGG_STATS), ste, 2, 0, 0, NULL);
	assert_text(&fx->sb, "@st[2]: { .count = 4, .average = 2, .total = 8 }\n"
			     "@st[1]: { .count = 2, .average = 20, .total = 40 }\n");
}

static void test_map_key_sorting(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *s8 = fth_type_string(a, 8);
	/* Non-integer values sort by key: ints signed, even uint64 ones. */
	uint64_t keys[] = { 9, 1ULL << 63, 4, (uint64_t)-5 };
	char vals[4][8] = { "nine", "big", "four", "minus" };
	struct fth_map_entry e[4];

	for (int i = 0; i < 4; i++)
		e[i] = (struct fth_map_entry){ &keys[i], vals[i] };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@k", u64(), s8, e, 4, 0, 0, NULL);
	assert_text(&fx->sb, "@k[9223372036854775808]: big\n"
			     "@k[18446744073709551611]: minus\n"
			     "@k[4]: four\n"
			     "@k[9]: nine\n");

	/* Tuple keys: first field, then the next; strings bytewise. */
	struct fth_type *kt = tuple2(a, s8, fth_type_int(4, true));
	uint8_t tk[4][12] = { { 0 } };
	const char *names[] = { "b", "a", "b", "a" };
	int32_t nums[] = { 2, 7, -1, 3 };
	uint8_t yes = 1;
	struct fth_map_entry te[4];
	for (int i = 0; i < 4; i++) {
		memcpy(tk[i], names[i], 2);
		memcpy(tk[i] + 8, &nums[i], 4);
		te[i] = (struct fth_map_entry){ tk[i], &yes };
	}
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@t", kt, fth_type_bool(), te, 4, 0, 0, NULL);
	assert_text(&fx->sb, "@t[a, 3]: true\n@t[a, 7]: true\n@t[b, -1]: true\n@t[b, 2]: true\n");
}

/* Section 9.4: print(@, 2), print(@, 2, 10), print(@, 0, 3). */
static void test_map_top_div(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	int64_t k[] = { 4, 2, 1, 3 }, v[] = { 40, 20, 10, 30 };
	struct fth_map_entry e[4];

	for (int i = 0; i < 4; i++)
		e[i] = (struct fth_map_entry){ &k[i], &v[i] };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@", i64(), i64(), e, 4, 2, 0, NULL);
	print_map(fx, "@", i64(), i64(), e, 4, 2, 10, NULL);
	print_map(fx, "@", i64(), i64(), e, 4, 0, 3, NULL);
	print_map(fx, "@", i64(), i64(), e, 4, 10, 1, NULL);
	assert_text(&fx->sb, "@[3]: 30\n@[4]: 40\n"
			     "@[3]: 3\n@[4]: 4\n"
			     "@[1]: 3\n@[2]: 6\n@[3]: 10\n@[4]: 13\n"
			     "@[1]: 10\n@[2]: 20\n@[3]: 30\n@[4]: 40\n");

	/* bpftrace's print_avg_map_args: print(@, 2, 10) of avg(10..40) */
	char sk[4][8] = { "a", "b", "c", "d" };
	struct fth_agg_avg av[] = { { 1, 10 }, { 1, 20 }, { 1, 30 }, { 1, 40 } };
	for (int i = 0; i < 4; i++)
		e[i] = (struct fth_map_entry){ sk[i], &av[i] };
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@", fth_type_string(a, 8), fth_type_agg(a, FTH_AGG_AVG), e, 4, 2, 10, NULL);
	assert_text(&fx->sb, "@[c]: 3\n@[d]: 4\n");

	/* div reaches integers inside tuple values; stats divides the average only */
	struct fth_type *vt = tuple2(a, i64(), fth_type_string(a, 8));
	uint8_t tv[16] = { 0 };
	int64_t hundred = 100, key = 1;
	memcpy(tv, &hundred, 8);
	memcpy(tv + 8, "x", 2);
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@t", i64(), vt, &(struct fth_map_entry){ &key, tv }, 1, 0, 7, NULL);
	struct fth_agg_avg st = { 3, 100 };
	print_map(fx, "@s", NULL, fth_type_agg(a, FTH_AGG_STATS), &(struct fth_map_entry){ NULL, &st },
		  1, 0, 3, NULL);
	assert_text(&fx->sb, "@t[1]: (14, x)\n@s: { .count = 3, .average = 11, .total = 100 }\n");
}

/* Section 9.3: keyed hist ordering by total count, blank line after each. */
static void test_map_keyed_hist(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *h = hist_type(a, 0), *s8 = fth_type_string(a, 8);
	char keys[3][8] = { "a", "b", "c" };
	const int64_t va[] = { 8, 16 }, vb[] = { 8 }, vc[] = { 0 };
	struct fth_map_entry e[] = {
		{ keys[0], hist_of(a, h, va, 2) },
		{ keys[1], hist_of(a, h, vb, 1) },
		{ keys[2], hist_of(a, h, vc, 1) },
	};

	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@h", s8, h, e, 3, 0, 0, NULL);
	assert_text(&fx->sb, "@h[b]:\n"
			     "[8, 16)                1 |" BAR52 "|\n"
			     "\n"
			     "@h[c]:\n"
			     "[0]                    1 |" BAR52 "|\n"
			     "\n"
			     "@h[a]:\n"
			     "[8, 16)                1 |" BAR52 "|\n"
			     "[16, 32)               1 |" BAR52 "|\n"
			     "\n");
	/* print(@h, 1) keeps the biggest histogram only */
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@h", s8, h, e, 3, 1, 0, NULL);
	assert_text(&fx->sb, "@h[a]:\n"
			     "[8, 16)                1 |" BAR52 "|\n"
			     "[16, 32)               1 |" BAR52 "|\n"
			     "\n");
}

static void test_map_hist_div_and_zero(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *h = hist_type(a, 0), *l = lhist_type(a, 0, 10, 5);
	int64_t *hb = fth_arena_alloc(a, sizeof(int64_t) * (size_t)fth_hist_bucket_count(h));
	int64_t *lb = fth_arena_alloc(a, sizeof(int64_t) * (size_t)fth_hist_bucket_count(l));
	int64_t *zero = fth_arena_alloc(a, sizeof(int64_t) * (size_t)fth_hist_bucket_count(h));

	hb[3] = 20; /* [2, 4) */
	hb[5] = 5;  /* [8, 16) */
	lb[1] = 20;
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@h", NULL, h, &(struct fth_map_entry){ NULL, hb }, 1, 0, 10, NULL);
	print_map(fx, "@l", NULL, l, &(struct fth_map_entry){ NULL, lb }, 1, 0, 10, NULL);
	/* zero(@h): the entry exists with no counts - header and blank line */
	print_map(fx, "@z", NULL, h, &(struct fth_map_entry){ NULL, zero }, 1, 0, 0, NULL);
	assert_text(&fx->sb, "@h:\n"
			     "[2, 4)                 2 |" BAR52 "|\n"
			     "[4, 8)                 0 |" BAR0 "|\n"
			     "[8, 16)                0 |" BAR0 "|\n"
			     "\n"
			     "@l:\n"
			     "[0, 5)                20 |" BAR52 "|\n"
			     "\n"
			     "@z:\n"
			     "\n");
}

/* bpftrace's buf_map_multikey: @[buf("ok_key", 8), 1] = hist(1). */
static void test_map_buffer_tuple_key(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *bt = buffer_type(a, 8);
	struct fth_type *kt = tuple2(a, bt, i64());
	struct fth_type *h = hist_type(a, 0);
	uint8_t *key = fth_arena_alloc(a, kt->size);
	int64_t one = 1;
	const int64_t v[] = { 1 };

	memcpy(key, make_buffer(a, "ok_key\0\0", 8, 8), 12);
	memcpy(key + kt->fields[1].offset, &one, 8);
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@", kt, h, &(struct fth_map_entry){ key, hist_of(a, h, v, 1) }, 1, 0, 0, NULL);
	assert_text(&fx->sb, "@[ok_key\\x00\\x00, 1]:\n[1]                    1 |" BAR52 "|\n\n");
}

static void test_map_stack_key(void **state)
{
	struct fixture *fx = *state;
	struct fth_arena *a = &fx->arena;
	struct fth_type *ks = fth_type_new(a, FTH_T_KSTACK, 8);
	struct special_log log = { 0 };
	struct fth_format_env env = { .ud = &log, .special = fake_special };
	uint64_t id = 1;
	int64_t n = 1;

	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@", ks, fth_type_agg(a, FTH_AGG_COUNT), &(struct fth_map_entry){ &id, &n }, 1,
		  0, 0, &env);
	assert_text(&fx->sb, "@[\n        do_nanosleep+0\n        hrtimer_nanosleep+162\n]: 1\n");
	assert_int_equal(log.calls, 1);
	assert_true(log.last_in_map_key);

	/* A (kstack, comm) tuple key keeps the stack layout inside. */
	struct fth_type *kt = tuple2(a, ks, fth_type_string(a, 8));
	uint8_t key[16] = { 0 };
	memcpy(key + 8, "bash", 5);
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@", kt, fth_type_agg(a, FTH_AGG_COUNT), &(struct fth_map_entry){ key, &n }, 1,
		  0, 0, &env);
	assert_text(&fx->sb, "@[\n        do_nanosleep+0\n        hrtimer_nanosleep+162\n, bash]: 1\n");
}

static void test_map_key_paren_quirk(void **state)
{
	struct fixture *fx = *state;
	char key[8] = "(x)";
	char plain[8] = "(x";
	int64_t n = 1, m = 2;
	struct fth_map_entry e[] = { { key, &n }, { plain, &m } };

	/* bpftrace strips any key text wrapped in parentheses. */
	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@m", fth_type_string(&fx->arena, 8), i64(), e, 2, 0, 0, NULL);
	assert_text(&fx->sb, "@m[x]: 1\n@m[(x]: 2\n");
}

static void test_map_sorts_entries_in_place(void **state)
{
	struct fixture *fx = *state;
	int64_t k[] = { 2, 1 }, v[] = { 9, 3 };
	struct fth_map_entry e[] = { { &k[0], &v[0] }, { &k[1], &v[1] } };

	fth_strbuf_reset(&fx->sb);
	print_map(fx, "@x", i64(), i64(), e, 2, 0, 0, NULL);
	assert_ptr_equal(e[0].key, &k[1]);
	assert_ptr_equal(e[1].key, &k[0]);
	assert_text(&fx->sb, "@x[1]: 3\n@x[2]: 9\n");
}


/* ---------------------------------------------------------------------
 * tseries
 * --------------------------------------------------------------------- */

static struct fth_type *tseries_type(struct fth_arena *a, int64_t interval, int64_t count, bool is_signed)
{
	struct fth_type *t = fth_type_agg(a, FTH_AGG_TSERIES);

	t->ts_interval = interval;
	t->ts_count = count;
	t->ts_signed = is_signed;
	return t;
}

/* A 53-column graph line: '|' at both ends, '.' at dot (if >= 0), '*' at
 * star (if >= 0), as bpftrace draws one interval. */
static const char *graph(char *buf, int dot, int star)
{
	memset(buf, ' ', 53);
	buf[53] = 0;
	buf[0] = buf[52] = '|';
	if (dot >= 0)
		buf[dot] = '.';
	if (star >= 0)
		buf[star] = '*';
	return buf;
}

/* Buckets are indexed by epoch % count; rows run from the key's oldest
 * interval among the last `count` up to the map's newest, with gaps. */
static void test_tseries_rows(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = tseries_type(&fx->arena, 100, 5, true);
	struct fth_tseries_point b[5] = { 0 };
	struct fth_tseries_row rows[5];
	int n;

	b[21 % 5] = (struct fth_tseries_point){ 21, 7 };
	b[23 % 5] = (struct fth_tseries_point){ 23, 8 };
	b[17 % 5] = (struct fth_tseries_point){ 17, 99 }; /* before the window (20..24) */
	n = fth_tseries_rows(t, b, 24, rows);
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].epoch, 21);
	assert_true(rows[0].has);
	assert_int_equal(rows[0].value, 7);
	assert_false(rows[1].has);
	assert_true(rows[2].has);
	assert_int_equal(rows[2].value, 8);
	assert_int_equal(rows[3].epoch, 24);
	assert_false(rows[3].has);

	/* nothing in the window: just the newest interval, empty */
	memset(b, 0, sizeof(b));
	b[3] = (struct fth_tseries_point){ 3, 1 };
	n = fth_tseries_rows(t, b, 24, rows);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].epoch, 24);
	assert_false(rows[0].has);

	/* zero() cleared the whole map (newest epoch 0): no rows at all, as
	 * bpftrace's empty range, so JSON prints [] and text <no data> */
	memset(b, 0, sizeof(b));
	n = fth_tseries_rows(t, b, 0, rows);
	assert_int_equal(n, 0);
	(void)fx;
}

/* Negative to positive values: '.' marks zero at 53 * 2 / 4 = 26, points
 * at 52 * (v - min) / (max - min); a missing interval prints "-". */
static void test_tseries_text_signed(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = tseries_type(&fx->arena, 100000000, 5, true);
	struct fth_tseries_row rows[] = {
		{ 10, true, -2 }, { 11, false, 0 }, { 12, true, 0 }, { 13, true, 1 }, { 14, true, 2 },
	};
	char l[5][54], expected[4096];

	setenv("TZ", "UTC", 1);
	tzset();
	fth_tseries_print_text(&fx->sb, t, rows, 5, NULL);
	snprintf(expected, sizeof(expected),
		 "             -2                                                  2\n"
		 "hh:mm:ss.ms  |___________________________________________________|\n"
		 "00:00:01.000 %s -2\n"
		 "00:00:01.100 %s -\n"
		 "00:00:01.200 %s 0\n"
		 "00:00:01.300 %s 1\n"
		 "00:00:01.400 %s 2\n"
		 "             v___________________________________________________v\n"
		 "             -2                                                  2\n",
		 graph(l[0], 26, 0), graph(l[1], 26, -1), graph(l[2], 26, 26), graph(l[3], 26, 39),
		 graph(l[4], 26, 52));
	assert_text(&fx->sb, expected);
}

/* A flat line is widened by one each side and drawn in the middle;
 * one-second intervals print no fraction. */
static void test_tseries_text_flat_unsigned(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = tseries_type(&fx->arena, 1000000000, 3, false);
	struct fth_tseries_row rows[] = { { 3600, true, 9 }, { 3601, true, 9 } };
	char l[54], expected[4096];

	setenv("TZ", "UTC", 1);
	tzset();
	fth_tseries_print_text(&fx->sb, t, rows, 2, NULL);
	graph(l, -1, 26);
	snprintf(expected, sizeof(expected),
		 "         8                                                  10\n"
		 "hh:mm:ss |___________________________________________________|\n"
		 "01:00:00 %s 9\n"
		 "01:00:01 %s 9\n"
		 "         v___________________________________________________v\n"
		 "         8                                                  10\n",
		 l, l);
	assert_text(&fx->sb, expected);
}

/* One row: no interval to measure, so nanoseconds; microsecond intervals
 * name their unit "μs" (two bytes, padded by bytes). */
static void test_tseries_text_units(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = tseries_type(&fx->arena, 5000, 4, true);
	struct fth_tseries_row one[] = { { 1, true, -7 } };
	struct fth_tseries_row two[] = { { 1, true, 4 }, { 2, true, 6 } };
	char l[54], m[54], expected[4096];

	setenv("TZ", "UTC", 1);
	tzset();
	fth_tseries_print_text(&fx->sb, t, one, 1, NULL);
	snprintf(expected, sizeof(expected),
		 "                   -8                                                 -6\n"
		 "hh:mm:ss.ns        |___________________________________________________|\n"
		 "00:00:00.000005000 %s -7\n"
		 "                   v___________________________________________________v\n"
		 "                   -8                                                 -6\n",
		 graph(l, -1, 26));
	assert_text(&fx->sb, expected);

	fth_strbuf_reset(&fx->sb);
	fth_tseries_print_text(&fx->sb, t, two, 2, NULL);
	snprintf(expected, sizeof(expected),
		 "                4                                                   6\n"
		 "hh:mm:ss.\xce\xbcs    |___________________________________________________|\n"
		 "00:00:00.000005 %s 4\n"
		 "00:00:00.000010 %s 6\n"
		 "                v___________________________________________________v\n"
		 "                4                                                   6\n",
		 graph(l, -1, 0), graph(m, -1, 52));
	assert_text(&fx->sb, expected);
}

/* print(@ts, min, max): the given range replaces the values' own; a value
 * beyond it is drawn at the edge. */
static void test_tseries_text_range(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = tseries_type(&fx->arena, 1000000000, 3, true);
	struct fth_tseries_row rows[] = { { 3600, true, 5 }, { 3601, true, 15 }, { 3602, true, -4 } };
	int64_t range[2] = { 0, 10 };
	char l[3][54], expected[4096];

	setenv("TZ", "UTC", 1);
	tzset();
	fth_tseries_print_text(&fx->sb, t, rows, 3, range);
	snprintf(expected, sizeof(expected),
		 "         %-21s%32s\n"
		 "hh:mm:ss |___________________________________________________|\n"
		 "01:00:00 %s 5\n"
		 "01:00:01 %s 15\n"
		 "01:00:02 %s -4\n"
		 "         v___________________________________________________v\n"
		 "         %-21s%32s\n",
		 "0", "10", graph(l[0], -1, 26), graph(l[1], -1, 52), graph(l[2], -1, 0), "0", "10");
	assert_text(&fx->sb, expected);
}

/* A keyed map: keys in the order given (the runtime's byte order), each
 * key's rows end at the map's newest interval, an empty line after each. */
static void test_map_tseries_keyed(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = tseries_type(&fx->arena, 1000000000, 2, true);
	struct fth_tseries_point a[2] = { { 0, 0 }, { 5, 3 } };  /* epoch 5 only */
	struct fth_tseries_point b[2] = { { 6, 1 }, { 5, 1 } };  /* epochs 5, 6 */
	int64_t ka = 1, kb = 2;
	struct fth_map_entry entries[] = { { &ka, a }, { &kb, b } };
	struct fth_map_view view = { .name = "@ts", .key_type = i64(), .value_type = t, .entries = entries, .nentries = 2 };
	char l[5][54], expected[4096];

	setenv("TZ", "UTC", 1);
	tzset();
	fth_map_print_text(&fx->sb, &view, 1, 5, NULL);
	snprintf(expected, sizeof(expected),
		 "@ts[1]:\n"
		 "         2                                                   4\n"
		 "hh:mm:ss |___________________________________________________|\n"
		 "00:00:05 %s 3\n"
		 "00:00:06 %s -\n"
		 "         v___________________________________________________v\n"
		 "         2                                                   4\n"
		 "\n"
		 "@ts[2]:\n"
		 "         0                                                   2\n"
		 "hh:mm:ss |___________________________________________________|\n"
		 "00:00:05 %s 1\n"
		 "00:00:06 %s 1\n"
		 "         v___________________________________________________v\n"
		 "         0                                                   2\n"
		 "\n",
		 graph(l[0], -1, 26), graph(l[1], -1, -1), graph(l[2], -1, 26), graph(l[3], -1, 26));
	assert_text(&fx->sb, expected);
}

/* ---------------------------------------------------------------------
 * Stacks without symbols: raw and build_id modes
 * --------------------------------------------------------------------- */

/* raw: bare hex addresses, unindented, up to the limit or a zero frame. */
static void test_stack_raw(void **state)
{
	struct fixture *fx = *state;
	struct fth_type *t = fth_type_new(&fx->arena, FTH_T_KSTACK, 8);
	const uint64_t ips[4] = { 0xffffffff81000010ull, 0xffffffff81000020ull, 0, 0x5 };

	t->stack_mode = FTH_STACK_RAW;
	t->stack_limit = 127;
	fth_stack_format(&fx->sb, ips, 4, t, NULL, NULL, 0);
	assert_text(&fx->sb, "\nffffffff81000010\nffffffff81000020\n");
}

/* build_id: "<40 hex> 0x<offset>" for a named file, the bare address
 * otherwise; an empty frame ends the stack. */
static void test_stack_build_id(void **state)
{
	struct fixture *fx = *state;
	struct bpf_stack_build_id frames[4];

	memset(frames, 0, sizeof(frames));
	frames[0].status = BPF_STACK_BUILD_ID_VALID;
	for (int i = 0; i < BPF_BUILD_ID_SIZE; i++)
		frames[0].build_id[i] = (unsigned char)(0xa0 + i);
	frames[0].offset = 0x5;
	frames[1].status = BPF_STACK_BUILD_ID_IP;
	frames[1].ip = 0x7f0012345678ull;
	frames[3].status = BPF_STACK_BUILD_ID_VALID; /* after the empty frame: not shown */
	fth_stack_format_build_id(&fx->sb, frames, 4);
	assert_text(&fx->sb, "\na0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3 0x05\n7f0012345678\n");
	fth_strbuf_free(&fx->sb);
	fth_strbuf_init(&fx->sb);
	memset(frames, 0, sizeof(frames));
	fth_stack_format_build_id(&fx->sb, frames, 4);
	assert_text(&fx->sb, "\n"); /* no frames: the newline alone */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test_setup_teardown(test_printf_reference_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_zero_pad_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_length_modifiers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_small_int_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_char, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_gfp_default_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_gfp_kernel_layout, setup, teardown),
		cmocka_unit_test(test_printf_gfp_parse),
		cmocka_unit_test_setup_teardown(test_type_typeinfo_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_s_of_non_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_specials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_buffers, setup, teardown),
		cmocka_unit_test(test_printf_parse_structure),
		cmocka_unit_test_setup_teardown(test_printf_percent_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printf_stray_percent_is_text, setup, teardown),
		cmocka_unit_test(test_printf_errors),
		cmocka_unit_test_setup_teardown(test_value_ints_bools, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_enum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_enum_unsigned_high, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_strings_pointers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_macaddr_signal, setup, teardown),
		cmocka_unit_test(test_syscall_names),
		cmocka_unit_test_setup_teardown(test_value_tuples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_arrays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_structs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_buffers_inet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_specials, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_aggregates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_bucket_index_k0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_bucket_index_k1_k2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lhist_bucket_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_rows_runtime_expectation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_rows_suffixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_rows_bar_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hist_rows_k1_k2_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lhist_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lhist_rows_suffixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lhist_rows_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_reference_exit_example, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_value_sorting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_key_sorting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_top_div, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_keyed_hist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_hist_div_and_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_buffer_tuple_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_stack_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_key_paren_quirk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_sorts_entries_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tseries_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tseries_text_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tseries_text_flat_unsigned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tseries_text_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tseries_text_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_tseries_keyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack_build_id, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
