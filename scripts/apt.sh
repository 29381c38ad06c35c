# shellcheck shell=bash
# Debian packages for the image, fetched through apt with a private
# configuration under $CACHE/apt, so every .deb is verified by the signed
# archive of SUITE (not the host's own suite or distribution).
# Source after lib.sh.  Needs MIRROR, SECURITY_MIRROR, SUITE.
#   apt_fetch PKG...        ensure the .debs are in $CACHE/debs; print paths
#   apt_lib_closure PKG...  PKG plus every lib* package it depends on
#   apt_extract DIR DEB...  unpack .debs into DIR (a sysroot, never a staging tree)

: "${MIRROR:?}" "${SUITE:?}"
: "${SECURITY_MIRROR:=}"
: "${ARCH:=amd64}"
: "${DEBIAN_KEYRING:=/usr/share/keyrings/debian-archive-keyring.gpg}"

APT_DIR=$CACHE/apt/$(printf '%s %s %s %s' "$MIRROR" "$SECURITY_MIRROR" "$SUITE" "$ARCH" | sha256sum | cut -c1-12)
DEB_DIR=$CACHE/debs

_apt_setup() {
	[ -f "$DEBIAN_KEYRING" ] || die "Debian archive keyring $DEBIAN_KEYRING missing (apt-get install debian-archive-keyring)"
	mkdir -p "$APT_DIR"/lists/partial "$APT_DIR"/archives/partial "$APT_DIR"/parts "$DEB_DIR"
	: > "$APT_DIR/status"
	{
		echo "deb [signed-by=$DEBIAN_KEYRING] $MIRROR $SUITE main"
		echo "deb [signed-by=$DEBIAN_KEYRING] $MIRROR $SUITE-updates main"
		[ -z "$SECURITY_MIRROR" ] || echo "deb [signed-by=$DEBIAN_KEYRING] $SECURITY_MIRROR $SUITE-security main"
	} > "$APT_DIR/sources.list"
	APT_OPTS=(-q -o "APT::Architecture=$ARCH" -o "APT::Architectures=$ARCH"
		-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/parts"
		-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$APT_DIR/parts"
		-o "Dir::State=$APT_DIR" -o "Dir::State::Lists=$APT_DIR/lists"
		-o "Dir::State::status=$APT_DIR/status" -o "Dir::Cache=$APT_DIR"
		-o "Dir::Cache::archives=$APT_DIR/archives" -o "Debug::NoLocking=1"
		-o "APT::Sandbox::User=root" -o "Acquire::Retries=2")
}

apt_update() {
	_apt_setup
	info "reading package lists from $MIRROR ($SUITE)"
	if ! apt-get "${APT_OPTS[@]}" update > "$APT_DIR/update.log" 2>&1 ||
		grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$APT_DIR/update.log"; then
		rm -f "$APT_DIR"/lists/*_Release "$APT_DIR"/lists/*_InRelease
		die "cannot read the Debian archive at $MIRROR for $SUITE (override with MIRROR=... or SECURITY_MIRROR=...; details in $APT_DIR/update.log)"
	fi
	touch "$APT_DIR/updated"
}

_apt_ready() {
	_apt_setup
	[ -f "$APT_DIR/updated" ] || apt_update
}

# apt_versions PKG...: "PKG VERSION" per package apt has a candidate for
# (one apt-cache run for all: a run costs ~0.3 s, a stage asks for dozens)
apt_versions() {
	apt-cache "${APT_OPTS[@]}" policy "$@" 2>/dev/null |
		awk '/^[^ ]/ { sub(/:([a-z0-9]+)?$/, ""); p = $1 } $1 == "Candidate:" && $2 != "(none)" { print p, $2 }'
}

# apt_lib_closure PKG...: the packages plus, recursively, the lib* packages
# they depend on (the candidates for the shared-library closure).
apt_lib_closure() {
	_apt_ready
	apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
		awk -v roots="$*" 'BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) print r[i] }
			/^[a-z0-9]/ && /^lib/ { print $1 }
			$1 ~ /Depends:$/ && $2 ~ /^lib/ && $2 !~ /^</ { print $2 }' | sort -u
}

# _apt_memo FUNCTION ARG...: FUNCTION's answer; with APT_MEMO_DIR set (the
# stage-input test computes every stage's key dozens of times, and the
# packages do not change in between) remembered there per mirror and suite
_apt_memo() {
	local fn=$1 f
	shift
	[ -n "${APT_MEMO_DIR:-}" ] || { "$fn" "$@"; return; }
	f=$APT_MEMO_DIR/$(printf '%s\n' "$fn" "$MIRROR" "$SECURITY_MIRROR" "$SUITE" "$ARCH" "$@" | sha256sum | cut -c1-16)
	if [ ! -f "$f" ]; then
		"$fn" "$@" > "$f.tmp"
		mv "$f.tmp" "$f"
	fi
	cat "$f"
}

# apt_fetch PKG...: makes sure each package's candidate .deb is in DEB_DIR
# and prints its path.
apt_fetch() { _apt_memo _apt_fetch "$@"; }
_apt_fetch() {
	_apt_ready
	local pkg ver file missing=() paths=()
	declare -A cand=()
	while read -r pkg ver; do cand[$pkg]=$ver; done < <(apt_versions "$@")
	for pkg in "$@"; do
		ver=${cand[$pkg]:-}
		[ -n "$ver" ] || die "package $pkg is not in $SUITE at $MIRROR"
		file=$DEB_DIR/${pkg}_${ver//:/%3a}_$ARCH.deb
		[ -f "$file" ] || file=$DEB_DIR/${pkg}_${ver//:/%3a}_all.deb
		[ -f "$file" ] || missing+=("$pkg=$ver")
		paths+=("$pkg=$ver")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		info "downloading ${#missing[@]} package(s) from $MIRROR"
		local tmp
		tmp=$(mktemp -d "$DEB_DIR/.dl.XXXXXX")
		on_exit "rm -rf '$tmp'"
		if ! (cd "$tmp" && apt-get "${APT_OPTS[@]}" download "${missing[@]}") > "$tmp.log" 2>&1; then
			# package lists may be stale (superseded versions leave the mirror)
			apt_update
			(cd "$tmp" && apt-get "${APT_OPTS[@]}" download "${missing[@]}") > "$tmp.log" 2>&1 ||
				die "cannot download from $MIRROR (override with MIRROR=...): $(grep -m1 -E '^(E|W):' "$tmp.log")"
		fi
		mv -n "$tmp"/*.deb "$DEB_DIR"/
		rm -rf "$tmp" "$tmp.log"
	fi
	for pkg in "${paths[@]}"; do
		ver=${pkg#*=} pkg=${pkg%%=*}
		file=$DEB_DIR/${pkg}_${ver//:/%3a}_$ARCH.deb
		[ -f "$file" ] || file=$DEB_DIR/${pkg}_${ver//:/%3a}_all.deb
		[ -f "$file" ] || die "download of $pkg $ver left no file in $DEB_DIR"
		printf '%s\n' "$file"
	done
}

# apt_extract DIR DEB...: unpacks each .deb into DIR.  DIR is a scratch
# sysroot that nothing is ever copied into afterwards.
apt_extract() {
	local dir=$1 deb
	shift
	mkdir -p "$dir"
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$dir"
	done
}

# apt_kernel_package: the versioned kernel package linux-image-amd64 names
apt_kernel_package() { _apt_memo _apt_kernel_package; }
_apt_kernel_package() {
	_apt_ready
	apt-cache "${APT_OPTS[@]}" depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# apt_package_list FILE: package names from FILE (comments, @XEN@)
apt_package_list() {
	sed -e 's/#.*//' -e "s/@XEN@/$XEN_VERSION/g" "$1" | xargs -n1
}

# apt_kernel_tree DIR DEB: unpacks a kernel package into DIR and generates
# its modules.dep (Debian's package ships none); prints the kernel version.
apt_kernel_tree() {
	local dir=$1 deb=$2 kver
	apt_extract "$dir" "$deb"
	kver=$(cd "$dir/lib/modules" && ls)
	{ [ -n "$kver" ] && [ -d "$dir/lib/modules/$kver" ]; } || die "$deb has no lib/modules/VERSION"
	depmod -b "$dir" "$kver" || die "depmod failed for $deb"
	printf '%s\n' "$kver"
}

# extract_vmlinux BZIMAGE OUT: writes the ELF kernel inside an xz-compressed
# bzImage to OUT (xl loads a plain ELF several seconds faster).
extract_vmlinux() {
	local off
	off=$(grep -obUaP '\xfd7zXZ\x00' "$1" | head -n1 | cut -d: -f1)
	[ -n "$off" ] || die "$1: no xz payload found"
	tail -c +"$((off + 1))" "$1" | xz -dc 2>/dev/null > "$2" || true
	[ "$(head -c 4 "$2" | od -An -c | tr -d ' ')" = '177ELF' ] || die "$1: payload is not an ELF kernel"
}
