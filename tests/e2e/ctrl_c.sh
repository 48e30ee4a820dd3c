#!/usr/bin/env bash
# A tracing program that never calls exit() runs until Ctrl-C (SIGINT) or
# SIGTERM; either ends it with status 0 after printing "\n\n" and the maps.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/true "$T/fthwork" || fail "cannot copy /bin/true"
start_workload() {
    : >"$FATHOM_STDERR"
    ( wait_attached && for i in $(seq 5); do "$T/fthwork"; sleep 0.02; done ) &
    wl=$!
}
prog='tracepoint:raw_syscalls:sys_enter /comm == "fthwork"/ { @c = count(); @n[comm] = count(); }'

# SIGINT after 1.5 s.
start_workload
fathom_run_interrupted 1.5 -e "$prog"
wait "$wl"
expect_exit 0
expect_stderr_eq "Attached 1 probe"
out=$(cat "$FATHOM_STDOUT")
[[ $out =~ ^$'\n\n'@c:\ ([0-9]+)$'\n'@n\[fthwork\]:\ ([0-9]+)$ ]] \
    || fail "after SIGINT stdout is not '\\n\\n@c: N\\n@n[fthwork]: N'"
[ "${BASH_REMATCH[1]}" -ge 5 ] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] \
    || fail "counts ${BASH_REMATCH[1]} and ${BASH_REMATCH[2]}: expected equal and >= 5"

# SIGTERM after 1.5 s (timeout --preserve-status reports fathom's status).
start_workload
FATHOM_ARGS=(-e "$prog")
FATHOM_STATUS=0
timeout --preserve-status -s TERM -k 5 1.5 "$FATHOM" "${FATHOM_ARGS[@]}" \
    </dev/null >"$FATHOM_STDOUT" 2>"$FATHOM_STDERR" || FATHOM_STATUS=$?
wait "$wl"
expect_exit 0
out=$(cat "$FATHOM_STDOUT")
[[ $out =~ ^$'\n\n'@c:\ [1-9][0-9]*$'\n'@n\[fthwork\]:\ [1-9][0-9]*$ ]] \
    || fail "after SIGTERM stdout is not '\\n\\n@c: N\\n@n[fthwork]: N'"

# printf-only program: SIGINT still exits 0, the lines printed so far kept.
start_workload
fathom_run_interrupted 1.5 -e 'tracepoint:syscalls:sys_enter_execve /comm == "fthwork"/ { printf("never\n"); }
tracepoint:sched:sched_process_exit /comm == "fthwork"/ { printf("exit %s\n", comm); }'
wait "$wl"
expect_exit 0
expect_stderr_eq "Attached 2 probes"
n=$(grep -c -x 'exit fthwork' "$FATHOM_STDOUT")
[ "$n" = 5 ] || fail "expected 5 lines 'exit fthwork', got $n"
expect_stdout_no_match 'never'

# A backlog must not outlive Ctrl-C: every context switch runs system(), whose
# shell causes more switches, so the ring buffer never empties. After SIGINT
# the queued records are printed for a quarter of a second, the rest dropped
# (bpftrace drops them all), END still runs, and the run ends well before
# the 5 s kill of fathom_run_interrupted.
fathom_run_interrupted 1.5 --unsafe -e 'tracepoint:sched:sched_switch { system("echo busy"); }
END { printf("end of run\n"); }'
expect_exit 0
expect_stdout_match '^busy$'
expect_stdout_match '^end of run$'

# An event that came just before Ctrl-C is still printed: fathom is stopped
# (SIGSTOP) while the workload's openat() is queued, and SIGINT is waiting
# when it goes on, so the record is read only in the drain after the stop.
cp /bin/cat "$T/fthlate" || fail "cannot copy /bin/cat"
: >"$FATHOM_STDERR"
"$FATHOM" -e 'tracepoint:syscalls:sys_enter_openat /comm == "fthlate"/ { printf("late %s\n", str(args.filename)); }' \
    </dev/null >"$FATHOM_STDOUT" 2>"$FATHOM_STDERR" &
fpid=$!
wait_attached || { kill -KILL "$fpid"; fail "fathom did not attach"; }
kill -STOP "$fpid"
"$T/fthlate" /etc/hostname >/dev/null
kill -INT "$fpid"
kill -CONT "$fpid"
FATHOM_STATUS=0
wait "$fpid" || FATHOM_STATUS=$?
_check_sanitizers
expect_exit 0
expect_stdout_match '^late /etc/hostname$'
