# shellcheck shell=bash
# bench_move (sourced by bench.sh): moving a running 48 MiB Debian guest
# between two xenlive machines on one cable (tests/lib/lan.sh), RUNS_MOVE
# moves in turn a -> b -> a ..., each timed by xenlive-migrate itself (its
# "moved to NAME in T s, paused P s" line), next to the reference on one
# machine: xl save to dom0's /tmp and xl restore, timed in dom0.  Quick mode
# leaves it out (two more machines, ~6 min).
# shellcheck disable=SC2016  # $ in single quotes is expanded in dom0
bench_move() {
	local i from to code_a code_b line
	quick_skip move_total move_pause move_ref && return
	. tests/lib/lan.sh
	note "moves: two machines on one cable"
	if ! lan_pair "$ISO" 1536 > "$TMPD/move.err" 2>&1; then
		note "moves: the two machines did not come up: $(tail -n 3 "$TMPD/move.err" | tr '\n' ' ')"
		qemu_use a; qemu_stop; qemu_use b; qemu_stop
		return
	fi
	lan_on b; code_b=$LAN_CODE
	lan_on a; code_a=$LAN_CODE
	qemu_use a
	qemu_cmd 150 'xenlive-launch debian --memory 48 > /dev/null && xenlive-wait debian-1 120 > /dev/null && echo READY' > /dev/null
	if ! echo "$QEMU_OUT" | grep -qx READY; then
		note "moves: the guest did not come up on a"
	else
		# the reference: the same guest saved and restored on a
		for i in $(seq "$RUNS_MOVE"); do
			qemu_cmd 180 'read t0 _ < /proc/uptime; xl save debian-1 /tmp/ref.save > /dev/null 2>&1 && xl restore /tmp/ref.save > /dev/null 2>&1; rc=$?; read t1 _ < /proc/uptime; rm -f /tmp/ref.save; [ $rc = 0 ] && echo "REF $t0 $t1"'
			echo "$QEMU_OUT" | awk '$1 == "REF" { printf "%.1f\n", $3 - $2 }' >> "$TMPD/move.ref"
		done
		from=a to=b
		for i in $(seq "$RUNS_MOVE"); do
			qemu_use "$from"
			code=$code_b; [ "$to" = b ] || code=$code_a
			note "moves: $i, $from -> $to"
			qemu_cmd 300 "xenlive-migrate debian-1 xenlive-$to --code $code"
			line=$(echo "$QEMU_OUT" | grep -m1 '^debian-1 moved to') || { note "moves: $i failed: $(echo "$QEMU_OUT" | tail -n1)"; break; }
			echo "$line" | sed -n 's/.* in \([0-9.]*\) s, .*/\1/p' >> "$TMPD/move.total"
			echo "$line" | sed -n 's/.* paused \([0-9.]*\) s.*/\1/p' >> "$TMPD/move.pause"
			qemu_use "$to"
			qemu_cmd 60 'xenlive-wait debian-1 45 > /dev/null && echo READY' > /dev/null
			echo "$QEMU_OUT" | grep -qx READY || { note "moves: $i: not ready on $to"; break; }
			if [ "$from" = a ]; then from=b to=a; else from=a to=b; fi
		done
	fi
	qemu_use a; qemu_stop; qemu_use b; qemu_stop
	[ ! -s "$TMPD/move.total" ] || put move_total "$(median < "$TMPD/move.total")"
	[ ! -s "$TMPD/move.pause" ] || put move_pause "$(median < "$TMPD/move.pause")"
	[ ! -s "$TMPD/move.ref" ] || put move_ref "$(median < "$TMPD/move.ref")"
}
