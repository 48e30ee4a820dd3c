/* ksyms.c - kernel symbol table, see ksyms.h.
 *
 * kallsyms has some 100-200k lines. To load it quickly the whole file is
 * read into one buffer and split in place: names and module names are
 * pointers into that buffer, and the symbol array grows by doubling. So a
 * table is three allocations however many symbols it holds, and parsing is
 * one pass over the bytes. */
#include "ksyms.h"

#include "fileio.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fth_ksym {
	uint64_t addr;
	const char *name;   /* into fth_ksyms.text */
	const char *module; /* into fth_ksyms.text; NULL for the kernel image */
	uint32_t order;     /* line number, to keep sorting stable */
	char type;          /* kallsyms type letter: T, t, D, ... */
};

struct fth_ksyms {
	char *text;           /* the file, '\t' and '\n' replaced by NULs */
	struct fth_ksym *syms; /* sorted by (addr, order) */
	size_t count;
	size_t cap;
	size_t hidden;        /* lines skipped for a zero address */
};

/* ---------------------------------------------------------------------------
 * Parsing
 */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hand-rolled rather than strtoull: it is the hottest loop of the load and
 * needs no locale, base detection or errno. */
static char *parse_hex(char *p, char *end, uint64_t *value)
{
	uint64_t v = 0;
	char *start = p;
	int d;

	while (p < end && (d = hex_digit(*p)) >= 0) {
		v = (v << 4) | (uint64_t)d;
		p++;
	}
	if (p == start || p - start > 16)
		return NULL;
	*value = v;
	return p;
}

static int push_symbol(struct fth_ksyms *ks, const struct fth_ksym *sym)
{
	if (ks->count == ks->cap) {
		size_t ncap = ks->cap ? ks->cap * 2 : 1024;
		struct fth_ksym *grown = realloc(ks->syms, ncap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		ks->syms = grown;
		ks->cap = ncap;
	}
	ks->syms[ks->count++] = *sym;
	return 0;
}

/* One line "ADDR TYPE NAME" or "ADDR TYPE NAME\t[MODULE]", ending at eol
 * (which is '\n' or the buffer end). NULs are written after the name and
 * over the module's closing bracket. */
static int parse_line(char *line, char *eol, struct fth_ksym *sym)
{
	char *p = parse_hex(line, eol, &sym->addr);

	if (!p || eol - p < 3 || p[0] != ' ' || p[2] != ' ' || !isalpha((unsigned char)p[1]))
		return -EINVAL;
	sym->type = p[1];
	sym->name = p + 3;

	char *tab = memchr(p + 3, '\t', (size_t)(eol - (p + 3)));
	char *name_end = tab ? tab : eol;
	if (name_end == sym->name)
		return -EINVAL;
	*name_end = '\0';
	sym->module = NULL;
	if (!tab)
		return 0;

	char *mod = tab + 1;
	char *mod_end = eol;
	/* Tolerate a stray '\r' or blank after the bracket. */
	while (mod_end > mod && isspace((unsigned char)mod_end[-1]))
		mod_end--;
	if (mod_end - mod < 3 || mod[0] != '[' || mod_end[-1] != ']')
		return -EINVAL;
	mod_end[-1] = '\0';
	sym->module = mod + 1;
	return 0;
}

static int parse_buffer(struct fth_ksyms *ks, char *buf, size_t len)
{
	char *end = buf + len;
	uint32_t order = 0;
	int ret;

	for (char *line = buf; line < end;) {
		char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		if (eol > line) {
			struct fth_ksym sym;
			ret = parse_line(line, eol, &sym);
			if (ret)
				return ret;
			sym.order = order++;
			/* Address 0 is kptr_restrict hiding the real one. */
			if (sym.addr == 0)
				ks->hidden++;
			else if ((ret = push_symbol(ks, &sym)) != 0)
				return ret;
		}
		if (eol < end)
			*eol = '\0';
		line = eol + 1;
	}
	return 0;
}

static int compare_syms(const void *a, const void *b)
{
	const struct fth_ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool is_sorted(const struct fth_ksyms *ks)
{
	for (size_t i = 1; i < ks->count; i++)
		if (ks->syms[i].addr < ks->syms[i - 1].addr)
			return false;
	return true;
}

/* Build a table from buf (malloc'ed, len bytes plus room for a NUL), taking
 * ownership of it whatever happens. */
static int build_table(char *buf, size_t len, struct fth_ksyms **out)
{
	struct fth_ksyms *ks = calloc(1, sizeof(*ks));
	int ret;

	*out = NULL;
	if (!ks) {
		free(buf);
		return -ENOMEM;
	}
	buf[len] = '\0';
	ks->text = buf;
	ret = parse_buffer(ks, buf, len);
	if (!ret && ks->count == 0 && ks->hidden > 0)
		ret = -EPERM;
	if (ret) {
		fth_ksyms_free(ks);
		return ret;
	}
	/* The kernel image is listed in address order; module and BPF
	 * symbols may not be. Skip the sort when there is nothing to do. */
	if (!is_sorted(ks))
		qsort(ks->syms, ks->count, sizeof(*ks->syms), compare_syms);
	*out = ks;
	return 0;
}

/* ---------------------------------------------------------------------------
 * Loading
 */

int fth_ksyms_load(struct fth_ksyms **out)
{
	char *buf;
	size_t len;
	int ret = fth_read_path("/proc/kallsyms", &buf, &len);

	*out = NULL;
	if (ret)
		return ret;
	return build_table(buf, len, out);
}

int fth_ksyms_load_file(FILE *file, struct fth_ksyms **out)
{
	char *buf;
	size_t len;
	int ret = fth_read_stream(file, &buf, &len);

	*out = NULL;
	if (ret)
		return ret;
	return build_table(buf, len, out);
}

int fth_ksyms_parse(const char *text, size_t len, struct fth_ksyms **out)
{
	char *buf = malloc(len + 1);

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	memcpy(buf, text, len);
	return build_table(buf, len, out);
}

void fth_ksyms_free(struct fth_ksyms *ksyms)
{
	if (!ksyms)
		return;
	free(ksyms->syms);
	free(ksyms->text);
	free(ksyms);
}

size_t fth_ksyms_count(const struct fth_ksyms *ksyms)
{
	return ksyms ? ksyms->count : 0;
}

/* ---------------------------------------------------------------------------
 * Queries
 */

static bool is_text(char type)
{
	return type == 'T' || type == 't' || type == 'W' || type == 'w';
}

static bool is_global(char type)
{
	return isupper((unsigned char)type);
}

/* Higher is a better name for a shared address: text over data, then
 * global over local. */
static int alias_rank(const struct fth_ksym *s)
{
	return (is_text(s->type) ? 2 : 0) + (is_global(s->type) ? 1 : 0);
}

/* Index one past the last symbol with address <= addr. */
static size_t upper_bound(const struct fth_ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *fth_ksyms_lookup(const struct fth_ksyms *ksyms, uint64_t addr, uint64_t *offset,
			     const char **module)
{
	if (!ksyms)
		return NULL;
	size_t end = upper_bound(ksyms, addr);
	if (end == 0)
		return NULL;

	/* Walk back over the aliases at this address; the earliest listed of
	 * the best rank wins, since the array is in file order among equals. */
	uint64_t sym_addr = ksyms->syms[end - 1].addr;
	const struct fth_ksym *best = &ksyms->syms[end - 1];
	for (size_t i = end; i > 0 && ksyms->syms[i - 1].addr == sym_addr; i--)
		if (alias_rank(&ksyms->syms[i - 1]) >= alias_rank(best))
			best = &ksyms->syms[i - 1];

	if (offset)
		*offset = addr - best->addr;
	if (module)
		*module = best->module;
	return best->name;
}

uint64_t fth_ksyms_address(const struct fth_ksyms *ksyms, const char *name)
{
	const struct fth_ksym *found = NULL;

	if (!ksyms)
		return 0;
	/* In address order, so the first local match is the lowest. */
	for (size_t i = 0; i < ksyms->count; i++) {
		const struct fth_ksym *s = &ksyms->syms[i];
		if (strcmp(s->name, name) != 0)
			continue;
		if (is_global(s->type))
			return s->addr;
		if (!found)
			found = s;
	}
	return found ? found->addr : 0;
}
