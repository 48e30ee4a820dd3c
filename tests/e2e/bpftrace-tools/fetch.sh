#!/usr/bin/env bash
# tests/e2e/bpftrace-tools/fetch.sh DIR: put the tools bpftrace ships, as
# Debian packages them, under DIR/0.17/*.bt (bookworm's bpftrace 0.17, the
# "classic" form) and DIR/0.23/*.bt (trixie's bpftrace 0.23, the current
# form).  Nothing of bpftrace is kept in this repository: the scripts are
# fetched from Debian's archive, the registry this project may use, and
# cached in DIR (a build directory) for later runs.  Prints what it did on
# stderr and exits non-zero when a package cannot be had.
set -u -o pipefail
dir=$1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$dir" || exit 1

# unpack FORM DEB: the package's /usr/sbin/*.bt into DIR/FORM.
unpack() {
    local form=$1 deb=$2 tmp
    tmp=$(mktemp -d) || return 1
    dpkg-deb -x "$deb" "$tmp" || { rm -rf "$tmp"; return 1; }
    mkdir -p "$dir/$form.new" && cp "$tmp"/usr/sbin/*.bt "$dir/$form.new/" || { rm -rf "$tmp"; return 1; }
    rm -rf "$tmp" "$dir/$form" && mv "$dir/$form.new" "$dir/$form"
}

# 0.17: the bookworm package, through apt.
if ! ls "$dir"/0.17/*.bt >/dev/null 2>&1; then
    ( cd "$dir" && rm -f bpftrace_0.17*.deb &&
      { apt-get download -q bpftrace=0.17.0-1 >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get download -q bpftrace=0.17.0-1 >/dev/null 2>&1; }; } ) ||
        { echo "fetch: apt-get download bpftrace=0.17.0-1 failed" >&2; exit 1; }
    unpack 0.17 "$(ls "$dir"/bpftrace_0.17*.deb | head -1)" || { echo "fetch: cannot unpack bpftrace 0.17" >&2; exit 1; }
fi

# 0.23: trixie's package; apt on bookworm does not know that suite, so
# the file is found in trixie's package index and checked against the
# SHA256 the index gives.
if ! ls "$dir"/0.23/*.bt >/dev/null 2>&1; then
    command -v curl >/dev/null && command -v xz >/dev/null || { echo "fetch: needs curl and xz" >&2; exit 1; }
    curl -fsS --max-time 300 -o "$dir/Packages.xz" "$mirror/dists/trixie/main/binary-amd64/Packages.xz" ||
        { echo "fetch: cannot download trixie's package index" >&2; exit 1; }
    read -r file sum < <(xz -dc "$dir/Packages.xz" | awk '
        /^Package: / { p = ($2 == "bpftrace") }
        p && /^Filename: / { f = $2 } p && /^SHA256: / { s = $2 }
        p && /^$/ { if (f != "") { print f, s; exit } }')
    case "$file" in */bpftrace_0.23*) ;; *) echo "fetch: trixie's bpftrace is '$file', not 0.23" >&2; exit 1 ;; esac
    curl -fsS --max-time 300 -o "$dir/bpftrace-0.23.deb" "$mirror/$file" ||
        { echo "fetch: cannot download $file" >&2; exit 1; }
    echo "$sum  $dir/bpftrace-0.23.deb" | sha256sum -c --quiet - || { echo "fetch: $file: bad checksum" >&2; exit 1; }
    unpack 0.23 "$dir/bpftrace-0.23.deb" || { echo "fetch: cannot unpack bpftrace 0.23" >&2; exit 1; }
    rm -f "$dir/Packages.xz"
fi
