#!/bin/bash
# usage: deps.sh check|ensure|install [build|test|bench]...
# The host tools xenlive needs, as "command package" pairs.  `check` lists
# what is missing, `install` installs it with apt-get, `ensure` installs when
# something is missing and apt-get can be used (root), otherwise stops with
# the exact command to run.
STAGE=deps
. "$(dirname "$0")/lib.sh"

build_tools="
apt-get apt
dpkg-deb dpkg
readelf binutils
depmod kmod
cpio cpio
xz xz-utils
zstd zstd
gzip gzip
mksquashfs squashfs-tools
xorriso xorriso
mcopy mtools
mkfs.vfat dosfstools
grub-mkimage grub-common
flex flex
bison bison
bc bc
patch patch
groff groff-base
cc gcc
make make
pkg-config pkg-config
"
# and what each guest distro's build needs (guests/ID/distro: tools=COMMAND:PACKAGE ...)
build_tools+=$(for id in $(distro_ids); do for t in $(distro_field "$id" tools); do printf '\n%s %s' "${t%%:*}" "${t#*:}"; done; done)
# files rather than commands
build_files="
/usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring
/usr/include/ncurses.h libncurses-dev
/usr/include/libxl.h libxen-dev
/usr/include/libelf.h libelf-dev
"
test_tools="
qemu-system-x86_64 qemu-system-x86
tmux tmux
shellcheck shellcheck
valgrind valgrind
rpmbuild rpm
createrepo_c createrepo-c
gpg gnupg
python3 python3
curl curl
perl perl
tesseract tesseract-ocr
mcopy mtools
mkfs.vfat dosfstools
dnsmasq dnsmasq-base
"
test_files="
/usr/share/ovmf/OVMF.fd ovmf
/usr/lib/ipxe/qemu/efi-e1000.rom ipxe-qemu
"
# make bench: the live-build comparison image
bench_tools="
lb live-build
mkfs.ext4 e2fsprogs
"
bench_files="
/usr/lib/syslinux/modules/bios/mboot.c32 syslinux-common
"

missing() {
	local set cmd pkg
	for set in "$@"; do
		case $set in
		build) list=$build_tools files=$build_files ;;
		test)  list=$test_tools files=$test_files ;;
		bench) list=$bench_tools files=$bench_files ;;
		*) die "unknown dependency set '$set' (build, test or bench)" ;;
		esac
		while read -r cmd pkg; do
			[ -n "$cmd" ] || continue
			PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null 2>&1 || echo "$pkg"
		done <<< "$list"
		while read -r f pkg; do
			[ -n "$f" ] || continue
			[ -e "$f" ] || echo "$pkg"
		done <<< "$files"
	done | sort -u
}

mode=${1:-check}
shift || true
[ $# -gt 0 ] || set -- build test
mapfile -t pkgs < <(missing "$@")
case $mode in
check)
	[ "${#pkgs[@]}" -eq 0 ] && { info "all host tools present"; exit 0; }
	die "missing host packages; run: sudo apt-get install ${pkgs[*]}" ;;
install|ensure)
	[ "${#pkgs[@]}" -eq 0 ] && exit 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		die "missing host packages; run: sudo apt-get install ${pkgs[*]}"
	fi
	info "installing host packages: ${pkgs[*]}"
	mkdir -p "$BUILD"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -q && apt-get install -y -q --no-install-recommends "${pkgs[@]}"; } > "$BUILD/apt-install.log" 2>&1 ||
		die "apt-get install ${pkgs[*]} failed (log: $BUILD/apt-install.log)"
	mapfile -t still < <(missing "$@")
	[ "${#still[@]}" -eq 0 ] || die "still missing after install: ${still[*]}" ;;
*) die "usage: deps.sh check|ensure|install [build|test|bench]" ;;
esac
