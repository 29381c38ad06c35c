#!/bin/bash
# usage: guests/debian/build.sh OUTDIR   (configuration from the environment)
# Builds the Debian guest's userland with debootstrap (minbase + the packages
# in guests/debian/packages) and writes OUTDIR/debian.sqfs (squashfs, read-
# only, shared by every instance) and OUTDIR/os-release.  debootstrap's
# downloads are kept in $CACHE/debootstrap.  debootstrap mounts /proc and
# /sys inside the tree while it works; the cleanup unmounts whatever is left
# under the tree, in reverse order, on any exit.
STAGE=debian
. "$(dirname "$0")/../../scripts/lib.sh"
. "$TOP/scripts/apt.sh"   # DEBIAN_KEYRING
out=${1:?usage: guests/debian/build.sh OUTDIR}
here=$TOP/guests/debian
: "${MIRROR:?}" "${SUITE:?}" "${SOURCE_DATE_EPOCH:?}"

work=$(mktemp -d "$out.debian.XXXXXX")
root=$work/root
unmount_all() {
	local m
	[ -d "$root" ] || return 0
	awk -v r="$(realpath "$root")" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
on_exit "unmount_all; rm -rf '$work'"

include=$(sed 's/#.*//' "$here/packages" | xargs | tr ' ' ,)
mkdir -p "$CACHE/debootstrap"
info "debootstrap $SUITE (minbase + $include) from $MIRROR"
[ -f "$DEBIAN_KEYRING" ] || die "Debian archive keyring $DEBIAN_KEYRING missing (apt-get install debian-archive-keyring)"
# every Release file checked against Debian's keyring: no unsigned mirror
if ! debootstrap --variant=minbase --include="$include" --cache-dir="$CACHE/debootstrap" \
	--keyring="$DEBIAN_KEYRING" --force-check-gpg \
	"$SUITE" "$root" "$MIRROR" > "$work/debootstrap.log" 2>&1; then
	unmount_all
	die "debootstrap failed (mirror $MIRROR, override with MIRROR=...): $(grep -m1 -E '^[EW]:' "$work/debootstrap.log" || tail -n1 "$work/debootstrap.log")"
fi
unmount_all

# init: Debian's sysvinit as PID 1 without the rcS scripts (they take ~30 s
# under emulation and do nothing a diskless, read-only guest needs): the
# shared initramfs (guests/initramfs/init) has mounted /dev/pts, /dev/shm
# and /run already.  Then root autologin on the Xen console only, no other
# gettys, no runlevel scripts (nothing listens on the network).
cat > "$work/inittab" <<'EOI'
# xenlive Debian guest (see guests/debian/build.sh)
id:2:initdefault:
X0:2345:respawn:/sbin/agetty --autologin root --noclear hvc0 linux
ca:12345:ctrlaltdel:/sbin/shutdown -t1 -a -r now
EOI
stage_file "$root" "$work/inittab" etc/inittab
stage_link "$root" ../proc/self/mounts etc/mtab
# no password anywhere: root is locked, reached only by console autologin
sed -i 's/^root:[^:]*:/root:*:/' "$root/etc/shadow"
printf '' > "$work/empty"
stage_file "$root" "$work/empty" etc/machine-id
cat > "$work/motd.sh" <<'EOS'
export TERM=${TERM:-linux}
echo "xenlive guest $(hostname): try top, stress-ng --cpu 1 -t 10s, ping"
EOS
stage_file "$root" "$work/motd.sh" etc/profile.d/xenlive.sh
# smaller image: no package lists, caches, docs, man pages, locales
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
	"$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log \
	"$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +

osr=$root/etc/os-release
[ -L "$osr" ] && osr=$root/$(realpath -m --relative-to=/ "$(dirname /etc/os-release)/$(readlink "$osr")")
[ -f "$osr" ] || die "the image has no /etc/os-release"
cp "$osr" "$work/os-release"
info "packing the image"
# mksquashfs takes every timestamp from SOURCE_DATE_EPOCH (exported)
export SOURCE_DATE_EPOCH
# zstd in 128 KiB blocks: a guest reads its programs ~1 s faster under
# emulation than from xz in 1 MiB blocks, for a 25% larger image
mksquashfs "$root" "$work/debian.sqfs" -comp zstd -Xcompression-level 19 -b 128K -all-root -no-xattrs \
	-noappend -quiet -no-progress > /dev/null ||
	die "mksquashfs failed"
mkdir -p "$out"
mv "$work/debian.sqfs" "$out/debian.sqfs"
mv "$work/os-release" "$out/os-release"
info "debian.sqfs $(du -m "$out/debian.sqfs" | cut -f1) MiB"
