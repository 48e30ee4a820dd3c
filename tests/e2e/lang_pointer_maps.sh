#!/usr/bin/env bash
# Maps keep the pointer types they are given, as in current bpftrace: a map
# holding a struct pointer reads members through it (@p->id, and with `.`
# as bpftrace allows on pointers: @p.where, @p.where.x), pointer values,
# keys and tuple elements print in hex (JSON: the number, keys as text),
# and one map cannot hold pointers to different types or a pointer and an
# integer. The traced program is progs/struct_target.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# Printed values, keys and tuple elements of pointer type, and print() of one.
fathom_run -e 'BEGIN { @p = (int8 *)16; @k[(int16 *)32] = 1; @t = ((int8 *)48, 2); print((int8 *)64); exit(); }'
expect_exit 0
expect_stdout_eq '0x40


@k[0x20]: 1
@p: 0x10
@t: (0x30, 2)'

fathom_run -f json -e 'BEGIN { @p = (int8 *)16; @k[(int16 *)32] = 1; @t = ((int8 *)48, 2); print((int8 *)64); exit(); }'
expect_exit 0
expect_stdout_eq '{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "value", "data": 64}
{"type": "map", "data": {"@k": {"0x20": 1}}}
{"type": "map", "data": {"@p": 16}}
{"type": "map", "data": {"@t": [48,2]}}'

. "$E2E_DIR/struct_target.inc"
run_struct_target -e "$STRUCT_DEFS"'
uprobe:'"$TG"':observe /((struct item *)arg0)->id == 1/ {
  @first = (struct item *)arg0;
  @where = @first.where;
  @x = @first.where.x;
  @next_id = @first->next->id;
  $p = @first->next;
  @names[$p->id] = $p->name;
  @seen[@first] = 1;
}
uretprobe:'"$TG"':main {
  printf("%s %d %d\n", @first->name, @first->id, @seen[@first]);
  clear(@first); clear(@seen); exit();
}'
expect_exit 0
expect_stdout_eq 'first 1 1


@names[2]: second
@next_id: 2
@where: { .x = 10, .y = -20 }
@x: 10'

# A pointer map prints its address in hex.
fathom_run -e 'BEGIN { @c = curtask; exit(); }'
expect_exit 0
expect_stdout_match '^@c: 0xffff[0-9a-f]{12}$'

fathom_run -e 'BEGIN { @p = (int8 *)16; @p = (int16 *)32; exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:26-28: ERROR: @p holds int8 \* elsewhere; it cannot be assigned int16 \*$'
expect_stderr_match '^HINT: a map holds values of one type: cast the value, or keep it in another map$'

fathom_run -e 'BEGIN { @p = curtask; @p = 0; exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: @p holds struct task_struct \* elsewhere; it cannot be assigned int64$'
