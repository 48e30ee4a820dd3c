/* vec: growth of heap arrays (see vec.h). */
#include "vec.h"

#include <stdlib.h>

void *fth_vec_grow(void *items, int len, int *cap, size_t size, int first)
{
	int ncap;
	void *grown;

	if (len < *cap)
		return items;
	ncap = *cap ? *cap * 2 : first;
	grown = realloc(items, size * (size_t)ncap);
	if (!grown)
		return NULL;
	*cap = ncap;
	return grown;
}
