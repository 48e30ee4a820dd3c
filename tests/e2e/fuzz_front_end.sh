#!/usr/bin/env bash
# Bad input never crashes fathom: 400 mutants of the repository's own
# scripts (tests/fuzz/mutate.py, a fixed seed, so every run tries the same
# ones) through the lexer, parser, type checker and code generator
# (-d bpf). Each may be refused with an error; none may die of a signal,
# trip a sanitizer (the ASan/UBSan build runs this too) or hang.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_cmd python3

if ! python3 "$REPO_ROOT/tests/fuzz/mutate.py" --seed 1 --count 400 --stage bpf --out "$T" "$FATHOM" >"$T/report" 2>&1; then
    for log in "$T"/fuzz-*.log; do
        [ -f "$log" ] && { echo "--- ${log%.log}.bt:"; cat "${log%.log}.bt"; echo; echo "--- its stderr:"; head -40 "$log"; }
    done
    fail "mutants crashed fathom:"$'\n'"$(cat "$T/report")"
fi
grep -q -x '400 mutants, 0 problems' "$T/report" || fail "unexpected report: $(cat "$T/report")"
