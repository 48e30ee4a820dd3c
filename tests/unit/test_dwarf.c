/* test_dwarf.c - function parameters and struct types read from DWARF:
 * this test program's own debug information (meson builds it with -g),
 * for functions and a struct defined here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>
#include <link.h>

#include "dwarf.h"

struct dwarf_sample {
	int16_t small;
	char label[6];
	struct dwarf_sample *next;
	uint8_t grid[2][3];
	unsigned flag : 1;
};

__attribute__((noinline, used)) int dwarf_sample_fn(const struct dwarf_sample *sample, unsigned char c, long n)
{
	return sample->small + c + (int)n;
}

struct dwarf_big {
	long a, b, c;
};

struct dwarf_wide {
	unsigned __int128 huge : 100;
	unsigned small : 3;
};

__attribute__((noinline, used)) unsigned dwarf_wide_fn(const struct dwarf_wide *w)
{
	return w->small;
}

/* ratio in an SSE register and big on the stack: after and w are in the
 * first two integer registers */
__attribute__((noinline, used)) long dwarf_placed_fn(double ratio, struct dwarf_big big, int after,
						      struct dwarf_wide *w)
{
	return (long)ratio + big.a + after + w->small;
}

struct dwarf_pair {
	long a;
	int b, c;
};

/* pair is 16 bytes of integers: two registers, after first's */
__attribute__((noinline, used)) long dwarf_pair_fn(int first, struct dwarf_pair pair, long last)
{
	return first + pair.a + pair.c + last;
}

static const char *self_path = "/proc/self/exe";

static void skip_without_dwarf(struct fth_arena *arena)
{
	struct fth_dwarf_param *p;
	int n;

	if (fth_dwarf_func_params(arena, self_path, "main", 0, &p, &n))
		skip(); /* built without -g */
}

static void test_function_params(void **state)
{
	struct fth_arena arena;
	struct fth_dwarf_param *p;
	int n;

	(void)state;
	fth_arena_init(&arena);
	skip_without_dwarf(&arena);
	assert_int_equal(fth_dwarf_func_params(&arena, self_path, "dwarf_sample_fn", 0, &p, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(p[0].name, "sample");
	assert_string_equal(p[0].c_type, "const struct dwarf_sample*");
	assert_int_equal(p[0].type->kind, FTH_T_POINTER);
	assert_true(p[0].type->user_space);
	assert_string_equal(p[1].name, "c");
	assert_int_equal(p[1].type->kind, FTH_T_INT);
	assert_int_equal(p[1].type->size, 1);
	assert_false(p[1].type->is_signed);
	assert_string_equal(p[2].c_type, "long int");
	assert_true(p[2].type->is_signed);
	assert_int_equal(fth_dwarf_func_params(&arena, self_path, "no_such_function_here", 0, &p, &n), -ENOENT);
	fth_arena_free(&arena);
}

static void test_struct_layout(void **state)
{
	struct fth_arena arena;
	struct fth_type *t;

	(void)state;
	fth_arena_init(&arena);
	skip_without_dwarf(&arena);
	t = fth_dwarf_find_type(&arena, self_path, "struct dwarf_sample");
	assert_non_null(t);
	assert_int_equal(t->kind, FTH_T_STRUCT);
	assert_int_equal(t->size, sizeof(struct dwarf_sample));
	assert_int_equal(t->nfields, 5);
	assert_int_equal(t->fields[1].type->kind, FTH_T_STRING); /* char[6] */
	assert_true(t->fields[1].type->char_array);
	assert_int_equal(t->fields[1].offset, offsetof(struct dwarf_sample, label));
	assert_ptr_equal(t->fields[2].type->elem, t); /* points back at itself */
	assert_int_equal(t->fields[3].type->kind, FTH_T_ARRAY);
	assert_int_equal(t->fields[3].type->count, 2);
	assert_int_equal(t->fields[3].type->elem->count, 3);
	assert_int_equal(t->fields[4].bit_size, 1);
	for (int i = 0; i < 4; i++) /* not bitfields */
		assert_true(t->fields[i].bit_size == 0 && t->fields[i].bit_offset == 0);
	assert_null(fth_dwarf_find_type(&arena, self_path, "struct not_defined_anywhere"));
	fth_arena_free(&arena);
}

static void test_param_placement(void **state)
{
	struct fth_arena arena;
	struct fth_dwarf_param *p;
	int n;

	(void)state;
	fth_arena_init(&arena);
	skip_without_dwarf(&arena);
	assert_int_equal(fth_dwarf_func_params(&arena, self_path, "dwarf_placed_fn", 0, &p, &n), 0);
	assert_int_equal(n, 4);
	assert_null(p[0].reg);
	assert_string_equal(p[0].passed, "in SSE registers");
	assert_null(p[1].reg);
	assert_string_equal(p[1].passed, "on the stack");
	assert_int_equal(p[1].stack_offset, 8);
	assert_string_equal(p[1].c_type, "struct dwarf_big");
	assert_string_equal(p[2].reg, "di");
	assert_string_equal(p[3].reg, "si");
	assert_int_equal(fth_dwarf_func_params(&arena, self_path, "dwarf_sample_fn", 0, &p, &n), 0);
	assert_string_equal(p[0].reg, "di");
	assert_string_equal(p[2].reg, "dx");
	assert_int_equal(p[0].nparts, 0);
	/* a small struct by value: its 8-byte words in the next registers */
	assert_int_equal(fth_dwarf_func_params(&arena, self_path, "dwarf_pair_fn", 0, &p, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(p[0].reg, "di");
	assert_null(p[1].reg);
	assert_string_equal(p[1].passed, "by value, in general registers");
	assert_int_equal(p[1].nparts, 2);
	assert_string_equal(p[1].part_reg[0], "si");
	assert_string_equal(p[1].part_reg[1], "dx");
	assert_int_equal(p[1].part_offset[0], 0);
	assert_int_equal(p[1].part_size[0], 8);
	assert_int_equal(p[1].part_offset[1], 8);
	assert_int_equal(p[1].part_size[1], 8);
	assert_string_equal(p[2].reg, "cx");
	/* nothing in general registers: no parts */
	assert_int_equal(fth_dwarf_func_params(&arena, self_path, "dwarf_placed_fn", 0, &p, &n), 0);
	assert_int_equal(p[0].nparts, 0);
	assert_int_equal(p[1].nparts, 0);
	fth_arena_free(&arena);
}

/* a bitfield no 8-byte load holds is left out; the one after it is placed
 * in its 4-byte storage unit */
static void test_wide_bitfield_refused(void **state)
{
	struct fth_arena arena;
	struct fth_type *t;

	(void)state;
	fth_arena_init(&arena);
	skip_without_dwarf(&arena);
	t = fth_dwarf_find_type(&arena, self_path, "struct dwarf_wide");
	assert_non_null(t);
	assert_int_equal(t->size, sizeof(struct dwarf_wide));
	assert_int_equal(t->nfields, 1);
	assert_string_equal(t->fields[0].name, "small");
	assert_int_equal(t->fields[0].bit_size, 3);
	assert_int_equal(t->fields[0].offset * 8 + t->fields[0].bit_offset, 100);
	assert_true(t->fields[0].bit_offset + t->fields[0].bit_size <= t->fields[0].type->size * 8);
	fth_arena_free(&arena);
}

/* Its opening brace's line is where its code starts; the line after the
 * branch comes later. Unoptimized, so that each line keeps a statement. */
static const int line_fn_brace = __LINE__ + 3;
static const int line_fn_after_branch = __LINE__ + 6;
__attribute__((noinline, used, optimize("O0"))) int dwarf_line_fn(int v)
{
	if (v > 3)
		v = 3;
	return v * 2;
}

static int first_object_bias(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(uintptr_t *)data = info->dlpi_addr;
	return 1; /* the first object is the program itself */
}

static void test_source_line_addresses(void **state)
{
	struct fth_arena arena;
	struct fth_dwarf_line brace, after, found;
	uintptr_t bias = 0;

	(void)state;
	fth_arena_init(&arena);
	skip_without_dwarf(&arena);
	dl_iterate_phdr(first_object_bias, &bias);
	assert_int_equal(fth_dwarf_line_addr(self_path, "test_dwarf.c", line_fn_brace, 0, &brace), 0);
	assert_true(brace.nstmts > 0);
	assert_int_equal(brace.addr + bias, (uintptr_t)&dwarf_line_fn);
	/* a path suffix names the file too */
	assert_int_equal(fth_dwarf_line_addr(self_path, "unit/test_dwarf.c", line_fn_after_branch, 0, &after), 0);
	assert_true(after.addr > brace.addr);
	assert_true(strstr(after.file, "test_dwarf.c") != NULL);
	/* part of a component is not a name; a comment line has no statement */
	assert_int_equal(fth_dwarf_line_addr(self_path, "st_dwarf.c", line_fn_brace, 0, &found), -ESRCH);
	assert_int_equal(fth_dwarf_line_addr(self_path, "test_dwarf.c", 1, 0, &found), -ERANGE);
	assert_int_equal(fth_dwarf_line_addr(self_path, "no_such_file.c", 10, 0, &found), -ESRCH);
	assert_int_equal(fth_dwarf_line_addr("/nonexistent/binary", "test_dwarf.c", 10, 0, &found), -ENOENT);
	fth_arena_free(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_function_params),
		cmocka_unit_test(test_struct_layout),
		cmocka_unit_test(test_param_placement),
		cmocka_unit_test(test_wide_bitfield_refused),
		cmocka_unit_test(test_source_line_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
