#!/usr/bin/env bash
# Output settings of bpftrace's config block and BPFTRACE_* environment:
#  - str_trunc_trailer replaces the ".." that marks a string cut at
#    max_strlen (all max_strlen bytes, no NUL) (printf and printed map values);
#  - print_maps_on_exit = 0 leaves the maps out, not the end-of-run mark;
#  - stack_mode sets how kstack/ustack without a mode print: raw (addresses
#    only, not indented), perf (tab, address, symbol), bpftrace (the default: symbols
#    indented eight spaces); a bad mode is a compile error with a hint.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'config = { max_strlen = 4; str_trunc_trailer = "~" } BEGIN { printf("%s|%s\n", str($1), str($2)); exit(); }' abcdef ab
expect_exit 0
expect_stdout_eq 'abcd~|ab'

BPFTRACE_STR_TRUNC_TRAILER='[cut]' fathom_run -e 'config = { max_strlen = 4 } BEGIN { printf("%s\n", str($1)); exit(); }' abcdef
expect_exit 0
expect_stdout_eq 'abcd[cut]'

# A kernel stack taken in a syscall tracepoint always has frames. The
# workload is a loop of getppid() until fathom has printed.
cp /usr/bin/perl "$T/fthstk" || fail "cannot copy perl"
stack_run() {
    rm -f "$T/stop"
    ( for _ in $(seq 200); do [ -e "$T/stop" ] && break; "$T/fthstk" -e 'getppid() for 1..100'; sleep 0.05; done ) &
    local wl=$!
    fathom_run "$@"
    touch "$T/stop"
    wait "$wl" 2>/dev/null
    expect_exit 0
}
prog='tracepoint:syscalls:sys_enter_getppid /comm == "fthstk"/ { @[kstack(2)] = count(); exit(); }'

stack_run -e "config = { stack_mode = raw } $prog"
expect_stdout_match '^[0-9a-f]{16}$'
expect_stdout_no_match '^ +[0-9a-f]{16}$'
expect_stdout_no_match '\+[0-9]+$'

BPFTRACE_STACK_MODE=perf stack_run -e "$prog"
expect_stdout_match $'^\t[0-9a-f]{16} [A-Za-z_][A-Za-z0-9_.]*\\+[0-9]+$'

stack_run -e "$prog"
expect_stdout_match '^        [A-Za-z_][A-Za-z0-9_.]*\+[0-9]+$'

fathom_run -e 'config = { stack_mode = fancy } BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^stdin:1:12-30: ERROR: invalid stack_mode 'fancy'$"
expect_stderr_match '^HINT: use bpftrace, perf, raw or build_id$'

# print_maps_on_exit = 0: no maps, but the end-of-run mark (two newlines
# in text) still ends the output, as bpftrace's out.end() does
fathom_run -e 'config = { print_maps_on_exit = 0 } BEGIN { @a = 1; printf("x\n"); exit(); }'
expect_exit 0
printf 'x\n\n\n' >"$T/want"
expect_stdout_eq "$T/want"
