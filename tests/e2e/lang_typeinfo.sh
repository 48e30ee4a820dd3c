#!/usr/bin/env bash
# typeinfo(expr or type) (current bpftrace, unstable): a compile-time
# record (btf_id, base_type, full_type) of what bpftrace knows of a type,
# btf_id not filled in yet (0). Refused unless the config enables it
# (unstable_typeinfo = enable, or warn for a warning); the argument is
# only looked at, never run.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# bpftrace's default for unstable_typeinfo is error.
fathom_run -e 'BEGIN { print(typeinfo(1)); exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:15-26: ERROR: typeinfo feature is not enabled by default\. To enable this unstable feature, set the config flag to enable\. unstable_typeinfo=enable$'
expect_stderr_match '^HINT: set unstable_typeinfo=enable in the script'\''s config block \(config = \{ unstable_typeinfo=enable \}\)$'

# warn: one warning for the script, however many calls.
fathom_run -e 'config = { unstable_typeinfo = warn } BEGIN { print(typeinfo(1)); print(typeinfo("a")); exit(); }'
expect_exit 0
expect_stderr_match '^WARNING: Script is using an unstable feature: typeinfo\. To prevent this warning you must explicitly enable it in the config e\.g\. unstable_typeinfo=enable$'
[ "$(grep -c 'unstable feature: typeinfo' "$FATHOM_STDERR")" -eq 1 ] || fail "the warning is not given exactly once"

# The environment enables it too.
BPFTRACE_UNSTABLE_TYPEINFO=enable fathom_run -e 'BEGIN { print(typeinfo(-1)); exit(); }'
expect_exit 0
expect_stderr_no_match 'typeinfo'
expect_stdout_eq '{ .btf_id = 0, .base_type = int, .full_type = int8 }'

# Expressions and types: literals are their smallest type, variables keep
# the width they were given, kernel pointers and script types by name,
# tuples and records as bpftrace spells them. @n is never incremented:
# the argument is not run.
cat >"$T/ti.bt" <<'EOF'
enum color { RED = 1 };
struct pair { int a; char b[4]; };
config = { unstable_typeinfo = enable }
BEGIN {
  $x = (uint32)5;
  print(typeinfo(1));
  print(typeinfo($x));
  print(typeinfo("hello"));
  print(typeinfo(comm));
  print(typeinfo((1, "ab")));
  print(typeinfo((a = -1, b = "xy")));
  print(typeinfo(curtask));
  print(typeinfo(curtask->comm[0]));
  print(typeinfo(RED));
  print(typeinfo(true));
  print(typeinfo(struct task_struct *));
  print(typeinfo(uint16));
  print(typeinfo(struct pair));
  print(typeinfo(typeof($x)));
  print(typeinfo(@n++));
  $t = typeinfo($x);
  printf("%s|%s|%d\n", $t.base_type, $t.full_type, $t.btf_id);
  print(typeinfo(typeinfo(1)).full_type);
  exit();
}
END { print(@n); clear(@n); }
EOF
fathom_run "$T/ti.bt"
expect_exit 0
expect_stdout_eq '{ .btf_id = 0, .base_type = int, .full_type = uint8 }
{ .btf_id = 0, .base_type = int, .full_type = uint32 }
{ .btf_id = 0, .base_type = string, .full_type = string[6] }
{ .btf_id = 0, .base_type = string, .full_type = string[16] }
{ .btf_id = 0, .base_type = tuple, .full_type = (int64,string[3]) }
{ .btf_id = 0, .base_type = record, .full_type = record { .a = int64, .b = string[3] } }
{ .btf_id = 0, .base_type = pointer, .full_type = struct task_struct * }
{ .btf_id = 0, .base_type = int, .full_type = int8 }
{ .btf_id = 0, .base_type = int, .full_type = enum color }
{ .btf_id = 0, .base_type = bool, .full_type = bool }
{ .btf_id = 0, .base_type = pointer, .full_type = struct task_struct * }
{ .btf_id = 0, .base_type = int, .full_type = uint16 }
{ .btf_id = 0, .base_type = c_struct, .full_type = struct pair }
{ .btf_id = 0, .base_type = int, .full_type = uint32 }
{ .btf_id = 0, .base_type = int, .full_type = int64 }
int|uint32|0
record { .btf_id = uint64, .base_type = string[4], .full_type = string[6] }
@n: 0'

# -f json: a record value.
fathom_run -f json -e 'config = { unstable_typeinfo = enable } BEGIN { print(typeinfo("ab")); exit(); }'
expect_exit 0
expect_stdout_match '^\{"type": "value", "data": \{"btf_id": 0, "base_type": "string", "full_type": "string\[3\]"\}\}$'

# Errors: one argument, one with a type.
fathom_run -e 'config = { unstable_typeinfo = enable } BEGIN { print(typeinfo(1, 2)); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: typeinfo\(\) takes 1 argument, 2 given'
fathom_run -e 'config = { unstable_typeinfo = enable } BEGIN { print(typeinfo(exit())); }'
expect_exit 1
expect_stderr_match 'ERROR: typeof\(\) needs an expression with a value'
