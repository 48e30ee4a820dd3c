/* elfsym.c - ELF function symbols, segments and binary lookup for
 * user-space probes. See elfsym.h. */
#include "elfsym.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "rustdemangle.h"
#include "tracefs.h"
#include "vec.h"

/* libstdc++'s demangler (C linkage: cxxabi.h declares it extern "C"), as
 * bpftrace uses.  fathom does not link libstdc++: most traces never see a
 * C++ name, and loading it would cost every start-up.  It is opened on the
 * first mangled name; without it names stay mangled (and match as such). */
typedef char *(*cxa_demangle_fn)(const char *mangled, char *out, size_t *len, int *status);

/* The one process-wide lookup, done once (pthread_once): the library stays
 * loaded for the life of the process, like a linked one would. */
static cxa_demangle_fn demangler;
static pthread_once_t demangler_once = PTHREAD_ONCE_INIT;

static void open_demangler(void)
{
	void *lib = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
	void *fn = lib ? dlsym(lib, "__cxa_demangle") : NULL;

	/* a data pointer to a function pointer: what POSIX dlsym promises */
	memcpy(&demangler, &fn, sizeof(demangler));
}

char *fth_demangle(const char *name)
{
	int status = 0;
	char *d;

	if (strncmp(name, "_Z", 2))
		return NULL;
	pthread_once(&demangler_once, open_demangler);
	if (!demangler)
		return NULL;
	d = demangler(name, NULL, NULL, &status);
	if (status) {
		free(d);
		return NULL;
	}
	return d;
}

/* Rust's legacy mangling (rustc's default): _ZN, then each path segment as
 * <length><identifier>, the last one "h" and 16 hex digits (a hash of the
 * crate and types, which the demangled name leaves out), then E. In the
 * identifiers, $..$ escapes stand for punctuation and ".." for "::". */
static const struct { const char *escape, *text; } rust_escapes[] = {
	{ "$SP$", "@" }, { "$BP$", "*" }, { "$RF$", "&" }, { "$LT$", "<" }, { "$GT$", ">" },
	{ "$LP$", "(" }, { "$RP$", ")" }, { "$C$", "," },
};

/* Appends identifier id (len bytes) to out, its escapes decoded; false
 * for an escape Rust does not write. */
static bool rust_append_segment(const char *id, size_t len, char *out, size_t *at, size_t cap)
{
	size_t i = 0;

	/* an identifier starting with '$' is written "_$" */
	if (len >= 2 && id[0] == '_' && id[1] == '$')
		i = 1;
	while (i < len && *at + 4 < cap) {
		bool done = false;
		if (id[i] == '.' && i + 1 < len && id[i + 1] == '.') {
			memcpy(out + *at, "::", 2);
			*at += 2;
			i += 2;
			continue;
		}
		if (id[i] != '$') {
			out[(*at)++] = id[i++];
			continue;
		}
		for (size_t k = 0; k < sizeof(rust_escapes) / sizeof(rust_escapes[0]) && !done; k++) {
			size_t el = strlen(rust_escapes[k].escape);
			if (i + el <= len && !strncmp(id + i, rust_escapes[k].escape, el)) {
				out[(*at)++] = rust_escapes[k].text[0];
				i += el;
				done = true;
			}
		}
		if (!done) {
			/* $uXX$: the character of that hex code */
			unsigned code;
			int n = 0;
			if (i + 1 >= len || id[i + 1] != 'u' || sscanf(id + i + 2, "%2x$%n", &code, &n) != 1 || n != 3 ||
			    !code || code > 0x7f)
				return false;
			out[(*at)++] = (char)code;
			i += 2 + (size_t)n;
		}
	}
	return i == len;
}

static bool rust_hash_segment(const char *id, size_t len)
{
	if (len != 17 || id[0] != 'h')
		return false;
	for (size_t i = 1; i < len; i++)
		if (!strchr("0123456789abcdef", id[i]))
			return false;
	return true;
}

char *fth_rust_demangle(const char *name)
{
	char out[1024];
	size_t at = 0;
	const char *p;

	if (!strncmp(name, "_R", 2))
		return fth_rust_v0_demangle(name);
	if (strncmp(name, "_ZN", 3))
		return NULL;
	p = name + 3;
	while (*p >= '1' && *p <= '9') {
		char *end;
		unsigned long len = strtoul(p, &end, 10);
		if (len > strlen(end))
			return NULL;
		if (rust_hash_segment(end, len) && !strcmp(end + len, "E")) {
			out[at] = '\0';
			return at ? strdup(out) : NULL;
		}
		if (at) {
			if (at + 2 >= sizeof(out))
				return NULL;
			memcpy(out + at, "::", 2);
			at += 2;
		}
		if (!rust_append_segment(end, len, out, &at, sizeof(out)))
			return NULL;
		p = end + len;
	}
	return NULL; /* no hash at the end: C++, not Rust */
}

const char *fth_elf_display_name(const struct fth_elf_sym *sym)
{
	if (sym->demangled)
		return sym->demangled;
	/* A v0 Rust name (_R...) as LLVM's demangler shows it, as bpftrace's
	 * func, usym and ustack do. A legacy one keeps the C++ demangler's
	 * text (with its ::h<hash>), which it gets above. */
	if (sym->rust_demangled && !strncmp(sym->name, "_R", 2))
		return sym->rust_demangled;
	return sym->name;
}

bool fth_elf_sym_matches(const struct fth_elf_sym *sym, const char *pattern)
{
	const char *paren;
	char *bare;
	bool match;

	if (fth_glob_match(pattern, sym->name))
		return true;
	if (sym->rust_demangled && fth_glob_match(pattern, sym->rust_demangled))
		return true;
	if (!sym->demangled)
		return false;
	if (fth_glob_match(pattern, sym->demangled))
		return true;
	/* without the parameter list: the last '(' at nesting depth 0 */
	paren = strchr(sym->demangled, '(');
	if (!paren || paren == sym->demangled)
		return false;
	bare = strndup(sym->demangled, (size_t)(paren - sym->demangled));
	match = bare && fth_glob_match(pattern, bare);
	free(bare);
	return match;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct fth_elf_sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	/* Same name in .symtab and .dynsym: keep one; prefer a known size. */
	return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

int fth_elf_read_segs(struct Elf *elf, struct fth_elf_seg **segs, int *nsegs)
{
	size_t nph;
	struct fth_elf_seg *s;
	int n = 0;

	*segs = NULL;
	*nsegs = 0;
	if (elf_getphdrnum(elf, &nph))
		return -ENOEXEC;
	s = calloc(nph ? nph : 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		s[n].vaddr = ph.p_vaddr;
		s[n].memsz = ph.p_memsz;
		s[n].offset = ph.p_offset;
		s[n].filesz = ph.p_filesz;
		s[n].exec = ph.p_flags & PF_X;
		n++;
	}
	*segs = s;
	*nsegs = n;
	return 0;
}

static int read_symtab(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, struct fth_elf *e, int *cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;

	if (!data || !sh->sh_entsize)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		int type;
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		struct fth_elf_sym *ns = fth_vec_grow(e->syms, e->nsyms, cap, sizeof(*ns), 256);
		if (!ns)
			return -ENOMEM;
		e->syms = ns;
		e->syms[e->nsyms].name = strdup(name);
		if (!e->syms[e->nsyms].name)
			return -ENOMEM;
		e->syms[e->nsyms].addr = sym.st_value;
		e->syms[e->nsyms].size = sym.st_size;
		e->syms[e->nsyms].ifunc = type == STT_GNU_IFUNC;
		e->syms[e->nsyms].demangled = NULL;
		e->syms[e->nsyms].rust_demangled = NULL;
		e->nsyms++;
	}
	return 0;
}

/* libelf handle of an ELF file: 0, or -ENOENT/-ENOEXEC/errno. */
static int elf_begin_file(const char *path, int *fd_out, Elf **elf_out)
{
	struct stat st;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOEXEC;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -ENOEXEC;
	}
	*fd_out = fd;
	*elf_out = elf;
	return 0;
}

/* Function symbols of every .symtab and .dynsym; *has_symtab says whether
 * there was a .symtab (a file that is not stripped). */
static int read_all_symbols(Elf *elf, struct fth_elf *e, int *cap, bool *has_symtab)
{
	Elf_Scn *scn = NULL;
	int err = 0;

	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			*has_symtab = true;
		if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM)
			err = read_symtab(elf, scn, &sh, e, cap);
	}
	return err;
}

/* A defined function or data object named name in an open file's .symtab
 * or .dynsym: true and its st_value and st_size. */
static bool find_any_symbol(Elf *elf, const char *name, uint64_t *addr, uint64_t *size)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *sname;
			int type;
			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			type = GELF_ST_TYPE(sym.st_info);
			if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT)
				continue;
			sname = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (sname && !strcmp(sname, name)) {
				*addr = sym.st_value;
				*size = sym.st_size;
				return true;
			}
		}
	}
	return false;
}

/* The GNU build-id of an open file as lower-case hex, or false. */
static bool read_build_id(Elf *elf, char *hex, size_t hexlen)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) || nh.n_descsz < 2 ||
			    nh.n_descsz * 2 + 1 > hexlen)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", desc[i]);
			return true;
		}
	}
	return false;
}

/* --debuginfo: directories searched for separate debug files before the
 * default root, in the order given (colon-separated lists, the option
 * repeated). One list for the whole run, as the option is. */
#define MAX_DEBUG_DIRS 32
static struct debug_dir {
	char *path;
	bool crc; /* written "+DIR": a debuglink file is checked by its CRC32 */
} debug_dirs[MAX_DEBUG_DIRS];
static int ndebug_dirs;

int fth_elf_add_debug_dirs(const char *list)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ":");
		bool crc = len && *p == '+';
		if (len > (size_t)crc) {
			if (ndebug_dirs == MAX_DEBUG_DIRS)
				return -E2BIG;
			debug_dirs[ndebug_dirs].path = strndup(p + crc, len - crc);
			if (!debug_dirs[ndebug_dirs].path)
				return -ENOMEM;
			debug_dirs[ndebug_dirs].crc = crc;
			ndebug_dirs++;
		}
		p += len;
		if (*p == ':')
			p++;
	}
	return 0;
}

/* .gnu_debuglink (objcopy --add-gnu-debuglink): the debug file's name
 * and the CRC32 of its contents. */
struct debuglink {
	const char *name; /* NULL: none */
	uint32_t crc;
};

static struct debuglink debuglink_of(Elf *elf)
{
	struct debuglink link = { NULL, 0 };
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return link;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		const char *name, *end;
		size_t crc_at;
		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".gnu_debuglink") || !(data = elf_getdata(scn, NULL)) || !data->d_size)
			continue;
		/* the name, NUL-terminated, padded to 4 bytes, then the CRC
		 * in the file's byte order (little-endian on x86-64) */
		end = memchr(data->d_buf, '\0', data->d_size);
		if (!end)
			return link;
		crc_at = ((size_t)(end - (const char *)data->d_buf) + 1 + 3) / 4 * 4;
		link.name = data->d_buf;
		if (crc_at + 4 <= data->d_size)
			memcpy(&link.crc, (const char *)data->d_buf + crc_at, 4);
		return link;
	}
	return link;
}

/* Does the CRC32 (zlib's, as gdb and objcopy compute it) of the file at
 * path equal crc? */
static bool file_crc_is(const char *path, uint32_t crc)
{
	unsigned char buf[65536];
	uLong sum = crc32(0L, Z_NULL, 0);
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sum = crc32(sum, buf, (uInt)n);
	close(fd);
	return n == 0 && (uint32_t)sum == crc;
}

static bool regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Is the file at candidate the debug file of a binary with build-id id
 * (its own build-id note is the same)? Without an id nothing can tell:
 * the name found it. */
static bool same_build(const char *candidate, const char *id)
{
	char other[2 * 64 + 1];
	Elf *elf;
	int fd;
	bool same;

	if (!*id)
		return true;
	if (elf_begin_file(candidate, &fd, &elf))
		return false;
	same = read_build_id(elf, other, sizeof(other)) && !strcmp(id, other);
	elf_end(elf);
	close(fd);
	return same;
}

/* The debug file in one --debuginfo directory: DIR/.build-id/xx/yyyy.debug,
 * or DIR/NAME with NAME the binary's debuglink, of the same build (its
 * build-id, or for "+DIR" the debuglink's CRC32). A relative DIR is
 * relative to the binary's directory (as gdb and libdwfl take it). */
static bool debug_file_in_dir(const struct debug_dir *dir, const char *path, const char *id,
			      const struct debuglink *link, char *out, size_t outlen)
{
	char base[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (dir->path[0] == '/' || !slash)
		snprintf(base, sizeof(base), "%s", dir->path);
	else if (snprintf(base, sizeof(base), "%.*s/%s", (int)(slash - path), path, dir->path) >= (int)sizeof(base))
		return false;
	if (*id && snprintf(out, outlen, "%s/.build-id/%.2s/%s.debug", base, id, id + 2) < (int)outlen &&
	    regular_file(out))
		return true;
	if (!link->name || snprintf(out, outlen, "%s/%s", base, link->name) >= (int)outlen || !strcmp(out, path) ||
	    !regular_file(out))
		return false;
	return dir->crc ? file_crc_is(out, link->crc) : same_build(out, id);
}

/* The separate debug file of the ELF file path (elf): in the --debuginfo
 * directories, then by build-id under debug_root (NULL: nowhere). */
static int debug_file_of(Elf *elf, const char *path, const char *debug_root, char *out, size_t outlen)
{
	char id[2 * 64 + 1] = "";
	bool has_id;

	if (!debug_root)
		return -ENOENT;
	has_id = read_build_id(elf, id, sizeof(id));
	if (!has_id)
		id[0] = '\0';
	if (ndebug_dirs) {
		struct debuglink link = debuglink_of(elf);
		for (int i = 0; i < ndebug_dirs; i++)
			if (debug_file_in_dir(&debug_dirs[i], path, id, &link, out, outlen))
				return 0;
	}
	if (!has_id)
		return -ENOENT;
	if (snprintf(out, outlen, "%s/.build-id/%.2s/%s.debug", debug_root, id, id + 2) >= (int)outlen)
		return -ENAMETOOLONG;
	return regular_file(out) ? 0 : -ENOENT;
}

int fth_elf_symbol_address(const char *path, const char *name, uint64_t *addr, uint64_t *size)
{
	char debug[PATH_MAX];
	Elf *elf;
	int fd, rc = elf_begin_file(path, &fd, &elf);
	bool found;

	if (rc)
		return rc;
	found = find_any_symbol(elf, name, addr, size);
	elf_end(elf);
	close(fd);
	if (found)
		return 0;
	/* a stripped file keeps its local symbols in the debug file */
	if (fth_elf_debug_file(path, "/usr/lib/debug", debug, sizeof(debug)) == 0 && strcmp(debug, path))
		return fth_elf_symbol_address(debug, name, addr, size);
	return -ENOENT;
}

int fth_elf_load_layout(const char *path, uint64_t page_size, bool *relocated, uint64_t *first_page)
{
	struct fth_elf_seg *segs;
	GElf_Ehdr eh;
	Elf *elf;
	int fd, nsegs, rc = elf_begin_file(path, &fd, &elf);

	if (rc)
		return rc;
	rc = gelf_getehdr(elf, &eh) ? fth_elf_read_segs(elf, &segs, &nsegs) : -ENOEXEC;
	if (!rc) {
		uint64_t lowest = UINT64_MAX;
		for (int i = 0; i < nsegs; i++)
			if (segs[i].vaddr < lowest)
				lowest = segs[i].vaddr;
		free(segs);
		if (lowest == UINT64_MAX) {
			rc = -ENOEXEC;
		} else {
			*relocated = eh.e_type == ET_DYN;
			*first_page = page_size ? lowest / page_size * page_size : lowest;
		}
	}
	elf_end(elf);
	close(fd);
	return rc;
}

int fth_elf_debug_file(const char *path, const char *debug_root, char *out, size_t outlen)
{
	Elf *elf;
	int fd, rc = elf_begin_file(path, &fd, &elf);

	if (rc)
		return rc;
	rc = debug_file_of(elf, path, debug_root, out, outlen);
	elf_end(elf);
	close(fd);
	return rc;
}

/* The symbols of a debug file, added to e (its addresses are the original
 * file's: a debug file keeps the program headers and symbol values). */
static int add_debug_symbols(const char *debug_path, struct fth_elf *e, int *cap)
{
	bool has_symtab = false;
	Elf *elf;
	int fd, rc = elf_begin_file(debug_path, &fd, &elf);

	if (rc)
		return 0; /* unreadable: the file's own symbols will do */
	rc = read_all_symbols(elf, e, cap, &has_symtab);
	elf_end(elf);
	close(fd);
	return rc;
}

int fth_elf_open_with_debug_root(const char *path, const char *debug_root, struct fth_elf *e)
{
	char debug_path[PATH_MAX];
	bool has_symtab = false;
	int fd, err, cap = 0, k = 0;
	Elf *elf;

	memset(e, 0, sizeof(*e));
	err = elf_begin_file(path, &fd, &elf);
	if (err)
		return err;
	err = fth_elf_read_segs(elf, &e->segs, &e->nsegs);
	if (!err)
		err = read_all_symbols(elf, e, &cap, &has_symtab);
	if (!err && !has_symtab && debug_file_of(elf, path, debug_root, debug_path, sizeof(debug_path)) == 0)
		err = add_debug_symbols(debug_path, e, &cap);
	elf_end(elf);
	close(fd);
	if (err) {
		fth_elf_close(e);
		return err;
	}
	if (e->nsyms) {
		qsort(e->syms, (size_t)e->nsyms, sizeof(*e->syms), sym_cmp);
		for (int i = 0; i < e->nsyms; i++) {
			if (k && !strcmp(e->syms[k - 1].name, e->syms[i].name)) {
				free(e->syms[i].name);
				continue;
			}
			e->syms[k++] = e->syms[i];
		}
		e->nsyms = k;
		for (int i = 0; i < e->nsyms; i++) {
			e->syms[i].demangled = fth_demangle(e->syms[i].name);
			e->syms[i].rust_demangled = fth_rust_demangle(e->syms[i].name);
		}
	}
	return 0;
}

int fth_elf_open(const char *path, struct fth_elf *e)
{
	return fth_elf_open_with_debug_root(path, "/usr/lib/debug", e);
}

void fth_elf_close(struct fth_elf *e)
{
	for (int i = 0; i < e->nsyms; i++) {
		free(e->syms[i].name);
		free(e->syms[i].demangled);
		free(e->syms[i].rust_demangled);
	}
	free(e->syms);
	free(e->segs);
	memset(e, 0, sizeof(*e));
}

const struct fth_elf_sym *fth_elf_find(const struct fth_elf *e, const char *name)
{
	int lo = 0, hi = e->nsyms - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2, c = strcmp(name, e->syms[mid].name);
		if (!c)
			return &e->syms[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct fth_elf_sym *fth_elf_containing(const struct fth_elf *e, uint64_t addr)
{
	const struct fth_elf_sym *best = NULL;

	for (int i = 0; i < e->nsyms; i++) {
		const struct fth_elf_sym *s = &e->syms[i];
		if (s->addr > addr)
			continue;
		if (s->size && addr >= s->addr + s->size)
			continue;
		/* Prefer a sized symbol, then the nearest, then the shortest name
		 * (getpid over __getpid). */
		if (!best || s->addr > best->addr || (s->addr == best->addr && (!best->size && s->size)) ||
		    (s->addr == best->addr && !best->size == !s->size && strlen(s->name) < strlen(best->name)))
			best = s;
	}
	return best;
}

int fth_elf_vaddr_to_offset(const struct fth_elf_seg *segs, int nsegs, uint64_t vaddr, uint64_t *off)
{
	for (int i = 0; i < nsegs; i++) {
		if (vaddr >= segs[i].vaddr && vaddr < segs[i].vaddr + segs[i].filesz) {
			*off = vaddr - segs[i].vaddr + segs[i].offset;
			return 0;
		}
	}
	return -ENOENT;
}

/* ------------------------------------------------------------ IFUNCs */

/* In the child: the address each name resolves to, as a virtual address of
 * the loaded object itself (0 when dlsym finds it elsewhere or not at all). */
static void write_ifunc_targets(int fd, const char *path, const char *const *names, int n)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	struct link_map *self = NULL;

	if (h && dlinfo(h, RTLD_DI_LINKMAP, &self))
		self = NULL;
	for (int i = 0; i < n; i++) {
		uint64_t v = 0;
		void *addr = self ? dlsym(h, names[i]) : NULL;
		struct link_map *owner = NULL;
		Dl_info info;
		if (addr && dladdr1(addr, &info, (void **)&owner, RTLD_DL_LINKMAP) && owner == self)
			v = (uint64_t)(uintptr_t)addr - (uint64_t)self->l_addr;
		if (write(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
			break;
	}
}

int fth_elf_resolve_ifuncs(const char *path, const char *const *names, int n, uint64_t *vaddrs)
{
	size_t want = sizeof(*vaddrs) * (size_t)n, got = 0;
	int fds[2], status;
	pid_t child;

	memset(vaddrs, 0, want);
	if (n <= 0)
		return 0;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	/* dlsym() of an IFUNC runs its resolver, and dlopen() the library's
	 * constructors: both happen in a throw-away child, so that fathom's
	 * own address space stays as it was. */
	child = fork();
	if (child < 0) {
		int err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (child == 0) {
		close(fds[0]);
		write_ifunc_targets(fds[1], path, names, n);
		_exit(0);
	}
	close(fds[1]);
	while (got < want) {
		ssize_t r = read(fds[0], (char *)vaddrs + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* A child that died half-way leaves the rest 0: not resolved. */
	if (got < want)
		memset((char *)vaddrs + got / sizeof(*vaddrs) * sizeof(*vaddrs), 0,
		       want - got / sizeof(*vaddrs) * sizeof(*vaddrs));
	return 0;
}

/* ------------------------------------------------------ binary lookup */

static bool is_elf_file(const char *path)
{
	unsigned char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, magic, 4) == 4 && !memcmp(magic, ELFMAG, SELFMAG);
	close(fd);
	return ok;
}

bool fth_elf_is_elf(const char *path)
{
	return is_elf_file(path);
}

static int canonical(const char *path, char *out, size_t outlen)
{
	char buf[PATH_MAX];

	if (!realpath(path, buf))
		return -errno;
	if (snprintf(out, outlen, "%s", buf) >= (int)outlen)
		return -ENAMETOOLONG;
	return 0;
}

/* A path the user wrote (it has a '/') names the target as written, as in
 * bpftrace: probe names and listings show ./prog, not its canonical path.
 * It must exist. */
static int path_as_written(const char *path, char *out, size_t outlen)
{
	/* access(), not realpath(): /proc/PID/root/... (a file in another
	 * mount namespace) opens through the process's root, but realpath
	 * would read that link as our own "/" */
	if (access(path, F_OK))
		return -errno;
	if (snprintf(out, outlen, "%s", path) >= (int)outlen)
		return -ENAMETOOLONG;
	return 0;
}

/* "libc" matches "libc.so.6", "libc.so"; "libc.so.6" matches itself. */
static bool soname_matches(const char *want, const char *soname)
{
	size_t n = strlen(want);

	if (!strcmp(want, soname))
		return true;
	return !strncmp(want, soname, n) && !strncmp(soname + n, ".so", 3) &&
	       (soname[n + 3] == '\0' || soname[n + 3] == '.');
}

/* The new-format glibc ld.so.cache ("glibc-ld.so.cache1.1"), possibly after
 * an old-format ("ld.so-1.7.0") part. Entries for x86-64 only. */
static int search_ld_cache(const char *name, const char *cache, char *out, size_t outlen)
{
	static const char magic[] = "glibc-ld.so.cache1.1";
	FILE *f = fopen(cache ? cache : "/etc/ld.so.cache", "re");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, got, start = (size_t)-1;
	int rc = -ENOENT;

	if (!f)
		return -ENOENT;
	for (;;) {
		if (len + 65536 > cap) {
			unsigned char *nb = realloc(buf, cap = len + 65536 * 4);
			if (!nb)
				break;
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	fclose(f);
	for (size_t i = 0; buf && i + sizeof(magic) - 1 + 28 <= len; i += 4) {
		if (!memcmp(buf + i, magic, sizeof(magic) - 1)) {
			start = i;
			break;
		}
	}
	if (start != (size_t)-1) {
		const unsigned char *h = buf + start;
		uint32_t nlibs;
		memcpy(&nlibs, h + 20, 4);
		/* header: magic(17) version(3) nlibs len_strings flags pad[3]
		 * extension_offset unused[3] = 48 bytes; entries of 24 bytes;
		 * string offsets are from the start of the new-format part. */
		for (uint32_t k = 0; k < nlibs; k++) {
			const unsigned char *ent = h + 48 + (size_t)k * 24;
			int32_t flags;
			uint32_t key, value;
			if ((size_t)(ent + 24 - buf) > len)
				break;
			memcpy(&flags, ent, 4);
			memcpy(&key, ent + 4, 4);
			memcpy(&value, ent + 8, 4);
			if (start + key >= len || start + value >= len)
				continue;
			if ((flags & 0xff00) != 0x0300 || (flags & 0xff) != 3) /* x86-64 libc6 */
				continue;
			if (!memchr(h + key, 0, len - start - key) || !memchr(h + value, 0, len - start - value))
				continue;
			if (soname_matches(name, (const char *)h + key) && is_elf_file((const char *)h + value)) {
				rc = canonical((const char *)h + value, out, outlen);
				if (!rc)
					break;
			}
		}
	}
	free(buf);
	return rc;
}

int fth_find_library(const char *name, const char *cache, char *out, size_t outlen)
{
	static const char *const dirs[] = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
					    "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib" };
	static const char *const suffixes[] = { "", ".so", ".so.6", ".so.1", ".so.0", ".so.2" };

	if (search_ld_cache(name, cache, out, outlen) == 0)
		return 0;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s%s", dirs[d], name, suffixes[s]);
			if (is_elf_file(path))
				return canonical(path, out, outlen);
		}
	}
	return -ENOENT;
}

static int find_in_path(const char *name, char *out, size_t outlen)
{
	const char *env = getenv("PATH");
	char *copy, *save = NULL;
	int rc = -ENOENT;

	copy = strdup(env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (!copy)
		return -ENOMEM;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (access(path, X_OK) == 0 && is_elf_file(path)) {
			rc = canonical(path, out, outlen);
			break;
		}
	}
	free(copy);
	return rc;
}

int fth_resolve_binary(const char *name, char *out, size_t outlen)
{
	bool libish = !strncmp(name, "lib", 3) || strstr(name, ".so");

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/'))
		return path_as_written(name, out, outlen);
	if (libish)
		return fth_find_library(name, NULL, out, outlen) == 0 ? 0 : find_in_path(name, out, outlen);
	return find_in_path(name, out, outlen) == 0 ? 0 : fth_find_library(name, NULL, out, outlen);
}
