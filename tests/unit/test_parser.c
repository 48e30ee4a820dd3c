/* test_parser.c - unit tests for the bpftrace parser (src/parser.c) and the
 * AST printer (src/ast.c). Most tests compare the printed tree, which shows
 * structure, operators and names in a form that is easy to read in a diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "lexer.h"
#include "parser.h"

struct parsed {
	struct fth_source src;
	struct fth_diag diag;
	struct fth_arena arena;
	struct fth_node *program;
	char *messages;
	size_t messages_len;
	FILE *out;
};

static void parse_n(struct parsed *r, const char *text, uint32_t len)
{
	memset(r, 0, sizeof(*r));
	r->src.name = "stdin";
	r->src.text = text;
	r->src.len = len;
	r->out = open_memstream(&r->messages, &r->messages_len);
	fth_diag_init(&r->diag, &r->src, r->out);
	fth_arena_init(&r->arena);
	r->program = fth_parse(&r->src, &r->diag, &r->arena);
	fflush(r->out);
	assert_non_null(r->program);
	assert_int_equal(r->program->kind, FTH_PROGRAM);
}

static void parse(struct parsed *r, const char *text)
{
	parse_n(r, text, (uint32_t)strlen(text));
}

static void parsed_free(struct parsed *r)
{
	fclose(r->out);
	free(r->messages);
	fth_arena_free(&r->arena);
}

/* Printed tree of `node`; src NULL leaves out [line:col]. Caller frees. */
static char *ast_string(const struct fth_node *node, const struct fth_source *src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fth_ast_print(f, src, node);
	fclose(f);
	return buf;
}

static void parse_ok(struct parsed *r, const char *text)
{
	parse(r, text);
	if (r->diag.errors)
		fail_msg("unexpected errors for:\n%s\n%s", text, r->messages);
}

static void assert_ast(const char *text, const char *expected)
{
	struct parsed r;
	char *got;

	parse_ok(&r, text);
	got = ast_string(r.program, NULL);
	if (strcmp(got, expected) != 0)
		fail_msg("AST mismatch for:\n%s\n--- got:\n%s--- want:\n%s", text, got, expected);
	free(got);
	parsed_free(&r);
}

/* Parse `BEGIN { _ = EXPR; }` and compare the tree of EXPR alone. */
static void assert_expr(const char *expr, const char *expected)
{
	struct parsed r;
	char text[512];
	const struct fth_node *probe, *assign;
	char *got;

	snprintf(text, sizeof(text), "BEGIN { _ = %s; }", expr);
	parse_ok(&r, text);
	probe = r.program->u.program.probes.items[0];
	assign = probe->u.probe.body->u.block.stmts.items[0];
	assert_int_equal(assign->kind, FTH_ASSIGN);
	got = ast_string(assign->u.assign.value, NULL);
	if (strcmp(got, expected) != 0)
		fail_msg("AST mismatch for expression: %s\n--- got:\n%s--- want:\n%s", expr, got, expected);
	free(got);
	parsed_free(&r);
}

/* Parse `text` and compare every diagnostic printed, byte for byte. */
static void assert_diagnostics(const char *text, int errors, const char *expected)
{
	struct parsed r;

	parse(&r, text);
	if (strcmp(r.messages, expected) != 0)
		fail_msg("diagnostics mismatch for:\n%s\n--- got:\n%s--- want:\n%s", text, r.messages, expected);
	assert_int_equal(r.diag.errors, errors);
	parsed_free(&r);
}

struct ast_case {
	const char *text;
	const char *expected;
};

/* ------------------------------------------------------------------------ */
/* the seed one-liners                                                       */

static const struct ast_case seed_cases[] = {
	{ "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }",
	  "program\n"
	  "  probe\n"
	  "    attach tracepoint:raw_syscalls:sys_enter\n"
	  "    block\n"
	  "      assign =\n"
	  "        map @\n"
	  "          ident comm\n"
	  "        call count\n" },
	{ "tracepoint:syscalls:sys_enter_openat { printf(\"%s: %s\\n\", comm, str(args->filename)); }",
	  "program\n"
	  "  probe\n"
	  "    attach tracepoint:syscalls:sys_enter_openat\n"
	  "    block\n"
	  "      expr\n"
	  "        call printf\n"
	  "          string \"%s: %s\\n\"\n"
	  "          ident comm\n"
	  "          call str\n"
	  "            field ->filename\n"
	  "              ident args\n" },
	{ "tracepoint:raw_syscalls:sys_enter { @start[tid] = nsecs; }  tracepoint:raw_syscalls:sys_exit /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }",
	  "program\n"
	  "  probe\n"
	  "    attach tracepoint:raw_syscalls:sys_enter\n"
	  "    block\n"
	  "      assign =\n"
	  "        map @start\n"
	  "          ident tid\n"
	  "        ident nsecs\n"
	  "  probe\n"
	  "    attach tracepoint:raw_syscalls:sys_exit\n"
	  "    predicate\n"
	  "      map @start\n"
	  "        ident tid\n"
	  "    block\n"
	  "      assign =\n"
	  "        map @ns\n"
	  "        call hist\n"
	  "          binary -\n"
	  "            ident nsecs\n"
	  "            map @start\n"
	  "              ident tid\n"
	  "      expr\n"
	  "        call delete\n"
	  "          map @start\n"
	  "            ident tid\n" },
	{ "profile:hz:99 { @[comm] = count(); }",
	  "program\n"
	  "  probe\n"
	  "    attach profile:hz:99\n"
	  "    block\n"
	  "      assign =\n"
	  "        map @\n"
	  "          ident comm\n"
	  "        call count\n" },
	{ "kprobe:vfs_read /(rand() % 100) < 1/ { @sampled = count(); }",
	  "program\n"
	  "  probe\n"
	  "    attach kprobe:vfs_read\n"
	  "    predicate\n"
	  "      binary <\n"
	  "        binary %\n"
	  "          call rand\n"
	  "          int 100\n"
	  "        int 1\n"
	  "    block\n"
	  "      assign =\n"
	  "        map @sampled\n"
	  "        call count\n" },
	{ "kprobe:tcp_sendmsg { @count++; if (@count % 100 == 0) { printf(\"Sample: %s sent TCP\\n\", comm); } }",
	  "program\n"
	  "  probe\n"
	  "    attach kprobe:tcp_sendmsg\n"
	  "    block\n"
	  "      expr\n"
	  "        incdec ++ postfix\n"
	  "          map @count\n"
	  "      if\n"
	  "        binary ==\n"
	  "          binary %\n"
	  "            map @count\n"
	  "            int 100\n"
	  "          int 0\n"
	  "        block\n"
	  "          expr\n"
	  "            call printf\n"
	  "              string \"Sample: %s sent TCP\\n\"\n"
	  "              ident comm\n" },
	{ "kprobe:tcp_sendmsg { printf(\"tcp_sendmsg: size=%d\\n\", ((struct msghdr *)arg1)->msg_iter.count); }",
	  "program\n"
	  "  probe\n"
	  "    attach kprobe:tcp_sendmsg\n"
	  "    block\n"
	  "      expr\n"
	  "        call printf\n"
	  "          string \"tcp_sendmsg: size=%d\\n\"\n"
	  "          field .count\n"
	  "            field ->msg_iter\n"
	  "              cast struct msghdr *\n"
	  "                ident arg1\n" },
	{ "BEGIN { @pids[1234] = 1; @pids[5678] = 1; } kprobe:do_sys_open /@pids[pid]/ { printf(\"Monitored PID %d opened file\\n\", pid); }",
	  "program\n"
	  "  probe\n"
	  "    attach BEGIN\n"
	  "    block\n"
	  "      assign =\n"
	  "        map @pids\n"
	  "          int 1234\n"
	  "        int 1\n"
	  "      assign =\n"
	  "        map @pids\n"
	  "          int 5678\n"
	  "        int 1\n"
	  "  probe\n"
	  "    attach kprobe:do_sys_open\n"
	  "    predicate\n"
	  "      map @pids\n"
	  "        ident pid\n"
	  "    block\n"
	  "      expr\n"
	  "        call printf\n"
	  "          string \"Monitored PID %d opened file\\n\"\n"
	  "          ident pid\n" },
	{ "interval:s:5 { print(@latency_us); clear(@latency_us); }",
	  "program\n"
	  "  probe\n"
	  "    attach interval:s:5\n"
	  "    block\n"
	  "      expr\n"
	  "        call print\n"
	  "          map @latency_us\n"
	  "      expr\n"
	  "        call clear\n"
	  "          map @latency_us\n" },
	{ "uretprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc { printf(\"malloc returned %p\\n\", retval); }",
	  "program\n"
	  "  probe\n"
	  "    attach uretprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc\n"
	  "    block\n"
	  "      expr\n"
	  "        call printf\n"
	  "          string \"malloc returned %p\\n\"\n"
	  "          ident retval\n" },
};

static void test_seed_one_liners(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(seed_cases) / sizeof(seed_cases[0]); i++)
		assert_ast(seed_cases[i].text, seed_cases[i].expected);
}

/* ------------------------------------------------------------------------ */
/* expressions                                                               */

static void test_precedence_arithmetic(void **state)
{
	(void)state;
	assert_expr("1 + 2 * 3", "binary +\n  int 1\n  binary *\n    int 2\n    int 3\n");
	assert_expr("(1 + 2) * 3", "binary *\n  binary +\n    int 1\n    int 2\n  int 3\n");
	assert_expr("-x * y", "binary *\n  unary -\n    ident x\n  ident y\n");
	assert_expr("a - b - c", "binary -\n  binary -\n    ident a\n    ident b\n  ident c\n");
	assert_expr("a / b % c", "binary %\n  binary /\n    ident a\n    ident b\n  ident c\n");
	assert_expr("a << 1 + 2", "binary <<\n  ident a\n  binary +\n    int 1\n    int 2\n");
}

static void test_precedence_logic_and_bits(void **state)
{
	(void)state;
	assert_expr("a || b && c", "binary ||\n  ident a\n  binary &&\n    ident b\n    ident c\n");
	assert_expr("a && b || c", "binary ||\n  binary &&\n    ident a\n    ident b\n  ident c\n");
	assert_expr("a | b ^ c & d",
		    "binary |\n  ident a\n  binary ^\n    ident b\n    binary &\n      ident c\n      ident d\n");
	assert_expr("a == b < c", "binary ==\n  ident a\n  binary <\n    ident b\n    ident c\n");
	assert_expr("a & b == c", "binary &\n  ident a\n  binary ==\n    ident b\n    ident c\n");
	assert_expr("a >= 1 != b <= 2",
		    "binary !=\n  binary >=\n    ident a\n    int 1\n  binary <=\n    ident b\n    int 2\n");
}

static void test_ternary(void **state)
{
	(void)state;
	/* right-associative */
	assert_expr("a ? b : c ? d : e",
		    "ternary\n  ident a\n  ident b\n  ternary\n    ident c\n    ident d\n    ident e\n");
	assert_expr("a ? b ? c : d : e",
		    "ternary\n  ident a\n  ternary\n    ident b\n    ident c\n    ident d\n  ident e\n");
	/* lowest precedence */
	assert_expr("a || b ? 1 : 2", "ternary\n  binary ||\n    ident a\n    ident b\n  int 1\n  int 2\n");
	assert_expr("a ?: b", "ternary ?:\n  ident a\n  ident b\n");
}

static void test_unary_and_postfix(void **state)
{
	(void)state;
	assert_expr("!-~x", "unary !\n  unary -\n    unary ~\n      ident x\n");
	assert_expr("*&$x", "unary *\n  unary &\n    var $x\n");
	assert_expr("$x.a->b[1].0",
		    "tuple_index .0\n  index\n    field ->b\n      field .a\n        var $x\n    int 1\n");
	assert_expr("++$x + $y--",
		    "binary +\n  incdec ++ prefix\n    var $x\n  incdec -- postfix\n    var $y\n");
	assert_expr("-@m[1]++", "unary -\n  incdec ++ postfix\n    map @m\n      int 1\n");
	assert_expr("args.filename", "field .filename\n  ident args\n");
	assert_expr("config.max_strlen", "field .max_strlen\n  ident config\n");
	assert_expr("$r.union", "field .union\n  var $r\n");
}

static void test_casts_versus_parentheses(void **state)
{
	(void)state;
	/* a bare identifier in parentheses is a cast only for a type word */
	assert_expr("(pid)*tid", "binary *\n  ident pid\n  ident tid\n");
	assert_expr("(comm)", "ident comm\n");
	assert_expr("(uint32)*p", "cast uint32\n  unary *\n    ident p\n");
	/* ... and only when an operand follows */
	assert_expr("(uint32) + 1", "binary +\n  ident uint32\n  int 1\n");
	assert_expr("(u64)-1", "cast u64\n  unary -\n    int 1\n");
	assert_expr("(pid_t)x", "cast pid_t\n  ident x\n");
	assert_expr("(int8 *)p", "cast int8 *\n  ident p\n");
	assert_expr("(struct task_struct *)curtask", "cast struct task_struct *\n  ident curtask\n");
	assert_expr("(struct foo **)p->x", "cast struct foo **\n  field ->x\n    ident p\n");
	/* bpftrace's older form: a pointer to a bare name is a struct pointer */
	assert_expr("(nameidata *)arg0", "cast struct nameidata *\n  ident arg0\n");
	assert_expr("((bio **)arg1)", "cast struct bio **\n  ident arg1\n");
	assert_expr("(arg0 * arg1)", "binary *\n  ident arg0\n  ident arg1\n");
	assert_expr("(arg0 * (arg1))", "binary *\n  ident arg0\n  ident arg1\n");
	assert_expr("(uint8[8])x", "cast uint8[8]\n  ident x\n");
	assert_expr("(string[64])s", "cast string[64]\n  ident s\n");
	assert_expr("(uint8[])s", "cast uint8[]\n  ident s\n");
	assert_expr("(unsigned long)x", "cast unsigned long\n  ident x\n");
	assert_expr("(const char *)x", "cast char *\n  ident x\n");
	assert_expr("(typeof($x))$y", "cast typeof(...)\n  var $x\n  var $y\n");
	assert_expr("(uint32)x + 1", "binary +\n  cast uint32\n    ident x\n  int 1\n");
	assert_expr("((struct msghdr *)arg1)->msg_iter.count",
		    "field .count\n  field ->msg_iter\n    cast struct msghdr *\n      ident arg1\n");
}

static void test_cast_type_details(void **state)
{
	struct parsed r;
	const struct fth_node *assign, *cast;

	(void)state;
	parse_ok(&r, "BEGIN { $p = (struct foo **)arg0; }");
	assign = r.program->u.program.probes.items[0]->u.probe.body->u.block.stmts.items[0];
	cast = assign->u.assign.value;
	assert_int_equal(cast->kind, FTH_CAST);
	assert_string_equal(cast->u.cast.type_name.base, "struct foo");
	assert_int_equal(cast->u.cast.type_name.pointer_depth, 2);
	assert_int_equal(cast->u.cast.type_name.array_len, 0);
	assert_null(cast->u.cast.type_name.typeof_expr);
	parsed_free(&r);
}

static void test_sizeof_offsetof_typeof(void **state)
{
	(void)state;
	assert_expr("sizeof(struct foo)", "sizeof struct foo\n");
	assert_expr("sizeof(uint32)", "sizeof uint32\n");
	assert_expr("sizeof(struct foo *)", "sizeof struct foo *\n");
	assert_expr("sizeof($x)", "sizeof\n  var $x\n");
	assert_expr("sizeof(pid)", "sizeof\n  ident pid\n");
	assert_expr("offsetof(struct foo, a.b.c)", "offsetof struct foo a.b.c\n");
	assert_expr("offsetof($x, f)", "offsetof f\n  var $x\n");
	assert_expr("typeof(struct foo)", "typeof struct foo\n");
	assert_expr("typeof($x + 1)", "typeof\n  binary +\n    var $x\n    int 1\n");
}

/* container_of's second argument is a type (kept in a typeof node); the
 * member path parses as fields of an identifier. Elsewhere a bare name in
 * that place stays an expression. */
static void test_container_of_type_argument(void **state)
{
	(void)state;
	assert_expr("container_of($p, struct foo, a.b)",
		    "call container_of\n  var $p\n  typeof struct foo\n  field .b\n    ident a\n");
	assert_expr("container_of($p, struct foo *, list)",
		    "call container_of\n  var $p\n  typeof struct foo *\n  ident list\n");
	assert_expr("container_of($p, typeof($q), c)",
		    "call container_of\n  var $p\n  typeof\n    var $q\n  ident c\n");
	assert_expr("other($p, pid, c)", "call other\n  var $p\n  ident pid\n  ident c\n");
}

/* `comptime expr` is the call comptime(expr); comptime(x) stays a call. */
static void test_comptime_prefix(void **state)
{
	(void)state;
	assert_expr("comptime !is_str(1)", "call comptime\n  unary !\n    call is_str\n      int 1\n");
	assert_expr("comptime (1 + 2)", "call comptime\n  binary +\n    int 1\n    int 2\n");
	assert_expr("comptime", "ident comptime\n");
}

/* import "x"; is a preamble item with its path; after a probe it is an
 * error. */
static void test_import_statements(void **state)
{
	struct parsed r;
	const struct fth_node *imp;

	(void)state;
	parse_ok(&r, "import \"lib.bt\";\nimport \"dir\";\nBEGIN { }");
	assert_int_equal(r.program->u.program.imports.len, 2);
	imp = r.program->u.program.imports.items[0];
	assert_int_equal(imp->kind, FTH_IMPORT);
	assert_string_equal(imp->u.import.path, "lib.bt");
	assert_string_equal(((const struct fth_node *)r.program->u.program.imports.items[1])->u.import.path, "dir");
	parsed_free(&r);

	parse(&r, "BEGIN { } import \"lib.bt\";");
	assert_non_null(strstr(r.messages, "stdin:1:11-17: ERROR: 'import' must come before probes"));
	parsed_free(&r);
}

static void test_literals(void **state)
{
	(void)state;
	assert_expr("true", "bool true\n");
	assert_expr("false", "bool false\n");
	assert_expr("1ms", "int 1000000\n");
	assert_expr("1e6", "int 1000000\n");
	assert_expr("0x1F", "int 31\n");
	assert_expr("010", "int 8\n");
	assert_expr("1_000", "int 1000\n");
	assert_expr("18446744073709551615", "int 18446744073709551615\n");
	assert_expr("$1", "positional $1\n");
	assert_expr("$#", "positional $#\n");
	assert_expr("\"a\\tb\\x01\\\"\"", "string \"a\\tb\\x01\\\"\"\n");
}

static void test_maps_and_calls(void **state)
{
	(void)state;
	assert_expr("@", "map @\n");
	assert_expr("@[comm]", "map @\n  ident comm\n");
	assert_expr("@m[pid, comm]", "map @m\n  ident pid\n  ident comm\n");
	assert_expr("count()", "call count\n");
	assert_expr("hist(x, 2)", "call hist\n  ident x\n  int 2\n");
	assert_expr("kstack(perf, 3)", "call kstack\n  ident perf\n  int 3\n");
	assert_expr("delete(@m[1])", "call delete\n  map @m\n    int 1\n");
}

static void test_tuples_and_records(void **state)
{
	(void)state;
	assert_expr("(1, \"a\")", "tuple\n  int 1\n  string \"a\"\n");
	assert_expr("()", "tuple\n");
	assert_expr("(1,)", "tuple\n  int 1\n");
	assert_expr("(1, 2,)", "tuple\n  int 1\n  int 2\n");
	assert_expr("(a=1, b=2)", "record\n  record_field a\n    int 1\n  record_field b\n    int 2\n");
	assert_expr("(a = $x)", "record\n  record_field a\n    var $x\n");
	assert_expr("$t.1", "tuple_index .1\n  var $t\n");
}

static void test_block_and_if_expressions(void **state)
{
	(void)state;
	assert_expr("{ let $k = 2; $k * 3 }",
		    "block_expr\n  let $k\n    int 2\n  value\n    binary *\n      var $k\n      int 3\n");
	assert_expr("if $c { 1 } else { 2 }",
		    "if\n  var $c\n  block\n    value\n      int 1\n  else\n    block\n      value\n        int 2\n");
	/* if comptime: the condition wrapped in a "comptime" mark for sema */
	assert_expr("if comptime !$c { 1 } else { 2 }",
		    "if\n  call comptime\n    unary !\n      var $c\n  block\n    value\n      int 1\n  else\n"
		    "    block\n      value\n        int 2\n");
}

/* ------------------------------------------------------------------------ */
/* statements and top level                                                  */

static void test_statements_and_declarations(void **state)
{
	(void)state;
	assert_ast("config = { max_map_keys = 2; stack_mode = perf; missing_probes = \"warn\"; "
		   "print_maps_on_exit = false }\n"
		   "let @m = lruhash(100);\n"
		   "macro add_one(x) { x + 1 }\n"
		   "macro bump($v, @c) { $v += 1; @c++; }\n"
		   "fn f($a: uint8): int64 { return $a + 1; }\n"
		   "BEGIN {\n"
		   "  let $x;\n"
		   "  let $y: uint16 = 5;\n"
		   "  if $y > 1 { $x = 1; } else if ($y == 0) { $x = 2; } else { $x = 3 }\n"
		   "  while ($x < 10) { $x++; if $x == 5 { break; } continue; }\n"
		   "  unroll(3) { --$x; }\n"
		   "  for ($kv : @m) { print($kv.1); }\n"
		   "  for $i : 0..$y { print($i); }\n"
		   "}\n",
		   "program\n"
		   "  config\n"
		   "    config_item max_map_keys\n"
		   "      int 2\n"
		   "    config_item stack_mode\n"
		   "      ident perf\n"
		   "    config_item missing_probes\n"
		   "      string \"warn\"\n"
		   "    config_item print_maps_on_exit\n"
		   "      bool false\n"
		   "  map_decl @m lruhash\n"
		   "    int 100\n"
		   "  macro add_one\n"
		   "    param x\n"
		   "    block\n"
		   "      value\n"
		   "        binary +\n"
		   "          ident x\n"
		   "          int 1\n"
		   "  macro bump\n"
		   "    param $v\n"
		   "    param @c\n"
		   "    block\n"
		   "      assign +=\n"
		   "        var $v\n"
		   "        int 1\n"
		   "      expr\n"
		   "        incdec ++ postfix\n"
		   "          map @c\n"
		   "  fn f: int64\n"
		   "    param $a: uint8\n"
		   "    block\n"
		   "      return\n"
		   "        binary +\n"
		   "          var $a\n"
		   "          int 1\n"
		   "  probe\n"
		   "    attach BEGIN\n"
		   "    block\n"
		   "      let $x\n"
		   "      let $y: uint16\n"
		   "        int 5\n"
		   "      if\n"
		   "        binary >\n"
		   "          var $y\n"
		   "          int 1\n"
		   "        block\n"
		   "          assign =\n"
		   "            var $x\n"
		   "            int 1\n"
		   "        else\n"
		   "          if\n"
		   "            binary ==\n"
		   "              var $y\n"
		   "              int 0\n"
		   "            block\n"
		   "              assign =\n"
		   "                var $x\n"
		   "                int 2\n"
		   "            else\n"
		   "              block\n"
		   "                assign =\n"
		   "                  var $x\n"
		   "                  int 3\n"
		   "      while\n"
		   "        binary <\n"
		   "          var $x\n"
		   "          int 10\n"
		   "        block\n"
		   "          expr\n"
		   "            incdec ++ postfix\n"
		   "              var $x\n"
		   "          if\n"
		   "            binary ==\n"
		   "              var $x\n"
		   "              int 5\n"
		   "            block\n"
		   "              break\n"
		   "          continue\n"
		   "      unroll\n"
		   "        int 3\n"
		   "        block\n"
		   "          expr\n"
		   "            incdec -- prefix\n"
		   "              var $x\n"
		   "      for_map\n"
		   "        var $kv\n"
		   "        map @m\n"
		   "        block\n"
		   "          expr\n"
		   "            call print\n"
		   "              tuple_index .1\n"
		   "                var $kv\n"
		   "      for_range\n"
		   "        var $i\n"
		   "        int 0\n"
		   "        var $y\n"
		   "        block\n"
		   "          expr\n"
		   "            call print\n"
		   "              var $i\n");
}

static void test_assignment_operators(void **state)
{
	static const char *const ops[] = { "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>" };

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char text[64], expected[128];
		snprintf(text, sizeof(text), "BEGIN { @x %s= 2 }", ops[i]);
		snprintf(expected, sizeof(expected),
			 "program\n  probe\n    attach BEGIN\n    block\n      assign %s=\n        map @x\n"
			 "        int 2\n", ops[i]);
		assert_ast(text, expected);
	}
	assert_ast("BEGIN { _ = 1; $x = 2; @a[1] = 3; }",
		   "program\n  probe\n    attach BEGIN\n    block\n"
		   "      assign =\n        ident _\n        int 1\n"
		   "      assign =\n        var $x\n        int 2\n"
		   "      assign =\n        map @a\n          int 1\n        int 3\n");
}

static void test_assign_node_fields(void **state)
{
	struct parsed r;
	const struct fth_node *stmt;

	(void)state;
	parse_ok(&r, "BEGIN { $x <<= 3; $y = 1; }");
	stmt = r.program->u.program.probes.items[0]->u.probe.body->u.block.stmts.items[0];
	assert_int_equal(stmt->u.assign.op, TOK_SHL);
	stmt = r.program->u.program.probes.items[0]->u.probe.body->u.block.stmts.items[1];
	assert_int_equal(stmt->u.assign.op, 0);
	parsed_free(&r);
}

static void test_semicolons(void **state)
{
	(void)state;
	/* empty statements, optional last ';', no ';' after blocks */
	assert_ast("BEGIN { ;; print(1);; if x { } print(2) }",
		   "program\n  probe\n    attach BEGIN\n    block\n"
		   "      expr\n        call print\n          int 1\n"
		   "      if\n        ident x\n        block\n"
		   "      expr\n        call print\n          int 2\n");
	/* stray ';' between probes */
	assert_ast("BEGIN {}; END {}", "program\n  probe\n    attach BEGIN\n    block\n"
				       "  probe\n    attach END\n    block\n");
	/* nested blocks and return */
	assert_ast("BEGIN { { return } }", "program\n  probe\n    attach BEGIN\n    block\n"
					   "      block\n        return\n");
}

static void test_predicates(void **state)
{
	(void)state;
	assert_ast("kprobe:f /$x / 2 > 1/ { }",
		   "program\n  probe\n    attach kprobe:f\n    predicate\n"
		   "      binary >\n        binary /\n          var $x\n          int 2\n        int 1\n"
		   "    block\n");
	assert_ast("kprobe:f /comm == \"myapp\"/ // why\n { }",
		   "program\n  probe\n    attach kprobe:f\n    predicate\n"
		   "      binary ==\n        ident comm\n        string \"myapp\"\n    block\n");
	assert_ast("kprobe:f /pid == 1234/{}",
		   "program\n  probe\n    attach kprobe:f\n    predicate\n"
		   "      binary ==\n        ident pid\n        int 1234\n    block\n");
	assert_ast("BEGIN/1/{}", "program\n  probe\n    attach BEGIN\n    predicate\n      int 1\n    block\n");
}

static void test_attach_points(void **state)
{
	struct parsed r;
	const struct fth_node *probe, *ap;

	(void)state;
	parse_ok(&r, "myname=uprobe:\"/a b/lib.so\":\"ns::f\", t:sys*:*open*, BEGIN, interval:1s,\n"
		     "  /* comment */ kprobe:vfs_read+16, { }");
	probe = r.program->u.program.probes.items[0];
	assert_string_equal(probe->u.probe.name, "myname");
	assert_int_equal(probe->u.probe.attach_points.len, 5);

	ap = probe->u.probe.attach_points.items[0];
	assert_string_equal(ap->u.attach.text, "uprobe:/a b/lib.so:ns::f");
	assert_int_equal(ap->u.attach.nparts, 3);
	assert_string_equal(ap->u.attach.parts[0], "uprobe");
	assert_string_equal(ap->u.attach.parts[1], "/a b/lib.so");
	assert_string_equal(ap->u.attach.parts[2], "ns::f");

	ap = probe->u.probe.attach_points.items[1];
	assert_int_equal(ap->u.attach.nparts, 3);
	assert_string_equal(ap->u.attach.parts[1], "sys*");
	assert_string_equal(ap->u.attach.parts[2], "*open*");

	ap = probe->u.probe.attach_points.items[2];
	assert_int_equal(ap->u.attach.nparts, 1);
	assert_string_equal(ap->u.attach.parts[0], "BEGIN");

	ap = probe->u.probe.attach_points.items[3];
	assert_int_equal(ap->u.attach.nparts, 2);
	assert_string_equal(ap->u.attach.parts[1], "1s");

	ap = probe->u.probe.attach_points.items[4];
	assert_string_equal(ap->u.attach.text, "kprobe:vfs_read+16");
	assert_int_equal(ap->range.begin, (uint32_t)(strstr(r.src.text, "kprobe:vfs") - r.src.text));
	parsed_free(&r);
}

static void test_more_attach_point_forms(void **state)
{
	(void)state;
	assert_ast("tracepoint:syscalls:sys_enter_open*, profile:hz:99, i:ms:100, watchpoint:0x1000:8:rw,\n"
		   "usdt:./app:prov:probe, uprobe:./myapp:process_request, uretprobe:/lib/libc.so.6:malloc,\n"
		   "begin, END, uprobe:$1:f {}",
		   "program\n  probe\n"
		   "    attach tracepoint:syscalls:sys_enter_open*\n"
		   "    attach profile:hz:99\n"
		   "    attach i:ms:100\n"
		   "    attach watchpoint:0x1000:8:rw\n"
		   "    attach usdt:./app:prov:probe\n"
		   "    attach uprobe:./myapp:process_request\n"
		   "    attach uretprobe:/lib/libc.so.6:malloc\n"
		   "    attach begin\n"
		   "    attach END\n"
		   "    attach uprobe:$1:f\n"
		   "    block\n");
	/* trailing comma before the predicate */
	assert_ast("kprobe:a, kprobe:b, /1/ {}",
		   "program\n  probe\n    attach kprobe:a\n    attach kprobe:b\n    predicate\n      int 1\n"
		   "    block\n");
}

/* The tree of the value in the first statement `_ = VALUE;` of `text`. */
static char *first_value_tree(const char *text)
{
	struct parsed r;
	const struct fth_node *probe, *assign;
	char *got;

	parse_ok(&r, text);
	probe = r.program->u.program.probes.items[0];
	assign = probe->u.probe.body->u.block.stmts.items[0];
	assert_int_equal(assign->kind, FTH_ASSIGN);
	got = ast_string(assign->u.assign.value, NULL);
	parsed_free(&r);
	return got;
}

/* #define macros are expanded before parsing, as the C preprocessor does:
 * the use parses exactly like the text it stands for. */
static void test_define_macros_expand(void **state)
{
	static const char *const cases[][2] = {
		{ "#define SQ(x) ((x) * (x))\n#define TWICE (pid * 2)\nBEGIN { _ = SQ(TWICE); }",
		  "BEGIN { _ = ((((pid * 2))) * (((pid * 2)))); }" },
		{ "#define MIN(a, b) ((a) < (b) ? (a) : (b))\nBEGIN { _ = MIN(f(1, 2), @m[1, 2]); }",
		  "BEGIN { _ = ((f(1, 2)) < (@m[1, 2]) ? (f(1, 2)) : (@m[1, 2])); }" },
		/* a macro does not expand inside itself; a name without '(' stays */
		{ "#define F(x) F(x + 1)\n#define G(x) x\nBEGIN { _ = F(G); }", "BEGIN { _ = F(G + 1); }" },
		{ "#define ONE 1\n#define X (ONE + 2)\n#undef X\nBEGIN { _ = X; }", "BEGIN { _ = X; }" },
		/* one-token bodies that are values: a map, a variable, a number */
		{ "#define M @m\n#define K 3\nBEGIN { _ = M[K]; }", "BEGIN { _ = @m[3]; }" },
		{ "#define V $v\nBEGIN { _ = V + 1; }", "BEGIN { _ = $v + 1; }" },
		/* a #define inside a block counts from its line */
		{ "BEGIN {\n#define Z 4\n_ = Z; }", "BEGIN { _ = 4; }" },
		/* a lone operator is no value: left for sema to report */
		{ "#define P +\nBEGIN { _ = P; }", "BEGIN { _ = P; }" },
	};
	struct parsed r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = first_value_tree(cases[i][0]), *want = first_value_tree(cases[i][1]);
		if (strcmp(got, want) != 0)
			fail_msg("expansion mismatch for:\n%s\n--- got:\n%s--- want:\n%s", cases[i][0], got, want);
		free(got);
		free(want);
	}
	parse(&r, "#define SQ(x) ((x) * (x))\nBEGIN { _ = SQ(1, 2); }");
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "stdin:2:13-21: ERROR: macro SQ takes 1 argument, but 2 were given"));
	parsed_free(&r);
	/* a body that does not lex is reported where it is used, once */
	parse(&r, "#define BAD \"\\q\"\nBEGIN { _ = BAD; }");
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "BAD:1:2-4: ERROR: invalid escape character"));
	parsed_free(&r);
}

/* '#' lines in a block: #define, #undef and a lone '#' are fine there, as
 * with cpp; a '#' comment and #include are errors that say so. */
static void test_directives_in_blocks(void **state)
{
	struct parsed r;

	(void)state;
	parse(&r, "BEGIN {\n#define A 1\n#undef A\n#\n_ = 1; }");
	assert_int_equal(r.diag.errors, 0);
	parsed_free(&r);
	parse(&r, "BEGIN {\n  # a comment\n  _ = 1;\n}");
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "stdin:2:3-14: ERROR: invalid preprocessing directive: '#' does not start a comment"));
	parsed_free(&r);
	parse(&r, "BEGIN {\n#include <x.h>\n}");
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "ERROR: #include must come before the first probe"));
	parsed_free(&r);
}

/* '#' lines at the top: the directives cpp knows, a lone '#' and a line
 * marker are fine; a '#' comment and a misspelt directive are errors, as
 * in a block (clang: invalid preprocessing directive). */
static void test_directives_at_top_level(void **state)
{
	struct parsed r;

	(void)state;
	parse(&r, "#pragma once\n#\n# 1 \"x.bt\"\n#define A 1\n#undef A\nBEGIN { _ = 1; }");
	assert_int_equal(r.diag.errors, 0);
	parsed_free(&r);
	parse(&r, "# a comment\nBEGIN { _ = 1; }");
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "stdin:1:1-12: ERROR: invalid preprocessing directive: '#' does not start a comment"));
	assert_non_null(strstr(r.messages, "HINT: comments are // to the end of the line, or /* ... */"));
	parsed_free(&r);
	parse(&r, "#inclde <x.h>\nBEGIN { _ = 1; }");
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "stdin:1:1-14: ERROR: invalid preprocessing directive #inclde"));
	parsed_free(&r);
}

static void test_c_definitions_and_preprocessor(void **state)
{
	struct parsed r;
	const struct fth_node *n;
	const struct fth_node_list *c_defs;

	(void)state;
	parse_ok(&r, "#!/usr/bin/env bpftrace\n"
		     "#include <linux/sched.h>\n"
		     "#define MAX_LEN 64 // bytes\n"
		     "#define SQUARE(x) ((x) * (x))\n"
		     "#ifndef BPFTRACE_HAVE_BTF\n"
		     "#endif\n"
		     "struct foo { int a; char b[8]; };\n"
		     "union u { int i; char c; }\n"
		     "enum { A, B = 2 };\n"
		     "typedef unsigned int myint_t;\n"
		     "BEGIN { printf(\"%d\\n\", MAX_LEN); }\n");
	/* the conditional lines are the preprocessor's: no nodes */
	c_defs = &r.program->u.program.c_defs;
	assert_int_equal(c_defs->len, 7);
	assert_int_equal(r.program->u.program.items.len, 8);

	n = c_defs->items[0];
	assert_int_equal(n->kind, FTH_PREPROCESSOR);
	assert_string_equal(n->u.pp.text, "#include <linux/sched.h>");
	assert_string_equal(n->u.pp.directive, "include");
	assert_string_equal(n->u.pp.arg1, "<linux/sched.h>");
	assert_null(n->u.pp.arg2);

	n = c_defs->items[1];
	assert_string_equal(n->u.pp.directive, "define");
	assert_string_equal(n->u.pp.arg1, "MAX_LEN");
	assert_string_equal(n->u.pp.arg2, "64");

	n = c_defs->items[2];
	assert_string_equal(n->u.pp.arg1, "SQUARE(x)");
	assert_string_equal(n->u.pp.arg2, "((x) * (x))");

	n = c_defs->items[3];
	assert_int_equal(n->kind, FTH_C_DEFINITION);
	assert_string_equal(n->u.c_def.text, "struct foo { int a; char b[8]; };");
	assert_string_equal(n->u.c_def.name, "struct foo");

	n = c_defs->items[4];
	assert_string_equal(n->u.c_def.text, "union u { int i; char c; }");
	assert_string_equal(n->u.c_def.name, "union u");

	n = c_defs->items[5];
	assert_string_equal(n->u.c_def.text, "enum { A, B = 2 };");
	assert_null(n->u.c_def.name);

	n = c_defs->items[6];
	assert_string_equal(n->u.c_def.name, "myint_t");
	parsed_free(&r);
}

static void test_program_lists(void **state)
{
	struct parsed r;
	const struct fth_node *prog;

	(void)state;
	parse_ok(&r, "struct s { int x; };\n"
		     "config = { max_strlen = 32 }\n"
		     "import \"lib.bt\";\n"
		     "import \"other.h\";\n"
		     "let @m = hash(10);\n"
		     "macro m() { 1 }\n"
		     "fn f(): void { }\n"
		     "BEGIN { } END { }\n");
	prog = r.program;
	assert_int_equal(prog->u.program.items.len, 9);
	assert_int_equal(prog->u.program.c_defs.len, 1);
	assert_non_null(prog->u.program.config);
	assert_int_equal(prog->u.program.config->u.config.items.len, 1);
	assert_int_equal(prog->u.program.imports.len, 2);
	assert_string_equal(prog->u.program.imports.items[0]->u.import.path, "lib.bt");
	assert_int_equal(prog->u.program.map_decls.len, 1);
	assert_string_equal(prog->u.program.map_decls.items[0]->u.map_decl.name, "@m");
	assert_string_equal(prog->u.program.map_decls.items[0]->u.map_decl.map_type, "hash");
	assert_int_equal(prog->u.program.macros.len, 2);
	assert_int_equal(prog->u.program.macros.items[1]->kind, FTH_FUNCTION);
	assert_true(prog->u.program.macros.items[1]->u.func.has_return_type);
	assert_int_equal(prog->u.program.probes.len, 2);
	parsed_free(&r);
}

static void test_old_bpftrace_forms(void **state)
{
	(void)state;
	/* bpftrace 0.17 style: BEGIN/END, args->, delete(@m[k]), while, unroll */
	assert_ast("BEGIN { @start[tid] = nsecs; }\n"
		   "tracepoint:syscalls:sys_exit_read /@start[tid]/ {\n"
		   "  @bytes = hist(args->ret); delete(@start[tid]);\n"
		   "  $i = 0; unroll (2) { $i = $i + 1; } while ($i < 4) { $i++; }\n"
		   "}\n"
		   "END { clear(@start); }",
		   "program\n"
		   "  probe\n    attach BEGIN\n    block\n"
		   "      assign =\n        map @start\n          ident tid\n        ident nsecs\n"
		   "  probe\n    attach tracepoint:syscalls:sys_exit_read\n    predicate\n"
		   "      map @start\n        ident tid\n    block\n"
		   "      assign =\n        map @bytes\n        call hist\n          field ->ret\n            ident args\n"
		   "      expr\n        call delete\n          map @start\n            ident tid\n"
		   "      assign =\n        var $i\n        int 0\n"
		   "      unroll\n        int 2\n        block\n"
		   "          assign =\n            var $i\n            binary +\n              var $i\n              int 1\n"
		   "      while\n        binary <\n          var $i\n          int 4\n        block\n"
		   "          expr\n            incdec ++ postfix\n              var $i\n"
		   "  probe\n    attach END\n    block\n"
		   "      expr\n        call clear\n          map @start\n");
}

static void test_macro_value_if(void **state)
{
	(void)state;
	assert_ast("macro max(a, b) { if a > b { a } else { b } }",
		   "program\n  macro max\n    param a\n    param b\n    block\n      value\n        if\n"
		   "          binary >\n            ident a\n            ident b\n          block\n            value\n"
		   "              ident a\n          else\n            block\n              value\n"
		   "                ident b\n");
}

static void test_positions(void **state)
{
	struct parsed r;
	char *got;

	(void)state;
	parse_ok(&r, "BEGIN { @x[1] = 2; }\nkprobe:f /pid/ { $a = (uint8)1; }");
	got = ast_string(r.program, &r.src);
	assert_string_equal(got, "program [1:1]\n"
				 "  probe [1:1]\n"
				 "    attach BEGIN [1:1]\n"
				 "    block [1:7]\n"
				 "      assign = [1:9]\n"
				 "        map @x [1:9]\n"
				 "          int 1 [1:12]\n"
				 "        int 2 [1:17]\n"
				 "  probe [2:1]\n"
				 "    attach kprobe:f [2:1]\n"
				 "    predicate\n"
				 "      ident pid [2:11]\n"
				 "    block [2:16]\n"
				 "      assign = [2:18]\n"
				 "        var $a [2:18]\n"
				 "        cast uint8 [2:23]\n"
				 "          int 1 [2:30]\n");
	free(got);
	parsed_free(&r);
}

static void test_node_ranges(void **state)
{
	struct parsed r;
	const struct fth_node *assign, *call;

	(void)state;
	parse_ok(&r, "BEGIN { @x = hist(1 + 2); }");
	assign = r.program->u.program.probes.items[0]->u.probe.body->u.block.stmts.items[0];
	call = assign->u.assign.value;
	assert_int_equal(call->range.begin, 13);
	assert_int_equal(call->range.end, 24); /* through the ')' */
	assert_int_equal(call->u.call.name_range.end, 17);
	assert_int_equal(assign->range.begin, 8);
	assert_int_equal(assign->range.end, 24);
	parsed_free(&r);
}

/* A field access, index or ++ on a parenthesized operand spans from the
 * outer '(' (bpftrace points its diagnostics there); the operand keeps its
 * own range inside the parentheses. */
static void test_postfix_range_starts_at_paren(void **state)
{
	struct parsed r;
	const struct fth_node *assign, *field, *index;

	(void)state;
	parse_ok(&r, "BEGIN { $v = ((struct foo *)0)->a; $w = ($x)[1]; }");
	assign = r.program->u.program.probes.items[0]->u.probe.body->u.block.stmts.items[0];
	field = assign->u.assign.value;
	assert_int_equal(field->kind, FTH_FIELD);
	assert_int_equal(field->range.begin, 13);
	assert_int_equal(field->range.end, 33);
	assert_int_equal(field->u.field.base->range.begin, 14);
	assign = r.program->u.program.probes.items[0]->u.probe.body->u.block.stmts.items[1];
	index = assign->u.assign.value;
	assert_int_equal(index->kind, FTH_INDEX);
	assert_int_equal(index->range.begin, 40);
	assert_int_equal(index->u.index.base->range.begin, 41);
	parsed_free(&r);
}

/* ------------------------------------------------------------------------ */
/* errors                                                                    */

static void test_error_missing_semicolon(void **state)
{
	(void)state;
	assert_diagnostics("kprobe:f { @x = 1 @y = 2; }", 1,
			   "stdin:1:18: ERROR: expected ';' after statement\n"
			   "kprobe:f { @x = 1 @y = 2; }\n"
			   "                 ^\n"
			   "HINT: statements are separated by ';'\n");
}

static void test_error_unterminated_block(void **state)
{
	(void)state;
	assert_diagnostics("BEGIN {\n  if (1) {\n    print(1);\n}\n", 1,
			   "stdin:4:2: ERROR: unterminated block: expected '}' before end of input\n"
			   "}\n"
			   " ^\n"
			   "HINT: the '{' at line 1, column 7 is never closed\n");
}

static void test_error_assignment_in_predicate(void **state)
{
	(void)state;
	assert_diagnostics("kprobe:f /pid = 1/ { }", 1,
			   "stdin:1:15: ERROR: assignment in a predicate\n"
			   "kprobe:f /pid = 1/ { }\n"
			   "              ~\n"
			   "HINT: use '==' to compare values\n");
	assert_diagnostics("BEGIN { if ($x = 1) { } }", 1,
			   "stdin:1:16: ERROR: expected ')' to close '(', found '='\n"
			   "BEGIN { if ($x = 1) { } }\n"
			   "               ~\n"
			   "HINT: '=' assigns; use '==' to compare values\n");
}

static void test_error_predicate_not_closed(void **state)
{
	(void)state;
	assert_diagnostics("kprobe:f /pid == 1/ printf(\"x\"); }", 1,
			   "stdin:1:32: ERROR: expected '/' to end the predicate, found ';'\n"
			   "kprobe:f /pid == 1/ printf(\"x\"); }\n"
			   "                               ~\n"
			   "HINT: the closing '/' of a predicate must be followed by the '{' of the probe body\n");
	assert_diagnostics("kprobe:f / / { }", 1,
			   "stdin:1:12: ERROR: empty predicate\n"
			   "kprobe:f / / { }\n"
			   "           ~\n"
			   "HINT: write a condition between the slashes, or remove them\n");
}

static void test_error_recovery_reports_several(void **state)
{
	(void)state;
	assert_diagnostics("BEGIN { @x = ; @y = (1 + ; print(@x) }\n"
			   "END { $x.a = 3; 1++; }\n"
			   "kprobe:f /pid == / { }\n"
			   "kprobe:g { print(1) }",
			   5,
			   "stdin:1:14: ERROR: expected an expression, found ';'\n"
			   "BEGIN { @x = ; @y = (1 + ; print(@x) }\n"
			   "             ~\n"
			   "stdin:1:26: ERROR: expected an expression, found ';'\n"
			   "BEGIN { @x = ; @y = (1 + ; print(@x) }\n"
			   "                         ~\n"
			   "stdin:2:7-11: ERROR: cannot assign to this expression\n"
			   "END { $x.a = 3; 1++; }\n"
			   "      ~~~~\n"
			   "HINT: only $variables, @maps and '_' can be assigned to\n"
			   "stdin:2:17: ERROR: cannot apply '++' to this expression\n"
			   "END { $x.a = 3; 1++; }\n"
			   "                ~\n"
			   "HINT: only $variables and @maps can be incremented or decremented\n"
			   "stdin:3:18: ERROR: expected an expression, found '/'\n"
			   "kprobe:f /pid == / { }\n"
			   "                 ~\n");
}

static void test_error_recovery_keeps_good_probes(void **state)
{
	struct parsed r;

	(void)state;
	parse(&r, "BEGIN { @x = ; }\nkprobe:g { print(1) }\n}\nEND { exit() }");
	assert_int_equal(r.diag.errors, 2);
	assert_int_equal(r.program->u.program.probes.len, 3);
	assert_string_equal(r.program->u.program.probes.items[2]->u.probe.attach_points.items[0]->u.attach.text,
			    "END");
	parsed_free(&r);
}

/* 1.5 is a number with a fraction, not element 5 of the tuple 1; nested
 * tuple access ($t.1.0) and a spaced `1 .5` still parse as access. */
static void test_error_decimal_fraction(void **state)
{
	struct parsed r;

	parse(&r, "BEGIN { @x = 1.5; }");
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "stdin:1:14-17: ERROR: '1.5' is not an integer"));
	assert_non_null(strstr(r.messages, "HINT: use integers"));
	parsed_free(&r);
	parse(&r, "BEGIN { $t = (1, (2, 3)); print($t.1.0); print(1 .5); }");
	assert_int_equal(r.diag.errors, 0);
	parsed_free(&r);
}

static void test_error_lexer_errors_do_not_cascade(void **state)
{
	(void)state;
	assert_diagnostics("BEGIN { $x = 08 + 1; $y = \"\\q\"; @z = 1 }", 2,
			   "stdin:1:15: ERROR: invalid digit '8' in octal literal\n"
			   "BEGIN { $x = 08 + 1; $y = \"\\q\"; @z = 1 }\n"
			   "              ~\n"
			   "HINT: a leading 0 makes a number octal (digits 0 to 7): drop the 0 for a decimal number\n"
			   "stdin:1:28-30: ERROR: invalid escape character\n"
			   "BEGIN { $x = 08 + 1; $y = \"\\q\"; @z = 1 }\n"
			   "                           ~~\n"
			   "HINT: valid escapes are \\n \\t \\r \\\" \\\\ \\NNN (octal) and \\xHH (hex)\n");
}

static void test_error_attach_points(void **state)
{
	(void)state;
	assert_diagnostics("kprobe:a kprobe:b { }", 1,
			   "stdin:1:10-16: ERROR: expected '{' or a predicate after the attach point, found 'kprobe'\n"
			   "kprobe:a kprobe:b { }\n"
			   "         ~~~~~~\n"
			   "HINT: separate attach points with ','\n");
	assert_diagnostics("{ print(1); }", 1,
			   "stdin:1:1: ERROR: expected a probe, found '{'\n"
			   "{ print(1); }\n"
			   "~\n"
			   "HINT: a probe looks like 'kprobe:do_nanosleep { ... }'\n");
}

static void test_error_blocks_required(void **state)
{
	(void)state;
	assert_diagnostics("BEGIN { if (x) print(1); }", 1,
			   "stdin:1:16-21: ERROR: expected '{' after the if condition, found 'print'\n"
			   "BEGIN { if (x) print(1); }\n"
			   "               ~~~~~\n"
			   "HINT: the body of an if must be a block in braces\n");
	assert_diagnostics("BEGIN { else { } }", 1,
			   "stdin:1:9-13: ERROR: 'else' without a matching 'if'\n"
			   "BEGIN { else { } }\n"
			   "        ~~~~\n"
			   "HINT: an else must directly follow the '}' of an if\n");
}

static void test_error_misc_statements(void **state)
{
	(void)state;
	assert_diagnostics("BEGIN { @x[] = 1; }", 1,
			   "stdin:1:12: ERROR: expected a map key, found ']'\n"
			   "BEGIN { @x[] = 1; }\n"
			   "           ~\n"
			   "HINT: write @m[key], or just @m for a map without a key\n");
	assert_diagnostics("BEGIN { let @m = hash(1); }", 1,
			   "stdin:1:13-15: ERROR: map declarations are not allowed inside a block\n"
			   "BEGIN { let @m = hash(1); }\n"
			   "            ~~\n"
			   "HINT: declare maps at the top level of the script, outside any probe\n");
	assert_diagnostics("BEGIN { for ($i : 5) {} }", 1,
			   "stdin:1:19: ERROR: expected a map or a range after ':'\n"
			   "BEGIN { for ($i : 5) {} }\n"
			   "                  ~\n"
			   "HINT: loop over a map with 'for ($kv : @m)' or a range with 'for ($i : 0..10)'\n");
	assert_diagnostics("BEGIN { printf(\"%d\\n\", 1 }", 1,
			   "stdin:1:26: ERROR: expected ')' to close the arguments of 'printf', found '}'\n"
			   "BEGIN { printf(\"%d\\n\", 1 }\n"
			   "                         ~\n");
}

static void test_error_section_order(void **state)
{
	(void)state;
	assert_diagnostics("BEGIN { @x = 1; } struct foo { int x; };", 1,
			   "stdin:1:19-25: ERROR: C definitions must appear before probes and functions\n"
			   "BEGIN { @x = 1; } struct foo { int x; };\n"
			   "                  ~~~~~~\n"
			   "HINT: move it to the top of the script\n");
	assert_diagnostics("BEGIN { }\nconfig = { a = 1 }", 1,
			   "stdin:2:1-7: ERROR: 'config' must come before probes\n"
			   "config = { a = 1 }\n"
			   "~~~~~~\n"
			   "HINT: move it above the first probe, macro or map declaration\n");
}

static void test_error_too_deep(void **state)
{
	char *text = malloc(20000);
	struct parsed r;

	(void)state;
	strcpy(text, "BEGIN { $x = ");
	memset(text + strlen(text), '(', 5000);
	strcpy(text + 13 + 5000, "1; }");
	parse(&r, text);
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "expression or block is nested too deeply\n"));
	parsed_free(&r);
	free(text);
}

static int tree_depth(const struct fth_node *n)
{
	int l, r;

	if (n->kind != FTH_BINARY)
		return 1;
	l = tree_depth(n->u.binary.lhs);
	r = tree_depth(n->u.binary.rhs);
	return 1 + (l > r ? l : r);
}

/* Generated predicates list thousands of pids with ||: a long || or &&
 * chain is no nesting error, and its tree is balanced (a short one keeps
 * bpftrace's left-leaning shape: test_precedence); a long + chain still
 * counts as nesting. */
static void test_long_logical_chains(void **state)
{
	size_t cap = 5000 * 24 + 64;
	char *text = malloc(cap);
	struct parsed r;
	const struct fth_node *pred, *lhs;
	size_t len;

	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		len = (size_t)snprintf(text, cap, "tracepoint:a:b /pid == 0");
		for (int i = 1; i < 5000; i++)
			len += (size_t)snprintf(text + len, cap - len, " %s pid == %d", pass ? "&&" : "||", i);
		snprintf(text + len, cap - len, "/ { }");
		parse_ok(&r, text);
		pred = r.program->u.program.probes.items[0]->u.probe.predicate;
		assert_int_equal(pred->kind, FTH_BINARY);
		assert_int_equal(pred->u.binary.op, pass ? TOK_ANDAND : TOK_OROR);
		assert_true(tree_depth(pred) <= 15); /* 13 levels of || over the == */
		/* the terms in order: the leftmost is the first */
		for (lhs = pred; lhs->u.binary.op != TOK_EQ; lhs = lhs->u.binary.lhs)
			;
		assert_int_equal(lhs->u.binary.rhs->u.integer, 0);
		parsed_free(&r);
	}
	len = (size_t)snprintf(text, cap, "BEGIN { $x = 0");
	for (int i = 1; i < 2000; i++)
		len += (size_t)snprintf(text + len, cap - len, " + %d", i);
	snprintf(text + len, cap - len, "; }");
	parse(&r, text);
	assert_int_equal(r.diag.errors, 1);
	assert_non_null(strstr(r.messages, "expression or block is nested too deeply\n"));
	parsed_free(&r);
	free(text);
}

static void test_error_limit(void **state)
{
	char text[4096] = "BEGIN {";
	struct parsed r;

	(void)state;
	for (int i = 0; i < 40; i++)
		strcat(text, " @x = ;");
	strcat(text, " }");
	parse(&r, text);
	assert_int_equal(r.diag.errors, 21); /* 20 and the "stopping" message */
	assert_non_null(strstr(r.messages, "ERROR: too many errors, stopping\n"));
	parsed_free(&r);
}

/* ------------------------------------------------------------------------ */
/* robustness                                                                */

static const char robust_script[] =
	"#include <linux/sched.h>\n"
	"struct foo { int a; };\n"
	"config = { stack_mode = perf }\n"
	"let @m = hash(8);\n"
	"macro twice(x) { x * 2 }\n"
	"fn f($a: uint8): int64 { return $a; }\n"
	"a=kprobe:f+1, uprobe:\"/a b\":\"c::d\", i:s:1 /(rand() % 100) < 1 && $1 != \"x\"/ {\n"
	"  let $v: uint16 = (uint16)arg0; $t = (1, \"s\\n\"); $r = (a = 1, b = 2);\n"
	"  @m[comm, pid] = count(); @h = hist($v); $p = (struct foo *)arg1; print($p->a);\n"
	"  if $v > 1ms { $v++; } else if (!$v) { --$v; } else { $v = $t.0 ?: 1; }\n"
	"  for ($kv : @m) { print($kv.1); } for $i : 0..10 { continue; }\n"
	"  unroll(2) { $x = sizeof(struct foo) + offsetof(struct foo, a); } while (1) { break; }\n"
	"  $b = { let $q = 1; $q }; /* done */ return;\n"
	"}\n"
	"END { clear(@m); }\n";

static void test_every_prefix_parses(void **state)
{
	(void)state;
	for (uint32_t n = 0; n <= sizeof(robust_script) - 1; n++) {
		struct parsed r;
		char *copy = malloc(n + 1);
		char *tree;

		memcpy(copy, robust_script, n);
		copy[n] = '\0';
		parse_n(&r, copy, n);
		tree = ast_string(r.program, &r.src);
		free(tree);
		parsed_free(&r);
		free(copy);
	}
}

static void test_full_script_parses_cleanly(void **state)
{
	struct parsed r;

	(void)state;
	parse_ok(&r, robust_script);
	assert_int_equal(r.program->u.program.probes.len, 2);
	parsed_free(&r);
}

static void test_garbage_inputs(void **state)
{
	static const char *const inputs[] = {
		"", " ", "\n\n", "//", "/*", "#", "#!", "\"", "$", "@", "{", "}", "(", ")", "/", "//x\n/",
		"BEGIN", "BEGIN {", "BEGIN }", "BEGIN /", "BEGIN / {", "BEGIN /1", "k:f,", "k:f, ,{}",
		"a=", "a= {", "struct", "struct {", "enum x", "config", "config =", "config = {",
		"config = { a", "macro", "macro m(", "macro m($", "fn f(", "fn f($a:", "let", "let @m =",
		"let @m = hash(", "import", "uprobe:\"x", "BEGIN { if", "BEGIN { if (", "BEGIN { for (",
		"BEGIN { for ($x :", "BEGIN { for ($x : 1..", "BEGIN { (", "BEGIN { (int", "BEGIN { (int)",
		"BEGIN { (struct", "BEGIN { sizeof(", "BEGIN { offsetof(struct x,", "BEGIN { typeof(",
		"BEGIN { $x = { ", "BEGIN { $x = if", "BEGIN { @[", "BEGIN { @x[1,", "BEGIN { a ? b",
		"BEGIN { a ?", "BEGIN { $x.", "BEGIN { $x->", "BEGIN { (a=", "BEGIN { (a=1,", "\x01\x02\xff",
		"BEGIN { \"\\", "BEGIN { 0x", "BEGIN { 1e", "}}}}{{{{", ";;;;", "BEGIN {} }", "@x = 1;",
		"BEGIN { return return; }", "BEGIN { let $x: ; }", "BEGIN { let $x: uint8[ ; }",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct parsed r;
		char *tree;

		parse(&r, inputs[i]);
		tree = ast_string(r.program, &r.src);
		free(tree);
		parsed_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_one_liners),
		cmocka_unit_test(test_precedence_arithmetic),
		cmocka_unit_test(test_precedence_logic_and_bits),
		cmocka_unit_test(test_ternary),
		cmocka_unit_test(test_unary_and_postfix),
		cmocka_unit_test(test_casts_versus_parentheses),
		cmocka_unit_test(test_cast_type_details),
		cmocka_unit_test(test_sizeof_offsetof_typeof),
		cmocka_unit_test(test_container_of_type_argument),
		cmocka_unit_test(test_comptime_prefix),
		cmocka_unit_test(test_import_statements),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_maps_and_calls),
		cmocka_unit_test(test_tuples_and_records),
		cmocka_unit_test(test_block_and_if_expressions),
		cmocka_unit_test(test_statements_and_declarations),
		cmocka_unit_test(test_assignment_operators),
		cmocka_unit_test(test_assign_node_fields),
		cmocka_unit_test(test_semicolons),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_attach_points),
		cmocka_unit_test(test_more_attach_point_forms),
		cmocka_unit_test(test_c_definitions_and_preprocessor),
		cmocka_unit_test(test_program_lists),
		cmocka_unit_test(test_old_bpftrace_forms),
		cmocka_unit_test(test_macro_value_if),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_node_ranges),
		cmocka_unit_test(test_postfix_range_starts_at_paren),
		cmocka_unit_test(test_error_missing_semicolon),
		cmocka_unit_test(test_error_unterminated_block),
		cmocka_unit_test(test_error_assignment_in_predicate),
		cmocka_unit_test(test_error_predicate_not_closed),
		cmocka_unit_test(test_error_recovery_reports_several),
		cmocka_unit_test(test_error_recovery_keeps_good_probes),
		cmocka_unit_test(test_error_lexer_errors_do_not_cascade),
		cmocka_unit_test(test_error_attach_points),
		cmocka_unit_test(test_error_blocks_required),
		cmocka_unit_test(test_error_misc_statements),
		cmocka_unit_test(test_error_section_order),
		cmocka_unit_test(test_error_too_deep),
		cmocka_unit_test(test_long_logical_chains),
		cmocka_unit_test(test_error_limit),
		cmocka_unit_test(test_every_prefix_parses),
		cmocka_unit_test(test_define_macros_expand),
		cmocka_unit_test(test_directives_in_blocks),
		cmocka_unit_test(test_directives_at_top_level),
		cmocka_unit_test(test_full_script_parses_cleanly),
		cmocka_unit_test(test_garbage_inputs),
		cmocka_unit_test(test_error_decimal_fraction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
