# shellcheck shell=bash
# variant_iso: prints the path of an ISO like out/xenlive.iso but
#  - its CentOS guest built by guests/centos/build.sh (dnf) from a local,
#    signed RPM repository (tests/rpmrepo) served on 127.0.0.1 — no CentOS
#    mirror is reachable here;
#  - two test-only distros added as folders to a copy of the checkout,
#    nothing else changed: tests/fixtures/distro-tiny as guests/tiny, and
#    tests/fixtures/distro-standin (Debian with systemd, configured like
#    the CentOS image) as guests/standin;
#  - the guests' bridge named br1 (make BRIDGE=br1), not xenbr0;
#  - the tiny guest at 160 MiB (make TINY_MEM=160; its descriptor says 40):
#    test_livetop fills a 4 GiB machine with it, about 20 guests that boot
#    in seconds under TCG, where 48 MiB Debian guests would be ~70.
# Built once into build/tests/variant (the copy in its src/) and reused while
# it is newer than out/xenlive.iso.  Needs TMPD.  (make bench had no
# copy_checkout: with no variant built by make check before, its RPM and
# stand-in figures came out "not measured")
. tests/lib/checkout.sh
variant_iso() {
	local v=$PWD/build/tests/variant repo=$TMPD/repo port srv rc=0
	if [ -f "$v/out/xenlive.iso" ] && [ "$v/out/xenlive.iso" -nt out/xenlive.iso ]; then
		echo "$v/out/xenlive.iso"
		return 0
	fi
	tests/rpmrepo/make-repo.sh "$repo" > "$TMPD/repo.log" 2>&1 ||
		{ echo "variant: building the local RPM repository failed: $(tail -n 3 "$TMPD/repo.log")" >&2; return 1; }
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	timeout 900 python3 -m http.server --bind 127.0.0.1 --directory "$repo" "$port" > "$TMPD/http.log" 2>&1 &
	srv=$!
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/repodata/repomd.xml" >/dev/null && break; sleep 0.1; done
	rm -rf "$v"
	mkdir -p "$v/build"
	copy_checkout "$v/src"
	cp -a tests/fixtures/distro-tiny "$v/src/guests/tiny"
	cp -a tests/fixtures/distro-standin "$v/src/guests/standin"
	cp -a build/hypervisor "$v/build/"   # an unchanged stage: reused
	make -s -C "$v/src" BUILD="$v/build" OUT="$v/out" REQUIRE_GUESTS=1 BRIDGE=br1 TINY_MEM=160 \
		CENTOS_REPOS="test=http://127.0.0.1:$port/" CENTOS_PACKAGES=xenlive-test-base \
		CENTOS_GPGKEY="http://127.0.0.1:$port/RPM-GPG-KEY-test" CENTOS_GPGFINGERPRINT="$(cat "$repo/RPM-GPG-KEY-test.fpr")" \
		> "$TMPD/variant.log" 2>&1 || rc=$?
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	[ "$rc" = 0 ] || { echo "variant: make failed: $(grep -E 'error' "$TMPD/variant.log" | tail -n 3)" >&2; return 1; }
	echo "$v/out/xenlive.iso"
}
