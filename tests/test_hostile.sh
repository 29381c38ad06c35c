#!/bin/bash
# Hostile guests under QEMU (real Xen): a guest is someone else's computer,
# and what its root does must not reach dom0's screen unfiltered, exhaust
# dom0 or touch another guest.  Scenarios, each followed by a check that
# dom0 is back where it was (loop devices, xenstore nodes, console logs,
# guest addresses and leases, Xen's free memory, dom0's available memory):
#  - control bytes and escape sequences in every data/xenlive key a guest
#    writes: livetop's batch and CSV output carry none of them;
#  - a guest that takes a made-up MAC address: its frames go nowhere;
#  - a guest that takes another address (made up, dom0's, another guest's):
#    it reaches no one, and another guest's ARP entry for dom0 stays;
#  - a DHCP server in a guest (UDP from port 67): reaches no other guest;
#  - a DHCP lease grab (requests for 20 made-up client MACs): no lease;
#  - a console flood for 60 s, detached and then open on tty3: the logs stay
#    within their cap, dom0 keeps its memory, the log goes with its guest,
#    the other guest still answers;
#  - livetop killed with SIGKILL on a screen: the console gives a shell;
#  - a guest whose kernel panics while booting: kept crashed, shown so, destroyed;
#  - a guest destroyed behind a running livetop's back;
#  - 100 launch/destroy cycles.
# First, before any guest: Ctrl-O b on the serial line (SysRq reboot) is refused.
# pass and fail always succeed, so "A && pass || fail" is safe here
# (SC2016: single-quoted text is expanded in dom0)
# shellcheck disable=SC2015,SC2016
cd "$(dirname "$0")/.." || exit 1
. tests/lib/isotest.sh

if ! qemu_boot hostile h 120 -drive "file=$ISO,media=cdrom,readonly=on" -boot d || ! qemu_wait 'xenlive# ' 30 prompt; then
	fail "dom0 did not come up"; finish
fi

# --- garbage on the serial line: Ctrl-O then b (hvc0's SysRq prefix, then reboot) -----------
# (with SysRq allowed, QEMU, which does not restart, would end here; with it
# off, hvc0 swallows both keys without a word and the shell never sees the b)
qemu_send $'\x0f'; sleep 1; qemu_send 'b'; sleep 3
qemu_cmd 20 'echo UP $(cut -d. -f1 /proc/uptime)'
echo "$QEMU_OUT" | grep -qE '^UP [0-9]+$' && ! echo "$QEMU_OUT" | grep -q 'not found' &&
	pass "Ctrl-O b on the serial console: dom0 stays up, the keys went to no one ($(echo "$QEMU_OUT" | grep '^UP') s)" ||
	fail "after Ctrl-O b on the serial console: $(echo "$QEMU_OUT" | tr '\n' ' ')"

# state: what guests may leave behind in dom0, as "key=value ..."
state() {
	qemu_cmd 60 'echo STATE loops=$(losetup -a | grep -c /guests/) nodes=$(xenstore-ls -f / | wc -l) logs=$(ls /var/log/xen/console | wc -l) addresses=$(ls /run/xenlive/net/ip | wc -l) leases=$(grep -c . /run/xenlive/net/leases) free=$(xl info | awk "/^free_memory/ { print \$3 }") avail=$(awk "/^MemAvailable/ { print int(\$2 / 1024) }" /proc/meminfo)'
	echo "$QEMU_OUT" | sed -n 's/^STATE //p' | tail -n1
}
val() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
# back WHAT: every guest is gone; dom0 must be as it was at the start
back() {
	local now bad=
	qemu_cmd 60 'for n in $(xl list | awk "NR > 2 { print \$1 }"); do xl destroy $n; done; sleep 3'
	now=$(state)
	for k in loops nodes logs addresses leases; do [ "$(val "$now" $k)" = "$(val "$base" $k)" ] || bad+=" $k"; done
	[ "$(val "$now" free)" -ge $(($(val "$base" free) - 2)) ] 2>/dev/null || bad+=" free"
	[ "$(val "$now" avail)" -ge $(($(val "$base" avail) - 8)) ] 2>/dev/null || bad+=" avail"
	[ -z "$bad" ] && pass "after $1: dom0 is back where it was ($now)" ||
		fail "after $1: changed:$bad (start: $base; now: $now)"
}
launch() { # launch DISTRO: prints the new guest's name once it is ready
	qemu_cmd 120 "n=\$(xenlive-launch $1) && xenlive-wait \$n 90 >/dev/null && echo \"LAUNCHED \$n\""
	echo "$QEMU_OUT" | awk '/^LAUNCHED/ { print $2 }'
}
domid() { qemu_cmd 10 "xl domid $1"; echo "$QEMU_OUT" | grep -E '^[0-9]+$' | tail -n1; }
# log_wait GUEST REGEX: a dom0 command that waits (at most 25 s) until
# GUEST's console log holds REGEX (what a command typed there printed)
log_wait() { printf "for i in \$(seq 25); do grep -q '%s' /var/log/xen/console/guest-%s.log && break; sleep 1; done" "$2" "$1"; }
# vif_ip GUEST: the address dom0 gave GUEST (its vif's backend "ip")
vif_ip() { qemu_cmd 10 "xenstore-read /local/domain/0/backend/vif/$(domid "$1")/0/ip"; echo "$QEMU_OUT" | grep -E '^[0-9.]+$' | tail -n1; }

# the first guest creates the backend directories that stay: start after it
n=$(launch debian)
[ -n "$n" ] || { fail "a Debian guest did not launch"; finish; }
qemu_cmd 30 "xl destroy $n; sleep 3"
base=$(state)
[ -n "$(val "$base" nodes)" ] && pass "dom0 at the start: $base" || { fail "cannot read dom0's state: $QEMU_OUT"; finish; }

# --- control bytes in every key a guest writes -------------------------------------------------
g1=$(launch debian) g2=$(launch debian)
if [ -n "$g1" ] && [ -n "$g2" ]; then
	id=$(domid "$g1")
	# OSC title, clear screen, a carriage return that redraws a row as another
	# guest, backspace, tab, a C1 CSI, DEL, and a spreadsheet formula
	qemu_cmd 30 "evil=\$(printf '=1+1\\033]0;owned\\007\\033[2J\\r  1 $g2\\b\\t\\233\\177'); for k in workload distro ip launched state os pretty; do xenstore-write /local/domain/$id/data/xenlive/\$k \"\$evil\"; done; echo WROTE"
	echo "$QEMU_OUT" | grep -q WROTE && pass "wrote control bytes and escapes into $g1's data/xenlive keys (as its root could)" ||
		fail "could not write $g1's keys: $QEMU_OUT"
	# bytes below 0x20 other than newline, and DEL, in livetop's output
	ctl='od -An -tx1 | tr " " "\n" | grep -cE "^(0[0-9a-f]|1[0-9a-f]|7f)$"'
	qemu_cmd 60 "livetop -b -n 2 -d 1 > /tmp/b.out 2>&1; livetop -b -n 2 -d 1 --csv > /tmp/c.out 2>&1; echo CTL \$(tr -d '\\n' < /tmp/b.out | $ctl) \$(tr -d '\\n' < /tmp/c.out | $ctl) ROWS \$(grep -c '$g1' /tmp/b.out) FORMULA \$(grep -cE '(^|,)\"?[=+@]' /tmp/c.out)"
	line=$(echo "$QEMU_OUT" | grep '^CTL ' | tail -n1)
	[ "$(echo "$line" | awk '{ print $2, $3 }')" = "0 0" ] && [ "$(echo "$line" | awk '{ print $5 }')" -gt 0 ] 2>/dev/null &&
		pass "livetop -b and --csv show $g1 with no control byte from its keys ($line)" ||
		fail "livetop passed guest bytes through: $line $(qemu_cmd 10 'head -c 600 /tmp/b.out | od -c | head -n 12'; echo "$QEMU_OUT" | tr '\n' ' ')"
	[ "$(echo "$line" | awk '{ print $7 }')" = 0 ] && pass "no CSV field starts a spreadsheet formula" ||
		fail "a CSV field starts a formula: $(qemu_cmd 10 "grep -E '(^|,)=' /tmp/c.out | head -n 2"; echo "$QEMU_OUT")"
	# livetop on a screen: the console program the screens run, on tty2, under
	# the command line of the normal boot entry (this machine booted the shell
	# entry; a mount namespace of its own shows it that line).  Its text
	# (/dev/vcs2): the header still on top (no clear screen got through), one
	# row per guest (the carriage return did not redraw one as the other),
	# and $g1's row shows the bytes as '?'
	qemu_cmd 40 'echo "console=hvc0" > /tmp/cmdline; unshare -m sh -c "mount --bind /tmp/cmdline /proc/cmdline && exec setsid -c /usr/lib/xenlive/console < /dev/tty2 > /dev/tty2 2>&1" & for i in $(seq 20); do pidof livetop > /dev/null && break; sleep 1; done; sleep 4; fold -w $(stty -F /dev/tty2 size | cut -d" " -f2) /dev/vcs2 > /tmp/vcs2; echo SCREEN $(head -n 1 /tmp/vcs2 | grep -c "^ *livetop ") $(grep -cE "^ *[0-9]+ +'"$g1"' " /tmp/vcs2) $(grep -cE "^ *[0-9]+ +'"$g2"' " /tmp/vcs2) $(grep -E "^ *[0-9]+ +'"$g1"' " /tmp/vcs2 | grep -cF "=1+1?]0;")'
	scr=$(echo "$QEMU_OUT" | grep '^SCREEN' | tail -n1)
	[ "$scr" = "SCREEN 1 1 1 1" ] &&
		pass "livetop on the screen (tty2): its header on top, one row each for $g1 and $g2, $g1's bytes shown as '?' ($scr)" ||
		fail "livetop's screen with $g1's bytes: '$scr' (want header, one row each, ?s): $(qemu_cmd 10 'grep -v "^ *$" /tmp/vcs2 | head -n 8'; echo "$QEMU_OUT")"
fi

# --- another guest's or a made-up MAC: its bridge port lets only its own in ---------------------
if [ -n "$g2" ]; then
	# (short lines: the console takes each at once; the result is read from
	# the guest's console log once it is there)
	mac() { # mac ADDRESS|'$(cat /tmp/m)' WHAT: eth0 gets ADDRESS, pings dom0, says WHAT-RC=status
		qemu_guest_type "$g2" "ip link set eth0 down; ip link set eth0 address $1; ip link set eth0 up"
		qemu_guest_type "$g2" "ping -c 2 -W 2 10.73.0.1 > /dev/null; echo $2-RC=\$?"
		qemu_cmd 30 "$(log_wait "$g2" "$2-RC=[0-9]")"
	}
	qemu_guest_type "$g2" 'cat /sys/class/net/eth0/address > /tmp/m'
	mac 00:16:3e:66:66:66 SPOOF
	mac '$(cat /tmp/m)' OWN
	qemu_cmd 10 "grep -oE '(SPOOF|OWN)-RC=[0-9]+' /var/log/xen/console/guest-$g2.log | tail -n 2 | xargs"
	[ "$(echo "$QEMU_OUT" | tail -n1)" = "SPOOF-RC=1 OWN-RC=0" ] &&
		pass "$g2 with a made-up MAC cannot reach dom0; with its own it can (the bridge port is locked to its MAC)" ||
		fail "MAC spoofing from $g2: $(echo "$QEMU_OUT" | tail -n1)"
fi

# --- another guest's address, dom0's address, a made-up one: only its own goes out ---------------
# (g2 takes other addresses in turn and pings; the filters on its port let IPv4
# and ARP out only from the address dom0 gave it.  g1 first learns dom0's MAC
# for 10.73.0.1; g2 claiming 10.73.0.1 must not change that entry in g1.)
if [ -n "$g1" ] && [ -n "$g2" ]; then
	ip1=$(vif_ip "$g1") ip2=$(vif_ip "$g2")
	net=${ip1%.*}
	qemu_guest_type "$g1" "ping -c 1 -W 2 $net.1 > /dev/null"
	qemu_guest_type "$g2" "ip addr flush dev eth0; ip addr add $net.99/24 dev eth0"
	qemu_guest_type "$g2" "ping -c 1 -W 2 $net.1 > /dev/null; echo MADEUP-DOM0-RC=\$?; ping -c 1 -W 2 $ip1 > /dev/null; echo MADEUP-GUEST-RC=\$?"
	qemu_guest_type "$g2" "ip addr flush dev eth0; ip addr add $net.1/24 dev eth0; ping -c 1 -W 2 $ip1 > /dev/null; echo DOM0S-RC=\$?"
	qemu_guest_type "$g2" "ip addr flush dev eth0; ip addr add $ip1/24 dev eth0; ping -c 1 -W 2 $net.1 > /dev/null; echo OTHERS-RC=\$?"
	qemu_guest_type "$g2" "ip addr flush dev eth0; ip addr add $ip2/24 dev eth0; ping -c 1 -W 2 $net.1 > /dev/null; echo BACK-RC=\$?"
	qemu_cmd 30 "$(log_wait "$g2" 'BACK-RC=[0-9]'); grep -oE '(MADEUP-DOM0|MADEUP-GUEST|DOM0S|OTHERS|BACK)-RC=[0-9]+' /var/log/xen/console/guest-$g2.log | xargs"
	got=$(echo "$QEMU_OUT" | grep 'BACK-RC' | tail -n1)
	[ "$got" = "MADEUP-DOM0-RC=1 MADEUP-GUEST-RC=1 DOM0S-RC=1 OTHERS-RC=1 BACK-RC=0" ] &&
		pass "$g2 under a made-up address, dom0's and $g1's reaches no one; under its own ($ip2) it does" ||
		fail "IP spoofing from $g2: '$got'"
	qemu_guest_type "$g1" "echo NEIGH=\$(ip neigh show $net.1 | awk '{ print \$5 }')"
	qemu_cmd 20 "echo WANT=\$(cat /sys/class/net/\$(. /etc/xenlive/config; echo \$BRIDGE)/address); grep -oE 'NEIGH=[0-9a-f:]*' /var/log/xen/console/guest-$g1.log | tail -n1"
	want=$(echo "$QEMU_OUT" | sed -n 's/^WANT=//p' | tail -n1) neigh=$(echo "$QEMU_OUT" | sed -n 's/^NEIGH=//p' | tail -n1)
	[ -n "$want" ] && [ "$neigh" = "$want" ] &&
		pass "$g1 still has dom0's MAC for $net.1 ($neigh) after $g2 sent as $net.1" ||
		fail "$g1's entry for $net.1 is '$neigh', dom0's bridge is '$want'"

	# --- a DHCP server in a guest: what it sends from UDP port 67 reaches no one ------------------
	# ($g1 prints what comes to its UDP port 6868; $g2 sends there from port 67,
	# a DHCP server's, then, as a control, from port 6767: only the control
	# may arrive.  Perl is in every Debian image: perl-base is essential.)
	qemu_guest_type "$g1" 'timeout 60 perl -MIO::Socket::INET -e '\''$s = IO::Socket::INET->new(Proto, q(udp), LocalPort, 6868) or die; $| = 1; print qq(GOT-<$m>\n) while $s->recv($m, 99)'\'' &'
	send='for p in 67 6767; do perl -MIO::Socket::INET -e '\''IO::Socket::INET->new(Proto, q(udp), LocalPort, $ARGV[0], PeerAddr, qq($ARGV[1]:6868))->send(qq(P$ARGV[0]))'\'' $p IP1; sleep 1; done'
	qemu_guest_type "$g2" "${send//IP1/$ip1}"
	qemu_cmd 40 "$(log_wait "$g1" 'GOT-<P6767>'); echo ARRIVED \$(grep -oE 'GOT-<P[0-9]+>' /var/log/xen/console/guest-$g1.log | xargs)"
	got=$(echo "$QEMU_OUT" | sed -n 's/^ARRIVED //p' | tail -n1)
	[ "$got" = "GOT-<P6767>" ] &&
		pass "$g2 sent UDP from port 67 (a DHCP server's) to $g1: it never came; from port 6767 it did" ||
		fail "UDP from port 67 in $g2 to $g1: $g1 got '$got' (want only GOT-<P6767>)"

	# --- a DHCP lease grab: requests for 20 made-up client MACs, sent as its root could --------
	# (DISCOVER then REQUEST for each, built byte by byte; a control: once dom0
	# lists one of those MACs, the same request gets it a lease, so the
	# requests do reach the server)
	dhcp='for t in 01 03; do { printf "\x01\x01\x06\x00\x12\x34\x56\x$i\x00\x00\x80\x00"; head -c 16 /dev/zero; printf "\x02\x00\x00\x00\x00\x$i"; head -c 202 /dev/zero; printf "\x63\x82\x53\x63\x35\x01\x$t\x32\x04\x0a\x49\x00\x$i\xff"; } > /tmp/d; cat /tmp/d > /dev/udp/NET.1/67; done'
	dhcp=${dhcp//NET/$net}
	leases() { qemu_cmd 10 "echo LEASES \$(grep -c . /run/xenlive/net/leases) \$(grep -c '02:00:00:00:00:' /run/xenlive/net/leases)"; echo "$QEMU_OUT" | sed -n 's/^LEASES //p' | tail -n1; }
	l0=$(leases)
	qemu_guest_type "$g2" "for i in 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39; do $dhcp; done; echo GRAB-SENT"
	sleep 2
	l1=$(leases)
	qemu_cmd 10 "echo 02:00:00:00:00:39,$net.57 > /run/xenlive/net/hosts/control; sleep 1"
	qemu_guest_type "$g2" "i=39; $dhcp; echo CONTROL-SENT"
	sleep 2
	l2=$(leases)
	qemu_cmd 20 "rm /run/xenlive/net/hosts/control; kill -HUP \$(cat /run/xenlive/dnsmasq.pid); . /etc/xenlive/config; dhcp_release \$BRIDGE $net.57 02:00:00:00:00:39; sleep 1"
	[ "$l0" = "2 0" ] && [ "$l1" = "2 0" ] && [ "$l2" = "3 1" ] &&
		pass "$g2 asked for 20 leases under made-up MACs and got none; leases stay one per guest (leases, made-up ones: before $l0, after $l1; control, once dom0 listed one: $l2)" ||
		fail "DHCP lease grab from $g2: leases, made-up ones: before '$l0', after '$l1', control '$l2' (want 2 0, 2 0, 3 1)"
fi

# --- a console flood: 60 s of output to the guest's console, with no one attached, then with
# --- its console open on a screen (xl console on tty3, as a person would have it) ----------------
logkb() {
	qemu_cmd 20 'echo LOGKB $(du -sk /var/log/xen/console | cut -f1) $(ls -l /var/log/xen/console/guest-'"$1"'.log | awk "{ print int(\$5 / 1024) }")'
	echo "$QEMU_OUT" | grep '^LOGKB' | tail -n1
}
# flood GUEST OTHER HOW: GUEST prints for 60 s; its console detached, or
# with HOW=attached open on tty3; checks the logs, dom0's memory, OTHER
flood() {
	local before after mid end dir_kb log_kb drop
	before=$(state)
	# (it starts after the console is left: the prompt must come first)
	qemu_guest_type "$1" '(sleep 5; timeout 60 yes "flood flood flood flood flood flood flood" > /dev/hvc0) > /dev/null 2>&1 & echo started'
	[ "$3" = detached ] || qemu_cmd 10 "setsid -c xl console $1 < /dev/tty3 > /dev/tty3 2>&1 & echo ATTACHED"
	sleep 35
	mid=$(logkb "$1")
	sleep 30
	end=$(logkb "$1")
	after=$(state)
	if [ "$3" != detached ]; then
		qemu_cmd 10 "grep -c 'flood flood' /dev/vcs3; kill \$(pidof xenconsole)"
		[ "$(echo "$QEMU_OUT" | grep -E '^[0-9]+$' | tail -n1)" -gt 0 ] 2>/dev/null &&
			pass "$1's flood reached its console on tty3" || fail "$1's console on tty3 showed no flood: $QEMU_OUT"
	fi
	dir_kb=$(echo "$mid $end" | awk '{ print ($2 > $5 ? $2 : $5) }')
	log_kb=$(echo "$mid $end" | awk '{ print ($3 > $6 ? $3 : $6) }')
	# (the logs' tmpfs holds 4 MiB; each log is cut every second once over 256 KiB)
	[ -n "$mid" ] && [ -n "$end" ] && [ "$dir_kb" -le 4096 ] && [ "$log_kb" -le 2048 ] &&
		pass "a 60 s console flood, $3: the console logs stayed at most $dir_kb KiB, $1's at most $log_kb KiB (halfway: $mid; end: $end)" ||
		fail "console logs during the flood, $3: halfway '$mid', end '$end' (KiB: directory, $1's log)"
	drop=$(( $(val "$before" avail) - $(val "$after" avail) ))
	[ "$drop" -le 8 ] 2>/dev/null && pass "dom0's available memory moved by $drop MiB during the flood, $3 (before: $(val "$before" avail), after: $(val "$after" avail))" ||
		fail "dom0 lost '$drop' MiB of available memory to the flood, $3 ($before -> $after)"
	qemu_cmd 30 "ping -c 2 -W 3 $(vif_ip "$2") > /dev/null && echo PING-OK"
	echo "$QEMU_OUT" | grep -q PING-OK && pass "the other guest $2 still answers dom0's ping" || fail "$2 does not answer after the flood, $3"
}
if [ -n "$g1" ] && [ -n "$g2" ]; then
	flood "$g1" "$g2" detached
	flood "$g1" "$g2" attached
	qemu_cmd 30 "xl destroy $g1; sleep 4; ls /var/log/xen/console/guest-$g1.log 2>&1"
	echo "$QEMU_OUT" | grep -q 'No such file' && pass "$g1's console log went with $g1" || fail "$g1's log is still there: $QEMU_OUT"
fi

# --- livetop killed with SIGKILL on a screen ---------------------------------------------------
# (livetop on tty2 since the control bytes, through the flood: SIGKILL, as
# the OOM killer would)
qemu_cmd 40 'echo UP $(pidof livetop | wc -w) $(grep -c "ID^ NAME" /dev/vcs2); kill -9 $(pidof livetop); sleep 3; echo AFTER $(pidof livetop | wc -w) $(fold -w $(stty -F /dev/tty2 size | cut -d" " -f2) /dev/vcs2 | grep -v "^ *$" | tail -n 4 | tr -s " " | tr "\n" "|")'
up=$(echo "$QEMU_OUT" | grep '^UP' | tail -n1) after=$(echo "$QEMU_OUT" | grep '^AFTER' | tail -n1)
[ "$up" = "UP 1 1" ] && echo "$after" | grep -q '^AFTER 0 livetop ended; this is a root shell.*|xenlive# |$' &&
	pass "livetop on tty2 killed with SIGKILL: the screen says so and gives a root shell ($after)" ||
	fail "livetop killed with SIGKILL on tty2: '$up' '$after'"

# --- a guest destroyed behind a running livetop's back -------------------------------------------
if [ -n "$g2" ]; then
	qemu_cmd 60 "livetop -b -d 1 -n 6 > /tmp/lt.out 2>&1 & p=\$!; sleep 2; xl destroy $g2; wait \$p; echo RC=\$?; tail -n 4 /tmp/lt.out"
	echo "$QEMU_OUT" | grep -q '^RC=0' && ! echo "$QEMU_OUT" | sed '1,/^RC=/d' | grep -q "$g2" &&
		pass "livetop -b went on when $g2 was destroyed behind its back, and dropped its row" ||
		fail "livetop with a guest destroyed behind its back: $(echo "$QEMU_OUT" | tr '\n' ' ')"
fi
back "control bytes, a console flood and a destroy behind livetop's back"

# --- a guest whose kernel panics while booting ---------------------------------------------------
# (its command line names a first program that does not exist and no root
# device: the kernel panics, and the guest kernel's panic timeout of -1 turns
# that into a crash at once; on_crash is "preserve", as livetop launches)
qemu_cmd 30 "xenlive-launch debian --name crasher --dry-run | sed 's/^cmdline = \"/cmdline = \"rdinit=\\/nonexistent /' > /tmp/crash.cfg && grep -c rdinit=/nonexistent /tmp/crash.cfg && xl create /tmp/crash.cfg > /dev/null 2>&1; echo CREATED \$?"
qemu_cmd 60 'for i in $(seq 40); do xl list crasher 2>/dev/null | awk "NR == 2 { print \$5 }" | grep -q c && break; sleep 1; done; echo CRASHER $(xl list crasher 2>/dev/null | awk "NR == 2 { print \$5 }") $(livetop -b -n 1 2>&1 | grep -c "crasher.*crashed")'
line=$(echo "$QEMU_OUT" | grep '^CRASHER' | tail -n1)
echo "$line" | grep -qE '^CRASHER [a-z-]*c[a-z-]* 1$' &&
	pass "a guest whose kernel panics while booting is kept crashed, and livetop -b says so ($line)" ||
	fail "the panicking guest: '$line' $(echo "$QEMU_OUT" | grep -E 'CREATED|^[0-9]' | tr '\n' ' ')"
back "a guest that crashed while booting, destroyed"

# --- 100 launch/destroy cycles -----------------------------------------------------------------
qemu_cmd 1200 'i=0; while [ $i -lt 100 ]; do n=$(xenlive-launch debian) || break; xl destroy $n || break; i=$((i + 1)); done; echo CYCLES=$i'
echo "$QEMU_OUT" | grep -q '^CYCLES=100$' && pass "100 launch/destroy cycles ran" ||
	fail "launch/destroy cycles: $(echo "$QEMU_OUT" | tail -n 3 | tr '\n' ' ')"
back "100 launch/destroy cycles"
qemu_stop
finish
