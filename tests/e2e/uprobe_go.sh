#!/usr/bin/env bash
# Go programs: functions listed and probed by their Go names (main.add,
# a method as "main.(*point).scale", quoted), and args.NAME read where
# Go's register ABI passes them (ax, bx, cx, ...), which the DWARF's
# location lists say: the C calling convention's registers would be
# wrong. Stacks walk Go's frame pointers. Target: progs/go_target.
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
    int ~r0
uprobe:$TG:main.main"

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
# the DWARF location pieces say): args has no such parameter, and the
# error says which registers hold its parts; the string as str() reads it.
fathom_run -e "uprobe:$TG:main.greet { print(args.name); }"
expect_exit 1
expect_stderr_match "ERROR: args has no 'name': parameter 'name' of main.greet is passed by value, in general registers"
expect_stderr_match '^HINT: read the string as str\(reg\("ax"\), reg\("bx"\) \+ 1\) '
fathom_run -e "uprobe:$TG:main.greet { print(args.tags); }"
expect_exit 1
expect_stderr_match '^HINT: read its parts with reg\(\): \.array in reg\("cx"\); \.len in reg\("di"\); \.cap in reg\("si"\)$'
fathom_run -e "uprobe:$TG:main.greet { printf(\"%s %d %d\n\", str(reg(\"ax\"), reg(\"bx\") + 1), reg(\"di\"), reg(\"si\")); }" -c "$TG"
expect_exit 0
expect_stdout_eq "gopher 2 2"
