#!/usr/bin/env bash
# -f / --format: "text" (the default) and "json"; anything else is
# bpftrace's error, exit 1, nothing on stdout.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -f jsonx -e 'BEGIN { @scalar = 5; exit(); }'
expect_exit 1
expect_stdout_empty
expect_stderr_eq "ERROR: Invalid output format \"jsonx\"
Valid formats: 'text', 'json'"

fathom_run --format=JSON -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match '^ERROR: Invalid output format "JSON"$'

fathom_run -f -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match '^ERROR: Invalid output format "-e"$'

# -f text is the default.
prog='BEGIN { printf("a\n"); @x = 1; exit(); }'
fathom_run -e "$prog"
expect_exit 0
cp "$FATHOM_STDOUT" "$T/default"
fathom_run -f text -e "$prog"
expect_exit 0
expect_stdout_eq "$T/default"
expect_stderr_eq "Attached 1 probe"

fathom_run --format json -e "$prog"
expect_exit 0
expect_stdout_eq '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "a\n"}
{"type": "map", "data": {"@x": 1}}'

# The usage lists it.
fathom_run -h
expect_exit 0
expect_stdout_match '^ +-f FORMAT +output format: text \(default\) or json$'
