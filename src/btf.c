/* btf.c - kernel BTF lookups through libbpf, see btf.h. */
#include "btf.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracefs.h"
#include "vec.h"

struct fth_btf {
	struct btf *btf;
};

int fth_btf_load(struct fth_btf **out)
{
	struct fth_btf *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->btf = btf__load_vmlinux_btf();
	if (!b->btf) {
		int err = -errno;
		free(b);
		return err ? err : -ENOENT;
	}
	*out = b;
	return 0;
}

void fth_btf_free(struct fth_btf *btf)
{
	if (!btf)
		return;
	btf__free(btf->btf);
	free(btf);
}

/* Skip typedefs and qualifiers. */
static uint32_t skip_mods(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) ||
		     btf_is_type_tag(t) || btf_is_decl_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

static struct fth_type *convert(struct fth_btf *b, struct fth_arena *arena, uint32_t id, int depth);

static struct fth_type *struct_type(struct fth_btf *b, struct fth_arena *arena, uint32_t id,
				    const struct btf_type *t)
{
	struct fth_type *st = fth_type_new(arena, FTH_T_STRUCT, t->size);
	const char *name = btf__name_by_offset(b->btf, t->name_off);

	int align = btf__align_of(b->btf, id);

	st->btf_id = id;
	st->align = align > 0 ? (uint32_t)align : 8;
	st->name = fth_arena_printf(arena, "%s %s", btf_is_union(t) ? "union" : "struct",
				    name && *name ? name : "(anon)");
	return st;
}

/* A kernel enum: an integer of its BTF size whose values print as its
 * enumerators, as a script's own enum does. Signed when BTF says so (the
 * kind flag of ENUM/ENUM64). */
static struct fth_type *enum_type(struct fth_btf *b, struct fth_arena *arena, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(b->btf, t->name_off);
	int n = btf_vlen(t);
	struct fth_enum *def = fth_arena_alloc(arena, sizeof(*def));
	struct fth_type *et = fth_arena_alloc(arena, sizeof(*et));

	*et = *fth_type_int((int)t->size, btf_kflag(t));
	def->name = name && *name ? fth_arena_printf(arena, "enum %s", name) : NULL;
	def->count = n;
	def->names = fth_arena_alloc(arena, sizeof(*def->names) * (size_t)(n ? n : 1));
	def->values = fth_arena_alloc(arena, sizeof(*def->values) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;
			def->names[i] = btf__name_by_offset(b->btf, e->name_off);
			def->values[i] = btf_kflag(t) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;
			def->names[i] = btf__name_by_offset(b->btf, e->name_off);
			def->values[i] = (int64_t)btf_enum64_value(e);
		}
	}
	et->name = def->name ? def->name : "enum (anon)";
	et->enum_def = def;
	return et;
}

static struct fth_type *convert(struct fth_btf *b, struct fth_arena *arena, uint32_t id, int depth)
{
	const struct btf_type *t;

	id = skip_mods(b->btf, id);
	t = btf__type_by_id(b->btf, id);
	if (!t || id == 0 || depth > 8)
		return NULL;
	if (btf_is_int(t)) {
		if (btf_int_encoding(t) & BTF_INT_BOOL)
			return fth_type_bool();
		return fth_type_int((int)t->size, (btf_int_encoding(t) & BTF_INT_SIGNED) != 0);
	}
	if (btf_is_enum(t) || btf_is_enum64(t))
		return enum_type(b, arena, t);
	if (btf_is_float(t))
		return fth_type_float((int)t->size);
	if (btf_is_ptr(t)) {
		uint32_t target = skip_mods(b->btf, t->type);
		const struct btf_type *tt = btf__type_by_id(b->btf, target);
		struct fth_type *elem = NULL;
		if (tt && btf_is_composite(tt))
			elem = struct_type(b, arena, target, tt);
		else if (tt && btf_is_int(tt))
			elem = convert(b, arena, target, depth + 1);
		else if (tt && btf_is_ptr(tt))
			elem = convert(b, arena, target, depth + 1);
		return fth_type_pointer(arena, elem ? elem : fth_type_int(1, false));
	}
	if (btf_is_array(t)) {
		const struct btf_array *arr = btf_array(t);
		uint32_t elem_id = skip_mods(b->btf, arr->type);
		const struct btf_type *et = btf__type_by_id(b->btf, elem_id);
		struct fth_type *elem;
		/* char[N] reads as a string, as in bpftrace. */
		if (et && btf_is_int(et) && et->size == 1 && (btf_int_encoding(et) & BTF_INT_CHAR ||
							       !strcmp(btf__name_by_offset(b->btf, et->name_off), "char"))) {
			struct fth_type *str = fth_type_string(arena, arr->nelems ? arr->nelems : 1);
			str->char_array = true;
			return str;
		}
		elem = convert(b, arena, elem_id, depth + 1);
		if (!elem || !arr->nelems)
			return NULL;
		return fth_type_array(arena, elem, arr->nelems);
	}
	if (btf_is_composite(t))
		return struct_type(b, arena, id, t);
	return NULL;
}

struct fth_type *fth_btf_type_by_name(struct fth_btf *b, struct fth_arena *arena, const char *name)
{
	int kind = BTF_KIND_TYPEDEF;
	int id;

	if (!strncmp(name, "struct ", 7)) {
		kind = BTF_KIND_STRUCT;
		name += 7;
	} else if (!strncmp(name, "union ", 6)) {
		kind = BTF_KIND_UNION;
		name += 6;
	} else if (!strncmp(name, "enum ", 5)) {
		kind = BTF_KIND_ENUM;
		name += 5;
	}
	id = btf__find_by_name_kind(b->btf, name, kind);
	if (id < 0 && kind == BTF_KIND_TYPEDEF)
		id = btf__find_by_name_kind(b->btf, name, BTF_KIND_INT);
	if (id < 0 && kind == BTF_KIND_ENUM)
		id = btf__find_by_name_kind(b->btf, name, BTF_KIND_ENUM64);
	if (id < 0)
		return NULL;
	return convert(b, arena, (uint32_t)id, 0);
}

/* Depth-first search of `name` among the members of struct id, descending
 * into anonymous struct/union members. */
static bool find_member(const struct btf *btf, uint32_t id, const char *name, uint32_t base_bits,
			uint32_t *type_id, uint32_t *bit_offset, uint32_t *bit_size)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));
	const struct btf_member *m;

	if (!t || !btf_is_composite(t))
		return false;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		uint32_t off = base_bits + btf_member_bit_offset(t, (uint32_t)i);
		if (mname && *mname) {
			if (!strcmp(mname, name)) {
				*type_id = m->type;
				*bit_offset = off;
				*bit_size = btf_member_bitfield_size(t, (uint32_t)i);
				return true;
			}
		} else if (find_member(btf, m->type, name, off, type_id, bit_offset, bit_size)) {
			return true;
		}
	}
	return false;
}

struct fth_type *fth_btf_member(struct fth_btf *b, struct fth_arena *arena, const struct fth_type *t,
				const char *name, uint32_t *offset, uint32_t *bit_offset, uint32_t *bit_size)
{
	uint32_t type_id, bits, size;
	struct fth_type *mt;

	if (!t || t->kind != FTH_T_STRUCT || !t->btf_id)
		return NULL;
	if (!find_member(b->btf, t->btf_id, name, 0, &type_id, &bits, &size))
		return NULL;
	mt = convert(b, arena, type_id, 0);
	if (!mt)
		return NULL;
	if (size) {
		/* Bitfield: read the naturally aligned unit that holds it. */
		uint32_t unit = mt->size ? mt->size : 4;
		*offset = bits / 8 / unit * unit;
		*bit_offset = bits - *offset * 8;
		*bit_size = size;
	} else {
		*offset = bits / 8;
		*bit_offset = 0;
		*bit_size = 0;
	}
	return mt;
}

/* Growable field list while a BTF struct is flattened. */
struct field_list {
	struct fth_field *items;
	int n, cap;
};

static int field_list_add(struct field_list *l, const struct fth_field *f)
{
	struct fth_field *items = fth_vec_grow(l->items, l->n, &l->cap, sizeof(*items), 16);

	if (!items)
		return -ENOMEM;
	l->items = items;
	l->items[l->n++] = *f;
	return 0;
}

/* The members of composite `id` at base_bits, anonymous members' own
 * members in their place (as they are named in C). Members fathom has no
 * type for (function prototypes) are left out; floats print as null. */
static int flatten_struct_members(struct fth_btf *b, struct fth_arena *arena, uint32_t id, uint32_t base_bits,
			   struct field_list *out, int depth)
{
	const struct btf_type *t = btf__type_by_id(b->btf, skip_mods(b->btf, id));
	const struct btf_member *m;
	int err = 0;

	if (!t || !btf_is_composite(t) || depth > 8)
		return 0;
	m = btf_members(t);
	for (int i = 0; !err && i < btf_vlen(t); i++, m++) {
		const char *mname = btf__name_by_offset(b->btf, m->name_off);
		uint32_t bits = base_bits + btf_member_bit_offset(t, (uint32_t)i);
		uint32_t bit_size = btf_member_bitfield_size(t, (uint32_t)i);
		struct fth_field f = { 0 };

		if (!mname || !*mname) {
			err = flatten_struct_members(b, arena, m->type, bits, out, depth + 1);
			continue;
		}
		f.type = convert(b, arena, m->type, 0);
		if (!f.type)
			continue;
		f.name = mname;
		if (bit_size) {
			uint32_t unit = f.type->size ? f.type->size : 4;
			f.offset = bits / 8 / unit * unit;
			f.bit_offset = bits - f.offset * 8;
			f.bit_size = bit_size;
		} else {
			f.offset = bits / 8;
		}
		err = field_list_add(out, &f);
	}
	return err;
}

int fth_btf_struct_fields(struct fth_btf *b, struct fth_arena *arena, struct fth_type *t)
{
	struct field_list l = { 0 };
	int err;

	if (!t || t->kind != FTH_T_STRUCT || !t->btf_id)
		return -EINVAL;
	if (t->fields)
		return 0;
	err = flatten_struct_members(b, arena, t->btf_id, 0, &l, 0);
	if (!err) {
		t->fields = fth_arena_alloc(arena, sizeof(*t->fields) * (size_t)(l.n ? l.n : 1));
		if (l.n)
			memcpy(t->fields, l.items, sizeof(*t->fields) * (size_t)l.n);
		t->nfields = l.n;
	}
	free(l.items);
	return err;
}

static int collect_names(const struct btf *btf, uint32_t id, const char **names, int n, int max)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));
	const struct btf_member *m;

	if (!t || !btf_is_composite(t))
		return n;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t) && n < max; i++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		if (mname && *mname)
			names[n++] = mname;
		else
			n = collect_names(btf, m->type, names, n, max);
	}
	return n;
}

int fth_btf_member_names(struct fth_btf *b, const struct fth_type *t, const char **names, int max)
{
	if (!t || t->kind != FTH_T_STRUCT || !t->btf_id)
		return 0;
	return collect_names(b->btf, t->btf_id, names, 0, max);
}

bool fth_btf_enum_value(struct fth_btf *b, const char *name, int64_t *value)
{
	uint32_t n = btf__type_cnt(b->btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				if (!strcmp(btf__name_by_offset(b->btf, e->name_off), name)) {
					*value = e->val;
					return true;
				}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);
			for (int i = 0; i < btf_vlen(t); i++, e++)
				if (!strcmp(btf__name_by_offset(b->btf, e->name_off), name)) {
					*value = (int64_t)btf_enum64_value(e);
					return true;
				}
		}
	}
	return false;
}

struct fth_type *fth_btf_enumerator(struct fth_btf *b, struct fth_arena *arena, const char *name, int64_t *value)
{
	uint32_t n = btf__type_cnt(b->btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		if (!btf_is_enum(t) && !btf_is_enum64(t))
			continue;
		for (int i = 0; i < btf_vlen(t); i++) {
			uint32_t name_off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
			if (!strcmp(btf__name_by_offset(b->btf, name_off), name)) {
				struct fth_type *et = enum_type(b, arena, t);
				*value = et->enum_def->values[i];
				return et;
			}
		}
	}
	return NULL;
}

/* ------------------------------------------ probes with BTF-typed contexts */

int fth_btf_load_module(struct fth_btf *vmlinux, const char *module, struct fth_btf **out)
{
	struct fth_btf *b;
	char path[512];

	if (!module[0] || strchr(module, '/') || !strcmp(module, ".") || !strcmp(module, ".."))
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->btf = btf__parse_split(path, vmlinux->btf);
	if (!b->btf) {
		int err = -errno;
		free(b);
		return err ? err : -ENOENT;
	}
	*out = b;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A growable malloc'ed list of malloc'ed strings. */
struct name_list {
	char **items;
	int n, cap;
};

static int name_list_add(struct name_list *l, const char *s, size_t len)
{
	char *copy;

	char **items = fth_vec_grow(l->items, l->n, &l->cap, sizeof(*items), 64);

	if (!items)
		return -ENOMEM;
	l->items = items;
	copy = strndup(s, len);
	if (!copy)
		return -ENOMEM;
	l->items[l->n++] = copy;
	return 0;
}

static int name_list_finish(struct name_list *l, int err, char ***out)
{
	if (err) {
		for (int i = 0; i < l->n; i++)
			free(l->items[i]);
		free(l->items);
		*out = NULL;
		return err;
	}
	if (l->n > 1)
		qsort(l->items, (size_t)l->n, sizeof(char *), cmp_str);
	*out = l->items;
	return l->n;
}

int fth_btf_module_names(char ***out)
{
	struct name_list l = { 0 };
	DIR *d = opendir("/sys/kernel/btf");
	struct dirent *de;
	int err = 0;

	if (!d) {
		*out = NULL;
		return -errno;
	}
	while (!err && (de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "vmlinux"))
			err = name_list_add(&l, de->d_name, strlen(de->d_name));
	closedir(d);
	return name_list_finish(&l, err, out);
}

/* First type id that belongs to this BTF rather than to its base. */
static uint32_t own_start_id(const struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);

	return base ? btf__type_cnt(base) : 1;
}

static int find_own(const struct btf *btf, const char *name, int kind)
{
	int id = btf__find_by_name_kind(btf, name, kind);

	return id > 0 && (uint32_t)id >= own_start_id(btf) ? id : -ENOENT;
}

#define RAW_TP_PREFIX "btf_trace_"

int fth_btf_raw_tracepoints(struct fth_btf *b, char ***out)
{
	struct name_list l = { 0 };
	uint32_t n = btf__type_cnt(b->btf);
	size_t plen = strlen(RAW_TP_PREFIX);
	int err = 0;

	for (uint32_t id = own_start_id(b->btf); !err && id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		const char *name;
		if (!btf_is_typedef(t))
			continue;
		name = btf__name_by_offset(b->btf, t->name_off);
		if (name && !strncmp(name, RAW_TP_PREFIX, plen) && name[plen])
			err = name_list_add(&l, name + plen, strlen(name + plen));
	}
	return name_list_finish(&l, err, out);
}

/* Appending to a fixed buffer; truncation is harmless (display only). */
struct sbuf {
	char *buf;
	size_t len, cap;
};

static void sb_put(struct sbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (sb->len + 1 >= sb->cap)
		return;
	if (n > sb->cap - sb->len - 1)
		n = sb->cap - sb->len - 1;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

/* The C spelling of a type the way bpftrace's listing prints it:
 * "struct task_struct *", "const char *", "unsigned int", "u64 [4]". */
static void type_spelling(const struct btf *btf, uint32_t id, struct sbuf *sb, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	char num[32];

	if (depth > 16) {
		sb_put(sb, "...");
		return;
	}
	if (!t || id == 0) {
		sb_put(sb, "void");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	if (!name || !*name)
		name = "(anon)";
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPEDEF:
		sb_put(sb, name);
		break;
	case BTF_KIND_STRUCT:
		sb_put(sb, "struct ");
		sb_put(sb, name);
		break;
	case BTF_KIND_UNION:
		sb_put(sb, "union ");
		sb_put(sb, name);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		sb_put(sb, "enum ");
		sb_put(sb, name);
		break;
	case BTF_KIND_FWD:
		sb_put(sb, btf_kflag(t) ? "union " : "struct ");
		sb_put(sb, name);
		break;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: {
		const char *q = btf_is_const(t) ? "const" : btf_is_volatile(t) ? "volatile" : "restrict";
		const struct btf_type *tt = btf__type_by_id(btf, t->type);
		if (tt && btf_is_ptr(tt)) {
			/* char * const */
			type_spelling(btf, t->type, sb, depth + 1);
			sb_put(sb, " ");
			sb_put(sb, q);
		} else {
			sb_put(sb, q);
			sb_put(sb, " ");
			type_spelling(btf, t->type, sb, depth + 1);
		}
		break;
	}
	case BTF_KIND_TYPE_TAG: /* __user, __rcu ... */
		type_spelling(btf, t->type, sb, depth + 1);
		break;
	case BTF_KIND_PTR: {
		const struct btf_type *tt = btf__type_by_id(btf, t->type);
		if (tt && btf_is_func_proto(tt)) {
			const struct btf_param *p = btf_params(tt);
			type_spelling(btf, tt->type, sb, depth + 1);
			sb_put(sb, " (*)(");
			for (int i = 0; i < btf_vlen(tt); i++, p++) {
				if (i)
					sb_put(sb, ", ");
				if (p->type == 0)
					sb_put(sb, "...");
				else
					type_spelling(btf, p->type, sb, depth + 1);
			}
			sb_put(sb, ")");
			break;
		}
		type_spelling(btf, t->type, sb, depth + 1);
		sb_put(sb, sb->len && sb->buf[sb->len - 1] == '*' ? "*" : " *");
		break;
	}
	case BTF_KIND_ARRAY:
		type_spelling(btf, btf_array(t)->type, sb, depth + 1);
		snprintf(num, sizeof(num), "[%u]", btf_array(t)->nelems);
		sb_put(sb, num);
		break;
	default:
		sb_put(sb, name);
		break;
	}
}

static const char *spell(const struct btf *btf, struct fth_arena *arena, uint32_t id)
{
	char buf[512] = "";
	struct sbuf sb = { buf, 0, sizeof(buf) };

	type_spelling(btf, id, &sb, 0);
	return fth_arena_strdup(arena, buf);
}

/* The fathom type of a context argument: integers and pointers only, since
 * the context holds each one in a u64 slot. NULL means "read as u64". */
static struct fth_type *slot_type(struct fth_btf *b, struct fth_arena *arena, uint32_t id)
{
	struct fth_type *t = convert(b, arena, id, 0);

	if (t && t->kind != FTH_T_INT && t->kind != FTH_T_BOOL && t->kind != FTH_T_POINTER)
		return NULL;
	return t;
}

/* The FUNC_PROTO behind a raw tracepoint's btf_trace_ typedef. */
static const struct btf_type *raw_tp_proto(const struct btf *btf, uint32_t typedef_id)
{
	const struct btf_type *t = btf__type_by_id(btf, typedef_id);

	if (!t || !btf_is_typedef(t))
		return NULL;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return NULL;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) ? t : NULL;
}

/* Parameter names of a function with the same parameters as a raw
 * tracepoint: the typedef's own prototype has none, but every tracepoint
 * has a __probestub_<event> (and TRACE_EVENTs a __bpf_trace_<event>). */
static const struct btf_type *named_proto(const struct btf *btf, const char *event, int vlen)
{
	static const char *const prefixes[] = { "__probestub_", "__bpf_trace_" };
	char name[512];

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		int id;
		const struct btf_type *f, *proto;
		snprintf(name, sizeof(name), "%s%s", prefixes[i], event);
		id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
		if (id <= 0)
			continue;
		f = btf__type_by_id(btf, (uint32_t)id);
		proto = btf__type_by_id(btf, f->type);
		if (proto && btf_is_func_proto(proto) && btf_vlen(proto) == vlen)
			return proto;
	}
	return NULL;
}

int fth_btf_raw_tp_args(struct fth_btf *b, struct fth_arena *arena, const char *event,
			struct fth_btf_arg **args, uint32_t *attach_btf_id)
{
	char name[512];
	const struct btf_type *proto, *named;
	const struct btf_param *p, *np;
	struct fth_btf_arg *out;
	int id, vlen;

	snprintf(name, sizeof(name), RAW_TP_PREFIX "%s", event);
	id = find_own(b->btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ENOENT;
	proto = raw_tp_proto(b->btf, (uint32_t)id);
	if (!proto || btf_vlen(proto) < 1)
		return -ENOENT;
	vlen = btf_vlen(proto);
	named = named_proto(b->btf, event, vlen);
	out = fth_arena_alloc(arena, sizeof(*out) * (size_t)vlen);
	p = btf_params(proto) + 1;
	np = named ? btf_params(named) + 1 : NULL;
	/* Parameter 0 is the tracepoint's `void *__data`: not an argument. */
	for (int i = 0; i < vlen - 1; i++, p++) {
		const char *pname = np ? btf__name_by_offset(b->btf, np[i].name_off) : NULL;
		out[i].name = pname && *pname ? fth_arena_strdup(arena, pname) : fth_arena_printf(arena, "arg%d", i);
		out[i].type_name = spell(b->btf, arena, p->type);
		out[i].type = slot_type(b, arena, p->type);
		out[i].offset = 8 * (uint32_t)i;
	}
	*args = out;
	*attach_btf_id = (uint32_t)id;
	return vlen - 1;
}

#define ITER_FUNC_PREFIX "bpf_iter_"
#define ITER_CTX_PREFIX "bpf_iter__"

int fth_btf_iterators(struct fth_btf *b, char ***out)
{
	struct name_list l = { 0 };
	uint32_t n = btf__type_cnt(b->btf);
	size_t plen = strlen(ITER_CTX_PREFIX);
	int err = 0;

	for (uint32_t id = own_start_id(b->btf); !err && id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		const char *name;
		char func[512];
		if (!btf_is_struct(t))
			continue;
		name = btf__name_by_offset(b->btf, t->name_off);
		if (!name || strncmp(name, ITER_CTX_PREFIX, plen) || !name[plen])
			continue;
		snprintf(func, sizeof(func), ITER_FUNC_PREFIX "%s", name + plen);
		if (btf__find_by_name_kind(b->btf, func, BTF_KIND_FUNC) > 0)
			err = name_list_add(&l, name + plen, strlen(name + plen));
	}
	return name_list_finish(&l, err, out);
}

/* Named members of struct id, anonymous struct/union members flattened. */
static int flatten_members(struct fth_btf *b, struct fth_arena *arena, uint32_t id, uint32_t base_bits,
			   struct fth_btf_arg *out, int n, int max)
{
	const struct btf_type *t = btf__type_by_id(b->btf, skip_mods(b->btf, id));
	const struct btf_member *m;

	if (!t || !btf_is_composite(t))
		return n;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t) && n < max; i++, m++) {
		const char *mname = btf__name_by_offset(b->btf, m->name_off);
		uint32_t bits = base_bits + btf_member_bit_offset(t, (uint32_t)i);
		if (!mname || !*mname) {
			n = flatten_members(b, arena, m->type, bits, out, n, max);
			continue;
		}
		out[n].name = fth_arena_strdup(arena, mname);
		out[n].type_name = spell(b->btf, arena, m->type);
		out[n].type = slot_type(b, arena, m->type);
		out[n].offset = bits / 8;
		n++;
	}
	return n;
}

int fth_btf_iter_ctx(struct fth_btf *b, struct fth_arena *arena, const char *name,
		     struct fth_btf_arg **fields, uint32_t *attach_btf_id)
{
	char buf[512];
	int func_id, ctx_id, n;
	struct fth_btf_arg *out;

	snprintf(buf, sizeof(buf), ITER_FUNC_PREFIX "%s", name);
	func_id = btf__find_by_name_kind(b->btf, buf, BTF_KIND_FUNC);
	snprintf(buf, sizeof(buf), ITER_CTX_PREFIX "%s", name);
	ctx_id = btf__find_by_name_kind(b->btf, buf, BTF_KIND_STRUCT);
	if (func_id <= 0 || ctx_id <= 0)
		return -ENOENT;
	out = fth_arena_alloc(arena, sizeof(*out) * 32);
	n = flatten_members(b, arena, (uint32_t)ctx_id, 0, out, 0, 32);
	*fields = out;
	*attach_btf_id = (uint32_t)func_id;
	return n;
}

/* ------------------------------------------------- kernel functions (fentry) */

int fth_btf_funcs(struct fth_btf *b, char ***out)
{
	struct name_list l = { 0 };
	uint32_t n = btf__type_cnt(b->btf);
	int err = 0;

	for (uint32_t id = own_start_id(b->btf); !err && id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		const char *name;
		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(b->btf, t->name_off);
		if (name && *name)
			err = name_list_add(&l, name, strlen(name));
	}
	return name_list_finish(&l, err, out);
}

int fth_btf_func_args(struct fth_btf *b, struct fth_arena *arena, const char *func, struct fth_btf_arg **args,
		      uint32_t *func_btf_id, const char **ret_type_name)
{
	const struct btf_type *f, *proto;
	const struct btf_param *p;
	struct fth_btf_arg *out;
	int id = find_own(b->btf, func, BTF_KIND_FUNC), vlen;

	if (id < 0)
		return -ENOENT;
	f = btf__type_by_id(b->btf, (uint32_t)id);
	proto = btf__type_by_id(b->btf, f->type);
	if (!proto || !btf_is_func_proto(proto))
		return -ENOENT;
	vlen = btf_vlen(proto);
	p = btf_params(proto);
	/* A trailing "..." (type 0) is not an argument. */
	if (vlen > 0 && p[vlen - 1].type == 0)
		vlen--;
	out = fth_arena_alloc(arena, sizeof(*out) * (size_t)(vlen > 0 ? vlen : 1));
	for (int i = 0; i < vlen; i++, p++) {
		const char *pname = btf__name_by_offset(b->btf, p->name_off);
		out[i].name = pname && *pname ? fth_arena_strdup(arena, pname) : fth_arena_printf(arena, "arg%d", i);
		out[i].type_name = spell(b->btf, arena, p->type);
		out[i].type = slot_type(b, arena, p->type);
		out[i].offset = 8 * (uint32_t)i;
	}
	if (ret_type_name)
		*ret_type_name = spell(b->btf, arena, proto->type);
	*args = out;
	*func_btf_id = (uint32_t)id;
	return vlen;
}

/* The BTF object fd of a kernel module (for attach_btf_obj_fd). Opened once
 * per process and kept: it only pins the module's BTF. */
int fth_btf_module_obj_fd(const char *module)
{
	static struct {
		char name[64];
		int fd;
	} cache[16];
	static int ncache;
	uint32_t id = 0;

	for (int i = 0; i < ncache; i++)
		if (!strcmp(cache[i].name, module))
			return cache[i].fd;
	while (bpf_btf_get_next_id(id, &id) == 0) {
		struct bpf_btf_info info;
		uint32_t len = sizeof(info);
		char name[64] = "";
		int fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = (uint64_t)(uintptr_t)name;
		info.name_len = sizeof(name);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.kernel_btf && !strcmp(name, module)) {
			if (ncache < 16) {
				snprintf(cache[ncache].name, sizeof(cache[ncache].name), "%s", module);
				cache[ncache++].fd = fd;
			}
			return fd;
		}
		close(fd);
	}
	return -ENOENT;
}

/* ------------------------------------------------ -l 'struct ...' listing */

static bool is_listed_kind(const struct btf_type *t)
{
	return btf_is_struct(t) || btf_is_union(t) || btf_is_enum(t) || btf_is_enum64(t);
}

static const char *kind_keyword(const struct btf_type *t)
{
	return btf_is_struct(t) ? "struct" : btf_is_union(t) ? "union" : "enum";
}

static void dump_to_stream(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* The C definition of type id as libbpf's btf_dump writes it, without the
 * types it depends on: from "struct NAME {" to the closing "};". */
static int print_definition(const struct btf *btf, uint32_t id, const char *full_name, FILE *out)
{
	char *text = NULL, *start, *end;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct btf_dump *dump;
	char head[300];
	int err;

	if (!mem)
		return -errno;
	dump = btf_dump__new(btf, dump_to_stream, mem, NULL);
	if (!dump) {
		err = -errno;
		fclose(mem);
		free(text);
		return err;
	}
	err = btf_dump__dump_type(dump, id);
	btf_dump__free(dump);
	fclose(mem);
	snprintf(head, sizeof(head), "%s {", full_name);
	/* Its own definition starts a line (dependencies come before it). */
	for (start = text; !err && start && (start = strstr(start, head)); start++)
		if (start == text || start[-1] == '\n')
			break;
	if (!err && start) {
		end = strstr(start, "\n};");
		fprintf(out, "%.*s\n", end ? (int)(end - start) + 3 : (int)strlen(start), start);
	}
	free(text);
	return err;
}

int fth_btf_list_types(const char *pattern, bool verbose, FILE *out)
{
	struct fth_btf *b;
	struct name_list names = { 0 };
	uint32_t n;
	int err, count;

	err = fth_btf_load(&b);
	if (err)
		return err;
	n = btf__type_cnt(b->btf);
	for (uint32_t id = 1; !err && id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		const char *name = btf__name_by_offset(b->btf, t->name_off);
		char full[300];
		if (!is_listed_kind(t) || !name || !*name)
			continue;
		snprintf(full, sizeof(full), "%s %s", kind_keyword(t), name);
		if (fth_glob_match(pattern, full))
			err = name_list_add(&names, full, strlen(full));
	}
	count = name_list_finish(&names, err, &names.items);
	for (int i = 0; count > 0 && i < count; i++) {
		/* BTF may hold the same name twice; list it once */
		if (i && !strcmp(names.items[i], names.items[i - 1]))
			continue;
		if (verbose) {
			const char *space = strchr(names.items[i], ' ');
			int kind = !strncmp(names.items[i], "struct", 6) ? BTF_KIND_STRUCT
				   : !strncmp(names.items[i], "union", 5) ? BTF_KIND_UNION : BTF_KIND_ENUM;
			int id = btf__find_by_name_kind(b->btf, space + 1, kind);
			if (id < 0 && kind == BTF_KIND_ENUM)
				id = btf__find_by_name_kind(b->btf, space + 1, BTF_KIND_ENUM64);
			if (id > 0)
				print_definition(b->btf, (uint32_t)id, names.items[i], out);
		} else {
			fprintf(out, "%s\n", names.items[i]);
		}
	}
	for (int i = 0; i < count; i++)
		free(names.items[i]);
	if (count > 0)
		free(names.items);
	fth_btf_free(b);
	return count < 0 ? count : 0;
}

int fth_btf_func_id(struct fth_btf *b, const char *name)
{
	int id = btf__find_by_name_kind(b->btf, name, BTF_KIND_FUNC);

	return id > 0 ? id : -ENOENT;
}

int fth_btf_var_id(struct fth_btf *b, const char *name)
{
	int id = btf__find_by_name_kind(b->btf, name, BTF_KIND_VAR);

	return id > 0 ? id : -ENOENT;
}
