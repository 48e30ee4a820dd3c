/* char_array_target.c - calls take(&rec) and take_indirect(&ptr_to_rec)
 * ten times a second until killed: rec.full is char[5] filled with "hello"
 * (no NUL), rec.bytes is char[4] {5, 4, 3, 2}, rec.tail is "xyz". */
#include <unistd.h>

struct rec {
	char full[5];
	char bytes[4];
	char tail[4];
};

__attribute__((noinline)) int take(struct rec *r)
{
	__asm__ volatile("" : : "r"(r) : "memory");
	return r->bytes[0];
}

__attribute__((noinline)) int take_indirect(struct rec **pp)
{
	__asm__ volatile("" : : "r"(pp) : "memory");
	return (*pp)->bytes[1];
}

int main(void)
{
	struct rec r = { .full = { 'h', 'e', 'l', 'l', 'o' }, .bytes = { 5, 4, 3, 2 }, .tail = "xyz" };
	struct rec *p = &r;

	for (;;) {
		take(&r);
		take_indirect(&p);
		usleep(100000);
	}
	return 0;
}
