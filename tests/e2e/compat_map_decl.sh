#!/usr/bin/env bash
# Map declarations (let @m = hash(N); lruhash, percpuhash, percpulruhash):
# the declared size is the map's capacity, LRU maps evict instead of
# filling up, a declared map no probe uses is warned about, and an unknown
# map type is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'let @a = hash(1); BEGIN { @a[1] = 1; @a[2] = 2; exit(); }'
expect_exit 0
expect_stderr_match "^WARNING: Map full; can't update element"
expect_stdout_match '^@a\[1\]: 1$'
expect_stdout_no_match '^@a\[2\]'

fathom_run -e 'let @c = percpuhash(1); BEGIN { @c[1] = count(); @c[2] = count(); exit(); }'
expect_exit 0
expect_stderr_match "^WARNING: Map full; can't update element"
expect_stdout_match '^@c\[1\]: 1$'

fathom_run -e 'let @l = lruhash(2); let @p = percpulruhash(1); BEGIN { @l[0] = 0; @l[1] = 1; @l[2] = 2;
    @p[1] = count(); @p[2] = count(); exit(); }'
expect_exit 0
expect_stderr_no_match 'Map full'
expect_stdout_match '^@p\[2\]: 1$'
[ "$(grep -c '^@l\[' "$FATHOM_STDOUT")" = 2 ] || fail "an lruhash(2) holds two entries"

fathom_run -e 'let @u = hash(4); BEGIN { exit(); }'
expect_exit 0
expect_stderr_match '^stdin:1:1-.*: WARNING: Unused map: @u$'

fathom_run -e 'let @u = treemap(4); BEGIN { @u[1] = 1; exit(); }'
expect_exit 1
expect_stderr_match "ERROR: unknown map type 'treemap'"

# unstable_map_decl, as in bpftrace: warn (the default) says so once on
# stderr, enable is silent, error rejects the declaration.
fathom_run -e 'let @a = hash(4); let @b = lruhash(4); BEGIN { @a[1] = 1; @b[1] = 1; exit(); }'
expect_exit 0
expect_stderr_match '^WARNING: Script is using an unstable feature: map declarations. To prevent this warning you must explicitly enable it in the config e.g. unstable_map_decl=enable$'
[ "$(grep -c 'unstable feature' "$FATHOM_STDERR")" = 1 ] || fail "the unstable-feature warning is given once"

fathom_run -e 'config = { unstable_map_decl=enable } let @a = lruhash(10); BEGIN { @a[1] = 1; exit(); }'
expect_exit 0
expect_stderr_no_match 'unstable'
expect_stdout_match '^@a\[1\]: 1$'

fathom_run -e 'config = { unstable_map_decl=error } let @a = hash(100); BEGIN { @a[1] = 1; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:38-56: ERROR: map declarations feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_map_decl=enable$'

# The declaration agrees with the values: aggregations per CPU, the rest not.
fathom_run -e 'config = { unstable_map_decl=enable } let @a = percpuhash(10); BEGIN { @a[1] = 1; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:72-77: ERROR: Incompatible map types. Type from declaration: percpuhash. Type from value/key type: hash$'
fathom_run -e 'config = { unstable_map_decl=enable } let @a = hash(10); BEGIN { @a[1] = count(); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: Incompatible map types. Type from declaration: hash. Type from value/key type: percpuhash$'

# One size, one declaration.
fathom_run -e 'config = { unstable_map_decl=enable } let @a = hash(); BEGIN { @a[1] = 1; exit(); }'
expect_exit 1
expect_stderr_match "ERROR: hash\\(\\) takes one argument: the map's maximum number of entries"
fathom_run -e 'config = { unstable_map_decl=enable } let @a = hash(2); let @a = hash(3); BEGIN { @a[1] = 1; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:57-73: ERROR: @a is declared more than once$'
