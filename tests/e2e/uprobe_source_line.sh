#!/usr/bin/env bash
# uprobe:BINARY@FILE:LINE[:COLUMN] (bpftrace 0.25): a probe on the statement
# that starts at a source line, its address from the DWARF line table. The
# marked lines of the test program run a known number of times, which only
# a probe on the right instruction counts; the line of the function's
# opening brace is its entry, the address uprobe:BINARY:FUNCTION has. The
# file is matched by its name, a path suffix or its absolute path, never by
# a partial component. Errors: unknown file, a line without a statement,
# no DWARF, uretprobe.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

SRC=source_line_target.c
mkdir -p "$T/src" || fail "cannot create $T/src"
cp "$E2E_DIR/progs/$SRC" "$T/src/" || fail "cannot copy the test program"
# compiled from $T with a relative name: the line table says src/$SRC
( cd "$T" && gcc -g -O0 -o target "src/$SRC" ) || fail "cannot compile the test program with -g"
( cd "$T" && gcc -O0 -o nodebug "src/$SRC" ) || fail "cannot compile the test program without -g"
TG=$(realpath "$T/target")
line_of() {
    local n
    n=$(grep -n "LINE:$1 " "$E2E_DIR/progs/$SRC" | cut -d: -f1)
    [ -n "$n" ] || fail "no line marked LINE:$1 in $SRC"
    echo "$n"
}
ENTRY=$(line_of entry)
THIRD=$(line_of third)
ALWAYS=$(line_of always)

# The branch line runs twice, the line after it six times.
fathom_run -e "uprobe:$TG@$SRC:$THIRD { @third = count(); }
  uprobe:$TG@$SRC:$ALWAYS { @always = count(); }" -c "$TG"
expect_exit 0
expect_stderr_match '^Attached 2 probes$'
expect_stdout_match '^@third: 2$'
expect_stdout_match '^@always: 6$'

# The opening brace's line is the function's entry: both probes fire at the
# same address, so one key counts all twelve hits.
fathom_run -e "uprobe:$TG@src/$SRC:$ENTRY { @ips[reg(\"ip\")] = count(); }
  uprobe:$TG:classify { @ips[reg(\"ip\")] = count(); }" -c "$TG"
expect_exit 0
expect_stdout_match '^@ips\[[0-9]+\]: 12$'

# The absolute path of the source file names it too.
fathom_run -e "uprobe:$TG@$(realpath "$T/src/$SRC"):$ALWAYS { @always = count(); }" -c "$TG"
expect_exit 0
expect_stdout_match '^@always: 6$'

# A column where no statement of that line starts.
fathom_run -e "uprobe:$TG@$SRC:$ALWAYS:999 { }" -c "$TG"
expect_exit 1
expect_stderr_match "ERROR: no statement starts at $SRC:$ALWAYS:999 in "

# A name that is only the end of a path component is no match.
fathom_run -e "uprobe:$TG@ine_target.c:$ALWAYS { }" -c "$TG"
expect_exit 1
expect_stderr_match "ERROR: no source file 'ine_target.c' in the debug information of $TG"

# Line 1 is a comment.
fathom_run -e "uprobe:$TG@$SRC:1 { }" -c "$TG"
expect_exit 1
expect_stderr_match "ERROR: no statement starts at $SRC:1 in $TG"
expect_stderr_match 'HINT: give a line \(and column\) where a statement starts'

fathom_run -e "uretprobe:$TG@$SRC:$ALWAYS { }" -c "$TG"
expect_exit 1
expect_stderr_match "ERROR: uretprobe cannot attach to a source location \($SRC:$ALWAYS\)"

NODEBUG=$(realpath "$T/nodebug")
fathom_run -e "uprobe:$NODEBUG@$SRC:$ALWAYS { }" -c "$NODEBUG"
expect_exit 1
expect_stderr_match "ERROR: $NODEBUG has no DWARF debug information: cannot find $SRC:$ALWAYS"
