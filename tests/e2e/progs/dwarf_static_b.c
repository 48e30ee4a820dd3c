/* dwarf_static_b.c - the second file of the static-function test target
 * (see dwarf_static_a.c): main calls both helpers. */
long call_a(void);

static __attribute__((noinline)) long helper(int only_b)
{
	__asm__ volatile("" ::: "memory");
	return only_b + 1;
}

int main(void)
{
	return call_a() + helper(41) == 12 + 42 ? 0 : 1;
}
