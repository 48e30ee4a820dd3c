#!/usr/bin/env bash
# software probes: page faults counted for a workload named fthwork, with
# the full name and with the s: alias and the "faults" event alias, and the
# probe builtin holding the canonical name.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/true "$T/fthwork" || fail "cannot copy /bin/true"
start_workload() {
    : >"$FATHOM_STDERR"
    ( wait_attached && for i in $(seq 10); do "$T/fthwork"; sleep 0.02; done ) &
    wl=$!
}

# Every page fault (period 1): an exec'd process faults dozens of times.
start_workload
fathom_run -e 'software:page-faults:1 /comm == "fthwork"/ { @ = count(); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_eq "Attached 2 probes"
out=$(cat "$FATHOM_STDOUT")
[[ $out =~ ^$'\n\n'@:\ ([0-9]+)$ ]] || fail "stdout is not '\\n\\n@: N'"
[ "${BASH_REMATCH[1]}" -ge 10 ] || fail "only ${BASH_REMATCH[1]} page faults counted for 10 runs of fthwork"

# s: alias and the "faults" alias; probe is the canonical full name.
start_workload
fathom_run -e 's:faults:1 /comm == "fthwork"/ { @[probe] = count(); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_match '^@\[software:faults:1\]: [1-9][0-9]*$'

# The seed's quick reference writes "software:page-faults:" (bpftrace's
# documented form with no count after the colon): the default period
# (100 for page-faults) is used, and the probe is named without a count.
start_workload
fathom_run -e 'software:page-faults: { @[probe] = count(); }
interval:s:1 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_eq "Attached 2 probes"
expect_stdout_match '^@\[software:page-faults\]: [1-9][0-9]*$'
