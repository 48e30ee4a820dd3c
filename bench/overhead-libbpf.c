/* The hand-written reference of bench/overhead: the two benchmark scripts
 * written directly as BPF instructions, loaded and attached through
 * libbpf's low-level API.
 *
 *   overhead-libbpf count       @[comm] = count() on raw_syscalls:sys_enter
 *   overhead-libbpf hist        sys_enter: start[tid] = nsecs;
 *                               sys_exit /start[tid]/: @ns = hist(nsecs - start[tid]);
 *                                                       delete(start[tid])
 *   overhead-libbpf -d count|hist   print the instructions and exit
 *   overhead-libbpf -s          turn on the kernel's BPF run-time statistics
 *                               (BPF_ENABLE_STATS) until SIGINT or SIGTERM
 *   overhead-libbpf -i ID...    print run_cnt, run_time_ns and the sizes of
 *                               the loaded BPF programs with these ids
 *
 * It behaves like `fathom -q` running the same script: it attaches, prints
 * __BPFTRACE_NOTIFY_PROBES_ATTACHED on stdout when that variable is set in
 * the environment (and "Attached N probes" on stderr), runs until SIGINT or
 * SIGTERM, detaches, and prints the final maps in bpftrace's format
 * (@[comm]: N lines sorted by count, or the @ns histogram and the
 * @start[tid]: ns entries left), so the bench can check that both counted
 * the same events.
 *
 * The programs are what someone writing this by hand would write: no
 * redundant zeroing, one get_current_pid_tgid and one lookup of the start
 * map per sys_exit, the per-CPU counters incremented in place through the
 * pointer from map_lookup_elem (insert with BPF_NOEXIST only on a miss),
 * and a branch-light log2.  The maps, helpers and histogram buckets are the
 * same as fathom's, so the two count the same things: per-CPU hash of
 * 16-byte comm -> u64, hash of tid -> u64 start time from
 * bpf_ktime_get_boot_ns() (what fathom's nsecs uses), per-CPU hash of u64
 * bucket index -> u64, all with 4096 entries.  The start map's key is the
 * tid as a u64, as in fathom: a u32 key measured no faster.
 *
 * Build: gcc -O2 -o overhead-libbpf overhead-libbpf.c -lbpf */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---------------------------------------------------------------------
 * Instruction macros
 * --------------------------------------------------------------------- */

#define INSN(CODE, DST, SRC, OFF, IMM) \
	((struct bpf_insn){ .code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) })

#define MOV64_REG(D, S)      INSN(BPF_ALU64 | BPF_MOV | BPF_X, D, S, 0, 0)
#define MOV64_IMM(D, I)      INSN(BPF_ALU64 | BPF_MOV | BPF_K, D, 0, 0, I)
#define MOV32_REG(D, S)      INSN(BPF_ALU | BPF_MOV | BPF_X, D, S, 0, 0) /* zero-extends */
#define ALU64_IMM(OP, D, I)  INSN(BPF_ALU64 | (OP) | BPF_K, D, 0, 0, I)
#define ALU64_REG(OP, D, S)  INSN(BPF_ALU64 | (OP) | BPF_X, D, S, 0, 0)
#define LDX_MEM(SZ, D, S, O) INSN(BPF_LDX | BPF_MEM | (SZ), D, S, O, 0)
#define STX_MEM(SZ, D, S, O) INSN(BPF_STX | BPF_MEM | (SZ), D, S, O, 0)
#define ST_MEM(SZ, D, O, I)  INSN(BPF_ST | BPF_MEM | (SZ), D, 0, O, I)
/* Jumps name a label; asm_fix() turns it into the offset. */
#define JMP_IMM(OP, D, I, L) INSN(BPF_JMP | (OP) | BPF_K, D, 0, L, I)
#define JA(L)                INSN(BPF_JMP | BPF_JA, 0, 0, L, 0)
#define CALL(FN)             INSN(BPF_JMP | BPF_CALL, 0, 0, 0, FN)
#define EXIT()               INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* Two slots: a 64-bit immediate holding a map fd. */
#define LD_MAP_FD(D, FD)     INSN(BPF_LD | BPF_DW | BPF_IMM, D, BPF_PSEUDO_MAP_FD, 0, FD), INSN(0, 0, 0, 0, 0)
/* A pseudo-instruction marking label L; asm_fix() removes it. */
#define LABEL(L)             INSN(0xff, 0, 0, L, 0)

enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

/* Resolve labels: a jump's .off holds a label number until here. */
static int asm_fix(struct bpf_insn *in, int n)
{
	int at[16], out = 0;

	for (int i = 0; i < 16; i++)
		at[i] = -1;
	for (int i = 0; i < n; i++) {
		if (in[i].code == 0xff) {
			if (in[i].off < 0 || in[i].off >= 16 || at[in[i].off] >= 0) {
				fprintf(stderr, "overhead-libbpf: bad or duplicate label %d\n", in[i].off);
				exit(1);
			}
			at[in[i].off] = out;
		} else
			out++;
	}
	out = 0;
	for (int i = 0; i < n; i++) {
		if (in[i].code == 0xff)
			continue;
		in[out] = in[i];
		if (BPF_CLASS(in[out].code) == BPF_JMP && BPF_OP(in[out].code) != BPF_CALL &&
		    BPF_OP(in[out].code) != BPF_EXIT) {
			int l = in[out].off;
			if (l < 0 || l >= 16 || at[l] < 0) {
				fprintf(stderr, "overhead-libbpf: undefined label %d\n", l);
				exit(1);
			}
			in[out].off = (int16_t)(at[l] - out - 1);
		}
		out++;
	}
	return out;
}

/* ---------------------------------------------------------------------
 * The programs
 * --------------------------------------------------------------------- */

struct prog {
	const char *name;  /* BPF object name */
	const char *event; /* raw_syscalls event */
	struct bpf_insn insns[128];
	int len;
	int fd, pfd, lfd;
};

enum { L_MISS, L_OUT, L_SMALL, L_STORE, L_BUCKET_MISS, L_DELETE, L_16, L_8, L_4, L_2, L_1 };

/* tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }
 * Stack: -16 comm key, -24 initial value 1. */
static int build_count(struct prog *p, int counts_fd)
{
	struct bpf_insn c[] = {
		MOV64_REG(R1, R10),
		ALU64_IMM(BPF_ADD, R1, -16),
		MOV64_IMM(R2, 16),
		CALL(BPF_FUNC_get_current_comm), /* zero-pads: no need to clear the key first */
		LD_MAP_FD(R1, counts_fd),
		MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -16),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, R0, 0, L_MISS),
		LDX_MEM(BPF_DW, R1, R0, 0),
		ALU64_IMM(BPF_ADD, R1, 1),
		STX_MEM(BPF_DW, R0, R1, 0),
		MOV64_IMM(R0, 0),
		EXIT(),
		LABEL(L_MISS),
		ST_MEM(BPF_DW, R10, -24, 1),
		LD_MAP_FD(R1, counts_fd),
		MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -16),
		MOV64_REG(R3, R10),
		ALU64_IMM(BPF_ADD, R3, -24),
		MOV64_IMM(R4, BPF_NOEXIST),
		CALL(BPF_FUNC_map_update_elem),
		MOV64_IMM(R0, 0),
		EXIT(),
	};
	memcpy(p->insns, c, sizeof(c));
	p->len = asm_fix(p->insns, (int)(sizeof(c) / sizeof(c[0])));
	p->name = "hand_count";
	p->event = "sys_enter";
	return 0;
}

/* tracepoint:raw_syscalls:sys_enter { @start[tid] = nsecs; }
 * Stack: -8 u64 tid key, -16 the time.
 * The clock is read first: with get_current_pid_tgid first, the whole
 * tracer measured some 15 ns per system call slower here (the clock read
 * on x86 is ordered behind the loads before it). */
static int build_hist_enter(struct prog *p, int start_fd)
{
	struct bpf_insn c[] = {
		CALL(BPF_FUNC_ktime_get_boot_ns),
		STX_MEM(BPF_DW, R10, R0, -16),
		CALL(BPF_FUNC_get_current_pid_tgid),
		MOV32_REG(R0, R0),            /* the low half: the tid */
		STX_MEM(BPF_DW, R10, R0, -8),
		LD_MAP_FD(R1, start_fd),
		MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -8),
		MOV64_REG(R3, R10),
		ALU64_IMM(BPF_ADD, R3, -16),
		MOV64_IMM(R4, BPF_ANY),
		CALL(BPF_FUNC_map_update_elem),
		MOV64_IMM(R0, 0),
		EXIT(),
	};
	memcpy(p->insns, c, sizeof(c));
	p->len = asm_fix(p->insns, (int)(sizeof(c) / sizeof(c[0])));
	p->name = "hand_enter";
	p->event = "sys_enter";
	return 0;
}

/* tracepoint:raw_syscalls:sys_exit /@start[tid]/ {
 *     @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }
 * The bucket of v, as bpftrace's hist(): 0 if v < 0, v + 1 if v < 2,
 * else floor(log2(v)) + 2.
 * Stack: -8 u64 tid key, -16 bucket key, -24 initial count 1.
 * r6 holds the start time across the ktime call. */
static int build_hist_exit(struct prog *p, int start_fd, int hist_fd)
{
	struct bpf_insn c[] = {
		CALL(BPF_FUNC_get_current_pid_tgid),
		MOV32_REG(R0, R0),
		STX_MEM(BPF_DW, R10, R0, -8),
		LD_MAP_FD(R1, start_fd),
		MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -8),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, R0, 0, L_OUT),
		LDX_MEM(BPF_DW, R6, R0, 0),
		JMP_IMM(BPF_JEQ, R6, 0, L_OUT), /* the predicate: @start[tid] != 0 */
		CALL(BPF_FUNC_ktime_get_boot_ns),
		ALU64_REG(BPF_SUB, R0, R6),      /* r0 = delta */
		MOV64_IMM(R1, 0),
		JMP_IMM(BPF_JSLT, R0, 0, L_STORE),
		JMP_IMM(BPF_JLT, R0, 2, L_SMALL),
		/* r1 = floor(log2(r0)) + 2 by binary search; r0 >= 2 here. */
		MOV64_IMM(R1, 2),
		MOV64_REG(R2, R0),
		ALU64_IMM(BPF_RSH, R2, 32),
		JMP_IMM(BPF_JEQ, R2, 0, L_16),
		MOV64_REG(R0, R2),
		ALU64_IMM(BPF_ADD, R1, 32),
		LABEL(L_16),
		JMP_IMM(BPF_JLT, R0, 1 << 16, L_8),
		ALU64_IMM(BPF_RSH, R0, 16),
		ALU64_IMM(BPF_ADD, R1, 16),
		LABEL(L_8),
		JMP_IMM(BPF_JLT, R0, 1 << 8, L_4),
		ALU64_IMM(BPF_RSH, R0, 8),
		ALU64_IMM(BPF_ADD, R1, 8),
		LABEL(L_4),
		JMP_IMM(BPF_JLT, R0, 1 << 4, L_2),
		ALU64_IMM(BPF_RSH, R0, 4),
		ALU64_IMM(BPF_ADD, R1, 4),
		LABEL(L_2),
		JMP_IMM(BPF_JLT, R0, 1 << 2, L_1),
		ALU64_IMM(BPF_RSH, R0, 2),
		ALU64_IMM(BPF_ADD, R1, 2),
		LABEL(L_1),
		JMP_IMM(BPF_JLT, R0, 1 << 1, L_STORE),
		ALU64_IMM(BPF_ADD, R1, 1),
		JA(L_STORE),
		LABEL(L_SMALL),
		MOV64_REG(R1, R0),
		ALU64_IMM(BPF_ADD, R1, 1),
		LABEL(L_STORE),
		STX_MEM(BPF_DW, R10, R1, -16),
		LD_MAP_FD(R1, hist_fd),
		MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -16),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, R0, 0, L_BUCKET_MISS),
		LDX_MEM(BPF_DW, R1, R0, 0),
		ALU64_IMM(BPF_ADD, R1, 1),
		STX_MEM(BPF_DW, R0, R1, 0),
		JA(L_DELETE),
		LABEL(L_BUCKET_MISS),
		ST_MEM(BPF_DW, R10, -24, 1),
		LD_MAP_FD(R1, hist_fd),
		MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -16),
		MOV64_REG(R3, R10),
		ALU64_IMM(BPF_ADD, R3, -24),
		MOV64_IMM(R4, BPF_NOEXIST),
		CALL(BPF_FUNC_map_update_elem),
		LABEL(L_DELETE),
		LD_MAP_FD(R1, start_fd),
		MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -8),
		CALL(BPF_FUNC_map_delete_elem),
		LABEL(L_OUT),
		MOV64_IMM(R0, 0),
		EXIT(),
	};
	memcpy(p->insns, c, sizeof(c));
	p->len = asm_fix(p->insns, (int)(sizeof(c) / sizeof(c[0])));
	p->name = "hand_exit";
	p->event = "sys_exit";
	return 0;
}

/* ---------------------------------------------------------------------
 * A disassembler for what the programs above use, in fathom -d bpf style
 * --------------------------------------------------------------------- */

static const char *map_names[4];
static int map_fds[4];

static const char *map_name(int fd)
{
	for (int i = 0; i < 4; i++)
		if (map_names[i] && map_fds[i] == fd)
			return map_names[i];
	return "?";
}

static const char *helper_name(int id)
{
	switch (id) {
	case BPF_FUNC_map_lookup_elem: return "map_lookup_elem";
	case BPF_FUNC_map_update_elem: return "map_update_elem";
	case BPF_FUNC_map_delete_elem: return "map_delete_elem";
	case BPF_FUNC_get_current_pid_tgid: return "get_current_pid_tgid";
	case BPF_FUNC_get_current_comm: return "get_current_comm";
	case BPF_FUNC_ktime_get_boot_ns: return "ktime_get_boot_ns";
	default: return "?";
	}
}

static const char *size_name(int sz)
{
	switch (sz) {
	case BPF_B: return "u8";
	case BPF_H: return "u16";
	case BPF_W: return "u32";
	default: return "u64";
	}
}

static void dump_prog(const struct prog *p, const char *probe)
{
	static const char *alu[16] = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
				       "neg", "%=", "^=", "=", "s>>=", "?", "?", "?" };
	static const char *jmp[16] = { "goto", "==", ">", ">=", "&", "!=", "s>", "s>=",
				       "call", "exit", "<", "<=", "s<", "s<=", "?", "?" };

	printf("%s (%s), %d instructions:\n", probe, p->name, p->len);
	for (int i = 0; i < p->len; i++) {
		const struct bpf_insn *in = &p->insns[i];
		int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		char src[32];

		printf("%4d: ", i);
		if (BPF_SRC(in->code) == BPF_X)
			snprintf(src, sizeof(src), "r%d", in->src_reg);
		else
			snprintf(src, sizeof(src), "%d", in->imm);
		if (cls == BPF_ALU64) {
			printf("r%d %s %s\n", in->dst_reg, alu[op >> 4], src);
		} else if (cls == BPF_ALU) {
			if (BPF_SRC(in->code) == BPF_X)
				snprintf(src, sizeof(src), "w%d", in->src_reg);
			printf("w%d %s %s\n", in->dst_reg, alu[op >> 4], src);
		} else if (cls == BPF_JMP && op == BPF_CALL) {
			printf("call %s\n", helper_name(in->imm));
		} else if (cls == BPF_JMP && op == BPF_EXIT) {
			printf("exit\n");
		} else if (cls == BPF_JMP && op == BPF_JA) {
			printf("goto %d\n", i + 1 + in->off);
		} else if (cls == BPF_JMP) {
			printf("if r%d %s %s goto %d\n", in->dst_reg, jmp[op >> 4], src, i + 1 + in->off);
		} else if (cls == BPF_LDX) {
			printf("r%d = *(%s *)(r%d %+d)\n", in->dst_reg, size_name(BPF_SIZE(in->code)), in->src_reg,
			       in->off);
		} else if (cls == BPF_STX) {
			printf("*(%s *)(r%d %+d) = r%d\n", size_name(BPF_SIZE(in->code)), in->dst_reg, in->off,
			       in->src_reg);
		} else if (cls == BPF_ST) {
			printf("*(%s *)(r%d %+d) = %d\n", size_name(BPF_SIZE(in->code)), in->dst_reg, in->off,
			       in->imm);
		} else if (in->code == (BPF_LD | BPF_DW | BPF_IMM)) {
			printf("r%d = map[%s]\n", in->dst_reg, map_name(in->imm));
			i++;
		} else {
			printf("? code 0x%02x\n", in->code);
		}
	}
}

/* ---------------------------------------------------------------------
 * Loading, attaching, printing
 * --------------------------------------------------------------------- */

static int ncpus;

static int make_map(enum bpf_map_type type, const char *name, int key, int value)
{
	int fd = bpf_map_create(type, name, (uint32_t)key, (uint32_t)value, 4096, NULL);

	if (fd < 0) {
		fprintf(stderr, "overhead-libbpf: cannot create map %s: %s\n", name, strerror(-fd));
		exit(1);
	}
	return fd;
}

static char verifier_log[1 << 16];

static void load_prog(struct prog *p)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = verifier_log, .log_size = sizeof(verifier_log),
		    .log_level = 0);

	p->fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, p->name, "GPL", p->insns, (size_t)p->len, &opts);
	if (p->fd < 0) {
		/* Load again with the log on to say why. */
		opts.log_level = 1;
		bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, p->name, "GPL", p->insns, (size_t)p->len, &opts);
		fprintf(stderr, "overhead-libbpf: cannot load %s: %s\n%s\n", p->name, strerror(-p->fd),
			verifier_log);
		exit(1);
	}
}

static int tracepoint_id(const char *event)
{
	static const char *roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256];
	int id = -1;

	for (int i = 0; i < 2 && id < 0; i++) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/events/raw_syscalls/%s/id", roots[i], event);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d", &id) != 1)
			id = -1;
		fclose(f);
	}
	if (id < 0) {
		fprintf(stderr, "overhead-libbpf: no tracepoint raw_syscalls:%s (is tracefs mounted?)\n", event);
		exit(1);
	}
	return id;
}

/* As bpftrace and fathom do: one perf event on CPU 0 for all processes;
 * a BPF program on a tracepoint event runs for hits on every CPU. */
static void attach_prog(struct prog *p)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = (uint64_t)tracepoint_id(p->event),
		.sample_period = 1,
		.wakeup_events = 1,
	};

	p->pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (p->pfd < 0) {
		fprintf(stderr, "overhead-libbpf: perf_event_open raw_syscalls:%s: %s\n", p->event,
			strerror(errno));
		exit(1);
	}
	p->lfd = bpf_link_create(p->fd, p->pfd, BPF_PERF_EVENT, NULL);
	if (p->lfd < 0) {
		fprintf(stderr, "overhead-libbpf: bpf_link_create %s: %s\n", p->name, strerror(-p->lfd));
		exit(1);
	}
}

static void detach_prog(struct prog *p)
{
	close(p->lfd);
	close(p->pfd);
}

/* Sum of the per-CPU u64 values under key. */
static uint64_t percpu_sum(int fd, const void *key)
{
	uint64_t vals[ncpus], sum = 0;

	if (bpf_map_lookup_elem(fd, key, vals) != 0)
		return 0;
	for (int i = 0; i < ncpus; i++)
		sum += vals[i];
	return sum;
}

struct comm_count {
	char comm[16];
	uint64_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct comm_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return strncmp(x->comm, y->comm, 16);
}

static void print_counts(int fd)
{
	struct comm_count *rows = calloc(4096, sizeof(*rows));
	char key[16], next[16];
	int n = 0;
	void *prev = NULL;

	while (n < 4096 && bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(rows[n].comm, next, 16);
		rows[n].n = percpu_sum(fd, next);
		n++;
		memcpy(key, next, 16);
		prev = key;
	}
	qsort(rows, (size_t)n, sizeof(*rows), by_count);
	printf("\n");
	for (int i = 0; i < n; i++)
		printf("@[%.16s]: %llu\n", rows[i].comm, (unsigned long long)rows[i].n);
	free(rows);
}

/* bpftrace's label for the upper bound of hist bucket b: the integer b for
 * b <= 2, else 2^(b-1) with a K/M/G/T/P/E suffix per power of 1024. */
static void hist_label(char *out, size_t len, int b, bool *is_int)
{
	static const char suffix[] = { 0, 'K', 'M', 'G', 'T', 'P', 'E' };
	unsigned power, decade;

	*is_int = b <= 2;
	if (b <= 2) {
		snprintf(out, len, "%d", b);
		return;
	}
	power = (unsigned)b - 1;
	decade = power / 10;
	if (decade > 0 && decade < sizeof(suffix))
		snprintf(out, len, "%llu%c", 1ull << (power - 10 * decade), suffix[decade]);
	else
		snprintf(out, len, "%llu", 1ull << power);
}

/* @start[tid]: ns for every entry left, as fathom and bpftrace print a
 * map at exit.  The bench counts these lines: a full @start map (4096)
 * means new threads found no slot, and their sys_exit took a short cut. */
static void print_start(int fd)
{
	uint64_t key, next;
	uint64_t value;
	void *prev = NULL;

	printf("\n");
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &value) == 0)
			printf("@start[%llu]: %llu\n", (unsigned long long)next, (unsigned long long)value);
		key = next;
		prev = &key;
	}
}

static void print_hist(int fd)
{
	uint64_t buckets[66] = { 0 }, max = 0;
	int first = -1, last = -1;

	for (uint64_t b = 0; b < 66; b++)
		buckets[b] = percpu_sum(fd, &b);
	for (int b = 0; b < 66; b++) {
		if (buckets[b]) {
			if (first < 0)
				first = b;
			last = b;
			if (buckets[b] > max)
				max = buckets[b];
		}
	}
	printf("\n@ns:\n");
	for (int b = first; first >= 0 && b <= last; b++) {
		char lo[32], hi[32], head[80];
		bool lo_int, hi_int;
		int w = max ? (int)((float)buckets[b] / (float)max * 52.0f) : 0;

		if (b == 0) {
			snprintf(head, sizeof(head), "(..., 0)");
		} else {
			hist_label(lo, sizeof(lo), b - 1, &lo_int);
			hist_label(hi, sizeof(hi), b, &hi_int);
			if (lo_int && hi_int)
				snprintf(head, sizeof(head), "[%s]", lo);
			else
				snprintf(head, sizeof(head), "[%s, %s)", lo, hi);
		}
		printf("%-16s%8llu |%.*s%*s|\n", head, (unsigned long long)buckets[b], w,
		       "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", 52 - w, "");
	}
	printf("\n");
}

/* Block SIGINT and SIGTERM, to be picked up by sigwait(). */
static void block_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigprocmask(SIG_BLOCK, set, NULL);
}

/* -s: statistics stay on while the fd from BPF_ENABLE_STATS is open, so
 * they go off again however this process ends. */
static int hold_stats(void)
{
	sigset_t set;
	int fd, sig;

	block_stop_signals(&set);
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0) {
		fprintf(stderr, "overhead-libbpf: BPF_ENABLE_STATS: %s\n", strerror(-fd));
		return 1;
	}
	printf("stats on\n");
	fflush(stdout);
	sigwait(&set, &sig);
	close(fd);
	return 0;
}

/* -i ID...: one line per program. */
static int prog_info(int argc, char **argv)
{
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id((uint32_t)strtoul(argv[i], NULL, 10));

		memset(&info, 0, sizeof(info));
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) != 0) {
			fprintf(stderr, "overhead-libbpf: no BPF program with id %s\n", argv[i]);
			rc = 1;
			if (fd >= 0)
				close(fd);
			continue;
		}
		printf("id %u run_cnt %llu run_time_ns %llu xlated_insns %u jited_bytes %u name %s\n", info.id,
		       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns,
		       info.xlated_prog_len / 8, info.jited_prog_len, info.name);
		close(fd);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct prog progs[2];
	const char *probes[2];
	int nprogs, argi = 1, counts_fd = -1, start_fd = -1, hist_fd = -1, sig;
	bool dump = false, hist;
	sigset_t set;

	memset(progs, 0, sizeof(progs));
	if (argc == 2 && strcmp(argv[1], "-s") == 0)
		return hold_stats();
	if (argc >= 3 && strcmp(argv[1], "-i") == 0)
		return prog_info(argc - 2, argv + 2);
	if (argi < argc && strcmp(argv[argi], "-d") == 0) {
		dump = true;
		argi++;
	}
	if (argi + 1 != argc || (strcmp(argv[argi], "count") != 0 && strcmp(argv[argi], "hist") != 0)) {
		fprintf(stderr, "usage: %s [-d] count|hist | -s | -i ID...\n", argv[0]);
		return 2;
	}
	hist = strcmp(argv[argi], "hist") == 0;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "overhead-libbpf: cannot count the possible CPUs\n");
		return 1;
	}

	if (!hist) {
		counts_fd = dump ? 101 : make_map(BPF_MAP_TYPE_PERCPU_HASH, "hand_counts", 16, 8);
		map_names[0] = "@", map_fds[0] = counts_fd;
		build_count(&progs[0], counts_fd);
		probes[0] = "tracepoint:raw_syscalls:sys_enter";
		nprogs = 1;
	} else {
		start_fd = dump ? 101 : make_map(BPF_MAP_TYPE_HASH, "hand_start", 8, 8);
		hist_fd = dump ? 102 : make_map(BPF_MAP_TYPE_PERCPU_HASH, "hand_ns", 8, 8);
		map_names[0] = "@start", map_fds[0] = start_fd;
		map_names[1] = "@ns", map_fds[1] = hist_fd;
		build_hist_enter(&progs[0], start_fd);
		build_hist_exit(&progs[1], start_fd, hist_fd);
		probes[0] = "tracepoint:raw_syscalls:sys_enter";
		probes[1] = "tracepoint:raw_syscalls:sys_exit";
		nprogs = 2;
	}

	if (dump) {
		for (int i = 0; i < nprogs; i++) {
			if (i)
				printf("\n");
			dump_prog(&progs[i], probes[i]);
		}
		return 0;
	}

	/* Block the stop signals before attaching; sigwait() picks them up. */
	block_stop_signals(&set);

	for (int i = 0; i < nprogs; i++)
		load_prog(&progs[i]);
	for (int i = 0; i < nprogs; i++)
		attach_prog(&progs[i]);
	fprintf(stderr, "Attached %d probe%s\n", nprogs, nprogs == 1 ? "" : "s");
	if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED"))
		printf("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n");
	fflush(stdout);

	sigwait(&set, &sig);

	for (int i = 0; i < nprogs; i++)
		detach_prog(&progs[i]);
	if (hist) {
		print_hist(hist_fd);
		print_start(start_fd);
	} else
		print_counts(counts_fd);
	fflush(stdout);
	return 0;
}
