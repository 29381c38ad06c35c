#!/bin/bash
# Checks of the build itself (needs root and a built ISO, as after `make`):
# the ISO's layout, the no-change rebuild and its summary (which CentOS, or
# why none), a config change rebuilding only what depends on it, an
# interrupted build leaving nothing behind, two builds giving the same bytes,
# and clear errors for bad configuration.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/check.sh
[ -f out/xenlive.iso ] || { fail "out/xenlive.iso is missing (run make first)"; finish; }
iso_sha=$(cut -d' ' -f1 out/SHA256SUMS)

# --- what is on the ISO -------------------------------------------------------------------
xorriso -indev out/xenlive.iso -find / -type f 2>/dev/null | tr -d "'" > "$TMPD/files"
for f in /boot/xen.gz /boot/vmlinuz /boot/initrd.img /isolinux/isolinux.bin /isolinux/mboot.c32 \
	/boot/grub/grub.cfg /boot/grub/efi.img /xenlive.id /guests/kernel/vmlinux; do
	grep -qx "$f" "$TMPD/files" && pass "ISO holds $f as a plain file" || fail "ISO lacks $f"
done
xorriso -indev out/xenlive.iso -report_el_torito plain 2>/dev/null > "$TMPD/eltorito"
grep -qE 'El Torito boot img : +1 +BIOS' "$TMPD/eltorito" && grep -qE 'El Torito boot img : +2 +UEFI' "$TMPD/eltorito" &&
	pass "ISO has El Torito boot images for BIOS and UEFI" || fail "El Torito: $(grep 'boot img' "$TMPD/eltorito" | tr '\n' ' ')"
[ "$(od -An -tx1 -j510 -N2 out/xenlive.iso | tr -d ' ')" = 55aa ] && pass "ISO has an MBR (boots as a USB disk)" || fail "ISO has no MBR signature"
[ "$(dd if=out/xenlive.iso bs=1 skip=512 count=8 status=none)" = "EFI PART" ] &&
	pass "ISO has a GPT (UEFI USB boot)" || fail "ISO has no GPT header"
xorriso -osirrox on -indev out/xenlive.iso -extract /xenlive.id "$TMPD/id" >/dev/null 2>&1
[ -s "$TMPD/id" ] && [ "$(cat "$TMPD/id")" = "$(cat build/rootfs/build-id)" ] &&
	pass "ISO carries the id its dom0 looks for" || fail "xenlive.id does not match build/rootfs/build-id"
# what a netbooted dom0 fetches: every file of netboot/files, as the list
# says (gzipped from netboot/gz when marked gz), has the sum it lists
mkdir -p "$TMPD/nb"
xorriso -osirrox on -indev out/xenlive.iso -extract /netboot "$TMPD/nb/netboot" -extract /guests "$TMPD/nb/guests" \
	-extract /xenlive.id "$TMPD/nb/xenlive.id" >/dev/null 2>&1
nb_bad='' nb_n=0 nb_gz=''
while read -r sum path gz; do
	nb_n=$((nb_n + 1))
	if [ -n "$gz" ]; then
		got=$(gunzip -c "$TMPD/nb/netboot/gz/$path.gz" 2>/dev/null | sha256sum | cut -d' ' -f1)
		nb_gz="$nb_gz $path ($(stat -c %s "$TMPD/nb/netboot/gz/$path.gz") of $(stat -c %s "$TMPD/nb/$path") bytes)"
	else
		got=$(sha256sum < "$TMPD/nb/$path" 2>/dev/null | cut -d' ' -f1)
	fi
	[ "$got" = "$sum" ] && [ "$(sha256sum < "$TMPD/nb/$path" | cut -d' ' -f1)" = "$sum" ] || nb_bad="$nb_bad $path"
done < "$TMPD/nb/netboot/files"
[ "$nb_n" -ge 5 ] && [ -z "$nb_bad" ] && grep -qx '[0-9a-f]\{64\}  guests/kernel/vmlinux gz' "$TMPD/nb/netboot/files" &&
	pass "netboot/files: the $nb_n files a netbooted dom0 fetches match their sums, gzipped on the wire:$nb_gz" ||
	fail "netboot/files ($nb_n lines): wrong sums:${nb_bad:- none}; gzipped:${nb_gz:- none}"
zstd -dc build/rootfs/initrd.img > "$TMPD/initrd.cpio"
cpio -itv --quiet < "$TMPD/initrd.cpio" > "$TMPD/cpio" 2>/dev/null
for f in "usr/lib/xen-[0-9.]+/bin/xl" usr/sbin/xl usr/bin/bash usr/bin/flock usr/sbin/losetup usr/bin/ip \
	usr/lib/x86_64-linux-gnu/libgcc_s.so.1 "usr/lib/x86_64-linux-gnu/libxenlight.so.[0-9.]+" etc/xen/scripts/block \
	etc/xen/scripts/vif-bridge init etc/inittab etc/mdev.conf usr/bin/setfont usr/sbin/xenlive-report \
	usr/lib/xenlive/screen-font usr/share/consolefonts/terminus-8x16.psf usr/share/consolefonts/terminus-16x32.psf; do
	grep -qE " $f( |$)" "$TMPD/cpio" && pass "initramfs holds $f" || fail "initramfs lacks $f"
done
grep -qE '^-rwx.* usr/lib/xenlive/xenlive-hotplug$' "$TMPD/cpio" && pass "initramfs holds the hotplug program" ||
	fail "initramfs lacks usr/lib/xenlive/xenlive-hotplug"
for hp in xenlive-block xenlive-vif; do
	grep -qE " etc/xen/scripts/$hp -> \.\./\.\./\.\./usr/lib/xenlive/xenlive-hotplug$" "$TMPD/cpio" &&
		pass "etc/xen/scripts/$hp is a relative link to the hotplug program" ||
		fail "etc/xen/scripts/$hp: $(grep " etc/xen/scripts/$hp" "$TMPD/cpio")"
done
# drivers for real PCs (rootfs/modules): keyboards, hosts, storage, NICs
for m in usbhid hid-generic i2c-hid-acpi hid-apple hid-logitech-dj xhci-pci ehci-pci uhci-hcd ahci nvme vmd \
	sdhci-pci e1000 e1000e igb igc r8169 tg3 virtio_net; do
	grep -qE " usr/lib/modules/[^ ]+/$m\.ko$" "$TMPD/cpio" && pass "initramfs holds the $m driver" || fail "initramfs lacks $m.ko"
done
mib=$(( $(stat -c %s "$TMPD/initrd.cpio") / 1048576 ))
# (45 MiB since the guests' DHCP server is dnsmasq: with its libraries
# about 5 MiB of the total)
[ "$mib" -le 46 ] && pass "dom0's root is $mib MiB unpacked (at most 46)" || fail "dom0's root is $mib MiB unpacked, over 46"
# the menus: Xen's screen mode on every entry, VGA text in Safe mode, dom0's
# kernel messages off the screen except in Safe mode
xorriso -osirrox on -indev out/xenlive.iso -extract /isolinux/isolinux.cfg "$TMPD/isolinux.cfg" >/dev/null 2>&1
xorriso -osirrox on -indev out/xenlive.iso -extract /boot/grub/grub.cfg "$TMPD/grub.cfg" >/dev/null 2>&1
for menu in isolinux grub; do
	grep -E '^  (APPEND|multiboot2|module2 /boot/vmlinuz)' "$TMPD/$menu.cfg" > "$TMPD/lines"
	n=$(grep -cE 'APPEND|multiboot2' "$TMPD/lines")
	gfx=$(grep -cE '(APPEND|multiboot2) .* vga=gfx-1024x768x32( |$)' "$TMPD/lines")
	text=$(grep -cE '(APPEND|multiboot2) .*maxcpus=1 .*vga=text-80x25' "$TMPD/lines")
	tty0=$(grep -c 'console=tty0' "$TMPD/lines")
	[ "$n" -ge 5 ] && [ "$gfx" = $((n - 1)) ] && [ "$text" = 1 ] &&
		pass "$menu: $gfx of $n entries set the 1024x768 screen, Safe mode VGA text" ||
		fail "$menu: $n entries, $gfx with vga=gfx-1024x768x32, $text Safe mode with VGA text"
	[ "$tty0" = 1 ] && grep 'console=tty0' "$TMPD/lines" | grep -q 'console=tty0 console=hvc0 loglevel=7' &&
		pass "$menu: only Safe mode puts dom0's kernel messages on the screen (hvc0 stays /dev/console)" ||
		fail "$menu: console=tty0 on $tty0 entries"
done
abs=$(awk '$1 ~ /^l/ && $NF ~ /^\// { print $(NF-2) " -> " $NF }' "$TMPD/cpio" | head -n 3)
[ -z "$abs" ] && pass "initramfs has no absolute symlinks" || fail "initramfs has absolute symlinks: $abs"

# --- no-change rebuild ---------------------------------------------------------------------
make -s > "$TMPD/make2" 2>&1
if [ "$(grep -c 'up to date' "$TMPD/make2")" -eq 4 ] && [ "$(cut -d' ' -f1 out/SHA256SUMS)" = "$iso_sha" ]; then
	pass "a second make with nothing changed rebuilds nothing"
else
	fail "no-change make: $(tr '\n' ' ' < "$TMPD/make2")"
fi
# the summary at the end of make says which CentOS the ISO carries, or why none
xorriso -osirrox on -indev out/xenlive.iso -extract /guests/catalog "$TMPD/catalog" >/dev/null 2>&1
if grep -q '^centos|' "$TMPD/catalog"; then
	line=$(grep -m1 '^xenlive: centos: ' "$TMPD/make2")
	grep -qE '^xenlive: centos: .+ from (the mirror|a local copy|the repositories) [a-z]+://' <<< "$line" &&
		pass "the build summary says where the ISO's CentOS came from: ${line#xenlive: }" ||
		fail "the ISO carries centos, the summary says: $(grep -E 'guests in|centos' "$TMPD/make2" | tr '\n' '|')"
else
	line=$(grep -m1 '^xenlive: SKIPPED centos: ' "$TMPD/make2")
	[ -n "${line#xenlive: SKIPPED centos: }" ] && pass "the build summary says why the ISO has no CentOS: ${line#xenlive: }" ||
		fail "the ISO has no centos, the summary says: $(grep -E 'guests in|centos' "$TMPD/make2" | tr '\n' '|')"
fi

# --- a configuration change rebuilds only what depends on it --------------------------------
alt=$TMPD/alt
mkdir -p "$alt"
cp -a build "$alt/build"
rm -rf "$alt/build/tests"
make -s BUILD="$alt/build" OUT="$alt/out" MENU_TIMEOUT=7 > "$TMPD/make3" 2>&1
if grep -q '^hypervisor: up to date' "$TMPD/make3" && grep -q '^rootfs: up to date' "$TMPD/make3" &&
	grep -q '^guests: up to date' "$TMPD/make3" && grep -q '^iso: building' "$TMPD/make3" &&
	xorriso -osirrox on -indev "$alt/out/xenlive.iso" -extract /isolinux/isolinux.cfg "$TMPD/isolinux.cfg" 2>/dev/null &&
	grep -qx 'TIMEOUT 70' "$TMPD/isolinux.cfg"; then
	pass "changing MENU_TIMEOUT rebuilds only the ISO stage, with the new value"
else
	fail "config change: $(tr '\n' ' ' < "$TMPD/make3")"
fi
rm -rf "$alt"

# --- interrupted build, then a clean second build: same bytes -------------------------------
fresh=$TMPD/fresh
mkdir -p "$fresh"
# as Ctrl-C in a terminal: SIGINT to the whole process group (background jobs
# start with SIGINT ignored, so restore it first)
setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' make -s BUILD="$fresh/build" OUT="$fresh/out" > "$TMPD/make4" 2>&1 &
pid=$!
was_there=no
for _ in $(seq 600); do [ -d "$fresh/build/rootfs.work/root" ] && { was_there=yes; break; }; sleep 0.1; done
sleep 2
[ -d "$fresh/build/rootfs.work" ] || was_there=no   # the signal must land while it works
kill -INT -- "-$pid" 2>/dev/null
rc=0
wait "$pid" 2>/dev/null || rc=$?
sleep 1
left=$(find "$fresh/build" -maxdepth 1 -name '*.work')
mounts=$(grep -c "$fresh" /proc/mounts)
loops=$(losetup -a 2>/dev/null | grep -c "$fresh")
if [ "$was_there" = yes ] && [ "$rc" -ne 0 ] && [ -z "$left" ] && [ "$mounts" -eq 0 ] && [ "$loops" -eq 0 ] &&
	[ ! -e "$fresh/out/xenlive.iso" ] && [ ! -e "$fresh/build/rootfs" ]; then
	pass "Ctrl-C in the middle of the rootfs stage (its work directory existed) stops make (status $rc) and leaves no work directory, half stage, mount or loop device"
else
	fail "after Ctrl-C: work dir seen: $was_there, make status $rc, work dirs [$left], $mounts mounts, $loops loop devices, rootfs $(ls -d "$fresh/build/rootfs" 2>&1)"
fi
if make -s BUILD="$fresh/build" OUT="$fresh/out" > "$TMPD/make5" 2>&1; then
	pass "the build after an interruption completes"
	if cmp -s "$fresh/out/xenlive.iso" out/xenlive.iso; then
		pass "two builds from the same cache give the same ISO bytes ($iso_sha)"
	else
		fail "rebuilt ISO differs: $(cut -c1-16 "$fresh/out/SHA256SUMS") vs ${iso_sha:0:16}"
	fi
else
	fail "the build after an interruption failed: $(tail -n 3 "$TMPD/make5" | tr '\n' ' ')"
fi
rm -rf "$fresh"

# --- bad input: errors before anything is downloaded -------------------------------------
empty=$TMPD/empty-cache
fails_with "unknown XEN_VERSION stops before downloading" "unknown XEN_VERSION '4.99'" \
	make -s CACHE="$empty" BUILD="$TMPD/b" OUT="$TMPD/o" XEN_VERSION=4.99
[ ! -e "$empty" ] && pass "nothing was downloaded for a bad XEN_VERSION" || fail "a cache was created for a bad XEN_VERSION"
fails_with "an unreachable mirror is named with the variable that overrides it" \
	'cannot read the Debian archive at http://127\.0\.0\.1:9/debian .*override with MIRROR=' \
	make -s CACHE="$empty" BUILD="$TMPD/b" OUT="$TMPD/o" MIRROR=http://127.0.0.1:9/debian SECURITY_MIRROR=
[ "$(grep -c 'error' "$TMPD/fw.out")" -eq 1 ] && pass "the unreachable-mirror error is one line" ||
	fail "unreachable mirror printed $(grep -c error "$TMPD/fw.out") error lines"
[ ! -e "$TMPD/o/xenlive.iso" ] && [ -z "$(find "$TMPD/b" -name '*.work' 2>/dev/null)" ] &&
	pass "a failed build leaves no ISO and no half-built stage" || fail "a failed build left output behind"
finish
