#!/usr/bin/env bash
# signal(sig) sends a signal to the process the probe fired in,
# signal_thread(sig) to its thread; both need --unsafe.  The -c command is
# a shell that ends with a message when SIGUSR1 reaches it; the probe
# fires in it while it waits for its sleep.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bash

shell="bash -c 'trap \"echo got-usr1; exit 0\" USR1; while :; do /bin/sleep 0.1; done'"

for call in 'signal("SIGUSR1")' 'signal("USR1")' 'signal(10)' 'signal_thread("SIGUSR1")'; do
    fathom_run --unsafe -e "tracepoint:syscalls:sys_enter_wait4 /pid == cpid/ { $call; }" -c "$shell"
    expect_exit 0
    expect_stderr_eq "Attached 1 probe"
    expect_stdout_match '^got-usr1$'
done

fathom_run -e 'tracepoint:syscalls:sys_enter_wait4 { signal_thread("SIGUSR1"); }'
expect_exit 1
expect_stderr_match '^stdin:1:39-63: ERROR: signal_thread\(\) sends signals to processes and is only allowed with --unsafe$'
expect_stderr_match '^HINT: run fathom with --unsafe to allow it$'

fathom_run --unsafe -e 'BEGIN { signal_thread("SIGNOPE"); }'
expect_exit 1
expect_stderr_match "ERROR: unknown signal 'SIGNOPE'"

fathom_run --unsafe -e 'BEGIN { signal_thread(1); }'
expect_exit 1
expect_stderr_match 'ERROR: signal_thread\(\) has no process to signal in BEGIN'

# bpftrace's short-lived signal(sig, current_tid) form: point to signal_thread()
fathom_run --unsafe -e 'tracepoint:syscalls:sys_enter_wait4 { signal(15, current_tid); }'
expect_exit 1
expect_stderr_match '^stdin:1:39-62: ERROR: signal\(\) takes 1 argument, 2 given$'
expect_stderr_match '^HINT: signal\(sig\) signals the current process, signal_thread\(sig\) its thread$'
