#!/bin/bash
# usage: guests/kernel/build.sh OUT   (configuration from the environment)
# Compiles the guests' kernel from Debian's linux-source package with the
# options in guests/kernel/config and the patches in guests/kernel/patches
# (each says why), once: the result is kept in
# $CACHE/guest-kernel/KEY/ (KEY: source package, config, compiler), so
# `make clean` does not cost a recompile.  Writes OUT/vmlinux.gz (a gzip ELF,
# which xl loads without decompressing a bzImage) and OUT/config.
STAGE=guest-kernel
. "$(dirname "$0")/../../scripts/lib.sh"
. "$TOP/scripts/apt.sh"
out=${1:?usage: guests/kernel/build.sh OUT}
here=$TOP/guests/kernel

src_pkg=$(apt_package_list /dev/stdin <<< "${GUEST_KERNEL_SOURCE:-linux-source-6.1}")
deb=$(apt_fetch "$src_pkg")
key=$(stage_key "$0" "$here/config" "$here/patches" "${deb##*/}" "$(gcc --version | head -n1)")
dir=$CACHE/guest-kernel/$key
if [ ! -f "$dir/vmlinux.gz" ]; then
	work=$dir.work
	rm -rf "$work"
	mkdir -p "$work"
	on_exit "rm -rf '$work'"
	info "compiling the guest kernel from ${deb##*/} (once; kept in $dir)"
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
	rm -rf "$dir"
	mv "$work" "$dir"
fi
mkdir -p "$out"
cp "$dir/vmlinux.gz" "$dir/config" "$out/"
info "guest kernel $(du -k "$out/vmlinux.gz" | cut -f1) KiB (gzip ELF)"
