/* probes_user.c - user-space probes: uprobe/uretprobe and usdt.
 *
 *   uprobe:PATH:FUNC[+OFFSET]   (u)  uretprobe:PATH:FUNC (ur)
 *   uprobe:PATH:0xADDRESS            usdt:PATH:[PROVIDER:]NAME (U)
 *   uprobe:PATH@FILE:LINE[:COLUMN]   (a source statement, from DWARF)
 *
 * PATH is absolute, relative, a library name ("libc", resolved like the
 * dynamic loader does) or a program in $PATH; the probe name carries the
 * canonical absolute path. FUNC may have '*' wildcards (one instance per
 * matching function). Symbols come from .symtab and .dynsym (elfsym.c),
 * USDT probes from .note.stapsdt (usdt.c). Everything is attached with
 * the perf "uprobe" PMU (perf_event_open with config1 = path, config2 =
 * file offset, the retprobe bit, and the USDT semaphore's file offset as
 * ref_ctr_offset so that the kernel counts it up), then a bpf_link. The
 * program is BPF_PROG_TYPE_KPROBE: its context is struct pt_regs.
 *
 * A wildcard matching several functions uses one program and one
 * uprobe_multi link for all of them where the kernel has those (6.6+): the
 * program reads which function fired from the link's cookie (`probe`,
 * `func`), and attaching ~2,000 functions of libc takes a fraction of a
 * second instead of minutes. Without them, and for single functions, each
 * function has its own program (with `func` a constant) and perf uprobe.
 * When the kernel has them but refuses the link for a reason other than a
 * function it cannot probe (a security module's veto), the shared program
 * is attached to one perf uprobe per function, with the same cookies. */
#include "probes.h"

#include <bpf/bpf.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <glob.h>
#include <limits.h>
#include <sys/stat.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "elfsym.h"
#include "tracefs.h"
#include "dwarf.h"
#include "usdt.h"


static bool has_wildcard(const char *s)
{
	return strchr(s, '*') != NULL;
}

/* Resolve the attach point's PATH; reports the error. */
static const char *resolve_path(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
				const char *what, const char *name)
{
	char path[PATH_MAX];
	int rc = fth_resolve_binary(name, path, sizeof(path));

	if (rc && name[0] == '/' && prog->config.target_pid > 0) {
		/* a file only in the traced process's mount namespace */
		char inside[PATH_MAX];
		snprintf(inside, sizeof(inside), "/proc/%d/root%s", prog->config.target_pid, name);
		rc = fth_resolve_binary(inside, path, sizeof(path));
	}
	if (rc) {
		if (strchr(name, '/'))
			fth_error_hint(diag, attach->range, "check the path of the binary or library",
				       "%s target file '%s' does not exist", what, name);
		else
			fth_error_hint(diag, attach->range,
				       "give a path, a library name (libc) or a program in $PATH",
				       "%s target '%s' not found (no such library or program)", what, name);
		return NULL;
	}
	return fth_arena_strdup(&prog->arena, path);
}

static void elf_error(struct fth_diag *diag, struct fth_node *attach, const char *path, int rc)
{
	if (rc == -ENOEXEC)
		fth_error_hint(diag, attach->range,
			       "give an executable or a shared library (for a script: its interpreter)",
			       "'%s' is not an ELF file", path);
	else
		fth_error_hint(diag, attach->range,
			       "check the path; a bare name is looked up in PATH, a library name (libc) in ld.so.cache",
			       "cannot read '%s': %s", path, strerror(-rc));
}

/* An address or offset: the whole string as an attach-point integer
 * (0x1000, 4_096, ...). It starts with a digit, so that a function named
 * _1 is never taken for one. */
static bool parse_u64(const char *s, uint64_t *out)
{
	return isdigit((unsigned char)*s) && fth_attach_uint(s, out) == NULL;
}

/* The ELF files of process PID's executable mappings (its program and
 * libraries), in map order, each once. */
static int process_binaries(struct fth_arena *arena, int pid, struct fth_ptrvec *paths)
{
	char mapsfile[64], line[PATH_MAX + 256];
	FILE *f;

	snprintf(mapsfile, sizeof(mapsfile), "/proc/%d/maps", pid);
	f = fopen(mapsfile, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char perms[8];
		int at = 0;
		bool seen = false;
		if (sscanf(line, "%*s %7s %*s %*s %*s %n", perms, &at) != 1 || !at || perms[2] != 'x' || line[at] != '/')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (int i = 0; i < paths->len && !seen; i++)
			seen = !strcmp(paths->items[i], line + at) ||
			       !strcmp(paths->items[i], fth_arena_printf(arena, "/proc/%d/root%s", pid, line + at));
		if (seen)
			continue;
		/* a file only in the process's mount namespace: through its root */
		if (access(line + at, F_OK))
			fth_ptrvec_push(arena, paths, fth_arena_printf(arena, "/proc/%d/root%s", pid, line + at));
		else
			fth_ptrvec_push(arena, paths, fth_arena_strdup(arena, line + at));
	}
	fclose(f);
	return 0;
}

/* The binaries the PATH of a uprobe or usdt attach point names: the file
 * itself, the files a glob matches, or, when a process is given (-p/-c)
 * and PATH is empty or a glob, the program and libraries of that process
 * (those the glob matches). Reports errors. */
static int target_binaries(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			   const char *what, const char *written, struct fth_ptrvec *paths)
{
	const char *path;
	glob_t g;

	if ((!*written || has_wildcard(written)) && prog->config.target_pid > 0) {
		/* the process's binaries, those whose path the glob matches */
		struct fth_ptrvec mapped = { 0 };
		int rc = process_binaries(&prog->arena, prog->config.target_pid, &mapped);
		if (rc) {
			fth_error_hint(diag, attach->range,
				       "check that the process given with -p still runs",
				       "cannot read the mappings of process %d: %s",
				       prog->config.target_pid, strerror(-rc));
			return rc;
		}
		for (int i = 0; i < mapped.len; i++)
			if (!*written || fth_glob_match(written, mapped.items[i]))
				fth_ptrvec_push(&prog->arena, paths, mapped.items[i]);
		if (paths->len || !*written || !strcmp(written, "*"))
			return 0;
		/* none of its binaries: a glob of files, as without -p */
	}
	if (!*written || !strcmp(written, "*")) {
		fth_error_hint(diag, attach->range, "give the binary's path, or the process with -p PID or -c CMD",
			       "%s probe needs a binary or a process", what);
		return -EINVAL;
	}
	if (!has_wildcard(written)) {
		path = resolve_path(prog, diag, attach, what, written);
		if (!path)
			return -ENOENT;
		fth_ptrvec_push(&prog->arena, paths, (void *)path);
		return 0;
	}
	if (glob(written, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct stat st;
			if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
				fth_ptrvec_push(&prog->arena, paths, fth_arena_strdup(&prog->arena, g.gl_pathv[i]));
		}
		globfree(&g);
	}
	if (!paths->len) {
		fth_error_hint(diag, attach->range, "check the path of the binary or library",
			       "%s target file '%s' does not exist", what, written);
		return -ENOENT;
	}
	return 0;
}

/* --------------------------------------------------------------- uprobe */

/* bpftrace's language prefixes of a uprobe's FUNCTION: "cpp:" and
 * "rust:" name functions by their demangled names (both kinds match
 * either way here: a name demangles as one language at most). */
static const char *const language_prefixes[] = { "cpp:", "rust:" };

/* The language prefix FUNCTION starts with, or NULL. */
static const char *language_prefix_of(const char *function)
{
	for (size_t i = 0; i < sizeof(language_prefixes) / sizeof(language_prefixes[0]); i++)
		if (!strncmp(function, language_prefixes[i], strlen(language_prefixes[i])))
			return language_prefixes[i];
	return NULL;
}

/* The language prefix the FUNCTION of PROVIDER:PATH:FUNCTION was written
 * with ("cpp:", "rust:"), or "". */
static const char *language_prefixed(const struct fth_node *attach)
{
	const char *const *parts = attach->u.attach.parts;
	const char *prefix;
	size_t skip;

	if (attach->u.attach.nparts < 4)
		return "";
	skip = strlen(parts[0]) + 1 + strlen(parts[1]) + 1;
	if (strlen(attach->u.attach.text) <= skip)
		return "";
	prefix = language_prefix_of(attach->u.attach.text + skip);
	return prefix ? prefix : "";
}

/* One instance.  Its name (the `probe` builtin) is PROVIDER:PATH:SYMBOL as
 * bpftrace prints it: the mangled symbol, after "cpp:" or "rust:" when the
 * attach point was written with that prefix. */
static void uprobe_add(struct fth_program *prog, struct fth_node *attach, const struct fth_provider *self,
		       const char *path, const char *written, const char *func_name, const struct fth_elf_sym *entry,
		       uint64_t offset, struct fth_ptrvec *out)
{
	/* The probe is named with the path as written when it is one (as
	 * bpftrace: "uprobe:testprogs/prog:f"), with what a library or
	 * program name resolved to, or the file a glob matched, otherwise
	 * ("uprobe:/usr/lib/.../libc.so.6:f"). */
	const char *target = attach->u.attach.parts[1];
	const char *shown = strchr(target, '/') && !has_wildcard(target) ? target : path;
	struct fth_probe_inst *inst =
		fth_probe_inst_new(prog, self, attach,
				   fth_arena_printf(&prog->arena, "%s:%s:%s%s", self->name, shown,
						    language_prefixed(attach), written));

	inst->target = path;
	inst->func = fth_arena_strdup(&prog->arena, written);
	inst->regs_ctx = true;
	inst->user_space = true;
	inst->has_retval = self == &fth_provider_uretprobe;
	inst->has_func = func_name != NULL;
	inst->func_name = func_name ? fth_arena_strdup(&prog->arena, func_name) : NULL;
	inst->binary = path;
	inst->offset = offset;
	inst->entry_symbol = entry ? fth_arena_strdup(&prog->arena, entry->name) : NULL;
	inst->entry_addr = entry ? entry->addr : 0;
	fth_ptrvec_push(&prog->arena, out, inst);
}

/* IFUNC symbols (glibc's strlen, memcpy, ...) point at a resolver that
 * runs once per process, when the symbol is bound, and returns the
 * implementation for this CPU (__strlen_avx2). A probe on the name is
 * meant for the calls, so it goes on that implementation; bpftrace probes
 * the resolver, which almost never fires. FUNC+OFFSET and addresses stay
 * where they are written. When the implementation cannot be found (an
 * executable, a library that does not load) the resolver is probed, with
 * one warning per attach point. */
static void warn_unresolved_ifuncs(struct fth_diag *diag, struct fth_node *attach, const char *path,
				   const char *first, int count)
{
	if (count == 1)
		fth_warning(diag, attach->range,
			    "'%s' of %s is an IFUNC whose implementation cannot be found: probing its resolver, "
			    "which runs only when the symbol is bound", first, path);
	else if (count > 1)
		fth_warning(diag, attach->range,
			    "%d IFUNCs of %s ('%s', ...) have no implementation that can be found: probing their "
			    "resolvers, which run only when the symbols are bound", count, path, first);
}

/* The virtual address a probe on sym goes to (see above). */
static uint64_t probe_vaddr(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			    const char *path, const struct fth_elf *e, const struct fth_elf_sym *sym)
{
	const char *name = sym->name;
	uint64_t target = 0;

	if (!sym->ifunc)
		return sym->addr;
	if (fth_elf_resolve_ifuncs(path, &name, 1, &target) == 0 && target)
		return target;
	warn_unresolved_ifuncs(diag, attach, path, name, 1);
	return sym->addr;
}

/* ------------------------------------------------------- uprobe_multi */

/* Not in the UAPI headers this is built against (Linux 6.1): the attach
 * type and link flag of uprobe_multi links (Linux 6.6) and the layout of
 * their part of union bpf_attr for BPF_LINK_CREATE. */
#define FTH_BPF_TRACE_UPROBE_MULTI 48
#define FTH_BPF_F_UPROBE_MULTI_RETURN 1U

struct uprobe_multi_link_attr {
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint64_t path, offsets, ref_ctr_offsets, cookies;
	uint32_t cnt, multi_flags, pid, pad;
};

static int create_uprobe_multi_link(int prog_fd, const char *path, const uint64_t *offsets, const uint64_t *cookies,
				    int n, bool ret, int pid)
{
	struct uprobe_multi_link_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)prog_fd;
	a.attach_type = FTH_BPF_TRACE_UPROBE_MULTI;
	a.path = (uint64_t)(uintptr_t)path;
	a.offsets = (uint64_t)(uintptr_t)offsets;
	a.cookies = (uint64_t)(uintptr_t)cookies;
	a.cnt = (uint32_t)n;
	a.multi_flags = ret ? FTH_BPF_F_UPROBE_MULTI_RETURN : 0;
	a.pid = pid > 0 ? (uint32_t)pid : 0;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	return fd < 0 ? -errno : (int)fd;
}

/* Does the kernel have uprobe_multi links? A program of that attach type
 * loads, and a link on "/" (not a regular file) fails with EBADF rather
 * than EINVAL. */
static bool uprobe_multi_supported(void)
{
	struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = (enum bpf_attach_type)FTH_BPF_TRACE_UPROBE_MULTI);
	uint64_t offset = 0;
	int prog_fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "fth_probe_multi", "GPL", ret0, 2, &opts);
	int link_fd;

	if (prog_fd < 0)
		return false;
	link_fd = create_uprobe_multi_link(prog_fd, "/", &offset, NULL, 1, false, 0);
	close(prog_fd);
	if (link_fd >= 0)
		close(link_fd);
	return link_fd == -EBADF;
}

/* Instances out->items[first..] came from one wildcard: share the first
 * one's program and one uprobe_multi link. */
static void share_one_program(struct fth_program *prog, struct fth_ptrvec *out, int first)
{
	struct fth_probe_inst *leader;

	if (out->len - first < 2 || prog->config.no_uprobe_multi || !uprobe_multi_supported())
		return;
	leader = out->items[first];
	for (int i = first; i < out->len; i++)
		((struct fth_probe_inst *)out->items[i])->multi_leader = leader;
	leader->expected_attach_type = (enum bpf_attach_type)FTH_BPF_TRACE_UPROBE_MULTI;
	fth_reserve_func_names(prog, out->len - first);
}

/* A uprobe on an EVEX-encoded (AVX-512) instruction is single-stepped
 * wrongly: on Linux 6.18 a probe on glibc's __strchrnul_evex (its first
 * instruction is vpbroadcastb %esi,%ymm16) makes printf("%s") of the traced
 * process print "%s". In 64-bit code 0x62 starts an instruction only as
 * the EVEX prefix. Such places are probed only with --unsafe. */
static bool evex_at(int fd, uint64_t offset)
{
	unsigned char b;

	return pread(fd, &b, 1, (off_t)offset) == 1 && b == 0x62;
}

static bool evex_in_file(const char *path, uint64_t offset)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool evex;

	if (fd < 0)
		return false;
	evex = evex_at(fd, offset);
	close(fd);
	return evex;
}

/* Local aliases of an IFUNC (__GI_memcmp) cannot be found by dlsym: they
 * get the implementation of a resolved IFUNC with the same resolver. */
static void share_ifunc_targets(const struct fth_elf *e, const char *const *names, uint64_t *targets, int n)
{
	for (int i = 0; i < n; i++) {
		const struct fth_elf_sym *a = targets[i] ? NULL : fth_elf_find(e, names[i]);
		for (int j = 0; a && j < n; j++) {
			const struct fth_elf_sym *b = targets[j] ? fth_elf_find(e, names[j]) : NULL;
			if (b && b->addr == a->addr) {
				targets[i] = targets[j];
				break;
			}
		}
	}
}

/* The FUNCTION of PROVIDER:PATH:FUNCTION: C++ and Rust names hold "::"
 * (uprobe:./prog:ns::f*), which split the attach point further; bpftrace's
 * language prefixes "cpp:" and "rust:" are accepted and dropped. */
static const char *function_part(struct fth_program *prog, struct fth_node *attach)
{
	const char *const *parts = attach->u.attach.parts;
	const char *text = attach->u.attach.text, *rest;
	size_t skip;

	if (attach->u.attach.nparts < 3)
		return NULL;
	if (attach->u.attach.nparts == 3)
		return parts[2];
	skip = strlen(parts[0]) + 1 + strlen(parts[1]) + 1;
	if (strlen(text) < skip)
		return parts[2];
	rest = text + skip;
	if (language_prefix_of(rest))
		rest += strlen(language_prefix_of(rest));
	return fth_arena_strdup(&prog->arena, rest);
}

/* Does a demangled C++ name (with or without its parameters) or Rust name
 * equal name? */
static bool demangled_match(const struct fth_elf *e, const char *name)
{
	for (int i = 0; i < e->nsyms; i++)
		if ((e->syms[i].demangled || e->syms[i].rust_demangled) && fth_elf_sym_matches(&e->syms[i], name))
			return true;
	return false;
}

/* One instance per function matching pattern: how many, or negative errno. */
static int uprobe_expand_wildcard(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
				  const struct fth_provider *self, const char *path, const struct fth_elf *e,
				  const char *pattern, struct fth_ptrvec *out)
{
	const char **ifunc_names = fth_arena_alloc(&prog->arena, sizeof(char *) * (size_t)(e->nsyms + 1));
	uint64_t *targets = fth_arena_alloc(&prog->arena, sizeof(uint64_t) * (size_t)(e->nsyms + 1));
	int nifuncs = 0, k = 0, unresolved = 0, matched = 0, nevex = 0, nsizeless = 0, fd;
	const char *first_unresolved = NULL, *first_evex = NULL, *first_sizeless = NULL;

	for (int i = 0; i < e->nsyms; i++)
		if (e->syms[i].ifunc && fth_elf_sym_matches(&e->syms[i], pattern))
			ifunc_names[nifuncs++] = e->syms[i].name;
	if (nifuncs && fth_elf_resolve_ifuncs(path, ifunc_names, nifuncs, targets))
		memset(targets, 0, sizeof(uint64_t) * (size_t)nifuncs);
	share_ifunc_targets(e, ifunc_names, targets, nifuncs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	for (int i = 0; i < e->nsyms; i++) {
		const struct fth_elf_sym *sym = &e->syms[i];
		uint64_t vaddr = sym->addr, off;
		if (!fth_elf_sym_matches(sym, pattern))
			continue;
		if (sym->ifunc) {
			/* same order as ifunc_names */
			if (targets[k])
				vaddr = targets[k];
			else if (!unresolved++)
				first_unresolved = sym->name;
			k++;
		}
		if (fth_elf_vaddr_to_offset(e->segs, e->nsegs, vaddr, &off))
			continue;
		if (!prog->config.unsafe && !sym->ifunc && sym->size == 0) {
			if (!nsizeless++)
				first_sizeless = sym->name;
			continue;
		}
		if (!prog->config.unsafe && fd >= 0 && evex_at(fd, off)) {
			if (!nevex++)
				first_evex = sym->name;
			continue;
		}
		uprobe_add(prog, attach, self, path, sym->name, fth_elf_display_name(sym), sym, off, out);
		matched++;
	}
	if (fd >= 0)
		close(fd);
	warn_unresolved_ifuncs(diag, attach, path, first_unresolved, unresolved);
	if (nevex)
		fth_warning(diag, attach->range,
			    "%d function%s of %s ('%s'%s) start%s with an AVX-512 (EVEX) instruction, which this "
			    "kernel's uprobes execute wrongly, corrupting the traced process: skipped (--unsafe probes "
			    "them anyway)",
			    nevex, nevex == 1 ? "" : "s", path, first_evex, nevex == 1 ? "" : ", ...", nevex == 1 ? "s" : "");
	if (nsizeless)
		fth_warning(diag, attach->range,
			    "Could not determine boundary for %d function%s of %s ('%s'%s: symbol size 0): skipped "
			    "(--unsafe probes them anyway)",
			    nsizeless, nsizeless == 1 ? "" : "s", path, first_sizeless, nsizeless == 1 ? "" : ", ...");
	share_one_program(prog, out, out->len - matched);
	return matched;
}

static int uprobe_expand_path(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			      const char *path, struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	const struct fth_provider *self = fth_provider_find(parts[0]);
	bool ret = self == &fth_provider_uretprobe;
	const char *func;
	struct fth_elf e;
	uint64_t addr, off;
	int rc, matched = 0;

	func = function_part(prog, attach);
	if (attach->u.attach.nparts < 3 || !*parts[1] || !func || !*func) {
		fth_error_hint(diag, attach->range,
			       fth_arena_printf(&prog->arena, "write %s:PATH:FUNCTION, e.g. %s:libc:malloc", self->name,
						self->name),
			       "%s probe needs a binary and a function", self->name);
		return -EINVAL;
	}
	rc = fth_elf_open(path, &e);
	if (rc) {
		elf_error(diag, attach, path, rc);
		return rc;
	}
	rc = 0;
	if (has_wildcard(func) || (!fth_elf_find(&e, func) && demangled_match(&e, func))) {
		matched = uprobe_expand_wildcard(prog, diag, attach, self, path, &e, func, out);
		if (matched < 0) {
			rc = matched;
		} else if (!matched) {
			fth_error_hint(diag, attach->range,
				       fth_arena_printf(&prog->arena, "'fathom -l \"uprobe:%s:*\"' lists its functions",
							path),
				       "no function of %s matches '%s'", path, func);
			rc = -ENOENT;
		}
	} else if (parse_u64(func, &addr)) {
		const struct fth_elf_sym *sym = fth_elf_containing(&e, addr);
		/* An address outside every function is likely no instruction
		 * start (bpftrace refuses it the same way). */
		if (!sym && !prog->config.unsafe) {
			fth_attach_error_hint(diag, attach->range,
					      "give an address inside a function of the binary, or --unsafe",
					      "Could not resolve address: %s:0x%llx", parts[1], (unsigned long long)addr);
			rc = -EINVAL;
		} else if (fth_elf_vaddr_to_offset(e.segs, e.nsegs, addr, &off)) {
			fth_error_hint(diag, attach->range,
				       "give an address in the file's code (objdump -d lists them), or a function name",
				       "address 0x%llx is not in a loaded segment of %s",
				       (unsigned long long)addr, path);
			rc = -EINVAL;
		} else {
			uprobe_add(prog, attach, self, path, func, sym ? fth_elf_display_name(sym) : NULL, NULL, off, out);
		}
	} else {
		const char *plus = strchr(func, '+');
		char *name = fth_arena_strdup(&prog->arena, func);
		uint64_t delta = 0;
		const struct fth_elf_sym *sym;
		if (plus) {
			name[plus - func] = '\0';
			if (!parse_u64(plus + 1, &delta)) {
				fth_error_hint(diag, attach->range, "write FUNCTION+OFFSET, e.g. main+4",
					       "invalid offset '%s'", plus + 1);
				fth_elf_close(&e);
				return -EINVAL;
			}
			if (ret) {
				fth_error_hint(diag, attach->range,
					       "attach to the function itself, e.g. uretprobe:BINARY:FUNCTION",
					       "uretprobe cannot have an offset");
				fth_elf_close(&e);
				return -EINVAL;
			}
		}
		sym = fth_elf_find(&e, name);
		if (!sym) {
			if (prog->config.missing_probes != FTH_MISSING_ERROR) {
				fth_elf_close(&e);
				return fth_probe_skip_attach_time(prog, diag, attach,
								  fth_arena_printf(&prog->arena,
										   "Could not resolve symbol: %s:%s",
										   parts[1], name));
			}
			const char **names = fth_arena_alloc(&prog->arena, sizeof(char *) * (size_t)(e.nsyms + 1));
			const char *best;
			for (int i = 0; i < e.nsyms; i++)
				names[i] = e.syms[i].name;
			best = e.nsyms ? fth_closest_name(name, names, e.nsyms) : NULL;
			fth_attach_error_hint(diag, attach->range,
					      best ? fth_arena_printf(&prog->arena, "did you mean '%s'?", best)
						   : fth_arena_printf(&prog->arena,
								      "'fathom -l \"uprobe:%s:*\"' lists its functions", path),
					      "Could not resolve symbol: %s:%s", parts[1], name);
			rc = -ENOENT;
		} else if (!plus && !sym->ifunc && sym->size == 0 && !prog->config.unsafe) {
			/* bpftrace's two lines: no size, no way to check that the
			 * probe lands on an instruction of the function */
			fth_attach_error_hint(diag, attach->range,
					      "the symbol table gives it no size (an assembly entry point such as _init)",
					      "Could not determine boundary for %s (symbol has size 0).\nUse --unsafe to "
					      "force attachment. WARNING: This option could lead to data corruption in the "
					      "target process.",
					      sym->name);
			rc = -EINVAL;
		} else if (delta && sym->size && delta >= sym->size && !prog->config.unsafe) {
			fth_error_hint(diag, attach->range, "--unsafe probes there anyway",
				       "Offset outside the function bounds ('%s' size is %llu)", name,
				       (unsigned long long)sym->size);
			rc = -EINVAL;
		} else if (fth_elf_vaddr_to_offset(e.segs, e.nsegs,
						   (plus ? sym->addr : probe_vaddr(prog, diag, attach, path, &e, sym)) + delta,
						   &off)) {
			fth_error_hint(diag, attach->range,
				       "it is not defined in this file: trace the library that defines it",
				       "function '%s' is not in a loaded segment of %s", name, path);
			rc = -EINVAL;
		} else if (!prog->config.unsafe && evex_in_file(path, off)) {
			fth_error_hint(diag, attach->range, "--unsafe probes it anyway",
				       "'%s' starts with an AVX-512 (EVEX) instruction, which this kernel's uprobes "
				       "execute wrongly, corrupting the traced process", sym->name);
			rc = -EINVAL;
		} else {
			uprobe_add(prog, attach, self, path, func, fth_elf_display_name(sym), plus ? NULL : sym, off, out);
		}
	}
	fth_elf_close(&e);
	return rc;
}

/* Several binaries (a glob in the path, or the process's binaries for an
 * empty or '*' path): the matching functions of each ELF file among them;
 * an error only when none matches. */
static int uprobe_expand_binaries(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
				  const struct fth_ptrvec *paths, struct fth_ptrvec *out)
{
	const struct fth_provider *self = fth_provider_find(attach->u.attach.parts[0]);
	const char *func = function_part(prog, attach);
	int matched = 0;

	for (int i = 0; i < paths->len; i++) {
		struct fth_elf e;
		int n;
		if (fth_elf_open(paths->items[i], &e))
			continue; /* not ELF: a script, a source file */
		n = uprobe_expand_wildcard(prog, diag, attach, self, paths->items[i], &e, func, out);
		fth_elf_close(&e);
		if (n < 0)
			return n;
		matched += n;
	}
	if (!matched && prog->config.missing_probes == FTH_MISSING_ERROR) {
		fth_error_hint(diag, attach->range,
			       "'fathom -l \"uprobe:BINARY:*\"' lists the functions",
			       "no function matches '%s' in the %d binaries of '%s'", func, paths->len,
			       *attach->u.attach.parts[1] ? attach->u.attach.parts[1] : "*");
		return -ENOENT;
	}
	return 0;
}

/* -------------------------------------------------- uprobe source lines */

/* uprobe:TARGET@FILE:LINE[:COL] names a statement of the source instead of
 * a function: TARGET's DWARF line table gives its address. Is this attach
 * point written so? Its PATH holds an '@' whose left side is a file while
 * the whole is not, and LINE (and COL) are numbers. *at gets the '@'. */
static bool source_line_form(struct fth_node *attach, const char *func, const char **at)
{
	const char *target = attach->u.attach.parts[1];
	const char *sep = strrchr(target, '@');
	char path[PATH_MAX];

	if (!sep || sep == target || !sep[1] || !func || !isdigit((unsigned char)func[0]))
		return false;
	for (const char *c = func; *c; c++)
		if (!isdigit((unsigned char)*c) && *c != ':')
			return false;
	if (fth_resolve_binary(target, path, sizeof(path)) == 0)
		return false; /* a file whose name holds '@' */
	*at = sep;
	return true;
}

/* Reports why FILE:LINE gave no address. */
static void source_line_error(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			      const char *path, const char *file, const char *where, int rc,
			      const struct fth_dwarf_line *found)
{
	if (rc == -ENOENT)
		fth_error_hint(diag, attach->range, "build it with -g, or install its debug file",
			       "%s has no DWARF debug information: cannot find %s", path, where);
	else if (rc == -ESRCH)
		fth_error_hint(diag, attach->range,
			       "give the source file's name as compiled (foo.c, src/foo.c or its absolute path)",
			       "no source file '%s' in the debug information of %s", file, path);
	else if (rc == -EEXIST)
		fth_error_hint(diag, attach->range,
			       fth_arena_printf(&prog->arena, "give more of its path, e.g. '%s'", found->file),
			       "source file '%s' is ambiguous in %s: '%s' and '%s'", file, path, found->file,
			       found->other_file);
	else
		fth_error_hint(diag, attach->range, "give a line (and column) where a statement starts",
			       "no statement starts at %s in %s", where, path);
}

/* One instance on the statement TARGET@FILE:LINE[:COL]. */
static int uprobe_expand_source_line(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
				     const struct fth_provider *self, const char *func, const char *at,
				     struct fth_ptrvec *out)
{
	const char *written = attach->u.attach.parts[1];
	const char *target = fth_arena_strndup(&prog->arena, written, (size_t)(at - written));
	const char *file = at + 1, *path;
	const char *where = fth_arena_printf(&prog->arena, "%s:%s", file, func);
	struct fth_dwarf_line found;
	int line = 0, col = 0, rc;
	char extra;
	struct fth_elf e;
	uint64_t off;

	if (sscanf(func, "%d%c", &line, &extra) != 1 && sscanf(func, "%d:%d%c", &line, &col, &extra) != 2) {
		fth_error_hint(diag, attach->range, "write uprobe:BINARY@FILE:LINE or uprobe:BINARY@FILE:LINE:COLUMN",
			       "invalid source location '%s'", where);
		return -EINVAL;
	}
	if (self == &fth_provider_uretprobe) {
		fth_error_hint(diag, attach->range, "use uprobe: a statement has no return",
			       "uretprobe cannot attach to a source location (%s)", where);
		return -EINVAL;
	}
	path = resolve_path(prog, diag, attach, self->name, target);
	if (!path)
		return -ENOENT;
	rc = fth_dwarf_line_addr(path, file, line, col, &found);
	if (rc) {
		source_line_error(prog, diag, attach, path, file, where, rc, &found);
		return rc;
	}
	rc = fth_elf_open(path, &e);
	if (rc) {
		elf_error(diag, attach, path, rc);
		return rc;
	}
	if (fth_elf_vaddr_to_offset(e.segs, e.nsegs, found.addr, &off)) {
		fth_error_hint(diag, attach->range, "the debug information may not belong to this build of the file",
			       "%s is at 0x%llx, which is not in a loaded segment of %s", where,
			       (unsigned long long)found.addr, path);
		rc = -EINVAL;
	} else {
		const struct fth_elf_sym *sym = fth_elf_containing(&e, found.addr);
		uprobe_add(prog, attach, self, path, func, sym ? fth_elf_display_name(sym) : NULL, NULL, off, out);
	}
	fth_elf_close(&e);
	return rc;
}

static int uprobe_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			 struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	const struct fth_provider *self = fth_provider_find(parts[0]);
	const char *func = function_part(prog, attach);
	struct fth_ptrvec paths = { 0 };
	const char *at;
	int rc;

	if (attach->u.attach.nparts < 3 || !func || !*func ||
	    (!*parts[1] && prog->config.target_pid <= 0)) {
		fth_error_hint(diag, attach->range,
			       fth_arena_printf(&prog->arena, "write %s:PATH:FUNCTION, e.g. %s:libc:malloc", self->name,
						self->name),
			       "%s probe needs a binary and a function", self->name);
		return -EINVAL;
	}
	if (source_line_form(attach, func, &at))
		return uprobe_expand_source_line(prog, diag, attach, self, func, at, out);
	rc = target_binaries(prog, diag, attach, self->name, parts[1], &paths);
	if (rc)
		return rc;
	if (paths.len == 1 && !has_wildcard(parts[1]) && *parts[1])
		return uprobe_expand_path(prog, diag, attach, paths.items[0], out);
	return uprobe_expand_binaries(prog, diag, attach, &paths, out);
}

/* The uprobe PMU: its type, the config bit of retprobes and the shift of
 * ref_ctr_offset, from /sys/bus/event_source/devices/uprobe. */
static int read_sysfs_int(const char *file, const char *prefix, int fallback)
{
	char path[256], buf[64];
	FILE *f;
	int v = fallback;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/uprobe/%s", file);
	f = fopen(path, "re");
	if (!f)
		return fallback;
	if (fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(prefix);
		if (!strncmp(buf, prefix, n))
			v = atoi(buf + n);
	}
	fclose(f);
	return v;
}

/* -p PID: has the process exited (a zombie included: its memory is gone,
 * so there is nothing left to probe)? */
static bool process_gone(int pid)
{
	char path[64], stat[512];
	const char *state;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return true;
	stat[n] = '\0';
	/* "PID (COMM) STATE ...": COMM may hold spaces and parentheses */
	state = strrchr(stat, ')');
	return state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
}

/* One perf uprobe for inst running prog_fd, which reads `cookie` as its
 * attach cookie. */
static int uprobe_perf_attach(const struct fth_probe_inst *inst, int prog_fd, uint64_t cookie,
			      struct fth_attachment *att, char *err, size_t errlen)
{
	int type = read_sysfs_int("type", "", -1);
	struct perf_event_attr attr;
	int pid = inst->target_pid > 0 ? inst->target_pid : -1;
	int pfd;

	if (pid > 0 && process_gone(pid)) {
		snprintf(err, errlen, "process %d exited before %s was attached", pid, inst->name);
		return -ESRCH;
	}
	if (type < 0) {
		snprintf(err, errlen, "cannot attach %s: this kernel has no uprobe PMU "
			 "(/sys/bus/event_source/devices/uprobe)", inst->name);
		return -ENOENT;
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (uint32_t)type;
	attr.config1 = (uint64_t)(uintptr_t)inst->binary;
	attr.config2 = inst->offset;
	if (inst->has_retval)
		attr.config |= 1ULL << read_sysfs_int("format/retprobe", "config:", 0);
	if (inst->semaphore)
		attr.config |= inst->semaphore << read_sysfs_int("format/ref_ctr_offset", "config:", 32);
	/* A uprobe event fires in every process mapping the file whatever CPU
	 * it runs on: one event (on CPU 0) is enough, as libbpf does. */
	pfd = fth_perf_event_open(&attr, pid, pid == -1 ? 0 : -1);
	if (pfd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open perf event for %s: %s", inst->name, strerror(e));
		return -e;
	}
	return fth_link_perf_event_cookie(pfd, prog_fd, cookie, att, err, errlen, inst->name);
}

static int uprobe_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
			 size_t errlen)
{
	return uprobe_perf_attach(inst, prog_fd, 0, att, err, errlen);
}

/* The kernel refuses to probe some first instructions (ENOTSUPP, 524):
 * on x86 those with a LOCK or a segment-override prefix (pthread_spin_lock)
 * and VEX-encoded ones (glibc's __memset_avx2_*, __strcmp_avx2, ...; EVEX
 * ones are accepted, see evex_at). One such function makes a whole
 * uprobe_multi link fail, and finding it by halving is slow: the uprobes
 * registered by a failed attempt are freed after an RCU grace period, and
 * registering the same places again waits for it. So they are left out
 * of the link; halving remains for refusals this does not foresee. */
static bool first_insn_suspect(int fd, uint64_t offset)
{
	unsigned char b;

	if (pread(fd, &b, 1, (off_t)offset) != 1)
		return false;
	return b == 0xf0 || b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0xc4 || b == 0xc5;
}

struct multi_attach {
	const struct fth_multi_group *group;
	struct fth_attachment *att;
	struct fth_diag *diag;
	const char **skipped;     /* functions the kernel refused */
	int nskipped;
	int refusal;              /* the kernel's error for them */
	int nsingle;              /* attached one by one, each with a perf uprobe */
	bool reported;            /* the error returned has been reported */
};

/* The kernel's answers when it cannot probe a function (its first
 * instruction, an offset it does not take): that function is skipped. */
static bool is_refusal(int err)
{
	return err == -524 || err == -EINVAL || err == -EILSEQ;
}

static const char *inst_function(const struct fth_probe_inst *inst)
{
	return inst->func_name ? inst->func_name : inst->func;
}

/* The kernel refused a uprobe_multi link for the instances idx[0..n-1]
 * for a reason of its own (link_err: a security module's veto, a limit):
 * attach each with a perf uprobe instead, as on kernels without
 * uprobe_multi. A multi program cannot run from a perf event, so this
 * uses the same code loaded as a plain program. The functions the kernel
 * cannot probe are skipped as above; any other error fails the probe. */
static int attach_one_by_one(struct multi_attach *m, const int *idx, int n, int link_err)
{
	const struct fth_multi_group *g = m->group;
	int prog_fd, rc;
	char err[512];

	if (!m->nsingle)
		fth_warning(m->diag, g->insts[0]->attach->range,
			    "the kernel refused a uprobe_multi link for %s (%s): attaching one perf uprobe per function",
			    g->insts[0]->binary, strerror(-link_err));
	prog_fd = g->plain_prog_fd(g);
	if (prog_fd < 0) {
		m->reported = true;
		return prog_fd;
	}
	for (int i = 0; i < n; i++) {
		const struct fth_probe_inst *inst = g->insts[idx[i]];
		rc = uprobe_perf_attach(inst, prog_fd, g->cookies[idx[i]], m->att, err, sizeof(err));
		if (rc && is_refusal(rc)) {
			m->skipped[m->nskipped++] = inst_function(inst);
			m->refusal = rc;
		} else if (rc) {
			fth_error(m->diag, inst->attach->range, "%s", err);
			m->reported = true;
			return rc;
		} else {
			m->nsingle++;
		}
	}
	return 0;
}

/* Attach the instances idx[0..n-1] with one link; when the kernel refuses
 * one of them, halve until the refused ones are found, and skip those. */
static int attach_multi_range(struct multi_attach *m, const int *idx, int n)
{
	const struct fth_probe_inst *const *insts = m->group->insts;
	const struct fth_probe_inst *first = insts[idx[0]];
	uint64_t *offsets = calloc((size_t)n, sizeof(*offsets));
	uint64_t *cookies = calloc((size_t)n, sizeof(*cookies));
	int fd, rc = 0;

	if (!offsets || !cookies) {
		free(offsets);
		free(cookies);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		offsets[i] = insts[idx[i]]->offset;
		cookies[i] = m->group->cookies[idx[i]];
	}
	fd = create_uprobe_multi_link(m->group->prog_fd, first->binary, offsets, cookies, n, first->has_retval,
				      first->target_pid);
	free(offsets);
	free(cookies);
	if (fd >= 0) {
		fth_attachment_add_link(m->att, fd);
	} else if (is_refusal(fd) && n == 1) {
		m->skipped[m->nskipped++] = inst_function(first);
		m->refusal = fd;
	} else if (is_refusal(fd)) {
		rc = attach_multi_range(m, idx, n / 2);
		if (!rc)
			rc = attach_multi_range(m, idx + n / 2, n - n / 2);
	} else {
		rc = attach_one_by_one(m, idx, n, fd);
	}
	return rc;
}

static void report_skipped(struct fth_diag *diag, const struct fth_probe_inst *first, const struct multi_attach *m)
{
	fth_warn_functions_skipped(diag, first->attach, first->binary,
				   m->refusal == -524 ? "an instruction uprobes do not support" : strerror(-m->refusal),
				   m->skipped, m->nskipped);
}

static int uprobe_attach_multi(const struct fth_multi_group *group, struct fth_attachment *att, struct fth_diag *diag)
{
	const struct fth_probe_inst *const *insts = group->insts;
	struct multi_attach m = { .group = group, .att = att, .diag = diag };
	int *order, fd, k = 0, nplain, rc, n = group->n;

	if (insts[0]->target_pid > 0 && process_gone(insts[0]->target_pid)) {
		fth_error_hint(diag, insts[0]->attach->range,
			       "keep the process running while fathom starts, or start it with -c",
			       "process %d exited before %s was attached",
			       insts[0]->target_pid, insts[0]->attach->u.attach.text);
		return -ESRCH;
	}
	order = calloc((size_t)n, sizeof(*order));
	fd = open(insts[0]->binary, O_RDONLY | O_CLOEXEC);

	m.skipped = calloc((size_t)n, sizeof(*m.skipped));
	if (!order || !m.skipped) {
		free(order);
		free(m.skipped);
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	/* Those the kernel would refuse are skipped without asking it: even a
	 * refusal costs an RCU grace period (50-500 ms here). */
	for (int i = 0; i < n; i++) {
		if (fd >= 0 && first_insn_suspect(fd, insts[i]->offset)) {
			m.skipped[m.nskipped++] = inst_function(insts[i]);
			m.refusal = -524;
		} else {
			order[k++] = i;
		}
	}
	if (fd >= 0)
		close(fd);
	nplain = k;
	rc = nplain ? attach_multi_range(&m, order, nplain) : 0;
	if (!rc && m.nskipped == n) {
		fth_error_hint(diag, insts[0]->attach->range,
			       "the warnings above say why each was refused; narrow the wildcard",
			       "cannot attach %s: the kernel cannot probe any of its %d functions",
			       insts[0]->attach->u.attach.text, n);
		rc = m.refusal;
	} else if (!rc && m.nskipped) {
		report_skipped(diag, insts[0], &m);
	} else if (rc && !m.reported) {
		fth_error_hint(diag, insts[0]->attach->range,
			       "--no-feature uprobe_multi attaches them one uprobe at a time",
			       "cannot attach %d functions of %s with a uprobe_multi link: %s",
			       n, insts[0]->binary, strerror(-rc));
	}
	free(order);
	free(m.skipped);
	return rc ? rc : m.nskipped;
}

/* "PATH:PATTERN" (or a bare "/PATH": everything) of `-l`; false (nothing
 * listed) without a path. */
static bool split_list_pattern(const char *pattern, char *path, size_t pathlen, const char **rest)
{
	const char *colon = strchr(pattern, ':');

	if (!colon && strchr(pattern, '/') && !has_wildcard(pattern)) {
		snprintf(path, pathlen, "%s", pattern);
		*rest = "*";
		return true;
	}
	if (!colon || colon == pattern)
		return false;
	snprintf(path, pathlen, "%.*s", (int)(colon - pattern), pattern);
	*rest = colon + 1;
	return true;
}

/* Run LIST_ONE for each binary NAME of `-l` names: the file, library or
 * program itself, or every regular file a glob in its path matches (as
 * bpftrace's "uprobe:./progs/uprobe*:*"). */
static int list_each_binary(const struct fth_provider *self, const char *name, const char *rest, bool verbose,
			    FILE *out,
			    int (*list_one)(const struct fth_provider *, const char *, const char *, bool, FILE *))
{
	char path[PATH_MAX];
	glob_t g;
	int rc = 0;

	if (!has_wildcard(name)) {
		if (fth_resolve_binary(name, path, sizeof(path))) {
			fprintf(stderr, "fathom: %s: '%s' not found\n", self->name, name);
			return -ENOENT;
		}
		return list_one(self, path, rest, verbose, out);
	}
	if (!strchr(name, '/') || glob(name, 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;
		/* files that are not ELF (sources, scripts) list nothing */
		if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode) && fth_elf_is_elf(g.gl_pathv[i]))
			rc = list_one(self, g.gl_pathv[i], rest, verbose, out) ?: rc;
	}
	globfree(&g);
	return rc;
}

/* -lv: a function's parameters from the binary's DWARF, one "    TYPE NAME"
 * line each, as bpftrace lists them; a uretprobe has none to show. */
static void list_dwarf_params(const char *path, const struct fth_elf_sym *sym, bool ret, FILE *out)
{
	struct fth_arena arena;
	struct fth_dwarf_param *params;
	int n;

	fth_arena_init(&arena);
	if (!ret && !fth_dwarf_func_params(&arena, path, sym->name, sym->addr, &params, &n))
		for (int i = 0; i < n; i++)
			fprintf(out, "    %s %s\n", params[i].c_type, params[i].name ? params[i].name : "");
	fth_arena_free(&arena);
}

static int uprobe_list_binary(const struct fth_provider *self, const char *path, const char *rest, bool verbose,
			      FILE *out)
{
	struct fth_elf e;
	int rc;

	rc = fth_elf_open(path, &e);
	if (rc) {
		fprintf(stderr, "fathom: %s: %s\n", path, rc == -ENOEXEC ? "not an ELF file" : strerror(-rc));
		return rc;
	}
	/* "cpp:PATTERN" lists C++ functions by their demangled names, quoted
	 * so that each line can be used as an attach point (as bpftrace). */
	if (!strncmp(rest, "cpp:", 4)) {
		for (int i = 0; i < e.nsyms; i++)
			if (e.syms[i].demangled && fth_elf_sym_matches(&e.syms[i], rest + 4))
				fprintf(out, "%s:%s:cpp:\"%s\"\n", self->name, path, e.syms[i].demangled);
	} else if (!strncmp(rest, "rust:", 5)) {
		/* Rust functions by their paths, without the hash */
		for (int i = 0; i < e.nsyms; i++)
			if (e.syms[i].rust_demangled && fth_glob_match(rest + 5, e.syms[i].rust_demangled))
				fprintf(out, "%s:%s:rust:\"%s\"\n", self->name, path, e.syms[i].rust_demangled);
	} else {
		for (int i = 0; i < e.nsyms; i++) {
			if (!fth_glob_match(rest, e.syms[i].name))
				continue;
			fprintf(out, "%s:%s:%s\n", self->name, path, e.syms[i].name);
			if (verbose)
				list_dwarf_params(path, &e.syms[i], self == &fth_provider_uretprobe, out);
		}
	}
	fth_elf_close(&e);
	return 0;
}

static int uprobe_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	char name[PATH_MAX];
	const char *rest;

	if (!split_list_pattern(pattern, name, sizeof(name), &rest))
		return 0;
	return list_each_binary(self, name, rest, verbose, out, uprobe_list_binary);
}

/* ----------------------------------------------------------------- usdt */

/* The probes of one binary matching PROVIDER:NAME: one instance per
 * location. Files that are no ELF are skipped when several were named. */
static int usdt_expand_binary(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			      const char *path, const char *prov_pat, const char *name_pat, bool only,
			      struct fth_ptrvec *out, struct fth_usdt_probe **probes_out, int *n_out)
{
	struct fth_usdt_probe *probes;
	int n, rc, matched = 0;

	rc = fth_usdt_read(path, &probes, &n);
	if (rc) {
		if (!only)
			return 0;
		elf_error(diag, attach, path, rc);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		struct fth_usdt_probe *p = &probes[i];
		struct fth_usdt_arg args[FTH_USDT_MAX_ARGS];
		struct fth_probe_inst *inst;
		int nargs;
		if (!fth_glob_match(prov_pat, p->provider) || !fth_glob_match(name_pat, p->name))
			continue;
		nargs = fth_usdt_parse_args(p->args, args, FTH_USDT_MAX_ARGS);
		if (nargs < 0) {
			fth_error_hint(diag, attach->range,
				       "this argument layout is not understood; reg(\"NAME\") reads a register",
				       "cannot read the arguments of usdt probe %s:%s: '%s'", p->provider,
				       p->name, p->args);
			fth_usdt_free(probes, n);
			return -EINVAL;
		}
		inst = fth_probe_inst_new(prog, &fth_provider_usdt, attach,
					  fth_arena_printf(&prog->arena, "usdt:%s:%s:%s", path, p->provider, p->name));
		inst->target = fth_arena_strdup(&prog->arena, p->provider);
		inst->func = fth_arena_strdup(&prog->arena, p->name);
		inst->regs_ctx = true;
		inst->user_space = true;
		inst->usdt_args = fth_arena_alloc(&prog->arena, sizeof(*args) * (size_t)(nargs ? nargs : 1));
		memcpy(inst->usdt_args, args, sizeof(*args) * (size_t)nargs);
		inst->nusdt_args = nargs;
		inst->binary = path;
		inst->offset = p->offset;
		inst->semaphore = p->semaphore;
		fth_ptrvec_push(&prog->arena, out, inst);
		matched++;
	}
	if (probes_out) {
		*probes_out = probes;
		*n_out = n;
	} else {
		fth_usdt_free(probes, n);
	}
	return matched;
}

/* No probe matched in the one binary named: the error (or, with
 * missing_probes, the warning) and a suggestion. */
static int usdt_no_match(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach, const char *path,
			 struct fth_usdt_probe *probes, int n)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const char *wanted = nparts == 4 ? fth_arena_printf(&prog->arena, "%s:%s", parts[2], parts[3]) : parts[nparts - 1];
	const char **names = fth_arena_alloc(&prog->arena, sizeof(char *) * (size_t)(n + 1));
	const char *best = NULL;

	for (int i = 0; i < n; i++)
		names[i] = nparts == 4 ? fth_arena_printf(&prog->arena, "%s:%s", probes[i].provider, probes[i].name)
				       : fth_arena_strdup(&prog->arena, probes[i].name);
	if (n && !has_wildcard(wanted))
		best = fth_closest_name(wanted, names, n);
	if (prog->config.missing_probes != FTH_MISSING_ERROR && !has_wildcard(wanted))
		return fth_probe_skip(prog, diag, attach,
				      fth_arena_printf(&prog->arena, "usdt probe '%s' not found in %s", wanted, path));
	if (!n) {
		fth_error_hint(diag, attach->range,
			       "readelf -n lists stapsdt notes; probes come from <sys/sdt.h> macros",
			       "%s has no USDT probes", path);
		return -ENOENT;
	}
	fth_error_hint(diag, attach->range,
		       best ? fth_arena_printf(&prog->arena, "did you mean '%s'?", best)
			    : fth_arena_printf(&prog->arena, "'fathom -l \"usdt:%s:*\"' lists them", path),
		       "no usdt probe matches '%s' in %s", wanted, path);
	return -ENOENT;
}

static int usdt_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
		       struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const char *prov_pat, *name_pat;
	struct fth_ptrvec paths = { 0 };
	struct fth_usdt_probe *probes = NULL;
	int n = 0, rc, matched = 0;

	if ((nparts != 3 && nparts != 4) || !*parts[nparts - 1]) {
		fth_error_hint(diag, attach->range, "write usdt:PATH:[PROVIDER:]NAME",
			       "usdt probe needs a binary and a probe name");
		return -EINVAL;
	}
	/* an empty PROVIDER (usdt:PATH::NAME) matches every provider */
	prov_pat = nparts == 4 && *parts[2] ? parts[2] : "*";
	name_pat = parts[nparts - 1];
	rc = target_binaries(prog, diag, attach, "usdt", parts[1], &paths);
	if (rc)
		return rc;
	for (int i = 0; i < paths.len; i++) {
		bool only = paths.len == 1;
		rc = usdt_expand_binary(prog, diag, attach, paths.items[i], prov_pat, name_pat, only, out,
					only ? &probes : NULL, &n);
		if (rc < 0)
			break;
		matched += rc;
		rc = 0;
	}
	if (!rc && !matched && paths.len == 1)
		rc = usdt_no_match(prog, diag, attach, paths.items[0], probes, n);
	else if (!rc && !matched && !(prog->config.missing_probes != FTH_MISSING_ERROR && !has_wildcard(name_pat))) {
		fth_error_hint(diag, attach->range,
			       "'fathom -l \"usdt:BINARY:*\"' lists the probes",
			       "no usdt probe matches '%s' in the %d binaries of '%s'", name_pat,
			       paths.len, *parts[1] ? parts[1] : "*");
		rc = -ENOENT;
	}
	if (probes)
		fth_usdt_free(probes, n);
	return rc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int usdt_list_binary(const struct fth_provider *self, const char *path, const char *rest, bool verbose,
			    FILE *out)
{
	struct fth_usdt_probe *probes;
	char **lines;
	int n, k = 0, rc;

	(void)self;
	rc = fth_usdt_read(path, &probes, &n);
	if (rc) {
		fprintf(stderr, "fathom: %s: %s\n", path, rc == -ENOEXEC ? "not an ELF file" : strerror(-rc));
		return rc;
	}
	lines = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; lines && i < n; i++) {
		char pn[1024];
		snprintf(pn, sizeof(pn), "%s:%s", probes[i].provider, probes[i].name);
		/* "PROVIDER:NAME" patterns, or a bare "NAME" pattern */
		if (!fth_glob_match(rest, pn) && (strchr(rest, ':') || !fth_glob_match(rest, probes[i].name)))
			continue;
		/* -lv: each argument's spec after the name (sorted with it) */
		if (verbose) {
			struct fth_usdt_arg args[FTH_USDT_MAX_ARGS];
			int nargs = fth_usdt_parse_args(probes[i].args, args, FTH_USDT_MAX_ARGS);
			char specs[1024] = "";
			size_t used = 0;
			const char *sp = probes[i].args;
			for (int a = 0; a < nargs && used < sizeof(specs); a++) {
				size_t len;
				while (*sp == ' ')
					sp++;
				len = strcspn(sp, " ");
				used += (size_t)snprintf(specs + used, sizeof(specs) - used,
							 "\n    arg%d: %.*s", a, (int)len, sp);
				sp += len;
			}
			if (asprintf(&lines[k], "usdt:%s:%s%s", path, pn, specs) >= 0)
				k++;
			continue;
		}
		if (asprintf(&lines[k], "usdt:%s:%s", path, pn) >= 0)
			k++;
	}
	if (lines) {
		qsort(lines, (size_t)k, sizeof(char *), str_cmp);
		for (int i = 0; i < k; i++) {
			if (!i || strcmp(lines[i], lines[i - 1]))
				fprintf(out, "%s\n", lines[i]);
		}
		for (int i = 0; i < k; i++)
			free(lines[i]);
		free(lines);
	}
	fth_usdt_free(probes, n);
	return 0;
}

static int usdt_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	char name[PATH_MAX];
	const char *rest;

	if (!split_list_pattern(pattern, name, sizeof(name), &rest))
		return 0;
	return list_each_binary(self, name, rest, verbose, out, usdt_list_binary);
}

/* -l -p PID: the uprobes and usdt probes of the process's program and
 * libraries, as bpftrace lists them. PATTERN (NULL: all) is
 * "PROVIDER:PATH:REST"; PROVIDER may be a glob ("*"), PATH a glob matched
 * against each binary's path ("*" or an empty PATH: every binary). */
int fth_user_probes_list_pid(const char *pattern, int pid, bool verbose, FILE *out)
{
	static const struct fth_provider *const providers[] = { &fth_provider_uprobe, &fth_provider_usdt };
	char provider_pat[64] = "*", path_pat[PATH_MAX] = "*";
	const char *rest = "*", *colon;
	struct fth_arena arena = { 0 };
	struct fth_ptrvec paths = { 0 };
	int rc;

	if (pattern && (colon = strchr(pattern, ':'))) {
		const char *second = strchr(colon + 1, ':');
		snprintf(provider_pat, sizeof(provider_pat), "%.*s", (int)(colon - pattern), pattern);
		if (second) {
			if (second > colon + 1)
				snprintf(path_pat, sizeof(path_pat), "%.*s", (int)(second - colon - 1), colon + 1);
			rest = second + 1;
		}
	} else if (pattern && *pattern) {
		snprintf(provider_pat, sizeof(provider_pat), "%s", pattern);
	}
	rc = process_binaries(&arena, pid, &paths);
	if (rc) {
		fprintf(stderr, "fathom: cannot read the mappings of process %d: %s\n", pid, strerror(-rc));
		fth_arena_free(&arena);
		return rc;
	}
	for (size_t k = 0; k < sizeof(providers) / sizeof(providers[0]); k++) {
		const struct fth_provider *p = providers[k];
		bool match = fth_glob_match(provider_pat, p->name);
		for (const char *const *a = p->aliases; !match && *a; a++)
			match = !strcmp(provider_pat, *a);
		for (int i = 0; match && i < paths.len; i++) {
			if (!fth_glob_match(path_pat, paths.items[i]) || !fth_elf_is_elf(paths.items[i]))
				continue;
			if (p == &fth_provider_uprobe)
				uprobe_list_binary(p, paths.items[i], rest, verbose, out);
			else
				usdt_list_binary(p, paths.items[i], rest, verbose, out);
		}
	}
	fth_arena_free(&arena);
	return 0;
}

/* ---------------------------------------------------------------- table */

static const char *const uprobe_aliases[] = { "u", NULL };
static const char *const uretprobe_aliases[] = { "ur", NULL };
static const char *const usdt_aliases[] = { "U", NULL };

const struct fth_provider fth_provider_uprobe = {
	.name = "uprobe", .aliases = uprobe_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = uprobe_expand, .attach = uprobe_attach, .attach_multi = uprobe_attach_multi, .list = uprobe_list,
	.runs_newest_first = true,
};
const struct fth_provider fth_provider_uretprobe = {
	.name = "uretprobe", .aliases = uretprobe_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = uprobe_expand, .attach = uprobe_attach, .attach_multi = uprobe_attach_multi, .list = uprobe_list,
	.runs_newest_first = true,
};
const struct fth_provider fth_provider_usdt = {
	.name = "usdt", .aliases = usdt_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = usdt_expand, .attach = uprobe_attach, .list = usdt_list,
	.runs_newest_first = true,
};
