#!/usr/bin/env bash
# log_size (config block or BPFTRACE_LOG_SIZE): the bytes of verifier log
# kept per program. With -v the log is on from the first load, as in
# bpftrace, so a log too small for it makes the load fail (ENOSPC) with
# bpftrace's wording and a warning naming the size in use; without -v a
# program that passes is loaded without a log, and a big log_size changes
# nothing. A log_size that is not a positive number is an error.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

prog='begin { if (str($1) == str($2)) { printf("%s\n", str($1)); exit() } }'

BPFTRACE_LOG_SIZE=2 fathom_run -v -e "$prog" hello hello
expect_exit 1
expect_stderr_match '^stdin:1:1-70: ERROR: Error loading BPF program for begin_1\. Error code: -28 \(No space left on device\)\.$'
expect_stderr_match '^WARNING: Kernel log seems to be trimmed\. This may be due to buffer not being big enough, try increasing the BPFTRACE_LOG_SIZE environment variable beyond the current value of 2 bytes$'
expect_stdout_no_match 'hello'

fathom_run -v -e "config = { log_size = 64 } $prog" hello hello
expect_exit 1
expect_stderr_match 'beyond the current value of 64 bytes$'

# without -v the program loads without a log
BPFTRACE_LOG_SIZE=2 fathom_run -e "$prog" hello hello
expect_exit 0
expect_stdout_eq 'hello'

BPFTRACE_LOG_SIZE=10000000 fathom_run -v -e "$prog" hello hello
expect_exit 0
expect_stdout_eq 'hello'

fathom_run -e 'config = { log_size = 0 } begin { exit() }'
expect_exit 1
expect_stderr_match '^stdin:1:12-24: ERROR: log_size must be a positive integer$'
