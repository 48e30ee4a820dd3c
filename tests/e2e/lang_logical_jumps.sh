#!/usr/bin/env bash
# && , || and ! in conditions are compiled to jumps (short-circuit, straight
# to the then/else target); as values they still give bpftrace's bool. The
# right side runs only when the left does not decide, wherever the operator
# sits: if, while, predicate, ?: condition, a value, a printf argument.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# Short-circuit: side() counts its calls in @calls and says which ran.
fathom_run -q -e 'fn side($v: int64): int64 { @calls += 1; printf("<%d>", $v); return $v; }
BEGIN {
    if (0 && side(10)) { printf("A"); } else { printf("a"); }
    if (1 || side(11)) { printf("B"); }
    if (!(0 && side(12))) { printf("C"); }
    if (side(0) || side(13)) { printf("D"); }
    $x = side(0) && side(14); $y = side(1) || side(15);
    printf(" %d %d ", $x, $y);
    printf("%d %d ", 0 && side(16), 1 || side(17));
    $i = 0; while ($i < 2 && side(1)) { $i++; } printf("%d ", $i);
    $t = (0 && side(18)) ? 5 : 6; printf("%d\n", $t);
    exit();
}'
expect_exit 0
expect_stdout_match '^aBC<0><13>D<0><1> 0 1 0 1 <1><1>2 6$'
expect_stdout_match '^@calls: 6$'

# A predicate with && stops at its first false part, || at its first true
# one: the body sees the one with side effects only when it ran.
fathom_run -q -e 'fn side($v: int64): int64 { @calls += 1; return $v; }
BEGIN /0 && side(1)/ { printf("no\n"); }
BEGIN /1 || side(1)/ { printf("yes\n"); }
BEGIN /side(1) && !side(0)/ { printf("both\n"); }
END { printf("%d\n", @calls); clear(@calls); }
BEGIN { exit(); }'
expect_exit 0
expect_stdout_eq $'yes\nboth\n2'

# Nested mixes over all eight (a, b, c): as a condition, a value and a ?:
# condition; each line is the truth table from (a, b, c) = 000 to 111.
fathom_run -q -e 'BEGIN {
    $i = 0;
    while ($i < 8) {
        $a = $i & 4; $b = $i & 2; $c = $i & 1;
        if ($a && ($b || !$c)) { @x1 = @x1 * 10 + 1; } else { @x1 = @x1 * 10 + 2; }
        @v1 = @v1 * 10 + ($a && ($b || !$c)) + 1;
        @t1 = @t1 * 10 + (($a && ($b || !$c)) ? 1 : 2);
        if (($a || $b) && !$c) { @x2 = @x2 * 10 + 1; } else { @x2 = @x2 * 10 + 2; }
        @v2 = @v2 * 10 + (($a || $b) && !$c) + 1;
        if (!($a && $b) || $c) { @x3 = @x3 * 10 + 1; } else { @x3 = @x3 * 10 + 2; }
        @v3 = @v3 * 10 + !(!($a && $b) || $c) + 1;
        $i++;
    }
    printf("%d %d %d\n%d %d\n%d %d\n", @x1, @v1, @t1, @x2, @v2, @x3, @v3);
    clear(@x1); clear(@v1); clear(@t1); clear(@x2); clear(@v2); clear(@x3); clear(@v3);
    exit();
}'
expect_exit 0
# a && (b || !c): 00001011; (a || b) && !c: 00101010; !(a && b) || c:
# 11111101 (its value line adds one to the negation, so reads the same)
expect_stdout_eq $'22221211 11112122 22221211\n22121212 11212121\n11111121 11111121'

# Comparisons of strings, pointers and negative numbers as the parts.
fathom_run -q -e 'BEGIN { $s = "abc"; $t = "abd"; $p = (int8 *)0; $q = (int8 *)16; $n = -3;
    if ($s == "abc" && $t != "abc") { printf("s1 "); }
    if ($s == $t || $t == "abd") { printf("s2 "); }
    if (!($s == "abc") || $s != $t && $t == "x") { printf("bad "); }
    if ($p == 0 && $q > $p && $q != 0) { printf("p1 "); }
    if ($p || $q == $p) { printf("bad "); }
    if ($n < 0 && $n > -10 && !($n >= -2)) { printf("n1 "); }
    if ($n > -1 || $n < -3) { printf("bad "); }
    printf("%d %d %d\n", $s == "abc" && $n < 0, $p || $n > 0, !$p && $q);
    exit(); }'
expect_exit 0
expect_stdout_eq 's1 s2 p1 n1 1 0 1'

# Tuples compare their memory: as parts of && and ||, as values, in ?:.
fathom_run -q -e 'BEGIN { $t = (1, "ab"); $u = (1, "ab"); $w = (2, "ab");
    printf("%d%d%d%d ", $t == $u, $t != $u, $t == $w, $t != $w);
    if ($t == $u && !($t == $w)) { printf("a"); } if ($t != $u || $t == $w) { printf("X"); } else { printf("b"); }
    $x = $t == $w ? 5 : 6; printf(" %d %d\n", $x, !($t != $u)); exit(); }'
expect_exit 0
expect_stdout_eq '1001 ab 6 1'

# As values they are bools, as in bpftrace.
fathom_run -q -e 'BEGIN { $a = 2; @and = $a && 0; @or = 0 || $a > 1; @not = !($a && 1); print($a > 1 && $a < 3); exit(); }'
expect_exit 0
expect_stdout_match '^true$'
expect_stdout_match '^@and: false$'
expect_stdout_match '^@or: true$'
expect_stdout_match '^@not: false$'

# A map read in the right side of || or an arm of ?: in a predicate may not
# run: the body reads the map itself, not a value the predicate never got.
fathom_run -q -e 'BEGIN { @b[1] = 5; }
BEGIN /1 || @b[1]/ { printf("%d ", @b[1]); }
BEGIN /1 ? 1 : @b[1]/ { printf("%d ", @b[1]); }
BEGIN /@b[1] && 1/ { printf("%d ", @b[1]); }
BEGIN /pid && @b[1]/ { printf("%d ", @b[1]); }
BEGIN /!(pid == 0 && @b[1])/ { printf("%d\n", @b[1]); }
BEGIN { clear(@b); exit(); }'
expect_exit 0
expect_stdout_eq '5 5 5 5 5'

# A predicate with && is no more code than the same two tests nested.
count_insns() {
    fathom_run -d bpf -e "$1"
    expect_exit 0
    sed -n 's/^BEGIN .*, \([0-9][0-9]*\) instructions:$/\1/p' "$FATHOM_STDOUT"
}
joined=$(count_insns 'BEGIN /pid > 1 && pid < 1000000000/ { printf("x\n"); }')
nested=$(count_insns 'BEGIN /pid > 1/ { if (pid < 1000000000) { printf("x\n"); } }')
[ -n "$joined" ] && [ -n "$nested" ] || fail "no instruction count in -d bpf output"
[ "$joined" -le "$nested" ] || fail "/a && b/ takes $joined instructions, nested tests $nested"
nested=$(count_insns 'BEGIN { $a = 1; $b = 2; if ($a == 1) { if ($b != 3) { printf("x\n"); } } }')
for cond in '$a == 1 && $b != 3' '!($a != 1 || $b == 3)' '!(!($a == 1) || !($b != 3))'; do
    joined=$(count_insns "BEGIN { \$a = 1; \$b = 2; if ($cond) { printf(\"x\\n\"); } }")
    [ "$joined" -le "$nested" ] || fail "if ($cond) takes $joined instructions, nested ifs $nested"
done
nested=$(count_insns 'BEGIN { $s = "ab"; if ($s == "ab") { if ($s != "x") { printf("x\n"); } } }')
joined=$(count_insns 'BEGIN { $s = "ab"; if ($s == "ab" && !($s == "x")) { printf("x\n"); } }')
[ "$joined" -le "$nested" ] || fail "string tests joined by && take $joined instructions, nested ifs $nested"
