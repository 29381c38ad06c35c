# shellcheck shell=bash
# Shared helpers for xenlive's build stages and tests.
# Source it after setting STAGE (used as the message prefix):
#   STAGE=rootfs; . "$(dirname "$0")/../scripts/lib.sh"
# It provides messages (info, warn, die), the stage cache (stage_key,
# stage_begin, stage_end), a cleanup trap and safe staging helpers.

set -eu
umask 022
export LC_ALL=C

: "${STAGE:=$(basename "$0" .sh)}"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${BUILD:=$TOP/build}"
: "${OUT:=$TOP/out}"
: "${CACHE:=/var/cache/xenlive}"

info() { printf '%s: %s\n' "$STAGE" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$STAGE" "$*" >&2; }
die()  { printf '%s: error: %s\n' "$STAGE" "$*" >&2; exit 1; }

need_root() {
	[ "$(id -u)" = 0 ] || die "must run as root (try: sudo make $*)"
}

# --- cleanup -------------------------------------------------------------
# Functions registered with on_exit run once, in reverse order, on any exit
# (including Ctrl-C).  The trap disables itself first so it cannot loop.
_cleanups=()
on_exit() { _cleanups+=("$*"); }
_run_cleanups() {
	local rc=$? i
	trap - EXIT INT TERM HUP
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[i]}" || true
	done
	exit "$rc"
}
trap _run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- stage cache ---------------------------------------------------------
# stage_key ITEM...: prints a checksum over ITEMs.  A path contributes its
# name and contents (directories recursively, sorted, skipping build/
# output folders); anything else is taken as a literal string (a config
# value, an upstream stage's key).
stage_key() {
	local item name
	for item in "$@"; do
		name=$item
		if [ -e "$item" ]; then
			name=$(realpath -ms "$item")
			name=${name#"$TOP"/}   # keys do not depend on where the checkout is
		fi
		if [ -d "$item" ]; then
			(cd "$item" && find . -name build -prune -o \( -type f -o -type l \) -print0 | sort -z |
				xargs -0r sha256sum) | sed "s|^|$name |"
		elif [ -f "$item" ]; then
			printf '%s ' "$name"; sha256sum < "$item"
		else
			printf 'value %s\n' "$item"
		fi
	done | sha256sum | cut -c1-32
}

# stage_begin NAME KEY: exits 0 when build/NAME was built with KEY already;
# otherwise prepares an empty build/NAME.work and sets WORK to it.
stage_begin() {
	STAGE_NAME=$1 STAGE_KEY=$2
	DEST=$BUILD/$STAGE_NAME
	if [ "$(cat "$DEST/.key" 2>/dev/null)" = "$STAGE_KEY" ]; then
		info "up to date ($STAGE_KEY)"
		exit 0
	fi
	WORK=$BUILD/$STAGE_NAME.work
	rm -rf "$WORK"
	mkdir -p "$WORK"
	on_exit "[ -n \"\${STAGE_DONE:-}\" ] || rm -rf '$WORK'"
	info "building (key $STAGE_KEY)"
}

# shellcheck disable=SC2034  # STAGE_DONE is read by the cleanup stage_begin registers
# stage_end: publishes WORK as build/NAME, atomically replacing the old one.
stage_end() {
	printf '%s\n' "$STAGE_KEY" > "$WORK/.key"
	rm -rf "$DEST.old"
	[ ! -e "$DEST" ] || mv "$DEST" "$DEST.old"
	mv "$WORK" "$DEST"
	rm -rf "$DEST.old"
	STAGE_DONE=1
	info "done"
}

# key of a finished upstream stage (dies if it was not built)
stage_key_of() {
	[ -f "$BUILD/$1/.key" ] || die "stage $1 has not been built (run make)"
	cat "$BUILD/$1/.key"
}

# --- safe staging ----------------------------------------------------------
# A staging tree is built as root, so nothing may ever be written through a
# symlink: every parent directory must really be inside the tree.

# _check_inside ROOT PATH: dies unless PATH's parent resolves to itself
# (no symlink components) and lies under ROOT.
_check_inside() {
	local root=$1 path=$2 parent real
	parent=$(dirname "$path")
	real=$(realpath -m "$parent")
	case "$real/" in "$(realpath -m "$root")"/*) ;; *)
		die "refusing to write $path: outside staging tree $root" ;;
	esac
	[ "$real" = "$(realpath -ms "$parent")" ] ||
		die "refusing to write $path: a parent directory is a symlink"
}

# stage_file ROOT SRC DEST [MODE]: copies the file SRC (symlinks resolved)
# to ROOT/DEST as a new regular file.
stage_file() {
	local root=$1 src=$2 dest=$1/${3#/} mode=${4:-}
	_check_inside "$root" "$dest"
	[ -e "$src" ] || die "missing file $src"
	mkdir -p "$(dirname "$dest")"
	_check_inside "$root" "$dest"
	rm -f "$dest"
	cp --dereference --preserve=mode "$src" "$dest"
	[ -z "$mode" ] || chmod "$mode" "$dest"
}

# stage_link ROOT TARGET DEST: creates ROOT/DEST as a symlink to TARGET,
# which must be relative (an absolute link would point at the host).
stage_link() {
	local root=$1 target=$2 dest=$1/${3#/}
	case "$target" in /*) die "absolute symlink $3 -> $target" ;; esac
	mkdir -p "$(dirname "$dest")"
	_check_inside "$root" "$dest"
	rm -f "$dest"
	ln -s "$target" "$dest"
}

# relpath FROM_DIR TO: relative path from directory FROM_DIR to TO (both
# absolute within the same tree).
relpath() { realpath -m --relative-to="$1" "$2"; }

# check_no_absolute_links ROOT: dies if ROOT holds an absolute symlink.
check_no_absolute_links() {
	local bad
	bad=$(find "$1" -type l -lname '/*' -print -quit)
	[ -z "$bad" ] || die "absolute symlink in staging tree: $bad -> $(readlink "$bad")"
}

# normalise_epoch ROOT: sets every mtime under ROOT to SOURCE_DATE_EPOCH.
normalise_epoch() {
	find "$1" -exec touch -h -d "@${SOURCE_DATE_EPOCH:?}" {} +
}

# cpio_tree ROOT: writes ROOT as a reproducible newc cpio archive (for an
# initramfs) to stdout: names sorted, owner root, every mtime
# SOURCE_DATE_EPOCH.  Run check_no_absolute_links first: a failure inside
# a pipeline would not stop the build.
cpio_tree() {
	normalise_epoch "$1"
	(cd "$1" && find . -mindepth 1 -print0 | sort -z |
		cpio --null --create --format=newc --reproducible --owner=0:0 --quiet)
}

# cached_product NAME KEY OUTDIR COMMAND...: a slow product kept in the cache
# ($CACHE/products/NAME-KEY) so `make clean` does not rebuild it.  Runs
# COMMAND with a scratch directory appended as its last argument when the
# product is not cached, stores what it wrote, then copies it to OUTDIR.
# COMMAND's exit status is returned when it fails (nothing is stored).
cached_product() {
	local name=$1 key=$2 outdir=$3 dir rc
	shift 3
	dir=$CACHE/products/$name-$key
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir.work"
		mkdir -p "$dir.work"
		on_exit "rm -rf '$dir.work'"
		"$@" "$dir.work/out" || { rc=$?; rm -rf "$dir.work"; return "$rc"; }
		touch "$dir.work/out/.complete"
		rm -rf "$dir"
		mv "$dir.work/out" "$dir"
		rm -rf "$dir.work"
	else
		info "$name: reusing $dir"
	fi
	mkdir -p "$outdir"
	cp -a "$dir/." "$outdir/"
	rm -f "$outdir/.complete"
}
