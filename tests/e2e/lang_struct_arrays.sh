#!/usr/bin/env bash
# Arrays of structs and pointers to structs in a uprobe (progs/
# array_target.c): indexing an array member reached through a pointer
# with `.` ($h.s)[i].a, arrays copied to variables (also declared with
# `let $d : struct slot[6]`), stored in maps and used as map keys; *$pp of
# a struct ** reads the struct from user memory (the pointer read through
# a user pointer points into user memory); pointer arithmetic counts
# elements, as in C ($c++, $p + n, $p -= n).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -o "$T/array_target" "$E2E_DIR/progs/array_target.c" || fail "cannot compile the test program"
cd "$T" || fail "no temporary directory"

cat >"$T/arrays.bt" <<'BT'
struct inner { uint32_t a; uint32_t b[2]; };
struct slot { uint32_t a; struct inner in; };
struct holder { uint32_t a; void *p; struct slot s[6]; };
struct pair { uint32_t a; uint64_t b; };

uprobe:./array_target:take_holder {
  $h = (struct holder *)arg0;
  printf("%d %d %d -- %d %d -- ", ($h.s)[0].a, ($h.s)[3].a, $h->s[5].a, ($h.s)[2].in.a, (($h.s)[4].in.b)[1]);
  $s = $h.s;
  @s[0] = $h.s;
  @[$h.s] = 42;
  printf("%d %d %d %d -- %d\n", $s[1].a, @s[0][2].in.a, (@s[0][3].in.b)[1], sizeof($s), @[$h.s]);
  let $d : struct slot[6];
  $d = $h.s;
  printf("%d\n", $d[5].in.a);
  clear(@s); clear(@);
}
uprobe:./array_target:take_pp {
  $pp = (struct pair **)arg0;
  printf("%d %d %d\n", (*$pp).a, (*$pp)->b, $pp[0]->a);
}
uprobe:./array_target:take_walk {
  $c = (struct pair *)arg0;
  $i = 4;
  while (($i--) > 0) {
    @a += $c.a;
    @b += ($c++).b;
  }
  $p = (struct pair *)arg0;
  $q = $p + 3;
  $q -= 1;
  printf("a: %d b: %d, %d %d\n", @a, @b, $q->a, (1 + $p)->b);
  clear(@a); clear(@b);
}
BT
fathom_run "$T/arrays.bt" -c ./array_target
expect_exit 0
expect_stdout_eq '10 13 15 -- 4 38 -- 11 4 41 96 -- 42
25
3 3000 3
a: 10 b: 10000, 3 2000'

# Run-time array indices (unsigned integers, as current bpftrace wants):
# in range they read the element; out of range they report bpftrace's
# runtime error at the access and the script goes on. Literal indices
# out of range and signed run-time indices are compile-time errors.
# Also args->buf[i] of a tracepoint's pointer follows the pointer.
fathom_run -e 'struct A { int x[4]; } struct B { int y[2][2]; }
uprobe:./array_target:take_arrays {
  $a = (struct A *)arg0; $s = 0; $i = (uint32)0;
  while ($i < 4) { $s += $a->x[$i]; $i++; }
  $b = $a->x; $j = (uint8)2; @m[1] = $a->x;
  printf("%d %d %d %d\n", $s, $b[$j], @m[1][$j + (uint8)1], ((struct B *)arg1)->y[$j - (uint8)1][$j - (uint8)2]);
  $k = (uint64)4; $v = $a->x[$k]; printf("after\n"); clear(@m);
}' -c ./array_target
expect_exit 0
expect_stdout_eq $'10 3 4 7\nafter'
expect_stderr_eq 'Attached 1 probe
stdin:7:24-33: WARNING: Array access out of bounds. This can lead to unexpected results.
  $k = (uint64)4; $v = $a->x[$k]; printf("after\n"); clear(@m);
                       ~~~~~~~~~'

fathom_run -e 'struct A { int x[4]; } uprobe:./array_target:take_arrays { $a = (struct A *)arg0; print($a->x[4]); }'
expect_exit 1
expect_stderr_eq 'stdin:1:89-97: ERROR: the index 4 is out of bounds for array of size 4
struct A { int x[4]; } uprobe:./array_target:take_arrays { $a = (struct A *)arg0; print($a->x[4]); }
                                                                                        ~~~~~~~~
HINT: use an index from 0 to 3'

fathom_run -e 'struct A { int x[4]; } uprobe:./array_target:take_arrays { $i = 1; print(((struct A *)arg0)->x[$i]); }'
expect_exit 1
expect_stderr_eq 'stdin:1:74-99: ERROR: The array index operator [] only accepts positive (unsigned) integer indices. Got: int64
struct A { int x[4]; } uprobe:./array_target:take_arrays { $i = 1; print(((struct A *)arg0)->x[$i]); }
                                                                         ~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: cast the index to an unsigned type, e.g. (uint32)$i'

fathom_run -e 'tracepoint:syscalls:sys_enter_write /pid == cpid/ { $i = (uint8)1; printf("%c%c %d\n", args->buf[0], args->buf[$i], args->buf[2]); }' -c "sh -c 'echo AB > /dev/null'"
expect_exit 0
expect_stdout_eq 'AB 10'
