/* test_elfsym.c - ELF function symbols, address-to-offset mapping and
 * binary lookup, on this test's own executable and the system's libc. */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "elfsym.h"
#include "compile_helper.h"
#include "fathom.h"
#include "probes.h"


/* The instances of the compiled program that are not BEGIN/END. */
static int probe_insts(struct compiled *c, const struct fth_probe_inst **out, int max)
{
	int n = 0;

	for (int i = 0; i < c->prog.progs.len && n < max; i++) {
		const struct fth_prog *p = c->prog.progs.items[i];
		if (strcmp(p->inst->provider->name, "BEGIN") && strcmp(p->inst->provider->name, "END"))
			out[n++] = p->inst;
	}
	return n;
}

/* A function of this program, found by name in its own symbol table. */
__attribute__((noinline, used)) int fth_elfsym_test_marker(int x)
{
	return x * 3 + 1;
}

static void test_own_symbols(void **state)
{
	struct fth_elf e;
	const struct fth_elf_sym *s;
	uint64_t off;

	assert_int_equal(fth_elf_open("/proc/self/exe", &e), 0);
	assert_true(e.nsyms > 0);
	assert_true(e.nsegs > 0);
	for (int i = 1; i < e.nsyms; i++)
		assert_true(strcmp(e.syms[i - 1].name, e.syms[i].name) < 0);
	s = fth_elf_find(&e, "fth_elfsym_test_marker");
	assert_non_null(s);
	assert_true(s->size > 0);
	assert_ptr_equal(fth_elf_containing(&e, s->addr + 1), s);
	assert_int_equal(fth_elf_vaddr_to_offset(e.segs, e.nsegs, s->addr, &off), 0);
	/* The bytes at the file offset are the function's code. */
	{
		FILE *f = fopen("/proc/self/exe", "rb");
		unsigned char code[8];
		assert_non_null(f);
		assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
		assert_int_equal(fread(code, 1, sizeof(code), f), sizeof(code));
		fclose(f);
		assert_memory_equal(code, (const void *)(uintptr_t)fth_elfsym_test_marker, sizeof(code));
	}
	assert_null(fth_elf_find(&e, "no_such_function_here"));
	assert_int_equal(fth_elf_vaddr_to_offset(e.segs, e.nsegs, 0xffffffffff000000ULL, &off), -ENOENT);
	fth_elf_close(&e);
}

/* The start of the lowest mapping of file `path` in this process, from
 * /proc/self/maps, or 0. */
static uint64_t lowest_mapping_of(const char *path)
{
	char line[PATH_MAX + 128], real[PATH_MAX];
	unsigned long long start = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	assert_non_null(realpath(path, real));
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '/');
		if (!name)
			continue;
		name[strcspn(name, "\n")] = '\0';
		if (!strcmp(name, real)) {
			assert_int_equal(sscanf(line, "%llx-", &start), 1);
			break;
		}
	}
	fclose(f);
	return start;
}

/* fth_elf_load_layout is what uaddr() relocates by: the lowest mapping of
 * a file, minus its first loaded page, plus a symbol's file address is the
 * symbol's address in the process. Checked on this test's own executable
 * (PIE or not, whichever the build made) and on libc, a shared object. */
static void test_load_layout(void **state)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), first_page = 1, addr, size;
	char libc[PATH_MAX];
	void *handle, *in_libc;
	bool relocated;

	assert_int_equal(fth_elf_load_layout("/proc/self/exe", page, &relocated, &first_page), 0);
	assert_int_equal(first_page % page, 0);
	assert_int_equal(fth_elf_symbol_address("/proc/self/exe", "fth_elfsym_test_marker", &addr, &size), 0);
	if (relocated)
		assert_int_equal(lowest_mapping_of("/proc/self/exe") - first_page + addr,
				 (uint64_t)(uintptr_t)fth_elfsym_test_marker);
	else
		assert_int_equal(addr, (uint64_t)(uintptr_t)fth_elfsym_test_marker);

	assert_int_equal(fth_resolve_binary("libc", libc, sizeof(libc)), 0);
	assert_int_equal(fth_elf_load_layout(libc, page, &relocated, &first_page), 0);
	assert_true(relocated);
	assert_int_equal(fth_elf_symbol_address(libc, "getpid", &addr, &size), 0);
	/* libc's own getpid (a function pointer taken here could be a PLT entry) */
	handle = dlopen(libc, RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(handle);
	in_libc = dlsym(handle, "getpid");
	assert_non_null(in_libc);
	assert_int_equal(lowest_mapping_of(libc) - first_page + addr, (uint64_t)(uintptr_t)in_libc);
	dlclose(handle);

	assert_int_equal(fth_elf_load_layout("/nonexistent/fathom", page, &relocated, &first_page), -ENOENT);
	assert_int_equal(fth_elf_load_layout("/etc/hostname", page, &relocated, &first_page), -ENOEXEC);
}

static void test_open_errors(void **state)
{
	struct fth_elf e;

	assert_int_equal(fth_elf_open("/nonexistent/fathom", &e), -ENOENT);
	assert_int_equal(fth_elf_open("/etc/hostname", &e), -ENOEXEC);
	assert_int_equal(fth_elf_open("/tmp", &e), -ENOEXEC);
}

static void test_libc(void **state)
{
	char path[PATH_MAX];
	struct fth_elf e;

	assert_int_equal(fth_resolve_binary("libc", path, sizeof(path)), 0);
	assert_non_null(strstr(path, "libc.so"));
	assert_int_equal(path[0], '/');
	assert_int_equal(fth_elf_open(path, &e), 0);
	assert_non_null(fth_elf_find(&e, "getpid"));
	assert_non_null(fth_elf_find(&e, "malloc"));
	fth_elf_close(&e);
	assert_int_equal(fth_resolve_binary("libc.so.6", path, sizeof(path)), 0);
	assert_non_null(strstr(path, "libc.so.6"));
	assert_int_equal(fth_resolve_binary("libnosuchlibrary_fathom", path, sizeof(path)), -ENOENT);
	/* With no cache file, the library directories still find it. */
	assert_int_equal(fth_find_library("libc", "/nonexistent", path, sizeof(path)), 0);
	assert_non_null(strstr(path, "libc.so"));
}

static void test_resolve_paths(void **state)
{
	char path[PATH_MAX], cwd[PATH_MAX];

	assert_int_equal(fth_resolve_binary("sh", path, sizeof(path)), 0);
	assert_int_equal(path[0], '/');
	assert_int_equal(fth_resolve_binary("/nonexistent/x", path, sizeof(path)), -ENOENT);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir("/usr"), 0);
	assert_int_equal(fth_resolve_binary("./bin/../bin/env", path, sizeof(path)), 0);
	/* a written path is kept as written (bpftrace's probe names show it) */
	assert_string_equal(path, "./bin/../bin/env");
	assert_int_equal(chdir(cwd), 0);
}

__attribute__((noinline, used)) int fth_elfsym_other_marker(int x)
{
	return x * 5 + 2;
}

/* uprobe attach points expand without the kernel: canonical names, file
 * offsets, the pt_regs context fields. */
static void test_uprobe_expand(void **state)
{
	char self[PATH_MAX], text[PATH_MAX * 2 + 200];
	const struct fth_probe_inst *insts[8];
	struct fth_elf e;
	const struct fth_elf_sym *sym;
	struct compiled c;
	uint64_t off;
	int n;

	assert_non_null(realpath("/proc/self/exe", self));
	assert_int_equal(fth_elf_open(self, &e), 0);
	sym = fth_elf_find(&e, "fth_elfsym_test_marker");
	assert_non_null(sym);
	assert_int_equal(fth_elf_vaddr_to_offset(e.segs, e.nsegs, sym->addr, &off), 0);

	snprintf(text, sizeof(text), "uprobe:%s:fth_elfsym_test_marker { } ur:%s:fth_elfsym_*_marker { }", self, self);
	compile(&c, text);
	assert_int_equal(c.rc, 0);
	n = probe_insts(&c, insts, 8);
	assert_int_equal(n, 3);
	{
		char want[PATH_MAX + 64];
		snprintf(want, sizeof(want), "uprobe:%s:fth_elfsym_test_marker", self);
		assert_string_equal(insts[0]->name, want);
		snprintf(want, sizeof(want), "uretprobe:%s:fth_elfsym_other_marker", self);
		assert_string_equal(insts[1]->name, want);
	}
	assert_int_equal(insts[0]->offset, off);
	assert_string_equal(insts[0]->binary, self);
	assert_true(insts[0]->regs_ctx);
	assert_true(insts[0]->user_space);
	assert_true(insts[0]->has_func);
	assert_false(insts[0]->has_retval);
	assert_string_equal(insts[0]->func_name, "fth_elfsym_test_marker");
	assert_true(insts[1]->has_retval);
	assert_string_equal(insts[1]->func_name, "fth_elfsym_other_marker");
	assert_string_equal(insts[2]->func_name, "fth_elfsym_test_marker");
	assert_int_equal(insts[0]->provider->prog_type, BPF_PROG_TYPE_KPROBE);
	release(&c);

	/* FUNC+OFFSET and an address: the same file offset plus the offset. */
	snprintf(text, sizeof(text), "u:%s:fth_elfsym_test_marker+1 { } u:%s:0x%llx { }", self, self,
		 (unsigned long long)sym->addr);
	compile(&c, text);
	assert_int_equal(c.rc, 0);
	n = probe_insts(&c, insts, 8);
	assert_int_equal(n, 2);
	assert_int_equal(insts[0]->offset, off + 1);
	assert_int_equal(insts[1]->offset, off);
	assert_string_equal(insts[1]->func_name, "fth_elfsym_test_marker");
	release(&c);

	snprintf(text, sizeof(text), "uprobe:%s:fth_elfsym_test_markr { }", self);
	compile(&c, text);
	assert_int_not_equal(c.rc, 0);
	assert_non_null(strstr(c.errors, "ERROR: Could not resolve symbol: "));
	assert_non_null(strstr(c.errors, ":fth_elfsym_test_markr\n"));
	assert_non_null(strstr(c.errors, "HINT: did you mean 'fth_elfsym_test_marker'?"));
	release(&c);
	fth_elf_close(&e);
}

static void test_uprobe_list(void **state)
{
	char self[PATH_MAX], pattern[PATH_MAX + 32], want[PATH_MAX * 2 + 100];
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(realpath("/proc/self/exe", self));
	snprintf(pattern, sizeof(pattern), "uprobe:%s:fth_elfsym_*", self);
	assert_int_equal(fth_probes_list(pattern, false, out), 0);
	fclose(out);
	snprintf(want, sizeof(want), "uprobe:%s:fth_elfsym_other_marker\nuprobe:%s:fth_elfsym_test_marker\n", self,
		 self);
	assert_string_equal(text, want);
	free(text);
}

/* glibc's strlen is an IFUNC: a probe on it goes to the implementation its
 * resolver picks, FUNC+OFFSET stays on the resolver. */
static void test_ifunc(void **state)
{
	const char *names[] = { "strlen", "malloc", "fth_no_such_function" };
	char path[PATH_MAX], self[PATH_MAX], text[PATH_MAX * 2 + 100];
	const struct fth_probe_inst *insts[4];
	const struct fth_elf_sym *strlen_sym, *malloc_sym;
	uint64_t targets[3], off_impl, off_resolver;
	struct compiled c;
	struct fth_elf e;

	assert_int_equal(fth_resolve_binary("libc", path, sizeof(path)), 0);
	assert_int_equal(fth_elf_open(path, &e), 0);
	strlen_sym = fth_elf_find(&e, "strlen");
	malloc_sym = fth_elf_find(&e, "malloc");
	assert_non_null(strlen_sym);
	assert_non_null(malloc_sym);
	assert_true(strlen_sym->ifunc);
	assert_false(malloc_sym->ifunc);
	assert_int_equal(fth_elf_resolve_ifuncs(path, names, 3, targets), 0);
	assert_true(targets[0] != 0 && targets[0] != strlen_sym->addr);
	assert_int_equal(targets[1], malloc_sym->addr);
	assert_int_equal(targets[2], 0);
	assert_int_equal(fth_elf_vaddr_to_offset(e.segs, e.nsegs, targets[0], &off_impl), 0);
	assert_int_equal(fth_elf_vaddr_to_offset(e.segs, e.nsegs, strlen_sym->addr, &off_resolver), 0);

	snprintf(text, sizeof(text), "uprobe:libc:strlen { } uprobe:libc:strlen+0 { }");
	compile(&c, text);
	assert_int_equal(c.rc, 0);
	assert_int_equal(probe_insts(&c, insts, 4), 2);
	assert_int_equal(insts[0]->offset, off_impl);
	assert_string_equal(insts[0]->func_name, "strlen");
	assert_int_equal(insts[1]->offset, off_resolver);
	release(&c);
	fth_elf_close(&e);

	/* An executable cannot be loaded with dlopen(): nothing resolved. */
	assert_non_null(realpath("/proc/self/exe", self));
	assert_int_equal(fth_elf_resolve_ifuncs(self, names, 2, targets), 0);
	assert_int_equal(targets[0], 0);
	assert_int_equal(targets[1], 0);
}

/* C++ names: demangled with libstdc++, matched with or without their
 * parameters, as bpftrace matches uprobe functions. */
static void test_demangle(void **state)
{
	struct fth_elf_sym sym = { .name = "_ZN2ns8func_oneEi" };
	char *d = fth_demangle("_ZN2ns8func_oneEi");

	assert_non_null(d);
	assert_string_equal(d, "ns::func_one(int)");
	assert_null(fth_demangle("malloc"));
	assert_null(fth_demangle("_Znot_a_name"));
	sym.demangled = d;
	assert_string_equal(fth_elf_display_name(&sym), "ns::func_one(int)");
	assert_true(fth_elf_sym_matches(&sym, "ns::func_one"));
	assert_true(fth_elf_sym_matches(&sym, "ns::func_one(int)"));
	assert_true(fth_elf_sym_matches(&sym, "ns::func*"));
	assert_true(fth_elf_sym_matches(&sym, "_ZN2ns*"));
	assert_false(fth_elf_sym_matches(&sym, "ns::func_two"));
	assert_false(fth_elf_sym_matches(&sym, "func_one"));
	free(d);
}

/* Rust's legacy mangling: the path without the hash, escapes decoded; C++
 * names and names without a hash are not Rust. */
static void test_rust_demangle(void **state)
{
	static const struct { const char *mangled, *demangled; } cases[] = {
		{ "_ZN4test4fun117h1c65f24d7a677fc8E", "test::fun1" },
		{ "_ZN3std2rt10lang_start17h0123456789abcdefE", "std::rt::lang_start" },
		{ "_ZN67_$LT$regex_syntax..hir..LookSet$u20$as$u20$core..cmp..PartialEq$GT$2eq17hbf472fe7f62896eaE",
		  "<regex_syntax::hir::LookSet as core::cmp::PartialEq>::eq" },
		{ "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$"
		  "17h4e2ad5b1d8a1e5c2E",
		  "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>" },
	};
	struct fth_elf_sym sym = { .name = "_ZN4test4fun117h1c65f24d7a677fc8E" };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = fth_rust_demangle(cases[i].mangled);
		assert_non_null(d);
		assert_string_equal(d, cases[i].demangled);
		free(d);
	}
	assert_null(fth_rust_demangle("_ZN2ns8func_oneEi"));         /* C++ */
	assert_null(fth_rust_demangle("_ZN4test4fun117hnothexdigits1234E")); /* no hash */
	assert_null(fth_rust_demangle("_ZN4test4fun1E"));
	assert_null(fth_rust_demangle("_ZN99testE"));                 /* length past the end */
	assert_null(fth_rust_demangle("malloc"));
	sym.rust_demangled = fth_rust_demangle(sym.name);
	assert_true(fth_elf_sym_matches(&sym, "test::fun1"));
	assert_true(fth_elf_sym_matches(&sym, "test::*"));
	assert_false(fth_elf_sym_matches(&sym, "test::fun2"));
	free(sym.rust_demangled);
}

/* Rust's v0 mangling (_R...): fth_rust_demangle gives LLVM's text, which
 * names the symbol in rust: patterns and is the name shown for it (func,
 * usym, ustack), as bpftrace shows it. A legacy symbol keeps the C++
 * demangler's text as its shown name. */
static void test_rust_v0_symbols(void **state)
{
	struct fth_elf_sym v0 = { .name = "_RNvXCs9YSfaoTXO5M_4richNtB2_6SquareNtB2_5Shape5sides" };
	struct fth_elf_sym legacy = { .name = "_ZN4test4fun117h1c65f24d7a677fc8E" };
	struct fth_elf_sym bad = { .name = "_RNvC1a" };

	(void)state;
	v0.rust_demangled = fth_rust_demangle(v0.name);
	assert_non_null(v0.rust_demangled);
	assert_string_equal(v0.rust_demangled, "<rich::Square as rich::Shape>::sides");
	assert_string_equal(fth_elf_display_name(&v0), "<rich::Square as rich::Shape>::sides");
	assert_true(fth_elf_sym_matches(&v0, "<rich::Square as rich::Shape>::sides"));
	assert_true(fth_elf_sym_matches(&v0, "<*Shape>::sides"));
	assert_true(fth_elf_sym_matches(&v0, "_RNvX*"));
	assert_false(fth_elf_sym_matches(&v0, "rich::sides"));
	free(v0.rust_demangled);

	legacy.rust_demangled = fth_rust_demangle(legacy.name);
	assert_string_equal(fth_elf_display_name(&legacy), legacy.name); /* no C++ text set here */
	free(legacy.rust_demangled);

	bad.rust_demangled = fth_rust_demangle(bad.name);
	assert_null(bad.rust_demangled);
	assert_string_equal(fth_elf_display_name(&bad), "_RNvC1a");
}

/* The GNU build-id of the executable self, as readelf prints it; false
 * when it has none (or readelf is missing). */
static bool own_build_id(const char *self, char *id, size_t len)
{
	char cmd[PATH_MAX + 80];
	FILE *f;
	bool ok;

	snprintf(cmd, sizeof(cmd), "readelf -n '%s' 2>/dev/null | awk '/Build ID:/ { print $3 }'", self);
	f = popen(cmd, "r");
	if (!f)
		return false;
	ok = fgets(id, (int)len, f) && strlen(id) > 4;
	pclose(f);
	id[strcspn(id, "\n")] = '\0';
	return ok;
}

/* --debuginfo directories: this executable's build-id path under a
 * directory given in a colon list (after one that does not exist) is its
 * debug file, found before the default root. */
static void test_debug_dirs(void **state)
{
	char self[PATH_MAX], dir[] = "/tmp/fth-debugdirs-XXXXXX", id[160] = "";
	char list[64], top[64], sub[80], file[PATH_MAX], found[PATH_MAX];

	(void)state;
	assert_non_null(realpath("/proc/self/exe", self));
	if (!own_build_id(self, id, sizeof(id)))
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(top, sizeof(top), "%s/.build-id", dir);
	snprintf(sub, sizeof(sub), "%s/%.2s", top, id);
	assert_true(snprintf(file, sizeof(file), "%s/%s.debug", sub, id + 2) < (int)sizeof(file));
	assert_int_equal(mkdir(top, 0700), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(symlink(self, file), 0);
	assert_int_equal(fth_elf_debug_file(self, "/nonexistent-root", found, sizeof(found)), -ENOENT);
	snprintf(list, sizeof(list), "/nonexistent-dir:%s", dir);
	assert_int_equal(fth_elf_add_debug_dirs(list), 0);
	assert_int_equal(fth_elf_debug_file(self, "/nonexistent-root", found, sizeof(found)), 0);
	assert_string_equal(found, file);
	/* a NULL root still means: never look */
	assert_int_equal(fth_elf_debug_file(self, NULL, found, sizeof(found)), -ENOENT);
	unlink(file);
	rmdir(sub);
	rmdir(top);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_symbols),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_load_layout),
		cmocka_unit_test(test_libc),
		cmocka_unit_test(test_resolve_paths),
		cmocka_unit_test(test_uprobe_expand),
		cmocka_unit_test(test_uprobe_list),
		cmocka_unit_test(test_ifunc),
		cmocka_unit_test(test_demangle),
		cmocka_unit_test(test_rust_demangle),
		cmocka_unit_test(test_rust_v0_symbols),
		cmocka_unit_test(test_debug_dirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
