/* dwp_target.c - the program of uprobe_dwarf_split.sh's DWARF package
 * case: built with -gsplit-dwarf, its .dwo file packed into a .dwp. (It
 * is not dwarf_target.c because LLVM 14's dwp never finishes on that
 * one's DWARF 5.) */
#include <stdint.h>

struct parcel {
	int32_t id;
	char sender[8];
	struct parcel *next;
};

__attribute__((noinline)) int post(const struct parcel *first, int8_t priority, long count)
{
	__asm__ volatile("" ::: "memory");
	return first->id + first->next->id + first->sender[0] + priority + (int)count;
}

int main(void)
{
	struct parcel second = { 8, "bob", 0 };
	struct parcel first = { 7, "alice", &second };

	return post(&first, -3, 2) == 0;
}
