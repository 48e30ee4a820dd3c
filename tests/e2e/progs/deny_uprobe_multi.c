/* deny_uprobe_multi.c - for uprobe_multi_refused.sh: run a command whose
 * uprobe_multi links on one file the kernel refuses, as a container's
 * seccomp policy or a security module may.
 *
 *   deny_uprobe_multi FILE PROGRAM [ARGS...]
 *
 * Installs a seccomp filter that hands every bpf(BPF_LINK_CREATE, ...) of
 * this process and its threads to a supervisor (SECCOMP_RET_USER_NOTIF),
 * then execs PROGRAM in this process (its pid and exit status stay
 * PROGRAM's). The supervisor, a child, reads the request from the
 * caller's memory: a uprobe_multi link on FILE (the path as given to the
 * kernel) gets EPERM; every other link, perf events and uprobe_multi links
 * on other files included, goes to the kernel unchanged. The supervisor
 * dies with PROGRAM (PR_SET_PDEATHSIG). Exit status 3 when the filter
 * cannot be installed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Not in older UAPI headers: the attach type of uprobe_multi links. */
#define UPROBE_MULTI_ATTACH_TYPE 48

static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BPF_LINK_CREATE, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

/* Does the caller ask for a uprobe_multi link on `file`? Reads its union
 * bpf_attr: link_create.attach_type is the third u32, the path pointer of
 * link_create.uprobe_multi the third u64. */
static bool refused(const struct seccomp_notif *req, const char *file)
{
	char mem[64], path[4096];
	uint64_t attr = req->data.args[1], path_ptr = 0;
	uint32_t type = 0;
	size_t len = strlen(file) + 1;
	bool match;
	int fd;

	snprintf(mem, sizeof(mem), "/proc/%u/mem", req->pid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	match = pread(fd, &type, sizeof(type), (off_t)(attr + 8)) == sizeof(type) &&
		type == UPROBE_MULTI_ATTACH_TYPE &&
		pread(fd, &path_ptr, sizeof(path_ptr), (off_t)(attr + 16)) == sizeof(path_ptr) &&
		len <= sizeof(path) && pread(fd, path, len, (off_t)path_ptr) == (ssize_t)len &&
		!memcmp(path, file, len);
	close(fd);
	return match;
}

static void supervise(int listener, const char *file)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			_exit(0);
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (refused(&req, file) &&
		    ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0)
			resp.error = -EPERM;
		else
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

int main(int argc, char **argv)
{
	pid_t parent = getpid(), child;
	int listener;

	if (argc < 3) {
		fprintf(stderr, "usage: deny_uprobe_multi FILE PROGRAM [ARGS...]\n");
		return 2;
	}
	listener = install_filter();
	if (listener < 0) {
		fprintf(stderr, "deny_uprobe_multi: cannot install the seccomp filter: %s\n", strerror(errno));
		return 3;
	}
	child = fork();
	if (child < 0) {
		fprintf(stderr, "deny_uprobe_multi: fork: %s\n", strerror(errno));
		return 3;
	}
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		supervise(listener, argv[1]);
	}
	close(listener);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "deny_uprobe_multi: cannot run %s: %s\n", argv[2], strerror(errno));
	return 127;
}
