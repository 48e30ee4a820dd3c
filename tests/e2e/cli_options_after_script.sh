#!/usr/bin/env bash
# Options given after the script file or among the positional parameters
# are read as options, as bpftrace's getopt reads them
# (`bpftrace file.bt --no-warnings`); after "--" everything is a
# parameter. Unknown --name[=value] stay named parameters for getopt().
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

script=$T/args.bt
printf 'let @unused = hash(2); BEGIN { printf("%%s %%s\\n", str($1), str($2)); exit(); }\n' > "$script"

# --no-warnings and -q after the file: no warning for @unused, no
# "Attached" line; the positionals around them keep their order.
fathom_run "$script" one --no-warnings -q two
expect_exit 0
expect_stdout_eq 'one two'
expect_stderr_empty

# Without them, both are there.
fathom_run "$script" one two
expect_exit 0
expect_stdout_eq 'one two'
expect_stderr_match '^Attached 1 probe$'
expect_stderr_match 'WARNING'

# After "--", -q is a parameter like any other.
fathom_run "$script" -q -- -x -q
expect_exit 0
expect_stdout_eq '-x -q'

# Named parameters among positionals, before and after "--".
fathom_run -q -e 'BEGIN { print(($1, getopt("aa", 10), $2, getopt("bb", "hello"), getopt("cc"))); exit(); }' --aa=20 pos1 --bb=bye -- pos2 --cc
expect_exit 0
expect_stdout_eq '(pos1, 20, pos2, bye, true)'

# An option that needs a value still says so when it comes last.
fathom_run "$script" one -o
expect_exit 1
expect_stderr_match '^ERROR: option -o needs an argument$'
