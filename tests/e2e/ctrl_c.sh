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

# The whole backlog is printed however slowly the output is read: fathom is
# stopped while 3,000 records queue, then gets SIGINT, and its stdout is a
# pipe (64 KiB) that nobody reads for a second; the records make ~200 KiB.
cp /bin/dd "$T/fthdd" || fail "cannot copy /bin/dd"
mkfifo "$T/slow" || fail "cannot make a fifo"
rm -f "$T/go"
( exec 3<"$T/slow"; while [ ! -e "$T/go" ]; do sleep 0.05; done; sleep 1; cat <&3 >"$FATHOM_STDOUT" ) &
reader=$!
: >"$FATHOM_STDERR"
"$FATHOM" -e 'tracepoint:syscalls:sys_enter_read /comm == "fthdd"/ { printf("read of %d bytes from fd %d, queued before the stop\n", args.count, args.fd); }' \
    </dev/null >"$T/slow" 2>"$FATHOM_STDERR" &
fpid=$!
wait_attached || { kill -KILL "$fpid" "$reader"; fail "fathom did not attach"; }
kill -STOP "$fpid"
"$T/fthdd" if=/dev/zero of=/dev/null bs=1 count=3000 2>/dev/null
kill -INT "$fpid"
kill -CONT "$fpid"
touch "$T/go"
FATHOM_STATUS=0
wait "$fpid" || FATHOM_STATUS=$?
wait "$reader"
_check_sanitizers
expect_exit 0
n=$(grep -c -x 'read of 1 bytes from fd 0, queued before the stop' "$FATHOM_STDOUT")
[ "$n" = 3000 ] || fail "expected 3000 records printed after SIGINT, got $n"
