#!/usr/bin/env bash
# C++ functions, matched and printed by their demangled names as bpftrace
# does: a pattern with "::" (ns::func*), a name without its parameters
# (both overloads), bpftrace's cpp: prefix, a quoted full signature, and
# demangled names in func, usym() and ustack. Target: progs/cpp_target.cpp.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd g++

g++ -O1 -fno-omit-frame-pointer -o "$T/target" "$E2E_DIR/progs/cpp_target.cpp" || fail "cannot compile cpp_target.cpp"
TG=$(realpath "$T/target")


run_traced() {
    rm -f "$T/go"
    : >"$FATHOM_STDERR"
    ( wait_attached && touch "$T/go" && "$TG" "$T/go" ) &
    helper=$!
    fathom_run -e "$1 uretprobe:$TG:main { exit(); }"
    wait "$helper" || fail "the target failed (fathom never attached?)"
}

run_traced "uprobe:$TG:ns::func* { printf(\"%s\\n\", func); }"
expect_exit 0
expect_stderr_eq "Attached 4 probes"
expect_stdout_eq "ns::func_one(int)
ns::func_one(double)
ns::func_two()"

# A name without parameters names every overload; cpp: is bpftrace's prefix.
run_traced "uprobe:$TG:ns::func_one { @[func] = count(); } uprobe:$TG:cpp:ns::Counter::bump { @[func] = count(); }"
expect_exit 0
expect_stdout_match '^@\[ns::func_one\(int\)\]: 1$'
expect_stdout_match '^@\[ns::func_one\(double\)\]: 1$'
expect_stdout_match '^@\[ns::Counter::bump\(\)\]: 1$'

# probe names the mangled symbol, after cpp: when the attach point has it
# (as bpftrace: uprobe:PATH:cpp:_Z...); func is the demangled signature.
run_traced "uprobe:$TG:cpp:ns::func_one { printf(\"%s|%s\\n\", probe, func); } uprobe:$TG:ns::func_two { printf(\"%s|%s\\n\", probe, func); }"
expect_exit 0
expect_stdout_match "^uprobe:$TG:cpp:_ZN2ns8func_oneEi\\|ns::func_one\\(int\\)\$"
expect_stdout_match "^uprobe:$TG:cpp:_ZN2ns8func_oneEd\\|ns::func_one\\(double\\)\$"
expect_stdout_match "^uprobe:$TG:_ZN2ns8func_twoEv\\|ns::func_two\\(\\)\$"

# The full signature, quoted; the mangled name still works.
run_traced "uprobe:$TG:\"ns::func_two()\" { printf(\"%s\\n\", usym(reg(\"ip\"))); } uprobe:$TG:_ZN2ns8func_oneEi { printf(\"%s\\n\", ustack(1)); }"
expect_exit 0
expect_stdout_match '^ns::func_two\(\)$'
expect_stdout_match '^ +ns::func_one\(int\)\+0$'

fathom_run -l "uprobe:$TG:cpp:ns::func_one*"
expect_exit 0
expect_stdout_eq "uprobe:$TG:cpp:\"ns::func_one(double)\"
uprobe:$TG:cpp:\"ns::func_one(int)\""

fathom_run -e "uprobe:$TG:ns::no_such_function { }"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:ns::no_such_function"

# The demangler is libstdc++'s, opened when the first C++ name is met;
# fathom itself does not link libstdc++.  Where that library cannot be
# opened (hidden here by a bind mount in a private mount namespace), names
# stay mangled and still match as such.  A sanitizer build links it
# through the UBSan runtime, so it cannot even start with the file hidden:
# there the same probe runs unhidden and names are demangled.
libstdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 \(libc6,x86-64\)/ { print $NF; exit }')
[ -n "$libstdcxx" ] || fail "no libstdc++.so.6 in ldconfig -p"
if ldd "$FATHOM" | grep -q 'libstdc++'; then
    ldd "$FATHOM" | grep -q -E 'libubsan|libasan' || fail "$FATHOM links libstdc++ itself"
    want='ns::func_two()' hide=()
else
    want='_ZN2ns8func_twoEv' hide=(unshare -m bash -c 'mount --bind /dev/null "$1" && shift && exec "$@"' _ "$libstdcxx")
fi
rm -f "$T/go"
: >"$T/err"
( for _ in $(seq 100); do grep -q '^Attached' "$T/err" && break; sleep 0.1; done; touch "$T/go"; "$TG" "$T/go" ) &
helper=$!
timeout 30 "${hide[@]}" \
    "$FATHOM" -e "uprobe:$TG:_ZN2ns8func_twoEv { printf(\"%s\\n\", func); } uretprobe:$TG:main { exit(); }" \
    >"$T/out" 2>"$T/err"
st=$?
wait "$helper" || fail "the target failed: $(cat "$T/err")"
[ "$st" = 0 ] || fail "fathom exited $st: $(cat "$T/err")"
[ "$(cat "$T/out")" = "$want" ] || fail "func: '$(cat "$T/out")', expected '$want'"
