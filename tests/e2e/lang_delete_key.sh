#!/usr/bin/env bash
# delete() removes one element of one map. A key for a map without keys,
# the several-maps form of bpftrace 0.17 (delete(@a, @b[1])) and a keyed
# map without a key are errors, as in bpftrace: they used to run and delete
# an element nobody named while the one meant stayed.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { @a = 1; @b[1] = 2; @b[2] = 3; delete(@a, @b[1]); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:50-55: ERROR: delete\(\) takes one map and a key; @a has no keys, and deleting several maps in one call is no longer supported$'
expect_stderr_match '^HINT: delete one map per call: delete\(@a\); delete\(@b, key\);$'

fathom_run -e 'BEGIN { @a = 1; delete(@a, 1); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:24-26: ERROR: @a has no keys, so delete\(\) cannot take a key for it$'

fathom_run -e 'END { delete(@a); } BEGIN { @a[1] = 1; @a[2] = 2; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:14-16: ERROR: delete\(\) of @a needs a key: @a has keys of type int64$'
expect_stderr_match '^HINT: name the element, e\.g\. delete\(@a, key\), or remove every element with clear\(@a\)$'

# the forms that name one element delete exactly it
fathom_run -q -e 'BEGIN { @a = 1; @b[1] = 2; @b[2] = 3; @b[3] = 4; delete(@a); delete(@b, 1); delete(@b[2]); exit(); }'
expect_exit 0
cat >"$T/want" <<'OUT'


@b[3]: 4
OUT
expect_stdout_eq "$T/want"
