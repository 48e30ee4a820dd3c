#!/usr/bin/env bash
# Command-line behaviour scripts and test harnesses written for bpftrace rely
# on: named parameters (--name=value) anywhere after the options, a --name
# no getopt() reads is refused, numeric positional parameters where a
# literal is required, --dry-run, -l FILE, and bpftrace's wording for a
# missing script and a bad -p.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# named parameters before and after positional ones and after "--"
fathom_run -q -e 'BEGIN { print(($1, getopt("aa", 10), $2, getopt("bb", "hello"), getopt("cc"))); exit(); }' \
    --aa=20 pos1 --bb=bye -- pos2 --cc
expect_exit 0
expect_stdout_eq "(pos1, 20, pos2, bye, true)"

# an integer getopt() given False/True reads 0/1
fathom_run -q -e 'BEGIN { print((getopt("n", 7), getopt("m", 7))); exit(); }' -- --n=False --m=true
expect_exit 0
expect_stdout_eq "(0, 1)"

fathom_run -e 'BEGIN { exit(); }' --aa=20 --bb
expect_exit 1
expect_stderr_match '^ERROR: Unexpected command line options: aa, bb$'

# numeric positional parameters where literals are required
fathom_run -q -e 'BEGIN { $a = 1; unroll ($1) { $a = $a + 1; } @ = lhist(5, $2, $3, $4);
    if (strncmp("hello", "help", $5) == 0) { printf("a=%d\n", $a); } exit(); }' 10 0 100 10 3
expect_exit 0
expect_stdout_match '^a=11$'
expect_stdout_match '^\[0, 10\) +1 \|@+\|$'

fathom_run -q -e 'BEGIN { printf("%lu %s\n", $1, $2); exit(); }' 0xffffffffffffffff word
expect_exit 0
expect_stdout_eq "18446744073709551615 word"

fathom_run -e 'BEGIN { unroll ($1) { printf("x"); } exit(); }' 101
expect_exit 1
expect_stderr_match '^stdin:1:9-20: ERROR: unroll maximum value is 100$'
fathom_run -e 'BEGIN { unroll (0) { printf("x"); } exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:9-19: ERROR: unroll minimum value is 1$'

# a parameter given a word is a string: used as a number, the error names
# the parameter and the word (bpftrace: "$1 used numerically, but given
# ..."); read with str() or offset into, it is the word
fathom_run -e 'BEGIN { printf("%d\n", $1 + 3); exit(); }' pts2
expect_exit 1
expect_stderr_match '^stdin:1:24-26: ERROR: \$1 is used as a number, but it was given "pts2"$'
expect_stderr_match '^HINT: pass a number as parameter 1, or use str\(\$1\) to read it as a string$'
fathom_run -e 'BEGIN { if (pid == $2) { exit(); } }' 1 abc
expect_exit 1
expect_stderr_match '^stdin:1:20-22: ERROR: \$2 is used as a number, but it was given "abc"$'
fathom_run -q -e 'BEGIN { printf("%s %s %d\n", str($1), str($1 + 3), $2 * 2); exit(); }' pts2 21
expect_exit 0
expect_stdout_eq "pts2 2 42"

# --dry-run loads the program but runs nothing
fathom_run --dry-run -e 'BEGIN { printf("hello\n"); @ = 0; }'
expect_exit 0
expect_stdout_no_match 'hello|@'
fathom_run --dry-run -e 'BEGIN { printf("%d\n", undefined_thing); }'
expect_exit 1

# -l FILE lists the probes of the script, without running it
printf 'interval:ms:1 { exit(); }\ntracepoint:sched:sched_switch { @ = count(); }\n' > "$T/two.bt"
fathom_run -l "$T/two.bt"
expect_exit 0
expect_stdout_eq "$(printf 'interval:ms:1\ntracepoint:sched:sched_switch')"
fathom_run -l -e 'tracepoint:sched:sched_wakeup* { }'
expect_exit 0
expect_stdout_match '^tracepoint:sched:sched_wakeup$'
expect_stdout_match '^tracepoint:sched:sched_wakeup_new$'
fathom_run -l "$T/absent.bt"
expect_stderr_match "^WARNING: It appears that '.*absent.bt' is a filename but the file does not exist"

fathom_run "$T/absent.bt"
expect_exit 1
expect_stderr_match "^ERROR: failed to open file '.*absent.bt': No such file or directory$"

fathom_run -p 12a3 -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^ERROR: Failed to parse pid: pid '12a3' is not a valid decimal number$"
fathom_run -p 5000000 -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^ERROR: Failed to parse pid: pid '5000000' out of valid pid range \[1,4194304\]$"

# bpftrace's other flags are accepted: --no-warnings silences warnings, -B
# sets stdout buffering, -k, -I and --include are accepted; errno names
# (what errno.h would give clang) are constants
fathom_run --no-warnings -k -I /usr/include --include errno.h -B line -q \
    -e 'BEGIN { @start[tid] = nsecs; print(strerror(EPERM)); printf("%d\n", ENOENT); exit(); }'
expect_exit 0
expect_stdout_match '^Operation not permitted$'
expect_stdout_match '^2$'
expect_stderr_no_match 'WARNING'
fathom_run -q -e 'BEGIN { @start[tid] = nsecs; exit(); }'
expect_exit 0
expect_stderr_match 'WARNING'
fathom_run -B sometimes -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_match "^ERROR: -B takes line, full or none, not 'sometimes'$"

# script -- --help lists the script's getopt() options instead of running it
printf 'BEGIN { printf("%%d %%s %%d\\n", getopt("count", 10, "how many"), getopt("name", "x"), getopt("verbose"));\n  printf("ran\\n"); exit(); }\n' > "$T/opts.bt"
fathom_run "$T/opts.bt" -- --help
expect_exit 0
expect_stdout_match '^Named parameters of this script'
expect_stdout_match '^    --count=INT +how many \(default: 10\)$'
expect_stdout_match '^    --name=STRING +\(default: "x"\)$'
expect_stdout_match '^    --verbose +\(default: false\)$'
expect_stdout_no_match '^ran$'
fathom_run -q "$T/opts.bt" -- --count=3 --verbose
expect_exit 0
expect_stdout_match '^3 x 1$'

# -lv 'struct NAME' (also union, enum) prints the kernel type from BTF as
# libbpf's btf_dump writes it; -l lists matching names; no match lists
# nothing, as for probes
fathom_run -lv 'struct task_struct'
expect_exit 0
expect_stdout_match '^struct task_struct \{$'
expect_stdout_match $'^\tpid_t pid;$'
expect_stdout_match $'^\tchar comm\\[16\\];$'
expect_stdout_match '^\};$'
fathom_run -lv 'enum bpf_map_type'
expect_exit 0
expect_stdout_match $'^\tBPF_MAP_TYPE_HASH = 1,$'
fathom_run -l 'struct fth_no_such_type'
expect_exit 0
expect_stdout_empty

# a positional parameter can be a whole attach point
fathom_run -q -e '$1 { printf("hello %s\n", probe); exit(); }' i:ms:1
expect_exit 0
expect_stdout_match '^hello interval:ms:1$'
