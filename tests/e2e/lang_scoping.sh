#!/usr/bin/env bash
# Block-scoped scratch variables as current bpftrace has them, run for
# real: let declarations (untyped, typed, with and without a value), names
# reused with other types in sibling blocks and loops, shadowing refused;
# and the bpftrace 0.17 form (a variable assigned inside if/else and read
# after it) still runs, with a warning that says how to write it now.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# let: a typed declaration reads 0 until assigned; an untyped one gets
# its type from an assignment in a nested block
fathom_run -e 'BEGIN { let $w: uint8; printf("%d\n", $w); let $x; if (1) { $x = 5; } let $y: uint16 = 7; let $z = "s";
  printf("%d %d %s\n", $x, $y, $z); exit(); }'
expect_exit 0
expect_stdout_eq $'0\n5 7 s'
expect_stderr_no_match 'WARNING'

# one name, three variables of three types in sibling blocks
fathom_run -e 'BEGIN { if (1) { $v = 1; print($v); } if (1) { $v = "two"; print($v); }
  for ($i : 0..1) { $v = (3, "x"); print($v); } exit(); }'
expect_exit 0
expect_stdout_eq $'1\ntwo\n(3, x)'
expect_stderr_no_match 'WARNING'

# let in a loop body starts from zero on every iteration
fathom_run -e 'BEGIN { $sum = 0; for ($i : 0..3) { let $acc; $acc += $i; $sum += $acc; } printf("%d\n", $sum); exit(); }'
expect_exit 0
expect_stdout_eq '3'

# 0.17: probe-scoped; a tracepoint probe assigns in both branches and
# reads after; fathom warns once per variable and prints what 0.17 printed
wl_name=sc${T##*.}
cp /bin/cat "$T/$wl_name" || fail "cannot copy /bin/cat"
echo data >"$T/g.txt"
: >"$FATHOM_STDERR"
( cd "$T" && wait_attached && "./$wl_name" g.txt >/dev/null ) &
wl=$!
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /comm == "'"$wl_name"'" && str(args.filename) == "g.txt"/ {
  if (args.flags >= 0) { $kind = "plain"; $n = 1; } else { $kind = "odd"; $n = 2; }
  printf("%s %d\n", $kind, $n); printf("%s\n", $kind); exit();
}
interval:s:5 { exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_eq 'plain 1
plain'
n=$(grep -c 'WARNING: ' "$FATHOM_STDERR")
[ "$n" -eq 2 ] || fail "expected 2 warnings (one per variable), got $n"
expect_stderr_match '^stdin:3:21-26: WARNING: \$kind is used outside the block that assigns it; current bpftrace rejects this \(variables are block scoped\), bpftrace 0.17 accepted it$'
expect_stderr_match '^HINT: declare it before that block: let \$kind;$'

# a let after the variable was assigned, and a second let of a visible
# variable (shadowing), are errors in bpftrace's words, with a hint
fathom_run -e 'BEGIN { $x = 1; if (1) { let $x = 2; } exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:30-32: ERROR: Variable declarations need to occur before variable usage or assignment. Variable: $x
BEGIN { $x = 1; if (1) { let $x = 2; } exit(); }
                             ~~
HINT: drop this let to assign the existing $x, or declare it with let before its first use'

fathom_run -e 'BEGIN { let $x = 1; if (1) { let $x = 2; } exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:34-36: ERROR: Variable $x was already declared. Variable shadowing is not allowed.
BEGIN { let $x = 1; if (1) { let $x = 2; } exit(); }
                                 ~~
HINT: use another name, or assign the existing $x without let'

# a let in a closed block does not stop a later assignment outside it
fathom_run -e 'BEGIN { if (1) { let $x; } $x = 2; print($x); exit(); }'
expect_exit 0
expect_stdout_eq '2'

# a declared type is kept
fathom_run -e 'BEGIN { let $x: uint16 = "a"; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:26-29: ERROR: \$x is declared uint16; it cannot be assigned string\[2\]'

# a for loop's variable does not outlive the loop
fathom_run -e 'BEGIN { @a[1] = 1; for ($kv : @a) { } print($kv); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: variable \$kv is used before it is assigned'

# let $x; then ++ counts from zero
fathom_run -e 'BEGIN { let $x; $x++; $x++; print($x); exit(); }'
expect_exit 0
expect_stdout_eq '2'

# a for loop's variable may not shadow one that is visible
fathom_run -e 'BEGIN { @a[1] = 1; for ($kv : @a) { for ($kv : @a) { } } }'
expect_exit 1
expect_stderr_eq "stdin:1:42-45: ERROR: \$kv is already defined in this block or an enclosing one; a for loop's variable cannot shadow it
BEGIN { @a[1] = 1; for (\$kv : @a) { for (\$kv : @a) { } } }
                                         ~~~
HINT: give the loop variable a name of its own"
