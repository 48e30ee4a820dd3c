#!/usr/bin/env bash
# -f json: every message type bpftrace's JSON output has, from BEGIN-only
# programs, checked line for line against current bpftrace's schema
# (src/output/json.cpp): attached_probes with "count", printf, value,
# map/hist/stats for every aggregation, keyed and tuple-keyed maps (keys
# "a,1", spaces dropped), print(@m, top, div), time, one JSON document per
# line and no blank lines at the end of the run; -q drops attached_probes;
# exit(N) sets the status.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/prog.bt" <<'EOF'
BEGIN {
  printf("x %d\n", 5);
  printf("tab\there \"q\" \\ \x01 end\n");
  print(1); print(-7); print("s"); print((1, "a")); print((1, (2, "b")));
  @c["a", 1] = count(); @c["b", 2] = count(); @c["b", 2] = count();
  @s = sum(5); @s = sum(-8);
  @mn = min(3); @mn = min(-2);
  @mx = max(3); @mx = max(9);
  @a = avg(4); @a = avg(10);
  @ak["x"] = avg(10); @ak["y"] = avg(2);
  @st = stats(10); @st = stats(-3);
  @sk["zsh"] = stats(10); @sk["curl"] = stats(2);
  @h = hist(-1); @h = hist(0); @h = hist(5); @h = hist(1500);
  @hk[1] = hist(3); @hk[2] = hist(20); @hk[2] = hist(20);
  @l = lhist(-1, 0, 100, 10); @l = lhist(50, 0, 100, 10); @l = lhist(1000, 0, 100, 10);
  @str["k y"] = "v\"q";
  @t = (1, "two");
  @e = count(); clear(@e);
  @z = count(); zero(@z);
  print(@c); print(@ak, 1, 2);
  exit();
}
EOF

cat >"$T/expected" <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "x 5\n"}
{"type": "printf", "data": "tab\there \"q\" \\ \u0001 end\n"}
{"type": "value", "data": 1}
{"type": "value", "data": -7}
{"type": "value", "data": "s"}
{"type": "value", "data": [1,"a"]}
{"type": "value", "data": [1,[2,"b"]]}
{"type": "map", "data": {"@c": {"a,1": 1, "b,2": 2}}}
{"type": "stats", "data": {"@ak": {"x": 5}}}
{"type": "stats", "data": {"@a": 7}}
{"type": "stats", "data": {"@ak": {"y": 2, "x": 10}}}
{"type": "map", "data": {"@c": {"a,1": 1, "b,2": 2}}}
{"type": "map", "data": {"@e": 0}}
{"type": "hist", "data": {"@h": [{"max": -1, "count": 1},{"min": 0, "max": 0, "count": 1},{"min": 1, "max": 1, "count": 0},{"min": 2, "max": 3, "count": 0},{"min": 4, "max": 7, "count": 1},{"min": 8, "max": 15, "count": 0},{"min": 16, "max": 31, "count": 0},{"min": 32, "max": 63, "count": 0},{"min": 64, "max": 127, "count": 0},{"min": 128, "max": 255, "count": 0},{"min": 256, "max": 511, "count": 0},{"min": 512, "max": 1023, "count": 0},{"min": 1024, "max": 2047, "count": 1}]}}
{"type": "hist", "data": {"@hk": {"1": [{"min": 2, "max": 3, "count": 1}], "2": [{"min": 16, "max": 31, "count": 2}]}}}
{"type": "hist", "data": {"@l": [{"max": -1, "count": 1},{"min": 0, "max": 9, "count": 0},{"min": 10, "max": 19, "count": 0},{"min": 20, "max": 29, "count": 0},{"min": 30, "max": 39, "count": 0},{"min": 40, "max": 49, "count": 0},{"min": 50, "max": 59, "count": 1},{"min": 60, "max": 69, "count": 0},{"min": 70, "max": 79, "count": 0},{"min": 80, "max": 89, "count": 0},{"min": 90, "max": 99, "count": 0},{"min": 100, "count": 1}]}}
{"type": "map", "data": {"@mn": -2}}
{"type": "map", "data": {"@mx": 9}}
{"type": "map", "data": {"@s": -3}}
{"type": "stats", "data": {"@sk": {"curl": {"count": 1, "average": 2, "total": 2}, "zsh": {"count": 1, "average": 10, "total": 10}}}}
{"type": "stats", "data": {"@st": {"count": 2, "average": 3, "total": 7}}}
{"type": "map", "data": {"@str": {"ky": "v\"q"}}}
{"type": "map", "data": {"@t": [1,"two"]}}
{"type": "map", "data": {"@z": 0}}
EOF

fathom_run -f json "$T/prog.bt"
expect_exit 0
expect_stdout_eq "$T/expected"   # byte for byte: no blank lines anywhere
expect_stderr_empty

# -q: the same without the attached_probes line; --format is -f.
tail -n +2 "$T/expected" >"$T/expected-q"
fathom_run -q --format json "$T/prog.bt"
expect_exit 0
expect_stdout_eq "$T/expected-q"
expect_stderr_empty

# time(): its strftime text; the default format ends in a newline.
fathom_run -q -f json -e 'BEGIN { time("%Y"); time(); exit(); }'
expect_exit 0
[ "$(wc -l <"$FATHOM_STDOUT")" -eq 2 ] || fail "expected 2 lines"
[ "$(sed -n 1p "$FATHOM_STDOUT")" = "{\"type\": \"time\", \"data\": \"$(date +%Y)\"}" ] \
    || fail "time(\"%Y\") line is wrong"
sed -n 2p "$FATHOM_STDOUT" | grep -q -E '^\{"type": "time", "data": "[0-9]{2}:[0-9]{2}:[0-9]{2}\\n"\}$' \
    || fail "time() line is wrong"

# exit(N) sets the exit status in JSON mode too.
fathom_run -f json -e 'BEGIN { printf("bye"); exit(3); }'
expect_exit 3
expect_stdout_eq '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "bye"}'
expect_stderr_empty
