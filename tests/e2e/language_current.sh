#!/usr/bin/env bash
# Current bpftrace language forms, run for real: macros (hygienic, map and
# variable parameters, nesting, zero-argument use), config blocks,
# getopt() named parameters, has_key, strncmp, strcontains, aggregations
# read inside probes, ppid/pcomm, kernel structs through BTF, #define.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'macro add_one(x) { x + 1 }
macro bump($v, @m) { $tmp = $v * 2; $v++; @m[$v] = $tmp; }
macro greet() { printf("hi %s\n", comm) }
macro twice(x) { add_one(x) + add_one(x) }
BEGIN { $tmp = 100; $a = add_one(41); bump($a, @seen); greet; greet(); printf("%d %d %d\n", $a, $tmp, twice(1)); exit(); }'
expect_exit 0
expect_stdout_eq $'hi fathom\nhi fathom\n43 100 4\n\n\n@seen[43]: 84'

fathom_run -e 'macro f(x) { x } BEGIN { f(1, 2); }'
expect_exit 1
expect_stderr_match 'no macro f takes 2 arguments'
expect_stderr_match '^HINT: macro f is defined with 1 parameter\(s\)$'
fathom_run -e 'macro f(x) { x } macro f(x, y, z) { x + y + z } BEGIN { f(1, 2); }'
expect_exit 1
expect_stderr_match '^HINT: macro f is defined with 1 or 3 parameter\(s\)$'

fathom_run -e 'config = { max_strlen = 8 } BEGIN { printf("%s|%d|%d|%s\n", str($1), getopt("n", 5), getopt("flag"), getopt("s", "dflt")); exit(); }' abcdefghijkl -- --n=7 --flag
expect_exit 0
# str($1) keeps max_strlen - 1 characters; printf marks it cut short with '..'
expect_stdout_eq 'abcdefgh..|7|1|dflt'

fathom_run -e 'config = { missing_probes = "warn" } tracepoint:syscalls:sys_enter_nope { } BEGIN { printf("ran\n"); exit(); }'
expect_exit 0
expect_stdout_eq 'ran'
expect_stderr_match 'WARNING: tracepoint not found: syscalls:sys_enter_nope'

fathom_run -e 'BEGIN { @c = count(); @c = count(); @s = sum(5); @s = sum(7); @mx = max(3); @mx = max(9); @mn = min(4); @mn = min(-2); @a = avg(4); @a = avg(8); @k[1] = 1;
  printf("%d %d %d %d %d %d %d %d %d %d %d\n", @c, @s, @mx, @mn, @a, has_key(@k, 1), has_key(@k, 2), strncmp(comm, "fath", 4), strncmp(comm, "fxth", 4), strcontains(comm, "tho"), strcontains(comm, "zz"));
  if (@c > 1) { printf("compare ok\n"); } clear(@c); clear(@s); clear(@mx); clear(@mn); clear(@a); clear(@k); exit(); }'
expect_exit 0
expect_stdout_eq $'2 12 9 -2 6 1 0 0 1 1 0\ncompare ok\n\n\n@a: 0\n@c: 0\n@mn: 0\n@mx: 0\n@s: 0'

# An average read in a probe divides a negative total as a signed number,
# truncating toward zero as the printed average does (-12/3, -10/3).
fathom_run -e 'BEGIN { @n = avg(-1); @n = avg(-1); @n = avg(-10); @t = avg(-10); @t = avg(0); @t = avg(0);
  if (@n == -4) { printf("%d %d\n", @n, @t); } exit(); }'
expect_exit 0
expect_stdout_eq $'-4 -3\n\n\n@n: -4\n@t: -3'

# ppid/pcomm and struct walking: the parent of fathom is this shell.
fathom_run -e '#define ANSWER 42
BEGIN { printf("%d %s %d %d %s\n", ppid, pcomm, curtask->tgid == pid, ANSWER, curtask->real_parent->comm); exit(); }'
expect_exit 0
expect_stdout_match "^[0-9]+ .+ 1 42 .+\$"

fathom_run -e 'BEGIN { printf("%d\n", curtask->pidd); }'
expect_exit 1
expect_stderr_match "struct task_struct has no field 'pidd'"
expect_stderr_match "HINT: did you mean 'pid'\\?"

# A full map is reported once on stderr, never dropped silently.
fathom_run -e 'config = { max_map_keys = 4 } BEGIN { $i = 0; while ($i < 10) { @m[$i] = 1; @c[$i] = count(); $i++; } exit(); }'
expect_exit 0
expect_stderr_match "^WARNING: Map full; can't update element. Try increasing max_map_keys config or manually setting the max entries in a map declaration e.g. \`let @a = hash\(5000\)\`$"
[ "$(grep -c 'Map full' "$FATHOM_STDERR")" = 1 ] || fail "the full map must be reported once"
expect_stdout_match '^@m\[3\]: 1$'

# for over a range, with break and continue
fathom_run -e 'BEGIN { $s = 0; for ($i : 0..10) { if ($i == 2) { continue; } if ($i == 8) { break; } $s += $i; } printf("%d\n", $s); exit(); }'
expect_exit 0
expect_stdout_eq '26'

# values held in variables, bswap, string indexing
fathom_run -e 'BEGIN { let $d; $d = ntop(0x0100007f); $b = bswap((uint16)1); $s = "/abc"; printf("%s %d %d %d\n", $d, $b, $s[0] == "/"[0], $s[1]); exit(); }'
expect_exit 0
expect_stdout_eq '127.0.0.1 256 1 97'

# a tracepoint's struct pointer, typed from BTF and read from user memory
cp /bin/sleep "$T/fthnap"
( sleep 0.5; "$T/fthnap" 1.25 ) &
fathom_run -e 'tracepoint:syscalls:sys_enter_clock_nanosleep /comm == "fthnap"/ { printf("%d.%09d\n", args->rqtp->tv_sec, args.rqtp->tv_nsec); exit(); }'
wait
expect_exit 0
expect_stdout_eq '1.250000000'

# BEGIN's output comes before any other probe's
fathom_run -e 'BEGIN { printf("HEADER\n"); } tracepoint:raw_syscalls:sys_enter { printf("event\n"); exit(); }'
expect_exit 0
[ "$(head -n 1 "$FATHOM_STDOUT")" = HEADER ] || fail "BEGIN's line must come first"

# syscall_name(), header constants without headers, print() of an empty counter
fathom_run -e '#include <linux/sched.h>
#include <linux/socket.h>
BEGIN { @[syscall_name(59)] = count(); printf("%d %d %d\n", TASK_RUNNING, AF_INET6, TCP_ESTABLISHED); @c = count(); clear(@c); print(@c); exit(); }'
expect_exit 0
printf '0 10 1\n@c: 0\n\n\n@[execve]: 1\n@c: 0\n' >"$T/exp"
expect_stdout_eq "$T/exp"

# An error in a macro's body is shown in the body, then "expanded from"
# at each call, innermost first, as current bpftrace's location chains
# print it (bpftrace PR #4582); an error in an argument stays at the
# argument.
fathom_run -e 'macro inner(a) { a + nosuch } macro outer(b) { inner(b) * 2 } BEGIN { print(outer(1)); exit() }'
expect_exit 1
expect_stderr_eq "stdin:1:22-28: ERROR: unknown identifier 'nosuch'
macro inner(a) { a + nosuch } macro outer(b) { inner(b) * 2 } BEGIN { print(outer(1)); exit() }
                     ~~~~~~
HINT: did you mean 'nsecs'?
stdin:1:48-56: ERROR: expanded from
macro inner(a) { a + nosuch } macro outer(b) { inner(b) * 2 } BEGIN { print(outer(1)); exit() }
                                               ~~~~~~~~
stdin:1:77-85: ERROR: expanded from
macro inner(a) { a + nosuch } macro outer(b) { inner(b) * 2 } BEGIN { print(outer(1)); exit() }
                                                                            ~~~~~~~~"
# A run-time warning from a macro's body names the call too (bpftrace PR
# #4413), and so does warnf().
fathom_run -e 'macro bad_div(@a) { print(10 / (uint64)@a); } macro w() { warnf("w %d", 1); }
BEGIN { @m0 = 0; bad_div(@m0); w(); clear(@m0); exit(); }'
expect_exit 0
expect_stderr_eq "Attached 1 probe
stdin:1:27-42: WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.
macro bad_div(@a) { print(10 / (uint64)@a); } macro w() { warnf(\"w %d\", 1); }
                          ~~~~~~~~~~~~~~~
stdin:2:18-30: WARNING: expanded from
BEGIN { @m0 = 0; bad_div(@m0); w(); clear(@m0); exit(); }
                 ~~~~~~~~~~~~
stdin:1:59-75: WARNING: w 1
stdin:2:32-35: WARNING: expanded from
BEGIN { @m0 = 0; bad_div(@m0); w(); clear(@m0); exit(); }
                               ~~~"
fathom_run -e 'macro m(a) { a } BEGIN { print(m(nosuch)); exit() }'
expect_exit 1
expect_stderr_eq "stdin:1:34-40: ERROR: unknown identifier 'nosuch'
macro m(a) { a } BEGIN { print(m(nosuch)); exit() }
                                 ~~~~~~
HINT: did you mean 'nsecs'?"

# A macro argument may be a block; used as a statement it runs as one, each
# time it appears ({ printf() } gives no value, which is fine there), and a
# macro parameter names the argument inside typeof() too.
fathom_run -e 'macro thrice(x) { x; x; x; }
macro add(x) { let $y: typeof(x); if (true) { $y = 1 } x + $y }
begin { $n = 0; thrice({ $n++; printf("%d", $n) }); printf(" %d\n", add(1)); }'
expect_exit 0
expect_stdout_eq '123 2'
# typeof("a") is string[2]: "zz" stored in it keeps one character
fathom_run -e 'macro m(x) { let $y: typeof(x) = "zz"; $y } begin { print(m("a")); }'
expect_exit 0
expect_stdout_eq 'z'
fathom_run -e 'macro m(x) { let $y: typeof(x) = "zz"; $y } begin { print(m(1)); }'
expect_exit 1
# (named $y as the macro spells it, not by its hygienic internal name)
expect_stderr_match '^stdin:1:[0-9-]+: ERROR: \$y is declared u?int[0-9]+; it cannot be assigned string'
expect_stderr_no_match '__macro'

# probe names the special probes as written: begin/end, BEGIN/END
fathom_run -e 'begin { printf("%s", probe); } end { printf("-%s\n", probe); }'
expect_exit 0
expect_stdout_eq 'begin-end'
fathom_run -e 'BEGIN { printf("%s", probe); exit(); } END { printf("-%s\n", probe); }'
expect_exit 0
expect_stdout_eq 'BEGIN-END'

# print(@m[k]) prints the element's value, read when print() runs (a
# value print in bpftrace's codegen: only a bare @m prints as a map)
fathom_run -e 'BEGIN { @a[1] = 10; @a[2] = 20; @c["x"] = count(); @c["y"] = count(); @t[1, "z"] = 5; print(@a[2]); @a[2] = 30; print(@c["y"]); print(@t[1, "z"]); print(@a[7]); clear(@a); clear(@c); clear(@t); exit(); }'
expect_exit 0
printf '20\n1\n5\n0\n\n\n' >"$T/exp"
expect_stdout_eq "$T/exp"
