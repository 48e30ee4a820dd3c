#!/usr/bin/env bash
# Attach points that do not exist on this system, as bpftrace handles them:
# a missing tracepoint is a warning, and an error ("Unable to attach
# probe ...") only when its probe has nothing else to attach to; config
# missing_probes = "warn" skips any missing probe with bpftrace's
# "Unable to attach probe: NAME. Skipping.", "ignore" silently, and when
# nothing is left the run fails with "Attachment failed for all probes."
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 't:syscalls:nonsense { print("hit"); exit(); }'
expect_exit 1
expect_stdout_empty
expect_stderr_eq "stdin:1:1-20: WARNING: tracepoint not found: syscalls:nonsense
t:syscalls:nonsense { print(\"hit\"); exit(); }
~~~~~~~~~~~~~~~~~~~
HINT: 'fathom -l \"tracepoint:syscalls:*\"' lists the tracepoints of a category
ERROR: Unable to attach probe: tracepoint:syscalls:nonsense. If this is expected, set the 'missing_probes' config variable to 'warn'.
stdin:1:1-20: at this attach point
t:syscalls:nonsense { print(\"hit\"); exit(); }
~~~~~~~~~~~~~~~~~~~
HINT: 'fathom -l' lists the probes this system has"

# Another attach point of the same probe exists: only the warning, and the
# probe runs where it can.
fathom_run -e 't:syscalls:sys_exit_clock_nanosleep,t:syscalls:nonsense { print("hit"); exit(); }' -c 'sleep 0.1'
expect_exit 0
expect_stdout_match '^hit$'
expect_stderr_match '^stdin:1:37-56: WARNING: tracepoint not found: syscalls:nonsense$'
expect_stderr_no_match 'ERROR'
expect_stderr_match '^Attached 1 probe$'

# missing_probes = warn: the reason, then bpftrace's line; the rest runs.
fathom_run -e 'config = { missing_probes = "warn" } t:syscalls:nonsense { exit(); } BEGIN { printf("ran\n"); exit(); }'
expect_exit 0
expect_stdout_eq "ran"
expect_stderr_eq "stdin:1:38-57: WARNING: tracepoint not found: syscalls:nonsense
config = { missing_probes = \"warn\" } t:syscalls:nonsense { exit(); } BEGIN { printf(\"ran\\n\"); exit(); }
                                     ~~~~~~~~~~~~~~~~~~~
WARNING: Unable to attach probe: tracepoint:syscalls:nonsense. Skipping.
Attached 1 probe"

# missing_probes = ignore: not a word.
fathom_run -e 'config = { missing_probes = "ignore" } t:syscalls:nonsense { exit(); } BEGIN { printf("ran\n"); exit(); }'
expect_exit 0
expect_stdout_eq "ran"
expect_stderr_eq "Attached 1 probe"

# Every probe missing: each skipped with its warning, then the run fails.
fathom_run -e 'config = { missing_probes = "warn" } t:syscalls:nonsense { exit(); } uprobe:/bin/sh:fth_no_such_function { exit(); }'
expect_exit 1
expect_stderr_match '^WARNING: Unable to attach probe: tracepoint:syscalls:nonsense. Skipping.$'
expect_stderr_match '^WARNING: Could not resolve symbol: /bin/sh:fth_no_such_function$'
expect_stderr_match '^stdin:1:70-[0-9]+: at this attach point$'
expect_stderr_match '^WARNING: Unable to attach probe: uprobe:/bin/sh:fth_no_such_function. Skipping.$'
expect_stderr_match '^ERROR: Attachment failed for all probes.$'
expect_stderr_no_match '^Attached'
