#!/usr/bin/env bash
# -c CMD is split into arguments by fathom itself, without a shell, as
# current bpftrace splits it: quotes group words and are removed, a
# backslash escapes the next character, nothing is expanded; an unclosed
# quote or a trailing backslash is an error and nothing runs.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

argv_of() {
    fathom_run -e 'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { join(args.argv, "|"); exit(); }' -c "$1"
    expect_exit 0
    expect_stdout_eq "$2"
}

# `true` prints nothing, so stdout is the join() line alone.
argv_of "true 'hello world'" "true|hello world"
argv_of 'true "hello world"' "true|hello world"
argv_of 'true a\ b' "true|a b"
argv_of "true 0.1 " "true|0.1"
argv_of "/bin/true 'A' \"it's\"" "/bin/true|A|it's"
argv_of 'true $HOME * \$x' 'true|$HOME|*|$x'

fathom_run -e 'BEGIN { printf("not run\n"); }' -c "echo 'oops"
expect_exit 1
expect_stdout_empty
expect_stderr_eq "ERROR: cannot run the command 'echo 'oops': the command has an unclosed single quote
HINT: quote an argument with spaces as 'a b' or \"a b\", and close every quote"

fathom_run -e 'BEGIN { printf("not run\n"); }' -c 'echo x\'
expect_exit 1
expect_stderr_match "the command ends with a backslash$"
