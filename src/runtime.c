/* runtime.c - event loop and map printing, see runtime.h. */
#include "runtime.h"
#include "kinfo.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdatomic.h>
#include <pwd.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpfinsn.h"
#include "btf.h"
#include "format.h"
#include "gfp.h"
#include "dwunwind.h"
#include "stacks.h"
#include "syscalls.h"
#include "ksyms.h"
#include "output_json.h"
#include "probes.h"
#include "skbout.h"
#include "vec.h"

struct runtime {
	struct fth_program *prog;
	struct fth_diag *diag;
	const struct fth_runtime_opts *opts;
	struct fth_output out;  /* the -f backend: text or json */
	struct fth_strbuf sb;   /* scratch for printf rendering */
	struct fth_format_env env;
	int ncpus;
	bool exiting;
	bool discard;   /* after exit(): drop records until END runs */
	/* a benchmark is running: its records are not printed; errorf()s
	 * are counted and exit() only records its code */
	bool bench_capture;
	int bench_errors;
	/* a test is running: its output goes to a text capture; errorf()s
	 * and run-time errors are counted (they fail it) */
	bool test_capture;
	int test_errors;
	bool probes_attached; /* records may still be arriving */
	int exit_code;
	uint64_t lost_reported;
	bool map_full_reported;
	struct fth_ksyms *ksyms; /* kernel symbols, loaded when first needed */
	struct fth_usyms *usyms; /* user symbols, per process and file */
	struct fth_strbuf scratch; /* printf's, reused by every event */
	struct fth_gfp_names gfp;  /* %gr's flag names, for this kernel */
	int ksyms_error;
	const volatile uint64_t *counters; /* fth_lost, mmapped; NULL if that failed */
	size_t counters_size;
	/* watchpoint:FUNC+argN breakpoints opened while tracing, one per
	 * watchpoint and address; kept after unwatch() (closed) so that the
	 * next call of FUNC does not watch the address again */
	struct armed_watchpoint *armed;
	int narmed, armed_cap;
	/* skboutput(): its perf buffer and pcap files; with them, the loop
	 * waits on wait_fd, an epoll set of both buffers (else -1) */
	struct fth_skb_capture skb;
	int wait_fd;
	/* dw_ustack: the unwinder, the stacks it unwound, and the records
	 * held back until the stacks they print are unwound (see
	 * handle_event) */
	struct fth_dwunwind *dwunwind;
	struct fth_dwstacks *dwstacks;
	struct pending_record *pending;
	int npending, pending_cap;
	uint64_t dw_folded_upto; /* capture ids up to here are folded next time */
	uint64_t dw_folded_done; /* ... and up to here they were */
	uint64_t dw_fold_due_ns; /* CLOCK_MONOTONIC time of the next fold */
	/* after Ctrl-C: system() and cat() records still run until this
	 * CLOCK_MONOTONIC time, later ones are dropped (0: no such limit;
	 * see drain_drops) */
	uint64_t drain_until_ns;
};

struct pending_record {
	uint8_t *data;
	size_t size;
};

struct armed_watchpoint {
	int prog;                  /* the watchpoint's program index */
	uint64_t addr;
	struct fth_attachment att; /* empty once unwatched, or if it failed */
};

/* -------------------------------------------------------- special values */

static const struct fth_ksyms *kernel_symbols(struct runtime *rt)
{
	if (!rt->ksyms && !rt->ksyms_error)
		rt->ksyms_error = fth_ksyms_load(&rt->ksyms);
	return rt->ksyms;
}

/* A stack id (the hash codegen's emit_stackid stored the frames under):
 * read its frames back from the stack map. Id 0 (the kernel could not
 * walk the stack) or an id the full map did not take prints as an empty
 * stack, as in bpftrace: just the newline every stack starts with. */
static void format_stack(struct runtime *rt, struct fth_strbuf *sb, const struct fth_type *t, int64_t id,
			 int pid)
{
	uint64_t ips[FTH_MAX_STACK_FRAMES] = { 0 };
	struct bpf_stack_build_id frames[FTH_MAX_STACK_FRAMES];
	bool build_id = t->stack_mode == FTH_STACK_BUILD_ID;
	const struct fth_map *m = fth_program_stack_map(rt->prog, t->stack_limit, build_id);
	uint64_t key = (uint64_t)id;

	if (t->stack_dwarf) {
		int n = 0;
		const uint64_t *dw = fth_dwstacks_get(rt->dwstacks, key, &n);
		if (!rt->usyms)
			rt->usyms = fth_usyms_new();
		if (!dw) {
			fth_strbuf_putc(sb, '\n');
			return;
		}
		memcpy(ips, dw, (size_t)(n < FTH_MAX_STACK_FRAMES ? n : FTH_MAX_STACK_FRAMES) * sizeof(*ips));
		fth_stack_format(sb, ips, FTH_MAX_STACK_FRAMES, t, NULL, rt->usyms, pid);
		return;
	}
	memset(frames, 0, sizeof(frames));
	if (!id || !m || m->fd < 0 || bpf_map_lookup_elem(m->fd, &key, build_id ? (void *)frames : (void *)ips)) {
		fth_strbuf_putc(sb, '\n'); /* an empty stack: the newline every stack starts with */
		return;
	}
	if (build_id) {
		fth_stack_format_build_id(sb, frames, t->stack_limit);
		return;
	}
	if (t->kind == FTH_T_USTACK && !rt->usyms)
		rt->usyms = fth_usyms_new();
	fth_stack_format(sb, ips, FTH_MAX_STACK_FRAMES, t, t->kind == FTH_T_KSTACK ? kernel_symbols(rt) : NULL,
			 rt->usyms, pid);
}

/* bpftrace's strftime() extensions: the fraction of the second as
 * milliseconds (%l, 3 digits), microseconds (%f, 6) or nanoseconds (%k, 9),
 * zero-padded; NULL for any other conversion (strftime(3)'s own, where %l
 * and %k would be a 12-hour and a space-padded hour). */
static const char *fraction_of_second(char conv, int64_t frac_ns, char *buf, size_t len)
{
	switch (conv) {
	case 'l':
		snprintf(buf, len, "%03lld", (long long)(frac_ns / 1000000));
		return buf;
	case 'f':
		snprintf(buf, len, "%06lld", (long long)(frac_ns / 1000));
		return buf;
	case 'k':
		snprintf(buf, len, "%09lld", (long long)frac_ns);
		return buf;
	default:
		return NULL;
	}
}

/* strftime(): nanoseconds since boot, as nsecs gives them, shown as wall
 * time, with the extensions of fraction_of_second(). */
/* Wall-clock time at boot in nanoseconds, read once (as bpftrace reads its
 * boot time once): reading the two clocks again for each timestamp would
 * move it by the nanoseconds between the two reads, so two stamps a known
 * distance apart would no longer show exactly that distance in %k. */
static int64_t wall_ns_at_boot(void)
{
	static int64_t at_boot;
	static bool known;
	struct timespec real, boot;

	if (!known) {
		clock_gettime(CLOCK_REALTIME, &real);
		clock_gettime(CLOCK_BOOTTIME, &boot);
		at_boot = (int64_t)real.tv_sec * 1000000000 + real.tv_nsec -
			  ((int64_t)boot.tv_sec * 1000000000 + boot.tv_nsec);
		known = true;
	}
	return at_boot;
}

static void format_timestamp(struct fth_strbuf *sb, const char *fmt, uint64_t boot_ns)
{
	int64_t wall_ns = wall_ns_at_boot() + (int64_t)boot_ns;
	time_t secs = (time_t)(wall_ns / 1000000000);
	struct tm tm;
	char expanded[512], out[512];
	size_t o = 0;

	for (const char *f = fmt; *f && o + 12 < sizeof(expanded); f++) {
		char digits[16];
		const char *frac = f[0] == '%' && f[1] ? fraction_of_second(f[1], wall_ns % 1000000000, digits,
									     sizeof(digits))
						       : NULL;
		if (frac) {
			o += (size_t)snprintf(expanded + o, sizeof(expanded) - o, "%s", frac);
			f++;
		} else if (f[0] == '%' && f[1] == '%') {
			expanded[o++] = *f++;
			expanded[o++] = *f;
		} else {
			expanded[o++] = *f;
		}
	}
	expanded[o] = '\0';
	localtime_r(&secs, &tm);
	if (strftime(out, sizeof(out), expanded, &tm) > 0)
		fth_strbuf_puts(sb, out);
}

/* The cgroup v2 directory under `dir` whose inode is the cgroup id, as a
 * path relative to the hierarchy's root (which is "/"). */
static bool find_cgroup_dir(const char *dir, size_t root_len, uint64_t id, struct fth_strbuf *sb, int depth)
{
	DIR *d;
	struct dirent *ent;
	bool found = false;

	if (depth > 32 || !(d = opendir(dir)))
		return false;
	while (!found && (ent = readdir(d))) {
		char *sub;
		if (ent->d_type != DT_DIR || !strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s/%s", dir, ent->d_name) < 0)
			break;
		if (ent->d_ino == id) {
			fth_strbuf_puts(sb, sub + root_len);
			found = true;
		} else {
			found = find_cgroup_dir(sub, root_len, id, sb, depth + 1);
		}
		free(sub);
	}
	closedir(d);
	return found;
}

/* cgroup_path(id): "unified:/system.slice/x.service" as bpftrace prints
 * a cgroup v2 id (the id is the inode number of the cgroup's directory). */
static void format_cgroup_path(struct fth_strbuf *sb, uint64_t id)
{
	char mnt[4096] = "/sys/fs/cgroup";
	struct stat st;

	fth_cgroup2_mount(mnt, sizeof(mnt));
	fth_strbuf_puts(sb, "unified:");
	if (stat(mnt, &st) == 0 && st.st_ino == id)
		fth_strbuf_puts(sb, "/");
	else if (!find_cgroup_dir(mnt, strlen(mnt), id, sb, 0))
		fth_strbuf_printf(sb, "<cgroup %llu not found>", (unsigned long long)id);
}

static void format_special(void *ud, struct fth_strbuf *sb, const struct fth_type *t, const void *bytes,
			   bool in_map_key)
{
	struct runtime *rt = ud;
	uint64_t v;

	memcpy(&v, bytes, sizeof(v));
	switch (t->kind) {
	case FTH_T_PROBE: {
		struct fth_prog *p = v < (uint64_t)rt->prog->progs.len ? rt->prog->progs.items[v] : NULL;
		fth_strbuf_puts(sb, p ? p->inst->name : "?");
		break;
	}
	case FTH_T_USERNAME: {
		struct passwd *pw = getpwuid((uid_t)v);
		if (pw)
			fth_strbuf_puts(sb, pw->pw_name);
		else
			fth_strbuf_printf(sb, "%llu", (unsigned long long)v);
		break;
	}
	case FTH_T_KSTACK:
	case FTH_T_USTACK:
	{
		uint64_t pid = 0;
		if (t->kind == FTH_T_USTACK)
			memcpy(&pid, (const uint8_t *)bytes + 8, 8);
		format_stack(rt, sb, t, (int64_t)v, (int)pid);
		break;
	}
	case FTH_T_KSYM: {
		const struct fth_ksyms *ks = kernel_symbols(rt);
		const char *name = ks ? fth_ksyms_lookup(ks, v, NULL, NULL) : NULL;
		if (name)
			fth_strbuf_puts(sb, name);
		else
			fth_strbuf_printf(sb, "0x%llx", (unsigned long long)v);
		break;
	}
	case FTH_T_USYM: {
		const char *name, *module;
		uint64_t offset, pid;
		memcpy(&pid, (const uint8_t *)bytes + 8, 8);
		if (!rt->usyms)
			rt->usyms = fth_usyms_new();
		if (rt->usyms && fth_usyms_lookup(rt->usyms, (int)pid, v, &name, &offset, &module))
			fth_strbuf_puts(sb, name);
		else
			fth_strbuf_printf(sb, "0x%llx", (unsigned long long)v);
		break;
	}
	case FTH_T_TIMESTAMP:
		format_timestamp(sb, t->name ? t->name : "%H:%M:%S", v);
		break;
	case FTH_T_ERRNO:
		fth_strbuf_puts(sb, strerror((int)v));
		break;
	case FTH_T_CGROUP_PATH:
		format_cgroup_path(sb, v);
		break;
	case FTH_T_SYSCALL:
		/* bpftrace's words for a number with no system call */
		fth_strbuf_puts(sb, fth_syscall_name(v) ? fth_syscall_name(v) : "Unknown syscall");
		break;
	default:
		fth_strbuf_printf(sb, "%llu", (unsigned long long)v);
		break;
	}
}

/* ------------------------------------------------------------ map reading */

struct map_snapshot {
	uint8_t *keys;
	uint8_t *values;  /* reduced values, one per key (hist: buckets) */
	int n;
	uint32_t user_key_size;
	uint32_t value_stride;
	struct fth_map_entry *entries;
};

static void snapshot_free(struct map_snapshot *s)
{
	free(s->keys);
	free(s->values);
	free(s->entries);
	memset(s, 0, sizeof(*s));
}

static bool is_hist(const struct fth_map *m)
{
	return m->value_type->kind == FTH_T_AGG &&
	       (m->value_type->agg == FTH_AGG_HIST || m->value_type->agg == FTH_AGG_LHIST);
}

static bool is_tseries_map(const struct fth_map *m)
{
	return m->value_type->kind == FTH_T_AGG && m->value_type->agg == FTH_AGG_TSERIES;
}

static bool ts_before(bool is_signed, int64_t a, int64_t b)
{
	return is_signed ? a < b : (uint64_t)a < (uint64_t)b;
}

/* One tseries bucket over the CPUs, as bpftrace reduces it: only the CPUs'
 * copies of the newest interval count; the last value is the one written
 * last (largest time in meta), avg sums values and counts and divides,
 * min/max/sum combine the values. */
static void reduce_tseries(const struct fth_type *t, const uint8_t *percpu, int ncpus, uint32_t stride,
			   struct fth_tseries_point *out)
{
	struct fth_agg_tseries r = { 0, 0, 0 };

	for (int c = 0; c < ncpus; c++) {
		struct fth_agg_tseries v;
		memcpy(&v, percpu + (size_t)c * stride, sizeof(v));
		if (v.epoch == 0 || v.epoch < r.epoch)
			continue;
		if (v.epoch > r.epoch) {
			r = v;
			continue;
		}
		switch (t->ts_agg) {
		case FTH_TS_LAST:
			if ((uint64_t)v.meta > (uint64_t)r.meta)
				r = v;
			break;
		case FTH_TS_AVG:
			r.value = (int64_t)((uint64_t)r.value + (uint64_t)v.value);
			r.meta += v.meta;
			break;
		case FTH_TS_MIN:
			if (ts_before(t->ts_signed, v.value, r.value))
				r.value = v.value;
			break;
		case FTH_TS_MAX:
			if (ts_before(t->ts_signed, r.value, v.value))
				r.value = v.value;
			break;
		case FTH_TS_SUM:
			r.value = (int64_t)((uint64_t)r.value + (uint64_t)v.value);
			break;
		}
	}
	if (r.epoch && t->ts_agg == FTH_TS_AVG && r.meta)
		r.value = t->ts_signed ? r.value / r.meta : (int64_t)((uint64_t)r.value / (uint64_t)r.meta);
	out->epoch = r.epoch;
	out->value = r.value;
}

static int read_all_keys(const struct fth_map *m, uint8_t **out, int *count)
{
	uint8_t *keys = NULL, *prev = NULL;
	int n = 0, cap = 0;

	for (;;) {
		uint8_t *k = fth_vec_grow(keys, n, &cap, m->key_size, 64);
		if (!k) {
			free(keys);
			return -ENOMEM;
		}
		keys = k;
		prev = n ? keys + (size_t)(n - 1) * m->key_size : NULL;
		if (bpf_map_get_next_key(m->fd, prev, keys + (size_t)n * m->key_size))
			break;
		n++;
	}
	*out = keys;
	*count = n;
	return 0;
}

/* Reduce the per-CPU copies of one aggregation value into `out`. */
static void reduce_percpu(const struct fth_map *m, const uint8_t *percpu, int ncpus, uint8_t *out)
{
	uint32_t stride = (m->value_size + 7) & ~7u;
	enum fth_agg_kind agg = m->value_type->agg;

	if (agg == FTH_AGG_MIN || agg == FTH_AGG_MAX) {
		struct fth_agg_minmax r = { 0, 0 };
		for (int c = 0; c < ncpus; c++) {
			struct fth_agg_minmax v;
			memcpy(&v, percpu + (size_t)c * stride, sizeof(v));
			if (!v.set)
				continue;
			if (!r.set || (agg == FTH_AGG_MIN ? v.value < r.value : v.value > r.value))
				r = v;
		}
		memcpy(out, &r.value, 8);
	} else if (agg == FTH_AGG_AVG || agg == FTH_AGG_STATS) {
		struct fth_agg_avg r = { 0, 0 };
		for (int c = 0; c < ncpus; c++) {
			struct fth_agg_avg v;
			memcpy(&v, percpu + (size_t)c * stride, sizeof(v));
			r.count += v.count;
			r.total += v.total;
		}
		memcpy(out, &r, sizeof(r));
	} else {
		int64_t sum = 0;
		for (int c = 0; c < ncpus; c++) {
			int64_t v;
			memcpy(&v, percpu + (size_t)c * stride, sizeof(v));
			sum += v;
		}
		memcpy(out, &sum, 8);
	}
}

static int compare_keys(const void *a, const void *b, void *size)
{
	return memcmp(a, b, *(const uint32_t *)size);
}

/* A tseries map: its (user key, bucket) pairs grouped by user key in the
 * order of the keys' bytes, each key's buckets reduced over the CPUs into
 * struct fth_tseries_point[ts_count]. A key whose buckets zero() cleared
 * stays, with no intervals: bpftrace still lists it (as [] in JSON). */
static void snapshot_tseries(struct runtime *rt, const struct fth_map *m, struct map_snapshot *s, uint8_t *keys,
			     int n, uint8_t *raw)
{
	const struct fth_type *t = m->value_type;
	uint32_t stride = (m->value_size + 7) & ~7u, key_size = m->key_size;
	uint32_t uks = s->user_key_size ? s->user_key_size : 1;

	qsort_r(keys, (size_t)n, m->key_size, compare_keys, &key_size);
	s->value_stride = (uint32_t)t->ts_count * (uint32_t)sizeof(struct fth_tseries_point);
	s->keys = malloc((size_t)(n ? n : 1) * uks);
	s->values = calloc((size_t)(n ? n : 1), s->value_stride);
	for (int i = 0; i < n; i++) {
		uint8_t *k = keys + (size_t)i * m->key_size;
		struct fth_tseries_point p, *b;
		uint64_t bucket;
		memcpy(&bucket, k + s->user_key_size, 8);
		if (bucket >= (uint64_t)t->ts_count || bpf_map_lookup_elem(m->fd, k, raw))
			continue;
		reduce_tseries(t, raw, rt->ncpus, stride, &p);
		if (s->n == 0 || memcmp(s->keys + (size_t)(s->n - 1) * s->user_key_size, k, s->user_key_size)) {
			memcpy(s->keys + (size_t)s->n * s->user_key_size, k, s->user_key_size);
			s->n++;
		}
		b = (struct fth_tseries_point *)(s->values + (size_t)(s->n - 1) * s->value_stride);
		if (p.epoch) /* epoch 0: a bucket zero() cleared */
			b[bucket] = p;
	}
}

/* ------------------------------------------- dw_ustack keys, merged */

static bool type_has_dw_stack(const struct fth_type *t)
{
	if (t->kind == FTH_T_USTACK)
		return t->stack_dwarf;
	if (t->kind == FTH_T_TUPLE || t->kind == FTH_T_STRUCT)
		for (int i = 0; i < t->nfields; i++)
			if (type_has_dw_stack(t->fields[i].type))
				return true;
	return false;
}

/* Replace the capture ids (up to `upto`) in a key by their stacks'
 * canonical ids. */
static void canonicalize_dw_ids_upto(const struct runtime *rt, const struct fth_type *t, uint8_t *bytes,
				     uint64_t upto)
{
	uint64_t id;

	if (t->kind == FTH_T_USTACK && t->stack_dwarf) {
		memcpy(&id, bytes, 8);
		if (id <= upto)
			id = fth_dwstacks_canonical(rt->dwstacks, id);
		memcpy(bytes, &id, 8);
	} else if (t->kind == FTH_T_TUPLE || t->kind == FTH_T_STRUCT) {
		for (int i = 0; i < t->nfields; i++)
			canonicalize_dw_ids_upto(rt, t->fields[i].type, bytes + t->fields[i].offset, upto);
	}
}

static void canonicalize_dw_ids(const struct runtime *rt, const struct fth_type *t, uint8_t *bytes)
{
	canonicalize_dw_ids_upto(rt, t, bytes, UINT64_MAX);
}

/* *into += *from, for 8-byte counters and sums in a value's bytes. */
static void add_i64(uint8_t *into, const uint8_t *from)
{
	int64_t a, b;

	memcpy(&a, into, 8);
	memcpy(&b, from, 8);
	a += b;
	memcpy(into, &a, 8);
}

/* An avg or stats value folded into another: counts and totals add. */
static void add_avg(uint8_t *into, const uint8_t *from)
{
	struct fth_agg_avg x, y;

	memcpy(&x, into, sizeof(x));
	memcpy(&y, from, sizeof(y));
	x.count += y.count;
	x.total += y.total;
	memcpy(into, &x, sizeof(x));
}

/* Fold the value `from` into `into` (one snapshot value each). */
static void merge_values(const struct fth_map *m, uint32_t stride, uint8_t *into, const uint8_t *from)
{
	const struct fth_type *vt = m->value_type;
	int64_t a, b;

	if (vt->kind != FTH_T_AGG || vt->agg == FTH_AGG_TSERIES)
		return; /* a plain value: the first one stays */
	if (is_hist(m)) {
		for (uint32_t o = 0; o + 8 <= stride; o += 8)
			add_i64(into + o, from + o);
		return;
	}
	if (vt->agg == FTH_AGG_AVG || vt->agg == FTH_AGG_STATS) {
		add_avg(into, from);
		return;
	}
	memcpy(&a, into, 8);
	memcpy(&b, from, 8);
	if (vt->agg == FTH_AGG_MIN)
		a = b < a ? b : a;
	else if (vt->agg == FTH_AGG_MAX)
		a = b > a ? b : a;
	else
		a += b;
	memcpy(into, &a, 8);
}

struct key_order {
	const uint8_t *keys;
	uint32_t size;
};

static int compare_key_indexes(const void *a, const void *b, void *ud)
{
	const struct key_order *o = ud;
	int ia = *(const int *)a, ib = *(const int *)b;
	int r = memcmp(o->keys + (size_t)ia * o->size, o->keys + (size_t)ib * o->size, o->size);

	return r ? r : (ia > ib) - (ia < ib);
}

/* Keys holding dw_ustack values: every capture has its own id, so the
 * same stack taken twice made two keys; with the canonical ids they are
 * one, and their values are folded together, as bpftrace (whose keys are
 * the frames) has them. */
static void merge_dw_keys(const struct runtime *rt, const struct fth_map *m, struct map_snapshot *s,
			  uint32_t key_stride)
{
	struct key_order order = { s->keys, key_stride };
	int *idx, out = 0;
	uint8_t *keys, *values;

	if (!m->key_type || !type_has_dw_stack(m->key_type) || s->n < 2)
		return;
	idx = malloc((size_t)s->n * sizeof(*idx));
	keys = malloc((size_t)s->n * key_stride);
	values = calloc((size_t)s->n, s->value_stride);
	if (!idx || !keys || !values) {
		free(idx), free(keys), free(values);
		return;
	}
	for (int i = 0; i < s->n; i++) {
		canonicalize_dw_ids(rt, m->key_type, s->keys + (size_t)i * key_stride);
		idx[i] = i;
	}
	qsort_r(idx, (size_t)s->n, sizeof(*idx), compare_key_indexes, &order);
	for (int i = 0; i < s->n; i++) {
		const uint8_t *k = s->keys + (size_t)idx[i] * key_stride;
		const uint8_t *v = s->values + (size_t)idx[i] * s->value_stride;
		if (out && !memcmp(keys + (size_t)(out - 1) * key_stride, k, key_stride)) {
			merge_values(m, s->value_stride, values + (size_t)(out - 1) * s->value_stride, v);
			continue;
		}
		memcpy(keys + (size_t)out * key_stride, k, key_stride);
		memcpy(values + (size_t)out * s->value_stride, v, s->value_stride);
		out++;
	}
	free(idx);
	free(s->keys);
	free(s->values);
	s->keys = keys;
	s->values = values;
	s->n = out;
}

/* Fold one CPU's aggregation `from` into `into` (one slot each). */
static void fold_agg_slot(const struct fth_map *m, uint8_t *into, const uint8_t *from)
{
	enum fth_agg_kind agg = m->value_type->agg;

	if (agg == FTH_AGG_MIN || agg == FTH_AGG_MAX) {
		struct fth_agg_minmax a, b;
		memcpy(&a, into, sizeof(a));
		memcpy(&b, from, sizeof(b));
		if (b.set && (!a.set || (agg == FTH_AGG_MIN ? b.value < a.value : b.value > a.value)))
			memcpy(into, &b, sizeof(b));
	} else if (agg == FTH_AGG_AVG || agg == FTH_AGG_STATS) {
		add_avg(into, from);
	} else {
		add_i64(into, from);
	}
}

/* Move the kernel map entry at key `from` into the one at `to` (its
 * canonical key): aggregations fold CPU by CPU, a plain value already at
 * `to` stays. */
static void fold_dw_entry(const struct runtime *rt, const struct fth_map *m, const uint8_t *from, const uint8_t *to,
			  uint8_t *moved, uint8_t *kept)
{
	bool percpu = m->value_type->kind == FTH_T_AGG;
	uint32_t stride = (m->value_size + 7) & ~7u;

	if (bpf_map_lookup_elem(m->fd, from, moved))
		return;
	if (!bpf_map_lookup_elem(m->fd, to, kept)) {
		if (!percpu) {
			bpf_map_delete_elem(m->fd, from);
			return;
		}
		for (int c = 0; c < rt->ncpus; c++)
			fold_agg_slot(m, kept + (size_t)c * stride, moved + (size_t)c * stride);
		moved = kept;
	}
	if (!bpf_map_update_elem(m->fd, to, moved, BPF_ANY))
		bpf_map_delete_elem(m->fd, from);
}

/* dw_ustack map keys, folded in the kernel map: every capture has its own
 * id, so a map keyed by dw_ustack would get a key per event and be full
 * after max_map_keys of them, however few the stacks. The entries of a
 * capture whose stack was seen before move to the first capture's key.
 * Only ids up to `upto` are folded: those unwound at the previous fold's
 * time, whose probes have long made their map updates. */
static void fold_dw_map_keys(const struct runtime *rt, const struct fth_map *m, uint64_t upto)
{
	uint32_t stride = (m->value_size + 7) & ~7u;
	size_t value_size = m->value_type->kind == FTH_T_AGG ? (size_t)stride * (size_t)rt->ncpus : m->value_size;
	uint8_t *keys, *to = malloc(m->key_size), *moved = malloc(value_size), *kept = malloc(value_size);
	int n;

	if (to && moved && kept && !read_all_keys(m, &keys, &n)) {
		for (int i = 0; i < n; i++) {
			const uint8_t *from = keys + (size_t)i * m->key_size;
			memcpy(to, from, m->key_size);
			canonicalize_dw_ids_upto(rt, m->key_type, to, upto);
			if (memcmp(to, from, m->key_size))
				fold_dw_entry(rt, m, from, to, moved, kept);
		}
		free(keys);
	}
	free(to);
	free(moved);
	free(kept);
}

/* Whether a map keeps dw_ustack capture ids that fold_dw_keys does not
 * replace by canonical ones: in its values, or keys of a tseries. */
static bool maps_keep_dw_ids(const struct runtime *rt)
{
	for (int i = 0; i < rt->prog->maps.len; i++) {
		const struct fth_map *m = fth_program_map(rt->prog, i);
		if (m->internal)
			continue;
		if ((m->value_type && type_has_dw_stack(m->value_type)) ||
		    (m->key_type && type_has_dw_stack(m->key_type) && is_tseries_map(m)))
			return true;
	}
	return false;
}

/* Every 20 ms at most (a busy trace wakes the loop far more often, and
 * a fold reads every key of the map): fold the keys of the captures
 * unwound by the previous fold's time, if any came since the last fold
 * (see fold_dw_map_keys). */
static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fold_dw_keys(struct runtime *rt)
{
	uint64_t now = monotonic_ns(), upto = rt->dw_folded_upto;

	if (now < rt->dw_fold_due_ns)
		return;
	rt->dw_fold_due_ns = now + 20000000u;
	rt->dw_folded_upto = fth_dwstacks_last_id(rt->dwstacks);
	if (!upto || upto == rt->dw_folded_done)
		return;
	rt->dw_folded_done = upto;
	for (int i = 0; i < rt->prog->maps.len; i++) {
		const struct fth_map *m = fth_program_map(rt->prog, i);
		if (!m->internal && m->fd >= 0 && m->key_type && type_has_dw_stack(m->key_type) &&
		    !is_tseries_map(m))
			fold_dw_map_keys(rt, m, upto);
	}
	/* The repeated captures up to `upto` are named by nothing now, but
	 * for records still held and maps that keep ids where no fold goes:
	 * they can go, or a long profile would grow without end. */
	if (!rt->npending && !maps_keep_dw_ids(rt))
		fth_dwstacks_forget_repeats(rt->dwstacks, upto);
}

/* Read a whole map into user-visible entries for format.c. */
static int snapshot_map(struct runtime *rt, const struct fth_map *m, struct map_snapshot *s)
{
	bool percpu = m->value_type->kind == FTH_T_AGG;
	uint32_t stride = (m->value_size + 7) & ~7u;
	size_t raw_size = percpu ? (size_t)stride * (size_t)rt->ncpus : m->value_size;
	uint8_t *raw = malloc(raw_size);
	uint8_t *keys;
	int n, err;

	memset(s, 0, sizeof(*s));
	if (!raw)
		return -ENOMEM;
	err = read_all_keys(m, &keys, &n);
	if (err) {
		free(raw);
		return err;
	}
	s->user_key_size = m->key_type ? (m->key_type->size + 7) & ~7u : 0;
	if (is_tseries_map(m)) {
		snapshot_tseries(rt, m, s, keys, n, raw);
		free(keys);
	} else if (is_hist(m)) {
		int nb = fth_hist_bucket_count(m->value_type);
		/* Group the (user key, bucket) pairs by user key. */
		uint32_t key_size = m->key_size;
		qsort_r(keys, (size_t)n, m->key_size, compare_keys, &key_size);
		s->value_stride = (uint32_t)nb * 8;
		s->keys = malloc((size_t)(n ? n : 1) * (s->user_key_size ? s->user_key_size : 1));
		s->values = calloc((size_t)(n ? n : 1), s->value_stride);
		for (int i = 0; i < n; i++) {
			uint8_t *k = keys + (size_t)i * m->key_size;
			uint64_t bucket;
			int64_t count;
			memcpy(&bucket, k + s->user_key_size, 8);
			if (s->n == 0 || memcmp(s->keys + (size_t)(s->n - 1) * s->user_key_size, k, s->user_key_size)) {
				memcpy(s->keys + (size_t)s->n * s->user_key_size, k, s->user_key_size);
				s->n++;
			}
			if (bpf_map_lookup_elem(m->fd, k, raw))
				continue;
			reduce_percpu(m, raw, rt->ncpus, (uint8_t *)&count);
			if (bucket < (uint64_t)nb) {
				int64_t *b = (int64_t *)(s->values + (size_t)(s->n - 1) * s->value_stride);
				b[bucket] += count;
			}
		}
		free(keys);
	} else {
		s->keys = keys;
		s->value_stride = percpu ? 16 : stride;
		s->values = calloc((size_t)(n ? n : 1), s->value_stride);
		for (int i = 0; i < n; i++) {
			uint8_t *dst = s->values + (size_t)i * s->value_stride;
			if (bpf_map_lookup_elem(m->fd, keys + (size_t)i * m->key_size, percpu ? raw : dst))
				continue;
			if (percpu)
				reduce_percpu(m, raw, rt->ncpus, dst);
		}
		s->n = n;
	}
	free(raw);
	if (rt->dwstacks)
		merge_dw_keys(rt, m, s, is_hist(m) || is_tseries_map(m) ? s->user_key_size : m->key_size);
	s->entries = calloc((size_t)(s->n ? s->n : 1), sizeof(*s->entries));
	for (int i = 0; i < s->n; i++) {
		uint32_t key_stride = is_hist(m) || is_tseries_map(m) ? s->user_key_size : m->key_size;
		s->entries[i].key = m->key_type ? s->keys + (size_t)i * key_stride : NULL;
		s->entries[i].value = s->values + (size_t)i * s->value_stride;
	}
	return 0;
}

/* Print one map. print() of an empty scalar counter shows it as zero
 * (`@: 0`, as current bpftrace does), so periodic reports keep their shape;
 * at exit an empty map prints nothing. */
static void print_map_for_action(struct runtime *rt, const struct fth_map *m, int top, int div,
				 bool explicit_print, const struct fth_action *a);

static void print_map(struct runtime *rt, const struct fth_map *m, int top, int div, bool explicit_print)
{
	print_map_for_action(rt, m, top, div, explicit_print, NULL);
}

/* a: the print() action that asked for the map, whose min/max bound the
 * rows of print(@tseries, min, max); NULL when no action asked (exit,
 * print of every map). */
static void print_map_for_action(struct runtime *rt, const struct fth_map *m, int top, int div,
				 bool explicit_print, const struct fth_action *a)
{
	static const int64_t zero[2];
	struct fth_map_entry zero_entry = { NULL, zero };
	struct map_snapshot s;
	struct fth_map_view view;
	const struct fth_type *vt = m->value_type;
	bool counter = vt->kind == FTH_T_INT || (vt->kind == FTH_T_AGG && vt->agg != FTH_AGG_HIST &&
						  vt->agg != FTH_AGG_LHIST && vt->agg != FTH_AGG_TSERIES);

	if (m->fd < 0 || snapshot_map(rt, m, &s))
		return;
	view.name = m->name;
	view.key_type = m->key_type;
	view.value_type = vt;
	view.entries = s.entries;
	view.nentries = s.n;
	view.ts_range = a && a->ts_range;
	view.ts_min = a ? a->ts_min : 0;
	view.ts_max = a ? a->ts_max : 0;
	/* A keyless counter that is empty prints as 0 when asked for; a
	 * keyless aggregation (count, sum, ...) also at exit after clear() or
	 * delete() emptied it, as bpftrace (0.17 and current) prints @: 0. */
	if ((explicit_print || (m->deleted && vt->kind == FTH_T_AGG)) && s.n == 0 && !m->key_type && counter) {
		view.entries = &zero_entry;
		view.nentries = 1;
	}
	rt->out.ops->map(&rt->out, &view, top, div);
	snapshot_free(&s);
}

static void clear_map(const struct fth_map *m)
{
	uint8_t *keys;
	int n;

	if (m->fd < 0 || read_all_keys(m, &keys, &n))
		return;
	for (int i = 0; i < n; i++)
		bpf_map_delete_elem(m->fd, keys + (size_t)i * m->key_size);
	free(keys);
}

static void zero_map(struct runtime *rt, const struct fth_map *m)
{
	bool percpu = m->value_type->kind == FTH_T_AGG;
	size_t size = percpu ? (size_t)((m->value_size + 7) & ~7u) * (size_t)rt->ncpus : m->value_size;
	uint8_t *zeros = calloc(1, size);
	uint8_t *keys;
	int n;

	if (!zeros || m->fd < 0 || read_all_keys(m, &keys, &n)) {
		free(zeros);
		return;
	}
	for (int i = 0; i < n; i++)
		bpf_map_update_elem(m->fd, keys + (size_t)i * m->key_size, zeros, BPF_EXIST);
	free(keys);
	free(zeros);
}

/* ---------------------------------------------------------------- events */

static void print_time(struct runtime *rt, const char *fmt)
{
	char buf[256];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	if (strftime(buf, sizeof(buf), fmt, &tm) > 0)
		rt->out.ops->time(&rt->out, buf);
}

/* join(argv [, sep]): FTH_JOIN_ARGS NUL-terminated slots of a->top bytes
 * after the action id; the arguments end at the first empty slot. */
/* printf-style text of an action (printf, system, cat) into rt->sb. */
static void render_format(struct runtime *rt, const struct fth_action *a, const uint8_t *args)
{
	const struct fth_type *types[128];
	const void *ptrs[128];
	int n = a->args->nfields < 128 ? a->args->nfields : 128;

	for (int i = 0; i < n; i++) {
		types[i] = a->args->fields[i].type;
		ptrs[i] = args + a->args->fields[i].offset;
	}
	fth_strbuf_reset(&rt->sb);
	fth_printf_render(&rt->sb, &a->format, types, ptrs, &rt->env);
}

/* Read everything from a stream into a new strbuf (at most max bytes). */
static void read_stream(FILE *f, struct fth_strbuf *out, size_t max)
{
	char buf[4096];
	size_t n;

	while (out->len < max && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fth_strbuf_append(out, buf, n < max - out->len ? n : max - out->len);
}

/* system(): run the command through the shell (only with --unsafe) and pass
 * its output on, as bpftrace does: the reader waits for it. */
static void run_command(struct runtime *rt, const char *cmd)
{
	struct fth_strbuf out;
	FILE *p;

	fflush(NULL);
	p = popen(cmd, "r");
	if (!p) {
		fth_diag_plain(rt->diag, FTH_SEV_WARNING, NULL, "system(\"%s\") failed: %s", cmd, strerror(errno));
		return;
	}
	fth_strbuf_init(&out);
	read_stream(p, &out, 1 << 20);
	pclose(p);
	rt->out.ops->raw(&rt->out, "syscall", fth_strbuf_cstr(&out), out.len);
	fth_strbuf_free(&out);
}

/* cat(): print a file's contents, at most max_cat_bytes (10 KiB unless
 * configured); a missing file is reported in bpftrace's words and the run
 * goes on. */
static void cat_file(struct runtime *rt, const char *path)
{
	struct fth_strbuf out;
	FILE *f = fopen(path, "r");

	if (!f) {
		/* bpftrace reports it as an error but keeps running and exits 0,
		 * so it does not count as one of the run's errors */
		fprintf(rt->diag->out, "ERROR: failed to open file '%s' (%s)\n", path, strerror(errno));
		return;
	}
	fth_strbuf_init(&out);
	read_stream(f, &out, rt->prog->config.max_cat_bytes);
	fclose(f);
	rt->out.ops->raw(&rt->out, "cat", fth_strbuf_cstr(&out), out.len);
	fth_strbuf_free(&out);
}

static void print_join(struct runtime *rt, const struct fth_action *a, const uint8_t *args, size_t size)
{
	size_t slot = a->top > 0 ? (size_t)a->top : 0;

	fth_strbuf_reset(&rt->sb);
	for (int i = 0; slot && i < FTH_JOIN_ARGS && 8 + (i + 1) * slot <= size; i++) {
		const char *s = (const char *)args + (size_t)i * slot;
		size_t len = strnlen(s, slot);

		if (!len)
			break;
		if (i)
			fth_strbuf_puts(&rt->sb, a->text ? a->text : " ");
		fth_strbuf_append(&rt->sb, s, len);
	}
	rt->out.ops->join(&rt->out, fth_strbuf_cstr(&rt->sb), rt->sb.len);
}

/* strerror(3) of a helper's negative return code; 0 ("Success") for the
 * rest, as a map read that found nothing reports. */
static const char *retcode_text(int64_t ret)
{
	return strerror(ret < 0 && ret > -4096 ? (int)-ret : 0);
}

/* What current bpftrace's text warning says of a failed helper: a missing
 * element for a delete or a read, otherwise the error's strerror(3) text. */
static const char *helper_error_message(const char *helper, int64_t ret)
{
	if (!strcmp(helper, "map_delete_elem") && ret == -ENOENT)
		return "Can't delete map element because it does not exist.";
	if (!strcmp(helper, "map_lookup_elem"))
		return "Can't lookup map element because it does not exist.";
	return retcode_text(ret);
}

/* -k: a helper failed in a probe. bpftrace words it as the message, then
 * "Additional Info - helper: HELPER, retcode: N", at the script location. */
static void report_helper_error(struct runtime *rt, const struct fth_action *a, const uint8_t *args)
{
	int64_t ret;
	int line, col;
	const char *msg;

	memcpy(&ret, args, 8);
	if (rt->out.ops->helper_error) {
		/* bpftrace's JSON helper_error "msg" is always strerror(-retcode):
		 * the map sentences belong to its text warning only */
		const struct fth_source *src = fth_diag_source(rt->diag, a->range.begin);
		fth_source_position(src, a->range.begin, &line, &col);
		rt->out.ops->helper_error(&rt->out, retcode_text(ret), a->text, ret, src->name, line, col);
		return;
	}
	msg = helper_error_message(a->text, ret);
	fth_diag_report_expanded(rt->diag, FTH_SEV_WARNING, a->range, a->expanded,
				 NULL, "%s\nAdditional Info - helper: %s, retcode: %" PRId64, msg, a->text, ret);
}

/* errorf()/warnf(): the formatted text at the call's location, on stderr
 * without the source excerpt (bpftrace leaves it out: the line is the call
 * itself), or as an "errorf"/"warnf" JSON message. --no-warnings silences
 * warnf. Neither changes the exit status. */
static void report_located(struct runtime *rt, const struct fth_action *a, const uint8_t *args)
{
	bool error = a->kind == FTH_ACT_ERRORF;
	int line, col;

	if (!error && rt->diag->quiet_warnings)
		return;
	render_format(rt, a, args);
	if (rt->out.ops->located) {
		const struct fth_source *src = fth_diag_source(rt->diag, a->range.begin);
		fth_source_position(src, a->range.begin, &line, &col);
		rt->out.ops->located(&rt->out, error ? "errorf" : "warnf", fth_strbuf_cstr(&rt->sb), src->name,
				     line, col);
		return;
	}
	fflush(rt->out.out);
	fth_diag_located(rt->diag, error ? FTH_SEV_ERROR : FTH_SEV_WARNING, a->range, fth_strbuf_cstr(&rt->sb));
	fth_diag_expansion_chain(rt->diag, error ? FTH_SEV_ERROR : FTH_SEV_WARNING, a->expanded);
}

/* A run-time check failed (division by zero): a warning at the script
 * location with the source line, as bpftrace's runtime_error, or a
 * "runtime_error" JSON message. */
static void report_runtime_error(struct runtime *rt, const struct fth_action *a)
{
	int line, col;

	if (rt->out.ops->located) {
		fth_source_position(rt->diag->src, a->range.begin, &line, &col);
		rt->out.ops->located(&rt->out, "runtime_error", a->text, rt->diag->src->name, line, col);
		return;
	}
	fflush(rt->out.out);
	fth_diag_report_expanded(rt->diag, FTH_SEV_WARNING, a->range, a->expanded, NULL, "%s", a->text);
}

/* What a benchmark sends while it runs: bpftrace discards its output but
 * fails the benchmark on an errorf() or an exit() with a non-zero code. */
static int capture_bench_event(struct runtime *rt, const struct fth_action *a, const uint8_t *args)
{
	int64_t code;

	if (a->kind == FTH_ACT_ERRORF) {
		rt->bench_errors++;
	} else if (a->kind == FTH_ACT_EXIT) {
		if (a->args)
			memcpy(&code, args, 8);
		else
			code = a->top;
		rt->exit_code = (int)code;
	}
	return 0;
}

/* ------------------------------------------------ function watchpoints */

static struct armed_watchpoint *armed_find(struct runtime *rt, int prog, uint64_t addr)
{
	for (int i = 0; i < rt->narmed; i++)
		if (rt->armed[i].prog == prog && rt->armed[i].addr == addr)
			return &rt->armed[i];
	return NULL;
}

/* Open the breakpoint of watchpoint program `index` on addr, in the traced
 * process. A machine has few debug registers (4 on x86): when they are
 * all taken the watchpoint is skipped with bpftrace's warnings, or with
 * missing_probes = error (the default) the run ends. */
static void arm_watchpoint(struct runtime *rt, const struct fth_prog *p, uint64_t addr)
{
	struct fth_probe_inst at = *p->inst;
	struct armed_watchpoint *w;
	char err[256];
	int rc;

	if (rt->narmed == rt->armed_cap) {
		int cap = rt->armed_cap ? 2 * rt->armed_cap : 8;
		struct armed_watchpoint *grown = realloc(rt->armed, (size_t)cap * sizeof(*grown));
		if (!grown)
			return;
		rt->armed = grown;
		rt->armed_cap = cap;
	}
	w = &rt->armed[rt->narmed++];
	memset(w, 0, sizeof(*w));
	w->prog = p->probe_index;
	w->addr = addr;
	at.bp_addr = addr;
	rc = at.provider->attach(&at, p->fd, &w->att, err, sizeof(err));
	if (!rc)
		return;
	fth_attachment_close(&w->att);
	if (rc == -ENOSPC)
		fth_diag_plain(rt->diag, FTH_SEV_WARNING, NULL, "No more HW registers left");
	else
		fth_diag_plain(rt->diag, FTH_SEV_WARNING, NULL, "%s", err);
	if (rt->prog->config.missing_probes == FTH_MISSING_ERROR) {
		fth_diag_plain(rt->diag, FTH_SEV_ERROR,
			       "set the 'missing_probes' config variable to 'warn' to go on without it",
			       "Unable to attach probe: %s", p->inst->name);
		rt->exiting = true;
		rt->exit_code = 1;
	} else if (rt->prog->config.missing_probes == FTH_MISSING_WARN) {
		fth_diag_plain(rt->diag, FTH_SEV_WARNING, NULL, "Unable to attach probe: %s. Skipping.", p->inst->name);
	}
}

/* FUNC was called with an address in its argument: watch it (once per
 * address), then let a stopped process go on. */
static void handle_watchpoint_arm(struct runtime *rt, const uint8_t *rec, size_t size, bool arm)
{
	uint64_t index, addr;
	const struct fth_prog *p;

	if (size < 24)
		return;
	memcpy(&index, rec + 8, 8);
	memcpy(&addr, rec + 16, 8);
	p = index < (uint64_t)rt->prog->progs.len ? rt->prog->progs.items[index] : NULL;
	if (!p || !p->inst->wp_func)
		return;
	if (arm && !armed_find(rt, (int)index, addr))
		arm_watchpoint(rt, p, addr);
	/* watchpoint (not asyncwatchpoint) stopped the process in FUNC */
	if (p->inst->provider == &fth_provider_watchpoint && rt->prog->config.target_pid > 0)
		kill(rt->prog->config.target_pid, SIGCONT);
}

/* unwatch(addr): close every watchpoint on addr. */
static void handle_unwatch(struct runtime *rt, const uint8_t *args)
{
	uint64_t addr;

	memcpy(&addr, args, 8);
	for (int i = 0; i < rt->narmed; i++)
		if (rt->armed[i].addr == addr)
			fth_attachment_close(&rt->armed[i].att);
}

static void close_armed_watchpoints(struct runtime *rt)
{
	for (int i = 0; i < rt->narmed; i++)
		fth_attachment_close(&rt->armed[i].att);
	free(rt->armed);
	rt->armed = NULL;
	rt->narmed = rt->armed_cap = 0;
}

/* ------------------------------------------------------------- dw_ustack */

/* A dw_ustack record: unwind its stack now, while the process and its
 * mappings are most likely still there, and keep the frames. */
static void handle_dw_capture(struct runtime *rt, const uint8_t *data, size_t size)
{
	const struct fth_dw_capture_record *r = (const void *)(data + 8);
	uint64_t ips[FTH_MAX_STACK_FRAMES];
	struct fth_dwunwind_capture c;
	int n;

	if (size < 8 + offsetof(struct fth_dw_capture_record, stack) || !r->id)
		return;
	if (!rt->dwunwind)
		rt->dwunwind = fth_dwunwind_new();
	if (!rt->dwstacks)
		rt->dwstacks = fth_dwstacks_new();
	if (!rt->dwunwind || !rt->dwstacks)
		return;
	c.pid = (int)(r->pid_tgid >> 32);
	c.tid = (int)(uint32_t)r->pid_tgid;
	fth_dwunwind_regs_from_pt_regs(r->pt_regs, c.regs);
	c.stack = r->stack;
	c.stack_len = r->stack_len <= FTH_DW_STACK_MAX ? (size_t)r->stack_len : 0;
	c.uret = r->uret;
	for (c.nuret = 0; c.nuret < FTH_DW_URETPROBES && r->uret[c.nuret][0]; c.nuret++)
		;
	n = fth_dwunwind_frames(rt->dwunwind, &c, ips,
				r->limit && r->limit < FTH_MAX_STACK_FRAMES ? (int)r->limit : FTH_MAX_STACK_FRAMES);
	fth_dwstacks_add(rt->dwstacks, r->id, c.pid, ips, n);
}

/* dw_ustack: read the modules of the processes named at start (-p,
 * --dwarf-pid) now, so that their first stacks unwind as fast as the
 * rest. The -c command is not running its program yet: it is read at its
 * first stack. */
static void dw_unwind_prepare(struct runtime *rt, const struct fth_runtime_opts *opts)
{
	const struct fth_config *cfg = &rt->prog->config;

	if (rt->prog->dw_seq_map < 0)
		return;
	rt->dwunwind = fth_dwunwind_new();
	rt->dwstacks = fth_dwstacks_new();
	if (!rt->dwunwind)
		return;
	if (opts->watch_pid > 0 && !opts->watch_is_child)
		fth_dwunwind_add_pid(rt->dwunwind, opts->watch_pid);
	for (int i = 0; i < cfg->ndwarf_pids; i++)
		if (fth_dwunwind_add_pid(rt->dwunwind, cfg->dwarf_pids[i]) < 0)
			fth_diag_plain(rt->diag, FTH_SEV_WARNING, NULL,
				       "--dwarf-pid %d: cannot read the process's modules; its dw_ustack stacks will "
				       "show only the address the probe hit",
				       cfg->dwarf_pids[i]);
}

/* Are the dw_ustack values in bytes (of type t) unwound yet? */
static bool dw_stacks_ready(const struct runtime *rt, const struct fth_type *t, const uint8_t *bytes)
{
	uint64_t id;
	int n;

	switch (t->kind) {
	case FTH_T_USTACK:
		memcpy(&id, bytes, 8);
		return !t->stack_dwarf || !id || fth_dwstacks_get(rt->dwstacks, id, &n);
	case FTH_T_TUPLE:
	case FTH_T_STRUCT:
		for (int i = 0; i < t->nfields; i++)
			if (!dw_stacks_ready(rt, t->fields[i].type, bytes + t->fields[i].offset))
				return false;
		return true;
	default:
		return true;
	}
}

static bool hold_record(struct runtime *rt, const void *data, size_t size)
{
	struct pending_record *p;

	p = fth_vec_grow(rt->pending, rt->npending, &rt->pending_cap, sizeof(*p), 16);
	if (!p)
		return false;
	rt->pending = p;
	p = &rt->pending[rt->npending];
	p->data = malloc(size);
	if (!p->data)
		return false;
	memcpy(p->data, data, size);
	p->size = size;
	rt->npending++;
	return true;
}

static int dispatch_record(struct runtime *rt, struct fth_action *a, const uint8_t *data, size_t size);

/* Send on the held records, in order, up to the first whose stacks are
 * still to come; with `all`, every one (what is not unwound by then never
 * will be: its record was lost). */
static void release_held_records(struct runtime *rt, bool all)
{
	int done = 0;

	while (done < rt->npending) {
		struct pending_record *p = &rt->pending[done];
		struct fth_action *a;
		uint64_t id;
		memcpy(&id, p->data, 8);
		a = fth_program_action(rt->prog, (int)id);
		if (!all && a->args && !dw_stacks_ready(rt, a->args, p->data + 8))
			break;
		/* records after an exit() are dropped, as handle_event does */
		if (!rt->discard)
			dispatch_record(rt, a, p->data, p->size);
		free(p->data);
		done++;
	}
	if (done == 0)
		return;
	memmove(rt->pending, rt->pending + done, (size_t)(rt->npending - done) * sizeof(*rt->pending));
	rt->npending -= done;
}

/* The records a poll or consume delivered are all in: a record that
 * printf'd a dw_ustack is committed after the stack's own record (it is
 * filled, and the stack sent, while it is reserved), so a held record
 * whose stack has not come by now never gets it. */
static void after_ring_buffer_read(struct runtime *rt)
{
	if (rt->npending)
		release_held_records(rt, true);
}

/* After a stop signal the probes are gone and the backlog they left is
 * printed, all of it: a line the traced program caused just before Ctrl-C
 * is not lost however slowly the output is read. Only a record that runs
 * a command or reads a file is dropped once a quarter of a second has
 * passed, since a trace that queued thousands of system() calls would
 * take minutes to end; a second Ctrl-C drops the rest (handle_event). */
static bool drain_drops(const struct runtime *rt, const struct fth_action *a)
{
	return a && (a->kind == FTH_ACT_SYSTEM || a->kind == FTH_ACT_CAT) && monotonic_ns() > rt->drain_until_ns;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct runtime *rt = ctx;
	uint64_t id;
	struct fth_action *a;

	/* Records queued after exit() are dropped: otherwise a probe that
	 * fires on fathom's own output (a write tracepoint) would never let
	 * the drain finish. */
	if (size < 8)
		return 0;
	memcpy(&id, data, 8);
	a = fth_program_action(rt->prog, (int)id);
	if (rt->drain_until_ns && *rt->opts->stop > 1)
		rt->discard = true;
	if (rt->drain_until_ns && !rt->discard && drain_drops(rt, a))
		return 0;
	/* Even then a process stopped for its watchpoint must go on, and
	 * the stacks that dw_ustack map keys stand for are unwound: the
	 * events between exit() and the detach wrote those keys, and the
	 * maps print at exit. */
	if (rt->discard && a && a->kind == FTH_ACT_WATCHPOINT_ARM)
		handle_watchpoint_arm(rt, data, size, false);
	if (rt->discard && a && a->kind == FTH_ACT_DW_CAPTURE && (!a->args || size >= 8 + (size_t)a->args->size))
		handle_dw_capture(rt, data, size);
	if (rt->discard)
		return rt->probes_attached ? -ECANCELED : 0;
	/* A record shorter than its action's layout is not ours to decode. */
	if (!a || (a->args && size < 8 + (size_t)a->args->size))
		return 0;
	if (a->kind == FTH_ACT_DW_CAPTURE) {
		handle_dw_capture(rt, data, size);
		release_held_records(rt, false);
		return 0;
	}
	/* A record printing a dw_ustack comes before the stack's own record
	 * (see after_ring_buffer_read): it waits, and what follows waits
	 * behind it to keep the order. */
	if (rt->prog->dw_seq_map >= 0 && (rt->npending || (a->args && !dw_stacks_ready(rt, a->args, (uint8_t *)data + 8))) &&
	    hold_record(rt, data, size))
		return 0;
	return dispatch_record(rt, a, data, size);
}

static int dispatch_record(struct runtime *rt, struct fth_action *a, const uint8_t *data, size_t size)
{
	const uint8_t *args = data + 8;

	if (rt->bench_capture)
		return capture_bench_event(rt, a, args);
	if (rt->test_capture && (a->kind == FTH_ACT_ERRORF || a->kind == FTH_ACT_RUNTIME_ERROR ||
				 a->kind == FTH_ACT_HELPER_ERROR))
		rt->test_errors++;
	switch (a->kind) {
	case FTH_ACT_PRINTF:
		render_format(rt, a, args);
		rt->out.ops->printf(&rt->out, fth_strbuf_cstr(&rt->sb), rt->sb.len);
		break;
	case FTH_ACT_SYSTEM:
		render_format(rt, a, args);
		run_command(rt, fth_strbuf_cstr(&rt->sb));
		break;
	case FTH_ACT_CAT:
		render_format(rt, a, args);
		cat_file(rt, fth_strbuf_cstr(&rt->sb));
		break;
	case FTH_ACT_PRINT_VALUE:
		rt->out.ops->value(&rt->out, a->args->fields[0].type, args + a->args->fields[0].offset);
		break;
	case FTH_ACT_PRINT_MAP:
		print_map_for_action(rt, fth_program_map(rt->prog, a->map), a->top, a->div, true, a);
		break;
	case FTH_ACT_CLEAR:
		clear_map(fth_program_map(rt->prog, a->map));
		break;
	case FTH_ACT_ZERO:
		zero_map(rt, fth_program_map(rt->prog, a->map));
		break;
	case FTH_ACT_TIME:
		print_time(rt, a->text);
		break;
	case FTH_ACT_JOIN:
		print_join(rt, a, args, size);
		break;
	case FTH_ACT_HELPER_ERROR:
		report_helper_error(rt, a, args);
		break;
	case FTH_ACT_ERRORF:
	case FTH_ACT_WARNF:
		report_located(rt, a, args);
		break;
	case FTH_ACT_RUNTIME_ERROR:
		report_runtime_error(rt, a);
		break;
	case FTH_ACT_WATCHPOINT_ARM:
		handle_watchpoint_arm(rt, data, size, rt->probes_attached);
		break;
	case FTH_ACT_UNWATCH:
		handle_unwatch(rt, args);
		break;
	case FTH_ACT_SKBOUTPUT: /* its records come through the perf buffer */
	case FTH_ACT_DW_CAPTURE: /* handled before dispatch */
		break;
	case FTH_ACT_EXIT:
		if (!rt->exiting) {
			rt->exiting = true;
			rt->discard = true;
			if (a->args) {
				int64_t code;
				memcpy(&code, args, 8);
				rt->exit_code = (int)code;
			} else {
				rt->exit_code = a->top;
			}
		}
		break;
	}
	/* A signal must stop a reader that events keep busy - after this
	 * record, which libbpf has already consumed. */
	if (*rt->opts->stop && rt->probes_attached)
		return -ECANCELED;
	return 0;
}

/* Lost records: the BPF side counts every failed ring-buffer reservation
 * in the per-CPU fth_lost counter; each new loss is reported once, as
 * bpftrace does between polls ("Lost N events" on stderr, or a
 * lost_events JSON message). */
/* fth_lost's counters (FTH_LOST_*), read from its memory mapping; only if
 * the mapping failed, with a lookup.  Polled on every loop iteration, so
 * no syscall on the normal path. */
static uint64_t lost_counter(struct runtime *rt, uint32_t slot)
{
	const struct fth_map *m = fth_program_map(rt->prog, rt->prog->lost_map);
	uint64_t v = 0;

	if (rt->counters)
		return __atomic_load_n(&rt->counters[slot], __ATOMIC_RELAXED);
	if (m && m->fd >= 0 && bpf_map_lookup_elem(m->fd, &slot, &v))
		v = 0;
	return v;
}

static void counters_map(struct runtime *rt)
{
	const struct fth_map *m = fth_program_map(rt->prog, rt->prog->lost_map);
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (!m || m->fd < 0 || page <= 0)
		return;
	rt->counters_size = ((size_t)FTH_LOST_SLOTS * 8 + (size_t)page - 1) & ~((size_t)page - 1);
	p = mmap(NULL, rt->counters_size, PROT_READ, MAP_SHARED, m->fd, 0);
	rt->counters = p == MAP_FAILED ? NULL : p;
}

static void counters_unmap(struct runtime *rt)
{
	if (rt->counters)
		munmap((void *)rt->counters, rt->counters_size);
	rt->counters = NULL;
}

/* Elements dropped because a map was full: said once, with the fix. */
static void report_map_full(struct runtime *rt)
{
	if (rt->map_full_reported || !lost_counter(rt, FTH_LOST_MAP_FULL))
		return;
	/* bpftrace's words; fathom counts the drops instead of sending a
	 * record per failed update, so it says so once, without a location. */
	fth_diag_plain(rt->diag, FTH_SEV_WARNING, NULL,
		       "Map full; can't update element. Try increasing max_map_keys config or manually "
		       "setting the max entries in a map declaration e.g. `let @a = hash(5000)`");
	rt->map_full_reported = true;
}

static void report_lost(struct runtime *rt)
{
	uint64_t total = lost_counter(rt, FTH_LOST_EVENTS);

	if (total > rt->lost_reported) {
		rt->out.ops->lost_events(&rt->out, total - rt->lost_reported);
		rt->lost_reported = total;
	}
	report_map_full(rt);
}

/* Did a program call exit() whose record the ring buffer had no room for?
 * (codegen.c raises a flag beside the record.) Then end the run as the
 * record would have, with its exit code. */
static void check_exit_flag(struct runtime *rt, struct ring_buffer *rb)
{
	uint64_t flag;

	if (rt->exiting || !(flag = lost_counter(rt, FTH_LOST_EXIT)))
		return;
	/* What was sent before exit() is printed first. */
	ring_buffer__consume(rb);
	if (!rt->exiting) {
		rt->exiting = true;
		rt->discard = true;
		rt->exit_code = (int32_t)(uint32_t)flag;
	}
}

/* --------------------------------------------------------- event buffers */

/* The ring buffer and, with skboutput(), the perf buffer and the epoll
 * set over both (rt->wait_fd) that the loop waits on. 0, or -1 reported
 * with everything closed again. */
static int open_event_buffers(struct runtime *rt, struct ring_buffer **rb)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fds[2];

	rt->wait_fd = -1;
	*rb = ring_buffer__new(fth_program_map(rt->prog, rt->prog->events_map)->fd, handle_event, rt, NULL);
	if (!*rb) {
		int err = errno;
		fth_diag_plain(rt->diag, FTH_SEV_ERROR, fth_buffer_refused_hint(err), "cannot open the event ring buffer: %s",
			       strerror(err));
		return -1;
	}
	if (fth_skb_capture_open(&rt->skb, rt->prog, rt->diag) < 0) {
		ring_buffer__free(*rb);
		return -1;
	}
	fds[0] = ring_buffer__epoll_fd(*rb);
	fds[1] = fth_skb_capture_epoll_fd(&rt->skb);
	if (fds[1] < 0)
		return 0;
	rt->wait_fd = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 0; i < 2 && rt->wait_fd >= 0; i++) {
		if (epoll_ctl(rt->wait_fd, EPOLL_CTL_ADD, fds[i], &ev) < 0) {
			int err = errno;
			close(rt->wait_fd);
			rt->wait_fd = -1;
			errno = err;
		}
	}
	if (rt->wait_fd < 0) {
		int err = errno;
		fth_diag_plain(rt->diag, FTH_SEV_ERROR, fth_fd_limit_hint(err), "cannot wait for events: %s", strerror(err));
		fth_skb_capture_close(&rt->skb);
		ring_buffer__free(*rb);
		return -1;
	}
	return 0;
}

static void close_event_buffers(struct runtime *rt, struct ring_buffer *rb)
{
	ring_buffer__free(rb);
	fth_skb_capture_close(&rt->skb);
	if (rt->wait_fd >= 0)
		close(rt->wait_fd);
	rt->wait_fd = -1;
}

/* Everything both buffers hold, handled now. */
static int consume_events(struct runtime *rt, struct ring_buffer *rb)
{
	int err = ring_buffer__consume(rb);

	after_ring_buffer_read(rt);
	fth_skb_capture_consume(&rt->skb);
	return err;
}

/* Wait up to timeout_ms for records in either buffer, then handle them. */
static int poll_events(struct runtime *rt, struct ring_buffer *rb, int timeout_ms)
{
	struct epoll_event ev[2];

	if (rt->wait_fd < 0) {
		int err = ring_buffer__poll(rb, timeout_ms);

		after_ring_buffer_read(rt);
		return err;
	}
	if (epoll_wait(rt->wait_fd, ev, 2, timeout_ms) < 0)
		return -errno;
	return consume_events(rt, rb);
}

/* ------------------------------------------------------------- lifecycle */

/* An exited process its parent has not reaped yet: it runs no more. */
static bool is_zombie(int pid)
{
	char path[64], buf[512];
	const char *state;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	state = strrchr(buf, ')');
	return state && state[1] == ' ' && state[2] == 'Z';
}

/* -p / -c: has the traced process ended? */
static bool watched_process_gone(const struct fth_runtime_opts *opts)
{
	if (opts->watch_is_child)
		return waitpid(opts->watch_pid, NULL, WNOHANG) == opts->watch_pid;
	return (kill(opts->watch_pid, 0) < 0 && errno == ESRCH) || is_zombie(opts->watch_pid);
}

/* Probes in user space, or any stack: ustack and usym values may come. */
static bool uses_user_symbols(const struct fth_program *prog)
{
	if (prog->stack_map >= 0 || prog->dw_seq_map >= 0)
		return true;
	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = prog->progs.items[i];
		if (p->inst->user_space)
			return true;
	}
	return false;
}

static bool is_signal_probe(const struct fth_prog *p)
{
	return !strcmp(p->inst->provider->name, "self");
}

/* Only BEGIN/END: nothing can happen once BEGIN has run. A signal probe
 * waits for its signal as an attached probe waits for its event. */
static bool only_special_probes(const struct fth_program *prog)
{
	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = prog->progs.items[i];
		if (p->inst->provider->attach || is_signal_probe(p))
			return false;
	}
	return true;
}

static void run_specials(struct runtime *rt, const char *which)
{
	for (int i = 0; i < rt->prog->progs.len; i++) {
		struct fth_prog *p = rt->prog->progs.items[i];
		int err;

		if (strcmp(p->inst->provider->name, which))
			continue;
		/* The kernel runs it right here; a refusal must not pass as a
		 * probe that printed nothing. */
		err = fth_probe_run_special(p->fd);
		if (err)
			fth_diag_plain(rt->diag, FTH_SEV_ERROR,
				       "BEGIN, END and self probes run with BPF_PROG_TEST_RUN, which the kernel must allow "
				       "for raw tracepoint programs (Linux 5.10 or later)",
				       "the kernel did not run the %s probe: %s", p->inst->name, strerror(-err));
	}
}

/* A bench:NAME or test:NAME probe (provider "bench" or "test"). */
static bool is_kind(const struct fth_prog *p, const char *provider)
{
	return !strcmp(p->inst->provider->name, provider);
}

static int count_kind(const struct fth_program *prog, const char *provider)
{
	int n = 0;

	for (int i = 0; i < prog->progs.len; i++)
		n += is_kind(prog->progs.items[i], provider);
	return n;
}

/* The NAMEs of the provider's probes in program order (*n of them), or
 * NULL when out of memory. free() the array. */
static const char **kind_names(const struct fth_program *prog, const char *provider, int *n)
{
	const char **names;
	int k = 0;

	*n = count_kind(prog, provider);
	names = calloc((size_t)(*n ? *n : 1), sizeof(*names));
	if (!names)
		return NULL;
	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = prog->progs.items[i];
		if (is_kind(p, provider))
			names[k++] = p->inst->name + strlen(provider) + 1;
	}
	return names;
}

/* The next repeat count of a benchmark whose `iters` runs took total_ns
 * together, as bpftrace grows it (x1000 under 1 us, x100 under 10 us,
 * x10 under 100 us, x2 under 1 ms); 0 once the runs took 1 ms. */
static uint64_t next_bench_iters(uint64_t iters, uint64_t total_ns)
{
	uint64_t factor = total_ns < 1000 ? 1000 : total_ns < 10000 ? 100 : total_ns < 100000 ? 10 : 2;

	if (total_ns >= 1000000)
		return 0;
	/* the kernel takes a 32-bit repeat count */
	return iters * factor > UINT32_MAX ? UINT32_MAX : iters * factor;
}

/* One benchmark: its program runs `iters` times in a row, iters growing
 * until the runs take 1 ms together; then its result is printed. A
 * program that returns non-zero skips itself; one that calls errorf()
 * or exit() with a non-zero code fails (an error, exit status 1). */
static int run_benchmark(struct runtime *rt, struct ring_buffer *rb, const struct fth_prog *p,
			 const char *const *names, int n, int index)
{
	uint64_t iters = 1, next;
	uint32_t retval, avg_ns;
	int err;

	for (;;) {
		rt->bench_capture = true;
		rt->bench_errors = 0;
		err = fth_probe_run_bench(p->fd, (uint32_t)iters, &retval, &avg_ns);
		ring_buffer__consume(rb);
		rt->bench_capture = false;
		if (err) {
			fth_diag_plain(rt->diag, FTH_SEV_ERROR, "the kernel must allow BPF_PROG_TEST_RUN of XDP programs",
				       "bpf_prog_test_run_opts failed: %d", err);
			return -1;
		}
		if (rt->exit_code == 0 && retval != 0)
			return 0;
		next = next_bench_iters(iters, (uint64_t)avg_ns * iters);
		if (next == iters || !next)
			break;
		iters = next;
	}
	if (rt->exit_code != 0 || rt->bench_errors) {
		fth_diag_plain(rt->diag, FTH_SEV_ERROR, NULL, "Benchmark '%s' failed.", names[index]);
		rt->exit_code = 0;
		return 1;
	}
	rt->out.ops->benchmark_result(&rt->out, names, n, index, avg_ns, iters);
	return 0;
}

/* --bench: every bench:NAME probe in program order, named by NAME. The
 * records BEGIN left in the ring buffer are drained with the first
 * benchmark's, unprinted, as in bpftrace. Returns 1 when one failed. */
static int run_benchmarks(struct runtime *rt, struct ring_buffer *rb)
{
	int n, failed = 0, rc;
	const char **names = kind_names(rt->prog, "bench", &n);

	if (!names)
		return 1;
	for (int i = 0, index = 0; i < rt->prog->progs.len; i++) {
		const struct fth_prog *p = rt->prog->progs.items[i];
		if (!is_kind(p, "bench"))
			continue;
		rc = run_benchmark(rt, rb, p, names, n, index++);
		if (rc < 0) {
			failed = 1;
			break;
		}
		failed |= rc;
	}
	free(names);
	return failed;
}

/* One test: its program runs once while everything it prints (and the
 * errors it reports) goes, as text, to a capture; it passes when it
 * returns 0, calls no exit() with a non-zero code and reports no error
 * (errorf(), a failed helper, a run-time check), as in bpftrace. Returns
 * 0 (passed), 1 (failed) or -1 (it could not run). */
static int run_test(struct runtime *rt, struct ring_buffer *rb, const struct fth_prog *p,
		    const char *const *names, int n, int index, bool *passed)
{
	struct fth_output saved = rt->out;
	FILE *saved_diag = rt->diag->out;
	int saved_errors = rt->diag->errors, saved_warnings = rt->diag->warnings;
	uint32_t retval = 0, duration_ns = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *capture = open_memstream(&text, &len);
	int err;

	if (!capture)
		return -1;
	fth_output_init(&rt->out, &fth_output_text, capture, capture, &rt->env);
	rt->diag->out = capture;
	rt->test_capture = true;
	rt->test_errors = 0;
	err = fth_probe_run_bench(p->fd, 1, &retval, &duration_ns);
	ring_buffer__consume(rb);
	rt->test_capture = false;
	fth_output_free(&rt->out);
	rt->out = saved;
	rt->diag->out = saved_diag;
	rt->diag->errors = saved_errors;
	rt->diag->warnings = saved_warnings;
	fclose(capture);
	if (err) {
		free(text);
		fth_diag_plain(rt->diag, FTH_SEV_ERROR, "the kernel must allow BPF_PROG_TEST_RUN of XDP programs",
			       "bpf_prog_test_run_opts failed: %d", err);
		return -1;
	}
	passed[index] = retval == 0 && rt->exit_code == 0 && rt->test_errors == 0;
	rt->out.ops->test_result(&rt->out, names, n, index, duration_ns, passed, text ? text : "");
	free(text);
	/* each test starts afresh: an exit() ends only its own run */
	rt->exit_code = 0;
	rt->exiting = false;
	rt->discard = false;
	return passed[index] ? 0 : 1;
}

/* --test: every test:NAME probe in program order, named by NAME. The
 * records BEGIN left in the ring buffer are captured with the first
 * test's, as in bpftrace. Returns 1 when one failed. */
static int run_tests(struct runtime *rt, struct ring_buffer *rb)
{
	int n, failed = 0, rc = 0;
	const char **names = kind_names(rt->prog, "test", &n);
	bool *passed = calloc((size_t)(n ? n : 1), sizeof(*passed));

	for (int i = 0, index = 0; names && passed && rc >= 0 && i < rt->prog->progs.len; i++) {
		const struct fth_prog *p = rt->prog->progs.items[i];
		if (!is_kind(p, "test"))
			continue;
		rc = run_test(rt, rb, p, names, n, index++, passed);
		failed |= rc != 0;
	}
	if (!names || !passed)
		failed = 1;
	free(names);
	free(passed);
	return failed;
}

/* Probes that run in the mode: bench probes only with --bench, test
 * probes only with --test, and the rest only when tracing (BEGIN and END
 * always). */
static int running_probe_count(const struct fth_program *prog, enum fth_run_mode mode)
{
	int n = prog->progs.len;

	if (mode != FTH_RUN_BENCH)
		n -= count_kind(prog, "bench");
	if (mode != FTH_RUN_TEST)
		n -= count_kind(prog, "test");
	return n;
}

static int compare_map_names(const void *a, const void *b)
{
	const struct fth_map *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* The end of the run: the backend's end-of-run mark (text: "\n\n", written
 * even when there are no maps, as bpftrace does), then every user map in
 * byte order of its name: @ < @Z < @_x < @a. */
static void print_all_maps(struct runtime *rt)
{
	struct fth_map **maps = calloc((size_t)(rt->prog->maps.len ? rt->prog->maps.len : 1), sizeof(*maps));
	int n = 0;

	if (!maps)
		return;
	for (int i = 0; i < rt->prog->maps.len; i++) {
		struct fth_map *m = rt->prog->maps.items[i];
		if (m->internal || !m->value_type || m->fd < 0)
			continue;
		maps[n++] = m;
	}
	rt->out.ops->end(&rt->out);
	qsort(maps, (size_t)n, sizeof(*maps), compare_map_names);
	for (int i = 0; i < n; i++)
		print_map(rt, maps[i], 0, 0, false);
	free(maps);
}

/* The "Attached N probes" count: one per program, except that the
 * locations of one usdt probe (a marker gcc inlined or repeated) that one
 * attach point expanded to count once, as bpftrace counts
 * usdt:PATH:PROVIDER:NAME; the same probe in two blocks counts twice.
 * nprogs: the programs that count (bench probes only with --bench). */
static int attached_probe_count(const struct fth_program *prog, const struct fth_loader *ld, int nprogs)
{
	int n = nprogs - ld->skipped;

	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_probe_inst *inst = fth_program_prog(prog, i)->inst;
		/* the uprobe that arms a watchpoint: the watchpoint counts */
		if (inst && inst->wp_setup_for)
			n--;
		if (!inst || inst->provider != &fth_provider_usdt || !inst->name)
			continue;
		for (int j = 0; j < i; j++) {
			const struct fth_probe_inst *other = fth_program_prog(prog, j)->inst;
			if (other && other->provider == &fth_provider_usdt && other->attach == inst->attach &&
			    other->name && !strcmp(other->name, inst->name)) {
				n--;
				break;
			}
		}
	}
	return n;
}

static void pin_iterator(struct runtime *rt, const struct fth_probe_inst *inst, const struct fth_attachment *att)
{
	char err[512];

	if (fth_probe_pin_iter(inst, att, err, sizeof(err)) < 0) {
		fth_diag_plain(rt->diag, FTH_SEV_ERROR, "the pin's directory must exist on a BPF file system (bpffs), "
			       "and the pin must not exist yet", "%s", err);
		rt->exit_code = 1;
		return;
	}
	fprintf(stdout, "Program pinned to %s\n", inst->pin_path);
	fflush(stdout);
}

/* Whether some printf, system or cat format has a %gr. */
static bool uses_gfp_names(const struct fth_program *prog)
{
	for (int i = 0; i < prog->actions.len; i++) {
		const struct fth_action *a = prog->actions.items[i];
		const struct fth_printf_format *f = &a->format;
		for (int j = 0; j < f->nspecs; j++)
			if (f->specs[j].conv == FTH_CONV_GFP)
				return true;
	}
	return false;
}

/* %gr's names from the running kernel's enum of ___GFP_<NAME>_BIT, so
 * that they fit its version and config; gfp.h's default layout when its
 * BTF has no such enum (kernels before 6.10). Built here, before any
 * event, so no thread builds a table while another reads it. */
static const struct fth_gfp_names *load_gfp_names(struct runtime *rt)
{
	static const char prefix[] = "___GFP_", suffix[] = "_BIT";
	struct fth_btf *btf = fth_program_btf(rt->prog);
	const struct fth_enum *def;
	struct fth_type *et;
	const char *names[FTH_GFP_MAX_FLAGS];
	int bits[FTH_GFP_MAX_FLAGS], n = 0;
	int64_t value;

	et = btf ? fth_btf_enumerator(btf, &rt->prog->arena, "___GFP_DMA_BIT", &value) : NULL;
	if (!et || !et->enum_def)
		return fth_gfp_names_default();
	def = et->enum_def;
	for (int i = 0; i < def->count && n < FTH_GFP_MAX_FLAGS; i++) {
		const char *name = def->names[i];
		size_t len = strlen(name);

		if (strncmp(name, prefix, strlen(prefix)) || len <= strlen(prefix) + strlen(suffix) ||
		    strcmp(name + len - strlen(suffix), suffix) || def->values[i] < 0 || def->values[i] >= 64)
			continue;
		names[n] = fth_arena_printf(&rt->prog->arena, "%.*s", (int)(len - strlen(prefix) - strlen(suffix)),
					    name + strlen(prefix));
		bits[n++] = (int)def->values[i];
	}
	fth_gfp_names_build(&rt->gfp, names, bits, n);
	return &rt->gfp;
}

int fth_runtime_run(struct fth_program *prog, struct fth_loader *ld, struct fth_diag *diag,
		    const struct fth_runtime_opts *opts)
{
	struct runtime rt = { .prog = prog, .diag = diag, .opts = opts };
	struct fth_iter_thread iter_thread = { 0 };
	struct ring_buffer *rb;
	int err, iter, nattached, run_failed = 0;
	bool trace = opts->mode == FTH_RUN_TRACE;

	rt.ncpus = libbpf_num_possible_cpus();
	rt.env.ud = &rt;
	rt.env.special = format_special;
	rt.env.trunc_trailer = prog->config.str_trunc_trailer;
	rt.env.scratch = &rt.scratch;
	if (uses_gfp_names(prog))
		rt.env.gfp = load_gfp_names(&rt);
	counters_map(&rt);
	if (open_event_buffers(&rt, &rb) < 0) {
		counters_unmap(&rt);
		return 1;
	}
	/* Bench and test probes run (and count) only in their mode. */
	nattached = running_probe_count(prog, opts->mode);
	if (nattached == 0) {
		if (count_kind(prog, "test"))
			fth_diag_plain(diag, FTH_SEV_ERROR, "add --test to run them",
				       "No probes attached; use --test to run test probes.");
		else
			fth_diag_plain(diag, FTH_SEV_ERROR, "add --bench to run them",
				       "No probes attached; use --bench to run benchmark probes.");
		close_event_buffers(&rt, rb);
		counters_unmap(&rt);
		return 1;
	}
	fth_strbuf_init(&rt.sb);
	dw_unwind_prepare(&rt, opts);
	fth_output_init(&rt.out, opts->output, opts->out ? opts->out : stdout, stderr, &rt.env);
	/* BEGIN runs before any other probe can fire, so a header it prints
	 * comes first; its records wait in the ring buffer until the loop. */
	run_specials(&rt, "BEGIN");
	/* User stacks and symbols may belong to processes that are gone by
	 * the time they are printed: follow mappings from before the probes
	 * (and the -c command) start. */
	if (trace && uses_user_symbols(prog) && (rt.usyms = fth_usyms_new()))
		fth_usyms_follow_mappings(rt.usyms);
	/* --bench and --test run their probes instead of attaching any. */
	err = trace ? fth_loader_attach(ld) : 0;
	if (err) {
		close_event_buffers(&rt, rb);
		fth_usyms_free(rt.usyms);
		fth_dwunwind_free(rt.dwunwind);
		fth_dwstacks_free(rt.dwstacks);
		free(rt.pending);
		fth_output_free(&rt.out);
		fth_strbuf_free(&rt.sb);
		counters_unmap(&rt);
		return 1;
	}
	if (opts->mode == FTH_RUN_BENCH)
		run_failed = run_benchmarks(&rt, rb);
	else if (opts->mode == FTH_RUN_TEST)
		run_failed = run_tests(&rt, rb);
	else if (!opts->quiet)
		rt.out.ops->attached_probes(&rt.out, attached_probe_count(prog, ld, nattached));
	/* bpftrace's test harness waits for this line: on stdout even with
	 * -o FILE, once, after the probes are attached. */
	if (opts->notify_attached) {
		fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stdout);
		fflush(stdout);
	}
	rt.probes_attached = true;
	/* -c: the command runs only now that every probe is attached. */
	if (opts->child_fd >= 0) {
		if (write(opts->child_fd, "g", 1) != 1)
			fth_diag_plain(diag, FTH_SEV_WARNING, NULL, "cannot start the command: %s", strerror(errno));
		close(opts->child_fd);
	}
	consume_events(&rt, rb);
	/* A script of only BEGIN/END probes has nothing to wait for, nor
	 * has a --bench or --test run. */
	if (!trace || only_special_probes(prog))
		rt.exiting = true;
	/* An iter probe runs when its iterator is read: a thread reads it
	 * while this one prints what the program sends, then the run ends. */
	iter = rt.exiting ? -1 : fth_probe_find_iter(prog);
	/* A pinned iterator runs whenever its pin is read, long after this
	 * run: pin it and end, as bpftrace does. */
	if (iter >= 0 && fth_program_prog(prog, iter)->inst->pin_path) {
		pin_iterator(&rt, fth_program_prog(prog, iter)->inst, &ld->attachments[iter]);
		iter = -1;
		rt.exiting = true;
	}
	if (iter >= 0 && (err = fth_probe_iter_start(&iter_thread, &ld->attachments[iter])) < 0) {
		fth_diag_plain(diag, FTH_SEV_ERROR, fth_fd_limit_hint(-err), "cannot start the iterator: %s",
			       strerror(-err));
		iter = -1;
		rt.exiting = true;
		rt.exit_code = 1;
	}
	while (!rt.exiting && !*opts->stop) {
		/* SIGUSR1 arrived (it also cut the last poll short) */
		if (opts->sigusr1 && *opts->sigusr1) {
			*opts->sigusr1 = 0;
			run_specials(&rt, "self");
		}
		report_lost(&rt);
		check_exit_flag(&rt, rb);
		if (rt.exiting)
			break;
		err = poll_events(&rt, rb, iter >= 0 ? 20 : 200);
		if (err < 0 && err != -EINTR && err != -ECANCELED)
			break;
		fth_usyms_poll(rt.usyms);
		if (rt.dwstacks)
			fold_dw_keys(&rt);
		if (opts->watch_pid > 0 && watched_process_gone(opts)) {
			consume_events(&rt, rb);
			break;
		}
		if (iter >= 0 && atomic_load(&iter_thread.done)) {
			consume_events(&rt, rb);
			break;
		}
	}
	if (iter >= 0 && (err = fth_probe_iter_join(&iter_thread)) < 0) {
		fth_diag_plain(diag, FTH_SEV_ERROR, NULL, "reading %s failed: %s",
			       fth_program_prog(prog, iter)->inst->name, strerror(-err));
		rt.exit_code = 1;
	}
	/* Detach the probes before END, then drain what they left. After
	 * exit() the backlog is dropped, as bpftrace does. After a stop
	 * signal it is printed (drain_drops says what is not). */
	fth_attachments_close_all(ld->attachments, prog->progs.len);
	close_armed_watchpoints(&rt);
	rt.probes_attached = false;
	rt.discard = rt.exiting;
	if (*opts->stop && !rt.exiting)
		rt.drain_until_ns = monotonic_ns() + 250000000u;
	consume_events(&rt, rb);
	rt.drain_until_ns = 0;
	rt.exiting = true;
	rt.discard = false;
	run_specials(&rt, "END");
	consume_events(&rt, rb);
	report_lost(&rt);
	/* The per-poll messages may scroll by in a busy trace: the total goes
	 * to stderr as well, as bpftrace does. */
	if (rt.lost_reported > 0)
		fth_diag_plain(diag, FTH_SEV_WARNING, NULL, "Total lost event count: %llu",
			       (unsigned long long)rt.lost_reported);
	fth_usyms_poll(rt.usyms);
	/* the end-of-run mark comes even when no maps follow */
	if (prog->config.print_maps_on_exit && trace)
		print_all_maps(&rt);
	else
		rt.out.ops->end(&rt.out);
	if (run_failed && !rt.exit_code)
		rt.exit_code = 1;
	close_event_buffers(&rt, rb);
	fth_ksyms_free(rt.ksyms);
	fth_usyms_free(rt.usyms);
	fth_dwunwind_free(rt.dwunwind);
	fth_dwstacks_free(rt.dwstacks);
	free(rt.pending);
	fth_output_free(&rt.out);
	fth_strbuf_free(&rt.sb);
	fth_strbuf_free(&rt.scratch);
	counters_unmap(&rt);
	return rt.exit_code;
}

/* ------------------------------------------------------ --info report */

/* Each check is 1 (yes), 0 (no) or -1 (could not tell, e.g. no root). */
static const char *yes_no(int r)
{
	return r > 0 ? "yes" : r == 0 ? "no" : "unknown";
}

static int probe_result(int libbpf_ret)
{
	return libbpf_ret > 0 ? 1 : libbpf_ret == 0 ? 0 : -1;
}

/* More than 4096 instructions: the 1M instruction limit of kernel 5.2+
 * (BPF_COMPLEXITY_LIMIT_INSNS) instead of the old BPF_MAXINSNS. */
static int probe_large_programs(void)
{
	size_t n = 4097 + 1;
	struct bpf_insn *insns = calloc(n, sizeof(*insns));
	int r;

	if (!insns)
		return -1;
	for (size_t i = 0; i + 1 < n; i++)
		insns[i] = I_MOV64_IMM(R0, 0);
	insns[n - 1] = I_EXIT();
	r = fth_try_load(BPF_PROG_TYPE_TRACEPOINT, insns, n, NULL);
	free(insns);
	return r;
}

/* A bounded loop (kernel 5.3+): a backward jump the verifier must walk. */
static int probe_loops(void)
{
	const struct bpf_insn insns[] = {
		I_MOV64_IMM(R0, 0),
		I_ALU64_IMM(BPF_ADD, R0, 1),
		I_JMP_IMM(BPF_JLT, R0, 4, -2),
		I_MOV64_IMM(R0, 0),
		I_EXIT(),
	};

	return fth_try_load(BPF_PROG_TYPE_TRACEPOINT, insns, sizeof(insns) / sizeof(insns[0]), NULL);
}

/* BEGIN/END: a raw tracepoint program run once with BPF_PROG_TEST_RUN. */
static int probe_test_run(void)
{
	const struct bpf_insn insns[] = { I_MOV64_IMM(R0, 0), I_EXIT() };
	int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL, "GPL", insns, 2, NULL);
	int r;

	if (fd < 0)
		return fth_probe_refused(fd);
	r = fth_probe_run_special(fd) == 0;
	close(fd);
	return r;
}

/* bpf_d_path is only for fentry/fexit programs on an allow-list of
 * functions, so it is probed as bpftrace does: an fentry program on
 * dentry_open that calls it. */
static int probe_d_path(void)
{
	const struct bpf_insn insns[] = {
		I_LDX(BPF_DW, R1, R1, 0), /* the struct path * argument */
		I_MOV64_REG(R2, R10),
		I_ALU64_IMM(BPF_ADD, R2, -8),
		I_ST_IMM(BPF_DW, R10, -8, 0),
		I_MOV64_IMM(R3, 8),
		I_CALL(BPF_FUNC_d_path),
		I_MOV64_IMM(R0, 0),
		I_EXIT(),
	};

	return fth_try_load_tracing(insns, sizeof(insns) / sizeof(insns[0]), "dentry_open", BPF_TRACE_FENTRY);
}

/* skboutput(): bpf_skb_output is for BPF_PROG_TYPE_TRACING programs and
 * wants the kernel's own sk_buff, so the probe is the kind of program
 * skboutput() makes: a tp_btf program on net_dev_queue passing its skb
 * argument, and a perf event array. */
static int probe_skb_output(void)
{
	const struct bpf_insn insns[] = {
		I_LDX(BPF_DW, R1, R1, 0), /* the struct sk_buff * argument */
		I_ST_IMM(BPF_DW, R10, -8, 0),
		fth_insn(BPF_LD | BPF_DW | BPF_IMM, R2, BPF_PSEUDO_MAP_FD, 0, 0), /* imm: the map's fd */
		fth_insn(0, 0, 0, 0, 0),
		I_ALU32_IMM(BPF_MOV, R3, -1), /* BPF_F_CURRENT_CPU, no packet bytes */
		I_MOV64_REG(R4, R10),
		I_ALU64_IMM(BPF_ADD, R4, -8),
		I_MOV64_IMM(R5, 8),
		I_CALL(BPF_FUNC_skb_output),
		I_MOV64_IMM(R0, 0),
		I_EXIT(),
	};
	struct bpf_insn code[sizeof(insns) / sizeof(insns[0])];
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP);
	int id = libbpf_find_vmlinux_btf_id("net_dev_queue", BPF_TRACE_RAW_TP);
	int map, r;

	if (id < 0)
		return 0; /* no BTF, or no such tracepoint: no tp_btf program to ask */
	map = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, NULL, 4, 4, 1, NULL);
	if (map < 0)
		return fth_probe_refused(map);
	memcpy(code, insns, sizeof(insns));
	code[2].imm = map;
	opts.attach_btf_id = (__u32)id;
	r = fth_try_load(BPF_PROG_TYPE_TRACING, code, sizeof(code) / sizeof(code[0]), &opts);
	close(map);
	return r;
}

/* BPF_PROG_TYPE_TRACING (fentry, tp_btf, iterators): libbpf's generic
 * probe of this type depends on the wording of a verifier message, so load
 * a real fentry program instead. */
static int probe_tracing(void)
{
	const struct bpf_insn insns[] = { I_MOV64_IMM(R0, 0), I_EXIT() };

	return fth_try_load_tracing(insns, 2, "dentry_open", BPF_TRACE_FENTRY);
}

static int probe_prog_type(enum bpf_prog_type type)
{
	if (type == BPF_PROG_TYPE_TRACING)
		return probe_tracing();
	return probe_result(libbpf_probe_bpf_prog_type(type, NULL));
}

/* Batched map lookups (kernel 5.6+): an empty map answers ENOENT. */
static int probe_map_batch(void)
{
	uint32_t keys[1], values[1], count = 1, out_batch;
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 4, 1, NULL);
	int r;

	if (fd < 0)
		return fth_probe_refused(fd);
	r = bpf_map_lookup_batch(fd, NULL, &out_batch, keys, values, &count, NULL);
	close(fd);
	return r == 0 || r == -ENOENT;
}

static int probe_btf(void)
{
	struct btf *btf = btf__load_vmlinux_btf();

	if (!btf)
		return 0;
	btf__free(btf);
	return 1;
}

/* Modules with their own BTF: /sys/kernel/btf holds more than vmlinux. */
static int probe_module_btf(void)
{
	DIR *d = opendir("/sys/kernel/btf");
	struct dirent *e;
	int r = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux"))
			r = 1;
	closedir(d);
	return r;
}

/* Whether this process may load BPF programs at all: libbpf's helper and
 * map probes cannot tell "not permitted" from "supported"/"missing". */
static int probe_bpf_allowed(void)
{
	const struct bpf_insn insns[] = { I_MOV64_IMM(R0, 0), I_EXIT() };
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, NULL, "GPL", insns, 2, NULL);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return fd == -EPERM || fd == -EACCES ? -1 : 1;
}

/* Where tracefs is mounted, without mounting it (fth_tracefs_path would):
 * a report should not change the system. */
static const char *tracefs_mounted(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[64];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (access(path, F_OK) == 0)
			return dirs[i];
	}
	return NULL;
}

static void info_line(FILE *out, const char *name, const char *value)
{
	fprintf(out, "  %s: %s\n", name, value);
}

int fth_runtime_info(FILE *out)
{
	static const struct {
		const char *name;
		enum bpf_func_id id;
	} helpers[] = {
		{ "probe_read", BPF_FUNC_probe_read },
		{ "probe_read_str", BPF_FUNC_probe_read_str },
		{ "probe_read_user", BPF_FUNC_probe_read_user },
		{ "probe_read_user_str", BPF_FUNC_probe_read_user_str },
		{ "probe_read_kernel", BPF_FUNC_probe_read_kernel },
		{ "probe_read_kernel_str", BPF_FUNC_probe_read_kernel_str },
		{ "get_current_cgroup_id", BPF_FUNC_get_current_cgroup_id },
		{ "send_signal", BPF_FUNC_send_signal },
		{ "override_return", BPF_FUNC_override_return },
		{ "get_boot_ns", BPF_FUNC_ktime_get_boot_ns },
		{ "get_tai_ns", BPF_FUNC_ktime_get_tai_ns },
		{ "get_func_ip", BPF_FUNC_get_func_ip },
		{ "lookup_percpu_elem", BPF_FUNC_map_lookup_percpu_elem },
		{ "get_stackid", BPF_FUNC_get_stackid },
		{ "ringbuf_reserve", BPF_FUNC_ringbuf_reserve },
	};
	static const struct {
		const char *name;
		enum bpf_map_type type;
	} map_types[] = {
		{ "hash", BPF_MAP_TYPE_HASH },
		{ "percpu hash", BPF_MAP_TYPE_PERCPU_HASH },
		{ "array", BPF_MAP_TYPE_ARRAY },
		{ "percpu array", BPF_MAP_TYPE_PERCPU_ARRAY },
		{ "stack_trace", BPF_MAP_TYPE_STACK_TRACE },
		{ "perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY },
		{ "ringbuf", BPF_MAP_TYPE_RINGBUF },
	};
	struct utsname uts;
	const struct fth_provider *const *providers;
	int nproviders, test_run, large, allowed = probe_bpf_allowed();
	const char *tracefs = tracefs_mounted();

	if (allowed < 0)
		fprintf(stderr, "WARNING: this process may not load BPF programs: kernel features show as "
				"unknown (run as root)\n");

	if (uname(&uts) == 0) {
		fprintf(out, "System\n");
		fprintf(out, "  OS: %s %s %s\n", uts.sysname, uts.release, uts.version);
		info_line(out, "Arch", uts.machine);
		fputc('\n', out);
	}

	fprintf(out, "Build\n");
	info_line(out, "version", "v" FATHOM_VERSION);
	info_line(out, "libbpf", libbpf_version_string());
	info_line(out, "code generation", "BPF instructions, built in (no LLVM)");
	fputc('\n', out);

	fprintf(out, "Kernel helpers\n");
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		info_line(out, helpers[i].name,
			  yes_no(allowed < 0 ? -1
					     : probe_result(libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, helpers[i].id,
										    NULL))));
	info_line(out, "dpath", yes_no(probe_d_path()));
	info_line(out, "skboutput", yes_no(allowed < 0 ? -1 : probe_skb_output()));
	fputc('\n', out);

	fprintf(out, "Kernel features\n");
	large = probe_large_programs();
	info_line(out, "Instruction limit", large > 0 ? "1000000" : large == 0 ? "4096" : "unknown");
	info_line(out, "Loop support", yes_no(probe_loops()));
	info_line(out, "btf", yes_no(probe_btf()));
	info_line(out, "module btf", yes_no(probe_module_btf()));
	info_line(out, "map batch", yes_no(probe_map_batch()));
	info_line(out, "fentry (BPF_PROG_TYPE_TRACING)", yes_no(probe_tracing()));
	test_run = probe_test_run();
	info_line(out, "BPF_PROG_TEST_RUN of raw tracepoints (BEGIN/END)", yes_no(test_run));
	info_line(out, "tracefs", tracefs ? tracefs : "not mounted (fathom mounts it when a script needs it)");
	fputc('\n', out);

	fprintf(out, "Map types\n");
	for (size_t i = 0; i < sizeof(map_types) / sizeof(map_types[0]); i++)
		info_line(out, map_types[i].name,
			  yes_no(allowed < 0 ? -1 : probe_result(libbpf_probe_bpf_map_type(map_types[i].type, NULL))));
	fputc('\n', out);

	/* The probe types fathom implements, each as its BPF program type
	 * (BEGIN/END also need the test run above). */
	fprintf(out, "Probe types\n");
	providers = fth_providers(&nproviders);
	for (int i = 0; i < nproviders; i++) {
		const struct fth_provider *p = providers[i];
		int r = allowed < 0 ? -1 : p->supported ? p->supported() : probe_prog_type(p->prog_type);

		if (!p->attach && r > 0)
			r = test_run;
		info_line(out, p->name, yes_no(r));
	}
	fflush(out);
	return 0;
}
