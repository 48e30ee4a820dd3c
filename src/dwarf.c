/* dwarf.c - a function's parameters from DWARF (versions 2 to 5, 32-bit
 * format): the unit headers of .debug_info, each unit's abbreviations in
 * .debug_abbrev, and the strings of .debug_str, .debug_line_str and
 * .debug_str_offsets. Only what args.NAME needs is read: the function's
 * DW_TAG_formal_parameter children and the types they reach (base types,
 * pointers, structs and unions with their members, arrays, enums, and the
 * typedefs and qualifiers between them). Compressed sections are
 * decompressed by libelf. */
#include "dwarf.h"
#include "elfsym.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DW_TAG_*, DW_AT_*, DW_FORM_* and DW_ATE_* values used here (DWARF 5, 7.5) */
enum {
	TAG_array_type = 0x01, TAG_class_type = 0x02, TAG_enumeration_type = 0x04, TAG_formal_parameter = 0x05,
	TAG_member = 0x0d, TAG_pointer_type = 0x0f, TAG_reference_type = 0x10, TAG_compile_unit = 0x11,
	TAG_structure_type = 0x13, TAG_subroutine_type = 0x15, TAG_typedef = 0x16, TAG_union_type = 0x17,
	TAG_subrange_type = 0x21, TAG_base_type = 0x24, TAG_const_type = 0x26, TAG_subprogram = 0x2e,
	TAG_volatile_type = 0x35, TAG_restrict_type = 0x37, TAG_atomic_type = 0x47,
};
enum {
	AT_name = 0x03, AT_byte_size = 0x0b, AT_bit_size = 0x0d, AT_upper_bound = 0x2f, AT_count = 0x37,
	AT_data_member_location = 0x38, AT_declaration = 0x3c, AT_encoding = 0x3e, AT_type = 0x49,
	AT_data_bit_offset = 0x6b, AT_str_offsets_base = 0x72, AT_specification = 0x47, AT_linkage_name = 0x6e,
	AT_MIPS_linkage_name = 0x2007,
};
enum {
	FORM_addr = 0x01, FORM_block2 = 0x03, FORM_block4 = 0x04, FORM_data2 = 0x05, FORM_data4 = 0x06,
	FORM_data8 = 0x07, FORM_string = 0x08, FORM_block = 0x09, FORM_block1 = 0x0a, FORM_data1 = 0x0b,
	FORM_flag = 0x0c, FORM_sdata = 0x0d, FORM_strp = 0x0e, FORM_udata = 0x0f, FORM_ref_addr = 0x10,
	FORM_ref1 = 0x11, FORM_ref2 = 0x12, FORM_ref4 = 0x13, FORM_ref8 = 0x14, FORM_ref_udata = 0x15,
	FORM_indirect = 0x16, FORM_sec_offset = 0x17, FORM_exprloc = 0x18, FORM_flag_present = 0x19,
	FORM_strx = 0x1a, FORM_addrx = 0x1b, FORM_ref_sup4 = 0x1c, FORM_strp_sup = 0x1d, FORM_data16 = 0x1e,
	FORM_line_strp = 0x1f, FORM_ref_sig8 = 0x20, FORM_implicit_const = 0x21, FORM_loclistx = 0x22,
	FORM_rnglistx = 0x23, FORM_ref_sup8 = 0x24, FORM_strx1 = 0x25, FORM_strx2 = 0x26, FORM_strx3 = 0x27,
	FORM_strx4 = 0x28, FORM_addrx1 = 0x29, FORM_addrx2 = 0x2a, FORM_addrx3 = 0x2b, FORM_addrx4 = 0x2c,
};
enum { ATE_boolean = 0x02, ATE_float = 0x04, ATE_signed = 0x05, ATE_signed_char = 0x06, ATE_unsigned_char = 0x08 };

/* Deeper types than this (a pointer to a struct holding an array of ...)
 * are cut off as void: only a broken file nests so far. */
#define MAX_TYPE_DEPTH 64

struct section {
	const uint8_t *data;
	size_t size;
};

struct cursor {
	const uint8_t *p, *end;
	bool bad; /* read past the end: every value from then on is 0 */
};

struct attr_spec {
	uint64_t name, form;
	int64_t implicit; /* DW_FORM_implicit_const's value */
};

struct abbrev {
	uint64_t code, tag;
	bool children;
	int nattrs;
	struct attr_spec *attrs;
};

struct unit {
	size_t off, end;   /* the header's offset; the end of the unit's DIEs */
	size_t first_die;
	int version, addr_size;
	size_t abbrev_off;
	uint64_t str_offsets_base;
	struct abbrev *abbrevs; /* read when the unit is first walked */
	int nabbrevs;
};

/* One DIE's attributes of interest. */
struct die {
	size_t off;
	uint64_t tag;
	bool children;
	const char *name;
	const char *linkage_name; /* C++: the mangled name the symbol has */
	size_t specification;     /* C++: the declaration a definition completes, 0 if none */
	bool has_type, has_size, has_loc, has_upper, has_count, declaration, has_bit_offset;
	size_t type; /* .debug_info offset */
	uint64_t size, encoding, upper, count, bit_size, bit_offset;
	int64_t loc;
};

struct type_memo {
	size_t off;
	struct fth_type *type;
};

/* A definition the index finds by name: a function or a record type. */
struct index_entry {
	const char *name; /* in the mapped sections */
	uint64_t tag;
	size_t off;
};

/* One ELF file's DWARF, opened once per fathom run (lookups for every
 * probe of a wildcard would otherwise walk all of it again each time). */
struct dwarf {
	const char *path;
	int fd;
	Elf *elf;            /* NULL: the file has no DWARF (remembered too) */
	struct fth_arena own; /* units, abbreviations and the index: the file's lifetime */
	struct section info, abbrev, str, line_str, str_offsets;
	struct unit *units;
	int nunits;
	struct index_entry *index; /* sorted by name, then tag */
	int nindex;
	/* one lookup's: where its types go, and the types it built so far */
	struct fth_arena *arena;
	struct type_memo *memo;
	int nmemo, memo_cap;
	struct dwarf *next;
};

/* ------------------------------------------------------------- reading */

static uint64_t read_fixed(struct cursor *c, int size)
{
	uint64_t v = 0;

	if (c->bad || (size_t)(c->end - c->p) < (size_t)size) {
		c->bad = true;
		c->p = c->end;
		return 0;
	}
	for (int i = 0; i < size; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += size;
	return v;
}

static uint64_t read_uleb(struct cursor *c)
{
	uint64_t v = 0;
	int shift = 0;

	while (!c->bad) {
		if (c->p >= c->end) {
			c->bad = true;
			break;
		}
		uint8_t b = *c->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static int64_t read_sleb(struct cursor *c)
{
	int64_t v = 0;
	int shift = 0;
	uint8_t b = 0;

	while (!c->bad) {
		if (c->p >= c->end) {
			c->bad = true;
			return 0;
		}
		b = *c->p++;
		if (shift < 64)
			v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= (int64_t)(~0ULL << shift);
	return v;
}

static void skip(struct cursor *c, uint64_t n)
{
	if (c->bad || (uint64_t)(c->end - c->p) < n) {
		c->bad = true;
		c->p = c->end;
		return;
	}
	c->p += n;
}

static const char *string_at(const struct section *s, uint64_t off)
{
	if (!s->data || off >= s->size || !memchr(s->data + off, 0, s->size - off))
		return NULL;
	return (const char *)s->data + off;
}

/* The string of index idx through .debug_str_offsets (DWARF 5 strx). */
static const char *string_by_index(const struct dwarf *d, const struct unit *u, uint64_t idx)
{
	struct cursor c;
	uint64_t at = u->str_offsets_base + idx * 4;

	if (!d->str_offsets.data || at + 4 > d->str_offsets.size)
		return NULL;
	c = (struct cursor){ d->str_offsets.data + at, d->str_offsets.data + d->str_offsets.size, false };
	return string_at(&d->str, read_fixed(&c, 4));
}

/* One attribute value: an integer (constants, offsets, flags, references
 * made absolute) or a string. Blocks are skipped, except that a member
 * location written as DW_OP_plus_uconst N (DWARF 2) gives N. */
static void read_form(const struct dwarf *d, const struct unit *u, struct cursor *c, uint64_t form,
		      int64_t implicit, uint64_t *val, const char **str)
{
	*val = 0;
	*str = NULL;
	switch (form) {
	case FORM_addr: *val = read_fixed(c, u->addr_size); break;
	case FORM_data1: case FORM_ref1: case FORM_flag: case FORM_strx1: case FORM_addrx1:
		*val = read_fixed(c, 1); break;
	case FORM_data2: case FORM_ref2: case FORM_strx2: case FORM_addrx2: *val = read_fixed(c, 2); break;
	case FORM_strx3: case FORM_addrx3: *val = read_fixed(c, 3); break;
	case FORM_data4: case FORM_ref4: case FORM_ref_sup4: case FORM_strx4: case FORM_addrx4:
	case FORM_sec_offset: case FORM_strp: case FORM_line_strp: case FORM_strp_sup: case FORM_ref_addr:
		*val = read_fixed(c, u->version == 2 && form == FORM_ref_addr ? u->addr_size : 4); break;
	case FORM_data8: case FORM_ref8: case FORM_ref_sig8: case FORM_ref_sup8: *val = read_fixed(c, 8); break;
	case FORM_data16: skip(c, 16); break;
	case FORM_sdata: *val = (uint64_t)read_sleb(c); break;
	case FORM_udata: case FORM_ref_udata: case FORM_strx: case FORM_addrx: case FORM_loclistx:
	case FORM_rnglistx:
		*val = read_uleb(c); break;
	case FORM_string:
		*str = (const char *)c->p;
		while (c->p < c->end && *c->p)
			c->p++;
		if (c->p >= c->end)
			c->bad = true, *str = NULL;
		else
			c->p++;
		break;
	case FORM_flag_present: *val = 1; break;
	case FORM_implicit_const: *val = (uint64_t)implicit; break;
	case FORM_block1: case FORM_block2: case FORM_block4: case FORM_block: case FORM_exprloc: {
		uint64_t n = form == FORM_block1 ? read_fixed(c, 1) : form == FORM_block2 ? read_fixed(c, 2)
			   : form == FORM_block4 ? read_fixed(c, 4) : read_uleb(c);
		if (n >= 2 && !c->bad && (size_t)(c->end - c->p) >= n && c->p[0] == 0x23 /* DW_OP_plus_uconst */) {
			struct cursor op = { c->p + 1, c->p + n, false };
			*val = read_uleb(&op);
		}
		skip(c, n);
		break;
	}
	case FORM_indirect: {
		uint64_t f = read_uleb(c);
		if (f != FORM_indirect)
			read_form(d, u, c, f, 0, val, str);
		return;
	}
	default:
		c->bad = true; /* an unknown form: its size is unknown too */
		return;
	}
	if (form == FORM_strp)
		*str = string_at(&d->str, *val);
	else if (form == FORM_line_strp)
		*str = string_at(&d->line_str, *val);
	else if (form == FORM_strx || form == FORM_strx1 || form == FORM_strx2 || form == FORM_strx3 ||
		 form == FORM_strx4)
		*str = string_by_index(d, u, *val);
	else if (form == FORM_ref1 || form == FORM_ref2 || form == FORM_ref4 || form == FORM_ref8 ||
		 form == FORM_ref_udata)
		*val += u->off; /* unit-relative */
}

/* ------------------------------------------------------- abbreviations */

static int read_abbrevs(struct dwarf *d, struct unit *u)
{
	struct cursor c;
	int cap = 0;

	if (u->abbrevs || u->abbrev_off >= d->abbrev.size)
		return u->abbrevs ? 0 : -EINVAL;
	c = (struct cursor){ d->abbrev.data + u->abbrev_off, d->abbrev.data + d->abbrev.size, false };
	for (;;) {
		struct abbrev a = { .code = read_uleb(&c) };
		int acap = 0;
		if (!a.code || c.bad)
			break;
		a.tag = read_uleb(&c);
		a.children = read_fixed(&c, 1) != 0;
		for (;;) {
			struct attr_spec s = { .name = read_uleb(&c), .form = read_uleb(&c) };
			if (s.form == FORM_implicit_const)
				s.implicit = read_sleb(&c);
			if ((!s.name && !s.form) || c.bad)
				break;
			a.attrs = fth_arena_grow(&d->own, a.attrs, a.nattrs, &acap, sizeof(*a.attrs), 8);
			a.attrs[a.nattrs++] = s;
		}
		u->abbrevs = fth_arena_grow(&d->own, u->abbrevs, u->nabbrevs, &cap, sizeof(*u->abbrevs), 64);
		u->abbrevs[u->nabbrevs++] = a;
	}
	return u->abbrevs ? 0 : -EINVAL;
}

static const struct abbrev *find_abbrev(const struct unit *u, uint64_t code)
{
	/* codes are usually 1, 2, 3 ... in order */
	if (code >= 1 && code <= (uint64_t)u->nabbrevs && u->abbrevs[code - 1].code == code)
		return &u->abbrevs[code - 1];
	for (int i = 0; i < u->nabbrevs; i++)
		if (u->abbrevs[i].code == code)
			return &u->abbrevs[i];
	return NULL;
}

/* ---------------------------------------------------------------- DIEs */

/* The DIE at c (advancing c past it). false at the end of the unit or
 * on a broken entry; a null entry (end of siblings) has tag 0. */
static bool read_die(const struct dwarf *d, const struct unit *u, struct cursor *c, struct die *out)
{
	const struct abbrev *a;
	uint64_t code;

	memset(out, 0, sizeof(*out));
	out->off = (size_t)(c->p - d->info.data);
	if (c->p >= c->end)
		return false;
	code = read_uleb(c);
	if (c->bad)
		return false;
	if (!code)
		return true;
	a = find_abbrev(u, code);
	if (!a)
		return false;
	out->tag = a->tag;
	out->children = a->children;
	for (int i = 0; i < a->nattrs; i++) {
		uint64_t v;
		const char *s;
		read_form(d, u, c, a->attrs[i].form, a->attrs[i].implicit, &v, &s);
		if (c->bad)
			return false;
		switch (a->attrs[i].name) {
		case AT_name: out->name = s; break;
		case AT_type: out->has_type = true, out->type = (size_t)v; break;
		case AT_byte_size: out->has_size = true, out->size = v; break;
		case AT_encoding: out->encoding = v; break;
		case AT_data_member_location: out->has_loc = true, out->loc = (int64_t)v; break;
		case AT_upper_bound: out->has_upper = true, out->upper = v; break;
		case AT_count: out->has_count = true, out->count = v; break;
		case AT_declaration: out->declaration = v != 0; break;
		case AT_bit_size: out->bit_size = v; break;
		case AT_data_bit_offset: out->has_bit_offset = true, out->bit_offset = v; break;
		case AT_linkage_name: case AT_MIPS_linkage_name: out->linkage_name = s; break;
		case AT_specification: out->specification = (size_t)v; break;
		}
	}
	return true;
}

static struct unit *unit_of(struct dwarf *d, size_t off)
{
	for (int i = 0; i < d->nunits; i++)
		if (off >= d->units[i].first_die && off < d->units[i].end)
			return &d->units[i];
	return NULL;
}

/* The DIE at .debug_info offset off; *u its unit, *c just past it. */
static bool die_at(struct dwarf *d, size_t off, struct unit **u, struct cursor *c, struct die *out)
{
	*u = unit_of(d, off);
	if (!*u || read_abbrevs(d, *u))
		return false;
	*c = (struct cursor){ d->info.data + off, d->info.data + (*u)->end, false };
	return read_die(d, *u, c, out) && out->tag;
}

/* Past the children of a DIE whose entry ended at c. */
static void skip_children(const struct dwarf *d, const struct unit *u, struct cursor *c)
{
	int depth = 1;
	struct die x;

	while (depth > 0 && read_die(d, u, c, &x)) {
		if (!x.tag)
			depth--;
		else if (x.children)
			depth++;
	}
}

/* --------------------------------------------------------------- types */

static struct fth_type *type_of(struct dwarf *d, size_t off, int depth);

static struct fth_type *memo_find(const struct dwarf *d, size_t off)
{
	for (int i = 0; i < d->nmemo; i++)
		if (d->memo[i].off == off)
			return d->memo[i].type;
	return NULL;
}

static void memo_add(struct dwarf *d, size_t off, struct fth_type *t)
{
	d->memo = fth_arena_grow(d->arena, d->memo, d->nmemo, &d->memo_cap, sizeof(*d->memo), 32);
	d->memo[d->nmemo++] = (struct type_memo){ off, t };
}

static struct fth_type *base_type(struct dwarf *d, const struct die *x)
{
	int size = x->has_size ? (int)x->size : 0;
	struct fth_type *t;

	if (x->encoding == ATE_boolean && size == 1)
		return fth_type_bool();
	if (x->encoding == ATE_float)
		return fth_type_float(size);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fth_type_array(d->arena, fth_type_int(1, false), size > 0 ? (uint32_t)size : 1);
	if (size == 1 && x->name && !strcmp(x->name, "char")) {
		/* plain char, so that char[N] reads as a string */
		t = fth_type_new(d->arena, FTH_T_INT, 1);
		t->is_signed = x->encoding == ATE_signed_char;
		t->name = "char";
		return t;
	}
	return fth_type_int(size, x->encoding == ATE_signed || x->encoding == ATE_signed_char);
}

static bool is_plain_char(const struct fth_type *t)
{
	return t->kind == FTH_T_INT && t->size == 1 && t->name && !strcmp(t->name, "char");
}

/* An array: its element type and one dimension per subrange child. */
static struct fth_type *array_type(struct dwarf *d, const struct die *x, struct unit *u, struct cursor *c, int depth)
{
	uint64_t dims[8];
	int ndims = 0;
	struct fth_type *t = x->has_type ? type_of(d, x->type, depth + 1) : fth_type_int(1, false);
	struct die sub;

	while (x->children && read_die(d, u, c, &sub) && sub.tag) {
		if (sub.tag == TAG_subrange_type && ndims < 8)
			dims[ndims++] = sub.has_count ? sub.count : sub.has_upper ? sub.upper + 1 : 0;
		if (sub.children)
			skip_children(d, u, c);
	}
	if (!ndims)
		dims[ndims++] = 0; /* a flexible array member */
	for (int i = ndims - 1; i >= 0; i--) {
		if (i == ndims - 1 && is_plain_char(t) && dims[i]) {
			t = fth_type_string(d->arena, (uint32_t)dims[i]);
			t->char_array = true;
		} else {
			t = fth_type_array(d->arena, t, (uint32_t)dims[i]);
		}
	}
	return t;
}

/* A struct or union with its members; memoized before the members are
 * read, so that a member pointing back at it finds it. */
static struct fth_type *record_type(struct dwarf *d, const struct die *x, struct unit *u, struct cursor *c, int depth)
{
	struct fth_type *t = fth_type_new(d->arena, FTH_T_STRUCT, x->has_size ? (uint32_t)x->size : 0);
	const char *kw = x->tag == TAG_union_type ? "union" : x->tag == TAG_class_type ? "class" : "struct";
	struct fth_field fields[256];
	int n = 0;
	struct die m;

	t->name = x->name ? fth_arena_printf(d->arena, "%s %s", kw, x->name) : NULL;
	t->align = 1;
	memo_add(d, x->off, t);
	while (x->children && read_die(d, u, c, &m) && m.tag) {
		if (m.tag == TAG_member && m.has_type && n < (int)(sizeof(fields) / sizeof(fields[0]))) {
			struct fth_field *f = &fields[n++];
			memset(f, 0, sizeof(*f));
			f->name = m.name ? fth_arena_strdup(d->arena, m.name) : NULL;
			f->type = type_of(d, m.type, depth + 1);
			f->offset = m.has_loc ? (uint32_t)m.loc : 0;
			if (m.bit_size && m.has_bit_offset) {
				/* a bitfield: its storage unit, and the bits in it */
				uint32_t unit = f->type->size ? f->type->size : 1;
				f->offset = (uint32_t)(m.bit_offset / 8 / unit * unit);
				f->bit_offset = (uint32_t)(m.bit_offset - (uint64_t)f->offset * 8);
				f->bit_size = (uint32_t)m.bit_size;
			}
			if (f->type->align > t->align)
				t->align = f->type->align;
		}
		if (m.children)
			skip_children(d, u, c);
	}
	t->fields = fth_arena_alloc(d->arena, (size_t)(n ? n : 1) * sizeof(*t->fields));
	memcpy(t->fields, fields, (size_t)n * sizeof(*t->fields));
	t->nfields = n;
	return t;
}

/* The fathom type of the type DIE at off. Unknown kinds (functions,
 * pointers to members, ...) read as void. */
static struct fth_type *type_of(struct dwarf *d, size_t off, int depth)
{
	struct fth_type *t = memo_find(d, off);
	struct unit *u;
	struct cursor c;
	struct die x;

	if (t)
		return t;
	if (depth > MAX_TYPE_DEPTH || !die_at(d, off, &u, &c, &x))
		return fth_type_none();
	switch (x.tag) {
	case TAG_base_type:
		t = base_type(d, &x);
		break;
	case TAG_pointer_type:
	case TAG_reference_type:
		t = fth_type_pointer(d->arena, NULL);
		t->user_space = true;
		memo_add(d, off, t); /* before the target: it may point back */
		t->elem = x.has_type ? type_of(d, x.type, depth + 1) : fth_type_none();
		return t;
	case TAG_structure_type:
	case TAG_union_type:
	case TAG_class_type:
		return record_type(d, &x, u, &c, depth);
	case TAG_array_type:
		t = array_type(d, &x, u, &c, depth);
		break;
	case TAG_enumeration_type:
		t = fth_type_int(x.has_size ? (int)x.size : 4, false);
		break;
	case TAG_typedef:
	case TAG_const_type:
	case TAG_volatile_type:
	case TAG_restrict_type:
	case TAG_atomic_type:
		t = x.has_type ? type_of(d, x.type, depth + 1) : fth_type_none();
		break;
	default:
		t = fth_type_none();
		break;
	}
	memo_add(d, off, t);
	return t;
}

/* The type at off as C writes it, for listing parameters (-lv). */
static const char *c_type_name(struct dwarf *d, size_t off, int depth)
{
	struct unit *u;
	struct cursor c;
	struct die x;
	const char *inner;

	if (depth > MAX_TYPE_DEPTH || !die_at(d, off, &u, &c, &x))
		return "void";
	inner = x.has_type ? c_type_name(d, x.type, depth + 1) : "void";
	switch (x.tag) {
	case TAG_pointer_type:
		return fth_arena_printf(d->arena, "%s*", inner);
	case TAG_reference_type:
		return fth_arena_printf(d->arena, "%s&", inner);
	case TAG_const_type:
		return fth_arena_printf(d->arena, "const %s", inner);
	case TAG_volatile_type:
		return fth_arena_printf(d->arena, "volatile %s", inner);
	case TAG_restrict_type:
	case TAG_atomic_type:
		return inner;
	case TAG_structure_type:
	case TAG_union_type:
	case TAG_class_type:
	case TAG_enumeration_type:
		return fth_arena_printf(d->arena, "%s %s",
					x.tag == TAG_union_type ? "union" : x.tag == TAG_class_type ? "class"
					: x.tag == TAG_enumeration_type ? "enum" : "struct",
					x.name ? x.name : "(anon)");
	case TAG_array_type: {
		struct die sub;
		const char *dims = "";
		while (x.children && read_die(d, u, &c, &sub) && sub.tag)
			if (sub.tag == TAG_subrange_type)
				dims = fth_arena_printf(d->arena, "%s[%llu]", dims,
							(unsigned long long)(sub.has_count ? sub.count : sub.has_upper ? sub.upper + 1 : 0));
		return fth_arena_printf(d->arena, "%s%s", inner, dims);
	}
	case TAG_subroutine_type:
		return "void (*)()";
	default:
		return x.name ? fth_arena_strdup(d->arena, x.name) : "void";
	}
}

/* ------------------------------------------------------- units and ELF */

static int read_units(struct dwarf *d)
{
	struct cursor c = { d->info.data, d->info.data + d->info.size, false };
	int cap = 0;

	while (c.p < c.end && !c.bad) {
		struct unit u = { .off = (size_t)(c.p - d->info.data) };
		uint64_t len = read_fixed(&c, 4);
		const uint8_t *start = c.p;
		if (len >= 0xfffffff0 || len > (uint64_t)(c.end - c.p))
			break; /* the 64-bit format, or a broken header */
		u.end = (size_t)(start + len - d->info.data);
		u.version = (int)read_fixed(&c, 2);
		if (u.version >= 5) {
			uint64_t type = read_fixed(&c, 1);
			u.addr_size = (int)read_fixed(&c, 1);
			u.abbrev_off = (size_t)read_fixed(&c, 4);
			if (type == 2 /* DW_UT_type */ || type == 6 /* DW_UT_split_type */)
				skip(&c, 12);
			else if (type == 4 /* DW_UT_skeleton */ || type == 5 /* DW_UT_split_compile */)
				skip(&c, 8);
		} else {
			u.abbrev_off = (size_t)read_fixed(&c, 4);
			u.addr_size = (int)read_fixed(&c, 1);
		}
		u.first_die = (size_t)(c.p - d->info.data);
		if (u.version >= 2 && u.version <= 5 && !c.bad) {
			d->units = fth_arena_grow(&d->own, d->units, d->nunits, &cap, sizeof(*d->units), 16);
			d->units[d->nunits++] = u;
		}
		c.p = start + len;
	}
	return d->nunits ? 0 : -ENOENT;
}

/* DW_AT_str_offsets_base of the unit's root DIE, needed before the
 * root's own strx names can be read. */
static void read_str_offsets_base(struct dwarf *d, struct unit *u)
{
	struct cursor c = { d->info.data + u->first_die, d->info.data + u->end, false };
	const struct abbrev *a;

	u->str_offsets_base = 8; /* past the .debug_str_offsets header when none is given */
	a = find_abbrev(u, read_uleb(&c));
	for (int i = 0; a && i < a->nattrs && !c.bad; i++) {
		uint64_t v;
		const char *s;
		read_form(d, u, &c, a->attrs[i].form, a->attrs[i].implicit, &v, &s);
		if (a->attrs[i].name == AT_str_offsets_base)
			u->str_offsets_base = v;
	}
}

/* Every named definition of a function, struct, union or class, sorted
 * by name and tag for lookups. */
static int compare_entries(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->tag < y->tag ? -1 : x->tag > y->tag;
}

static bool indexed_tag(const struct die *x)
{
	if (!x->name || x->declaration)
		return false;
	return x->tag == TAG_subprogram || x->tag == TAG_structure_type || x->tag == TAG_union_type ||
	       x->tag == TAG_class_type;
}

static void index_add(struct dwarf *d, const char *name, uint64_t tag, size_t off, int *cap)
{
	d->index = fth_arena_grow(&d->own, d->index, d->nindex, cap, sizeof(*d->index), 256);
	d->index[d->nindex++] = (struct index_entry){ name, tag, off };
}

/* The mangled name of a C++ function definition: its own, or that of the
 * declaration in its class it completes (DW_AT_specification). */
static const char *linkage_name_of(struct dwarf *d, const struct die *x)
{
	struct unit *u;
	struct cursor c;
	struct die decl;

	if (x->linkage_name || !x->specification)
		return x->linkage_name;
	return die_at(d, x->specification, &u, &c, &decl) ? decl.linkage_name : NULL;
}

static void build_index(struct dwarf *d)
{
	int cap = 0;

	for (int i = 0; i < d->nunits; i++) {
		struct unit *u = &d->units[i];
		struct cursor c = { d->info.data + u->first_die, d->info.data + u->end, false };
		struct die x;
		if (read_abbrevs(d, u))
			continue;
		read_str_offsets_base(d, u);
		while (read_die(d, u, &c, &x)) {
			/* a C++ definition completing a declaration may have no
			 * name of its own: it is found by its mangled name */
			if (x.tag == TAG_subprogram && !x.declaration) {
				const char *mangled = linkage_name_of(d, &x);
				if (mangled)
					index_add(d, mangled, x.tag, x.off, &cap);
			}
			if (x.tag && indexed_tag(&x))
				index_add(d, x.name, x.tag, x.off, &cap);
		}
	}
	if (d->nindex)
		qsort(d->index, (size_t)d->nindex, sizeof(*d->index), compare_entries);
}

/* The offset of the definition named name with tag; 0 if none (offset 0
 * is a unit header, never a DIE). */
static size_t find_definition(const struct dwarf *d, const char *name, uint64_t tag)
{
	struct index_entry key = { name, tag, 0 };
	const struct index_entry *e =
		d->nindex ? bsearch(&key, d->index, (size_t)d->nindex, sizeof(*d->index), compare_entries) : NULL;

	return e ? e->off : 0;
}

/* The parameters of the function whose definition is at off. */
static int params_at(struct dwarf *d, size_t off, struct fth_dwarf_param **out, int *n)
{
	struct fth_dwarf_param params[64];
	size_t type_off[64];
	bool typed[64];
	struct unit *u;
	struct cursor c;
	struct die x, p;
	int np = 0;

	if (!die_at(d, off, &u, &c, &x))
		return -ENOENT;
	while (x.children && read_die(d, u, &c, &p) && p.tag) {
		if (p.tag == TAG_formal_parameter && np < 64) {
			params[np].name = p.name ? fth_arena_strdup(d->arena, p.name) : NULL;
			typed[np] = p.has_type;
			type_off[np++] = p.type;
		}
		if (p.children)
			skip_children(d, u, &c);
	}
	/* types are read once the walk is done: reading one moves through
	 * other DIEs */
	for (int i = 0; i < np; i++) {
		params[i].type = typed[i] ? type_of(d, type_off[i], 0) : fth_type_none();
		params[i].c_type = typed[i] ? c_type_name(d, type_off[i], 0) : "void";
	}
	*out = fth_arena_alloc(d->arena, (size_t)(np ? np : 1) * sizeof(**out));
	memcpy(*out, params, (size_t)np * sizeof(**out));
	*n = np;
	return 0;
}

static struct section section_data(Elf_Scn *scn)
{
	GElf_Shdr sh;
	Elf_Data *data;

	if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
		return (struct section){ 0 };
	if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return (struct section){ 0 };
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf)
		return (struct section){ 0 };
	return (struct section){ data->d_buf, data->d_size };
}

static void find_sections(Elf *elf, struct dwarf *d)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(name, ".debug_info"))
			d->info = section_data(scn);
		else if (!strcmp(name, ".debug_abbrev"))
			d->abbrev = section_data(scn);
		else if (!strcmp(name, ".debug_str"))
			d->str = section_data(scn);
		else if (!strcmp(name, ".debug_line_str"))
			d->line_str = section_data(scn);
		else if (!strcmp(name, ".debug_str_offsets"))
			d->str_offsets = section_data(scn);
	}
}

static struct dwarf *opened; /* every file looked at in this run */

/* The DWARF of the ELF file `file` into d, indexed; false (d->elf NULL)
 * when it cannot be read or has none. */
static bool load_file(struct dwarf *d, const char *file)
{
	/* nothing of a file tried before stays (its mapping is gone) */
	d->info = d->abbrev = d->str = d->line_str = d->str_offsets = (struct section){ 0 };
	d->units = NULL;
	d->nunits = 0;
	d->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0)
		return false;
	d->elf = elf_begin(d->fd, ELF_C_READ_MMAP, NULL);
	if (d->elf) {
		find_sections(d->elf, d);
		if (d->info.data && d->abbrev.data && !read_units(d)) {
			build_index(d);
			return true;
		}
		elf_end(d->elf);
		d->elf = NULL;
	}
	close(d->fd);
	d->fd = -1;
	return false;
}

/* The DWARF of path, read and indexed on first use; NULL when the file
 * cannot be read or has none. */
static struct dwarf *dwarf_of(const char *path)
{
	char debug[PATH_MAX];
	struct dwarf *d;

	for (d = opened; d; d = d->next)
		if (!strcmp(d->path, path))
			return d->elf ? d : NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	fth_arena_init(&d->own);
	d->path = fth_arena_strdup(&d->own, path);
	d->next = opened;
	opened = d;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	/* a stripped binary's DWARF is in its separate debug file, found by
	 * build-id as for its symbols */
	if (!load_file(d, path) && fth_elf_debug_file(path, "/usr/lib/debug", debug, sizeof(debug)) == 0 &&
	    strcmp(debug, path))
		load_file(d, debug);
	return d->elf ? d : NULL;
}

/* Starts one lookup whose types go into arena. */
static struct dwarf *begin_lookup(const char *path, struct fth_arena *arena)
{
	struct dwarf *d = dwarf_of(path);

	if (d) {
		d->arena = arena;
		d->memo = NULL;
		d->nmemo = d->memo_cap = 0;
	}
	return d;
}

struct fth_type *fth_dwarf_find_type(struct fth_arena *arena, const char *path, const char *name)
{
	struct dwarf *d;
	uint64_t tag;
	size_t off;

	if (!strncmp(name, "struct ", 7))
		tag = TAG_structure_type, name += 7;
	else if (!strncmp(name, "union ", 6))
		tag = TAG_union_type, name += 6;
	else if (!strncmp(name, "class ", 6))
		tag = TAG_class_type, name += 6;
	else
		return NULL;
	d = begin_lookup(path, arena);
	off = d ? find_definition(d, name, tag) : 0;
	return off ? type_of(d, off, 0) : NULL;
}

int fth_dwarf_func_params(struct fth_arena *arena, const char *path, const char *func,
			  struct fth_dwarf_param **out, int *n)
{
	struct dwarf *d = begin_lookup(path, arena);
	size_t off = d ? find_definition(d, func, TAG_subprogram) : 0;

	return off ? params_at(d, off, out, n) : -ENOENT;
}
