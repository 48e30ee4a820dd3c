#!/usr/bin/env bash
# C definitions in a script as bpftrace accepts them: a struct right before
# a probe without the ';' after its '}', and a last member without its ';'.
# The layout is the one a C compiler gives; a member without a name is
# still an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'struct Foo { int x; char c; } struct Bar { struct Foo f; long l } BEGIN {
  printf("%d %d %d\n", sizeof(struct Foo), sizeof(struct Bar), offsetof(struct Bar, l)); exit(); }'
expect_exit 0
expect_stdout_eq '8 16 8'

fathom_run -e 'struct Foo { int x; int } BEGIN { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:25: ERROR: expected a member name, found '}'
struct Foo { int x; int } BEGIN { exit(); }
                        ~"
