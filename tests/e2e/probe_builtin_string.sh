#!/usr/bin/env bash
# `probe` where a string is wanted (strcontains, strstr, str_concat), as in
# bpftrace where probe is a string: the probe's own name, also in a program
# that a wildcard's instances share (a uprobe_multi link), where each
# instance reads its name at run time.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

fathom_run -e 'BEGIN { printf("%d %d %s\n", strcontains(probe, "GIN"), strstr(probe, "IN"), str_concat(probe, "!")); exit(); }'
expect_exit 0
expect_stdout_eq "1 3 BEGIN!"

fathom_run -e 'interval:ms:10 { printf("%d %d\n", strcontains(probe, "ms:10"), strcontains(probe, "hz")); exit(); }'
expect_exit 0
expect_stdout_eq "1 0"

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")
: >"$FATHOM_STDERR"
( wait_attached && "$TG" >/dev/null ) &
helper=$!
fathom_run -e "uprobe:$TG:process_* { if (strcontains(probe, \"process_other\")) { print(probe); } }
               uretprobe:$TG:main { exit(); }"
wait "$helper" || fail "the target did not run"
expect_exit 0
expect_stdout_eq "uprobe:$TG:process_other"

# Where a string is not wanted, probe stays what it was.
fathom_run -e 'BEGIN { @[probe] = count(); exit(); }'
expect_exit 0
expect_stdout_eq "

@[BEGIN]: 1"
