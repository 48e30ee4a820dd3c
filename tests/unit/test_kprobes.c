/* test_kprobes.c - the kernel-function providers (probes_kernel.c):
 * kprobe/kretprobe and fentry/fexit attach points, their instances, the
 * probe limit, the fallbacks between them and the errors on a kernel that
 * has neither. Nothing is loaded: fentry programs are compiled against
 * kernel BTF (/sys/kernel/btf/vmlinux) with FATHOM_TEST_ASSUME_FENTRY,
 * kprobes are forced absent with FATHOM_TEST_NO_KPROBES. Attaching them is
 * tested on a kernel that has both, in tests/vm (make vmtest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compile_helper.h"
#include "fathom.h"
#include "probes.h"


static void expect_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		print_error("expected '%s' in:\n%s\n", needle, text);
		fail();
	}
}

static void expect_errors(const char *text, ...)
{
	struct compiled c;
	va_list ap;
	const char *needle;

	compile(&c, text);
	if (c.rc == 0) {
		print_error("'%s' compiled but should not\n", text);
		fail();
	}
	va_start(ap, text);
	while ((needle = va_arg(ap, const char *)))
		expect_contains(c.errors, needle);
	va_end(ap);
	release(&c);
}

static int count_insts(struct compiled *c, const struct fth_probe_inst **first)
{
	int n = 0;

	*first = NULL;
	for (int i = 0; i < c->prog.progs.len; i++) {
		const struct fth_prog *p = c->prog.progs.items[i];
		const char *pn = p->inst->provider->name;
		if (!strcmp(pn, "BEGIN") || !strcmp(pn, "END"))
			continue;
		if (!n)
			*first = p->inst;
		n++;
	}
	return n;
}

static void compile_ok(struct compiled *c, const char *text)
{
	compile(c, text);
	if (c->rc != 0) {
		print_error("'%s' failed:\n%s\n", text, c->errors);
		fail();
	}
}

static int setup_no_kernel_probes(void **state)
{
	setenv("FATHOM_TEST_NO_KPROBES", "1", 1);
	setenv("FATHOM_TEST_NO_FENTRY", "1", 1);
	unsetenv("FATHOM_TEST_ASSUME_FENTRY");
	unsetenv("BPFTRACE_MAX_PROBES");
	return 0;
}

static int setup_fentry_only(void **state)
{
	setenv("FATHOM_TEST_NO_KPROBES", "1", 1);
	unsetenv("FATHOM_TEST_NO_FENTRY");
	setenv("FATHOM_TEST_ASSUME_FENTRY", "1", 1);
	unsetenv("BPFTRACE_MAX_PROBES");
	return 0;
}

static void test_providers_registered(void **state)
{
	static const char *const names[][2] = {
		{ "kprobe", "kprobe" }, { "k", "kprobe" },     { "kretprobe", "kretprobe" }, { "kr", "kretprobe" },
		{ "fentry", "fentry" }, { "f", "fentry" },     { "kfunc", "fentry" },        { "fexit", "fexit" },
		{ "fr", "fexit" },      { "kretfunc", "fexit" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct fth_provider *p = fth_provider_find(names[i][0]);
		assert_non_null(p);
		assert_string_equal(p->name, names[i][1]);
	}
	assert_int_equal(fth_provider_find("kprobe")->prog_type, BPF_PROG_TYPE_KPROBE);
	assert_int_equal(fth_provider_find("fexit")->prog_type, BPF_PROG_TYPE_TRACING);
}

static void test_tracepoint_twins(void **state)
{
	assert_string_equal(fth_kernel_func_tracepoint("do_sys_openat2", false), "syscalls:sys_enter_openat");
	assert_string_equal(fth_kernel_func_tracepoint("vfs_read", true), "syscalls:sys_exit_read");
	assert_null(fth_kernel_func_tracepoint("no_such_function", false));
}

static void test_parse_function_lines(void **state)
{
	const char *name, *mod;
	size_t nlen, mlen;

	assert_int_equal(fth_kfunc_parse_line("vfs_read\n", false, &name, &nlen, &mod, &mlen), 1);
	assert_int_equal((int)nlen, 8);
	assert_memory_equal(name, "vfs_read", 8);
	assert_null(mod);
	assert_int_equal(fth_kfunc_parse_line("nf_hook_slow [nf_tables]\n", false, &name, &nlen, &mod, &mlen), 1);
	assert_memory_equal(name, "nf_hook_slow", nlen);
	assert_int_equal((int)mlen, 9);
	assert_memory_equal(mod, "nf_tables", mlen);
	/* compiler-made copies are functions (bpftrace's wildcards reach
	 * them); their .cold parts, padding symbols and ftrace holes are not */
	assert_int_equal(fth_kfunc_parse_line("foo.isra.0\n", false, &name, &nlen, &mod, &mlen), 1);
	assert_int_equal((int)nlen, 10);
	assert_int_equal(fth_kfunc_parse_line("foo.constprop.0 [mod]\n", false, &name, &nlen, &mod, &mlen), 1);
	assert_memory_equal(name, "foo.constprop.0", nlen);
	assert_int_equal(fth_kfunc_parse_line("foo.cold\n", false, &name, &nlen, &mod, &mlen), 0);
	assert_int_equal(fth_kfunc_parse_line("ffffffff81000000 t foo.isra.0.cold\n", true, &name, &nlen, &mod, &mlen),
			 0);
	assert_int_equal(fth_kfunc_parse_line("foo.cold.12\n", false, &name, &nlen, &mod, &mlen), 0);
	/* "coldplug" is no .cold part */
	assert_int_equal(fth_kfunc_parse_line("usb.coldplug\n", false, &name, &nlen, &mod, &mlen), 1);
	assert_int_equal(fth_kfunc_parse_line("ffffffff81000000 t __pfx_vfs_read\n", true, &name, &nlen, &mod, &mlen),
			 0);
	assert_int_equal(fth_kfunc_parse_line("ffffffff81000000 t __cfi_vfs_read\n", true, &name, &nlen, &mod, &mlen),
			 0);
	assert_int_equal(fth_kfunc_parse_line("__ftrace_invalid_address___84\n", false, &name, &nlen, &mod, &mlen),
			 0);
	/* kallsyms: text symbols only */
	assert_int_equal(fth_kfunc_parse_line("ffffffff81234560 T vfs_read\n", true, &name, &nlen, &mod, &mlen), 1);
	assert_memory_equal(name, "vfs_read", nlen);
	assert_int_equal(fth_kfunc_parse_line("0000000000000000 t xt_init\t[x_tables]\n", true, &name, &nlen, &mod,
					      &mlen),
			 1);
	assert_memory_equal(mod, "x_tables", mlen);
	assert_int_equal(fth_kfunc_parse_line("ffffffff82000000 D jiffies\n", true, &name, &nlen, &mod, &mlen), 0);
	assert_int_equal(fth_kfunc_parse_line("\n", false, &name, &nlen, &mod, &mlen), 0);
}

static void test_max_probes_env(void **state)
{
	unsetenv("BPFTRACE_MAX_PROBES");
	assert_int_equal(fth_max_probes(), 512);
	setenv("BPFTRACE_MAX_PROBES", "2000", 1);
	assert_int_equal(fth_max_probes(), 2000);
	setenv("BPFTRACE_MAX_PROBES", "junk", 1);
	assert_int_equal(fth_max_probes(), 512);
	unsetenv("BPFTRACE_MAX_PROBES");
}

static void test_neither_available(void **state)
{
	expect_errors("kprobe:do_sys_openat2 { printf(\"hi\\n\"); }",
		      "stdin:1:1-22: ERROR: kprobes are not available on this kernel (CONFIG_KPROBES is off)",
		      "HINT: tracepoint:syscalls:sys_enter_openat sees the same event", NULL);
	expect_errors("kretprobe:vfs_read { @ = count(); }", "kprobes are not available on this kernel",
		      "HINT: tracepoint:syscalls:sys_exit_read sees the same event", NULL);
	expect_errors("fentry:vfs_write { @ = count(); }", "fentry probes cannot be used on this kernel",
		      "and it has no kprobes to stand in", "HINT: tracepoint:syscalls:sys_enter_write sees the same event",
		      NULL);
	expect_errors("kretfunc:vfs_read { @ = count(); }", "fexit probes cannot be used on this kernel",
		      "HINT: tracepoint:syscalls:sys_exit_read", NULL);
}

static void test_attach_point_errors(void **state)
{
	expect_errors("kprobe:vfs_read+zz { }", "invalid offset 'zz'", NULL);
	expect_errors("kprobe:vfs_*+4 { }", "an offset cannot be used with a wildcard", NULL);
	expect_errors("kretprobe:vfs_read+4 { }", "kretprobe probes do not take an offset", NULL);
	expect_errors("fentry:vfs_read+4 { }", "fentry probes do not take an offset", NULL);
	expect_errors("kprobe:a:b:c { }", "kprobe probe takes a module (optional) and a function name", NULL);
	expect_errors("kprobe: { }", "kprobe probe needs a function name", NULL);
}

static void test_fentry_inst(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;

	compile_ok(&c, "fentry:vfs_read { @[args.count] = count(); @f[func] = count(); }");
	assert_int_equal(count_insts(&c, &inst), 1);
	assert_string_equal(inst->name, "fentry:vfs_read");
	assert_string_equal(inst->func, "vfs_read");
	assert_int_equal(inst->expected_attach_type, BPF_TRACE_FENTRY);
	assert_true(inst->attach_btf_id > 0);
	assert_int_equal(inst->nargs, 4);
	assert_string_equal(inst->args[0].name, "file");
	assert_string_equal(inst->args[2].name, "count");
	assert_int_equal(inst->args[2].offset, 16);
	assert_true(inst->argn_from_ctx);
	assert_false(inst->regs_ctx);
	assert_true(inst->has_func);
	assert_string_equal(inst->func_name, "vfs_read");
	assert_false(inst->has_retval);
	release(&c);

	compile_ok(&c, "fr:vfs_read { @ = hist(retval); }");
	count_insts(&c, &inst);
	assert_string_equal(inst->name, "fexit:vfs_read");
	assert_int_equal(inst->expected_attach_type, BPF_TRACE_FEXIT);
	assert_true(inst->has_retval);
	assert_int_equal(inst->nargs, 4); /* retval is in slot 4 */
	release(&c);
}

/* The type of `args` as a whole in the only kernel-function probe of c. */
static const char *args_type(struct compiled *c)
{
	const struct fth_probe_inst *inst;

	count_insts(c, &inst);
	for (int i = 0; i < c->prog.progs.len; i++) {
		const struct fth_prog *p = c->prog.progs.items[i];
		if (p->inst == inst && p->args_record)
			return fth_type_describe(&c->prog.arena, p->args_record->type);
	}
	return "";
}

/* fexit's args is bpftrace's: the parameters, then the return value as
 * $retval - for a function without parameters, the return value alone.
 * A function that takes nothing and returns nothing has no args; neither
 * has fentry of a function without parameters. */
static void test_fexit_args_hold_retval(void **state)
{
	struct compiled c;

	(void)state;
	compile_ok(&c, "fexit:ktime_get { print(args); @[args] = count(); }");
	assert_string_equal(args_type(&c), "($retval=uint64)");
	release(&c);
	compile_ok(&c, "fexit:vfs_read { print(args); }");
	assert_string_equal(args_type(&c), "(file=struct file *, buf=uint8 *, count=uint64, pos=int64 *, $retval=uint64)");
	release(&c);
	compile_ok(&c, "fentry:vfs_read { print(args); }");
	assert_string_equal(args_type(&c), "(file=struct file *, buf=uint8 *, count=uint64, pos=int64 *)");
	release(&c);
	expect_errors("fexit:ktime_get { print(args.x); }",
		      "fexit:ktime_get has no parameter 'x': ktime_get takes none",
		      "HINT: its args holds only the return value: read it as retval", NULL);
	expect_errors("fentry:ktime_get { print(args); }", "cannot read function parameters: ktime_get takes none",
		      NULL);
	expect_errors("fexit:schedule { print(args); }", "cannot read function parameters: schedule takes none",
		      "HINT: it returns nothing either", NULL);
}

static void test_kprobe_runs_as_fentry(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;

	compile_ok(&c, "kprobe:vfs_read { @[probe, arg2] = count(); }");
	count_insts(&c, &inst);
	/* the probe keeps its name; the program is a fentry one */
	assert_string_equal(inst->name, "kprobe:vfs_read");
	assert_ptr_equal(inst->provider, fth_provider_find("fentry"));
	assert_int_equal(inst->expected_attach_type, BPF_TRACE_FENTRY);
	release(&c);

	compile_ok(&c, "kretprobe:vfs_read { @ = hist(retval); }");
	count_insts(&c, &inst);
	assert_string_equal(inst->name, "kretprobe:vfs_read");
	assert_int_equal(inst->expected_attach_type, BPF_TRACE_FEXIT);
	assert_true(inst->has_retval);
	release(&c);

	expect_errors("kprobe:vfs_read+4 { }", "fentry cannot probe at an offset", NULL);
}

static void test_fentry_wildcard_and_limit(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;
	int n;

	compile_ok(&c, "fentry:vfs_rea* { @[probe] = count(); }");
	n = count_insts(&c, &inst);
	assert_true(n >= 2);
	release(&c);

	setenv("BPFTRACE_MAX_PROBES", "1", 1);
	expect_errors("fentry:vfs_rea* { @[probe] = count(); }", "exceeds the limit of 1 probes",
		      "BPFTRACE_MAX_PROBES=", NULL);
	/* the limit counts the whole script */
	expect_errors("fentry:vfs_read { } fentry:vfs_write { }", "cannot attach to 2 probes", NULL);
	unsetenv("BPFTRACE_MAX_PROBES");
	expect_errors("fentry:no_such_function_xyz { }", "kernel function not found in BTF: no_such_function_xyz", NULL);
	expect_errors("fentry:vfs_raed { }", "did you mean 'fentry:vfs_read'?", NULL);
	expect_errors("fentry:no_such_*_xyz { }", "no kernel function with BTF matches no_such_*_xyz", NULL);
}

/* config missing_probes: a function the kernel lacks is skipped or
 * warned about when kprobes run as fentry too (bpftrace's swapin.bt names
 * both swap_readpage and swap_read_folio, one of which every kernel
 * lacks). */
static void test_missing_probes_config(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;

	compile_ok(&c, "config = { missing_probes = \"ignore\" } kprobe:no_such_function_xyz, kprobe:vfs_read { }");
	assert_int_equal(count_insts(&c, &inst), 1);
	assert_string_equal(inst->func, "vfs_read");
	assert_int_equal((int)c.errors_len, 0);
	release(&c);

	compile_ok(&c, "config = { missing_probes = warn; } kprobe:no_such_function_xyz, kprobe:vfs_read { }");
	assert_int_equal(count_insts(&c, &inst), 1);
	expect_contains(c.errors, "WARNING: kernel function not found: no_such_function_xyz\n");
	expect_contains(c.errors, "WARNING: Unable to attach probe: kprobe:no_such_function_xyz. Skipping.");
	release(&c);

	/* the default is still an error, and a wildcard must match something */
	expect_errors("kprobe:no_such_function_xyz, kprobe:vfs_read { }", "no_such_function_xyz", NULL);
	expect_errors("config = { missing_probes = \"ignore\" } fentry:no_such_*_xyz { }",
		      "no kernel function with BTF matches no_such_*_xyz", NULL);
}

/* Wildcards pass over the functions probing from BPF breaks (rcu_*,
 * __rcu_*, the idle loop, the XDP dispatcher, ftrace holes), and only
 * those. */
static void test_wildcard_excluded_functions(void **state)
{
	assert_true(fth_kfunc_wildcard_excluded("rcu_read_unlock_strict"));
	assert_true(fth_kfunc_wildcard_excluded("rcu_"));
	assert_true(fth_kfunc_wildcard_excluded("__rcu_read_unlock"));
	assert_false(fth_kfunc_wildcard_excluded("__rc_read"));
	assert_true(fth_kfunc_wildcard_excluded("default_idle"));
	assert_true(fth_kfunc_wildcard_excluded("arch_cpu_idle"));
	assert_true(fth_kfunc_wildcard_excluded("bpf_dispatcher_xdp_func"));
	assert_true(fth_kfunc_wildcard_excluded("__ftrace_invalid_address___84"));
	assert_false(fth_kfunc_wildcard_excluded("vfs_read"));
	assert_false(fth_kfunc_wildcard_excluded("synchronize_rcu"));
	assert_false(fth_kfunc_wildcard_excluded("default_idle_call"));
	assert_false(fth_kfunc_wildcard_excluded("arch_cpu_idle_enter"));
	assert_false(fth_kfunc_wildcard_excluded("rcu"));
}

/* A kprobe_multi link takes each name once (the kernel resolves names):
 * a name's first instance goes in, a later one (the same name in a module)
 * is attached apart; module functions go in only when the kernel can
 * resolve them. */
static void test_kprobe_multi_split(void **state)
{
	const char *names[] = { "vfs_read", "lo_open", "vfs_write", "dup_name", "dup_name", "vfs_open" };
	const char *modules[] = { NULL, "loop", "vmlinux", NULL, "zram", NULL };
	int in[6], apart[6], nin = -1, napart = -1;

	assert_int_equal(fth_kprobe_multi_split(names, modules, 6, true, in, &nin, apart, &napart), 0);
	assert_int_equal(nin, 5);
	assert_int_equal(napart, 1);
	assert_int_equal(in[0], 0);
	assert_int_equal(in[1], 1);
	assert_int_equal(in[2], 2);
	assert_int_equal(in[3], 3);
	assert_int_equal(in[4], 5);
	assert_int_equal(apart[0], 4);

	assert_int_equal(fth_kprobe_multi_split(names, modules, 6, false, in, &nin, apart, &napart), 0);
	assert_int_equal(nin, 4);
	assert_int_equal(napart, 2);
	assert_int_equal(in[0], 0);
	assert_int_equal(in[1], 2);
	assert_int_equal(in[2], 3);
	assert_int_equal(in[3], 5);
	assert_int_equal(apart[0], 1);
	assert_int_equal(apart[1], 4);

	assert_int_equal(fth_kprobe_multi_split(names, modules, 0, true, in, &nin, apart, &napart), 0);
	assert_int_equal(nin, 0);
	assert_int_equal(napart, 0);
}

/* A kernel function missing under its source name is most often there
 * under a name the build gave it; padding symbols share a function's name
 * but cannot be traced, so they are never suggested. */
static void test_closest_kernel_function(void **state)
{
	static const char *const syms[] = { "psi_task_switch", "finish_task_switch.isra.0.cold",
					    "finish_task_switch.isra.0", "__pfx_finish_task_switch.isra.0",
					    "bpf_mem_cache_alloc", "kmem_cache_alloc_noprof",
					    "__pfx_page_cache_sync_readahead", "page_cache_sync_ra",
					    "__cfi_vfs_read", "vfs_readv" };
	const int n = (int)(sizeof(syms) / sizeof(syms[0]));

	(void)state;
	assert_string_equal(fth_closest_kernel_function("finish_task_switch", syms, n), "finish_task_switch.isra.0");
	assert_string_equal(fth_closest_kernel_function("kmem_cache_alloc", syms, n), "kmem_cache_alloc_noprof");
	/* __pfx_page_cache_sync_readahead is within edit distance, but padding */
	assert_null(fth_closest_kernel_function("__do_page_cache_readahead", syms, n));
	/* a typo still finds its function, not the padding before it */
	assert_string_equal(fth_closest_kernel_function("vfs_reav", syms, n), "vfs_readv");
	/* only the .cold part of a function is no suggestion either */
	static const char *const cold[] = { "tcp_foo.cold" };
	assert_null(fth_closest_kernel_function("tcp_foo", cold, 1));
	assert_null(fth_closest_kernel_function("anything", syms, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closest_kernel_function),
		cmocka_unit_test(test_providers_registered),
		cmocka_unit_test(test_tracepoint_twins),
		cmocka_unit_test(test_parse_function_lines),
		cmocka_unit_test(test_wildcard_excluded_functions),
		cmocka_unit_test(test_kprobe_multi_split),
		cmocka_unit_test(test_max_probes_env),
		cmocka_unit_test_setup(test_neither_available, setup_no_kernel_probes),
		cmocka_unit_test_setup(test_attach_point_errors, setup_no_kernel_probes),
		cmocka_unit_test_setup(test_fentry_inst, setup_fentry_only),
		cmocka_unit_test_setup(test_fexit_args_hold_retval, setup_fentry_only),
		cmocka_unit_test_setup(test_kprobe_runs_as_fentry, setup_fentry_only),
		cmocka_unit_test_setup(test_fentry_wildcard_and_limit, setup_fentry_only),
		cmocka_unit_test_setup(test_missing_probes_config, setup_fentry_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
