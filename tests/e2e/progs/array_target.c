/* array_target.c - a program for the struct-array tests
 * (lang_struct_arrays.sh): passes a struct holding an array of structs,
 * a pointer to a pointer to a struct, a walkable array of structs and
 * structs holding (2-D) int arrays to functions fathom probes, then exits. The values follow simple rules
 * (see fill()) that the test's expected output spells out. */
#include <stdint.h>

struct inner {
	uint32_t a;
	uint32_t b[2];
};

struct slot {
	uint32_t a;
	struct inner in;
};

struct holder {
	uint32_t a;
	void *p;
	struct slot s[6];
};

struct pair {
	uint32_t a;
	uint64_t b;
};

__attribute__((noinline)) int take_holder(struct holder *h)
{
	__asm__ volatile("" ::: "memory");
	return (int)h->a;
}

__attribute__((noinline)) int take_pp(struct pair **pp)
{
	__asm__ volatile("" ::: "memory");
	return (int)(*pp)->a;
}

__attribute__((noinline)) int take_walk(struct pair *p, uint32_t n)
{
	__asm__ volatile("" ::: "memory");
	return (int)(p[0].a + n);
}

struct ints {
	int x[4];
};

struct grid {
	int y[2][2];
};

__attribute__((noinline)) int take_arrays(struct ints *a, struct grid *g)
{
	__asm__ volatile("" ::: "memory");
	return a->x[0] + g->y[0][0];
}

/* slot i: a = 10 + i, in.a = i * i, in.b = { i, 50 - 3 * i } */
static void fill(struct holder *h)
{
	h->a = 7;
	h->p = h;
	for (uint32_t i = 0; i < 6; i++) {
		h->s[i].a = 10 + i;
		h->s[i].in.a = i * i;
		h->s[i].in.b[0] = i;
		h->s[i].in.b[1] = 50 - 3 * i;
	}
}

int main(void)
{
	/* On the stack, so the pages the probes read are present. */
	struct holder h;
	struct pair walk[4];
	struct pair *one = &walk[2];
	struct ints a = { { 1, 2, 3, 4 } };
	struct grid g = { { { 5, 6 }, { 7, 8 } } };
	int sum;

	fill(&h);
	for (uint32_t i = 0; i < 4; i++) {
		walk[i].a = i + 1;
		walk[i].b = 1000ull * (i + 1);
	}
	/* silent: its output would interleave with fathom's */
	sum = take_holder(&h) + take_pp(&one) + take_walk(walk, 4) + take_arrays(&a, &g);
	return sum == 21 ? 0 : 1;
}
