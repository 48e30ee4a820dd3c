/* probes.c - the probe providers: BEGIN/END, tracepoint, profile, interval,
 * software; rawtracepoint, hardware, watchpoint and iter are in
 * probes_more.c. See probes.h for the interface. */
#include "probes.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <linux/membarrier.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracefs.h"
#include "vec.h"

/* ---------------------------------------------------------------- helpers */

static void push_fd(int **arr, int *n, int *cap, int fd)
{
	int *fds = fth_vec_grow(*arr, *n, cap, sizeof(*fds), 4);

	if (!fds) {
		close(fd);
		return;
	}
	*arr = fds;
	fds[(*n)++] = fd;
}

void fth_attachment_add(struct fth_attachment *a, int fd)
{
	push_fd(&a->fds, &a->nfds, &a->cap, fd);
}

void fth_attachment_add_link(struct fth_attachment *a, int fd)
{
	push_fd(&a->links, &a->nlinks, &a->links_cap, fd);
}

static void attachment_release(struct fth_attachment *a)
{
	free(a->fds);
	free(a->links);
	memset(a, 0, sizeof(*a));
}

void fth_attachment_close(struct fth_attachment *a)
{
	/* Links first: each detaches its program before its event goes away. */
	for (int i = 0; i < a->nlinks; i++)
		close(a->links[i]);
	for (int i = 0; i < a->nfds; i++)
		close(a->fds[i]);
	attachment_release(a);
}

struct close_slice {
	const int *fds;
	int n;
};

static void *close_slice_thread(void *arg)
{
	struct close_slice *slice = arg;

	for (int i = 0; i < slice->n; i++)
		close(slice->fds[i]);
	return NULL;
}

#define MAX_CLOSE_THREADS 32

/* Close fds from several threads: each close may wait for an RCU grace
 * period, and concurrent waits overlap. */
static void close_in_parallel(const int *fds, int total)
{
	pthread_t threads[MAX_CLOSE_THREADS];
	struct close_slice slices[MAX_CLOSE_THREADS];
	bool started[MAX_CLOSE_THREADS] = { false };
	int nthreads = total < 16 ? 1 : total / 4 < MAX_CLOSE_THREADS ? total / 4 : MAX_CLOSE_THREADS;

	for (int t = 0; t < nthreads; t++) {
		int begin = (int)((long)total * t / nthreads), end = (int)((long)total * (t + 1) / nthreads);
		slices[t].fds = fds + begin;
		slices[t].n = end - begin;
		if (nthreads > 1)
			started[t] = pthread_create(&threads[t], NULL, close_slice_thread, &slices[t]) == 0;
		if (!started[t])
			close_slice_thread(&slices[t]);
	}
	for (int t = 0; t < nthreads; t++)
		if (started[t])
			pthread_join(threads[t], NULL);
}

/* Detaching does not wait for a program already running on another CPU
 * (the kernel frees its hook list after an RCU grace period, without
 * waiting): such an event could still update one map after another was
 * printed, and the maps would disagree by one. Programs run inside RCU
 * read-side sections, so one grace period, which membarrier's GLOBAL
 * command waits for, lets them finish. Where that command is unavailable
 * (nohz_full) the wait is skipped. */
static void wait_for_running_programs(void)
{
	syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
}

void fth_attachments_close_all(struct fth_attachment *atts, int n)
{
	int total = 0, used = 0;
	int *links;

	for (int i = 0; i < n; i++)
		total += atts[i].nlinks;
	links = calloc((size_t)(total ? total : 1), sizeof(int));
	if (links) {
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < atts[i].nlinks; j++)
				links[used++] = atts[i].links[j];
			atts[i].nlinks = 0;
		}
		close_in_parallel(links, total);
		free(links);
	}
	for (int i = 0; i < n; i++)
		fth_attachment_close(&atts[i]);
	wait_for_running_programs();
}

int fth_perf_event_open(struct perf_event_attr *attr, int pid, int cpu)
{
	return (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Keep the opened perf event pfd in att and link the program to it through
 * a bpf_link, so the attachment dies with the fds. */
int fth_link_perf_event(int pfd, int prog_fd, struct fth_attachment *att, char *err, size_t errlen,
			const char *what)
{
	return fth_link_perf_event_cookie(pfd, prog_fd, 0, att, err, errlen, what);
}

int fth_link_perf_event_cookie(int pfd, int prog_fd, uint64_t cookie, struct fth_attachment *att, char *err,
			       size_t errlen, const char *what)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = cookie);
	int lfd;

	fth_attachment_add(att, pfd);
	/* no options without a cookie: kernels before 5.15 refuse them */
	lfd = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, cookie ? &opts : NULL);
	if (lfd < 0) {
		snprintf(err, errlen, "cannot attach program to %s: %s", what, strerror(-lfd));
		return lfd;
	}
	fth_attachment_add_link(att, lfd);
	return 0;
}

/* Open a perf event and link the program to it. */
int fth_attach_perf_event(struct perf_event_attr *attr, int pid, int cpu, int prog_fd,
			  struct fth_attachment *att, char *err, size_t errlen, const char *what)
{
	int pfd = fth_perf_event_open(attr, pid, cpu);

	if (pfd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open perf event for %s: %s", what, strerror(e));
		return -e;
	}
	return fth_link_perf_event(pfd, prog_fd, att, err, errlen, what);
}

int fth_attach_perf_on_cpus(const struct fth_probe_inst *inst, struct perf_event_attr *attr, int pid, int prog_fd,
			    struct fth_attachment *att, char *err, size_t errlen, fth_perf_open_error_fn open_error)
{
	int cpus[1024];
	int n = pid > 0 ? 1 : fth_online_cpus(cpus, 1024);

	for (int i = 0; i < n; i++) {
		int pfd = fth_perf_event_open(attr, pid > 0 ? pid : -1, pid > 0 ? -1 : cpus[i]), rc;
		if (pfd < 0) {
			int e = errno;
			if (open_error)
				open_error(inst, e, err, errlen);
			else
				snprintf(err, errlen, "cannot open perf event for %s: %s", inst->name, strerror(e));
			return -e;
		}
		rc = fth_link_perf_event(pfd, prog_fd, att, err, errlen, inst->name);
		if (rc)
			return rc;
	}
	return 0;
}

/* Online CPUs from /sys/devices/system/cpu/online ("0-3,5"). */
int fth_online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	char line[1024];
	int n = 0;

	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			fclose(f);
		cpus[0] = 0;
		return 1;
	}
	fclose(f);
	for (char *p = line; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p)
			break;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			p = end;
		}
		for (long c = lo; c <= hi && n < max; c++)
			cpus[n++] = (int)c;
		if (*p == ',')
			p++;
	}
	return n ? n : 1;
}

struct fth_probe_inst *fth_probe_inst_new(struct fth_program *prog, const struct fth_provider *prov,
					  struct fth_node *attach, const char *name)
{
	struct fth_probe_inst *inst = fth_arena_alloc(&prog->arena, sizeof(*inst));

	inst->provider = prov;
	inst->attach = attach;
	inst->name = fth_arena_strdup(&prog->arena, name);
	return inst;
}

/* The program-wide map of function names that multi-attached programs
 * read `func` from: created on first use, one entry more per instance. */
int fth_reserve_func_names(struct fth_program *prog, int count)
{
	struct fth_map *m;

	if (prog->func_names_map < 0) {
		/* names longer than 255 bytes are cut: 7,000 functions of libc
		 * at max_strlen (1024) would take 7 MB of kernel memory */
		m = fth_program_add_internal_map(prog, "fth_funcs", BPF_MAP_TYPE_HASH, 4,
						 prog->config.max_strlen < 256 ? (prog->config.max_strlen + 7) & ~7U : 256, 0);
		prog->func_names_map = m->index;
	}
	m = fth_program_map(prog, prog->func_names_map);
	m->max_entries += (uint32_t)count;
	return 0;
}

int fth_probe_refused(int err)
{
	return err == -EPERM && geteuid() != 0 ? -1 : 0;
}

int fth_try_load(enum bpf_prog_type type, const struct bpf_insn *insns, size_t n,
		 const struct bpf_prog_load_opts *opts)
{
	int fd = bpf_prog_load(type, NULL, "GPL", insns, n, opts);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return fth_probe_refused(fd);
}

int fth_try_load_tracing(const struct bpf_insn *insns, size_t n, const char *btf_name, enum bpf_attach_type type)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	int id = libbpf_find_vmlinux_btf_id(btf_name, type);

	if (id < 0)
		return 0; /* no BTF, or no such function: nothing to attach to */
	opts.attach_btf_id = (__u32)id;
	return fth_try_load(BPF_PROG_TYPE_TRACING, insns, n, &opts);
}

void fth_warn_functions_skipped(struct fth_diag *diag, const struct fth_node *attach, const char *target,
				const char *why, const char *const *names, int n)
{
	char list[512] = "";
	size_t used = 0;

	for (int i = 0; i < n && used < sizeof(list) - 8; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
	if (used >= sizeof(list) - 8)
		snprintf(list + sizeof(list) - 8, 8, ", ...");
	fth_warning(diag, attach->range, "the kernel cannot probe %d function%s of %s (%s), skipped: %s", n,
		    n == 1 ? "" : "s", target, why, list);
}

const char *fth_attach_point_name(struct fth_program *prog, const struct fth_node *attach)
{
	const char *text = attach->u.attach.text;
	const char *rest = strchr(text, ':');
	const struct fth_provider *prov = fth_provider_find(attach->u.attach.parts[0]);

	if (!prov || !rest)
		return text;
	return fth_arena_printf(&prog->arena, "%s%s", prov->name, rest);
}

static void say_skipping(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach)
{
	fth_diag_plain(diag, FTH_SEV_WARNING, NULL, "Unable to attach probe: %s. Skipping.",
		       fth_attach_point_name(prog, attach));
}

int fth_probe_skip(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach, const char *reason)
{
	if (prog->config.missing_probes != FTH_MISSING_WARN)
		return 0;
	fth_warning(diag, attach->range, "%s", reason);
	say_skipping(prog, diag, attach);
	return 0;
}

int fth_probe_skip_attach_time(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			       const char *reason)
{
	if (prog->config.missing_probes != FTH_MISSING_WARN)
		return 0;
	fth_attach_warning(diag, attach->range, "%s", reason);
	say_skipping(prog, diag, attach);
	return 0;
}

static bool has_wildcard(const char *s)
{
	return strchr(s, '*') != NULL;
}

/* ------------------------------------------------------------ BEGIN / END */

static int special_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			  struct fth_ptrvec *out)
{
	const char *word = attach->u.attach.parts[0];
	const struct fth_provider *self = fth_provider_find(word);

	/* `probe` is the name as written: "begin" for begin, "BEGIN" for BEGIN,
	 * as in current bpftrace, where both spellings are in use */
	fth_ptrvec_push(&prog->arena, out,
			fth_probe_inst_new(prog, self, attach, strcasecmp(word, self->name) ? self->name : word));
	return 0;
}

int fth_probe_run_special(int prog_fd)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	return bpf_prog_test_run_opts(prog_fd, &opts);
}

static int special_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	return 0;
}

/* ----------------------------------------------------------- bench, test */

/* bench:NAME - a benchmark: with --bench the runtime runs it over and
 * over (BPF_PROG_TEST_RUN of an XDP program, which counts the repetitions
 * and times them) and reports the average time of one run. test:NAME - a
 * test: with --test the runtime runs it once the same way and reports
 * whether it passed. Both need a name (the provider's own, then NAME). */
static int named_run_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			    struct fth_ptrvec *out, const char *provider, const char *example)
{
	const char *name = attach->u.attach.nparts == 2 ? attach->u.attach.parts[1] : "";
	char hint[64];

	if (!*name || strpbrk(name, "*?[")) {
		snprintf(hint, sizeof(hint), "write %s:NAME, e.g. %s:%s", provider, provider, example);
		fth_error_hint(diag, attach->range, hint, "a %s probe needs a name and no wildcards", provider);
		return -EINVAL;
	}
	fth_ptrvec_push(&prog->arena, out,
			fth_probe_inst_new(prog, fth_provider_find(provider), attach,
					   fth_arena_printf(&prog->arena, "%s:%s", provider, name)));
	return 0;
}

static int bench_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			struct fth_ptrvec *out)
{
	return named_run_expand(prog, diag, attach, out, "bench", "map_update");
}

static int test_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
		       struct fth_ptrvec *out)
{
	return named_run_expand(prog, diag, attach, out, "test", "parse_header");
}

int fth_probe_run_bench(int prog_fd, uint32_t repeat, uint32_t *retval, uint32_t *duration_ns)
{
	/* The kernel checks an XDP test run's input as a packet: it needs
	 * at least an Ethernet header's worth (ETH_HLEN, 14 bytes). */
	char packet[14] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = sizeof(packet), .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	if (err)
		return err;
	*retval = opts.retval;
	*duration_ns = opts.duration;
	return 0;
}

/* ------------------------------------------------------- self:signal */

/* self:signal:SIGUSR1 runs, like BEGIN/END, in fathom's own hands: the
 * runtime test-runs its program each time fathom receives SIGUSR1. Only
 * SIGUSR1 is offered, as in bpftrace: the other signals keep their usual
 * meaning (SIGINT ends the run). */
static int self_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
		       struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;

	if (nparts != 3 || strcmp(parts[1], "signal")) {
		fth_error_hint(diag, attach->range, "write self:signal:SIGUSR1",
			       "self probes take the form self:signal:SIGNAL");
		return -EINVAL;
	}
	if (strcmp(parts[2], "SIGUSR1")) {
		fth_error_hint(diag, attach->range, "write self:signal:SIGUSR1",
			       "self:signal probes support only SIGUSR1, not '%s'", parts[2]);
		return -EINVAL;
	}
	fth_ptrvec_push(&prog->arena, out,
			fth_probe_inst_new(prog, fth_provider_find("self"), attach, "self:signal:SIGUSR1"));
	return 0;
}

/* ------------------------------------------------------------- tracepoint */

static int tracepoint_add(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			  const char *category, const char *event, struct fth_ptrvec *out)
{
	struct fth_tp_format *fmt = fth_arena_alloc(&prog->arena, sizeof(*fmt));
	int err = fth_tp_format_read(category, event, fmt);
	struct fth_probe_inst *inst;

	if (err)
		return err;
	inst = fth_probe_inst_new(prog, fth_provider_find("tracepoint"), attach,
				  fth_arena_printf(&prog->arena, "tracepoint:%s:%s", category, event));
	inst->target = fth_arena_strdup(&prog->arena, category);
	inst->func = fth_arena_strdup(&prog->arena, event);
	inst->tp = fmt;
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

static void tracepoint_not_found(struct fth_diag *diag, struct fth_node *attach, const char *category,
				 const char *event, char **list, int n)
{
	char wanted[512];
	const char *best = NULL;
	char hint[600];

	snprintf(wanted, sizeof(wanted), "%s:%s", category, event);
	if (n > 0)
		best = fth_closest_name(wanted, (const char *const *)list, n);
	if (best)
		snprintf(hint, sizeof(hint), "did you mean 'tracepoint:%s'? ('fathom -l' lists them)", best);
	else
		snprintf(hint, sizeof(hint), "'fathom -l \"tracepoint:%s:*\"' lists the tracepoints of a category",
			 category);
	fth_diag_report(diag, FTH_SEV_WARNING, attach->range, hint, "tracepoint not found: %s", wanted);
}

static int tracepoint_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			     struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	char tferr[256];
	char **list = NULL;
	int n, matched = 0, err = 0;

	if (attach->u.attach.nparts != 3) {
		fth_error_hint(diag, attach->range, "write tracepoint:CATEGORY:EVENT",
			       "tracepoint probe needs a category and an event name");
		return -EINVAL;
	}
	if (!fth_tracefs_path(tferr, sizeof(tferr))) {
		fth_error(diag, attach->range, "%s", tferr);
		return -ENOENT;
	}
	if (!has_wildcard(parts[1]) && !has_wildcard(parts[2])) {
		err = tracepoint_add(prog, diag, attach, parts[1], parts[2], out);
		if (err == -ENOENT && prog->config.missing_probes != FTH_MISSING_ERROR)
			return fth_probe_skip(prog, diag, attach,
					      fth_arena_printf(&prog->arena, "tracepoint not found: %s:%s", parts[1],
							       parts[2]));
		if (err == -ENOENT) {
			/* Only a warning, as in bpftrace: the probe may have
			 * other attach points that exist (sema reports the
			 * probe when none does). */
			n = fth_tracepoints_list(&list);
			tracepoint_not_found(diag, attach, parts[1], parts[2], list, n);
			fth_string_list_free(list, n);
		} else if (err) {
			fth_error_hint(diag, attach->range,
				       "run as root with tracefs mounted: mount -t tracefs nodev /sys/kernel/tracing",
				       "cannot read tracepoint %s:%s: %s", parts[1], parts[2],
				       strerror(-err));
		}
		return err;
	}
	n = fth_tracepoints_list(&list);
	if (n < 0) {
		fth_error_hint(diag, attach->range,
			       "run as root with tracefs mounted: mount -t tracefs nodev /sys/kernel/tracing",
			       "cannot list tracepoints: %s", strerror(-n));
		return n;
	}
	for (int i = 0; i < n && !err; i++) {
		char *colon = strchr(list[i], ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (fth_glob_match(parts[1], list[i]) && fth_glob_match(parts[2], colon + 1)) {
			/* Some listed events have no format we can use: skip them
			 * quietly as bpftrace does, since a wildcard asked for
			 * "whatever exists". */
			if (tracepoint_add(prog, diag, attach, list[i], colon + 1, out) == 0)
				matched++;
		}
		*colon = ':';
	}
	fth_string_list_free(list, n);
	if (!matched) {
		fth_error_hint(diag, attach->range, "'fathom -l \"tracepoint:*\"' lists every tracepoint",
			       "no tracepoint matches %s:%s", parts[1], parts[2]);
		return -ENOENT;
	}
	return 0;
}

static int tracepoint_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att,
			     char *err, size_t errlen)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = inst->tp->id,
		.sample_period = 1,
		.wakeup_events = 1,
	};

	return fth_attach_perf_event(&attr, -1, 0, prog_fd, att, err, errlen, inst->name);
}

static int tracepoint_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	char **list = NULL;
	char tferr[256];
	int n;

	if (!fth_tracefs_path(tferr, sizeof(tferr))) {
		fprintf(stderr, "fathom: %s\n", tferr);
		return -ENOENT;
	}
	n = fth_tracepoints_list(&list);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		if (!fth_glob_match(pattern, list[i]))
			continue;
		fprintf(out, "tracepoint:%s\n", list[i]);
		if (verbose) {
			struct fth_tp_format fmt;
			char *colon = strchr(list[i], ':');
			*colon = '\0';
			if (fth_tp_format_read(list[i], colon + 1, &fmt) == 0) {
				for (int f = 0; f < fmt.nfields; f++) {
					if (fmt.fields[f].common)
						continue;
					fprintf(out, "    %s %s\n", fmt.fields[f].type, fmt.fields[f].name);
				}
				fth_tp_format_free(&fmt);
			}
			*colon = ':';
		}
	}
	fth_string_list_free(list, n);
	return 0;
}

/* ------------------------------------------------- attach-point numbers */

/* v * 10^exp, false on overflow. */
static bool scale_by_ten(uint64_t *v, uint64_t exp)
{
	for (; exp > 0; exp--) {
		if (*v > UINT64_MAX / 10)
			return false;
		*v *= 10;
	}
	return true;
}

/* The largest value a suffix allows and what it multiplies by; false for
 * an unknown suffix. C integer suffixes are case-insensitive, durations
 * are not (as bpftrace reads them). */
static bool integer_suffix(const char *suffix, uint64_t *max, uint64_t *scale)
{
	static const struct {
		const char *name;
		uint64_t max, scale;
	} suffixes[] = {
		{ "", UINT64_MAX, 1 },          { "u", UINT32_MAX, 1 },
		{ "ul", UINT64_MAX, 1 },        { "ull", UINT64_MAX, 1 },
		{ "l", INT64_MAX, 1 },          { "ll", INT64_MAX, 1 },
		{ "ns", UINT64_MAX, 1 },        { "us", UINT64_MAX, 1000 },
		{ "ms", UINT64_MAX, 1000000 },  { "s", UINT64_MAX, 1000000000 },
		{ "m", UINT64_MAX, 60000000000ULL }, { "h", UINT64_MAX, 3600000000000ULL },
		{ "d", UINT64_MAX, 86400000000000ULL },
	};
	char lower[4] = "";

	if (strlen(suffix) < sizeof(lower) && strspn(suffix, "uUlL") == strlen(suffix)) {
		for (size_t i = 0; suffix[i]; i++)
			lower[i] = (char)tolower((unsigned char)suffix[i]);
		suffix = lower;
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (!strcmp(suffix, suffixes[i].name)) {
			*max = suffixes[i].max;
			*scale = suffixes[i].scale;
			return true;
		}
	}
	return false;
}

/* The instance of a perf event probe (software:EVENT[:COUNT],
 * hardware:EVENT[:COUNT]): the count after the event, or its default
 * when there is none or it is empty ("software:EVENT:", documented bpftrace
 * syntax). bpftrace names it with the count in decimal. */
int fth_perf_event_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			  const struct fth_provider *provider, const char *event, uint64_t default_period,
			  const char *example, struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	bool has_count = attach->u.attach.nparts == 3 && *parts[2];
	struct fth_probe_inst *inst;
	uint64_t count = default_period;
	const char *why = NULL;
	char hint[96];

	if (has_count && (why = fth_attach_uint(parts[2], &count)) == NULL && count == 0)
		why = "the count must be positive";
	if (has_count && why) {
		snprintf(hint, sizeof(hint), "the count is a positive integer, e.g. %s", example);
		fth_error_hint(diag, attach->range, hint, "invalid count '%s' for %s probe: %s", parts[2],
			       provider->name, why);
		return -EINVAL;
	}
	inst = fth_probe_inst_new(prog, provider, attach,
				  has_count ? fth_arena_printf(&prog->arena, "%s:%s:%llu", provider->name, parts[1],
							       (unsigned long long)count)
					    : fth_arena_printf(&prog->arena, "%s:%s", provider->name, parts[1]));
	inst->func = event;
	inst->period = count;
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

const char *fth_attach_uint(const char *text, uint64_t *out)
{
	char digits[128], *end;
	size_t n = 0;
	int base = 10;
	const char *p;
	uint64_t v, max, scale;

	for (p = text; *p && n + 1 < sizeof(digits); p++)
		if (*p != '_')
			digits[n++] = *p;
	digits[n] = '\0';
	if (*p)
		return "invalid integer";
	p = digits;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1] >= '0' && p[1] <= '7')
		base = 8, p += 1;
	if (!isxdigit((unsigned char)*p)) /* strtoull would take a sign or spaces */
		return "invalid integer";
	errno = 0;
	v = strtoull(p, &end, base);
	if (end == p)
		return "invalid integer";
	if (errno == ERANGE)
		return "overflow error, maximum value is 18446744073709551615";
	if ((*end == 'e' || *end == 'E') && end[1] >= '1' && end[1] <= '9') {
		uint64_t exp;
		if (v == 0 || v >= 10)
			return "coefficient part of scientific literal must be 1-9";
		errno = 0;
		exp = strtoull(end + 1, &end, 10);
		if (errno == ERANGE || !scale_by_ten(&v, exp))
			return "overflow error, maximum value is 18446744073709551615";
	}
	if (!integer_suffix(end, &max, &scale))
		return "invalid trailing bytes";
	if (v > max / scale)
		return "overflow error: the value is too large";
	*out = v * scale;
	return NULL;
}

/* ------------------------------------------------- profile and interval */

/* Nanoseconds per unit of interval:UNIT:N / profile:UNIT:N; 0 for hz,
 * -1 for an unknown unit. */
static long long unit_nanoseconds(const char *unit)
{
	static const struct {
		const char *name;
		long long ns;
	} units[] = { { "hz", 0 }, { "s", 1000000000LL }, { "ms", 1000000LL }, { "us", 1000LL },
		      { "ns", 1LL }, { "m", 60000000000LL } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].name))
			return units[i].ns;
	return -1;
}

/* The one-field forms of current bpftrace: "1s", "1_000ms", "5000000" (ns),
 * which bpftrace turns into microseconds (and names "us:N"); and "99hz". */
static const char *parse_one_field_rate(const char *text, const char **unit, uint64_t *n)
{
	size_t len = strlen(text);
	const char *why;

	if (len > 2 && !strcmp(text + len - 2, "hz")) {
		char *number = strndup(text, len - 2);
		why = number ? fth_attach_uint(number, n) : "out of memory";
		free(number);
		*unit = "hz";
		return why;
	}
	*unit = "us";
	if ((why = fth_attach_uint(text, n)) != NULL)
		return why;
	if (*n < 1000)
		return "the period must be at least 1000 ns (1 us)";
	*n /= 1000;
	return NULL;
}

/* Parse "hz:99", "s:5", "ms:1_000", "us:1e6", or the one-field forms, into
 * a period or frequency. The name is bpftrace's: the unit and the number
 * as a plain decimal (interval:ms:1_000 is interval:ms:1000). */
static int parse_rate(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
		      uint64_t *period, uint64_t *freq, const char **canonical)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const char *unit, *why;
	uint64_t n = 0;
	long long ns;

	if (nparts == 3) {
		unit = parts[1];
		why = fth_attach_uint(parts[2], &n);
	} else if (nparts == 2) {
		why = parse_one_field_rate(parts[1], &unit, &n);
	} else {
		fth_error_hint(diag, attach->range, "write e.g. interval:s:1 or profile:hz:99",
			       "%s probe needs a unit and a rate", parts[0]);
		return -EINVAL;
	}
	if (!why && n == 0)
		why = "the rate must be positive";
	if (why) {
		fth_error_hint(diag, attach->range,
			       "the rate is a positive integer, e.g. interval:s:1, interval:ms:1_000 or interval:us:1e6",
			       "invalid rate '%s': %s", parts[nparts - 1], why);
		return -EINVAL;
	}
	ns = unit_nanoseconds(unit);
	if (ns < 0) {
		fth_error_hint(diag, attach->range, "units are hz, s, ms, us (and ns, m)",
			       "unknown unit '%s'", unit);
		return -EINVAL;
	}
	if (ns && n > UINT64_MAX / (uint64_t)ns) {
		fth_error_hint(diag, attach->range, "use a larger unit with a smaller number, e.g. s:10 instead of ms:10000",
			       "the period %s:%llu is too long", unit, (unsigned long long)n);
		return -EINVAL;
	}
	*freq = ns ? 0 : n;
	*period = ns ? n * (uint64_t)ns : 0;
	if (*period && *period < 1000) {
		fth_error_hint(diag, attach->range, "use e.g. us:1 or hz:99", "the period must be at least 1000 ns (1 us)");
		return -EINVAL;
	}
	*canonical = fth_arena_printf(&prog->arena, "%s:%llu", unit, (unsigned long long)n);
	return 0;
}

static int timer_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			struct fth_ptrvec *out)
{
	const struct fth_provider *self = fth_provider_find(attach->u.attach.parts[0]);
	uint64_t period, freq;
	const char *rate;
	struct fth_probe_inst *inst;

	if (parse_rate(prog, diag, attach, &period, &freq, &rate))
		return -EINVAL;
	inst = fth_probe_inst_new(prog, self, attach, fth_arena_printf(&prog->arena, "%s:%s", self->name, rate));
	inst->period = period;
	inst->freq = freq;
	fth_ptrvec_push(&prog->arena, out, inst);
	return 0;
}

static void cpu_clock_attr(const struct fth_probe_inst *inst, struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->type = PERF_TYPE_SOFTWARE;
	attr->size = sizeof(*attr);
	attr->config = PERF_COUNT_SW_CPU_CLOCK;
	if (inst->freq) {
		attr->freq = 1;
		attr->sample_freq = inst->freq;
	} else {
		attr->sample_period = inst->period;
	}
}

static int profile_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att,
			  char *err, size_t errlen)
{
	struct perf_event_attr attr;

	cpu_clock_attr(inst, &attr);
	return fth_attach_perf_on_cpus(inst, &attr, -1, prog_fd, att, err, errlen, NULL);
}

static int interval_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att,
			   char *err, size_t errlen)
{
	struct perf_event_attr attr;
	int cpu;

	/* One CPU is enough for a timer: the first online one. */
	fth_online_cpus(&cpu, 1);
	cpu_clock_attr(inst, &attr);
	return fth_attach_perf_event(&attr, -1, cpu, prog_fd, att, err, errlen, inst->name);
}

static int timer_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	static const char *const units[] = { "hz", "s", "ms", "us" };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "%s:", units[i]);
		if (fth_glob_match(pattern, name))
			fprintf(out, "%s:%s\n", self->name, name);
	}
	return 0;
}

/* --------------------------------------------------------------- software */

struct sw_event {
	const char *name;
	const char *alias;
	uint64_t config;
	uint64_t default_period;
};

static const struct sw_event sw_events[] = {
	{ "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1 },
};
#define N_SW_EVENTS (sizeof(sw_events) / sizeof(sw_events[0]))

static const struct sw_event *sw_event_find(const char *name)
{
	for (size_t i = 0; i < N_SW_EVENTS; i++)
		if (!strcmp(sw_events[i].name, name) || (sw_events[i].alias && !strcmp(sw_events[i].alias, name)))
			return &sw_events[i];
	return NULL;
}

static int software_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			   struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const struct sw_event *ev;

	if (nparts < 2 || nparts > 3) {
		fth_error_hint(diag, attach->range, "write software:EVENT[:COUNT], e.g. software:page-faults:100",
			       "software probe needs an event name");
		return -EINVAL;
	}
	ev = sw_event_find(parts[1]);
	if (!ev) {
		const char *names[2 * N_SW_EVENTS];
		const char *best;
		char hint[128];
		int nnames = 0;
		for (size_t i = 0; i < N_SW_EVENTS; i++) {
			names[nnames++] = sw_events[i].name;
			if (sw_events[i].alias)
				names[nnames++] = sw_events[i].alias;
		}
		best = fth_closest_name(parts[1], names, nnames);
		snprintf(hint, sizeof(hint), best ? "did you mean '%s'?" : "'fathom -l \"software:*\"' lists them",
			 best);
		fth_error_hint(diag, attach->range, hint, "unknown software event '%s'", parts[1]);
		return -EINVAL;
	}
	return fth_perf_event_expand(prog, diag, attach, fth_provider_find("software"), ev->name, ev->default_period,
				     "software:cpu-clock:1e6", out);
}

static int software_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att,
			   char *err, size_t errlen)
{
	const struct sw_event *ev = sw_event_find(inst->func);
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = ev->config,
		.sample_period = inst->period,
	};

	return fth_attach_perf_on_cpus(inst, &attr, -1, prog_fd, att, err, errlen, NULL);
}

static int software_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	/* Each event, then its alias (cpu-clock, then cpu), as bpftrace lists them. */
	for (size_t i = 0; i < N_SW_EVENTS; i++) {
		for (int a = 0; a < 2; a++) {
			const char *n = a ? sw_events[i].alias : sw_events[i].name;
			char name[64];
			if (!n)
				continue;
			snprintf(name, sizeof(name), "%s:", n);
			if (fth_glob_match(pattern, name))
				fprintf(out, "software:%s\n", name);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ table */

static const char *const begin_aliases[] = { NULL };
static const char *const tracepoint_aliases[] = { "t", NULL };
static const char *const profile_aliases[] = { "p", NULL };
static const char *const interval_aliases[] = { "i", NULL };
static const char *const software_aliases[] = { "s", NULL };

static const struct fth_provider provider_begin = {
	.name = "BEGIN", .aliases = begin_aliases, .prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.expand = special_expand, .list = special_list,
};
static const struct fth_provider provider_end = {
	.name = "END", .aliases = begin_aliases, .prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.expand = special_expand, .list = special_list,
};
static const struct fth_provider provider_bench = {
	.name = "bench", .aliases = begin_aliases, .prog_type = BPF_PROG_TYPE_XDP,
	.expand = bench_expand, .list = special_list,
};
static const struct fth_provider provider_self = {
	.name = "self", .aliases = begin_aliases, .prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.expand = self_expand, .list = special_list,
};
static const struct fth_provider provider_test = {
	.name = "test", .aliases = begin_aliases, .prog_type = BPF_PROG_TYPE_XDP,
	.expand = test_expand, .list = special_list,
};
static const struct fth_provider provider_tracepoint = {
	.name = "tracepoint", .aliases = tracepoint_aliases, .prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.expand = tracepoint_expand, .attach = tracepoint_attach, .list = tracepoint_list,
};
static const struct fth_provider provider_profile = {
	.name = "profile", .aliases = profile_aliases, .prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = timer_expand, .attach = profile_attach, .list = timer_list,
};
static const struct fth_provider provider_interval = {
	.name = "interval", .aliases = interval_aliases, .prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = timer_expand, .attach = interval_attach, .list = timer_list,
};
static const struct fth_provider provider_software = {
	.name = "software", .aliases = software_aliases, .prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = software_expand, .attach = software_attach, .list = software_list,
};

/* probes_user.c: uprobe/uretprobe, usdt. */
extern const struct fth_provider fth_provider_uprobe, fth_provider_uretprobe, fth_provider_usdt;

static const struct fth_provider *const all_providers[] = {
	&provider_begin, &provider_end, &provider_bench, &provider_test, &provider_self, &provider_tracepoint, &fth_provider_rawtracepoint, &provider_profile,
	&provider_interval, &provider_software, &fth_provider_hardware, &fth_provider_watchpoint,
	&fth_provider_asyncwatchpoint, &fth_provider_iter, &fth_provider_kprobe, &fth_provider_kretprobe,
	&fth_provider_fentry, &fth_provider_fexit, &fth_provider_uprobe, &fth_provider_uretprobe,
	&fth_provider_usdt,
};
#define N_PROVIDERS ((int)(sizeof(all_providers) / sizeof(all_providers[0])))

const struct fth_provider *const *fth_providers(int *count)
{
	*count = N_PROVIDERS;
	return all_providers;
}

const struct fth_provider *fth_provider_find(const char *name)
{
	for (int i = 0; i < N_PROVIDERS; i++) {
		const struct fth_provider *p = all_providers[i];
		if (!strcasecmp(p->name, name))
			return p;
		for (const char *const *a = p->aliases; *a; a++)
			if (!strcmp(*a, name))
				return p;
	}
	return NULL;
}

int fth_probes_list(const char *pattern, bool verbose, FILE *out)
{
	char provider_pat[64] = "*";
	const char *rest = "*";
	const char *colon = pattern ? strchr(pattern, ':') : NULL;
	int rc = 0;

	if (pattern && colon) {
		snprintf(provider_pat, sizeof(provider_pat), "%.*s", (int)(colon - pattern), pattern);
		rest = colon + 1;
	} else if (pattern && *pattern) {
		/* A bare word searches every provider: 'fathom -l "*sleep*"'. */
		rest = pattern;
	}
	for (int i = 0; i < N_PROVIDERS; i++) {
		const struct fth_provider *p = all_providers[i];
		bool match = fth_glob_match(provider_pat, p->name);
		for (const char *const *a = p->aliases; !match && *a; a++)
			match = !strcmp(provider_pat, *a);
		if (!match || !p->list)
			continue;
		/* "tracepoint:*foo*" (one field) means any category. */
		if (p == &provider_tracepoint && !strchr(rest, ':')) {
			char buf[512];
			snprintf(buf, sizeof(buf), "*:%s", rest);
			p->list(p, buf, verbose, out);
		} else {
			int err = p->list(p, rest, verbose, out);
			/* a provider named without wildcards failing (no such
			 * binary for uprobe:PATH:*) fails the listing */
			if (err && !strchr(provider_pat, '*'))
				rc = err;
		}
	}
	return rc;
}
