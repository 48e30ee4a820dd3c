/* Bitfields of every kind a member access and print() must read back:
 * signed ones narrower than their type (holding values with the top bit
 * set, `int tiny : 3` holding -1), a signed one exactly as wide as its
 * type, unsigned ones with their top bit set, and an unsigned one wider
 * than 32 bits with set bits on both sides of it. Built with -g, so a
 * uprobe also finds struct bits in the DWARF. noipa: gcc must not drop
 * the stores to members observe() does not read. */
#include <stdint.h>

struct bits {
	short low : 4, mid : 8, high : 3, flag : 1;
	int neg : 6;
	int whole : 32;
	uint64_t before : 8, wide : 40, after : 16;
	int tiny : 3;
	unsigned int utop : 5;
};

__attribute__((noipa)) int observe(struct bits *b)
{
	return b->mid;
}

int main(void)
{
	struct bits b = { 0 };

	b.low = 5;
	b.mid = -39;  /* bits 0xd9: 217 when read as bpftrace does */
	b.high = 3;
	b.flag = -1;  /* one bit set */
	b.neg = -9;   /* bits 0x37: 55 */
	b.whole = -5;
	b.before = 0xff;
	b.wide = 0x12345678abULL;
	b.after = 0xffff;
	b.tiny = -1;  /* bits 0x7: 7 */
	b.utop = 0x1f;
	return observe(&b) == 0;
}
