// cpp_target.cpp - C++ functions for uprobe_cpp.sh: waits until the file
// argv[1] exists (the tracer attached; at most 20 s), then calls
// ns::func_one(1), ns::func_one(2.5) (an overload), ns::func_two(),
// ns::Counter::bump() and ns::keep(Tracked{5}, 9) once each, and exits.
#include <unistd.h>

namespace ns {
__attribute__((noinline)) int func_one(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline)) int func_one(double x)
{
	__asm__ volatile("" ::: "memory");
	return (int)x * 2;
}

__attribute__((noinline)) int func_two()
{
	__asm__ volatile("" ::: "memory");
	return 7;
}

struct Counter {
	int n = 0;
	__attribute__((noinline)) int bump()
	{
		__asm__ volatile("" ::: "memory");
		return ++n;
	}
};

// A destructor of its own makes it non-trivial to copy: passed as a
// pointer to a copy, in the first register, so `after` is in the second.
struct Tracked {
	long v[4];
	~Tracked() { __asm__ volatile("" ::: "memory"); }
};

__attribute__((noinline)) long keep(Tracked t, int after)
{
	__asm__ volatile("" ::: "memory");
	return t.v[0] + after;
}
} // namespace ns

int main(int argc, char **argv)
{
	ns::Counter c;

	for (int i = 0; argc > 1 && i < 2000 && access(argv[1], F_OK); i++)
		usleep(10000);
	if (ns::keep(ns::Tracked{ { 5 } }, 9) != 14)
		return 1;
	return ns::func_one(1) + ns::func_one(2.5) + ns::func_two() + c.bump() == 2 + 4 + 7 + 1 ? 0 : 1;
}
