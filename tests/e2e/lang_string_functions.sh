#!/usr/bin/env bash
# bpftrace's string and buffer functions: strlen, strcap, strstr,
# strcontains (any needle), str_concat, memcmp, macaddr, signal_name,
# (string)/(string[N]) casts and len(kstack)/len(ustack) - in BEGIN, on real
# kernel strings (the path openat was given), on a uprobe's memory (a MAC
# address with zero bytes), in text and -f json, and their errors.
# shellcheck source=tests/e2e/lib.sh disable=SC2016
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

# --- values known when the probe runs: BEGIN
fathom_run -e 'BEGIN {
    $s = "hello world";
    $n = "o w";
    $e = "";
    printf("strlen %d %d %d\n", strlen($s), strlen(""), strlen($e));
    printf("strcap %d %d\n", strcap($s), strcap("ab"));
    printf("strstr %d %d %d %d %d %d\n", strstr($s, "world"), strstr($s, "worlds"), strstr($s, ""),
           strstr($s, "o"), strstr("", "a"), strstr($s, "hello world"));
    printf("needle %d %d %d %d %d\n", strstr($s, $n), strstr($s, $e), strstr($e, $e), strcontains($s, $n),
           strcontains($s, "xyz"));
    printf("concat [%s] [%s]\n", str_concat($s, "!"), str_concat($e, $n));
    $c = str_concat(str_concat("INFO: ", $s), "!!!");
    printf("%s %d %d\n", $c, strlen($c), sizeof($c));
    $two = 2;
    $many = 100;
    printf("memcmp %d %d %d %d %d %d %d\n", memcmp("abc", "abd", 3), memcmp("abd", "abc", 3), memcmp("abc", "abd", 2),
           memcmp($s, "hellp", 0), memcmp($s, $c, 5), memcmp("abc", "abd", $two), memcmp("abc", "abd", $many));
    printf("signal %s|%s|%s|%s|%s|%s %d %d\n", signal_name(9), signal_name(2), signal_name(35), signal_name(32),
           signal_name(65), signal_name(-1), signal_name(9) == "Killed", strlen(signal_name(2)));
    print(signal_name(15));
    printf("cast [%s] [%s] %d %d\n", (string[6])$s, (string)$n, sizeof((string[6])$s), sizeof((string)$n));
    @sig[signal_name(17)] = count();
    exit();
}'
expect_exit 0
expect_stdout_eq "strlen 11 0 0
strcap 12 3
strstr 6 -1 0 4 -1 0
needle 4 0 0 1 0
concat [hello world!] [o w]
INFO: hello world!!! 20 1024
memcmp -1 1 0 0 31 0 -1
signal Killed|Interrupt|Real-time signal 1|Unknown signal 32|N/A|N/A 1 9
Terminated
cast [hello] [o w] 6 4


@sig[Child exited]: 1"

# A joined string is a string of max_strlen bytes: longer ones are cut
# and keep their NUL, so (by bpftrace's rule: a string is marked as cut
# only when it fills its type with no NUL) no trailer.
fathom_run -e 'config = { max_strlen = 16 }
BEGIN { $j = str_concat("0123456789", "abcdefghij"); printf("%s %d\n", $j, strlen($j)); exit(); }'
expect_exit 0
expect_stdout_eq "0123456789abcde 15"

fathom_run -f json -e 'BEGIN {
    print(strlen("abc"));
    print(strstr("abc", "c"));
    print(strcontains("abc", "d"));
    print(signal_name(9));
    print(str_concat("a", "b"));
    @s[signal_name(1)] = count();
    exit();
}'
expect_exit 0
expect_stdout_eq '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": 3}
{"type": "value", "data": 2}
{"type": "value", "data": false}
{"type": "value", "data": "Killed"}
{"type": "value", "data": "ab"}
{"type": "map", "data": {"@s": {"Hangup": 1}}}'

# --- real kernel strings: the path a process gives openat
cp /bin/cat "$T/fthstrfn" || fail "cannot copy /bin/cat"
{ mkdir -p "$T/dir" && echo data >"$T/dir/data.txt"; } || fail "cannot create the test file"
P=$T/dir/data.txt
workload() {
    : >"$FATHOM_STDERR"
    ( wait_attached && for _ in $(seq 10); do "$T/fthstrfn" "$P" >/dev/null; sleep 0.05; done ) &
    wl=$!
}
workload
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /comm == "fthstrfn"/ {
    $p = str(args.filename);
    if (strcontains($p, "/data.txt")) {
        printf("%s|%d|%d|%d|%d|%d\n", $p, strlen($p), strlen(args.filename), strcap(args.filename),
               strstr($p, "/data.txt"), strstr(str(args.filename), "dir"));
        printf("%s %d\n", str_concat($p, ".bak"), memcmp($p, str_concat($p, ".bak"), 1024) < 0);
        exit();
    }
}'
wait "$wl"
expect_exit 0
expect_stdout_eq "$P|${#P}|${#P}|${#P}|$(( ${#P} - 9 ))|$(( ${#P} - 12 ))
$P.bak 1"

# --- len(kstack) / len(ustack): as many frames as the stack prints
workload
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /comm == "fthstrfn"/ {
    printf("%d %d\n", len(kstack), len(kstack(2)));
    print(kstack);
    $u = ustack;
    printf("%d\n", len($u));
    print($u);
    exit();
}'
wait "$wl"
expect_exit 0
awk -v RS= 'NR == 1 { split($0, l, "\n"); k = l[1] } NR == 2 { frames = split($0, f, "\n") }
    NR == 3 { print k; print frames }' "$FATHOM_STDOUT" >"$T/kcount"
[ "$(sed -n 1p "$T/kcount")" = "$(sed -n 2p "$T/kcount") 2" ] ||
    fail "len(kstack) is not the printed stack's frame count: $(cat "$T/kcount")"
ulen=$(awk -v RS= 'NR == 3 { print $0 }' "$FATHOM_STDOUT" | sed -n 1p)
uframes=$(awk -v RS= 'NR == 4 { n = split($0, f, "\n"); print n }' "$FATHOM_STDOUT")
if [ -z "$ulen" ] || [ "$ulen" -le 0 ] || [ "$ulen" != "$uframes" ]; then
    fail "len(ustack) $ulen is not the printed stack's frame count $uframes"
fi

# --- a uprobe's memory: a MAC address with zero bytes, and a C string
gcc -g -O1 -o "$T/mac" "$E2E_DIR/progs/mac_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/mac")
run_traced() {
    : >"$FATHOM_STDERR"
    : >"$FATHOM_STDOUT"
    ( for _ in $(seq 200); do
          grep -q -e '^Attached' -e '"attached_probes"' "$FATHOM_STDERR" "$FATHOM_STDOUT" 2>/dev/null && break
          sleep 0.05
      done
      "$TG" >"$T/target.out" ) &
    helper=$!
    fathom_run "$@"
    wait "$helper" || fail "the target program did not run"
}
SCRIPT="struct frame { int id; unsigned char dst[6]; unsigned char src[6]; unsigned char tag[4]; };
uprobe:$TG:observe {
    \$f = (struct frame *)arg0;
    printf(\"%s %s %s\n\", macaddr(\$f->src), macaddr(arg1), macaddr(\$f->dst));
    \$m = macaddr(\$f->src);
    print(\$m);
    @macs[macaddr(arg1)] = count();
    @last = macaddr(\$f->dst);
    printf(\"[%s] %d %d\n\", (string)\$f->tag, strlen(\$f->tag), strcap(\$f->tag));
}
uprobe:$TG:named { printf(\"%d %d %d\n\", strlen(str(arg0)), strstr(str(arg0), \"up\"), strlen((int8 *)arg0)); }
uretprobe:$TG:main { exit(); }"
run_traced -e "$SCRIPT"
expect_exit 0
expect_stdout_eq "02:00:5E:10:0A:BC 02:00:5E:10:0A:BC FF:FF:FF:FF:FF:FF
02:00:5E:10:0A:BC
[lan] 3 4
11 5 11


@last: FF:FF:FF:FF:FF:FF
@macs[02:00:5E:10:0A:BC]: 1"
run_traced -f json -e "$SCRIPT"
expect_exit 0
expect_stdout_match '^\{"type": "printf", "data": "02:00:5E:10:0A:BC 02:00:5E:10:0A:BC FF:FF:FF:FF:FF:FF\\n"\}$'
expect_stdout_match '^\{"type": "value", "data": "02:00:5E:10:0A:BC"\}$'
expect_stdout_match '^\{"type": "map", "data": \{"@macs": \{"02:00:5E:10:0A:BC": 1\}\}\}$'

# --- errors
check_error() {
    fathom_run -e "$1"
    expect_exit 1
    expect_stderr_eq "$2"
}
check_error 'BEGIN { print(strlen(1)); }' 'stdin:1:22: ERROR: string-like values must be either strings, arrays or pointers
BEGIN { print(strlen(1)); }
                     ~
HINT: an address needs a type: str(addr) reads the string at it'
check_error 'BEGIN { print(strlen("a", "b")); }' 'stdin:1:15-31: ERROR: strlen() takes 1 argument, 2 given
BEGIN { print(strlen("a", "b")); }
              ~~~~~~~~~~~~~~~~
HINT: call it as strlen(string)'
check_error 'BEGIN { print(strstr("abc", 2)); }' 'stdin:1:29: ERROR: strstr() takes a string, not int64
BEGIN { print(strstr("abc", 2)); }
                            ~
HINT: read the string first, e.g. str(ptr)'
check_error 'BEGIN { print(str_concat("a")); }' 'stdin:1:15-30: ERROR: str_concat() takes 2 arguments, 1 given
BEGIN { print(str_concat("a")); }
              ~~~~~~~~~~~~~~~
HINT: call it as str_concat(string a, string b)'
check_error 'BEGIN { $n = "2"; print(memcmp("ab", "ab", $n)); }' 'stdin:1:44-46: ERROR: memcmp() count must be an integer, not string[2]
BEGIN { $n = "2"; print(memcmp("ab", "ab", $n)); }
                                           ~~
HINT: give the number of bytes to compare, e.g. memcmp($a, $b, 4)'
check_error 'BEGIN { print(memcmp("ab", "abc", 4)); }' 'stdin:1:35: ERROR: memcmp() count 4 is larger than the first argument (string[3], 3 bytes)
BEGIN { print(memcmp("ab", "abc", 4)); }
                                  ~
HINT: compare at most the size of the smaller value'
check_error 'BEGIN { print(macaddr("abcdef")); }' 'stdin:1:23-31: ERROR: macaddr() does not support literal string arguments
BEGIN { print(macaddr("abcdef")); }
                      ~~~~~~~~
HINT: pass the address'"'"'s six bytes, e.g. a char[6] member such as h_source'
check_error 'BEGIN { $s = "abcd"; print(macaddr($s)); }' 'stdin:1:36-38: ERROR: macaddr() argument must be 6 bytes in size (string[5] provided)
BEGIN { $s = "abcd"; print(macaddr($s)); }
                                   ~~
HINT: pass a 6-byte array such as char[6] or uint8[6]'
check_error 'BEGIN { print(signal_name("INT")); }' 'stdin:1:27-32: ERROR: signal_name() takes an integer
BEGIN { print(signal_name("INT")); }
                          ~~~~~
HINT: pass a signal number, e.g. signal_name(9)'
check_error 'BEGIN { print(len(1)); }' 'stdin:1:19: ERROR: call to len() expects a map, ustack, or kstack
BEGIN { print(len(1)); }
                  ~
HINT: len(@map) counts elements, len(kstack) or len(ustack) frames'
check_error 'BEGIN { $x = (string)1; }' 'stdin:1:14-23: ERROR: cannot cast int64 to string
BEGIN { $x = (string)1; }
             ~~~~~~~~~
HINT: str(ptr) reads the string at an address'
check_error 'tracepoint:syscalls:sys_enter_openat { print(strstr(str(args.filename), str(args.filename))); }' \
'stdin:1:73-91: ERROR: strstr(): searching 1024 bytes for a needle of up to 1024 bytes is more than the BPF verifier allows
tracepoint:syscalls:sys_enter_openat { print(strstr(str(args.filename), str(args.filename))); }
                                                                        ~~~~~~~~~~~~~~~~~~
HINT: search for a string literal, or give the needle a smaller size, e.g. str(ptr, 16)'

# --- str(s, n) of a value that already is a string. Text the program fixes
# (a literal, $N, $N + k) folds to its first n characters, as bpftrace's
# literal folding does; a string known only at run time keeps n - 1
# characters and its NUL, as str(ptr, n) of memory would.
fathom_run -e 'BEGIN {
    $s = "abcdef";
    printf("[%s] [%s] [%s] [%s] [%s]\n", str("hello", 3), str("hello", 10), str($1, 2), str($1 + 1, 3), str("hello", 0));
    printf("[%s] [%s] [%s] %d\n", str($s, 3), str($s, 100), str($s), sizeof(str($s, 3)));
    @k[str("keyword", 3)] = 1;
    @v = str($s, 5);
    exit();
}' posit
expect_exit 0
expect_stdout_eq "[hel] [hello] [po] [osi] []
[ab] [abcdef] [abcdef] 3


@k[key]: 1
@v: abcd"
