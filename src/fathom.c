/* fathom.c - the library's front door: the compile pipeline and the
 * program container, see fathom.h and program.h. */
#include "fathom.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf.h"
#include "tracefs.h"

void fth_program_init(struct fth_program *prog, const struct fth_source *src)
{
	struct timespec ts;

	memset(prog, 0, sizeof(*prog));
	fth_arena_init(&prog->arena);
	prog->src = src;
	prog->config.max_strlen = 64;
	prog->config.max_map_keys = 4096;
	prog->config.ringbuf_size = 1 << 20;
	prog->config.ncpus = 1;
	prog->stack_map = -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	prog->config.start_boot_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void fth_program_free(struct fth_program *prog)
{
	for (int i = 0; i < prog->progs.len; i++) {
		struct fth_prog *p = prog->progs.items[i];
		fth_insn_buf_free(&p->code);
		/* Instances of one attach point share nothing, so each format
		 * is freed once. */
		if (p->inst->tp) {
			fth_tp_format_free(p->inst->tp);
			p->inst->tp = NULL;
		}
	}
	for (int i = 0; i < prog->actions.len; i++) {
		struct fth_action *a = prog->actions.items[i];
		fth_printf_format_free(&a->format);
	}
	fth_btf_free(prog->btf);
	fth_arena_free(&prog->arena);
	memset(prog, 0, sizeof(*prog));
}

struct fth_btf *fth_program_btf(struct fth_program *prog)
{
	if (!prog->btf && !prog->btf_error)
		prog->btf_error = fth_btf_load(&prog->btf);
	return prog->btf;
}

struct fth_map *fth_program_map(const struct fth_program *prog, int index)
{
	return index >= 0 && index < prog->maps.len ? prog->maps.items[index] : NULL;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

struct fth_map *fth_program_find_map(const struct fth_program *prog, const char *name)
{
	uint32_t mask = (uint32_t)prog->map_by_name_cap - 1;

	if (!prog->map_by_name_cap)
		return NULL;
	for (uint32_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
		struct fth_map *m = prog->map_by_name[i];
		if (!m || !strcmp(m->name, name))
			return m;
	}
}

static void index_map(struct fth_map **table, int cap, struct fth_map *map)
{
	uint32_t mask = (uint32_t)cap - 1;
	uint32_t i = name_hash(map->name) & mask;

	while (table[i])
		i = (i + 1) & mask;
	table[i] = map;
}

void fth_program_add_map(struct fth_program *prog, struct fth_map *map)
{
	map->index = prog->maps.len;
	fth_ptrvec_push(&prog->arena, &prog->maps, map);
	if (map->internal)
		return;
	/* Keep the index at most half full; rebuild it when it grows. */
	if (2 * (prog->maps.len + 1) > prog->map_by_name_cap) {
		int cap = prog->map_by_name_cap ? prog->map_by_name_cap * 2 : 64;
		struct fth_map **table = fth_arena_alloc(&prog->arena, sizeof(*table) * (size_t)cap);
		for (int i = 0; i < prog->maps.len; i++) {
			struct fth_map *m = prog->maps.items[i];
			if (!m->internal)
				index_map(table, cap, m);
		}
		prog->map_by_name = table;
		prog->map_by_name_cap = cap;
		return;
	}
	index_map(prog->map_by_name, prog->map_by_name_cap, map);
}

struct fth_action *fth_program_action(const struct fth_program *prog, int index)
{
	return index >= 0 && index < prog->actions.len ? prog->actions.items[index] : NULL;
}

struct fth_prog *fth_program_prog(const struct fth_program *prog, int index)
{
	return index >= 0 && index < prog->progs.len ? prog->progs.items[index] : NULL;
}

int fth_compile(struct fth_program *prog, struct fth_diag *diag, const struct fth_compile_opts *opts)
{
	prog->ast = fth_parse(prog->src, diag, &prog->arena);
	if (diag->errors)
		return -EINVAL;
	for (int i = 0; opts && i < opts->npositional; i++)
		fth_ptrvec_push(&prog->arena, &prog->positional, (void *)opts->positional[i]);
	if (opts && opts->stop_after == FTH_STOP_AFTER_PARSE)
		return 0;
	if (fth_sema(prog, diag))
		return -EINVAL;
	return fth_codegen(prog, diag);
}
