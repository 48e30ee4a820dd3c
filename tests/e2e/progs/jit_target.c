/* jit_target.c - a tiny "JIT": copies a count-down loop into an anonymous
 * executable page, describes it in /tmp/perf-PID.map as jit_spin_loop
 * (the perf map format: START SIZE NAME, in hex), waits until the file
 * argv[1] exists (the tracer attached; at most 20 s), then runs the loop
 * for about argv[2] seconds and exits. With argv[3] "late" the map stays
 * empty for the first half of that time (a JIT that has not written it
 * yet). For uprobe_symbols.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* mov rax, rdi; 1: dec rax; jnz 1b; ret */
static const unsigned char count_down[] = { 0x48, 0x89, 0xf8, 0x48, 0xff, 0xc8, 0x75, 0xfb, 0xc3 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 2 ? atof(argv[2]) : 1, end;
	int late = argc > 3 && !strcmp(argv[3], "late");
	void (*run)(uint64_t);
	char path[64];
	FILE *map;
	void *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (code == MAP_FAILED)
		return 1;
	memcpy((char *)code + 64, count_down, sizeof(count_down));
	run = (void (*)(uint64_t))(uintptr_t)((char *)code + 64);
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	map = fopen(path, "w");
	if (!map)
		return 1;
	if (!late)
		fprintf(map, "%lx %zx jit_spin_loop\n", (unsigned long)(uintptr_t)run, sizeof(count_down));
	fclose(map);
	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	if (late) {
		for (end = now() + seconds / 2; now() < end;)
			run(10000000);
		map = fopen(path, "a");
		if (!map)
			return 1;
		fprintf(map, "%lx %zx jit_spin_loop\n", (unsigned long)(uintptr_t)run, sizeof(count_down));
		fclose(map);
		seconds /= 2;
	}
	end = now() + seconds;
	while (now() < end)
		run(10000000);
	printf("%d\n", (int)getpid());
	return 0;
}
