#!/usr/bin/env bash
# for ($kv : @map), loaded and run for real: the body is a callback of
# bpf_for_each_map_elem (a second BPF function with BTF func_info). $kv.0
# is the key, $kv.1 the value, multi-key maps give ((k1, k2), v), per-CPU
# count values are summed over the CPUs, break/continue work, variables of
# the probe written in the body are seen after it, maps can be written in
# the body, an empty map runs the body zero times. Output as current
# bpftrace prints it; then the errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# print($kv) of one-key, two-key and string-keyed maps
fathom_run -e 'BEGIN { @a[16] = 32; @b[16, 17] = 2; @s["abc"] = 5;
  for ($kv : @a) { print($kv); printf("key %d value %d\n", $kv.0, $kv.1); }
  for ($kv : @b) { print($kv); printf("%d %d %d\n", $kv.0.0, $kv.0.1, $kv.1); }
  for ($kv : @s) { print($kv); printf("%s=%d\n", $kv.0, $kv.1); }
  clear(@a); clear(@b); clear(@s); exit(); }'
expect_exit 0
expect_stdout_eq $'(16, 32)\nkey 16 value 32\n((16, 17), 2)\n16 17 2\n(abc, 5)\nabc=5'

# count() values, lowercase begin; the loop's variable is its own, so a
# second loop may give $kv another type
fathom_run -e 'begin { @c["x"] = count(); @c["x"] = count(); @c["x"] = count(); @n[7] = 1;
  for ($kv : @c) { print($kv); } for ($kv : @n) { print($kv); } clear(@c); clear(@n); exit(); }'
expect_exit 0
expect_stdout_eq $'(x, 3)\n(7, 1)'

# sum, min and max values, and a tuple-valued loop variable in JSON
fathom_run -e 'BEGIN { @s[1] = sum(5); @s[1] = sum(7); @mn[1] = min(4); @mn[1] = min(-2); @mx[1] = max(3); @mx[1] = max(9);
  for ($kv : @s) { print($kv); } for ($kv : @mn) { print($kv); } for ($kv : @mx) { print($kv); }
  clear(@s); clear(@mn); clear(@mx); exit(); }'
expect_exit 0
expect_stdout_eq $'(1, 12)\n(1, -2)\n(1, 9)'
fathom_run -f json -e 'BEGIN { @a[1, "x"] = 2; for ($kv : @a) { print($kv); } clear(@a); exit(); }'
expect_exit 0
expect_stdout_match '^\{"type": "value", "data": \[\[1,"x"\],2\]\}$'

# continue skips even keys, break stops after the first element; $odd
# and $n (probe variables) are written in the body and read after it;
# @dbl is written in the body; the empty map never runs the body
fathom_run -e 'BEGIN { @a[1] = 1; @a[2] = 2; @a[3] = 3; @a[4] = 4; @a[5] = 5; $odd = 0; $n = 0;
  for ($kv : @a) { $n++; if ($kv.0 % 2 == 0) { continue; } $odd += $kv.1; @dbl[$kv.0] = $kv.1 * 2; }
  printf("%d %d\n", $n, $odd);
  $m = 0; for ($kv : @a) { $m++; break; } printf("%d\n", $m);
  @e[1] = 1; delete(@e, 1); for ($kv : @e) { printf("never\n"); } printf("done\n");
  clear(@a); exit(); }'
expect_exit 0
expect_stdout_eq $'5 9\n1\ndone\n\n\n@dbl[1]: 2\n@dbl[3]: 6\n@dbl[5]: 10'

# nested loops: the inner callback reaches the probe's variables too
fathom_run -e 'BEGIN { @x[1] = 10; @x[2] = 20; @y[100] = 1; @y[200] = 2; $t = 0;
  for ($a : @x) { for ($b : @y) { $t += $a.1 * $b.1; } } printf("%d\n", $t); clear(@x); clear(@y); exit(); }'
expect_exit 0
expect_stdout_eq '90'

# A tracepoint probe: a workload under a name unique to this run opens
# f.txt three times; each open adds to a per-CPU count and the loop
# prints the total so far, summed over the CPUs. The per-CPU values also
# go to @percpu so that the test can see they were split.
require_cmd taskset nproc
wl_name=fm${T##*.}
cp /bin/cat "$T/$wl_name" || fail "cannot copy /bin/cat"
echo data >"$T/f.txt"
: >"$FATHOM_STDERR"
# The opens run on CPUs 0, 1, 0 (when there are two), so the count has
# values on two CPUs and only their sum gives 1, 2, 3.
last_cpu=$(( $(nproc) > 1 ? 1 : 0 ))
( cd "$T" && wait_attached && for cpu in 0 "$last_cpu" 0; do taskset -c "$cpu" "./$wl_name" f.txt >/dev/null; sleep 0.1; done ) &
wl=$!
fathom_run -e 'tracepoint:syscalls:sys_enter_openat /comm == "'"$wl_name"'" && str(args.filename) == "f.txt"/ {
  @opens[comm] = count(); $ok = args.flags >= 0; @cpus[cpu] = count();
  for ($kv : @opens) { printf("%s %d %d\n", $kv.0, $kv.1, $ok); }
}
interval:s:3 { exit(); }
END { clear(@opens); for ($c : @cpus) { printf("cpu%d %d\n", $c.0, $c.1); } clear(@cpus); }'
wait "$wl"
expect_exit 0
if [ "$last_cpu" = 1 ]; then cpus_out=$'cpu0 2\ncpu1 1'; else cpus_out='cpu0 3'; fi
# the END loop's order is the hash map's: compare sorted
head -n 3 "$FATHOM_STDOUT" >"$T/counts"
tail -n +4 "$FATHOM_STDOUT" | grep . | sort >"$T/cpus"
[ "$(cat "$T/counts")" = "$wl_name 1 1
$wl_name 2 1
$wl_name 3 1" ] || fail "running totals are not 1, 2, 3"
[ "$(cat "$T/cpus")" = "$cpus_out" ] || fail "per-CPU opens are not $cpus_out"

# Errors: what cannot be looped over, and what the body cannot do.
fathom_run -e 'BEGIN { $x = 1; for ($kv : $x) { } }'
expect_exit 1
expect_stderr_match "^stdin:1:28-30: ERROR: expected a map or a range after ':'"
fathom_run -e 'BEGIN { @h[1] = hist(5); for ($kv : @h) { } }'
expect_exit 1
expect_stderr_match '^stdin:1:37-39: ERROR: a map of hist\(\) cannot be looped over'
# that one error only: the body's reads of $kv do not add "used before it
# is assigned"
fathom_run -e 'BEGIN { @x[1] = avg(5); for ($kv : @x) { print(($kv.0, $kv.1)); } exit(); }'
expect_exit 1
expect_stderr_match '^stdin:1:36-38: ERROR: a map of avg\(\) cannot be looped over'
[ "$(grep -c 'ERROR' "$FATHOM_STDERR")" = 1 ] || fail "expected one error, have: $(cat "$FATHOM_STDERR")"
fathom_run -e 'BEGIN { @a = 1; for ($kv : @a) { } }'
expect_exit 1
expect_stderr_match '^stdin:1:28-30: ERROR: @a has no keys: only maps with keys can be looped over'
fathom_run -e 'BEGIN { @a[1] = 1; for ($kv : @a) { exit(); } }'
expect_exit 1
expect_stderr_match '^stdin:1:37-43: ERROR: exit\(\) is not allowed inside a loop'
expect_stderr_match '^HINT: break out of the loop and call exit\(\) after it'
fathom_run -e 'tracepoint:syscalls:sys_enter_openat { @a[1] = 1; for ($kv : @a) { printf("%d\n", args.flags); } }'
expect_exit 1
expect_stderr_match "^stdin:1:83-93: ERROR: args cannot be used inside a for loop over a map: the loop body runs as a callback of bpf_for_each_map_elem, which has no access to the probe's context"
expect_stderr_match '^HINT: copy it into a variable before the loop: \$flags = args.flags;'
expect_stderr_match '^ +~~~~~~~~~~$'
fathom_run -e 'rawtracepoint:sched_switch { @a[1] = 1; for ($kv : @a) { @b[arg1] = 1; } }'
expect_exit 1
expect_stderr_match "^stdin:1:61-65: ERROR: arg1 cannot be used inside a for loop over a map"
expect_stderr_match '^HINT: copy it into a variable before the loop: \$v = arg1;'

# A verifier rejection inside the callback names the script line: an
# endless while in the loop body.
fathom_run -e 'BEGIN { @a[1] = 1;
  for ($kv : @a) { $i = 0; while ($i < 1) { $i = $i; } } exit(); }'
expect_exit 1
expect_stderr_match "^stdin:2:.*ERROR: the kernel's BPF verifier rejected the code for this expression in BEGIN: infinite loop detected at insn [0-9]+$"
expect_stderr_match '^  for \(\$kv : @a\) \{ \$i = 0; while \(\$i < 1\) \{ \$i = \$i; \} \} exit\(\); \}$'

# -d bpf shows the callback as its own function and the call that uses it
fathom_run -d bpf -e 'BEGIN { @a[1] = 2; for ($kv : @a) { print($kv); } }'
expect_exit 0
expect_stdout_match '^callback fth_cb1 \(a for loop body\):$'
expect_stdout_match '^ +[0-9]+: r2 = func [0-9]+$'
expect_stdout_match '^ +[0-9]+: call for_each_map_elem$'
expect_stdout_match '^ +[0-9]+: r6 = r4$'

# The probe's frame and the callback's share the 512-byte stack: what would
# not fit together moves to the per-CPU scratch area, and the loop runs.
fathom_run -e 'config = { max_strlen = 200 } BEGIN { @a[1] = 1; $s1 = str($1); $s2 = str($1); for ($kv : @a) { @m[str($1)] = 1; } printf("%s %s\n", $s1, $s2); exit(); }' abc
expect_exit 0
expect_stdout_eq $'abc abc\n\n\n@a[1]: 1\n@m[abc]: 1'
fathom_run -e 'config = { max_strlen = 200 } BEGIN { @a[1] = 1; $s1 = str($1); for ($kv : @a) { @m[str($1)] = $kv.1; } printf("%s\n", $s1); exit(); }' abc
expect_exit 0
expect_stdout_eq $'abc\n\n\n@a[1]: 1\n@m[abc]: 1'
