#!/usr/bin/env bash
# Struct, union and enum definitions written in the script are real types:
# a uprobe on progs/struct_target.c casts its argument to the script's
# mirror of the program's struct item and reads back exactly the values the
# program set (padding, nested structs, bitfields, unions, arrays, a pointer
# to the next item), sizeof/offsetof agree with gcc's layout, enumerators
# are constants, and print() shows struct values in bpftrace's format
# ({ .a = 1, .b = { .x = 2 } }, arrays [1,2]) in text and in -f json, also
# when held in variables and maps. A script's definition of a kernel name
# wins over BTF. Errors: unknown fields with a suggestion, unknown types
# in a definition at their place. -l/-lv 'struct NAME' list kernel types
# and print their definitions as bpftool's C dump writes them.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc
require_cmd bpftool

gcc -g -O1 -o "$T/target" "$E2E_DIR/progs/struct_target.c" || fail "cannot compile the test program"
TG=$(realpath "$T/target")

wait_attached() {
    local i
    for i in $(seq 200); do
        grep -q '^Attached' "$FATHOM_STDERR" 2>/dev/null && return 0
        grep -q '"attached_probes"' "$FATHOM_STDOUT" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

run_traced() {
    : >"$FATHOM_STDERR"
    : >"$FATHOM_STDOUT"
    ( wait_attached && "$TG" >"$T/target.out" ) &
    helper=$!
    fathom_run "$@"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
}

DEFS='
struct point { short x; short y; };
enum limits { SMALL = 1, BIG = SMALL << 4, HUGE };
struct item {
    char tag;
    int id;
    unsigned long long weight;
    char name[12];
    struct point where;
    unsigned int flags : 3, level : 5;
    int delta : 6;
    struct item *next;
    union { int as_int; unsigned char bytes[4]; } u;
    int scores[3];
};
'
END_PROBE="uretprobe:$TG:main { exit(); }"

# The layout as gcc computes it, from the program's own debug info would
# need DWARF tools; compile a probe of the same definitions instead.
cat >"$T/layout.c" <<EOF
#include <stddef.h>
#include <stdio.h>
$DEFS
int main(void)
{
    printf("%zu %zu %zu %zu %zu %d\n", sizeof(struct item), offsetof(struct item, where),
           offsetof(struct item, next), offsetof(struct item, scores), sizeof(struct point), HUGE);
    return 0;
}
EOF
gcc -o "$T/layout" "$T/layout.c" || fail "cannot compile the layout probe"
fathom_run -e "$DEFS"'
BEGIN {
    printf("%d %d %d %d %d %d\n", sizeof(struct item), offsetof(struct item, where),
           offsetof(struct item, next), offsetof(struct item, scores), sizeof(struct point), HUGE);
    exit();
}'
expect_exit 0
expect_stdout_eq "$("$T/layout")"

# Members read through the script's struct, and through ->next.
run_traced -e "$DEFS"'
uprobe:'"$TG"':observe {
    $it = (struct item *)arg0;
    printf("%d %c %llu %s (%d,%d) f=%d l=%d d=%d u=%d b0=%d s2=%d big=%d\n", $it->id, $it->tag, $it->weight,
           $it->name, $it->where.x, $it->where.y, $it->flags, $it->level, $it->delta, $it->u.as_int,
           $it->u.bytes[0], $it->scores[2], BIG);
    if ($it->next) {
        printf("next: %d %s %d\n", $it->next->id, $it->next->name, $it->next->where.x);
    }
}
'"$END_PROBE"
expect_exit 0
# delta is `int delta : 6` holding -9: like bpftrace, a member access reads
# a bitfield as (raw >> offset) & mask, without spreading its sign: 55.
expect_stdout_eq "1 a 123456789 first (10,-20) f=2 l=31 d=12 u=-1 b0=255 s2=1 big=16
next: 2 second -3
2 b 1099511627776 second (-3,4) f=5 l=17 d=55 u=16909060 b0=4 s2=9 big=16"

# print() of struct values: dereferenced, nested members, in a variable
# and in maps (printed at exit). A bitfield prints as the member access
# above reads it: delta (-9 in `int delta : 6`) is 55.
run_traced -e "$DEFS"'
uprobe:'"$TG"':observe {
    $it = (struct item *)arg0;
    print(*$it);
    print($it->where);
    $copy = *$it;
    printf("copy %d %s %d\n", $copy.id, $copy.name, $copy.where.y);
    @where[$it->id] = $it->where;
    @last = *$it;
}
'"$END_PROBE"
expect_exit 0
sed -E 's/\.next = 0x[0-9a-f]+/.next = PTR/' "$FATHOM_STDOUT" >"$T/print.out"
cat >"$T/print.expected" <<'EOF'
{ .tag = 97, .id = 1, .weight = 123456789, .name = first, .where = { .x = 10, .y = -20 }, .flags = 2, .level = 31, .delta = 12, .next = PTR, .u = { .as_int = -1, .bytes = [255,255,255,255] }, .scores = [-1,0,1] }
{ .x = 10, .y = -20 }
copy 1 first -20
{ .tag = 98, .id = 2, .weight = 1099511627776, .name = second, .where = { .x = -3, .y = 4 }, .flags = 5, .level = 17, .delta = 55, .next = PTR, .u = { .as_int = 16909060, .bytes = [4,3,2,1] }, .scores = [7,8,9] }
{ .x = -3, .y = 4 }
copy 2 second 4


@last: { .tag = 98, .id = 2, .weight = 1099511627776, .name = second, .where = { .x = -3, .y = 4 }, .flags = 5, .level = 17, .delta = 55, .next = PTR, .u = { .as_int = 16909060, .bytes = [4,3,2,1] }, .scores = [7,8,9] }
@where[1]: { .x = 10, .y = -20 }
@where[2]: { .x = -3, .y = 4 }
EOF
diff -u "$T/print.expected" "$T/print.out" || fail "print() of structs is not as expected"
# the pointer printed is the real one: second's is NULL
grep -q '\.id = 2,.*\.next = 0x0,' "$FATHOM_STDOUT" || fail "the NULL next pointer does not print as 0x0"

# The same values in JSON: objects, arrays without spaces.
run_traced -f json -e "$DEFS"'
uprobe:'"$TG"':observe { $it = (struct item *)arg0; print(*$it); }
'"$END_PROBE"
expect_exit 0
grep '"type": "value"' "$FATHOM_STDOUT" | sed -E 's/"next": [0-9]+/"next": PTR/' >"$T/json.out"
cat >"$T/json.expected" <<'EOF'
{"type": "value", "data": {"tag": 97, "id": 1, "weight": 123456789, "name": "first", "where": {"x": 10, "y": -20}, "flags": 2, "level": 31, "delta": 12, "next": PTR, "u": {"as_int": -1, "bytes": [255,255,255,255]}, "scores": [-1,0,1]}}
{"type": "value", "data": {"tag": 98, "id": 2, "weight": 1099511627776, "name": "second", "where": {"x": -3, "y": 4}, "flags": 5, "level": 17, "delta": 55, "next": PTR, "u": {"as_int": 16909060, "bytes": [4,3,2,1]}, "scores": [7,8,9]}}
EOF
diff -u "$T/json.expected" "$T/json.out" || fail "-f json print() of structs is not as expected"

# A kernel struct printed whole: its members are the ones printf reads.
fathom_run -e 'BEGIN { print(curtask->fs->pwd);
    printf("{ .mnt = 0x%lx, .dentry = 0x%lx }\n", curtask->fs->pwd.mnt, curtask->fs->pwd.dentry); exit(); }'
expect_exit 0
[ "$(sed -n 1p "$FATHOM_STDOUT")" = "$(sed -n 2p "$FATHOM_STDOUT")" ] \
    || fail "print(curtask->fs->pwd) differs from its members: $(cat "$FATHOM_STDOUT")"
expect_stdout_match '^\{ \.mnt = 0xffff[0-9a-f]+, \.dentry = 0xffff[0-9a-f]+ \}$'

# print(args): the tracepoint's fields (no common_ ones) as a struct, each
# as args.NAME reads it; the same for a raw tracepoint's BTF arguments.
cp /bin/true "$T/fthstructexec"
run_exec() {
    : >"$FATHOM_STDERR"
    : >"$FATHOM_STDOUT"
    ( wait_attached && "$T/fthstructexec" ) &
    helper=$!
    fathom_run "$@"
    wait "$helper" || fail "the exec'd program did not run (fathom never attached?)"
}
run_exec -e 'tracepoint:sched:sched_process_exec /comm == "fthstructexec"/ { print(args);
    printf("{ .filename = %s, .pid = %d, .old_pid = %d }\n", str(args.filename), args.pid, args.old_pid); exit(); }'
expect_exit 0
[ "$(sed -n 1p "$FATHOM_STDOUT")" = "$(sed -n 2p "$FATHOM_STDOUT")" ] \
    || fail "print(args) differs from its fields: $(cat "$FATHOM_STDOUT")"
expect_stdout_match "^\{ \.filename = $T/fthstructexec, \.pid = [0-9]+, \.old_pid = [0-9]+ \}\$"
run_exec -f json -e 'tracepoint:sched:sched_process_exec /comm == "fthstructexec"/ { print(args); exit(); }'
expect_exit 0
expect_stdout_match "^\{\"type\": \"value\", \"data\": \{\"filename\": \"$T/fthstructexec\", \"pid\": [0-9]+, \"old_pid\": [0-9]+\}\}\$"
run_exec -e 'rawtracepoint:sched_process_exec /comm == "fthstructexec"/ { print(args);
    printf("{ .p = 0x%lx, .old_pid = %d, .bprm = 0x%lx }\n", args.p, args.old_pid, args.bprm); exit(); }'
expect_exit 0
[ "$(sed -n 1p "$FATHOM_STDOUT")" = "$(sed -n 2p "$FATHOM_STDOUT")" ] \
    || fail "print(args) of a raw tracepoint differs from its arguments: $(cat "$FATHOM_STDOUT")"
expect_stdout_match '^\{ \.p = 0xffff[0-9a-f]+, \.old_pid = [0-9]+, \.bprm = 0xffff[0-9a-f]+ \}$'
# a record written in the script prints the same way
fathom_run -e 'BEGIN { print((a = 1, b = "x", c = (2, -3))); @r = (n = 1, s = "x"); @r = (n = 2, s = "y"); exit(); }'
expect_exit 0
expect_stdout_eq "{ .a = 1, .b = x, .c = (2, -3) }


@r: { .n = 2, .s = y }"

# The script's definition of a kernel name wins over BTF.
BTF_FILE_SIZE=$(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n -E "s/^\[[0-9]+\] STRUCT 'file' size=([0-9]+).*/\1/p" | head -1)
fathom_run -e 'BEGIN { printf("%d\n", sizeof(struct file)); exit(); }'
expect_exit 0
expect_stdout_eq "$BTF_FILE_SIZE"
fathom_run -e 'struct file { int mine; char more[3]; }; BEGIN { printf("%d %d\n", sizeof(struct file), offsetof(struct file, more)); exit(); }'
expect_exit 0
expect_stdout_eq "8 4"

# Unknown members and types: caret errors with a suggestion.
fathom_run -e "$DEFS"'uprobe:'"$TG"':observe { printf("%d\n", ((struct item *)arg0)->wieght); }'
expect_exit 1
expect_stdout_empty
expect_stderr_match "^stdin:[0-9]+:[0-9]+-[0-9]+: ERROR: struct item has no field 'wieght'$"
expect_stderr_match "^HINT: did you mean 'weight'\?$"
fathom_run -e 'struct bad { int a;
blah_t b; };
BEGIN { exit(); }'
expect_exit 1
expect_stderr_eq "stdin:2:1-7: ERROR: unknown type 'blah_t'
blah_t b; };
~~~~~~
HINT: define it first, e.g. 'typedef unsigned int NAME;'"

# -l 'struct ...' lists kernel types; -lv prints the definition exactly as
# libbpf's C dump (bpftool btf dump ... format c) writes it.
fathom_run -l 'struct task_s*'
expect_exit 0
expect_stdout_match '^struct task_struct$'
expect_stdout_no_match '^(tracepoint|kprobe|rawtracepoint):'
bpftool btf dump file /sys/kernel/btf/vmlinux format c \
    | awk '/^struct path \{$/ { p = 1 } p { print } p && /^\};$/ { exit }' >"$T/path.expected"
[ -s "$T/path.expected" ] || fail "bpftool shows no struct path"
fathom_run -lv 'struct path'
expect_exit 0
expect_stdout_eq "$T/path.expected"
