#!/usr/bin/env bash
# tools/gethostlatency.bt, run unchanged: getent (a copy named fthgetent)
# looks up localhost (found: RET 0) and a name under .invalid (not found:
# a negative EAI_* code). Stopped with SIGINT.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd getent
cd "$REPO_ROOT" || fail "cannot cd to $REPO_ROOT"


cp "$(command -v getent)" "$T/fthgetent" || fail "cannot copy getent"
: >"$FATHOM_STDERR"
( wait_attached && sleep 0.2 && "$T/fthgetent" ahosts localhost && { "$T/fthgetent" ahosts fathom-no-such-host.invalid; true; } ) >"$T/workload.log" 2>&1 &
wl=$!
fathom_run_interrupted 3 tools/gethostlatency.bt
wait "$wl" || fail "the lookups failed: $(cat "$T/workload.log")"
expect_exit 0
expect_stderr_match '^Attached 8 probes$'
expect_stdout_match '^Tracing host name lookups\.\.\. Hit Ctrl-C to end\.$'
expect_stdout_match '^TIME        PID COMM             LATms  RET HOST$'
t='[0-2][0-9]:[0-5][0-9]:[0-5][0-9]'
expect_stdout_match "^$t +[0-9]+ fthgetent +[0-9]+ +0 localhost\$"
expect_stdout_match "^$t +[0-9]+ fthgetent +[0-9]+ +-[0-9]+ fathom-no-such-host\\.invalid\$"
