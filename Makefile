# xenlive: a live CD/USB with the Xen hypervisor, a tiny dom0 and livetop.
#   sudo make          build out/xenlive.iso (installs host tools when missing)
#   sudo make check    run every test, including booting the ISO under QEMU
#   make run           boot the ISO in QEMU, serial console in this terminal
#   sudo make bench    measure it next to a Debian live-build with Xen (out/bench.md)
# Tunables live in config.mk; override them here: make DOM0_MEM=384

include config.mk

# every variable config.mk sets, for the stages (a distro's own settings,
# e.g. DEBIAN_MEM, reach them from the command line or the environment)
CONFIG_VARS := $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\) *?=.*/\1/p' config.mk)
export $(CONFIG_VARS)

ISO := out/xenlive.iso
STAGES := hypervisor rootfs guests iso

.PHONY: all check run clean distclean deps lint unit bench $(STAGES)

all: $(STAGES)

# Stages run in boot-chain order; each skips itself when its inputs are unchanged.
preflight:
	@scripts/need-root.sh build
	@scripts/config-check.sh
	@scripts/deps.sh ensure build
hypervisor: preflight
	@hypervisor/build.sh
rootfs: hypervisor
	@rootfs/build.sh
guests: rootfs
	@guests/build.sh
iso: guests
	@iso/build.sh
	@scripts/summary.sh
.PHONY: preflight

deps:
	@scripts/need-root.sh deps
	@scripts/deps.sh install build test bench

check: all
	@scripts/deps.sh ensure test
	@tests/run.sh

# measurements, table in out/bench.md (QUICK=1: one run each, no live-build,
# out/bench-quick.md; BENCH_COLD=1: also a build from an empty cache)
bench: all
	@scripts/deps.sh ensure test $(if $(filter 1,$(QUICK)),,bench)
	@tests/bench/bench.sh $(if $(filter 1,$(QUICK)),--quick)

# fast checks that need neither root nor an ISO
unit:
	@tests/run.sh --quick
lint:
	@tests/run.sh lint

# RUN_OPTS: "uefi" and/or "usb" (default: BIOS CD)
run: all
	@tests/qemu-run.sh $(ISO) $(RUN_OPTS)

clean:
	rm -rf build out

# also forgets the download cache (packages, package lists)
distclean: clean
	rm -rf $(CACHE)
