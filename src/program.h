/* program.h - a compiled fathom program: what semantic analysis decides and
 * code generation fills in, handed as one unit to the loader and runtime.
 *
 *   maps     every @map (and fathom's internal maps), with key/value layouts
 *   actions  every asynchronous operation (printf, print, clear, exit, ...);
 *            a ring-buffer record starts with the action's index and the
 *            runtime looks the rest up here
 *   progs    one BPF program per expanded attach point, with its instructions */
#ifndef FATHOM_PROGRAM_H
#define FATHOM_PROGRAM_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "bpfinsn.h"
#include "diag.h"
#include "format.h"
#include "types.h"

struct fth_provider;
struct fth_tp_format;
struct fth_btf;
struct fth_cdefs;

struct fth_map {
	const char *name;            /* "@name", "@", or "fth_events" for internal maps */
	int index;
	struct fth_type *key_type;   /* user-visible key; NULL for a scalar map */
	struct fth_type *value_type; /* FTH_T_AGG for aggregations */
	uint32_t key_size;           /* BPF key: user key (or 8 zero bytes) [+ u64 bucket] */
	uint32_t value_size;
	enum bpf_map_type bpf_type;
	uint32_t max_entries;
	bool internal;               /* not printed at exit */
	bool used_as_agg;
	bool keyed_by_task;          /* written with a bare tid/pid key somewhere */
	bool deleted;                /* delete() or clear() appears for it */
	bool lru;                    /* declared lruhash(N) / percpulruhash(N): evicts when full */
	bool mmapable;               /* BPF_F_MMAPABLE array: user space reads it without syscalls */
	bool key_pending;            /* used with keys whose type is not known yet (@a[@b] before @b = 1) */
	/* A stack map (kstack/ustack): frames keyed by their hash, allocated
	 * per stack; stack_limit frames each, struct bpf_stack_build_id
	 * frames for build_id stacks. 0 for other maps. */
	int stack_limit;
	bool stack_build_id;
	struct fth_range task_key_use;
	struct fth_range first_use;
	/* A read-only array (one element): the loader writes this value and
	 * freezes the map before any program loads, so the verifier can
	 * trust its bytes (bpf_seq_printf formats). NULL for other maps. */
	const void *frozen_value;
	int fd;                      /* set by the loader, -1 before */
};

enum fth_action_kind {
	FTH_ACT_PRINTF,
	FTH_ACT_PRINT_MAP,   /* print(@m [, top [, div]]) */
	FTH_ACT_PRINT_VALUE, /* print(expr) */
	FTH_ACT_CLEAR,
	FTH_ACT_ZERO,
	FTH_ACT_EXIT,
	FTH_ACT_TIME,        /* time([fmt]) */
	FTH_ACT_JOIN,        /* join(argv [, sep]): text = separator, args = FTH_JOIN_ARGS strings */
	FTH_ACT_SYSTEM,      /* system(fmt, ...): format and args as printf; needs --unsafe */
	FTH_ACT_CAT,         /* cat(fmt, ...): print a file */
	FTH_ACT_HELPER_ERROR, /* -k: a helper failed; text = its name, args = (int64 retcode) */
	FTH_ACT_ERRORF,      /* errorf(fmt, ...): format and args as printf, shown at the call */
	FTH_ACT_WARNF,       /* warnf(fmt, ...): the same as a warning */
	FTH_ACT_RUNTIME_ERROR, /* a run-time check failed at the range; text = the message */
	/* watchpoint:FUNC+argN: FUNC was called; the record holds the
	 * watchpoint's program index and the address to watch (u64 each) */
	FTH_ACT_WATCHPOINT_ARM,
	FTH_ACT_UNWATCH,     /* unwatch(addr): args = (int64 addr) */
	/* skboutput(path, skb, len, offset): never in the ring buffer; a
	 * record of the perf buffer fth_skb (struct fth_skb_meta, then the
	 * packet) starts with this action's index. text = the pcap file,
	 * skb_offset = leading bytes of each packet left out of it. */
	FTH_ACT_SKBOUTPUT,
	/* dw_ustack: a user stack to unwind; the record is struct
	 * fth_dw_capture_record */
	FTH_ACT_DW_CAPTURE,
};

/* What dw_ustack sends (after the action id): the capture id its value
 * holds, the thread, the user registers as pt_regs, and a copy of the
 * stack from sp up: the rest of sp's page and up to FTH_DW_STACK_PAGES
 * more pages, as far as they can be read. */
#define FTH_DW_STACK_PAGES 3
#define FTH_DW_STACK_MAX ((FTH_DW_STACK_PAGES + 1) * 4096)
/* A uretprobe replaces its function's return address on the stack by the
 * kernel's trampoline; the kernel keeps the original (task->utask->
 * return_instances: where on the stack, and what). The innermost of them
 * come along so that a stack unwinds through functions with a uretprobe
 * pending. */
#define FTH_DW_URETPROBES 8
struct fth_dw_capture_record {
	uint64_t id;
	uint64_t limit;          /* frames wanted: stacks agree as far as that */
	uint64_t pid_tgid;       /* bpf_get_current_pid_tgid() */
	uint64_t pt_regs[21];    /* FTH_PT_REGS_WORDS */
	uint64_t uret[FTH_DW_URETPROBES][2]; /* (stack address, return address); 0 ends */
	uint64_t stack_len;
	uint8_t stack[FTH_DW_STACK_MAX];
};

#define FTH_JOIN_ARGS 16

/* Slots of the per-CPU fth_lost array: events the ring buffer had no room
 * for, map updates refused because the map was full, and exit(): set to
 * (1 << 32 | code) so the run still ends when exit()'s own record is lost. */
enum { FTH_LOST_EVENTS = 0, FTH_LOST_MAP_FULL = 1, FTH_LOST_EXIT = 2, FTH_LOST_SLOTS = 3 };

struct fth_action {
	enum fth_action_kind kind;
	struct fth_printf_format format; /* FTH_ACT_PRINTF, SYSTEM, CAT */
	struct fth_type *args;           /* tuple laid out after the 8-byte action id */
	int map;                         /* map index for map actions */
	int top, div;
	bool ts_range;                   /* print(@tseries, min, max) */
	int64_t ts_min, ts_max;
	const char *text;                /* time() format, skboutput() path */
	uint32_t skb_offset;             /* skboutput() */
	struct fth_range range;
	const struct fth_expansion *expanded; /* the macro calls range's code came from, or NULL */
};

/* What skboutput()'s program writes before the packet in its perf-buffer
 * record (bpf_skb_output copies the packet after it). */
struct fth_skb_meta {
	uint64_t action;   /* the FTH_ACT_SKBOUTPUT action's index */
	uint64_t boot_ns;  /* bpf_ktime_get_boot_ns() at the call */
	uint64_t len;      /* the length asked for */
	uint64_t caplen;   /* what was captured: len, at most FTH_SKB_CAPTURE_MAX */
};

/* A perf record (8-byte header, u32 size, the meta and the packet, padded
 * to 8 bytes) must stay within its u16 size, and pcap's snaplen is 65535:
 * longer packets are captured up to this length. */
#define FTH_SKB_CAPTURE_MAX (65528 - 8 - 4 - (int)sizeof(struct fth_skb_meta))

/* Where one USDT argument lives, from the probe's note ("-4@%edi",
 * "8@-16(%rbp)", "4@$5"). */
struct fth_usdt_arg {
	enum { FTH_USDT_CONST, FTH_USDT_REG, FTH_USDT_DEREF } kind;
	int size;                 /* bytes: 1, 2, 4 or 8 */
	bool is_signed;
	int reg_off;              /* REG, DEREF: offset of the register in struct pt_regs */
	int64_t value;            /* CONST: the value; DEREF: the displacement */
};

/* One attach point after wildcard expansion. */
struct fth_probe_inst {
	const struct fth_provider *provider;
	const char *name;         /* canonical full name, the `probe` builtin */
	const char *target;       /* tracepoint category, ... */
	const char *func;         /* tracepoint event name, ... */
	uint64_t period;          /* profile/interval/software: sample period */
	uint64_t freq;            /* profile/interval hz: sample frequency */
	struct fth_tp_format *tp; /* tracepoint record layout */
	/* Providers whose context is an array of u64 arguments (raw
	 * tracepoints, fentry/fexit, iterators) describe them here: `args.NAME`
	 * reads field i at its offset (8 * i) in the context, typed by BTF. */
	struct fth_field *args;
	int nargs;
	bool dwarf_tried;         /* uprobe: args were looked up in DWARF */
	bool argn_from_ctx;       /* arg0..argN read the context as u64[] */
	/* BPF_PROG_TYPE_TRACING programs (rawtracepoint, iter): what the
	 * loader passes in bpf_prog_load_opts. 0 for every other probe. */
	enum bpf_attach_type expected_attach_type; /* BPF_TRACE_RAW_TP, BPF_TRACE_ITER */
	uint32_t attach_btf_id;   /* btf_trace_<event> typedef / bpf_iter_<name> func */
	/* iter:NAME:PIN: where the runtime pins the iterator's link (an
	 * absolute path, /sys/fs/bpf/PIN for a relative PIN); its printf
	 * writes into the seq_file that reading the pin returns. */
	const char *pin_path;
	int attach_btf_obj_fd;    /* BTF object of a kernel module, 0 for vmlinux */
	/* watchpoint/asyncwatchpoint: PERF_TYPE_BREAKPOINT parameters */
	uint64_t bp_addr;
	uint32_t bp_len;          /* 1, 2, 4 or 8 */
	uint32_t bp_type;         /* HW_BREAKPOINT_R | _W | _X */
	/* watchpoint:FUNC+argN:LEN:MODE: the address is argument wp_arg
	 * of FUNC in the traced process, known only when FUNC is called.
	 * The watchpoint (wp_func) is attached by the runtime then, for
	 * each new address; a uprobe on FUNC (wp_setup_for = the
	 * watchpoint) sends it there. */
	bool wp_func;
	int wp_arg;
	struct fth_probe_inst *wp_setup_for;
	/* Process that watchpoint and hardware probes are opened for (-p);
	 * 0: every process, one perf event per online CPU. */
	int target_pid;
	/* kprobe, kretprobe, uprobe, uretprobe, usdt: the context is struct
	 * pt_regs. arg0..arg5 read di si dx cx r8 r9, retval reads ax (when
	 * has_retval), reg("name") any register; usdt_args, when set, say
	 * where each USDT argument lives instead. */
	bool regs_ctx;
	bool has_retval;
	/* fentry/fexit: the function returns void, so fexit's args has no
	 * $retval member (bpftrace's args there holds the parameters and,
	 * last, the return value). */
	bool returns_void;
	bool user_space;          /* pointers in arguments are user memory (uprobe, usdt) */
	bool has_func;            /* the `func` builtin: the traced function's name */
	const char *func_name;    /* its value when known at compile time */
	struct fth_usdt_arg *usdt_args;
	int nusdt_args;
	const char *binary;       /* uprobe/usdt: absolute path of the traced ELF file */
	const char *entry_symbol; /* uprobe at a function's entry: its ELF symbol, else NULL */
	uint64_t entry_addr;      /* and the symbol's value: which of the static functions of that name */
	uint64_t offset;          /* uprobe/usdt: file offset of the probe point */
	uint64_t semaphore;       /* usdt: file offset of the semaphore, 0 if none */
	/* uprobe/uretprobe: the instances of one wildcard share one program
	 * and one uprobe_multi link when the kernel has them. Each points at
	 * the first of them (the leader), which is the only one loaded and
	 * attaches all; their code reads `probe` and `func` through the
	 * link's cookie (the instance's index in fth_program.progs) instead
	 * of constants. NULL: a program and a link of its own. */
	struct fth_probe_inst *multi_leader;
	struct fth_node *attach;  /* FTH_ATTACH_POINT it came from */
};

/* Strings hold max_strlen bytes, NUL included: 1024 as in current bpftrace.
 * Larger ones live in the per-CPU scratch area (codegen.c), whose 16-bit
 * instruction offsets bound a single string. */
#define FTH_DEFAULT_MAX_STRLEN 1024
#define FTH_MAX_STRLEN_LIMIT 16384

/* Functions of one BPF program: the probe and its loop callbacks. */
#define FTH_MAX_FUNCS 16
/* signal_name() returns a string[64], as bpftrace's; its table holds
 * signals 0..64 and, last, the text of every other number. */
#define FTH_SIGNAL_NAME_SIZE 64
#define FTH_SIGNAL_NAMES 66

/* A scratch variable $x of one program. */
struct fth_var {
	const char *name;         /* "$x" */
	struct fth_type *type;
	int int_width;            /* widest integer type assigned (bytes), for bswap */
	int literal_width;        /* the same with literals at their smallest type, for sizeof/typeof */
	int stack_off;            /* frame offset (negative), set by codegen */
	bool declared;            /* introduced by let (else by an assignment) */
	/* assigned ctx or a pointer (set by codegen): may hold an address the
	 * verifier tracks, on which it refuses arithmetic */
	bool holds_pointer;
};

struct fth_prog {
	struct fth_node *probe;   /* FTH_PROBE */
	struct fth_ptrvec vars;   /* struct fth_var *, filled by sema */
	struct fth_probe_inst *inst;
	enum bpf_prog_type prog_type;
	char bpf_name[16];        /* "fth_<n>_<hint>", BPF_OBJ_NAME_LEN */
	struct fth_insn_buf code;
	/* Instruction index where each function of `code` starts: [0] is the
	 * probe's own (0), the rest are callbacks (for ($kv : @map) bodies)
	 * laid out after it. The loader describes them with BTF func_info. */
	int func_starts[FTH_MAX_FUNCS];
	int nfuncs;
	int fd;                   /* set by the loader */
	int probe_index;          /* index into fth_program.probe_names */
	struct fth_node *args_record; /* `args` as a whole: (name = args.name, ...), by sema */
};

/* bpftrace settings fathom accepts without acting on them (fathom.c's
 * table): the `config` builtin still shows their values. */
#define FTH_CONFIG_PASSIVE 8
struct fth_config_passive {
	const char *name;
	char kind;          /* 'i' integer, 'b' bool, 's' string */
	const char *dflt;   /* bpftrace's default, as written in a config block */
};
extern const struct fth_config_passive fth_config_passive[FTH_CONFIG_PASSIVE];

struct fth_config {
	uint32_t max_strlen;      /* str() capacity, FTH_DEFAULT_MAX_STRLEN */
	uint32_t max_map_keys;    /* default 4096 */
	uint32_t max_cat_bytes;   /* cat() prints at most this much, default 10240 */
	uint32_t log_size;        /* bytes of verifier log kept per program, default 1000000 */
	const char *license;      /* the programs' license (GPL-compatible), default "GPL" */
	uint32_t ringbuf_size;    /* bytes, power of two */
	int64_t start_boot_ns;    /* CLOCK_BOOTTIME at start, for `elapsed` */
	int ncpus;                /* possible CPUs, the `ncpus` builtin */
	/* -p PID or the -c child: the process USDT probes and watchpoints
	 * attach to (and the one whose files name binaries) */
	int target_pid;
	/* -p PID only: the other per-process probes (uprobe, profile,
	 * software, hardware) attach to it, and every other probe but
	 * BEGIN/END, interval and iter sees only its events. -c filters
	 * nothing: bpftrace leaves that to the script (pid == cpid). */
	int filter_pid;
	int cpid;                 /* -c: the child's pid, the `cpid` builtin */
	/* The traced program: -c's command as written, or -p's
	 * /proc/PID/exe. NULL without either. */
	const char *target_binary;
	/* fathom's pid namespace (nsfs device and inode) when it is not the
	 * initial one: pid and tid are numbered as that namespace sees them,
	 * as in bpftrace; 0: the initial namespace, plain pids */
	uint64_t pidns_dev, pidns_ino;
	enum { FTH_MISSING_ERROR, FTH_MISSING_WARN, FTH_MISSING_IGNORE } missing_probes;
	bool print_maps_on_exit;  /* default true */
	bool unsafe;
	/* -d: nothing is loaded or attached, so probe types this kernel
	 * cannot load (kprobes without CONFIG_KPROBES, fentry under
	 * lockdown) are compiled as a kernel that has them would */
	bool compile_only;
	/* --probe-filter: an extended regular expression; only the probes
	 * whose full names it matches (anywhere) are kept, and those without
	 * an attach (begin, end, self, test, bench). NULL: all. */
	const char *probe_filter;
	bool no_uprobe_multi;     /* --no-feature uprobe_multi */
	bool no_kprobe_multi;     /* --no-feature kprobe_multi */
	int helper_warnings;      /* -k: 1, -kk: 2; 0 emits no error checks at all */
	enum fth_stack_mode stack_mode; /* kstack/ustack without a mode */
	const char *str_trunc_trailer;  /* marks strings cut at max_strlen, ".." */
	/* config unstable_tseries / unstable_map_decl / unstable_typeinfo /
	 * unstable_dw_ustack / unstable_addr: warn says once that tseries /
	 * let @m = hash(N) / typeinfo() / dw_ustack / the address-of operator
	 * is unstable, enable says nothing, error rejects it. The default is
	 * bpftrace's: warn, but error for typeinfo and enable for & (stable
	 * since bpftrace 0.26; an explicit warn or error is still obeyed, as
	 * the releases that had the setting did). */
	enum { FTH_UNSTABLE_WARN, FTH_UNSTABLE_ENABLE, FTH_UNSTABLE_ERROR } unstable_tseries, unstable_map_decl,
		unstable_typeinfo, unstable_dw_ustack, unstable_addr;
	/* --dwarf-pid PID (repeatable): processes whose modules dw_ustack
	 * reads at start, as those of -p and -c */
	int *dwarf_pids;
	int ndwarf_pids;
	/* values given for fth_config_passive[i], NULL: the default */
	const char *passive[FTH_CONFIG_PASSIVE];
};

struct fth_cmacros;

struct fth_program {
	struct fth_arena arena;
	const struct fth_source *src;
	struct fth_node *ast;
	struct fth_config config;
	struct fth_ptrvec maps;      /* struct fth_map * */
	struct fth_ptrvec actions;   /* struct fth_action * */
	struct fth_ptrvec progs;     /* struct fth_prog * (BEGIN/END included) */
	struct fth_ptrvec positional; /* const char * positional parameters $1.. */
	struct fth_ptrvec named;      /* const char * "--name=value" / "--flag" after the script */
	struct fth_ptrvec named_used; /* const char * names that getopt() asked for */
	struct fth_ptrvec getopt_help; /* const char * one line per getopt() option, for -- --help */
	struct fth_map **map_by_name; /* open-addressing index of user maps by name */
	int map_by_name_cap;          /* power of two, 0 before the first map */
	struct fth_btf *btf;         /* kernel types, loaded on first use */
	struct fth_cdefs *cdefs;     /* the script's C definitions, set by sema */
	struct fth_cmacros *cmacros; /* the #define macros of the script and its imports */
	int macro_serial;            /* numbers macro expansions (hygiene) */
	int btf_error;               /* negative errno once loading failed */
	int events_map;              /* ring buffer */
	int lost_map;                /* counters indexed by FTH_LOST_*, mmapped by the runtime */
	int stack_map;               /* kstack storage, -1 if unused */
	/* dw_ustack: a one-slot array whose u64 counts captures, giving each
	 * its id; -1 if unused */
	int dw_seq_map;
	/* and the BTF offsets of task_struct.utask, uprobe_task.
	 * return_instances, return_instance.stack, .orig_ret_vaddr and .next
	 * it reads pending uretprobes with; -1 when the kernel has none */
	int dw_uret_offsets[5];
	int scratch_map;             /* per-CPU scratch area, -1 if unused */
	uint32_t scratch_size;       /* bytes of it the largest program uses */
	/* `func` of multi-attached instances (fth_probe_inst.multi_leader):
	 * u32 program index -> its function name, -1 if unused */
	int func_names_map;
	/* signal_name(): u32 signal number (0..64, 65 for the others) -> its
	 * text, filled by the loader; -1 if unused */
	int signal_names_map;
	/* `probe` used as a string in programs shared by several instances:
	 * each instance's name at its cookie (prog index); -1: none */
	int probe_names_map;
	/* skboutput(): the perf event array bpf_skb_output writes to, one
	 * perf buffer per CPU; -1 if unused */
	int skb_map;
	/* uaddr() symbols resolved by sema: struct fth_user_symbol * */
	struct fth_ptrvec user_symbols;
};

/* A symbol of a user-space binary named in uaddr(). */
struct fth_user_symbol {
	const char *binary, *name;
	uint64_t addr, size;
	/* binary is a PIE or shared object: the probe finds the lowest
	 * mapping of the file with inode `inode` in the current process and
	 * adds its start minus first_page (the file's lowest loaded page) */
	bool relocate;
	uint64_t inode, first_page;
};

void fth_program_init(struct fth_program *prog, const struct fth_source *src);
void fth_program_free(struct fth_program *prog);
struct fth_map *fth_program_map(const struct fth_program *prog, int index);
struct fth_map *fth_program_find_map(const struct fth_program *prog, const char *name);
/* The stack map of stacks cut to `limit` frames (kstack(N)), build_id
 * frames or addresses, or NULL. One map per limit: only that many frames
 * are taken and hashed, so stacks that agree in them get one id and count
 * as one map key, as in bpftrace. */
struct fth_map *fth_program_stack_map(const struct fth_program *prog, int limit, bool build_id);
/* Append a map (its index is set here) and index it by name. */
void fth_program_add_map(struct fth_program *prog, struct fth_map *map);
/* A map of fathom's own (no script name, not printed), appended; the
 * caller sets whatever else it needs before the maps are created. */
struct fth_map *fth_program_add_internal_map(struct fth_program *prog, const char *name, enum bpf_map_type type,
					     uint32_t key_size, uint32_t value_size, uint32_t max_entries);
struct fth_action *fth_program_action(const struct fth_program *prog, int index);
struct fth_prog *fth_program_prog(const struct fth_program *prog, int index);
/* Kernel BTF, loaded on first call; NULL when the kernel has none. */
struct fth_btf *fth_program_btf(struct fth_program *prog);
bool fth_prog_is_special(const struct fth_prog *p, const char *which); /* "BEGIN" / "END" */

#endif
