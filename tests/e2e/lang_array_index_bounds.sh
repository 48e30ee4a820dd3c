#!/usr/bin/env bash
# A literal array index outside the array is an error in bpftrace's words
# ("the index 5 is out of bounds for array of size 4"), located at the
# indexing, with a hint; indexes inside the array still compile.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'struct A { int x[4]; } BEGIN { $a = (struct A *) 0; $x = $a->x[5]; exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:58-66: ERROR: the index 5 is out of bounds for array of size 4
struct A { int x[4]; } BEGIN { $a = (struct A *) 0; $x = $a->x[5]; exit(); }
                                                         ~~~~~~~~
HINT: use an index from 0 to 3'

fathom_run -e 'struct B { int y[2][2]; } BEGIN { $b = (struct B *) 0; $y = $b->y[1][2]; exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: the index 2 is out of bounds for array of size 2'

fathom_run --dry-run -e 'struct A { int x[4]; } BEGIN { $a = (struct A *) 0; $x = $a->x[3]; exit(); }'
expect_exit 0
