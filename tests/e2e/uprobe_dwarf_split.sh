#!/usr/bin/env bash
# args.NAME and -lv from split DWARF (gcc -gsplit-dwarf): the binary holds
# skeleton units only, the parameters and types are in the .dwo file next
# to it, found through the skeleton's DW_AT_dwo_name and DW_AT_comp_dir
# (DWARF 5 skeleton units, and DWARF 4's GNU extension), or in TARGET.dwp
# when they are packed into a DWARF package. Without either,
# the binary's functions have no parameters, and a warning says why.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc

for version in 5 4; do
    dir="$T/dwarf$version"
    mkdir -p "$dir" || fail "cannot create $dir"
    cp "$E2E_DIR/progs/dwarf_target.c" "$dir/" || fail "cannot copy the test program"
    # built in its directory, so that the .dwo name is relative to it
    ( cd "$dir" && gcc -g -gdwarf-$version -gsplit-dwarf -O1 -o target dwarf_target.c ) ||
        fail "cannot compile the test program with -gsplit-dwarf -gdwarf-$version"
    ls "$dir"/*.dwo >/dev/null 2>&1 || fail "gcc wrote no .dwo file for -gdwarf-$version"
    TG=$(realpath "$dir/target")

    fathom_run -lv "uprobe:$TG:ship"
    expect_exit 0
    expect_stdout_eq "uprobe:$TG:ship
    order_ref first
    int8_t priority
    uint64_t* total
    long int count"

    : >"$FATHOM_STDERR"
    ( wait_attached && "$TG" ) &
    helper=$!
    fathom_run -e "uprobe:$TG:ship { printf(\"%d %s %d\\n\", args.priority, args.first->customer, args.first->next->id); }
      uprobe:$TG:weigh { \$o = (struct order *)(reg(\"sp\") + 8); printf(\"after=%d id=%d\\n\", args.after, \$o->id); }
      uretprobe:$TG:main { exit(); }"
    wait "$helper" || fail "the target program did not run (fathom never attached?)"
    expect_exit 0
    expect_stdout_match '^-3 alice 8$'
    expect_stdout_match '^after=1 id=7$'
done

# The .dwo file packed into TARGET.dwp (a DWARF package, as for large
# programs): the split units are found in its index by their DWO ids.
# binutils' dwp packs DWARF 4 (index version 2), LLVM's dwp (which Debian's
# rustc ships as rust-llvm-dwp) DWARF 5 (index version 5).
require_cmd dwp rust-llvm-dwp
for version in 5 4; do
    dir="$T/package$version"
    packer=$([ "$version" = 5 ] && echo rust-llvm-dwp || echo dwp)
    mkdir -p "$dir" || fail "cannot create $dir"
    cp "$E2E_DIR/progs/dwp_target.c" "$dir/" || fail "cannot copy the test program"
    ( cd "$dir" && gcc -g -gdwarf-$version -gsplit-dwarf -O1 -o target dwp_target.c ) ||
        fail "cannot compile the test program with -gsplit-dwarf -gdwarf-$version"
    ( cd "$dir" && timeout 60 "$packer" -e target -o target.dwp ) ||
        fail "$packer cannot pack the DWARF $version .dwo file"
    rm -f "$dir"/*.dwo
    TG=$(realpath "$dir/target")

    fathom_run -lv "uprobe:$TG:post"
    expect_exit 0
    expect_stderr_empty
    expect_stdout_eq "uprobe:$TG:post
    const struct parcel* first
    int8_t priority
    long int count"

    fathom_run -e "uprobe:$TG:post { printf(\"%d %s %s %d %d\\n\", args.priority, args.first->sender, args.first->next->sender, args.first->next->id, args.count); exit(); }" -c "$TG"
    expect_exit 0
    expect_stdout_match '^-3 alice bob 8 2$'
done

# neither the .dwo nor a package: the skeleton alone describes no function
rm -f "$T"/dwarf5/*.dwo
TG=$(realpath "$T/dwarf5/target")
fathom_run -e "uprobe:$TG:ship { print(args.count); }"
expect_exit 1
expect_stderr_match "WARNING: cannot find the split DWARF file '.*dwarf_target.dwo' of $TG \(built with -gsplit-dwarf\)"
expect_stderr_match "'args' is not available in uprobe probes"
