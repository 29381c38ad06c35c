# shellcheck shell=bash
# Debian userlands for guest images, shared by guests/debian/build.sh and any
# other distro folder built from Debian (it names guests/debian in its
# descriptor's files=, so its cache key covers this).  Needs scripts/lib.sh
# and scripts/apt.sh (DEBIAN_KEYRING), and MIRROR, SUITE, SOURCE_DATE_EPOCH, CACHE.
# debootstrap mounts /proc and /sys inside the tree while it works:
# debian_unmount (call it from the caller's on_exit) unmounts whatever is
# left under the tree, in reverse order.

# debian_unmount ROOT
debian_unmount() {
	local m
	[ -d "$1" ] || return 0
	awk -v r="$(realpath "$1")" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# debian_userland ROOT LOG PACKAGE...: debootstrap --variant=minbase of SUITE
# from MIRROR, plus PACKAGE..., into ROOT; downloads kept in $CACHE/debootstrap
debian_userland() {
	local root=$1 log=$2 include
	shift 2
	include=$(IFS=,; printf '%s' "$*")
	: "${MIRROR:?}" "${SUITE:?}" "${SOURCE_DATE_EPOCH:?}"
	mkdir -p "$CACHE/debootstrap"
	info "debootstrap $SUITE (minbase + $include) from $MIRROR"
	[ -f "$DEBIAN_KEYRING" ] || die "Debian archive keyring $DEBIAN_KEYRING missing (apt-get install debian-archive-keyring)"
	# every Release file checked against Debian's keyring: no unsigned mirror
	if ! debootstrap --variant=minbase --include="$include" --cache-dir="$CACHE/debootstrap" \
		--keyring="$DEBIAN_KEYRING" --force-check-gpg \
		"$SUITE" "$root" "$MIRROR" > "$log" 2>&1; then
		debian_unmount "$root"
		die "debootstrap failed (mirror $MIRROR, override with MIRROR=...): $(grep -m1 -E '^[EW]:' "$log" || tail -n1 "$log")"
	fi
	debian_unmount "$root"
}

# debian_pack ROOT WORK ID OUT: drops what a guest never reads (package
# lists, caches, docs, man pages, locales; ldconfig's aux-cache, which
# holds the build's inode numbers and times, so two builds differed in
# it), then writes OUT/ID.sqfs and
# OUT/os-release (built in WORK, then moved in)
debian_pack() {
	local root=$1 work=$2 id=$3 out=$4 osr
	stage_link "$root" ../proc/self/mounts etc/mtab
	rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
		"$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log \
		"$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
		"$root"/var/cache/ldconfig/aux-cache
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
	mksquashfs "$root" "$work/$id.sqfs" -comp zstd -Xcompression-level 19 -b 128K -all-root -no-xattrs \
		-noappend -quiet -no-progress > /dev/null ||
		die "mksquashfs failed"
	mkdir -p "$out"
	mv "$work/$id.sqfs" "$out/$id.sqfs"
	mv "$work/os-release" "$out/os-release"
	info "$id.sqfs $(du -m "$out/$id.sqfs" | cut -f1) MiB"
}
