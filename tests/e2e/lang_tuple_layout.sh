#!/usr/bin/env bash
# Tuples are laid out as C structs whose integers keep their width, as in
# bpftrace: sizeof(((int8)1, (int16)1, (int32)1)) is 8. Maps still store
# the integers 64 bits wide, so copying a tuple between a variable and a
# map converts each integer (sign-extended or cut), and a variable given
# tuples with integers of different widths keeps the wider ones (of
# mixed signs: a signed type that holds both, as bpftrace promotes them). Records
# are laid out the same way.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN {
  $a = ((int8) 1, (int16) 1, (int32) 1); $b = ((int32) 1, (int16) 1, (int8) 1);
  $c = ((int8) 1, (int64) 1, (int8) 1, (int64) 1); $d = ((int8) 1, ((int8) 2, (int16) 3));
  printf("%d %d %d %d\n", sizeof($a), sizeof($b), sizeof($c), sizeof($d));
  $n = ((int8) -100, (int16) -555, (int64) -10);
  printf("%d %d %d\n", $n.0, $n.1, $n.2);
  @m = $n; $w = @m; print($w);
  @k[$n] = 1;
  printf("%d %d\n", $n == (-100, -555, -10), has_key(@k, (-100, -555, -10)));
  $v = ((int8) 1, "x"); $v = ((int32) -70000, "longer"); print($v);
  $r = (a = (int8) -3, b = (int32) 7); printf("%d ", sizeof($r)); print($r);
  $m = ((uint8) 255, (int8) -1); $m = ((int8) -1, (uint16) 65535); print($m); $m = ((uint8) 200, (int8) -5); print($m);
  exit(); }'
expect_exit 0
expect_stdout_eq $'8 8 32 6\n-100 -555 -10\n(-100, -555, -10)\n1 1\n(-70000, longer)\n8 { .a = -3, .b = 7 }\n(-1, 65535)\n(200, -5)\n\n\n@k[-100, -555, -10]: 1\n@m: (-100, -555, -10)'
