# shellcheck shell=bash
# bench_netboot (sourced by bench.sh): a PC booting from a xenlive that
# serves network boot (tests/lib/netboot.sh: a cable in a network namespace,
# e1000 tap cards, QEMU's PXE ROMs).  With the server running, a BIOS PC
# boots RUNS_BOOT times from the network and as often from the CD, in turn
# (the same machine, the same moment: the reference), power-on -> "xenlive: ready";
# then two PCs boot from the network at once.  Quick mode leaves it out
# (three more machines, ~8 min).
# shellcheck disable=SC2016  # $ in single quotes is expanded in dom0
bench_netboot() {
	local i
	quick_skip netboot_one netboot_cd netboot_two && return
	. tests/lib/netboot.sh
	note "netboot: a server and PCs on one cable"
	if ! nb_cable t-srv t-c1 t-c2 || ! nb_server "$ISO" t-srv > "$TMPD/nb.err" 2>&1; then
		note "netboot: the server did not come up: $(tail -n 3 "$TMPD/nb.err" 2>/dev/null | tr '\n' ' ')"
		qemu_stop; nb_cable_cut
		return
	fi
	qemu_cmd 60 'xenlive-serve on' > /dev/null
	if ! echo "$QEMU_OUT" | grep -q '^mode dhcp$'; then
		note "netboot: xenlive-serve on said: $(echo "$QEMU_OUT" | tr '\n' ' ')"
		qemu_stop; nb_cable_cut
		return
	fi
	# ready_after NAME: seconds from NAME's power-on to ready (the menus'
	# default entry starts by itself), nothing if it did not get there
	ready_after() { qemu_use "$1"; qemu_wait 'xenlive: ready' 420 "$1 ready" > "$TMPD/$1.err" && qemu_elapsed; qemu_stop; }
	# in turn, network then CD, so both see the same moment's host
	for i in $(seq "$RUNS_BOOT"); do
		note "netboot: BIOS PC from the network, run $i"
		# shellcheck disable=SC2046 # words wanted: QEMU's arguments
		qemu_start c1 -m 2048 -boot n $(nb_nic t-c1 52:54:00:74:00:11)
		ready_after c1 >> "$TMPD/nb.one"; echo >> "$TMPD/nb.one"
		note "netboot: the same PC from the CD, the server still running, run $i"
		# shellcheck disable=SC2046
		qemu_start c1 -m 2048 -drive "file=$ISO,media=cdrom,readonly=on" -boot d $(nb_nic t-c1 52:54:00:74:00:11)
		ready_after c1 >> "$TMPD/nb.cd"; echo >> "$TMPD/nb.cd"
	done
	note "netboot: two PCs at once"
	# shellcheck disable=SC2046
	qemu_start c1 -m 2048 -boot n $(nb_nic t-c1 52:54:00:74:00:11)
	# shellcheck disable=SC2046
	qemu_start c2 -m 2048 -boot n $(nb_nic t-c2 52:54:00:74:00:12)
	# each PC's wait on its own, side by side (one after the other, the
	# second's time was read only when the first's wait ended)
	ready_after c1 > "$TMPD/nb.c1" & local w=$!
	ready_after c2 > "$TMPD/nb.c2"
	wait "$w"
	{ cat "$TMPD/nb.c1"; echo; cat "$TMPD/nb.c2"; echo; } >> "$TMPD/nb.two"
	qemu_use srv; qemu_stop; nb_cable_cut
	[ ! -s "$TMPD/nb.one" ] || put netboot_one "$(median < "$TMPD/nb.one")"
	[ ! -s "$TMPD/nb.cd" ] || put netboot_cd "$(median < "$TMPD/nb.cd")"
	[ "$(grep -c . "$TMPD/nb.two")" != 2 ] || put netboot_two "$(sort -g "$TMPD/nb.two" | tail -n1) (the first $(sort -g "$TMPD/nb.two" | grep . | head -n1))"
}
