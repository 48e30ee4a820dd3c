#!/usr/bin/env bash
# Enums written in the script: enumerators are integer constants; values
# typed by the enum (the enumerator itself, a variable or map holding it, a
# cast to the enum) print as the enumerator's name in text output and with
# printf %s, as numbers after arithmetic, with %d, and in JSON values.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -q -e 'enum { ONE = 1, TWO = 2 }; enum COLOR { RED = 10, GREEN, BLUE = 0x20 };
  BEGIN { @[ONE] = 11; @k[TWO, GREEN] = 22; @v = BLUE; @t = (ONE, RED); @sum[ONE + 1] = TWO - 1;
          $c = GREEN; print($c); print((enum COLOR)32); print((enum COLOR)12);
          printf("%d %s %s\n", GREEN, GREEN, RED); exit(); }'
expect_exit 0
expect_stdout_match '^GREEN$'
expect_stdout_match '^BLUE$'
expect_stdout_match '^12$'
expect_stdout_match '^11 GREEN RED$'
expect_stdout_match '^@\[ONE\]: 11$'
expect_stdout_match '^@k\[TWO, GREEN\]: 22$'
expect_stdout_match '^@v: BLUE$'
expect_stdout_match '^@t: \(ONE, RED\)$'
expect_stdout_match '^@sum\[2\]: 1$'

fathom_run -q -f json -e 'enum { FOO = 333 }; BEGIN { $f = FOO; print($f); printf("%s", FOO); exit(); }'
expect_exit 0
expect_stdout_match '^\{"type": "value", "data": 333\}$'
expect_stdout_match '^\{"type": "printf", "data": "FOO"\}$'

fathom_run -e 'enum E { A }; BEGIN { print((enum F)1); exit(); }'
expect_exit 1
expect_stderr_match "ERROR: unknown type 'enum F'"
