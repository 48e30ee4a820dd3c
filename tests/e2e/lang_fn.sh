#!/usr/bin/env bash
# fn name($a: type, ...): type { ... } - user functions as bpftrace has
# them: typed parameters (arguments evaluated once, before the body),
# `return value`, `: void` for none, variables of their own, maps shared,
# usable in any probe and from other fns; errors for a wrong argument
# count, recursion, return values that do not fit the declaration.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/fns.bt" <<'BT'
fn add($a: int64, $b: int64): int64 { return $a + $b; }
fn clamp($v: int64, $hi: int64): int64 {
  if ($v > $hi) { return $hi; }
  $r = $v;
  return $r;
}
fn greet($n: uint8): void { printf("hello %d\n", $n); }
fn sum_to($n: int64): int64 { $s = 0; for ($i : 0..$n) { $s += $i; } return $s; }
fn is_big($x: int64): bool { return $x > 100; }
fn same($s: string): bool { return $s == "abc"; }
fn tgid($t: struct task_struct *): int64 { return $t->tgid; }
fn bump(): int64 { @calls++; return @calls; }
fn fallthrough(): int64 { $unused = 1; }
BEGIN {
  print(add(1, 2));
  print(add(add(1, 2), add(3, 4)));
  print((clamp(5, 10), clamp(50, 10)));
  greet(7);
  print(sum_to(5));
  print((is_big(5), is_big(500), same("abc"), same("abd")));
  print(tgid(curtask) == pid);
  bump(); bump();
  $x = 1;
  print((bump(), $x, fallthrough()));
  @m[add(1, 1)] = add(2, 3);
  exit();
}
BT
fathom_run "$T/fns.bt"
expect_exit 0
expect_stdout_eq $'3\n10\n(5, 10)\nhello 7\n10\n(false, true, true, false)\ntrue\n(3, 1, 0)\n\n\n@calls: 3\n@m[2]: 5'

# the body's variables are its own; any probe calls it
fathom_run -e 'fn twice($a: int64): int64 { $x = $a * 2; return $x; }
  interval:ms:50 { $x = 5; printf("%d %d\n", twice($x), $x); exit(); }'
expect_exit 0
expect_stdout_eq '10 5'

fathom_run -e 'fn f($a: int64): int64 { return f($a - 1); } BEGIN { print(f(3)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:33-42: ERROR: fn f calls itself
fn f($a: int64): int64 { return f($a - 1); } BEGIN { print(f(3)); }
                                ~~~~~~~~~
HINT: BPF programs cannot recurse: rewrite it with a loop'

fathom_run -e 'fn f($a: int64): int64 { return $a; } BEGIN { print(f(1, 2)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:53-60: ERROR: fn f takes 1 argument, 2 given
fn f($a: int64): int64 { return $a; } BEGIN { print(f(1, 2)); }
                                                    ~~~~~~~
HINT: it is declared as fn f($a: int64): int64'

fathom_run -e 'fn f($a: int64): void { return $a; } BEGIN { f(1); }'
expect_exit 1
expect_stderr_eq 'stdin:1:32-34: ERROR: fn f returns nothing (void), so return takes no value
fn f($a: int64): void { return $a; } BEGIN { f(1); }
                               ~~
HINT: declare the type it returns: fn name(...): int64'

fathom_run -e 'fn f($a: int64): int64 { return; } BEGIN { print(f(1)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:26-32: ERROR: fn f must return a value
fn f($a: int64): int64 { return; } BEGIN { print(f(1)); }
                         ~~~~~~
HINT: return a value: return 0;'

fathom_run -e 'fn f($a): int64 { return 1; } BEGIN { print(f(1)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:6-8: ERROR: fn f: parameter $a needs to be a variable with a type
fn f($a): int64 { return 1; } BEGIN { print(f(1)); }
     ~~
HINT: write it as $name: type, e.g. $count: int64'

fathom_run -e 'fn f($a: int64): string { return "x"; } BEGIN { print(f(1)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:1-40: ERROR: fn f returns string[1024]; a fn can return integers, bool and pointers
fn f($a: int64): string { return "x"; } BEGIN { print(f(1)); }
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: return an integer, bool or pointer, or nothing (: void)'

fathom_run -e 'fn f($a: int64): int64 { return $a; } BEGIN { print(f("s")); }'
expect_exit 1
expect_stderr_eq 'stdin:1:55-58: ERROR: cannot cast string[2] to int64
fn f($a: int64): int64 { return $a; } BEGIN { print(f("s")); }
                                                      ~~~
HINT: casts convert integers, bools and pointers into each other, e.g. (uint64)$p or (struct sock *)arg0; read a string with str() and bytes with buf()'

fathom_run -e 'fn g(): void { } BEGIN { $v = g(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:31-34: ERROR: g() does not return a value
fn g(): void { } BEGIN { $v = g(); }
                              ~~~
HINT: call it as a statement of its own'

fathom_run -e 'fn f($a: int64): int64 { @m[$a] = $a; for ($kv : @m) { return $kv.1; } return 0; } BEGIN { print(f(1)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:56-68: ERROR: return is not allowed inside a for loop over a map
fn f($a: int64): int64 { @m[$a] = $a; for ($kv : @m) { return $kv.1; } return 0; } BEGIN { print(f(1)); }
                                                       ~~~~~~~~~~~~
HINT: leave the loop with break, then return after it'

# a fn no probe calls is checked all the same
fathom_run -e 'fn unused($a: int64): int64 { return nosuch($a); } BEGIN { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:38-48: ERROR: unknown function 'nosuch'
fn unused(\$a: int64): int64 { return nosuch(\$a); } BEGIN { exit(); }
                                     ~~~~~~~~~~
HINT: did you mean 'nsecs'?"

fathom_run -e 'fn unused($a: int64): int64 { $b = $a + 1; return $b; } BEGIN { @n = 1; exit(); }'
expect_exit 0
expect_stdout_eq $'\n\n@n: 1'

# A fn called in an argument runs, and prints, before the event using its
# value is sent (arguments are computed first, as in bpftrace).
fathom_run -q -e 'fn f($v: int64): int64 { printf("in %d\n", $v); return $v * 2; }
BEGIN { printf("out %d %d\n", f(1), f(2)); print(f(3)); exit(); }'
expect_exit 0
expect_stdout_eq $'in 1\nin 2\nout 2 4\nin 3\n6'

# exit(f()): the fn is expanded there too, and runs once (its printf before
# the exit), the code it returns is fathom's exit status.
fathom_run -q -e 'BEGIN { @n = 0; } fn f(): int64 { @n += 1; printf("in\n"); return 3; }
BEGIN { exit(f()); } END { printf("n=%d\n", @n); clear(@n); }'
expect_exit 3
expect_stdout_eq $'in\nn=1'

# a computed exit code of any integer type, a bool too (1 for true)
fathom_run -q -e 'BEGIN { $b = 2 > 1; exit($b); }'
expect_exit 1
fathom_run -q -e 'BEGIN { $x = (uint8)7; exit($x - 2); }'
expect_exit 5
