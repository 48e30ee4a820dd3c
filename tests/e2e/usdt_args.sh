#!/usr/bin/env bash
# usdt arguments from the probes' argument specs: registers ("-4@%edi"),
# constants ("-4@$5"), memory ("-8@-8(%rbp)", in the -O0 build), signed and
# 64-bit values, and str() of a string argument (user memory). The target
# is tests/e2e/progs/usdt_target.c: fathom_test:tick(i, 1000000000000 + i,
# 5) and fathom_test:request(name, 2*i, -i) for i = 0..2.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
require_sdt


run_traced() {
    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" >"$T/target.out" ) &
    helper=$!
    fathom_run -e "$1"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

EXPECTED="tick 0 1000000000000 5
request alpha 0 0
tick 1 1000000000001 5
request beta 2 -1
tick 2 1000000000002 5
request gamma 4 -2"

for opt in -O1 -O0; do
    gcc -g "$opt" -o "$T/target$opt" "$E2E_DIR/progs/usdt_target.c" || fail "cannot compile the test program"
    TG=$(realpath "$T/target$opt")
    run_traced "usdt:$TG:fathom_test:tick { printf(\"tick %d %ld %d\\n\", arg0, arg1, arg2); }
                usdt:$TG:fathom_test:request { printf(\"request %s %d %d\\n\", str(arg0), arg1, arg2); }
                uretprobe:$TG:main { exit(); }"
    expect_exit 0
    expect_stdout_eq "$EXPECTED"
done

# Past the probe's arguments.
fathom_run -e "usdt:$TG:fathom_test:tick { printf(\"%d\\n\", arg3); }"
expect_exit 1
expect_stderr_match "arg3"
