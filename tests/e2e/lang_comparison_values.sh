#!/usr/bin/env bash
# Comparisons are values: bools, as in bpftrace. bool op bool stays a
# one-bit bool (true + true is false); x += bool counts; comparisons in
# conditions and against literals behave the same whatever code they get.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -q -e 'BEGIN { $a = 3; $b = $a == 1; $c = ($a > 0) + ($a < 0); $d = ($a > 0) + ($a > 1);
    $e = ($a > 0) + 1; printf("%d %d %d %d\n", $b, $c, $d, $e); print($b); print($c); print($d);
    @y += (1 == 1); @y += ($a == 3); @y += ($a == 4); $x = 7; @m[comm] = $x > 5; @n = $x <= 5; exit(); }'
expect_exit 0
expect_stdout_match '^0 1 0 2$'
expect_stdout_match '^false$'
expect_stdout_match '^true$'
expect_stdout_match '^@y: 2$'
expect_stdout_match '^@m\[fathom\]: true$'
expect_stdout_match '^@n: false$'

# every comparison operator, signed and unsigned, against literals (the
# immediate form), a literal too wide for it, and another value, as values
# and as conditions
fathom_run -q -e 'BEGIN { $s = -5; $u = (uint32)7; $w = 0x100000001; $t = 7;
    printf("%d%d%d%d%d%d ", $s < -4, $s <= -5, $s > -6, $s >= -5, $s == -5, $s != -5);
    printf("%d%d%d%d%d%d ", $u < 7, $u <= 7, $u > 6, $u >= 8, $u == $t, $u != $t);
    printf("%d%d ", $w == 0x100000001, $w > 0x100000000);
    if ($s < -4) { printf("a"); } if ($u >= 8) { printf("b"); } else { printf("c"); }
    if ($w != 0x100000001) { printf("d"); } if ($u == $t) { printf("e"); }
    $i = 0; while ($i < 3) { $i++; } printf(" %d\n", $i); exit(); }'
expect_exit 0
expect_stdout_eq '111110 011010 11 ace 3'

# a comparison as the condition of ?: and of an if expression
fathom_run -q -e 'BEGIN { $a = 3; $x = $a > 2 ? 10 : 20; $y = $a <= 2 ? 10 : 20; $u = (uint8)200;
    $z = $u >= 200 ? $x + 1 : $y; $w = if $a != 3 { 5 } else { 6 }; printf("%d %d %d %d\n", $x, $y, $z, $w); exit(); }'
expect_exit 0
expect_stdout_eq '10 20 11 6'

# x op= v on a bool x with a bool v is x = x op v: bool op bool, one bit,
# as bpftrace desugars it (true + true is false); ++/-- flip a bool; - and ~
# do not apply to one.
fathom_run -q -e 'BEGIN { $b = true; $b += true; printf("%d ", $b); $b += true; printf("%d ", $b);
    $b -= true; printf("%d ", $b); $b |= true; $b *= true; printf("%d ", $b);
    if ($b == true) { printf("eq "); } $f = false; $f ^= true; printf("%d ", $f);
    $x = $b++; $y = $b; $z = --$b; printf("%d%d%d ", $x, $y, $z);
    @m = true; @m += true; @n = false; @n += true; $i = 0; $i += true; $i += true; printf("%d\n", $i); exit(); }'
expect_exit 0
expect_stdout_match '^0 1 0 1 eq 1 101 2$'
expect_stdout_match '^@m: false$'
expect_stdout_match '^@n: true$'
fathom_run -q -e 'BEGIN { $b = 1 > 0; print(-$b); exit(); }'
expect_exit 1
expect_stderr_match "operator '-' cannot be used on a bool"
expect_stderr_match 'HINT: cast it to an integer first, e.g. -\(int64\)\$b'

# Signedness as in bpftrace (and C): a comparison or arithmetic is signed
# only when both operands are signed. An unsigned value compared with a
# negative number compares with its unsigned bits (uint64 0 > -1 is false),
# unsigned minus a larger number wraps, and a cast makes it signed again.
fathom_run -q -e 'struct zero { uint64_t v; } BEGIN { $z = (*(struct zero *)0).v; $u = (uint32)3; $s = -2;
    printf("%d %d %d %d %d\n", $z > -1, $z < 1, $u > $s, (int64)$u > $s, $s < 3);
    printf("%lu %ld\n", $u - 4, (int64)$u - 4); @d = $u - 4; @e = $s - 1; exit(); }'
expect_exit 0
expect_stdout_match '^0 1 0 1 1$'
expect_stdout_match '^18446744073709551615 -1$'
expect_stdout_match '^@d: 18446744073709551615$'
expect_stdout_match '^@e: -3$'
