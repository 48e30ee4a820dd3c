/* bpfinsn.c - instruction buffer and disassembler, see bpfinsn.h. */
#include "bpfinsn.h"

#include <stdlib.h>
#include <string.h>

void fth_insn_buf_init(struct fth_insn_buf *buf)
{
	memset(buf, 0, sizeof(*buf));
}

void fth_insn_buf_free(struct fth_insn_buf *buf)
{
	free(buf->insns);
	free(buf->ranges);
	memset(buf, 0, sizeof(*buf));
}

int fth_emit(struct fth_insn_buf *buf, struct bpf_insn insn)
{
	if (buf->len == buf->cap) {
		int cap = buf->cap ? buf->cap * 2 : 256;
		struct bpf_insn *insns = realloc(buf->insns, sizeof(*insns) * (size_t)cap);
		struct fth_range *ranges = realloc(buf->ranges, sizeof(*ranges) * (size_t)cap);

		if (!insns || !ranges) {
			fputs("fathom: out of memory\n", stderr);
			abort();
		}
		buf->insns = insns;
		buf->ranges = ranges;
		buf->cap = cap;
	}
	buf->insns[buf->len] = insn;
	buf->ranges[buf->len] = buf->cur_range;
	return buf->len++;
}

int fth_emit_ld_imm64(struct fth_insn_buf *buf, int dst, uint8_t src, uint64_t value)
{
	int at = fth_emit(buf, fth_insn(BPF_LD | BPF_DW | BPF_IMM, (uint8_t)dst, src, 0, (int32_t)(uint32_t)value));

	fth_emit(buf, fth_insn(0, 0, 0, 0, (int32_t)(uint32_t)(value >> 32)));
	return at;
}

int fth_insn_buf_append(struct fth_insn_buf *dst, const struct fth_insn_buf *src)
{
	int start = dst->len;
	struct fth_range saved = dst->cur_range;

	for (int i = 0; i < src->len; i++) {
		dst->cur_range = src->ranges[i];
		fth_emit(dst, src->insns[i]);
	}
	dst->cur_range = saved;
	return start;
}

void fth_patch_jump_here(struct fth_insn_buf *buf, int at)
{
	buf->insns[at].off = (int16_t)(buf->len - at - 1);
}

const char *fth_helper_name(int helper)
{
	switch (helper) {
	case BPF_FUNC_map_lookup_elem: return "map_lookup_elem";
	case BPF_FUNC_map_update_elem: return "map_update_elem";
	case BPF_FUNC_map_delete_elem: return "map_delete_elem";
	case BPF_FUNC_probe_read: return "probe_read";
	case BPF_FUNC_ktime_get_ns: return "ktime_get_ns";
	case BPF_FUNC_ktime_get_boot_ns: return "ktime_get_boot_ns";
	case BPF_FUNC_get_prandom_u32: return "get_prandom_u32";
	case BPF_FUNC_get_smp_processor_id: return "get_smp_processor_id";
	case BPF_FUNC_get_current_pid_tgid: return "get_current_pid_tgid";
	case BPF_FUNC_get_current_uid_gid: return "get_current_uid_gid";
	case BPF_FUNC_get_current_comm: return "get_current_comm";
	case BPF_FUNC_get_current_task: return "get_current_task";
	case BPF_FUNC_get_current_cgroup_id: return "get_current_cgroup_id";
	case BPF_FUNC_get_stackid: return "get_stackid";
	case BPF_FUNC_probe_read_user: return "probe_read_user";
	case BPF_FUNC_probe_read_kernel: return "probe_read_kernel";
	case BPF_FUNC_seq_printf: return "seq_printf";
	case BPF_FUNC_probe_read_user_str: return "probe_read_user_str";
	case BPF_FUNC_probe_read_kernel_str: return "probe_read_kernel_str";
	case BPF_FUNC_probe_read_str: return "probe_read_str";
	case BPF_FUNC_ringbuf_reserve: return "ringbuf_reserve";
	case BPF_FUNC_ringbuf_submit: return "ringbuf_submit";
	case BPF_FUNC_ringbuf_discard: return "ringbuf_discard";
	case BPF_FUNC_ringbuf_output: return "ringbuf_output";
	case BPF_FUNC_get_numa_node_id: return "get_numa_node_id";
	case BPF_FUNC_jiffies64: return "jiffies64";
	case BPF_FUNC_send_signal: return "send_signal";
	case BPF_FUNC_send_signal_thread: return "send_signal_thread";
	case BPF_FUNC_d_path: return "d_path";
	case BPF_FUNC_override_return: return "override_return";
	case BPF_FUNC_get_func_ip: return "get_func_ip";
	case BPF_FUNC_for_each_map_elem: return "for_each_map_elem";
	case BPF_FUNC_map_lookup_percpu_elem: return "map_lookup_percpu_elem";
	default: return NULL;
	}
}

static const char *alu_op_spelling(uint8_t op)
{
	switch (op) {
	case BPF_ADD: return "+=";
	case BPF_SUB: return "-=";
	case BPF_MUL: return "*=";
	case BPF_DIV: return "/=";
	case BPF_OR: return "|=";
	case BPF_AND: return "&=";
	case BPF_LSH: return "<<=";
	case BPF_RSH: return ">>=";
	case BPF_MOD: return "%=";
	case BPF_XOR: return "^=";
	case BPF_MOV: return "=";
	case BPF_ARSH: return "s>>=";
	default: return "?=";
	}
}

static const char *jmp_op_spelling(uint8_t op)
{
	switch (op) {
	case BPF_JEQ: return "==";
	case BPF_JGT: return ">";
	case BPF_JGE: return ">=";
	case BPF_JSET: return "&";
	case BPF_JNE: return "!=";
	case BPF_JSGT: return "s>";
	case BPF_JSGE: return "s>=";
	case BPF_JLT: return "<";
	case BPF_JLE: return "<=";
	case BPF_JSLT: return "s<";
	case BPF_JSLE: return "s<=";
	default: return "?";
	}
}

static const char *size_name(uint8_t size)
{
	switch (size) {
	case BPF_B: return "u8";
	case BPF_H: return "u16";
	case BPF_W: return "u32";
	default: return "u64";
	}
}

static void print_one(FILE *out, const struct bpf_insn *insns, int i,
		      const char *(*map_name)(void *ud, int idx), void *ud)
{
	const struct bpf_insn *in = &insns[i];
	uint8_t cls = BPF_CLASS(in->code);

	switch (cls) {
	case BPF_ALU64:
	case BPF_ALU: {
		const char *w = cls == BPF_ALU64 ? "r" : "w";
		uint8_t op = BPF_OP(in->code);
		if (op == BPF_NEG) {
			fprintf(out, "%s%d = -%s%d", w, in->dst_reg, w, in->dst_reg);
		} else if (op == BPF_END) {
			fprintf(out, "r%d = %s%d r%d", in->dst_reg,
				BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm, in->dst_reg);
		} else if (BPF_SRC(in->code) == BPF_X) {
			fprintf(out, "%s%d %s %s%d", w, in->dst_reg, alu_op_spelling(op), w, in->src_reg);
		} else {
			fprintf(out, "%s%d %s %d", w, in->dst_reg, alu_op_spelling(op), in->imm);
		}
		break;
	}
	case BPF_LDX:
		fprintf(out, "r%d = *(%s *)(r%d %+d)", in->dst_reg, size_name(BPF_SIZE(in->code)),
			in->src_reg, in->off);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC && in->imm == BPF_ADD) {
			fprintf(out, "lock *(%s *)(r%d %+d) += r%d", size_name(BPF_SIZE(in->code)), in->dst_reg,
				in->off, in->src_reg);
			break;
		}
		fprintf(out, "*(%s *)(r%d %+d) = r%d", size_name(BPF_SIZE(in->code)), in->dst_reg, in->off,
			in->src_reg);
		break;
	case BPF_ST:
		fprintf(out, "*(%s *)(r%d %+d) = %d", size_name(BPF_SIZE(in->code)), in->dst_reg, in->off,
			in->imm);
		break;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM)) {
			uint64_t v = (uint32_t)in->imm | ((uint64_t)(uint32_t)insns[i + 1].imm << 32);
			if (in->src_reg == BPF_PSEUDO_MAP_FD) {
				const char *name = map_name ? map_name(ud, in->imm) : NULL;
				fprintf(out, "r%d = map[%s]", in->dst_reg, name ? name : "?");
			} else if (in->src_reg == BPF_PSEUDO_MAP_VALUE) {
				const char *name = map_name ? map_name(ud, in->imm) : NULL;
				fprintf(out, "r%d = &map[%s] + %d", in->dst_reg, name ? name : "?", insns[i + 1].imm);
			} else if (in->src_reg == BPF_PSEUDO_FUNC) {
				/* the address of a subprogram, imm instructions after this one */
				fprintf(out, "r%d = func %d", in->dst_reg, i + 1 + in->imm);
			} else {
				fprintf(out, "r%d = %#llx ll", in->dst_reg, (unsigned long long)v);
			}
		} else {
			fprintf(out, "(ld %#x)", in->code);
		}
		break;
	case BPF_JMP:
	case BPF_JMP32: {
		uint8_t op = BPF_OP(in->code);
		if (op == BPF_CALL) {
			const char *name = fth_helper_name(in->imm);
			if (name)
				fprintf(out, "call %s", name);
			else
				fprintf(out, "call #%d", in->imm);
		} else if (op == BPF_EXIT) {
			fputs("exit", out);
		} else if (op == BPF_JA) {
			fprintf(out, "goto %d", i + 1 + in->off);
		} else if (BPF_SRC(in->code) == BPF_X) {
			fprintf(out, "if r%d %s r%d goto %d", in->dst_reg, jmp_op_spelling(op), in->src_reg,
				i + 1 + in->off);
		} else {
			fprintf(out, "if r%d %s %d goto %d", in->dst_reg, jmp_op_spelling(op), in->imm,
				i + 1 + in->off);
		}
		break;
	}
	default:
		fprintf(out, "(code %#x)", in->code);
	}
}

void fth_insn_print(FILE *out, const struct bpf_insn *insns, int len,
		    const char *(*map_name)(void *ud, int idx), void *ud)
{
	fth_insn_print_range(out, insns, 0, len, map_name, ud);
}

void fth_insn_print_range(FILE *out, const struct bpf_insn *insns, int from, int to,
			  const char *(*map_name)(void *ud, int idx), void *ud)
{
	for (int i = from; i < to; i++) {
		fprintf(out, "%4d: ", i);
		print_one(out, insns, i, map_name, ud);
		fputc('\n', out);
		if (insns[i].code == (BPF_LD | BPF_DW | BPF_IMM))
			i++;
	}
}
