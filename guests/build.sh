#!/bin/bash
# usage: guests/build.sh   (run by make; configuration from the environment)
# Stage 3: everything guests boot, laid out as it goes on the ISO (/guests):
#   kernel/vmlinux            the guests' own small PV kernel (guests/kernel), a
#                             plain ELF: xl gunzipped it in ~1 s at every launch
#   kernel/debian-vmlinux.gz  Debian's stock kernel (fallback entry), gzip ELF
#   initrd.gz                 shared guest initramfs: busybox, xenlive-agent (also /init)
#   initrd-stock.gz           the same plus the modules Debian's kernel needs
#   ID.sqfs                   one image per distro folder guests/ID/ (read-only,
#                             shared by instances; guests/README.md)
#   catalog                   one line per distro, in the distros' order (format:
#                             monitor/README.md)
#   selftest/                 xenlive-selftest's guest (initramfs + disk)
# and build/guests/summary for the end of make (scripts/summary.sh): the guests in
# the ISO, where each came from when its build says (OUTDIR/source), the skipped ones.
# A distro whose build fails is skipped, loudly, unless its descriptor says
# required=yes or REQUIRE_GUESTS=1.  Slow products (kernel, images) are kept in $CACHE.
STAGE=guests
. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/apt.sh"
here=$TOP/guests

mapfile -t distros < <(distro_ids)
distro_inputs=() distro_tools=()
for id in "${distros[@]}"; do
	mapfile -t -O "${#distro_inputs[@]}" distro_inputs < <(distro_vars "$id")
	for t in $(distro_field "$id" tools); do distro_tools+=("${t%%:*}"); done
done
INPUT_FILES=(guests scripts/mod-closure.sh)
INPUT_VARS=(SOURCE_DATE_EPOCH GUEST_KERNEL_SOURCE STOCK_MEM STOCK_MIN_MEM "${distro_inputs[@]}")
# xenlive-agent (a static program) and the kernel are compiled here
INPUT_TOOLS=(gcc libc6-dev make "${distro_tools[@]}")

kdeb=$(apt_fetch "$(apt_kernel_package)")
bb=$(apt_fetch busybox-static)
src=$(apt_fetch "$GUEST_KERNEL_SOURCE")
stage_begin guests "${kdeb##*/}" "${bb##*/}" "${src##*/}"

out=$WORK/iso/guests
mkdir -p "$out/kernel" "$out/selftest"

# --- kernels -------------------------------------------------------------------------
cached_product guest-kernel "$WORK/guest-kernel" -f guests/kernel -t gcc make -x "${src##*/}" \
	-- "$here/kernel/build.sh" "$src"
gzip -dc "$WORK/guest-kernel/vmlinux.gz" > "$WORK/guest-vmlinux"
strip --strip-all -o "$out/kernel/vmlinux" "$WORK/guest-vmlinux"
rm "$WORK/guest-vmlinux"
kver=$(apt_kernel_tree "$WORK/kernel" "$kdeb")
extract_vmlinux "$WORK/kernel/boot/vmlinuz-$kver" "$WORK/vmlinux"
gzip -1 -n -c "$WORK/vmlinux" > "$out/kernel/debian-vmlinux.gz"
kmods=$WORK/kernel/lib/modules/$kver

# --- initramfs trees ------------------------------------------------------------------------
apt_extract "$WORK/bb" "$bb"
make -s -C "$here/agent" O="$WORK/agent" > "$WORK/agent.log" 2>&1 || die "xenlive-agent did not build: $(tail -n 3 "$WORK/agent.log")"
# pack ROOT OUT: a reproducible gzip newc cpio of ROOT
pack() {
	check_no_absolute_links "$1"
	cpio_tree "$1" | gzip -9 -n > "$2"
}
# busybox_root ROOT APPLET...: a tree with busybox and the named applets
busybox_root() {
	local root=$1 a
	shift
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
	stage_file "$root" "$WORK/bb/bin/busybox" bin/busybox
	for a in "$@"; do stage_link "$root" busybox "bin/$a"; done
}
# add_modules ROOT NAME...: NAME and what it needs, for Debian's kernel
add_modules() {
	local root=$1 ko f
	shift
	"$TOP/scripts/mod-closure.sh" "$kmods" "$@" > "$WORK/kos" || die "module closure failed"
	while read -r ko; do stage_file "$root" "$kmods/$ko" "lib/modules/$kver/$ko"; done < "$WORK/kos"
	for f in modules.builtin modules.order; do stage_file "$root" "$kmods/$f" "lib/modules/$kver/$f"; done
	depmod -b "$root" "$kver"
}

# the guest initramfs, shared by every distro
g=$WORK/guest-root
# /init is xenlive-agent under another name (guests/agent/src/init.c; also
# udhcpc's event script): the busybox script it replaced started ~25
# programs, 15-70 ms each in a PV guest under emulation.  busybox stays for
# udhcpc, modprobe (Debian's kernel) and the rescue shell
busybox_root "$g" sh mount cat ls ip udhcpc modprobe
stage_file "$g" "$WORK/agent/xenlive-agent" bin/xenlive-agent 0755
stage_link "$g" bin/xenlive-agent init
pack "$g" "$out/initrd.gz"
add_modules "$g" xen-blkfront xen-netfront squashfs overlay
pack "$g" "$out/initrd-stock.gz"

# the self-test guest (xenlive-selftest)
s=$WORK/selftest-root
busybox_root "$s" sh mount modprobe insmod sleep cat head tr ip ping
stage_file "$s" "$here/selftest/init" init 0755
add_modules "$s" xen-blkfront xen-netfront
pack "$s" "$out/selftest/initrd.gz"
{ printf 'XENLIVE-SELFTEST-DISK %s' "$STAGE_KEY"; head -c 1048576 /dev/zero; } | head -c 1048576 > "$out/selftest/disk.img"

# --- distro images: one per folder guests/ID/ (guests/README.md) ---------------------
pretty() { sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1" | tr -d '|'; }
catalog=$out/catalog
{
	echo "# xenlive guest catalogue: id|display name|image|memory_mib|min_memory_mib|kernel|ramdisk|cmdline"
	echo "# paths are relative to this file; the display name is the image's own PRETTY_NAME"
} > "$catalog"
built=() sources=() skipped=()
# every guest's kernel command line.  noreplace-smp: a one-vCPU guest's
# kernel otherwise rewrites each of its thousands of LOCK prefixes at boot,
# one hypercall-backed text poke apiece (~0.5 s under emulation); left in,
# they cost a few cycles per atomic operation.  feature_persistent=0: with
# persistent grants the disk front end keeps a page per grant it may use,
# ~4.5 MiB of a guest's memory before init starts, and a 24 MiB guest ran
# out of memory during boot
cmdline="console=hvc0 quiet noreplace-smp xen_blkfront.feature_persistent=0"
# distro ID: builds guests/ID (or takes it from the cache), adds its catalogue
# line; a failed build is skipped unless the distro is required
distro() {
	local id=$1 fallback name source from mem min extra required tools=() vars=() files=() t rc=0
	fallback=$(distro_field "$id" name) mem=$(distro_setting "$id" mem) min=$(distro_setting "$id" min_mem)
	extra=$(distro_field "$id" cmdline) required=$(distro_field "$id" required)
	case $id in [a-z]*[!a-z0-9_]* | [!a-z]*) die "guests/$id: a distro's folder name must be [a-z][a-z0-9_]*" ;; esac
	case $mem$min in '' | *[!0-9]*) die "guests/$id/distro: mem and min_mem must be numbers of MiB (got '$mem', '$min')" ;; esac
	[ "$min" -le "$mem" ] || die "guests/$id/distro: min_mem $min is above mem $mem"
	case $fallback$extra in *'|'*) die "guests/$id/distro: name and cmdline may not hold '|'" ;; esac
	[ -x "$here/$id/build.sh" ] || die "guests/$id has no executable build.sh"
	for t in $(distro_field "$id" tools); do tools+=("${t%%:*}"); done
	mapfile -t vars < <(distro_field "$id" vars | xargs -n1)
	mapfile -t files < <(distro_field "$id" files | xargs -rn1)
	for t in "${files[@]}"; do
		case $t in /* | *..*) die "guests/$id/distro: files= names paths in the checkout, not '$t'" ;; esac
	done
	cached_product "$id" "$WORK/$id" -f "guests/$id" "${files[@]}" -v SOURCE_DATE_EPOCH "${vars[@]}" -t "${tools[@]}" \
		-- "$here/$id/build.sh" 2> "$WORK/$id.err" || rc=$?
	cat "$WORK/$id.err" >&2
	if [ "$rc" = 0 ] && [ -f "$WORK/$id/$id.sqfs" ]; then
		mv "$WORK/$id/$id.sqfs" "$out/$id.sqfs"
		name=$(pretty "$WORK/$id/os-release" 2>/dev/null || true)
		# livetop names the source too, without its URLs: "CentOS Stream 9 (from a local copy)"
		source=$(head -n1 "$WORK/$id/source" 2>/dev/null || true)
		from=$(printf '%s' "$source" | sed -E 's#[[:space:]]*(https?|ftp|file)://.*##' | tr -d '|()')
		echo "$id|${name:-$fallback}${from:+ ($from)}|$id.sqfs|$mem|$min|kernel/vmlinux|initrd.gz|$cmdline${extra:+ $extra}" >> "$catalog"
		built+=("$id (${name:-$fallback})")
		# where its build says the image came from (OUTDIR/source, guests/README.md)
		[ -z "$source" ] || sources+=("$id: ${name:-$fallback} $source")
	else
		[ "$rc" != 0 ] || echo "guests/$id/build.sh: error: wrote no $id.sqfs" > "$WORK/$id.err"
		[ "$required" != yes ] || die "required guest $id did not build: $(grep -m1 'error' "$WORK/$id.err")"
		skipped+=("$id: $(grep -m1 'error' "$WORK/$id.err" | sed 's/^[a-z_-]*: error: //')")
	fi
	rm -rf "${WORK:?}/$id" "$WORK/$id.err"
}
for id in "${distros[@]}"; do distro "$id"; done
# the Debian image on Debian's own kernel (a fallback for odd hardware)
if [ -f "$out/debian.sqfs" ]; then
	name=$(grep '^debian|' "$catalog" | cut -d'|' -f2)
	echo "debian_stock|Stock-kernel $name (Debian's own kernel)|debian.sqfs|$STOCK_MEM|$STOCK_MIN_MEM|kernel/debian-vmlinux.gz|initrd-stock.gz|$cmdline xenlive.modules=1" >> "$catalog"
fi

rm -rf "$WORK/kernel" "$WORK/bb" "$g" "$s" "$WORK/vmlinux" "$WORK/guest-kernel" "$WORK/agent"
normalise_epoch "$WORK/iso"
{
	echo "guests in the ISO: ${built[*]:-none}"
	for s in "${sources[@]}"; do echo "$s"; done
	for s in "${skipped[@]}"; do echo "SKIPPED $s"; done
} > "$WORK/summary"
[ "${#skipped[@]}" -eq 0 ] || info "=================================================================="
while read -r line; do info "$line"; done < "$WORK/summary"
if [ "${#skipped[@]}" -gt 0 ]; then
	info "=================================================================="
	[ "$REQUIRE_GUESTS" != 1 ] || die "REQUIRE_GUESTS=1 and a guest was skipped"
fi
stage_end
