/* bpfinsn.h - building and printing BPF instructions.
 *
 * The instruction encoders below are fathom's own (the kernel's macro set in
 * filter.h is not part of the uapi). A fth_insn_buf collects a program and,
 * beside each instruction, the source range of the script that produced it,
 * so a verifier rejection at instruction N can be reported at its line. */
#ifndef FATHOM_BPFINSN_H
#define FATHOM_BPFINSN_H

#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

enum { R0 = 0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

static inline struct bpf_insn fth_insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn insn = { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
	return insn;
}

#define I_ALU64_IMM(op, dst, imm) fth_insn(BPF_ALU64 | (op) | BPF_K, (dst), 0, 0, (imm))
#define I_ALU64_REG(op, dst, src) fth_insn(BPF_ALU64 | (op) | BPF_X, (dst), (src), 0, 0)
#define I_ALU32_IMM(op, dst, imm) fth_insn(BPF_ALU | (op) | BPF_K, (dst), 0, 0, (imm))
#define I_MOV64_IMM(dst, imm) I_ALU64_IMM(BPF_MOV, (dst), (imm))
#define I_MOV64_REG(dst, src) I_ALU64_REG(BPF_MOV, (dst), (src))
#define I_MOV32_REG(dst, src) fth_insn(BPF_ALU | BPF_MOV | BPF_X, (dst), (src), 0, 0)
#define I_LDX(size, dst, src, off) fth_insn(BPF_LDX | (size) | BPF_MEM, (dst), (src), (off), 0)
#define I_STX(size, dst, src, off) fth_insn(BPF_STX | (size) | BPF_MEM, (dst), (src), (off), 0)
#define I_ST_IMM(size, dst, off, imm) fth_insn(BPF_ST | (size) | BPF_MEM, (dst), 0, (off), (imm))
/* lock *(size *)(dst + off) += src */
#define I_ATOMIC_ADD(size, dst, src, off) fth_insn(BPF_STX | (size) | BPF_ATOMIC, (dst), (src), (off), BPF_ADD)
#define I_JMP_IMM(op, dst, imm, off) fth_insn(BPF_JMP | (op) | BPF_K, (dst), 0, (off), (imm))
#define I_JMP_REG(op, dst, src, off) fth_insn(BPF_JMP | (op) | BPF_X, (dst), (src), (off), 0)
#define I_JA(off) fth_insn(BPF_JMP | BPF_JA, 0, 0, (off), 0)
#define I_CALL(helper) fth_insn(BPF_JMP | BPF_CALL, 0, 0, 0, (helper))
#define I_EXIT() fth_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* A growing program plus, per instruction, the script range it came from. */
struct fth_insn_buf {
	struct bpf_insn *insns;
	struct fth_range *ranges;
	int len;
	int cap;
	struct fth_range cur_range; /* stamped on every instruction emitted */
};

void fth_insn_buf_init(struct fth_insn_buf *buf);
void fth_insn_buf_free(struct fth_insn_buf *buf);
/* Append one instruction; returns its index. */
int fth_emit(struct fth_insn_buf *buf, struct bpf_insn insn);
/* 64-bit immediate load (two instruction slots). src is 0 for a constant,
 * BPF_PSEUDO_MAP_FD for a map reference or BPF_PSEUDO_FUNC for the address
 * of a subprogram (value: its offset from the next instruction). */
int fth_emit_ld_imm64(struct fth_insn_buf *buf, int dst, uint8_t src, uint64_t value);
/* Append every instruction of src (with its range); returns the index of
 * the first one in dst. */
int fth_insn_buf_append(struct fth_insn_buf *dst, const struct fth_insn_buf *src);
/* Point the jump at index `at` to the next instruction to be emitted. */
void fth_patch_jump_here(struct fth_insn_buf *buf, int at);

/* Readable listing for `fathom -d bpf`, one instruction per line:
 *   12: r1 = *(u64 *)(r6 + 16)
 * map references are printed with map_name(idx) when given. */
void fth_insn_print(FILE *out, const struct bpf_insn *insns, int len,
		    const char *(*map_name)(void *ud, int idx), void *ud);
/* The same for instructions [from, to) of a program, numbered as in the
 * whole program (so jump targets stay right). */
void fth_insn_print_range(FILE *out, const struct bpf_insn *insns, int from, int to,
			  const char *(*map_name)(void *ud, int idx), void *ud);
const char *fth_helper_name(int helper);

#endif
