/* multi_target.c - for uprobe_multi.sh: waits until the file argv[1]
 * exists (the tracer attached; at most 20 s), then calls step_one() once,
 * step_two() twice and step_three() three times (each returns its
 * argument times 10) and exits. step_vex and step_evex start with a
 * VEX- and an EVEX-encoded instruction (never called): the kernel refuses
 * a uprobe on the first and single-steps the second wrongly. */
#include <unistd.h>

__attribute__((noinline)) int step_one(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 10;
}

__attribute__((noinline)) int step_two(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 10;
}

__attribute__((noinline)) int step_three(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 10;
}

__asm__(".text\n"
	".globl step_vex\n.type step_vex, @function\nstep_vex:\n\tvmovd %esi, %xmm0\n\tret\n"
	".size step_vex, .-step_vex\n"
	".globl step_evex\n.type step_evex, @function\nstep_evex:\n\tvpbroadcastb %esi, %ymm16\n\tret\n"
	".size step_evex, .-step_evex\n");

int main(int argc, char **argv)
{
	int total = 0;

	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	total += step_one(1);
	for (int i = 0; i < 2; i++)
		total += step_two(2);
	for (int i = 0; i < 3; i++)
		total += step_three(3);
	return total == 10 + 40 + 90 ? 0 : 1;
}
