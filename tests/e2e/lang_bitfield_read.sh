#!/usr/bin/env bash
# A bitfield reads as bpftrace reads it: (raw >> offset) & mask, both in a
# member access (codegen_llvm.cpp) and when print() or a map shows the
# whole struct (types_format.cpp masks the same bits and formats them as
# the member's type). A signed bitfield narrower than its type is
# therefore not sign-extended (`short mid : 8` holding -39 reads 217,
# `int tiny : 3` holding -1 reads 7), one exactly as wide as its type
# keeps the type's sign, and a bitfield wider than 32 bits keeps none of
# its neighbours' bits. The struct comes from the script, or from the
# target's DWARF (args.b, or a cast the script does not define).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -Wall -o "$T/target" "$E2E_DIR/progs/bitfield_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")
want="low=5 mid=217 high=3 flag=1 neg=55 whole=-5 before=255 wide=0x12345678ab after=65535 tiny=7 utop=31"
fmt='"low=%d mid=%d high=%d flag=%d neg=%d whole=%d before=%d wide=0x%llx after=%d tiny=%d utop=%d\n"'
fields='$b->low, $b->mid, $b->high, $b->flag, $b->neg, $b->whole, $b->before, $b->wide, $b->after, $b->tiny, $b->utop'
defs='struct bits { short low : 4, mid : 8, high : 3, flag : 1; int neg : 6; int whole : 32;
    unsigned long long before : 8, wide : 40, after : 16; int tiny : 3; unsigned int utop : 5; };'
# print() of the whole struct: the same numbers (wide is 0x12345678ab)
whole='{ .low = 5, .mid = 217, .high = 3, .flag = 1, .neg = 55, .whole = -5, .before = 255, .wide = 78187493547, .after = 65535, .tiny = 7, .utop = 31 }'
json='{"low": 5, "mid": 217, "high": 3, "flag": 1, "neg": 55, "whole": -5, "before": 255, "wide": 78187493547, "after": 65535, "tiny": 7, "utop": 31}'

# Through a struct written in the script: members, then the whole struct
# printed, copied into a variable and a map (printed at exit).
fathom_run -e "$defs"'
uprobe:'"$TG"':observe { $b = (struct bits *)arg0; printf('"$fmt"', '"$fields"');
    print(*$b); $copy = *$b; print($copy); @s = *$b; @k[*$b] = 1; exit(); }' -c "$TG"
expect_exit 0
expect_stdout_eq "$want
$whole
$whole


@k[$whole]: 1
@s: $whole"

# The same values in JSON.
fathom_run -f json -e "$defs"'
uprobe:'"$TG"':observe { $b = (struct bits *)arg0; print(*$b); @s = *$b; exit(); }' -c "$TG"
expect_exit 0
grep -F -q "{\"type\": \"value\", \"data\": $json}" "$FATHOM_STDOUT" \
    || fail "-f json print() of the struct is not $json: $(cat "$FATHOM_STDOUT")"
grep -F -q "{\"type\": \"map\", \"data\": {\"@s\": $json}}" "$FATHOM_STDOUT" \
    || fail "-f json @s is not $json: $(cat "$FATHOM_STDOUT")"

# Through the target's DWARF: args.b, and a cast to a struct the script
# does not define.
fathom_run -e 'uprobe:'"$TG"':observe { $b = args.b; printf('"$fmt"', '"$fields"');
    print(*args.b); @s = *((struct bits *)arg0); exit(); }' -c "$TG"
expect_exit 0
expect_stdout_eq "$want
$whole


@s: $whole"
fathom_run -e 'uprobe:'"$TG"':observe { printf("%d %d %d\n", ((struct bits *)arg0)->tiny,
    ((struct bits *)arg0)->mid, ((struct bits *)arg0)->whole); exit(); }' -c "$TG"
expect_exit 0
expect_stdout_match '^7 217 -5$'

# A bitfield value used in arithmetic and comparisons is that same number.
fathom_run -e 'struct bits { short low : 4, mid : 8, high : 3, flag : 1; int neg : 6; };
uprobe:'"$TG"':observe { $b = (struct bits *)arg0;
    printf("%d %d %d\n", $b->mid + 1, $b->mid > 200, $b->neg < 0); exit(); }' -c "$TG"
expect_exit 0
expect_stdout_match '^218 1 0$'
