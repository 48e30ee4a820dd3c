#!/usr/bin/env bash
# write_user(dst, src, len) writes the first len bytes of src into the
# traced process at dst (bpf_probe_write_user); it needs --unsafe.  A
# locked-down kernel refuses the helper in every program type: then the
# error says so instead of the verifier's "cannot use helper".  Where the
# kernel allows it (tests/vm) the target prints the bytes written.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
build_target write_user_target target

probe="uprobe:$T/target:fill_buffer"

fathom_run -e "$probe { write_user(arg0, \"patched\", 8); }"
expect_exit 1
expect_stderr_match "^stdin:1:$((${#probe} + 4))-$((${#probe} + 34)): ERROR: write_user\(\) writes to the traced process's memory and is only allowed with --unsafe\$"
expect_stderr_match '^HINT: run fathom with --unsafe to allow it$'

fathom_run --unsafe -c "$T/target" \
    -e "$probe /arg1 == 16/ { printf(\"rc=%d\\n\", write_user(arg0, \"patched\", 8)); }
        $probe /arg1 == 4/ { write_user(arg0, 1234567, 4); }"
# its result (0 or a negative errno) may be left unread without a warning
expect_stderr_no_match 'Return value discarded'
if grep -q "refuses bpf_probe_write_user" "$FATHOM_STDERR"; then
    expect_exit 1
    expect_stderr_match "^stdin:1:[0-9-]+: ERROR: this kernel refuses bpf_probe_write_user, so write_user\(\) cannot run in uprobe:$T/target:fill_buffer \(kernel lockdown forbids writing to user memory from BPF\)\$"
    expect_stderr_match '^HINT: check /sys/kernel/security/lockdown'
    expect_stderr_no_match 'cannot use helper'
else
    expect_exit 0
    expect_stdout_match '^rc=0$'
    expect_stdout_match '^buffer: patched$'
    expect_stdout_match '^number: 1234567$'
fi

# the length must be a literal that fits the source
fathom_run --unsafe -e "$probe { write_user(arg0, \"patched\", 9); }"
expect_exit 1
expect_stderr_match 'ERROR: write_user\(\) length 9 is more than the 8 bytes of string\[8\]$'
expect_stderr_match '^HINT: write at most 8 bytes$'

fathom_run --unsafe -e "$probe { \$n = 2; write_user(arg0, \"patched\", \$n); }"
expect_exit 1
expect_stderr_match 'ERROR: write_user\(\) length must be a positive integer literal$'
