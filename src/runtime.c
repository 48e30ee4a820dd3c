/* runtime.c - event loop and map printing, see runtime.h. */
#include "runtime.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "ksyms.h"

struct runtime {
	struct fth_program *prog;
	struct fth_diag *diag;
	const struct fth_runtime_opts *opts;
	struct fth_strbuf sb;
	struct fth_format_env env;
	int ncpus;
	bool exiting;
	bool discard;   /* after exit(): drop records until END runs */
	bool probes_attached; /* records may still be arriving */
	int exit_code;
	uint64_t lost_reported;
};

/* -------------------------------------------------------- special values */

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
	default:
		fth_strbuf_printf(sb, "%llu", (unsigned long long)v);
		break;
	}
}

static void flush(struct runtime *rt)
{
	if (rt->sb.len) {
		fwrite(rt->sb.data, 1, rt->sb.len, rt->opts->out);
		fth_strbuf_reset(&rt->sb);
	}
	fflush(rt->opts->out);
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

static int read_all_keys(const struct fth_map *m, uint8_t **out, int *count)
{
	uint8_t *keys = NULL, *prev = NULL;
	int n = 0, cap = 0;

	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			uint8_t *k = realloc(keys, (size_t)cap * m->key_size);
			if (!k) {
				free(keys);
				return -ENOMEM;
			}
			keys = k;
		}
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
	if (is_hist(m)) {
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
	s->entries = calloc((size_t)(s->n ? s->n : 1), sizeof(*s->entries));
	for (int i = 0; i < s->n; i++) {
		uint32_t key_stride = is_hist(m) ? s->user_key_size : m->key_size;
		s->entries[i].key = m->key_type ? s->keys + (size_t)i * key_stride : NULL;
		s->entries[i].value = s->values + (size_t)i * s->value_stride;
	}
	return 0;
}

static void print_map(struct runtime *rt, const struct fth_map *m, int top, int div)
{
	struct map_snapshot s;
	struct fth_map_view view;

	if (m->fd < 0 || snapshot_map(rt, m, &s))
		return;
	view.name = m->name;
	view.key_type = m->key_type;
	view.value_type = m->value_type;
	view.entries = s.entries;
	view.nentries = s.n;
	fth_map_print_text(&rt->sb, &view, top, div, &rt->env);
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
		fth_strbuf_puts(&rt->sb, buf);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct runtime *rt = ctx;
	uint64_t id;
	struct fth_action *a;
	const uint8_t *args = (const uint8_t *)data + 8;

	/* Records queued after exit() are dropped: otherwise a probe that
	 * fires on fathom's own output (a write tracepoint) would never let
	 * the drain finish. */
	/* A signal must stop a reader that events keep busy. */
	if (*rt->opts->stop && rt->probes_attached)
		return -ECANCELED;
	if (rt->discard)
		return rt->probes_attached ? -ECANCELED : 0;
	if (size < 8)
		return 0;
	memcpy(&id, data, 8);
	a = fth_program_action(rt->prog, (int)id);
	if (!a)
		return 0;
	switch (a->kind) {
	case FTH_ACT_PRINTF: {
		const struct fth_type *types[128];
		const void *ptrs[128];
		int n = a->args->nfields < 128 ? a->args->nfields : 128;
		for (int i = 0; i < n; i++) {
			types[i] = a->args->fields[i].type;
			ptrs[i] = args + a->args->fields[i].offset;
		}
		fth_printf_render(&rt->sb, &a->format, types, ptrs, &rt->env);
		break;
	}
	case FTH_ACT_PRINT_VALUE:
		fth_format_value(&rt->sb, a->args->fields[0].type, args + a->args->fields[0].offset, &rt->env);
		fth_strbuf_putc(&rt->sb, '\n');
		break;
	case FTH_ACT_PRINT_MAP:
		print_map(rt, fth_program_map(rt->prog, a->map), a->top, a->div);
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
	flush(rt);
	return 0;
}

static void report_lost(struct runtime *rt)
{
	const struct fth_map *m = fth_program_map(rt->prog, rt->prog->lost_map);
	uint64_t *vals = calloc((size_t)rt->ncpus, 8);
	uint32_t key = 0;
	uint64_t total = 0;

	if (!vals)
		return;
	if (m->fd >= 0 && bpf_map_lookup_elem(m->fd, &key, vals) == 0)
		for (int c = 0; c < rt->ncpus; c++)
			total += vals[c];
	free(vals);
	if (total > rt->lost_reported) {
		fprintf(stderr, "Lost %llu events\n", (unsigned long long)(total - rt->lost_reported));
		rt->lost_reported = total;
	}
}

/* ------------------------------------------------------------- lifecycle */

static bool only_special_probes(const struct fth_program *prog)
{
	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = prog->progs.items[i];
		if (p->inst->provider->attach)
			return false;
	}
	return true;
}

static void run_specials(struct runtime *rt, const char *which)
{
	for (int i = 0; i < rt->prog->progs.len; i++) {
		struct fth_prog *p = rt->prog->progs.items[i];
		if (!strcmp(p->inst->provider->name, which))
			fth_probe_run_special(p->fd);
	}
}

static void print_all_maps(struct runtime *rt)
{
	int order[4096], n = 0;
	bool any = false;

	for (int i = 0; i < rt->prog->maps.len && n < 4096; i++) {
		struct fth_map *m = rt->prog->maps.items[i];
		if (m->internal || !m->value_type || m->fd < 0)
			continue;
		order[n++] = i;
		any = true;
	}
	if (!any)
		return;
	/* Maps print in byte order of their names: @ < @Z < @_x < @a. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0; j--) {
			struct fth_map *a = rt->prog->maps.items[order[j - 1]];
			struct fth_map *b = rt->prog->maps.items[order[j]];
			if (strcmp(a->name, b->name) <= 0)
				break;
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	fth_strbuf_puts(&rt->sb, "\n\n");
	for (int i = 0; i < n; i++)
		print_map(rt, rt->prog->maps.items[order[i]], 0, 0);
	flush(rt);
}

int fth_runtime_run(struct fth_program *prog, struct fth_loader *ld, struct fth_diag *diag,
		    const struct fth_runtime_opts *opts)
{
	struct runtime rt = { .prog = prog, .diag = diag, .opts = opts };
	struct ring_buffer *rb;
	int err;

	rt.ncpus = libbpf_num_possible_cpus();
	rt.env.ud = &rt;
	rt.env.special = format_special;
	fth_strbuf_init(&rt.sb);
	rb = ring_buffer__new(fth_program_map(prog, prog->events_map)->fd, handle_event, &rt, NULL);
	if (!rb) {
		fth_diag_plain(diag, FTH_SEV_ERROR, NULL, "cannot open the event ring buffer: %s", strerror(errno));
		return 1;
	}
	err = fth_loader_attach(ld);
	if (err) {
		ring_buffer__free(rb);
		return 1;
	}
	if (!opts->quiet)
		fprintf(stderr, "Attached %d probe%s\n", prog->progs.len, prog->progs.len == 1 ? "" : "s");
	if (opts->notify_attached)
		printf("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n");
	fflush(stdout);
	rt.probes_attached = true;
	run_specials(&rt, "BEGIN");
	ring_buffer__consume(rb);
	/* A script of only BEGIN/END probes has nothing to wait for. */
	if (only_special_probes(prog))
		rt.exiting = true;
	while (!rt.exiting && !*opts->stop) {
		err = ring_buffer__poll(rb, 200);
		if (err < 0 && err != -EINTR && err != -ECANCELED)
			break;
		report_lost(&rt);
	}
	/* Detach the probes before END, then drain what they left. */
	fth_attachments_close_all(ld->attachments, prog->progs.len);
	rt.probes_attached = false;
	rt.discard = rt.exiting;
	ring_buffer__consume(rb);
	rt.exiting = true;
	rt.discard = false;
	run_specials(&rt, "END");
	ring_buffer__consume(rb);
	report_lost(&rt);
	print_all_maps(&rt);
	ring_buffer__free(rb);
	fth_strbuf_free(&rt.sb);
	return rt.exit_code;
}
