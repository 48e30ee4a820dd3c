#!/bin/sh
# Sourced by the guest scripts: the devices the kprobe tools' workloads
# need, made from the kernel's own modules (/modules), and the workloads
# themselves.  setup_all sets up a loop device on tmpfs (block I/O), an md
# linear array on a second one (flushes), zram swap and two memory
# cgroups (swap-ins, an OOM kill), lo and a dummy interface that drops
# what it is sent (TCP retransmits of a SYN).

# setup_step NAME COMMAND...: a failed step is a failed check of its own,
# so that the tools depending on it fail with a reason.
setup_step() {
    name=$1
    shift
    if "$@" >/tmp/setup.log 2>&1; then
        echo "VMTEST PASS setup_$name"
    else
        echo "VMTEST FAIL setup_$name"
        echo "VMTEST DETAIL BEGIN"
        echo "\$ $*"
        cat /tmp/setup.log
        echo "VMTEST DETAIL END"
    fi
}

insmod_all() {
    for m in loop zsmalloc zram md-mod linear dummy; do
        insmod "/modules/$m.ko" || return 1
    done
}

setup_loop() {
    dd if=/dev/zero of=/tmp/disk0 bs=1M count=16 2>/dev/null &&
        losetup /dev/loop0 /tmp/disk0
}

# An md array without mdadm: the md driver's sysfs interface, no
# superblock ("none"), one member (loop1).
setup_md() {
    md=/sys/block/md0/md
    dd if=/dev/zero of=/tmp/disk1 bs=1M count=8 2>/dev/null &&
        losetup /dev/loop1 /tmp/disk1 &&
        echo md0 >/sys/module/md_mod/parameters/new_array &&
        echo none >$md/metadata_version &&
        echo linear >$md/level &&
        echo 1 >$md/raid_disks &&
        echo 7:1 >$md/new_dev &&
        echo 8192 >$md/dev-loop1/size &&
        echo 0 >$md/dev-loop1/slot &&
        echo active >$md/array_state &&
        [ -b /dev/md0 ]
}

setup_swap() {
    echo 64M >/sys/block/zram0/disksize &&
        mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
}

# Two memory cgroups of 16 MiB: "swap" may swap, "oom" may not.
setup_cgroups() {
    cg=/sys/fs/cgroup
    mount -t cgroup2 none $cg &&
        echo +memory >$cg/cgroup.subtree_control &&
        mkdir -p $cg/swap $cg/oom &&
        echo 16M >$cg/swap/memory.max &&
        echo 16M >$cg/oom/memory.max &&
        echo 0 >$cg/oom/memory.swap.max
}

setup_net() {
    ip link set lo up &&
        ip link add d0 type dummy && ip link set d0 up &&
        ip addr add 10.11.0.1/24 dev d0
}

# in_cgroup NAME COMMAND...: COMMAND in memory cgroup NAME.
in_cgroup() {
    cgname=$1
    shift
    sh -c 'echo $$ >/sys/fs/cgroup/'"$cgname"'/cgroup.procs && exec "$@"' sh "$@"
}

setup_all() {
    setup_step modules insmod_all
    setup_step loop setup_loop
    setup_step md setup_md
    setup_step swap setup_swap
    setup_step cgroups setup_cgroups
    setup_step net setup_net
}

wl_files() {
    for i in 1 2 3 4 5 6 7 8 9 10; do
        cat /etc/passwd >/dev/null
        dd if=/dev/zero of=/tmp/w bs=4k count=4 2>/dev/null
        ls /tmp >/dev/null
        sleep 0.1
    done
}

# 16 direct writes of 4 KiB from sector 800 of loop0, then 4 direct reads
# from sector 1600.  The writes are often started by a kworker running the
# queue, the reads by dd itself.
wl_block() {
    dd if=/dev/zero of=/dev/loop0 bs=4k count=16 seek=100 oflag=direct &&
        dd if=/dev/loop0 of=/dev/null bs=4k count=4 skip=200 iflag=direct
}

# A connection over IPv4 and one over IPv6 to nc listening on ::, which
# sees the IPv4 client as ::ffff:127.0.0.1.
wl_tcp() {
    for dst in 127.0.0.1 ::1; do
        nc -l -p 5555 >/tmp/nc.out &
        lpid=$!
        sleep 0.3
        echo hello | nc $dst 5555
        sleep 0.2
        kill $lpid 2>/dev/null
        wait $lpid 2>/dev/null
        grep -q hello /tmp/nc.out || return 1
    done
}

# 10.11.0.2 is on the dummy interface: the SYN vanishes and is resent
# after the initial RTO of 1 s.
wl_syn_lost() {
    timeout 2 nc 10.11.0.2 80 </dev/null
    return 0
}

wl_chown() {
    touch /tmp/capfile && chown 1 /tmp/capfile
}

# 40 MiB in a 16 MiB cgroup without swap: the OOM killer kills dd; the
# constraint is the cgroup's 4096 pages.
wl_oom() {
    in_cgroup oom dd if=/dev/zero of=/dev/null bs=40M count=1
    return 0
}

# A cached lookup of each path component, and a miss for a new name.
wl_lookups() {
    cat /etc/passwd >/dev/null && mkdir /tmp/dcsnoop-new-dir
}

wl_md_flush() {
    dd if=/dev/zero of=/dev/md0 bs=4k count=4 conv=fsync
}

# 40 MiB read three times through a buffer in a 16 MiB cgroup with swap:
# most of it is swapped out and read back in.
wl_swap() {
    in_cgroup swap dd if=/dev/zero of=/dev/null bs=40M count=3
}
