#!/bin/bash
# cli.sh — command-line behaviour of livetop and xenlive-launch: help,
# wrong options, batch text and CSV, catalogue errors, launch dry runs.
# Usage: tests/cli.sh [BUILD_DIR]. Prints PASS:/FAIL: lines.
set -u

: "${O:=${1:-build}}"
LT="$O/livetop"
XL="$O/xenlive-launch"
fails=0
tmp=$(mktemp -d /tmp/livetop-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
# dom0's settings: none unless a test writes some (not this host's file)
export XENLIVE_CONFIG="$tmp/no-such-config"

check() { # check WHAT COMMAND...: passes when the command succeeds
	local what=$1
	shift
	if "$@"; then
		echo "PASS: $what"
	else
		echo "FAIL: $what (command failed: $*)"
		fails=$((fails + 1))
	fi
}

# run NAME ARGS...: run, keep stdout/stderr/status in $tmp/NAME.{out,err,rc}
run() {
	local name=$1
	shift
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}
rc() { cat "$tmp/$1.rc"; }
lines() { wc -l <"$tmp/$1"; }

run help "$LT" --help
check "livetop --help exits 0" test "$(rc help)" = 0
check "livetop --help shows usage and the batch options" grep -q -- '-b, --batch' "$tmp/help.out"

run keys "$LT" --keys=roff
check "livetop --keys=roff prints the KEYS paragraphs" grep -q '^\.TP$' "$tmp/keys.out"
check "the built manual page $O/livetop.1 has no marker left" bash -c "! grep -q '@KEYS@' '$O/livetop.1'"
missing=$(grep '^\.B ' "$tmp/keys.out" | while IFS= read -r l; do grep -qFx -- "$l" "$O/livetop.1" || echo "$l"; done)
check "the built manual page lists every key of livetop's table${missing:+ (missing: $missing)}" test -z "$missing"
run keyst "$LT" --keys
check "livetop --keys lists the keys as the help screen does" grep -q '^  Ctrl-L  *repaint' "$tmp/keyst.out"

for bad in --bogus -x "-n 0" "-n abc" "-d -1" extra --keys=bogus; do
	# shellcheck disable=SC2086
	run bad "$LT" --demo $bad
	check "livetop $bad exits 2" test "$(rc bad)" = 2
	check "livetop $bad prints one line" test "$(lines bad.err)" = 1
	check "livetop $bad points to --help" grep -q "try 'livetop --help'" "$tmp/bad.err"
	check "livetop $bad prints nothing on stdout" test ! -s "$tmp/bad.out"
done

run b "$LT" --demo -b -n 3 -d 0.6
check "livetop --demo -b -n 3 exits 0" test "$(rc b)" = 0
check "batch prints 3 blocks" test "$(grep -c '^livetop .* Xen 4.17 (demo)' "$tmp/b.out")" = 3
check "batch header names every column, in order" grep -Eq \
	'^ *ID\^ +NAME +DISTRO +STATE +CPU% +CPU 1min +VC +MEM +NETRX/s +NETTX/s +DSKRD/s +DSKWR/s +UPTIME +BOOT +WEIGHT +WORKLOAD' \
	"$tmp/b.out"
check "batch shows the fits gauge" grep -q 'fits [0-9]* more Debian, [0-9]* more CentOS' "$tmp/b.out"
first=$(awk '/^livetop/{n++} n==1' "$tmp/b.out")
check "first batch block shows '-' for dom0's CPU%, not 0" \
	grep -Eq '^ +0 Domain-0 +- +running +- ' <<<"$first"
last=$(awk '/^livetop/{n++} n==3' "$tmp/b.out")
check "later blocks show dom0's CPU% as a number" \
	grep -Eq '^ +0 Domain-0 +- +running +[0-9]+\.[0-9] ' <<<"$last"
check "demo batch launches one guest of each distro" grep -q 'event: launching debian-1 (48 MiB)' "$tmp/b.out"
check "and logs their creation" grep -q 'event: centos-1 created as domain' "$tmp/b.out"
check "batch without UTF-8 stays ASCII" bash -c "! LC_ALL=C grep -q -P '[^\\x00-\\x7f]' '$tmp/b.out'"
check "batch prints nothing on stderr" test ! -s "$tmp/b.err"

run csv "$LT" --demo --csv -n 2 -d 0.3
check "--csv exits 0" test "$(rc csv)" = 0
check "CSV header first" grep -q '^time,id,name,distro,state,cpu_pct,' "$tmp/csv.out"
check "CSV header once" test "$(grep -c '^time,' "$tmp/csv.out")" = 1
nf=$(head -1 "$tmp/csv.out" | awk -F, '{print NF}')
check "every CSV row has as many fields as the header ($nf)" \
	awk -F, -v nf="$nf" 'NR > 1 && NF != nf { bad = 1 } END { exit bad }' "$tmp/csv.out"
check "CSV first sample leaves rates empty" grep -Eq '^[0-9.]+,0,Domain-0,,running,,' "$tmp/csv.out"
check "CSV has 3 rows per sample (dom0 + 2 guests)" test "$(grep -c Domain-0 "$tmp/csv.out")" = 2

# Catalogues.
mkdir -p "$tmp/g/kernel"
: >"$tmp/g/debian.sqfs"
: >"$tmp/g/kernel/vmlinux"
cat >"$tmp/g/catalog" <<'CAT'
# test catalogue
debian|Debian GNU/Linux 12 (bookworm)|debian.sqfs|48|32|kernel/vmlinux||console=hvc0 quiet
centos|CentOS Stream 9|centos.sqfs|70|64|kernel/vmlinux||console=hvc0
CAT
printf 'debian|D|d|48|32|k||\ncentos|C|c|seventy|64|k||\n' >"$tmp/bad-catalog"

run cat "$LT" --demo -b -n 1 --catalog "$tmp/bad-catalog"
check "a malformed catalogue stops livetop with status 1" test "$(rc cat)" = 1
check "the error names file and line" grep -q "catalog: $tmp/bad-catalog:2: memory_mib is not a number" "$tmp/cat.err"
run cat2 env XENLIVE_CATALOG="$tmp/g/catalog" "$LT" --demo -b -n 1
check "\$XENLIVE_CATALOG is used" grep -q 'fits [0-9]* more Debian, [0-9]* more CentOS' "$tmp/cat2.out"
run cat3 "$LT" --demo -b -n 1 --catalog /nonexistent/catalog
check "an explicitly named missing catalogue is an error" test "$(rc cat3)" = 1

# xenlive-launch (dry runs work without Xen).
run l1 "$XL" debian --catalog "$tmp/g/catalog" --dry-run
check "xenlive-launch --dry-run exits 0" test "$(rc l1)" = 0
check "dry run names the guest debian-1" grep -q '^name = "debian-1"' "$tmp/l1.out"
check "dry run uses the catalogue's memory" grep -q '^memory = 48$' "$tmp/l1.out"
check "dry run disk is the shared read-only image" \
	grep -q "^disk = \[ 'format=raw,vdev=xvda,access=ro,script=xenlive-block,target=$tmp/g/debian.sqfs' \]" "$tmp/l1.out"
check "dry run vif is on xenbr0 with a Xen MAC" grep -q "^vif = \[ 'bridge=xenbr0,script=xenlive-vif,mac=00:16:3e:" "$tmp/l1.out"
check "dry run cmdline carries xenlive.name" grep -q '^cmdline = "console=hvc0 quiet xenlive.name=debian-1"' "$tmp/l1.out"
printf '# written by rootfs/build.sh\nXEN_VERSION=4.17\nBRIDGE=br1\nBRIDGE_NET=10.73.0\n' >"$tmp/config"
run lb env XENLIVE_CONFIG="$tmp/config" "$XL" debian --catalog "$tmp/g/catalog" --dry-run
check "with \$XENLIVE_CONFIG saying BRIDGE=br1 the vif is on br1" \
	grep -q "^vif = \[ 'bridge=br1,script=xenlive-vif,mac=00:16:3e:" "$tmp/lb.out"
check "and nothing is said on stderr" test ! -s "$tmp/lb.err"
printf 'BRIDGE=no such bridge!\n' >"$tmp/bad-config"
run lbb env XENLIVE_CONFIG="$tmp/bad-config" "$XL" debian --catalog "$tmp/g/catalog" --dry-run
check "a BRIDGE that is no interface name leaves the vif on xenbr0" \
	grep -q "^vif = \[ 'bridge=xenbr0," "$tmp/lbb.out"
check "with a warning naming the file and line" \
	grep -q "warning: $tmp/bad-config:1: BRIDGE is not an interface name" "$tmp/lbb.err"
run l2 "$XL" debian --catalog "$tmp/g/catalog" --dry-run --memory 64 --name demo-x
check "--memory and --name are honoured" grep -q '^memory = 64$' "$tmp/l2.out"
check "--name is honoured" grep -q '^name = "demo-x"' "$tmp/l2.out"

lfail() { # lfail WHAT EXPECTED-TEXT ARGS...
	local what=$1 want=$2
	shift 2
	run lf "$XL" "$@"
	check "$what: exit 1" test "$(rc lf)" = 1
	check "$what: one line" test "$(lines lf.err)" = 1
	check "$what: says '$want'" grep -q -- "$want" "$tmp/lf.err"
	check "$what: prints no name" test ! -s "$tmp/lf.out"
}
lfail "unknown distro" "unknown distro 'arch' (the catalogue has: debian, centos)" arch --catalog "$tmp/g/catalog" --dry-run
lfail "missing image" "centos: missing image $tmp/g/centos.sqfs" centos --catalog "$tmp/g/catalog" --dry-run
lfail "memory below minimum" "debian needs at least 32 MiB of memory (asked for 16 MiB)" debian --memory 16 --catalog "$tmp/g/catalog" --dry-run
lfail "missing catalogue" "catalog: /nonexistent: No such file" debian --catalog /nonexistent --dry-run
run lu "$XL" debian --bogus
check "xenlive-launch with a wrong option exits 2" test "$(rc lu)" = 2
run ln "$XL"
check "xenlive-launch without a distro exits 2" test "$(rc ln)" = 2

[ "$fails" -eq 0 ]
