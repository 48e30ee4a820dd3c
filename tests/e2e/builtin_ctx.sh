#!/usr/bin/env bash
# ctx: the probe's context pointer as a value, as bpftrace has it in every
# probe; a script struct cast over it reads the context's memory. In a
# map loop's body (a callback without the context) it is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# An interval probe's context is the kernel's perf event data: a kernel
# address, whose first word (the saved registers' pointer) is one too.
fathom_run -e 'struct x { unsigned long first }; i:ms:1 {
  printf("%d %d\n", (uint64)ctx > 0xffff000000000000, ((struct x *)ctx).first > 0xffff000000000000); exit(); }'
expect_exit 0
expect_stdout_eq '1 1'

fathom_run -e 'BEGIN { @m[1] = 1; for ($kv : @m) { print(ctx); } exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:43-46: ERROR: ctx cannot be used inside a for loop over a map'
