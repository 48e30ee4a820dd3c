/* codegen.c - typed AST to BPF instructions, see codegen.h.
 *
 * Register conventions inside a generated program:
 *   r6      the context pointer (tracepoint record, perf sample data, ...)
 *   r7-r9   the integer value pool, allocated last-in first-out; values
 *           beyond three live in 8-byte stack slots ("spilled")
 *   r0-r5   scratch: helper arguments and results, clobbered by every call
 *   r10     frame pointer; the frame holds variables, map keys and values
 *   r9      in programs that need it, the per-CPU scratch area instead of a
 *           pool register (see below)
 *
 * Stack space for temporaries is released at the end of each statement, so
 * a long script does not run out of the 512-byte frame.
 *
 * Memory offsets name their base by their sign: negative offsets are in the
 * stack frame (r10), offsets from 0 up are in the scratch area (r9), one
 * per-CPU array element that holds what does not fit the 512-byte stack:
 * strings of max_strlen (1024 bytes by default), big tuples, and anything
 * once the frame is full. Programs never nest on one CPU, so one element
 * per CPU is enough. A program is first generated without it; only when an
 * allocation asks for it is the program generated again with r9 reserved,
 * so small programs keep three pool registers and pay no lookup. */
#include "codegen.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf.h"
#include "format.h"
#include "lexer.h"
#include "probes.h"
#include "sema.h"
#include "seqfmt.h"
#include "tracefs.h"
#include "vec.h"

#define MAX_STACK 512
#define POOL_SIZE 3
#define SCRATCH_REG R9
/* Larger allocations go to the scratch area when the program has one. */
#define STACK_ALLOC_MAX 64
/* Instruction offsets are 16-bit signed. */
#define MAX_SCRATCH 32760
#define MAX_LOOP_DEPTH 16
#define MAX_JUMPS 256

/* An integer value: in a pool register, or in a stack slot when spilled. */
struct vreg {
	int reg;  /* R7..R9, or -1 when spilled */
	int slot; /* frame offset when spilled */
};

struct loop_ctx {
	int continue_target;  /* instruction index to jump back to, or -1 */
	int continue_jumps[MAX_JUMPS];
	int ncontinue;
	int break_jumps[MAX_JUMPS];
	int nbreak;
};

struct cg {
	struct fth_program *prog;
	struct fth_prog *p;
	struct fth_diag *diag;
	struct fth_insn_buf *b;
	int stack_used;        /* bytes of the frame in use */
	bool scratch;          /* r9 points at the scratch area */
	bool wants_scratch;    /* generated without it, and it was needed */
	int scratch_used;      /* bytes of the scratch area in use */
	int pool_size;         /* POOL_SIZE, or one less with the scratch area */
	int stack_max;         /* the most the current function ever used */
	bool pool_busy[POOL_SIZE];
	int pool_depth;        /* LIFO allocation depth, spilled values included */
	int spill_slot[16];
	int exit_jumps[MAX_JUMPS * 4];
	int nexit;
	int ret_slot;   /* test:NAME probes: the value `return N` gives, 0 if none */
	/* Map updates refused as full, counted in the frame rather than in
	 * fth_lost at once (emit_count_map_full): its 8-byte counter. */
	int counts_slot;
	bool count_locally;  /* this pass reserves counts_slot */
	bool wants_counts;   /* generated without it, and an update would use it */
	bool counted;        /* some update counts there: the end adds it up */
	bool wants_again;    /* a variable turned out to hold a pointer */
	struct loop_ctx loops[MAX_LOOP_DEPTH];
	int nloops;
	/* fn calls being emitted (FTH_FN_INLINE), innermost last: `return`
	 * in one sets its result and jumps to its end. */
	struct fn_ctx {
		struct fth_node *call;
		int return_jumps[MAX_JUMPS];
		int nreturn;
	} fns[16];
	int nfns;
	/* Map reads done by the predicate, reused by the body: the classic
	 * `/@start[tid]/ { ... @start[tid] ... }` looks the key up once. An
	 * entry dies when the program writes that map, and all die at a loop. */
	struct read_cache {
		const struct fth_node *read; /* the FTH_MAP node evaluated */
		int map;
		int slot;                    /* frame slot holding the value */
	} reads[8];
	int nreads;
	bool in_predicate;
	/* While a predicate's && / || / ! are emitted: the truth the part being
	 * emitted has whenever the body runs, if one is certain. A part that
	 * may be skipped then (the right of || when it must hold) reads maps
	 * the body cannot reuse. */
	enum { OUTCOME_UNKNOWN, OUTCOME_TRUE, OUTCOME_FALSE } pred_outcome;
	bool failed;
	/* The str() being emitted fills an output record, which user space
	 * reads only up to the NUL: no need to zero its buffer first. */
	bool str_unpadded;
	/* Scratch variables live in the probe's frame. The probe reaches
	 * them at r10 + stack_off; a loop callback gets a pointer to them
	 * (bpf_for_each_map_elem's ctx argument) in r6 and reaches them at
	 * r6 + stack_off + var_adj. vars_lo is the lowest variable offset,
	 * the address handed to callbacks. */
	int var_reg;
	int var_adj;
	int vars_lo;
	/* Callbacks, emitted into their own buffers and appended after the
	 * probe's code at the end; cur_func is the one being emitted (-1: the
	 * probe). Each callback's address is loaded once, by its loop. */
	struct fth_insn_buf subs[FTH_MAX_FUNCS - 1];
	struct func_ref {
		int owner; /* function holding the ld_imm64, -1 for the probe */
		int insn;  /* its index there */
		int stack; /* the callback's frame size */
		struct fth_node *loop; /* the for statement */
	} sub_refs[FTH_MAX_FUNCS - 1];
	int nsubs;
	int cur_func;
};

static struct vreg emit_int(struct cg *c, struct fth_node *e);
static struct vreg emit_int_at(struct cg *c, struct fth_node *e);
static struct vreg emit_map_len(struct cg *c, struct fth_node *call);
static struct vreg emit_ctx_arg(struct cg *c, struct fth_node *e, uint32_t offset);
static struct vreg emit_regs_arg(struct cg *c, struct fth_node *e, int idx);
static struct vreg emit_stack_arg(struct cg *c, struct fth_node *e, int idx);
static struct vreg emit_reg_read(struct cg *c, struct fth_node *e, int offset);
static struct vreg emit_socket_cookie(struct cg *c, struct fth_node *call);
static struct vreg emit_write_user(struct cg *c, struct fth_node *call);
static struct vreg emit_skboutput(struct cg *c, struct fth_node *call);
static struct vreg emit_uaddr(struct cg *c, struct fth_node *call);
static void emit_to_mem(struct cg *c, struct fth_node *e, int base, int off, const struct fth_type *t);
static void emit_to_mem_at(struct cg *c, struct fth_node *e, int base, int off, const struct fth_type *t);
static void emit_stackid(struct cg *c, const struct fth_type *t, struct fth_node *where);
static void emit_addr(struct cg *c, int r, int base, int off);
static struct vreg emit_address(struct cg *c, struct fth_node *e);
static void emit_map_ref(struct cg *c, int r, int map_index);
static bool emit_stmt(struct cg *c, struct fth_node *st);
static bool emit_block(struct cg *c, struct fth_node *b);
static struct vreg emit_var_read(struct cg *c, struct fth_node *e);
static void emit_var_assign(struct cg *c, struct fth_node *target, struct fth_node *value, int op);

static int emit(struct cg *c, struct bpf_insn insn)
{
	return fth_emit(c->b, insn);
}

static void cg_error_hint(struct cg *c, struct fth_node *n, const char *hint, const char *msg)
{
	fth_error_hint(c->diag, n->range, hint, "%s", msg);
	c->failed = true;
}

static void cg_error(struct cg *c, struct fth_node *n, const char *msg)
{
	cg_error_hint(c, n, NULL, msg);
}

/* A probe that needs more loop or map-walking callbacks than one BPF
 * program can hold: the work can be spread over probes. */
#define SPLIT_PROBE_HINT "move some of this work into another probe (several probes may share the same attach point)"

/* Values that live in memory (written with emit_to_mem) rather than in a
 * register: strings, tuples, arrays, and the wider special values. */
static bool in_memory(const struct fth_type *t)
{
	return t && (t->kind == FTH_T_STRING || t->kind == FTH_T_TUPLE || t->kind == FTH_T_ARRAY ||
		     t->kind == FTH_T_BUFFER || t->kind == FTH_T_INET || t->kind == FTH_T_STRUCT ||
		     t->kind == FTH_T_MACADDR || t->size > 8);
}

/* How far ptr + 1 is from ptr: the size of what it points at (1 for
 * void *). */
static int pointer_step(const struct fth_type *ptr)
{
	return ptr->elem && ptr->elem->size ? (int)ptr->elem->size : 1;
}

static int bpf_size(int size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

/* ----------------------------------------------------------------- frame */

/* The base register of a memory offset (see the top of this file). */
static int fp(int off)
{
	return off < 0 ? R10 : SCRATCH_REG;
}

static int scratch_alloc(struct cg *c, int size, struct fth_node *where)
{
	int off = c->scratch_used;

	if (c->scratch_used + size > MAX_SCRATCH) {
		if (!c->failed)
			fth_error_hint(c->diag, where->range,
				       "use fewer or shorter strings in one statement (set a smaller max_strlen)",
				       "this statement needs more than %d bytes of scratch memory", MAX_SCRATCH);
		c->failed = true;
		return 0;
	}
	c->scratch_used += size;
	if (c->scratch_used > (int)c->prog->scratch_size)
		c->prog->scratch_size = (uint32_t)c->scratch_used;
	return off;
}

/* The per-CPU array holding every program's scratch area; its value size
 * is the largest area a program uses, known once all are generated. */
static int need_scratch_map(struct fth_program *prog)
{
	struct fth_map *m;

	if (prog->scratch_map >= 0)
		return prog->scratch_map;
	m = fth_program_add_internal_map(prog, "fth_scratch", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
	prog->scratch_map = m->index;
	return m->index;
}

/* r9 = this CPU's scratch area. The lookup cannot fail, but the verifier
 * wants the NULL check: on NULL a callback returns `ret`; the probe (ret 0)
 * gets the jump back to patch to its exit. Clobbers r0-r5. */
static int emit_scratch_lookup(struct cg *c, int ret)
{
	int jnull;

	emit(c, I_ST_IMM(BPF_W, R10, -4, 0));
	emit_map_ref(c, R1, need_scratch_map(c->prog));
	emit_addr(c, R2, R10, -4);
	emit(c, I_CALL(BPF_FUNC_map_lookup_elem));
	if (!ret) {
		jnull = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	} else {
		jnull = -1;
		emit(c, I_JMP_IMM(BPF_JNE, R0, 0, 2));
		emit(c, I_MOV64_IMM(R0, ret));
		emit(c, I_EXIT());
	}
	emit(c, I_MOV64_REG(SCRATCH_REG, R0));
	return jnull;
}

/* The variable a $name node refers to, and where it is. */
static struct fth_var *var_of(struct cg *c, const struct fth_node *n)
{
	return n->u.ident.var ? n->u.ident.var : fth_sema_find_var(c->p, n->u.ident.name);
}

/* A variable lives in the probe's frame (reached through var_reg, see
 * struct cg) or, when big, in the scratch area, which callbacks reach
 * through r9 like the probe. */
static int var_off(struct cg *c, const struct fth_var *v)
{
	return v->stack_off >= 0 ? v->stack_off : v->stack_off + c->var_adj;
}

static int var_base(struct cg *c, const struct fth_var *v)
{
	return v->stack_off >= 0 ? SCRATCH_REG : c->var_reg;
}

/* Where the tuple element e ($t.1, $kv.0.1: a chain of .N on a variable)
 * lives: *reg + *off. False for elements of other tuple values. */
static bool tuple_elem_place(struct cg *c, const struct fth_node *e, int *reg, int *off)
{
	const struct fth_node *base = e->u.tuple_index.base;
	int base_off;

	if (base->kind == FTH_VAR) {
		*reg = var_base(c, var_of(c, base));
		base_off = var_off(c, var_of(c, base));
	} else if (base->kind == FTH_TUPLE_INDEX) {
		if (!tuple_elem_place(c, base, reg, &base_off))
			return false;
	} else {
		return false;
	}
	*off = base_off + (int)base->type->fields[e->u.tuple_index.index].offset;
	return true;
}

/* The same for an element of a map's tuple value (@t.1, @r.name): the map
 * node, and the element's offset in the value. NULL for other bases. */
static struct fth_node *tuple_elem_in_map(struct fth_node *e, int *off)
{
	struct fth_node *base = e->u.tuple_index.base, *m;
	int base_off = 0;

	if (base->kind == FTH_MAP && base->type && base->type->kind == FTH_T_TUPLE)
		m = base;
	else if (base->kind == FTH_TUPLE_INDEX)
		m = tuple_elem_in_map(base, &base_off);
	else
		return NULL;
	if (!m)
		return NULL;
	*off = base_off + (int)base->type->fields[e->u.tuple_index.index].offset;
	return m;
}

static int stack_alloc(struct cg *c, int size, struct fth_node *where)
{
	size = (size + 7) & ~7;
	if (size > STACK_ALLOC_MAX || c->stack_used + size > MAX_STACK) {
		if (c->scratch)
			return scratch_alloc(c, size, where);
		/* Generated again with the scratch area; until then keep
		 * emitting valid offsets. */
		c->wants_scratch = true;
		return -8;
	}
	c->stack_used += size;
	if (c->stack_used > c->stack_max)
		c->stack_max = c->stack_used;
	return -c->stack_used;
}

/* Where element e of a tuple that lives nowhere yet ((1, "a").1, an
 * element of a block's tuple) is, once the whole tuple is built in this
 * statement's stack: *reg + *off. */
static void tuple_elem_built(struct cg *c, struct fth_node *e, int *reg, int *off)
{
	struct fth_node *base = e->u.tuple_index.base;
	int tmp = stack_alloc(c, (int)base->type->size, e);

	emit_to_mem(c, base, fp(tmp), tmp, base->type);
	*reg = fp(tmp);
	*off = tmp + (int)base->type->fields[e->u.tuple_index.index].offset;
}

/* The widest access (8, 4, 2 or 1 bytes) that is aligned at every offset
 * given and fits in `left` bytes: the verifier rejects misaligned stack
 * accesses. Bases (frame pointer, map values, ring-buffer records) are
 * 8-byte aligned, so the offsets decide. */
static int access_width(int left, int off_a, int off_b)
{
	for (int w = 8; w > 1; w /= 2)
		if (left >= w && off_a % w == 0 && off_b % w == 0)
			return w;
	return 1;
}

/* Zero `size` bytes at base+off. */
static void emit_zero(struct cg *c, int base, int off, int size)
{
	for (int i = 0; i < size;) {
		int w = access_width(size - i, off + i, off + i);
		emit(c, I_ST_IMM(bpf_size(w), base, off + i, 0));
		i += w;
	}
}

/* Copy size bytes from [src+soff] to [dst+doff] with loads and stores. */
static void emit_copy(struct cg *c, int dst, int doff, int src, int soff, int size)
{
	for (int i = 0; i < size;) {
		int w = access_width(size - i, doff + i, soff + i);
		emit(c, I_LDX(bpf_size(w), R0, src, soff + i));
		emit(c, I_STX(bpf_size(w), dst, R0, doff + i));
		i += w;
	}
}

/* r = base + off, for passing memory to a helper. */
static void emit_addr(struct cg *c, int r, int base, int off)
{
	emit(c, I_MOV64_REG(r, base));
	if (off)
		emit(c, I_ALU64_IMM(BPF_ADD, r, off));
}

static void emit_mov_imm64(struct cg *c, int r, int64_t v)
{
	if (v >= INT32_MIN && v <= INT32_MAX)
		emit(c, I_MOV64_IMM(r, (int32_t)v));
	else
		fth_emit_ld_imm64(c->b, r, 0, (uint64_t)v);
}

static void emit_map_ref(struct cg *c, int r, int map_index)
{
	/* The loader replaces the map index with the map's fd. */
	fth_emit_ld_imm64(c->b, r, BPF_PSEUDO_MAP_FD, (uint32_t)map_index);
}

/* ------------------------------------------------------------ value pool */

static struct vreg vreg_alloc(struct cg *c, struct fth_node *where)
{
	struct vreg v = { -1, 0 };

	for (int i = 0; i < c->pool_size; i++) {
		if (!c->pool_busy[i]) {
			c->pool_busy[i] = true;
			v.reg = R7 + i;
			c->pool_depth++;
			return v;
		}
	}
	v.slot = stack_alloc(c, 8, where);
	c->pool_depth++;
	return v;
}

static void vreg_free(struct cg *c, struct vreg v)
{
	if (v.reg >= 0)
		c->pool_busy[v.reg - R7] = false;
	c->pool_depth--;
}

/* The register holding v's value: its own, or `scratch` loaded from its slot. */
static int vreg_use(struct cg *c, struct vreg v, int scratch)
{
	if (v.reg >= 0)
		return v.reg;
	emit(c, I_LDX(BPF_DW, scratch, fp(v.slot), v.slot));
	return scratch;
}

/* Store register r into v. */
static void vreg_set(struct cg *c, struct vreg v, int r)
{
	if (v.reg >= 0) {
		if (v.reg != r)
			emit(c, I_MOV64_REG(v.reg, r));
	} else {
		emit(c, I_STX(BPF_DW, fp(v.slot), r, v.slot));
	}
}

static struct vreg vreg_from_r0(struct cg *c, struct fth_node *where)
{
	struct vreg v = vreg_alloc(c, where);

	vreg_set(c, v, R0);
	return v;
}

/* --------------------------------------------------------------- helpers */

/* Sign- or zero-extend r from `size` bytes to 64 bits. */
static void emit_extend(struct cg *c, int r, int size, bool is_signed)
{
	if (size >= 8)
		return;
	if (is_signed) {
		emit(c, I_ALU64_IMM(BPF_LSH, r, 64 - size * 8));
		emit(c, I_ALU64_IMM(BPF_ARSH, r, 64 - size * 8));
	} else if (size == 4) {
		emit(c, I_MOV32_REG(r, r));
	} else {
		emit(c, I_ALU64_IMM(BPF_AND, r, (int32_t)((1u << (size * 8)) - 1)));
	}
}

/* Does writing the key expressions fill every byte of the key? Then the
 * key needs no zeroing first: an integer or a stack id (8 bytes). Anything
 * else - strings shorter than the key, tuples with padding - is zeroed so
 * equal keys hash alike. comm too: bpf_get_current_comm pads with NULs
 * only on newer kernels (6.1 stops at the NUL), and an unzeroed comm key
 * made one entry per stack garbage there (@[comm] showed one name many
 * times). */
static bool key_fully_written(const struct fth_node_list *keys, const struct fth_type *kt)
{
	(void)keys;
	return kt->kind == FTH_T_INT || kt->kind == FTH_T_KSTACK || kt->kind == FTH_T_PROBE ||
	       kt->kind == FTH_T_USERNAME || kt->kind == FTH_T_KSYM;
}

/* Build the BPF key of map m for node mapnode (@m[...]) at [r10+off].
 * Leaves room for the hist bucket after the user key. */
static int emit_map_key(struct cg *c, struct fth_map *m, struct fth_node *mapnode)
{
	int off = stack_alloc(c, (int)m->key_size, mapnode);
	struct fth_node_list *keys = &mapnode->u.map.keys;
	const struct fth_type *kt = m->key_type;

	if (!kt) {
		if (m->key_size >= 8 && !(m->value_type && m->value_type->kind == FTH_T_AGG &&
					  (m->value_type->agg == FTH_AGG_HIST || m->value_type->agg == FTH_AGG_LHIST)))
			emit(c, I_ST_IMM(BPF_DW, fp(off), off, 0));
		return off;
	}
	if (!key_fully_written(keys, kt))
		emit_zero(c, fp(off), off, (int)((kt->size + 7) & ~7u));
	if (keys->len == 1) {
		emit_to_mem(c, keys->items[0], fp(off), off, kt);
	} else {
		for (int i = 0; i < keys->len; i++)
			emit_to_mem(c, keys->items[i], fp(off + (int)kt->fields[i].offset), off + (int)kt->fields[i].offset, kt->fields[i].type);
	}
	return off;
}

/* r0 = bpf_map_lookup_elem(map, r10 + key_off) */
static void emit_lookup(struct cg *c, int map_index, int key_off)
{
	emit_map_ref(c, R1, map_index);
	emit_addr(c, R2, fp(key_off), key_off);
	emit(c, I_CALL(BPF_FUNC_map_lookup_elem));
}

/* -k: when the helper just called failed (r0 < 0), send a record with its
 * return code so the runtime can warn at `where`. Only the error branch pays:
 * the success path costs one jump, and nothing at all without -k. */
static void emit_event(struct cg *c, int action, uint32_t size, struct fth_node *where,
		       void (*fill)(struct cg *c, int rec, void *ud), void *ud);
static void emit_event_filled_in_r0(struct cg *c, int action, uint32_t size, struct fth_node *where,
				    void (*fill)(struct cg *c, int rec, void *ud), void *ud);
static int add_action(struct cg *c, enum fth_action_kind kind, struct fth_node *where);

static void fill_retcode(struct cg *c, int rec, void *ud)
{
	int slot = *(int *)ud;

	emit(c, I_LDX(BPF_DW, R1, fp(slot), slot));
	emit(c, I_STX(BPF_DW, rec, R1, 8));
}

/* The record of a failed helper: its return code is in frame slot `slot`. */
static void emit_helper_error_event(struct cg *c, const char *helper, struct fth_node *where, int slot)
{
	int id = add_action(c, FTH_ACT_HELPER_ERROR, where);
	struct fth_action *a = fth_program_action(c->prog, id);
	struct fth_type *elem = fth_type_int(8, true);

	a->text = helper;
	a->args = fth_type_tuple(&c->prog->arena, &elem, 1);
	/* fill_retcode only stores: the warning needs no register of its own
	 * (reads in printf's arguments may hold them all) */
	emit_event_filled_in_r0(c, id, 8 + a->args->size, where, fill_retcode, &slot);
}

static void emit_helper_check(struct cg *c, const char *helper, struct fth_node *where)
{
	int skip, slot;

	if (!c->prog->config.helper_warnings || !where)
		return;
	skip = emit(c, I_JMP_IMM(BPF_JSGE, R0, 0, 0));
	slot = stack_alloc(c, 8, where);
	emit(c, I_STX(BPF_DW, fp(slot), R0, slot));
	emit_helper_error_event(c, helper, where, slot);
	fth_patch_jump_here(c->b, skip);
}

/* -k, on the branch where a map read found no element (r0 == NULL): warn
 * at `where`, as bpftrace does, with return code 0. */
static void emit_lookup_miss_warning(struct cg *c, struct fth_node *where)
{
	int slot;

	if (!c->prog->config.helper_warnings)
		return;
	slot = stack_alloc(c, 8, where);
	emit(c, I_ST_IMM(BPF_DW, fp(slot), slot, 0));
	emit_helper_error_event(c, "map_lookup_elem", where, slot);
}

static const char *probe_read_name(int helper)
{
	switch (helper) {
	case BPF_FUNC_probe_read_user: return "probe_read_user";
	case BPF_FUNC_probe_read_kernel: return "probe_read_kernel";
	case BPF_FUNC_probe_read_user_str: return "probe_read_user_str";
	case BPF_FUNC_probe_read_kernel_str: return "probe_read_kernel_str";
	case BPF_FUNC_probe_read_str: return "probe_read_str";
	default: return "probe_read";
	}
}

/* The helper reading the memory behind e (a member, element or
 * dereference; a string when `str`): by the address space of the pointer
 * it is reached through, the legacy bpf_probe_read(_str) when it has none. */
static int deref_read_helper(const struct fth_node *e, bool str)
{
	if (fth_sema_user_memory(e))
		return str ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_user;
	if (fth_sema_unset_memory(e))
		return str ? BPF_FUNC_probe_read_str : BPF_FUNC_probe_read;
	return str ? BPF_FUNC_probe_read_kernel_str : BPF_FUNC_probe_read_kernel;
}

/* After a map update: when it failed because the map is full (-E2BIG),
 * count it in slot 1 of the lost counter so the runtime can say so instead
 * of dropping the element silently.
 *
 * The probe's own code counts into the frame without a branch
 * (counts_slot, zeroed by the prologue), added to fth_lost once at the
 * end (emit_flush_map_full): a jump to an update of fth_lost after every
 * map update gave the verifier a path per update to walk until it met a
 * state it had seen; in a program of hundreds of them (tetris.bt) that
 * was most of its million instructions. Loop callbacks (their own frame)
 * and a first pass without the counter (see codegen_prog) jump. */
static void emit_count_map_full(struct cg *c)
{
	int skip, key;

	if (c->cur_func < 0 && c->counts_slot) {
		/* r0 + E2BIG is 0 exactly when the update said -E2BIG; x | -x
		 * has its sign bit set exactly when x is not 0 */
		emit(c, I_ALU64_IMM(BPF_ADD, R0, E2BIG));
		emit(c, I_MOV64_REG(R1, R0));
		emit(c, fth_insn(BPF_ALU64 | BPF_NEG, R0, 0, 0, 0));
		emit(c, I_ALU64_REG(BPF_OR, R0, R1));
		emit(c, I_ALU64_IMM(BPF_RSH, R0, 63));
		emit(c, I_ALU64_IMM(BPF_XOR, R0, 1));
		emit(c, I_LDX(BPF_DW, R1, fp(c->counts_slot), c->counts_slot));
		emit(c, I_ALU64_REG(BPF_ADD, R1, R0));
		emit(c, I_STX(BPF_DW, fp(c->counts_slot), R1, c->counts_slot));
		c->counted = true;
		return;
	}
	if (c->cur_func < 0)
		c->wants_counts = true;
	skip = emit(c, I_JMP_IMM(BPF_JNE, R0, -E2BIG, 0));
	key = stack_alloc(c, 8, c->p->probe);
	emit(c, I_ST_IMM(BPF_W, fp(key), key, FTH_LOST_MAP_FULL));
	emit_lookup(c, c->prog->lost_map, key);
	emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 2));
	emit(c, I_MOV64_IMM(R1, 1));
	emit(c, I_ATOMIC_ADD(BPF_DW, R0, R1, 0));
	fth_patch_jump_here(c->b, skip);
}

/* At the probe's end: the refused updates the frame counted, if any,
 * added to fth_lost. */
static void emit_flush_map_full(struct cg *c)
{
	int skip, jnull, key;

	if (!c->counted)
		return;
	emit(c, I_LDX(BPF_DW, R1, fp(c->counts_slot), c->counts_slot));
	skip = emit(c, I_JMP_IMM(BPF_JEQ, R1, 0, 0));
	key = stack_alloc(c, 8, c->p->probe);
	emit(c, I_ST_IMM(BPF_W, fp(key), key, FTH_LOST_MAP_FULL));
	emit_lookup(c, c->prog->lost_map, key);
	jnull = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit(c, I_LDX(BPF_DW, R1, fp(c->counts_slot), c->counts_slot));
	emit(c, I_ATOMIC_ADD(BPF_DW, R0, R1, 0));
	fth_patch_jump_here(c->b, skip);
	fth_patch_jump_here(c->b, jnull);
}

/* With -k, any other failure of the update is reported as a helper error.
 * The success path still takes a single jump; -E2BIG stays with the
 * map-full count, and -EEXIST from a BPF_NOEXIST insert only means that
 * another CPU inserted the key first. */
static void emit_map_update_result(struct cg *c, struct fth_node *where)
{
	int ok, full, exists, done;

	if (!c->prog->config.helper_warnings || !where) {
		emit_count_map_full(c);
		return;
	}
	ok = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	exists = emit(c, I_JMP_IMM(BPF_JEQ, R0, -EEXIST, 0));
	full = emit(c, I_JMP_IMM(BPF_JEQ, R0, -E2BIG, 0));
	emit_helper_check(c, "map_update_elem", where);
	done = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, full);
	emit_count_map_full(c);
	fth_patch_jump_here(c->b, ok);
	fth_patch_jump_here(c->b, exists);
	fth_patch_jump_here(c->b, done);
}

/* bpf_map_update_elem(map, r10 + key_off, r10 + val_off, flags) */
static void emit_update(struct cg *c, int map_index, int key_off, int val_off, int flags,
			struct fth_node *where)
{
	emit_map_ref(c, R1, map_index);
	emit_addr(c, R2, fp(key_off), key_off);
	emit_addr(c, R3, fp(val_off), val_off);
	emit(c, I_MOV64_IMM(R4, flags));
	emit(c, I_CALL(BPF_FUNC_map_update_elem));
	emit_map_update_result(c, where);
}

/* The address of the context as a plain number, for tracepoint __data_loc
 * strings: the verifier forbids adding a run-time offset to the ctx
 * pointer, but a copy of its value read back through probe_read is a
 * scalar it lets us do arithmetic on. Returns the frame slot holding it. */
static int ctx_scalar(struct cg *c, struct fth_node *where)
{
	int ptr_slot = stack_alloc(c, 8, where);
	int val_slot = stack_alloc(c, 8, where);

	emit(c, I_STX(BPF_DW, fp(ptr_slot), R6, ptr_slot));
	emit_addr(c, R1, fp(val_slot), val_slot);
	emit(c, I_MOV64_IMM(R2, 8));
	emit_addr(c, R3, fp(ptr_slot), ptr_slot);
	emit(c, I_CALL(BPF_FUNC_probe_read_kernel));
	return val_slot;
}

/* ------------------------------------------------------------ tracepoints */

static void emit_tp_field_load(struct cg *c, const struct fth_tp_field *f, uint32_t extra_off, int size,
			       bool is_signed, int r)
{
	emit(c, I_LDX(bpf_size(size), r, R6, (int16_t)(f->offset + extra_off)));
	emit_extend(c, r, size, is_signed);
}

/* Copy a tracepoint string field (char[N] or __data_loc char[]) into memory. */
static void emit_tp_string(struct cg *c, const struct fth_tp_field *f, int base, int off, const struct fth_type *t,
			   struct fth_node *where)
{
	int cap = (int)t->size;

	emit_zero(c, base, off, cap);
	if (f->data_loc) {
		int slot = ctx_scalar(c, where);
		/* loc = u32 at the field: high 16 bits length, low 16 offset. */
		emit(c, I_LDX(BPF_W, R3, R6, (int16_t)f->offset));
		emit(c, I_ALU64_IMM(BPF_AND, R3, 0xffff));
		emit(c, I_LDX(BPF_DW, R0, fp(slot), slot));
		emit(c, I_ALU64_REG(BPF_ADD, R3, R0));
		emit_addr(c, R1, base, off);
		emit(c, I_MOV64_IMM(R2, cap));
		emit(c, I_CALL(BPF_FUNC_probe_read_kernel_str));
		return;
	}
	{
		/* Up to the NUL only: bytes after it would make equal strings
		 * differ as map keys. */
		int n = f->array_len < cap ? f->array_len : cap;
		emit_addr(c, R1, base, off);
		emit(c, I_MOV64_IMM(R2, n));
		emit_addr(c, R3, R6, (int)f->offset);
		emit(c, I_CALL(BPF_FUNC_probe_read_kernel_str));
	}
}

static const struct fth_tp_field *tp_field_of(struct cg *c, struct fth_node *e)
{
	return fth_sema_tp_field(c->p, e->u.field.name);
}

/* ---------------------------------------------------------------- builtins */

/* R0 = tgid << 32 | pid of the current task, as get_current_pid_tgid
 * gives it, but numbered as fathom's own pid namespace sees it when
 * fathom runs in one (config.pidns_ino), as bpftrace does. */
static void emit_current_pid_tgid(struct cg *c, struct fth_node *where)
{
	const struct fth_config *cfg = &c->prog->config;
	int saved = c->stack_used, slot;

	if (!cfg->pidns_ino) {
		emit(c, I_CALL(BPF_FUNC_get_current_pid_tgid));
		return;
	}
	/* struct bpf_pidns_info { u32 pid; u32 tgid; } on the stack */
	slot = stack_alloc(c, 8, where);
	fth_emit_ld_imm64(c->b, R1, 0, cfg->pidns_dev);
	fth_emit_ld_imm64(c->b, R2, 0, cfg->pidns_ino);
	emit(c, I_MOV64_REG(R3, fp(slot)));
	emit(c, I_ALU64_IMM(BPF_ADD, R3, slot));
	emit(c, I_MOV64_IMM(R4, 8));
	emit(c, I_CALL(BPF_FUNC_get_ns_current_pid_tgid));
	emit(c, I_LDX(BPF_W, R0, fp(slot), (int16_t)(slot + 4)));
	emit(c, I_ALU64_IMM(BPF_LSH, R0, 32));
	emit(c, I_LDX(BPF_W, R1, fp(slot), (int16_t)slot));
	emit(c, I_ALU64_REG(BPF_OR, R0, R1));
	c->stack_used = saved;
}

static struct vreg emit_builtin(struct cg *c, struct fth_node *e)
{
	const char *n = e->u.ident.name;
	struct vreg v;

	if (!strcmp(n, "pid") || !strcmp(n, "tid")) {
		emit_current_pid_tgid(c, e);
		if (n[0] == 'p')
			emit(c, I_ALU64_IMM(BPF_RSH, R0, 32));
		else
			emit(c, I_MOV32_REG(R0, R0));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "uid") || !strcmp(n, "gid") || !strcmp(n, "username")) {
		emit(c, I_CALL(BPF_FUNC_get_current_uid_gid));
		if (n[0] == 'g')
			emit(c, I_ALU64_IMM(BPF_RSH, R0, 32));
		else
			emit(c, I_MOV32_REG(R0, R0));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "nsecs") || !strcmp(n, "elapsed")) {
		emit(c, I_CALL(BPF_FUNC_ktime_get_boot_ns));
		v = vreg_from_r0(c, e);
		if (n[0] == 'e') {
			int r = vreg_use(c, v, R1);
			fth_emit_ld_imm64(c->b, R2, 0, (uint64_t)c->prog->config.start_boot_ns);
			emit(c, I_ALU64_REG(BPF_SUB, r, R2));
			vreg_set(c, v, r);
		}
		return v;
	}
	if (!strcmp(n, "cpu")) {
		emit(c, I_CALL(BPF_FUNC_get_smp_processor_id));
		return vreg_from_r0(c, e);
	}
	if (!strncmp(n, "arg", 3) && c->p->inst->regs_ctx)
		return emit_regs_arg(c, e, atoi(n + 3));
	if (!strncmp(n, "sarg", 4) && c->p->inst->regs_ctx)
		return emit_stack_arg(c, e, atoi(n + 4));
	if (!strcmp(n, "retval") && c->p->inst->regs_ctx)
		return emit_reg_read(c, e, fth_pt_regs_offset("ax"));
	if (!strcmp(n, "retval") && c->p->inst->has_retval)
		/* fexit: the return value follows the arguments in the context */
		return emit_ctx_arg(c, e, (uint32_t)c->p->inst->nargs * 8);
	if (!strncmp(n, "arg", 3) && c->p->inst->argn_from_ctx)
		return emit_ctx_arg(c, e, (uint32_t)atoi(n + 3) * 8);
	if (!strcmp(n, "rand")) {
		emit(c, I_CALL(BPF_FUNC_get_prandom_u32));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "cgroup")) {
		emit(c, I_CALL(BPF_FUNC_get_current_cgroup_id));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "curtask")) {
		emit(c, I_CALL(BPF_FUNC_get_current_task));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "ctx")) {
		/* r6 keeps the context in the probe (a loop callback has none:
		 * sema keeps ctx out of callbacks) */
		emit(c, I_MOV64_REG(R0, R6));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "numaid")) {
		emit(c, I_CALL(BPF_FUNC_get_numa_node_id));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "jiffies")) {
		emit(c, I_CALL(BPF_FUNC_jiffies64));
		return vreg_from_r0(c, e);
	}
	if (!strcmp(n, "usermode")) {
		int r;
		if (!c->p->inst->regs_ctx) {
			v = vreg_alloc(c, e);
			emit(c, I_MOV64_IMM(R0, 1));
			vreg_set(c, v, R0);
			return v;
		}
		/* (regs->cs & 3) == 3: the privilege level of the code segment */
		v = emit_reg_read(c, e, fth_pt_regs_offset("cs"));
		r = vreg_use(c, v, R1);
		emit(c, I_ALU64_IMM(BPF_AND, r, 3));
		emit(c, I_ALU64_IMM(BPF_RSH, r, 1)); /* 3 -> 1, 0 -> 0 */
		vreg_set(c, v, r);
		return v;
	}
	if (!strcmp(n, "kstack")) {
		emit_stackid(c, e->type, e);
		return vreg_from_r0(c, e);
	}
	v = vreg_alloc(c, e);
	if (!strcmp(n, "probe") && c->p->inst->multi_leader) {
		/* one program for many instances: the link's cookie says which */
		emit(c, I_MOV64_REG(R1, R6));
		emit(c, I_CALL(BPF_FUNC_get_attach_cookie));
	} else if (!strcmp(n, "probe")) {
		emit(c, I_MOV64_IMM(R0, c->p->probe_index));
	} else if (!strcmp(n, "ncpus")) {
		emit_mov_imm64(c, R0, c->prog->config.ncpus);
	} else {
		cg_error(c, e, "internal error: builtin without code generation");
		emit(c, I_MOV64_IMM(R0, 0));
	}
	vreg_set(c, v, R0);
	return v;
}

/* ------------------------------------------------------------- map reads */

/* r0 = pointer to the value of @m[keys] for this CPU, or NULL. */
static void emit_map_lookup_node(struct cg *c, struct fth_map *m, struct fth_node *mapnode)
{
	int key = emit_map_key(c, m, mapnode);

	emit_lookup(c, m->index, key);
}

/* An aggregation read in a probe: the values of every CPU reduced, with
 * bpf_map_lookup_percpu_elem (one lookup per possible CPU). */
static struct vreg emit_agg_reduce(struct cg *c, struct fth_map *m, int key, struct fth_node *e);

static struct vreg emit_agg_read(struct cg *c, struct fth_node *e, struct fth_map *m)
{
	return emit_agg_reduce(c, m, emit_map_key(c, m, e), e);
}

/* The value of the aggregation at the key in frame slot `key`, summed (or
 * min/max-ed) over every CPU. */
static struct vreg emit_agg_reduce(struct cg *c, struct fth_map *m, int key, struct fth_node *e)
{
	enum fth_agg_kind agg = m->value_type->agg;
	int acc = stack_alloc(c, 16, e); /* value (or count), total / set flag */
	struct vreg v;

	emit(c, I_ST_IMM(BPF_DW, fp(acc), acc, 0));
	emit(c, I_ST_IMM(BPF_DW, fp(acc + 8), acc + 8, 0));
	for (int cpu = 0; cpu < c->prog->config.ncpus; cpu++) {
		int skip;
		emit_map_ref(c, R1, m->index);
		emit_addr(c, R2, fp(key), key);
		emit(c, I_MOV64_IMM(R3, cpu));
		emit(c, I_CALL(BPF_FUNC_map_lookup_percpu_elem));
		skip = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
		emit(c, I_LDX(BPF_DW, R1, R0, 0));
		emit(c, I_LDX(BPF_DW, R3, fp(acc), acc));
		switch (agg) {
		case FTH_AGG_MIN:
		case FTH_AGG_MAX: {
			/* take this CPU's value if it is set and beats the
			 * accumulator, or the accumulator is still unset */
			emit(c, I_LDX(BPF_DW, R2, R0, 8));
			emit(c, I_JMP_IMM(BPF_JEQ, R2, 0, 6));
			emit(c, I_LDX(BPF_DW, R2, fp(acc + 8), acc + 8));
			emit(c, I_JMP_IMM(BPF_JEQ, R2, 0, 1));
			emit(c, I_JMP_REG(agg == FTH_AGG_MIN ? BPF_JSGE : BPF_JSLE, R1, R3, 3));
			emit(c, I_STX(BPF_DW, fp(acc), R1, acc));
			emit(c, I_MOV64_IMM(R2, 1));
			emit(c, I_STX(BPF_DW, fp(acc + 8), R2, acc + 8));
			break;
		}
		case FTH_AGG_AVG:
			emit(c, I_ALU64_REG(BPF_ADD, R3, R1));
			emit(c, I_STX(BPF_DW, fp(acc), R3, acc));
			emit(c, I_LDX(BPF_DW, R1, R0, 8));
			emit(c, I_LDX(BPF_DW, R3, fp(acc + 8), acc + 8));
			emit(c, I_ALU64_REG(BPF_ADD, R3, R1));
			emit(c, I_STX(BPF_DW, fp(acc + 8), R3, acc + 8));
			break;
		default:
			emit(c, I_ALU64_REG(BPF_ADD, R3, R1));
			emit(c, I_STX(BPF_DW, fp(acc), R3, acc));
			break;
		}
		fth_patch_jump_here(c->b, skip);
	}
	emit(c, I_LDX(BPF_DW, R0, fp(acc), acc));
	if (agg == FTH_AGG_AVG) {
		/* total / count, 0 when nothing was recorded. The total is
		 * signed and the quotient truncates toward zero, as the printed
		 * average does: a negative total is divided as its magnitude. */
		emit(c, I_LDX(BPF_DW, R1, fp(acc + 8), acc + 8));
		emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 7));
		emit(c, I_JMP_IMM(BPF_JSLT, R1, 0, 3));
		emit(c, I_ALU64_REG(BPF_DIV, R1, R0));
		emit(c, I_MOV64_REG(R0, R1));
		emit(c, I_JA(3));
		emit(c, fth_insn(BPF_ALU64 | BPF_NEG, R1, 0, 0, 0));
		emit(c, I_ALU64_REG(BPF_DIV, R1, R0));
		emit(c, fth_insn(BPF_ALU64 | BPF_NEG, R1, 0, 0, 0));
		emit(c, I_MOV64_REG(R0, R1));
	}
	v = vreg_from_r0(c, e);
	return v;
}

/* Keys whose value cannot change during one run of a program. */
static bool stable_key(const struct fth_node *k)
{
	if (k->kind == FTH_INT || k->kind == FTH_POSITIONAL)
		return true;
	return k->kind == FTH_IDENT && (!strcmp(k->u.ident.name, "tid") || !strcmp(k->u.ident.name, "pid") ||
					!strcmp(k->u.ident.name, "cpu") || !strcmp(k->u.ident.name, "comm") ||
					!strcmp(k->u.ident.name, "uid") || !strcmp(k->u.ident.name, "cgroup"));
}

static bool same_stable_key(const struct fth_node *a, const struct fth_node *b)
{
	if (a->kind != b->kind || !stable_key(a))
		return false;
	if (a->kind == FTH_IDENT)
		return !strcmp(a->u.ident.name, b->u.ident.name);
	if (a->kind == FTH_POSITIONAL)
		return a->u.positional.index == b->u.positional.index;
	return a->u.integer == b->u.integer;
}

static bool same_map_read(const struct fth_node *a, const struct fth_node *b)
{
	if (strcmp(a->u.map.name, b->u.map.name) || a->u.map.keys.len != b->u.map.keys.len)
		return false;
	for (int i = 0; i < a->u.map.keys.len; i++)
		if (!same_stable_key(a->u.map.keys.items[i], b->u.map.keys.items[i]))
			return false;
	return true;
}

/* The program writes map `map`: earlier reads of it may be stale. */
static void forget_map_reads(struct cg *c, int map)
{
	int n = 0;

	for (int i = 0; i < c->nreads; i++)
		if (c->reads[i].map != map)
			c->reads[n++] = c->reads[i];
	c->nreads = n;
}

static struct vreg emit_map_read_int(struct cg *c, struct fth_node *e)
{
	struct fth_map *m = fth_program_find_map(c->prog, e->u.map.name);
	struct vreg v;
	int j;

	if (m->value_type->kind == FTH_T_AGG)
		return emit_agg_read(c, e, m);
	for (int i = 0; i < c->nreads; i++) {
		if (c->reads[i].map == m->index && same_map_read(c->reads[i].read, e)) {
			emit(c, I_LDX(BPF_DW, R0, fp(c->reads[i].slot), c->reads[i].slot));
			return vreg_from_r0(c, e);
		}
	}
	emit_map_lookup_node(c, m, e);
	/* A missing key reads as zero. */
	if (c->prog->config.helper_warnings) {
		int jhit = emit(c, I_JMP_IMM(BPF_JNE, R0, 0, 0));
		emit_lookup_miss_warning(c, e);
		emit(c, I_MOV64_IMM(R0, 0));
		j = emit(c, I_JA(0));
		fth_patch_jump_here(c->b, jhit);
		emit(c, I_LDX(BPF_DW, R0, R0, 0));
	} else {
		j = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
		emit(c, I_LDX(BPF_DW, R0, R0, 0));
	}
	fth_patch_jump_here(c->b, j);
	if (c->in_predicate && c->nreads < (int)(sizeof(c->reads) / sizeof(c->reads[0]))) {
		bool cacheable = true;
		for (int i = 0; i < e->u.map.keys.len; i++)
			cacheable = cacheable && stable_key(e->u.map.keys.items[i]);
		if (cacheable) {
			/* the predicate's frame space lives as long as the body */
			int slot = stack_alloc(c, 8, e);
			emit(c, I_STX(BPF_DW, fp(slot), R0, slot));
			c->reads[c->nreads++] = (struct read_cache){ e, m->index, slot };
		}
	}
	v = vreg_from_r0(c, e);
	return v;
}

/* ----------------------------------------------------------- expressions */

static bool type_signed(const struct fth_type *t)
{
	return t && t->kind == FTH_T_INT && t->is_signed;
}

/* The BPF jump taken when `a op b` holds (negate: when it does not). */
static int compare_jump_op(int op, bool is_signed, bool negate)
{
	static const int mirror[][2] = { { TOK_EQ, TOK_NE }, { TOK_LT, TOK_GE }, { TOK_LE, TOK_GT } };

	for (size_t i = 0; negate && i < sizeof(mirror) / sizeof(mirror[0]); i++) {
		if (op == mirror[i][0] || op == mirror[i][1]) {
			op = op == mirror[i][0] ? mirror[i][1] : mirror[i][0];
			break;
		}
	}
	switch (op) {
	case TOK_EQ: return BPF_JEQ;
	case TOK_NE: return BPF_JNE;
	case TOK_LT: return is_signed ? BPF_JSLT : BPF_JLT;
	case TOK_LE: return is_signed ? BPF_JSLE : BPF_JLE;
	case TOK_GT: return is_signed ? BPF_JSGT : BPF_JGT;
	default: return is_signed ? BPF_JSGE : BPF_JGE;
	}
}

/* A comparison of two integers (not strings, buffers or compound values,
 * which compare their memory). */
static bool is_int_comparison(const struct fth_node *e)
{
	int op;
	const struct fth_type *l;

	if (e->kind != FTH_BINARY)
		return false; /* (u.binary is another member of the union then) */
	op = e->u.binary.op;
	l = e->u.binary.lhs->type;
	if (op != TOK_EQ && op != TOK_NE && op != TOK_LT && op != TOK_LE && op != TOK_GT && op != TOK_GE)
		return false;
	if ((op == TOK_EQ || op == TOK_NE) &&
	    ((l && (l->kind == FTH_T_STRING || l->kind == FTH_T_BUFFER)) || e->u.binary.cmp_type))
		return false;
	return true;
}

/* A literal that fits an instruction's 32-bit immediate (sign-extended
 * to 64 bits as the value is): 7, true, -1. */
static bool imm_literal(const struct fth_node *e, int32_t *imm)
{
	int64_t v;

	if (e->kind == FTH_INT || e->kind == FTH_BOOL)
		v = (int64_t)e->u.integer;
	else if (e->kind == FTH_UNARY && e->u.unary.op == TOK_MINUS && e->u.unary.operand->kind == FTH_INT)
		v = -(int64_t)e->u.unary.operand->u.integer;
	else
		return false;
	if (v < INT32_MIN || v > INT32_MAX)
		return false;
	*imm = (int32_t)v;
	return true;
}

/* The operands of an integer comparison, ready for one jump: the left in a
 * register, the right in a register or, a literal that fits the jump's
 * 32-bit field (sign-extended as the 64-bit value is), as an immediate. */
struct compare_operands {
	struct vreg a, b;
	int ra, rb; /* rb < 0: compare with imm */
	int32_t imm;
	bool is_signed;
};

static struct compare_operands emit_compare_operands(struct cg *c, struct fth_node *e)
{
	struct fth_node *l = e->u.binary.lhs, *r = e->u.binary.rhs;
	struct compare_operands o = { .rb = -1 };

	/* bpftrace compares as signed only when both sides are signed:
	 * uint64 > -1 is false, as in C. */
	o.is_signed = type_signed(l->type) && type_signed(r->type);
	o.a = emit_int(c, l);
	if (!imm_literal(r, &o.imm)) {
		o.b = emit_int(c, r);
		o.rb = vreg_use(c, o.b, R2);
	}
	o.ra = vreg_use(c, o.a, R1);
	return o;
}

static void free_compare_operands(struct cg *c, struct compare_operands *o)
{
	if (o->rb >= 0)
		vreg_free(c, o->b);
	vreg_free(c, o->a);
}

static int emit_compare_jump(struct cg *c, int op, const struct compare_operands *o, bool negate, int off)
{
	int jop = compare_jump_op(op, o->is_signed, negate);

	if (o->rb < 0)
		return emit(c, I_JMP_IMM(jop, o->ra, o->imm, off));
	return emit(c, I_JMP_REG(jop, o->ra, o->rb, off));
}

/* Comparisons as values are computed without a branch. A branch would
 * leave a different constant (0 or 1) on each path, and as soon as a later
 * test of that value is decided by it the verifier must tell the paths
 * apart: every such value still live doubles the states it walks (a dozen
 * nested `(a && b) == (c || d)`, or `$n += @m[$i] >= 0` in an unrolled
 * loop, exceed its million instructions). Computed with arithmetic the
 * value is one scalar in [0, 1] on a single path. Pointers keep the jumps:
 * the verifier refuses arithmetic that mixes them. */
static bool is_plain_int(const struct fth_type *t)
{
	return !t || t->kind == FTH_T_INT || t->kind == FTH_T_BOOL;
}

/* A value that may be an address the verifier tracks (the context, a
 * frame or map address), whatever its casts say: `(uint64)ctx`, a
 * pointer, or a variable assigned one of those. */
static bool may_be_bpf_pointer(const struct fth_node *e)
{
	while (e->kind == FTH_CAST) {
		if (!is_plain_int(e->type))
			return true;
		e = e->u.cast.operand;
	}
	if (e->type && e->type->kind == FTH_T_POINTER)
		return true;
	if (e->kind == FTH_IDENT)
		return !strcmp(e->u.ident.name, "ctx");
	if (e->kind == FTH_VAR)
		return e->u.ident.var && e->u.ident.var->holds_pointer;
	return false;
}

/* An integer operand that arithmetic may combine with others. */
static bool is_plain_operand(const struct fth_node *e)
{
	return is_plain_int(e->type) && !may_be_bpf_pointer(e);
}

/* dst OP= the right operand (a register, or the immediate when rb < 0). */
static void emit_alu_operand(struct cg *c, int op, int dst, const struct compare_operands *o)
{
	if (o->rb < 0)
		emit(c, I_ALU64_IMM(op, dst, o->imm));
	else
		emit(c, I_ALU64_REG(op, dst, o->rb));
}

/* r0 = the sign bit of x - y's true result, that is x < y: Hacker's Delight
 * 2-12, ((x - y) ^ ((x ^ y) & ((x - y) ^ x))) >> 63 signed and
 * ((~x & y) | ((~x | y) & (x - y))) >> 63 unsigned. x is ra, y the right
 * operand; r3 and r4 are scratch. */
static void emit_less_than_r0(struct cg *c, const struct compare_operands *o)
{
	int x = o->ra;

	if (o->is_signed && o->rb < 0 && o->imm == 0) { /* x < 0: its sign */
		emit(c, I_MOV64_REG(R0, x));
	} else if (o->is_signed) {
		emit(c, I_MOV64_REG(R0, x));
		emit_alu_operand(c, BPF_SUB, R0, o); /* d = x - y */
		emit(c, I_MOV64_REG(R3, x));
		emit_alu_operand(c, BPF_XOR, R3, o); /* x ^ y */
		emit(c, I_MOV64_REG(R4, R0));
		emit(c, I_ALU64_REG(BPF_XOR, R4, x)); /* d ^ x */
		emit(c, I_ALU64_REG(BPF_AND, R3, R4));
		emit(c, I_ALU64_REG(BPF_XOR, R0, R3));
	} else {
		emit(c, I_MOV64_REG(R0, x));
		emit(c, I_ALU64_IMM(BPF_XOR, R0, -1)); /* ~x */
		emit(c, I_MOV64_REG(R3, R0));
		emit_alu_operand(c, BPF_AND, R3, o); /* ~x & y */
		emit_alu_operand(c, BPF_OR, R0, o);  /* ~x | y */
		emit(c, I_MOV64_REG(R4, x));
		emit_alu_operand(c, BPF_SUB, R4, o); /* x - y */
		emit(c, I_ALU64_REG(BPF_AND, R0, R4));
		emit(c, I_ALU64_REG(BPF_OR, R0, R3));
	}
	emit(c, I_ALU64_IMM(BPF_RSH, R0, 63));
}

/* r0 = (r != 0): x | -x has its sign bit set exactly when x is not 0.
 * r may be r0 itself (r3 keeps x then). */
static void emit_nonzero_r0(struct cg *c, int r)
{
	int x = r;

	if (r == R0) {
		emit(c, I_MOV64_REG(R3, R0));
		x = R3;
	} else {
		emit(c, I_MOV64_REG(R0, r));
	}
	emit(c, fth_insn(BPF_ALU64 | BPF_NEG, R0, 0, 0, 0));
	emit(c, I_ALU64_REG(BPF_OR, R0, x));
	emit(c, I_ALU64_IMM(BPF_RSH, R0, 63));
}

/* r0 = (a op b), 0 or 1, from the operands o without a jump. a > b and
 * a <= b are b < a and its negation: the operands swap, which needs the
 * right one in a register. */
static void emit_compare_r0(struct cg *c, int op, struct compare_operands *o)
{
	bool negate = op == TOK_EQ || op == TOK_GE || op == TOK_LE;

	if (op == TOK_GT || op == TOK_LE) {
		struct compare_operands swapped = *o;
		if (o->rb < 0) {
			emit(c, I_MOV64_IMM(R2, o->imm));
			swapped.ra = R2;
		} else {
			swapped.ra = o->rb;
		}
		swapped.rb = o->ra;
		emit_less_than_r0(c, &swapped);
	} else if (op == TOK_LT || op == TOK_GE) {
		emit_less_than_r0(c, o);
	} else {
		emit(c, I_MOV64_REG(R0, o->ra));
		if (o->rb >= 0 || o->imm)
			emit_alu_operand(c, BPF_XOR, R0, o); /* 0 when equal */
		emit_nonzero_r0(c, R0);
	}
	if (negate)
		emit(c, I_ALU64_IMM(BPF_XOR, R0, 1));
}

/* (a op b) as a value, 0 or 1, in a's place: computed branch-free for
 * integers (see above); pointers set 1 and jump over setting 0 when it
 * holds. */
static struct vreg emit_compare_value(struct cg *c, struct fth_node *e)
{
	struct compare_operands o = emit_compare_operands(c, e);
	bool plain = is_plain_operand(e->u.binary.lhs) && is_plain_operand(e->u.binary.rhs);

	if (plain) {
		emit_compare_r0(c, e->u.binary.op, &o);
	} else {
		emit(c, I_MOV64_IMM(R0, 1));
		emit_compare_jump(c, e->u.binary.op, &o, false, 1);
		emit(c, I_MOV64_IMM(R0, 0));
	}
	vreg_set(c, o.a, R0);
	if (o.rb >= 0)
		vreg_free(c, o.b);
	return o.a;
}

/* Forward jumps waiting for one target, patched together when it comes. */
struct jump_list {
	int *at;
	int n, cap;
};

static void jump_list_add(struct cg *c, struct jump_list *l, int insn, struct fth_node *where)
{
	int *at = fth_vec_grow(l->at, l->n, &l->cap, sizeof(*at), 8);

	if (!at) {
		cg_error(c, where, "out of memory");
		return;
	}
	l->at = at;
	l->at[l->n++] = insn;
}

/* The target is the next instruction: patch every jump, empty the list. */
static void jump_list_land(struct cg *c, struct jump_list *l)
{
	for (int i = 0; i < l->n; i++)
		fth_patch_jump_here(c->b, l->at[i]);
	free(l->at);
	*l = (struct jump_list){ 0 };
}

static bool is_logical(const struct fth_node *e)
{
	return e->kind == FTH_BINARY && (e->u.binary.op == TOK_ANDAND || e->u.binary.op == TOK_OROR);
}

static bool is_not(const struct fth_node *e)
{
	return e->kind == FTH_UNARY && e->u.unary.op == TOK_BANG;
}

static void emit_cond_jumps(struct cg *c, struct fth_node *cond, bool when, struct jump_list *taken);
static void emit_test_jumps(struct cg *c, struct fth_node *cond, bool when, struct jump_list *taken);

/* == / != of strings or buf()s, which compare their bytes. */
static bool is_string_comparison(const struct fth_node *e)
{
	const struct fth_type *l;

	if (e->kind != FTH_BINARY || (e->u.binary.op != TOK_EQ && e->u.binary.op != TOK_NE))
		return false;
	l = e->u.binary.lhs->type;
	return l && (l->kind == FTH_T_STRING || l->kind == FTH_T_BUFFER);
}

/* String equality as jumps: both operands written to the stack, compared
 * byte-wise up to the first NUL or the shorter capacity (buf()s too, from
 * their length header on, as bpftrace compares them). A differing byte
 * decides "not equal", a NUL both share or the end "equal"; the outcome
 * sought jumps to `taken`, the other falls through. */
static void emit_string_compare_jumps(struct cg *c, struct fth_node *e, bool when, struct jump_list *taken)
{
	struct fth_node *l = e->u.binary.lhs, *r = e->u.binary.rhs;
	int size = (int)(l->type->size < r->type->size ? l->type->size : r->type->size);
	int loff = stack_alloc(c, (int)l->type->size, e);
	int roff = stack_alloc(c, (int)r->type->size, e);
	bool equal_is_taken = when == (e->u.binary.op == TOK_EQ);
	struct jump_list stay = { 0 };

	emit_to_mem(c, l, fp(loff), loff, l->type);
	emit_to_mem(c, r, fp(roff), roff, r->type);
	for (int i = 0; i < size; i++) {
		emit(c, I_LDX(BPF_B, R1, fp(loff + i), loff + i));
		emit(c, I_LDX(BPF_B, R2, fp(roff + i), roff + i));
		jump_list_add(c, equal_is_taken ? &stay : taken, emit(c, I_JMP_REG(BPF_JNE, R1, R2, 0)), e);
		/* the last byte compared decides by itself: no test for its NUL */
		if (i + 1 < size)
			jump_list_add(c, equal_is_taken ? taken : &stay, emit(c, I_JMP_IMM(BPF_JEQ, R1, 0, 0)), e);
	}
	if (equal_is_taken)
		jump_list_add(c, taken, emit(c, I_JA(0)), e);
	jump_list_land(c, &stay);
}

/* == / != of tuples, structs or arrays (sema set the layout they compare in). */
static bool is_memory_comparison(const struct fth_node *e)
{
	return e->kind == FTH_BINARY && (e->u.binary.op == TOK_EQ || e->u.binary.op == TOK_NE) &&
	       e->u.binary.cmp_type && !is_string_comparison(e);
}

/* a == b / a != b of tuples, structs or arrays as jumps: both written
 * zero-padded in the layout sema chose, then compared a word at a time;
 * the first difference decides "not equal", the end "equal". */
static void emit_memory_compare_jumps(struct cg *c, struct fth_node *e, bool when, struct jump_list *taken)
{
	const struct fth_type *t = e->u.binary.cmp_type;
	int size = (int)t->size;
	int a = stack_alloc(c, size, e), b = stack_alloc(c, size, e);
	bool equal_is_taken = when == (e->u.binary.op == TOK_EQ);
	struct jump_list differ = { 0 };

	emit_zero(c, fp(a), a, size);
	emit_zero(c, fp(b), b, size);
	emit_to_mem(c, e->u.binary.lhs, fp(a), a, t);
	emit_to_mem(c, e->u.binary.rhs, fp(b), b, t);
	for (int i = 0; i < size;) {
		int w = access_width(size - i, a + i, b + i);
		emit(c, I_LDX(bpf_size(w), R1, fp(a + i), a + i));
		emit(c, I_LDX(bpf_size(w), R2, fp(b + i), b + i));
		jump_list_add(c, equal_is_taken ? &differ : taken, emit(c, I_JMP_REG(BPF_JNE, R1, R2, 0)), e);
		i += w;
	}
	if (equal_is_taken)
		jump_list_add(c, taken, emit(c, I_JA(0)), e);
	jump_list_land(c, &differ);
}

/* a && b / a || b as jumps. The left side alone can only decide "false"
 * for && and "true" for ||: when that is the outcome sought, its jump goes
 * straight to `taken`; otherwise it skips the right side's test. */
static void emit_logical_jumps(struct cg *c, struct fth_node *e, bool when, struct jump_list *taken)
{
	bool left_decides = e->u.binary.op == TOK_OROR;
	bool in_predicate = c->in_predicate;
	int outcome = c->pred_outcome;
	struct jump_list skip = { 0 };

	/* Both sides run whenever the body does only if the body needs the
	 * outcome the left side cannot give alone (&& true, || false); then
	 * each side needs that outcome too. Otherwise the right side may be
	 * skipped: a map it reads is no value for the body to reuse. */
	if (outcome != (left_decides ? OUTCOME_FALSE : OUTCOME_TRUE))
		c->pred_outcome = OUTCOME_UNKNOWN;
	emit_cond_jumps(c, e->u.binary.lhs, left_decides, when == left_decides ? taken : &skip);
	if (c->pred_outcome == OUTCOME_UNKNOWN)
		c->in_predicate = false;
	emit_cond_jumps(c, e->u.binary.rhs, when, taken);
	c->in_predicate = in_predicate;
	c->pred_outcome = outcome;
	jump_list_land(c, &skip);
}

/* Code that jumps to `taken` when cond's truth is `when` and falls through
 * otherwise. &&, || and ! become jumps between their parts (short-circuit,
 * no 0/1 value built), a comparison one jump; anything else is tested
 * against zero. */
static void emit_cond_jumps(struct cg *c, struct fth_node *cond, bool when, struct jump_list *taken)
{
	int outcome = c->pred_outcome;

	if (is_not(cond)) {
		if (outcome != OUTCOME_UNKNOWN)
			c->pred_outcome = outcome == OUTCOME_TRUE ? OUTCOME_FALSE : OUTCOME_TRUE;
		emit_cond_jumps(c, cond->u.unary.operand, !when, taken);
		c->pred_outcome = outcome;
		return;
	}
	if (is_logical(cond)) {
		emit_logical_jumps(c, cond, when, taken);
		return;
	}
	/* what the operands contain (a ?:, && as a value) has no known outcome */
	c->pred_outcome = OUTCOME_UNKNOWN;
	emit_test_jumps(c, cond, when, taken);
	c->pred_outcome = outcome;
}

/* A comparison or any other value as a condition: jumps on its bytes or
 * its value against zero. */
static void emit_test_jumps(struct cg *c, struct fth_node *cond, bool when, struct jump_list *taken)
{
	struct vreg v;
	int r;

	if (is_string_comparison(cond)) {
		emit_string_compare_jumps(c, cond, when, taken);
		return;
	}
	if (is_memory_comparison(cond)) {
		emit_memory_compare_jumps(c, cond, when, taken);
		return;
	}
	if (is_int_comparison(cond)) {
		struct compare_operands o;
		c->b->cur_range = cond->range;
		o = emit_compare_operands(c, cond);
		jump_list_add(c, taken, emit_compare_jump(c, cond->u.binary.op, &o, !when, 0), cond);
		free_compare_operands(c, &o);
		return;
	}
	v = emit_int(c, cond);
	r = vreg_use(c, v, R1);
	vreg_free(c, v);
	jump_list_add(c, taken, emit(c, I_JMP_IMM(when ? BPF_JNE : BPF_JEQ, r, 0, 0)), cond);
}

/* Conditions that emit_cond_jumps turns into jumps of their own rather
 * than a test of a value against zero. */
static bool is_jump_condition(const struct fth_node *e)
{
	return is_logical(e) || is_not(e) || is_int_comparison(e) || is_string_comparison(e) ||
	       is_memory_comparison(e);
}

/* Builtins read without side effects or failures -k would report. */
static bool is_plain_builtin(const char *n)
{
	static const char *const names[] = { "pid", "tid", "uid", "gid", "cpu", "nsecs", "elapsed", "cgroup",
					     "numaid", "jiffies", "ncpus", "probe" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(n, names[i]))
			return true;
	return false;
}

/* An integer expression that may be computed when the program would not
 * have computed it (the right side of && or || whose left side decided):
 * no side effects, no run-time errors or -k warnings, no pointers. */
static bool is_speculable(const struct cg *c, const struct fth_node *e)
{
	if (!is_plain_operand(e))
		return false;
	switch (e->kind) {
	case FTH_INT:
	case FTH_BOOL:
	case FTH_POSITIONAL:
	case FTH_VAR:
		return true;
	case FTH_IDENT:
		return is_plain_builtin(e->u.ident.name);
	case FTH_MAP: {
		const struct fth_map *m = fth_program_find_map(c->prog, e->u.map.name);
		if (!m || m->value_type->kind == FTH_T_AGG || c->prog->config.helper_warnings)
			return false;
		for (int i = 0; i < e->u.map.keys.len; i++) {
			const struct fth_node *k = e->u.map.keys.items[i];
			if (k->kind != FTH_STRING && !(k->kind == FTH_IDENT && k->type && k->type->kind == FTH_T_STRING) &&
			    !is_speculable(c, k))
				return false;
		}
		return true;
	}
	case FTH_UNARY:
		return e->u.unary.op != TOK_STAR && e->u.unary.op != TOK_AMP && is_speculable(c, e->u.unary.operand);
	case FTH_CAST:
		return is_speculable(c, e->u.cast.operand);
	case FTH_BINARY:
		/* a division by what may be zero sends a run-time error */
		if ((e->u.binary.op == TOK_SLASH || e->u.binary.op == TOK_PERCENT) &&
		    (e->u.binary.rhs->kind != FTH_INT || !e->u.binary.rhs->u.integer))
			return false;
		if (e->u.binary.cmp_type || is_string_comparison(e))
			return false;
		return is_speculable(c, e->u.binary.lhs) && is_speculable(c, e->u.binary.rhs);
	default:
		return false;
	}
}

/* A 0/1 truth of e: comparisons, && / || and ! already are one. */
static struct vreg emit_truth(struct cg *c, struct fth_node *e)
{
	struct vreg v = emit_int(c, e);
	int r;

	if (is_jump_condition(e))
		return v;
	r = vreg_use(c, v, R1);
	emit_nonzero_r0(c, r);
	vreg_set(c, v, R0);
	return v;
}

/* a && b, a || b and !(...) of speculable operands as a value, without a
 * branch (see emit_compare_value): both sides computed, their truths
 * combined with & or |. */
static struct vreg emit_logical_value(struct cg *c, struct fth_node *e)
{
	struct vreg a, b;
	int ra, rb;

	if (is_not(e)) {
		a = emit_truth(c, e->u.unary.operand);
		ra = vreg_use(c, a, R1);
		emit(c, I_ALU64_IMM(BPF_XOR, ra, 1));
		vreg_set(c, a, ra);
		return a;
	}
	a = emit_truth(c, e->u.binary.lhs);
	b = emit_truth(c, e->u.binary.rhs);
	ra = vreg_use(c, a, R1);
	rb = vreg_use(c, b, R2);
	emit(c, I_ALU64_REG(e->u.binary.op == TOK_ANDAND ? BPF_AND : BPF_OR, ra, rb));
	vreg_set(c, a, ra);
	vreg_free(c, b);
	return a;
}

/* A condition (&&, ||, !, a comparison of strings or tuples) as a value, 0
 * or 1: branch-free when its parts may all run (emit_logical_value), else
 * its jumps to "false" land on the 0, falling through reaches the 1. */
static struct vreg emit_condition_value(struct cg *c, struct fth_node *e)
{
	struct jump_list is_false = { 0 };
	struct vreg v;
	int r;

	if ((is_logical(e) || is_not(e)) && is_speculable(c, e))
		return emit_logical_value(c, e);
	emit_cond_jumps(c, e, false, &is_false);
	v = vreg_alloc(c, e);
	r = v.reg >= 0 ? v.reg : R0;
	emit(c, I_MOV64_IMM(r, 1));
	emit(c, I_JA(1));
	jump_list_land(c, &is_false);
	emit(c, I_MOV64_IMM(r, 0));
	vreg_set(c, v, r);
	return v;
}

static int alu_op(int tok)
{
	switch (tok) {
	case TOK_PLUS: return BPF_ADD;
	case TOK_MINUS: return BPF_SUB;
	case TOK_STAR: return BPF_MUL;
	case TOK_SLASH: return BPF_DIV;
	case TOK_PERCENT: return BPF_MOD;
	case TOK_AMP: return BPF_AND;
	case TOK_PIPE: return BPF_OR;
	case TOK_CARET: return BPF_XOR;
	case TOK_SHL: return BPF_LSH;
	case TOK_SHR: return BPF_RSH;
	default: return -1;
	}
}

/* a = a op b on registers, with bpftrace's semantics: / and % are unsigned,
 * >> is logical, and dividing by zero yields... the BPF ISA's answer (0 for
 * '/', the dividend for '%'), never a fault. */
/* bpftrace's words for a division or modulo by zero at run time. */
#define DIV_ZERO_MESSAGE \
	"Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result."

/* ra = ra OP rb. Division and modulo by zero give 1, as in bpftrace, and
 * send a runtime error for `where` (the BPF instruction would give 0 or
 * the dividend). A non-zero literal divisor needs no check. The error path
 * calls helpers, which is safe here: ra is set afterwards and rb is dead. */
static void emit_alu(struct cg *c, int tok, int ra, int rb, struct fth_node *divisor, struct fth_node *where)
{
	int jnonzero, jdone, id;

	if ((tok != TOK_SLASH && tok != TOK_PERCENT) || !where ||
	    (divisor && divisor->kind == FTH_INT && divisor->u.integer)) {
		emit(c, I_ALU64_REG(alu_op(tok), ra, rb));
		return;
	}
	jnonzero = emit(c, I_JMP_IMM(BPF_JNE, rb, 0, 0));
	id = add_action(c, FTH_ACT_RUNTIME_ERROR, where);
	fth_program_action(c->prog, id)->text = DIV_ZERO_MESSAGE;
	emit_event(c, id, 8, where, NULL, NULL);
	emit(c, I_MOV64_IMM(ra, 1));
	jdone = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jnonzero);
	emit(c, I_ALU64_REG(alu_op(tok), ra, rb));
	fth_patch_jump_here(c->b, jdone);
}

/* The right operand of a op b (of type t) as an immediate, when the instruction takes
 * one with the same meaning: integers only (pointer steps scale), no
 * division by zero (a run-time error), shifts within 0..63 (the verifier
 * refuses larger immediates). */
static bool alu_imm_operand(int op, const struct fth_type *t, const struct fth_node *rhs, int32_t *imm)
{
	if (alu_op(op) < 0 || !t || !is_plain_int(t) || !imm_literal(rhs, imm))
		return false;
	if ((op == TOK_SLASH || op == TOK_PERCENT) && *imm == 0)
		return false;
	if ((op == TOK_SHL || op == TOK_SHR) && (*imm < 0 || *imm > 63))
		return false;
	return true;
}

static struct vreg emit_binary(struct cg *c, struct fth_node *e)
{
	int op = e->u.binary.op;
	struct fth_node *l = e->u.binary.lhs, *r = e->u.binary.rhs;
	struct vreg a, b;
	int ra, rb;
	int32_t imm;

	if (is_logical(e) || is_string_comparison(e) || is_memory_comparison(e))
		return emit_condition_value(c, e);
	if (is_int_comparison(e))
		return emit_compare_value(c, e);
	a = emit_int(c, l);
	if (alu_imm_operand(op, e->type, r, &imm)) { /* $i * 12: one instruction */
		ra = vreg_use(c, a, R1);
		emit(c, I_ALU64_IMM(alu_op(op), ra, imm));
		if (e->type->kind == FTH_T_BOOL)
			emit(c, I_ALU64_IMM(BPF_AND, ra, 1));
		vreg_set(c, a, ra);
		return a;
	}
	b = emit_int(c, r);
	ra = vreg_use(c, a, R1);
	rb = vreg_use(c, b, R2);
	if (e->type && e->type->kind == FTH_T_POINTER) {
		/* pointer arithmetic: the number counts elements */
		int step = pointer_step(e->type);
		if (step != 1)
			emit(c, I_ALU64_IMM(BPF_MUL, l->type->kind == FTH_T_POINTER ? rb : ra, step));
	}
	emit_alu(c, op, ra, rb, r, e);
	/* bool op bool is a one-bit value, as bpftrace computes it */
	if (e->type && e->type->kind == FTH_T_BOOL)
		emit(c, I_ALU64_IMM(BPF_AND, ra, 1));
	vreg_set(c, a, ra);
	vreg_free(c, b);
	return a;
}

static struct vreg emit_unary(struct cg *c, struct fth_node *e)
{
	struct vreg v;
	int r;

	if (e->u.unary.op == TOK_AMP && e->u.unary.operand->kind == FTH_MAP) {
		/* &@m: the map pointer the loader puts in for the map's fd */
		struct fth_map *m = fth_program_find_map(c->prog, e->u.unary.operand->u.map.name);
		v = vreg_alloc(c, e);
		emit_map_ref(c, R1, m->index);
		vreg_set(c, v, R1);
		return v;
	}
	if (e->u.unary.op == TOK_AMP) { /* &$x: the variable's slot */
		struct fth_var *var = var_of(c, e->u.unary.operand);
		v = vreg_alloc(c, e);
		emit_addr(c, R1, var_base(c, var), var_off(c, var));
		vreg_set(c, v, R1);
		return v;
	}
	/* !(a && b), !!x, !(a < b), !($s == "x"): jumps, as in a condition */
	if (is_not(e) && is_jump_condition(e->u.unary.operand))
		return emit_condition_value(c, e);
	if (e->u.unary.op == TOK_MINUS && e->u.unary.operand->kind == FTH_INT) { /* -1: one move */
		v = vreg_alloc(c, e);
		emit_mov_imm64(c, v.reg >= 0 ? v.reg : R0, -(int64_t)e->u.unary.operand->u.integer);
		if (v.reg < 0)
			vreg_set(c, v, R0);
		return v;
	}
	v = emit_int(c, e->u.unary.operand);
	r = vreg_use(c, v, R1);

	switch (e->u.unary.op) {
	case TOK_MINUS:
		emit(c, fth_insn(BPF_ALU64 | BPF_NEG, (uint8_t)r, 0, 0, 0));
		break;
	case TOK_TILDE:
		emit(c, I_ALU64_IMM(BPF_XOR, r, -1));
		break;
	case TOK_BANG:
		if (is_plain_operand(e->u.unary.operand)) {
			/* branch-free, as comparisons (emit_compare_value) */
			emit_nonzero_r0(c, r);
			emit(c, I_ALU64_IMM(BPF_XOR, R0, 1));
		} else {
			emit(c, I_MOV64_IMM(R0, 1));
			emit(c, I_JMP_IMM(BPF_JEQ, r, 0, 1));
			emit(c, I_MOV64_IMM(R0, 0));
		}
		emit(c, I_MOV64_REG(r, R0));
		break;
	}
	vreg_set(c, v, r);
	return v;
}

/* One arm of a ternary into v. It runs only on its side of the
 * condition: a map it reads is no value for a probe's body to reuse. */
static void emit_ternary_arm(struct cg *c, struct fth_node *arm, struct vreg v)
{
	bool in_predicate = c->in_predicate;
	struct vreg t;

	c->in_predicate = false;
	t = emit_int(c, arm);
	vreg_set(c, v, vreg_use(c, t, R1));
	vreg_free(c, t);
	c->in_predicate = in_predicate;
}

/* c ? a : b: the condition jumps to b when false (&&, || and comparisons
 * without a 0/1 value), a falls through and jumps past b. a ?: b keeps a
 * when it is non-zero. */
static struct vreg emit_ternary(struct cg *c, struct fth_node *e)
{
	struct jump_list is_false = { 0 };
	struct vreg v;
	int jdone;

	if (!e->u.ternary.then_expr) {
		v = emit_int(c, e->u.ternary.cond);
		jdone = emit(c, I_JMP_IMM(BPF_JNE, vreg_use(c, v, R1), 0, 0));
		emit_ternary_arm(c, e->u.ternary.else_expr, v);
		fth_patch_jump_here(c->b, jdone);
		return v;
	}
	emit_cond_jumps(c, e->u.ternary.cond, false, &is_false);
	v = vreg_alloc(c, e);
	emit_ternary_arm(c, e->u.ternary.then_expr, v);
	jdone = emit(c, I_JA(0));
	jump_list_land(c, &is_false);
	emit_ternary_arm(c, e->u.ternary.else_expr, v);
	fth_patch_jump_here(c->b, jdone);
	return v;
}

static struct vreg emit_cast(struct cg *c, struct fth_node *e)
{
	const struct fth_node *from = e->u.cast.operand;
	const struct fth_type *t = e->type;
	struct vreg v;
	int r;

	if (from->type && from->type->kind == FTH_T_ARRAY) {
		/* (uint64)$arr: the array's bytes, loaded as one integer */
		int tmp = stack_alloc(c, 8, e);
		emit_to_mem(c, e->u.cast.operand, fp(tmp), tmp, from->type);
		v = vreg_alloc(c, e);
		emit(c, I_LDX(bpf_size((int)t->size), R0, fp(tmp), tmp));
		emit_extend(c, R0, (int)t->size, t->is_signed);
		vreg_set(c, v, R0);
		return v;
	}
	if (t->kind == FTH_T_POINTER && from->type && from->type->kind == FTH_T_STRING)
		return emit_address(c, e->u.cast.operand); /* (T *)$p->chars: the member's address */
	v = emit_int(c, e->u.cast.operand);

	if (t->kind != FTH_T_INT || t->size >= 8)
		return v;
	r = vreg_use(c, v, R1);
	emit_extend(c, r, (int)t->size, t->is_signed);
	vreg_set(c, v, r);
	return v;
}

/* percpu_kaddr("sym" [, cpu]): the variable's BTF id as a BPF_PSEUDO_BTF_ID
 * load (the kernel puts its per-CPU base address there), then
 * bpf_this_cpu_ptr or bpf_per_cpu_ptr. */
static struct vreg emit_percpu_kaddr(struct cg *c, struct fth_node *e)
{
	struct fth_node_list *args = &e->u.call.args;
	int id = fth_btf_var_id(fth_program_btf(c->prog), args->items[0]->u.string.data);

	if (args->len == 2) {
		struct vreg cpu = emit_int(c, args->items[1]);
		int r = vreg_use(c, cpu, R2);
		if (r != R2)
			emit(c, I_MOV64_REG(R2, r));
		vreg_free(c, cpu);
	}
	fth_emit_ld_imm64(c->b, R1, BPF_PSEUDO_BTF_ID, (uint32_t)id);
	emit(c, I_CALL(args->len == 2 ? BPF_FUNC_per_cpu_ptr : BPF_FUNC_this_cpu_ptr));
	return vreg_from_r0(c, e);
}

/* A register of the probed context (struct pt_regs). */
static struct vreg emit_reg_read(struct cg *c, struct fth_node *e, int offset)
{
	struct vreg v = vreg_alloc(c, e);
	int r = v.reg >= 0 ? v.reg : R0;

	emit(c, I_LDX(BPF_DW, r, R6, (int16_t)offset));
	vreg_set(c, v, r);
	return v;
}

/* argN of kprobe/uprobe (registers di si dx cx r8 r9) or of a USDT probe
 * (a constant, a register, or memory at register + displacement, with the
 * size and sign the probe's note gives). */
static struct vreg emit_regs_arg(struct cg *c, struct fth_node *e, int idx)
{
	static const char *const arg_regs[] = { "di", "si", "dx", "cx", "r8", "r9" };
	const struct fth_usdt_arg *a;
	struct vreg v;
	int r;

	if (!c->p->inst->usdt_args)
		return emit_reg_read(c, e, fth_pt_regs_offset(arg_regs[idx]));
	a = &c->p->inst->usdt_args[idx];
	v = vreg_alloc(c, e);
	r = v.reg >= 0 ? v.reg : R0;
	switch (a->kind) {
	case FTH_USDT_CONST:
		emit_mov_imm64(c, r, a->value);
		break;
	case FTH_USDT_REG:
		emit(c, I_LDX(BPF_DW, r, R6, (int16_t)a->reg_off));
		emit_extend(c, r, a->size, a->is_signed);
		break;
	case FTH_USDT_DEREF: {
		int tmp = stack_alloc(c, 8, e);
		emit(c, I_ST_IMM(BPF_DW, fp(tmp), tmp, 0));
		emit(c, I_LDX(BPF_DW, R3, R6, (int16_t)a->reg_off));
		if (a->value)
			emit(c, I_ALU64_IMM(BPF_ADD, R3, (int32_t)a->value));
		emit_addr(c, R1, fp(tmp), tmp);
		emit(c, I_MOV64_IMM(R2, a->size > 0 && a->size <= 8 ? a->size : 8));
		emit(c, I_CALL(BPF_FUNC_probe_read_user));
		emit(c, I_LDX(BPF_DW, r, fp(tmp), tmp));
		emit_extend(c, r, a->size, a->is_signed);
		break;
	}
	}
	vreg_set(c, v, r);
	return v;
}

/* sargN at a function's entry: the word at sp + 8 (N + 1), above the
 * return address, in the traced process's memory or the kernel's. */
static struct vreg emit_stack_arg(struct cg *c, struct fth_node *e, int idx)
{
	struct vreg v = vreg_alloc(c, e);
	int r = v.reg >= 0 ? v.reg : R0;
	int tmp = stack_alloc(c, 8, e);

	emit(c, I_ST_IMM(BPF_DW, fp(tmp), tmp, 0));
	emit(c, I_LDX(BPF_DW, R3, R6, (int16_t)fth_pt_regs_offset("sp")));
	emit(c, I_ALU64_IMM(BPF_ADD, R3, (idx + 1) * 8));
	emit_addr(c, R1, fp(tmp), tmp);
	emit(c, I_MOV64_IMM(R2, 8));
	emit(c, I_CALL(c->p->inst->user_space ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel));
	emit(c, I_LDX(BPF_DW, r, fp(tmp), tmp));
	vreg_set(c, v, r);
	return v;
}

/* args.NAME / argN of providers whose context is u64[]: one 8-byte load. */
static struct vreg emit_ctx_arg(struct cg *c, struct fth_node *e, uint32_t offset)
{
	struct vreg v = vreg_alloc(c, e);
	int r = v.reg >= 0 ? v.reg : R0;
	const struct fth_type *t = e->type;

	if (c->p->prog_type == BPF_PROG_TYPE_TRACING) {
		/* BTF-typed context slots are pointers the verifier tracks
		 * (maybe NULL, no arithmetic): read the slot as a plain
		 * number instead. */
		int slot = stack_alloc(c, 8, e);
		emit_addr(c, R1, fp(slot), slot);
		emit(c, I_MOV64_IMM(R2, 8));
		emit_addr(c, R3, R6, (int)offset);
		emit(c, I_CALL(BPF_FUNC_probe_read_kernel));
		emit(c, I_LDX(BPF_DW, r, fp(slot), slot));
	} else if (offset % 8 && t && t->size < 8) {
		/* a field in the upper bytes of a register's pt_regs slot
		 * (args.NAME.FIELD of a struct passed in registers): a load of
		 * its own size, which the verifier needs aligned to it */
		emit(c, I_LDX(bpf_size((int)t->size), r, R6, (int16_t)offset));
	} else {
		emit(c, I_LDX(BPF_DW, r, R6, (int16_t)offset));
	}
	if (t && t->kind == FTH_T_INT)
		emit_extend(c, r, (int)t->size, t->is_signed);
	vreg_set(c, v, r);
	return v;
}

static struct vreg emit_field_int(struct cg *c, struct fth_node *e, uint32_t extra, const struct fth_type *t)
{
	const struct fth_tp_field *f = tp_field_of(c, e);
	struct vreg v = vreg_alloc(c, e);
	int r = v.reg >= 0 ? v.reg : R0;

	emit_tp_field_load(c, f, extra, (int)t->size, t->kind == FTH_T_INT && t->is_signed, r);
	vreg_set(c, v, r);
	return v;
}

/* A fn call expanded in place: its result starts at zero (a body that
 * ends without return gives 0), each return jumps past the body. */
static struct vreg emit_fn_inline(struct cg *c, struct fth_node *e)
{
	struct fth_node *result = e->u.fn_inline.result;
	struct fn_ctx *f;

	if (c->nfns == (int)(sizeof(c->fns) / sizeof(c->fns[0]))) {
		cg_error_hint(c, e, "call the inner fn from the caller's caller, or write its body inline",
			      "fn calls are nested too deeply");
		return vreg_alloc(c, e);
	}
	if (result) {
		struct fth_var *v = var_of(c, result);
		emit(c, I_ST_IMM(BPF_DW, var_base(c, v), var_off(c, v), 0));
	}
	f = &c->fns[c->nfns++];
	f->call = e;
	f->nreturn = 0;
	emit_block(c, e->u.fn_inline.body);
	for (int i = 0; i < f->nreturn; i++)
		fth_patch_jump_here(c->b, f->return_jumps[i]);
	c->nfns--;
	return result ? emit_var_read(c, result) : vreg_alloc(c, e);
}

static void emit_fn_return(struct cg *c, struct fth_node *st)
{
	struct fn_ctx *f = &c->fns[c->nfns - 1];

	if (st->u.ret.value)
		emit_var_assign(c, f->call->u.fn_inline.result, st->u.ret.value, 0);
	if (f->nreturn < MAX_JUMPS)
		f->return_jumps[f->nreturn++] = emit(c, I_JA(0));
	else
		cg_error_hint(c, st, "keep the result in a variable and return it once, at the end",
			      "too many return statements in one fn");
}

static struct vreg emit_var_read(struct cg *c, struct fth_node *e)
{
	struct fth_var *var = var_of(c, e);
	struct vreg v = vreg_alloc(c, e);
	int r = v.reg >= 0 ? v.reg : R0;

	emit(c, I_LDX(BPF_DW, r, var_base(c, var), var_off(c, var)));
	vreg_set(c, v, r);
	return v;
}

static int64_t positional_value(struct cg *c, struct fth_node *e)
{
	int idx = e->u.positional.index;

	if (idx < 0)
		return c->prog->positional.len;
	if (idx > c->prog->positional.len)
		return 0;
	/* 0xffffffffffffffff is a valid (unsigned) parameter */
	if (*(const char *)c->prog->positional.items[idx - 1] == '-')
		return strtoll(c->prog->positional.items[idx - 1], NULL, 0);
	return (int64_t)strtoull(c->prog->positional.items[idx - 1], NULL, 0);
}

/* CLOCK_TAI - CLOCK_MONOTONIC now: added to bpf_ktime_get_ns() it gives
 * TAI time on kernels without bpf_ktime_get_tai_ns (bpftrace's sw_tai). */
static int64_t tai_minus_monotonic_ns(void)
{
	struct timespec tai, mono;

	if (clock_gettime(CLOCK_TAI, &tai) || clock_gettime(CLOCK_MONOTONIC, &mono))
		return 0;
	return (tai.tv_sec - mono.tv_sec) * 1000000000LL + (tai.tv_nsec - mono.tv_nsec);
}

/* nsecs(CLOCK): nsecs() alone is the nsecs builtin. sw_tai is the
 * monotonic clock shifted by the TAI offset read when compiling, for
 * kernels without bpf_ktime_get_tai_ns. */
static struct vreg emit_nsecs_call(struct cg *c, struct fth_node *e)
{
	const char *clk = e->u.call.args.len ? e->u.call.args.items[0]->u.ident.name : "boot";
	struct vreg v;
	int r;

	if (!strcmp(clk, "monotonic") || !strcmp(clk, "sw_tai"))
		emit(c, I_CALL(BPF_FUNC_ktime_get_ns));
	else if (!strcmp(clk, "tai"))
		emit(c, I_CALL(BPF_FUNC_ktime_get_tai_ns));
	else
		emit(c, I_CALL(BPF_FUNC_ktime_get_boot_ns));
	v = vreg_from_r0(c, e);
	if (strcmp(clk, "sw_tai"))
		return v;
	r = vreg_use(c, v, R1);
	fth_emit_ld_imm64(c->b, R2, 0, (uint64_t)tai_minus_monotonic_ns());
	emit(c, I_ALU64_REG(BPF_ADD, r, R2));
	vreg_set(c, v, r);
	return v;
}

/* pid(init), tid(init): the numbers of the initial pid namespace, which
 * get_current_pid_tgid gives whatever namespace fathom runs in (sema made
 * pid(curr_ns) the pid builtin). */
static struct vreg emit_init_ns_pid(struct cg *c, struct fth_node *e)
{
	emit(c, I_CALL(BPF_FUNC_get_current_pid_tgid));
	if (e->u.call.name[0] == 'p')
		emit(c, I_ALU64_IMM(BPF_RSH, R0, 32));
	else
		emit(c, I_MOV32_REG(R0, R0));
	return vreg_from_r0(c, e);
}

/* Increment/decrement of a variable or map; yields the old or new value. */
static struct vreg emit_incdec(struct cg *c, struct fth_node *e)
{
	struct fth_node *t = e->u.incdec.target;
	int delta = e->u.incdec.increment ? 1 : -1;
	struct vreg v = vreg_alloc(c, e);
	int r = v.reg >= 0 ? v.reg : R1;

	if (t->kind == FTH_VAR && var_of(c, t)->type && var_of(c, t)->type->kind == FTH_T_BOOL) {
		/* a bool is one bit: ++ and -- both flip it */
		struct fth_var *var = var_of(c, t);
		emit(c, I_LDX(BPF_DW, r, var_base(c, var), var_off(c, var)));
		emit(c, I_ALU64_IMM(BPF_XOR, r, 1));
		emit(c, I_STX(BPF_DW, var_base(c, var), r, var_off(c, var)));
		if (!e->u.incdec.prefix)
			emit(c, I_ALU64_IMM(BPF_XOR, r, 1));
		vreg_set(c, v, r);
		return v;
	}
	if (t->kind == FTH_VAR) {
		struct fth_var *var = var_of(c, t);
		if (var->type && var->type->kind == FTH_T_POINTER)
			delta *= pointer_step(var->type); /* $p++ moves to the next element */
		emit(c, I_LDX(BPF_DW, r, var_base(c, var), var_off(c, var)));
		emit(c, I_ALU64_IMM(BPF_ADD, r, delta));
		emit(c, I_STX(BPF_DW, var_base(c, var),  r, var_off(c, var)));
	} else {
		struct fth_map *m = fth_program_find_map(c->prog, t->u.map.name);
		int key = emit_map_key(c, m, t);
		int val = stack_alloc(c, 8, e);
		forget_map_reads(c, m->index);
		int j;
		if (m->value_type && m->value_type->kind == FTH_T_POINTER)
			delta *= pointer_step(m->value_type); /* @p++ moves to the next element */
		emit_lookup(c, m->index, key);
		emit(c, I_MOV64_IMM(R1, 0));
		j = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 1));
		emit(c, I_LDX(BPF_DW, R1, R0, 0));
		(void)j;
		emit(c, I_ALU64_IMM(BPF_ADD, R1, delta));
		emit(c, I_STX(BPF_DW, fp(val), R1, val));
		emit_update(c, m->index, key, val, BPF_ANY, e);
		emit(c, I_LDX(BPF_DW, R1, fp(val), val));
		if (v.reg >= 0)
			emit(c, I_MOV64_REG(v.reg, R1));
		r = v.reg >= 0 ? v.reg : R1;
	}
	if (!e->u.incdec.prefix)
		emit(c, I_ALU64_IMM(BPF_ADD, r, -delta));
	vreg_set(c, v, r);
	return v;
}

/* The buckets one key of a bucketed aggregation is spread over, one map
 * element each (the last 8 bytes of the BPF key): hist, lhist, tseries.
 * 0 for other maps. */
static int key_buckets(const struct fth_map *m)
{
	const struct fth_type *t = m->value_type;

	if (!t || t->kind != FTH_T_AGG)
		return 0;
	if (t->agg == FTH_AGG_HIST || t->agg == FTH_AGG_LHIST)
		return fth_hist_bucket_count(t);
	if (t->agg == FTH_AGG_TSERIES)
		return (int)t->ts_count;
	return 0;
}

static void emit_delete_bucket_callback(struct cg *c, struct fth_map *m, int func);

/* delete() of a key of a bucketed map removes every bucket's element:
 * bpf_loop(n, callback, &key, 0), the callback deleting key||index. The
 * 8 bytes after the key are a flag the callback sets when a bucket was
 * there; r0 = 0 when one was, -ENOENT when the key had none (so -k warns
 * as for any missing key). bpf_loop takes its context on the stack only. */
static void emit_delete_buckets(struct cg *c, struct fth_map *m, int key, int n, struct fth_node *call)
{
	int found = key + (int)m->key_size, func, jfound;

	if (key >= 0 || c->nsubs == FTH_MAX_FUNCS - 1) {
		cg_error_hint(c, call, SPLIT_PROBE_HINT,
			      key >= 0 ? "the key is too big to delete from this map in one probe"
				       : "too many loops and bucketed deletes in one probe");
		return;
	}
	emit(c, I_ST_IMM(BPF_DW, fp(found), found, 0));
	func = c->nsubs++;
	c->sub_refs[func].owner = c->cur_func;
	c->sub_refs[func].loop = call;
	emit(c, I_MOV64_IMM(R1, n));
	c->sub_refs[func].insn = fth_emit_ld_imm64(c->b, R2, BPF_PSEUDO_FUNC, 0);
	emit_addr(c, R3, fp(key), key);
	emit(c, I_MOV64_IMM(R4, 0));
	emit(c, I_CALL(BPF_FUNC_loop));
	emit(c, I_LDX(BPF_DW, R1, fp(found), found));
	emit(c, I_MOV64_IMM(R0, 0));
	jfound = emit(c, I_JMP_IMM(BPF_JNE, R1, 0, 0));
	emit(c, I_MOV64_IMM(R0, -ENOENT));
	fth_patch_jump_here(c->b, jfound);
	emit_delete_bucket_callback(c, m, func);
}

static struct vreg emit_delete(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_node *mapnode = args->items[0];
	struct fth_map *m = fth_program_find_map(c->prog, mapnode->u.map.name);
	int key;

	forget_map_reads(c, m->index);
	if (args->len == 2) {
		/* delete(@m, key): build the key from the second argument. */
		key = stack_alloc(c, (int)m->key_size, call);
		if (m->key_type && m->key_type->kind != FTH_T_INT)
			emit_zero(c, fp(key), key, (int)m->key_size);
		if (m->key_type)
			emit_to_mem(c, args->items[1], fp(key), key, m->key_type);
		else
			emit(c, I_ST_IMM(BPF_DW, fp(key), key, 0));
	} else {
		key = emit_map_key(c, m, mapnode);
	}
	if (key_buckets(m)) {
		/* the flag after the key */
		int key2 = stack_alloc(c, (int)m->key_size + 8, call);
		emit_copy(c, fp(key2), key2, fp(key), key, (int)m->key_size);
		emit_delete_buckets(c, m, key2, key_buckets(m), call);
	} else {
		emit_map_ref(c, R1, m->index);
		emit_addr(c, R2, fp(key), key);
		emit(c, I_CALL(BPF_FUNC_map_delete_elem));
	}
	if (c->prog->config.helper_warnings) {
		/* the warning's record clobbers r0: keep the result */
		int ret = stack_alloc(c, 8, call);
		emit(c, I_STX(BPF_DW, fp(ret), R0, ret));
		emit_helper_check(c, "map_delete_elem", call);
		emit(c, I_LDX(BPF_DW, R0, fp(ret), ret));
	}
	/* true when something was deleted */
	emit(c, I_MOV64_REG(R1, R0));
	emit(c, I_MOV64_IMM(R0, 1));
	emit(c, I_JMP_IMM(BPF_JEQ, R1, 0, 1));
	emit(c, I_MOV64_IMM(R0, 0));
	return vreg_from_r0(c, call);
}

static struct vreg emit_has_key(struct cg *c, struct fth_node *call)
{
	struct fth_node *mapnode = call->u.call.args.items[0];
	struct fth_map *m = fth_program_find_map(c->prog, mapnode->u.map.name);
	int key = stack_alloc(c, (int)m->key_size, call);

	if (m->key_type->kind != FTH_T_INT)
		emit_zero(c, fp(key), key, (int)m->key_size);
	emit_to_mem(c, call->u.call.args.items[1], fp(key), key, m->key_type);
	emit_lookup(c, m->index, key);
	emit(c, I_MOV64_REG(R1, R0));
	emit(c, I_MOV64_IMM(R0, 1));
	emit(c, I_JMP_IMM(BPF_JNE, R1, 0, 1));
	emit(c, I_MOV64_IMM(R0, 0));
	return vreg_from_r0(c, call);
}

static void emit_tuple_convert(struct cg *c, int base, int off, const struct fth_type *t, int src, int soff,
			       const struct fth_type *st);

/* find(@m, key, $v): look the key up once; when it is there copy the
 * value (an aggregation's reduced over the CPUs) into $v and give 1. A
 * missing key leaves r0 NULL, which is the 0 (false) result. */
static struct vreg emit_find(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_map *m = fth_program_find_map(c->prog, args->items[0]->u.map.name);
	struct fth_var *var = var_of(c, args->items[2]);
	int key = stack_alloc(c, (int)m->key_size, call);
	int base = var_base(c, var), off = var_off(c, var);
	int miss;

	if (m->key_type->kind != FTH_T_INT)
		emit_zero(c, fp(key), key, (int)m->key_size);
	emit_to_mem(c, args->items[1], fp(key), key, m->key_type);
	emit_lookup(c, m->index, key);
	miss = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	if (m->value_type->kind == FTH_T_AGG) {
		struct vreg v = emit_agg_reduce(c, m, key, call);
		emit(c, I_STX(BPF_DW, base, vreg_use(c, v, R1), off));
		vreg_free(c, v);
	} else if (var->type->kind == FTH_T_TUPLE && !fth_type_equal(var->type, m->value_type)) {
		/* $v's layout has wider strings than the map's values */
		emit(c, I_MOV64_REG(R1, R0));
		emit_tuple_convert(c, base, off, var->type, R1, 0, m->value_type);
	} else {
		int n = (int)(var->type->size < m->value_type->size ? var->type->size : m->value_type->size);
		emit(c, I_MOV64_REG(R1, R0));
		emit_copy(c, base, off, R1, 0, n);
		if ((int)var->type->size > n)
			emit_zero(c, base, off + n, (int)var->type->size - n);
	}
	emit(c, I_MOV64_IMM(R0, 1));
	fth_patch_jump_here(c->b, miss);
	return vreg_from_r0(c, call);
}

/* Both strings of a string function written to the stack. */
static void emit_two_strings(struct cg *c, struct fth_node *call, int *a, int *b)
{
	struct fth_node *x = call->u.call.args.items[0], *y = call->u.call.args.items[1];

	*a = stack_alloc(c, (int)x->type->size, call);
	*b = stack_alloc(c, (int)y->type->size, call);
	emit_to_mem(c, x, fp(*a), *a, x->type);
	emit_to_mem(c, y, fp(*b), *b, y->type);
}

/* strncmp(a, b, n): 0 when the first n bytes (up to a NUL) match, else 1. */
static struct vreg emit_strncmp(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	int n = (int)args->items[2]->u.integer, a, b, done, differ[256], nd = 0;
	int limit = (int)(args->items[0]->type->size < args->items[1]->type->size ? args->items[0]->type->size
										     : args->items[1]->type->size);

	emit_two_strings(c, call, &a, &b);
	if (n > limit)
		n = limit;
	if (n > 256)
		n = 256;
	{
		int equal[256], ne = 0;
		for (int i = 0; i < n; i++) {
			emit(c, I_LDX(BPF_B, R1, fp(a + i), a + i));
			emit(c, I_LDX(BPF_B, R2, fp(b + i), b + i));
			differ[nd++] = emit(c, I_JMP_REG(BPF_JNE, R1, R2, 0));
			equal[ne++] = emit(c, I_JMP_IMM(BPF_JEQ, R1, 0, 0));
		}
		for (int i = 0; i < ne; i++)
			fth_patch_jump_here(c->b, equal[i]);
	}
	emit(c, I_MOV64_IMM(R0, 0));
	done = emit(c, I_JA(0));
	for (int i = 0; i < nd; i++)
		fth_patch_jump_here(c->b, differ[i]);
	emit(c, I_MOV64_IMM(R0, 1));
	fth_patch_jump_here(c->b, done);
	return vreg_from_r0(c, call);
}

static bool is_args_field(const struct fth_node *e)
{
	return e->kind == FTH_FIELD && e->u.field.base->kind == FTH_IDENT &&
	       !strcmp(e->u.field.base->u.ident.name, "args");
}

/* bpftrace's words for an array index found out of bounds at run time. */
#define ARRAY_OOB_MESSAGE "Array access out of bounds. This can lead to unexpected results."

/* A run-time array index at or past count: a runtime error for e, then
 * the access goes on as in bpftrace (a read through a helper, which cannot
 * fault). idx is a vreg, so it survives the helper calls. An array on the
 * BPF stack (in a variable, or a map value's copy) is read at element 0
 * instead: the verifier refuses a stack address that an unbounded index
 * moved, and no helper reads past the stack either. */
static void emit_array_bounds_check(struct cg *c, struct fth_node *e, struct vreg idx, uint32_t count, bool on_stack)
{
	int ri = vreg_use(c, idx, R2);
	int jin, id;

	jin = emit(c, I_JMP_IMM(BPF_JLT, ri, (int32_t)count, 0));
	id = add_action(c, FTH_ACT_RUNTIME_ERROR, e);
	fth_program_action(c->prog, id)->text = ARRAY_OOB_MESSAGE;
	emit_event(c, id, 8, e, NULL, NULL);
	if (on_stack) {
		ri = vreg_use(c, idx, R2);
		emit(c, I_MOV64_IMM(ri, 0));
		vreg_set(c, idx, ri);
	}
	fth_patch_jump_here(c->b, jin);
}

/* Whether the address emit_address gives for e is on the BPF stack: a
 * value held in a variable or copied out of a map, or a member or
 * element of one (not of what a pointer points to). */
static bool address_on_stack(const struct fth_node *e)
{
	switch (e->kind) {
	case FTH_VAR:
	case FTH_MAP:
		return true;
	case FTH_FIELD:
		return e->u.field.base->type && e->u.field.base->type->kind != FTH_T_POINTER &&
		       address_on_stack(e->u.field.base);
	case FTH_INDEX:
		return e->u.index.base->type && e->u.index.base->type->kind != FTH_T_POINTER &&
		       address_on_stack(e->u.index.base);
	default:
		return false;
	}
}

/* The address of a value that lives in kernel memory: a struct member, an
 * array element, or the target of a pointer. */
static struct vreg emit_address(struct cg *c, struct fth_node *e)
{
	struct vreg v;
	int r;

	switch (e->kind) {
	case FTH_FIELD: {
		struct fth_node *base = e->u.field.base;
		v = base->type->kind == FTH_T_POINTER ? emit_int(c, base) : emit_address(c, base);
		if (e->u.field.offset) {
			r = vreg_use(c, v, R1);
			emit(c, I_ALU64_IMM(BPF_ADD, r, (int32_t)e->u.field.offset));
			vreg_set(c, v, r);
		}
		return v;
	}
	case FTH_INDEX: {
		struct fth_node *base = e->u.index.base;
		struct vreg idx;
		int ri;
		v = base->type->kind == FTH_T_POINTER ? emit_int(c, base) : emit_address(c, base);
		idx = emit_int(c, e->u.index.index);
		if (base->type->kind == FTH_T_ARRAY && e->u.index.index->kind != FTH_INT)
			emit_array_bounds_check(c, e, idx, base->type->count, address_on_stack(base));
		ri = vreg_use(c, idx, R2);
		emit(c, I_MOV64_REG(R2, ri));
		emit(c, I_ALU64_IMM(BPF_MUL, R2, (int32_t)e->type->size));
		r = vreg_use(c, v, R1);
		emit(c, I_ALU64_REG(BPF_ADD, r, R2));
		vreg_set(c, v, r);
		vreg_free(c, idx);
		return v;
	}
	case FTH_UNARY:
		return emit_int(c, e->u.unary.operand);
	case FTH_VAR: {
		/* a struct held in a variable: its stack slot */
		struct fth_var *var = var_of(c, e);
		if (!var || !in_memory(var->type))
			break;
		v = vreg_alloc(c, e);
		emit_addr(c, R1, var_base(c, var), var_off(c, var));
		vreg_set(c, v, R1);
		return v;
	}
	case FTH_MAP: {
		/* @m.field of a struct held in a map: a copy of the value (zero
		 * for a missing key), read like a variable's */
		int tmp;
		if (!e->type || !in_memory(e->type))
			break;
		tmp = stack_alloc(c, (int)e->type->size, e);
		emit_to_mem(c, e, fp(tmp), tmp, e->type);
		v = vreg_alloc(c, e);
		emit_addr(c, R1, fp(tmp), tmp);
		vreg_set(c, v, R1);
		return v;
	}
	default:
		break;
	}
	cg_error(c, e, "this value has no address in memory");
	return vreg_alloc(c, e);
}


/* Read an integer or pointer of e's type from kernel (or user) memory. */
static struct vreg emit_mem_read_int(struct cg *c, struct fth_node *e)
{
	const struct fth_type *t = e->type;
	int size = t->size && t->size <= 8 ? (int)t->size : 8;
	struct vreg v = emit_address(c, e);
	int tmp = stack_alloc(c, 8, e);
	int r;

	emit(c, I_ST_IMM(BPF_DW, fp(tmp), tmp, 0));
	emit_addr(c, R1, fp(tmp), tmp);
	emit(c, I_MOV64_IMM(R2, size));
	emit(c, I_MOV64_REG(R3, vreg_use(c, v, R3)));
	emit(c, I_CALL(deref_read_helper(e, false)));
	emit_helper_check(c, probe_read_name(deref_read_helper(e, false)), e);
	r = v.reg >= 0 ? v.reg : R1;
	emit(c, I_LDX(bpf_size(size), r, fp(tmp), tmp));
	if (e->kind == FTH_FIELD && e->u.field.bit_size) {
		/* Bitfield: move its bits to the top, then shift them down.
		 * bpftrace reads a bitfield as (raw >> offset) & mask, so a
		 * signed one narrower than its type is not sign-extended
		 * (`short b:8` holding 217 reads 217, not -39); only one as
		 * wide as its type keeps the type's sign. print() of the whole
		 * struct reads it the same way (fth_load_bitfield). */
		int bits = (int)e->u.field.bit_size;
		bool full_width_signed = t->kind == FTH_T_INT && t->is_signed && bits == size * 8;

		if (bits < 64) {
			int top = 64 - (int)e->u.field.bit_offset - bits;
			if (top)
				emit(c, I_ALU64_IMM(BPF_LSH, r, top));
			emit(c, I_ALU64_IMM(full_width_signed ? BPF_ARSH : BPF_RSH, r, 64 - bits));
		} else if (e->u.field.bit_offset) {
			emit(c, I_ALU64_IMM(BPF_RSH, r, (int32_t)e->u.field.bit_offset));
		}
	} else {
		emit_extend(c, r, size, t->kind == FTH_T_INT && t->is_signed);
	}
	vreg_set(c, v, r);
	return v;
}

/* ------------------------------------------------------- string functions */

/* The probe_read_*_str helper for reading a string at an address of type
 * t: typed pointers know their address space; plain numbers (arg0) take
 * the probe's: user memory for uprobe/usdt, kernel for kprobe. */
static int str_read_helper(struct cg *c, const struct fth_type *t)
{
	if (fth_type_has_addr_space(t))
		return t->user_space ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str;
	if (c->p->inst->regs_ctx)
		return c->p->inst->user_space ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str;
	return BPF_FUNC_probe_read_str;
}

/* Where the bytes of value e are: a variable in place, anything else
 * written to a temporary followed by `slack` zero bytes. True when it is
 * a temporary (the caller may then overwrite it). */
static bool place_value(struct cg *c, struct fth_node *e, int slack, int *base, int *off)
{
	int size = (int)e->type->size;

	if (e->kind == FTH_VAR && var_of(c, e)->type->size == e->type->size) {
		*base = var_base(c, var_of(c, e));
		*off = var_off(c, var_of(c, e));
		return false;
	}
	*off = stack_alloc(c, size + slack, e);
	*base = fp(*off);
	emit_to_mem(c, e, *base, *off, e->type);
	emit_zero(c, *base, *off + size, slack);
	return true;
}

/* r0 = the length of the string at src, NUL-terminated within cap + 1
 * bytes (a string of cap bytes and the byte after it), counted by
 * bpf_probe_read_kernel_str copying it to dst (which may be src): the
 * helper returns the bytes copied with the NUL. Reading the program's own
 * memory through it is allowed to privileged programs, and one call beats
 * a byte loop the verifier would walk cap times. Clobbers r1-r5. */
static void emit_strnlen(struct cg *c, int dbase, int doff, int sbase, int soff, int cap)
{
	emit_addr(c, R1, dbase, doff);
	emit(c, I_MOV64_IMM(R2, cap + 1));
	emit_addr(c, R3, sbase, soff);
	emit(c, I_CALL(BPF_FUNC_probe_read_kernel_str));
	emit(c, I_ALU64_IMM(BPF_ADD, R0, -1));
	emit(c, I_JMP_IMM(BPF_JSGE, R0, 0, 1));
	emit(c, I_MOV64_IMM(R0, 0));
}

/* strlen(s) / strcap(ptr): bytes before the NUL. A pointer's string is
 * read (up to max_strlen bytes) to count it. */
static struct vreg emit_strlen(struct cg *c, struct fth_node *call)
{
	struct fth_node *arg = call->u.call.args.items[0];
	int cap = (int)arg->type->size, sbase, soff, dst;

	if (arg->type->kind == FTH_T_POINTER) {
		struct vreg p = emit_int(c, arg);
		cap = (int)c->prog->config.max_strlen;
		dst = stack_alloc(c, cap + 1, call);
		emit(c, I_MOV64_REG(R3, vreg_use(c, p, R3)));
		vreg_free(c, p);
		emit_addr(c, R1, fp(dst), dst);
		emit(c, I_MOV64_IMM(R2, cap + 1));
		emit(c, I_CALL(str_read_helper(c, arg->type)));
		emit(c, I_ALU64_IMM(BPF_ADD, R0, -1));
		emit(c, I_JMP_IMM(BPF_JSGE, R0, 0, 1));
		emit(c, I_MOV64_IMM(R0, 0));
		return vreg_from_r0(c, call);
	}
	if (place_value(c, arg, 1, &sbase, &soff)) {
		emit_strnlen(c, sbase, soff, sbase, soff, cap);
	} else {
		dst = stack_alloc(c, cap + 1, call);
		emit_strnlen(c, fp(dst), dst, sbase, soff, cap);
	}
	return vreg_from_r0(c, call);
}

/* r4 = 0 when the needle matches the haystack at r1, else non-zero,
 * without a branch: the OR of each byte's difference. A literal needle's
 * bytes are immediates; a needle in memory (nb/no, zero after its NUL)
 * counts only where mask (mb/mo) holds 0xff. Clobbers r3, r5. */
static void emit_needle_diff(struct cg *c, struct fth_node *needle, int n, int nb, int no, int mb, int mo)
{
	if (needle->kind == FTH_STRING) {
		const unsigned char *lit = (const unsigned char *)needle->u.string.data;
		emit(c, I_LDX(BPF_B, R4, R1, 0));
		emit(c, I_ALU64_IMM(BPF_XOR, R4, lit[0]));
		for (int j = 1; j < n; j++) {
			emit(c, I_LDX(BPF_B, R5, R1, j));
			emit(c, I_ALU64_IMM(BPF_XOR, R5, lit[j]));
			emit(c, I_ALU64_REG(BPF_OR, R4, R5));
		}
		return;
	}
	emit(c, I_MOV64_IMM(R4, 0));
	for (int j = 0; j < n; j++) {
		emit(c, I_LDX(BPF_B, R3, R1, j));
		emit(c, I_LDX(BPF_B, R5, mb, mo + j));
		emit(c, I_ALU64_REG(BPF_AND, R3, R5));
		emit(c, I_LDX(BPF_B, R5, nb, no + j));
		emit(c, I_ALU64_REG(BPF_XOR, R3, R5));
		emit(c, I_ALU64_REG(BPF_OR, R4, R3));
	}
}

/* A needle known only when the probe runs: copied NUL-padded (which also
 * gives its length, r0) next to a mask of 0xff for each of its bytes, so
 * the search compares just those. Returns the copy's offset; the mask
 * follows it. */
static int emit_needle_copy(struct cg *c, struct fth_node *needle, int *mask)
{
	int cap = (int)needle->type->size, sb, so, copy = stack_alloc(c, cap + 1, needle);

	place_value(c, needle, 1, &sb, &so);
	*mask = stack_alloc(c, cap, needle);
	emit_zero(c, fp(copy), copy, (cap + 8) & ~7);
	emit_strnlen(c, fp(copy), copy, sb, so, cap);
	for (int j = 0; j < cap; j++) {
		/* 0xff while j < length: the sign of j - length */
		emit(c, I_MOV64_IMM(R5, j));
		emit(c, I_ALU64_REG(BPF_SUB, R5, R0));
		emit(c, I_ALU64_IMM(BPF_ARSH, R5, 63));
		emit(c, I_STX(BPF_B, fp(*mask), R5, *mask + j));
	}
	return copy;
}

/* r0 = strstr(haystack, needle): a loop over the haystack's start
 * positions (r1 points at one, r2 counts) whose only decision the verifier
 * cannot foresee is one branch per position - stop when the needle
 * matches there or the haystack's NUL is reached (their product is 0) -
 * so a 1024-byte haystack stays within the verifier's limits on pending
 * branches and instructions. Clobbers r1-r5. */
static void emit_strstr_r0(struct cg *c, struct fth_node *call)
{
	struct fth_node *hay = call->u.call.args.items[0], *needle = call->u.call.args.items[1];
	bool literal = needle->kind == FTH_STRING;
	int cap_h = (int)hay->type->size, hb, ho, nb = 0, no = 0, mb = 0, mo = 0, n, last;
	int loop, stop, at, nomatch[3], nn = 0, done;

	n = literal ? (int)strnlen(needle->u.string.data, needle->u.string.len) : (int)needle->type->size;
	if (literal && n == 0) {
		emit(c, I_MOV64_IMM(R0, 0));
		return;
	}
	/* the needle's bytes are read up to n - 1 bytes past a start
	 * position: a literal fits only where it ends before the haystack's
	 * last byte; other needles read a zero tail after the haystack */
	last = literal ? cap_h - 1 - n : cap_h - 1;
	if (last < 0) {
		emit(c, I_MOV64_IMM(R0, -1));
		return;
	}
	if (literal) {
		place_value(c, hay, 0, &hb, &ho);
	} else {
		if (hay->kind == FTH_VAR) {
			/* copied up to its NUL by one helper call: whatever
			 * follows the NUL cannot match, as every window that
			 * reaches past it holds the NUL itself */
			int vb, vo;
			place_value(c, hay, 0, &vb, &vo);
			ho = stack_alloc(c, cap_h + n, hay);
			hb = fp(ho);
			if (ho < 0)
				emit_zero(c, hb, ho, (cap_h + n + 7) & ~7);
			emit_strnlen(c, hb, ho, vb, vo, cap_h);
		} else {
			place_value(c, hay, n, &hb, &ho);
		}
		no = emit_needle_copy(c, needle, &mo);
		nb = fp(no);
		mb = fp(mo);
		/* an empty needle is found at 0, even in an empty haystack */
		emit(c, I_JMP_IMM(BPF_JNE, R0, 0, 2));
		emit(c, I_MOV64_IMM(R0, 0));
		nomatch[nn++] = -1 - emit(c, I_JA(0));
	}
	emit_addr(c, R1, hb, ho);
	emit(c, I_MOV64_IMM(R2, 0));
	loop = emit(c, I_JMP_IMM(BPF_JGT, R2, last, 0));
	nomatch[nn++] = loop;
	emit_needle_diff(c, needle, n, nb, no, mb, mo);
	emit(c, I_LDX(BPF_B, R3, R1, 0));
	emit(c, I_ALU64_REG(BPF_MUL, R3, R4));
	stop = emit(c, I_JMP_IMM(BPF_JEQ, R3, 0, 0));
	emit(c, I_ALU64_IMM(BPF_ADD, R1, 1));
	emit(c, I_ALU64_IMM(BPF_ADD, R2, 1));
	at = emit(c, I_JA(0));
	c->b->insns[at].off = (int16_t)(loop - at - 1);
	fth_patch_jump_here(c->b, stop);
	nomatch[nn++] = emit(c, I_JMP_IMM(BPF_JNE, R4, 0, 0));
	emit(c, I_MOV64_REG(R0, R2));
	done = emit(c, I_JA(0));
	for (int i = 0; i < nn; i++)
		if (nomatch[i] >= 0)
			fth_patch_jump_here(c->b, nomatch[i]);
	emit(c, I_MOV64_IMM(R0, -1));
	fth_patch_jump_here(c->b, done);
	for (int i = 0; i < nn; i++)
		if (nomatch[i] < 0)
			fth_patch_jump_here(c->b, -1 - nomatch[i]);
}

static struct vreg emit_strstr(struct cg *c, struct fth_node *call)
{
	emit_strstr_r0(c, call);
	if (call->u.call.name[3] == 'c') {
		/* strcontains(): found at any index */
		emit(c, I_MOV64_REG(R1, R0));
		emit(c, I_MOV64_IMM(R0, 1));
		emit(c, I_JMP_IMM(BPF_JSGE, R1, 0, 1));
		emit(c, I_MOV64_IMM(R0, 0));
	}
	return vreg_from_r0(c, call);
}

/* memcmp(a, b, n): 0 when the first n bytes match, else the difference of
 * the first bytes that differ (as unsigned bytes). A count known only when
 * the probe runs is cut to the smaller value's size. */
static struct vreg emit_memcmp(struct cg *c, struct fth_node *call)
{
	struct fth_node **a = call->u.call.args.items;
	bool known = a[2]->kind == FTH_INT || a[2]->kind == FTH_POSITIONAL;
	int n = known ? (int)(a[2]->kind == FTH_INT ? (int64_t)a[2]->u.integer : positional_value(c, a[2])) : 0;
	int limit = (int)(a[0]->type->size < a[1]->type->size ? a[0]->type->size : a[1]->type->size);
	int ab, ao, bb, bo, differ, done, loop, none = -1;

	place_value(c, a[0], 0, &ab, &ao);
	place_value(c, a[1], 0, &bb, &bo);
	if (known && n <= 0) {
		emit(c, I_MOV64_IMM(R0, 0));
		return vreg_from_r0(c, call);
	}
	if (known) {
		emit(c, I_MOV64_IMM(R3, n));
	} else {
		struct vreg count = emit_int(c, a[2]);
		emit(c, I_MOV64_REG(R3, vreg_use(c, count, R3)));
		vreg_free(c, count);
		emit(c, I_JMP_IMM(BPF_JLE, R3, limit, 1));
		emit(c, I_MOV64_IMM(R3, limit));
	}
	emit(c, I_MOV64_IMM(R0, 0));
	if (!known)
		none = emit(c, I_JMP_IMM(BPF_JEQ, R3, 0, 0));
	emit_addr(c, R1, ab, ao);
	emit_addr(c, R2, bb, bo);
	loop = emit(c, I_LDX(BPF_B, R4, R1, 0));
	emit(c, I_LDX(BPF_B, R5, R2, 0));
	differ = emit(c, I_JMP_REG(BPF_JNE, R4, R5, 0));
	emit(c, I_ALU64_IMM(BPF_ADD, R1, 1));
	emit(c, I_ALU64_IMM(BPF_ADD, R2, 1));
	emit(c, I_ALU64_IMM(BPF_ADD, R3, -1));
	done = emit(c, I_JMP_IMM(BPF_JNE, R3, 0, 0));
	c->b->insns[done].off = (int16_t)(loop - done - 1);
	done = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, differ);
	emit(c, I_MOV64_REG(R0, R4));
	emit(c, I_ALU64_REG(BPF_SUB, R0, R5));
	fth_patch_jump_here(c->b, done);
	if (none >= 0)
		fth_patch_jump_here(c->b, none);
	return vreg_from_r0(c, call);
}

/* str_concat(a, b) into [base+off]: a is copied into a temporary with
 * its length as the helper's result, b after it, then the joined string
 * into the destination, cut at its size. Three helper calls, no loop. */
static void emit_str_concat(struct cg *c, struct fth_node *call, int base, int off, const struct fth_type *t)
{
	struct fth_node *a = call->u.call.args.items[0], *b = call->u.call.args.items[1];
	int cap_a = (int)a->type->size, cap_b = (int)b->type->size, ab, ao, bb, bo, tmp;
	int tmp_size = cap_a + cap_b + 1;
	bool unpadded = c->str_unpadded;

	c->str_unpadded = false;
	place_value(c, a, 1, &ab, &ao);
	place_value(c, b, 1, &bb, &bo);
	tmp = stack_alloc(c, tmp_size, call);
	/* 6.1 lets a helper write the stack at a variable offset only where
	 * the stack was written before */
	if (tmp < 0)
		emit_zero(c, fp(tmp), tmp, (tmp_size + 7) & ~7);
	emit_strnlen(c, fp(tmp), tmp, ab, ao, cap_a);
	emit(c, I_JMP_IMM(BPF_JLE, R0, cap_a, 1));
	emit(c, I_MOV64_IMM(R0, cap_a));
	emit_addr(c, R1, fp(tmp), tmp);
	emit(c, I_ALU64_REG(BPF_ADD, R1, R0));
	emit(c, I_MOV64_IMM(R2, cap_b + 1));
	emit_addr(c, R3, bb, bo);
	emit(c, I_CALL(BPF_FUNC_probe_read_kernel_str));
	/* a record needs no padding: user space reads up to the NUL */
	if (!unpadded)
		emit_zero(c, base, off, (int)t->size);
	emit_addr(c, R1, base, off);
	emit(c, I_MOV64_IMM(R2, (int)t->size));
	emit_addr(c, R3, fp(tmp), tmp);
	emit(c, I_CALL(BPF_FUNC_probe_read_kernel_str));
}

/* macaddr(mac) into [base+off]: the six bytes. A char[6] member is typed
 * as a string, but reading it as one would stop at a zero byte of the
 * address, so memory is read with the plain helpers. */
static void emit_macaddr(struct cg *c, struct fth_node *call, int base, int off)
{
	struct fth_node *arg = call->u.call.args.items[0];
	const struct fth_type *at = arg->type;
	int helper = BPF_FUNC_probe_read_kernel;

	if (at->kind == FTH_T_POINTER || fth_type_is_integer(at)) {
		struct vreg p = emit_int(c, arg);
		emit(c, I_MOV64_REG(R3, vreg_use(c, p, R3)));
		vreg_free(c, p);
		if ((fth_type_has_addr_space(at) && at->user_space) ||
		    (!fth_type_has_addr_space(at) && c->p->inst->user_space))
			helper = BPF_FUNC_probe_read_user;
	} else if (is_args_field(arg) && !c->p->inst->args) {
		emit_addr(c, R3, R6, (int)tp_field_of(c, arg)->offset);
	} else if (arg->kind == FTH_FIELD || arg->kind == FTH_INDEX ||
		   (arg->kind == FTH_UNARY && arg->u.unary.op == TOK_STAR)) {
		struct vreg a = emit_address(c, arg);
		emit(c, I_MOV64_REG(R3, vreg_use(c, a, R3)));
		vreg_free(c, a);
		if (fth_sema_user_memory(arg))
			helper = BPF_FUNC_probe_read_user;
	} else {
		emit_to_mem(c, arg, base, off, at);
		return;
	}
	emit_addr(c, R1, base, off);
	emit(c, I_MOV64_IMM(R2, 6));
	emit(c, I_CALL(helper));
}

/* signal_name(sig) into [base+off]: the text from the loader's table,
 * the last entry for numbers outside 0..64 (negative ones too, compared
 * unsigned). */
static void emit_signal_name(struct cg *c, struct fth_node *call, int base, int off, const struct fth_type *t)
{
	struct vreg v = emit_int(c, call->u.call.args.items[0]);
	int key = stack_alloc(c, 8, call), n = t->size < FTH_SIGNAL_NAME_SIZE ? (int)t->size : FTH_SIGNAL_NAME_SIZE;
	int missing, done;

	emit(c, I_MOV64_REG(R1, vreg_use(c, v, R1)));
	vreg_free(c, v);
	emit(c, I_JMP_IMM(BPF_JLE, R1, FTH_SIGNAL_NAMES - 2, 1));
	emit(c, I_MOV64_IMM(R1, FTH_SIGNAL_NAMES - 1));
	emit(c, I_STX(BPF_W, fp(key), R1, key));
	emit_lookup(c, c->prog->signal_names_map, key);
	missing = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit(c, I_MOV64_REG(R1, R0));
	emit_copy(c, base, off, R1, 0, n);
	if ((int)t->size > n)
		emit_zero(c, base, off + n, (int)t->size - n);
	else
		emit(c, I_ST_IMM(BPF_B, base, off + n - 1, 0));
	done = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, missing);
	emit_zero(c, base, off, (int)t->size);
	fth_patch_jump_here(c->b, done);
}

/* len(kstack) / len(ustack): the frames bpf_get_stack finds now, up to
 * the stack's limit - the same walk the stack id was taken with - and,
 * as a printed stack does, up to the first zero address. */
static struct vreg emit_stack_len(struct cg *c, struct fth_node *call)
{
	const struct fth_type *t = call->u.call.args.items[0]->type;
	int size = t->stack_limit * 8, buf = stack_alloc(c, size, call), loop, at;

	emit(c, I_MOV64_REG(R1, R6));
	emit_addr(c, R2, fp(buf), buf);
	emit(c, I_MOV64_IMM(R3, size));
	emit(c, I_MOV64_IMM(R4, t->kind == FTH_T_USTACK ? BPF_F_USER_STACK : 0));
	emit(c, I_CALL(BPF_FUNC_get_stack));
	emit(c, I_JMP_IMM(BPF_JSGE, R0, 0, 1));
	emit(c, I_MOV64_IMM(R0, 0));
	emit(c, I_ALU64_IMM(BPF_RSH, R0, 3));
	emit_addr(c, R1, fp(buf), buf);
	emit(c, I_MOV64_IMM(R2, 0));
	loop = emit(c, I_JMP_REG(BPF_JGE, R2, R0, 5));
	emit(c, I_LDX(BPF_DW, R3, R1, 0));
	emit(c, I_JMP_IMM(BPF_JEQ, R3, 0, 3));
	emit(c, I_ALU64_IMM(BPF_ADD, R1, 8));
	emit(c, I_ALU64_IMM(BPF_ADD, R2, 1));
	at = emit(c, I_JA(0));
	c->b->insns[at].off = (int16_t)(loop - at - 1);
	emit(c, I_MOV64_REG(R0, R2));
	return vreg_from_r0(c, call);
}

/* e's value in a register. The instructions are marked with e's range
 * while e is built; when it is done the range is the caller's again, so
 * that an operator's own instructions after its operands (a helper call,
 * a compare) map back to the operator, not to its last operand. */
static struct vreg emit_int(struct cg *c, struct fth_node *e)
{
	struct fth_range outer = c->b->cur_range;
	struct vreg v = emit_int_at(c, e);

	c->b->cur_range = outer;
	return v;
}

static struct vreg emit_int_at(struct cg *c, struct fth_node *e)
{
	struct vreg v;

	c->b->cur_range = e->range;
	switch (e->kind) {
	case FTH_INT:
	case FTH_BOOL:
		v = vreg_alloc(c, e);
		emit_mov_imm64(c, v.reg >= 0 ? v.reg : R0, (int64_t)e->u.integer);
		if (v.reg < 0)
			vreg_set(c, v, R0);
		return v;
	case FTH_POSITIONAL:
		v = vreg_alloc(c, e);
		emit_mov_imm64(c, R0, positional_value(c, e));
		vreg_set(c, v, R0);
		return v;
	case FTH_IDENT:
		return emit_builtin(c, e);
	case FTH_VAR:
		return emit_var_read(c, e);
	case FTH_MAP:
		return emit_map_read_int(c, e);
	case FTH_UNARY:
		if (e->u.unary.op == TOK_STAR)
			return emit_mem_read_int(c, e);
		return emit_unary(c, e);
	case FTH_BINARY:
		return emit_binary(c, e);
	case FTH_TERNARY:
		return emit_ternary(c, e);
	case FTH_CAST:
		return emit_cast(c, e);
	case FTH_FN_INLINE:
		return emit_fn_inline(c, e);
	case FTH_FIELD:
		if (!is_args_field(e))
			return emit_mem_read_int(c, e);
		if (c->p->inst->args)
			return emit_ctx_arg(c, e, e->u.field.offset);
		return emit_field_int(c, e, 0, e->type);
	case FTH_INDEX: {
		const struct fth_type *at = e->u.index.base->type;
		if (at->kind == FTH_T_STRING) {
			/* a byte of a string: the string to the stack, then a load */
			int tmp = stack_alloc(c, (int)at->size, e);
			emit_to_mem(c, e->u.index.base, fp(tmp), tmp, at);
			v = vreg_alloc(c, e);
			emit(c, I_LDX(BPF_B, R0, fp(tmp + (int)e->u.index.index->u.integer), tmp + (int)e->u.index.index->u.integer));
			emit_extend(c, R0, 1, true);
			vreg_set(c, v, R0);
			return v;
		}
		/* an array inside the tracepoint record is read at its offset;
		 * a pointer in it (args->buf[i]) is followed like any other */
		if (!is_args_field(e->u.index.base) || at->kind == FTH_T_POINTER)
			return emit_mem_read_int(c, e);
		uint32_t idx = (uint32_t)e->u.index.index->u.integer;
		return emit_field_int(c, e->u.index.base, idx * at->elem->size, e->type);
	}
	case FTH_INCDEC:
		return emit_incdec(c, e);
	case FTH_BLOCK_EXPR:
		for (int i = 0; i < e->u.block.stmts.len; i++)
			emit_stmt(c, e->u.block.stmts.items[i]);
		return emit_int(c, e->u.block.value);
	case FTH_SIZEOF:
		v = vreg_alloc(c, e);
		emit_mov_imm64(c, R0, e->u.sizeof_.operand && e->u.sizeof_.operand->type
					      ? e->u.sizeof_.operand->type->size : 8);
		vreg_set(c, v, R0);
		return v;
	case FTH_CALL:
		if (!strcmp(e->u.call.name, "delete"))
			return emit_delete(c, e);
		if (!strcmp(e->u.call.name, "rand")) {
			emit(c, I_CALL(BPF_FUNC_get_prandom_u32));
			return vreg_from_r0(c, e);
		}
		if (!strcmp(e->u.call.name, "nsecs"))
			return emit_nsecs_call(c, e);
		if (!strcmp(e->u.call.name, "pid") || !strcmp(e->u.call.name, "tid"))
			return emit_init_ns_pid(c, e);
		if (!strcmp(e->u.call.name, "socket_cookie"))
			return emit_socket_cookie(c, e);
		if (!strcmp(e->u.call.name, "write_user"))
			return emit_write_user(c, e);
		if (!strcmp(e->u.call.name, "skboutput"))
			return emit_skboutput(c, e);
		if (!strcmp(e->u.call.name, "has_key"))
			return emit_has_key(c, e);
		if (!strcmp(e->u.call.name, "percpu_kaddr"))
			return emit_percpu_kaddr(c, e);
		if (!strcmp(e->u.call.name, "find"))
			return emit_find(c, e);
		if (!strcmp(e->u.call.name, "len"))
			return e->u.call.args.items[0]->kind == FTH_MAP ? emit_map_len(c, e) : emit_stack_len(c, e);
		if (!strcmp(e->u.call.name, "reg"))
			return emit_reg_read(c, e, fth_pt_regs_offset(e->u.call.args.items[0]->u.string.data));
		if (!strcmp(e->u.call.name, "uaddr"))
			return emit_uaddr(c, e);
		if (!strcmp(e->u.call.name, "ksym") || !strcmp(e->u.call.name, "strerror") ||
		    !strcmp(e->u.call.name, "syscall_name") || !strcmp(e->u.call.name, "cgroup_path") ||
		    !strcmp(e->u.call.name, "uptr") || !strcmp(e->u.call.name, "kptr"))
			return emit_int(c, e->u.call.args.items[0]);
		if (!strcmp(e->u.call.name, "kstack")) {
			emit_stackid(c, e->type, e);
			return vreg_from_r0(c, e);
		}
		if (!strcmp(e->u.call.name, "bswap")) {
			struct vreg v2 = emit_int(c, e->u.call.args.items[0]);
			int r2 = vreg_use(c, v2, R1);
			int bits = (int)e->type->size * 8;
			if (bits > 8)
				emit(c, fth_insn(BPF_ALU | BPF_END | BPF_TO_BE, (uint8_t)r2, 0, 0, bits));
			vreg_set(c, v2, r2);
			return v2;
		}
		if (!strcmp(e->u.call.name, "strftime"))
			return emit_int(c, e->u.call.args.items[1]);
		if (!strcmp(e->u.call.name, "strncmp"))
			return emit_strncmp(c, e);
		if (!strcmp(e->u.call.name, "strstr") || !strcmp(e->u.call.name, "strcontains"))
			return emit_strstr(c, e);
		if (!strcmp(e->u.call.name, "strlen") || !strcmp(e->u.call.name, "strcap"))
			return emit_strlen(c, e);
		if (!strcmp(e->u.call.name, "memcmp"))
			return emit_memcmp(c, e);
		break;
	case FTH_TUPLE_INDEX: {
		struct fth_node *base = e->u.tuple_index.base;
		const struct fth_field *f = &base->type->fields[e->u.tuple_index.index];
		int reg, off;
		(void)f;
		struct fth_node *mapnode;
		if (tuple_elem_place(c, e, &reg, &off)) {
			int size = (int)e->type->size;
			v = vreg_alloc(c, e);
			emit(c, I_LDX(bpf_size(size), R0, reg, off));
			emit_extend(c, R0, size, type_signed(e->type));
			vreg_set(c, v, R0);
			return v;
		}
		mapnode = tuple_elem_in_map(e, &off);
		if (mapnode) {
			/* a missing key reads as 0 (r0 is NULL then) */
			int size = (int)e->type->size, j;
			emit_map_lookup_node(c, fth_program_find_map(c->prog, mapnode->u.map.name), mapnode);
			j = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
			emit(c, I_LDX(bpf_size(size), R0, R0, off));
			emit_extend(c, R0, size, type_signed(e->type));
			fth_patch_jump_here(c->b, j);
			return vreg_from_r0(c, e);
		}
		{
			int size = (int)e->type->size;
			tuple_elem_built(c, e, &reg, &off);
			v = vreg_alloc(c, e);
			emit(c, I_LDX(bpf_size(size), R0, reg, off));
			emit_extend(c, R0, size, type_signed(e->type));
			vreg_set(c, v, R0);
			return v;
		}
	}
	default:
		break;
	}
	cg_error(c, e, "this expression cannot be used as a number here");
	return vreg_alloc(c, e);
}

/* ------------------------------------------------------ memory-valued exprs */

/* `func` (or `probe`) of an instance sharing its program (multi_leader):
 * its name from the map of names `map`, at the index the link's cookie
 * gives. */
static void emit_multi_name(struct cg *c, struct fth_node *e, int map, int base, int off, const struct fth_type *t)
{
	const struct fth_map *names = fth_program_map(c->prog, map);
	int key = stack_alloc(c, 8, e);
	int n = (int)(names->value_size < t->size ? names->value_size : t->size);
	int missing;

	emit_zero(c, base, off, (int)t->size);
	emit(c, I_MOV64_REG(R1, R6));
	emit(c, I_CALL(BPF_FUNC_get_attach_cookie));
	emit(c, I_STX(BPF_W, R10, R0, key));
	emit_lookup(c, names->index, key);
	missing = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit(c, I_MOV64_REG(R1, R0));
	/* the last byte stays 0: the name is always terminated */
	emit_copy(c, base, off, R1, 0, n < (int)t->size ? n : n - 1);
	fth_patch_jump_here(c->b, missing);
}

static void emit_string_literal(struct cg *c, const char *data, uint32_t len, int base, int off, int cap)
{
	int i = 0;

	emit_zero(c, base, off, cap);
	if ((int)len >= cap)
		len = (uint32_t)cap - 1;
	/* bytes up to an 8-byte boundary (buf() data starts 4 bytes in): the
	 * verifier rejects misaligned stack stores */
	for (; i < (int)len && (off + i) % 8; i++)
		emit(c, I_ST_IMM(BPF_B, base, off + i, (unsigned char)data[i]));
	for (; i + 8 <= (int)len; i += 8) {
		uint64_t chunk;
		memcpy(&chunk, data + i, 8);
		fth_emit_ld_imm64(c->b, R0, 0, chunk);
		emit(c, I_STX(BPF_DW, base, R0, off + i));
	}
	for (; i < (int)len; i++)
		emit(c, I_ST_IMM(BPF_B, base, off + i, (unsigned char)data[i]));
}

/* reg = the value of len, clamped to 1..max: buf()'s run-time length
 * (the verifier needs a bounded, non-zero size). */
static void emit_clamped_length(struct cg *c, struct fth_node *len, int reg, int max)
{
	struct vreg v = emit_int(c, len);
	int r = vreg_use(c, v, reg);

	emit(c, I_MOV64_REG(reg, r));
	vreg_free(c, v);
	emit(c, I_JMP_IMM(BPF_JLE, reg, max, 1));
	emit(c, I_MOV64_IMM(reg, max));
	emit(c, I_JMP_IMM(BPF_JNE, reg, 0, 1));
	emit(c, I_MOV64_IMM(reg, 1));
}

/* str(ptr [, n]): read a NUL-terminated string from kernel or user memory. */
/* Bytes str() reads past its string type's size: 1 while max_strlen is
 * below 1024, as in bpftrace. A string that fills its type then has no
 * NUL in it, which is how the output knows it was cut short and appends
 * str_trunc_trailer; one that fits keeps its NUL. (bpftrace leaves the
 * 1024-byte default without the extra byte.) */
static int str_read_padding(const struct cg *c)
{
	return c->prog->config.max_strlen < FTH_DEFAULT_MAX_STRLEN ? 1 : 0;
}

/* str(s, n) of a string value s: its first n bytes, the last of them
 * made its NUL when s is longer (sema gave the call the type string[n]). */
static void emit_str_of_string(struct cg *c, struct fth_node *arg, int base, int off, const struct fth_type *t,
			       uint32_t n)
{
	if (n > t->size)
		n = t->size;
	if (n >= arg->type->size) {
		emit_to_mem(c, arg, base, off, t);
		return;
	}
	emit_to_mem(c, arg, base, off, n == t->size ? t : fth_type_string(&c->prog->arena, n));
	if (t->size > n)
		emit_zero(c, base, off + (int)n, (int)(t->size - n));
	emit(c, I_ST_IMM(BPF_B, base, off + (int)n - 1, 0));
}

static void emit_str_call(struct cg *c, struct fth_node *call, int base, int off, const struct fth_type *t)
{
	struct fth_node *arg = call->u.call.args.items[0];
	int cap = (int)t->size;
	int read_len = (int)call->type->size;
	int dbase = base, dst = off, pad;
	struct vreg p;
	int helper;

	if (arg->kind == FTH_POSITIONAL || positional_offset(arg, NULL, NULL)) {
		int idx = arg->kind == FTH_POSITIONAL ? arg->u.positional.index : 0;
		int64_t skip = 0;
		const char *s;
		if (arg->kind != FTH_POSITIONAL)
			positional_offset(arg, &idx, &skip);
		s = idx > 0 && idx <= c->prog->positional.len ? c->prog->positional.items[idx - 1] : "";
		s += (size_t)skip < strlen(s) ? (size_t)skip : strlen(s);
		emit_string_literal(c, s, (uint32_t)strlen(s), base, off, cap);
		/* cut like a read with str_read_padding: all cap bytes, no NUL */
		if (str_read_padding(c) && strlen(s) >= (size_t)cap && cap > 0)
			emit(c, I_ST_IMM(BPF_B, base, off + cap - 1, (unsigned char)s[cap - 1]));
		return;
	}
	if (arg->type && arg->type->kind == FTH_T_STRING) {
		emit_str_of_string(c, arg, base, off, t, (uint32_t)read_len);
		return;
	}
	if (read_len > cap)
		read_len = cap;
	pad = str_read_padding(c);
	/* The read of read_len + 1 bytes needs a byte past the string: the
	 * destination's own when it is bigger, else a temporary. */
	if (pad && read_len == cap) {
		dbase = fp(dst = stack_alloc(c, cap + 1, call));
		emit_zero(c, dbase, dst, cap + 1);
	} else if (!c->str_unpadded) {
		/* A key or a value compared later must be NUL-padded to its
		 * full size.  A record needs no padding: probe_read_*_str
		 * NUL-terminates what it read, and zeroes the buffer when the
		 * read fails. */
		emit_zero(c, base, off, cap);
	}
	c->str_unpadded = false;
	p = emit_int(c, arg);
	helper = str_read_helper(c, arg->type);
	if (call->u.call.args.len == 2 && call->u.call.args.items[1]->kind != FTH_INT) {
		/* Run-time length, clamped to the buffer: 1..read_len. */
		emit_clamped_length(c, call->u.call.args.items[1], R2, read_len);
		if (pad)
			emit(c, I_ALU64_IMM(BPF_ADD, R2, pad));
	} else {
		emit(c, I_MOV64_IMM(R2, read_len + pad));
	}
	emit(c, I_MOV64_REG(R3, vreg_use(c, p, R3)));
	vreg_free(c, p);
	emit_addr(c, R1, dbase, dst);
	emit(c, I_CALL(helper));
	emit_helper_check(c, probe_read_name(helper), call);
	if (dbase != base || dst != off)
		emit_copy(c, base, off, dbase, dst, cap);
}

/* Into r, the pointer (or a struct's address) e denotes, computed the way
 * the verifier can follow it: the probe's context (`ctx`, args.NAME of
 * fentry/fexit) and its members, a pointer member read with a direct load
 * and a struct member's address by an add, a NULL pointer ending at
 * nulls[]. bpf_d_path and bpf_get_socket_cookie take nothing else.
 * false: e is of another form (reported as `misuse`). */
static bool emit_trusted_ref(struct cg *c, struct fth_node *e, int r, int *nulls, int *nnull, int max_null,
			     const char *misuse)
{
	const struct fth_probe_inst *inst = c->p->inst;
	const struct fth_type *t = e->type;

	if (e->kind == FTH_IDENT && !strcmp(e->u.ident.name, "ctx")) {
		emit(c, I_MOV64_REG(r, R6));
		return true;
	}
	if (is_args_field(e)) {
		for (int i = 0; i < inst->nargs; i++) {
			if (inst->args[i].name && !strcmp(inst->args[i].name, e->u.field.name)) {
				emit(c, I_LDX(BPF_DW, r, R6, (int16_t)inst->args[i].offset));
				break;
			}
		}
	} else if (e->kind == FTH_FIELD && t && emit_trusted_ref(c, e->u.field.base, r, nulls, nnull, max_null, misuse)) {
		if (t->kind == FTH_T_STRUCT) {
			if (e->u.field.offset)
				emit(c, I_ALU64_IMM(BPF_ADD, r, (int32_t)e->u.field.offset));
			return true;
		}
		emit(c, I_LDX(BPF_DW, r, r, (int16_t)e->u.field.offset));
	} else {
		if (e->kind != FTH_FIELD || !c->failed)
			cg_error(c, e, misuse);
		return false;
	}
	if (*nnull < max_null)
		nulls[(*nnull)++] = emit(c, I_JMP_IMM(BPF_JEQ, r, 0, 0));
	return true;
}

/* path(p [, size]): bpf_d_path into the string; "" when a pointer on the
 * way is NULL or the kernel cannot name the path. */
static void emit_path_call(struct cg *c, struct fth_node *call, int base, int off, const struct fth_type *t)
{
	int nulls[16], nnull = 0, ok;

	emit_zero(c, base, off, (int)t->size);
	if (!emit_trusted_ref(c, call->u.call.args.items[0], R1, nulls, &nnull, 16,
			      "path() reads the path through the probe's own arguments only, "
			      "e.g. path(args.file->f_path) or, in iter probes, path(ctx->file->f_path)"))
		return;
	emit_addr(c, R2, base, off);
	emit(c, I_MOV64_IMM(R3, (int32_t)t->size));
	emit(c, I_CALL(BPF_FUNC_d_path));
	/* A path longer than the buffer fails with its tail written: none. */
	ok = emit(c, I_JMP_IMM(BPF_JSGE, R0, 0, 0));
	emit_zero(c, base, off, (int)t->size);
	fth_patch_jump_here(c->b, ok);
	for (int i = 0; i < nnull; i++)
		fth_patch_jump_here(c->b, nulls[i]);
}

static void emit_kfunc_call(struct cg *c, const char *name)
{
	emit(c, fth_insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0,
			 fth_btf_func_id(fth_program_btf(c->prog), name)));
}

/* The byte offset of member `name` of the kernel's struct `sname`, or -1. */
static int kernel_member_offset(struct cg *c, const char *sname, const char *name)
{
	struct fth_btf *btf = fth_program_btf(c->prog);
	struct fth_type *t = btf ? fth_btf_type_by_name(btf, &c->prog->arena, sname) : NULL;
	uint32_t off = 0, bit_off, bit_size;

	if (!t || !fth_btf_member(btf, &c->prog->arena, t, name, &off, &bit_off, &bit_size))
		return -1;
	return (int)off;
}

/* r0 = the start of the lowest mapping of the file with inode `inode` in
 * the current process, or 0. The kernel's task VMA iterator visits the
 * mappings in address order, so the first match is the lowest:
 *
 *   bpf_iter_task_vma_new(&it, bpf_get_current_task_btf(), 0);
 *   while ((vma = bpf_iter_task_vma_next(&it)))
 *     if (vma->vm_file && vma->vm_file->f_inode->i_ino == inode)
 *       { found = vma->vm_start; break; }
 *   bpf_iter_task_vma_destroy(&it);
 *
 * The iterator must live in the BPF frame: the verifier tracks it there. */
static void emit_file_mapping_start(struct cg *c, struct fth_node *call, uint64_t inode)
{
	int vm_start = kernel_member_offset(c, "struct vm_area_struct", "vm_start");
	int vm_file = kernel_member_offset(c, "struct vm_area_struct", "vm_file");
	int f_inode = kernel_member_offset(c, "struct file", "f_inode");
	int i_ino = kernel_member_offset(c, "struct inode", "i_ino");
	int saved = c->stack_used, iter, found, loop, end, hit;

	if (vm_start < 0 || vm_file < 0 || f_inode < 0 || i_ino < 0) {
		cg_error(c, call, "uaddr(): the kernel's BTF lacks the vm_area_struct, file or inode members it reads");
		return;
	}
	iter = stack_alloc(c, 8, call);
	found = stack_alloc(c, 8, call);
	if (fp(iter) != R10 || fp(found) != R10) {
		cg_error(c, call, "uaddr(): no room left in the probe's stack for the mapping walk");
		c->stack_used = saved;
		return;
	}
	emit(c, I_ST_IMM(BPF_DW, R10, found, 0));
	emit(c, I_CALL(BPF_FUNC_get_current_task_btf));
	emit(c, I_MOV64_REG(R2, R0));
	emit_addr(c, R1, R10, iter);
	emit(c, I_MOV64_IMM(R3, 0));
	emit_kfunc_call(c, "bpf_iter_task_vma_new");
	loop = c->b->len;
	emit_addr(c, R1, R10, iter);
	emit_kfunc_call(c, "bpf_iter_task_vma_next");
	end = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit(c, I_LDX(BPF_DW, R1, R0, (int16_t)vm_file));
	emit(c, I_JMP_IMM(BPF_JEQ, R1, 0, (int16_t)(loop - c->b->len - 1)));
	emit(c, I_LDX(BPF_DW, R1, R1, (int16_t)f_inode));
	emit(c, I_JMP_IMM(BPF_JEQ, R1, 0, (int16_t)(loop - c->b->len - 1)));
	emit(c, I_LDX(BPF_DW, R1, R1, (int16_t)i_ino));
	fth_emit_ld_imm64(c->b, R2, 0, inode);
	hit = emit(c, I_JMP_REG(BPF_JEQ, R1, R2, 0));
	emit(c, I_JA((int16_t)(loop - c->b->len - 1)));
	fth_patch_jump_here(c->b, hit);
	emit(c, I_LDX(BPF_DW, R0, R0, (int16_t)vm_start));
	emit(c, I_STX(BPF_DW, R10, R0, (int16_t)found));
	fth_patch_jump_here(c->b, end);
	emit_addr(c, R1, R10, iter);
	emit_kfunc_call(c, "bpf_iter_task_vma_destroy");
	emit(c, I_LDX(BPF_DW, R0, R10, (int16_t)found));
	c->stack_used = saved;
}

/* uaddr("NAME"): NAME's address in the probe's binary. In a PIE or shared
 * object that is the file's lowest mapping in this process plus NAME's
 * distance from the file's first loaded page; when the process has no
 * such mapping the file's own address is left, as current bpftrace does. */
static struct vreg emit_uaddr(struct cg *c, struct fth_node *call)
{
	const struct fth_user_symbol *u =
		fth_sema_user_symbol(c->prog, c->p->inst->binary, call->u.call.args.items[0]->u.string.data);
	int found, done;

	if (!u || !u->relocate) {
		emit_mov_imm64(c, R0, u ? (int64_t)u->addr : 0);
		return vreg_from_r0(c, call);
	}
	emit_file_mapping_start(c, call, u->inode);
	found = emit(c, I_JMP_IMM(BPF_JNE, R0, 0, 0));
	emit_mov_imm64(c, R0, (int64_t)u->addr);
	done = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, found);
	emit_mov_imm64(c, R1, (int64_t)(u->addr - u->first_page));
	emit(c, I_ALU64_REG(BPF_ADD, R0, R1));
	fth_patch_jump_here(c->b, done);
	return vreg_from_r0(c, call);
}

/* comm(pid): bpf_task_from_pid gives a counted reference to the task, or
 * NULL (the string stays ""); its comm is copied and the reference given
 * back with bpf_task_release, as the verifier demands. */
static void emit_comm_of_pid(struct cg *c, struct fth_node *call, int base, int off, const struct fth_type *t)
{
	struct fth_btf *btf = fth_program_btf(c->prog);
	struct fth_type *task = fth_btf_type_by_name(btf, &c->prog->arena, "struct task_struct");
	uint32_t comm_off = 0, bit_off, bit_size;
	int saved = c->stack_used, slot, none, r;
	struct vreg pid;

	if (!task || !fth_btf_member(btf, &c->prog->arena, task, "comm", &comm_off, &bit_off, &bit_size)) {
		cg_error(c, call, "comm(pid): the kernel's struct task_struct has no comm");
		return;
	}
	emit_zero(c, base, off, (int)t->size);
	pid = emit_int(c, call->u.call.args.items[0]);
	r = vreg_use(c, pid, R1);
	if (r != R1)
		emit(c, I_MOV64_REG(R1, r));
	vreg_free(c, pid);
	emit_kfunc_call(c, "bpf_task_from_pid");
	none = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	slot = stack_alloc(c, 8, call);
	emit(c, I_STX(BPF_DW, fp(slot), R0, (int16_t)slot));
	emit_addr(c, R1, base, off);
	emit(c, I_MOV64_IMM(R2, t->size < 16 ? (int)t->size : 16));
	emit(c, I_MOV64_REG(R3, R0));
	emit(c, I_ALU64_IMM(BPF_ADD, R3, (int32_t)comm_off));
	emit(c, I_CALL(BPF_FUNC_probe_read_kernel));
	emit(c, I_LDX(BPF_DW, R1, fp(slot), (int16_t)slot));
	emit_kfunc_call(c, "bpf_task_release");
	fth_patch_jump_here(c->b, none);
	c->stack_used = saved;
}

/* socket_cookie(sk): bpf_get_socket_cookie of the kernel's own socket
 * pointer; 0 when a pointer on the way to it is NULL. */
static struct vreg emit_socket_cookie(struct cg *c, struct fth_node *call)
{
	int nulls[16], nnull = 0, done;

	if (!emit_trusted_ref(c, call->u.call.args.items[0], R1, nulls, &nnull, 16,
			      "socket_cookie() reads the socket through the probe's own arguments only, "
			      "e.g. socket_cookie(args.sk)")) {
		emit(c, I_MOV64_IMM(R0, 0));
		return vreg_from_r0(c, call);
	}
	emit(c, I_CALL(BPF_FUNC_get_socket_cookie));
	if (nnull) {
		done = emit(c, I_JA(0));
		for (int i = 0; i < nnull; i++)
			fth_patch_jump_here(c->b, nulls[i]);
		emit(c, I_MOV64_IMM(R0, 0));
		fth_patch_jump_here(c->b, done);
	}
	return vreg_from_r0(c, call);
}

/* Add one to the lost-events counter the runtime reports ("Lost N
 * events"): an event that found no room is counted, never silent. */
static void emit_count_lost_event(struct cg *c, struct fth_node *where)
{
	int key = stack_alloc(c, 8, where);

	emit(c, I_ST_IMM(BPF_W, fp(key), key, FTH_LOST_EVENTS));
	emit_lookup(c, c->prog->lost_map, key);
	emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 2));
	emit(c, I_MOV64_IMM(R1, 1));
	emit(c, I_ATOMIC_ADD(BPF_DW, R0, R1, 0));
}

/* A failed bpf_skb_output whose result (in frame slot `slot`) is -ENOSPC
 * found the perf buffer full: one lost event, like a full ring buffer.
 * The result is back in r0 after.
 * (The perf buffer's own lost records would tell only with the next
 * packet that fits, so they are not used.) */
static void emit_count_lost_skb(struct cg *c, int slot, struct fth_node *where)
{
	int skip;

	emit(c, I_LDX(BPF_DW, R0, fp(slot), slot));
	skip = emit(c, I_JMP_IMM(BPF_JNE, R0, -ENOSPC, 0));
	emit_count_lost_event(c, where);
	fth_patch_jump_here(c->b, skip);
	emit(c, I_LDX(BPF_DW, R0, fp(slot), slot));
}

/* skboutput(path, skb, len, offset): struct fth_skb_meta on the stack,
 * then bpf_skb_output(skb, fth_skb, len << 32 | BPF_F_CURRENT_CPU, meta,
 * sizeof meta): the kernel copies the packet's first len bytes after the
 * meta. The result is 0 or a negative errno, -EINVAL when a pointer on
 * the way to the skb is NULL. */
static struct vreg emit_skboutput(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	int id = add_action(c, FTH_ACT_SKBOUTPUT, call);
	struct fth_action *a = fth_program_action(c->prog, id);
	int saved = c->stack_used, nulls[16], nnull = 0, done, clamp;
	int meta = stack_alloc(c, (int)sizeof(struct fth_skb_meta), call);
	struct vreg len;
	int r;

	a->text = args->items[0]->u.string.data;
	a->skb_offset = (uint32_t)args->items[3]->u.integer;
	len = emit_int(c, args->items[2]);
	r = vreg_use(c, len, R1);
	emit(c, I_STX(BPF_DW, fp(meta), r, meta + (int)offsetof(struct fth_skb_meta, len)));
	if (r != R1)
		emit(c, I_MOV64_REG(R1, r));
	vreg_free(c, len);
	clamp = emit(c, I_JMP_IMM(BPF_JLE, R1, FTH_SKB_CAPTURE_MAX, 0));
	emit(c, I_MOV64_IMM(R1, FTH_SKB_CAPTURE_MAX));
	fth_patch_jump_here(c->b, clamp);
	emit(c, I_STX(BPF_DW, fp(meta), R1, meta + (int)offsetof(struct fth_skb_meta, caplen)));
	emit_mov_imm64(c, R1, id);
	emit(c, I_STX(BPF_DW, fp(meta), R1, meta + (int)offsetof(struct fth_skb_meta, action)));
	emit(c, I_CALL(BPF_FUNC_ktime_get_boot_ns));
	emit(c, I_STX(BPF_DW, fp(meta), R0, meta + (int)offsetof(struct fth_skb_meta, boot_ns)));
	if (!emit_trusted_ref(c, args->items[1], R1, nulls, &nnull, 16,
			      "skboutput() reads the packet through the probe's own arguments only, "
			      "e.g. skboutput(\"/tmp/out.pcap\", args.skb, args.skb->len, 0)")) {
		c->stack_used = saved;
		emit(c, I_MOV64_IMM(R0, 0));
		return vreg_from_r0(c, call);
	}
	emit_map_ref(c, R2, c->prog->skb_map);
	emit(c, I_LDX(BPF_DW, R3, fp(meta), meta + (int)offsetof(struct fth_skb_meta, caplen)));
	emit(c, I_ALU64_IMM(BPF_LSH, R3, 32));
	/* BPF_F_CURRENT_CPU is 0xffffffff: a 32-bit move, not sign-extended */
	emit(c, I_ALU32_IMM(BPF_MOV, R4, -1));
	emit(c, I_ALU64_REG(BPF_OR, R3, R4));
	emit_addr(c, R4, fp(meta), meta);
	emit(c, I_MOV64_IMM(R5, (int32_t)sizeof(struct fth_skb_meta)));
	/* the verifier's complaints about the call are about skboutput() */
	c->b->cur_range = call->range;
	emit(c, I_CALL(BPF_FUNC_skb_output));
	/* the meta's slot is free again: it keeps the result for a moment */
	emit(c, I_STX(BPF_DW, fp(meta), R0, meta));
	emit_count_lost_skb(c, meta, call);
	emit_helper_check(c, "skb_output", call);
	/* -k's report of a failure used r0 */
	emit(c, I_LDX(BPF_DW, R0, fp(meta), meta));
	if (nnull) {
		done = emit(c, I_JA(0));
		for (int i = 0; i < nnull; i++)
			fth_patch_jump_here(c->b, nulls[i]);
		emit(c, I_MOV64_IMM(R0, -EINVAL));
		fth_patch_jump_here(c->b, done);
	}
	emit_extend(c, R0, 4, false);
	c->stack_used = saved;
	return vreg_from_r0(c, call);
}

/* write_user(dst, src, len): src is laid out on the stack as its type
 * says, then bpf_probe_write_user copies len bytes of it to dst. */
static struct vreg emit_write_user(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	const struct fth_type *st = args->items[1]->type;
	int saved = c->stack_used, slot = stack_alloc(c, (int)st->size, call), r;
	struct vreg dst;

	emit_to_mem(c, args->items[1], fp(slot), slot, st);
	dst = emit_int(c, args->items[0]);
	r = vreg_use(c, dst, R1);
	if (r != R1)
		emit(c, I_MOV64_REG(R1, r));
	vreg_free(c, dst);
	emit_addr(c, R2, fp(slot), slot);
	emit(c, I_MOV64_IMM(R3, (int32_t)args->items[2]->u.integer));
	/* the verifier's complaints about the call are about write_user() */
	c->b->cur_range = call->range;
	emit(c, I_CALL(BPF_FUNC_probe_write_user));
	c->stack_used = saved;
	return vreg_from_r0(c, call);
}

static void emit_store_int(struct cg *c, struct fth_node *e, int base, int off, const struct fth_type *t)
{
	struct vreg v = emit_int(c, e);
	int r = vreg_use(c, v, R1);
	int size = t && t->size && t->size <= 8 ? (int)t->size : 8;

	emit(c, I_STX(bpf_size(size), base, r, off));
	vreg_free(c, v);
}

/* usym(addr): address and pid; ntop(): family and address; buf(): length
 * and bytes. */
static void emit_value_call_to_mem(struct cg *c, struct fth_node *e, int base, int off)
{
	struct fth_node_list *args = &e->u.call.args;
	const struct fth_type *et = e->type;

	if (et->kind == FTH_T_USYM) {
		struct vreg v = emit_int(c, args->items[0]);
		emit(c, I_STX(BPF_DW, base, vreg_use(c, v, R1), off));
		vreg_free(c, v);
		emit_current_pid_tgid(c, e);
		emit(c, I_ALU64_IMM(BPF_RSH, R0, 32));
		emit(c, I_STX(BPF_DW, base, R0, off + 8));
		return;
	}
	if (et->kind == FTH_T_INET) {
		struct fth_node *addr = args->items[args->len - 1];
		const struct fth_type *at = addr->type;
		bool v6 = at->kind == FTH_T_ARRAY && at->size == 16;
		emit_zero(c, base, off, 20);
		if (args->len == 2) {
			struct vreg af = emit_int(c, args->items[0]);
			emit(c, I_STX(BPF_W, base, vreg_use(c, af, R1), off));
			vreg_free(c, af);
		} else {
			emit(c, I_ST_IMM(BPF_W, base, off, v6 ? 10 : 2));
		}
		if (at->kind == FTH_T_ARRAY)
			emit_to_mem(c, addr, base, off + 4, at);
		else
			emit_store_int(c, addr, base, off + 4, fth_type_int(4, false));
		return;
	}
	/* buf(ptr [, len]) */
	{
		struct fth_node *src = args->items[0];
		int cap = (int)et->size - 4;
		const struct fth_type *st = src->type;
		emit_zero(c, base, off, (int)et->size);
		if (src->kind == FTH_STRING) {
			/* a literal: its first cap bytes (NUL-padded by the zeroing) */
			int n = args->len == 2 ? cap : (int)src->u.string.len + 1 < cap ? (int)src->u.string.len + 1 : cap;
			for (int i = 0; i < n && i < (int)src->u.string.len; i++)
				emit(c, I_ST_IMM(BPF_B, base, off + 4 + i, (unsigned char)src->u.string.data[i]));
			if (args->len == 2 && args->items[1]->kind != FTH_INT) {
				/* a run-time length, clamped to 1..cap as for memory */
				emit_clamped_length(c, args->items[1], R1, cap);
				emit(c, I_STX(BPF_W, base, R1, off));
				return;
			}
			emit(c, I_ST_IMM(BPF_W, base, off, n));
			return;
		}
		if (st->kind == FTH_T_ARRAY || st->kind == FTH_T_STRING) {
			int n = (int)st->size < cap ? (int)st->size : cap;
			emit_to_mem(c, src, base, off + 4, st->size <= (uint32_t)cap ? st : et);
			if (args->len == 2 && args->items[1]->kind != FTH_INT) {
				/* a run-time length: the value is copied whole, the
				 * length says how much of it is shown */
				emit_clamped_length(c, args->items[1], R1, n);
				emit(c, I_STX(BPF_W, base, R1, off));
				return;
			}
			emit(c, I_ST_IMM(BPF_W, base, off, n));
			return;
		}
		{
			struct vreg p = emit_int(c, src);
			int len_reg;
			if (args->len == 2 && args->items[1]->kind != FTH_INT) {
				struct vreg n = emit_int(c, args->items[1]);
				len_reg = vreg_use(c, n, R2);
				emit(c, I_MOV64_REG(R2, len_reg));
				vreg_free(c, n);
				emit(c, I_JMP_IMM(BPF_JLE, R2, cap, 1));
				emit(c, I_MOV64_IMM(R2, cap));
			} else {
				emit(c, I_MOV64_IMM(R2, cap));
			}
			emit(c, I_STX(BPF_W, base, R2, off));
			emit(c, I_MOV64_REG(R3, vreg_use(c, p, R3)));
			vreg_free(c, p);
			emit_addr(c, R1, base, off + 4);
			emit(c, I_CALL((fth_type_has_addr_space(st) && st->user_space) ||
						(!fth_type_has_addr_space(st) && c->p->inst->user_space)
					       ? BPF_FUNC_probe_read_user
					       : BPF_FUNC_probe_read_kernel));
		}
	}
}

/* r0 = the id of the current kernel or user stack (t: its type, whose
 * limit and mode pick the stack map), 0 when there is none.
 *
 * The frames come from bpf_get_stack (which zeroes what is left of the
 * buffer), their 64-bit hash is the id, and the frames are stored under
 * it in a hash map once. bpf_get_stackid's stack maps would be one helper
 * call, but they refuse a stack whose bucket holds another (-EEXIST): with
 * a few thousand distinct stacks, as a profile has, many samples would be
 * lost. Per event this costs a walk over the frames (about five
 * instructions each) and one lookup; the insert happens once per stack. */
static void emit_stackid(struct cg *c, const struct fth_type *t, struct fth_node *where)
{
	bool build_id = t->stack_mode == FTH_STACK_BUILD_ID;
	int size = t->stack_limit * (build_id ? (int)sizeof(struct bpf_stack_build_id) : 8);
	int buf = stack_alloc(c, size, where), key = stack_alloc(c, 8, where);
	int map = fth_program_stack_map(c->prog, t->stack_limit, build_id)->index;
	int none, loop, back, found, done;
	uint64_t flags = 0;

	if (t->kind == FTH_T_USTACK)
		flags = BPF_F_USER_STACK | (build_id ? BPF_F_USER_BUILD_ID : 0);
	emit(c, I_MOV64_REG(R1, R6));
	emit_addr(c, R2, fp(buf), buf);
	emit(c, I_MOV64_IMM(R3, size));
	emit(c, I_MOV64_IMM(R4, (int32_t)flags));
	emit(c, I_CALL(BPF_FUNC_get_stack));
	none = emit(c, I_JMP_IMM(BPF_JSLE, R0, 0, 0));
	/* r3 = FNV-1a over the r0 / 8 words at buf (r1), r2 counting */
	emit(c, I_ALU64_IMM(BPF_RSH, R0, 3));
	emit_mov_imm64(c, R3, (int64_t)0xcbf29ce484222325ull);
	emit_mov_imm64(c, R4, 0x100000001b3ll);
	emit_addr(c, R1, fp(buf), buf);
	emit(c, I_MOV64_IMM(R2, 0));
	loop = emit(c, I_JMP_REG(BPF_JGE, R2, R0, 0));
	emit(c, I_LDX(BPF_DW, R5, R1, 0));
	emit(c, I_ALU64_REG(BPF_XOR, R3, R5));
	emit(c, I_ALU64_REG(BPF_MUL, R3, R4));
	emit(c, I_ALU64_IMM(BPF_ADD, R1, 8));
	emit(c, I_ALU64_IMM(BPF_ADD, R2, 1));
	back = emit(c, I_JA(0));
	c->b->insns[back].off = (int16_t)(loop - back - 1);
	fth_patch_jump_here(c->b, loop);
	/* the frame count too, and 0 is kept for "no stack" */
	emit(c, I_ALU64_REG(BPF_XOR, R3, R0));
	emit(c, I_JMP_IMM(BPF_JNE, R3, 0, 1));
	emit(c, I_MOV64_IMM(R3, 1));
	emit(c, I_STX(BPF_DW, fp(key), R3, key));
	emit_map_ref(c, R1, map);
	emit_addr(c, R2, fp(key), key);
	emit(c, I_CALL(BPF_FUNC_map_lookup_elem));
	found = emit(c, I_JMP_IMM(BPF_JNE, R0, 0, 0));
	/* A new stack. A full map (or a racing insert) leaves it unstored:
	 * its id then prints as an empty stack. */
	emit_map_ref(c, R1, map);
	emit_addr(c, R2, fp(key), key);
	emit_addr(c, R3, fp(buf), buf);
	emit(c, I_MOV64_IMM(R4, BPF_NOEXIST));
	emit(c, I_CALL(BPF_FUNC_map_update_elem));
	fth_patch_jump_here(c->b, found);
	emit(c, I_LDX(BPF_DW, R0, fp(key), key));
	done = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, none);
	emit(c, I_MOV64_IMM(R0, 0));
	fth_patch_jump_here(c->b, done);
}

static bool is_scalar_of_other_width(const struct fth_type *a, const struct fth_type *b)
{
	return (a->kind == FTH_T_INT || a->kind == FTH_T_BOOL) && (b->kind == FTH_T_INT || b->kind == FTH_T_BOOL) &&
	       a->size != b->size && a->size <= 8 && b->size <= 8;
}

/* An integer of type st at [src+soff] stored as type t at [base+off]:
 * extended by st's signedness or cut to t's width. */
static void emit_scalar_convert(struct cg *c, int base, int off, const struct fth_type *t, int src, int soff,
				const struct fth_type *st)
{
	emit(c, I_LDX(bpf_size((int)st->size), R0, src, soff));
	emit_extend(c, R0, (int)st->size, st->kind == FTH_T_INT && st->is_signed);
	emit(c, I_STX(bpf_size((int)t->size), base, R0, off));
}

/* Copy tuple st at [src+soff] into the layout of tuple t at [base+off]
 * (t's strings may be wider, a record's fields in another order), element
 * by element. */
static void emit_tuple_convert(struct cg *c, int base, int off, const struct fth_type *t, int src, int soff,
			       const struct fth_type *st)
{
	emit_zero(c, base, off, (int)t->size);
	for (int i = 0; i < t->nfields && i < st->nfields; i++) {
		const struct fth_field *df = &t->fields[i];
		const struct fth_field *sf = &st->fields[i];
		int n;
		if (df->name) {
			for (int j = 0; j < st->nfields; j++)
				if (st->fields[j].name && !strcmp(st->fields[j].name, df->name))
					sf = &st->fields[j];
		}
		if (df->type->kind == FTH_T_TUPLE && sf->type->kind == FTH_T_TUPLE) {
			emit_tuple_convert(c, base, off + (int)df->offset, df->type, src, soff + (int)sf->offset, sf->type);
			continue;
		}
		if (is_scalar_of_other_width(df->type, sf->type)) {
			emit_scalar_convert(c, base, off + (int)df->offset, df->type, src, soff + (int)sf->offset,
					    sf->type);
			continue;
		}
		n = (int)(df->type->size < sf->type->size ? df->type->size : sf->type->size);
		emit_copy(c, base, off + (int)df->offset, src, soff + (int)sf->offset, n);
	}
}

/* (string[N])e into [base+off] of type t: e's bytes as a string of N
 * (or t's size, if smaller), ending in a NUL when that cut e short. */
static void emit_string_cast(struct cg *c, struct fth_node *e, int base, int off, const struct fth_type *t)
{
	struct fth_node *from = e->u.cast.operand;
	uint32_t n = e->type->size < t->size ? e->type->size : t->size;

	emit_to_mem(c, from, base, off, n == t->size ? t : fth_type_string(&c->prog->arena, n));
	if (t->size > n)
		emit_zero(c, base, off + (int)n, (int)(t->size - n));
	if (from->type->size > n && from->kind != FTH_STRING)
		emit(c, I_ST_IMM(BPF_B, base, off + (int)n - 1, 0));
}

/* The probetype builtin: the provider's name, except that bpftrace calls
 * BEGIN, END and self "special" probes and bench ones "benchmark". */
static const char *probetype_name(const char *provider)
{
	if (!strcmp(provider, "BEGIN") || !strcmp(provider, "END") || !strcmp(provider, "self"))
		return "special";
	if (!strcmp(provider, "bench"))
		return "benchmark";
	return provider;
}

/* kstack / ustack / dw_ustack themselves (with or without arguments),
 * which take the stack of this moment. */
static bool is_stack_capture(const struct fth_node *e)
{
	const char *name = e->kind == FTH_IDENT ? e->u.ident.name : e->kind == FTH_CALL ? e->u.call.name : NULL;

	return name && (!strcmp(name, "kstack") || !strcmp(name, "ustack") || !strcmp(name, "dw_ustack"));
}

struct dw_capture_fill {
	int base, off;   /* where the value's capture id goes */
	int limit;
	struct fth_node *where;
};

#define DW_REC(field) (8 + (int)offsetof(struct fth_dw_capture_record, field))

/* The record's capture id: one more than the last (an atomic add on
 * fth_dwseq, so ids are unique across CPUs), also the value's. */
static void emit_dw_capture_id(struct cg *c, int rec, const struct dw_capture_fill *f)
{
	int key = stack_alloc(c, 8, f->where), jnull;

	emit(c, I_ST_IMM(BPF_DW, fp(key), key, 0));
	emit_lookup(c, c->prog->dw_seq_map, key);
	jnull = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit(c, I_MOV64_IMM(R1, 1));
	emit(c, fth_insn(BPF_STX | BPF_DW | BPF_ATOMIC, R0, R1, 0, BPF_ADD | BPF_FETCH));
	emit(c, I_ALU64_IMM(BPF_ADD, R1, 1));
	emit(c, I_STX(BPF_DW, rec, R1, DW_REC(id)));
	emit(c, I_STX(BPF_DW, f->base, R1, f->off));
	fth_patch_jump_here(c->b, jnull);
}

/* The stack from sp up into the record: the rest of sp's page (always
 * mapped), then whole pages while they can be read; stack_len says how
 * much came. A copy ends where the stack's mapping does, so no fixed size
 * would do: the read of a page past the end fails as a whole. The length
 * is kept in a stack slot across the calls and bounded again after each
 * load, so that the verifier sees every write stay in the record. */
static void emit_dw_stack_copy(struct cg *c, int rec, struct fth_node *where)
{
	int len = stack_alloc(c, 8, where), done[FTH_DW_STACK_PAGES * 2 + 1], ndone = 0;

	emit(c, I_ST_IMM(BPF_DW, rec, DW_REC(stack_len), 0));
	emit(c, I_LDX(BPF_DW, R3, rec, DW_REC(pt_regs[19]))); /* sp */
	emit(c, I_MOV64_REG(R1, R3));
	emit(c, I_ALU64_IMM(BPF_AND, R1, 4095));
	emit(c, I_MOV64_IMM(R2, 4096));
	emit(c, I_ALU64_REG(BPF_SUB, R2, R1));
	emit(c, I_STX(BPF_DW, fp(len), R2, len));
	emit_addr(c, R1, rec, DW_REC(stack));
	emit(c, I_CALL(BPF_FUNC_probe_read_user));
	done[ndone++] = emit(c, I_JMP_IMM(BPF_JSLT, R0, 0, 0));
	for (int page = 1; page <= FTH_DW_STACK_PAGES; page++) {
		emit(c, I_LDX(BPF_DW, R2, fp(len), len));
		emit(c, I_STX(BPF_DW, rec, R2, DW_REC(stack_len)));
		done[ndone++] = emit(c, I_JMP_IMM(BPF_JGT, R2, 4096 * page, 0));
		emit(c, I_LDX(BPF_DW, R3, rec, DW_REC(pt_regs[19])));
		emit(c, I_ALU64_REG(BPF_ADD, R3, R2));
		emit_addr(c, R1, rec, DW_REC(stack));
		emit(c, I_ALU64_REG(BPF_ADD, R1, R2));
		emit(c, I_MOV64_IMM(R2, 4096));
		emit(c, I_CALL(BPF_FUNC_probe_read_user));
		done[ndone++] = emit(c, I_JMP_IMM(BPF_JSLT, R0, 0, 0));
		emit(c, I_LDX(BPF_DW, R2, fp(len), len));
		emit(c, I_ALU64_IMM(BPF_ADD, R2, 4096));
		emit(c, I_STX(BPF_DW, fp(len), R2, len));
	}
	emit(c, I_LDX(BPF_DW, R2, fp(len), len));
	emit(c, I_STX(BPF_DW, rec, R2, DW_REC(stack_len)));
	for (int i = 0; i < ndone; i++)
		fth_patch_jump_here(c->b, done[i]);
}

/* The kernel word at r3 + off into dst_base + dst_off (0 if it cannot be
 * read). */
static void emit_read_kernel_word(struct cg *c, int dst_base, int dst_off, int off)
{
	if (off)
		emit(c, I_ALU64_IMM(BPF_ADD, R3, off));
	emit_addr(c, R1, dst_base, dst_off);
	emit(c, I_MOV64_IMM(R2, 8));
	emit(c, I_CALL(BPF_FUNC_probe_read_kernel));
}

/* The uretprobes pending in this thread, innermost first, as (stack
 * address, original return address) pairs; a failed read leaves zeros
 * (probe_read_kernel clears what it cannot read), which end the list. */
static void emit_dw_uretprobes(struct cg *c, int rec, struct fth_node *where)
{
	const int *off = c->prog->dw_uret_offsets;
	int ri = stack_alloc(c, 8, where), ends[FTH_DW_URETPROBES + 1], nends = 0;

	emit_zero(c, rec, DW_REC(uret), (int)sizeof(((struct fth_dw_capture_record *)0)->uret));
	if (off[0] < 0)
		return;
	emit(c, I_CALL(BPF_FUNC_get_current_task));
	emit(c, I_MOV64_REG(R3, R0));
	emit_read_kernel_word(c, fp(ri), ri, off[0]);         /* task->utask */
	emit(c, I_LDX(BPF_DW, R3, fp(ri), ri));
	ends[nends++] = emit(c, I_JMP_IMM(BPF_JEQ, R3, 0, 0));
	emit_read_kernel_word(c, fp(ri), ri, off[1]);         /* ->return_instances */
	for (int i = 0; i < FTH_DW_URETPROBES; i++) {
		int pair = DW_REC(uret) + i * 16;
		emit(c, I_LDX(BPF_DW, R3, fp(ri), ri));
		ends[nends++] = emit(c, I_JMP_IMM(BPF_JEQ, R3, 0, 0));
		emit_read_kernel_word(c, rec, pair, off[2]);       /* ->stack */
		emit(c, I_LDX(BPF_DW, R3, fp(ri), ri));
		emit_read_kernel_word(c, rec, pair + 8, off[3]);   /* ->orig_ret_vaddr */
		emit(c, I_LDX(BPF_DW, R3, fp(ri), ri));
		emit_read_kernel_word(c, fp(ri), ri, off[4]);     /* ->next */
	}
	for (int i = 0; i < nends; i++)
		fth_patch_jump_here(c->b, ends[i]);
}

/* Fill a dw_ustack record: id, thread, the user registers (those the
 * kernel saved on entry from user space, whatever the probe) and the
 * stack. */
static void fill_dw_capture(struct cg *c, int rec, void *ud)
{
	const struct dw_capture_fill *f = ud;
	int jfail;

	emit_dw_capture_id(c, rec, f);
	emit(c, I_ST_IMM(BPF_DW, rec, DW_REC(limit), f->limit));
	emit_dw_uretprobes(c, rec, f->where);
	emit_current_pid_tgid(c, f->where);
	emit(c, I_STX(BPF_DW, rec, R0, DW_REC(pid_tgid)));
	emit(c, I_ST_IMM(BPF_DW, rec, DW_REC(stack_len), 0));
	emit(c, I_CALL(BPF_FUNC_get_current_task_btf));
	emit(c, I_MOV64_REG(R1, R0));
	emit(c, I_CALL(BPF_FUNC_task_pt_regs));
	emit(c, I_MOV64_REG(R3, R0));
	emit_addr(c, R1, rec, DW_REC(pt_regs));
	emit(c, I_MOV64_IMM(R2, (int32_t)sizeof(((struct fth_dw_capture_record *)0)->pt_regs)));
	emit(c, I_CALL(BPF_FUNC_probe_read_kernel));
	jfail = emit(c, I_JMP_IMM(BPF_JSLT, R0, 0, 0));
	emit_dw_stack_copy(c, rec, f->where);
	fth_patch_jump_here(c->b, jfail);
}

/* dw_ustack's value at base+off: the capture id (0 until the record is
 * sent, and if it cannot be) and the pid; the record goes to the runtime,
 * which unwinds it before any later record can print the value. */
static void emit_dw_capture(struct cg *c, struct fth_node *e, int base, int off)
{
	struct dw_capture_fill f = { base, off, e->type->stack_limit, e };
	int action = add_action(c, FTH_ACT_DW_CAPTURE, e);

	emit(c, I_ST_IMM(BPF_DW, base, off, 0));
	emit_current_pid_tgid(c, e);
	emit(c, I_ALU64_IMM(BPF_RSH, R0, 32));
	emit(c, I_STX(BPF_DW, base, R0, off + 8));
	emit_event(c, action, 8 + sizeof(struct fth_dw_capture_record), e, fill_dw_capture, &f);
}

/* e's value stored at base+off; the range is restored as in emit_int. */
static void emit_to_mem(struct cg *c, struct fth_node *e, int base, int off, const struct fth_type *t)
{
	struct fth_range outer = c->b->cur_range;

	emit_to_mem_at(c, e, base, off, t);
	c->b->cur_range = outer;
}

static void emit_to_mem_at(struct cg *c, struct fth_node *e, int base, int off, const struct fth_type *t)
{
	const struct fth_type *et = e->type;

	c->b->cur_range = e->range;
	if (et && e->kind == FTH_CALL && et->kind == FTH_T_MACADDR) {
		emit_macaddr(c, e, base, off);
		return;
	}
	if (et && e->kind == FTH_CALL && (et->kind == FTH_T_USYM || et->kind == FTH_T_INET ||
					  et->kind == FTH_T_BUFFER)) {
		emit_value_call_to_mem(c, e, base, off);
		return;
	}
	if (et && et->kind == FTH_T_USTACK && et->stack_dwarf && is_stack_capture(e)) {
		emit_dw_capture(c, e, base, off);
		return;
	}
	if (et && (et->kind == FTH_T_KSTACK || et->kind == FTH_T_USTACK) && is_stack_capture(e)) {
		/* the stack id, and for user stacks the pid whose memory map
		 * symbolizes it; a stack already held in a map or variable
		 * is copied below like any value, not taken again here */
		emit_stackid(c, et, e);
		emit(c, I_STX(BPF_DW, base, R0, off));
		if (et->kind == FTH_T_USTACK) {
			emit_current_pid_tgid(c, e);
			emit(c, I_ALU64_IMM(BPF_RSH, R0, 32));
			emit(c, I_STX(BPF_DW, base, R0, off + 8));
		}
		return;
	}
	if (!in_memory(et)) {
		emit_store_int(c, e, base, off, t);
		return;
	}
	switch (e->kind) {
	case FTH_STRING:
		if (e->type && e->type->kind == FTH_T_ARRAY) {
			/* pton()'s address bytes: all of them, no terminator */
			emit_zero(c, base, off, (int)t->size);
			for (uint32_t i = 0; i < e->u.string.len && i < t->size; i++)
				emit(c, I_ST_IMM(BPF_B, base, off + (int)i, (unsigned char)e->u.string.data[i]));
			return;
		}
		emit_string_literal(c, e->u.string.data, e->u.string.len, base, off, (int)t->size);
		return;
	case FTH_BLOCK_EXPR:
		for (int i = 0; i < e->u.block.stmts.len; i++)
			emit_stmt(c, e->u.block.stmts.items[i]);
		emit_to_mem(c, e->u.block.value, base, off, t);
		return;
	case FTH_CAST:
		if (et->kind == FTH_T_STRING) {
			emit_string_cast(c, e, base, off, t);
			return;
		}
		if (et->kind == FTH_T_ARRAY && e->u.cast.operand->type && e->u.cast.operand->type->kind == FTH_T_INT) {
			/* the integer's bytes are the array's: sema made the sizes equal */
			emit_store_int(c, e->u.cast.operand, base, off, e->u.cast.operand->type);
			return;
		}
		if (et->kind == FTH_T_ARRAY && e->u.cast.operand->type && e->u.cast.operand->type->kind == FTH_T_STRING) {
			/* (int8[])"abc": the string's bytes, NUL padding too */
			emit_to_mem(c, e->u.cast.operand, base, off, e->u.cast.operand->type);
			return;
		}
		break;
	case FTH_IDENT:
		if (!strcmp(e->u.ident.name, "args") && c->p->args_record) {
			emit_to_mem(c, c->p->args_record, base, off, t);
			return;
		}
		if (!strcmp(e->u.ident.name, "func") && c->p->inst->multi_leader &&
		    c->prog->func_names_map >= 0) {
			emit_multi_name(c, e, c->prog->func_names_map, base, off, t);
			return;
		}
		if (!strcmp(e->u.ident.name, "func") && c->p->inst->func_name) {
			const char *f = c->p->inst->func_name;
			emit_string_literal(c, f, (uint32_t)strlen(f), base, off, (int)t->size);
			return;
		}
		if (!strcmp(e->u.ident.name, "probe") && c->p->inst->multi_leader &&
		    c->prog->probe_names_map >= 0) {
			emit_multi_name(c, e, c->prog->probe_names_map, base, off, t);
			return;
		}
		if (!strcmp(e->u.ident.name, "probetype")) {
			const char *type = probetype_name(c->p->inst->provider->name);
			emit_string_literal(c, type, (uint32_t)strlen(type), base, off, (int)t->size);
			return;
		}
		if (!strcmp(e->u.ident.name, "probe")) {
			const char *name = c->p->inst->name;
			emit_string_literal(c, name, (uint32_t)strlen(name), base, off, (int)t->size);
			return;
		}
		if (!strcmp(e->u.ident.name, "comm")) {
			if (t->size > 16)
				emit_zero(c, base, off + 16, (int)t->size - 16);
			emit_addr(c, R1, base, off);
			emit(c, I_MOV64_IMM(R2, t->size < 16 ? (int)t->size : 16));
			emit(c, I_CALL(BPF_FUNC_get_current_comm));
			return;
		}
		break;
	case FTH_CALL:
		if (!strcmp(e->u.call.name, "str")) {
			emit_str_call(c, e, base, off, t);
			return;
		}
		if (!strcmp(e->u.call.name, "str_concat")) {
			emit_str_concat(c, e, base, off, t);
			return;
		}
		if (!strcmp(e->u.call.name, "path")) {
			emit_path_call(c, e, base, off, t);
			return;
		}
		if (!strcmp(e->u.call.name, "comm")) {
			emit_comm_of_pid(c, e, base, off, t);
			return;
		}
		if (!strcmp(e->u.call.name, "signal_name")) {
			emit_signal_name(c, e, base, off, t);
			return;
		}
		break;
	case FTH_UNARY: /* *ptr of a struct: read like a member */
		if (e->u.unary.op != TOK_STAR)
			break;
		/* fall through */
	case FTH_FIELD:
	case FTH_INDEX:
		if (!is_args_field(e)) {
			/* char[N], arrays and structs inside kernel structs */
			struct vreg a = emit_address(c, e);
			int n = (int)(et->size < t->size ? et->size : t->size);
			if (et->kind == FTH_T_STRING || (int)t->size > n)
				emit_zero(c, base, off, (int)t->size);
			emit(c, I_MOV64_REG(R3, vreg_use(c, a, R3)));
			vreg_free(c, a);
			emit_addr(c, R1, base, off);
			emit(c, I_MOV64_IMM(R2, n));
			/* A char[N] member is N bytes, read as they are (as
			 * bpftrace): a _str read would end it with a NUL and
			 * lose the last character of "hello" in char[5]. */
			emit(c, I_CALL(deref_read_helper(e, false)));
			return;
		}
		if (e->kind == FTH_INDEX)
			break;
		{
		const struct fth_tp_field *f = tp_field_of(c, e);
		if (et->kind == FTH_T_STRING) {
			emit_tp_string(c, f, base, off, t, e);
		} else {
			emit_addr(c, R1, base, off);
			emit(c, I_MOV64_IMM(R2, (int)et->size));
			emit_addr(c, R3, R6, (int)f->offset);
			emit(c, I_CALL(BPF_FUNC_probe_read_kernel));
		}
		return;
		}
	case FTH_VAR: {
		struct fth_var *var = var_of(c, e);
		int n = (int)(var->type->size < t->size ? var->type->size : t->size);
		if (var->type->kind == FTH_T_TUPLE && t->kind == FTH_T_TUPLE && !fth_type_equal(var->type, t)) {
			emit_tuple_convert(c, base, off, t, var_base(c, var), var_off(c, var), var->type);
			return;
		}
		if ((int)t->size > n)
			emit_zero(c, base, off + n, (int)t->size - n);
		emit_copy(c, base, off, var_base(c, var), var_off(c, var), n);
		return;
	}
	case FTH_TUPLE_INDEX: {
		int reg, eoff;
		int n = (int)(et->size < t->size ? et->size : t->size);
		struct fth_node *mapnode;
		if (tuple_elem_place(c, e, &reg, &eoff)) {
			if ((int)t->size > n)
				emit_zero(c, base, off + n, (int)t->size - n);
			emit_copy(c, base, off, reg, eoff, n);
			return;
		}
		mapnode = tuple_elem_in_map(e, &eoff);
		if (mapnode) {
			int j, done;
			emit_map_lookup_node(c, fth_program_find_map(c->prog, mapnode->u.map.name), mapnode);
			j = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
			emit(c, I_MOV64_REG(R1, R0));
			emit_copy(c, base, off, R1, eoff, n);
			if ((int)t->size > n)
				emit_zero(c, base, off + n, (int)t->size - n);
			done = emit(c, I_JA(0));
			fth_patch_jump_here(c->b, j);
			emit_zero(c, base, off, (int)t->size);
			fth_patch_jump_here(c->b, done);
			return;
		}
		tuple_elem_built(c, e, &reg, &eoff);
		if ((int)t->size > n)
			emit_zero(c, base, off + n, (int)t->size - n);
		emit_copy(c, base, off, reg, eoff, n);
		return;
	}
	case FTH_MAP: {
		struct fth_map *m = fth_program_find_map(c->prog, e->u.map.name);
		int n = (int)(m->value_type->size < t->size ? m->value_type->size : t->size);
		int j, done;
		emit_map_lookup_node(c, m, e);
		j = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
		emit(c, I_MOV64_REG(R1, R0));
		if (m->value_type->kind == FTH_T_TUPLE && t->kind == FTH_T_TUPLE && !fth_type_equal(m->value_type, t)) {
			/* a variable's tuple keeps narrower integers than the map */
			emit_tuple_convert(c, base, off, t, R1, 0, m->value_type);
		} else {
			emit_copy(c, base, off, R1, 0, n);
			if ((int)t->size > n)
				emit_zero(c, base, off + n, (int)t->size - n);
		}
		done = emit(c, I_JA(0));
		fth_patch_jump_here(c->b, j);
		emit_lookup_miss_warning(c, e);
		emit_zero(c, base, off, (int)t->size);
		fth_patch_jump_here(c->b, done);
		return;
	}
	case FTH_TUPLE: {
		struct fth_node_list *l = &e->u.list;
		emit_zero(c, base, off, (int)t->size);
		for (int i = 0; i < l->len; i++)
			emit_to_mem(c, l->items[i], base, off + (int)t->fields[i].offset, t->fields[i].type);
		return;
	}
	case FTH_RECORD: {
		/* fields in source order, each to the place its name has in the
		 * destination's layout (a record keeps its first field order) */
		struct fth_node_list *l = &e->u.list;
		emit_zero(c, base, off, (int)t->size);
		for (int i = 0; i < l->len; i++) {
			const char *name = l->items[i]->u.record_field.name;
			int j = 0;
			while (j < t->nfields && (!t->fields[j].name || strcmp(t->fields[j].name, name)))
				j++;
			if (j == t->nfields) {
				cg_error(c, l->items[i], "internal error: record field without a place");
				return;
			}
			emit_to_mem(c, l->items[i]->u.record_field.value, base, off + (int)t->fields[j].offset,
				    t->fields[j].type);
		}
		return;
	}
	case FTH_TERNARY: {
		struct vreg cond;
		int r, jelse, jdone;
		/* a buf() branch writes only its own size into the larger slot:
		 * the rest must be zero too (the value may become a map key) */
		if (t->kind == FTH_T_BUFFER)
			emit_zero(c, base, off, (int)t->size);
		cond = emit_int(c, e->u.ternary.cond);
		r = vreg_use(c, cond, R1);
		vreg_free(c, cond);
		jelse = emit(c, I_JMP_IMM(BPF_JEQ, r, 0, 0));
		emit_to_mem(c, e->u.ternary.then_expr ? e->u.ternary.then_expr : e->u.ternary.cond, base, off, t);
		jdone = emit(c, I_JA(0));
		fth_patch_jump_here(c->b, jelse);
		emit_to_mem(c, e->u.ternary.else_expr, base, off, t);
		fth_patch_jump_here(c->b, jdone);
		return;
	}
	default:
		break;
	}
	cg_error(c, e, "this value cannot be stored here yet");
}

/* ------------------------------------------------------------ aggregations */

/* hist bucket of the value in register r (r is clobbered), into r.
 * k = 0: negative -> 0, 0 -> 1, 1 -> 2, v -> floor(log2 v) + 2. With k
 * sub-bucket bits the power of two is split further (see format.c's
 * fth_hist_bucket_index, which must agree). */
static void emit_hist_bucket(struct cg *c, int r, int bits)
{
	int jneg, jsmall, jdone1, jdone2;

	/* R2 = result */
	jneg = emit(c, I_JMP_IMM(BPF_JSLT, r, 0, 0));
	jsmall = emit(c, I_JMP_IMM(BPF_JLT, r, 2 << bits, 0));
	/* log2 by binary search: R2 = index of the top set bit. */
	emit(c, I_MOV64_IMM(R2, 0));
	for (int shift = 32; shift >= 1; shift /= 2) {
		emit(c, I_MOV64_REG(R3, r));
		emit(c, I_ALU64_IMM(BPF_RSH, R3, shift));
		emit(c, I_JMP_IMM(BPF_JEQ, R3, 0, 2));
		emit(c, I_ALU64_IMM(BPF_ADD, R2, shift));
		emit(c, I_MOV64_REG(r, R3));
	}
	/* r is now 1; the original value's top bit is at R2. For k > 0 the
	 * k bits below the top bit select the sub-bucket; they were shifted
	 * away above, so recompute them from the saved value in R4. */
	if (bits == 0) {
		emit(c, I_ALU64_IMM(BPF_ADD, R2, 2));
		emit(c, I_MOV64_REG(r, R2));
	} else {
		/* index = ((l + 1) << k) + x + 1 with l = top - k,
		 * x = (value >> l) & ((1 << k) - 1) */
		emit(c, I_MOV64_REG(R3, R4));
		emit(c, I_MOV64_REG(R5, R2));
		emit(c, I_ALU64_IMM(BPF_SUB, R5, bits));
		emit(c, I_ALU64_REG(BPF_RSH, R3, R5));
		emit(c, I_ALU64_IMM(BPF_AND, R3, (1 << bits) - 1));
		emit(c, I_ALU64_IMM(BPF_ADD, R5, 1));
		emit(c, I_ALU64_IMM(BPF_LSH, R5, bits));
		emit(c, I_ALU64_REG(BPF_ADD, R5, R3));
		emit(c, I_ALU64_IMM(BPF_ADD, R5, 1));
		emit(c, I_MOV64_REG(r, R5));
	}
	jdone1 = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jneg);
	emit(c, I_MOV64_IMM(r, 0));
	jdone2 = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jsmall);
	/* 0 <= v < 2^(k+1): one bucket per value, after the negative one. */
	emit(c, I_ALU64_IMM(BPF_ADD, r, 1));
	fth_patch_jump_here(c->b, jdone1);
	fth_patch_jump_here(c->b, jdone2);
}

static void emit_lhist_bucket(struct cg *c, int r, const struct fth_type *t)
{
	int nb = (int)((t->lhist_max - t->lhist_min) / t->lhist_step) + 2;
	int jlow, jhigh, jdone1, jdone2;

	emit_mov_imm64(c, R2, t->lhist_min);
	jlow = emit(c, I_JMP_REG(BPF_JSLT, r, R2, 0));
	emit_mov_imm64(c, R2, t->lhist_max);
	jhigh = emit(c, I_JMP_REG(BPF_JSGE, r, R2, 0));
	emit_mov_imm64(c, R2, t->lhist_min);
	emit(c, I_ALU64_REG(BPF_SUB, r, R2));
	emit_mov_imm64(c, R2, t->lhist_step);
	emit(c, I_ALU64_REG(BPF_DIV, r, R2));
	emit(c, I_ALU64_IMM(BPF_ADD, r, 1));
	jdone1 = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jlow);
	emit(c, I_MOV64_IMM(r, 0));
	jdone2 = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jhigh);
	emit(c, I_MOV64_IMM(r, nb - 1));
	fth_patch_jump_here(c->b, jdone1);
	fth_patch_jump_here(c->b, jdone2);
}

/* This CPU's value of an aggregation at r0 (a map value pointer) takes
 * the operand rx (count, hist and lhist: -1, unused). */
static void emit_agg_in_place(struct cg *c, enum fth_agg_kind agg, int rx)
{
	switch (agg) {
	case FTH_AGG_COUNT:
	case FTH_AGG_HIST:
	case FTH_AGG_LHIST:
		emit(c, I_LDX(BPF_DW, R1, R0, 0));
		emit(c, I_ALU64_IMM(BPF_ADD, R1, 1));
		emit(c, I_STX(BPF_DW, R0, R1, 0));
		break;
	case FTH_AGG_SUM:
		emit(c, I_LDX(BPF_DW, R2, R0, 0));
		emit(c, I_ALU64_REG(BPF_ADD, R2, rx));
		emit(c, I_STX(BPF_DW, R0, R2, 0));
		break;
	case FTH_AGG_MIN:
	case FTH_AGG_MAX:
		/* Take x when the slot is unset (another CPU created the key) or
		 * x beats the current value. */
		emit(c, I_LDX(BPF_DW, R2, R0, 8));
		emit(c, I_JMP_IMM(BPF_JEQ, R2, 0, 2));
		emit(c, I_LDX(BPF_DW, R2, R0, 0));
		emit(c, I_JMP_REG(agg == FTH_AGG_MIN ? BPF_JSGE : BPF_JSLE, rx, R2, 3));
		emit(c, I_STX(BPF_DW, R0, rx, 0));
		emit(c, I_MOV64_IMM(R2, 1));
		emit(c, I_STX(BPF_DW, R0, R2, 8));
		break;
	case FTH_AGG_AVG:
	case FTH_AGG_STATS:
		emit(c, I_LDX(BPF_DW, R2, R0, 0));
		emit(c, I_ALU64_IMM(BPF_ADD, R2, 1));
		emit(c, I_STX(BPF_DW, R0, R2, 0));
		emit(c, I_LDX(BPF_DW, R2, R0, 8));
		emit(c, I_ALU64_REG(BPF_ADD, R2, rx));
		emit(c, I_STX(BPF_DW, R0, R2, 8));
		break;
	default:
		break;
	}
}

/* The per-event hot path: look the key up and update this CPU's value in
 * place through the returned pointer; only the first event for a key pays
 * for an insert. (A lookup followed by an update on every event is what
 * makes naive tracers slow.) When another CPU inserted the key between
 * the lookup and the insert (-EEXIST: two threads' first events at once),
 * the key is looked up again and updated in place, so no event is lost.
 * `x` holds the operand (count: unused). */
static void emit_agg_update(struct cg *c, struct fth_map *m, int key, struct vreg x, struct fth_node *where)
{
	enum fth_agg_kind agg = m->value_type->agg;
	bool no_operand = agg == FTH_AGG_COUNT || agg == FTH_AGG_HIST || agg == FTH_AGG_LHIST;
	int val = stack_alloc(c, 16, where);
	int jmiss, jdone, jexists, jdone2, jgone;

	emit_lookup(c, m->index, key);
	jmiss = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit_agg_in_place(c, agg, no_operand ? -1 : vreg_use(c, x, R1));
	jdone = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jmiss);
	/* First event for this key on any CPU: insert the initial value. */
	switch (agg) {
	case FTH_AGG_COUNT:
	case FTH_AGG_HIST:
	case FTH_AGG_LHIST:
		emit(c, I_ST_IMM(BPF_DW, fp(val), val, 1));
		break;
	case FTH_AGG_SUM:
		emit(c, I_STX(BPF_DW, fp(val), vreg_use(c, x, R1), val));
		break;
	case FTH_AGG_MIN:
	case FTH_AGG_MAX:
		emit(c, I_STX(BPF_DW, fp(val), vreg_use(c, x, R1), val));
		emit(c, I_ST_IMM(BPF_DW, fp(val + 8), val + 8, 1));
		break;
	default:
		emit(c, I_ST_IMM(BPF_DW, fp(val), val, 1));
		emit(c, I_STX(BPF_DW, fp(val + 8), vreg_use(c, x, R1), val + 8));
		break;
	}
	emit_map_ref(c, R1, m->index);
	emit_addr(c, R2, fp(key), key);
	emit_addr(c, R3, fp(val), val);
	emit(c, I_MOV64_IMM(R4, BPF_NOEXIST));
	emit(c, I_CALL(BPF_FUNC_map_update_elem));
	jexists = emit(c, I_JMP_IMM(BPF_JEQ, R0, -EEXIST, 0));
	emit_map_update_result(c, where);
	jdone2 = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jexists);
	emit_lookup(c, m->index, key);
	jgone = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	emit_agg_in_place(c, agg, no_operand ? -1 : vreg_use(c, x, R1));
	fth_patch_jump_here(c->b, jgone);
	fth_patch_jump_here(c->b, jdone);
	fth_patch_jump_here(c->b, jdone2);
}

/* The take-or-skip of min/max: rx replaces the bucket's value (at r0) when
 * the bucket is unset (meta 0) or rx beats it. */
static void emit_tseries_minmax(struct cg *c, int rx, bool is_max, bool is_signed)
{
	int op = is_max ? (is_signed ? BPF_JSLE : BPF_JLE) : (is_signed ? BPF_JSGE : BPF_JGE);

	emit(c, I_LDX(BPF_DW, R2, R0, 8));
	emit(c, I_JMP_IMM(BPF_JEQ, R2, 0, 2));
	emit(c, I_LDX(BPF_DW, R2, R0, 0));
	emit(c, I_JMP_REG(op, rx, R2, 3));
	emit(c, I_STX(BPF_DW, R0, rx, 0));
	emit(c, I_MOV64_IMM(R2, 1));
	emit(c, I_STX(BPF_DW, R0, R2, 8));
}

/* @ts[k] = tseries(x, interval, count [, agg]), as bpftrace keeps it: the
 * time (TAI ns) divided by the interval is the epoch, the epoch modulo the
 * count the bucket, which is the last 8 bytes of the key. A bucket that
 * still holds an older epoch starts over (aggregations) or is overwritten
 * (last value, stamped with the time so user space keeps the latest of the
 * CPUs' values). Only the first event of a bucket on this CPU inserts. */
static void emit_tseries_update(struct cg *c, struct fth_map *m, int key, struct vreg x, struct fth_node *where)
{
	const struct fth_type *t = m->value_type;
	int now = stack_alloc(c, 8, where), epoch = stack_alloc(c, 8, where);
	int val = stack_alloc(c, (int)sizeof(struct fth_agg_tseries), where);
	int bucket = key + (int)m->key_size - 8;
	int jmiss, jdone, jsame = -1, rx;

	emit(c, I_CALL(BPF_FUNC_ktime_get_ns));
	fth_emit_ld_imm64(c->b, R1, 0, (uint64_t)tai_minus_monotonic_ns());
	emit(c, I_ALU64_REG(BPF_ADD, R0, R1));
	emit(c, I_STX(BPF_DW, fp(now), R0, now));
	fth_emit_ld_imm64(c->b, R1, 0, (uint64_t)t->ts_interval);
	emit(c, I_ALU64_REG(BPF_DIV, R0, R1));
	emit(c, I_STX(BPF_DW, fp(epoch), R0, epoch));
	fth_emit_ld_imm64(c->b, R1, 0, (uint64_t)t->ts_count);
	emit(c, I_ALU64_REG(BPF_MOD, R0, R1));
	emit(c, I_STX(BPF_DW, fp(bucket), R0, bucket));
	emit_lookup(c, m->index, key);
	jmiss = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	if (t->ts_agg != FTH_TS_LAST) {
		/* a bucket of an older interval starts from nothing */
		emit(c, I_LDX(BPF_DW, R1, R0, 16));
		emit(c, I_LDX(BPF_DW, R2, fp(epoch), epoch));
		jsame = emit(c, I_JMP_REG(BPF_JEQ, R1, R2, 0));
		emit(c, I_ST_IMM(BPF_DW, R0, 0, 0));
		emit(c, I_ST_IMM(BPF_DW, R0, 8, 0));
		fth_patch_jump_here(c->b, jsame);
	}
	rx = vreg_use(c, x, R1);
	switch (t->ts_agg) {
	case FTH_TS_LAST:
		emit(c, I_STX(BPF_DW, R0, rx, 0));
		emit(c, I_LDX(BPF_DW, R2, fp(now), now));
		emit(c, I_STX(BPF_DW, R0, R2, 8));
		break;
	case FTH_TS_AVG:
		emit(c, I_LDX(BPF_DW, R2, R0, 8));
		emit(c, I_ALU64_IMM(BPF_ADD, R2, 1));
		emit(c, I_STX(BPF_DW, R0, R2, 8));
		/* fall through */
	case FTH_TS_SUM:
		emit(c, I_LDX(BPF_DW, R2, R0, 0));
		emit(c, I_ALU64_REG(BPF_ADD, R2, rx));
		emit(c, I_STX(BPF_DW, R0, R2, 0));
		break;
	case FTH_TS_MIN:
	case FTH_TS_MAX:
		emit_tseries_minmax(c, rx, t->ts_agg == FTH_TS_MAX, t->ts_signed);
		break;
	}
	emit(c, I_LDX(BPF_DW, R2, fp(epoch), epoch));
	emit(c, I_STX(BPF_DW, R0, R2, 16));
	jdone = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jmiss);
	rx = vreg_use(c, x, R1);
	emit(c, I_STX(BPF_DW, fp(val), rx, val));
	if (t->ts_agg == FTH_TS_LAST) {
		emit(c, I_LDX(BPF_DW, R2, fp(now), now));
		emit(c, I_STX(BPF_DW, fp(val + 8), R2, val + 8));
	} else {
		emit(c, I_ST_IMM(BPF_DW, fp(val + 8), val + 8, t->ts_agg == FTH_TS_SUM ? 0 : 1));
	}
	emit(c, I_LDX(BPF_DW, R2, fp(epoch), epoch));
	emit(c, I_STX(BPF_DW, fp(val + 16), R2, val + 16));
	/* BPF_ANY: another CPU may have created the key meanwhile; this
	 * writes only this CPU's copy either way. */
	emit_update(c, m->index, key, val, BPF_ANY, where);
	fth_patch_jump_here(c->b, jdone);
}

static void emit_agg_assign(struct cg *c, struct fth_node *st)
{
	struct fth_node *target = st->u.assign.target;
	struct fth_node *call = st->u.assign.value;
	struct fth_map *m = fth_program_find_map(c->prog, target->u.map.name);
	enum fth_agg_kind agg = m->value_type->agg;
	struct vreg x = { -1, 0 };
	bool has_x = agg != FTH_AGG_COUNT;
	int key;

	if (has_x)
		x = emit_int(c, call->u.call.args.items[0]);
	c->b->cur_range = st->range;
	key = emit_map_key(c, m, target);
	if (agg == FTH_AGG_HIST || agg == FTH_AGG_LHIST) {
		int r = vreg_use(c, x, R1);
		int bucket_off = key + (int)m->key_size - 8;
		emit(c, I_MOV64_REG(R1, r));
		emit(c, I_MOV64_REG(R4, r));
		if (agg == FTH_AGG_HIST)
			emit_hist_bucket(c, R1, m->value_type->hist_bits);
		else
			emit_lhist_bucket(c, R1, m->value_type);
		emit(c, I_STX(BPF_DW, fp(bucket_off), R1, bucket_off));
	}
	if (agg == FTH_AGG_TSERIES)
		emit_tseries_update(c, m, key, x, st);
	else
		emit_agg_update(c, m, key, x, st);
	if (has_x)
		vreg_free(c, x);
}

/* ------------------------------------------------------------ assignments */

static void emit_map_assign(struct cg *c, struct fth_node *st)
{
	struct fth_node *target = st->u.assign.target;
	struct fth_map *m = fth_program_find_map(c->prog, target->u.map.name);
	const struct fth_type *vt = m->value_type;
	int val, key;

	forget_map_reads(c, m->index);
	if (vt->kind == FTH_T_AGG) {
		emit_agg_assign(c, st);
		return;
	}
	val = stack_alloc(c, (int)m->value_size, st);
	if (st->u.assign.op) {
		struct vreg cur = emit_map_read_int(c, target);
		struct vreg rhs = emit_int(c, st->u.assign.value);
		int ra = vreg_use(c, cur, R1), rb = vreg_use(c, rhs, R2);
		if (m->value_type && m->value_type->kind == FTH_T_POINTER && pointer_step(m->value_type) != 1 &&
		    (st->u.assign.op == TOK_PLUS || st->u.assign.op == TOK_MINUS))
			emit(c, I_ALU64_IMM(BPF_MUL, rb, pointer_step(m->value_type))); /* @p += n: n elements */
		emit_alu(c, st->u.assign.op, ra, rb, st->u.assign.value, st);
		if (vt->kind == FTH_T_BOOL) /* @b += true: bool op bool, one bit */
			emit(c, I_ALU64_IMM(BPF_AND, ra, 1));
		emit(c, I_STX(BPF_DW, fp(val), ra, val));
		vreg_free(c, rhs);
		vreg_free(c, cur);
	} else if (in_memory(vt)) { /* strings, tuples, structs, buf(), usym, ntop() ... */
		emit_to_mem(c, st->u.assign.value, fp(val), val, vt);
		if ((int)m->value_size > (int)vt->size)
			emit_zero(c, fp(val + (int)vt->size), val + (int)vt->size, (int)m->value_size - (int)vt->size);
	} else {
		struct vreg v = emit_int(c, st->u.assign.value);
		emit(c, I_STX(BPF_DW, fp(val), vreg_use(c, v, R1), val));
		vreg_free(c, v);
	}
	c->b->cur_range = st->range;
	key = emit_map_key(c, m, target);
	emit_update(c, m->index, key, val, BPF_ANY, st);
}

static void emit_var_assign(struct cg *c, struct fth_node *target, struct fth_node *value, int op)
{
	struct fth_var *var = var_of(c, target);
	const struct fth_type *t = var->type;

	if (!var->holds_pointer && may_be_bpf_pointer(value)) {
		/* its reads so far took it for a plain integer: again */
		var->holds_pointer = true;
		c->wants_again = true;
	}
	if (in_memory(t)) {
		emit_to_mem(c, value, var_base(c, var), var_off(c, var), t);
		return;
	}
	if (op && t->kind == FTH_T_INT) {
		/* $j -= 1: the literal as the instruction's immediate */
		int32_t imm;
		if (alu_imm_operand(op, t, value, &imm)) {
			emit(c, I_LDX(BPF_DW, R2, var_base(c, var), var_off(c, var)));
			emit(c, I_ALU64_IMM(alu_op(op), R2, imm));
			emit(c, I_STX(BPF_DW, var_base(c, var), R2, var_off(c, var)));
			return;
		}
	}
	{
		struct vreg v = emit_int(c, value);
		int r = vreg_use(c, v, R1);
		if (op) {
			emit(c, I_LDX(BPF_DW, R2, var_base(c, var), var_off(c, var)));
			if (t->kind == FTH_T_POINTER && (op == TOK_PLUS || op == TOK_MINUS) && pointer_step(t) != 1)
				emit(c, I_ALU64_IMM(BPF_MUL, r, pointer_step(t))); /* $p += n: n elements */
			/* a division's error points at the whole `$x /= v` */
			struct fth_node *where = fth_node_new(&c->prog->arena, FTH_BINARY, value->range);
			where->range.begin = target->range.begin;
			emit_alu(c, op, R2, r, value, where);
			if (t->kind == FTH_T_BOOL) /* $b += true: bool op bool, one bit */
				emit(c, I_ALU64_IMM(BPF_AND, R2, 1));
			r = R2;
		}
		emit(c, I_STX(BPF_DW, var_base(c, var),  r, var_off(c, var)));
		vreg_free(c, v);
	}
}

/* ---------------------------------------------------------- async actions */

static int add_action(struct cg *c, enum fth_action_kind kind, struct fth_node *where)
{
	struct fth_action *a = fth_arena_alloc(&c->prog->arena, sizeof(*a));

	/* A pinned iterator runs when its pin is read, after fathom has gone:
	 * what it would send fathom has no reader. (Error reports may go
	 * unread: the program runs the same without them.) */
	if (c->p->inst->pin_path && kind != FTH_ACT_HELPER_ERROR && kind != FTH_ACT_RUNTIME_ERROR) {
		fth_error_hint(c->diag, where->range, "use printf, which writes into the pin's output",
			       "a pinned iterator runs after fathom has exited, so this needs fathom's runtime "
			       "and cannot be used in it");
		c->failed = true;
	}

	a->kind = kind;
	a->range = where->range;
	a->expanded = where->expanded;
	a->map = -1;
	fth_ptrvec_push(&c->prog->arena, &c->prog->actions, a);
	return c->prog->actions.len - 1;
}

static void emit_event_prepared(struct cg *c, int action, uint32_t size, struct fth_node *where,
				void (*prepare)(struct cg *c, void *ud),
				void (*fill)(struct cg *c, int rec, void *ud), void *ud);

/* Reserve a ring-buffer record of `size` bytes, write the action id, and let
 * `fill` write the rest through the record register; submit. A full buffer
 * counts one lost event instead (reported by the runtime). */
static void emit_event(struct cg *c, int action, uint32_t size, struct fth_node *where,
		       void (*fill)(struct cg *c, int rec, void *ud), void *ud)
{
	emit_event_prepared(c, action, size, where, NULL, fill, ud);
}

static void emit_event_record(struct cg *c, int action, uint32_t size, struct fth_node *where,
			      void (*prepare)(struct cg *c, void *ud),
			      void (*fill)(struct cg *c, int rec, void *ud), void *ud, bool fill_keeps_r0);

/* emit_event, with `prepare` run before the record is reserved: records
 * reach user space in the order they are reserved, so what prepare sends
 * (a runtime error while computing an argument) comes out first. */
static void emit_event_prepared(struct cg *c, int action, uint32_t size, struct fth_node *where,
				void (*prepare)(struct cg *c, void *ud),
				void (*fill)(struct cg *c, int rec, void *ud), void *ud)
{
	emit_event_record(c, action, size, where, prepare, fill, ud, false);
}

/* emit_event for a fill that only stores (it calls no helper and leaves r0
 * alone): the record stays in r0, so it can be sent from the middle of an
 * expression that holds every free register, as a -k warning about a read
 * inside printf's arguments is. */
static void emit_event_filled_in_r0(struct cg *c, int action, uint32_t size, struct fth_node *where,
				    void (*fill)(struct cg *c, int rec, void *ud), void *ud)
{
	emit_event_record(c, action, size, where, NULL, fill, ud, true);
}

static void emit_event_record(struct cg *c, int action, uint32_t size, struct fth_node *where,
			      void (*prepare)(struct cg *c, void *ud),
			      void (*fill)(struct cg *c, int rec, void *ud), void *ud, bool fill_keeps_r0)
{
	/* Only a record whose fill makes calls needs a register that survives
	 * them; others stay in r0 (so they can be sent from the middle of an
	 * expression that holds every free register). */
	bool own_reg = fill && !fill_keeps_r0;
	struct vreg rec = own_reg ? vreg_alloc(c, where) : (struct vreg){ .reg = R0 };
	int jnull, jdone;

	if (rec.reg < 0) {
		cg_error(c, where, "expression too complex around this call; split it into several statements");
		return;
	}
	if (prepare)
		prepare(c, ud);
	c->b->cur_range = where->range;
	emit_map_ref(c, R1, c->prog->events_map);
	emit(c, I_MOV64_IMM(R2, (int32_t)size));
	emit(c, I_MOV64_IMM(R3, 0));
	emit(c, I_CALL(BPF_FUNC_ringbuf_reserve));
	jnull = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	if (rec.reg != R0)
		emit(c, I_MOV64_REG(rec.reg, R0));
	emit_mov_imm64(c, R1, action);
	emit(c, I_STX(BPF_DW, rec.reg, R1, 0));
	if (fill)
		fill(c, rec.reg, ud);
	c->b->cur_range = where->range;
	emit(c, I_MOV64_REG(R1, rec.reg));
	emit(c, I_MOV64_IMM(R2, 0));
	emit(c, I_CALL(BPF_FUNC_ringbuf_submit));
	jdone = emit(c, I_JA(0));
	fth_patch_jump_here(c->b, jnull);
	emit_count_lost_event(c, where);
	fth_patch_jump_here(c->b, jdone);
	if (own_reg)
		vreg_free(c, rec);
}

struct args_fill {
	struct fth_node **args;
	int nargs;
	const struct fth_type *layout;
	/* The first nstaged arguments are computed before the record is
	 * reserved, into frame slots staged[i], and copied in afterwards. */
	int nstaged;
	int *staged;
};

/* Could computing e send a record of its own: a runtime error (division
 * by a value, an array index checked at run time), a -k helper warning, or
 * whatever a fn or block expression does? Unsure is yes. */
static bool may_send_message(const struct cg *c, const struct fth_node *e)
{
	bool k = c->prog->config.helper_warnings;

	if (!e)
		return false;
	switch (e->kind) {
	case FTH_INT: case FTH_STRING: case FTH_BOOL: case FTH_VAR: case FTH_POSITIONAL:
	case FTH_SIZEOF: case FTH_OFFSETOF:
		return false;
	case FTH_IDENT:
		return k; /* builtins that read memory */
	case FTH_UNARY:
		if (e->u.unary.op == TOK_AMP) /* &$x, &@m: an address, nothing read */
			return false;
		return (k && e->u.unary.op == TOK_STAR) || may_send_message(c, e->u.unary.operand);
	case FTH_BINARY:
		if ((e->u.binary.op == TOK_SLASH || e->u.binary.op == TOK_PERCENT) &&
		    !(e->u.binary.rhs->kind == FTH_INT && e->u.binary.rhs->u.integer))
			return true;
		return may_send_message(c, e->u.binary.lhs) || may_send_message(c, e->u.binary.rhs);
	case FTH_TERNARY:
		return may_send_message(c, e->u.ternary.cond) || may_send_message(c, e->u.ternary.then_expr) ||
		       may_send_message(c, e->u.ternary.else_expr);
	case FTH_CAST:
		return may_send_message(c, e->u.cast.operand);
	case FTH_TUPLE_INDEX:
		return may_send_message(c, e->u.tuple_index.base);
	case FTH_FIELD:
		return k || may_send_message(c, e->u.field.base);
	case FTH_INDEX:
		return k || e->u.index.index->kind != FTH_INT || may_send_message(c, e->u.index.base);
	case FTH_RECORD_FIELD:
		return may_send_message(c, e->u.record_field.value);
	case FTH_TUPLE: case FTH_RECORD:
		for (int i = 0; i < e->u.list.len; i++)
			if (may_send_message(c, e->u.list.items[i]))
				return true;
		return false;
	case FTH_MAP:
		for (int i = 0; i < e->u.map.keys.len; i++)
			if (may_send_message(c, e->u.map.keys.items[i]))
				return true;
		return k;
	case FTH_CALL:
		for (int i = 0; i < e->u.call.args.len; i++)
			if (may_send_message(c, e->u.call.args.items[i]))
				return true;
		return k;
	case FTH_INCDEC:
		return k;
	default:
		return true;
	}
}

/* Argument i at base+off: in the record, a str() needs no padding (user
 * space reads up to the NUL); in a staging slot, copied whole, it does. */
static void emit_arg(struct cg *c, struct args_fill *f, int i, int base, int off, bool in_record)
{
	struct fth_node *a = f->args[i];

	c->str_unpadded = in_record && a->kind == FTH_CALL &&
			  (!strcmp(a->u.call.name, "str") || !strcmp(a->u.call.name, "str_concat"));
	emit_to_mem(c, a, base, off, f->layout->fields[i].type);
	c->str_unpadded = false;
}

/* Before the record: the arguments up to the last one that may send a
 * message, in order, each into a slot of its own. */
static void stage_args(struct cg *c, void *ud)
{
	struct args_fill *f = ud;

	for (int i = 0; i < f->nstaged; i++) {
		int slot = stack_alloc(c, (int)((f->layout->fields[i].type->size + 7) & ~7u), f->args[i]);
		f->staged[i] = slot;
		emit_arg(c, f, i, fp(slot), slot, false);
	}
}

static void fill_args(struct cg *c, int rec, void *ud)
{
	struct args_fill *f = ud;

	for (int i = 0; i < f->nstaged; i++)
		emit_copy(c, rec, 8 + (int)f->layout->fields[i].offset, fp(f->staged[i]), f->staged[i],
			  (int)f->layout->fields[i].type->size);
	for (int i = f->nstaged; i < f->nargs; i++)
		emit_arg(c, f, i, rec, 8 + (int)f->layout->fields[i].offset, true);
}

/* A tuple layout for event arguments, integers widened to 64 bits.
 * Pointers are numbers to printf's conversions, but print() shows them as
 * bpftrace does, in hex: keep_pointers. */
static struct fth_type *args_layout(struct cg *c, struct fth_node **args, int n, bool keep_pointers)
{
	struct fth_type **elems = fth_arena_alloc(&c->prog->arena, sizeof(*elems) * (size_t)(n + 1));

	for (int i = 0; i < n; i++) {
		struct fth_type *t = args[i]->type;
		if (!t)
			t = fth_type_int(8, true);
		if (t->kind == FTH_T_INT)
			t = fth_type_int_slot(&c->prog->arena, t); /* enum values keep their type: printed by name */
		else if (t->kind == FTH_T_POINTER && !keep_pointers)
			t = fth_type_int(8, false);
		elems[i] = t;
	}
	return fth_type_tuple(&c->prog->arena, elems, n);
}

static void emit_args_event(struct cg *c, enum fth_action_kind kind, struct fth_node *call,
			    struct fth_node **args, int nargs, struct fth_action **out)
{
	int id = add_action(c, kind, call);
	struct fth_action *a = fth_program_action(c->prog, id);
	struct args_fill f = { args, nargs, NULL, 0, NULL };

	a->args = args_layout(c, args, nargs, kind == FTH_ACT_PRINT_VALUE);
	f.layout = a->args;
	if (out)
		*out = a;
	for (int i = 0; i < nargs; i++)
		if (may_send_message(c, args[i]))
			f.nstaged = i + 1;
	if (f.nstaged)
		f.staged = fth_arena_alloc(&c->prog->arena, sizeof(*f.staged) * (size_t)f.nstaged);
	emit_event_prepared(c, id, 8 + a->args->size, call, f.nstaged ? stage_args : NULL, fill_args, &f);
}

struct join_fill {
	struct fth_node *argv;
	int strlen_;
	int staged; /* frame slot of argv computed before the record, or -1 */
};

/* argv before the record, when computing it may send a message (a
 * division by a value, a run-time index, a fn call): that message then
 * comes out before the join, as in bpftrace. */
static void stage_join_argv(struct cg *c, void *ud)
{
	struct join_fill *f = ud;
	struct vreg argv = emit_int(c, f->argv);

	f->staged = stack_alloc(c, 8, f->argv);
	emit(c, I_STX(BPF_DW, fp(f->staged), vreg_use(c, argv, R1), f->staged));
	vreg_free(c, argv);
}

static struct vreg join_argv(struct cg *c, struct join_fill *f)
{
	struct vreg v;

	if (f->staged == -1)
		return emit_int(c, f->argv);
	v = vreg_alloc(c, f->argv);
	emit(c, I_LDX(BPF_DW, R1, fp(f->staged), f->staged));
	vreg_set(c, v, R1);
	return v;
}

/* join(argv): the strings argv[0..] read from user memory into the record,
 * stopping at the NULL that ends the array. */
static void fill_join(struct cg *c, int rec, void *ud)
{
	struct join_fill *f = ud;
	struct vreg argv = join_argv(c, f);
	int ptr = stack_alloc(c, 8, f->argv), ends[FTH_JOIN_ARGS], nends = 0;
	int ra;

	/* Slots past the end of argv stay empty strings. */
	emit_zero(c, rec, 8, FTH_JOIN_ARGS * f->strlen_);
	for (int i = 0; i < FTH_JOIN_ARGS; i++) {
		ra = vreg_use(c, argv, R3);
		emit(c, I_MOV64_REG(R3, ra));
		if (i)
			emit(c, I_ALU64_IMM(BPF_ADD, R3, 8 * i));
		emit_addr(c, R1, fp(ptr), ptr);
		emit(c, I_MOV64_IMM(R2, 8));
		emit(c, I_CALL(BPF_FUNC_probe_read_user));
		emit(c, I_LDX(BPF_DW, R3, fp(ptr), ptr));
		ends[nends++] = emit(c, I_JMP_IMM(BPF_JEQ, R3, 0, 0));
		emit_addr(c, R1, rec, 8 + i * f->strlen_);
		emit(c, I_MOV64_IMM(R2, f->strlen_));
		emit(c, I_CALL(BPF_FUNC_probe_read_user_str));
	}
	for (int i = 0; i < nends; i++)
		fth_patch_jump_here(c->b, ends[i]);
	vreg_free(c, argv);
}

static void emit_join(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	int id = add_action(c, FTH_ACT_JOIN, call);
	struct fth_action *a = fth_program_action(c->prog, id);
	struct join_fill f = { args->items[0], (int)c->prog->config.max_strlen, -1 };
	uint32_t size = 8 + FTH_JOIN_ARGS * (uint32_t)f.strlen_;

	a->text = args->len == 2 ? args->items[1]->u.string.data : " ";
	a->top = f.strlen_; /* bytes per argument slot */
	emit_event_prepared(c, id, size, call, may_send_message(c, f.argv) ? stage_join_argv : NULL, fill_join, &f);
}

/* exit() also raises a flag the runtime polls, in case the ring buffer had
 * no room for its record: (1 << 32) | code in fth_lost[FTH_LOST_EXIT]. A
 * computed code is read from frame slot code_slot (else -1). */
static void emit_exit_flag(struct cg *c, struct fth_node *call, int code_slot)
{
	struct fth_node_list *args = &call->u.call.args;
	int key = stack_alloc(c, 8, call), jnull;

	emit(c, I_ST_IMM(BPF_W, fp(key), key, FTH_LOST_EXIT));
	emit_lookup(c, c->prog->lost_map, key);
	jnull = emit(c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	if (code_slot != -1) {
		emit(c, I_LDX(BPF_W, R1, fp(code_slot), code_slot));
		emit_mov_imm64(c, R2, (int64_t)1 << 32);
		emit(c, I_ALU64_REG(BPF_OR, R1, R2));
	} else {
		uint32_t lit = (uint32_t)(args->len ? args->items[0]->u.integer : 0);
		emit_mov_imm64(c, R1, (int64_t)(((uint64_t)1 << 32) | lit));
	}
	emit(c, I_STX(BPF_DW, R0, R1, 0));
	fth_patch_jump_here(c->b, jnull);
}

static int64_t literal_or(struct fth_node *e, int64_t dflt)
{
	if (!e)
		return dflt;
	if (e->kind == FTH_INT)
		return (int64_t)e->u.integer;
	if (e->kind == FTH_UNARY && e->u.unary.op == TOK_MINUS && e->u.unary.operand->kind == FTH_INT)
		return -(int64_t)e->u.unary.operand->u.integer; /* print(@ts, -10, 10) */
	return dflt;
}

/* debugf(fmt, ...): bpf_trace_printk(fmt, size, a1, a2, a3), which formats
 * in the kernel into the tracefs trace buffer (trace_pipe). The arguments
 * are evaluated into frame slots first (their code may call helpers); a
 * string is passed by address. */
static void emit_debugf(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_node *fmt = args->items[0];
	int flen = (int)fmt->u.string.len + 1, fslot, slots[3], n = args->len - 1;

	for (int i = 0; i < n && i < 3; i++) {
		struct fth_node *a = args->items[i + 1];
		if (a->type->kind == FTH_T_STRING) {
			slots[i] = stack_alloc(c, (int)a->type->size, a);
			emit_to_mem(c, a, fp(slots[i]), slots[i], a->type);
		} else {
			struct vreg v = emit_int(c, a);
			slots[i] = stack_alloc(c, 8, a);
			emit(c, I_STX(BPF_DW, fp(slots[i]), vreg_use(c, v, R1), slots[i]));
			vreg_free(c, v);
		}
	}
	fslot = stack_alloc(c, flen, call);
	emit_string_literal(c, fmt->u.string.data, fmt->u.string.len, fp(fslot), fslot, flen);
	c->b->cur_range = call->range;
	emit(c, I_MOV64_REG(R1, fp(fslot)));
	emit(c, I_ALU64_IMM(BPF_ADD, R1, fslot));
	emit(c, I_MOV64_IMM(R2, flen));
	for (int i = 0; i < n && i < 3; i++) {
		if (args->items[i + 1]->type->kind == FTH_T_STRING) {
			emit(c, I_MOV64_REG(R3 + i, fp(slots[i])));
			emit(c, I_ALU64_IMM(BPF_ADD, R3 + i, slots[i]));
		} else {
			emit(c, I_LDX(BPF_DW, R3 + i, fp(slots[i]), slots[i]));
		}
	}
	emit(c, I_CALL(BPF_FUNC_trace_printk));
}

/* The offset of `text` (with its NUL) in the program's read-only format
 * map, fth_fmt, created on first use; equal texts share their bytes (and
 * a program generated twice adds nothing the second time). The map's
 * index goes to *map_index. */
static uint32_t rodata_format(struct fth_program *prog, const char *text, int *map_index)
{
	struct fth_map *m = NULL;
	size_t len = strlen(text) + 1;
	char *value;

	for (int i = 0; i < prog->maps.len && !m; i++) {
		struct fth_map *candidate = fth_program_map(prog, i);
		if (candidate->frozen_value && !strcmp(candidate->name, "fth_fmt"))
			m = candidate;
	}
	if (!m) {
		m = fth_program_add_internal_map(prog, "fth_fmt", BPF_MAP_TYPE_ARRAY, 4, 0, 1);
		m->frozen_value = "";
	}
	*map_index = m->index;
	for (uint32_t off = 0; off + len <= m->value_size; off++)
		if (!memcmp((const char *)m->frozen_value + off, text, len))
			return off;
	value = fth_arena_alloc(&prog->arena, m->value_size + len);
	memcpy(value, m->frozen_value, m->value_size);
	memcpy(value + m->value_size, text, len);
	m->frozen_value = value;
	m->value_size += (uint32_t)len;
	return m->value_size - (uint32_t)len;
}

/* printf in a pinned iterator (iter:NAME:PIN): nobody reads the ring
 * buffer once the pin outlives fathom, so the kernel formats it into the
 * iterator's seq_file with bpf_seq_printf(ctx->meta->seq, fmt, fmt_size,
 * data, data_len). The format must be read-only memory the verifier
 * knows (the frozen fth_fmt map); data is a u64 per argument, the value
 * of an integer and the address of a string's bytes. */
static void emit_seq_printf(struct cg *c, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_node *fmt = args->items[0];
	enum fth_seq_conv conv[FTH_SEQ_MAX_ARGS];
	size_t outlen = 3 * fmt->u.string.len + 1;
	char *out = fth_arena_alloc(&c->prog->arena, outlen), err[256], hint[160];
	int n = args->len - 1, nconv, data = 0, map;
	uint32_t off;

	if (c->cur_func >= 0) {
		fth_error_hint(c->diag, call->range, "collect the values in the loop and print them after it",
			       "printf in a loop body over a map is not supported in a pinned iterator");
		c->failed = true;
		return;
	}
	nconv = fth_seq_format(fmt->u.string.data, out, outlen, conv, err, sizeof(err), hint, sizeof(hint));
	if (nconv < 0 || nconv != n) {
		if (nconv >= 0)
			snprintf(err, sizeof(err), "printf has %d conversions for %d arguments", nconv, n);
		fth_error_hint(c->diag, fmt->range, nconv < 0 ? hint : "give one argument per conversion", "%s", err);
		c->failed = true;
		return;
	}
	if (n)
		data = stack_alloc(c, 8 * n, call);
	for (int i = 0; i < n; i++) {
		struct fth_node *a = args->items[i + 1];
		enum fth_type_kind k = a->type->kind;
		if (conv[i] == FTH_SEQ_STRING && k == FTH_T_STRING) {
			int slot = stack_alloc(c, (int)a->type->size, a);
			emit_to_mem(c, a, fp(slot), slot, a->type);
			emit_addr(c, R1, fp(slot), slot);
			emit(c, I_STX(BPF_DW, fp(data), R1, data + 8 * i));
		} else if (conv[i] == FTH_SEQ_INT && (k == FTH_T_INT || k == FTH_T_BOOL || k == FTH_T_POINTER)) {
			struct vreg v = emit_int(c, a);
			emit(c, I_STX(BPF_DW, fp(data), vreg_use(c, v, R1), data + 8 * i));
			vreg_free(c, v);
		} else {
			fth_error_hint(c->diag, a->range,
				       conv[i] == FTH_SEQ_STRING ? "pass a string to %s" : "pass an integer, or a string to %s",
				       "this argument cannot be printed by a pinned iterator's printf (bpf_seq_printf)");
			c->failed = true;
			return;
		}
	}
	off = rodata_format(c->prog, out, &map);
	c->b->cur_range = call->range;
	emit(c, I_LDX(BPF_DW, R1, R6, (int16_t)c->p->inst->args[0].offset)); /* ctx->meta */
	emit(c, I_LDX(BPF_DW, R1, R1, 0));                                     /* meta->seq */
	fth_emit_ld_imm64(c->b, R2, BPF_PSEUDO_MAP_VALUE, (uint64_t)off << 32 | (uint32_t)map);
	emit(c, I_MOV64_IMM(R3, (int32_t)strlen(out) + 1));
	if (n)
		emit_addr(c, R4, fp(data), data);
	else
		emit(c, I_MOV64_IMM(R4, 0));
	emit(c, I_MOV64_IMM(R5, 8 * n));
	emit(c, I_CALL(BPF_FUNC_seq_printf));
}

static void emit_call_stmt(struct cg *c, struct fth_node *call)
{
	const char *n = call->u.call.name;
	struct fth_node_list *args = &call->u.call.args;

	if (!strcmp(n, "printf") && c->p->inst->pin_path) {
		emit_seq_printf(c, call);
		return;
	}

	if (!strcmp(n, "printf") || !strcmp(n, "system") || !strcmp(n, "cat") || !strcmp(n, "errorf") ||
	    !strcmp(n, "warnf")) {
		struct fth_action *a;
		char err[128];
		uint32_t off;
		enum fth_action_kind kind = n[0] == 'p' ? FTH_ACT_PRINTF : n[0] == 's' ? FTH_ACT_SYSTEM
					    : n[0] == 'c' ? FTH_ACT_CAT : n[0] == 'e' ? FTH_ACT_ERRORF
					    : FTH_ACT_WARNF;
		emit_args_event(c, kind, call, args->items + 1, args->len - 1, &a);
		fth_printf_parse(args->items[0]->u.string.data, &a->format, err, sizeof(err), &off);
		return;
	}
	if (!strcmp(n, "print")) {
		if (args->items[0]->kind == FTH_MAP && args->items[0]->u.map.keys.len == 0) {
			int id = add_action(c, FTH_ACT_PRINT_MAP, call);
			struct fth_action *a = fth_program_action(c->prog, id);
			a->map = fth_program_find_map(c->prog, args->items[0]->u.map.name)->index;
			a->top = (int)literal_or(args->len > 1 ? args->items[1] : NULL, 0);
			a->div = (int)literal_or(args->len > 2 ? args->items[2] : NULL, 0);
			const struct fth_type *vt = fth_program_map(c->prog, a->map)->value_type;
			if (args->len == 3 && vt->kind == FTH_T_AGG && vt->agg == FTH_AGG_TSERIES) {
				/* print(@ts, min, max); unsigned series take a negative as 0 */
				bool sg = vt->ts_signed;
				a->ts_range = true;
				a->ts_min = literal_or(args->items[1], 0);
				a->ts_max = literal_or(args->items[2], 0);
				if (!sg && a->ts_min < 0 && args->items[1]->kind == FTH_UNARY)
					a->ts_min = 0;
				if (!sg && a->ts_max < 0 && args->items[2]->kind == FTH_UNARY)
					a->ts_max = 0;
				a->top = a->div = 0;
			}
			emit_event(c, id, 8, call, NULL, NULL);
		} else {
			emit_args_event(c, FTH_ACT_PRINT_VALUE, call, args->items, 1, NULL);
		}
		return;
	}
	if (!strcmp(n, "clear") || !strcmp(n, "zero")) {
		int id = add_action(c, n[0] == 'c' ? FTH_ACT_CLEAR : FTH_ACT_ZERO, call);
		fth_program_action(c->prog, id)->map = fth_program_find_map(c->prog, args->items[0]->u.map.name)->index;
		emit_event(c, id, 8, call, NULL, NULL);
		return;
	}
	if (!strcmp(n, "time")) {
		int id = add_action(c, FTH_ACT_TIME, call);
		fth_program_action(c->prog, id)->text = args->len ? args->items[0]->u.string.data : "%H:%M:%S\n";
		emit_event(c, id, 8, call, NULL, NULL);
		return;
	}
	if (!strcmp(n, "exit")) {
		int id = add_action(c, FTH_ACT_EXIT, call);
		struct fth_action *a = fth_program_action(c->prog, id);
		int code_slot = -1;
		a->top = (int)literal_or(args->len ? args->items[0] : NULL, 0);
		if (args->len && args->items[0]->kind != FTH_INT) {
			/* the code computed once (and before the record, so what
			 * computing it sends comes first), for the record and the flag */
			struct vreg code = emit_int(c, args->items[0]);
			code_slot = stack_alloc(c, 8, call);
			emit(c, I_STX(BPF_DW, fp(code_slot), vreg_use(c, code, R1), code_slot));
			vreg_free(c, code);
			struct fth_type *elem = fth_type_int(8, true);
			a->args = fth_type_tuple(&c->prog->arena, &elem, 1);
			emit_event(c, id, 8 + a->args->size, call, fill_retcode, &code_slot);
		} else {
			emit_event(c, id, 8, call, NULL, NULL);
		}
		emit_exit_flag(c, call, code_slot);
		/* Nothing after exit() runs. */
		if (c->nexit < (int)(sizeof(c->exit_jumps) / sizeof(c->exit_jumps[0])))
			c->exit_jumps[c->nexit++] = emit(c, I_JA(0));
		return;
	}
	if (!strcmp(n, "delete")) {
		vreg_free(c, emit_delete(c, call));
		return;
	}
	if (!strcmp(n, "debugf")) {
		emit_debugf(c, call);
		return;
	}
	if (!strcmp(n, "join")) {
		emit_join(c, call);
		return;
	}
	if (!strcmp(n, "override")) {
		struct vreg rc = emit_int(c, args->items[0]);
		emit(c, I_MOV64_REG(R2, vreg_use(c, rc, R2)));
		vreg_free(c, rc);
		emit(c, I_MOV64_REG(R1, R6));
		emit(c, I_CALL(BPF_FUNC_override_return));
		return;
	}
	if (!strcmp(n, "unwatch")) {
		emit_args_event(c, FTH_ACT_UNWATCH, call, args->items, 1, NULL);
		return;
	}
	if (!strcmp(n, "signal") || !strcmp(n, "signal_thread")) {
		struct vreg sig = emit_int(c, args->items[0]);
		emit(c, I_MOV64_REG(R1, vreg_use(c, sig, R1)));
		vreg_free(c, sig);
		emit(c, I_CALL(n[6] ? BPF_FUNC_send_signal_thread : BPF_FUNC_send_signal));
		return;
	}
	vreg_free(c, emit_int(c, call));
}

/* ------------------------------------------------------------- statements */

static void loop_begin(struct cg *c, int continue_target, struct fth_node *where)
{
	struct loop_ctx *l;

	/* A loop body may write a map before reading it again on the next
	 * iteration: no reuse of earlier reads inside or after a loop. */
	c->nreads = 0;
	if (c->nloops == MAX_LOOP_DEPTH) {
		cg_error_hint(c, where, "flatten two loops into one, or move the inner loop's work into another probe",
			      "loops are nested too deeply");
		return;
	}
	l = &c->loops[c->nloops++];
	memset(l, 0, sizeof(*l));
	l->continue_target = continue_target;
}

static void loop_end(struct cg *c, int continue_target)
{
	struct loop_ctx *l = &c->loops[--c->nloops];

	for (int i = 0; i < l->ncontinue; i++)
		c->b->insns[l->continue_jumps[i]].off = (int16_t)(continue_target - l->continue_jumps[i] - 1);
	for (int i = 0; i < l->nbreak; i++)
		fth_patch_jump_here(c->b, l->break_jumps[i]);
}

/* What a callback body must not disturb in the function that calls it. */
struct func_state {
	struct fth_insn_buf *b;
	int stack_used, stack_max;
	bool pool_busy[POOL_SIZE];
	int pool_depth;
	int var_reg, var_adj;
	int cur_func;
	int nexit;
};

static void func_enter(struct cg *c, struct func_state *saved, int func)
{
	saved->b = c->b;
	saved->stack_used = c->stack_used;
	saved->stack_max = c->stack_max;
	memcpy(saved->pool_busy, c->pool_busy, sizeof(saved->pool_busy));
	saved->pool_depth = c->pool_depth;
	saved->var_reg = c->var_reg;
	saved->var_adj = c->var_adj;
	saved->cur_func = c->cur_func;
	saved->nexit = c->nexit;
	/* A new frame: its own stack, and r6-r9 are free (the caller's are
	 * preserved across the call). */
	c->b = &c->subs[func];
	fth_insn_buf_init(c->b);
	c->b->cur_range = saved->b->cur_range;
	c->stack_used = 0;
	c->stack_max = 0;
	memset(c->pool_busy, 0, sizeof(c->pool_busy));
	c->pool_depth = 0;
	c->var_reg = R6;
	c->var_adj = -c->vars_lo;
	c->cur_func = func;
}

static void func_leave(struct cg *c, const struct func_state *saved)
{
	c->b = saved->b;
	if (c->cur_func >= 0)
		c->sub_refs[c->cur_func].stack = c->stack_max;
	c->stack_used = saved->stack_used;
	c->stack_max = saved->stack_max;
	memcpy(c->pool_busy, saved->pool_busy, sizeof(c->pool_busy));
	c->pool_depth = saved->pool_depth;
	c->var_reg = saved->var_reg;
	c->var_adj = saved->var_adj;
	c->cur_func = saved->cur_func;
	c->nexit = saved->nexit;
}

/* The callback of emit_delete_buckets: long cb(index, ctx), ctx the key
 * followed by the found flag. */
static void emit_delete_bucket_callback(struct cg *c, struct fth_map *m, int func)
{
	struct func_state saved;
	int bucket = (int)m->key_size - 8, found = (int)m->key_size, jmiss;

	func_enter(c, &saved, func);
	emit(c, I_MOV64_REG(R6, R2));
	emit(c, I_STX(BPF_DW, R6, R1, bucket));
	emit_map_ref(c, R1, m->index);
	emit(c, I_MOV64_REG(R2, R6));
	emit(c, I_CALL(BPF_FUNC_map_delete_elem));
	jmiss = emit(c, I_JMP_IMM(BPF_JNE, R0, 0, 0));
	emit(c, I_ST_IMM(BPF_DW, R6, found, 1));
	fth_patch_jump_here(c->b, jmiss);
	emit(c, I_MOV64_IMM(R0, 0));
	emit(c, I_EXIT());
	func_leave(c, &saved);
}

/* Fill $kv = (key, value) from the callback's arguments: r2 points at the
 * key, r3 at this CPU's value. An aggregation's value is summed over the
 * CPUs instead, with lookups by a copy of the key. */
static void emit_for_map_elem(struct cg *c, struct fth_node *st, struct fth_map *m, struct fth_var *kv,
			      int key_reg, int val_reg)
{
	const struct fth_field *kf = &kv->type->fields[0], *vf = &kv->type->fields[1];
	int kv_off = var_off(c, kv), kv_base = var_base(c, kv);

	emit_copy(c, kv_base, kv_off + (int)kf->offset, key_reg, 0, (int)kf->type->size);
	if (m->value_type->kind != FTH_T_AGG) {
		emit_copy(c, kv_base, kv_off + (int)vf->offset, val_reg, 0, (int)vf->type->size);
		return;
	}
	{
		int key = stack_alloc(c, (int)m->key_size, st);
		struct vreg v;
		/* before any pool register is taken: key_reg may be one */
		emit_copy(c, fp(key), key, key_reg, 0, (int)m->key_size);
		v = emit_agg_reduce(c, m, key, st);
		emit(c, I_STX(BPF_DW, kv_base, vreg_use(c, v, R1), kv_off + (int)vf->offset));
		vreg_free(c, v);
	}
}

/* len(@m): bpf_for_each_map_elem returns how many elements it visited;
 * its callback only says "next" (returns 0), as bpftrace's stdlib does
 * where the bpf_map_sum_elem_count kfunc is missing. */
static struct vreg emit_map_len(struct cg *c, struct fth_node *call)
{
	struct fth_map *m = fth_program_find_map(c->prog, call->u.call.args.items[0]->u.map.name);
	struct func_state saved;
	struct vreg v;
	int func;

	if (c->nsubs == FTH_MAX_FUNCS - 1) {
		cg_error_hint(c, call, SPLIT_PROBE_HINT, "too many len() calls and for loops over maps in one probe");
		return vreg_from_r0(c, call);
	}
	func = c->nsubs++;
	emit_map_ref(c, R1, m->index);
	c->sub_refs[func].owner = c->cur_func;
	c->sub_refs[func].loop = call;
	c->sub_refs[func].insn = fth_emit_ld_imm64(c->b, R2, BPF_PSEUDO_FUNC, 0);
	emit(c, I_MOV64_IMM(R3, 0));
	emit(c, I_MOV64_IMM(R4, 0));
	emit(c, I_CALL(BPF_FUNC_for_each_map_elem));
	v = vreg_from_r0(c, call);
	func_enter(c, &saved, func);
	emit(c, I_MOV64_IMM(R0, 0));
	emit(c, I_EXIT());
	func_leave(c, &saved);
	return v;
}

/* A loop body inside its callback, then the callback's returns: 0 (go on)
 * at the end of the body and on continue - after stepping `step`, a range
 * loop's variable, when there is one - and 1 (stop) on break. */
static void emit_callback_body(struct cg *c, struct fth_node *st, struct fth_node *body, struct fth_var *step)
{
	struct loop_ctx *l;
	bool ends;

	loop_begin(c, -1, st);
	l = &c->loops[c->nloops - 1];
	ends = emit_block(c, body);
	/* Only reachable tails are emitted: the verifier rejects dead code. */
	if (!ends || l->ncontinue) {
		for (int i = 0; i < l->ncontinue; i++)
			fth_patch_jump_here(c->b, l->continue_jumps[i]);
		c->b->cur_range = st->range;
		if (step) {
			emit(c, I_LDX(BPF_DW, R1, var_base(c, step), var_off(c, step)));
			emit(c, I_ALU64_IMM(BPF_ADD, R1, 1));
			emit(c, I_STX(BPF_DW, var_base(c, step), R1, var_off(c, step)));
		}
		emit(c, I_MOV64_IMM(R0, 0));
		emit(c, I_EXIT());
	}
	if (l->nbreak) {
		for (int i = 0; i < l->nbreak; i++)
			fth_patch_jump_here(c->b, l->break_jumps[i]);
		c->b->cur_range = st->range;
		emit(c, I_MOV64_IMM(R0, 1));
		emit(c, I_EXIT());
	}
	c->nloops--;
}

/* The body of for ($kv : @m) as a callback of bpf_for_each_map_elem:
 *   long cb(map, key, value, ctx): r6 = ctx (the probe's variables),
 *   $kv = (*key, *value), body; continue returns 0 (next element), break
 *   returns 1 (stop). */
static void emit_for_map_callback(struct cg *c, struct fth_node *st, struct fth_map *m, int func)
{
	struct fth_var *kv = var_of(c, st->u.for_map.var);
	struct func_state saved;

	func_enter(c, &saved, func);
	emit(c, I_MOV64_REG(R6, R4));
	if (c->scratch) {
		/* The callback reaches the scratch area through its own r9; the
		 * lookup clobbers r2/r3, so the key and value pointers wait in
		 * r7/r8 (no pool register is taken yet). */
		emit(c, I_MOV64_REG(R7, R2));
		emit(c, I_MOV64_REG(R8, R3));
		emit_scratch_lookup(c, 1);
		emit_for_map_elem(c, st, m, kv, R7, R8);
	} else {
		emit_for_map_elem(c, st, m, kv, R2, R3);
	}
	emit_callback_body(c, st, st->u.for_map.body, NULL);
	func_leave(c, &saved);
}

/* for ($kv : @m) { body }: bpf_for_each_map_elem(map, callback, variables, 0). */
static void emit_for_map(struct cg *c, struct fth_node *st)
{
	struct fth_map *m = fth_program_find_map(c->prog, st->u.for_map.map->u.map.name);
	int func;

	if (c->nsubs == FTH_MAX_FUNCS - 1) {
		cg_error_hint(c, st, SPLIT_PROBE_HINT, "too many for loops over maps in one probe");
		return;
	}
	func = c->nsubs++;
	emit_map_ref(c, R1, m->index);
	c->sub_refs[func].owner = c->cur_func;
	c->sub_refs[func].loop = st;
	c->sub_refs[func].insn = fth_emit_ld_imm64(c->b, R2, BPF_PSEUDO_FUNC, 0);
	emit_addr(c, R3, c->var_reg, c->vars_lo + c->var_adj);
	emit(c, I_MOV64_IMM(R4, 0));
	emit(c, I_CALL(BPF_FUNC_for_each_map_elem));
	/* A loop body may change maps read before it. */
	c->nreads = 0;
	emit_for_map_callback(c, st, m, func);
}

/* The body of for ($i : a..b) as a callback of bpf_loop:
 *   long cb(index, ctx): r6 = ctx (the probe's variables); $i holds this
 *   iteration's value and is stepped at the end of the body. */
static void emit_for_range_callback(struct cg *c, struct fth_node *st, int func)
{
	struct func_state saved;

	func_enter(c, &saved, func);
	emit(c, I_MOV64_REG(R6, R2));
	if (c->scratch)
		emit_scratch_lookup(c, 1);
	emit_callback_body(c, st, st->u.for_range.body, var_of(c, st->u.for_range.var));
	func_leave(c, &saved);
}

/* for ($i : a..b) with bounds known only at run time:
 * $i = a; if (a < b) bpf_loop(b - a, callback, variables, 0). The end is
 * evaluated once, before the first iteration, as in the open-coded loop. */
static void emit_for_range_loop_helper(struct cg *c, struct fth_node *st)
{
	struct fth_var *var = var_of(c, st->u.for_range.var);
	int end = stack_alloc(c, 8, st), func, jskip;
	struct vreg v;

	if (c->nsubs == FTH_MAX_FUNCS - 1) {
		cg_error_hint(c, st, SPLIT_PROBE_HINT, "too many for loops in one probe");
		return;
	}
	v = emit_int(c, st->u.for_range.start);
	emit(c, I_STX(BPF_DW, var_base(c, var), vreg_use(c, v, R1), var_off(c, var)));
	vreg_free(c, v);
	v = emit_int(c, st->u.for_range.end);
	emit(c, I_STX(BPF_DW, fp(end), vreg_use(c, v, R1), end));
	vreg_free(c, v);
	emit(c, I_LDX(BPF_DW, R1, fp(end), end));
	emit(c, I_LDX(BPF_DW, R2, var_base(c, var), var_off(c, var)));
	jskip = emit(c, I_JMP_REG(BPF_JSLE, R1, R2, 0));
	emit(c, I_ALU64_REG(BPF_SUB, R1, R2));
	func = c->nsubs++;
	c->sub_refs[func].owner = c->cur_func;
	c->sub_refs[func].loop = st;
	c->sub_refs[func].insn = fth_emit_ld_imm64(c->b, R2, BPF_PSEUDO_FUNC, 0);
	emit_addr(c, R3, c->var_reg, c->vars_lo + c->var_adj);
	emit(c, I_MOV64_IMM(R4, 0));
	emit(c, I_CALL(BPF_FUNC_loop));
	fth_patch_jump_here(c->b, jskip);
	/* A loop body may change maps read before it. */
	c->nreads = 0;
	emit_for_range_callback(c, st, func);
}

/* The verifier counts the frames of a call chain together (each rounded
 * up to 32 bytes) against the one 512-byte stack: the probe's frame plus
 * its loop callback's, plus a nested loop's. Say so at the loop. */
static int frame_bytes(int used)
{
	return ((used > 0 ? used : 1) + 31) / 32 * 32;
}

static void check_call_chain_stack(struct cg *c)
{
	for (int i = 0; i < c->nsubs; i++) {
		int total = frame_bytes(c->sub_refs[i].stack);
		for (int f = c->sub_refs[i].owner; f >= 0; f = c->sub_refs[f].owner)
			total += frame_bytes(c->sub_refs[f].stack);
		total += frame_bytes(c->stack_max);
		if (total > MAX_STACK && !c->scratch) {
			/* generated again with big values in the scratch area */
			c->wants_scratch = true;
		} else if (total > MAX_STACK && !c->failed) {
			fth_error_hint(c->diag, c->sub_refs[i].loop->range,
				       "use fewer or shorter strings in the probe or in the loop body",
				       "this loop's body and the probe around it need %d bytes of BPF stack together; "
				       "the kernel allows %d",
				       total, MAX_STACK);
			c->failed = true;
		}
	}
}

/* Append the callbacks after the probe's code and point each ld_imm64
 * BPF_PSEUDO_FUNC at its callback (imm: offset from the next insn). */
static void link_callbacks(struct cg *c)
{
	int starts[FTH_MAX_FUNCS];

	c->p->func_starts[0] = 0;
	c->p->nfuncs = 1 + c->nsubs;
	for (int i = 0; i < c->nsubs; i++) {
		starts[i] = fth_insn_buf_append(c->b, &c->subs[i]);
		c->p->func_starts[i + 1] = starts[i];
		fth_insn_buf_free(&c->subs[i]);
	}
	for (int i = 0; i < c->nsubs; i++) {
		int owner = c->sub_refs[i].owner;
		int at = (owner < 0 ? 0 : starts[owner]) + c->sub_refs[i].insn;
		c->b->insns[at].imm = starts[i] - at - 1;
	}
}

/* An expression statement whose value lives in memory (a string, tuple,
 * buffer, stack, ...), small enough for a scratch slot on the stack. */
static bool is_discarded_memory_value(const struct fth_node *e)
{
	const struct fth_type *t = e->type;

	if (!t || t->size == 0 || t->size > 1024)
		return false;
	switch (t->kind) {
	case FTH_T_NONE: case FTH_T_INT: case FTH_T_BOOL: case FTH_T_POINTER: case FTH_T_AGG: case FTH_T_FLOAT:
		return false;
	default:
		return true;
	}
}

/* An expression statement whose value is dropped. A block that gives
 * nothing (`{ $a++; printf("x") }`, what a macro argument used as a
 * statement is) runs its statements and then its last call as one. Returns
 * true when it ends in exit(). */
static bool emit_expr_stmt(struct cg *c, struct fth_node *e)
{
	if (e->kind == FTH_BLOCK_EXPR && e->type && e->type->kind == FTH_T_NONE) {
		bool ends = false;
		for (int i = 0; i < e->u.block.stmts.len; i++)
			ends = emit_stmt(c, e->u.block.stmts.items[i]) || ends;
		return e->u.block.value ? emit_expr_stmt(c, e->u.block.value) || ends : ends;
	}
	if (is_discarded_memory_value(e)) {
		/* `comm;`, `str(p);`, `(1, "a");`: sema warned that the value
		 * is discarded; it is still computed (a block may print on
		 * the way), into a scratch slot */
		int tmp = stack_alloc(c, (int)((e->type->size + 7) & ~7u), e);
		emit_to_mem(c, e, fp(tmp), tmp, e->type);
	} else if (e->kind == FTH_CALL) {
		emit_call_stmt(c, e);
	} else {
		vreg_free(c, emit_int(c, e));
	}
	return e->kind == FTH_CALL && !strcmp(e->u.call.name, "exit");
}

/* Emit one statement. Returns true when control never falls through it
 * (exit(), return, break, continue, or an if whose branches all end so):
 * the verifier rejects unreachable instructions, so the statements after it
 * in the same block are not emitted - they could never run anyway. */
static bool emit_stmt(struct cg *c, struct fth_node *st)
{
	int saved_stack = c->stack_used, saved_scratch = c->scratch_used;
	bool ends = false;

	c->b->cur_range = st->range;
	switch (st->kind) {
	case FTH_EXPR_STMT:
		ends = emit_expr_stmt(c, st->u.expr_stmt.expr);
		break;
	case FTH_ASSIGN: {
		struct fth_node *t = st->u.assign.target;
		if (t->kind == FTH_MAP)
			emit_map_assign(c, st);
		else if (t->kind == FTH_VAR)
			emit_var_assign(c, t, st->u.assign.value, st->u.assign.op);
		else
			vreg_free(c, emit_int(c, st->u.assign.value));
		break;
	}
	case FTH_LET:
		if (st->u.let.value) {
			emit_var_assign(c, st->u.let.var, st->u.let.value, 0);
		} else {
			/* `let $x;` starts at zero each time it runs (in a loop too) */
			struct fth_var *v = var_of(c, st->u.let.var);
			emit_zero(c, var_base(c, v), var_off(c, v), (int)((v->type->size + 7) & ~7u));
		}
		break;
	case FTH_IF: {
		struct jump_list to_else = { 0 };
		int jdone;
		bool then_ends;
		emit_cond_jumps(c, st->u.if_.cond, false, &to_else);
		then_ends = emit_block(c, st->u.if_.then_block);
		if (st->u.if_.else_block) {
			bool else_ends;
			jdone = then_ends ? -1 : emit(c, I_JA(0));
			jump_list_land(c, &to_else);
			else_ends = emit_block(c, st->u.if_.else_block);
			if (jdone >= 0)
				fth_patch_jump_here(c->b, jdone);
			ends = then_ends && else_ends;
		} else {
			jump_list_land(c, &to_else);
		}
		break;
	}
	case FTH_WHILE: {
		struct jump_list to_exit = { 0 };
		int top = c->b->len;
		loop_begin(c, top, st);
		emit_cond_jumps(c, st->u.loop.cond, false, &to_exit);
		emit_block(c, st->u.loop.body);
		emit(c, I_JA((int16_t)(top - c->b->len - 1)));
		jump_list_land(c, &to_exit);
		loop_end(c, top);
		break;
	}
	case FTH_FOR_RANGE: {
		/* for ($i : a..b): $i from a while $i < b; the end is evaluated
		 * once, before the first iteration. */
		if (st->u.for_range.loop_helper) {
			emit_for_range_loop_helper(c, st);
			break;
		}
		struct fth_var *var = var_of(c, st->u.for_range.var);
		int end = stack_alloc(c, 8, st), top, jexit, cont;
		struct vreg v = emit_int(c, st->u.for_range.start);
		emit(c, I_STX(BPF_DW, var_base(c, var), vreg_use(c, v, R1), var_off(c, var)));
		vreg_free(c, v);
		v = emit_int(c, st->u.for_range.end);
		emit(c, I_STX(BPF_DW, fp(end), vreg_use(c, v, R1), end));
		vreg_free(c, v);
		top = c->b->len;
		emit(c, I_LDX(BPF_DW, R1, var_base(c, var), var_off(c, var)));
		emit(c, I_LDX(BPF_DW, R2, fp(end), end));
		jexit = emit(c, I_JMP_REG(BPF_JSGE, R1, R2, 0));
		loop_begin(c, -1, st);
		emit_block(c, st->u.for_range.body);
		cont = c->b->len;
		emit(c, I_LDX(BPF_DW, R1, var_base(c, var), var_off(c, var)));
		emit(c, I_ALU64_IMM(BPF_ADD, R1, 1));
		emit(c, I_STX(BPF_DW, var_base(c, var), R1, var_off(c, var)));
		emit(c, I_JA((int16_t)(top - c->b->len - 1)));
		fth_patch_jump_here(c->b, jexit);
		loop_end(c, cont);
		break;
	}
	case FTH_FOR_MAP:
		emit_for_map(c, st);
		break;
	case FTH_UNROLL: {
		int n = (int)st->u.unroll.count->u.integer;
		for (int i = 0; i < n; i++) {
			loop_begin(c, -1, st);
			emit_block(c, st->u.unroll.body);
			/* continue in an unrolled body goes to the next copy */
			loop_end(c, c->b->len);
		}
		break;
	}
	case FTH_BLOCK:
		ends = emit_block(c, st);
		break;
	case FTH_BREAK:
	case FTH_CONTINUE: {
		struct loop_ctx *l = &c->loops[c->nloops - 1];
		int j = emit(c, I_JA(0));
		if (st->kind == FTH_BREAK && l->nbreak < MAX_JUMPS)
			l->break_jumps[l->nbreak++] = j;
		else if (l->ncontinue < MAX_JUMPS)
			l->continue_jumps[l->ncontinue++] = j;
		ends = true;
		break;
	}
	case FTH_RETURN:
		if (c->nfns) {
			emit_fn_return(c, st);
			ends = true;
			break;
		}
		if (st->u.ret.value && c->ret_slot) {
			struct vreg v = emit_int(c, st->u.ret.value);
			emit(c, I_STX(BPF_DW, fp(c->ret_slot), vreg_use(c, v, R1), c->ret_slot));
			vreg_free(c, v);
		}
		if (c->nexit < (int)(sizeof(c->exit_jumps) / sizeof(c->exit_jumps[0])))
			c->exit_jumps[c->nexit++] = emit(c, I_JA(0));
		ends = true;
		break;
	default:
		cg_error(c, st, "this statement is not supported yet");
		break;
	}
	c->stack_used = saved_stack;
	c->scratch_used = saved_scratch;
	return ends;
}

static bool emit_block(struct cg *c, struct fth_node *b)
{
	if (!b)
		return false;
	if (b->kind != FTH_BLOCK)
		return emit_stmt(c, b);
	for (int i = 0; i < b->u.block.stmts.len; i++)
		if (emit_stmt(c, b->u.block.stmts.items[i]))
			return true;
	return false;
}

/* ---------------------------------------------------------------- programs */

static void emit_prologue(struct cg *c)
{
	emit(c, I_MOV64_REG(R6, R1));
	/* before any jump to the end, which returns it */
	if (!strcmp(c->p->inst->provider->name, "test")) {
		c->ret_slot = stack_alloc(c, 8, c->p->probe);
		emit(c, I_ST_IMM(BPF_DW, fp(c->ret_slot), c->ret_slot, 0));
	}
	/* before any jump to the end too, which adds it to fth_lost */
	if (c->count_locally) {
		c->counts_slot = stack_alloc(c, 8, c->p->probe);
		emit(c, I_ST_IMM(BPF_DW, fp(c->counts_slot), c->counts_slot, 0));
	}
	if (c->scratch)
		c->exit_jumps[c->nexit++] = emit_scratch_lookup(c, 0);
	/* Variables get fixed slots, zeroed so every path reads defined memory. */
	for (int i = 0; i < c->p->vars.len; i++) {
		struct fth_var *v = c->p->vars.items[i];
		v->stack_off = stack_alloc(c, (int)v->type->size, c->p->probe);
		emit_zero(c, fp(v->stack_off), v->stack_off, (int)((v->type->size + 7) & ~7u));
	}
	c->vars_lo = -c->stack_used;
}

/* -p PID: probes that fire in any process check it. Not interval (a timer
 * that fires in whatever runs: bpftrace leaves it unfiltered, so that
 * `-p PID -e 'interval:s:1 { exit(); }'` ends), nor iter (it runs in
 * fathom itself), nor BEGIN/END. */
static bool needs_pid_filter(const struct fth_provider *prov)
{
	return prov->attach && strcmp(prov->name, "interval") && strcmp(prov->name, "iter");
}

/* One generation of program p's code, with or without the scratch area,
 * with or without the frame's map-full counter (emit_count_map_full). */
static int codegen_pass(struct fth_program *prog, struct fth_prog *p, struct fth_diag *diag, bool scratch,
			bool count_locally, bool *wants_scratch, bool *wants_counts, bool *again)
{
	struct cg c = { .prog = prog, .p = p, .diag = diag, .b = &p->code, .var_reg = R10, .cur_func = -1,
			.scratch = scratch, .pool_size = scratch ? POOL_SIZE - 1 : POOL_SIZE,
			.count_locally = count_locally };
	struct fth_node *probe = p->probe;
	struct jump_list pred_false = { 0 };

	fth_insn_buf_free(&p->code);
	fth_insn_buf_init(&p->code);
	c.b->cur_range = probe->range;
	emit_prologue(&c);
	/* An iterator calls its program once more at the end with NULL
	 * objects: that call has nothing to show. */
	if (p->inst->expected_attach_type == BPF_TRACE_ITER && p->inst->nargs > 1) {
		emit(&c, I_LDX(BPF_DW, R0, R6, (int16_t)p->inst->args[1].offset));
		c.exit_jumps[c.nexit++] = emit(&c, I_JMP_IMM(BPF_JEQ, R0, 0, 0));
	}
	/* -p: everything but BEGIN/END sees only the target process */
	if (prog->config.filter_pid > 0 && needs_pid_filter(p->inst->provider)) {
		emit_current_pid_tgid(&c, probe);
		emit(&c, I_ALU64_IMM(BPF_RSH, R0, 32));
		c.exit_jumps[c.nexit++] = emit(&c, I_JMP_IMM(BPF_JNE, R0, prog->config.filter_pid, 0));
	}
	if (probe->u.probe.predicate) {
		c.in_predicate = true;
		c.pred_outcome = OUTCOME_TRUE;
		emit_cond_jumps(&c, probe->u.probe.predicate, false, &pred_false);
		c.in_predicate = false;
		c.pred_outcome = OUTCOME_UNKNOWN;
	}
	emit_block(&c, probe->u.probe.body);
	c.b->cur_range = probe->range;
	jump_list_land(&c, &pred_false);
	for (int i = 0; i < c.nexit; i++)
		fth_patch_jump_here(c.b, c.exit_jumps[i]);
	emit_flush_map_full(&c);
	if (c.ret_slot)
		emit(&c, I_LDX(BPF_DW, R0, fp(c.ret_slot), c.ret_slot));
	else
		emit(&c, I_MOV64_IMM(R0, 0));
	emit(&c, I_EXIT());
	check_call_chain_stack(&c);
	link_callbacks(&c);
	*wants_scratch = c.wants_scratch;
	*wants_counts = c.wants_counts;
	*again = c.wants_again;
	return c.failed ? -EINVAL : 0;
}

struct watch_fill {
	struct fth_node *where;
	int watchpoint;  /* program index of the watchpoint to arm */
	int arg;         /* the argument holding the address */
	int addr_slot;   /* frame slot of the address, read before the record */
	bool stop;       /* watchpoint (not asyncwatchpoint): SIGSTOP */
};

/* The address is read before the record is reserved, as event arguments
 * are: the record itself only receives stored values. */
static void stage_watchpoint_addr(struct cg *c, void *ud)
{
	struct watch_fill *f = ud;
	struct vreg addr = emit_regs_arg(c, f->where, f->arg);

	f->addr_slot = stack_alloc(c, 8, f->where);
	emit(c, I_STX(BPF_DW, fp(f->addr_slot), vreg_use(c, addr, R1), f->addr_slot));
	vreg_free(c, addr);
}

static void fill_watchpoint_arm(struct cg *c, int rec, void *ud)
{
	struct watch_fill *f = ud;

	emit(c, I_LDX(BPF_DW, R1, fp(f->addr_slot), f->addr_slot));
	emit(c, I_STX(BPF_DW, rec, R1, 16));
	emit(c, I_ST_IMM(BPF_DW, rec, 8, f->watchpoint));
	/* Only once the record is sure to arrive: the runtime continues the
	 * process (SIGCONT) when it has opened the breakpoint. The signal is
	 * delivered when the uprobe returns, before FUNC's first instruction. */
	if (f->stop) {
		emit(c, I_MOV64_IMM(R1, SIGSTOP));
		emit(c, I_CALL(BPF_FUNC_send_signal));
	}
}

/* The uprobe on FUNC of watchpoint:FUNC+argN: no script code, it sends
 * the runtime the address to watch. */
static int codegen_watchpoint_setup(struct fth_program *prog, struct fth_prog *p, struct fth_diag *diag)
{
	struct cg c = { .prog = prog, .p = p, .diag = diag, .b = &p->code, .var_reg = R10, .cur_func = -1,
			.pool_size = POOL_SIZE };
	const struct fth_probe_inst *wp = p->inst->wp_setup_for;
	struct watch_fill f = { .where = p->probe, .arg = wp->wp_arg,
				.stop = wp->provider == &fth_provider_watchpoint, .watchpoint = -1 };
	int id;

	for (int i = 0; i < prog->progs.len; i++)
		if (fth_program_prog(prog, i)->inst == wp)
			f.watchpoint = i;
	fth_insn_buf_free(&p->code);
	fth_insn_buf_init(&p->code);
	c.b->cur_range = p->probe->range;
	emit(&c, I_MOV64_REG(R6, R1));
	if (prog->config.target_pid > 0) {
		emit_current_pid_tgid(&c, p->probe);
		emit(&c, I_ALU64_IMM(BPF_RSH, R0, 32));
		c.exit_jumps[c.nexit++] = emit(&c, I_JMP_IMM(BPF_JNE, R0, prog->config.target_pid, 0));
	}
	id = add_action(&c, FTH_ACT_WATCHPOINT_ARM, p->probe);
	emit_event_prepared(&c, id, 24, p->probe, stage_watchpoint_addr, fill_watchpoint_arm, &f);
	for (int i = 0; i < c.nexit; i++)
		fth_patch_jump_here(c.b, c.exit_jumps[i]);
	emit(&c, I_MOV64_IMM(R0, 0));
	emit(&c, I_EXIT());
	return c.failed ? -EINVAL : 0;
}

static int codegen_prog(struct fth_program *prog, struct fth_prog *p, struct fth_diag *diag)
{
	int actions = prog->actions.len;
	bool scratch = false, count_locally = false;

	if (p->inst->wp_setup_for)
		return codegen_watchpoint_setup(prog, p, diag);
	if (fth_sema_retype(prog, p, diag))
		return -EINVAL;
	/* Generated again with what a pass asked for, or after it found a
	 * variable holding a pointer (each only ever turns on, so this ends):
	 * small programs pay for none of it. */
	for (;;) {
		bool wants_scratch = false, wants_counts = false, again = false;
		int rc;
		/* Forget an earlier pass's actions: nothing refers to them. */
		while (prog->actions.len > actions) {
			struct fth_action *a = prog->actions.items[--prog->actions.len];
			fth_printf_format_free(&a->format);
		}
		rc = codegen_pass(prog, p, diag, scratch, count_locally, &wants_scratch, &wants_counts, &again);
		if (rc || (!again && (!wants_scratch || scratch) && (!wants_counts || count_locally)))
			return rc;
		scratch = scratch || wants_scratch;
		count_locally = count_locally || wants_counts;
	}
}

int fth_codegen(struct fth_program *prog, struct fth_diag *diag)
{
	int rc = 0;

	prog->config.ncpus = prog->config.ncpus ? prog->config.ncpus : 1;
	for (int i = 0; i < prog->progs.len; i++) {
		struct fth_prog *p = prog->progs.items[i];
		p->probe_index = i;
		if (codegen_prog(prog, p, diag))
			rc = -EINVAL;
	}
	if (prog->scratch_map >= 0)
		fth_program_map(prog, prog->scratch_map)->value_size = (prog->scratch_size + 7) & ~7u;
	return rc;
}

static const char *dump_map_name(void *ud, int idx)
{
	const struct fth_program *prog = ud;
	const struct fth_map *m = fth_program_map(prog, idx);

	return m ? m->name : NULL;
}

void fth_codegen_dump(const struct fth_program *prog, FILE *out)
{
	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = prog->progs.items[i];
		fprintf(out, "%s%s (%s), %d instructions:\n", i ? "\n" : "", p->inst->name, p->bpf_name, p->code.len);
		for (int f = 0; f < (p->nfuncs ? p->nfuncs : 1); f++) {
			int from = p->nfuncs ? p->func_starts[f] : 0;
			int to = f + 1 < p->nfuncs ? p->func_starts[f + 1] : p->code.len;
			if (f)
				fprintf(out, "callback fth_cb%d (a for loop body):\n", f);
			fth_insn_print_range(out, p->code.insns, from, to, dump_map_name, (void *)prog);
		}
	}
}
