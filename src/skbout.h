/* skbout.h - the runtime side of skboutput(): the perf buffer its
 * programs write packets to, and the pcap files they end up in.
 *
 * bpf_skb_output writes to a perf event array (it has no ring-buffer
 * variant), so these records arrive apart from the event ring buffer;
 * the runtime waits on both (fth_skb_capture_epoll_fd) and consumes
 * both. Each record is a struct fth_skb_meta and the packet; its action
 * names the file and the bytes to leave out. Every file is created (or
 * truncated) before the probes run, once however many skboutput() calls
 * name it; packets of all of them go to it in the order they arrive. */
#ifndef FATHOM_SKBOUT_H
#define FATHOM_SKBOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "program.h"

struct perf_buffer;

struct fth_skb_capture {
	const struct fth_program *prog;
	struct fth_diag *diag;
	struct perf_buffer *pb;  /* NULL: the program has no skboutput() */
	FILE **file_by_action;   /* the pcap file of each FTH_ACT_SKBOUTPUT action */
	int nactions;
	int64_t boot_wall_ns;    /* wall-clock time of boot: CLOCK_REALTIME - CLOCK_BOOTTIME */
	bool dirty;              /* written since the last flush */
	bool write_failed;       /* reported once */
};

/* Per-CPU pages of the perf buffer: what `perf_rb_pages` (the event ring
 * buffer's size, ringbuf_size bytes) gives each of ncpus CPUs, as
 * bpftrace divides it: a power of two, at least 1. */
uint32_t fth_skb_perf_pages(uint32_t ringbuf_size, long page_size, int ncpus);

/* Create the pcap files and open the perf buffer, if the program calls
 * skboutput(). 0, or -1 with the error reported. */
int fth_skb_capture_open(struct fth_skb_capture *cap, const struct fth_program *prog, struct fth_diag *diag);

/* An fd that polls readable when records wait; -1 without skboutput(). */
int fth_skb_capture_epoll_fd(const struct fth_skb_capture *cap);

/* Write every waiting packet to its file and flush the files. */
void fth_skb_capture_consume(struct fth_skb_capture *cap);

/* Consume what is left, close the files and the perf buffer. */
void fth_skb_capture_close(struct fth_skb_capture *cap);

/* One record of the perf buffer (meta and packet, size bytes with the
 * kernel's padding) written to its file. Exposed for the unit tests. */
void fth_skb_capture_record(struct fth_skb_capture *cap, const void *data, uint32_t size);

#endif
