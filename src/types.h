/* types.h - the types of bpftrace values, as semantic analysis assigns them
 * and as the runtime decodes them from bytes the BPF programs send.
 *
 * A value's in-memory layout (what BPF writes into a map key, a map value or
 * a ring-buffer record, and what userspace reads back) is fully described by
 * its fth_type: size, alignment, and for tuples the offset of each element.
 * Both code generation and output formatting use these layouts, so they can
 * never disagree. */
#ifndef FATHOM_TYPES_H
#define FATHOM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

enum fth_type_kind {
	FTH_T_NONE,      /* statement / no value */
	FTH_T_INT,       /* size 1/2/4/8, signed or not */
	FTH_T_BOOL,      /* 1 byte, prints true/false */
	FTH_T_STRING,    /* fixed-size, NUL-padded char array */
	FTH_T_BUFFER,    /* buf(): u32 length + bytes; size = 4 + capacity */
	FTH_T_POINTER,   /* 8 bytes; elem = pointee */
	FTH_T_ARRAY,     /* elem[count] */
	FTH_T_STRUCT,    /* C struct/union from BTF or the script: btf_id or fields */
	FTH_T_TUPLE,     /* fields with offsets */
	FTH_T_KSTACK,    /* 8-byte stack id (stack map) plus mode/limit */
	FTH_T_USTACK,    /* 8-byte stack id + 8-byte pid */
	FTH_T_KSYM,      /* 8-byte kernel address, symbolized when printed */
	FTH_T_USYM,      /* 8-byte address + 8-byte pid */
	FTH_T_USERNAME,  /* 8-byte uid, resolved via /etc/passwd when printed */
	FTH_T_TIMESTAMP, /* strftime(): 8-byte ns + format id */
	FTH_T_INET,      /* ntop(): 4-byte af + 16 bytes address */
	FTH_T_PROBE,     /* probe builtin: 8-byte probe index, printed as its name */
	FTH_T_ERRNO,     /* strerror(): 8-byte errno */
	FTH_T_SYSCALL,   /* syscall_name(): 8-byte syscall number, printed as its name */
	FTH_T_CGROUP_PATH, /* cgroup_path(): 8-byte cgroup id, printed as "unified:/path" */
	FTH_T_MACADDR,   /* macaddr(): the 6 address bytes, printed AA:BB:CC:DD:EE:FF */
	FTH_T_AGG,       /* map value of an aggregation function */
	/* A C float, double or long double (a member in the script's C
	 * definitions or in BTF): its bytes are part of the struct that
	 * holds it, but fathom has no floating-point values. Printed as
	 * null, as bpftrace prints its none type. */
	FTH_T_FLOAT,
};

enum fth_agg_kind {
	FTH_AGG_NONE,
	FTH_AGG_COUNT,
	FTH_AGG_SUM,
	FTH_AGG_MIN,
	FTH_AGG_MAX,
	FTH_AGG_AVG,
	FTH_AGG_STATS,
	FTH_AGG_HIST,
	FTH_AGG_LHIST,
	FTH_AGG_TSERIES,
};

/* tseries(n, interval, count [, "avg"|"max"|"min"|"sum"]): how the values
 * of one interval combine; NONE keeps the last one. */
enum fth_tseries_agg { FTH_TS_LAST, FTH_TS_AVG, FTH_TS_MAX, FTH_TS_MIN, FTH_TS_SUM };

/* build_id: user frames as (ELF build id, file offset), which stay valid
 * after the process is gone, for symbolizing elsewhere. */
enum fth_stack_mode { FTH_STACK_BPFTRACE, FTH_STACK_PERF, FTH_STACK_RAW, FTH_STACK_BUILD_ID, FTH_STACK_MODES };

struct fth_type;

/* An enum written in the script (enum NAME { A = 1, B }): values of its
 * type print as the enumerator's name in text output. */
struct fth_enum {
	const char *name;    /* "enum NAME", NULL when anonymous */
	int count;
	const char **names;
	int64_t *values;
};

struct fth_field {
	const char *name;   /* NULL for tuple elements */
	struct fth_type *type;
	uint32_t offset;    /* bytes from the start of the containing value */
	uint32_t bit_offset; /* bitfields: bit offset within the storage unit */
	uint32_t bit_size;   /* 0 when not a bitfield */
};

struct fth_type {
	enum fth_type_kind kind;
	uint32_t size;       /* bytes */
	uint32_t align;      /* bytes */
	bool is_signed;      /* FTH_T_INT */
	struct fth_type *elem; /* pointer target / array element */
	uint32_t count;      /* array element count */
	const char *name;    /* "struct task_struct", typedef name, "void *" of a pointer read as bytes, or NULL */
	uint32_t btf_id;     /* kernel BTF type id of a struct/union/pointee, 0 if none */
	bool user_space;     /* pointer into user memory (uprobe args) */
	/* An integer marked by uptr()/kptr(): user_space then says where a
	 * later cast to a pointer, str() or buf() reads from. */
	bool addr_space_set;
	/* A pointer cast from a plain number in a probe that has no address
	 * space of its own (BEGIN/END, interval, profile, software, hardware,
	 * watchpoints): bpftrace reads through it with the legacy
	 * bpf_probe_read, which picks user or kernel memory by the address. */
	bool addr_space_unset;
	/* FTH_T_STRING of a char[N] member: its N bytes may all be
	 * characters (no NUL), which is the whole string, not one cut short
	 * by the read limit: printed without the ".." trailer (bpftrace). */
	bool char_array;
	/* A map's own address (&@m) or a cast of it: the kernel's map
	 * pointer, which the verifier lets no arithmetic touch while the
	 * program holds it (a copy stored in a map is a plain number). */
	bool map_ref;
	struct fth_field *fields; /* tuple and struct members */
	int nfields;
	/* FTH_T_AGG */
	enum fth_agg_kind agg;
	int64_t lhist_min, lhist_max, lhist_step;
	int hist_bits;       /* hist(n, k): k */
	/* tseries: interval length (ns), how many intervals are kept, how
	 * values of one interval combine, and whether the values are signed */
	int64_t ts_interval, ts_count;
	enum fth_tseries_agg ts_agg;
	bool ts_signed;
	/* FTH_T_KSTACK / FTH_T_USTACK */
	enum fth_stack_mode stack_mode;
	int stack_limit;
	/* FTH_T_USTACK of dw_ustack: the id is a capture id whose frames the
	 * runtime unwound from DWARF (stacks.h's fth_dwstacks), not a stack
	 * map key */
	bool stack_dwarf;
	/* FTH_T_INT of a script enum, or NULL */
	const struct fth_enum *enum_def;
};

/* Shared singletons for the common scalar types. */
struct fth_type *fth_type_int(int size, bool is_signed);
struct fth_type *fth_type_bool(void);
struct fth_type *fth_type_none(void);
/* float (4), double (8), long double (16 bytes): shared singletons. */
struct fth_type *fth_type_float(int size);
/* The integer type a C spelling or fixed-width kernel name stands for
 * ("unsigned long", "const int", "__u16", "__be32", "pid_t"): the shared
 * singleton, or NULL for a name this table does not know (another
 * typedef, which only BTF can resolve). */
struct fth_type *fth_type_c_integer(const char *name);

struct fth_type *fth_type_new(struct fth_arena *arena, enum fth_type_kind kind, uint32_t size);
struct fth_type *fth_type_string(struct fth_arena *arena, uint32_t size);
struct fth_type *fth_type_pointer(struct fth_arena *arena, struct fth_type *elem);
/* The int64 type whose values print as enumerators of e: an enum value
 * once loaded (bpftrace widens enums to 64 bits). */
struct fth_type *fth_type_enum64(struct fth_arena *arena, const struct fth_enum *e);
/* An integer as a variable, map value or event argument holds it: in 64
 * bits, keeping its sign, and an enum (a 4-byte kernel enum field too)
 * keeping its enumerators. t must be an FTH_T_INT. */
struct fth_type *fth_type_int_slot(struct fth_arena *arena, const struct fth_type *t);
struct fth_type *fth_type_array(struct fth_arena *arena, struct fth_type *elem, uint32_t count);
/* Builds the tuple layout: each element aligned to its own alignment, total
 * size rounded up to the largest alignment, padding zeroed by codegen so that
 * tuples compare and hash as bytes. */
struct fth_type *fth_type_tuple(struct fth_arena *arena, struct fth_type **elems, int n);
struct fth_type *fth_type_agg(struct fth_arena *arena, enum fth_agg_kind agg);

bool fth_type_equal(const struct fth_type *a, const struct fth_type *b);
bool fth_type_is_integer(const struct fth_type *t); /* int or bool */
/* A value held as a number or bytes (stack id, address, uid, errno ...)
 * that the runtime prints as text: stacks, symbols, usernames, strftime
 * timestamps, ntop/macaddr addresses, probe and syscall names, errnos,
 * cgroup paths. printf's %s takes them, as strings. */
bool fth_type_prints_as_text(const struct fth_type *t);
/* Does t (a pointer, or an integer passed through uptr()/kptr()) carry its
 * own address space?  If not, the probe's decides. */
bool fth_type_has_addr_space(const struct fth_type *t);
/* "uint64", "string[16]", "(int64, string[16])", "struct task_struct *", "count_t" ... */
const char *fth_type_describe(struct fth_arena *arena, const struct fth_type *t);
const char *fth_agg_name(enum fth_agg_kind agg); /* "count", "hist", ... */
/* typeinfo()'s names of a type, as bpftrace spells its types: the kind
 * ("int", "string", "pointer", "c_struct", "tuple", "record", "count_t"
 * ...) and the whole type ("uint64", "string[6]", "struct task_struct *",
 * "(int64,string[4])", "record { .a = int64 }", "enum E"). */
const char *fth_type_base_name(const struct fth_type *t);
const char *fth_type_full_name(struct fth_arena *arena, const struct fth_type *t);
/* "bpftrace", "perf", "raw", "build_id"; the mode of a name, or -1. */
const char *fth_stack_mode_name(enum fth_stack_mode mode);
int fth_stack_mode_by_name(const char *name);

/* Per-CPU value layout of aggregation maps (summed over CPUs when read).
 *   COUNT, SUM:        int64 value
 *   MIN, MAX:          int64 value, uint64 set-flag (the first value is always taken)
 *   AVG, STATS:        int64 count, int64 total
 *   HIST, LHIST:       the map key gets an extra uint64 bucket index;
 *                      the value is an int64 count
 *   TSERIES:           the map key gets an extra uint64 bucket (the
 *                      interval number modulo the count kept); the value
 *                      is struct fth_agg_tseries */
struct fth_agg_minmax {
	int64_t value;
	uint64_t set;
};
struct fth_agg_avg {
	int64_t count;
	int64_t total;
};
/* One bucket of a time series: the interval (epoch = time / interval) it
 * last held, its value, and `meta`: the time of the last write (keeps the
 * latest of several CPUs' values), the number of values (avg) or a set
 * flag (min, max). */
struct fth_agg_tseries {
	int64_t value;
	int64_t meta;
	uint64_t epoch;
};
uint32_t fth_agg_value_size(enum fth_agg_kind agg);

#endif
