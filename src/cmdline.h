/* cmdline.h - splitting the -c command into its arguments. */
#ifndef FTH_CMDLINE_H
#define FTH_CMDLINE_H

/* The words of `cmd` as bpftrace splits a -c command, without a shell:
 * blanks separate words; single and double quotes group characters into
 * one word and are removed; a backslash takes the next character as it
 * is (outside quotes; inside double quotes only before '"', '\\', '$',
 * '`' or a newline, else it stays). Nothing is expanded ($HOME and '*'
 * stay as written). Returns a NULL-terminated array of *argc words (one
 * allocation, free() it), or NULL with *error set to what is wrong (an
 * unclosed quote, a trailing backslash, no command at all, or no memory). */
char **fth_split_command(const char *cmd, int *argc, const char **error);

#endif
