# shellcheck shell=bash
# bench_big (sourced by bench.sh): a big machine filled from livetop, as a
# person would fill it.  A BIG_RAM MiB machine (default 8192) boots the ISO's
# default entry.  First the reference, launches one after another: BIG_SEQ
# Debian guests, each launched when the one before is ready (the fill as it
# was before launches overlapped), then destroyed.  Then `f` on livetop's
# screen (QEMU's sendkey; the screen read from /dev/vcs1) fills the machine
# with Debian guests at the catalogue's memory, until "fill: done".  It
# reports the guests launched and ready, how many more Xen's free memory
# would have held (the part of the machine filled), the fill's time per
# guest next to the reference's, the median launch -> ready during the fill
# (livetop's BOOT column, every page of rows), and livetop's and xentop's
# CPU time over TOP_SECS with all those guests running.  Quick mode leaves
# it out (one more machine, ~25 min at 8 GiB).
# shellcheck disable=SC2016  # $ in single quotes is expanded in dom0
bench_big() {
	local t0 t1 t_first n_ready secs done_re='fill: (done|stopped)' last total
	quick_skip big_fill big_filled big_per_guest big_seq big_ready big_top_livetop big_top_xentop && return
	: > "$TMPD/dom0"
	note "big machine: ${BIG_RAM} MiB, filled with f in livetop"
	if ! { qemu_boot big '' 240 -m "$BIG_RAM" -vga std -drive "file=$ISO,media=cdrom,readonly=on" -boot d \
		-drive "file=$TMPD/bench.tar,format=raw,if=ide,index=1" && qemu_prompt big && bench_disk; } > "$TMPD/big.err" 2>&1; then
		note "big machine did not come up: $(tail -n 3 "$TMPD/big.err" | tr '\n' ' ')"
		qemu_stop
		return
	fi
	dom0 $((BIG_SEQ * 120)) seq "$BIG_SEQ"
	dom0 30 mem
	# the fill: f on livetop's screen (Domain-0 is selected: it fills with
	# the catalogue's first distro, Debian)
	. tests/lib/screen.sh
	t0=$(date +%s)
	qemu_qmp sendkey f
	# looked at every 3 s until BIG_SEQ guests are ready (the fill's first
	# ones, next to the reference's), then every 15 s.  Ready guests: as
	# tests/lib/screen.sh's screen_counts reads them (the summary line once
	# the table is longer than the screen, else the rows)
	t_first=''
	while :; do
		if [ -n "$t_first" ]; then sleep 15; else sleep 3; fi
		vcs > /dev/null || continue
		n_ready=$(screen_counts < "$TMPD/vcs" | cut -d' ' -f1)
		[ -n "$t_first" ] || [ "${n_ready:-0}" -lt "$BIG_SEQ" ] || t_first=$(date +%s)
		grep -qE "$done_re" "$TMPD/vcs" && break
		[ $(($(date +%s) - t0)) -lt 3600 ] || { note "big machine: no 'fill: done' within an hour"; break; }
	done
	t1=$(date +%s)
	secs=$((t1 - t0))
	# (a long event goes on over rows indented by 11: joined)
	awk -v re="$done_re" 'f && /^           [^ ]/ { sub(/^ +/, ""); sub(/ +$/, ""); t = t $0; next } f { exit }
		$0 ~ re { f = 1; t = substr($0, match($0, re)); sub(/ +$/, "", t) } END { if (t != "") print "big_fill_end " t }' \
		"$TMPD/vcs" >> "$TMPD/dom0"
	# every page of rows: the BOOT column (right-aligned under its title)
	qemu_qmp sendkey home
	: > "$TMPD/big.boot"
	for _ in $(seq 100); do
		sleep 2
		vcs > /dev/null || break
		# (BOOT is 5 wide, UPTIME one space before it: the 6 characters up to
		# the title's end)
		awk '/ NAME / && / BOOT/ { e = index($0, " BOOT") + 5; next }
			e && $0 ~ /debian-[0-9]+/ { n = $0; sub(/^>/, " ", n); split(n, w, " ")
				v = substr(n, e - 6, 6); gsub(/ /, "", v); if (v ~ /^[0-9.]+s$/) print w[2], v + 0 }' "$TMPD/vcs" >> "$TMPD/big.boot"
		grep -q '; rows [0-9]*-\([0-9]*\)' "$TMPD/vcs" || break   # all rows fit on one screen
		last=$(grep -o '; rows [0-9]*-[0-9]*' "$TMPD/vcs" | head -n1 | sed 's/.*-//')
		total=$(grep -oE '^ *[0-9]+ guests' "$TMPD/vcs" | head -n1 | tr -dc 0-9)
		[ -n "$last" ] && [ -n "$total" ] && [ "$last" -lt "$total" ] || break
		qemu_qmp sendkey pgdn
	done
	dom0 60 fillstate
	dom0 $((TOP_SECS + 120)) top 0 0 "$TOP_SECS"
	qemu_stop
	r() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "$TMPD/dom0"; }
	local guests ready free0 free1 per seq_secs seq_n
	guests=$(r fill_guests) ready=$(r fill_ready) free0=$(r xen_free) free1=$(r fill_xen_free)
	if [ -n "$guests" ] && [ "$guests" -gt 0 ]; then
		per=$(( (free0 - free1) / guests ))
		put big_fill "$guests guests launched by f, $ready ready, in ${secs} s ($(r big_fill_end | cut -c1-120))"
		put big_filled "$(awk -v g="$guests" -v f="$free1" -v p="$per" 'BEGIN { m = p > 0 ? int(f / p) : 0; printf "%.1f%% (%d more would have fit: %d MiB free, %d MiB a guest)", 100 * g / (g + m), m, f, p }')"
		put big_per_guest "$(awk -v s="$secs" -v g="$guests" -v f="${t_first:+$((t_first - t0))}" -v n="$BIG_SEQ" 'BEGIN {
			if (f != "") printf "%.1f (its first %d ready after %d s); the whole fill %.1f", f / n, n, f, s / g
			else printf "%.1f (the whole fill)", s / g }')"
	fi
	seq_n=$(r seq_guests) seq_secs=$(r seq_secs)
	[ -z "$seq_n" ] || [ "$seq_n" = 0 ] || put big_seq "$(awk -v s="$seq_secs" -v g="$seq_n" 'BEGIN { printf "%.1f", s / g }') (the first $seq_n, one after another)"
	[ ! -s "$TMPD/big.boot" ] || put big_ready "$(sort -u "$TMPD/big.boot" | awk '{ print $2 }' | median)"
	cpu() { r top | awk -v p="$1" -v s="$TOP_SECS" '$1 == p { printf "%.2f s CPU (%.1f%%)", $2 / 100, $2 / s }'; }
	put big_top_livetop "$(cpu livetop)"
	put big_top_xentop "$(cpu xentop)"
	put big_top_guests "$(r top_guests)"
}
