/* arena.h - bump allocator for compiler data that lives as long as one compile.
 *
 * The AST, types and strings of one compilation are never freed one by one:
 * they all die together when the compile ends. A bump arena makes that free
 * and keeps allocation off the profile of large generated scripts. */
#ifndef FATHOM_ARENA_H
#define FATHOM_ARENA_H

#include <stddef.h>

struct fth_arena_block;

struct fth_arena {
	struct fth_arena_block *head;
};

void fth_arena_init(struct fth_arena *arena);
void fth_arena_free(struct fth_arena *arena);
/* Zeroed memory, aligned to 16 bytes. Aborts on out-of-memory: a compiler
 * that cannot allocate a few KiB has nothing sensible left to do. */
void *fth_arena_alloc(struct fth_arena *arena, size_t size);
char *fth_arena_strndup(struct fth_arena *arena, const char *s, size_t n);
char *fth_arena_strdup(struct fth_arena *arena, const char *s);
char *fth_arena_printf(struct fth_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An arena array holding len elements of `size` bytes, with room for
 * *cap: returned with room for one more. When full it is copied into an
 * array twice as large (`first` elements the first time) and *cap grows;
 * the old storage stays in the arena until it is freed. */
void *fth_arena_grow(struct fth_arena *arena, void *items, int len, int *cap, size_t size, int first);

/* Growable array of pointers, storage taken from the arena. */
struct fth_ptrvec {
	void **items;
	int len;
	int cap;
};

void fth_ptrvec_push(struct fth_arena *arena, struct fth_ptrvec *vec, void *item);

#endif
