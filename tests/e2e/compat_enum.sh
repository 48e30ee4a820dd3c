#!/usr/bin/env bash
# Enums written in the script: enumerators are integer constants; values
# typed by the enum (the enumerator itself, a variable or map holding it, a
# cast to the enum) print as the enumerator's name in text output and with
# printf %s, as numbers after arithmetic, with %d, and in JSON values.
# The kernel's enums (from BTF) too.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -q -e 'enum { ONE = 1, TWO = 2 }; enum COLOR { RED = 10, GREEN, BLUE = 0x20 };
  BEGIN { @[ONE] = 11; @k[TWO, GREEN] = 22; @v = BLUE; @t = (ONE, RED); @sum[ONE + 1] = TWO - 1;
          $c = GREEN; print($c); print((enum COLOR)32); print((enum COLOR)12);
          printf("%d %s %s\n", GREEN, GREEN, RED); exit(); }'
expect_exit 0
expect_stdout_match '^GREEN$'
expect_stdout_match '^BLUE$'
expect_stdout_match '^12$'
expect_stdout_match '^11 GREEN RED$'
expect_stdout_match '^@\[ONE\]: 11$'
expect_stdout_match '^@k\[TWO, GREEN\]: 22$'
expect_stdout_match '^@v: BLUE$'
expect_stdout_match '^@t: \(ONE, RED\)$'
expect_stdout_match '^@sum\[2\]: 1$'

fathom_run -q -f json -e 'enum { FOO = 333 }; BEGIN { $f = FOO; print($f); printf("%s", FOO); exit(); }'
expect_exit 0
expect_stdout_match '^\{"type": "value", "data": 333\}$'
expect_stdout_match '^\{"type": "printf", "data": "FOO"\}$'

fathom_run -e 'enum E { A }; BEGIN { print((enum F)1); exit(); }'
expect_exit 1
expect_stderr_match "ERROR: unknown type 'enum F'"

# Enums of the kernel (BTF) behave the same: an enumerator named in the
# script has its enum's type (int64, as in bpftrace), a cast to a kernel
# enum and an argument of enum type print by name, and integer use of
# them (arithmetic, comparison, %d) is unchanged.
fathom_run -q -e 'BEGIN { print(BTF_FUNC_EXTERN); print((enum btf_func_linkage)1); print((enum btf_func_linkage)7);
          printf("%s %d %d\n", SK_MEMINFO_RMEM_ALLOC, SK_MEMINFO_RMEM_ALLOC, BTF_FUNC_EXTERN * 3);
          printf("%d %d %d\n", sizeof(BTF_FUNC_EXTERN), sizeof(enum btf_func_linkage), BTF_FUNC_GLOBAL < BTF_FUNC_EXTERN);
          @k[BTF_FUNC_GLOBAL] = 1; @v = (enum btf_func_linkage)2; @n[BTF_FUNC_GLOBAL + 1] = 3; exit(); }'
expect_exit 0
expect_stdout_match '^BTF_FUNC_EXTERN$'
expect_stdout_match '^BTF_FUNC_GLOBAL$'
expect_stdout_match '^7$'
expect_stdout_match '^SK_MEMINFO_RMEM_ALLOC 0 6$'
expect_stdout_match '^8 4 1$'
expect_stdout_match '^@k\[BTF_FUNC_GLOBAL\]: 1$'
expect_stdout_match '^@v: BTF_FUNC_EXTERN$'
expect_stdout_match '^@n\[2\]: 3$'

# Unsigned 4-byte enums with values from 2^31 up: a tuple keeps each
# element at its enum's width, and such a value is found by name (the
# script's enum E and the kernel's enum init_ns_ino, UNSIGNED in BTF);
# one without a name prints as the unsigned number.
fathom_run -q -e 'enum E { SMALL = 1, BIG = 0x80000001 };
  BEGIN { $t = ((enum E)0x80000001, (enum E)0x80000002, (enum init_ns_ino)4026531839, (enum init_ns_ino)0x80000005);
          print($t); exit(); }'
expect_exit 0
expect_stdout_eq '(BIG, 2147483650, IPC_NS_INIT_INO, 2147483653)'

# the script's #define of the name wins over the kernel's enumerator
fathom_run -q -e '#define BTF_FUNC_EXTERN 7
  BEGIN { print(BTF_FUNC_EXTERN); exit(); }'
expect_exit 0
expect_stdout_eq '7'

fathom_run -q -f json -e 'BEGIN { printf("%s", BTF_FUNC_EXTERN); print((enum btf_func_linkage)1); exit(); }'
expect_exit 0
expect_stdout_match '^\{"type": "printf", "data": "BTF_FUNC_EXTERN"\}$'
expect_stdout_match '^\{"type": "value", "data": 1\}$'

# A raw tracepoint argument of type enum hrtimer_mode (4 bytes in BTF):
# sleep arms a relative timer (HRTIMER_MODE_REL = 1); the predicate keeps
# only relative, unpinned modes because the exiting process may arm others.
fathom_run -q -e 'rawtracepoint:hrtimer_start /comm == "sleep" && (args.mode & 3) == 1/ {
          printf("%s %d\n", args.mode, args.mode); @m[args.mode] = count(); @v = args.mode; $m = args.mode; print($m); }' \
    -c 'sleep 0.2'
expect_exit 0
expect_stdout_match '^HRTIMER_MODE_REL[A-Z_]* [0-9]+$'
expect_stdout_match '^HRTIMER_MODE_REL[A-Z_]*$'
expect_stdout_match '^@m\[HRTIMER_MODE_REL[A-Z_]*\]: [1-9]'
expect_stdout_match '^@v: HRTIMER_MODE_REL[A-Z_]*$'

# A tracepoint field declared "enum hrtimer_mode mode" in its format file
# is the kernel's enum too, in printf %s, print(), map keys and print(args).
fathom_run -q -e 'tracepoint:timer:hrtimer_start /comm == "sleep" && (args.mode & 3) == 1/ {
          printf("%s %d\n", args.mode, args.mode); @m[args.mode] = count(); print(args); }' \
    -c 'sleep 0.2'
expect_exit 0
expect_stdout_match '^HRTIMER_MODE_REL[A-Z_]* [0-9]+$'
expect_stdout_match '^@m\[HRTIMER_MODE_REL[A-Z_]*\]: [1-9]'
expect_stdout_match '\.mode = HRTIMER_MODE_REL[A-Z_]*, '

# An enumerator after INT64_MAX without a value overflows, as in GCC.
fathom_run -e 'enum E { SMALL = 9223372036854775807, BIG }; BEGIN { print(SMALL); }'
expect_exit 1
expect_stderr_eq 'stdin:1:39-42: ERROR: overflow in enumeration values
enum E { SMALL = 9223372036854775807, BIG }; BEGIN { print(SMALL); }
                                      ~~~
HINT: give it a value with '"'='"
fathom_run -e 'enum E { SMALL = 9223372036854775807, BIG = 0x80000001 }; BEGIN { print((sizeof(enum E), (int64)SMALL)); exit(); }'
expect_exit 0
expect_stdout_eq '(8, 9223372036854775807)'
# INT64_MIN / -1 and % -1 in an enumerator's constant wrap (no SIGFPE).
fathom_run -e 'enum E { A = (-9223372036854775807 - 1) / -1, B = (-9223372036854775807 - 1) % -1 }; BEGIN { print(((int64)A, (int64)B)); exit(); }'
expect_exit 0
expect_stdout_eq '(-9223372036854775808, 0)'
