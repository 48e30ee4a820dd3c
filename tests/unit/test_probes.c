/* test_probes.c - attach-point parsing, validation and expansion of the
 * rawtracepoint, hardware, watchpoint and iter providers, and their
 * listings. Nothing is loaded into the kernel: the raw tracepoint and
 * iterator tests read kernel BTF (/sys/kernel/btf/vmlinux) only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/hw_breakpoint.h>

#include "compile_helper.h"
#include "fathom.h"
#include "probes.h"


static void expect_contains(const char *text, const char *needle)
{
	/* a compile that printed nothing has no message text */
	if (!text || !strstr(text, needle)) {
		print_error("expected '%s' in:\n%s\n", needle, text ? text : "(no messages)");
		fail();
	}
}

/* Compiling `text` fails with every one of the needles (NULL-terminated)
 * in the messages. */
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

/* The instance of the program's only non-special probe. */
static const struct fth_probe_inst *only_inst(struct compiled *c)
{
	const struct fth_probe_inst *found = NULL;

	if (c->rc != 0) {
		print_error("compile failed:\n%s\n", c->errors);
		fail();
	}
	for (int i = 0; i < c->prog.progs.len; i++) {
		const struct fth_prog *p = c->prog.progs.items[i];
		if (p->inst->provider->attach) {
			assert_null(found);
			found = p->inst;
		}
	}
	assert_non_null(found);
	return found;
}

static int field_index(const struct fth_probe_inst *inst, const char *name)
{
	for (int i = 0; i < inst->nargs; i++)
		if (!strcmp(inst->args[i].name, name))
			return i;
	return -1;
}

static char *list(const char *pattern, bool verbose)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_int_equal(fth_probes_list(pattern, verbose, out), 0);
	fclose(out);
	return text;
}

/* ------------------------------------------------------------- providers */

static void test_providers_and_aliases(void **state)
{
	static const char *const pairs[][2] = {
		{ "rawtracepoint", "rawtracepoint" }, { "rt", "rawtracepoint" },
		{ "hardware", "hardware" },           { "h", "hardware" },
		{ "watchpoint", "watchpoint" },       { "w", "watchpoint" },
		{ "asyncwatchpoint", "asyncwatchpoint" }, { "aw", "asyncwatchpoint" },
		{ "iter", "iter" },                   { "it", "iter" },
		{ "s", "software" },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct fth_provider *p = fth_provider_find(pairs[i][0]);
		assert_non_null(p);
		assert_string_equal(p->name, pairs[i][1]);
	}
	assert_int_equal(fth_provider_find("rawtracepoint")->prog_type, BPF_PROG_TYPE_TRACING);
	assert_int_equal(fth_provider_find("iter")->prog_type, BPF_PROG_TYPE_TRACING);
	assert_int_equal(fth_provider_find("hardware")->prog_type, BPF_PROG_TYPE_PERF_EVENT);
	assert_int_equal(fth_provider_find("watchpoint")->prog_type, BPF_PROG_TYPE_PERF_EVENT);
}

/* ---------------------------------------------------- attach-point numbers */

static void test_attach_uint(void **state)
{
	static const struct {
		const char *text;
		uint64_t value;
	} good[] = {
		{ "1_000", 1000 }, { "0x63", 99 }, { "0X1_0", 16 }, { "0b101", 5 }, { "017", 15 },
		{ "08", 8 }, { "1e6", 1000000 }, { "9E2", 900 }, { "5u", 5 }, { "7ULL", 7 },
		{ "2ms", 2000000 }, { "1s", 1000000000 }, { "18446744073709551615", UINT64_MAX },
	};
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "invalid integer" },      { "x", "invalid integer" },
		{ "-1", "invalid integer" },    { "0x", "invalid integer" },
		{ "1.5", "invalid trailing bytes" }, { "2e", "invalid trailing bytes" },
		{ "12e3", "coefficient part of scientific literal must be 1-9" },
		{ "1e20", "overflow error, maximum value is 18446744073709551615" },
		{ "18446744073709551616", "overflow error, maximum value is 18446744073709551615" },
		{ "5000000000u", "overflow error: the value is too large" },
		{ "1MS", "invalid trailing bytes" },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 0;
		assert_null(fth_attach_uint(good[i].text, &v));
		assert_int_equal(v, good[i].value);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(fth_attach_uint(bad[i].text, &v), bad[i].why);
}

/* The numbers of interval, profile, software and watchpoint probes as
 * bpftrace reads them; the probe's name has them in plain decimal. */
static void test_attach_numbers_in_names(void **state)
{
	static const char *const names[][2] = {
		{ "interval:ms:1_000", "interval:ms:1000" }, { "interval:us:1e6", "interval:us:1000000" },
		{ "profile:hz:0x63", "profile:hz:99" },      { "interval:1s", "interval:us:1000000" },
		{ "software:cpu-clock:1e6", "software:cpu-clock:1000000" },
		{ "w:0x1_000:0b100:w", "watchpoint:4096:4:w" },
	};
	struct compiled c;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "%s { @ = count(); }", names[i][0]);
		compile(&c, text);
		assert_string_equal(only_inst(&c)->name, names[i][1]);
		release(&c);
	}
	compile(&c, "interval:ms:1_000 { @ = count(); }");
	assert_int_equal(only_inst(&c)->period, 1000000000ULL);
	release(&c);
}

/* ------------------------------------------------------------- watchpoint */

static void test_watchpoint_parse(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;

	/* Hex address, mode letters in any order: canonical name as bpftrace
	 * writes it (decimal address, sorted mode). */
	compile(&c, "w:0x1000:4:wr { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->provider->name, "watchpoint");
	assert_string_equal(inst->name, "watchpoint:4096:4:rw");
	assert_int_equal(inst->bp_addr, 0x1000);
	assert_int_equal(inst->bp_len, 4);
	assert_int_equal(inst->bp_type, HW_BREAKPOINT_R | HW_BREAKPOINT_W);
	assert_int_equal(inst->target_pid, 0);
	release(&c);

	compile(&c, "watchpoint:8192:8:x { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "watchpoint:8192:8:x");
	assert_int_equal(inst->bp_type, HW_BREAKPOINT_X);
	release(&c);

	/* asyncwatchpoint takes the same address form. */
	compile(&c, "aw:0x2000:1:w { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "asyncwatchpoint:8192:1:w");
	assert_int_equal(inst->bp_type, HW_BREAKPOINT_W);
	release(&c);
}

static void test_watchpoint_errors(void **state)
{
	expect_errors("watchpoint:0x1000:8:q { }", "watchpoint mode must be combination of (r,w,x)", NULL);
	expect_errors("watchpoint:0x1000:8:ww { }", "watchpoint modes may not be duplicated", NULL);
	expect_errors("watchpoint:0x1000:8: { }", "watchpoint mode must be combination of (r,w,x)", NULL);
#if defined(__x86_64__) || defined(__i386__)
	expect_errors("watchpoint:0x1000:8:r { }", "invalid watchpoint mode: r", "HINT: supported modes: rw,w,x",
		      NULL);
	expect_errors("watchpoint:0x1000:8:rwx { }", "invalid watchpoint mode: rwx", NULL);
	expect_errors("watchpoint:0x1000:4:x { }", "an execute watchpoint must have length 8",
		      "HINT: write watchpoint:0x1000:8:x",
		      NULL);
#endif
	expect_errors("watchpoint:0x1000:3:w { }", "watchpoint length must be one of (1,2,4,8)", NULL);
	expect_errors("watchpoint:0x1000:16:w { }", "watchpoint length must be one of (1,2,4,8)", NULL);
	expect_errors("watchpoint:0x1000:eight:w { }", "watchpoint length must be one of (1,2,4,8)", NULL);
	expect_errors("watchpoint:0:8:w { }", "watchpoint must be attached to a non-zero address", NULL);
	expect_errors("watchpoint:0x1004:8:w { }", "watchpoint address 0x1004 is not aligned to its length 8",
		      NULL);
	expect_errors("watchpoint:nowhere:8:w { }", "invalid watchpoint address 'nowhere'", NULL);
	expect_errors("watchpoint:0x1000:8 { }", "watchpoint probe takes an address, a length and a mode",
		      "HINT: write e.g. watchpoint:0x10000000:8:w", NULL);
	/* FUNCTION+argN watches a function of the traced process */
	expect_errors("watchpoint:f+arg1:8:w { }", "watchpoint:f+arg1 needs the process whose function it watches",
		      "HINT: run the program with -c CMD, or name its process with -p PID", NULL);
	expect_errors("aw:f+arg1:8:w { }", "asyncwatchpoint:f+arg1 needs the process", NULL);
	expect_errors("watchpoint:f+arg6:8:w { }", "invalid watchpoint target 'f+arg6'", NULL);
	expect_errors("watchpoint:+arg1:8:w { }", "invalid watchpoint target '+arg1'", NULL);
	/* Reported at the attach point: line 1, the attach point's columns. */
	expect_errors("watchpoint:0x1000:3:w { }", "stdin:1:1-22: ERROR", NULL);
}

/* --------------------------------------------------------------- hardware */

static void test_hardware_parse(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;

	compile(&c, "hardware:cache-misses { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "hardware:cache-misses");
	assert_string_equal(inst->func, "cache-misses");
	assert_int_equal(inst->period, 1000000); /* bpftrace's default */
	release(&c);

	/* Aliases: h: and cycles (cpu-cycles); an explicit count. */
	compile(&c, "h:cycles:5000 { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->provider->name, "hardware");
	assert_string_equal(inst->name, "hardware:cycles:5000");
	assert_string_equal(inst->func, "cpu-cycles");
	assert_int_equal(inst->period, 5000);
	release(&c);

	compile(&c, "hardware:branches { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->func, "branch-instructions");
	assert_int_equal(inst->period, 100000);
	release(&c);

	/* Nothing after the last colon: the default count, named as if the
	 * colon were not there (software too). */
	compile(&c, "hardware:cache-misses: { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "hardware:cache-misses");
	assert_int_equal(inst->period, 1000000);
	release(&c);

	compile(&c, "software:page-faults: { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "software:page-faults");
	assert_int_equal(inst->period, 100);
	release(&c);
}

static void test_hardware_errors(void **state)
{
	expect_errors("hardware:cpu-cycels { }", "unknown hardware event 'cpu-cycels'",
		      "HINT: did you mean 'cpu-cycles'?", NULL);
	expect_errors("hardware:instrutions:100 { }", "unknown hardware event 'instrutions'",
		      "did you mean 'instructions'?", NULL);
	expect_errors("hardware:zzzzzz { }", "unknown hardware event 'zzzzzz'", "fathom -l \"hardware:*\"", NULL);
	expect_errors("hardware:* { }", "wildcards are not allowed for hardware probe type", NULL);
	expect_errors("hardware:cycles:0 { }", "invalid count '0' for hardware probe", NULL);
	expect_errors("hardware:cycles:1k { }", "invalid count '1k' for hardware probe", NULL);
	expect_errors("hardware { }", "hardware probe needs an event name", NULL);
	/* software accepts its aliases too */
	expect_errors("s:faultz { }", "unknown software event 'faultz'", "did you mean", NULL);
}

/* ---------------------------------------------------------- rawtracepoint */

static void test_rawtracepoint_args(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;
	int prev, next, preempt;

	compile(&c, "rawtracepoint:sched_switch { @[args.next->comm, arg3] = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "rawtracepoint:vmlinux:sched_switch");
	assert_string_equal(inst->target, "vmlinux");
	assert_string_equal(inst->func, "sched_switch");
	assert_int_equal(inst->expected_attach_type, BPF_TRACE_RAW_TP);
	assert_true(inst->attach_btf_id > 0);
	assert_int_equal(inst->attach_btf_obj_fd, 0);
	assert_true(inst->argn_from_ctx);
	/* sched_switch(bool preempt, struct task_struct *prev,
	 *              struct task_struct *next, unsigned int prev_state) */
	assert_int_equal(inst->nargs, 4);
	preempt = field_index(inst, "preempt");
	prev = field_index(inst, "prev");
	next = field_index(inst, "next");
	assert_int_equal(preempt, 0);
	assert_int_equal(prev, 1);
	assert_int_equal(next, 2);
	assert_int_equal(inst->args[next].offset, 16);
	assert_int_equal(inst->args[next].type->kind, FTH_T_POINTER);
	assert_string_equal(inst->args[next].type->elem->name, "struct task_struct");
	assert_int_equal(inst->args[preempt].type->kind, FTH_T_BOOL);
	assert_int_equal(inst->args[3].type->kind, FTH_T_INT);
	assert_int_equal(inst->args[3].type->size, 4);
	release(&c);

	/* rt: alias, explicit vmlinux module, arrow syntax, argN. */
	compile(&c, "rt:vmlinux:sys_enter { @[args->id] = count(); @x = arg0; }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "rawtracepoint:vmlinux:sys_enter");
	assert_int_equal(inst->nargs, 2);
	assert_int_equal(field_index(inst, "regs"), 0);
	assert_int_equal(field_index(inst, "id"), 1);
	assert_true(inst->args[1].type->is_signed);
	release(&c);
}

static void test_rawtracepoint_wildcard(void **state)
{
	struct compiled c;
	int n = 0;

	compile(&c, "rawtracepoint:sched_switch*,rawtracepoint:vmlinux:sched_wakeup* { @[probe] = count(); }");
	assert_int_equal(c.rc, 0);
	for (int i = 0; i < c.prog.progs.len; i++) {
		const struct fth_prog *p = c.prog.progs.items[i];
		assert_int_equal(strncmp(p->inst->name, "rawtracepoint:vmlinux:sched_", 28), 0);
		n++;
	}
	/* sched_switch, sched_wakeup, sched_wakeup_new at least */
	assert_true(n >= 3);
	release(&c);
}

static void test_rawtracepoint_errors(void **state)
{
	expect_errors("rawtracepoint:sched_swich { }", "No probes to attach: raw tracepoint 'sched_swich' not found",
		      "HINT: did you mean 'rawtracepoint:vmlinux:sched_switch'?", NULL);
	expect_errors("rawtracepoint:vmlinux:sys_entr { }", "No probes to attach: raw tracepoint 'vmlinux:sys_entr' not found",
		      "did you mean 'rawtracepoint:vmlinux:sys_enter'?", NULL);
	expect_errors("rawtracepoint:fth_no_such_event_zzzzzzzz { }", "raw tracepoint 'fth_no_such_event_zzzzzzzz' not found",
		      "fathom -l \"rawtracepoint:*\"", NULL);
	expect_errors("rawtracepoint:fth_no_such_*_zzz { }", "no raw tracepoint matches fth_no_such_*_zzz", NULL);
	expect_errors("rawtracepoint:fth_no_module:sched_switch { }",
		      "ERROR: No BTF found for fth_no_module:sched_switch.",
		      "HINT: is kernel module 'fth_no_module' loaded?", NULL);
	expect_errors("rawtracepoint { }", "rawtracepoint probe takes a module (optional) and an event name", NULL);
	expect_errors("rawtracepoint:a:b:c { }", "rawtracepoint probe takes a module", NULL);
	/* args names come from BTF: a typo gets a suggestion (sema). */
	expect_errors("rawtracepoint:sched_switch { @ = args.nxt; }", "did you mean 'next'?", NULL);
}

/* -------------------------------------------------------------------- iter */

static void test_iter_ctx(void **state)
{
	struct compiled c;
	const struct fth_probe_inst *inst;
	const struct fth_map *fmt;
	int i;

	compile(&c, "BEGIN { } iter:task_file { @ = count(); } END { }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "iter:task_file");
	assert_int_equal(inst->expected_attach_type, BPF_TRACE_ITER);
	assert_true(inst->attach_btf_id > 0);
	assert_false(inst->argn_from_ctx);
	/* struct bpf_iter__task_file { meta; task; u32 fd __aligned(8); file; } */
	assert_int_equal(field_index(inst, "meta"), 0);
	i = field_index(inst, "task");
	assert_true(i >= 0);
	assert_int_equal(inst->args[i].offset, 8);
	i = field_index(inst, "fd");
	assert_true(i >= 0);
	assert_int_equal(inst->args[i].offset, 16);
	assert_int_equal(inst->args[i].type->kind, FTH_T_INT);
	i = field_index(inst, "file");
	assert_true(i >= 0);
	assert_int_equal(inst->args[i].offset, 24);
	assert_string_equal(inst->args[i].type->elem->name, "struct file");
	assert_int_equal(fth_probe_find_iter(&c.prog), 1);
	release(&c);

	compile(&c, "it:task_vma { @ = count(); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "iter:task_vma");
	assert_true(field_index(inst, "vma") >= 0);
	release(&c);

	/* iter:NAME:PIN: a relative PIN lives in /sys/fs/bpf, an absolute one
	 * is used as is; the probe's name leaves the pin out. */
	compile(&c, "iter:task:tasks { printf(\"%d\\n\", ctx.task->pid); }");
	inst = only_inst(&c);
	assert_string_equal(inst->name, "iter:task");
	assert_string_equal(inst->pin_path, "/sys/fs/bpf/tasks");
	/* its printf's format, widened for bpf_seq_printf, in the frozen map */
	fmt = NULL;
	for (i = 0; i < c.prog.maps.len; i++)
		if (!strcmp(fth_program_map(&c.prog, i)->name, "fth_fmt"))
			fmt = fth_program_map(&c.prog, i);
	assert_non_null(fmt);
	assert_int_equal(fmt->value_size, sizeof("%lld\n"));
	assert_memory_equal(fmt->frozen_value, "%lld\n", sizeof("%lld\n"));
	release(&c);
	compile(&c, "iter:task_file:/sys/fs/bpf/dir/files { }");
	inst = only_inst(&c);
	assert_string_equal(inst->pin_path, "/sys/fs/bpf/dir/files");
	release(&c);
	compile(&c, "iter:task { printf(\"%d\\n\", ctx.task->pid); }");
	assert_null(only_inst(&c)->pin_path);
	release(&c);

	compile(&c, "interval:s:1 { exit(); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_probe_find_iter(&c.prog), -1);
	release(&c);
}

static void test_iter_errors(void **state)
{
	expect_errors("iter:tsk { }", "iter tsk not available for your kernel version", "did you mean 'iter:task'?",
		      NULL);
	expect_errors("iter:task_fil { }", "did you mean 'iter:task_file'?", NULL);
	expect_errors("iter:task* { }", "iter probe type does not support wildcards", NULL);
	expect_errors("iter:task: { }", "iter probe pin path is empty", NULL);
	expect_errors("iter:bpf_map_elem { }", "needs a map to iterate over", NULL);
	expect_errors("iter:task { } interval:s:1 { }",
		      "an iter probe must be the only probe of the program (besides BEGIN and END)", NULL);
	expect_errors("iter:task,iter:task_file { }", "an iter probe must be the only probe", NULL);
}

/* ---------------------------------------------------------------- listing */

static void test_list(void **state)
{
	char *text;

	text = list("hardware:*", false);
	assert_string_equal(text, "hardware:backend-stalls:\n"
				  "hardware:branch-instructions:\n"
				  "hardware:branch-misses:\n"
				  "hardware:bus-cycles:\n"
				  "hardware:cache-misses:\n"
				  "hardware:cache-references:\n"
				  "hardware:cpu-cycles:\n"
				  "hardware:frontend-stalls:\n"
				  "hardware:instructions:\n"
				  "hardware:ref-cycles:\n");
	free(text);

	/* Any address can be watched: nothing to list, as in bpftrace. */
	text = list("watchpoint:*", false);
	assert_string_equal(text, "");
	free(text);

	text = list("rawtracepoint:sched_switch", true);
	assert_string_equal(text, "rawtracepoint:vmlinux:sched_switch\n"
				  "    bool preempt\n"
				  "    struct task_struct * prev\n"
				  "    struct task_struct * next\n"
				  "    unsigned int prev_state\n");
	free(text);

	/* One field means any module; rt: works in patterns too. */
	text = list("rt:sched_wakeup*", false);
	expect_contains(text, "rawtracepoint:vmlinux:sched_wakeup\n");
	expect_contains(text, "rawtracepoint:vmlinux:sched_wakeup_new\n");
	free(text);

	text = list("iter:task*", false);
	assert_string_equal(text, "iter:task\niter:task_file\niter:task_vma\n");
	free(text);

	text = list("iter:task", true);
	assert_string_equal(text, "iter:task\n"
				  "    struct bpf_iter_meta * meta\n"
				  "    struct task_struct * task\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_providers_and_aliases),
		cmocka_unit_test(test_watchpoint_parse),
		cmocka_unit_test(test_watchpoint_errors),
		cmocka_unit_test(test_hardware_parse),
		cmocka_unit_test(test_hardware_errors),
		cmocka_unit_test(test_rawtracepoint_args),
		cmocka_unit_test(test_rawtracepoint_wildcard),
		cmocka_unit_test(test_rawtracepoint_errors),
		cmocka_unit_test(test_iter_ctx),
		cmocka_unit_test(test_iter_errors),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_attach_uint),
		cmocka_unit_test(test_attach_numbers_in_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
