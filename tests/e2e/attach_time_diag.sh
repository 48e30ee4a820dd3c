#!/usr/bin/env bash
# Errors and warnings bpftrace raises while resolving attach points against
# the system (after compiling) it prints bare, "ERROR: text": fathom's first
# line is that line word for word, and the place follows on its own line
# ("stdin:L:C-C: at this attach point"), with the source line, the caret
# range and the hint. Compile-time errors keep "stdin:L:C-C: ERROR: text".
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
build_target uprobe_target target
cd "$T" || fail "cannot cd to $T"

# first_lines N: the first N lines of stderr
first_lines() { head -n "$1" "$FATHOM_STDERR"; }

# An address no function holds.
fathom_run -e 'uprobe:./target:10 { exit(); }'
expect_exit 1
expect_stdout_empty
expect_stderr_eq "ERROR: Could not resolve address: ./target:0xa
stdin:1:1-19: at this attach point
uprobe:./target:10 { exit(); }
~~~~~~~~~~~~~~~~~~
HINT: give an address inside a function of the binary, or --unsafe"

# A symbol of size 0 (gcc's _init): bpftrace's two lines, then the place.
readelf -sW ./target | awk '$4 == "FUNC" && $3 == 0 && $8 == "_init"' | grep -q . \
    || fail "the test program has no size-0 _init"
fathom_run -e 'uprobe:./target:_init { exit(); }'
expect_exit 1
[ "$(first_lines 3)" = "ERROR: Could not determine boundary for _init (symbol has size 0).
Use --unsafe to force attachment. WARNING: This option could lead to data corruption in the target process.
stdin:1:1-22: at this attach point" ] || fail "zero-size symbol: $(cat "$FATHOM_STDERR")"
expect_stderr_match '^HINT: the symbol table gives it no size'

# A missing symbol next to one that exists: the caret is under the second.
fathom_run -e 'uprobe:./target:main,uprobe:./target:fth_nothing_here { exit(); }'
expect_exit 1
[ "$(first_lines 4)" = "ERROR: Could not resolve symbol: ./target:fth_nothing_here
stdin:1:22-54: at this attach point
uprobe:./target:main,uprobe:./target:fth_nothing_here { exit(); }
                     ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~" ] || fail "missing symbol: $(cat "$FATHOM_STDERR")"
expect_stderr_no_match '^stdin:[0-9:-]+ ERROR'

# The same with missing_probes = "warn": a bare WARNING, the place, then
# bpftrace's "Skipping." line; the other probe runs.
fathom_run -e 'config = { missing_probes = "warn" } uprobe:./target:fth_nothing_here,BEGIN { printf("ran\n"); exit(); }'
expect_exit 0
expect_stdout_eq 'ran'
expect_stderr_eq 'WARNING: Could not resolve symbol: ./target:fth_nothing_here
stdin:1:38-70: at this attach point
config = { missing_probes = "warn" } uprobe:./target:fth_nothing_here,BEGIN { printf("ran\n"); exit(); }
                                     ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
WARNING: Unable to attach probe: uprobe:./target:fth_nothing_here. Skipping.
Attached 1 probe'

# A missing tracepoint: the reason stays a located warning (bpftrace
# locates it too); the error that ends the run is bare.
fathom_run -e 't:syscalls:nonsense { exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:1-20: WARNING: tracepoint not found: syscalls:nonsense$'
grep -A1 '^ERROR: ' "$FATHOM_STDERR" >"$T/err"
[ "$(cat "$T/err")" = "ERROR: Unable to attach probe: tracepoint:syscalls:nonsense. If this is expected, set the 'missing_probes' config variable to 'warn'.
stdin:1:1-20: at this attach point" ] || fail "missing tracepoint: $(cat "$FATHOM_STDERR")"

# -f json: diagnostics stay text on stderr, stdout gets no half record.
fathom_run -f json -e 't:syscalls:nonsense { exit(); }'
expect_exit 1
expect_stdout_empty
expect_stderr_match "^ERROR: Unable to attach probe: tracepoint:syscalls:nonsense\. If this"

# A raw tracepoint of a module that is not loaded (needs kernel BTF).
if [ -r /sys/kernel/btf/vmlinux ]; then
    fathom_run -e 'rawtracepoint:fth_no_module:sys_exit { exit(); }'
    expect_exit 1
    expect_stderr_eq "ERROR: No BTF found for fth_no_module:sys_exit.
stdin:1:1-37: at this attach point
rawtracepoint:fth_no_module:sys_exit { exit(); }
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: is kernel module 'fth_no_module' loaded? 'fathom -l \"rawtracepoint:*\"' lists the raw tracepoints"
fi

# A compile-time error keeps its location in front.
fathom_run -e 'BEGIN { @x = cuont(); }'
expect_exit 1
expect_stderr_match "^stdin:1:14-21: ERROR: unknown function 'cuont'$"
