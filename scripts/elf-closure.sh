#!/bin/bash
# usage: elf-closure.sh SYSROOT FILE...
# Prints, one per line and sorted, the sysroot paths (starting with /) of
# every shared library FILE... need, directly or through each other (the
# DT_NEEDED closure), including the ELF interpreter.  Libraries are looked up
# as the dynamic linker would inside SYSROOT: DT_RUNPATH/DT_RPATH (with
# $ORIGIN), then the default directories.  glibc's dlopen()ed libgcc_s.so.1
# is added whenever libc is needed (pthread_cancel aborts without it).
# Exits 1 naming the first library that cannot be found.
STAGE=elf-closure
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: elf-closure.sh SYSROOT FILE..."
root=$(realpath "$1")
shift
default_dirs=(/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /lib /usr/lib)

declare -A seen=()    # sysroot path -> 1
queue=()

# find_lib NAME ORIGIN_DIR RUNPATH: sets lib to the sysroot path of NAME
# (no subshell: this runs for every DT_NEEDED of every file)
find_lib() {
	local name=$1 origin=$2 rpath=$3 d
	local dirs=()
	IFS=: read -r -a dirs <<< "$rpath"
	for d in "${dirs[@]}" "${default_dirs[@]}"; do
		[ -n "$d" ] || continue
		d=${d//\$ORIGIN/$origin}
		d=${d//\$\{ORIGIN\}/$origin}
		if [ -e "$root$d/$name" ]; then
			lib=$d/$name
			# as realpath -ms gives it: only . .. and // need resolving
			case $lib in
			*//* | */./* | */../* | [!/]*) lib=$(realpath -ms -- "$lib") ;;
			esac
			return 0
		fi
	done
	return 1
}

add() { # add SYSROOT_PATH
	[ -n "${seen[$1]:-}" ] && return 0
	seen[$1]=1
	queue+=("$1")
}

for f in "$@"; do
	case $f in "$root"/*) f=${f#"$root"} ;; esac
	[ -e "$root$f" ] || die "no such file in sysroot: $f"
	queue+=("$f")
done

# need FILE INTERP RPATH NEEDED...: adds what FILE (a sysroot path) needs
need() {
	local f=$1 interp=$2 rpath=$3 origin name
	shift 3
	[ -z "$interp" ] || add "$interp"
	origin=${f%/*}
	origin=${origin:-/}
	for name in "$@"; do
		find_lib "$name" "$origin" "$rpath" ||
			die "$name (needed by $f) is not in the sysroot: add its package"
		add "$lib"
		case $name in libc.so.*)
			find_lib libgcc_s.so.1 "$origin" "" ||
				die "libgcc_s.so.1 (dlopen()ed by glibc) is not in the sysroot: add libgcc-s1"
			add "$lib" ;;
		esac
	done
}

# breadth first, each round's files read at once: one realpath and one
# readelf for all of them (a few hundred program starts less)
i=0
while [ "$i" -lt "${#queue[@]}" ]; do
	batch=("${queue[@]:i}")
	i=${#queue[@]}
	mapfile -t reals < <(realpath -- "${batch[@]/#/$root}" 2>/dev/null)
	[ "${#reals[@]}" -eq "${#batch[@]}" ] || die "cannot resolve the files: ${batch[*]}"
	for ((k = 0; k < ${#batch[@]}; k++)); do
		[ -f "${reals[k]}" ] || die "${batch[k]} is not a file"
	done
	# readelf names each file ("File: PATH") when given several; a file
	# that is not ELF gets no section (nothing it needs)
	k=-1 interp='' rpath='' needed=()
	[ "${#batch[@]}" -gt 1 ] || k=0
	while IFS= read -r line; do
		case $line in
		"File: "*)
			[ "$k" -lt 0 ] || need "${batch[k]}" "$interp" "$rpath" "${needed[@]}"
			interp='' rpath='' needed=()
			k=$((k + 1))
			while [ "$k" -lt "${#batch[@]}" ] && [ "${reals[k]}" != "${line#File: }" ]; do k=$((k + 1)); done
			[ "$k" -lt "${#batch[@]}" ] || die "readelf named a file not asked for: ${line#File: }"
			;;
		*"[Requesting program interpreter: "*"]")
			interp=${line##*interpreter: } interp=${interp%]} ;;
		*"(NEEDED)"*"["*"]")
			line=${line##*[} needed+=("${line%]}") ;;
		*"(RUNPATH)"*"["*"]" | *"(RPATH)"*"["*"]")
			line=${line##*[} rpath=${line%]} ;;
		esac
	done < <(readelf -ldW "${reals[@]}" 2>/dev/null)
	[ "$k" -lt 0 ] || need "${batch[k]}" "$interp" "$rpath" "${needed[@]}"
done

for f in "${!seen[@]}"; do printf '%s\n' "$f"; done | sort
