# shellcheck shell=bash
# Helpers for end-to-end tests.  A test is a bash script tests/e2e/NAME.sh:
#
#   #!/usr/bin/env bash
#   # shellcheck source=tests/e2e/lib.sh
#   . "$(dirname "$0")/lib.sh"
#   fathom_run -e 'BEGIN { printf("hi\n"); exit(); }'
#   expect_exit 0
#   expect_stdout_eq "hi"
#
# It passes by exiting 0 and fails by exiting non-zero; there are no skips:
# a test that cannot run calls `fail "why"`.  tests/run-tests.sh runs each
# one from the repository root with FATHOM set to the binary under test;
# run by hand, FATHOM defaults to build/fathom.
#
# fathom_run ARGS...        run "$FATHOM" ARGS... with a timeout
#                           (FATHOM_TIMEOUT seconds, default 30) and stdin
#                           from FATHOM_STDIN (default /dev/null); stdout and
#                           stderr go to the files $FATHOM_STDOUT and
#                           $FATHOM_STDERR, the exit status to $FATHOM_STATUS
#                           (124 if it timed out).  Always returns 0.  A
#                           sanitizer report on stderr fails the test.
# fathom_run_interrupted SECS ARGS...
#                           the same, but sends SIGINT (like Ctrl-C) after
#                           SECS seconds; FATHOM_STATUS is fathom's own exit
#                           status (0 if it handled the signal and exited).
# expect_exit N             the last run exited with status N
# expect_stdout_eq FILE_OR_STRING
#                           stdout equals the file's bytes exactly, or, for a
#                           string, equals it the way "$(cat stdout)" would
#                           (trailing newlines ignored on both sides)
# expect_stderr_eq FILE_OR_STRING
# expect_stdout_match REGEX some stdout line matches REGEX (grep -E)
# expect_stderr_match REGEX
# expect_stdout_no_match REGEX / expect_stderr_no_match REGEX
# expect_stdout_empty / expect_stderr_empty
# wait_attached             wait (up to 10 s) until $FATHOM_STDERR has the
#                           "Attached N probes" line of a fathom_run started
#                           in the background; status 1 if it never came.
#                           Truncate $FATHOM_STDERR before that run.
# fail MSG                  print MSG and the last run's details; exit 1
# require_root, require_cmd NAME...
#                           fail (not skip) when the test cannot run
# at_exit CMD...            run CMD when the test exits (cleanup); the
#                           EXIT trap belongs to lib.sh, don't replace it
# $T                        a private temporary directory, removed at exit
# $E2E_DIR, $REPO_ROOT      this directory and the repository root

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/../.." && pwd)
: "${FATHOM:=$REPO_ROOT/build/fathom}"
: "${FATHOM_TIMEOUT:=30}"

T=$(mktemp -d "${TMPDIR:-/tmp}/fathom-e2e.XXXXXX") || { echo "FAIL: mktemp failed"; exit 1; }
FATHOM_STDOUT=$T/stdout
FATHOM_STDERR=$T/stderr
FATHOM_STATUS=""
FATHOM_ARGS=()
_FATHOM_AT_EXIT=()
_FATHOM_PID=""

_fathom_cleanup() {
    local cmd
    # Ended while fathom runs: pass the signal on (timeout forwards it).
    if [ -n "$_FATHOM_PID" ]; then
        kill -TERM "$_FATHOM_PID" 2>/dev/null
        wait "$_FATHOM_PID" 2>/dev/null
    fi
    for cmd in "${_FATHOM_AT_EXIT[@]}"; do
        eval "$cmd" || true
    done
    rm -rf "$T"
}
trap _fathom_cleanup EXIT
trap 'exit 130' INT     # so that the EXIT trap also runs when the runner's
trap 'exit 143' TERM    # timeout (or Ctrl-C) ends the test

wait_attached() {
    local _
    for _ in $(seq 200); do
        grep -q '^Attached' "$FATHOM_STDERR" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

at_exit() {
    _FATHOM_AT_EXIT+=("$(printf '%q ' "$@")")
}

# _show FILE TITLE: a captured stream, capped at 60 lines.
_show() {
    [ -f "$1" ] || return 0
    local n
    n=$(wc -l <"$1")
    if [ ! -s "$1" ]; then
        echo "--- $2: (empty)"
    elif [ "$n" -gt 60 ]; then
        echo "--- $2 (first 60 of $n lines):"; head -n 60 "$1"
    else
        echo "--- $2:"; cat "$1"
    fi
}

fail() {
    echo "FAIL: $*"
    if [ -n "$FATHOM_STATUS" ]; then
        echo "--- last run: $FATHOM ${FATHOM_ARGS[*]@Q}$([ ${#FATHOM_ARGS[@]} -eq 0 ] && echo "(no arguments)")"
        echo "--- exit status: $FATHOM_STATUS$([ "$FATHOM_STATUS" = 124 ] && echo " (timed out after ${FATHOM_TIMEOUT} s)")"
        _show "$FATHOM_STDOUT" stdout
        _show "$FATHOM_STDERR" stderr
    fi
    exit 1
}

require_root() {
    [ "$(id -u)" -eq 0 ] || fail "this test needs root (BPF, tracefs); it runs as uid $(id -u)"
}

require_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || fail "this test needs '$c', which is not installed"
    done
}

# build_target PROG NAME: the test program tests/e2e/progs/PROG.c as the
# executable $T/NAME, built with gcc, or copied from $FATHOM_TARGETS/PROG
# where it was built ahead of time (the VM has no compiler: tests/vm/run.sh).
# USDT targets are built with <sys/sdt.h> (Debian: systemtap-sdt-dev).
require_sdt() {
    [ -f /usr/include/x86_64-linux-gnu/sys/sdt.h ] || [ -f /usr/include/sys/sdt.h ] \
        || fail "this test needs sys/sdt.h (Debian package systemtap-sdt-dev)"
}

build_target() {
    if [ -n "${FATHOM_TARGETS:-}" ] && [ -x "$FATHOM_TARGETS/$1" ]; then
        cp "$FATHOM_TARGETS/$1" "$T/$2" || fail "cannot copy $FATHOM_TARGETS/$1"
        return 0
    fi
    require_cmd gcc
    gcc -O1 -Wall -o "$T/$2" "$E2E_DIR/progs/$1.c" || fail "cannot compile $E2E_DIR/progs/$1.c"
}

_check_fathom() {
    if [ ! -f "$FATHOM" ] || [ ! -x "$FATHOM" ]; then
        fail "FATHOM=$FATHOM is not an executable file (build it: make)"
    fi
}

_check_sanitizers() {
    if grep -q -E '^==[0-9]+==ERROR: [A-Za-z]+Sanitizer|^SUMMARY: [A-Za-z]+Sanitizer|: runtime error: ' "$FATHOM_STDERR"; then
        fail "sanitizer report on stderr"
    fi
}

# _fathom_timeout TIMEOUT-OPTIONS...: run `timeout OPTIONS... $FATHOM ARGS`
# (ARGS from FATHOM_ARGS) and set FATHOM_STATUS.  It runs in the background
# with `wait`, which, unlike a foreground command, lets a TERM from the
# test runner's timeout end the test at once (the EXIT trap then stops it).
_fathom_timeout() {
    _check_fathom
    FATHOM_STATUS=0
    timeout "$@" "$FATHOM" "${FATHOM_ARGS[@]}" \
        <"${FATHOM_STDIN:-/dev/null}" >"$FATHOM_STDOUT" 2>"$FATHOM_STDERR" &
    _FATHOM_PID=$!
    wait "$_FATHOM_PID" || FATHOM_STATUS=$?
    _FATHOM_PID=""
    _check_sanitizers
}

fathom_run() {
    FATHOM_ARGS=("$@")
    _fathom_timeout -k 5 "$FATHOM_TIMEOUT"
}

fathom_run_interrupted() {
    local secs=$1
    shift
    FATHOM_ARGS=("$@")
    # --preserve-status: fathom's own status, not timeout's 124.  If it
    # ignores SIGINT it is killed 5 s later (status 137).
    _fathom_timeout --preserve-status -s INT -k 5 "$secs"
}

_need_run() {
    [ -n "$FATHOM_STATUS" ] || fail "$1 called before fathom_run"
}

expect_exit() {
    _need_run expect_exit
    [ "$FATHOM_STATUS" = "$1" ] || fail "expected exit status $1, got $FATHOM_STATUS"
}

# _expect_eq STREAM FILE FILE_OR_STRING
_expect_eq() {
    local stream=$1 actual=$2 expected=$3
    _need_run "expect_${stream}_eq"
    if [ -f "$expected" ]; then
        diff -u --label "expected ($expected)" --label "$stream" "$expected" "$actual" >"$T/diff" \
            || fail "$stream differs from $expected:"$'\n'"$(cat "$T/diff")"
    elif [ "$(cat "$actual")" != "$expected" ]; then
        diff -u --label expected --label "$stream" \
            <(printf '%s\n' "$expected") <(printf '%s\n' "$(cat "$actual")") >"$T/diff"
        fail "$stream is not as expected:"$'\n'"$(cat "$T/diff")"
    fi
}

expect_stdout_eq() { _expect_eq stdout "$FATHOM_STDOUT" "$1"; }
expect_stderr_eq() { _expect_eq stderr "$FATHOM_STDERR" "$1"; }

expect_stdout_match() {
    _need_run expect_stdout_match
    grep -q -E -- "$1" "$FATHOM_STDOUT" || fail "stdout does not match /$1/"
}

expect_stderr_match() {
    _need_run expect_stderr_match
    grep -q -E -- "$1" "$FATHOM_STDERR" || fail "stderr does not match /$1/"
}

expect_stdout_no_match() {
    _need_run expect_stdout_no_match
    ! grep -q -E -- "$1" "$FATHOM_STDOUT" || fail "stdout matches /$1/ but should not"
}

expect_stderr_no_match() {
    _need_run expect_stderr_no_match
    ! grep -q -E -- "$1" "$FATHOM_STDERR" || fail "stderr matches /$1/ but should not"
}

expect_stdout_empty() {
    _need_run expect_stdout_empty
    [ ! -s "$FATHOM_STDOUT" ] || fail "stdout should be empty"
}

expect_stderr_empty() {
    _need_run expect_stderr_empty
    [ ! -s "$FATHOM_STDERR" ] || fail "stderr should be empty"
}
