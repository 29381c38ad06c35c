#!/bin/bash
# livetop end to end on the ISO under QEMU (real Xen), read as a person
# would: QEMU's serial console runs in tmux, keys go in with send-keys and
# the screen comes back with capture-pane.  Checks that livetop comes up on
# the console, a launch key adds a Debian row that turns ready, likewise a
# CentOS (RPM-built) row, a workload raises that guest's CPU%, "fill" on a
# 4 GiB machine launches until Xen's memory runs out and says so, destroy
# frees memory so the next launch fits, livetop still answers after three
# fill/destroy cycles, and dom0 then still has memory to spare.  The fill
# uses the variant ISO's tiny guest at 160 MiB (tests/lib/variant.sh): about
# 20 guests that boot in seconds under TCG; 48 MiB Debian guests would be
# ~70 and take ~11 minutes.
cd "$(dirname "$0")/.." || exit 1
. tests/lib/check.sh
. tests/lib/variant.sh
. tests/lib/screen.sh
ISO=${GUEST_ISO:-}
sock=xenlive-livetop-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$TMPD"' EXIT
if [ -z "$ISO" ]; then ISO=$(variant_iso) || { fail "could not build the ISO with the RPM guest"; finish; }; fi

screen() { tmux -L "$sock" capture-pane -p -t q 2>/dev/null; }
keys() { tmux -L "$sock" send-keys -t q "$@"; }
# wait_screen REGEX SECONDS WHAT: polls the screen (every $POLL s, 0.5
# unless set); prints it on a timeout
wait_screen() {
	local end=$(( $(date +%s) + $2 ))
	while :; do   # (one look at least, whatever the clock)
		screen | grep -qE -- "$1" && return 0
		[ "$(date +%s)" -lt "$end" ] || break
		sleep "${POLL:-0.5}"
	done
	echo "timed out after $2 s waiting for: $3"
	echo "---- screen ----"; screen; echo "---- end ----"
	return 1
}
# last REGEX: the last screen line matching REGEX (event lines carry a time)
last() { screen | grep -E -- "$1" | tail -n1; }
# wait_new REGEX BEFORE SECONDS WHAT: waits for a line matching REGEX that
# differs from BEFORE (a new event, not one still on screen from earlier)
wait_new() {
	local end=$(( $(date +%s) + $3 )) l
	while :; do
		l=$(last "$1")
		[ -n "$l" ] && [ "$l" != "$2" ] && return 0
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.5
	done
	echo "timed out after $3 s waiting for: $4"
	echo "---- screen ----"; screen; echo "---- end ----"
	return 1
}
# field ROWNAME COLUMN_TITLE: the value under COLUMN_TITLE in ROWNAME's row
field() {
	screen | awk -v row="$1" -v col="$2" '
		!hdr && index($0, col) && /NAME/ { hdr = $0; start = index($0, col); next }
		hdr && index($0, " " row " ") { print substr($0, start, length(col) + 2); exit }' | tr -d ' %'
}

# fill_msg: the last "fill: done" event, its wrapped lines joined
fill_msg() {
	screen | awk '/fill: done/ { m = ""; on = 1 } on { m = m " " $0 } /to make room|menu entry/ { on = 0 } END { print m }' |
		tr -s ' ' | sed 's/^ //'
}
# all_ready N: livetop shows N guests, all of them ready
# (tests/lib/screen.sh's screen_counts: its summary line, else its rows)
all_ready() { [ "$(screen | screen_counts)" = "$1 $1" ]; }

# 4 GiB machine: dom0 gets DOM0_MEM + DOM0_MEM_PCT% of it (about 610 MiB)
tmux -L "$sock" new-session -d -s q -x 110 -y 50 \
	"qemu-system-x86_64 -accel tcg -cpu qemu64 -smp 2 -m 4096 -display none -nic none -no-reboot \
	 -serial stdio -monitor none -drive file=$ISO,media=cdrom,readonly=on -boot d; sleep 600"
if wait_screen ' livetop .*Xen 4\.17' 180 "livetop on the serial console"; then
	pass "livetop comes up on the serial console: $(screen | grep -m1 -o 'livetop .*')"
else
	fail "livetop did not come up"; finish
fi
# dom0's memory follows the host: DOM0_MEM MiB + DOM0_MEM_PCT % (conf: tests/lib/check.sh)
# of the host's memory, which livetop's top line gives ("2 CPUs  1023 MiB")
HOST_MIB=$(screen | grep -m1 -oE ' livetop .* CPUs? +[0-9]+ MiB' | grep -oE '[0-9]+ MiB$' | tr -dc 0-9)
want=$(( $(conf DOM0_MEM) + $(conf DOM0_MEM_PCT) * ${HOST_MIB:-0} / 100 ))
# (Domain-0's row: its first "NNNM" cell is MEM; the column is right-aligned)
mem0=$(screen | grep -m1 ' Domain-0 ' | grep -oE ' [0-9]+M( |$)' | head -n1 | tr -dc 0-9)
[ -n "$mem0" ] && [ "$mem0" -ge $((want - 8)) ] 2>/dev/null && [ "$mem0" -le $((want + 8)) ] &&
	pass "dom0's memory follows the host: Domain-0 has $mem0 MiB (DOM0_MEM + DOM0_MEM_PCT% of $HOST_MIB MiB = $want)" ||
	fail "Domain-0's MEM on the screen is '$mem0', not about $want MiB"
screen | grep -qiE 'fits [0-9]+ more' && pass "the header shows the 'fits N more' gauge: $(screen | grep -oiE 'fits [0-9]+ more.*' | head -n1 | sed 's/ *$//')" ||
	fail "no 'fits N more' gauge"

keys 1
# (" ready" as a word: "already" in an event line is not a ready row)
if wait_screen 'debian-1 .* ready( |$)' 120 "debian-1 ready"; then
	pass "key 1 launched debian-1 and its row turned ready"
	screen | grep -oE 'debian-1 ready in [0-9.]+ s' | head -n1 | sed 's/^/    /'
else
	fail "debian-1 did not become ready"
fi
keys 2
wait_screen 'centos-1 .* ready( |$)' 120 "centos-1 ready" && pass "key 2 launched the RPM-built guest centos-1 and it turned ready" ||
	fail "centos-1 did not become ready"

# workload: select debian-1 (Home = first guest row sorted by id), w, 2 = cpu 120 s
keys Home; sleep 1
for _ in 1 2 3 4 5 6; do screen | grep -E '^>|^ *>' | grep -q debian-1 && break; keys j; sleep 0.5; done
keys w; sleep 1; keys 2
cpu=0
for _ in $(seq 60); do
	cpu=$(field debian-1 CPU%); cpu=${cpu%%.*}
	[ -n "$cpu" ] && [ "$cpu" -ge 40 ] 2>/dev/null && break
	sleep 1
done
[ -n "$cpu" ] && [ "$cpu" -ge 40 ] 2>/dev/null && pass "a cpu workload raised debian-1's CPU% to $cpu" ||
	fail "debian-1's CPU% stayed at '${cpu:-?}' after the cpu workload"

# Enter opens the selected guest's console; Ctrl-] comes back to livetop
keys Enter
sleep 3
keys Enter
if wait_screen 'root@debian-1' 30 "debian-1's prompt through its console"; then
	pass "Enter attached debian-1's console (root prompt)"
	# a clear screen in the guest: livetop's top line is gone until it redraws
	keys 'clear' Enter
	sleep 2
	if screen | grep -qE ' livetop .*Xen'; then
		fail "livetop's screen still showed while the console was attached"
		keys C-]
	else
		keys C-]
		wait_screen ' livetop .*Xen' 20 "livetop after Ctrl-]" && pass "Ctrl-] left the console and livetop redrew" ||
			fail "livetop did not come back after Ctrl-]"
	fi
else
	fail "Enter did not open debian-1's console"
	keys C-]
fi

# the tiny guest: its launch key from the help screen ("  3  Tiny busybox ..."),
# launched, selected (f fills with the selected guest's distro)
keys '?'
tkey=$(wait_screen 'watch and drive Xen guests' 10 "help screen" >/dev/null && screen | grep -m1 -oE '^ *[1-9] +Tiny busybox' | grep -oE '[1-9]')
keys Escape; sleep 1
[ -n "$tkey" ] && keys "$tkey"
if [ -n "$tkey" ] && wait_screen 'tiny-1 .* ready( |$)' 120 "tiny-1 ready"; then
	pass "key $tkey (the help screen's Tiny busybox) launched tiny-1 and it turned ready"
else
	fail "the tiny guest did not launch (key '${tkey:-none on the help screen}')"; finish
fi
keys Home; sleep 1
for _ in $(seq 8); do screen | grep -E '^ *>' | grep -q tiny-1 && break; keys j; sleep 0.5; done

# help_during_fill: livetop answers while a fill launches: ? opens the help
# screen (how long it took is printed, not judged: a timed check would be
# flaky). Under way means tiny-4 shows, the fill's third launch; the
# gauge line starts with the fill's progress (at 80 columns the list of
# five distros behind it is cut).
help_during_fill() {
	local t0
	wait_screen ' tiny-4 ' 120 "a fill under way" >/dev/null ||
		{ fail "fill 1: no third launch (tiny-4) within 120 s"; return; }
	if screen | grep -qE '^ \[filling with tiny: [0-9]+ launched\] Fits'; then
		pass "the gauge line shows the fill's progress at 80 columns"
	else
		fail "the gauge line does not start with [filling with tiny: N launched]: $(screen | sed -n 3p)"
	fi
	t0=$(date +%s%N)
	keys '?'
	if POLL=0.1 wait_screen 'watch and drive Xen guests' 20 "help during a fill" >/dev/null; then
		pass "during a fill ? opens the help screen"
		echo "    it showed $(( ($(date +%s%N) - t0) / 1000000 )) ms after the key (screen read every 0.1 s)"
	else
		fail "during a fill, ? did not open the help screen within 20 s"
	fi
	keys Escape
}

# fill, destroy, fill ... three times
for cycle in 1 2 3; do
	done_re='fill: done, [0-9]+ launched\. Next one does not fit'
	before=$(last "$done_re")
	# End selects the last row, sorted by ID the newest tiny guest: f fills with tiny
	keys End; sleep 1
	sel=$(screen | grep -m1 -E '^ *> ' | awk '{ print $3 }')
	case $sel in tiny-*) ;; *) fail "fill $cycle: End selected '${sel:-nothing}', not a tiny guest" ;; esac
	keys f
	[ "$cycle" = 1 ] && help_during_fill
	# on the 80-column serial console the event wraps onto a second line
	if wait_new "$done_re" "$before" 420 "fill stops for lack of memory (cycle $cycle)" &&
		wait_screen 'MiB free .* guests? running|guests? running; destroy one' 5 "how much is missing, how many run"; then
		msg=$(fill_msg)
		pass "fill $cycle: stopped when memory ran out: $msg"
	else
		fail "fill $cycle did not end with an out-of-memory message"; break
	fi
	# Xen's free memory ended it, not dom0's: "debian needs N MiB ..., M MiB free"
	case $msg in
	*"dom0 is short"*) fail "fill $cycle: dom0's memory ended the fill, not Xen's: $msg" ;;
	*" needs "*" MiB free "*) pass "fill $cycle: Xen's free memory ended it, not dom0's" ;;
	*) fail "fill $cycle: the event does not say what ran out: $msg" ;;
	esac
	n=$(echo "$msg" | grep -oE '[0-9]+ guests? running' | grep -oE '^[0-9]+')
	counts="${counts:-}${counts:+ }${n:-?}"
	for _ in $(seq 60); do all_ready "$n" && break; sleep 2; done
	all_ready "$n" && pass "fill $cycle: all $n guests are ready: $(screen | grep -m1 -oE '[0-9]+ guests?: [^;]*')" ||
		fail "fill $cycle: not all ${n:-?} guests are ready: $(screen | grep -m1 -oE '[0-9]+ guests?[:;][^;]*' || echo "ready, guests: $(screen | screen_counts)")"
	before=$(last 'destroyed')
	keys End; sleep 1; keys D; sleep 1; keys y
	wait_new 'destroyed' "$before" 60 "destroy" && pass "fill $cycle: D y destroyed the selected guest" || fail "fill $cycle: destroy did not happen"
	sleep 3
done
read -r -a c <<< "$counts"
[ "${#c[@]}" = 3 ] && [ "${c[0]}" = "${c[1]}" ] && [ "${c[1]}" = "${c[2]}" ] && pass "three fill/destroy rounds ended at the same count: $counts guests" ||
	fail "the fill/destroy rounds ended at different counts: $counts"
# one more destroy makes room: a launch then succeeds
before=$(last 'destroyed')
keys End; sleep 1; keys D; sleep 1; keys y
wait_new 'destroyed' "$before" 60 "destroy" && pass "D y destroyed one more guest: $(last 'destroyed' | sed 's/^ *//')" ||
	fail "the last destroy did not happen"
before=$(last 'ready in [0-9.]+ s')
keys 1
wait_new 'ready in [0-9.]+ s' "$before" 120 "a launch after destroy" &&
	pass "after destroy, a launch fits again: $(last 'ready in [0-9.]+ s' | sed 's/^ *//')" ||
	fail "no launch succeeded after destroying a guest"
keys '?'
wait_screen 'watch and drive Xen guests' 10 "help screen" && pass "after three fill/destroy cycles livetop still answers (help screen)" ||
	fail "livetop did not answer after the fill/destroy cycles"
keys Escape; sleep 1
# dom0 still has memory to spare with the machine full: q leaves livetop for
# the console's root shell (q asks y/n), which prints MemAvailable (the
# 24 MiB livetop keeps free plus ~3 MiB for each guest must fit in it)
keys q; sleep 1; keys y
wait_screen 'livetop ended; this is a root shell' 20 "the root shell after q" >/dev/null
keys "awk '/MemAvailable/ { print \"DOM0-AVAIL-\" int(\$2 / 1024) \"-MiB\" }' /proc/meminfo" Enter
if wait_screen '^DOM0-AVAIL-[0-9]+-MiB' 20 "dom0's MemAvailable"; then
	avail=$(screen | grep -m1 -oE '^DOM0-AVAIL-[0-9]+' | grep -oE '[0-9]+$')
	[ "$avail" -ge $((24 + 3)) ] && pass "with the machine full, dom0 still has $avail MiB available (24 kept free + ~3 per guest)" ||
		fail "with the machine full, dom0 has only $avail MiB available"
else
	fail "could not read dom0's available memory from the shell after q"
fi
finish
