#!/usr/bin/env bash
# Casts to kernel typedefs from BTF convert as the integer type they name,
# as in bpftrace scripts written against C headers: (uint64_t)x,
# (u32)-1, (pid_t)-1, (u8)257; a struct (not a pointer to one) cannot be
# cast to, and an unknown name is an unknown type with a hint.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
[ -r /sys/kernel/btf/vmlinux ] || fail "no kernel BTF at /sys/kernel/btf/vmlinux"

fathom_run -e 'BEGIN { printf("%d %u %d %d %d %d\n", (uint64_t)5, (u32)-1, (pid_t)-1, (u8)257, (int32_t)-2,
  sizeof((u16)1)); exit(); }'
expect_exit 0
expect_stdout_eq "5 4294967295 -1 1 -2 2"

# the typedef's width and sign carry into arithmetic and map values
fathom_run -e 'BEGIN { $x = (u8)250 + (u8)10; @m[(pid_t)-5] = (s16)-3; print($x); exit(); }'
expect_exit 0
expect_stdout_match '^260$'
expect_stdout_match '^@m\[-5\]: -3$'

fathom_run -e 'BEGIN { print((struct task_struct)1); }'
expect_exit 1
expect_stderr_match 'ERROR: cannot cast int64 to struct task_struct'

fathom_run -e 'BEGIN { print((nosuchtype_t)1); }'
expect_exit 1
expect_stderr_eq "stdin:1:15-30: ERROR: unknown type 'nosuchtype_t'
BEGIN { print((nosuchtype_t)1); }
              ~~~~~~~~~~~~~~~
HINT: cast to an integer type (uint32, int64, ...), a kernel typedef such as u32 or pid_t, or a pointer"
