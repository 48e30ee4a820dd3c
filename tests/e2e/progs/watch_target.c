/*
 * Target of tests/e2e/probe_watchpoint.sh.
 *
 *   fthwatch GO-FILE   prints &fth_target, waits (at most 20 s) for GO-FILE
 *                      to exist, then writes fth_target once and reads it
 *                      once: the watchpoint under test fires in this process.
 *   fthwatch --bump N  calls fth_bump(0, p) N times, 20 ms apart, with p
 *                      one heap int: watchpoint:fth_bump+arg1 watches it.
 *   fthwatch --touch N calls fth_touch_0 .. fth_touch_4, each with an int
 *                      of its own, N times: five addresses for four x86
 *                      debug registers.
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
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

volatile long fth_target;

/* noinline and a visible side effect: the calls stay calls */
__attribute__((noinline)) void fth_bump(int unused, volatile int *p)
{
	(void)unused;
	(*p)++;
}

#define TOUCH(n) \
	__attribute__((noinline)) void fth_touch_##n(volatile int *p) { (*p) += n + 1; }
TOUCH(0)
TOUCH(1)
TOUCH(2)
TOUCH(3)
TOUCH(4)

static int call_functions(const char *mode, int n)
{
	volatile int *v = calloc(5, sizeof(int));

	if (!v)
		return 1;
	for (int i = 0; i < n; i++) {
		if (!strcmp(mode, "--bump")) {
			fth_bump(0, v);
		} else {
			fth_touch_0(v);
			fth_touch_1(v + 1);
			fth_touch_2(v + 2);
			fth_touch_3(v + 3);
			fth_touch_4(v + 4);
		}
		usleep(20000);
	}
	printf("%d\n", v[0]);
	return 0;
}

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

	if (argc < 2) {
		fprintf(stderr, "usage: fthwatch GO-FILE | --probe | --bump N | --touch N\n");
		return 2;
	}
	if (!strcmp(argv[1], "--probe"))
		return count_own_writes();
	if (argc == 3 && (!strcmp(argv[1], "--bump") || !strcmp(argv[1], "--touch")))
		return call_functions(argv[1], atoi(argv[2]));
	printf("%p\n", (void *)&fth_target);
	fflush(stdout);
	for (int i = 0; i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	fth_target = 42;
	seen = fth_target;
	return seen == 42 ? 0 : 1;
}
