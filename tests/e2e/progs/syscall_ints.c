/* syscall_ints: system calls whose tracepoint arguments are integers of
 * C types narrower than their 8-byte slots (probe_tracepoint_int_types.sh).
 * syscall(2) passes every argument as a long, so a negative int arrives
 * sign-extended: dfd -100, an lseek offset of -10. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec nap = { 0, 1000 };
	int fd = open("/dev/null", O_RDONLY);

	syscall(SYS_openat, -100L, "/nonexistent-fathom-test", (long)O_RDONLY, 0644L);
	lseek(fd, -10, SEEK_END);
	syscall(SYS_clock_nanosleep, (long)CLOCK_MONOTONIC, 0L, &nap, NULL);
	close(fd);
	return 0;
}
