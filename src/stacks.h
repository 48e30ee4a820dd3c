/* stacks.h - printing kernel and user stacks the way bpftrace does.
 *
 * BPF programs record a stack's frames in a stack map under their hash
 * and pass the hash on (codegen's emit_stackid); the runtime reads the
 * frames back from that map and
 * formats them here. Kernel frames are symbolized with ksyms, user frames
 * through the process's memory map (usyms); what cannot be resolved prints
 * as an address. */
#ifndef FATHOM_STACKS_H
#define FATHOM_STACKS_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "format.h"
#include "ksyms.h"
#include "types.h"
#include "usyms.h"

#define FTH_MAX_STACK_FRAMES 127

/* Append the frames ips[0..n) of a stack of type t (mode and limit) to sb:
 *   bpftrace mode  "        sym+off\n" per frame
 *   perf mode      "\thexaddr sym+off\n"
 *   raw mode       "hexaddr\n"
 * preceded by a newline, so that "@[" + text + "]" and print() give
 * bpftrace's layouts. An empty stack is the newline alone, as in bpftrace. */
/* A ustack(build_id): n frames as the kernel's BPF_F_STACK_BUILD_ID map
 * keeps them, printed as bpftrace does after a newline: a frame with a
 * build id as the id in hex, " 0x" and the file offset (two hex digits at
 * least); one without as its bare address; frames end at the first empty
 * one. */
void fth_stack_format_build_id(struct fth_strbuf *sb, const struct bpf_stack_build_id *frames, int n);
void fth_stack_format(struct fth_strbuf *sb, const uint64_t *ips, int n, const struct fth_type *t,
		      const struct fth_ksyms *ksyms, struct fth_usyms *usyms, int pid);

/* A build_id stack (struct bpf_stack_build_id frames, up to n), as
 * bpftrace prints it: "\n", then per frame the 40 hex digits of the build
 * id, a space and "0x" + the file offset; a frame the kernel could not
 * name a file for is its address in hex. Stops at an empty frame; no
 * frames at all is the newline alone. */
void fth_stack_format_build_id(struct fth_strbuf *sb, const struct bpf_stack_build_id *frames, int n);

/* The stacks dw_ustack unwound in user space (dwunwind.c), by the capture
 * id the BPF side gave each: map keys and event records hold that id.
 * Every capture has its own id, so a stack seen twice has two; the
 * canonical id of a capture is the first id of a stack with the same pid
 * and frames, which map printing puts in keys so that they aggregate as
 * one (bpftrace keys them by the frames themselves). */
struct fth_dwstacks;

struct fth_dwstacks *fth_dwstacks_new(void);
void fth_dwstacks_free(struct fth_dwstacks *d);
/* Remember the n frames of capture `id` (not 0) of process pid. */
void fth_dwstacks_add(struct fth_dwstacks *d, uint64_t id, int pid, const uint64_t *ips, int n);
/* The frames of capture id (*n of them), or NULL if it was never added. */
const uint64_t *fth_dwstacks_get(const struct fth_dwstacks *d, uint64_t id, int *n);
/* The canonical id of capture id; id itself when it is unknown. */
uint64_t fth_dwstacks_canonical(const struct fth_dwstacks *d, uint64_t id);
/* Forget the captures with ids up to `upto` whose stack was seen before
 * (a long profile captures the same few stacks over and over): for when
 * nothing holds those ids any more, their map keys moved to the
 * canonical ids. Only once at least FTH_DWSTACKS_MIN_FORGET of them, and
 * half the table, can go, since it reads the whole table. */
#define FTH_DWSTACKS_MIN_FORGET 4096
void fth_dwstacks_forget_repeats(struct fth_dwstacks *d, uint64_t upto);
/* The number of captures remembered. */
size_t fth_dwstacks_count(const struct fth_dwstacks *d);
/* The highest capture id added so far (ids grow with every capture); 0
 * when none was. */
uint64_t fth_dwstacks_last_id(const struct fth_dwstacks *d);

#endif
