#!/usr/bin/env bash
# uptr() and kptr() choose the address space a read uses, for pointers and
# for plain integers that are cast to a pointer or passed to str() later:
# a tracepoint's syscall filename points into the process, so reading it
# as user memory gives its bytes, and reading it as kernel memory fails
# and gives zeros.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

wl_name=as${T##*.}
cp /bin/cat "$T/$wl_name" || fail "cannot copy /bin/cat"
echo data >"$T/addr.txt"
: >"$FATHOM_STDERR"
( cd "$T" && wait_attached && "./$wl_name" addr.txt >/dev/null ) &
wl=$!
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /comm == "'"$wl_name"'" && str(args.filename) == "addr.txt"/ {
  $a = (uint64)args.filename;
  printf("%c%c|%d|%d|%s|%s\n", *(uint8 *)uptr($a), *(uint8 *)uptr($a + 1), *(uint8 *)kptr(uptr($a)),
         *kptr(args.filename), str(uptr($a)), str(uptr($a + 5)));
  exit();
}'
wait "$wl"
expect_exit 0
expect_stdout_eq 'ad|0|0|addr.txt|txt'
