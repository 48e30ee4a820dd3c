#!/usr/bin/env bash
# IFUNC symbols: glibc's strlen is resolved at load time to the
# implementation for this CPU (__strlen_avx2, ...). uprobe:libc:strlen
# must see the calls, so it is placed on that implementation, for a name
# and for a wildcard; strlen+0 stays on the resolver, which runs once, when
# the symbol is bound, and returns a pointer. The target
# (progs/ifunc_target.c) calls strlen on strings of 37 and 1234 bytes.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc readelf

gcc -O1 -o "$T/ifunc_target" "$E2E_DIR/progs/ifunc_target.c" || fail "cannot compile the test program"
LIBC=$(realpath "$(ldconfig -p | awk '/libc\.so\.6 \(libc6,x86-64\)/ { print $NF; exit }')")
readelf -sW "$LIBC" | grep -q ' IFUNC .* strlen@@' || fail "strlen of $LIBC is not an IFUNC: this test cannot show anything"

fathom_run -c "$T/ifunc_target" -e 'uretprobe:libc:strlen /pid == cpid/ { printf("%s %d\n", func, retval); }'
expect_exit 0
expect_stderr_eq "Attached 1 probe"
expect_stdout_match '^strlen 37$'
expect_stdout_match '^strlen 1234$'

# The seed's form: the full path, an entry probe reading arg0.
fathom_run -c "$T/ifunc_target" -e "uprobe:$LIBC:strlen /pid == cpid/ { @calls = count(); }"
expect_exit 0
expect_stdout_match '^@calls: [0-9]+$'
[ "$(awk '/^@calls/ { print $2 }' "$FATHOM_STDOUT")" -ge 2 ] || fail "strlen was called at least twice"

# A wildcard goes to the implementations as well.
fathom_run -c "$T/ifunc_target" -e 'uretprobe:libc:strl* /pid == cpid && func == "strlen"/ { printf("%d\n", retval); }'
expect_exit 0
expect_stdout_match '^1234$'

# strlen+0 is the resolver itself: it never returns a string's length.
fathom_run -c "$T/ifunc_target" -e 'uretprobe:libc:strlen+0 /pid == cpid/ { printf("%d\n", retval); }'
expect_exit 1
expect_stderr_match "ERROR: uretprobe cannot have an offset"
fathom_run -c "$T/ifunc_target" -e 'uprobe:libc:strlen+0 /pid == cpid/ { printf("resolver %d\n", arg0 == 37); }'
expect_exit 0
expect_stdout_no_match 'resolver 1'

# Listings show IFUNC symbols.
fathom_run -l 'uprobe:libc:strlen'
expect_exit 0
expect_stdout_eq "uprobe:$LIBC:strlen"
