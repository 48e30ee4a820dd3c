/*
 * Target of tests/e2e/probe_watchpoint.sh.
 *
 *   fthwatch GO-FILE   prints &fth_target, waits (at most 20 s) for GO-FILE
 *                      to exist, then writes fth_target once and reads it
 *                      once: the watchpoint under test fires in this process.
 *   fthwatch --probe   asks whether this machine delivers hardware
 *                      breakpoints at all: it watches its own variable with a
 *                      perf breakpoint counter, writes it ten times and
 *                      prints the count ("10" where breakpoints work; some
 *                      hypervisors accept the event but never deliver it).
 *
 * Built by the test with gcc (as fthwatch), or ahead of time (static) by
 * tests/vm/run.sh for the VM, which has no compiler: $FATHOM_TARGETS/watch_target.
 */
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

volatile long fth_target;

static int count_own_writes(void)
{
	struct perf_event_attr attr;
	long long count = -1;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.bp_type = HW_BREAKPOINT_W;
	attr.bp_addr = (uintptr_t)&fth_target;
	attr.bp_len = HW_BREAKPOINT_LEN_8;
	attr.sample_period = 1;
	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		perror("perf_event_open");
		return 1;
	}
	for (int i = 0; i < 10; i++)
		fth_target = i;
	if (read(fd, &count, sizeof(count)) != sizeof(count))
		count = -1;
	printf("%lld\n", count);
	return 0;
}

int main(int argc, char **argv)
{
	long seen;

	if (argc != 2) {
		fprintf(stderr, "usage: fthwatch GO-FILE | --probe\n");
		return 2;
	}
	if (!strcmp(argv[1], "--probe"))
		return count_own_writes();
	printf("%p\n", (void *)&fth_target);
	fflush(stdout);
	for (int i = 0; i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	fth_target = 42;
	seen = fth_target;
	return seen == 42 ? 0 : 1;
}
