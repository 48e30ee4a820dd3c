#!/usr/bin/env bash
# The license the programs load with: "GPL" unless the config block's
# `license` says otherwise. A license written as an SPDX expression that
# names a GPL loads as "GPL"; any other license loads as written, and a
# GPL-only helper under it is an error at the expression that needs the
# helper, in bpftrace's words. An SPDX comment is only a comment (bpftrace
# does not read it either).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'config = { license = "?" } BEGIN { printf("%s\n", str(0)); }'
expect_exit 1
expect_stdout_empty
expect_stderr_eq 'stdin:1:51-57: ERROR: helper bpf_probe_read_str can only be used in GPL-compatible programs
config = { license = "?" } BEGIN { printf("%s\n", str(0)); }
                                                  ~~~~~~
HINT: set config = { license = "GPL" } (or a GPL-compatible license) to use it'

# Without a GPL-only helper any license loads.
fathom_run -q -e 'config = { license = "Proprietary" } BEGIN { @p[1] = 1; printf("%d %d\n", len(@p), pid > 0); exit(); }'
expect_exit 0
expect_stdout_match '^1 1$'

for license in GPL 'Dual BSD/GPL' GPL-2.0-or-later 'MIT OR GPL-2.0-only' '(BSD-2-Clause OR LGPL-2.1)'; do
    fathom_run -q -e 'config = { license = "'"$license"'" } BEGIN { printf("\"%s\"\n", str(0)); exit(); }'
    expect_exit 0
    expect_stdout_eq '""'
done

printf '%s\n' '// SPDX-License-Identifier: Apache-2.0' 'BEGIN { printf("\"%s\"\n", str(0)); exit(); }' >"$T/apache.bt"
fathom_run -q "$T/apache.bt"
expect_exit 0
expect_stdout_eq '""'
