#!/usr/bin/env bash
# Programs that cannot run exit 1 with a diagnostic on stderr in the
# bpftrace format (bpftrace-language.md 9.6): "stdin:LINE:COL[-COL]: ERROR:
# message", the source line, and an underline; with a "did you mean" hint
# where a near name exists.  Nothing is printed on stdout and no BPF
# program is left loaded.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bpftool

failures=""
note() { failures+=$'\n'"--- $1"$'\n'"$(head -n 12 "$FATHOM_STDERR")"; }

# diag CASE LINE: exit 1, empty stdout, and a diagnostic for LINE whose
# first line is "stdin:LINE:COLS: ERROR: ..." followed by the source line
# and a line that underlines part of it.
diag() {
    local name=$1 line=$2 src
    [ "$FATHOM_STATUS" = 1 ] || note "$name: exit status $FATHOM_STATUS, expected 1"
    [ ! -s "$FATHOM_STDOUT" ] || note "$name: stdout is not empty: $(head -c 200 "$FATHOM_STDOUT")"
    grep -q -E "^stdin:$line:[0-9]+(-[0-9]+)?: " "$FATHOM_STDERR" || note "$name: no 'stdin:$line:COL:' diagnostic"
    grep -q -E "^stdin:$line:[0-9]+(-[0-9]+)?: ERROR: " "$FATHOM_STDERR" \
        || note "$name: the diagnostic does not read 'stdin:$line:COLS: ERROR: ...' (bpftrace's format)"
    src=$(printf '%s\n' "${FATHOM_ARGS[1]}" | sed -n "${line}p")
    grep -q -F -x -- "$src" "$FATHOM_STDERR" || note "$name: the source line is not quoted"
    grep -q -E '^ *[~^]+ *$' "$FATHOM_STDERR" || note "$name: no underline (~) line"
}

# Unknown tracepoint, with a hint naming the near one: bpftrace's located
# warning, then its attach-time error, printed bare as bpftrace does, with
# the attach point's location on the line after it.
fathom_run -e 'tracepoint:syscalls:sys_enter_opennat { @ = count(); }'
[ "$FATHOM_STATUS" = 1 ] || note "unknown_tracepoint: exit status $FATHOM_STATUS, expected 1"
grep -q -x -F 'stdin:1:1-38: WARNING: tracepoint not found: syscalls:sys_enter_opennat' "$FATHOM_STDERR" \
    || note "unknown_tracepoint: no located 'tracepoint not found' warning"
grep -q -x -F "ERROR: Unable to attach probe: tracepoint:syscalls:sys_enter_opennat. If this is expected, set the 'missing_probes' config variable to 'warn'." "$FATHOM_STDERR" \
    || note "unknown_tracepoint: no bare 'Unable to attach probe' error line"
grep -q -x -F 'stdin:1:1-38: at this attach point' "$FATHOM_STDERR" \
    || note "unknown_tracepoint: the error does not name its attach point's location"
grep -q -E 'did you mean.*tracepoint:syscalls:sys_enter_openat\b' "$FATHOM_STDERR" \
    || note "unknown_tracepoint: no 'did you mean ... sys_enter_openat' hint"

# Unknown function, hint "count"; a single error (no cascade).
fathom_run -e 'BEGIN { @ = cuont(); }'
diag unknown_function 1
grep -q -E "did you mean.*\bcount\b" "$FATHOM_STDERR" || note "unknown_function: no 'did you mean count' hint"
grep -q -i -E 'cuont' "$FATHOM_STDERR" || note "unknown_function: the message does not name 'cuont'"
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] \
    || note "unknown_function: more than one diagnostic for one mistake"

# printf argument count mismatch: bpftrace's message (7.8).
fathom_run -e 'BEGIN { printf("%d %d\n", 1); }'
diag printf_args 1
grep -q -F 'printf: Not enough arguments for format string (1 supplied, 2 expected)' "$FATHOM_STDERR" \
    || note "printf_args: message is not 'printf: Not enough arguments for format string (1 supplied, 2 expected)'"

# Unknown tracepoint field, with a suggestion; on line 2 of the program.
fathom_run -e 'tracepoint:syscalls:sys_enter_openat {
  printf("%s\n", str(args->filenme)); }'
diag unknown_field 2
grep -q -F 'filenme' "$FATHOM_STDERR" || note "unknown_field: the message does not name 'filenme'"
grep -q -E "did you mean.*\bfilename\b" "$FATHOM_STDERR" || note "unknown_field: no 'did you mean filename' hint"

# Syntax error: the underline points at the offending ';' (column 17).
fathom_run -e 'BEGIN { @x = 1 +; }'
diag syntax_error 1
grep -q -E '^stdin:1:17(-[0-9]+)?: ' "$FATHOM_STDERR" || note "syntax_error: not reported at column 17"
grep -q -E '^ {16}[~^]' "$FATHOM_STDERR" || note "syntax_error: the underline does not start under column 17"

# 1.5 is not element 5 of the tuple 1: one error naming the number.
fathom_run -e 'BEGIN { @x = count(); @x = 1.5; }'
diag decimal_fraction 1
grep -q -F "ERROR: '1.5' is not an integer" "$FATHOM_STDERR" || note "decimal_fraction: the error does not name 1.5"
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] || note "decimal_fraction: more than one error"

# A plain value assigned to an aggregation map: one error, not two.
fathom_run -e 'BEGIN { @x = count(); @x = 1; }'
diag value_into_aggregation 1
grep -q -F "ERROR: @x is a count_t map; it cannot be assigned int64" "$FATHOM_STDERR" \
    || note "value_into_aggregation: not the expected message"
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] || note "value_into_aggregation: more than one error"

# The seed's "Always clean up" script, verbatim, ends a line with a shell
# comment: one error at the '#' saying what comments look like, not a
# cascade of errors about the comment's words.
fathom_run -e '
kprobe:do_sys_open { @start[tid] = nsecs; }
kretprobe:do_sys_open /@start[tid]/ {
    delete(@start[tid]);  # Prevent map growth
}'
diag hash_comment 4
grep -q -F "stdin:4:27: ERROR: '#' does not start a comment" "$FATHOM_STDERR" \
    || note "hash_comment: not the expected message"
grep -q -F "HINT: comments are // to the end of the line, or /* ... */" "$FATHOM_STDERR" \
    || note "hash_comment: no hint about // and /* */"
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] || note "hash_comment: more than one error"

# The same comment on a line of its own at the top of a script: cpp (and
# so bpftrace) rejects it as an invalid directive; fathom says what
# comments look like. A misspelt directive is named.
fathom_run -e '# count opens
tracepoint:syscalls:sys_enter_openat { @ = count(); }'
diag top_hash_comment 1
grep -q -F "stdin:1:1-14: ERROR: invalid preprocessing directive: '#' does not start a comment" "$FATHOM_STDERR" \
    || note "top_hash_comment: not the expected message"
grep -q -F "HINT: comments are // to the end of the line, or /* ... */" "$FATHOM_STDERR" \
    || note "top_hash_comment: no hint about // and /* */"
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] || note "top_hash_comment: more than one error"
fathom_run -e '#inclde <linux/sched.h>
BEGIN { exit(); }'
diag misspelt_directive 1
grep -q -F "stdin:1:1-24: ERROR: invalid preprocessing directive #inclde" "$FATHOM_STDERR" \
    || note "misspelt_directive: not the expected message"

# kprobe/kretprobe (absent on this kernel): one clear error, exit 1.
for p in 'kprobe:do_sys_open { printf("hi\n"); }' 'kretprobe:do_sys_open { printf("%d\n", retval); }'; do
    fathom_run -e "$p"
    diag "${p%%:*}" 1
    grep -q -i -E "${p%%:*}" "$FATHOM_STDERR" || note "${p%%:*}: the error does not mention ${p%%:*}"
    [ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] || note "${p%%:*}: more than one error"
done

# A mistake in a probe with several attach points is said once, not once
# per attach point (bpftrace checks the body once): two tracepoints and a
# wildcard that matches hundreds of them.  The same mistake written twice
# is still said twice, at each place.
fathom_run -e 'tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_write { @n = cuont(); }'
diag multi_attach_two 1
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] \
    || note "multi_attach_two: one mistake said $(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR") times"
fathom_run -e 'tracepoint:syscalls:sys_enter_* { @n = cuont(); }'
diag multi_attach_wildcard 1
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] \
    || note "multi_attach_wildcard: one mistake said $(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR") times"
fathom_run -e 'tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_write { @n = cuont(); @m = cuont(); }'
diag multi_attach_two_places 1
grep -q -F 'stdin:1:79-86: ERROR: unknown function' "$FATHOM_STDERR" || note "multi_attach_two_places: first place not said"
grep -q -F 'stdin:1:93-100: ERROR: unknown function' "$FATHOM_STDERR" || note "multi_attach_two_places: second place not said"
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 2 ] \
    || note "multi_attach_two_places: $(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR") diagnostics, expected 2"
# Corrected, the same two-attach-point probe loads and fires.
fathom_run -e 'tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_write { @n = count(); }
interval:ms:300 { exit(); }'
[ "$FATHOM_STATUS" = 0 ] || note "multi_attach_ok: exit status $FATHOM_STATUS"
grep -q -E '^@n: [1-9][0-9]*$' "$FATHOM_STDOUT" || note "multi_attach_ok: no '@n: COUNT' line"

# Arithmetic on strings: joining them has a function of its own.
fathom_run -e 'BEGIN { @s = "a"; @s = @s + "b"; }'
diag string_plus 1
grep -q -x -F 'HINT: join strings with str_concat(a, b)' "$FATHOM_STDERR" \
    || note "string_plus: no hint naming str_concat"
fathom_run -e 'BEGIN { $s = "a"; if ($s > "b") { exit(); } }'
diag string_compare 1
grep -q -F 'HINT: strings compare with == and !=' "$FATHOM_STDERR" || note "string_compare: no hint about == and !="

# ++ on an aggregation map: one error, the one about ++.
fathom_run -e 'BEGIN { @a = count(); @a++; }'
diag incdec_count 1
[ "$(grep -c -E '^stdin:[0-9]+:' "$FATHOM_STDERR")" = 1 ] || note "incdec_count: more than one diagnostic"
grep -q -F 'ERROR: ++/-- needs an integer map, @a holds count_t' "$FATHOM_STDERR" || note "incdec_count: not the ++ error"

# Keys of two types for one map: the tracepoint's void * is named as declared.
fathom_run -e 'tracepoint:net:netif_rx { @s[(uint64)1] = 1; @s[args->skbaddr] = 2; }'
diag key_types 1
grep -q -F '@s key has type void * here but uint64 elsewhere' "$FATHOM_STDERR" \
    || note "key_types: the message is not '@s key has type void * here but uint64 elsewhere'"

# A file that does not exist: exit 1, message naming it.
fathom_run "$T/fth-no-such-script.bt"
[ "$FATHOM_STATUS" = 1 ] || note "missing_file: exit status $FATHOM_STATUS"
grep -q -F "fth-no-such-script.bt" "$FATHOM_STDERR" || note "missing_file: error does not name the file"

# Nothing left loaded: no fth_ program that no live process holds (other
# fathom runs on the machine hold theirs through an fd).
held=$(cat /proc/[0-9]*/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u)
leaked=""
for id in $(bpftool prog show 2>/dev/null | sed -n -E 's/^([0-9]+): .* name (fth_[^ ]*) .*/\1/p'); do
    printf '%s\n' "$held" | grep -q -x "$id" || leaked+=" $id"
done
[ -z "$leaked" ] || failures+=$'\n'"--- leaked fth_ BPF programs:$leaked"

[ -z "$failures" ] || { FATHOM_STATUS=""; fail "some cases failed:$failures"; }
