/* macro.c - expansion of bpftrace macros, between parsing and semantic
 * analysis.
 *
 *   macro add_one(x) { x + 1 }
 *   macro bump($v, @m) { $v++; @m[$v] = 1; }
 *
 * A call is replaced by a copy of the macro's body: a bare parameter by a
 * copy of the argument expression, a $param by the caller's variable (or
 * by a copy of the expression passed, at each use), an @param by the
 * caller's map. Other variables of the body are renamed so
 * they cannot collide with the caller's (macros are hygienic). In a value
 * position the copy is a block expression `{ stmts; value }`; as a
 * statement it is a plain block. */
#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#define MAX_EXPANSION_DEPTH 32
#define MAX_CHILDREN 8

struct binding {
	const char *param;        /* "x", "$v" or "@m" */
	struct fth_node *arg;
};

struct expansion {
	struct fth_program *prog;
	struct fth_diag *diag;
	const struct binding *bindings;
	int nbindings;
	int serial;               /* names the expansion's local variables; -1: keep names */
	const struct fth_expansion *site; /* the calls being expanded, innermost first; NULL: none */
	int depth;
	int next_serial;
	/* The fn calls being expanded, innermost first: a fn met again on
	 * this chain calls itself. */
	const struct expansion *parent;
	const struct fth_node *fn;
};

/* The single-node children of n (as slots, so they can be replaced) and its
 * child lists. */
static int child_slots(struct fth_node *n, struct fth_node **slots[MAX_CHILDREN],
		       struct fth_node_list *lists[MAX_CHILDREN], int *nlists)
{
	int ns = 0, nl = 0;

#define SLOT(p) (slots[ns++] = &(p))
#define LIST(l) (lists[nl++] = &(l))
	switch (n->kind) {
	case FTH_MAP: LIST(n->u.map.keys); break;
	case FTH_CALL: LIST(n->u.call.args); break;
	case FTH_UNARY: SLOT(n->u.unary.operand); break;
	case FTH_BINARY: SLOT(n->u.binary.lhs); SLOT(n->u.binary.rhs); break;
	case FTH_TERNARY:
		SLOT(n->u.ternary.cond); SLOT(n->u.ternary.then_expr); SLOT(n->u.ternary.else_expr);
		break;
	case FTH_FIELD: SLOT(n->u.field.base); break;
	case FTH_INDEX: SLOT(n->u.index.base); SLOT(n->u.index.index); break;
	case FTH_TUPLE_INDEX: SLOT(n->u.tuple_index.base); break;
	case FTH_TUPLE: case FTH_RECORD: LIST(n->u.list); break;
	case FTH_RECORD_FIELD: SLOT(n->u.record_field.value); break;
	case FTH_CAST: SLOT(n->u.cast.operand); SLOT(n->u.cast.type_name.typeof_expr); break;
	case FTH_SIZEOF: SLOT(n->u.sizeof_.operand); SLOT(n->u.sizeof_.type_name.typeof_expr); break;
	case FTH_OFFSETOF: SLOT(n->u.offsetof_.operand); SLOT(n->u.offsetof_.type_name.typeof_expr); break;
	case FTH_INCDEC: SLOT(n->u.incdec.target); break;
	case FTH_BLOCK_EXPR: case FTH_BLOCK: LIST(n->u.block.stmts); SLOT(n->u.block.value); break;
	case FTH_TYPEOF: SLOT(n->u.typeof_.expr); break;
	case FTH_FN_INLINE: SLOT(n->u.fn_inline.body); break;
	case FTH_EXPR_STMT: SLOT(n->u.expr_stmt.expr); break;
	case FTH_ASSIGN: SLOT(n->u.assign.target); SLOT(n->u.assign.value); break;
	case FTH_LET:
		/* let $y: typeof(x) names a macro argument in its type too */
		SLOT(n->u.let.var); SLOT(n->u.let.type_name.typeof_expr); SLOT(n->u.let.value);
		break;
	case FTH_IF: SLOT(n->u.if_.cond); SLOT(n->u.if_.then_block); SLOT(n->u.if_.else_block); break;
	case FTH_WHILE: SLOT(n->u.loop.cond); SLOT(n->u.loop.body); break;
	case FTH_UNROLL: SLOT(n->u.unroll.count); SLOT(n->u.unroll.body); break;
	case FTH_FOR_MAP: SLOT(n->u.for_map.var); SLOT(n->u.for_map.map); SLOT(n->u.for_map.body); break;
	case FTH_FOR_RANGE:
		SLOT(n->u.for_range.var); SLOT(n->u.for_range.start); SLOT(n->u.for_range.end);
		SLOT(n->u.for_range.body);
		break;
	case FTH_RETURN: SLOT(n->u.ret.value); break;
	case FTH_PROBE: SLOT(n->u.probe.predicate); SLOT(n->u.probe.body); break;
	default: break;
	}
#undef SLOT
#undef LIST
	*nlists = nl;
	return ns;
}

static const struct fth_node *bound_arg(const struct expansion *x, const char *name)
{
	for (int i = 0; i < x->nbindings; i++)
		if (!strcmp(x->bindings[i].param, name))
			return x->bindings[i].arg;
	return NULL;
}

/* Deep copy of n with the expansion's bindings and renaming applied. */
static struct fth_node *clone(struct expansion *x, const struct fth_node *n)
{
	struct fth_node **slots[MAX_CHILDREN];
	struct fth_node_list *lists[MAX_CHILDREN];
	const struct fth_node *arg;
	struct fth_node *c;
	int ns, nl;

	if (!n)
		return NULL;
	if (n->kind == FTH_IDENT && (arg = bound_arg(x, n->u.ident.name))) {
		/* The argument as the caller wrote it: no bindings, no renaming. */
		struct expansion plain = { .prog = x->prog, .diag = x->diag, .serial = -1 };
		return clone(&plain, arg);
	}
	if (n->kind == FTH_VAR && x->serial >= 0 && (arg = bound_arg(x, n->u.ident.name)) && arg->kind != FTH_VAR) {
		/* $param given an expression: the expression at each use, as
		 * bpftrace substitutes it (evaluated as often as it appears). */
		struct expansion plain = { .prog = x->prog, .diag = x->diag, .serial = -1 };
		return clone(&plain, arg);
	}
	c = fth_arena_alloc(&x->prog->arena, sizeof(*c));
	*c = *n;
	c->type = NULL;
	if (x->site)
		c->expanded = x->site;
	if (c->kind == FTH_VAR && x->serial >= 0) {
		arg = bound_arg(x, n->u.ident.name);
		c->u.ident.name = arg ? arg->u.ident.name
				      : fth_arena_printf(&x->prog->arena, "$__macro%d_%s", x->serial, n->u.ident.name + 1);
	} else if (c->kind == FTH_MAP && (arg = bound_arg(x, n->u.map.name))) {
		c->u.map.name = arg->u.map.name;
	}
	ns = child_slots(c, slots, lists, &nl);
	for (int i = 0; i < ns; i++)
		*slots[i] = clone(x, *slots[i]);
	for (int i = 0; i < nl; i++) {
		struct fth_node_list copy = { 0 };
		for (int j = 0; j < lists[i]->len; j++)
			fth_node_list_push(&x->prog->arena, &copy, clone(x, lists[i]->items[j]));
		*lists[i] = copy;
	}
	return c;
}

static struct fth_node *find_macro(struct expansion *x, const char *name, int nargs)
{
	struct fth_node_list *macros = &x->prog->ast->u.program.macros;
	struct fth_node *found = NULL;

	/* Later definitions win, so a script can override. */
	for (int i = 0; i < macros->len; i++) {
		struct fth_node *m = macros->items[i];
		if (m->kind == FTH_MACRO && !strcmp(m->u.func.name, name) && m->u.func.params.len == nargs)
			found = m;
	}
	return found;
}

static bool has_macro_named(struct expansion *x, const char *name)
{
	struct fth_node_list *macros = &x->prog->ast->u.program.macros;

	for (int i = 0; i < macros->len; i++)
		if (macros->items[i]->kind == FTH_MACRO && !strcmp(macros->items[i]->u.func.name, name))
			return true;
	return false;
}

/* "macro f is defined with 1 or 3 parameter(s)": what the macros named
 * `name` take, for a call that matches none of them. */
static const char *macro_arities_hint(struct expansion *x, const char *name)
{
	struct fth_node_list *macros = &x->prog->ast->u.program.macros;
	const char *list = NULL;

	for (int i = 0; i < macros->len; i++) {
		struct fth_node *m = macros->items[i];
		if (m->kind != FTH_MACRO || strcmp(m->u.func.name, name))
			continue;
		list = list ? fth_arena_printf(&x->prog->arena, "%s or %d", list, m->u.func.params.len)
			    : fth_arena_printf(&x->prog->arena, "%d", m->u.func.params.len);
	}
	return list ? fth_arena_printf(&x->prog->arena, "macro %s is defined with %s parameter(s)", name, list) : NULL;
}

/* Bind the call's arguments to the macro's parameters, checking kinds. */
static bool bind_args(struct expansion *x, struct fth_node *macro, struct fth_node *call, struct binding *b)
{
	struct fth_node_list *params = &macro->u.func.params;

	for (int i = 0; i < params->len; i++) {
		const char *p = params->items[i]->u.param.name;
		struct fth_node *arg = call->u.call.args.items[i];
		if (p[0] == '$' && (arg->kind == FTH_MAP && !arg->u.map.keys.len)) {
			fth_error_hint(x->diag, arg->range, "pass a variable such as $x or an expression",
				       "macro %s: parameter %s takes a value, not a whole map", macro->u.func.name, p);
			return false;
		}
		if (p[0] == '@' && (arg->kind != FTH_MAP || arg->u.map.keys.len)) {
			fth_error_hint(x->diag, arg->range, "pass a map such as @m",
				       "macro %s: parameter %s takes a map", macro->u.func.name, p);
			return false;
		}
		b[i].param = p;
		b[i].arg = arg;
	}
	return true;
}

static void expand_in(struct expansion *x, struct fth_node **slot, bool statement);

/* Replace the call at *slot by the macro body. */
static void expand_call(struct expansion *x, struct fth_node **slot, struct fth_node *macro, bool statement)
{
	struct fth_node *call = *slot;
	struct binding bindings[32];
	struct expansion inner = { .prog = x->prog, .diag = x->diag, .bindings = bindings,
				   .depth = x->depth + 1 };
	struct fth_node *body;

	if (x->depth >= MAX_EXPANSION_DEPTH) {
		fth_error_hint(x->diag, call->range, "a macro probably calls itself",
			       "macro %s expands more than %d levels deep", macro->u.func.name, MAX_EXPANSION_DEPTH);
		return;
	}
	if (macro->u.func.params.len > 32 || !bind_args(x, macro, call, bindings))
		return;
	inner.nbindings = macro->u.func.params.len;
	inner.serial = x->prog->macro_serial++;
	/* A call inside another macro's copy adds itself to that copy's
	 * chain of calls. */
	{
		struct fth_expansion *site = fth_arena_alloc(&x->prog->arena, sizeof(*site));
		site->call = call->range;
		site->outer = call->expanded;
		inner.site = site;
	}
	body = clone(&inner, macro->u.func.body);
	body->range = call->range;
	if (statement) {
		body->kind = FTH_BLOCK;
		if (body->u.block.value) {
			struct fth_node *st = fth_node_new(&x->prog->arena, FTH_EXPR_STMT, call->range);
			st->u.expr_stmt.expr = body->u.block.value;
			fth_node_list_push(&x->prog->arena, &body->u.block.stmts, st);
			body->u.block.value = NULL;
		}
	} else {
		body->kind = FTH_BLOCK_EXPR;
		if (!body->u.block.value) {
			fth_error_hint(x->diag, call->range, "end the macro body with an expression (no ';') to return it",
				       "macro %s is used as a value but returns none", macro->u.func.name);
			return;
		}
	}
	*slot = body;
	/* Calls inside the copy (nested macros) are expanded in turn. */
	{
		struct expansion deeper = *x;
		deeper.depth = x->depth + 1;
		expand_in(&deeper, slot, false);
	}
}

/* ------------------------------------------------------------------ fn */

/* The last `fn name` of the program (a later definition wins). */
static struct fth_node *find_fn(struct expansion *x, const char *name)
{
	struct fth_node_list *decls = &x->prog->ast->u.program.macros;
	struct fth_node *found = NULL;

	for (int i = 0; i < decls->len; i++)
		if (decls->items[i]->kind == FTH_FUNCTION && !strcmp(decls->items[i]->u.func.name, name))
			found = decls->items[i];
	return found;
}

static bool fn_active(const struct expansion *x, const struct fth_node *fn)
{
	for (; x; x = x->parent)
		if (x->fn == fn)
			return true;
	return false;
}

/* uint8 ... int64 and bool: arguments and returned values are converted
 * to them, as a C call converts them. */
static bool is_scalar_type_name(const struct fth_type_name *tn)
{
	static const char *const words[] = { "int8", "int16", "int32", "int64", "uint8",
					     "uint16", "uint32", "uint64", "bool" };

	if (!tn->base || tn->pointer_depth || tn->array_len)
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(tn->base, words[i]))
			return true;
	return false;
}

static struct fth_node *converted(struct expansion *x, struct fth_node *value, const struct fth_type_name *tn)
{
	struct fth_node *c;

	if (!is_scalar_type_name(tn))
		return value;
	c = fth_node_new(&x->prog->arena, FTH_CAST, value->range);
	c->u.cast.type_name = *tn;
	c->u.cast.operand = value;
	return c;
}

/* `return v` in a copy of a fn body returns v converted to the fn's type.
 * Calls of other fns in it are expanded later, so every return met here
 * is this fn's own. */
static void convert_returns(struct expansion *x, struct fth_node *n, const struct fth_type_name *tn)
{
	struct fth_node **slots[MAX_CHILDREN];
	struct fth_node_list *lists[MAX_CHILDREN];
	int ns, nl;

	if (!n)
		return;
	if (n->kind == FTH_RETURN && n->u.ret.value)
		n->u.ret.value = converted(x, n->u.ret.value, tn);
	ns = child_slots(n, slots, lists, &nl);
	for (int i = 0; i < ns; i++)
		convert_returns(x, *slots[i], tn);
	for (int i = 0; i < nl; i++)
		for (int j = 0; j < lists[i]->len; j++)
			convert_returns(x, lists[i]->items[j], tn);
}

static bool fn_returns_value(const struct fth_node *fn)
{
	const struct fth_type_name *rt = &fn->u.func.return_type;

	return fn->u.func.has_return_type && !(rt->base && !strcmp(rt->base, "void") && !rt->pointer_depth);
}

/* The parameters as variables of the copy: let $p: T = (T)argument;
 * arguments are evaluated once, in order, before the body runs. */
static bool bind_fn_params(struct expansion *x, struct fth_node *fn, struct fth_node *call, int serial,
			   struct fth_node *block)
{
	struct fth_node_list *params = &fn->u.func.params;

	for (int i = 0; i < params->len; i++) {
		struct fth_node *p = params->items[i], *arg = call ? call->u.call.args.items[i] : NULL;
		struct fth_node *let, *var;
		if (p->u.param.name[0] != '$' || !p->u.param.has_type) {
			fth_error_hint(x->diag, p->range, "write it as $name: type, e.g. $count: int64",
				       "fn %s: parameter %s needs to be a variable with a type", fn->u.func.name,
				       p->u.param.name);
			return false;
		}
		let = fth_node_new(&x->prog->arena, FTH_LET, arg ? arg->range : p->range);
		var = fth_node_new(&x->prog->arena, FTH_VAR, p->range);
		var->u.ident.name = fth_arena_printf(&x->prog->arena, "$__macro%d_%s", serial, p->u.param.name + 1);
		let->u.let.var = var;
		let->u.let.has_type = true;
		let->u.let.type_name = p->u.param.type_name;
		let->u.let.value = arg ? converted(x, arg, &p->u.param.type_name) : NULL;
		fth_node_list_push(&x->prog->arena, &block->u.block.stmts, let);
	}
	return true;
}

/* A call of a script fn becomes its body in place (BPF programs cannot
 * call one another's code here, and the verifier sees each use with its
 * own argument types): the parameters bound, the body's variables
 * renamed so they cannot meet the caller's, `return` leaving the copy. */
/* The copy of fn's body for a call (or, call NULL, for checking a fn no
 * probe calls: parameters declared without a value). */
static struct fth_node *fn_copy(struct expansion *x, struct fth_node *fn, struct fth_node *call, struct fth_range where)
{
	struct fth_node *block, *copy, *n;
	struct expansion inner = { .prog = x->prog, .diag = x->diag, .depth = x->depth + 1, .parent = x, .fn = fn };

	fn->u.func.called = fn->u.func.called || call;
	inner.serial = x->prog->macro_serial++;
	block = fth_node_new(&x->prog->arena, FTH_BLOCK, where);
	if (!bind_fn_params(x, fn, call, inner.serial, block))
		return NULL;
	copy = clone(&inner, fn->u.func.body);
	if (fn_returns_value(fn))
		convert_returns(x, copy, &fn->u.func.return_type);
	for (int i = 0; copy && i < copy->u.block.stmts.len; i++)
		fth_node_list_push(&x->prog->arena, &block->u.block.stmts, copy->u.block.stmts.items[i]);
	n = fth_node_new(&x->prog->arena, FTH_FN_INLINE, where);
	n->u.fn_inline.name = fn->u.func.name;
	n->u.fn_inline.decl = fn;
	n->u.fn_inline.body = block;
	if (fn_returns_value(fn)) {
		n->u.fn_inline.result = fth_node_new(&x->prog->arena, FTH_VAR, where);
		n->u.fn_inline.result->u.ident.name = fth_arena_printf(&x->prog->arena, "$__fn%d_result", inner.serial);
	}
	/* fn and macro calls inside the copy */
	inner.serial = -1;
	expand_in(&inner, &n->u.fn_inline.body, false);
	return n;
}

/* "it is declared as fn f($a: int64): int64": the fn's header as
 * written, so that a call with the wrong arguments can be fixed from
 * the message alone. */
static const char *fn_header_hint(struct expansion *x, const struct fth_node *fn)
{
	const struct fth_source *src = fth_diag_source(x->diag, fn->range.begin);
	uint32_t begin = fn->range.begin, end = fn->u.func.body ? fn->u.func.body->range.begin : fn->range.end;

	while (end > begin && isspace((unsigned char)src->text[end - 1]))
		end--;
	if (end <= begin || end - begin > 200)
		return NULL;
	return fth_arena_printf(&x->prog->arena, "it is declared as %.*s", (int)(end - begin), src->text + begin);
}

static void expand_fn_call(struct expansion *x, struct fth_node **slot, struct fth_node *fn)
{
	struct fth_node *call = *slot, *n;
	int nargs = call->u.call.args.len, nparams = fn->u.func.params.len;

	if (fn_active(x, fn)) {
		fth_error_hint(x->diag, call->range, "BPF programs cannot recurse: rewrite it with a loop",
			       "fn %s calls itself", fn->u.func.name);
		return;
	}
	if (nargs != nparams) {
		fth_error_hint(x->diag, call->range, fn_header_hint(x, fn), "fn %s takes %d argument%s, %d given",
			       fn->u.func.name, nparams, nparams == 1 ? "" : "s", nargs);
		return;
	}
	/* The arguments belong to the caller: expanded there, so that
	 * f(f(1)) is two calls, not a recursion. */
	for (int i = 0; i < nargs; i++)
		expand_in(x, &call->u.call.args.items[i], false);
	n = fn_copy(x, fn, call, call->range);
	if (n)
		*slot = n;
}

/* A fn that no probe calls is still checked, as bpftrace checks every
 * function: a copy with its parameters unset, kept for sema only. */
static void copy_uncalled_fns(struct expansion *x)
{
	struct fth_node_list *decls = &x->prog->ast->u.program.macros;

	for (int i = 0; i < decls->len; i++) {
		struct fth_node *fn = decls->items[i], *n;
		if (fn->kind != FTH_FUNCTION || fn->u.func.called)
			continue;
		n = fn_copy(x, fn, NULL, fn->range);
		if (n)
			fth_node_list_push(&x->prog->arena, &x->prog->ast->u.program.fn_checks, n);
	}
}

static void expand_in(struct expansion *x, struct fth_node **slot, bool statement)
{
	struct fth_node *n = *slot;
	struct fth_node **slots[MAX_CHILDREN];
	struct fth_node_list *lists[MAX_CHILDREN];
	int ns, nl;

	if (!n)
		return;
	if (n->kind == FTH_CALL && !find_macro(x, n->u.call.name, n->u.call.args.len)) {
		struct fth_node *fn = find_fn(x, n->u.call.name);
		if (fn) {
			expand_fn_call(x, slot, fn);
			return;
		}
	}
	if (n->kind == FTH_CALL || (n->kind == FTH_IDENT && has_macro_named(x, n->u.ident.name))) {
		const char *name = n->kind == FTH_CALL ? n->u.call.name : n->u.ident.name;
		int nargs = n->kind == FTH_CALL ? n->u.call.args.len : 0;
		struct fth_node *macro = find_macro(x, name, nargs);
		if (macro) {
			if (n->kind == FTH_IDENT) {
				/* A zero-argument macro named without parentheses. */
				n->kind = FTH_CALL;
				n->u.call.name = name;
				memset(&n->u.call.args, 0, sizeof(n->u.call.args));
			}
			expand_call(x, slot, macro, statement);
			return;
		}
		if (n->kind == FTH_CALL && has_macro_named(x, name)) {
			fth_error_hint(x->diag, n->range, macro_arities_hint(x, name), "no macro %s takes %d argument%s", name,
				       nargs, nargs == 1 ? "" : "s");
			return;
		}
	}
	if (n->kind == FTH_EXPR_STMT) {
		expand_in(x, &n->u.expr_stmt.expr, true);
		/* A statement-form expansion is a block: it replaces the
		 * expression statement itself. */
		if (n->u.expr_stmt.expr && n->u.expr_stmt.expr->kind == FTH_BLOCK)
			*slot = n->u.expr_stmt.expr;
		return;
	}
	ns = child_slots(n, slots, lists, &nl);
	for (int i = 0; i < ns; i++)
		expand_in(x, slots[i], false);
	for (int i = 0; i < nl; i++)
		for (int j = 0; j < lists[i]->len; j++)
			expand_in(x, &lists[i]->items[j], false);
}

int fth_expand_macros(struct fth_program *prog, struct fth_diag *diag)
{
	struct expansion x = { .prog = prog, .diag = diag, .serial = -1 };
	struct fth_node_list *probes = &prog->ast->u.program.probes;
	int errors_before = diag->errors;

	if (prog->ast->u.program.macros.len == 0)
		return 0;
	for (int i = 0; i < probes->len; i++)
		expand_in(&x, &probes->items[i], false);
	copy_uncalled_fns(&x);
	return diag->errors > errors_before ? -EINVAL : 0;
}
