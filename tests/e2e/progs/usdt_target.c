/* usdt_target.c - a program with USDT probes for usdt tests: waits until
 * the file argv[1] exists (fathom attached; at most 20 s), then fires
 * fathom_test:tick and fathom_test:request (which only fires while
 * traced: its semaphore) with known arguments, and exits. */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <sys/sdt.h>
#include <unistd.h>

/* Semaphores (with _SDT_HAS_SEMAPHORES every probe has one): the kernel
 * counts one up while a probe is attached (ref_ctr_offset), and
 * fathom_test:request only fires when its semaphore is non-zero. */
unsigned short fathom_test_tick_semaphore __attribute__((section(".probes"), used));
unsigned short fathom_test_request_semaphore __attribute__((section(".probes"), used));

__attribute__((noinline)) static void work(int i, const char *name)
{
	long big = 1000000000000L + i;
	STAP_PROBE3(fathom_test, tick, i, big, 5);
	if (fathom_test_request_semaphore)
		STAP_PROBE3(fathom_test, request, name, i * 2, -i);
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "alpha", "beta", "gamma" };

	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	for (int i = 0; i < 3; i++) {
		/* On the stack, so that the probe can read it (see
		 * uprobe_target.c). */
		char buf[16];
		snprintf(buf, sizeof(buf), "%s", names[i]);
		work(i, buf);
	}
	printf("semaphore %d\n", fathom_test_request_semaphore);
	return 0;
}
