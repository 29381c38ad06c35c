#!/bin/bash
# Two xenlive machines on one cable (QEMU: a socket network on 127.0.0.1,
# e1000 cards): LAN mode (xenlive-lan) and moving a running guest between
# them (xenlive-migrate).  A's Debian guest runs a counter and a 10 ms ping
# to a guest on B; it moves to B: there it is ready, its counter went on, its
# address is the same, its ping log shows the pause; A's memory is free.
# Then it moves back, with livetop's m key on B's screen (keys typed with
# QEMU's sendkey, the screen read from /dev/vcs1), and A tells its arrival.
# Refused moves (wrong code, another build, B not in LAN mode, B's receiver
# gone mid-way) leave it running where it was.  B boots the menu's LAN mode
# entry (LAN mode on by itself, shown by livetop); A turns it on by hand,
# after a try under B's name, which is refused.
# Machine b gets a DMI UUID (-uuid), so it is xenlive-b with its own block
# of guest addresses; machine a has none and is xenlive-a.
# shellcheck disable=SC2015,SC2016
cd "$(dirname "$0")/.." || exit 1
. tests/lib/check.sh
. tests/lib/qemu.sh
. tests/lib/lan.sh
. tests/lib/screen.sh
ISO=${LAN_ISO:-out/xenlive.iso}
[ -f "$ISO" ] || { fail "no $ISO (make first)"; finish; }
trap 'qemu_cleanup' EXIT
# b boots the menu's LAN mode entry: LAN mode comes on by itself after ready
lan_pair "$ISO" 1536 l || { fail "the two machines did not come up"; finish; }

qemu_use a
qemu_cmd 20 'hostname; xenlive-lan status; netstat -ltn | grep -c ":7373 "'
echo "$QEMU_OUT" | grep -qx 'xenlive-a' && echo "$QEMU_OUT" | grep -qx 'LAN mode off' && echo "$QEMU_OUT" | grep -qx 0 &&
	pass "a boots as xenlive-a with LAN mode off and nothing listening on the migration port" ||
	fail "a before LAN mode: $(echo "$QEMU_OUT" | tr '\n' ' ')"
qemu_cmd 20 'xenlive-migrate nosuch xenlive-b; echo RC=$?'
echo "$QEMU_OUT" | grep -q 'LAN mode is off here' && echo "$QEMU_OUT" | grep -q '^RC=1' &&
	pass "a move with LAN mode off is refused: $(echo "$QEMU_OUT" | grep -m1 -o 'xenlive-migrate:.*')" ||
	fail "move with LAN mode off: $(echo "$QEMU_OUT" | tr '\n' ' ')"

qemu_use b
qemu_cmd 60 'for i in $(seq 50); do grep -q "^code " /run/xenlive/lan-boot.log 2>/dev/null && break; sleep 1; done; cat /run/xenlive/lan-boot.log'
code_b=$(echo "$QEMU_OUT" | sed -n 's/^code \([0-9]*\)$/\1/p')
addr_b=$(echo "$QEMU_OUT" | sed -n 's/^address \([0-9.]*\)$/\1/p')
echo "$QEMU_OUT" | grep -qx 'name xenlive-b' && [ -n "$code_b" ] && [ -n "$addr_b" ] &&
	pass "b, booted from the menu's LAN mode entry, turned LAN mode on by itself: name xenlive-b, address $addr_b, code $code_b" ||
	fail "LAN mode from b's boot entry: $(echo "$QEMU_OUT" | tr '\n' ' ')"
if wait_vcs "/LAN: [a-z0-9]+ $addr_b code $code_b/ { print }" 30; then
	pass "livetop on b's screen shows LAN mode: $(grep -o 'LAN: .*' "$TMPD/vcs" | head -n1 | sed 's/  *$//')"
else
	fail "livetop on b's screen shows no LAN line"; show_vcs
fi
qemu_cmd 10 "netstat -ltn | grep ':7373 '"
echo "$QEMU_OUT" | grep -q "$addr_b:7373 " && ! echo "$QEMU_OUT" | grep -q '0.0.0.0:7373' &&
	pass "b's receiver listens on its LAN address only: $(echo "$QEMU_OUT" | awk '{ print $4 }')" ||
	fail "b's receiver: $(echo "$QEMU_OUT" | tr '\n' ' ')"
# a machine of the same letter as one already on the cable stays out
qemu_use a
qemu_cmd 60 'hostname xenlive-b; xenlive-lan on; echo RC=$?; hostname xenlive-a; xenlive-lan status'
echo "$QEMU_OUT" | grep -q "xenlive-lan: the machine at $addr_b is xenlive-b too" && echo "$QEMU_OUT" | grep -q '^RC=1' &&
	echo "$QEMU_OUT" | grep -qx 'LAN mode off' &&
	pass "a second xenlive-b on the cable is refused LAN mode: $(echo "$QEMU_OUT" | grep -m1 -o 'xenlive-lan:.*')" ||
	fail "a second xenlive-b on the cable: $(echo "$QEMU_OUT" | tr '\n' ' ')"
lan_on a
code_a=$LAN_CODE
echo "$QEMU_OUT" | grep -q "^xenlive-b $addr_b\$" &&
	pass "xenlive-lan on (a): it sees xenlive-b at $addr_b" ||
	fail "xenlive-lan on (a) does not list xenlive-b $addr_b: $(echo "$QEMU_OUT" | tr '\n' ' ')"

# guests: a ping target on b, the guest that moves on a
qemu_use b
qemu_cmd 120 'xenlive-launch debian --memory 48 --name target && xenlive-wait target 90 && sleep 1 && echo IP=$(xenstore-read /local/domain/$(xl domid target)/data/xenlive/ip)'
ip_t=$(echo "$QEMU_OUT" | sed -n 's/^IP=\([0-9.]*\)$/\1/p')
qemu_use a
qemu_cmd 120 'xenlive-launch debian --memory 48 && xenlive-wait debian-1 90 && sleep 1 && echo IP=$(xenstore-read /local/domain/$(xl domid debian-1)/data/xenlive/ip)'
ip_g=$(echo "$QEMU_OUT" | sed -n 's/^IP=\([0-9.]*\)$/\1/p')
case $ip_t in 10.73.1[6-9].* | 10.73.2[0-9].* | 10.73.3[01].*) [ "${ip_g%.*}" = 10.73.0 ] ;; *) false ;; esac &&
	pass "each machine gives its guests addresses of its own block: debian-1 on a $ip_g, target on b $ip_t" ||
	fail "guest addresses: debian-1 on a '$ip_g', target on b '$ip_t'"
[ -n "$ip_t" ] || finish
qemu_guest_type debian-1 '(while :; do c=$((c+1)); echo $c > /root/count; sleep 0.1; done) > /dev/null 2>&1 &'
qemu_guest_type debian-1 "(ping -D -i 0.01 $ip_t > /root/ping.log 2>&1 &)"
sleep 5
# count: the guest's counter (through its console log, the newest line)
count() {
	qemu_guest_type debian-1 "echo C-\$(cat /root/count)-\$(grep -c 'bytes from' /root/ping.log)-C"
	qemu_cmd 10 "grep -a -o 'C-[0-9]*-[0-9]*-C' /var/log/xen/console/guest-debian-1.log | tail -n1"
	echo "$QEMU_OUT" | grep -o '^C-[0-9]*-[0-9]*-C$' | tail -n1
}
c0=$(count)
replies0=$(echo "$c0" | cut -d- -f3)
[ "${replies0:-0}" -gt 0 ] && pass "debian-1 on a pings target on b across the cable ($replies0 replies so far)" ||
	fail "debian-1 on a gets no ping replies from target ($ip_t) on b: $c0"

# refused moves leave it running on a
running_here() { qemu_cmd 10 "xl list debian-1 | awk 'NR == 2 { print \"STATE=\" \$5 }'"; echo "$QEMU_OUT" | grep -qE '^STATE=[-rb]+$' && ! echo "$QEMU_OUT" | grep -q 'STATE=.*p'; }
# refused PEER CODE REASON WHAT: on a, moving debian-1 to PEER with CODE is
# refused with REASON, exit 1, and debian-1 runs on on a
refused() {
	local out
	qemu_use a
	qemu_cmd 90 "xenlive-migrate debian-1 $1 --code $2; echo RC=\$?"
	out=$QEMU_OUT
	echo "$out" | grep -q "$3" && echo "$out" | grep -q '^RC=1' && running_here &&
		pass "$4 is refused and debian-1 runs on on a: $(echo "$out" | grep -m1 -o 'xenlive-migrate:.*')" ||
		fail "$4: $(echo "$out" | tr '\n' ' ')"
}
# (b's code is random: the wrong one is the next, so the two never meet)
refused xenlive-b "$(printf '%04d' $(( (10#${code_b:-0} + 1) % 10000 )))" 'wrong pairing code' "a wrong code"
qemu_use b
qemu_cmd 10 'cp /etc/xenlive/build-id /tmp/id; echo 0123456789abcdef > /etc/xenlive/build-id'
refused "$addr_b" "$code_b" 'another xenlive build' "a peer of another build"
qemu_use b
qemu_cmd 10 'cp /tmp/id /etc/xenlive/build-id'
# b's receiver dies while the guest's state is on its way
qemu_cmd 10 '( (for i in $(seq 600); do pidof lzop > /dev/null && { sleep 1; killall lzop; break; }; sleep 0.2; done) > /dev/null 2>&1 & )'
qemu_use a
qemu_cmd 180 "xenlive-migrate debian-1 $addr_b --code $code_b; echo RC=\$?"
out=$QEMU_OUT
running_here && echo "$out" | grep -q '^RC=1' && echo "$out" | grep -q 'runs on here' &&
	pass "b's receiver killed mid-way: the move fails and debian-1 runs on on a: $(echo "$out" | grep -m1 -o 'xenlive-migrate:.*')" ||
	fail "receiver killed mid-way: $(echo "$out" | tr '\n' ' ')"
qemu_use b
qemu_cmd 10 'xl list | grep -c debian-1'
echo "$QEMU_OUT" | grep -qx 0 && pass "nothing of debian-1 is left on b after the failed move" || fail "b after the failed move: $(qemu_cmd 5 'xl list'; echo "$QEMU_OUT" | tr '\n' ' ')"

# the move
qemu_use a
c1=$(count)
qemu_cmd 20 "xl info | awk '/^free_memory/ { print \"FREE=\" \$3 }'"
free_a0=$(echo "$QEMU_OUT" | sed -n 's/^FREE=//p')
qemu_cmd 240 "xenlive-migrate debian-1 xenlive-b --code $code_b; echo RC=\$?"
out=$QEMU_OUT
echo "$out" | grep -q '^debian-1 moved to xenlive-b in [0-9.]* s' && echo "$out" | grep -q '^RC=0' &&
	pass "xenlive-migrate debian-1 xenlive-b: $(echo "$out" | grep -m1 'moved to')" ||
	fail "the move to b: $(echo "$out" | tr '\n' ' ')"
# (Xen gives a destroyed domain's memory back as it scrubs it: up to 30 s.
# Under QEMU a's dom0 may first stall for up to a minute after the move:
# "soft lockup" in a's log; seen only with two machines, cause not found)
t=$(date +%s)
qemu_cmd 180 "xl list | grep -c debian-1; for i in \$(seq 30); do f=\$(xl info | awk '/^free_memory/ { print \$3 }'); [ \$f -ge $((${free_a0:-0} + 40)) ] && break; sleep 1; done; echo FREE=\$f"
free_a1=$(echo "$QEMU_OUT" | sed -n 's/^FREE=//p')
echo "$QEMU_OUT" | grep -qx 0 && [ "${free_a1:-0}" -ge $((${free_a0:-0} + 40)) ] &&
	pass "debian-1 is gone from a and its memory is free again ($free_a0 -> $free_a1 MiB free, seen $(( $(date +%s) - t )) s after the move)" ||
	fail "a after the move: $(echo "$QEMU_OUT" | tr '\n' ' ') (free before: $free_a0)"
qemu_use b
qemu_cmd 60 'xenlive-wait debian-1 30 && sleep 1 && echo IP=$(xenstore-read /local/domain/$(xl domid debian-1)/data/xenlive/ip)'
ip_g2=$(echo "$QEMU_OUT" | sed -n 's/^IP=\([0-9.]*\)$/\1/p')
echo "$QEMU_OUT" | grep -q '^debian-1 ready after' && [ -n "$ip_g2" ] && [ "$ip_g2" = "$ip_g" ] &&
	pass "on b debian-1 is ready with its address $ip_g2 (b's own guests are in 10.73.16.0/20)" ||
	fail "debian-1 on b: $(echo "$QEMU_OUT" | tr '\n' ' ') (address on a: $ip_g)"
c2=$(count)
n1=$(echo "$c1" | cut -d- -f2) n2=$(echo "$c2" | cut -d- -f2) r1=$(echo "$c1" | cut -d- -f3) r2=$(echo "$c2" | cut -d- -f3)
[ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -gt "$n1" ] && [ "${r2:-0}" -gt "${r1:-0}" ] &&
	pass "its counter went on ($n1 before the move, $n2 after) and its ping still gets replies ($r1 -> $r2): the same processes, not a new boot" ||
	fail "after the move: counter '$n1' -> '$n2', ping replies '$r1' -> '$r2'"
qemu_guest_type debian-1 "echo GAP-\$(sed -n 's/^\\[\\([0-9.]*\\)\\].*bytes from.*/\\1/p' /root/ping.log | awk 'NR > 1 && \$1 - p > g { g = \$1 - p } { p = \$1 } END { printf \"%.1f\", g }')-GAP"
qemu_use b
qemu_cmd 10 "grep -a -o 'GAP-[0-9.]*-GAP' /var/log/xen/console/guest-debian-1.log | tail -n1"
gap=$(echo "$QEMU_OUT" | sed -n 's/^GAP-\([0-9.]*\)-GAP$/\1/p')
awk -v g="${gap:-0}" 'BEGIN { exit !(g >= 1) }' &&
	pass "its ping log shows the pause: the longest time between two replies is $gap s" ||
	fail "no pause in debian-1's ping log (longest gap '$gap' s)"

# and back, from livetop on b's screen, as a person would: End selects the
# newest guest (debian-1), m, a's code, Enter
qemu_use b
if wait_vcs '/LAN: .*peers: .*xenlive-a/ { print }' 40; then
	pass "livetop on b lists xenlive-a as a peer"
else
	fail "livetop on b does not list xenlive-a"; show_vcs
fi
# shellcheck disable=SC2046 # words wanted: one key per digit
qemu_qmp sendkey end m && sleep 2 && qemu_qmp sendkey $(echo "$code_a" | fold -w1) ret
if wait_vcs '/debian-1 moved to xenlive-a in [0-9.]+ s/ { print }' 240; then
	pass "m in livetop on b moved debian-1 back: $(grep -o 'debian-1 moved to xenlive-a in [0-9.]* s[^|]*' "$TMPD/vcs" | head -n1 | sed 's/  *$//')"
else
	fail "m in livetop on b did not move debian-1 back"; show_vcs
fi
qemu_use a
qemu_cmd 60 'xenlive-wait debian-1 30 && sleep 1 && echo IP=$(xenstore-read /local/domain/$(xl domid debian-1)/data/xenlive/ip); cat /run/xenlive/lan/events'
echo "$QEMU_OUT" | grep -q '^debian-1 ready after' && echo "$QEMU_OUT" | grep -qx "IP=$ip_g" &&
	pass "and back on a, ready there with $ip_g" ||
	fail "debian-1 back on a: $(echo "$QEMU_OUT" | tr '\n' ' ')"
echo "$QEMU_OUT" | grep -qE '^debian-1 arrived from xenlive-b in [0-9.]+ s$' &&
	pass "a's LAN events (what its livetop shows) say: $(echo "$QEMU_OUT" | grep -m1 'arrived from')" ||
	fail "a's LAN events: $(echo "$QEMU_OUT" | tr '\n' ' ')"

# b leaves LAN mode: nothing listens, a sees no peer, a move is refused
qemu_use b
qemu_cmd 90 'xenlive-lan off; netstat -ltn | grep -c ":7373 "; ip link show xlan0 > /dev/null 2>&1 && echo VXLAN-LEFT'
echo "$QEMU_OUT" | grep -qx 'LAN mode off' && echo "$QEMU_OUT" | grep -qx 0 && ! echo "$QEMU_OUT" | grep -q VXLAN-LEFT &&
	pass "xenlive-lan off (b): the receiver and the VXLAN are gone" || fail "xenlive-lan off (b): $(echo "$QEMU_OUT" | tr '\n' ' ')"
refused "$addr_b" "$code_b" 'no xenlive machine in LAN mode answers' "a move to b out of LAN mode"
finish
