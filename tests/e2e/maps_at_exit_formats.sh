#!/usr/bin/env bash
# BEGIN-only programs whose whole stdout is checked byte for byte against
# the current bpftrace text formats (bpftrace-language.md 4, 7.8, 8, 9):
# maps printed at exit after "\n\n" in name order, each aggregate's value
# and sort order, hist/lhist rows, stats "{ .count = ... }", empty maps
# printing nothing, print(@m, top, div), print(value), clear/zero/delete,
# integer literal forms, operator semantics, control flow, positional
# parameters, printf conversions and string comparison.
# Every case runs; the failures are reported together.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

failures=""
# check NAME EXPECTED_FILE FATHOM_ARGS...: stdout must equal the file
# byte for byte, the status must be 0 and stderr "Attached 1 probe".
check() {
    local name=$1 exp=$2
    shift 2
    fathom_run "$@"
    if [ "$FATHOM_STATUS" != 0 ]; then
        failures+=$'\n'"--- $name: exit status $FATHOM_STATUS; stderr:"$'\n'"$(head -n 8 "$FATHOM_STDERR")"
        return
    fi
    if ! diff -u --label expected --label stdout "$exp" "$FATHOM_STDOUT" >"$T/diff"; then
        failures+=$'\n'"--- $name: stdout differs:"$'\n'"$(cat "$T/diff")"
    fi
    if [ "$(cat "$FATHOM_STDERR")" != "Attached 1 probe" ]; then
        failures+=$'\n'"--- $name: stderr is not 'Attached 1 probe':"$'\n'"$(head -n 8 "$FATHOM_STDERR")"
    fi
}

# 1. hist, lhist, stats and a tuple-keyed count (the doc's example).
cat >"$T/1" <<'EOF'


@c[a, 1]: 1
@h:
[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[8, 16)                0 |                                                    |
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@l:
[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@s: { .count = 1, .average = 4, .total = 4 }
EOF
check hist_lhist_stats "$T/1" -e 'BEGIN { @h = hist(5); @h = hist(100); @l = lhist(3,0,10,2); @s = stats(4); @c["a",1] = count(); exit(); }'

# 2. avg, min, max, stats: no extra empty line after avg/stats maps; keyed
# avg sorted by average.
cat >"$T/2" <<'EOF'


@a: 3
@ak[2]: 1
@ak[1]: 10
@ma: 9
@mi: -2
@st: { .count = 2, .average = 3, .total = 7 }
EOF
check avg_min_max_stats "$T/2" -e 'BEGIN { @a = avg(3); @a = avg(4); @mi = min(5); @mi = min(-2); @ma = max(5); @ma = max(9); @st = stats(10); @st = stats(-3); @ak[1] = avg(10); @ak[2] = avg(1); exit(); }'

# 3. count, sum, keyed ints sorted by value (signed), tuple keys and a
# tuple value.
cat >"$T/3" <<'EOF'


@c: 2
@n[4]: -10
@n[-5]: -3
@n[9]: 100
@s[y]: 1
@s[x]: 8
@t[1, a]: 7
@tv: (1, two)
EOF
check count_sum_keys "$T/3" -e 'BEGIN { @c = count(); @c = count(); @s["x"] = sum(5); @s["x"] = sum(3); @s["y"] = sum(1); @n[-5] = -3; @n[4] = -10; @n[9] = 100; @t[1, "a"] = 7; @tv = (1, "two"); exit(); }'

# 4. String values: a scalar, and a string-keyed map (sorted by key).
cat >"$T/4" <<'EOF'


@s: hello
@str[a]: w
@str[k]: v
EOF
check string_values "$T/4" -e 'BEGIN { @s = "hello"; @str["k"] = "v"; @str["a"] = "w"; exit(); }'

# 5. Map name order (ASCII: @ < @Z < @_x < @a < @z); cleared, emptied
# (both delete forms) and cleared aggregate maps print nothing; zero()
# keeps the key.
cat >"$T/5" <<'EOF'


@: 4
@Z: 1
@_x: 3
@a: 2
@e: 0
@s: 0
@y[2]: 6
@z: 9
EOF
check names_clear_delete_zero "$T/5" -e 'BEGIN { @Z = 1; @a = 2; @_x = 3; @ = 4; @z = 9; @x[1] = 1; @x[2] = 2; delete(@x[1]); delete(@x, 2); @h = hist(1); clear(@h); @e = count(); clear(@e); @s = sum(5); zero(@s); @y[1] = 5; @y[2] = 6; delete(@y, 1); exit(); }'

# 6. clear() and zero() on keyed maps; a zeroed hist prints its header and
# an empty line.
cat >"$T/6" <<'EOF'


@h:

@z[1]: 0
EOF
check keyed_clear_zero "$T/6" -e 'BEGIN { @k[1] = 1; @k[2] = 2; clear(@k); @z[1] = count(); @z[1] = count(); zero(@z); @h = hist(5); zero(@h); exit(); }'

# 7. Keyed hists sorted by their total count; lhist with K labels.
cat >"$T/7" <<'EOF'


@k[b]:
[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@k[a]:
[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@k[c]:
[0]                    3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@l:
(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[0, 1K)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[1K, 2K)               0 |                                                    |
[2K, 3K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[3K, 4K)               0 |                                                    |
[4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

EOF
check keyed_hist_lhist_labels "$T/7" -e 'BEGIN { @k["b"] = hist(8); @k["a"] = hist(8); @k["a"] = hist(16); @k["c"] = hist(0); @k["c"] = hist(0); @k["c"] = hist(0); @l = lhist(-5, 0, 4096, 1024); @l = lhist(5, 0, 4096, 1024); @l = lhist(2500, 0, 4096, 1024); @l = lhist(4096, 0, 4096, 1024); exit(); }'

# 8. hist bucket labels and bar widths (max 2 -> 52 columns, 1 -> 26).
cat >"$T/8" <<'EOF'


@h:
(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[0]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[4, 8)                 0 |                                                    |
[8, 16)                0 |                                                    |
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)              0 |                                                    |
[128, 256)             0 |                                                    |
[256, 512)             0 |                                                    |
[512, 1K)              0 |                                                    |
[1K, 2K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

EOF
check hist_labels "$T/8" -e 'BEGIN { @h = hist(-1); @h = hist(0); @h = hist(0); @h = hist(1); @h = hist(2); @h = hist(3); @h = hist(1024); @h = hist(1500); exit(); }'

# 9. print(@m, top, div) and print() of a scalar map inside the probe.
cat >"$T/9" <<'EOF'
@[3]: 30
@[4]: 40
@[3]: 3
@[4]: 4
@[1]: 3
@[2]: 6
@[3]: 10
@[4]: 13
@x: 3


@x: 3
EOF
check print_map_top_div "$T/9" -e 'BEGIN { @[1] = 10; @[2] = 20; @[3] = 30; @[4] = 40; print(@, 2); print(@, 2, 10); print(@, 0, 3); @x = 3; print(@x); clear(@); exit(); }'

# 10. print() of plain values.
cat >"$T/10" <<'EOF'
7
s
(1, a)
(1, 2, string)


EOF
check print_values "$T/10" -e 'BEGIN { print(7); print("s"); print((1, "a")); $t = (1, 2, "string"); print($t); exit(); }'

# 11. Integer literal forms, casts, and '/', '%', '>>' as unsigned ops.
cat >"$T/11" <<'EOF'
16
8
1000
1000
1000000
9223372036854775804
0
9223372036854775804
-1
44
-1
65535


EOF
check literals_operators "$T/11" -e 'BEGIN { print(0x10); print(010); print(1_000); print(1e3); print(1_000_000); print(-7 / 2); print(-7 % 3); print(-8 >> 1); print(~0); print((uint8)300); print((int8)-1); print((uint16)-1); exit(); }'

# 12. Scratch variables, compound assignments, ++, while, unroll, if/else
# chains, the ternary, and map ++ / += at exit.
cat >"$T/12" <<'EOF'
x=7 k=2
n=10 c=20
u=15
big
fifteen
t=100


@i: 3
@j: 3
EOF
check control_flow "$T/12" -e 'BEGIN { $x = 1; $x += 4; $x -= 1; $x *= 3; $x /= 2; $x %= 5; $x <<= 3; $x >>= 1; $x |= 1; $x &= 7; $x ^= 2; $k = 0; $k++; ++$k; printf("x=%d k=%d\n", $x, $k); @i++; @i++; ++@i; @j += 5; @j -= 2; $n = 0; $c = 0; while ($n < 10) { $n++; $c += 2; } printf("n=%d c=%d\n", $n, $c); $u = 0; unroll(5) { $u += 3; } printf("u=%d\n", $u); if ($u > 10) { printf("big\n"); } else { printf("small\n"); } if ($u < 10) { printf("x\n"); } else if ($u == 15) { printf("fifteen\n"); } else { printf("y\n"); } printf("t=%d\n", $u == 15 ? 100 : 200); exit(); }'

# 13. Positional parameters: numbers, strings via str(), $#, unset ones.
cat >"$T/13" <<'EOF'
42 hello 2
[0] [] [ello] 2


EOF
check positional "$T/13" -e 'BEGIN { printf("%d %s %d\n", $1, str($2), $#); printf("[%d] [%s] [%s] %d\n", $3, str($3), str($2 + 1), $#); exit(); }' 42 hello

# 14. printf conversions (the REAL example line of the spec, 7.8).
cat >"$T/14" <<'EOF'
[-42] [   42] [42   |] [ff] [FF] [10] [4294967295] [7] [ff] [A] [str] [     right] [left      |] [%] [0x1000] [ff] [-5]
[00042]


EOF
check printf_conversions "$T/14" -e 'BEGIN { printf("[%d] [%5d] [%-5d|] [%x] [%X] [%o] [%u] [%lu] [%llx] [%c] [%s] [%10s] [%-10s|] [%%] [%p] [%hhx] [%ld]\n", -42, 42, 42, 255, 255, 8, -1, 7, 255, 65, "str", "right", "left", 4096, 511, -5); printf("[%05d]\n", 42); exit(); }'

# 15. String comparison with comm (fathom's own, in BEGIN: the binary's
# name cut to 15 characters).
comm=$(basename "$FATHOM" | cut -c 1-15)
cat >"$T/15" <<'EOF'
eq
ne


EOF
check comm_compare "$T/15" -e "BEGIN { if (comm == \"$comm\") { printf(\"eq\\n\"); } if (comm == \"fthnotme\") { printf(\"bad\\n\"); } if (comm != \"fthnotme\") { printf(\"ne\\n\"); } exit(); }"

# 16. A program with only BEGIN ends by itself and prints its maps.
cat >"$T/16" <<'EOF'


@x: 1
EOF
check begin_only_ends "$T/16" -e 'BEGIN { @x = 1; }'

[ -z "$failures" ] || { FATHOM_STATUS=""; fail "some cases failed:$failures"; }
