/* loader.c - maps, programs and attachment, see loader.h. */
#include "loader.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "format.h"


static void map_bpf_name(const struct fth_map *m, char *out, size_t len)
{
	/* Kernel object names: 15 characters of [A-Za-z0-9_.]. */
	size_t n = 0;

	if (m->internal) {
		snprintf(out, len, "%s", m->name);
		return;
	}
	n = (size_t)snprintf(out, len, "fth_m");
	for (const char *s = m->name + 1; *s && n + 1 < len && n < 15; s++)
		out[n++] = isalnum((unsigned char)*s) || *s == '_' ? *s : '_';
	out[n] = '\0';
}

/* A read-only map's contents, written once and frozen: the verifier then
 * knows its bytes (a format string for bpf_seq_printf must be such).
 * Returns the map's fd, or a negative errno with the map closed. */
static int fill_and_freeze(struct fth_map *m)
{
	uint32_t key = 0;
	int err = 0;

	if (bpf_map_update_elem(m->fd, &key, m->frozen_value, BPF_ANY) < 0 || bpf_map_freeze(m->fd) < 0)
		err = -errno;
	if (err) {
		close(m->fd);
		return err;
	}
	return m->fd;
}

/* The fix for a map the kernel would not create: the event ring buffer
 * is sized by perf_rb_pages, a script map by max_map_keys. */
static const char *map_refused_hint(const struct fth_map *m, int err)
{
	static char hint[320];

	if (m->bpf_type == BPF_MAP_TYPE_RINGBUF || m->bpf_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return fth_buffer_refused_hint(-err);
	if (fth_fd_limit_hint(-err))
		return fth_fd_limit_hint(-err);
	if (err != -ENOMEM && err != -E2BIG && err != -EAGAIN)
		return NULL;
	snprintf(hint, sizeof(hint),
		 "it needs room for %u entries: raise the locked-memory limit (ulimit -l) or the memory cgroup's "
		 "limit, or ask for fewer keys, e.g. config = { max_map_keys = 1024 }",
		 m->max_entries);
	return hint;
}

static int create_maps(struct fth_loader *ld)
{
	struct fth_program *prog = ld->prog;

	for (int i = 0; i < prog->maps.len; i++) {
		struct fth_map *m = prog->maps.items[i];
		LIBBPF_OPTS(bpf_map_create_opts, opts);
		char name[16];
		uint32_t key_size = m->key_size, value_size = m->value_size;

		if (m->bpf_type == BPF_MAP_TYPE_RINGBUF)
			key_size = value_size = 0;
		if (!m->internal && !m->value_type)
			continue;
		map_bpf_name(m, name, sizeof(name));
		if (m->mmapable)
			opts.map_flags = BPF_F_MMAPABLE;
		if (m->stack_limit)
			opts.map_flags = BPF_F_NO_PREALLOC; /* memory for the stacks seen, not for max_entries */
		if (m->frozen_value)
			opts.map_flags = BPF_F_RDONLY_PROG; /* the programs may only read it */
		m->fd = bpf_map_create(m->bpf_type, name, key_size, value_size, m->max_entries, &opts);
		if (m->fd >= 0 && m->frozen_value)
			m->fd = fill_and_freeze(m);
		if (m->fd < 0) {
			int err = m->fd;
			if (err == -EPERM)
				fth_diag_plain(ld->diag, FTH_SEV_ERROR, "run fathom as root (it needs CAP_BPF and CAP_PERFMON)",
					       "not allowed to create BPF maps");
			else
				fth_diag_plain(ld->diag, FTH_SEV_ERROR, map_refused_hint(m, err), "cannot create map %s: %s",
					       m->name, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void relocate_maps(struct fth_program *prog, struct fth_prog *p)
{
	for (int i = 0; i < p->code.len; i++) {
		struct bpf_insn *in = &p->code.insns[i];
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM)) {
			if (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE)
				in->imm = fth_program_map(prog, in->imm)->fd;
			i++;
		}
	}
}

void fth_verifier_summary(const char *log, char *reason, size_t reason_len, int *insn)
{
	const char *p = log, *last_line = NULL;
	size_t last_len = 0;

	*insn = -1;
	reason[0] = '\0';
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		int idx;
		/* Instruction lines start with "N: (" ; remember the last. */
		if (sscanf(p, "%d: (", &idx) == 1 && isdigit((unsigned char)*p))
			*insn = idx;
		else if (len > 0 && strncmp(p, "processed ", 10) && strncmp(p, "verification time", 17) &&
			 strncmp(p, "stack depth", 11) && strncmp(p, "func#", 5) && strncmp(p, "last_idx", 8) &&
			 strncmp(p, "regs=", 5) && strncmp(p, "parent ", 7) && p[0] != ';' && strncmp(p, "from ", 5) &&
			 strncmp(p, "mark_precise", 12) && strncmp(p, "Validating", 10) &&
			 /* register dumps after "infinite loop detected" */
			 strncmp(p, "cur state:", 10) && strncmp(p, "old state:", 10))
		{
			last_line = p;
			last_len = len;
		}
		p = eol ? eol + 1 : NULL;
	}
	if (last_line)
		snprintf(reason, reason_len, "%.*s", (int)last_len, last_line);
}

/* A program with callbacks (for ($kv : @map)) needs BTF func_info: the
 * verifier refuses a BPF_PSEUDO_FUNC reference without it ("missing btf
 * func_info") and wants each callback to be a static function. The BTF
 * describes the probe as `long NAME(void *ctx)` and every callback as
 * `static long fth_cbN(void *map, void *key, void *value, void *ctx)`. */
static int build_func_info(const struct fth_prog *p, struct btf **out, struct bpf_func_info *info)
{
	static const char *const cb_params[] = { "map", "key", "value", "ctx" };
	struct btf *btf = btf__new_empty();
	int long_id, ptr_id, main_proto, cb_proto, err = 0;

	if (!btf)
		return -errno;
	long_id = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	ptr_id = btf__add_ptr(btf, 0);
	main_proto = btf__add_func_proto(btf, long_id);
	if (long_id < 0 || ptr_id < 0 || main_proto < 0 || (err = btf__add_func_param(btf, "ctx", ptr_id)) < 0)
		goto fail;
	cb_proto = btf__add_func_proto(btf, long_id);
	if (cb_proto < 0) {
		err = cb_proto;
		goto fail;
	}
	for (size_t i = 0; i < sizeof(cb_params) / sizeof(cb_params[0]); i++)
		if ((err = btf__add_func_param(btf, cb_params[i], ptr_id)) < 0)
			goto fail;
	for (int i = 0; i < p->nfuncs; i++) {
		char name[32];
		int id;
		if (i)
			snprintf(name, sizeof(name), "fth_cb%d", i);
		id = btf__add_func(btf, i ? name : p->bpf_name, i ? BTF_FUNC_STATIC : BTF_FUNC_GLOBAL,
				   i ? cb_proto : main_proto);
		if (id < 0) {
			err = id;
			goto fail;
		}
		info[i].insn_off = (uint32_t)p->func_starts[i];
		info[i].type_id = (uint32_t)id;
	}
	err = btf__load_into_kernel(btf);
	if (err)
		goto fail;
	*out = btf;
	return 0;
fail:
	btf__free(btf);
	return err < 0 ? err : -EINVAL;
}

/* The kernel's log ends with "processed N insns ..."; without it the log
 * was cut short by a buffer smaller than the log. */
static bool verifier_log_trimmed(const char *log)
{
	const char *processed = strstr(log, "processed ");

	return !processed || !strstr(processed, " insns");
}

/* bpftrace's name for a probe's program: the probe's name (its provider
 * in lower case, as bpftrace spells begin/end) with every character that
 * is not a letter or digit made '_', then _INDEX. */
static void bpftrace_prog_name(const struct fth_prog *p, int index, char *out, size_t len)
{
	bool in_provider = true;
	size_t n = 0;

	for (const char *c = p->inst->name; *c && n + 1 < len; c++) {
		in_provider = in_provider && *c != ':';
		if (!isalnum((unsigned char)*c))
			out[n++] = '_';
		else
			out[n++] = in_provider ? (char)tolower((unsigned char)*c) : *c;
	}
	snprintf(out + n, len - n, "_%d", index);
}

/* The verifier refused a GPL-only helper (the license is not GPL):
 * bpftrace's sentence, naming the helper the log shows at insn, at the
 * expression whose code called it. */
static void report_gpl_only_helper(struct fth_loader *ld, struct fth_prog *p, const char *log, int insn)
{
	static const char hint[] = "set config = { license = \"GPL\" } (or a GPL-compatible license) to use it";
	char line[32], helper[64] = "a GPL-only helper";
	const char *at, *call;

	if (insn < 0 || insn >= p->code.len) {
		fth_diag_plain(ld->diag, FTH_SEV_ERROR, hint,
			       "Your bpftrace program cannot load because you are using a license that is "
			       "non-GPL compatible. License: %s", ld->prog->config.license);
		return;
	}
	snprintf(line, sizeof(line), "\n%d: (85) call ", insn);
	at = strstr(log, line);
	call = at ? at + strlen(line) : NULL;
	if (call) {
		size_t n = strcspn(call, "#\n");
		snprintf(helper, sizeof(helper), "helper %.*s", (int)(n < 60 ? n : 60), call);
	}
	fth_error_hint(ld->diag, p->code.ranges[insn], hint, "%s can only be used in GPL-compatible programs", helper);
}

/* Why p did not load: the verifier's reason at the expression it
 * rejected; a log too small for what the verifier says (ENOSPC) gets
 * bpftrace's wording and the log_size in use. */
static void report_load_failure(struct fth_loader *ld, struct fth_prog *p, int fd, const char *log)
{
	uint32_t log_size = ld->prog->config.log_size;
	char reason[512];
	int insn;

	if (fd == -EPERM && !log[0]) {
		fth_diag_plain(ld->diag, FTH_SEV_ERROR, "run fathom as root (it needs CAP_BPF and CAP_PERFMON)",
			       "not allowed to load BPF programs");
		return;
	}
	if (fd == -ENOSPC && verifier_log_trimmed(log)) {
		char name[160];

		bpftrace_prog_name(p, p->probe_index + 1, name, sizeof(name));
		fth_error_hint(ld->diag, p->probe->range,
			       "raise BPFTRACE_LOG_SIZE (or config log_size) so the verifier's log fits",
			       "Error loading BPF program for %s. Error code: %d (%s).", name, fd, strerror(-fd));
		if (ld->verbose)
			fprintf(ld->diag->out, "Kernel error log: \n%s\n", log);
		fth_diag_plain(ld->diag, FTH_SEV_WARNING, NULL,
			       "Kernel log seems to be trimmed. This may be due to buffer not being big enough, try "
			       "increasing the BPFTRACE_LOG_SIZE environment variable beyond the current value of %u bytes",
			       log_size);
		return;
	}
	fth_verifier_summary(log, reason, sizeof(reason), &insn);
	/* a locked-down kernel hides bpf_probe_write_user from every program
	 * type; the verifier's words for that do not say why */
	if (strstr(log, "cannot use helper bpf_probe_write_user")) {
		fth_error_hint(ld->diag, insn >= 0 && insn < p->code.len ? p->code.ranges[insn] : p->probe->range,
			       "check /sys/kernel/security/lockdown (it must say [none]) and the kernel's lockdown= option",
			       "this kernel refuses bpf_probe_write_user, so write_user() cannot run in %s "
			       "(kernel lockdown forbids writing to user memory from BPF)",
			       p->inst->name);
		return;
	}
	if (strstr(log, "cannot call GPL-restricted function")) {
		report_gpl_only_helper(ld, p, log, insn);
	} else if (insn >= 0 && insn < p->code.len) {
		fth_error_hint(ld->diag, p->code.ranges[insn], ld->verbose ? NULL : "run with -v to see the verifier log",
			       "the kernel's BPF verifier rejected the code for this expression in %s: %s",
			       p->inst->name, reason[0] ? reason : strerror(-fd));
	} else {
		const char *hint = fth_fd_limit_hint(-fd);
		if (!hint && !ld->verbose)
			hint = "run with -v to see the verifier log";
		fth_error_hint(ld->diag, p->probe->range, hint, "the kernel rejected the program for %s: %s",
			       p->inst->name, reason[0] ? reason : strerror(-fd));
	}
	if (ld->verbose)
		fprintf(ld->diag->out, "--- verifier log for %s ---\n%s\n", p->inst->name, log);
}

/* Load p's code (its maps relocated) as a program of attach type `type`:
 * its fd, or negative errno (reported). */
static int load_prog_as(struct fth_loader *ld, struct fth_prog *p, enum bpf_attach_type type, char *log)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	int fd = -1;
	struct btf *btf = NULL;
	struct bpf_func_info func_info[FTH_MAX_FUNCS];

	opts.expected_attach_type = type;
	opts.attach_btf_id = p->inst->attach_btf_id;
	opts.attach_btf_obj_fd = p->inst->attach_btf_obj_fd;
	log[0] = '\0';
	if (p->nfuncs > 1) {
		int err = build_func_info(p, &btf, func_info);
		if (err) {
			fth_error(ld->diag, p->probe->range, "cannot describe the loop callbacks of %s to the kernel (BTF): %s",
				  p->inst->name, strerror(-err));
			return err;
		}
		opts.prog_btf_fd = btf__fd(btf);
		opts.func_info = func_info;
		opts.func_info_cnt = (uint32_t)p->nfuncs;
		opts.func_info_rec_size = sizeof(func_info[0]);
	}
	/* Without -v, loaded without a log first: the log of every
	 * instruction the verifier walks in a big program that passes can
	 * overflow the buffer, and the kernel then refuses the program
	 * (ENOSPC). Only a rejected program is loaded again, with the log, to
	 * say why. With -v the log is on from the start, as in bpftrace, so a
	 * log_size too small for the program makes its load fail. */
	if (!ld->verbose)
		fd = bpf_prog_load(p->prog_type, p->bpf_name, ld->prog->config.license, p->code.insns,
				   (size_t)p->code.len, &opts);
	if (ld->verbose || fd < 0) {
		opts.log_buf = log;
		opts.log_size = ld->prog->config.log_size;
		opts.log_level = 1;
		fd = bpf_prog_load(p->prog_type, p->bpf_name, ld->prog->config.license, p->code.insns,
				   (size_t)p->code.len, &opts);
	}
	/* the loaded program holds its own reference to the BTF */
	btf__free(btf);
	if (fd >= 0 && ld->print_logs)
		printf("%s%s (%s) verifier log:\n%s", p->probe_index ? "\n" : "", p->inst->name, p->bpf_name, log);
	if (fd >= 0)
		return fd;
	report_load_failure(ld, p, fd, log);
	return fd;
}

static int load_prog(struct fth_loader *ld, struct fth_prog *p, char *log)
{
	relocate_maps(ld->prog, p);
	p->fd = load_prog_as(ld, p, p->inst->expected_attach_type, log);
	return p->fd < 0 ? p->fd : 0;
}

/* The function name of every instance that shares a program, at its
 * program index (what its link cookie says). */
/* The names map `map` (func or probe names) of programs that instances
 * share: each multi_leader instance's name at its index, its cookie. */
static int fill_names(struct fth_loader *ld, int map, bool probe_names)
{
	const struct fth_map *m = fth_program_map(ld->prog, map);
	char *name;

	if (map < 0 || !m || m->fd < 0)
		return 0;
	name = malloc(m->value_size);
	if (!name)
		return -ENOMEM;
	for (int i = 0; i < ld->prog->progs.len; i++) {
		const struct fth_prog *p = ld->prog->progs.items[i];
		const char *text = probe_names ? p->inst->name : p->inst->func_name;
		uint32_t key = (uint32_t)i;
		if (!p->inst->multi_leader || !text)
			continue;
		memset(name, 0, m->value_size);
		strncpy(name, text, m->value_size - 1);
		if (bpf_map_update_elem(m->fd, &key, name, BPF_ANY)) {
			int err = -errno;
			fth_diag_plain(ld->diag, FTH_SEV_ERROR, fth_fd_limit_hint(-err), "cannot fill map %s: %s", m->name,
				       strerror(-err));
			free(name);
			return err;
		}
	}
	free(name);
	return 0;
}

/* signal_name()'s table: each signal's text, and "N/A" last. */
static int fill_signal_names(struct fth_loader *ld)
{
	const struct fth_map *m = fth_program_map(ld->prog, ld->prog->signal_names_map);
	char text[FTH_SIGNAL_NAME_SIZE], buf[32];

	if (!m || m->fd < 0)
		return 0;
	for (uint32_t key = 0; key < FTH_SIGNAL_NAMES; key++) {
		memset(text, 0, sizeof(text));
		snprintf(text, sizeof(text), "%s", fth_signal_description(key, buf, sizeof(buf)));
		if (bpf_map_update_elem(m->fd, &key, text, BPF_ANY)) {
			int err = -errno;
			fth_diag_plain(ld->diag, FTH_SEV_ERROR, fth_fd_limit_hint(-err), "cannot fill map %s: %s", m->name,
				       strerror(-err));
			return err;
		}
	}
	return 0;
}

/* fth_multi_group.plain_prog_fd: the leader's code loaded again as a plain
 * program of its type, once; the group's attachment holds (and closes) it. */
struct plain_copy {
	struct fth_loader *ld;
	int leader;
	int fd;
};

static int load_plain_copy(const struct fth_multi_group *group)
{
	struct plain_copy *pc = group->loader_ctx;
	struct fth_prog *lp;
	char *log;

	if (pc->fd >= 0)
		return pc->fd;
	log = malloc(pc->ld->prog->config.log_size);
	if (!log)
		return -ENOMEM;
	lp = pc->ld->prog->progs.items[pc->leader];
	pc->fd = load_prog_as(pc->ld, lp, 0, log);
	free(log);
	if (pc->fd >= 0)
		fth_attachment_add(&pc->ld->attachments[pc->leader], pc->fd);
	return pc->fd;
}

/* A leader and the instances sharing its program, attached together. */
static int attach_group(struct fth_loader *ld, int leader)
{
	struct fth_program *prog = ld->prog;
	struct fth_prog *lp = prog->progs.items[leader];
	const struct fth_probe_inst **insts = calloc((size_t)prog->progs.len, sizeof(*insts));
	uint64_t *cookies = calloc((size_t)prog->progs.len, sizeof(*cookies));
	struct plain_copy plain = { .ld = ld, .leader = leader, .fd = -1 };
	struct fth_multi_group group;
	int n = 0, rc;

	if (!insts || !cookies) {
		free(insts);
		free(cookies);
		return -ENOMEM;
	}
	for (int i = leader; i < prog->progs.len; i++) {
		struct fth_prog *p = prog->progs.items[i];
		if (p->inst->multi_leader == lp->inst) {
			insts[n] = p->inst;
			cookies[n++] = (uint64_t)i;
		}
	}
	group = (struct fth_multi_group){ .insts = insts, .cookies = cookies, .n = n, .prog_fd = lp->fd,
					  .plain_prog_fd = load_plain_copy, .loader_ctx = &plain };
	rc = lp->inst->provider->attach_multi(&group, &ld->attachments[leader], ld->diag);
	free(insts);
	free(cookies);
	return rc;
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* Each probe holds a few fds (its program, perf event and link): a
 * wildcard of 800 kprobes without kprobe_multi needs 2,400, more than the
 * usual soft limit of 1,024. Raise it to the hard limit, as far as the
 * process may; a failure leaves the old limit, and attaching reports
 * EMFILE if that is too low. */
static void raise_fd_limit(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
}

static int loader_load(struct fth_loader *ld, struct fth_program *prog, struct fth_diag *diag, bool verbose,
		       bool print_logs)
{
	char *log;
	int err;

	memset(ld, 0, sizeof(*ld));
	ld->prog = prog;
	ld->diag = diag;
	ld->verbose = verbose || print_logs;
	ld->print_logs = print_logs;
	if (!verbose)
		libbpf_set_print(quiet_libbpf);
	raise_fd_limit();
	ld->attachments = calloc((size_t)(prog->progs.len ? prog->progs.len : 1), sizeof(*ld->attachments));
	log = malloc(prog->config.log_size);
	if (!ld->attachments || !log) {
		free(log);
		return -ENOMEM;
	}
	err = create_maps(ld);
	if (!err)
		err = fill_names(ld, prog->func_names_map, false);
	if (!err)
		err = fill_names(ld, prog->probe_names_map, true);
	if (!err)
		err = fill_signal_names(ld);
	for (int i = 0; !err && i < prog->progs.len; i++) {
		struct fth_prog *p = prog->progs.items[i];
		/* instances sharing their leader's program: nothing to load */
		if (p->inst->multi_leader && p->inst->multi_leader != p->inst)
			continue;
		err = load_prog(ld, p, log);
	}
	free(log);
	if (err)
		fth_loader_unload(ld);
	return err;
}

int fth_loader_load(struct fth_loader *ld, struct fth_program *prog, struct fth_diag *diag, bool verbose)
{
	return loader_load(ld, prog, diag, verbose, false);
}

int fth_loader_load_logged(struct fth_loader *ld, struct fth_program *prog, struct fth_diag *diag)
{
	return loader_load(ld, prog, diag, true, true);
}

/* Attach program i (and the instances sharing it): 0, or negative errno
 * once the run cannot go on. */
static int attach_one(struct fth_loader *ld, int i)
{
	struct fth_prog *p = ld->prog->progs.items[i];
	char err[512];
	int rc;

	if (p->inst->multi_leader) {
		if (p->inst->multi_leader == p->inst) {
			rc = attach_group(ld, i);
			if (rc < 0)
				return rc;
			/* the members the kernel refused are not attached */
			ld->skipped += rc;
			ld->attached -= rc;
		}
		ld->attached++;
		return 0;
	}
	rc = p->inst->provider->attach(p->inst, p->fd, &ld->attachments[i], err, sizeof(err));
	if (rc && p->inst->provider->attach_skippable && p->inst->provider->attach_skippable(p->inst, rc)) {
		fth_warning(ld->diag, p->inst->attach->range, "%s, skipping probe", err);
		ld->skipped++;
		return 0;
	}
	if (rc && ld->prog->config.missing_probes == FTH_MISSING_ERROR) {
		const struct fth_provider *prov = p->inst->provider;
		const char *hint = fth_fd_limit_hint(-rc);
		if (!hint && prov->attach_hint)
			hint = prov->attach_hint(p->inst, rc);
		fth_error_hint(ld->diag, p->inst->attach->range, hint, "%s", err);
		return rc;
	}
	if (rc) {
		/* missing_probes = warn/ignore covers probes that exist but
		 * cannot be attached too, as in bpftrace: skip this one. */
		if (ld->prog->config.missing_probes == FTH_MISSING_WARN)
			fth_warning(ld->diag, p->inst->attach->range, "%s, skipping probe", err);
		ld->skipped++;
		return 0;
	}
	ld->attached++;
	return 0;
}

/* Probes run in the order the script declares them where the kernel
 * allows: the providers whose programs run oldest first are attached
 * first to last, then those that run newest first, last to first. */
int fth_loader_attach(struct fth_loader *ld)
{
	int n = ld->prog->progs.len, rc;

	for (int pass = 0; pass < 2; pass++) {
		bool reversed = pass == 1;
		for (int k = 0; k < n; k++) {
			int i = reversed ? n - 1 - k : k;
			const struct fth_provider *prov = fth_program_prog(ld->prog, i)->inst->provider;
			if (!prov->attach || prov->runs_newest_first != reversed)
				continue;
			rc = attach_one(ld, i);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void fth_loader_unload(struct fth_loader *ld)
{
	struct fth_program *prog = ld->prog;

	if (!prog)
		return;
	for (int i = 0; ld->attachments && i < prog->progs.len; i++)
		fth_attachment_close(&ld->attachments[i]);
	free(ld->attachments);
	ld->attachments = NULL;
	for (int i = 0; i < prog->progs.len; i++) {
		struct fth_prog *p = prog->progs.items[i];
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
	}
	for (int i = 0; i < prog->maps.len; i++) {
		struct fth_map *m = prog->maps.items[i];
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
	}
	ld->prog = NULL;
}
