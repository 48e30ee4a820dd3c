#!/usr/bin/env bash
# Functions gcc copied under a new name (foo.isra.0, foo.constprop.0) are
# kernel functions like any other, as in bpftrace: a wildcard reaches them
# (kprobe:finish_task_switch* where the kernel has only
# finish_task_switch.isra.0) and the full name can be written; a probe on
# the old name fails with a hint naming the copy (or the _noprof name
# 6.10's allocation profiling gave kmem_cache_alloc and others).  The .cold
# parts split off functions and the __pfx_/__cfi_ padding symbols are
# never listed.
# Compiling (-d bpf) resolves the attach points, also on a kernel without
# kprobes; where there are kprobes the copy is attached too.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -l 'kprobe:*'
expect_exit 0
expect_stdout_no_match '\.cold(\.[0-9]+)?$'
expect_stdout_no_match '^kprobe:__(pfx|cfi)_'
listing=$(cat "$FATHOM_STDOUT")

# A copy whose original name the kernel does not have.
clone=
while read -r line; do
    name=${line#kprobe:}
    base=${name%%.*}
    if ! grep -qxF "kprobe:$base" <<<"$listing"; then
        clone=$name
        break
    fi
done < <(grep -E '^kprobe:[A-Za-z0-9_]+\.(isra|constprop)\.[0-9]+$' <<<"$listing")
[ -n "$clone" ] || fail "this kernel lists no compiler-made copy of a function"
base=${clone%%.*}

fathom_run -l "kprobe:${base}*"
expect_exit 0
expect_stdout_match "^kprobe:${clone//./\\.}\$"

fathom_run -d bpf -e "kprobe:${base}* { @[probe] = count(); }"
expect_exit 0
expect_stderr_empty

fathom_run -d bpf -e "kprobe:${clone} { @[func] = count(); }"
expect_exit 0
expect_stderr_empty

# Where the kernel has kprobes (tests/vm runs this there), the copy is
# attached and runs.
if [ -d /sys/bus/event_source/devices/kprobe ]; then
    fathom_run -e "kprobe:${clone} { @[probe] = count(); } interval:ms:300 { exit(); }"
    expect_exit 0
    expect_stderr_match '^Attached 2 probes$'
fi

# The old name: not found, and the hint names the copy rather than some
# other function a few letters away.
fathom_run -d bpf -e "kprobe:${base} { @[func] = count(); }"
expect_exit 1
expect_stderr_match "ERROR: kernel function not found \\(or not traceable\\): ${base}\$"
expect_stderr_match "^HINT: did you mean 'kprobe:${base}\\.[a-z]+\\.[0-9]+'\\?\$"

# Renamed by allocation profiling (6.10 and later), where that happened.
noprof=$(grep -E '^kprobe:[A-Za-z0-9_]+_noprof$' <<<"$listing" | while read -r line; do
    name=${line#kprobe:}
    grep -qxF "kprobe:${name%_noprof}" <<<"$listing" || { echo "${name%_noprof}"; break; }
done)
if [ -n "$noprof" ]; then
    fathom_run -d bpf -e "kprobe:${noprof} { @ = count(); }"
    expect_exit 1
    expect_stderr_match "^HINT: did you mean 'kprobe:${noprof}_noprof'\\?\$"
fi
