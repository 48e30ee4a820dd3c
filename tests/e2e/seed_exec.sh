#!/usr/bin/env bash
# Seed one-liner "string arguments":
#   tracepoint:syscalls:sys_enter_execve { printf("exec: %s %s\n", comm, str(args->filename)); }
# run verbatim (plus an interval probe that ends the run).  At execve entry
# comm is still the caller's, so a shell copied to fthsh that runs
# $T/fthecho produces "exec: fthsh $T/fthecho".
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/echo "$T/fthecho" || fail "cannot copy /bin/echo"
cp "$BASH" "$T/fthsh" || fail "cannot copy bash"

: >"$FATHOM_STDERR"
# "; :" keeps bash from exec'ing the last command in place of a fork.
( wait_attached && "$T/fthsh" -c "for i in 1 2 3; do '$T/fthecho' hi >/dev/null; done; :" ) &
wl=$!

fathom_run -e 'tracepoint:syscalls:sys_enter_execve { printf("exec: %s %s\n", comm, str(args->filename)); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
n=$(grep -c -F -x "exec: fthsh $T/fthecho" "$FATHOM_STDOUT")
[ "$n" = 3 ] || fail "expected 3 lines 'exec: fthsh $T/fthecho', got $n"
# The shell itself is exec'd by the test's subshell.
expect_stdout_match "^exec: [^ ]+ $T/fthsh\$"
