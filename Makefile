# Thin wrapper around meson + ninja.  See README for the workflow.
#
#   make / make build   install missing packages, configure build/, compile
#   make asan           same for build-asan/ (AddressSanitizer + UBSan)
#   make run            build, then trace this machine's syscalls for 5 s
#   make check          build + asan build, then the whole test suite on both,
#                       and the kernel-function tests in a VM (vmtest)
#   make vmtest         kprobe/kretprobe/fentry/fexit tests, the kprobe tools and
#                       a subset of the e2e tests on Debian's stock kernel
#                       under qemu (TCG): tests/vm/run.sh, a few minutes
#   make bench          start-up, compile-scale, overhead, kernel-attach
#                       (in the VM) and uprobe-attach benchmarks (build/fathom)
#   make deps           install missing Debian 12 packages (apt-get, as root)
#   make clean          remove both build directories

BUILD      ?= build
ASAN_BUILD ?= build-asan
ASAN_OPTS  := -Db_sanitize=address,undefined -Db_lundef=false

# Debian 12 packages needed to build, test and benchmark fathom.
DEB_PACKAGES := build-essential pkg-config meson ninja-build libbpf-dev \
                libelf-dev libdw-dev zlib1g-dev libcmocka-dev bpftool time \
                systemtap-sdt-dev libstdc++-12-dev openssl iproute2 \
                curl xz-utils perl util-linux rustc golang-go

RUN_PROGRAM := tracepoint:raw_syscalls:sys_enter { @[comm] = count(); } interval:s:5 { exit(); }

SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all build asan run check vmtest bench deps clean

all: build

deps:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	    echo "deps: no dpkg-query (not Debian?); install by hand: $(DEB_PACKAGES)"; \
	    exit 0; \
	fi; \
	missing=""; \
	for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q ' installed$$' \
	        || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "deps: installing$$missing"; \
	    $(SUDO) apt-get update && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

# setup-dir DIR EXTRA-MESON-OPTIONS: configure DIR unless it already is.
# A setup that failed half-way leaves no build.ninja; one that got as far as
# writing coredata needs --wipe to be run again.
define setup-dir
	@if [ ! -f $(1)/build.ninja ]; then \
	    if [ -f $(1)/meson-private/coredata.dat ]; then \
	        echo "meson setup --wipe $(1) $(2)"; meson setup --wipe $(1) $(2); \
	    else \
	        echo "meson setup $(1) $(2)"; meson setup $(1) $(2); \
	    fi; \
	fi
endef

build: deps
	$(call setup-dir,$(BUILD),)
	ninja -C $(BUILD)

asan: deps
	$(call setup-dir,$(ASAN_BUILD),$(ASAN_OPTS))
	ninja -C $(ASAN_BUILD)

run: build
	$(BUILD)/fathom -e '$(RUN_PROGRAM)'

# The VM tests run first so that the suite's "N passed, N failed" stays the
# last line; check fails if either failed.
check: build asan
	@vm=0; tests/vm/run.sh $(BUILD) || vm=$$?; \
	    tests/run-tests.sh $(BUILD) $(ASAN_BUILD) && exit $$vm

# This machine's kernel may lack kprobes or refuse fentry: boot one that has
# both (installs qemu-system-x86, busybox-static, cpio; caches the kernel
# under $(BUILD)/vm/).
vmtest: build
	tests/vm/run.sh $(BUILD)

bench: build
	bench/startup $(BUILD)/fathom
	bench/compile-scale $(BUILD)/fathom
	bench/overhead $(BUILD)/fathom
	bench/kernel-attach $(BUILD)/fathom
	bench/uprobe-attach $(BUILD)/fathom

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
