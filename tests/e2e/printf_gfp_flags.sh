#!/usr/bin/env bash
# printf's %gr (current bpftrace): a gfp_t by name, compound GFP_ names
# first, then the __GFP_ flags left over, then unknown bits in hex, joined
# with '|'; 0 prints as 0. The bits are this kernel's: the expected values
# are built from the ___GFP_<NAME>_BIT enumerators its BTF lists (bpftool),
# so a fathom using another layout would print other names.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bpftool

declare -A bit
while read -r name val; do
    bit[$name]=$val
done < <(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
         sed -n "s/^[[:space:]]*'___GFP_\([A-Z0-9_]*\)_BIT' val=\([0-9]*\)$/\1 \2/p")
[ -n "${bit[DIRECT_RECLAIM]:-}" ] || fail "this kernel's BTF has no ___GFP_*_BIT enumerators"
flag() { local m=0 f; for f in "$@"; do m=$(( m | (1 << ${bit[$f]}) )); done; echo "$m"; }

kernel=$(flag DIRECT_RECLAIM KSWAPD_RECLAIM IO FS)
account=$(( kernel | $(flag ACCOUNT) ))
atomic_highmem=$(flag HIGH KSWAPD_RECLAIM HIGHMEM)
kernel_zero_nowarn=$(( kernel | $(flag ZERO NOWARN) ))
zero_unknown=$(( $(flag ZERO) | (1 << 40) ))
# The flag with the highest bit (the one before ___GFP_LAST_BIT) by its
# BTF name: on this kernel an optional one (NO_OBJ_EXT, NOLOCKDEP, ...).
top=$(( ${bit[LAST]} - 1 ))
top_name=""
for f in "${!bit[@]}"; do [ "${bit[$f]}" -eq "$top" ] && top_name=$f; done
[ -n "$top_name" ] || fail "no flag at bit $top"

fathom_run -e "BEGIN {
    printf(\"[%gr] [%gr] [%gr]\n\", $kernel, $account, $atomic_highmem);
    printf(\"[%gr] [%gr] [%gr]\n\", $kernel_zero_nowarn, 0, $zero_unknown);
    printf(\"[%gr] [%-12gr|] [%gr]\n\", 1 << $top, (uint32)$kernel, (uint64)$kernel);
    exit();
}"
expect_exit 0
expect_stdout_eq "[GFP_KERNEL] [GFP_KERNEL_ACCOUNT] [GFP_ATOMIC|__GFP_HIGHMEM]
[GFP_KERNEL|__GFP_ZERO|__GFP_NOWARN] [0] [__GFP_ZERO|0x10000000000]
[__GFP_$top_name] [GFP_KERNEL  |] [GFP_KERNEL]"

# -f json: the printf message carries the same text.
fathom_run -f json -e "BEGIN { printf(\"%gr\n\", $atomic_highmem); exit(); }"
expect_exit 0
expect_stdout_match '^\{"type": "printf", "data": "GFP_ATOMIC\|__GFP_HIGHMEM\\n"\}$'

# Only integers have GFP bits.
fathom_run -e 'BEGIN { printf("%gr\n", comm); exit(); }'
expect_exit 1
expect_stderr_match 'ERROR: printf: %gr specifier expects a value of type integer \(string supplied\)'

# A real tracepoint: kmalloc's gfp_flags while some work allocates. Each
# line has the value in hex, then its names: every __GFP_ name must be a bit
# of the value, every hex remainder made of its bits, and a GFP_KERNEL
# allocation (the commonest) must print as exactly that.
: >"$FATHOM_STDERR"
( wait_attached && for _ in $(seq 20); do cat /proc/self/status /proc/meminfo >/dev/null; ls -la /proc/self/ >/dev/null; sleep 0.05; done ) &
wl=$!
fathom_run -e 'tracepoint:kmem:kmalloc { printf("%x %gr\n", args.gfp_flags, args.gfp_flags); }
interval:s:2 { exit(); }'
wait "$wl"
expect_exit 0
expect_stdout_match "^$(printf %x "$kernel") GFP_KERNEL\$"
lines=0
while read -r hex names; do
    [ -n "$hex" ] || continue
    lines=$((lines + 1))
    value=$((16#$hex))
    [ "$value" -ne 0 ] || { [ "$names" = 0 ] && continue; fail "0 printed as '$names'"; }
    IFS='|' read -r -a parts <<<"$names"
    for p in "${parts[@]}"; do
        case $p in
        __GFP_*)
            b=${bit[${p#__GFP_}]:-}
            [ -n "$b" ] || fail "line '$hex $names': $p is not a flag of this kernel"
            (( (value >> b) & 1 )) || fail "line '$hex $names': $p is not set in 0x$hex";;
        GFP_*) ;;
        0x*)
            (( (value & $p) == $p )) || fail "line '$hex $names': $p is not part of 0x$hex";;
        *) fail "line '$hex $names': '$p' is no GFP name";;
        esac
    done
done <"$FATHOM_STDOUT"
[ "$lines" -gt 0 ] || fail "no kmalloc event was printed"
