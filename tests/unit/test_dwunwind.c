/* Unit tests for dw_ustack's user-space side: the DWARF unwinder
 * (dwunwind.c), run on this test's own stack, and the table of unwound
 * stacks with their canonical ids (stacks.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dwunwind.h"
#include "stacks.h"

/* ------------------------------------------------------ pt_regs mapping */

static void test_regs_from_pt_regs(void **state)
{
	uint64_t pt[FTH_PT_REGS_WORDS], regs[FTH_DWUNWIND_NREGS];

	(void)state;
	/* word i of pt_regs holds 100 + i */
	for (int i = 0; i < FTH_PT_REGS_WORDS; i++)
		pt[i] = 100 + (uint64_t)i;
	fth_dwunwind_regs_from_pt_regs(pt, regs);
	assert_int_equal(regs[0], 110);                 /* rax: pt_regs ax */
	assert_int_equal(regs[3], 105);                 /* rbx: bx */
	assert_int_equal(regs[6], 104);                 /* rbp: bp */
	assert_int_equal(regs[FTH_DWUNWIND_SP], 119);   /* rsp: sp */
	assert_int_equal(regs[15], 100);                /* r15 */
	assert_int_equal(regs[FTH_DWUNWIND_IP], 116);   /* rip: ip */
}

/* --------------------------------------------------- unwinding ourselves */

/* The bounds of the stack mapping holding addr, from /proc/self/maps. */
static uint64_t stack_mapping_end(uint64_t addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[512];
	uint64_t end = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && addr >= lo && addr < hi)
			end = hi;
	fclose(f);
	return end;
}

struct self_unwind {
	uint64_t captured_ip;
	uint64_t ips[64];
	int n;
	struct fth_dwunwind_capture capture; /* kept for another unwind */
};

/* Capture the registers the unwinder needs where this function stands,
 * copy the stack from there, and unwind it: what dw_ustack's BPF side and
 * runtime do for a traced thread. */
static __attribute__((noinline)) void unwind_here(struct self_unwind *out)
{
	static uint8_t copy[1 << 16];
	struct fth_dwunwind_capture c;
	struct fth_dwunwind *u;
	uint64_t ip, sp, bp, bx, end;
	int mem;

	memset(&c, 0, sizeof(c));
	__asm__ volatile("lea 0(%%rip), %0\n\t"
			 "mov %%rsp, %1\n\t"
			 "mov %%rbp, %2\n\t"
			 "mov %%rbx, %3"
			 : "=&r"(ip), "=&r"(sp), "=&r"(bp), "=&r"(bx));
	c.regs[FTH_DWUNWIND_IP] = ip;
	out->captured_ip = ip;
	c.regs[FTH_DWUNWIND_SP] = sp;
	c.regs[6] = bp;
	c.regs[3] = bx;
	c.pid = getpid();
	c.tid = (int)syscall(SYS_gettid);
	end = stack_mapping_end(sp);
	assert_true(end > sp);
	c.stack_len = end - sp < sizeof(copy) ? end - sp : sizeof(copy);
	/* through the kernel, as bpf_probe_read_user does (and past
	 * AddressSanitizer's red zones, which are live stack memory) */
	mem = open("/proc/self/mem", O_RDONLY);
	assert_true(mem >= 0);
	assert_int_equal(pread(mem, copy, c.stack_len, (off_t)sp), (ssize_t)c.stack_len);
	close(mem);
	c.stack = copy;
	u = fth_dwunwind_new();
	assert_non_null(u);
	assert_int_equal(fth_dwunwind_add_pid(u, c.pid), 0);
	out->n = fth_dwunwind_frames(u, &c, out->ips, 64);
	out->capture = c;
	fth_dwunwind_free(u);
}

static __attribute__((noinline)) void outer_one(struct self_unwind *out)
{
	unwind_here(out);
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

static __attribute__((noinline)) void outer_two(struct self_unwind *out)
{
	outer_one(out);
	__asm__ volatile("" ::: "memory");
}

/* Is some frame inside fn (its first bytes: these functions are small,
 * even with the sanitizers' code)? */
static bool has_frame_in(const struct self_unwind *u, void (*fn)(struct self_unwind *))
{
	uint64_t start = (uint64_t)(uintptr_t)fn;

	for (int i = 0; i < u->n; i++)
		if (u->ips[i] >= start && u->ips[i] < start + 256)
			return true;
	return false;
}

static void test_unwind_own_stack(void **state)
{
	struct self_unwind u = { .n = 0 };

	(void)state;
	outer_two(&u);
	/* the place of the capture, then its callers, outermost last */
	assert_true(u.n >= 3);
	assert_int_equal(u.ips[0], u.captured_ip);
	assert_true(has_frame_in(&u, outer_one));
	assert_true(has_frame_in(&u, outer_two));
}

/* A return address a uretprobe replaced by its trampoline: the capture's
 * (stack address, original) pair puts it back, as the kernel's
 * return_instances do for bpftrace's dw_ustack. */
static void test_unwind_uretprobe_return_address(void **state)
{
	struct self_unwind u = { .n = 0 };
	struct fth_dwunwind_capture *c = &u.capture;
	uint64_t pairs[8][2], ret, ips[64];
	struct fth_dwunwind *dw = fth_dwunwind_new();
	int n, npairs = 0;

	(void)state;
	outer_two(&u);
	assert_true(u.n >= 3 && has_frame_in(&u, outer_two));
	/* the words holding where unwind_here returns into outer_one: its
	 * return address (and copies the sanitizers' frames keep), now the
	 * trampoline's address */
	ret = u.ips[1] + 1;
	for (size_t at = 0; at + 8 <= c->stack_len && npairs < 8; at += 8) {
		if (memcmp(c->stack + at, &ret, 8))
			continue;
		memcpy((uint8_t *)c->stack + at, &(uint64_t){ 0x7fffffffe000ull }, 8);
		pairs[npairs][0] = c->regs[FTH_DWUNWIND_SP] + at;
		pairs[npairs++][1] = ret;
	}
	assert_true(npairs > 0);
	/* without them the frame is the trampoline's (libdwfl may go on by
	 * the frame pointers, as in the sanitizer build) */
	n = fth_dwunwind_frames(dw, c, ips, 64);
	assert_true(n >= 2);
	assert_int_equal(ips[1], 0x7fffffffe000ull - 1);
	c->uret = (const uint64_t(*)[2])pairs;
	c->nuret = npairs;
	n = fth_dwunwind_frames(dw, c, ips, 64);
	assert_int_equal(n, u.n);
	assert_memory_equal(ips, u.ips, (size_t)n * sizeof(*ips));
	fth_dwunwind_free(dw);
}

/* The start of the mapping of `path` at file offset 0, and the end of the
 * highest file mapping of any file (what libdwfl reports as modules). */
static void file_mappings(const char *path, uint64_t *base, uint64_t *top)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, off;
	char line[4096], name[4096];

	assert_non_null(f);
	*base = *top = 0;
	while (fgets(line, sizeof(line), f)) {
		name[0] = 0;
		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &lo, &hi, &off, name) < 3 || name[0] != '/')
			continue;
		if (!strcmp(name, path) && off == 0 && !*base)
			*base = lo;
		if (hi > *top)
			*top = hi;
	}
	fclose(f);
}

/* A module mapped, after the modules were read, above every module known
 * (as a process that exec'd has its libraries elsewhere): libdwfl's
 * lookup gives the highest known module for any address above it, so the
 * unwinder must see that the address is outside it and read the modules
 * again. The new module is a second mapping of this test's own file, and
 * the capture's address is unwind_here's place in it: its call-frame
 * rules are the same, so the callers unwind as from the original. */
static void test_unwind_module_above_known_ones(void **state)
{
	struct self_unwind u = { .n = 0 };
	struct fth_dwunwind_capture c;
	struct fth_dwunwind *dw = fth_dwunwind_new();
	char exe[4096];
	uint64_t base, top, ips[64];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t size;
	void *copy;
	int fd, n;

	(void)state;
	assert_true(len > 0);
	exe[len] = 0;
	outer_two(&u);
	assert_true(u.n >= 3 && has_frame_in(&u, outer_two));
	assert_int_equal(fth_dwunwind_add_pid(dw, getpid()), 0);
	file_mappings(exe, &base, &top);
	assert_true(base && top && u.captured_ip > base);
	fd = open(exe, O_RDONLY);
	assert_true(fd >= 0);
	size = (size_t)lseek(fd, 0, SEEK_END);
	copy = mmap((void *)(uintptr_t)(top + (64u << 20)), size, PROT_READ | PROT_EXEC,
		    MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
	close(fd);
	assert_true(copy != MAP_FAILED);
	c = u.capture;
	c.regs[FTH_DWUNWIND_IP] = (uint64_t)(uintptr_t)copy + (u.captured_ip - base);
	n = fth_dwunwind_frames(dw, &c, ips, 64);
	munmap(copy, size);
	fth_dwunwind_free(dw);
	assert_int_equal(n, u.n);
	assert_int_equal(ips[0], c.regs[FTH_DWUNWIND_IP]);
	assert_memory_equal(ips + 1, u.ips + 1, (size_t)(n - 1) * sizeof(*ips));
}

/* A capture of a process that is gone still gives its first address. */
static void test_unwind_gone_process(void **state)
{
	struct fth_dwunwind_capture c;
	struct fth_dwunwind *u = fth_dwunwind_new();
	uint64_t ips[4];

	(void)state;
	memset(&c, 0, sizeof(c));
	c.pid = c.tid = 0x3fffff; /* above any pid_max in use here */
	c.regs[FTH_DWUNWIND_IP] = 0x401000;
	assert_int_equal(fth_dwunwind_frames(u, &c, ips, 4), 1);
	assert_int_equal(ips[0], 0x401000);
	c.regs[FTH_DWUNWIND_IP] = 0;
	assert_int_equal(fth_dwunwind_frames(u, &c, ips, 4), 0);
	assert_true(fth_dwunwind_add_pid(u, 0x3fffff) < 0);
	fth_dwunwind_free(u);
}

/* ------------------------------------------------------- the stack table */

static void test_dwstacks_canonical(void **state)
{
	struct fth_dwstacks *d = fth_dwstacks_new();
	const uint64_t a[3] = { 0x10, 0x20, 0x30 }, b[2] = { 0x10, 0x20 };
	const uint64_t *got;
	int n = 0;

	(void)state;
	assert_int_equal(fth_dwstacks_last_id(d), 0);
	fth_dwstacks_add(d, 5, 100, a, 3);
	fth_dwstacks_add(d, 6, 100, a, 3); /* the same stack again */
	fth_dwstacks_add(d, 7, 100, b, 2); /* a prefix is another stack */
	fth_dwstacks_add(d, 8, 200, a, 3); /* another process */
	assert_int_equal(fth_dwstacks_canonical(d, 5), 5);
	assert_int_equal(fth_dwstacks_canonical(d, 6), 5);
	assert_int_equal(fth_dwstacks_canonical(d, 7), 7);
	assert_int_equal(fth_dwstacks_canonical(d, 8), 8);
	assert_int_equal(fth_dwstacks_canonical(d, 99), 99); /* unknown: itself */
	assert_int_equal(fth_dwstacks_last_id(d), 8);
	/* the same stack again keeps no second copy of its frames */
	assert_ptr_equal(fth_dwstacks_get(d, 6, &n), fth_dwstacks_get(d, 5, &n));
	assert_int_equal(n, 3);
	assert_ptr_not_equal(fth_dwstacks_get(d, 8, &n), fth_dwstacks_get(d, 5, &n));
	got = fth_dwstacks_get(d, 7, &n);
	assert_non_null(got);
	assert_int_equal(n, 2);
	assert_memory_equal(got, b, sizeof(b));
	assert_null(fth_dwstacks_get(d, 99, &n));
	assert_null(fth_dwstacks_get(d, 0, &n));
	fth_dwstacks_free(d);
}

/* A long profile: the repeated captures up to an id are forgotten once
 * there are enough of them; first captures, and later ones, stay. */
static void test_dwstacks_forget_repeats(void **state)
{
	enum { MANY = FTH_DWSTACKS_MIN_FORGET * 3 };
	struct fth_dwstacks *d = fth_dwstacks_new();
	uint64_t ips[2] = { 0, 0x2000 };
	int n = 0;

	(void)state;
	for (uint64_t id = 1; id <= MANY; id++) {
		ips[0] = 0x1000 + id % 3; /* three stacks: ids 1, 2, 3 first */
		fth_dwstacks_add(d, id, 1, ips, 2);
		/* too few repeats yet to be worth a rebuild: nothing goes */
		if (id == FTH_DWSTACKS_MIN_FORGET) {
			fth_dwstacks_forget_repeats(d, id);
			assert_int_equal(fth_dwstacks_count(d), id);
			assert_non_null(fth_dwstacks_get(d, 50, &n));
		}
	}
	fth_dwstacks_forget_repeats(d, MANY - 10);
	assert_int_equal(fth_dwstacks_count(d), 3 + 10);
	for (uint64_t id = 1; id <= MANY; id++) {
		const uint64_t *got = fth_dwstacks_get(d, id, &n);
		if (id > 3 && id <= MANY - 10) {
			assert_null(got);
			continue;
		}
		assert_non_null(got);
		assert_int_equal(n, 2);
		assert_int_equal(got[0], 0x1000 + id % 3);
		assert_int_equal(fth_dwstacks_canonical(d, id), (id - 1) % 3 + 1);
	}
	/* new captures still find their stack's first one */
	ips[0] = 0x1000 + 1;
	fth_dwstacks_add(d, MANY + 1, 1, ips, 2);
	assert_int_equal(fth_dwstacks_canonical(d, MANY + 1), 1);
	assert_int_equal(fth_dwstacks_last_id(d), MANY + 1);
	/* ... and the table grows again from its smaller size */
	for (uint64_t id = MANY + 2; id <= 2 * MANY; id++)
		fth_dwstacks_add(d, id, 1, ips, 2);
	assert_int_equal(fth_dwstacks_count(d), 3 + 10 + MANY);
	assert_int_equal(fth_dwstacks_canonical(d, 2 * MANY), 1);
	fth_dwstacks_free(d);
}

/* Many stacks: the tables grow and keep every id and canonical id. */
static void test_dwstacks_grow(void **state)
{
	struct fth_dwstacks *d = fth_dwstacks_new();
	uint64_t ips[2];
	int n = 0;

	(void)state;
	for (uint64_t id = 1; id <= 1000; id++) {
		ips[0] = 0x1000 + id % 10; /* ten different stacks */
		ips[1] = 0x2000;
		fth_dwstacks_add(d, id, 1, ips, 2);
	}
	for (uint64_t id = 1; id <= 1000; id++) {
		const uint64_t *got = fth_dwstacks_get(d, id, &n);
		assert_non_null(got);
		assert_int_equal(got[0], 0x1000 + id % 10);
		/* the first id of each stack: 1..10 */
		assert_int_equal(fth_dwstacks_canonical(d, id), (id - 1) % 10 + 1);
	}
	assert_int_equal(fth_dwstacks_last_id(d), 1000); /* kept across growth */
	fth_dwstacks_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regs_from_pt_regs),
		cmocka_unit_test(test_unwind_own_stack),
		cmocka_unit_test(test_unwind_uretprobe_return_address),
		cmocka_unit_test(test_unwind_module_above_known_ones),
		cmocka_unit_test(test_unwind_gone_process),
		cmocka_unit_test(test_dwstacks_canonical),
		cmocka_unit_test(test_dwstacks_grow),
		cmocka_unit_test(test_dwstacks_forget_repeats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
