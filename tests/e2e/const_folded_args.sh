#!/usr/bin/env bash
# Arguments that must be known while compiling (lhist's min, max and
# step, hist's precision, print()'s top, buf()'s length) may be
# expressions of literals and positional parameters: bpftrace folds
# literals before checking them.
# Labels in K/M as bpftrace's lhist_index_label / hist_index_label.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'begin { @l = lhist(2048, 0, 4 * 1024, $1 * 512); @l = lhist(-1, 0, 4 * 1024, $1 * 512);
  @l = lhist(5000, 0, 4 * 1024, $1 * 512); @k[1] = hist(5, 1 + 1); @k[2] = hist(6, 1 + 1);
  @k[2] = hist(6, 2); print(@k, 3 - 2); clear(@k); exit(); }' 2
expect_exit 0
cat >"$T/want" <<'OUT'
@k[2]:
[6]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|



@l:
(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[0, 1K)                0 |                                                    |
[1K, 2K)               0 |                                                    |
[2K, 3K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[3K, 4K)               0 |                                                    |
[4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

OUT
expect_stdout_eq "$T/want"

fathom_run -e 'begin { printf("%r|%r\n", buf("abcdefgh", 4), buf("abcdefgh", 2 * 2)); exit(); }'
expect_exit 0
expect_stdout_eq 'abcd|abcd'

# a length known only at run time reads that many bytes (at most the
# buffer's capacity)
fathom_run -e 'begin { $n = 3; printf("%r\n", buf("abcdefgh", $n)); exit(); }'
expect_exit 0
expect_stdout_eq 'abc'
# ... of a string or array value too (a variable, comm)
fathom_run -e 'begin { $s = "abcdefgh"; $n = 3; printf("%r|%r\n", buf($s, $n), buf(comm, $n - 1)); exit(); }'
expect_exit 0
expect_stdout_eq 'abc|fa'

fathom_run -e 'begin { $x = 4; @l = lhist(1, 0, $x * 2, 1); }'
expect_exit 1
expect_stderr_match '^stdin:1:22-44: ERROR: lhist\(\) min, max and step must be integer literals$'
