#!/usr/bin/env bash
# -k: failed probe reads and map updates are reported at their script
# location, as text warnings on stderr or helper_error JSON lines; a full
# map is reported once per run with bpftrace's words.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

prog='BEGIN { $s = str(uptr(1)); printf("x %s\n", $s); exit(); }'

fathom_run -k -e "$prog"
expect_exit 0
expect_stdout_eq "x "
expect_stderr_match '^stdin:1:14-26: WARNING: Failed to probe_read_user_str: Bad address \(-14\)$'
expect_stderr_match '^             ~~~~~~~~~~~~$'

# Without -k the read fails silently, as in bpftrace.
fathom_run -e "$prog"
expect_exit 0
expect_stderr_no_match 'Failed to'

fathom_run -k -f json -e "$prog"
expect_exit 0
expect_stdout_match '^\{"type": "helper_error", "msg": "Bad address", "helper": "probe_read_user_str", "retcode": -14, "filename": "stdin", "line": 1, "col": 14\}$'

# An integer read through a bad kernel pointer (the kernel refuses the
# first page with -ERANGE).
fathom_run -k -e 'BEGIN { $v = *(int64 *)8; printf("v %d\n", $v); exit(); }'
expect_exit 0
expect_stdout_eq "v 0"
expect_stderr_match '^stdin:1:14-25: WARNING: Failed to probe_read_kernel: Numerical result out of range \(-34\)$'

# A full map: said once, however many keys were dropped.
fathom_run -k -e 'let @m = hash(2); BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; @m[4] = 4; @m[5] = 5; exit(); }'
expect_exit 0
expect_stderr_match "^WARNING: Map full; can't update element. Try increasing max_map_keys config or manually setting the max entries in a map declaration e.g. \`let @a = hash\(5000\)\`$"
[ "$(grep -c 'Map full' "$FATHOM_STDERR")" = 1 ] || fail "the full map must be reported once"
expect_stderr_no_match 'map_update_elem'

# The same in a tracepoint probe, where the warning's record shares the
# program with map updates and another record.
fathom_run -k -c "/bin/cat /dev/null" -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { @[comm] = count(); printf("p %s\n", str(uptr(1))); exit(); }'
expect_exit 0
expect_stdout_match '^p $'
expect_stderr_match '^stdin:1:90-102: WARNING: Failed to probe_read_user_str: Bad address \(-14\)$'
