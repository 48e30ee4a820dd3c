/* sema.c - semantic analysis, see sema.h.
 *
 * Map types are fixed by the first assignment anywhere in the script, but a
 * probe may read a map that a later probe writes (`/@start[tid]/` above the
 * probe that sets @start). So every program is checked twice: a lenient pass
 * that only learns map types, then a strict pass that reports errors. */
#include "sema.h"
#include "dwarf.h"
#include "elfsym.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "cdefs.h"
#include "cmacro.h"
#include "kinfo.h"
#include "ksyms.h"
#include "lexer.h"
#include "probes.h"
#include "tracefs.h"
#include "syscalls.h"

#define FTH_MAX_SCOPES 128

struct sema {
	struct fth_program *prog;
	struct fth_diag *diag;
	struct fth_prog *cur;
	bool strict;     /* report errors (second pass) */
	/* Probes whose every attach point was skipped (missing_probes): still
	 * read in the first pass, so the maps they would write have types for
	 * the probes that remain (an END that clears them, say). */
	struct fth_ptrvec phantoms;
	int loop_depth;
	/* Inside the body of for ($kv : @map): the body runs as a callback of
	 * bpf_for_each_map_elem, which has no probe context to read. */
	int for_map_depth;
	/* Counts what a loop callback could not do (read the probe's context,
	 * return from a fn): a range loop whose body did none of it may run
	 * as a bpf_loop callback. */
	int callback_blockers;
	bool retyping;   /* fth_sema_retype: warnings were already given */
	/* A second learning pass for maps whose only assignments derive from
	 * their own reads through variables ($d = @m[k]; @m[k] = $d + 1):
	 * an untyped map reads as an int64 there, as bpftrace types them.
	 * untyped_read is that int64: a value that is still just such a read
	 * (@s = @s, $v = @m; @n = $v) types no map; arithmetic on it does. */
	bool provisional;
	struct fth_type *untyped_read;
	/* structs and unions looked up in a uprobe binary's DWARF */
	struct dwarf_type_memo {
		const char *binary, *name;
		struct fth_type *type; /* NULL: the binary does not define it */
		struct dwarf_type_memo *next;
	} *dwarf_types;
	/* Block scopes of the program being checked, innermost last: the
	 * variables each block defines. A closed block's variables move to
	 * `retired`, where 0.17 scripts may still find them (see var_use). */
	struct fth_ptrvec scopes[FTH_MAX_SCOPES];
	int nscopes;
	struct fth_ptrvec retired;
	regex_t probe_filter;    /* --probe-filter, compiled on first use */
	int probe_filter_ready;  /* 1: compiled (and regfree'd at the end) */
	/* variables whose assignment failed to type check (was_unassignable) */
	struct fth_ptrvec unassignable;
	/* reads of such variables: each failed as quietly as the error that
	 * caused it had already been reported (see failure_mark) */
	int quiet_failures;
	/* Inside the copy of a fn body (FTH_FN_INLINE): `return` belongs to
	 * it; for_map_depth when it was entered. */
	struct fth_node *fn;
	int fn_for_map_depth;
	bool tseries_noted; /* the unstable-feature warning was given */
	bool typeinfo_noted; /* the same for typeinfo() */
	bool addr_noted; /* the same for the address-of operator */
	bool dw_ustack_noted; /* the same for dw_ustack */
	bool map_decl_noted; /* the same for map declarations */
	/* The expression of the statement being checked: a block expression
	 * there may end in a call that returns nothing ({ printf("a") }),
	 * one used as a value may not. */
	const struct fth_node *stmt_expr;
};

/* Errors in the copy of a macro's body are shown in the body, then
 * "expanded from" each call it came from (fth_diag_report_expanded). */
#define ERR(s, node, ...) ERR_HINT(s, node, NULL, __VA_ARGS__)
#define ERR_HINT(s, node, hint, ...)                                                                     \
	do {                                                                                             \
		if ((s)->strict)                                                                         \
			fth_diag_report_expanded((s)->diag, FTH_SEV_ERROR, (node)->range, (node)->expanded, \
						 hint, __VA_ARGS__);                                     \
	} while (0)

static struct fth_type *check_expr(struct sema *s, struct fth_node *e);
static struct fth_type *named_type(struct sema *s, struct fth_type_name *tn, struct fth_node *where);
static struct fth_type *merge_tuples(struct sema *s, const struct fth_type *a, const struct fth_type *b);
static void check_stmt(struct sema *s, struct fth_node *st);
static void check_block(struct sema *s, struct fth_node *b);
static struct fth_type *check_fn_inline(struct sema *s, struct fth_node *e);
static struct fth_type *typeof_node_type(struct sema *s, struct fth_node *n);

static struct fth_arena *A(struct sema *s)
{
	return &s->prog->arena;
}

static struct fth_type *int64_t_(void)
{
	return fth_type_int(8, true);
}

static struct fth_type *uint64_t_(void)
{
	return fth_type_int(8, false);
}

/* ---------------------------------------------------------------- values */

/* Values stored in maps, tuples and events: integers are widened to 64 bits
 * (bpftrace prints them the same way) so one layout serves every width. */
static void complete_value_type(struct sema *s, struct fth_type *t, int depth);

static struct fth_type *storage_type(struct sema *s, struct fth_type *t)
{
	if (!t)
		return NULL;
	if (t->map_ref) {
		/* stored, &@m is a number like any other */
		struct fth_type *copy = fth_arena_alloc(A(s), sizeof(*copy));
		*copy = *t;
		copy->map_ref = false;
		t = copy;
	}
	if (t->kind == FTH_T_INT)
		return fth_type_int_slot(A(s), t);
	if (t->kind == FTH_T_STRUCT || t->kind == FTH_T_ARRAY)
		complete_value_type(s, t, 0);
	if (t->kind == FTH_T_TUPLE) {
		struct fth_type **elems = fth_arena_alloc(A(s), sizeof(*elems) * (size_t)(t->nfields + 1));
		struct fth_type *st;
		for (int i = 0; i < t->nfields; i++)
			elems[i] = storage_type(s, t->fields[i].type);
		st = fth_type_tuple(A(s), elems, t->nfields);
		for (int i = 0; i < t->nfields; i++)
			st->fields[i].name = t->fields[i].name; /* records keep their names */
		return st;
	}
	return t;
}

/* An element of a tuple literal: integers keep their width and the tuple
 * is laid out as a C struct, as in bpftrace (sizeof(((int8)1, (int32)2))
 * is 8); maps widen them again when they store the tuple. */
static struct fth_type *tuple_element_type(struct sema *s, struct fth_type *t)
{
	if (t && (t->kind == FTH_T_INT || t->kind == FTH_T_BOOL || t->kind == FTH_T_TUPLE))
		return t;
	return storage_type(s, t);
}

static bool is_int(const struct fth_type *t)
{
	return t && (t->kind == FTH_T_INT || t->kind == FTH_T_BOOL || t->kind == FTH_T_POINTER);
}

/* ------------------------------------------------------------------ maps */

static struct fth_map *map_get(struct sema *s, struct fth_node *m)
{
	return fth_program_find_map(s->prog, m->u.map.name);
}

/* let @name = hash(N); (or lruhash, percpuhash, percpulruhash) */
static struct fth_node *map_declaration(struct sema *s, const char *name)
{
	struct fth_node_list *decls = &s->prog->ast->u.program.map_decls;

	for (int i = 0; i < decls->len; i++)
		if (decls->items[i]->u.map_decl.name && !strcmp(decls->items[i]->u.map_decl.name, name))
			return decls->items[i];
	return NULL;
}

static struct fth_map *map_create(struct sema *s, struct fth_node *m)
{
	struct fth_map *map = fth_arena_alloc(A(s), sizeof(*map));
	struct fth_node *decl = map_declaration(s, m->u.map.name);

	map->name = m->u.map.name;
	map->first_use = m->range;
	map->fd = -1;
	map->max_entries = s->prog->config.max_map_keys;
	if (decl) {
		/* The declared size; per-CPU or not still follows the values
		 * (aggregations are per-CPU). */
		struct fth_node_list *args = &decl->u.map_decl.args;
		const char *type = decl->u.map_decl.map_type ? decl->u.map_decl.map_type : "";
		if (args->len == 1 && args->items[0]->kind == FTH_INT && args->items[0]->u.integer > 0 &&
		    args->items[0]->u.integer <= (1u << 24))
			map->max_entries = (uint32_t)args->items[0]->u.integer;
		map->lru = strstr(type, "lru") != NULL;
	}
	fth_program_add_map(s->prog, map);
	return map;
}

/* A feature bpftrace calls unstable, as its config flag (unstable_NAME)
 * says: an error at e (false), a warning given once, or nothing. feature
 * is bpftrace's name for it in both messages. A feature met only once
 * (map declarations) or folded away in the first pass (typeinfo) warns in
 * any pass; the others in the strict pass only, where every use is seen. */
static bool allow_unstable(struct sema *s, struct fth_node *e, int mode, const char *feature, const char *flag,
			   bool *noted, bool any_pass)
{
	bool warn_now = (s->strict || any_pass) && !s->retyping;

	switch (mode) {
	case FTH_UNSTABLE_ERROR:
		ERR_HINT(s, e, fth_arena_printf(A(s), "set %s=enable in the script's config block (config = { %s=enable })",
						flag, flag),
			 "%s feature is not enabled by default. To enable this unstable feature, set the config flag "
			 "to enable. %s=enable",
			 feature, flag);
		return false;
	case FTH_UNSTABLE_WARN:
		if (warn_now && !*noted)
			fth_diag_plain(s->diag, FTH_SEV_WARNING, NULL,
				       "Script is using an unstable feature: %s. To prevent this warning you must explicitly "
				       "enable it in the config e.g. %s=enable",
				       feature, flag);
		*noted |= warn_now;
		return true;
	default:
		return true;
	}
}

/* Aggregations live in per-CPU maps, other values in plain ones: a
 * declaration must agree with what the probes store (bpftrace checks the
 * same). */
static void check_declared_map_kind(struct sema *s, struct fth_node *d, struct fth_map *m)
{
	const char *declared = d->u.map_decl.map_type;
	bool percpu = !strncmp(declared, "percpu", 6);
	bool agg = m->value_type && m->value_type->kind == FTH_T_AGG;

	if (!m->value_type || percpu == agg)
		return;
	fth_error_hint(s->diag, m->first_use,
		       agg ? "declare it percpuhash(N) or percpulruhash(N): aggregations are kept per CPU"
			   : "declare it hash(N) or lruhash(N): only aggregations are kept in per-CPU maps",
		       "Incompatible map types. Type from declaration: %s. Type from value/key type: %s", declared,
		       agg ? "percpuhash" : "hash");
}

/* The top-level map declarations: allowed by the config, of a known type
 * with one size, each map once, agreeing with the map's values; declared
 * maps no probe uses are warned about, as bpftrace does. */
static void check_map_declarations(struct sema *s)
{
	struct fth_node_list *decls = &s->prog->ast->u.program.map_decls;
	static const char *const types[] = { "hash", "lruhash", "percpuhash", "percpulruhash", "percpuarray" };

	if (decls->len == 0 || !allow_unstable(s, decls->items[0], s->prog->config.unstable_map_decl, "map declarations",
							      "unstable_map_decl", &s->map_decl_noted, true))
		return;
	for (int i = 0; i < decls->len; i++) {
		struct fth_node *d = decls->items[i];
		struct fth_node_list *args = &d->u.map_decl.args;
		struct fth_map *m = d->u.map_decl.name ? fth_program_find_map(s->prog, d->u.map_decl.name) : NULL;
		bool known = false;
		for (size_t j = 0; j < sizeof(types) / sizeof(types[0]); j++)
			known |= d->u.map_decl.map_type && !strcmp(d->u.map_decl.map_type, types[j]);
		if (!known) {
			fth_error_hint(s->diag, d->range, "use hash(N), lruhash(N), percpuhash(N) or percpulruhash(N)",
				       "unknown map type '%s'", d->u.map_decl.map_type ? d->u.map_decl.map_type : "");
			continue;
		}
		if (args->len != 1 || args->items[0]->kind != FTH_INT || args->items[0]->u.integer == 0 ||
		    args->items[0]->u.integer > (1u << 24)) {
			fth_error_hint(s->diag, d->range, fth_arena_printf(A(s), "e.g. let %s = %s(1024);",
									   d->u.map_decl.name, d->u.map_decl.map_type),
				       "%s() takes one argument: the map's maximum number of entries, a number from 1 "
				       "to %u", d->u.map_decl.map_type, 1u << 24);
			continue;
		}
		if (map_declaration(s, d->u.map_decl.name) != d) {
			fth_error_hint(s->diag, d->range, "keep one declaration of it",
				       "%s is declared more than once", d->u.map_decl.name);
			continue;
		}
		if (m)
			check_declared_map_kind(s, d, m);
		else
			fth_diag_report(s->diag, FTH_SEV_WARNING, d->range, "remove the declaration or use the map",
					"Unused map: %s", d->u.map_decl.name);
	}
}

/* Type of the key expression list of @m[k1, k2]: a single key or a tuple. */
static struct fth_type *key_type_of(struct sema *s, struct fth_node *m)
{
	struct fth_node_list *keys = &m->u.map.keys;
	struct fth_type **elems;

	if (keys->len == 0)
		return NULL;
	if (keys->len == 1)
		return storage_type(s, check_expr(s, keys->items[0]));
	elems = fth_arena_alloc(A(s), sizeof(*elems) * (size_t)keys->len);
	for (int i = 0; i < keys->len; i++) {
		elems[i] = storage_type(s, check_expr(s, keys->items[i]));
		if (!elems[i])
			return NULL;
	}
	return fth_type_tuple(A(s), elems, keys->len);
}

static bool valid_key_type(const struct fth_type *t)
{
	switch (t->kind) {
	case FTH_T_INT:
	case FTH_T_BOOL:
	case FTH_T_POINTER: /* @start[args.rq]: the address, printed in hex */
	case FTH_T_STRING:
	case FTH_T_PROBE:
	case FTH_T_KSTACK:
	case FTH_T_USTACK:
	case FTH_T_KSYM:
	case FTH_T_USERNAME:
	case FTH_T_SYSCALL:
	case FTH_T_ERRNO:
	case FTH_T_CGROUP_PATH:
	case FTH_T_MACADDR:
	case FTH_T_BUFFER:    /* buf(): bytes and length, printed escaped */
	case FTH_T_TIMESTAMP: /* strftime(): formatted when printed */
	case FTH_T_USYM:
	case FTH_T_INET:
	case FTH_T_STRUCT:  /* @[*curtask->mm]: the struct's bytes */
		return true;
	case FTH_T_TUPLE:
		for (int i = 0; i < t->nfields; i++)
			if (!valid_key_type(t->fields[i].type))
				return false;
		return true;
	case FTH_T_ARRAY:   /* @[$c->w]: the array's bytes, as for a struct */
		return t->elem && valid_key_type(t->elem);
	default:
		return false;
	}
}

/* Tuple keys that differ only in string capacities (and int widths of the
 * same signedness): the tuple with the longer strings, or NULL. */
static struct fth_type *widened_tuple_key(struct sema *s, const struct fth_type *a, const struct fth_type *b)
{
	struct fth_type **elems;

	if (a->kind != FTH_T_TUPLE || b->kind != FTH_T_TUPLE || a->nfields != b->nfields)
		return NULL;
	elems = fth_arena_alloc(A(s), sizeof(*elems) * (size_t)(a->nfields + 1));
	for (int i = 0; i < a->nfields; i++) {
		struct fth_type *fa = a->fields[i].type, *fb = b->fields[i].type;
		if (fth_type_equal(fa, fb) || (fa->kind == FTH_T_INT && fb->kind == FTH_T_INT))
			elems[i] = fa;
		else if (fa->kind == FTH_T_STRING && fb->kind == FTH_T_STRING)
			elems[i] = fa->size >= fb->size ? fa : fb;
		else
			return NULL;
	}
	return fth_type_tuple(A(s), elems, a->nfields);
}

/* @a[@b] = 1; @b = 2;: the first pass met @a before @b had a type, so it
 * fixed @a's value but not its key. The key's type is the first one seen;
 * the bucket of a hist-like aggregation stays after it. */
static void learn_pending_key(struct fth_map *map, struct fth_type *kt)
{
	const struct fth_type *vt = map->value_type;
	bool bucket = vt && vt->kind == FTH_T_AGG &&
		      (vt->agg == FTH_AGG_HIST || vt->agg == FTH_AGG_LHIST || vt->agg == FTH_AGG_TSERIES);

	map->key_pending = false;
	map->key_type = kt;
	map->key_size = (kt->size + 7) / 8 * 8 + (bucket ? 8 : 0);
}

/* Whether keys of type kt go in map (whose keys have a type already):
 * strings of different capacities, ints of the same signedness and
 * pointers to different types are compatible keys, padded to the map's
 * layout, which widens to the longest string (as bpftrace resizes map
 * keys), in tuples too. */
static bool merge_key_type(struct sema *s, struct fth_map *map, struct fth_type *kt)
{
	bool compatible = map->key_type->kind == kt->kind &&
			  (kt->kind == FTH_T_STRING || kt->kind == FTH_T_INT || kt->kind == FTH_T_POINTER);
	struct fth_type *wide = kt->kind == FTH_T_TUPLE ? widened_tuple_key(s, map->key_type, kt) : NULL;

	if (fth_type_equal(map->key_type, kt))
		return true;
	/* nested tuples: their strings widen the same way */
	if (!wide && kt->kind == FTH_T_TUPLE)
		wide = merge_tuples(s, map->key_type, kt);
	if (wide) {
		/* @m["ab", 1] and @m["abcd", 2]: one layout with the longer string */
		uint32_t extra = map->key_size - (map->key_type->size + 7) / 8 * 8;
		compatible = true;
		map->key_type = wide;
		map->key_size = (wide->size + 7) / 8 * 8 + extra;
	}
	if (compatible && kt->kind == FTH_T_STRING && kt->size > map->key_type->size) {
		/* Widen to the longest string key, as for values. */
		uint32_t extra = map->key_size - (map->key_type->size + 7) / 8 * 8;
		map->key_type = kt;
		map->key_size = (kt->size + 7) / 8 * 8 + extra;
	}
	return compatible;
}

/* Check the keys of a map reference and fix the map's key type on first use. */
static struct fth_map *map_use_keys(struct sema *s, struct fth_node *m, bool creating)
{
	struct fth_map *map = map_get(s, m);
	struct fth_type *kt = key_type_of(s, m);

	if (!map) {
		if (!creating)
			return NULL;
		map = map_create(s, m);
		map->key_type = kt;
		map->key_size = kt ? (kt->size + 7) / 8 * 8 : 8;
		map->key_pending = m->u.map.keys.len && !kt;
	}
	if (m->u.map.keys.len && !kt)
		return map;
	if (map->key_pending && kt)
		learn_pending_key(map, kt);
	if (kt && !valid_key_type(kt)) {
		ERR_HINT(s, m, "a key is an integer, a string, a stack, a symbol or a tuple of them: read what the value points to, e.g. str(ptr) or *ptr",
			 "%s cannot be used as a map key", fth_type_describe(A(s), kt));
		return map;
	}
	if (!map->key_type && map->value_type == NULL && kt) {
		map->key_type = kt;
		map->key_size = (kt->size + 7) / 8 * 8;
	}
	if ((map->key_type == NULL) != (kt == NULL)) {
		ERR_HINT(s, m, map->key_type ? "use the same number of keys everywhere" : NULL,
			 map->key_type ? "%s is used with keys elsewhere but without keys here"
				       : "%s is used without keys elsewhere but with keys here",
			 map->name);
	} else if (kt && !merge_key_type(s, map, kt)) {
		ERR_HINT(s, m, "use keys of one type for a map everywhere, or cast them, e.g. (uint64)x",
			 "%s key has type %s here but %s elsewhere", map->name, fth_type_describe(A(s), kt),
			 fth_type_describe(A(s), map->key_type));
	}
	return map;
}

static void map_set_value(struct sema *s, struct fth_map *map, struct fth_node *where, struct fth_type *vt)
{
	if (!vt)
		return;
	if (!map->value_type) {
		map->value_type = vt;
		if (vt->kind == FTH_T_AGG) {
			map->used_as_agg = true;
			map->bpf_type = map->lru ? BPF_MAP_TYPE_LRU_PERCPU_HASH : BPF_MAP_TYPE_PERCPU_HASH;
			map->value_size = fth_agg_value_size(vt->agg);
			if (vt->agg == FTH_AGG_HIST || vt->agg == FTH_AGG_LHIST || vt->agg == FTH_AGG_TSERIES)
				map->key_size = (map->key_type ? (map->key_type->size + 7) / 8 * 8 : 0) + 8;
		} else {
			map->bpf_type = map->lru ? BPF_MAP_TYPE_LRU_HASH : BPF_MAP_TYPE_HASH;
			map->value_size = (vt->size + 7) / 8 * 8;
		}
		return;
	}
	if (map->value_type->kind == FTH_T_AGG || vt->kind == FTH_T_AGG) {
		if (map->value_type->kind != FTH_T_AGG)
			ERR_HINT(s, where, "keep the aggregation in another map",
				 "%s holds %s elsewhere; it cannot also be a %s map", map->name,
				 fth_type_describe(A(s), map->value_type), fth_type_describe(A(s), vt));
		else if (map->value_type->kind != vt->kind || map->value_type->agg != vt->agg)
			ERR_HINT(s, where, "store this value in a map of its own",
				 "%s is a %s map elsewhere; it cannot also hold %s", map->name,
			    fth_type_describe(A(s), map->value_type), fth_type_describe(A(s), vt));
		else if (vt->agg == FTH_AGG_TSERIES &&
			 (vt->ts_interval != map->value_type->ts_interval || vt->ts_count != map->value_type->ts_count ||
			  vt->ts_agg != map->value_type->ts_agg))
			ERR_HINT(s, where, "give every tseries() of one map the same interval, count and aggregation",
				 "Different tseries bounds in a single map unsupported");
		return;
	}
	if (vt->kind == FTH_T_STRING && map->value_type->kind == FTH_T_STRING && vt->size > map->value_type->size) {
		/* "a" then "longer": the map holds the longest string assigned
		 * anywhere. The lenient pass sees every assignment first. */
		map->value_type = vt;
		map->value_size = (vt->size + 7) / 8 * 8;
		return;
	}
	if (vt->kind == FTH_T_TUPLE && map->value_type->kind == FTH_T_TUPLE && !fth_type_equal(vt, map->value_type)) {
		/* (1, "bye") then (2, "hello"): one layout with the wider strings */
		struct fth_type *merged = merge_tuples(s, map->value_type, vt);
		if (merged) {
			map->value_type = merged;
			map->value_size = (merged->size + 7) / 8 * 8;
			return;
		}
	}
	if (map->value_type->kind != vt->kind ||
	    ((vt->kind == FTH_T_TUPLE || vt->kind == FTH_T_POINTER) && !fth_type_equal(vt, map->value_type)))
		ERR_HINT(s, where, "a map holds values of one type: cast the value, or keep it in another map",
			 "%s holds %s elsewhere; it cannot be assigned %s", map->name,
			 fth_type_describe(A(s), map->value_type), fth_type_describe(A(s), vt));
}

/* ------------------------------------------------------------- variables */

struct fth_var *fth_sema_find_var(const struct fth_prog *p, const char *name)
{
	for (int i = 0; i < p->vars.len; i++) {
		struct fth_var *v = p->vars.items[i];
		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

/* Variables are block scoped, as in current bpftrace: a variable first
 * assigned (or declared with let) in a block is visible in that block and
 * the blocks nested in it, so sibling blocks may use one name with
 * different types. Each is its own fth_var; every $name node is bound to
 * one (u.ident.var). All of them get a slot in the probe's frame. */
static void scope_push(struct sema *s)
{
	if (s->nscopes < FTH_MAX_SCOPES)
		s->scopes[s->nscopes].len = 0;
	s->nscopes++;
}

/* Close the innermost scope. `retire`: its variables stay findable for
 * 0.17-style reads after the block (var_use); not for the syntax 0.17 did
 * not have (for loops' own variables, for-map bodies). */
static void scope_pop(struct sema *s, bool retire)
{
	struct fth_ptrvec *sc;

	if (--s->nscopes >= FTH_MAX_SCOPES || !retire)
		return;
	sc = &s->scopes[s->nscopes];
	for (int i = 0; i < sc->len; i++)
		fth_ptrvec_push(A(s), &s->retired, sc->items[i]);
}

static struct fth_var *scope_find(const struct fth_ptrvec *sc, const char *name)
{
	for (int i = sc->len - 1; i >= 0; i--) {
		struct fth_var *v = sc->items[i];
		if (!strcmp(v->name, name))
			return v;
	}
	return NULL;
}

/* The variable `name` visible here, innermost block first. */
static struct fth_var *var_lookup(struct sema *s, const char *name)
{
	int top = s->nscopes < FTH_MAX_SCOPES ? s->nscopes : FTH_MAX_SCOPES;

	for (int i = top - 1; i >= 0; i--) {
		struct fth_var *v = scope_find(&s->scopes[i], name);
		if (v)
			return v;
	}
	return NULL;
}

static void scope_add(struct sema *s, struct fth_var *v)
{
	int top = s->nscopes < FTH_MAX_SCOPES ? s->nscopes : FTH_MAX_SCOPES;

	if (top > 0)
		fth_ptrvec_push(A(s), &s->scopes[top - 1], v);
}

static struct fth_var *var_new(struct sema *s, const char *name, struct fth_type *t)
{
	struct fth_var *v = fth_arena_alloc(A(s), sizeof(*v));

	v->name = name;
	v->type = t;
	fth_ptrvec_push(A(s), &s->cur->vars, v);
	scope_add(s, v);
	return v;
}

/* A variable read where no block defines it. bpftrace 0.17 scoped
 * variables to the whole probe, so its scripts assign in an if and read
 * after it (tcpretrans, tcpdrop: $daddr set in both branches). Current
 * bpftrace rejects that ("Undefined or undeclared variable"). fathom runs
 * both: the read finds the variable of the closed block, with a warning
 * that says how to write it for current bpftrace. The variable's slot is
 * zeroed when the probe starts, so a path that skipped the assignment
 * reads 0 or "", as in 0.17. */
static struct fth_var *var_use(struct sema *s, struct fth_node *n)
{
	struct fth_var *v = var_lookup(s, n->u.ident.name);

	if (!v) {
		v = scope_find(&s->retired, n->u.ident.name);
		if (v) {
			if (s->strict && !s->retyping)
				fth_diag_report(s->diag, FTH_SEV_WARNING, n->range,
						fth_arena_printf(A(s), "declare it before that block: let %s;",
								 n->u.ident.name),
						"%s is used outside the block that assigns it; current bpftrace "
						"rejects this (variables are block scoped), bpftrace 0.17 accepted it",
						n->u.ident.name);
			scope_add(s, v);
		}
	}
	n->u.ident.var = v;
	return v;
}

/* Was name assigned a value that had an error? Its reads are not errors
 * of their own. */
static bool was_unassignable(struct sema *s, const char *name)
{
	for (int i = 0; i < s->unassignable.len; i++)
		if (!strcmp(s->unassignable.items[i], name))
			return true;
	return false;
}

/* Grows with every failure to type an expression, reported or quiet: an
 * expression without a type checked between two marks that differ failed
 * for a reason already told, so saying more about it would only repeat
 * that error in other words ($a = kaddr("nope"); $b = *$a; $b used). */
static int failure_mark(const struct sema *s)
{
	return s->diag->errors + s->quiet_failures;
}

/* width: the bytes of the integer assigned when smaller than its type (a
 * literal's, as bpftrace types it), 0: its type's. */
static struct fth_var *var_define(struct sema *s, struct fth_node *var, struct fth_type *t, int width)
{
	struct fth_var *v = var_lookup(s, var->u.ident.name);
	struct fth_type *merged;
	int type_width;

	var->u.ident.var = v;
	if (!t)
		return v;
	type_width = t->kind == FTH_T_INT ? (int)t->size : 8;
	if (!width)
		width = type_width;
	if (t->kind == FTH_T_INT && t != s->untyped_read)
		t = fth_type_int_slot(A(s), t);
	if (v && !v->type) {
		v->type = t; /* declared with `let $x;`: the first assignment types it */
	} else if (!v) {
		/* A closed sibling block's variable of the same name and type
		 * shares its slot: invisible to current scripts (a block's own
		 * variable is assigned before it is read), and what lets the
		 * 0.17 form `if (c) { $x = 1; } else { $x = 2; } print($x)`
		 * see the value of either branch. */
		struct fth_var *old = scope_find(&s->retired, var->u.ident.name);
		if (old && old->type && old->type->kind == t->kind &&
		    (t->kind == FTH_T_STRING || fth_type_equal(old->type, t))) {
			v = old;
			if (t->kind == FTH_T_STRING && t->size > v->type->size)
				v->type = t;
			scope_add(s, v);
		} else {
			v = var_new(s, var->u.ident.name, t);
		}
	} else if (t->kind == FTH_T_STRING && v->type->kind == FTH_T_STRING && t->size > v->type->size) {
		v->type = t; /* the slot holds the longest string assigned */
	} else if (t->kind == FTH_T_TUPLE && v->type->kind == FTH_T_TUPLE && !fth_type_equal(t, v->type) &&
		   (merged = merge_tuples(s, v->type, t))) {
		v->type = merged; /* wider strings, or a record's fields in another order */
	} else if (v->type->kind != t->kind || (t->kind == FTH_T_TUPLE && !fth_type_equal(t, v->type))) {
		ERR_HINT(s, var, "use another variable for this value, or cast it to the variable's type",
			 "%s has type %s; it cannot be assigned %s", v->name,
		    fth_type_describe(A(s), v->type), fth_type_describe(A(s), t));
	}
	/* The slot is 64 bits, but bswap($port) swaps the bytes of the
	 * integer the variable was given (bpftrace keeps its width). */
	if (type_width > v->int_width)
		v->int_width = type_width;
	if (width > v->literal_width)
		v->literal_width = width;
	var->type = v->type;
	var->u.ident.var = v;
	return v;
}

/* A for loop's own variable must be new: one visible here would be
 * overwritten by the loop and, for a map loop, have its type changed. */
static bool loop_var_is_new(struct sema *s, struct fth_node *var)
{
	if (!var_lookup(s, var->u.ident.name))
		return true;
	ERR_HINT(s, var, "give the loop variable a name of its own",
		 "%s is already defined in this block or an enclosing one; a for loop's variable cannot shadow it",
		 var->u.ident.name);
	return false;
}

static bool probe_without_addr_space(const struct fth_probe_inst *inst);
static void load_uprobe_dwarf_args(struct sema *s);

/* fexit (a trampoline, not a kretprobe standing in): bpftrace's args
 * there holds the parameters and then the return value, as $retval. */
static bool args_hold_retval(const struct fth_probe_inst *inst)
{
	return inst->attach_btf_id && inst->expected_attach_type == BPF_TRACE_FEXIT && !inst->returns_void;
}

/* A function probe (uprobe with DWARF, fentry, fexit, rawtracepoint)
 * whose function was found and has no parameters: its args would be
 * empty - unless it is fexit of a function that returns a value. */
static bool takes_no_parameters(const struct fth_probe_inst *inst)
{
	if (inst->tp)
		return false;
	if (inst->args)
		return inst->nargs == 0;
	if (!inst->attach_btf_id)
		return false;
	if (inst->expected_attach_type == BPF_TRACE_FEXIT)
		return inst->returns_void;
	return inst->expected_attach_type == BPF_TRACE_FENTRY;
}

static const char *args_hint(struct sema *s)
{
	const struct fth_probe_inst *inst = s->cur->inst;

	if (inst->regs_ctx && inst->binary && inst->entry_symbol && !inst->has_retval)
		return fth_arena_printf(A(s), "a uprobe has args when %s has DWARF debug info for %s (build it with -g); "
					      "arg0, arg1, ... read the argument registers",
					inst->binary, inst->func_name ? inst->func_name : "the function");
	/* an offset or address into a function: the parameters' places
	 * are those of its entry, which the probe is past */
	if (inst->provider == &fth_provider_uprobe && !inst->entry_symbol)
		return "a uprobe has args at a function's entry only (uprobe:BINARY:FUNCTION), not at an offset or "
		       "address; arg0, arg1, ... read the argument registers there";
	/* scripts written for fentry often say kprobe: the registers are
	 * there, untyped, and fentry has the typed args */
	if (inst->provider == &fth_provider_kprobe || inst->provider == &fth_provider_kretprobe)
		return "a kprobe has arg0, arg1, ... (cast them, e.g. (struct sock *)arg0), not args; "
		       "fentry:FUNCTION has args typed from BTF (args.sk)";
	return "args exists in tracepoint, rawtracepoint, fentry/fexit and iter probes";
}

/* A declared pointer type (let $c: struct C *;) points where a cast in
 * this probe would: into the traced process in uprobes and usdt probes,
 * anywhere (read with the legacy helper) in BEGIN, interval and the like,
 * else into the kernel. Every level of a pointer to a pointer, and the
 * pointers of an array of them, alike. */
static struct fth_type *in_probe_space(struct sema *s, struct fth_type *t)
{
	struct fth_type *copy;

	if (!t || (t->kind != FTH_T_POINTER && !(t->kind == FTH_T_ARRAY && t->elem->kind == FTH_T_POINTER)))
		return t;
	copy = fth_arena_alloc(A(s), sizeof(*copy));
	*copy = *t;
	copy->elem = in_probe_space(s, t->elem);
	if (t->kind == FTH_T_POINTER) {
		copy->user_space = s->cur->inst->user_space;
		copy->addr_space_unset = probe_without_addr_space(s->cur->inst);
	}
	return copy;
}

/* let $x [: type] [= value]: a new variable of the current block. One that
 * an enclosing block (or this one) already has would be shadowed, which
 * bpftrace forbids. */
static void check_let(struct sema *s, struct fth_node *st)
{
	struct fth_node *var = st->u.let.var;
	struct fth_var *outer = var_lookup(s, var->u.ident.name);
	struct fth_type *declared = NULL, *vt = NULL;

	/* bpftrace's two cases: a second let of a visible variable, and a let
	 * of one that an assignment has already introduced */
	if (outer && outer->declared) {
		ERR_HINT(s, var,
			 fth_arena_printf(A(s), "use another name, or assign the existing %s without let",
					  var->u.ident.name),
			 "Variable %s was already declared. Variable shadowing is not allowed.", var->u.ident.name);
		return;
	}
	if (outer) {
		ERR_HINT(s, var,
			 fth_arena_printf(A(s), "drop this let to assign the existing %s, or declare it with let before its first use",
					  var->u.ident.name),
			 "Variable declarations need to occur before variable usage or assignment. Variable: %s",
			 var->u.ident.name);
		return;
	}
	if (st->u.let.has_type)
		declared = in_probe_space(s, named_type(s, &st->u.let.type_name, st));
	if (st->u.let.value)
		vt = check_expr(s, st->u.let.value);
	if (declared && vt && is_int(declared) != is_int(vt))
		ERR_HINT(s, st->u.let.value, "declare the variable with the value's type, or cast the value",
			 "%s is declared %s; it cannot be assigned %s", var->u.ident.name,
		    fth_type_describe(A(s), declared), fth_type_describe(A(s), vt));
	if (declared && declared->kind == FTH_T_INT)
		declared = fth_type_int(8, declared->is_signed);
	var->u.ident.var = var_new(s, var->u.ident.name, declared ? declared : vt);
	var->u.ident.var->declared = true;
	var->type = var->u.ident.var->type;
}

/* -------------------------------------------------------------- builtins */

const struct fth_tp_field *fth_sema_tp_field(const struct fth_prog *p, const char *name)
{
	const struct fth_tp_format *tp = p->inst ? p->inst->tp : NULL;

	if (!tp)
		return NULL;
	for (int i = 0; i < tp->nfields; i++)
		if (!tp->fields[i].common && !strcmp(tp->fields[i].name, name))
			return &tp->fields[i];
	return NULL;
}

static struct fth_type *check_struct_member(struct sema *s, struct fth_node *e);

/* For retval in an entry probe: the same function's return probe,
 * named (kprobe:f -> kretprobe:f, uprobe:B:f -> uretprobe:B:f,
 * fentry:f -> fexit:f); NULL for other probes. */
static const char *return_probe_hint(struct sema *s)
{
	static const struct {
		const char *entry, *ret;
	} pairs[] = { { "kprobe", "kretprobe" }, { "uprobe", "uretprobe" }, { "fentry", "fexit" } };
	const struct fth_probe_inst *inst = s->cur->inst;
	/* the attach point as written (kprobe:vfs_*), not one function of it */
	const char *written = inst->attach ? inst->attach->u.attach.text : inst->name;
	const char *colon = written ? strchr(written, ':') : NULL;

	bool several = s->cur->probe && s->cur->probe->u.probe.attach_points.len > 1;

	for (size_t i = 0; colon && i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (strcmp(inst->provider->name, pairs[i].entry))
			continue;
		/* one hint for all the attach points of a probe (the same
		 * mistake is said once) */
		if (several)
			return fth_arena_printf(A(s), "the return value is read where a function returns: in %s probes",
						pairs[i].ret);
		return fth_arena_printf(A(s), "the return value is read where the function returns: %s%s", pairs[i].ret,
					colon);
	}
	return NULL;
}

static const char *const builtin_names[] = {
	"ppid", "pcomm", "func", "retval", "cpid", "has_cpid", "pid", "tid", "uid", "gid", "nsecs", "elapsed", "cpu", "comm", "args", "probe",
	"rand", "cgroup", "curtask", "numaid", "jiffies", "ncpus", "username", "kstack",
	"usermode", "ctx", "probetype", "leader_comm", "leader_tid",
};

static bool is_type_word(const char *name)
{
	static const char *const words[] = { "int8", "int16", "int32", "int64", "uint8", "uint16",
					     "uint32", "uint64", "bool", "string" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i], name))
			return true;
	return false;
}

static int signal_number(const char *name);

/* Macros of the kernel headers that tools #include (linux/sched.h,
 * linux/socket.h, ...). BTF has enums but not #defines, so the common ones
 * are known here and scripts run with no kernel headers installed. */
static bool header_constant(const char *name, int64_t *value)
{
	static const struct {
		const char *name;
		int64_t value;
	} constants[] = {
		{ "TASK_RUNNING", 0 }, { "TASK_INTERRUPTIBLE", 1 }, { "TASK_UNINTERRUPTIBLE", 2 },
		{ "__TASK_STOPPED", 4 }, { "__TASK_TRACED", 8 }, { "EXIT_DEAD", 16 }, { "EXIT_ZOMBIE", 32 },
		{ "TASK_PARKED", 64 }, { "TASK_DEAD", 128 }, { "TASK_WAKEKILL", 256 }, { "TASK_NOLOAD", 1024 },
		{ "TASK_IDLE", 1026 }, { "PF_KTHREAD", 0x00200000 }, { "PF_EXITING", 0x4 },
		{ "AF_UNSPEC", 0 }, { "AF_UNIX", 1 }, { "AF_LOCAL", 1 }, { "AF_INET", 2 }, { "AF_INET6", 10 },
		{ "AF_NETLINK", 16 }, { "AF_PACKET", 17 }, { "SOCK_STREAM", 1 }, { "SOCK_DGRAM", 2 },
		{ "SOCK_RAW", 3 }, { "IPPROTO_TCP", 6 }, { "IPPROTO_UDP", 17 }, { "IPPROTO_ICMP", 1 },
		{ "O_RDONLY", 0 }, { "O_WRONLY", 1 }, { "O_RDWR", 2 }, { "O_CREAT", 0100 }, { "O_EXCL", 0200 },
		{ "O_TRUNC", 01000 }, { "O_APPEND", 02000 }, { "O_NONBLOCK", 04000 }, { "O_DIRECTORY", 0200000 },
		{ "O_CLOEXEC", 02000000 }, { "NSEC_PER_SEC", 1000000000 }, { "NSEC_PER_MSEC", 1000000 },
		{ "NSEC_PER_USEC", 1000 }, { "PAGE_SIZE", 4096 }, { "PAGE_SHIFT", 12 },
		/* the rest of <fcntl.h>'s open flags, as the x86-64 kernel has them */
		{ "O_ACCMODE", 3 }, { "O_NOCTTY", 0400 }, { "O_NDELAY", 04000 }, { "O_DSYNC", 010000 },
		{ "FASYNC", 020000 }, { "O_ASYNC", 020000 }, { "O_DIRECT", 040000 }, { "O_LARGEFILE", 0100000 },
		{ "O_NOFOLLOW", 0400000 }, { "O_NOATIME", 01000000 }, { "__O_SYNC", 04000000 },
		{ "O_SYNC", 04010000 }, { "O_RSYNC", 04010000 }, { "O_PATH", 010000000 },
		{ "__O_TMPFILE", 020000000 }, { "O_TMPFILE", 020200000 },
		{ "AT_FDCWD", -100 }, { "AT_SYMLINK_NOFOLLOW", 0x100 }, { "AT_REMOVEDIR", 0x200 },
		{ "AT_SYMLINK_FOLLOW", 0x400 }, { "AT_EMPTY_PATH", 0x1000 },
		{ "SEEK_SET", 0 }, { "SEEK_CUR", 1 }, { "SEEK_END", 2 }, { "SEEK_DATA", 3 }, { "SEEK_HOLE", 4 },
		/* <dirent.h>: d_type, and the file types of <sys/stat.h> */
		{ "DT_UNKNOWN", 0 }, { "DT_FIFO", 1 }, { "DT_CHR", 2 }, { "DT_DIR", 4 }, { "DT_BLK", 6 },
		{ "DT_REG", 8 }, { "DT_LNK", 10 }, { "DT_SOCK", 12 }, { "DT_WHT", 14 },
		{ "S_IFMT", 0170000 }, { "S_IFSOCK", 0140000 }, { "S_IFLNK", 0120000 }, { "S_IFREG", 0100000 },
		{ "S_IFBLK", 060000 }, { "S_IFDIR", 040000 }, { "S_IFCHR", 020000 }, { "S_IFIFO", 010000 },
		/* <sys/mman.h> */
		{ "PROT_NONE", 0 }, { "PROT_READ", 1 }, { "PROT_WRITE", 2 }, { "PROT_EXEC", 4 },
		{ "MAP_SHARED", 1 }, { "MAP_PRIVATE", 2 }, { "MAP_FIXED", 0x10 }, { "MAP_ANONYMOUS", 0x20 },
		{ "MAP_ANON", 0x20 }, { "MAP_GROWSDOWN", 0x100 }, { "MAP_LOCKED", 0x2000 },
		{ "MAP_POPULATE", 0x8000 }, { "MAP_HUGETLB", 0x40000 },
		/* <linux/sched.h> clone flags */
		{ "CSIGNAL", 0xff }, { "CLONE_VM", 0x100 }, { "CLONE_FS", 0x200 }, { "CLONE_FILES", 0x400 },
		{ "CLONE_SIGHAND", 0x800 }, { "CLONE_PIDFD", 0x1000 }, { "CLONE_PTRACE", 0x2000 },
		{ "CLONE_VFORK", 0x4000 }, { "CLONE_PARENT", 0x8000 }, { "CLONE_THREAD", 0x10000 },
		{ "CLONE_NEWNS", 0x20000 }, { "CLONE_SYSVSEM", 0x40000 }, { "CLONE_SETTLS", 0x80000 },
		{ "CLONE_PARENT_SETTID", 0x100000 }, { "CLONE_CHILD_CLEARTID", 0x200000 },
		{ "CLONE_DETACHED", 0x400000 }, { "CLONE_UNTRACED", 0x800000 },
		{ "CLONE_CHILD_SETTID", 0x1000000 }, { "CLONE_NEWCGROUP", 0x2000000 },
		{ "CLONE_NEWUTS", 0x4000000 }, { "CLONE_NEWIPC", 0x8000000 }, { "CLONE_NEWUSER", 0x10000000 },
		{ "CLONE_NEWPID", 0x20000000 }, { "CLONE_NEWNET", 0x40000000 }, { "CLONE_IO", 0x80000000 },
		/* <linux/socket.h> address families (PF_* are the same numbers) */
		{ "AF_AX25", 3 }, { "AF_IPX", 4 }, { "AF_APPLETALK", 5 }, { "AF_NETROM", 6 },
		{ "AF_BRIDGE", 7 }, { "AF_ATMPVC", 8 }, { "AF_X25", 9 }, { "AF_ROSE", 11 }, { "AF_DECnet", 12 },
		{ "AF_NETBEUI", 13 }, { "AF_SECURITY", 14 }, { "AF_KEY", 15 }, { "AF_ROUTE", 16 },
		{ "AF_ASH", 18 }, { "AF_ECONET", 19 }, { "AF_ATMSVC", 20 }, { "AF_RDS", 21 }, { "AF_SNA", 22 },
		{ "AF_IRDA", 23 }, { "AF_PPPOX", 24 }, { "AF_WANPIPE", 25 }, { "AF_LLC", 26 }, { "AF_IB", 27 },
		{ "AF_MPLS", 28 }, { "AF_CAN", 29 }, { "AF_TIPC", 30 }, { "AF_BLUETOOTH", 31 }, { "AF_IUCV", 32 },
		{ "AF_RXRPC", 33 }, { "AF_ISDN", 34 }, { "AF_PHONET", 35 }, { "AF_IEEE802154", 36 },
		{ "AF_CAIF", 37 }, { "AF_ALG", 38 }, { "AF_NFC", 39 }, { "AF_VSOCK", 40 }, { "AF_KCM", 41 },
		{ "AF_QIPCRTR", 42 }, { "AF_SMC", 43 }, { "AF_XDP", 44 }, { "AF_MCTP", 45 }, { "AF_MAX", 46 },
		{ "SOCK_NONBLOCK", 04000 }, { "SOCK_CLOEXEC", 02000000 },
		{ "SOL_IP", 0 }, { "SOL_SOCKET", 1 }, { "SOL_TCP", 6 }, { "SOL_UDP", 17 }, { "SOL_IPV6", 41 },
		{ "SO_DEBUG", 1 }, { "SO_REUSEADDR", 2 }, { "SO_TYPE", 3 }, { "SO_ERROR", 4 },
		{ "SO_DONTROUTE", 5 }, { "SO_BROADCAST", 6 }, { "SO_SNDBUF", 7 }, { "SO_RCVBUF", 8 },
		{ "SO_KEEPALIVE", 9 }, { "SO_OOBINLINE", 10 }, { "SO_LINGER", 13 }, { "SO_REUSEPORT", 15 },
		{ "MSG_OOB", 1 }, { "MSG_PEEK", 2 }, { "MSG_DONTROUTE", 4 }, { "MSG_CTRUNC", 8 },
		{ "MSG_TRUNC", 0x20 }, { "MSG_DONTWAIT", 0x40 }, { "MSG_EOR", 0x80 }, { "MSG_WAITALL", 0x100 },
		{ "MSG_NOSIGNAL", 0x4000 }, { "MSG_MORE", 0x8000 }, { "MSG_ZEROCOPY", 0x4000000 },
		/* <linux/in.h>, <linux/in6.h>: what BTF's IPPROTO_* enum lacks */
		{ "IPPROTO_HOPOPTS", 0 }, { "IPPROTO_ROUTING", 43 }, { "IPPROTO_FRAGMENT", 44 },
		{ "IPPROTO_ICMPV6", 58 }, { "IPPROTO_NONE", 59 }, { "IPPROTO_DSTOPTS", 60 },
		{ "IPPROTO_MH", 135 }, { "INADDR_ANY", 0 }, { "INADDR_BROADCAST", 0xffffffff },
		{ "INADDR_LOOPBACK", 0x7f000001 }, { "TCP_NODELAY", 1 }, { "TCP_MAXSEG", 2 }, { "TCP_CORK", 3 },
		/* <linux/if_ether.h> */
		{ "ETH_ALEN", 6 }, { "ETH_HLEN", 14 }, { "ETH_ZLEN", 60 }, { "ETH_DATA_LEN", 1500 },
		{ "ETH_FRAME_LEN", 1514 }, { "ETH_P_LOOP", 0x0060 }, { "ETH_P_ALL", 0x0003 }, { "ETH_P_IP", 0x0800 },
		{ "ETH_P_ARP", 0x0806 }, { "ETH_P_RARP", 0x8035 }, { "ETH_P_8021Q", 0x8100 },
		{ "ETH_P_IPV6", 0x86DD }, { "ETH_P_PPP_DISC", 0x8863 }, { "ETH_P_PPP_SES", 0x8864 },
		{ "ETH_P_MPLS_UC", 0x8847 }, { "ETH_P_MPLS_MC", 0x8848 }, { "ETH_P_8021AD", 0x88A8 },
		{ "ETH_P_LLDP", 0x88CC }, { "ETH_P_1588", 0x88F7 },
		/* <linux/icmp.h>, <linux/icmpv6.h> */
		{ "ICMP_ECHOREPLY", 0 }, { "ICMP_DEST_UNREACH", 3 }, { "ICMP_SOURCE_QUENCH", 4 },
		{ "ICMP_REDIRECT", 5 }, { "ICMP_ECHO", 8 }, { "ICMP_TIME_EXCEEDED", 11 },
		{ "ICMP_PARAMETERPROB", 12 }, { "ICMP_TIMESTAMP", 13 }, { "ICMP_TIMESTAMPREPLY", 14 },
		{ "ICMP_INFO_REQUEST", 15 }, { "ICMP_INFO_REPLY", 16 }, { "ICMP_ADDRESS", 17 },
		{ "ICMP_ADDRESSREPLY", 18 }, { "ICMP_NET_UNREACH", 0 }, { "ICMP_HOST_UNREACH", 1 },
		{ "ICMP_PROT_UNREACH", 2 }, { "ICMP_PORT_UNREACH", 3 }, { "ICMP_FRAG_NEEDED", 4 },
		{ "ICMPV6_DEST_UNREACH", 1 }, { "ICMPV6_PKT_TOOBIG", 2 }, { "ICMPV6_TIME_EXCEED", 3 },
		{ "ICMPV6_PARAMPROB", 4 }, { "ICMPV6_ECHO_REQUEST", 128 }, { "ICMPV6_ECHO_REPLY", 129 },
		/* <linux/poll.h>, <linux/eventpoll.h> */
		{ "POLLIN", 0x1 }, { "POLLPRI", 0x2 }, { "POLLOUT", 0x4 }, { "POLLERR", 0x8 },
		{ "POLLHUP", 0x10 }, { "POLLNVAL", 0x20 }, { "POLLRDNORM", 0x40 }, { "POLLRDHUP", 0x2000 },
		{ "EPOLLIN", 0x1 }, { "EPOLLPRI", 0x2 }, { "EPOLLOUT", 0x4 }, { "EPOLLERR", 0x8 },
		{ "EPOLLHUP", 0x10 }, { "EPOLLRDHUP", 0x2000 }, { "EPOLLEXCLUSIVE", 1 << 28 },
		{ "EPOLLONESHOT", 1 << 30 }, { "EPOLLET", 1u << 31 },
		/* <linux/fs.h> */
		{ "MAY_EXEC", 1 }, { "MAY_WRITE", 2 }, { "MAY_READ", 4 }, { "MAY_APPEND", 8 },
		{ "FMODE_READ", 0x1 }, { "FMODE_WRITE", 0x2 }, { "FMODE_LSEEK", 0x4 }, { "FMODE_PREAD", 0x8 },
		{ "FMODE_PWRITE", 0x10 }, { "FMODE_EXEC", 0x20 }, { "RWF_HIPRI", 1 }, { "RWF_DSYNC", 2 },
		{ "RWF_SYNC", 4 }, { "RWF_NOWAIT", 8 }, { "RWF_APPEND", 0x10 },
		{ "MS_RDONLY", 1 }, { "MS_NOSUID", 2 }, { "MS_NODEV", 4 }, { "MS_NOEXEC", 8 },
		{ "MS_SYNCHRONOUS", 16 }, { "MS_REMOUNT", 32 }, { "MS_BIND", 4096 }, { "MS_MOVE", 8192 },
		{ "MS_REC", 16384 }, { "F_DUPFD", 0 }, { "F_GETFD", 1 }, { "F_SETFD", 2 }, { "F_GETFL", 3 },
		{ "F_SETFL", 4 }, { "F_GETLK", 5 }, { "F_SETLK", 6 }, { "F_SETLKW", 7 }, { "FD_CLOEXEC", 1 },
		/* <linux/resource.h>, <linux/prctl.h>, <linux/netfilter.h> */
		{ "RLIMIT_CPU", 0 }, { "RLIMIT_FSIZE", 1 }, { "RLIMIT_DATA", 2 }, { "RLIMIT_STACK", 3 },
		{ "RLIMIT_CORE", 4 }, { "RLIMIT_RSS", 5 }, { "RLIMIT_NPROC", 6 }, { "RLIMIT_NOFILE", 7 },
		{ "RLIMIT_MEMLOCK", 8 }, { "RLIMIT_AS", 9 }, { "PR_SET_NAME", 15 }, { "PR_GET_NAME", 16 },
		{ "NF_DROP", 0 }, { "NF_ACCEPT", 1 }, { "NF_STOLEN", 2 }, { "NF_QUEUE", 3 }, { "NF_REPEAT", 4 },
		{ "NF_STOP", 5 },
	};

	for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++)
		if (!strcmp(constants[i].name, name)) {
			*value = constants[i].value;
			return true;
		}
	/* <sys/socket.h>: each protocol family is its address family */
	if (!strncmp(name, "PF_", 3)) {
		char af[64];
		snprintf(af, sizeof(af), "AF_%s", name + 3);
		if (header_constant(af, value))
			return true;
	}
	/* <signal.h>: SIGKILL, SIGTERM, ... */
	if (!strncmp(name, "SIG", 3) && signal_number(name) > 0) {
		*value = signal_number(name);
		return true;
	}
	/* <sys/syscall.h>: __NR_nanosleep and SYS_nanosleep, this
	 * architecture's system call numbers. */
	if ((!strncmp(name, "__NR_", 5) || !strncmp(name, "SYS_", 4)) &&
	    fth_syscall_number(name + (name[0] == '_' ? 5 : 4), value))
		return true;
	/* errno.h: EPERM, ENOENT, ... as the C library names them (Linux
	 * errno numbers are the same in the kernel and in userspace). */
	if (name[0] == 'E') {
		for (int e = 1; e < 4096; e++) {
			const char *n = strerrorname_np(e);
			if (n && !strcmp(n, name)) {
				*value = e;
				return true;
			}
		}
	}
	return false;
}

/* The int64 type whose values print as enumerators of e. */
static struct fth_type *enum_type(struct sema *s, const struct fth_enum *e)
{
	return fth_type_enum64(A(s), e);
}

/* The object-like #define of name in force at offset `at` (the script's,
 * or an imported file's), or NULL. A name the parser left an identifier
 * although it is one reaches itself again, or its body is no value. */
static const struct fth_cmacro *script_macro(struct sema *s, const char *name, uint32_t at)
{
	const struct fth_cmacro *m = fth_cmacros_find(s->prog->cmacros, name, strlen(name), at);

	return m && !m->function_like ? m : NULL;
}

/* An enumerator of an enum the script defines (cdefs.c parses them) or,
 * unless the script #defines the name there, of a kernel enum: its value
 * and the enum's type, int64 as bpftrace types enumerators, so it prints
 * by name. */
static struct fth_type *script_enumerator(struct sema *s, const char *name, uint32_t at, int64_t *value)
{
	const struct fth_type *et = s->prog->cdefs ? fth_cdefs_enumerator(s->prog->cdefs, name, value) : NULL;
	struct fth_btf *btf;

	if (!et && !script_macro(s, name, at) && name[0] >= 'A' && name[0] <= 'Z' && (btf = fth_program_btf(s->prog)))
		et = fth_btf_enumerator(btf, A(s), name, value);
	return et && et->enum_def ? enum_type(s, et->enum_def) : NULL;
}

static struct fth_type *lookup_type(struct sema *s, const char *name);

static const struct fth_enum *script_enum_named(struct sema *s, const char *name)
{
	const struct fth_type *t = lookup_type(s, name);

	return t && t->kind == FTH_T_INT ? t->enum_def : NULL;
}

/* An enumerator of the kernel (TCP_ESTABLISHED) or a common header macro
 * (TASK_RUNNING): its integer value. (The script's own #defines never get
 * here: the parser put their bodies in their place.) */
static bool constant_value(struct sema *s, const char *name, int64_t *value)
{
	struct fth_btf *btf;

	if (s->prog->cdefs && fth_cdefs_enum_value(s->prog->cdefs, name, value))
		return true;
	btf = name[0] >= 'A' && name[0] <= 'Z' ? fth_program_btf(s->prog) : NULL;
	if (btf && fth_btf_enum_value(btf, name, value))
		return true;
	return header_constant(name, value);
}

static struct fth_type *macro_not_a_value(struct sema *s, struct fth_node *e, const struct fth_cmacro *m);

/* e becomes the literal value; a negative one is written -N, as a script
 * would, so that it stays signed when it is typed again. */
static void become_int_literal(struct sema *s, struct fth_node *e, int64_t value)
{
	struct fth_node *magnitude;

	if (value >= 0) {
		e->kind = FTH_INT;
		e->u.integer = (uint64_t)value;
		return;
	}
	magnitude = fth_node_new(A(s), FTH_INT, e->range);
	magnitude->u.integer = -(uint64_t)value;
	magnitude->type = uint64_t_();
	e->kind = FTH_UNARY;
	e->u.unary.op = TOK_MINUS;
	e->u.unary.operand = magnitude;
}

static bool literal_int(struct fth_node *e, int64_t *out);
static bool literal_int_or_positional(struct sema *s, struct fth_node *e, int64_t *out);

int fth_pt_regs_offset(const char *name)
{
	/* struct pt_regs on x86-64, in order */
	static const char *const regs[] = { "r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9",
					    "r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs",
					    "flags", "sp", "ss" };

	if (!strcmp(name, "pc"))
		name = "ip";
	if (!strcmp(name, "orig_rax"))
		name = "orig_ax";
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(regs[i], name))
			return (int)(8 * i);
	return -1;
}

/* The map that kstack/ustack ids of `limit` frames point into
 * (fth_program_stack_map; codegen's emit_stackid says how it is filled);
 * prog->stack_map is the first one made. */
static void need_stack_map(struct sema *s, int limit, bool build_id)
{
	const char *base = build_id ? "fth_bidstacks" : "fth_stacks";
	struct fth_map *m;

	if (fth_program_stack_map(s->prog, limit, build_id))
		return;
	m = fth_program_add_internal_map(s->prog, limit == 127 ? base : fth_arena_printf(A(s), "%s_%d", base, limit),
					 BPF_MAP_TYPE_HASH, 8,
					 (build_id ? sizeof(struct bpf_stack_build_id) : 8) * (uint32_t)limit,
					 s->prog->config.max_map_keys);
	m->stack_limit = limit;
	m->stack_build_id = build_id;
	if (s->prog->stack_map < 0)
		s->prog->stack_map = m->index;
}

/* The table signal_name() reads its text from (see the loader). */
static void need_signal_names_map(struct sema *s)
{
	struct fth_map *m;

	if (s->prog->signal_names_map >= 0)
		return;
	m = fth_program_add_internal_map(s->prog, "fth_signames", BPF_MAP_TYPE_ARRAY, 4, FTH_SIGNAL_NAME_SIZE,
					 FTH_SIGNAL_NAMES);
	s->prog->signal_names_map = m->index;
}

/* Where the kernel keeps the return addresses uretprobes replaced (see
 * struct fth_dw_capture_record), from BTF; none if any is missing. */
static void dw_uretprobe_offsets(struct sema *s)
{
	static const char *const path[5][2] = {
		{ "struct task_struct", "utask" },       { "struct uprobe_task", "return_instances" },
		{ "struct return_instance", "stack" }, { "struct return_instance", "orig_ret_vaddr" },
		{ "struct return_instance", "next" },
	};
	struct fth_btf *btf = fth_program_btf(s->prog);
	int offsets[5];

	for (int i = 0; i < 5; i++) {
		struct fth_type *t = btf ? fth_btf_type_by_name(btf, A(s), path[i][0]) : NULL;
		uint32_t off = 0, bit_off = 0, bit_size = 0;
		if (!t || !fth_btf_member(btf, A(s), t, path[i][1], &off, &bit_off, &bit_size) || bit_size)
			return;
		offsets[i] = (int)off;
	}
	memcpy(s->prog->dw_uret_offsets, offsets, sizeof(offsets));
}

/* The counter that numbers dw_ustack captures (codegen's emit_dw_capture). */
static void need_dw_seq_map(struct sema *s)
{
	struct fth_map *m;

	if (s->prog->dw_seq_map >= 0)
		return;
	m = fth_program_add_internal_map(s->prog, "fth_dwseq", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	s->prog->dw_seq_map = m->index;
	dw_uretprobe_offsets(s);
}

/* dw_ustack reads the user registers of the thread that hit the probe;
 * test and bench probes run on a made-up packet in no such thread (their
 * programs are XDP, which has no task helpers). */
static bool dw_ustack_available(struct sema *s, struct fth_node *e)
{
	const struct fth_probe_inst *inst = s->cur->inst;

	if (inst->provider->prog_type != BPF_PROG_TYPE_XDP)
		return true;
	ERR_HINT(s, e,
		 "use it in probes that fire in a traced thread: uprobe, usdt, tracepoint, kprobe, profile, "
		 "BEGIN ...",
		 "dw_ustack is not available in %s probes: they run in no traced thread whose user stack "
		 "could be unwound", inst->provider->name);
	return false;
}

/* The fix for a bad kstack()/ustack() limit: what was wrong with it and
 * how the call is written. */
static const char *stack_limit_hint(struct sema *s, const char *name, struct fth_node *limit)
{
	int64_t n;

	if (literal_int_or_positional(s, limit, &n))
		return fth_arena_printf(A(s), "%lld frames cannot be captured: write e.g. %s(10) or %s(perf, 10)",
					(long long)n, name, name);
	if (limit->kind == FTH_IDENT)
		return fth_arena_printf(A(s), "a stack mode comes first: write e.g. %s(perf, 10)", name);
	if (limit->kind == FTH_POSITIONAL)
		return fth_arena_printf(A(s), "pass a number of frames as parameter $%d, e.g. 10",
					limit->u.positional.index);
	return fth_arena_printf(A(s), "the limit is read when the program is built, so it cannot be computed in the "
				"probe: write e.g. %s(10) or %s(perf, 10)", name, name);
}

/* kstack / ustack / dw_ustack, or kstack(mode), kstack(limit),
 * kstack(mode, limit). */
static struct fth_type *stack_type(struct sema *s, struct fth_node *e, const char *name, struct fth_node_list *args)
{
	bool dwarf = !strcmp(name, "dw_ustack"), user = name[0] != 'k';
	struct fth_type *t;

	if (dwarf && (!allow_unstable(s, e, s->prog->config.unstable_dw_ustack, "dw_ustack", "unstable_dw_ustack",
					   &s->dw_ustack_noted, false) || !dw_ustack_available(s, e)))
		return NULL;
	t = fth_type_new(A(s), user ? FTH_T_USTACK : FTH_T_KSTACK, user ? 16 : 8);
	t->stack_dwarf = dwarf;

	t->stack_mode = s->prog->config.stack_mode;
	t->stack_limit = 127;
	for (int i = 0; args && i < args->len; i++) {
		struct fth_node *a = args->items[i];
		int64_t n;
		if (i == 1 && args->items[0]->kind != FTH_IDENT) {
			/* kstack(1, 2): two limits */
			ERR_HINT(s, args->items[0], fth_arena_printf(A(s), "write e.g. %s(perf, 10)", name),
				 "%s() takes a stack mode first when it has two arguments", name);
			return NULL;
		}
		if (a->kind == FTH_IDENT && i == 0) {
			int mode = fth_stack_mode_by_name(a->u.ident.name);
			if (dwarf && mode == FTH_STACK_BUILD_ID) {
				ERR_HINT(s, a, "use bpftrace, perf or raw, or ustack(build_id)",
					 "dw_ustack has no 'build_id' mode: its frames are addresses unwound in "
					 "user space");
				return NULL;
			}
			if (mode < 0) {
				ERR_HINT(s, a, "modes are bpftrace, perf, raw and build_id", "unknown stack mode '%s'",
					 a->u.ident.name);
				return NULL;
			}
			t->stack_mode = (enum fth_stack_mode)mode;
		} else if (literal_int_or_positional(s, a, &n) && n > 0 && n <= 127) {
			/* ustack($1): a positional parameter holding a number
			 * is a literal too, as in bpftrace */
			t->stack_limit = (int)n;
		} else {
			ERR_HINT(s, a, stack_limit_hint(s, name, a), "stack limit must be an integer literal from 1 to 127");
			return NULL;
		}
	}
	if (!user && t->stack_mode == FTH_STACK_BUILD_ID) {
		/* Kernel frames have no ELF file to name, as in bpftrace. */
		if (s->strict && !s->retyping)
			fth_diag_report_expanded(s->diag, FTH_SEV_WARNING, e->range, e->expanded, NULL,
						 "'build_id' stack mode can only be used for ustack. Falling back to "
						 "'raw' mode.");
		t->stack_mode = FTH_STACK_RAW;
	}
	if (dwarf) {
		/* a config stack_mode=build_id does not apply */
		if (t->stack_mode == FTH_STACK_BUILD_ID)
			t->stack_mode = FTH_STACK_BPFTRACE;
		need_dw_seq_map(s);
		return t;
	}
	need_stack_map(s, t->stack_limit, t->stack_mode == FTH_STACK_BUILD_ID);
	return t;
}

/* arg0..argN of a pt_regs probe: registers, or a USDT argument's spec. */
static struct fth_type *check_regs_arg(struct sema *s, struct fth_node *e)
{
	const struct fth_probe_inst *inst = s->cur->inst;
	char *end;
	long idx = strtol(e->u.ident.name + 3, &end, 10);
	int max = inst->usdt_args ? inst->nusdt_args : 6;

	if (*end || idx < 0 || idx >= max) {
		ERR_HINT(s, e, inst->usdt_args ? "'fathom -lv' lists the probe's arguments"
					       : "on x86-64 arguments 0 to 5 are passed in registers",
			 "%s has no %s (arg0 to arg%d)", inst->name, e->u.ident.name, max - 1);
		return NULL;
	}
	if (inst->usdt_args) {
		const struct fth_usdt_arg *a = &inst->usdt_args[idx];
		return fth_type_int(8, a->is_signed);
	}
	return uint64_t_();
}

/* sarg0, sarg1, ...: the arguments a function is passed on the stack, at
 * its entry (bpftrace 0.17; removed from bpftrace since, whose args now
 * names them): the 8-byte words above the return address. */
static struct fth_type *check_stack_arg(struct sema *s, struct fth_node *e)
{
	const struct fth_probe_inst *inst = s->cur->inst;
	char *end;
	long idx = strtol(e->u.ident.name + 4, &end, 10);

	if (!inst->regs_ctx || inst->usdt_args || inst->has_retval) {
		ERR_HINT(s, e,
			 inst->has_retval ? "the stack has moved on when the function returns: read them in its "
					    "entry probe and keep them in a map keyed by tid" :
					    "stack arguments exist at the entry of a function: kprobe and uprobe",
			 "The %s builtin can only be used with 'kprobes' and 'uprobes' probes", e->u.ident.name);
		return NULL;
	}
	if (*end || idx < 0 || idx > 63) {
		ERR(s, e, "%s: no such stack argument (sarg0 to sarg63)", e->u.ident.name);
		return NULL;
	}
	return uint64_t_();
}

/* Builtins whose code reads the probe's context (the tracepoint record,
 * pt_regs, the perf sample): not available in a for-map callback. */
static bool reads_probe_context(const char *n)
{
	static const char *const names[] = { "args", "retval", "ctx", "kstack", "ustack", "dw_ustack", "func" };

	if (!strncmp(n, "arg", 3) && n[3] >= '0' && n[3] <= '9')
		return true;
	if (!strncmp(n, "sarg", 4) && n[4] >= '0' && n[4] <= '9')
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(n, names[i]))
			return true;
	return false;
}

static struct fth_type *check_record(struct sema *s, struct fth_node *e);
static struct fth_type *lookup_type(struct sema *s, const char *name);

/* `args` as a whole (print(args), $a = args): a record of every argument,
 * (name = args.name, ...), built once per probe instance since each
 * tracepoint of a wildcard has its own fields. */
static struct fth_type *check_args_record(struct sema *s, struct fth_node *e)
{
	struct fth_prog *p = s->cur;
	const struct fth_probe_inst *inst = p->inst;
	struct fth_node *rec = p->args_record;

	if (!rec) {
		int n = inst->tp ? inst->tp->nfields : inst->nargs;
		rec = fth_node_new(A(s), FTH_RECORD, e->range);
		for (int i = 0; i < n; i++) {
			const char *name = inst->tp ? inst->tp->fields[i].name : inst->args[i].name;
			struct fth_node *field, *base, *item;
			if (!name || (inst->tp && inst->tp->fields[i].common))
				continue;
			base = fth_node_new(A(s), FTH_IDENT, e->range);
			base->u.ident.name = "args";
			field = fth_node_new(A(s), FTH_FIELD, e->range);
			field->u.field.base = base;
			field->u.field.name = name;
			field->u.field.name_range = e->range;
			item = fth_node_new(A(s), FTH_RECORD_FIELD, e->range);
			item->u.record_field.name = name;
			item->u.record_field.value = field;
			fth_node_list_push(A(s), &rec->u.list, item);
		}
		if (args_hold_retval(inst)) {
			/* what bpftrace prints as .$retval; read as retval */
			struct fth_node *retval = fth_node_new(A(s), FTH_IDENT, e->range);
			struct fth_node *item = fth_node_new(A(s), FTH_RECORD_FIELD, e->range);
			retval->u.ident.name = "retval";
			item->u.record_field.name = "$retval";
			item->u.record_field.value = retval;
			fth_node_list_push(A(s), &rec->u.list, item);
		}
		p->args_record = rec;
	}
	rec->type = check_record(s, rec);
	return rec->type;
}

/* Append `name = value` to the record literal rec. */
static void record_add(struct sema *s, struct fth_node *rec, const char *name, struct fth_node *value)
{
	struct fth_node *f = fth_node_new(A(s), FTH_RECORD_FIELD, rec->range);

	f->u.record_field.name = name;
	f->u.record_field.value = value;
	fth_node_list_push(A(s), &rec->u.list, f);
}

static void record_add_int(struct sema *s, struct fth_node *rec, const char *name, uint64_t v, bool boolean)
{
	struct fth_node *n = fth_node_new(A(s), boolean ? FTH_BOOL : FTH_INT, rec->range);

	n->u.integer = v;
	record_add(s, rec, name, n);
}

static void record_add_str(struct sema *s, struct fth_node *rec, const char *name, const char *v)
{
	struct fth_node *n = fth_node_new(A(s), FTH_STRING, rec->range);

	n->u.string.data = (char *)v;
	n->u.string.len = (uint32_t)strlen(v);
	record_add(s, rec, name, n);
}

/* The settings fathom only accepts whose names sort after `after` and
 * before `before`, with their values (given or bpftrace's defaults). */
static void add_passive_settings(struct sema *s, struct fth_node *rec, const char *after, const char *before)
{
	for (int i = 0; i < FTH_CONFIG_PASSIVE; i++) {
		const struct fth_config_passive *c = &fth_config_passive[i];
		const char *v = s->prog->config.passive[i] ? s->prog->config.passive[i] : c->dflt;
		if (strcmp(c->name, after) <= 0 || strcmp(c->name, before) >= 0)
			continue;
		if (c->kind == 's')
			record_add_str(s, rec, c->name, v);
		else if (c->kind == 'b')
			record_add_int(s, rec, c->name, strcmp(v, "false") && strcmp(v, "0"), true);
		else
			record_add_int(s, rec, c->name, strtoull(v, NULL, 0), false);
	}
}

/* The `config` builtin: a record of the current config values (after the
 * config block and BPFTRACE_* variables), as bpftrace makes it - enums as
 * their names. `config.max_strlen` is then a record member. The settings
 * fathom only accepts are in it too, with the values given. */
static struct fth_type *config_record(struct sema *s, struct fth_node *e)
{
	static const char *const missing[] = { "error", "warn", "ignore" };
	static const char *const unstable[] = { "warn", "enable", "error" };
	const struct fth_config *cfg = &s->prog->config;

	e->kind = FTH_RECORD;
	memset(&e->u.list, 0, sizeof(e->u.list));
	add_passive_settings(s, e, "", "max_cat_bytes");
	record_add_int(s, e, "max_cat_bytes", cfg->max_cat_bytes, false);
	record_add_int(s, e, "max_map_keys", cfg->max_map_keys, false);
	record_add_int(s, e, "max_strlen", cfg->max_strlen, false);
	record_add_str(s, e, "missing_probes", missing[cfg->missing_probes]);
	add_passive_settings(s, e, "missing_probes", "print_maps_on_exit");
	record_add_int(s, e, "print_maps_on_exit", cfg->print_maps_on_exit, true);
	record_add_str(s, e, "stack_mode", fth_stack_mode_name(cfg->stack_mode));
	record_add_str(s, e, "str_trunc_trailer", cfg->str_trunc_trailer ? cfg->str_trunc_trailer : "..");
	/* the unstable features bpftrace's record lists */
	record_add_str(s, e, "unstable_dw_ustack", unstable[cfg->unstable_dw_ustack]);
	add_passive_settings(s, e, "unstable_dw_ustack", "unstable_tseries");
	record_add_str(s, e, "unstable_tseries", unstable[cfg->unstable_tseries]);
	record_add_str(s, e, "unstable_typeinfo", unstable[cfg->unstable_typeinfo]);
	return check_record(s, e);
}

/* config.NAME: the value itself, a constant (the node becomes it). */
static struct fth_type *config_member(struct sema *s, struct fth_node *e)
{
	/* a fresh record: `config` itself stays for the second pass */
	struct fth_node *rec = fth_node_new(A(s), FTH_IDENT, e->u.field.base->range);
	struct fth_strbuf names;

	config_record(s, rec);
	for (int i = 0; i < rec->u.list.len; i++) {
		struct fth_node *f = rec->u.list.items[i];
		if (!strcmp(f->u.record_field.name, e->u.field.name)) {
			struct fth_range r = e->range;
			*e = *f->u.record_field.value;
			e->range = r;
			return check_expr(s, e);
		}
	}
	fth_strbuf_init(&names);
	for (int i = 0; i < rec->u.list.len; i++)
		fth_strbuf_printf(&names, "%s%s", i ? ", " : "config has ", rec->u.list.items[i]->u.record_field.name);
	ERR_HINT(s, e, fth_arena_printf(A(s), "%s", fth_strbuf_cstr(&names)), "config has no setting '%s'",
		 e->u.field.name);
	fth_strbuf_free(&names);
	return NULL;
}

/* The builtin e becomes curtask->LINK->MEMBER, read through kernel BTF. */
static struct fth_type *current_task_member(struct sema *s, struct fth_node *e, const char *link,
					    const char *member)
{
	const char *builtin = e->u.ident.name;
	struct fth_node *task = fth_node_new(A(s), FTH_IDENT, e->range);
	struct fth_node *linked = fth_node_new(A(s), FTH_FIELD, e->range);

	task->u.ident.name = "curtask";
	linked->u.field.base = task;
	linked->u.field.name = link;
	linked->u.field.arrow = true;
	e->kind = FTH_FIELD;
	e->u.field.base = linked;
	e->u.field.name = member;
	e->u.field.arrow = true;
	if (!fth_program_btf(s->prog)) {
		ERR_HINT(s, e, "it is read from the kernel's task_struct, described by /sys/kernel/btf/vmlinux",
			 "%s needs kernel BTF, which this kernel lacks", builtin);
		return NULL;
	}
	return check_struct_member(s, e);
}

static struct fth_node *new_call(struct sema *s, struct fth_node *where, const char *name);

/* cpid when fathom runs no command: as documented for bpftrace, a warning
 * each time it is read and the value 0 - the block
 * { warnf("..."); 0 } in its place. has_cpid tells the two cases apart. */
static struct fth_type *cpid_without_child(struct sema *s, struct fth_node *e)
{
	struct fth_node *warn = new_call(s, e, "warnf");
	struct fth_node *msg = fth_node_new(A(s), FTH_STRING, e->range);
	struct fth_node *stmt = fth_node_new(A(s), FTH_EXPR_STMT, e->range);
	struct fth_node *zero = fth_node_new(A(s), FTH_INT, e->range);

	msg->u.string.data = "cpid is 0: there is no child process (fathom was not started with -c); "
			     "test has_cpid before reading cpid";
	msg->u.string.len = (uint32_t)strlen(msg->u.string.data);
	fth_node_list_push(A(s), &warn->u.call.args, msg);
	stmt->u.expr_stmt.expr = warn;
	memset(&e->u, 0, sizeof(e->u));
	e->kind = FTH_BLOCK_EXPR;
	fth_node_list_push(A(s), &e->u.block.stmts, stmt);
	e->u.block.value = zero;
	return check_expr(s, e);
}

static struct fth_type *check_builtin(struct sema *s, struct fth_node *e)
{
	const char *n = e->u.ident.name;

	if (!strcmp(n, "pid") || !strcmp(n, "tid") || !strcmp(n, "cpu") || !strcmp(n, "numaid") ||
	    !strcmp(n, "rand"))
		return fth_type_int(4, false);
	if (!strcmp(n, "config"))
		return config_record(s, e);
	if (!strcmp(n, "ppid") || !strcmp(n, "pcomm"))
		/* curtask->real_parent->tgid / ->comm, as current bpftrace's stdlib */
		return current_task_member(s, e, "real_parent", n[1] == 'p' ? "tgid" : "comm");
	if (!strcmp(n, "leader_tid") || !strcmp(n, "leader_comm"))
		/* the thread-group leader: the process's first thread */
		return current_task_member(s, e, "group_leader", n[7] == 't' ? "pid" : "comm");
	if (!strcmp(n, "probetype"))
		/* the longest name, "asyncwatchpoint", fits; codegen writes it */
		return fth_type_string(A(s), 16);
	if (!strcmp(n, "curtask")) {
		struct fth_btf *btf = fth_program_btf(s->prog);
		/* by name, so that a script's own struct task_struct wins */
		struct fth_type *task = btf ? lookup_type(s, "struct task_struct") : NULL;
		return task ? fth_type_pointer(A(s), task) : uint64_t_();
	}
	/* the probe's context pointer, as an address: (struct x *)ctx reads
	 * through it */
	if (!strcmp(n, "ctx"))
		return uint64_t_();
	if (!strcmp(n, "uid") || !strcmp(n, "gid") || !strcmp(n, "nsecs") || !strcmp(n, "elapsed") ||
	    !strcmp(n, "cgroup") || !strcmp(n, "jiffies") || !strcmp(n, "ncpus"))
		return uint64_t_();
	if (!strcmp(n, "comm"))
		return fth_type_string(A(s), 16);
	if (!strcmp(n, "usermode")) {
		/* 1 when the probe fired in user mode: from the saved registers,
		 * and always in BEGIN/END (they run on behalf of fathom) */
		const char *pn = s->cur->inst->provider->name;
		if (!s->cur->inst->regs_ctx && strcmp(pn, "BEGIN") && strcmp(pn, "END"))
			ERR_HINT(s, e, "it reads the saved registers: use it in kprobe, uprobe, usdt, BEGIN or END",
				 "usermode is not available in %s", s->cur->inst->name);
		return fth_type_int(1, false);
	}
	if (!strcmp(n, "kstack") || !strcmp(n, "ustack") || !strcmp(n, "dw_ustack"))
		return stack_type(s, e, n, NULL);
	if (!strcmp(n, "cpid")) {
		if (!s->prog->config.cpid)
			return cpid_without_child(s, e);
		e->kind = FTH_INT;
		e->u.integer = (uint64_t)s->prog->config.cpid;
		return uint64_t_();
	}
	if (!strcmp(n, "has_cpid")) {
		/* known when the program is built: was fathom given -c? */
		e->kind = FTH_BOOL;
		e->u.integer = s->prog->config.cpid != 0;
		return fth_type_bool();
	}
	if (!strcmp(n, "probe"))
		return fth_type_new(A(s), FTH_T_PROBE, 8);
	if (!strcmp(n, "username"))
		return fth_type_new(A(s), FTH_T_USERNAME, 8);
	if (!strcmp(n, "args")) {
		load_uprobe_dwarf_args(s);
		if (takes_no_parameters(s->cur->inst)) {
			/* bpftrace refuses it too; an empty record would
			 * print as () and cannot be a map value */
			ERR_HINT(s, e, s->cur->inst->returns_void && s->cur->inst->attach_btf_id
					       ? "it returns nothing either: there is no value to read here"
					       : "retval in a uretprobe or fexit gives what it returns",
				 "cannot read function parameters: %s takes none",
				 s->cur->inst->func_name ? s->cur->inst->func_name : s->cur->inst->name);
			return NULL;
		}
		if (s->cur->inst->tp || s->cur->inst->args || args_hold_retval(s->cur->inst))
			return check_args_record(s, e);
		if (!s->cur->inst->tp)
			ERR_HINT(s, e, args_hint(s), "'args' is not available in %s probes",
				 s->cur->inst->provider->name);
		else
			ERR_HINT(s, e, "write args->FIELD (fathom -lv lists the fields)",
				 "'args' must be followed by a field name");
		return NULL;
	}
	if (!strncmp(n, "arg", 3) && n[3] >= '0' && n[3] <= '9' && s->cur->inst->regs_ctx)
		return check_regs_arg(s, e);
	if (!strcmp(n, "retval") && s->cur->inst->has_retval)
		return uint64_t_();
	if (!strcmp(n, "func") && s->cur->inst->has_func && s->cur->inst->func_name)
		/* Known per instance, but the instances of a wildcard share this
		 * node: one type for all, codegen writes each one's name. */
		return fth_type_string(A(s), s->prog->config.max_strlen);
	if (!strncmp(n, "arg", 3) && n[3] >= '0' && n[3] <= '9' && s->cur->inst->argn_from_ctx) {
		char *end;
		long idx = strtol(n + 3, &end, 10);
		if (!*end && idx >= 0 && idx < 64 && s->cur->inst->args && idx >= s->cur->inst->nargs) {
			ERR_HINT(s, e, "'fathom -lv' lists the arguments", "%s has %d argument%s, arg0 to arg%d",
				 s->cur->inst->name, s->cur->inst->nargs, s->cur->inst->nargs == 1 ? "" : "s",
				 s->cur->inst->nargs - 1);
			return NULL;
		}
		if (!*end && idx >= 0 && idx < 64) {
			e->u.ident.name = fth_arena_printf(A(s), "arg%ld", idx);
			return uint64_t_();
		}
	}
	if (!strncmp(n, "arg", 3) && n[3] >= '0' && n[3] <= '9') {
		ERR_HINT(s, e,
			 s->cur->inst->tp ? "tracepoints name their arguments: use args->NAME ('fathom -lv' lists them)" :
					    "argN exists in kprobe, uprobe, usdt, rawtracepoint and iter probes",
			 "'%s' is not available in %s probes", n, s->cur->inst->provider->name);
		return NULL;
	}
	if (!strncmp(n, "sarg", 4) && n[4] >= '0' && n[4] <= '9')
		return check_stack_arg(s, e);
	if (!strcmp(n, "retval")) {
		ERR_HINT(s, e, s->cur->inst->tp ? "try args->ret in a sys_exit tracepoint" : return_probe_hint(s),
			 "'retval' is not available in %s probes", s->cur->inst->provider->name);
		return NULL;
	}
	if (!strcmp(n, "func")) {
		ERR_HINT(s, e,
			 s->cur->inst->has_func ?
				 "attach to the function by name (uprobe:BINARY:FUNCTION) to know it" :
				 "func is the traced function in kprobe, kretprobe, uprobe, uretprobe, fentry and fexit "
				 "probes; 'probe' gives this probe's name",
			 "The func builtin can not be used with '%s' probes", s->cur->inst->provider->name);
		return NULL;
	}
	{
		int64_t value;
		const struct fth_cmacro *m = script_macro(s, n, e->range.begin);
		struct fth_type *et;
		if (m)
			return macro_not_a_value(s, e, m);
		et = script_enumerator(s, n, e->range.begin, &value);
		if (et) {
			e->kind = FTH_INT;
			e->u.integer = (uint64_t)value;
			return et;
		}
		if (constant_value(s, n, &value)) {
			become_int_literal(s, e, value);
			return int64_t_();
		}
	}
	{
		const char *best = fth_closest_name(n, builtin_names,
						    (int)(sizeof(builtin_names) / sizeof(builtin_names[0])));
		char hint[96];
		snprintf(hint, sizeof(hint), "did you mean '%s'?", best ? best : "");
		ERR_HINT(s, e, best ? hint : NULL, "unknown identifier '%s'", n);
	}
	return NULL;
}

/* A #define the parser left in place as an identifier: one that reaches
 * itself again through other #defines (bpftrace's "Macro recursion"), or
 * whose body is empty or one token that is no value. An error that names
 * the #define. */
static struct fth_type *macro_not_a_value(struct sema *s, struct fth_node *e, const struct fth_cmacro *m)
{
	const char *chain = fth_cmacros_recursion(s->prog->cmacros, A(s), m->name, e->range.begin);
	int line = 0, col = 0;

	if (chain) {
		ERR_HINT(s, e, "a #define cannot name itself, directly or through other #defines", "Macro recursion: %s",
			 chain);
		return NULL;
	}
	fth_source_position(fth_diag_source(s->diag, m->where.begin), m->where.begin, &line, &col);
	ERR_HINT(s, e, *m->text ? "a macro used as a value must be an integer expression of numbers, C operators and "
				  "other such names, e.g. #define MAX (1 << 10), or a string literal"
				: "give it a value, e.g. #define NAME 1",
		 "'%s' is defined on line %d as '%s', which fathom cannot use as a value", e->u.ident.name, line,
		 m->text);
	return NULL;
}

/* A struct, union, enum or typedef by name: the script's C definitions
 * first, then kernel BTF (through the cdefs fallback). */
/* A struct or union the script does not define, from the DWARF of the
 * binary a uprobe traces (as bpftrace resolves them), remembered per
 * binary and name, misses too. */
static struct fth_type *dwarf_record_type(struct sema *s, const char *name)
{
	const struct fth_probe_inst *inst = s->cur ? s->cur->inst : NULL;
	struct dwarf_type_memo *m;

	if (!inst || !inst->regs_ctx || !inst->binary ||
	    (strncmp(name, "struct ", 7) && strncmp(name, "union ", 6) && strncmp(name, "class ", 6)))
		return NULL;
	for (m = s->dwarf_types; m; m = m->next)
		if (!strcmp(m->binary, inst->binary) && !strcmp(m->name, name))
			return m->type;
	m = fth_arena_alloc(A(s), sizeof(*m));
	m->binary = inst->binary;
	m->name = fth_arena_strdup(A(s), name);
	m->type = fth_dwarf_find_type(A(s), inst->binary, name);
	m->next = s->dwarf_types;
	s->dwarf_types = m;
	return m->type;
}

static struct fth_type *lookup_type(struct sema *s, const char *name)
{
	struct fth_type *t = s->prog->cdefs ? fth_cdefs_type(s->prog->cdefs, name) : NULL;

	return t ? t : dwarf_record_type(s, name);
}

/* "did you mean 'struct item'?" among the script's own types, or NULL. */
static const char *similar_type_hint(struct sema *s, const char *name)
{
	const char *names[256];
	int n = s->prog->cdefs ? fth_cdefs_names(s->prog->cdefs, names, 256) : 0;
	const char *best = fth_closest_name(name, names, n);

	return best ? fth_arena_printf(A(s), "did you mean '%s'?", best) : NULL;
}

/* The pointer whose memory a field, index or dereference reads (through
 * any fields of a struct in that memory), or NULL. */
static const struct fth_type *accessed_pointer(const struct fth_node *e)
{
	const struct fth_node *base = e->kind == FTH_FIELD ? e->u.field.base
				      : e->kind == FTH_INDEX ? e->u.index.base
				      : e->kind == FTH_UNARY ? e->u.unary.operand : NULL;

	if (!base || !base->type)
		return NULL;
	if (base->type->kind == FTH_T_POINTER)
		return base->type;
	return accessed_pointer(base);
}

/* The memory a field, index or dereference reads lies behind a pointer
 * with no address space (see fth_type.addr_space_unset). */
bool fth_sema_unset_memory(const struct fth_node *e)
{
	const struct fth_type *p = accessed_pointer(e);

	return p && p->addr_space_unset;
}

/* bpftrace's probe types without an address space: their pointer casts
 * of plain numbers read with the legacy helpers. */
static bool probe_without_addr_space(const struct fth_probe_inst *inst)
{
	static const char *const names[] = { "BEGIN", "END", "interval", "profile", "software",
					     "hardware", "watchpoint", "asyncwatchpoint" };

	for (size_t i = 0; inst && inst->provider && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(inst->provider->name, names[i]))
			return true;
	return false;
}

bool fth_sema_user_memory(const struct fth_node *e)
{
	const struct fth_type *p = accessed_pointer(e);

	return p && p->user_space;
}

/* A pointer read from memory keeps the address space of the pointer it
 * was read through (as in bpftrace): read from user memory, it points
 * into user memory; through a pointer with no address space, it has none
 * either. Used for members, dereferences and pointer indexing. */
static struct fth_type *pointer_in_space_of(struct sema *s, struct fth_type *t, bool user, bool unset)
{
	struct fth_type *copy;

	if (!t || t->kind != FTH_T_POINTER || t->user_space || (!user && (!unset || t->addr_space_unset)))
		return t;
	copy = fth_arena_alloc(A(s), sizeof(*copy));
	*copy = *t;
	if (user)
		copy->user_space = true;
	else
		copy->addr_space_unset = true;
	return copy;
}

/* What pointer p points at, in p's address space when it is a pointer
 * too: *$pp and $pp[i] of a user-space struct foo ** read the struct from
 * user memory. */
static struct fth_type *pointee_type(struct sema *s, const struct fth_type *p)
{
	return pointer_in_space_of(s, p->elem, p->user_space, p->addr_space_unset);
}

/* &@m: the map itself, as current bpftrace gives it (to hand a map to a
 * function that takes one): the kernel's map pointer, typed void * since
 * it points at no value a script can read. The keys are not part of it:
 * &@m[k] would be an element's address, which a map does not lend out. */
static struct fth_type *check_map_address(struct sema *s, struct fth_node *e, struct fth_node *m)
{
	struct fth_map *map = map_get(s, m);
	struct fth_type *t;

	if (!allow_unstable(s, e, s->prog->config.unstable_addr, "address-of operator (&)", "unstable_addr",
			    &s->addr_noted, false))
		return NULL;
	if (m->u.map.keys.len) {
		ERR_HINT(s, e, fth_arena_printf(A(s), "take the whole map with &%s, or copy the element into a "
						     "variable first: $v = %s[...]; &$v",
						m->u.map.name, m->u.map.name),
			 "the address-of operator '&' applies to a whole map, not to one of its elements");
		return NULL;
	}
	if (!map || !map->value_type) {
		ERR_HINT(s, m, "assign it somewhere, e.g. @name = 1;", "undefined map %s", m->u.map.name);
		return NULL;
	}
	t = fth_type_pointer(A(s), NULL);
	t->map_ref = true;
	return t;
}

/* Arithmetic on &@m (op, or ++/--): the verifier refuses any on a map
 * pointer ("pointer arithmetic on map_ptr prohibited"), so it is refused
 * here, where the script can be told what to do instead. */
static bool refuse_map_ref_arithmetic(struct sema *s, struct fth_node *where, const struct fth_type *t,
				      const char *op)
{
	if (!t || !t->map_ref)
		return false;
	ERR_HINT(s, where,
		 "&@m is the map itself, not memory to index: pass or compare it whole; to compute with its "
		 "value, store it in a map first (@addr = &@m; @addr + 1)",
		 "arithmetic ('%s') on a map's address is not allowed", op);
	return true;
}

/* *$x of an integer reads memory at that address, as bpftrace does: as
 * many bytes as the integer's own type holds (8 for arg0 or a uint64),
 * extended by its sign, giving a uint64. The node becomes
 * (uint64)*(intN *)operand, so codegen sees an ordinary dereference; the
 * address space is the probe's, as for any cast of a number to a pointer. */
static struct fth_node *cast_node(struct sema *s, struct fth_range where, struct fth_type_name tn,
				  struct fth_node *operand);

static struct fth_type *deref_integer(struct sema *s, struct fth_node *e, struct fth_type *t)
{
	struct fth_node *operand = e->u.unary.operand, *read, *addr;
	const char *int_name = fth_arena_printf(A(s), "%sint%u", t->is_signed ? "" : "u", t->size * 8);
	struct fth_type_name ptr_name = { .base = int_name, .pointer_depth = 1, .range = operand->range };
	struct fth_type_name u64_name = { .base = "uint64", .range = e->range };
	struct fth_type *value = fth_type_int(t->size, t->is_signed);
	struct fth_type *p = fth_type_pointer(A(s), value);

	p->user_space = fth_type_has_addr_space(t) ? t->user_space : s->cur->inst->user_space;
	p->addr_space_unset = fth_type_has_addr_space(t) ? t->addr_space_unset : probe_without_addr_space(s->cur->inst);
	addr = cast_node(s, operand->range, ptr_name, operand);
	addr->type = p;
	read = fth_node_new(A(s), FTH_UNARY, e->range);
	read->u.unary.op = TOK_STAR;
	read->u.unary.operand = addr;
	read->type = value;
	e->kind = FTH_CAST;
	e->u.cast.type_name = u64_name;
	e->u.cast.operand = read;
	return uint64_t_();
}

/* What to do instead of dereferencing a value of type t. */
static const char *deref_hint(const struct fth_type *t)
{
	if (t->kind == FTH_T_STRUCT)
		return "reach its members with '.', e.g. $s.member";
	if (t->kind == FTH_T_POINTER)
		return "cast it to a pointer to the type stored there, e.g. *(uint64 *)$p";
	return "dereference a pointer, or an integer that holds an address (read as 8 bytes for a uint64), "
	       "e.g. *(uint32 *)$addr for a 4-byte value";
}

/* a[i] of array type at: as in current bpftrace, a literal index must be
 * inside the array, any other must be an unsigned integer (checked at run
 * time). Arrays in a tracepoint's args are read at a fixed offset, so
 * they take literal indices only. */
static struct fth_type *check_array_index(struct sema *s, struct fth_node *e, struct fth_type *at,
					  const struct fth_type *it)
{
	struct fth_node *index = e->u.index.index, *base = e->u.index.base;
	int64_t idx;

	if (literal_int(index, &idx) && idx >= 0) {
		if ((uint64_t)idx < at->count || !at->count)
			return at->elem;
		ERR_HINT(s, e, fth_arena_printf(A(s), "use an index from 0 to %u", at->count - 1),
			 "the index %lld is out of bounds for array of size %u", (long long)idx, at->count);
		return NULL;
	}
	if (base->kind == FTH_FIELD && base->u.field.base->kind == FTH_IDENT &&
	    !strcmp(base->u.field.base->u.ident.name, "args")) {
		ERR_HINT(s, index, "write the index as a number, e.g. args.arr[0]",
			 "an array in args needs a literal index from 0 to %u", at->count - 1);
		return NULL;
	}
	if (it && (it->kind != FTH_T_INT || it->is_signed)) {
		ERR_HINT(s, e, "cast the index to an unsigned type, e.g. (uint32)$i",
			 "The array index operator [] only accepts positive (unsigned) integer indices. Got: %s",
			 fth_type_describe(A(s), it));
		return NULL;
	}
	return it ? at->elem : NULL;
}

/* Member `name` of struct st, from BTF or from the script's definition. */
static struct fth_type *struct_member(struct sema *s, struct fth_type *st, const char *name, uint32_t *off,
				      uint32_t *bit_off, uint32_t *bit_size)
{
	if (!st->btf_id && !st->nfields && st->name)
		lookup_type(s, st->name); /* a struct only declared: completes it from BTF */
	if (st->btf_id) {
		struct fth_btf *btf = fth_program_btf(s->prog);
		return btf ? fth_btf_member(btf, A(s), st, name, off, bit_off, bit_size) : NULL;
	}
	for (int i = 0; i < st->nfields; i++) {
		const struct fth_field *f = &st->fields[i];
		if (f->name && !strcmp(f->name, name)) {
			*off = f->offset;
			*bit_off = f->bit_offset;
			*bit_size = f->bit_size;
			return f->type;
		}
	}
	return NULL;
}

static int struct_member_names(struct sema *s, const struct fth_type *st, const char **names, int max)
{
	int n = 0;

	if (st->btf_id) {
		struct fth_btf *btf = fth_program_btf(s->prog);
		return btf ? fth_btf_member_names(btf, st, names, max) : 0;
	}
	for (int i = 0; i < st->nfields && n < max; i++)
		if (st->fields[i].name)
			names[n++] = st->fields[i].name;
	return n;
}

/* An "unknown field" error with the closest member suggested. */
static void report_unknown_member(struct sema *s, struct fth_node *where, const struct fth_type *st, const char *name)
{
	const char *names[512];
	int n = struct_member_names(s, st, names, 512);
	const char *best = fth_closest_name(name, names, n);

	if (!st->btf_id && !st->nfields && st->size == 0) {
		ERR_HINT(s, where, "define it in the script: kernel BTF has no type of that name either",
			 "%s is declared but never defined, so it has no field '%s'", st->name ? st->name : "struct",
			 name);
		return;
	}
	ERR_HINT(s, where, best ? fth_arena_printf(A(s), "did you mean '%s'?", best) : NULL, "%s has no field '%s'",
		 st->name ? st->name : "struct", name);
}

/* Struct values that are printed or stored need every member's layout,
 * which BTF structs only get on demand. */
static void complete_value_type(struct sema *s, struct fth_type *t, int depth)
{
	if (!t || depth > 8)
		return;
	if (t->kind == FTH_T_ARRAY) {
		complete_value_type(s, t->elem, depth + 1);
		return;
	}
	if (t->kind != FTH_T_STRUCT && t->kind != FTH_T_TUPLE)
		return;
	if (t->kind == FTH_T_STRUCT && t->btf_id && !t->fields) {
		struct fth_btf *btf = fth_program_btf(s->prog);
		if (!btf || fth_btf_struct_fields(btf, A(s), t))
			return;
	}
	for (int i = 0; i < t->nfields; i++)
		complete_value_type(s, t->fields[i].type, depth + 1);
}

/* The integer type a C type name ("int", "unsigned long", "pid_t",
 * "const clockid_t") stands for: a C spelling, or a kernel typedef from
 * BTF; NULL for any other type. */
static const struct fth_type *c_integer_named(struct sema *s, const char *name)
{
	struct fth_btf *btf;
	const struct fth_type *t = fth_type_c_integer(name);

	if (t)
		return t;
	while (!strncmp(name, "const ", 6) || !strncmp(name, "volatile ", 9))
		name += name[0] == 'c' ? 6 : 9;
	btf = strchr(name, ' ') ? NULL : fth_program_btf(s->prog);
	t = btf ? fth_btf_type_by_name(btf, A(s), name) : NULL;
	return t && t->kind == FTH_T_INT && !t->enum_def ? t : NULL;
}

/* An integer field as bpftrace types it: by its C type, not the format's
 * signed: flag (a syscall's arguments are all "signed:0", each stored in
 * an unsigned long). In 8 bytes an int is an int64, and the unsigned
 * 32-bit types (u32, pid_t, uid_t, gid_t) a uint64, as bpftrace adjusts
 * them; another integer type keeps its own size and sign, read from the
 * low bytes of its slot (umode_t: 2 bytes, clockid_t: an int32, off_t and
 * long: an int64). NULL when the C type is no integer type. */
static struct fth_type *tp_integer_type(struct sema *s, const struct fth_tp_field *f)
{
	static const char *const widened_unsigned[] = { "unsigned int", "unsigned", "u32", "pid_t", "uid_t", "gid_t" };
	const struct fth_type *c;

	if (f->size == 8 && !strcmp(f->type, "int"))
		return fth_type_int(8, true);
	for (size_t i = 0; f->size == 8 && i < sizeof(widened_unsigned) / sizeof(widened_unsigned[0]); i++)
		if (!strcmp(f->type, widened_unsigned[i]))
			return fth_type_int(8, false);
	c = c_integer_named(s, f->type);
	if (!c || c->size > f->size || (c->size != 1 && c->size != 2 && c->size != 4 && c->size != 8))
		return NULL;
	return fth_type_int((int)c->size, c->is_signed);
}

/* What a tracepoint field's pointer type points at, from the words of
 * its C type without qualifiers and stars: "char", "unsigned long",
 * "struct __kernel_timespec", "aio_context_t". Bytes (int8) when it is
 * void or no type fathom knows. */
static struct fth_type *tp_pointee_type(struct sema *s, const char *base)
{
	const struct fth_type *c;
	struct fth_type *t;

	if (!strcmp(base, "void") || !strcmp(base, "char"))
		return fth_type_int(1, true);
	c = c_integer_named(s, base);
	if (c && (c->size == 1 || c->size == 2 || c->size == 4 || c->size == 8))
		return fth_type_int((int)c->size, c->is_signed);
	t = lookup_type(s, base);
	return t ? t : fth_type_int(1, true);
}

/* The type of a pointer field of a tracepoint as bpftrace gives it, all
 * its levels: "const char *const * argv" is an int8 ** (so *args.argv and
 * args.argv[1] are the strings), "int * tidptr" an int32 *, "struct
 * __kernel_timespec *" a pointer to the BTF struct. */
static struct fth_type *tp_pointer_type(struct sema *s, const char *type)
{
	char base[128] = "";
	size_t blen = 0;
	int depth = 0;
	struct fth_type *t;
	bool is_void;

	for (const char *p = type; *p;) {
		size_t n;
		if (*p == '*') {
			depth++;
			p++;
			continue;
		}
		n = strcspn(p, " *");
		if (n == 0) {
			p++;
			continue;
		}
		/* qualifiers say nothing about the layout */
		if (!((n == 5 && !strncmp(p, "const", 5)) || (n == 8 && !strncmp(p, "volatile", 8)) ||
		      (n == 6 && !strncmp(p, "__user", 6))) &&
		    blen + n + 2 < sizeof(base)) {
			if (blen)
				base[blen++] = ' ';
			memcpy(base + blen, p, n);
			blen += n;
			base[blen] = '\0';
		}
		p += n;
	}
	is_void = !strcmp(base, "void");
	t = tp_pointee_type(s, base);
	for (int i = 0; i < depth; i++) {
		t = fth_type_pointer(A(s), t);
		/* A void * reads as bytes, but is named as declared */
		if (is_void && i == 0)
			t->name = "void *";
	}
	return t;
}

/* Type of a tracepoint field as the script sees it. */
static struct fth_type *tp_field_type(struct sema *s, const struct fth_tp_field *f)
{
	const char *t = f->type;

	if (f->data_loc)
		return fth_type_string(A(s), s->prog->config.max_strlen);
	if (f->array_len > 0) {
		if (strstr(t, "char"))
			return fth_type_string(A(s), (uint32_t)f->array_len);
		uint32_t esize = f->size / (uint32_t)f->array_len;
		return fth_type_array(A(s), fth_type_int((int)esize, f->is_signed), (uint32_t)f->array_len);
	}
	if (strchr(t, '*')) {
		struct fth_type *p = tp_pointer_type(s, t);
		/* Syscall tracepoints carry user-space pointers; what they
		 * point at (argv's strings) is user memory too, which a
		 * dereference carries on from the outer pointer. */
		p->user_space = s->cur->inst->target && !strcmp(s->cur->inst->target, "syscalls");
		return p;
	}
	if (!strncmp(t, "enum ", 5) || !strncmp(t, "const enum ", 11)) {
		/* "enum hrtimer_mode": the kernel's enum, so values print by name */
		struct fth_type *et = lookup_type(s, t + (t[0] == 'c' ? 6 : 0));
		if (et && et->kind == FTH_T_INT && et->enum_def && et->size == f->size)
			return et;
	}
	{
		struct fth_type *c = tp_integer_type(s, f);
		if (c)
			return c;
	}
	if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
		return fth_type_int((int)f->size, f->is_signed);
	return NULL;
}

/* Records, (name = "x", size = 2): tuples whose elements have names. The
 * layout is a tuple's; .name reads the element like .N does. */
static struct fth_type *check_record(struct sema *s, struct fth_node *e)
{
	struct fth_node_list *l = &e->u.list;
	struct fth_type **elems = fth_arena_alloc(A(s), sizeof(*elems) * (size_t)(l->len + 1));
	struct fth_type *t;

	for (int i = 0; i < l->len; i++) {
		struct fth_node *f = l->items[i];
		for (int j = 0; j < i; j++) {
			if (!strcmp(l->items[j]->u.record_field.name, f->u.record_field.name)) {
				ERR_HINT(s, f, "give each field its own name",
					 "field '%s' appears twice in this record", f->u.record_field.name);
				return NULL;
			}
		}
		elems[i] = check_expr(s, f->u.record_field.value);
		/* laid out as a tuple (integers keep their width); pointers
		 * kept, to print as 0x... */
		if (!elems[i] || elems[i]->kind != FTH_T_POINTER)
			elems[i] = tuple_element_type(s, elems[i]);
		if (!elems[i])
			return NULL;
		f->type = elems[i];
	}
	t = fth_type_tuple(A(s), elems, l->len);
	for (int i = 0; i < l->len; i++)
		t->fields[i].name = l->items[i]->u.record_field.name;
	return t;
}

static bool is_record(const struct fth_type *t)
{
	return t && t->kind == FTH_T_TUPLE && t->nfields > 0 && t->fields[0].name;
}

static int record_field_index(const struct fth_type *t, const char *name)
{
	for (int i = 0; i < t->nfields; i++)
		if (t->fields[i].name && !strcmp(t->fields[i].name, name))
			return i;
	return -1;
}

static bool is_plain_int(const struct fth_type *t)
{
	return t->kind == FTH_T_INT && !t->enum_def;
}

/* One integer type that holds values of both a and b, as bpftrace promotes
 * tuple elements: the larger of the two when their signs agree; else the
 * signed one if it is larger, or a signed type twice the larger size;
 * NULL when that would exceed 64 bits. */
static struct fth_type *promoted_int(const struct fth_type *a, const struct fth_type *b)
{
	uint32_t size = a->size > b->size ? a->size : b->size;
	const struct fth_type *sgn = a->is_signed ? a : b, *uns = a->is_signed ? b : a;

	if (a->is_signed == b->is_signed)
		return fth_type_int((int)size, a->is_signed);
	if (sgn->size > uns->size)
		return fth_type_int((int)sgn->size, true);
	return size * 2 > 8 ? NULL : fth_type_int((int)size * 2, true);
}

/* The type of a variable holding tuple a that is assigned tuple b: a with
 * its strings and integers widened to hold b's, or NULL when they do not
 * fit (other element types). Records match their fields by name, so (b=.., a=..)
 * may be assigned to (a=.., b=..) and keeps the first order. */
static struct fth_type *merge_tuples(struct sema *s, const struct fth_type *a, const struct fth_type *b)
{
	struct fth_type **elems;
	struct fth_type *t;
	bool rec = is_record(a);

	if (a->kind != FTH_T_TUPLE || b->kind != FTH_T_TUPLE || a->nfields != b->nfields || rec != is_record(b))
		return NULL;
	elems = fth_arena_alloc(A(s), sizeof(*elems) * (size_t)(a->nfields + 1));
	for (int i = 0; i < a->nfields; i++) {
		int j = rec ? record_field_index(b, a->fields[i].name) : i;
		struct fth_type *ea = a->fields[i].type, *eb;
		if (j < 0)
			return NULL;
		eb = b->fields[j].type;
		if (ea->kind == FTH_T_STRING && eb->kind == FTH_T_STRING)
			elems[i] = ea->size >= eb->size ? ea : eb;
		else if (ea->kind == FTH_T_TUPLE)
			elems[i] = merge_tuples(s, ea, eb);
		else if (is_plain_int(ea) && is_plain_int(eb))
			elems[i] = promoted_int(ea, eb);
		else
			elems[i] = fth_type_equal(ea, eb) ? ea : NULL;
		if (!elems[i])
			return NULL;
	}
	t = fth_type_tuple(A(s), elems, a->nfields);
	for (int i = 0; i < a->nfields; i++)
		t->fields[i].name = a->fields[i].name;
	return t;
}

/* $r.name: the named element of a record, rewritten to its index. */
static struct fth_type *check_record_member(struct sema *s, struct fth_node *e, struct fth_type *rt)
{
	const char *name = e->u.field.name;
	struct fth_node *base = e->u.field.base;
	int i = record_field_index(rt, name);

	if (i < 0) {
		const char *names[64];
		const char *best;
		int n = rt->nfields < 64 ? rt->nfields : 64;
		for (int k = 0; k < n; k++)
			names[k] = rt->fields[k].name;
		best = fth_closest_name(name, names, n);
		ERR_HINT(s, e, best ? fth_arena_printf(A(s), "did you mean '%s'?", best) : NULL,
			 "%s has no field '%s'", fth_type_describe(A(s), rt), name);
		return NULL;
	}
	e->kind = FTH_TUPLE_INDEX;
	e->u.tuple_index.base = base;
	e->u.tuple_index.index = i;
	return rt->fields[i].type;
}

/* ptr->member or value.member of a kernel struct, typed from BTF. `.` on a
 * pointer dereferences it as `->` does (current bpftrace). */
static struct fth_type *check_struct_member(struct sema *s, struct fth_node *e)
{
	struct fth_type *bt = check_expr(s, e->u.field.base);
	struct fth_type *st, *mt;
	uint32_t off, bit_off, bit_size;

	if (!bt)
		return NULL;
	if (is_record(bt))
		return check_record_member(s, e, bt);
	st = bt->kind == FTH_T_POINTER ? bt->elem : bt;
	if (!st || st->kind != FTH_T_STRUCT) {
		ERR_HINT(s, e, bt->kind == FTH_T_INT ? "cast it first, e.g. ((struct sock *)arg0)->sk_state" : NULL,
			 "%s has no field '%s'", fth_type_describe(A(s), bt), e->u.field.name);
		return NULL;
	}
	mt = struct_member(s, st, e->u.field.name, &off, &bit_off, &bit_size);
	if (!mt) {
		report_unknown_member(s, e, st, e->u.field.name);
		return NULL;
	}
	e->u.field.offset = off;
	e->u.field.bit_offset = bit_off;
	e->u.field.bit_size = bit_size;
	mt = pointer_in_space_of(s, mt, bt->kind == FTH_T_POINTER ? bt->user_space : fth_sema_user_memory(e->u.field.base),
				 bt->kind == FTH_T_POINTER ? bt->addr_space_unset : fth_sema_unset_memory(e->u.field.base));

	return mt;
}

/* args of a uprobe on a function's entry: its parameters from the
 * binary's DWARF, each read from the register the x86-64 calling
 * convention passes it in (di, si, dx, cx, r8, r9), as bpftrace does.
 * Looked up when a probe first uses args, so that wildcard probes which do
 * not cost nothing. A parameter not in one integer register (a struct by
 * value, a float, a seventh integer) is left out; those after it still
 * are where the convention puts them. The fields of a struct passed in
 * several registers are read as args.NAME.FIELD (check_register_part_member). */
static void load_uprobe_dwarf_args(struct sema *s)
{
	/* the instance is the sema's to fill in, as expand_probes made it */
	struct fth_probe_inst *inst = (struct fth_probe_inst *)s->cur->inst;
	struct fth_dwarf_param *params;
	struct fth_field *fields;
	int n, used = 0;

	if (inst->args || inst->dwarf_tried || !inst->regs_ctx || inst->usdt_args || inst->has_retval ||
	    !inst->binary || !inst->entry_symbol)
		return;
	inst->dwarf_tried = true;
	/* by the ELF symbol: a C function's name, a C++ function's mangled
	 * (linkage) name */
	if (fth_dwarf_func_params(A(s), inst->binary, inst->entry_symbol, inst->entry_addr, &params, &n))
		return;
	fields = fth_arena_alloc(A(s), (size_t)(n ? n : 1) * sizeof(*fields));
	for (int i = 0; i < n; i++) {
		if (!params[i].reg)
			continue;
		memset(&fields[used], 0, sizeof(fields[used]));
		fields[used].name = params[i].name;
		fields[used].type = params[i].type;
		fields[used].offset = (uint32_t)fth_pt_regs_offset(params[i].reg);
		used++;
	}
	inst->args = fields;
	inst->nargs = used;
}

/* The type to cast a stack address to for reading a value of type t
 * there, as a script writes it; NULL when there is none. */
static const char *stack_read_type(struct sema *s, const struct fth_type *t)
{
	if (t->kind == FTH_T_INT)
		return fth_arena_printf(A(s), "%sint%u", t->is_signed ? "" : "u", t->size * 8);
	if (t->kind == FTH_T_POINTER)
		return "uint64";
	return t->kind == FTH_T_STRUCT && t->name ? t->name : NULL;
}

/* The fields of struct t that start in bytes [from, from + size), as
 * ".a" or ".a and .b" (or ".a, .b and .c"); NULL when none does. */
static const char *fields_starting_in(struct sema *s, const struct fth_type *t, uint32_t from, uint32_t size)
{
	const char *names = NULL, *last = NULL;

	for (int i = 0; i < t->nfields; i++) {
		const struct fth_field *f = &t->fields[i];
		if (!f->name || f->offset < from || f->offset >= from + size)
			continue;
		if (last)
			names = names ? fth_arena_printf(A(s), "%s, .%s", names, last) : fth_arena_printf(A(s), ".%s", last);
		last = f->name;
	}
	if (!last)
		return NULL;
	return names ? fth_arena_printf(A(s), "%s and .%s", names, last) : fth_arena_printf(A(s), ".%s", last);
}

/* The part of a parameter passed in registers that holds its field m,
 * when m can be read through args (an integer or pointer within one
 * part); -1 otherwise. */
static int part_holding(const struct fth_dwarf_param *p, const struct fth_field *m)
{
	if ((m->type->kind != FTH_T_INT && m->type->kind != FTH_T_POINTER && m->type->kind != FTH_T_BOOL) ||
	    m->bit_size || m->type->size > 8 || !m->name)
		return -1;
	for (int k = 0; k < p->nparts; k++)
		if (m->offset >= p->part_offset[k] && m->offset + m->type->size <= p->part_offset[k] + p->part_size[k])
			return k;
	return -1;
}

/* How to read a parameter passed by value in several registers: a Go
 * string with str(), anything else field by field through args, or,
 * when no field can be, part by part with reg(). */
static const char *register_parts_hint(struct sema *s, const struct fth_dwarf_param *p)
{
	const struct fth_type *t = p->type;
	const char *hint = NULL;

	if (p->nparts == 2 && t->nfields == 2 && t->fields[0].name && t->fields[1].name &&
	    !strcmp(t->fields[0].name, "str") && !strcmp(t->fields[1].name, "len"))
		return fth_arena_printf(A(s), "read the string as str(args.%s.str, args.%s.len + 1) (the length str() "
					"takes counts the NUL it adds)", p->name, p->name);
	for (int i = 0; i < t->nfields; i++)
		if (part_holding(p, &t->fields[i]) >= 0)
			hint = fth_arena_printf(A(s), "%s%sargs.%s.%s", hint ? hint : "read its fields one at a time: ",
						hint ? ", " : "", p->name, t->fields[i].name);
	if (hint)
		return hint;
	hint = "read its parts with reg(): ";
	for (int k = 0; k < p->nparts; k++) {
		uint32_t off = p->part_offset[k];
		const char *fields = fields_starting_in(s, t, off, p->part_size[k]);
		const char *what = fields ? fields
					  : fth_arena_printf(A(s), "bytes %u-%u", off, off + p->part_size[k] - 1);
		hint = fth_arena_printf(A(s), "%s%s%s in reg(\"%s\")", hint, k ? "; " : "", what, p->part_reg[k]);
	}
	return hint;
}

/* The parameter `name` of this uprobe's function, from the binary's
 * DWARF once load_uprobe_dwarf_args has looked there; NULL when it has
 * none of that name. */
static const struct fth_dwarf_param *dwarf_param_named(struct sema *s, const char *name)
{
	const struct fth_probe_inst *inst = s->cur->inst;
	struct fth_dwarf_param *params;
	int n;

	if (!inst->dwarf_tried || !inst->binary ||
	    fth_dwarf_func_params(A(s), inst->binary, inst->entry_symbol, inst->entry_addr, &params, &n))
		return NULL;
	for (int i = 0; i < n; i++)
		if (params[i].name && !strcmp(params[i].name, name))
			return &params[i];
	return NULL;
}

/* The parameter `name` of this uprobe's function when it is passed by
 * value in several registers (see fth_dwarf_param), else NULL. */
static const struct fth_dwarf_param *param_in_register_parts(struct sema *s, const char *name)
{
	const struct fth_dwarf_param *p = dwarf_param_named(s, name);

	return p && p->nparts ? p : NULL;
}

/* args.NAME naming a uprobe's parameter that is not in a register: an
 * error that says where it is instead (and, on the stack, how to read
 * it); false when NAME is no parameter. */
static bool report_param_not_in_register(struct sema *s, struct fth_node *e)
{
	const struct fth_probe_inst *inst = s->cur->inst;
	const struct fth_dwarf_param *p = dwarf_param_named(s, e->u.field.name);
	const char *cast;

	if (!p || p->reg)
		return false;
	if (p->nparts) {
		ERR_HINT(s, e, register_parts_hint(s, p),
			 "args.%s is no single value: parameter '%s' of %s is passed %s, a part in each", p->name, p->name,
			 inst->func_name ? inst->func_name : inst->entry_symbol, p->passed);
		return true;
	}
	cast = stack_read_type(s, p->type);
	ERR_HINT(s, e,
		 p->stack_offset && cast ? fth_arena_printf(A(s), "read it from the stack at the function's entry: "
						       "*(%s *)(reg(\"sp\") + %u)", cast, p->stack_offset)
					 : NULL,
		 "args has no '%s': parameter '%s' of %s is passed %s, and args holds the integer and pointer "
		 "parameters passed in registers",
		 p->name, p->name, inst->func_name ? inst->func_name : inst->entry_symbol, p->passed);
	return true;
}

static struct fth_type *check_register_part_member(struct sema *s, struct fth_node *e, const struct fth_dwarf_param *p,
						   const char *field);

/* args.NAME of providers with typed u64 context arguments. */
static struct fth_type *check_ctx_arg(struct sema *s, struct fth_node *e)
{
	const struct fth_probe_inst *inst = s->cur->inst;
	const char *names[64];
	const char *best;

	for (int i = 0; i < inst->nargs; i++) {
		if (inst->args[i].name && !strcmp(inst->args[i].name, e->u.field.name)) {
			e->u.field.offset = inst->args[i].offset;
			e->u.field.bit_offset = 0;
			e->u.field.bit_size = 0;
			return inst->args[i].type;
		}
	}
	if (inst->binary && strchr(e->u.field.name, '.')) {
		/* args.NAME.FIELD, rewritten by check_register_part_member */
		const char *dot = strchr(e->u.field.name, '.');
		const struct fth_dwarf_param *p =
			param_in_register_parts(s, fth_arena_printf(A(s), "%.*s", (int)(dot - e->u.field.name), e->u.field.name));
		if (p)
			return check_register_part_member(s, e, p, dot + 1);
	}
	if (inst->binary && report_param_not_in_register(s, e))
		return NULL;
	for (int i = 0; i < inst->nargs && i < 64; i++)
		names[i] = inst->args[i].name ? inst->args[i].name : "";
	best = fth_closest_name(e->u.field.name, names, inst->nargs < 64 ? inst->nargs : 64);
	ERR_HINT(s, e, best ? fth_arena_printf(A(s), "did you mean '%s'?", best) : "'fathom -lv' lists the arguments",
		 "%s has no argument '%s'", inst->name, e->u.field.name);
	return NULL;
}

static bool is_args_member(const struct fth_node *e)
{
	return e->kind == FTH_FIELD && e->u.field.base->kind == FTH_IDENT && !strcmp(e->u.field.base->u.ident.name, "args");
}

/* args.NAME (e) reads the probe's context: not in the callback a for
 * loop over a map runs as. */
static bool args_usable_here(struct sema *s, struct fth_node *e)
{
	s->callback_blockers++;
	if (!s->for_map_depth)
		return true;
	ERR_HINT(s, e,
		 fth_arena_printf(A(s), "copy it into a variable before the loop: $%s = args.%s;", e->u.field.name,
				  e->u.field.name),
		 "args cannot be used inside a for loop over a map: the loop body runs as a callback "
		 "of bpf_for_each_map_elem, which has no access to the probe's context");
	return false;
}

/* args.NAME.FIELD of a parameter passed by value in several registers:
 * the field is read from the register that holds it, at its offset in
 * that register's 8-byte pt_regs slot (little-endian: the low bytes
 * first). e becomes a read of the context at that offset, as args.NAME
 * of a parameter in one register is; its name becomes "NAME.FIELD",
 * which check_ctx_arg knows when e is checked again. */
static struct fth_type *check_register_part_member(struct sema *s, struct fth_node *e, const struct fth_dwarf_param *p,
						   const char *field)
{
	const struct fth_type *t = p->type;
	const struct fth_field *m = NULL;
	const char *names[64];
	int k;

	for (int i = 0; i < t->nfields && !m; i++)
		if (t->fields[i].name && !strcmp(t->fields[i].name, field))
			m = &t->fields[i];
	if (!m) {
		const char *best;
		for (int i = 0; i < t->nfields && i < 64; i++)
			names[i] = t->fields[i].name ? t->fields[i].name : "";
		best = fth_closest_name(field, names, t->nfields < 64 ? t->nfields : 64);
		ERR_HINT(s, e, best ? fth_arena_printf(A(s), "did you mean '%s'?", best) : NULL, "%s has no field '%s'",
			 fth_type_describe(A(s), t), field);
		return NULL;
	}
	if ((k = part_holding(p, m)) < 0) {
		ERR_HINT(s, e, register_parts_hint(s, p), "args.%s.%s cannot be read: only integer and pointer fields "
			 "that one register holds are (it is %s)", p->name, m->name, fth_type_describe(A(s), m->type));
		return NULL;
	}
	if (e->u.field.base->kind == FTH_FIELD) {
		e->u.field.base = e->u.field.base->u.field.base; /* args */
		e->u.field.name = fth_arena_printf(A(s), "%s.%s", p->name, m->name);
	}
	e->u.field.offset = (uint32_t)fth_pt_regs_offset(p->part_reg[k]) + (m->offset - p->part_offset[k]);
	e->u.field.bit_offset = 0;
	e->u.field.bit_size = 0;
	return m->type;
}

static bool is_common_tp_field(const struct fth_tp_format *tp, const char *name)
{
	for (int i = 0; i < tp->nfields; i++)
		if (tp->fields[i].common && !strcmp(tp->fields[i].name, name))
			return true;
	return false;
}

static struct fth_type *check_field(struct sema *s, struct fth_node *e)
{
	struct fth_node *base = e->u.field.base;
	const struct fth_tp_field *f;

	/* iter probes call their context `ctx` (ctx.task, ctx->file). */
	if (base->kind == FTH_IDENT && !strcmp(base->u.ident.name, "ctx") &&
	    s->cur->inst->expected_attach_type == BPF_TRACE_ITER)
		base->u.ident.name = "args";
	if (base->kind == FTH_IDENT && !strcmp(base->u.ident.name, "config"))
		return config_member(s, e);
	if (is_args_member(base)) {
		const struct fth_dwarf_param *p;
		load_uprobe_dwarf_args(s);
		if ((p = param_in_register_parts(s, base->u.field.name)))
			return args_usable_here(s, e) ? check_register_part_member(s, e, p, e->u.field.name) : NULL;
	}
	if (base->kind != FTH_IDENT || strcmp(base->u.ident.name, "args"))
		return check_struct_member(s, e);
	if (!args_usable_here(s, e))
		return NULL;
	load_uprobe_dwarf_args(s);
	if (s->cur->inst->args)
		return check_ctx_arg(s, e);
	if (takes_no_parameters(s->cur->inst) || args_hold_retval(s->cur->inst)) {
		const struct fth_probe_inst *inst = s->cur->inst;
		ERR_HINT(s, e,
			 args_hold_retval(inst) ? "its args holds only the return value: read it as retval"
						: "it has no arguments to read",
			 "%s has no parameter '%s': %s takes none", inst->name, e->u.field.name,
			 inst->func_name ? inst->func_name : "the function");
		return NULL;
	}
	if (!s->cur->inst->tp) {
		ERR_HINT(s, base, args_hint(s), "'args' is not available in %s probes", s->cur->inst->provider->name);
		return NULL;
	}
	f = fth_sema_tp_field(s->cur, e->u.field.name);
	if (!f && is_common_tp_field(s->cur->inst->tp, e->u.field.name)) {
		/* The kernel hands a tracepoint's BPF programs the record with
		 * its first 8 bytes, the common_* header, overwritten by a
		 * pointer to the registers: they cannot be read. */
		ERR_HINT(s, e,
			 !strcmp(e->u.field.name, "common_pid") ? "read tid (the thread's id), or pid for its process"
								 : "probe, cpu, tid and pid tell which event ran where",
			 "args.%s cannot be read: the kernel gives BPF programs a tracepoint's record with its common_* "
			 "header fields replaced", e->u.field.name);
		return NULL;
	}
	if (!f) {
		const struct fth_tp_format *tp = s->cur->inst->tp;
		const char **names = fth_arena_alloc(A(s), sizeof(char *) * (size_t)(tp->nfields + 1));
		int n = 0;
		char *hint;
		const char *best;
		for (int i = 0; i < tp->nfields; i++)
			if (!tp->fields[i].common)
				names[n++] = tp->fields[i].name;
		best = fth_closest_name(e->u.field.name, names, n);
		if (best) {
			hint = fth_arena_printf(A(s), "did you mean '%s'?", best);
		} else {
			hint = "its fields are:";
			for (int i = 0; i < n; i++)
				hint = fth_arena_printf(A(s), "%s %s", hint, names[i]);
		}
		ERR_HINT(s, e, hint, "%s has no field '%s'", s->cur->inst->name, e->u.field.name);
		return NULL;
	}
	return tp_field_type(s, f);
}

/* ---------------------------------------------------------------- calls */

static bool literal_int(struct fth_node *e, int64_t *out)
{
	if (e->kind == FTH_INT) {
		*out = (int64_t)e->u.integer;
		return true;
	}
	if (e->kind == FTH_UNARY && e->u.unary.op == TOK_MINUS && e->u.unary.operand->kind == FTH_INT) {
		*out = -(int64_t)e->u.unary.operand->u.integer;
		return true;
	}
	return false;
}

/* A positional parameter that holds a number ($1 given as "10", "0x1f" or
 * not given at all, or $#) where a literal is required: unroll ($1),
 * lhist(x, $1, $2, $3), buf(p, $1), strncmp(a, b, $1), print(@m, $1). The
 * node becomes that integer literal, as bpftrace substitutes it. */
static void fold_positional(struct sema *s, struct fth_node *e)
{
	int idx;
	const char *v;
	char *end;
	uint64_t n = 0;

	if (e->kind != FTH_POSITIONAL)
		return;
	idx = e->u.positional.index;
	if (idx < 0) {
		n = (uint64_t)s->prog->positional.len;
	} else if (idx <= s->prog->positional.len) {
		v = s->prog->positional.items[idx - 1];
		errno = 0;
		n = strtoull(v, &end, 0);
		if (!*v || *end || errno)
			return; /* not a number: the caller reports it */
	}
	e->kind = FTH_INT;
	e->u.integer = n;
}

/* str($N) where a literal string is required (kaddr(str($1))): the
 * parameter's text as a string literal. */
static void fold_str_positional(struct sema *s, struct fth_node *e)
{
	struct fth_node *a;
	const char *v = "";

	if (e->kind != FTH_CALL || strcmp(e->u.call.name, "str") || e->u.call.args.len != 1)
		return;
	a = e->u.call.args.items[0];
	if (a->kind != FTH_POSITIONAL || a->u.positional.index < 1)
		return;
	if (a->u.positional.index <= s->prog->positional.len)
		v = s->prog->positional.items[a->u.positional.index - 1];
	e->kind = FTH_STRING;
	e->u.string.data = fth_arena_strdup(A(s), v);
	e->u.string.len = (uint32_t)strlen(v);
}

static bool const_eval(const struct fth_node *e, int64_t *v);

/* str(TEXT, n) whose TEXT the program fixes (a string literal, $N or
 * $N + k): bpftrace folds it at compile time to TEXT's first n
 * characters, so str("hello", 3) is "hel". The call becomes that
 * literal. false: TEXT is known only at run time. */
static bool fold_str_of_known_text(struct sema *s, struct fth_node *call, size_t n)
{
	struct fth_node *arg = call->u.call.args.items[0];
	const char *text;
	size_t len;
	int idx = 0;
	int64_t skip = 0;

	if (arg->kind == FTH_STRING && arg->type == NULL) {
		text = arg->u.string.data;
		len = arg->u.string.len;
	} else if (arg->kind == FTH_POSITIONAL || positional_offset(arg, &idx, &skip)) {
		if (arg->kind == FTH_POSITIONAL)
			idx = arg->u.positional.index;
		text = idx > 0 && idx <= s->prog->positional.len ? s->prog->positional.items[idx - 1] : "";
		len = strlen(text);
		text += (size_t)skip < len ? (size_t)skip : len;
		len = strlen(text);
	} else {
		return false;
	}
	if (len > n)
		len = n;
	call->kind = FTH_STRING;
	call->u.string.data = fth_arena_strndup(A(s), text, len);
	call->u.string.len = (uint32_t)len;
	return true;
}

/* An integer the program fixes: a literal, a positional parameter, or
 * an expression of them that folds to a constant (lhist(x, 0, 4 * 1024,
 * 1024)), as bpftrace folds literals before checking; a folded node
 * becomes its literal. */
static bool literal_int_or_positional(struct sema *s, struct fth_node *e, int64_t *out)
{
	fold_positional(s, e);
	if (literal_int(e, out))
		return true;
	if (e->kind != FTH_UNARY && e->kind != FTH_BINARY)
		return false;
	fold_positional(s, e->kind == FTH_UNARY ? e->u.unary.operand : e->u.binary.lhs);
	if (e->kind == FTH_BINARY)
		fold_positional(s, e->u.binary.rhs);
	if (!const_eval(e, out))
		return false;
	e->kind = FTH_INT;
	e->u.integer = (uint64_t)*out;
	return true;
}

/* str($N + k): a positional parameter used as a string, k bytes in. */
bool positional_offset(const struct fth_node *e, int *index, int64_t *offset)
{
	int64_t k;

	if (e->kind != FTH_BINARY || e->u.binary.op != TOK_PLUS || e->u.binary.lhs->kind != FTH_POSITIONAL ||
	    !literal_int(e->u.binary.rhs, &k) || k < 0)
		return false;
	if (index)
		*index = e->u.binary.lhs->u.positional.index;
	if (offset)
		*offset = k;
	return true;
}

/* How each builtin function is called, shown when a call has the wrong
 * number of arguments so that the fix can be read off the message.
 * Optional arguments are in brackets, as in bpftrace's documentation. */
static const struct {
	const char *name;
	const char *signature;
} builtin_signatures[] = {
	{ "count", "count()" },
	{ "sum", "sum(int n)" },
	{ "min", "min(int n)" },
	{ "max", "max(int n)" },
	{ "avg", "avg(int n)" },
	{ "stats", "stats(int n)" },
	{ "hist", "hist(int n[, int k])" },
	{ "lhist", "lhist(int n, int min, int max, int step)" },
	{ "tseries", "tseries(int n, int interval_ns, int num_intervals[, \"avg\"|\"max\"|\"min\"|\"sum\"])" },
	{ "find", "find(@map, key, $value)" },
	{ "getopt", "getopt(\"name\"[, default[, \"description\"]])" },
	{ "is_str", "is_str(expr)" },
	{ "is_ptr", "is_ptr(expr)" },
	{ "is_array", "is_array(expr)" },
	{ "is_integer", "is_integer(expr)" },
	{ "is_unsigned_integer", "is_unsigned_integer(expr)" },
	{ "is_literal", "is_literal(expr)" },
	{ "container_of", "container_of(ptr, type, member)" },
	{ "is_err", "is_err(ptr)" },
	{ "cgroupid", "cgroupid(\"path\")" },
	{ "kfunc_exist", "kfunc_exist(\"name\")" },
	{ "kfunc_allowed", "kfunc_allowed(\"name\")" },
	{ "percpu_kaddr", "percpu_kaddr(\"symbol\"[, int cpu])" },
	{ "comptime", "comptime(expr)" },
	{ "fail", "fail(\"format\", ...)" },
	{ "static_assert", "static_assert(condition, \"message\")" },
	{ "typeinfo", "typeinfo(expr)" },
	{ "strlen", "strlen(string)" },
	{ "strcap", "strcap(string)" },
	{ "strstr", "strstr(string haystack, string needle)" },
	{ "strcontains", "strcontains(string haystack, string needle)" },
	{ "str_concat", "str_concat(string a, string b)" },
	{ "memcmp", "memcmp(left, right, int count)" },
	{ "macaddr", "macaddr(char[6] mac)" },
	{ "len", "len(@map) or len(ustack|kstack)" },
	{ "uaddr", "uaddr(\"symbol\")" },
	{ "path", "path(struct path *p[, int size])" },
	{ "socket_cookie", "socket_cookie(struct sock *sk)" },
	{ "skboutput", "skboutput(\"path\", struct sk_buff *skb, int length, int offset)" },
	{ "write_user", "write_user(dst, src, int length)" },
	{ "override", "override(int rc)" },
	{ "pid", "pid([curr_ns|init])" },
	{ "tid", "tid([curr_ns|init])" },
	{ "comm", "comm([int pid])" },
	{ "unwatch", "unwatch(addr)" },
	{ "signal", "signal(\"SIGNAME\"|int signum)" },
	{ "signal_thread", "signal_thread(\"SIGNAME\"|int signum)" },
	{ "str", "str(ptr[, int length])" },
	{ "exit", "exit([int code])" },
	{ "delete", "delete(@map, key) or delete(@map[key])" },
	{ "clear", "clear(@map)" },
	{ "zero", "zero(@map)" },
	{ "print", "print(@map[, int top[, int div]]) or print(value)" },
	{ "time", "time([\"format\"])" },
	{ "nsecs", "nsecs([monotonic|boot|tai|sw_tai])" },
	{ "bswap", "bswap(int n)" },
	{ "uptr", "uptr(ptr)" },
	{ "kptr", "kptr(ptr)" },
	{ "reg", "reg(\"name\")" },
	{ "kstack", "kstack([mode, ][int limit])" },
	{ "ustack", "ustack([mode, ][int limit])" },
	{ "dw_ustack", "dw_ustack([mode, ][int limit])" },
	{ "strftime", "strftime(\"format\", int nsecs)" },
	{ "ksym", "ksym(int addr)" },
	{ "usym", "usym(int addr)" },
	{ "strerror", "strerror(int errno)" },
	{ "syscall_name", "syscall_name(int nr)" },
	{ "signal_name", "signal_name(int signum)" },
	{ "pton", "pton(\"address\")" },
	{ "cgroup_path", "cgroup_path(int cgroupid[, \"filter\"])" },
	{ "kaddr", "kaddr(\"symbol\")" },
	{ "ntop", "ntop([int af, ]addr)" },
	{ "buf", "buf(ptr[, int length])" },
	{ "join", "join(char *arr[][, \"separator\"])" },
	{ "has_key", "has_key(@map, key)" },
	{ "strncmp", "strncmp(string a, string b, int n)" },
};

/* max - min of lhist bounds with min < max: it may not fit an int64_t. */
static uint64_t lhist_span(int64_t min, int64_t max)
{
	return (uint64_t)max - (uint64_t)min;
}

/* What is wrong with lhist()'s bounds, in numbers. */
static const char *lhist_bounds_hint(struct sema *s, int64_t min, int64_t max, int64_t step)
{
	uint64_t span = lhist_span(min, max);

	if (max <= min)
		return fth_arena_printf(A(s), "max (%lld) must be larger than min (%lld)", (long long)max, (long long)min);
	if (step <= 0)
		return fth_arena_printf(A(s), "step (%lld) must be at least 1", (long long)step);
	return fth_arena_printf(A(s), "(max - min) / step is %llu buckets: use a step of at least %llu",
				(unsigned long long)(span / (uint64_t)step),
				(unsigned long long)(span / 1000 + (span % 1000 != 0)));
}

/* How builtin name is called; NULL for a name not in the table. */
static const char *builtin_signature(const char *name)
{
	for (size_t i = 0; i < sizeof(builtin_signatures) / sizeof(builtin_signatures[0]); i++)
		if (!strcmp(builtin_signatures[i].name, name))
			return builtin_signatures[i].signature;
	return NULL;
}

static bool want_args(struct sema *s, struct fth_node *call, int min, int max)
{
	int n = call->u.call.args.len;
	const char *sig = builtin_signature(call->u.call.name);
	const char *hint = sig ? fth_arena_printf(A(s), "call it as %s", sig) : NULL;

	if (n >= min && n <= max)
		return true;
	if (min == max)
		ERR_HINT(s, call, hint, "%s() takes %d argument%s, %d given", call->u.call.name, min,
			 min == 1 ? "" : "s", n);
	else
		ERR_HINT(s, call, hint, "%s() takes %d to %d arguments, %d given", call->u.call.name, min, max, n);
	return false;
}

static bool is_agg_func(const char *n)
{
	return !strcmp(n, "count") || !strcmp(n, "sum") || !strcmp(n, "min") || !strcmp(n, "max") ||
	       !strcmp(n, "avg") || !strcmp(n, "stats") || !strcmp(n, "hist") || !strcmp(n, "lhist") ||
	       !strcmp(n, "tseries");
}

/* One integer argument of tseries() that must be a literal from 1 to max. */
static bool tseries_literal(struct sema *s, struct fth_node *call, struct fth_node *arg, const char *what,
			    int64_t max, int64_t *out)
{
	if (!literal_int_or_positional(s, arg, out) || *out < 0) {
		ERR_HINT(s, arg, "write a number, e.g. tseries($x, 100ms, 20)",
			 "tseries: invalid %s value (must be non-negative literal)", what);
		return false;
	}
	if (*out <= 0) {
		ERR_HINT(s, arg, "write e.g. tseries($x, 1000000000, 10): one-second intervals, ten of them",
			 "tseries() %s must be >= 1 (%lld provided)", what, (long long)*out);
		return false;
	}
	if (*out > max) {
		ERR_HINT(s, arg, "use a smaller number, or a longer interval with fewer of them",
			 "tseries() %s must be < %lld (%lld provided)", what, (long long)max, (long long)*out);
		return false;
	}
	(void)call;
	return true;
}

/* tseries(n, interval_ns, num_intervals [, "avg"|"max"|"min"|"sum"]) */
static struct fth_type *check_tseries(struct sema *s, struct fth_node *call)
{
	static const char *const aggs[] = { "avg", "max", "min", "sum" };
	static const enum fth_tseries_agg agg_kinds[] = { FTH_TS_AVG, FTH_TS_MAX, FTH_TS_MIN, FTH_TS_SUM };
	struct fth_node_list *args = &call->u.call.args;
	struct fth_type *t, *vt;
	int64_t interval, count;

	allow_unstable(s, call, s->prog->config.unstable_tseries, "tseries", "unstable_tseries", &s->tseries_noted,
		       false);
	if (!want_args(s, call, 3, 4))
		return NULL;
	vt = check_expr(s, args->items[0]);
	if (vt && !is_int(vt))
		ERR_HINT(s, args->items[0], "count something numeric, e.g. tseries(nsecs, 1000000000, 10)",
			 "tseries() value must be an integer");
	if (!tseries_literal(s, call, args->items[1], "interval_ns", INT64_MAX, &interval) ||
	    !tseries_literal(s, call, args->items[2], "num_intervals", 1000000, &count))
		return NULL;
	t = fth_type_agg(A(s), FTH_AGG_TSERIES);
	t->ts_interval = interval;
	t->ts_count = count;
	t->ts_agg = FTH_TS_LAST;
	t->ts_signed = vt && vt->kind == FTH_T_INT && vt->is_signed;
	if (args->len == 4) {
		struct fth_node *a = args->items[3];
		size_t i = 0;
		while (a->kind == FTH_STRING && i < 4 && strcmp(a->u.string.data, aggs[i]))
			i++;
		if (a->kind != FTH_STRING || i == 4) {
			ERR_HINT(s, a, "write one of them as a string literal, e.g. tseries($x, 1s, 10, \"max\")",
				 "tseries() expects one of the following aggregation functions: avg, max, min, sum "
				 "(\"%s\" provided)", a->kind == FTH_STRING ? a->u.string.data : "");
			return NULL;
		}
		t->ts_agg = agg_kinds[i];
	}
	return t;
}

/* count(), hist(x), ... : only valid as the value of a map assignment. */
static struct fth_type *check_agg_call(struct sema *s, struct fth_node *call)
{
	const char *n = call->u.call.name;
	struct fth_node_list *args = &call->u.call.args;
	struct fth_type *t;

	if (!strcmp(n, "count")) {
		want_args(s, call, 0, 0);
		return fth_type_agg(A(s), FTH_AGG_COUNT);
	}
	if (!strcmp(n, "tseries"))
		return check_tseries(s, call);
	if (!strcmp(n, "lhist")) {
		int64_t mn, mx, step;
		if (!want_args(s, call, 4, 4))
			return NULL;
		if (!is_int(check_expr(s, args->items[0])))
			ERR_HINT(s, args->items[0], "use a number, e.g. lhist(args->count, 0, 100, 10), or cast it",
				 "lhist() value must be an integer");
		if (!literal_int_or_positional(s, args->items[1], &mn) || !literal_int_or_positional(s, args->items[2], &mx) ||
		    !literal_int_or_positional(s, args->items[3], &step)) {
			ERR_HINT(s, call, "write e.g. lhist($x, 0, 100, 10)",
				 "lhist() min, max and step must be integer literals");
			return NULL;
		}
		if (step <= 0 || mx <= mn || lhist_span(mn, mx) / (uint64_t)step > 1000) {
			ERR_HINT(s, call, lhist_bounds_hint(s, mn, mx, step),
				 "lhist() needs min < max, step > 0 and at most 1000 buckets");
			return NULL;
		}
		t = fth_type_agg(A(s), FTH_AGG_LHIST);
		t->lhist_min = mn;
		t->lhist_max = mx;
		t->lhist_step = step;
		return t;
	}
	if (!strcmp(n, "hist")) {
		int64_t bits = 0;
		if (!want_args(s, call, 1, 2))
			return NULL;
		if (args->len == 2 && (!literal_int_or_positional(s, args->items[1], &bits) || bits < 0 || bits > 5)) {
			ERR_HINT(s, args->items[1], "write e.g. hist($x, 2): 2^k buckets for each power of two",
				 "hist() precision must be an integer literal from 0 to 5");
			return NULL;
		}
		if (!is_int(check_expr(s, args->items[0])))
			ERR_HINT(s, args->items[0], "use a number, e.g. hist(args->count), or cast it",
				 "hist() value must be an integer");
		t = fth_type_agg(A(s), FTH_AGG_HIST);
		t->hist_bits = (int)bits;
		return t;
	}
	if (!want_args(s, call, 1, 1))
		return NULL;
	if (!is_int(check_expr(s, args->items[0])))
		ERR_HINT(s, args->items[0], fth_arena_printf(A(s), "use a number, e.g. %s(args->count), or cast it", n),
			 "%s() value must be an integer", n);
	if (!strcmp(n, "sum"))
		return fth_type_agg(A(s), FTH_AGG_SUM);
	if (!strcmp(n, "min"))
		return fth_type_agg(A(s), FTH_AGG_MIN);
	if (!strcmp(n, "max"))
		return fth_type_agg(A(s), FTH_AGG_MAX);
	if (!strcmp(n, "avg"))
		return fth_type_agg(A(s), FTH_AGG_AVG);
	return fth_type_agg(A(s), FTH_AGG_STATS);
}

static struct fth_map *expect_map_arg(struct sema *s, struct fth_node *call, struct fth_node *arg,
				      bool allow_keys)
{
	struct fth_map *map;

	if (arg->kind != FTH_MAP) {
		ERR_HINT(s, arg, fth_arena_printf(A(s), "write e.g. %s(@name)", call->u.call.name),
			 "%s() expects a map such as @name", call->u.call.name);
		return NULL;
	}
	if (arg->u.map.keys.len && !allow_keys) {
		ERR_HINT(s, arg, "pass the whole map, e.g. clear(@name)", "%s() takes a map, not a map element",
			 call->u.call.name);
		return NULL;
	}
	/* A whole map (print, clear, zero) is fine whatever its keys are. */
	map = arg->u.map.keys.len ? map_use_keys(s, arg, false) : map_get(s, arg);
	if (!map && s->strict)
		ERR_HINT(s, arg, "assign it somewhere, e.g. @name = 1;", "undefined map %s", arg->u.map.name);
	return map;
}

/* len(@m): the number of elements the map holds. As in bpftrace the map
 * must have keys: a map without keys holds one value. */
static struct fth_type *check_map_len(struct sema *s, struct fth_node *call)
{
	struct fth_node *arg = call->u.call.args.items[0];
	struct fth_map *map;

	map = map_get(s, arg);
	if (!map && s->strict)
		ERR_HINT(s, arg, "assign it somewhere, e.g. @name = 1;", "undefined map %s", arg->u.map.name);
	else if (map && !map->key_type && map->value_type && s->strict)
		ERR_HINT(s, arg, "a map without keys holds one value",
			 "call to len() expects a map with explicit keys (non-scalar map)");
	return int64_t_();
}

/* The type find() writes into its variable: the map's stored value, or
 * for count/sum/min/max/avg maps the value summed over the CPUs. */
static struct fth_type *found_value_type(struct sema *s, struct fth_map *map, struct fth_node *where)
{
	struct fth_type *vt = map->value_type;

	if (vt->kind != FTH_T_AGG)
		return vt;
	switch (vt->agg) {
	case FTH_AGG_COUNT:
		return uint64_t_();
	case FTH_AGG_SUM:
	case FTH_AGG_MIN:
	case FTH_AGG_MAX:
	case FTH_AGG_AVG:
		return int64_t_();
	default:
		ERR_HINT(s, where, "print the map instead", "find() cannot read the values of a %s map",
			 fth_type_describe(A(s), vt));
		return NULL;
	}
}

/* find(@m, key, $v): true when the key is in the map, and then $v holds
 * its value; false leaves $v as it was. */
/* The key argument of find(), has_key() and delete(@m, key), checked
 * against map's keys as a key written @m[key] is: an error where it
 * cannot be one of them; a longer string widens the map's keys (a
 * shorter copy of it could find another key). */
static void check_key_argument(struct sema *s, struct fth_map *map, struct fth_node *key)
{
	struct fth_type *kt = storage_type(s, check_expr(s, key));

	if (kt && map && map->key_type && !merge_key_type(s, map, kt))
		ERR_HINT(s, key,
			 kt->kind == FTH_T_TUPLE && map->key_type->kind == FTH_T_TUPLE
				 ? "give as many keys as the map has, each of its type"
				 : "use a key of the map's key type, or cast it, e.g. (uint64)x",
			 "key has type %s but %s has keys of type %s", fth_type_describe(A(s), kt), map->name,
			 fth_type_describe(A(s), map->key_type));
}

/* delete(@m, key) where @m holds one value and has no keys. The old
 * several-maps form delete(@a, @b[k]) lands here too (bpftrace 0.17 took
 * it, current bpftrace does not): the key would be ignored and @a deleted,
 * so say what to write instead. */
static void report_delete_key_of_keyless_map(struct sema *s, struct fth_map *map, struct fth_node *mapnode,
					     struct fth_node *key)
{
	if (key->kind == FTH_MAP)
		ERR_HINT(s, key,
			 fth_arena_printf(A(s), "delete one map per call: delete(%s); delete(%s%s);", map->name,
					  key->u.map.name, key->u.map.keys.len ? ", key" : ""),
			 "delete() takes one map and a key; %s has no keys, and deleting several maps in one call is no longer supported",
			 map->name);
	else
		ERR_HINT(s, mapnode, fth_arena_printf(A(s), "write delete(%s) to delete its value", map->name),
			 "%s has no keys, so delete() cannot take a key for it", map->name);
}

static struct fth_type *check_find(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_node *mapnode, *out;
	struct fth_map *map;
	struct fth_type *vt;

	if (!want_args(s, call, 3, 3))
		return fth_type_bool();
	mapnode = args->items[0];
	out = args->items[2];
	if (mapnode->kind != FTH_MAP || mapnode->u.map.keys.len) {
		ERR_HINT(s, mapnode, "write find(@name, key, $value)", "find() expects a map such as @name as its first argument");
		return fth_type_bool();
	}
	if (out->kind != FTH_VAR) {
		ERR_HINT(s, out, "pass a scratch variable such as $value (declare it with let $value; if needed)",
			 "find() writes the value into a variable; its third argument must be a $variable");
		return fth_type_bool();
	}
	map = map_get(s, mapnode);
	if (!map || !map->value_type) {
		if (s->strict)
			ERR_HINT(s, mapnode, "assign it somewhere, e.g. @name = 1;", "undefined map %s", mapnode->u.map.name);
		return fth_type_bool();
	}
	if (!map->key_type) {
		ERR_HINT(s, mapnode, "find() looks up a key of a map written as @name[key]",
			 "%s has no keys: find() needs a map with keys", map->name);
		return fth_type_bool();
	}
	check_key_argument(s, map, args->items[1]);
	vt = found_value_type(s, map, mapnode);
	if (vt)
		var_define(s, out, vt, 0);
	return fth_type_bool();
}

/* print(@ts, min, max): the chart's range instead of the values' own.
 * Both or neither; integer literals, kept within the series' signedness
 * (negative becomes 0 for unsigned values). */
static void check_print_tseries_range(struct sema *s, struct fth_node *call, const struct fth_type *t)
{
	struct fth_node_list *args = &call->u.call.args;
	int64_t v[2];

	if (args->len == 1)
		return;
	if (args->len == 2) {
		ERR_HINT(s, call, "write print(@name, min, max)",
			 "print() must provide both min and max arguments when used on tseries() maps.");
		return;
	}
	for (int i = 0; i < 2; i++) {
		if (!literal_int_or_positional(s, args->items[i + 1], &v[i])) {
			ERR_HINT(s, args->items[i + 1], "write the numbers themselves, e.g. print(@h, 0, 100)",
				 "print()'s min and max must be integer literals");
			return;
		}
		if (!t->ts_signed && v[i] < 0 && args->items[i + 1]->kind == FTH_UNARY)
			v[i] = 0;
	}
	if (t->ts_signed ? v[0] > v[1] : (uint64_t)v[0] > (uint64_t)v[1])
		ERR_HINT(s, call, "swap them", "print()'s min argument cannot be greater than its max argument.");
}

/* "SIGKILL", "KILL" or "9" to 9; 0 if unknown. */
static int signal_number(const char *name)
{
	static const char *const names[] = { NULL, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
					     "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT",
					     "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
					     "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS" };
	char *end;
	long n = strtol(name, &end, 10);

	if (*name && !*end)
		return n > 0 && n < 65 ? (int)n : 0;
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (int i = 1; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(names[i], name))
			return i;
	return 0;
}

/* "100% done" reads "% d" as a conversion with the space flag, which is
 * the usual surprise behind a wrong argument count: name it. */
static const char *printf_count_hint(struct sema *s, const struct fth_printf_format *fmt)
{
	for (int i = 0; i < fmt->nspecs; i++) {
		const struct fth_printf_spec *sp = &fmt->specs[i];

		if (sp->conv != FTH_CONV_PERCENT && strchr(sp->flags, ' '))
			return fth_arena_printf(A(s), "\"%.*s\" is read as a conversion (a space flag, then '%c'); "
						"write %%%% for a literal percent sign",
						(int)(sp->end - sp->begin), fmt->fmt + sp->begin, sp->conv_char);
	}
	return "each % conversion takes one argument; write %% for a literal percent sign";
}

/* What a printf argument counts as, in bpftrace's words: symbols, stacks,
 * addresses and other values the runtime renders as text are strings,
 * pointers are integers, enums are either (a name with %s, the number with
 * %d). NULL: fits every conversion (bool prints 1 or true, C floats print
 * as bpftrace's none). */
static const char *printf_arg_class(const struct fth_type *t, enum fth_printf_conv conv)
{
	if (fth_type_prints_as_text(t))
		return "string";
	switch (t->kind) {
	case FTH_T_INT:
		return t->enum_def ? NULL : "integer";
	case FTH_T_POINTER:
		return "integer";
	case FTH_T_STRING:
		return "string";
	case FTH_T_BUFFER:
		return "buffer";
	case FTH_T_TUPLE:
		return t->nfields > 0 && t->fields[0].name ? "record" : "tuple";
	case FTH_T_ARRAY:
		/* a char array is text, as bpftrace reads it */
		return t->elem && t->elem->kind == FTH_T_INT && t->elem->size == 1 && conv == FTH_CONV_STRING ? NULL
														       : "array";
	default:
		return NULL;
	}
}

/* The class each conversion takes; NULL for %% and the ones without a check. */
static const char *printf_conv_class(enum fth_printf_conv conv)
{
	switch (conv) {
	case FTH_CONV_INT:
	case FTH_CONV_GFP:
		return "integer";
	case FTH_CONV_STRING:
		return "string";
	case FTH_CONV_BUFFER:
		return "buffer";
	default:
		return NULL;
	}
}

/* How to print a value of class `have` that the conversion does not take. */
static const char *printf_type_hint(enum fth_printf_conv conv, const char *have, const struct fth_type *t)
{
	if (conv == FTH_CONV_STRING && t->kind == FTH_T_POINTER)
		return "read the string it points to with str(ptr)";
	if (conv == FTH_CONV_GFP)
		return "pass the gfp_t value itself, e.g. args.gfp_flags";
	if (!strcmp(have, "integer"))
		return "print integers with %d (or %u, %x)";
	if (!strcmp(have, "string"))
		return "print strings with %s";
	if (!strcmp(have, "buffer"))
		return "print buf() values with %r (or %rx, %rh)";
	if (conv == FTH_CONV_BUFFER)
		return "%r prints the bytes of buf(ptr, len)";
	return "print() shows a whole tuple, record or array; printf() takes its elements, e.g. $t.0";
}

/* Each argument must suit its conversion, as bpftrace checks: "%d" of a
 * string or "%s" of a number is an error at the argument. */
static void check_printf_arg_types(struct sema *s, struct fth_node *call, const struct fth_printf_format *fmt)
{
	struct fth_node_list *args = &call->u.call.args;
	int arg = 0;

	for (int i = 0; i < fmt->nspecs && arg < args->len - 1; i++) {
		const struct fth_printf_spec *sp = &fmt->specs[i];
		const char *want = printf_conv_class(sp->conv), *have;
		struct fth_node *a;

		if (sp->conv == FTH_CONV_PERCENT)
			continue;
		a = args->items[++arg];
		if (!want || !a->type || !(have = printf_arg_class(a->type, sp->conv)) || !strcmp(want, have))
			continue;
		ERR_HINT(s, a, printf_type_hint(sp->conv, have, a->type),
			 "%s: %%%s%c%s specifier expects a value of type %s (%s supplied)", call->u.call.name,
			 sp->length, sp->conv_char, sp->conv == FTH_CONV_GFP ? "r" : sp->buf_style ? (char[2]){ sp->buf_style, 0 } : "",
			 want, have);
	}
}

static struct fth_type *check_printf(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_printf_format fmt;
	char err[128];
	uint32_t off = 0;

	if (args->len < 1 || args->items[0]->kind != FTH_STRING) {
		ERR_HINT(s, call, "write printf(\"format\", args...)",
			 "%s() needs a string literal as its first argument", call->u.call.name);
		return fth_type_none();
	}
	for (int i = 1; i < args->len; i++) {
		struct fth_type *t = check_expr(s, args->items[i]);
		if (t && t->kind == FTH_T_AGG)
			ERR(s, args->items[i], "aggregations cannot be printed with printf(); use print(@map)");
		if (t && t->kind == FTH_T_STRUCT)
			ERR_HINT(s, args->items[i], "print() shows a whole struct; printf() takes its members",
				 "%s cannot be printed with %s()", fth_type_describe(A(s), t), call->u.call.name);
	}
	if (fth_printf_parse(args->items[0]->u.string.data, &fmt, err, sizeof(err), &off) < 0) {
		ERR(s, args->items[0], "%s", err);
		return fth_type_none();
	}
	if (fmt.nargs != args->len - 1)
		ERR_HINT(s, call, printf_count_hint(s, &fmt),
			 "printf: %s arguments for format string (%d supplied, %d expected)",
			 fmt.nargs > args->len - 1 ? "Not enough" : "Too many", args->len - 1, fmt.nargs);
	if (fmt.nargs == args->len - 1)
		check_printf_arg_types(s, call, &fmt);
	fth_printf_format_free(&fmt);
	return fth_type_none();
}

/* The value of named parameter `name` given after the script
 * ("--name=value", or "--name" alone), or NULL. */
static const char *named_param(struct sema *s, const char *name, bool *present)
{
	size_t n = strlen(name);

	*present = false;
	for (int i = 0; i < s->prog->named.len; i++) {
		const char *arg = s->prog->named.items[i];
		if (!strncmp(arg, name, n) && (arg[n] == '=' || arg[n] == '\0')) {
			*present = true;
			fth_ptrvec_push(A(s), &s->prog->named_used, (void *)name);
			return arg[n] == '=' ? arg + n + 1 : NULL;
		}
	}
	return NULL;
}

/* One line of the script's option list (`script -- --help`): the option,
 * its value kind, its description and its default. */
static void note_getopt_help(struct sema *s, struct fth_node *call, const char *name)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_node *dflt = args->len > 1 ? args->items[1] : NULL;
	const char *desc = args->len > 2 && args->items[2]->kind == FTH_STRING ? args->items[2]->u.string.data : NULL;
	const char *opt, *dtext, *line;
	int64_t n = 0;

	if (!dflt || dflt->kind == FTH_BOOL) {
		opt = fth_arena_printf(A(s), "--%s", name);
		dtext = dflt && dflt->u.integer ? "true" : "false";
	} else if (dflt->kind == FTH_STRING) {
		opt = fth_arena_printf(A(s), "--%s=STRING", name);
		dtext = fth_arena_printf(A(s), "\"%s\"", dflt->u.string.data);
	} else {
		opt = fth_arena_printf(A(s), "--%s=INT", name);
		literal_int(dflt, &n);
		dtext = fth_arena_printf(A(s), "%lld", (long long)n);
	}
	line = fth_arena_printf(A(s), "    %-24s %s%s(default: %s)", opt, desc ? desc : "", desc ? " " : "", dtext);
	for (int i = 0; i < s->prog->getopt_help.len; i++)
		if (!strcmp(s->prog->getopt_help.items[i], line))
			return;
	fth_ptrvec_push(A(s), &s->prog->getopt_help, (void *)line);
}

/* getopt("name" [, default [, "description"]]): a compile-time constant from
 * the script's named parameters, typed by the default (no default: a bool
 * flag). The call node becomes that literal. */
static struct fth_type *check_getopt(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_node *dflt = args->len > 1 ? args->items[1] : NULL;
	const char *name, *value;
	bool present;
	int64_t n;

	if (!want_args(s, call, 1, 3))
		return NULL;
	if (args->items[0]->kind != FTH_STRING) {
		ERR_HINT(s, args->items[0], "write e.g. getopt(\"verbose\") or getopt(\"count\", 10)",
			 "getopt() takes the parameter name as a string literal");
		return NULL;
	}
	name = args->items[0]->u.string.data;
	note_getopt_help(s, call, name);
	value = named_param(s, name, &present);
	if (!dflt || dflt->kind == FTH_BOOL) {
		bool on = dflt ? dflt->u.integer != 0 : false;
		if (present)
			on = !value || !strcasecmp(value, "true") || !strcmp(value, "1");
		call->kind = FTH_BOOL;
		call->u.integer = on;
		return fth_type_bool();
	}
	if (dflt->kind == FTH_STRING) {
		const char *text = present && value ? value : dflt->u.string.data;
		call->kind = FTH_STRING;
		call->u.string.data = fth_arena_strdup(A(s), text);
		call->u.string.len = (uint32_t)strlen(text);
		return fth_type_string(A(s), call->u.string.len + 1);
	}
	if (!literal_int(dflt, &n)) {
		ERR_HINT(s, dflt, "write e.g. getopt(\"count\", 10) or getopt(\"name\", \"x\")",
			 "getopt() default must be a literal (integer, string, true or false)");
		return NULL;
	}
	if (present && value && (!strcasecmp(value, "true") || !strcasecmp(value, "false"))) {
		n = !strcasecmp(value, "true"); /* bpftrace reads --flag=False as 0 */
	} else if (present && value) {
		char *end;
		n = strtoll(value, &end, 0);
		if (!*value || *end) {
			ERR_HINT(s, call, fth_arena_printf(A(s), "pass a number, e.g. --%s=10", name),
			 "parameter --%s takes an integer, not '%s'", name, value);
			return NULL;
		}
	}
	call->kind = FTH_INT;
	call->u.integer = (uint64_t)n;
	return int64_t_();
}

/* ------------------------------------------------ compile-time questions */

/* The type predicates of bpftrace's standard library (is_str, is_ptr, ...)
 * ask about an expression's type, never its value: each call becomes the
 * constant true or false, and the argument is not evaluated at run time. */
static bool is_literal_node(const struct fth_node *e)
{
	if (e->kind == FTH_UNARY && e->u.unary.op == TOK_MINUS)
		e = e->u.unary.operand;
	return e->kind == FTH_INT || e->kind == FTH_STRING || e->kind == FTH_BOOL || e->kind == FTH_POSITIONAL;
}

/* The type bpftrace gives an integer literal: the smallest that holds it,
 * unsigned unless it is negative (typeof(1) is uint8, typeof(-1) int8). */
static struct fth_type *literal_type(struct fth_node *e)
{
	int64_t v = 0;
	bool negative = e->kind == FTH_UNARY;
	uint64_t mag;
	int size = 1;

	literal_int(e, &v);
	mag = negative ? (uint64_t)-(v + 1) : (uint64_t)v; /* -128 fits int8: 127 */
	while (size < 8 && (negative ? mag > (UINT64_MAX >> (65 - 8 * size)) : mag > (UINT64_MAX >> (64 - 8 * size))))
		size *= 2;
	return fth_type_int(size, negative);
}

/* bpftrace gives a literal the smallest type that holds it: unsigned when
 * it is not negative (`1` is a uint8), signed when it is (`-1`). */
static bool literal_is_unsigned(struct sema *s, struct fth_node *e)
{
	if (e->kind == FTH_POSITIONAL)
		fold_positional(s, e);
	return e->kind == FTH_INT && !(e->type && e->type->enum_def);
}

static bool type_predicate(struct sema *s, const char *name, struct fth_node *arg, bool *answer)
{
	struct fth_type *t;

	if (!strcmp(name, "is_literal")) {
		*answer = is_literal_node(arg);
		return true;
	}
	if (!strcmp(name, "is_unsigned_integer") && (arg->kind == FTH_INT || arg->kind == FTH_POSITIONAL) &&
	    literal_is_unsigned(s, arg)) {
		*answer = true;
		return true;
	}
	t = check_expr(s, arg);
	if (!t)
		return false;
	if (!strcmp(name, "is_str"))
		*answer = t->kind == FTH_T_STRING;
	else if (!strcmp(name, "is_ptr"))
		*answer = t->kind == FTH_T_POINTER;
	else if (!strcmp(name, "is_array"))
		*answer = t->kind == FTH_T_ARRAY;
	else if (!strcmp(name, "is_integer"))
		*answer = t->kind == FTH_T_INT;
	else
		*answer = t->kind == FTH_T_INT && !t->is_signed;
	return true;
}


static struct fth_type *fold_bool(struct fth_node *call, bool value)
{
	call->kind = FTH_BOOL;
	call->u.integer = value;
	return fth_type_bool();
}

static struct fth_type *check_type_predicate(struct sema *s, struct fth_node *call)
{
	bool answer = false;

	if (!want_args(s, call, 1, 1) || !type_predicate(s, call->u.call.name, call->u.call.args.items[0], &answer))
		return NULL;
	return fold_bool(call, answer);
}

/* The names of a member path written as an expression: `a.b.c` parses as
 * fields of the identifier a. Appended outermost first. */
static bool member_path(struct sema *s, struct fth_node *e, struct fth_node_list *out)
{
	if (e->kind == FTH_IDENT) {
		fth_node_list_push(A(s), out, e);
		return true;
	}
	if (e->kind == FTH_FIELD && member_path(s, e->u.field.base, out)) {
		struct fth_node *name = fth_node_new(A(s), FTH_IDENT, e->u.field.name_range);
		name->u.ident.name = e->u.field.name;
		fth_node_list_push(A(s), out, name);
		return true;
	}
	return false;
}

static struct fth_node *cast_node(struct sema *s, struct fth_range where, struct fth_type_name tn,
				  struct fth_node *operand)
{
	struct fth_node *c = fth_node_new(A(s), FTH_CAST, where);

	c->u.cast.type_name = tn;
	c->u.cast.operand = operand;
	return c;
}

static struct fth_node *as_uint64(struct sema *s, struct fth_node *e)
{
	struct fth_type_name u64 = { .base = "uint64", .range = e->range };

	return cast_node(s, e->range, u64, e);
}

/* container_of(ptr, type, member) is the kernel's macro:
 * (type *)((uint64)ptr - offsetof(type, member)). The call node becomes
 * that expression, so later passes see only casts and arithmetic. */
static struct fth_type *check_container_of(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_node *type_arg, *offset, *diff;
	struct fth_type_name target;

	if (!want_args(s, call, 3, 3))
		return NULL;
	type_arg = args->items[1];
	if (type_arg->kind != FTH_TYPEOF) {
		ERR_HINT(s, type_arg, "write a type such as struct task_struct", "container_of() takes a type as its second argument");
		return NULL;
	}
	offset = fth_node_new(A(s), FTH_OFFSETOF, args->items[2]->range);
	if (!member_path(s, args->items[2], &offset->u.offsetof_.fields)) {
		ERR_HINT(s, args->items[2], "name a member, such as list or a.b", "container_of() takes a member name as its third argument");
		return NULL;
	}
	target = type_arg->u.typeof_.type_name;
	if (type_arg->u.typeof_.expr)
		target.typeof_expr = type_arg->u.typeof_.expr;
	target.range = type_arg->range;
	offset->u.offsetof_.type_name = target;
	target.pointer_depth++;
	diff = fth_node_new(A(s), FTH_BINARY, call->range);
	diff->u.binary.op = TOK_MINUS;
	diff->u.binary.lhs = as_uint64(s, args->items[0]);
	diff->u.binary.rhs = offset;
	call->kind = FTH_CAST;
	call->u.cast.type_name = target;
	call->u.cast.operand = diff;
	return check_expr(s, call);
}

/* is_err(ptr): the kernel's IS_ERR, an address in the last page of the
 * address space holds an error code (-4095..-1). */
static struct fth_type *check_is_err(struct sema *s, struct fth_node *call)
{
	struct fth_node *limit, *ptr;

	if (!want_args(s, call, 1, 1))
		return NULL;
	ptr = call->u.call.args.items[0];
	limit = fth_node_new(A(s), FTH_INT, call->range);
	limit->u.integer = (uint64_t)-4095;
	call->kind = FTH_BINARY;
	call->u.binary.op = TOK_GE;
	call->u.binary.lhs = as_uint64(s, ptr);
	call->u.binary.rhs = limit;
	return check_expr(s, call);
}

/* A string literal argument, also written as str($N). */
static const char *literal_string_arg(struct sema *s, struct fth_node *arg)
{
	fold_str_positional(s, arg);
	if (arg->kind == FTH_POSITIONAL)
		check_expr(s, arg); /* a non-numeric $N is a string literal */
	return arg->kind == FTH_STRING ? arg->u.string.data : NULL;
}

/* cgroupid("path"): the cgroup v2 id of the directory, known now. The
 * kernel's cgroup id is the cgroupfs inode number, which the file handle
 * of the directory carries (as bpftrace reads it). */
static struct fth_type *check_cgroupid(struct sema *s, struct fth_node *call)
{
	const char *path;
	uint64_t id = 0;
	int err;

	if (!want_args(s, call, 1, 1))
		return NULL;
	path = literal_string_arg(s, call->u.call.args.items[0]);
	if (!path) {
		ERR_HINT(s, call->u.call.args.items[0], "write e.g. cgroupid(\"/sys/fs/cgroup/system.slice\")",
			 "cgroupid() takes a path as a string literal");
		return NULL;
	}
	err = fth_cgroup_id(path, &id);
	if (err == -EMEDIUMTYPE) {
		char mnt[1024], hint[2200];
		if (!fth_cgroup2_mount(mnt, sizeof(mnt))) {
			ERR_HINT(s, call, "mount it: mount -t cgroup2 none /sys/fs/cgroup",
				 "cgroupid(): '%s' is not a cgroup v2 directory, and no cgroup v2 hierarchy is mounted", path);
			return NULL;
		}
		snprintf(hint, sizeof(hint), "give a directory under %s (%s itself is the root cgroup)", mnt, mnt);
		ERR_HINT(s, call, hint, "cgroupid(): '%s' is not a cgroup v2 directory; cgroup v2 is mounted at %s", path,
			 mnt);
		return NULL;
	}
	if (err) {
		/* name where the hierarchy is on this system: it is not
		 * /sys/fs/cgroup everywhere (/sys/fs/cgroup/unified beside
		 * the v1 controllers) */
		char mnt[1024], hint[1200];
		if (fth_cgroup2_mount(mnt, sizeof(mnt)))
			snprintf(hint, sizeof(hint), "give the path of a directory in the cgroup v2 hierarchy, "
				 "which is mounted at %s here", mnt);
		else
			snprintf(hint, sizeof(hint), "give the path of a directory in the cgroup v2 hierarchy "
				 "(none is mounted: mount -t cgroup2 none /sys/fs/cgroup)");
		ERR_HINT(s, call, hint, "Failed to get cgroupid for '%s': %s", path, strerror(-err));
		return NULL;
	}
	call->kind = FTH_INT;
	call->u.integer = id;
	return uint64_t_();
}

/* kfunc_exist("f") / kfunc_allowed("f"): asked of this kernel now; the
 * second loads a tiny program of the probe's type that calls f and sees
 * whether the verifier refuses the call. */
static struct fth_type *check_kfunc_question(struct sema *s, struct fth_node *call)
{
	bool allowed = !strcmp(call->u.call.name, "kfunc_allowed");
	struct fth_node *arg;
	struct fth_btf *btf;
	int id;

	if (!want_args(s, call, 1, 1))
		return NULL;
	arg = call->u.call.args.items[0];
	if (arg->kind != FTH_STRING) {
		ERR_HINT(s, arg, "write the kfunc's name in quotes, e.g. \"bpf_task_from_pid\"",
			 "%s() accepts a string literal only", call->u.call.name);
		return NULL;
	}
	btf = fth_program_btf(s->prog);
	id = btf ? fth_btf_func_id(btf, arg->u.string.data) : -ENOENT;
	if (!allowed || id < 0)
		return fold_bool(call, id > 0);
	return fold_bool(call, fth_kfunc_allowed(id, arg->u.string.data,
						     s->cur->prog_type ? s->cur->prog_type : s->cur->inst->provider->prog_type));
}

static bool kernel_symbol_known(const char *name)
{
	struct fth_ksyms *ksyms = NULL;
	bool known = false;

	if (fth_ksyms_load(&ksyms) == 0) {
		known = fth_ksyms_address(ksyms, name) != 0;
		fth_ksyms_free(ksyms);
	}
	return known;
}

/* percpu_kaddr("sym" [, cpu]): the address of a per-CPU kernel variable
 * on this CPU (bpf_this_cpu_ptr) or on the given one (bpf_per_cpu_ptr,
 * NULL for a CPU that does not exist). The variable is found in BTF. */
static struct fth_type *check_percpu_kaddr(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_btf *btf;
	const char *name;
	struct fth_type *p;

	if (!want_args(s, call, 1, 2))
		return NULL;
	name = literal_string_arg(s, args->items[0]);
	if (!name) {
		ERR_HINT(s, args->items[0], "write e.g. percpu_kaddr(\"runqueues\")",
			 "percpu_kaddr() takes a symbol name as a string literal");
		return NULL;
	}
	btf = fth_program_btf(s->prog);
	if (!btf || fth_btf_var_id(btf, name) < 0) {
		ERR_HINT(s, call, btf ? "the name must be a per-CPU variable of the kernel (they are in /sys/kernel/btf/vmlinux)"
				      : "per-CPU variables are found in kernel BTF (/sys/kernel/btf/vmlinux), which this kernel lacks",
			 "percpu_kaddr(): unknown per-CPU kernel variable '%s'", name);
		return NULL;
	}
	if (!kernel_symbol_known(name)) {
		/* The kernel resolves the BTF variable through kallsyms when the
		 * program loads; without CONFIG_KALLSYMS_ALL data symbols are
		 * not there and the load would fail. */
		ERR_HINT(s, call, "this kernel lists no data symbols in /proc/kallsyms (built without CONFIG_KALLSYMS_ALL)",
			 "percpu_kaddr(): the kernel cannot resolve the address of '%s'", name);
		return NULL;
	}
	if (args->len == 2 && !is_int(check_expr(s, args->items[1])))
		ERR_HINT(s, args->items[1], "write e.g. percpu_kaddr(\"runqueues\", cpu)",
			 "percpu_kaddr() takes a CPU number as its second argument");
	p = fth_type_pointer(A(s), uint64_t_());
	p->user_space = false;
	return p;
}

/* ------------------------------------------------------------- comptime */

static bool const_binary(const struct fth_node *e, int64_t *v)
{
	const struct fth_node *l = e->u.binary.lhs, *r = e->u.binary.rhs;
	int64_t a, b;

	if (l->kind == FTH_STRING && r->kind == FTH_STRING && (e->u.binary.op == TOK_EQ || e->u.binary.op == TOK_NE)) {
		bool same = !strcmp(l->u.string.data, r->u.string.data);
		*v = e->u.binary.op == TOK_EQ ? same : !same;
		return true;
	}
	if (!const_eval(l, &a) || !const_eval(r, &b))
		return false;
	switch (e->u.binary.op) {
	case TOK_PLUS: *v = (int64_t)((uint64_t)a + (uint64_t)b); return true;
	case TOK_MINUS: *v = (int64_t)((uint64_t)a - (uint64_t)b); return true;
	case TOK_STAR: *v = (int64_t)((uint64_t)a * (uint64_t)b); return true;
	case TOK_SLASH: if (!b) return false; *v = (int64_t)((uint64_t)a / (uint64_t)b); return true;
	case TOK_PERCENT: if (!b) return false; *v = (int64_t)((uint64_t)a % (uint64_t)b); return true;
	case TOK_AMP: *v = a & b; return true;
	case TOK_PIPE: *v = a | b; return true;
	case TOK_CARET: *v = a ^ b; return true;
	case TOK_SHL: *v = b >= 0 && b < 64 ? (int64_t)((uint64_t)a << b) : 0; return true;
	case TOK_SHR: *v = b >= 0 && b < 64 ? (int64_t)((uint64_t)a >> b) : 0; return true;
	case TOK_EQ: *v = a == b; return true;
	case TOK_NE: *v = a != b; return true;
	case TOK_LT: *v = a < b; return true;
	case TOK_LE: *v = a <= b; return true;
	case TOK_GT: *v = a > b; return true;
	case TOK_GE: *v = a >= b; return true;
	case TOK_ANDAND: *v = a && b; return true;
	case TOK_OROR: *v = a || b; return true;
	default: return false;
	}
}

/* A value known while compiling, after sema has folded what it can
 * (sizeof, offsetof, is_str(), ...): literals and operators over them. */
static bool const_eval(const struct fth_node *e, int64_t *v)
{
	int64_t a;

	switch (e->kind) {
	case FTH_INT:
	case FTH_BOOL:
		*v = (int64_t)e->u.integer;
		return true;
	case FTH_UNARY:
		if (!const_eval(e->u.unary.operand, &a))
			return false;
		switch (e->u.unary.op) {
		case TOK_BANG: *v = !a; return true;
		case TOK_MINUS: *v = (int64_t)(0 - (uint64_t)a); return true;
		case TOK_TILDE: *v = ~a; return true;
		default: return false;
		}
	case FTH_BINARY:
		return const_binary(e, v);
	case FTH_BLOCK_EXPR:
		return !e->u.block.stmts.len && e->u.block.value && const_eval(e->u.block.value, v);
	default:
		return false;
	}
}

/* comptime expr: evaluated now, the node becomes the constant. */
static struct fth_type *check_comptime(struct sema *s, struct fth_node *call)
{
	struct fth_node *arg;
	struct fth_type *t;
	int64_t v;

	if (!want_args(s, call, 1, 1))
		return NULL;
	arg = call->u.call.args.items[0];
	t = check_expr(s, arg);
	if (!t)
		return NULL;
	if (!is_int(t) || !const_eval(arg, &v)) {
		ERR_HINT(s, arg, "use literals, sizeof/offsetof and type questions such as is_str(x)",
			 "comptime needs a value known when the script is compiled");
		return NULL;
	}
	if (t->kind == FTH_T_BOOL)
		return fold_bool(call, v != 0);
	call->kind = FTH_INT;
	call->u.integer = (uint64_t)v;
	return int64_t_();
}

/* if comptime (c) { A } else { B }: only the branch taken stays, so the
 * other may hold code that would not compile (a fail(), say). False when
 * the condition is not comptime or not known (the if is then checked as
 * usual, after the error). */
static bool fold_comptime_if(struct sema *s, struct fth_node *n, bool value)
{
	struct fth_node *cond = n->u.if_.cond, *taken;

	if (cond->kind != FTH_CALL || strcmp(cond->u.call.name, "comptime"))
		return false;
	if (!check_comptime(s, cond) || (cond->kind != FTH_INT && cond->kind != FTH_BOOL)) {
		if (!s->strict)
			return false; /* the reporting pass meets it again */
		/* reported: check nothing more (a value stands in for one) */
		memset(&n->u, 0, sizeof(n->u));
		n->kind = value ? FTH_INT : FTH_BLOCK;
		return true;
	}
	taken = cond->u.integer ? n->u.if_.then_block : n->u.if_.else_block;
	if (taken && taken->kind == FTH_IF) {
		struct fth_range r = n->range;
		*n = *taken; /* else if: the next if decides */
		n->range = r;
		return true;
	}
	if (taken) {
		struct fth_node_list stmts = taken->u.block.stmts;
		struct fth_node *v = taken->u.block.value;
		n->u.block.stmts = stmts;
		n->u.block.value = v;
	} else {
		memset(&n->u.block, 0, sizeof(n->u.block));
	}
	n->kind = value ? FTH_BLOCK_EXPR : FTH_BLOCK;
	return true;
}

/* fail("fmt", args...): a compile error where it is met (only in a
 * branch that stays). The message is formatted now, so every argument
 * must be known now: a string, a boolean or an integer the compiler can
 * work out (-1, 1 << 4, sizeof(struct x)), as bpftrace folds literals
 * before it checks fail(). The message is rendered as printf() renders
 * at run time, so "%u" of -1 prints the same in both. */
static bool format_now(struct sema *s, struct fth_node *call, int first, char **out)
{
	struct fth_node_list *args = &call->u.call.args;
	int nvalues = args->len - first - 1;
	const struct fth_type **types = fth_arena_alloc(A(s), (nvalues + 1) * sizeof(*types));
	const void **values = fth_arena_alloc(A(s), (nvalues + 1) * sizeof(*values));
	struct fth_printf_format fmt;
	struct fth_strbuf msg;
	char err[128];
	uint32_t off = 0;

	if (fth_printf_parse(args->items[first]->u.string.data, &fmt, err, sizeof(err), &off) < 0) {
		ERR(s, args->items[first], "%s", err);
		return false;
	}
	if (fmt.nargs != nvalues) {
		ERR(s, call, "%s: %s arguments for format string (%d supplied, %d expected)", call->u.call.name,
		    fmt.nargs > nvalues ? "Not enough" : "Too many", nvalues, fmt.nargs);
		fth_printf_format_free(&fmt);
		return false;
	}
	for (int i = 0; i < nvalues; i++) {
		struct fth_node *a = args->items[first + 1 + i];
		int64_t *v = fth_arena_alloc(A(s), sizeof(*v));

		fold_positional(s, a); /* $1 is a literal once the parameters are known */
		if (a->kind == FTH_STRING) {
			types[i] = fth_type_string(A(s), a->u.string.len + 1);
			values[i] = a->u.string.data;
		} else if (a->type && is_int(a->type) && const_eval(a, v)) {
			types[i] = a->type->kind == FTH_T_BOOL ? fth_type_bool() : fth_type_int(8, a->type->is_signed);
			values[i] = v;
		} else {
			ERR_HINT(s, a, "the message is formatted at compile time: pass literals",
				 "%s() arguments need to be literals", call->u.call.name);
			fth_printf_format_free(&fmt);
			return false;
		}
	}
	fth_strbuf_init(&msg);
	fth_printf_render(&msg, &fmt, types, values, NULL);
	*out = strdup(fth_strbuf_cstr(&msg));
	fth_strbuf_free(&msg);
	fth_printf_format_free(&fmt);
	return *out != NULL;
}

static struct fth_type *check_fail(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	char *msg = NULL;

	if (!want_args(s, call, 1, 64))
		return NULL;
	for (int i = 0; i < args->len; i++)
		check_expr(s, args->items[i]);
	if (args->items[0]->kind != FTH_STRING) {
		ERR_HINT(s, args->items[0], "write fail(\"format\", args...)",
			 "first argument to fail() must be a string literal");
		return NULL;
	}
	if (format_now(s, call, 0, &msg)) {
		ERR(s, call, "%s", msg);
		free(msg);
	}
	return fth_type_none();
}

/* debugf(fmt, args...): bpf_trace_printk formats in the kernel, which
 * takes at most 3 arguments and fewer conversions: bpftrace allows d, u,
 * x and p for integers and s for strings, and warns that it is not meant
 * for production use. */
static struct fth_type *check_debugf(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_printf_format fmt;
	char err[128];
	uint32_t off = 0;
	int arg = 0;

	check_printf(s, call);
	if (args->len < 1 || args->items[0]->kind != FTH_STRING)
		return fth_type_none();
	if (s->strict && !s->retyping)
		fth_warning(s->diag, call->range, "The debugf() builtin is not recommended for production use. "
			    "For more information see bpf_trace_printk in bpf-helpers(7).");
	if (args->len - 1 > 3)
		ERR_HINT(s, call, "split it into several debugf() calls", "cannot use more than 3 conversion specifiers");
	if (fth_printf_parse(args->items[0]->u.string.data, &fmt, err, sizeof(err), &off) < 0)
		return fth_type_none();
	for (int i = 0; i < fmt.nspecs && arg < args->len - 1; i++) {
		const struct fth_printf_spec *sp = &fmt.specs[i];
		struct fth_node *a;
		bool want_string = sp->conv_char == 's';
		if (sp->conv == FTH_CONV_PERCENT)
			continue;
		a = args->items[++arg];
		if (!strchr("duxps", sp->conv_char) || sp->conv == FTH_CONV_BUFFER) {
			ERR_HINT(s, args->items[0], "debugf() takes %d, %u, %x, %p and %s",
				 "Invalid format specifier for `debugf`: %c", sp->conv_char);
			continue;
		}
		if (a->type && (want_string ? a->type->kind != FTH_T_STRING : !is_int(a->type)))
			ERR_HINT(s, a, want_string ? "%s takes a string" : "%d, %u, %x and %p take integers",
				 "Type does not match format specifier: %c", sp->conv_char);
	}
	fth_printf_format_free(&fmt);
	return fth_type_none();
}
static struct fth_type *check_static_assert(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_type *t;
	int64_t v;

	if (!want_args(s, call, 2, 2))
		return NULL;
	t = check_expr(s, args->items[0]);
	if (args->items[1]->kind != FTH_STRING) {
		ERR_HINT(s, args->items[1], "write e.g. static_assert(sizeof(struct s) == 8, \"s is 8 bytes\")",
			 "static_assert() takes its message as a string literal");
		return NULL;
	}
	if (!t || !is_int(t) || !const_eval(args->items[0], &v)) {
		ERR_HINT(s, args->items[0], "use literals, sizeof/offsetof and type questions such as is_str(x)",
			 "static_assert() needs a condition known when the script is compiled");
		return NULL;
	}
	if (!v) {
		/* kept as it is, so that the reporting pass meets it too */
		ERR(s, call, "%s", args->items[1]->u.string.data);
		return fth_type_none();
	}
	/* nothing is left to run */
	return fold_bool(call, true);
}

/* typeinfo(expr or type): what bpftrace knows of the type, at compile
 * time, as the record (btf_id = 0, base_type = "int", full_type =
 * "uint64"). bpftrace does not fill btf_id in yet. The call becomes that
 * record literal: the argument is only looked at, never run. */
static struct fth_type *check_typeinfo(struct sema *s, struct fth_node *call)
{
	struct fth_node *arg, *zero;
	struct fth_type *t;

	if (!allow_unstable(s, call, s->prog->config.unstable_typeinfo, "typeinfo", "unstable_typeinfo",
			    &s->typeinfo_noted, true) || !want_args(s, call, 1, 1))
		return NULL;
	arg = call->u.call.args.items[0];
	if (arg->kind == FTH_TYPEOF) {
		t = typeof_node_type(s, arg);
	} else {
		/* the type typeof(arg) names: a literal's smallest, a
		 * variable's as given */
		struct fth_type_name of_arg = { .typeof_expr = arg, .range = arg->range };
		t = named_type(s, &of_arg, arg);
	}
	if (!t)
		return NULL;
	call->kind = FTH_RECORD;
	memset(&call->u.list, 0, sizeof(call->u.list));
	zero = fth_node_new(A(s), FTH_INT, call->range);
	record_add(s, call, "btf_id", as_uint64(s, zero));
	record_add_str(s, call, "base_type", fth_type_base_name(t));
	record_add_str(s, call, "full_type", fth_type_full_name(A(s), t));
	return check_record(s, call);
}

typedef struct fth_type *(*call_checker)(struct sema *s, struct fth_node *call);

/* The compile-time questions and rewrites: their checker, or NULL. */
static call_checker meta_call_checker(const char *n)
{
	static const struct {
		const char *name;
		call_checker check;
	} calls[] = {
		{ "is_str", check_type_predicate },	  { "is_ptr", check_type_predicate },
		{ "is_array", check_type_predicate },	  { "is_integer", check_type_predicate },
		{ "is_unsigned_integer", check_type_predicate }, { "is_literal", check_type_predicate },
		{ "container_of", check_container_of },	  { "is_err", check_is_err },
		{ "cgroupid", check_cgroupid },		  { "percpu_kaddr", check_percpu_kaddr },
		{ "comptime", check_comptime },		  { "fail", check_fail },
		{ "static_assert", check_static_assert }, { "kfunc_exist", check_kfunc_question },
		{ "kfunc_allowed", check_kfunc_question }, { "typeinfo", check_typeinfo },
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(calls[i].name, n))
			return calls[i].check;
	return NULL;
}

/* ------------------------------------------------------- string functions */

/* What strstr() may search with a needle only known when the probe runs:
 * every start position of the haystack tries every byte of the needle, and
 * the verifier walks each of those steps (a 1 MiB budget). */
#define STRSTR_MAX_STEPS 32768

static bool is_char_pointer(const struct fth_type *t)
{
	return t && t->kind == FTH_T_POINTER && (!t->elem || (t->elem->kind == FTH_T_INT && t->elem->size == 1));
}

static bool is_byte_array(const struct fth_type *t)
{
	return t && t->kind == FTH_T_ARRAY && t->elem && t->elem->kind == FTH_T_INT && t->elem->size == 1;
}

/* Replace a call known when compiling by its integer value. */
static struct fth_type *fold_int(struct fth_node *call, uint64_t v, struct fth_type *t)
{
	call->kind = t->kind == FTH_T_BOOL ? FTH_BOOL : FTH_INT;
	call->u.integer = v;
	return t;
}

/* `probe` where a string is wanted (bpftrace's probe is a string): the
 * node becomes a string as long as the longest probe name; programs that
 * several instances share read their own name from a map at run time. */
static void probe_as_string(struct sema *s, struct fth_node *arg)
{
	size_t longest = 1;

	for (int i = 0; i < s->prog->progs.len; i++) {
		const struct fth_prog *p = s->prog->progs.items[i];
		if (p->inst->name && strlen(p->inst->name) + 1 > longest)
			longest = strlen(p->inst->name) + 1;
	}
	if (longest > s->prog->config.max_strlen)
		longest = s->prog->config.max_strlen;
	arg->type = fth_type_string(A(s), (uint32_t)longest);
	if (s->cur->inst->multi_leader && s->prog->probe_names_map < 0) {
		struct fth_map *m = fth_program_add_internal_map(s->prog, "fth_probes", BPF_MAP_TYPE_ARRAY, 4,
								 ((uint32_t)longest + 7) & ~7U,
								 (uint32_t)s->prog->progs.len);
		s->prog->probe_names_map = m->index;
	}
}

/* A string argument of call; `probe` becomes its name (*tp is updated). */
static bool want_string_arg(struct sema *s, struct fth_node *call, struct fth_node *arg, struct fth_type **tp)
{
	struct fth_type *t = *tp;

	if (!t)
		return false;
	if (t->kind == FTH_T_STRING)
		return true;
	if (t->kind == FTH_T_PROBE && arg->kind == FTH_IDENT) {
		probe_as_string(s, arg);
		*tp = arg->type;
		return true;
	}
	ERR_HINT(s, arg, is_char_pointer(t) || is_int(t) ? "read the string first, e.g. str(ptr)" : NULL,
		 "%s() takes a string, not %s", call->u.call.name, fth_type_describe(A(s), t));
	return false;
}

/* strlen(s): bytes before the NUL; strcap(s): the capacity of a string or
 * char array (known when compiling), or a pointed-to string's length. */
static struct fth_type *check_strlen(struct sema *s, struct fth_node *call)
{
	bool cap = call->u.call.name[3] == 'c';
	struct fth_node *arg;
	struct fth_type *t;

	if (!want_args(s, call, 1, 1))
		return NULL;
	arg = call->u.call.args.items[0];
	t = check_expr(s, arg);
	if (!t)
		return NULL;
	if (t->kind == FTH_T_STRING && arg->kind == FTH_STRING)
		return fold_int(call, cap ? t->size : strnlen(arg->u.string.data, arg->u.string.len),
				cap ? int64_t_() : uint64_t_());
	/* a variable's string may still widen until the last pass */
	if (cap && s->strict && (t->kind == FTH_T_STRING || is_byte_array(t)))
		return fold_int(call, t->size, int64_t_());
	if (t->kind == FTH_T_STRING || is_byte_array(t) || is_char_pointer(t))
		return cap ? int64_t_() : uint64_t_();
	ERR_HINT(s, arg, is_int(t) ? "an address needs a type: str(addr) reads the string at it" : NULL,
		 "string-like values must be either strings, arrays or pointers");
	return NULL;
}

/* The index of needle in haystack as bpftrace's strstr() gives it: an
 * empty needle is found at 0, a needle that reaches past the haystack's
 * NUL is not found (-1). */
static int64_t literal_strstr(const char *hay, uint32_t hay_len, const char *needle, uint32_t needle_len)
{
	uint32_t n = (uint32_t)strnlen(needle, needle_len), h = (uint32_t)strnlen(hay, hay_len);

	if (!n)
		return 0;
	for (uint32_t i = 0; i + n <= h; i++)
		if (!memcmp(hay + i, needle, n))
			return i;
	return -1;
}

/* strstr(haystack, needle): index or -1; strcontains(): whether found. */
static struct fth_type *check_strstr(struct sema *s, struct fth_node *call)
{
	bool contains = call->u.call.name[3] == 'c';
	struct fth_node **a = call->u.call.args.items;
	struct fth_type *h, *n;
	bool ok;

	if (!want_args(s, call, 2, 2))
		return NULL;
	h = check_expr(s, a[0]);
	n = check_expr(s, a[1]);
	ok = want_string_arg(s, call, a[0], &h);
	if (!want_string_arg(s, call, a[1], &n) || !ok)
		return NULL;
	h = a[0]->type; /* `probe` became a string */
	n = a[1]->type;
	if (a[0]->kind == FTH_STRING && a[1]->kind == FTH_STRING) {
		int64_t at = literal_strstr(a[0]->u.string.data, a[0]->u.string.len, a[1]->u.string.data,
					    a[1]->u.string.len);
		return contains ? fold_int(call, at >= 0, fth_type_bool()) : fold_int(call, (uint64_t)at, int64_t_());
	}
	if (a[1]->kind != FTH_STRING && (uint64_t)h->size * n->size > STRSTR_MAX_STEPS)
		ERR_HINT(s, a[1], "search for a string literal, or give the needle a smaller size, e.g. str(ptr, 16)",
			 "%s(): searching %u bytes for a needle of up to %u bytes is more than the BPF verifier allows",
			 call->u.call.name, h->size, n->size);
	return contains ? fth_type_bool() : int64_t_();
}

/* str_concat(a, b): a new string of max_strlen bytes. */
static struct fth_type *check_str_concat(struct sema *s, struct fth_node *call)
{
	struct fth_node **a = call->u.call.args.items;
	struct fth_type *t0, *t1;
	bool ok;

	if (!want_args(s, call, 2, 2))
		return NULL;
	t0 = check_expr(s, a[0]);
	t1 = check_expr(s, a[1]);
	ok = want_string_arg(s, call, a[0], &t0);
	if (!want_string_arg(s, call, a[1], &t1) || !ok)
		return NULL;
	return fth_type_string(A(s), s->prog->config.max_strlen);
}

/* memcmp(a, b, n): compares the first n bytes of two values. */
static struct fth_type *check_memcmp(struct sema *s, struct fth_node *call)
{
	struct fth_node **a = call->u.call.args.items;
	struct fth_type *t[2];
	int64_t n;

	if (!want_args(s, call, 3, 3))
		return NULL;
	for (int i = 0; i < 2; i++) {
		t[i] = check_expr(s, a[i]);
		if (t[i] && (t[i]->kind == FTH_T_NONE || t[i]->kind == FTH_T_AGG || !t[i]->size)) {
			ERR_HINT(s, a[i],
				 "pass strings, arrays, buffers or structs, e.g. str($p) for a char pointer",
				 
				 "memcmp() compares values, not %s", fth_type_describe(A(s), t[i]));
			t[i] = NULL;
		}
	}
	if (!literal_int_or_positional(s, a[2], &n)) {
		/* known when the probe runs: cut to the smaller size then */
		struct fth_type *ct = check_expr(s, a[2]);
		if (ct && !is_int(ct)) {
			ERR_HINT(s, a[2], "give the number of bytes to compare, e.g. memcmp($a, $b, 4)",
				 "memcmp() count must be an integer, not %s", fth_type_describe(A(s), ct));
			return NULL;
		}
		return t[0] && t[1] ? int64_t_() : NULL;
	}
	if (n < 0) {
		ERR_HINT(s, a[2], "write the number of bytes, e.g. memcmp($a, $b, 4)",
			 "memcmp() count must not be negative");
		return NULL;
	}
	for (int i = 0; i < 2; i++)
		if (t[i] && (uint64_t)n > t[i]->size)
			ERR_HINT(s, a[2], "compare at most the size of the smaller value",
				 "memcmp() count %lld is larger than the %s argument (%s, %u bytes)", (long long)n,
				 i ? "second" : "first", fth_type_describe(A(s), t[i]), t[i]->size);
	return t[0] && t[1] ? int64_t_() : NULL;
}

/* macaddr(mac): six bytes from a char[6] / uint8[6] or from an address. */
static struct fth_type *check_macaddr(struct sema *s, struct fth_node *call)
{
	struct fth_node *arg;
	struct fth_type *t, *mac;

	if (!want_args(s, call, 1, 1))
		return NULL;
	arg = call->u.call.args.items[0];
	t = check_expr(s, arg);
	if (!t)
		return NULL;
	if (arg->kind == FTH_STRING) {
		ERR_HINT(s, arg, "pass the address's six bytes, e.g. a char[6] member such as h_source",
			 "macaddr() does not support literal string arguments");
		return NULL;
	}
	if ((t->kind == FTH_T_STRING || t->kind == FTH_T_ARRAY) && t->size != 6) {
		ERR_HINT(s, arg, "pass a 6-byte array such as char[6] or uint8[6]",
			 "macaddr() argument must be 6 bytes in size (%s provided)", fth_type_describe(A(s), t));
		return NULL;
	}
	if (t->kind != FTH_T_STRING && t->kind != FTH_T_ARRAY && t->kind != FTH_T_POINTER && !fth_type_is_integer(t)) {
		ERR_HINT(s, arg, "pass the 6 bytes of the address, e.g. macaddr(args.addr) or macaddr($eth->h_source)",
			 "macaddr() only supports array or pointer arguments (%s provided)",
			 fth_type_describe(A(s), t));
		return NULL;
	}
	mac = fth_type_new(A(s), FTH_T_MACADDR, 6);
	mac->align = 1;
	return mac;
}

/* len(@map): the number of elements; len(kstack) / len(ustack): the
 * number of frames. A map is told apart before it is checked as a value. */
static struct fth_type *check_len(struct sema *s, struct fth_node *call)
{
	struct fth_node *arg;
	struct fth_type *t;

	if (!want_args(s, call, 1, 1))
		return NULL;
	arg = call->u.call.args.items[0];
	if (arg->kind == FTH_MAP && !arg->u.map.keys.len)
		return check_map_len(s, call);
	t = check_expr(s, arg);
	if (!t)
		return NULL;
	if (arg->kind == FTH_MAP && t->kind != FTH_T_KSTACK && t->kind != FTH_T_USTACK) {
		ERR_HINT(s, arg, "pass the whole map, e.g. len(@name)", "len() takes a map, not a map element");
		return int64_t_();
	}
	if (t->kind == FTH_T_USTACK && t->stack_dwarf) {
		/* its frames exist only once the runtime has unwound them */
		ERR_HINT(s, arg, "len(ustack) counts the frame-pointer frames",
			 "len() cannot count the frames of dw_ustack: they are unwound in user space, after the probe");
		return NULL;
	}
	if (t->kind == FTH_T_KSTACK || t->kind == FTH_T_USTACK) {
		if (arg->kind != FTH_CALL && arg->kind != FTH_IDENT && arg->kind != FTH_VAR)
			ERR_HINT(s, arg, "write len(kstack) in the probe that sees the stack",
				 "len() counts the frames of the stack being taken: kstack, ustack or a variable holding one");
		return int64_t_();
	}
	ERR_HINT(s, arg, "len(@map) counts elements, len(kstack) or len(ustack) frames",
		 "call to len() expects a map, ustack, or kstack");
	return NULL;
}

static struct fth_type *check_string_function(struct sema *s, struct fth_node *call)
{
	const char *n = call->u.call.name;

	if (!strcmp(n, "strlen") || !strcmp(n, "strcap"))
		return check_strlen(s, call);
	if (!strcmp(n, "strstr") || !strcmp(n, "strcontains"))
		return check_strstr(s, call);
	if (!strcmp(n, "str_concat"))
		return check_str_concat(s, call);
	if (!strcmp(n, "memcmp"))
		return check_memcmp(s, call);
	return check_macaddr(s, call);
}

static bool is_string_function(const char *n)
{
	return !strcmp(n, "strlen") || !strcmp(n, "strcap") || !strcmp(n, "strstr") || !strcmp(n, "strcontains") ||
	       !strcmp(n, "str_concat") || !strcmp(n, "memcmp") || !strcmp(n, "macaddr");
}

const struct fth_user_symbol *fth_sema_user_symbol(const struct fth_program *prog, const char *binary,
						  const char *name)
{
	for (int i = 0; i < prog->user_symbols.len; i++) {
		const struct fth_user_symbol *u = prog->user_symbols.items[i];
		if (!strcmp(u->binary, binary) && !strcmp(u->name, name))
			return u;
	}
	return NULL;
}

/* A PIE or a shared object lands at a random base in each process, so
 * the file's address of a uaddr() symbol is not where it lives. The probe
 * then finds the file's lowest mapping in the current process (the kernel's
 * task VMA iterator, Linux 6.7) and adds its start, as current bpftrace
 * does. Without the iterator the file's address stays, with a warning. */
static void plan_user_symbol_relocation(struct sema *s, struct fth_node *call, struct fth_user_symbol *u)
{
	struct fth_btf *btf = fth_program_btf(s->prog);
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	bool dyn = false;

	if (fth_elf_load_layout(u->binary, page > 0 ? (uint64_t)page : 4096, &dyn, &u->first_page) || !dyn ||
	    stat(u->binary, &st))
		return;
	if (!btf || fth_btf_func_id(btf, "bpf_iter_task_vma_new") < 0) {
		fth_warning(s->diag, call->range,
			    "uaddr(\"%s\"): %s is position-independent and this kernel cannot walk a process's "
			    "mappings (bpf_iter_task_vma, Linux 6.7), so the address is the file's, not the process's",
			    u->name, u->binary);
		return;
	}
	u->relocate = true;
	u->inode = (uint64_t)st.st_ino;
}

/* Resolve name in binary for uaddr(), once per binary: the symbol, or NULL
 * (reported). */
static const struct fth_user_symbol *resolve_user_symbol(struct sema *s, struct fth_node *call, const char *binary,
							 const char *name)
{
	const struct fth_user_symbol *found = fth_sema_user_symbol(s->prog, binary, name);
	struct fth_user_symbol *u;
	uint64_t addr, size;

	if (found)
		return found;
	if (fth_elf_symbol_address(binary, name, &addr, &size) || !addr) {
		ERR_HINT(s, call, "name a function or global variable of its symbol table ('nm' lists them)",
			 "Could not resolve symbol: %s:%s", binary, name);
		return NULL;
	}
	u = fth_arena_alloc(A(s), sizeof(*u));
	u->binary = binary;
	u->name = name;
	u->addr = addr;
	u->size = size;
	plan_user_symbol_relocation(s, call, u);
	fth_ptrvec_push(A(s), &s->prog->user_symbols, u);
	return u;
}

/* uaddr("NAME") in a uprobe, uretprobe or usdt probe: NAME's address in
 * the probe's binary (for a PIE or a shared library, relocated at run time
 * by where the process has the file mapped), as a pointer to user memory of a
 * signed integer of NAME's size (1, 2 or 4 bytes, else 8). The instances
 * of one attach point over several binaries share this node: codegen
 * looks each one's address up (fth_sema_user_symbol); their sizes must
 * agree. */
static struct fth_type *check_uaddr(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	const struct fth_probe_inst *inst = s->cur->inst;
	const struct fth_user_symbol *u;
	const char *name, *pn = inst->provider->name;
	struct fth_type *t;
	int bytes;

	if (!want_args(s, call, 1, 1))
		return NULL;
	fold_str_positional(s, args->items[0]);
	if (args->items[0]->kind != FTH_STRING) {
		ERR_HINT(s, args->items[0], "write e.g. uaddr(\"my_global\")",
			 "uaddr() takes a symbol name as a string literal");
		return NULL;
	}
	if (!inst->binary || (strcmp(pn, "uprobe") && strcmp(pn, "uretprobe") && strcmp(pn, "usdt"))) {
		ERR_HINT(s, call, "use it in a uprobe, uretprobe or usdt probe",
			 "uaddr can only be used with u(ret)probes and usdt probes");
		return NULL;
	}
	name = args->items[0]->u.string.data;
	u = resolve_user_symbol(s, call, inst->binary, name);
	if (!u)
		return NULL;
	for (int i = 0; i < s->prog->user_symbols.len; i++) {
		const struct fth_user_symbol *o = s->prog->user_symbols.items[i];
		if (strcmp(o->name, name) || o->size == u->size)
			continue;
		ERR_HINT(s, call, "probe binaries in which the symbol has the same size",
			 "Symbol size mismatch between probes. Symbol \"%s\" has size %llu in %s but size %llu in %s",
			 name, (unsigned long long)o->size, o->binary, (unsigned long long)u->size, u->binary);
		return NULL;
	}
	bytes = u->size == 1 || u->size == 2 || u->size == 4 ? (int)u->size : 8;
	t = fth_type_pointer(A(s), fth_type_int(bytes, true));
	t->user_space = true;
	return t;
}

static bool is_struct_path(const struct fth_type *t)
{
	return t && t->kind == FTH_T_STRUCT && t->name && !strcmp(t->name, "struct path");
}

/* path(p [, size]): bpf_d_path, which the kernel allows in iterators and
 * in fentry/fexit of the functions it lists (vfs_open, filp_close, ...);
 * the verifier says which. p must be a pointer it can trust: read from
 * the probe's context (args.NAME, ctx->NAME) and its members, which
 * codegen loads directly rather than through probe_read. */
static struct fth_type *check_path(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	const struct fth_probe_inst *inst = s->cur->inst;
	struct fth_type *t;
	int64_t size = s->prog->config.max_strlen;

	if (!want_args(s, call, 1, 2))
		return NULL;
	t = check_expr(s, args->items[0]);
	if (t && !is_struct_path(t) && !(t->kind == FTH_T_POINTER && is_struct_path(t->elem)))
		ERR_HINT(s, args->items[0], "e.g. path(args.file->f_path) or path(ctx->file->f_path)",
			 "path() takes a struct path or a pointer to one, not %s", fth_type_describe(A(s), t));
	if (args->len == 2 && (!literal_int_or_positional(s, args->items[1], &size) || size <= 0))
		ERR_HINT(s, args->items[1], "write the size itself, e.g. path(args.file->f_path, 64)",
			 "path() size must be a positive integer literal");
	if (size > s->prog->config.max_strlen)
		size = s->prog->config.max_strlen;
	if (inst->expected_attach_type != BPF_TRACE_ITER && inst->provider != &fth_provider_fentry &&
	    inst->provider != &fth_provider_fexit)
		ERR_HINT(s, call, "use it in fentry/fexit or iter probes",
			 "path() can only be used in fentry, fexit and iter probes (the kernel's bpf_d_path), not in %s",
			 inst->provider->name);
	return fth_type_string(A(s), (uint32_t)size);
}

/* socket_cookie(struct sock *): bpf_get_socket_cookie, which the kernel
 * gives BTF-typed (tracing) programs only: fentry/fexit, rawtracepoint
 * and iter probes, whose arguments are the kernel's own pointers. */
static struct fth_type *check_socket_cookie(struct sema *s, struct fth_node *call)
{
	const struct fth_probe_inst *inst = s->cur->inst;
	struct fth_type *t;

	if (!want_args(s, call, 1, 1))
		return NULL;
	t = check_expr(s, call->u.call.args.items[0]);
	if (t && !(t->kind == FTH_T_POINTER && t->elem && t->elem->name &&
		   !strcmp(t->elem->name, "struct sock")))
		ERR_HINT(s, call->u.call.args.items[0], "e.g. socket_cookie(args.sk)",
			 "socket_cookie() takes a struct sock *, not %s", fth_type_describe(A(s), t));
	if (inst->provider->prog_type != BPF_PROG_TYPE_TRACING)
		ERR_HINT(s, call, "use it in fentry/fexit, rawtracepoint or iter probes",
			 "socket_cookie() is not available in %s probes (the kernel gives "
			 "bpf_get_socket_cookie to BTF-typed programs only)", inst->provider->name);
	return uint64_t_();
}

/* The perf event array skboutput() writes to: bpf_skb_output has no ring
 * buffer variant. One slot per possible CPU (BPF_F_CURRENT_CPU). */
static void need_skb_map(struct sema *s)
{
	struct fth_map *m;

	if (s->prog->skb_map >= 0)
		return;
	m = fth_program_add_internal_map(s->prog, "fth_skb", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
					 (uint32_t)(s->prog->config.ncpus > 0 ? s->prog->config.ncpus : 1));
	s->prog->skb_map = m->index;
}

static bool is_sk_buff_pointer(const struct fth_type *t)
{
	return t && t->kind == FTH_T_POINTER && t->elem && t->elem->name && !strcmp(t->elem->name, "struct sk_buff");
}

/* skboutput(path, skb, len, offset): the first len bytes of the packet
 * go through bpf_skb_output to the runtime, which writes them less the
 * first `offset` to the pcap file `path` (bpftrace applies the offset in
 * user space too). The kernel gives bpf_skb_output to BTF-typed programs
 * only, and wants the kernel's own sk_buff pointer. Its value: 0, or a
 * negative errno as a uint32, as in bpftrace. */
static struct fth_type *check_skboutput(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	const struct fth_probe_inst *inst = s->cur->inst;
	enum bpf_prog_type type = s->cur->prog_type ? s->cur->prog_type : inst->provider->prog_type;
	struct fth_type *t;
	int64_t offset;

	if (!want_args(s, call, 4, 4))
		return NULL;
	if (args->items[0]->kind != FTH_STRING || !args->items[0]->u.string.data[0])
		ERR_HINT(s, args->items[0], "e.g. skboutput(\"/tmp/out.pcap\", args.skb, args.skb->len, 0)",
			 "skboutput() writes to the file a string literal names");
	check_expr(s, args->items[0]);
	t = check_expr(s, args->items[1]);
	if (t && !is_sk_buff_pointer(t))
		ERR_HINT(s, args->items[1], "e.g. skboutput(\"/tmp/out.pcap\", args.skb, args.skb->len, 0)",
			 "skboutput() takes a struct sk_buff *, not %s", fth_type_describe(A(s), t));
	t = check_expr(s, args->items[2]);
	if (t && !is_int(t))
		ERR_HINT(s, args->items[2], "e.g. skboutput(\"/tmp/out.pcap\", args.skb, args.skb->len, 0)",
			 "skboutput() length must be an integer (bytes of the packet), not %s", fth_type_describe(A(s), t));
	if (!literal_int_or_positional(s, args->items[3], &offset) || offset < 0 || offset > FTH_SKB_CAPTURE_MAX)
		ERR_HINT(s, args->items[3], "0 keeps the whole packet; 14 drops an Ethernet header",
			 "skboutput() offset must be an integer literal between 0 and %d", FTH_SKB_CAPTURE_MAX);
	else
		check_expr(s, args->items[3]);
	if (type != BPF_PROG_TYPE_TRACING)
		ERR_HINT(s, call, "use it in fentry/fexit or rawtracepoint probes, e.g. rawtracepoint:net_dev_queue",
			 "skboutput() is not available in %s probes (the kernel gives bpf_skb_output to "
			 "BTF-typed programs only)", inst->provider->name);
	need_skb_map(s);
	return fth_type_int(4, false);
}

/* write_user(dst, src, len): the first len bytes of src (a string, an
 * integer or an array, as it is laid out in memory) written to the user
 * address dst with bpf_probe_write_user; its result, 0 or a negative
 * errno. len is a literal: the verifier must know it fits src. */
static struct fth_type *check_write_user(struct sema *s, struct fth_node *call)
{
	struct fth_node_list *args = &call->u.call.args;
	struct fth_type *dst, *src;
	int64_t len;

	if (!want_args(s, call, 3, 3))
		return NULL;
	if (!s->prog->config.unsafe)
		ERR_HINT(s, call, "run fathom with --unsafe to allow it",
			 "write_user() writes to the traced process's memory and is only allowed with --unsafe");
	dst = check_expr(s, args->items[0]);
	if (dst && dst->kind != FTH_T_POINTER && !is_int(dst))
		ERR_HINT(s, args->items[0], "pass the user pointer to write to, e.g. write_user(args.buf, \"x\", 1)",
			 "write_user() writes to a user address (a pointer or an integer), not %s",
			 fth_type_describe(A(s), dst));
	src = check_expr(s, args->items[1]);
	if (src && src->kind != FTH_T_STRING && src->kind != FTH_T_ARRAY && !is_int(src)) {
		ERR_HINT(s, args->items[1], "pass a string, an integer or an array to write",
			 "write_user() writes the bytes of a string, an integer or an array, not %s",
			 fth_type_describe(A(s), src));
		return int64_t_();
	}
	if (!literal_int_or_positional(s, args->items[2], &len) || len <= 0)
		ERR(s, args->items[2], "write_user() length must be a positive integer literal");
	else if (src && (uint64_t)len > src->size)
		ERR_HINT(s, args->items[2], fth_arena_printf(A(s), "write at most %u bytes", src->size),
			 "write_user() length %lld is more than the %u bytes of %s", (long long)len, src->size,
			 fth_type_describe(A(s), src));
	else {
		/* codegen reads the number from the node */
		args->items[2]->kind = FTH_INT;
		args->items[2]->u.integer = (uint64_t)len;
	}
	return int64_t_();
}

/* override(rc): the kprobed function returns rc instead of running
 * (bpf_override_return: error injection). The kernel allows it only on
 * functions marked for error injection, and only when built with
 * CONFIG_BPF_KPROBE_OVERRIDE, which this checks up front. */
static struct fth_type *check_override(struct sema *s, struct fth_node *call)
{
	const struct fth_probe_inst *inst = s->cur->inst;
	struct fth_type *t;

	if (!want_args(s, call, 1, 1))
		return NULL;
	t = check_expr(s, call->u.call.args.items[0]);
	if (t && !is_int(t))
		ERR_HINT(s, call->u.call.args.items[0], "write e.g. override(-12) (ENOMEM)",
			 "override() takes the integer to return, not %s",
			 fth_type_describe(A(s), t));
	if (!s->prog->config.unsafe)
		ERR_HINT(s, call, "run fathom with --unsafe to allow it",
			 "override() changes what a kernel function returns and is only allowed with --unsafe");
	if (inst->provider != &fth_provider_kprobe) {
		ERR_HINT(s, call, "write it in a kprobe:FUNCTION probe",
			 "override() can only be used in kprobe probes, not %s%s", inst->provider->name,
			 !strcmp(inst->attach->u.attach.parts[0], "kprobe") || !strcmp(inst->attach->u.attach.parts[0], "k")
				 ? " (this kernel has no kprobes: the probe runs on fentry)"
				 : "");
	} else if (s->strict && !s->prog->config.compile_only &&
		   fth_helper_available(BPF_PROG_TYPE_KPROBE, BPF_FUNC_override_return) == 0) {
		ERR_HINT(s, call, "it needs a kernel built with CONFIG_BPF_KPROBE_OVERRIDE",
			 "this kernel cannot override return values (bpf_override_return is not available)");
	}
	return fth_type_none();
}

/* pid(curr_ns|init), tid(curr_ns|init): the number as fathom's own pid
 * namespace sees it (what plain pid/tid are) or as the initial namespace
 * does. pid(curr_ns) becomes the pid builtin; pid(init) stays a call. */
static struct fth_type *check_pid_namespace_call(struct sema *s, struct fth_node *call)
{
	const char *n = call->u.call.name;
	struct fth_node *a;

	if (!want_args(s, call, 1, 1))
		return NULL;
	a = call->u.call.args.items[0];
	if (a->kind == FTH_IDENT && !strcmp(a->u.ident.name, "curr_ns")) {
		call->kind = FTH_IDENT;
		call->u.ident.name = n;
		return check_builtin(s, call);
	}
	if (a->kind != FTH_IDENT || strcmp(a->u.ident.name, "init")) {
		ERR_HINT(s, a, fth_arena_printf(A(s), "write %s(curr_ns) or %s(init)", n, n),
			 "%s() takes the pid namespace to number it in: curr_ns or init", n);
		return NULL;
	}
	return fth_type_int(4, false);
}

/* Whether this probe's program may call the kernel function (kfunc) with
 * that name: the kernel allows kfuncs to some program types only. */
static bool kfunc_callable(struct sema *s, struct fth_btf *btf, const char *name)
{
	int id = btf ? fth_btf_func_id(btf, name) : -ENOENT;

	return id > 0 && fth_kfunc_allowed(id, name, s->cur->prog_type ? s->cur->prog_type
									: s->cur->inst->provider->prog_type);
}

/* comm(pid): the comm of the task with that pid (as the initial pid
 * namespace numbers it), through the bpf_task_from_pid and
 * bpf_task_release kfuncs, as bpftrace does; "" when there is none. */
static struct fth_type *check_comm_of_pid(struct sema *s, struct fth_node *call)
{
	struct fth_btf *btf = fth_program_btf(s->prog);
	struct fth_node *arg;
	struct fth_type *t;

	if (!want_args(s, call, 1, 1))
		return NULL;
	arg = call->u.call.args.items[0];
	t = check_expr(s, arg);
	if (t && !fth_type_is_integer(t)) {
		ERR_HINT(s, arg, "write e.g. comm(pid) or comm(args.pid)",
			 "comm() takes a pid, an integer, not %s", fth_type_describe(A(s), t));
		return NULL;
	}
	if (!btf || fth_btf_func_id(btf, "bpf_task_from_pid") <= 0 ||
	    fth_btf_func_id(btf, "bpf_task_release") <= 0) {
		ERR_HINT(s, call, "plain comm, the current task's, works everywhere",
			 "comm(pid) needs the kernel functions bpf_task_from_pid and bpf_task_release "
			 "(Linux 6.2 or later, with BTF)");
		return NULL;
	}
	if (!kfunc_callable(s, btf, "bpf_task_from_pid") || !kfunc_callable(s, btf, "bpf_task_release")) {
		ERR_HINT(s, call, "call it in another kind of probe, e.g. a tracepoint, interval or profile probe",
			 "comm(pid) is not available in %s probes: the kernel does not let their programs "
			 "call bpf_task_from_pid", s->cur->inst->provider->name);
		return NULL;
	}
	return fth_type_string(A(s), 16);
}

static struct fth_type *check_call(struct sema *s, struct fth_node *call)
{
	const char *n = call->u.call.name;
	struct fth_node_list *args = &call->u.call.args;
	call_checker meta = meta_call_checker(n);

	if (meta)
		return meta(s, call);
	if (is_agg_func(n)) {
		ERR_HINT(s, call, "write @name = count() (or with keys: @name[key] = ...)",
			 "%s() must be assigned to a map", n);
		check_agg_call(s, call);
		return NULL;
	}
	if (is_string_function(n))
		return check_string_function(s, call);
	if (!strcmp(n, "len"))
		return check_len(s, call);
	if (!strcmp(n, "printf") || !strcmp(n, "cat") || !strcmp(n, "errorf") || !strcmp(n, "warnf"))
		return check_printf(s, call);
	if (!strcmp(n, "debugf"))
		return check_debugf(s, call);
	if (!strcmp(n, "assert")) {
		ERR_HINT(s, call, "call it as a statement: assert(cond, \"message\");",
			 "assert() has no value");
		return NULL;
	}
	if (!strcmp(n, "system")) {
		if (!s->prog->config.unsafe)
			ERR_HINT(s, call, "run fathom with --unsafe to allow it",
				 "system() runs commands and is only allowed with --unsafe");
		return check_printf(s, call);
	}
	if (!strcmp(n, "path"))
		return check_path(s, call);
	if (!strcmp(n, "socket_cookie"))
		return check_socket_cookie(s, call);
	if (!strcmp(n, "write_user"))
		return check_write_user(s, call);
	if (!strcmp(n, "skboutput"))
		return check_skboutput(s, call);
	if (!strcmp(n, "override"))
		return check_override(s, call);
	if (!strcmp(n, "unwatch")) {
		struct fth_type *t;
		if (!want_args(s, call, 1, 1))
			return NULL;
		t = check_expr(s, args->items[0]);
		if (t && !is_int(t) && t->kind != FTH_T_POINTER)
			ERR_HINT(s, args->items[0], "pass the address the watchpoint was set on, e.g. unwatch(arg0)",
				 "unwatch() takes the address a watchpoint watches, not %s",
				 fth_type_describe(A(s), t));
		return fth_type_none();
	}
	/* signal() signals the current process, signal_thread() its thread */
	if (!strcmp(n, "signal") || !strcmp(n, "signal_thread")) {
		struct fth_type *t;
		/* signal(sig, current_pid|current_tid) was briefly bpftrace's
		 * way to pick the target; signal_thread(sig) replaced it */
		if (!strcmp(n, "signal") && args->len == 2) {
			ERR_HINT(s, call, "signal(sig) signals the current process, signal_thread(sig) its thread",
				 "signal() takes 1 argument, 2 given");
			return NULL;
		}
		if (!want_args(s, call, 1, 1))
			return NULL;
		if (!s->prog->config.unsafe)
			ERR_HINT(s, call, "run fathom with --unsafe to allow it",
				 "%s() sends signals to processes and is only allowed with --unsafe", n);
		if (args->items[0]->kind == FTH_STRING) {
			int sig = signal_number(args->items[0]->u.string.data);
			if (sig <= 0) {
				ERR_HINT(s, args->items[0], "use a name such as \"SIGKILL\" or \"KILL\", or a number",
					 "unknown signal '%s'", args->items[0]->u.string.data);
				return NULL;
			}
			args->items[0]->kind = FTH_INT;
			args->items[0]->u.integer = (uint64_t)sig;
		}
		t = check_expr(s, args->items[0]);
		if (t && !is_int(t))
			ERR_HINT(s, args->items[0], fth_arena_printf(A(s), "write e.g. %s(\"SIGKILL\") or %s(9)", n, n),
				 "%s() takes a signal name or number", n);
		if (!s->cur->inst->provider->attach)
			ERR_HINT(s, call,
				 "send it from a probe that fires in a process: kprobe, uprobe, usdt, tracepoint",
				 
				 "%s() has no process to signal in %s", n, s->cur->inst->name);
		return fth_type_none();
	}
	if (!strcmp(n, "str")) {
		struct fth_type *t;
		int64_t len = s->prog->config.max_strlen;
		bool fixed_len = false;
		if (!want_args(s, call, 1, 2))
			return NULL;
		if (args->len == 2) {
			bool literal = literal_int_or_positional(s, args->items[1], &len);
			/* str("text", 0): bpftrace folds it to "" */
			if (literal && len == 0 && fold_str_of_known_text(s, call, 0))
				return check_expr(s, call);
			fixed_len = literal && len > 0;
			if (!fixed_len) {
				/* A run-time length still reads at most max_strlen bytes. */
				check_expr(s, args->items[1]);
				len = s->prog->config.max_strlen;
			}
		}
		if (len > s->prog->config.max_strlen)
			len = s->prog->config.max_strlen;
		if (fixed_len && fold_str_of_known_text(s, call, (size_t)len))
			return check_expr(s, call);
		if (args->items[0]->kind == FTH_POSITIONAL || positional_offset(args->items[0], NULL, NULL))
			return fth_type_string(A(s), (uint32_t)len);
		t = check_expr(s, args->items[0]);
		/* A string value read again with a length: the first len bytes,
		 * the last one its NUL, as a read of a pointer would give. */
		if (t && t->kind == FTH_T_STRING)
			return fixed_len && (uint32_t)len < t->size ? fth_type_string(A(s), (uint32_t)len) : t;
		if (t && !is_int(t))
			ERR_HINT(s, args->items[0],
				 "pass a char pointer or an address, e.g. str(args.filename); a string is already one",
				 "str() expects a pointer or an integer address, not %s",
				 fth_type_describe(A(s), t));
		return fth_type_string(A(s), (uint32_t)len);
	}
	if (!strcmp(n, "exit")) {
		/* the code is an expression like any other: a fn call in it is
		 * expanded and typed here */
		if (want_args(s, call, 0, 1) && args->len) {
			struct fth_type *t = check_expr(s, args->items[0]);
			if (t && !is_int(t))
				ERR_HINT(s, args->items[0], "write e.g. exit(1)",
					 "exit() takes an integer exit code, not %s",
					 fth_type_describe(A(s), t));
		}
		return fth_type_none();
	}
	if (!strcmp(n, "delete")) {
		struct fth_map *map;
		if (!want_args(s, call, 1, 2))
			return NULL;
		map = args->items[0]->kind == FTH_MAP ? map_get(s, args->items[0]) : NULL;
		if (args->len == 2) {
			/* delete(@m, key): the current form. */
			if (args->items[0]->kind != FTH_MAP || args->items[0]->u.map.keys.len) {
				ERR_HINT(s, args->items[0], "write delete(@name, key) or delete(@name[key])",
					 "delete() expects a map such as @name");
				return NULL;
			}
			map = map_get(s, args->items[0]);
			if (map)
				map->deleted = true;
			if (map && map->key_type)
				check_key_argument(s, map, args->items[1]);
			else if (map && map->value_type && s->strict)
				report_delete_key_of_keyless_map(s, map, args->items[0], args->items[1]);
			if (!map && s->strict)
				ERR_HINT(s, args->items[0], "assign it somewhere, e.g. @name = 1;", "undefined map %s", args->items[0]->u.map.name);
			return fth_type_bool();
		}
		map = expect_map_arg(s, call, args->items[0], true);
		if (map)
			map->deleted = true;
		/* delete(@m) on a map with keys would name no element: bpftrace
		 * rejects it, and deleting some fixed key instead is wrong. */
		if (map && map->key_type && !args->items[0]->u.map.keys.len && s->strict)
			ERR_HINT(s, args->items[0],
				 fth_arena_printf(A(s), "name the element, e.g. delete(%s, key), or remove every element with clear(%s)",
						  map->name, map->name),
				 "delete() of %s needs a key: %s has keys of type %s", map->name, map->name,
				 fth_type_describe(A(s), map->key_type));
		return fth_type_bool();
	}
	if (!strcmp(n, "clear") || !strcmp(n, "zero")) {
		if (want_args(s, call, 1, 1)) {
			struct fth_map *map = expect_map_arg(s, call, args->items[0], false);
			if (map && n[0] == 'c')
				map->deleted = true;
		}
		return fth_type_none();
	}
	if (!strcmp(n, "print")) {
		if (!want_args(s, call, 1, 3))
			return NULL;
		if (args->items[0]->kind == FTH_MAP && args->items[0]->u.map.keys.len == 0) {
			int64_t v;
			struct fth_map *pm = expect_map_arg(s, call, args->items[0], false);
			if (pm && pm->value_type && pm->value_type->kind == FTH_T_AGG &&
			    pm->value_type->agg == FTH_AGG_TSERIES) {
				check_print_tseries_range(s, call, pm->value_type);
				return fth_type_none();
			}
			for (int i = 1; i < args->len; i++)
				if (!literal_int_or_positional(s, args->items[i], &v) || v < 0)
					ERR_HINT(s, args->items[i], "write the numbers themselves, e.g. print(@m, 10, 1000)",
						 "print() top and div must be non-negative integer literals");
		} else {
			/* print(@m[k]) too: bpftrace prints a map element as a value,
			 * read when print() runs (codegen's non-map print) */
			struct fth_type *t = check_expr(s, args->items[0]);
			complete_value_type(s, t, 0);
			if (args->len > 1)
				ERR_HINT(s, call, "top and div apply to whole maps: print(@m, 10, 1000)",
					 "print() of a value takes one argument");
			if (t && t->kind == FTH_T_AGG)
				ERR_HINT(s, args->items[0], "print the whole map: print(@m)",
					 "print() of a single aggregated element is not supported; print the map");
		}
		return fth_type_none();
	}
	if (!strcmp(n, "time")) {
		want_args(s, call, 0, 1);
		if (args->len == 1 && args->items[0]->kind != FTH_STRING)
			ERR_HINT(s, args->items[0], "write e.g. time(\"%H:%M:%S\\n\")", "time() format must be a string literal");
		return fth_type_none();
	}
	if (!strcmp(n, "rand"))
		return fth_type_int(4, false);
	if (!strcmp(n, "nsecs")) {
		/* nsecs([monotonic|boot|tai|sw_tai]): which clock to read */
		static const char *const clocks[] = { "monotonic", "boot", "tai", "sw_tai" };
		struct fth_node *a = args->len ? args->items[0] : NULL;
		bool known = !a;
		if (!want_args(s, call, 0, 1))
			return NULL;
		for (int i = 0; a && a->kind == FTH_IDENT && i < 4; i++)
			known |= !strcmp(a->u.ident.name, clocks[i]);
		if (!known)
			ERR_HINT(s, a, "write nsecs(monotonic), nsecs(boot), nsecs(tai) or nsecs(sw_tai)",
				 "unknown clock for nsecs()");
		return uint64_t_();
	}
	if (!strcmp(n, "getopt"))
		return check_getopt(s, call);
	if (!strcmp(n, "pid") || !strcmp(n, "tid"))
		return check_pid_namespace_call(s, call);
	if (!strcmp(n, "comm"))
		return check_comm_of_pid(s, call);
	if (!strcmp(n, "bswap")) {
		struct fth_type *t;
		if (!want_args(s, call, 1, 1))
			return NULL;
		t = check_expr(s, args->items[0]);
		if (t && t->kind != FTH_T_INT) {
			ERR_HINT(s, args->items[0], "swap the bytes of an integer, e.g. bswap((uint16)args.port)",
				 "bswap() takes an integer, not %s", fth_type_describe(A(s), t));
			return NULL;
		}
		if (t && args->items[0]->kind == FTH_VAR) {
			struct fth_var *v = fth_sema_find_var(s->cur, args->items[0]->u.ident.name);
			if (v && v->int_width > 0 && v->int_width < (int)t->size)
				return fth_type_int(v->int_width, t->is_signed);
		}
		return t;
	}
	if (!strcmp(n, "uptr") || !strcmp(n, "kptr")) {
		struct fth_type *t, *copy;
		if (!want_args(s, call, 1, 1))
			return NULL;
		t = check_expr(s, args->items[0]);
		if (!t)
			return NULL;
		if (t->kind != FTH_T_POINTER && !fth_type_is_integer(t))
			return t;
		/* the same pointer (or address), read from the named address space */
		copy = fth_arena_alloc(A(s), sizeof(*copy));
		*copy = *t;
		copy->user_space = n[0] == 'u';
		copy->addr_space_set = copy->kind != FTH_T_POINTER;
		return copy;
	}
	if (!strcmp(n, "reg")) {
		if (!want_args(s, call, 1, 1))
			return NULL;
		if (args->items[0]->kind != FTH_STRING || fth_pt_regs_offset(args->items[0]->u.string.data) < 0) {
			ERR_HINT(s, args->items[0], "x86-64 registers: r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss",
				 "reg() takes a register name as a string literal");
			return NULL;
		}
		if (!s->cur->inst->regs_ctx) {
			ERR_HINT(s, call, "read the register in a kprobe, uprobe or usdt probe, or use args/argN here",
				 "reg() is available in kprobe, uprobe and usdt probes");
			return NULL;
		}
		return uint64_t_();
	}
	if (!strcmp(n, "kstack") || !strcmp(n, "ustack") || !strcmp(n, "dw_ustack")) {
		if (!want_args(s, call, 0, 2))
			return NULL;
		return stack_type(s, call, n, args);
	}
	if (!strcmp(n, "strftime")) {
		struct fth_type *t;
		if (!want_args(s, call, 2, 2))
			return NULL;
		if (args->items[0]->kind != FTH_STRING) {
			ERR_HINT(s, args->items[0], "write e.g. strftime(\"%H:%M:%S\", nsecs)",
				 "strftime() format must be a string literal");
			return NULL;
		}
		if (!is_int(check_expr(s, args->items[1])))
			ERR_HINT(s, args->items[1], "write e.g. strftime(\"%H:%M:%S\", nsecs)",
				 "strftime() takes a timestamp in nanoseconds, such as nsecs");
		t = fth_type_new(A(s), FTH_T_TIMESTAMP, 8);
		t->name = args->items[0]->u.string.data;
		return t;
	}
	if (!strcmp(n, "ksym") || !strcmp(n, "usym") || !strcmp(n, "strerror") || !strcmp(n, "syscall_name")) {
		int mark = failure_mark(s);
		struct fth_type *at;
		if (!want_args(s, call, 1, 1))
			return NULL;
		at = check_expr(s, args->items[0]);
		if (at ? !is_int(at) : failure_mark(s) == mark)
			ERR_HINT(s, args->items[0],
				 fth_arena_printf(A(s), "pass a number, e.g. %s(arg0)", n), "%s() takes an integer", n);
		return fth_type_new(A(s), n[0] == 'k' ? FTH_T_KSYM : n[0] == 'u' ? FTH_T_USYM
							       : n[1] == 'y' ? FTH_T_SYSCALL : FTH_T_ERRNO,
				    n[0] == 'u' ? 16 : 8);
	}
	if (!strcmp(n, "signal_name")) {
		if (!want_args(s, call, 1, 1))
			return NULL;
		if (!is_int(check_expr(s, args->items[0])))
			ERR_HINT(s, args->items[0],
				 "pass a signal number, e.g. signal_name(9)", "%s() takes an integer", n);
		need_signal_names_map(s);
		return fth_type_string(A(s), FTH_SIGNAL_NAME_SIZE);
	}
	if (!strcmp(n, "pton")) {
		/* pton("127.0.0.1") / pton("::1"): the address bytes in network
		 * order, uint8[4] or uint8[16], known when compiling */
		unsigned char addr[16];
		const char *text;
		int af;
		if (!want_args(s, call, 1, 1))
			return NULL;
		if (args->items[0]->kind != FTH_STRING) {
			ERR_HINT(s, args->items[0], "write e.g. pton(\"127.0.0.1\") or pton(\"::1\")",
				 "pton() takes an address as a string literal");
			return NULL;
		}
		text = args->items[0]->u.string.data;
		af = strchr(text, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(af, text, addr) != 1) {
			ERR_HINT(s, args->items[0], "write e.g. pton(\"10.0.0.1\") or pton(\"fe80::1\")",
				 "pton(): '%s' is not an IPv4 or IPv6 address", text);
			return NULL;
		}
		call->kind = FTH_STRING;
		call->u.string.len = af == AF_INET ? 4 : 16;
		call->u.string.data = fth_arena_alloc(A(s), call->u.string.len + 1);
		memcpy(call->u.string.data, addr, call->u.string.len);
		return fth_type_array(A(s), fth_type_int(1, false), call->u.string.len);
	}
	if (!strcmp(n, "cgroup_path")) {
		/* cgroup_path(id [, "filter"]): the id is resolved to a path when printed */
		if (!want_args(s, call, 1, 2))
			return NULL;
		if (!is_int(check_expr(s, args->items[0])))
			ERR_HINT(s, args->items[0], "pass a cgroup id, such as the cgroup builtin",
				 "cgroup_path() takes a cgroup id");
		if (args->len == 2 && args->items[1]->kind != FTH_STRING)
			ERR_HINT(s, args->items[1], "write e.g. cgroup_path(cgroup, \"unified\")",
				 "cgroup_path() filter must be a string literal");
		return fth_type_new(A(s), FTH_T_CGROUP_PATH, 8);
	}
	if (!strcmp(n, "uaddr"))
		return check_uaddr(s, call);
	if (!strcmp(n, "kaddr")) {
		struct fth_ksyms *ksyms = NULL;
		uint64_t addr = 0;
		if (!want_args(s, call, 1, 1))
			return NULL;
		fold_str_positional(s, args->items[0]);
		if (args->items[0]->kind != FTH_STRING) {
			ERR_HINT(s, args->items[0], "write e.g. kaddr(\"jiffies\")",
				 "kaddr() takes a symbol name as a string literal");
			return NULL;
		}
		if (fth_ksyms_load(&ksyms) == 0) {
			addr = fth_ksyms_address(ksyms, args->items[0]->u.string.data);
			fth_ksyms_free(ksyms);
		}
		if (!addr) {
			ERR_HINT(s, call, "kaddr() takes a name listed in /proc/kallsyms",
				 "Failed to resolve kernel symbol: %s",
				 args->items[0]->u.string.data);
			return NULL;
		}
		call->kind = FTH_INT;
		call->u.integer = addr;
		return uint64_t_();
	}
	if (!strcmp(n, "ntop")) {
		struct fth_type *t;
		if (!want_args(s, call, 1, 2))
			return NULL;
		for (int i = 0; i < args->len; i++)
			t = check_expr(s, args->items[i]);
		t = args->items[args->len - 1]->type;
		if (t && !is_int(t) && !(t->kind == FTH_T_ARRAY && (t->size == 4 || t->size == 16)))
			ERR_HINT(s, args->items[args->len - 1],
				 "write e.g. ntop(args.saddr), or ntop(AF_INET6, $addr) of a 16-byte array",
				 "ntop() takes an IPv4 integer or a 4- or 16-byte array");
		return fth_type_new(A(s), FTH_T_INET, 20);
	}
	if (!strcmp(n, "buf")) {
		int64_t len = s->prog->config.max_strlen;
		struct fth_type *t;
		if (!want_args(s, call, 1, 2))
			return NULL;
		t = check_expr(s, args->items[0]);
		if (args->len == 2) {
			bool fixed = literal_int_or_positional(s, args->items[1], &len);
			check_expr(s, args->items[1]);
			if (!fixed || len <= 0)
				len = s->prog->config.max_strlen;
		} else if (t && (t->kind == FTH_T_ARRAY || t->kind == FTH_T_STRING)) {
			len = t->size;
		}
		if (len > 200)
			len = 200;
		return fth_type_new(A(s), FTH_T_BUFFER, (uint32_t)(4 + len));
	}
	if (!strcmp(n, "join")) {
		struct fth_type *t;
		if (!want_args(s, call, 1, 2))
			return NULL;
		t = check_expr(s, args->items[0]);
		if (t && !is_int(t))
			ERR_HINT(s, args->items[0],
				 "write e.g. join(args.argv) in tracepoint:syscalls:sys_enter_execve",
				 "join() takes an array of string pointers, such as args->argv");
		if (args->len == 2 && args->items[1]->kind != FTH_STRING)
			ERR_HINT(s, args->items[1], "write e.g. join(args->argv, \",\")", "join() separator must be a string literal");
		return fth_type_none();
	}
	if (!strcmp(n, "find"))
		return check_find(s, call);
	if (!strcmp(n, "has_key")) {
		struct fth_map *map;
		if (!want_args(s, call, 2, 2))
			return NULL;
		if (args->items[0]->kind != FTH_MAP || args->items[0]->u.map.keys.len) {
			ERR_HINT(s, args->items[0], "write has_key(@name, key)",
				 "has_key() expects a map such as @name as its first argument");
			return NULL;
		}
		map = map_get(s, args->items[0]);
		if (!map && s->strict)
			ERR_HINT(s, args->items[0], "assign it somewhere, e.g. @name = 1;", "undefined map %s", args->items[0]->u.map.name);
		if (map && !map->key_type && s->strict)
			ERR_HINT(s, args->items[0], "a map without keys holds one value: read it as the map itself",
				 "%s has no keys", map->name);
		check_key_argument(s, map, args->items[1]);
		return fth_type_bool();
	}
	if (!strcmp(n, "strncmp")) {
		int64_t len;
		if (!want_args(s, call, 3, 3))
			return NULL;
		for (int i = 0; i < 2; i++) {
			struct fth_type *t = check_expr(s, args->items[i]);
			if (t && t->kind != FTH_T_STRING)
				ERR_HINT(s, args->items[i],
					 "read a char pointer as a string first, e.g. str(args.filename)",
					 "%s() compares strings, not %s", n, fth_type_describe(A(s), t));
		}
		if (!literal_int_or_positional(s, args->items[2], &len) || len < 0)
			ERR_HINT(s, args->items[2], "write the number of bytes itself, e.g. strncmp(comm, \"bash\", 4)",
				 "strncmp() length must be a non-negative integer literal");
		return int64_t_();
	}
	{
		static const char *const known[] = { "printf", "print", "str", "exit", "delete", "clear", "zero",
						     "time", "count", "sum", "min", "max", "avg", "stats",
						     "hist", "lhist", "has_key", "strncmp", "strcontains", "getopt",
						     "kstack", "ustack", "dw_ustack", "strftime", "ksym", "usym", "kaddr", "uaddr", "ntop",
						     "buf", "join", "strerror", "reg", "system", "cat", "signal", "signal_thread",
						     "bswap", "uptr", "kptr", "syscall_name", "nsecs",
						     "cgroup_path", "pton", "cgroupid", "container_of", "is_err",
						     "is_str", "is_ptr", "is_array", "is_integer", "is_literal",
						     "kfunc_exist", "kfunc_allowed", "percpu_kaddr", "static_assert",
						     "fail", "strlen", "strcap", "strstr", "str_concat", "memcmp",
						     "macaddr", "signal_name", "len", "find", "errorf", "warnf", "socket_cookie", "write_user",
						     "assert", "debugf", "unwatch", "path", "override", "skboutput" };
		const char *best = fth_closest_name(n, known, (int)(sizeof(known) / sizeof(known[0])));
		char hint[96];
		snprintf(hint, sizeof(hint), "did you mean '%s'?", best ? best : "");
		ERR_HINT(s, call, best ? hint : NULL, "unknown function '%s'", n);
	}
	return NULL;
}

/* ------------------------------------------------------------ operators */

static bool is_compound(const struct fth_type *t)
{
	return t->kind == FTH_T_STRUCT || t->kind == FTH_T_TUPLE || t->kind == FTH_T_ARRAY;
}

/* The layout two values are compared in with == or !=, as current bpftrace
 * allows: structs of one type and equal arrays byte for byte; tuples (and
 * records) of the same shape element by element, in one layout with the
 * wider of each pair of strings (both sides zero-padded). NULL: not
 * comparable. */
static struct fth_type *comparison_layout(struct sema *s, struct fth_type *l, struct fth_type *r)
{
	if (l->kind != r->kind)
		return NULL;
	if (l->kind == FTH_T_STRUCT) {
		bool same = l->size == r->size && ((l->btf_id && l->btf_id == r->btf_id) ||
						   (l->name && r->name && !strcmp(l->name, r->name)));
		if (same)
			complete_value_type(s, l, 0);
		return same ? l : NULL;
	}
	if (l->kind == FTH_T_ARRAY)
		return fth_type_equal(l, r) ? l : NULL;
	l = storage_type(s, l);
	r = storage_type(s, r);
	return fth_type_equal(l, r) ? l : merge_tuples(s, l, r);
}

/* Arithmetic with a pointer, as bpftrace allows it (what C does): ptr + n,
 * n + ptr and ptr - n give a pointer n elements on; nothing else (ptr - ptr,
 * n - ptr, ptr * n, ptr & n, ...) has a meaning. Comparisons and && || are
 * checked before this. */
static struct fth_type *check_pointer_arithmetic(struct sema *s, struct fth_node *e, struct fth_type *l,
						 struct fth_type *r)
{
	int op = e->u.binary.op;
	bool both = l->kind == FTH_T_POINTER && r->kind == FTH_T_POINTER;

	if (!both && (op == TOK_PLUS || (op == TOK_MINUS && l->kind == FTH_T_POINTER)))
		return l->kind == FTH_T_POINTER ? l : r;
	ERR_HINT(s, e, both || op == TOK_MINUS ? "cast the pointers to integers, e.g. (uint64)$p, to compute with addresses"
					      : "only + and - move a pointer; cast it to an integer, e.g. (uint64)$p, for other arithmetic",
		 "The %s operator can not be used on expressions of types %s, %s", fth_token_spelling(op),
		 fth_type_describe(A(s), l), fth_type_describe(A(s), r));
	return NULL;
}

/* The first pass reads @x in `@x = @x + 1` before any assignment gave @x a
 * type. With an integer on the other side the read is an integer (a
 * missing key reads as zero), so the assignment can type the map; the
 * reporting pass still says "undefined map" if nothing ever assigns it. */
static struct fth_type *untyped_map_operand(struct sema *s, struct fth_node *operand, struct fth_type *t,
					    struct fth_type *other)
{
	struct fth_map *map;

	if (t || s->strict || operand->kind != FTH_MAP || !other || !is_int(other))
		return t;
	map = map_get(s, operand);
	/* the other operand's signedness, so that one decides the sign, as in
	 * bpftrace (an operation is signed when both operands are) */
	return map && map->value_type ? t : fth_type_int(8, other->kind == FTH_T_INT && other->is_signed);
}

static bool is_comparison_or_logic(int op)
{
	return op == TOK_EQ || op == TOK_NE || op == TOK_LT || op == TOK_LE || op == TOK_GT || op == TOK_GE ||
	       op == TOK_ANDAND || op == TOK_OROR;
}

/* $N given a word on the command line is a string: used in arithmetic it
 * is a mistake in the invocation or the script, so name both (as bpftrace
 * does) instead of the string type it became. */
static bool is_string_positional(const struct fth_node *e)
{
	return e->kind == FTH_STRING && e->u.string.from_positional;
}

static void report_positional_used_as_number(struct sema *s, struct fth_node *param)
{
	int n = param->u.string.from_positional;

	ERR_HINT(s, param,
		 fth_arena_printf(A(s), "pass a number as parameter %d, or use str($%d) to read it as a string", n, n),
		 "$%d is used as a number, but it was given \"%s\"", n, param->u.string.data);
}

static struct fth_type *check_binary(struct sema *s, struct fth_node *e)
{
	struct fth_type *l = check_expr(s, e->u.binary.lhs);
	struct fth_type *r = check_expr(s, e->u.binary.rhs);
	int op = e->u.binary.op;

	l = untyped_map_operand(s, e->u.binary.lhs, l, r);
	r = untyped_map_operand(s, e->u.binary.rhs, r, l);
	if (!l || !r)
		return NULL;
	if (is_string_positional(e->u.binary.lhs) && is_int(r)) {
		report_positional_used_as_number(s, e->u.binary.lhs);
		return NULL;
	}
	if (is_string_positional(e->u.binary.rhs) && is_int(l)) {
		report_positional_used_as_number(s, e->u.binary.rhs);
		return NULL;
	}
	if (!is_comparison_or_logic(op) &&
	    (refuse_map_ref_arithmetic(s, e, l, fth_token_spelling(op)) ||
	     refuse_map_ref_arithmetic(s, e, r, fth_token_spelling(op))))
		return NULL;
	if (op == TOK_EQ || op == TOK_NE) {
		if (l->kind == FTH_T_STRING || r->kind == FTH_T_STRING) {
			if (l->kind != r->kind)
				ERR_HINT(s, e, "compare a string with a string; read a pointer with str() first",
					 "cannot compare %s with %s", fth_type_describe(A(s), l),
					 fth_type_describe(A(s), r));
			return fth_type_bool();
		}
		/* buf()s compare as bpftrace does: strncmp over the smaller
		 * size, starting at the length header */
		if (l->kind == FTH_T_BUFFER || r->kind == FTH_T_BUFFER) {
			if (l->kind != r->kind)
				ERR_HINT(s, e, "compare a buf() with another buf()", "cannot compare %s with %s",
					 fth_type_describe(A(s), l), fth_type_describe(A(s), r));
			return fth_type_bool();
		}
	}
	if ((op == TOK_EQ || op == TOK_NE) && (is_compound(l) || is_compound(r))) {
		struct fth_type *ct = comparison_layout(s, l, r);
		if (!ct) {
			ERR_HINT(s, e, "compare values of the same struct, tuple shape or array type",
				 "cannot compare %s with %s", fth_type_describe(A(s), l), fth_type_describe(A(s), r));
			return NULL;
		}
		e->u.binary.cmp_type = ct;
		return fth_type_bool();
	}
	if ((op == TOK_EQ || op == TOK_NE) && l->kind == FTH_T_USERNAME && r->kind == FTH_T_USERNAME)
		return fth_type_bool(); /* username == username(): the uids compare */
	if ((op == TOK_EQ || op == TOK_NE) && l->kind == FTH_T_PROBE && r->kind == FTH_T_PROBE)
		return fth_type_bool(); /* probe == __builtin_probe: the probe indexes compare */
	if (!is_int(l) || !is_int(r)) {
		struct fth_node *bad = is_int(l) ? e->u.binary.rhs : e->u.binary.lhs;
		const struct fth_type *bt = is_int(l) ? r : l;
		const char *hint = "use numbers: cast a pointer to one, e.g. (uint64)$p, or read what it points to";
		if (bt->kind == FTH_T_STRING)
			hint = op == TOK_PLUS && l->kind == FTH_T_STRING && r->kind == FTH_T_STRING
				       ? "join strings with str_concat(a, b)"
				       : "strings compare with == and != (or strncmp, strcontains); they do no arithmetic";
		ERR_HINT(s, bad, hint, "operator '%s' needs integer operands, not %s", fth_token_spelling(op),
			 fth_type_describe(A(s), bt));
		return NULL;
	}
	switch (op) {
	case TOK_EQ: case TOK_NE: case TOK_LT: case TOK_LE: case TOK_GT: case TOK_GE:
	case TOK_ANDAND: case TOK_OROR:
		return fth_type_bool();
	default:
		break;
	}
	if (l->kind == FTH_T_POINTER || r->kind == FTH_T_POINTER)
		return check_pointer_arithmetic(s, e, l, r);
	/* bpftrace computes bool op bool as a one-bit value: a bool
	 * (true + true is false); a bool with an integer is an integer. */
	if (l->kind == FTH_T_BOOL && r->kind == FTH_T_BOOL)
		return fth_type_bool();
	/* bpftrace's promotion: the result is 64 bits wide, signed when both
	 * operands are signed (as C converts to unsigned); a shift keeps the
	 * signedness of what it shifts. */
	if (op == TOK_SHL || op == TOK_SHR)
		return fth_type_int(8, l->kind == FTH_T_INT && l->is_signed);
	return fth_type_int(8, l->kind == FTH_T_INT && l->is_signed && r->kind == FTH_T_INT && r->is_signed);
}

/* A type written in the script: integer words, or kernel types from BTF. */
static struct fth_type *named_type(struct sema *s, struct fth_type_name *tn, struct fth_node *where)
{
	const char *b = tn->base;
	struct fth_type *t = NULL;

	if (!b && tn->typeof_expr) {
		/* typeof(expr): the expression's type; it is not evaluated. */
		t = check_expr(s, tn->typeof_expr);
		if (!t)
			return NULL;
		if (t->kind == FTH_T_NONE || t->kind == FTH_T_AGG) {
			ERR_HINT(s, tn->typeof_expr,
				 "name a value, e.g. typeof($x), or a type, e.g. typeof(struct task_struct)",
				 "typeof() needs an expression with a value, not %s",
				 fth_type_describe(A(s), t));
			return NULL;
		}
		if (literal_int(tn->typeof_expr, &(int64_t){ 0 }) && !(t->enum_def))
			t = literal_type(tn->typeof_expr);
		/* A variable's slot is 64 bits; its type is the width it was
		 * given ($x = (uint8)5 is a uint8, as in bpftrace). */
		if (t->kind == FTH_T_INT && !t->enum_def && tn->typeof_expr->kind == FTH_VAR &&
		    tn->typeof_expr->u.ident.var && tn->typeof_expr->u.ident.var->literal_width < 8)
			t = fth_type_int(tn->typeof_expr->u.ident.var->literal_width, t->is_signed);
	} else if (!b) {
		ERR_HINT(s, where, "write a type such as int32, struct task_struct * or typeof(expr)", "expected a type");
		return NULL;
	} else if (!strcmp(b, "string") && !tn->pointer_depth) {
		/* string[N] sizes the string; bare `string` holds max_strlen */
		return fth_type_string(A(s), tn->array_len > 0 ? (uint32_t)tn->array_len : s->prog->config.max_strlen);
	} else if (is_type_word(b) && strcmp(b, "string")) {
		bool uns = b[0] == 'u';
		t = !strcmp(b, "bool") ? fth_type_bool() : fth_type_int(atoi(b + (uns ? 4 : 3)) / 8, !uns);
	} else {
		t = lookup_type(s, b);
		if (!t) {
			const char *hint = similar_type_hint(s, b);
			ERR_HINT(s, where, hint ? hint : "define it in the script (struct NAME { ... };) or check its name",
				 "unknown type '%s'", b);
			return NULL;
		}
	}
	for (int i = 0; i < tn->pointer_depth; i++)
		t = fth_type_pointer(A(s), t);
	if (tn->array_len > 0)
		t = fth_type_array(A(s), t, (uint32_t)tn->array_len);
	return t;
}

/* The type a typeof(...) node names: typeof(expr) or typeof(type). */
static struct fth_type *typeof_node_type(struct sema *s, struct fth_node *n)
{
	struct fth_type_name tn = n->u.typeof_.type_name;

	if (n->u.typeof_.expr)
		tn.typeof_expr = n->u.typeof_.expr;
	return named_type(s, &tn, n);
}

/* What a cast can do, for a cast that cannot be made. */
#define CAST_HINT                                                                                    \
	"casts convert integers, bools and pointers into each other, e.g. (uint64)$p or (struct sock *)arg0; " \
	"read a string with str() and bytes with buf()"

/* (typeof(expr))value: a cast to the type of another expression. Integer,
 * bool and pointer types convert; any other type only to itself. */
static struct fth_type *check_typeof_cast(struct sema *s, struct fth_node *e, struct fth_type *from)
{
	struct fth_type *to = named_type(s, &e->u.cast.type_name, e);

	if (!to || !from)
		return NULL;
	if (to->kind == FTH_T_INT || to->kind == FTH_T_BOOL) {
		if (!is_int(from))
			ERR_HINT(s, e, CAST_HINT,
				 "cannot cast %s to %s", fth_type_describe(A(s), from), fth_type_describe(A(s), to));
		return to->kind == FTH_T_BOOL ? fth_type_bool() : fth_type_int((int)to->size, to->is_signed);
	}
	if (to->kind == FTH_T_POINTER) {
		struct fth_type *p = fth_type_pointer(A(s), to->elem);
		if (!is_int(from))
			ERR_HINT(s, e, "only integers and pointers become pointers, e.g. (struct task_struct *)arg0",
				 "cannot cast %s to a pointer", fth_type_describe(A(s), from));
		p->user_space = fth_type_has_addr_space(from) ? from->user_space : to->user_space;
		return p;
	}
	if (!fth_type_equal(to, from) && !(to->kind == FTH_T_STRING && from->kind == FTH_T_STRING)) {
		ERR_HINT(s, e, CAST_HINT,
			 "cannot cast %s to %s", fth_type_describe(A(s), from), fth_type_describe(A(s), to));
		return NULL;
	}
	return from;
}

/* (string)e / (string[N])e: a string, or a char array (int8[N] or
 * uint8[N]), as a string of N bytes, or of its own size without [N]; a
 * smaller size cuts it, keeping the NUL. */
static struct fth_type *check_string_cast(struct sema *s, struct fth_node *e, struct fth_type *t, int n)
{
	if (!t)
		return NULL;
	if (t->kind != FTH_T_STRING && !is_byte_array(t)) {
		ERR_HINT(s, e, is_char_pointer(t) || is_int(t) ? "str(ptr) reads the string at an address" : NULL,
			 "cannot cast %s to string", fth_type_describe(A(s), t));
		return NULL;
	}
	if (n < 0) {
		ERR_HINT(s, e, "write (string) to keep the size, or (string[N])", "string[] needs a size");
		return NULL;
	}
	return fth_type_string(A(s), n > 0 ? (uint32_t)n : t->size);
}

/* (uint8[2])(uint16)x, (bool[8])$u64: the integer's bytes seen as an
 * array of the same size, element by element in the machine's order.
 * (int8[])"abc" and (uint8[N]) of a string: the string's bytes as a byte
 * array, its NUL padding included (bpftrace's way back from the strings
 * char arrays become). Without a size ([]) the array takes the value's. */
static struct fth_type *check_int_to_array_cast(struct sema *s, struct fth_node *e, struct fth_type *t,
						const char *word, int n)
{
	bool uns = word[0] == 'u';
	struct fth_type *elem = !strcmp(word, "bool") ? fth_type_bool() : fth_type_int(atoi(word + (uns ? 4 : 3)) / 8, !uns);

	if (!t)
		return NULL;
	if (t->kind == FTH_T_STRING && elem->kind == FTH_T_INT && elem->size == 1 && (n < 0 || (uint32_t)n == t->size))
		return fth_type_array(A(s), elem, t->size);
	if (n < 0 && is_int(t) && t->size % elem->size == 0)
		n = (int)(t->size / elem->size);
	if (t->kind == FTH_T_STRING && elem->kind == FTH_T_INT && elem->size == 1) {
		ERR_HINT(s, e, fth_arena_printf(A(s), "write (%s[]) to take the string's size", word),
			 "cannot cast %s to %s[%d]: the sizes must be equal", fth_type_describe(A(s), t), word, n);
		return NULL;
	}
	if (n < 0) {
		ERR_HINT(s, e, t->kind == FTH_T_STRING ? "strings cast to byte arrays: int8[] or uint8[]" : NULL,
			 "cannot cast %s to %s[]", fth_type_describe(A(s), t), word);
		return NULL;
	}
	if (!is_int(t)) {
		ERR_HINT(s, e, "an integer becomes an array of its own size, e.g. (uint8[8])$x of a uint64",
			 "cannot cast %s to %s[%d]", fth_type_describe(A(s), t), word, n);
		return NULL;
	}
	if (t->size != elem->size * (uint32_t)n) {
		uint32_t want = elem->size * (uint32_t)n;
		ERR_HINT(s, e, want == 1 || want == 2 || want == 4 || want == 8 ?
			 fth_arena_printf(A(s), "cast the value to a %u-byte integer first: (uint%u)", want, want * 8) :
			 "the array must have the size of an integer: 1, 2, 4 or 8 bytes",
			 "cannot cast %s (%u bytes) to %s[%d] (%u bytes): the sizes must be equal",
			 fth_type_describe(A(s), t), t->size, word, n, elem->size * (uint32_t)n);
		return NULL;
	}
	return fth_type_array(A(s), elem, (uint32_t)n);
}

static struct fth_type *check_cast_inner(struct sema *s, struct fth_node *e);

/* The pointer through which a struct member or an array element is
 * reached ($skb->cb: $skb, $t->a.b[2]: $t), or NULL for a value that does
 * not sit in kernel or user memory (a variable, a map value, a
 * tracepoint's args). */
static struct fth_type *member_base_pointer(const struct fth_node *e)
{
	while (e->kind == FTH_FIELD || e->kind == FTH_INDEX) {
		const struct fth_node *base = e->kind == FTH_FIELD ? e->u.field.base : e->u.index.base;
		if (base->type && base->type->kind == FTH_T_POINTER)
			return base->type;
		e = base;
	}
	if (e->kind == FTH_UNARY && e->u.unary.op == TOK_STAR && e->u.unary.operand->type &&
	    e->u.unary.operand->type->kind == FTH_T_POINTER)
		return e->u.unary.operand->type;
	return NULL;
}

/* (struct tcp_skb_cb *)$skb->cb: a char array member (a string to
 * bpftrace) cast to a pointer is the member's address, as in bpftrace,
 * where such a member is not read until it is used as a string. */
static bool is_char_array_member(const struct fth_node *e)
{
	return e->type && e->type->kind == FTH_T_STRING && member_base_pointer(e);
}

/* A cast keeps &@m a map pointer to the verifier: (uint64)&@m + 1 is
 * refused as &@m + 1 is. */
static struct fth_type *check_cast(struct sema *s, struct fth_node *e)
{
	struct fth_type *t = check_cast_inner(s, e), *marked;
	const struct fth_type *from = e->u.cast.operand->type;

	if (!t || !from || !from->map_ref || (t->kind != FTH_T_INT && t->kind != FTH_T_POINTER))
		return t;
	marked = fth_arena_alloc(A(s), sizeof(*marked));
	*marked = *t;
	marked->map_ref = true;
	return marked;
}

static struct fth_type *check_cast_inner(struct sema *s, struct fth_node *e)
{
	struct fth_type_name *tn = &e->u.cast.type_name;
	struct fth_type *t = check_expr(s, e->u.cast.operand);
	const char *b = tn->base;

	if (!b && tn->typeof_expr)
		return check_typeof_cast(s, e, t);

	if (tn->pointer_depth > 0) {
		struct fth_type *target = NULL;
		struct fth_type *p;
		if (b && is_type_word(b) && strcmp(b, "string")) {
			bool uns = b[0] == 'u';
			target = !strcmp(b, "bool") ? fth_type_bool() : fth_type_int(atoi(b + (uns ? 4 : 3)) / 8, !uns);
		} else if (b && strcmp(b, "void")) {
			target = lookup_type(s, b);
			if (!target) {
				const char *hint = similar_type_hint(s, b);
				ERR_HINT(s, e, hint ? hint : fth_program_btf(s->prog) ?
					 "define it in the script; fathom -lv 'struct NAME' lists kernel structs" :
					 "define it in the script; this kernel has no BTF (/sys/kernel/btf/vmlinux)",
					 "unknown type '%s'", b);
				return NULL;
			}
		}
		if (t && is_char_array_member(e->u.cast.operand))
			t = member_base_pointer(e->u.cast.operand); /* its address, in the same memory */
		else if (t && !is_int(t))
			ERR_HINT(s, e, "only integers and pointers become pointers, e.g. (struct task_struct *)arg0",
				 "cannot cast %s to a pointer", fth_type_describe(A(s), t));
		if (!target)
			return uint64_t_();
		/* The address space comes along from a pointer, else from the
		 * probe: uprobe and usdt arguments point into the process. A
		 * pointer to a pointer points into the same memory. */
		for (int i = 0; i < tn->pointer_depth; i++) {
			p = fth_type_pointer(A(s), target);
			p->user_space = fth_type_has_addr_space(t) ? t->user_space : s->cur->inst->user_space;
			p->addr_space_unset = fth_type_has_addr_space(t) ? t->addr_space_unset
									 : probe_without_addr_space(s->cur->inst);
			target = p;
		}
		return target;
	}
	if (b && !strncmp(b, "enum ", 5) && tn->array_len == 0) {
		struct fth_type *et = lookup_type(s, b);
		if (!et || et->kind != FTH_T_INT) {
			ERR_HINT(s, e, "define it in the script (enum NAME { ... }), or check its spelling",
				 "unknown type '%s'", b);
			return NULL;
		}
		if (t && !is_int(t))
			ERR_HINT(s, e, CAST_HINT,
				 "cannot cast %s to %s", fth_type_describe(A(s), t), b);
		return et;
	}
	if (b && is_type_word(b) && strcmp(b, "string") && strcmp(b, "bool") && tn->array_len == 0) {
		bool uns = b[0] == 'u';
		int bits = atoi(b + (uns ? 4 : 3));
		/* (uint64)$arr: an array of the integer's size, its bytes in
		 * the machine's order (the reverse of (uint8[8])n) */
		if (t && t->kind == FTH_T_ARRAY && t->size != (uint32_t)bits / 8)
			ERR_HINT(s, e, "the array must have the integer's size in bytes",
				 "cannot cast %s (%u bytes) to %s (%d bytes): the sizes must be equal",
				 fth_type_describe(A(s), t), t->size, b, bits / 8);
		else if (t && !is_int(t) && t->kind != FTH_T_ARRAY)
			ERR_HINT(s, e, CAST_HINT,
				 "cannot cast %s to %s", fth_type_describe(A(s), t), b);
		return fth_type_int(bits / 8, !uns);
	}
	if (b && is_type_word(b) && strcmp(b, "string") && tn->array_len != 0)
		return check_int_to_array_cast(s, e, t, b, tn->array_len);
	if (b && !strcmp(b, "bool") && tn->array_len == 0 && e->u.cast.operand->kind == FTH_STRING) {
		/* (bool)"text": true unless empty, known now */
		uint64_t nonempty = e->u.cast.operand->u.string.len != 0;
		e->kind = FTH_BOOL;
		e->u.integer = nonempty;
		return fth_type_bool();
	}
	if (b && !strcmp(b, "bool"))
		return fth_type_bool();
	if (b && !strncmp(b, "enum ", 5) && tn->array_len == 0 && script_enum_named(s, b)) {
		if (t && !is_int(t))
			ERR_HINT(s, e, CAST_HINT,
				 "cannot cast %s to %s", fth_type_describe(A(s), t), b);
		return enum_type(s, script_enum_named(s, b));
	}
	if (b && !strcmp(b, "string"))
		return check_string_cast(s, e, t, tn->array_len);
	/* a typedef from BTF or the script: (uint64_t)x, (pid_t)-1, (u32)x
	 * convert as the integer (or pointer) type they name */
	if (b && tn->array_len == 0 && lookup_type(s, b))
		return check_typeof_cast(s, e, t);
	if (b && !lookup_type(s, b)) {
		const char *hint = similar_type_hint(s, b);
		ERR_HINT(s, e, hint ? hint : "cast to an integer type (uint32, int64, ...), a kernel typedef such as u32 or pid_t, or a pointer",
			 "unknown type '%s'", b);
		return NULL;
	}
	ERR(s, e, "cast to '%s' is not supported yet", b ? b : "typeof");
	return NULL;
}

static bool is_builtin_name(const char *name)
{
	for (size_t i = 0; i < sizeof(builtin_names) / sizeof(builtin_names[0]); i++)
		if (!strcmp(builtin_names[i], name))
			return true;
	return false;
}

/* Current bpftrace spells every builtin variable also as a call, comm(),
 * and as __builtin_comm (what its standard macros are written with).
 * Both become the plain identifier. rand(), nsecs() and kstack() are
 * functions of their own. */
static void builtin_spelling(struct fth_node *e)
{
	const char *n;

	if (e->kind == FTH_IDENT && !strncmp(e->u.ident.name, "__builtin_", 10) &&
	    is_builtin_name(e->u.ident.name + 10)) {
		e->u.ident.name += 10;
		return;
	}
	if (e->kind != FTH_CALL || e->u.call.args.len)
		return;
	n = e->u.call.name;
	if (!strncmp(n, "__builtin_", 10))
		n += 10;
	if (!is_builtin_name(n) || !strcmp(n, "rand") || !strcmp(n, "nsecs") || !strcmp(n, "kstack"))
		return;
	e->kind = FTH_IDENT;
	e->u.ident.name = n;
}

/* t[N] on a tuple or record: element N, as t.N (the index must be known
 * at compile time, each element has its own type; a constant expression
 * such as t[1 - 1] folds, as bpftrace folds literals first). */
static struct fth_type *tuple_subscript(struct sema *s, struct fth_node *e, struct fth_type *t)
{
	struct fth_node *base = e->u.index.base, *index = e->u.index.index;
	int64_t idx;

	if (!literal_int_or_positional(s, index, &idx)) {
		ERR_HINT(s, index, "write the element's number: $t[0], $t[1], ...",
			 "a tuple index must be an integer literal");
		return NULL;
	}
	if (idx < 0 || idx >= t->nfields) {
		ERR_HINT(s, e, fth_arena_printf(A(s), "the elements are numbered 0 to %d", t->nfields - 1),
			 "Invalid tuple index: %lld. Found %d elements in tuple.", (long long)idx, t->nfields);
		return NULL;
	}
	e->kind = FTH_TUPLE_INDEX;
	e->u.tuple_index.base = base;
	e->u.tuple_index.index = (int)idx;
	return t->fields[idx].type;
}

/* `if c { a } else { b }` used as a value is `c ? { a } : { b }` with
 * block-expression branches (an else-if chain nests). Every branch must
 * end in a value and there must be an else. */
static bool if_value_to_ternary(struct sema *s, struct fth_node *e)
{
	struct fth_node *cond = e->u.if_.cond, *then_b = e->u.if_.then_block, *else_b = e->u.if_.else_block;

	if (!else_b || !then_b->u.block.value || (else_b->kind == FTH_BLOCK && !else_b->u.block.value)) {
		ERR_HINT(s, e, "give it an else branch, and end every branch with a value: if c { 1 } else { 2 }",
			 "an if used as a value needs a value from every branch");
		return false;
	}
	then_b->kind = FTH_BLOCK_EXPR;
	if (else_b->kind == FTH_BLOCK)
		else_b->kind = FTH_BLOCK_EXPR;
	e->kind = FTH_TERNARY;
	e->u.ternary.cond = cond;
	e->u.ternary.then_expr = then_b;
	e->u.ternary.else_expr = else_b;
	return true;
}

/* A block expression used as a value whose end gives none: it ends in a
 * statement (`{ f(); }`, `{ }`) or in a call that returns nothing
 * (`{ printf("a") }`). */
static void block_without_value(struct sema *s, struct fth_node *block)
{
	const struct fth_node *last = block->u.block.value;
	const char *hint = "end the block with the value it gives, without a ';' after it: { ...; $v }";

	if (last && last->kind == FTH_CALL)
		ERR_HINT(s, block, hint, "this block has no value: %s(), which ends it, does not return one",
			 last->u.call.name);
	else
		ERR_HINT(s, block, hint, "this block has no value: it ends with a statement, not an expression");
}

static struct fth_type *check_expr_inner(struct sema *s, struct fth_node *e)
{
	builtin_spelling(e);
	switch (e->kind) {
	case FTH_INT:
		if (e->type && e->type->enum_def)
			return e->type; /* an enumerator, resolved in the first pass */
		return e->u.integer > INT64_MAX ? uint64_t_() : int64_t_();
	case FTH_BOOL:
		return fth_type_bool();
	case FTH_STRING:
		if (e->type && e->type->kind == FTH_T_ARRAY)
			return e->type; /* pton()'s bytes, resolved in the first pass */
		return fth_type_string(A(s), e->u.string.len + 1);
	case FTH_IDENT:
		if (reads_probe_context(e->u.ident.name))
			s->callback_blockers++;
		if (s->for_map_depth && reads_probe_context(e->u.ident.name)) {
			ERR_HINT(s, e,
				 fth_arena_printf(A(s), "copy it into a variable before the loop: $v = %s;", e->u.ident.name),
				 "%s cannot be used inside a for loop over a map: the loop body runs as a callback "
				 "of bpf_for_each_map_elem, which has no access to the probe's context",
				 e->u.ident.name);
			return NULL;
		}
		return check_builtin(s, e);
	case FTH_VAR: {
		struct fth_var *v = var_use(s, e);
		if (v && !v->type) {
			ERR_HINT(s, e, fth_arena_printf(A(s), "assign it first, e.g. %s = 0;", e->u.ident.name),
				 "variable %s is declared but has no type yet: it is used before it is assigned",
				 e->u.ident.name);
			return NULL;
		}
		if (!v) {
			if (was_unassignable(s, e->u.ident.name))
				s->quiet_failures++;
			else
				ERR_HINT(s, e, "assign it first, e.g. $x = 0;",
					 "variable %s is used before it is assigned", e->u.ident.name);
			return NULL;
		}
		return v->type;
	}
	case FTH_POSITIONAL: {
		int idx = e->u.positional.index;
		if (idx < 0)
			return int64_t_();
		if (idx <= s->prog->positional.len) {
			const char *v = s->prog->positional.items[idx - 1];
			char *end;
			if (*v == '-')
				strtoll(v, &end, 0);
			else
				strtoull(v, &end, 0);
			if (*v && !*end)
				return int64_t_();
			/* Current bpftrace: a parameter that is not a number is a
			 * string literal ($1 as well as str($1)). */
			e->kind = FTH_STRING;
			e->u.string.data = fth_arena_strdup(A(s), v);
			e->u.string.len = (uint32_t)strlen(v);
			e->u.string.from_positional = idx;
			return fth_type_string(A(s), e->u.string.len + 1);
		}
		return int64_t_(); /* unset: 0, as bpftrace */
	}
	case FTH_MAP: {
		struct fth_map *map = map_use_keys(s, e, false);
		if (map && !map->value_type && s->provisional && !s->strict)
			return s->untyped_read;
		if (!map || !map->value_type) {
			ERR_HINT(s, e, "assign it somewhere, e.g. @name = 1;", "undefined map %s", e->u.map.name);
			return NULL;
		}
		if (map->value_type->kind == FTH_T_AGG) {
			enum fth_agg_kind a = map->value_type->agg;
			/* Read in a probe, an aggregation is reduced over the
			 * CPUs (current bpftrace); avg gives the average. */
			if (a == FTH_AGG_COUNT || a == FTH_AGG_SUM || a == FTH_AGG_MIN || a == FTH_AGG_MAX ||
			    a == FTH_AGG_AVG)
				return int64_t_();
			ERR_HINT(s, e, "print the map with print() instead, or keep a plain value in another map",
				 "%s holds %s; its value cannot be read in a probe", map->name,
				 fth_type_describe(A(s), map->value_type));
			return NULL;
		}
		return map->value_type;
	}
	case FTH_CALL:
		if (!strcmp(e->u.call.name, "reg") || !strcmp(e->u.call.name, "kstack") ||
		    !strcmp(e->u.call.name, "ustack") || !strcmp(e->u.call.name, "dw_ustack"))
			s->callback_blockers++;
		if (s->for_map_depth && (!strcmp(e->u.call.name, "reg") || !strcmp(e->u.call.name, "kstack") ||
					 !strcmp(e->u.call.name, "ustack") || !strcmp(e->u.call.name, "dw_ustack"))) {
			ERR_HINT(s, e, "call it before the loop and copy the result into a variable",
				 "%s() cannot be used inside a for loop over a map: the loop body runs as a "
				 "callback of bpf_for_each_map_elem, which has no access to the probe's context",
				 e->u.call.name);
			return NULL;
		}
		return check_call(s, e);
	case FTH_UNARY: {
		if (e->u.unary.op == TOK_AMP && e->u.unary.operand->kind == FTH_MAP)
			return check_map_address(s, e, e->u.unary.operand);
		struct fth_type *t = check_expr(s, e->u.unary.operand);
		int op = e->u.unary.op;
		if (!t)
			return NULL;
		if (op == TOK_BANG) {
			if (!is_int(t))
				ERR_HINT(s, e, "compare it instead, e.g. $p == 0 or $s == \"\"",
					 "operator '!' needs an integer, not %s", fth_type_describe(A(s), t));
			return fth_type_bool();
		}
		if (op == TOK_MINUS || op == TOK_TILDE) {
			/* bpftrace allows only ! on a bool: a one-bit value has no
			 * negation or complement of its own */
			if (t->kind == FTH_T_BOOL)
				ERR_HINT(s, e, fth_arena_printf(A(s), "cast it to an integer first, e.g. %s(int64)$b",
								fth_token_spelling(op)),
					 "operator '%s' cannot be used on a bool", fth_token_spelling(op));
			else if (refuse_map_ref_arithmetic(s, e, t, fth_token_spelling(op)))
				return NULL;
			else if (!is_int(t))
				ERR_HINT(s, e, "cast the value to an integer first, e.g. (int64)$x",
					 "operator '%s' needs an integer, not %s", fth_token_spelling(op),
					 fth_type_describe(A(s), t));
			return fth_type_int(8, op == TOK_MINUS ? true : t->is_signed);
		}
		if (op == TOK_STAR) {
			if (t->kind == FTH_T_POINTER && t->elem && t->elem->kind == FTH_T_STRUCT && !t->elem->btf_id &&
			    !t->elem->nfields && t->elem->name)
				lookup_type(s, t->elem->name); /* only declared: complete it */
			if (t->kind == FTH_T_INT)
				return deref_integer(s, e, t);
			if (t->kind != FTH_T_POINTER || !t->elem || !t->elem->size ||
			    (t->elem->kind != FTH_T_INT && t->elem->kind != FTH_T_POINTER && t->elem->kind != FTH_T_BOOL &&
			     t->elem->kind != FTH_T_STRUCT)) {
				ERR_HINT(s, e, deref_hint(t), "cannot dereference %s: %s", fth_type_describe(A(s), t),
					 t->kind == FTH_T_POINTER ? "it does not point at a value that can be read"
								   : "it is not a pointer");
				return NULL;
			}
			return pointee_type(s, t);
		}
		if (op == TOK_AMP) {
			/* &$x: where the variable lives (BPF memory, read as kernel memory) */
			if (e->u.unary.operand->kind != FTH_VAR) {
				ERR_HINT(s, e, "take the address of a variable, e.g. &$x",
					 "the address-of operator '&' applies to variables only");
				return NULL;
			}
			if (!allow_unstable(s, e, s->prog->config.unstable_addr, "address-of operator (&)", "unstable_addr",
			    &s->addr_noted, false))
				return NULL;
			return fth_type_pointer(A(s), t);
		}
		ERR(s, e, "operator '%s' is not supported here yet", fth_token_spelling(op));
		return NULL;
	}
	case FTH_BINARY:
		return check_binary(s, e);
	case FTH_TERNARY: {
		bool if_value = e->u.ternary.then_expr && e->u.ternary.then_expr->kind == FTH_BLOCK_EXPR;
		struct fth_type *c = check_expr(s, e->u.ternary.cond);
		struct fth_type *a = e->u.ternary.then_expr ? check_expr(s, e->u.ternary.then_expr) : c;
		struct fth_type *b = check_expr(s, e->u.ternary.else_expr);
		if (c && !is_int(c))
			ERR_HINT(s, e->u.ternary.cond, "compare it, e.g. x != 0 or strcontains(s, \"a\")",
				 "condition must be an integer, not %s", fth_type_describe(A(s), c));
		if (!a || !b)
			return NULL;
		if (is_int(a) && is_int(b))
			return fth_type_int(8, (a->kind == FTH_T_INT && a->is_signed) || (b->kind == FTH_T_INT && b->is_signed));
		if (a->kind == FTH_T_STRING && b->kind == FTH_T_STRING)
			return fth_type_string(A(s), a->size > b->size ? a->size : b->size);
		/* buf()s: the larger; each records its own length */
		if (a->kind == FTH_T_BUFFER && b->kind == FTH_T_BUFFER)
			return a->size >= b->size ? a : b;
		/* tuples and records: element by element, strings widened */
		if (a->kind == FTH_T_TUPLE && b->kind == FTH_T_TUPLE) {
			struct fth_type *t = merge_tuples(s, a, b);
			if (t)
				return t;
		} else if (fth_type_equal(a, b) && a->kind != FTH_T_NONE) {
			return a; /* buf()s of one size, structs, arrays, ... */
		}
		ERR_HINT(s, e, "cast or convert one branch so both have the same type",
			 "both branches of %s must have the same type (%s vs %s)", if_value ? "if" : "?:",
			 fth_type_describe(A(s), a), fth_type_describe(A(s), b));
		return NULL;
	}
	case FTH_IF:
		/* if comptime (c) { a } else { b } as a value: the branch taken */
		if (fold_comptime_if(s, e, true))
			return check_expr_inner(s, e);
		/* if c { a } else { b } used as a value */
		return if_value_to_ternary(s, e) ? check_expr(s, e) : NULL;
	case FTH_FIELD:
		return check_field(s, e);
	case FTH_INDEX: {
		struct fth_type *b = check_expr(s, e->u.index.base);
		struct fth_type *i = check_expr(s, e->u.index.index);
		int64_t idx;
		if (!b || !i)
			return NULL;
		if (b->kind == FTH_T_STRING) {
			if (!literal_int(e->u.index.index, &idx) || idx < 0 || (uint64_t)idx >= b->size) {
				ERR_HINT(s, e->u.index.index, "write the position itself, e.g. s[0]; to read at a computed offset, cast the address to a pointer",
					 "string index must be a literal from 0 to %u", b->size - 1);
				return NULL;
			}
			return fth_type_int(1, true);
		}
		if (b->kind == FTH_T_POINTER && b->elem && b->elem->size) {
			if (!is_int(i))
				ERR_HINT(s, e->u.index.index, "use a number or cast the value to one, e.g. p[(uint64)x]",
					 "an index must be an integer");
			return pointee_type(s, b);
		}
		if (b->kind == FTH_T_TUPLE)
			return tuple_subscript(s, e, b);
		if (b->kind != FTH_T_ARRAY) {
			ERR_HINT(s, e->u.index.base, "only arrays, pointers, strings and maps take [index]",
				 "%s cannot be indexed", fth_type_describe(A(s), b));
			return NULL;
		}
		return check_array_index(s, e, b, i);
	}
	case FTH_RECORD:
		return check_record(s, e);
	case FTH_TUPLE: {
		struct fth_node_list *l = &e->u.list;
		struct fth_type **elems = fth_arena_alloc(A(s), sizeof(*elems) * (size_t)(l->len + 1));
		for (int i = 0; i < l->len; i++) {
			elems[i] = tuple_element_type(s, check_expr(s, l->items[i]));
			if (!elems[i])
				return NULL;
		}
		return fth_type_tuple(A(s), elems, l->len);
	}
	case FTH_TUPLE_INDEX: {
		struct fth_type *b = check_expr(s, e->u.tuple_index.base);
		if (!b)
			return NULL;
		if (b->kind != FTH_T_TUPLE || e->u.tuple_index.index >= b->nfields) {
			ERR_HINT(s, e, "tuple elements are numbered from 0",
				 "%s has no element %d", fth_type_describe(A(s), b), e->u.tuple_index.index);
			return NULL;
		}
		return b->fields[e->u.tuple_index.index].type;
	}
	case FTH_CAST:
		return check_cast(s, e);
	case FTH_FN_INLINE:
		return check_fn_inline(s, e);
	case FTH_BLOCK_EXPR: {
		/* { stmts; value } - what a macro used as a value and the
		 * branches of an if used as a value become; a block scope */
		struct fth_type *t;
		struct fth_node *value = e->u.block.value;
		bool is_stmt = e == s->stmt_expr;
		int errors = s->diag->errors;
		scope_push(s);
		for (int i = 0; i < e->u.block.stmts.len; i++)
			check_stmt(s, e->u.block.stmts.items[i]);
		if (is_stmt) /* its last expression is in statement position too */
			s->stmt_expr = value;
		t = value ? check_expr(s, value) : fth_type_none();
		scope_pop(s, !s->for_map_depth);
		/* (not after an error in it: fail("...") ends a block too) */
		if (!is_stmt && t && t->kind == FTH_T_NONE && s->diag->errors == errors) {
			block_without_value(s, e);
			return NULL;
		}
		return t;
	}
	case FTH_TYPEOF:
		ERR_HINT(s, e, "use it where a type goes: a cast, let $x: typeof(...), sizeof() or offsetof()",
			 "typeof() names a type, not a value");
		return NULL;
	case FTH_SIZEOF: {
		/* sizeof(type) and sizeof(expr) are constants: fold them. A
		 * typeof() operand (a macro's type argument) is a type. */
		struct fth_node *operand = e->u.sizeof_.operand;
		struct fth_type *t = operand && operand->kind == FTH_TYPEOF ? typeof_node_type(s, operand)
				     : operand ? check_expr(s, operand)
					       : named_type(s, &e->u.sizeof_.type_name, e);
		if (!t)
			return NULL;
		e->kind = FTH_INT;
		e->u.integer = t->size;
		/* as current bpftrace types them: a literal the smallest
		 * integer that holds it, a variable the integers it was given
		 * (its slot is 64 bits) */
		if (t->kind == FTH_T_INT && !t->enum_def && operand && literal_int(operand, &(int64_t){ 0 }))
			e->u.integer = literal_type(operand)->size;
		else if (t->kind == FTH_T_INT && !t->enum_def && operand && operand->kind == FTH_VAR &&
			 operand->u.ident.var && operand->u.ident.var->literal_width > 0)
			e->u.integer = (uint64_t)operand->u.ident.var->literal_width;
		return uint64_t_();
	}
	case FTH_OFFSETOF: {
		struct fth_node *operand = e->u.offsetof_.operand;
		struct fth_type *t = operand && operand->kind == FTH_TYPEOF ? typeof_node_type(s, operand)
				     : operand ? check_expr(s, operand)
					       : named_type(s, &e->u.offsetof_.type_name, e);
		uint64_t total = 0;
		if (t && t->kind == FTH_T_POINTER)
			t = t->elem;
		for (int i = 0; t && i < e->u.offsetof_.fields.len; i++) {
			struct fth_node *f = e->u.offsetof_.fields.items[i];
			uint32_t off, bo, bs;
			struct fth_type *mt = t->kind == FTH_T_STRUCT ? struct_member(s, t, f->u.ident.name, &off, &bo, &bs)
								     : NULL;
			if (!mt) {
				if (t->kind == FTH_T_STRUCT)
					report_unknown_member(s, f, t, f->u.ident.name);
				else
					ERR_HINT(s, f, "fathom -lv 'struct NAME' lists a kernel struct's fields",
						 "%s has no field '%s'", fth_type_describe(A(s), t), f->u.ident.name);
				return NULL;
			}
			total += off;
			t = mt;
		}
		if (!t)
			return NULL;
		e->kind = FTH_INT;
		e->u.integer = total;
		return uint64_t_();
	}
	case FTH_INCDEC: {
		struct fth_node *t = e->u.incdec.target;
		if (t->kind == FTH_MAP) {
			struct fth_map *map = map_use_keys(s, t, true);
			/* @p++ on a pointer map moves it to the next element */
			if (map->value_type && map->value_type->kind == FTH_T_POINTER) {
				t->type = map->value_type;
				return map->value_type;
			}
			/* one error for a map of other values: this one, not also
			 * the int64 that ++ would store in it */
			if (map->value_type && !is_int(map->value_type)) {
				ERR_HINT(s, e, "count with an integer map, e.g. @n[key]++, or use @n = count()",
					 "++/-- needs an integer map, %s holds %s", map->name,
					 fth_type_describe(A(s), map->value_type));
				return NULL;
			}
			map_set_value(s, map, t, int64_t_());
			return int64_t_();
		}
		if (t->kind == FTH_VAR) {
			struct fth_var *v = var_use(s, t);
			if (v && !v->type)
				v->type = int64_t_(); /* let $x; $x++; counts from 0 */
			if (!v) {
				ERR_HINT(s, t, fth_arena_printf(A(s), "assign it first, e.g. %s = 0, or declare it: let %s;",
							t->u.ident.name, t->u.ident.name),
					 "variable %s is used before it is assigned", t->u.ident.name);
				return NULL;
			}
			if (refuse_map_ref_arithmetic(s, e, v->type, e->u.incdec.increment ? "++" : "--"))
				return NULL;
			return v->type;
		}
		ERR_HINT(s, e, "copy the value into a variable, e.g. $x = ...; $x++", "++ and -- apply to variables and maps only");
		return NULL;
	}
	default:
		ERR(s, e, "this expression (%s) is not supported yet", fth_node_kind_name(e->kind));
		return NULL;
	}
}

static struct fth_type *check_expr(struct sema *s, struct fth_node *e)
{
	e->type = check_expr_inner(s, e);
	/* A float member is part of its struct's bytes, but there is no
	 * floating-point value to compute with or print on its own. */
	if (e->type && e->type->kind == FTH_T_FLOAT) {
		ERR_HINT(s, e, "print() or store the struct that holds it: its floating-point members show as null",
			 "%s values are not supported: fathom has no floating-point arithmetic", e->type->name);
		e->type = NULL;
	}
	return e->type;
}

/* ----------------------------------------------------------- statements */

/* The seed's "map bloat" mistake: @start[tid] = nsecs with no delete
 * anywhere grows by one entry per thread until the map is full. */
static void note_task_key(struct sema *s, struct fth_node *target)
{
	struct fth_map *map = map_get(s, target);
	struct fth_node *k = target->u.map.keys.len == 1 ? target->u.map.keys.items[0] : NULL;

	if (map && k && k->kind == FTH_IDENT && (!strcmp(k->u.ident.name, "tid") || !strcmp(k->u.ident.name, "pid")) &&
	    !map->keyed_by_task) {
		map->keyed_by_task = true;
		map->task_key_use = target->range;
	}
}

/* Does the target of `x op= v` already hold a bool (then x op v stays one)? */
static bool target_holds_bool(struct sema *s, struct fth_node *target)
{
	const struct fth_type *t = NULL;

	if (target->kind == FTH_MAP) {
		struct fth_map *map = map_get(s, target);
		t = map ? map->value_type : NULL;
	} else if (target->kind == FTH_VAR) {
		struct fth_var *v = var_lookup(s, target->u.ident.name);
		t = v ? v->type : NULL;
	}
	return t && t->kind == FTH_T_BOOL;
}

static void check_assign(struct sema *s, struct fth_node *st)
{
	struct fth_node *target = st->u.assign.target;
	struct fth_node *value = st->u.assign.value;
	struct fth_type *vt;
	int errors;

	if (target->kind == FTH_MAP && value->kind == FTH_CALL && is_agg_func(value->u.call.name)) {
		struct fth_map *map = map_use_keys(s, target, true);
		if (st->u.assign.op) {
			ERR_HINT(s, st, "assign the aggregation itself, e.g. @m = sum(x)",
				 "aggregations cannot be combined with '%s='", fth_token_spelling(st->u.assign.op));
			return;
		}
		vt = check_agg_call(s, value);
		value->type = vt;
		target->type = vt;
		map_set_value(s, map, target, vt);
		return;
	}
	errors = failure_mark(s);
	vt = check_expr(s, value);
	/* $x = <an error>: later reads of $x say nothing more */
	if (!vt && target->kind == FTH_VAR && failure_mark(s) > errors)
		fth_ptrvec_push(A(s), &s->unassignable, (void *)target->u.ident.name);
	if (vt && vt->kind == FTH_T_NONE) {
		ERR_HINT(s, value, "call it as a statement of its own", "%s() does not return a value",
		    value->kind == FTH_CALL ? value->u.call.name
		    : value->kind == FTH_FN_INLINE ? value->u.fn_inline.name : "this");
		return;
	}
	if (st->u.assign.op && vt && !is_int(vt)) {
		ERR_HINT(s, value, "use a number, or cast the value to one", "'%s=' needs an integer, not %s",
			 fth_token_spelling(st->u.assign.op),
		    fth_type_describe(A(s), vt));
		return;
	}
	if (st->u.assign.op && vt && vt->kind == FTH_T_BOOL && !target_holds_bool(s, target))
		vt = fth_type_int(8, false); /* x += (a == b): x + bool is an integer */
	if (target->kind == FTH_MAP) {
		struct fth_map *map = map_use_keys(s, target, true);
		struct fth_type *stored;
		if (vt && vt == s->untyped_read)
			return; /* nothing known yet: the value is an untyped read */
		/* @p += n / @p -= n keep a pointer map's values pointers */
		if (map->value_type && map->value_type->kind == FTH_T_POINTER && vt && vt->kind != FTH_T_POINTER &&
		    (st->u.assign.op == TOK_PLUS || st->u.assign.op == TOK_MINUS))
			vt = map->value_type;
		stored = storage_type(s, vt);
		if (st->u.assign.op && (!map->value_type && s->strict))
			ERR_HINT(s, target, "assign it somewhere, e.g. @name = 1;", "undefined map %s", map->name);
		if (vt && vt->kind == FTH_T_AGG) {
			ERR_HINT(s, value, "copying an aggregation is not supported", "cannot assign %s to a map",
				 fth_type_describe(A(s), vt));
			return;
		}
		if (map->value_type && map->value_type->kind == FTH_T_AGG) {
			/* one error for one mistake: not also "cannot hold";
			 * none when the value itself was wrong */
			if (!stored)
				return;
			ERR_HINT(s, st, fth_arena_printf(A(s), "update it with %s(), or keep the value in another map",
							 fth_agg_name(map->value_type->agg)),
				 "%s is a %s map; it cannot be assigned %s", map->name,
				 fth_type_describe(A(s), map->value_type), fth_type_describe(A(s), stored));
			return;
		}
		map_set_value(s, map, target, stored);
		target->type = map->value_type;
		note_task_key(s, target);
	} else if (target->kind == FTH_VAR) {
		struct fth_var *cur = st->u.assign.op ? var_use(s, target) : NULL;
		if (st->u.assign.op && !cur) {
			ERR_HINT(s, target, fth_arena_printf(A(s), "assign it first, e.g. %s = 0", target->u.ident.name),
				 "variable %s is used before it is assigned", target->u.ident.name);
			return;
		}
		if (cur && st->u.assign.op &&
		    refuse_map_ref_arithmetic(s, st, cur->type,
					      fth_arena_printf(A(s), "%s=", fth_token_spelling(st->u.assign.op))))
			return;
		/* $p += n / $p -= n keep a pointer a pointer, n elements on */
		if (cur && cur->type && cur->type->kind == FTH_T_POINTER && vt && vt->kind != FTH_T_POINTER &&
		    (st->u.assign.op == TOK_PLUS || st->u.assign.op == TOK_MINUS))
			vt = cur->type;
		var_define(s, target, vt,
			   !st->u.assign.op && vt && vt->kind == FTH_T_INT && !vt->enum_def && literal_int(value, &(int64_t){ 0 })
				   ? (int)literal_type(value)->size
				   : 0);
	} else if (target->kind == FTH_IDENT && !strcmp(target->u.ident.name, "_")) {
		/* discard */
	} else {
		ERR_HINT(s, target, "assign to a variable ($x) or a map (@x)", "cannot assign to this expression");
	}
}

/* ------------------------------------------------------------------ fn */

/* What a fn returns: nothing (void), or an integer, bool or pointer. */
static struct fth_type *fn_return_type(struct sema *s, struct fth_node *e)
{
	struct fth_node *decl = e->u.fn_inline.decl;
	struct fth_type *t;

	if (!e->u.fn_inline.result)
		return fth_type_none();
	t = named_type(s, &decl->u.func.return_type, decl);
	if (t && !is_int(t)) {
		ERR_HINT(s, decl, "return an integer, bool or pointer, or nothing (: void)",
			 "fn %s returns %s; a fn can return integers, bool and pointers", decl->u.func.name,
			 fth_type_describe(A(s), t));
		return NULL;
	}
	return t;
}

static void check_fn_return(struct sema *s, struct fth_node *st)
{
	const struct fth_node *fn = s->fn;
	const char *name = fn->u.fn_inline.name;
	struct fth_type *vt;

	if (s->for_map_depth > s->fn_for_map_depth) {
		ERR_HINT(s, st, "leave the loop with break, then return after it",
			 "return is not allowed inside a for loop over a map");
		return;
	}
	if (!fn->u.fn_inline.result) {
		if (st->u.ret.value)
			ERR_HINT(s, st->u.ret.value, "declare the type it returns: fn name(...): int64",
				 "fn %s returns nothing (void), so return takes no value", name);
		return;
	}
	if (!st->u.ret.value) {
		ERR_HINT(s, st, "return a value: return 0;", "fn %s must return a value", name);
		return;
	}
	vt = check_expr(s, st->u.ret.value);
	if (vt && !is_int(vt))
		ERR_HINT(s, st->u.ret.value, "return a value of the declared type, or cast it",
			 "fn %s returns %s, not %s", name,
			 fth_type_describe(A(s), fn->u.fn_inline.result->type), fth_type_describe(A(s), vt));
}

/* A fn call expanded in place: its result variable, then its body (the
 * parameters' lets first) in a block of its own. */
static struct fth_type *check_fn_inline(struct sema *s, struct fth_node *e)
{
	struct fth_node *saved = s->fn;
	int saved_depth = s->fn_for_map_depth;
	struct fth_type *rt = fn_return_type(s, e);

	if (!rt)
		return NULL;
	if (e->u.fn_inline.result)
		var_define(s, e->u.fn_inline.result, rt, 0);
	s->fn = e;
	s->fn_for_map_depth = s->for_map_depth;
	check_block(s, e->u.fn_inline.body);
	s->fn = saved;
	s->fn_for_map_depth = saved_depth;
	return rt;
}

static void check_block(struct sema *s, struct fth_node *b)
{
	if (!b)
		return;
	if (b->kind != FTH_BLOCK) {
		check_stmt(s, b);
		return;
	}
	scope_push(s);
	for (int i = 0; i < b->u.block.stmts.len; i++)
		check_stmt(s, b->u.block.stmts.items[i]);
	scope_pop(s, !s->for_map_depth);
}

static void check_cond(struct sema *s, struct fth_node *cond)
{
	struct fth_type *t = check_expr(s, cond);

	if (t && !is_int(t))
		ERR_HINT(s, cond, t->kind == FTH_T_STRING ? "compare it: comm == \"name\"" : NULL,
			 "a condition must be an integer, not %s", fth_type_describe(A(s), t));
}

/* The type of $kv in for ($kv : @m): (key, value). Aggregations read as
 * their value summed over the CPUs, like @m[k] in a probe; the ones with
 * a bucket in the key or a pair of values cannot be iterated (bpftrace
 * refuses them too). */
static struct fth_type *for_map_elem_type(struct sema *s, struct fth_node *st, struct fth_map *map)
{
	struct fth_type *elems[2];

	if (!map->key_type) {
		ERR_HINT(s, st->u.for_map.map, fth_arena_printf(A(s), "read it directly: %s", map->name),
			 "%s has no keys: only maps with keys can be looped over", map->name);
		return NULL;
	}
	elems[0] = map->key_type;
	elems[1] = map->value_type;
	if (map->value_type->kind == FTH_T_AGG) {
		enum fth_agg_kind a = map->value_type->agg;
		if (a != FTH_AGG_COUNT && a != FTH_AGG_SUM && a != FTH_AGG_MIN && a != FTH_AGG_MAX) {
			ERR_HINT(s, st->u.for_map.map, "print it with print() instead",
				 "a map of %s() cannot be looped over", fth_agg_name(a));
			return NULL;
		}
		elems[1] = int64_t_();
	}
	return fth_type_tuple(A(s), elems, 2);
}

static void check_for_map(struct sema *s, struct fth_node *st)
{
	struct fth_node *mapnode = st->u.for_map.map;
	struct fth_map *map = map_get(s, mapnode);
	struct fth_type *elem = NULL;
	int errors = failure_mark(s);

	if (!map || !map->value_type)
		ERR_HINT(s, mapnode, "assign it somewhere, e.g. @name[1] = 1;", "undefined map %s", mapnode->u.map.name);
	else if (loop_var_is_new(s, st->u.for_map.var))
		elem = for_map_elem_type(s, st, map);
	/* the map could not be looped over: reads of $kv in the body say
	 * nothing more than the error already given */
	if (!elem && failure_mark(s) > errors)
		fth_ptrvec_push(A(s), &s->unassignable, (void *)st->u.for_map.var->u.ident.name);
	/* $kv belongs to the loop: a scope around the body */
	scope_push(s);
	if (elem)
		var_define(s, st->u.for_map.var, elem, 0);
	mapnode->type = map ? map->value_type : NULL;
	s->loop_depth++;
	s->for_map_depth++;
	check_block(s, st->u.for_map.body);
	s->for_map_depth--;
	s->loop_depth--;
	scope_pop(s, false);
}

static struct fth_node *block_of(struct sema *s, struct fth_node *e)
{
	struct fth_node *blk = fth_node_new(A(s), FTH_BLOCK, e->range);
	struct fth_node *st = fth_node_new(A(s), FTH_EXPR_STMT, e->range);

	if (e->kind == FTH_BLOCK_EXPR) {
		/* { stmts; f() } is already a block: its statements, then f() */
		blk->u.block.stmts = e->u.block.stmts;
		e = e->u.block.value;
		if (!e)
			return blk;
		st->range = e->range;
	}
	st->u.expr_stmt.expr = e;
	fth_node_list_push(A(s), &blk->u.block.stmts, st);
	return blk;
}

/* A branch of a ternary statement that may give nothing: a call (not an
 * aggregation) or a block ({ printf("a") }). */
static bool may_be_void_branch(const struct fth_node *e)
{
	return (e->kind == FTH_CALL && !is_agg_func(e->u.call.name)) || e->kind == FTH_BLOCK_EXPR;
}

/* Does the statement-position branch e give nothing? */
static bool void_branch(struct sema *s, struct fth_node *e)
{
	s->stmt_expr = e;
	return check_expr(s, e) == fth_type_none();
}

/* `cond ? printf("a") : printf("b");` (or with blocks, `cond ? { ... } :
 * { ... };`) has no value: it is an if/else, and becomes one. */
static bool void_ternary_to_if(struct sema *s, struct fth_node *st)
{
	struct fth_node *e = st->u.expr_stmt.expr;
	struct fth_node *then_e, *else_e;

	if (e->kind != FTH_TERNARY || !e->u.ternary.then_expr)
		return false;
	then_e = e->u.ternary.then_expr;
	else_e = e->u.ternary.else_expr;
	if (!may_be_void_branch(then_e) || !may_be_void_branch(else_e))
		return false;
	if (!void_branch(s, then_e) || !void_branch(s, else_e))
		return false;
	st->kind = FTH_IF;
	st->u.if_.cond = e->u.ternary.cond;
	st->u.if_.then_block = block_of(s, then_e);
	st->u.if_.else_block = block_of(s, else_e);
	return true;
}

/* A call node `name(args...)` at `where`. */
static struct fth_node *new_call(struct sema *s, struct fth_node *where, const char *name)
{
	struct fth_node *call = fth_node_new(A(s), FTH_CALL, where->range);

	call->u.call.name = name;
	call->u.call.name_range = where->range;
	return call;
}

/* assert(cond, msg); is bpftrace's macro: if (!cond) { errorf("assert
 * failed: %s", msg); exit(1); }. The statement becomes that if, with the
 * errorf at the assert call so the message points there. */
static bool assert_to_if(struct sema *s, struct fth_node *st)
{
	struct fth_node *e = st->u.expr_stmt.expr, *not, *errorf, *fmt, *exit_call, *code, *blk, *stmt;

	if (e->kind != FTH_CALL || strcmp(e->u.call.name, "assert"))
		return false;
	if (e->u.call.args.len != 2) {
		ERR_HINT(s, e, "write assert(condition, \"message\")", "assert() takes 2 arguments, not %d",
			 e->u.call.args.len);
		return false;
	}
	not = fth_node_new(A(s), FTH_UNARY, e->u.call.args.items[0]->range);
	not->u.unary.op = TOK_BANG;
	not->u.unary.operand = e->u.call.args.items[0];
	errorf = new_call(s, e, "errorf");
	fmt = fth_node_new(A(s), FTH_STRING, e->range);
	fmt->u.string.data = "assert failed: %s";
	fmt->u.string.len = (uint32_t)strlen(fmt->u.string.data);
	fth_node_list_push(A(s), &errorf->u.call.args, fmt);
	fth_node_list_push(A(s), &errorf->u.call.args, e->u.call.args.items[1]);
	exit_call = new_call(s, e, "exit");
	code = fth_node_new(A(s), FTH_INT, e->range);
	code->u.integer = 1;
	fth_node_list_push(A(s), &exit_call->u.call.args, code);
	blk = block_of(s, errorf);
	stmt = fth_node_new(A(s), FTH_EXPR_STMT, e->range);
	stmt->u.expr_stmt.expr = exit_call;
	fth_node_list_push(A(s), &blk->u.block.stmts, stmt);
	st->kind = FTH_IF;
	st->u.if_.cond = not;
	st->u.if_.then_block = blk;
	st->u.if_.else_block = NULL;
	return true;
}

/* An expression statement whose value nobody reads: bpftrace's type
 * checker warns "Return value discarded." unless the value is void (print(),
 * printf(), exit(), ...) or the statement is ++/--. delete() returns whether
 * the key was there, yet its discarded value is the common case (bpftrace
 * then only warns at run time when the delete fails), so it stays quiet.
 * `_ = expr;` is an assignment, not an expression statement. */
static void warn_discarded_value(struct sema *s, struct fth_node *e, const struct fth_type *t)
{
	if (!s->strict || s->retyping || !t || t->kind == FTH_T_NONE || e->kind == FTH_INCDEC)
		return;
	if (e->kind == FTH_CALL && !strcmp(e->u.call.name, "delete"))
		return;
	/* write_user()'s result is the helper's errno, rarely read */
	if (e->kind == FTH_CALL && !strcmp(e->u.call.name, "write_user"))
		return;
	fth_warning(s->diag, e->range, "Return value discarded.");
}

/* static_assert(cond, "msg") is a statement that stops the compile or
 * leaves nothing behind: bpftrace's is void, so a passing one is no
 * discarded value to warn about. Sema folds it to `true`; the statement
 * then becomes an empty block, which later passes and codegen skip. */
static bool is_static_assert(const struct fth_node *e)
{
	return e->kind == FTH_CALL && !strcmp(e->u.call.name, "static_assert");
}

static void make_empty_block(struct fth_node *st)
{
	st->kind = FTH_BLOCK;
	memset(&st->u.block, 0, sizeof(st->u.block));
}

static void check_stmt(struct sema *s, struct fth_node *st)
{
	switch (st->kind) {
	case FTH_EXPR_STMT: {
		struct fth_node *e = st->u.expr_stmt.expr;
		if (void_ternary_to_if(s, st)) {
			check_stmt(s, st);
			break;
		}
		if (assert_to_if(s, st)) {
			check_stmt(s, st);
			break;
		}
		if (e->kind == FTH_CALL && !strcmp(e->u.call.name, "exit") && s->loop_depth && s->strict)
			fth_error_hint(s->diag, e->range, "break out of the loop and call exit() after it",
				       "exit() is not allowed inside a loop");
		s->stmt_expr = e;
		if (is_static_assert(e)) {
			check_expr(s, e);
			if (e->kind == FTH_BOOL) /* it held: nothing is left to run */
				make_empty_block(st);
			break;
		}
		warn_discarded_value(s, e, check_expr(s, e));
		break;
	}
	case FTH_ASSIGN:
		check_assign(s, st);
		break;
	case FTH_LET:
		check_let(s, st);
		break;
	case FTH_IF:
		if (fold_comptime_if(s, st, false)) {
			check_stmt(s, st);
			break;
		}
		check_cond(s, st->u.if_.cond);
		check_block(s, st->u.if_.then_block);
		check_block(s, st->u.if_.else_block);
		break;
	case FTH_WHILE:
		check_cond(s, st->u.loop.cond);
		s->loop_depth++;
		check_block(s, st->u.loop.body);
		s->loop_depth--;
		break;
	case FTH_FOR_RANGE: {
		struct fth_type *a = check_expr(s, st->u.for_range.start);
		struct fth_type *b = check_expr(s, st->u.for_range.end);
		int blockers = s->callback_blockers;
		if ((a && !is_int(a)) || (b && !is_int(b)))
			ERR_HINT(s, st, "write e.g. for $i : 0..10 { ... }", "range bounds must be integers");
		loop_var_is_new(s, st->u.for_range.var);
		scope_push(s);
		var_define(s, st->u.for_range.var, int64_t_(), 0);
		s->loop_depth++;
		check_block(s, st->u.for_range.body);
		s->loop_depth--;
		scope_pop(s, false);
		/* Bounds known only when the probe runs (a map value) leave the
		 * verifier unable to bound an open-coded loop: such a loop runs
		 * as a bpf_loop callback, as bpftrace's does, unless its body
		 * needs the probe's own frame. Literal bounds stay open-coded. */
		st->u.for_range.loop_helper =
			(st->u.for_range.start->kind != FTH_INT || st->u.for_range.end->kind != FTH_INT) &&
			s->callback_blockers == blockers;
		break;
	}
	case FTH_FOR_MAP:
		check_for_map(s, st);
		break;
	case FTH_UNROLL: {
		int64_t n;
		/* bpftrace's wording, on "unroll (N)" */
		struct fth_range head = { st->range.begin, st->u.unroll.count->range.end };
		const char *src = s->diag->src ? s->diag->src->text : NULL;
		if (src && src[head.end] == ')')
			head.end++;
		if (!literal_int_or_positional(s, st->u.unroll.count, &n))
			ERR_HINT(s, st->u.unroll.count, "write the count itself, e.g. unroll(5) { ... }",
				 "unroll count must be an integer literal from 1 to 100");
		else if (n > 100 && s->strict)
			fth_error_hint(s->diag, head, "unroll at most 100 times; for more, use while or a for range",
				       "unroll maximum value is 100");
		else if (n < 1 && s->strict)
			fth_error_hint(s->diag, head, "unroll at least once, or remove the unroll",
				       "unroll minimum value is 1");
		check_block(s, st->u.unroll.body);
		break;
	}
	case FTH_BLOCK:
		check_block(s, st);
		break;
	case FTH_BREAK:
	case FTH_CONTINUE:
		if (!s->loop_depth)
			ERR_HINT(s, st, "use it inside while, for or unroll; to leave a probe early, use return",
				 "'%s' outside a loop", st->kind == FTH_BREAK ? "break" : "continue");
		break;
	case FTH_RETURN:
		s->callback_blockers++;
		if (s->fn) {
			check_fn_return(s, st);
			break;
		}
		if (st->u.ret.value && !strcmp(s->cur->inst->provider->name, "test")) {
			/* a test fails when it returns non-zero (bpftrace) */
			struct fth_type *t = check_expr(s, st->u.ret.value);
			if (t && !is_int(t))
				ERR_HINT(s, st->u.ret.value, "return 0 when the test passed, e.g. return $ok ? 0 : 1",
					 "a test returns an integer (non-zero: failed), not %s",
					 fth_type_describe(A(s), t));
		} else if (st->u.ret.value) {
			ERR_HINT(s, st->u.ret.value, "only test:NAME probes return a value (non-zero fails the test)",
				 "probes cannot return a value");
		} else if (s->for_map_depth)
			ERR_HINT(s, st, "leave the loop with break, then return after it",
				 "return is not allowed inside a for loop over a map");
		break;
	default:
		ERR(s, st, "this statement (%s) is not supported yet", fth_node_kind_name(st->kind));
		break;
	}
}

static void check_prog(struct sema *s, struct fth_prog *p)
{
	struct fth_node *probe = p->probe;

	/* a watchpoint's setup uprobe runs code of its own, not the body */
	if (p->inst->wp_setup_for)
		return;
	s->cur = p;
	p->vars.len = 0;
	s->nscopes = 0;
	s->retired.len = 0;
	scope_push(s);
	if (probe->u.probe.predicate)
		check_cond(s, probe->u.probe.predicate);
	check_block(s, probe->u.probe.body);
	scope_pop(s, false);
	/* `let $x;` never assigned: an integer, as bpftrace */
	for (int i = 0; i < p->vars.len; i++) {
		struct fth_var *v = p->vars.items[i];
		if (!v->type)
			v->type = int64_t_();
	}
}

/* Copies of the fns no probe calls (fn_checks): checked in the setting of
 * the first probe, in a program of their own that is never generated. */
static void check_uncalled_fns(struct sema *s)
{
	struct fth_node_list *checks = &s->prog->ast->u.program.fn_checks;
	struct fth_prog scratch;

	if (!checks->len)
		return;
	scratch = *(struct fth_prog *)s->prog->progs.items[0];
	memset(&scratch.vars, 0, sizeof(scratch.vars));
	for (int i = 0; i < checks->len; i++) {
		s->cur = &scratch;
		s->nscopes = 0;
		s->retired.len = 0;
		scope_push(s);
		check_fn_inline(s, checks->items[i]);
		scope_pop(s, false);
	}
}

/* --------------------------------------------------------- probe expansion */

/* Probe types of bpftrace that this build does not provide. */
static const char *const known_unsupported[] = {
	"test",
};

static const struct fth_provider *provider_of(struct sema *s, struct fth_node *attach)
{
	const char *word = attach->u.attach.parts[0];
	const struct fth_provider *p = fth_provider_find(word);
	int n;
	const struct fth_provider *const *all;
	const char *names[32];

	if (p)
		return p;
	for (size_t i = 0; i < sizeof(known_unsupported) / sizeof(known_unsupported[0]); i++) {
		if (!strcmp(word, known_unsupported[i])) {
			fth_error_hint(s->diag, attach->range, "'fathom -l' lists the probe types this build provides",
				       "%s probes are not supported by fathom yet", word);
			return NULL;
		}
	}
	all = fth_providers(&n);
	for (int i = 0; i < n && i < 32; i++)
		names[i] = all[i]->name;
	{
		const char *best = fth_closest_name(word, names, n);
		char hint[96];
		snprintf(hint, sizeof(hint), "did you mean '%s'?", best ? best : "");
		fth_error_hint(s->diag, attach->range, best ? hint : "'fathom -l' lists the probe types",
			       "unknown probe type '%s'", word);
	}
	return NULL;
}

static bool attaches_to_child(const struct fth_provider *p)
{
	return p == &fth_provider_usdt || p == &fth_provider_watchpoint || p == &fth_provider_asyncwatchpoint;
}

static void add_prog(struct sema *s, struct fth_node *probe, struct fth_probe_inst *inst)
{
	struct fth_prog *p = fth_arena_alloc(A(s), sizeof(*p));
	int index = s->prog->progs.len;
	const char *hint = inst->provider->name;

	p->probe = probe;
	p->inst = inst;
	/* Providers that can open per-process events use -p's pid; of -c's
	 * child, only USDT probes and watchpoints do, as in bpftrace (the
	 * child's uprobes fire for every process running its binary). */
	if (!inst->target_pid)
		inst->target_pid = attaches_to_child(inst->provider) ? s->prog->config.target_pid
								     : s->prog->config.filter_pid;
	p->prog_type = inst->provider->prog_type;
	p->fd = -1;
	/* Names are what `bpftool prog show` displays; fth_ lets leaks be found. */
	snprintf(p->bpf_name, sizeof(p->bpf_name), "fth_%d_%.*s", index, 8, hint);
	for (char *c = p->bpf_name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
			*c = '_';
	fth_ptrvec_push(A(s), &s->prog->progs, p);
}

/* Positional parameters inside attach points (interval:ms:$1,
 * uprobe:$1:main) are replaced by their text before expansion. */
static const char *substitute_positional(struct sema *s, const char *part)
{
	const char *dollar = strchr(part, '$');
	const char *out = "";
	const char *p = part;

	if (!dollar)
		return part;
	while ((dollar = strchr(p, '$'))) {
		char *end;
		long idx = strtol(dollar + 1, &end, 10);
		const char *value = "";
		if (end == dollar + 1) {
			out = fth_arena_printf(A(s), "%s%.*s", out, (int)(dollar + 1 - p), p);
			p = dollar + 1;
			continue;
		}
		if (idx >= 1 && idx <= s->prog->positional.len)
			value = s->prog->positional.items[idx - 1];
		out = fth_arena_printf(A(s), "%s%.*s%s", out, (int)(dollar - p), p, value);
		p = end;
	}
	return fth_arena_printf(A(s), "%s%s", out, p);
}

static void substitute_attach_point(struct sema *s, struct fth_node *ap)
{
	const char *joined = NULL;
	int colons = 0, n = 0;
	const char **parts;

	for (int i = 0; i < ap->u.attach.nparts; i++) {
		ap->u.attach.parts[i] = substitute_positional(s, ap->u.attach.parts[i]);
		joined = joined ? fth_arena_printf(A(s), "%s:%s", joined, ap->u.attach.parts[i]) : ap->u.attach.parts[i];
	}
	for (const char *c = joined; c && *c; c++)
		colons += *c == ':';
	if (colons == ap->u.attach.nparts - 1)
		return;
	/* `$1 { }` run with i:ms:1: the parameter held several parts */
	parts = fth_arena_alloc(A(s), sizeof(*parts) * (size_t)(colons + 1));
	for (const char *c = joined;; c++) {
		const char *end = strchr(c, ':');
		parts[n++] = fth_arena_strndup(A(s), c, end ? (size_t)(end - c) : strlen(c));
		if (!end)
			break;
		c = end;
	}
	ap->u.attach.parts = parts;
	ap->u.attach.nparts = n;
	ap->u.attach.text = joined;
}

/* A probe of pt_regs providers (kprobe, uprobe, usdt ...) whose attach
 * points were all skipped as missing: a stand-in instance, checked but
 * never generated. Other probe types' contexts need a real instance. */
static void add_phantom(struct sema *s, struct fth_node *probe)
{
	struct fth_node *ap = probe->u.probe.attach_points.items[0];
	const struct fth_provider *prov = provider_of(s, ap);
	struct fth_probe_inst *inst;
	struct fth_prog *p;

	if (!prov || prov->prog_type != BPF_PROG_TYPE_KPROBE)
		return;
	inst = fth_arena_alloc(A(s), sizeof(*inst));
	inst->provider = prov;
	inst->name = prov->name;
	inst->regs_ctx = true;
	inst->has_retval = strstr(prov->name, "ret") != NULL;
	inst->user_space = prov->name[0] == 'u';
	inst->has_func = true;
	p = fth_arena_alloc(A(s), sizeof(*p));
	p->probe = probe;
	p->inst = inst;
	p->fd = -1;
	fth_ptrvec_push(A(s), &s->phantoms, p);
}

/* --probe-filter REGEX keeps the probes whose names it matches, and
 * every probe that is not attached (begin, end, ...). A watchpoint's
 * setup uprobe goes with its watchpoint. */
static bool passes_probe_filter(struct sema *s, const struct fth_probe_inst *inst)
{
	if (s->probe_filter_ready <= 0 || !inst->provider->attach)
		return true;
	if (inst->wp_setup_for)
		inst = inst->wp_setup_for;
	return regexec(&s->probe_filter, inst->name, 0, NULL, 0) == 0;
}

/* Compiled before any probe is expanded, so a bad expression is an error
 * even in a script whose probes the filter never sees (begin, end). */
static int compile_probe_filter(struct sema *s)
{
	const char *re = s->prog->config.probe_filter;
	char why[128];
	int rc;

	if (!re)
		return 0;
	rc = regcomp(&s->probe_filter, re, REG_EXTENDED | REG_NOSUB);
	if (rc == 0) {
		s->probe_filter_ready = 1;
		return 0;
	}
	regerror(rc, &s->probe_filter, why, sizeof(why));
	fth_diag_plain(s->diag, FTH_SEV_ERROR, "write an extended regular expression, e.g. 'sys_enter_(read|write)$'",
		       "invalid --probe-filter '%s': %s", re, why);
	return -EINVAL;
}

/* Expand one attach point with its messages held in *held (a malloc'd
 * string) instead of printed: the caller decides whether they count. */
static int expand_held(struct sema *s, const struct fth_provider *prov, struct fth_node *ap,
		       struct fth_ptrvec *insts, char **held, int *errors, int *warnings)
{
	struct fth_diag tmp = *s->diag;
	size_t len = 0;
	int rc;

	*held = NULL;
	tmp.out = open_memstream(held, &len);
	if (!tmp.out)
		return prov->expand(s->prog, s->diag, ap, insts);
	tmp.errors = tmp.warnings = 0;
	rc = prov->expand(s->prog, &tmp, ap, insts);
	fclose(tmp.out);
	*errors = tmp.errors;
	*warnings = tmp.warnings;
	return rc;
}

static void release_held(struct sema *s, char *held, int errors, int warnings)
{
	if (held)
		fputs(held, s->diag->out);
	s->diag->errors += errors;
	s->diag->warnings += warnings;
	free(held);
}

/* Expand every probe's attach points into programs.  As in bpftrace, a
 * wildcard that matches nothing is dropped when another attach point of
 * the same probe matches: tools list one name per kernel version
 * (dcsnoop's kprobe:lookup_fast, kprobe:lookup_fast.constprop.*).  Only
 * when the whole probe comes to nothing is the first such error shown. */
/* At most this many missing attach points are remembered per probe. */
#define MAX_SOFT 16

static int expand_probes(struct sema *s)
{
	struct fth_node_list *probes = &s->prog->ast->u.program.probes;
	int begin_count = 0, end_count = 0;

	for (int i = 0; i < probes->len; i++) {
		struct fth_node *probe = probes->items[i];
		struct fth_node_list *aps = &probe->u.probe.attach_points;
		int progs_before = s->prog->progs.len, errors_before = s->diag->errors;
		char *dropped = NULL; /* the messages of the first wildcard that matched nothing */
		int dropped_warnings = 0, nsoft = 0;
		struct fth_node *soft[MAX_SOFT]; /* attach points a provider only warned were missing */
		for (int j = 0; j < aps->len; j++) {
			struct fth_node *ap = aps->items[j];
			const struct fth_provider *prov;
			substitute_attach_point(s, ap);
			prov = provider_of(s, ap);
			struct fth_ptrvec insts = { 0 };
			if (!prov)
				continue;
			if (!strcmp(prov->name, "BEGIN"))
				begin_count++;
			if (!strcmp(prov->name, "END"))
				end_count++;
			if (aps->len > 1 && strpbrk(ap->u.attach.text, "*?[")) {
				char *held;
				int errs = 0, warns = 0, rc = expand_held(s, prov, ap, &insts, &held, &errs, &warns);
				if (rc == -ENOENT && insts.len == 0 && errs == 1) {
					if (!dropped)
						dropped = held, dropped_warnings = warns;
					else
						free(held);
					continue;
				}
				release_held(s, held, errs, warns);
				if (rc)
					continue;
			} else {
				int errors = s->diag->errors, rc = prov->expand(s->prog, s->diag, ap, &insts);
				/* not found, said as a warning: an error only if
				 * the whole probe comes to nothing (below) */
				if (rc == -ENOENT && s->diag->errors == errors && insts.len == 0 && nsoft < MAX_SOFT)
					soft[nsoft++] = ap;
				if (rc)
					continue;
			}
			for (int k = 0; k < insts.len; k++) {
				struct fth_probe_inst *inst = insts.items[k];
				if (passes_probe_filter(s, inst)) {
					add_prog(s, probe, inst);
				} else if (inst->tp) {
					/* no prog owns it: fth_program_free would miss it */
					fth_tp_format_free(inst->tp);
					inst->tp = NULL;
				}
			}
		}
		if (dropped && s->prog->progs.len == progs_before)
			release_held(s, dropped, 1, dropped_warnings);
		else
			free(dropped);
		for (int k = 0; s->prog->progs.len == progs_before && k < nsoft; k++)
			fth_attach_error_hint(s->diag, soft[k]->range, "'fathom -l' lists the probes this system has",
					      "Unable to attach probe: %s. If this is expected, set the 'missing_probes' "
					      "config variable to 'warn'.",
					      fth_attach_point_name(s->prog, soft[k]));
		if (s->prog->progs.len == progs_before && aps->len && s->diag->errors == errors_before)
			add_phantom(s, probe);
	}
	return s->diag->errors ? -EINVAL : 0;
}

/* ------------------------------------------------------------ entry points */

static void add_internal_maps(struct fth_program *prog)
{
	struct fth_map *lost;

	prog->events_map =
		fth_program_add_internal_map(prog, "fth_events", BPF_MAP_TYPE_RINGBUF, 0, 0, prog->config.ringbuf_size)
			->index;

	/* A shared array the runtime maps into memory: it polls these counters
	 * all the time, and every bpf() syscall would be an event of its own
	 * for a script tracing cap_capable (CAP_BPF is checked on each).  The
	 * BPF side adds atomically, only on rare paths (a full ring buffer or
	 * map, exit()). */
	lost = fth_program_add_internal_map(prog, "fth_lost", BPF_MAP_TYPE_ARRAY, 4, 8, FTH_LOST_SLOTS);
	lost->mmapable = true;
	prog->lost_map = lost->index;
}

/* Types the script does not define come from kernel BTF, loaded only if
 * one is asked for. */
static struct fth_type *btf_type_fallback(void *ctx, const char *name)
{
	struct fth_program *prog = ctx;
	struct fth_btf *btf = fth_program_btf(prog);

	return btf ? fth_btf_type_by_name(btf, &prog->arena, name) : NULL;
}

/* Where a C definition's constants are looked up: the #defines in force
 * at the definition. */
struct definition_site {
	struct fth_program *prog;
	uint32_t at;
	struct fth_cdefs_macro_def macro; /* the last one looked up */
};

static bool defined_constant(void *ctx, const char *name, int64_t *value)
{
	const struct definition_site *site = ctx;

	return fth_cmacros_value(site->prog->cmacros, name, site->at, value);
}

/* The #define in force at the definition, which the C definitions take
 * as text, as cpp does. */
static const struct fth_cdefs_macro_def *defined_macro(void *ctx, const char *name)
{
	struct definition_site *site = ctx;
	const struct fth_cmacro *m = fth_cmacros_find(site->prog->cmacros, name, strlen(name), site->at);

	if (!m)
		return NULL;
	site->macro = (struct fth_cdefs_macro_def){
		.text = m->text ? m->text : "",
		.function_like = m->function_like,
		.nparams = m->nparams,
		.params = m->params,
	};
	return &site->macro;
}

/* The script's struct/union/enum/typedef definitions, in source order. */
static int load_c_definitions(struct fth_program *prog, struct fth_diag *diag)
{
	struct fth_node_list *defs = &prog->ast->u.program.c_defs;
	struct definition_site site = { .prog = prog };

	prog->cdefs = fth_cdefs_new(&prog->arena, btf_type_fallback, prog);
	fth_cdefs_set_constants(prog->cdefs, defined_constant, &site);
	fth_cdefs_set_macros(prog->cdefs, defined_macro, &site);
	for (int i = 0; i < defs->len; i++) {
		struct fth_node *d = defs->items[i];
		struct fth_cdefs_error err;
		struct fth_range at;
		int rc;
		if (d->kind != FTH_C_DEFINITION || !d->u.c_def.text)
			continue;
		site.at = d->range.begin;
		rc = fth_cdefs_add(prog->cdefs, d->u.c_def.text, &err);
		if (!rc)
			continue;
		at.begin = d->range.begin + err.begin;
		at.end = d->range.begin + err.end;
		if (at.end > d->range.end)
			at.end = d->range.end;
		fth_cdefs_set_constants(prog->cdefs, NULL, NULL);
		fth_cdefs_set_macros(prog->cdefs, NULL, NULL);
		fth_error_hint(diag, at, err.hint[0] ? err.hint : NULL, "%s", err.message);
		return -EINVAL;
	}
	/* site lives on this stack; later lookups (sema's casts) take none */
	fth_cdefs_set_constants(prog->cdefs, NULL, NULL);
	fth_cdefs_set_macros(prog->cdefs, NULL, NULL);
	return 0;
}

static bool has_untyped_maps(const struct fth_program *prog)
{
	for (int i = 0; i < prog->maps.len; i++) {
		const struct fth_map *m = prog->maps.items[i];
		if (!m->internal && !m->value_type)
			return true;
	}
	return false;
}

int fth_sema(struct fth_program *prog, struct fth_diag *diag)
{
	struct sema s = { .prog = prog, .diag = diag };
	int errors_before = diag->errors, rc;

	if (!prog->cdefs && load_c_definitions(prog, diag))
		return -EINVAL;

	if (prog->maps.len == 0)
		add_internal_maps(prog);
	if (compile_probe_filter(&s))
		return -EINVAL;
	rc = expand_probes(&s);
	if (s.probe_filter_ready)
		regfree(&s.probe_filter);
	if (rc)
		return -EINVAL;
	if (prog->progs.len == 0 && prog->ast->u.program.probes.len > 0) {
		/* config missing_probes = warn/ignore left every probe out */
		fth_diag_plain(diag, FTH_SEV_ERROR, "the warnings above say which probes are missing",
			       "Attachment failed for all probes.");
		return -EINVAL;
	}
	if (prog->progs.len == 0) {
		fth_diag_plain(diag, FTH_SEV_ERROR, "write at least one probe, e.g. BEGIN { printf(\"hello\\n\"); }",
			       "the program has no probes");
		return -EINVAL;
	}
	/* Pass 1 learns map types in any order; pass 2 reports. A map still
	 * untyped after pass 1 is learned again with its reads as integers
	 * (see sema.provisional) before pass 2. */
	for (int pass = 0; pass < 2; pass++) {
		s.strict = pass == 1;
		if (s.strict && !s.provisional && has_untyped_maps(prog)) {
			s.provisional = true;
			s.untyped_read = fth_arena_alloc(&prog->arena, sizeof(*s.untyped_read));
			*s.untyped_read = *int64_t_();
			s.strict = false;
			pass--;
		}
		for (int i = 0; pass == 0 && i < s.phantoms.len; i++)
			check_prog(&s, s.phantoms.items[i]);
		for (int i = 0; i < prog->progs.len; i++)
			check_prog(&s, prog->progs.items[i]);
		check_uncalled_fns(&s);
	}
	check_map_declarations(&s);
	for (int i = 0; diag->errors == errors_before && i < prog->maps.len; i++) {
		struct fth_map *m = prog->maps.items[i];
		if (m->keyed_by_task && !m->deleted && m->value_type && m->value_type->kind != FTH_T_AGG)
			fth_diag_report(diag, FTH_SEV_WARNING, m->task_key_use,
					fth_arena_printf(&prog->arena, "delete the entry when the thread is done with it, "
								       "e.g. delete(%s[tid]) in the probe that reads it",
							 m->name),
					"%s is keyed by thread or process and never deleted: it grows with every "
					"thread until it is full",
					m->name);
		if (!m->internal && !m->value_type) {
			fth_error_hint(diag, m->first_use, "assign it somewhere, e.g. @name = 1;",
				       "map %s is used but never assigned", m->name);
		}
	}
	return diag->errors > errors_before ? -EINVAL : 0;
}

int fth_sema_retype(struct fth_program *prog, struct fth_prog *p, struct fth_diag *diag)
{
	struct sema s = { .prog = prog, .diag = diag, .strict = true, .retyping = true };
	int errors_before = diag->errors;

	check_prog(&s, p);
	return diag->errors > errors_before ? -EINVAL : 0;
}
