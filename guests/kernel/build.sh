#!/bin/bash
# usage: guests/kernel/build.sh SOURCE_DEB OUT   (run by guests/build.sh)
# Compiles the guests' kernel from Debian's linux-source package SOURCE_DEB
# (GUEST_KERNEL_SOURCE in config.mk) with the options in guests/kernel/config
# and the patches in guests/kernel/patches (each says why).  Writes
# OUT/vmlinux.gz (a gzip ELF, which xl loads without decompressing a
# bzImage) and OUT/config.  guests/build.sh keeps the result as a cached
# product (keyed by this folder, the source package and the compiler), so
# `make clean` does not cost a recompile.
STAGE=guest-kernel
. "$(dirname "$0")/../../scripts/lib.sh"
deb=${1:?usage: guests/kernel/build.sh SOURCE_DEB OUT}
out=${2:?usage: guests/kernel/build.sh SOURCE_DEB OUT}
here=$TOP/guests/kernel

work=$(mktemp -d "$out.kernel.XXXXXX")
on_exit "rm -rf '$work'"
info "compiling the guest kernel from ${deb##*/} (once; kept in $CACHE/products)"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards './usr/src/linux-source-*.tar.xz'
tar -xJf "$work"/usr/src/linux-source-*.tar.xz -C "$work"
rm -rf "${work:?}/usr"
src=$(find "$work" -maxdepth 1 -type d -name 'linux-source-*' | head -n1)
[ -n "$src" ] || die "no kernel source tree in ${deb##*/}"
for p in "$here"/patches/*.patch; do
	[ -e "$p" ] || continue
	patch -d "$src" -p1 -s --no-backup-if-mismatch < "$p" > "$work/patch.log" 2>&1 ||
		die "patch ${p##*/} does not apply to ${deb##*/}: $(tail -n 2 "$work/patch.log")"
done
export KBUILD_BUILD_TIMESTAMP="@${SOURCE_DATE_EPOCH:-0}" KBUILD_BUILD_USER=xenlive KBUILD_BUILD_HOST=xenlive
make -s -C "$src" KCONFIG_ALLCONFIG="$here/config" allnoconfig > "$work/config.log" 2>&1 ||
	die "kernel configuration failed: $(tail -n 3 "$work/config.log")"
# every option asked for must have survived (a missing dependency drops it)
lost=$(grep '^CONFIG_' "$here/config" | while IFS= read -r line; do
	grep -qxF "$line" "$src/.config" || printf '%s ' "$line"
done)
[ -z "$lost" ] || die "guests/kernel/config options not in the kernel's .config (missing dependencies?): $lost"
make -s -C "$src" -j"$(nproc)" vmlinux > "$work/build.log" 2>&1 ||
	die "kernel compile failed: $(grep -m3 -E 'error|Error' "$work/build.log")"
objcopy --strip-debug "$src/vmlinux" "$work/vmlinux"
gzip -1 -n -c "$work/vmlinux" > "$work/vmlinux.gz"
cp "$src/.config" "$work/config"
rm -rf "$src" "$work/vmlinux"
mkdir -p "$out"
mv "$work/vmlinux.gz" "$work/config" "$out/"
info "guest kernel $(du -k "$out/vmlinux.gz" | cut -f1) KiB (gzip ELF)"
