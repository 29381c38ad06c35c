#!/bin/bash
# asan.sh — run the unit tests and `livetop --demo -b -n 20` built with
# -fsanitize=address,undefined; any sanitizer report fails.
# Usage: tests/asan.sh ASAN_BUILD_DIR. Prints PASS:/FAIL: lines.
set -u

O=${1:?usage: tests/asan.sh BUILD_DIR}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
export LC_ALL=C
fails=0
tmp=$(mktemp -d /tmp/livetop-asan.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

sanitized() { # sanitized WHAT COMMAND...: status 0 and no sanitizer report
	local what=$1 rc
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ] || grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/err"; then
		echo "FAIL: $what under ASan/UBSan (status $rc; $(grep -Em1 'Sanitizer|runtime error' "$tmp/err"))"
		sed 's/^/| /' "$tmp/err" | head -40
		fails=$((fails + 1))
	else
		echo "PASS: $what under ASan/UBSan reports nothing"
	fi
}

for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	sanitized "$(basename "$t")" "$t"
done
sanitized "livetop --demo -b -n 20" "$O/livetop" --demo -b -n 20 -d 0.25
sanitized "livetop --demo --csv -n 5" "$O/livetop" --demo --csv -n 5 -d 0.2
if [ -s "$tmp/out" ] && ! grep -q '^time,' "$tmp/out"; then
	echo "FAIL: sanitized CSV run printed its header"
	fails=$((fails + 1))
fi
sanitized "livetop --help" "$O/livetop" --help
sanitized "xenlive-launch --help" "$O/xenlive-launch" --help

[ "$fails" -eq 0 ]
