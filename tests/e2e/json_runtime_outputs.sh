#!/usr/bin/env bash
# -f json, case by case as bpftrace's tests/runtime/json-output and its
# tests/runtime/outputs/*.json have them (json_begin_messages.sh covers the
# mixed BEGIN program): each line checked byte for byte against what
# current bpftrace's src/output/json.cpp writes. Also zero() of a tseries
# map: bpftrace still lists the cleared series, as [] (outputs/
# tseries_zero.json), keyed ones as {"key": []}; text prints <no data>.
# print(@m[k]) prints a value message, not a one-key map.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

# json_case NAME EXPECTED ARGS...: fathom -q -f json ARGS prints EXPECTED.
json_case() {
    local name=$1 expected=$2
    shift 2
    fathom_run -q -f json "$@"
    [ "$FATHOM_STATUS" = 0 ] || fail "$name: exit status $FATHOM_STATUS"
    [ "$(cat "$FATHOM_STDOUT")" = "$expected" ] \
        || fail "$name: expected
$expected"
}

json_case scalar '{"type": "map", "data": {"@scalar": 5}}' -e 'begin { @scalar = 5; }'
json_case scalar_str '{"type": "map", "data": {"@scalar_str": "a b \n d e"}}' \
    -e 'begin { @scalar_str = "a b \n d e"; }'
json_case complex '{"type": "map", "data": {"@complex": {"fathom,2": 5}}}' -e 'begin { @complex[comm,2] = 5; }'
json_case map '{"type": "map", "data": {"@map": {"key1": 2, "key2": 3}}}' \
    -e 'begin { @map["key1"] = 2; @map["key2"] = 3; }'
json_case "multiple maps" '{"type": "map", "data": {"@map1": {"key1": 2}}}
{"type": "map", "data": {"@map2": {"key2": 3}}}' -e 'begin { @map1["key1"] = 2; @map2["key2"] = 3; }'
json_case "histogram zero" '{"type": "hist", "data": {"@hist": []}}' -e 'begin { @hist = hist(2); zero(@hist); }'
json_case "multiple histograms multiple keys" \
    '{"type": "hist", "data": {"@": {"bpftrace,2": [{"min": 2, "max": 3, "count": 1}], "curl,3": [{"min": 256, "max": 511, "count": 1},{"min": 512, "max": 1023, "count": 0},{"min": 1024, "max": 2047, "count": 1}]}}}' \
    -e 'begin { @["bpftrace", 2] = hist(2); @["curl", 3] = hist(511); @["curl", 3] = hist(1024); }'
json_case "linear histogram zero" '{"type": "hist", "data": {"@h": []}}' -e 'begin { @h = lhist(2, 0, 100, 10); zero(@h); }'
json_case "multiple linear histograms" \
    '{"type": "hist", "data": {"@stats": {"curl": [{"min": 50, "max": 59, "count": 1}], "bpftrace": [{"min": 0, "max": 9, "count": 1},{"min": 10, "max": 19, "count": 0},{"min": 20, "max": 29, "count": 0},{"min": 30, "max": 39, "count": 0},{"min": 40, "max": 49, "count": 0},{"min": 50, "max": 59, "count": 0},{"min": 60, "max": 69, "count": 0},{"min": 70, "max": 79, "count": 0},{"min": 80, "max": 89, "count": 0},{"min": 90, "max": 99, "count": 0},{"min": 100, "count": 1}]}}}' \
    -e 'begin { @stats["bpftrace"] = lhist(2, 0, 100, 10); @stats["curl"] = lhist(50, 0, 100, 10); @stats["bpftrace"] = lhist(1000, 0, 100, 10); }'
json_case stats '{"type": "stats", "data": {"@stats": {"count": 2, "average": 6, "total": 12}}}' \
    -e 'begin { @stats = stats(2); @stats = stats(10); }'
json_case printf '{"type": "printf", "data": "test 5"}' -e 'begin { printf("test %d", 5); }'
json_case printf_escaping '{"type": "printf", "data": "test \r \n \t \\ \" bar"}' \
    -e 'begin { printf("test \r \n \t \\ \" bar"); }'
json_case syscall '{"type": "syscall", "data": "a b c\n"}' --unsafe -e 'begin { system("echo a b c"); }'
json_case strerror '{"type": "value", "data": "Argument list too long"}' -e 'begin { print((strerror(7))); }'
json_case tuple '{"type": "map", "data": {"@": [1,2,"string",[4,5]]}}' -e 'begin { @ = (1, 2, "string", (4, 5)); }'
json_case tuple_with_escaped_string '{"type": "map", "data": {"@": [1,2,"string with \"quotes\""]}}' \
    -e 'begin { @ = (1, 2, "string with \"quotes\""); }'
json_case print_non_map_builtin '{"type": "value", "data": "fathom"}' -e 'begin { print(comm); exit() }'
json_case print_non_map_tuple '{"type": "value", "data": [1,2,"string"]}' -e 'begin { $t = (1, 2, "string"); print($t); exit() }'
json_case print_avg_map_args '{"type": "stats", "data": {"@": {"c": 3, "d": 4}}}
{"type": "stats", "data": {"@": {}}}' \
    -e 'begin { @["a"] = avg(10); @["b"] = avg(20); @["c"] = avg(30); @["d"] = avg(40); print(@, 2, 10); clear(@); }'
json_case print_hist_with_top_arg \
    '{"type": "hist", "data": {"@": {"2": [{"min": 16, "max": 31, "count": 1}], "3": [{"min": 16, "max": 31, "count": 1}]}}}' \
    -e 'begin { @[1] = hist(10); @[2] = hist(20); @[3] = hist(30); print(@, 2); clear(@); }'
json_case helper_error \
    '{"type": "helper_error", "msg": "Bad address", "helper": "probe_read", "retcode": -14, "filename": "stdin", "line": 1, "col": 37}' \
    -k -e 'struct foo {int a;}; begin { $tmp = ((struct foo*) 0)->a; }'
# -k: a map read that finds nothing. The JSON "msg" is strerror(-retcode)
# for every helper (json.cpp's runtime_error), "Success" for retcode 0;
# the "Can't lookup map element" sentence is the text warning's.
json_case helper_error_map_lookup \
    '{"type": "helper_error", "msg": "Success", "helper": "map_lookup_elem", "retcode": 0, "filename": "stdin", "line": 1, "col": 25}' \
    -k -e 'begin { @m[2] = 1; $x = @m[1]; clear(@m); }'
json_case print_hex_values '{"type": "map", "data": {"@": 50}}' -e 'begin { @=(int16*) 0x32; }'
json_case enum_not_symbolized '{"type": "value", "data": 333}' -e 'enum { FOO = 333 }; begin { $f = FOO; print($f); }'
# An enumerator is a 64-bit enum value: JSON reads it unsigned, so -1
# does not fit a double and becomes a string; keys keep the name.
json_case enum_negative '{"type": "value", "data": "18446744073709551615"}
{"type": "value", "data": ["18446744073709551615",1]}
{"type": "map", "data": {"@k": {"NEG": 1}}}' \
    -e 'enum E { NEG = -1, ONE = 1 }; begin { $e = NEG; print($e); print((NEG, ONE)); @k[NEG] = 1; }'
json_case enum_symbolized_printf '{"type": "printf", "data": "1 ONE 2 TWO 99999 OTHER\n"}' \
    -e 'enum Foo { ONE = 1, TWO = 2, OTHER = 99999 }; begin { printf("%d %s %d %s %d %s\n", ONE, ONE, TWO, TWO, OTHER, OTHER); exit() }'
# print() of a map element is a value print in bpftrace (codegen calls
# createPrintMapCall only for a bare map), read when print() runs.
json_case print_map_element '{"type": "value", "data": 20}
{"type": "value", "data": [1,"z"]}
{"type": "value", "data": 2}' \
    -e 'begin { @a[2] = 20; print(@a[2]); @a[2] = 30; @t["k", 1] = (1, "z"); print(@t["k", 1]); @c[1] = count(); @c[1] = count(); print(@c[1]); clear(@a); clear(@t); clear(@c); }'
json_case "print bool type" '{"type": "value", "data": [true,false]}' -e 'begin { print((true, false)); }'

# histogram-finegrain: hist($i, 3) for 0..1023, every bucket of
# outputs/hist_2args.json: single values up to 15, then 8 buckets a power.
expected='{"type": "hist", "data": {"@": ['
for v in $(seq 0 15); do expected+="{\"min\": $v, \"max\": $v, \"count\": 1},"; done
for p in $(seq 4 9); do
    size=$(( (1 << p) / 8 ))
    for s in $(seq 0 7); do
        lo=$(( (1 << p) + s * size ))
        expected+="{\"min\": $lo, \"max\": $(( lo + size - 1 )), \"count\": $size},"
    done
done
expected="${expected%,}]}}"
json_case histogram-finegrain "$expected" -e 'begin { $i = 0; while ($i < 1024) { @ = hist($i, 3); $i++; } }'

# cat and cgroup_path: contents vary, the message shape does not.
fathom_run -q -f json -e 'begin { cat("/proc/uptime"); print(cgroup_path(cgroup)); }'
expect_exit 0
expect_stdout_match '^\{"type": "cat", "data": "[0-9]+\.[0-9]+ [0-9]+\.[0-9]+\\n"\}$'
python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
v = json.loads(lines[1])
assert v["type"] == "value" and isinstance(v["data"], str), v' "$FATHOM_STDOUT" \
    || fail "cgroup_path: not one value message with a string"

# strftime in a tuple
fathom_run -q -f json -e 'begin { $t = (1, strftime("%m/%d/%y", nsecs)); print($t); exit() }'
expect_exit 0
expect_stdout_match '^\{"type": "value", "data": \[1,"[0-9]{2}/[0-9]{2}/[0-9]{2}"\]\}$'

# Structs read through a uprobe (testprogs/simple_struct and
# struct_with_union in bpftrace): objects with ", " inside tuples' ",".
gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/json_struct_target.c" || fail "cannot compile the test program"
json_case tuple_with_struct '{"type": "map", "data": {"@": [0,{"m": 2, "n": 3}]}}' \
    -e 'struct Foo { int m; int n; } uprobe:'"$T"'/target:func { $f = *((struct Foo *) arg0); @ = (0, $f); exit(); }' \
    -c "$T/target"
json_case print_non_map_struct '{"type": "value", "data": {"m": 2, "n": 3}}' \
    -e 'struct Foo { int m; int n; } uprobe:'"$T"'/target:func { $f = *((struct Foo *) arg0); print($f); exit(); }' \
    -c "$T/target"
json_case print_non_map_nested_struct '{"type": "value", "data": {"y": {"m": [2]}, "a": {"n": 3}}}' \
    -e 'struct Foo { struct { int m[1] } y; struct { int n; } a; } uprobe:'"$T"'/target:func { $f = *((struct Foo *) arg0); print($f); exit(); }' \
    -c "$T/target"
json_case "none type" '{"type": "value", "data": {"m": 2, "n": {"i": 5, "f": null}}}' \
    -e 'union N { int i; float f; }; struct Foo { int m; union N n; }; uprobe:'"$T"'/target:ufunc { print(*((struct Foo *) arg0)); exit(); }' \
    -c "$T/target"

# join_delim: the argv of an execve joined with the delimiter.
fathom_run -q --unsafe -f json -e 'tracepoint:syscalls:sys_enter_execve { join(args.argv, ","); }' \
    -c "/bin/sh -c \"exec /bin/echo 'A'\""
expect_exit 0
expect_stdout_match '^\{"type": "join", "data": "/bin/echo,A"\}$'

# zero() of tseries maps: the series stay, with no intervals.
fathom_run -q -f json -e 'config = { unstable_tseries=enable }
begin { @a = tseries(5, 1s, 5); @k["one"] = tseries(5, 1s, 5); zero(@a); zero(@k); print(@a); print(@k); clear(@k); }'
expect_exit 0
expect_stdout_eq '{"type": "tseries", "data": {"@a": []}}
{"type": "tseries", "data": {"@k": {"one": []}}}
{"type": "tseries", "data": {"@a": []}}'
fathom_run -q -e 'config = { unstable_tseries=enable }
begin { @a = tseries(5, 1s, 5); @k["one"] = tseries(5, 1s, 5); zero(@a); zero(@k); print(@a); print(@k); clear(@a); clear(@k); }'
expect_exit 0
expect_stdout_eq '@a:
<no data>
@k[one]:
<no data>'
