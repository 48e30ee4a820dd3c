#!/usr/bin/env bash
# Division and modulo by zero at run time give 1, as in current bpftrace,
# with a runtime warning at the operation (the source line and its range;
# a "runtime_error" message with -f json); `$x /= v` and `@m %= v` too.
# A non-zero literal divisor is not checked. Division stays unsigned.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { $z = 0; $e = 9; $e %= $z; @m = 5; @m /= $z; print(($e, 7 / $z, 8 % 3, -7 / 2)); clear(@m); exit(); }'
expect_exit 0
expect_stdout_eq '(1, 1, 2, 9223372036854775804)'
expect_stderr_eq 'Attached 1 probe
stdin:1:25-33: WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.
BEGIN { $z = 0; $e = 9; $e %= $z; @m = 5; @m /= $z; print(($e, 7 / $z, 8 % 3, -7 / 2)); clear(@m); exit(); }
                        ~~~~~~~~
stdin:1:43-51: WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.
BEGIN { $z = 0; $e = 9; $e %= $z; @m = 5; @m /= $z; print(($e, 7 / $z, 8 % 3, -7 / 2)); clear(@m); exit(); }
                                          ~~~~~~~~
stdin:1:64-70: WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.
BEGIN { $z = 0; $e = 9; $e %= $z; @m = 5; @m /= $z; print(($e, 7 / $z, 8 % 3, -7 / 2)); clear(@m); exit(); }
                                                               ~~~~~~'

# a divisor that is not zero: no warning, the quotient
fathom_run -e 'BEGIN { $d = 4; printf("%d %d\n", 17 / $d, 17 % $d); exit(); }'
expect_exit 0
expect_stdout_eq '4 1'
expect_stderr_eq 'Attached 1 probe'

fathom_run -f json -e 'BEGIN { $z = 0; @x = 7 % $z; exit(); }'
expect_exit 0
expect_stdout_eq '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "runtime_error", "msg": "Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.", "filename": "stdin", "line": 1, "col": 22}
{"type": "map", "data": {"@x": 1}}'

# The warning comes before the value it is about, as in bpftrace (the
# arguments are computed before their record is sent): print, printf, a
# tuple, and an argument after a str() and before a plain one.
div_msg='"msg": "Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result."'
fathom_run -f json -e 'BEGIN { $a = 0; $s = "abc"; print(5 / $a); printf("%s %d %d\n", str($s), 7 % $a, 3);
    print((2, 9 / $a)); printf("%d\n", 4 / 2); exit(); }'
expect_exit 0
expect_stdout_eq '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "runtime_error", '"$div_msg"', "filename": "stdin", "line": 1, "col": 35}
{"type": "value", "data": 1}
{"type": "runtime_error", '"$div_msg"', "filename": "stdin", "line": 1, "col": 74}
{"type": "printf", "data": "abc 1 3\n"}
{"type": "runtime_error", '"$div_msg"', "filename": "stdin", "line": 2, "col": 15}
{"type": "value", "data": [2,1]}
{"type": "printf", "data": "2\n"}'

# -k: a failed map read's warning, too, comes before the printf using it
fathom_run -k -f json -e 'BEGIN { @m[2] = 1; printf("%d\n", @m[1]); clear(@m); exit(); }'
expect_exit 0
grep -n '"type": "\(helper_error\|printf\)"' "$FATHOM_STDOUT" >"$T/order" || fail "no helper_error or printf record"
[ "$(cut -d'"' -f4 "$T/order" | tr '\n' ' ')" = "helper_error printf " ] ||
    fail "expected the helper warning before the printf:"$'\n'"$(cat "$FATHOM_STDOUT")"

# join()'s argv, too: computed before the join record, so the warning
# comes first; argv[1..] (8 bytes further) are the child's arguments.
fathom_run -f json -e 'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { $z = 0; $argv = (uint64)args.argv;
    join($argv + 8 * (1 / $z), ","); join($argv + 16); exit(); }' -c "/bin/echo a b c"
expect_exit 0
# (the child's own output may come anywhere among the records)
grep '"type": "\(runtime_error\|join\)"' "$FATHOM_STDOUT" >"$T/order" || fail "no runtime_error or join record"
[ "$(cat "$T/order")" = '{"type": "runtime_error", '"$div_msg"', "filename": "stdin", "line": 2, "col": 23}
{"type": "join", "data": "a,b,c"}
{"type": "join", "data": "b c"}' ] || fail "expected the warning, then both joins:"$'\n'"$(cat "$FATHOM_STDOUT")"
