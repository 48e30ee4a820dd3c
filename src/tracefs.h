/* tracefs.h - the kernel's tracing filesystem: finding (or mounting) it,
 * listing tracepoints and reading their record formats.
 *
 * tracefs is often not mounted on a fresh machine; fth_tracefs_path() mounts
 * it at /sys/kernel/tracing when needed and says so on failure. */
#ifndef FATHOM_TRACEFS_H
#define FATHOM_TRACEFS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Directory of tracefs ("/sys/kernel/tracing" or the debugfs path), mounting
 * it if nothing is there yet. Returns a string constant, or NULL and fills
 * err (one sentence) when tracefs cannot be reached. Nothing is cached: each
 * call re-checks with a stat() or two, which is cheap, so call it freely. */
const char *fth_tracefs_path(char *err, size_t errlen);

/* One field of a tracepoint's record, from events/CAT/NAME/format:
 *   field:const char * filename;	offset:24;	size:8;	signed:0; */
struct fth_tp_field {
	char *name;       /* "filename" */
	/* The C type without the field name, whitespace collapsed, array
	 * brackets kept on the type: "const char *", "char[16]",
	 * "unsigned long[6]", "__data_loc char[]". */
	char *type;
	uint32_t offset;
	uint32_t size;
	bool is_signed;
	bool data_loc;    /* __data_loc: u32 (len << 16 | offset) */
	bool rel_loc;     /* __rel_loc: like data_loc, offset from the field's end */
	/* char prev_comm[16] -> 16; 0 if not a fixed array (also for
	 * __data_loc). A length written as an expression ("[sizeof(...)]") is
	 * size / element size, or -1 when the element size is unknown. */
	int array_len;
	bool common;      /* common_* header fields */
};

struct fth_tp_format {
	char *category;
	char *name;
	uint32_t id;      /* events/CAT/NAME/id */
	struct fth_tp_field *fields;
	int nfields;
};

/* Read and parse events/CATEGORY/NAME/format and id. Returns 0, or a
 * negative errno (-ENOENT when there is no such tracepoint). */
int fth_tp_format_read(const char *category, const char *name, struct fth_tp_format *out);
/* Parse format text (exposed for unit tests). Fills name and id from the
 * "name:" and "ID:" lines; category is left NULL. -EINVAL if no fields. */
int fth_tp_format_parse(const char *text, struct fth_tp_format *out);
void fth_tp_format_free(struct fth_tp_format *f);

/* Every tracepoint as "category:name", sorted, from available_events.
 * Returns the count (>= 0) or a negative errno; *out is a malloc'ed array of
 * malloc'ed strings, freed with fth_string_list_free. */
int fth_tracepoints_list(char ***out);
void fth_string_list_free(char **list, int n);

/* Glob match where '*' matches any run of characters (bpftrace's only
 * wildcard). */
bool fth_glob_match(const char *pattern, const char *text);

#endif
