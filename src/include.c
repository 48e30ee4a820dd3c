/* include.c - looking up the script's `#include`s, see include.h. */
#include "include.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Top-level directories of the kernel's include/ and include/uapi/: a
 * header under one of them describes kernel types, which BTF provides.
 * Also libc's sys/, bits/, netinet/ and arpa/: tools include
 * <sys/socket.h> for AF_INET and the like, which fathom defines itself,
 * and they must run where libc's headers are not installed. */
static const char *const kernel_header_dirs[] = {
	"acpi", "arpa", "asm", "asm-generic", "bits", "clocksource", "crypto", "cxl", "drm", "dt-bindings",
	"generated", "hyperv", "keys", "kunit", "kvm", "linux", "math-emu", "media", "misc",
	"net", "netinet", "pcmcia", "ras", "rdma", "rv", "scsi", "soc", "sound", "sys", "target", "trace",
	"uapi", "ufs", "vdso", "video", "xen",
};

/* Headers a C compiler provides itself (bpftrace's clang brings them):
 * fathom's integer types stand in for their definitions. */
static const char *const freestanding_headers[] = {
	"float.h", "iso646.h", "limits.h", "stdalign.h", "stdarg.h", "stdatomic.h", "stdbool.h",
	"stddef.h", "stdint.h", "stdnoreturn.h", "vmlinux.h",
};

static bool in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], s, len))
			return true;
	return false;
}

static bool stands_in_for(const char *header)
{
	const char *slash = strchr(header, '/');

	if (!slash)
		return in_list(freestanding_headers, sizeof(freestanding_headers) / sizeof(*freestanding_headers),
			       header, strlen(header));
	return in_list(kernel_header_dirs, sizeof(kernel_header_dirs) / sizeof(*kernel_header_dirs), header,
		       (size_t)(slash - header));
}

static bool exists_in(const char *dir, const char *header)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s%s%s", dir, *dir ? "/" : "", header) >= (int)sizeof(path))
		return false;
	return access(path, R_OK) == 0;
}

/* The directories clang would search for <header>, after -I. */
static bool on_system_path(const char *header)
{
	const char *const fixed[] = { "/usr/local/include", "/usr/include" };
	const char *const kernel_tree[] = { "build/include", "build/arch/x86/include", "build/include/uapi",
					    "build/arch/x86/include/generated", "source/include" };
	struct utsname u;
	char dir[512];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
		if (exists_in(fixed[i], header))
			return true;
	if (uname(&u))
		return false;
	snprintf(dir, sizeof(dir), "/usr/include/%s-linux-gnu", u.machine);
	if (exists_in(dir, header))
		return true;
	for (size_t i = 0; i < sizeof(kernel_tree) / sizeof(*kernel_tree); i++) {
		snprintf(dir, sizeof(dir), "/lib/modules/%s/%s", u.release, kernel_tree[i]);
		if (exists_in(dir, header))
			return true;
	}
	return false;
}

/* quoted: #include "x" (also the script's directory); script_dir "" is
 * the current directory. */
static bool header_found(const char *header, bool quoted, const char *script_dir,
			 const struct fth_include_opts *opts)
{
	if (header[0] == '/')
		return access(header, R_OK) == 0;
	if (quoted && exists_in(script_dir, header))
		return true;
	for (int i = 0; opts && i < opts->ndirs; i++)
		if (exists_in(opts->dirs[i], header))
			return true;
	return on_system_path(header) || stands_in_for(header);
}

static const char *script_dir(struct fth_program *prog)
{
	const char *name = prog->src->name, *slash = strrchr(name, '/');

	if (!slash || !strcmp(name, "stdin"))
		return "";
	if (slash == name)
		return "/";
	return fth_arena_printf(&prog->arena, "%.*s", (int)(slash - name), name);
}

static const char *not_found_hint =
	"kernel headers (linux/..., net/...) need not be installed, fathom reads kernel types from BTF; "
	"install any other header or name its directory with -I DIR";

/* `#include <a/b.h>` or `#include "a/b.h"`: arg1 is the bracketed name. */
static int check_directive(struct fth_program *prog, struct fth_diag *diag, const struct fth_node *d,
			   const char *dir, const struct fth_include_opts *opts)
{
	const char *arg = d->u.pp.arg1, *at;
	size_t len = arg ? strlen(arg) : 0;
	struct fth_range range = d->range;
	char *header;

	if (len < 3 || !((arg[0] == '<' && arg[len - 1] == '>') || (arg[0] == '"' && arg[len - 1] == '"'))) {
		fth_error_hint(diag, range, "write #include <file.h> or #include \"file.h\"",
			       "#include expects \"FILENAME\" or <FILENAME>");
		return -EINVAL;
	}
	header = fth_arena_strndup(&prog->arena, arg + 1, len - 2);
	if (header_found(header, arg[0] == '"', dir, opts))
		return 0;
	at = strstr(d->u.pp.text, arg);
	if (at) {
		range.begin = d->range.begin + (uint32_t)(at - d->u.pp.text);
		range.end = range.begin + (uint32_t)len;
	}
	fth_error_hint(diag, range, not_found_hint, "'%s' file not found", header);
	return -ENOENT;
}

int fth_check_includes(struct fth_program *prog, struct fth_diag *diag, const struct fth_include_opts *opts)
{
	struct fth_node_list *defs = &prog->ast->u.program.c_defs;
	const char *dir = script_dir(prog);
	int err = 0;

	for (int i = 0; opts && i < opts->nfiles; i++) {
		/* as clang's -include: the current directory first */
		if (header_found(opts->files[i], true, "", opts))
			continue;
		fth_diag_plain(diag, FTH_SEV_ERROR, not_found_hint, "--include: '%s' file not found", opts->files[i]);
		err = -ENOENT;
	}
	for (int i = 0; i < defs->len; i++) {
		const struct fth_node *d = defs->items[i];
		if (d->kind == FTH_PREPROCESSOR && d->u.pp.directive && !strcmp(d->u.pp.directive, "include") &&
		    check_directive(prog, diag, d, dir, opts))
			err = err ? err : -ENOENT;
	}
	return err;
}
