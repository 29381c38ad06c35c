# shellcheck shell=bash
# The one test-suite runner, for tests/run.sh (make check) and for the
# suites monitor/ and guests/agent/ run on their own (make -C DIR check):
#   . tests/lib/suite.sh; suite_begin [LOGDIR]
#   step NAME COMMAND...    (as many as there are)
#   suite_end               prints the total; its status is the verdict
# A step's output is shown and kept in LOGDIR/NAME.log; its "PASS: what" and
# "FAIL: what (why)" lines are counted.  A step that exits non-zero without
# a FAIL line, or that passes nothing, counts as one failure.  The outermost
# suite ends by repeating each failed check's line.  A suite run
# inside another one's step prints its total as "=== total ..." so that the
# outermost suite alone ends with the line "N passed, N failed".

suite_begin() {
	SUITE_LOGS=${1:-}
	if [ -z "$SUITE_LOGS" ]; then
		SUITE_LOGS=$(mktemp -d "${TMPDIR:-/tmp}/xenlive-suite.XXXXXX")
		trap 'rm -rf "$SUITE_LOGS"' EXIT
	fi
	mkdir -p "$SUITE_LOGS"
	suite_passed=0 suite_failed=0 suite_broken=()
	suite_depth=${XENLIVE_SUITE_DEPTH:-0}
	export XENLIVE_SUITE_DEPTH=$((suite_depth + 1))
}

# suite_stamp START: copies its input, in the outermost suite with the
# seconds since START in front of each line (where a suite's time goes;
# the logs keep the lines as they were)
suite_stamp() {
	local line now
	if [ "$suite_depth" -gt 0 ]; then cat; return; fi
	while IFS= read -r line; do
		printf -v now '%(%s)T' -1
		printf '[%4d s] %s\n' $((now - $1)) "$line"
	done
}

# suite_log NAME: where step NAME's output is kept
suite_log() { echo "$SUITE_LOGS/${1//\//_}.log"; }

# step NAME COMMAND...: runs one test program (stdin: nothing)
step() {
	local name=$1 log rc p f start
	shift
	log=$(suite_log "$name")
	echo "=== $name"
	start=$(date +%s)
	"$@" < /dev/null 2>&1 | tee "$log" | suite_stamp "$start"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name exited with status $rc without naming a failed check" | tee -a "$log"
		f=1
	elif [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then
		echo "FAIL: $name checked nothing" | tee -a "$log"
		f=1
	fi
	echo "=== $name: $p passed, $f failed ($(($(date +%s) - start)) s)"
	suite_passed=$((suite_passed + p)) suite_failed=$((suite_failed + f))
	[ "$f" -eq 0 ] || suite_broken+=("$name")
}

suite_end() {
	local name
	[ "${#suite_broken[@]}" -eq 0 ] || echo "failed: ${suite_broken[*]} (logs in $SUITE_LOGS)"
	if [ "$suite_depth" -eq 0 ]; then
		# (the failed checks again, at the end, where a log's tail shows them)
		for name in "${suite_broken[@]}"; do
			grep '^FAIL: ' "$(suite_log "$name")" | cut -c1-400 | sed "s|^|$name: |"
		done
		echo "$suite_passed passed, $suite_failed failed"
	else
		echo "=== total: $suite_passed passed, $suite_failed failed"
	fi
	[ "$suite_failed" -eq 0 ]
}
