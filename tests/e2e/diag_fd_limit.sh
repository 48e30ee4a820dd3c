#!/usr/bin/env bash
# Every error caused by running out of file descriptors says how to fix
# it (raise ulimit -n), wherever fathom runs out: creating maps, loading
# programs, opening the pcap file, the event ring buffer, skboutput()'s
# perf buffer (one descriptor per CPU), the epoll set or attaching. The
# script is run under open-file limits from 4 upwards until it runs, so
# each of those steps is the one that fails at some limit.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

real=$FATHOM
cat >"$T/limited" <<'SH'
#!/usr/bin/env bash
ulimit -n "$FD_LIMIT" || exit 99
exec "$REAL_FATHOM" "$@"
SH
chmod +x "$T/limited"
FATHOM=$T/limited
export REAL_FATHOM=$real

prog='rawtracepoint:net_dev_queue { $r = skboutput("'"$T"'/out.pcap", args.skb, 64, 0); } BEGIN { exit(); }'
seen=""
ran=0
for limit in $(seq 4 80); do
    FD_LIMIT=$limit fathom_run -e "$prog"
    if [ "$FATHOM_STATUS" = 0 ]; then
        ran=1
        break
    fi
    # The dynamic loader itself may fail under the smallest limits.
    grep -q 'ERROR: .*Too many open files' "$FATHOM_STDERR" || continue
    grep -A3 'ERROR: .*Too many open files' "$FATHOM_STDERR" |
        grep -q '^HINT: fathom ran out of file descriptors: raise the open-files limit (ulimit -n)$' ||
        fail "no ulimit -n hint under limit $limit: $(cat "$FATHOM_STDERR")"
    grep -q 'ERROR: cannot open the perf buffer for skboutput' "$FATHOM_STDERR" && seen="$seen perf"
    grep -q 'ERROR: cannot open the event ring buffer' "$FATHOM_STDERR" && seen="$seen ring"
    grep -q 'ERROR: the kernel rejected the program' "$FATHOM_STDERR" && seen="$seen prog"
done
[ "$ran" = 1 ] || fail "fathom never ran, even with 80 descriptors"
for step in perf ring prog; do
    case " $seen " in *" $step "*) ;; *) fail "no limit made the $step step fail (saw:$seen)" ;; esac
done
