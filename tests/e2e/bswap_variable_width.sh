#!/usr/bin/env bash
# bswap() of a variable swaps the bytes of the integer the variable was
# given, as bpftrace does: bpftrace's tcpretrans.bt keeps a socket's port
# (a 16-bit field) in $dport and prints bswap($dport).  Variables live in
# 64-bit slots; swapping all 8 bytes turned port 80 into 0.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

fathom_run -e 'BEGIN {
  $port = (uint16)0x5000; $port = bswap($port);
  $w = (uint32)0x12345678;
  $wide = 0x1234;
  printf("%d %x %lx %x\n", $port, bswap($w), bswap($wide), bswap((uint16)0x1234));
  exit(); }'
expect_exit 0
expect_stdout_eq "80 78563412 3412000000000000 3412"
