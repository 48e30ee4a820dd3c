#!/usr/bin/env bash
# A '%' that does not start a conversion is printed as it stands, as in
# bpftrace ("disk 90%", "%q", a '%' at the end); "% d" is a conversion
# with the space flag, and the error says so.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

fathom_run -e 'BEGIN { printf("disk 90%; %q %-z at 100%\n"); printf("%d%% of %s\n", 5, "x"); exit(); }'
expect_exit 0
expect_stdout_eq "disk 90%; %q %-z at 100%
5% of x"

fathom_run -e 'BEGIN { $t = 3; printf("ratio %d%\n", $t); exit(); }'
expect_exit 0
expect_stdout_eq "ratio 3%"

fathom_run -e 'BEGIN { printf("100% done %d\n", 5); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-36: ERROR: printf: Not enough arguments for format string \(1 supplied, 2 expected\)$'
expect_stderr_match '^HINT: "% d" is read as a conversion \(a space flag, then .d.\); write %% for a literal percent sign$'
