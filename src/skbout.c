/* skbout.c - skboutput()'s perf buffer and pcap files, see skbout.h. */
#include "skbout.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcap.h"

static uint64_t closest_power_of_two(uint64_t n)
{
	uint64_t low = 1;

	while (low * 2 <= n)
		low *= 2;
	return n - low <= low * 2 - n ? low : low * 2;
}

uint32_t fth_skb_perf_pages(uint32_t ringbuf_size, long page_size, int ncpus)
{
	uint64_t pages = ringbuf_size / (uint64_t)(page_size > 0 ? page_size : 4096);
	uint64_t per_cpu;

	if (ncpus < 1)
		ncpus = 1;
	per_cpu = (pages + (uint64_t)ncpus - 1) / (uint64_t)ncpus;
	return (uint32_t)closest_power_of_two(per_cpu ? per_cpu : 1);
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A write to a pcap file failed: said once, at the skboutput() call
 * that names the file, and the run goes on (the packets are lost). */
static void report_write_failure(struct fth_skb_capture *cap, const struct fth_action *a, int err)
{
	if (cap->write_failed)
		return;
	fth_diag_report(cap->diag, FTH_SEV_WARNING, a->range, "check the free space and permissions where it is",
			"skboutput(): cannot write to %s: %s", a->text, strerror(err));
	cap->write_failed = true;
}

void fth_skb_capture_record(struct fth_skb_capture *cap, const void *data, uint32_t size)
{
	struct fth_skb_meta meta;
	const struct fth_action *a;
	uint64_t caplen, len, skip;
	FILE *f;
	int err;

	if (size < sizeof(meta))
		return;
	memcpy(&meta, data, sizeof(meta));
	if (meta.action >= (uint64_t)cap->nactions || !(f = cap->file_by_action[meta.action]))
		return;
	a = fth_program_action(cap->prog, (int)meta.action);
	/* size counts the kernel's padding to 8 bytes: caplen says where the
	 * packet ends */
	caplen = meta.caplen < size - sizeof(meta) ? meta.caplen : size - sizeof(meta);
	len = meta.len > caplen ? meta.len : caplen;
	skip = a->skb_offset < caplen ? a->skb_offset : caplen;
	err = fth_pcap_write_record(f, (uint64_t)(cap->boot_wall_ns + (int64_t)meta.boot_ns),
				    (const uint8_t *)data + sizeof(meta) + skip, (uint32_t)(caplen - skip),
				    (uint32_t)(len - (a->skb_offset < len ? a->skb_offset : len)));
	cap->dirty = true;
	if (err)
		report_write_failure(cap, a, -err);
}

static void on_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	fth_skb_capture_record(ctx, data, size);
}

/* The file an earlier action already opened for this path, or NULL. */
static FILE *file_of_path(const struct fth_skb_capture *cap, int upto, const char *path)
{
	for (int i = 0; i < upto; i++) {
		const struct fth_action *a = fth_program_action(cap->prog, i);
		if (cap->file_by_action[i] && !strcmp(a->text, path))
			return cap->file_by_action[i];
	}
	return NULL;
}

static int create_files(struct fth_skb_capture *cap)
{
	for (int i = 0; i < cap->nactions; i++) {
		const struct fth_action *a = fth_program_action(cap->prog, i);
		if (a->kind != FTH_ACT_SKBOUTPUT)
			continue;
		cap->file_by_action[i] = file_of_path(cap, i, a->text);
		if (!cap->file_by_action[i] && !(cap->file_by_action[i] = fth_pcap_create(a->text))) {
			int err = errno;
			const char *hint = fth_fd_limit_hint(err);
			fth_diag_report(cap->diag, FTH_SEV_ERROR, a->range,
					hint ? hint : "check that its directory exists and is writable",
					"cannot create the pcap file %s for skboutput(): %s", a->text, strerror(err));
			return -1;
		}
	}
	return 0;
}

int fth_skb_capture_open(struct fth_skb_capture *cap, const struct fth_program *prog, struct fth_diag *diag)
{
	const struct fth_map *m;
	int ncpus;

	memset(cap, 0, sizeof(*cap));
	cap->prog = prog;
	cap->diag = diag;
	if (prog->skb_map < 0)
		return 0;
	cap->nactions = prog->actions.len;
	cap->file_by_action = calloc((size_t)cap->nactions + 1, sizeof(*cap->file_by_action));
	if (!cap->file_by_action) {
		fth_diag_plain(diag, FTH_SEV_ERROR, NULL, "out of memory");
		return -1;
	}
	cap->boot_wall_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	if (create_files(cap) < 0) {
		fth_skb_capture_close(cap);
		return -1;
	}
	m = fth_program_map(prog, prog->skb_map);
	ncpus = libbpf_num_possible_cpus();
	cap->pb = perf_buffer__new(m->fd, fth_skb_perf_pages(prog->config.ringbuf_size, sysconf(_SC_PAGESIZE), ncpus),
				   on_sample, NULL, cap, NULL);
	if (!cap->pb) {
		int err = errno;
		fth_diag_plain(diag, FTH_SEV_ERROR, fth_buffer_refused_hint(err),
			       "cannot open the perf buffer for skboutput(): %s", strerror(err));
		fth_skb_capture_close(cap);
		return -1;
	}
	return 0;
}

int fth_skb_capture_epoll_fd(const struct fth_skb_capture *cap)
{
	return cap->pb ? perf_buffer__epoll_fd(cap->pb) : -1;
}

static void flush_files(struct fth_skb_capture *cap)
{
	for (int i = 0; i < cap->nactions; i++)
		if (cap->file_by_action[i] && fflush(cap->file_by_action[i]))
			report_write_failure(cap, fth_program_action(cap->prog, i), errno);
	cap->dirty = false;
}

void fth_skb_capture_consume(struct fth_skb_capture *cap)
{
	if (!cap->pb)
		return;
	perf_buffer__consume(cap->pb);
	if (cap->dirty)
		flush_files(cap);
}

void fth_skb_capture_close(struct fth_skb_capture *cap)
{
	fth_skb_capture_consume(cap);
	perf_buffer__free(cap->pb);
	cap->pb = NULL;
	for (int i = 0; cap->file_by_action && i < cap->nactions; i++) {
		FILE *f = cap->file_by_action[i];
		if (!f)
			continue;
		for (int j = i; j < cap->nactions; j++)
			if (cap->file_by_action[j] == f)
				cap->file_by_action[j] = NULL;
		if (fclose(f))
			report_write_failure(cap, fth_program_action(cap->prog, i), errno);
	}
	free(cap->file_by_action);
	cap->file_by_action = NULL;
}
