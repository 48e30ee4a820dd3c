/* ast.h - the abstract syntax tree the parser builds and later phases read.
 *
 * One node struct for everything, tagged by kind, so that passes can walk the
 * tree with a single switch and every node carries its source range for
 * diagnostics. Nodes live in the compile's arena and are never freed alone.
 *
 * Semantic analysis annotates expressions in place (the `type` field and the
 * `sema` union members); the parser leaves them zero. */
#ifndef FATHOM_AST_H
#define FATHOM_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"

struct fth_type;
struct fth_var;

enum fth_node_kind {
	/* ---- expressions ---- */
	FTH_INT,          /* integer literal: u.integer */
	FTH_STRING,       /* string literal, escapes decoded: u.string */
	FTH_BOOL,         /* true / false: u.integer */
	FTH_IDENT,        /* bare identifier: builtin (pid, comm, arg0, args, ...),
			   * enum constant or #define: u.ident.name */
	FTH_VAR,          /* scratch variable $name: u.ident.name (with '$') */
	FTH_POSITIONAL,   /* $1..$N: u.positional.index; $#: index = -1 */
	FTH_MAP,          /* @name or @name[keys]: u.map */
	FTH_CALL,         /* name(args): u.call */
	FTH_UNARY,        /* op expr: u.unary (op is a token kind) */
	FTH_BINARY,       /* lhs op rhs: u.binary */
	FTH_TERNARY,      /* cond ? a : b, and cond ?: b (then == NULL): u.ternary */
	FTH_FIELD,        /* expr.name / expr->name: u.field */
	FTH_INDEX,        /* expr[index]: u.index */
	FTH_TUPLE_INDEX,  /* expr.N: u.tuple_index */
	FTH_TUPLE,        /* (a, b, ...), (), (a,): u.list */
	FTH_RECORD,       /* (name = a, ...): u.list of FTH_RECORD_FIELD */
	FTH_RECORD_FIELD, /* name = value inside a record: u.record_field */
	FTH_CAST,         /* (type) expr: u.cast */
	FTH_SIZEOF,       /* sizeof(type) or sizeof(expr): u.sizeof_ */
	FTH_OFFSETOF,     /* offsetof(type, a.b.c): u.offsetof_ */
	FTH_INCDEC,       /* ++x, x++, --x, x--: u.incdec */
	FTH_BLOCK_EXPR,   /* { stmts; expr } used as a value: u.block */
	FTH_TYPEOF,       /* typeof(expr) as a type argument: u.typeof_ */
	FTH_FN_INLINE,    /* a call of a script fn, expanded in place: u.fn_inline */

	/* ---- statements ---- */
	FTH_EXPR_STMT,    /* expression statement: u.expr_stmt */
	FTH_ASSIGN,       /* target op= value: u.assign (op 0 for plain '=') */
	FTH_LET,          /* let $x [: type] [= value]: u.let */
	FTH_IF,           /* u.if_ */
	FTH_WHILE,        /* u.loop */
	FTH_UNROLL,       /* unroll(N) { }: u.unroll */
	FTH_FOR_MAP,      /* for ($kv : @map) { }: u.for_map */
	FTH_FOR_RANGE,    /* for ($i : a..b) { }: u.for_range */
	FTH_BREAK,
	FTH_CONTINUE,
	FTH_RETURN,       /* u.ret.value may be NULL */
	FTH_BLOCK,        /* { stmts }: u.block. value is NULL except in macro
			   * bodies and in the branches of an if used as a value,
			   * where a trailing expression without ';' becomes it */

	/* ---- top level ---- */
	FTH_PROGRAM,      /* u.program */
	FTH_PROBE,        /* u.probe */
	FTH_ATTACH_POINT, /* one attach point of a probe: u.attach */
	FTH_CONFIG,       /* config = { key = value; ... }: u.config */
	FTH_CONFIG_ITEM,  /* u.config_item */
	FTH_MACRO,        /* macro name(params) { body }: u.func */
	FTH_FUNCTION,     /* fn name(params): type { body }: u.func */
	FTH_PARAM,        /* parameter of a macro/fn: u.param */
	FTH_C_DEFINITION, /* struct/union/enum definition text: u.c_def */
	FTH_PREPROCESSOR, /* #include / #define / other # line: u.pp */
	FTH_MAP_DECL,     /* let @m = hash(N);: u.map_decl */
	FTH_IMPORT,       /* import "path";: u.import */

	FTH_NODE_KIND_COUNT
};

/* A type written in the script: uint32, struct task_struct *, string[64],
 * int32[4], typeof(expr). Resolved to a struct fth_type by sema. */
struct fth_type_name {
	const char *base;           /* "uint32", "struct task_struct", "string", ... */
	int pointer_depth;          /* number of '*' */
	int array_len;              /* [N]; 0 = none; -1 = [] with no size */
	struct fth_node *typeof_expr; /* typeof(expr) instead of base, else NULL */
	struct fth_range range;
};

struct fth_node_list {
	struct fth_node **items;
	int len;
	int cap;
};

struct fth_node {
	enum fth_node_kind kind;
	struct fth_range range;
	/* In the copy of a macro's body: the calls it was expanded at,
	 * innermost first, so errors can name them; NULL elsewhere. */
	const struct fth_expansion *expanded;
	struct fth_type *type; /* set by sema on expressions */

	union {
		uint64_t integer;
		struct {
			char *data; /* decoded bytes, NUL-terminated */
			uint32_t len; /* bytes, not counting the terminating NUL */
			/* N when sema made it from $N given a non-number, so an
			 * error can name the parameter; 0 for a literal */
			int from_positional;
		} string;
		struct {
			const char *name;
			struct fth_var *var; /* FTH_VAR: the variable it names, set by sema */
		} ident;
		struct {
			int index; /* 1-based; -1 for $# */
		} positional;
		struct {
			const char *name; /* "@name", or "@" for the anonymous map */
			struct fth_node_list keys; /* empty for a scalar map */
			struct fth_range name_range;
		} map;
		struct {
			const char *name;
			struct fth_node_list args;
			struct fth_range name_range;
		} call;
		struct {
			int op; /* enum fth_token_kind of the operator */
			struct fth_node *operand;
		} unary;
		struct {
			int op; /* enum fth_token_kind of the operator */
			struct fth_node *lhs, *rhs;
			/* == and != of tuples, structs and arrays: the layout both
			 * sides are written in and compared byte by byte (sema) */
			struct fth_type *cmp_type;
		} binary;
		struct {
			struct fth_node *cond, *then_expr, *else_expr;
		} ternary;
		struct {
			struct fth_node *base;
			const char *name;
			bool arrow; /* written with -> */
			struct fth_range name_range;
			/* set by sema for struct members read from memory */
			uint32_t offset, bit_offset, bit_size;
		} field;
		struct {
			struct fth_node *base, *index;
		} index;
		struct {
			struct fth_node *base;
			int index;
		} tuple_index;
		struct fth_node_list list;
		struct {
			const char *name;
			struct fth_node *value;
		} record_field;
		struct {
			struct fth_type_name type_name;
			struct fth_node *operand;
		} cast;
		struct {
			struct fth_type_name type_name; /* used when operand == NULL */
			struct fth_node *operand;
		} sizeof_;
		struct {
			struct fth_type_name type_name; /* used when operand == NULL */
			struct fth_node *operand;
			struct fth_node_list fields; /* FTH_IDENT nodes: a.b.c */
		} offsetof_;
		struct {
			struct fth_node *target; /* FTH_VAR or FTH_MAP */
			bool increment;
			bool prefix;
		} incdec;
		struct {
			struct fth_node_list stmts;
			struct fth_node *value; /* trailing expression of a block expr, or NULL */
		} block;
		struct {
			struct fth_node *expr; /* NULL when the argument is a type */
			struct fth_type_name type_name; /* typeof(struct foo): used when expr == NULL */
		} typeof_;
		struct {
			const char *name;          /* the fn called */
			struct fth_node *decl;     /* its FTH_FUNCTION */
			/* FTH_BLOCK: a let per parameter (the argument converted
			 * to its type), then a renamed copy of the fn's body */
			struct fth_node *body;
			/* FTH_VAR that `return value` sets and the call reads;
			 * NULL for a fn returning nothing (void) */
			struct fth_node *result;
		} fn_inline;
		struct {
			struct fth_node *expr;
		} expr_stmt;
		struct {
			struct fth_node *target; /* FTH_VAR, FTH_MAP, or the '_' discard FTH_IDENT */
			int op; /* 0 for '=', else the binary operator token (TOK_PLUS for +=) */
			struct fth_node *value;
		} assign;
		struct {
			struct fth_node *var; /* FTH_VAR */
			bool has_type;
			struct fth_type_name type_name;
			struct fth_node *value; /* may be NULL */
		} let;
		struct {
			struct fth_node *cond;
			struct fth_node *then_block; /* FTH_BLOCK */
			struct fth_node *else_block; /* FTH_BLOCK, FTH_IF (else if) or NULL */
		} if_;
		struct {
			struct fth_node *cond;
			struct fth_node *body;
		} loop;
		struct {
			struct fth_node *count;
			struct fth_node *body;
		} unroll;
		struct {
			struct fth_node *var; /* FTH_VAR */
			struct fth_node *map; /* FTH_MAP */
			struct fth_node *body;
		} for_map;
		struct {
			struct fth_node *var; /* FTH_VAR */
			struct fth_node *start, *end;
			struct fth_node *body;
			/* set by sema: the body runs as a bpf_loop callback */
			bool loop_helper;
		} for_range;
		struct {
			struct fth_node *value;
		} ret;
		struct {
			struct fth_node_list items; /* every top-level item, in source order */
			struct fth_node_list probes;
			struct fth_node_list macros; /* FTH_MACRO and FTH_FUNCTION */
			struct fth_node_list c_defs; /* FTH_C_DEFINITION and FTH_PREPROCESSOR */
			struct fth_node_list map_decls;
			struct fth_node_list imports;
			/* FTH_FN_INLINE copies of the fns no probe calls, with
			 * parameters unset: sema checks them as bpftrace does */
			struct fth_node_list fn_checks;
			struct fth_node *config; /* or NULL */
		} program;
		struct {
			const char *name; /* optional name= prefix, or NULL */
			struct fth_node_list attach_points;
			struct fth_node *predicate; /* or NULL */
			struct fth_node *body; /* FTH_BLOCK */
		} probe;
		struct {
			const char *text;  /* raw text as written, quotes removed */
			/* Split on ':' (quoted parts kept whole). parts[0] is the
			 * provider as written. */
			const char **parts;
			int nparts;
		} attach;
		struct {
			struct fth_node_list items;
		} config;
		struct {
			const char *key;
			struct fth_node *value; /* FTH_INT, FTH_STRING, FTH_BOOL or FTH_IDENT */
		} config_item;
		struct {
			const char *name;
			struct fth_node_list params; /* FTH_PARAM */
			bool has_return_type;
			bool called;    /* fn: expanded at some call */
			struct fth_type_name return_type;
			struct fth_node *body; /* FTH_BLOCK */
		} func;
		struct {
			const char *name; /* "$x", "@m" or "x" */
			bool has_type;
			struct fth_type_name type_name;
		} param;
		struct {
			const char *text; /* "struct foo { ... };" verbatim */
			const char *name; /* "struct foo", "enum bar", or NULL if anonymous */
		} c_def;
		struct {
			const char *text; /* the whole line, "#include <linux/sched.h>" */
			const char *directive; /* "include", "define", ... */
			const char *arg1; /* include path or macro name, or NULL */
			const char *arg2; /* #define value text, or NULL */
		} pp;
		struct {
			const char *name; /* "@m" */
			const char *map_type; /* "hash", "lruhash", ... */
			struct fth_node_list args;
		} map_decl;
		struct {
			const char *path;
		} import;
	} u;
};

struct fth_node *fth_node_new(struct fth_arena *arena, enum fth_node_kind kind, struct fth_range range);
void fth_node_list_push(struct fth_arena *arena, struct fth_node_list *list, struct fth_node *node);
const char *fth_node_kind_name(enum fth_node_kind kind);

/* Print the tree for `fathom -d ast`: one node per line, two spaces of
 * indentation per depth, each line "kind detail [line:col]". With src NULL
 * the " [line:col]" suffix is left out (handy for tests). Grouping lines
 * "predicate", "else" and "value" introduce a probe's predicate, an if's
 * else branch and a block's trailing value. */
void fth_ast_print(FILE *out, const struct fth_source *src, const struct fth_node *node);
/* The same after semantic analysis: each typed node ends with " :: TYPE"
 * (-d types). */
void fth_ast_print_typed(FILE *out, const struct fth_source *src, const struct fth_node *node);

#endif
