#!/bin/bash
# `make bench` in its quick mode (one run of everything, no live-build), so
# the benchmark code cannot rot: every figure of the table must come out as
# a measured number, and every row must say how it was measured.  The
# figures themselves are not judged here (a benchmark is not a test).
# shellcheck disable=SC2015  # pass and fail always succeed
cd "$(dirname "$0")/.." || exit 1
. tests/lib/check.sh
report=out/bench-quick.md
full_before=$(sha256sum out/bench.md 2>/dev/null)
rm -f "$report"
start=$(date +%s)
make -s bench QUICK=1 > "$TMPD/bench.log" 2>&1
rc=$?
[ "$rc" = 0 ] && pass "make bench QUICK=1 ran ($(( $(date +%s) - start )) s)" ||
	{ fail "make bench QUICK=1 exited $rc: $(tail -n 3 "$TMPD/bench.log" | tr '\n' ' ')"; finish; }
[ -s "$report" ] && pass "it wrote $report" || { fail "no $report"; finish; }
[ "$(sha256sum out/bench.md 2>/dev/null)" = "$full_before" ] && pass "quick mode left out/bench.md alone" ||
	fail "quick mode changed out/bench.md"
grep -q 'QUICK MODE' "$report" && pass "the report says it is a quick run" || fail "the report does not say QUICK MODE"

# cell ROW_PREFIX COLUMN: the table cell (2 = xenlive, 3 = alternative)
cell() { awk -F' [|] ' -v r="$1" -v c="$2" 'index($1, "| " r) == 1 { print $c; exit }' "$report"; }
number() { # ROW: the xenlive cell starts with a number above 0 (a file
	local v      # or a run that is missing is "not measured", never 0.0)
	v=$(cell "$1" 2)
	if [[ $v =~ ^[0-9]+(\.[0-9]+)?([^0-9]|$) ]] && awk -v v="$v" 'BEGIN { exit !(v + 0 > 0) }'; then pass "measured: $1 = $v"
	else fail "not a measurement: $1 = '${v:-no such row}'"; fi
}
for row in "ISO size" "– Xen" "– dom0 kernel" "– dom0 initramfs" "– Debian guest image" \
	"Boot, BIOS CD" "Boot, UEFI CD" "dom0_mem" "dom0 memory used" "dom0 memory not available" \
	"Debian guest launch" "Smallest Debian guest" "Debian guests per GiB" "livetop CPU" \
	"– dom0 root unpacked" "– UEFI / BIOS boot time" \
	"livetop on the screen (tty1), BIOS" "livetop on the screen (tty1), UEFI"; do
	number "$row"
done
# the RPM-built guest (the ISO's CentOS, else the local-repository one)
rpm_row=$(awk -F' [|] ' '/launch → ready/ && !/Debian/ { sub(/^[|] /, "", $1); print $1; exit }' "$report")
[ -n "$rpm_row" ] && number "$rpm_row" || fail "no launch row for the RPM guest"
v=$(cell "livetop CPU" 3)
[[ $v =~ ^[0-9] ]] && pass "xentop measured next to livetop: $v" || fail "xentop cell: '$v'"
for row in "Smallest systemd guest" "Clean build" "No-change rebuild" "Move a running" "– of which the guest is paused" "– reference: xl save" \
	"Netboot: a PC" "– two PCs at once" "Big machine" "– part of the machine filled" "– fill: time per guest" \
	"– launch → ready during the fill" "– livetop CPU with all those guests"; do
	v=$(cell "$row" 2)
	[[ $v == "not measured (quick mode)" ]] && pass "$row says why quick mode leaves it out: $v" || fail "$row in quick mode: '$v'"
done
v=$(cell "ISO size" 3)
[[ $v == "not measured (quick mode)" ]] && pass "the live-build column says why it is empty: $v" || fail "live-build cell in quick mode: '$v'"

# each table row's figure has its own "how measured" line, with words in it
mapfile -t figures < <(awk -F' [|] ' '/^\| / && $1 != "| Figure" && $1 !~ /^\|---/ { sub(/^[|] /, "", $1); print $1 }' "$report")
missing=()
for f in "${figures[@]}"; do
	how=$(grep -F -- "- **$f**: " "$report" | head -n1)
	how=${how#*\*\*: }
	[ "${#how}" -ge 20 ] || missing+=("$f")
done
[ "${#figures[@]}" -gt 10 ] && [ "${#missing[@]}" -eq 0 ] && pass "each of the ${#figures[@]} figures says how it was measured" ||
	fail "${#figures[@]} figures; without a 'how measured' line of its own: ${missing[*]}"
finish
