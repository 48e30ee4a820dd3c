/* probes_user.c - user-space probes: uprobe/uretprobe and usdt.
 *
 *   uprobe:PATH:FUNC[+OFFSET]   (u)  uretprobe:PATH:FUNC (ur)
 *   uprobe:PATH:0xADDRESS            usdt:PATH:[PROVIDER:]NAME (U)
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
 * One program per function: `func` is a compile-time constant of the
 * instance, so a uprobe_multi link (one program, many functions) does not
 * apply. */
#include "probes.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "elfsym.h"
#include "tracefs.h"
#include "usdt.h"

extern const struct fth_provider fth_provider_uprobe, fth_provider_uretprobe, fth_provider_usdt;

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
		fth_error(diag, attach->range, "'%s' is not an ELF file", path);
	else
		fth_error(diag, attach->range, "cannot read '%s': %s", path, strerror(-rc));
}

/* Unsigned number: decimal or 0x hex, the whole string. */
static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* --------------------------------------------------------------- uprobe */

static void uprobe_add(struct fth_program *prog, struct fth_node *attach, const struct fth_provider *self,
		       const char *path, const char *written, const char *func_name, uint64_t offset,
		       struct fth_ptrvec *out)
{
	struct fth_probe_inst *inst =
		fth_probe_inst_new(prog, self, attach, fth_arena_printf(&prog->arena, "%s:%s:%s", self->name, path, written));

	inst->target = path;
	inst->func = fth_arena_strdup(&prog->arena, written);
	inst->regs_ctx = true;
	inst->user_space = true;
	inst->has_retval = self == &fth_provider_uretprobe;
	inst->has_func = func_name != NULL;
	inst->func_name = func_name ? fth_arena_strdup(&prog->arena, func_name) : NULL;
	inst->binary = path;
	inst->offset = offset;
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

/* One instance per function matching pattern: how many, or negative errno. */
static int uprobe_expand_wildcard(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
				  const struct fth_provider *self, const char *path, const struct fth_elf *e,
				  const char *pattern, struct fth_ptrvec *out)
{
	const char **ifunc_names = fth_arena_alloc(&prog->arena, sizeof(char *) * (size_t)(e->nsyms + 1));
	uint64_t *targets = fth_arena_alloc(&prog->arena, sizeof(uint64_t) * (size_t)(e->nsyms + 1));
	int nifuncs = 0, k = 0, unresolved = 0, matched = 0;
	const char *first_unresolved = NULL;

	for (int i = 0; i < e->nsyms; i++)
		if (e->syms[i].ifunc && fth_glob_match(pattern, e->syms[i].name))
			ifunc_names[nifuncs++] = e->syms[i].name;
	if (nifuncs && fth_elf_resolve_ifuncs(path, ifunc_names, nifuncs, targets))
		memset(targets, 0, sizeof(uint64_t) * (size_t)nifuncs);
	for (int i = 0; i < e->nsyms; i++) {
		const struct fth_elf_sym *sym = &e->syms[i];
		uint64_t vaddr = sym->addr, off;
		if (!fth_glob_match(pattern, sym->name))
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
		uprobe_add(prog, attach, self, path, sym->name, sym->name, off, out);
		matched++;
	}
	warn_unresolved_ifuncs(diag, attach, path, first_unresolved, unresolved);
	return matched;
}

static int uprobe_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
			 struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	const struct fth_provider *self = fth_provider_find(parts[0]);
	bool ret = self == &fth_provider_uretprobe;
	const char *path, *func;
	struct fth_elf e;
	uint64_t addr, off;
	int rc, matched = 0;

	if (attach->u.attach.nparts != 3 || !*parts[1] || !*parts[2]) {
		fth_error_hint(diag, attach->range,
			       fth_arena_printf(&prog->arena, "write %s:PATH:FUNCTION, e.g. %s:libc:malloc", self->name,
						self->name),
			       "%s probe needs a binary and a function", self->name);
		return -EINVAL;
	}
	if (has_wildcard(parts[1])) {
		fth_error(diag, attach->range, "wildcards in the binary path of a %s probe are not supported",
			  self->name);
		return -EINVAL;
	}
	path = resolve_path(prog, diag, attach, self->name, parts[1]);
	if (!path)
		return -ENOENT;
	rc = fth_elf_open(path, &e);
	if (rc) {
		elf_error(diag, attach, path, rc);
		return rc;
	}
	func = parts[2];
	rc = 0;
	if (has_wildcard(func)) {
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
		if (fth_elf_vaddr_to_offset(e.segs, e.nsegs, addr, &off)) {
			fth_error(diag, attach->range, "address 0x%llx is not in a loaded segment of %s",
				  (unsigned long long)addr, path);
			rc = -EINVAL;
		} else {
			uprobe_add(prog, attach, self, path, func, sym ? sym->name : NULL, off, out);
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
				fth_error(diag, attach->range, "uretprobe cannot have an offset");
				fth_elf_close(&e);
				return -EINVAL;
			}
		}
		sym = fth_elf_find(&e, name);
		if (!sym) {
			if (prog->config.missing_probes != FTH_MISSING_ERROR) {
				if (prog->config.missing_probes == FTH_MISSING_WARN)
					fth_warning(diag, attach->range, "function '%s' not found in %s (skipped)", name, path);
				fth_elf_close(&e);
				return 0;
			}
			const char **names = fth_arena_alloc(&prog->arena, sizeof(char *) * (size_t)(e.nsyms + 1));
			const char *best;
			for (int i = 0; i < e.nsyms; i++)
				names[i] = e.syms[i].name;
			best = e.nsyms ? fth_closest_name(name, names, e.nsyms) : NULL;
			fth_error_hint(diag, attach->range,
				       best ? fth_arena_printf(&prog->arena, "did you mean '%s'?", best)
					    : fth_arena_printf(&prog->arena, "'fathom -l \"uprobe:%s:*\"' lists its functions",
							       path),
				       "function '%s' not found in %s", name, path);
			rc = -ENOENT;
		} else if (delta && sym->size && delta >= sym->size && !prog->config.unsafe) {
			fth_error(diag, attach->range, "offset %llu is beyond the end of %s (%llu bytes)",
				  (unsigned long long)delta, name, (unsigned long long)sym->size);
			rc = -EINVAL;
		} else if (fth_elf_vaddr_to_offset(e.segs, e.nsegs,
						   (plus ? sym->addr : probe_vaddr(prog, diag, attach, path, &e, sym)) + delta,
						   &off)) {
			fth_error(diag, attach->range, "function '%s' is not in a loaded segment of %s", name, path);
			rc = -EINVAL;
		} else {
			uprobe_add(prog, attach, self, path, func, sym->name, off, out);
		}
	}
	fth_elf_close(&e);
	return rc;
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

static int uprobe_attach(const struct fth_probe_inst *inst, int prog_fd, struct fth_attachment *att, char *err,
			 size_t errlen)
{
	int type = read_sysfs_int("type", "", -1);
	struct perf_event_attr attr;
	int pid = inst->target_pid > 0 ? inst->target_pid : -1;

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
	return fth_attach_perf_event(&attr, pid, pid == -1 ? 0 : -1, prog_fd, att, err, errlen, inst->name);
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
	return !has_wildcard(path);
}

static int uprobe_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	char name[PATH_MAX], path[PATH_MAX];
	const char *rest;
	struct fth_elf e;
	int rc;

	if (!split_list_pattern(pattern, name, sizeof(name), &rest))
		return 0;
	if (fth_resolve_binary(name, path, sizeof(path))) {
		fprintf(stderr, "fathom: %s: '%s' not found\n", self->name, name);
		return -ENOENT;
	}
	rc = fth_elf_open(path, &e);
	if (rc) {
		fprintf(stderr, "fathom: %s: %s\n", path, rc == -ENOEXEC ? "not an ELF file" : strerror(-rc));
		return rc;
	}
	for (int i = 0; i < e.nsyms; i++)
		if (fth_glob_match(rest, e.syms[i].name))
			fprintf(out, "%s:%s:%s\n", self->name, path, e.syms[i].name);
	fth_elf_close(&e);
	return 0;
}

/* ----------------------------------------------------------------- usdt */

static int usdt_expand(struct fth_program *prog, struct fth_diag *diag, struct fth_node *attach,
		       struct fth_ptrvec *out)
{
	const char *const *parts = attach->u.attach.parts;
	int nparts = attach->u.attach.nparts;
	const char *path, *prov_pat, *name_pat;
	struct fth_usdt_probe *probes;
	int n, rc, matched = 0;

	if ((nparts != 3 && nparts != 4) || !*parts[1] || !*parts[nparts - 1]) {
		fth_error_hint(diag, attach->range, "write usdt:PATH:[PROVIDER:]NAME",
			       "usdt probe needs a binary and a probe name");
		return -EINVAL;
	}
	if (has_wildcard(parts[1])) {
		fth_error(diag, attach->range, "wildcards in the binary path of a usdt probe are not supported");
		return -EINVAL;
	}
	prov_pat = nparts == 4 ? parts[2] : "*";
	name_pat = parts[nparts - 1];
	path = resolve_path(prog, diag, attach, "usdt", parts[1]);
	if (!path)
		return -ENOENT;
	rc = fth_usdt_read(path, &probes, &n);
	if (rc) {
		elf_error(diag, attach, path, rc);
		return rc;
	}
	for (int i = 0; i < n && !rc; i++) {
		struct fth_usdt_probe *p = &probes[i];
		struct fth_usdt_arg args[FTH_USDT_MAX_ARGS];
		struct fth_probe_inst *inst;
		int nargs;
		if (!fth_glob_match(prov_pat, p->provider) || !fth_glob_match(name_pat, p->name))
			continue;
		nargs = fth_usdt_parse_args(p->args, args, FTH_USDT_MAX_ARGS);
		if (nargs < 0) {
			fth_error(diag, attach->range, "cannot read the arguments of usdt probe %s:%s: '%s'", p->provider,
				  p->name, p->args);
			rc = -EINVAL;
			break;
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
	if (!rc && !matched) {
		const char *wanted = nparts == 4 ? fth_arena_printf(&prog->arena, "%s:%s", parts[2], parts[3]) : name_pat;
		const char **names = fth_arena_alloc(&prog->arena, sizeof(char *) * (size_t)(n + 1));
		const char *best = NULL;
		for (int i = 0; i < n; i++)
			names[i] = nparts == 4 ? fth_arena_printf(&prog->arena, "%s:%s", probes[i].provider, probes[i].name)
					       : fth_arena_strdup(&prog->arena, probes[i].name);
		if (n && !has_wildcard(wanted))
			best = fth_closest_name(wanted, names, n);
		if (prog->config.missing_probes != FTH_MISSING_ERROR && !has_wildcard(wanted)) {
			if (prog->config.missing_probes == FTH_MISSING_WARN)
				fth_warning(diag, attach->range, "usdt probe '%s' not found in %s (skipped)", wanted, path);
		} else if (!n) {
			fth_error(diag, attach->range, "%s has no USDT probes", path);
			rc = -ENOENT;
		} else {
			fth_error_hint(diag, attach->range,
				       best ? fth_arena_printf(&prog->arena, "did you mean '%s'?", best)
					    : fth_arena_printf(&prog->arena, "'fathom -l \"usdt:%s:*\"' lists them", path),
				       "no usdt probe matches '%s' in %s", wanted, path);
			rc = -ENOENT;
		}
	}
	fth_usdt_free(probes, n);
	return rc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int usdt_list(const struct fth_provider *self, const char *pattern, bool verbose, FILE *out)
{
	char name[PATH_MAX], path[PATH_MAX];
	const char *rest;
	struct fth_usdt_probe *probes;
	char **lines;
	int n, k = 0, rc;

	if (!split_list_pattern(pattern, name, sizeof(name), &rest))
		return 0;
	if (fth_resolve_binary(name, path, sizeof(path))) {
		fprintf(stderr, "fathom: usdt: '%s' not found\n", name);
		return -ENOENT;
	}
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

/* ---------------------------------------------------------------- table */

static const char *const uprobe_aliases[] = { "u", NULL };
static const char *const uretprobe_aliases[] = { "ur", NULL };
static const char *const usdt_aliases[] = { "U", NULL };

const struct fth_provider fth_provider_uprobe = {
	.name = "uprobe", .aliases = uprobe_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = uprobe_expand, .attach = uprobe_attach, .list = uprobe_list,
};
const struct fth_provider fth_provider_uretprobe = {
	.name = "uretprobe", .aliases = uretprobe_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = uprobe_expand, .attach = uprobe_attach, .list = uprobe_list,
};
const struct fth_provider fth_provider_usdt = {
	.name = "usdt", .aliases = usdt_aliases, .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = usdt_expand, .attach = uprobe_attach, .list = usdt_list,
};
