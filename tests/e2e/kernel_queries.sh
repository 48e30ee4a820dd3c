#!/usr/bin/env bash
# Questions answered at compile time by the running kernel: cgroupid()
# (the id of a cgroup v2 directory, its inode number, as `cgroup` reports
# it), kfunc_exist() / kfunc_allowed() (BTF, and the verifier's answer for
# the probe's program type) and percpu_kaddr() (a per-CPU variable from
# BTF, which the kernel resolves through kallsyms), with their errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# --- cgroupid: a fresh cgroup's id is its directory's inode number, and
# the id of the cgroup fathom runs in is what `cgroup` says.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg2" ] || fail "no cgroup2 mount in /proc/mounts"
mkdir "$cg2/fathom_e2e_$$" || fail "cannot create a cgroup under $cg2"
at_exit rmdir "$cg2/fathom_e2e_$$"
fathom_run -e "BEGIN { print(cgroupid(\"$cg2/fathom_e2e_$$\")); exit(); }"
expect_exit 0
expect_stdout_eq "$(stat -c %i "$cg2/fathom_e2e_$$")"

own=$(awk -F'::' '/^0::/ { print $2 }' /proc/self/cgroup)
fathom_run -e "BEGIN { print(cgroupid(\"$cg2$own\") == cgroup); exit(); }"
expect_exit 0
expect_stdout_eq 'true'

# A path that does not exist: the hint names where cgroup v2 is mounted on
# this system, which is not /sys/fs/cgroup everywhere.
fathom_run -e 'BEGIN { print(cgroupid("/nonexistent/cgroup")); }'
expect_exit 1
expect_stderr_eq "stdin:1:15-46: ERROR: Failed to get cgroupid for '/nonexistent/cgroup': No such file or directory
BEGIN { print(cgroupid(\"/nonexistent/cgroup\")); }
              ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: give the path of a directory in the cgroup v2 hierarchy, which is mounted at $cg2 here"

# A directory that is not on cgroup2 (/proc here; on this machine also
# /sys/fs/cgroup, the tmpfs beside the v1 controllers) says where cgroup v2
# is, not the kernel's EOVERFLOW for a file handle longer than a cgroup's.
fathom_run -e 'BEGIN { print(cgroupid("/proc")); }'
expect_exit 1
expect_stderr_eq "stdin:1:15-32: ERROR: cgroupid(): '/proc' is not a cgroup v2 directory; cgroup v2 is mounted at $cg2
BEGIN { print(cgroupid(\"/proc\")); }
              ~~~~~~~~~~~~~~~~~
HINT: give a directory under $cg2 ($cg2 itself is the root cgroup)"

fathom_run -e 'BEGIN { $p = "/sys"; print(cgroupid($p)); }'
expect_exit 1
expect_stderr_eq "stdin:1:37-39: ERROR: cgroupid() takes a path as a string literal
BEGIN { \$p = \"/sys\"; print(cgroupid(\$p)); }
                                    ~~
HINT: write e.g. cgroupid(\"/sys/fs/cgroup/system.slice\")"

# --- kfunc_exist / kfunc_allowed. This kernel (6.18) lets tracepoint
# programs call bpf_task_from_pid but not raw tracepoint programs (what
# BEGIN runs as); fentry is refused here, so it is not asked about.
fathom_run -e 'BEGIN { print((kfunc_exist("bpf_task_from_pid"), kfunc_exist("fathom_no_such_kfunc"), kfunc_allowed("bpf_task_from_pid"), kfunc_allowed("fathom_no_such_kfunc"))); exit(); }'
expect_exit 0
expect_stdout_eq '(true, false, false, false)'

# (several CPUs may enter before exit() lands: a map holds the answer once)
fathom_run -e 'tracepoint:raw_syscalls:sys_enter { @allowed = (kfunc_allowed("bpf_task_from_pid"), kfunc_allowed("bpf_rcu_read_lock")); exit(); }'
expect_exit 0
expect_stdout_eq $'\n\n@allowed: (true, true)'

fathom_run -e 'BEGIN { $k = "bpf_task_from_pid"; print(kfunc_exist($k)); }'
expect_exit 1
expect_stderr_eq "stdin:1:53-55: ERROR: kfunc_exist() accepts a string literal only
BEGIN { \$k = \"bpf_task_from_pid\"; print(kfunc_exist(\$k)); }
                                                    ~~
HINT: write the kfunc's name in quotes, e.g. \"bpf_task_from_pid\""

# --- kaddr of a name the kernel does not have: bpftrace's wording, located.
fathom_run -e 'BEGIN { print(kaddr("asdfzzzzzzz")) }'
expect_exit 1
expect_stderr_eq "stdin:1:15-35: ERROR: Failed to resolve kernel symbol: asdfzzzzzzz
BEGIN { print(kaddr(\"asdfzzzzzzz\")) }
              ~~~~~~~~~~~~~~~~~~~~
HINT: kaddr() takes a name listed in /proc/kallsyms"

# That one failure is the only error: variables assigned from it, directly
# or through one another, and ksym() of them say nothing more (a script
# reading a data symbol this kernel's kallsyms lacks).
fathom_run -e 'interval:s:1 { $a = kaddr("asdfzzzzzzz"); $load = *$a; $b = *($a + 8);
  printf("%d.%03d %s\n", $load >> 11, ($b & 2047) * 1000 >> 11, ksym(*($a + 16))); }'
expect_exit 1
expect_stderr_eq "stdin:1:21-41: ERROR: Failed to resolve kernel symbol: asdfzzzzzzz
interval:s:1 { \$a = kaddr(\"asdfzzzzzzz\"); \$load = *\$a; \$b = *(\$a + 8);
                    ~~~~~~~~~~~~~~~~~~~~
HINT: kaddr() takes a name listed in /proc/kallsyms"

# --- percpu_kaddr: the variable must be in BTF; the kernel then needs
# its address in kallsyms, which this kernel lacks for data symbols
# (no CONFIG_KALLSYMS_ALL): fathom says so instead of failing to load.
fathom_run -e 'BEGIN { print(percpu_kaddr("fathom_no_such_var")); }'
expect_exit 1
expect_stderr_eq "stdin:1:15-49: ERROR: percpu_kaddr(): unknown per-CPU kernel variable 'fathom_no_such_var'
BEGIN { print(percpu_kaddr(\"fathom_no_such_var\")); }
              ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: the name must be a per-CPU variable of the kernel (they are in /sys/kernel/btf/vmlinux)"

if grep -q ' runqueues$' /proc/kallsyms; then
    fathom_run -e 'BEGIN { $rq = (struct rq *)percpu_kaddr("runqueues", 0); if ($rq != 0) { print($rq->cpu); }
      print(percpu_kaddr("runqueues", 100000) == 0); $me = (struct rq *)percpu_kaddr("runqueues"); print($me->cpu == cpu); exit(); }'
    expect_exit 0
    expect_stdout_eq $'0\ntrue\ntrue'
else
    fathom_run -e 'BEGIN { $rq = (struct rq *)percpu_kaddr("runqueues", 0); }'
    expect_exit 1
    expect_stderr_eq "stdin:1:28-56: ERROR: percpu_kaddr(): the kernel cannot resolve the address of 'runqueues'
BEGIN { \$rq = (struct rq *)percpu_kaddr(\"runqueues\", 0); }
                           ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: this kernel lists no data symbols in /proc/kallsyms (built without CONFIG_KALLSYMS_ALL)"
fi
