/* dwunwind.h - unwinding a user stack from DWARF call-frame information,
 * for dw_ustack.
 *
 * The BPF side of dw_ustack cannot follow frame pointers in programs
 * built without them, so it sends the thread's user registers and a copy
 * of its stack from sp up (struct fth_dwunwind_capture). Here elfutils'
 * libdwfl walks that copy with the .eh_frame rules of the process's
 * modules (found through /proc/PID/maps); memory the copy does not hold is
 * read from /proc/PID/mem. The process's module list is cached per pid,
 * and read again when the stack's first address is in no module known
 * (a library loaded since).
 *
 * As bpftrace's dw_ustack, the first frame is the address the thread was
 * at; every caller's frame is its return address minus one, the call
 * instruction's last byte, so that the frame names the function that made
 * the call even when the call was the function's last instruction. */
#ifndef FATHOM_DWUNWIND_H
#define FATHOM_DWUNWIND_H

#include <stddef.h>
#include <stdint.h>

/* x86-64 DWARF register numbers 0..16: rax rdx rcx rbx rsi rdi rbp rsp
 * r8..r15, and 16 the return address (the instruction pointer). */
#define FTH_DWUNWIND_NREGS 17
#define FTH_DWUNWIND_SP 7
#define FTH_DWUNWIND_IP 16

struct fth_dwunwind_capture {
	int pid;                               /* the process (tgid) */
	int tid;                               /* the thread */
	uint64_t regs[FTH_DWUNWIND_NREGS];     /* DWARF numbering, above */
	const uint8_t *stack;                  /* the copy of [regs[SP], regs[SP] + stack_len) */
	size_t stack_len;
	/* return addresses uretprobes replaced by the kernel's trampoline:
	 * (address on the stack, original value) pairs, nuret of them */
	const uint64_t (*uret)[2];
	int nuret;
};

struct fth_dwunwind;

struct fth_dwunwind *fth_dwunwind_new(void);
void fth_dwunwind_free(struct fth_dwunwind *u);

/* Read pid's module list now (--dwarf-pid, -p, -c), so that its first
 * stack unwinds without that delay. 0, or a negative errno when the
 * process cannot be inspected. */
int fth_dwunwind_add_pid(struct fth_dwunwind *u, int pid);

/* The frames of the captured stack into ips[0..max), innermost first;
 * returns how many (at least the captured instruction pointer when it is
 * not 0, even if nothing can be unwound). */
int fth_dwunwind_frames(struct fth_dwunwind *u, const struct fth_dwunwind_capture *c, uint64_t *ips, int max);

/* pt_regs as the x86-64 kernel lays it out (the first 21 words: r15 r14
 * r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss)
 * into DWARF register order. */
#define FTH_PT_REGS_WORDS 21
void fth_dwunwind_regs_from_pt_regs(const uint64_t pt[FTH_PT_REGS_WORDS], uint64_t regs[FTH_DWUNWIND_NREGS]);

#endif
