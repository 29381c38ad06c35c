# shellcheck shell=bash
# Drive a QEMU machine through its serial console, without the caller's stdin.
#   qemu_start NAME QEMU_ARGS...   start a machine (serial console on a FIFO pair)
#   qemu_wait REGEX SECONDS WHAT   wait for REGEX in the console log
#   qemu_send TEXT                 type TEXT (no newline), all at once
#   qemu_type TEXT                 type TEXT at a pace the console keeps up with
#   qemu_boot NAME KEY SECONDS ARGS  qemu_start, pick boot entry KEY, wait for "xenlive: ready"
#   qemu_twice NAME COMMAND...     COMMAND (a start and a wait) once more if dom0's kernel stalled
#   qemu_prompt NAME               wait for dom0's shell prompt, make its lines wide
#   qemu_cmd SECONDS COMMAND       run a shell command in dom0; sets QEMU_OUT, returns its status
#   qemu_guest_type GUEST TEXT     type a line into a guest's console (xl console), back to dom0
#   qemu_stop                      stop the machine
#   qemu_use NAME                  switch to another started machine (two at once: the
#                                  functions above act on the one last started or used)
#   qemu_qmp COMMAND ARG...        act on the machine through QMP (tests/lib/qmp.py:
#                                  screendump, sendkey, device_add, device_del, hmp)
# The console log is $QEMU_LOG.  Every timeout prints the last 40 console lines.
# Always TCG with -cpu qemu64: KVM hangs here and -cpu max crashes a PV dom0.

: "${QEMU_TMP:=$(mktemp -d "${TMPDIR:-/tmp}/xenlive-qemu.XXXXXX")}"
QEMU_PID='' QEMU_CAT='' QEMU_FD='' QEMU_NAME=''
declare -gA QEMU_SAVED=()
QEMU_VARS=(QEMU_NAME QEMU_LOG QEMU_FIFO QEMU_PID QEMU_CAT QEMU_FD QEMU_T0 QEMU_FROM)
QEMU_BASE=(qemu-system-x86_64 -accel tcg -cpu qemu64 -smp 2 -m 2048 -display none -nic none
	-no-reboot -monitor none)

# qemu_save: the current machine's state, kept for qemu_use
qemu_save() {
	local v
	[ -n "$QEMU_NAME" ] || return 0
	for v in "${QEMU_VARS[@]}"; do QEMU_SAVED[$QEMU_NAME.$v]=${!v}; done
}
qemu_use() {
	local v
	qemu_save
	for v in "${QEMU_VARS[@]}"; do printf -v "$v" '%s' "${QEMU_SAVED[$1.$v]-}"; done
}

qemu_start() {
	local name=$1
	shift
	qemu_save
	QEMU_NAME=$name QEMU_FROM=0
	QEMU_LOG=$QEMU_TMP/$name.log
	QEMU_FIFO=$QEMU_TMP/$name.con
	rm -f "$QEMU_FIFO.in" "$QEMU_FIFO.out" "$QEMU_LOG"
	mkfifo "$QEMU_FIFO.in" "$QEMU_FIFO.out"
	: > "$QEMU_LOG"
	exec {QEMU_FD}<>"$QEMU_FIFO.in"
	cat "$QEMU_FIFO.out" >> "$QEMU_LOG" &
	QEMU_CAT=$!
	rm -f "$QEMU_TMP/$name.qmp"
	"${QEMU_BASE[@]}" -chardev "pipe,id=con,path=$QEMU_FIFO" -serial chardev:con \
		-qmp "unix:$QEMU_TMP/$name.qmp,server=on,wait=off" "$@" \
		> "$QEMU_TMP/$name.qemu.log" 2>&1 &
	QEMU_PID=$!
	QEMU_T0=$(date +%s.%N)
}

qemu_elapsed() { echo "$(date +%s.%N) $QEMU_T0" | awk '{ printf "%.1f", $1 - $2 }'; }

qemu_tail() {
	echo "---- last 40 console lines of $QEMU_NAME ($QEMU_LOG) ----"
	tr -d '\r' < "$QEMU_LOG" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | tail -n 40
	echo "---- end ----"
	[ ! -s "$QEMU_TMP/$QEMU_NAME.qemu.log" ] || { echo "qemu said:"; tail -n 5 "$QEMU_TMP/$QEMU_NAME.qemu.log"; }
}

# qemu_mark: remember the log's current end; qemu_wait then looks only at
# what comes after it (until the next qemu_mark or qemu_unmark)
QEMU_FROM=0
qemu_mark() { QEMU_FROM=$(wc -c < "$QEMU_LOG"); }
qemu_unmark() { QEMU_FROM=0; }

# qemu_wait REGEX SECONDS WHAT: 0 when REGEX (extended) shows up in the log
# (the log is always looked at once: with SECONDS 1 the clock may turn to
# the end second before the first look)
qemu_wait() {
	local re=$1 secs=$2 what=${3:-$1} end
	end=$(( $(date +%s) + secs ))
	while :; do
		if tail -c +"$((QEMU_FROM + 1))" "$QEMU_LOG" | tr -d '\r' | grep -qE -- "$re"; then return 0; fi
		if ! kill -0 "$QEMU_PID" 2>/dev/null; then
			echo "qemu exited while waiting for: $what"
			qemu_tail
			return 1
		fi
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.25
	done
	echo "timed out after ${secs}s waiting for: $what"
	qemu_tail
	return 1
}

qemu_send() { printf '%s' "$1" >&"$QEMU_FD"; }

# qemu_type TEXT: types TEXT in pieces of 32 bytes, each after the echo of
# the one before showed up in the log (at most 30 s each).  Xen keeps only
# 128 bytes of serial input for dom0 and drops the rest when dom0 reads too
# slowly (under TCG it does): a long command typed at once loses characters.
# (A 3 s wait was too short: while Xen destroys a domain dom0 can echo
# nothing for longer, the pieces piled up and the end of a line was lost.)
qemu_type() {
	local text=$1 piece size want end
	while [ -n "$text" ]; do
		piece=${text:0:32} text=${text:32}
		size=$(wc -c < "$QEMU_LOG")
		printf '%s' "$piece" >&"$QEMU_FD"
		[ -n "$text" ] || break
		want=$((size + ${#piece})) end=$(( $(date +%s) + 30 ))
		while [ "$(wc -c < "$QEMU_LOG")" -lt "$want" ] && [ "$(date +%s)" -lt "$end" ]; do
			sleep 0.05
		done
	done
}

# the line dom0 prints when the toolstack is up
READY='xenlive: ready: Xen [0-9.]+, [0-9]+ MiB free'
# qemu_boot NAME KEY SECONDS QEMU_ARGS...: qemu_start, then the boot menu's
# entry KEY (empty: the default entry, untouched), then up to SECONDS for
# dom0's "xenlive: ready"; 0 when it came.
qemu_boot() { qemu_twice "$1" _qemu_boot_once "$@"; }
_qemu_boot_once() {
	local name=$1 key=$2 secs=$3
	shift 3
	qemu_start "$name" "$@"
	[ -z "$key" ] || { qemu_wait 'Automatic boot in' 60 "$name's boot menu" && qemu_send "$key"$'\r'; }
	qemu_wait "$READY" "$secs" "xenlive: ready ($name)"
}
# qemu_twice NAME COMMAND...: COMMAND starts machine NAME and waits for it;
# when it fails because dom0's kernel stalled, it runs once more.
# Once in some hundred boots under TCG dom0's kernel stalled before its init
# ran (CI, hardware suite, desktop: the last console line "Poking KASLR using
# RDTSC...", then nothing for 180 s; a netbooted one too, both its vCPUs
# always in the timer interrupt, its first rc.boot line not there after
# 185 s).  A stall like that prints Xen's dump of dom0's registers and its
# domain list (debug keys 0 and q), and the machine is started once more,
# with a NOTE line saying so; a second stall fails.
qemu_twice() {
	local name=$1 try
	shift
	for try in 1 2; do
		"$@" && return 0
		qemu_stalled && [ "$try" = 1 ] || return 1
		echo "NOTE: $name: dom0's kernel stalled before its init ran (Xen's dump above); starting $name once more"
		qemu_stop
	done
}
# qemu_stalled: 0 when dom0's kernel started and its init (rc.boot, whose
# lines begin "xenlive: ") never printed; then prints Xen's dump
qemu_stalled() {
	kill -0 "$QEMU_PID" 2>/dev/null || return 1
	tr -d '\r' < "$QEMU_LOG" | awk '/^\[ *[0-9.]*\] Command line: / { k = 1 } k && /^xenlive: / { s = 1 }
		END { exit !(k && !s) }' || return 1
	local from=$QEMU_FROM
	qemu_mark
	# Ctrl-A three times: the serial line's input goes to Xen
	qemu_send $'\x01\x01\x01'; sleep 1; qemu_send 0; sleep 5; qemu_send q; sleep 5
	echo "---- Xen's dump on $QEMU_NAME's console (debug keys 0 and q) ----"
	tail -c +"$((QEMU_FROM + 1))" "$QEMU_LOG" | tr -d '\r' | head -n 120
	echo "---- end ----"
	QEMU_FROM=$from
}
# qemu_prompt NAME: dom0's shell on the serial console after "xenlive:
# ready": livetop there (the default entries start it on every console) is
# quit (q, y); then lines 1000 columns wide (ash wraps a line at the 80
# columns it assumes on a serial console and redraws it; a wide line keeps
# long commands as they were typed).  (Only what follows the ready line
# counts: GRUB's menu has "livetop" and "Xen 4.17" on one line.)
qemu_prompt() {
	local from=$QEMU_FROM at rc=1
	at=$(grep -abE -m1 "$READY" "$QEMU_LOG" | cut -d: -f1)
	QEMU_FROM=${at:-0}
	if qemu_wait 'xenlive# | livetop .*Xen 4\.17' 60 "$1's livetop or prompt"; then
		tail -c +"$((QEMU_FROM + 1))" "$QEMU_LOG" | grep -q 'xenlive# ' || { qemu_send q; sleep 1; qemu_send y; }
		qemu_wait 'xenlive# ' 30 "$1's prompt" && sleep 1 && qemu_cmd 10 'stty cols 1000 rows 50' && rc=0
	fi
	QEMU_FROM=$from
	return $rc
}

export QEMU_OUT=''   # output of the last qemu_cmd
# qemu_cmd SECONDS COMMAND: runs COMMAND in the console's shell.  Its output
# is framed by markers the typed command line itself cannot match (printf
# puts them together), so line editing and echo do not confuse them.
qemu_cmd() {
	local secs=$1 cmd=$2 n start
	# a counter in a file: qemu_cmd may run in a subshell, $(...)
	n=$(( $(cat "$QEMU_TMP/seq" 2>/dev/null || echo 0) + 1 ))
	echo "$n" > "$QEMU_TMP/seq"
	start=$(wc -c < "$QEMU_LOG")
	qemu_type "printf '@@%s@@\\n' B$n; $cmd; printf '@@%s=%s@@\\n' E$n \$?"$'\r'
	local from=$QEMU_FROM
	QEMU_FROM=$start
	if ! qemu_wait "@@E$n=[0-9]+@@" "$secs" "command: $cmd"; then
		# Ctrl-C: the next command starts on a fresh line, not inside this
		# one's open quote or still-running loop
		QEMU_FROM=$from QEMU_OUT=
		qemu_send $'\x03'
		sleep 1
		return 124
	fi
	QEMU_FROM=$from
	# (terminal escapes stripped: bash puts ESC[?2004l before a command's output)
	QEMU_OUT=$(tail -c +"$((start + 1))" "$QEMU_LOG" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
		sed -n "/^@@B$n@@\$/,/@@E$n=[0-9]*@@/p" | sed '1d;$d')
	return "$(tail -c +"$((start + 1))" "$QEMU_LOG" | tr -d '\r' | sed -n "s/.*@@E$n=\([0-9]*\)@@.*/\1/p" | tail -n1)"
}

# qemu_guest_type NAME TEXT: types a line into guest NAME's console with
# xl console (from dom0's shell), waits for the guest's root@NAME prompt
# after it, leaves with Ctrl-] back to dom0's prompt
qemu_guest_type() {
	qemu_mark
	qemu_send "xl console $1"$'\r'
	sleep 1
	qemu_send $'\r'
	qemu_wait "root@$1" 20 "$1's prompt through xl console" || { qemu_unmark; return 1; }
	qemu_mark
	# in pieces, as dom0's commands: this line too goes through Xen's
	# 128-byte serial input (CI lost the end of a 190-byte line at once)
	qemu_type "$2"$'\r'
	qemu_wait "root@$1" 20 "$1's prompt after the command"
	# xenconsole leaves only when Ctrl-] arrives alone in one read
	sleep 0.5
	qemu_send $'\x1d'
	sleep 1
	qemu_mark
	qemu_send $'\r'
	qemu_wait 'xenlive# ' 20 "dom0's prompt after Ctrl-]"
	qemu_unmark
}
qemu_qmp() { python3 tests/lib/qmp.py "$QEMU_TMP/$QEMU_NAME.qmp" "$@"; }

qemu_stop() {
	[ -z "$QEMU_PID" ] || { kill "$QEMU_PID" 2>/dev/null; wait "$QEMU_PID" 2>/dev/null; }
	[ -z "$QEMU_CAT" ] || { kill "$QEMU_CAT" 2>/dev/null; wait "$QEMU_CAT" 2>/dev/null; }
	[ -z "$QEMU_FD" ] || exec {QEMU_FD}>&- || true
	QEMU_PID='' QEMU_CAT='' QEMU_FD=''
	qemu_save
}

# qemu_cleanup: stop the machine, keep its console logs in build/tests/qemu/
# (for a look after a failure), remove the scratch directory.
qemu_cleanup() {
	local k
	qemu_stop
	for k in "${!QEMU_SAVED[@]}"; do
		case $k in *.QEMU_NAME) qemu_use "${QEMU_SAVED[$k]}"; qemu_stop ;; esac
	done
	mkdir -p build/tests/qemu
	cp "$QEMU_TMP"/*.log build/tests/qemu/ 2>/dev/null || true
	rm -rf "$QEMU_TMP"
}
