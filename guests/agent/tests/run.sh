#!/bin/bash
# run.sh — the agent's test suite (what `make check` runs): the unit tests,
# the fake-xenstore integration test against the built agent, then the
# ASan/UBSan run (`make asan`, which calls this script with --no-asan),
# through xenlive's one suite runner (../../tests/lib/suite.sh).  Ends with
# the total; exits non-zero if anything failed.  Env: O (build dir), MAKE.
set -u
: "${O:=build}"
: "${MAKE:=make}"
asan=1
[ "${1:-}" = --no-asan ] && asan=0
cd "$(dirname "$0")/.." || exit 1
. ../../tests/lib/suite.sh
suite_begin
for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	step "$(basename "$t")" "$t"
done
step integration "$O/tests/integration" "$O/xenlive-agent"
[ "$asan" = 0 ] || step asan "$MAKE" --no-print-directory -s asan O="$O"
suite_end
