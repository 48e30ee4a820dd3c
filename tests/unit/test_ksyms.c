/* test_ksyms.c - kallsyms parsing and lookups, on embedded text and on this
 * machine's /proc/kallsyms (the live tests need root for real addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ksyms.h"

/* Shaped like real kallsyms: aliases at one address, a hidden (zero)
 * address, duplicate static names, and module symbols out of order. */
static const char sample[] =
	"ffffffff81000000 t _text\n"
	"ffffffff81000000 T srso_alias_untrain_ret\n"
	"ffffffff81000000 T _stext\n"
	"ffffffff81000010 d some_data\n"
	"ffffffff81000010 t some_text\n"
	"ffffffff81001000 T vfs_read\n"
	"ffffffff81001200 t helper\n"
	"ffffffff81001300 t helper\n"
	"ffffffff81001400 t dup\n"
	"ffffffff81001500 T dup\n"
	"0000000000000000 T hidden_sym\n"
	"ffffffffc0201000 t mod_func\t[mymod]\n"
	"ffffffffc0201040 T mod_other\t[mymod]\n"
	"ffffffffc0100000 t early_mod_func\t[othermod]\n"
	"ffffffffc0300000 t bpf_prog_6deef7357e7b4530_sd_fw_ingress\t[bpf]";

static struct fth_ksyms *load_sample(void)
{
	struct fth_ksyms *ks;

	assert_int_equal(fth_ksyms_parse(sample, strlen(sample), &ks), 0);
	assert_non_null(ks);
	return ks;
}

static void expect_lookup(const struct fth_ksyms *ks, uint64_t addr, const char *name,
			  uint64_t offset, const char *module)
{
	uint64_t off = ~0ull;
	const char *mod = "unset";
	const char *got = fth_ksyms_lookup(ks, addr, &off, &mod);

	assert_non_null(got);
	assert_string_equal(got, name);
	assert_int_equal(off, offset);
	if (module)
		assert_string_equal(mod, module);
	else
		assert_null(mod);
}

static void test_parse_counts(void **state)
{
	struct fth_ksyms *ks = load_sample();

	/* 15 lines, one hidden. */
	assert_int_equal(fth_ksyms_count(ks), 14);
	fth_ksyms_free(ks);
}

static void test_lookup_kernel(void **state)
{
	struct fth_ksyms *ks = load_sample();

	assert_null(fth_ksyms_lookup(ks, 0xffffffff80ffffffull, NULL, NULL));
	assert_null(fth_ksyms_lookup(ks, 0, NULL, NULL));
	/* Global text beats local text among aliases; first listed wins ties. */
	expect_lookup(ks, 0xffffffff81000000ull, "srso_alias_untrain_ret", 0, NULL);
	expect_lookup(ks, 0xffffffff8100000full, "srso_alias_untrain_ret", 0xf, NULL);
	/* Text beats data at one address even when the data is listed first. */
	expect_lookup(ks, 0xffffffff81000010ull, "some_text", 0, NULL);
	expect_lookup(ks, 0xffffffff81001005ull, "vfs_read", 5, NULL);
	expect_lookup(ks, 0xffffffff810011ffull, "vfs_read", 0x1ff, NULL);
	expect_lookup(ks, 0xffffffff81001200ull, "helper", 0, NULL);
	expect_lookup(ks, 0xffffffff81001301ull, "helper", 1, NULL);
	fth_ksyms_free(ks);
}

static void test_lookup_modules(void **state)
{
	struct fth_ksyms *ks = load_sample();

	expect_lookup(ks, 0xffffffffc0201010ull, "mod_func", 0x10, "mymod");
	expect_lookup(ks, 0xffffffffc0201040ull, "mod_other", 0, "mymod");
	/* Listed after mymod but lower: only found if the table was sorted. */
	expect_lookup(ks, 0xffffffffc0100004ull, "early_mod_func", 4, "othermod");
	/* Between the last kernel symbol and the first module symbol the
	 * nearest lower symbol is all kallsyms can tell. */
	expect_lookup(ks, 0xffffffffc0000000ull, "dup", 0xffffffffc0000000ull - 0xffffffff81001500ull,
		      NULL);
	expect_lookup(ks, 0xffffffffc0300020ull, "bpf_prog_6deef7357e7b4530_sd_fw_ingress", 0x20,
		      "bpf");
	/* NULL out-parameters are allowed. */
	assert_string_equal(fth_ksyms_lookup(ks, 0xffffffffc0201001ull, NULL, NULL), "mod_func");
	fth_ksyms_free(ks);
}

static void test_address(void **state)
{
	struct fth_ksyms *ks = load_sample();

	assert_int_equal(fth_ksyms_address(ks, "vfs_read"), 0xffffffff81001000ull);
	assert_int_equal(fth_ksyms_address(ks, "mod_func"), 0xffffffffc0201000ull);
	/* Two statics of one name: the lowest address. */
	assert_int_equal(fth_ksyms_address(ks, "helper"), 0xffffffff81001200ull);
	/* A global beats a static of the same name. */
	assert_int_equal(fth_ksyms_address(ks, "dup"), 0xffffffff81001500ull);
	assert_int_equal(fth_ksyms_address(ks, "hidden_sym"), 0);
	assert_int_equal(fth_ksyms_address(ks, "no_such_symbol"), 0);
	assert_int_equal(fth_ksyms_address(ks, "vfs_rea"), 0);
	fth_ksyms_free(ks);
}

static void test_parse_edge_cases(void **state)
{
	struct fth_ksyms *ks;

	/* Empty input is an empty table, not an error. */
	assert_int_equal(fth_ksyms_parse("", 0, &ks), 0);
	assert_int_equal(fth_ksyms_count(ks), 0);
	assert_null(fth_ksyms_lookup(ks, 0xffffffff81000000ull, NULL, NULL));
	fth_ksyms_free(ks);

	/* Blank lines are skipped; len stops the parse, not a NUL. */
	const char text[] = "\nffffffff81000000 T a\n\nffffffff81000100 T b\nGARBAGE";
	assert_int_equal(fth_ksyms_parse(text, strlen(text) - strlen("GARBAGE"), &ks), 0);
	assert_int_equal(fth_ksyms_count(ks), 2);
	expect_lookup(ks, 0xffffffff81000101ull, "b", 1, NULL);
	fth_ksyms_free(ks);

	/* Every address zeroed means kptr_restrict: say so. */
	const char hidden[] = "0000000000000000 T a\n0000000000000000 t b\n";
	assert_int_equal(fth_ksyms_parse(hidden, strlen(hidden), &ks), -EPERM);
	assert_null(ks);
}

static void test_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"ffffffff81000000\n",
		"ffffffff81000000 T\n",
		"ffffffff81000000 T \n",
		"zzzz T name\n",
		" T name\n",
		"ffffffff81000000 TT name\n",
		"ffffffff81000000 1 name\n",
		"1ffffffff81000000 T name\n",
		"ffffffff81000000 t f\t[mod\n",
		"ffffffff81000000 t f\tmod\n",
	};
	struct fth_ksyms *ks;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ks = (struct fth_ksyms *)1;
		if (fth_ksyms_parse(bad[i], strlen(bad[i]), &ks) != -EINVAL)
			fail_msg("accepted malformed line: %s", bad[i]);
		assert_null(ks);
	}
}

static void test_load_file(void **state)
{
	FILE *f = fmemopen((void *)sample, strlen(sample), "r");
	struct fth_ksyms *ks;

	assert_non_null(f);
	assert_int_equal(fth_ksyms_load_file(f, &ks), 0);
	fclose(f);
	assert_int_equal(fth_ksyms_count(ks), 14);
	expect_lookup(ks, 0xffffffff81001005ull, "vfs_read", 5, NULL);
	fth_ksyms_free(ks);
}

static double elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void test_live_vfs_read(void **state)
{
	struct fth_ksyms *ks;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ret = fth_ksyms_load(&ks);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ret)
		fail_msg("loading /proc/kallsyms: %s", strerror(-ret));
	print_message("loaded %zu kernel symbols in %.1f ms\n", fth_ksyms_count(ks),
		      elapsed_ms(&t0, &t1));
	assert_true(fth_ksyms_count(ks) > 1000);

	uint64_t addr = fth_ksyms_address(ks, "vfs_read");
	assert_true(addr != 0);
	expect_lookup(ks, addr + 5, "vfs_read", 5, NULL);
	expect_lookup(ks, addr, "vfs_read", 0, NULL);
	assert_int_equal(fth_ksyms_address(ks, "no_such_symbol_in_any_kernel"), 0);
	fth_ksyms_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_counts),
		cmocka_unit_test(test_lookup_kernel),
		cmocka_unit_test(test_lookup_modules),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_parse_edge_cases),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_live_vfs_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
