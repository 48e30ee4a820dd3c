#!/usr/bin/env bash
# strlen(s): the bytes before the NUL (a bounded loop in BPF, also over a
# max_strlen string from str()); strcap(s): the string's capacity, a
# constant; both uint64. Other values are refused.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { $s = "hello"; print((strlen($s), strlen(comm), strcap(comm), strlen(""), strcap($s))); exit(); }'
expect_exit 0
expect_stdout_eq '(5, 6, 16, 0, 6)'

# The child's first openat is the loader's. /bin/true prints nothing: a
# cat would copy its file into the shared stdout file with
# copy_file_range(), which moves the file offset without the lock write()
# takes, and fathom's line could be overwritten.
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf("%s %d\n", str(args.filename), strlen(str(args.filename))); exit(); }' -c /bin/true
expect_exit 0
expect_stdout_match '^/etc/ld\.so\.cache 16$'

fathom_run -e 'BEGIN { print(strlen(1)); }'
expect_exit 1
expect_stderr_eq 'stdin:1:22: ERROR: string-like values must be either strings, arrays or pointers
BEGIN { print(strlen(1)); }
                     ~
HINT: an address needs a type: str(addr) reads the string at it'
