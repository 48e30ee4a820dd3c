#!/usr/bin/env bash
# Numbers in attach points are written as bpftrace allows them: digit
# separators, hex, binary and integral scientific notation; the probe
# builtin names the probe with the plain decimal value, as bpftrace does.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -q -e 'interval:us:1_00e3 { exit(); }'
expect_exit 1
expect_stderr_match "ERROR: invalid rate '1_00e3': coefficient part of scientific literal must be 1-9"

fathom_run -q -e 'interval:ms:1.5 { exit(); }'
expect_exit 1
expect_stderr_match "ERROR: invalid rate '1.5': invalid trailing bytes"

fathom_run -q -e 'interval:ms:1_000 { printf("%s\n", probe); exit(); }'
expect_exit 0
expect_stdout_eq 'interval:ms:1000'

fathom_run -q -e 'interval:us:1e5 { printf("%s\n", probe); exit(); }'
expect_exit 0
expect_stdout_eq 'interval:us:100000'

fathom_run -q -e 'interval:100_000us { printf("%s\n", probe); exit(); }'
expect_exit 0
expect_stdout_eq 'interval:us:100000'

fathom_run -q -e 'profile:hz:0x63 { @[probe] = count(); } interval:ms:300 { exit(); }'
expect_exit 0
expect_stdout_match '^@\[profile:hz:99\]: [0-9]+$'

fathom_run -q -e 'software:cpu-clock:1e6 { @[probe] = count(); } interval:ms:300 { exit(); }'
expect_exit 0
expect_stdout_match '^@\[software:cpu-clock:1000000\]: [0-9]+$'
