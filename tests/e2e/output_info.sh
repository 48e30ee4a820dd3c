#!/usr/bin/env bash
# --info: bpftrace's feature report sections (System, Build, Kernel
# helpers, Kernel features, Map types, Probe types) on stdout, exit 0,
# with what this kernel actually does: the things every other test relies
# on (hash/per-CPU/ring buffer maps, tracepoint and BEGIN probes) say yes,
# BTF matches /sys/kernel/btf/vmlinux, tracefs (found, never mounted) is a
# directory, and the fentry-only helper d_path is not claimed without
# fentry.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run --info
expect_exit 0
expect_stderr_empty
out=$FATHOM_STDOUT

[ "$(grep -E '^[A-Z]' "$out" | tr '\n' '|')" = "System|Build|Kernel helpers|Kernel features|Map types|Probe types|" ] \
    || fail "sections are not System, Build, Kernel helpers, Kernel features, Map types, Probe types"
# Sections are separated by one empty line; every entry is "  name: value".
grep -v -E '^([A-Z][A-Za-z ]+|  [^:]+: .+|)$' "$out" | grep -q . && fail "malformed lines"
[ "$(grep -c '^$' "$out")" -eq 5 ] || fail "expected 5 empty lines between 6 sections"

# value NAME: the value of the entry "  NAME: ..." within section SECTION.
value() {
    awk -v sec="$1" -v key="  $2: " '
        /^[A-Z]/ { cur = $0 }
        cur == sec && index($0, key) == 1 { print substr($0, length(key) + 1); exit }' "$out"
}
expect_value() {
    local got
    got=$(value "$1" "$2")
    [ "$got" = "$3" ] || fail "$1 / $2 is '$got', expected '$3'"
}

expect_value System OS "$(uname -s) $(uname -r) $(uname -v)"
expect_value System Arch "$(uname -m)"
expect_value Build version "v$("$FATHOM" -V | sed 's/^fathom //')"
for m in hash "percpu hash" array "percpu array" ringbuf; do
    expect_value "Map types" "$m" yes
done
expect_value "Probe types" BEGIN yes
expect_value "Probe types" END yes
expect_value "Probe types" tracepoint yes
expect_value "Kernel helpers" probe_read_kernel yes
expect_value "Kernel helpers" ringbuf_reserve yes
if [ -r /sys/kernel/btf/vmlinux ]; then
    expect_value "Kernel features" btf yes
else
    expect_value "Kernel features" btf no
fi
tracefs=$(value "Kernel features" tracefs)
case $tracefs in
    "not mounted "*) ;;   # --info reports, it does not mount
    *) [ -d "$tracefs/events" ] || fail "tracefs '$tracefs' has no events directory" ;;
esac
case $(value "Kernel features" "Instruction limit") in
    1000000|4096) ;;
    *) fail "Instruction limit is '$(value "Kernel features" "Instruction limit")'" ;;
esac
# Every helper, feature, map and probe type answers yes, no or unknown.
awk '/^[A-Z]/ { cur = $0 } cur ~ /^(Kernel helpers|Map types|Probe types)$/ && /^  / { print }' "$out" |
    grep -v -E ': (yes|no|unknown)$' | grep -q . && fail "a yes/no entry has another value"
# d_path needs fentry: no fentry, no d_path.
if [ "$(value "Kernel features" "fentry (BPF_PROG_TYPE_TRACING)")" = no ]; then
    expect_value "Kernel helpers" dpath no
fi
# skboutput: bpf_skb_output, probed in the tp_btf program skboutput()
# makes (rawtracepoint:net_dev_queue); those load wherever there is BTF.
if [ -r /sys/kernel/btf/vmlinux ]; then
    expect_value "Kernel helpers" skboutput yes
fi

# Probe types say what really runs here, not merely whether a program of
# their BPF type loads: each yes/no matches a real attempt.
probe_runs() {  # PROGRAM: 0 when fathom attaches it and exits cleanly
    local stop=" interval:ms:100 { exit(); }"
    case $1 in iter:*) stop= ;; esac   # an iterator runs alone and ends by itself
    timeout 30 "$FATHOM" -q -e "$1$stop" >/dev/null 2>&1
}
expect_runs_as_reported() {  # TYPE PROGRAM
    local want
    if probe_runs "$2"; then want=yes; else want=no; fi
    expect_value "Probe types" "$1" "$want"
}
expect_runs_as_reported rawtracepoint 'rawtracepoint:sched_switch { @n = count(); }'
expect_runs_as_reported iter 'iter:task { @n = count(); }'
expect_runs_as_reported kprobe 'kprobe:vfs_read { @n = count(); }'
expect_runs_as_reported kretprobe 'kretprobe:vfs_read { @n = count(); }'
expect_runs_as_reported hardware 'hardware:cpu-cycles:1000000 { @n = count(); }'
