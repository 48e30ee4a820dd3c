/* struct_target.c - a program for the script-defined struct tests
 * (lang_structs.sh): waits until the file argv[1] exists (fathom attached;
 * at most 20 s), then passes pointers to known structs to observe() and
 * exits. The script mirrors these definitions, so what it reads back
 * through (struct ... *)arg0 must be exactly the values set here. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct point {
	short x;
	short y;
};

struct item {
	char tag;            /* 1 byte, then 3 bytes of padding */
	int id;
	unsigned long long weight;
	char name[12];
	struct point where;  /* nested by value */
	unsigned int flags : 3;
	unsigned int level : 5;
	int delta : 6;
	struct item *next;   /* pointer to the same type */
	union {
		int as_int;
		unsigned char bytes[4];
	} u;
	int scores[3];
};

__attribute__((noinline)) int observe(struct item *it)
{
	__asm__ volatile("" ::: "memory");
	return it->id;
}

int main(int argc, char **argv)
{
	/* On the stack, so the pages the probe reads are present. */
	struct item second, first;

	memset(&first, 0, sizeof(first));
	memset(&second, 0, sizeof(second));
	second.tag = 'b';
	second.id = 2;
	second.weight = 1ull << 40;
	strcpy(second.name, "second");
	second.where.x = -3;
	second.where.y = 4;
	second.flags = 5;
	second.level = 17;
	second.delta = -9;
	second.u.as_int = 0x01020304;
	second.scores[0] = 7;
	second.scores[1] = 8;
	second.scores[2] = 9;

	first.tag = 'a';
	first.id = 1;
	first.weight = 123456789;
	strcpy(first.name, "first");
	first.where.x = 10;
	first.where.y = -20;
	first.flags = 2;
	first.level = 31;
	first.delta = 12;
	first.next = &second;
	first.u.as_int = -1;
	first.scores[0] = -1;
	first.scores[1] = 0;
	first.scores[2] = 1;

	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	printf("%d\n", observe(&first) + observe(&second));
	return 0;
}
