#!/usr/bin/env bash
# debugf(fmt, ...) writes through bpf_trace_printk into the tracefs trace
# buffer (what trace_pipe streams), with bpftrace's compile-time warning;
# at most 3 arguments and only %d %u %x %p (integers) and %s (strings).
# The trace buffer is read without consuming it (the "trace" file), looking
# for a marker unique to this run.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

marker="fathom-debugf-$$"
fathom_run -e 'BEGIN { $s = "hello"; debugf("'"$marker"' %d %s %x\n", 42, $s, 255); debugf("'"$marker"' comm=%s\n", comm); exit(); }'
expect_exit 0
expect_stderr_match '^stdin:1:23-[0-9]+: WARNING: The debugf\(\) builtin is not recommended for production use\. For more information see bpf_trace_printk in bpf-helpers\(7\)\.$'
trace=/sys/kernel/tracing/trace
[ -r "$trace" ] || fail "no $trace to read debugf() output from"
grep -q "bpf_trace_printk: $marker 42 hello ff\$" "$trace" || fail "debugf() line missing from $trace: $(grep "$marker" "$trace")"
grep -q "bpf_trace_printk: $marker comm=fathom\$" "$trace" || fail "debugf(comm) line missing from $trace: $(grep "$marker" "$trace")"

fathom_run -e 'BEGIN { debugf("%d %d %d %d", 1, 2, 3, 4); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-42: ERROR: cannot use more than 3 conversion specifiers$'

fathom_run -e 'BEGIN { debugf("%c", 65); }'
expect_exit 1
expect_stderr_match '^stdin:1:16-20: ERROR: Invalid format specifier for `debugf`: c$'

fathom_run -e 'BEGIN { debugf("%s", 3); }'
expect_exit 1
expect_stderr_match '^stdin:1:22: ERROR: Type does not match format specifier: s$'
