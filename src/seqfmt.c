/* seqfmt.c - printf formats for bpf_seq_printf, see seqfmt.h. */
#include "seqfmt.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SUPPORTED "%d %i %u %x %X %c %s and %%"

struct seq_writer {
	char *out;
	size_t len, cap;
};

static void put(struct seq_writer *w, const char *s, size_t n)
{
	if (w->len + n < w->cap) {
		memcpy(w->out + w->len, s, n);
		w->len += n;
		w->out[w->len] = '\0';
	}
}

static int fail(char *err, size_t errlen, char *hint, size_t hintlen, const char *hint_text, const char *what,
		const char *spec, size_t spec_len)
{
	snprintf(err, errlen, "%s%.*s is not supported in a pinned iterator's printf (bpf_seq_printf formats it)",
		 what, (int)spec_len, spec);
	snprintf(hint, hintlen, "%s", hint_text);
	return -1;
}

int fth_seq_format(const char *fmt, char *out, size_t outlen, enum fth_seq_conv conv[FTH_SEQ_MAX_ARGS],
		   char *err, size_t errlen, char *hint, size_t hintlen)
{
	struct seq_writer w = { out, 0, outlen };
	int n = 0;

	if (outlen)
		out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		const char *spec = p;
		/* the kernel refuses anything but printable ASCII and spaces */
		if (*p != '%') {
			if (!isascii((unsigned char)*p) || (!isprint((unsigned char)*p) && !isspace((unsigned char)*p))) {
				char byte[8];
				snprintf(byte, sizeof(byte), "0x%02x", (unsigned char)*p);
				return fail(err, errlen, hint, hintlen, "print only ASCII text in a pinned iterator",
					    "the byte ", byte, strlen(byte));
			}
			put(&w, p, 1);
			continue;
		}
		if (p[1] == '%') {
			put(&w, "%%", 2);
			p++;
			continue;
		}
		/* flags and width, which the kernel skips over */
		p++;
		while (*p == '-' || *p == '+' || *p == ' ' || *p == '0')
			p++;
		while (isdigit((unsigned char)*p))
			p++;
		put(&w, spec, (size_t)(p - spec));
		if (*p == '.')
			return fail(err, errlen, hint, hintlen, "drop the precision; a width (e.g. %-8s) is supported",
				    "the precision in ", spec, strcspn(spec + 1, "diouxXcsp") + 2);
		/* fathom passes 64-bit values: any length modifier becomes ll */
		while (*p == 'l' || *p == 'z' || *p == 'j' || *p == 't')
			p++;
		if (n == FTH_SEQ_MAX_ARGS)
			return fail(err, errlen, hint, hintlen, "split it into several printf calls",
				    "a 13th conversion ", spec, (size_t)(p - spec + (*p != 0)));
		switch (*p) {
		case 'd': case 'i': case 'u': case 'x': case 'X':
			put(&w, "ll", 2);
			put(&w, p, 1);
			conv[n++] = FTH_SEQ_INT;
			break;
		case 'c':
			put(&w, p, 1);
			conv[n++] = FTH_SEQ_INT;
			break;
		case 's':
			/* the kernel wants a space, punctuation or the end after %s */
			if (p[1] && !isspace((unsigned char)p[1]) && !ispunct((unsigned char)p[1]))
				return fail(err, errlen, hint, hintlen,
					    "put a space or punctuation after %s, or print the text in another printf",
					    "a letter or digit right after ", spec, (size_t)(p - spec + 1));
			put(&w, p, 1);
			conv[n++] = FTH_SEQ_STRING;
			break;
		default:
			return fail(err, errlen, hint, hintlen, "use " SUPPORTED, "the conversion ", spec,
				    (size_t)(p - spec + (*p != 0)));
		}
	}
	return n;
}
