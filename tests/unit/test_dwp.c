/* test_dwp.c - DWARF packages: a small program built with -gsplit-dwarf
 * here, its .dwo packed by binutils' dwp (DWARF 4, index version 2) and
 * LLVM's (DWARF 5, version 5; Debian's rustc ships it as rust-llvm-dwp);
 * its unit found by DWO id; other files and damaged indexes refused
 * without a crash. */
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwp.h"

/* elfutils' <dwarf.h> is shadowed by fathom's src/dwarf.h here: the few
 * DWARF numbers this test needs */
#define UT_SKELETON 0x04           /* UT_SKELETON */
#define TAG_SUBPROGRAM 0x2e        /* TAG_SUBPROGRAM */
#define TAG_FORMAL_PARAMETER 0x05  /* TAG_FORMAL_PARAMETER */

static char dir[] = "/tmp/fth-dwp-XXXXXX";

static const char program[] = "struct pkg { int id; char name[8]; };\n"
			      "__attribute__((noinline)) int open_pkg(struct pkg *p, int mode) { return p->id + mode; }\n"
			      "int main(void) { struct pkg p = { 3, \"x\" }; return open_pkg(&p, 1); }\n";

/* DIR/vVERSION(.dwp) from the program, or fail the test. */
static void build(int version, const char *packer)
{
	char cmd[1024];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/prog.c", dir);
	f = fopen(cmd, "w");
	assert_non_null(f);
	fputs(program, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && gcc -g -gdwarf-%d -gsplit-dwarf -O1 -o v%d prog.c && %s -e v%d -o v%d.dwp && rm -f *.dwo",
		 dir, version, version, packer, version, version);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	build(4, "dwp");
	build(5, "rust-llvm-dwp");
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The DWO id of the binary's one skeleton unit. */
static uint64_t skeleton_id(const char *binary)
{
	int fd = open(binary, O_RDONLY);
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t type;
	Dwarf_Die cudie, subdie;
	uint64_t id = 0;

	assert_non_null(dw);
	assert_int_equal(dwarf_get_units(dw, cu, &cu, &version, &type, &cudie, &subdie), 0);
	assert_int_equal(type, UT_SKELETON);
	assert_int_equal(dwarf_cu_info(cu, NULL, NULL, NULL, NULL, &id, NULL, NULL), 0);
	dwarf_end(dw);
	close(fd);
	return id;
}

/* Whether the unit is the program's, with open_pkg and its two params. */
static bool is_program_unit(Dwarf *dw)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t type;
	Dwarf_Die cudie, subdie, child;
	int params = 0;

	if (dwarf_get_units(dw, cu, &cu, &version, &type, &cudie, &subdie) != 0 || dwarf_child(&cudie, &child) != 0)
		return false;
	do {
		Dwarf_Die param;
		if (dwarf_tag(&child) != TAG_SUBPROGRAM || !dwarf_diename(&child) ||
		    strcmp(dwarf_diename(&child), "open_pkg") || dwarf_child(&child, &param) != 0)
			continue;
		do
			params += dwarf_tag(&param) == TAG_FORMAL_PARAMETER;
		while (dwarf_siblingof(&param, &param) == 0);
	} while (dwarf_siblingof(&child, &child) == 0);
	return params == 2;
}

static void check_package(int version)
{
	char binary[256], package[256];
	struct fth_dwp *p;
	uint64_t id;
	Dwarf *dw;

	snprintf(binary, sizeof(binary), "%s/v%d", dir, version);
	snprintf(package, sizeof(package), "%s/v%d.dwp", dir, version);
	id = skeleton_id(binary);
	p = fth_dwp_open(package);
	assert_non_null(p);
	dw = fth_dwp_unit(p, id);
	assert_non_null(dw);
	assert_true(is_program_unit(dw));
	assert_ptr_equal(fth_dwp_unit(p, id), dw); /* made once */
	assert_null(fth_dwp_unit(p, id ^ 0x8000000000000000ULL));
	assert_null(fth_dwp_unit(p, 0));
	fth_dwp_close(p);
}

static void test_gnu_package(void **state)
{
	(void)state;
	check_package(4);
}

static void test_dwarf5_package(void **state)
{
	(void)state;
	check_package(5);
}

static void test_not_a_package(void **state)
{
	char binary[256];

	(void)state;
	errno = 0;
	assert_null(fth_dwp_open("/nonexistent/x.dwp"));
	assert_int_equal(errno, ENOENT);
	snprintf(binary, sizeof(binary), "%s/v5", dir); /* ELF, no index */
	assert_null(fth_dwp_open(binary));
	snprintf(binary, sizeof(binary), "%s/prog.c", dir); /* not ELF */
	assert_null(fth_dwp_open(binary));
}

/* Where .debug_cu_index is in the package file. */
static void find_index(const char *path, off_t *offset, size_t *size)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	*size = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		gelf_getshdr(scn, &shdr);
		if (!strcmp(elf_strptr(elf, shstrndx, shdr.sh_name), ".debug_cu_index")) {
			*offset = (off_t)shdr.sh_offset;
			*size = shdr.sh_size;
		}
	}
	elf_end(elf);
	close(fd);
	assert_true(*size > 0);
}

static uint8_t *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *bytes;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	bytes = malloc((size_t)n);
	assert_non_null(bytes);
	assert_int_equal(fread(bytes, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return bytes;
}

/* Every byte of the index set to values that break it (sizes, rows,
 * offsets past the sections): opening and reading refuse or cope, and
 * never read outside the file (ASan checks in the sanitizer build). */
static void test_damaged_index(void **state)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x03, 0x7f, 0xff };
	char good[256], bad[256], cmd[600];
	uint8_t *bytes;
	uint64_t id;
	size_t size, len;
	off_t at;

	(void)state;
	for (int version = 4; version <= 5; version++) {
		snprintf(good, sizeof(good), "%s/v%d.dwp", dir, version);
		snprintf(bad, sizeof(bad), "%s/bad.dwp", dir);
		snprintf(cmd, sizeof(cmd), "%s/v%d", dir, version);
		id = skeleton_id(cmd);
		find_index(good, &at, &size);
		bytes = read_whole(good, &len);
		for (size_t i = 0; i < size; i++) {
			for (size_t v = 0; v < sizeof(values); v++) {
				struct fth_dwp *p;
				int fd;
				fd = open(bad, O_WRONLY | O_CREAT | O_TRUNC, 0600);
				assert_int_equal(write(fd, bytes, len), (ssize_t)len);
				assert_int_equal(pwrite(fd, &values[v], 1, at + (off_t)i), 1);
				close(fd);
				if ((p = fth_dwp_open(bad))) {
					Dwarf *dw = fth_dwp_unit(p, id);
					if (dw)
						is_program_unit(dw);
					fth_dwp_close(p);
				}
			}
		}
		free(bytes);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnu_package),
		cmocka_unit_test(test_dwarf5_package),
		cmocka_unit_test(test_not_a_package),
		cmocka_unit_test(test_damaged_index),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
