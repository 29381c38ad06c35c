#!/bin/sh
# dom0 boot: mounts, modules, xenstored, xenconsoled, the boot medium, the
# guest bridge; ends by printing "xenlive: ready ..." on every console.
PATH=/usr/sbin:/usr/bin
export PATH

say() {  # a line for the person (and the tests) watching any console
	for c in /dev/hvc0 /dev/tty1; do
		[ -c "$c" ] && printf 'xenlive: %s\n' "$*" > "$c" 2>/dev/null
	done
	printf 'xenlive: %s\n' "$*" >> /run/xenlive/boot.log
}
fail() { say "error: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
# devtmpfs has none of these; Xen's hotplug locking loops without /dev/fd
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /run/xenlive /run/lock /run/xen /run/xenstored /var/log/xen/console /var/lib/xen /media/xenlive
echo /sbin/modprobe > /proc/sys/kernel/modprobe
# no SysRq: garbage on the serial line (Ctrl-O on hvc0, Break) must not be
# able to reboot or power off a live demo; nothing here needs it
echo 0 > /proc/sys/kernel/sysrq
# guests' console logs on their own small tmpfs: a guest's root printing
# without end fills 4 MiB at most, never dom0's memory (console-logs below
# keeps each log short and removes it with its guest)
mount -t tmpfs -o size=4m,mode=0755,nosuid,nodev,noexec tmpfs /var/log/xen/console
ip link set lo up

. /usr/lib/xenlive/settings
[ -z "${XENLIVE_ENTRY:-}" ] || say "boot entry $XENLIVE_ENTRY"
[ "${XENLIVE_VERBOSE:-}" != 1 ] || set -x

# load MODULE...: one modprobe for all (each process costs under emulation);
# names the ones that are neither loaded nor built in
load() {
	modprobe -q -a "$@" 2>/dev/null && return 0
	for m in "$@"; do
		[ -d "/sys/module/$(echo "$m" | tr - _)" ] || modprobe -q "$m" 2>/dev/null || fail "cannot load module $m"
	done
}

# --- hardware: drivers for what is there and for what appears later ----------
# mdev listens for the kernel's uevents first (/etc/mdev.conf: modprobe by
# modalias), so nothing that appears from now on is missed: the USB devices
# behind a host controller that is loading, a keyboard plugged in later.
mdev -d || fail "cannot start mdev: hardware plugged in later gets no driver"
# coldplug: MODALIAS of every device present; modprobe loads the drivers the
# initramfs has for them (rootfs/modules) and ignores the rest
# (every device with a modalias sits on a bus: /sys/bus is quicker to read
# than a walk of /sys/devices, which took seconds under emulation)
coldplug() {
	cat /sys/bus/*/devices/*/modalias 2>/dev/null | sort -u > /run/xenlive/modaliases
	xargs modprobe -q -b -a < /run/xenlive/modaliases 2>/dev/null
	return 0
}
# the boot medium's drivers load (and probe) by name while the toolstack
# starts; the rest of the hardware's in the background, not waited for
modprobe -q -a ata_piix ata_generic ahci sr_mod isofs sd_mod xhci_pci ehci_pci ohci_pci uhci_hcd \
	usb_storage uas nvme 2>/dev/null &
medium_modules=$!
coldplug &
coldplug_pid=$!

# --- Xen toolstack ---------------------------------------------------------
load xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback xen-netback loop bridge overlay squashfs \
	sch_ingress cls_flower cls_matchall act_gact
mount -t xenfs xenfs /proc/xen || fail "cannot mount xenfs: is this running under Xen?"
XEN_BIN=/usr/lib/xen-$XEN_VERSION/bin
"$XEN_BIN"/xenstored --pid-file /run/xenstored.pid || fail "xenstored did not start"
i=0
until xenstore-read -s / >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || { fail "xenstored does not answer"; break; }
	sleep 0.1
done
"$XEN_BIN"/xen-init-dom0 > /run/xenlive/xen-init-dom0.log 2>&1 || fail "xen-init-dom0 failed (see /run/xenlive/xen-init-dom0.log)"
"$XEN_BIN"/xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console || fail "xenconsoled did not start"
/usr/lib/xenlive/console-logs /var/log/xen/console &
echo $! > /run/xenlive/console-logs.pid
# the toolstack's daemons are the last the OOM killer may pick: without
# them no guest can be managed, and dom0 cannot recover.  (A daemon writes
# its pid file after it forks, which may be after its start returned: up
# to 5 s are waited for each file.)
for p in /run/xenstored.pid /run/xenconsoled.pid /run/xenlive/console-logs.pid; do
	i=0
	while [ ! -s "$p" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	echo -1000 > "/proc/$(cat "$p" 2>/dev/null)/oom_score_adj" 2>/dev/null || fail "cannot protect $p's daemon from the OOM killer"
done

# --- guest network: a bridge shared by dom0 and the guests, not routed -----
# This machine's letter names it (xenlive-LETTER) and picks its block of
# guest addresses: the guests of all xenlive machines share BRIDGE_NET's /16
# (they meet on one cable in LAN mode, xenlive-lan), each machine hands out
# addresses from its own /20 of it.  The letter is xenlive.machine=a..p, else
# one of 16 picked by the machine's DMI UUID (two machines differ 15 times in
# 16; LAN mode names a clash), else (no UUID, as under QEMU) a.
letters="a b c d e f g h i j k l m n o p"
machine=${XENLIVE_MACHINE:-}
uuid=$(cat /sys/class/dmi/id/product_uuid 2>/dev/null)
if [ -z "$machine" ] && [ -n "$(printf '%s' "$uuid" | tr -d '0-')" ]; then
	machine=$(echo "$letters" | cut -d' ' -f$(( $(printf '%s' "$uuid" | cksum | cut -d' ' -f1) % 16 + 1 )))
fi
case ${machine:=a} in
[a-p]) ;;
*) fail "xenlive.machine=$machine is not a letter a-p; this machine is xenlive-a"; machine=a ;;
esac
idx=0
for l in $letters; do [ "$l" = "$machine" ] && break; idx=$((idx + 1)); done
GUEST_NET=${BRIDGE_NET%.*}.$(( (${BRIDGE_NET##*.} + 16 * idx) % 256 ))
echo "$machine" > /run/xenlive/machine
mkdir -p /run/xenlive/net
echo "$GUEST_NET" > /run/xenlive/net/base
hostname "xenlive-$machine"
if ! { ip link add name "$BRIDGE" type bridge stp_state 0 forward_delay 0 &&
	ip addr add "$GUEST_NET.1/16" dev "$BRIDGE" && ip link set "$BRIDGE" up; }; then
	fail "cannot set up bridge $BRIDGE"
fi
# addresses for guests on the bridge (no router, no DNS: nothing is routed).
# dnsmasq answers only the MACs the hotplug program lists in
# /run/xenlive/net/hosts, one address each ("static": none for anyone else);
# it takes their files as they appear.  It keeps no log: what a guest sends
# must not fill dom0's memory (a refusal to start still reaches stderr).
mkdir -p /run/xenlive/net/hosts /run/xenlive/net/ip
dnsmasq --conf-file=/dev/null --port=0 --interface="$BRIDGE" --bind-interfaces \
	--dhcp-range="$GUEST_NET.0,static,255.255.0.0,infinite" --dhcp-option=3 --dhcp-option=6 \
	--dhcp-hostsdir=/run/xenlive/net/hosts --dhcp-leasefile=/run/xenlive/net/leases \
	--dhcp-authoritative --quiet-dhcp --log-facility=/dev/null --user=nobody --group=nogroup \
	--pid-file=/run/xenlive/dnsmasq.pid || fail "cannot start the DHCP server for guests (dnsmasq)"

# --- the boot medium ---------------------------------------------------------
wait "$medium_modules"
medium=
try_medium() {  # try_medium DEV: mount DEV if it is this build's medium
	mount -t iso9660 -o ro "$1" /media/xenlive 2>/dev/null || return 1
	if [ "$(cat /media/xenlive/xenlive.id 2>/dev/null)" = "$(cat /etc/xenlive/build-id)" ]; then
		medium=$1
		return 0
	fi
	umount /media/xenlive
	return 1
}
# net_medium SERVER: a netbooted machine (xenlive.netboot=SERVER, set by the
# menu xenlive-serve hands out) copies the server's medium into RAM
# (/usr/lib/xenlive/netfetch: the files its netboot/files lists, the
# guests, checked against their sums, after the server's xenlive.id, which
# must be this build's).  Then it needs the server no more: pulling the
# cable loses nothing.
net_medium() {
	srv=$1 dir=/media/xenlive
	wait "$coldplug_pid"   # the network card's driver
	. /usr/lib/xenlive/nic
	nic=$(pick_nic 100) || { fail "netboot: no wired network card with a cable; guests from $srv are unavailable"; return 1; }
	# shellcheck disable=SC2046 # words wanted: ADDRESS PREFIX SERVER
	set -- $(dhcp_lease "$nic" 5)
	[ -n "${1:-}" ] || { fail "netboot: no DHCP server answered on $nic; guests from $srv are unavailable"; return 1; }
	ip addr add "$1/$2" dev "$nic" || { fail "netboot: cannot give $nic the address $1"; return 1; }
	echo "$srv $nic $1" > /run/xenlive/netboot
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$dir" || { fail "netboot: cannot make a RAM disk for the guests"; return 1; }
	if ! err=$(/usr/lib/xenlive/netfetch "$srv" "$dir" 2>&1); then
		umount "$dir"
		fail "netboot: ${err:-the copy failed}; guests are unavailable"
		return 1
	fi
	mount -o remount,ro "$dir"
	medium=http://$srv/
	say "boot medium $medium (netboot on $nic, address $1): $(du -sm "$dir" | cut -f1) MiB copied into RAM"
}
if [ -n "${XENLIVE_NETBOOT:-}" ]; then
	net_medium "$XENLIVE_NETBOOT"
else
	i=0
	while [ -z "$medium" ] && [ $i -lt 100 ]; do   # USB sticks enumerate slowly: 20 s
		dev=$(findfs "LABEL=$ISO_LABEL" 2>/dev/null)
		[ -n "$dev" ] && try_medium "$dev" && break
		for dev in /dev/sr[0-9]* /dev/sd[a-z] /dev/sd[a-z][0-9]* /dev/nvme[0-9]n[0-9]* /dev/vd[a-z]*; do
			[ -b "$dev" ] && try_medium "$dev" && break 2
		done
		i=$((i + 1))
		sleep 0.2
	done
	if [ -n "$medium" ]; then
		say "boot medium $medium (LABEL=$ISO_LABEL) mounted read-only on /media/xenlive"
	else
		fail "boot medium not found (no device with LABEL=$ISO_LABEL and this build's id); guests from the CD are unavailable"
	fi
fi
echo "$medium" > /run/xenlive/medium

# --- ready -------------------------------------------------------------------
xl info > /run/xenlive/xl-info 2>&1 || fail "xl info failed: $(tail -n1 /run/xenlive/xl-info)"
xen=$(awk -F': *' '$1 ~ /^xen_version/ { print $2 }' /run/xenlive/xl-info)
free=$(awk -F': *' '$1 ~ /^free_memory/ { print $2 }' /run/xenlive/xl-info)
say "ready: Xen $xen, ${free:-?} MiB free, medium ${medium:-none}"

# --- the first guest's files, read ahead -------------------------------------
# A boot's first launch read its kernel, initramfs and image from the boot
# medium while the person waited (under QEMU, launch -> ready with dom0's
# page cache dropped: median 3.67 s; with those files cached: 3.19 s; more
# on a real CD drive).  Read once now, they are in dom0's page cache when
# it comes (the catalogue's first guest, ~50 MiB; the kernel drops them
# again when dom0 needs the memory).  In the background, a second after
# ready (livetop starts first), at the lowest CPU and I/O priority;
# boot.log says how it went.
# A netbooted machine's medium is in RAM already.
read_ahead() {  # read_ahead DIR: the files of DIR/catalog's first entry (run in a subshell)
	dir=$1
	sleep 1
	# shellcheck disable=SC2046 # words wanted: KERNEL RAMDISK IMAGE
	set -- $(awk -F'|' '!/^#/ && NF >= 8 { print $6, $7, $3; exit }' "$dir/catalog" 2>/dev/null)
	[ $# = 3 ] || return 0
	for f; do case $f in /* | *..*) return 0 ;; esac; done
	t0=$(cut -d' ' -f1 /proc/uptime)
	if (cd "$dir" && cat -- "$@" > /dev/null); then
		printf 'xenlive: read ahead %s (%s MiB) in %s s\n' "$*" \
			"$(cd "$dir" && du -cm -- "$@" | tail -n1 | cut -f1)" \
			"$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)" >> /run/xenlive/boot.log
	else
		printf 'xenlive: error: could not read ahead %s\n' "$*" >> /run/xenlive/boot.log
	fi
}
case $medium in
/dev/*)
	read_ahead /media/xenlive/guests < /dev/null > /dev/null 2>&1 &
	renice -n 19 -p $! > /dev/null 2>&1
	ionice -c 3 -p $! > /dev/null 2>&1
	;;
esac

# --- LAN mode, when the menu's LAN entry asked for it ----------------------------
# (after ready, in the background: a card's link and the LAN's DHCP server
# can take seconds; livetop shows LAN mode once it is on, and
# /run/xenlive/lan-boot.log keeps what xenlive-lan said)
if [ "${XENLIVE_LAN:-}" = 1 ]; then
	(
		i=0
		until xenlive-lan on > /run/xenlive/lan-boot.log 2>&1; do
			i=$((i + 1))
			[ $i -lt 10 ] || break
			sleep 3
		done
	) < /dev/null > /dev/null 2>&1 &
fi
