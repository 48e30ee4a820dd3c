#!/usr/bin/env bash
# Strings are max_strlen bytes long, 1024 by default as in current bpftrace:
# a 200-character path is printed whole by printf, as a map key and as a
# variable's value, and as a key seen by a for loop over the map (these do
# not fit the 512-byte BPF stack, so they live in fathom's per-CPU scratch
# area, which the loop's callback reaches too). With a max_strlen below
# 1024, str() reads one byte more than its string type holds, as current
# bpftrace does: a string that fills the type has no NUL and prints with
# bpftrace's ".." trailer (printf, print(), map keys and values alike); one
# that fits does not.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cp /bin/cat "$T/fthlong" || fail "cannot copy /bin/cat"
dir=$T/$(printf 'd%.0s' $(seq 60))/$(printf 'e%.0s' $(seq 60))
mkdir -p "$dir" || fail "mkdir"
file=$dir/$(printf 'f%.0s' $(seq 60)).txt
echo data >"$file"
[ ${#file} -gt 190 ] || fail "test path too short: ${#file}"

workload() {
    : >"$FATHOM_STDERR"
    ( wait_attached && for i in $(seq 10); do "$T/fthlong" "$file" >/dev/null; sleep 0.05; done ) &
    wl=$!
}

workload
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /comm == "fthlong"/ {
    $p = str(args->filename);
    if ($p == "'"$file"'") {
        printf("open %s\n", $p);
        @opens[str(args->filename)] = count();
        @last = $p;
        for ($kv : @opens) { printf("loop %s %d\n", $kv.0, $kv.1); }
        exit();
    }
}'
wait "$wl"
expect_exit 0
expect_stdout_eq "open $file
loop $file 1


@last: $file
@opens[$file]: 1"

# max_strlen 8: eight characters, then ".."; str(p, 4) holds four.
workload
fathom_run -e 'config = { max_strlen = 8; on_stack_limit = 8 }
tracepoint:syscalls:sys_enter_openat
/comm == "fthlong" && strncmp(str(args->filename), "'"${file:0:5}"'", 5) == 0/ {
    printf("[%s] [%s]\n", str(args->filename), str(args->filename, 4));
    print(str(args->filename));
    $s = str(args->filename);
    @k[str(args->filename)] = 1;
    @v = $s;
    exit();
}'
wait "$wl"
expect_exit 0
expect_stdout_eq "[${file:0:8}..] [${file:0:4}..]
${file:0:8}..


@k[${file:0:8}..]: 1
@v: ${file:0:8}.."

# A string shorter than the type keeps its NUL: no trailer.
workload
fathom_run -e 'config = { max_strlen = 64 }
tracepoint:syscalls:sys_enter_openat /comm == "fthlong"/ {
    printf("[%s]\n", str(args->filename)); exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_eq "[/etc/ld.so.cache]"

# The same limit from the environment, as bpftrace reads it.
workload
BPFTRACE_MAX_STRLEN=6 fathom_run -e 'tracepoint:syscalls:sys_enter_openat
/comm == "fthlong" && strncmp(str(args->filename), "'"${file:0:5}"'", 5) == 0/ {
    printf("%s\n", str(args->filename)); exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_eq "${file:0:6}.."
