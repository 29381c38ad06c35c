#!/bin/bash
# The stages' declared inputs (scripts/lib.sh: INPUT_FILES, INPUT_VARS,
# INPUT_TOOLS, INPUT_STAGES) are what decides a rebuild: each declared input
# is changed in turn (and one executable file loses its x bits), in a copy
# of the checkout, and exactly the stages that declare it, and the stages
# after them, get a new key (make STAGE_MODE=key: the key stage_begin
# compares, nothing built).  Then one real rebuild: the
# ISO stage notices its published ISO was changed behind its back.
# Needs root and the download cache of a finished `make`.
cd "$(dirname "$0")/.." || exit 1

. tests/lib/check.sh
[ -f out/xenlive.iso ] || { fail "out/xenlive.iso is missing (run make first)"; finish; }
STAGES=(hypervisor rootfs guests iso)
# variables that choose which packages are fetched: changing them needs
# another archive or suite (their packages' file names are in every key)
ARCHIVE_VARS=" MIRROR SECURITY_MIRROR SUITE XEN_VERSION GUEST_KERNEL_SOURCE "

tree=$TMPD/src
mkdir -p "$TMPD/memo" "$TMPD/bin"
copy_checkout "$tree"
# keys: the four stages' keys, "stage key" per line, for the copy as it is now
keys() {
	rm -rf "$TMPD/keys"
	mkdir -p "$TMPD/keys"
	make -s -C "$tree" STAGE_MODE=key STAGE_KEYS_DIR="$TMPD/keys" APT_MEMO_DIR="$TMPD/memo" \
		BUILD="$TMPD/build" OUT="$TMPD/out" "$@" 2> "$TMPD/keys.err" | awk '$2 == "key" { print $1, $3 }'
}
make -s -C "$tree" STAGE_MODE=inputs BUILD="$TMPD/build" OUT="$TMPD/out" > "$TMPD/decl" 2> "$TMPD/decl.err"
base=$(keys)
if [ "$(wc -l <<< "$base")" = 4 ] && [ "$(cut -d' ' -f1 "$TMPD/decl" | sort -u | wc -l)" = 4 ]; then
	pass "every stage declares its inputs and has a key ($(wc -l < "$TMPD/decl") declared inputs)"
else
	fail "declarations or keys missing: [$(tr '\n' ' ' <<< "$base")] $(tail -n 2 "$TMPD/decl.err" "$TMPD/keys.err")"
	finish
fi
# the key must follow the declaration: the same key for the same inputs
[ "$(keys)" = "$base" ] && pass "the same inputs give the same keys" || fail "keys differ between two runs"

# expected DECLARED_STAGES...: those stages plus every stage after them
expected() {
	local s u out=" $* " changed=1
	while [ "$changed" = 1 ]; do
		changed=0
		for s in "${STAGES[@]}"; do
			case $out in *" $s "*) continue ;; esac
				while read -r u; do
				case $out in *" $u "*) out="$out$s "; changed=1; break ;; esac
			done < <(awk -v s="$s" '$1 == s && $2 == "stage" { print $3 }' "$TMPD/decl")
		done
	done
	for s in "${STAGES[@]}"; do case $out in *" $s "*) printf '%s ' "$s" ;; esac; done
}
# changed_stages KEYS: the stages whose key differs from the base
changed_stages() {
	local s
	for s in "${STAGES[@]}"; do
		[ "$(grep "^$s " <<< "$base")" = "$(grep "^$s " <<< "$1")" ] || printf '%s ' "$s"
	done
}
# verdict WHAT EXPECTED GOT
verdict() {
	if [ "$2" = "$3" ] && [ -n "$2" ]; then pass "$1 -> new key for: $3"
	else fail "$1 -> new keys for [$3], expected [$2] $(tail -n 1 "$TMPD/keys.err")"; fi
}

# --- files: one file under each declared path gets a byte more ---------------------------
mapfile -t paths < <(awk '$2 == "file" { print $3 }' "$TMPD/decl" | sort -u)
declare -A tried=()
for p in "${paths[@]}"; do
	f=$p
	[ -d "$tree/$p" ] && f=$p/$(cd "$tree/$p" && find . -name build -prune -o -type f -print | sort | head -n1 | cut -c3-)
	[ -f "$tree/$f" ] || { fail "declared input $p has no file in the checkout"; continue; }
	[ -z "${tried[$f]:-}" ] || continue
	tried[$f]=1
	cp -p "$tree/$f" "$TMPD/saved"
	printf '\n' >> "$tree/$f"
	mapfile -t users < <(awk -v f="$f" '$2 == "file" && (f == $3 || index(f, $3 "/") == 1) { print $1 }' "$TMPD/decl" | sort -u)
	verdict "file $f changed" "$(expected "${users[@]}")" "$(changed_stages "$(keys)")"
	cp -p "$TMPD/saved" "$tree/$f"
done

# --- a file's mode: the first executable file of the declared inputs loses its x bits --------------
x=
for p in "${paths[@]}"; do
	x=$(cd "$tree" && find "$p" -name build -prune -o -type f -perm -u+x -print | LC_ALL=C sort | head -n1)
	[ -z "$x" ] || break
done
if [ -n "$x" ]; then
	mode=$(stat -c %a "$tree/$x")
	chmod a-x "$tree/$x"
	mapfile -t users < <(awk -v f="$x" '$2 == "file" && (f == $3 || index(f, $3 "/") == 1) { print $1 }' "$TMPD/decl" | sort -u)
	verdict "file $x no longer executable" "$(expected "${users[@]}")" "$(changed_stages "$(keys)")"
	chmod "$mode" "$tree/$x"
else
	fail "no declared input is an executable file"
fi

# --- variables: each declared one gets another value -----------------------------------------
mapfile -t vars < <(awk '$2 == "var" { print $3 }' "$TMPD/decl" | sort -u)
skipped=()
for v in "${vars[@]}"; do
	case $ARCHIVE_VARS in *" $v "*) skipped+=("$v"); continue ;; esac
	val=$(make -s -C "$tree" --no-print-directory -f - <<< "include Makefile
print: ; @printf '%s' '\$($v)'" print 2>/dev/null)
	# a value config-check still accepts: a number one more, labels upper
	# case, BRIDGE_NET the start of the next /20, SERVE_NET the next /24
	if [ "$v" = BRIDGE_NET ]; then new=${val%.*}.$(( (${val##*.} + 16) % 256 ))
	elif [ "$v" = SERVE_NET ]; then new=${val%.*}.$(( (${val##*.} + 1) % 256 ))
	elif [[ $val =~ ^[1-9][0-9]*$ ]]; then new=$((val + 1))
	else case $val in *[0-9]) new=${val}1 ;; *[A-Z]) new=${val}X ;; *) new=${val}x ;; esac
	fi
	mapfile -t users < <(awk -v v="$v" '$2 == "var" && $3 == v { print $1 }' "$TMPD/decl" | sort -u)
	verdict "$v='$new' (was '$val')" "$(expected "${users[@]}")" "$(changed_stages "$(keys "$v=$new")")"
done
[ "${#skipped[@]}" -eq 0 ] || echo "not varied (they pick the packages, whose names are in the keys): ${skipped[*]}"

# --- host tools: each declared one's package gets another version -------------------------------
cat > "$TMPD/bin/dpkg-query" <<'EOF'
#!/bin/sh
# dpkg-query, but FAKE_PACKAGE's version has "+test" appended (on its line:
# scripts/lib.sh asks for all of a stage's packages at once, one per line)
case " $* " in
*" -W "*" $FAKE_PACKAGE "*)
	/usr/bin/dpkg-query "$@" | awk -v p="$FAKE_PACKAGE" -F '\t' -v OFS='\t' '$1 == p { $2 = $2 "+test" } 1'
	exit 0 ;;
esac
exec /usr/bin/dpkg-query "$@"
EOF
chmod +x "$TMPD/bin/dpkg-query"
mapfile -t tools < <(awk '$2 == "tool" { print $3 }' "$TMPD/decl" | sort -u)
declare -A pkg_of=() done_pkg=()
for t in "${tools[@]}"; do pkg_of[$t]=$(export STAGE=test; . scripts/lib.sh; tool_package "$t"); done
for t in "${tools[@]}"; do
	p=${pkg_of[$t]}
	[ -z "${done_pkg[$p]:-}" ] || continue
	done_pkg[$p]=1
	users=()
	for u in "${tools[@]}"; do
		[ "${pkg_of[$u]}" = "$p" ] || continue
		mapfile -t -O "${#users[@]}" users < <(awk -v t="$u" '$2 == "tool" && $3 == t { print $1 }' "$TMPD/decl")
	done
	mapfile -t users < <(printf '%s\n' "${users[@]}" | sort -u)
	verdict "host package $p (tool $t) upgraded" "$(expected "${users[@]}")" \
		"$(changed_stages "$(PATH=$TMPD/bin:$PATH FAKE_PACKAGE=$p keys)")"
done

# --- a distro is a folder: adding one (the test-only tests/fixtures/distro-tiny) -------------------
# rebuilds rootfs (livetop's manual lists the distros), guests and the ISO
cp -a tests/fixtures/distro-tiny "$tree/guests/tiny"
verdict "distro folder guests/tiny added" "rootfs guests iso " "$(changed_stages "$(keys)")"
rm -rf "$tree/guests/tiny"

# --- published outputs are checked, not trusted -------------------------------------------------
now=$(make -s STAGE_MODE=key 2>/dev/null)
for s in "${STAGES[@]}"; do
	[ "$(awk -v s="$s" '$1 == s { print $3 }' <<< "$now")" = "$(cat "build/$s/.key" 2>/dev/null)" ] ||
		{ fail "build/$s is not what the checkout builds now (run make first)"; finish; }
done
cp -a build "$TMPD/real-build"
rm -rf "$TMPD/real-build/tests" "$TMPD/real-build/monitor" "$TMPD/real-build/agent"
mkdir -p "$TMPD/real-out"
cp out/xenlive.iso out/SHA256SUMS "$TMPD/real-out/"
sed -i "s|$PWD/out/|$TMPD/real-out/|" "$TMPD/real-build/iso/.outputs"
make -s BUILD="$TMPD/real-build" OUT="$TMPD/real-out" > "$TMPD/make1" 2>&1
grep -q '^iso: up to date' "$TMPD/make1" && pass "an intact published ISO is up to date" ||
	fail "intact ISO: $(grep '^iso' "$TMPD/make1" | tr '\n' ' ')"
printf 'x' | dd of="$TMPD/real-out/xenlive.iso" bs=1 seek=40000 conv=notrunc status=none
make -s BUILD="$TMPD/real-build" OUT="$TMPD/real-out" > "$TMPD/make2" 2>&1
grep -q '^iso: building' "$TMPD/make2" && grep -q '^guests: up to date' "$TMPD/make2" &&
	cmp -s "$TMPD/real-out/xenlive.iso" out/xenlive.iso &&
	pass "an ISO changed after it was published is rebuilt (same bytes as before), nothing else" ||
	fail "changed ISO: $(grep -E '^(iso|guests)' "$TMPD/make2" | tr '\n' ' ')"
finish
