/* probes.h - probe providers behind one small interface (as in ply).
 *
 * A provider knows one kind of attach point: how to parse and canonicalise
 * it, expand its wildcards into concrete instances, which BPF program type
 * runs there, how to list what exists, and how to attach a loaded program.
 * Adding a probe type is adding one fth_provider to the table in probes.c. */
#ifndef FATHOM_PROBES_H
#define FATHOM_PROBES_H

#include <linux/bpf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "program.h"

/* Kernel objects keeping one attached program alive. Closing the fds detaches:
 * the kernel also closes them when fathom is killed, so nothing can outlive
 * the process. */
struct fth_attachment {
	int *fds;   /* perf events and other objects the links point at */
	int nfds;
	int cap;
	int *links; /* bpf_link fds: closing one detaches its program */
	int nlinks;
	int links_cap;
};

void fth_attachment_add(struct fth_attachment *a, int fd);
void fth_attachment_add_link(struct fth_attachment *a, int fd);
void fth_attachment_close(struct fth_attachment *a);
/* Detach and close many attachments at once. Detaching a program from a
 * tracepoint waits for RCU grace periods (~35 ms each here); closing the
 * links from several threads overlaps those waits: the syscalls category
 * (360 tracepoints) detaches in about 13 s instead of 31 s. */
void fth_attachments_close_all(struct fth_attachment *atts, int n);

/* Instances sharing one program (their multi_leader is insts[0]), for
 * fth_provider.attach_multi. cookies[i] is what the program reads as
 * insts[i]'s cookie. prog_fd was loaded for a multi link (its
 * expected_attach_type), which the kernel does not let run from a perf
 * event: a provider that falls back to one attachment per instance asks
 * plain_prog_fd for the same code loaded as a plain program (loaded on the
 * first call, closed with the attachment; errors reported; the fd or
 * negative errno). */
struct fth_multi_group {
	const struct fth_probe_inst *const *insts;
	const uint64_t *cookies;
	int n;
	int prog_fd;
	int (*plain_prog_fd)(const struct fth_multi_group *group);
	void *loader_ctx;
};

struct fth_provider {
	const char *name;         /* canonical, "tracepoint" */
	const char *const *aliases; /* NULL-terminated: "t" */
	enum bpf_prog_type prog_type;
	/* Expand one attach point into instances (pushed to `out`). Reports its
	 * own errors at the attach point's range; returns 0 or negative errno. */
	int (*expand)(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
		      struct fth_ptrvec *out);
	/* Attach a loaded program; fds go into `att`. On error returns negative
	 * errno and writes one sentence into err. */
	int (*attach)(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att,
		      char *err, size_t errlen);
	/* The HINT for attach's error rc (its negative errno) when there is
	 * a better way to trace, or NULL. May be NULL. */
	const char *(*attach_hint)(const struct fth_probe_inst *inst, int rc);
	/* A wildcard's instance that the kernel refused to attach (attach's
	 * rc): true skips it with a warning instead of ending the run, as
	 * bpftrace does for kprobes (some functions cannot be probed). May be
	 * NULL: every failure ends the run. */
	bool (*attach_skippable)(const struct fth_probe_inst *inst, int rc);
	/* Attach one loaded program to several instances at once (see
	 * fth_multi_group). Returns how many of them the kernel refused and
	 * were skipped (not counted as attached), or negative errno. NULL:
	 * the provider attaches one at a time. */
	int (*attach_multi)(const struct fth_multi_group *group, struct fth_attachment *att, struct fth_diag *diag);
	/* The kernel runs the programs attached at one place newest first
	 * (uprobes: each consumer goes to the head of the uprobe's list).
	 * The loader attaches these providers' probes last to first, so
	 * that they run in the order the script declares them. */
	bool runs_newest_first;
	/* Print every probe matching pattern (the part after "provider:"). */
	int (*list)(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out);
	/* For --info: whether this kernel can run the probe type, 1 or 0 (-1
	 * cannot tell), where that takes more than loading a program of
	 * prog_type (a kernel without kprobes still loads kprobe programs;
	 * rawtracepoint falls back from tp_btf to raw_tp). NULL: the
	 * program type decides. */
	int (*supported)(void);
};

/* Provider by name or alias (case-insensitive, as current bpftrace), or NULL. */
const struct fth_provider *fth_provider_find(const char *name);
/* Every provider, for listing and suggestions. */
const struct fth_provider *const *fth_providers(int *count);
/* `fathom -l PATTERN`: 0 or negative errno. */
int fth_probes_list(const char *pattern, bool verbose, FILE *out);
/* -l -p PID: the uprobes and usdt probes of that process's binaries
 * matching PATTERN ("PROVIDER:PATH:REST"; NULL lists them all). */
int fth_user_probes_list_pid(const char *pattern, int pid, bool verbose, FILE *out);
/* The attach point as bpftrace names it in messages: the provider's full
 * name, then the rest as written ("t:syscalls:x" -> "tracepoint:syscalls:x"). */
const char *fth_attach_point_name(struct fth_program *prog, const struct fth_node *attach);
/* config missing_probes = warn or ignore: the provider leaves `attach`
 * out. warn says why (`reason`, at the attach point) and then, as
 * bpftrace, "Unable to attach probe: NAME. Skipping."; ignore says
 * nothing. Returns 0, for the provider to return. */
int fth_probe_skip(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach, const char *reason);
/* The same for a reason bpftrace prints bare ("WARNING: Could not resolve
 * symbol: ..."): said as an attach-time diagnostic (fth_diag_report_attach). */
int fth_probe_skip_attach_time(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			       const char *reason);
/* An integer written in an attach point, read as bpftrace reads one: '_'
 * separators anywhere (1_000), 0x hex, 0b binary, 0 octal, scientific
 * notation with one digit 1-9 before the e (1e6), and the suffixes of
 * integer literals (u, l, ll, ul, ull; ns us ms s m h d scale to
 * nanoseconds). NULL on success, else what is wrong with it. */
const char *fth_attach_uint(const char *text, uint64_t *out);
/* The one instance of software:EVENT[:COUNT] / hardware:EVENT[:COUNT]
 * (event: the kernel's name for it), its count checked; 0 or -EINVAL
 * (reported). */
int fth_perf_event_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			  const struct fth_provider *provider, const char *event, uint64_t default_period,
			  const char *example, struct fth_ptrvec *out);
/* Run a BEGIN/END program once (BPF_PROG_TEST_RUN). */
int fth_probe_run_special(int prog_fd);
/* Run a bench probe's program `repeat` times in a row: its return value
 * and the average nanoseconds of one run. 0 or negative errno. */
int fth_probe_run_bench(int prog_fd, uint32_t repeat, uint32_t *retval, uint32_t *duration_ns);

/* iter probes (probes_more.c). An iterator program runs when its iterator
 * is read, not when an event fires: after attaching, the runtime drives it.
 * fth_probe_find_iter: index in prog->progs of the program's iter probe,
 * or -1 (there is at most one: sema rejects any other probe beside it but
 * BEGIN/END). fth_probe_run_iter: create the iterator from the attachment's
 * link and read it to the end, which runs the program once per object;
 * blocks; 0 or negative errno. Its output goes through the ring buffer like
 * any probe's, so the caller must keep consuming the ring buffer meanwhile
 * (a large iteration outgrows it): fth_probe_iter_start runs the iterator
 * on a thread; `done` turns true when it has finished, and
 * fth_probe_iter_join waits for it and returns fth_probe_run_iter's result. */
int fth_probe_find_iter(const struct fth_program *prog);
int fth_probe_run_iter(const struct fth_attachment *att);
/* iter:NAME:PIN: pin the attached iterator's link at inst->pin_path
 * (mounting the BPF file system on /sys/fs/bpf first if the path is
 * there and it is not mounted); 0 or a negative errno with err set. */
int fth_probe_pin_iter(const struct fth_probe_inst *inst, const struct fth_attachment *att, char *err,
		       size_t errlen);
struct fth_iter_thread {
	pthread_t thread;
	const struct fth_attachment *att;
	atomic_bool done;
	int err;
	bool started;
};
int fth_probe_iter_start(struct fth_iter_thread *t, const struct fth_attachment *att);
int fth_probe_iter_join(struct fth_iter_thread *t);

/* For provider implementations (probes.c, probes_more.c). */
extern const struct fth_provider fth_provider_rawtracepoint, fth_provider_hardware, fth_provider_watchpoint,
	fth_provider_asyncwatchpoint, fth_provider_iter;
/* probes_kernel.c: kprobe/kretprobe, fentry/fexit. */
extern const struct fth_provider fth_provider_kprobe, fth_provider_kretprobe, fth_provider_fentry,
	fth_provider_fexit;
/* probes_user.c: uprobe/uretprobe, usdt. */
extern const struct fth_provider fth_provider_uprobe, fth_provider_uretprobe, fth_provider_usdt;
/* The perf kprobe PMU exists (CONFIG_KPROBES). */
bool fth_kprobes_available(void);
/* The tracepoint ("syscalls:sys_enter_openat") that sees the same event as
 * entering (or returning from) kernel function func, or NULL. */
const char *fth_kernel_func_tracepoint(const char *func, bool is_return);
/* Set by the CLI for -v: kernel-function probes say on stderr when they
 * run on the other mechanism (kprobe as fentry, fentry as kprobe). */
extern bool fth_kernel_probe_verbose;
/* How many probes a script may attach: BPFTRACE_MAX_PROBES, default 512
 * (bpftrace's). */
long fth_max_probes(void);
/* One line of available_filter_functions ("name [module]") or, with
 * kallsyms, of /proc/kallsyms ("addr t name [module]"): 1 and the name and
 * module (NULL for vmlinux) as pointers into line with lengths when it is
 * a function that can be named in an attach point, else 0. */
#include <stddef.h>
int fth_kfunc_parse_line(const char *line, bool kallsyms, const char **name, size_t *nlen, const char **module,
			 size_t *mlen);
/* The kernel function most likely meant by `name`, which the kernel lacks:
 * a build rename of it (name.isra.0, name_noprof) first, else the closest
 * name by edit distance; padding symbols (__pfx_, __cfi_) are never offered.
 * NULL when nothing is close. */
const char *fth_closest_kernel_function(const char *name, const char *const *candidates, int count);
/* The program-wide map of function names (fth_funcs) that programs shared
 * by several instances read `func` from: created on first use, with room
 * for `count` more instances. 0 or negative errno. */
int fth_reserve_func_names(struct fth_program *prog, int count);
/* Kernel feature checks (--info, providers' supported()): 1 yes, 0 no,
 * -1 cannot tell (not allowed to ask). fth_probe_refused maps a refusal's
 * negative errno: EPERM is "no" for root, "cannot tell" for anyone else.
 * fth_try_load loads a small program and closes it; fth_try_load_tracing
 * does so for a BPF_PROG_TYPE_TRACING program on the kernel's BTF entity
 * btf_name (attach type `type`), 0 when BTF has no such entity. */
struct bpf_prog_load_opts;
int fth_probe_refused(int err);
int fth_try_load(enum bpf_prog_type type, const struct bpf_insn *insns, size_t n,
		 const struct bpf_prog_load_opts *opts);
int fth_try_load_tracing(const struct bpf_insn *insns, size_t n, const char *btf_name, enum bpf_attach_type type);
/* Warn, at a wildcard's attach point, that the kernel refused n of its
 * functions (why: the reason) and name them, as many as fit a line. */
void fth_warn_functions_skipped(struct fth_diag *diag, const struct fth_node *attach, const char *target,
				const char *why, const char *const *names, int n);
/* Kernel functions a kprobe wildcard passes over although ftrace can patch
 * them: probing them from BPF makes the kernel report suspicious RCU usage
 * or hang (rcu_* and __rcu_*, the idle loop; the kernel's kprobe_multi
 * selftests and bpftrace leave them out, but for __rcu_*). Named in full
 * they are attached. */
bool fth_kfunc_wildcard_excluded(const char *name);
/* Which instances of a wildcard's kprobe_multi link go into the link
 * (their indexes into in_link) and which are attached one perf kprobe each
 * (apart): the kernel resolves the link's functions by name, so a name
 * goes in once (its first instance); module functions go in only with
 * modules_in_link (kernels before 6.2 look names up in vmlinux only).
 * modules[i] NULL or "vmlinux" for vmlinux. 0 or -ENOMEM. */
int fth_kprobe_multi_split(const char *const *names, const char *const *modules, int n, bool modules_in_link,
			   int *in_link, int *nin, int *apart, int *napart);
struct fth_probe_inst *fth_probe_inst_new(struct fth_program *prog, const struct fth_provider *prov,
					  struct fth_node *attach, const char *name);
struct perf_event_attr;
int fth_perf_event_open(struct perf_event_attr *attr, int pid, int cpu);
/* Open a perf event and link prog_fd to it; err gets one sentence. */
int fth_link_perf_event(int pfd, int prog_fd, struct fth_attachment *att, char *err, size_t errlen,
			const char *what);
/* The same with the cookie the program reads with bpf_get_attach_cookie. */
int fth_link_perf_event_cookie(int pfd, int prog_fd, uint64_t cookie, struct fth_attachment *att, char *err,
			       size_t errlen, const char *what);
int fth_attach_perf_event(struct perf_event_attr *attr, int pid, int cpu, int prog_fd,
			  struct fth_attachment *att, char *err, size_t errlen, const char *what);
/* How a provider words a failed perf_event_open (errnum) for inst. */
typedef void (*fth_perf_open_error_fn)(const struct fth_probe_inst *inst, int errnum, char *err, size_t errlen);
/* Link prog_fd to a perf event of attr on every online CPU, or, with
 * pid > 0, to one event that follows pid on any CPU. open_error words an
 * open failure (NULL: the generic "cannot open perf event" sentence). */
int fth_attach_perf_on_cpus(const struct fth_probe_inst *inst, struct perf_event_attr *attr, int pid, int prog_fd,
			    struct fth_attachment *att, char *err, size_t errlen, fth_perf_open_error_fn open_error);
/* Online CPU numbers (at least one), count returned. */
int fth_online_cpus(int *cpus, int max);

#endif
