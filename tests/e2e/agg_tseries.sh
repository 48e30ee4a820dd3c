#!/usr/bin/env bash
# tseries(): a workload (the -c child) closes bad file descriptors whose
# numbers are the values, at known places in whole TAI seconds, so every
# one-second interval of the series is known: two values in the first, none
# in the second, two in the third, one in the fourth. Each aggregation
# (last value, max, min, sum, avg) and a keyed series are checked in the
# text chart bpftrace prints (times replaced by HH:MM:SS after checking
# that they are consecutive seconds), print() in a probe with clear() and
# print(@ts, min, max) with its own range, then
# JSON, then the unstable-feature warning and the errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3

cat >"$T/work.py" <<'PY'
import os, time
def at(second, frac):
    # sleep until `frac` into TAI second `second`
    while True:
        now = time.clock_gettime(time.CLOCK_TAI)
        target = second + frac
        if now >= target:
            return
        time.sleep(min(target - now, 0.05))
def close(fd):
    try:
        os.close(fd)
    except OSError:
        pass
start = int(time.clock_gettime(time.CLOCK_TAI)) + 2
at(start, 0.3); close(-5)
at(start, 0.6); close(-1)
at(start + 2, 0.3); close(1000)
at(start + 2, 0.6); close(1004)
at(start + 3, 0.4); close(-3)
at(start + 3, 0.8)
PY

# g DOT STAR: a 53-column graph line, '.' and '*' at those columns (-1: none)
g() {
    local line="|                                                   |"
    [ "$1" -ge 0 ] && line="${line:0:$1}.${line:$(($1 + 1))}"
    [ "$2" -ge 0 ] && line="${line:0:$2}*${line:$(($2 + 1))}"
    printf '%s' "$line"
}
# chart MIN MAX then rows "DOT STAR VALUE" (VALUE "-" for a missing one)
chart() {
    local mn=$1 mx=$2 dot star v
    shift 2
    printf '         %-21s%32s\n' "$mn" "$mx"
    printf 'hh:mm:ss |___________________________________________________|\n'
    while [ $# -gt 0 ]; do
        dot=$1 star=$2 v=$3
        shift 3
        printf 'HH:MM:SS %s %s\n' "$(g "$dot" "$star")" "$v"
    done
    printf '         v___________________________________________________v\n'
    printf '         %-21s%32s\n' "$mn" "$mx"
}

# Lines of stdout starting with a time: consecutive seconds within each chart.
check_times() {
    awk '/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] / { split($1, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3];
           if (prev != "" && s != prev + 1) { bad = 1 } prev = s; next } { prev = "" }
         END { exit bad }' "$FATHOM_STDOUT" || fail "chart times are not consecutive seconds"
    sed -i -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2} /HH:MM:SS /' "$FATHOM_STDOUT"
}

prog='config = { unstable_tseries=enable }
tracepoint:syscalls:sys_enter_close /(int32)args.fd < 0 || args.fd >= 1000/ { $v = (int32)args.fd;
  @last = tseries($v, 1s, 10); @max = tseries($v, 1s, 10, "max");
  @min = tseries($v, 1s, 10, "min"); @sum = tseries($v, 1s, 10, "sum");
  @avg = tseries($v, 1s, 10, "avg"); @k[$v > 0] = tseries($v, 1s, 10);
  @sign = tseries($v > 0 ? 1 : -1, 1s, 10); }
END { print(@avg); clear(@avg); print(@sign, -2, 2); clear(@sign); }'
fathom_run -e "$prog" -c "python3 $T/work.py"
expect_exit 0
check_times
{
    echo "@avg:"
    chart -3 1002  -1 0 -3  -1 -1 -  -1 52 1002  -1 0 -3
    echo
    echo "@sign:"
    chart -2 2  26 13 -1  26 -1 -  26 39 1  26 13 -1
    echo
    echo
    echo
    echo "@k[false]:"
    chart -3 -1  -1 52 -1  -1 -1 -  -1 -1 -  -1 0 -3
    echo
    echo "@k[true]:"
    chart 1003 1005  -1 26 1004  -1 -1 -
    echo
    echo "@last:"
    chart -3 1004  -1 0 -1  -1 -1 -  -1 52 1004  -1 0 -3
    echo
    echo "@max:"
    chart -3 1004  -1 0 -1  -1 -1 -  -1 52 1004  -1 0 -3
    echo
    echo "@min:"
    chart -5 1000  -1 0 -5  -1 -1 -  -1 52 1000  -1 0 -3
    echo
    echo "@sum:"
    chart -6 2004  -1 0 -6  -1 -1 -  -1 52 2004  -1 0 -3
    echo
} >"$T/expected"
expect_stdout_eq "$T/expected"

# JSON: intervals without a value are left out, times are UTC with
# nanoseconds; keyed series are objects by key
fathom_run -f json -e 'config = { unstable_tseries=enable }
tracepoint:syscalls:sys_enter_close /(int32)args.fd < 0 || args.fd >= 1000/ { $v = (int32)args.fd;
  @s = tseries($v, 1s, 10, "sum"); @k[$v > 0 ? "pos" : "neg"] = tseries($v, 1s, 3, "min"); }' -c "python3 $T/work.py"
expect_exit 0
python3 - "$FATHOM_STDOUT" <<'PY' || fail "JSON tseries output is not as expected"
import json, sys, datetime
msgs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ts = [m for m in msgs if m["type"] == "tseries"]
assert len(ts) == 2, ts
def secs(p):
    t = datetime.datetime.strptime(p["interval_start"], "%Y-%m-%d %H:%M:%S.%f000")
    assert p["interval_start"].endswith(".000000000"), p
    return t.replace(tzinfo=datetime.timezone.utc).timestamp()
s = ts[1]["data"]["@s"] if "@s" in ts[1]["data"] else ts[0]["data"]["@s"]
assert [p["value"] for p in s] == [-6, 2004, -3], s
t = [secs(p) for p in s]
assert t[1] - t[0] == 2 and t[2] - t[1] == 1, t
k = ts[0]["data"]["@k"] if "@k" in ts[0]["data"] else ts[1]["data"]["@k"]
assert list(k.keys()) == ["neg", "pos"], k
assert [p["value"] for p in k["neg"]] == [-3], k  # -5 was 3 intervals before the last
assert [p["value"] for p in k["pos"]] == [1000], k
PY
grep -q '^{"type": "tseries", "data": {"@s": \[{"interval_start":"20[0-9-]* [0-9:]*\.000000000","value":-6},{' "$FATHOM_STDOUT" ||
    fail "JSON tseries line is not spelled as bpftrace spells it"

# the default (unstable_tseries=warn) says once that tseries is unstable
fathom_run -e 'BEGIN { @a = tseries(1, 1s, 2); @b = tseries(2, 1s, 2); exit(); }'
expect_exit 0
expect_stderr_eq $'WARNING: Script is using an unstable feature: tseries. To prevent this warning you must explicitly enable it in the config e.g. unstable_tseries=enable\nAttached 1 probe'
expect_stdout_match '^@a:$'

fathom_run -e 'config = { unstable_tseries=error } BEGIN { @a = tseries(1, 1s, 2); }'
expect_exit 1
expect_stderr_match '^stdin:1:50-67: ERROR: tseries feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_tseries=enable$'

err() { # PROGRAM REGEX: fails to compile with that message
    fathom_run -e "config = { unstable_tseries=enable } BEGIN { $1 }"
    expect_exit 1
    expect_stderr_match "$2"
}
err '@a = tseries(1, 1s, 2, "stats");' 'ERROR: tseries\(\) expects one of the following aggregation functions: avg, max, min, sum \("stats" provided\)$'
err '@a = tseries(1, 0, 10);' 'ERROR: tseries\(\) interval_ns must be >= 1 \(0 provided\)$'
err '@a = tseries(1, 1s, 0);' 'ERROR: tseries\(\) num_intervals must be >= 1 \(0 provided\)$'
err '@a = tseries(1, 1s, 1000001);' 'ERROR: tseries\(\) num_intervals must be < 1000000 \(1000001 provided\)$'
err '$i = 5; @a = tseries(1, $i, 10);' 'ERROR: tseries: invalid interval_ns value \(must be non-negative literal\)$'
err '@a = tseries(1, 1s, 10); @a = tseries(2, 2s, 10);' 'ERROR: Different tseries bounds in a single map unsupported$'
err '@a = tseries(1, 1s, 10); $x = @a;' 'ERROR: @a holds tseries_t; its value cannot be read in a probe$'
err 'tseries(1, 1s, 10);' 'ERROR: tseries\(\) must be assigned to a map$'
err '@a = tseries("s", 1s, 10);' 'ERROR: tseries\(\) value must be an integer$'
err '@a = tseries(1, 1s, 10); print(@a, 1);' 'ERROR: print\(\) must provide both min and max arguments when used on tseries\(\) maps.$'
err '@a = tseries(1, 1s, 10); print(@a, 5, 1);' "ERROR: print\\(\\)'s min argument cannot be greater than its max argument.$"
