#!/usr/bin/env bash
# t[N] reads element N of a tuple or record (a literal index, bpftrace's
# "Invalid tuple index" error past the end); is_str/is_ptr/is_array/
# is_integer(e) are compile-time constants from e's type (e not run).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { $t = (1, "two", (3, 4)); print($t[1]); print($t[2][0] + $t[0]); $r = (a = 5, b = 6); print($r[1]); exit(); }'
expect_exit 0
expect_stdout_eq $'two\n4\n6'

fathom_run -e 'BEGIN { $t = (1, 2); print($t[2]); }'
expect_exit 1
expect_stderr_eq 'stdin:1:28-33: ERROR: Invalid tuple index: 2. Found 2 elements in tuple.
BEGIN { $t = (1, 2); print($t[2]); }
                           ~~~~~
HINT: the elements are numbered 0 to 1'

fathom_run -e 'BEGIN { $t = (1, 2); $i = 1; print($t[$i]); }'
expect_exit 1
expect_stderr_match '^stdin:1:39-41: ERROR: a tuple index must be an integer literal$'

fathom_run -e 'BEGIN { print((is_str("a"), is_str(1), is_integer(pid), is_integer(comm), is_ptr(curtask), is_array(pton("1.2.3.4")), is_ptr(1)));
  static_assert(is_integer(5) && !is_str(5), "types"); exit(); }'
expect_exit 0
expect_stdout_eq '(true, false, true, false, true, true, false)'
