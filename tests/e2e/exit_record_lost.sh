#!/usr/bin/env bash
# exit() ends the run even when the ring buffer has no room for its record:
# BEGIN fills a one-page buffer exactly (16-byte records) (FATHOM_RINGBUF_SIZE) before anything reads
# it, so exit(5)'s record is lost; an interval probe would otherwise keep
# the run going for a minute. The run must end promptly with status 5,
# print what fitted before the exit, report the loss, and run END.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

FATHOM_RINGBUF_SIZE=$(getconf PAGESIZE)
export FATHOM_RINGBUF_SIZE
FATHOM_TIMEOUT=20
# shellcheck disable=SC2016 # $i is the script's variable
fathom_run -e 'BEGIN { $i = 0; while ($i < 300) { printf("filler\n"); $i++; } exit(5); }
interval:s:60 { printf("interval ran\n"); }
END { printf("end ran\n"); }'
[ "$FATHOM_STATUS" != 124 ] || fail "the run did not end after exit() (its record was lost)"
expect_exit 5
expect_stdout_match "^filler$"
expect_stdout_match '^end ran$'
expect_stdout_no_match '^interval ran$'
expect_stderr_match '^Lost [0-9]+ events$'

# A computed exit code survives the same way.
fathom_run -e 'BEGIN { $i = 0; $code = 3; while ($i < 300) { printf("filler\n"); $i++; } exit($code + 4); }
interval:s:60 { printf("interval ran\n"); }'
[ "$FATHOM_STATUS" != 124 ] || fail "the run did not end after exit(\$code + 4)"
expect_exit 7
