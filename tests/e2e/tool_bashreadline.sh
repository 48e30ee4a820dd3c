#!/usr/bin/env bash
# tools/bashreadline.bt, run unchanged: an interactive bash (bash -i on a
# pseudo-terminal made by script(1)) reads two lines, which are printed
# with the shell's PID and UID. Stopped with SIGINT.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd script
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"
nm -D /bin/bash 2>/dev/null | grep -q ' T readline$' || nm /bin/bash 2>/dev/null | grep -q ' T readline$' \
    || readelf -sW /bin/bash | grep -q ' readline$' || fail "/bin/bash has no readline symbol"


: >"$FATHOM_STDERR"
( wait_attached && sleep 0.2 &&
  printf 'echo fathom-typed-line\nexit\n' | script -qfc "/bin/bash --norc --noprofile -i" /dev/null ) >"$T/workload.log" 2>&1 &
wl=$!
fathom_run_interrupted 4 tools/bashreadline.bt
wait "$wl" || fail "the interactive shell failed: $(cat "$T/workload.log")"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
expect_stdout_match '^Tracing bash command lines\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME        PID   UID COMMAND$'
t='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
expect_stdout_match "^$t +[0-9]+ +0 echo fathom-typed-line\$"
expect_stdout_match "^$t +[0-9]+ +0 exit\$"
