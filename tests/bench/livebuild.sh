#!/bin/bash
# usage: tests/bench/livebuild.sh OUTDIR
# The alternative `make bench` compares xenlive with: what a user would build
# with Debian's own tools.  Writes to OUTDIR:
#   live.iso   Debian's live-build (`lb config` for $SUITE, default settings)
#              with xen-system-amd64 and xen-utils installed, plus one boot
#              entry that starts Xen (live-build has none: its menu boots
#              Linux alone) with its serial console, and a 3 s menu timeout
#              (live-build's default waits for a key forever)
#   guest.img  a Debian guest for it: plain `debootstrap $SUITE` (systemd) with
#              linux-image-amd64, as one ext4 file system, hostname lbguest,
#              root without a password on the console
#   versions   what went into them
# Slow (a full live-build, ~15-25 min): tests/bench/bench.sh keeps the result
# in $CACHE/products and builds it once.
STAGE=live-build
. "$(dirname "$0")/../../scripts/lib.sh"
out=${1:?usage: tests/bench/livebuild.sh OUTDIR}
: "${MIRROR:?}" "${SECURITY_MIRROR:?}" "${SUITE:?}"
need_root bench
for t in lb debootstrap mkfs.ext4 xorriso; do
	command -v "$t" >/dev/null || die "$t is missing (apt-get install live-build debootstrap e2fsprogs xorriso)"
done

work=$(mktemp -d "$out.lb.XXXXXX")
unmount_all() {
	local m
	awk -v r="$(realpath "$work")" 'index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
on_exit "unmount_all; rm -rf '$work'"
mkdir -p "$out"

# --- the live image ------------------------------------------------------------------------
mkdir -p "$work/lb"
cd "$work/lb" || exit 1
info "lb config ($SUITE, mirror $MIRROR)"
lb config --distribution "$SUITE" --archive-areas main \
	--mirror-bootstrap "$MIRROR" --mirror-chroot "$MIRROR" --mirror-binary "$MIRROR" \
	--mirror-chroot-security "$SECURITY_MIRROR" --mirror-binary-security "$SECURITY_MIRROR" \
	> "$work/lb-config.log" 2>&1 || die "lb config failed: $(tail -n 1 "$work/lb-config.log")"
echo 'xen-system-amd64 xen-utils' > config/package-lists/xen.list.chroot
# the Xen boot entry: Xen on the first serial port, dom0's console on hvc0
# (live-build's own append line otherwise), made the default
cat > config/hooks/normal/9000-xen-boot.hook.binary <<'EOF'
#!/bin/sh
set -e
xen=$(ls ../chroot/boot/xen-*-amd64.gz | sort -V | tail -n 1)
cp "$xen" live/xen.gz
cp /usr/lib/syslinux/modules/bios/mboot.c32 /usr/lib/syslinux/modules/bios/libcom32.c32 isolinux/
kernel=$(sed -n 's/^[[:space:]]*linux[[:space:]]\+//p' isolinux/live.cfg | head -n 1)
initrd=$(sed -n 's/^[[:space:]]*initrd[[:space:]]\+//p' isolinux/live.cfg | head -n 1)
append=$(sed -n 's/^[[:space:]]*append[[:space:]]\+//p' isolinux/live.cfg | head -n 1)
sed -i 's/^[[:space:]]*menu default$//' isolinux/live.cfg
{
	printf 'label xen\n\tmenu label ^Xen (live-build)\n\tmenu default\n\tkernel /isolinux/mboot.c32\n'
	printf '\tappend /live/xen.gz console=com1 com1=115200,8n1 --- %s %s console=hvc0 --- %s\n' "$kernel" "$append" "$initrd"
	cat isolinux/live.cfg
} > isolinux/live.cfg.new
mv isolinux/live.cfg.new isolinux/live.cfg
sed -i 's/^timeout .*/timeout 30/' isolinux/isolinux.cfg
EOF
chmod +x config/hooks/normal/9000-xen-boot.hook.binary
info "lb build (a full live-build: downloads and squashfs, ~15-25 min; log $out/lb-build.log)"
if ! lb build > "$out/lb-build.log" 2>&1; then
	unmount_all
	die "lb build failed: $(grep -E '^(E:|P: .*failed)|[Ee]rror' "$out/lb-build.log" | tail -n 1)"
fi
iso=$(find . -maxdepth 1 -name "*.iso" | head -n 1)
[ -n "$iso" ] || die "lb build made no ISO (see $out/lb-build.log)"
grep -q 'xen.gz' binary/isolinux/live.cfg || die "the Xen boot entry is missing from the ISO"
mv "$iso" "$out/live.iso"
{
	echo "live-build $(dpkg-query -W -f '${Version}' live-build)"
	grep -E '^(xen-hypervisor|linux-image)' chroot.packages.live 2>/dev/null | tr '\t' ' '
} > "$out/versions"
unmount_all
cd "$work" || exit 1
rm -rf "$work/lb"

# --- the guest: plain debootstrap with systemd ----------------------------------------------
info "debootstrap $SUITE (default variant, systemd) + linux-image-amd64 for the guest"
g=$work/guest
mkdir -p "$CACHE/debootstrap"
if ! debootstrap --include=linux-image-amd64 --cache-dir="$CACHE/debootstrap" \
	"$SUITE" "$g" "$MIRROR" > "$out/debootstrap.log" 2>&1; then
	unmount_all
	die "debootstrap failed: $(grep -m1 -E '^[EW]:' "$out/debootstrap.log" || tail -n 1 "$out/debootstrap.log")"
fi
unmount_all
echo lbguest > "$g/etc/hostname"
echo '/dev/xvda / ext4 defaults 0 1' > "$g/etc/fstab"
sed -i 's/^root:[^:]*:/root::/' "$g/etc/shadow"
ls "$g"/boot/vmlinuz-* "$g"/boot/initrd.img-* > /dev/null || die "the guest has no kernel or initrd"
mkfs.ext4 -q -F -L lbguest -d "$g" "$out/guest.img" 2G > "$work/mkfs.log" 2>&1 ||
	die "mkfs.ext4 failed: $(tail -n 1 "$work/mkfs.log")"
echo "guest: $(cd "$g/boot" && echo vmlinuz-*)" >> "$out/versions"
info "done: $out/live.iso ($(du -m "$out/live.iso" | cut -f1) MiB), $out/guest.img"
