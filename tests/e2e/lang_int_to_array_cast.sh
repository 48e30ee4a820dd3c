#!/usr/bin/env bash
# (T[N])integer: the integer's bytes seen as an array of N elements of
# type T (an integer type or bool), in the machine's (little-endian)
# order, as bpftrace casts them. The sizes must be equal.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { @a = (uint8[2])(uint16)258; @b = (bool[2])(uint16)1; $c = (int8[4])(int32)-2; print($c);
  $v = 0x0102030405060708; print((uint8[8])$v); @t = (1, (int16[2])(uint32)0xfffe0003); exit(); }'
expect_exit 0
expect_stdout_eq $'[-2,-1,-1,-1]\n[8,7,6,5,4,3,2,1]\n\n\n@a: [2,1]\n@b: [true,false]\n@t: (1, [3,-2])'

fathom_run -e 'BEGIN { print((uint8[2])(uint32)1); exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:15-34: ERROR: cannot cast uint32 (4 bytes) to uint8[2] (2 bytes): the sizes must be equal
BEGIN { print((uint8[2])(uint32)1); exit(); }
              ~~~~~~~~~~~~~~~~~~~
HINT: cast the value to a 2-byte integer first: (uint16)'

fathom_run -e 'BEGIN { print((int32[2])"ab"); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:15-29: ERROR: cannot cast string\[3\] to int32\[2\]$'
