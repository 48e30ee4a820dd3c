#!/usr/bin/env bash
# Arrays as map keys (alone, in a multi-key, from a variable, of signed
# elements, with an aggregation), printed as bpftrace prints them:
# @x[[1,2,3,4]]: 0 and @x[[1,2,3,4], 42]: 0; JSON keys likewise.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { @x[(uint8[4])(uint32)0x04030201] = 0;
                       @m[(uint8[4])(uint32)0x04030201, 42] = 0;
                       $a = (int16[2])(uint32)0xfffe0001; @v[$a] = 7; @v[$a]++;
                       @c[(int16[2])(uint32)0xfffe0001] = count(); exit(); }'
expect_exit 0
expect_stdout_eq "

@c[[1,-2]]: 1
@m[[1,2,3,4], 42]: 0
@v[[1,-2]]: 8
@x[[1,2,3,4]]: 0"

fathom_run -f json -e 'BEGIN { @x[(uint8[4])(uint32)0x04030201] = 5; exit(); }'
expect_exit 0
expect_stdout_match '^\{"type": "map", "data": \{"@x": \{"\[1,2,3,4\]": 5\}\}\}$'
