/* Target of uprobe_dwarf_args.sh: functions whose parameters the test
 * reads by name from this program's DWARF (it is built with -g). */
#include <stdint.h>

struct order {
	int32_t id;
	char customer[12];
	uint16_t lines[3];
	struct order *next;
	unsigned int urgent : 1;
	unsigned int weight : 7;
};

typedef const struct order *order_ref;

__attribute__((noinline)) int ship(order_ref first, int8_t priority, uint64_t *total, long count)
{
	__asm__ volatile("" ::: "memory");
	return first->id + priority + (int)*total + (int)count;
}

__attribute__((noinline)) int weigh(struct order by_value, int after)
{
	__asm__ volatile("" ::: "memory");
	return by_value.id + after;
}

struct wide {
	unsigned __int128 huge : 100; /* no 8-byte load holds it */
	unsigned int small : 5;
};

__attribute__((noinline)) int widen(struct wide *w)
{
	__asm__ volatile("" ::: "memory");
	return (int)w->small;
}

int main(void)
{
	struct order second = { 8, "bob", { 4, 5, 6 }, 0, 0, 9 };
	struct order first = { 7, "alice", { 1, 2, 3 }, &second, 1, 42 };
	uint64_t total = 1234;

	ship(&first, -3, &total, 2);
	weigh(first, 1);
	struct wide w = { 5, 9 };
	widen(&w);
	return 0;
}
