#!/usr/bin/env bash
# Macros of the headers tools #include, known without the headers (x86-64
# Linux values): dirent types, open flags, ICMP types, Ethernet protocols,
# protocol families, signals. A script's own #define takes an integer
# expression of numbers, C operators and other macros (#define MAX
# (1 << 10)), or a string; #undef removes a #define; a body that is
# neither is an error naming the #define.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/consts.bt" <<'BT'
#include <linux/fs.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <net/sock.h>
#define KB (1 << 10)
#define RW (O_WRONLY | O_RDWR)
#define WANT (O_CREAT | O_WRONLY)
#define STATES (TCPF_ESTABLISHED | TCPF_LISTEN)
#define NEG -(KB + 1)
#define LIMIT 5
#undef LIMIT
#define LIMIT (KB * 2)
#define TAG "opened"
BEGIN {
	printf("%d %d %d %d %d %d %d\n", DT_DIR, DT_REG, DT_LNK, O_SYNC, O_DSYNC, O_DIRECT, O_TMPFILE);
	printf("%d %d %x %x %d %d %d\n", ICMP_ECHO, ICMP_ECHOREPLY, ETH_P_IP, ETH_P_IPV6, PF_INET6, SIGKILL, AT_FDCWD);
	printf("%d %d %d %d %d %d %s\n", KB, RW, WANT, STATES, NEG, LIMIT, TAG);
}
tracepoint:syscalls:sys_enter_openat /pid == cpid && (args.flags & WANT) == WANT/ {
	printf("%s %s sync=%d\n", TAG, str(args.filename), (args.flags & O_SYNC) == O_SYNC);
}
BT
fathom_run -c "dd if=/dev/zero of=$T/out bs=1 count=1 oflag=sync status=none" "$T/consts.bt"
expect_exit 0
expect_stdout_match '^4 8 10 1052672 4096 16384 4259840$'
expect_stdout_match '^8 0 800 86dd 10 9 -100$'
expect_stdout_match '^1024 3 65 1026 -1025 2048 opened$'
expect_stdout_match "^opened $T/out sync=1\$"

# A body of several tokens is put in the macro's place as the C
# preprocessor does, so a cast in it is a cast.
fathom_run -e '#define X ((u32)4)
BEGIN { print(X); exit(); }'
expect_exit 0
expect_stdout_match '^4$'

# A one-token body that is no value: the error names the #define.
fathom_run -e '#define X +
BEGIN { print(X); }'
expect_exit 1
expect_stderr_match "^stdin:2:15: ERROR: 'X' is defined on line 1 as '\+', which fathom cannot use as a value$"
expect_stderr_match '^HINT: a macro used as a value must be an integer expression'

# Macros naming each other in a cycle are no value either: bpftrace's
# "Macro recursion" with the chain.
fathom_run -e '#define A B
#define B A
BEGIN { print(A); }'
expect_exit 1
expect_stderr_match "ERROR: Macro recursion: A->B->A"
