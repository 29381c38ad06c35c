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

# dynamic-section entries of a file: "NEEDED libx.so.1", "RUNPATH a:b"
dyn() {
	readelf -dW "$1" 2>/dev/null | sed -n 's/.*(\(NEEDED\|RUNPATH\|RPATH\)).*\[\(.*\)\]$/\1 \2/p'
}

# find_lib NAME ORIGIN_DIR RUNPATH: prints the sysroot path of NAME
find_lib() {
	local name=$1 origin=$2 rpath=$3 d
	local dirs=()
	IFS=: read -r -a dirs <<< "$rpath"
	for d in "${dirs[@]}" "${default_dirs[@]}"; do
		[ -n "$d" ] || continue
		d=${d//\$ORIGIN/$origin}
		d=${d//\$\{ORIGIN\}/$origin}
		if [ -e "$root$d/$name" ]; then
			realpath -ms "$d/$name"
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

i=0
while [ "$i" -lt "${#queue[@]}" ]; do
	f=${queue[i]}
	i=$((i + 1))
	real=$(realpath "$root$f")
	[ -f "$real" ] || die "$f is not a file"
	interp=$(readelf -lW "$real" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	[ -z "$interp" ] || add "$interp"
	rpath='' needed=()
	while read -r kind val; do
		case $kind in
		NEEDED) needed+=("$val") ;;
		RUNPATH|RPATH) rpath=$val ;;
		esac
	done < <(dyn "$real")
	origin=$(dirname "$f")
	for lib in "${needed[@]}"; do
		p=$(find_lib "$lib" "$origin" "$rpath") ||
			die "$lib (needed by $f) is not in the sysroot: add its package"
		add "$p"
		case $lib in libc.so.*)
			p=$(find_lib libgcc_s.so.1 "$origin" "") ||
				die "libgcc_s.so.1 (dlopen()ed by glibc) is not in the sysroot: add libgcc-s1"
			add "$p" ;;
		esac
	done
done

for f in "${!seen[@]}"; do printf '%s\n' "$f"; done | sort
