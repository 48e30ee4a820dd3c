#!/usr/bin/env bash
# (T[N])integer: the integer's bytes seen as an array of N elements of
# type T (an integer type or bool), in the machine's (little-endian)
# order, as bpftrace casts them. The sizes must be equal. Strings cast to
# byte arrays of their size ((int8[])"abc").
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

# and back: (intN)array of N/8 bytes reads the array's bytes as one
# integer (sign-extended for a signed type); other sizes are an error
fathom_run -e 'BEGIN { $x = (uint8[8])12345; $y = (int8[2])(int16)-2; @z = (uint8[4])(uint32)0x01020304;
  printf("%d %d %d %d\n", (uint64)$x, (int16)$y, (uint16)$y, (int32)@z); clear(@z); exit(); }'
expect_exit 0
expect_stdout_eq '12345 -2 65534 16909060'

fathom_run -e 'BEGIN { $x = (uint8[8])12345; print((uint32)$x); exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:37-47: ERROR: cannot cast uint8[8] (8 bytes) to uint32 (4 bytes): the sizes must be equal
BEGIN { $x = (uint8[8])12345; print((uint32)$x); exit(); }
                                    ~~~~~~~~~~
HINT: the array must have the integer'"'"'s size in bytes'

# Without a size the array takes the value's: (uint8[])(uint32)5. A string
# casts to a byte array of its own size, NUL padding included, as
# bpftrace's (int8[])"mystring" turns a string back into the char array
# it came from; (string) of that array gives the string again.
fathom_run -e 'BEGIN { print((uint8[])(uint32)5); $s = (int8[])"abc"; print($s);
  @u = (uint8[4])"xyz"; printf("%d %d %s %d\n", $s[1], sizeof($s), (string)$s, sizeof((int8[])comm)); exit(); }'
expect_exit 0
expect_stdout_eq '[5,0,0,0]
[97,98,99,0]
98 4 abc 16


@u: [120,121,122,0]'

fathom_run -e 'BEGIN { $s = (int8[3])"abc"; exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:14-28: ERROR: cannot cast string[4] to int8[3]: the sizes must be equal
BEGIN { $s = (int8[3])"abc"; exit(); }
             ~~~~~~~~~~~~~~
HINT: write (int8[]) to take the string'"'"'s size'

fathom_run -e 'BEGIN { $s = (int16[])"abc"; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:14-28: ERROR: cannot cast string\[4\] to int16\[\]$'
expect_stderr_match '^HINT: strings cast to byte arrays: int8\[\] or uint8\[\]$'

# A run-time index into an array held in a variable or a map: in range it
# reads the element; out of range bpftrace's runtime warning, and the read
# (the verifier allows no stack address past the array) gives element 0.
fathom_run -q -e 'BEGIN { @i = 5; @j = 2; $a = (uint8[4])(uint32)0x04030201; @m[1] = $a;
  printf("%d %d %d %d\n", $a[(uint64)@j], @m[1][(uint64)@j], $a[(uint64)@i], @m[1][(uint64)@i]); clear(@i); clear(@j); clear(@m); exit(); }'
expect_exit 0
expect_stdout_eq '3 3 1 1'
[ "$(grep -c 'WARNING: Array access out of bounds. This can lead to unexpected results.' "$FATHOM_STDERR")" = 2 ] \
    || fail "expected two out-of-bounds warnings"
