#!/usr/bin/env bash
# A pointer read from user memory points into user memory, however it is
# reached (as in bpftrace): through a dereference (*$pp).a, (*$pp)->a, an
# index $pp[0]->a, or a member. Before, only members kept the address
# space and the others read user addresses as kernel ones (0 and, with -k,
# "probe_read_kernel" -34). The target is tests/e2e/progs/char_array_target.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
build_target char_array_target target
cd "$T" || fail "cannot cd to $T"

fathom_run -k -e 'struct rec { char full[5]; char bytes[4]; char tail[4]; }
    uprobe:./target:take_indirect { $pp = (struct rec **)arg0;
    printf("%d %d %d %s %s\n", (*$pp).bytes[0], (*$pp)->bytes[1], $pp[0]->bytes[2], (*$pp)->tail, $pp[0]->full);
    exit(); }' -c ./target
expect_exit 0
expect_stdout_eq '5 4 3 xyz hello'
expect_stderr_eq 'Attached 1 probe'
