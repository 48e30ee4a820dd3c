#!/usr/bin/env bash
# tests/vm/run.sh [BUILD_DIR] - run fathom's kernel-function tests (kprobe,
# kretprobe, fentry, fexit) on Debian's stock kernel in a QEMU virtual
# machine, for hosts whose own kernel lacks kprobes or refuses fentry.
#
#   * installs qemu-system-x86, busybox-static and cpio when missing (apt)
#   * fetches the kernel that linux-image-amd64 depends on with
#     `apt-get download` and caches it under BUILD_DIR/vm/
#   * builds an initramfs: busybox, BUILD_DIR/fathom with its shared
#     libraries (ldd), the guest scripts of tests/vm/, tools/*.bt, and the
#     few kernel modules the tool workloads need (loop, zram, md, dummy)
#     taken from the same kernel package
#   * boots it with TCG (no KVM needed), reads "VMTEST PASS|FAIL name" lines
#     from the serial console, and exits 0 only when every test passed;
#     "VMTEST NOTRUN name: reason" lines (host e2e tests that cannot run in
#     the guest) are shown and counted, but are no failure.
#
# Environment: VMTEST_TIMEOUT (seconds for the whole boot, default 900),
# VMTEST_KERNEL_PKG (a linux-image-* package name, overrides the lookup;
# e.g. linux-image-6.12.118+deb12-amd64 from bookworm's updates: Debian's
# 6.1 is built without CONFIG_FPROBE, so only a newer kernel has
# kprobe_multi links),
# VMTEST_SMP (virtual CPUs, default 2), VMTEST_VERBOSE=1 (show the console),
# VMTEST_GUEST (the guest scripts to run, in order, default
# "guest-tests.sh guest-tools.sh guest-e2e.sh"; an absolute path is a guest path, e.g.
# /extra/x.sh), VMTEST_EXTRA (a directory copied to
# /extra in the guest, for ad hoc scripts that are not part of the repo),
# VMTEST_RUNS (runs per case of guest-bench.sh, default 3),
# VMTEST_BPFTRACE (a bpftrace binary to put in the guest's /bin with the
# shared libraries ldd finds for it, VMTEST_BPFTRACE_LIBS a directory of
# extra ones; for bench/kernel-attach: it adds some 200 MB, so the guest
# gets VMTEST_MEM MB of memory, default 1024, 2560 with bpftrace).
set -u
set -o pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
VM=$BUILD/vm
TIMEOUT=${VMTEST_TIMEOUT:-900}
SMP=${VMTEST_SMP:-2}
GUEST=${VMTEST_GUEST:-guest-tests.sh guest-tools.sh guest-e2e.sh}
# What the e2e tests run besides fathom (guest-e2e.sh); the ones missing
# on the host are left out, and the tests needing them are reported NOTRUN.
GNU_TOOLS="bash echo timeout grep egrep sed awk gawk mawk diff cmp stat sort seq realpath readlink od
           mktemp date head tail wc tr cut dd taskset setpriv nproc sleep env ls cp mv rm mkdir
           rmdir cat chmod ln touch tee uniq xargs find basename dirname id printf kill ps
           pgrep pkill cksum md5sum sha256sum true false test expr yes split nohup mountpoint
           getconf bpftool nm"
START=$(date +%s)

die() { echo "vmtest: $*" >&2; exit 2; }
say() { echo "vmtest: $*"; }

[ -x "$BUILD/fathom" ] || die "$BUILD/fathom is not built (run make)"
mkdir -p "$VM" || die "cannot create $VM"

# ------------------------------------------------------------ host packages
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
# a static busybox (the initramfs has no libraries for a dynamic one)
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || missing="$missing busybox-static"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
if [ -n "$missing" ]; then
    say "installing$missing"
    $SUDO apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null \
        || die "cannot install$missing"
fi

# ------------------------------------------------------------------- kernel
pkg=${VMTEST_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    if [ -z "$pkg" ]; then
        $SUDO apt-get update -qq >/dev/null 2>&1
        pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    fi
    # Offline with a cached kernel: use it.
    [ -n "$pkg" ] || pkg=$(ls "$VM"/linux-image-*.deb 2>/dev/null | head -1 | sed 's,.*/\(linux-image-[^_]*\)_.*,\1,')
fi
[ -n "$pkg" ] || die "cannot find the kernel package linux-image-amd64 depends on (apt-get update?)"
deb=$(ls "$VM/${pkg}"_*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
    say "downloading $pkg"
    (cd "$VM" && apt-get download -q "$pkg" >/dev/null 2>&1) || die "apt-get download $pkg failed"
    deb=$(ls "$VM/${pkg}"_*.deb | head -1)
fi
# The tool workloads' devices are modules in Debian's kernel: loop (block
# I/O), zsmalloc+zram (swap), md-mod+linear (md flushes), dummy (a network
# interface that drops everything, for TCP retransmits).
MODULES="drivers/block/loop.ko mm/zsmalloc.ko drivers/block/zram/zram.ko
         drivers/md/md-mod.ko drivers/md/linear.ko drivers/net/dummy.ko"
kdir=$VM/kernel-$pkg
if [ ! -f "$kdir/.done2" ]; then
    rm -rf "$kdir"
    mkdir -p "$kdir"
    pats="./boot/vmlinuz-*"
    # (newer kernels, 6.12 on, ship them compressed: NAME.ko.xz)
    for m in $MODULES; do pats="$pats ./lib/modules/*/kernel/$m*"; done
    # shellcheck disable=SC2086 # word splitting of the patterns is wanted
    # (a module a newer kernel builds in or dropped is missing: tar
    # complains, and the copy below says which)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kdir" --wildcards $pats 2>/dev/null
    ls "$kdir"/boot/vmlinuz-* >/dev/null 2>&1 || die "cannot unpack $deb"
    # busybox's insmod takes plain modules only
    find "$kdir" -name '*.ko.xz' -exec xz -d {} + || die "cannot decompress the modules of $deb"
    find "$kdir" -name '*.ko.zst' -exec zstd -q -d --rm {} + || die "cannot decompress the modules of $deb"
    touch "$kdir/.done2"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || die "no vmlinuz in $deb"
kver=${vmlinuz##*/vmlinuz-}

# ---------------------------------------------------------------- initramfs
root=$VM/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,usr/bin,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do
    [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
cp "$BUILD/fathom" "$root/bin/fathom"
# Shared libraries at the paths the dynamic linker looks for them.
for lib in $(ldd "$BUILD/fathom" | awk '/=> \// { print $3; next } $1 ~ /^\// { print $1 }'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
# bpftrace (bench/kernel-attach only): its LLVM and clang libraries take
# most of the space.
if [ -n "${VMTEST_BPFTRACE:-}" ]; then
    cp "$VMTEST_BPFTRACE" "$root/bin/bpftrace" || die "cannot copy $VMTEST_BPFTRACE"
    bt_libs=$(LD_LIBRARY_PATH=${VMTEST_BPFTRACE_LIBS:-} ldd "$VMTEST_BPFTRACE") || die "ldd $VMTEST_BPFTRACE failed"
    if grep -q 'not found' <<<"$bt_libs"; then
        die "bpftrace needs libraries this host lacks: $(grep 'not found' <<<"$bt_libs" | awk '{ print $1 }' | tr '\n' ' ')"
    fi
    for lib in $(awk '/=> \// { print $3; next } $1 ~ /^\// { print $1 }' <<<"$bt_libs"); do
        # the guest looks for it where the host's dynamic linker would
        dest=$lib
        case $lib in "${VMTEST_BPFTRACE_LIBS:-/nonexistent}"/*) dest=/usr/lib/x86_64-linux-gnu/${lib##*/} ;; esac
        [ -e "$root$dest" ] && continue
        mkdir -p "$root$(dirname "$dest")"
        cp -L "$lib" "$root$dest"
    done
fi
# The host's bash and GNU tools, for the e2e tests (guest-e2e.sh), with
# their shared libraries.  They replace busybox's applets in /bin: tests
# copy /bin/sleep or /bin/bash under another name, which a busybox link
# would not survive.  sh, mount, ip, nc and the rest stay busybox.
for cmd in $GNU_TOOLS; do
    path=$(type -P "$cmd" 2>/dev/null) || continue
    case $path in /*) ;; *) continue ;; esac
    rm -f "$root/bin/$cmd"
    cp -L "$path" "$root/bin/$cmd"
    for lib in $(ldd "$path" 2>/dev/null | awk '/=> \// { print $3; next } $1 ~ /^\// { print $1 }'); do
        [ -e "$root$lib" ] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
done
mkdir -p "$root/repo/tests"
cp -r "$REPO/tests/e2e" "$root/repo/tests/e2e"
cp -r "$REPO/tools" "$root/repo/tools"
cp "$REPO/meson.build" "$root/repo/"
mkdir -p "$root/vm" "$root/tools" "$root/modules" "$root/targets"
# The e2e tests' C programs that the guest subset needs (lib.sh's
# build_target takes them from $FATHOM_TARGETS), built static here: the
# guest has no compiler.
for prog in watch_target write_user_target uprobe_target; do
    gcc -O1 -static -o "$root/targets/$prog" "$REPO/tests/e2e/progs/$prog.c" || die "cannot build $prog"
done
cp "$REPO"/tests/vm/guest-*.sh "$root/vm/"
cp "$REPO"/tools/*.bt "$root/tools/"
# bpftrace's own tools, for guest-tools.sh (from Debian's archive, cached)
bash "$REPO/tests/e2e/bpftrace-tools/fetch.sh" "$BUILD/bpftrace-tools" || die "cannot fetch bpftrace's tools"
mkdir -p "$root/bt" && cp -r "$BUILD/bpftrace-tools/0.17" "$BUILD/bpftrace-tools/0.23" "$root/bt/"
for m in $MODULES; do
    # Debian's 6.1 has them all; a newer kernel (VMTEST_KERNEL_PKG) may
    # not, and only the tool workloads need them
    cp "$kdir"/lib/modules/*/kernel/"$m" "$root/modules/" 2>/dev/null \
        || say "no $m in $deb: the workloads that need it will fail"
done
if [ -n "${VMTEST_EXTRA:-}" ]; then
    cp -r "$VMTEST_EXTRA" "$root/extra" || die "cannot copy $VMTEST_EXTRA"
fi
cat >"$root/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
ln -s /proc/self/fd /dev/fd 2>/dev/null
echo "root:x:0:0:root:/root:/bin/sh" >/etc/passwd
# a line of its own: the console may start with the firmware's escape codes
echo
echo "VMTEST KERNEL $(uname -r)"
echo "VMTEST BOOT init started $(cut -d' ' -f1 /proc/uptime) s after the kernel"
cd /
for script in $(sed -n 's/.*vmtest.guest=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' '); do
    case $script in /*) sh "$script" ;; *) sh "/vm/$script" ;; esac
done
echo "VMTEST DONE"
sync
poweroff -f
INIT
chmod +x "$root/init" "$root"/vm/*.sh
initrd=$VM/initrd.cpio.gz
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd" || die "cannot build the initramfs"

# --------------------------------------------------------------------- boot
log=$VM/console.log
say "booting $kver under qemu (TCG, ${SMP} CPUs); console log: $log"
accel=tcg
[ "${VMTEST_KVM:-0}" = 1 ] && [ -w /dev/kvm ] && accel=kvm
mem=${VMTEST_MEM:-1024}
[ -n "${VMTEST_BPFTRACE:-}" ] && mem=${VMTEST_MEM:-2560}
say "initramfs $(( $(stat -c %s "$initrd") / 1048576 )) MB compressed, $(du -sm "$root" | cut -f1) MB unpacked; ${mem} MB of memory"
# loglevel=5: the kernel's warnings (a soft lockup's stack traces) reach
# the console log. A guest whose CPUs stay locked up for two minutes will
# not recover: it is stopped then rather than at the timeout ($lockup set).
boot_guest() {
    timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel "$accel" -m "$mem" -smp "$SMP" -cpu max \
        -kernel "$vmlinuz" -initrd "$initrd" \
        -append "console=ttyS0 panic=-1 quiet loglevel=5 softlockup_all_cpu_backtrace=1 rdinit=/init vmtest.show=${VMTEST_VERBOSE:-0} vmtest.guest=$(echo $GUEST | tr ' ' ,) vmtest.e2e=$(echo ${VMTEST_E2E:-} | tr ' ' ,) vmtest.runs=${VMTEST_RUNS:-3}" \
        -nographic -no-reboot -monitor none -serial stdio -nodefaults </dev/null >"$log" 2>&1 &
    qemu=$!
    lockup=""
    while kill -0 "$qemu" 2>/dev/null; do
        sleep 5
        if grep -q -E 'soft lockup - CPU#[0-9]+ stuck for (1[2-9][0-9]|[2-9][0-9][0-9])s' "$log" 2>/dev/null; then
            lockup=1
            kill "$qemu" 2>/dev/null
            break
        fi
    done
    wait "$qemu"
    qrc=$?
}
# The lockup's report from console log $1: the soft lockup lines and the
# stack traces after them.
show_lockup() {
    sed -n '/soft lockup/,$p' "$1" | head -n 120
}
boot_guest
# The emulated 6.1 kernel locked up once in some twenty runs (both vCPUs in
# soft lockup, under TCG): that is no test result, so the guest boots once
# more and its second run counts; the first one's report is shown here and
# kept in console.lockup.txt. A second lockup fails below.
if [ -n "$lockup" ]; then
    tr -d '\r' <"$log" >"$VM/console.lockup.txt"
    say "the guest kernel locked up (soft lockup for two minutes) after $(( $(date +%s) - START ))s; its report:"
    show_lockup "$VM/console.lockup.txt"
    say "booting the guest once more (the lockup's console log: $VM/console.lockup.txt)"
    boot_guest
fi
tr -d '\r' <"$log" >"$log.txt"
if [ "${VMTEST_VERBOSE:-0}" = 1 ]; then
    cat "$log.txt"
fi

pass=$(grep -c '^VMTEST PASS ' "$log.txt")
failn=$(grep -c '^VMTEST FAIL ' "$log.txt")
notrun=$(grep -c '^VMTEST NOTRUN ' "$log.txt")
grep -E '^VMTEST (PASS|FAIL|NOTRUN|KERNEL|BOOT|BENCH) ' "$log.txt" | sed 's/^VMTEST /  /'
# Details of failures (the guest prints them between FAIL and END lines).
if [ "$failn" -gt 0 ] && [ "${VMTEST_VERBOSE:-0}" != 1 ]; then
    echo "--- failure details:"
    sed -n '/^VMTEST DETAIL BEGIN/,/^VMTEST DETAIL END/p' "$log.txt" | grep -v '^VMTEST DETAIL'
fi
elapsed=$(( $(date +%s) - START ))
if ! grep -q '^VMTEST DONE' "$log.txt"; then
    if [ -n "$lockup" ]; then
        echo "vmtest: the guest kernel locked up (soft lockup for two minutes), stopped after ${elapsed}s; its report:"
        show_lockup "$log.txt"
    else
        echo "vmtest: the guest did not finish (qemu exit $qrc after ${elapsed}s); last console lines:"
        tail -n 30 "$log.txt"
    fi
    failn=$((failn + 1))
fi
echo "vmtest: $kver in ${elapsed}s"
echo "vmtest: $pass passed, $failn failed, $notrun not run in the guest (reasons above)"
[ "$failn" -eq 0 ] && [ "$pass" -gt 0 ]
