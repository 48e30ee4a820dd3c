/* task_ids_target.c - for builtin_task_ids.sh: a second thread, named
 * "worker", writes the ids the kernel gives it (the Name, Tgid, Pid,
 * NStgid and NSpid lines of /proc/thread-self/status) to the file argv[1],
 * then sleeps once (glibc's nanosleep is the clock_nanosleep system call)
 * for a tracepoint to catch it there. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

static const char *out_path;

static int copy_id_lines(void)
{
	static const char *const wanted[] = { "Name:", "Tgid:", "Pid:", "NStgid:", "NSpid:" };
	char line[256];
	FILE *in = fopen("/proc/thread-self/status", "r");
	FILE *out = fopen(out_path, "w");

	if (!in || !out)
		return -1;
	while (fgets(line, sizeof(line), in))
		for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
			if (!strncmp(line, wanted[i], strlen(wanted[i])))
				fputs(line, out);
	fclose(in);
	return fclose(out);
}

static void *worker(void *arg)
{
	struct timespec ts = { 0, 1000 };

	(void)arg;
	prctl(PR_SET_NAME, "worker");
	if (copy_id_lines())
		return (void *)out_path; /* failed */
	nanosleep(&ts, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	void *failed;

	if (argc != 2)
		return 2;
	out_path = argv[1];
	if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, &failed))
		return 1;
	return failed ? 1 : 0;
}
