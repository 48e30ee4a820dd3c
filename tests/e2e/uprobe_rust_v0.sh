#!/usr/bin/env bash
# Rust names of rustc's v0 mangling (-C symbol-mangling-version=v0, _R...),
# demangled as LLVM's demangler prints them (bpftrace's rust: names):
# -l 'uprobe:BIN:rust:*' lists them quoted, generic arguments and closures
# included; a probe on rust:"crate::f", rust:"f::<u32, 3>",
# rust:"crate::main::{closure#0}" or a glob attaches; `probe` names the
# symbol after rust:, func, usym() and ustack show the demangled names.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd rustc

rustc -C opt-level=0 -C force-frame-pointers=yes -C symbol-mangling-version=v0 --crate-name shapes_demo \
    -o "$T/target" "$E2E_DIR/progs/rust_v0_target.rs" 2>"$T/rustc.err" ||
    fail "cannot compile the Rust test program: $(cat "$T/rustc.err")"
TG=$(realpath "$T/target")
nm "$TG" | grep -q ' _RNvNtCs[0-9a-zA-Z]*_11shapes_demo6shapes4area$' || fail "rustc did not use the v0 mangling"

fathom_run -l "uprobe:$TG:rust:shapes_demo::*"
expect_exit 0
expect_stdout_match "^uprobe:$TG:rust:\"shapes_demo::shapes::area\"\$"
expect_stdout_match "^uprobe:$TG:rust:\"shapes_demo::main\"\$"
expect_stdout_match "^uprobe:$TG:rust:\"shapes_demo::scaled::<u32, 3>\"\$"
expect_stdout_match "^uprobe:$TG:rust:\"shapes_demo::main::\\{closure#0\\}\"\$"
expect_stdout_no_match '_R|\[[0-9a-f]+\]'

fathom_run -l "uprobe:$TG:rust:<*Shape>::sides"
expect_exit 0
expect_stdout_eq "uprobe:$TG:rust:\"<shapes_demo::Square as shapes_demo::Shape>::sides\""

# Without the prefix the mangled names are listed.
fathom_run -l "uprobe:$TG:*shapes_demo6shapes4area"
expect_exit 0
expect_stdout_match "^uprobe:$TG:_RNvNtCs[0-9a-zA-Z]*_11shapes_demo6shapes4area\$"

# Attached by their Rust names; probe is the symbol after rust:, func the
# demangled name; the closure's argument after its environment pointer.
fathom_run -e "uprobe:$TG:rust:\"shapes_demo::shapes::area\" { printf(\"%s|%s|%d %d\\n\", probe, func, arg0, arg1); }
  uprobe:$TG:rust:\"<shapes_demo::Square as shapes_demo::Shape>::sides\" { printf(\"sides|%s\\n\", func); }
  uprobe:$TG:rust:\"shapes_demo::scaled::<u32, 3>\" { printf(\"scaled %d|%s\\n\", arg0, usym(reg(\"ip\"))); }
  uprobe:$TG:rust:\"shapes_demo::main::{closure#0}\" { printf(\"closure %d\\n\", arg1); }" -c "$TG"
expect_exit 0
expect_stdout_match "^uprobe:$TG:rust:_RNvNtCs[0-9a-zA-Z]*_11shapes_demo6shapes4area\\|shapes_demo::shapes::area\\|6 7\$"
expect_stdout_match '^sides\|<shapes_demo::Square as shapes_demo::Shape>::sides$'
expect_stdout_match '^scaled 6\|shapes_demo::scaled::<u32, 3>$'
expect_stdout_match '^closure 130$'

# ustack: area called from scaled::<u32, 3>, called from main.
fathom_run -e "uprobe:$TG:rust:\"shapes_demo::shapes::area\" { printf(\"%s\\n\", ustack(3)); }" -c "$TG"
expect_exit 0
expect_stdout_match '^ +shapes_demo::shapes::area\+0$'
expect_stdout_match '^ +shapes_demo::scaled::<u32, 3>\+[0-9]+$'
expect_stdout_match '^ +shapes_demo::main\+[0-9]+$'
expect_stdout_no_match '_R'

# A glob over Rust paths, generic arguments included.
fathom_run -e "uprobe:$TG:rust:shapes_demo::sca* { printf(\"hit %s\\n\", func); }" -c "$TG"
expect_exit 0
expect_stdout_match '^hit shapes_demo::scaled::<u32, 3>$'

fathom_run -e "uprobe:$TG:rust:\"shapes_demo::nothing\" { }" -c "$TG"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:shapes_demo::nothing"
