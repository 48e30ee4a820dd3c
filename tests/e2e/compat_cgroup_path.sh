#!/usr/bin/env bash
# cgroup_path(id) prints the cgroup v2 path of a cgroup id as bpftrace
# does ("unified:/a/b"), in print(), printf %s, map keys and JSON. The run
# is placed in a private nested cgroup so the path is known.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$root" ] || fail "no cgroup2 hierarchy is mounted"
cg="$root/fth_e2e_$$/inner"
mkdir -p "$cg" || fail "cannot create $cg"
at_exit rmdir "$cg" "$root/fth_e2e_$$"

# fathom runs inside $cg: a shell moves itself there, then execs fathom
FATHOM_REAL=$FATHOM
FATHOM="$T/in_cgroup"
printf '#!/bin/sh\necho $$ > %s/cgroup.procs && exec %s "$@"\n' "$cg" "$FATHOM_REAL" > "$FATHOM"
chmod +x "$FATHOM"

fathom_run -q -e 'BEGIN { print(cgroup_path(cgroup)); printf("path: %s\n", cgroup_path(cgroup & ((1 << 32) - 1)));
    @[cgroup_path(cgroup)] = 1; exit(); }'
expect_exit 0
expect_stdout_match "^unified:/fth_e2e_$$/inner\$"
expect_stdout_match "^path: unified:/fth_e2e_$$/inner\$"
expect_stdout_match "^@\\[unified:/fth_e2e_$$/inner\\]: 1\$"

fathom_run -q -f json -e 'BEGIN { print(cgroup_path(cgroup)); exit(); }'
expect_exit 0
expect_stdout_match "^\\{\"type\": \"value\", \"data\": \"unified:/fth_e2e_$$/inner\"\\}\$"

FATHOM=$FATHOM_REAL
fathom_run -e 'BEGIN { print(cgroup_path("x")); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: cgroup_path\(\) takes a cgroup id'
