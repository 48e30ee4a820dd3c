/* Target of write_user(): main hands a buffer to fill_buffer, which leaves
 * it alone, then prints it; a uprobe on fill_buffer that writes into the
 * buffer shows up in what main prints. */
#include <stdio.h>
#include <string.h>

/* noipa: gcc must not conclude that the buffer is unchanged by the call */
__attribute__((noipa)) void fill_buffer(char *buf, unsigned long len)
{
	__asm__ volatile("" : : "r"(buf), "r"(len) : "memory");
}

int main(void)
{
	char buf[16];
	unsigned int number = 7;

	strcpy(buf, "untouched");
	fill_buffer(buf, sizeof(buf));
	fill_buffer((char *)&number, sizeof(number));
	printf("buffer: %s\n", buf);
	printf("number: %u\n", number);
	return 0;
}
