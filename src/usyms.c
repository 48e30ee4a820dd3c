/* usyms.c - user-space symbolization, see usyms.h. */
#include "usyms.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "elfsym.h"
#include "vec.h"

#define PROCESS_BUCKETS 1024
/* A live process whose cached mappings miss an address is read again at
 * most this often (a stack of garbage frames must not re-read it per frame). */
#define REREAD_INTERVAL_NS 100000000ULL
/* Exited processes whose mappings are kept so that their stacks still
 * resolve when printed later (a map printed at exit holds stacks of
 * processes long gone). Beyond this many the oldest exited one is
 * forgotten, so that a trace of a busy machine (thousands of short
 * processes a second) does not grow without end; its addresses then
 * print raw, as they would had it exited before the trace began. */
#define MAX_EXITED_PROCESSES FTH_USYMS_MAX_EXITED
/* File trees other than fathom's (containers) held open so that their
 * processes' files can still be read once the processes are gone: each
 * holds two descriptors and pins the tree's mounts, so only this many of
 * those whose processes have all exited are kept (the newest). */
#define MAX_HELD_VIEWS FTH_USYMS_MAX_HELD_VIEWS

struct mapping {
	uint64_t start, end, file_offset;
	uint64_t time;            /* when the kernel made it, or it was read from
	                           * /proc (CLOCK_MONOTONIC, the records' clock) */
	char *path;
};

/* A JIT's symbols from /tmp/perf-PID.map: "START SIZE NAME" in hex. */
struct perf_sym {
	uint64_t start, size;
	char *name;
};

struct process {
	int pid;
	struct mapping *maps;
	int nmaps, cap;
	/* maps holds every executable mapping: read from /proc/PID/maps, or
	 * followed from the process's exec (or fork) on. A process first seen
	 * through one new mapping is not complete. */
	bool complete;
	uint64_t exec_time;       /* time of its newest exec, 0 if none seen */
	uint64_t read_at;         /* CLOCK_MONOTONIC ns of the last /proc read */
	struct perf_sym *perf_syms;
	int nperf_syms;
	off_t perf_map_size;      /* -1: not read yet */
	char *perf_map_path;
	uint64_t born;            /* time of the fork record that made it, 0 if none seen */
	uint64_t exit_time;       /* time of its exit record, when exited */
	bool exited;
	/* the file tree it sees when not fathom's (a container's), or NULL */
	struct file_view *view;
	bool view_seen;           /* ... was looked at (it was not gone yet) */
	struct process *exited_prev, *exited_next; /* fth_usyms.exited, oldest first */
	struct process *next;     /* hash chain */
};

/* A file tree other than fathom's: another mount namespace, or another
 * root directory (chroot), or both. Its paths are opened through the
 * process's root, held open here (root_fd) with the namespace (ns_fd),
 * which keeps the tree's mounts in place after its last process exits,
 * as the stacks of a container printed at the end need. */
struct file_view {
	ino_t mnt_ns;
	dev_t root_dev;
	ino_t root_ino;
	int root_fd, ns_fd;       /* -1 once let go (MAX_HELD_VIEWS) */
	/* its root directory is fathom's all the same (a service's private
	 * /tmp, say): fathom's files stand in when its own cannot be read */
	bool same_root;
	uint64_t id;              /* names it in file_syms; never reused */
	int refs;                 /* processes that see it */
	int live;                 /* ... of which have not exited */
	struct file_view *next;   /* fth_usyms.views, newest first */
};

/* A file's symbols, read once however many paths lead to it (each
 * container's /proc/PID/root/usr/lib/libc.so.6 is the same file). */
struct file_content {
	struct fth_elf elf;
	bool ok;
	int refs;
};

/* One content of a file: a binary rebuilt while the trace runs has one
 * per build, each for the mappings made while it was the file. */
struct file_version {
	struct file_content *content;
	uint64_t valid_from;      /* CLOCK_MONOTONIC ns: its status change time */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	off_t size;
};

struct file_syms {
	char *path;               /* as the processes see it */
	uint64_t view;            /* in which file tree (file_view.id); 0: fathom's */
	struct file_version *versions; /* oldest first */
	int nversions, cap;
	uint64_t checked_at;      /* when the file was last looked at (stat) */
};

struct fth_usyms {
	struct process *buckets[PROCESS_BUCKETS];
	struct file_syms *files;
	int nfiles;
	ino_t own_mnt_ns;         /* fathom's mount namespace, 0 if unknown */
	struct stat own_root;     /* fathom's root directory */
	bool own_known;           /* own_mnt_ns and own_root could be read */
	struct file_view *views;
	uint64_t last_view_id;
	/* fth_usyms_follow_mappings: PERF_RECORD_MMAP2/COMM/FORK records of
	 * every CPU, read by libbpf's raw perf buffer. */
	struct perf_buffer *records;
	int records_map_fd;
	/* Processes whose exit record was read, oldest exit first. */
	struct process *exited_oldest, *exited_newest;
	int nexited;
	/* The kernel dropped records (its buffer was full): exits may be
	 * among them, so the next poll looks for processes that are gone. */
	bool records_lost;
	/* The records one read of every CPU's buffer gave, copied end to
	 * end, and where each starts: applied in time order (batch_order). */
	char *batch;
	size_t batch_len, batch_cap;
	struct batched_record *batch_order;
	int nbatched, batch_order_cap;
};

struct batched_record {
	uint64_t time;
	size_t at;  /* offset in batch; its order read breaks ties */
};

static ino_t mount_namespace(const char *pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pid);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

struct fth_usyms *fth_usyms_new(void)
{
	struct fth_usyms *u = calloc(1, sizeof(struct fth_usyms));

	if (u) {
		u->records_map_fd = -1;
		u->own_mnt_ns = mount_namespace("self");
		u->own_known = u->own_mnt_ns && stat("/", &u->own_root) == 0;
	}
	return u;
}

static void release_content(struct file_content *c)
{
	if (c && --c->refs == 0) {
		if (c->ok)
			fth_elf_close(&c->elf);
		free(c);
	}
}

static void free_maps(struct process *p)
{
	for (int j = 0; j < p->nmaps; j++)
		free(p->maps[j].path);
	free(p->maps);
	p->maps = NULL;
	p->nmaps = p->cap = 0;
}

static void free_perf_syms(struct process *p)
{
	for (int j = 0; j < p->nperf_syms; j++)
		free(p->perf_syms[j].name);
	free(p->perf_syms);
	p->perf_syms = NULL;
	p->nperf_syms = 0;
}

static void set_view(struct fth_usyms *u, struct process *p, struct file_view *v);

static void free_process(struct fth_usyms *u, struct process *p)
{
	set_view(u, p, NULL);
	free_maps(p);
	free_perf_syms(p);
	free(p->perf_map_path);
	free(p);
}

void fth_usyms_free(struct fth_usyms *u)
{
	if (!u)
		return;
	perf_buffer__free(u->records);
	if (u->records_map_fd >= 0)
		close(u->records_map_fd);
	for (int b = 0; b < PROCESS_BUCKETS; b++) {
		for (struct process *p = u->buckets[b], *next; p; p = next) {
			next = p->next;
			free_process(u, p);
		}
	}
	for (int i = 0; i < u->nfiles; i++) {
		for (int j = 0; j < u->files[i].nversions; j++)
			release_content(u->files[i].versions[j].content);
		free(u->files[i].versions);
		free(u->files[i].path);
	}
	free(u->files);
	free(u->batch);
	free(u->batch_order);
	free(u);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int add_mapping(struct process *p, uint64_t start, uint64_t end, uint64_t off, uint64_t time,
		       const char *path)
{
	struct mapping *m = fth_vec_grow(p->maps, p->nmaps, &p->cap, sizeof(*m), 16);

	if (!m)
		return -ENOMEM;
	p->maps = m;
	p->maps[p->nmaps] = (struct mapping){ .start = start, .end = end, .file_offset = off, .time = time };
	p->maps[p->nmaps].path = strdup(path);
	if (!p->maps[p->nmaps].path)
		return -ENOMEM;
	p->nmaps++;
	return 0;
}

/* Replace p's mappings with the file-backed ones of /proc/PID/maps: 0, or
 * negative errno when the process is gone (p is left as it was). */
static int read_proc_maps(struct process *p)
{
	char path[64], line[4096];
	struct process fresh = { .pid = p->pid };
	/* Stamped with the time of reading (the perf records' clock): an exec
	 * record older than this read, processed later, must not drop them. */
	uint64_t now = monotonic_ns();
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", p->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		char perms[8];
		int consumed = 0;
		char *file;
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &consumed) < 4 ||
		    !consumed)
			continue;
		file = line + consumed;
		file[strcspn(file, "\n")] = '\0';
		if (file[0] != '/')
			continue;
		if (add_mapping(&fresh, start, end, off, now, file))
			break;
	}
	fclose(f);
	/* A zombie's maps file reads empty: keep what was followed. */
	if (!fresh.nmaps) {
		free_maps(&fresh);
		return -ESRCH;
	}
	free_maps(p);
	p->maps = fresh.maps;
	p->nmaps = fresh.nmaps;
	p->cap = fresh.cap;
	p->complete = true;
	p->read_at = now;
	return 0;
}

static struct process *find_process(struct fth_usyms *u, int pid)
{
	for (struct process *p = u->buckets[(unsigned)pid % PROCESS_BUCKETS]; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* ---------------------------------------------------------- file trees */

/* Let go of v's descriptors: its files can then be read only through a
 * live process's /proc/PID/root. */
static void let_go_of_view(struct file_view *v)
{
	if (v->root_fd >= 0)
		close(v->root_fd);
	if (v->ns_fd >= 0)
		close(v->ns_fd);
	v->root_fd = v->ns_fd = -1;
}

static void release_content(struct file_content *c);

/* Forget the symbol tables of the files of view id. */
static void drop_view_files(struct fth_usyms *u, uint64_t id)
{
	int k = 0;

	for (int i = 0; i < u->nfiles; i++) {
		struct file_syms *f = &u->files[i];
		if (f->view != id) {
			u->files[k++] = *f;
			continue;
		}
		for (int j = 0; j < f->nversions; j++)
			release_content(f->versions[j].content);
		free(f->versions);
		free(f->path);
	}
	u->nfiles = k;
}

/* Hold the newest MAX_HELD_VIEWS views whose processes have all exited;
 * older ones are let go (those with live processes are always held). */
static void trim_held_views(struct fth_usyms *u)
{
	int idle = 0;

	for (struct file_view *v = u->views; v; v = v->next)
		if (v->root_fd >= 0 && !v->live && ++idle > MAX_HELD_VIEWS)
			let_go_of_view(v);
}

/* p sees v (NULL: fathom's tree) from now on. */
static void set_view(struct fth_usyms *u, struct process *p, struct file_view *v)
{
	struct file_view *old = p->view;

	if (v == old)
		return;
	if (v) {
		v->refs++;
		v->live += !p->exited;
	}
	p->view = v;
	if (!old)
		return;
	old->live -= !p->exited;
	if (--old->refs == 0) {
		struct file_view **link = &u->views;
		while (*link != old)
			link = &(*link)->next;
		*link = old->next;
		drop_view_files(u, old->id);
		let_go_of_view(old);
		free(old);
	} else if (!old->live) {
		trim_held_views(u);
	}
}

/* p has exited (or, exiting is undone: a new process has its pid). */
static void view_process_exits(struct fth_usyms *u, struct process *p, bool exits)
{
	if (!p->view)
		return;
	p->view->live += exits ? -1 : 1;
	if (!p->view->live)
		trim_held_views(u);
}

/* The file tree p sees, looked at while it runs: fathom's, or a view
 * shared with the other processes of that namespace and root. False
 * when p is gone (nothing is changed then). */
static bool see_root(struct fth_usyms *u, struct process *p)
{
	char path[64];
	struct stat ns, root;
	struct file_view *v;
	int ns_fd, root_fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", p->pid);
	ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/root", p->pid);
	root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ns_fd < 0 || root_fd < 0 || fstat(ns_fd, &ns) || fstat(root_fd, &root) || !u->own_known) {
		if (ns_fd >= 0)
			close(ns_fd);
		if (root_fd >= 0)
			close(root_fd);
		return false;
	}
	for (v = u->views; v; v = v->next)
		if (v->mnt_ns == ns.st_ino && v->root_dev == root.st_dev && v->root_ino == root.st_ino)
			break;
	if (ns.st_ino == u->own_mnt_ns && root.st_dev == u->own_root.st_dev && root.st_ino == u->own_root.st_ino) {
		v = NULL;
	} else if (!v && (v = calloc(1, sizeof(*v)))) {
		v->mnt_ns = ns.st_ino;
		v->root_dev = root.st_dev;
		v->root_ino = root.st_ino;
		v->same_root = root.st_dev == u->own_root.st_dev && root.st_ino == u->own_root.st_ino;
		v->id = ++u->last_view_id;
		v->root_fd = v->ns_fd = -1;
		v->next = u->views;
		u->views = v;
	}
	if (v && v->root_fd < 0) {
		/* held (again: a process shows a let-go tree once more) */
		v->root_fd = root_fd;
		v->ns_fd = ns_fd;
	} else {
		close(root_fd);
		close(ns_fd);
	}
	set_view(u, p, v);
	return true;
}

/* The path fathom opens for path in p's file tree, in out; false when
 * there is none (p's tree was let go and p is gone). */
static bool path_in_view(const struct process *p, const char *path, char *out, size_t size)
{
	int n;

	if (!p->view)
		n = snprintf(out, size, "%s", path);
	else if (p->view->root_fd >= 0)
		n = snprintf(out, size, "/proc/self/fd/%d%s", p->view->root_fd, path);
	else if (!p->exited)
		n = snprintf(out, size, "/proc/%d/root%s", p->pid, path);
	else
		return false;
	return n >= 0 && (size_t)n < size;
}

static struct process *new_process(struct fth_usyms *u, int pid)
{
	struct process *p = calloc(1, sizeof(*p));
	unsigned b = (unsigned)pid % PROCESS_BUCKETS;

	if (!p)
		return NULL;
	p->pid = pid;
	p->perf_map_size = -1;
	p->view_seen = see_root(u, p);
	p->next = u->buckets[b];
	u->buckets[b] = p;
	return p;
}

static void unlink_exited(struct fth_usyms *u, struct process *p)
{
	if (!p->exited)
		return;
	if (p->exited_prev)
		p->exited_prev->exited_next = p->exited_next;
	else
		u->exited_oldest = p->exited_next;
	if (p->exited_next)
		p->exited_next->exited_prev = p->exited_prev;
	else
		u->exited_newest = p->exited_prev;
	p->exited_prev = p->exited_next = NULL;
	p->exited = false;
	u->nexited--;
	view_process_exits(u, p, false);
}

/* Into the list by exit time: each CPU's records come in order, but one
 * CPU's may be read after another's newer ones, so the place is found
 * from the newest end (a short walk but for such a batch). */
static void mark_exited(struct fth_usyms *u, struct process *p, uint64_t time)
{
	struct process *before;

	unlink_exited(u, p);
	before = u->exited_newest;
	while (before && before->exit_time > time)
		before = before->exited_prev;
	p->exited = true;
	view_process_exits(u, p, true);
	p->exit_time = time;
	p->exited_prev = before;
	p->exited_next = before ? before->exited_next : u->exited_oldest;
	if (p->exited_next)
		p->exited_next->exited_prev = p;
	else
		u->exited_newest = p;
	if (before)
		before->exited_next = p;
	else
		u->exited_oldest = p;
	u->nexited++;
}

/* Forget the oldest exited processes beyond MAX_EXITED_PROCESSES. Only
 * fth_usyms_poll does this, between lookups: names a lookup returned
 * stay valid while the caller prints them. */
static void forget_exited(struct fth_usyms *u)
{
	while (u->nexited > MAX_EXITED_PROCESSES) {
		struct process *p = u->exited_oldest, **link;

		unlink_exited(u, p);
		for (link = &u->buckets[(unsigned)p->pid % PROCESS_BUCKETS]; *link != p; link = &(*link)->next)
			;
		*link = p->next;
		free_process(u, p);
	}
}

/* The pid now names a new process: what was known of the old one goes. */
static void start_over(struct fth_usyms *u, struct process *p)
{
	unlink_exited(u, p);
	free_maps(p);
	free_perf_syms(p);
	p->perf_map_size = -1;
	p->complete = false;
	p->exec_time = p->read_at = p->born = p->exit_time = 0;
	set_view(u, p, NULL);
	p->view_seen = see_root(u, p);
}

/* Whether all that is known of p predates `time`, so that p is an
 * earlier process with the same pid as one made at `time`. */
static bool known_only_before(const struct process *p, uint64_t time)
{
	if (p->born >= time || p->exec_time >= time || p->read_at >= time)
		return false;
	for (int i = 0; i < p->nmaps; i++)
		if (p->maps[i].time >= time)
			return false;
	return true;
}

/* The process a record made at `time` belongs to: a pid seen exiting
 * before then names a new process (its fork record, from another CPU,
 * may not be read yet). NULL for a record older than the fork of the
 * process that has the pid now: it was about an earlier one. */
static struct process *process_at(struct fth_usyms *u, int pid, uint64_t time)
{
	struct process *p = find_process(u, pid);

	if (p && time < p->born)
		return NULL;
	if (p && p->exited && time > p->exit_time)
		start_over(u, p);
	return p ? p : new_process(u, pid);
}

/* ------------------------------------------------- following mappings */

/* The sample_id trailer of every record (sample_id_all): pid, tid, time. */
struct record_id {
	uint32_t pid, tid;
	uint64_t time;
};

static bool record_id_of(const struct perf_event_header *h, struct record_id *id)
{
	if (h->size < sizeof(*h) + sizeof(*id))
		return false;
	memcpy(id, (const char *)h + h->size - sizeof(*id), sizeof(*id));
	return true;
}

static void on_mmap2(struct fth_usyms *u, const struct perf_event_header *h)
{
	struct {
		uint32_t pid, tid;
		uint64_t addr, len, pgoff;
		uint32_t maj, min;
		uint64_t ino, ino_generation;
		uint32_t prot, flags;
	} r;
	const char *name = (const char *)h + sizeof(*h) + sizeof(r);
	struct record_id id;
	struct process *p;
	size_t room;

	if (h->size < sizeof(*h) + sizeof(r) + sizeof(id) || !record_id_of(h, &id))
		return;
	memcpy(&r, (const char *)h + sizeof(*h), sizeof(r));
	room = h->size - sizeof(*h) - sizeof(r) - sizeof(id);
	/* Files only: anonymous executable memory (a JIT's) is "//anon". */
	if (!memchr(name, '\0', room) || name[0] != '/' || name[1] == '/')
		return;
	if (!(p = process_at(u, (int)r.pid, id.time)))
		return;
	/* A mapping older than the exec it belongs before (records of
	 * different CPUs arrive in any order) is gone already. */
	if (id.time < p->exec_time)
		return;
	add_mapping(p, r.addr, r.addr + r.len, r.pgoff, id.time, name);
}

/* exec: the process starts over with no mappings. */
static void on_exec(struct fth_usyms *u, const struct perf_event_header *h)
{
	uint32_t ids[2];
	struct record_id id;
	struct process *p;
	int k = 0;

	if (!(h->misc & PERF_RECORD_MISC_COMM_EXEC) || h->size < sizeof(*h) + sizeof(ids) || !record_id_of(h, &id))
		return;
	memcpy(ids, (const char *)h + sizeof(*h), sizeof(ids));
	if (!(p = process_at(u, (int)ids[0], id.time)))
		return;
	if (id.time < p->exec_time)
		return;
	/* Mappings made after the exec (read from another CPU first) stay. */
	for (int i = 0; i < p->nmaps; i++) {
		if (p->maps[i].time > id.time)
			p->maps[k++] = p->maps[i];
		else
			free(p->maps[i].path);
	}
	p->nmaps = k;
	p->exec_time = id.time;
	p->complete = true;
	/* unshare(1) and container runtimes enter their namespace before
	 * the exec, after the fork that made the process (gone already, it
	 * keeps the tree it had) */
	if (see_root(u, p))
		p->view_seen = true;
}

/* fork: a new process has its parent's mappings. */
static void on_fork(struct fth_usyms *u, const struct perf_event_header *h)
{
	uint32_t ids[4]; /* pid, ppid, tid, ptid */
	struct process *parent, *child;
	struct record_id id;

	if (h->size < sizeof(*h) + sizeof(ids) || !record_id_of(h, &id))
		return;
	memcpy(ids, (const char *)h + sizeof(*h), sizeof(ids));
	if (ids[0] == ids[1])
		return; /* a new thread */
	/* Known already: from its own records, read first from another CPU,
	 * or an earlier process with the same pid, which this one replaces. */
	child = find_process(u, (int)ids[0]);
	if (child && !known_only_before(child, id.time))
		return;
	parent = find_process(u, (int)ids[1]);
	if ((!parent || !parent->complete) && (parent || (parent = new_process(u, (int)ids[1]))))
		read_proc_maps(parent);
	if (!parent || !parent->complete)
		return;
	if (child)
		start_over(u, child);
	else if (!(child = new_process(u, (int)ids[0])))
		return;
	child->born = id.time;
	/* gone before it could be looked at: it saw its parent's files */
	if (!child->view_seen)
		set_view(u, child, parent->view);
	/* with the parent's times: the files are as they were when the
	 * parent mapped them, not as they are at the fork */
	for (int i = 0; i < parent->nmaps; i++)
		add_mapping(child, parent->maps[i].start, parent->maps[i].end, parent->maps[i].file_offset,
			    parent->maps[i].time, parent->maps[i].path);
	child->complete = true;
}

/* exit of a process (its last thread): its mappings are kept for the
 * stacks still to print, among the MAX_EXITED_PROCESSES newest exits. */
static void on_exit_record(struct fth_usyms *u, const struct perf_event_header *h)
{
	uint32_t ids[4]; /* pid, ppid, tid, ptid */
	struct record_id id;
	struct process *p;

	if (h->size < sizeof(*h) + sizeof(ids) || !record_id_of(h, &id))
		return;
	memcpy(ids, (const char *)h + sizeof(*h), sizeof(ids));
	if (ids[0] != ids[2])
		return; /* a thread other than the main one */
	p = find_process(u, (int)ids[0]);
	/* an exit older than the fork of the process now known by that pid */
	if (!p || id.time < p->born || (p->exited && id.time <= p->exit_time))
		return;
	mark_exited(u, p, id.time);
}

void fth_usyms_record(struct fth_usyms *u, const struct perf_event_header *h)
{
	switch (h->type) {
	case PERF_RECORD_MMAP2:
		on_mmap2(u, h);
		break;
	case PERF_RECORD_COMM:
		on_exec(u, h);
		break;
	case PERF_RECORD_FORK:
		on_fork(u, h);
		break;
	case PERF_RECORD_EXIT:
		on_exit_record(u, h);
		break;
	case PERF_RECORD_LOST:
		u->records_lost = true;
		break;
	default:
		break;
	}
}

/* Keep a copy for read_records. A record that does not fit in memory is
 * lost like one the kernel dropped. */
static enum bpf_perf_event_ret on_record(void *ctx, int cpu, struct perf_event_header *h)
{
	struct fth_usyms *u = ctx;
	struct record_id id = { 0 };
	struct batched_record *order;
	size_t size = h->size;

	(void)cpu;
	if (u->batch_len + size > u->batch_cap) {
		size_t cap = u->batch_cap ? u->batch_cap : 65536;
		char *grown;
		while (cap < u->batch_len + size)
			cap *= 2;
		if (!(grown = realloc(u->batch, cap))) {
			u->records_lost = true;
			return LIBBPF_PERF_EVENT_CONT;
		}
		u->batch = grown;
		u->batch_cap = cap;
	}
	if (!(order = fth_vec_grow(u->batch_order, u->nbatched, &u->batch_order_cap, sizeof(*order), 256))) {
		u->records_lost = true;
		return LIBBPF_PERF_EVENT_CONT;
	}
	u->batch_order = order;
	record_id_of(h, &id);
	memcpy(u->batch + u->batch_len, h, size);
	order[u->nbatched++] = (struct batched_record){ .time = id.time, .at = u->batch_len };
	u->batch_len += size;
	return LIBBPF_PERF_EVENT_CONT;
}

static int batched_record_cmp(const void *a, const void *b)
{
	const struct batched_record *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

int fth_usyms_follow_mappings(struct fth_usyms *u)
{
	struct perf_event_attr attr;
	int ncpus = libbpf_num_possible_cpus();

	if (u->records)
		return 0;
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_DUMMY;
	attr.mmap = 1;          /* executable mappings only */
	attr.mmap2 = 1;
	attr.comm = 1;
	attr.comm_exec = 1;
	attr.task = 1;
	attr.sample_id_all = 1;
	attr.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
	attr.use_clockid = 1;
	attr.clockid = CLOCK_MONOTONIC;
	attr.wakeup_events = 1;
	attr.exclude_kernel = 1;
	u->records_map_fd = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "fth_mmaps", sizeof(int), sizeof(int),
					   (uint32_t)ncpus, NULL);
	if (u->records_map_fd < 0)
		return u->records_map_fd;
	u->records = perf_buffer__new_raw(u->records_map_fd, 64, &attr, on_record, u, NULL);
	if (!u->records) {
		int err = -errno;
		close(u->records_map_fd);
		u->records_map_fd = -1;
		return err;
	}
	return 0;
}

/* Read the records the kernel has queued, and apply them oldest first.
 * Each CPU's buffer is in time order, but the buffers are read one after
 * another: a fork read before its parent's exec on another CPU would copy
 * the mappings the parent had before the exec. Processes are not freed
 * here: a lookup in progress holds one. */
static void read_records(struct fth_usyms *u)
{
	if (!u->records)
		return;
	perf_buffer__consume(u->records);
	if (u->nbatched > 1)
		qsort(u->batch_order, (size_t)u->nbatched, sizeof(*u->batch_order), batched_record_cmp);
	for (int i = 0; i < u->nbatched; i++)
		fth_usyms_record(u, (const struct perf_event_header *)(u->batch + u->batch_order[i].at));
	u->nbatched = 0;
	u->batch_len = 0;
}

/* After lost records: a process that no longer exists exited unseen. */
static void find_unseen_exits(struct fth_usyms *u)
{
	uint64_t now = monotonic_ns();

	u->records_lost = false;
	for (int b = 0; b < PROCESS_BUCKETS; b++)
		for (struct process *p = u->buckets[b]; p; p = p->next)
			if (!p->exited && kill(p->pid, 0) < 0 && errno == ESRCH)
				mark_exited(u, p, now);
}

void fth_usyms_poll(struct fth_usyms *u)
{
	if (!u)
		return;
	read_records(u);
	if (u->records_lost)
		find_unseen_exits(u);
	forget_exited(u);
}

/* -------------------------------------------------------------- lookup */

static bool same_file(const struct file_version *v, const struct stat *st)
{
	return v->dev == st->st_dev && v->ino == st->st_ino && v->size == st->st_size &&
	       v->ctime.tv_sec == st->st_ctim.tv_sec && v->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* When the path got the content st describes, on the monotonic clock of
 * the mappings' times (0 when that was before the machine booted): its
 * status change time, which a write, a rename into place or a copy that
 * keeps the modification time (cp -p, an unpacked archive) all set. */
static uint64_t changed_at(const struct stat *st, uint64_t now)
{
	struct timespec real;
	int64_t age;

	clock_gettime(CLOCK_REALTIME, &real);
	age = ((int64_t)real.tv_sec - st->st_ctim.tv_sec) * 1000000000LL + (real.tv_nsec - st->st_ctim.tv_nsec);
	if (age < 0)
		return now + 1; /* in the future: a clock that disagrees */
	return (uint64_t)age >= now ? 0 : now - (uint64_t)age;
}

/* Look at the file again: a new content becomes a new version, valid for
 * mappings made from its change time on; earlier mappings were of an
 * older content, whose symbols these are not. Clocks may disagree: a
 * change time in the future makes the first version valid for all
 * mappings, and a later one valid from the previous look at the file. */
/* The symbols of the file st describes: those read for another path to
 * the same file, or read from path now. NULL when out of memory. */
static struct file_content *content_of(struct fth_usyms *u, const char *path, const struct stat *st)
{
	struct file_content *c;

	for (int i = 0; i < u->nfiles; i++)
		for (int j = 0; j < u->files[i].nversions; j++)
			if (u->files[i].versions[j].content && same_file(&u->files[i].versions[j], st)) {
				c = u->files[i].versions[j].content;
				c->refs++;
				return c;
			}
	if (!(c = calloc(1, sizeof(*c))))
		return NULL;
	c->refs = 1;
	c->ok = fth_elf_open(path, &c->elf) == 0;
	return c;
}

/* (open is the path to the file from fathom's mount namespace.) */
static void check_file(struct fth_usyms *u, struct file_syms *f, const char *open)
{
	uint64_t now = monotonic_ns(), from;
	struct file_version *v;
	struct stat st;

	if (stat(open, &st) < 0 || (f->nversions && same_file(&f->versions[f->nversions - 1], &st))) {
		f->checked_at = now;
		return;
	}
	from = changed_at(&st, now);
	if (from > now)
		from = f->nversions ? f->checked_at : 0;
	else if (f->nversions && from < f->checked_at)
		from = f->checked_at;
	if (!(v = fth_vec_grow(f->versions, f->nversions, &f->cap, sizeof(*v), 2)))
		return;
	f->versions = v;
	v = &f->versions[f->nversions++];
	memset(v, 0, sizeof(*v));
	v->valid_from = from;
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	v->ctime = st.st_ctim;
	v->size = st.st_size;
	v->content = content_of(u, open, &st);
	f->checked_at = now;
}

/* The content path had, in process p's file tree, when a mapping of it
 * was made at `time`, or NULL when it is gone (deleted, or rebuilt since
 * that mapping: its symbols would be another build's). A mapping newer
 * than the last look at the file has it looked at again; a container's
 * file is looked at through the root of p's file tree. */
static struct file_version *file_of(struct fth_usyms *u, const struct process *p, const char *path,
				    uint64_t time)
{
	struct file_syms *f = NULL;
	uint64_t view = p->view ? p->view->id : 0;
	char open[PATH_MAX];

	if (!path_in_view(p, path, open, sizeof(open)))
		return NULL;
	for (int i = 0; i < u->nfiles && !f; i++)
		if (u->files[i].view == view && !strcmp(u->files[i].path, path))
			f = &u->files[i];
	if (!f) {
		if (!(f = realloc(u->files, sizeof(*f) * (size_t)(u->nfiles + 1))))
			return NULL;
		u->files = f;
		f = &u->files[u->nfiles++];
		memset(f, 0, sizeof(*f));
		if (!(f->path = strdup(path))) {
			u->nfiles--;
			return NULL;
		}
		f->view = view;
	}
	if (!f->nversions || time >= f->checked_at)
		check_file(u, f, open);
	for (int i = f->nversions - 1; i >= 0; i--)
		if (f->versions[i].valid_from <= time)
			return f->versions[i].content && f->versions[i].content->ok ? &f->versions[i] : NULL;
	return NULL;
}

/* The process's cached mappings, read from /proc the first time (or
 * while only partly known), or NULL. */
static struct process *process_of(struct fth_usyms *u, int pid)
{
	struct process *p = find_process(u, pid);

	if (!p) {
		/* Records not yet read may know it (it may have exited). */
		read_records(u);
		p = find_process(u, pid);
	}
	if (!p) {
		if (!(p = new_process(u, pid)))
			return NULL;
		/* Gone before it was ever seen: remembered as exited, so that
		 * stray pids take no more room than MAX_EXITED_PROCESSES. */
		if (read_proc_maps(p) < 0)
			mark_exited(u, p, monotonic_ns());
	} else if (!p->complete && !p->exited) {
		read_proc_maps(p);
	}
	return p;
}

/* Whose files are fathom's own (no foreign mount namespace). */
static const struct process fathoms_view = { .pid = 0 };

/* 1: found in p's file mappings; 0: in a file mapping but no symbol; -1:
 * no file mapping covers addr. */
static int lookup_in_files(struct fth_usyms *u, const struct process *p, uint64_t addr, const char **sym,
			   uint64_t *offset, const char **module)
{
	/* The newest mapping wins: a followed process may have remapped. */
	for (int i = p->nmaps - 1; i >= 0; i--) {
		const struct mapping *m = &p->maps[i];
		struct file_version *f;
		const struct fth_elf *elf;
		uint64_t file_off, vaddr = 0;
		const struct fth_elf_sym *s;
		bool found = false;
		if (addr < m->start || addr >= m->end)
			continue;
		f = file_of(u, p, m->path, m->time);
		if (!f && p->view && p->view->same_root)
			f = file_of(u, &fathoms_view, m->path, m->time);
		if (!f)
			return 0;
		elf = &f->content->elf;
		/* runtime address -> file offset -> the ELF's own address */
		file_off = addr - m->start + m->file_offset;
		for (int j = 0; j < elf->nsegs; j++) {
			const struct fth_elf_seg *seg = &elf->segs[j];
			if (file_off >= seg->offset && file_off < seg->offset + seg->filesz) {
				vaddr = file_off - seg->offset + seg->vaddr;
				found = true;
				break;
			}
		}
		s = found ? fth_elf_containing(elf, vaddr) : NULL;
		if (!s)
			return 0;
		*sym = fth_elf_display_name(s);
		*offset = vaddr - s->addr;
		*module = m->path;
		return 1;
	}
	return -1;
}

static int perf_sym_cmp(const void *a, const void *b)
{
	const struct perf_sym *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* (Re)read the process's perf map when it is new or has grown. */
static void load_perf_map(struct process *p)
{
	char path[128], line[4096];
	struct stat st;
	int cap = 0;
	FILE *f;

	/* Inside a container the file is in the process's own /tmp. */
	snprintf(path, sizeof(path), "/proc/%d/root/tmp/perf-%d.map", p->pid, p->pid);
	if (stat(path, &st)) {
		snprintf(path, sizeof(path), "/tmp/perf-%d.map", p->pid);
		if (stat(path, &st))
			return;
	}
	if (st.st_size == p->perf_map_size || !(f = fopen(path, "re")))
		return;
	free_perf_syms(p);
	free(p->perf_map_path);
	p->perf_map_path = strdup(path);
	p->perf_map_size = st.st_size;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, size;
		int consumed = 0;
		if (sscanf(line, "%llx %llx %n", &start, &size, &consumed) < 2 || !consumed)
			continue;
		line[strcspn(line, "\n")] = '\0';
		struct perf_sym *s = fth_vec_grow(p->perf_syms, p->nperf_syms, &cap, sizeof(*s), 64);
		if (!s)
			break;
		p->perf_syms = s;
		p->perf_syms[p->nperf_syms].start = start;
		p->perf_syms[p->nperf_syms].size = size;
		p->perf_syms[p->nperf_syms].name = strdup(line + consumed);
		if (!p->perf_syms[p->nperf_syms].name)
			break;
		p->nperf_syms++;
	}
	fclose(f);
	/* a map read while the JIT has written nothing yet has no array */
	if (p->nperf_syms > 1)
		qsort(p->perf_syms, (size_t)p->nperf_syms, sizeof(*p->perf_syms), perf_sym_cmp);
}

static bool lookup_in_perf_map(struct process *p, uint64_t addr, const char **sym, uint64_t *offset,
			       const char **module)
{
	int lo = 0, hi;

	load_perf_map(p);
	hi = p->nperf_syms - 1;
	/* the last symbol starting at or below addr */
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (p->perf_syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	if (hi < 0 || addr >= p->perf_syms[hi].start + p->perf_syms[hi].size)
		return false;
	*sym = p->perf_syms[hi].name;
	*offset = addr - p->perf_syms[hi].start;
	*module = p->perf_map_path;
	return true;
}

bool fth_usyms_lookup(struct fth_usyms *u, int pid, uint64_t addr, const char **sym, uint64_t *offset,
		      const char **module)
{
	struct process *p = process_of(u, pid);
	int rc;

	if (!p)
		return false;
	rc = lookup_in_files(u, p, addr, sym, offset, module);
	if (rc <= 0 && u->records) {
		/* An exec or a dlopen whose records are not read yet (the
		 * mappings may still be the parent's): cheap, no syscall. */
		read_records(u);
		rc = lookup_in_files(u, p, addr, sym, offset, module);
	}
	/* /proc of an exited process would show whoever has its pid now */
	if (rc <= 0 && !p->exited && monotonic_ns() - p->read_at > REREAD_INTERVAL_NS && read_proc_maps(p) == 0)
		rc = lookup_in_files(u, p, addr, sym, offset, module);
	if (rc > 0)
		return true;
	return rc < 0 && lookup_in_perf_map(p, addr, sym, offset, module);
}
