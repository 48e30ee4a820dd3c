# shellcheck shell=bash
# Shared by bench/startup and bench/compile-scale: measuring helpers.
# Wall times are taken with bash's $EPOCHREALTIME (microseconds) around a
# direct fork+exec of the command, so they include that (~0.5 ms) and
# nothing else.  Peak RSS comes from separate runs under GNU time (%M, KiB).

export LC_ALL=C
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fathom-bench.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# ensure_gnu_time: install Debian's `time` package if /usr/bin/time is missing.
ensure_gnu_time() {
    [ -x /usr/bin/time ] && return 0
    [ "$(id -u)" -eq 0 ] || die "/usr/bin/time is missing: apt-get install time"
    echo "installing the 'time' package for /usr/bin/time ..." >&2
    if ! { apt-get update >/dev/null &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >/dev/null; }; then
        die "could not install the 'time' package"
    fi
}

# check_run TIMEOUT CMD...: one run with a timeout; stdout is kept in
# $BENCH_TMP/out.  On failure prints why and returns 1.
check_run() {
    local limit=$1 rc=0
    shift
    timeout -k 5 "$limit" "$@" >"$BENCH_TMP/out" 2>"$BENCH_TMP/err" </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAILED: $* (exit status $rc$([ "$rc" = 124 ] && echo ", timed out after $limit s"))" >&2
        sed 's/^/    /' "$BENCH_TMP/err" | head -n 20 >&2
        return 1
    fi
}

# wall_us_runs N CMD...: runs CMD N times, prints each wall time in us.
wall_us_runs() {
    local n=$1 i t0 t1
    shift
    for (( i = 0; i < n; i++ )); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>"$BENCH_TMP/err" </dev/null || return 1
        t1=$EPOCHREALTIME
        echo $(( ${t1/./} - ${t0/./} ))
    done
}

# peak_rss_kib N CMD...: the largest peak RSS (KiB) over N runs of CMD.
peak_rss_kib() {
    local n=$1 i max=0 kib
    shift
    for (( i = 0; i < n; i++ )); do
        /usr/bin/time -f %M -o "$BENCH_TMP/rss" "$@" >/dev/null 2>&1 </dev/null || return 1
        kib=$(tail -n 1 "$BENCH_TMP/rss")
        [ "$kib" -gt "$max" ] && max=$kib
    done
    echo "$max"
}

# median: of the integers on stdin, one a line.
median() {
    sort -n | awk '{ a[NR] = $1 } END {
        if (NR == 0) exit 1
        if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

# us_to_ms US: "12.34"
us_to_ms() { printf '%d.%02d' $(( $1 / 1000 )) $(( $1 % 1000 / 10 )); }
