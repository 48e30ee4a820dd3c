/* usyms.c - user-space symbolization, see usyms.h. */
#include "usyms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfsym.h"

struct mapping {
	uint64_t start, end, file_offset;
	char *path;
};

struct process {
	int pid;
	struct mapping *maps;
	int nmaps;
};

struct file_syms {
	char *path;
	struct fth_elf elf;
	bool ok;
};

struct fth_usyms {
	struct process *procs;
	int nprocs;
	struct file_syms *files;
	int nfiles;
};

struct fth_usyms *fth_usyms_new(void)
{
	return calloc(1, sizeof(struct fth_usyms));
}

void fth_usyms_free(struct fth_usyms *u)
{
	if (!u)
		return;
	for (int i = 0; i < u->nprocs; i++) {
		for (int j = 0; j < u->procs[i].nmaps; j++)
			free(u->procs[i].maps[j].path);
		free(u->procs[i].maps);
	}
	for (int i = 0; i < u->nfiles; i++) {
		if (u->files[i].ok)
			fth_elf_close(&u->files[i].elf);
		free(u->files[i].path);
	}
	free(u->procs);
	free(u->files);
	free(u);
}

/* File-backed mappings of pid from /proc/PID/maps. */
static void read_maps(struct process *p)
{
	char path[64], line[4096];
	FILE *f;
	int cap = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", p->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		char perms[8];
		int consumed = 0;
		char *file;
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &consumed) < 4 ||
		    !consumed)
			continue;
		file = line + consumed;
		file[strcspn(file, "\n")] = '\0';
		if (file[0] != '/')
			continue;
		if (p->nmaps == cap) {
			cap = cap ? cap * 2 : 32;
			struct mapping *m = realloc(p->maps, sizeof(*m) * (size_t)cap);
			if (!m)
				break;
			p->maps = m;
		}
		p->maps[p->nmaps].start = start;
		p->maps[p->nmaps].end = end;
		p->maps[p->nmaps].file_offset = off;
		p->maps[p->nmaps].path = strdup(file);
		p->nmaps++;
	}
	fclose(f);
}

static struct process *process_of(struct fth_usyms *u, int pid)
{
	struct process *p;

	for (int i = 0; i < u->nprocs; i++)
		if (u->procs[i].pid == pid)
			return &u->procs[i];
	p = realloc(u->procs, sizeof(*p) * (size_t)(u->nprocs + 1));
	if (!p)
		return NULL;
	u->procs = p;
	p = &u->procs[u->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	read_maps(p);
	return p;
}

static struct file_syms *file_of(struct fth_usyms *u, const char *path)
{
	struct file_syms *f;

	for (int i = 0; i < u->nfiles; i++)
		if (!strcmp(u->files[i].path, path))
			return &u->files[i];
	f = realloc(u->files, sizeof(*f) * (size_t)(u->nfiles + 1));
	if (!f)
		return NULL;
	u->files = f;
	f = &u->files[u->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	f->ok = f->path && fth_elf_open(path, &f->elf) == 0;
	return f;
}

bool fth_usyms_lookup(struct fth_usyms *u, int pid, uint64_t addr, const char **sym, uint64_t *offset,
		      const char **module)
{
	struct process *p = process_of(u, pid);

	for (int i = 0; p && i < p->nmaps; i++) {
		const struct mapping *m = &p->maps[i];
		struct file_syms *f;
		uint64_t file_off, vaddr = 0;
		const struct fth_elf_sym *s;
		bool found = false;
		if (addr < m->start || addr >= m->end)
			continue;
		f = file_of(u, m->path);
		if (!f || !f->ok)
			return false;
		/* runtime address -> file offset -> the ELF's own address */
		file_off = addr - m->start + m->file_offset;
		for (int j = 0; j < f->elf.nsegs; j++) {
			const struct fth_elf_seg *seg = &f->elf.segs[j];
			if (file_off >= seg->offset && file_off < seg->offset + seg->filesz) {
				vaddr = file_off - seg->offset + seg->vaddr;
				found = true;
				break;
			}
		}
		s = found ? fth_elf_containing(&f->elf, vaddr) : NULL;
		if (!s)
			return false;
		*sym = s->name;
		*offset = vaddr - s->addr;
		*module = m->path;
		return true;
	}
	return false;
}
