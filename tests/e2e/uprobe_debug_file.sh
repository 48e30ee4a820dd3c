#!/usr/bin/env bash
# Separate debug files found by build-id: a stripped program has no symbol
# for its own functions (they were in .symtab), so uprobe:PROG:FUNC fails;
# once its debug file is installed as /usr/lib/debug/.build-id/xx/yyyy.debug
# the probe attaches and usym() names the function again.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc objcopy strip readelf

gcc -g -O1 -Wl,--build-id -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
objcopy --only-keep-debug "$T/target" "$T/target.debug" || fail "objcopy --only-keep-debug failed"
strip --strip-all "$T/target" || fail "strip failed"
TG=$(realpath "$T/target")
ID=$(readelf -n "$TG" | awk '/Build ID:/ { print $3 }')
[ -n "$ID" ] || fail "the test program has no build-id"
DEBUG_DIR=/usr/lib/debug/.build-id/${ID:0:2}
DEBUG_FILE=$DEBUG_DIR/${ID:2}.debug

# Stripped, no debug file: the function is unknown.
rm -f "$DEBUG_FILE"
fathom_run -e "uprobe:$TG:process_other { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:process_other"

mkdir -p "$DEBUG_DIR" || fail "cannot create $DEBUG_DIR"
at_exit rm -f "$DEBUG_FILE"
cp "$T/target.debug" "$DEBUG_FILE" || fail "cannot install the debug file"

: >"$FATHOM_STDERR"
( wait_attached && "$TG" "$T/go" >"$T/target.out" ) &
helper=$!
( wait_attached && touch "$T/go" ) &
fathom_run -e "uprobe:$TG:process_other { printf(\"%s %s %d\\n\", func, usym(reg(\"ip\")), arg0); exit(); }"
wait "$helper" || fail "the target program did not run"
expect_exit 0
expect_stdout_eq "process_other process_other 7"
