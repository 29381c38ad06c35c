#!/bin/bash
# usage: hypervisor/build.sh   (run by make; configuration from the environment)
# Stage 1: the Xen hypervisor.
#   in:  Debian's xen-hypervisor-$XEN_VERSION-amd64 package (through apt)
#   out: build/hypervisor/xen.gz      the hypervisor, as Debian ships it
#        build/hypervisor/version     full Xen version (e.g. 4.17.5)
#        build/hypervisor/cmdline     Xen options every boot entry starts from
STAGE=hypervisor
. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/apt.sh"
INPUT_FILES=(hypervisor)
INPUT_VARS=(XEN_VERSION DOM0_VCPUS SERIAL XEN_EXTRA)

pkg=xen-hypervisor-$XEN_VERSION-amd64
deb=$(apt_fetch "$pkg")
stage_begin hypervisor "${deb##*/}"

apt_extract "$WORK/pkg" "$deb"
xen=$(find "$WORK/pkg/boot" -name "xen-$XEN_VERSION-amd64.gz" -type f | head -n1)
[ -n "$xen" ] || die "$pkg has no boot/xen-$XEN_VERSION-amd64.gz"
cp "$xen" "$WORK/xen.gz"
# "Xen version 4.17.5-..." is printed by the hypervisor itself at boot.
deb_version=$(dpkg-deb -f "$deb" Version)
printf '%s\n' "${deb_version%%[-+]*}" > "$WORK/version"
printf '%s\n' "$deb_version" > "$WORK/deb-version"

# dom0 memory is fixed (no ballooning): the toolstack sizes guests against
# what Xen really has free.  Both consoles: the first serial port and VGA.
printf '%s\n' "dom0_max_vcpus=1-$DOM0_VCPUS console=com1,vga $SERIAL console_to_ring loglvl=warning guest_loglvl=none/warning $XEN_EXTRA" |
	sed 's/ *$//' > "$WORK/cmdline"
rm -rf "$WORK/pkg"
info "Xen $(cat "$WORK/version") ($(du -k "$WORK/xen.gz" | cut -f1) KiB)"
stage_end
