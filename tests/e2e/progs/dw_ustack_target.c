/* dw_ustack_target: a call chain main -> dw_level1 -> dw_level2 ->
 * dw_level3 -> dw_leaf, built by tests/e2e/builtin_dw_ustack.sh with
 * -O2 -fomit-frame-pointer, so that only DWARF call-frame information can
 * unwind it. noipa keeps every function whole and called (no inlining, no
 * clones); the work after each call keeps the calls from being tail calls,
 * which would leave their callers' frames out of any stack. */
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#define KEEP __attribute__((noinline, noipa))

volatile int sink;

KEEP int dw_leaf(int x)
{
	sink = x;
	return x * 3;
}

KEEP int dw_level3(int x)
{
	int r = dw_leaf(x + 1);
	sink = r;
	return r + 1;
}

KEEP int dw_level2(int x)
{
	int r = dw_level3(x + 2);
	sink = r;
	return r + 2;
}

KEEP int dw_level1(int x)
{
	int r = dw_level2(x + 3);
	sink = r;
	return r + 3;
}

/* argv[1]: how many times to run the chain (default 1), argv[2] the
 * microseconds to wait after each run (default none); then a pause, so
 * that the process is still there when its stacks are unwound. 0: run it
 * every 10 ms until killed. "exec": run it once, pause, and exec itself
 * (as "1") without address randomization, so that the same pid goes on
 * with its libraries above every module it had before. */
int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int pace_us = argc > 2 ? atoi(argv[2]) : 0;

	if (argc > 1 && !strcmp(argv[1], "exec")) {
		char *again[] = { argv[0], "1", NULL };

		sink = dw_level1(0);
		usleep(300000);
		personality(ADDR_NO_RANDOMIZE);
		execv("/proc/self/exe", again);
		return 1;
	}

	for (int i = 0; i < n || n == 0; i++) {
		sink = dw_level1(i);
		if (n == 0)
			usleep(10000);
		else if (pace_us > 0)
			usleep((useconds_t)pace_us);
	}
	usleep(1500000);
	return 0;
}
