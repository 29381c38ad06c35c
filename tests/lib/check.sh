# shellcheck shell=bash
# Checks for test scripts: each prints PASS/FAIL lines; `finish` exits 1 if
# anything failed.
FAILS=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# ok WHAT COMMAND...: passes when COMMAND succeeds
ok() { local what=$1; shift; if "$@" > "$TMPD/ok.out" 2>&1; then pass "$what"; else fail "$what ($(tail -n 3 "$TMPD/ok.out" | tr '\n' ' '))"; fi; }
# fails_with WHAT REGEX COMMAND...: passes when COMMAND fails and prints REGEX
fails_with() {
	local what=$1 re=$2 rc
	shift 2
	"$@" > "$TMPD/fw.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && grep -qE -- "$re" "$TMPD/fw.out"; then
		pass "$what"
	else
		fail "$what (status $rc, output: $(tail -n 3 "$TMPD/fw.out" | tr '\n' ' '))"
	fi
}
finish() { [ "$FAILS" -eq 0 ]; exit; }
# conf NAME: a build setting, from make's environment or else config.mk
conf() { local v; v=$(printenv "$1") || v=$(sed -n "s/^$1 ?= //p" config.mk); echo "$v"; }
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/xenlive-test.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT
. tests/lib/checkout.sh
