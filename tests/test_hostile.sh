#!/bin/bash
# Hostile guests under QEMU (real Xen): a guest is someone else's computer,
# and what its root does must not reach dom0's screen unfiltered, exhaust
# dom0 or touch another guest.  Scenarios, each followed by a check that
# dom0 is back where it was (loop devices, xenstore nodes, console logs,
# Xen's free memory, dom0's available memory):
#  - control bytes and escape sequences in every data/xenlive key a guest
#    writes: livetop's batch and CSV output carry none of them;
#  - a guest that takes a made-up MAC address: its frames go nowhere;
#  - a console flood for 60 s: the logs stay within their cap, dom0 keeps
#    its memory, the log goes with its guest, the other guest still answers;
#  - a guest whose kernel panics while booting (never ready), destroyed;
#  - a guest destroyed behind a running livetop's back;
#  - 100 launch/destroy cycles.
# pass and fail always succeed, so "A && pass || fail" is safe here
# (SC2016: single-quoted text is expanded in dom0)
# shellcheck disable=SC2015,SC2016
cd "$(dirname "$0")/.." || exit 1
. tests/lib/isotest.sh

qemu_start hostile -drive "file=$ISO,media=cdrom,readonly=on" -boot d
qemu_wait 'Automatic boot in' 60 "boot menu" && qemu_send $'h\r'
if ! qemu_wait "$READY" 120 ready || ! qemu_wait 'xenlive# ' 30 prompt; then
	fail "dom0 did not come up"; finish
fi

# state: what guests may leave behind in dom0, as "key=value ..."
state() {
	qemu_cmd 60 'echo STATE loops=$(losetup -a | grep -c /guests/) nodes=$(xenstore-ls -f / | wc -l) logs=$(ls /var/log/xen/console | wc -l) free=$(xl info | awk "/^free_memory/ { print \$3 }") avail=$(awk "/^MemAvailable/ { print int(\$2 / 1024) }" /proc/meminfo)'
	echo "$QEMU_OUT" | sed -n 's/^STATE //p' | tail -n1
}
val() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
# back WHAT: every guest is gone; dom0 must be as it was at the start
back() {
	local now bad=
	qemu_cmd 60 'for n in $(xl list | awk "NR > 2 { print \$1 }"); do xl destroy $n; done; sleep 3'
	now=$(state)
	for k in loops nodes logs; do [ "$(val "$now" $k)" = "$(val "$base" $k)" ] || bad+=" $k"; done
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
fi

# --- another guest's or a made-up MAC: its bridge port lets only its own in ---------------------
if [ -n "$g2" ]; then
	# (short lines: the console takes each at once; the result is read from
	# the guest's console log once it is there)
	mac() { # mac ADDRESS|'$(cat /tmp/m)' WHAT: eth0 gets ADDRESS, pings dom0, says WHAT-RC=status
		qemu_guest_type "$g2" "ip link set eth0 down; ip link set eth0 address $1; ip link set eth0 up"
		qemu_guest_type "$g2" "ping -c 2 -W 2 10.73.0.1 > /dev/null; echo $2-RC=\$?"
		qemu_cmd 30 "for i in \$(seq 25); do grep -q '$2-RC=[0-9]' /var/log/xen/console/guest-$g2.log && break; sleep 1; done"
	}
	qemu_guest_type "$g2" 'cat /sys/class/net/eth0/address > /tmp/m'
	mac 00:16:3e:66:66:66 SPOOF
	mac '$(cat /tmp/m)' OWN
	qemu_cmd 10 "grep -oE '(SPOOF|OWN)-RC=[0-9]+' /var/log/xen/console/guest-$g2.log | tail -n 2 | xargs"
	[ "$(echo "$QEMU_OUT" | tail -n1)" = "SPOOF-RC=1 OWN-RC=0" ] &&
		pass "$g2 with a made-up MAC cannot reach dom0; with its own it can (the bridge port is locked to its MAC)" ||
		fail "MAC spoofing from $g2: $(echo "$QEMU_OUT" | tail -n1)"
fi

# --- a console flood: 60 s of output to the guest's console, no one attached ----------------------
if [ -n "$g1" ] && [ -n "$g2" ]; then
	before=$(state)
	# (it starts after the console is left: the prompt must come first)
	qemu_guest_type "$g1" '(sleep 3; timeout 60 yes "flood flood flood flood flood flood flood" > /dev/hvc0) > /dev/null 2>&1 & echo started'
	sleep 35
	qemu_cmd 20 'echo LOGKB $(du -sk /var/log/xen/console | cut -f1) $(ls -l /var/log/xen/console/guest-'"$g1"'.log | awk "{ print int(\$5 / 1024) }")'
	mid=$(echo "$QEMU_OUT" | grep '^LOGKB' | tail -n1)
	sleep 30
	qemu_cmd 20 'echo LOGKB $(du -sk /var/log/xen/console | cut -f1) $(ls -l /var/log/xen/console/guest-'"$g1"'.log | awk "{ print int(\$5 / 1024) }")'
	end=$(echo "$QEMU_OUT" | grep '^LOGKB' | tail -n1)
	after=$(state)
	dir_kb=$(echo "$mid $end" | awk '{ print ($2 > $5 ? $2 : $5) }')
	log_kb=$(echo "$mid $end" | awk '{ print ($3 > $6 ? $3 : $6) }')
	# (the logs' tmpfs holds 4 MiB; each log is cut every second once over 256 KiB)
	[ -n "$mid" ] && [ -n "$end" ] && [ "$dir_kb" -le 4096 ] && [ "$log_kb" -le 2048 ] &&
		pass "a 60 s console flood: the console logs stayed at most $dir_kb KiB, $g1's at most $log_kb KiB (halfway: $mid; end: $end)" ||
		fail "console logs during the flood: halfway '$mid', end '$end' (KiB: directory, $g1's log)"
	drop=$(( $(val "$before" avail) - $(val "$after" avail) ))
	[ "$drop" -le 8 ] 2>/dev/null && pass "dom0's available memory moved by $drop MiB during the flood (before: $(val "$before" avail), after: $(val "$after" avail))" ||
		fail "dom0 lost '$drop' MiB of available memory to the flood ($before -> $after)"
	qemu_cmd 30 "ping -c 2 -W 3 \$(xenstore-read /local/domain/$(domid "$g2")/data/xenlive/ip) > /dev/null && echo PING-OK"
	echo "$QEMU_OUT" | grep -q PING-OK && pass "the other guest $g2 still answers dom0's ping" || fail "$g2 does not answer after the flood"
	qemu_cmd 30 "xl destroy $g1; sleep 4; ls /var/log/xen/console/guest-$g1.log 2>&1"
	echo "$QEMU_OUT" | grep -q 'No such file' && pass "$g1's console log went with $g1" || fail "$g1's log is still there: $QEMU_OUT"
fi

# --- a guest destroyed behind a running livetop's back -------------------------------------------
if [ -n "$g2" ]; then
	qemu_cmd 60 "livetop -b -d 1 -n 6 > /tmp/lt.out 2>&1 & p=\$!; sleep 2; xl destroy $g2; wait \$p; echo RC=\$?; tail -n 4 /tmp/lt.out"
	echo "$QEMU_OUT" | grep -q '^RC=0' && ! echo "$QEMU_OUT" | sed '1,/^RC=/d' | grep -q "$g2" &&
		pass "livetop -b went on when $g2 was destroyed behind its back, and dropped its row" ||
		fail "livetop with a guest destroyed behind its back: $(echo "$QEMU_OUT" | tr '\n' ' ')"
fi
back "control bytes, a console flood and a destroy behind livetop's back"

# --- a guest whose kernel panics while booting ---------------------------------------------------
# (its first process is busybox without arguments, which exits at once: the
# kernel panics, "Attempted to kill init", and with panic=1 restarts after a
# second; on_crash and on_reboot "preserve")
qemu_cmd 30 "xenlive-launch debian --name crasher --dry-run | sed 's/^extra = \"/extra = \"rdinit=\\/bin\\/busybox panic=1 /; /^on_crash/d' > /tmp/crash.cfg && printf 'on_crash = \"preserve\"\\non_reboot = \"preserve\"\\n' >> /tmp/crash.cfg && xl create /tmp/crash.cfg > /dev/null 2>&1; echo CREATED \$?"
# (on this Xen and guest kernel the panic restarts the domain rather than
# leaving it crashed, so what is checked is that it never turns ready)
qemu_cmd 60 'sleep 30; echo CRASHER $(xl domid crasher 2>/dev/null || echo gone) $(xenstore-read /local/domain/$(xl domid crasher 2>/dev/null)/data/xenlive/state 2>/dev/null || echo no-state)'
line=$(echo "$QEMU_OUT" | grep '^CRASHER' | tail -n1)
[ -n "$line" ] && ! echo "$line" | grep -q ' ready$' &&
	pass "a guest whose kernel panics while booting never turns ready ($line)" ||
	fail "the panicking guest: '$line'"
back "a guest that crashed while booting, destroyed"

# --- 100 launch/destroy cycles -----------------------------------------------------------------
qemu_cmd 1200 'i=0; while [ $i -lt 100 ]; do n=$(xenlive-launch debian) || break; xl destroy $n || break; i=$((i + 1)); done; echo CYCLES=$i'
echo "$QEMU_OUT" | grep -q '^CYCLES=100$' && pass "100 launch/destroy cycles ran" ||
	fail "launch/destroy cycles: $(echo "$QEMU_OUT" | tail -n 3 | tr '\n' ' ')"
back "100 launch/destroy cycles"
qemu_stop
finish
