#!/usr/bin/env bash
# strftime()'s extensions for the fraction of the second, as current
# bpftrace formats a timestamp: %l milliseconds (3 digits), %f microseconds
# (6) and %k nanoseconds (9), zero-padded; %% keeps them literal. Two
# timestamps a known distance apart must differ by it in each field (modulo
# a second: the boot-to-wall offset may carry into the seconds).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# 1 s + 456 ms + 789 us + 123 ns after the first stamp
fathom_run -e 'BEGIN { $t = nsecs;
  printf("%s %s\n", strftime("%l %f %k", $t), strftime("%l %f %k", $t + 1456789123));
  printf("%s\n", strftime("[%%l %%f %%k %%%Y]", $t)); exit(); }'
expect_exit 0
read -r l0 f0 k0 l1 f1 k1 < <(head -1 "$FATHOM_STDOUT")
for v in "$l0" "$l1"; do [[ $v =~ ^[0-9]{3}$ ]] || fail "%l is not 3 digits: '$v'"; done
for v in "$f0" "$f1"; do [[ $v =~ ^[0-9]{6}$ ]] || fail "%f is not 6 digits: '$v'"; done
for v in "$k0" "$k1"; do [[ $v =~ ^[0-9]{9}$ ]] || fail "%k is not 9 digits: '$v'"; done
[ $(((10#$k1 - 10#$k0 + 1000000000) % 1000000000)) -eq 456789123 ] || fail "%k: $k0 -> $k1"
[ $(((10#$f1 - 10#$f0 + 1000000) % 1000000)) -eq 456789 ] || [ $(((10#$f1 - 10#$f0 + 1000000) % 1000000)) -eq 456790 ] ||
	fail "%f: $f0 -> $f1"
# the nanoseconds decide the other two: they are its leading digits
[ "$f0" = "${k0:0:6}" ] && [ "$l0" = "${k0:0:3}" ] && [ "$l1" = "${k1:0:3}" ] || fail "%l/%f/%k disagree: $l0 $f0 $k0, $l1 $f1 $k1"
expect_stdout_match "^\[%l %f %k %[0-9]{4}\]$"
