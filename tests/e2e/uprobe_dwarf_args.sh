#!/usr/bin/env bash
# args.NAME in uprobes from the traced binary's DWARF (bpftrace reads a
# function's parameters by name when the binary has debug info): integers
# of every width and sign, typedef'd const pointers to structs with char
# arrays, arrays, bitfields and a pointer to the same struct type; structs
# the script does not define, found in the DWARF for a cast; -lv listing
# the parameters as C writes them. Each parameter is where the x86-64
# calling convention puts it: one not in an integer register (a struct by
# value, a double, a seventh integer) is not in args, and the others after
# it still are.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/dwarf_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")

run_traced() {
    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" ) &
    helper=$!
    fathom_run -e "$1"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}
END_PROBE="uretprobe:$TG:main { exit(); }"

run_traced "uprobe:$TG:ship { printf(\"%d %d %d %s %d %d\\n\", args.priority, args.count, *args.total,
    args.first->customer, args.first->lines[2], args.first->next->id);
  printf(\"%d %d %s\\n\", args.first->urgent, args.first->weight, args.first->next->customer);
  print(args.first->lines); } $END_PROBE"
expect_exit 0
expect_stdout_match '^-3 2 1234 alice 3 8$'
expect_stdout_match '^1 42 bob$'
expect_stdout_match '^\[1,2,3\]$'

# a cast to a struct only the binary's DWARF defines
run_traced "uprobe:$TG:ship { \$o = (struct order *)arg0; printf(\"%d %s\\n\", \$o->id, \$o->next->customer); } $END_PROBE"
expect_exit 0
expect_stdout_match '^7 bob$'

# weigh(struct order by_value, int after): the struct is too big for
# registers and goes on the stack, so `after` is in the first register;
# args.by_value is refused with where it is and how to read it there
run_traced "uprobe:$TG:weigh { printf(\"after=%d\\n\", args.after); } $END_PROBE"
expect_exit 0
expect_stdout_match '^after=1$'
fathom_run -e "uprobe:$TG:weigh { print(args.by_value); }"
expect_exit 1
expect_stderr_match "ERROR: args has no 'by_value': parameter 'by_value' of weigh is passed on the stack, and args holds the integer and pointer parameters passed in registers"
expect_stderr_match 'HINT: read it from the stack at the function.s entry: \*\(struct order \*\)\(reg\("sp"\) \+ 8\)'
run_traced "uprobe:$TG:weigh { \$o = (struct order *)(reg(\"sp\") + 8); printf(\"%d %s\\n\", \$o->id, \$o->customer); } $END_PROBE"
expect_exit 0
expect_stdout_match '^7 alice$'

# mix(double, struct pair, long tail, a, b, c, d, spill): the double is in
# an SSE register and the 8-byte pair in the first general register, so
# tail is in the second and d in the sixth; spill, the seventh integer, is
# on the stack (before, the double ended the list)
run_traced "uprobe:$TG:mix { printf(\"%d %d %d\\n\", args.tail, args.a, args.d); } $END_PROBE"
expect_exit 0
expect_stdout_match '^11 12 15$'
# the pair itself is by value in one register: its fields are read from
# their bytes of it (right: the upper four), the whole pair is refused
fathom_run -e "uprobe:$TG:mix { print(args.two); }"
expect_exit 1
expect_stderr_match "ERROR: args.two is no single value: parameter 'two' of mix is passed by value, in general registers, a part in each"
expect_stderr_match '^HINT: read its fields one at a time: args\.two\.left, args\.two\.right$'
run_traced "uprobe:$TG:mix { printf(\"left=%d right=%d di=%d\\n\", args.two.left, args.two.right, reg(\"di\") >> 32); } $END_PROBE"
expect_exit 0
expect_stdout_match '^left=3 right=4 di=4$'
fathom_run -e "uprobe:$TG:mix { print(args.ratio); }"
expect_exit 1
expect_stderr_match "parameter 'ratio' of mix is passed in SSE registers"
fathom_run -e "uprobe:$TG:mix { print(args.spill); }"
expect_exit 1
expect_stderr_match "parameter 'spill' of mix is passed on the stack"
expect_stderr_match 'HINT: read it from the stack at the function.s entry: \*\(int64 \*\)\(reg\("sp"\) \+ 8\)'
run_traced "uprobe:$TG:mix { printf(\"spill=%d\\n\", *(int64 *)(reg(\"sp\") + 8)); } $END_PROBE"
expect_exit 0
expect_stdout_match '^spill=16$'
# ... as bpftrace 0.17's sarg0 reads it (sargN: the Nth word above the
# return address), which needs no debug info; not in a uretprobe, where
# the stack has moved on
run_traced "uprobe:$TG:mix { printf(\"sarg=%d\\n\", sarg0); } $END_PROBE"
expect_exit 0
expect_stdout_match '^sarg=16$'
fathom_run -e "uretprobe:$TG:mix { print(sarg0); }"
expect_exit 1
expect_stderr_match "^stdin:1:[0-9]+-[0-9]+: ERROR: The sarg0 builtin can only be used with 'kprobes' and 'uprobes' probes$"
fathom_run -lv "uprobe:$TG:mix"
expect_exit 0
expect_stdout_eq "uprobe:$TG:mix
    double ratio
    struct pair two
    long int tail
    long int a
    long int b
    long int c
    long int d
    long int spill"

# make() returns a struct in memory: the address it writes to is a hidden
# first argument, and id is in the second register
run_traced "uprobe:$TG:make { printf(\"id=%d\\n\", args.id); } $END_PROBE"
expect_exit 0
expect_stdout_match '^id=21$'

# a bitfield wider than 64 bits is no field fathom reads; the one after it is
run_traced "uprobe:$TG:widen { printf(\"small=%d\\n\", args.w->small); } $END_PROBE"
expect_exit 0
expect_stdout_match '^small=9$'
fathom_run -e "uprobe:$TG:widen { print(args.w->huge); }"
expect_exit 1
expect_stderr_match "ERROR: struct wide has no field 'huge'"

# main(void): no parameters, so no args to read (bpftrace refuses it as
# well); before, an empty record printed as "()" and failed as a map value
fathom_run -e "uprobe:$TG:main { print(args); }"
expect_exit 1
expect_stderr_match "ERROR: cannot read function parameters: main takes none"
fathom_run -e "uprobe:$TG:main { @a = args; }"
expect_exit 1
expect_stderr_match "cannot read function parameters"

fathom_run -lv "uprobe:$TG:ship"
expect_exit 0
expect_stdout_eq "uprobe:$TG:ship
    order_ref first
    int8_t priority
    uint64_t* total
    long int count"

# a binary without debug info: args is not there, and the hint says why
gcc -O1 -o "$T/nodebug" "$E2E_DIR/progs/dwarf_target.c" && strip --strip-debug "$T/nodebug"
fathom_run -e "uprobe:$(realpath "$T/nodebug"):ship { print(args.count); }"
expect_exit 1
expect_stderr_match "'args' is not available in uprobe probes"
expect_stderr_match "HINT: a uprobe has args when .*/nodebug has DWARF debug info for ship \(build it with -g\)"

# two static functions named helper, one in each file: args and -lv are
# those of the one at the probed symbol's address (the first symbol of the
# name), not whichever of the two the DWARF lists first
gcc -g -O1 -o "$T/static" "$E2E_DIR/progs/dwarf_static_a.c" "$E2E_DIR/progs/dwarf_static_b.c" ||
    fail "cannot compile the static-function test program"
fathom_run -lv "uprobe:$T/static:helper"
expect_exit 0
expect_stdout_eq "uprobe:$T/static:helper
    long int first_a
    long int second_a"
fathom_run -e "uprobe:$T/static:helper { print(args); exit(); }" -c "$T/static"
expect_exit 0
expect_stdout_match '^\{ \.first_a = 1, \.second_a = 2 \}$'

# C++: a function is found by its mangled name (the definition of a member
# function completes its declaration in the class), `this` included
if command -v g++ >/dev/null; then
    g++ -g -O1 -o "$T/cpp" "$E2E_DIR/progs/cpp_target.cpp" || fail "cannot compile the C++ test program"
    touch "$T/go"
    fathom_run -q -e "uprobe:$T/cpp:cpp:\"ns::func_one(int)\" { printf(\"x=%d\\n\", args.x); }
      uprobe:$T/cpp:cpp:\"ns::Counter::bump()\" { printf(\"n=%d\\n\", args.this->n); exit(); }" -c "$T/cpp $T/go"
    expect_exit 0
    expect_stdout_match '^x=1$'
    expect_stdout_match '^n=0$'
    # a class with a destructor is passed by reference: one register
    fathom_run -q -e "uprobe:$T/cpp:cpp:\"ns::keep(ns::Tracked, int)\" { printf(\"after=%d\\n\", args.after); exit(); }" -c "$T/cpp $T/go"
    expect_exit 0
    expect_stdout_match '^after=9$'
    fathom_run -e "uprobe:$T/cpp:cpp:\"ns::keep(ns::Tracked, int)\" { print(args.t); }"
    expect_exit 1
    expect_stderr_match "parameter 't' of ns::keep\(ns::Tracked, int\) is passed by reference \(as a pointer to a copy\)"
fi

# a stripped binary whose DWARF is in its separate debug file, found by
# build-id under /usr/lib/debug as for its symbols
if command -v objcopy >/dev/null && command -v readelf >/dev/null; then
    gcc -g -O1 -Wl,--build-id -o "$T/stripped" "$E2E_DIR/progs/dwarf_target.c" || fail "cannot compile the test program"
    objcopy --only-keep-debug "$T/stripped" "$T/stripped.debug" && strip --strip-debug "$T/stripped" ||
        fail "cannot split the debug info"
    ID=$(readelf -n "$T/stripped" | awk '/Build ID:/ { print $3 }')
    [ -n "$ID" ] || fail "the test program has no build-id"
    DEBUG_FILE=/usr/lib/debug/.build-id/${ID:0:2}/${ID:2}.debug
    mkdir -p "${DEBUG_FILE%/*}" || fail "cannot create ${DEBUG_FILE%/*}"
    at_exit rm -f "$DEBUG_FILE"
    cp "$T/stripped.debug" "$DEBUG_FILE" || fail "cannot install the debug file"
    fathom_run -lv "uprobe:$(realpath "$T/stripped"):ship"
    expect_exit 0
    expect_stdout_match '^    uint64_t\* total$'
fi

# a uprobe at an offset into a function is past its entry, where the
# parameters are: args is refused with a hint that says so
fathom_run -e "uprobe:$T/target:ship+4 { print(args); }"
expect_exit 1
expect_stderr_match "^stdin:1:[0-9]+-[0-9]+: ERROR: 'args' is not available in uprobe probes$"
expect_stderr_match "^HINT: a uprobe has args at a function's entry only \(uprobe:BINARY:FUNCTION\), not at an offset or address; arg0, arg1, \.\.\. read the argument registers there$"
