#!/usr/bin/env bash
# delete() of one key of a hist, lhist or tseries map removes the key's
# whole histogram or series (every bucket is a map element of its own);
# other keys stay. It returns true when the key had something, and -k
# warns for a key with nothing, as for any missing key.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'begin { @h[1] = hist(5); @h[1] = hist(100); @h[2] = hist(7); delete(@h, 1);
  @l[1] = lhist(-5, 0, 100, 10); @l[1] = lhist(55, 0, 100, 10); @l[1] = lhist(555, 0, 100, 10);
  @l[2] = lhist(7, 0, 100, 10); delete(@l[1]); exit(); }'
expect_exit 0
cat >"$T/want" <<'OUT'


@h[2]:
[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@l[2]:
[0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

OUT
expect_stdout_eq "$T/want"

# every interval of a series goes: about one value per 100ms interval
# (timer jitter may put two in one interval)
fathom_run -f json -e 'config = { unstable_tseries = enable }
  interval:ms:100 { @ts[1] = tseries(5, 100ms, 5); @ts[2] = tseries(7, 100ms, 5); @n++;
    if (@n == 4) { $a = delete(@ts, 1); $b = delete(@ts, 1); printf("%d %d\n", $a, $b); exit(); } }'
expect_exit 0
expect_stdout_match '^\{"type": "printf", "data": "1 0\\n"\}$'
expect_stdout_match '^\{"type": "tseries", "data": \{"@ts": \{"2": \[(\{"interval_start":"[0-9: .-]+","value":7\},?){2,5}\]\}\}\}$'
expect_stdout_no_match '"1": \['

fathom_run -k -e 'begin { @h[1] = hist(5); delete(@h, 9); delete(@h, 1); exit(); }'
expect_exit 0
expect_stderr_match "^stdin:1:26-39: WARNING: Can't delete map element because it does not exist\.$"
expect_stderr_match '^Additional Info - helper: map_delete_elem, retcode: -2$'
[ "$(grep -c "Can't delete" "$FATHOM_STDERR")" = 1 ] || fail "only delete(@h, 9) should warn"
