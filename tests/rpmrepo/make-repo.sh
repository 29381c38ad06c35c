#!/bin/bash
# usage: tests/rpmrepo/make-repo.sh DIR
# Builds a real, signed RPM repository in DIR (created; must not exist or be
# empty) for tests/test_rpm.sh to point guests/centos/build.sh at:
#   DIR/xenlive-test-base-*.rpm      busybox userland (/usr/bin/busybox, /sbin/init,
#                                    /etc/inittab: root shell on hvc0); requires
#   DIR/xenlive-test-release-*.rpm   /etc/os-release           (both signed)
#   DIR/xenlive-test-sysconf-*.rpm   systemd/PAM/SELinux/shadow files for the builder's
#                                    configuration step (signed, not bootable)
#   DIR/xenlive-test-unsigned-*.rpm  not signed                (must be refused)
#   DIR/xenlive-test-tampered-*.rpm  signed, payload altered afterwards (must be refused)
#   DIR/RPM-GPG-KEY-test             the public half of a throwaway signing key
#   DIR/RPM-GPG-KEY-test.fpr         its fingerprint (for CENTOS_GPGFINGERPRINT)
#   DIR/repodata/                    createrepo_c metadata
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

[ $# -eq 1 ] || die "usage: $0 DIR"
dir=$1
[ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir exists and is not empty"
for tool in rpmbuild rpmsign rpmkeys createrepo_c gpg gpgconf dpkg-deb; do
	command -v "$tool" > /dev/null || die "$tool not found (apt-get install rpm createrepo-c gnupg)"
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
	--define "busybox $busybox" "$here/xenlive-test.spec" > "$tmp/rpmbuild.log" 2>&1 ||
	die "rpmbuild failed: $(grep -v '^+' "$tmp/rpmbuild.log" | grep -m1 -B1 'error: Bad exit' | head -n1)"
find "$tmp/rpmbuild/RPMS" -name '*.rpm' -exec mv {} "$tmp/" \;
for p in base release sysconf unsigned tampered; do
	set -- "$tmp"/xenlive-test-$p-*.rpm
	[ -f "$1" ] || die "rpmbuild made no xenlive-test-$p package"
done

# --- a throwaway key; sign all but the unsigned one --------------------------------------
# GNUPGHOME is short-pathed in /tmp: gpg-agent's socket path has a length limit
GNUPGHOME=$(mktemp -d /tmp/xenlive-gpg.XXXXXX)
export GNUPGHOME
on_exit "gpgconf --kill all > /dev/null 2>&1; rm -rf '$GNUPGHOME'"
info "generating a throwaway signing key"
gpg --batch --quiet --passphrase '' --quick-gen-key "$key_uid" rsa2048 sign never 2> "$tmp/gpg.log" ||
	die "gpg key generation failed: $(tail -n1 "$tmp/gpg.log")"
gpg --batch --armor --export "$key_uid" > "$tmp/RPM-GPG-KEY-test"
gpg --batch --with-colons --fingerprint "$key_uid" | awk -F: '$1 == "fpr" { print $10; exit }' > "$tmp/RPM-GPG-KEY-test.fpr"
info "signing"
rpmsign --addsign --define "__gpg $(command -v gpg)" --define "_gpg_name $key_uid" --define "_gpg_path $GNUPGHOME" \
	"$tmp"/xenlive-test-base-*.rpm "$tmp"/xenlive-test-release-*.rpm "$tmp"/xenlive-test-sysconf-*.rpm \
	"$tmp"/xenlive-test-tampered-*.rpm < /dev/null > "$tmp/sign.log" 2>&1 ||
	die "rpmsign failed: $(tail -n1 "$tmp/sign.log")"

# alter one payload byte near the end of the signed package (the header and
# its signature stay intact, the payload digest no longer matches)
t=$(echo "$tmp"/xenlive-test-tampered-*.rpm)
off=$(($(stat -c %s "$t") - 12))
byte=$(od -An -tu1 -j "$off" -N1 "$t" | tr -d ' ')
printf '%b' "\\0$(printf '%03o' $(((byte + 1) % 256)))" | dd of="$t" bs=1 seek="$off" conv=notrunc status=none

# prove the signatures before publishing: the good ones verify, the others do not
rpm --dbpath "$tmp/rpmdb" --initdb
rpmkeys --dbpath "$tmp/rpmdb" --import "$tmp/RPM-GPG-KEY-test"
for p in "$tmp"/xenlive-test-base-*.rpm "$tmp"/xenlive-test-release-*.rpm "$tmp"/xenlive-test-sysconf-*.rpm; do
	rpmkeys --dbpath "$tmp/rpmdb" --checksig "$p" > /dev/null 2>&1 ||
		die "signature check failed for the freshly signed ${p##*/}"
done
for p in "$tmp"/xenlive-test-unsigned-*.rpm "$t"; do
	! rpmkeys --dbpath "$tmp/rpmdb" --define '_pkgverify_level all' --checksig "$p" > /dev/null 2>&1 ||
		die "${p##*/} passes the signature check but must not"
done

mv "$tmp"/*.rpm "$tmp/RPM-GPG-KEY-test" "$tmp/RPM-GPG-KEY-test.fpr" "$dir/"
createrepo_c --quiet "$dir" > "$tmp/createrepo.log" 2>&1 ||
	die "createrepo_c failed: $(tail -n1 "$tmp/createrepo.log")"
info "repository ready in $dir ($(cd "$dir" && echo *.rpm))"
