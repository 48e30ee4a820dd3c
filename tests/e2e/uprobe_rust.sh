#!/usr/bin/env bash
# Rust names (bpftrace's "rust:" prefix): rustc's legacy mangling
# (_ZN...17h<hash>E) is listed by -l 'uprobe:BIN:rust:*' as Rust writes the
# path, without the hash, quoted so that the line can be attached to; a
# probe on rust:"crate::f" (or a glob of such names) attaches to the
# function, and `probe` names it by its symbol after "rust:", as bpftrace
# does for "cpp:". Trait methods show their <Type as Trait> form.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd rustc

rustc -C opt-level=0 -C symbol-mangling-version=legacy --crate-name shapes_demo -o "$T/target" \
    "$E2E_DIR/progs/rust_target.rs" 2>"$T/rustc.err" ||
    rustc -C opt-level=0 --crate-name shapes_demo -o "$T/target" "$E2E_DIR/progs/rust_target.rs" ||
    fail "cannot compile the Rust test program: $(cat "$T/rustc.err")"
TG=$(realpath "$T/target")
nm "$TG" | grep -q '_ZN.*shapes_demo.*area17h' || fail "rustc did not use the legacy mangling"

fathom_run -l "uprobe:$TG:rust:shapes_demo::*"
expect_exit 0
expect_stdout_match "^uprobe:$TG:rust:\"shapes_demo::shapes::area\"\$"
expect_stdout_match "^uprobe:$TG:rust:\"shapes_demo::main\"\$"
expect_stdout_no_match 'h[0-9a-f]{16}'

fathom_run -l "uprobe:$TG:rust:<*Shape>::sides"
expect_exit 0
expect_stdout_eq "uprobe:$TG:rust:\"<shapes_demo::Square as shapes_demo::Shape>::sides\""

# Without the prefix the mangled names are listed, as before.
fathom_run -l "uprobe:$TG:*shapes_demo*area*"
expect_exit 0
expect_stdout_match "^uprobe:$TG:_ZN11shapes_demo6shapes4area17h[0-9a-f]{16}E\$"

fathom_run -e "uprobe:$TG:rust:\"shapes_demo::shapes::area\" { printf(\"%s %d %d\\n\", probe, arg0, arg1); }
  uprobe:$TG:rust:\"<shapes_demo::Square as shapes_demo::Shape>::sides\" { printf(\"sides\\n\"); }" -c "$TG"
expect_exit 0
expect_stdout_match "^uprobe:$TG:rust:_ZN11shapes_demo6shapes4area17h[0-9a-f]{16}E 6 7\$"
expect_stdout_match '^sides$'

# A glob over Rust paths.
fathom_run -e "uprobe:$TG:rust:shapes_demo::shapes::* { printf(\"hit\\n\"); }" -c "$TG"
expect_exit 0
expect_stdout_match '^hit$'

fathom_run -e "uprobe:$TG:rust:\"shapes_demo::nothing\" { }" -c "$TG"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:shapes_demo::nothing"
