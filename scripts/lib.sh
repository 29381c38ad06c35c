# shellcheck shell=bash
# Shared helpers for xenlive's build stages and tests.
# Source it after setting STAGE (used as the message prefix):
#   STAGE=rootfs; . "$(dirname "$0")/../scripts/lib.sh"
# It provides messages (info, warn, die), the stage cache (stage_key,
# input_key, stage_begin, stage_end, cached_product), a cleanup trap and safe staging helpers.

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

# --- stage inputs and the cache ------------------------------------------
# Every product that is kept between builds (a stage in build/NAME, a slow
# product in $CACHE/products) is keyed by a checksum of what it is made
# from, computed by input_key from a declaration:
#   -f PATH...    files and folders, relative to the top of the checkout
#   -v NAME...    configuration variables (config.mk), by name and value
#   -t TOOL...    host tools compiled into the product: a command (its
#                 package's version counts) or a package name (libxen-dev)
#   -s STAGE...   upstream stages whose products it takes (their keys)
#   -x VALUE...   values known only at build time (downloaded packages)
# scripts/lib.sh itself is always part of the key.

# stage_key ITEM...: prints a checksum over ITEMs.  A path contributes its
# name, contents and executable bits (directories recursively, sorted,
# skipping build/ output folders: a script staged as it is in the checkout
# keeps its mode); anything else is taken as a literal string.
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
				xargs -0r sha256sum
			 find . -name build -prune -o -type f -perm -u+x -print | LC_ALL=C sort | sed 's/^/executable /') |
				sed "s|^|$name |"
		elif [ -f "$item" ]; then
			printf '%s %s' "$name" "$([ -x "$item" ] && echo 'executable ')"; sha256sum < "$item"
		else
			printf 'value %s\n' "$item"
		fi
	done | sha256sum | cut -c1-32
}

# tool_package TOOL: the host package a tool comes from (a command's owner, or
# TOOL itself when it is a package name)
# (dpkg's own file lists are read directly: `dpkg-query -S` loads the whole
# database, ~0.4 s a call, and every stage's key asks for several tools)
tool_package() {
	local path real list pkg=
	if path=$(command -v "$1" 2>/dev/null) && [ -e "$path" ]; then
		real=$(realpath "$path")
		# dpkg may know the file by its path before the /usr merge
		list=$(grep -lxF -e "$real" -e "${real#/usr}" -e "$path" -e "${path#/usr}" \
			/var/lib/dpkg/info/*.list 2>/dev/null | head -n1) || true
		[ -z "$list" ] || { pkg=${list##*/}; pkg=${pkg%.list}; pkg=${pkg%%:*}; }
	fi
	printf '%s\n' "${pkg:-$1}"
}
# tool_versions TOOL...: "PACKAGE VERSION" of each host tool, one line each
# in order ("TOOL none" if missing), as tool_package and `dpkg-query -W`
# give them, but with one look through dpkg's file lists and one dpkg-query
# for all (asked one tool at a time, each took ~0.08 s: 1.6 s of every
# make's stage keys)
tool_versions() {
	local i t path real line file pkg ver
	local -a cand=() pat=() pkgs=()
	local -A owner=() version=()
	for ((i = 1; i <= $#; i++)); do
		t=${!i} cand[i]=
		if path=$(command -v "$t" 2>/dev/null) && [ -e "$path" ]; then
			real=$(realpath "$path")
			# dpkg may know the file by its path before the /usr merge
			cand[i]=$'\n'$real$'\n'${real#/usr}$'\n'$path$'\n'${path#/usr}$'\n'
			pat+=(-e "$real" -e "${real#/usr}" -e "$path" -e "${path#/usr}")
		fi
	done
	# "LIST:PATH" in the lists' order: a tool's package is the first list
	# holding one of its paths
	if [ "${#pat[@]}" -gt 0 ]; then
		while IFS= read -r line; do
			file=${line%%:*} path=${line#*:}
			pkg=${file##*/} pkg=${pkg%.list} pkg=${pkg%%:*}
			for ((i = 1; i <= $#; i++)); do
				[ -z "${owner[$i]:-}" ] && [[ ${cand[i]} == *$'\n'"$path"$'\n'* ]] && owner[$i]=$pkg
			done
		done < <(grep -xF "${pat[@]}" /var/lib/dpkg/info/*.list 2>/dev/null)
	fi
	for ((i = 1; i <= $#; i++)); do pkgs[i]=${owner[$i]:-${!i}}; done
	# a package installed for two architectures: both versions, as -W gives them
	while IFS=$'\t' read -r pkg ver; do
		version[$pkg]=${version[$pkg]:-}$ver
	done < <(dpkg-query -W -f '${Package}\t${Version}\n' -- "${pkgs[@]}" 2>/dev/null)
	for ((i = 1; i <= $#; i++)); do printf '%s %s\n' "${pkgs[i]}" "${version[${pkgs[i]}]-none}"; done
}

# input_key DECLARATION: the key of a product (the flags are above)
input_key() {
	local kind=x item value items=("$TOP/scripts/lib.sh") tool_names=() tool_lines=() nt=0
	for item in "$@"; do
		case $item in -[fvtsx]) kind=${item#-}; continue ;; esac
		[ "$kind" != t ] || tool_names+=("$item")
	done
	[ "${#tool_names[@]}" -eq 0 ] || mapfile -t tool_lines < <(tool_versions "${tool_names[@]}")
	kind=x
	for item in "$@"; do
		case $item in -[fvtsx]) kind=${item#-}; continue ;; esac
		case $kind in
		f) [ -e "$TOP/$item" ] || die "declared input $item does not exist"
		   items+=("$TOP/$item") ;;
		v) items+=("var:$item=${!item-}") ;;
		t) items+=("tool:${tool_lines[nt]}"); nt=$((nt + 1)) ;;
		s) value=$(stage_key_of "$item"); items+=("stage:$item=$value") ;;
		x) items+=("value:$item") ;;
		esac
	done
	stage_key "${items[@]}"
}

# A stage script declares its inputs once, at its top, in these arrays:
#   INPUT_FILES INPUT_VARS INPUT_TOOLS INPUT_STAGES    (as -f -v -t -s above)
#   OUTPUTS    files it publishes outside build/NAME (checked, not trusted)
# and calls stage_begin NAME [VALUE...] once it knows its downloaded
# packages.  The key covers the declaration, scripts/lib.sh, scripts/apt.sh
# and the stage script.  For tests (make STAGE_MODE=...), STAGE_MODE=inputs
# makes stage_begin print the declaration ("NAME file PATH", "NAME var VAR",
# "NAME tool TOOL", "NAME stage UPSTREAM") and STAGE_MODE=key the key ("NAME
# key KEY"), and exit: nothing is built.
INPUT_FILES=() INPUT_VARS=() INPUT_TOOLS=() INPUT_STAGES=() OUTPUTS=()

# stage_key_of NAME: the key of an upstream stage (under STAGE_MODE=key,
# computed from its declaration rather than read from its product)
stage_key_of() {
	local line
	if [ "${STAGE_MODE:-}" = key ]; then
		# STAGE_KEYS_DIR: where this run's stages left their keys (tests)
		[ ! -f "${STAGE_KEYS_DIR:-/nonexistent}/$1" ] || { cat "$STAGE_KEYS_DIR/$1"; return; }
		line=$("$TOP/$1/build.sh") || die "cannot compute the key of stage $1"
		printf '%s\n' "${line##* }"
		return
	fi
	[ -f "$BUILD/$1/.key" ] || die "stage $1 has not been built (run make)"
	cat "$BUILD/$1/.key"
}

# stage_declaration: the stage's declared inputs, one per line
stage_declaration() {
	local i
	for i in "${INPUT_FILES[@]}" scripts/lib.sh scripts/apt.sh "$(relpath "$TOP" "$0")"; do echo "$STAGE_NAME file $i"; done
	for i in "${INPUT_VARS[@]}"; do echo "$STAGE_NAME var $i"; done
	for i in "${INPUT_TOOLS[@]}"; do echo "$STAGE_NAME tool $i"; done
	for i in "${INPUT_STAGES[@]}"; do echo "$STAGE_NAME stage $i"; done
}

# stage_begin NAME [VALUE...]: exits 0 when build/NAME was built from the
# same inputs and what it published is intact; otherwise prepares an empty
# build/NAME.work and sets WORK to it.
stage_begin() {
	STAGE_NAME=$1
	shift
	case ${STAGE_MODE:-} in inputs) stage_declaration; exit 0 ;; esac
	STAGE_KEY=$(input_key -f "${INPUT_FILES[@]}" scripts/apt.sh "$(relpath "$TOP" "$0")" \
		-v "${INPUT_VARS[@]}" -t "${INPUT_TOOLS[@]}" -s "${INPUT_STAGES[@]}" -x "$@")
	if [ "${STAGE_MODE:-}" = key ]; then
		[ -z "${STAGE_KEYS_DIR:-}" ] || printf '%s\n' "$STAGE_KEY" > "$STAGE_KEYS_DIR/$STAGE_NAME"
		printf '%s key %s\n' "$STAGE_NAME" "$STAGE_KEY"
		exit 0
	fi
	DEST=$BUILD/$STAGE_NAME
	if [ "$(cat "$DEST/.key" 2>/dev/null)" = "$STAGE_KEY" ] &&
		{ [ ! -f "$DEST/.outputs" ] || sha256sum --quiet --strict -c "$DEST/.outputs" >/dev/null 2>&1; }; then
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
# stage_end: publishes WORK as build/NAME, atomically replacing the old one,
# with the checksums of the OUTPUTS it published elsewhere.
stage_end() {
	printf '%s\n' "$STAGE_KEY" > "$WORK/.key"
	[ "${#OUTPUTS[@]}" -eq 0 ] || sha256sum "${OUTPUTS[@]}" > "$WORK/.outputs"
	rm -rf "$DEST.old"
	[ ! -e "$DEST" ] || mv "$DEST" "$DEST.old"
	mv "$WORK" "$DEST"
	rm -rf "$DEST.old"
	STAGE_DONE=1
	info "done"
}

# --- guest distros ---------------------------------------------------------
# A distro is a folder guests/ID/ holding build.sh and a descriptor, distro:
# KEY=value lines, # comments (the fields and the build script's contract:
# guests/README.md).  The guests stage, the host-tool check and the tests
# all read it through these.

# distro_ids: every distro's id, in catalogue order (order=, then id)
distro_ids() {
	local d id
	for d in "$TOP"/guests/*/distro; do
		[ -f "$d" ] || continue
		id=${d%/distro} id=${id##*/}
		printf '%s %s\n' "$(distro_field "$id" order)" "$id"
	done | sort -k1,1n -k2,2 | cut -d' ' -f2
}
# distro_field ID KEY: a field of guests/ID/distro ("" when absent)
distro_field() {
	sed -n "s/^$2=//p" "$TOP/guests/$1/distro" | head -n1
}
# distro_setting ID KEY: mem or min_mem, as the environment's ID_KEY
# (DEBIAN_MEM, DEBIAN_MIN_MEM) overrides the descriptor
distro_setting() {
	local var
	var=$(printf '%s_%s' "$1" "$2" | tr '[:lower:]' '[:upper:]')
	printf '%s\n' "${!var:-$(distro_field "$1" "$2")}"
}
# distro_vars ID: the configuration variables a distro's build reads
distro_vars() {
	local up
	up=$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')
	printf '%s\n' "${up}_MEM" "${up}_MIN_MEM"
	distro_field "$1" vars | xargs -rn1
}

# --- safe staging ----------------------------------------------------------
# A staging tree is built as root, so nothing may ever be written through a
# symlink: every parent directory must really be inside the tree.

# _check_inside ROOT PATH: dies unless PATH's parent resolves to itself
# (no symlink components) and lies under ROOT.  (One program started per
# call, not four: the rootfs stage stages ~800 files and links, and each
# start costs a few ms)
_check_inside() {
	local root=$1 path=$2 parent real real_root plain
	_parent_of "$path"
	parent=$_parent
	real=$(realpath -m -- "$parent" "$root")
	real_root=${real#*$'\n'} real=${real%%$'\n'*}
	case "$real/" in "$real_root"/*) ;; *)
		die "refusing to write $path: outside staging tree $root" ;;
	esac
	# the parent as written, with only . and .. and // resolved (realpath
	# -ms): an absolute path without those is that already
	case $parent in
	[!/]* | *//* | */./* | */../* | */. | */.. | */) plain=$(realpath -ms -- "$parent") ;;
	*) plain=$parent ;;
	esac
	[ "$real" = "$plain" ] ||
		die "refusing to write $path: a parent directory is a symlink"
}
# _parent_of PATH: sets _parent to dirname PATH (without a program when PATH
# is an absolute or relative path with a directory part and no trailing /)
_parent_of() {
	case $1 in
	?*/*[!/]) _parent=${1%/*} ;;
	*) _parent=$(dirname -- "$1") ;;
	esac
}

# stage_file ROOT SRC DEST [MODE]: copies the file SRC (symlinks resolved)
# to ROOT/DEST as a new regular file.
stage_file() {
	local root=$1 src=$2 dest=$1/${3#/} mode=${4:-}
	_check_inside "$root" "$dest"
	[ -e "$src" ] || die "missing file $src"
	_parent_of "$dest"
	if [ ! -d "$_parent" ]; then
		mkdir -p "$_parent"
		_check_inside "$root" "$dest"
	fi
	rm -f "$dest"
	cp --dereference --preserve=mode "$src" "$dest"
	[ -z "$mode" ] || chmod "$mode" "$dest"
}

# stage_link ROOT TARGET DEST: creates ROOT/DEST as a symlink to TARGET,
# which must be relative (an absolute link would point at the host).
stage_link() {
	local root=$1 target=$2 dest=$1/${3#/}
	case "$target" in /*) die "absolute symlink $3 -> $target" ;; esac
	_parent_of "$dest"
	if [ ! -d "$_parent" ]; then
		_check_inside "$root" "$dest"
		mkdir -p "$_parent"
	fi
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

# product_path NAME DECLARATION: where the product NAME made from
# DECLARATION (input_key's flags) is kept; complete when it holds .complete
product_path() {
	local name=$1 key
	shift
	key=$(input_key "$@")
	printf '%s\n' "$CACHE/products/$name-$key"
}

# cached_product NAME OUTDIR DECLARATION -- COMMAND...: a slow product kept
# in the cache ($CACHE/products/NAME-KEY, KEY from input_key DECLARATION) so
# `make clean` does not rebuild it.  Runs COMMAND with a scratch directory
# appended as its last argument when the product is not cached, stores what
# it wrote, then copies it to OUTDIR.  COMMAND's exit status is returned
# when it fails (nothing is stored).
cached_product() {
	local name=$1 outdir=$2 decl=() dir rc
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do decl+=("$1"); shift; done
	[ $# -gt 1 ] || die "cached_product $name: no command after --"
	shift
	dir=$(product_path "$name" "${decl[@]}")
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
