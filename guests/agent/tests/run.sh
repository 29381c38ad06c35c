#!/bin/bash
# run.sh — the agent's test suite (what `make check` runs): the unit tests,
# the fake-xenstore integration test against the built agent, then the
# ASan/UBSan run (`make asan`, which calls this script with --no-asan).
# Every check prints PASS:/FAIL:; the suite ends with "N passed, N failed"
# and exits non-zero if anything failed. Env: O (build dir), MAKE.
set -u

: "${O:=build}"
: "${MAKE:=make}"
asan=1
[ "${1:-}" = --no-asan ] && asan=0
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp /tmp/xenlive-agent-check.XXXXXX)
trap 'rm -f "$log"' EXIT
status=0

step() { # step NAME COMMAND...
	local name=$1 rc
	shift
	echo "== $name"
	"$@" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: $name exits 0 (status $rc)" | tee -a "$log"
		status=1
	fi
}

for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	step "$(basename "$t")" "$t"
done
step integration "$O/tests/integration" "$O/xenlive-agent"
if [ "$asan" = 1 ]; then
	step asan "$MAKE" --no-print-directory -s asan O="$O"
fi

passed=$(grep -c '^PASS: ' "$log")
failed=$(grep -c '^FAIL: ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
