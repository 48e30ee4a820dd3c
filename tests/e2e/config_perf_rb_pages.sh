#!/usr/bin/env bash
# The event ring buffer's size, as bpftrace sizes it: perf_rb_pages (config
# block or BPFTRACE_PERF_RB_PAGES) pages across all CPUs, at least one per
# possible CPU, rounded to the nearest power of two (the lower on a tie);
# by default the available memory kept between 256 KiB and 16544 KiB, in
# the nearest power-of-two number of pages. Read back from the ring-buffer
# map's fdinfo (map_type 27) while fathom runs.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3

# ring_size ARGS...: $T/size = max_entries of the ring buffer that
# fathom ARGS... creates, read while it runs
ring_size() {
    : >"$FATHOM_STDERR"
    : >"$T/size"
    (
        wait_attached || exit 1
        pid=$(pgrep -n -f 'perf_rb_test') || exit 1
        grep -l '^map_type:[[:space:]]*27$' /proc/"$pid"/fdinfo/* 2>/dev/null |
            xargs -r grep -h '^max_entries:' | awk '{ print $2 }' >"$T/size"
    ) &
    local reader=$!
    fathom_run_interrupted 2 "$@"
    wait "$reader" || fail "could not read the ring buffer's size"
    expect_exit 0
}

# what bpftrace's formula gives, in bytes
expected() {
    python3 - "$@" <<'PY'
import os, sys
page = os.sysconf("SC_PAGE_SIZE")
def nearest(n):
    low = 1
    while low * 2 <= n:
        low *= 2
    return low if n - low <= low * 2 - n else low * 2
if sys.argv[1] == "default":
    avail = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemAvailable:"))
    pages = max(256, min(avail, 16544)) * 1024 // page
else:
    possible = open("/sys/devices/system/cpu/possible").read().strip()
    n = 0
    for part in possible.split(","):
        lo, _, hi = part.partition("-")
        n += int(hi or lo) - int(lo) + 1
    pages = max(int(sys.argv[1]), n)
print(nearest(pages) * page)
PY
}

prog='i:s:10 { exit(); } // perf_rb_test'
ring_size -e "$prog"
[ "$(cat "$T/size")" = "$(expected default)" ] || fail "default ring buffer size: $(cat "$T/size")"
ring_size -e "config = { perf_rb_pages = 100 } $prog"
[ "$(cat "$T/size")" = "$(expected 100)" ] || fail "perf_rb_pages = 100: $(cat "$T/size")"
BPFTRACE_PERF_RB_PAGES=3 ring_size -e "$prog"
[ "$(cat "$T/size")" = "$(expected 3)" ] || fail "BPFTRACE_PERF_RB_PAGES=3: $(cat "$T/size")"
ring_size -e "config = { perf_rb_pages = 1 } $prog"
[ "$(cat "$T/size")" = "$(expected 1)" ] || fail "perf_rb_pages = 1: $(cat "$T/size")"

fathom_run -e 'config = { perf_rb_pages = 0 } BEGIN { exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:12-29: ERROR: perf_rb_pages must be a positive integer$'
expect_stderr_match "^HINT: '0' is not one: use a whole number from 1 to 262144$"

# Too large: the message says so and names the limit instead of claiming
# the number is not a positive integer.
fathom_run -e 'config = { perf_rb_pages = 1000000 } BEGIN { exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:12-35: ERROR: perf_rb_pages of 1000000 is too large: the limit is 262144$'
expect_stderr_match '^HINT: use a value from 1 to 262144$'
BPFTRACE_PERF_RB_PAGES=abc fathom_run -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "ERROR: perf_rb_pages must be a positive integer$"
expect_stderr_match "^HINT: 'abc' is not one: use a whole number from 1 to 262144$"
