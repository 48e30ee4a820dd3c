#!/usr/bin/env bash
# Go programs: functions listed and probed by their Go names (main.add,
# a method as "main.(*point).scale", quoted), and args.NAME read where
# Go's register ABI passes them (ax, bx, cx, ...), which the DWARF's
# location lists say: the C calling convention's registers would be
# wrong. A string or slice is in several registers (args.NAME.FIELD reads
# one), a tenth integer on the stack. Stacks walk Go's frame pointers.
# Target: progs/go_target.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd go

cp -r "$E2E_DIR/progs/go_target" "$T/src" || fail "cannot copy the Go program"
# no module downloads: the program uses the standard library only
( cd "$T/src" && GOCACHE="$T/gocache" GOPATH="$T/gopath" GOFLAGS=-mod=mod GOPROXY=off \
    go build -o "$T/target" . ) || fail "cannot build the Go program"
TG=$(realpath "$T/target")

fathom_run -lv "uprobe:$TG:main.*"
expect_exit 0
expect_stdout_eq "uprobe:$TG:main.(*point).scale
    main.point* p
    int k
    int ~r0
uprobe:$TG:main.add
    int a
    int b
    int ~r0
uprobe:$TG:main.greet
    struct string name
    struct []string tags
    int unused
    int ~r0
uprobe:$TG:main.main
uprobe:$TG:main.spill
    int a
    int b
    int c
    int d
    int e
    int f
    int g
    int h
    int i
    int j
    int ~r0"

fathom_run -e "uprobe:$TG:main.add { printf(\"add %d %d\\n\", args.a, args.b); }
  uprobe:$TG:\"main.(*point).scale\" { printf(\"scale %d %d %d\\n\", args.p->x, args.p->y, args.k); }" -c "$TG"
expect_exit 0
expect_stdout_eq "add 1 10
scale 3 4 1
add 2 20
scale 3 4 2
add 3 30
scale 3 4 3"

fathom_run -e "uprobe:$TG:main.add /args.a == 2/ { printf(\"%s\\n\", ustack(3)); }" -c "$TG"
expect_exit 0
expect_stdout_match '^        main\.add\+0$'
expect_stdout_match '^        runtime\.main\+[0-9]+$'

# A string or slice is passed in several registers (Go's register ABI, as
# the DWARF location pieces say): args.NAME.FIELD reads a part, args.NAME
# as a whole is refused with how to read it.
fathom_run -e "uprobe:$TG:main.greet { print(args.name); }"
expect_exit 1
expect_stderr_match "ERROR: args.name is no single value: parameter 'name' of main.greet is passed by value, in general registers, a part in each"
expect_stderr_match '^HINT: read the string as str\(args\.name\.str, args\.name\.len \+ 1\) '
fathom_run -e "uprobe:$TG:main.greet { print(args.tags); }"
expect_exit 1
expect_stderr_match '^HINT: read its fields one at a time: args\.tags\.array, args\.tags\.len, args\.tags\.cap$'
fathom_run -e "uprobe:$TG:main.greet { print(args.tags.size); }"
expect_exit 1
expect_stderr_match "ERROR: struct \[\]string has no field 'size'"
fathom_run -e "uprobe:$TG:main.greet { printf(\"%s %d %d %s %d\n\", str(args.name.str, args.name.len + 1), args.tags.len, args.tags.cap, str(args.tags.array->str, args.tags.array->len + 1), args.unused); }" -c "$TG"
expect_exit 0
expect_stdout_eq "gopher 2 2 a 7"

# A tenth integer is on the stack (Go passes nine in registers; its DWARF
# says "at the call frame's address"): refused, with how to read it there.
fathom_run -e "uprobe:$TG:main.spill { print(args.j); }"
expect_exit 1
expect_stderr_match "ERROR: args has no 'j': parameter 'j' of main.spill is passed on the stack"
expect_stderr_match '^HINT: read it from the stack at the function.s entry: \*\(int64 \*\)\(reg\("sp"\) \+ 8\)$'
fathom_run -e "uprobe:$TG:main.spill { printf(\"%d %d\n\", args.i, *(int64 *)(reg(\"sp\") + 8)); }" -c "$TG"
expect_exit 0
expect_stdout_eq "9 10"
