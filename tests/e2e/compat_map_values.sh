#!/usr/bin/env bash
# Values that print specially (buf(), usym(), strftime(), ntop()) can be
# map keys and map values, printed as bpftrace prints them; buf() of a
# literal with a length holds that many bytes, NUL-padded.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -q -e 'BEGIN { @b[buf("ok_key", 6)] = 1; @bk[buf("ok_key", 8), 1] = 2; @bv = buf("ok_value", 8);
    $v = buf("hi", 2); print($v);
    @u = usym(1); @ua = @u; @t[strftime("%Y", nsecs)] = 3; @tv[1] = strftime("%m", nsecs);
    @n[ntop(0x0100007f)] = ntop(0xffff0000); exit(); }'
expect_exit 0
expect_stdout_match '^hi$'
expect_stdout_match '^@b\[ok_key\]: 1$'
expect_stdout_match '^@bk\[ok_key\\x00\\x00, 1\]: 2$'
expect_stdout_match '^@bv: ok_value$'
expect_stdout_match '^@u: 0x1$'
expect_stdout_match '^@ua: 0x1$'
expect_stdout_match "^@t\\[$(date +%Y)\\]: 3$"
expect_stdout_match '^@tv\[1\]: [0-9]{2}$'
expect_stdout_match '^@n\[127\.0\.0\.1\]: 0\.0\.255\.255$'

# tuple keys whose strings differ in length share one layout (the longest)
fathom_run -q -e 'BEGIN { @k["aaaabbb", 0] = 1; @k["ccccdddd", 0] = 2; @k["a", 7] = 3; $s = "zz"; @k[$s, 1] = 4;
    @h["x", 1] = hist(5); @h["longer", 2] = hist(100); exit(); }'
expect_exit 0
expect_stdout_match '^@k\[aaaabbb, 0\]: 1$'
expect_stdout_match '^@k\[ccccdddd, 0\]: 2$'
expect_stdout_match '^@k\[a, 7\]: 3$'
expect_stdout_match '^@k\[zz, 1\]: 4$'
expect_stdout_match '^@h\[x, 1\]:$'
expect_stdout_match '^@h\[longer, 2\]:$'
fathom_run -e 'BEGIN { @k["a", 0] = 1; @k[1, 0] = 2; exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: @k key has type'

# a keyless aggregation emptied by clear()/delete() prints as 0 at exit, as
# bpftrace prints it; keyed maps and plain scalars emptied print nothing
fathom_run -q -e 'BEGIN { @ = count(); @a[1] = count(); clear(@); clear(@a); @s = sum(3); delete(@s); @n = 5; delete(@n); exit(); }'
expect_exit 0
expect_stdout_match '^@: 0$'
expect_stdout_match '^@s: 0$'
expect_stdout_no_match '^@a|^@n'
