#!/usr/bin/env bash
# iter:NAME:PIN: a pinned iterator.  fathom pins the iterator's link at
# /sys/fs/bpf/PIN (an absolute PIN as is), says where, and exits; reading
# the pin runs the program, whose printf the kernel formats into the file
# (bpf_seq_printf).  Nothing but the pin and what it holds (the program and
# its read-only format map) is left behind, and removing the pin frees them.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bpftool
[ -r /sys/kernel/btf/vmlinux ] || fail "no kernel BTF at /sys/kernel/btf/vmlinux"

PIN=fthpin_$$
ABS=/sys/fs/bpf/fthpin_abs_$$
at_exit rm -f "/sys/fs/bpf/$PIN" "$ABS"

# A process to find: a copy of sleep with a recognisable name.
cp /bin/sleep "$T/fthpinwk" || fail "cannot copy /bin/sleep"
"$T/fthpinwk" 60 </dev/null >/dev/null 2>&1 &
wk=$!
stop_quietly() { kill "$1" 2>/dev/null; }
at_exit stop_quietly "$wk"
sleep 0.2

# fth_ programs that no process holds through an fd (a pinned one, or a leak).
unheld_fth_progs() {
    local held id ids
    # The programs first, then who holds them: a program another process
    # loads in between is then held, not taken for a leak.
    ids=$(bpftool prog show 2>/dev/null | sed -n -E 's/^([0-9]+): .* name fth_[^ ]* .*/\1/p')
    held=$(cat /proc/[0-9]*/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u)
    for id in $ids; do
        printf '%s\n' "$held" | grep -q -x "$id" || echo "$id"
    done
}

fathom_run -e "BEGIN { printf(\"begin\\n\"); }
iter:task:$PIN /ctx.task->pid == $wk/ { \$n = -5; printf(\"%s %d|%5d|%-4s|%x|%c|%d\\n\", ctx.task->comm, ctx.task->pid, 42, \"ab\", 255, 65, \$n); }
END { printf(\"end\\n\"); }"
expect_exit 0
expect_stderr_eq "Attached 3 probes"
expect_stdout_eq "begin
Program pinned to /sys/fs/bpf/$PIN
end"
[ -f "/sys/fs/bpf/$PIN" ] || fail "no pin at /sys/fs/bpf/$PIN"
want="fthpinwk $wk|   42|ab  |ff|A|-5"
got=$(cat "/sys/fs/bpf/$PIN") || fail "cannot read the pin"
[ "$got" = "$want" ] || fail "reading the pin gave '$got', expected '$want'"
# Every read runs the iterator again.
got=$(cat "/sys/fs/bpf/$PIN")
[ "$got" = "$want" ] || fail "reading the pin again gave '$got'"

# What is left: the pinned program (BEGIN's and END's are gone), which
# holds only its frozen read-only format map.
prog=$(bpftool link show pinned "/sys/fs/bpf/$PIN" | sed -n -E 's/.* prog ([0-9]+).*/\1/p')
[ -n "$prog" ] || fail "no program behind the pinned link"
info=$(bpftool prog show id "$prog") || fail "cannot show program $prog"
[[ $info =~ name\ fth_[0-9]+_iter ]] || fail "the pinned program is not fathom's iter program: $info"
maps=$(printf '%s\n' "$info" | sed -n -E 's/.*map_ids ([0-9,]+).*/\1/p')
[[ $maps =~ ^[0-9]+$ ]] || fail "the pinned program holds maps '$maps', expected one"
bpftool map show id "$maps" | grep -q -E 'array  name fth_fmt  flags 0x80' \
    || fail "map $maps is not the read-only fth_fmt: $(bpftool map show id "$maps")"
for _ in $(seq 40); do
    left=$(unheld_fth_progs | grep -v -x "$prog")
    [ -z "$left" ] && break
    sleep 0.05
done
[ -z "$left" ] || fail "fth_ programs left besides the pinned one: $left"

# Removing the pin frees the program and its map.
rm "/sys/fs/bpf/$PIN"
for _ in $(seq 40); do
    bpftool prog show id "$prog" >/dev/null 2>&1 || bpftool map show id "$maps" >/dev/null 2>&1 || break
    sleep 0.05
done
bpftool prog show id "$prog" >/dev/null 2>&1 && fail "program $prog still loaded after removing the pin"
bpftool map show id "$maps" >/dev/null 2>&1 && fail "map $maps still there after removing the pin"

# An absolute pin path is used as it is; task_file's fds of the workload.
fathom_run -e "iter:task_file:$ABS /ctx.task->pid == $wk/ { printf(\"fd %d\\n\", ctx.fd); }"
expect_exit 0
expect_stdout_eq "Program pinned to $ABS"
grep -q -x 'fd 0' "$ABS" || fail "no 'fd 0' line in $ABS: $(cat "$ABS")"
grep -q -x 'fd 2' "$ABS" || fail "no 'fd 2' line in $ABS: $(cat "$ABS")"

# The pin exists already.
fathom_run -e "iter:task:$ABS { printf(\"x\\n\"); }"
expect_exit 1
expect_stderr_eq "Attached 1 probe
ERROR: cannot pin iter:task to $ABS: File exists
HINT: the pin's directory must exist on a BPF file system (bpffs), and the pin must not exist yet"
rm "$ABS"

# A directory that does not exist, and a path outside the BPF file system.
fathom_run -e 'iter:task:fth_no_such_dir/x { printf("x\n"); }'
expect_exit 1
expect_stderr_match '^ERROR: cannot pin iter:task to /sys/fs/bpf/fth_no_such_dir/x: No such file or directory$'
fathom_run -e "iter:task:$T/pin { printf(\"x\\n\"); }"
expect_exit 1
expect_stderr_match "^ERROR: cannot pin iter:task to $T/pin: "
# The kernel frees a closed program after an RCU grace period: wait for it.
for _ in $(seq 50); do [ -z "$(unheld_fth_progs)" ] && break; sleep 0.1; done
left=$(unheld_fth_progs)
[ -z "$left" ] || fail "fth_ programs left after a failed pin: $left"

fathom_run -e 'iter:task: { }'
expect_exit 1
expect_stderr_eq "stdin:1:1-11: ERROR: iter probe pin path is empty
iter:task: { }
~~~~~~~~~~
HINT: write iter:NAME:PIN, e.g. iter:task:tasks for /sys/fs/bpf/tasks"

# Conversions bpf_seq_printf lacks are compile errors, not an empty pin.
fathom_run -e 'iter:task:fth_never { printf("%o\n", ctx.task->pid); }'
expect_exit 1
expect_stderr_eq "stdin:1:30-36: ERROR: the conversion %o is not supported in a pinned iterator's printf (bpf_seq_printf formats it)
iter:task:fth_never { printf(\"%o\\n\", ctx.task->pid); }
                             ~~~~~~
HINT: use %d %i %u %x %X %c %s and %%"
fathom_run -e 'iter:task:fth_never { printf("%scomm\n", ctx.task->comm); }'
expect_exit 1
expect_stderr_match "ERROR: a letter or digit right after %s is not supported in a pinned iterator's printf"
[ ! -e /sys/fs/bpf/fth_never ] || fail "a script with errors left a pin"

# What needs fathom's runtime has no one to run it once fathom has exited.
fathom_run -e 'iter:task:fth_never { print(ctx.task->pid); }'
expect_exit 1
expect_stderr_eq "stdin:1:23-43: ERROR: a pinned iterator runs after fathom has exited, so this needs fathom's runtime and cannot be used in it
iter:task:fth_never { print(ctx.task->pid); }
                      ~~~~~~~~~~~~~~~~~~~~
HINT: use printf, which writes into the pin's output"
