/* vec: growth of heap (malloc) arrays.
 *
 * Modules keep their arrays as (items, len, cap) triples; this is the one
 * place that decides how they grow, so doubling and the out-of-memory path
 * are written once. Arena-backed arrays use fth_arena_grow instead. */
#ifndef FATHOM_VEC_H
#define FATHOM_VEC_H

#include <stddef.h>

/* A heap array of len elements of `size` bytes with room for *cap:
 * returned with room for at least one more. When full it is realloc'ed to
 * twice its size (`first` elements the first time) and *cap grows. NULL
 * when out of memory: then items and *cap are untouched and still valid,
 * so the caller can free them. */
void *fth_vec_grow(void *items, int len, int *cap, size_t size, int first);

#endif
