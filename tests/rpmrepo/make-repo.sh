#!/bin/bash
# usage: tests/rpmrepo/make-repo.sh [--centos] DIR
# Builds real, signed RPM repositories in DIR (created; must not exist or be
# empty) for tests/test_rpm.sh to point guests/centos/build.sh at.  The
# packages come from xenlive-test.spec:
#   xenlive-test-base       busybox userland (/usr/bin/busybox, /sbin/init,
#                           /etc/inittab: root shell on hvc0); requires
#   xenlive-test-release    /etc/os-release
#   xenlive-test-sysconf    systemd/PAM/SELinux/shadow files for the builder's
#                           configuration step (not bootable)
#   xenlive-test-unsigned   not signed                (must be refused)
#   xenlive-test-tampered   signed, payload altered afterwards (must be refused)
#   xenlive-test-extra      requires xenlive-test-demo
#   xenlive-test-demo       artifact of the module stream xenlive-demo:1 (default)
#   xenlive-test-demo-next  artifact of xenlive-demo:2 (not enabled: dnf must hide it)
# Without --centos, one repository as rpmbuild and createrepo_c make it by
# default (gzip payloads and metadata, an RSA-2048 key, gpg's default digest):
#   DIR/xenlive-test-{base,release,sysconf,unsigned,tampered}-*.rpm
#   DIR/repodata/                    createrepo_c metadata
# With --centos, two repositories shaped like CentOS Stream's BaseOS and
# AppStream (point CENTOS_REPOS at DIR/BaseOS and DIR/AppStream):
#   DIR/BaseOS/Packages/xenlive-test-{base,release,sysconf}-*.rpm
#   DIR/BaseOS/repodata/             primary, filelists, other: zstd
#   DIR/AppStream/Packages/xenlive-test-{extra,demo,demo-next}-*.rpm
#   DIR/AppStream/repodata/          the same, plus modules: modules.yaml (two
#                                    modulemd v2 streams, modulemd-defaults), zstd
# every package with a zstd payload (w19.zstdio) and signed by an RSA-4096 key
# with SHA-256 digests, as the CentOS Official key signs CentOS Stream's.
# createrepo_c 0.17 (Debian 12) cannot write zstd ("Unknown/Unsupported
# compression type"): the metadata is compressed with zstd(1) and recorded
# with modifyrepo_c instead.  Each shape is checked before it is published.
# Both shapes:
#   DIR/RPM-GPG-KEY-test             the public half of a throwaway signing key
#   DIR/RPM-GPG-KEY-test.fpr         its fingerprint (for CENTOS_GPGFINGERPRINT)
# The key is generated in a temporary GNUPGHOME and deleted on exit.
# Environment: BUSYBOX_DEB  Debian's busybox-static .deb to use (default: fetched
#                           through scripts/apt.sh into $CACHE/debs, verified by
#                           the Debian archive's signature)
#              SUITE MIRROR SECURITY_MIRROR CACHE  as for `make`
STAGE=rpmrepo
. "$(dirname "$0")/../../scripts/lib.sh"
: "${SUITE:=bookworm}"
: "${MIRROR:=$("$TOP/scripts/host-mirror.sh" main)}"
: "${SECURITY_MIRROR:=$("$TOP/scripts/host-mirror.sh" security)}"
: "${BUSYBOX_DEB:=}"
here=$TOP/tests/rpmrepo
key_uid='xenlive RPM test key (throwaway) <rpmtest@xenlive.invalid>'

# the shape: the key, rpmbuild's and rpmsign's settings, and the packages
# each repository publishes: signed, signed then tampered with, unsigned
tools=(rpmbuild rpmsign rpmkeys createrepo_c gpg gpgconf dpkg-deb)
if [ "${1:-}" = --centos ]; then
	shift
	shape=centos key_algo=rsa4096 tools+=(modifyrepo_c zstd)
	build_defs=(--define '_binary_payload w19.zstdio') sign_defs=(--define '_gpg_digest_algo sha256')
	BaseOS=(base release sysconf) AppStream=(extra demo demo-next) tampered=() unsigned=()
else
	shape=flat key_algo=rsa2048 build_defs=() sign_defs=()
	flat=(base release sysconf) tampered=(tampered) unsigned=(unsigned)
fi
[ $# -eq 1 ] || die "usage: $0 [--centos] DIR"
dir=$1
[ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir exists and is not empty"
for tool in "${tools[@]}"; do
	command -v "$tool" > /dev/null || die "$tool not found (apt-get install rpm createrepo-c gnupg zstd)"
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xenlive-rpmrepo.XXXXXX")
on_exit "rm -rf '$tmp'"
# rpm reads ~/.rpmmacros: keep the host user's macros out of the build
export HOME=$tmp/home
mkdir -p "$HOME"

# --- busybox from Debian's busybox-static ---------------------------------------
if [ -z "$BUSYBOX_DEB" ]; then
	. "$TOP/scripts/apt.sh"
	BUSYBOX_DEB=$(apt_fetch busybox-static)
fi
[ -f "$BUSYBOX_DEB" ] || die "no such file: $BUSYBOX_DEB"
dpkg-deb -x "$BUSYBOX_DEB" "$tmp/bb"
busybox=$tmp/bb/bin/busybox
{ [ -x "$busybox" ] && "$busybox" true; } || die "$BUSYBOX_DEB holds no working bin/busybox"

# --- the packages -------------------------------------------------------------------
info "building test packages"
rpmbuild -bb --nodeps --define "_topdir $tmp/rpmbuild" --define "_sourcedir $here/files" \
	--define "busybox $busybox" "${build_defs[@]}" "$here/xenlive-test.spec" > "$tmp/rpmbuild.log" 2>&1 ||
	die "rpmbuild failed: $(grep -v '^+' "$tmp/rpmbuild.log" | grep -m1 -B1 'error: Bad exit' | head -n1)"
find "$tmp/rpmbuild/RPMS" -name '*.rpm' -exec mv {} "$tmp/" \;
# add_rpms ARRAY NAME...: appends the built packages xenlive-test-NAME to ARRAY
# (the name ends before the version: demo is not demo-next)
add_rpms() {
	local -n list=$1
	local p f
	shift
	for p in "$@"; do
		f=$(echo "$tmp"/xenlive-test-"$p"-[0-9]*.rpm)
		[ -f "$f" ] || die "rpmbuild made no xenlive-test-$p package"
		list+=("$f")
	done
}
good=() bad=()
if [ "$shape" = centos ]; then add_rpms good "${BaseOS[@]}" "${AppStream[@]}"
else add_rpms good "${flat[@]}"; fi
add_rpms bad "${tampered[@]}"

# --- a throwaway key; sign all but the unsigned one --------------------------------------
# GNUPGHOME is short-pathed in /tmp: gpg-agent's socket path has a length limit
GNUPGHOME=$(mktemp -d /tmp/xenlive-gpg.XXXXXX)
export GNUPGHOME
on_exit "gpgconf --kill all > /dev/null 2>&1; rm -rf '$GNUPGHOME'"
info "generating a throwaway signing key"
gpg --batch --quiet --passphrase '' --quick-gen-key "$key_uid" "$key_algo" sign never 2> "$tmp/gpg.log" ||
	die "gpg key generation failed: $(tail -n1 "$tmp/gpg.log")"
gpg --batch --armor --export "$key_uid" > "$tmp/RPM-GPG-KEY-test"
gpg --batch --with-colons --fingerprint "$key_uid" | awk -F: '$1 == "fpr" { print $10; exit }' > "$tmp/RPM-GPG-KEY-test.fpr"
info "signing"
rpmsign --addsign --define "__gpg $(command -v gpg)" --define "_gpg_name $key_uid" --define "_gpg_path $GNUPGHOME" \
	"${sign_defs[@]}" "${good[@]}" "${bad[@]}" < /dev/null > "$tmp/sign.log" 2>&1 ||
	die "rpmsign failed: $(tail -n1 "$tmp/sign.log")"

# alter one payload byte near the end of the signed package (the header and
# its signature stay intact, the payload digest no longer matches)
for t in "${bad[@]}"; do
	off=$(($(stat -c %s "$t") - 12))
	byte=$(od -An -tu1 -j "$off" -N1 "$t" | tr -d ' ')
	printf '%b' "\\0$(printf '%03o' $(((byte + 1) % 256)))" | dd of="$t" bs=1 seek="$off" conv=notrunc status=none
done
add_rpms bad "${unsigned[@]}"

# prove the signatures before publishing: the good ones verify, the others do not
rpm --dbpath "$tmp/rpmdb" --initdb
rpmkeys --dbpath "$tmp/rpmdb" --import "$tmp/RPM-GPG-KEY-test"
for p in "${good[@]}"; do
	rpmkeys --dbpath "$tmp/rpmdb" --checksig "$p" > /dev/null 2>&1 ||
		die "signature check failed for the freshly signed ${p##*/}"
done
for p in "${bad[@]}"; do
	! rpmkeys --dbpath "$tmp/rpmdb" --define '_pkgverify_level all' --checksig "$p" > /dev/null 2>&1 ||
		die "${p##*/} passes the signature check but must not"
done
# and the CentOS shape: what the key, the payloads and the signatures are
if [ "$shape" = centos ]; then
	k=$(gpg --batch --with-colons --list-keys "$key_uid" | awk -F: '$1 == "pub" { print "algorithm " $4 ", " $3 " bits"; exit }')
	[ "$k" = "algorithm 1, 4096 bits" ] || die "the signing key is not RSA-4096 (gpg made $k)"
	for p in "${good[@]}"; do
		got=$(rpm --dbpath "$tmp/rpmdb" -qp --qf '%{PAYLOADCOMPRESSOR} %{RSAHEADER:pgpsig}' "$p" 2> /dev/null)
		case $got in "zstd RSA/SHA256, "*) ;; *) die "${p##*/} has payload and signature '$got', not zstd and RSA/SHA256" ;; esac
	done
fi

mv "$tmp/RPM-GPG-KEY-test" "$tmp/RPM-GPG-KEY-test.fpr" "$dir/"
mkdir -p "$tmp/md"
# add_md_zstd REPO TYPE FILE: FILE, compressed with zstd(1), becomes REPO's
# TYPE metadata repodata/CHECKSUM-NAME.zst (modifyrepo_c replaces a record of
# that type, and its file; it takes a file it cannot decompress only from
# inside repodata/, and renames it there)
add_md_zstd() {
	local z=$1/repodata/${3##*/}.zst
	zstd -q -19 -f "$3" -o "$z" || die "zstd cannot compress the $2 metadata"
	modifyrepo_c --mdtype="$2" --no-compress "$z" "$1/repodata" > "$tmp/modifyrepo.log" 2>&1 ||
		die "modifyrepo_c cannot add the $2 metadata: $(tail -n1 "$tmp/modifyrepo.log")"
	[ ! -e "$z" ] || die "modifyrepo_c left $z behind"
}
# publish REPO NAME...: the packages xenlive-test-NAME into DIR/REPO (below
# Packages/ in the CentOS shape) and the repository's metadata
publish() {
	local repo=$dir/$1 pkgdir=$dir/$1 files=() opts=() t
	shift
	[ "$shape" = flat ] || pkgdir=$repo/Packages opts=(--no-database)
	add_rpms files "$@"
	mkdir -p "$pkgdir"
	mv "${files[@]}" "$pkgdir/"
	createrepo_c --quiet "${opts[@]}" "$repo" > "$tmp/createrepo.log" 2>&1 ||
		die "createrepo_c failed: $(tail -n1 "$tmp/createrepo.log")"
	[ "$shape" = centos ] || return 0
	for t in primary filelists other; do
		gzip -dc "$repo"/repodata/*-"$t".xml.gz > "$tmp/md/$t.xml"
		add_md_zstd "$repo" "$t" "$tmp/md/$t.xml"
	done
}
if [ "$shape" = flat ]; then
	publish . "${flat[@]}" "${tampered[@]}" "${unsigned[@]}"
else
	publish BaseOS "${BaseOS[@]}"
	publish AppStream "${AppStream[@]}"
	add_md_zstd "$dir/AppStream" modules "$here/modules.yaml"
	for r in BaseOS AppStream; do
		! grep '<location href=' "$dir/$r/repodata/repomd.xml" | grep -qv '\.zst"/>$' ||
			die "$r's metadata is not all zstd: $(grep -o 'href="[^"]*"' "$dir/$r/repodata/repomd.xml" | tr '\n' ' ')"
	done
fi
info "ready in $dir: $(cd "$dir" && find . -name '*.rpm' | sort | sed 's|^\./||' | tr '\n' ' ')"
