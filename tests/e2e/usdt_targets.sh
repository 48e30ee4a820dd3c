#!/usr/bin/env bash
# Which binaries a usdt attach point names, and what bpftrace shows for
# them: a path is kept as written in `probe` and -l (./prog, not its
# canonical path), a glob in the path matches files, an empty or '*' path
# with -p means the process's program and libraries, an empty provider
# matches every provider; constants are read at the size and sign the
# note gives; the -c child is killed when the run ends before it exits.
# The target is tests/e2e/progs/usdt_loop.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_sdt
build_target usdt_loop usdt_loop
cd "$T" || fail "cannot cd to $T"

# -l with a relative path and with a glob in the path: names as written.
fathom_run -l 'usdt:./usdt_loop:*'
expect_exit 0
expect_stdout_eq "usdt:./usdt_loop:dup:twice
usdt:./usdt_loop:prov_a:probe2
usdt:./usdt_loop:prov_b:probe2
usdt:./usdt_loop:widths:const_16
usdt:./usdt_loop:widths:const_u32"
fathom_run -l 'usdt:./usdt_l*:prov_a:*'
expect_exit 0
expect_stdout_eq "usdt:./usdt_loop:prov_a:probe2"
fathom_run -l 'uprobe:./usdt_lo*:main'
expect_exit 0
expect_stdout_eq "uprobe:./usdt_loop:main"

# -c: constants at their width and sign, `probe` as written, and the
# child (which never exits) ends with fathom.
fathom_run -e 'usdt:./usdt_loop:widths:const_u32 { printf("%lld %s\n", arg0, probe); }
               usdt:./usdt_loop:widths:const_16 { printf("%lld %s\n", arg0, probe); exit(); }' -c ./usdt_loop
expect_exit 0
expect_stdout_eq "4092785136 usdt:./usdt_loop:widths:const_u32
-3600 usdt:./usdt_loop:widths:const_16"
pgrep -x usdt_loop >/dev/null && { pkill -x usdt_loop; fail "the -c child still runs after fathom exited"; }

# The two locations of one probe are one probe ("Attached 1 probe", as
# bpftrace counts usdt probes), and both fire.
fathom_run -e 'usdt:./usdt_loop:dup:twice { @[arg0] = count(); if (len(@) == 2) { exit(); } }' -c ./usdt_loop
expect_exit 0
expect_stderr_match '^Attached 1 probe$'
expect_stdout_eq "

@[1]: 1
@[2]: 1"

# An empty provider matches every provider; a glob path too.
fathom_run -e 'usdt:./usdt_loop::*probe2 { @[probe] = arg0; if (len(@) == 2) { exit(); } }' -c ./usdt_loop
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
expect_stdout_eq "

@[usdt:./usdt_loop:prov_a:probe2]: 1
@[usdt:./usdt_loop:prov_b:probe2]: 2"
fathom_run -e 'usdt:./usdt_l*:prov_b:probe2 { printf("%d\n", arg0); exit(); }' -c ./usdt_loop
expect_exit 0
expect_stdout_eq "2"

# -p with an empty or '*' path: the probes of the process's binaries.
./usdt_loop &
target=$!
at_exit kill "$target"
for point in 'usdt::prov_a:probe2' 'usdt:*:prov_a:probe2'; do
    fathom_run -e "$point { printf(\"%d\\n\", arg0); exit(); }" -p "$target"
    expect_exit 0
    expect_stdout_eq "1"
done
fathom_run -e 'usdt:::*probe2 { @[arg0] = 1; if (len(@) == 2) { exit(); } }' -p "$target"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
expect_stdout_eq "

@[1]: 1
@[2]: 1"

# Without a process, an empty path is an error with a hint.
fathom_run -e 'usdt::prov_a:probe2 { exit(); }'
expect_exit 1
expect_stderr_match 'usdt probe needs a binary or a process'
expect_stderr_match 'HINT: give the binary'
