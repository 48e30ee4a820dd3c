/* agg_threads.c - for agg_threads.sh: four threads pass the values 1..100
 * between them to accept_positive(), each value once, so that probes on
 * it fire on several CPUs at once. */
#include <pthread.h>
#include <stdint.h>

#define THREADS 4

__attribute__((noinline)) int64_t accept_positive(int64_t v)
{
	/* keeps the call from being folded away */
	__asm__ volatile("" : : "r"(v) : "memory");
	return v;
}

static void *worker(void *arg)
{
	int64_t first = (int64_t)(intptr_t)arg;

	for (int64_t v = first; v <= 100; v += THREADS)
		accept_positive(v);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(i + 1)))
			return 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	return 0;
}
