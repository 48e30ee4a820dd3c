/* myapp.c - the "custom application" of the seed's uprobe one-liners:
 * waits until the file argv[1] exists (the tracer attached; at most 20 s),
 * calls malloc(4242) and malloc(4243), process_request() twice, then spins
 * for argv[2] seconds (default 0) in spin_for_profile() so that a profile
 * sees its stack, and exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) long process_request(const char *req)
{
	__asm__ volatile("" ::: "memory");
	return (long)strlen(req);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) unsigned long spin_for_profile(double seconds)
{
	double end = now() + seconds;
	unsigned long n = 0;

	while (now() < end)
		for (int i = 0; i < 100000; i++)
			n += (unsigned long)i ^ n;
	return n;
}

int main(int argc, char **argv)
{
	void *(*volatile allocate)(size_t) = malloc;
	void *a, *b;
	long total = 0;

	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	a = allocate(4242);
	b = allocate(4243);
	total += process_request("GET /");
	total += process_request("POST /form");
	total += (long)(spin_for_profile(argc > 2 ? atof(argv[2]) : 0) & 1);
	free(a);
	free(b);
	printf("%ld\n", total);
	return 0;
}
