/* dwp.c - DWARF package files, see dwp.h. */
#include "dwp.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The package's sections a unit can have a part of, and the strings all
 * units share. The index names its columns by DW_SECT numbers, which
 * version 2 (GNU) and version 5 assign differently (sect_name). */
enum { S_INFO, S_TYPES, S_ABBREV, S_LINE, S_LOC, S_LOCLISTS, S_STR_OFFSETS, S_MACINFO, S_MACRO, S_RNGLISTS,
       S_STR, S_CU_INDEX, NSECTIONS };

static const char *const section_names[NSECTIONS] = {
	[S_INFO] = ".debug_info.dwo",
	[S_TYPES] = ".debug_types.dwo",
	[S_ABBREV] = ".debug_abbrev.dwo",
	[S_LINE] = ".debug_line.dwo",
	[S_LOC] = ".debug_loc.dwo",
	[S_LOCLISTS] = ".debug_loclists.dwo",
	[S_STR_OFFSETS] = ".debug_str_offsets.dwo",
	[S_MACINFO] = ".debug_macinfo.dwo",
	[S_MACRO] = ".debug_macro.dwo",
	[S_RNGLISTS] = ".debug_rnglists.dwo",
	[S_STR] = ".debug_str.dwo",
	[S_CU_INDEX] = ".debug_cu_index",
};

struct section {
	const uint8_t *data;
	size_t size;
};

/* A unit made into a .dwo file of its own. */
struct unit {
	uint64_t id;
	char *image;
	Elf *elf;
	Dwarf *dw;
};

struct fth_dwp {
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
	struct section sections[NSECTIONS];
	/* .debug_cu_index: header, then the hash table, the rows it points
	 * to, the column ids, and the offset and size of each row's part of
	 * each column's section */
	int version;
	uint32_t ncolumns, nrows, nslots;
	const uint8_t *hashes, *slot_rows, *column_ids, *offsets, *sizes;
	struct unit *units;
	int nunits, units_cap;
};

static uint32_t read_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t read_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The section a column of the index stands for. */
static int sect_of_column(int version, uint32_t dw_sect)
{
	static const int v5[] = { -1, S_INFO, -1, S_ABBREV, S_LINE, S_LOCLISTS, S_STR_OFFSETS, S_MACRO, S_RNGLISTS };
	static const int v2[] = { -1, S_INFO, S_TYPES, S_ABBREV, S_LINE, S_LOC, S_STR_OFFSETS, S_MACINFO, S_MACRO };

	if (dw_sect >= sizeof(v5) / sizeof(v5[0]))
		return -1;
	return version == 5 ? v5[dw_sect] : v2[dw_sect];
}

static void read_sections(struct fth_dwp *p)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(p->elf, &shstrndx) < 0)
		return;
	while ((scn = elf_nextscn(p->elf, scn))) {
		GElf_Shdr shdr;
		const char *name;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS ||
		    !(name = elf_strptr(p->elf, shstrndx, shdr.sh_name)))
			continue;
		for (int s = 0; s < NSECTIONS; s++) {
			if (strcmp(name, section_names[s]))
				continue;
			if ((shdr.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
				break;
			if ((data = elf_getdata(scn, NULL)) && data->d_buf)
				p->sections[s] = (struct section){ data->d_buf, data->d_size };
			break;
		}
	}
}

/* Check .debug_cu_index's header and that its tables fit. */
static bool read_index(struct fth_dwp *p)
{
	const struct section *ix = &p->sections[S_CU_INDEX];
	uint16_t version16;
	uint64_t need;

	if (ix->size < 16)
		return false;
	memcpy(&version16, ix->data, sizeof(version16));
	/* version 5 is a 2-byte field and 2 of padding, version 2 a 4-byte one */
	p->version = version16 == 5 ? 5 : read_u32(ix->data) == 2 ? 2 : 0;
	if (!p->version)
		return false;
	p->ncolumns = read_u32(ix->data + 4);
	p->nrows = read_u32(ix->data + 8);
	p->nslots = read_u32(ix->data + 12);
	/* the hash table's size is a power of two */
	if (p->nslots & (p->nslots - 1))
		return false;
	need = 16 + (uint64_t)p->nslots * 12 + (uint64_t)p->ncolumns * 4 + (uint64_t)p->nrows * p->ncolumns * 8;
	if (need > ix->size)
		return false;
	p->hashes = ix->data + 16;
	p->slot_rows = p->hashes + (size_t)p->nslots * 8;
	p->column_ids = p->slot_rows + (size_t)p->nslots * 4;
	p->offsets = p->column_ids + (size_t)p->ncolumns * 4;
	p->sizes = p->offsets + (size_t)p->nrows * p->ncolumns * 4;
	return true;
}

struct fth_dwp *fth_dwp_open(const char *path)
{
	struct fth_dwp *p = calloc(1, sizeof(*p));
	int err = ENOEXEC;

	if (!p)
		return NULL;
	elf_version(EV_CURRENT);
	p->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0) {
		err = errno;
		free(p);
		errno = err;
		return NULL;
	}
	p->elf = elf_begin(p->fd, ELF_C_READ_MMAP, NULL);
	/* the unit files are made in this machine's byte order: a package
	 * in the other is not read */
	if (p->elf && elf_kind(p->elf) == ELF_K_ELF && gelf_getehdr(p->elf, &p->ehdr) &&
	    p->ehdr.e_ident[EI_CLASS] == ELFCLASS64 &&
	    p->ehdr.e_ident[EI_DATA] == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB)) {
		read_sections(p);
		if (read_index(p) && p->sections[S_INFO].data)
			return p;
	}
	fth_dwp_close(p);
	errno = err;
	return NULL;
}

/* The index's row (1-based) of unit id, 0 when there is none: open
 * addressing with the id's high bits as the step. */
static uint32_t find_row(const struct fth_dwp *p, uint64_t id)
{
	uint32_t mask = p->nslots - 1, slot, step;

	if (!p->nslots)
		return 0;
	slot = (uint32_t)id & mask;
	step = ((uint32_t)(id >> 32) & mask) | 1;
	for (uint32_t i = 0; i < p->nslots; i++) {
		uint64_t sig = read_u64(p->hashes + (size_t)slot * 8);
		uint32_t row = read_u32(p->slot_rows + (size_t)slot * 4);
		if (sig == id && row)
			return row <= p->nrows ? row : 0;
		if (!sig && !row)
			return 0;
		slot = (slot + step) & mask;
	}
	return 0;
}

struct piece {
	const char *name;
	const uint8_t *data;
	size_t size, offset;
};

/* A relocatable ELF file in memory with the given sections, for libdw;
 * NULL when out of memory. */
static char *make_image(const struct fth_dwp *p, struct piece *pieces, int n, size_t *size)
{
	size_t off = sizeof(Elf64_Ehdr), names = 1, names_at, shoff;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	char *image, *strtab;

	for (int i = 0; i < n; i++) {
		off = (off + 7) & ~(size_t)7;
		pieces[i].offset = off;
		off += pieces[i].size;
		names += strlen(pieces[i].name) + 1;
	}
	names += sizeof(".shstrtab");
	names_at = off;
	shoff = (names_at + names + 7) & ~(size_t)7;
	*size = shoff + (size_t)(n + 2) * sizeof(Elf64_Shdr);
	if (!(image = calloc(1, *size)))
		return NULL;
	eh = (Elf64_Ehdr *)image;
	memcpy(eh->e_ident, p->ehdr.e_ident, EI_NIDENT);
	eh->e_type = ET_REL;
	eh->e_machine = p->ehdr.e_machine;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shoff = shoff;
	eh->e_shnum = (Elf64_Half)(n + 2);
	eh->e_shstrndx = (Elf64_Half)(n + 1);
	sh = (Elf64_Shdr *)(image + shoff);
	strtab = image + names_at;
	names = 1;
	for (int i = 0; i < n; i++) {
		memcpy(image + pieces[i].offset, pieces[i].data, pieces[i].size);
		sh[i + 1] = (Elf64_Shdr){ .sh_name = (Elf64_Word)names, .sh_type = SHT_PROGBITS,
					  .sh_offset = pieces[i].offset, .sh_size = pieces[i].size, .sh_addralign = 1 };
		strcpy(strtab + names, pieces[i].name);
		names += strlen(pieces[i].name) + 1;
	}
	sh[n + 1] = (Elf64_Shdr){ .sh_name = (Elf64_Word)names, .sh_type = SHT_STRTAB, .sh_offset = names_at,
				  .sh_size = names + sizeof(".shstrtab"), .sh_addralign = 1 };
	strcpy(strtab + names, ".shstrtab");
	return image;
}

/* Row `row`'s part of each section, and the shared strings; false when
 * the index points outside a section. */
static bool unit_pieces(const struct fth_dwp *p, uint32_t row, struct piece *pieces, int *n)
{
	*n = 0;
	for (uint32_t c = 0; c < p->ncolumns && *n < NSECTIONS - 1; c++) {
		size_t cell = ((size_t)(row - 1) * p->ncolumns + c) * 4;
		uint32_t off = read_u32(p->offsets + cell), size = read_u32(p->sizes + cell);
		int s = sect_of_column(p->version, read_u32(p->column_ids + (size_t)c * 4));
		if (s < 0)
			continue;
		if (!p->sections[s].data || (uint64_t)off + size > p->sections[s].size)
			return false;
		pieces[(*n)++] = (struct piece){ section_names[s], p->sections[s].data + off, size, 0 };
	}
	if (p->sections[S_STR].data)
		pieces[(*n)++] = (struct piece){ section_names[S_STR], p->sections[S_STR].data, p->sections[S_STR].size,
						 0 };
	return true;
}

Dwarf *fth_dwp_unit(struct fth_dwp *p, uint64_t dwo_id)
{
	struct piece pieces[NSECTIONS];
	struct unit u = { .id = dwo_id };
	uint32_t row;
	size_t size;
	int n;

	for (int i = 0; i < p->nunits; i++)
		if (p->units[i].id == dwo_id)
			return p->units[i].dw;
	if (!(row = find_row(p, dwo_id)) || !unit_pieces(p, row, pieces, &n) ||
	    !(u.image = make_image(p, pieces, n, &size)))
		return NULL;
	if (!(u.elf = elf_memory(u.image, size)) || !(u.dw = dwarf_begin_elf(u.elf, DWARF_C_READ, NULL))) {
		if (u.elf)
			elf_end(u.elf);
		free(u.image);
		return NULL;
	}
	if (p->nunits == p->units_cap) {
		int cap = p->units_cap ? p->units_cap * 2 : 8;
		struct unit *grown = realloc(p->units, (size_t)cap * sizeof(*grown));
		if (!grown) {
			dwarf_end(u.dw);
			elf_end(u.elf);
			free(u.image);
			return NULL;
		}
		p->units = grown;
		p->units_cap = cap;
	}
	p->units[p->nunits++] = u;
	return u.dw;
}

void fth_dwp_close(struct fth_dwp *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nunits; i++) {
		dwarf_end(p->units[i].dw);
		elf_end(p->units[i].elf);
		free(p->units[i].image);
	}
	free(p->units);
	if (p->elf)
		elf_end(p->elf);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
}
