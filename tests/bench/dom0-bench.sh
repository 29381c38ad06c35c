#!/bin/bash
# usage (inside xenlive's dom0): dom0-bench.sh STEP ARGS...
# The half of `make bench` that runs in dom0; tests/bench/bench.sh brings it
# in on a small extra disk and reads the "R ..." lines it prints.
#   mem                          dom0's memory after boot, Xen's free memory
#   launch DISTRO RUNS           xenlive-launch -> agent "ready", RUNS times
#   minmem DISTRO LOW HIGH STEP  smallest --memory that still reaches ready
#   top GUESTS MIB SECONDS       livetop -b and xentop -b side by side with
#                                GUESTS Debian guests of MIB running
#   fill MIB MAX                 launch Debian guests of MIB until one does not fit
#   seq N                        N Debian guests launched one after another, each
#                                when the one before is ready; then all destroyed
#   fillstate                    after a fill: guests, how many ready, Xen's free memory
# Times come from /proc/uptime (dom0's clock), memory from /proc and xl info.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
step=${1:?usage: dom0-bench.sh mem|launch|minmem|top|fill|seq|fillstate ...}
shift

up() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(up)" 'BEGIN { printf "%.2f", b - a }'; }
xen_free() { xl info | awk '/^free_memory/ { print $3 }'; }
guests() { xl list | awk 'NR > 2 { print $1 }'; }
meminfo() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' /proc/meminfo; }
one_line() { tr '\n' ' ' < "$1" | cut -c1-200; }

# try DISTRO MIB [CATALOG]: launch, wait for ready (60 s), destroy; prints
# the seconds to ready, or "fail: why" (and returns 1)
try() {
	local distro=$1 mib=$2 cat=${3:-} t0 name rc=0
	t0=$(up)
	if ! name=$(xenlive-launch "$distro" ${mib:+--memory "$mib"} ${cat:+--catalog "$cat"} 2> /tmp/bench.err); then
		echo "fail: $(one_line /tmp/bench.err)"
		return 1
	fi
	if xenlive-wait "$name" 60 > /dev/null 2> /tmp/bench.err; then
		since "$t0"
	else
		echo "fail: $(one_line /tmp/bench.err)"
		rc=1
	fi
	xl destroy "$name" 2> /dev/null
	return "$rc"
}

case $step in
mem)
	total=$(meminfo MemTotal)
	echo "R dom0_free_used $((total - $(meminfo MemFree) - $(meminfo Buffers) - $(meminfo Cached) - $(meminfo SReclaimable)))"
	echo "R dom0_unavailable $((total - $(meminfo MemAvailable)))"
	echo "R dom0_kernel_total $total"
	echo "R dom0_xen_mem $(xl list 0 | awk 'NR == 2 { print $3 }')"
	echo "R xen_free $(xen_free)"
	echo "R dom0_mem_option $(xl info | sed -n 's/^xen_commandline *: .*\(dom0_mem=[^ ]*\).*/\1/p')"
	;;
launch)
	distro=$1 runs=$2
	for _ in $(seq "$runs"); do
		echo "R launch $distro $(try "$distro" "")"
	done
	;;
minmem)
	distro=$1 lo=$2 hi=$3 stepmib=$4
	# a catalogue whose minimum for DISTRO is 1 MiB, next to the real images
	d=/tmp/bench-catalog
	rm -rf "$d"
	mkdir -p "$d"
	for f in /media/xenlive/guests/*; do ln -s "$f" "$d/"; done
	rm "$d/catalog"
	awk -F'|' -v OFS='|' -v id="$distro" '$1 == id { $5 = 1 } { print }' /media/xenlive/guests/catalog > "$d/catalog"
	r=$(try "$distro" "$hi" "$d/catalog") || { echo "R minmem $distro none ($hi MiB: $r)"; exit 0; }
	echo "R minmem_try $distro $hi ok $r"
	r=$(try "$distro" "$lo" "$d/catalog") && { echo "R minmem $distro <=$lo"; exit 0; }
	echo "R minmem_try $distro $lo $r"
	# lo fails, hi works
	while [ $((hi - lo)) -gt "$stepmib" ]; do
		mid=$(( (lo + hi) / 2 / stepmib * stepmib ))
		[ "$mid" -gt "$lo" ] || mid=$((lo + stepmib))
		if r=$(try "$distro" "$mid" "$d/catalog"); then
			echo "R minmem_try $distro $mid ok $r"
			hi=$mid
		else
			echo "R minmem_try $distro $mid $r"
			lo=$mid
		fi
	done
	echo "R minmem $distro $hi"
	;;
top)
	n=$1 mib=$2 secs=$3
	for _ in $(seq "$n"); do
		name=$(xenlive-launch debian --memory "$mib" 2> /tmp/bench.err) &&
			xenlive-wait "$name" 120 > /dev/null 2>> /tmp/bench.err ||
			{ echo "R top_fail $(one_line /tmp/bench.err)"; exit 0; }
	done
	echo "R top_guests $(guests | wc -l)"
	livetop -b -d 1 -n 100000 > /dev/null 2> /tmp/bench.livetop &
	lp=$!
	xentop -b -d 1 > /dev/null 2> /tmp/bench.xentop &
	xp=$!
	sleep "$secs"
	for p in "livetop $lp" "xentop $xp"; do
		read -r prog pid <<< "$p"
		set -- "$prog" "$pid"
		if [ -r "/proc/$2/stat" ]; then
			# utime and stime (fields 14, 15) in clock ticks of 1/100 s
			ticks=$(sed 's/.*) //' "/proc/$2/stat" | awk '{ print $12 + $13 }')
			rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$2/status")
			hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$2/status")
			echo "R top $1 $ticks $rss $hwm"
		else
			echo "R top_fail $1 exited early: $(one_line "/tmp/bench.$1")"
		fi
		kill "$2" 2> /dev/null
	done
	;;
fill)
	mib=$1 max=$2 count=0
	while [ "$count" -lt "$max" ]; do
		xenlive-launch debian --memory "$mib" > /dev/null 2> /tmp/bench.err || break
		count=$((count + 1))
	done
	echo "R fill_launched $count"
	echo "R fill_guests $(guests | wc -l)"
	echo "R fill_stop $(one_line /tmp/bench.err)"
	echo "R fill_xen_free $(xen_free)"
	;;
seq)
	n=$1 count=0 t0=$(up)
	while [ "$count" -lt "$n" ]; do
		name=$(xenlive-launch debian 2> /tmp/bench.err) && xenlive-wait "$name" 120 > /dev/null 2>> /tmp/bench.err ||
			{ echo "R seq_fail $(one_line /tmp/bench.err)"; break; }
		count=$((count + 1))
	done
	echo "R seq_secs $(since "$t0")"
	echo "R seq_guests $count"
	for g in $(guests); do xl destroy "$g"; done
	# (Xen scrubs a destroyed guest's pages before they count as free)
	for _ in $(seq 30); do
		a=$(xen_free); sleep 2; [ "$(xen_free)" = "$a" ] && break
	done
	;;
fillstate)
	ready=0
	for id in $(xl list | awk 'NR > 2 { print $2 }'); do
		[ "$(xenstore-read "/local/domain/$id/data/xenlive/state" 2> /dev/null)" = ready ] && ready=$((ready + 1))
	done
	echo "R fill_guests $(guests | wc -l)"
	echo "R fill_ready $ready"
	echo "R fill_xen_free $(xen_free)"
	;;
*)
	echo "dom0-bench.sh: unknown step '$step'" >&2
	exit 2
	;;
esac
