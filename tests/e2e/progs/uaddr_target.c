/* uaddr_target.c - for uprobe_uaddr.sh: global variables of 2, 4 and 8
 * bytes for uaddr(); waits until the file argv[1] exists (the tracer
 * attached; at most 20 s), calls bump(1) and bump(2), prints counter. */
#include <stdio.h>
#include <unistd.h>

int counter = 41;
short small_one = 7;
long long_one = 1234567890123;

__attribute__((noinline)) int bump(int x)
{
	__asm__ volatile("" ::: "memory");
	counter += x;
	return counter;
}

int main(int argc, char **argv)
{
	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	bump(1);
	bump(2);
	printf("%d\n", counter);
	return 0;
}
