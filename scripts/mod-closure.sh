#!/bin/bash
# usage: mod-closure.sh MODDIR NAME...
# MODDIR is a kernel's /lib/modules/VERSION with modules.dep and
# modules.builtin.  Prints the module files (paths relative to MODDIR) that
# loading every NAME needs, dependencies first, each once.  Names match as
# the kernel does ('-' and '_' are the same).  A NAME built into the kernel
# is skipped; a NAME that is neither a module nor built in is an error.
STAGE=mod-closure
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: mod-closure.sh MODDIR NAME..."
dir=$1
shift
[ -f "$dir/modules.dep" ] || die "$dir/modules.dep missing (run depmod -b)"

awk -v names="$*" '
function norm(s) { sub(/.*\//, "", s); sub(/\.ko(\.[a-z]+)?$/, "", s); gsub(/-/, "_", s); return s }
FILENAME ~ /modules\.builtin$/ { builtin[norm($1)] = 1; next }
{
	mod = $1; sub(/:$/, "", mod)
	path[norm(mod)] = mod
	deps[norm(mod)] = ""
	for (i = NF; i >= 2; i--) deps[norm(mod)] = deps[norm(mod)] " " $i
}
function emit(p) { if (!(p in done)) { done[p] = 1; print p } }
END {
	n = split(names, want, " ")
	bad = 0
	for (k = 1; k <= n; k++) {
		m = norm(want[k])
		if (m in path) {
			# modules.dep lists every dependency, the one loaded last first
			c = split(deps[m], d, " ")
			for (j = 1; j <= c; j++) emit(d[j])
			emit(path[m])
		} else if (!(m in builtin)) {
			printf "mod-closure: error: module %s is neither in %s nor built in\n", want[k], FILENAME > "/dev/stderr"
			bad = 1
		}
	}
	exit bad
}' "$dir/modules.builtin" "$dir/modules.dep"
