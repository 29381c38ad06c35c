#!/bin/bash
# usage: tests/test_rpm.sh [--keep DIR]
# The CentOS Stream image builder (guests/centos/build.sh) against real RPM
# repositories: tests/rpmrepo/make-repo.sh builds and signs small packages with
# a throwaway key, once as one plain repository and once as BaseOS and
# AppStream shaped like CentOS Stream's (zstd repodata and payloads, an
# RSA-4096 key signing with SHA-256, module metadata); python's http.server
# serves both on 127.0.0.1, and the builder installs them with dnf and GPG
# checking on.  No CentOS mirror is reachable from the build machines, so this
# is how the dnf path is proven here.
# Checks the image's contents and rpm database, the download cache, the
# systemd/PAM/SELinux configuration step, refusal of unsigned and tampered
# packages, exit status 3 with one line when a mirror cannot be reached; and
# for the CentOS shape: the packages' payloads and signatures as installed,
# rpm -V, the module stream dnf enabled and the one it hides, builds from a
# file:// copy of the repositories (and from that copy changed in place) and
# from a tree laid out as the mirror, and the line each build writes for the
# build summary (OUTDIR/source).
# --keep DIR: leave the bootable test image as DIR/centos.sqfs and DIR/os-release
# (a busybox userland whose init gives a root shell on hvc0) for a boot test.
# Needs root (dnf installs as root); takes about half a minute.
keep=""
if [ "${1:-}" = --keep ]; then
	[ -n "${2:-}" ] || { echo "usage: $0 [--keep DIR]" >&2; exit 2; }
	keep=$(realpath -m "$2")
elif [ $# -gt 0 ]; then
	echo "usage: $0 [--keep DIR]" >&2
	exit 2
fi
cd "$(dirname "$0")/.." || exit 1
. tests/lib/check.sh

SRV=""
stop_server() {
	[ -z "$SRV" ] || { kill "$SRV" 2> /dev/null; wait "$SRV" 2> /dev/null; }
	SRV=""
}
trap 'stop_server; rm -rf "$TMPD"' EXIT

[ "$(id -u)" = 0 ] || { fail "test_rpm needs root (dnf installs files as root)"; finish; }
missing=""
for t in dnf rpm rpmbuild rpmsign createrepo_c modifyrepo_c zstd mksquashfs unsquashfs gpg curl python3 timeout; do
	command -v "$t" > /dev/null || missing+=" $t"
done
[ -z "$missing" ] || { fail "missing tools:$missing (apt-get install dnf rpm createrepo-c zstd squashfs-tools gnupg curl)"; finish; }

export SOURCE_DATE_EPOCH=1767225600
# the server's root: flat/ (make-repo.sh DIR), centos/ (make-repo.sh --centos DIR)
# and mirror/, centos/ as the mirror lays it out (CENTOS_MIRROR)
srv=$TMPD/srv repo=$TMPD/srv/flat cs=$TMPD/srv/centos
# make-repo takes busybox-static from the project's download cache
for r in "$repo" "$cs"; do
	opt=()
	[ "$r" = "$repo" ] || opt=(--centos)
	if timeout 300 env CACHE="${CACHE:-/var/cache/xenlive}" tests/rpmrepo/make-repo.sh "${opt[@]}" "$r" > "$TMPD/make-repo.log" 2>&1; then
		pass "make-repo.sh ${opt[*]}${opt[*]:+ }builds: $(cd "$r" && find . -name '*.rpm' | sort | sed 's|^\./||' | tr '\n' ' ')"
	else
		fail "make-repo.sh ${opt[*]} ($(tail -n 2 "$TMPD/make-repo.log" | tr '\n' ' '))"
		finish
	fi
done
for r in BaseOS AppStream; do
	mkdir -p "$srv/mirror/9-stream/$r/x86_64"
	ln -s "../../../../centos/$r" "$srv/mirror/9-stream/$r/x86_64/os"
done

# --- serve it: port chosen by the kernel, read back from the server's banner -------------
py=$(command -v /usr/bin/python3 || command -v python3)
timeout 900 "$py" -u -m http.server --bind 127.0.0.1 --directory "$srv" 0 > "$TMPD/http.out" 2> "$TMPD/http.log" &
SRV=$!
port=""
for _ in $(seq 1 100); do
	port=$(sed -n 's/^Serving HTTP on [0-9.]* port \([0-9]*\) .*/\1/p' "$TMPD/http.out")
	[ -z "$port" ] || break
	kill -0 "$SRV" 2> /dev/null || break
	sleep 0.1
done
if [ -n "$port" ] && curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:$port/flat/repodata/repomd.xml"; then
	pass "repositories served on http://127.0.0.1:$port/ (flat/, centos/)"
else
	fail "HTTP server did not come up ($(tail -n 2 "$TMPD/http.log" | tr '\n' ' '))"
	finish
fi
url=http://127.0.0.1:$port/flat/

# build OUT PACKAGES [VAR=VALUE...]: runs the builder against the test
# repository; status in RC, stderr in $TMPD/err
build() {
	local out=$1 pkgs=$2
	shift 2
	RC=0
	timeout 600 env CACHE="$TMPD/cache" CENTOS_REPOS="test=$url" CENTOS_PACKAGES="$pkgs" \
		CENTOS_GPGKEY="${url}RPM-GPG-KEY-test" CENTOS_GPGFINGERPRINT="$(cat "$repo/RPM-GPG-KEY-test.fpr")" \
		"$@" guests/centos/build.sh "$out" \
		> "$TMPD/out.log" 2> "$TMPD/err" || RC=$?
}
rpm_gets() { grep -c 'GET /[^ ]*\.rpm ' "$TMPD/http.log"; }
# source_is OUT LINE: OUT/source (the build summary's line) is exactly LINE
source_is() {
	if [ "$(cat "$1/source" 2>&1)" = "$2" ]; then pass "${1##*/}/source, for the build summary: $2"
	else fail "${1##*/}/source is '$(cat "$1/source" 2>&1)', not '$2'"; fi
}
no_leftovers() { [ -z "$(find "$TMPD" -maxdepth 1 -name '.centos-build.*')" ]; }

# --- the image -------------------------------------------------------------------------------
start=$(date +%s)
build "$TMPD/out" xenlive-test-base
if [ "$RC" -eq 0 ]; then pass "build.sh installs xenlive-test-base with GPG checking on ($(($(date +%s) - start)) s)"
else fail "build.sh exited $RC ($(tail -n 2 "$TMPD/err" | tr '\n' ' '))"; finish; fi
img=$TMPD/out/centos.sqfs
if [ -f "$img" ] && [ -f "$TMPD/out/os-release" ]; then pass "outputs: centos.sqfs and os-release"
else fail "outputs missing (found: $(find "$TMPD/out" -mindepth 1 -printf '%f ' 2>&1))"; finish; fi
unsquashfs -l "$img" > "$TMPD/list" 2>&1
for f in usr/bin/busybox sbin/init etc/os-release etc/inittab tmp; do
	if grep -qx "squashfs-root/$f" "$TMPD/list"; then pass "image holds /$f"; else fail "image lacks /$f"; fi
done
unsquashfs -lls "$img" > "$TMPD/llist" 2>&1
if grep -q ' squashfs-root/sbin/init -> \.\./usr/bin/busybox$' "$TMPD/llist"; then pass "/sbin/init is a relative link to busybox"
else fail "/sbin/init ($(grep 'squashfs-root/sbin/init' "$TMPD/llist"))"; fi
if grep -q ' -> /' "$TMPD/llist"; then fail "absolute symlinks in the test image ($(grep -m1 ' -> /' "$TMPD/llist"))"
else pass "no absolute symlinks in the image"; fi
pretty=$(sed -n 's/^PRETTY_NAME=//p' "$TMPD/out/os-release" | tr -d '"')
if [ "$pretty" = "xenlive RPM test guest (built by dnf from a local repository)" ]; then pass "os-release PRETTY_NAME: $pretty"
else fail "os-release PRETTY_NAME is '$pretty'"; fi
if unsquashfs -s "$img" | grep -q "time $(date -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S %Y')"; then
	pass "squashfs time is SOURCE_DATE_EPOCH"
else fail "squashfs time ($(unsquashfs -s "$img" | grep -i time))"; fi
unsquashfs -q -d "$TMPD/x" "$img" var/lib/rpm > /dev/null 2>&1
if q=$(rpm --root "$TMPD/x" --dbpath /var/lib/rpm -q xenlive-test-base xenlive-test-release 2>&1); then
	pass "the image's rpm database (/var/lib/rpm) lists $(echo "$q" | tr '\n' ' ')"
else fail "rpm database: $(echo "$q" | tr '\n' ' ')"; fi
if rpm --root "$TMPD/x" --dbpath /var/lib/rpm -q gpg-pubkey > /dev/null 2>&1; then pass "the signing key is imported in the image's rpm database"
else fail "no gpg-pubkey in the image's rpm database"; fi
if [ -d "$TMPD/cache/dnf/centos" ] && [ -n "$(find "$TMPD/cache/dnf/centos" -name 'xenlive-test-base-*.rpm')" ]; then
	pass "packages kept in \$CACHE/dnf/centos"
else fail "no packages in \$CACHE/dnf/centos"; fi
if [ -n "$keep" ]; then
	if mkdir -p "$keep" && cp "$img" "$TMPD/out/os-release" "$keep/"; then pass "kept the test image in $keep"
	else fail "could not copy the image to $keep"; fi
fi

# --- a rebuild takes the packages from the cache ---------------------------------------------------
before=$(rpm_gets)
build "$TMPD/out2" xenlive-test-base
if [ "$RC" -eq 0 ] && [ "$(rpm_gets)" = "$before" ]; then pass "a rebuild downloads no package again"
else fail "rebuild: status $RC, $(($(rpm_gets) - before)) package download(s)"; fi

# --- the systemd / PAM / SELinux / shadow configuration step -----------------------------------
build "$TMPD/out3" "xenlive-test-base xenlive-test-sysconf"
if [ "$RC" -eq 0 ]; then
	unsquashfs -q -d "$TMPD/y" "$TMPD/out3/centos.sqfs" etc > /dev/null 2>&1
	e=$TMPD/y/etc
	unit=$e/systemd/system/xenlive-console.service
	if grep -qE '^ExecStart=-/(usr/)?s?bin/agetty .*--autologin root .* hvc0 [$]TERM$' "$unit" 2> /dev/null; then
		pass "xenlive-console.service: agetty --autologin root on hvc0"
	else fail "console unit ($(tr '\n' ' ' < "$unit" 2>&1))"; fi
	if [ "$(readlink "$e/systemd/system/getty.target.wants/xenlive-console.service")" = ../xenlive-console.service ] &&
		[ -f "$e/systemd/system/serial-getty@hvc0.service" ] && [ ! -s "$e/systemd/system/serial-getty@hvc0.service" ]
	then pass "xenlive-console enabled with a relative link, serial-getty@hvc0 masked"
	else fail "xenlive-console not enabled, or serial-getty@hvc0 not masked"; fi
	if grep -qx 'ExecStart=/usr/lib/xenlive/xenlive-agent --foreground' "$e/systemd/system/xenlive-agent.service" 2> /dev/null &&
		[ "$(readlink "$e/systemd/system/sysinit.target.wants/xenlive-agent.service")" = ../xenlive-agent.service ]
	then pass "xenlive-agent.service installed and enabled"; else fail "no enabled xenlive-agent.service"; fi
	if grep -qx 'Storage=volatile' "$e/systemd/journald.conf.d/xenlive.conf" 2> /dev/null; then pass "the journal is kept in RAM"
	else fail "no journald.conf.d/xenlive.conf with Storage=volatile"; fi
	if [ "$(readlink "$e/systemd/system/default.target")" = ../../../usr/lib/systemd/system/multi-user.target ]
	then pass "default.target: multi-user (the package's absolute link replaced, not followed)"
	else fail "default.target -> $(readlink "$e/systemd/system/default.target")"; fi
	f=$e/systemd/system/systemd-firstboot.service
	if [ -f "$f" ] && [ ! -s "$f" ]; then pass "systemd-firstboot masked"; else fail "systemd-firstboot not masked"; fi
	if [ -f "$e/machine-id" ] && [ ! -s "$e/machine-id" ]; then pass "machine-id empty"; else fail "machine-id not empty"; fi
	if grep -qx 'SELINUX=disabled' "$e/selinux/config"; then pass "SELINUX=disabled"; else fail "selinux config: $(tr '\n' ' ' < "$e/selinux/config")"; fi
	if grep -q '^root:!\*:' "$e/shadow" && [ "$(stat -c %a "$e/shadow")" = 0 ]; then pass "root's empty password locked, /etc/shadow mode kept"
	else fail "shadow: $(head -n1 "$e/shadow") mode $(stat -c %a "$e/shadow")"; fi
else
	fail "build with xenlive-test-sysconf exited $RC ($(tail -n 1 "$TMPD/err"))"
fi

# --- refusals ---------------------------------------------------------------------------------------
for p in unsigned tampered; do
	build "$TMPD/out-$p" "xenlive-test-$p"
	if [ "$RC" -eq 1 ] && grep -q 'GPG check failed' "$TMPD/err" && [ ! -e "$TMPD/out-$p" ]; then
		pass "the $p package is refused: $(tail -n1 "$TMPD/err" | sed 's/ (dnf log.*//')"
	else fail "$p package: status $RC, $(tail -n1 "$TMPD/err"), output $(ls "$TMPD/out-$p" 2>&1)"; fi
done

# a key other than the pinned one, and unsigned installs without saying so, are refused
build "$TMPD/out-otherkey" xenlive-test-base CENTOS_GPGFINGERPRINT=99DB70FAE1D7CE227FB6488205B555B38483C65D
if [ "$RC" -eq 1 ] && grep -q 'has fingerprint [0-9A-F]\{40\}, not a pinned one' "$TMPD/err" && [ ! -e "$TMPD/out-otherkey" ]
then pass "a signing key whose fingerprint is not pinned is refused: $(tail -n1 "$TMPD/err")"
else fail "unpinned key: status $RC, stderr: $(tr '\n' '|' < "$TMPD/err")"; fi
build "$TMPD/out-nocheck" xenlive-test-base CENTOS_GPGCHECK=0
if [ "$RC" -eq 1 ] && grep -q 'CENTOS_ALLOW_UNSIGNED=1' "$TMPD/err" && [ ! -e "$TMPD/out-nocheck" ]
then pass "CENTOS_GPGCHECK=0 alone is refused: $(tail -n1 "$TMPD/err")"
else fail "GPGCHECK=0: status $RC, stderr: $(tr '\n' '|' < "$TMPD/err")"; fi

# --- repositories shaped like CentOS Stream's: BaseOS and AppStream ------------------------------
# first what dnf will be given (read from the files themselves), then what it made of it
for r in BaseOS AppStream; do
	zst=() other=()
	while read -r f; do
		if [ "$(od -An -tx1 -N4 "$cs/$r/$f" | tr -d ' ')" = 28b52ffd ]; then zst+=("${f##*-}"); else other+=("$f"); fi
	done < <(sed -n 's/.*<location href="\([^"]*\)".*/\1/p' "$cs/$r/repodata/repomd.xml")
	if [ "${#zst[@]}" -ge 3 ] && [ "${#other[@]}" -eq 0 ]; then pass "$r's repodata is all zstd frames: ${zst[*]}"
	else fail "$r's repodata: zstd ${zst[*]:-none}; not zstd: ${other[*]:-none}"; fi
done
m=$(sed -n 's/.*<location href="\(repodata\/[^"]*-modules\.yaml\.zst\)".*/\1/p' "$cs/AppStream/repodata/repomd.xml")
zstd -dcq "$cs/AppStream/$m" > "$TMPD/modules.yaml" 2> /dev/null
if [ -n "$m" ] && [ "$(grep -c '^document: modulemd$' "$TMPD/modules.yaml")" = 2 ] &&
	[ "$(grep -c '^document: modulemd-defaults$' "$TMPD/modules.yaml")" = 1 ]; then
	pass "AppStream's repomd.xml lists modules: two modulemd v2 streams and modulemd-defaults"
else fail "AppStream's module metadata: '$m', $(grep -c '^document: ' "$TMPD/modules.yaml") documents"; fi
mkdir -m 0700 "$TMPD/gnupg"
fpr=$(cat "$cs/RPM-GPG-KEY-test.fpr")
k=$(GNUPGHOME=$TMPD/gnupg gpg --batch --with-colons --show-keys "$cs/RPM-GPG-KEY-test" 2> /dev/null | awk -F: '$1 == "pub" { print $4 "/" $3 }')
if [ "$k" = 1/4096 ]; then pass "its signing key is RSA-4096 ($fpr)"; else fail "its signing key is algorithm/bits $k, not 1/4096"; fi
keyid=${fpr: -16} keyid=${keyid,,}

# cbuild OUT PACKAGES BASE [VAR=VALUE...]: the builder against BASE/BaseOS and
# BASE/AppStream (BASE: a URL ending in /) with their key BASE/RPM-GPG-KEY-test
cbuild() {
	local out=$1 pkgs=$2 base=$3
	shift 3
	build "$out" "$pkgs" CENTOS_REPOS="baseos=${base}BaseOS appstream=${base}AppStream" \
		CENTOS_GPGKEY="${base}RPM-GPG-KEY-test" CENTOS_GPGFINGERPRINT="$fpr" "$@"
}
four="xenlive-test-base xenlive-test-release xenlive-test-extra xenlive-test-demo"
# centos_image OUT HOW: the image a CentOS-shaped build of base and extra wrote to OUT
centos_image() {
	local x=$TMPD/x-${1##*/} how=$2 q
	unsquashfs -q -d "$x" "$1/centos.sqfs" > /dev/null 2>&1
	# shellcheck disable=SC2086  # $four: the package names
	q=$(rpm --root "$x" --dbpath /var/lib/rpm -q --qf '%{NAME} %{PAYLOADCOMPRESSOR} %{RSAHEADER:pgpsig}\n' $four 2>&1)
	if [ "$(grep -cE "^xenlive-test-[a-z]+ zstd RSA/SHA256, .*, Key ID $keyid\$" <<< "$q")" = 4 ]; then
		pass "$how: the image's rpm database has base, release, extra and demo (from xenlive-demo:1), each with a zstd payload and an RSA/SHA256 signature by key $keyid"
	else fail "$how: rpm database: $(tr '\n' '|' <<< "$q")"; fi
	# shellcheck disable=SC2086
	if q=$(rpm --root "$x" --dbpath /var/lib/rpm -V --nomtime $four 2>&1); then
		pass "$how: rpm -V: every file of the four packages is in the image as the database records it (SHA-256 digest, mode, owner)"
	else fail "$how: rpm -V: $(head -n 3 <<< "$q" | tr '\n' '|')"; fi
	if grep -qx 'stream=1' "$x/etc/dnf/modules.d/xenlive-demo.module" 2> /dev/null &&
		grep -qx 'state=enabled' "$x/etc/dnf/modules.d/xenlive-demo.module"; then
		pass "$how: dnf enabled the default stream xenlive-demo:1 (/etc/dnf/modules.d/xenlive-demo.module)"
	else fail "$how: module state: $(tr '\n' ' ' < "$x/etc/dnf/modules.d/xenlive-demo.module" 2>&1)"; fi
}

start=$(date +%s)
cbuild "$TMPD/out-cs" "xenlive-test-base xenlive-test-extra" "http://127.0.0.1:$port/centos/"
if [ "$RC" -eq 0 ]; then pass "build.sh installs xenlive-test-base and -extra from BaseOS and AppStream over http, GPG checking on ($(($(date +%s) - start)) s)"
	centos_image "$TMPD/out-cs" "http"
	source_is "$TMPD/out-cs" "from the repositories http://127.0.0.1:$port/centos/BaseOS/ http://127.0.0.1:$port/centos/AppStream/"
else fail "CentOS-shaped build over http exited $RC ($(tail -n 2 "$TMPD/err" | tr '\n' ' '))"; fi
# the signatures are checked, not skipped: with the flat repository's key they fail
cbuild "$TMPD/out-wrongkey" "xenlive-test-base xenlive-test-extra" "http://127.0.0.1:$port/centos/" \
	CENTOS_GPGKEY="${url}RPM-GPG-KEY-test" CENTOS_GPGFINGERPRINT="$(cat "$repo/RPM-GPG-KEY-test.fpr")"
if [ "$RC" -eq 1 ] && grep -q 'error: GPG check failed, package refused: .*xenlive-test-' "$TMPD/err" && [ ! -e "$TMPD/out-wrongkey" ]
then pass "signed by another key than the one given: refused ($(tail -n1 "$TMPD/err" | sed 's/.*refused: //; s/ (dnf log.*//'))"
else fail "another key: status $RC, $(tail -n1 "$TMPD/err")"; fi
cbuild "$TMPD/out-next" "xenlive-test-base xenlive-test-demo-next" "http://127.0.0.1:$port/centos/"
if [ "$RC" -eq 1 ] &&
	grep -q "error: every xenlive-test-demo-next in the repositories is hidden by dnf's modular filtering" "$TMPD/err" &&
	[ ! -e "$TMPD/out-next" ]; then pass "the package of the stream that is not enabled (xenlive-demo:2) is refused: $(tail -n1 "$TMPD/err" | sed 's/ (its module.*//')"
else fail "xenlive-test-demo-next: status $RC, $(tail -n1 "$TMPD/err")"; fi

# a copy on this machine (as a user would carry it over on a disk): file:// URLs,
# the key as a plain file, and not one request to the server
cp -a "$cs" "$TMPD/copy"
requests=$(wc -l < "$TMPD/http.log")
cbuild "$TMPD/out-copy" "xenlive-test-base xenlive-test-extra" "file://$TMPD/copy/" CENTOS_GPGKEY="$TMPD/copy/RPM-GPG-KEY-test"
if [ "$RC" -eq 0 ] && [ "$(wc -l < "$TMPD/http.log")" = "$requests" ]; then
	pass "a file:// copy of BaseOS and AppStream (cp -a) builds the image, without a request to the server"
	centos_image "$TMPD/out-copy" "file:// copy"
	source_is "$TMPD/out-copy" "from a local copy file://$TMPD/copy/BaseOS/ file://$TMPD/copy/AppStream/"
else fail "build from the copy: status $RC, $(($(wc -l < "$TMPD/http.log") - requests)) requests, $(tail -n1 "$TMPD/err")"; fi
# a copy synced again at the same path is read again, not dnf's cached metadata:
# without AppStream's module metadata, the other stream's package is an ordinary one
modifyrepo_c --remove modules "$TMPD/copy/AppStream/repodata" > /dev/null 2>&1
cbuild "$TMPD/out-copy2" "xenlive-test-base xenlive-test-demo-next" "file://$TMPD/copy/" CENTOS_GPGKEY="$TMPD/copy/RPM-GPG-KEY-test"
unsquashfs -q -d "$TMPD/x-copy2" "$TMPD/out-copy2/centos.sqfs" var/lib/rpm > /dev/null 2>&1
if [ "$RC" -eq 0 ] && rpm --root "$TMPD/x-copy2" --dbpath /var/lib/rpm -q xenlive-test-demo-next > /dev/null 2>&1; then
	pass "the copy changed at the same path is read again: without its module metadata, xenlive-test-demo-next installs"
else fail "changed copy: status $RC, $(tail -n1 "$TMPD/err")"; fi
# the mirror's layout: CENTOS_MIRROR alone, the repositories it implies for release 9
# (cbuild's BASE now only names the key)
cbuild "$TMPD/out-mirror" "xenlive-test-base xenlive-test-extra" "http://127.0.0.1:$port/centos/" \
	CENTOS_REPOS= CENTOS_MIRROR="http://127.0.0.1:$port/mirror"
if [ "$RC" -eq 0 ] && grep -q 'GET /mirror/9-stream/AppStream/x86_64/os/repodata/repomd.xml ' "$TMPD/http.log"; then
	pass "CENTOS_MIRROR alone: BaseOS and AppStream from 9-stream/*/x86_64/os/ under it"
	source_is "$TMPD/out-mirror" "from the mirror http://127.0.0.1:$port/mirror"
else fail "build from the mirror layout: status $RC, $(tail -n1 "$TMPD/err")"; fi

# --- unreachable mirror and key: status 3, one line, nothing left behind ---------------------------
RC=0
timeout 120 env CACHE="$TMPD/cache" CENTOS_REPOS=x=http://127.0.0.1:9/ guests/centos/build.sh "$TMPD/out-dead" \
	> "$TMPD/out.log" 2> "$TMPD/err" || RC=$?
if [ "$RC" -eq 3 ] && [ "$(wc -l < "$TMPD/err")" -eq 1 ] &&
	grep -q 'cannot reach .*http://127\.0\.0\.1:9/.*CENTOS_MIRROR=.*CENTOS_REPOS=' "$TMPD/err" &&
	[ ! -e "$TMPD/out-dead" ]; then
	pass "unreachable mirror: status 3, one line: $(cat "$TMPD/err")"
else fail "unreachable mirror: status $RC, stderr: $(tr '\n' '|' < "$TMPD/err")"; fi
build "$TMPD/out-nokey" xenlive-test-base CENTOS_GPGKEY=http://127.0.0.1:9/RPM-GPG-KEY
if [ "$RC" -eq 3 ] && [ "$(wc -l < "$TMPD/err")" -eq 1 ] && grep -q 'CENTOS_GPGKEY' "$TMPD/err" && [ ! -e "$TMPD/out-nokey" ]
then pass "unreachable signing key: status 3, names CENTOS_GPGKEY"
else fail "unreachable key: status $RC, stderr: $(tr '\n' '|' < "$TMPD/err")"; fi
if no_leftovers; then pass "no build directory left behind by any run"
else fail "left behind: $(find "$TMPD" -maxdepth 1 -name '.centos-build.*')"; fi

pid=$SRV
stop_server
if kill -0 "$pid" 2> /dev/null || curl -fsS --max-time 3 -o /dev/null "$url" 2> /dev/null; then
	fail "HTTP server still running"
else pass "HTTP server stopped"; fi
finish
