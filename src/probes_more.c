/* probes_more.c - the providers whose context comes from BTF or from
 * hardware: rawtracepoint, hardware, watchpoint/asyncwatchpoint, iter.
 * See probes.h for the provider interface.
 *
 *   rawtracepoint[:MODULE]:EVENT   BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP
 *       ("tp_btf"): the program is verified against the btf_trace_<EVENT>
 *       typedef and attached with BPF_RAW_TRACEPOINT_OPEN. The context is the
 *       tracepoint's arguments as u64[]: args.NAME typed from BTF, arg0..argN.
 *   hardware:EVENT[:COUNT]        PERF_TYPE_HARDWARE on every online CPU.
 *   watchpoint:ADDR:LEN:MODE      PERF_TYPE_BREAKPOINT. bpftrace needs -p or
 *       -c for these; without a target process (inst->target_pid == 0)
 *       fathom opens one breakpoint per online CPU for every process, so any
 *       process touching ADDR in its own address space fires it (filter with
 *       pid/comm). asyncwatchpoint takes the same forms.
 *   watchpoint:FUNC+argN:LEN:MODE  the address in argument N of FUNC, a
 *       function of the traced program (-p/-c): a uprobe on FUNC sends it
 *       to the runtime, which opens the breakpoint for the process (once
 *       per address); watchpoint also stops the process (SIGSTOP) until
 *       that is done, asyncwatchpoint lets it run on.
 *   iter:NAME                     BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER,
 *       context struct bpf_iter__NAME (its fields in inst->args); the runtime
 *       reads the iterator (fth_probe_run_iter) to run the program.
 *   iter:NAME:PIN                 the same, pinned at /sys/fs/bpf/PIN (an
 *       absolute PIN as is) for whoever reads it later; its printf is
 *       bpf_seq_printf into the pin's seq_file (codegen). */
#include "probes.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "btf.h"
#include "tracefs.h"

static bool has_wildcard(const char *s)
{
	return strchr(s, '*') != NULL;
}

/* The whole string as an attach-point integer (1_000, 0x10, 1e6, ...). */
static bool parse_u64(const char *s, uint64_t *out)
{
	return fth_attach_uint(s, out) == NULL;
}

/* "did you mean 'X'?" for name among candidates, or the fallback hint. */
static const char *hint_for(struct fth_program *prog, const char *name, const char *const *candidates, int n,
			    const char *fmt_best, const char *fallback)
{
	const char *best = n > 0 ? fth_closest_name(name, candidates, n) : NULL;

	return best ? fth_arena_printf(&prog->arena, fmt_best, best) : fallback;
}

/* ----------------------------------------------------------- rawtracepoint */


/* Modules to look in, those matching pattern: "vmlinux" first, then every
 * module with BTF (sorted). */
static int rawtp_modules(const char *pattern, char ***out)
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
		*out = NULL;
		return -ENOMEM;
	}
	if (fth_glob_match(pattern, "vmlinux"))
		list[k++] = strdup("vmlinux");
	for (int i = 0; i < n; i++) {
		if (fth_glob_match(pattern, mods[i]))
			list[k++] = mods[i];
		else
			free(mods[i]);
	}
	free(mods);
	*out = list;
	return k;
}

static struct fth_field *args_as_fields(struct fth_program *prog, const struct fth_btf_arg *args, int n)
{
	struct fth_field *f = fth_arena_alloc(&prog->arena, sizeof(*f) * (size_t)(n > 0 ? n : 1));

	for (int i = 0; i < n; i++) {
		f[i].name = args[i].name;
		f[i].type = args[i].type ? args[i].type : fth_type_int(8, false);
		f[i].offset = args[i].offset;
	}
	return f;
}

static int rawtp_add(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach, struct fth_btf *btf,
		     const char *module, const char *event, struct fth_ptrvec *out)
{
	struct fth_btf_arg *args;
	struct fth_probe_inst *inst;
	uint32_t id;
	int obj_fd = 0;
	int n = fth_btf_raw_tp_args(btf, &prog->arena, event, &args, &id);

	if (n < 0)
		return n;
	if (strcmp(module, "vmlinux")) {
		obj_fd = fth_btf_module_obj_fd(module);
		if (obj_fd < 0) {
			fth_error_hint(diag, attach->range,
				       "check that the module is loaded (lsmod) and has BTF (/sys/kernel/btf/MODULE)",
				       "cannot find the kernel BTF object of module '%s': %s", module,
				       strerror(-obj_fd));
			return -EINVAL;
		}
	}
	inst = fth_probe_inst_new(prog, &fth_provider_rawtracepoint, attach,
				  fth_arena_printf(&prog->arena, "rawtracepoint:%s:%s", module, event));
	inst->target = fth_arena_strdup(&prog->arena, module);
	inst->func = fth_arena_strdup(&prog->arena, event);
	inst->args = args_as_fields(prog, args, n);
	inst->nargs = n;
	inst->argn_from_ctx = true;
	inst->expected_attach_type = BPF_TRACE_RAW_TP;
	inst->attach_btf_id = id;
	inst->attach_btf_obj_fd = obj_fd;
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

static struct fth_btf *rawtp_btf_of(struct fth_btf *vmlinux, const char *module, struct fth_btf **owned)
{
	*owned = NULL;
	if (!strcmp(module, "vmlinux"))
		return vmlinux;
	if (fth_btf_load_module(vmlinux, module, owned))
		return NULL;
	return *owned;
}

static void rawtp_not_found(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			    struct fth_btf *vmlinux, const char *module, const char *event)
{
	char **mods = NULL, **names = NULL;
	int nmods = rawtp_modules(module, &mods);
	const char *best = NULL, *best_mod = NULL;
	int best_d = 0;
	int limit = (int)strlen(event) / 3 + 1;

	for (int m = 0; m < nmods; m++) {
		struct fth_btf *owned, *b = rawtp_btf_of(vmlinux, mods[m], &owned);
		int n = b ? fth_btf_raw_tracepoints(b, &names) : 0;
		for (int i = 0; i < n; i++) {
			int d = fth_edit_distance(event, names[i]);
			if (d <= limit && (!best || d < best_d)) {
				best = fth_arena_strdup(&prog->arena, names[i]);
				best_mod = fth_arena_strdup(&prog->arena, mods[m]);
				best_d = d;
			}
		}
		fth_string_list_free(names, n > 0 ? n : 0);
		fth_btf_free(owned);
	}
	fth_string_list_free(mods, nmods > 0 ? nmods : 0);
	fth_error_hint(diag, attach->range,
		       best ? fth_arena_printf(&prog->arena, "did you mean 'rawtracepoint:%s:%s'?", best_mod, best)
			    : "'fathom -l \"rawtracepoint:*\"' lists the raw tracepoints",
		       "No probes to attach: raw tracepoint '%s%s%s' not found", strcmp(module, "*") ? module : "",
		       strcmp(module, "*") ? ":" : "", event);
}

static int rawtp_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const char *module = nparts == 3 ? parts[1] : "*", *event = parts[nparts - 1];
	struct fth_btf *vmlinux;
	char **mods = NULL;
	int nmods, matched = 0, err = 0;

	if (nparts != 2 && nparts != 3) {
		fth_error_hint(diag, attach->range, "write rawtracepoint:EVENT or rawtracepoint:MODULE:EVENT",
			       "rawtracepoint probe takes a module (optional) and an event name");
		return -EINVAL;
	}
	if (!*event || !*module) {
		fth_error_hint(diag, attach->range, "write rawtracepoint:EVENT, e.g. rawtracepoint:sched_switch",
			       "rawtracepoint probe needs an event name");
		return -EINVAL;
	}
	vmlinux = fth_program_btf(prog);
	if (!vmlinux) {
		fth_error_hint(diag, attach->range, "raw tracepoints are typed from /sys/kernel/btf/vmlinux",
			       "rawtracepoint probes need kernel BTF, which this kernel does not provide");
		return -ENOENT;
	}
	nmods = rawtp_modules(module, &mods);
	if (nmods <= 0 && !has_wildcard(module)) {
		fth_string_list_free(mods, nmods > 0 ? nmods : 0);
		/* bpftrace's words; the hint says what the usual cause is */
		fth_attach_error_hint(diag, attach->range,
				      fth_arena_printf(&prog->arena,
						       "is kernel module '%s' loaded? 'fathom -l \"rawtracepoint:*\"' lists "
						       "the raw tracepoints",
						       module),
				      "No BTF found for %s:%s.", module, event);
		return -ENOENT;
	}
	for (int m = 0; m < nmods && !err; m++) {
		struct fth_btf *owned, *b = rawtp_btf_of(vmlinux, mods[m], &owned);
		if (!b)
			continue;
		if (!has_wildcard(event)) {
			int rc = rawtp_add(prog, diag, attach, b, mods[m], event, out);
			if (rc == 0)
				matched++;
			else if (rc != -ENOENT)
				err = rc;
		} else {
			char **names = NULL;
			int n = fth_btf_raw_tracepoints(b, &names);
			for (int i = 0; i < n && !err; i++) {
				if (!fth_glob_match(event, names[i]))
					continue;
				int rc = rawtp_add(prog, diag, attach, b, mods[m], names[i], out);
				if (rc == 0)
					matched++;
				else if (rc != -ENOENT)
					err = rc;
			}
			fth_string_list_free(names, n > 0 ? n : 0);
		}
		fth_btf_free(owned);
		/* rawtracepoint:EVENT means the first module that has it,
		 * vmlinux before the others. */
		if (matched && nparts == 2 && !has_wildcard(event))
			break;
	}
	fth_string_list_free(mods, nmods > 0 ? nmods : 0);
	if (err)
		return err;
	if (!matched) {
		if (has_wildcard(event) || (nparts == 3 && has_wildcard(module)))
			fth_error_hint(diag, attach->range, "'fathom -l \"rawtracepoint:*\"' lists the raw tracepoints",
				       "no raw tracepoint matches %s%s%s", nparts == 3 ? module : "",
				       nparts == 3 ? ":" : "", event);
		else
			rawtp_not_found(prog, diag, attach, vmlinux, module, event);
		return -ENOENT;
	}
	return 0;
}

static int rawtp_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
			size_t errlen)
{
	/* The tracepoint is the one the program was loaded for (its
	 * attach_btf_id): no name needed. */
	int lfd = bpf_raw_tracepoint_open(NULL, prog_fd);

	if (lfd < 0) {
		snprintf(err, errlen, "cannot attach %s: %s", inst->name, strerror(-lfd));
		return lfd;
	}
	fth_attachment_add_link(att, lfd);
	return 0;
}

static int rawtp_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	const char *colon = strchr(pattern, ':');
	char modpat[256];
	const char *evpat = colon ? colon + 1 : pattern;
	struct fth_btf *vmlinux;
	struct fth_arena arena;
	char **mods = NULL;
	int nmods, err;

	snprintf(modpat, sizeof(modpat), "%.*s", colon ? (int)(colon - pattern) : 1, colon ? pattern : "*");
	err = fth_btf_load(&vmlinux);
	if (err)
		return 0; /* no BTF: no raw tracepoints to list */
	fth_arena_init(&arena);
	nmods = rawtp_modules(modpat, &mods);
	for (int m = 0; m < nmods; m++) {
		struct fth_btf *owned, *b = rawtp_btf_of(vmlinux, mods[m], &owned);
		char **names = NULL;
		int n = b ? fth_btf_raw_tracepoints(b, &names) : 0;
		for (int i = 0; i < n; i++) {
			struct fth_btf_arg *args;
			uint32_t id;
			int nargs;
			if (!fth_glob_match(evpat, names[i]))
				continue;
			fprintf(out, "rawtracepoint:%s:%s\n", mods[m], names[i]);
			if (!verbose)
				continue;
			nargs = fth_btf_raw_tp_args(b, &arena, names[i], &args, &id);
			for (int a = 0; a < nargs; a++)
				fprintf(out, "    %s %s\n", args[a].type_name, args[a].name);
		}
		fth_string_list_free(names, n > 0 ? n : 0);
		fth_btf_free(owned);
	}
	fth_string_list_free(mods, nmods > 0 ? nmods : 0);
	fth_arena_free(&arena);
	fth_btf_free(vmlinux);
	return 0;
}

/* ---------------------------------------------------------------- hardware */

struct hw_event {
	const char *name;
	const char *alias;
	uint64_t config;
	uint64_t default_period;
};

/* bpftrace's names, aliases and default periods. */
static const struct hw_event hw_events[] = {
	{ "backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ "branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ "branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ "bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ "cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ "cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ "cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ "frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ "instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ "ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};
#define N_HW_EVENTS (sizeof(hw_events) / sizeof(hw_events[0]))

static const struct hw_event *hw_event_find(const char *name)
{
	for (size_t i = 0; i < N_HW_EVENTS; i++)
		if (!strcmp(hw_events[i].name, name) || (hw_events[i].alias && !strcmp(hw_events[i].alias, name)))
			return &hw_events[i];
	return NULL;
}

static int hardware_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			   struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const struct hw_event *ev;

	if (nparts < 2 || nparts > 3 || !*parts[1]) {
		fth_error_hint(diag, attach->range, "write hardware:EVENT[:COUNT], e.g. hardware:cache-misses:1000000",
			       "hardware probe needs an event name");
		return -EINVAL;
	}
	if (has_wildcard(parts[1])) {
		fth_error_hint(diag, attach->range, "'fathom -l \"hardware:*\"' lists the events",
			       "wildcards are not allowed for hardware probe type");
		return -EINVAL;
	}
	ev = hw_event_find(parts[1]);
	if (!ev) {
		const char *names[2 * N_HW_EVENTS];
		int n = 0;
		for (size_t i = 0; i < N_HW_EVENTS; i++) {
			names[n++] = hw_events[i].name;
			if (hw_events[i].alias)
				names[n++] = hw_events[i].alias;
		}
		fth_error_hint(diag, attach->range,
			       hint_for(prog, parts[1], names, n, "did you mean '%s'?",
					"'fathom -l \"hardware:*\"' lists the events"),
			       "unknown hardware event '%s'", parts[1]);
		return -EINVAL;
	}
	return fth_perf_event_expand(prog, diag, attach, &fth_provider_hardware, ev->name, ev->default_period,
				     "hardware:cache-misses:1e6", out);
}

/* perf_event_open's errno when the machine has no PMU for the event
 * (a VM without virtual counters: ENOENT), not a lack of permission. */
static bool hw_pmu_missing(int e)
{
	return e == ENOENT || e == EOPNOTSUPP || e == ENODEV || e == EINVAL;
}

static const char *hardware_attach_hint(const struct fth_probe_inst *inst, int rc)
{
	(void)inst;
	if (!hw_pmu_missing(-rc))
		return NULL;
	return "this machine has no CPU performance counters (a VM without a virtual PMU?): "
	       "profile:hz:99 or software:cpu-clock:1e6 sample CPU time without them";
}

static void hardware_open_error(const struct fth_probe_inst *inst, int errnum, char *err, size_t errlen)
{
	const char *event = hw_event_find(inst->func)->name;

	if (hw_pmu_missing(errnum))
		snprintf(err, errlen, "hardware event %s is not available on this machine (perf_event_open: %s)",
			 event, strerror(errnum));
	else
		snprintf(err, errlen, "cannot open hardware event %s: %s", event, strerror(errnum));
}

static int hardware_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
			   size_t errlen)
{
	const struct hw_event *ev = hw_event_find(inst->func);
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = ev->config,
		.sample_period = inst->period,
	};

	return fth_attach_perf_on_cpus(inst, &attr, inst->target_pid, prog_fd, att, err, errlen,
				       hardware_open_error);
}

static int hardware_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	for (size_t i = 0; i < N_HW_EVENTS; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s:", hw_events[i].name);
		if (fth_glob_match(pattern, name))
			fprintf(out, "hardware:%s\n", name);
	}
	return 0;
}

/* -------------------------------------------------------------- watchpoint */

/* Modes the hardware accepts, as sorted letters. x86 debug registers have
 * no read-only mode. */
#if defined(__x86_64__) || defined(__i386__)
static const char *const wp_modes[] = { "rw", "w", "x" };
#else
static const char *const wp_modes[] = { "r", "rw", "w", "x" };
#endif
#define N_WP_MODES (sizeof(wp_modes) / sizeof(wp_modes[0]))

/* FUNC+argN of a watchpoint: 0, or an error reported. */
static int parse_func_arg(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			  const struct fth_provider *self, const char **func, int *argn)
{
	const char *text = attach->u.attach.parts[1];
	const char *plus = strrchr(text, '+');
	char *end;
	long n;

	*func = fth_arena_printf(&prog->arena, "%.*s", (int)(plus - text), text);
	if (strncmp(plus + 1, "arg", 3) || !plus[4] || (n = strtol(plus + 4, &end, 10), *end) || n < 0 || n > 5 ||
	    !**func) {
		fth_error_hint(diag, attach->range,
			       fth_arena_printf(&prog->arena, "write e.g. %s:increment+arg0:4:w", self->name),
			       "invalid watchpoint target '%s': expected FUNCTION+argN, N from 0 to 5", text);
		return -EINVAL;
	}
	/* -d runs no command: its program is enough to compile */
	if ((prog->config.target_pid <= 0 && !prog->config.compile_only) || !prog->config.target_binary) {
		fth_error_hint(diag, attach->range, "run the program with -c CMD, or name its process with -p PID",
			       "%s:%s needs the process whose function it watches", self->name, text);
		return -EINVAL;
	}
	*argn = (int)n;
	return 0;
}

/* watchpoint:FUNC+argN: for each FUNC of the traced program (a wildcard
 * may match several), a uprobe that sends the address to the runtime and
 * the watchpoint it arms, named PROVIDER:PROGRAM:FUNC:LEN:MODE as in
 * bpftrace. */
static int watch_function_args(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			       const struct fth_provider *self, const char *func, int argn, uint32_t len,
			       uint32_t bp_type, const char *mode, struct fth_ptrvec *out)
{
	const char *binary = prog->config.target_binary;
	struct fth_node *uprobe_ap = fth_arena_alloc(&prog->arena, sizeof(*uprobe_ap));
	const char **parts = fth_arena_alloc(&prog->arena, 4 * sizeof(*parts));
	struct fth_ptrvec setups = { 0 };
	int rc;

	*uprobe_ap = *attach;
	parts[0] = "uprobe";
	parts[1] = binary;
	parts[2] = func;
	uprobe_ap->u.attach.parts = parts;
	uprobe_ap->u.attach.nparts = 3;
	uprobe_ap->u.attach.text = fth_arena_printf(&prog->arena, "uprobe:%s:%s", binary, func);
	rc = fth_provider_uprobe.expand(prog, diag, uprobe_ap, &setups);
	if (rc)
		return rc;
	for (int i = 0; i < setups.len; i++) {
		struct fth_probe_inst *setup = setups.items[i];
		struct fth_probe_inst *wp = fth_probe_inst_new(
			prog, self, attach,
			fth_arena_printf(&prog->arena, "%s:%s:%s:%u:%s", self->name, binary, setup->func, len, mode));
		/* its code is its own: it names the watchpoint it arms */
		setup->multi_leader = NULL;
		setup->expected_attach_type = 0;
		setup->wp_setup_for = wp;
		wp->wp_func = true;
		wp->wp_arg = argn;
		wp->func = setup->func;
		wp->bp_len = len;
		wp->bp_type = bp_type;
		fth_ptrvec_push(&prog->arena, out, wp);
		fth_ptrvec_push(&prog->arena, out, setup);
	}
	return 0;
}

static int watchpoint_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			     struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	const struct fth_provider *self = fth_provider_find(parts[0]);
	struct fth_probe_inst *inst;
	uint64_t addr, len;
	char mode[4] = "";
	size_t nmode;
	uint32_t bp_type = 0;
	bool supported = false;
	const char *func = NULL;
	int argn = 0, func_arg;

	if (attach->u.attach.nparts != 4) {
		fth_error_hint(diag, attach->range, "write e.g. watchpoint:0x10000000:8:w",
			       "%s probe takes an address, a length and a mode", self->name);
		return -EINVAL;
	}
	if (strchr(parts[1], '+')) {
		func_arg = parse_func_arg(prog, diag, attach, self, &func, &argn);
		if (func_arg)
			return func_arg;
		addr = 0;
	} else if (!parse_u64(parts[1], &addr)) {
		fth_error_hint(diag, attach->range, "write the address in decimal or as 0x hex",
			       "invalid watchpoint address '%s'", parts[1]);
		return -EINVAL;
	}
	if (!addr && !func) {
		fth_error_hint(diag, attach->range, "write e.g. watchpoint:0x10000000:8:w, or watchpoint:func+arg1:8:w",
			       "watchpoint must be attached to a non-zero address");
		return -EINVAL;
	}
	if (!parse_u64(parts[2], &len) || (len != 1 && len != 2 && len != 4 && len != 8)) {
		fth_error_hint(diag, attach->range, "the third part is the number of bytes watched, e.g. watchpoint:0x10000000:8:w",
			       "watchpoint length must be one of (1,2,4,8)");
		return -EINVAL;
	}
	nmode = strlen(parts[3]);
	if (nmode == 0 || strspn(parts[3], "rwx") != nmode) {
		fth_error_hint(diag, attach->range, "the last part says what to catch: r (read), w (write), x (execute), e.g. rw",
			       "watchpoint mode must be combination of (r,w,x)");
		return -EINVAL;
	}
	for (size_t i = 0; i < nmode; i++) {
		uint32_t bit = parts[3][i] == 'r' ? HW_BREAKPOINT_R : parts[3][i] == 'w' ? HW_BREAKPOINT_W : HW_BREAKPOINT_X;
		if (bp_type & bit) {
			fth_error_hint(diag, attach->range, "name each of r, w and x once, e.g. rw",
				       "watchpoint modes may not be duplicated");
			return -EINVAL;
		}
		bp_type |= bit;
	}
	/* Sorted letters, as bpftrace canonicalises them. */
	snprintf(mode, sizeof(mode), "%s%s%s", bp_type & HW_BREAKPOINT_R ? "r" : "", bp_type & HW_BREAKPOINT_W ? "w" : "",
		 bp_type & HW_BREAKPOINT_X ? "x" : "");
	for (size_t i = 0; i < N_WP_MODES; i++)
		supported |= !strcmp(wp_modes[i], mode);
	if (!supported) {
		char hint[64] = "supported modes: ";
		for (size_t i = 0; i < N_WP_MODES; i++) {
			strcat(hint, wp_modes[i]);
			if (i + 1 < N_WP_MODES)
				strcat(hint, ",");
		}
		fth_error_hint(diag, attach->range, hint, "invalid watchpoint mode: %s", mode);
		return -EINVAL;
	}
	if (bp_type == HW_BREAKPOINT_X && len != sizeof(long)) {
		fth_error_hint(diag, attach->range, fth_arena_printf(&prog->arena, "write %s:%s:%zu:x", self->name,
								      parts[1], sizeof(long)),
			       "an execute watchpoint must have length %zu on this machine", sizeof(long));
		return -EINVAL;
	}
	if (func)
		return watch_function_args(prog, diag, attach, self, func, argn, (uint32_t)len, bp_type, mode, out);
	if (addr % len) {
		fth_error_hint(diag, attach->range, "the hardware watches naturally aligned addresses only",
			       "watchpoint address 0x%llx is not aligned to its length %llu", (unsigned long long)addr,
			       (unsigned long long)len);
		return -EINVAL;
	}
	/* bpftrace's canonical name: the address in decimal. */
	inst = fth_probe_inst_new(prog, self, attach,
				  fth_arena_printf(&prog->arena, "%s:%llu:%llu:%s", self->name, (unsigned long long)addr,
						   (unsigned long long)len, mode));
	inst->bp_addr = addr;
	inst->bp_len = (uint32_t)len;
	inst->bp_type = bp_type;
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

static void watchpoint_open_error(const struct fth_probe_inst *inst, int errnum, char *err, size_t errlen)
{
	if (errnum == ENOSPC)
		snprintf(err, errlen, "cannot set %s: all hardware breakpoint registers are in use", inst->name);
	else
		snprintf(err, errlen, "cannot set %s: %s", inst->name, strerror(errnum));
}

static int watchpoint_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
			     size_t errlen)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = inst->bp_type,
		.bp_addr = inst->bp_addr,
		.bp_len = inst->bp_len,
		.sample_period = 1,
	};

	/* FUNC+argN: armed by the runtime once FUNC passes an address */
	if (inst->wp_func && !inst->bp_addr)
		return 0;
	return fth_attach_perf_on_cpus(inst, &attr, inst->target_pid, prog_fd, att, err, errlen,
				       watchpoint_open_error);
}

/* There is nothing to list: any address can be watched (bpftrace lists
 * nothing either). */
static int watchpoint_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	return 0;
}

/* -------------------------------------------------------------------- iter */

#define BPFFS_DIR "/sys/fs/bpf"

/* Iterators whose link needs a map fd or other target, which fathom
 * cannot name in an attach point. */
static const char *const iter_need_target[] = { "bpf_map_elem", "bpf_sk_storage_map", "sockmap" };

/* An iter probe runs to completion when read: it cannot share the run
 * with event-driven probes. BEGIN and END are fine. */
static bool iter_is_alone(struct fth_program *prog, struct fth_node *attach)
{
	const struct fth_node_list *probes = &prog->ast->u.program.probes;

	for (int i = 0; i < probes->len; i++) {
		const struct fth_node_list *aps = &probes->items[i]->u.probe.attach_points;
		for (int j = 0; j < aps->len; j++) {
			struct fth_node *ap = aps->items[j];
			const struct fth_provider *p = fth_provider_find(ap->u.attach.parts[0]);
			if (ap == attach)
				continue;
			if (p && (!strcmp(p->name, "BEGIN") || !strcmp(p->name, "END")))
				continue;
			return false;
		}
	}
	return true;
}

static int iter_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
		       struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	struct fth_btf *btf;
	struct fth_btf_arg *fields;
	struct fth_probe_inst *inst;
	uint32_t id;
	int n;

	if (nparts == 3 && !*parts[2]) {
		fth_error_hint(diag, attach->range, "write iter:NAME:PIN, e.g. iter:task:tasks for /sys/fs/bpf/tasks",
			       "iter probe pin path is empty");
		return -EINVAL;
	}
	if ((nparts != 2 && nparts != 3) || !*parts[1]) {
		fth_error_hint(diag, attach->range, "write iter:NAME, e.g. iter:task", "iter probe needs an iterator name");
		return -EINVAL;
	}
	if (has_wildcard(parts[1])) {
		fth_error_hint(diag, attach->range, "name one iterator; 'fathom -l \"iter:*\"' lists them",
			       "iter probe type does not support wildcards");
		return -EINVAL;
	}
	btf = fth_program_btf(prog);
	if (!btf) {
		fth_error_hint(diag, attach->range, "iterators are typed from /sys/kernel/btf/vmlinux",
			       "iter probes need kernel BTF, which this kernel does not provide");
		return -ENOENT;
	}
	n = fth_btf_iter_ctx(btf, &prog->arena, parts[1], &fields, &id);
	if (n < 0) {
		char **names = NULL;
		int nn = fth_btf_iterators(btf, &names);
		const char *hint = hint_for(prog, parts[1], (const char *const *)names, nn > 0 ? nn : 0,
					    "did you mean 'iter:%s'?", "'fathom -l \"iter:*\"' lists the iterators");
		fth_error_hint(diag, attach->range, hint, "iter %s not available for your kernel version", parts[1]);
		fth_string_list_free(names, nn > 0 ? nn : 0);
		return -ENOENT;
	}
	for (size_t i = 0; i < sizeof(iter_need_target) / sizeof(iter_need_target[0]); i++) {
		if (!strcmp(parts[1], iter_need_target[i])) {
			fth_error_hint(diag, attach->range, "iter:task, iter:task_file, iter:task_vma ... need none",
				       "iter:%s needs a map to iterate over, which fathom cannot pass", parts[1]);
			return -EINVAL;
		}
	}
	if (!iter_is_alone(prog, attach)) {
		fth_error_hint(diag, attach->range, "run the other probes in a separate fathom",
			       "an iter probe must be the only probe of the program (besides BEGIN and END)");
		return -EINVAL;
	}
	inst = fth_probe_inst_new(prog, &fth_provider_iter, attach, fth_arena_printf(&prog->arena, "iter:%s", parts[1]));
	inst->func = fth_arena_strdup(&prog->arena, parts[1]);
	inst->args = args_as_fields(prog, fields, n);
	inst->nargs = n;
	inst->expected_attach_type = BPF_TRACE_ITER;
	inst->attach_btf_id = id;
	/* bpftrace's rule: a relative PIN lives in the BPF file system */
	if (nparts == 3)
		inst->pin_path = parts[2][0] == '/' ? fth_arena_strdup(&prog->arena, parts[2])
						    : fth_arena_printf(&prog->arena, "%s/%s", BPFFS_DIR, parts[2]);
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

static int iter_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
		       size_t errlen)
{
	int lfd = bpf_link_create(prog_fd, 0, BPF_TRACE_ITER, NULL);

	if (lfd < 0) {
		snprintf(err, errlen, "cannot attach %s: %s", inst->name, strerror(-lfd));
		return lfd;
	}
	fth_attachment_add_link(att, lfd);
	return 0;
}

static int iter_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	struct fth_btf *btf;
	struct fth_arena arena;
	char **names = NULL;
	int n;

	if (fth_btf_load(&btf))
		return 0;
	fth_arena_init(&arena);
	n = fth_btf_iterators(btf, &names);
	for (int i = 0; i < n; i++) {
		struct fth_btf_arg *fields;
		uint32_t id;
		int nf;
		if (!fth_glob_match(pattern, names[i]))
			continue;
		fprintf(out, "iter:%s\n", names[i]);
		if (!verbose)
			continue;
		nf = fth_btf_iter_ctx(btf, &arena, names[i], &fields, &id);
		for (int f = 0; f < nf; f++)
			fprintf(out, "    %s %s\n", fields[f].type_name, fields[f].name);
	}
	fth_string_list_free(names, n > 0 ? n : 0);
	fth_arena_free(&arena);
	fth_btf_free(btf);
	return 0;
}

int fth_probe_find_iter(const struct fth_program *prog)
{
	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = prog->progs.items[i];
		if (p->inst->provider == &fth_provider_iter)
			return i;
	}
	return -1;
}

int fth_probe_run_iter(const struct fth_attachment *att)
{
	char buf[4096];

	for (int i = 0; i < att->nlinks; i++) {
		int ifd = bpf_iter_create(att->links[i]);
		ssize_t r;
		if (ifd < 0)
			return ifd;
		/* The program prints nothing into the seq_file, so one read
		 * normally walks every object and returns 0. */
		while ((r = read(ifd, buf, sizeof(buf))) != 0) {
			if (r < 0 && errno != EINTR && errno != EAGAIN) {
				int e = -errno;
				close(ifd);
				return e;
			}
		}
		close(ifd);
	}
	return 0;
}

/* bpf_obj_pin works only on a BPF file system; the usual one may not be
 * mounted yet (as bpftool does, mount it then). */
static int mount_bpffs_for(const char *path, char *err, size_t errlen)
{
	struct statfs st;

	if (strncmp(path, BPFFS_DIR "/", strlen(BPFFS_DIR "/")))
		return 0;
	if (statfs(BPFFS_DIR, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS_DIR, "bpf", 0, "mode=0700") == 0)
		return 0;
	snprintf(err, errlen, "cannot mount the BPF file system on %s: %s", BPFFS_DIR, strerror(errno));
	return -errno;
}

int fth_probe_pin_iter(const struct fth_probe_inst *inst, const struct fth_attachment *att, char *err,
		       size_t errlen)
{
	int rc;

	if (att->nlinks != 1) {
		snprintf(err, errlen, "cannot pin %s: it is not attached", inst->name);
		return -ENOENT;
	}
	rc = mount_bpffs_for(inst->pin_path, err, errlen);
	if (rc < 0)
		return rc;
	if (bpf_obj_pin(att->links[0], inst->pin_path) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot pin %s to %s: %s", inst->name, inst->pin_path, strerror(-rc));
		return rc;
	}
	return 0;
}

static void *iter_thread_main(void *arg)
{
	struct fth_iter_thread *t = arg;

	t->err = fth_probe_run_iter(t->att);
	atomic_store(&t->done, true);
	return NULL;
}

int fth_probe_iter_start(struct fth_iter_thread *t, const struct fth_attachment *att)
{
	int rc;

	t->att = att;
	t->err = 0;
	atomic_store(&t->done, false);
	rc = pthread_create(&t->thread, NULL, iter_thread_main, t);
	t->started = rc == 0;
	return -rc;
}

int fth_probe_iter_join(struct fth_iter_thread *t)
{
	if (t->started)
		pthread_join(t->thread, NULL);
	t->started = false;
	return t->err;
}

/* --------------------------------------------------------------- support */

/* rawtracepoint uses tp_btf where the kernel allows and raw_tp elsewhere,
 * so raw_tp programs loading is what it takes. */
static int rawtp_supported(void)
{
	int r = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL);

	return r > 0 ? 1 : r == 0 ? 0 : -1;
}

/* A counter that opens on this process is a PMU the kernel can sample. */
static int hardware_supported(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_CPU_CYCLES,
		.disabled = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	int fd = fth_perf_event_open(&attr, 0, -1);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return hw_pmu_missing(errno) ? 0 : -1;
}

/* An iterator program over tasks loads (BPF_TRACE_ITER, kernel 5.8+). */
static int iter_supported(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return fth_try_load_tracing(insns, 2, "task", BPF_TRACE_ITER);
}

/* ------------------------------------------------------------------- table */

static const char *const rawtp_aliases[] = { "rt", NULL };
static const char *const hardware_aliases[] = { "h", NULL };
static const char *const watchpoint_aliases[] = { "w", NULL };
static const char *const asyncwatchpoint_aliases[] = { "aw", NULL };
static const char *const iter_aliases[] = { "it", NULL };

const struct fth_provider fth_provider_rawtracepoint = {
	.name = "rawtracepoint", .aliases = rawtp_aliases, .prog_type = BPF_PROG_TYPE_TRACING,
	.expand = rawtp_expand, .attach = rawtp_attach, .list = rawtp_list, .supported = rawtp_supported,
};
const struct fth_provider fth_provider_hardware = {
	.name = "hardware", .aliases = hardware_aliases, .prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = hardware_expand, .attach = hardware_attach, .attach_hint = hardware_attach_hint,
	.list = hardware_list, .supported = hardware_supported,
};
const struct fth_provider fth_provider_watchpoint = {
	.name = "watchpoint", .aliases = watchpoint_aliases, .prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = watchpoint_expand, .attach = watchpoint_attach, .list = watchpoint_list,
};
const struct fth_provider fth_provider_asyncwatchpoint = {
	.name = "asyncwatchpoint", .aliases = asyncwatchpoint_aliases, .prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = watchpoint_expand, .attach = watchpoint_attach, .list = watchpoint_list,
};
const struct fth_provider fth_provider_iter = {
	.name = "iter", .aliases = iter_aliases, .prog_type = BPF_PROG_TYPE_TRACING,
	.expand = iter_expand, .attach = iter_attach, .list = iter_list, .supported = iter_supported,
};
