/* test_codegen.c - semantic analysis and code generation without the
 * kernel: scripts made only of BEGIN/END/interval probes compile anywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "btlib.h"
#include "compile_helper.h"
#include "fathom.h"
#include "kinfo.h"
#include "seqfmt.h"


static void expect_error(const char *text, const char *needle)
{
	struct compiled c;

	compile(&c, text);
	assert_int_not_equal(c.rc, 0);
	if (!strstr(c.errors, needle)) {
		print_error("expected '%s' in:\n%s\n", needle, c.errors);
		fail();
	}
	release(&c);
}

/* text compiles, with exactly `warnings` warnings. */
static void expect_compiles_with(const char *text, int warnings)
{
	struct compiled c;

	compile(&c, text);
	if (c.rc != 0 || c.diag.warnings != warnings) {
		print_error("expected rc 0 and %d warnings, have rc %d and %d:\n%s\n", warnings, c.rc,
			    c.diag.warnings, c.errors);
		fail();
	}
	release(&c);
}

static struct fth_prog *first_prog(struct compiled *c)
{
	assert_int_equal(c->rc, 0);
	assert_true(c->prog.progs.len > 0);
	return c->prog.progs.items[0];
}

static int count_insns(const struct fth_prog *p, uint8_t code)
{
	int n = 0;

	for (int i = 0; i < p->code.len; i++)
		n += p->code.insns[i].code == code;
	return n;
}

static int count_calls(const struct fth_prog *p, int helper)
{
	int n = 0;

	for (int i = 0; i < p->code.len; i++)
		if (p->code.insns[i].code == (BPF_JMP | BPF_CALL) && p->code.insns[i].imm == helper)
			n++;
	return n;
}

static void test_hello_compiles(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	struct fth_action *a;

	compile(&c, "BEGIN { printf(\"hi %d\\n\", 42); exit(); }");
	p = first_prog(&c);
	assert_int_equal(p->prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	assert_true(strncmp(p->bpf_name, "fth_", 4) == 0);
	/* printf and exit are two actions delivered through the ring buffer */
	assert_int_equal(c.prog.actions.len, 2);
	a = fth_program_action(&c.prog, 0);
	assert_int_equal(a->kind, FTH_ACT_PRINTF);
	assert_int_equal(a->args->nfields, 1);
	assert_int_equal(count_calls(p, BPF_FUNC_ringbuf_reserve), 2);
	/* the program ends with r0 = 0; exit */
	assert_int_equal(p->code.insns[p->code.len - 1].code, BPF_JMP | BPF_EXIT);
	release(&c);
}

/* count() adds through the pointer that map_lookup_elem returned; the
 * update helper appears only on the miss path (first event for a key). */
static void test_count_updates_in_place(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	int lookup = -1;

	compile(&c, "interval:s:1 { @[comm] = count(); }");
	p = first_prog(&c);
	/* the first lookup is @'s (the later one counts a full map) */
	for (int i = 0; i < p->code.len && lookup < 0; i++)
		if (p->code.insns[i].code == (BPF_JMP | BPF_CALL) && p->code.insns[i].imm == BPF_FUNC_map_lookup_elem)
			lookup = i;
	assert_true(lookup > 0);
	/* lookup; if r0 == 0 goto miss; r1 = *(u64 *)(r0 + 0); r1 += 1; *(u64 *)(r0 + 0) = r1 */
	assert_int_equal(p->code.insns[lookup + 1].code, BPF_JMP | BPF_JEQ | BPF_K);
	assert_int_equal(p->code.insns[lookup + 2].code, BPF_LDX | BPF_DW | BPF_MEM);
	assert_int_equal(p->code.insns[lookup + 2].src_reg, R0);
	assert_int_equal(p->code.insns[lookup + 3].code, BPF_ALU64 | BPF_ADD | BPF_K);
	assert_int_equal(p->code.insns[lookup + 4].code, BPF_STX | BPF_DW | BPF_MEM);
	assert_int_equal(p->code.insns[lookup + 4].dst_reg, R0);
	assert_int_equal(count_calls(p, BPF_FUNC_map_update_elem), 1);
	/* a full map is counted with an atomic add into fth_lost */
	{
		bool atomic = false;
		for (int i = lookup + 5; i < p->code.len; i++)
			atomic |= p->code.insns[i].code == (BPF_STX | BPF_DW | BPF_ATOMIC) && p->code.insns[i].imm == BPF_ADD;
		assert_true(atomic);
	}
	{
		struct fth_map *m = fth_program_find_map(&c.prog, "@");
		assert_non_null(m);
		assert_int_equal(m->bpf_type, BPF_MAP_TYPE_PERCPU_HASH);
		assert_int_equal(m->key_size, 16);
		assert_int_equal(m->key_type->kind, FTH_T_STRING);
	}
	release(&c);
}

/* A comm key is zeroed before bpf_get_current_comm fills it: kernels up
 * to 6.1 do not pad the name with NULs, and the stack bytes after it made
 * equal names distinct keys (seen in tests/vm). Both 8-byte words of the
 * key at r10-16 are stored before the call. */
static void test_comm_key_zeroed_first(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	int call = -1, zeroed = 0;

	compile(&c, "interval:s:1 { @[comm] = count(); }");
	p = first_prog(&c);
	for (int i = 0; i < p->code.len && call < 0; i++)
		if (p->code.insns[i].code == (BPF_JMP | BPF_CALL) && p->code.insns[i].imm == BPF_FUNC_get_current_comm)
			call = i;
	assert_true(call > 0);
	for (int i = 0; i < call; i++) {
		const struct bpf_insn *in = &p->code.insns[i];
		if ((in->code == (BPF_ST | BPF_DW | BPF_MEM) && in->imm == 0) ||
		    (in->code == (BPF_STX | BPF_DW | BPF_MEM)))
			if (in->dst_reg == R10 && (in->off == -16 || in->off == -8))
				zeroed |= in->off == -16 ? 1 : 2;
	}
	assert_int_equal(zeroed, 3);
	release(&c);
}

/* Zero stores of 0 before the first probe_read_*_str call of the program. */
static int zero_stores_before_str_read(const struct fth_prog *p)
{
	int n = 0;

	for (int i = 0; i < p->code.len; i++) {
		const struct bpf_insn *in = &p->code.insns[i];
		if (in->code == (BPF_JMP | BPF_CALL) &&
		    (in->imm == BPF_FUNC_probe_read_str || in->imm == BPF_FUNC_probe_read_kernel_str ||
		     in->imm == BPF_FUNC_probe_read_user_str))
			return n;
		n += BPF_CLASS(in->code) == BPF_ST && in->imm == 0;
	}
	return -1;
}

/* str() into a printf record is not zeroed first (user space reads up to
 * the NUL); as a map key it is, so equal strings are equal keys. */
static void test_str_padding_only_for_keys(void **state)
{
	struct compiled c;

	compile(&c, "tracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args.filename)); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(zero_stores_before_str_read(first_prog(&c)), 0);
	release(&c);
	compile(&c, "tracepoint:syscalls:sys_enter_openat { @[str(args.filename)] = count(); }");
	assert_int_equal(c.rc, 0);
	assert_true(zero_stores_before_str_read(first_prog(&c)) >= 64);
	release(&c);
}

/* str(s, n) of a string: a literal is cut to its first n characters at
 * compile time; a run-time string gets the type string[n] (n - 1
 * characters and the NUL); without n, or with n past its size, it keeps
 * its type. */
static void test_str_length_of_a_string(void **state)
{
	struct compiled c;

	compile(&c, "BEGIN { @lit = str(\"hello\", 3); @long = str(\"hi\", 9); @rt = str(comm, 4); "
		    "@whole = str(comm); @over = str(comm, 99); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@lit")->value_type->size, 4);
	assert_int_equal(fth_program_find_map(&c.prog, "@long")->value_type->size, 3);
	assert_int_equal(fth_program_find_map(&c.prog, "@rt")->value_type->size, 4);
	assert_int_equal(fth_program_find_map(&c.prog, "@whole")->value_type->size, 16);
	assert_int_equal(fth_program_find_map(&c.prog, "@over")->value_type->size, 16);
	release(&c);
}

static void test_map_types_learned_in_any_order(void **state)
{
	struct compiled c;

	/* The predicate reads @start before the probe that assigns it. */
	compile(&c, "interval:s:1 /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }\n"
		    "interval:ms:10 { @start[tid] = nsecs; }");
	assert_int_equal(c.rc, 0);
	{
		struct fth_map *start = fth_program_find_map(&c.prog, "@start");
		struct fth_map *ns = fth_program_find_map(&c.prog, "@ns");
		assert_int_equal(start->bpf_type, BPF_MAP_TYPE_HASH);
		assert_int_equal(start->value_type->kind, FTH_T_INT);
		assert_int_equal(ns->value_type->agg, FTH_AGG_HIST);
		/* hist keys carry the bucket index after the (empty) user key */
		assert_int_equal(ns->key_size, 8);
	}
	release(&c);
}

static void test_tuple_keys_and_strings(void **state)
{
	struct compiled c;
	struct fth_map *m;

	compile(&c, "BEGIN { @c[comm, pid] = count(); @s = \"hello\"; @t = (1, \"x\"); }");
	assert_int_equal(c.rc, 0);
	m = fth_program_find_map(&c.prog, "@c");
	assert_int_equal(m->key_type->kind, FTH_T_TUPLE);
	assert_int_equal(m->key_type->nfields, 2);
	assert_int_equal(m->key_type->fields[1].offset, 16);
	m = fth_program_find_map(&c.prog, "@s");
	assert_int_equal(m->value_type->kind, FTH_T_STRING);
	release(&c);
}

/* A map read before any assignment types it: @x = @x + 1 makes an int64
 * map, and @a[@b] takes its key's type from @b assigned later. */
static void test_map_typed_by_later_or_own_assignment(void **state)
{
	struct compiled c;
	struct fth_map *x, *a;

	compile(&c, "BEGIN { @x = @x + 1; @y += 1; @a[@b] = hist(1); @b = (uint32)2; }");
	assert_int_equal(c.rc, 0);
	x = fth_program_find_map(&c.prog, "@x");
	a = fth_program_find_map(&c.prog, "@a");
	assert_non_null(x);
	assert_non_null(a);
	assert_int_equal(x->value_type->kind, FTH_T_INT);
	assert_int_equal(x->value_type->size, 8);
	assert_non_null(a->key_type);
	assert_int_equal(a->key_type->kind, FTH_T_INT);
	assert_int_equal(a->key_size, 16); /* the key, then hist's bucket */
	release(&c);
	expect_error("BEGIN { @x = @nope + 1; }", "undefined map @nope");
	expect_error("BEGIN { @x = @x; }", "undefined map @x");
}

static int find_insn(const struct fth_prog *p, uint8_t code, int32_t imm)
{
	for (int i = 0; i < p->code.len; i++)
		if (p->code.insns[i].code == code && p->code.insns[i].imm == imm)
			return i;
	return -1;
}

/* A comparison as a value is one jump over a mov (against an immediate
 * when the right side is a small literal); as a condition it is a single
 * jump on the negated comparison, with no 0/1 value tested afterwards. */
static void test_comparisons_are_compact(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	int j;

	/* as a value, a comparison is arithmetic ending in a shift of the
	 * sign bit: no jump, so no path per outcome for the verifier */
	for (size_t i = 0; i < 7; i++) {
		static const char *const scripts[] = {
			"BEGIN { $a = 3; $b = $a == 1; @b = $b; }",
			"BEGIN { $a = 3; $b = $a != $a * 2; @b = $b; }",
			"BEGIN { $a = 3; $b = $a < -1; @b = $b; }",
			"BEGIN { $a = (uint64)3; $b = $a <= 7; @b = $b; }",
			"BEGIN { $a = 3; $b = $a > 0; @b = $b; }",
			"BEGIN { $a = 3; $b = $a >= 0; @b = $b; }",
			"BEGIN { $a = 3; $b = !$a; @b = $b; }",
		};
		compile(&c, scripts[i]);
		p = first_prog(&c);
		assert_true(find_insn(p, BPF_ALU64 | BPF_RSH | BPF_K, 63) > 0);
		/* the only jumps left are the map update's error checks */
		for (int k = 0; k < p->code.len; k++) {
			uint8_t code = p->code.insns[k].code;
			if (BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_CALL && BPF_OP(code) != BPF_EXIT &&
			    BPF_OP(code) != BPF_JA)
				assert_true(k > find_insn(p, BPF_JMP | BPF_CALL, BPF_FUNC_map_update_elem));
		}
		release(&c);
	}

	compile(&c, "BEGIN { $a = 3; if ($a > 2) { @m = 1; } }");
	p = first_prog(&c);
	j = find_insn(p, BPF_JMP | BPF_JSLE | BPF_K, 2);
	assert_true(j > 0);
	/* the jump leaves the block: nothing before it tests a 0/1 value */
	assert_int_equal(find_insn(p, BPF_JMP | BPF_JEQ | BPF_K, 0) < 0 ||
			 find_insn(p, BPF_JMP | BPF_JEQ | BPF_K, 0) > j, 1);
	release(&c);
}

/* A literal right operand is the instruction's immediate (the verifier
 * walks every instruction of a big unrolled program, once per path): no
 * register is loaded with it first. Divisions by 0 and shifts past 63
 * keep their register form (a run-time error, a verifier refusal). */
static void test_literal_operands_are_immediates(void **state)
{
	struct compiled c;
	struct fth_prog *p;

	compile(&c, "BEGIN { $a = 3; $j = 5; $x = $a * 12 + -7; $j -= 1; $y = -1; @m = $x + $j + $y; }");
	p = first_prog(&c);
	assert_true(find_insn(p, BPF_ALU64 | BPF_MUL | BPF_K, 12) >= 0);
	assert_true(find_insn(p, BPF_ALU64 | BPF_ADD | BPF_K, -7) >= 0);
	assert_true(find_insn(p, BPF_ALU64 | BPF_SUB | BPF_K, 1) >= 0);
	assert_int_equal(find_insn(p, BPF_ALU64 | BPF_MOV | BPF_K, 12), -1);
	/* the only negation is the map update's full-map count */
	assert_int_equal(count_insns(p, BPF_ALU64 | BPF_NEG | BPF_K), count_calls(p, BPF_FUNC_map_update_elem));
	release(&c);
	compile(&c, "BEGIN { $a = 3; @m = $a / 0; @n = $a << 70; }");
	p = first_prog(&c);
	assert_int_equal(find_insn(p, BPF_ALU64 | BPF_DIV | BPF_K, 0), -1);
	assert_int_equal(find_insn(p, BPF_ALU64 | BPF_LSH | BPF_K, 70), -1);
	assert_true(find_insn(p, BPF_ALU64 | BPF_DIV | BPF_X, 0) >= 0);
	release(&c);
}

static int count_map_refs(const struct fth_prog *p, int map_index);

/* exit()'s code is checked like any expression (a fn call in it is
 * expanded, a string refused) and computed once. */
static void test_exit_code_expression(void **state)
{
	struct compiled c;

	compile(&c, "fn f(): int64 { @n += 1; return 3; } BEGIN { exit(f()); }");
	assert_int_equal(c.rc, 0);
	/* one @n += 1: the fn is not expanded a second time for the flag */
	assert_int_equal(count_map_refs(first_prog(&c), fth_program_find_map(&c.prog, "@n")->index), 2);
	release(&c);
	expect_error("BEGIN { exit(\"x\"); }", "exit() takes an integer exit code, not string");
}


/* The action id written into the record of the first ring-buffer
 * reservation in p: the first record the program sends. */
static int first_record_action(const struct fth_prog *p)
{
	for (int i = 0; i < p->code.len; i++) {
		if (p->code.insns[i].code != (BPF_JMP | BPF_CALL) || p->code.insns[i].imm != BPF_FUNC_ringbuf_reserve)
			continue;
		for (int j = i + 1; j < p->code.len; j++)
			if (p->code.insns[j].code == (BPF_ALU64 | BPF_MOV | BPF_K) && p->code.insns[j].dst_reg == 1)
				return p->code.insns[j].imm;
	}
	return -1;
}

/* An argument that may send a runtime error is computed before its
 * event's record is reserved, so the error comes out first; one that
 * cannot is written straight into the record. */
static void test_event_arguments_before_record(void **state)
{
	struct compiled c;
	int id;

	compile(&c, "BEGIN { $a = 0; printf(\"%d %s\\n\", 5 / $a, \"x\"); }");
	id = first_record_action(first_prog(&c));
	assert_true(id >= 0);
	assert_int_equal(fth_program_action(&c.prog, id)->kind, FTH_ACT_RUNTIME_ERROR);
	release(&c);
	compile(&c, "BEGIN { $a = 0; printf(\"%d\\n\", $a + 5 / 1); }");
	id = first_record_action(first_prog(&c));
	assert_true(id >= 0);
	assert_int_equal(fth_program_action(&c.prog, id)->kind, FTH_ACT_PRINTF);
	release(&c);
	/* join()'s argv alike */
	compile(&c, "BEGIN { $a = 0; join(1000 + 8 / $a); }");
	id = first_record_action(first_prog(&c));
	assert_true(id >= 0);
	assert_int_equal(fth_program_action(&c.prog, id)->kind, FTH_ACT_RUNTIME_ERROR);
	release(&c);
	compile(&c, "BEGIN { $a = 0; join(1000 + $a); }");
	id = first_record_action(first_prog(&c));
	assert_true(id >= 0);
	assert_int_equal(fth_program_action(&c.prog, id)->kind, FTH_ACT_JOIN);
	release(&c);
}


/* $b op= bool keeps a bool $b a bool, kept to one bit (bool op bool);
 * - and ~ do not apply to a bool. */
static void test_bool_compound_assignment(void **state)
{
	struct compiled c;
	struct fth_prog *p;

	compile(&c, "BEGIN { $b = true; $b += true; @m = $b; }");
	p = first_prog(&c);
	assert_int_equal(fth_program_find_map(&c.prog, "@m")->value_type->kind, FTH_T_BOOL);
	assert_true(find_insn(p, BPF_ALU64 | BPF_AND | BPF_K, 1) >= 0);
	release(&c);
	expect_error("BEGIN { $b = true; $c = ~$b; }", "operator '~' cannot be used on a bool");
	expect_error("BEGIN { $c = -(1 == 1); }", "operator '-' cannot be used on a bool");
}


static int code_length(const char *text)
{
	struct compiled c;
	int len;

	compile(&c, text);
	len = first_prog(&c)->code.len;
	release(&c);
	return len;
}

/* &&, || and ! in a condition are jumps between their parts: no longer
 * than the same tests nested, and with no 0/1 value tested for zero. */
static void test_logical_conditions_jump(void **state)
{
	int nested = code_length("BEGIN { $a = 3; $b = 4; if ($a > 2) { if ($b < 5) { @m = 1; } } }");
	struct compiled c;
	struct fth_prog *p;

	assert_true(code_length("BEGIN { $a = 3; $b = 4; if ($a > 2 && $b < 5) { @m = 1; } }") <= nested);
	assert_true(code_length("BEGIN { $a = 3; $b = 4; if (!($a <= 2 || !($b < 5))) { @m = 1; } }") <= nested);
	assert_true(code_length("BEGIN /pid > 2 && pid < 5/ { @m = 1; }") <=
		    code_length("BEGIN /pid > 2/ { if (pid < 5) { @m = 1; } }"));
	/* string comparisons too jump straight to the else */
	assert_true(code_length("BEGIN { $s = \"ab\"; if ($s == \"ab\" && $s != \"x\") { @m = 1; } }") <=
		    code_length("BEGIN { $s = \"ab\"; if ($s == \"ab\") { if ($s != \"x\") { @m = 1; } } }"));
	/* as a value of parts that may both run: their truths or-ed, no jump */
	compile(&c, "BEGIN { $a = 3; $b = 4; $c = $a > 2 || $b == 7; $d = !($a < 1 && $b); }");
	p = first_prog(&c);
	for (int k = 0; k < p->code.len; k++)
		assert_true(BPF_CLASS(p->code.insns[k].code) != BPF_JMP || BPF_OP(p->code.insns[k].code) == BPF_EXIT);
	assert_true(find_insn(p, BPF_ALU64 | BPF_OR | BPF_X, 0) >= 0);
	assert_true(find_insn(p, BPF_ALU64 | BPF_AND | BPF_X, 0) >= 0);
	release(&c);
	/* a side that must not run (a division by what may be 0): jumps, the
	 * left one past the right, no truths and-ed */
	compile(&c, "BEGIN { $a = 3; $b = 4; $c = $a > 2 && 10 / $b > 1; }");
	p = first_prog(&c);
	assert_true(find_insn(p, BPF_JMP | BPF_JSLE | BPF_K, 2) >= 0);
	assert_int_equal(find_insn(p, BPF_ALU64 | BPF_AND | BPF_X, 0), -1);
	release(&c);
}

/* A map read only in a predicate's right side of || (or a ?: arm) may not
 * have run: the body looks the key up again. */
static void test_conditional_predicate_reads_not_reused(void **state)
{
	struct compiled c;
	struct fth_map *m;

	compile(&c, "BEGIN { @b[1] = 5; } BEGIN /pid || @b[1]/ { @x = @b[1]; }");
	assert_int_equal(c.rc, 0);
	m = fth_program_find_map(&c.prog, "@b");
	assert_int_equal(count_map_refs(c.prog.progs.items[1], m->index), 2);
	release(&c);
	compile(&c, "BEGIN { @b[1] = 5; } BEGIN /pid ? 1 : @b[1]/ { @x = @b[1]; }");
	assert_int_equal(c.rc, 0);
	m = fth_program_find_map(&c.prog, "@b");
	assert_int_equal(count_map_refs(c.prog.progs.items[1], m->index), 2);
	release(&c);
	/* the left side always runs, and the right of && (or of a negated
	 * ||) whenever the body does: their values are reused */
	for (int i = 0; i < 3; i++) {
		static const char *const reused[] = {
			"BEGIN { @b[1] = 5; } BEGIN /@b[1] && pid/ { @x = @b[1]; }",
			"BEGIN { @b[1] = 5; } BEGIN /pid && @b[1]/ { @x = @b[1]; }",
			"BEGIN { @b[1] = 5; } BEGIN /!(pid == 0 || !@b[1])/ { @x = @b[1]; }",
		};
		compile(&c, reused[i]);
		assert_int_equal(c.rc, 0);
		m = fth_program_find_map(&c.prog, "@b");
		assert_int_equal(count_map_refs(c.prog.progs.items[1], m->index), 1);
		release(&c);
	}
	/* ... but not the right of && when the whole must be false */
	compile(&c, "BEGIN { @b[1] = 5; } BEGIN /!(pid == 0 && @b[1])/ { @x = @b[1]; }");
	assert_int_equal(c.rc, 0);
	m = fth_program_find_map(&c.prog, "@b");
	assert_int_equal(count_map_refs(c.prog.progs.items[1], m->index), 2);
	release(&c);
}

/* bpftrace's types: a comparison is a bool, bool op bool a bool, and
 * x += bool an integer. */
static void test_comparison_types(void **state)
{
	struct compiled c;
	struct fth_map *y, *m;

	compile(&c, "BEGIN { $a = 3; @c = ($a > 0) + ($a < 0); @y += (1 == 1); @m[comm] = $a > 5; }");
	assert_int_equal(c.rc, 0);
	y = fth_program_find_map(&c.prog, "@y");
	m = fth_program_find_map(&c.prog, "@m");
	assert_int_equal(fth_program_find_map(&c.prog, "@c")->value_type->kind, FTH_T_BOOL);
	assert_int_equal(y->value_type->kind, FTH_T_INT);
	assert_false(y->value_type->is_signed);
	assert_int_equal(m->value_type->kind, FTH_T_BOOL);
	release(&c);
}

/* A map that holds pointers stays a pointer map through ++, --, += and
 * -= (they move it by elements), which other arithmetic cannot do. */
static void test_pointer_map_arithmetic(void **state)
{
	struct compiled c;

	compile(&c, "BEGIN { @p = (int32 *)32; @p++; @p -= 2; @q[1] = (int64 *)8; @q[1] += 3; }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@p")->value_type->kind, FTH_T_POINTER);
	assert_int_equal(fth_program_find_map(&c.prog, "@q")->value_type->kind, FTH_T_POINTER);
	release(&c);
	expect_error("BEGIN { @p = (int32 *)32; @p *= 2; }", "@p");
}

/* bpftrace's promotion: signed only when both operands are signed; a
 * shift keeps the signedness of its left operand. */
static void test_arithmetic_signedness(void **state)
{
	struct compiled c;

	compile(&c, "BEGIN { $u = (uint32)3; $s = -2; @mixed = $u - 4; @both = $s - 1; @shift = $s >> 1; "
		    "@ushift = $u << 1; }");
	assert_int_equal(c.rc, 0);
	assert_false(fth_program_find_map(&c.prog, "@mixed")->value_type->is_signed);
	assert_true(fth_program_find_map(&c.prog, "@both")->value_type->is_signed);
	assert_true(fth_program_find_map(&c.prog, "@shift")->value_type->is_signed);
	assert_false(fth_program_find_map(&c.prog, "@ushift")->value_type->is_signed);
	release(&c);
}

/* A map typed only through its own reads ($d = @m[k]; @m[k] = $d + 1) is
 * an integer map; a map that is only copied to itself stays undefined. */
static void test_map_typed_through_variable_cycle(void **state)
{
	struct compiled c;

	compile(&c, "BEGIN { $d = @m[1]; if ($d < 8) { @m[1] = $d + 1; } }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@m")->value_type->kind, FTH_T_INT);
	release(&c);
	expect_error("BEGIN { $v = @a; @a = $v; }", "undefined map @a");
}

/* bpftrace's library functions written in its language (btlib.c): a
 * script that names one gets the file; its own macro of the name wins. */
static void test_btlib(void **state)
{
	const struct fth_stdlib_file *path = &fth_stdlib_files[0];

	(void)state;
	assert_string_equal(path->name, "stdlib/path.bt");
	assert_true(fth_stdlib_wanted(path, "BEGIN { print(cwd()); }"));
	assert_true(fth_stdlib_wanted(path, "t:a:b { $p = abs_path(str(args.f), 8); }"));
	assert_false(fth_stdlib_wanted(path, "BEGIN { $mycwd = 1; @abs_paths = 2; }"));
	assert_false(fth_stdlib_wanted(path, "BEGIN { print(pwd); }"));
	expect_compiles_with("BEGIN { print(cwd()); print(abs_path(\"x\", 4)); $s = \"y\"; print(abs_path($s, 1)); }",
			     0);
	expect_compiles_with("macro cwd() { 1 } BEGIN { print(cwd() + 1); }", 0);
	expect_error("BEGIN { print(abs_path(1, 2)); }", "ERROR: abs_path() takes a string");
	expect_error("BEGIN { print(abs_path(1, 2)); }", "stdin:1:15-29: ERROR: expanded from");
	expect_error("BEGIN { print(abs_path(\"x\", \"y\")); }", "abs_path() takes how many directories");
}

/* One failure, one error: a variable assigned from an expression that
 * failed, another assigned from that variable, and the functions given
 * either stay quiet (the book's loads.bt and eperm.bt on a kernel whose
 * kallsyms lacks their symbols got "used before it is assigned" and
 * "ksym() takes an integer" about lines whose only fault was the first). */
static void test_failed_assignment_chain_is_one_error(void **state)
{
	struct compiled c;

	(void)state;
	compile(&c, "BEGIN { $a = kaddr(\"fathom_no_such_symbol\"); $b = *$a; $c = $b + 1;\n"
		    "  printf(\"%d %s\\n\", $c, ksym($b)); print(ksym(*($a + 8))); }");
	assert_int_not_equal(c.rc, 0);
	if (c.diag.errors != 1 || !strstr(c.errors, "Failed to resolve kernel symbol: fathom_no_such_symbol")) {
		print_error("expected the one kaddr() error, have %d:\n%s\n", c.diag.errors, c.errors);
		fail();
	}
	release(&c);
	/* a read before any assignment is still an error of its own */
	expect_error("BEGIN { $b = $nope + 1; print(ksym($b)); }", "variable $nope is used before it is assigned");
	/* and ksym() of what is no integer still says so */
	expect_error("BEGIN { print(ksym(\"x\")); }", "ksym() takes an integer");
}

static void test_errors(void **state)
{
	expect_error("BEGIN { @x = cuont(); }", "unknown function 'cuont'");
	expect_error("BEGIN { @x = cuont(); }", "did you mean 'count'?");
	expect_error("BEGIN { printf(\"%d %d\\n\", 1); }",
		     "printf: Not enough arguments for format string (1 supplied, 2 expected)");
	expect_error("BEGIN { printf(\"%d\\n\", 1, 2); }", "Too many arguments");
	expect_error("BEGIN { @x[1] = 1; @x[\"a\"] = 2; }", "@x key has type string[2] here but int64 elsewhere");
	expect_error("BEGIN { @x = count(); @x = 1; }", "@x is a count_t map; it cannot be assigned int64");
	expect_error("BEGIN { @x = count(); @x = 1; }", "HINT: update it with count(), or keep the value in another map");
	expect_error("BEGIN { @x = 1; @x = count(); }", "@x holds int64 elsewhere; it cannot also be a count_t map");
	expect_error("BEGIN { count(); }", "count() must be assigned to a map");
	expect_error("BEGIN { $y = $x + 1; }", "variable $x is used before it is assigned");
	expect_error("BEGIN { print(@nope); }", "undefined map @nope");
	expect_error("BEGIN { @x = pidd; }", "did you mean 'pid'?");
	expect_error("BEGIN { @x = probetyp; }", "did you mean 'probetype'?");
	expect_error("BEGIN { @x = leader_tdi; }", "did you mean 'leader_tid'?");
	expect_error("BEGIN { if (comm) { } }", "a condition must be an integer, not string[16]");
	expect_error("BEGIN { @h = lhist(1, 0, 10); }", "lhist() takes 4 arguments, 3 given");
	expect_error("BEGIN { @h = hist(1, 9); }", "hist() precision must be an integer literal from 0 to 5");
	expect_error("interval:s:0 { }", "invalid rate '0'");
	expect_error("interval:parsecs:1 { }", "unknown unit 'parsecs'");
	expect_error("software:page-fautls { }", "did you mean 'page-faults'?");
	expect_error("tracepointt:a:b { }", "did you mean 'tracepoint'?");
	expect_error("kprobe:vfs_read { }", "kprobes are not available on this kernel");
	expect_error("kprobe:vfs_read { }", "HINT: tracepoint:syscalls:sys_enter_read sees the same event");
	expect_error("tracepoint:syscalls:sys_enter_read { @ = sarg0; }",
		     "The sarg0 builtin can only be used with 'kprobes' and 'uprobes' probes");
	expect_error("uretprobe:libc:malloc { @ = sarg1; }", "HINT: the stack has moved on when the function returns");
	expect_error("uprobe:libc:malloc { @ = sarg64; }", "sarg64: no such stack argument (sarg0 to sarg63)");
	expect_error("BEGIN { break; }", "'break' outside a loop");
	expect_error("BEGIN { unroll(101) { } }", "stdin:1:9-20: ERROR: unroll maximum value is 100");
	expect_error("BEGIN { unroll(0) { } }", "stdin:1:9-18: ERROR: unroll minimum value is 1");
	expect_error("BEGIN { $n = 2; unroll($n) { } }", "unroll count must be an integer literal from 1 to 100");
	expect_error("BEGIN { $v = *\"abc\"; }", "cannot dereference string[4]: it is not a pointer");
	expect_error("BEGIN { $v = *\"abc\"; }", "HINT: dereference a pointer, or an integer that holds an address");
	expect_error("BEGIN { $t = *curtask; $v = *$t; }", "HINT: reach its members with '.'");
	expect_error("interval:s:1 { print(comm(\"init\")); }", "comm() takes a pid, an integer, not string[5]");
	expect_error("BEGIN { print(socket_cookie(0)); }", "socket_cookie() takes a struct sock *, not int64");
	expect_error("BEGIN { print(socket_cookie(0)); }", "socket_cookie() is not available in BEGIN probes");
	expect_error("BEGIN { write_user(0, \"ab\", 2); }",
		     "stdin:1:9-31: ERROR: write_user() writes to the traced process's memory and is only allowed with --unsafe");
	expect_error("BEGIN { write_user(0, \"ab\", 4); }", "write_user() length 4 is more than the 3 bytes of string[3]");
	expect_error("BEGIN { write_user(0, \"ab\", 0); }", "write_user() length must be a positive integer literal");
	expect_error("BEGIN { write_user(\"x\", \"ab\", 1); }",
		     "write_user() writes to a user address (a pointer or an integer), not string[2]");
	expect_error("BEGIN { write_user(0, (1, 2), 1); }",
		     "write_user() writes the bytes of a string, an integer or an array, not (int64, int64)");
	expect_error("BEGIN { $r = skboutput(\"/tmp/x.pcap\", 0, 64, 0); }",
		     "stdin:1:39: ERROR: skboutput() takes a struct sk_buff *, not int64");
	expect_error("BEGIN { $r = skboutput(\"/tmp/x.pcap\", 0, 64, 0); }",
		     "skboutput() is not available in BEGIN probes (the kernel gives bpf_skb_output to "
		     "BTF-typed programs only)");
	expect_error("BEGIN { $r = skboutput(\"\", 0, 64, 0); }",
		     "skboutput() writes to the file a string literal names");
	expect_error("BEGIN { $r = skboutput(\"/tmp/x.pcap\", 0, \"x\", 0); }",
		     "skboutput() length must be an integer (bytes of the packet), not string[2]");
	expect_error("BEGIN { $o = 1; $r = skboutput(\"/tmp/x.pcap\", 0, 64, $o); }",
		     "skboutput() offset must be an integer literal between 0 and");
	expect_error("BEGIN { $r = skboutput(\"/tmp/x.pcap\", 0, 64); }", "skboutput() takes 4 arguments, 3 given");
	expect_error("BEGIN { print(tid(host)); }",
		     "stdin:1:19-23: ERROR: tid() takes the pid namespace to number it in: curr_ns or init");
}

/* write_user() (with --unsafe) lays its source out on the stack and
 * passes bpf_probe_write_user the literal length in R3. */
static void test_write_user_calls_helper(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	const char *text = "BEGIN { write_user(4096, \"patched\", 7); }";
	int call = -1;

	compile_begin(&c, text);
	c.prog.config.unsafe = true;
	compile_finish(&c);
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_write_user), 1);
	for (int i = 0; i < p->code.len && call < 0; i++)
		if (p->code.insns[i].code == (BPF_JMP | BPF_CALL) && p->code.insns[i].imm == BPF_FUNC_probe_write_user)
			call = i;
	assert_int_equal(p->code.insns[call - 1].code, BPF_ALU64 | BPF_MOV | BPF_K);
	assert_int_equal(p->code.insns[call - 1].dst_reg, BPF_REG_3);
	assert_int_equal(p->code.insns[call - 1].imm, 7);
	release(&c);
}

/* The size each memory read of p asks for (its R2), in code order. */
static int read_sizes(const struct fth_prog *p, int *sizes, int max)
{
	int n = 0, r2 = -1;

	for (int i = 0; i < p->code.len; i++) {
		const struct bpf_insn *in = &p->code.insns[i];
		if (in->code == (BPF_ALU64 | BPF_MOV | BPF_K) && in->dst_reg == 2)
			r2 = in->imm;
		if (in->code == (BPF_JMP | BPF_CALL) && n < max &&
		    (in->imm == BPF_FUNC_probe_read || in->imm == BPF_FUNC_probe_read_kernel))
			sizes[n++] = r2;
	}
	return n;
}

/* A stack read back from a map or variable is copied, not taken again:
 * only the kstack/ustack builtins call bpf_get_stack. */
static void test_stored_stack_not_recaptured(void **state)
{
	struct compiled c;

	compile(&c, "BEGIN { @s = kstack; $u = ustack; @t = (kstack, 1); "
		    "printf(\"%s %s %s\", @s, $u, @t.0); print($u); $k = @s; print($k); }");
	assert_int_equal(count_calls(first_prog(&c), BPF_FUNC_get_stack), 3);
	release(&c);
	(void)state;
}

/* *$x of an integer reads as many bytes as the integer's type holds, as in
 * bpftrace, and gives a uint64. */
static void test_deref_integer_width(void **state)
{
	struct compiled c;
	int sizes[4];

	compile(&c, "BEGIN { $a = (uint64)nsecs; @x = *$a; @y = *(uint32)$a; @z = *(uint8)$a; }");
	assert_int_equal(read_sizes(first_prog(&c), sizes, 4), 3);
	assert_int_equal(sizes[0], 8);
	assert_int_equal(sizes[1], 4);
	assert_int_equal(sizes[2], 1);
	release(&c);
	(void)state;
}

/* The actions a script's program asked the runtime for. */
static int count_actions(struct compiled *c, enum fth_action_kind kind)
{
	int n = 0;

	for (int i = 0; i < c->prog.actions.len; i++)
		n += fth_program_action(&c->prog, i)->kind == kind;
	return n;
}

static void expect_compiles(struct compiled *c, const char *text)
{
	compile(c, text);
	if (c->rc != 0) {
		print_error("expected to compile:\n%s\n%s\n", text, c->errors);
		fail();
	}
}

/* fail(), static_assert(), config.NAME and if-as-value are settled at
 * compile time; errorf/warnf/assert become runtime actions. */
static void test_compile_time_language(void **state)
{
	struct compiled c;

	expect_error("BEGIN { static_assert(sizeof(int32) == 8, \"not 8\"); }", "stdin:1:9-51: ERROR: not 8\n");
	expect_error("BEGIN { static_assert(pid, \"x\"); }", "static_assert() needs a condition known when the script is compiled");
	expect_error("BEGIN { fail(\"bad %d %s\", 7, \"x\"); }", "stdin:1:9-34: ERROR: bad 7 x\n");
	expect_error("BEGIN { fail(\"bad %d\", pid); }", "fail() arguments need to be literals");
	expect_error("BEGIN { print(config.max_strln); }", "config has no setting 'max_strln'");
	expect_error("BEGIN { $x = if pid { 1 }; }", "an if used as a value needs a value from every branch");
	expect_error("BEGIN { $x = pid ? (1, 2) : (1, \"a\"); }",
		     "both branches of ?: must have the same type ((int64, int64) vs (int64, string[2]))");
	expect_error("BEGIN { debugf(\"%d %d %d %d\", 1, 2, 3, 4); }", "cannot use more than 3 conversion specifiers");
	expect_error("BEGIN { debugf(\"%c\", 1); }", "Invalid format specifier for `debugf`: c");
	expect_error("BEGIN { assert(1); }", "assert() takes 2 arguments, not 1");
	expect_error("BEGIN { @s = 1; print(len(@s)); }",
		     "call to len() expects a map with explicit keys (non-scalar map)");
	expect_error("BEGIN { print(len(comm)); }", "call to len() expects a map, ustack, or kstack");
	expect_error("BEGIN { if comptime pid { } }", "comptime needs a value known when the script is compiled");
	expect_error("BEGIN { if comptime 1 { fail(\"taken\"); } else { fail(\"not taken\"); } }",
		     "ERROR: taken\n");

	expect_compiles(&c, "BEGIN { static_assert(sizeof(int32) == 4 && 3 / 1 == 3, \"x\"); "
			    "$a = config.max_strlen; $b = if pid > 1 { (1, \"ab\") } else { (2, \"abcd\") }; "
			    "$c = pid ? (n = 1, s = \"x\") : (n = 2, s = \"yy\"); print(($a, $b, $c.s)); }");
	release(&c);

	expect_compiles(&c, "BEGIN { errorf(\"e %d\", 1); warnf(\"w\"); assert(pid > 0, \"msg\"); }");
	assert_int_equal(count_actions(&c, FTH_ACT_ERRORF), 2); /* errorf and assert's */
	assert_int_equal(count_actions(&c, FTH_ACT_WARNF), 1);
	assert_int_equal(count_actions(&c, FTH_ACT_EXIT), 1);   /* assert's exit(1) */
	release(&c);

	/* len(@m) is bpf_for_each_map_elem with a callback of its own */
	expect_compiles(&c, "BEGIN { @m[1] = 1; @n = len(@m); @f = len(kstack(4)); }");
	assert_int_equal(first_prog(&c)->nfuncs, 2);
	release(&c);

	/* a divisor that may be 0 is checked, a non-zero literal is not */
	expect_compiles(&c, "BEGIN { $z = pid; $a = 10 / $z; $b = 10 % 3; $c = 10 / 4; $a %= $z; }");
	assert_int_equal(count_actions(&c, FTH_ACT_RUNTIME_ERROR), 2);
	release(&c);
}

/* Errors carry the file:line:col-range and the caret line. */
/* Errors say how to fix them: the call's signature, the limit that
 * was crossed, the declaration of the fn called. */
static void test_error_hints(void **state)
{
	(void)state;
	expect_error("BEGIN { @h = lhist(1, 0, 10); }", "HINT: call it as lhist(int n, int min, int max, int step)");
	expect_error("BEGIN { print(kstack(1, 2, 3)); }", "HINT: call it as kstack([mode, ][int limit])");
	expect_error("BEGIN { print(kstack(1000)); }",
		     "HINT: 1000 frames cannot be captured: write e.g. kstack(10) or kstack(perf, 10)");
	expect_error("BEGIN { print(ustack(0)); }", "HINT: 0 frames cannot be captured");
	expect_error("BEGIN { print(kstack(1, 2)); }", "kstack() takes a stack mode first when it has two arguments");
	expect_error("macro f(x) { x } macro f(x, y, z) { x } BEGIN { f(1, 2); }",
		     "HINT: macro f is defined with 1 or 3 parameter(s)");
	expect_error("fn f($a: int64, $b: int64): int64 { return $a; } BEGIN { print(f(1)); }",
		     "HINT: it is declared as fn f($a: int64, $b: int64): int64\n");
	expect_error("BEGIN { @a = lhist(1, 0, 100000, 1); }",
		     "HINT: (max - min) / step is 100000 buckets: use a step of at least 100");
	expect_error("BEGIN { @a = lhist(1, 5, 5, 1); }", "HINT: max (5) must be larger than min (5)");
	/* a span wider than int64_t (its subtraction overflowed) */
	expect_error("BEGIN { @a = lhist(1, -9223372036854775807 - 1, 9223372036854775807, 1); }",
		     "HINT: (max - min) / step is 18446744073709551615 buckets: use a step of at least 18446744073709552");
	expect_error("BEGIN { break; }", "HINT: use it inside while, for or unroll");
	expect_error("BEGIN { $x = 08; }", "HINT: a leading 0 makes a number octal");
	expect_error("BEGIN { $y++; }", "HINT: assign it first, e.g. $y = 0, or declare it: let $y;");
	expect_error("BEGIN { print(@nope); }", "HINT: assign it somewhere, e.g. @name = 1;");
	expect_error("config = { perf_rb_pages = 1000000 } BEGIN { }",
		     "ERROR: perf_rb_pages of 1000000 is too large: the limit is 262144\nconfig");
	expect_error("BEGIN { $s = \"a\"; $n = (int64)$s; }", "HINT: casts convert integers, bools and pointers");
	expect_error("BEGIN { exit(\"no\"); }", "HINT: write e.g. exit(1)");
	expect_error("BEGIN { @m[1] = 1; delete(@m, \"k\"); }", "HINT: use a key of the map's key type");
	expect_error("BEGIN { print(signal_name(\"INT\")); }", "HINT: pass a signal number, e.g. signal_name(9)");
	expect_error("BEGIN { signal(15, 1); }", "HINT: signal(sig) signals the current process, signal_thread(sig) its thread");
	expect_error("config = { max_strlen = \"big\" } BEGIN { }",
		     "HINT: 'big' is not one: use a whole number from 1 to 1048576");
}

static void test_error_location(void **state)
{
	struct compiled c;

	compile(&c, "BEGIN {\n  @x = cuont();\n}");
	assert_int_not_equal(c.rc, 0);
	assert_non_null(strstr(c.errors, "stdin:2:8-15: ERROR: unknown function 'cuont'\n"
					 "  @x = cuont();\n"
					 "       ~~~~~~~\n"
					 "HINT: did you mean 'count'?\n"));
	release(&c);
}

static void test_loops_and_control_flow(void **state)
{
	struct compiled c;
	struct fth_prog *p;

	compile(&c, "BEGIN { $i = 0; while ($i < 5) { if ($i == 3) { break; } $i++; } "
		    "unroll(3) { $i += 1; } @r = $i > 2 ? 1 : 0; if (@r) { exit(); } else { return; } }");
	p = first_prog(&c);
	/* a backward jump for the while loop */
	{
		bool back = false;
		for (int i = 0; i < p->code.len; i++)
			if (p->code.insns[i].code == (BPF_JMP | BPF_JA) && p->code.insns[i].off < 0)
				back = true;
		assert_true(back);
	}
	release(&c);
}

/* for ($kv : @m): the probe calls bpf_for_each_map_elem with the address of
 * a callback laid out after its own code, and the callback returns 0
 * (continue) or 1 (break). */
static void test_for_map_callback_layout(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	int ld = -1, cb;

	compile(&c, "BEGIN { @a[1] = 2; $n = 0; for ($kv : @a) { if ($kv.1 > 5) { break; } $n += $kv.0; } "
		    "print($n); }");
	p = first_prog(&c);
	assert_int_equal(p->nfuncs, 2);
	cb = p->func_starts[1];
	assert_true(cb > 0 && cb < p->code.len);
	assert_int_equal(count_calls(p, BPF_FUNC_for_each_map_elem), 1);
	for (int i = 0; i < cb; i++)
		if (p->code.insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) && p->code.insns[i].src_reg == BPF_PSEUDO_FUNC)
			ld = i;
	assert_true(ld >= 0);
	/* the address points at the callback's first instruction */
	assert_int_equal(ld + 1 + p->code.insns[ld].imm, cb);
	/* the probe's code ends before the callback: r0 = 0; exit */
	assert_int_equal(p->code.insns[cb - 1].code, BPF_JMP | BPF_EXIT);
	/* the callback reaches the probe's variables through its ctx (r4 -> r6) */
	assert_int_equal(p->code.insns[cb].code, BPF_ALU64 | BPF_MOV | BPF_X);
	assert_int_equal(p->code.insns[cb].dst_reg, R6);
	assert_int_equal(p->code.insns[cb].src_reg, R4);
	/* both tails: r0 = 0 (next element) and r0 = 1 (break) */
	{
		int zero = 0, one = 0;
		for (int i = cb; i + 1 < p->code.len; i++) {
			if (p->code.insns[i + 1].code != (BPF_JMP | BPF_EXIT))
				continue;
			if (p->code.insns[i].code == (BPF_ALU64 | BPF_MOV | BPF_K) && p->code.insns[i].dst_reg == R0)
				p->code.insns[i].imm ? one++ : zero++;
		}
		assert_int_equal(zero, 1);
		assert_int_equal(one, 1);
	}
	release(&c);
}

/* Nested loops: two callbacks, each address resolved, also from inside
 * the first callback. Aggregation values are summed over the CPUs. */
static void test_for_map_nested_and_percpu(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	int refs = 0;

	compile(&c, "BEGIN { @c[\"x\"] = count(); @b[1, 2] = 3; "
		    "for ($kv : @c) { for ($kv2 : @b) { @out[$kv.0, $kv2.0.1] = $kv.1 + $kv2.1; } } }");
	p = first_prog(&c);
	assert_int_equal(p->nfuncs, 3);
	for (int i = 0; i < p->code.len; i++) {
		const struct bpf_insn *in = &p->code.insns[i];
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM) && in->src_reg == BPF_PSEUDO_FUNC) {
			int target = i + 1 + in->imm;
			assert_true(target == p->func_starts[1] || target == p->func_starts[2]);
			refs++;
		}
	}
	assert_int_equal(refs, 2);
	assert_true(count_calls(p, BPF_FUNC_map_lookup_percpu_elem) >= 1);
	release(&c);
}

static void test_for_map_errors(void **state)
{
	expect_error("BEGIN { $x = 1; for ($kv : $x) { } }", "expected a map or a range after ':'");
	expect_error("BEGIN { for ($kv : @nope) { } }", "undefined map @nope");
	expect_error("BEGIN { @a = 1; for ($kv : @a) { } }", "@a has no keys");
	expect_error("BEGIN { @h[1] = hist(5); for ($kv : @h) { } }", "a map of hist() cannot be looped over");
	{
		/* the one error: reads of $kv in the body add nothing */
		struct compiled c;

		compile(&c, "BEGIN { @x[1] = avg(5); for ($kv : @x) { print(($kv.0, $kv.1)); } for ($kv : @n) { print($kv); } }");
		assert_int_equal(c.diag.errors, 2);
		assert_null(strstr(c.errors, "used before it is assigned"));
		release(&c);
	}
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { exit(); } }", "exit() is not allowed inside a loop");
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { return; } }",
		     "return is not allowed inside a for loop over a map");
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { print(arg0); } }",
		     "arg0 cannot be used inside a for loop over a map");
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { print(arg0); } }",
		     "HINT: copy it into a variable before the loop: $v = arg0;");
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { print(retval); } }", "retval cannot be used inside");
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { @s[kstack] = 1; } }", "kstack cannot be used inside");
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { for ($kv : @a) { } } }",
		     "$kv is already defined in this block or an enclosing one; a for loop's variable cannot shadow it");
	expect_error("BEGIN { $i = 5; for ($i : 0..3) { } }", "a for loop's variable cannot shadow it");
	/* $kv belongs to the loop */
	expect_error("BEGIN { @a[1] = 1; for ($kv : @a) { } print($kv); }", "variable $kv is used before it is assigned");
}

/* Block scoping: sibling blocks reuse a name with different types; let
 * may not shadow; a 0.17-style read after the block works with a warning. */
static void test_block_scoping(void **state)
{
	struct compiled c;

	expect_compiles_with("BEGIN { if (1) { $x = 1; print($x); } if (1) { $x = \"s\"; print($x); } "
		    "@a[1] = 1; @b[\"k\"] = 2; for ($kv : @a) { print($kv); } for ($kv : @b) { print($kv); } }", 0);

	expect_compiles_with("BEGIN { let $x; if (1) { $x = 5; } let $y: uint16 = 7; print(($x, $y)); }", 0);

	compile(&c, "BEGIN { if (1) { $d = 1; } else { $d = 2; } print($d); print($d); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.diag.warnings, 1); /* once per variable, not per use */
	assert_non_null(strstr(c.errors, "stdin:1:51-53: WARNING: $d is used outside the block that assigns it"));
	assert_non_null(strstr(c.errors, "HINT: declare it before that block: let $d;"));
	/* both branches write the one slot the read sees */
	{
		struct fth_prog *p = first_prog(&c);
		assert_int_equal(p->vars.len, 1);
	}
	release(&c);

	expect_error("BEGIN { $x = 1; if (1) { let $x = 2; } }",
		     "Variable declarations need to occur before variable usage or assignment. Variable: $x");
	expect_error("BEGIN { $x = 1; if (1) { let $x = 2; } }", "stdin:1:30-32: ERROR: Variable declarations");
	expect_error("BEGIN { let $x; let $x; }", "Variable $x was already declared. Variable shadowing is not allowed.");
	expect_error("BEGIN { let $x; if (1) { let $x = 1; } }", "Variable shadowing is not allowed.");
	expect_error("BEGIN { let $x: uint16 = \"a\"; }", "$x is declared uint16; it cannot be assigned string[2]");
	/* different types in the branches: two variables; the read after
	 * them finds the last one */
	compile(&c, "BEGIN { if (1) { $x = 1; } else { $x = \"a\"; } print($x); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(first_prog(&c)->vars.len, 2);
	assert_non_null(strstr(c.errors, "WARNING: $x is used outside"));
	release(&c);
}

/* Records are tuples with named elements; .name reads one by name, a
 * reassignment may list the fields in another order. */
static void test_records(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	struct fth_var *v;

	compile(&c, "BEGIN { $r = (name=\"x\", size=2); $r = (size=3, name=\"yy\"); print($r.size); print($r.name); }");
	p = first_prog(&c);
	assert_int_equal(p->vars.len, 1);
	v = p->vars.items[0];
	assert_int_equal(v->type->kind, FTH_T_TUPLE);
	assert_int_equal(v->type->nfields, 2);
	assert_string_equal(v->type->fields[0].name, "name");
	assert_string_equal(v->type->fields[1].name, "size");
	release(&c);

	expect_error("BEGIN { $r = (a=1, a=2); }", "field 'a' appears twice in this record");
	expect_error("BEGIN { $r = (name=1, size=2); print($r.nmae); }", "did you mean 'name'?");
	expect_error("BEGIN { $r = (name=1, size=2); $r = (name=1, other=2); }",
		     "$r has type (name=int64, size=int64); it cannot be assigned (name=int64, other=int64)");
	/* a tuple is not a record of the same element types */
	expect_error("BEGIN { $r = (a=1, b=2); $r = (1, 2); }", "it cannot be assigned (int64, int64)");
}

/* The probe's frame and its loop callback's count together against the
 * 512-byte stack: reported at the loop, before the verifier sees it. */
static void test_for_map_combined_stack(void **state)
{
	char lit[200], text[1024];

	memset(lit, 'a', sizeof(lit) - 1);
	lit[sizeof(lit) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "BEGIN { @a[1] = 1; $s1 = \"%s\"; $s2 = \"%s\"; for ($kv : @a) { @m[\"%s\"] = 1; } }", lit, lit, lit);
	/* Too much for the one 512-byte stack together: generated again with
	 * the big values in the scratch area, which callbacks share. */
	{
		struct compiled c;
		compile(&c, text);
		assert_int_equal(c.rc, 0);
		assert_true(c.prog.scratch_map >= 0);
		release(&c);
	}
	/* each alone fits */
	snprintf(text, sizeof(text), "BEGIN { @a[1] = 1; $s1 = \"%s\"; for ($kv : @a) { @m[\"%s\"] = 1; } }", lit, lit);
	{
		struct compiled c;
		compile(&c, text);
		assert_int_equal(c.rc, 0);
		release(&c);
	}
}

/* Thousands of statements compile in linear time (bench/compile-scale
 * measures the speed; this only checks the result is complete). */
static void test_many_assignments(void **state)
{
	size_t cap = 200000, len = 0;
	char *text = malloc(cap);
	struct compiled c;

	len += (size_t)snprintf(text + len, cap - len, "BEGIN { ");
	for (int i = 0; i < 2000; i++)
		len += (size_t)snprintf(text + len, cap - len, "@m%d = %d; ", i, i);
	snprintf(text + len, cap - len, "}");
	compile(&c, text);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.prog.maps.len, 2000 + 2); /* + ring buffer and lost counter */
	assert_int_equal(count_calls(first_prog(&c), BPF_FUNC_map_update_elem), 2000);
	release(&c);
	free(text);
}

static int count_map_refs(const struct fth_prog *p, int map_index)
{
	int n = 0;

	for (int i = 0; i < p->code.len; i++)
		if (p->code.insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    p->code.insns[i].src_reg == BPF_PSEUDO_MAP_FD && p->code.insns[i].imm == map_index)
			n++;
	return n;
}

/* &@m is the map pointer: one more load of the map's fd (beside the
 * update), typed void *; &@m[k] and & of an unknown map are errors. */
static void test_map_address(void **state)
{
	struct compiled c;
	struct fth_map *h, *k;

	(void)state;
	compile(&c, "BEGIN { @h[1] = 1; $p = &@h; @k = $p; }");
	assert_int_equal(c.rc, 0);
	h = fth_program_find_map(&c.prog, "@h");
	k = fth_program_find_map(&c.prog, "@k");
	assert_int_equal(count_map_refs(first_prog(&c), h->index), 2);
	assert_int_equal(k->value_type->kind, FTH_T_POINTER);
	assert_null(k->value_type->elem);
	assert_string_equal(fth_type_describe(&c.prog.arena, k->value_type), "void *");
	release(&c);
	expect_error("BEGIN { @h[1] = 1; $p = &@h[1]; }",
		     "the address-of operator '&' applies to a whole map, not to one of its elements");
	expect_error("BEGIN { $p = &@nope; }", "undefined map @nope");
	/* no arithmetic on the map pointer, however it is reached: the
	 * verifier would refuse it; stored in a map it is a number */
	expect_error("BEGIN { @h = 1; $p = &@h + 1; }", "arithmetic ('+') on a map's address is not allowed");
	expect_error("BEGIN { @h = 1; $p = &@h; $q = 8 * $p; }", "arithmetic ('*') on a map's address");
	expect_error("BEGIN { @h = 1; $p = (uint64)&@h & 0xfff; }", "arithmetic ('&') on a map's address");
	expect_error("BEGIN { @h = 1; $p = &@h; $p += 1; }", "arithmetic ('+=') on a map's address");
	expect_error("BEGIN { @h = 1; $p = &@h; $p--; }", "arithmetic ('--') on a map's address");
	expect_error("BEGIN { @h = 1; $p = ~(uint64)&@h; }", "arithmetic ('~') on a map's address");
	compile(&c, "BEGIN { @h = 1; $p = &@h; @k = $p; $q = @k + 1; $same = $p == &@h; }");
	assert_int_equal(c.rc, 0);
	release(&c);
	/* unstable_addr=error refuses & of maps and variables alike */
	expect_error("config = { unstable_addr=error } BEGIN { @h = 1; $p = &@h; }",
		     "address-of operator (&) feature is not enabled by default");
	expect_error("config = { unstable_addr=error } BEGIN { $x = 1; $p = &$x; }", "unstable_addr=enable");
	compile(&c, "config = { unstable_addr=enable } BEGIN { $x = 1; $p = &$x; }");
	assert_int_equal(c.rc, 0);
	release(&c);
}

/* `/@start[tid]/ { ... @start[tid] ... delete(@start[tid]) }` looks the key
 * up once in the predicate (the body reuses the value) and once to delete;
 * after a write the value is read again. */
static void test_predicate_map_read_reused(void **state)
{
	struct compiled c;
	struct fth_map *start;

	compile(&c, "interval:s:1 { @start[tid] = nsecs; }\n"
		    "interval:s:2 /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }");
	assert_int_equal(c.rc, 0);
	start = fth_program_find_map(&c.prog, "@start");
	assert_int_equal(count_map_refs(c.prog.progs.items[1], start->index), 2);
	release(&c);
	compile(&c, "interval:s:1 { @start[tid] = nsecs; }\n"
		    "interval:s:2 /@start[tid]/ { @start[tid] = 5; printf(\"%d\\n\", @start[tid]); }");
	assert_int_equal(c.rc, 0);
	start = fth_program_find_map(&c.prog, "@start");
	/* predicate lookup, the update, and a fresh lookup after the write
	 * (reusing the predicate's value there would give 2) */
	assert_int_equal(count_map_refs(c.prog.progs.items[1], start->index), 3);
	release(&c);
}

/* static_assert() is void: a passing one compiles to nothing and is no
 * discarded value, while a discarded type question still warns. */
static void test_static_assert_is_void(void **state)
{
	struct compiled c;

	expect_compiles_with("macro m() { static_assert(sizeof(int8) == 1, \"m\"); 3 } "
		    "BEGIN { static_assert(sizeof(int32) == 4, \"a\"); if (1) { static_assert(1, \"b\"); } print(m()); }", 0);

	compile(&c, "BEGIN { is_str(1); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.diag.warnings, 1);
	assert_non_null(strstr(c.errors, "WARNING: Return value discarded."));
	release(&c);
}

/* The seed's "map bloat" mistake is warned about at compile time. */
static void test_map_bloat_warning(void **state)
{
	struct compiled c;

	compile(&c, "interval:s:1 { @start[tid] = nsecs; }");
	assert_int_equal(c.rc, 0);
	assert_non_null(strstr(c.errors, "WARNING: @start is keyed by thread or process and never deleted"));
	release(&c);
	compile(&c, "interval:s:1 { @start[tid] = nsecs; } interval:s:2 /@start[tid]/ { delete(@start[tid]); }");
	assert_int_equal(c.rc, 0);
	assert_null(strstr(c.errors, "WARNING"));
	release(&c);
	compile(&c, "interval:s:1 { @c[pid] = count(); }");
	assert_null(strstr(c.errors, "WARNING"));
	release(&c);
}

static void test_verifier_summary(void **state)
{
	const char *log = "func#0 @0\n"
			  "0: R1=ctx() R10=fp0\n"
			  "0: (bf) r6 = r1                       ; R1=ctx() R6_w=ctx()\n"
			  "1: (79) r1 = *(u64 *)(r10 -8)\n"
			  "invalid read from stack off -8+0 size 8\n"
			  "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
	char reason[256];
	int insn;

	fth_verifier_summary(log, reason, sizeof(reason), &insn);
	assert_int_equal(insn, 1);
	assert_string_equal(reason, "invalid read from stack off -8+0 size 8");

	/* a loop in a callback (frame1): the register dumps that follow the
	 * reason are not it */
	log = "74: (b7) r0 = 1\n"
	      "infinite loop detected at insn 75\n"
	      "cur state: frame1: R0=1 R6=fp[0]-24 R10=fp0 cb\n"
	      "old state: frame1: R0=P1 R6=fp[0]-24 R10=fp0 cb\n"
	      "processed 93 insns (limit 1000000) max_states_per_insn 1 total_states 6 peak_states 6 mark_read 0\n";
	fth_verifier_summary(log, reason, sizeof(reason), &insn);
	assert_int_equal(insn, 74);
	assert_string_equal(reason, "infinite loop detected at insn 75");
}

/* A pinned iterator's printf format, as bpf_seq_printf must get it:
 * integers widened to 64 bits, flags and widths kept, what the kernel
 * would refuse (EINVAL at run time, an empty pin) refused here. */
static void expect_seq_format(const char *fmt, const char *want, int nconv)
{
	enum fth_seq_conv conv[FTH_SEQ_MAX_ARGS];
	char out[256], err[256], hint[160];

	assert_int_equal(fth_seq_format(fmt, out, sizeof(out), conv, err, sizeof(err), hint, sizeof(hint)), nconv);
	assert_string_equal(out, want);
}

static void expect_seq_format_error(const char *fmt, const char *needle)
{
	enum fth_seq_conv conv[FTH_SEQ_MAX_ARGS];
	char out[256], err[256], hint[160];

	assert_int_equal(fth_seq_format(fmt, out, sizeof(out), conv, err, sizeof(err), hint, sizeof(hint)), -1);
	if (!strstr(err, needle)) {
		print_error("expected '%s' in: %s\n", needle, err);
		fail();
	}
	assert_true(hint[0] != '\0');
}

static void test_seq_printf_formats(void **state)
{
	enum fth_seq_conv conv[FTH_SEQ_MAX_ARGS];
	char out[64], err[128], hint[128];

	(void)state;
	expect_seq_format("plain 100%% text\n", "plain 100%% text\n", 0);
	expect_seq_format("%d %i %u %x %X", "%lld %lli %llu %llx %llX", 5);
	expect_seq_format("%-5d|%08lx|%llu|%zu", "%-5lld|%08llx|%llu|%llu", 4);
	expect_seq_format("%c%-10s: %s\n", "%c%-10s: %s\n", 3);
	assert_int_equal(fth_seq_format("%s %d %c", out, sizeof(out), conv, err, sizeof(err), hint, sizeof(hint)), 3);
	assert_int_equal(conv[0], FTH_SEQ_STRING);
	assert_int_equal(conv[1], FTH_SEQ_INT);
	assert_int_equal(conv[2], FTH_SEQ_INT);
	expect_seq_format("%d%d%d%d%d%d%d%d%d%d%d%d", "%lld%lld%lld%lld%lld%lld%lld%lld%lld%lld%lld%lld", 12);

	expect_seq_format_error("%o", "the conversion %o is not supported");
	expect_seq_format_error("%hd", "the conversion %h");
	expect_seq_format_error("%.3s", "the precision in %.3s");
	expect_seq_format_error("%sabc", "a letter or digit right after %s ");
	expect_seq_format_error("%d%d%d%d%d%d%d%d%d%d%d%d%d", "a 13th conversion %d");
	expect_seq_format_error("caf\xc3\xa9", "the byte 0xc3");
	expect_seq_format_error("tab\aX", "the byte 0x07");
}

static bool uses_reg(const struct fth_prog *p, int reg)
{
	for (int i = 0; i < p->code.len; i++)
		if (p->code.insns[i].dst_reg == reg || p->code.insns[i].src_reg == reg)
			return true;
	return false;
}

/* Strings of max_strlen (1024) bytes do not fit the 512-byte stack: they
 * live in the per-CPU scratch map, reached through r9. A program without
 * big values has no scratch map to look up. */
static void test_big_strings_use_scratch(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	const struct fth_map *m;

	compile(&c, "BEGIN { $a = str(0); $b = str(8); @[$a, $b] = count(); printf(\"%s %s\\n\", $a, $b); }");
	p = first_prog(&c);
	assert_true(c.prog.scratch_map >= 0);
	m = fth_program_map(&c.prog, c.prog.scratch_map);
	assert_int_equal(m->bpf_type, BPF_MAP_TYPE_PERCPU_ARRAY);
	/* two variables and the map key's two strings, 1024 bytes each */
	assert_true(m->value_size >= 4 * 1024);
	assert_true(m->value_size <= 32768);
	assert_true(uses_reg(p, BPF_REG_9));
	release(&c);

	compile(&c, "BEGIN { $a = 1; $b = 2; $d = 3; @[comm] = sum($a + $b * $d); }");
	p = first_prog(&c);
	assert_int_equal(c.prog.scratch_map, -1);
	assert_true(p->code.len > 0);
	release(&c);

	/* A smaller max_strlen keeps strings on the stack. */
	compile(&c, "config = { max_strlen = 32 } BEGIN { $a = str(0); printf(\"%s\\n\", $a); }");
	first_prog(&c);
	assert_int_equal(c.prog.scratch_map, -1);
	release(&c);
}

/* The length r2 holds at the first call of helper `fn` (set by a
 * `mov r2, imm` before it), or -1. */
static int helper_r2_imm(const struct fth_prog *p, int fn)
{
	int r2 = -1;

	for (int i = 0; i < p->code.len; i++) {
		const struct bpf_insn *in = &p->code.insns[i];
		if (in->code == (BPF_ALU64 | BPF_MOV | BPF_K) && in->dst_reg == BPF_REG_2)
			r2 = in->imm;
		if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == 0 && in->imm == fn)
			return r2;
	}
	return -1;
}

/* str() reads one byte more than its string type holds while max_strlen
 * is below 1024 (a string that fills the type then has no NUL and prints
 * with the trailer), and exactly max_strlen bytes at the default. */
static void test_str_reads_one_byte_past_its_type(void **state)
{
	struct compiled c;

	(void)state;
	compile(&c, "config = { max_strlen = 8 } tracepoint:syscalls:sys_enter_execve "
		    "{ print(str(args.filename)); }");
	assert_int_equal(helper_r2_imm(first_prog(&c), BPF_FUNC_probe_read_user_str), 9);
	release(&c);
	compile(&c, "config = { max_strlen = 8 } tracepoint:syscalls:sys_enter_execve "
		    "{ @[str(args.filename, 3)] = count(); }");
	assert_int_equal(helper_r2_imm(first_prog(&c), BPF_FUNC_probe_read_user_str), 4);
	release(&c);
	compile(&c, "tracepoint:syscalls:sys_enter_execve { print(str(args.filename)); }");
	assert_int_equal(helper_r2_imm(first_prog(&c), BPF_FUNC_probe_read_user_str), 1024);
	release(&c);
}

/* The argument of the first statement, `print(X)`, of the first probe
 * after semantic analysis. */
static const struct fth_node *printed_value(struct compiled *c)
{
	const struct fth_node *probe, *st;

	assert_int_equal(c->rc, 0);
	probe = c->prog.ast->u.program.probes.items[0];
	st = probe->u.probe.body->u.block.stmts.items[0];
	assert_int_equal(st->kind, FTH_EXPR_STMT);
	assert_int_equal(st->u.expr_stmt.expr->kind, FTH_CALL);
	return st->u.expr_stmt.expr->u.call.args.items[0];
}

static void expect_folded_bool(const char *text, bool value)
{
	struct compiled c;
	const struct fth_node *v;

	compile(&c, text);
	if (c.rc)
		fail_msg("%s:\n%s", text, c.errors);
	v = printed_value(&c);
	if (v->kind != FTH_BOOL || v->u.integer != value)
		fail_msg("%s: expected the constant %s", text, value ? "true" : "false");
	release(&c);
}

/* The type predicates are constants; their argument leaves no code. */
static void test_type_predicates_fold(void **state)
{
	struct compiled c;

	(void)state;
	expect_folded_bool("BEGIN { print(is_str(\"a\")); }", true);
	expect_folded_bool("BEGIN { print(is_str(1)); }", false);
	expect_folded_bool("BEGIN { print(is_ptr((int8 *)0)); }", true);
	expect_folded_bool("BEGIN { print(is_array(pton(\"::1\"))); }", true);
	expect_folded_bool("BEGIN { print(is_integer(pid)); }", true);
	expect_folded_bool("BEGIN { print(is_integer(true)); }", false);
	expect_folded_bool("BEGIN { print(is_unsigned_integer(7)); }", true);
	expect_folded_bool("BEGIN { print(is_unsigned_integer(-7)); }", false);
	expect_folded_bool("BEGIN { print(is_unsigned_integer((int64)7)); }", false);
	expect_folded_bool("BEGIN { print(is_literal(\"x\")); }", true);
	expect_folded_bool("BEGIN { print(is_literal(pid)); }", false);
	/* no ring-buffer output for the printf inside the argument */
	compile(&c, "BEGIN { print(is_integer({ printf(\"x\"); 1 })); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.prog.actions.len, 1); /* the print() only */
	release(&c);
	expect_error("BEGIN { print(is_ptr(1, 2)); }", "is_ptr() takes 1 argument, 2 given");
}

/* container_of and is_err become casts, arithmetic and a comparison. */
static void test_container_of_and_is_err_rewrites(void **state)
{
	struct compiled c;
	const struct fth_node *v;

	(void)state;
	compile(&c, "struct s { long a; int b; long c; };\n"
		    "BEGIN { print(container_of((int64 *)100, struct s, c)); }");
	v = printed_value(&c);
	assert_int_equal(v->kind, FTH_CAST);
	assert_int_equal(v->type->kind, FTH_T_POINTER);
	assert_string_equal(v->type->elem->name, "struct s");
	assert_int_equal(v->u.cast.operand->kind, FTH_BINARY);
	assert_int_equal(v->u.cast.operand->u.binary.rhs->kind, FTH_INT);
	assert_int_equal(v->u.cast.operand->u.binary.rhs->u.integer, 16); /* offsetof(struct s, c) */
	release(&c);

	compile(&c, "BEGIN { print(is_err(0)); }");
	v = printed_value(&c);
	assert_int_equal(v->kind, FTH_BINARY);
	assert_int_equal(v->type->kind, FTH_T_BOOL);
	assert_int_equal(v->u.binary.rhs->u.integer, (uint64_t)-4095);
	release(&c);

	expect_error("struct s { long a; };\nBEGIN { print(container_of(0, struct s, b)); }", "struct s has no field 'b'");
	expect_error("BEGIN { print(container_of(0, 1, b)); }", "container_of() takes a type as its second argument");
}

/* typeof(expr) declares and casts with the expression's type; a
 * variable's is the width it was given. */
static void test_typeof_types(void **state)
{
	struct compiled c;
	const struct fth_node *v;

	(void)state;
	compile(&c, "BEGIN { $x = (uint16)1; print((typeof($x))70000); }");
	assert_int_equal(c.rc, 0);
	v = ((const struct fth_node *)((const struct fth_node *)c.prog.ast->u.program.probes.items[0])
		     ->u.probe.body->u.block.stmts.items[1])->u.expr_stmt.expr->u.call.args.items[0];
	assert_int_equal(v->kind, FTH_CAST);
	assert_int_equal(v->type->size, 2);
	assert_false(v->type->is_signed);
	release(&c);
	expect_error("BEGIN { let $x: typeof(exit()); }", "typeof() needs an expression with a value");
	compile(&c, "BEGIN { print((typeof(-129))1); }");
	v = printed_value(&c);
	assert_int_equal(v->type->size, 2);
	assert_true(v->type->is_signed);
	release(&c);
	compile(&c, "BEGIN { print((typeof(255))1); }");
	v = printed_value(&c);
	assert_int_equal(v->type->size, 1);
	assert_false(v->type->is_signed);
	release(&c);
}

/* import: files beside the script (the current directory for stdin). */
static void test_import_resolution(void **state)
{
	char dir[] = "/tmp/fathom-import-XXXXXX", cwd[4096];
	struct compiled c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	f = fopen("lib.bt", "w");
	assert_non_null(f);
	fputs("macro seven() { 7 }\nBEGIN { }\n", f);
	fclose(f);
	f = fopen("broken.bt", "w");
	assert_non_null(f);
	fputs("BEGIN { @x = cuont(); }\n", f);
	fclose(f);

	compile(&c, "import \"lib.bt\"; import \"lib.bt\"; END { print(seven); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.prog.ast->u.program.probes.len, 2); /* lib's BEGIN first, once */
	release(&c);
	expect_error("import \"nope.bt\"; BEGIN { }", "ERROR: Unable to find suitable path for import");
	expect_error("import \"nope.bt\"; BEGIN { }", "HINT: checked: nope.bt");
	expect_error("import \"broken.bt\"; BEGIN { }", "broken.bt:1:14-21: ERROR: unknown function 'cuont'");

	unlink("lib.bt");
	unlink("broken.bt");
	assert_int_equal(chdir(cwd), 0);
	rmdir(dir);
}

/* A fn call is expanded in place: a block with a let per parameter (the
 * argument converted to the parameter's integer type) and a renamed copy
 * of the body; `return v` sets the result variable and jumps past the
 * copy. */
static void test_fn_calls_expand_in_place(void **state)
{
	struct compiled c;
	const struct fth_node *v, *let;

	(void)state;
	compile(&c, "fn f($a: uint8, $b: int64): int64 { $x = $a; return $x + $b; }\n"
		    "BEGIN { print(f(300, 2)); }");
	v = printed_value(&c);
	assert_int_equal(v->kind, FTH_FN_INLINE);
	assert_string_equal(v->u.fn_inline.name, "f");
	assert_non_null(v->u.fn_inline.result);
	assert_int_equal(v->type->kind, FTH_T_INT);
	let = v->u.fn_inline.body->u.block.stmts.items[0];
	assert_int_equal(let->kind, FTH_LET);
	assert_int_equal(let->u.let.value->kind, FTH_CAST);          /* (uint8)300 */
	assert_string_equal(let->u.let.value->u.cast.type_name.base, "uint8");
	assert_non_null(strstr(let->u.let.var->u.ident.name, "_a"));
	assert_string_not_equal(let->u.let.var->u.ident.name, "$a"); /* renamed */
	release(&c);

	/* void: no result; a statement */
	compile(&c, "fn g(): void { printf(\"x\\n\"); } BEGIN { g(); g(); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.prog.actions.len, 2); /* the printf of each copy */
	release(&c);

	expect_error("fn f(): int64 { return f(); } BEGIN { print(f()); }", "fn f calls itself");
	expect_error("fn f($a: int64): int64 { return $a; } BEGIN { print(f()); }", "fn f takes 1 argument, 0 given");
	expect_error("fn f(): void { return 1; } BEGIN { f(); }", "fn f returns nothing (void), so return takes no value");
	expect_error("fn f(): int64 { return comm; } BEGIN { print(f()); }", "cannot cast string[16] to int64");
	/* a fn nothing calls is checked, and generates nothing */
	expect_error("fn u(): int64 { return nosuch(); } BEGIN { }", "unknown function 'nosuch'");
	compile(&c, "fn u($a: int64): void { printf(\"%d\\n\", $a); } BEGIN { }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.prog.ast->u.program.fn_checks.len, 1);
	assert_int_equal(c.prog.actions.len, 0);
	release(&c);
}

/* comptime folds to a constant; if comptime keeps only the branch taken,
 * so the other is never checked (its fail() never fires). */
static void test_comptime(void **state)
{
	struct compiled c;
	const struct fth_node *v, *probe;

	(void)state;
	compile(&c, "BEGIN { print(comptime (sizeof(int16) * 3 + (1 << 4))); }");
	v = printed_value(&c);
	assert_int_equal(v->kind, FTH_INT);
	assert_int_equal(v->u.integer, 22);
	release(&c);
	expect_folded_bool("BEGIN { print(comptime !is_str(1)); }", true);
	expect_folded_bool("BEGIN { print(comptime (\"a\" == \"b\")); }", false);

	compile(&c, "BEGIN { if comptime (is_ptr(1)) { fail(\"x\"); } else { print(1); } }");
	assert_int_equal(c.rc, 0);
	probe = c.prog.ast->u.program.probes.items[0];
	v = probe->u.probe.body->u.block.stmts.items[0];
	assert_int_equal(v->kind, FTH_BLOCK); /* the else branch, in place of the if */
	assert_int_equal(v->u.block.stmts.len, 1);
	release(&c);

	expect_error("BEGIN { if comptime (pid == 1) { } }", "comptime needs a value known when the script is compiled");
	expect_error("BEGIN { static_assert(1 == 2, \"one is not two\"); }", "ERROR: one is not two");
	expect_error("BEGIN { fail(\"%s=%d\", \"n\", 3); }", "ERROR: n=3");
}

/* Does the program jump backwards (a loop)? */
static bool has_back_jump(const struct fth_prog *p)
{
	for (int i = 0; i < p->code.len; i++) {
		uint8_t cls = p->code.insns[i].code & 0x07;
		if ((cls == BPF_JMP || cls == BPF_JMP32) && (p->code.insns[i].code & 0xf0) != BPF_CALL &&
		    (p->code.insns[i].code & 0xf0) != BPF_EXIT && p->code.insns[i].off < 0)
			return true;
	}
	return false;
}

/* String functions of literals are answered when compiling; the others
 * stay small: strlen and str_concat are helper calls, strstr a loop whose
 * body holds the needle's bytes once, not once per haystack position. */
/* A pointer cast from a number reads with the legacy bpf_probe_read in
 * probes without an address space (BEGIN, interval), with
 * probe_read_kernel in kernel probes (tracepoints). */
static void test_deref_helper_by_address_space(void **state)
{
	struct compiled c;
	struct fth_prog *p;

	(void)state;
	compile(&c, "struct n { long v; struct n *next; } BEGIN { @x = ((struct n *)64)->next->v; }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read), 2);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read_kernel), 0);
	release(&c);

	compile(&c, "interval:s:1 { @x = *(int64 *)64; }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read), 1);
	release(&c);

	compile(&c, "tracepoint:syscalls:sys_enter_openat { @x = *(int64 *)64; }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read), 0);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read_kernel), 1);
	release(&c);
}

static void test_string_functions(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	int small;

	compile(&c, "BEGIN { @a = strlen(\"abc\"); @b = strstr(\"hello\", \"ll\"); @c = strcap(\"ab\");"
		    " @d = strcontains(\"abc\", \"d\"); }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read_kernel_str), 0);
	assert_false(has_back_jump(p));
	release(&c);

	compile(&c, "BEGIN { $s = str(0); @n = strlen($s); }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read_kernel_str), 1);
	assert_false(has_back_jump(p));
	release(&c);

	compile(&c, "BEGIN { $s = str(0); @j[str_concat($s, \"x\")] = 1; }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read_kernel_str), 3);
	release(&c);

	/* a 1024-byte haystack: the search is a loop of a few instructions
	 * per needle byte (the old unrolled search took thousands) */
	compile(&c, "BEGIN { $s = str(0); @x = strstr($s, \"needle\"); }");
	p = first_prog(&c);
	assert_true(has_back_jump(p));
	small = p->code.len;
	release(&c);
	compile(&c, "BEGIN { $s = str(0); @x = 1; }");
	p = first_prog(&c);
	assert_true(small - p->code.len < 60);
	release(&c);

	/* a needle in a variable, and memcmp: loops too */
	compile(&c, "BEGIN { $s = str(0); $n = \"ab\"; @x = strcontains($s, $n); @y = memcmp($s, $n, 3); }");
	p = first_prog(&c);
	assert_true(has_back_jump(p));
	small = p->code.len;
	release(&c);
	compile(&c, "BEGIN { $s = str(0); $n = \"ab\"; @x = 1; @y = 2; }");
	p = first_prog(&c);
	assert_true(small - p->code.len < 120);
	release(&c);

	/* signal_name(): a string[64] read from the loader's table */
	compile(&c, "BEGIN { @x = signal_name(9); }");
	p = first_prog(&c);
	assert_true(c.prog.signal_names_map >= 0);
	assert_int_equal(fth_program_map(&c.prog, c.prog.signal_names_map)->value_size, 64);
	assert_int_equal(fth_program_find_map(&c.prog, "@x")->value_type->kind, FTH_T_STRING);
	assert_int_equal(fth_program_find_map(&c.prog, "@x")->value_type->size, 64);
	release(&c);
}

static void test_string_function_errors(void **state)
{
	expect_error("BEGIN { @x = strlen(1); }", "string-like values must be either strings, arrays or pointers");
	expect_error("BEGIN { @x = strlen(); }", "strlen() takes 1 argument, 0 given");
	expect_error("BEGIN { @x = strstr(\"a\", 1); }", "strstr() takes a string, not int64");
	expect_error("BEGIN { @x = strcontains(1, \"a\"); }", "HINT: read the string first, e.g. str(ptr)");
	expect_error("BEGIN { $a = str(0); $b = str(1); @x = strstr($a, $b); }",
		     "strstr(): searching 1024 bytes for a needle of up to 1024 bytes is more than the BPF verifier allows");
	expect_error("BEGIN { @x = str_concat(\"a\", 2); }", "str_concat() takes a string, not int64");
	expect_error("BEGIN { @x = memcmp(\"a\", \"b\", 3); }",
		     "memcmp() count 3 is larger than the first argument (string[2], 2 bytes)");
	expect_error("BEGIN { $n = \"1\"; @x = memcmp(\"a\", \"b\", $n); }", "memcmp() count must be an integer, not string[2]");
	expect_error("BEGIN { @x = memcmp(\"a\", \"b\", -1); }", "memcmp() count must not be negative");
	expect_error("BEGIN { @x[macaddr(\"aabbcc\")] = 1; }", "macaddr() does not support literal string arguments");
	expect_error("BEGIN { $s = \"abc\"; @x[macaddr($s)] = 1; }", "macaddr() argument must be 6 bytes in size (string[4] provided)");
	expect_error("BEGIN { @x[macaddr((1, 2))] = 1; }", "macaddr() only supports array or pointer arguments");
	expect_error("BEGIN { @x[signal_name(\"a\")] = 1; }", "signal_name() takes an integer");
	expect_error("BEGIN { @x = len(\"a\"); }", "call to len() expects a map, ustack, or kstack");
	expect_error("BEGIN { @x = (string)1; }", "cannot cast int64 to string");
	expect_error("BEGIN { @x = (string[])\"a\"; }", "string[] needs a size");
}

/* Types sema decides for tuples, pointers, arrays and buf()s, checked
 * without the kernel. */
static struct fth_var *var_named(struct fth_prog *p, const char *name)
{
	for (int i = 0; i < p->vars.len; i++) {
		struct fth_var *v = p->vars.items[i];
		if (!strcmp(v->name, name))
			return v;
	}
	fail_msg("no variable %s", name);
	return NULL;
}

static void test_tuple_layout_keeps_int_widths(void **state)
{
	struct compiled c;
	struct fth_prog *p;
	struct fth_type *t;
	struct fth_map *m;

	(void)state;
	compile(&c, "BEGIN { $t = ((int8)1, (int16)2, (int32)3); @m = $t; }");
	p = first_prog(&c);
	t = var_named(p, "$t")->type;
	assert_int_equal(t->size, 8);
	assert_int_equal(t->fields[1].offset, 2);
	assert_int_equal(t->fields[2].offset, 4);
	m = fth_program_find_map(&c.prog, "@m");
	assert_int_equal(m->value_type->size, 24); /* maps store 64-bit integers */
	release(&c);

	/* a variable given a wider integer keeps the wider one */
	compile(&c, "BEGIN { $t = ((int8)1, \"a\"); $t = ((int32)-5, \"bb\"); }");
	p = first_prog(&c);
	t = var_named(p, "$t")->type;
	assert_int_equal(t->fields[0].type->size, 4);
	assert_true(t->fields[0].type->is_signed);
	release(&c);
}

static void test_pointer_types(void **state)
{
	struct compiled c;
	struct fth_prog *p;

	(void)state;
	compile(&c, "BEGIN { $p = (int32 *)1000; $q = $p + 2; $r = 1 + $p; $p += 1; $x = 1; $a = &$x; }");
	p = first_prog(&c);
	assert_int_equal(var_named(p, "$q")->type->kind, FTH_T_POINTER);
	assert_int_equal(var_named(p, "$r")->type->kind, FTH_T_POINTER);
	assert_int_equal(var_named(p, "$p")->type->kind, FTH_T_POINTER);
	assert_int_equal(var_named(p, "$a")->type->kind, FTH_T_POINTER);
	release(&c);

	/* the pointer read through a struct ** keeps its address space (here
	 * none: BEGIN), so both reads use the legacy helper */
	compile(&c, "struct n { long v; } BEGIN { $pp = (struct n **)64; @x = (*$pp)->v; }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read), 2);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read_kernel), 0);
	release(&c);

	/* a declared pointer points where a cast in the probe would: in
	 * BEGIN nowhere in particular, read with the legacy helper */
	compile(&c, "struct n { long v; } BEGIN { let $p: struct n *; $p = (struct n *)64; @x = $p->v; }");
	p = first_prog(&c);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read), 1);
	assert_int_equal(count_calls(p, BPF_FUNC_probe_read_kernel), 0);
	release(&c);

	expect_error("BEGIN { $p = (int8 *)1; $x = $p - $p; }",
		     "The - operator can not be used on expressions of types int8 *, int8 *");
	expect_error("BEGIN { $p = (int8 *)1; $x = 2 - $p; }", "The - operator can not be used");
	expect_error("BEGIN { $p = (int8 *)1; $x = $p * 2; }", "The * operator can not be used");
	expect_error("BEGIN { $p = &curtask; }", "the address-of operator '&' applies to variables only");
}

/* Maps keep pointer types (bpftrace): members are read through a map
 * holding a struct pointer, keys and tuple elements stay pointers, and a
 * map cannot hold pointers to two different types. */
static void test_maps_keep_pointer_types(void **state)
{
	struct compiled c;
	struct fth_map *m;

	(void)state;
	compile(&c, "struct Foo { int m; struct { int x; int y; } bar; int n; } "
		    "BEGIN { @foo = (struct Foo *)64; @bar = @foo.bar; @x = @foo.bar.x; @n = @foo->n; "
		    "@k[(struct Foo *)8] = 1; @t = ((int8 *)16, 2); }");
	assert_int_equal(c.rc, 0);
	m = fth_program_find_map(&c.prog, "@foo");
	assert_int_equal(m->value_type->kind, FTH_T_POINTER);
	assert_string_equal(m->value_type->elem->name, "struct Foo");
	assert_int_equal(m->value_size, 8);
	assert_int_equal(fth_program_find_map(&c.prog, "@bar")->value_type->kind, FTH_T_STRUCT);
	assert_int_equal(fth_program_find_map(&c.prog, "@bar")->value_type->size, 8);
	assert_int_equal(fth_program_find_map(&c.prog, "@x")->value_type->kind, FTH_T_INT);
	assert_int_equal(fth_program_find_map(&c.prog, "@k")->key_type->kind, FTH_T_POINTER);
	assert_int_equal(fth_program_find_map(&c.prog, "@t")->value_type->fields[0].type->kind, FTH_T_POINTER);
	release(&c);

	/* keys of pointers to different types share one 8-byte layout */
	compile(&c, "BEGIN { @k[(int8 *)1] = 1; @k[(int16 *)2] = 2; }");
	assert_int_equal(c.rc, 0);
	release(&c);

	expect_error("BEGIN { @p = (int8 *)1; @p = (int16 *)2; }", "@p holds int8 * elsewhere; it cannot be assigned int16 *");
	expect_error("BEGIN { @p = (int8 *)1; @p = 2; }", "@p holds int8 * elsewhere; it cannot be assigned int64");
}

/* A char array member is a string to bpftrace, read only when used as one:
 * cast to a pointer it is the member's address (the kernel's
 * TCP_SKB_CB(skb) is (struct tcp_skb_cb *)skb->cb), through any chain of
 * members and elements; a string that is a value (a literal, a variable)
 * has no such address. */
static void test_char_member_cast_to_pointer(void **state)
{
	struct compiled c;

	compile(&c, "struct In { int n; char note[8]; struct { char tag[4]; } sub[2]; }\n"
		    "struct Two { char a; char b; }\n"
		    "BEGIN { $in = (struct In *)64;\n"
		    "  $t = (struct Two *)$in->note; @b = $t->b;\n"
		    "  @q = (uint64)(int8 *)$in->sub[1].tag; @r = (uint64)(uint8 *)(*$in).note; }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@b")->value_type->kind, FTH_T_INT);
	release(&c);
	expect_error("BEGIN { $s = \"abc\"; @p = (int8 *)$s; }", "cannot cast string[4] to a pointer");
	expect_error("BEGIN { @p = (int8 *)\"abc\"; }", "cannot cast string[4] to a pointer");
	expect_error("BEGIN { @p = (int8 *)comm; }", "cannot cast string[16] to a pointer");
}

/* cgroupid() of a path that is not there: the hint says where cgroup v2
 * is mounted on this system, not a path it may not have. */
static void test_cgroupid_missing_path_hint(void **state)
{
	struct compiled c;
	char mnt[1024];

	compile(&c, "BEGIN { @x = cgroupid(\"/nonexistent/fth_cg\"); }");
	assert_int_not_equal(c.rc, 0);
	assert_non_null(strstr(c.errors, "Failed to get cgroupid for '/nonexistent/fth_cg'"));
	if (fth_cgroup2_mount(mnt, sizeof(mnt))) {
		char want[1100];
		snprintf(want, sizeof(want), "which is mounted at %s here", mnt);
		assert_non_null(strstr(c.errors, want));
	} else {
		assert_non_null(strstr(c.errors, "none is mounted"));
	}
	assert_null(strstr(c.errors, "system.slice"));
	release(&c);
}

static void test_array_index_and_casts(void **state)
{
	struct compiled c;

	(void)state;
	compile(&c, "struct A { int x[4]; } BEGIN { $a = (struct A *)64; $i = (uint32)1; @v = $a->x[$i]; }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(count_actions(&c, FTH_ACT_RUNTIME_ERROR), 1); /* the bounds check */
	release(&c);
	compile(&c, "struct A { int x[4]; } BEGIN { $a = (struct A *)64; @v = $a->x[3]; @w = (uint64)(uint8[8])5; }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(count_actions(&c, FTH_ACT_RUNTIME_ERROR), 0);
	release(&c);

	expect_error("struct A { int x[4]; } BEGIN { @v = ((struct A *)64)->x[4]; }",
		     "the index 4 is out of bounds for array of size 4");
	expect_error("struct A { int x[4]; } BEGIN { $i = 1; @v = ((struct A *)64)->x[$i]; }",
		     "only accepts positive (unsigned) integer indices. Got: int64");
	expect_error("BEGIN { @v = (uint32)(uint8[8])5; }", "the sizes must be equal");
	/* a string to a byte array of its size; [] takes the value's size */
	compile(&c, "BEGIN { @s = (int8[])\"abc\"; @i = (uint16[])(uint64)1; }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@s")->value_type->kind, FTH_T_ARRAY);
	assert_int_equal(fth_program_find_map(&c.prog, "@s")->value_type->count, 4);
	assert_int_equal(fth_program_find_map(&c.prog, "@i")->value_type->count, 4);
	release(&c);
	expect_error("BEGIN { @s = (int8[2])\"abc\"; }", "cannot cast string[4] to int8[2]: the sizes must be equal");
	expect_error("BEGIN { @s = (int32[])\"abc\"; }", "cannot cast string[4] to int32[]");
	expect_error("BEGIN { @v = buf(\"a\", 1) == 1; }", "cannot compare buffer[1] with int64");
	/* probe values compare with each other (their indexes), nothing else */
	compile(&c, "BEGIN { @e = probe == __builtin_probe; @n = probe != probe(); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@e")->value_type->kind, FTH_T_BOOL);
	release(&c);
	expect_error("BEGIN { @v = probe == 1; }", "needs integer operands, not probe_t");
	expect_error("BEGIN { @v = probe < probe; }", "needs integer operands, not probe_t");
}

/* A macro argument used as a statement may be a block giving no value, and
 * a macro parameter names the argument inside typeof() as well. */
static void test_macro_block_statement_and_typeof(void **state)
{
	struct compiled c;

	(void)state;
	compile(&c, "macro s(x) { x; x; } BEGIN { s({ printf(\"a\") }); }");
	assert_int_equal(c.rc, 0);
	release(&c);
	compile(&c, "macro m(x) { let $y: typeof(x); $y = x; $y } BEGIN { @v = m(\"ab\"); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@v")->value_type->kind, FTH_T_STRING);
	release(&c);
	expect_error("BEGIN { $v = { printf(\"a\") }; }", "this block has no value");
}

static void test_define_string_and_name_bodies(void **state)
{
	struct compiled c;

	(void)state;
	compile(&c, "#define NAME \"hello\"\n#define ALIAS NAME\n#define ON true\n"
		    "BEGIN { @s = ALIAS; @b = ON; }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@s")->value_type->kind, FTH_T_STRING);
	assert_int_equal(fth_program_find_map(&c.prog, "@b")->value_type->kind, FTH_T_BOOL);
	release(&c);
	expect_error("#define A B\n#define B A\nBEGIN { @x = A; }", "stdin:3:14: ERROR: Macro recursion: A->B->A");
}

static void test_tuple_constant_index_and_literal_base(void **state)
{
	struct compiled c;

	(void)state;
	compile(&c, "BEGIN { @a = (1, \"hello\")[1 - 1]; @b = (1, (2, \"x\")).1.1; }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(fth_program_find_map(&c.prog, "@a")->value_type->kind, FTH_T_INT);
	assert_int_equal(fth_program_find_map(&c.prog, "@b")->value_type->kind, FTH_T_STRING);
	release(&c);
	expect_error("BEGIN { $i = 0; @a = (1, 2)[$i]; }", "a tuple index must be an integer literal");
}

static void test_block_values_and_map_declarations(void **state)
{
	struct compiled c;

	(void)state;
	/* a ternary statement of blocks that give nothing is an if/else */
	compile(&c, "BEGIN { $c = 1; $c ? { printf(\"a\") } : { printf(\"b\") }; $x = { printf(\"c\"); 1 }; }");
	assert_int_equal(c.rc, 0);
	release(&c);
	expect_error("BEGIN { $x = { printf(\"a\") }; }",
		     "this block has no value: printf(), which ends it, does not return one");
	expect_error("config = { unstable_map_decl=enable } let @m = hash(4); BEGIN { @m = count(); }",
		     "Incompatible map types. Type from declaration: hash. Type from value/key type: percpuhash");
	expect_error("config = { unstable_map_decl=error } let @m = hash(4); BEGIN { @m = 1; }",
		     "map declarations feature is not enabled by default");
	expect_error("config = { unstable_map_decl=enable } let @m = lruhash(); BEGIN { @m = 1; }",
		     "lruhash() takes one argument");
}

static void test_cpid_without_child(void **state)
{
	struct compiled c;

	(void)state;
	/* no -c: cpid is 0 after a run-time warning, has_cpid is false */
	compile(&c, "BEGIN { @c = cpid; @h = has_cpid; @k = has_cpid(); }");
	assert_int_equal(c.rc, 0);
	assert_int_equal(count_actions(&c, FTH_ACT_WARNF), 1);
	assert_int_equal(fth_program_find_map(&c.prog, "@h")->value_type->kind, FTH_T_BOOL);
	release(&c);
}

/* delete() names one element of one map: a key for a map without keys, the
 * old several-maps form and a keyed map without a key are errors (each
 * used to delete some other element without a word). */
static void test_delete_key_matches_the_map(void **state)
{
	struct compiled c;

	(void)state;
	expect_error("BEGIN { @a = 1; @b[1] = 2; delete(@a, @b[1]); }",
		     "deleting several maps in one call is no longer supported");
	expect_error("BEGIN { @a = 1; @b[1] = 2; delete(@a, @b[1]); }", "HINT: delete one map per call: delete(@a); delete(@b, key);");
	expect_error("BEGIN { @a = 1; @b = 2; delete(@a, @b); }", "HINT: delete one map per call: delete(@a); delete(@b);");
	expect_error("BEGIN { @a = 1; delete(@a, 1); }", "@a has no keys, so delete() cannot take a key for it");
	expect_error("BEGIN { @a[1, \"x\"] = 1; delete(@a); }", "delete() of @a needs a key: @a has keys of type (int64, string[2])");
	/* the map's keys are known from a probe written later */
	expect_error("END { delete(@a); } BEGIN { @a[1] = 1; }", "stdin:1:14-16: ERROR: delete() of @a needs a key");
	expect_compiles(&c, "BEGIN { @a[1] = 1; delete(@a[1]); delete(@a, 1); @b = 1; delete(@b); @c = count(); delete(@c); }");
	release(&c);
}

/* $N given a word is a string; used as a number the error names the
 * parameter and what it was given, as bpftrace does. Read with str() or
 * compared with a string it stays fine. */
static void test_string_parameter_used_as_number(void **state)
{
	const char *params[] = { "pts2", "7" };
	struct compiled c;

	(void)state;
	compile_with_params(&c, "BEGIN { printf(\"%d\\n\", $1 + 3); }", params, 2);
	assert_int_not_equal(c.rc, 0);
	assert_non_null(strstr(c.errors, "stdin:1:24-26: ERROR: $1 is used as a number, but it was given \"pts2\""));
	assert_non_null(strstr(c.errors, "HINT: pass a number as parameter 1, or use str($1) to read it as a string"));
	release(&c);
	compile_with_params(&c, "BEGIN { if (pid == $1) { exit(); } }", params, 2);
	assert_non_null(strstr(c.errors, "$1 is used as a number, but it was given \"pts2\""));
	release(&c);
	compile_with_params(&c, "BEGIN { printf(\"%s %d\\n\", str($1 + 1), $2 * 2); if ($1 == \"pts2\") { exit(); } }",
			    params, 2);
	assert_int_equal(c.rc, 0);
	release(&c);
}

/* A tracepoint's pointer field keeps every level of its C type:
 * "const char *const * argv" is an int8 ** whose strings (*args.argv,
 * args.argv[1]) are user memory, "int * tidptr" an int32 *; it used to be
 * an int8 * whatever it pointed at, so *args.argv read one byte. */
static void test_tracepoint_pointer_fields_keep_their_levels(void **state)
{
	struct compiled c;
	const struct fth_type *t;

	(void)state;
	compile(&c, "tracepoint:syscalls:sys_enter_execve { @a = args.argv; @p = *args.argv; @q = args.argv[1]; "
		    "@f = args.filename; }");
	assert_int_equal(c.rc, 0);
	t = fth_program_find_map(&c.prog, "@a")->value_type;
	assert_int_equal(t->kind, FTH_T_POINTER);
	assert_true(t->user_space);
	assert_int_equal(t->elem->kind, FTH_T_POINTER);
	assert_int_equal(t->elem->elem->kind, FTH_T_INT);
	assert_int_equal(t->elem->elem->size, 1);
	/* named as C and bpftrace write it */
	assert_string_equal(fth_type_describe(&c.prog.arena, t), "int8 **");
	assert_string_equal(fth_type_full_name(&c.prog.arena, t), "int8 **");
	for (int i = 0; i < 2; i++) {
		t = fth_program_find_map(&c.prog, i ? "@q" : "@p")->value_type;
		assert_int_equal(t->kind, FTH_T_POINTER);
		assert_true(t->user_space);
		assert_int_equal(t->elem->size, 1);
	}
	t = fth_program_find_map(&c.prog, "@f")->value_type;
	assert_int_equal(t->kind, FTH_T_POINTER);
	assert_int_equal(t->elem->kind, FTH_T_INT);
	release(&c);
	compile(&c, "tracepoint:syscalls:sys_enter_set_tid_address { @t = args.tidptr; }");
	assert_int_equal(c.rc, 0);
	t = fth_program_find_map(&c.prog, "@t")->value_type;
	assert_int_equal(t->elem->kind, FTH_T_INT);
	assert_int_equal(t->elem->size, 4);
	assert_true(t->elem->is_signed);
	release(&c);
}

/* -k: a failed read inside printf's arguments warns too. The warning's
 * record is sent while the arguments hold every free register, so it
 * keeps its pointer in r0; it used to need a register of its own, and
 * printf("%d", *$p) with -k did not compile ("expression too complex"). */
static void test_helper_warnings_inside_printf_arguments(void **state)
{
	const char *text = "BEGIN { $p = (uint64 *)8; printf(\"[%s] %d %d\\n\", str(*$p), *$p, *(int32 *)$p); }";
	struct compiled c;

	(void)state;
	compile_begin(&c, text);
	c.prog.config.helper_warnings = true;
	compile_finish(&c);
	if (c.rc != 0) {
		print_error("expected it to compile with -k:\n%s\n", c.errors);
		fail();
	}
	/* one warning per read: str()'s pointer, str() itself, two derefs */
	assert_int_equal(count_actions(&c, FTH_ACT_HELPER_ERROR), 4);
	release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_compiles),
		cmocka_unit_test(test_count_updates_in_place),
		cmocka_unit_test(test_comm_key_zeroed_first),
		cmocka_unit_test(test_str_padding_only_for_keys),
		cmocka_unit_test(test_str_length_of_a_string),
		cmocka_unit_test(test_map_types_learned_in_any_order),
		cmocka_unit_test(test_tuple_keys_and_strings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_write_user_calls_helper),
		cmocka_unit_test(test_deref_integer_width),
		cmocka_unit_test(test_stored_stack_not_recaptured),
		cmocka_unit_test(test_error_location),
		cmocka_unit_test(test_error_hints),
		cmocka_unit_test(test_loops_and_control_flow),
		cmocka_unit_test(test_for_map_callback_layout),
		cmocka_unit_test(test_for_map_nested_and_percpu),
		cmocka_unit_test(test_for_map_errors),
		cmocka_unit_test(test_block_scoping),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_for_map_combined_stack),
		cmocka_unit_test(test_many_assignments),
		cmocka_unit_test(test_verifier_summary),
		cmocka_unit_test(test_seq_printf_formats),
		cmocka_unit_test(test_map_bloat_warning),
		cmocka_unit_test(test_static_assert_is_void),
		cmocka_unit_test(test_predicate_map_read_reused),
		cmocka_unit_test(test_big_strings_use_scratch),
		cmocka_unit_test(test_type_predicates_fold),
		cmocka_unit_test(test_container_of_and_is_err_rewrites),
		cmocka_unit_test(test_typeof_types),
		cmocka_unit_test(test_import_resolution),
		cmocka_unit_test(test_fn_calls_expand_in_place),
		cmocka_unit_test(test_comptime),
		cmocka_unit_test(test_deref_helper_by_address_space),
		cmocka_unit_test(test_string_functions),
		cmocka_unit_test(test_string_function_errors),
		cmocka_unit_test(test_compile_time_language),
		cmocka_unit_test(test_tuple_layout_keeps_int_widths),
		cmocka_unit_test(test_pointer_types),
		cmocka_unit_test(test_array_index_and_casts),
		cmocka_unit_test(test_define_string_and_name_bodies),
		cmocka_unit_test(test_macro_block_statement_and_typeof),
		cmocka_unit_test(test_tuple_constant_index_and_literal_base),
		cmocka_unit_test(test_block_values_and_map_declarations),
		cmocka_unit_test(test_cpid_without_child),
		cmocka_unit_test(test_delete_key_matches_the_map),
		cmocka_unit_test(test_string_parameter_used_as_number),
		cmocka_unit_test(test_tracepoint_pointer_fields_keep_their_levels),
		cmocka_unit_test(test_helper_warnings_inside_printf_arguments),
		cmocka_unit_test(test_maps_keep_pointer_types),
		cmocka_unit_test(test_str_reads_one_byte_past_its_type),
		cmocka_unit_test(test_map_typed_by_later_or_own_assignment),
		cmocka_unit_test(test_comparisons_are_compact),
		cmocka_unit_test(test_literal_operands_are_immediates),
		cmocka_unit_test(test_comparison_types),
		cmocka_unit_test(test_logical_conditions_jump),
		cmocka_unit_test(test_bool_compound_assignment),
		cmocka_unit_test(test_event_arguments_before_record),
		cmocka_unit_test(test_exit_code_expression),
		cmocka_unit_test(test_conditional_predicate_reads_not_reused),
		cmocka_unit_test(test_map_address),
		cmocka_unit_test(test_pointer_map_arithmetic),
		cmocka_unit_test(test_arithmetic_signedness),
		cmocka_unit_test(test_map_typed_through_variable_cycle),
		cmocka_unit_test(test_btlib),
		cmocka_unit_test(test_char_member_cast_to_pointer),
		cmocka_unit_test(test_cgroupid_missing_path_hint),
		cmocka_unit_test(test_failed_assignment_chain_is_one_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
