/* probes_kernel.c - kernel-function probes: kprobe/kretprobe and
 * fentry/fexit. See probes.h for the provider interface.
 *
 *   kprobe:FUNC, kprobe:FUNC+OFFSET, kprobe:MODULE:FUNC (alias k),
 *   kretprobe:FUNC, kretprobe:MODULE:FUNC (alias kr)
 *       BPF_PROG_TYPE_KPROBE, context struct pt_regs (inst->regs_ctx).
 *       Attached through the perf kprobe PMU
 *       (/sys/bus/event_source/devices/kprobe): perf_event_open with the
 *       function name in config1 and the offset in config2, then a
 *       BPF_PERF_EVENT link; nothing is written to kprobe_events, so closing
 *       the fds removes the kprobe. Wildcards are matched against
 *       available_filter_functions (else the text symbols of /proc/kallsyms).
 *       A wildcard without a module, on a kernel with kprobe_multi links
 *       (5.18+), is one program attached with one BPF_TRACE_KPROBE_MULTI
 *       link, as in bpftrace; `probe` and `func` come from the link's
 *       cookie. Each function still counts as a probe (the limit,
 *       "Attached N probes"), as bpftrace counts them.
 *   fentry:FUNC, fentry:MODULE:FUNC (aliases f, kfunc),
 *   fexit:FUNC, fexit:MODULE:FUNC (aliases fr, kretfunc)
 *       BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY/FEXIT against the FUNC's BTF
 *       id; the context is the arguments as u64[] (args.NAME from the
 *       FUNC_PROTO, arg0..argN), fexit's return value follows them (slot
 *       nargs).
 *
 * A kernel without kprobes (CONFIG_KPROBES off) runs kprobe scripts on
 * fentry and one whose fentry programs cannot load runs fentry scripts on
 * kprobes; with neither, the error names the tracepoint that sees the same
 * event when there is one. */
#include "probes.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"
#include "tracefs.h"
#include "vec.h"

bool fth_kernel_probe_verbose;

#define DEFAULT_MAX_PROBES 512

static bool has_wildcard(const char *s)
{
	return strchr(s, '*') != NULL;
}

/* ------------------------------------------------ tracepoint equivalents */

/* Kernel functions people trace most, and the stable tracepoint that sees
 * the same event: the hint when kernel-function probes cannot be used. */
static const struct {
	const char *func;
	const char *entry;
	const char *exit;
} function_tracepoints[] = {
	{ "do_sys_open", "syscalls:sys_enter_openat", "syscalls:sys_exit_openat" },
	{ "do_sys_openat2", "syscalls:sys_enter_openat", "syscalls:sys_exit_openat" },
	{ "vfs_open", "syscalls:sys_enter_openat", "syscalls:sys_exit_openat" },
	{ "vfs_read", "syscalls:sys_enter_read", "syscalls:sys_exit_read" },
	{ "vfs_write", "syscalls:sys_enter_write", "syscalls:sys_exit_write" },
	{ "ksys_read", "syscalls:sys_enter_read", "syscalls:sys_exit_read" },
	{ "ksys_write", "syscalls:sys_enter_write", "syscalls:sys_exit_write" },
	{ "do_nanosleep", "syscalls:sys_enter_clock_nanosleep", "syscalls:sys_exit_clock_nanosleep" },
	{ "tcp_sendmsg", "syscalls:sys_enter_sendto", "syscalls:sys_exit_sendto" },
	{ "tcp_recvmsg", "syscalls:sys_enter_recvfrom", "syscalls:sys_exit_recvfrom" },
	{ "do_exit", "sched:sched_process_exit", "sched:sched_process_exit" },
	{ "do_execveat_common", "syscalls:sys_enter_execve", "sched:sched_process_exec" },
	{ "kernel_clone", "sched:sched_process_fork", "sched:sched_process_fork" },
	{ "tcp_retransmit_skb", "tcp:tcp_retransmit_skb", "tcp:tcp_retransmit_skb" },
	{ "kfree_skb", "skb:kfree_skb", "skb:kfree_skb" },
	{ "blk_account_io_start", "block:block_io_start", "block:block_io_start" },
	{ "blk_account_io_done", "block:block_io_done", "block:block_io_done" },
};

const char *fth_kernel_func_tracepoint(const char *func, bool is_return)
{
	for (size_t i = 0; i < sizeof(function_tracepoints) / sizeof(function_tracepoints[0]); i++)
		if (!strcmp(function_tracepoints[i].func, func))
			return is_return ? function_tracepoints[i].exit : function_tracepoints[i].entry;
	return NULL;
}

static const char *unavailable_hint(struct fth_program *prog, const char *func, bool is_return)
{
	const char *tp = fth_kernel_func_tracepoint(func, is_return);

	if (tp)
		return fth_arena_printf(&prog->arena, "tracepoint:%s sees the same event", tp);
	return "tracepoints and rawtracepoints still work: 'fathom -l \"tracepoint:*\"' lists them";
}

/* ------------------------------------------------------- availability */

#define KPROBE_PMU "/sys/bus/event_source/devices/kprobe"

/* Test knobs: FATHOM_TEST_NO_KPROBES=1 / FATHOM_TEST_NO_FENTRY=1 make a
 * kernel that has the mechanism behave as one without it, so the fallbacks
 * can be tested on a kernel that has both (tests/vm). */
static bool test_knob(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

bool fth_kprobes_available(void)
{
	if (test_knob("FATHOM_TEST_NO_KPROBES"))
		return false;
	return access(KPROBE_PMU "/type", R_OK) == 0;
}

static int read_int_file(const char *path, int *out)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

/* The PMU type and the config bit of retprobes ("config:0"). */
static int kprobe_pmu(int *type, int *retbit)
{
	FILE *f;
	int err = read_int_file(KPROBE_PMU "/type", type);

	if (err)
		return err;
	*retbit = 0;
	f = fopen(KPROBE_PMU "/format/retprobe", "r");
	if (f) {
		if (fscanf(f, "config:%d", retbit) != 1)
			*retbit = 0;
		fclose(f);
	}
	return 0;
}

/* 0 when a trivial fentry program loads against `btf_id` (the BTF FUNC of
 * a kernel function), else the negative errno of the load. Cached for the
 * process: the answer depends on the kernel, not the function. */
static int fentry_probe_load(uint32_t btf_id)
{
	static int cached = 1;
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY, .attach_btf_id = btf_id);
	int fd;

	if (cached != 1)
		return cached;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "fth_fentry_test", "GPL", insns, 2, &opts);
	if (fd >= 0) {
		close(fd);
		cached = 0;
	} else {
		cached = fd;
	}
	return cached;
}

/* Why fentry cannot be used here (a clause), or NULL when it can. */
static const char *fentry_unavailable(struct fth_program *prog)
{
	struct fth_btf *btf = fth_program_btf(prog);
	static const char *const probes[] = { "vfs_read", "do_sys_openat2", "schedule" };
	struct fth_btf_arg *args;
	uint32_t id = 0;
	int err;

	if (test_knob("FATHOM_TEST_NO_FENTRY"))
		return "FATHOM_TEST_NO_FENTRY is set";
	if (!btf)
		return "this kernel has no BTF (/sys/kernel/btf/vmlinux)";
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]) && !id; i++)
		if (fth_btf_func_args(btf, &prog->arena, probes[i], &args, &id, NULL) < 0)
			id = 0;
	if (!id)
		return "this kernel's BTF has no traceable function to test with";
	/* Unit tests and -d compile fentry probes without loading anything. */
	if (prog->config.compile_only || test_knob("FATHOM_TEST_ASSUME_FENTRY"))
		return NULL;
	err = fentry_probe_load(id);
	if (!err)
		return NULL;
	if (err == -EPERM)
		return "it refuses to load fentry programs (Operation not permitted: kernel lockdown?)";
	return fth_arena_printf(&prog->arena, "it refuses to load fentry programs (%s)", strerror(-err));
}

/* ------------------------------------------------- kernel function names */

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct kfunc {
	char *name;
	char *module; /* NULL for vmlinux */
};

struct kfunc_list {
	struct kfunc *items;
	int n, cap;
	const char **by_name; /* names sorted, for kfunc_has_name */
	const char *source; /* "available_filter_functions" or "/proc/kallsyms" */
};

static void kfunc_list_free(struct kfunc_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].module);
	}
	free(l->items);
	free(l->by_name);
	memset(l, 0, sizeof(*l));
}

static int kfunc_add(struct kfunc_list *l, const char *name, size_t nlen, const char *mod, size_t mlen)
{
	struct kfunc *items = fth_vec_grow(l->items, l->n, &l->cap, sizeof(*items), 4096);

	if (!items)
		return -ENOMEM;
	l->items = items;
	l->items[l->n].name = strndup(name, nlen);
	l->items[l->n].module = mod ? strndup(mod, mlen) : NULL;
	l->n++;
	return 0;
}

static int kfunc_cmp(const void *a, const void *b)
{
	const struct kfunc *x = a, *y = b;
	int c = strcmp(x->module ? x->module : "", y->module ? y->module : "");

	return c ? c : strcmp(x->name, y->name);
}

/* foo.cold, foo.isra.0.cold, foo.cold.12: the unlikely code gcc moved
 * out of foo, entered by jumps, never called. */
static bool is_cold_part(const char *name, size_t len)
{
	for (size_t i = 0; i + 5 <= len; i++) {
		if (name[i] == '.' && !strncmp(name + i + 1, "cold", 4) && (i + 5 == len || name[i + 5] == '.'))
			return true;
	}
	return false;
}

/* Symbols the kernel places before a function for call padding or CFI
 * checks: they share its name but are no function one can trace. */
static bool is_padding_symbol(const char *sym)
{
	return !strncmp(sym, "__pfx_", 6) || !strncmp(sym, "__cfi_", 6);
}

/* `name` renamed by the build rather than mistyped: a compiler clone
 * (name.isra.0, name.constprop.0, name.part.0; not a .cold part, the
 * moved-out unlikely code) or the allocation-profiling rename of 6.10
 * (name_noprof). */
static bool is_renamed_symbol(const char *name, const char *sym)
{
	size_t n = strlen(name);

	if (strncmp(sym, name, n))
		return false;
	if (sym[n] == '.')
		return !is_cold_part(sym, strlen(sym));
	return !strcmp(sym + n, "_noprof");
}

const char *fth_closest_kernel_function(const char *name, const char *const *candidates, int count)
{
	const char **names = malloc(sizeof(*names) * (size_t)(count > 0 ? count : 1));
	const char *renamed = NULL, *best;
	int n = 0;

	if (!names)
		return NULL;
	for (int i = 0; i < count; i++) {
		if (is_padding_symbol(candidates[i]))
			continue;
		/* the shortest: name.isra.0 before longer clones of it */
		if (is_renamed_symbol(name, candidates[i]) && (!renamed || strlen(candidates[i]) < strlen(renamed)))
			renamed = candidates[i];
		names[n++] = candidates[i];
	}
	best = renamed ? renamed : fth_closest_name(name, names, n);
	free(names);
	return best;
}

int fth_kfunc_parse_line(const char *line, bool kallsyms, const char **name, size_t *nlen, const char **module,
			 size_t *mlen)
{
	const char *p = line;

	*module = NULL;
	*mlen = 0;
	if (kallsyms) {
		char type;
		p = strchr(p, ' ');
		if (!p || !p[1] || p[2] != ' ')
			return 0;
		type = p[1];
		if (type != 't' && type != 'T')
			return 0;
		p += 3;
	}
	*name = p;
	*nlen = strcspn(p, " \t\n");
	if (!*nlen)
		return 0;
	p += *nlen;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[') {
		*module = p + 1;
		*mlen = strcspn(p + 1, "]\n");
	}
	/* Compiler-made copies (foo.isra.0, foo.constprop.0) are functions
	 * in their own right, which bpftrace's wildcards reach too
	 * (kprobe:finish_task_switch* where gcc renamed it); the .cold part
	 * split off a function is not one, nor are the __pfx_/__cfi_ padding
	 * symbols kallsyms lists before functions, and
	 * __ftrace_invalid_address___N are holes. */
	if (is_cold_part(*name, *nlen) || is_padding_symbol(*name) ||
	    !strncmp(*name, "__ftrace_invalid_address__", 26))
		return 0;
	return 1;
}

static int kfunc_parse_line(struct kfunc_list *l, const char *line, bool kallsyms)
{
	const char *name, *mod;
	size_t nlen, mlen;

	if (!fth_kfunc_parse_line(line, kallsyms, &name, &nlen, &mod, &mlen))
		return 0;
	return kfunc_add(l, name, nlen, mod, mlen);
}

/* Every traceable kernel function, sorted by module (vmlinux first) and
 * name, duplicates removed. */
static int kfunc_list_load_from(struct kfunc_list *l, bool only_kallsyms)
{
	char tferr[256], path[512];
	const char *tf = only_kallsyms ? NULL : fth_tracefs_path(tferr, sizeof(tferr));
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	bool kallsyms = false;
	int err = 0, k = 0;

	memset(l, 0, sizeof(*l));
	if (tf) {
		snprintf(path, sizeof(path), "%s/available_filter_functions", tf);
		f = fopen(path, "r");
		l->source = "available_filter_functions";
	}
	if (!f) {
		f = fopen("/proc/kallsyms", "r");
		kallsyms = true;
		l->source = "/proc/kallsyms";
	}
	if (!f)
		return -errno;
	while (!err && getline(&line, &cap, f) > 0)
		err = kfunc_parse_line(l, line, kallsyms);
	free(line);
	fclose(f);
	if (err) {
		kfunc_list_free(l);
		return err;
	}
	if (l->n > 1)
		qsort(l->items, (size_t)l->n, sizeof(*l->items), kfunc_cmp);
	for (int i = 0; i < l->n; i++) {
		if (k && !kfunc_cmp(&l->items[k - 1], &l->items[i])) {
			free(l->items[i].name);
			free(l->items[i].module);
			continue;
		}
		l->items[k++] = l->items[i];
	}
	l->n = k;
	return 0;
}

static int kfunc_list_load(struct kfunc_list *l)
{
	return kfunc_list_load_from(l, false);
}

/* Names in the kprobe blacklist (debugfs kprobes/blacklist:
 * "0xstart-0xend\tname"): the kernel refuses kprobes there, so wildcards
 * skip them. Sorted malloc'ed strings; 0 when it cannot be read. */
static int kprobe_blacklist(char ***out)
{
	FILE *f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	char **names = NULL;
	char *line = NULL;
	size_t cap = 0;
	int n = 0, ncap = 0;

	*out = NULL;
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		char *name = strpbrk(line, " \t");
		if (!name)
			continue;
		name += strspn(name, " \t");
		name[strcspn(name, " \t\n")] = '\0';
		if (!*name)
			continue;
		char **more = fth_vec_grow(names, n, &ncap, sizeof(*more), 256);
		if (!more)
			break;
		names = more;
		names[n] = strdup(name);
		if (names[n])
			n++;
	}
	free(line);
	fclose(f);
	if (n > 1)
		qsort(names, (size_t)n, sizeof(char *), cmp_str_ptr);
	*out = names;
	return n;
}

static int cmp_name_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is `name` among the functions (any module)? Binary search of a sorted
 * name index built on first use. */
static bool kfunc_has_name(struct kfunc_list *l, const char *name)
{
	if (!l->by_name) {
		l->by_name = malloc(sizeof(char *) * (size_t)(l->n ? l->n : 1));
		if (!l->by_name)
			return true;
		for (int i = 0; i < l->n; i++)
			l->by_name[i] = l->items[i].name;
		qsort(l->by_name, (size_t)l->n, sizeof(char *), cmp_name_ptr);
	}
	return bsearch(&name, l->by_name, (size_t)l->n, sizeof(char *), cmp_name_ptr) != NULL;
}

static const struct kfunc *kfunc_find(const struct kfunc_list *l, const char *module, const char *name)
{
	for (int i = 0; i < l->n; i++) {
		const struct kfunc *f = &l->items[i];
		if (strcmp(f->name, name))
			continue;
		if (!module || !strcmp(module, f->module ? f->module : "vmlinux"))
			return f;
	}
	return NULL;
}

static const char *closest_kfunc(struct fth_program *prog, const struct kfunc_list *l, const char *name)
{
	const char **names = malloc(sizeof(char *) * (size_t)(l->n ? l->n : 1));
	const char *best = NULL;

	if (!names)
		return NULL;
	for (int i = 0; i < l->n; i++)
		names[i] = l->items[i].name;
	best = fth_closest_kernel_function(name, names, l->n);
	best = best ? fth_arena_strdup(&prog->arena, best) : NULL;
	free(names);
	return best;
}

/* ------------------------------------------------------ attach point form */

struct kspec {
	const char *module; /* NULL: any module (vmlinux first) */
	const char *func;
	uint64_t offset;
	bool has_offset;
};

static int parse_kspec(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach, const char *what,
		       bool allow_offset, struct kspec *ks)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const char *plus;

	memset(ks, 0, sizeof(*ks));
	if (nparts != 2 && nparts != 3) {
		fth_error_hint(diag, attach->range,
			       fth_arena_printf(&prog->arena, "write %s:FUNCTION or %s:MODULE:FUNCTION", what, what),
			       "%s probe takes a module (optional) and a function name", what);
		return -EINVAL;
	}
	ks->module = nparts == 3 ? parts[1] : NULL;
	ks->func = parts[nparts - 1];
	if (!*ks->func || (ks->module && !*ks->module)) {
		fth_error_hint(diag, attach->range, fth_arena_printf(&prog->arena, "write e.g. %s:vfs_read", what),
			       "%s probe needs a function name", what);
		return -EINVAL;
	}
	plus = strchr(ks->func, '+');
	if (plus) {
		if (!allow_offset) {
			fth_error_hint(diag, attach->range, "offsets are for kprobes: kprobe:FUNCTION+OFFSET",
				       "%s probes do not take an offset", what);
			return -EINVAL;
		}
		if (!isdigit((unsigned char)plus[1]) || fth_attach_uint(plus + 1, &ks->offset)) {
			fth_error_hint(diag, attach->range, "write kprobe:FUNCTION+OFFSET, e.g. kprobe:vfs_read+4",
				       "invalid offset '%s'", plus + 1);
			return -EINVAL;
		}
		if (has_wildcard(ks->func)) {
			fth_error_hint(diag, attach->range,
				       "name one function for an offset, e.g. kprobe:vfs_read+4",
				       "an offset cannot be used with a wildcard");
			return -EINVAL;
		}
		ks->has_offset = true;
		ks->func = fth_arena_printf(&prog->arena, "%.*s", (int)(plus - ks->func), ks->func);
	}
	return 0;
}

long fth_max_probes(void)
{
	const char *env = getenv("BPFTRACE_MAX_PROBES");

	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (!*end && v > 0)
			return v;
	}
	return DEFAULT_MAX_PROBES;
}

/* Probes the program has so far plus `more`, against the limit. */
static int check_max_probes(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			    const struct fth_ptrvec *out, int more)
{
	long max = fth_max_probes();
	int total = out->len + more;

	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = prog->progs.items[i];
		const char *pn = p->inst && p->inst->provider ? p->inst->provider->name : "";
		if (strcmp(pn, "BEGIN") && strcmp(pn, "END"))
			total++;
	}
	if (total <= max)
		return 0;
	fth_error_hint(diag, attach->range,
		       fth_arena_printf(&prog->arena,
					"narrow the wildcard, or raise the limit with BPFTRACE_MAX_PROBES=%d (many "
					"probes slow the whole system down)",
					total),
		       "cannot attach to %d probes: it exceeds the limit of %ld probes", total, max);
	return -E2BIG;
}

/* ---------------------------------------------------------------- fentry */

/* The BTF that declares module's functions (vmlinux for NULL/"vmlinux"). */
static struct fth_btf *func_btf(struct fth_btf *vmlinux, const char *module, struct fth_btf **owned)
{
	*owned = NULL;
	if (!module || !strcmp(module, "vmlinux"))
		return vmlinux;
	if (fth_btf_load_module(vmlinux, module, owned))
		return NULL;
	return *owned;
}


/* pt_regs offsets of the first six argument registers (x86-64 SysV):
 * di si dx cx r8 r9. A fentry probe run on a kprobe reads args.NAME there. */
static const uint32_t regs_arg_offset[6] = { 112, 104, 96, 88, 72, 64 };

/* One instance for kernel function `func` (in `module`, NULL = vmlinux).
 * `shown` is the provider name the user wrote ("kprobe" when a kprobe runs
 * as fentry); `on_kprobe` runs a fentry/fexit probe as kprobe/kretprobe. */
static int func_inst_add(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			 struct fth_btf *btf, const char *module, const char *func, bool is_return, bool on_kprobe,
			 const char *shown, bool explicit_module, struct fth_ptrvec *out)
{
	struct fth_btf_arg *args = NULL;
	struct fth_probe_inst *inst;
	const struct fth_provider *prov;
	const char *ret_type = NULL;
	uint32_t id = 0;
	int n = btf ? fth_btf_func_args(btf, &prog->arena, func, &args, &id, &ret_type) : -ENOENT;
	int obj_fd = 0;

	if (n < 0 && !on_kprobe)
		return n;
	if (!on_kprobe && module && strcmp(module, "vmlinux")) {
		obj_fd = fth_btf_module_obj_fd(module);
		if (obj_fd < 0) {
			fth_error_hint(diag, attach->range,
				       "check that the module is loaded (lsmod) and has BTF (/sys/kernel/btf/MODULE)",
				       "cannot find the kernel BTF object of module '%s': %s", module,
				       strerror(-obj_fd));
			return -EINVAL;
		}
	}
	if (on_kprobe)
		prov = is_return ? &fth_provider_kretprobe : &fth_provider_kprobe;
	else
		prov = is_return ? &fth_provider_fexit : &fth_provider_fentry;
	inst = fth_probe_inst_new(prog, prov, attach,
				  explicit_module ? fth_arena_printf(&prog->arena, "%s:%s:%s", shown, module, func)
						  : fth_arena_printf(&prog->arena, "%s:%s", shown, func));
	inst->target = module ? fth_arena_strdup(&prog->arena, module) : NULL;
	inst->func = fth_arena_strdup(&prog->arena, func);
	inst->has_func = true;
	inst->func_name = inst->func;
	inst->has_retval = is_return;
	inst->returns_void = ret_type && !strcmp(ret_type, "void");
	if (n > 0) {
		struct fth_field *f = fth_arena_alloc(&prog->arena, sizeof(*f) * (size_t)n);
		int kept = 0;
		for (int i = 0; i < n; i++) {
			if (on_kprobe && i >= 6)
				break; /* only the register arguments */
			f[kept].name = args[i].name;
			f[kept].type = args[i].type ? args[i].type : fth_type_int(8, false);
			f[kept].offset = on_kprobe ? regs_arg_offset[i] : args[i].offset;
			kept++;
		}
		inst->args = f;
		inst->nargs = kept;
	}
	if (on_kprobe) {
		inst->regs_ctx = true;
		if (!inst->args)
			inst->nargs = 0;
	} else {
		inst->argn_from_ctx = true;
		inst->nargs = n; /* fexit: retval is in slot nargs */
		inst->expected_attach_type = is_return ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
		inst->attach_btf_id = id;
		inst->attach_btf_obj_fd = obj_fd;
	}
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

/* Modules to look in for fentry: vmlinux first, then each module with BTF
 * matching pattern (NULL: every one). */
static int btf_modules(const char *pattern, char ***out)
{
	char **mods = NULL;
	int n = fth_btf_module_names(&mods);
	char **list;
	int k = 0;

	if (n < 0)
		n = 0;
	list = calloc((size_t)n + 1, sizeof(char *));
	if (!list) {
		fth_string_list_free(mods, n);
		return -ENOMEM;
	}
	if (!pattern || fth_glob_match(pattern, "vmlinux"))
		list[k++] = strdup("vmlinux");
	for (int i = 0; i < n; i++) {
		if (!pattern || fth_glob_match(pattern, mods[i]))
			list[k++] = mods[i];
		else
			free(mods[i]);
	}
	free(mods);
	*out = list;
	return k;
}

/* Expand fentry/fexit (or a kprobe run as fentry: shown = "kprobe"). */
static int fentry_expand_as(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			    const struct kspec *ks, bool is_return, const char *shown, struct fth_ptrvec *out)
{
	struct fth_btf *vmlinux = fth_program_btf(prog);
	struct kfunc_list traceable = { 0 };
	bool have_traceable;
	char **mods = NULL;
	int nmods, matched = 0, err = 0, start = out->len;

	if (!vmlinux) {
		fth_error_hint(diag, attach->range, "fentry/fexit are typed from /sys/kernel/btf/vmlinux",
			       "%s probes need kernel BTF, which this kernel does not provide", shown);
		return -ENOENT;
	}
	/* Only a wildcard needs the list of traceable functions (and an error,
	 * for its suggestion): reading available_filter_functions for each of
	 * 500 named functions took a third of their attach time under TCG. */
	have_traceable = has_wildcard(ks->func) && kfunc_list_load(&traceable) == 0 && traceable.n > 0;
	nmods = btf_modules(ks->module, &mods);
	for (int m = 0; m < nmods && !err; m++) {
		struct fth_btf *owned, *b = func_btf(vmlinux, mods[m], &owned);
		char **names = NULL;
		int n;
		if (!b)
			continue;
		if (!has_wildcard(ks->func)) {
			int rc = func_inst_add(prog, diag, attach, b, mods[m], ks->func, is_return, false, shown,
					       ks->module != NULL, out);
			if (rc == 0)
				matched++;
			else if (rc != -ENOENT)
				err = rc;
		} else {
			n = fth_btf_funcs(b, &names);
			for (int i = 0; i < n && !err; i++) {
				if (!fth_glob_match(ks->func, names[i]))
					continue;
				/* Only functions ftrace can patch can be attached. */
				if (have_traceable && !kfunc_has_name(&traceable, names[i]))
					continue;
				int rc = func_inst_add(prog, diag, attach, b, mods[m], names[i], is_return, false, shown,
						       ks->module != NULL, out);
				if (rc == 0)
					matched++;
				else if (rc != -ENOENT)
					err = rc;
			}
			fth_string_list_free(names, n > 0 ? n : 0);
		}
		fth_btf_free(owned);
		if (matched && !has_wildcard(ks->func))
			break;
	}
	fth_string_list_free(mods, nmods > 0 ? nmods : 0);
	/* config missing_probes: a function this kernel lacks is skipped (a
	 * wildcard that matches nothing is still an error, as in bpftrace). */
	if (!err && !matched && !has_wildcard(ks->func) && prog->config.missing_probes != FTH_MISSING_ERROR) {
		kfunc_list_free(&traceable);
		return fth_probe_skip(prog, diag, attach,
				      fth_arena_printf(&prog->arena, "kernel function not found: %s", ks->func));
	}
	if (!err && !matched) {
		const char *best = NULL;
		if (!has_wildcard(ks->func))
			have_traceable = kfunc_list_load(&traceable) == 0 && traceable.n > 0;
		if (have_traceable && !has_wildcard(ks->func))
			best = closest_kfunc(prog, &traceable, ks->func);
		fth_error_hint(diag, attach->range,
			       best ? fth_arena_printf(&prog->arena, "did you mean '%s:%s'?", shown, best)
				    : fth_arena_printf(&prog->arena, "'fathom -l \"%s:*\"' lists the functions", shown),
			       has_wildcard(ks->func) ? "no kernel function with BTF matches %s%s%s"
						      : "kernel function not found in BTF: %s%s%s",
			       ks->module ? ks->module : "", ks->module ? ":" : "", ks->func);
		err = -ENOENT;
	}
	kfunc_list_free(&traceable);
	if (!err)
		err = check_max_probes(prog, diag, attach, out, 0);
	if (err)
		out->len = start;
	return err;
}

/* ---------------------------------------------------------------- kprobe */

/* Kernel functions the kernel does not mark notrace but whose return
 * probe can deadlock it (the kretprobe machinery takes these locks
 * itself): bpftrace refuses kretprobes on them, and so does fathom. */
static const char *const banned_kretprobes[] = {
	"_raw_spin_lock", "_raw_spin_lock_irqsave", "_raw_spin_unlock_irqrestore", "queued_spin_lock_slowpath",
};

static bool kretprobe_banned(const char *func)
{
	for (size_t i = 0; i < sizeof(banned_kretprobes) / sizeof(banned_kretprobes[0]); i++)
		if (!strcmp(func, banned_kretprobes[i]))
			return true;
	return false;
}

bool fth_kfunc_wildcard_excluded(const char *name)
{
	static const char *const names[] = { "arch_cpu_idle", "default_idle", "bpf_dispatcher_xdp_func" };
	/* __rcu_: a perf kprobe on __rcu_read_unlock crashed Debian's 6.1
	 * ("Unrecoverable kprobe detected": it recursed through the page
	 * fault the handler took) in kprobe:*_read* */
	static const char *const prefixes[] = { "rcu_", "__rcu_", "__ftrace_invalid_address__" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static int kprobe_inst_add(struct fth_program *prog, struct fth_node *attach, const char *module, const char *func,
			   const struct kspec *ks, bool is_return, struct fth_ptrvec *out)
{
	struct fth_probe_inst *inst;
	const char *shown = is_return ? "kretprobe" : "kprobe";
	const char *name;

	if (ks->module)
		name = fth_arena_printf(&prog->arena, "%s:%s:%s", shown, module, func);
	else
		name = fth_arena_printf(&prog->arena, "%s:%s", shown, func);
	if (ks->has_offset)
		name = fth_arena_printf(&prog->arena, "%s+%llu", name, (unsigned long long)ks->offset);
	inst = fth_probe_inst_new(prog, is_return ? &fth_provider_kretprobe : &fth_provider_kprobe, attach, name);
	inst->target = module ? fth_arena_strdup(&prog->arena, module) : NULL;
	inst->func = fth_arena_strdup(&prog->arena, func);
	inst->offset = ks->offset;
	inst->regs_ctx = true;
	inst->has_retval = is_return;
	inst->has_func = true;
	inst->func_name = inst->func;
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

static int kprobe_expand_native(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
				const struct kspec *ks, bool is_return, struct fth_ptrvec *out)
{
	struct kfunc_list l;
	const char *shown = is_return ? "kretprobe" : "kprobe";
	int err = kfunc_list_load(&l), matched = 0, start = out->len, nblack;
	char **black = NULL;

	if (!has_wildcard(ks->func) && !(ks->module && has_wildcard(ks->module))) {
		/* One function: attach even when the list cannot be read; the
		 * kernel reports a missing function when attaching. */
		/* kprobes also reach text symbols ftrace cannot patch. */
		if (!err && l.n && !kfunc_find(&l, ks->module, ks->func) && strcmp(l.source, "/proc/kallsyms")) {
			struct kfunc_list syms;
			if (kfunc_list_load_from(&syms, true) == 0) {
				if (kfunc_find(&syms, ks->module, ks->func)) {
					kfunc_list_free(&l);
					l = syms;
				} else {
					kfunc_list_free(&syms);
				}
			}
		}
		if (!err && l.n && !kfunc_find(&l, ks->module, ks->func)) {
			const char *best = closest_kfunc(prog, &l, ks->func);
			if (prog->config.missing_probes != FTH_MISSING_ERROR) {
				kfunc_list_free(&l);
				return fth_probe_skip(prog, diag, attach,
						      fth_arena_printf(&prog->arena, "kernel function not found: %s",
								       ks->func));
			}
			fth_error_hint(diag, attach->range,
				       best ? fth_arena_printf(&prog->arena, "did you mean '%s:%s'?", shown, best)
					    : fth_arena_printf(&prog->arena, "'fathom -l \"%s:*\"' lists them", shown),
				       "kernel function not found (or not traceable): %s%s%s", ks->module ? ks->module : "",
				       ks->module ? ":" : "", ks->func);
			kfunc_list_free(&l);
			return -ENOENT;
		}
		kfunc_list_free(&l);
		kprobe_inst_add(prog, attach, ks->module, ks->func, ks, is_return, out);
		return check_max_probes(prog, diag, attach, out, 0);
	}
	if (err) {
		fth_error(diag, attach->range, "cannot list kernel functions for a wildcard: %s", strerror(-err));
		return err;
	}
	nblack = kprobe_blacklist(&black);
	for (int i = 0; i < l.n; i++) {
		const struct kfunc *f = &l.items[i];
		const char *mod = f->module ? f->module : "vmlinux";
		if (!fth_glob_match(ks->func, f->name))
			continue;
		if (ks->module && !fth_glob_match(ks->module, mod))
			continue;
		/* Skip the ones the kernel never lets kprobes on. */
		if (nblack && bsearch(&f->name, black, (size_t)nblack, sizeof(char *), cmp_str_ptr))
			continue;
		/* A wildcard passes over the banned return probes (a name
		 * given in full is an error). */
		if (is_return && kretprobe_banned(f->name))
			continue;
		if (fth_kfunc_wildcard_excluded(f->name))
			continue;
		kprobe_inst_add(prog, attach, ks->module ? mod : NULL, f->name, ks, is_return, out);
		matched++;
	}
	kfunc_list_free(&l);
	fth_string_list_free(black, nblack);
	if (!matched) {
		fth_error_hint(diag, attach->range, fth_arena_printf(&prog->arena, "'fathom -l \"%s:*\"' lists them", shown),
			       "no kernel function matches %s%s%s", ks->module ? ks->module : "", ks->module ? ":" : "",
			       ks->func);
		return -ENOENT;
	}
	err = check_max_probes(prog, diag, attach, out, 0);
	if (err)
		out->len = start;
	return err;
}

/* Does the kernel have kprobe_multi links (Linux 5.18, CONFIG_FPROBE)? A
 * program of that attach type loads, and a link on a function that does
 * not exist fails because the name is not found (ESRCH) rather than
 * because the link type is unknown or unsupported (EINVAL, EOPNOTSUPP).
 * 0 when it does, else the negative errno that says it does not; cached:
 * the answer depends on the kernel only. */
static int kprobe_multi_probe(void)
{
	static int cached = 1;
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
	const char *sym = "fth_no_such_kernel_function";
	LIBBPF_OPTS(bpf_link_create_opts, link_opts, .kprobe_multi.syms = &sym, .kprobe_multi.cnt = 1);
	int prog_fd, link_fd;

	if (cached != 1)
		return cached;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "fth_kmulti_test", "GPL", ret0, 2, &opts);
	if (prog_fd < 0) {
		cached = prog_fd;
		return cached;
	}
	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_KPROBE_MULTI, &link_opts);
	close(prog_fd);
	if (link_fd >= 0)
		close(link_fd);
	cached = link_fd >= 0 || link_fd == -ESRCH || link_fd == -ENOENT ? 0 : link_fd;
	return cached;
}

/* The instances out->items[first..] of one wildcard (no module named)
 * share the first one's program and one kprobe_multi link, as in
 * bpftrace: one program instead of one per function, attached in one
 * system call. `probe` and `func` come from the link's cookie. */
static void share_kprobe_program(struct fth_program *prog, struct fth_node *attach, struct fth_ptrvec *out,
				 int first)
{
	struct fth_probe_inst *leader;
	int err;

	if (out->len - first < 2 || prog->config.no_kprobe_multi || prog->config.compile_only)
		return;
	err = kprobe_multi_probe();
	if (err) {
		if (fth_kernel_probe_verbose)
			fprintf(stderr, "fathom: %s: one program per function (no kprobe_multi links: %s)\n",
				attach->u.attach.text, strerror(-err));
		return;
	}
	if (fth_kernel_probe_verbose)
		fprintf(stderr, "fathom: %s: one program on a kprobe_multi link for %d functions\n",
			attach->u.attach.text, out->len - first);
	leader = out->items[first];
	for (int i = first; i < out->len; i++)
		((struct fth_probe_inst *)out->items[i])->multi_leader = leader;
	leader->expected_attach_type = BPF_TRACE_KPROBE_MULTI;
	fth_reserve_func_names(prog, out->len - first);
}

static int kprobe_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			 struct fth_ptrvec *out)
{
	const char *word = attach->u.attach.parts[0];
	bool is_return = fth_provider_find(word) == &fth_provider_kretprobe;
	const char *shown = is_return ? "kretprobe" : "kprobe";
	const char *why;
	struct kspec ks;

	if (parse_kspec(prog, diag, attach, shown, !is_return, &ks))
		return -EINVAL;
	if (is_return && kretprobe_banned(ks.func)) {
		fth_error_hint(diag, attach->range, "trace its callers, or use kprobe:FUNCTION for its entry",
			       "kretprobe:%s can't be used as it might lock up your system.", ks.func);
		return -EPERM;
	}
	if (fth_kprobes_available() || prog->config.compile_only) {
		int start = out->len, err = kprobe_expand_native(prog, diag, attach, &ks, is_return, out);
		if (!err && !ks.module && has_wildcard(ks.func))
			share_kprobe_program(prog, attach, out, start);
		return err;
	}
	why = ks.has_offset ? "fentry cannot probe at an offset" : fentry_unavailable(prog);
	if (!why && fth_kernel_probe_verbose)
		fprintf(stderr, "fathom: this kernel has no kprobes: running %s as %s\n", attach->u.attach.parts[0],
			is_return ? "fexit" : "fentry");
	if (!why) {
		return fentry_expand_as(prog, diag, attach, &ks, is_return, shown, out);
	}
	/* config missing_probes = warn/ignore: a script meant to run on many
	 * kernels keeps its other probes when this one has no kprobes at all. */
	if (prog->config.missing_probes != FTH_MISSING_ERROR)
		return fth_probe_skip(prog, diag, attach,
				      fth_arena_printf(&prog->arena, "kprobes are not available on this kernel: %s",
						       why));
	fth_error_hint(diag, attach->range, unavailable_hint(prog, ks.func, is_return),
		       "kprobes are not available on this kernel (CONFIG_KPROBES is off), and fentry cannot stand in: %s",
		       why);
	return -EOPNOTSUPP;
}

/* One perf kprobe on inst's function, running prog_fd with `cookie`. */
static int kprobe_perf_attach(const struct fth_probe_inst *inst, int prog_fd, uint64_t cookie,
			      struct fth_attachment *att, char *err, size_t errlen)
{
	bool is_return = inst->provider == &fth_provider_kretprobe;
	char symbol[512];
	int type, retbit, rc = kprobe_pmu(&type, &retbit);
	struct perf_event_attr attr;
	int pfd;

	if (rc) {
		snprintf(err, errlen, "kprobes are not available on this kernel (no %s)", KPROBE_PMU);
		return rc;
	}
	/* "module:function" is resolved by kallsyms_lookup_name too. */
	if (inst->target && strcmp(inst->target, "vmlinux"))
		snprintf(symbol, sizeof(symbol), "%s:%s", inst->target, inst->func);
	else
		snprintf(symbol, sizeof(symbol), "%s", inst->func);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (uint32_t)type;
	attr.config = is_return ? 1ULL << retbit : 0;
	attr.config1 = (uint64_t)(uintptr_t)symbol;
	attr.config2 = inst->offset;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	pfd = fth_perf_event_open(&attr, -1, 0);
	if (pfd < 0) {
		int e = errno;
		if (e == ENOENT || e == EINVAL)
			snprintf(err, errlen, "cannot attach %s: the kernel cannot probe %s here (%s)", inst->name,
				 symbol, strerror(e));
		else if (e == EADDRNOTAVAIL)
			/* Linux 6.6 on, and its stable kernels: a kprobe by name
			 * must name one function */
			snprintf(err, errlen, "cannot attach %s: several kernel functions are named %s, and a kprobe "
				 "refuses an ambiguous name", inst->name, symbol);
		else
			snprintf(err, errlen, "cannot attach %s: %s", inst->name, strerror(e));
		return -e;
	}
	return fth_link_perf_event_cookie(pfd, prog_fd, cookie, att, err, errlen, inst->name);
}

static int kprobe_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
			 size_t errlen)
{
	return kprobe_perf_attach(inst, prog_fd, 0, att, err, errlen);
}

/* ---------------------------------------------------------- kprobe_multi */

struct name_index {
	const char *name;
	int index;
};

static int cmp_name_index(const void *a, const void *b)
{
	const struct name_index *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

int fth_kprobe_multi_split(const char *const *names, const char *const *modules, int n, bool modules_in_link,
			   int *in_link, int *nin, int *apart, int *napart)
{
	struct name_index *sorted = malloc(sizeof(*sorted) * (size_t)(n ? n : 1));
	bool *linked = calloc((size_t)(n ? n : 1), sizeof(*linked));

	*nin = *napart = 0;
	if (!sorted || !linked) {
		free(sorted);
		free(linked);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++)
		sorted[i] = (struct name_index){ .name = names[i], .index = i };
	qsort(sorted, (size_t)n, sizeof(*sorted), cmp_name_index);
	for (int i = 0; i < n; i++) {
		int idx = sorted[i].index;
		bool vmlinux = !modules[idx] || !strcmp(modules[idx], "vmlinux");
		if (i && !strcmp(sorted[i - 1].name, sorted[i].name))
			continue; /* the kernel resolves a name once */
		linked[idx] = vmlinux || modules_in_link;
	}
	for (int i = 0; i < n; i++) {
		if (linked[i])
			in_link[(*nin)++] = i;
		else
			apart[(*napart)++] = i;
	}
	free(sorted);
	free(linked);
	return 0;
}

static int create_kprobe_multi_link(int prog_fd, const char **syms, const __u64 *cookies, int n, bool ret)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);

	opts.kprobe_multi.syms = syms;
	opts.kprobe_multi.cookies = cookies;
	opts.kprobe_multi.cnt = (uint32_t)n;
	opts.kprobe_multi.flags = ret ? BPF_F_KPROBE_MULTI_RETURN : 0;
	return bpf_link_create(prog_fd, 0, BPF_TRACE_KPROBE_MULTI, &opts);
}

/* One kprobe_multi link for the group's instances idx[0..n-1]: the fd or
 * negative errno. */
static int kprobe_multi_link(const struct fth_multi_group *g, const int *idx, int n)
{
	const char **syms = calloc((size_t)n, sizeof(*syms));
	__u64 *cookies = calloc((size_t)n, sizeof(*cookies));
	int fd;

	if (!syms || !cookies) {
		free(syms);
		free(cookies);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		syms[i] = g->insts[idx[i]]->func;
		cookies[i] = g->cookies[idx[i]];
	}
	fd = create_kprobe_multi_link(g->prog_fd, syms, cookies, n, g->insts[0]->has_retval);
	free(syms);
	free(cookies);
	return fd;
}

struct kmulti_attach {
	const struct fth_multi_group *group;
	struct fth_attachment *att;
	struct fth_diag *diag;
	const char **skipped; /* functions the kernel would not probe */
	int nskipped;
	int refusal;          /* its error for them */
};

/* The kernel's answers when it cannot probe one function (blacklisted,
 * not at an instruction boundary, gone with its module): it is skipped. */
static bool kprobe_refusal(int err)
{
	return err == -ENOENT || err == -EINVAL || err == -EILSEQ || err == -EADDRNOTAVAIL;
}

/* Attach idx[0..n-1] with one perf kprobe each, running the group's code
 * loaded as a plain program (a kprobe_multi program cannot run from a
 * perf event) with the same cookies. Refused functions are skipped; any
 * other error ends the attach (reported). */
static int kprobe_attach_apart(struct kmulti_attach *m, const int *idx, int n)
{
	const struct fth_multi_group *g = m->group;
	char err[512];
	int prog_fd, rc;

	if (!n)
		return 0;
	prog_fd = g->plain_prog_fd(g);
	if (prog_fd < 0)
		return prog_fd;
	for (int i = 0; i < n; i++) {
		const struct fth_probe_inst *inst = g->insts[idx[i]];
		rc = kprobe_perf_attach(inst, prog_fd, g->cookies[idx[i]], m->att, err, sizeof(err));
		if (rc && kprobe_refusal(rc)) {
			m->skipped[m->nskipped++] = inst->func;
			m->refusal = rc;
		} else if (rc) {
			fth_error(m->diag, inst->attach->range, "%s", err);
			return rc;
		}
	}
	return 0;
}

/* One function of a wildcard attached with its own kprobe (no
 * kprobe_multi) that the kernel refused: skipped, as bpftrace does. */
static bool kprobe_attach_skippable(const struct fth_probe_inst *inst, int rc)
{
	const char *text = inst->attach->u.attach.text;

	return kprobe_refusal(rc) && has_wildcard(text);
}

static bool any_module_function(const struct fth_multi_group *g, const int *idx, int n)
{
	for (int i = 0; i < n; i++) {
		const char *mod = g->insts[idx[i]]->target;
		if (mod && strcmp(mod, "vmlinux"))
			return true;
	}
	return false;
}

static void report_kprobes_skipped(const struct kmulti_attach *m)
{
	const struct fth_node *attach = m->group->insts[0]->attach;

	fth_warn_functions_skipped(m->diag, attach, attach->u.attach.text, strerror(-m->refusal), m->skipped,
				   m->nskipped);
}

/* The link's instances and the others (split), linked; a kernel that
 * cannot resolve module functions in a link (before Linux 6.2) has the
 * link tried again without them. The link fd or negative errno. */
static int link_split(const struct fth_multi_group *g, int *in_link, int *nin, int *apart, int *napart)
{
	const char **names = calloc((size_t)g->n, sizeof(*names));
	const char **modules = calloc((size_t)g->n, sizeof(*modules));
	int fd = -ENOMEM;

	if (!names || !modules)
		goto out;
	for (int i = 0; i < g->n; i++) {
		names[i] = g->insts[i]->func;
		modules[i] = g->insts[i]->target;
	}
	for (int pass = 0; pass < 2; pass++) {
		bool modules_in_link = pass == 0;
		fd = fth_kprobe_multi_split(names, modules, g->n, modules_in_link, in_link, nin, apart, napart);
		if (fd < 0)
			break;
		if (!*nin) {
			fd = -ENOENT; /* only module functions: no link */
			break;
		}
		fd = kprobe_multi_link(g, in_link, *nin);
		if (fd >= 0 || (fd != -ESRCH && fd != -ENOENT) || !any_module_function(g, in_link, *nin))
			break;
	}
out:
	free(names);
	free(modules);
	return fd;
}

static int kprobe_attach_multi(const struct fth_multi_group *group, struct fth_attachment *att,
			       struct fth_diag *diag)
{
	const struct fth_probe_inst *first = group->insts[0];
	struct kmulti_attach m = { .group = group, .att = att, .diag = diag };
	int *in_link = calloc((size_t)group->n, sizeof(int));
	int *apart = calloc((size_t)group->n, sizeof(int));
	int nin = 0, napart = 0, fd, rc = 0;

	m.skipped = calloc((size_t)group->n, sizeof(*m.skipped));
	if (!in_link || !apart || !m.skipped) {
		rc = -ENOMEM;
		goto out;
	}
	fd = link_split(group, in_link, &nin, apart, &napart);
	if (fd >= 0) {
		fth_attachment_add_link(att, fd);
	} else if (fd != -ENOMEM && nin) {
		/* A refusal of the whole link (a security module, a function the
		 * kernel cannot resolve): one kprobe per function, as on kernels
		 * without kprobe_multi. */
		fth_warning(diag, first->attach->range,
			    "the kernel refused a kprobe_multi link for %s (%s): attaching one kprobe per function",
			    first->attach->u.attach.text, strerror(-fd));
		rc = kprobe_attach_apart(&m, in_link, nin);
	} else if (fd == -ENOMEM) {
		rc = fd;
	}
	if (!rc)
		rc = kprobe_attach_apart(&m, apart, napart);
	if (!rc && m.nskipped == group->n) {
		fth_error_hint(diag, first->attach->range,
			       "the warnings above say why each was refused; narrow the wildcard",
			       "cannot attach %s: the kernel cannot probe any of its %d functions",
			       first->attach->u.attach.text, group->n);
		rc = m.refusal;
	} else if (!rc && m.nskipped) {
		report_kprobes_skipped(&m);
	}
out:
	free(in_link);
	free(apart);
	free(m.skipped);
	return rc ? rc : m.nskipped;
}

static int kprobe_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	struct kfunc_list l;
	const char *colon = strchr(pattern, ':');
	char modpat[256] = "";

	if (colon)
		snprintf(modpat, sizeof(modpat), "%.*s", (int)(colon - pattern), pattern);
	if (kfunc_list_load(&l))
		return 0;
	for (int i = 0; i < l.n; i++) {
		const struct kfunc *f = &l.items[i];
		const char *mod = f->module ? f->module : "vmlinux";
		if (colon ? !(fth_glob_match(modpat, mod) && fth_glob_match(colon + 1, f->name))
			  : !fth_glob_match(pattern, f->name))
			continue;
		if (f->module)
			fprintf(out, "%s:%s:%s\n", self->name, f->module, f->name);
		else
			fprintf(out, "%s:%s\n", self->name, f->name);
	}
	kfunc_list_free(&l);
	return 0;
}

/* ---------------------------------------------------------------- fentry */

static int fentry_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			 struct fth_ptrvec *out)
{
	const struct fth_provider *self = fth_provider_find(attach->u.attach.parts[0]);
	bool is_return = self == &fth_provider_fexit;
	const char *shown = self->name;
	const char *why;
	struct kspec ks;

	if (parse_kspec(prog, diag, attach, shown, false, &ks))
		return -EINVAL;
	why = fentry_unavailable(prog);
	if (!why)
		return fentry_expand_as(prog, diag, attach, &ks, is_return, shown, out);
	if (fth_kprobes_available() && fth_program_btf(prog)) {
		/* Run as kprobes, still typed from BTF: args.NAME reads the
		 * argument registers. */
		int start = out->len, err;
		struct fth_btf *vmlinux = fth_program_btf(prog);
		char **mods = NULL;
		int nmods, matched = 0;
		if (has_wildcard(ks.func) || (ks.module && has_wildcard(ks.module))) {
			err = kprobe_expand_native(prog, diag, attach, &ks, is_return, out);
			if (err)
				return err;
			/* Re-type each one from BTF where it has a FUNC. */
			for (int i = start; i < out->len; i++) {
				struct fth_probe_inst *inst = out->items[i];
				struct fth_ptrvec one = { 0 };
				struct fth_btf *owned, *b = func_btf(vmlinux, inst->target, &owned);
				if (b && func_inst_add(prog, diag, attach, b, inst->target, inst->func, is_return, true, shown,
						       ks.module != NULL, &one) == 0)
					out->items[i] = one.items[0];
				else
					inst->name = fth_arena_printf(&prog->arena, "%s:%s", shown, inst->func);
				fth_btf_free(owned);
			}
		} else {
			nmods = btf_modules(ks.module, &mods);
			for (int m = 0; m < nmods && !matched; m++) {
				struct fth_btf *owned, *b = func_btf(vmlinux, mods[m], &owned);
				struct fth_btf_arg *args;
				uint32_t id;
				if (b && fth_btf_func_args(b, &prog->arena, ks.func, &args, &id, NULL) >= 0 &&
				    func_inst_add(prog, diag, attach, b, strcmp(mods[m], "vmlinux") ? mods[m] : NULL, ks.func,
						  is_return, true, shown, ks.module != NULL, out) == 0)
					matched++;
				fth_btf_free(owned);
			}
			fth_string_list_free(mods, nmods > 0 ? nmods : 0);
			if (!matched) {
				fth_error_hint(diag, attach->range,
					       fth_arena_printf(&prog->arena, "'fathom -l \"%s:*\"' lists the functions", shown),
					       "kernel function not found in BTF: %s", ks.func);
				return -ENOENT;
			}
		}
		if (fth_kernel_probe_verbose)
			fprintf(stderr, "fathom: fentry cannot be used here (%s): running %s as %s\n", why,
				attach->u.attach.parts[0], is_return ? "kretprobe" : "kprobe");
		return check_max_probes(prog, diag, attach, out, 0);
	}
	fth_error_hint(diag, attach->range, unavailable_hint(prog, ks.func, is_return),
		       "%s probes cannot be used on this kernel: %s%s", shown, why,
		       fth_kprobes_available() ? "" : ", and it has no kprobes to stand in");
	return -EOPNOTSUPP;
}

static int fentry_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
			 size_t errlen)
{
	int lfd = bpf_link_create(prog_fd, 0, inst->expected_attach_type, NULL);

	if (lfd < 0) {
		snprintf(err, errlen, "cannot attach %s: %s", inst->name, strerror(-lfd));
		return lfd;
	}
	fth_attachment_add_link(att, lfd);
	return 0;
}

static int fentry_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	const char *colon = strchr(pattern, ':');
	char modpat[256];
	const char *fpat = colon ? colon + 1 : pattern;
	struct fth_btf *vmlinux;
	struct fth_arena arena;
	struct kfunc_list traceable;
	bool have_traceable;
	char **mods = NULL;
	int nmods;

	snprintf(modpat, sizeof(modpat), "%.*s", colon ? (int)(colon - pattern) : 1, colon ? pattern : "*");
	if (fth_btf_load(&vmlinux))
		return 0;
	have_traceable = kfunc_list_load(&traceable) == 0 && traceable.n > 0;
	fth_arena_init(&arena);
	nmods = btf_modules(modpat, &mods);
	for (int m = 0; m < nmods; m++) {
		struct fth_btf *owned, *b = func_btf(vmlinux, mods[m], &owned);
		char **names = NULL;
		int n = b ? fth_btf_funcs(b, &names) : 0;
		for (int i = 0; i < n; i++) {
			struct fth_btf_arg *args;
			const char *ret;
			uint32_t id;
			int nargs;
			if (!fth_glob_match(fpat, names[i]))
				continue;
			if (have_traceable && !kfunc_has_name(&traceable, names[i]))
				continue;
			fprintf(out, "%s:%s:%s\n", self->name, mods[m], names[i]);
			if (!verbose)
				continue;
			nargs = fth_btf_func_args(b, &arena, names[i], &args, &id, &ret);
			for (int a = 0; a < nargs; a++)
				fprintf(out, "    %s %s\n", args[a].type_name, args[a].name);
			if (self == &fth_provider_fexit && nargs >= 0)
				fprintf(out, "    %s retval\n", ret ? ret : "u64");
		}
		fth_string_list_free(names, n > 0 ? n : 0);
		fth_btf_free(owned);
	}
	fth_string_list_free(mods, nmods > 0 ? nmods : 0);
	if (have_traceable)
		kfunc_list_free(&traceable);
	fth_arena_free(&arena);
	fth_btf_free(vmlinux);
	return 0;
}

/* ------------------------------------------------------------------- table */

static const char *const kprobe_aliases[] = { "k", NULL };
static const char *const kretprobe_aliases[] = { "kr", NULL };
/* Kernels built without CONFIG_KPROBES still load kprobe programs; what
 * they lack is the kprobe PMU (4.17+) and tracefs's kprobe_events. Looks
 * without mounting anything: --info only reports. */
static int kprobe_supported(void)
{
	return access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0 ||
	       access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

static const char *const fentry_aliases[] = { "f", "kfunc", NULL };
static const char *const fexit_aliases[] = { "fr", "kretfunc", NULL };

/* kprobes on one function and fentry/fexit trampolines run their newest
 * program first (bpftrace attaches them in reverse too); kretprobes run
 * in attach order. */
const struct fth_provider fth_provider_kprobe = {
	.name = "kprobe", .aliases = kprobe_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = kprobe_expand, .attach = kprobe_attach, .attach_skippable = kprobe_attach_skippable,
	.attach_multi = kprobe_attach_multi, .list = kprobe_list,
	.runs_newest_first = true, .supported = kprobe_supported,
};
const struct fth_provider fth_provider_kretprobe = {
	.name = "kretprobe", .aliases = kretprobe_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = kprobe_expand, .attach = kprobe_attach, .attach_skippable = kprobe_attach_skippable,
	.attach_multi = kprobe_attach_multi, .list = kprobe_list, .supported = kprobe_supported,
};
const struct fth_provider fth_provider_fentry = {
	.name = "fentry", .aliases = fentry_aliases, .prog_type = BPF_PROG_TYPE_TRACING,
	.expand = fentry_expand, .attach = fentry_attach, .list = fentry_list,	.runs_newest_first = true,
};
const struct fth_provider fth_provider_fexit = {
	.name = "fexit", .aliases = fexit_aliases, .prog_type = BPF_PROG_TYPE_TRACING,
	.expand = fentry_expand, .attach = fentry_attach, .list = fentry_list,	.runs_newest_first = true,
};
