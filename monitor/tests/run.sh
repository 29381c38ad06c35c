#!/bin/bash
# run.sh — the whole monitor test suite (what `make check` runs): unit tests,
# CLI tests, the tmux TUI test, then the ASan/UBSan run, through xenlive's
# one suite runner (../tests/lib/suite.sh).  Ends with the total; exits
# non-zero if anything failed.  Env: O (build dir), MAKE.
set -u
: "${O:=build}"
: "${MAKE:=make}"
cd "$(dirname "$0")/.." || exit 1
. ../tests/lib/suite.sh
suite_begin
for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	step "$(basename "$t")" "$t"
done
step cli.sh bash tests/cli.sh "$O"
step tui.sh bash tests/tui.sh "$O"
step asan "$MAKE" --no-print-directory -s asan O="$O"
suite_end
