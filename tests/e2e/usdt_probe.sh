#!/usr/bin/env bash
# usdt (U): USDT probes from .note.stapsdt. The target
# (tests/e2e/progs/usdt_target.c, built with sys/sdt.h) is started once
# fathom has attached; it fires fathom_test:tick three times, and
# fathom_test:request three times only if its semaphore is set, which the
# kernel does while the probe is attached (ref_ctr_offset); it prints the
# semaphore's value before exiting. Listing and errors too. Arguments:
# usdt_args.sh.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
require_sdt

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/usdt_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")


run_traced() {
    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" >"$T/target.out" ) &
    helper=$!
    fathom_run -e "$1"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

END_PROBE="uretprobe:$TG:main { exit(); }"

run_traced "usdt:$TG:fathom_test:tick { printf(\"%s %s\\n\", comm, probe); } $END_PROBE"
expect_exit 0
expect_stderr_eq "Attached 2 probes"
expect_stdout_eq "target usdt:$TG:fathom_test:tick
target usdt:$TG:fathom_test:tick
target usdt:$TG:fathom_test:tick"
# Not traced, request's semaphore stayed 0 ... 
[ "$(cat "$T/target.out")" = "semaphore 0" ] || fail "request semaphore: $(cat "$T/target.out")"

# ... traced (by name alone, alias U), the kernel raised it.
run_traced "U:$TG:request { printf(\"%s\\n\", probe); } $END_PROBE"
expect_exit 0
expect_stdout_eq "usdt:$TG:fathom_test:request
usdt:$TG:fathom_test:request
usdt:$TG:fathom_test:request"
[ "$(cat "$T/target.out")" = "semaphore 1" ] || fail "request semaphore: $(cat "$T/target.out")"

# Wildcards.
run_traced "usdt:$TG:fathom_*:* { printf(\"%s\\n\", probe); } $END_PROBE"
expect_exit 0
expect_stderr_eq "Attached 3 probes"
expect_stdout_eq "usdt:$TG:fathom_test:tick
usdt:$TG:fathom_test:request
usdt:$TG:fathom_test:tick
usdt:$TG:fathom_test:request
usdt:$TG:fathom_test:tick
usdt:$TG:fathom_test:request"

# Listing.
fathom_run -l "usdt:$TG:*"
expect_exit 0
expect_stdout_eq "usdt:$TG:fathom_test:request
usdt:$TG:fathom_test:tick"
fathom_run -l "usdt:$TG:fathom_test:t*"
expect_exit 0
expect_stdout_eq "usdt:$TG:fathom_test:tick"
fathom_run -l "usdt:$TG:request"
expect_exit 0
expect_stdout_eq "usdt:$TG:fathom_test:request"
# -lv: each argument's location, as the probe's note gives it.
fathom_run -lv "usdt:$TG:tick"
expect_exit 0
expect_stdout_match "^usdt:$TG:fathom_test:tick\$"
expect_stdout_match '^    arg0: -4@%[a-z0-9]+$'
expect_stdout_match '^    arg2: -4@\$5$'

# Errors.
fathom_run -e "usdt:$TG:fathom_test:tik { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: no usdt probe matches 'fathom_test:tik' in $TG\$"
expect_stderr_match "^HINT: did you mean 'fathom_test:tick'\?\$"

fathom_run -e "usdt:/nonexistent/fathom-x:p:n { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: usdt target file '/nonexistent/fathom-x' does not exist"

fathom_run -e "usdt:/bin/sh:nothing { exit(); }"
expect_exit 1
# named as written (bpftrace's probe names keep the path so)
expect_stderr_match "ERROR: /bin/sh has no USDT probes"

fathom_run -e "usdt:$TG { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: usdt probe needs a binary and a probe name"
