#!/usr/bin/env bash
# Current bpftrace's stdlib path helpers, which its opensnoop.bt uses:
# abs_path(NAME, DEPTH) makes a path a process gave a system call absolute
# against its working directory (walking up through the mounts it is
# under, at most DEPTH steps), and cwd() is that directory. fathom imports
# its own definitions (stdlib/path.bt) into a script that names them; a
# script's own macro of that name wins.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd mount umount

mkdir -p "$T/work/deep/er" "$T/src/inner" "$T/mnt" || fail "cannot make the directories"
D=$(realpath "$T/work/deep/er")

# --- cwd() and abs_path() in BEGIN: fathom's own working directory
cd "$D" || fail "cannot cd"
fathom_run -e 'BEGIN { printf("cwd=%s\n", cwd()); printf("rel=%s\n", abs_path("x/y.txt", 32));
    $n = "n"; printf("var=%s\n", abs_path($n, 32)); printf("abs=%s\n", abs_path("/etc/passwd", 1));
    printf("short=%s\n", abs_path("z", 2)); exit(); }'
expect_exit 0
expect_stdout_match "^cwd=$D\$"
expect_stdout_match "^rel=$D/x/y.txt\$"
expect_stdout_match "^var=$D/n\$"
expect_stdout_match '^abs=/etc/passwd$'
# two steps up: the two deepest directories only, as bpftrace's
expect_stdout_match '^short=/deep/er/z$'
cd / || fail "cannot cd"
fathom_run -e 'BEGIN { printf("root=%s\n", cwd()); printf("file=%s\n", abs_path("etc", 32)); exit(); }'
cd "$T" || fail "cannot cd"
expect_exit 0
expect_stdout_match '^root=/$'
expect_stdout_match '^file=/etc$'

# --- the paths a traced process opens, through a bind mount (the walk
# goes from the mount's top to where it is mounted)
mount --bind "$T/src" "$T/mnt" || fail "cannot bind-mount"
at_exit umount "$T/mnt"
M=$(realpath "$T/mnt")
echo hi >"$T/src/inner/f.txt"
fathom_run -c "sh -c 'cd $M/inner && cat f.txt ../inner/f.txt $D/../er/.. >/dev/null 2>&1'" \
    -e 'tracepoint:syscalls:sys_enter_openat /comm == "cat"/ { printf("open %s in %s\n", abs_path(str(args.filename), 32), cwd()); }'
expect_exit 0
expect_stdout_match "^open $M/inner/f.txt in $M/inner\$"
expect_stdout_match "^open $M/inner/../inner/f.txt in $M/inner\$"
expect_stdout_match "^open $D/../er/.. in $M/inner\$"

# --- the script's own macro wins; the library is not needed then
fathom_run -e 'macro cwd() { "mine" } BEGIN { printf("%s\n", cwd()); exit(); }'
expect_exit 0
expect_stdout_eq 'mine'

# --- wrong arguments: an error in the library's words, where it says
# them, then "expanded from" at the script's call (bpftrace's order)
fathom_run -e 'BEGIN { print(abs_path(1, 3)); }'
expect_exit 1
expect_stderr_match '^stdlib/path\.bt:[0-9]+:[0-9]+-[0-9]+: ERROR: abs_path\(\) takes a string: the path to make absolute$'
expect_stderr_match '^stdin:1:15-29: ERROR: expanded from$'
fathom_run -e 'BEGIN { print(abs_path("a", "b")); }'
expect_exit 1
expect_stderr_match 'ERROR: abs_path\(\) takes how many directories to walk up at most \(an integer\) second$'
fathom_run -e 'BEGIN { print(abs_path("a")); }'
expect_exit 1
expect_stderr_match 'ERROR: no macro abs_path takes 1 argument'
