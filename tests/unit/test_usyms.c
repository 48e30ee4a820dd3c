/* test_usyms.c - the processes fth_usyms follows from the kernel's perf
 * records: exits kept up to a bound, pids given to new processes, records
 * of different CPUs read out of order, lost records. The records are made
 * here and name this test's own executable, so that a lookup of one of
 * its functions tells which mappings a process has. */
#include <linux/perf_event.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "usyms.h"

/* pids no process has: kill() and /proc know nothing of them */
#define PARENT 1000000001
#define CHILD 1000000002
#define OTHER 1000000100

__attribute__((noinline, used)) int fth_usyms_test_marker(int x)
{
	return x * 5 + 2;
}

/* Where this executable's code holding the marker is mapped. */
struct text_mapping {
	uint64_t start, end, offset;
	char path[4096];
};

static void own_text(struct text_mapping *m)
{
	uint64_t addr = (uint64_t)(uintptr_t)&fth_usyms_test_marker;
	char line[4200];
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		int consumed = 0;
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &start, &end, &off, &consumed) < 3 || !consumed)
			continue;
		if (addr < start || addr >= end)
			continue;
		m->start = start;
		m->end = end;
		m->offset = off;
		snprintf(m->path, sizeof(m->path), "%s", line + consumed);
		m->path[strcspn(m->path, "\n")] = '\0';
		fclose(f);
		return;
	}
	fclose(f);
	fail_msg("the marker is in no mapping of /proc/self/maps");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The records' times are offsets from base, taken when the tests start:
 * after this test's executable was built (a file modified after a
 * mapping of it was made holds another content). */
static uint64_t base;

struct record_buf {
	uint64_t words[600];
};

/* header + body + sample_id { pid, tid, time }, 8-byte aligned */
static const struct perf_event_header *make_record(struct record_buf *b, uint32_t type, uint16_t misc,
						   const void *body, size_t len, uint32_t pid, uint64_t time)
{
	struct perf_event_header *h = (struct perf_event_header *)b->words;
	size_t padded = (len + 7) & ~(size_t)7;
	struct {
		uint32_t pid, tid;
		uint64_t time;
	} id = { pid, pid, base + time };
	char *p = (char *)(h + 1);

	assert_true(sizeof(*h) + padded + sizeof(id) <= sizeof(b->words));
	memset(b, 0, sizeof(*b));
	h->type = type;
	h->misc = misc;
	h->size = (uint16_t)(sizeof(*h) + padded + sizeof(id));
	memcpy(p, body, len);
	memcpy(p + padded, &id, sizeof(id));
	return h;
}

static void feed_fork(struct fth_usyms *u, uint32_t pid, uint32_t ppid, uint64_t time)
{
	uint32_t body[4] = { pid, ppid, pid, ppid };
	struct record_buf b;

	fth_usyms_record(u, make_record(&b, PERF_RECORD_FORK, 0, body, sizeof(body), pid, time));
}

static void feed_exit(struct fth_usyms *u, uint32_t pid, uint64_t time)
{
	uint32_t body[4] = { pid, 1, pid, 1 };
	struct record_buf b;

	fth_usyms_record(u, make_record(&b, PERF_RECORD_EXIT, 0, body, sizeof(body), pid, time));
}

static void feed_exec(struct fth_usyms *u, uint32_t pid, uint64_t time)
{
	struct {
		uint32_t pid, tid;
		char comm[16];
	} body = { pid, pid, "target" };
	struct record_buf b;

	fth_usyms_record(u, make_record(&b, PERF_RECORD_COMM, PERF_RECORD_MISC_COMM_EXEC, &body, sizeof(body), pid,
					time));
}

/* The executable mapping m, moved by `shift` (a process where ASLR put
 * it ELSEWHERE). */
static void feed_mmap(struct fth_usyms *u, uint32_t pid, const struct text_mapping *m, uint64_t shift, uint64_t time)
{
	struct {
		uint32_t pid, tid;
		uint64_t addr, len, pgoff;
		uint32_t maj, min;
		uint64_t ino, ino_generation;
		uint32_t prot, flags;
		char name[4096];
	} body;
	struct record_buf b;

	memset(&body, 0, sizeof(body));
	body.pid = body.tid = pid;
	body.addr = m->start + shift;
	body.len = m->end - m->start;
	body.pgoff = m->offset;
	snprintf(body.name, sizeof(body.name), "%s", m->path);
	fth_usyms_record(u, make_record(&b, PERF_RECORD_MMAP2, 0, &body,
					offsetof(__typeof__(body), name) + strlen(body.name) + 1, pid, time));
}

static void feed_lost(struct fth_usyms *u)
{
	uint64_t body[2] = { 1, 10 };
	struct record_buf b;

	fth_usyms_record(u, make_record(&b, PERF_RECORD_LOST, 0, body, sizeof(body), 0, 0));
}

/* The marker's name when looked up at `shift` from where it is here. */
static bool names_marker(struct fth_usyms *u, int pid, uint64_t shift)
{
	const char *sym, *module;
	uint64_t offset;

	return fth_usyms_lookup(u, pid, (uint64_t)(uintptr_t)&fth_usyms_test_marker + shift, &sym, &offset,
				&module) &&
	       !strcmp(sym, "fth_usyms_test_marker") && offset == 0;
}

/* A process known from its exec and mapping: complete, a parent to fork. */
static void start_process(struct fth_usyms *u, uint32_t pid, const struct text_mapping *m, uint64_t shift,
			  uint64_t time)
{
	feed_exec(u, pid, time);
	feed_mmap(u, pid, m, shift, time + 1);
}


/* n other processes, mapped at `mapped`, exit one after another from
 * `first_exit` on. */
static void exit_others(struct fth_usyms *u, const struct text_mapping *m, int n, uint64_t mapped,
			uint64_t first_exit)
{
	for (int i = 0; i < n; i++) {
		start_process(u, OTHER + i, m, 0, mapped);
		feed_exit(u, OTHER + i, first_exit + i);
	}
}

/* Each test: a fresh fth_usyms, and where this executable's marker is. */
struct fixture {
	struct fth_usyms *u;
	struct text_mapping m;
};

/* Another place the loader could have put the executable. */
#define ELSEWHERE 0x100000000000ULL

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !(f->u = fth_usyms_new()))
		return -1;
	own_text(&f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fth_usyms_free(f->u);
	free(f);
	return 0;
}

static void test_exited_process_still_resolves(void **state)
{
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	const struct text_mapping *mp = &f->m;

	start_process(u, PARENT, mp, 0, 100);
	feed_exit(u, PARENT, 200);
	fth_usyms_poll(u);
	assert_true(names_marker(u, PARENT, 0));
}

/* The oldest exits are forgotten beyond the bound, by exit time even when
 * the records come out of order; newer ones stay. */
static void test_exits_beyond_the_bound_are_forgotten(void **state)
{
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	const struct text_mapping *mp = &f->m;
	int n = FTH_USYMS_MAX_EXITED;

	start_process(u, PARENT, mp, 0, 100);
	start_process(u, CHILD, mp, 0, 100);
	/* n - 1 others exit after PARENT, then PARENT's exit (older) is read */
	exit_others(u, mp, n - 1, 1000, 3000);
	feed_exit(u, PARENT, 2000);
	fth_usyms_poll(u);
	assert_true(names_marker(u, CHILD, 0)); /* alive: kept */
	assert_true(names_marker(u, PARENT, 0)); /* exactly n exited: all kept */
	/* one more exit: the oldest, PARENT's, goes; CHILD's exit is newer
	 * than all, so the next oldest, OTHER's first, would go after it */
	feed_exit(u, CHILD, 5000000);
	fth_usyms_poll(u);
	assert_false(names_marker(u, PARENT, 0));
	assert_true(names_marker(u, CHILD, 0));
	assert_true(names_marker(u, OTHER, 0));
	assert_true(names_marker(u, OTHER + n - 2, 0));
}

/* A pid given to a new process: a fork without exec has its parent's
 * mappings, not those of the exited process that had the pid before. */
static void test_pid_reused_by_a_fork(void **state)
{
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	const struct text_mapping *mp = &f->m;

	start_process(u, PARENT, mp, 0, 100);
	start_process(u, CHILD, mp, ELSEWHERE, 100); /* the old process */
	feed_exit(u, CHILD, 200);
	assert_true(names_marker(u, CHILD, ELSEWHERE));
	feed_fork(u, CHILD, PARENT, 300);
	assert_true(names_marker(u, CHILD, 0));
	assert_false(names_marker(u, CHILD, ELSEWHERE));
}

/* Records of different CPUs come in any order: the new process's fork is
 * read before the old process's exec, mapping and exit. They are older
 * than the fork and change nothing. */
static void test_old_records_read_after_the_fork(void **state)
{
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	const struct text_mapping *mp = &f->m;

	start_process(u, PARENT, mp, 0, 100);
	feed_fork(u, CHILD, PARENT, 300);
	feed_exec(u, CHILD, 150);
	feed_mmap(u, CHILD, mp, ELSEWHERE, 151);
	feed_exit(u, CHILD, 200);
	assert_true(names_marker(u, CHILD, 0));
	assert_false(names_marker(u, CHILD, ELSEWHERE));
	/* the old exit did not make the new process exited: all the
	 * exits that follow leave it known */
	exit_others(u, mp, FTH_USYMS_MAX_EXITED + 10, 400, 500);
	fth_usyms_poll(u);
	assert_true(names_marker(u, CHILD, 0));
}

/* The old process's mapping read after its exit and after the fork of
 * the next one with its pid (the exit read first). */
static void test_exit_then_new_records(void **state)
{
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	const struct text_mapping *mp = &f->m;

	start_process(u, CHILD, mp, 0, 150);
	feed_exit(u, CHILD, 200);
	/* a mapping made after the exit is a new process's (its fork
	 * record not read yet): the old one's are dropped */
	feed_mmap(u, CHILD, mp, ELSEWHERE, 250);
	assert_true(names_marker(u, CHILD, ELSEWHERE));
	assert_false(names_marker(u, CHILD, 0));
}

/* After lost records, a process that no longer exists counts as exited
 * (its exit may have been lost), so the bound applies to it too. */
static void test_lost_records(void **state)
{
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	const struct text_mapping *mp = &f->m;
	uint64_t later;

	start_process(u, PARENT, mp, 0, 100);
	feed_lost(u);
	fth_usyms_poll(u);
	assert_true(names_marker(u, PARENT, 0));
	later = now_ns() - base + 1000000000ULL;
	exit_others(u, mp, FTH_USYMS_MAX_EXITED, later, later + 10);
	fth_usyms_poll(u);
	assert_false(names_marker(u, PARENT, 0));
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rb"), *out;

	assert_non_null(in);
	unlink(to); /* a new file, as a linker makes one */
	out = fopen(to, "wb");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* A binary rebuilt at the same path while traced: a mapping made before
 * a build has that build's symbols or none, never a later build's. */
static void test_rebuilt_file(void **state)
{
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	struct text_mapping m = f->m;
	char dir[] = "/tmp/fth-usyms-XXXXXX";
	uint64_t before, built, rebuilt;
	struct timespec pause = { 0, 30000000 };

	assert_non_null(mkdtemp(dir));
	snprintf(m.path, sizeof(m.path), "%s/target", dir);
	/* mapped before the file was made: its content then is unknown */
	before = now_ns() - base;
	nanosleep(&pause, NULL);
	copy_file("/proc/self/exe", m.path);
	nanosleep(&pause, NULL);
	built = now_ns() - base;
	start_process(u, PARENT, &m, 0, before);
	start_process(u, CHILD, &m, 0, built);
	assert_false(names_marker(u, PARENT, 0));
	assert_true(names_marker(u, CHILD, 0));
	/* rebuilt as something else: the new process gets the new symbols
	 * (not the marker), the old one still the old */
	nanosleep(&pause, NULL);
	copy_file("/bin/true", m.path);
	nanosleep(&pause, NULL);
	rebuilt = now_ns() - base;
	start_process(u, OTHER, &m, 0, rebuilt);
	assert_false(names_marker(u, OTHER, 0));
	assert_true(names_marker(u, CHILD, 0));
	unlink(m.path);
	rmdir(dir);
}

/* A process that chroots into dir and waits until `hold` is closed. */
static pid_t start_chrooted(const char *dir, int hold[2])
{
	int ready[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(hold[1]);
		close(ready[0]);
		if (chroot(dir) || chdir("/"))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		/* until every writer of `hold` is gone */
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

/* Processes in file trees of their own (chroots here, as containers'):
 * their files are read in their tree, also once they have exited, for
 * the newest FTH_USYMS_MAX_HELD_VIEWS trees; older ones are let go. */
static void test_file_trees_of_exited_processes(void **state)
{
	enum { N = FTH_USYMS_MAX_HELD_VIEWS + 2 };
	struct fixture *f = *state;
	struct fth_usyms *u = f->u;
	struct text_mapping m = f->m;
	char dirs[N][32], path[64];
	pid_t pids[N];
	int hold[2];

	if (geteuid() != 0)
		skip(); /* chroot needs root */
	assert_int_equal(pipe(hold), 0);
	snprintf(m.path, sizeof(m.path), "/t");
	for (int i = 0; i < N; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "/tmp/fth-usyms-XXXXXX");
		assert_non_null(mkdtemp(dirs[i]));
		snprintf(path, sizeof(path), "%.31s/t", dirs[i]);
		copy_file("/proc/self/exe", path);
	}
	for (int i = 0; i < N; i++) {
		pids[i] = start_chrooted(dirs[i], hold);
		/* seen while it runs: its tree is looked at */
		start_process(u, (uint32_t)pids[i], &m, 0, now_ns() - base);
	}
	/* /t is no file in fathom's tree: only the process's names it */
	for (int i = 0; i < N; i++)
		assert_true(names_marker(u, pids[i], 0));
	close(hold[1]);
	close(hold[0]);
	for (int i = 0; i < N; i++) {
		assert_int_equal(waitpid(pids[i], NULL, 0), pids[i]);
		feed_exit(u, (uint32_t)pids[i], now_ns() - base);
	}
	fth_usyms_poll(u);
	/* the two oldest trees were let go, the rest are read still */
	for (int i = 0; i < N; i++)
		assert_int_equal(names_marker(u, pids[i], 0), i >= N - FTH_USYMS_MAX_HELD_VIEWS);
	for (int i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "%.31s/t", dirs[i]);
		unlink(path);
		rmdir(dirs[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exited_process_still_resolves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exits_beyond_the_bound_are_forgotten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pid_reused_by_a_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_records_read_after_the_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_then_new_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebuilt_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_trees_of_exited_processes, setup, teardown),
	};

	base = now_ns();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
