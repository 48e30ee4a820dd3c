/* mac_target.c - a program for the string/buffer function tests
 * (lang_string_functions.sh): passes an Ethernet-like header whose
 * addresses hold zero bytes, and a pointer to its source address, to
 * observe(), then to a NUL-terminated name to named(). */
#include <stdio.h>
#include <string.h>

struct frame {
	int id;
	unsigned char dst[6];
	unsigned char src[6];
	unsigned char tag[4];
};

__attribute__((noinline)) int observe(struct frame *f, const unsigned char *mac)
{
	__asm__ volatile("" ::: "memory");
	return f->id + mac[0];
}

__attribute__((noinline)) int named(const char *name)
{
	__asm__ volatile("" ::: "memory");
	return name[0];
}

int main(void)
{
	/* On the stack, so the pages the probe reads are present. */
	struct frame f = { .id = 7,
			   .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
			   .src = { 0x02, 0x00, 0x5e, 0x10, 0x0a, 0xbc },
			   .tag = "lan" };
	char name[] = "eth0-uplink";

	/* one call after the other: the tests expect them in this order */
	int a = observe(&f, f.src);
	int b = named(name);

	printf("%d %d\n", a, b);
	return 0;
}
