#!/usr/bin/env bash
# uaddr("NAME") in user-space probes: the address of a function or global
# variable of the probe's binary in the traced process (what nm prints for
# a fixed-address executable; for a PIE or a shared object, relocated by
# where the file is mapped in that process, as current bpftrace does),
# typed as a pointer to user memory of an integer of the symbol's size (2,
# 4, else 8 bytes), so *uaddr("var") reads the variable. Errors: a probe
# that is not a user-space one, an unknown symbol, a name that is not a
# literal. Target: progs/uaddr_target.c, built without PIE and as a PIE.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc nm

gcc -O1 -no-pie -o "$T/target" "$E2E_DIR/progs/uaddr_target.c" || fail "cannot compile uaddr_target.c"
TG=$(realpath "$T/target")
sym() { nm "$TG" | awk -v s="$1" '$3 == s { sub(/^0+/, "", $1); print "0x" $1 }'; }

fathom_run -c "$TG" -e "uprobe:$TG:bump { printf(\"%p %d %hd %ld %p\\n\", uaddr(\"counter\"), *uaddr(\"counter\"), *uaddr(\"small_one\"), *uaddr(\"long_one\"), uaddr(\"bump\")); @[sizeof(*uaddr(\"small_one\")), sizeof(*uaddr(\"long_one\"))] = count(); }"
expect_exit 0
# (the target's own "44" may come before or after fathom's lines)
expect_stdout_match '^44$'
grep -v '^44$' "$FATHOM_STDOUT" >"$T/traced"
[ "$(cat "$T/traced")" = "$(sym counter) 41 7 1234567890123 $(sym bump)
$(sym counter) 42 7 1234567890123 $(sym bump)


@[2, 8]: 2" ] || fail "unexpected output: $(cat "$T/traced")"

# uretprobes have it too.
fathom_run -c "$TG" -e "uretprobe:$TG:bump { printf(\"%d %d\\n\", retval, *uaddr(\"counter\")); }"
expect_exit 0
expect_stdout_match '^42 42$'
expect_stdout_match '^44 44$'

# *$x of an integer reads at that address as many bytes as the integer's
# type holds (8 for a uint64, 4 for a uint32), giving a uint64 (bpftrace).
fathom_run -c "$TG" -e "uprobe:$TG:bump { \$a = (uint64)uaddr(\"long_one\"); \$c = (uint32)uaddr(\"counter\"); printf(\"%ld %ld %d %d %d\\n\", *\$a, *(uint32)\$a, *\$c, sizeof(*\$c), sizeof(*(\$a))); exit(); }"
expect_exit 0
expect_stdout_match '^1234567890123 1912276171 41 8 8$'

# A PIE lands at a random base: uaddr() is relocated to where the process
# has the file mapped, so the variables read right and a function's
# address is the probe's own instruction pointer at its entry. The same
# for a shared object (libc's printf, which the target calls).
case $(uname -m) in
aarch64 | arm*) IP=pc ;;
s390*) IP=pswaddr ;;
ppc*) IP=nip ;;
*) IP=ip ;;
esac
gcc -O1 -pie -fPIE -o "$T/pie" "$E2E_DIR/progs/uaddr_target.c" || fail "cannot compile the PIE"
PIE_COUNTER=$(nm "$T/pie" | awk '$3 == "counter" { sub(/^0+/, "", $1); print "0x" $1 }')
fathom_run -c "$T/pie" -e "uprobe:$T/pie:bump { printf(\"%p %d %hd %ld %d\\n\", uaddr(\"counter\"), *uaddr(\"counter\"), *uaddr(\"small_one\"), *uaddr(\"long_one\"), uaddr(\"bump\") == reg(\"$IP\")); exit(); }"
expect_exit 0
expect_stdout_match '^0x[0-9a-f]+ 41 7 1234567890123 1$'
expect_stdout_no_match "^$PIE_COUNTER "

fathom_run -c "$T/pie" -e "uprobe:libc:printf { printf(\"%d %d\\n\", uaddr(\"printf\") == reg(\"$IP\"), uaddr(\"printf\") > 0x10000000); exit(); }"
expect_exit 0
expect_stdout_match '^1 1$'

fathom_run -e 'tracepoint:syscalls:sys_enter_read { printf("%p\n", uaddr("counter")); }'
expect_exit 1
expect_stderr_match '^stdin:1:53-69: ERROR: uaddr can only be used with u\(ret\)probes and usdt probes$'
expect_stderr_match '^HINT: use it in a uprobe, uretprobe or usdt probe$'

fathom_run -e "uprobe:$TG:bump { printf(\"%p\\n\", uaddr(\"no_such_symbol\")); }"
expect_exit 1
expect_stderr_match "ERROR: Could not resolve symbol: $TG:no_such_symbol\$"

fathom_run -e "uprobe:$TG:bump { \$n = \"counter\"; printf(\"%p\\n\", uaddr(\$n)); }"
expect_exit 1
expect_stderr_match 'ERROR: uaddr\(\) takes a symbol name as a string literal$'
