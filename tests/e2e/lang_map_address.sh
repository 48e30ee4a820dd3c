#!/usr/bin/env bash
# &@m: the address of a map itself, as current bpftrace gives it (to hand
# a map to a function): the kernel's map pointer, a void *. It is the same
# in every probe for one map and differs between maps; it can be kept in a
# variable, compared, printed and stored in other maps. &@m[k] (an
# element) and & of a map never assigned are errors; a void * cannot be
# dereferenced.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# Keyed, scalar and aggregation maps alike; the map used only by address
# in BEGIN is assigned in END.
fathom_run -e 'BEGIN { @h[1] = 1; @s = 2; @c = count();
  $p = &@h; @keep = $p; @by[&@s] = 7;
  printf("%p %p %p %p\n", $p, &@s, &@c, &@late);
  printf("same=%d differ=%d nonnull=%d\n", $p == &@h, &@h != &@s && &@s != &@c, $p != 0);
  print($p); exit(); }
END { printf("%p %p %p\n", &@h, @keep, &@late); @late = 3; clear(@h); clear(@s); clear(@c); }'
expect_exit 0
expect_stdout_match '^same=1 differ=1 nonnull=1$'
# kernel pointers, one per map
read -r h s c late < <(grep -E '^0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+$' "$FATHOM_STDOUT")
[ -n "${late:-}" ] || fail "no line of four addresses"
for a in "$h" "$s" "$c" "$late"; do
	[ "${#a}" -eq 18 ] && [[ $a == 0xffff* ]] || fail "$a is not a kernel address"
done
[ "$(printf '%s\n' "$h" "$s" "$c" "$late" | sort -u | wc -l)" -eq 4 ] || fail "two maps share an address"
# print() shows the same pointer; END sees the same maps, and the value
# stored in @keep is that pointer; the map key is too
expect_stdout_match "^$h\$"
expect_stdout_match "^$h $h $late\$"
expect_stdout_match "^@keep: $h\$"
expect_stdout_match "^@by\\[$s\\]: 7\$"
expect_stdout_match '^@late: 3$'

fathom_run -e 'BEGIN { @a[1] = 1; $p = &@a[1]; }'
expect_exit 1
expect_stderr_eq "stdin:1:25-31: ERROR: the address-of operator '&' applies to a whole map, not to one of its elements
BEGIN { @a[1] = 1; \$p = &@a[1]; }
                        ~~~~~~
HINT: take the whole map with &@a, or copy the element into a variable first: \$v = @a[...]; &\$v"

fathom_run -e 'BEGIN { $p = &@nowhere; }'
expect_exit 1
expect_stderr_eq 'stdin:1:15-23: ERROR: undefined map @nowhere
BEGIN { $p = &@nowhere; }
              ~~~~~~~~
HINT: assign it somewhere, e.g. @name = 1;'

fathom_run -e 'BEGIN { @a = 1; $p = &@a; $x = *$p; }'
expect_exit 1
expect_stderr_match '^stdin:1:32-35: ERROR: cannot dereference void \*: it does not point at a value that can be read$'

# Arithmetic on the map pointer is refused before the verifier would:
# directly, through a variable, a cast or a compound assignment; its copy
# stored in a map is a plain number and takes arithmetic.
fathom_run -e 'BEGIN { @a = 1; $p = &@a + 1; }'
expect_exit 1
expect_stderr_eq "stdin:1:22-29: ERROR: arithmetic ('+') on a map's address is not allowed
BEGIN { @a = 1; \$p = &@a + 1; }
                     ~~~~~~~
HINT: &@m is the map itself, not memory to index: pass or compare it whole; to compute with its value, store it in a map first (@addr = &@m; @addr + 1)"
for body in '$p = &@a; $q = $p - 8;' '$q = (uint64)&@a * 2;' '$p = &@a; $p += 1;'; do
    fathom_run -e "BEGIN { @a = 1; $body }"
    expect_exit 1
    expect_stderr_match "ERROR: arithmetic \\('[-*+=]+'\\) on a map's address is not allowed$"
    expect_stderr_no_match 'verifier'
done
fathom_run -e 'BEGIN { @a = 1; @addr = &@a; printf("%d\n", (uint64)(@addr + 4) - (uint64)@addr); exit(); }'
expect_exit 0
expect_stdout_match '^4$'

# config unstable_addr, as bpftrace has it for & (of maps and variables):
# stable by default now, so nothing is said; warn says once that it is
# unstable, error refuses each use at its place, a bad value is an error.
prog='BEGIN { @a = 1; $x = 2; $p = &$x; $q = &@a; printf("%d %d\n", *$p, $q != 0); exit(); }'
fathom_run -e "$prog"
expect_exit 0
expect_stdout_match '^2 1$'
expect_stderr_no_match 'unstable'
fathom_run -e "config = { unstable_addr=warn } $prog"
expect_exit 0
expect_stdout_match '^2 1$'
[ "$(grep -c 'WARNING: Script is using an unstable feature: address-of operator (&). To prevent this warning you must explicitly enable it in the config e.g. unstable_addr=enable$' "$FATHOM_STDERR")" = 1 ] ||
    fail "want the unstable_addr warning once"
fathom_run -e "config = { unstable_addr=enable } $prog"
expect_exit 0
expect_stderr_no_match 'unstable'
fathom_run -e "config = { unstable_addr=error } $prog"
expect_exit 1
[ "$(grep -c '^stdin:1:[0-9-]*: ERROR: address-of operator (&) feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_addr=enable$' "$FATHOM_STDERR")" = 2 ] ||
    fail "want an error at each &"
expect_stderr_match '^HINT: set unstable_addr=enable in the script'\''s config block \(config = \{ unstable_addr=enable \}\)$'
expect_stdout_empty
fathom_run -e "config = { unstable_addr=sometimes } $prog"
expect_exit 1
expect_stderr_match "^stdin:1:12-35: ERROR: invalid unstable_addr value 'sometimes'$"
expect_stderr_match '^HINT: use enable, warn or error$'
