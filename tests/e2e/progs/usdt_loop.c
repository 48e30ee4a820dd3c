/* usdt_loop.c - fires USDT probes ten times a second until killed (for
 * tests that attach by pid or to a -c child that never exits):
 * widths:const_u32 and widths:const_16 with constant operands whose note
 * gives a size and sign ("4@$-202182160": the uint32 4092785136), and two
 * providers' probe2 (prov_a:probe2 = 1, prov_b:probe2 = 2), and dup:twice
 * at two locations (arguments 1, then 2). Built -O1 so
 * gcc emits the constants as immediates. */
#include <stdint.h>
#include <sys/sdt.h>
#include <unistd.h>

int main(void)
{
	volatile int one = 1, two = 2;

	for (;;) {
		int a = one, b = two;

		DTRACE_PROBE1(widths, const_u32, (uint32_t)0xf3f2f1f0);
		DTRACE_PROBE1(widths, const_16, (int16_t)0xf1f0);
		DTRACE_PROBE1(prov_a, probe2, a);
		DTRACE_PROBE1(prov_b, probe2, b);
		DTRACE_PROBE1(dup, twice, a);
		DTRACE_PROBE1(dup, twice, b);
		usleep(100000);
	}
	return 0;
}
