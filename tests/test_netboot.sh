#!/bin/bash
# One stick boots the lab: a xenlive booted from the ISO serves network boot
# (xenlive-serve) to diskless PCs on its cable, which boot with QEMU's own PXE
# ROMs (e1000, -boot n), reach ready and launch a Debian guest from the
# images they copied into RAM.  The cable is a bridge in a network namespace
# of this test's own (tap cards), so a third "machine", the school's DHCP
# server (dnsmasq in that namespace), can join it:
#  1. with the school's server on the cable, `xenlive-serve on` in the
#     server's shell runs proxy-DHCP mode and a BIOS client boots (its
#     address from the school's server); then, the server's cable pulled,
#     serve refuses with one line and starts nothing;
#  2. without it, N and y in livetop on the server's screen (QEMU's sendkey,
#     the screen read from /dev/vcs1) start serve, which hands out addresses
#     itself; a UEFI client boots, its livetop says where from, and it keeps
#     working with its cable pulled.
# (SC2016: single-quoted text is expanded in dom0)
# shellcheck disable=SC2016
cd "$(dirname "$0")/.." || exit 1
. tests/lib/isotest.sh

. tests/lib/netboot.sh
. tests/lib/screen.sh
school_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	qemu_cleanup
	[ -z "$school_pid" ] || kill "$school_pid" 2>/dev/null
	nb_cable_cut
	rm -rf "$TMPD"
}
trap cleanup EXIT
PATH=$PATH:/usr/sbin:/sbin   # dnsmasq, for the school's server
nb_cable t-srv t-bios t-uefi || { fail "cannot make the test's network namespace with a bridge and tap cards"; finish; }

# the school's DHCP server: on br0, addresses 192.168.77.50-.99
school_on() {
	ip -n "$NB_NS" addr add 192.168.77.1/24 dev br0 2>/dev/null
	ip netns exec "$NB_NS" dnsmasq --conf-file=/dev/null --port=0 --interface=br0 --bind-interfaces \
		--dhcp-range=192.168.77.50,192.168.77.99,255.255.255.0,1h --dhcp-leasefile="$TMPD/school.leases" \
		--keep-in-foreground --log-facility=- > "$TMPD/school.log" 2>&1 &
	school_pid=$!
}
school_off() { kill "$school_pid" 2>/dev/null; wait "$school_pid" 2>/dev/null; school_pid=; }

# --- the server: booted from the ISO, root shell ----------------------------------------------
nb_server "$ISO" t-srv || { fail "the server did not come up"; finish; }
# dom0's memory in MiB (Xen's view), on the machine in use
dom0_mib() { qemu_cmd 10 'xl list 0 | awk "NR == 2 { print \$3 }"'; echo "$QEMU_OUT"; }
srv_dom0=$(dom0_mib)
qemu_cmd 10 'xenlive-serve status'
echo "$QEMU_OUT" | grep -qx 'serving off' && pass "serve: off after boot (nothing listens): $QEMU_OUT" ||
	fail "serve: after boot, status said: $QEMU_OUT"
qemu_cmd 30 'xenlive-serve plan'
echo "$QEMU_OUT" | grep -q '^nic eth0$' && echo "$QEMU_OUT" | grep -q '^start dnsmasq' &&
	pass "serve plan names the card and what it starts: $(echo "$QEMU_OUT" | tr '\n' ' ')" ||
	fail "serve plan said: $QEMU_OUT"

# client NAME KEY QEMU_ARGS...: nb_client, with its checks
client() {
	local name=$1
	if nb_client "$@"; then
		pass "$name: the firmware's PXE loaded the server's boot menu ($NB_MENU s after power-on)"
		pass "$name: booted from the network to ready ($NB_READY s after power-on)"
		return 0
	fi
	if [ -z "$NB_MENU" ]; then fail "$name: no network boot menu from the server"
	else fail "$name: did not come up from the network"; fi
	return 1
}
# launch_debian NAME: a Debian guest on the current client turns ready
launch_debian() {
	qemu_cmd 150 'n=$(xenlive-launch debian) && xenlive-wait $n 120 && echo "READY $n"'
	echo "$QEMU_OUT" | grep -q '^READY debian-' && pass "$1: a Debian guest from the images in RAM is ready" ||
		fail "$1: the Debian guest did not turn ready: $(echo "$QEMU_OUT" | tail -n 3 | tr '\n' ' ')"
}

# --- 1. a school network: its DHCP server answers, serve goes proxy-DHCP ------------------------
school_on
qemu_use srv
qemu_cmd 60 'xenlive-serve on 2>&1'
if echo "$QEMU_OUT" | grep -q '^mode proxy$' && echo "$QEMU_OUT" | grep -q '^address 192\.168\.77\.'; then
	pass "serve with another DHCP server on the cable: proxy-DHCP mode, address from that server ($(echo "$QEMU_OUT" | grep -m1 'proxy-DHCP mode'))"
else
	fail "serve with another DHCP server on the cable said: $QEMU_OUT"
fi
# shellcheck disable=SC2046
if client bios $'h\r' -boot n $(nb_nic t-bios 52:54:00:74:00:0b); then
	qemu_cmd 10 'cat /run/xenlive/netboot; grep "boot medium" /run/xenlive/boot.log'
	echo "$QEMU_OUT" | grep -qE '^192\.168\.77\.[0-9]+ eth0 192\.168\.77\.(5[0-9]|[6-9][0-9])$' &&
		pass "bios: netbooted in proxy mode, its address from the school's server: $(echo "$QEMU_OUT" | tr '\n' ' ')" ||
		fail "bios: netboot record: $QEMU_OUT"
	# the guests' images in its RAM come on top of dom0's usual memory
	copied=$(grep -o '[0-9]* MiB copied into RAM' <<< "$QEMU_OUT" | cut -d' ' -f1)
	cl_dom0=$(dom0_mib)
	[ -n "$copied" ] && [ "${cl_dom0:-0}" -ge $((srv_dom0 + copied)) ] &&
		pass "bios: the netbooted dom0 has $cl_dom0 MiB, the same machine from the CD $srv_dom0: the $copied MiB of images in RAM come on top" ||
		fail "bios: the netbooted dom0 has '$cl_dom0' MiB, from the CD '$srv_dom0', images '$copied' MiB"
	launch_debian bios
fi
qemu_stop
grep -q '52:54:00:74:00:0b' "$TMPD/school.leases" 2>/dev/null &&
	pass "the school's DHCP server, not serve, leased the BIOS client's address" ||
	fail "the school's leases lack the BIOS client: $(cat "$TMPD/school.leases" 2>/dev/null)"
qemu_use srv
qemu_cmd 30 'xenlive-serve off; xenlive-serve status; pidof dnsmasq | wc -w; pidof httpd | wc -w'
# (one dnsmasq stays: the guests' own, on the bridge)
[ "$(echo "$QEMU_OUT" | tr '\n' ' ')" = "serving off serving off 1 0 " ] &&
	pass "serve off stops its dnsmasq and httpd" || fail "after serve off: $QEMU_OUT"
school_off
# the server's cable pulled: serve refuses with one line and leaves nothing started
# (e1000's driver notices a lost link within about 2 s: serve is started
# once dom0 sees it)
qemu_qmp hmp 'set_link n off' > /dev/null
qemu_cmd 60 'for i in $(seq 40); do [ "$(cat /sys/class/net/eth0/carrier)" = 0 ] && break; sleep 0.25; done; xenlive-serve on; echo "RC=$?"; xenlive-serve status; pidof httpd | wc -w; [ -e /run/xenlive/serve ] && echo left || echo gone'
qemu_qmp hmp 'set_link n on' > /dev/null
[ "$(echo "$QEMU_OUT" | tr '\n' '|')" = "xenlive-serve: eth0 has no cable plugged in|RC=1|serving off|0|gone|" ] &&
	pass "serve with the cable pulled: '$(echo "$QEMU_OUT" | head -n1)', nothing started" ||
	fail "serve with the cable pulled: $(echo "$QEMU_OUT" | tr '\n' '|')"

# --- 2. a cable of its own: serve hands out the addresses; a UEFI client --------------------------
# started as a person would: N in livetop on the server's screen, then y
srv_net=$(conf SERVE_NET)
# (livetop looks at serve's status every 10 s while it serves, every 60 s
# while not: it has seen section 1's off once its line is gone; in one CI
# run that took ~45 s)
wait_vcs '/ Domain-0 / { d = 1 } /Netboot server:/ { s = 1 } END { if (d && !s) print "off" }' 90 ||
	{ fail "livetop on the server's screen still shows serving after serve off"; show_vcs; }
qemu_qmp sendkey shift-n
if wait_vcs '/Serve network boot on eth0\? \(y\/n\)/ { print }' 60; then
	# the whole question, over as many rows as it takes (it is wider than the screen)
	q=$(sed -n '/Serve network boot on eth0/,$p' "$TMPD/vcs" | sed 's/^ *//; s/  *$//' | tr '\n' ' ' | sed 's/ *$//')
	[[ $q == *"It will start dnsmasq"*"and httpd (HTTP) on eth0; serve BIOS"*"network boot of this build"* ]] &&
		pass "N in livetop on the server's screen asks first, all of it: $q" ||
		{ fail "N in livetop on the server's screen asks, cut: $q"; show_vcs; }
	qemu_qmp sendkey y
	wait_vcs "/Netboot server: eth0 ${srv_net//./\\.}\\.1 \\(dhcp\\)/ { print }" 90 &&
		pass "after y, livetop on the server's screen shows it serving: $(grep -o 'Netboot server: .*' "$TMPD/vcs" | sed 's/  *$//')" ||
		{ fail "after N, y livetop's screen shows no serving line"; show_vcs; }
else
	fail "N in livetop on the server's screen did not ask"; show_vcs
fi
qemu_cmd 10 'xenlive-serve status'
echo "$QEMU_OUT" | grep -q '^mode dhcp$' && echo "$QEMU_OUT" | grep -q "^address $srv_net.1$" &&
	pass "serve on a cable without a DHCP server: it hands out addresses itself ($(echo "$QEMU_OUT" | tr '\n' ' '))" ||
	fail "serve on a cable of its own: its status says: $QEMU_OUT"
# (the UEFI client takes the menu's default entry: livetop on its screen)
# shellcheck disable=SC2046
if client uefi $'\r' -bios "$OVMF" $(nb_nic t-uefi 52:54:00:74:00:0e 1); then
	qemu_cmd 10 'cat /run/xenlive/netboot'
	echo "$QEMU_OUT" | grep -qE "^${srv_net//./\\.}\\.1 eth0 ${srv_net//./\\.}\\.[0-9]+$" &&
		pass "uefi: netbooted from the server, address from it: $QEMU_OUT" || fail "uefi: netboot record: $QEMU_OUT"
	wait_vcs "/Netbooted from ${srv_net//./\\.}\\.1 \\(this PC: eth0 / { print }" 30 &&
		pass "uefi: livetop on its screen says where it booted from: $(grep -o 'Netbooted from.*' "$TMPD/vcs" | sed 's/  *$//')" ||
		{ fail "uefi: livetop's screen does not say it was netbooted"; show_vcs; }
	# the same build only, and every file as its sum says: the server made
	# to serve another build's id, then a damaged catalogue (bind mounts
	# over its medium); the client's copy (rc.boot's) takes nothing then
	srv_ip=$srv_net.1
	for bad in "xenlive.id:0123456789abcdef0123456789abcdef:serves build 0123456789abcdef0123456789abcdef, this is build" \
		"guests/catalog:damaged:http://$srv_ip/guests/catalog does not match its checksum"; do
		IFS=: read -r file text want <<< "$bad"
		qemu_use srv
		qemu_cmd 10 "echo $text > /tmp/bad && mount --bind /tmp/bad /media/xenlive/$file && wget -q -O - http://$srv_ip/$file"
		qemu_use uefi
		qemu_cmd 120 "rm -rf /tmp/nf; mkdir /tmp/nf; /usr/lib/xenlive/netfetch $srv_ip /tmp/nf; echo \"rc=\$? files=\$(ls -A /tmp/nf | wc -l)\""
		[[ $QEMU_OUT == *"$want"* ]] && [[ $QEMU_OUT == *"rc=1 files=0"* ]] &&
			pass "uefi: a server with a wrong $file: the copy is refused, nothing kept: $(echo "$QEMU_OUT" | head -n1)" ||
			fail "uefi: a server with a wrong $file: $QEMU_OUT"
		qemu_use srv
		qemu_cmd 10 "umount /media/xenlive/$file; rm /tmp/bad"
	done
	qemu_use uefi
	# the cable pulled: everything it needs is in its RAM
	qemu_qmp hmp 'set_link n off' > /dev/null
	launch_debian "uefi, its cable pulled"
	qemu_use srv
	qemu_cmd 10 'xenlive-serve status'
	echo "$QEMU_OUT" | grep -q '^client 52:54:00:74:00:0e ' && pass "serve status lists the client it gave an address: $(echo "$QEMU_OUT" | grep '^client')" ||
		fail "serve status lacks the UEFI client: $QEMU_OUT"
fi
finish
