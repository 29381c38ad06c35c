#!/bin/bash
# usage: tests/run.sh [--quick] [TEST...]
# Runs xenlive's tests and ends with one line: "N passed, N failed".
# Each test is a program that prints "PASS: what" / "FAIL: what (why)" per
# check and exits non-zero when any check failed.  --quick runs only the
# tests that need neither root nor a built ISO.  TEST names (e.g. boot)
# pick tests/test_NAME.sh.
set -u
cd "$(dirname "$0")/.." || exit 1
quick=(lint scripts monitor agent)
full=(lint scripts monitor agent rpm build boot hardware guests livetop bench)
if [ "${1:-}" = --quick ]; then shift; set -- "${quick[@]}"; fi
[ $# -gt 0 ] || set -- "${full[@]}"

mkdir -p build/tests
passed=0 failed=0 broken=()
for t in "$@"; do
	script=tests/test_$t.sh
	[ -x "$script" ] || { echo "no such test: $t ($script)"; failed=$((failed + 1)); continue; }
	echo "=== $t"
	log=build/tests/$t.log
	start=$(date +%s)
	"$script" < /dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $t exited with status $rc without naming a failed check"
		f=1
	fi
	if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then
		echo "FAIL: $t checked nothing"
		f=1
	fi
	echo "=== $t: $p passed, $f failed ($(( $(date +%s) - start )) s)"
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" -eq 0 ] || broken+=("$t")
done
[ "${#broken[@]}" -eq 0 ] || echo "failed tests: ${broken[*]} (logs in build/tests/)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
