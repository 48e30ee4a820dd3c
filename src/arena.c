/* arena.c - bump allocator, see arena.h. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE (64 * 1024)

struct fth_arena_block {
	struct fth_arena_block *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void fth_arena_init(struct fth_arena *arena)
{
	arena->head = NULL;
}

void fth_arena_free(struct fth_arena *arena)
{
	struct fth_arena_block *block = arena->head;

	while (block) {
		struct fth_arena_block *next = block->next;
		free(block);
		block = next;
	}
	arena->head = NULL;
}

static struct fth_arena_block *arena_new_block(size_t min_size)
{
	size_t size = min_size > ARENA_BLOCK_SIZE ? min_size : ARENA_BLOCK_SIZE;
	struct fth_arena_block *block = malloc(sizeof(*block) + size);

	if (!block) {
		fputs("fathom: out of memory\n", stderr);
		abort();
	}
	block->next = NULL;
	block->used = 0;
	block->size = size;
	return block;
}

void *fth_arena_alloc(struct fth_arena *arena, size_t size)
{
	struct fth_arena_block *block = arena->head;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!block || block->size - block->used < size) {
		block = arena_new_block(size);
		block->next = arena->head;
		arena->head = block;
	}
	p = block->data + block->used;
	block->used += size;
	memset(p, 0, size);
	return p;
}

char *fth_arena_strndup(struct fth_arena *arena, const char *s, size_t n)
{
	char *copy = fth_arena_alloc(arena, n + 1);

	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

char *fth_arena_strdup(struct fth_arena *arena, const char *s)
{
	return fth_arena_strndup(arena, s, strlen(s));
}

char *fth_arena_printf(struct fth_arena *arena, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *out;

	/* Never NULL from a caller, but gcc's -fsanitize=undefined build
	 * cannot tell and warns (-Wformat-truncation): say so here. */
	if (!fmt)
		fmt = "";
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	out = fth_arena_alloc(arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return out;
}

void *fth_arena_grow(struct fth_arena *arena, void *items, int len, int *cap, size_t size, int first)
{
	void *grown;

	if (len < *cap)
		return items;
	*cap = *cap ? *cap * 2 : first;
	grown = fth_arena_alloc(arena, size * (size_t)*cap);
	if (len)
		memcpy(grown, items, size * (size_t)len);
	return grown;
}

void fth_ptrvec_push(struct fth_arena *arena, struct fth_ptrvec *vec, void *item)
{
	vec->items = fth_arena_grow(arena, vec->items, vec->len, &vec->cap, sizeof(*vec->items), 4);
	vec->items[vec->len++] = item;
}
