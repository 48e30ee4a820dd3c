/* ifunc_target.c - calls glibc's strlen (an IFUNC) on strings of lengths
 * 37 and 1234 through a pointer, so that the calls really go to libc,
 * then exits. For uprobe_ifunc.sh. */
#include <string.h>
#include <unistd.h>

int main(void)
{
	static char long_string[1235];
	size_t (*volatile length_of)(const char *) = strlen;
	size_t total;

	memset(long_string, 'x', 1234);
	total = length_of("thirty-seven characters long, exactly");
	total += length_of(long_string);
	return total == 37 + 1234 ? 0 : 1;
}
