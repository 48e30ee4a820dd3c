#!/usr/bin/env bash
# char[N] members read from user memory are their N bytes as they are (as
# in bpftrace): "hello" filling a char[5] with no NUL prints whole, with no
# ".." trailer (text and JSON, as a value, map key and map value), and
# buf()/strncmp() see every byte. The target is
# tests/e2e/progs/char_array_target.c.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
build_target char_array_target target
cd "$T" || fail "cannot cd to $T"
DEFS='struct rec { char full[5]; char bytes[4]; char tail[4]; }'

fathom_run -e "$DEFS"' uprobe:./target:take { $r = (struct rec *)arg0; $f = $r->full;
    printf("%s %s|%r|%d|%s\n", $f, $r->full, buf($r->bytes, 4), strncmp($r->full, "hello", 5), $r->tail);
    @[$f] = 1; @v = $f; exit(); }' -c ./target
expect_exit 0
expect_stdout_eq 'hello hello|\x05\x04\x03\x02|0|xyz


@[hello]: 1
@v: hello'

fathom_run -f json -e "$DEFS"' uprobe:./target:take { $r = (struct rec *)arg0; print($r->full); @v = $r->full; exit(); }' -c ./target
expect_exit 0
expect_stdout_match '^\{"type": "value", "data": "hello"\}$'
expect_stdout_match '^\{"type": "map", "data": \{"@v": "hello"\}\}$'

# A string cut by the read limit (four bytes, no NUL) gets the trailer.
fathom_run -e 'config = { max_strlen = 4 } uprobe:./target:take { printf("%s\n", str(arg0)); exit(); }' -c ./target
expect_exit 0
expect_stdout_eq 'hell..'
