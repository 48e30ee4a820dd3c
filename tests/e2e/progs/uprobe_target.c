/* uprobe_target.c - a program for uprobe tests: waits until the file
 * argv[1] exists (fathom attached; at most 20 s), then calls add() and
 * process_request() with known arguments and exits. */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

__attribute__((noinline)) int add(int a, int b)
{
	__asm__ volatile("" ::: "memory");
	return a + b;
}

__attribute__((noinline)) long process_request(const char *req)
{
	__asm__ volatile("" ::: "memory");
	return (long)strlen(req) * 10;
}

__attribute__((noinline)) int process_other(int x)
{
	__asm__ volatile("" ::: "memory");
	return x - 1;
}

int main(int argc, char **argv)
{
	static const char *const reqs[] = { "GET /index.html", "POST /form" };
	long total = 0;

	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	for (int i = 0; i < 3; i++)
		total += add(i, 10 * i);
	for (int i = 0; i < 2; i++) {
		/* On the stack: memory the probe reads is present (a string
		 * in a .rodata page never touched yet is not, and BPF cannot
		 * fault it in). */
		char buf[32];
		snprintf(buf, sizeof(buf), "%s", reqs[i]);
		total += process_request(buf);
	}
	total += process_other(7);
	total += getpid() > 0;
	printf("%ld\n", total);
	return 0;
}
