/* seqfmt.h - printf formats for bpf_seq_printf (pinned iterators).
 *
 * A pinned iterator's printf is formatted in the kernel by bpf_seq_printf,
 * which understands fewer conversions than fathom's printf and reads
 * `int`-sized arguments unless told otherwise. fth_seq_format rewrites a
 * printf format into one the helper accepts, with every integer conversion
 * widened to 64 bits (fathom passes every argument as a u64, and printf
 * prints the whole value everywhere else), or explains why it cannot. */
#ifndef FTH_SEQFMT_H
#define FTH_SEQFMT_H

#include <stddef.h>

/* bpf_seq_printf takes at most this many arguments (MAX_BPRINTF_VARARGS) */
#define FTH_SEQ_MAX_ARGS 12

/* What one conversion takes. */
enum fth_seq_conv {
	FTH_SEQ_INT,    /* %d %i %u %x %X %c: the value */
	FTH_SEQ_STRING, /* %s: the address of the NUL-terminated bytes */
};

/* Rewrite `fmt` into `out` (outlen >= 3 * strlen(fmt) + 1 always fits),
 * storing each conversion's kind in conv[]. Returns the number of
 * conversions, or -1 with err (what is wrong) and hint (how to fix it). */
int fth_seq_format(const char *fmt, char *out, size_t outlen, enum fth_seq_conv conv[FTH_SEQ_MAX_ARGS],
		   char *err, size_t errlen, char *hint, size_t hintlen);

#endif
