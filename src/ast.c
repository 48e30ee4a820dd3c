/* ast.c - AST node construction and the `fathom -d ast` printer, see ast.h.
 *
 * Printer format: one node per line, two spaces of indentation per depth,
 * "kind detail" and, when a source is given, " [line:col]" of the node's
 * first byte. Children follow their parent in source order. Examples:
 *
 *   probe
 *     attach tracepoint:syscalls:sys_enter_openat
 *     predicate
 *       binary ==
 *         ident comm
 *         string "myapp"
 *     block
 *       expr
 *         call printf
 *           string "%s\n"
 *
 * Details per kind: int value (decimal), string/import with C escapes,
 * operators via fth_token_spelling(), names of idents/vars/maps/calls/
 * fields, cast/let/param types as written ("struct task_struct *",
 * "string[64]"). Missing children of a partial tree (after syntax errors)
 * print as "<missing>". */
#include "ast.h"

#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "types.h"

struct fth_node *fth_node_new(struct fth_arena *arena, enum fth_node_kind kind, struct fth_range range)
{
	struct fth_node *node = fth_arena_alloc(arena, sizeof(*node));

	node->kind = kind;
	node->range = range;
	return node;
}

void fth_node_list_push(struct fth_arena *arena, struct fth_node_list *list, struct fth_node *node)
{
	list->items = fth_arena_grow(arena, list->items, list->len, &list->cap, sizeof(*list->items), 4);
	list->items[list->len++] = node;
}

static const char *const node_kind_names[FTH_NODE_KIND_COUNT] = {
	[FTH_INT] = "int",
	[FTH_STRING] = "string",
	[FTH_BOOL] = "bool",
	[FTH_IDENT] = "ident",
	[FTH_VAR] = "var",
	[FTH_POSITIONAL] = "positional",
	[FTH_MAP] = "map",
	[FTH_CALL] = "call",
	[FTH_UNARY] = "unary",
	[FTH_BINARY] = "binary",
	[FTH_TERNARY] = "ternary",
	[FTH_FIELD] = "field",
	[FTH_INDEX] = "index",
	[FTH_TUPLE_INDEX] = "tuple_index",
	[FTH_TUPLE] = "tuple",
	[FTH_RECORD] = "record",
	[FTH_RECORD_FIELD] = "record_field",
	[FTH_CAST] = "cast",
	[FTH_SIZEOF] = "sizeof",
	[FTH_OFFSETOF] = "offsetof",
	[FTH_INCDEC] = "incdec",
	[FTH_BLOCK_EXPR] = "block_expr",
	[FTH_TYPEOF] = "typeof",
	[FTH_FN_INLINE] = "fn call",
	[FTH_EXPR_STMT] = "expr",
	[FTH_ASSIGN] = "assign",
	[FTH_LET] = "let",
	[FTH_IF] = "if",
	[FTH_WHILE] = "while",
	[FTH_UNROLL] = "unroll",
	[FTH_FOR_MAP] = "for_map",
	[FTH_FOR_RANGE] = "for_range",
	[FTH_BREAK] = "break",
	[FTH_CONTINUE] = "continue",
	[FTH_RETURN] = "return",
	[FTH_BLOCK] = "block",
	[FTH_PROGRAM] = "program",
	[FTH_PROBE] = "probe",
	[FTH_ATTACH_POINT] = "attach",
	[FTH_CONFIG] = "config",
	[FTH_CONFIG_ITEM] = "config_item",
	[FTH_MACRO] = "macro",
	[FTH_FUNCTION] = "fn",
	[FTH_PARAM] = "param",
	[FTH_C_DEFINITION] = "c_definition",
	[FTH_PREPROCESSOR] = "preprocessor",
	[FTH_MAP_DECL] = "map_decl",
	[FTH_IMPORT] = "import",
};

const char *fth_node_kind_name(enum fth_node_kind kind)
{
	if ((int)kind < 0 || kind >= FTH_NODE_KIND_COUNT || !node_kind_names[kind])
		return "?";
	return node_kind_names[kind];
}

/* ------------------------------------------------------------------------ */
/* printer                                                                   */

/* Partial trees (after syntax errors) may lack names. */
static const char *or_missing(const char *s)
{
	return s ? s : "<missing>";
}

static void print_escaped(FILE *out, const char *data, uint32_t len)
{
	fputc('"', out);
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		switch (c) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void print_type_name(FILE *out, const struct fth_type_name *t)
{
	if (t->typeof_expr)
		fputs("typeof(...)", out);
	else
		fputs(t->base ? t->base : "<missing>", out);
	if (t->pointer_depth > 0) {
		fputc(' ', out);
		for (int i = 0; i < t->pointer_depth; i++)
			fputc('*', out);
	}
	if (t->array_len > 0)
		fprintf(out, "[%d]", t->array_len);
	else if (t->array_len < 0)
		fputs("[]", out);
}

static void print_indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

/* Offsets where lines start, so that each node's [line:col] is a binary
 * search rather than a scan from the top of the script. */
struct line_index {
	const struct fth_source *src;
	uint32_t *starts;
	uint32_t count;
	struct fth_arena *types; /* -d types: type names are made here; NULL: untyped */
};

static void line_index_build(struct line_index *index, const struct fth_source *src)
{
	uint32_t lines = 1;

	index->src = src;
	index->starts = NULL;
	index->count = 0;
	if (!src)
		return;
	for (uint32_t i = 0; i < src->len; i++)
		lines += src->text[i] == '\n';
	index->starts = malloc(sizeof(uint32_t) * lines);
	if (!index->starts)
		return; /* positions then come from the slow path */
	index->starts[index->count++] = 0;
	for (uint32_t i = 0; i < src->len; i++) {
		if (src->text[i] == '\n')
			index->starts[index->count++] = i + 1;
	}
}

static void print_position(FILE *out, const struct line_index *index, const struct fth_node *node)
{
	uint32_t offset = node->range.begin, lo = 0, hi;
	int line, col;

	if (!index->src)
		return;
	if (!index->starts) {
		fth_source_position(index->src, offset, &line, &col);
		fprintf(out, " [%d:%d]", line, col);
		return;
	}
	if (offset > index->src->len)
		offset = index->src->len;
	/* last line start <= offset */
	hi = index->count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (index->starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	fprintf(out, " [%u:%u]", lo + 1, offset - index->starts[lo] + 1);
}

/* The part of a node's line after its kind name. */
static void print_detail(FILE *out, const struct fth_node *node)
{
	switch (node->kind) {
	case FTH_INT:
		fprintf(out, " %llu", (unsigned long long)node->u.integer);
		break;
	case FTH_STRING:
		fputc(' ', out);
		print_escaped(out, node->u.string.data ? node->u.string.data : "", node->u.string.len);
		break;
	case FTH_BOOL:
		fputs(node->u.integer ? " true" : " false", out);
		break;
	case FTH_IDENT:
	case FTH_VAR:
		fprintf(out, " %s", or_missing(node->u.ident.name));
		break;
	case FTH_POSITIONAL:
		if (node->u.positional.index < 0)
			fputs(" $#", out);
		else
			fprintf(out, " $%d", node->u.positional.index);
		break;
	case FTH_MAP:
		fprintf(out, " %s", or_missing(node->u.map.name));
		break;
	case FTH_CALL:
		fprintf(out, " %s", or_missing(node->u.call.name));
		break;
	case FTH_UNARY:
		fprintf(out, " %s", fth_token_spelling(node->u.unary.op));
		break;
	case FTH_BINARY:
		fprintf(out, " %s", fth_token_spelling(node->u.binary.op));
		break;
	case FTH_TERNARY:
		if (!node->u.ternary.then_expr)
			fputs(" ?:", out);
		break;
	case FTH_FIELD:
		fprintf(out, " %s%s", node->u.field.arrow ? "->" : ".", or_missing(node->u.field.name));
		break;
	case FTH_TUPLE_INDEX:
		fprintf(out, " .%d", node->u.tuple_index.index);
		break;
	case FTH_RECORD_FIELD:
		fprintf(out, " %s", or_missing(node->u.record_field.name));
		break;
	case FTH_CAST:
		fputc(' ', out);
		print_type_name(out, &node->u.cast.type_name);
		break;
	case FTH_SIZEOF:
		if (!node->u.sizeof_.operand) {
			fputc(' ', out);
			print_type_name(out, &node->u.sizeof_.type_name);
		}
		break;
	case FTH_OFFSETOF:
		if (!node->u.offsetof_.operand) {
			fputc(' ', out);
			print_type_name(out, &node->u.offsetof_.type_name);
		}
		for (int i = 0; i < node->u.offsetof_.fields.len; i++) {
			const struct fth_node *f = node->u.offsetof_.fields.items[i];
			fprintf(out, "%s%s", i ? "." : " ", or_missing(f->u.ident.name));
		}
		break;
	case FTH_TYPEOF:
		if (!node->u.typeof_.expr) {
			fputc(' ', out);
			print_type_name(out, &node->u.typeof_.type_name);
		}
		break;
	case FTH_FN_INLINE:
		fprintf(out, " %s", or_missing(node->u.fn_inline.name));
		break;
	case FTH_INCDEC:
		fprintf(out, " %s %s", node->u.incdec.increment ? "++" : "--",
			node->u.incdec.prefix ? "prefix" : "postfix");
		break;
	case FTH_ASSIGN:
		fprintf(out, " %s=", node->u.assign.op ? fth_token_spelling(node->u.assign.op) : "");
		break;
	case FTH_LET:
		if (node->u.let.var)
			fprintf(out, " %s", or_missing(node->u.let.var->u.ident.name));
		if (node->u.let.has_type) {
			fputs(": ", out);
			print_type_name(out, &node->u.let.type_name);
		}
		break;
	case FTH_PROBE:
		if (node->u.probe.name)
			fprintf(out, " name=%s", node->u.probe.name);
		break;
	case FTH_ATTACH_POINT:
		fprintf(out, " %s", or_missing(node->u.attach.text));
		break;
	case FTH_CONFIG_ITEM:
		fprintf(out, " %s", or_missing(node->u.config_item.key));
		break;
	case FTH_MACRO:
	case FTH_FUNCTION:
		fprintf(out, " %s", or_missing(node->u.func.name));
		if (node->u.func.has_return_type) {
			fputs(": ", out);
			print_type_name(out, &node->u.func.return_type);
		}
		break;
	case FTH_PARAM:
		fprintf(out, " %s", or_missing(node->u.param.name));
		if (node->u.param.has_type) {
			fputs(": ", out);
			print_type_name(out, &node->u.param.type_name);
		}
		break;
	case FTH_C_DEFINITION:
		fprintf(out, " %s", node->u.c_def.name ? node->u.c_def.name : "<anonymous>");
		break;
	case FTH_PREPROCESSOR:
		fprintf(out, " %s", or_missing(node->u.pp.text));
		break;
	case FTH_MAP_DECL:
		fprintf(out, " %s %s", or_missing(node->u.map_decl.name), or_missing(node->u.map_decl.map_type));
		break;
	case FTH_IMPORT:
		fputc(' ', out);
		if (node->u.import.path)
			print_escaped(out, node->u.import.path, (uint32_t)strlen(node->u.import.path));
		else
			fputs("<missing>", out);
		break;
	default:
		break;
	}
}

static void print_node(FILE *out, const struct line_index *lines, const struct fth_node *node, int depth);

static void print_list(FILE *out, const struct line_index *lines, const struct fth_node_list *list, int depth)
{
	for (int i = 0; i < list->len; i++)
		print_node(out, lines, list->items[i], depth);
}

/* A line that only groups children ("predicate", "else"). */
static void print_label(FILE *out, const char *label, int depth)
{
	print_indent(out, depth);
	fprintf(out, "%s\n", label);
}

static void print_type_children(FILE *out, const struct line_index *lines, const struct fth_type_name *t,
				int depth)
{
	if (t->typeof_expr)
		print_node(out, lines, t->typeof_expr, depth);
}

static void print_children(FILE *out, const struct line_index *lines, const struct fth_node *node, int depth)
{
	const struct fth_node *n = node;

	switch (n->kind) {
	case FTH_MAP: print_list(out, lines, &n->u.map.keys, depth); break;
	case FTH_CALL: print_list(out, lines, &n->u.call.args, depth); break;
	case FTH_UNARY: print_node(out, lines, n->u.unary.operand, depth); break;
	case FTH_BINARY:
		print_node(out, lines, n->u.binary.lhs, depth);
		print_node(out, lines, n->u.binary.rhs, depth);
		break;
	case FTH_TERNARY:
		print_node(out, lines, n->u.ternary.cond, depth);
		if (n->u.ternary.then_expr)
			print_node(out, lines, n->u.ternary.then_expr, depth);
		print_node(out, lines, n->u.ternary.else_expr, depth);
		break;
	case FTH_FIELD: print_node(out, lines, n->u.field.base, depth); break;
	case FTH_INDEX:
		print_node(out, lines, n->u.index.base, depth);
		print_node(out, lines, n->u.index.index, depth);
		break;
	case FTH_TUPLE_INDEX: print_node(out, lines, n->u.tuple_index.base, depth); break;
	case FTH_TUPLE:
	case FTH_RECORD: print_list(out, lines, &n->u.list, depth); break;
	case FTH_RECORD_FIELD: print_node(out, lines, n->u.record_field.value, depth); break;
	case FTH_CAST:
		print_type_children(out, lines, &n->u.cast.type_name, depth);
		print_node(out, lines, n->u.cast.operand, depth);
		break;
	case FTH_SIZEOF:
		if (n->u.sizeof_.operand)
			print_node(out, lines, n->u.sizeof_.operand, depth);
		else
			print_type_children(out, lines, &n->u.sizeof_.type_name, depth);
		break;
	case FTH_OFFSETOF:
		if (n->u.offsetof_.operand)
			print_node(out, lines, n->u.offsetof_.operand, depth);
		else
			print_type_children(out, lines, &n->u.offsetof_.type_name, depth);
		break;
	case FTH_TYPEOF:
		if (n->u.typeof_.expr)
			print_node(out, lines, n->u.typeof_.expr, depth);
		else
			print_type_children(out, lines, &n->u.typeof_.type_name, depth);
		break;
	case FTH_INCDEC: print_node(out, lines, n->u.incdec.target, depth); break;
	case FTH_FN_INLINE: print_node(out, lines, n->u.fn_inline.body, depth); break;
	case FTH_BLOCK_EXPR:
	case FTH_BLOCK:
		print_list(out, lines, &n->u.block.stmts, depth);
		if (n->u.block.value) {
			print_label(out, "value", depth);
			print_node(out, lines, n->u.block.value, depth + 1);
		}
		break;
	case FTH_EXPR_STMT: print_node(out, lines, n->u.expr_stmt.expr, depth); break;
	case FTH_ASSIGN:
		print_node(out, lines, n->u.assign.target, depth);
		print_node(out, lines, n->u.assign.value, depth);
		break;
	case FTH_LET:
		print_type_children(out, lines, &n->u.let.type_name, depth);
		if (n->u.let.value)
			print_node(out, lines, n->u.let.value, depth);
		break;
	case FTH_IF:
		print_node(out, lines, n->u.if_.cond, depth);
		print_node(out, lines, n->u.if_.then_block, depth);
		if (n->u.if_.else_block) {
			print_label(out, "else", depth);
			print_node(out, lines, n->u.if_.else_block, depth + 1);
		}
		break;
	case FTH_WHILE:
		print_node(out, lines, n->u.loop.cond, depth);
		print_node(out, lines, n->u.loop.body, depth);
		break;
	case FTH_UNROLL:
		print_node(out, lines, n->u.unroll.count, depth);
		print_node(out, lines, n->u.unroll.body, depth);
		break;
	case FTH_FOR_MAP:
		print_node(out, lines, n->u.for_map.var, depth);
		print_node(out, lines, n->u.for_map.map, depth);
		print_node(out, lines, n->u.for_map.body, depth);
		break;
	case FTH_FOR_RANGE:
		print_node(out, lines, n->u.for_range.var, depth);
		print_node(out, lines, n->u.for_range.start, depth);
		print_node(out, lines, n->u.for_range.end, depth);
		print_node(out, lines, n->u.for_range.body, depth);
		break;
	case FTH_RETURN:
		if (n->u.ret.value)
			print_node(out, lines, n->u.ret.value, depth);
		break;
	case FTH_PROGRAM: print_list(out, lines, &n->u.program.items, depth); break;
	case FTH_PROBE:
		print_list(out, lines, &n->u.probe.attach_points, depth);
		if (n->u.probe.predicate) {
			print_label(out, "predicate", depth);
			print_node(out, lines, n->u.probe.predicate, depth + 1);
		}
		print_node(out, lines, n->u.probe.body, depth);
		break;
	case FTH_CONFIG: print_list(out, lines, &n->u.config.items, depth); break;
	case FTH_CONFIG_ITEM: print_node(out, lines, n->u.config_item.value, depth); break;
	case FTH_MACRO:
	case FTH_FUNCTION:
		print_list(out, lines, &n->u.func.params, depth);
		print_node(out, lines, n->u.func.body, depth);
		break;
	case FTH_MAP_DECL: print_list(out, lines, &n->u.map_decl.args, depth); break;
	default:
		break;
	}
}

static void print_node(FILE *out, const struct line_index *lines, const struct fth_node *node, int depth)
{
	print_indent(out, depth);
	if (!node) {
		fputs("<missing>\n", out);
		return;
	}
	fputs(fth_node_kind_name(node->kind), out);
	print_detail(out, node);
	print_position(out, lines, node);
	if (lines->types && node->type) {
		fputs(" :: ", out);
		fputs(fth_type_describe(lines->types, node->type), out);
	}
	fputc('\n', out);
	print_children(out, lines, node, depth + 1);
}

static void ast_print(FILE *out, const struct fth_source *src, const struct fth_node *node, bool typed)
{
	struct line_index index;
	struct fth_arena names;

	fth_arena_init(&names);
	line_index_build(&index, src);
	index.types = typed ? &names : NULL;
	print_node(out, &index, node, 0);
	free(index.starts);
	fth_arena_free(&names);
}

void fth_ast_print(FILE *out, const struct fth_source *src, const struct fth_node *node)
{
	ast_print(out, src, node, false);
}

void fth_ast_print_typed(FILE *out, const struct fth_source *src, const struct fth_node *node)
{
	ast_print(out, src, node, true);
}
