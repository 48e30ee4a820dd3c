/* Workload of bench/overhead: a tight loop of cheap system calls.
 *
 *   overhead-loop [N [CHUNK]]      (defaults: N = 2000000, CHUNK = 5000)
 *
 * Makes N getppid() system calls (through syscall(2), so no libc caching
 * can skip one), timing every CHUNK consecutive calls with
 * clock_gettime(CLOCK_MONOTONIC), and prints one line:
 *
 *   <p10> <median> <mean> <fastest> <clean chunks> <chunks> <N>
 *
 * the first four in ns per call (3 decimals): the 10th percentile, the
 * median and the fastest of the chunks, and the mean over all N calls.
 *
 * A chunk is clean when the thread was not preempted during it (its
 * involuntary context switch count, from getrusage(RUSAGE_THREAD) between
 * chunks, did not move).  The percentiles are taken over the clean chunks
 * when there are at least 10, else over all of them: on a busy machine
 * another process sharing the CPU would otherwise slow most chunks.
 *
 * The bench uses the 10th percentile: interference (an interrupt, a host
 * stealing the virtual CPU) only ever makes a chunk slower, and it moves
 * the mean and even the median of a run far more than the difference
 * being measured, while the 10th percentile stays put and, unlike the
 * fastest chunk, does not hang on a single sample.
 *
 * clock_gettime goes through the vDSO, so a timed chunk holds exactly
 * CHUNK system calls and nothing else (the getrusage calls fall between
 * the timed regions).  The bench runs this binary under taskset so that
 * the loop stays on one CPU.  Its comm, "overhead-loop", is what the
 * traced programs count it by. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long preemptions(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nivcsw;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	long chunk = argc > 2 ? strtol(argv[2], NULL, 10) : 5000;
	long nchunks, nclean = 0, done = 0;
	double *all, *clean, *use, total = 0, median, p10;
	long nuse;

	if (n <= 0 || chunk <= 0) {
		fprintf(stderr, "usage: %s [N > 0 [CHUNK > 0]]\n", argv[0]);
		return 2;
	}
	nchunks = (n + chunk - 1) / chunk;
	all = calloc((size_t)nchunks, sizeof(*all));
	clean = calloc((size_t)nchunks, sizeof(*clean));
	if (!all || !clean)
		return 1;
	for (long c = 0; c < nchunks; c++) {
		long m = n - done < chunk ? n - done : chunk;
		long p0 = preemptions();
		double t0 = now_ns(), t1;

		for (long i = 0; i < m; i++)
			syscall(SYS_getppid);
		t1 = now_ns();
		all[c] = (t1 - t0) / (double)m;
		total += t1 - t0;
		if (preemptions() == p0)
			clean[nclean++] = all[c];
		done += m;
	}
	use = nclean >= 10 ? clean : all;
	nuse = nclean >= 10 ? nclean : nchunks;
	qsort(use, (size_t)nuse, sizeof(*use), cmp_double);
	median = nuse % 2 ? use[nuse / 2] : (use[nuse / 2 - 1] + use[nuse / 2]) / 2;
	p10 = use[nuse / 10];
	printf("%.3f %.3f %.3f %.3f %ld %ld %ld\n", p10, median, total / (double)n, use[0], nclean, nchunks, n);
	free(all);
	free(clean);
	return 0;
}
