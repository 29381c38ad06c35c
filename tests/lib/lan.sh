# shellcheck shell=bash
# Two xenlive machines on one cable, for test_lan and the bench (after
# tests/lib/qemu.sh): QEMU's socket network on 127.0.0.1, e1000 cards.
#   lan_pair ISO MIB [B_KEY]
#                       boots a (listening) and b (connecting, with a DMI UUID,
#                       so it is xenlive-b) to dom0's root shell on the serial
#                       console; returns 1 when one does not come up.  a boots
#                       the menu's root-shell entry (hotkey h); b the entry of
#                       B_KEY (default h; l: LAN mode, with livetop on both
#                       consoles, left with q y on the serial one); as
#                       qemu_twice does for one machine, when one's dom0
#                       kernel stalled both are started once more (b's cable
#                       is plugged into a)
#   lan_on NAME         xenlive-lan on in NAME: sets LAN_CODE and LAN_ADDR
lan_pair() {
	local iso=$1 mib=$2 key_b=${3:-h} port try stalled
	for try in 1 2; do
		port=$((20000 + $$ % 20000))
		while ss -ltn | grep -q ":$port "; do port=$((port + 1)); done
		_lan_boot a h "$iso" "$mib" -netdev "socket,id=n,listen=127.0.0.1:$port" -device e1000,netdev=n,mac=52:54:00:73:00:0a
		_lan_boot b "$key_b" "$iso" "$mib" -netdev "socket,id=n,connect=127.0.0.1:$port" -device e1000,netdev=n,mac=52:54:00:73:00:0b \
			-uuid 5a1e0b1d-1111-2222-3333-444455556666
		stalled=
		if _lan_up a; then
			_lan_up b && return 0
			qemu_stalled && stalled=b
		else
			qemu_stalled && stalled=a
		fi
		[ -n "$stalled" ] && [ "$try" = 1 ] || return 1
		echo "NOTE: $stalled: dom0's kernel stalled before its init ran (Xen's dump above); starting both machines once more"
		qemu_use a
		qemu_stop
		qemu_use b
		qemu_stop
	done
}
_lan_boot() {  # NAME KEY ISO MIB QEMU_ARGS...: started, its menu entry chosen
	local name=$1 key=$2 iso=$3 mib=$4
	shift 4
	qemu_start "$name" -m "$mib" -drive "file=$iso,media=cdrom,readonly=on" -boot d "$@"
	qemu_wait 'Automatic boot in' 60 "$name's boot menu" && qemu_send "$key"$'\r'
}
_lan_up() {  # NAME: ready, its serial console a shell
	qemu_use "$1"
	qemu_wait "$READY" 180 "$1 ready" && qemu_prompt "$1"
}

export LAN_CODE="" LAN_ADDR=""   # set by lan_on
lan_on() {
	qemu_use "$1"
	qemu_cmd 60 'xenlive-lan on'
	LAN_CODE=$(echo "$QEMU_OUT" | sed -n 's/^code \([0-9]*\)$/\1/p')
	LAN_ADDR=$(echo "$QEMU_OUT" | sed -n 's/^address \([0-9.]*\)$/\1/p')
}
