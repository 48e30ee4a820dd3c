#!/usr/bin/env bash
# A map's type comes from its assignments wherever they are: a map may be
# read in its own assignment (@x = @x + 1: a missing key reads as zero) and
# be keyed by a map that is assigned further down the script.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -q -e 'BEGIN { @x = @x + 1; @x = @x * 5; @y += 1; @k[7] = @k[7] - 2; exit(); }'
expect_exit 0
expect_stdout_match '^@x: 5$'
expect_stdout_match '^@y: 1$'
expect_stdout_match '^@k\[7\]: -2$'

fathom_run -q -e 'BEGIN { @a[@b] = 1; @b = 2; @a[@b] = 3; @h[@b, "s"] = hist(4); exit(); }'
expect_exit 0
expect_stdout_match '^@a\[0\]: 1$'
expect_stdout_match '^@a\[2\]: 3$'
expect_stdout_match '^@h\[2, s\]:$'

# a map nobody assigns is still an error, and so is one only copied to itself
fathom_run -e 'BEGIN { @x = @nope + 1; exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: undefined map @nope'
fathom_run -e 'BEGIN { @s = @s; exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: undefined map @s'

# A map whose only assignments come from its own reads through variables
# ($d = @depth[k]; @depth[k] = $d + 1) is typed as an integer, as bpftrace
# does; a map that is only ever read is still an error.
fathom_run -q -e 'BEGIN { $i = 0; while ($i < 3) { $d = @depth[7]; if ($d < 2) { @depth[7] = $d + 1; } $i++; }
  $t = @total; @total = $t + @depth[7] * 10; printf("%d %d\n", @depth[7], @total); exit(); }'
expect_exit 0
expect_stdout_match '^2 20$'
expect_stdout_match '^@depth\[7\]: 2$'

fathom_run -q -e 'BEGIN { $x = @never[1]; printf("%d\n", $x); }'
expect_exit 1
expect_stderr_match 'undefined map @never'
