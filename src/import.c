/* import.c - resolving `import` statements, see import.h. */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpp.h"
#include "parser.h"

/* One imported script: its name as imported ("lib.bt", "dir/x.bt") and
 * its parsed program. */
struct script {
	const char *name;
	struct fth_node *ast;
};

struct importer {
	struct fth_program *prog;
	struct fth_diag *diag;
	const char *dir;          /* where names are looked up: the main script's directory */
	struct fth_ptrvec names;  /* const char *: names already imported */
	struct fth_ptrvec scripts; /* struct script * */
	struct fth_ptrvec sources; /* struct fth_source *: one per imported file */
	char *text;               /* the main script, then each imported file after a '\n' */
	uint32_t len;
};

static struct fth_arena *A(struct importer *im)
{
	return &im->prog->arena;
}

static bool seen_name(struct importer *im, const char *name)
{
	for (int i = 0; i < im->names.len; i++)
		if (!strcmp(im->names.items[i], name))
			return true;
	fth_ptrvec_push(A(im), &im->names, (void *)name);
	return false;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Neither the file nor the directory holding it may be writable by every
 * user: anyone could then change what the script runs as root. */
static bool permissions_ok(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	struct stat st;
	bool ok;

	if (stat(path, &st) == 0 && (st.st_mode & S_IWOTH))
		return false;
	if (!slash)
		parent = strdup(".");
	else
		parent = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	if (!parent)
		return false;
	ok = !(stat(parent, &st) == 0 && (st.st_mode & S_IWOTH));
	free(parent);
	return ok;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *data = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;
		if (n + 4096 + 1 > cap) {
			char *bigger = realloc(data, cap = (n + 4096 + 1) * 2);
			if (!bigger) {
				free(data);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			data = bigger;
		}
		got = fread(data + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int err = errno;
		free(data);
		fclose(f);
		errno = err ? err : EIO;
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

/* Append a file's text to the shared buffer and describe it as a source
 * that starts there. Every imported source points at the new buffer. */
static struct fth_source *add_source(struct importer *im, const char *name, const char *data, size_t n)
{
	uint32_t start = im->len + 1;
	char *text = fth_arena_alloc(A(im), (size_t)start + n + 1);
	struct fth_source *src = fth_arena_alloc(A(im), sizeof(*src));

	memcpy(text, im->text, im->len);
	text[im->len] = '\n';
	memcpy(text + start, data, n);
	text[start + n] = '\0';
	im->text = text;
	im->len = start + (uint32_t)n;
	memset(src, 0, sizeof(*src));
	src->name = name;
	src->start = start;
	src->len = im->len;
	fth_ptrvec_push(A(im), &im->sources, src);
	for (int i = 0; i < im->sources.len; i++)
		((struct fth_source *)im->sources.items[i])->text = text;
	im->diag->files = (const struct fth_source **)im->sources.items;
	im->diag->nfiles = im->sources.len;
	return src;
}

static void import_names_in(struct importer *im, struct fth_node *program);

/* #if/#ifdef/... in an imported file, as in the main script: the file is
 * filtered on its own (its own name and lines in messages) before it
 * joins the buffer. The text, or NULL after reporting errors. */
static const char *preprocess(struct importer *im, const char *name, const char *data, size_t n)
{
	static const char *const with_btf[] = { "BPFTRACE_HAVE_BTF", NULL };
	struct fth_source alone = { .name = name, .text = data, .len = (uint32_t)n };
	struct fth_diag d;
	const char *text;

	if (!fth_cpp_has_conditionals(&alone))
		return data;
	fth_diag_init(&d, &alone, im->diag->out);
	d.quiet_warnings = im->diag->quiet_warnings;
	text = fth_cpp_conditionals(&alone, A(im), &d, access("/sys/kernel/btf/vmlinux", R_OK) == 0 ? with_btf : NULL);
	im->diag->errors += d.errors;
	im->diag->warnings += d.warnings;
	return text;
}

static void import_script(struct importer *im, struct fth_node *where, const char *name, const char *path)
{
	struct fth_source *src;
	struct script *sc;
	const char *text;
	size_t n = 0;
	char *data;

	for (int i = 0; i < im->scripts.len; i++)
		if (!strcmp(((struct script *)im->scripts.items[i])->name, name))
			return;
	data = read_file(path, &n);
	if (!data) {
		fth_error_hint(im->diag, where->range, "check that the file can be read",
			       "error reading import '\"%s\"': %s", path, strerror(errno));
		return;
	}
	text = preprocess(im, name, data, n);
	src = text ? add_source(im, name, text, n) : NULL;
	free(data);
	if (!src)
		return;
	sc = fth_arena_alloc(A(im), sizeof(*sc));
	sc->name = name;
	sc->ast = fth_parse(src, im->diag, A(im));
	fth_ptrvec_push(A(im), &im->scripts, sc);
	if (!sc->ast)
		return;
	if (sc->ast->u.program.config && sc->ast->u.program.config->u.config.items.len)
		fth_error_hint(im->diag, sc->ast->u.program.config->range,
			       "settings belong to the main script: move them there",
			       "invalid `config` within import");
	import_names_in(im, sc->ast);
}

/* A file or a directory found for an import. A directory brings in the
 * files directly in it; files of other kinds there are passed over. */
static void import_path(struct importer *im, struct fth_node *where, const char *name, const char *path,
			bool allow_directories, bool ignore_unknown)
{
	struct dirent **entries;
	struct stat st;
	int n;

	if (!permissions_ok(path)) {
		fth_error_hint(im->diag, where->range, "remove the write permission for others (chmod o-w)",
			       "cowardly refusing to import from a directory with global write permissions: \"%s\"", path);
		return;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!allow_directories)
			return;
		n = scandir(path, &entries, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			const char *e = entries[i]->d_name;
			if (strcmp(e, ".") && strcmp(e, ".."))
				import_path(im, where, fth_arena_printf(A(im), "%s/%s", name, e),
					    fth_arena_printf(A(im), "%s/%s", path, e), false, true);
			free(entries[i]);
		}
		if (n >= 0)
			free(entries);
		return;
	}
	if (has_suffix(path, ".bt")) {
		import_script(im, where, name, path);
	} else if (has_suffix(path, ".bpf.c") || has_suffix(path, ".h") || has_suffix(path, ".bpf.o")) {
		const char *base = strrchr(path, '/');
		fth_error_hint(im->diag, where->range,
			       "fathom compiles scripts without a C compiler: define types in the script, or import .bt files",
			       "importing C sources, headers and BPF objects is not supported: \"%s\"", base ? base + 1 : path);
	} else if (!ignore_unknown) {
		const char *base = strrchr(path, '/');
		fth_error_hint(im->diag, where->range, "import .bt files, or a directory of them",
			       "unknown import type: \"%s\"", base ? base + 1 : path);
	}
}

/* import "name": looked up in the main script's directory. */
static void import_name(struct importer *im, struct fth_node *where, const char *name)
{
	const char *path;
	struct stat st;

	if (seen_name(im, name))
		return;
	if (name[0] == '/' || !*im->dir)
		path = name;
	else
		path = fth_arena_printf(A(im), "%s%s%s", im->dir, has_suffix(im->dir, "/") ? "" : "/", name);
	if (stat(path, &st) == 0) {
		if (permissions_ok(path)) {
			import_path(im, where, name, path, true, false);
			return;
		}
		fth_diag_report(im->diag, FTH_SEV_WARNING, where->range, NULL,
				"skipping due to global write permissions: \"%s\"", path);
	}
	fth_error_hint(im->diag, where->range, fth_arena_printf(A(im), "checked: %s", path),
		       "Unable to find suitable path for import");
}

static void import_names_in(struct importer *im, struct fth_node *program)
{
	struct fth_node_list *imports = &program->u.program.imports;

	for (int i = 0; i < imports->len; i++)
		import_name(im, imports->items[i], imports->items[i]->u.import.path);
}

/* dst = (src, reversed when asked) followed by dst. */
static void prepend(struct fth_arena *arena, struct fth_node_list *dst, const struct fth_node_list *src, bool reversed)
{
	struct fth_node_list out = { 0 };

	for (int i = 0; i < src->len; i++)
		fth_node_list_push(arena, &out, src->items[reversed ? src->len - 1 - i : i]);
	for (int i = 0; i < dst->len; i++)
		fth_node_list_push(arena, &out, dst->items[i]);
	*dst = out;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct script *const *)a)->name, (*(struct script *const *)b)->name);
}

/* bpftrace merges the imported scripts in order of their names. Its
 * probes go first, so a library's BEGIN runs before the script's;
 * bpftrace reverses the list around each merge, which puts the last
 * name's probes first and each file's probes in reverse order. Imported
 * macros come before the script's own, which win on a name clash. */
static void merge(struct importer *im)
{
	struct fth_node *root = im->prog->ast;

	if (im->scripts.len > 1)
		qsort(im->scripts.items, (size_t)im->scripts.len, sizeof(void *), by_name);
	for (int i = 0; i < im->scripts.len; i++) {
		struct fth_node *ast = ((struct script *)im->scripts.items[i])->ast;
		if (!ast)
			continue;
		prepend(A(im), &root->u.program.probes, &ast->u.program.probes, true);
		prepend(A(im), &root->u.program.macros, &ast->u.program.macros, false);
		prepend(A(im), &root->u.program.c_defs, &ast->u.program.c_defs, false);
		prepend(A(im), &root->u.program.map_decls, &ast->u.program.map_decls, false);
	}
}

int fth_resolve_imports(struct fth_program *prog, struct fth_diag *diag)
{
	struct importer im = { .prog = prog, .diag = diag };
	const char *slash = strrchr(prog->src->name, '/');
	int errors = diag->errors;

	if (!prog->ast->u.program.imports.len)
		return 0;
	/* "stdin" (-e, -) has no directory: names are relative to the
	 * current one, as bpftrace's parent_path("stdin") is empty. */
	im.dir = !slash ? "" : slash == prog->src->name ? "/"
			      : fth_arena_printf(&prog->arena, "%.*s", (int)(slash - prog->src->name), prog->src->name);
	im.text = (char *)prog->src->text;
	im.len = prog->src->len;
	import_names_in(&im, prog->ast);
	merge(&im);
	return diag->errors > errors ? -EINVAL : 0;
}
