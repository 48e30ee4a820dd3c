/* types.c - type constructors and descriptions, see types.h. */
#include "types.h"

#include <string.h>

static struct fth_type int_types[2][4] = {
	{ { .kind = FTH_T_INT, .size = 1, .align = 1 },
	  { .kind = FTH_T_INT, .size = 2, .align = 2 },
	  { .kind = FTH_T_INT, .size = 4, .align = 4 },
	  { .kind = FTH_T_INT, .size = 8, .align = 8 } },
	{ { .kind = FTH_T_INT, .size = 1, .align = 1, .is_signed = true },
	  { .kind = FTH_T_INT, .size = 2, .align = 2, .is_signed = true },
	  { .kind = FTH_T_INT, .size = 4, .align = 4, .is_signed = true },
	  { .kind = FTH_T_INT, .size = 8, .align = 8, .is_signed = true } },
};
static struct fth_type bool_type = { .kind = FTH_T_BOOL, .size = 1, .align = 1 };
static struct fth_type none_type = { .kind = FTH_T_NONE };
static struct fth_type float_types[3] = {
	{ .kind = FTH_T_FLOAT, .size = 4, .align = 4, .name = "float" },
	{ .kind = FTH_T_FLOAT, .size = 8, .align = 8, .name = "double" },
	{ .kind = FTH_T_FLOAT, .size = 16, .align = 16, .name = "long double" },
};

struct fth_type *fth_type_int(int size, bool is_signed)
{
	int idx = size <= 1 ? 0 : size == 2 ? 1 : size <= 4 ? 2 : 3;

	return &int_types[is_signed ? 1 : 0][idx];
}

struct fth_type *fth_type_c_integer(const char *name)
{
	static const struct {
		const char *name;
		unsigned char size;
		bool is_signed;
	} spellings[] = {
		{ "char", 1, true },
		{ "signed char", 1, true },
		{ "unsigned char", 1, false },
		{ "u8", 1, false },
		{ "__u8", 1, false },
		{ "s8", 1, true },
		{ "__s8", 1, true },
		{ "short", 2, true },
		{ "short int", 2, true },
		{ "unsigned short", 2, false },
		{ "unsigned short int", 2, false },
		{ "u16", 2, false },
		{ "__u16", 2, false },
		{ "s16", 2, true },
		{ "__s16", 2, true },
		{ "__be16", 2, false },
		{ "__le16", 2, false },
		{ "int", 4, true },
		{ "signed", 4, true },
		{ "signed int", 4, true },
		{ "unsigned", 4, false },
		{ "unsigned int", 4, false },
		{ "u32", 4, false },
		{ "__u32", 4, false },
		{ "s32", 4, true },
		{ "__s32", 4, true },
		{ "__be32", 4, false },
		{ "__le32", 4, false },
		{ "pid_t", 4, true },
		{ "long", 8, true },
		{ "long int", 8, true },
		{ "unsigned long", 8, false },
		{ "unsigned long int", 8, false },
		{ "long long", 8, true },
		{ "long long int", 8, true },
		{ "unsigned long long", 8, false },
		{ "unsigned long long int", 8, false },
		{ "u64", 8, false },
		{ "__u64", 8, false },
		{ "s64", 8, true },
		{ "__s64", 8, true },
		{ "__be64", 8, false },
		{ "__le64", 8, false },
	};

	while (!strncmp(name, "const ", 6) || !strncmp(name, "volatile ", 9))
		name += name[0] == 'c' ? 6 : 9;
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++)
		if (!strcmp(spellings[i].name, name))
			return fth_type_int(spellings[i].size, spellings[i].is_signed);
	return NULL;
}

struct fth_type *fth_type_bool(void)
{
	return &bool_type;
}

struct fth_type *fth_type_none(void)
{
	return &none_type;
}

struct fth_type *fth_type_float(int size)
{
	return &float_types[size <= 4 ? 0 : size <= 8 ? 1 : 2];
}

struct fth_type *fth_type_new(struct fth_arena *arena, enum fth_type_kind kind, uint32_t size)
{
	struct fth_type *t = fth_arena_alloc(arena, sizeof(*t));

	t->kind = kind;
	t->size = size;
	t->align = size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
	return t;
}

struct fth_type *fth_type_string(struct fth_arena *arena, uint32_t size)
{
	struct fth_type *t = fth_type_new(arena, FTH_T_STRING, size);

	t->align = 1;
	return t;
}

struct fth_type *fth_type_pointer(struct fth_arena *arena, struct fth_type *elem)
{
	struct fth_type *t = fth_type_new(arena, FTH_T_POINTER, 8);

	t->elem = elem;
	return t;
}

struct fth_type *fth_type_enum64(struct fth_arena *arena, const struct fth_enum *e)
{
	struct fth_type *t = fth_arena_alloc(arena, sizeof(*t));

	*t = *fth_type_int(8, true);
	t->name = e->name;
	t->enum_def = e;
	return t;
}

struct fth_type *fth_type_int_slot(struct fth_arena *arena, const struct fth_type *t)
{
	if (!t->enum_def)
		return fth_type_int(8, t->is_signed);
	return t->size == 8 ? (struct fth_type *)t : fth_type_enum64(arena, t->enum_def);
}

struct fth_type *fth_type_array(struct fth_arena *arena, struct fth_type *elem, uint32_t count)
{
	struct fth_type *t = fth_type_new(arena, FTH_T_ARRAY, elem->size * count);

	t->elem = elem;
	t->count = count;
	t->align = elem->align ? elem->align : 1;
	return t;
}

struct fth_type *fth_type_tuple(struct fth_arena *arena, struct fth_type **elems, int n)
{
	struct fth_type *t = fth_type_new(arena, FTH_T_TUPLE, 0);
	uint32_t offset = 0, max_align = 1;

	t->fields = fth_arena_alloc(arena, sizeof(struct fth_field) * (size_t)(n ? n : 1));
	t->nfields = n;
	for (int i = 0; i < n; i++) {
		uint32_t align = elems[i]->align ? elems[i]->align : 1;
		offset = (offset + align - 1) / align * align;
		t->fields[i].type = elems[i];
		t->fields[i].offset = offset;
		offset += elems[i]->size;
		if (align > max_align)
			max_align = align;
	}
	t->align = max_align;
	t->size = (offset + max_align - 1) / max_align * max_align;
	return t;
}

struct fth_type *fth_type_agg(struct fth_arena *arena, enum fth_agg_kind agg)
{
	struct fth_type *t = fth_type_new(arena, FTH_T_AGG, fth_agg_value_size(agg));

	t->agg = agg;
	return t;
}

uint32_t fth_agg_value_size(enum fth_agg_kind agg)
{
	switch (agg) {
	case FTH_AGG_MIN:
	case FTH_AGG_MAX:
		return sizeof(struct fth_agg_minmax);
	case FTH_AGG_AVG:
	case FTH_AGG_STATS:
		return sizeof(struct fth_agg_avg);
	case FTH_AGG_TSERIES:
		return sizeof(struct fth_agg_tseries);
	default:
		return 8;
	}
}

bool fth_type_is_integer(const struct fth_type *t)
{
	return t && (t->kind == FTH_T_INT || t->kind == FTH_T_BOOL);
}

bool fth_type_prints_as_text(const struct fth_type *t)
{
	switch (t->kind) {
	case FTH_T_KSTACK:
	case FTH_T_USTACK:
	case FTH_T_KSYM:
	case FTH_T_USYM:
	case FTH_T_USERNAME:
	case FTH_T_TIMESTAMP:
	case FTH_T_INET:
	case FTH_T_MACADDR:
	case FTH_T_PROBE:
	case FTH_T_ERRNO:
	case FTH_T_SYSCALL:
	case FTH_T_CGROUP_PATH:
		return true;
	default:
		return false;
	}
}

bool fth_type_equal(const struct fth_type *a, const struct fth_type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind || a->size != b->size)
		return false;
	switch (a->kind) {
	case FTH_T_INT:
		return a->is_signed == b->is_signed;
	case FTH_T_POINTER:
	case FTH_T_ARRAY:
		return a->count == b->count && fth_type_equal(a->elem, b->elem);
	case FTH_T_TUPLE:
		if (a->nfields != b->nfields)
			return false;
		for (int i = 0; i < a->nfields; i++) {
			const char *na = a->fields[i].name, *nb = b->fields[i].name;
			if (!fth_type_equal(a->fields[i].type, b->fields[i].type))
				return false;
			/* records: the names are part of the type */
			if ((na == NULL) != (nb == NULL) || (na && strcmp(na, nb)))
				return false;
		}
		return true;
	case FTH_T_STRUCT:
		if (a->name || b->name)
			return a->name && b->name && strcmp(a->name, b->name) == 0;
		/* records have no name: the same fields make the same type */
		if (a->nfields != b->nfields)
			return false;
		for (int i = 0; i < a->nfields; i++)
			if (a->fields[i].offset != b->fields[i].offset || !a->fields[i].name || !b->fields[i].name ||
			    strcmp(a->fields[i].name, b->fields[i].name) ||
			    !fth_type_equal(a->fields[i].type, b->fields[i].type))
				return false;
		return true;
	case FTH_T_AGG:
		return a->agg == b->agg;
	case FTH_T_USTACK:
		/* their ids point into different tables */
		return a->stack_dwarf == b->stack_dwarf;
	default:
		return true;
	}
}

static const char *const stack_mode_names[FTH_STACK_MODES] = { "bpftrace", "perf", "raw", "build_id" };

const char *fth_stack_mode_name(enum fth_stack_mode mode)
{
	return stack_mode_names[mode];
}

int fth_stack_mode_by_name(const char *name)
{
	for (int i = 0; i < FTH_STACK_MODES; i++)
		if (!strcmp(stack_mode_names[i], name))
			return i;
	return -1;
}

const char *fth_agg_name(enum fth_agg_kind agg)
{
	static const char *const names[] = {
		[FTH_AGG_NONE] = "none", [FTH_AGG_COUNT] = "count", [FTH_AGG_SUM] = "sum",
		[FTH_AGG_MIN] = "min",   [FTH_AGG_MAX] = "max",     [FTH_AGG_AVG] = "avg",
		[FTH_AGG_STATS] = "stats", [FTH_AGG_HIST] = "hist", [FTH_AGG_LHIST] = "lhist",
		[FTH_AGG_TSERIES] = "tseries",
	};
	return names[agg];
}

/* "int8 *" for "int8", and "int8 **" (not "int8 * *") for "int8 *", as
 * C and bpftrace write a pointer to a pointer. */
static const char *pointer_to(struct fth_arena *arena, const char *pointee)
{
	size_t n = strlen(pointee);

	return fth_arena_printf(arena, n && pointee[n - 1] == '*' ? "%s*" : "%s *", pointee);
}

const char *fth_type_describe(struct fth_arena *arena, const struct fth_type *t)
{
	if (!t)
		return "none";
	switch (t->kind) {
	case FTH_T_NONE:
		return "none";
	case FTH_T_INT:
		return fth_arena_printf(arena, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
	case FTH_T_BOOL:
		return "bool";
	case FTH_T_STRING:
		return fth_arena_printf(arena, "string[%u]", t->size);
	case FTH_T_BUFFER:
		return fth_arena_printf(arena, "buffer[%u]", t->size - 4);
	case FTH_T_POINTER: /* no pointee: void *, e.g. &@map; a name: a tracepoint's void * */
		if (t->name)
			return t->name;
		return pointer_to(arena, t->elem ? fth_type_describe(arena, t->elem) : "void");
	case FTH_T_ARRAY:
		return fth_arena_printf(arena, "%s[%u]", fth_type_describe(arena, t->elem), t->count);
	case FTH_T_STRUCT:
		return t->name ? t->name : "struct";
	case FTH_T_TUPLE: {
		const char *s = "(";
		for (int i = 0; i < t->nfields; i++)
			s = fth_arena_printf(arena, "%s%s%s%s%s", s, i ? ", " : "",
					     t->fields[i].name ? t->fields[i].name : "", t->fields[i].name ? "=" : "",
					     fth_type_describe(arena, t->fields[i].type));
		return fth_arena_printf(arena, "%s)", s);
	}
	case FTH_T_KSTACK:
		return "kstack_t";
	case FTH_T_USTACK:
		return "ustack_t";
	case FTH_T_KSYM:
		return "ksym_t";
	case FTH_T_USYM:
		return "usym_t";
	case FTH_T_USERNAME:
		return "username_t";
	case FTH_T_TIMESTAMP:
		return "timestamp";
	case FTH_T_INET:
		return "inet";
	case FTH_T_PROBE:
		return "probe_t";
	case FTH_T_ERRNO:
		return "strerror_t";
	case FTH_T_SYSCALL:
		return "syscall_name_t";
	case FTH_T_CGROUP_PATH:
		return "cgroup_path_t";
	case FTH_T_MACADDR:
		return "macaddr_t";
	case FTH_T_AGG:
		return fth_arena_printf(arena, "%s_t", fth_agg_name(t->agg));
	case FTH_T_FLOAT:
		return t->name;
	}
	return "?";
}

bool fth_type_has_addr_space(const struct fth_type *t)
{
	return t && (t->kind == FTH_T_POINTER || t->addr_space_set);
}

/* A tuple with named elements is a record: (name = "x", size = 2). */
static bool is_record(const struct fth_type *t)
{
	return t->kind == FTH_T_TUPLE && t->nfields > 0 && t->fields[0].name;
}

const char *fth_type_base_name(const struct fth_type *t)
{
	static const char *const agg_names[] = {
		[FTH_AGG_NONE] = "none",    [FTH_AGG_COUNT] = "count_t", [FTH_AGG_SUM] = "sum_t",
		[FTH_AGG_MIN] = "min_t",    [FTH_AGG_MAX] = "max_t",     [FTH_AGG_AVG] = "avg_t",
		[FTH_AGG_STATS] = "stats_t", [FTH_AGG_HIST] = "hist_t",  [FTH_AGG_LHIST] = "lhist_t",
		[FTH_AGG_TSERIES] = "tseries_t",
	};

	if (!t)
		return "none";
	switch (t->kind) {
	case FTH_T_INT:
		return "int";
	case FTH_T_BOOL:
		return "bool";
	/* bpftrace has no types of their own for these: they are strings */
	case FTH_T_STRING:
	case FTH_T_PROBE:
	case FTH_T_ERRNO:
	case FTH_T_SYSCALL:
		return "string";
	case FTH_T_BUFFER:
		return "buffer";
	case FTH_T_POINTER:
		return "pointer";
	case FTH_T_ARRAY:
		return "array";
	case FTH_T_STRUCT:
		return "c_struct";
	case FTH_T_TUPLE:
		return is_record(t) ? "record" : "tuple";
	case FTH_T_KSTACK:
		return "kstack";
	case FTH_T_USTACK:
		return "ustack";
	case FTH_T_KSYM:
		return "ksym_t";
	case FTH_T_USYM:
		return "usym_t";
	case FTH_T_USERNAME:
		return "username";
	case FTH_T_TIMESTAMP:
		return "timestamp";
	case FTH_T_INET:
		return "inet";
	case FTH_T_CGROUP_PATH:
		return "cgroup_path_t";
	case FTH_T_MACADDR:
		return "mac_address";
	case FTH_T_AGG:
		return agg_names[t->agg];
	case FTH_T_NONE:
	case FTH_T_FLOAT:
		break;
	}
	return "none";
}

/* Elements of a tuple or record, bpftrace's way: "int64,string[4]" for a
 * tuple, ".a = int64, .b = string[4]" for a record. */
static const char *elements_full_name(struct fth_arena *arena, const struct fth_type *t)
{
	const char *s = "";

	for (int i = 0; i < t->nfields; i++) {
		const char *elem = fth_type_full_name(arena, t->fields[i].type);
		if (is_record(t))
			s = fth_arena_printf(arena, "%s%s.%s = %s", s, i ? ", " : "", t->fields[i].name, elem);
		else
			s = fth_arena_printf(arena, "%s%s%s", s, i ? "," : "", elem);
	}
	return s;
}

const char *fth_type_full_name(struct fth_arena *arena, const struct fth_type *t)
{
	if (!t)
		return "none";
	switch (t->kind) {
	case FTH_T_INT:
		if (t->enum_def && t->name)
			return t->name; /* "enum NAME" */
		return fth_arena_printf(arena, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
	case FTH_T_STRING:
	case FTH_T_BUFFER: /* its size counts the length word, as bpftrace's does */
	case FTH_T_INET:
		return fth_arena_printf(arena, "%s[%u]", fth_type_base_name(t), t->size);
	case FTH_T_POINTER:
		if (t->name)
			return t->name;
		return pointer_to(arena, t->elem ? fth_type_full_name(arena, t->elem) : "void");
	case FTH_T_ARRAY:
		return fth_arena_printf(arena, "%s[%u]", fth_type_full_name(arena, t->elem), t->count);
	case FTH_T_STRUCT:
		return t->name ? t->name : "struct {}";
	case FTH_T_TUPLE:
		if (is_record(t))
			return fth_arena_printf(arena, "record { %s }", elements_full_name(arena, t));
		return fth_arena_printf(arena, "(%s)", elements_full_name(arena, t));
	case FTH_T_KSTACK:
	case FTH_T_USTACK:
		return fth_arena_printf(arena, "stack_%s_%d", fth_stack_mode_name(t->stack_mode), t->stack_limit);
	default:
		/* aggregations too: fathom keeps no sign for sum/min/max/avg/
		 * stats, which bpftrace spells usum_t when unsigned */
		return fth_type_base_name(t);
	}
}
