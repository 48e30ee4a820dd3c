/* stacks.c - stack formatting, see stacks.h. */
#include "stacks.h"

static void kernel_frame(struct fth_strbuf *sb, uint64_t ip, const struct fth_ksyms *ksyms, bool with_offset)
{
	uint64_t offset = 0;
	const char *sym = ksyms ? fth_ksyms_lookup(ksyms, ip, &offset, NULL) : NULL;

	if (!sym)
		fth_strbuf_printf(sb, "0x%llx", (unsigned long long)ip);
	else if (with_offset)
		fth_strbuf_printf(sb, "%s+%llu", sym, (unsigned long long)offset);
	else
		fth_strbuf_puts(sb, sym);
}

/* A user frame: "sym+off" (perf mode adds " (module)"), else the address. */
static void user_frame(struct fth_strbuf *sb, uint64_t ip, struct fth_usyms *usyms, int pid, bool perf)
{
	const char *sym, *module;
	uint64_t offset;

	if (usyms && fth_usyms_lookup(usyms, pid, ip, &sym, &offset, &module)) {
		fth_strbuf_printf(sb, "%s+%llu", sym, (unsigned long long)offset);
		if (perf)
			fth_strbuf_printf(sb, " (%s)", module);
	} else {
		fth_strbuf_printf(sb, "0x%llx", (unsigned long long)ip);
		if (perf)
			fth_strbuf_puts(sb, " ([unknown])");
	}
}

void fth_stack_format(struct fth_strbuf *sb, const uint64_t *ips, int n, const struct fth_type *t,
		      const struct fth_ksyms *ksyms, struct fth_usyms *usyms, int pid)
{
	bool user = t->kind == FTH_T_USTACK;
	int limit = t->stack_limit > 0 && t->stack_limit < n ? t->stack_limit : n;

	/* Frames stop at the first zero address. */
	for (int i = 0; i < limit; i++)
		if (!ips[i]) {
			limit = i;
			break;
		}
	/* bpftrace's stack text always starts with the newline: an empty
	 * stack is "\n" */
	fth_strbuf_putc(sb, '\n');
	for (int i = 0; i < limit; i++) {
		uint64_t ip = ips[i];
		switch (t->stack_mode) {
		case FTH_STACK_RAW: /* unindented: for tools that symbolize elsewhere */
			fth_strbuf_printf(sb, "%llx\n", (unsigned long long)ip);
			break;
		case FTH_STACK_PERF:
			fth_strbuf_printf(sb, "\t%llx ", (unsigned long long)ip);
			if (user)
				user_frame(sb, ip, usyms, pid, true);
			else
				kernel_frame(sb, ip, ksyms, true);
			fth_strbuf_putc(sb, '\n');
			break;
		default:
			fth_strbuf_puts(sb, "        ");
			if (user)
				user_frame(sb, ip, usyms, pid, false);
			else
				kernel_frame(sb, ip, ksyms, true);
			fth_strbuf_putc(sb, '\n');
			break;
		}
	}
}

void fth_stack_format_build_id(struct fth_strbuf *sb, const struct bpf_stack_build_id *frames, int n)
{
	int count = 0;

	while (count < n && count < FTH_MAX_STACK_FRAMES && frames[count].status != BPF_STACK_BUILD_ID_EMPTY)
		count++;
	fth_strbuf_putc(sb, '\n');
	for (int i = 0; i < count; i++) {
		const struct bpf_stack_build_id *f = &frames[i];
		if (f->status != BPF_STACK_BUILD_ID_VALID) {
			fth_strbuf_printf(sb, "%llx\n", (unsigned long long)f->ip);
			continue;
		}
		for (int j = 0; j < BPF_BUILD_ID_SIZE; j++)
			fth_strbuf_printf(sb, "%02x", f->build_id[j]);
		fth_strbuf_printf(sb, " 0x%02llx\n", (unsigned long long)f->offset);
	}
}
