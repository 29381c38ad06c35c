# shellcheck shell=bash
# copy_checkout DEST: the checkout's files as they are now (tracked and
# untracked, not ignored: no build/ or out/) copied to DEST (for the tests,
# through check.sh, and for variant.sh, which the bench uses without it)
copy_checkout() {
	mkdir -p "$1"
	git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
		[ -f "$f" ] && printf '%s\0' "$f"
	done | cpio -0 -pdm --quiet "$1"
}
