#!/bin/bash
# usage: guests/build.sh   (run by make; configuration from the environment)
# Stage 3: what guests boot, laid out as it goes on the ISO under /guests.
#   in:  build/rootfs (its kernel package), busybox-static, guests/selftest/
#   out: build/guests/iso/guests/kernel/vmlinux.gz   Debian's kernel as a gzip ELF
#        build/guests/iso/guests/selftest/initrd.gz  self-test guest's initramfs
#        build/guests/iso/guests/selftest/disk.img   its read-only disk
STAGE=guests
. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/apt.sh"
here=$TOP/guests

kdeb=$(cat "$BUILD/rootfs/kernel.deb" 2>/dev/null) || die "stage rootfs has not been built (run make)"
bb=$(apt_fetch busybox-static)
stage_begin guests "$(stage_key "$0" "$here" "$TOP/scripts/apt.sh" "$TOP/scripts/mod-closure.sh" \
	"${kdeb##*/}" "${bb##*/}" "$SOURCE_DATE_EPOCH")"

out=$WORK/iso/guests
mkdir -p "$out/kernel" "$out/selftest"
kver=$(apt_kernel_tree "$WORK/kernel" "$kdeb")
extract_vmlinux "$WORK/kernel/boot/vmlinuz-$kver" "$WORK/vmlinux"
gzip -1 -n -c "$WORK/vmlinux" > "$out/kernel/vmlinux.gz"

# --- the self-test guest: busybox, the PV block and network front ends --------------
apt_extract "$WORK/bb" "$bb"
root=$WORK/selftest-root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
stage_file "$root" "$WORK/bb/bin/busybox" bin/busybox
for a in sh mount modprobe insmod sleep cat head tr ip ping; do stage_link "$root" busybox "bin/$a"; done
stage_file "$root" "$here/selftest/init" init 0755
kmods=$WORK/kernel/lib/modules/$kver
"$TOP/scripts/mod-closure.sh" "$kmods" xen-blkfront xen-netfront > "$WORK/kos" || die "module closure failed"
while read -r ko; do stage_file "$root" "$kmods/$ko" "lib/modules/$kver/$ko"; done < "$WORK/kos"
for f in modules.builtin modules.order; do stage_file "$root" "$kmods/$f" "lib/modules/$kver/$f"; done
depmod -b "$root" "$kver"
check_no_absolute_links "$root"
normalise_epoch "$root"
(cd "$root" && find . -mindepth 1 -print0 | sort -z |
	cpio --null --create --format=newc --reproducible --owner=0:0 --quiet) | gzip -9 -n > "$out/selftest/initrd.gz"
# a 1 MiB disk whose first bytes the guest reads back
{ printf 'XENLIVE-SELFTEST-DISK %s' "$STAGE_KEY"; head -c 1048576 /dev/zero; } | head -c 1048576 > "$out/selftest/disk.img"

rm -rf "$WORK/kernel" "$WORK/bb" "$root" "$WORK/vmlinux"
normalise_epoch "$WORK/iso"
info "guest kernel $(du -k "$out/kernel/vmlinux.gz" | cut -f1) KiB, self-test initramfs $(du -k "$out/selftest/initrd.gz" | cut -f1) KiB"
stage_end
