#!/bin/bash
# usage: tests/run.sh [--quick] [TEST...]
# Runs xenlive's tests and ends with one line: "N passed, N failed".
# Each test is a program that prints "PASS: what" / "FAIL: what (why)" per
# check and exits non-zero when any check failed (the runner:
# tests/lib/suite.sh).  TEST names pick tests/test_NAME.sh, or one of the
# suites that live with their code: monitor (livetop) and agent
# (xenlive-agent), built under build/.  --quick runs only the tests that need
# neither root nor a built ISO.
set -u
cd "$(dirname "$0")/.." || exit 1
quick=(lint scripts monitor agent)
full=(lint scripts monitor agent rpm build stages boot hardware guests hostile livetop lan netboot bench)
if [ "${1:-}" = --quick ]; then shift; set -- "${quick[@]}"; fi
[ $# -gt 0 ] || set -- "${full[@]}"

. tests/lib/suite.sh
suite_begin build/tests
for t in "$@"; do
	case $t in
	monitor) step monitor make -s --no-print-directory -C monitor check O="$PWD/build/monitor" ;;
	agent) step agent make -s --no-print-directory -C guests/agent check O="$PWD/build/agent" ;;
	*) if [ -x "tests/test_$t.sh" ]; then step "$t" "tests/test_$t.sh"
	   else echo "FAIL: no such test: $t (tests/test_$t.sh)"; suite_failed=$((suite_failed + 1)); fi ;;
	esac
done
suite_end
