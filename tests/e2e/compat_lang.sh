#!/usr/bin/env bash
# Language forms of current bpftrace: nsecs() with a clock, a ternary whose
# branches are calls without a value, config validation (unknown and
# environment-only settings, non-GPL licenses).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# nsecs(CLOCK): boot and monotonic agree on a machine that never slept;
# tai and sw_tai are wall-clock based (after 2020), so far larger.
fathom_run -q -e 'BEGIN { $b = nsecs(boot); $m = nsecs(monotonic); $n = nsecs();
    printf("%d %d %d\n", nsecs(tai) > 1577836800000000000, nsecs(sw_tai) > 1577836800000000000,
           $n >= $b && $m > 0); exit(); }'
expect_exit 0
expect_stdout_eq "1 1 1"
fathom_run -e 'BEGIN { print(nsecs(realtime)); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: unknown clock for nsecs\(\)'

# cond ? call : call is an if/else
fathom_run -q -e 'BEGIN { $x = 0; $x ? printf("yes\n") : printf("no\n"); 1 ? printf("one\n") : printf("zero\n"); exit(); }'
expect_exit 0
expect_stdout_match '^no$'
expect_stdout_match '^one$'
expect_stdout_no_match '^(yes|zero)$'

# config blocks
fathom_run -e 'config = { bad_config=raw } BEGIN {}'
expect_exit 1
expect_stderr_match '^stdin:1:12-22: ERROR: Unrecognized config variable: bad_config$'
fathom_run -e 'config = { debug_output=1 } BEGIN {}'
expect_exit 1
expect_stderr_match '^stdin:1:12-24: ERROR: debug_output can only be set as an environment variable$'
# any license loads; the kernel keeps GPL-only helpers for GPL programs
fathom_run -e 'config = { license="Potato" } BEGIN { @p[1] = 1; print(len(@p)); exit(); }'
expect_exit 0
expect_stdout_match '^1$'
fathom_run -q -e 'config = { license="Dual BSD/GPL"; stack_mode=perf; BPFTRACE_MAX_STRLEN=64 } BEGIN { printf("ok\n"); exit(); }'
expect_exit 0
expect_stdout_match '^ok$'

# a macro's $parameter takes any expression, substituted at each use
fathom_run -q -e 'macro add_one($x) { $x + 1 } macro twice($v) { $w = $v + $v; $w }
    begin { $a = 1; @n = 4; print((add_one(1 + 1), add_one($a + 1), add_one(@n + 1), add_one(add_one(1) + 1)));
            $y = 2; print(twice({ $y += 1; $y })); exit(); }'
expect_exit 0
expect_stdout_match '^\(3, 3, 6, 4\)$'
expect_stdout_match '^7$'
fathom_run -e 'macro m($x) { $x } begin { @a[1] = 1; print(m(@a)); exit(); }'
expect_exit 1
expect_stderr_match 'macro m: parameter \$x takes a value, not a whole map'

# builtins spelled as calls and as __builtin_NAME
fathom_run -q -e 'begin { printf("%d %d %d %d %s\n", pid() == pid, __builtin_tid == tid(), cpu() == __builtin_cpu,
    ncpus() > 0, comm()); exit(); }'
expect_exit 0
expect_stdout_eq "1 1 1 1 fathom"

# cat(): a missing file is reported in bpftrace's words and the run goes on;
# max_cat_bytes (config or BPFTRACE_MAX_CAT_BYTES) limits what is printed
fathom_run -q -e 'BEGIN { cat("/does/not/exist/file"); printf("after\n"); exit(); }'
expect_exit 0
expect_stderr_match "^ERROR: failed to open file '/does/not/exist/file' \(No such file or directory\)$"
expect_stdout_match '^after$'
printf 'abcdefgh\n' > "$T/eight"
fathom_run -q -e "config = { max_cat_bytes = 3 } BEGIN { cat(\"$T/eight\"); exit(); }"
expect_exit 0
expect_stdout_match '^abc$'
BPFTRACE_MAX_CAT_BYTES=5 fathom_run -q -e "BEGIN { cat(\"$T/eight\"); exit(); }"
expect_exit 0
expect_stdout_match '^abcde$'

# (bool) of a string literal; kaddr() of a positional parameter's text
fathom_run -q -e 'BEGIN { print(((bool)"hello", (bool)"")); printf("%d\n", kaddr(str($1)) == kaddr("vfs_read")); exit(); }' vfs_read
expect_exit 0
expect_stdout_match '^\(true, false\)$'
expect_stdout_match '^1$'

# pton(): an address literal as its bytes, for ntop() or printing
fathom_run -q -e 'BEGIN { printf("IP: %s %s %s\n", ntop(2, pton("127.0.0.1")), ntop(10, pton("::1")), ntop(pton("fe80::1:2")));
    $a = pton("10.1.2.3"); print($a); exit(); }'
expect_exit 0
expect_stdout_match '^IP: 127\.0\.0\.1 ::1 fe80::1:2$'
expect_stdout_match '^\[10,1,2,3\]$'
fathom_run -e 'BEGIN { print(pton("1.2.3")); exit(); }'
expect_exit 1
expect_stderr_match "ERROR: pton\(\): '1.2.3' is not an IPv4 or IPv6 address"

# usermode: 1 in BEGIN/END and in a uprobe (read from the saved cs)
fathom_run -q -e 'BEGIN { printf("%d ", usermode); } END { print(usermode); }'
expect_exit 0
expect_stdout_match '^1 1$'
fathom_run -q -e 'uprobe:/lib/x86_64-linux-gnu/libc.so.6:exit { printf("um=%d\n", usermode); exit(); }' -c /bin/true
expect_exit 0
expect_stdout_match '^um=1$'
fathom_run -e 'i:ms:1 { print(usermode); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: usermode is not available in interval:ms:1'

# username values compare with == and != (by uid)
fathom_run -q -e 'BEGIN { if (__builtin_username == username() && !(username != username)) { printf("same %s\n", username); } exit(); }'
expect_exit 0
expect_stdout_match "^same $(id -un)\$"

# probe values compare with == and != (by probe): equal within one probe,
# different between the begin probe that stored @p and the end probe
fathom_run -q -e 'begin { @p = probe; if (__builtin_probe == probe() && !(probe != probe)) { printf("same %s\n", probe); } }
end { printf("%s %s\n", @p == probe ? "equal" : "differ", @p != probe ? "ne" : "eq"); clear(@p); }'
expect_exit 0
expect_stdout_eq "same begin
differ ne"
fathom_run -e 'begin { if (probe == "begin") { exit(); } }'
expect_exit 1
expect_stderr_match 'cannot compare probe_t with string'
