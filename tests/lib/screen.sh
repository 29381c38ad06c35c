# shellcheck shell=bash
# The screen's text (tty1, what a person sees) of the current QEMU machine,
# read in dom0 from /dev/vcs1 over the serial console (after tests/lib/qemu.sh
# and tests/lib/check.sh, for $TMPD):
#   vcs                   the screen into $TMPD/vcs, one line per screen row
#                         (first line "SIZE COLSxROWS")
#   wait_vcs AWK SECONDS  polls the screen until the awk program prints
#                         something (a row's selection mark '>' is taken off
#                         first, so $2 is always a row's NAME, $3 its DISTRO,
#                         $4 its STATE)
#   show_vcs              prints the last screen read, for a failure
#   screen_counts         reads a screen's text (any: vcs's, tmux's) on stdin
#                         and prints "READY GUESTS": how many guests livetop
#                         shows ready and in all, from its summary line once
#                         the table is longer than the screen (the line is
#                         there only then: "52 guests: 40 ready, 12 booting;
#                         ..."), else from the guest rows ("ID NAME [DISTRO]
#                         STATE ...", after an optional selection mark; an
#                         event line "debian-3 ready in 6.2 s" is no row)
# shellcheck disable=SC2016  # $ in single quotes is expanded in dom0
vcs() {
	qemu_cmd 30 'set -- $(stty -F /dev/tty1 size); echo "SIZE $2x$1"; fold -w "$2" /dev/vcs1; echo' ||
		{ : > "$TMPD/vcs"; return 1; }
	printf '%s\n' "$QEMU_OUT" > "$TMPD/vcs"
}
wait_vcs() {
	local end=$(( $(date +%s) + $2 ))
	while :; do   # (one look at least, whatever the clock)
		vcs && [ -n "$(awk "{ sub(/^>/, \" \") } $1" "$TMPD/vcs")" ] && return 0
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 2
	done
	return 1
}
show_vcs() { echo "---- screen text (tty1) ----"; sed 's/ *$//' "$TMPD/vcs" | grep -v '^$' | head -n 40; echo "---- end ----"; }
screen_counts() {
	# row: a guest row up to its STATE (ID NAME [DISTRO] )
	awk -v row='^ *[0-9]+ +[a-z]+-[0-9]+ +([a-z]+ +)?' '!sum && /^ *[0-9]+ guests?[:;]/ {
		sum = 1; g = $1 + 0
		r = match($0, /: [0-9]+ ready/) ? substr($0, RSTART + 2, RLENGTH - 8) + 0 : 0
	}
	{ sub(/^>/, " ") }
	$0 ~ (row "[a-z]+( |$)") { rows++; if ($0 ~ (row "ready( |$)")) ready++ }
	END { if (sum) print r, g; else print ready + 0, rows + 0 }'
}
