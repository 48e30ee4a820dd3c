/* test_usdt.c - USDT argument specs (x86-64) and register names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include <asm/ptrace.h>
#include <cmocka.h>

#include "compile_helper.h"
#include "fathom.h"
#include "probes.h"
#include "usdt.h"

#if __has_include(<sys/sdt.h>)
#include <sys/sdt.h>
#define HAVE_SDT 1
#endif


/* The instances of the compiled program that are not BEGIN/END. */
static int probe_insts(struct compiled *c, const struct fth_probe_inst **out, int max)
{
	int n = 0;

	for (int i = 0; i < c->prog.progs.len && n < max; i++) {
		const struct fth_prog *p = c->prog.progs.items[i];
		if (strcmp(p->inst->provider->name, "BEGIN") && strcmp(p->inst->provider->name, "END"))
			out[n++] = p->inst;
	}
	return n;
}

static void test_registers(void **state)
{
	assert_int_equal(fth_usdt_reg_offset("rdi"), offsetof(struct pt_regs, rdi));
	assert_int_equal(fth_usdt_reg_offset("edi"), offsetof(struct pt_regs, rdi));
	assert_int_equal(fth_usdt_reg_offset("dil"), offsetof(struct pt_regs, rdi));
	assert_int_equal(fth_usdt_reg_offset("eax"), offsetof(struct pt_regs, rax));
	assert_int_equal(fth_usdt_reg_offset("r8d"), offsetof(struct pt_regs, r8));
	assert_int_equal(fth_usdt_reg_offset("r15"), offsetof(struct pt_regs, r15));
	assert_int_equal(fth_usdt_reg_offset("rbp"), 32);
	assert_int_equal(fth_usdt_reg_offset("rdi"), 112);
	assert_int_equal(fth_usdt_reg_offset("xmm0"), -1);
}

static void test_parse(void **state)
{
	struct fth_usdt_arg a[FTH_USDT_MAX_ARGS];
	int n = fth_usdt_parse_args("-4@%edi 8@-16(%rbp) 4@$5 1@%al -8@$-3 8@(%rsi) 2@0x10(%r12)", a,
				    FTH_USDT_MAX_ARGS);

	assert_int_equal(n, 7);
	assert_int_equal(a[0].kind, FTH_USDT_REG);
	assert_int_equal(a[0].size, 4);
	assert_true(a[0].is_signed);
	assert_int_equal(a[0].reg_off, offsetof(struct pt_regs, rdi));
	assert_int_equal(a[1].kind, FTH_USDT_DEREF);
	assert_int_equal(a[1].size, 8);
	assert_false(a[1].is_signed);
	assert_int_equal(a[1].reg_off, offsetof(struct pt_regs, rbp));
	assert_int_equal(a[1].value, -16);
	assert_int_equal(a[2].kind, FTH_USDT_CONST);
	assert_int_equal(a[2].value, 5);
	assert_int_equal(a[2].size, 4);
	assert_int_equal(a[3].size, 1);
	assert_int_equal(a[3].reg_off, offsetof(struct pt_regs, rax));
	assert_int_equal(a[4].value, -3);
	assert_true(a[4].is_signed);
	assert_int_equal(a[5].kind, FTH_USDT_DEREF);
	assert_int_equal(a[5].value, 0);
	assert_int_equal(a[5].reg_off, offsetof(struct pt_regs, rsi));
	assert_int_equal(a[6].value, 16);
	assert_int_equal(a[6].reg_off, offsetof(struct pt_regs, r12));
}

static void test_parse_empty_and_errors(void **state)
{
	struct fth_usdt_arg a[FTH_USDT_MAX_ARGS];

	assert_int_equal(fth_usdt_parse_args("", a, FTH_USDT_MAX_ARGS), 0);
	assert_int_equal(fth_usdt_parse_args("  ", a, FTH_USDT_MAX_ARGS), 0);
	assert_int_equal(fth_usdt_parse_args("8@%rxx", a, FTH_USDT_MAX_ARGS), -EINVAL);
	assert_int_equal(fth_usdt_parse_args("3@%rdi", a, FTH_USDT_MAX_ARGS), -EINVAL);
	assert_int_equal(fth_usdt_parse_args("8@counter(%rip)", a, FTH_USDT_MAX_ARGS), -EINVAL);
	assert_int_equal(fth_usdt_parse_args("8@8(%rax,%rbx,2)", a, FTH_USDT_MAX_ARGS), -EINVAL);
	assert_int_equal(fth_usdt_parse_args("8@%rdi 8@%rsi", a, 1), -E2BIG);
}

static void test_read_missing(void **state)
{
	struct fth_usdt_probe *p;
	int n;

	assert_int_equal(fth_usdt_read("/nonexistent/fathom-test", &p, &n), -ENOENT);
	assert_int_equal(fth_usdt_read("/proc/self/status", &p, &n), -ENOEXEC);
}

#ifdef HAVE_SDT
/* A USDT probe in this test program itself. */
__attribute__((noinline)) static int fire(int a, long b)
{
	STAP_PROBE3(fth_unit, fired, a, b, 7);
	return a + (int)b;
}

static void test_read_self(void **state)
{
	struct fth_usdt_probe *p;
	struct fth_usdt_arg args[FTH_USDT_MAX_ARGS];
	int n = -1, found = -1;

	assert_int_equal(fire(1, 2), 3);
	assert_int_equal(fth_usdt_read("/proc/self/exe", &p, &n), 0);
	for (int i = 0; i < n; i++)
		if (!strcmp(p[i].provider, "fth_unit") && !strcmp(p[i].name, "fired"))
			found = i;
	assert_true(found >= 0);
	assert_true(p[found].offset > 0);
	assert_int_equal(p[found].semaphore, 0);
	assert_int_equal(fth_usdt_parse_args(p[found].args, args, FTH_USDT_MAX_ARGS), 3);
	assert_int_equal(args[2].kind, FTH_USDT_CONST);
	assert_int_equal(args[2].value, 7);
	fth_usdt_free(p, n);
}

static void test_usdt_expand(void **state)
{
	char self[PATH_MAX], text[PATH_MAX * 2 + 200], want[PATH_MAX + 64];
	const struct fth_probe_inst *insts[4];
	struct compiled c;

	assert_non_null(realpath("/proc/self/exe", self));
	snprintf(text, sizeof(text), "usdt:%s:fth_unit:fired { } U:%s:fired { }", self, self);
	compile(&c, text);
	assert_int_equal(c.rc, 0);
	assert_int_equal(probe_insts(&c, insts, 4), 2);
	snprintf(want, sizeof(want), "usdt:%s:fth_unit:fired", self);
	assert_string_equal(insts[0]->name, want);
	assert_string_equal(insts[1]->name, want);
	assert_true(insts[0]->regs_ctx);
	assert_true(insts[0]->user_space);
	assert_int_equal(insts[0]->nusdt_args, 3);
	assert_int_equal(insts[0]->usdt_args[2].kind, FTH_USDT_CONST);
	assert_string_equal(insts[0]->binary, self);
	release(&c);

	snprintf(text, sizeof(text), "usdt:%s:fth_unit:fird { }", self);
	compile(&c, text);
	assert_int_not_equal(c.rc, 0);
	assert_non_null(strstr(c.errors, "no usdt probe matches 'fth_unit:fird'"));
	assert_non_null(strstr(c.errors, "did you mean 'fth_unit:fired'?"));
	release(&c);
}

static void test_usdt_list(void **state)
{
	char self[PATH_MAX], pattern[PATH_MAX + 32], want[PATH_MAX + 100];
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(realpath("/proc/self/exe", self));
	snprintf(pattern, sizeof(pattern), "usdt:%s:*", self);
	assert_int_equal(fth_probes_list(pattern, false, out), 0);
	fclose(out);
	snprintf(want, sizeof(want), "usdt:%s:fth_unit:fired\n", self);
	assert_string_equal(text, want);
	free(text);
}
#else
static void test_read_self(void **state)
{
	skip();
}
static void test_usdt_expand(void **state)
{
	skip();
}
static void test_usdt_list(void **state)
{
	skip();
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_empty_and_errors),
		cmocka_unit_test(test_read_missing),
		cmocka_unit_test(test_read_self),
		cmocka_unit_test(test_usdt_expand),
		cmocka_unit_test(test_usdt_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
