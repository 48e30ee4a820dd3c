/* kinfo.c - compile-time facts about the running kernel, see kinfo.h. */
#include "kinfo.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

int fth_cgroup_id(const char *path, uint64_t *id)
{
	union {
		struct file_handle fh;
		char space[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	struct statfs fs;
	int mount_id;

	/* Checked first: any other file system's handle is longer than 8
	 * bytes, and the kernel would only say EOVERFLOW. */
	if (statfs(path, &fs) < 0)
		return -errno;
	if (fs.f_type != CGROUP2_SUPER_MAGIC)
		return -EMEDIUMTYPE;
	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(uint64_t);
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return -errno;
	if (h.fh.handle_bytes != sizeof(uint64_t))
		return -EINVAL; /* not a cgroupfs handle */
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return 0;
}

bool fth_cgroup2_mount(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char line[8192], dev[256], dir[4096], type[64];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %4095s %63s", dev, dir, type) == 3 && !strcmp(type, "cgroup2")) {
			snprintf(buf, size, "%s", dir);
			found = true;
		}
	if (f)
		fclose(f);
	return found;
}

bool fth_kfunc_allowed(int btf_id, const char *name, enum bpf_prog_type type)
{
	char log[4096] = "", refusal[256];
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = btf_id },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(type, "fth_kfunc_test", "GPL", insns, sizeof(insns) / sizeof(insns[0]), &opts);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	snprintf(refusal, sizeof(refusal), "calling kernel function %s is not allowed", name);
	return !strstr(log, refusal);
}

/* The inode number the kernel gives the initial pid namespace
 * (PROC_PID_INIT_INO in include/linux/proc_ns.h). */
#define INIT_PID_NS_INO 0xEFFFFFFCu

int fth_own_pid_namespace(uint64_t *dev, uint64_t *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) < 0)
		return -errno;
	if (st.st_ino == INIT_PID_NS_INO)
		return 0;
	*dev = (uint64_t)st.st_dev;
	*ino = (uint64_t)st.st_ino;
	return 1;
}

int fth_helper_available(enum bpf_prog_type type, enum bpf_func_id helper)
{
	int r = libbpf_probe_bpf_helper(type, helper, NULL);

	return r < 0 ? -1 : r > 0;
}
