#!/usr/bin/env bash
# `==` / `!=` on buf() values, as current bpftrace compiles them: a
# strncmp over the smaller of the two sizes starting at the 4-byte length
# header, so bufs of different lengths differ at once and bufs of one
# (small) length are equal whatever their bytes (the header's zero bytes
# end the comparison). A buf compared with a non-buf is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { $a = buf("hi", 2); $b = buf("bye", 3); $c = buf("ho", 2);
printf("equal=%d, unequal=%d\n", $a == $a, $a != $b);
printf("%d %d %d %d\n", $a == $b, $a == $c, $a != $c, buf("hi", 2) == buf("hi", 3));
@m = buf("abc", 3); printf("%d\n", @m == buf("xyz", 3)); clear(@m); exit(); }'
expect_exit 0
expect_stdout_eq $'equal=1, unequal=1\n0 1 0 0\n1'

fathom_run -e 'BEGIN { $a = buf("hi", 2); if ($a == 1) { exit(); } }'
expect_exit 1
expect_stderr_eq 'stdin:1:32-39: ERROR: cannot compare buffer[2] with int64
BEGIN { $a = buf("hi", 2); if ($a == 1) { exit(); } }
                               ~~~~~~~
HINT: compare a buf() with another buf()'
