#!/usr/bin/env bash
# Where the run's own messages go, as in bpftrace:
#  - "Attached 1 probe" / "Attached N probes" on stderr, nothing on stdout;
#    -q drops it (and, with -f json, the attached_probes message);
#  - with __BPFTRACE_NOTIFY_PROBES_ATTACHED in the environment the line
#    __BPFTRACE_NOTIFY_PROBES_ATTACHED is printed once on stdout after the
#    probes are attached and before any trace output - on stdout even with
#    -o FILE - so a harness can start its workload when it appears.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { printf("hi\n"); exit(); }'
expect_exit 0
expect_stdout_eq "hi"
expect_stderr_eq "Attached 1 probe"

fathom_run -e 'tracepoint:syscalls:sys_enter_getppid { } interval:ms:100 { exit(); }'
expect_exit 0
# only the end-of-run mark, two empty lines, as bpftrace prints it
[ "$(od -An -c "$FATHOM_STDOUT" | tr -d ' ')" = '\n\n' ] || fail "stdout should be exactly two newlines"
expect_stderr_eq "Attached 2 probes"

fathom_run -q -e 'BEGIN { printf("hi\n"); exit(); }'
expect_exit 0
expect_stdout_eq "hi"
expect_stderr_empty

# The notify line: first on stdout, exactly once.
__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 fathom_run -e 'BEGIN { printf("hi\n"); exit(); }'
expect_exit 0
printf '__BPFTRACE_NOTIFY_PROBES_ATTACHED\nhi\n\n\n' >"$T/exp"
expect_stdout_eq "$T/exp"
expect_stderr_eq "Attached 1 probe"

# ... with -q too (it is not the banner) ...
__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 fathom_run -q -e 'BEGIN { exit(); }'
expect_exit 0
expect_stdout_eq "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
expect_stderr_empty

# ... after the attached_probes message in JSON ...
__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 fathom_run -f json -e 'BEGIN { printf("hi\n"); exit(); }'
expect_exit 0
cat >"$T/exp" <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
__BPFTRACE_NOTIFY_PROBES_ATTACHED
{"type": "printf", "data": "hi\n"}
EOF
expect_stdout_eq "$T/exp"
expect_stderr_empty

# ... and on stdout, not in the -o file.
__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 fathom_run -o "$T/out" -e 'BEGIN { printf("hi\n"); exit(); }'
expect_exit 0
expect_stdout_eq "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
[ "$(cat "$T/out")" = hi ] || fail "-o file: $(cat "$T/out")"

# Used as intended: start the workload when the line appears; its events
# are all seen.
wait_notified() {
    for _ in $(seq 100); do
        grep -q -x '__BPFTRACE_NOTIFY_PROBES_ATTACHED' "$FATHOM_STDOUT" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
wl_name=nt${T##*.}            # a comm unique to this run
cp /bin/true "$T/$wl_name" || fail "cannot copy /bin/true"
: >"$FATHOM_STDOUT"
( wait_notified && for _ in 1 2 3; do "$T/$wl_name"; done ) &
wl=$!
__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 fathom_run -e 'tracepoint:sched:sched_process_exec /comm == "'"$wl_name"'"/ { printf("exec %s\n", comm); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
[ "$(grep -c -x '__BPFTRACE_NOTIFY_PROBES_ATTACHED' "$FATHOM_STDOUT")" -eq 1 ] || fail "notify line not exactly once"
[ "$(head -n 1 "$FATHOM_STDOUT")" = __BPFTRACE_NOTIFY_PROBES_ATTACHED ] || fail "notify line is not first"
[ "$(grep -c -x "exec $wl_name" "$FATHOM_STDOUT")" -eq 3 ] || fail "expected 3 exec lines"
expect_stderr_eq "Attached 2 probes"
