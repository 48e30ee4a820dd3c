#!/usr/bin/env bash
# find(@map, key, $out): true when the key is in the map, and $out then
# holds its value (one lookup); false leaves $out as it was. Integer,
# string and tuple values, a variable declared with `let $v;` and typed by
# find, keys from variables and multi-key maps, a per-CPU count value
# summed over the CPUs. Then the errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'begin { $count = 0; let $val; @a[1] = 10;
  if (find(@a, 1, $val)) { if ($val == 10) { ++$count; } }
  if (!find(@a, 2, $val)) { if ($val == 10) { ++$count; } }
  @a[2] = 20; $b = 2;
  if (find(@a, $b, $val)) { if ($val == 20) { ++$count; } }
  $val_str = "hello"; @b["longerstr"] = "bye";
  if (!find(@b, "byeasdfasdfasdfasdf", $val_str)) { if ($val_str == "hello") { ++$count; } }
  if (find(@b, "longerstr", $val_str)) { if ($val_str == "bye") { ++$count; } }
  print($count);
  let $t; @c[1, "k"] = (7, "seven");
  if (find(@c, (1, "k"), $t)) { printf("%d %s\n", $t.0, $t.1); }
  $found = find(@c, (2, "k"), $t); print($found);
  clear(@a); clear(@b); clear(@c); exit(); }'
expect_exit 0
expect_stdout_eq $'5\n7 seven\nfalse'

# tuple values found and compared whole; a key with a nested tuple
fathom_run -e 'BEGIN { $n = 0; let $v; @c[1, ("hello", (int8)5)] = (1, "bye");
  if (find(@c, (1, ("hello", 5)), $v)) { if ($v == (1, "bye")) { $n++; } }
  if (!find(@c, (1, ("bye", 5)), $v)) { if ($v == (1, "bye")) { $n++; } }
  @c[2, ("evenlonger", 10)] = (2, "hello"); $k = (2, ("evenlonger", 10));
  if (find(@c, $k, $v)) { if ($v == (2, "hello") && $v != (1, "bye")) { $n++; } }
  print($n); clear(@c); exit(); }'
expect_exit 0
expect_stdout_eq '3'

# a count() map written from a tracepoint on every CPU: its value (the
# per-CPU counts reduced) is found, a missing key is not
fathom_run -e 'tracepoint:sched:sched_switch { @sw[1] = count(); }
  interval:ms:200 { let $n; $n = -1; printf("%d %d\n", find(@sw, 1, $n), $n > 0);
    printf("%d %d\n", find(@sw, 2, $n), $n > 0); clear(@sw); exit(); }'
expect_exit 0
# (switches between clear() and the detach may refill @sw, printed at exit)
[ "$(head -n 2 "$FATHOM_STDOUT")" = $'1 1\n0 1' ] || fail "find() results are not '1 1' and '0 1'"

fathom_run -e 'BEGIN { @x = 1; $v = 0; find(@x, 1, $v); }'
expect_exit 1
expect_stderr_match '^stdin:1:30-32: ERROR: @x has no keys: find\(\) needs a map with keys$'

fathom_run -e 'BEGIN { @m[1] = 1; find(@m, 1, @o); }'
expect_exit 1
expect_stderr_match '^stdin:1:32-34: ERROR: find\(\) writes the value into a variable; its third argument must be a \$variable$'
expect_stderr_match '^HINT: pass a scratch variable'

fathom_run -e 'BEGIN { @h[1] = hist(3); let $v; find(@h, 1, $v); }'
expect_exit 1
expect_stderr_match '^stdin:1:39-41: ERROR: find\(\) cannot read the values of a hist_t map$'

fathom_run -e 'BEGIN { $v = 1; find(@nope, 1, $v); }'
expect_exit 1
expect_stderr_match '^stdin:1:22-27: ERROR: undefined map @nope$'

# A key that cannot be one of the map's (a tuple of another length) is an
# error in find(), has_key() and delete(); a longer string than any the
# map had widens its keys, so that it does not find the shorter one.
for call in 'let $v; $r = find(@c, (1, "k", "k"), $v)' '$r = has_key(@c, (1, "k", "k"))' 'delete(@c, (1, "k", "k"))'; do
    fathom_run -e "BEGIN { @c[1, \"k\"] = (7, \"seven\"); $call; }"
    expect_exit 1
    expect_stderr_match '^stdin:1:[0-9]+-[0-9]+: ERROR: key has type \(int64, string\[2\], string\[2\]\) but @c has keys of type \(int64, string\[2\]\)$'
    expect_stderr_match '^HINT: give as many keys as the map has, each of its type$'
done
fathom_run -e 'BEGIN { @c[1, "k"] = (7, "seven"); let $v; printf("%d %d %d\n", has_key(@c, (1, "kkkkkkkk")), find(@c, (1, "kkk"), $v), has_key(@c, (1, "k")));
    delete(@c, (1, "kkkkkkkkkkk")); printf("%d\n", has_key(@c, (1, "k"))); delete(@c, (1, "k")); printf("%d\n", has_key(@c, (1, "k"))); exit(); }'
expect_exit 0
expect_stdout_match '^0 0 1$'
expect_stdout_match '^1$'
expect_stdout_match '^0$'
