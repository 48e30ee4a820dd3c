/* test_rustdemangle.c - rustc's v0 mangling demangled as LLVM prints it.
 * The symbols come from small programs built here with rustc 1.63 and
 * 1.95 (-C symbol-mangling-version=v0), or were written by hand for a
 * rule no program hit; each expected text was checked against
 * llvm-cxxfilt 14. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "rustdemangle.h"

struct pair {
	const char *mangled, *demangled;
};

static void check_pairs(const struct pair *pairs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *d = fth_rust_v0_demangle(pairs[i].mangled);
		if (!d)
			fail_msg("%s: not demangled", pairs[i].mangled);
		if (strcmp(d, pairs[i].demangled))
			fail_msg("%s: \"%s\", expected \"%s\"", pairs[i].mangled, d, pairs[i].demangled);
		free(d);
	}
}

#define CHECK_PAIRS(p) check_pairs(p, sizeof(p) / sizeof(p[0]))

/* Crate roots (their disambiguators left out), nested paths, closures and
 * shims with their index, other special namespaces, identifiers that
 * start with a digit or '_', the instantiating crate (not shown) and a
 * ".llvm." suffix (shown in parentheses). */
static void test_paths(void **state)
{
	static const struct pair pairs[] = {
		{ "_RNvCs9YSfaoTXO5M_4rich4main", "rich::main" },
		{ "_RNvNvCs9YSfaoTXO5M_4rich4main1f", "rich::main::f" },
		{ "_RNCNvCs9YSfaoTXO5M_4rich4main0B3_", "rich::main::{closure#0}" },
		{ "_RNCNvCs9YSfaoTXO5M_4rich4mains_0B3_", "rich::main::{closure#1}" },
		{ "_RNCNvCs9YSfaoTXO5M_4rich4mains1_0B3_", "rich::main::{closure#3}" },
		{ "_RNCNvC1a1fs0_3foo", "a::f::{closure:foo#2}" },
		{ "_RNSNvC1a1f6vtable", "a::f::{shim:vtable#0}" },
		{ "_RNKNvC1a1f0", "a::f::{K#0}" },
		{ "_RNvNvC1a1f0", "a::f" }, /* an internal namespace without a name */
		{ "_RNvC1a2_1x", "a::1x" },
		{ "_RNvC1a3__xy", "a::_xy" },
		{ "_RNvC1a1fC1b", "a::f" },
		{ "_RNvC1a1f.llvm.1234", "a::f (.llvm.1234)" },
	};

	(void)state;
	CHECK_PAIRS(pairs);
}

/* Inherent impls <T>, trait impls and trait items <T as Trait>, with
 * backrefs to the crate and the generic arguments of the impl's type. */
static void test_impls(void **state)
{
	static const struct pair pairs[] = {
		{ "_RNvXCs9YSfaoTXO5M_4richNtB2_6SquareNtB2_5Shape5sides", "<rich::Square as rich::Shape>::sides" },
		{ "_RNvXs0_Cs9YSfaoTXO5M_4richNtB5_6SquareNtNtCs6IL9ONYDOZW_4core3fmt7Display3fmt",
		  "<rich::Square as core::fmt::Display>::fmt" },
		{ "_RNvYNtCs9YSfaoTXO5M_4rich6SquareNtB4_5Shape4nameB4_", "<rich::Square as rich::Shape>::name" },
		{ "_RNvMs_Cs9YSfaoTXO5M_4richINtB4_7WrapperyKj3_E5firstB4_", "<rich::Wrapper<u64, 3>>::first" },
		{ "_RNvYNCNvCs9YSfaoTXO5M_4rich4mains0_0INtNtNtCs6IL9ONYDOZW_4core3ops8function6FnOnceThQStEE9call_onceB6_",
		  "<rich::main::{closure#2} as core::ops::function::FnOnce<(u8, &mut [u16])>>::call_once" },
		{ "_RNSNvYNCNvCs9YSfaoTXO5M_4rich4main0INtNtNtCs6IL9ONYDOZW_4core3ops8function6FnOnceTReEE9call_once6vtableB8_",
		  "<rich::main::{closure#0} as core::ops::function::FnOnce<(&str,)>>::call_once::{shim:vtable#0}" },
	};

	(void)state;
	CHECK_PAIRS(pairs);
}

/* Generic arguments: "::<" outside a type, "<" inside one; every basic
 * type, references, pointers, arrays, slices, tuples (one element: "(T,)"),
 * erased lifetimes. */
static void test_types(void **state)
{
	static const struct pair pairs[] = {
		{ "_RINvCs4u4lSCC4rDD_5types2tydEB2_", "types::ty::<f64>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyuEB2_", "types::ty::<()>" },
		{ "_RINvC1a1fabcdefhijlmnostvxyzpE",
		  "a::f::<i8, bool, char, f64, str, f32, u8, isize, usize, i32, u32, i128, u128, i16, u16, ..., i64, u64, !, _>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyOuEB2_", "types::ty::<*mut ()>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyPoEB2_", "types::ty::<*const u128>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyQfEB2_", "types::ty::<&mut f32>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyReEB2_", "types::ty::<&str>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tySnEB2_", "types::ty::<[i128]>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyAhj4_EB2_", "types::ty::<[u8; 4]>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyThEEB2_", "types::ty::<(u8,)>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyTaslxiEEB2_", "types::ty::<(i8, i16, i32, i64, isize)>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyNtB2_2LtEB2_", "types::ty::<types::Lt>" },
		{ "_RINvC1a1fINtB2_1SL_EE", "a::f::<a::S<'_>>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyINtNtCsgEmfK2I1SDS_4core6option6OptionINtNtCslNYArtu3iFV_5alloc5boxed3Box"
		  "AINtNtB16_3vec3VechEj2_EEEB2_",
		  "types::ty::<core::option::Option<alloc::boxed::Box<[alloc::vec::Vec<u8>; 2]>>>" },
		{ "_RINvCs9YSfaoTXO5M_4rich7genericRINtNtNtNtCsdyIG5SqMl5y_3std11collections4hash3map7HashMapNtNtCsihNoVIYWwLU_"
		  "5alloc6string6StringINtNtB1t_3vec3VecThdEEEEB2_",
		  "rich::generic::<&std::collections::hash::map::HashMap<alloc::string::String, alloc::vec::Vec<(u8, f64)>>>" },
		{ "_RINvCs9YSfaoTXO5M_4rich4hrtbNCNvB2_4mains1_0EB2_", "rich::hrtb::<rich::main::{closure#3}>" },
	};

	(void)state;
	CHECK_PAIRS(pairs);
}

/* Function pointers (unsafe, ABIs with '-' written '_', variadics, a unit
 * result left out), for<'a> binders and their lifetimes ('a.. 'z, 'z1),
 * dyn traits with associated types and lifetime bounds. */
static void test_fn_and_dyn(void **state)
{
	static const struct pair pairs[] = {
		{ "_RINvCs4u4lSCC4rDD_5types2tyFUKClvElEB2_", "types::ty::<unsafe extern \"C\" fn(i32, ...) -> i32>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyFK6sysv64bEcEB2_", "types::ty::<extern \"sysv64\" fn(bool) -> char>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyFK8C_unwindEuEB2_", "types::ty::<extern \"C-unwind\" fn()>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyFG_hQL0_StEPxEB2_", "types::ty::<for<'a> fn(u8, &'a mut [u16]) -> *const i64>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyFG_RL0_eERL0_eEB2_", "types::ty::<for<'a> fn(&'a str) -> &'a str>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyFG0_RL1_hRL0_hINtB2_2LtL1_L0_EEuEB2_",
		  "types::ty::<for<'a, 'b> fn(&'a u8, &'b u8, types::Lt<'a, 'b>)>" },
		{ "_RINvC30aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1fFGp_RL0_hRLq_hEuE",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa::f::<for<'a, 'b, 'c, 'd, 'e, 'f, 'g, 'h, 'i, 'j, 'k, 'l, 'm, 'n, 'o, 'p, "
		  "'q, 'r, 's, 't, 'u, 'v, 'w, 'x, 'y, 'z, 'z1> fn(&'z1 u8, &'a u8)>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyDNtNtCsgEmfK2I1SDS_4core3fmt5DebugEL_EB2_", "types::ty::<dyn core::fmt::Debug>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyDNtNtCsgEmfK2I1SDS_4core3fmt5DebugNtNtBu_6marker4SyncNtBZ_4SendEL_EB2_",
		  "types::ty::<dyn core::fmt::Debug + core::marker::Sync + core::marker::Send>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyDNtNtNtNtCsgEmfK2I1SDS_4core4iter6traits8iterator8Iteratorp4ItemThcEEL_EB2_",
		  "types::ty::<dyn core::iter::traits::iterator::Iterator<Item = (u8, char)>>" },
		{ "_RINvCs4u4lSCC4rDD_5types2tyDG_INtNtNtCsgEmfK2I1SDS_4core3ops8function2FnTRL0_mEEp6OutputRL0_mEL_EB2_",
		  "types::ty::<dyn for<'a> core::ops::function::Fn<(&'a u32,), Output = &'a u32>>" },
		{ "_RINvC1a1fFG_DNtC1a1TEL0_EuE", "a::f::<for<'a> fn(dyn a::T + 'a)>" },
	};

	(void)state;
	CHECK_PAIRS(pairs);
}

/* Const generics: integers (negative, past 16 hex digits as written),
 * bools, chars as Rust literals, placeholders. */
static void test_consts(void **state)
{
	static const struct pair pairs[] = {
		{ "_RINvCs9YSfaoTXO5M_4rich10with_constKca_Kb1_Kln5_EB2_", "rich::with_const::<'\\n', true, -5>" },
		{ "_RINvCs9YSfaoTXO5M_4rich10with_constKce9_Kb0_Kl0_EB2_", "rich::with_const::<'\\u{e9}', false, 0>" },
		{ "_RINvCs9YSfaoTXO5M_4rich9neg_constKxn4d_EB2_", "rich::neg_const::<-77>" },
		{ "_RINvCs9YSfaoTXO5M_4rich9big_constKofffffffffffffffffffffffffffffffa_EB2_",
		  "rich::big_const::<0xfffffffffffffffffffffffffffffffa>" },
		{ "_RINvC1a1fKoffffffffffffffff_Ko0_Kjf_E", "a::f::<18446744073709551615, 0, 15>" },
		{ "_RINvC1a1fKc27_Kc22_Kc5c_Kc9_Kcd_Kc1f600_E", "a::f::<'\\'', '\"', '\\\\', '\\t', '\\r', '\\u{1f600}'>" },
		{ "_RINvC1a1fKpE", "a::f::<_>" },
	};

	(void)state;
	CHECK_PAIRS(pairs);
}

/* Identifiers in punycode ("u" before the length), decoded to UTF-8. */
static void test_punycode(void **state)
{
	static const struct pair pairs[] = {
		{ "_RNvNtCs9YSfaoTXO5M_4richu9gre_6ka8lu9strae_oqa", "rich::gr\xc3\xbc\xc3\x9f" "e::stra\xc3\x9f" "e" },
		{ "_RNvC1au6ch0a3j", "a::\xe7\xb7\xa1\xe7\xb9\xa0" },
	};

	(void)state;
	CHECK_PAIRS(pairs);
}

/* Anything that is not a whole, valid v0 symbol gives NULL. */
static void test_invalid(void **state)
{
	static const char *const names[] = {
		"", "main", "R", "_ZN4test4fun117h1c65f24d7a677fc8E",
		"_R", "_RC", "_RC1", "_RNvC1a", "_RNvC1a1", "_RINvC1a1fhh", /* truncated */
		"_RNvC1aE", "_RC1a1b", "_RN1C1a1f", "_RC3a$b", "_RC1.a",
		"_RB_", "_RNvB_1a", "_RNvC1aB9_", /* backrefs to themselves or ahead */
		"_RC99999999999999999999999a", "_RNvCszzzzzzzzzzzzzzzzzzzzzzzzzzzzzz_1a1f", /* overflow */
		"_RINvC1a1fKb2_E", "_RINvC1a1fKbE", "_RINvC1a1fKc1234567_E", "_RINvC1a1fKeE", "_RINvC1a1fKh01_E",
		"_RINvC1a1fRL0_hE",                       /* a lifetime no binder has */
		"_RINvC1a1fFGzzzzzzzzzz_EuE",             /* more lifetimes than input */
		"_RINvC1a1fDNtC1a1TEE",                   /* dyn without its lifetime */
		"_RINvC1a1fFKu3abcEuE",                   /* a punycode ABI */
		"_RNvC1au3999",                           /* punycode past Unicode */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *d = fth_rust_v0_demangle(names[i]);
		if (d)
			fail_msg("%s: demangled as \"%s\", expected NULL", names[i], d);
	}
	assert_null(fth_rust_v0_demangle(NULL));
}

/* A base62 number as v0 writes it ("_" is 0, "0_" is 1). */
static void append_base62(char *s, uint64_t n)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	char buf[16];
	size_t at = sizeof(buf);

	buf[--at] = '\0';
	buf[--at] = '_';
	if (n) {
		n--;
		do {
			buf[--at] = digits[n % 62];
			n /= 62;
		} while (n);
	}
	strcat(s, buf + at);
}

/* Input built to exhaust a naive demangler: nesting a hundred thousand
 * deep, and a type whose every level names the one below twice through
 * backrefs (2^60 copies of "()"). Both are refused, quickly. */
static void test_bounds(void **state)
{
	size_t deep = 100000;
	char *s = malloc(2 * deep + 16);
	struct timespec t0, t1;
	size_t prev;

	(void)state;
	assert_non_null(s);
	strcpy(s, "_R");
	memset(s + 2, 'I', deep);
	strcpy(s + 2 + deep, "C1a");
	memset(s + 5 + deep, 'E', deep);
	s[5 + 2 * deep] = '\0';
	assert_null(fth_rust_v0_demangle(s));
	free(s);

	s = calloc(1, 4096);
	assert_non_null(s);
	strcpy(s, "_RINvC1a1fu");
	prev = strlen("INvC1a1f"); /* offsets count from after "_R" */
	for (int level = 0; level < 60; level++) {
		size_t here = strlen(s) - 2;
		strcat(s, "TB");
		append_base62(s, prev);
		strcat(s, "B");
		append_base62(s, prev);
		strcat(s, "E");
		prev = here;
	}
	strcat(s, "E");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_null(fth_rust_v0_demangle(s));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* generous for a loaded machine and sanitizers; the blow-up would take years */
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	/* the same shape a few levels deep is a valid symbol */
	strcpy(s, "_RINvC1a1fuTB7_B7_ETB8_B8_EE");
	{
		char *d = fth_rust_v0_demangle(s);
		assert_non_null(d);
		assert_string_equal(d, "a::f::<(), ((), ()), (((), ()), ((), ()))>");
		free(d);
	}
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_impls),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_fn_and_dyn),
		cmocka_unit_test(test_consts),
		cmocka_unit_test(test_punycode),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
