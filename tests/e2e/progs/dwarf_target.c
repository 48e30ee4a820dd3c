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

/* by_value is too big for registers: it is on the stack, and after is
 * in the first register */
__attribute__((noinline)) int weigh(struct order by_value, int after)
{
	__asm__ volatile("" ::: "memory");
	return by_value.id + after;
}

struct pair {
	int left, right;
};

/* ratio goes in an SSE register and the pair in one general register:
 * tail is in the second; the seventh integer, spill, is on the stack */
__attribute__((noinline)) long mix(double ratio, struct pair two, long tail, long a, long b, long c, long d,
				   long spill)
{
	__asm__ volatile("" ::: "memory");
	return (long)ratio + two.left + tail + a + b + c + d + spill;
}

/* returned in memory: the address to write it to is a hidden first
 * argument, so id is in the second register */
__attribute__((noinline)) struct order make(int id)
{
	struct order o = { id, "made", { 0, 0, 0 }, 0, 0, 0 };
	__asm__ volatile("" ::: "memory");
	return o;
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
	mix(2.5, (struct pair){ 3, 4 }, 11, 12, 13, 14, 15, 16);
	make(21);
	struct wide w = { 5, 9 };
	widen(&w);
	return 0;
}
