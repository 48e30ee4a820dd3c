#!/usr/bin/env bash
# config missing_probes = "ignore" / "warn" skips attach points that do not
# exist. Maps written only by the skipped probes still have their types, so
# the probes that remain may read or clear them (bpftrace's biolatency-kp:
# its kprobes are all missing on kernels that inline them, and its END
# clears @start). The run works and prints no map; a probe type whose
# context needs a real instance is not guessed at. Probes that exist but
# cannot be attached are skipped the same way.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# shellcheck disable=SC2016 # the script's own syntax
prog='uprobe:/bin/bash:fth_no_such_function { @start[tid] = nsecs; }
uretprobe:/bin/bash:fth_no_such_function /@start[tid]/ {
    @usecs = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]);
}
BEGIN { printf("running %d\n", @start[tid]); exit(); }
END { clear(@start); }'

fathom_run -e "config = { missing_probes = \"ignore\" } $prog"
expect_exit 0
expect_stdout_eq 'running 0'
expect_stderr_eq 'Attached 2 probes'

fathom_run -e "config = { missing_probes = \"warn\" } $prog"
expect_exit 0
expect_stdout_eq 'running 0'
expect_stderr_match "^WARNING: Could not resolve symbol: /bin/bash:fth_no_such_function$"
expect_stderr_match "^stdin:[0-9]+:[0-9]+-[0-9]+: at this attach point$"
expect_stderr_match "^WARNING: Unable to attach probe: uretprobe:/bin/bash:fth_no_such_function. Skipping.$"
expect_stderr_no_match 'ERROR'

# Without the setting, a missing function is an error as before.
fathom_run -e "$prog"
expect_exit 1
expect_stderr_match "ERROR: .*fth_no_such_function"
expect_stderr_no_match 'undefined map'

# A probe that exists but cannot be attached (hardware events: this VM has
# no PMU) is skipped too, with bpftrace's "skipping probe" warning under
# warn, silently under ignore, and not counted in "Attached N probes".
hw='hardware:cpu-cycles:1000000 { @cycles = count(); } BEGIN { printf("ok\n"); exit(); }'
fathom_run -e "config = { missing_probes = \"warn\" } $hw"
expect_exit 0
expect_stdout_eq 'ok'
expect_stderr_match '^stdin:1:38-65: WARNING: hardware event cpu-cycles .*, skipping probe$'
expect_stderr_match '^Attached 1 probe$'
fathom_run -e "config = { missing_probes = \"ignore\" } $hw"
expect_exit 0
expect_stderr_eq 'Attached 1 probe'
fathom_run -e "$hw"
expect_exit 1
expect_stderr_match '^stdin:1:1-28: ERROR: hardware event cpu-cycles'
