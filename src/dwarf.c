/* dwarf.c - a function's parameters, the binary's struct types and the
 * addresses of source lines from its DWARF, read with elfutils' libdw: it bounds-checks the sections, reads
 * every DWARF version and form, decompresses sections and finds the .dwo
 * file of each skeleton unit of split DWARF (-gsplit-dwarf); units packed
 * into a .dwp file are read through dwp.c. Only what
 * args.NAME needs becomes a fathom type: base types, pointers, structs and
 * unions with their members, arrays, enums, and the typedefs and
 * qualifiers between them. */
#include "dwarf.h"
#include "dwp.h"
#include "elfsym.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Deeper types than this (a pointer to a struct holding an array of ...)
 * are cut off as void, and DIEs nested deeper are not indexed: only a
 * broken file nests so far. */
#define MAX_TYPE_DEPTH 64
#define MAX_TREE_DEPTH 256

struct type_memo {
	const void *addr; /* the type DIE's bytes: unique across the .dwo files too */
	struct fth_type *type;
};

/* A definition the index finds by name: a function or a record type. */
struct index_entry {
	const char *name; /* in libdw's mapped sections */
	int tag;
	int seq; /* the first one found wins among equal names */
	uint64_t low_pc; /* a function's entry address, 0 if none */
	Dwarf_Die die;
};

/* One ELF file's DWARF, opened once per fathom run (lookups for every
 * probe of a wildcard would otherwise walk all of it again each time). */
struct dwarf {
	const char *path;
	const char *file;     /* the file read: path, or its separate debug file */
	int fd;
	Dwarf *dw;            /* NULL: the file has no DWARF (remembered too) */
	struct fth_arena own; /* the index: the file's lifetime */
	struct index_entry *index; /* sorted by name, then tag */
	int nindex, index_cap;
	/* one lookup's: where its types go, and the types it built so far */
	struct fth_arena *arena;
	struct type_memo *memo;
	int nmemo, memo_cap;
	/* FILE.dwp, the split units libdw did not find, opened when the
	 * first is missing */
	struct fth_dwp *dwp;
	bool dwp_tried;
	struct dwarf *next;
};

/* ---------------------------------------------------------- attributes */

static bool attr_die(Dwarf_Die *die, int name, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_formref_die(dwarf_attr_integrate(die, name, &a), out) != NULL;
}

static bool attr_udata(Dwarf_Die *die, int name, Dwarf_Word *out)
{
	Dwarf_Attribute a;

	return dwarf_formudata(dwarf_attr_integrate(die, name, &a), out) == 0;
}

static const char *attr_string(Dwarf_Die *die, int name)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(die, name, &a));
}

static const char *record_keyword(int tag)
{
	return tag == DW_TAG_union_type ? "union" : tag == DW_TAG_class_type ? "class" : "struct";
}

static bool is_record_tag(int tag)
{
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type;
}

/* --------------------------------------------------------------- index */

static int compare_entries(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void index_add(struct dwarf *d, const char *name, int tag, uint64_t low_pc, const Dwarf_Die *die)
{
	d->index = fth_arena_grow(&d->own, d->index, d->nindex, &d->index_cap, sizeof(*d->index), 256);
	d->index[d->nindex] = (struct index_entry){ name, tag, d->nindex, low_pc, *die };
	d->nindex++;
}

/* A named definition of a function, struct, union or class. A function
 * is found by its name and by its mangled (linkage) name, which a C++
 * definition takes from the declaration in its class it completes; an
 * out-of-line copy of an inlined function stands for its abstract origin,
 * which has the parameters' names and types (bpftrace prefers it too). */
static void index_die(struct dwarf *d, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	Dwarf_Attribute a;
	Dwarf_Die origin;
	Dwarf_Addr low_pc = 0;
	const char *name, *mangled;

	if (dwarf_hasattr(die, DW_AT_declaration))
		return;
	if (is_record_tag(tag) && (name = dwarf_diename(die)))
		index_add(d, name, tag, 0, die);
	if (tag != DW_TAG_subprogram)
		return;
	if (dwarf_lowpc(die, &low_pc) != 0)
		low_pc = 0;
	if (dwarf_formref_die(dwarf_attr(die, DW_AT_abstract_origin, &a), &origin))
		die = &origin;
	name = dwarf_diename(die);
	mangled = attr_string(die, DW_AT_linkage_name);
	if (!mangled)
		mangled = attr_string(die, DW_AT_MIPS_linkage_name);
	if (mangled)
		index_add(d, mangled, tag, low_pc, die);
	if (name && (!mangled || strcmp(name, mangled)))
		index_add(d, name, tag, low_pc, die);
}

static void index_children(struct dwarf *d, Dwarf_Die *parent, int depth)
{
	Dwarf_Die child;

	if (depth > MAX_TREE_DEPTH || dwarf_child(parent, &child) != 0)
		return;
	do {
		index_die(d, &child);
		if (dwarf_haschildren(&child) > 0)
			index_children(d, &child, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* A skeleton unit whose .dwo file libdw did not find: its functions and
 * types are not known, which the user should hear of (bpftrace warns too). */
static void warn_missing_dwo(const struct dwarf *d, Dwarf_Die *skeleton)
{
	const char *dwo = attr_string(skeleton, DW_AT_dwo_name);

	if (!dwo)
		dwo = attr_string(skeleton, DW_AT_GNU_dwo_name);
	fprintf(stderr,
		"WARNING: cannot find the split DWARF file '%s' of %s (built with -gsplit-dwarf): the functions "
		"and types it describes have no debug info\n",
		dwo ? dwo : "?", d->path);
}

/* The DWO id that names a skeleton's split unit: in the unit header
 * (DWARF 5) or the GNU attribute of DWARF 4. */
static bool skeleton_dwo_id(Dwarf_Die *skeleton, uint64_t *id)
{
	Dwarf_Attribute attr;
	Dwarf_Word v;

	if (dwarf_cu_info(skeleton->cu, NULL, NULL, NULL, NULL, id, NULL, NULL) == 0 && *id)
		return true;
	if (dwarf_attr(skeleton, DW_AT_GNU_dwo_id, &attr) && dwarf_formudata(&attr, &v) == 0) {
		*id = v;
		return true;
	}
	return false;
}

/* The package next to the binary or its debug file, as gdb looks for it. */
static struct fth_dwp *open_package(const struct dwarf *d)
{
	const char *files[] = { d->path, d->file };
	char name[PATH_MAX];
	struct fth_dwp *p = NULL;

	for (int i = 0; i < 2 && !p; i++)
		if (files[i] && (i == 0 || strcmp(files[0], files[1])) &&
		    snprintf(name, sizeof(name), "%s.dwp", files[i]) < (int)sizeof(name))
			p = fth_dwp_open(name);
	return p;
}

/* The split unit of skeleton from the binary's .dwp package. */
static bool packaged_split_unit(struct dwarf *d, Dwarf_Die *skeleton, Dwarf_Die *split)
{
	Dwarf_Die cudie, subdie;
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t unit_type;
	uint64_t id;
	Dwarf *dw;

	if (!skeleton_dwo_id(skeleton, &id))
		return false;
	if (!d->dwp_tried) {
		d->dwp_tried = true;
		d->dwp = open_package(d);
	}
	if (!d->dwp || !(dw = fth_dwp_unit(d->dwp, id)))
		return false;
	while (dwarf_get_units(dw, cu, &cu, &version, &unit_type, &cudie, &subdie) == 0) {
		if (unit_type == DW_UT_split_compile || unit_type == DW_UT_compile) {
			*split = cudie;
			return true;
		}
	}
	return false;
}

/* Every unit's definitions, the split units' in place of their skeletons;
 * false when there are no units at all. */
static bool build_index(struct dwarf *d)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie, subdie;
	bool any = false;

	while (dwarf_get_units(d->dw, cu, &cu, &version, &unit_type, &cudie, &subdie) == 0) {
		any = true;
		if (unit_type != DW_UT_skeleton)
			index_children(d, &cudie, 0);
		else if (subdie.cu)
			index_children(d, &subdie, 0);
		else if (packaged_split_unit(d, &cudie, &subdie))
			index_children(d, &subdie, 0);
		else
			warn_missing_dwo(d, &cudie);
	}
	if (d->nindex)
		qsort(d->index, (size_t)d->nindex, sizeof(*d->index), compare_entries);
	return any;
}

/* The definition named name with tag: the one whose code starts at addr
 * when addr is not 0 and one does (static functions of one name in
 * several files), else the first one found. */
static bool find_definition(const struct dwarf *d, const char *name, int tag, uint64_t addr, Dwarf_Die *out)
{
	int lo = 0, hi = d->nindex;

	/* the first of equal entries: the one found first */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(d->index[mid].name, name);
		if (!c)
			c = d->index[mid].tag < tag ? -1 : d->index[mid].tag > tag;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= d->nindex || strcmp(d->index[lo].name, name) || d->index[lo].tag != tag)
		return false;
	*out = d->index[lo].die;
	for (int i = lo; addr && i < d->nindex && !strcmp(d->index[i].name, name) && d->index[i].tag == tag; i++)
		if (d->index[i].low_pc == addr) {
			*out = d->index[i].die;
			break;
		}
	return true;
}

/* --------------------------------------------------------------- types */

static struct fth_type *type_of(struct dwarf *d, Dwarf_Die *die, int depth);

static struct fth_type *memo_find(const struct dwarf *d, const Dwarf_Die *die)
{
	for (int i = 0; i < d->nmemo; i++)
		if (d->memo[i].addr == die->addr)
			return d->memo[i].type;
	return NULL;
}

static void memo_add(struct dwarf *d, const Dwarf_Die *die, struct fth_type *t)
{
	d->memo = fth_arena_grow(d->arena, d->memo, d->nmemo, &d->memo_cap, sizeof(*d->memo), 32);
	d->memo[d->nmemo++] = (struct type_memo){ die->addr, t };
}

/* The type DIE's DW_AT_type as a fathom type; void when it has none. */
static struct fth_type *inner_type(struct dwarf *d, Dwarf_Die *die, int depth)
{
	Dwarf_Die inner;

	return attr_die(die, DW_AT_type, &inner) ? type_of(d, &inner, depth + 1) : fth_type_none();
}

static struct fth_type *base_type(struct dwarf *d, Dwarf_Die *die)
{
	int size = dwarf_bytesize(die);
	Dwarf_Word enc = 0;
	const char *name = dwarf_diename(die);
	struct fth_type *t;

	attr_udata(die, DW_AT_encoding, &enc);
	if (enc == DW_ATE_boolean && size == 1)
		return fth_type_bool();
	if (enc == DW_ATE_float)
		return fth_type_float(size);
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fth_type_array(d->arena, fth_type_int(1, false), size > 0 ? (uint32_t)size : 1);
	if (size == 1 && name && !strcmp(name, "char")) {
		/* plain char, so that char[N] reads as a string */
		t = fth_type_new(d->arena, FTH_T_INT, 1);
		t->is_signed = enc == DW_ATE_signed_char;
		t->name = "char";
		return t;
	}
	return fth_type_int(size, enc == DW_ATE_signed || enc == DW_ATE_signed_char);
}

static bool is_plain_char(const struct fth_type *t)
{
	return t->kind == FTH_T_INT && t->size == 1 && t->name && !strcmp(t->name, "char");
}

/* The element count of an array dimension; 0 when not given (a flexible
 * array member). */
static uint64_t subrange_count(Dwarf_Die *sub)
{
	Dwarf_Word v;

	if (attr_udata(sub, DW_AT_count, &v))
		return v;
	return attr_udata(sub, DW_AT_upper_bound, &v) ? v + 1 : 0;
}

/* An array: its element type and one dimension per subrange child. */
static struct fth_type *array_type(struct dwarf *d, Dwarf_Die *die, int depth)
{
	uint64_t dims[8];
	int ndims = 0;
	struct fth_type *t = inner_type(d, die, depth);
	Dwarf_Die sub;

	if (t->kind == FTH_T_NONE)
		t = fth_type_int(1, false);
	if (dwarf_child(die, &sub) == 0) {
		do {
			if (dwarf_tag(&sub) == DW_TAG_subrange_type && ndims < 8)
				dims[ndims++] = subrange_count(&sub);
		} while (dwarf_siblingof(&sub, &sub) == 0);
	}
	if (!ndims)
		dims[ndims++] = 0;
	for (int i = ndims - 1; i >= 0; i--) {
		uint32_t count = dims[i] > UINT32_MAX ? 0 : (uint32_t)dims[i];
		if (i == ndims - 1 && is_plain_char(t) && count) {
			t = fth_type_string(d->arena, count);
			t->char_array = true;
		} else {
			t = fth_type_array(d->arena, t, count);
		}
	}
	return t;
}

/* A member's byte offset: a constant, or (DWARF 2) the location
 * expression DW_OP_plus_uconst N; 0 for union members, which have none. */
static uint64_t member_offset(Dwarf_Die *m)
{
	Dwarf_Attribute a;
	Dwarf_Word off;
	Dwarf_Op *ops;
	size_t nops;

	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a))
		return 0;
	if (dwarf_formudata(&a, &off) == 0)
		return off;
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 && ops[0].atom == DW_OP_plus_uconst)
		return ops[0].number;
	return 0;
}

/* Where a bitfield's bits are, counted from the struct's start: DWARF 4's
 * DW_AT_data_bit_offset, or DWARF 2's DW_AT_bit_offset, which counts from
 * the most significant bit of the storage unit at the member's offset.
 * -1 when the numbers are impossible. */
static int64_t bitfield_position(Dwarf_Die *m, const struct fth_type *type, int bits)
{
	Dwarf_Word pos;
	int64_t from_top = dwarf_bitoffset(m);
	int storage = dwarf_bytesize(m);
	uint64_t off = member_offset(m);

	if (attr_udata(m, DW_AT_data_bit_offset, &pos))
		return pos > INT64_MAX / 2 ? -1 : (int64_t)pos;
	if (off > UINT32_MAX)
		return -1;
	if (from_top < 0)
		return (int64_t)off * 8;
	if (storage <= 0)
		storage = (int)type->size;
	pos = off * 8 + (uint64_t)storage * 8;
	return (int64_t)pos - from_top - bits >= 0 ? (int64_t)pos - from_top - bits : -1;
}

/* A bitfield as codegen reads it: one load of its type's size (8 bytes at
 * most) at a multiple of that size, or failing that at its first byte,
 * then a shift and a mask. false when no such load holds all its bits:
 * wider than 64 bits, or spread over more in a packed struct. */
static bool place_bitfield(struct fth_field *f, int64_t pos, int bits)
{
	uint32_t unit = f->type->size;

	if (bits > 64 || pos < 0 || pos / 8 > UINT32_MAX - 8 || unit < 1 || unit > 8 ||
	    (f->type->kind != FTH_T_INT && f->type->kind != FTH_T_BOOL))
		return false;
	f->offset = (uint32_t)(pos / 8 / unit * unit);
	if (pos - (int64_t)f->offset * 8 + bits > (int64_t)unit * 8)
		f->offset = (uint32_t)(pos / 8);
	f->bit_offset = (uint32_t)(pos - (int64_t)f->offset * 8);
	f->bit_size = (uint32_t)bits;
	return f->bit_offset + f->bit_size <= unit * 8;
}

/* One DW_TAG_member as a field; false for static members (declarations)
 * and bitfields no single load can read. */
static bool member_field(struct dwarf *d, Dwarf_Die *m, struct fth_field *f, int depth)
{
	Dwarf_Die type;
	const char *name = dwarf_diename(m);
	int bits = dwarf_bitsize(m);
	uint64_t off;

	if (dwarf_hasattr(m, DW_AT_declaration) || !attr_die(m, DW_AT_type, &type))
		return false;
	memset(f, 0, sizeof(*f));
	f->name = name ? fth_arena_strdup(d->arena, name) : NULL;
	f->type = type_of(d, &type, depth + 1);
	if (bits > 0)
		return place_bitfield(f, bitfield_position(m, f->type, bits), bits);
	off = member_offset(m);
	f->offset = off > UINT32_MAX ? 0 : (uint32_t)off;
	return off <= UINT32_MAX;
}

/* A struct or union with its members; memoized before the members are
 * read, so that a member pointing back at it finds it. */
static struct fth_type *record_type(struct dwarf *d, Dwarf_Die *die, int depth)
{
	int size = dwarf_bytesize(die);
	const char *name = dwarf_diename(die);
	struct fth_type *t = fth_type_new(d->arena, FTH_T_STRUCT, size > 0 ? (uint32_t)size : 0);
	struct fth_field fields[256];
	int n = 0;
	Dwarf_Die m;

	t->name = name ? fth_arena_printf(d->arena, "%s %s", record_keyword(dwarf_tag(die)), name) : NULL;
	t->align = 1;
	memo_add(d, die, t);
	if (dwarf_child(die, &m) == 0) {
		do {
			if (dwarf_tag(&m) != DW_TAG_member || n >= (int)(sizeof(fields) / sizeof(fields[0])) ||
			    !member_field(d, &m, &fields[n], depth))
				continue;
			if (fields[n].type->align > t->align)
				t->align = fields[n].type->align;
			n++;
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	t->fields = fth_arena_alloc(d->arena, (size_t)(n ? n : 1) * sizeof(*t->fields));
	memcpy(t->fields, fields, (size_t)n * sizeof(*t->fields));
	t->nfields = n;
	return t;
}

/* A struct only declared here (`struct foo;`) is the one some unit
 * defines under its name, if any. */
static void complete_declaration(const struct dwarf *d, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	Dwarf_Die def;

	if (name && dwarf_hasattr(die, DW_AT_declaration) && find_definition(d, name, dwarf_tag(die), 0, &def))
		*die = def;
}

/* The fathom type of a type DIE. Unknown kinds (functions, pointers to
 * members, ...) read as void. */
static struct fth_type *type_of(struct dwarf *d, Dwarf_Die *die, int depth)
{
	struct fth_type *t = memo_find(d, die);
	int tag = dwarf_tag(die), size;

	if (t)
		return t;
	if (depth > MAX_TYPE_DEPTH)
		return fth_type_none();
	switch (tag) {
	case DW_TAG_base_type:
		t = base_type(d, die);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		t = fth_type_pointer(d->arena, NULL);
		t->user_space = true;
		memo_add(d, die, t); /* before the target: it may point back */
		t->elem = inner_type(d, die, depth);
		return t;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type: {
		Dwarf_Die def = *die;
		complete_declaration(d, &def);
		if (def.addr != die->addr && (t = memo_find(d, &def)))
			break;
		return record_type(d, &def, depth);
	}
	case DW_TAG_array_type:
		t = array_type(d, die, depth);
		break;
	case DW_TAG_enumeration_type:
		size = dwarf_bytesize(die);
		t = fth_type_int(size == 1 || size == 2 || size == 8 ? size : 4, false);
		break;
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		t = inner_type(d, die, depth);
		break;
	default:
		t = fth_type_none();
		break;
	}
	memo_add(d, die, t);
	return t;
}

/* The type DIE as C writes it, for listing parameters (-lv). */
static const char *c_type_name(struct dwarf *d, Dwarf_Die *die, int depth)
{
	Dwarf_Die inner, sub;
	const char *in, *name = dwarf_diename(die), *dims = "";
	int tag = dwarf_tag(die);

	if (depth > MAX_TYPE_DEPTH)
		return "void";
	in = attr_die(die, DW_AT_type, &inner) ? c_type_name(d, &inner, depth + 1) : "void";
	switch (tag) {
	case DW_TAG_pointer_type:
		return fth_arena_printf(d->arena, "%s*", in);
	case DW_TAG_reference_type:
		return fth_arena_printf(d->arena, "%s&", in);
	case DW_TAG_rvalue_reference_type:
		return fth_arena_printf(d->arena, "%s&&", in);
	case DW_TAG_const_type:
		return fth_arena_printf(d->arena, "const %s", in);
	case DW_TAG_volatile_type:
		return fth_arena_printf(d->arena, "volatile %s", in);
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return in;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
	case DW_TAG_enumeration_type:
		return fth_arena_printf(d->arena, "%s %s", tag == DW_TAG_enumeration_type ? "enum" : record_keyword(tag),
					name ? name : "(anon)");
	case DW_TAG_array_type:
		if (dwarf_child(die, &sub) == 0) {
			do {
				if (dwarf_tag(&sub) == DW_TAG_subrange_type)
					dims = fth_arena_printf(d->arena, "%s[%llu]", dims,
								(unsigned long long)subrange_count(&sub));
			} while (dwarf_siblingof(&sub, &sub) == 0);
		}
		return fth_arena_printf(d->arena, "%s%s", in, dims);
	case DW_TAG_subroutine_type:
		return "void (*)()";
	default:
		return name ? fth_arena_strdup(d->arena, name) : "void";
	}
}

/* ------------------------------------------- the x86-64 calling convention */

/* The System V classes of a value's eightbytes; one that goes to memory
 * has none (classify() returns false for it). */
enum abi_class { ABI_NONE, ABI_INTEGER, ABI_SSE };

static void add_class(enum abi_class cls[2], uint64_t from, uint64_t size, enum abi_class c)
{
	for (uint64_t i = from / 8; i <= (from + (size ? size : 1) - 1) / 8 && i < 2; i++)
		cls[i] = cls[i] == ABI_NONE || cls[i] == c ? c : ABI_INTEGER;
}

/* Classifies the scalars of t placed at byte off into cls; false when t
 * goes to memory: a misaligned member or a long double. */
static bool classify(const struct fth_type *t, uint64_t off, enum abi_class cls[2], int depth)
{
	if (depth > MAX_TYPE_DEPTH || off + t->size > 16)
		return false;
	switch (t->kind) {
	case FTH_T_STRUCT:
		for (int i = 0; i < t->nfields; i++) {
			const struct fth_field *f = &t->fields[i];
			if (f->bit_size)
				add_class(cls, off + f->offset, (f->bit_offset + f->bit_size + 7) / 8, ABI_INTEGER);
			else if (!classify(f->type, off + f->offset, cls, depth + 1))
				return false;
		}
		return true;
	case FTH_T_ARRAY:
		for (uint32_t i = 0; i < t->count && t->elem->size; i++)
			if (!classify(t->elem, off + (uint64_t)i * t->elem->size, cls, depth + 1))
				return false;
		return true;
	case FTH_T_FLOAT:
		if (t->size > 8 || off % t->size)
			return false;
		add_class(cls, off, t->size, ABI_SSE);
		return true;
	default:
		if (t->size > 1 && t->size <= 8 && off % t->size)
			return false;
		add_class(cls, off, t->size, ABI_INTEGER);
		return true;
	}
}

/* The general-purpose registers a value of type t takes: 0 with *sse set
 * when it goes in SSE registers only, -1 when it goes to memory. */
static int int_registers(const struct fth_type *t, bool *sse)
{
	enum abi_class cls[2] = { ABI_NONE, ABI_NONE };
	int n = 0;

	*sse = false;
	if (t->kind == FTH_T_NONE || t->kind == FTH_T_INT || t->kind == FTH_T_BOOL || t->kind == FTH_T_POINTER)
		return 1;
	if (t->size > 16 || !classify(t, 0, cls, 0))
		return -1;
	for (int i = 0; i < 2; i++) {
		n += cls[i] == ABI_INTEGER;
		*sse |= cls[i] == ABI_SSE;
	}
	return n;
}

/* A member function the user declared (not one the compiler made) that
 * makes a class non-trivial to copy: a destructor, or a constructor whose
 * parameter after `this` is a reference to the class (a copy or move). */
static bool is_user_copy_or_destructor(Dwarf_Die *fn, Dwarf_Die *record, const char *class_name)
{
	const char *name = dwarf_diename(fn);
	Dwarf_Die p, type, peeled;
	int nth = 0;

	if (!name || dwarf_hasattr(fn, DW_AT_artificial))
		return false;
	if (name[0] == '~')
		return true;
	if (strcmp(name, class_name) || dwarf_child(fn, &p) != 0)
		return false;
	do {
		if (dwarf_tag(&p) == DW_TAG_formal_parameter && ++nth == 2)
			return attr_die(&p, DW_AT_type, &type) &&
			       (dwarf_tag(&type) == DW_TAG_reference_type || dwarf_tag(&type) == DW_TAG_rvalue_reference_type) &&
			       attr_die(&type, DW_AT_type, &type) && dwarf_peel_type(&type, &peeled) == 0 &&
			       peeled.addr == record->addr;
	} while (dwarf_siblingof(&p, &p) == 0);
	return false;
}

/* A C++ class that is not trivially copyable: passed and returned through
 * a pointer to a copy. Clang marks it (DW_AT_calling_convention); GCC does
 * not, so a destructor or copy constructor of its own tells. */
static bool passed_by_reference(Dwarf_Die *type)
{
	Dwarf_Die rec, m;
	Dwarf_Word cc;
	const char *name;

	if (dwarf_peel_type(type, &rec) != 0 || !is_record_tag(dwarf_tag(&rec)))
		return false;
	if (attr_udata(&rec, DW_AT_calling_convention, &cc))
		return cc == DW_CC_pass_by_reference;
	if (!(name = dwarf_diename(&rec)) || dwarf_child(&rec, &m) != 0)
		return false;
	do {
		if (dwarf_tag(&m) == DW_TAG_subprogram && is_user_copy_or_destructor(&m, &rec, name))
			return true;
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/* A function returning a struct in memory gets the address to write it
 * to as a hidden first argument, in rdi. */
static bool returns_in_memory(struct dwarf *d, Dwarf_Die *func)
{
	Dwarf_Die ret;
	bool sse;

	if (!attr_die(func, DW_AT_type, &ret))
		return false;
	return passed_by_reference(&ret) || int_registers(type_of(d, &ret, 0), &sse) < 0;
}

/* Where each parameter is at the function's entry (x86-64 System V):
 * integers and pointers in the next of six registers, floats in SSE
 * registers, small structs in up to two registers, larger ones and those
 * that no longer fit in the registers left on the stack, above the return
 * address in order, each at a multiple of 8 (16 for 16-aligned types). */
static void place_params(struct fth_dwarf_param *p, const bool *by_ref, int n, bool hidden_return)
{
	static const char *const regs[] = { "di", "si", "dx", "cx", "r8", "r9" };
	int next = hidden_return ? 1 : 0;
	uint32_t stack = 8;

	for (int i = 0; i < n; i++) {
		bool sse = false;
		int need = by_ref[i] ? 1 : int_registers(p[i].type, &sse);
		bool scalar = need == 1 && !by_ref[i] && p[i].type->kind != FTH_T_STRUCT &&
			      p[i].type->kind != FTH_T_ARRAY && p[i].type->kind != FTH_T_NONE;

		if (need == 0) {
			p[i].passed = sse ? "in SSE registers" : "in no register (it is empty)";
		} else if (need > 0 && next + need <= 6) {
			if (scalar)
				p[i].reg = regs[next];
			else
				p[i].passed = by_ref[i] ? "by reference (as a pointer to a copy)"
					    : p[i].type->kind == FTH_T_NONE ? "as a type fathom cannot read"
					    : "by value, in general registers";
			for (int k = 0; !scalar && !by_ref[i] && !sse && p[i].type->kind != FTH_T_NONE && k < need; k++) {
				p[i].part_reg[k] = regs[next + k];
				p[i].part_offset[k] = 8 * (uint32_t)k;
				p[i].part_size[k] = 8;
				p[i].nparts = k + 1;
			}
			next += need;
		} else {
			uint32_t align = p[i].type->align >= 16 ? 16 : 8;
			uint32_t size = by_ref[i] || !p[i].type->size ? 8 : p[i].type->size;
			stack = (stack + align - 1) / align * align;
			p[i].stack_offset = stack;
			p[i].passed = "on the stack";
			stack += (size + 7) / 8 * 8;
		}
	}
}

/* The pt_regs name of x86-64 DWARF register regno (0-15), or NULL. */
static const char *pt_regs_name(unsigned regno)
{
	static const char *const names[] = { "ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
					     "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };

	return regno < 16 ? names[regno] : NULL;
}

/* A struct whose location at the entry is a register per piece
 * (DW_OP_reg0 DW_OP_piece 8 DW_OP_reg3 DW_OP_piece 8: a Go string in ax
 * and bx; a piece with no register before it is padding): its parts,
 * which say where each field is. False when any piece is elsewhere, or
 * the pieces do not cover the struct. */
static bool place_in_register_pieces(const Dwarf_Op *ops, size_t nops, struct fth_dwarf_param *p)
{
	uint32_t covered = 0;
	int n = 0;

	for (size_t i = 0; i < nops; i++) {
		const char *reg = NULL;
		if (ops[i].atom >= DW_OP_reg0 && ops[i].atom <= DW_OP_reg15) {
			if (!(reg = pt_regs_name(ops[i].atom - DW_OP_reg0)) || ++i == nops)
				return false;
		}
		if (ops[i].atom != DW_OP_piece || !ops[i].number || ops[i].number > 8 ||
		    (reg && n == FTH_DWARF_MAX_PARTS))
			return false;
		if (reg) {
			p->part_reg[n] = reg;
			p->part_offset[n] = covered;
			p->part_size[n++] = (uint32_t)ops[i].number;
		}
		covered += (uint32_t)ops[i].number;
	}
	if (!n || covered != p->type->size)
		return false;
	p->nparts = n;
	p->reg = NULL;
	p->passed = "by value, in general registers";
	p->stack_offset = 0;
	return true;
}

/* A parameter whose location list names the register that holds it at
 * the function's entry is read from that register, whatever the C
 * calling convention says: Go's register ABI passes integers in ax, bx,
 * cx, di, si, r8-r11 and says so in its lists, and a C compiler's lists
 * agree with the convention. A single location expression (no list)
 * describes the body after the prologue, not the entry: not used. */
static void place_from_location_list(Dwarf_Die *param, Dwarf_Addr entry, struct fth_dwarf_param *p)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	const char *reg;
	enum fth_type_kind k = p->type->kind;

	if (!entry || !dwarf_attr(param, DW_AT_location, &attr) || dwarf_getlocation(&attr, &ops, &nops) == 0 ||
	    dwarf_getlocation_addr(&attr, entry, &ops, &nops, 1) != 1)
		return;
	if (k == FTH_T_STRUCT && place_in_register_pieces(ops, nops, p))
		return;
	if (ops[0].atom == DW_OP_call_frame_cfa && (nops == 1 || (nops == 2 && ops[1].atom == DW_OP_plus_uconst))) {
		/* in memory at the call frame's address, which at the entry
		 * is just above the return address: Go's stack arguments */
		p->reg = NULL;
		p->passed = "on the stack";
		p->stack_offset = 8 + (nops == 2 ? (uint32_t)ops[1].number : 0);
		return;
	}
	if ((k != FTH_T_INT && k != FTH_T_POINTER && k != FTH_T_BOOL) || p->type->size > 8 || nops != 1 ||
	    ops[0].atom < DW_OP_reg0 || ops[0].atom > DW_OP_reg15 || !(reg = pt_regs_name(ops[0].atom - DW_OP_reg0)))
		return;
	p->reg = reg;
	p->passed = NULL;
	p->stack_offset = 0;
}

/* Go's register ABI is not the C convention (and changes between
 * releases): only the location lists say where a Go parameter is. */
static bool is_go(Dwarf_Die *func)
{
	Dwarf_Die cu;

	return dwarf_diecu(func, &cu, NULL, NULL) && dwarf_srclang(&cu) == DW_LANG_Go;
}

static void place_nothing(struct fth_dwarf_param *p, int n)
{
	for (int i = 0; i < n; i++)
		p[i].passed = "in a place the debug info does not give (no location at the function's entry)";
}

/* The parameters of the function whose definition is die. */
static int params_of(struct dwarf *d, Dwarf_Die *func, struct fth_dwarf_param **out, int *n)
{
	struct fth_dwarf_param params[64];
	Dwarf_Die dies[64];
	bool by_ref[64];
	int np = 0;
	Dwarf_Die p, type;
	Dwarf_Addr entry = 0;

	if (dwarf_child(func, &p) == 0) {
		do {
			const char *name;
			if (dwarf_tag(&p) != DW_TAG_formal_parameter || np >= 64)
				continue;
			name = dwarf_diename(&p);
			memset(&params[np], 0, sizeof(params[np]));
			dies[np] = p;
			params[np].name = name ? fth_arena_strdup(d->arena, name) : NULL;
			if (attr_die(&p, DW_AT_type, &type)) {
				params[np].type = type_of(d, &type, 0);
				params[np].c_type = c_type_name(d, &type, 0);
				by_ref[np] = passed_by_reference(&type);
			} else {
				params[np].type = fth_type_none();
				params[np].c_type = "void";
				by_ref[np] = false;
			}
			np++;
		} while (dwarf_siblingof(&p, &p) == 0);
	}
	if (is_go(func))
		place_nothing(params, np);
	else
		place_params(params, by_ref, np, returns_in_memory(d, func));
	if (dwarf_lowpc(func, &entry) == 0)
		for (int i = 0; i < np; i++)
			place_from_location_list(&dies[i], entry, &params[i]);
	*out = fth_arena_alloc(d->arena, (size_t)(np ? np : 1) * sizeof(**out));
	memcpy(*out, params, (size_t)np * sizeof(**out));
	*n = np;
	return 0;
}

/* --------------------------------------------------------------- files */

static struct dwarf *opened; /* every file looked at in this run */

/* The DWARF of the ELF file `file` into d, indexed; false (d->dw NULL)
 * when it cannot be read or has none. */
static bool load_file(struct dwarf *d, const char *file)
{
	d->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0)
		return false;
	d->file = fth_arena_strdup(&d->own, file);
	d->dw = dwarf_begin(d->fd, DWARF_C_READ);
	if (d->dw && build_index(d))
		return true;
	if (d->dw)
		dwarf_end(d->dw);
	d->dw = NULL;
	d->nindex = 0;
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
			return d->dw ? d : NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	fth_arena_init(&d->own);
	d->path = fth_arena_strdup(&d->own, path);
	d->next = opened;
	opened = d;
	/* a stripped binary's DWARF is in its separate debug file, found by
	 * build-id as for its symbols */
	if (!load_file(d, path) && fth_elf_debug_file(path, "/usr/lib/debug", debug, sizeof(debug)) == 0 &&
	    strcmp(debug, path))
		load_file(d, debug);
	return d->dw ? d : NULL;
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
	static const struct { const char *prefix; int tag; } kinds[] = {
		{ "struct ", DW_TAG_structure_type }, { "union ", DW_TAG_union_type }, { "class ", DW_TAG_class_type },
	};
	struct dwarf *d;
	Dwarf_Die die;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t len = strlen(kinds[i].prefix);
		if (strncmp(name, kinds[i].prefix, len))
			continue;
		d = begin_lookup(path, arena);
		return d && find_definition(d, name + len, kinds[i].tag, 0, &die) ? type_of(d, &die, 0) : NULL;
	}
	return NULL;
}

int fth_dwarf_func_params(struct fth_arena *arena, const char *path, const char *func, uint64_t addr,
			  struct fth_dwarf_param **out, int *n)
{
	struct dwarf *d = begin_lookup(path, arena);
	Dwarf_Die die;

	return d && find_definition(d, func, DW_TAG_subprogram, addr, &die) ? params_of(d, &die, out, n) : -ENOENT;
}

/* ------------------------------------------------------- source lines */

/* Does the line table's file name src denote the file the user wrote? An
 * absolute name must be the same file; a relative one ("foo.c",
 * "src/foo.c") must end src at a path component boundary, so that "o.c"
 * does not match "foo.c". */
static bool source_file_matches(const char *src, const char *file)
{
	size_t ls = strlen(src), lf = strlen(file);

	if (file[0] == '/')
		return !strcmp(src, file);
	if (lf > ls || strcmp(src + ls - lf, file))
		return false;
	return lf == ls || src[ls - lf - 1] == '/';
}

/* Looks through one unit's line table for statements of file:line[:col];
 * see fth_dwarf_line_addr. A skeleton unit (split DWARF) has the table in
 * the binary itself: the .dwo file has none. */
static void scan_unit_lines(Dwarf_Die *cudie, const char *file, int line, int col, struct fth_dwarf_line *found)
{
	Dwarf_Lines *lines;
	size_t n;

	const char *comp_dir = attr_string(cudie, DW_AT_comp_dir);
	char full[PATH_MAX];

	if (dwarf_getsrclines(cudie, &lines, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		const char *src = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
		int lineno = 0, linecol = 0;
		bool stmt = false, end = false;
		Dwarf_Addr addr;
		if (!src)
			continue;
		/* a name relative to the compilation directory (gcc's
		 * "src/foo.c" of DWARF 5) made absolute, so that the absolute
		 * path the user gives matches */
		if (src[0] != '/' && comp_dir && snprintf(full, sizeof(full), "%s/%s", comp_dir, src) < (int)sizeof(full))
			src = full;
		if (!source_file_matches(src, file))
			continue;
		if (!found->file[0])
			snprintf(found->file, sizeof(found->file), "%s", src);
		else if (strcmp(found->file, src) && !found->other_file[0])
			snprintf(found->other_file, sizeof(found->other_file), "%s", src); /* one name, two files */
		if (dwarf_lineno(l, &lineno) || lineno != line || dwarf_linebeginstatement(l, &stmt) || !stmt ||
		    dwarf_lineendsequence(l, &end) || end || dwarf_lineaddr(l, &addr))
			continue;
		dwarf_linecol(l, &linecol);
		if (col && linecol != col)
			continue;
		/* the lowest: where the line starts (a function's first line is
		 * its entry, a loop's head is also its back edge further on) */
		if (!found->nstmts || addr < found->addr)
			found->addr = addr;
		found->nstmts++;
	}
}

int fth_dwarf_line_addr(const char *path, const char *file, int line, int col, struct fth_dwarf_line *found)
{
	struct dwarf *d = dwarf_of(path);
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie, subdie;

	memset(found, 0, sizeof(*found));
	if (!d)
		return -ENOENT;
	while (dwarf_get_units(d->dw, cu, &cu, &version, &unit_type, &cudie, &subdie) == 0)
		if (unit_type != DW_UT_split_compile && unit_type != DW_UT_split_type && unit_type != DW_UT_type)
			scan_unit_lines(&cudie, file, line, col, found);
	if (!found->file[0])
		return -ESRCH;
	if (found->other_file[0])
		return -EEXIST;
	return found->nstmts ? 0 : -ERANGE;
}
