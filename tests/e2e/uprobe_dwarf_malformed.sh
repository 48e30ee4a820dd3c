#!/usr/bin/env bash
# A binary whose DWARF is broken: a unit length past the section's end, an
# abbreviation offset past .debug_abbrev, DIEs overwritten with bytes that
# never end a number, and .debug_str cut to nothing. libdw checks every read
# against the section's bounds, so -lv and a probe using args end normally
# (no parameters, or those it could still read) instead of reading past
# the mapping; the ASan build fails this test on any out-of-bounds read.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root
require_cmd gcc python3

gcc -g -O1 -o "$T/good" "$E2E_DIR/progs/dwarf_target.c" || fail "cannot compile the test program"

# corrupt SECTION MODE OUT: a copy of the program with one section broken
corrupt() {
    python3 - "$T/good" "$3" "$1" "$2" <<'PY' || fail "cannot corrupt $1 ($2)"
import struct, sys
src, dst, name, mode = sys.argv[1:]
data = bytearray(open(src, "rb").read())
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
def section(i):
    return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
strtab = section(shstrndx)[4]
for i in range(shnum):
    sh_name, _, flags, _, off, size = section(i)
    end = data.index(b"\0", strtab + sh_name)
    if data[strtab + sh_name:end].decode() == name:
        break
else:
    sys.exit("no section " + name)
if flags & 0x800:
    sys.exit(name + " is compressed")
if mode == "length":          # the first unit claims to run past the end
    struct.pack_into("<I", data, off, 0xfffffff0 - 1)
elif mode == "abbrev":        # its abbreviations past .debug_abbrev's end
    struct.pack_into("<I", data, off + 8, 0x7ffffff0)
elif mode == "dies":          # every DIE byte a LEB128 continuation byte
    data[off + 12:off + size] = b"\xff" * (size - 12)
elif mode == "strings":       # no string at any offset
    data[off:off + size] = b"\x01" * size
open(dst, "wb").write(data)
PY
    chmod +x "$3"
}

for broken in ".debug_info length" ".debug_info abbrev" ".debug_info dies" ".debug_abbrev dies" ".debug_str strings"; do
    set -- $broken
    BIN="$T/broken-${1#.}-$2"
    corrupt "$1" "$2" "$BIN"
    for run in "-lv uprobe:$BIN:*" "-e uprobe:$BIN:ship{print(args.count);exit();}"; do
        # shellcheck disable=SC2086
        FATHOM_TIMEOUT=10 fathom_run $run
        case "$FATHOM_STATUS" in
            0|1) ;;
            124) ;; # attached and waiting for a call that never comes: not a crash
            *) fail "fathom $run on $broken: exit status $FATHOM_STATUS" ;;
        esac
        grep -E 'AddressSanitizer|runtime error|Segmentation' "$FATHOM_STDERR" &&
            fail "fathom $run on $broken read out of bounds"
    done
done

# the abbreviations unreadable: no DIE can be read, so no function has
# parameters; a length past the end is cut at the section's end, and the
# unit is read as far as it goes
fathom_run -e "uprobe:$T/broken-debug_info-abbrev:ship { print(args.count); }"
expect_exit 1
expect_stderr_match "'args' is not available in uprobe probes"
fathom_run -lv "uprobe:$T/broken-debug_info-length:ship"
expect_exit 0
expect_stdout_match '^    long int count$'
