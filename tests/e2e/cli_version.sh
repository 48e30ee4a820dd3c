#!/usr/bin/env bash
# `fathom --version` prints "fathom VERSION" (the version in meson.build)
# on stdout and exits 0.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

# The first "version : 'X'" in meson.build is project()'s.
version=$(grep -o -E "version[[:space:]]*:[[:space:]]*'[^']+'" "$REPO_ROOT/meson.build" | head -n 1 | cut -d"'" -f2)
[ -n "$version" ] || fail "cannot read the project version from meson.build"

fathom_run --version
expect_exit 0
expect_stdout_eq "fathom $version"
