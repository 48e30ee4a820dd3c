/* stacks.c - stack formatting, see stacks.h. */
#include "stacks.h"

#include <stdlib.h>
#include <string.h>

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

/* ------------------------------------------------------ dw_ustack stacks */

/* Open addressing over two tables: by capture id, and by (pid, frames)
 * for the canonical ids. Both grow at half full. */
struct dwstack {
	uint64_t id;        /* 0: an empty slot */
	uint64_t canonical;
	uint64_t hash;      /* of pid and frames */
	int pid;
	int n;
	uint64_t *ips;
	bool shared_ips; /* the canonical capture's frames, freed with it */
};

struct fth_dwstacks {
	struct dwstack *by_id;   /* cap slots */
	uint64_t *by_frames;     /* cap slots: the id of the first capture of a stack, 0 empty */
	size_t cap, len;
	size_t repeats;          /* of len: captures of a stack seen before */
	uint64_t last_id;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static uint64_t frames_hash(int pid, const uint64_t *ips, int n)
{
	uint64_t h = mix64((uint64_t)pid + 1);

	for (int i = 0; i < n; i++)
		h = mix64(h ^ ips[i]);
	return h;
}

static struct dwstack *slot_by_id(const struct fth_dwstacks *d, uint64_t id)
{
	size_t mask = d->cap - 1;

	for (size_t i = mix64(id) & mask;; i = (i + 1) & mask)
		if (d->by_id[i].id == id || d->by_id[i].id == 0)
			return &d->by_id[i];
}

static bool same_stack(const struct dwstack *a, const struct dwstack *b)
{
	return a->hash == b->hash && a->pid == b->pid && a->n == b->n &&
	       !memcmp(a->ips, b->ips, (size_t)a->n * sizeof(*a->ips));
}

/* The by_frames slot for stack s: the one holding an equal stack, or the
 * empty one where it goes. */
static uint64_t *slot_by_frames(const struct fth_dwstacks *d, const struct dwstack *s)
{
	size_t mask = d->cap - 1;

	for (size_t i = s->hash & mask;; i = (i + 1) & mask) {
		uint64_t *slot = &d->by_frames[i];
		if (*slot == 0 || same_stack(slot_by_id(d, *slot), s))
			return slot;
	}
}

/* A repeated capture (not the first of its stack) with an id up to
 * forget_upto is left out by rehash. */
static bool forgotten(const struct dwstack *s, uint64_t forget_upto)
{
	return s->id <= forget_upto && s->canonical != s->id;
}

/* Move the table into one of cap slots, without the captures
 * forget_upto names (0: none). */
static bool rehash(struct fth_dwstacks *d, size_t cap, uint64_t forget_upto)
{
	struct fth_dwstacks bigger = { 0 };
	size_t dropped = 0;

	bigger.cap = cap;
	bigger.by_id = calloc(cap, sizeof(*bigger.by_id));
	bigger.by_frames = calloc(cap, sizeof(*bigger.by_frames));
	if (!bigger.by_id || !bigger.by_frames) {
		free(bigger.by_id);
		free(bigger.by_frames);
		return false;
	}
	for (size_t i = 0; i < d->cap; i++) {
		const struct dwstack *s = &d->by_id[i];
		if (!s->id)
			continue;
		if (forgotten(s, forget_upto)) {
			dropped++; /* its frames are the canonical capture's */
			continue;
		}
		*slot_by_id(&bigger, s->id) = *s;
	}
	/* canonical ids only: none is forgotten */
	for (size_t i = 0; i < d->cap; i++)
		if (d->by_frames[i])
			*slot_by_frames(&bigger, slot_by_id(&bigger, d->by_frames[i])) = d->by_frames[i];
	free(d->by_id);
	free(d->by_frames);
	bigger.len = d->len - dropped;
	bigger.repeats = d->repeats - dropped;
	bigger.last_id = d->last_id;
	*d = bigger;
	return true;
}

static bool dwstacks_grow(struct fth_dwstacks *d)
{
	return rehash(d, d->cap ? d->cap * 2 : 64, 0);
}

void fth_dwstacks_forget_repeats(struct fth_dwstacks *d, uint64_t upto)
{
	size_t kept = 0, cap = 64;

	/* a rebuild reads the whole table: only when it frees much */
	if (!d || d->repeats < FTH_DWSTACKS_MIN_FORGET || d->repeats * 2 < d->len)
		return;
	for (size_t i = 0; i < d->cap; i++)
		kept += d->by_id[i].id && !forgotten(&d->by_id[i], upto);
	while (cap < kept * 2 + 2)
		cap *= 2;
	if (kept < d->len)
		rehash(d, cap, upto);
}

struct fth_dwstacks *fth_dwstacks_new(void)
{
	return calloc(1, sizeof(struct fth_dwstacks));
}

void fth_dwstacks_free(struct fth_dwstacks *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->cap; i++)
		if (!d->by_id[i].shared_ips)
			free(d->by_id[i].ips);
	free(d->by_id);
	free(d->by_frames);
	free(d);
}

void fth_dwstacks_add(struct fth_dwstacks *d, uint64_t id, int pid, const uint64_t *ips, int n)
{
	struct dwstack *s, probe;
	uint64_t *first;

	if (!id || ((d->len + 1) * 2 > d->cap && !dwstacks_grow(d)))
		return;
	s = slot_by_id(d, id);
	if (s->id)
		return; /* already known: ids are not reused */
	probe = (struct dwstack){ .pid = pid, .n = n, .ips = (uint64_t *)ips, .hash = frames_hash(pid, ips, n) };
	first = slot_by_frames(d, &probe);
	if (*first) {
		/* a stack seen before (a profile sees the same few all the
		 * time): its frames are shared, not copied again */
		probe.ips = slot_by_id(d, *first)->ips;
		probe.shared_ips = true;
	} else if (!(probe.ips = malloc((size_t)(n ? n : 1) * sizeof(*ips)))) {
		return;
	} else {
		memcpy(probe.ips, ips, (size_t)n * sizeof(*ips));
	}
	probe.id = id;
	probe.canonical = *first ? *first : id;
	d->repeats += *first != 0;
	*first = probe.canonical;
	*s = probe;
	if (id > d->last_id)
		d->last_id = id;
	d->len++;
}

const uint64_t *fth_dwstacks_get(const struct fth_dwstacks *d, uint64_t id, int *n)
{
	const struct dwstack *s = d && d->cap && id ? slot_by_id(d, id) : NULL;

	if (!s || s->id != id)
		return NULL;
	*n = s->n;
	return s->ips;
}

uint64_t fth_dwstacks_canonical(const struct fth_dwstacks *d, uint64_t id)
{
	const struct dwstack *s = d && d->cap && id ? slot_by_id(d, id) : NULL;

	return s && s->id == id ? s->canonical : id;
}

size_t fth_dwstacks_count(const struct fth_dwstacks *d)
{
	return d ? d->len : 0;
}

uint64_t fth_dwstacks_last_id(const struct fth_dwstacks *d)
{
	return d ? d->last_id : 0;
}
