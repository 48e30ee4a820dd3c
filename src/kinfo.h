/* kinfo.h - facts about the running kernel that a script may ask for at
 * compile time: a cgroup's id, whether a kfunc may be called from a
 * program type. */
#ifndef FATHOM_KINFO_H
#define FATHOM_KINFO_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The cgroup v2 id of the cgroup directory at path: the 8-byte file handle
 * cgroupfs gives it (its inode number). 0, or a negative errno:
 * -EMEDIUMTYPE when path is not on a cgroup v2 file system (a v1
 * controller, or the tmpfs that holds the v1 mounts). */
int fth_cgroup_id(const char *path, uint64_t *id);

/* Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup, or
 * /sys/fs/cgroup/unified beside v1 controllers): true and the path in
 * buf, false when it is not mounted. */
bool fth_cgroup2_mount(char *buf, size_t size);

/* Would the verifier let a program of this type call the kfunc with
 * vmlinux BTF id btf_id? Loads a two-instruction program that calls it and
 * reads the verifier's verdict; only its "calling kernel function NAME is
 * not allowed" means no (other complaints are about the test program). */
bool fth_kfunc_allowed(int btf_id, const char *name, enum bpf_prog_type type);

/* Can programs of this type call the helper on this kernel
 * (libbpf_probe_bpf_helper)? -1 when it could not tell (no privileges). */
int fth_helper_available(enum bpf_prog_type type, enum bpf_func_id helper);

/* fathom's own pid namespace when it is not the initial one (fathom runs
 * in a container, or under `unshare --pid`): 1 and the nsfs device and
 * inode of /proc/self/ns/pid, which bpf_get_ns_current_pid_tgid takes to
 * give pids as that namespace numbers them. 0 in the initial namespace,
 * or a negative errno. */
int fth_own_pid_namespace(uint64_t *dev, uint64_t *ino);
#endif
