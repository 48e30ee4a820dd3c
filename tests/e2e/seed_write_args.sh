#!/usr/bin/env bash
# Seed one-liners on sys_enter_write arguments:
#   tracepoint:syscalls:sys_enter_write { printf("write(%d, ..., %d)\n", args->fd, args->count); }
#   tracepoint:syscalls:sys_enter_write { printf("write(fd=%d, count=%d) by %s\n", args->fd, args->count, comm); }
# A workload fthecho (a copy of echo) writes "hello\n" (6 bytes) to fd 1.
# With a comm predicate the output is exactly the workload's writes; the
# verbatim first one-liner (no predicate, so fathom's own writes feed it) is
# also run briefly, stopped by Ctrl-C (which must end it with status 0
# even though its own output keeps the probe firing), and every line has
# the right shape.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/echo "$T/fthecho" || fail "cannot copy /bin/echo"

start_workload() {
    : >"$FATHOM_STDERR"
    ( wait_attached && for i in 1 2 3; do "$T/fthecho" hello >/dev/null; sleep 0.05; done ) &
    wl=$!
}

# 1. The short form with a predicate: three writes of 6 bytes to fd 1.
start_workload
fathom_run -e 'tracepoint:syscalls:sys_enter_write /comm == "fthecho"/ { printf("write(%d, ..., %d)\n", args->fd, args->count); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_eq "write(1, ..., 6)
write(1, ..., 6)
write(1, ..., 6)"

# 2. The seed's multi-line form, with a predicate.
start_workload
fathom_run -e 'tracepoint:syscalls:sys_enter_write /comm == "fthecho"/ {
    printf("write(fd=%d, count=%d) by %s\n",
           args->fd, args->count, comm);
}
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_eq "write(fd=1, count=6) by fthecho
write(fd=1, count=6) by fthecho
write(fd=1, count=6) by fthecho"

# 3. Verbatim, no predicate, stopped with Ctrl-C after a second.  Every
# line is "write(FD, ..., N)"; events lost to the flood may be reported as
# "Lost N events".
start_workload
fathom_run_interrupted 1 -e 'tracepoint:syscalls:sys_enter_write {
    printf("write(%d, ..., %d)\n", args->fd, args->count);
}'
wait "$wl"
expect_exit 0
expect_stderr_match '^Attached 1 probe$'
expect_stdout_match '^write\([0-9]+, \.\.\., [0-9]+\)$'
bad=$(grep -v -E '^(write\([0-9]+, \.\.\., [0-9]+\)|Lost [0-9]+ events|)$' "$FATHOM_STDOUT" | head -n 3)
[ -z "$bad" ] || fail "lines not of the form 'write(FD, ..., N)': $bad"
