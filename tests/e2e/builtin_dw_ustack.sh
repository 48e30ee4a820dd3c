#!/usr/bin/env bash
# dw_ustack([mode,] [limit]) (current bpftrace, unstable): the user stack
# unwound from DWARF .eh_frame rules, so that a program built without
# frame pointers unwinds through every caller, where ustack (the kernel's
# frame-pointer walk) stops early. Printed as ustack is in each mode; as a
# map key the same stack taken again is the same key; callers with a
# uretprobe pending still unwind. The unstable-feature
# config (unstable_dw_ustack: warn by default, enable, error), the
# `config` record, --dwarf-pid, and the errors where it cannot be used.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd gcc
gcc -O2 -fomit-frame-pointer -Wall -o "$T/dwtarget" "$E2E_DIR/progs/dw_ustack_target.c" \
    || fail "cannot compile dw_ustack_target.c"
target=$T/dwtarget
warning='WARNING: Script is using an unstable feature: dw_ustack. To prevent this warning you must explicitly enable it in the config e.g. unstable_dw_ustack=enable'

# The function names of the frames between two marker lines of stdout.
frames_between() {
    awk -v from="$1" -v to="$2" '$0 == from { on = 1; next } $0 == to { on = 0 } on && NF { sub(/\+[0-9]+$/, "", $1); print $1 }' "$FATHOM_STDOUT"
}

# --- the leaf of main -> dw_level1 -> dw_level2 -> dw_level3 -> dw_leaf
fathom_run -e "uprobe:$target:dw_leaf { printf(\"U%s\nEND\nD%s\nEND\n\", ustack, dw_ustack); }" -c "$target 1"
expect_exit 0
expect_stderr_match "^$warning\$"
dw=$(frames_between D END | head -5 | tr '\n' ' ')
[ "$dw" = "dw_leaf dw_level3 dw_level2 dw_level1 main " ] || fail "dw_ustack frames: '$dw'"
# the frame-pointer walk cannot get past the leaf's callers
fp=$(frames_between U END | tr '\n' ' ')
case "$fp" in
dw_leaf*) ;;
*) fail "ustack should start at dw_leaf: '$fp'" ;;
esac
case "$fp" in
*main*) fail "ustack unwound through a program without frame pointers: '$fp'" ;;
esac
[ "$(frames_between U END | wc -l)" -lt "$(frames_between D END | wc -l)" ] || fail "ustack has as many frames as dw_ustack"
# callers are their call's last byte, as bpftrace's dw_ustack gives them
expect_stdout_match '^        dw_leaf\+0$'
expect_stdout_match '^        dw_level3\+[0-9]+$'

# --- map keys: the same stack four times is one key; modes and limits
fathom_run -e "config = { unstable_dw_ustack=enable }
uprobe:$target:dw_leaf { @[dw_ustack] = count(); @p[dw_ustack(perf, 2)] = sum(2); @r[dw_ustack(raw), comm] = max(arg0); }" -c "$target 4"
expect_exit 0
expect_stderr_no_match 'unstable feature'
[ "$(grep -c '^@\[$' "$FATHOM_STDOUT")" = 1 ] || fail "@[dw_ustack] should have one key"
expect_stdout_match '^\]: 4$'
expect_stdout_match '^	[0-9a-f]+ dw_leaf\+0 \(.*dwtarget\)$'
expect_stdout_match '^	[0-9a-f]+ dw_level3\+[0-9]+ \(.*dwtarget\)$'
expect_stdout_no_match '^	[0-9a-f]+ dw_level2'
expect_stdout_match '^\]: 8$'
expect_stdout_match '^, dwtarget\]: 9$'
[ "$(grep -c '^[0-9a-f]\+$' "$FATHOM_STDOUT")" -ge 5 ] || fail "raw mode: expected bare addresses"

# --- many captures of one stack in a map with room for few keys: each
# capture's key is folded into its stack's first one in the kernel map,
# so the map does not fill (every event counts, none is refused)
fathom_run -e "config = { unstable_dw_ustack=enable; max_map_keys=32 }
uprobe:$target:dw_leaf { @[dw_ustack(3)] = count(); @n = count(); @h[dw_ustack(2), 1] = hist(5);
  @mn[dw_ustack(2)] = min(arg0); @st[dw_ustack(2)] = stats(2); }
interval:s:2 { exit(); }" -c "$target 0"
expect_exit 0
expect_stderr_no_match 'Map full'
events=$(sed -n 's/^@n: //p' "$FATHOM_STDOUT")
[ "${events:-0}" -gt 64 ] || fail "too few events to fill the map: '$events'"
expect_stdout_match "^\]: $events\$"
expect_stdout_match "^\[4, 8\) +$events \|"
# the first run of the chain is dw_leaf(6): a min folded CPU by CPU keeps it
expect_stdout_match '^\]: 6$'
expect_stdout_match "^\]: \{ \.count = $events, \.average = 2, \.total = $((events * 2)) \}$"

# --- exit() at the first event, while the chain runs 3,000 times (fewer
# than the map's 4,096 keys): the events between exit() and the detach
# still count under the stack (their keys are in the map, and the maps
# print at exit), not under empty ones
fathom_run -e "config = { unstable_dw_ustack=enable }
uprobe:$target:dw_leaf { @[dw_ustack(2)] = count(); if (@n++ == 0) { exit(); } }" -c "$target 3000"
expect_exit 0
events=$(sed -n 's/^@n: //p' "$FATHOM_STDOUT")
expect_stdout_match "^\]: $events\$"
[ "$(grep -c '^@\[$' "$FATHOM_STDOUT")" = 1 ] || fail "the events after exit() made keys of their own"

# --- a long run of one stack (12,000 captures, more than the table keeps
# of repeated captures once their keys are folded): every capture still
# counts under the one stack, none under a stack of its own or none. (At
# a pace the unwinding keeps up with even under ASan: each capture is a
# key of its own until it is folded, and the map has room for 4,096.)
fathom_run -e "config = { unstable_dw_ustack=enable }
uprobe:$target:dw_leaf { @[dw_ustack(3)] = count(); @n = count(); }" -c "$target 12000 100"
expect_stderr_no_match 'Map full'

expect_exit 0
events=$(sed -n 's/^@n: //p' "$FATHOM_STDOUT")
[ "${events:-0}" = 12000 ] || fail "expected 12000 events, got '$events'"
# captures the ring buffer had no room for are counted, under an empty stack
lost=$(sed -n 's/^WARNING: Total lost event count: //p' "$FATHOM_STDERR")
[ "$(grep -c '^@\[$' "$FATHOM_STDOUT")" -le $((${lost:-0} > 0 ? 2 : 1)) ] || fail "one stack was split across keys"
expect_stdout_match "^\]: $((12000 - ${lost:-0}))\$"
[ "$(frames_between '@[' "]: $((12000 - ${lost:-0}))" | tr '\n' ' ')" = "dw_leaf dw_level3 dw_level2 " ] ||
    fail "the stack of the 12000 captures"

# --- print() and a variable, with a limit
fathom_run -e "config = { unstable_dw_ustack=enable }
uprobe:$target:dw_leaf { \$s = dw_ustack(3); print(\$s); }" -c "$target 1"
expect_exit 0
[ "$(frames_between '' '' | head -3 | tr '\n' ' ')" = "dw_leaf dw_level3 dw_level2 " ] || fail "print(dw_ustack(3))"
expect_stdout_no_match 'dw_level1'

# --- uretprobes pending on the callers: their return addresses on the
# stack are the kernel's trampoline, put back from the kernel's records
fathom_run -e "config = { unstable_dw_ustack=enable }
uretprobe:$target:dw_level2 { printf(\"R2\n\"); } uretprobe:$target:dw_level1 { printf(\"R1\n\"); }
uprobe:$target:dw_leaf { printf(\"D%s\nEND\n\", dw_ustack); }" -c "$target 1"
expect_exit 0
dw=$(frames_between D END | head -5 | tr '\n' ' ')
[ "$dw" = "dw_leaf dw_level3 dw_level2 dw_level1 main " ] || fail "dw_ustack through uretprobes: '$dw'"
expect_stdout_match '^R1$'

# --- a syscall tracepoint: the registers saved on entry to the kernel
fathom_run -e "config = { unstable_dw_ustack=enable }
tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { printf(\"%s\n\", dw_ustack); }" -c "$target 1"
expect_exit 0
expect_stdout_match '^        main\+[0-9]+$'

# --- a process that exec'd: its libraries are now above every module it
# had (no randomization after the exec), which must be read again
fathom_run -e "config = { unstable_dw_ustack=enable }
tracepoint:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { printf(\"D%s\nEND\n\", dw_ustack); }" -c "$target exec"
expect_exit 0
[ "$(grep -c '^END$' "$FATHOM_STDOUT")" = 2 ] || fail "exec: expected a stack before and after the exec"
dw=$(awk '/^D/ { n++ } n == 2' "$FATHOM_STDOUT" | grep -c '^        main+[0-9]*$')
[ "$dw" = 1 ] || fail "exec: the stack after the exec does not unwind to main: $(cat "$FATHOM_STDOUT")"

# --- --dwarf-pid: a process named ahead, traced as it runs
"$target" 0 &
running=$!
at_exit kill "$running"
fathom_run --dwarf-pid "$running" -e "config = { unstable_dw_ustack=enable }
uprobe:$target:dw_leaf /pid == $running/ { printf(\"%s\n\", dw_ustack); exit(); }"
expect_exit 0
expect_stdout_match '^        dw_level1\+[0-9]+$'
fathom_run --dwarf-pid abc -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "pid 'abc' is not a valid decimal number"

# --- the config: error refuses it, the environment enables it, the record
fathom_run -e "config = { unstable_dw_ustack=error } uprobe:$target:dw_leaf { @[dw_ustack] = count(); }"
expect_exit 1
expect_stderr_match '^stdin:1:[0-9]+-[0-9]+: ERROR: dw_ustack feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_dw_ustack=enable$'
BPFTRACE_UNSTABLE_DW_USTACK=enable fathom_run -e 'BEGIN { print(config.unstable_dw_ustack); $s = dw_ustack; exit(); }'
expect_exit 0
expect_stdout_eq 'enable'
expect_stderr_no_match 'unstable feature'
fathom_run -e 'BEGIN { printf("%s %s %s %s\n", config.unstable_dw_ustack, config.unstable_tseries, config.unstable_typeinfo, config.unstable_import_statement); exit(); }'
expect_stdout_eq 'warn warn error error'
fathom_run -e 'config = { unstable_dw_ustack=sometimes } BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "invalid unstable_dw_ustack value 'sometimes'"

# --- where it cannot be used
fathom_run -e 'config = { unstable_dw_ustack=enable } test:t { $s = dw_ustack; }'
expect_exit 1
expect_stderr_match '^stdin:1:[0-9]+-[0-9]+: ERROR: dw_ustack is not available in test probes: they run in no traced thread whose user stack could be unwound$'
fathom_run -e "config = { unstable_dw_ustack=enable } uprobe:$target:dw_leaf { @[dw_ustack(build_id)] = count(); }"
expect_exit 1
expect_stderr_match "ERROR: dw_ustack has no 'build_id' mode"
fathom_run -e "config = { unstable_dw_ustack=enable } uprobe:$target:dw_leaf { @ = len(dw_ustack); }"
expect_exit 1
expect_stderr_match 'ERROR: len\(\) cannot count the frames of dw_ustack'
fathom_run -e "config = { unstable_dw_ustack=enable } uprobe:$target:dw_leaf { @[ustack] = 1; @[dw_ustack] = 2; }"
expect_exit 1
