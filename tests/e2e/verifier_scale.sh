#!/usr/bin/env bash
# Programs the verifier must walk in full: comparisons, and && / || of parts
# that may both run, used as values are
# computed without branches, so a dozen nested `(a && b) == (c || d)` or
# `$n += @m[$i] >= 0` in unrolled loops do not double its paths at every
# step (it gave up at a million instructions). Every result is checked
# against bash's own arithmetic.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# Every comparison, signed and unsigned, over values the verifier cannot
# know (map reads), edge values included. Bash compares signed 64-bit;
# flipping the sign bit of both sides turns that into unsigned order.
values=(0 1 -1 9223372036854775807 -9223372036854775808 5 4294967295 -5)
init=""
for i in "${!values[@]}"; do
    v=${values[$i]}
    [ "$v" = -9223372036854775808 ] && v="-9223372036854775807 - 1"
    init+="@a[$i] = $v; "
done
fathom_run -q -e "BEGIN { $init"'
  $i = 0;
  while ($i < 8) {
    $j = 0;
    while ($j < 8) {
      $x = @a[$i]; $y = @a[$j]; $ux = (uint64)$x; $uy = (uint64)$y;
      printf("%d%d%d%d%d%d %d%d%d%d%d%d %d%d%d%d%d\n",
        $x == $y, $x != $y, $x < $y, $x <= $y, $x > $y, $x >= $y,
        $ux == $uy, $ux != $uy, $ux < $uy, $ux <= $uy, $ux > $uy, $ux >= $uy,
        $x < 0, $x >= 0, $x == 0, $x != 0, !$x);
      $j++;
    }
    $i++;
  }
  clear(@a); exit(); }'
expect_exit 0
expected=""
min=$((-9223372036854775807 - 1))
for x in "${values[@]}"; do
    for y in "${values[@]}"; do
        ux=$((x ^ min)) uy=$((y ^ min))
        expected+="$((x == y))$((x != y))$((x < y))$((x <= y))$((x > y))$((x >= y)) "
        expected+="$((ux == uy))$((ux != uy))$((ux < uy))$((ux <= uy))$((ux > uy))$((ux >= uy)) "
        expected+="$((x < 0))$((x >= 0))$((x == 0))$((x != 0))$((!x))"$'\n'
    done
done
expect_stdout_eq "${expected%$'\n'}"

# Fourteen nested `(a && b) == (...)` over values the verifier cannot
# know (builtins, map reads): as a value, thirteen took ~800k verifier
# instructions and fourteen did not load. Each leaf is a comparison whose
# truth the test knows (run as root, by a process whose tid is above 4).
leaf() { # leaf N FORM: the Nth comparison, for fathom or as bash's 0/1
    local fathom=('pid > 1' '@x[1] == 2' 'tid < 5' '@y != 0' 'cpu >= 0' '@x[2] < 3' 'uid == 0' '@y > 7')
    local truth=(1 1 0 1 1 0 1 1) k=$(($1 % 8))
    if [ "$2" = bash ]; then echo "${truth[$k]}"; else echo "(${fathom[$k]})"; fi
}
nested() { # nested FORM LEVELS
    local e i
    e="($(leaf 0 "$1") || $(leaf 1 "$1"))"
    for ((i = 0; i < $2; i++)); do
        e="(($(leaf $((i + 2)) "$1") && $(leaf $((i + 3)) "$1")) == $e)"
    done
    echo "$e"
}
fathom_run -q -e "BEGIN { @x[1] = 2; @x[2] = 7; @y = 9; \$r = $(nested fathom 14); \$s = $(nested fathom 9);
    printf(\"%d %d\\n\", \$r, \$s); clear(@x); clear(@y); exit(); }"
expect_exit 0
expect_stdout_eq "$(($(nested bash 14))) $(($(nested bash 9)))"

# The same as an if condition: the == tests values of && that are computed
# without branches too, when both sides may run.
fathom_run -q -e "BEGIN { @x[1] = 2; @x[2] = 7; @y = 9;
    if ($(nested fathom 14)) { printf(\"yes\\n\"); } else { printf(\"no\\n\"); }
    clear(@x); clear(@y); exit(); }"
expect_exit 0
if [ "$(($(nested bash 14)))" = 1 ]; then expect_stdout_eq yes; else expect_stdout_eq no; fi

# Both sides run only where that cannot be seen: a division that may be by
# zero (a run-time error) stays behind its guard, so do reads of memory.
fathom_run -q -e 'BEGIN { $d = 0; $p = (int64 *)0; $a = $d != 0 && 10 / $d > 1; $b = $d == 0 || 10 % $d == 1;
    $c = $p != 0 && *$p == 3; $e = !($d != 0 && 10 / $d > 1); printf("%d %d %d %d\n", $a, $b, $c, $e); exit(); }'
expect_exit 0
expect_stdout_eq '0 1 0 1'
expect_stderr_empty

# Literal right operands are immediates: the same results as in registers.
fathom_run -q -e 'BEGIN { $a = 37; $j = 5; $j -= 1; $j *= 3; $k = 7; $k <<= 2; $k ^= -1;
    printf("%d %d %d %d %d %d %d %d %d %d\n", $a * 12 + -7, $a / 5, $a % 5, $a & -2, $a | 64, $a ^ 5,
        $a << 3, $a >> 2, $j, $k); exit(); }'
expect_exit 0
expect_stdout_eq "$((37 * 12 - 7)) $((37 / 5)) $((37 % 5)) $((37 & -2)) $((37 | 64)) $((37 ^ 5)) $((37 << 3)) $((37 >> 2)) 12 $(((7 << 2) ^ -1))"

# Map updates refused because the map is full are counted without a
# branch and added to the lost counter at the probe's end: the warning
# comes however the probe ends (exit(), return, a path with no update),
# and never when every update fit. In a loop callback they still jump.
warning="^WARNING: Map full; can't update element. Try increasing max_map_keys config or manually setting the max entries in a map declaration e.g. \`let @a = hash\(5000\)\`$"
fathom_run -q -e 'let @m = hash(2); BEGIN { @m[1] = 1; @m[2] = 2; if (@m[1] == 1) { @m[3] = 3; exit(); return; } @m[4] = 4; }'
expect_exit 0
expect_stderr_match "$warning"
fathom_run -q -e 'let @m = hash(3); BEGIN { @m[1] = 1; @m[2] = 2; if (@m[1] == 1) { @m[3] = 3; exit(); return; } @m[4] = 4; }'
expect_exit 0
expect_stderr_no_match 'Map full'
fathom_run -q -e 'let @m = hash(2); let @n = hash(2); BEGIN { @m[1] = 1; @m[2] = 2; for ($kv : @m) { @n[$kv.0 + 10] = 1; @n[$kv.0 + 20] = 1; } exit(); }'
expect_exit 0
expect_stderr_match "$warning"

# The context is an address the verifier tracks and refuses arithmetic on:
# its comparisons stay jumps, through a variable too (kernel addresses are
# above 0xffff000000000000).
fathom_run -q -e 'i:ms:1 { $c = (uint64)ctx; $d = $c; printf("%d %d %d\n", $d > 0xffff000000000000, $c == 0, !$c); exit(); }'
expect_exit 0
expect_stdout_eq '1 0 0'
