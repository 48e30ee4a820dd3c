#!/usr/bin/env bash
# Floating-point members of C definitions are accepted as bpftrace accepts
# them: float, double and long double take their C size and alignment, so
# the members after them are read at gcc's offsets, and their values print
# as null in text and JSON (bpftrace's none type: json-output "none type").
# Computing with a float member is an error that says so. The traced
# program is progs/float_target.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/float_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")
DEFS='
union N { int i; float f; };
struct reading {
    int id;
    float ratio;
    double mean;
    union N u;
    double samples[2];
    long double precise;
    short tail;
};
'

run_traced() {
    : >"$FATHOM_STDERR"
    : >"$FATHOM_STDOUT"
    ( for _ in $(seq 200); do
          grep -q '^Attached' "$FATHOM_STDERR" 2>/dev/null && break
          grep -q '"attached_probes"' "$FATHOM_STDOUT" 2>/dev/null && break
          sleep 0.05
      done
      "$TG" >"$T/target.out" ) &
    helper=$!
    fathom_run "$@"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

PROG="$DEFS"'
uprobe:'"$TG"':observe {
  $r = *(struct reading *)arg0;
  print($r);
  @r = $r;
  printf("%d %d %d %d\n", $r.id, $r.u.i, $r.tail, sizeof(struct reading));
}
uretprobe:'"$TG"':main { exit(); }'

run_traced -e "$PROG"
expect_exit 0
expect_stdout_eq '{ .id = 7, .ratio = null, .mean = null, .u = { .i = 5, .f = null }, .samples = [null,null], .precise = null, .tail = -2 }
7 5 -2 80


@r: { .id = 7, .ratio = null, .mean = null, .u = { .i = 5, .f = null }, .samples = [null,null], .precise = null, .tail = -2 }'

run_traced -q -f json -e "$PROG"
expect_exit 0
expect_stdout_eq '{"type": "value", "data": {"id": 7, "ratio": null, "mean": null, "u": {"i": 5, "f": null}, "samples": [null,null], "precise": null, "tail": -2}}
{"type": "printf", "data": "7 5 -2 80\n"}
{"type": "map", "data": {"@r": {"id": 7, "ratio": null, "mean": null, "u": {"i": 5, "f": null}, "samples": [null,null], "precise": null, "tail": -2}}}'

fathom_run -e "$DEFS"'BEGIN { $p = (struct reading *)0; @x = $p->mean * 2; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:12:40-48: ERROR: double values are not supported: fathom has no floating-point arithmetic$'
expect_stderr_match '^HINT: print\(\) or store the struct that holds it: its floating-point members show as null$'
