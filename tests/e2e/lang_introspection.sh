#!/usr/bin/env bash
# Compile-time questions about expressions, as bpftrace's standard library
# has them: typeof() as a declared type and in casts, is_str / is_ptr /
# is_array / is_integer / is_unsigned_integer / is_literal (constants,
# the argument is never evaluated), container_of(ptr, type, member) and
# is_err(ptr) (the kernel's macros), comptime / if comptime /
# static_assert / fail, with their errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# typeof(): a declaration and casts take the type of another expression
fathom_run -e 'BEGIN { $x = (uint8)5; let $y: typeof($x) = 7; print($y);
  $s = (int16)-2; print((typeof($s))70000); print((typeof($x))-1); let $p: typeof(curtask) = curtask;
  print($p->pid == pid); print(sizeof(typeof(curtask->comm))); exit(); }'
expect_exit 0
expect_stdout_eq $'7\n4464\n255\ntrue\n16'

# a literal's type is the smallest that holds it, unsigned unless negative
fathom_run -e 'BEGIN { print(((typeof(1))300, (typeof(256))70000, (typeof(-1))200, sizeof(typeof(70000)), sizeof(typeof(-129)))); exit(); }'
expect_exit 0
expect_stdout_eq '(44, 4464, -56, 4, 2)'

# typeof() as a macro's type argument, in sizeof and offsetof
fathom_run -e 'macro sz(t) { sizeof(t) }
  BEGIN { print((sz(typeof(struct task_struct)) > 1000, sz(typeof(1)), offsetof(typeof(*curtask), pid) == offsetof(struct task_struct, pid))); exit(); }'
expect_exit 0
expect_stdout_eq '(true, 1, true)'

fathom_run -e 'BEGIN { $x = typeof(1); }'
expect_exit 1
expect_stderr_eq 'stdin:1:14-23: ERROR: typeof() names a type, not a value
BEGIN { $x = typeof(1); }
             ~~~~~~~~~
HINT: use it where a type goes: a cast, let $x: typeof(...), sizeof() or offsetof()'

# the predicates fold to true/false; the argument is not run
fathom_run -e 'BEGIN { $s = "ab"; $t = curtask;
  print((is_str("a"), is_str(1), is_str($s), is_str(comm), is_str(curtask->comm)));
  print((is_ptr($t), is_ptr(1), is_ptr("a")));
  print((is_array(pton("1.2.3.4")), is_array($s), is_array(1)));
  print((is_integer(1), is_integer(pid), is_integer("x"), is_integer(true), is_integer($t)));
  print((is_unsigned_integer(1), is_unsigned_integer(-1), is_unsigned_integer((int32)1), is_unsigned_integer(pid), is_unsigned_integer("a")));
  print((is_literal(1), is_literal(-1), is_literal("a"), is_literal(true), is_literal(pid), is_literal($s)));
  print(is_integer({ printf("never printed\n"); 1 })); exit(); }'
expect_exit 0
expect_stdout_eq $'(true, false, true, true, true)\n(true, false, false)\n(true, false, false)\n(true, true, false, false, false)\n(true, false, false, true, false)\n(true, true, true, true, false, false)\ntrue'

# in a macro, as the standard library uses them
fathom_run -e 'macro describe(x) { if (is_str(x)) { printf("string\n"); } else { printf("other\n"); } }
  BEGIN { describe("a"); describe(1); exit(); }'
expect_exit 0
expect_stdout_eq $'string\nother'

# container_of: from a member back to the structure around it, nested
# members too; the result is a pointer to the type named
fathom_run -e 'BEGIN {
  $se = (struct sched_entity *)((uint64)curtask + offsetof(struct task_struct, se));
  $t = container_of($se, struct task_struct, se);
  $l = container_of((uint64)curtask + offsetof(struct task_struct, se.load), struct task_struct, se.load);
  print(($t == curtask, $t->pid == pid, $l->tgid == pid, container_of($se, typeof(curtask->se), load) == $se));
  exit(); }'
expect_exit 0
expect_stdout_eq '(true, true, true, true)'

# is_err: the last 4095 addresses hold error codes
fathom_run -e 'BEGIN { print((is_err(0), is_err((uint64)-1), is_err(-4095), is_err(-4096), is_err(curtask))); exit(); }'
expect_exit 0
expect_stdout_eq '(false, true, true, false, false)'

# errors
fathom_run -e 'BEGIN { print(container_of(curtask, struct task_struct, nosuchfield)); }'
expect_exit 1
expect_stderr_eq "stdin:1:57-68: ERROR: struct task_struct has no field 'nosuchfield'
BEGIN { print(container_of(curtask, struct task_struct, nosuchfield)); }
                                                        ~~~~~~~~~~~"

fathom_run -e 'BEGIN { print(container_of(curtask, 5, pid)); }'
expect_exit 1
expect_stderr_eq "stdin:1:37: ERROR: container_of() takes a type as its second argument
BEGIN { print(container_of(curtask, 5, pid)); }
                                    ~
HINT: write a type such as struct task_struct"

fathom_run -e 'BEGIN { print(container_of(curtask, struct task_struct, 1)); }'
expect_exit 1
expect_stderr_eq "stdin:1:57: ERROR: container_of() takes a member name as its third argument
BEGIN { print(container_of(curtask, struct task_struct, 1)); }
                                                        ~
HINT: name a member, such as list or a.b"

fathom_run -e 'BEGIN { print(is_str()); }'
expect_exit 1
expect_stderr_eq "stdin:1:15-23: ERROR: is_str() takes 1 argument, 0 given
BEGIN { print(is_str()); }
              ~~~~~~~~
HINT: call it as is_str(expr)"

fathom_run -e 'BEGIN { $s = "a"; print((typeof($s))1); }'
expect_exit 1
expect_stderr_eq "stdin:1:25-38: ERROR: cannot cast int64 to string[2]
BEGIN { \$s = \"a\"; print((typeof(\$s))1); }
                        ~~~~~~~~~~~~~
HINT: casts convert integers, bools and pointers into each other, e.g. (uint64)\$p or (struct sock *)arg0; read a string with str() and bytes with buf()"

fathom_run -e 'BEGIN { let $x: typeof(print(1)); }'
expect_exit 1
expect_stderr_eq "stdin:1:24-32: ERROR: typeof() needs an expression with a value, not none
BEGIN { let \$x: typeof(print(1)); }
                       ~~~~~~~~
HINT: name a value, e.g. typeof(\$x), or a type, e.g. typeof(struct task_struct)"

# comptime, if comptime (only the branch taken is compiled), static_assert
# and fail, as the standard library's macros use them with the predicates
fathom_run -e 'macro kind(x) { if comptime is_str(x) { 1 } else if comptime is_ptr(x) { 2 } else { 3 } }
  macro say(x) { if comptime (is_integer(x)) { printf("int %d\n", x); } else { printf("other\n"); } }
  BEGIN { print((kind("a"), kind(curtask), kind(7), comptime (sizeof(int32) * 2)));
    say(5); say("s"); static_assert(sizeof(uint16) == 2, "uint16 is two bytes");
    if comptime (0) { fail("never compiled"); } exit(); }'
expect_exit 0
expect_stdout_eq $'(1, 2, 3, 8)\nint 5\nother'

fathom_run -e 'macro has(k) { if comptime ((is_literal(k)) && (is_str(k))) { kfunc_exist(k) } else { fail("has() accepts a string literal only"); false } }
BEGIN { $n = "x"; print(has($n)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:87-130: ERROR: has() accepts a string literal only
macro has(k) { if comptime ((is_literal(k)) && (is_str(k))) { kfunc_exist(k) } else { fail("has() accepts a string literal only"); false } }
                                                                                      ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
stdin:2:25-32: ERROR: expanded from
BEGIN { $n = "x"; print(has($n)); }
                        ~~~~~~~'

fathom_run -e 'BEGIN { fail("bad %s: %d|%-3x|%c|%%", "value", 7, 255, 65); }'
expect_exit 1
expect_stderr_eq 'stdin:1:9-59: ERROR: bad value: 7|ff |A|%
BEGIN { fail("bad %s: %d|%-3x|%c|%%", "value", 7, 255, 65); }
        ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~'

fathom_run -e 'BEGIN { static_assert(sizeof(int32) == 8, "int32 is not eight bytes"); }'
expect_exit 1
expect_stderr_eq 'stdin:1:9-70: ERROR: int32 is not eight bytes
BEGIN { static_assert(sizeof(int32) == 8, "int32 is not eight bytes"); }
        ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~'

fathom_run -e 'BEGIN { $x = 1; if comptime ($x == 1) { } }'
expect_exit 1
expect_stderr_eq 'stdin:1:30-37: ERROR: comptime needs a value known when the script is compiled
BEGIN { $x = 1; if comptime ($x == 1) { } }
                             ~~~~~~~
HINT: use literals, sizeof/offsetof and type questions such as is_str(x)'

fathom_run -e 'BEGIN { fail("pid %d", pid); }'
expect_exit 1
expect_stderr_eq 'stdin:1:24-27: ERROR: fail() arguments need to be literals
BEGIN { fail("pid %d", pid); }
                       ~~~
HINT: the message is formatted at compile time: pass literals'

# sizeof of a literal and of a variable: the integer types current bpftrace
# gives them (a literal's smallest; a variable's widest assigned)
fathom_run -q -e 'struct Foo { int x; char c; } begin { $x = 1; printf("%d %d %d %d %d\n", sizeof(struct Foo), sizeof((*(struct Foo*)0).x), sizeof((*(struct Foo*)0).c), sizeof(1 == 1), sizeof($x));
  $y = (int32)5; $z = 300; $w = -1; $v = 1; $v = 100000; $u = (uint64)1;
  printf("%d %d %d %d %d %d %d\n", sizeof($y), sizeof($z), sizeof($w), sizeof($v), sizeof(1), sizeof(-129), sizeof($u)); }'
expect_exit 0
expect_stdout_eq '8 4 1 1 1
4 2 1 4 1 2 8'
