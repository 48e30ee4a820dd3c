/* diag.c - diagnostics rendering, see diag.h. */
#include "diag.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void fth_diag_init(struct fth_diag *diag, const struct fth_source *src, FILE *out)
{
	memset(diag, 0, sizeof(*diag));
	diag->src = src;
	diag->out = out ? out : stderr;
}

const struct fth_source *fth_diag_source(const struct fth_diag *diag, uint32_t offset)
{
	for (int i = 0; i < diag->nfiles; i++)
		if (offset >= diag->files[i]->start && offset <= diag->files[i]->len)
			return diag->files[i];
	return diag->src;
}

void fth_source_position(const struct fth_source *src, uint32_t offset, int *line, int *col)
{
	int l = 1, c = 1;

	if (offset > src->len)
		offset = src->len;
	for (uint32_t i = src->start; i < offset; i++) {
		if (src->text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static const char *severity_word(enum fth_severity sev)
{
	return sev == FTH_SEV_ERROR ? "ERROR" : "WARNING";
}

/* Print the line holding `range.begin` and a ~~~ underline below the part of
 * the range that lies on that line (a caret ^ for an empty range). */
static void print_source_excerpt(FILE *out, const struct fth_source *src, struct fth_range range)
{
	uint32_t begin = range.begin > src->len ? src->len : range.begin;
	uint32_t line_start = begin, line_end = begin;

	while (line_start > src->start && src->text[line_start - 1] != '\n')
		line_start--;
	while (line_end < src->len && src->text[line_end] != '\n')
		line_end++;
	fprintf(out, "%.*s\n", (int)(line_end - line_start), src->text + line_start);

	uint32_t end = range.end;
	if (end > line_end)
		end = line_end;
	for (uint32_t i = line_start; i < begin; i++)
		fputc(src->text[i] == '\t' ? '\t' : ' ', out);
	if (end <= begin) {
		fputs("^\n", out);
		return;
	}
	for (uint32_t i = begin; i < end; i++)
		fputc('~', out);
	fputc('\n', out);
}

/* "file:line:col-col: " (or "file:line:col: " for a range that is empty
 * or spans lines), in the file the range belongs to. */
static void print_place(struct fth_diag *diag, struct fth_range range)
{
	const struct fth_source *src = fth_diag_source(diag, range.begin);
	int line, col, end_line, end_col;

	fth_source_position(src, range.begin, &line, &col);
	fth_source_position(src, range.end > range.begin ? range.end - 1 : range.begin, &end_line, &end_col);
	if (end_line == line && end_col > col)
		fprintf(diag->out, "%s:%d:%d-%d: ", src->name, line, col, end_col + 1);
	else
		fprintf(diag->out, "%s:%d:%d: ", src->name, line, col);
}

/* "file:line:col-col: SEV: ", the header of a compile-time message. */
static void print_location(struct fth_diag *diag, enum fth_severity sev, struct fth_range range)
{
	print_place(diag, range);
	fprintf(diag->out, "%s: ", severity_word(sev));
}

void fth_diag_located(struct fth_diag *diag, enum fth_severity sev, struct fth_range range, const char *text)
{
	size_t len = strlen(text);

	if (sev == FTH_SEV_WARNING && diag->quiet_warnings)
		return;
	if (len && text[len - 1] == '\n')
		len--;
	print_location(diag, sev, range);
	fprintf(diag->out, "%.*s\n", (int)len, text);
	fflush(diag->out);
}

/* Write a message with variables named as the script spells them: macro
 * and fn expansion renames a body's $y to $__macro3_y (so that it cannot
 * meet the caller's $y), a name the user never wrote. */
static void put_user_spelling(FILE *out, const char *msg)
{
	static const char internal[] = "$__macro";
	const size_t ilen = sizeof(internal) - 1;

	while (*msg) {
		const char *p = msg + ilen;
		if (!strncmp(msg, internal, ilen) && isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == '_') {
				fputc('$', out);
				msg = p + 1;
				continue;
			}
		}
		fputc(*msg++, out);
	}
}

/* Where a message's place is said: in front of it, as bpftrace reports
 * compile-time errors, or on a line of its own after it, for the
 * attach-time messages bpftrace prints bare. */
enum header_style { HEADER_LOCATED, HEADER_ATTACH_TIME };

static void put_message(FILE *out, const char *msg)
{
	put_user_spelling(out, msg);
	fputc('\n', out);
}

/* FNV-1a over a byte string, continuing from h. */
static uint64_t fingerprint_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The places are where the message is said and, for a macro's body, where
 * in the body it comes from. */
static uint64_t fingerprint_message(enum fth_severity sev, enum header_style style, const struct fth_range place[2],
				    const char *hint, const char *msg)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int kind[2] = { (int)sev, (int)style };

	h = fingerprint_bytes(h, kind, sizeof(kind));
	h = fingerprint_bytes(h, place, 2 * sizeof(place[0]));
	h = fingerprint_bytes(h, msg, strlen(msg) + 1);
	return hint ? fingerprint_bytes(h, hint, strlen(hint) + 1) : h;
}

/* True the first time a message is seen; it is then remembered. */
static bool first_time_printed(struct fth_diag *diag, uint64_t fingerprint)
{
	unsigned remembered = diag->nprinted < FTH_DIAG_REMEMBERED ? diag->nprinted : FTH_DIAG_REMEMBERED;

	for (unsigned i = 0; i < remembered; i++)
		if (diag->printed[i] == fingerprint)
			return false;
	diag->printed[diag->nprinted % FTH_DIAG_REMEMBERED] = fingerprint;
	diag->nprinted++;
	return true;
}

/* Count a message and print it at range unless the same was printed
 * before; returns whether it was printed. origin is where in a macro's
 * body it comes from, else range too. */
static bool vreport(struct fth_diag *diag, enum fth_severity sev, enum header_style style, struct fth_range range,
		    struct fth_range origin, const char *hint, const char *fmt, va_list ap)
{
	const struct fth_range place[2] = { range, origin };
	char *msg = NULL;
	bool print;

	if (sev == FTH_SEV_ERROR)
		diag->errors++;
	else
		diag->warnings++;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL; /* out of memory: the template is better than nothing */
	print = first_time_printed(diag, fingerprint_message(sev, style, place, hint, msg ? msg : fmt));
	if (!print) {
		free(msg);
		return false;
	}
	if (style == HEADER_ATTACH_TIME) {
		fprintf(diag->out, "%s: ", severity_word(sev));
		put_message(diag->out, msg ? msg : fmt);
		print_place(diag, range);
		fputs("at this attach point\n", diag->out);
	} else {
		print_location(diag, sev, range);
		put_message(diag->out, msg ? msg : fmt);
	}
	free(msg);
	print_source_excerpt(diag->out, fth_diag_source(diag, range.begin), range);
	if (hint)
		fprintf(diag->out, "HINT: %s\n", hint);
	return true;
}

void fth_diag_report(struct fth_diag *diag, enum fth_severity sev, struct fth_range range,
		     const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (sev == FTH_SEV_WARNING && diag->quiet_warnings)
		return;
	va_start(ap, fmt);
	vreport(diag, sev, HEADER_LOCATED, range, range, hint, fmt, ap);
	va_end(ap);
}

void fth_diag_report_attach(struct fth_diag *diag, enum fth_severity sev, struct fth_range range,
			    const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (sev == FTH_SEV_WARNING && diag->quiet_warnings)
		return;
	va_start(ap, fmt);
	vreport(diag, sev, HEADER_ATTACH_TIME, range, range, hint, fmt, ap);
	va_end(ap);
}

void fth_diag_report_expanded(struct fth_diag *diag, enum fth_severity sev, struct fth_range range,
			      const struct fth_expansion *chain, const char *hint, const char *fmt, ...)
{
	va_list ap;
	bool printed;

	if (sev == FTH_SEV_WARNING && diag->quiet_warnings)
		return;
	va_start(ap, fmt);
	printed = vreport(diag, sev, HEADER_LOCATED, range, range, hint, fmt, ap);
	va_end(ap);
	if (printed)
		fth_diag_expansion_chain(diag, sev, chain);
}

void fth_diag_expansion_chain(struct fth_diag *diag, enum fth_severity sev, const struct fth_expansion *chain)
{
	for (; chain; chain = chain->outer) {
		print_location(diag, sev, chain->call);
		fputs("expanded from\n", diag->out);
		print_source_excerpt(diag->out, fth_diag_source(diag, chain->call.begin), chain->call);
	}
}

void fth_diag_plain(struct fth_diag *diag, enum fth_severity sev, const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (sev == FTH_SEV_ERROR)
		diag->errors++;
	else if (diag->quiet_warnings)
		return;
	else
		diag->warnings++;
	fprintf(diag->out, "%s: ", severity_word(sev));
	va_start(ap, fmt);
	vfprintf(diag->out, fmt, ap);
	va_end(ap);
	fputc('\n', diag->out);
	if (hint)
		fprintf(diag->out, "HINT: %s\n", hint);
}

int fth_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int *row = malloc((lb + 1) * sizeof(int));
	int result;

	if (!row)
		return 1 << 20;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag_prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int above = row[j];
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int best = diag_prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag_prev = above;
		}
	}
	result = row[lb];
	free(row);
	return result;
}

const char *fth_closest_name(const char *name, const char *const *candidates, int count)
{
	const char *best = NULL;
	int best_distance = 0;
	/* A typo changes a few characters; beyond a third of the name it is a
	 * different word and suggesting it would only confuse. */
	int limit = (int)strlen(name) / 3 + 1;

	for (int i = 0; i < count; i++) {
		int d = fth_edit_distance(name, candidates[i]);
		/* The name itself is no suggestion: it is known but wrong here,
		 * which the caller's message has to say. */
		if (d > 0 && d <= limit && (!best || d < best_distance)) {
			best = candidates[i];
			best_distance = d;
		}
	}
	return best;
}

const char *fth_fd_limit_hint(int err)
{
	if (err == EMFILE || err == ENFILE)
		return "fathom ran out of file descriptors: raise the open-files limit (ulimit -n)";
	return NULL;
}

const char *fth_buffer_refused_hint(int err)
{
	switch (err) {
	case EMFILE:
	case ENFILE:
		/* a perf buffer takes one descriptor per CPU */
		return fth_fd_limit_hint(err);
	case EPERM:
	case EACCES:
		return "run fathom as root (it needs CAP_BPF and CAP_PERFMON), and check "
		       "/proc/sys/kernel/perf_event_paranoid";
	case ENOMEM:
	case EAGAIN:
	case E2BIG:
		return "the kernel refused the buffer's memory: raise the locked-memory limit (ulimit -l) or the "
		       "memory cgroup's limit, or ask for a smaller buffer, e.g. config = { perf_rb_pages = 64 }";
	default:
		return "ask for a smaller buffer, e.g. config = { perf_rb_pages = 64 }, or a power-of-two number "
		       "of pages";
	}
}
