#!/usr/bin/env bash
# kprobe/kretprobe/fentry/fexit on a kernel that cannot run them: one clear
# error at the attach point, a HINT naming the tracepoint that sees the same
# event, exit 1, and nothing left loaded.  FATHOM_TEST_NO_KPROBES and
# FATHOM_TEST_NO_FENTRY make any kernel look like one without kprobes and
# with fentry refused, so this runs the same everywhere; the real
# detection on this machine is checked at the end.  The working paths and the
# fallbacks (kprobe run as fentry and the reverse) are tested on a kernel that
# has both, in tests/vm (make vmtest).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

no_fentry_test_prog_left() {
    if command -v bpftool >/dev/null 2>&1 && bpftool prog show 2>/dev/null | grep -q 'name fth_fentry_test'; then
        fail "the fentry test program was left loaded"
    fi
}

export FATHOM_TEST_NO_KPROBES=1 FATHOM_TEST_NO_FENTRY=1

fathom_run -e 'kprobe:do_sys_openat2 { printf("%s\n", comm); }'
expect_exit 1
expect_stdout_empty
expect_stderr_match '^stdin:1:1-22: ERROR: kprobes are not available on this kernel \(CONFIG_KPROBES is off\)'
expect_stderr_match '^HINT: tracepoint:syscalls:sys_enter_openat sees the same event$'
expect_stderr_no_match '^Attached'
[ "$(grep -c 'ERROR' "$FATHOM_STDERR")" = 1 ] || fail "expected exactly one error"

# The alias, the return probe and its exit-side tracepoint.
fathom_run -e 'kr:vfs_read { @ = hist(retval); }'
expect_exit 1
expect_stderr_match 'ERROR: kprobes are not available on this kernel'
expect_stderr_match '^HINT: tracepoint:syscalls:sys_exit_read sees the same event$'

# A function with no tracepoint twin: a general hint.
fathom_run -e 'kprobe:vfs_* { @[probe] = count(); }'
expect_exit 1
expect_stderr_match 'ERROR: kprobes are not available on this kernel'
expect_stderr_match "^HINT: tracepoints and rawtracepoints still work"

fathom_run -e 'fentry:vfs_read { @[args.count] = count(); }'
expect_exit 1
expect_stderr_match '^stdin:1:1-16: ERROR: fentry probes cannot be used on this kernel: .*and it has no kprobes to stand in$'
expect_stderr_match '^HINT: tracepoint:syscalls:sys_enter_read sees the same event$'

for alias in fexit fr kretfunc; do
    fathom_run -e "$alias:vfs_write { @ = count(); }"
    expect_exit 1
    expect_stderr_match "ERROR: fexit probes cannot be used on this kernel"
    expect_stderr_match '^HINT: tracepoint:syscalls:sys_exit_write sees the same event$'
done

# Two kernel probes in one script: one error each, at its own attach point.
fathom_run -e 'kprobe:vfs_read, kfunc:vfs_write { @ = count(); }'
expect_exit 1
[ "$(grep -c 'ERROR' "$FATHOM_STDERR")" = 2 ] || fail "expected one error per attach point"

# Offsets are refused before availability matters to them.
fathom_run -e 'fentry:vfs_read+4 { }'
expect_exit 1
expect_stderr_match 'ERROR: fentry probes do not take an offset'
fathom_run -e 'kretprobe:vfs_read+4 { }'
expect_exit 1
expect_stderr_match 'ERROR: kretprobe probes do not take an offset'
unset FATHOM_TEST_NO_KPROBES FATHOM_TEST_NO_FENTRY
no_fentry_test_prog_left

# -d loads nothing: it shows the code a kernel with kprobes and fentry
# would run, so scripts can be checked on any machine.
fathom_run -d bpf -e 'kretprobe:vfs_read { @[comm] = hist(retval); }'
expect_exit 0
expect_stdout_match '^kretprobe:vfs_read \(fth_0_kretprob\), [0-9]+ instructions:$'
expect_stdout_match 'call ringbuf_reserve|call map_lookup_elem'
fathom_run -d bpf -e 'fentry:vfs_read { @[args.count] = count(); }'
expect_exit 0
expect_stdout_match '^fentry:vfs_read \(fth_0_fentry\), [0-9]+ instructions:$'
fathom_run -d bpf -e 'kprobe:vfs_rea* { @[func] = count(); }'
expect_exit 0
expect_stdout_match '^kprobe:vfs_read '
# override(rc): error injection from kprobes, with --unsafe
fathom_run -d bpf --unsafe -e 'kprobe:__x64_sys_getpid { override(-1); }'
expect_exit 0
expect_stdout_match '^ +[0-9]+: call override_return$'
fathom_run -d bpf -e 'kprobe:__x64_sys_getpid { override(-1); }'
expect_exit 1
expect_stderr_match '^stdin:1:27-39: ERROR: override\(\) changes what a kernel function returns and is only allowed with --unsafe$'
fathom_run -d bpf --unsafe -e 'tracepoint:syscalls:sys_enter_getpid { override(-1); }'
expect_exit 1
expect_stderr_match 'ERROR: override\(\) can only be used in kprobe probes, not tracepoint$'
fathom_run -d bpf -e 'kprobe:no_such_function_here { }'
expect_exit 1
expect_stderr_match 'no_such_function_here'

# This machine as it is.
if [ ! -e /sys/bus/event_source/devices/kprobe/type ]; then
    fathom_run -e 'kprobe:vfs_read { @ = count(); } interval:ms:100 { exit(); }'
    if grep -q 'ERROR' "$FATHOM_STDERR"; then
        expect_exit 1
        expect_stderr_match 'ERROR: kprobes are not available on this kernel \(CONFIG_KPROBES is off\), and fentry cannot stand in'
        # config missing_probes = warn: the kprobe is skipped with a
        # warning and the rest of the script runs, as for any probe this
        # kernel cannot attach.
        fathom_run -e 'config = { missing_probes=warn } kprobe:vfs_read { @ = count(); } BEGIN { printf("ran\n"); exit(); }'
        expect_exit 0
        expect_stdout_match '^ran$'
        expect_stderr_match '^stdin:1:34-49: WARNING: kprobes are not available on this kernel: '
        expect_stderr_match '^WARNING: Unable to attach probe: kprobe:vfs_read. Skipping.$'
        expect_stderr_no_match 'ERROR'
        # missing_probes = ignore: skipped without a word.
        fathom_run -e 'config = { missing_probes=ignore } kretprobe:vfs_read { @ = count(); } BEGIN { printf("ran\n"); exit(); }'
        expect_exit 0
        expect_stdout_match '^ran$'
        expect_stderr_no_match 'WARNING|ERROR'
        # Nothing left to attach: the run still fails.
        fathom_run -e 'config = { missing_probes=warn } kprobe:vfs_read { @ = count(); }'
        expect_exit 1
        expect_stderr_match '^ERROR: Attachment failed for all probes.$'
    else
        # fentry works here: the kprobe ran on it.
        expect_exit 0
        expect_stdout_match '^@: [0-9]+'
    fi
else
    fathom_run -e 'kprobe:vfs_read { @ = count(); } interval:ms:100 { exit(); }'
    expect_exit 0
    expect_stdout_match '^@: [0-9]+'
fi
no_fentry_test_prog_left
[ -z "$(cat /sys/kernel/tracing/kprobe_events 2>/dev/null)" ] || fail "kprobe_events is not empty"
exit 0
