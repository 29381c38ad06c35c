#!/bin/bash
# Boots the built ISO under QEMU (TCG, -cpu qemu64) in every way a user can:
# BIOS CD, BIOS USB stick, UEFI CD, UEFI USB stick, and through the menus'
# serial-console entries; checks `xenlive: ready`, the boot medium dom0
# found, the toolstack (xl info, xl list) and a PV guest with a read-only
# disk and a bridged network interface (xenlive-selftest).  One machine at a
# time: TCG guests slow each other badly on two cores.
# pass and fail always succeed, so "A && pass || fail" is safe; QEMU options contain commas
# (SC2317: menu_once is called through qemu_twice)
# shellcheck disable=SC2015,SC2054,SC2317
cd "$(dirname "$0")/.." || exit 1
. tests/lib/isotest.sh
cd_args=(-drive "file=$ISO,media=cdrom,readonly=on" -boot d)
usb_args=(-device qemu-xhci,id=xhci -drive "if=none,id=stick,file=$ISO,format=raw,readonly=on"
	-device usb-storage,bus=xhci.0,drive=stick,bootindex=0)

# boot NAME MEDIUM_REGEX QEMU_ARGS...: boots to ready, checks the medium
boot() {
	local name=$1 medium=$2
	shift 2
	if qemu_boot "$name" '' 120 "$@"; then
		pass "$name: reached 'xenlive: ready' ($(qemu_elapsed) s after QEMU start)"
	else
		fail "$name: no 'xenlive: ready' within 120 s"
		qemu_stop
		return 1
	fi
	if qemu_wait "xenlive: boot medium $medium " 1 "medium"; then
		pass "$name: dom0 found its boot medium: $(tr -d '\r' < "$QEMU_LOG" | grep -oE 'boot medium /dev/[a-z0-9]+' | head -n1)"
	else
		fail "$name: dom0 did not report its boot medium as $medium"
	fi
	# the default entries start livetop on the console (its top line names
	# Xen's version); it quits (q, y) to a shell
	qemu_wait 'xenlive# | livetop .*Xen 4\.17|livetop ended' 60 "livetop or a shell prompt" ||
		{ fail "$name: neither livetop nor a shell came up"; return 1; }
	if tr -d '\r' < "$QEMU_LOG" | grep -q 'livetop ended'; then
		fail "$name: livetop ended by itself: $(tr -d '\r' < "$QEMU_LOG" | grep -m1 -B2 'livetop ended' | head -n1)"
	elif tr -d '\r' < "$QEMU_LOG" | grep -qE ' livetop .*Xen 4\.17'; then
		pass "$name: livetop came up on the serial console"
		qemu_send q; sleep 1; qemu_send y
	fi
	qemu_wait 'xenlive# ' 30 "shell prompt" || { fail "$name: no shell prompt on the serial console"; return 1; }
	# rc.boot says "xenlive: error: ..." for anything that went wrong
	if tr -d '\r' < "$QEMU_LOG" | grep -q 'xenlive: error:'; then
		fail "$name: the boot printed errors: $(tr -d '\r' < "$QEMU_LOG" | grep 'xenlive: error:' | head -n 3 | tr '\n' ' ')"
	else
		pass "$name: the boot printed no 'xenlive: error:' line"
	fi
}

# --- the harness itself fails on a timeout and shows the console ----------------------
qemu_start no-media -boot n
if out=$(qemu_wait 'never-printed' 3 'a marker that never comes'); then
	fail "harness: a wait for a marker that never comes succeeded"
elif echo "$out" | grep -q 'timed out after 3s' && echo "$out" | grep -q 'last 40 console lines'; then
	pass "harness: a timed-out wait fails and prints the last console lines"
else
	fail "harness: timeout output was: $out"
fi
qemu_stop

# --- BIOS CD: the full toolstack check (a 4 GiB machine: dom0's share follows the host) ----
if boot bios-cd /dev/sr0 "${cd_args[@]}" -m 4096; then
	qemu_cmd 30 'xl info | grep -E "^(xen_version|xen_major|xen_minor|free_memory)"'
	if echo "$QEMU_OUT" | grep -qE '^xen_version +: 4\.17\.'; then pass "bios-cd: xl info reports Xen 4.17 ($(echo "$QEMU_OUT" | awk '/^xen_version/ { print $3 }'))"
	else fail "bios-cd: xl info said: $QEMU_OUT"; fi
	qemu_cmd 30 'xl list'
	echo "$QEMU_OUT" | grep -qE '^Domain-0 +0 ' && pass "bios-cd: xl list shows Domain-0" || fail "bios-cd: xl list said: $QEMU_OUT"
	qemu_cmd 30 'free -m'
	used=$(echo "$QEMU_OUT" | awk '$1 == "Mem:" { print $3 }')
	[ -n "$used" ] && pass "bios-cd: dom0 has $used MiB of memory in use after boot" || fail "bios-cd: free -m said: $QEMU_OUT"
	# dom0 gets DOM0_MEM + DOM0_MEM_PCT% of the host, and that serves as many
	# of the smallest Debian guests as Xen's free memory holds: ~3 MiB of
	# dom0 each, 24 MiB kept (monitor/src/sizing.h); each guest takes its
	# memory + 2 MiB of Xen's, 4 MiB kept.  (A fixed 256 MiB served ~50.)
	qemu_cmd 30 "xl list 0 | awk 'NR == 2 { print \"DOM0=\" \$3 }'; xl info | awk '/^total_memory/ { print \"TOTAL=\" \$3 } /^free_memory/ { print \"FREE=\" \$3 }'; awk '/^MemAvailable/ { print \"AVAIL=\" int(\$2 / 1024) }' /proc/meminfo; grep '^debian|' /media/xenlive/guests/catalog | cut -d'|' -f5 | sed 's/^/MIN=/'"
	v() { echo "$QEMU_OUT" | sed -n "s/^$1=\([0-9]*\).*/\1/p" | tail -n1; }
	d0=$(v DOM0) total=$(v TOTAL) free=$(v FREE) avail=$(v AVAIL) min=$(v MIN)
	want=$(( $(conf DOM0_MEM) + $(conf DOM0_MEM_PCT) * ${total:-0} / 100 ))
	[ -n "$d0" ] && [ "$d0" -ge $((want - 8)) ] && [ "$d0" -le $((want + 8)) ] &&
		pass "bios-cd: dom0 has $d0 MiB of the host's $total (DOM0_MEM + DOM0_MEM_PCT% = $want)" ||
		fail "bios-cd: dom0 has '$d0' MiB of '$total', not about $want: $QEMU_OUT"
	if [ -n "$avail" ] && [ -n "$free" ] && [ -n "$min" ]; then
		xen_n=$(( (free - 4) / (min + 2) )) dom0_n=$(( (avail - 24) / 3 ))
		[ "$dom0_n" -ge "$xen_n" ] &&
			pass "bios-cd: dom0 ($avail MiB available) serves $dom0_n guests, more than Xen's $free MiB free holds of the smallest Debian ($min MiB): $xen_n" ||
			fail "bios-cd: dom0 ($avail MiB available) serves only $dom0_n guests; Xen's $free MiB free hold $xen_n of $min MiB"
	else
		fail "bios-cd: could not read dom0's and Xen's memory: $QEMU_OUT"
	fi
	# after ready dom0 reads the first guest's kernel, ramdisk and image
	# into its page cache (rc.boot): reading them again takes nothing more
	# from the CD (sr0's sectors-read counter)
	qemu_cmd 60 'for i in $(seq 40); do grep -q "read ahead" /run/xenlive/boot.log && break; sleep 1; done; grep "read ahead" /run/xenlive/boot.log; st=/sys/block/sr0/stat; s0=$(awk "{ print \$3 }" $st); (cd /media/xenlive/guests && cat $(awk -F"|" "/^[^#]/ && NF >= 8 { print \$6, \$7, \$3; exit }" catalog) | wc -c | sed "s/^/BYTES=/"); echo "SECTORS=$(( $(awk "{ print \$3 }" $st) - s0 ))"'
	ra_bytes=$(echo "$QEMU_OUT" | sed -n 's/^BYTES=\([0-9]*\).*/\1/p') ra_sectors=$(echo "$QEMU_OUT" | sed -n 's/^SECTORS=\([0-9]*\).*/\1/p')
	if echo "$QEMU_OUT" | grep -q '^xenlive: read ahead ' && [ "${ra_bytes:-0}" -gt 10000000 ] && [ -n "$ra_sectors" ] && [ "$ra_sectors" -lt 2048 ]; then
		pass "bios-cd: dom0 read the first guest's files ahead: reading their $((ra_bytes / 1048576)) MiB again took $ra_sectors sectors from the CD ($(echo "$QEMU_OUT" | grep -m1 '^xenlive: read ahead ' | sed 's/^xenlive: //'))"
	else
		fail "bios-cd: the first guest's files were not in dom0's page cache: $QEMU_OUT"
	fi
	qemu_cmd 30 'livetop -b -n 2 -d 1 --csv'
	echo "$QEMU_OUT" | grep -q 'Domain-0' && pass "bios-cd: livetop batch mode (-b -n 2 --csv) against real Xen lists Domain-0" ||
		fail "bios-cd: livetop -b said: $QEMU_OUT"
	qemu_cmd 30 'man livetop | head -n 8'
	echo "$QEMU_OUT" | grep -q 'LIVETOP(1)' && pass "bios-cd: man livetop works in dom0" || fail "bios-cd: man livetop said: $QEMU_OUT"
	if qemu_cmd 180 'xenlive-selftest'; then
		pass "bios-cd: xl create of a PV guest with a read-only disk and a bridged vif; it reached init, read its disk, pinged dom0; xl destroy removed it"
	else
		fail "bios-cd: xenlive-selftest failed"
	fi
	echo "$QEMU_OUT" | grep '^xenlive-selftest: ' | sed 's/^/    /'
	qemu_cmd 30 'xl list | grep -c selftest'
	echo "$QEMU_OUT" | grep -qx 0 && pass "bios-cd: no guest left after the self-test" || fail "bios-cd: guest left: $QEMU_OUT"
fi
qemu_stop   # also after a failed boot: the next machine starts alone

# --- the other boot paths ----------------------------------------------------------------------
boot bios-usb '/dev/sd[a-z][0-9]*' "${usb_args[@]}"; qemu_stop
boot uefi-cd /dev/sr0 -bios "$OVMF" "${cd_args[@]}"; qemu_stop
boot uefi-usb '/dev/sd[a-z][0-9]*' -bios "$OVMF" "${usb_args[@]}"; qemu_stop

# --- the menus' serial-console entry, chosen with its hotkey -----------------------------------
# menu_once NAME MENU_MARKER KEYS QEMU_ARGS...: 0 when the menu showed and
# the entry its KEYS choose booted to ready (menu_seen=1 once it showed)
menu_once() {
	local name=$1 marker=$2 keys=$3
	shift 3
	qemu_start "$name" "$@"
	qemu_wait "$marker" 60 "boot menu" || return 1
	menu_seen=1
	qemu_send "$keys"
	qemu_wait 'xenlive: boot entry serial' 120 "the serial entry" && qemu_wait "$READY" 60 "ready"
}
# menu NAME MENU_MARKER KEYS QEMU_ARGS...: started once more, as every boot
# here, when dom0's kernel stalled under TCG before its init ran (qemu_twice)
menu() {
	local name=$1 booted=0
	menu_seen=0
	qemu_twice "$name" menu_once "$@" && booted=1
	if [ "$menu_seen" = 0 ]; then
		fail "$name: no boot menu on the serial console"
	else
		pass "$name: boot menu shows on the serial console"
		[ "$booted" = 1 ] && pass "$name: the serial-console entry boots to ready" ||
			fail "$name: the serial-console entry did not boot"
	fi
	qemu_stop
}
# isolinux's menu moves to an entry on its hotkey (Enter boots it); GRUB boots it at once
menu bios-menu 'Automatic boot in' $'s\r' "${cd_args[@]}"
menu uefi-menu 'will be executed automatically|GNU GRUB' s -bios "$OVMF" "${cd_args[@]}"
finish
