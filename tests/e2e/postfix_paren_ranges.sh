#!/usr/bin/env bash
# A field access, index or ++ on a parenthesized operand is located from
# the outer '(' as in bpftrace: its -k helper errors (text and JSON
# "col") and its diagnostics underline the whole `(...)->field`.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

prog='struct pt { int x; int y; }; BEGIN { $v = ((struct pt *)16)->y; printf("v %d\n", $v); exit(); }'

fathom_run -k -e "$prog"
expect_exit 0
expect_stdout_eq "v 0"
expect_stderr_match '^stdin:1:43-63: WARNING: Bad address$'
expect_stderr_match '^                                          ~~~~~~~~~~~~~~~~~~~~$'

fathom_run -k -q -f json -e "$prog"
expect_exit 0
expect_stdout_match '^\{"type": "helper_error", "msg": "Bad address", "helper": "probe_read", "retcode": -14, "filename": "stdin", "line": 1, "col": 43\}$'

# A semantic error on a parenthesized base: the range starts at its '('.
fathom_run -e 'BEGIN { $n = 5; $m = ($n).size; }'
expect_exit 1
expect_stderr_match "^stdin:1:22-31: ERROR: int64 has no field 'size'$"
expect_stderr_match '^                     ~~~~~~~~~$'
