#!/usr/bin/env bash
# bpftrace's -d stages and the newer CLI options:
#  -d types     the syntax tree with each expression's type
#  -d verifier  loads the programs and prints the kernel verifier's log
#  -d codegen / codegen-opt / dis / parse / -dd   bpftrace's names
#  --probe-filter REGEX   only matching probes attach; begin/end always run
#  --no-feature LIST      refuses unknown names, accepts bpftrace's
#  bpftrace options fathom has no use for: one sentence why, exit 1
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

FATHOM_TIMEOUT=10
fathom_run -d types -e 'BEGIN { $x = 1; @c[comm] = count(); printf("%s\n", str($x)); exit(); }'
expect_exit 0
expect_stdout_match '^ +var \$x \[1:9\] :: int64$'
expect_stdout_match '^ +ident comm \[1:20\] :: string\[16\]$'
expect_stdout_match ':: count_t$'
expect_stderr_no_match 'Attached'

fathom_run -d verifier -e 'tracepoint:syscalls:sys_enter_getpid { @ = count(); }'
expect_exit 0
expect_stdout_match '^tracepoint:syscalls:sys_enter_getpid .* verifier log:$'
expect_stdout_match '^processed [0-9]+ insns'
expect_stderr_no_match 'Attached'

for stage in codegen codegen-opt dis; do
    fathom_run -d "$stage" -e 'BEGIN { exit(); }'
    expect_exit 0
    expect_stdout_match '^BEGIN .*[0-9]+ instructions:$'
    expect_stdout_match 'exit'
done
fathom_run -d parse -e 'BEGIN { exit(); }'
expect_exit 0
expect_stdout_match '^ +attach BEGIN'
# all: every stage, the tree first
fathom_run -dd -e 'BEGIN { $y = 2; exit(); }'
expect_exit 0
expect_stdout_match 'var \$y .* :: int64'
expect_stdout_match 'instructions:$'
expect_stdout_match '^processed [0-9]+ insns'

fathom_run -d nonsense -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "not 'nonsense'"

# --probe-filter: of the open* syscalls only openat is attached; interval
# is a probe too and must match to run; BEGIN runs regardless. (The -c
# command prints nothing: GNU cat copies a file to a file with
# copy_file_range(), which moves the shared offset of the stdout file
# without the lock write() takes, so fathom's lines could be overwritten.)
fathom_run --probe-filter 'sys_enter_openat$|interval' -e '
  BEGIN { printf("begin\n"); }
  tracepoint:syscalls:sys_enter_open* { @[probe] = count(); }
  interval:ms:300 { exit(); }' -c /bin/true
expect_exit 0
expect_stderr_match '^Attached 3 probes$'
expect_stdout_match '^begin$'
expect_stdout_match '^@\[tracepoint:syscalls:sys_enter_openat\]: [0-9]+$'
expect_stdout_no_match 'sys_enter_open(at2|_by_handle_at|_tree)?\]'

fathom_run --probe-filter '(' -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^ERROR: invalid --probe-filter '\(':"
expect_stderr_match '^HINT: '

fathom_run --no-feature uprobe_multi,kprobe_multi -e 'BEGIN { printf("ok\n"); exit(); }'
expect_exit 0
expect_stdout_eq "ok"
fathom_run --no-feature bogus -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "unknown feature 'bogus'"

for opt in --emit-elf --emit-llvm --aot; do
    fathom_run "$opt" /dev/null -e 'BEGIN { exit(); }'
    expect_exit 1
    expect_stderr_match "^ERROR: $opt is a bpftrace option fathom does not have: "
done
fathom_run --fmt -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match 'no script formatter'
