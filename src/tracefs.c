/* tracefs.c - finding tracefs, reading tracepoint formats and lists, see
 * tracefs.h.
 *
 * Nothing here keeps state between calls: fth_tracefs_path() re-checks the
 * filesystem with a stat() or two each time, which is cheap next to the file
 * reads every caller does next, and it means a tracefs mounted (or
 * unmounted) behind our back is noticed rather than remembered wrongly. */
#include "tracefs.h"

#include "fileio.h"
#include "types.h"
#include "vec.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACEFS_DIR "/sys/kernel/tracing"
#define DEBUGFS_TRACING_DIR "/sys/kernel/debug/tracing"

/* ---------------------------------------------------------------------------
 * Locating (and mounting) tracefs
 */

/* tracefs is "there" when its events directory is: an empty mount point
 * directory exists on every sysfs and says nothing. */
static bool has_events_dir(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", root);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The likely cause of a mount failure, so the message says what to do. */
static const char *mount_failure_hint(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return " (are you root?)";
	case ENODEV:
		return " (is the kernel built with CONFIG_TRACING?)";
	case ENOENT:
		return " (is sysfs mounted at /sys?)";
	default:
		return "";
	}
}

static int mount_tracefs(char *err, size_t errlen)
{
	unsigned long flags = MS_NODEV | MS_NOEXEC | MS_NOSUID;

	if (mount("tracefs", TRACEFS_DIR, "tracefs", flags, NULL) == 0)
		return 0;
	/* Someone else may have mounted it between our stat and our mount. */
	if (errno == EBUSY && has_events_dir(TRACEFS_DIR))
		return 0;
	int e = errno;
	if (err && errlen)
		snprintf(err, errlen, "cannot mount tracefs at %s: %s%s", TRACEFS_DIR, strerror(e),
			 mount_failure_hint(e));
	return -e;
}

/* Find tracefs, mounting it if needed; *root is a string constant. */
static int tracefs_locate(const char **root, char *err, size_t errlen)
{
	if (has_events_dir(TRACEFS_DIR)) {
		*root = TRACEFS_DIR;
		return 0;
	}
	if (has_events_dir(DEBUGFS_TRACING_DIR)) {
		*root = DEBUGFS_TRACING_DIR;
		return 0;
	}
	int ret = mount_tracefs(err, errlen);
	if (ret)
		return ret;
	if (!has_events_dir(TRACEFS_DIR)) {
		if (err && errlen)
			snprintf(err, errlen, "tracefs is mounted at %s but has no events directory",
				 TRACEFS_DIR);
		return -ENOENT;
	}
	*root = TRACEFS_DIR;
	return 0;
}

const char *fth_tracefs_path(char *err, size_t errlen)
{
	const char *root = NULL;

	return tracefs_locate(&root, err, errlen) ? NULL : root;
}

/* ---------------------------------------------------------------------------
 * Small file helpers
 */

/* A tracepoint category or name is one path component; refuse anything that
 * could walk out of the events directory. */
static bool is_safe_component(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* ---------------------------------------------------------------------------
 * Format parsing
 *
 * What fth_tp_field.type holds: the C type of the field with the name taken
 * out and whitespace collapsed to single spaces, array brackets kept on the
 * type ("char[16]", "unsigned long[6]"), and the __data_loc/__rel_loc
 * marker kept in front ("__data_loc char[]"). array_len carries the length
 * of a fixed array separately, so users of the type need not re-parse it.
 */

/* Copy s[0..n) with runs of whitespace collapsed to one space and no
 * leading or trailing space: "const char  *" -> "const char *". */
static char *dup_normalized(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t len = 0;
	bool pending_space = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			pending_space = len > 0;
			continue;
		}
		if (pending_space)
			out[len++] = ' ';
		pending_space = false;
		out[len++] = s[i];
	}
	out[len] = '\0';
	return out;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Element size for array lengths the kernel writes as an expression
 * ("__u8 saddr[sizeof(struct sockaddr_in6)]"): the field size divided by
 * this gives the count. 0 when the element type is not a known scalar. */
static uint32_t scalar_size(const char *type)
{
	const struct fth_type *t;

	if (type[0] && type[strlen(type) - 1] == '*')
		return 8;
	if (!strcmp(type, "bool"))
		return 1;
	t = fth_type_c_integer(type);
	return t ? t->size : 0;
}

/* The array suffix of a declaration: "[16]" -> 16. Lengths written as an
 * expression are worked out from the field size; -1 if that is impossible
 * (the field is then an array of unknown length, type text as written). */
static int array_length(const char *inside, size_t n, const char *elem_type, uint32_t field_size)
{
	char *end;
	unsigned long v;

	if (n > 0 && isdigit((unsigned char)inside[0])) {
		v = strtoul(inside, &end, 0);
		if ((size_t)(end - inside) == n && v <= INT_MAX)
			return (int)v;
	}
	uint32_t elem = scalar_size(elem_type);
	return elem ? (int)(field_size / elem) : -1;
}

/* Split a declaration such as "const char * filename", "char prev_comm[16]"
 * or "__data_loc char[] name" into the field's name and type. */
static int parse_declaration(const char *decl, size_t n, struct fth_tp_field *f)
{
	const char *end = decl + n;
	const char *bracket = NULL, *bracket_end = NULL;

	while (end > decl && isspace((unsigned char)end[-1]))
		end--;
	/* A trailing "[...]" belongs to the name: "char prev_comm[16]". */
	if (end > decl && end[-1] == ']') {
		bracket_end = end - 1;
		bracket = memrchr(decl, '[', (size_t)(bracket_end - decl));
		if (!bracket)
			return -EINVAL;
		end = bracket;
		while (end > decl && isspace((unsigned char)end[-1]))
			end--;
	}
	const char *name_end = end, *name_begin = end;
	while (name_begin > decl && is_ident_char(name_begin[-1]))
		name_begin--;
	if (name_begin == name_end)
		return -EINVAL;

	f->name = strndup(name_begin, (size_t)(name_end - name_begin));
	char *base = dup_normalized(decl, (size_t)(name_begin - decl));
	if (!f->name || !base) {
		free(base);
		return -ENOMEM;
	}
	if (!*base) {
		free(base);
		return -EINVAL;
	}
	f->data_loc = strncmp(base, "__data_loc ", 11) == 0;
	f->rel_loc = strncmp(base, "__rel_loc ", 10) == 0;
	if (!bracket) {
		f->type = base;
		return 0;
	}

	size_t inside_len = (size_t)(bracket_end - bracket - 1);
	f->array_len = array_length(bracket + 1, inside_len, base, f->size);
	size_t type_len = strlen(base) + inside_len + 3;
	f->type = malloc(type_len);
	if (!f->type) {
		free(base);
		return -ENOMEM;
	}
	snprintf(f->type, type_len, "%s[%.*s]", base, (int)inside_len, bracket + 1);
	free(base);
	return 0;
}

/* The number after "key:" in one ';'-terminated attribute of a field line. */
static bool attr_value(const char *line, const char *key, unsigned long *value)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key)) != NULL) {
		bool at_start = p == line || p[-1] == '\t' || p[-1] == ' ' || p[-1] == ';';
		if (at_start && p[klen] == ':') {
			*value = strtoul(p + klen + 1, NULL, 0);
			return true;
		}
		p += klen;
	}
	return false;
}

/* One line "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;". The declaration
 * is parsed after size because expression array lengths need the size. */
static int parse_field_line(const char *line, struct fth_tp_field *f)
{
	const char *decl = strstr(line, "field:");
	unsigned long v;

	/* Zeroed first so the caller can free a half-parsed field. */
	memset(f, 0, sizeof(*f));
	if (!decl)
		return -EINVAL;
	decl += strlen("field:");
	const char *semi = strchr(decl, ';');
	if (!semi)
		return -EINVAL;
	if (!attr_value(semi, "offset", &v))
		return -EINVAL;
	f->offset = (uint32_t)v;
	if (!attr_value(semi, "size", &v))
		return -EINVAL;
	f->size = (uint32_t)v;
	/* Very old kernels have no signed: attribute; unsigned is the safe read. */
	f->is_signed = attr_value(semi, "signed", &v) && v != 0;

	int ret = parse_declaration(decl, (size_t)(semi - decl), f);
	if (ret)
		return ret;
	f->common = strncmp(f->name, "common_", 7) == 0;
	return 0;
}

static int push_field(struct fth_tp_format *out, int *cap, const struct fth_tp_field *f)
{
	struct fth_tp_field *grown = fth_vec_grow(out->fields, out->nfields, cap, sizeof(*grown), 16);

	if (!grown)
		return -ENOMEM;
	out->fields = grown;
	out->fields[out->nfields++] = *f;
	return 0;
}

static void free_field(struct fth_tp_field *f)
{
	free(f->name);
	free(f->type);
}

/* Handle one line of a format file; fields appear only after "format:". */
static int parse_format_line(const char *line, size_t len, bool *in_fields,
			     struct fth_tp_format *out, int *cap)
{
	const char *p = line;

	while (p < line + len && isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "name:", 5) == 0 && !out->name) {
		out->name = dup_normalized(p + 5, len - (size_t)(p + 5 - line));
		return out->name ? 0 : -ENOMEM;
	}
	if (strncmp(p, "ID:", 3) == 0) {
		out->id = (uint32_t)strtoul(p + 3, NULL, 10);
		return 0;
	}
	if (strncmp(p, "format:", 7) == 0) {
		*in_fields = true;
		return 0;
	}
	if (strncmp(p, "print fmt:", 10) == 0) {
		*in_fields = false;
		return 0;
	}
	if (!*in_fields || strncmp(p, "field:", 6) != 0)
		return 0;

	struct fth_tp_field f;
	int ret = parse_field_line(p, &f);
	if (!ret)
		ret = push_field(out, cap, &f);
	if (ret)
		free_field(&f);
	return ret;
}

int fth_tp_format_parse(const char *text, struct fth_tp_format *out)
{
	bool in_fields = false;
	int cap = 0, ret = 0;
	/* Work on a copy so each line can be NUL-terminated in place for the
	 * strstr/strtoul calls; "print fmt:" lines run to kilobytes. */
	char *copy = strdup(text);

	memset(out, 0, sizeof(*out));
	if (!copy)
		return -ENOMEM;
	for (char *line = copy; *line && !ret;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (nl)
			*nl = '\0';
		ret = parse_format_line(line, len, &in_fields, out, &cap);
		line = nl ? nl + 1 : line + len;
	}
	free(copy);
	if (!ret && out->nfields == 0)
		ret = -EINVAL;
	if (ret)
		fth_tp_format_free(out);
	return ret;
}

void fth_tp_format_free(struct fth_tp_format *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nfields; i++)
		free_field(&f->fields[i]);
	free(f->fields);
	free(f->category);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

/* ---------------------------------------------------------------------------
 * Reading formats and lists from tracefs
 */

static int read_event_file(const char *root, const char *category, const char *name,
			   const char *file, char **text)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/events/%s/%s/%s", root, category, name, file);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return fth_read_path(path, text, NULL);
}

int fth_tp_format_read(const char *category, const char *name, struct fth_tp_format *out)
{
	const char *root;
	char *text = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!is_safe_component(category) || !is_safe_component(name))
		return -EINVAL;
	ret = tracefs_locate(&root, NULL, 0);
	if (ret)
		return ret;
	ret = read_event_file(root, category, name, "format", &text);
	if (ret)
		return ret;
	ret = fth_tp_format_parse(text, out);
	free(text);
	if (ret)
		return ret;

	/* The id file is the authority; the ID: line in format is a copy. */
	if (read_event_file(root, category, name, "id", &text) == 0) {
		out->id = (uint32_t)strtoul(text, NULL, 10);
		free(text);
	}
	out->category = strdup(category);
	if (!out->name)
		out->name = strdup(name);
	if (!out->category || !out->name) {
		fth_tp_format_free(out);
		return -ENOMEM;
	}
	return 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split text into malloc'ed lines, skipping empty ones. */
static int split_lines(const char *text, char ***out)
{
	char **list = NULL;
	int n = 0, cap = 0;

	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len > 0) {
			char **grown = fth_vec_grow(list, n, &cap, sizeof(*grown), 1024);
			if (!grown)
				goto nomem;
			list = grown;
			list[n] = strndup(line, len);
			if (!list[n])
				goto nomem;
			n++;
		}
		line = nl ? nl + 1 : line + len;
	}
	*out = list;
	return n;
nomem:
	fth_string_list_free(list, n);
	return -ENOMEM;
}

int fth_tracepoints_list(char ***out)
{
	const char *root;
	char path[PATH_MAX];
	char *text;
	int ret;

	*out = NULL;
	ret = tracefs_locate(&root, NULL, 0);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/available_events", root);
	ret = fth_read_path(path, &text, NULL);
	if (ret)
		return ret;
	ret = split_lines(text, out);
	free(text);
	if (ret > 0)
		qsort(*out, (size_t)ret, sizeof(**out), compare_strings);
	return ret;
}

void fth_string_list_free(char **list, int n)
{
	if (!list)
		return;
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* ---------------------------------------------------------------------------
 * Glob
 */

/* Iterative '*' matching with one backtrack point: when a later literal
 * fails, the most recent star swallows one more character. Only the latest
 * star ever needs revisiting, so this is O(len(pattern) * len(text)) at
 * worst with no recursion. */
bool fth_glob_match(const char *pattern, const char *text)
{
	const char *star = NULL, *star_text = NULL;

	while (*text) {
		if (*pattern == '*') {
			star = pattern++;
			star_text = text;
		} else if (*pattern == *text) {
			pattern++;
			text++;
		} else if (star) {
			pattern = star + 1;
			text = ++star_text;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}
