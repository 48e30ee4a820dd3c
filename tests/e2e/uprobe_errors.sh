#!/usr/bin/env bash
# uprobe/uretprobe attach-point errors, reported at the attach point: a
# missing binary, a file that is not ELF, an unknown function (with a
# did-you-mean from the symbol table), a wildcard matching nothing, a
# missing function, an offset on a uretprobe or past the function's end.
# And `-l 'uprobe:PATH:PATTERN'` listings, sorted.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/uprobe_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")
echo "not a program" >"$T/text"

fathom_run -e 'uprobe:/nonexistent/fathom-x:f { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:1:1-31: ERROR: uprobe target file '/nonexistent/fathom-x' does not exist
uprobe:/nonexistent/fathom-x:f { exit(); }
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: check the path of the binary or library"

fathom_run -e 'uprobe:fathom_no_such_program:f { exit(); }'
expect_exit 1
expect_stderr_match "ERROR: uprobe target 'fathom_no_such_program' not found \(no such library or program\)"

fathom_run -e "uprobe:$T/text:f { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: '$T/text' is not an ELF file"
expect_stderr_match '^HINT: give an executable or a shared library \(for a script: its interpreter\)$'

fathom_run -e "uprobe:$TG:process_requets { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:process_requets\$"
expect_stderr_match "^HINT: did you mean 'process_request'\?\$"

fathom_run -e "uretprobe:$TG:zz_nothing* { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: no function of $TG matches 'zz_nothing\*'"
expect_stderr_match "^HINT: 'fathom -l \"uprobe:$TG:\*\"' lists its functions"

fathom_run -e "uprobe:$TG { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: uprobe probe needs a binary and a function"

fathom_run -e "uretprobe:$TG:add+4 { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: uretprobe cannot have an offset"
expect_stderr_match '^HINT: attach to the function itself, e.g. uretprobe:BINARY:FUNCTION$'

fathom_run -e "uprobe:$TG:add+100000 { exit(); }"
expect_exit 1
expect_stderr_match "ERROR: Offset outside the function bounds \('add' size is [0-9]+\)$"

# An address must fall inside a function (as bpftrace); the path is shown
# as written. --unsafe takes any address of a loaded segment.
fathom_run -e "uprobe:$TG:10 { exit(); }"
expect_exit 1
expect_stderr_match "^ERROR: Could not resolve address: $TG:0xa$"
expect_stderr_match "^stdin:1:1-[0-9]+: at this attach point$"

# config missing_probes = "warn": skipped with a warning.
fathom_run -e "config = { missing_probes = \"warn\" } uprobe:$TG:nothing_here { } BEGIN { exit(); }"
expect_exit 0
expect_stderr_match "WARNING: Could not resolve symbol: $TG:nothing_here$"
expect_stderr_match "^WARNING: Unable to attach probe: uprobe:$TG:nothing_here. Skipping.$"

# Listings.
fathom_run -l "uprobe:$TG:pro*"
expect_exit 0
expect_stdout_eq "uprobe:$TG:process_other
uprobe:$TG:process_request"

fathom_run -l "uprobe:$TG:*"
expect_exit 0
expect_stdout_match "^uprobe:$TG:add\$"
expect_stdout_match "^uprobe:$TG:main\$"
sort -c "$FATHOM_STDOUT" || fail "the listing is not sorted"

fathom_run -l "uretprobe:$TG:add"
expect_exit 0
expect_stdout_eq "uretprobe:$TG:add"

LIBC=$(realpath "$(ldconfig -p | awk '/libc\.so\.6 \(libc6,x86-64\)/ { print $NF; exit }')")
fathom_run -l "uprobe:libc:getpid"
expect_exit 0
expect_stdout_eq "uprobe:$LIBC:getpid"

# No path: nothing to list (every provider is asked for a bare pattern).
fathom_run -l "uprobe:*"
expect_exit 0
expect_stdout_empty

# A function the symbol table gives no size (gcc's _init, from crti.o):
# fathom cannot check where its instructions end, so, as bpftrace, it
# refuses it without --unsafe, and a wildcard passes over such symbols.
readelf -sW "$TG" | awk '$4 == "FUNC" && $3 == 0 && $7 != "UND" && $8 == "_init"' | grep -q . \
    || fail "the test program has no size-0 _init"
fathom_run -e "uprobe:$TG:_init { exit(); }"
expect_exit 1
expect_stderr_match "^ERROR: Could not determine boundary for _init \(symbol has size 0\).$"
expect_stderr_match "^Use --unsafe to force attachment. WARNING: This option could lead to data corruption in the target process.$"
fathom_run --unsafe -e "uprobe:$TG:_init { exit(); } BEGIN { exit(); }"
expect_exit 0
fathom_run -e "uprobe:$TG:_ini* { exit(); } BEGIN { exit(); }"
expect_exit 1
expect_stderr_match "WARNING: Could not determine boundary for 1 function of $TG \('_init': symbol size 0\): skipped"
