/* rustdemangle.c - rustc's v0 mangling demangled as LLVM prints it. See
 * rustdemangle.h.
 *
 * The grammar (RFC 2603), after "_R":
 *   symbol    = path [instantiating-crate path]
 *   path      = "C" [dis] ident                 crate root
 *             | "M" impl-path type              <T>
 *             | "X" impl-path type path         <T as Trait>
 *             | "Y" type path                   <T as Trait>
 *             | "N" ns path [dis] ident         path::ident, path::{closure#N}
 *             | "I" path {generic-arg} "E"      path::<A, B>
 *             | backref
 *   type      = basic (a lower-case letter) | path | "A" type const | "S" type
 *             | "T" {type} "E" | "R"/"Q" ["L" n] type | "P"/"O" type
 *             | "F" fn-sig | "D" dyn-bounds "L" n | backref
 *   backref   = "B" base62: the text at that offset (after "_R") again
 * Numbers: base62 ("_" is 0, "0_" is 1, ...), decimal (identifier
 * lengths), hex (constants). What is printed, and what is refused, follow
 * LLVM's demangler: crate disambiguators and the instantiating crate are
 * left out, closures and shims print as {closure#N} and {shim:NAME#N}.
 *
 * The input may be anything an ELF file holds, so every step is checked
 * and bounded: nesting depth (a backref may point back at itself), the
 * amount of work and of output (backrefs can double the text at each
 * level), and every number against overflow. */
#include "rustdemangle.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Real symbols nest a few dozen levels at most. */
#define V0_MAX_DEPTH 256
#define V0_MAX_OUTPUT (64 * 1024)
/* Parsing steps: far above any real symbol, low enough to stay instant. */
#define V0_MAX_STEPS (1u << 20)
/* A punycode identifier is decoded by inserting code points into an
 * array, quadratic in its length; real identifiers are short. */
#define V0_MAX_PUNYCODE 1024

struct v0 {
	const char *in; /* after "_R", up to the first '.' */
	size_t len, pos;
	char *out;
	size_t out_len, out_cap;
	bool failed;
	bool quiet; /* parsing without printing: impl paths, the instantiating crate */
	unsigned depth;
	unsigned long steps;
	uint64_t bound_lifetimes; /* lifetimes of the enclosing for<...> binders */
};

struct v0_ident {
	const char *text;
	size_t len;
	bool punycode;
};

static void fail(struct v0 *d)
{
	d->failed = true;
}

/* One more step of work; false (and failed) past the budget. */
static bool step(struct v0 *d)
{
	if (++d->steps > V0_MAX_STEPS)
		fail(d);
	return !d->failed;
}

static char peek(const struct v0 *d)
{
	return d->failed || d->pos >= d->len ? '\0' : d->in[d->pos];
}

static char next(struct v0 *d)
{
	if (d->failed || d->pos >= d->len) {
		fail(d);
		return '\0';
	}
	return d->in[d->pos++];
}

static bool eat(struct v0 *d, char c)
{
	if (d->failed || d->pos >= d->len || d->in[d->pos] != c)
		return false;
	d->pos++;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* ------------------------------------------------------------ output */

static void emit_bytes(struct v0 *d, const char *s, size_t n)
{
	if (d->failed || d->quiet)
		return;
	if (n > V0_MAX_OUTPUT - d->out_len) {
		fail(d);
		return;
	}
	if (d->out_len + n + 1 > d->out_cap) {
		size_t cap = d->out_cap ? d->out_cap : 128;
		char *grown;
		while (cap < d->out_len + n + 1)
			cap *= 2;
		grown = realloc(d->out, cap);
		if (!grown) {
			fail(d);
			return;
		}
		d->out = grown;
		d->out_cap = cap;
	}
	memcpy(d->out + d->out_len, s, n);
	d->out_len += n;
	d->out[d->out_len] = '\0';
}

static void emit(struct v0 *d, const char *s)
{
	emit_bytes(d, s, strlen(s));
}

static void emit_char(struct v0 *d, char c)
{
	emit_bytes(d, &c, 1);
}

static void emit_u64(struct v0 *d, uint64_t n)
{
	char digits[24];
	size_t at = sizeof(digits);

	do {
		digits[--at] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	emit_bytes(d, digits + at, sizeof(digits) - at);
}

/* ----------------------------------------------------------- numbers */

static bool add_u64(struct v0 *d, uint64_t *a, uint64_t b)
{
	if (*a > UINT64_MAX - b) {
		fail(d);
		return false;
	}
	*a += b;
	return true;
}

static bool mul_u64(struct v0 *d, uint64_t *a, uint64_t b)
{
	if (b && *a > UINT64_MAX / b) {
		fail(d);
		return false;
	}
	*a *= b;
	return true;
}

/* base62 = {0-9a-zA-Z} "_": "_" is 0, otherwise the digits' value + 1. */
static uint64_t base62(struct v0 *d)
{
	uint64_t value = 0;

	if (eat(d, '_'))
		return 0;
	for (;;) {
		char c = next(d);
		uint64_t digit;
		if (c == '_')
			break;
		if (is_digit(c))
			digit = (uint64_t)(c - '0');
		else if (is_lower(c))
			digit = 10 + (uint64_t)(c - 'a');
		else if (is_upper(c))
			digit = 36 + (uint64_t)(c - 'A');
		else {
			fail(d);
			return 0;
		}
		if (!mul_u64(d, &value, 62) || !add_u64(d, &value, digit))
			return 0;
	}
	return add_u64(d, &value, 1) ? value : 0;
}

/* [tag base62]: 0 when absent, the number + 1 when present (so that "s_",
 * a disambiguator of 0, is told from none). */
static uint64_t optional_base62(struct v0 *d, char tag)
{
	uint64_t n;

	if (!eat(d, tag))
		return 0;
	n = base62(d);
	if (d->failed || !add_u64(d, &n, 1))
		return 0;
	return n;
}

/* decimal = "0" | [1-9] {[0-9]} */
static uint64_t decimal(struct v0 *d)
{
	uint64_t value = 0;

	if (!is_digit(peek(d))) {
		fail(d);
		return 0;
	}
	if (eat(d, '0'))
		return 0;
	while (is_digit(peek(d)))
		if (!mul_u64(d, &value, 10) || !add_u64(d, &value, (uint64_t)(next(d) - '0')))
			return 0;
	return value;
}

/* hex = "0_" | [1-9a-f] {[0-9a-f]} "_": its value (meaningless past 16
 * digits) and where its digits are. */
static uint64_t hex(struct v0 *d, const char **digits, size_t *ndigits)
{
	size_t start = d->pos;
	uint64_t value = 0;

	*digits = NULL;
	*ndigits = 0;
	if (!strchr("0123456789abcdef", peek(d)) || !peek(d)) {
		fail(d);
		return 0;
	}
	if (eat(d, '0')) {
		if (!eat(d, '_'))
			fail(d);
	} else {
		while (!d->failed && !eat(d, '_')) {
			char c = next(d);
			value *= 16;
			if (is_digit(c))
				value += (uint64_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				value += 10 + (uint64_t)(c - 'a');
			else
				fail(d);
		}
	}
	if (d->failed)
		return 0;
	*digits = d->in + start;
	*ndigits = d->pos - 1 - start;
	return value;
}

/* ------------------------------------------------------- identifiers */

/* ident = ["u"] decimal ["_"] bytes; "u": the bytes are punycode. The
 * "_" separates the length from bytes starting with a digit or '_'. */
static struct v0_ident ident(struct v0 *d)
{
	struct v0_ident id = { NULL, 0, false };
	uint64_t len;

	id.punycode = eat(d, 'u');
	len = decimal(d);
	eat(d, '_');
	if (d->failed || len > d->len - d->pos) {
		fail(d);
		return id;
	}
	for (size_t i = 0; i < len; i++) {
		char c = d->in[d->pos + i];
		if (!is_digit(c) && !is_lower(c) && !is_upper(c) && c != '_') {
			fail(d);
			return id;
		}
	}
	id.text = d->in + d->pos;
	id.len = (size_t)len;
	d->pos += (size_t)len;
	return id;
}

/* One code point as UTF-8 into buf: its length, 0 for a surrogate or a
 * value past Unicode. */
static size_t utf8_encode(uint32_t cp, char buf[4])
{
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		buf[0] = (char)(0xf0 | (cp >> 18));
		buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

/* Punycode's bias adaptation (RFC 3492 section 6.1, base 36, tmin 1,
 * tmax 26, skew 38, damp 700 the first time). */
static uint64_t punycode_adapt(uint64_t delta, uint64_t points, bool first)
{
	uint64_t k = 0;

	delta /= first ? 700 : 2;
	delta += delta / points;
	while (delta > (36 - 1) * 26 / 2) {
		delta /= 36 - 1;
		k += 36;
	}
	return k + (36 * delta) / (delta + 38);
}

/* Punycode digits: a-z are 0-25, 0-9 are 26-35. */
static int punycode_digit(char c)
{
	if (is_lower(c))
		return c - 'a';
	if (is_digit(c))
		return 26 + (c - '0');
	return -1;
}

/* The code points the punycode text s[0..n) stands for, into cps (room for
 * n): how many, or -1 when it is not valid. Rust writes the basic code
 * points first, up to the last '_'. */
static long punycode_decode(const char *s, size_t n, uint32_t *cps)
{
	size_t count = 0, at = 0, delim = n;
	uint64_t i = 0, code = 0x80, bias = 72;
	bool first = true;

	for (size_t k = 0; k < n; k++)
		if (s[k] == '_')
			delim = k;
	if (delim < n) {
		for (; at < delim; at++)
			cps[count++] = (uint8_t)s[at];
		at++;
	}
	while (at < n) {
		uint64_t old_i = i, weight = 1;
		for (uint64_t k = 36;; k += 36) {
			int digit = at < n ? punycode_digit(s[at++]) : -1;
			uint64_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
			if (digit < 0 || (uint64_t)digit > (UINT64_MAX - i) / weight)
				return -1;
			i += (uint64_t)digit * weight;
			if ((uint64_t)digit < t)
				break;
			if (weight > UINT64_MAX / (36 - t))
				return -1;
			weight *= 36 - t;
		}
		bias = punycode_adapt(i - old_i, count + 1, first);
		first = false;
		if (i / (count + 1) > 0x10ffff - code)
			return -1;
		code += i / (count + 1);
		i %= count + 1;
		if (count >= n)
			return -1;
		memmove(cps + i + 1, cps + i, (count - (size_t)i) * sizeof(*cps));
		cps[i] = (uint32_t)code;
		count++;
		i++;
	}
	return (long)count;
}

static void emit_punycode(struct v0 *d, const struct v0_ident *id)
{
	uint32_t *cps;
	long count;

	if (id->len > V0_MAX_PUNYCODE) {
		fail(d);
		return;
	}
	cps = malloc((id->len ? id->len : 1) * sizeof(*cps));
	if (!cps) {
		fail(d);
		return;
	}
	count = punycode_decode(id->text, id->len, cps);
	if (count < 0)
		fail(d);
	for (long k = 0; k < count && !d->failed; k++) {
		char buf[4];
		size_t n = utf8_encode(cps[k], buf);
		if (!n)
			fail(d);
		emit_bytes(d, buf, n);
	}
	free(cps);
}

static void emit_ident(struct v0 *d, const struct v0_ident *id)
{
	if (d->failed || d->quiet)
		return;
	if (id->punycode)
		emit_punycode(d, id);
	else
		emit_bytes(d, id->text, id->len);
}

/* --------------------------------------------------------- lifetimes */

/* Lifetime index 0 is the erased '_; the others count the binders'
 * lifetimes back from the innermost (De Bruijn), named 'a, 'b, ... from
 * the outermost: 'a..'z, then 'z1, 'z2, ... */
static void emit_lifetime(struct v0 *d, uint64_t index)
{
	uint64_t depth;

	if (!index) {
		emit(d, "'_");
		return;
	}
	if (index - 1 >= d->bound_lifetimes) {
		fail(d);
		return;
	}
	depth = d->bound_lifetimes - index;
	emit_char(d, '\'');
	if (depth < 26) {
		emit_char(d, (char)('a' + depth));
	} else {
		emit_char(d, 'z');
		emit_u64(d, depth - 26 + 1);
	}
}

/* binder = "G" base62: for<'a, 'b, ...> with that number + 1 lifetimes. */
static void binder(struct v0 *d)
{
	uint64_t n = optional_base62(d, 'G');

	if (d->failed || !n)
		return;
	/* each lifetime is named later by at least one byte of input: more
	 * of them than bytes left is no symbol (and would print forever) */
	if (n >= d->len - d->bound_lifetimes) {
		fail(d);
		return;
	}
	emit(d, "for<");
	for (uint64_t k = 0; k < n && step(d); k++) {
		d->bound_lifetimes++;
		if (k)
			emit(d, ", ");
		emit_lifetime(d, 1);
	}
	emit(d, "> ");
}

/* ------------------------------------------------------------- grammar */

static bool path(struct v0 *d, bool in_type, bool leave_open);
static void type(struct v0 *d);
static void constant(struct v0 *d);

/* Entering a recursive rule: false (and failed) too deep or past the work
 * budget. */
static bool enter(struct v0 *d)
{
	if (d->failed || d->depth >= V0_MAX_DEPTH) {
		fail(d);
		return false;
	}
	d->depth++;
	return step(d);
}

static void leave(struct v0 *d)
{
	d->depth--;
}

/* backref = "B" base62 (the "B" read): the offset it points at, which must
 * be before it. Quiet parsing does not follow backrefs: what they point at
 * was parsed already. */
static bool backref(struct v0 *d, size_t *target)
{
	uint64_t at = base62(d);

	if (d->failed || at >= d->pos) {
		fail(d);
		return false;
	}
	*target = (size_t)at;
	return !d->quiet;
}

/* A backref of a type or a constant: parse what it points back at, then
 * go on after the backref. */
static void at_backref(struct v0 *d, void (*parse)(struct v0 *))
{
	size_t target, resume;

	if (backref(d, &target)) {
		resume = d->pos;
		d->pos = target;
		parse(d);
		d->pos = resume;
	}
}

static void impl_path(struct v0 *d, bool in_type)
{
	bool was_quiet = d->quiet;

	/* the impl's own path (where it is written) is not printed */
	d->quiet = true;
	optional_base62(d, 's');
	path(d, in_type, false);
	d->quiet = was_quiet;
}

/* The basic type of letter c, or NULL. */
static const char *basic_type(char c)
{
	switch (c) {
	case 'a': return "i8";
	case 'b': return "bool";
	case 'c': return "char";
	case 'd': return "f64";
	case 'e': return "str";
	case 'f': return "f32";
	case 'h': return "u8";
	case 'i': return "isize";
	case 'j': return "usize";
	case 'l': return "i32";
	case 'm': return "u32";
	case 'n': return "i128";
	case 'o': return "u128";
	case 'p': return "_";
	case 's': return "i16";
	case 't': return "u16";
	case 'u': return "()";
	case 'v': return "...";
	case 'x': return "i64";
	case 'y': return "u64";
	case 'z': return "!";
	default: return NULL;
	}
}

/* lifetime | "K" const | type */
static void generic_arg(struct v0 *d)
{
	if (eat(d, 'L'))
		emit_lifetime(d, base62(d));
	else if (eat(d, 'K'))
		constant(d);
	else
		type(d);
}

/* path: in_type leaves out the "::" before generic arguments (Vec<u8> in
 * a type, f::<u8> in an expression); leave_open leaves their closing '>'
 * to the caller (a dyn trait's associated types go inside). Returns
 * whether it was left open. */
static bool path(struct v0 *d, bool in_type, bool leave_open)
{
	bool open = false;
	char tag;

	if (!enter(d))
		return false;
	tag = next(d);
	switch (tag) {
	case 'C': {
		struct v0_ident id;
		optional_base62(d, 's'); /* the crate's disambiguator, not shown */
		id = ident(d);
		emit_ident(d, &id);
		break;
	}
	case 'M':
		impl_path(d, in_type);
		emit_char(d, '<');
		type(d);
		emit_char(d, '>');
		break;
	case 'X':
	case 'Y':
		if (tag == 'X')
			impl_path(d, in_type);
		emit_char(d, '<');
		type(d);
		emit(d, " as ");
		path(d, true, false);
		emit_char(d, '>');
		break;
	case 'N': {
		char ns = next(d);
		uint64_t dis;
		struct v0_ident id;
		if (!is_lower(ns) && !is_upper(ns)) {
			fail(d);
			break;
		}
		path(d, in_type, false);
		dis = optional_base62(d, 's');
		id = ident(d);
		if (is_upper(ns)) {
			/* a special namespace: closures, shims, ... with their index */
			emit(d, "::{");
			if (ns == 'C')
				emit(d, "closure");
			else if (ns == 'S')
				emit(d, "shim");
			else
				emit_char(d, ns);
			if (id.len) {
				emit_char(d, ':');
				emit_ident(d, &id);
			}
			emit_char(d, '#');
			emit_u64(d, dis);
			emit_char(d, '}');
		} else if (id.len) {
			emit(d, "::");
			emit_ident(d, &id);
		}
		break;
	}
	case 'I':
		path(d, in_type, false);
		if (!in_type)
			emit(d, "::");
		emit_char(d, '<');
		for (int k = 0; step(d) && !eat(d, 'E'); k++) {
			if (k)
				emit(d, ", ");
			generic_arg(d);
		}
		if (leave_open)
			open = true;
		else
			emit_char(d, '>');
		break;
	case 'B': {
		size_t target, resume;
		if (backref(d, &target)) {
			resume = d->pos;
			d->pos = target;
			open = path(d, in_type, leave_open);
			d->pos = resume;
		}
		break;
	}
	default:
		fail(d);
	}
	leave(d);
	return open && !d->failed;
}

/* fn-sig = [binder] ["U"] ["K" abi] {type} "E" type */
static void fn_sig(struct v0 *d)
{
	uint64_t outer_lifetimes = d->bound_lifetimes;

	binder(d);
	if (eat(d, 'U'))
		emit(d, "unsafe ");
	if (eat(d, 'K')) {
		emit(d, "extern \"");
		if (eat(d, 'C')) {
			emit_char(d, 'C');
		} else {
			/* the ABI's name, its '-' written '_' */
			struct v0_ident abi = ident(d);
			if (abi.punycode)
				fail(d);
			for (size_t k = 0; k < abi.len; k++)
				emit_char(d, abi.text[k] == '_' ? '-' : abi.text[k]);
		}
		emit(d, "\" ");
	}
	emit(d, "fn(");
	for (int k = 0; step(d) && !eat(d, 'E'); k++) {
		if (k)
			emit(d, ", ");
		type(d);
	}
	emit_char(d, ')');
	if (!eat(d, 'u')) { /* returning () is not written */
		emit(d, " -> ");
		type(d);
	}
	d->bound_lifetimes = outer_lifetimes;
}

/* dyn-trait = path {"p" ident type}: Trait<Assoc = T> */
static void dyn_trait(struct v0 *d)
{
	bool open = path(d, true, true);

	while (step(d) && eat(d, 'p')) {
		struct v0_ident name;
		emit(d, open ? ", " : "<");
		open = true;
		name = ident(d);
		emit_bytes(d, name.text, name.len);
		emit(d, " = ");
		type(d);
	}
	if (open)
		emit_char(d, '>');
}

/* dyn-bounds = [binder] {dyn-trait} "E" */
static void dyn_bounds(struct v0 *d)
{
	uint64_t outer_lifetimes = d->bound_lifetimes;

	emit(d, "dyn ");
	binder(d);
	for (int k = 0; step(d) && !eat(d, 'E'); k++) {
		if (k)
			emit(d, " + ");
		dyn_trait(d);
	}
	d->bound_lifetimes = outer_lifetimes;
}

/* "R"/"Q" ["L" base62] type: &T, &'a mut T (an erased lifetime is not
 * shown). */
static void reference(struct v0 *d, bool mut)
{
	emit_char(d, '&');
	if (eat(d, 'L')) {
		uint64_t lifetime = base62(d);
		if (lifetime) {
			emit_lifetime(d, lifetime);
			emit_char(d, ' ');
		}
	}
	if (mut)
		emit(d, "mut ");
	type(d);
}

static void tuple(struct v0 *d)
{
	int k = 0;

	emit_char(d, '(');
	for (; step(d) && !eat(d, 'E'); k++) {
		if (k)
			emit(d, ", ");
		type(d);
	}
	if (k == 1)
		emit_char(d, ',');
	emit_char(d, ')');
}

static void type(struct v0 *d)
{
	size_t start = d->pos;
	const char *basic;
	char tag;

	if (!enter(d))
		return;
	tag = next(d);
	basic = basic_type(tag);
	if (basic) {
		emit(d, basic);
		leave(d);
		return;
	}
	switch (tag) {
	case 'A':
		emit_char(d, '[');
		type(d);
		emit(d, "; ");
		constant(d);
		emit_char(d, ']');
		break;
	case 'S':
		emit_char(d, '[');
		type(d);
		emit_char(d, ']');
		break;
	case 'T':
		tuple(d);
		break;
	case 'R':
	case 'Q':
		reference(d, tag == 'Q');
		break;
	case 'P':
		emit(d, "*const ");
		type(d);
		break;
	case 'O':
		emit(d, "*mut ");
		type(d);
		break;
	case 'F':
		fn_sig(d);
		break;
	case 'D':
		dyn_bounds(d);
		if (eat(d, 'L')) {
			uint64_t lifetime = base62(d);
			if (lifetime) {
				emit(d, " + ");
				emit_lifetime(d, lifetime);
			}
		} else {
			fail(d);
		}
		break;
	case 'B':
		at_backref(d, type);
		break;
	default:
		/* a named type: a path */
		d->pos = start;
		path(d, true, false);
	}
	leave(d);
}

/* An integer constant: ["n"] hex, in decimal up to 16 hex digits, as
 * written (0x...) beyond. */
static void const_int(struct v0 *d)
{
	const char *digits;
	size_t ndigits;
	uint64_t value;

	if (eat(d, 'n'))
		emit_char(d, '-');
	value = hex(d, &digits, &ndigits);
	if (d->failed)
		return;
	if (ndigits <= 16) {
		emit_u64(d, value);
	} else {
		emit(d, "0x");
		emit_bytes(d, digits, ndigits);
	}
}

static void const_bool(struct v0 *d)
{
	const char *digits;
	size_t ndigits;

	hex(d, &digits, &ndigits);
	if (ndigits == 1 && digits[0] == '0')
		emit(d, "false");
	else if (ndigits == 1 && digits[0] == '1')
		emit(d, "true");
	else
		fail(d);
}

/* A char constant as Rust writes the literal: 'x', '\n', '\u{e9}'. */
static void const_char(struct v0 *d)
{
	const char *digits;
	size_t ndigits;
	uint64_t cp = hex(d, &digits, &ndigits);

	if (d->failed || ndigits > 6) {
		fail(d);
		return;
	}
	emit_char(d, '\'');
	switch (cp) {
	case '\t': emit(d, "\\t"); break;
	case '\r': emit(d, "\\r"); break;
	case '\n': emit(d, "\\n"); break;
	case '\\': emit(d, "\\\\"); break;
	case '\'': emit(d, "\\'"); break;
	default:
		if (cp >= 0x20 && cp <= 0x7e) {
			emit_char(d, (char)cp);
		} else {
			emit(d, "\\u{");
			emit_bytes(d, digits, ndigits);
			emit_char(d, '}');
		}
	}
	emit_char(d, '\'');
}

/* const = basic-type const-data | "p" | backref */
static void constant(struct v0 *d)
{
	char tag;

	if (!enter(d))
		return;
	tag = next(d);
	switch (tag) {
	case 'a': case 'h': case 'i': case 'j': case 'l': case 'm':
	case 'n': case 'o': case 's': case 't': case 'x': case 'y':
		const_int(d);
		break;
	case 'b':
		const_bool(d);
		break;
	case 'c':
		const_char(d);
		break;
	case 'p':
		emit_char(d, '_');
		break;
	case 'B':
		at_backref(d, constant);
		break;
	default:
		fail(d);
	}
	leave(d);
}

char *fth_rust_v0_demangle(const char *name)
{
	struct v0 d = { 0 };
	const char *dot;

	if (!name || strncmp(name, "_R", 2))
		return NULL;
	d.in = name + 2;
	dot = strchr(d.in, '.');
	d.len = dot ? (size_t)(dot - d.in) : strlen(d.in);

	path(&d, false, false);
	if (d.pos != d.len) {
		/* the crate that instantiated a generic: not shown */
		d.quiet = true;
		path(&d, false, false);
		d.quiet = false;
	}
	if (d.pos != d.len)
		fail(&d);
	if (dot) {
		emit(&d, " (");
		emit(&d, dot);
		emit_char(&d, ')');
	}
	if (d.failed || !d.out) {
		free(d.out);
		return NULL;
	}
	return d.out;
}
