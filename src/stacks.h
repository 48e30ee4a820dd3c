/* stacks.h - printing kernel and user stacks the way bpftrace does.
 *
 * BPF programs record a stack with bpf_get_stackid() into a stack-trace map
 * and pass the id on; the runtime reads the frames back from that map and
 * formats them here. Kernel frames are symbolized with ksyms, user frames
 * through the process's memory map (usyms); what cannot be resolved prints
 * as an address. */
#ifndef FATHOM_STACKS_H
#define FATHOM_STACKS_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "format.h"
#include "ksyms.h"
#include "types.h"
#include "usyms.h"

#define FTH_MAX_STACK_FRAMES 127

/* Append the frames ips[0..n) of a stack of type t (mode and limit) to sb:
 *   bpftrace mode  "        sym+off\n" per frame
 *   perf mode      "        hexaddr sym+off\n"
 *   raw mode       "        hexaddr\n"
 * preceded by a newline, so that "@[" + text + "]" and print() give
 * bpftrace's layouts. An empty stack appends nothing. */
/* A ustack(build_id): n frames as the kernel's BPF_F_STACK_BUILD_ID map
 * keeps them, printed as bpftrace does after a newline: a frame with a
 * build id as the id in hex, " 0x" and the file offset (two hex digits at
 * least); one without as its bare address; frames end at the first empty
 * one. */
void fth_stack_format_build_id(struct fth_strbuf *sb, const struct bpf_stack_build_id *frames, int n);
void fth_stack_format(struct fth_strbuf *sb, const uint64_t *ips, int n, const struct fth_type *t,
		      const struct fth_ksyms *ksyms, struct fth_usyms *usyms, int pid);

#endif
