/* fileio: whole-file reads.
 *
 * /proc and tracefs files report st_size 0, so a file is read by growing a
 * buffer until EOF rather than by trusting stat. */
#ifndef FATHOM_FILEIO_H
#define FATHOM_FILEIO_H

#include <stddef.h>
#include <stdio.h>

/* Read `file` to EOF into a malloc'ed, NUL-terminated buffer (*len
 * excludes the NUL). 0, or a negative errno with *out NULL. */
int fth_read_stream(FILE *file, char **out, size_t *len);

/* fth_read_stream of the file at `path`. */
int fth_read_path(const char *path, char **out, size_t *len);

#endif
