/* thread_target.c - for tool_threadsnoop.sh: starts two threads, one after
 * the other, with the start routine worker_main, and exits. */
#include <pthread.h>

static void *worker_main(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;

	for (int i = 0; i < 2; i++) {
		if (pthread_create(&t, NULL, worker_main, NULL))
			return 1;
		pthread_join(t, NULL);
	}
	return 0;
}
