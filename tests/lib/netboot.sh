# shellcheck shell=bash
# PCs booting from a xenlive that serves network boot (xenlive-serve), for
# test_netboot and the bench (after tests/lib/qemu.sh).  The cable is a
# bridge in a network namespace of the caller's own, each machine's e1000 a
# tap card on it, so QEMU runs inside that namespace; nothing leaves it.
#   nb_cable TAP...       makes the namespace, its bridge br0 and the taps
#                         (NB_NS names it; nb_cable_cut removes it all)
#   nb_nic TAP MAC [BOOTINDEX]   QEMU's arguments for a card on that tap
#   nb_server ISO TAP     boots the ISO (the menu's root shell) to its prompt
#   nb_client NAME KEY QEMU_ARGS...
#                         a diskless PC booting from the network; KEY picks
#                         the menu's entry; 0 once it is ready at dom0's
#                         prompt; NB_MENU and NB_READY: seconds from power-on
#                         to the server's menu and to ready
NB_NS=xlnb$$
nb_cable() {
	local t
	ip netns add "$NB_NS" && ip -n "$NB_NS" link add br0 type bridge && ip -n "$NB_NS" link set br0 up || return 1
	for t in "$@"; do
		ip -n "$NB_NS" tuntap add "$t" mode tap && ip -n "$NB_NS" link set "$t" master br0 up || return 1
	done
	QEMU_BASE=(ip netns exec "$NB_NS" "${QEMU_BASE[@]}")
}
nb_cable_cut() { ip netns del "$NB_NS" 2>/dev/null; }
nb_nic() { echo "-netdev tap,id=n,ifname=$1,script=no,downscript=no -device e1000,netdev=n,mac=$2${3:+,bootindex=$3}"; }

nb_server() {
	# shellcheck disable=SC2046 # words wanted: QEMU's arguments
	qemu_boot srv '' 180 -m 2048 -drive "file=$1,media=cdrom,readonly=on" -boot d $(nb_nic "$2" 52:54:00:74:00:01) &&
		qemu_prompt "the server"
}

export NB_MENU="" NB_READY=""
nb_client() {
	local name=$1
	NB_MENU='' NB_READY=''
	qemu_twice "$name" _nb_start "$@" || return 1
	qemu_wait "$READY" 300 "$name ready" || return 1
	NB_READY=$(qemu_elapsed)
	qemu_prompt "$name"
}
# _nb_start NAME KEY QEMU_ARGS...: power-on to dom0's init (its first
# rc.boot line), the menu's entry KEY picked (qemu_twice: once more when
# dom0's kernel stalls)
_nb_start() {
	local name=$1 key=$2
	shift 2
	NB_MENU=''
	qemu_start "$name" -m 2048 "$@"
	qemu_wait 'Automatic boot in|will be executed automatically|GNU GRUB' 240 "$name's network boot menu" || return 1
	NB_MENU=$(qemu_elapsed)
	qemu_send "$key"
	qemu_wait '^xenlive: boot entry' 240 "$name's dom0 init"
}
