/* test_cmdline.c - the -c command split into arguments: quotes group and
 * are removed, backslashes escape, nothing is expanded, and malformed
 * commands are refused with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

/* The words of cmd joined with '|' (each word in <> so empty ones show). */
static void expect_words(const char *cmd, const char *joined)
{
	const char *why = NULL;
	int argc = -1;
	char **argv = fth_split_command(cmd, &argc, &why);
	char got[512] = "";

	if (!argv)
		fail_msg("%s: refused: %s", cmd, why);
	for (int i = 0; i < argc; i++) {
		strcat(got, i ? "|<" : "<");
		strcat(got, argv[i]);
		strcat(got, ">");
	}
	assert_null(argv[argc]);
	if (strcmp(got, joined))
		fail_msg("%s: got %s, expected %s", cmd, got, joined);
	free(argv);
}

static void expect_refused(const char *cmd, const char *why_expected)
{
	const char *why = NULL;
	int argc = -1;

	assert_null(fth_split_command(cmd, &argc, &why));
	assert_string_equal(why, why_expected);
}

static void test_blanks_separate_words(void **state)
{
	(void)state;
	expect_words("sleep 5", "<sleep>|<5>");
	expect_words("  sleep   5  ", "<sleep>|<5>");
	expect_words("ls\t-l", "<ls>|<-l>");
}

static void test_quotes_group_and_are_removed(void **state)
{
	(void)state;
	expect_words("echo 'hello world'", "<echo>|<hello world>");
	expect_words("echo \"hello world\"", "<echo>|<hello world>");
	expect_words("/bin/echo 'A'", "</bin/echo>|<A>");
	expect_words("echo a'b c'd", "<echo>|<ab cd>");
	expect_words("echo \"it's\" 'say \"hi\"'", "<echo>|<it's>|<say \"hi\">");
	expect_words("echo '' x", "<echo>|<>|<x>");
}

static void test_backslashes(void **state)
{
	(void)state;
	expect_words("echo a\\ b", "<echo>|<a b>");
	expect_words("echo \\'x\\'", "<echo>|<'x'>");
	expect_words("echo \"a\\\"b\" \"c\\nd\"", "<echo>|<a\"b>|<c\\nd>");
	expect_words("echo 'a\\b'", "<echo>|<a\\b>");
}

static void test_nothing_is_expanded(void **state)
{
	(void)state;
	expect_words("echo $HOME * ~", "<echo>|<$HOME>|<*>|<~>");
	expect_words("echo \\$HOME \\*", "<echo>|<$HOME>|<*>");
	expect_words("echo a|b;c", "<echo>|<a|b;c>");
}

static void test_malformed_commands(void **state)
{
	(void)state;
	expect_refused("echo 'a", "the command has an unclosed single quote");
	expect_refused("echo \"a", "the command has an unclosed double quote");
	expect_refused("echo a\\", "the command ends with a backslash");
	expect_refused("   ", "the command is empty");
	expect_refused("", "the command is empty");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blanks_separate_words),
		cmocka_unit_test(test_quotes_group_and_are_removed),
		cmocka_unit_test(test_backslashes),
		cmocka_unit_test(test_nothing_is_expanded),
		cmocka_unit_test(test_malformed_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
