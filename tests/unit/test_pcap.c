/* test_pcap.c - the pcap file skboutput() writes, and how a perf-buffer
 * record of skboutput() becomes a pcap record, without the kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pcap.h"
#include "program.h"
#include "skbout.h"

static uint32_t u32_at(const char *buf, size_t off)
{
	uint32_t v;

	memcpy(&v, buf + off, 4);
	return v;
}

static uint16_t u16_at(const char *buf, size_t off)
{
	uint16_t v;

	memcpy(&v, buf + off, 2);
	return v;
}

static void test_header(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(fth_pcap_write_header(f), 0);
	fclose(f);
	assert_int_equal(len, 24);
	assert_int_equal(u32_at(buf, 0), 0xa1b2c3d4);
	assert_int_equal(u16_at(buf, 4), 2);
	assert_int_equal(u16_at(buf, 6), 4);
	assert_int_equal(u32_at(buf, 8), 0);
	assert_int_equal(u32_at(buf, 12), 0);
	assert_int_equal(u32_at(buf, 16), 65535);
	assert_int_equal(u32_at(buf, 20), 101);
	free(buf);
}

/* Nanoseconds become seconds and microseconds (truncated). */
static void test_record(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(fth_pcap_write_record(f, 1700000000123456789ull, "\x45\x00\x00", 3, 40), 0);
	fclose(f);
	assert_int_equal(len, 16 + 3);
	assert_int_equal(u32_at(buf, 0), 1700000000);
	assert_int_equal(u32_at(buf, 4), 123456);
	assert_int_equal(u32_at(buf, 8), 3);
	assert_int_equal(u32_at(buf, 12), 40);
	assert_memory_equal(buf + 16, "\x45\x00\x00", 3);
	free(buf);
}

/* A program with one skboutput() action (index 1) writing to a memory
 * stream, and a perf record for it: the meta, the packet, padding. */
struct capture_fixture {
	struct fth_program prog;
	struct fth_source src;
	struct fth_diag diag;
	struct fth_skb_capture cap;
	FILE *files[2];
	char *out;
	size_t out_len;
	char *errors;
	size_t errors_len;
	FILE *err;
};

static void fixture_init(struct capture_fixture *fx, uint32_t offset)
{
	struct fth_action *other, *skb;

	memset(fx, 0, sizeof(*fx));
	fx->src.name = "stdin";
	fx->src.text = "";
	fx->err = open_memstream(&fx->errors, &fx->errors_len);
	fth_diag_init(&fx->diag, &fx->src, fx->err);
	fth_program_init(&fx->prog, &fx->src);
	other = fth_arena_alloc(&fx->prog.arena, sizeof(*other));
	other->kind = FTH_ACT_PRINTF;
	skb = fth_arena_alloc(&fx->prog.arena, sizeof(*skb));
	skb->kind = FTH_ACT_SKBOUTPUT;
	skb->text = "/tmp/x.pcap";
	skb->skb_offset = offset;
	fth_ptrvec_push(&fx->prog.arena, &fx->prog.actions, other);
	fth_ptrvec_push(&fx->prog.arena, &fx->prog.actions, skb);
	fx->files[1] = open_memstream(&fx->out, &fx->out_len);
	fx->cap.prog = &fx->prog;
	fx->cap.diag = &fx->diag;
	fx->cap.file_by_action = fx->files;
	fx->cap.nactions = 2;
	fx->cap.boot_wall_ns = 1000000000ll * 1700000000;
}

static void fixture_free(struct capture_fixture *fx)
{
	fclose(fx->files[1]);
	free(fx->out);
	fth_program_free(&fx->prog);
	fclose(fx->err);
	free(fx->errors);
}

/* The record as the kernel hands it: meta, caplen packet bytes 0, 1, ...
 * and zero padding to a multiple of 8 (plus the 4-byte size before it). */
static uint32_t make_record(uint8_t *rec, uint64_t action, uint64_t len, uint64_t caplen)
{
	struct fth_skb_meta meta = { .action = action, .boot_ns = 5000123000, .len = len, .caplen = caplen };
	uint32_t size = (uint32_t)(sizeof(meta) + caplen);

	memcpy(rec, &meta, sizeof(meta));
	for (uint64_t i = 0; i < caplen; i++)
		rec[sizeof(meta) + i] = (uint8_t)i;
	while ((size + 4) % 8)
		rec[size++] = 0;
	return size;
}

static void test_capture_record_offset(void **state)
{
	struct capture_fixture fx;
	uint8_t rec[256];
	uint32_t size;

	fixture_init(&fx, 14);
	size = make_record(rec, 1, 50, 50);
	assert_true(size > sizeof(struct fth_skb_meta) + 50);
	fth_skb_capture_record(&fx.cap, rec, size);
	fflush(fx.files[1]);
	/* the padding is not packet; 14 bytes are left out */
	assert_int_equal(fx.out_len, 16 + 36);
	assert_int_equal(u32_at(fx.out, 0), 1700000005);
	assert_int_equal(u32_at(fx.out, 4), 123);
	assert_int_equal(u32_at(fx.out, 8), 36);
	assert_int_equal(u32_at(fx.out, 12), 36);
	assert_int_equal((uint8_t)fx.out[16], 14);
	assert_int_equal((uint8_t)fx.out[16 + 35], 49);
	fixture_free(&fx);
}

/* A packet longer than the capture keeps its length in len; an offset
 * past the captured bytes leaves an empty record. */
static void test_capture_record_truncated(void **state)
{
	struct capture_fixture fx;
	uint8_t rec[256];

	fixture_init(&fx, 20);
	fth_skb_capture_record(&fx.cap, rec, make_record(rec, 1, 9000, 100));
	fth_skb_capture_record(&fx.cap, rec, make_record(rec, 1, 10, 10));
	fflush(fx.files[1]);
	assert_int_equal(fx.out_len, 16 + 80 + 16);
	assert_int_equal(u32_at(fx.out, 8), 80);
	assert_int_equal(u32_at(fx.out, 12), 8980);
	assert_int_equal((uint8_t)fx.out[16], 20);
	assert_int_equal(u32_at(fx.out, 96 + 8), 0);
	assert_int_equal(u32_at(fx.out, 96 + 12), 0);
	fixture_free(&fx);
}

/* Records of other actions, or too short for the meta, are not packets. */
static void test_capture_record_ignored(void **state)
{
	struct capture_fixture fx;
	uint8_t rec[256];
	uint32_t size;

	fixture_init(&fx, 0);
	size = make_record(rec, 0, 20, 20);
	fth_skb_capture_record(&fx.cap, rec, size);
	size = make_record(rec, 7, 20, 20);
	fth_skb_capture_record(&fx.cap, rec, size);
	size = make_record(rec, 1, 20, 20);
	fth_skb_capture_record(&fx.cap, rec, sizeof(struct fth_skb_meta) - 1);
	fflush(fx.files[1]);
	assert_int_equal(fx.out_len, 0);
	fixture_free(&fx);
}

/* A file that cannot be written (a full disk: /dev/full) is reported
 * once, as a warning at the skboutput() call naming it, and the run goes
 * on. */
static void test_capture_write_failure(void **state)
{
	struct capture_fixture fx;
	struct fth_action *skb;
	uint8_t rec[256];
	FILE *full = fopen("/dev/full", "wb");

	assert_non_null(full);
	fixture_init(&fx, 0);
	fx.src.text = "k { skboutput(\"/dev/full\", args.skb, 64, 0); }";
	fx.src.len = (uint32_t)strlen(fx.src.text);
	skb = fth_program_action(&fx.prog, 1);
	skb->text = "/dev/full";
	skb->range = (struct fth_range){ 4, 45 };
	fclose(fx.files[1]);
	fx.files[1] = full;
	setvbuf(full, NULL, _IONBF, 0);
	fth_skb_capture_record(&fx.cap, rec, make_record(rec, 1, 20, 20));
	fth_skb_capture_record(&fx.cap, rec, make_record(rec, 1, 20, 20));
	fflush(fx.err);
	assert_non_null(strstr(fx.errors, "stdin:1:5-46: WARNING: skboutput(): cannot write to /dev/full: "
					  "No space left on device\n"));
	assert_non_null(strstr(fx.errors, "    ~~~~"));
	assert_null(strstr(strstr(fx.errors, "WARNING") + 1, "WARNING"));
	fx.files[1] = fopen("/dev/null", "wb");
	fixture_free(&fx);
}

/* bpftrace's division of perf_rb_pages among the CPUs. */
static void test_perf_pages(void **state)
{
	assert_int_equal(fth_skb_perf_pages(4096 * 4096, 4096, 2), 2048);
	assert_int_equal(fth_skb_perf_pages(4096 * 2, 4096, 2), 1);
	assert_int_equal(fth_skb_perf_pages(4096, 4096, 4), 1);
	assert_int_equal(fth_skb_perf_pages(4096 * 64, 4096, 3), 16);
	assert_int_equal(fth_skb_perf_pages(4096 * 64, 4096, 5), 16);
	assert_int_equal(fth_skb_perf_pages(4096 * 64, 4096, 0), 64);
}

static void test_create_truncates(void **state)
{
	char path[] = "/tmp/fathom-test-pcap.XXXXXX";
	int fd = mkstemp(path);
	char buf[64];
	FILE *f;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old contents that are longer than a header", 42), 42);
	close(fd);
	f = fth_pcap_create(path);
	assert_non_null(f);
	fclose(f);
	f = fopen(path, "rb");
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 24);
	fclose(f);
	unlink(path);
	assert_null(fth_pcap_create("/nonexistent-fathom-dir/x.pcap"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_capture_record_offset),
		cmocka_unit_test(test_capture_record_truncated),
		cmocka_unit_test(test_capture_record_ignored),
		cmocka_unit_test(test_capture_write_failure),
		cmocka_unit_test(test_perf_pages),
		cmocka_unit_test(test_create_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
