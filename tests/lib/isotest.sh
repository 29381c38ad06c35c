# shellcheck shell=bash
# The start of every test that boots the built ISO under QEMU: the check and
# QEMU helpers (READY, the line dom0 prints when the toolstack is up, is
# qemu.sh's), cleanup on exit, and these names:
#   ISO    the image to boot (default out/xenlive.iso; the test fails at once without it)
#   OVMF   the UEFI firmware
. tests/lib/check.sh
. tests/lib/qemu.sh
trap 'qemu_cleanup; rm -rf "$TMPD"' EXIT
ISO=${ISO:-out/xenlive.iso}
[ -f "$ISO" ] || { fail "$ISO is missing (run make first)"; finish; }
# shellcheck disable=SC2034  # used by the tests that source this
OVMF=/usr/share/ovmf/OVMF.fd
