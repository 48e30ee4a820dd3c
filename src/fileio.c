/* fileio: whole-file reads (see fileio.h). */
#include "fileio.h"

#include <errno.h>
#include <stdlib.h>

/* Start at one page-sized chunk and double: /proc/kallsyms (several MiB)
 * takes a dozen reallocs, a tracefs format file none. */
#define READ_FIRST_CAP 16384

int fth_read_stream(FILE *file, char **out, size_t *len)
{
	size_t cap = READ_FIRST_CAP, used = 0;
	char *buf = malloc(cap);

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t n;
		if (cap - used < READ_FIRST_CAP / 4) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
			cap *= 2;
		}
		n = fread(buf + used, 1, cap - used - 1, file);
		used += n;
		/* a signal (Ctrl-C while kallsyms loads) is not the end of the file */
		if (n == 0 && ferror(file) && errno == EINTR) {
			clearerr(file);
			continue;
		}
		if (n == 0)
			break;
	}
	if (ferror(file)) {
		int err = errno ? errno : EIO;
		free(buf);
		return -err;
	}
	buf[used] = '\0';
	*out = buf;
	if (len)
		*len = used;
	return 0;
}

int fth_read_path(const char *path, char **out, size_t *len)
{
	FILE *file = fopen(path, "re");
	int rc;

	*out = NULL;
	if (!file)
		return -errno;
	rc = fth_read_stream(file, out, len);
	fclose(file);
	return rc;
}
