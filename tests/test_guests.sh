#!/bin/bash
# Guests end to end under QEMU (real Xen): Debian guests from the ISO's
# shared read-only image reach ready, give a root prompt on their console,
# run an agent workload; two Debian instances and one RPM-built instance run
# at once, do not see each other's files and ping each other; destroying a
# guest frees its memory and its name can be reused; bad input is refused.
# The RPM-built guest comes from a local RPM repository this test builds
# (tests/rpmrepo), run through the same guests/centos/build.sh that uses the
# CentOS Stream mirror on users' machines: no CentOS mirror is reachable here.
# The same ISO (tests/lib/variant.sh) has two test-only distros added as
# folders: guests/tiny, which launches to ready, and guests/standin, Debian
# with systemd configured by the CentOS image's own step, which boots at
# CentOS's catalogue memory to ready and a root prompt with the agent as a
# unit, runs a workload, twice at once.  It was built with BRIDGE=br1, which
# every guest's vif is put on.
# pass and fail always succeed, so "A && pass || fail" is safe here
# (SC2016: the single-quoted text is typed into a guest, expanded there)
# shellcheck disable=SC2015,SC2317,SC2016
cd "$(dirname "$0")/.." || exit 1
. tests/lib/check.sh
. tests/lib/qemu.sh
. tests/lib/variant.sh
ISO=${GUEST_ISO:-}
trap 'qemu_cleanup; rm -rf "$TMPD"' EXIT

# --- an ISO whose CentOS guest is built by dnf from a local RPM repository -------------------
if [ -z "$ISO" ]; then
	if ISO=$(variant_iso); then
		pass "an ISO whose RPM guest guests/centos/build.sh (dnf) built from a local signed repository"
	else
		fail "could not build the ISO with the RPM guest"; finish
	fi
fi

# --- boot to a dom0 shell (menu entry "Root shell") ------------------------------------------
if ! qemu_boot guests h 120 -drive "file=$ISO,media=cdrom,readonly=on" -boot d || ! qemu_wait 'xenlive# ' 30 prompt; then
	fail "dom0 did not come up"; finish
fi
qemu_cmd 10 'cat /media/xenlive/guests/catalog'
echo "$QEMU_OUT" | grep -q '^debian|' && pass "the catalogue lists debian: $(echo "$QEMU_OUT" | grep '^debian|' | cut -d'|' -f2)" ||
	fail "no debian in the catalogue: $QEMU_OUT"
# where the RPM guest came from (livetop shows the catalogue's names): the
# variant's CENTOS_REPOS is a repository on 127.0.0.1, neither mirror nor copy
echo "$QEMU_OUT" | grep -q '^centos|[^|]* (from the repositories)|' &&
	pass "the catalogue names where the CentOS guest came from: $(echo "$QEMU_OUT" | grep '^centos|' | cut -d'|' -f2)" ||
	fail "the centos line does not say where it came from: $(echo "$QEMU_OUT" | grep '^centos|')"

# cat_field DISTRO N: field N (a number) of DISTRO's catalogue line
cat_field() { qemu_cmd 10 "grep '^$1|' /media/xenlive/guests/catalog | cut -d'|' -f$2"; echo "$QEMU_OUT" | grep -E '^[0-9]+$' | tail -n1; }
free_mib() { qemu_cmd 20 "xl info | awk '/^free_memory/ { print \"FREE=\" \$3 }'"; echo "$QEMU_OUT" | sed -n 's/^FREE=\([0-9]*\).*/\1/p' | tail -n1; }
free0=$(free_mib)

# launch DISTRO [OPTIONS]: launch one guest, wait for ready, report the time
launch() {
	local distro=$1 opts=${2:-} n
	qemu_cmd 100 "t0=\$(cut -d' ' -f1 /proc/uptime); n=\$(xenlive-launch $distro $opts) && xenlive-wait \$n 90 && echo \"LAUNCHED \$n \$(awk -v a=\$t0 -v b=\$(cut -d' ' -f1 /proc/uptime) 'BEGIN { printf \"%.1f\", b - a }')\""
	n=$(echo "$QEMU_OUT" | awk '/^LAUNCHED/ { print $2 }')
	if [ -n "$n" ]; then
		pass "$distro: $n launched and ready, launch -> ready $(echo "$QEMU_OUT" | awk '/^LAUNCHED/ { print $3 }') s"
		LAUNCHED=$n
	else
		fail "$distro: launch -> ready failed: $(echo "$QEMU_OUT" | tail -n 3 | tr '\n' ' ')"
		qemu_cmd 10 "tail -n 20 /var/log/xen/console/guest-$distro-*.log"; printf '    %s\n' "$QEMU_OUT"
		LAUNCHED=
	fi
}
launch debian; d1=$LAUNCHED
launch debian; d2=$LAUNCHED
launch centos; c1=$LAUNCHED
# the test-only third distro (tests/fixtures/distro-tiny, added as a folder);
# its memory is make's TINY_MEM=160 (tests/lib/variant.sh), its minimum the descriptor's
qemu_cmd 10 "grep '^tiny|' /media/xenlive/guests/catalog"
echo "$QEMU_OUT" | grep -q '^tiny|Tiny busybox (xenlive test)|tiny.sqfs|160|36|' &&
	pass "the distro folder guests/tiny is in the catalogue, named by its os-release: $(echo "$QEMU_OUT" | grep '^tiny|' | cut -d'|' -f1-5)" ||
	fail "the catalogue has no tiny line from its descriptor: $QEMU_OUT"
launch tiny; t1=$LAUNCHED
# make BRIDGE=br1: dom0 made br1 (no xenbr0) and every guest's vif is on it
domid() { qemu_cmd 10 "xl domid $1"; echo "$QEMU_OUT" | grep -E '^[0-9]+$' | tail -n1; }
want=$(for n in $d1 $d2 $c1 $t1; do echo "vif$(domid "$n").0"; done | sort | xargs)
qemu_cmd 10 'echo XENBR0=$(ls -d /sys/class/net/xenbr0 2>/dev/null | wc -l); echo PORTS $(ls /sys/class/net/br1/brif | grep ^vif | sort)'
ports=$(echo "$QEMU_OUT" | sed -n 's/^PORTS //p' | xargs -rn1 | sort | xargs)
[ -n "$t1" ] && echo "$QEMU_OUT" | grep -q '^XENBR0=0' && [ -n "$ports" ] && [ "$want" = "$ports" ] &&
	pass "built with BRIDGE=br1: the guests' vifs are on br1 ($ports), there is no xenbr0" ||
	fail "bridge br1: ports [$ports], expected [$want]: $QEMU_OUT"
[ "$d1 $d2" = "debian-1 debian-2" ] && pass "instances are named debian-1, debian-2" || fail "names were '$d1' '$d2'"

# console: a root prompt from autologin
if [ -n "$d1" ]; then
	qemu_cmd 10 "grep -c 'root@$d1' /var/log/xen/console/guest-$d1.log"
	echo "$QEMU_OUT" | grep -qE '^[1-9]' && pass "$d1's console shows a root prompt (root@$d1)" ||
		fail "$d1's console log has no root prompt: $(qemu_cmd 5 "tail -n 5 /var/log/xen/console/guest-$d1.log"; echo "$QEMU_OUT" | tr '\n' ' ')"
fi
if [ -n "$d1" ] && [ -n "$d2" ]; then
	qemu_guest_type "$d1" 'echo written-by-one > /root/xenlive-marker; echo MARK-$(cat /root/xenlive-marker)-$(hostname)'
	qemu_cmd 10 "grep -c 'MARK-written-by-one-$d1' /var/log/xen/console/guest-$d1.log"
	echo "$QEMU_OUT" | grep -qE '^[1-9]' && pass "typed into $d1's console with xl console; it wrote a file" ||
		fail "xl console typing into $d1 did not work"
	qemu_guest_type "$d2" 'echo SEEN-$(cat /root/xenlive-marker 2>/dev/null || echo nothing)-$(hostname)'
	qemu_cmd 10 "grep -c 'SEEN-nothing-$d2' /var/log/xen/console/guest-$d2.log"
	echo "$QEMU_OUT" | grep -qE '^[1-9]' && pass "a file written in $d1 is absent in $d2 (each has its own RAM layer)" ||
		fail "$d2 saw $d1's file, or its console did not answer"
fi

# workloads through the agent
if [ -n "$d1" ]; then
	qemu_cmd 60 "xenlive-workload $d1 cpu 3 40"
	echo "$QEMU_OUT" | grep -qE "$d1: [0-9]+ cpu 3 done" && pass "the agent ran 'cpu 3' and reported it finished" ||
		fail "cpu workload: $QEMU_OUT"
	qemu_cmd 20 "xenlive-workload $d1 rm -rf 10"
	echo "$QEMU_OUT" | grep -q 'rejected' && pass "the agent rejects a workload it does not know ('rm')" ||
		fail "unknown workload: $QEMU_OUT"
fi
ip_of() { qemu_cmd 10 "xenstore-read /local/domain/\$(xl domid $1)/data/xenlive/ip"; echo "$QEMU_OUT" | grep -E '^[0-9.]+$' | tail -n1; }
pingpair() { # pingpair FROM TO
	local ip
	ip=$(ip_of "$2")
	[ -n "$ip" ] || { fail "$2 has no address on the bridge"; return; }
	qemu_cmd 60 "xenlive-workload $1 ping $ip 40"
	echo "$QEMU_OUT" | grep -qE 'done: [1-9][0-9]*/[0-9]+ replies' && pass "$1 pings $2 ($ip) over the bridge" ||
		fail "$1 -> $2 ping: $QEMU_OUT"
}
[ -n "$d1" ] && [ -n "$d2" ] && pingpair "$d1" "$d2"
[ -n "$d2" ] && [ -n "$c1" ] && pingpair "$d2" "$c1"
[ -n "$c1" ] && [ -n "$d1" ] && pingpair "$c1" "$d1"
[ -n "$t1" ] && [ -n "$d2" ] && pingpair "$t1" "$d2"
if [ -n "$d1" ]; then
	qemu_cmd 30 "ping -c 2 -W 3 \$(xenstore-read /local/domain/\$(xl domid $d1)/data/xenlive/ip) >/dev/null && echo DOM0-PING-OK"
	echo "$QEMU_OUT" | grep -q DOM0-PING-OK && pass "dom0 pings $d1" || fail "dom0 cannot ping $d1"
fi

# destroy frees memory; the name is reused
for n in $d1 $d2 $c1 ${t1:-tiny-1}; do qemu_cmd 30 "xl destroy $n"; done
sleep 2
free1=$(free_mib)
if [ -n "$free0" ] && [ -n "$free1" ] && [ "$free1" -ge $((free0 - 2)) ]; then
	pass "destroying the guests gave their memory back (free: $free0 MiB before, $free1 MiB after)"
else
	fail "free memory $free0 MiB before launching, $free1 MiB after destroying"
fi
qemu_cmd 10 'echo LOOPS=$(losetup -a | grep -c "/guests/")'
echo "$QEMU_OUT" | grep -q '^LOOPS=0' && pass "their disks' loop devices were detached (hotplug remove)" ||
	fail "loop devices left after destroying the guests: $(qemu_cmd 10 'losetup -a'; echo "$QEMU_OUT" | tr '\n' ' ')"
launch debian
[ "$LAUNCHED" = debian-1 ] && pass "the name debian-1 is reused after its guest was destroyed" || fail "relaunch got '$LAUNCHED'"
[ -n "$LAUNCHED" ] && qemu_cmd 30 "xl destroy $LAUNCHED"
# the distro's minimum memory is enough to reach ready and use its root console
min=$(cat_field debian 5)
qemu_cmd 120 "n=\$(xenlive-launch debian --memory $min) && xenlive-wait \$n 90 && xl list \$n | awk 'NR == 2 { print \"MEM=\" \$3 }'"
got=$(echo "$QEMU_OUT" | sed -n 's/^MEM=\([0-9]*\)$/\1/p')
[ -n "$min" ] && [ -n "$got" ] && [ "$got" -le "$min" ] && [ "$got" -ge $((min - 2)) ] && echo "$QEMU_OUT" | grep -qE "ready after .*" &&
	pass "a Debian guest given its minimum ${min} MiB (xl list: $got MiB) reaches ready ($(echo "$QEMU_OUT" | grep -oE 'ready after [0-9.]+ s'))" ||
	fail "Debian with its minimum '${min}' MiB (xl list: '${got}' MiB) did not reach ready: $(echo "$QEMU_OUT" | tail -n 2 | tr '\n' ' ')"
# ... and its root console works in that memory: a shell, ps and a file in the writable layer
if [ -n "$got" ]; then
	qemu_guest_type debian-1 'ps -e > /root/ps.txt && echo SMALL-$(wc -l < /root/ps.txt)-procs-$(awk "/^MemTotal/ { print \$2 }" /proc/meminfo)-kB'
	qemu_cmd 10 "grep -o 'SMALL-[0-9]*-procs-[0-9]*-kB' /var/log/xen/console/guest-debian-1.log | tail -n1"
	small=$(echo "$QEMU_OUT" | grep -o '^SMALL-[0-9]*-procs-[0-9]*-kB$')
	procs=$(echo "$small" | cut -d- -f2)
	[ "${procs:-0}" -ge 5 ] && pass "its root console works at $min MiB: a shell ran ps ($small)" ||
		fail "the root console of Debian at $min MiB gave no answer: $(qemu_cmd 5 'tail -n 5 /var/log/xen/console/guest-debian-1.log'; echo "$QEMU_OUT" | tr '\n' ' ')"
fi
# xl save + xl restore (what moving a guest to another machine does): the
# guest runs on in a new domain, its agent sees its xenstore home emptied and
# reports it ready again with its address, and its uptime went on (no boot)
if [ -n "$got" ]; then
	qemu_guest_type debian-1 'echo UP1-$(cut -d. -f1 /proc/uptime)-UP'
	qemu_cmd 10 "grep -a -o 'UP1-[0-9]*-UP' /var/log/xen/console/guest-debian-1.log | tail -n1; echo ID1=\$(xl domid debian-1) IP1=\$(xenstore-read /local/domain/\$(xl domid debian-1)/data/xenlive/ip)"
	up1=$(echo "$QEMU_OUT" | sed -n 's/^UP1-\([0-9]*\)-UP$/\1/p' | tail -n1)
	id1=$(echo "$QEMU_OUT" | sed -n 's/^ID1=\([0-9]*\) .*/\1/p') ip1=$(echo "$QEMU_OUT" | sed -n 's/.* IP1=\([0-9.]*\)$/\1/p')
	qemu_cmd 120 "xl save debian-1 /tmp/debian-1.save > /tmp/save.log 2>&1 && xl restore /tmp/debian-1.save > /tmp/restore.log 2>&1; echo RESTORE-RC=\$?; rm -f /tmp/debian-1.save; xenlive-wait debian-1 30; sleep 1; d=\$(xl domid debian-1); echo ID2=\$d IP2=\$(xenstore-read /local/domain/\$d/data/xenlive/ip)"
	id2=$(echo "$QEMU_OUT" | sed -n 's/^ID2=\([0-9]*\) .*/\1/p') ip2=$(echo "$QEMU_OUT" | sed -n 's/.* IP2=\([0-9.]*\)$/\1/p')
	if echo "$QEMU_OUT" | grep -q '^RESTORE-RC=0' && echo "$QEMU_OUT" | grep -q '^debian-1 ready after' && [ -n "$id1" ] && [ -n "$id2" ] && [ "$id1" != "$id2" ]; then
		pass "xl save + xl restore: debian-1 runs on in domain $id2 (was $id1) and its agent reports it ready again"
	else
		fail "xl save + xl restore of debian-1 (domain '$id1' -> '$id2'): $(echo "$QEMU_OUT" | tail -n 3 | tr '\n' ' ')"
		qemu_cmd 10 'tail -n 3 /tmp/save.log /tmp/restore.log'; printf '    %s\n' "$QEMU_OUT"
	fi
	[ -n "$ip1" ] && [ "$ip1" = "$ip2" ] && pass "after the restore it reports the same address, $ip2 (its hotplug took the slot it had given back)" ||
		fail "address before the save '$ip1', after the restore '$ip2'"
	qemu_guest_type debian-1 'echo UP2-$(cut -d. -f1 /proc/uptime)-UP'
	qemu_cmd 10 "grep -a -o 'UP2-[0-9]*-UP' /var/log/xen/console/guest-debian-1.log | tail -n1"
	up2=$(echo "$QEMU_OUT" | sed -n 's/^UP2-\([0-9]*\)-UP$/\1/p' | tail -n1)
	[ -n "$up1" ] && [ -n "$up2" ] && [ "$up2" -ge "$up1" ] &&
		pass "its uptime went on across the save and restore: ${up1} s, then ${up2} s (the same kernel, not a new boot)" ||
		fail "guest uptime before the save '${up1}' s, after the restore '${up2}' s"
	if [ -n "$ip2" ]; then
		qemu_cmd 30 "ping -c 2 -W 3 $ip2 > /dev/null && echo RESTORED-PING-OK"
		echo "$QEMU_OUT" | grep -q '^RESTORED-PING-OK' && pass "dom0 pings the restored debian-1 at $ip2" || fail "dom0 cannot ping the restored debian-1 at $ip2"
	fi
fi
qemu_cmd 30 'xl destroy debian-1'
# --- the systemd stand-in for CentOS (tests/fixtures/distro-standin, added as a folder) --------
# Debian with systemd as PID 1, configured by the CentOS image's own step
# (guests/systemd-console.sh), at the memory the catalogue gives CentOS
cmem=$(cat_field centos 4) cmin=$(cat_field centos 5)
smem=$(cat_field standin 4) smin=$(cat_field standin 5)
[ -n "$cmem" ] && [ "$cmem $cmin" = "$smem $smin" ] &&
	pass "the stand-in's catalogue memory is CentOS's: $cmem MiB, at least $cmin MiB" ||
	fail "catalogue memory: centos '$cmem' '$cmin', standin '$smem' '$smin' (tests/fixtures/distro-standin/distro must follow guests/centos/distro)"
# the first block of guest addresses (.10-.250) is taken by claims of a live
# interface (lo): the stand-ins get addresses from the /20's second block
qemu_cmd 20 'for n in $(seq 10 250); do echo lo > /run/xenlive/net/ip/$n; done; ls /run/xenlive/net/ip | wc -l'
launch standin "--memory ${cmem:-64}"; s1=$LAUNCHED
launch standin "--memory ${cmin:-48}"; s2=$LAUNCHED
qemu_cmd 20 'for n in $(seq 10 250); do grep -qx lo /run/xenlive/net/ip/$n && rm /run/xenlive/net/ip/$n; done; true'
ips="$(ip_of "${s1:-standin-1}") $(ip_of "${s2:-standin-2}")"
[ "$ips" = "10.73.1.10 10.73.1.11" ] && pass "with 10.73.0.10-.250 taken, guests get addresses from the next block of the /20: $ips" ||
	fail "with the first block taken the stand-ins have addresses '$ips' (want 10.73.1.10 10.73.1.11)"
qemu_cmd 10 "xl list | awk '\$1 ~ /^standin-/ { print \"MEM\", \$1, \$3 }'"
got=$(echo "$QEMU_OUT" | awk '$1 == "MEM" { printf "%s=%s ", $2, $3 }')
[ -n "$s1" ] && [ -n "$s2" ] && [ "$got" = "standin-1=$cmem standin-2=$cmin " ] &&
	pass "two stand-in instances run at once from one image, at CentOS's memory and its minimum: $got" ||
	fail "stand-in instances: '$s1' '$s2', xl list: $got"
if [ -n "$s1" ]; then
	qemu_cmd 10 "grep -c 'root@$s1' /var/log/xen/console/guest-$s1.log"
	echo "$QEMU_OUT" | grep -qE '^[1-9]' && pass "$s1's console shows a root prompt (autologin by its xenlive-console unit)" ||
		fail "$s1's console log has no root prompt: $(qemu_cmd 5 "tail -n 5 /var/log/xen/console/guest-$s1.log"; echo "$QEMU_OUT" | tr '\n' ' ')"
	qemu_guest_type "$s1" 'echo "INIT-$(cat /proc/1/comm)-AGENT-$(systemctl is-active xenlive-agent)-FAILED-$(systemctl --failed --no-legend | wc -l)-JOURNAL-$(ls /run/log/journal | wc -l)"'
	qemu_cmd 10 "grep -a -o 'INIT-[a-z]*-AGENT-[a-z]*-FAILED-[0-9]*-JOURNAL-[0-9]*' /var/log/xen/console/guest-$s1.log | tail -n1"
	if echo "$QEMU_OUT" | grep -qE '^INIT-systemd-AGENT-active-FAILED-0-JOURNAL-1'; then
		pass "in $s1 systemd is PID 1, the agent runs as its unit, no unit failed, the journal is in /run: $(echo "$QEMU_OUT" | grep -m1 INIT-)"
	else
		fail "in $s1: $(echo "$QEMU_OUT" | grep -m1 INIT- || echo "no answer on its console")"
		qemu_guest_type "$s1" 'systemctl --failed --no-legend --plain | cut -d" " -f1 | sed "s/^/FAILED-UNIT /"'
		qemu_cmd 10 "grep -a '^FAILED-UNIT' /var/log/xen/console/guest-$s1.log"; printf '    %s\n' "$QEMU_OUT"
	fi
	qemu_cmd 60 "xenlive-workload $s1 cpu 3 40"
	echo "$QEMU_OUT" | grep -qE "$s1: [0-9]+ cpu 3 done" && pass "the agent in $s1 ran 'cpu 3' and reported it finished" ||
		fail "cpu workload in $s1: $QEMU_OUT"
fi
[ -n "$s2" ] && [ -n "$s1" ] && pingpair "$s2" "$s1"
if [ -n "$s1" ]; then
	qemu_cmd 30 "ping -c 2 -W 3 \$(xenstore-read /local/domain/\$(xl domid $s1)/data/xenlive/ip) >/dev/null && echo DOM0-PING-OK"
	echo "$QEMU_OUT" | grep -q DOM0-PING-OK && pass "dom0 (10.73.0.1/20) pings $s1 in the next block" || fail "dom0 cannot ping $s1 in 10.73.1.0"
fi
for n in ${s1:-standin-1} ${s2:-standin-2}; do qemu_cmd 30 "xl destroy $n"; done

# xenlive-wait: a guest that never gets ready, one that goes away, no such guest.
# The guest: xenlive-launch's configuration, created paused by xl: it never
# runs, so neither check depends on how soon a launched guest would be ready
paused="xenlive-launch debian --dry-run > /tmp/paused.cfg && xl create -p /tmp/paused.cfg > /dev/null 2>&1 && n=\$(sed -n 's/^name = \"\(.*\)\"\$/\1/p' /tmp/paused.cfg)"
qemu_cmd 60 "$paused && { xenlive-wait \$n 2; echo RC=\$?; xl destroy \$n; }"
echo "$QEMU_OUT" | grep -q '^RC=1' && echo "$QEMU_OUT" | grep -q 'is not ready after 2 s' &&
	pass "xenlive-wait gives up on a paused guest at its limit: $(echo "$QEMU_OUT" | grep 'not ready')" ||
	fail "xenlive-wait on a paused guest: $(echo "$QEMU_OUT" | tail -n 3 | tr '\n' ' ')"
qemu_cmd 60 "$paused && { (sleep 1; xl destroy \$n) & xenlive-wait \$n 30; echo RC=\$?; wait; }"
echo "$QEMU_OUT" | grep -q '^RC=1' && echo "$QEMU_OUT" | grep -q 'is gone' &&
	pass "xenlive-wait notices a guest destroyed while it waits: $(echo "$QEMU_OUT" | grep 'is gone')" ||
	fail "xenlive-wait on a destroyed guest: $(echo "$QEMU_OUT" | tail -n 3 | tr '\n' ' ')"
qemu_cmd 10 'xenlive-wait nosuchguest; echo RC=$?'
echo "$QEMU_OUT" | grep -q '^RC=1' && echo "$QEMU_OUT" | grep -q 'no guest named nosuchguest' &&
	pass "xenlive-wait refuses an unknown guest: $(echo "$QEMU_OUT" | grep 'no guest')" ||
	fail "xenlive-wait on an unknown guest: $QEMU_OUT"
# the fallback: the same image on Debian's own kernel (modules from its initramfs)
launch debian_stock
[ -n "$LAUNCHED" ] && qemu_cmd 30 "xl destroy $LAUNCHED"

# bad input: one clear line, nothing changed
qemu_cmd 10 'xl list | wc -l'; before=$QEMU_OUT
qemu_cmd 20 'xenlive-launch nosuchdistro'; rc=$?
[ $rc -ne 0 ] && echo "$QEMU_OUT" | grep -qi 'unknown distro' && pass "an unknown distro is refused: $(echo "$QEMU_OUT" | grep -i unknown | head -n1)" ||
	fail "unknown distro: $QEMU_OUT"
qemu_cmd 20 'xenlive-launch debian --memory 8'; rc=$?
[ $rc -ne 0 ] && echo "$QEMU_OUT" | grep -qi 'at least' && pass "too little memory is refused: $(echo "$QEMU_OUT" | grep -i 'at least' | head -n1)" ||
	fail "memory below minimum: $QEMU_OUT"
# a disk the hotplug program cannot use: xl create fails with its reason
qemu_cmd 20 "xenlive-launch debian --dry-run | sed \"s#target=[^']*#target=/nonexistent.img#\" > /tmp/bad.cfg"
qemu_cmd 60 'xl create /tmp/bad.cfg; echo RC=$?'
echo "$QEMU_OUT" | grep -q '^RC=[1-9]' && echo "$QEMU_OUT" | grep -q '/nonexistent.img is neither a file nor a block device' &&
	pass "a guest whose disk image is missing is refused by the hotplug program: $(echo "$QEMU_OUT" | grep -m1 'neither a file')" ||
	fail "bad disk: $(echo "$QEMU_OUT" | tail -n 4 | tr '\n' ' ')"
qemu_cmd 10 'xl list | wc -l'
case $before in '' | *[!0-9]*) before=unread ;; esac   # an unread count equals nothing
[ "$QEMU_OUT" = "$before" ] && pass "refused launches changed nothing (xl list: $before lines before and after)" || fail "xl list changed: $before -> $QEMU_OUT"
qemu_stop
finish
