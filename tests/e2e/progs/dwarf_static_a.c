/* dwarf_static_a.c - with dwarf_static_b.c, the target of the
 * static-function test in uprobe_dwarf_args.sh: a static helper of the
 * same name in each file, with different parameters. */
static __attribute__((noinline)) long helper(long first_a, long second_a)
{
	__asm__ volatile("" ::: "memory");
	return first_a * 10 + second_a;
}

long call_a(void)
{
	return helper(1, 2);
}
