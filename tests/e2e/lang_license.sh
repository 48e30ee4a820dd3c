#!/usr/bin/env bash
# The license the programs load with: "GPL" unless the config block's
# `license` or a `// SPDX-License-Identifier:` comment says otherwise (the
# config wins). An SPDX expression naming a GPL loads as "GPL"; any other
# license loads as written, and a GPL-only helper in it is an error at the
# expression that needs the helper, in bpftrace's words.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

gpl_error() { # LOCATION SOURCE-LINE CARET
    expect_exit 1
    expect_stdout_empty
    expect_stderr_eq "$1: ERROR: helper bpf_probe_read_str can only be used in GPL-compatible programs
$2
$3
HINT: set config = { license = \"GPL\" } (or a GPL-compatible license) to use it"
}

fathom_run -e 'config = { license = "?" } BEGIN { printf("%s\n", str(0)); }'
gpl_error 'stdin:1:51-57' 'config = { license = "?" } BEGIN { printf("%s\n", str(0)); }' \
          '                                                  ~~~~~~'

printf '%s\n' '// SPDX-License-Identifier: Apache-2.0' 'BEGIN { printf("%s\n", str(0)); }' >"$T/apache.bt"
fathom_run "$T/apache.bt"
gpl_error "$T/apache.bt:2:24-30" 'BEGIN { printf("%s\n", str(0)); }' '                       ~~~~~~'

# Without a GPL-only helper any license loads.
fathom_run -q -e 'config = { license = "Proprietary" } BEGIN { @p[1] = 1; printf("%d %d\n", len(@p), pid > 0); exit(); }'
expect_exit 0
expect_stdout_match '^1 1$'

for spdx in GPL-2.0-or-later 'MIT OR GPL-2.0-only' '(BSD-2-Clause OR LGPL-2.1)'; do
    printf '%s\n' "// SPDX-License-Identifier: $spdx" 'BEGIN { printf("\"%s\"\n", str(0)); exit(); }' >"$T/gpl.bt"
    fathom_run -q "$T/gpl.bt"
    expect_exit 0
    expect_stdout_eq '""'
done

printf '%s\n' '// SPDX-License-Identifier: Some-unknown-license' 'config = { license = "GPL" }' \
    'BEGIN { printf("\"%s\"\n", str(0)); exit(); }' >"$T/override.bt"
fathom_run -q "$T/override.bt"
expect_exit 0
expect_stdout_eq '""'

# The tag in a string or a block comment is no license.
fathom_run -q -e '/* SPDX-License-Identifier: MIT */ BEGIN { printf("// SPDX-License-Identifier: MIT %s\n", str(0)); exit(); }'
expect_exit 0
expect_stdout_eq '// SPDX-License-Identifier: MIT '
