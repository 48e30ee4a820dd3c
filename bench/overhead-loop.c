/* Workload of bench/overhead: a tight loop of cheap system calls.
 *
 *   overhead-loop [N [CHUNK]]      (defaults: N = 2000000, CHUNK = 10000)
 *
 * Makes N getppid() system calls (through syscall(2), so no libc caching
 * can skip one), timing every CHUNK consecutive calls with
 * clock_gettime(CLOCK_MONOTONIC), and prints one line:
 *
 *   <10th percentile> <median> <mean> <fastest> <N>
 *
 * the first four in ns per iteration (3 decimals): the 10th percentile,
 * the median and the fastest of the chunks, and the mean over all N.
 * The bench uses the 10th percentile: a preemption, an interrupt, a
 * host stealing the (virtual) CPU only ever make a chunk slower, and
 * they move the mean and even the median of a run far more than the
 * difference being measured, while the 10th percentile stays put and,
 * unlike the fastest chunk, does not hang on a single sample.
 *
 * clock_gettime goes through the vDSO, so the timed region holds exactly N
 * system calls and nothing else.  The bench runs this binary under taskset
 * so that the loop stays on one CPU.  Its comm, "overhead-loop", is what
 * the traced programs count it by. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	long chunk = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
	long nchunks, done = 0;
	double *per, t_start, t_end, median, p10;

	if (n <= 0 || chunk <= 0) {
		fprintf(stderr, "usage: %s [N > 0 [CHUNK > 0]]\n", argv[0]);
		return 2;
	}
	nchunks = (n + chunk - 1) / chunk;
	per = calloc((size_t)nchunks, sizeof(*per));
	if (!per)
		return 1;
	t_start = now_ns();
	for (long c = 0; c < nchunks; c++) {
		long m = n - done < chunk ? n - done : chunk;
		double t0 = now_ns(), t1;

		for (long i = 0; i < m; i++)
			syscall(SYS_getppid);
		t1 = now_ns();
		per[c] = (t1 - t0) / (double)m;
		done += m;
	}
	t_end = now_ns();
	qsort(per, (size_t)nchunks, sizeof(*per), cmp_double);
	median = nchunks % 2 ? per[nchunks / 2] : (per[nchunks / 2 - 1] + per[nchunks / 2]) / 2;
	p10 = per[nchunks / 10];
	printf("%.3f %.3f %.3f %.3f %ld\n", p10, median, (t_end - t_start) / (double)n, per[0], n);
	free(per);
	return 0;
}
