#!/usr/bin/env bash
# Records, (name = "x", size = 2), as current bpftrace has them: fields
# read by name (nested records and tuples too), printed as
# { .name = x, .size = 2 } in values, map keys and map values, as JSON
# objects with -f json; reassigning with the fields in another order keeps
# the first order, each field evaluated in source order; errors for a
# repeated field, an unknown field (with a suggestion) and a record of
# other fields. Elements of tuple-valued maps (@t.1, @r.name) are read too.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'begin { $v = 99; $t = (a=0, b=1, c="str", d=(5, 6), e=$v);
  printf("%d %d %s %d %d %d\n", $t.a, $t.b, $t.c, $t.d.0, $t.d.1, $t.e); exit(); }'
expect_exit 0
expect_stdout_eq '0 1 str 5 6 99'

fathom_run -e 'begin { $v = (x=1, y=2); $t = (a=0, b=1, c="str", d=(5, 6), e=$v); print($t); printf("%d\n", $t.e.y); exit(); }'
expect_exit 0
expect_stdout_eq $'{ .a = 0, .b = 1, .c = str, .d = (5, 6), .e = { .x = 1, .y = 2 } }\n2'

fathom_run -e 'begin { $a = (foo={ printf("hello"); 1 }, bar={ printf("world"); 2 });
  $a = (bar={ printf("hello"); 1 }, foo={ printf("world\n"); 2 }); print($a); exit(); }'
expect_exit 0
expect_stdout_eq $'helloworldhelloworld\n{ .foo = 2, .bar = 1 }'

# in maps: keys and values, and element reads of map values
fathom_run -e 'begin { @m[(x=1, y=2)] = (s="bye", n=(m=1, k=2)); @r = (name="x", size=2); @t = (7, "q", (8, 9));
  printf("%s %d %d %s %d\n", @r.name, @r.size, @t.0, @t.1, @t.2.1); clear(@t); exit(); }'
expect_exit 0
expect_stdout_eq $'x 2 7 q 9\n\n\n@m[{ .x = 1, .y = 2 }]: { .s = bye, .n = { .m = 1, .k = 2 } }\n@r: { .name = x, .size = 2 }'

fathom_run -f json -e 'begin { $q = (a=1, b="z"); print($q); exit(); }'
expect_exit 0
expect_stdout_match '^\{"type": "value", "data": \{"a": 1, "b": "z"\}\}$'

fathom_run -e 'begin { $r = (a=1, a=2); }'
expect_exit 1
expect_stderr_eq "stdin:1:20-23: ERROR: field 'a' appears twice in this record
begin { \$r = (a=1, a=2); }
                   ~~~
HINT: give each field its own name"

fathom_run -e 'begin { $r = (name=1, size=2); print($r.nmae); }'
expect_exit 1
expect_stderr_match "^stdin:1:38-45: ERROR: \(name=int64, size=int64\) has no field 'nmae'$"
expect_stderr_match "^HINT: did you mean 'name'\?$"

fathom_run -e 'begin { $r = (name=1, size=2); $r = (name=1, other=2); }'
expect_exit 1
expect_stderr_match '^stdin:1:32-34: ERROR: \$r has type \(name=int64, size=int64\); it cannot be assigned \(name=int64, other=int64\)$'

# a variable's tuple or record widens to hold a longer string assigned
# later; copies between variables convert element by element
fathom_run -e 'BEGIN { $r = (name="x", size=2); $r = (size=3, name="yyy"); print($r);
  $a = ("x", 1); $b = $a; print($b); $b = ("yyyy", 2); print($b); $b = $a; print($b);
  $n = ("a", ("b", 1)); $n = ("cc", ("dddd", 2)); print($n); exit(); }'
expect_exit 0
expect_stdout_eq $'{ .name = yyy, .size = 3 }\n(x, 1)\n(yyyy, 2)\n(x, 1)\n(cc, (dddd, 2))'
