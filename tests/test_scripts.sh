#!/bin/bash
# Unit checks of the build scripts' logic, on small trees made here:
# shared-library closure, kernel-module closure, mirror detection, safe
# staging, the stage cache, configuration and host-tool checks, and the
# CentOS builder's checks of what the host's rpm and libsolv can read.
# (SC2031: subshells source lib.sh, which sets TOP, BUILD... to the same values)
# shellcheck disable=SC2031,SC2317
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
. tests/lib/check.sh
export CACHE=$TMPD/cache BUILD=$TMPD/build OUT=$TMPD/out

# --- elf-closure.sh: DT_NEEDED walk with RUNPATH/$ORIGIN -------------------------------
sys=$TMPD/sysroot
mkdir -p "$sys/opt/app/bin" "$sys/opt/app/lib" "$sys/usr/lib/x86_64-linux-gnu" "$sys/lib/x86_64-linux-gnu" "$sys/lib64"
echo 'int b(void) { return 2; }' > "$TMPD/b.c"
echo 'int b(void); int a(void) { return b() + 1; }' > "$TMPD/a.c"
echo 'int a(void); int main(void) { return a(); }' > "$TMPD/m.c"
gcc -shared -fPIC -o "$sys/usr/lib/x86_64-linux-gnu/libb.so.1" -Wl,-soname,libb.so.1 "$TMPD/b.c"
gcc -shared -fPIC -o "$sys/opt/app/lib/liba.so.1" -Wl,-soname,liba.so.1 "$TMPD/a.c" \
	-L"$sys/usr/lib/x86_64-linux-gnu" -l:libb.so.1
gcc -o "$sys/opt/app/bin/prog" "$TMPD/m.c" -L"$sys/opt/app/lib" -l:liba.so.1 \
	-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib' -Wl,-rpath-link,"$sys/usr/lib/x86_64-linux-gnu"
libc=$(gcc -print-file-name=libc.so.6) libgcc=$(gcc -print-file-name=libgcc_s.so.1)
cp "$(realpath "$libc")" "$sys/lib/x86_64-linux-gnu/libc.so.6"
cp "$(realpath "$libgcc")" "$sys/lib/x86_64-linux-gnu/libgcc_s.so.1"
cp "$(realpath /lib64/ld-linux-x86-64.so.2)" "$sys/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$sys/lib64/ld-linux-x86-64.so.2"
expected="/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
/lib/x86_64-linux-gnu/libc.so.6
/lib/x86_64-linux-gnu/libgcc_s.so.1
/lib64/ld-linux-x86-64.so.2
/opt/app/lib/liba.so.1
/usr/lib/x86_64-linux-gnu/libb.so.1"
got=$(scripts/elf-closure.sh "$sys" /opt/app/bin/prog 2>&1)
if [ "$got" = "$expected" ]; then pass "elf-closure: follows RUNPATH \$ORIGIN, indirect needs, the interpreter and glibc's libgcc_s"
else fail "elf-closure: got [$(echo "$got" | tr '\n' ' ')]"; fi
rm "$sys/usr/lib/x86_64-linux-gnu/libb.so.1"
fails_with "elf-closure: a missing library is named with who needs it" \
	'libb\.so\.1 \(needed by /opt/app/lib/liba\.so\.1\) is not in the sysroot' \
	scripts/elf-closure.sh "$sys" /opt/app/bin/prog
fails_with "elf-closure: a missing program is an error" 'no such file in sysroot: /opt/none' \
	scripts/elf-closure.sh "$sys" /opt/none

# --- mod-closure.sh: modules.dep resolution -------------------------------------------
md=$TMPD/modules
mkdir -p "$md"
cat > "$md/modules.dep" <<'EOD'
kernel/drivers/scsi/sr_mod.ko: kernel/drivers/cdrom/cdrom.ko kernel/drivers/scsi/scsi_common.ko
kernel/drivers/cdrom/cdrom.ko:
kernel/drivers/scsi/scsi_common.ko:
kernel/drivers/usb/storage/usb-storage.ko: kernel/drivers/usb/core/usbcore.ko kernel/drivers/usb/common/usb-common.ko
kernel/drivers/usb/core/usbcore.ko: kernel/drivers/usb/common/usb-common.ko
kernel/drivers/usb/common/usb-common.ko:
EOD
echo kernel/fs/isofs/isofs.ko > "$md/modules.builtin"
got=$(scripts/mod-closure.sh "$md" sr_mod usb_storage isofs cdrom 2>&1 | tr '\n' ' ')
exp="kernel/drivers/scsi/scsi_common.ko kernel/drivers/cdrom/cdrom.ko kernel/drivers/scsi/sr_mod.ko kernel/drivers/usb/common/usb-common.ko kernel/drivers/usb/core/usbcore.ko kernel/drivers/usb/storage/usb-storage.ko "
if [ "$got" = "$exp" ]; then pass "mod-closure: dependencies first, each once, '-' = '_', built-ins skipped"
else fail "mod-closure: got [$got]"; fi
fails_with "mod-closure: an unknown module is an error naming it" 'module nosuchmod is neither' \
	scripts/mod-closure.sh "$md" sr_mod nosuchmod

# --- host-mirror.sh: the host's apt sources ----------------------------------------------
a=$TMPD/apt
mkdir -p "$a/sources.list.d"
cat > "$a/sources.list.d/debian.sources" <<'EOD'
Types: deb
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main
EOD
got=$(APT_SOURCES_DIR=$a scripts/host-mirror.sh main) got2=$(APT_SOURCES_DIR=$a scripts/host-mirror.sh security)
[ "$got $got2" = "http://mirror.example/debian http://security.example/debian-security" ] &&
	pass "host-mirror: reads deb822 sources" || fail "host-mirror: deb822 gave '$got' '$got2'"
rm "$a/sources.list.d/debian.sources"
echo 'deb [arch=amd64] http://one.example/debian bookworm main' > "$a/sources.list"
got=$(APT_SOURCES_DIR=$a scripts/host-mirror.sh main) got2=$(APT_SOURCES_DIR=$a scripts/host-mirror.sh security)
[ "$got $got2" = "http://one.example/debian http://deb.debian.org/debian-security" ] &&
	pass "host-mirror: reads one-line sources, falls back for what is not named" ||
	fail "host-mirror: one-line gave '$got' '$got2'"

# --- lib.sh: safe staging -------------------------------------------------------------------
st=$TMPD/stage host=$TMPD/host
mkdir -p "$st/usr/bin" "$host/bin"
echo original > "$host/bin/busybox"
echo new > "$TMPD/new"
ln -s "$host/bin" "$st/bin"    # an absolute link, as a package might carry
(STAGE=t; . scripts/lib.sh; stage_file "$st" "$TMPD/new" bin/busybox) > "$TMPD/out" 2>&1
[ "$(cat "$host/bin/busybox")" = original ] && grep -q 'refusing to write' "$TMPD/out" &&
	pass "staging refuses to write through a symlink (host file untouched)" ||
	fail "staging wrote through a symlink: $(cat "$TMPD/out")"
# a link whose new parent directories would be made through the symlink
(STAGE=t; . scripts/lib.sh; stage_link "$st" busybox bin/sub/sh) > "$TMPD/out" 2>&1
[ ! -e "$host/bin/sub" ] && grep -q 'refusing to write' "$TMPD/out" &&
	pass "staging makes no directory through a symlink either (nothing new on the host side)" ||
	fail "staging made $(ls -d "$host/bin/sub" 2>&1) through a symlink: $(cat "$TMPD/out")"
(STAGE=t; . scripts/lib.sh; stage_file "$st" "$TMPD/new" usr/./bin/../bin//dotted) &&
	[ "$(cat "$st/usr/bin/dotted")" = new ] &&
	pass "staging takes a path with . .. and // inside the tree" || fail "staging refused usr/./bin/../bin//dotted"
fails_with "staging refuses a path that leaves the tree by .." 'outside staging tree' \
	bash -c 'STAGE=t; . scripts/lib.sh; stage_file "$1" "$2" usr/../../escaped' _ "$st" "$TMPD/new"
fails_with "staging refuses absolute symlinks" 'absolute symlink' \
	bash -c 'STAGE=t; . scripts/lib.sh; stage_link "$1" /usr/bin/busybox usr/bin/sh' _ "$st"
fails_with "staging check finds an absolute symlink in a tree" 'absolute symlink in staging tree' \
	bash -c 'STAGE=t; . scripts/lib.sh; check_no_absolute_links "$1"' _ "$st"
rm "$st/bin"
(STAGE=t; . scripts/lib.sh; stage_link "$st" usr/bin bin && stage_file "$st" "$TMPD/new" usr/bin/busybox) &&
	[ "$(readlink "$st/bin")" = usr/bin ] && [ "$(cat "$st/usr/bin/busybox")" = new ] &&
	pass "staging writes files and relative links inside the tree" || fail "staging of a plain file failed"

# --- lib.sh: the stage cache ----------------------------------------------------------------
cat > "$TMPD/stage.sh" <<'EOD'
#!/bin/bash
STAGE=demo
. "$TOP/scripts/lib.sh"
stage_begin demo "$(stage_key "$INPUT")"
echo built >> "$COUNT"
cp "$INPUT" "$WORK/result"
[ -z "${SLOW:-}" ] || sleep 30
stage_end
EOD
chmod +x "$TMPD/stage.sh"

export TOP INPUT=$TMPD/input COUNT=$TMPD/count
echo one > "$INPUT"
"$TMPD/stage.sh" 2>/dev/null; "$TMPD/stage.sh" 2>/dev/null
[ "$(wc -l < "$COUNT")" = 1 ] && [ "$(cat "$BUILD/demo/result")" = one ] &&
	pass "stage cache: an unchanged stage is skipped" || fail "stage cache: unchanged stage ran $(wc -l < "$COUNT") times"
echo two > "$INPUT"
"$TMPD/stage.sh" 2>/dev/null
[ "$(wc -l < "$COUNT")" = 2 ] && [ "$(cat "$BUILD/demo/result")" = two ] &&
	pass "stage cache: a changed input rebuilds the stage" || fail "stage cache: changed input was not rebuilt"
echo three > "$INPUT"
# background jobs start with SIGINT ignored; restore it as a terminal's Ctrl-C would find it
SLOW=1 perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$TMPD/stage.sh" 2>/dev/null &
pid=$!
for _ in $(seq 50); do [ -d "$BUILD/demo.work" ] && [ "$(wc -l < "$COUNT")" = 3 ] && break; sleep 0.1; done
kill -INT "$pid"; kill -INT "$(pgrep -P "$pid" sleep)" 2>/dev/null; wait "$pid" 2>/dev/null
[ ! -e "$BUILD/demo.work" ] && [ "$(cat "$BUILD/demo/result")" = two ] &&
	pass "stage cache: an interrupted stage leaves no work directory and keeps the last good result" ||
	fail "stage cache: interrupted stage left [$(ls "$BUILD")], result $(cat "$BUILD/demo/result")"
"$TMPD/stage.sh" 2>/dev/null && [ "$(cat "$BUILD/demo/result")" = three ] &&
	pass "stage cache: the next run after an interruption completes" || fail "stage cache: rerun after interruption failed"

# --- rootfs/hotplug: what dom0's C programs refuse before touching anything -----------------
# (their real work, loop devices, bridge ports and waiting for a guest, is proven under Xen
# by tests/test_guests.sh)
hp=$TMPD/hotplug
mkdir -p "$hp"
if make -s -C rootfs/hotplug O="$hp" > "$hp/cc.log" 2>&1; then
	pass "rootfs/hotplug/xenlive-hotplug.c, console-logs.c and xenlive-wait.c compile warning-free"
	ln -s xenlive-hotplug "$hp/xenlive-block"
	ln -s xenlive-hotplug "$hp/xenlive-vif"
	fails_with "hotplug: run under another name, it says which names it has" \
		'^xenlive-hotplug: run me as xenlive-block or xenlive-vif' "$hp/xenlive-hotplug" add
	fails_with "hotplug: xenlive-block without an action prints its usage" \
		'^usage \(run by libxl\): xenlive-block add\|remove$' "$hp/xenlive-block"
	fails_with "hotplug: an unknown action is named" "^usage .*xenlive-vif online.*\(not 'attach'\)" \
		env XENBUS_PATH=backend/vif/1/0 vif=vif1.0 "$hp/xenlive-vif" attach
	fails_with "hotplug: without libxl's XENBUS_PATH it says so in one line" \
		'^xenlive-block: run by libxl, which sets XENBUS_PATH$' env -u XENBUS_PATH "$hp/xenlive-block" add
	[ "$(env -u XENBUS_PATH "$hp/xenlive-block" add 2>&1 | wc -l)" = 1 ] && pass "hotplug: that error is one line" ||
		fail "hotplug: more than one line without XENBUS_PATH"
	fails_with "xenlive-wait: no guest name, its usage" '^usage: xenlive-wait NAME \[SECONDS\]$' "$hp/xenlive-wait"
	fails_with "xenlive-wait: a limit that is no whole number is named" \
		"^xenlive-wait: SECONDS must be a whole number up to 86400, not '1\\.5'$" "$hp/xenlive-wait" debian-1 1.5
else
	fail "rootfs/hotplug/xenlive-hotplug.c does not compile: $(tail -n 3 "$hp/cc.log" | tr '\n' ' ')"
fi

# --- configuration and host tools ---------------------------------------------------------
cfg() { env SUITE=bookworm XEN_VERSION=4.17 MIRROR=http://deb.debian.org/debian DOM0_MEM=256 DOM0_MEM_PCT=6 \
	DOM0_MEM_CHOICES="384 512" DOM0_VCPUS=2 MENU_TIMEOUT=3 SOURCE_DATE_EPOCH=1 ISO_LABEL=XENLIVE \
	BRIDGE=xenbr0 BRIDGE_NET=10.73.0 SERVE_NET=10.74.0 STOCK_MEM=128 STOCK_MIN_MEM=96 "$@" scripts/config-check.sh; }
ok "config-check accepts the defaults" cfg
fails_with "config-check: unknown XEN_VERSION" "unknown XEN_VERSION '4.99' for SUITE bookworm" cfg XEN_VERSION=4.99
fails_with "config-check: unknown SUITE" "unknown SUITE 'sid'" cfg SUITE=sid
fails_with "config-check: DOM0_MEM not a number" "DOM0_MEM must be a number" cfg DOM0_MEM=lots
fails_with "config-check: DOM0_MEM_PCT not a percentage" "DOM0_MEM_PCT must be a whole percentage, not '5.5'" cfg DOM0_MEM_PCT=5.5
fails_with "config-check: DOM0_MEM_PCT too large" "DOM0_MEM_PCT=60 is too large" cfg DOM0_MEM_PCT=60
fails_with "config-check: BRIDGE_NET not the start of a /20" "BRIDGE_NET=10.73.5 does not start a /20" cfg BRIDGE_NET=10.73.5
fails_with "config-check: SERVE_NET not three octets" "SERVE_NET must be the first three octets, e.g. 10.74.0 .got '10.74'" cfg SERVE_NET=10.74
fails_with "config-check: SERVE_NET inside the guests' network" "SERVE_NET=10.73.200 lies in the guests' network 10.73.0.0/16" cfg SERVE_NET=10.73.200
fails_with "config-check: bad ISO label" "ISO_LABEL must be" cfg ISO_LABEL=bad-label
fails_with "config-check: a bridge name with a space" "BRIDGE must be a network interface name" cfg BRIDGE="br 1"
fails_with "config-check: a bridge name over 15 characters" "BRIDGE is longer than 15" cfg BRIDGE=xenbridge0123456
fails_with "config-check: STOCK_MEM not a number" "STOCK_MEM must be a number" cfg STOCK_MEM=big
mkdir -p "$TMPD/bin"
for c in bash sed sort awk id cat env dirname basename mkdir head tr uname; do ln -sf "$(command -v "$c")" "$TMPD/bin/$c"; done
fails_with "deps: missing host tools are named with the apt-get command" \
	'missing host packages; run: sudo apt-get install .*xorriso' env PATH="$TMPD/bin" scripts/deps.sh check build
fails_with "need-root: a non-root build stops before doing anything" 'needs root.*sudo make' \
	setpriv --reuid=65534 --regid=65534 --clear-groups scripts/need-root.sh all

# --- guests/centos/build.sh: can this host's rpm and libsolv read CentOS Stream's zstd? ------
# A host faked in PATH: stub tools (curl as if no mirror answered), an rpm whose
# --showrc lists the rpmlib features in $FAKE_RPMLIB, and a libsolvext.so.1 in
# LD_LIBRARY_PATH whose solv_xfopen_iscompressed() answers 1 for every name
# (built with zstd) or 0 (a libsolv that knows no .zst)
ch=$TMPD/centos-host
mkdir -p "$ch/bin" "$ch/zstd" "$ch/nozstd"
for t in dnf mksquashfs gpg; do printf '#!/bin/sh\nexit 0\n' > "$ch/bin/$t"; done
printf '#!/bin/sh\nexit 7\n' > "$ch/bin/curl"
printf '#!/bin/sh\n[ "$1" = --showrc ] || exit 1\nfor f in $FAKE_RPMLIB; do echo "    rpmlib($f) = 1"; done\n' > "$ch/bin/rpm"
chmod +x "$ch/bin/"*
echo 'int solv_xfopen_iscompressed(const char *fn) { (void)fn; return ZST; }' > "$ch/solv.c"
for z in zstd:1 nozstd:0; do
	gcc -shared -fPIC -DZST="${z#*:}" -o "$ch/${z%%:*}/libsolvext.so.1" "$ch/solv.c"
done
# centos_host LIBDIR RPMLIB...: the builder on that host, up to its first error
centos_host() {
	local lib=$1
	shift
	env PATH="$ch/bin:$PATH" LD_LIBRARY_PATH="$ch/$lib" FAKE_RPMLIB="$*" guests/centos/build.sh "$TMPD/centos-out"
}
fails_with "centos: an rpm without rpmlib(PayloadIsZstd) is named in one line" \
	'^centos: error: rpm on this host cannot read zstd payloads \(rpmlib\(PayloadIsZstd\) missing\)' \
	centos_host zstd PayloadIsXz FileDigests
[ "$(wc -l < "$TMPD/fw.out")" = 1 ] && pass "centos: that error is one line" || fail "centos: rpm without zstd printed $(wc -l < "$TMPD/fw.out") lines"
fails_with "centos: a libsolv that cannot read zstd metadata is named in one line" \
	'^centos: error: libsolv on this host cannot read zstd-compressed repository metadata' \
	centos_host nozstd PayloadIsZstd FileDigests
[ "$(wc -l < "$TMPD/fw.out")" = 1 ] && pass "centos: that error is one line" || fail "centos: libsolv without zstd printed $(wc -l < "$TMPD/fw.out") lines"
fails_with "centos: a host with both gets past the checks (to the root check or the mirror)" \
	'^centos: error: (must run as root|cannot reach the CentOS Stream mirror)' centos_host zstd PayloadIsZstd FileDigests
[ ! -e "$TMPD/centos-out" ] && pass "centos: the refused builds wrote no output" || fail "centos: $TMPD/centos-out exists"
finish
