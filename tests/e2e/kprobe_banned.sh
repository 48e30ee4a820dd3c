#!/usr/bin/env bash
# kretprobes on the spin-lock functions the kretprobe machinery itself
# takes could lock up the system: like bpftrace, fathom refuses them by
# name, before anything is loaded (so also on kernels without kprobes),
# and kprobes (entry) on them stay allowed by this check.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

for f in _raw_spin_lock queued_spin_lock_slowpath _raw_spin_unlock_irqrestore _raw_spin_lock_irqsave; do
    fathom_run -e "kretprobe:$f { exit(); }"
    expect_exit 1
    ap="kretprobe:$f"
    expect_stderr_eq "stdin:1:1-$(( ${#ap} + 1 )): ERROR: kretprobe:$f can't be used as it might lock up your system.
kretprobe:$f { exit(); }
$(printf '%*s' "${#ap}" '' | tr ' ' '~')
HINT: trace its callers, or use kprobe:FUNCTION for its entry"
done

# The alias and a module name are the same probe.
fathom_run -e 'kr:vmlinux:_raw_spin_lock { exit(); }'
expect_exit 1
expect_stderr_match "ERROR: kretprobe:_raw_spin_lock can't be used as it might lock up your system\.$"

# Entry probes are not banned: whatever this kernel says about kprobes,
# it is not this error.
fathom_run -e 'kprobe:_raw_spin_lock { exit(); }'
expect_stderr_no_match "lock up your system"
