#!/usr/bin/env bash
# -o FILE: trace output (printf, print, maps at exit) goes to FILE in either
# format; "Attached N probes" (text) and errors stay on stderr; stdout
# stays empty. In JSON the attached_probes message is trace output, so it
# goes to FILE too. A file that cannot be created is an error (exit 1).
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

prog='BEGIN { printf("hello %d\n", 42); print("v"); @m["k"] = 3; @n = 7; exit(); }'

# text
fathom_run -o "$T/out.txt" -e "$prog"
expect_exit 0
expect_stdout_empty
expect_stderr_eq "Attached 1 probe"
printf 'hello 42\nv\n\n\n@m[k]: 3\n@n: 7\n' >"$T/expected.txt"
diff -u "$T/expected.txt" "$T/out.txt" >"$T/diff" || fail "text -o file differs:"$'\n'"$(cat "$T/diff")"

# json
fathom_run -f json -o "$T/out.json" -e "$prog"
expect_exit 0
expect_stdout_empty
expect_stderr_empty
cat >"$T/expected.json" <<'EOF'
{"type": "attached_probes", "count": 1, "data": {"probes": 1}}
{"type": "printf", "data": "hello 42\n"}
{"type": "value", "data": "v"}
{"type": "map", "data": {"@m": {"k": 3}}}
{"type": "map", "data": {"@n": 7}}
EOF
diff -u "$T/expected.json" "$T/out.json" >"$T/diff" || fail "json -o file differs:"$'\n'"$(cat "$T/diff")"

# An existing file is replaced, not appended to.
echo old >"$T/old.txt"
fathom_run -q -o "$T/old.txt" -e 'BEGIN { printf("new\n"); exit(); }'
expect_exit 0
[ "$(cat "$T/old.txt")" = new ] || fail "-o did not truncate the file: $(cat "$T/old.txt")"

# Runtime and compile errors stay on stderr, never in the file.
fathom_run -o "$T/err.txt" -e 'BEGIN { printf("%d\n"); }'
expect_exit 1
expect_stderr_match 'ERROR'
[ ! -s "$T/err.txt" ] || fail "an error went to the -o file"

# A file that cannot be created.
fathom_run -o "$T/no/such/dir/out" -e 'BEGIN { exit(); }'
expect_exit 1
expect_stdout_empty
expect_stderr_match "^ERROR: Failed to open output file: \"$T/no/such/dir/out\": No such file or directory$"
expect_stderr_match "^HINT: -o needs a writable file in an existing directory$"
