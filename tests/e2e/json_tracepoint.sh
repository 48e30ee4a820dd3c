#!/usr/bin/env bash
# -f json with a live tracepoint: a workload (a copy of cat under a name
# unique to this run, so that a parallel run cannot feed it) opens a known
# file 10 times; every printf arrives as one printf message
# with the path JSON-escaped, the keyed count map comes last, and every
# line of stdout is one JSON document of a known type.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

wl_name=fj${T##*.}            # "fj" + mktemp's random suffix: a unique comm
cp /bin/cat "$T/$wl_name" || fail "cannot copy /bin/cat"
echo data >"$T/f \"q\".txt"   # opened by a relative name: short, fits str()

wait_attached() {
    for _ in $(seq 100); do
        grep -q '"type": "attached_probes"' "$FATHOM_STDOUT" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
: >"$FATHOM_STDOUT"
( cd "$T" && wait_attached && for _ in $(seq 10); do "./$wl_name" 'f "q".txt' >/dev/null; sleep 0.05; done ) &
wl=$!

fathom_run -f json -e 'tracepoint:syscalls:sys_enter_openat /comm == "'"$wl_name"'"/ {
    printf("%s %s\n", comm, str(args.filename));
    @opens[comm] = count();
}
interval:s:2 { exit(); }'
wait "$wl"
expect_exit 0
expect_stderr_empty

[ "$(head -n 1 "$FATHOM_STDOUT")" = '{"type": "attached_probes", "count": 2, "data": {"probes": 2}}' ] \
    || fail "first line is not attached_probes with count 2"
want='{"type": "printf", "data": "'"$wl_name"' f \"q\".txt\n"}'
n=$(grep -c -F -x "$want" "$FATHOM_STDOUT")
[ "$n" -eq 10 ] || fail "expected 10 lines '$want', got $n"
# The map: the workload's opens (the file, plus its shared libraries).
tail -n 1 "$FATHOM_STDOUT" | grep -q -E '^\{"type": "map", "data": \{"@opens": \{"'"$wl_name"'": [1-9][0-9]*\}\}\}$' \
    || fail "last line is not the @opens map"
# Nothing but JSON documents: no blank lines, every line a known message.
if grep -v -E '^\{"type": "(attached_probes|printf|map)", ' "$FATHOM_STDOUT" | grep -q .; then
    fail "stdout has lines that are not JSON messages"
fi
expect_stdout_no_match '^$'

# join(): one join message per call, the separator between the arguments.
jn_name=jn${T##*.}
cp /bin/echo "$T/$jn_name" || fail "cannot copy /bin/echo"
: >"$FATHOM_STDOUT"
( cd "$T" && wait_attached && "./$jn_name" a 'b "c' >/dev/null ) &
wl=$!
fathom_run -f json -e 'tracepoint:sched:sched_process_exec /comm == "'"$jn_name"'"/ { exit(); }
tracepoint:syscalls:sys_enter_execve /str(args.filename) == "./'"$jn_name"'"/ { join(args.argv); join(args.argv, ","); }
interval:s:3 { exit(); }'
wait "$wl"
expect_exit 0
cat >"$T/expected-join" <<EOF
{"type": "attached_probes", "count": 3, "data": {"probes": 3}}
{"type": "join", "data": "./$jn_name a b \\"c"}
{"type": "join", "data": "./$jn_name,a,b \\"c"}
EOF
expect_stdout_eq "$T/expected-join"
