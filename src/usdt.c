/* usdt.c - SystemTap SDT notes and their x86-64 argument specs. See usdt.h.
 *
 * Each probe site is an ELF note (owner "stapsdt", type 3) in
 * .note.stapsdt whose descriptor holds three addresses (the probe's pc,
 * the link-time address of .stapsdt.base, the semaphore's address) and
 * three strings (provider, name, argument specs). When the file was
 * prelinked, .stapsdt.base moved: pc moves by the same amount. */
#include "usdt.h"

#include <asm/ptrace.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"
#include "vec.h"

#define NT_STAPSDT 3

static struct {
	const char *names[4]; /* 64-, 32-, 16-, 8-bit */
	int off;
} const regs[] = {
	{ { "rax", "eax", "ax", "al" }, offsetof(struct pt_regs, rax) },
	{ { "rbx", "ebx", "bx", "bl" }, offsetof(struct pt_regs, rbx) },
	{ { "rcx", "ecx", "cx", "cl" }, offsetof(struct pt_regs, rcx) },
	{ { "rdx", "edx", "dx", "dl" }, offsetof(struct pt_regs, rdx) },
	{ { "rsi", "esi", "si", "sil" }, offsetof(struct pt_regs, rsi) },
	{ { "rdi", "edi", "di", "dil" }, offsetof(struct pt_regs, rdi) },
	{ { "rbp", "ebp", "bp", "bpl" }, offsetof(struct pt_regs, rbp) },
	{ { "rsp", "esp", "sp", "spl" }, offsetof(struct pt_regs, rsp) },
	{ { "rip", "eip", "ip", NULL }, offsetof(struct pt_regs, rip) },
	{ { "r8", "r8d", "r8w", "r8b" }, offsetof(struct pt_regs, r8) },
	{ { "r9", "r9d", "r9w", "r9b" }, offsetof(struct pt_regs, r9) },
	{ { "r10", "r10d", "r10w", "r10b" }, offsetof(struct pt_regs, r10) },
	{ { "r11", "r11d", "r11w", "r11b" }, offsetof(struct pt_regs, r11) },
	{ { "r12", "r12d", "r12w", "r12b" }, offsetof(struct pt_regs, r12) },
	{ { "r13", "r13d", "r13w", "r13b" }, offsetof(struct pt_regs, r13) },
	{ { "r14", "r14d", "r14w", "r14b" }, offsetof(struct pt_regs, r14) },
	{ { "r15", "r15d", "r15w", "r15b" }, offsetof(struct pt_regs, r15) },
};

int fth_usdt_reg_offset(const char *name)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (int k = 0; k < 4; k++)
			if (regs[i].names[k] && !strcmp(regs[i].names[k], name))
				return regs[i].off;
	return -1;
}

static bool parse_int(const char *s, size_t len, int64_t *out)
{
	char buf[32], *end;

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoll(buf, &end, 0);
	if (errno == ERANGE && buf[0] != '-') {
		/* 0xffffffffffffffff: an unsigned 64-bit constant */
		errno = 0;
		*out = (int64_t)strtoull(buf, &end, 0);
	}
	return !errno && !*end;
}

static bool parse_reg(const char *s, size_t len, int *off)
{
	char name[8];

	if (len < 2 || s[0] != '%' || len - 1 >= sizeof(name))
		return false;
	memcpy(name, s + 1, len - 1);
	name[len - 1] = '\0';
	*off = fth_usdt_reg_offset(name);
	return *off >= 0;
}

/* An immediate operand as the probe's argument type holds it: the note's
 * size and sign say "4@$-202182160" is the uint32 4092785136. */
static int64_t fit_to_size(int64_t value, int size, bool is_signed)
{
	int bits = size * 8;
	uint64_t v = (uint64_t)value;

	if (bits >= 64)
		return value;
	v &= (1ULL << bits) - 1;
	if (is_signed && (v >> (bits - 1)))
		v |= ~((1ULL << bits) - 1);
	return (int64_t)v;
}

/* One "SIZE@LOCATION" (or a bare LOCATION, 8 bytes). */
static int parse_one(const char *s, size_t len, struct fth_usdt_arg *a)
{
	const char *at = memchr(s, '@', len);
	const char *loc = s, *paren;
	size_t loclen = len;

	memset(a, 0, sizeof(*a));
	a->size = 8;
	if (at) {
		int64_t size;
		if (!parse_int(s, (size_t)(at - s), &size))
			return -EINVAL;
		a->is_signed = size < 0;
		a->size = (int)(size < 0 ? -size : size);
		if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8)
			return -EINVAL;
		loc = at + 1;
		loclen = len - (size_t)(loc - s);
	}
	if (!loclen)
		return -EINVAL;
	if (loc[0] == '%') {
		a->kind = FTH_USDT_REG;
		return parse_reg(loc, loclen, &a->reg_off) ? 0 : -EINVAL;
	}
	if (loc[0] == '$') {
		a->kind = FTH_USDT_CONST;
		if (!parse_int(loc + 1, loclen - 1, &a->value))
			return -EINVAL;
		a->value = fit_to_size(a->value, a->size, a->is_signed);
		return 0;
	}
	paren = memchr(loc, '(', loclen);
	if (!paren || loc[loclen - 1] != ')')
		return -EINVAL;
	a->kind = FTH_USDT_DEREF;
	a->value = 0;
	if (paren > loc && !parse_int(loc, (size_t)(paren - loc), &a->value))
		return -EINVAL; /* "sym(%rip)", "sym+8(%rip)": not supported */
	/* "(%reg)" only: no index register or scale. */
	return parse_reg(paren + 1, (size_t)(loc + loclen - 1 - (paren + 1)), &a->reg_off) ? 0 : -EINVAL;
}

int fth_usdt_parse_args(const char *spec, struct fth_usdt_arg *args, int max)
{
	int n = 0;
	const char *p = spec;

	for (;;) {
		const char *start;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (n == max)
			return -E2BIG;
		if (parse_one(start, (size_t)(p - start), &args[n]))
			return -EINVAL;
		n++;
	}
	return n;
}

void fth_usdt_free(struct fth_usdt_probe *probes, int n)
{
	for (int i = 0; i < n; i++) {
		free(probes[i].provider);
		free(probes[i].name);
		free(probes[i].args);
	}
	free(probes);
}

static int add_note(struct fth_usdt_probe **probes, int *n, int *cap, const char *desc, size_t len,
		    uint64_t base_addr, const struct fth_elf_seg *segs, int nsegs)
{
	uint64_t pc, base, sema;
	const char *prov, *name, *args, *end = desc + len;
	struct fth_usdt_probe *p;

	if (len < 24 + 3)
		return 0;
	memcpy(&pc, desc, 8);
	memcpy(&base, desc + 8, 8);
	memcpy(&sema, desc + 16, 8);
	prov = desc + 24;
	name = memchr(prov, 0, (size_t)(end - prov));
	if (!name++ || name >= end)
		return 0;
	args = memchr(name, 0, (size_t)(end - name));
	if (!args++ || args > end)
		return 0;
	if (args == end || !memchr(args, 0, (size_t)(end - args)))
		args = "";
	if (base_addr && base) {
		pc += base_addr - base;
		if (sema)
			sema += base_addr - base;
	}
	struct fth_usdt_probe *np = fth_vec_grow(*probes, *n, cap, sizeof(*np), 16);
	if (!np)
		return -ENOMEM;
	*probes = np;
	p = &(*probes)[*n];
	memset(p, 0, sizeof(*p));
	p->pc = pc;
	if (fth_elf_vaddr_to_offset(segs, nsegs, pc, &p->offset))
		return 0; /* not in the file: skip the note */
	if (sema && fth_elf_vaddr_to_offset(segs, nsegs, sema, &p->semaphore))
		p->semaphore = 0;
	p->provider = strdup(prov);
	p->name = strdup(name);
	p->args = strdup(args);
	(*n)++;
	if (!p->provider || !p->name || !p->args)
		return -ENOMEM;
	return 0;
}

int fth_usdt_read(const char *path, struct fth_usdt_probe **probes, int *n)
{
	Elf *elf;
	Elf_Scn *scn = NULL, *notes = NULL;
	size_t shstrndx;
	uint64_t base_addr = 0;
	struct fth_elf_seg *segs = NULL;
	int nsegs = 0, fd, err = 0, cap = 0;

	*probes = NULL;
	*n = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -ENOEXEC;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *sname;
		if (!gelf_getshdr(scn, &sh))
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname)
			continue;
		if (sh.sh_type == SHT_NOTE && !strcmp(sname, ".note.stapsdt"))
			notes = scn;
		else if (!strcmp(sname, ".stapsdt.base"))
			base_addr = sh.sh_addr;
	}
	if (notes)
		err = fth_elf_read_segs(elf, &segs, &nsegs);
	if (notes && !err) {
		Elf_Data *data = elf_getdata(notes, NULL);
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		while (data && !err && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    strcmp((const char *)data->d_buf + name_off, "stapsdt"))
				continue;
			err = add_note(probes, n, &cap, (const char *)data->d_buf + desc_off, nh.n_descsz, base_addr, segs,
				       nsegs);
		}
	}
	free(segs);
	elf_end(elf);
	close(fd);
	if (err) {
		fth_usdt_free(*probes, *n);
		*probes = NULL;
		*n = 0;
	}
	return err;
}
