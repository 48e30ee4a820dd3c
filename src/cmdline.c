/* cmdline.c - splitting the -c command into its arguments the way current
 * bpftrace does: quotes group and are stripped, backslashes escape, and
 * no shell runs (so nothing is expanded and no shell is needed). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Characters a backslash escapes inside double quotes (as in a shell). */
static bool escapable_in_dquotes(char c)
{
	return c == '"' || c == '\\' || c == '$' || c == '`' || c == '\n';
}

/* Copies the words of cmd into out (NUL after each) and counts them;
 * with out NULL only checks and counts. Returns NULL or the error. */
static const char *scan_words(const char *cmd, char *out, int *nwords)
{
	char quote = 0;
	bool in_word = false;
	size_t n = 0;

	*nwords = 0;
	for (const char *p = cmd; *p; p++) {
		char c = *p;
		if (!quote && is_blank(c)) {
			if (in_word && out)
				out[n] = '\0';
			n += in_word;
			in_word = false;
			continue;
		}
		if (!in_word)
			(*nwords)++;
		in_word = true;
		if (quote != '\'' && c == '\\') {
			if (!p[1])
				return "the command ends with a backslash";
			if (quote == '"' && !escapable_in_dquotes(p[1])) {
				/* kept: "\n" stays a backslash and an n */
			} else {
				c = *++p;
			}
		} else if (!quote && (c == '\'' || c == '"')) {
			quote = c; /* '' still makes an (empty) word */
			continue;
		} else if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (out)
			out[n] = c;
		n++;
	}
	if (quote)
		return quote == '\'' ? "the command has an unclosed single quote"
				     : "the command has an unclosed double quote";
	if (in_word && out)
		out[n] = '\0';
	if (*nwords == 0)
		return "the command is empty";
	return NULL;
}

char **fth_split_command(const char *cmd, int *argc, const char **error)
{
	size_t len = strlen(cmd);
	char **argv, *text;
	int n;

	*error = scan_words(cmd, NULL, &n);
	if (*error)
		return NULL;
	/* the pointers, then the words: each no longer than cmd, with a NUL */
	argv = malloc(sizeof(char *) * (size_t)(n + 1) + len + (size_t)n + 1);
	if (!argv) {
		*error = "out of memory";
		return NULL;
	}
	text = (char *)(argv + n + 1);
	scan_words(cmd, text, &n);
	for (int i = 0; i < n; i++) {
		argv[i] = text;
		text += strlen(text) + 1;
	}
	argv[n] = NULL;
	*argc = n;
	return argv;
}
