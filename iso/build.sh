#!/bin/bash
# usage: iso/build.sh   (run by make; configuration from the environment)
# Stage 4: the hybrid ISO — boots as CD and as USB disk, on BIOS (isolinux +
# mboot.c32) and UEFI (a GRUB EFI image using multiboot2).  Menus for both
# are generated from iso/entries.  Reproducible: same inputs, same bytes.
# netboot/ holds what a booted xenlive serves to the PCs booting from it
# (xenlive-serve): lpxelinux (BIOS), a GRUB network image (UEFI), their menus
# (the same entries, with @SERVER@ for the server's address), "files", the
# checksums of what a netbooted dom0 fetches into its RAM, and gz/, gzipped
# copies of those that shrink to half or less.
#   in:  build/hypervisor, build/rootfs, build/guests, iso/entries,
#        Debian's isolinux, pxelinux, syslinux-common and grub-efi-amd64-bin packages
#   out: out/xenlive.iso, out/SHA256SUMS
STAGE=iso
. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/apt.sh"
here=$TOP/iso

INPUT_FILES=(iso)
INPUT_VARS=(ISO_LABEL DOM0_MEM DOM0_MEM_PCT DOM0_MEM_CHOICES XEN_VGA MENU_TIMEOUT SOURCE_DATE_EPOCH)
INPUT_TOOLS=(grub-mkimage xorriso mkfs.vfat mcopy)
INPUT_STAGES=(hypervisor rootfs guests)
OUTPUTS=("$OUT/xenlive.iso" "$OUT/SHA256SUMS")

mapfile -t debs < <(apt_fetch isolinux pxelinux syslinux-common grub-efi-amd64-bin)
stage_begin iso "${debs[@]##*/}"

apt_extract "$WORK/pkg" "${debs[@]}"
pkg=$WORK/pkg
iso=$WORK/tree
mkdir -p "$iso/boot/grub" "$iso/isolinux" "$iso/netboot"
cp "$BUILD/hypervisor/xen.gz" "$iso/boot/xen.gz"
cp "$BUILD/rootfs/vmlinuz" "$iso/boot/vmlinuz"
cp "$BUILD/rootfs/initrd.img" "$iso/boot/initrd.img"
cp -r "$BUILD/guests/iso/." "$iso/"
id=$(cat "$BUILD/rootfs/build-id")
printf '%s\n' "$id" > "$iso/xenlive.id"
xen_version=$(cat "$BUILD/hypervisor/version")

# --- the menu ----------------------------------------------------------------
xen_base=$(cat "$BUILD/hypervisor/cmdline")
# swiotlb=8192: a 16 MiB DMA bounce buffer instead of 64 MiB (a CD or USB stick
# needs little; dom0's RAM serves ~2.4 MiB per running guest)
# dom0's kernel messages go to hvc0 (the serial port) and its log, not to the
# screen, where livetop runs (Safe mode adds them on the screen: console=tty0
# console=hvc0, the last one named stays dom0's /dev/console)
dom0_base="console=hvc0 earlyprintk=xen quiet swiotlb=8192"
# dom0_mem MIB ENTRY_MEM: Xen's dom0_mem option.  An entry without its own
# size gets DOM0_MEM MiB plus DOM0_MEM_PCT % of the host's memory (Xen's
# "<size>+<frac>%", fixed at boot: dom0 does not balloon), so dom0's share
# follows the host and its ~2.4 MiB per guest never stops a fill first.  The
# same value as max: keeps dom0's kernel from sizing itself for all host memory.
# The menu's fixed sizes (DOM0_MEM_CHOICES) stay exact overrides.
dom0_mem() {
	local v="${1}M"
	[ -n "$2" ] || [ "${DOM0_MEM_PCT:-0}" = 0 ] || v="${1}M+${DOM0_MEM_PCT}%"
	printf 'dom0_mem=%s,max:%s' "$v" "$v"
}
# entries: prints "id|label|xen options|dom0 options" with everything expanded
entries() {
	local id label mem xen dom0 m
	sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$here/entries" |
	while IFS='|' read -r id label mem xen dom0; do
		{ [ -n "$id" ] && [ -n "$label" ]; } || die "iso/entries: malformed line: $id|$label|$mem|$xen|$dom0"
		if [ "$mem" = choices ]; then read -r -a sizes <<< "$DOM0_MEM_CHOICES"; set -- "${sizes[@]}"; else set -- "${mem:-$DOM0_MEM}"; fi
		# the screen mode: XEN_VGA unless the entry names its own
		case " $xen " in *" vga="*) ;; *) xen="vga=$XEN_VGA${xen:+ $xen}" ;; esac
		for m in "$@"; do
			printf '%s|%s|%s|%s\n' "${id//@MEM@/$m}" "$(printf '%s' "$label" | sed "s/@MEM@/$m/g; s/@XEN@/$xen_version/g")" \
				"$(dom0_mem "$m" "$mem") $xen_base${xen:+ $xen}" "$dom0_base xenlive.entry=${id//@MEM@/$m}${dom0:+ $dom0}"
		done
	done
}
entries > "$WORK/entries"
[ -s "$WORK/entries" ] || die "iso/entries has no entries"

# isolinux: mboot.c32 loads xen.gz and hands it vmlinuz and initrd.img
{
	echo "SERIAL 0 115200"
	echo "UI menu.c32"
	echo "MENU TITLE xenlive $xen_version - live Xen"
	echo "TIMEOUT $((MENU_TIMEOUT * 10))"
	echo "PROMPT 0"
	echo "DEFAULT default"
	while IFS='|' read -r id label xen dom0; do
		echo
		echo "LABEL $id"
		echo "  MENU LABEL $label"
		echo "  KERNEL /isolinux/mboot.c32"
		echo "  APPEND /boot/xen.gz $xen --- /boot/vmlinuz $dom0 --- /boot/initrd.img"
	done < "$WORK/entries"
} > "$iso/isolinux/isolinux.cfg"
cp "$pkg/usr/lib/ISOLINUX/isolinux.bin" "$iso/isolinux/"
for m in ldlinux.c32 libcom32.c32 libutil.c32 menu.c32 mboot.c32; do
	cp "$pkg/usr/lib/syslinux/modules/bios/$m" "$iso/isolinux/"
done

# GRUB (UEFI): multiboot2 xen.gz, module2 vmlinuz and initrd.img
{
	echo "serial --unit=0 --speed=115200"
	echo "terminal_input console serial"
	echo "terminal_output console serial"
	echo "set timeout=$MENU_TIMEOUT"
	echo "set default=default"
	echo "set gfxmode=1024x768,800x600,auto"
	echo "set gfxpayload=keep"
	echo "insmod all_video"
	while IFS='|' read -r id label xen dom0; do
		echo
		hotkey=$(printf '%s' "$label" | sed -n 's/.*\^\(.\).*/\1/p' | tr '[:upper:]' '[:lower:]')
		echo "menuentry '${label/^/}' --id $id${hotkey:+ --hotkey=$hotkey} {"
		echo "  echo 'Loading Xen and dom0...'"
		echo "  multiboot2 /boot/xen.gz $xen"
		echo "  module2 /boot/vmlinuz $dom0"
		echo "  module2 --nounzip /boot/initrd.img"
		echo "}"
	done < "$WORK/entries"
} > "$iso/boot/grub/grub.cfg"

# the EFI image's own config finds this ISO by its unique id file
touch "$iso/boot/grub/xenlive-$id.id"
cat > "$WORK/early.cfg" <<EOC
search --no-floppy --set=root --file /boot/grub/xenlive-$id.id
set prefix=(\$root)/boot/grub
configfile /boot/grub/grub.cfg
EOC
grub-mkimage -O x86_64-efi -d "$pkg/usr/lib/grub/x86_64-efi" -c "$WORK/early.cfg" -p /boot/grub \
	-o "$WORK/BOOTX64.EFI" \
	iso9660 part_gpt part_msdos fat multiboot2 gzio search search_fs_file normal configfile \
	serial terminal echo test all_video efi_gop efi_uga video video_fb font gfxterm boot ||
	die "grub-mkimage failed"
size_kb=$(( ($(stat -c %s "$WORK/BOOTX64.EFI") / 1024 + 256) / 32 * 32 + 64 ))
mkfs.vfat --invariant -i 58454e4c -n XENLIVE_EFI -C "$iso/boot/grub/efi.img" "$size_kb" >/dev/null
touch -d "@$SOURCE_DATE_EPOCH" "$WORK/BOOTX64.EFI"
export SOURCE_DATE_EPOCH
mmd -i "$iso/boot/grub/efi.img" ::/EFI ::/EFI/BOOT
mcopy -m -i "$iso/boot/grub/efi.img" "$WORK/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

# --- netboot: what xenlive-serve hands the PCs booting from this one -----------
# A netbooted dom0 keeps the guests' images in its RAM (a tmpfs): each of
# its entries gives dom0 that much more memory (MiB, rounded up), so it has
# what a dom0 booted from the stick has
images_mib=$(( ($(du -sk --apparent-size "$iso/guests" | cut -f1) + 1023) / 1024 ))
more_mem() { perl -pe "s/\\b(dom0_mem=|max:)(\\d+)M/\$1 . (\$2 + $images_mib) . 'M'/ge"; }
# BIOS: lpxelinux (pxelinux that also speaks HTTP) with the same menu; its
# modules come over TFTP (the server links the isolinux/ ones there), Xen,
# dom0's kernel and root over HTTP: TFTP sends a block and waits for its
# answer, and took 75 of a netboot's 130 s for these 24 MiB under QEMU
cp "$pkg/usr/lib/PXELINUX/lpxelinux.0" "$iso/netboot/"
sed -e 's|^MENU TITLE .*|& (network boot from @SERVER@)|' -e 's|/isolinux/mboot.c32|mboot.c32|' \
	-e 's|APPEND /boot/xen.gz|APPEND http://@SERVER@/boot/xen.gz|' \
	-e 's|--- /boot/vmlinuz |--- http://@SERVER@/boot/vmlinuz xenlive.netboot=@SERVER@ |' \
	-e 's|--- /boot/initrd.img|--- http://@SERVER@/boot/initrd.img|' "$iso/isolinux/isolinux.cfg" | more_mem > "$iso/netboot/pxelinux.cfg"
# UEFI: a GRUB network image; its menu comes over TFTP, the same menu, whose
# files come over HTTP: (http,SERVER)
sed -e 's|^  module2 /boot/vmlinuz |  module2 /boot/vmlinuz xenlive.netboot=@SERVER@ |' \
	-e '1i set root=(http,@SERVER@)' "$iso/boot/grub/grub.cfg" | more_mem > "$iso/netboot/grub.cfg"
grep -q 'xenlive.netboot=@SERVER@' "$iso/netboot/pxelinux.cfg" && grep -q 'xenlive.netboot=@SERVER@' "$iso/netboot/grub.cfg" ||
	die "the netboot menus lack the server's address (isolinux.cfg or grub.cfg changed shape)"
grep -q "dom0_mem=$((DOM0_MEM + images_mib))M" "$iso/netboot/pxelinux.cfg" && grep -q "dom0_mem=$((DOM0_MEM + images_mib))M" "$iso/netboot/grub.cfg" ||
	die "the netboot menus do not give dom0 $images_mib MiB more for the guests' images"
grub-mkimage -O x86_64-efi -d "$pkg/usr/lib/grub/x86_64-efi" -p /grub -o "$iso/netboot/grubnetx64.efi" \
	efinet tftp http net multiboot2 gzio normal configfile \
	serial terminal echo test all_video efi_gop efi_uga video video_fb font gfxterm boot ||
	die "grub-mkimage (network image) failed"
# what a netbooted dom0 fetches (xenlive.id first: this build's, or nothing):
# "SHA256  PATH", the sum of the file as it must end up; "SHA256  PATH gz"
# when netboot/gz/PATH.gz holds it gzipped, for a file that gzip halves at
# least (the guest kernel, a plain ELF: 16 MiB, 2.3 gzipped; the wire, not
# gunzip, is what a netboot waits for)
(cd "$iso" && find xenlive.id guests -type f | LC_ALL=C sort | xargs sha256sum) > "$WORK/sums"
while read -r sum path; do
	mkdir -p "$iso/netboot/gz/$(dirname "$path")"
	gzip -9n < "$iso/$path" > "$iso/netboot/gz/$path.gz" || die "gzip $path failed"
	if [ $(( $(stat -c %s "$iso/netboot/gz/$path.gz") * 2 )) -le "$(stat -c %s "$iso/$path")" ]; then
		echo "$sum  $path gz"
	else
		rm "$iso/netboot/gz/$path.gz"
		echo "$sum  $path"
	fi
done < "$WORK/sums" > "$WORK/files"
find "$iso/netboot/gz" -depth -type d -empty -delete
mv "$WORK/files" "$iso/netboot/files"

# --- the image ---------------------------------------------------------------------
normalise_epoch "$iso"
info "writing the ISO"
xorriso -as mkisofs -quiet -V "$ISO_LABEL" -r -J -joliet-long \
	-isohybrid-mbr "$pkg/usr/lib/ISOLINUX/isohdpfx.bin" \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	-eltorito-alt-boot -e boot/grub/efi.img -no-emul-boot -isohybrid-gpt-basdat \
	-o "$WORK/xenlive.iso" "$iso" 2> "$WORK/xorriso.log" ||
	die "xorriso failed: $(tail -n 3 "$WORK/xorriso.log")"
mkdir -p "$OUT"
rm -f "$OUT/SHA256SUMS"
mv "$WORK/xenlive.iso" "$OUT/xenlive.iso.tmp"
mv "$OUT/xenlive.iso.tmp" "$OUT/xenlive.iso"
(cd "$OUT" && sha256sum xenlive.iso > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
cp "$WORK/entries" "$WORK/menu-entries"
rm -rf "$pkg" "$iso"
info "out/xenlive.iso: $(du -m "$OUT/xenlive.iso" | cut -f1) MiB, sha256 $(cut -c1-16 "$OUT/SHA256SUMS")..."
stage_end
