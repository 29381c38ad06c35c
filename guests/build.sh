#!/bin/bash
# usage: guests/build.sh   (run by make; configuration from the environment)
# Stage 3: everything guests boot, laid out as it goes on the ISO (/guests):
#   kernel/vmlinux            the guests' own small PV kernel (guests/kernel), a
#                             plain ELF: xl gunzipped it in ~1 s at every launch
#   kernel/debian-vmlinux.gz  Debian's stock kernel (fallback entry), gzip ELF
#   initrd.gz                 shared guest initramfs: busybox, xenlive-agent, init
#   initrd-stock.gz           the same plus the modules Debian's kernel needs
#   debian.sqfs centos.sqfs   distro images (read-only, shared by instances)
#   catalog                   one line per distro (see monitor/README.md)
#   selftest/                 xenlive-selftest's guest (initramfs + disk)
# A guest whose build cannot reach its mirror is skipped, loudly, unless
# REQUIRE_GUESTS=1.  Slow products (kernel, images) are kept in $CACHE.
STAGE=guests
. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/apt.sh"
here=$TOP/guests

kdeb=$(cat "$BUILD/rootfs/kernel.deb" 2>/dev/null) || die "stage rootfs has not been built (run make)"
bb=$(apt_fetch busybox-static)
src=$(apt_fetch linux-source-6.1)
stage_begin guests "$(stage_key "$0" "$here" "$TOP/scripts/apt.sh" "$TOP/scripts/lib.sh" \
	"$TOP/scripts/mod-closure.sh" "${kdeb##*/}" "${bb##*/}" "${src##*/}" "$SOURCE_DATE_EPOCH" "$MIRROR" \
	"$SUITE" "$DEBIAN_MEM" "$DEBIAN_MIN_MEM" "$CENTOS_MEM" "$CENTOS_MIN_MEM" "$CENTOS_RELEASE" \
	"$CENTOS_MIRROR" "$CENTOS_REPOS" "$CENTOS_PACKAGES" "$CENTOS_GPGKEY" "$CENTOS_GPGCHECK" "$BRIDGE_NET")"

out=$WORK/iso/guests
mkdir -p "$out/kernel" "$out/selftest"

# --- kernels -------------------------------------------------------------------------
"$here/kernel/build.sh" "$WORK/guest-kernel"
gzip -dc "$WORK/guest-kernel/vmlinux.gz" > "$WORK/guest-vmlinux"
strip --strip-all -o "$out/kernel/vmlinux" "$WORK/guest-vmlinux"
rm "$WORK/guest-vmlinux"
kver=$(apt_kernel_tree "$WORK/kernel" "$kdeb")
extract_vmlinux "$WORK/kernel/boot/vmlinuz-$kver" "$WORK/vmlinux"
gzip -1 -n -c "$WORK/vmlinux" > "$out/kernel/debian-vmlinux.gz"
kmods=$WORK/kernel/lib/modules/$kver

# --- initramfs trees ------------------------------------------------------------------------
apt_extract "$WORK/bb" "$bb"
make -s -C "$here/agent" > "$WORK/agent.log" 2>&1 || die "xenlive-agent did not build: $(tail -n 3 "$WORK/agent.log")"
# pack ROOT OUT: a reproducible gzip newc cpio of ROOT
pack() {
	check_no_absolute_links "$1"
	cpio_tree "$1" | gzip -9 -n > "$2"
}
# busybox_root ROOT APPLET...: a tree with busybox and the named applets
busybox_root() {
	local root=$1 a
	shift
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
	stage_file "$root" "$WORK/bb/bin/busybox" bin/busybox
	for a in "$@"; do stage_link "$root" busybox "bin/$a"; done
}
# add_modules ROOT NAME...: NAME and what it needs, for Debian's kernel
add_modules() {
	local root=$1 ko f
	shift
	"$TOP/scripts/mod-closure.sh" "$kmods" "$@" > "$WORK/kos" || die "module closure failed"
	while read -r ko; do stage_file "$root" "$kmods/$ko" "lib/modules/$kver/$ko"; done < "$WORK/kos"
	for f in modules.builtin modules.order; do stage_file "$root" "$kmods/$f" "lib/modules/$kver/$f"; done
	depmod -b "$root" "$kver"
}

# the guest initramfs, shared by every distro
g=$WORK/guest-root
busybox_root "$g" sh mount umount mkdir cp cat sleep hostname ip udhcpc chroot switch_root modprobe echo
stage_file "$g" "$here/initramfs/init" init 0755
stage_file "$g" "$here/initramfs/dhcp-event" bin/dhcp-event 0755
stage_file "$g" "$here/agent/build/xenlive-agent" bin/xenlive-agent 0755
pack "$g" "$out/initrd.gz"
add_modules "$g" xen-blkfront xen-netfront squashfs overlay
pack "$g" "$out/initrd-stock.gz"

# the self-test guest (xenlive-selftest)
s=$WORK/selftest-root
busybox_root "$s" sh mount modprobe insmod sleep cat head tr ip ping
stage_file "$s" "$here/selftest/init" init 0755
add_modules "$s" xen-blkfront xen-netfront
pack "$s" "$out/selftest/initrd.gz"
{ printf 'XENLIVE-SELFTEST-DISK %s' "$STAGE_KEY"; head -c 1048576 /dev/zero; } | head -c 1048576 > "$out/selftest/disk.img"

# --- distro images ---------------------------------------------------------------------------
pretty() { sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1" | tr -d '|'; }
catalog=$out/catalog
{
	echo "# xenlive guest catalogue: id|display name|image|memory_mib|min_memory_mib|kernel|ramdisk|cmdline"
	echo "# paths are relative to this file; the display name is the image's own PRETTY_NAME"
} > "$catalog"
built=() skipped=()
# every guest's kernel command line.  noreplace-smp: a one-vCPU guest's
# kernel otherwise rewrites each of its thousands of LOCK prefixes at boot,
# one hypercall-backed text poke apiece (~0.5 s under emulation); left in,
# they cost a few cycles per atomic operation
cmdline="console=hvc0 quiet noreplace-smp"
debian_key=$(stage_key "$here/debian" "$TOP/scripts/lib.sh" "$MIRROR" "$SUITE" "$SOURCE_DATE_EPOCH")
if cached_product debian "$debian_key" "$WORK/debian" "$here/debian/build.sh"; then
	mv "$WORK/debian/debian.sqfs" "$out/debian.sqfs"
	name=$(pretty "$WORK/debian/os-release")
	echo "debian|${name:-Debian}|debian.sqfs|$DEBIAN_MEM|$DEBIAN_MIN_MEM|kernel/vmlinux|initrd.gz|$cmdline" >> "$catalog"
	built+=("debian ($name)")
else
	skipped+=("debian: debootstrap from $MIRROR failed (override with MIRROR=...)")
fi
centos_key=$(stage_key "$here/centos" "$TOP/scripts/lib.sh" "$CENTOS_RELEASE" "$CENTOS_MIRROR" "$CENTOS_REPOS" \
	"$CENTOS_PACKAGES" "$CENTOS_GPGKEY" "$CENTOS_GPGCHECK" "$SOURCE_DATE_EPOCH")
if [ -x "$here/centos/build.sh" ]; then
	rc=0
	cached_product centos "$centos_key" "$WORK/centos" "$here/centos/build.sh" 2> "$WORK/centos.err" || rc=$?
	cat "$WORK/centos.err" >&2
	if [ "$rc" = 0 ]; then
		mv "$WORK/centos/centos.sqfs" "$out/centos.sqfs"
		name=$(pretty "$WORK/centos/os-release")
		echo "centos|${name:-CentOS Stream}|centos.sqfs|$CENTOS_MEM|$CENTOS_MIN_MEM|kernel/vmlinux|initrd.gz|$cmdline selinux=0" >> "$catalog"
		built+=("centos ($name)")
	else
		skipped+=("centos: $(grep -m1 'error' "$WORK/centos.err" | sed 's/^[a-z]*: error: //')")
	fi
else
	skipped+=("centos: no builder (guests/centos/build.sh)")
fi
if [ -f "$out/debian.sqfs" ]; then
	name=$(pretty "$WORK/debian/os-release")
	echo "debian_stock|Stock-kernel ${name:-Debian} (Debian's own kernel)|debian.sqfs|128|96|kernel/debian-vmlinux.gz|initrd-stock.gz|$cmdline xenlive.modules=1" >> "$catalog"
fi

rm -rf "$WORK/kernel" "$WORK/bb" "$g" "$s" "$WORK/vmlinux" "$WORK/guest-kernel" "$WORK/debian" "$WORK/centos"
normalise_epoch "$WORK/iso"
{
	echo "guests in the ISO: ${built[*]:-none}"
	for s in "${skipped[@]}"; do echo "SKIPPED $s"; done
} > "$WORK/summary"
if [ "${#skipped[@]}" -gt 0 ]; then
	info "=================================================================="
	while read -r line; do info "$line"; done < "$WORK/summary"
	info "=================================================================="
	[ "$REQUIRE_GUESTS" != 1 ] || die "REQUIRE_GUESTS=1 and a guest was skipped"
else
	info "$(head -n1 "$WORK/summary")"
fi
stage_end
