#!/usr/bin/env bash
# --debuginfo DIR[:DIR...] (bpftrace 0.26): where separate debug files of
# stripped binaries are, before /usr/lib/debug. A stripped program has no
# symbol for its own functions and no DWARF; its debug file in such a
# directory, by build-id (DIR/.build-id/xx/yyyy.debug) or by its
# .gnu_debuglink name, gives back the symbol (uprobe:PROG:FUNC), the
# parameters (args.NAME, -lv) and the line table (uprobe:PROG@FILE:LINE).
# A relative DIR is relative to the binary's directory; a debug file of
# another build (a different build-id) is not taken. "+DIR" checks a
# debuglink file by the CRC32 the debuglink records instead: a debug file
# without a build-id note is taken only so.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc objcopy strip readelf

mkdir -p "$T/bin" || fail "cannot create $T/bin"
gcc -g -O0 -Wl,--build-id -o "$T/bin/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/bin/target")
ID=$(readelf -n "$TG" | awk '/Build ID:/ { print $3 }')
[ -n "$ID" ] || fail "the test program has no build-id"
objcopy --only-keep-debug "$TG" "$T/target.debug" || fail "objcopy --only-keep-debug failed"
# by build-id, in a directory relative to the binary's
mkdir -p "$T/bin/dbg/.build-id/${ID:0:2}" || fail "cannot create the build-id directory"
cp "$T/target.debug" "$T/bin/dbg/.build-id/${ID:0:2}/${ID:2}.debug" || fail "cannot place the debug file"
strip --strip-all "$TG" || fail "strip failed"

run_target_probe() {
    : >"$FATHOM_STDERR"
    rm -f "$T/go"
    ( wait_attached && "$TG" "$T/go" >/dev/null ) &
    helper=$!
    ( wait_attached && touch "$T/go" ) &
    fathom_run "$@"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

# Without --debuginfo the stripped program's function is unknown.
fathom_run -e "uprobe:$TG:process_other { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:process_other"

# A relative directory, after one that does not exist (a colon list).
run_target_probe --debuginfo=/nonexistent:dbg \
    -e "uprobe:$TG:process_other { printf(\"%s %d\\n\", func, args.x); exit(); }"
expect_exit 0
expect_stdout_eq "process_other 7"

fathom_run --debuginfo dbg -lv "uprobe:$TG:process_other"
expect_exit 0
expect_stdout_eq "uprobe:$TG:process_other
    int x"

# The line table too: the line of process_other's body.
LINE=$(grep -n 'return x - 1;' "$E2E_DIR/progs/uprobe_target.c" | cut -d: -f1)
[ -n "$LINE" ] || fail "no 'return x - 1;' line in uprobe_target.c"
run_target_probe --debuginfo dbg -e "uprobe:$TG@uprobe_target.c:$LINE { printf(\"line %s\\n\", func); exit(); }"
expect_exit 0
expect_stdout_eq "line process_other"

# By the .gnu_debuglink name, in an absolute directory given by a second
# --debuginfo (the first has nothing for it).
mkdir -p "$T/linked" || fail "cannot create $T/linked"
cp "$T/target.debug" "$T/linked/target.debug" || fail "cannot copy the debug file"
objcopy --add-gnu-debuglink="$T/target.debug" "$TG" || fail "objcopy --add-gnu-debuglink failed"
run_target_probe --debuginfo "$T/bin" --debuginfo "$T/linked" \
    -e "uprobe:$TG:process_other { printf(\"%s %d\\n\", func, args.x); exit(); }"
expect_exit 0
expect_stdout_eq "process_other 7"

# A debug file of that name from another build is not taken.
gcc -g -O1 -Wl,--build-id -o "$T/other" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the other build"
[ "$(readelf -n "$T/other" | awk '/Build ID:/ { print $3 }')" != "$ID" ] || fail "the other build has the same build-id"
objcopy --only-keep-debug "$T/other" "$T/linked/target.debug" || fail "objcopy of the other build failed"
fathom_run --debuginfo "$T/linked" -e "uprobe:$TG:process_other { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:process_other"

# A debug file without a build-id note: only "+DIR" (the CRC32) takes it.
mkdir -p "$T/crc" "$T/crcbin" || fail "cannot create the CRC directories"
gcc -g -O0 -Wl,--build-id -o "$T/crcbin/prog" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the CRC program"
objcopy --only-keep-debug --remove-section .note.gnu.build-id "$T/crcbin/prog" "$T/crc/prog.debug" ||
    fail "objcopy of the id-less debug file failed"
strip --strip-all "$T/crcbin/prog" || fail "strip of the CRC program failed"
( cd "$T/crc" && objcopy --add-gnu-debuglink=prog.debug "$T/crcbin/prog" ) || fail "objcopy --add-gnu-debuglink failed"
CP=$(realpath "$T/crcbin/prog")
fathom_run --debuginfo "$T/crc" -e "uprobe:$CP:process_other { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $CP:process_other"
fathom_run --debuginfo "+$T/crc" -l "uprobe:$CP:process_*"
expect_exit 0
expect_stdout_match "^uprobe:$CP:process_other\$"
# a changed file no longer has that CRC
printf 'x' >>"$T/crc/prog.debug"
fathom_run --debuginfo "+$T/crc" -l "uprobe:$CP:process_*"
expect_exit 0
expect_stdout_no_match "process_other"
