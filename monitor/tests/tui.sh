#!/bin/bash
# tui.sh — drive `livetop --demo` in a detached tmux session and check what
# a person would see. Usage: tests/tui.sh [BUILD_DIR]   (default build)
# Prints PASS:/FAIL: lines; exits non-zero if anything failed.
set -u

: "${O:=${1:-build}}"
LIVETOP="$O/livetop"
SOCK="livetop-test-$$"
SESSION=lt
fails=0
last=""

tm() { tmux -L "$SOCK" "$@"; }
cleanup() { tm kill-server >/dev/null 2>&1 || true; }
trap cleanup EXIT

screen() { tm capture-pane -p -t "$SESSION" 2>/dev/null; }

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 ($2)"
	fails=$((fails + 1))
	echo "--- last screen ---"
	screen | sed 's/^/| /'
	echo "-------------------"
}

# wait_for TEXT SECONDS WHAT: poll the screen until TEXT (grep -E) appears.
wait_for() {
	local text=$1 secs=$2 what=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		last=$(screen)
		if grep -Eq -- "$text" <<<"$last"; then
			pass "$what"
			return 0
		fi
		sleep 0.1
	done
	fail "$what" "no '$text' on screen after ${secs}s"
	return 1
}

# wait_gone TEXT SECONDS WHAT
wait_gone() {
	local text=$1 secs=$2 what=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		last=$(screen)
		if ! grep -Eq -- "$text" <<<"$last"; then
			pass "$what"
			return 0
		fi
		sleep 0.1
	done
	fail "$what" "'$text' still on screen after ${secs}s"
	return 1
}

keys() { tm send-keys -t "$SESSION" "$@"; }
resize() { tm resize-window -t "$SESSION" -x "$1" -y "$2"; }

# Every column title after ID, in order, as a regular expression.
ALL_TITLES='NAME +DISTRO +STATE +CPU% +CPU 1min +VC +MEM +NETRX/s +NETTX/s +DSKRD/s +DSKWR/s +UPTIME +BOOT +WEIGHT +WORKLOAD'

if ! command -v tmux >/dev/null; then
	echo "FAIL: tmux is installed (needed for the TUI test)"
	exit 1
fi
if [ ! -x "$LIVETOP" ]; then
	echo "FAIL: $LIVETOP exists (build it first)"
	exit 1
fi

tm -f /dev/null new-session -d -s "$SESSION" -x 100 -y 30 \
	"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $LIVETOP --demo -d 0.5; echo LIVETOP-EXITED rc=\$?; sleep 30"
tm set-option -t "$SESSION" -g window-size manual >/dev/null 2>&1 || true

wait_for 'livetop \[demo\]' 5 "livetop --demo starts and shows its title"
wait_for 'Domain-0 +running' 5 "dom0 is listed as running"
wait_for 'Fits [0-9]+ more Debian, [0-9]+ more CentOS' 5 "the fits gauge names both distros"
wait_for 'Mem\[#+' 5 "the memory bar is drawn"
wait_for '1-9 launch .* q quit' 5 "the key bar is shown"

keys 1
wait_for 'debian-1 ' 5 "pressing 1 adds a debian-1 row"
keys 2
wait_for 'centos-1 ' 5 "pressing 2 adds a centos-1 row"
wait_for 'debian-1 +booting' 5 "a new guest shows as booting"
wait_for 'debian-1 ready in [0-9.]+ s' 12 "the event log says how long debian-1 took to be ready"
wait_for 'debian-1 +ready' 5 "debian-1 shows as ready"

keys '?'
wait_for 'livetop help' 5 "? opens the help screen"
wait_for 'Ctrl-\] comes back' 2 "help explains the console"
wait_for 'Ctrl-L +repaint' 2 "help lists Ctrl-L"
keys x
wait_gone 'livetop help' 5 "any key closes the help screen"

wait_for 'sort: ID' 3 "sorted by ID at start"
keys '>'
wait_for 'sort: NAME' 3 "> moves the sort indicator to NAME"
keys '>'
wait_for 'sort: DISTRO' 3 "> again moves it to DISTRO"
keys '<' '<'
wait_for 'sort: ID' 3 "< < brings it back to ID"

# Select debian-1 (rows sorted by ID: Domain-0, debian-1, centos-1).
keys j
wait_for '^> +1 debian-1' 3 "j moves the selection to debian-1"
keys k
wait_for '^> +0 Domain-0' 3 "k moves it back to dom0"
keys Down
wait_for '^> +1 debian-1' 3 "the Down arrow selects debian-1"

keys p
wait_for 'debian-1 +paused' 5 "p pauses the selected guest"
keys p
wait_for 'debian-1 +ready' 5 "p again unpauses it"

keys w
wait_for 'Workload in debian-1' 3 "w opens the workload menu"
keys 1
wait_for 'cpu burn 30 s requested' 3 "choosing 1 starts a cpu burn"

keys D
wait_for 'Destroy debian-1 now\?' 3 "D asks before destroying"
keys n
wait_for 'debian-1 kept' 3 "n keeps the guest"
keys D
keys y
wait_for 'debian-1 is gone' 5 "D then y destroys it and the log says so"

keys Enter
wait_for 'demo console of centos-1' 5 "Enter opens the console of the selected guest"
keys C-]
wait_for 'back from the console of centos-1' 5 "Ctrl-] returns to livetop and it redraws"

# Unknown keys are ignored.
keys Z '!' F5 '%'
wait_for 'centos-1' 3 "unknown keys are ignored"

# Home and End as PuTTY and tmux send them (ESC [ 1 ~, ESC [ 4 ~), where
# TERM=xterm names ESC O H / ESC O F: they move the selection
keys -l "$(printf '\033[1~')"
wait_for '^> +0 Domain-0' 3 "ESC [ 1 ~ (Home on PuTTY, tmux) selects the first row"
keys -l "$(printf '\033[4~')"
wait_for '^> +[0-9]+ centos-1 ' 3 "ESC [ 4 ~ (End on PuTTY, tmux) selects the last row"
# escape sequences livetop does not know (F10, Shift-F1, Ctrl-F12) are
# dropped whole: their digits launch nothing ('1' Debian, '2' CentOS)
keys -l "$(printf '\033[21~\033[1;2P\033[24;5~')"
sleep 2
if screen | grep -qE '^ *>? +[0-9]+ (debian-[0-9]+|centos-2) '; then
	fail "an unknown escape sequence's digits launched a guest" "a debian or centos-2 row appeared"
else
	pass "unknown escape sequences (F10, Shift-F1, Ctrl-F12) launch nothing"
fi

# A 1024x768 framebuffer console is 128x48: every column fits.
resize 128 48
wait_for "^ *ID[^ ]* +$ALL_TITLES *\$" 5 "128x48 shows every column title in the header line"
wait_for 'centos-1 +centos +[a-z]+ .* idle *$' 5 "128x48 shows a guest row through WORKLOAD"

# Ctrl-L repaints what something else scribbled on the terminal. The
# garbage goes to an empty table row (the cursor saved and restored around
# it), where livetop's own updates never write.
tty=$(tm display -p -t "$SESSION" '#{pane_tty}')
printf '\0337\033[21;30HGARBAGE-XYZ\0338' >"$tty"
wait_for 'GARBAGE-XYZ' 3 "text written to livetop's tty shows on the screen"
sleep 1.5
wait_for 'GARBAGE-XYZ' 1 "livetop's own updates leave it there"
keys C-l
wait_gone 'GARBAGE-XYZ' 3 "Ctrl-L repaints the screen without it"
wait_for 'livetop \[demo\]' 1 "after Ctrl-L the title line is back"
wait_for "^ *ID[^ ]* +$ALL_TITLES *\$" 1 "after Ctrl-L the column header is back"

# Resize storm and sizes.
resize 80 24
wait_for 'Domain-0' 5 "80x24 shows the table"
wait_for 'Fits' 2 "80x24 shows the gauge"
keys w 1
wait_for 'centos-1: cpu burn 30 s requested' 3 "a cpu burn starts in centos-1"
resize 200 60
wait_for 'WORKLOAD' 5 "200x60 shows every column, WORKLOAD included"
# "cpu burn 30 s, N s left" is longer than WORKLOAD's 9 cells at 128.
wait_for 'centos-1 .* cpu burn 30 s, [0-9]+ s left' 5 "the workload column widens to show all the guest runs"
resize 40 10
wait_for 'terminal too small' 5 "40x10 shows a 'terminal too small' notice"
for s in "60 15" "45 12" "120 40" "30 5" "90 30" "41 11"; do
	# shellcheck disable=SC2086
	resize $s
done
resize 100 30
wait_for 'Domain-0' 5 "after a resize storm livetop draws the table again"
wait_gone 'LIVETOP-EXITED' 1 "livetop survived the resize storm"

# Mouse: click on the first table row (Domain-0) selects it (X10 encoding).
keys Down Down
row=$(screen | grep -n 'Domain-0' | head -1 | cut -d: -f1)
if [ -n "$row" ]; then
	# xterm-256color's terminfo asks for SGR (1006) mouse reports.
	tm send-keys -t "$SESSION" -l "$(printf '\033[<0;3;%dM\033[<0;3;%dm' "$row" "$row")"
	wait_for '^> +0 Domain-0' 3 "a mouse click selects the clicked row"
fi

# Fill: select centos and fill until memory runs out.
keys G
keys f
wait_for '^ \[filling with centos: [0-9]+ launched\] Fits' 10 "while it fills, the gauge line starts with its progress"
wait_for 'fill: done, [0-9]+ launched\. Next one does not fit: CentOS needs' 60 \
	"f fills memory with CentOS guests and explains why it stopped"
wait_for 'Fits 0 more CentOS|Fits [0-9]+ more Debian, 0 more CentOS' 5 "the gauge then shows 0 more CentOS"
keys 2
wait_for 'CentOS needs [0-9]+ MiB .* MiB free' 5 "launching one more explains plainly that it does not fit"
# an 80-column console (a serial line) wraps the long event instead of cutting it
resize 80 24
wait_for '^ {11}[a-z].*to make room' 5 "at 80 columns a long event wraps onto the next line"
resize 100 30

keys q
wait_for 'Quit livetop\? .*\(y/n\)' 3 "q asks before quitting"
keys n
wait_gone 'Quit livetop' 3 "n cancels quitting"
keys q y
wait_for 'LIVETOP-EXITED rc=0' 5 "q then y quits with status 0"

# LAN mode, with stand-ins for xenlive-lan and xenlive-migrate (a move that
# takes 5 s): the move runs in the background and the screen keeps
# answering keys meanwhile.  A server of its own (see below).
lan=$(mktemp -d /tmp/livetop-lan.XXXXXX)
mkdir "$lan/state"
echo 169.254.1.10 >"$lan/state/address"
echo eth0 >"$lan/state/nic"
echo 1234 >"$lan/state/code"
cat >"$lan/xenlive-lan" <<'EOF'
#!/bin/sh
printf 'name xenlive-a\nnic eth0\naddress 169.254.1.10\ncode 1234\nxenlive-b 169.254.1.11\n'
EOF
cat >"$lan/xenlive-migrate" <<EOF
#!/bin/sh
echo "\$*" >"$lan/migrate.args"
sleep 5
echo "\$1 moved to xenlive-b in 5.0 s, paused 5.0 s (copied while paused)"
EOF
chmod +x "$lan/xenlive-lan" "$lan/xenlive-migrate"
cleanup
SOCK=$SOCK-lan
tm -f /dev/null new-session -d -s "$SESSION" -x 120 -y 30 \
	"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 LIVETOP_LAN_DIR=$lan/state LIVETOP_LAN_CMD=$lan/xenlive-lan LIVETOP_MIGRATE_CMD=$lan/xenlive-migrate $LIVETOP --demo -d 0.5; echo LIVETOP-EXITED rc=\$?; sleep 30"
wait_for 'LAN: eth0 169\.254\.1\.10 code 1234, peers: xenlive-b 169\.254\.1\.11' 8 \
	"LAN mode on: a line under the gauge shows the card, address, code and peers"
keys 1
wait_for '^ +1 debian-1 ' 5 "a guest to move"
keys j
wait_for '^> +1 debian-1 ' 3 "debian-1 selected"
keys m
wait_for 'Move debian-1 to xenlive-b \(code ____\)\?' 3 "m asks for xenlive-b's pairing code"
keys 1 2 3 4 Enter
wait_for '^> +1 debian-1 +debian +moving ' 3 "while it moves, the row says moving"
keys '?'
wait_for 'livetop help' 2 "during the (5 s) move, ? opens the help screen at once"
keys x
wait_for '^> +1 debian-1 +debian +moving ' 2 "and the move still runs"
keys k
wait_for '^> +0 Domain-0' 2 "k moves the selection meanwhile"
wait_for 'debian-1 moved to xenlive-b in 5\.0 s, paused 5\.0 s' 10 "the move's line reaches the event log"
if grep -qx 'debian-1 169\.254\.1\.11 --code 1234' "$lan/migrate.args" 2>/dev/null; then
	pass "xenlive-migrate got GUEST PEER --code CODE"
else
	fail "xenlive-migrate got GUEST PEER --code CODE" "its arguments: $(cat "$lan/migrate.args" 2>/dev/null)"
fi
wait_gone '^. +1 debian-1 +debian +moving ' 3 "afterwards the row no longer says moving"
keys q y
wait_for 'LIVETOP-EXITED rc=0' 5 "q then y quits"
rm -rf "$lan"

# SIGTERM, SIGINT and SIGHUP: livetop restores the terminal (endwin) and
# exits with 128 + the signal's number. After it, the pane prints whether
# the tty is back in canonical mode with echo; tmux says whether the
# alternate screen is still on. A server of their own: tmux 3.3a dies
# creating a session after resize-window with window-size manual.
pids=$(mktemp -d /tmp/livetop-tui.XXXXXX)
cleanup
SOCK=$SOCK-signals
signal_check() { # signal_check NAME NUMBER
	local sig=$1 num=$2 pid
	SESSION=lt-$sig
	tm -f /dev/null new-session -d -s "$SESSION" -x 100 -y 30 \
		"env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 sh -c 'echo \$\$ >$pids/$sig; exec $LIVETOP --demo -d 0.5'; echo LIVETOP-EXITED rc=\$?; echo TTY: \$(stty -a | tr ' ;' '\\n\\n' | grep -Ex -- '-?(icanon|echo)'); sleep 30"
	wait_for 'livetop \[demo\]' 5 "livetop runs, to get SIG$sig" || return
	pid=$(cat "$pids/$sig")
	kill -s "$sig" "$pid"
	wait_for "LIVETOP-EXITED rc=$((128 + num))" 5 "SIG$sig ends livetop with status $((128 + num))"
	wait_for '^TTY: icanon echo$' 3 "after SIG$sig the terminal is back in canonical mode with echo"
	if [ "$(tm display -p -t "$SESSION" '#{alternate_on}')" = 0 ]; then
		pass "after SIG$sig the alternate screen is left"
	else
		fail "after SIG$sig the alternate screen is left" "tmux says alternate_on=1"
	fi
}
signal_check TERM 15
signal_check INT 2
signal_check HUP 1
rm -rf "$pids"

[ "$fails" -eq 0 ]
