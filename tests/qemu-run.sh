#!/bin/bash
# usage: tests/qemu-run.sh ISO [uefi] [usb]
# Boots ISO in QEMU with the serial console in this terminal (what `make run`
# does).  Leave with Ctrl-a x.  Software emulation (TCG, -cpu qemu64): KVM
# hangs PV dom0s here, and -cpu max crashes them.
# shellcheck disable=SC2054  # QEMU options contain commas
set -eu
iso=${1:?usage: qemu-run.sh ISO [uefi] [usb]}
shift
[ -f "$iso" ] || { echo "qemu-run: $iso not found (run make first)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "qemu-run: needs qemu-system-x86_64 (apt-get install qemu-system-x86)" >&2; exit 1; }
args=(-accel tcg -cpu qemu64 -smp 2 -m "${QEMU_MEM:-2048}" -nographic -nic none)
media=(-drive "file=$iso,media=cdrom,readonly=on" -boot d)
for opt in "$@"; do
	case $opt in
	uefi) args+=(-bios /usr/share/ovmf/OVMF.fd) ;;
	usb)  media=(-device qemu-xhci,id=xhci -drive "if=none,id=stick,file=$iso,format=raw,readonly=on"
		-device usb-storage,bus=xhci.0,drive=stick,bootindex=0) ;;
	*) echo "qemu-run: unknown option '$opt' (uefi, usb)" >&2; exit 2 ;;
	esac
done
echo "qemu-run: booting $iso (leave with Ctrl-a x)" >&2
exec qemu-system-x86_64 "${args[@]}" "${media[@]}"
