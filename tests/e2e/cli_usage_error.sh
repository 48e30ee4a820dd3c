#!/usr/bin/env bash
# Command-line errors exit 1 with a message on stderr: no program at all
# prints the usage; a program that does not parse reports where, as
# "stdin:LINE:..." like bpftrace does for -e programs.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

fathom_run
expect_exit 1
expect_stderr_match '(USAGE|[Uu]sage)'

fathom_run -e 'BEGIN {'
expect_exit 1
expect_stderr_match 'stdin:1:'
