/* import.c - resolving `import` statements, see import.h. */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmacro.h"
#include "fileio.h"
#include "parser.h"
#include "btlib.h"

/* One imported script: its name as imported ("lib.bt", "dir/x.bt") and
 * its parsed program. */
struct script {
	const char *name;
	struct fth_node *ast;
};

struct fth_importer {
	struct fth_program *prog;
	struct fth_diag *diag;
	const char *dir;          /* where names are looked up: the main script's directory */
	struct fth_ptrvec names;  /* const char *: names already imported */
	struct fth_ptrvec scripts; /* struct script * */
	struct fth_ptrvec sources; /* struct fth_source *: one per imported file */
	char *text;               /* the main script, then each imported file after a '\n' */
	uint32_t len;
	uint32_t statement_end;   /* of the import statement being resolved, in the importing file */
};

static struct fth_arena *A(struct fth_importer *im)
{
	return &im->prog->arena;
}

static bool seen_name(struct fth_importer *im, const char *name)
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

/* Append a file's text to the shared buffer and describe it as a source
 * that starts there. Every imported source points at the new buffer. */
static struct fth_source *add_source(struct fth_importer *im, const char *name, const char *data, size_t n)
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

static bool imported_already(struct fth_importer *im, const char *name)
{
	for (int i = 0; i < im->scripts.len; i++)
		if (!strcmp(((struct script *)im->scripts.items[i])->name, name))
			return true;
	return false;
}

static void parse_script(struct fth_importer *im, const char *name, const char *data, size_t n);

static void import_script(struct fth_importer *im, struct fth_node *where, const char *name, const char *path)
{
	size_t n = 0;
	char *data;
	int rc;

	if (imported_already(im, name))
		return;
	rc = fth_read_path(path, &data, &n);
	if (rc) {
		fth_error_hint(im->diag, where->range, "check that the file can be read",
			       "error reading import '\"%s\"': %s", path, strerror(-rc));
		return;
	}
	parse_script(im, name, data, n);
	free(data);
}

/* A script's text into the program as one more imported file. */
static void parse_script(struct fth_importer *im, const char *name, const char *data, size_t n)
{
	struct fth_source *src = add_source(im, name, data, n);
	struct script *sc;

	sc = fth_arena_alloc(A(im), sizeof(*sc));
	sc->name = name;
	fth_ptrvec_push(A(im), &im->scripts, sc);
	/* Its own imports are resolved while it is parsed (fth_import_now);
	 * its macros join the program's table, and those still defined at its
	 * end count in the importing file after the import statement. */
	{
		uint32_t at = im->statement_end;
		struct fth_parse_opts opts = { im->prog->cmacros, fth_import_now, im };
		sc->ast = fth_parse_with(src, im->diag, A(im), &opts);
		fth_cmacros_export(im->prog->cmacros, src->start, src->len, at);
		im->statement_end = at;
	}
	if (sc->ast->u.program.config && sc->ast->u.program.config->u.config.items.len)
		fth_error_hint(im->diag, sc->ast->u.program.config->range,
			       "settings belong to the main script: move them there",
			       "invalid `config` within import");
}

/* A file or a directory found for an import. A directory brings in the
 * files directly in it; files of other kinds there are passed over. */
static void import_path(struct fth_importer *im, struct fth_node *where, const char *name, const char *path,
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
static void import_name(struct fth_importer *im, struct fth_node *where, const char *name)
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

void fth_import_now(void *importer, struct fth_node *import)
{
	struct fth_importer *im = importer;

	im->statement_end = import->range.end;
	import_name(im, import, import->u.import.path);
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
static void merge(struct fth_importer *im)
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

struct fth_importer *fth_importer_new(struct fth_program *prog, struct fth_diag *diag)
{
	struct fth_importer *im = fth_arena_alloc(&prog->arena, sizeof(*im));
	const char *slash = strrchr(prog->src->name, '/');

	memset(im, 0, sizeof(*im));
	im->prog = prog;
	im->diag = diag;
	/* "stdin" (-e, -) has no directory: names are relative to the
	 * current one, as bpftrace's parent_path("stdin") is empty. */
	im->dir = !slash ? "" : slash == prog->src->name ? "/"
			       : fth_arena_printf(&prog->arena, "%.*s", (int)(slash - prog->src->name), prog->src->name);
	im->text = (char *)prog->src->text;
	im->len = prog->src->len;
	return im;
}

/* The stdlib files the program's text names (the main script's and
 * every imported file's): imported once each, as a library file is. */
static void import_stdlib(struct fth_importer *im)
{
	for (const struct fth_stdlib_file *f = fth_stdlib_files; f->name; f++)
		if (!imported_already(im, f->name) && fth_stdlib_wanted(f, im->text))
			parse_script(im, f->name, f->text, strlen(f->text));
}

void fth_importer_merge(struct fth_importer *im)
{
	if (!im->diag->errors)
		import_stdlib(im);
	merge(im);
}
