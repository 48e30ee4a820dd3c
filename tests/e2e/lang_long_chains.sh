#!/usr/bin/env bash
# Predicates that list thousands of terms with || or && (as scripts
# generated for a set of pids or names do) compile, load and evaluate as
# written: the first term that decides the result decides it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# chain SEP FMT N: the terms FMT % 1..N joined by SEP
chain() {
    local sep=$1 fmt=$2 n=$3 i out
    out=$(printf "$fmt" 1)
    for ((i = 2; i <= n; i++)); do out+=" $sep $(printf "$fmt" "$i")"; done
    printf '%s' "$out"
}

# 3,000 terms each; 2,999 is in the first list, in none of the second.
fathom_run -e "BEGIN { \$p = 2999;
  if ($(chain '||' '$p == %d' 3000)) { printf(\"in\\n\"); }
  if ($(chain '&&' '$p != %d' 3000)) { printf(\"wrongly out\\n\"); }
  if ($(chain '&&' '$p > -%d' 3000)) { printf(\"above all\\n\"); }
  @calls = 0;
  if ($(chain '||' '(++@calls * %d == 144)' 40)) { printf(\"short-circuited\\n\"); }
  printf(\"calls %d\\n\", @calls); clear(@calls); exit(); }"
expect_exit 0
expect_stdout_eq "in
above all
short-circuited
calls 12"

# A tracepoint predicate of 2,000 pids and the command's: the verifier
# takes it, and only the command's exec matches.
fathom_run -c /bin/true -e "tracepoint:syscalls:sys_enter_execve /$(chain '||' 'pid == %d' 2000) || pid == cpid/ {
  printf(\"exec of the command\\n\"); }"
expect_exit 0
expect_stdout_match '^exec of the command$'
