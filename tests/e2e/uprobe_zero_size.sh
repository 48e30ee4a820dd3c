#!/usr/bin/env bash
# A function whose symbol has size 0 (_init, assembly without .size) is
# refused as in bpftrace ("Could not determine boundary ... (symbol has size
# 0)."), unless --unsafe, which attaches. The target is any gcc-built
# program: tests/e2e/progs/usdt_loop.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
build_target usdt_loop target
cd "$T" || fail "cannot cd to $T"
readelf -s ./target | grep -qE ' 0 FUNC .* _init$' || fail "the target has no size-0 _init symbol"

fathom_run -e 'uprobe:./target:_init { exit(); }'
expect_exit 1
expect_stderr_eq 'ERROR: Could not determine boundary for _init (symbol has size 0).
Use --unsafe to force attachment. WARNING: This option could lead to data corruption in the target process.
stdin:1:1-22: at this attach point
uprobe:./target:_init { exit(); }
~~~~~~~~~~~~~~~~~~~~~
HINT: the symbol table gives it no size (an assembly entry point such as _init)'

fathom_run --unsafe -e 'uprobe:./target:_init { printf("hit\n"); exit(); }' -c ./target
expect_exit 0
expect_stdout_eq 'hit'
