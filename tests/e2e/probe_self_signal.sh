#!/usr/bin/env bash
# self:signal:SIGUSR1 probes run each time fathom receives SIGUSR1, in the
# order the script declares them; SIGUSR1 does not end a run by itself, and
# only SIGUSR1 can be named.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# usr1_after_pid N: once BEGIN has printed fathom's pid (BEGIN runs in
# fathom itself) and the probes are attached, send it SIGUSR1 N times.
usr1_after_pid() {
    local n=$1 pid="" _
    for _ in $(seq 200); do
        pid=$(head -n 1 "$FATHOM_STDOUT" 2>/dev/null)
        [[ $pid =~ ^[0-9]+$ ]] && grep -q '^Attached' "$FATHOM_STDERR" 2>/dev/null && break
        pid=""
        sleep 0.05
    done
    [ -n "$pid" ] || return 1
    for _ in $(seq "$n"); do
        kill -USR1 "$pid"
        sleep 0.3
    done
}

# Two probes on the signal: the first declared runs first.
: >"$FATHOM_STDOUT"; : >"$FATHOM_STDERR"
usr1_after_pid 1 &
sender=$!
FATHOM_TIMEOUT=10 fathom_run -e 'BEGIN { printf("%d\n", pid); }
    self:signal:SIGUSR1 { printf("first"); }
    self:signal:SIGUSR1 { printf(" second %s\n", probe); exit(); }'
wait "$sender" || fail "fathom never printed its pid and attached"
expect_exit 0
expect_stderr_eq "Attached 3 probes"
expect_stdout_match '^first second self:signal:SIGUSR1$'

# Each signal runs the probe again; the run goes on until exit().
: >"$FATHOM_STDOUT"; : >"$FATHOM_STDERR"
usr1_after_pid 3 &
sender=$!
FATHOM_TIMEOUT=10 fathom_run -e 'BEGIN { printf("%d\n", pid); }
    self:signal:SIGUSR1 { @n++; printf("signal %d\n", @n); if (@n == 3) { exit(); } }
    END { printf("end\n"); }'
wait "$sender" || fail "fathom never printed its pid and attached"
expect_exit 0
out=$(tail -n +2 "$FATHOM_STDOUT")
[ "$out" = $'signal 1\nsignal 2\nsignal 3\nend\n\n\n@n: 3' ] || fail "unexpected output: $out"

# SIGUSR1 without a signal probe changes nothing: the interval ends the run.
: >"$FATHOM_STDOUT"; : >"$FATHOM_STDERR"
usr1_after_pid 1 &
sender=$!
FATHOM_TIMEOUT=10 fathom_run -e 'BEGIN { printf("%d\n", pid); } interval:ms:800 { printf("tick\n"); exit(); }'
wait "$sender" || fail "fathom never printed its pid and attached"
expect_exit 0
[ "$(tail -n +2 "$FATHOM_STDOUT")" = "tick" ] || fail "SIGUSR1 changed the run"

# Only SIGUSR1, only self:signal.
fathom_run -e 'self:signal:SIGUSR2 { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:1-20: ERROR: self:signal probes support only SIGUSR1, not 'SIGUSR2'
self:signal:SIGUSR2 { exit(); }
~~~~~~~~~~~~~~~~~~~
HINT: write self:signal:SIGUSR1"
fathom_run -e 'self:timer:1 { exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:1-13: ERROR: self probes take the form self:signal:SIGNAL$'
