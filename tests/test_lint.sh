#!/bin/bash
# Runs shellcheck over every shell script in the tree (build stages, dom0 and
# guest scripts, tests).
cd "$(dirname "$0")/.." || exit 1
. tests/lib/check.sh
command -v shellcheck >/dev/null || { fail "shellcheck is not installed (apt-get install shellcheck)"; finish; }
mapfile -t files < <(git ls-files -co --exclude-standard | while read -r f; do
	[ -f "$f" ] || continue
	case $f in *.sh) echo "$f"; continue ;; esac
	head -c 64 "$f" | head -n1 | grep -qE '^#!.*/(ba)?sh' && echo "$f"
done)
[ "${#files[@]}" -gt 10 ] || fail "found only ${#files[@]} shell scripts"
for f in "${files[@]}"; do
	if out=$(shellcheck -x -P SCRIPTDIR -e SC1091 "$f" 2>&1); then
		pass "shellcheck $f"
	else
		fail "shellcheck $f"
		printf '%s\n' "$out" | head -n 30
	fi
done
finish
