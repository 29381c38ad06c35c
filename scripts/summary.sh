#!/bin/bash
# usage: summary.sh — the end of `make`: the ISO, its size, which guests it
# holds (and where each came from, when its build says), and which were
# skipped (and why): build/guests/summary, written by guests/build.sh.
STAGE=xenlive
. "$(dirname "$0")/lib.sh"
[ -z "${STAGE_MODE:-}" ] || exit 0   # make STAGE_MODE=inputs|key builds nothing
[ -f "$OUT/xenlive.iso" ] || die "no $OUT/xenlive.iso"
info "$OUT/xenlive.iso: $(du -m "$OUT/xenlive.iso" | cut -f1) MiB (sha256 in $OUT/SHA256SUMS)"
if grep -q '^SKIPPED' "$BUILD/guests/summary" 2>/dev/null; then
	info "=================================================================="
	while read -r line; do info "$line"; done < "$BUILD/guests/summary"
	info "=================================================================="
else
	while read -r line; do info "$line"; done < "$BUILD/guests/summary"
fi
