#!/usr/bin/env bash
# Probes of a running process (-p PID): `-l -p PID` lists the uprobes and
# usdt probes of its program and libraries (a pattern narrows provider,
# binary and name), and a uprobe whose path is empty or '*' attaches to
# the function in whichever of the process's binaries has it (libc's
# usleep here). A glob in a uprobe's path matches files, kept as written.
# The target is tests/e2e/progs/usdt_loop.c (loops calling usleep).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_sdt
build_target usdt_loop usdt_loop
cd "$T" || fail "cannot cd to $T"
./usdt_loop &
target=$!
at_exit kill "$target"
sleep 0.2
EXE=$(realpath ./usdt_loop)
LIBC=$(awk '$2 ~ /x/ && $6 ~ /\/libc\.so/ { print $6; exit }' "/proc/$target/maps")
[ -n "$LIBC" ] || fail "no libc mapping in /proc/$target/maps"

fathom_run -l 'usdt:*' -p "$target"
expect_exit 0
expect_stdout_eq "usdt:$EXE:dup:twice
usdt:$EXE:prov_a:probe2
usdt:$EXE:prov_b:probe2
usdt:$EXE:widths:const_16
usdt:$EXE:widths:const_u32"

fathom_run -l 'usdt:*:prov_b:*' -p "$target"
expect_exit 0
expect_stdout_eq "usdt:$EXE:prov_b:probe2"

# Everything: the program's functions and libc's are among the uprobes.
fathom_run -l -p "$target"
expect_exit 0
expect_stdout_match "^uprobe:$EXE:main\$"
expect_stdout_match "^uprobe:$LIBC:usleep\$"
expect_stdout_match "^usdt:$EXE:prov_a:probe2\$"

fathom_run -l 'uprobe:*:usleep' -p "$target"
expect_exit 0
expect_stdout_eq "uprobe:$LIBC:usleep"

for point in 'uprobe:*:usleep' 'uprobe::usleep'; do
    fathom_run -e "$point { printf(\"%s\\n\", probe); exit(); }" -p "$target"
    expect_exit 0
    expect_stdout_eq "uprobe:$LIBC:usleep"
done

# -l of a program: the attach points a '*' path expands to.
fathom_run -l -e 'uretprobe:*:usleep { exit(); }' -p "$target"
expect_exit 0
expect_stdout_eq "uretprobe:$LIBC:usleep"

# A glob in the path, without a process.
fathom_run -e 'uprobe:./usdt_lo*:main { exit(); }' --dry-run
expect_exit 0
fathom_run -l -e 'uprobe:./usdt_lo*:main { exit(); }'
expect_exit 0
expect_stdout_eq "uprobe:./usdt_loop:main"
fathom_run -e 'uprobe:./nosuch*:main { exit(); }'
expect_exit 1
expect_stderr_match "ERROR: uprobe target file './nosuch\*' does not exist"
