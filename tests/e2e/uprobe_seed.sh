#!/usr/bin/env bash
# The seed's uprobe one-liners, verbatim: libc malloc with its argument,
# the uretprobe of malloc with %p of retval, a custom app's
# process_request entry and return, and a ustack profile of one process
# (printed after the process has exited). The app is progs/myapp.c, run
# as ./myapp once fathom has attached; each run is ended with Ctrl-C.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -fno-omit-frame-pointer -o "$T/myapp" "$E2E_DIR/progs/myapp.c" || fail "cannot compile myapp.c"
cd "$T" || fail "cd $T"


# seed SECS SPIN SCRIPT: fathom runs SCRIPT; once attached, ./myapp runs
# (spinning SPIN seconds); Ctrl-C after SECS.
seed() {
    local helper
    rm -f go
    : >"$FATHOM_STDERR"
    ( wait_attached && touch go && ./myapp go "$2" >myapp.out ) &
    helper=$!
    fathom_run_interrupted "$1" -e "$3"
    wait "$helper" || fail "myapp did not run (fathom never attached?)"
}

seed 3 0 'uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc {
    printf("%s malloc(%d)\n", comm, arg0);
}'
expect_exit 0
# Every process's mallocs are printed: on a busy machine some are lost.
expect_stderr_match '^Attached 1 probe$'
expect_stdout_match '^myapp malloc\(4242\)$'
expect_stdout_match '^myapp malloc\(4243\)$'

seed 3 0 'uretprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc {
    printf("malloc returned: %p\n", retval);
}'
expect_exit 0
expect_stdout_match '^malloc returned: 0x[0-9a-f]{6,}$'

seed 3 0 'uprobe:./myapp:process_request {
    printf("Request processing started\n");
}
uretprobe:./myapp:process_request {
    printf("Request took: %d ns\n", retval);
}'
expect_exit 0
expect_stderr_eq "Attached 2 probes"
# process_request returns strlen of its request: "GET /" and "POST /form".
expect_stdout_eq "Request processing started
Request took: 5 ns
Request processing started
Request took: 10 ns"

seed 4 1 'profile:hz:99 /comm == "myapp"/ {
    @[ustack] = count();
}'
expect_exit 0
expect_stdout_match '^        spin_for_profile\+[0-9]+$'
expect_stdout_match '^        main\+[0-9]+$'
