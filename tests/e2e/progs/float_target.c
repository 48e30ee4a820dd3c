/* float_target.c - a program for lang_float_members.sh: passes a struct
 * with float, double and long double members (and a union and an array
 * of them) to observe() once, then exits. */
#include <stdio.h>

struct reading {
	int id;
	float ratio;
	double mean;
	union {
		int i;
		float f;
	} u;
	double samples[2];
	long double precise;
	short tail;
};

__attribute__((noinline)) int observe(struct reading *r)
{
	__asm__ volatile("" ::: "memory");
	return r->id;
}

int main(void)
{
	struct reading r = { .id = 7, .ratio = 0.5f, .mean = 2.25, .u = { .i = 5 },
			     .samples = { 1.0, 2.0 }, .precise = 3.0L, .tail = -2 };

	printf("%d\n", observe(&r));
	return 0;
}
