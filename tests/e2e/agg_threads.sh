#!/usr/bin/env bash
# Aggregations fed from several threads at once (per-CPU values summed
# when printed), as bpftrace's runtime aggregations tests: the values
# 1..100 reach accept_positive() from four threads; count, hist, lhist,
# min, max (also of the negated value), sum, avg and stats must come out
# exactly as for one thread. stats prints as current bpftrace's record.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

gcc -g -O1 -pthread -o "$T/agg_threads" "$E2E_DIR/progs/agg_threads.c" || fail "cannot compile the test program"
TG=$(realpath "$T/agg_threads")

( wait_attached && "$TG" ) &
helper=$!
fathom_run -e "uprobe:$TG:accept_positive { @cnt = count(); @hist = hist(arg0); @lhist = lhist(arg0, 0, 100, 20);
    @min = min(arg0); @minneg = min(-arg0); @max = max(arg0); @maxneg = max(-arg0);
    @sum = sum(arg0); @avg = avg(arg0); @stats = stats(arg0); }
  uretprobe:$TG:main { exit() }"
wait "$helper" || fail "the target program did not run (fathom never attached?)"
expect_exit 0
cat >"$T/want" <<'OUT'


@avg: 50
@cnt: 100
@hist:
[1]                    1 |@                                                   |
[2, 4)                 2 |@@                                                  |
[4, 8)                 4 |@@@@@                                               |
[8, 16)                8 |@@@@@@@@@@@                                         |
[16, 32)              16 |@@@@@@@@@@@@@@@@@@@@@@                              |
[32, 64)              32 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@        |
[64, 128)             37 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@lhist:
[0, 20)               19 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@   |
[20, 40)              20 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[40, 60)              20 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[60, 80)              20 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[80, 100)             20 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[100, ...)             1 |@@                                                  |

@max: 100
@maxneg: -1
@min: 1
@minneg: -100
@stats: { .count = 100, .average = 50, .total = 5050 }
@sum: 5050
OUT
expect_stdout_eq "$T/want"
