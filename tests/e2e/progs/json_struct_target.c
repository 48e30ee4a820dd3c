/* json_struct_target.c - the uprobe target of json_runtime_outputs.sh:
 * passes a struct { int m; int n; } = { 2, 3 } to func() and a struct
 * holding a union (an int 5 in it) to ufunc(), the shapes bpftrace's
 * tests/runtime/json-output cases read back through arg0. */
struct pair {
	int m;
	int n;
};

union num {
	int i;
	float f;
};

struct with_union {
	int m;
	union num n;
};

__attribute__((noinline)) int func(struct pair *p)
{
	__asm__ volatile("" ::: "memory");
	return p->m;
}

__attribute__((noinline)) int ufunc(struct with_union *u)
{
	__asm__ volatile("" ::: "memory");
	return u->m;
}

int main(void)
{
	/* On the stack, so the pages the probes read are present. */
	struct pair p = { 2, 3 };
	struct with_union u = { 2, { .i = 5 } };

	func(&p);
	ufunc(&u);
	return 0;
}
