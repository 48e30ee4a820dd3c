#!/usr/bin/env bash
# -k: failed probe reads, map updates, deletes of missing keys and reads
# of missing keys are reported at their script
# location, as text warnings on stderr or helper_error JSON lines; a full
# map is reported once per run with bpftrace's words.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

prog='BEGIN { $s = str(uptr(1)); printf("x %s\n", $s); exit(); }'

fathom_run -k -e "$prog"
expect_exit 0
expect_stdout_eq "x "
expect_stderr_match '^stdin:1:14-26: WARNING: Bad address$'
expect_stderr_match '^Additional Info - helper: probe_read_user_str, retcode: -14$'
expect_stderr_match '^             ~~~~~~~~~~~~$'

# Without -k the read fails silently, as in bpftrace.
fathom_run -e "$prog"
expect_exit 0
expect_stderr_no_match 'WARNING'

fathom_run -k -f json -e "$prog"
expect_exit 0
expect_stdout_match '^\{"type": "helper_error", "msg": "Bad address", "helper": "probe_read_user_str", "retcode": -14, "filename": "stdin", "line": 1, "col": 14\}$'

# An integer read through a bad pointer cast in BEGIN, which has no
# address space: bpftrace's legacy probe_read treats an address below
# TASK_SIZE as user memory (-EFAULT).
fathom_run -k -e 'BEGIN { $v = *(int64 *)8; printf("v %d\n", $v); exit(); }'
expect_exit 0
expect_stdout_eq "v 0"
expect_stderr_match '^stdin:1:14-25: WARNING: Bad address$'
expect_stderr_match '^Additional Info - helper: probe_read, retcode: -14$'

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
expect_stderr_match '^stdin:1:90-102: WARNING: Bad address$'

# delete() of a key that is not there, and a read of one: bpftrace's words,
# the whole warning as it prints it. Without -k both are silent.
fathom_run -k -e 'BEGIN { @[1] = 1; delete(@, 2); $v = @[3]; printf("v %d\n", $v); clear(@); exit(); }'
expect_exit 0
expect_stdout_eq "v 0"
expect_stderr_eq "Attached 1 probe
stdin:1:19-31: WARNING: Can't delete map element because it does not exist.
Additional Info - helper: map_delete_elem, retcode: -2
BEGIN { @[1] = 1; delete(@, 2); \$v = @[3]; printf(\"v %d\\n\", \$v); clear(@); exit(); }
                  ~~~~~~~~~~~~
stdin:1:38-42: WARNING: Can't lookup map element because it does not exist.
Additional Info - helper: map_lookup_elem, retcode: 0
BEGIN { @[1] = 1; delete(@, 2); \$v = @[3]; printf(\"v %d\\n\", \$v); clear(@); exit(); }
                                     ~~~~"

# A string value read from a missing key warns too; a key that is there
# does not, and delete() still answers whether it deleted.
fathom_run -k -e 'BEGIN { @s[1] = "a"; $x = @s[2]; $y = @s[1]; printf("[%s] [%s] %d\n", $x, $y, delete(@s, 1)); exit(); }'
expect_exit 0
expect_stdout_eq "[] [a] 1"
expect_stderr_match "^stdin:1:27-32: WARNING: Can't lookup map element because it does not exist.$"
[ "$(grep -c WARNING "$FATHOM_STDERR")" = 1 ] || fail "only the missing key warns"

fathom_run -e 'BEGIN { @[1] = 1; delete(@, 2); printf("v %d\n", @[3]); clear(@); exit(); }'
expect_exit 0
expect_stderr_no_match 'WARNING'

fathom_run -k -f json -e 'BEGIN { @[1] = 1; delete(@, 2); clear(@); exit(); }'
expect_exit 0
# JSON words it as strerror(-retcode), as bpftrace's json.cpp does
expect_stdout_match '^\{"type": "helper_error", "msg": "No such file or directory", "helper": "map_delete_elem", "retcode": -2, "filename": "stdin", "line": 1, "col": 19\}$'

# Reads inside printf's arguments warn as well, each at its place; the
# warning needs no register of its own (printf("%d", *$p) with -k used to
# fail to compile: "expression too complex around this call")
fathom_run -k -e 'BEGIN { $p = (uint64 *)8; printf("[%s] %d\n", str(*$p), *$p); exit(); }'
expect_exit 0
expect_stdout_eq "[] 0"
expect_stderr_match '^stdin:1:51-54: WARNING: Bad address$'
expect_stderr_match '^stdin:1:47-55: WARNING: Bad address$'
expect_stderr_match '^stdin:1:57-60: WARNING: Bad address$'
[ "$(grep -c 'WARNING: Bad address' "$FATHOM_STDERR")" = 3 ] || fail "expected three warnings"
