#!/usr/bin/env bash
# Tuples as the language documentation shows them: the docs' example, an
# index that is a constant expression ((1, "hello")[1 - 1]), elements of a
# tuple literal or of a nested element read directly, elements stored in
# variables and maps, strings of different lengths in one tuple slot, and
# nested tuples printed.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN {
  $a = (1,"hello");
  $b = (3,4, $a);
  print($a); print($b); print($b.0); print($a[1]);
  print((1, "hello")[1 - 1]); print((1, "hello").1); print((1, (2, "z")).1.1);
  print((1, (2, "x")).1); $n = (5, 6)[2 - 1] + 1; print($n);
  exit(); }'
expect_exit 0
expect_stdout_eq $'(1, hello)\n(3, 4, (1, hello))\n3\nhello\n1\nhello\nz\n(2, x)\n7'

fathom_run -e 'BEGIN {
  $t = (1, ("x", 2)); $t = (3, ("longer", 4)); print($t);
  $s = $t.1.0; printf("%s %d\n", $s, $t.1.1);
  @e = $t.1; @f = $t.0; @g[$t.1.0] = $t[1][1];
  @m[1] = (1, "a"); @m[2] = (2, "abcdef");
  @k[1, (2, "a")] = (3, (4, "bb"));
  exit(); }'
expect_exit 0
expect_stdout_eq $'(3, (longer, 4))\nlonger 4\n\n\n@e: (longer, 4)\n@f: 3\n@g[longer]: 4\n@k[1, (2, a)]: (3, (4, bb))\n@m[1]: (1, a)\n@m[2]: (2, abcdef)'

# The index must still be known at compile time.
fathom_run -e 'BEGIN { $i = 0; print((1, 2)[$i]); }'
expect_exit 1
expect_stderr_match '^stdin:1:30-32: ERROR: a tuple index must be an integer literal$'
