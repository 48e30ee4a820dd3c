/* test_tracefs.c - format parsing, globbing, and the live tracefs of this
 * machine (the live tests need root: they mount tracefs when it is missing
 * and fail with the reason when they cannot). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs.h"
#include "types.h"

/* Format texts copied from a 6.18 kernel. */
static const char sched_switch_format[] =
	"name: sched_switch\n"
	"ID: 372\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> "
	"next_comm=%s next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, "
	"REC->prev_prio, REC->prev_state ? \"S\" : \"R\", \"\", REC->next_comm, "
	"REC->next_pid, REC->next_prio\n";

static const char sys_enter_openat_format[] =
	"name: sys_enter_openat\n"
	"ID: 782\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx\", "
	"((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), "
	"((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))\n";

static const char netif_rx_format[] =
	"name: netif_rx\n"
	"ID: 2302\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned int len;\toffset:16;\tsize:4;\tsigned:0;\n"
	"\tfield:__data_loc char[] name;\toffset:20;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"dev=%s skbaddr=%p len=%u\", __get_str(name), REC->skbaddr, REC->len\n";

static const char raw_sys_enter_format[] =
	"name: sys_enter\n"
	"ID: 443\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;\n"
	"\n"
	"print fmt: \"NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)\", REC->id, REC->args[0], "
	"REC->args[1], REC->args[2], REC->args[3], REC->args[4], REC->args[5]\n";

static const struct fth_tp_field *find_field(const struct fth_tp_format *f, const char *name)
{
	for (int i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return &f->fields[i];
	return NULL;
}

static void check_common_header(const struct fth_tp_format *f)
{
	static const char *const names[] = { "common_type", "common_flags",
					     "common_preempt_count", "common_pid" };
	static const char *const types[] = { "unsigned short", "unsigned char", "unsigned char",
					     "int" };

	assert_true(f->nfields >= 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(f->fields[i].name, names[i]);
		assert_string_equal(f->fields[i].type, types[i]);
		assert_true(f->fields[i].common);
	}
	assert_int_equal(f->fields[3].offset, 4);
	assert_int_equal(f->fields[3].size, 4);
	assert_true(f->fields[3].is_signed);
}

static void test_parse_sched_switch(void **state)
{
	struct fth_tp_format f;

	assert_int_equal(fth_tp_format_parse(sched_switch_format, &f), 0);
	assert_string_equal(f.name, "sched_switch");
	assert_null(f.category);
	assert_int_equal(f.id, 372);
	assert_int_equal(f.nfields, 11);
	check_common_header(&f);

	const struct fth_tp_field *comm = find_field(&f, "prev_comm");
	assert_non_null(comm);
	assert_string_equal(comm->type, "char[16]");
	assert_int_equal(comm->array_len, 16);
	assert_int_equal(comm->offset, 8);
	assert_int_equal(comm->size, 16);
	assert_false(comm->common);
	assert_false(comm->data_loc);

	const struct fth_tp_field *pid = find_field(&f, "next_pid");
	assert_non_null(pid);
	assert_string_equal(pid->type, "pid_t");
	assert_int_equal(pid->array_len, 0);
	assert_int_equal(pid->offset, 56);
	assert_true(pid->is_signed);

	const struct fth_tp_field *state_field = find_field(&f, "prev_state");
	assert_non_null(state_field);
	assert_string_equal(state_field->type, "long");
	assert_int_equal(state_field->size, 8);
	fth_tp_format_free(&f);
}

static void test_parse_sys_enter_openat(void **state)
{
	struct fth_tp_format f;

	assert_int_equal(fth_tp_format_parse(sys_enter_openat_format, &f), 0);
	assert_string_equal(f.name, "sys_enter_openat");
	assert_int_equal(f.id, 782);
	assert_int_equal(f.nfields, 9);
	check_common_header(&f);

	const struct fth_tp_field *nr = &f.fields[4];
	assert_string_equal(nr->name, "__syscall_nr");
	assert_false(nr->common);

	const struct fth_tp_field *filename = find_field(&f, "filename");
	assert_non_null(filename);
	assert_string_equal(filename->type, "const char *");
	assert_int_equal(filename->offset, 24);
	assert_int_equal(filename->size, 8);
	assert_false(filename->is_signed);
	assert_int_equal(filename->array_len, 0);

	const struct fth_tp_field *mode = find_field(&f, "mode");
	assert_non_null(mode);
	assert_string_equal(mode->type, "umode_t");
	assert_int_equal(mode->offset, 40);
	fth_tp_format_free(&f);
}

static void test_parse_netif_rx_data_loc(void **state)
{
	struct fth_tp_format f;

	assert_int_equal(fth_tp_format_parse(netif_rx_format, &f), 0);
	assert_int_equal(f.nfields, 7);
	check_common_header(&f);

	const struct fth_tp_field *name = find_field(&f, "name");
	assert_non_null(name);
	assert_string_equal(name->type, "__data_loc char[]");
	assert_true(name->data_loc);
	assert_false(name->rel_loc);
	assert_int_equal(name->array_len, 0);
	assert_int_equal(name->offset, 20);
	assert_int_equal(name->size, 4);

	const struct fth_tp_field *skb = find_field(&f, "skbaddr");
	assert_non_null(skb);
	assert_string_equal(skb->type, "void *");
	assert_false(skb->data_loc);
	fth_tp_format_free(&f);
}

static void test_parse_array_of_longs(void **state)
{
	struct fth_tp_format f;

	assert_int_equal(fth_tp_format_parse(raw_sys_enter_format, &f), 0);
	const struct fth_tp_field *args = find_field(&f, "args");
	assert_non_null(args);
	assert_string_equal(args->type, "unsigned long[6]");
	assert_int_equal(args->array_len, 6);
	assert_int_equal(args->size, 48);
	assert_int_equal(args->offset, 16);
	fth_tp_format_free(&f);
}

/* Declarations real kernels write that the samples above do not cover. */
static void test_parse_unusual_declarations(void **state)
{
	static const char text[] =
		"name: odd\n"
		"ID: 7\n"
		"format:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:__u8 saddr[sizeof(struct sockaddr_in6)];\toffset:8;\tsize:28;\tsigned:0;\n"
		"\tfield:struct foo blob[sizeof(struct foo)];\toffset:36;\tsize:12;\tsigned:0;\n"
		"\tfield:__rel_loc char[] msg;\toffset:48;\tsize:4;\tsigned:0;\n"
		"\tfield:__data_loc cpumask_t mask;\toffset:52;\tsize:4;\tsigned:0;\n"
		"\tfield:const struct landlock_ruleset_attr *const  attr;\toffset:56;\tsize:8;\tsigned:0;\n"
		"\tfield:int old_style;\toffset:64;\tsize:4;\n"
		"\tfield:__be32 daddr_v6[sizeof(struct in6_addr)/4];\toffset:68;\tsize:16;\tsigned:0;\n"
		"\tfield:unsigned long long stamps[NR];\toffset:88;\tsize:24;\tsigned:0;\n"
		"print fmt: \"\"\n";
	struct fth_tp_format f;

	assert_int_equal(fth_tp_format_parse(text, &f), 0);
	assert_int_equal(f.nfields, 9);

	const struct fth_tp_field *saddr = find_field(&f, "saddr");
	assert_string_equal(saddr->type, "__u8[sizeof(struct sockaddr_in6)]");
	assert_int_equal(saddr->array_len, 28);

	const struct fth_tp_field *blob = find_field(&f, "blob");
	assert_int_equal(blob->array_len, -1);

	const struct fth_tp_field *msg = find_field(&f, "msg");
	assert_true(msg->rel_loc);
	assert_false(msg->data_loc);
	assert_string_equal(msg->type, "__rel_loc char[]");

	const struct fth_tp_field *mask = find_field(&f, "mask");
	assert_true(mask->data_loc);
	assert_string_equal(mask->type, "__data_loc cpumask_t");

	const struct fth_tp_field *attr = find_field(&f, "attr");
	assert_string_equal(attr->type, "const struct landlock_ruleset_attr *const");

	const struct fth_tp_field *old = find_field(&f, "old_style");
	assert_false(old->is_signed);
	assert_int_equal(old->offset, 64);

	/* A length written as an expression: the field size over the element's. */
	assert_int_equal(find_field(&f, "daddr_v6")->array_len, 4);
	assert_int_equal(find_field(&f, "stamps")->array_len, 3);
	fth_tp_format_free(&f);
}

/* The C spellings and fixed-width kernel names that format files and
 * sema both turn into integer types. */
static void test_c_integer_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint32_t size;
		bool is_signed;
	} cases[] = {
		{ "char", 1, true },	      { "unsigned char", 1, false }, { "__s8", 1, true },
		{ "short int", 2, true },     { "__be16", 2, false },	      { "const int", 4, true },
		{ "volatile unsigned", 4, false }, { "pid_t", 4, true },     { "s32", 4, true },
		{ "long", 8, true },	      { "unsigned long int", 8, false }, { "__u64", 8, false },
		{ "const volatile long long", 8, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fth_type *t = fth_type_c_integer(cases[i].name);
		assert_non_null(t);
		assert_int_equal(t->kind, FTH_T_INT);
		assert_int_equal(t->size, cases[i].size);
		assert_int_equal(t->is_signed, cases[i].is_signed);
	}
	assert_null(fth_type_c_integer("umode_t")); /* a typedef: BTF's to resolve */
	assert_null(fth_type_c_integer("char *"));
	assert_null(fth_type_c_integer("struct foo"));
	assert_null(fth_type_c_integer("unsigned longer"));
	assert_null(fth_type_c_integer(""));
}

/* print fmt lines of some events run to several kilobytes. */
static void test_parse_long_print_fmt(void **state)
{
	size_t n = sizeof(netif_rx_format) + 20000;
	char *text = malloc(n);

	assert_non_null(text);
	strcpy(text, netif_rx_format);
	size_t len = strlen(text);
	text[len - 1] = ' '; /* join a long tail onto the print fmt line */
	memset(text + len, 'x', 19990);
	strcpy(text + len + 19990, "\n");

	struct fth_tp_format f;
	assert_int_equal(fth_tp_format_parse(text, &f), 0);
	assert_int_equal(f.nfields, 7);
	fth_tp_format_free(&f);
	free(text);
}

static void test_parse_errors(void **state)
{
	struct fth_tp_format f;

	assert_int_equal(fth_tp_format_parse("", &f), -EINVAL);
	assert_int_equal(fth_tp_format_parse("name: x\nID: 1\nformat:\nprint fmt: \"\"\n", &f),
			 -EINVAL);
	/* No offset: a field we cannot place must not be guessed at. */
	assert_int_equal(fth_tp_format_parse("format:\n"
					     "\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n"
					     "\tfield:int b;\tsize:4;\tsigned:1;\n",
					     &f),
			 -EINVAL);
	assert_int_equal(fth_tp_format_parse("format:\n\tfield:int a\n", &f), -EINVAL);
	assert_int_equal(fth_tp_format_parse("format:\n\tfield:;\toffset:0;\tsize:4;\n", &f),
			 -EINVAL);
	assert_int_equal(fth_tp_format_parse("format:\n\tfield:int;\toffset:0;\tsize:4;\n", &f),
			 -EINVAL);
	assert_null(f.fields);
	assert_int_equal(f.nfields, 0);
}

static void test_glob(void **state)
{
	assert_true(fth_glob_match("", ""));
	assert_false(fth_glob_match("", "a"));
	assert_true(fth_glob_match("*", ""));
	assert_true(fth_glob_match("*", "anything"));
	assert_true(fth_glob_match("**", ""));
	assert_true(fth_glob_match("vfs_read", "vfs_read"));
	assert_false(fth_glob_match("vfs_read", "vfs_readv"));
	assert_false(fth_glob_match("vfs_readv", "vfs_read"));
	assert_true(fth_glob_match("vfs_*", "vfs_read"));
	assert_true(fth_glob_match("vfs_*", "vfs_"));
	assert_false(fth_glob_match("vfs_*", "vfs"));
	assert_true(fth_glob_match("*_read", "vfs_read"));
	assert_true(fth_glob_match("*_read", "_read"));
	assert_false(fth_glob_match("*_read", "vfs_readv"));
	assert_true(fth_glob_match("sys_enter_*at", "sys_enter_openat"));
	assert_true(fth_glob_match("sys_enter_*at", "sys_enter_at"));
	assert_true(fth_glob_match("*open*", "sys_enter_openat"));
	assert_true(fth_glob_match("*open*", "open"));
	assert_false(fth_glob_match("*open*", "opeN"));
	assert_true(fth_glob_match("a*b*c", "abc"));
	assert_true(fth_glob_match("a*b*c", "aXbYc"));
	assert_true(fth_glob_match("a*b*c", "abbbcbc"));
	assert_false(fth_glob_match("a*b*c", "abcb"));
	assert_true(fth_glob_match("a**b", "ab"));
	assert_true(fth_glob_match("*aab", "aaab")); /* needs a backtrack */
	assert_true(fth_glob_match("syscalls:sys_*_open*", "syscalls:sys_exit_openat2"));
	assert_false(fth_glob_match("syscalls:sys_*_open*", "sched:sched_switch"));
	/* '?' and '[' are literal: bpftrace only has '*'. */
	assert_true(fth_glob_match("a?c", "a?c"));
	assert_false(fth_glob_match("a?c", "abc"));
	assert_false(fth_glob_match("[ab]", "a"));
}

/* ----- live tests against this machine's tracefs ----- */

static void require_tracefs(void)
{
	char err[256] = "";
	const char *path = fth_tracefs_path(err, sizeof(err));

	if (!path)
		fail_msg("tracefs unavailable: %s", err);
	/* A second call sees the (possibly just mounted) tracefs again. */
	const char *again = fth_tracefs_path(err, sizeof(err));
	assert_non_null(again);
	assert_string_equal(again, path);
}

static void test_live_read_openat(void **state)
{
	struct fth_tp_format f;

	require_tracefs();
	int ret = fth_tp_format_read("syscalls", "sys_enter_openat", &f);
	if (ret)
		fail_msg("reading syscalls/sys_enter_openat: %s", strerror(-ret));
	assert_string_equal(f.category, "syscalls");
	assert_string_equal(f.name, "sys_enter_openat");
	assert_true(f.id > 0);
	check_common_header(&f);

	const struct fth_tp_field *filename = find_field(&f, "filename");
	assert_non_null(filename);
	assert_string_equal(filename->type, "const char *");
	assert_int_equal(filename->size, 8);
	assert_non_null(find_field(&f, "dfd"));
	assert_non_null(find_field(&f, "flags"));
	assert_non_null(find_field(&f, "mode"));
	fth_tp_format_free(&f);
}

static void test_live_read_missing(void **state)
{
	struct fth_tp_format f;

	require_tracefs();
	assert_int_equal(fth_tp_format_read("syscalls", "sys_enter_no_such_call", &f), -ENOENT);
	assert_int_equal(fth_tp_format_read("no_such_category", "x", &f), -ENOENT);
	assert_int_equal(fth_tp_format_read("..", "..", &f), -EINVAL);
	assert_int_equal(fth_tp_format_read("syscalls/../sched", "sched_switch", &f), -EINVAL);
	assert_int_equal(fth_tp_format_read("", "x", &f), -EINVAL);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_live_list(void **state)
{
	char **list;

	require_tracefs();
	int n = fth_tracepoints_list(&list);
	if (n < 0)
		fail_msg("listing tracepoints: %s", strerror(-n));
	assert_true(n > 100);
	for (int i = 1; i < n; i++)
		assert_true(strcmp(list[i - 1], list[i]) <= 0);
	for (int i = 0; i < n; i++)
		assert_non_null(strchr(list[i], ':'));

	const char *key = "syscalls:sys_enter_openat";
	assert_non_null(bsearch(&key, list, (size_t)n, sizeof(*list), compare_strings));
	key = "sched:sched_switch";
	assert_non_null(bsearch(&key, list, (size_t)n, sizeof(*list), compare_strings));
	fth_string_list_free(list, n);
}

/* Every format on this kernel must parse: the real corpus catches
 * declarations no hand-written sample thought of. */
static void test_live_every_format_parses(void **state)
{
	char **list;

	require_tracefs();
	int n = fth_tracepoints_list(&list);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		char *colon = strchr(list[i], ':');
		*colon = '\0';
		struct fth_tp_format f;
		int ret = fth_tp_format_read(list[i], colon + 1, &f);
		/* Events can vanish (module unload) between list and read. */
		if (ret == -ENOENT)
			continue;
		if (ret)
			fail_msg("%s:%s: %s", list[i], colon + 1, strerror(-ret));
		for (int j = 0; j < f.nfields; j++) {
			assert_true(f.fields[j].name[0] != '\0');
			assert_true(f.fields[j].type[0] != '\0');
			assert_true(f.fields[j].array_len >= 0);
		}
		fth_tp_format_free(&f);
	}
	fth_string_list_free(list, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sched_switch),
		cmocka_unit_test(test_parse_sys_enter_openat),
		cmocka_unit_test(test_parse_netif_rx_data_loc),
		cmocka_unit_test(test_parse_array_of_longs),
		cmocka_unit_test(test_parse_unusual_declarations),
		cmocka_unit_test(test_c_integer_names),
		cmocka_unit_test(test_parse_long_print_fmt),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_live_read_openat),
		cmocka_unit_test(test_live_read_missing),
		cmocka_unit_test(test_live_list),
		cmocka_unit_test(test_live_every_format_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
