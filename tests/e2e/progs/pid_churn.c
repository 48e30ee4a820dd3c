/* pid_churn.c - processes that come and go, for the tests of how fathom
 * keeps the mappings of exited processes (uprobe_symbols.sh). Both modes
 * wait until the file argv[2] exists (fathom attached; at most 20 s).
 *
 *   pid_churn churn GOFILE N   a child calls work() and exits; then N
 *                              more children exit at once, after it.
 *   pid_churn reuse GOFILE     a child runs /bin/true (pid P) and exits;
 *                              then a forked child that does not exec is
 *                              given the same pid P (ns_last_pid) and calls
 *                              work(). Prints "reused P" or "not reused". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) void work(void)
{
	__asm__ volatile("" ::: "memory");
}

static pid_t fork_and_wait(void (*child)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		if (child)
			child();
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

static void run_true(void)
{
	execl("/bin/true", "true", (char *)NULL);
}

static int churn(int n)
{
	fork_and_wait(work);
	for (int i = 0; i < n; i++) {
		fork_and_wait(NULL);
		/* slow enough that fathom reads every record: the kernel's
		 * buffer must not fill up even on a loaded machine */
		if (i % 4 == 3)
			usleep(1000);
	}
	printf("done\n");
	return 0;
}

/* The pid the next fork gets is ns_last_pid + 1 when that is free. */
static int set_last_pid(pid_t pid)
{
	FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");

	if (!f)
		return -1;
	fprintf(f, "%d", (int)pid);
	return fclose(f);
}

static pid_t wanted;

static void work_if_reused(void)
{
	if (getpid() == wanted)
		work();
}

static int reuse(void)
{
	/* Another process may take the pid first: try again. */
	for (int attempt = 0; attempt < 50; attempt++) {
		wanted = fork_and_wait(run_true);
		if (wanted <= 0 || set_last_pid(wanted - 1) < 0)
			break;
		if (fork_and_wait(work_if_reused) == wanted) {
			printf("reused %d\n", (int)wanted);
			return 0;
		}
	}
	printf("not reused\n");
	return 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 3)
		return 2;
	for (int i = 0; i < 2000 && access(argv[2], F_OK); i++)
		usleep(10000);
	if (!strcmp(argv[1], "churn") && argc > 3)
		return churn(atoi(argv[3]));
	if (!strcmp(argv[1], "reuse"))
		return reuse();
	return 2;
}
