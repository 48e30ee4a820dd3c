#!/bin/sh
# Runs inside the test VM (tests/vm/run.sh): the host's end-to-end tests
# (tests/e2e/*.sh, copied to /repo) on the guest's kernel, a second kernel
# version for everything they test.  They run with the host's bash and GNU
# tools, copied into /bin with their libraries by run.sh, as
# tests/run-tests.sh runs them: from the repository root, one bash each,
# FATHOM set, a timeout, a fresh TMPDIR.
#
# The whole suite is too slow under TCG (each fathom run parses the
# kernel's BTF on an emulated CPU: several seconds per test, ten minutes
# and more for all of them), so the guest runs the subset in $SUBSET: the
# tests of the kernel interface (tracepoints and their wildcards, profile,
# interval, software events, iterators, maps read at exit, the ring buffer
# and its lost-event count, Ctrl-C, -c/-p, listing probes) and the seed's
# one-liners and tools on tracepoints, and watchpoints (the host may not
# deliver hardware breakpoints; qemu's CPU does).  Every test left out is printed as
# "VMTEST NOTRUN name: reason" (on the host's output too), never dropped
# silently:
#   * a test not in $SUBSET: it tests the front end, the CLI or output
#     formatting, which do not depend on the kernel version, or it is
#     written for the host's kernel (no kprobes there; 6.5+ block
#     tracepoints);
#   * a subset test whose require_cmd names a command the guest lacks (gcc,
#     cc, python3: compilers and interpreters are not copied in, so the
#     uprobe and usdt tests cannot build their targets);
#   * the tests listed in $NOT_IN_GUEST below, with their reasons (most:
#     a fixed time window that the emulated CPU cannot fill).
#
# VMTEST_E2E (kernel command line vmtest.e2e=a,b) limits the run to those
# tests, for debugging (NOT_IN_GUEST and missing commands still apply);
# VMTEST_E2E=all runs every test but those.  seed_exec, seed_file_opens,
# special_probes, tool_execsnoop and tool_opensnoop pass in the guest too
# (opensnoop failed once with the ASan build on a loaded host: timing) and
# maps_at_exit_formats and list_probes as well; they are left out of the
# default subset for time, so that
# make vmtest stays well under 10 minutes on a loaded 2-CPU host.

E2E=/repo/tests/e2e
E2E_TIMEOUT=90

SUBSET="interval_and_exit kprobe_compiler_clones tracepoint_wildcard output_lost_events software_event probe_iter
        pid_and_cmd seed_profile_top seed_sched_switch seed_syscall_latency seed_syscalls_by_process
        tool_runqlat uprobe_attach usdt_probe probe_watchpoint"

# name|reason
NOT_IN_GUEST="tracefs_mount|unmounts and remounts tracefs, which the other tests in the same boot need
ctrl_c|its workload must run 5 execs within a 1.5 s window, too short under TCG (3 of 5 made it)
json_tracepoint|its workload must open a file 10 times within interval:s:2, too short under TCG (3 of 10)
seed_write_args|its workload must run 3 execs within interval:s:1, too short under TCG (1 of 3)
"

not_in_guest_reason() {
    printf '%s' "$NOT_IN_GUEST" | awk -F'|' -v n="$1" '$1 == n { print $2; exit }'
}

# The commands a test asks for with require_cmd that the guest lacks.
missing_commands() {
    for c in $(sed -n 's/^[[:space:]]*require_cmd \(.*\)$/\1/p' "$1" | tr -d '"'); do
        command -v "$c" >/dev/null 2>&1 || printf '%s ' "$c"
    done
}

only=$(sed -n 's/.*vmtest.e2e=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
for script in "$E2E"/*.sh; do
    name=$(basename "$script" .sh)
    [ "$name" = lib ] && continue
    if [ -n "$only" ] && [ "$only" != all ] && ! echo " $only " | grep -q " $name "; then
        continue
    fi
    reason=$(not_in_guest_reason "$name")
    if [ -n "$reason" ]; then
        echo "VMTEST NOTRUN e2e_$name: $reason"
        continue
    fi
    if [ -z "$only" ] && ! echo " $SUBSET " | tr '\n' ' ' | grep -q " $name "; then
        echo "VMTEST NOTRUN e2e_$name: not in the guest subset (see tests/vm/guest-e2e.sh)"
        continue
    fi
    missing=$(missing_commands "$script")
    if [ -n "$missing" ]; then
        echo "VMTEST NOTRUN e2e_$name: needs ${missing% }, not in the guest"
        continue
    fi
    rm -rf /tmp/e2e-tmp
    mkdir -p /tmp/e2e-tmp
    t0=$(date +%s)
    (cd /repo && FATHOM=/bin/fathom FATHOM_TARGETS=/targets TMPDIR=/tmp/e2e-tmp \
        timeout -k 5 "$E2E_TIMEOUT" bash "$script") >/tmp/e2e.out 2>&1 </dev/null
    rc=$?
    took=$(( $(date +%s) - t0 ))
    if [ "$rc" = 0 ]; then
        echo "VMTEST PASS e2e_$name (${took} s)"
    else
        echo "VMTEST FAIL e2e_$name (exit $rc, ${took} s)"
        echo "VMTEST DETAIL BEGIN"
        echo "--- e2e_$name"
        tail -n 40 /tmp/e2e.out
        echo "VMTEST DETAIL END"
    fi
done
