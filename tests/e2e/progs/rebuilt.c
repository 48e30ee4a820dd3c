/* rebuilt.c - a program built twice at one path while fathom traces it
 * (uprobe_symbols.sh): the first build's caller of getppid() is
 * first_build, the second's second_build, and the second starts with a
 * large function where the first had first_build, so that a stack of the
 * first build read with the second's symbols would name padding. Waits
 * until the file argv[1] exists (at most 20 s). Also uprobe_symbols.sh's
 * container case: the same path is each build in a different mount
 * namespace. */
#include <stdlib.h>
#include <unistd.h>

#ifdef SECOND
#define CALLER second_build
__attribute__((noinline)) int padding(int x)
{
	/* 4 KiB of code */
	__asm__ volatile(".fill 4096, 1, 0x90");
	return x;
}
#else
#define CALLER first_build
#endif

/* getppid() has no frame of its own: a frame-pointer walk from inside it
 * goes to the caller of the function that calls it. */
__attribute__((noinline)) int call_getppid(void)
{
	int r = getppid();
	__asm__ volatile("" ::: "memory");
	return r;
}

__attribute__((noinline)) int CALLER(void)
{
	int r = call_getppid();
	__asm__ volatile("" ::: "memory");
	return r + 1;
}

int main(int argc, char **argv)
{
	int r;

	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	r = CALLER();
	/* argv[2]: seconds to stay alive after, for stacks printed while it runs */
	if (argc > 2)
		sleep((unsigned)atoi(argv[2]));
	return r < 0;
}
