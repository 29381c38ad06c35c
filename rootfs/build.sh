#!/bin/bash
# usage: rootfs/build.sh   (run by make; configuration from the environment)
# Stage 2: dom0 — Debian's kernel and an initramfs holding busybox, the Xen
# toolstack with its shared-library closure, what Xen's hotplug scripts call
# (bash, coreutils, util-linux, iproute2) and the kernel modules it needs.
#   in:  rootfs/packages, rootfs/modules, rootfs/files/, Debian packages
#   out: build/rootfs/vmlinuz       dom0 kernel, a gzip-compressed ELF (also a PV guest kernel)
#        build/rootfs/initrd.img    dom0 root, zstd-compressed newc cpio
#        build/rootfs/build-id      id the boot medium must carry
#        build/rootfs/kernel.deb    path of the kernel package used
STAGE=rootfs
. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/apt.sh"
here=$TOP/rootfs

# livetop and xenlive-launch are compiled here (monitor/: its sources, not
# its screenshots), against the host's libxen-dev and ncurses
# and its manual lists the distro folders (guests/*/distro)
mapfile -t descriptors < <(cd "$TOP" && printf '%s\n' guests/*/distro)
INPUT_FILES=(rootfs monitor/src monitor/Makefile monitor/livetop.1.in "${descriptors[@]}" scripts/elf-closure.sh scripts/mod-closure.sh)
INPUT_VARS=(XEN_VERSION ISO_LABEL BRIDGE BRIDGE_NET SERVE_NET SOURCE_DATE_EPOCH)
INPUT_TOOLS=(gcc libc6-dev libxen-dev libncurses-dev pkg-config groff strip)

kpkg=$(apt_kernel_package)
[ -n "$kpkg" ] || die "cannot tell which kernel linux-image-amd64 depends on in $SUITE"
mapfile -t pkgs < <(apt_package_list "$here/packages")
mapfile -t debs < <(apt_fetch "${pkgs[@]}")
kdeb=$(apt_fetch "$kpkg")
stage_begin rootfs "${debs[@]##*/}" "${kdeb##*/}"

sys=$WORK/sysroot        # unpacked packages: read from, never written into again
root=$WORK/root          # the initramfs tree
info "unpacking ${#debs[@]} packages"
apt_extract "$sys" "${debs[@]}"
info "unpacking $kpkg"
kver=$(apt_kernel_tree "$WORK/kernel" "$kdeb")

# Packages install into /bin, /sbin, /lib, /lib64; the initramfs is usr-merged.
# Mapping paths here means nothing is ever written through a symlink.
usr_path() {
	case $1 in
	/bin/*|/sbin/*|/lib/*|/lib64/*) printf '/usr%s\n' "$1" ;;
	*) printf '%s\n' "$1" ;;
	esac
}
mkdir -p "$root"/usr/bin "$root"/usr/sbin "$root"/usr/lib "$root"/usr/lib64 "$root"/etc \
	"$root"/proc "$root"/sys "$root"/dev "$root"/run "$root"/tmp "$root"/root "$root"/media \
	"$root"/var/log "$root"/var/lib
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
for d in bin sbin lib lib64; do stage_link "$root" "usr/$d" "$d"; done
stage_link "$root" ../run var/run
stage_link "$root" ../run/lock var/lock
stage_link "$root" usr/bin/busybox init

# put SYSROOT_PATH [DEST]: install one file from the sysroot
put() {
	local src=$1 dest=${2:-$(usr_path "$1")}
	stage_file "$root" "$sys$src" "$dest"
}
# link_to DEST TARGET_ABS: relative symlink DEST -> TARGET_ABS (both in root)
link_to() {
	local dest target
	dest=$(usr_path "$1") target=$(usr_path "$2")
	stage_link "$root" "$(relpath "$(dirname "$dest")" "$target")" "$dest"
}

# --- livetop and xenlive-launch (monitor/), built against the host's libxen-dev ---
host_xen=$(dpkg-query -W -f '${Version}' libxen-dev 2>/dev/null || true)
xen_deb=$(printf '%s\n' "${debs[@]}" | grep "/xen-utils-$XEN_VERSION" | head -n1)
[ "$host_xen" = "$(dpkg-deb -f "$xen_deb" Version)" ] ||
	warn "host libxen-dev $host_xen differs from the image's Xen $(dpkg-deb -f "$xen_deb" Version); livetop may not run"
# the manual's GUESTS section: the catalogue guests/build.sh writes, in its order
{
	echo ".SH GUESTS"
	echo "The xenlive ISO's catalogue, in the order keys 1, 2, ... launch its entries"
	echo "(a distro whose image did not build is left out and the rest move up):"
	n=0
	while read -r id; do
		n=$((n + 1))
		printf '.TP\n.B %s\n%s (\\fB%s\\fR)\n' "$n" "$(distro_field "$id" name)" "$id"
	done < <(distro_ids)
	echo ".PP"
	echo "and last, when Debian's image built, the same image on Debian's own kernel"
	printf "%s\n" "(\\fBdebian_stock\\fR), a fallback for odd hardware."
} > "$WORK/guests.roff"
# no debug info (it would name this build's directory): same bytes every build
make -s -j"$(nproc)" -C "$TOP/monitor" O="$WORK/monitor" GUESTS="$WORK/guests.roff" BACKEND=xen CFLAGS="-O2 -ffile-prefix-map=$TOP/=" \
	> "$WORK/monitor.log" 2>&1 || die "livetop did not build: $(tail -n 3 "$WORK/monitor.log")"
for p in livetop xenlive-launch; do
	strip -o "$WORK/monitor/$p.stripped" "$WORK/monitor/$p"
	stage_file "$sys" "$WORK/monitor/$p.stripped" "usr/bin/$p" 0755
done
# dom0's C programs (rootfs/hotplug): the hotplug scripts libxl runs for
# xenlive's guests' disks and vifs, one program linked below as
# xenlive-block and xenlive-vif; console-logs, which rc.boot starts; and
# the command xenlive-wait
make -s -C "$here/hotplug" O="$WORK/hotplug" CFLAGS="-O2 -ffile-prefix-map=$TOP/=" \
	> "$WORK/hotplug.log" 2>&1 || die "dom0's C programs (rootfs/hotplug) did not build: $(tail -n 3 "$WORK/hotplug.log")"
for p in xenlive-hotplug console-logs; do
	strip "$WORK/hotplug/$p"
	stage_file "$sys" "$WORK/hotplug/$p" "usr/lib/xenlive/$p" 0755
done
strip "$WORK/hotplug/xenlive-wait"
stage_file "$sys" "$WORK/hotplug/xenlive-wait" usr/sbin/xenlive-wait 0755

# --- programs ----------------------------------------------------------------
xbin=/usr/lib/xen-$XEN_VERSION/bin
progs=(/bin/busybox /bin/bash /bin/setfont /usr/bin/flock /sbin/losetup /bin/ip /sbin/bridge /usr/bin/xenstore
	/usr/sbin/dnsmasq /usr/bin/dhcp_release /usr/bin/tcpserver
	/usr/bin/livetop /usr/bin/xenlive-launch /usr/lib/xenlive/xenlive-hotplug /usr/lib/xenlive/console-logs
	/usr/sbin/xenlive-wait)
for p in xl xenstored xenconsoled xenconsole xen-init-dom0 xentop libxl-save-helper xenstore-control xenpm; do
	progs+=("$xbin/$p")
done
# all of coreutils: Xen's scripts expect the real ones
mapfile -t -O "${#progs[@]}" progs < <(dpkg-deb -c "$(printf '%s\n' "${debs[@]}" | grep '/coreutils_')" |
	awk '$1 ~ /^-..x/ && $6 ~ /bin\// { sub(/^\./, "", $6); print $6 }')
for p in "${progs[@]}"; do put "$p"; done
for p in xl xenstored xenconsoled xenconsole xentop xenstore-control xenpm; do
	link_to "/usr/sbin/$p" "$xbin/$p"
done
for p in read write ls list rm exists chmod watch; do
	stage_link "$root" xenstore "usr/bin/xenstore-$p"
done
ln_applet() { [ -e "$root/usr/$1" ] || [ -L "$root/usr/$1" ] || link_to "/usr/$1" /usr/bin/busybox; }
# busybox supplies whatever the real packages above do not; brctl is left
# out on purpose so Xen's scripts use iproute2 (busybox brctl has no "show").
while read -r applet; do
	case $applet in *bin/brctl|bin/busybox|*bin/init|'') continue ;; esac
	ln_applet "${applet#/}"
done < <("$sys/bin/busybox" --list-full | sed 's|^usr/||')
ln_applet sbin/init

# --- shared libraries ----------------------------------------------------------
info "resolving shared libraries"
"$TOP/scripts/elf-closure.sh" "$sys" "${progs[@]}" > "$WORK/libs" || die "shared-library closure failed"
mapfile -t libs < "$WORK/libs"
for l in "${libs[@]}"; do
	case $l in
	/lib64/ld-linux-x86-64.so.2) ;;   # placed below, as the interpreter path
	*) put "$l" "$(usr_path "$(dirname "$(realpath -ms "$l")")")/${l##*/}" ;;
	esac
done
stage_file "$root" "$sys/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
link_to /usr/lib64/ld-linux-x86-64.so.2 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2

# terminal descriptions (ncurses-base: linux, vt100, xterm, screen, tmux, ...)
(cd "$sys" && find lib/terminfo usr/share/terminfo -type f 2>/dev/null) | while read -r t; do
	put "/$t" "/usr/share/terminfo/${t#*terminfo/}"
done
# screen fonts for /usr/lib/xenlive/screen-font: Terminus Bold (console-setup-
# linux), named by cell size WxH, uncompressed
for f in 16:8x16 18x10:10x18 20x10:10x20 22x11:11x22 24x12:12x24 28x14:14x28 32x16:16x32; do
	src=$sys/usr/share/consolefonts/Uni2-TerminusBold${f%:*}.psf.gz
	[ -f "$src" ] || die "console-setup-linux has no ${src##*/}"
	gunzip -c "$src" > "$WORK/font.psf"
	stage_file "$root" "$WORK/font.psf" "usr/share/consolefonts/terminus-${f#*:}.psf"
done
rm "$WORK/font.psf"
# dom0 has no troff: its `man` pages livetop's manual rendered here
groff -man -Tutf8 -P-c -P-b -P-u "$WORK/monitor/livetop.1" > "$WORK/livetop.txt" 2>/dev/null ||
	die "cannot render the manual $WORK/monitor/livetop.1 (groff)"
stage_file "$root" "$WORK/livetop.txt" usr/share/xenlive/man/livetop.txt

# --- Xen configuration and hotplug scripts -----------------------------------------
for f in "$sys"/etc/xen/scripts/*; do put "/etc/xen/scripts/${f##*/}"; done
for hp in xenlive-block xenlive-vif; do link_to "/etc/xen/scripts/$hp" /usr/lib/xenlive/xenlive-hotplug; done
sed -e 's/^#\?autoballoon=.*/autoballoon="off"/' "$sys/etc/xen/xl.conf" > "$WORK/xl.conf"
grep -q '^autoballoon="off"' "$WORK/xl.conf" || echo 'autoballoon="off"' >> "$WORK/xl.conf"
stage_file "$root" "$WORK/xl.conf" etc/xen/xl.conf

# --- kernel modules ----------------------------------------------------------------
kmods=$WORK/kernel/lib/modules/$kver
mapfile -t mods < <(sed 's/#.*//' "$here/modules" | xargs -n1)
"$TOP/scripts/mod-closure.sh" "$kmods" "${mods[@]}" > "$WORK/kos" || die "kernel module closure failed"
mapfile -t kos < "$WORK/kos"
for ko in "${kos[@]}"; do stage_file "$root" "$kmods/$ko" "usr/lib/modules/$kver/$ko"; done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ ! -f "$kmods/$f" ] || stage_file "$root" "$kmods/$f" "usr/lib/modules/$kver/$f"
done
depmod -b "$root/usr" "$kver"
info "${#kos[@]} kernel modules"

# --- xenlive's own files -------------------------------------------------------------
(cd "$here/files" && find . -type f) | sort | while read -r f; do
	stage_file "$root" "$here/files/$f" "${f#./}"
done
build_id=$(stage_key "$STAGE_KEY" "$kver")
printf '%s\n' "$build_id" > "$WORK/build-id"
stage_file "$root" "$WORK/build-id" etc/xenlive/build-id
{
	echo "# written by rootfs/build.sh"
	echo "XEN_VERSION=$XEN_VERSION"
	echo "ISO_LABEL=$ISO_LABEL"
	echo "BRIDGE=$BRIDGE"
	echo "BRIDGE_NET=$BRIDGE_NET"
	echo "SERVE_NET=$SERVE_NET"
	echo "KERNEL_VERSION=$kver"
} > "$WORK/config"
stage_file "$root" "$WORK/config" etc/xenlive/config
echo xenlive > "$WORK/hostname"
stage_file "$root" "$WORK/hostname" etc/hostname

check_no_absolute_links "$root"

# --- pack ---------------------------------------------------------------------------
info "packing the initramfs"
# zstd: dom0's kernel unpacks it in ~1 s under emulation, xz took ~4.5 s.
# Level 12: 2.7 s here for 47 MiB, where level 19 took 25 s of every rootfs
# build (make check builds it three times) for an 11.9 MiB file instead of
# 13.4; it unpacks no slower
cpio_tree "$root" | zstd -12 --single-thread -q -c > "$WORK/initrd.img"
# the kernel as a gzip-compressed ELF: the boot loaders gunzip it as they load
# it, while Xen took ~5 s under emulation to unpack the bzImage's xz payload
# (gzip's default level: 1.8 s for 63 MiB, -9 took 5 s for 0.4% less)
extract_vmlinux "$WORK/kernel/boot/vmlinuz-$kver" "$WORK/vmlinux"
gzip -6 -n -c "$WORK/vmlinux" > "$WORK/vmlinuz"
rm "$WORK/vmlinux"
printf '%s\n' "$kdeb" > "$WORK/kernel.deb"
printf '%s\n' "$kver" > "$WORK/kernel-version"
du -sk "$root" | awk '{ printf "%d\n", $1 / 1024 }' > "$WORK/unpacked-mib"
rm -rf "$sys" "$root" "$WORK/kernel"
info "initramfs $(du -k "$WORK/initrd.img" | cut -f1) KiB zstd, $(cat "$WORK/unpacked-mib") MiB unpacked"
stage_end
