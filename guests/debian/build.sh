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
here=$TOP/guests/debian
. "$TOP/scripts/apt.sh"   # DEBIAN_KEYRING
. "$here/userland.sh"
out=${1:?usage: guests/debian/build.sh OUTDIR}
: "${MIRROR:?}" "${SUITE:?}" "${SOURCE_DATE_EPOCH:?}"

work=$(mktemp -d "$out.debian.XXXXXX")
root=$work/root
on_exit "debian_unmount '$root'; rm -rf '$work'"
mapfile -t packages < <(sed 's/#.*//' "$here/packages" | xargs -rn1)
debian_userland "$root" "$work/debootstrap.log" "${packages[@]}"

# init: Debian's sysvinit as PID 1 without the rcS scripts (they take ~30 s
# under emulation and do nothing a diskless, read-only guest needs): the
# shared initramfs (guests/agent/src/init.c) has mounted /dev/pts, /dev/shm
# and /run already.  Then root autologin on the Xen console only, no other
# gettys, no runlevel scripts (nothing listens on the network).
cat > "$work/inittab" <<'EOI'
# xenlive Debian guest (see guests/debian/build.sh)
id:2:initdefault:
X0:2345:respawn:/sbin/agetty --autologin root --noclear hvc0 linux
ca:12345:ctrlaltdel:/sbin/shutdown -t1 -a -r now
EOI
stage_file "$root" "$work/inittab" etc/inittab
# what the guest's init reads ahead while it boots (guests/agent/src/init.c):
# sysvinit, the console's getty, their libraries (ldd of the image's own
# loader) and the files they open first; read one compressed block at a
# time as sysvinit faulted them in, they held ready back by ~0.4 s
{
	printf '%s\n' /etc/ld.so.cache /etc/inittab /usr/sbin/init /usr/sbin/agetty
	chroot "$root" /usr/bin/ldd /usr/sbin/init /usr/sbin/agetty |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }'
} | awk '!seen[$0]++' > "$work/prefetch"
grep -qx /usr/sbin/init "$work/prefetch" && grep -q 'libc\.so' "$work/prefetch" ||
	die "could not list sysvinit's libraries (ldd in the image)"
stage_file "$root" "$work/prefetch" etc/xenlive/prefetch
# no password anywhere: root is locked, reached only by console autologin
sed -i 's/^root:[^:]*:/root:*:/' "$root/etc/shadow"
printf '' > "$work/empty"
stage_file "$root" "$work/empty" etc/machine-id
cat > "$work/motd.sh" <<'EOS'
export TERM=${TERM:-linux}
echo "xenlive guest $(hostname): try top, stress-ng --cpu 1 -t 10s, ping"
EOS
stage_file "$root" "$work/motd.sh" etc/profile.d/xenlive.sh
debian_pack "$root" "$work" debian "$out"
