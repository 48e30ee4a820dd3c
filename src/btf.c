/* btf.c - kernel BTF lookups through libbpf, see btf.h. */
#include "btf.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

	st->btf_id = id;
	st->align = 8;
	st->name = fth_arena_printf(arena, "%s %s", btf_is_union(t) ? "union" : "struct",
				    name && *name ? name : "(anon)");
	return st;
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
		return fth_type_int((int)t->size, false);
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
							       !strcmp(btf__name_by_offset(b->btf, et->name_off), "char")))
			return fth_type_string(arena, arr->nelems ? arr->nelems : 1);
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
