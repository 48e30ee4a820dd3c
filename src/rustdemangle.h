/* rustdemangle.h - rustc's v0 symbol mangling ("_R...", RFC 2603,
 * `rustc -C symbol-mangling-version=v0`) demangled to the text LLVM's
 * demangler (llvm::rustDemangle) prints, which is what bpftrace shows for
 * such names: "crate::module::f", "<T as Trait>::method",
 * "f::<u32>", "main::{closure#0}". */
#ifndef FATHOM_RUSTDEMANGLE_H
#define FATHOM_RUSTDEMANGLE_H

/* name demangled (malloc'd), or NULL when it is not a valid v0 symbol:
 * another mangling, truncated or malformed input, a name nested too deep
 * or demangling to more than 64 KiB of text. A ".suffix" (rustc's or
 * LLVM's ".llvm.123") is shown after the name as " (.suffix)", as LLVM
 * does. */
char *fth_rust_v0_demangle(const char *name);

#endif
