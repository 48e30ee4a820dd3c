#!/usr/bin/env bash
# A member access reads a bitfield as bpftrace does: (raw >> offset) & mask.
# A signed bitfield narrower than its type is therefore not sign-extended
# (`short mid : 8` holding -39 reads 217), one exactly as wide as its type
# keeps the type's sign, and a bitfield wider than 32 bits keeps none of its
# neighbours' bits.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

build_target bitfield_target target
TG=$(realpath "$T/target")
want="low=5 mid=217 high=3 flag=1 neg=55 whole=-5 before=255 wide=0x12345678ab after=65535"
fmt='"low=%d mid=%d high=%d flag=%d neg=%d whole=%d before=%d wide=0x%llx after=%d\n"'
fields='$b->low, $b->mid, $b->high, $b->flag, $b->neg, $b->whole, $b->before, $b->wide, $b->after'

# Through a struct written in the script.
fathom_run -e 'struct bits { short low : 4, mid : 8, high : 3, flag : 1; int neg : 6; int whole : 32;
    unsigned long long before : 8, wide : 40, after : 16; };
uprobe:'"$TG"':observe { $b = (struct bits *)arg0; printf('"$fmt"', '"$fields"'); exit(); }' -c "$TG"
expect_exit 0
expect_stdout_match "^$want\$"

# A bitfield value used in arithmetic and comparisons is that same number.
fathom_run -e 'struct bits { short low : 4, mid : 8, high : 3, flag : 1; int neg : 6; };
uprobe:'"$TG"':observe { $b = (struct bits *)arg0;
    printf("%d %d %d\n", $b->mid + 1, $b->mid > 200, $b->neg < 0); exit(); }' -c "$TG"
expect_exit 0
expect_stdout_match '^218 1 0$'
