/* gfp.c - GFP flag names for printf's %gr, see gfp.h. */
#include "gfp.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

/* A compound name as include/linux/gfp_types.h composes it from single
 * flags (space-separated names without "__GFP_"), minus the flags in
 * `without`. A name whose flags this kernel lacks is not used, except
 * for flags marked '?': the kernel's definition has them as 0 too when
 * they are not configured (SKIP_KASAN needs KASAN hardware tags).
 *
 * The order is bpftrace's: a name is taken when all its bits are still
 * unclaimed, so the wider names come first (GFP_KERNEL_ACCOUNT before
 * GFP_KERNEL). bpftrace's order has two quirks kept here for the same
 * output: GFP_KERNEL is tried before GFP_USER and GFP_NOIO before
 * GFP_NOFS, so those values print as GFP_KERNEL|__GFP_HARDWALL and
 * GFP_NOIO|__GFP_IO. */
struct compound_def {
	const char *name;
	const char *with;
	const char *without;
};

#define RECLAIM "DIRECT_RECLAIM KSWAPD_RECLAIM"
#define KERNEL RECLAIM " IO FS"
#define HIGHUSER KERNEL " HARDWALL HIGHMEM"
#define HIGHUSER_MOVABLE HIGHUSER " MOVABLE ?SKIP_KASAN"
#define TRANSHUGE_LIGHT HIGHUSER_MOVABLE " COMP NOMEMALLOC NOWARN"

static const struct compound_def compound_defs[] = {
	/* GFP_TRANSHUGE_LIGHT without reclaim, then direct reclaim back */
	{ "GFP_TRANSHUGE", TRANSHUGE_LIGHT, "KSWAPD_RECLAIM" },
	{ "GFP_TRANSHUGE_LIGHT", TRANSHUGE_LIGHT, RECLAIM },
	{ "GFP_HIGHUSER_MOVABLE", HIGHUSER_MOVABLE, "" },
	{ "GFP_HIGHUSER", HIGHUSER, "" },
	{ "GFP_KERNEL_ACCOUNT", KERNEL " ACCOUNT", "" },
	{ "GFP_KERNEL", KERNEL, "" },
	{ "GFP_USER", KERNEL " HARDWALL", "" },
	{ "GFP_ATOMIC", "HIGH KSWAPD_RECLAIM", "" },
	{ "GFP_NOWAIT", "KSWAPD_RECLAIM NOWARN", "" },
	{ "GFP_NOIO", RECLAIM, "" },
	{ "GFP_NOFS", RECLAIM " IO", "" },
	{ "GFP_DMA32", "DMA32", "" },
	{ "GFP_DMA", "DMA", "" },
};

/* The single flag `name` (without "__GFP_") in a table being built. */
static uint64_t single_mask(const struct fth_gfp_names *t, const char *name, size_t len)
{
	for (int i = 0; i < t->nsingles; i++) {
		const char *s = t->singles[i].name + strlen("__GFP_");
		if (strlen(s) == len && !strncmp(s, name, len))
			return t->singles[i].mask;
	}
	return 0;
}

/* The bits of a space-separated list of single flag names; *missing is
 * set when a name this kernel lacks is not marked optional ('?'). */
static uint64_t list_mask(const struct fth_gfp_names *t, const char *list, bool *missing)
{
	uint64_t mask = 0;

	while (*list) {
		bool optional = *list == '?';
		size_t len;
		uint64_t m;

		list += optional;
		len = strcspn(list, " ");
		m = single_mask(t, list, len);
		if (!m && !optional)
			*missing = true;
		mask |= m;
		list += len;
		list += strspn(list, " ");
	}
	return mask;
}

static bool has_compound(const struct fth_gfp_names *t, uint64_t mask)
{
	for (int i = 0; i < t->ncompounds; i++)
		if (t->compounds[i].mask == mask)
			return true;
	return false;
}

static void add_compounds(struct fth_gfp_names *t)
{
	t->ncompounds = 0;
	for (size_t i = 0; i < sizeof(compound_defs) / sizeof(compound_defs[0]); i++) {
		const struct compound_def *d = &compound_defs[i];
		bool missing = false, ignored = false;
		uint64_t mask = list_mask(t, d->with, &missing) & ~list_mask(t, d->without, &ignored);
		struct fth_gfp_flag *f;

		/* A name needs its flags: GFP_KERNEL_ACCOUNT on a kernel
		 * without __GFP_ACCOUNT would be GFP_KERNEL's twin. */
		if (missing || has_compound(t, mask))
			continue;
		f = &t->compounds[t->ncompounds++];
		snprintf(f->name, sizeof(f->name), "%s", d->name);
		f->mask = mask;
	}
}

static bool is_not_a_flag(const char *name)
{
	return !strcmp(name, "LAST") || !strcmp(name, "UNUSED");
}

void fth_gfp_names_build(struct fth_gfp_names *out, const char *const *names, const int *bits, int n)
{
	memset(out, 0, sizeof(*out));
	/* In bit order, whatever order the kernel listed them in. */
	for (int bit = 0; bit < 64; bit++) {
		for (int i = 0; i < n && out->nsingles < FTH_GFP_MAX_FLAGS; i++) {
			struct fth_gfp_flag *f;

			if (bits[i] != bit || is_not_a_flag(names[i]))
				continue;
			f = &out->singles[out->nsingles++];
			snprintf(f->name, sizeof(f->name), "__GFP_%s", names[i]);
			f->mask = 1ull << bit;
			break;
		}
	}
	add_compounds(out);
}

const struct fth_gfp_names *fth_gfp_names_default(void)
{
	/* enum ___GFP_*_BIT of Linux 6.10+ configured without KASAN hardware
	 * tags and lockdep, with slab object extensions (memory profiling,
	 * memcg): the common distribution layout. */
	static const char *const names[] = {
		"DMA", "HIGHMEM", "DMA32", "MOVABLE", "RECLAIMABLE", "HIGH", "IO", "FS", "ZERO",
		"UNUSED", "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "WRITE", "NOWARN", "RETRY_MAYFAIL",
		"NOFAIL", "NORETRY", "MEMALLOC", "COMP", "NOMEMALLOC", "HARDWALL", "THISNODE",
		"ACCOUNT", "ZEROTAGS", "NO_OBJ_EXT",
	};
	static struct fth_gfp_names table;
	static bool built;
	int bits[sizeof(names) / sizeof(names[0])];

	if (!built) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			bits[i] = (int)i;
		fth_gfp_names_build(&table, names, bits, (int)(sizeof(names) / sizeof(names[0])));
		built = true;
	}
	return &table;
}

static void put_name(struct fth_strbuf *sb, bool *first, const char *name)
{
	if (!*first)
		fth_strbuf_putc(sb, '|');
	fth_strbuf_puts(sb, name);
	*first = false;
}

void fth_gfp_format(struct fth_strbuf *sb, const struct fth_gfp_names *names, uint64_t flags)
{
	uint64_t left = flags;
	bool first = true;

	if (!names)
		names = fth_gfp_names_default();
	if (flags == 0) {
		fth_strbuf_putc(sb, '0');
		return;
	}
	for (int i = 0; i < names->ncompounds; i++) {
		uint64_t m = names->compounds[i].mask;
		if ((left & m) == m) {
			put_name(sb, &first, names->compounds[i].name);
			left &= ~m;
		}
	}
	for (int i = 0; i < names->nsingles; i++) {
		if (left & names->singles[i].mask) {
			put_name(sb, &first, names->singles[i].name);
			left &= ~names->singles[i].mask;
		}
	}
	if (left) {
		char hex[24];
		snprintf(hex, sizeof(hex), "0x%" PRIx64, left);
		put_name(sb, &first, hex);
	}
}
