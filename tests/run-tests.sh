#!/usr/bin/env bash
# Run the whole test suite against one or more meson build directories:
#
#   tests/run-tests.sh BUILD_DIR...        (make check: build build-asan)
#
# For each BUILD_DIR, in order:
#   1. every unit test binary BUILD_DIR/test_* (cmocka); each cmocka test
#      case counts once, from cmocka's "[  PASSED  ] N test(s)." and
#      "[  FAILED  ] N test(s), listed below:" summary lines.  A binary that
#      dies before its summary (crash, sanitizer abort, timeout) counts its
#      finished tests and one extra failure; one whose summary is clean but
#      whose exit status is not 0 (e.g. a LeakSanitizer report at exit)
#      counts one failure.  Skipped cmocka tests count as failures: a test
#      that cannot run must say why and fail.
#   2. every end-to-end test tests/e2e/*.sh (not lib.sh), run with bash from
#      the repository root, FATHOM=BUILD_DIR/fathom (absolute) in the
#      environment, stdin from /dev/null and a timeout.  Exit 0 = pass,
#      anything else = fail.
#      Processes a test leaves behind (found by FATHOM_TEST_RUN in their
#      environment) are killed, and fail a test that had passed.  Each
#      test gets a fresh TMPDIR, removed after it.
#   3. "no-leaked-bpf-objects": no BPF program or map whose name starts with
#      fth_ is still loaded (bpftool prog/map show).  Nothing else that
#      uses fathom may run on the machine while the suite runs.
#
# Prints "PASS name" / "FAIL name" per unit binary and per e2e test (with
# the output, indented, on failure) and ends with exactly one line
# "N passed, N failed" (totals over all build dirs).  Exits 1 on any
# failure, 2 on bad usage.
#
# Environment: UNIT_TIMEOUT (s, default 300), E2E_TIMEOUT (s, default 60),
# FAIL_OUTPUT_LINES (lines of output shown per failure, default 200).
# ASAN_OPTIONS / UBSAN_OPTIONS get defaults that make every sanitizer report
# fatal with exit status 99/98 (so it can't pass for an expected exit 1).

set -u -o pipefail
export LC_ALL=C

if [ $# -eq 0 ]; then
    echo "usage: $0 BUILD_DIR..." >&2
    exit 2
fi

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
E2E_TIMEOUT=${E2E_TIMEOUT:-60}
FAIL_OUTPUT_LINES=${FAIL_OUTPUT_LINES:-200}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=99:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=98:print_stacktrace=1}
export CMOCKA_MESSAGE_OUTPUT=stdout   # the format parsed below
unset CMOCKA_XML_FILE
export FATHOM_SOURCE_ROOT=$REPO_ROOT

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fathom-tests.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
OUT=$WORK/out

total_passed=0
total_failed=0

# secs_since T0: seconds elapsed since $EPOCHREALTIME value T0, e.g. "0.42".
secs_since() {
    local now=$EPOCHREALTIME
    local us=$(( ${now/./} - ${1/./} ))
    printf '%d.%02d' $(( us / 1000000 )) $(( us % 1000000 / 10000 ))
}

# show_output FILE: the output of a failed test, indented, capped.
show_output() {
    local n
    n=$(wc -l <"$1")
    if [ "$n" -gt "$FAIL_OUTPUT_LINES" ]; then
        echo "    ... (first $(( n - FAIL_OUTPUT_LINES )) of $n lines omitted)"
    fi
    tail -n "$FAIL_OUTPUT_LINES" "$1" | sed 's/^/    /'
}

# describe_status RC TIMEOUT: "exit status 3", "timed out after 60 s", ...
describe_status() {
    local rc=$1
    case $rc in
        124|137) echo "timed out after $2 s (exit status $rc)" ;;
        98)  echo "exit status 98 (UndefinedBehaviorSanitizer report)" ;;
        99)  echo "exit status 99 (AddressSanitizer/LeakSanitizer report)" ;;
        *)   if [ "$rc" -gt 128 ]; then
                 echo "killed by signal $(kill -l $(( rc - 128 )) 2>/dev/null || echo $(( rc - 128 ))) (exit status $rc)"
             else
                 echo "exit status $rc"
             fi ;;
    esac
}

# record NAME PASSED FAILED DETAIL [OUTPUT_FILE]
record() {
    local name=$1 p=$2 f=$3 detail=$4 out=${5:-}
    total_passed=$(( total_passed + p ))
    total_failed=$(( total_failed + f ))
    if [ "$f" -eq 0 ]; then
        echo "PASS $name${detail:+ ($detail)}"
    else
        echo "FAIL $name${detail:+ ($detail)}"
        if [ -n "$out" ] && [ -s "$out" ]; then show_output "$out"; fi
    fi
}

# sum_counts REGEX FILE: sum of the first capture group over matching lines.
sum_counts() {
    sed -n -E "s/$1/\\1/p" "$2" | awk '{ s += $1 } END { print s + 0 }'
}

run_unit() {
    local bdir=$1 bin=$2 name rc=0 t0 p f s why=""
    name="$bdir/$(basename "$bin")"
    t0=$EPOCHREALTIME
    (cd "$bdir" && exec timeout -k 5 "$UNIT_TIMEOUT" "$bin") >"$OUT" 2>&1 </dev/null || rc=$?
    local took
    took=$(secs_since "$t0")

    if grep -q -E '^\[  PASSED  \] [0-9]+ test\(s\)\.$' "$OUT"; then
        p=$(sum_counts '^\[  PASSED  \] ([0-9]+) test\(s\)\.$' "$OUT")
        f=$(sum_counts '^\[  FAILED  \] ([0-9]+) test\(s\), listed below:$' "$OUT")
        s=$(sum_counts '^\[  SKIPPED \] ([0-9]+) test\(s\), listed below:$' "$OUT")
        [ "$s" -gt 0 ] && why="$s skipped (counted as failed), "
        f=$(( f + s ))
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            f=1; why="$why$(describe_status "$rc" "$UNIT_TIMEOUT") after its summary, "
        elif [ $(( p + f )) -eq 0 ]; then
            f=1; why="${why}ran no tests, "
        fi
    else
        # No summary: it died mid-run (or is not a cmocka program at all).
        p=$(grep -c -E '^\[       OK \] ' "$OUT")
        f=$(grep -c -E '^\[  (FAILED|ERROR   )\] [^-]' "$OUT")
        f=$(( f + 1 ))
        if [ "$rc" -eq 0 ]; then
            why="no cmocka summary line, "
        else
            why="$(describe_status "$rc" "$UNIT_TIMEOUT") before cmocka's summary, "
        fi
    fi
    if [ "$f" -eq 0 ]; then
        record "$name" "$p" 0 "$p tests, ${took} s"
    else
        record "$name" "$p" "$f" "$why$p passed, $f failed, ${took} s" "$OUT"
    fi
}

# marked_pids MARKER: processes whose environment has FATHOM_TEST_RUN=MARKER.
marked_pids() {
    grep -l -z -x -F "FATHOM_TEST_RUN=$1" /proc/[0-9]*/environ 2>/dev/null |
        sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p'
}

e2e_count=0
run_e2e() {
    local bdir=$1 script=$2 name rc=0 t0 took marker
    local -a pids
    name="$bdir/e2e/$(basename "$script" .sh)"
    e2e_count=$(( e2e_count + 1 ))
    marker="$$.$e2e_count"
    mkdir "$WORK/tmp"
    t0=$EPOCHREALTIME
    # (The braces also send bash's "Killed" notice, if any, to $OUT.)
    { (cd "$REPO_ROOT" &&
        FATHOM="$abs_bdir/fathom" FATHOM_BUILD_DIR="$abs_bdir" FATHOM_TEST_RUN=$marker TMPDIR="$WORK/tmp" \
        exec timeout -k 5 "$E2E_TIMEOUT" bash "$script") >"$OUT" 2>&1 </dev/null || rc=$?; } 2>>"$OUT"
    took=$(secs_since "$t0")
    # Whatever the test started and left running (a timeout kills only the
    # test's own process group) is found by its environment and killed.
    mapfile -t pids < <(marked_pids "$marker")
    if [ ${#pids[@]} -gt 0 ]; then
        {
            echo "left running after the test ended, now killed:"
            ps -o pid=,args= -p "$(IFS=,; echo "${pids[*]}")" | sed 's/^/  /'
        } >>"$OUT"
        kill -KILL "${pids[@]}" 2>/dev/null
        [ "$rc" -eq 0 ] && rc=left
    fi
    rm -rf "$WORK/tmp"
    if [ "$rc" = left ]; then
        record "$name" 0 1 "passed but left processes running, ${took} s" "$OUT"
    elif [ "$rc" -eq 0 ]; then
        record "$name" 1 0 "${took} s"
    else
        record "$name" 0 1 "$(describe_status "$rc" "$E2E_TIMEOUT"), ${took} s" "$OUT"
    fi
}

# fth_objects: lines of `bpftool prog show` / `bpftool map show` naming an
# fth_ object; fails (status 2) if bpftool itself cannot list them.
fth_objects() {
    local kind
    for kind in prog map; do
        bpftool "$kind" show >"$WORK/bpftool.$kind" 2>&1 || {
            echo "bpftool $kind show failed:"; cat "$WORK/bpftool.$kind"; return 2; }
        grep -E "name fth_" "$WORK/bpftool.$kind" | sed "s/^/$kind /"
    done
    return 0
}

check_leaks() {
    local bdir=$1 name="$1/no-leaked-bpf-objects" left rc
    if ! command -v bpftool >/dev/null 2>&1; then
        echo "bpftool is not installed (make deps installs it)" >"$OUT"
        record "$name" 0 1 "cannot check" "$OUT"
        return
    fi
    # The kernel frees programs and maps asynchronously after the last
    # reference goes: give it a moment before calling anything a leak.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        left=$(fth_objects); rc=$?
        [ "$rc" -eq 0 ] && [ -z "$left" ] && break
        sleep 0.5
    done
    if [ "$rc" -ne 0 ]; then
        printf '%s\n' "$left" >"$OUT"
        record "$name" 0 1 "cannot list BPF objects" "$OUT"
    elif [ -n "$left" ]; then
        {
            printf '%s\n' "$left"
            [ -n "$LEAKED_BEFORE" ] && echo "(fth_ objects were already loaded before this run started)"
            pgrep -a -x fathom | sed 's/^/running: /'
        } >"$OUT"
        record "$name" 0 1 "$(printf '%s\n' "$left" | wc -l) fth_ objects still loaded" "$OUT"
    else
        record "$name" 1 0 ""
    fi
}

LEAKED_BEFORE=""
command -v bpftool >/dev/null 2>&1 && LEAKED_BEFORE=$(fth_objects 2>/dev/null)

shopt -s nullglob
e2e_tests=()
for t in "$REPO_ROOT"/tests/e2e/*.sh; do
    [ "$(basename "$t")" = lib.sh ] || e2e_tests+=("$t")
done

for bdir in "$@"; do
    bdir=${bdir%/}
    echo "== $bdir =="
    if [ ! -d "$bdir" ]; then
        echo "no such directory: $bdir (run make first)" >"$OUT"
        record "$bdir/build-directory" 0 1 "missing" "$OUT"
        continue
    fi

    abs_bdir=$(cd "$bdir" && pwd)
    units=()
    for bin in "$abs_bdir"/test_*; do
        [ -f "$bin" ] && [ -x "$bin" ] && units+=("$bin")
    done
    if [ ${#units[@]} -eq 0 ]; then
        echo "no unit test binaries $bdir/test_* (meson builds them only when libcmocka-dev is installed)" >"$OUT"
        record "$bdir/unit-tests" 0 1 "none found" "$OUT"
    fi
    for bin in "${units[@]}"; do
        run_unit "$bdir" "$bin"
    done

    if [ ${#e2e_tests[@]} -eq 0 ]; then
        echo "no end-to-end tests in tests/e2e/" >"$OUT"
        record "$bdir/e2e" 0 1 "none found" "$OUT"
    fi
    for t in "${e2e_tests[@]}"; do
        run_e2e "$bdir" "$t"
    done

    check_leaks "$bdir"
done

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
