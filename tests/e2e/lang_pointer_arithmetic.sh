#!/usr/bin/env bash
# Pointer arithmetic as in C and current bpftrace: ptr + n, n + ptr,
# ptr - n, ptr++ / ptr-- and ptr += n / ptr -= n move by n elements (the
# size of what the pointer points at; 1 for void *) and stay pointers.
# Every other arithmetic with a pointer (ptr - ptr, n - ptr, ptr * n,
# ptr & n, ...) is an error. (The reads through such pointers are tested
# in lang_struct_arrays.sh.) &$x takes the address of a variable.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'struct pair { uint32_t a; uint64_t b; }
BEGIN { $d = (struct pair *)1000; $e = $d + 2; $f = $d - 1; $n = 3 + $d;
  $g = (int32 *)1000; $g += 3; $g -= 1; $h = (uint64 *)1000; $h--; $v = (void *)1000; $v++;
  printf("%d %d %d %d %d %d %d\n", $e, $f, $n, $g, $h, $v, $d + 1 == $e - 1);
  exit(); }'
expect_exit 0
expect_stdout_eq '1032 984 1048 1008 992 1001 1'

# The same on maps that hold pointers: @p++, @p--, @p += n and @p -= n
# move by elements too, keyed or not, and @p-- yields the old pointer.
fathom_run -e 'struct rec { uint32_t a; uint32_t b; uint64_t c; }
BEGIN { @w = (int32 *)32; @w++; @x = (uint64 *)64; @x -= 3; @s[7] = (struct rec *)1000; @s[7] += 2;
  @h = (int16 *)10; $old = @h--; printf("%d %d\n", $old, @h); exit(); }'
expect_exit 0
expect_stdout_match '^10 8$'
expect_stdout_match '^@s\[7\]: 0x408$'
expect_stdout_match '^@w: 0x24$'
expect_stdout_match '^@x: 0x28$'

fathom_run -e 'struct pair { int a; } BEGIN { $d = (struct pair *)1000; $x = $d - $d; }'
expect_exit 1
expect_stderr_eq 'stdin:1:63-70: ERROR: The - operator can not be used on expressions of types struct pair *, struct pair *
struct pair { int a; } BEGIN { $d = (struct pair *)1000; $x = $d - $d; }
                                                              ~~~~~~~
HINT: cast the pointers to integers, e.g. (uint64)$p, to compute with addresses'

fathom_run -e 'BEGIN { $d = (int16 *)1000; $x = $d * 2; }'
expect_exit 1
expect_stderr_eq 'stdin:1:34-40: ERROR: The * operator can not be used on expressions of types int16 *, int64
BEGIN { $d = (int16 *)1000; $x = $d * 2; }
                                 ~~~~~~
HINT: only + and - move a pointer; cast it to an integer, e.g. (uint64)$p, for other arithmetic'

# &$x: a pointer to the variable itself, so a later assignment shows
# through it; & of anything but a variable is an error
fathom_run -e 'BEGIN { $x = 5; $p = &$x; $y = *$p; $x = 7; printf("%d %d %d\n", $y, *$p, $p != 0); exit(); }'
expect_exit 0
expect_stdout_eq '5 7 1'

fathom_run -e 'BEGIN { $p = &curtask; }'
expect_exit 1
expect_stderr_eq 'stdin:1:14-22: ERROR: the address-of operator '"'"'&'"'"' applies to variables only
BEGIN { $p = &curtask; }
             ~~~~~~~~
HINT: take the address of a variable, e.g. &$x'

# A variable whose assignment was an error: its reads add no errors.
fathom_run -e 'BEGIN { $p = &curtask; print($p); printf("%d\n", $p + 1); }'
expect_exit 1
expect_stderr_eq 'stdin:1:14-22: ERROR: the address-of operator '"'"'&'"'"' applies to variables only
BEGIN { $p = &curtask; print($p); printf("%d\n", $p + 1); }
             ~~~~~~~~
HINT: take the address of a variable, e.g. &$x'
