#!/bin/sh
# Helpers of the guest scripts (sourced): each check prints
# "VMTEST PASS name" or "VMTEST FAIL name" on the console, and the run's
# output between "VMTEST DETAIL BEGIN/END" lines when it failed (or always,
# with VMTEST_VERBOSE=1 on the host).

workload() {
    # reads, opens and execs until stopped
    while :; do
        cat /etc/passwd >/dev/null
        dd if=/dev/zero of=/tmp/w bs=4k count=4 2>/dev/null
        cat /tmp/w >/dev/null
        ls / >/dev/null
        sleep 0.05
    done
}

detail() {
    echo "VMTEST DETAIL BEGIN"
    echo "\$ fathom $*"
    echo "--- exit $rc"
    head -n 40 /tmp/out
    echo "--- stderr"
    head -n 20 /tmp/err
    echo "VMTEST DETAIL END"
}

# check NAME EXPECTED_EXIT REGEX FATHOM-ARGS...: stdout+stderr must match
# REGEX (grep -E) and fathom must exit with EXPECTED_EXIT. The background
# workload runs unless NO_WORKLOAD=1 (for checks that bring their own
# with -c).
check() {
    name=$1 want=$2 re=$3
    shift 3
    wpid=
    if [ "${NO_WORKLOAD:-0}" != 1 ]; then
        workload &
        wpid=$!
    fi
    timeout 120 fathom "$@" >/tmp/out 2>/tmp/err
    rc=$?
    [ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
    if [ "$rc" = "$want" ] && cat /tmp/out /tmp/err | grep -q -E -- "$re"; then
        echo "VMTEST PASS $name"
        grep -q 'vmtest.show=1' /proc/cmdline && detail "$@"
    else
        echo "VMTEST FAIL $name"
        detail "$@"
    fi
}

