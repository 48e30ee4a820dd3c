#!/usr/bin/env bash
# hardware (h): PERF_TYPE_HARDWARE events with bpftrace's names, aliases and
# default periods.  Without a hardware PMU (this VM: no
# /sys/bus/event_source/devices/cpu) perf_event_open fails, and fathom says
# so in one sentence naming the event, with a HINT of what samples the CPU
# without a PMU, exits 1, and leaves nothing loaded.  (-d bpf still compiles
# the program: see below.)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bpftool

fathom_run -l 'hardware:*'
expect_exit 0
expect_stdout_eq "hardware:backend-stalls:
hardware:branch-instructions:
hardware:branch-misses:
hardware:bus-cycles:
hardware:cache-misses:
hardware:cache-references:
hardware:cpu-cycles:
hardware:frontend-stalls:
hardware:instructions:
hardware:ref-cycles:"

fathom_run -l 'h:cache*'
expect_exit 0
expect_stdout_eq "hardware:cache-misses:
hardware:cache-references:"

if [ -e /sys/bus/event_source/devices/cpu ] || [ -e /sys/bus/event_source/devices/cpu_core ]; then
    # A machine with a PMU: the events count.
    fathom_run -e 'hardware:cpu-cycles:100000 { @ = count(); } interval:ms:500 { exit(); }'
    expect_exit 0
    expect_stdout_match '^@: [1-9][0-9]*$'
else
    fathom_run -e 'hardware:cpu-cycles { @ = count(); }'
    expect_exit 1
    expect_stdout_empty
    expect_stderr_eq "stdin:1:1-20: ERROR: hardware event cpu-cycles is not available on this machine (perf_event_open: No such file or directory)
hardware:cpu-cycles { @ = count(); }
~~~~~~~~~~~~~~~~~~~
HINT: this machine has no CPU performance counters (a VM without a virtual PMU?): profile:hz:99 or software:cpu-clock:1e6 sample CPU time without them"
    # The alias names the event it stands for; nothing stays loaded.
    fathom_run -e 'h:cycles:1000 { @ = count(); }'
    expect_exit 1
    expect_stderr_match '^stdin:1:1-14: ERROR: hardware event cpu-cycles is not available on this machine \(perf_event_open: '
    bpftool prog show >"$T/progs" || fail "bpftool prog show failed"
    ! grep -q 'name fth_[0-9]*_hardware' "$T/progs" || fail "a hardware program is still loaded: $(grep fth_ "$T/progs")"
fi

# Unknown events get the closest name; wildcards and bad counts are refused.
fathom_run -e 'hardware:cpu-cycels { @ = count(); }'
expect_exit 1
expect_stderr_eq "stdin:1:1-20: ERROR: unknown hardware event 'cpu-cycels'
hardware:cpu-cycels { @ = count(); }
~~~~~~~~~~~~~~~~~~~
HINT: did you mean 'cpu-cycles'?"

fathom_run -e 'hardware:* { @ = count(); }'
expect_exit 1
expect_stderr_match 'ERROR: wildcards are not allowed for hardware probe type'

# "hardware:EVENT:" (no count after the colon, as the seed's quick
# reference writes it) takes the default period: it compiles like
# "hardware:EVENT" and is named without a count.
fathom_run -d bpf -e 'hardware:cache-misses: { @[probe] = count(); }'
expect_exit 0
expect_stdout_match '^hardware:cache-misses \(fth_0_hardware\), [0-9]+ instructions:$'

fathom_run -e 'hardware:instructions:0 { @ = count(); }'
expect_exit 1
expect_stderr_match "ERROR: invalid count '0' for hardware probe"
