#!/bin/bash
# usage: guests/centos/build.sh OUTDIR
# Builds the CentOS Stream guest image with Debian's dnf (--installroot): the
# distribution's userland only (the guest boots xenlive's kernel and initramfs,
# which mount the image read-only under a tmpfs overlay and run /sbin/init).
#   out: OUTDIR/centos.sqfs   squashfs (zstd, as guests/debian), reproducible timestamps
#        OUTDIR/os-release    the image's own /etc/os-release (PRETTY_NAME names it)
#        OUTDIR/source        one line for the build summary: "from the mirror URL",
#                             "from a local copy URL..." (file://) or "from the repositories URL..."
# They appear only on success (built next to OUTDIR, then moved in).
# Exit status: 0 built; 3 a repository or the signing key cannot be reached
# (the caller skips this guest); 1 any other failure.  Errors: one line on stderr.
# Environment (defaults below):
#   CENTOS_RELEASE    Stream release: 9 or 10
#   CENTOS_MIRROR     mirror root holding $CENTOS_RELEASE-stream/{BaseOS,AppStream}/x86_64/os/
#   CENTOS_REPOS      "name=URL ..." repositories to install from (default: BaseOS and
#                     AppStream under CENTOS_MIRROR); any RPM repository works
#   CENTOS_GPGKEY     signing key(s), URLs or files, space-separated (default: the
#                     CentOS Official key as centos.org publishes it)
#   CENTOS_GPGFINGERPRINT  the fingerprints (40 hex digits, space-separated) the
#                     keys must have; the CentOS Official key's for release 8 and 9
#   CENTOS_GPGCHECK   1: every package must carry a good signature by CENTOS_GPGKEY;
#                     0 is refused unless CENTOS_ALLOW_UNSIGNED=1 (package scripts
#                     run as root on the build machine)
#   CENTOS_PACKAGES   packages to install (dependencies follow, weak ones do not)
#   CACHE             dnf keeps metadata and packages in $CACHE/dnf/centos
#   SOURCE_DATE_EPOCH timestamp of every file in the image
STAGE=centos
. "$(dirname "$0")/../../scripts/lib.sh"
. "$TOP/guests/systemd-console.sh"

: "${CENTOS_RELEASE:=9}"
: "${CENTOS_MIRROR:=https://mirror.stream.centos.org}"
mirror_repos="baseos=$CENTOS_MIRROR/$CENTOS_RELEASE-stream/BaseOS/x86_64/os/ appstream=$CENTOS_MIRROR/$CENTOS_RELEASE-stream/AppStream/x86_64/os/"
: "${CENTOS_REPOS:=$mirror_repos}"
if [ "$CENTOS_RELEASE" -ge 10 ] 2>/dev/null; then
	: "${CENTOS_GPGKEY:=https://www.centos.org/keys/RPM-GPG-KEY-CentOS-Official-SHA256}"
	: "${CENTOS_GPGFINGERPRINT:=}"   # not pinned here yet: the user names it
else
	: "${CENTOS_GPGKEY:=https://www.centos.org/keys/RPM-GPG-KEY-CentOS-Official}"
	# "CentOS (CentOS Official Signing Key) <security@centos.org>", 0x8483C65D
	: "${CENTOS_GPGFINGERPRINT:=99DB70FAE1D7CE227FB6488205B555B38483C65D}"
fi
: "${CENTOS_GPGCHECK:=1}"
: "${CENTOS_PACKAGES:=centos-stream-release setup filesystem bash coreutils-single glibc-minimal-langpack systemd util-linux iproute iputils procps-ng vim-minimal rootfiles}"
: "${SOURCE_DATE_EPOCH:=1767225600}"
dnf_cache=$CACHE/dnf/centos
unreachable_hint="set CENTOS_MIRROR=URL, or CENTOS_REPOS=\"name=URL ...\", to use another"

{ [ $# -eq 1 ] && [ -n "$1" ]; } || die "usage: $0 OUTDIR"
outdir=$1
case $CENTOS_RELEASE in [0-9] | [1-9][0-9]) ;; *) die "CENTOS_RELEASE must be a number, not '$CENTOS_RELEASE'" ;; esac
case $CENTOS_GPGCHECK in 0 | 1) ;; *) die "CENTOS_GPGCHECK must be 0 or 1, not '$CENTOS_GPGCHECK'" ;; esac
case $SOURCE_DATE_EPOCH in '' | *[!0-9]*) die "SOURCE_DATE_EPOCH must be a number of seconds" ;; esac
[ -n "${CENTOS_PACKAGES// /}" ] || die "CENTOS_PACKAGES is empty"
[ "$CENTOS_GPGCHECK" = 1 ] || [ "${CENTOS_ALLOW_UNSIGNED:-0}" = 1 ] ||
	die "CENTOS_GPGCHECK=0 would install unchecked packages whose scripts run as root here; set CENTOS_ALLOW_UNSIGNED=1 too to do it anyway"
[ "$CENTOS_GPGCHECK" = 0 ] || [ -n "${CENTOS_GPGFINGERPRINT// /}" ] ||
	die "no pinned signing-key fingerprint for CentOS Stream $CENTOS_RELEASE: set CENTOS_GPGFINGERPRINT (see https://www.centos.org/keys/)"
for tool in dnf rpm mksquashfs curl mknod gpg python3; do
	command -v "$tool" > /dev/null || die "$tool not found (apt-get install dnf rpm squashfs-tools curl gpg python3)"
done
# what CentOS Stream's repositories ask of this host's rpm and libsolv (dnf reads
# repodata and module metadata through libsolv, which says itself what it can
# decompress); tests/test_scripts.sh fakes a host without them
rpm --showrc 2> /dev/null | grep -qF 'rpmlib(PayloadIsZstd)' ||
	die "rpm on this host cannot read zstd payloads (rpmlib(PayloadIsZstd) missing): CentOS Stream's packages have them; rpm 4.14 or newer built with zstd can"
python3 -c 'import ctypes, sys; sys.exit(ctypes.CDLL("libsolvext.so.1").solv_xfopen_iscompressed(b"x.zst") != 1)' 2> /dev/null ||
	die "libsolv on this host cannot read zstd-compressed repository metadata (libsolvext.so.1 has no zstd): dnf could not load such repodata; libsolv 0.7.x built with zstd can"
[ "$(id -u)" = 0 ] || die "must run as root (dnf installs files owned by other users)"

# unreachable URL [WHAT VARIABLE]: the one line the caller shows when it skips this guest
unreachable() {
	printf '%s: error: cannot reach %s %s (%s)\n' "$STAGE" "${2:-the CentOS Stream mirror}" "$1" \
		"${3:-$unreachable_hint}" >&2
	exit 3
}

# fetch URL FILE: downloads URL (http, https, ftp or file) to FILE; returns
# 3 when the host cannot be reached (network-level failure, a server error,
# an access refusal), 1 for anything else (e.g. 404: a wrong path, not a dead mirror).
fetch() {
	local code rc=0
	code=$(curl -fsS -L --proto '=http,https,ftp,file' --connect-timeout 15 --max-time 120 --retry 1 \
		-o "$2" -w '%{http_code}' "$1" 2> "$2.err") || rc=$?
	[ "$rc" -ne 0 ] || return 0
	case $rc in
	5 | 6 | 7 | 28 | 35 | 52 | 55 | 56 | 60 | 97) return 3 ;; # proxy, DNS, connect, timeout, TLS, reset
	22) case $code in 404 | 410) return 1 ;; *) return 3 ;; esac ;;
	esac
	if [ "$rc" -eq 37 ] || [ "$rc" -eq 78 ]; then return 1; fi  # local file / FTP file missing
	case $code in 404 | 410) return 1 ;; 4* | 5*) return 3 ;; esac
	return 1
}

# --- repositories: parse, then prove each is there before doing anything -------------
repo_names=() repo_urls=()
read -ra repo_list <<< "$CENTOS_REPOS"
for r in "${repo_list[@]}"; do
	name=${r%%=*} url=${r#*=}
	case $r in *=*) ;; *) die "CENTOS_REPOS entry '$r' is not name=URL" ;; esac
	case $name in '' | *[!A-Za-z0-9_.-]*) die "CENTOS_REPOS: bad repository name '$name'" ;; esac
	case $url in http://* | https://* | ftp://* | file:///*) ;; *) die "CENTOS_REPOS: $name: unsupported URL '$url'" ;; esac
	repo_names+=("$name") repo_urls+=("${url%/}/")
done
[ "${#repo_names[@]}" -gt 0 ] || die "CENTOS_REPOS names no repository"

parent=$(dirname "$outdir")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.centos-build.XXXXXX")
on_exit "rm -rf '$tmp'"
mkdir -p "$tmp/keys" "$tmp/out" && mkdir -m 0700 "$tmp/gnupg"

for i in "${!repo_names[@]}"; do
	rc=0
	fetch "${repo_urls[i]}repodata/repomd.xml" "$tmp/repomd.xml" || rc=$?
	case $rc in
	0) grep -q '<repomd' "$tmp/repomd.xml" || die "${repo_urls[i]} is not an RPM repository (no repodata/repomd.xml)" ;;
	3) unreachable "${repo_urls[i]}" ;;
	*) die "${repo_urls[i]} is not an RPM repository ($(tail -n1 "$tmp/repomd.xml.err" | sed 's/^curl: ([0-9]*) //'))" ;;
	esac
done

# --- signing keys --------------------------------------------------------------------------
keys=()
if [ "$CENTOS_GPGCHECK" = 1 ]; then
	n=0
	read -ra key_list <<< "$CENTOS_GPGKEY"
	for k in "${key_list[@]}"; do
		n=$((n + 1)) f=$tmp/keys/key$n.asc rc=0
		case $k in
		*://*) fetch "$k" "$f" || rc=$? ;;
		*) cp -- "$k" "$f" 2> "$f.err" || rc=1 ;;
		esac
		case $rc in
		0) ;;
		3) unreachable "$k" "the signing key" "set CENTOS_GPGKEY=URL-or-file to use another" ;;
		*) die "cannot read the signing key $k ($(tail -n1 "$f.err" | sed 's/^curl: ([0-9]*) //'); set CENTOS_GPGKEY)" ;;
		esac
		grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$f" || die "$k is not an armored PGP public key"
		fpr=$(GNUPGHOME=$tmp/gnupg gpg --batch --quiet --show-keys --with-colons "$f" 2>/dev/null |
			awk -F: '$1 == "fpr" { print $10; exit }')
		case " ${CENTOS_GPGFINGERPRINT^^} " in
		*" ${fpr:-none} "*) ;;
		*) die "the signing key $k has fingerprint ${fpr:-unknown}, not a pinned one (CENTOS_GPGFINGERPRINT)" ;;
		esac
		keys+=("$f")
	done
	[ "${#keys[@]}" -gt 0 ] || die "CENTOS_GPGCHECK=1 but CENTOS_GPGKEY names no key"
else
	warn "CENTOS_GPGCHECK=0: installing packages WITHOUT checking their signatures"
fi

# --- dnf, isolated from the host's configuration ---------------------------------------
root=$tmp/root
mkdir -p "$root" "$tmp/home" "$tmp/repos.d" "$tmp/vars" "$dnf_cache"
# Debian's rpm keeps its database in ~/.rpmdb; the image needs it where its
# own rpm looks.  rpm reads ~/.rpmmacros, so HOME points at a private one.
if [ "$CENTOS_RELEASE" -ge 10 ]; then rpmdb=/usr/lib/sysimage/rpm; else rpmdb=/var/lib/rpm; fi
export HOME=$tmp/home
printf '%%_dbpath %s\n' "$rpmdb" > "$HOME/.rpmmacros"
printf '[main]\n' > "$tmp/dnf.conf"
rpm --root "$root" --initdb || die "rpm --initdb failed in $root"
for f in "${keys[@]}"; do
	rpm --root "$root" --import "$f" 2> "$tmp/import.err" || die "rpm cannot import the key $f: $(tail -n1 "$tmp/import.err")"
done
# character devices scriptlets expect (removed again before the image is made)
mkdir -p "$root/dev"
for d in null:1:3 zero:1:5 random:1:8 urandom:1:9; do
	IFS=: read -r dev major minor <<< "$d"
	mknod -m 0666 "$root/dev/$dev" c "$major" "$minor"
done

# dnf joins the installroot to a cachedir option for its locks and
# expired_repos.json (removed below) but keeps repository metadata and
# packages in the host path given: so a rebuild downloads no package again.
# metadata_expire=0: each build asks for repomd.xml again (a copy synced anew
# at the same path, or a mirror, is read as it is now, not as it was cached).
dnf_args=(--assumeyes --installroot="$root" --releasever="$CENTOS_RELEASE" --config="$tmp/dnf.conf"
	--setopt=reposdir="$tmp/repos.d" --setopt=varsdir="$tmp/vars" --noplugins
	--setopt=cachedir="$dnf_cache" --setopt=keepcache=True
	--setopt=install_weak_deps=False --nodocs --setopt=gpgcheck="$CENTOS_GPGCHECK"
	--setopt=localpkg_gpgcheck="$CENTOS_GPGCHECK" --setopt=repo_gpgcheck=0
	--setopt=module_platform_id="platform:el$CENTOS_RELEASE" --setopt=retries=3
	--setopt=metadata_expire=0)
keyurls=""
for f in "${keys[@]}"; do keyurls+="${keyurls:+,}file://$f"; done
for i in "${!repo_names[@]}"; do
	n=${repo_names[i]}
	dnf_args+=(--repofrompath="$n,${repo_urls[i]}" --setopt="$n.gpgcheck=$CENTOS_GPGCHECK")
	[ -z "$keyurls" ] || dnf_args+=(--setopt="$n.gpgkey=$keyurls")
done
read -ra packages <<< "$CENTOS_PACKAGES"
info "installing ${#packages[@]} package(s) and their dependencies from ${repo_urls[*]}"
if ! dnf "${dnf_args[@]}" install "${packages[@]}" < /dev/null > "$tmp/dnf.log" 2>&1; then
	mkdir -p "$CACHE/dnf"
	cp "$tmp/dnf.log" "$CACHE/dnf/centos-failed.log"
	log=$CACHE/dnf/centos-failed.log
	if grep -qE 'Curl error \((5|6|7|28|35|52|55|56)\)|Cannot download repomd|Failed to download metadata' "$log"; then
		url=$(grep -oE '(https?|ftp)://[^ ;)]+' "$log" | head -n1)
		unreachable "${url:-${repo_urls[0]}}"
	fi
	if grep -q 'GPG check FAILED' "$log"; then
		reason=$(grep -m1 -E 'is not signed|Problem opening package|Public key for .* is not installed|[Dd]igest|[Ss]ignature' "$log")
		die "GPG check failed, package refused: ${reason:-see the log} (dnf log: $log)"
	fi
	reason=$(grep -m1 -E 'filtered out by modular filtering|No match for argument|nothing provides|conflicts with|^Error' "$log" | sed 's/^Error: *//')
	case $reason in
	*'modular filtering'*) die "every ${reason##*: } in the repositories is hidden by dnf's modular filtering (its module stream is not the enabled one; CENTOS_PACKAGES; dnf log: $log)" ;;
	*'No match for argument'*) die "no package ${reason##*: } in the repositories (CENTOS_PACKAGES; dnf log: $log)" ;;
	*) die "dnf failed: ${reason:-$(tail -n1 "$log")} (dnf log: $log)" ;;
	esac
fi
for p in "${packages[@]}"; do
	rpm --root "$root" -q --whatprovides "$p" > /dev/null 2>&1 ||
		die "dnf succeeded but the image's rpm database lacks $p"
done
info "installed $(rpm --root "$root" -qa | grep -vc '^gpg-pubkey-') packages"

# --- tidy: dnf's and our traces ------------------------------------------------------------
for d in null zero random urandom; do rm -f "$root/dev/$d"; done
rm -f "$root"/var/log/dnf*.log "$root/var/log/hawkey.log"
# the installroot-joined cachedir: remove it and the directories only it needed
# (not one a package owns, as /tmp or /var/cache, even when it is left empty)
rel=${dnf_cache#/}
if [ -d "$root/$rel" ] && [ ! -L "$root/$rel" ]; then
	rm -rf "${root:?}/$rel"
	d=$(dirname "$rel")
	while [ "$d" != . ] && ! rpm --root "$root" -qf "/$d" > /dev/null 2>&1 && rmdir "$root/$d" 2> /dev/null; do
		d=$(dirname "$d")
	done
fi
# sqlite leaves an empty write-ahead log and its index behind: drop both
for db in "$root$rpmdb"/*.sqlite; do
	[ ! -f "$db-wal" ] || [ -s "$db-wal" ] || rm -f "$db-wal" "$db-shm"
done
[ ! -e "$root/root/.rpmdb" ] || die "rpm database landed in /root/.rpmdb, not $rpmdb"

# --- console-only demo configuration (shared with every systemd guest) ------------------
systemd_console "$root" "$tmp"

# --- outputs -----------------------------------------------------------------------------
osr=$(in_root /etc/os-release)
[ -f "$osr" ] || osr=$(in_root /usr/lib/os-release)
[ -f "$osr" ] || die "the image has no /etc/os-release (add the distribution's release package)"
grep -q '^PRETTY_NAME=' "$osr" || die "the image's os-release has no PRETTY_NAME"
cp "$osr" "$tmp/out/os-release"
chmod 0644 "$tmp/out/os-release"
# where the packages came from: the mirror, a copy on this machine, or other repositories
local_only=yes
for u in "${repo_urls[@]}"; do case $u in file://*) ;; *) local_only=no ;; esac; done
if [ "$CENTOS_REPOS" = "$mirror_repos" ]; then
	if [ "$local_only" = yes ]; then source="from a local copy $CENTOS_MIRROR"; else source="from the mirror $CENTOS_MIRROR"; fi
elif [ "$local_only" = yes ]; then source="from a local copy ${repo_urls[*]}"
else source="from the repositories ${repo_urls[*]}"; fi
printf '%s\n' "$source" > "$tmp/out/source"

info "making the squashfs image"
# ownership stays as rpm set it (not -all-root): some files belong to system users
# (mksquashfs refuses -mkfs-time/-all-time while SOURCE_DATE_EPOCH is exported)
env -u SOURCE_DATE_EPOCH mksquashfs "$root" "$tmp/out/centos.sqfs" -noappend -no-xattrs -no-progress -quiet \
	-comp zstd -Xcompression-level 19 -b 128K -processors 1 -mkfs-time "$SOURCE_DATE_EPOCH" -all-time "$SOURCE_DATE_EPOCH" > "$tmp/mksquashfs.log" 2>&1 ||
	die "mksquashfs failed: $(tail -n1 "$tmp/mksquashfs.log")"
touch -d "@$SOURCE_DATE_EPOCH" "$tmp/out/centos.sqfs" "$tmp/out/os-release" "$tmp/out/source"

mkdir -p "$outdir"
mv -f "$tmp/out/source" "$outdir/source"
mv -f "$tmp/out/os-release" "$outdir/os-release"
mv -f "$tmp/out/centos.sqfs" "$outdir/centos.sqfs"
name=$(sed -n 's/^PRETTY_NAME=//p' "$outdir/os-release" | tr -d '"')
info "$name $(cat "$outdir/source"): $outdir/centos.sqfs ($(du -k "$outdir/centos.sqfs" | cut -f1) KiB)"
