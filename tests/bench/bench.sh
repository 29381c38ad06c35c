#!/bin/bash
# usage: tests/bench/bench.sh [--quick]      (make bench, make bench QUICK=1)
# Measures xenlive under QEMU (TCG, -cpu qemu64, 2 vCPUs, 2 GiB) and, next to
# it, what a user would build instead: a Debian live-build image with Xen
# (tests/bench/livebuild.sh, built once into the cache).  Prints one table
# and writes it, with a line per figure on how it was measured, to
# out/bench.md.  A figure that could not be measured says so in its cell.
# --quick: one run of everything, shorter windows, a 1 GiB machine for the
# density figure, no live-build, no moves between two machines, no network
# boot, no smallest-memory search for the systemd guests (Debian's runs); writes
# out/bench-quick.md (make check runs it so this code cannot rot).
# BENCH_COLD=1 also times a build from an empty cache (downloads and the
# guest kernel compile).  For work on the
# bench itself: BENCH_SKIP="boot dom0 move netboot build livebuild" leaves parts out,
# BENCH_BOOT_RUNS, BENCH_LAUNCH_RUNS and BENCH_MOVE_RUNS change the number of runs.
# A benchmark is not a test: slow figures never make it fail; it fails only
# when it cannot run at all.
# shellcheck disable=SC2016  # $ in single quotes is expanded in dom0
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
QUICK=0
[ "${1:-}" = --quick ] && QUICK=1
: "${CACHE:=/var/cache/xenlive}"
# each distro's default memory, from its folder (DEBIAN_MEM etc. override it)
distro_mem() { STAGE=bench bash -c '. scripts/lib.sh && distro_setting "$1" mem' distro_mem "$1"; }
DEBIAN_MEM=$(distro_mem debian) CENTOS_MEM=$(distro_mem centos)
export CACHE
ISO=$TOP/out/xenlive.iso
OVMF=/usr/share/ovmf/OVMF.fd
[ -f "$ISO" ] || { echo "bench: $ISO not found (run make first)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (try: sudo make bench)" >&2; exit 1; }

if [ "$QUICK" = 1 ]; then
	RUNS_BOOT=1 RUNS_LAUNCH=1 TOP_GUESTS=3 TOP_SECS=10 FILL_RAM=1024 MIN_STEP=8 REPORT=out/bench-quick.md
else
	RUNS_BOOT=3 RUNS_LAUNCH=5 TOP_GUESTS=10 TOP_SECS=60 FILL_RAM=2048 MIN_STEP=2 REPORT=out/bench.md
fi
# for working on the bench itself: fewer runs
RUNS_BOOT=${BENCH_BOOT_RUNS:-$RUNS_BOOT} RUNS_LAUNCH=${BENCH_LAUNCH_RUNS:-$RUNS_LAUNCH} RUNS_MOVE=${BENCH_MOVE_RUNS:-5}
# the big machine (issue 16's targets): its memory, and the reference's guests
BIG_RAM=${BENCH_BIG_RAM:-8192} BIG_SEQ=${BENCH_BIG_SEQ:-10}
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/xenlive-bench.XXXXXX")
QEMU_TMP=$TMPD/qemu
mkdir -p "$QEMU_TMP"
. tests/lib/qemu.sh
. tests/lib/variant.sh
trap 'qemu_cleanup; rm -rf "$TMPD"' EXIT
trap 'exit 130' INT TERM

RES=$TMPD/results     # "KEY VALUE..." lines
note() { echo "bench: $*" >&2; }
put() { echo "$*" >> "$RES"; }
get() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); v = $0 } END { print v }' "$RES"; }
# median of the numbers on stdin, with min-max and the count: "12.3 (11.0-14.1, n=5)"
median() {
	sort -g | awk '/^[0-9.]+$/ { v[n++] = $1 } END {
		if (!n) exit
		m = n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
		if (n == 1) printf "%.1f", m; else printf "%.1f (%.1f-%.1f, n=%d)", m, v[0], v[n - 1], n }'
}
# quick_skip KEY...: in quick mode, each KEY's cell says why it is empty;
# 0 then (the part is left out), 1 in a full run
quick_skip() {
	[ "$QUICK" = 1 ] || return 1
	local k
	for k in "$@"; do put "$k" "not measured (quick mode)"; done
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
: > "$RES"

# --- sizes -----------------------------------------------------------------------------------
note "sizes of $ISO"
put iso_size "$(mib "$(stat -c %s "$ISO")")"
xorriso -indev "$ISO" -find / -type f -exec lsdl 2>/dev/null | awk '{ gsub(/\047/, "", $9); print $9, $5 }' > "$TMPD/files"
# (nothing, not 0.0, when no such file is on the ISO: "not measured")
part() { awk -v p="$1" '$1 ~ p { s += $2; n++ } END { if (n) printf "%.1f", s / 1048576 }' "$TMPD/files"; }
put part_xen "$(part '^/boot/xen.gz$')"
put part_kernel "$(part '^/boot/vmlinuz$')"
put part_initrd "$(part '^/boot/initrd.img$')"
put part_gkernel "$(part '^/guests/(kernel/vmlinux|initrd.gz)$')"
put part_debian "$(part '^/guests/debian.sqfs$')"
put part_centos "$(part '^/guests/centos.sqfs$')"
put part_stock "$(part '^/guests/(kernel/debian-vmlinux.gz|initrd-stock.gz)$')"
put part_boot "$(part '^/(isolinux/|boot/grub/)')"
# dom0's root as it sits in dom0's RAM: the initramfs unpacked
xorriso -osirrox on -indev "$ISO" -extract /boot/initrd.img "$TMPD/initrd.img" > /dev/null 2>&1 &&
	put dom0_root_unpacked "$(mib "$(zstd -dc "$TMPD/initrd.img" | wc -c)")"

# the CentOS guest: the ISO's own, else one built by dnf from a local RPM repository
xorriso -osirrox on -indev "$ISO" -extract /guests/catalog "$TMPD/catalog" > /dev/null 2>&1
GISO=$ISO RPM_NAME="CentOS guest"
if ! grep -q '^centos|' "$TMPD/catalog" 2>/dev/null; then
	note "the ISO has no CentOS guest (no mirror reached); building one from a local RPM repository"
	if GISO=$(variant_iso); then
		RPM_NAME="RPM test guest (dnf, local repo)"
		put part_centos "not on this ISO (no CentOS mirror); the local-repo RPM guest: $(mib "$(xorriso -indev "$GISO" -find /guests/centos.sqfs -exec lsdl 2>/dev/null | awk '{ print $5 }')") MiB"
	else
		GISO=$ISO RPM_NAME=
	fi
fi

# the systemd stand-in for CentOS (tests/fixtures/distro-standin), on the local-repo ISO
STANDIN=
xorriso -osirrox on -indev "$GISO" -extract /guests/catalog "$TMPD/gcatalog" > /dev/null 2>&1 &&
	grep -q '^standin|' "$TMPD/gcatalog" && STANDIN=standin

# --- boot: QEMU start -> "xenlive: ready", default menu entry ------------------------------------
boot_time() { # NAME QEMU_ARGS...: prints seconds to ready, nothing on failure
	local name=$1
	shift
	qemu_boot "$name" '' 180 "$@" > "$TMPD/$name.err" && qemu_elapsed
	case $name in *-1) screen_size "${name%-1}" ;; esac
	qemu_stop
}
# screen_size FIRMWARE: after the first boot of each firmware, the screen
# livetop got on tty1 (quits the serial console's livetop for a shell)
screen_size() {
	qemu_prompt "$1" > /dev/null || return 0
	qemu_cmd 20 'set -- $(stty -F /dev/tty1 size) $(tr , " " < /sys/class/graphics/fb0/virtual_size); echo "R ${2}x$1 on ${3}x$4"' > /dev/null &&
		put "screen_$1" "$(echo "$QEMU_OUT" | sed -n 's/^R //p')"
}
bench_boot() {
	for i in $(seq "$RUNS_BOOT"); do
		note "boot BIOS CD, run $i"
		boot_time "bios-$i" -vga std -drive "file=$ISO,media=cdrom,readonly=on" -boot d >> "$TMPD/boot.bios"
		echo >> "$TMPD/boot.bios"
		note "boot UEFI CD, run $i"
		boot_time "uefi-$i" -vga std -bios "$OVMF" -drive "file=$ISO,media=cdrom,readonly=on" -boot d >> "$TMPD/boot.uefi"
		echo >> "$TMPD/boot.uefi"
	done
	put boot_bios "$(median < "$TMPD/boot.bios")"
	put boot_uefi "$(median < "$TMPD/boot.uefi")"
}

# --- in dom0: memory, launches, smallest memory, livetop vs xentop, density --------------------
# dom0-bench.sh comes in on a small extra disk (a tar archive, read with tar -xf)
tar -cf "$TMPD/bench.tar" -C tests/bench dom0-bench.sh
dom0() { # SECONDS STEP ARGS...: runs one dom0-bench.sh step, keeps its R lines
	local secs=$1
	shift
	note "dom0: $*"
	qemu_cmd "$secs" "bash /tmp/dom0-bench.sh $*" || note "dom0 step '$*' did not finish: $(echo "$QEMU_OUT" | tail -n 2 | tr '\n' ' ')"
	echo "$QEMU_OUT" | sed -n 's/^R //p' >> "$TMPD/dom0"
}
# bench_disk: dom0-bench.sh from the bench disk into dom0's /tmp
bench_disk() {
	qemu_cmd 30 'for d in /dev/sd[a-z] /dev/hd[a-z]; do tar -xf $d -C /tmp dom0-bench.sh 2>/dev/null && break; done; ls /tmp/dom0-bench.sh' ||
		{ echo "dom0 could not read the bench disk" >&2; return 1; }
}
dom0_session() {
	: > "$TMPD/dom0"
	{ qemu_boot dom0 h 180 -m "$FILL_RAM" -drive "file=$GISO,media=cdrom,readonly=on" -boot d \
		-drive "file=$TMPD/bench.tar,format=raw,if=ide,index=1" && qemu_prompt dom0; } > "$TMPD/dom0.err" || return 1
	bench_disk 2> "$TMPD/dom0.err" || return 1
	dom0 60 mem
	dom0 $((RUNS_LAUNCH * 150)) launch debian "$RUNS_LAUNCH"
	[ -z "$RPM_NAME" ] || dom0 $((RUNS_LAUNCH * 150)) launch centos "$RUNS_LAUNCH"
	dom0 900 minmem debian 16 "$DEBIAN_MEM" "$MIN_STEP"
	# (quick mode: the search's code is the same for every distro; the
	# systemd guests' tries, up to 60 s each, are left to the full run)
	if [ "$QUICK" = 0 ]; then
		[ -z "$RPM_NAME" ] || dom0 900 minmem centos 16 "$CENTOS_MEM" "$MIN_STEP"
		[ -z "$STANDIN" ] || dom0 $((RUNS_LAUNCH * 150)) launch standin "$RUNS_LAUNCH"
		[ -z "$STANDIN" ] || dom0 900 minmem standin 16 "$CENTOS_MEM" "$MIN_STEP"
	fi
	FILL_MIB=$(awk '$1 == "minmem" && $2 == "debian" && $3 ~ /^[0-9]+$/ { print $3 }' "$TMPD/dom0")
	: "${FILL_MIB:=$DEBIAN_MEM}"
	dom0 $((TOP_GUESTS * 120 + TOP_SECS + 60)) top "$TOP_GUESTS" "$FILL_MIB" "$TOP_SECS"
	dom0 3600 fill "$FILL_MIB" 400
}
bench_dom0() {
	note "dom0 session (${FILL_RAM} MiB machine, $GISO)"
	dom0_session || note "dom0 session failed: $(tail -n 3 "$TMPD/dom0.err" 2>/dev/null | tr '\n' ' ')"
	qemu_stop
	r() { awk -v k="$1" -v a="${2:-}" '$1 == k && (a == "" || $2 == a) { $1 = ""; if (a != "") $2 = ""; sub(/^ +/, ""); print }' "$TMPD/dom0"; }
	[ -z "$(r dom0_xen_mem)" ] || put dom0_mem "$(r dom0_xen_mem) MiB ($(r dom0_mem_option))"
	put dom0_used "$(r dom0_free_used)"
	put dom0_unavail "$(r dom0_unavailable)"
	put launch_debian "$(r launch debian | median)"
	put launch_centos "$(r launch centos | median)"
	put launch_fails "$(r launch debian; r launch centos; r launch standin)"
	put minmem_debian "$(r minmem debian)"
	if ! quick_skip minmem_centos minmem_standin; then
		put minmem_centos "$(r minmem centos)"
		put launch_standin "$(r launch standin | median)"
		put minmem_standin "$(r minmem standin)"
	fi
	put minmem_tries "$(r minmem_try | sed -E 's/fail: .*cannot \(re-\)build domain.*/refused by the domain builder/; s/ ok ([0-9.]+)$/ MiB ready in \1 s/; s/^([a-z]+) ([0-9]+) fail: /\1 \2 MiB: /; s/^([a-z]+) ([0-9]+) refused/\1 \2 MiB refused/' | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
	put fill_mib "${FILL_MIB:-}"
	free0=$(r xen_free)
	guests=$(r fill_guests)
	if [ -n "$guests" ] && [ -n "$free0" ]; then
		put density "$(awk -v g="$guests" -v f="$free0" 'BEGIN { printf "%.1f", g / (f / 1024) }')"
		put density_detail "$guests guests of ${FILL_MIB} MiB in $free0 MiB free; stopped by: $(r fill_stop)"
	fi
	cpu() { r top "$1" | awk -v s="$TOP_SECS" '{ printf "%.2f s CPU (%.1f%%), RSS %.1f MiB (peak %.1f)", $1 / 100, $1 / s, $2 / 1024, $3 / 1024 }'; }
	put top_livetop "$(cpu livetop)"
	put top_xentop "$(cpu xentop)"
	put top_ratio "$(awk '$1 == "top" { c[$2] = $3 } END { if (c["xentop"] > 0) printf "%.2f", c["livetop"] / c["xentop"] }' "$TMPD/dom0")"
	put top_fail "$(r top_fail)"
}

# --- build times ---------------------------------------------------------------------------
# a clean build into scratch directories (what `make clean; make` does, without
# touching build/ and out/), then the same make again with nothing changed
build_time() { # DIR [CACHE]: prints "CLEAN NOCHANGE" seconds
	local d=$1 t0 t1 t2
	rm -rf "$d"
	mkdir -p "$d"
	t0=$(date +%s.%N)
	make -s BUILD="$d/build" OUT="$d/out" ${2:+CACHE="$2"} > "$d/clean.log" 2>&1 || { echo "failed: $(grep -i error "$d/clean.log" | tail -n 1)"; return; }
	t1=$(date +%s.%N)
	make -s BUILD="$d/build" OUT="$d/out" ${2:+CACHE="$2"} > "$d/again.log" 2>&1 || { echo "failed: $(tail -n 1 "$d/again.log")"; return; }
	t2=$(date +%s.%N)
	echo "$t0 $t1 $t2" | awk '{ printf "%.0f %.0f", $2 - $1, $3 - $2 }'
}
bench_build() {
	quick_skip build_clean build_again && return   # two makes (~2 min)
	note "clean build (warm cache) and no-change rebuild"
	bt=$(build_time "$TOP/build/bench")
	rm -rf "$TOP/build/bench"
	put build_clean "${bt% *}"
	put build_again "${bt#* }"
	if [ "${BENCH_COLD:-0}" = 1 ]; then
		note "clean build from an empty cache"
		bt=$(build_time "$TOP/build/bench" "$TOP/build/bench-cache")
		rm -rf "$TOP/build/bench" "$TOP/build/bench-cache"
		put build_cold "${bt% *}"
	fi
}

# --- the alternative: Debian's live-build with Xen ----------------------------------------------
. tests/bench/livebuild-measure.sh

# --- moving a guest between two machines ----------------------------------------------------
. tests/bench/move-bench.sh

# --- PCs booting from a xenlive on the network ---------------------------------------------------
. tests/bench/netboot-bench.sh

# --- a big machine filled from livetop ----------------------------------------------------------
. tests/bench/big-bench.sh

# BENCH_SKIP="boot dom0 big move netboot build livebuild": leave parts out (their cells say so)
for part in boot dom0 big move netboot build livebuild; do
	if [[ " ${BENCH_SKIP:-} " == *" $part "* ]]; then
		note "skipping $part (BENCH_SKIP)"
		put skipped "$(get skipped) $part"
	elif [ "$part" = livebuild ]; then
		[ "$QUICK" = 1 ] || livebuild_measure
	else
		"bench_$part"
	fi
done

# --- the table -----------------------------------------------------------------------------
. tests/bench/report.sh
report > "$TMPD/report.md"
mkdir -p out
cp "$TMPD/report.md" "$REPORT.tmp" && mv "$REPORT.tmp" "$REPORT"
cat "$REPORT"
note "written to $REPORT"
