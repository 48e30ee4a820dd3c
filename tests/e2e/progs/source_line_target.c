/* source_line_target.c - a program for uprobe:BINARY@FILE:LINE tests:
 * classify() runs for v = 1..6, so the lines marked "LINE:" below run a
 * known number of times. The test finds them by their marks; built with
 * -O0 so that each marked line keeps its own statement. */
static volatile int sink;

__attribute__((noinline)) int classify(int v)
{ /* LINE:entry (the function's first statement: its entry address) */
	int kind = 0;

	if (v % 3 == 0)
		kind = 3; /* LINE:third (v = 3 and 6: twice) */
	sink += v; /* LINE:always (six times) */
	return kind;
}

int main(void)
{
	int total = 0;

	for (int v = 1; v <= 6; v++)
		total += classify(v);
	return total == 6 ? 0 : 1;
}
