# shellcheck shell=bash
# report: prints out/bench.md from bench.sh's results ($RES, read with get).
# Rows: figure | xenlive | the alternative | xenlive / alternative | target.
# An empty result becomes "not measured" with the reason bench.sh recorded.

HOW=()
# cell VALUE [WHY]: the value, or "not measured (WHY)"
cell() {
	local why=${2:-}
	[ -z "$(get skipped)" ] || why="BENCH_SKIP=$(get skipped | xargs)"
	if [ -n "$1" ]; then echo "$1"; else echo "not measured${why:+ ($why)}"; fi
}
# ratio A B: A / B of the leading numbers, two decimals; "-" unless both are numbers
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+/ && b ~ /^[0-9.]+/ && b + 0 > 0) printf "%.2f", a / b; else print "-" }'
}
# row FIGURE XENLIVE ALTERNATIVE TARGET HOW
row() {
	printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"
	HOW+=("- **$1**: $5")
}

report() {
	local quick_note alt_why lb_why uefi_ratio
	quick_note=
	[ "$QUICK" = 1 ] && quick_note=" — QUICK MODE: one run each, short windows, a 1 GiB machine for density, no live-build; figures are rough"
	lb_why=$(get lb_error)
	[ "$QUICK" = 1 ] && lb_why="quick mode"
	[[ " $(get skipped) " != *" livebuild "* ]] || lb_why="BENCH_SKIP"
	alt_why=${lb_why:-not measured}
	echo "# xenlive benchmark$quick_note"
	echo
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname) ($(nproc) cores, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)),"
	echo "QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }') TCG -cpu qemu64, 2 vCPUs; xenlive $(git describe --always --dirty 2>/dev/null)."
	echo "Alternative: Debian live-build ($(get lb_versions)) — see tests/bench/livebuild.sh."
	echo "Times are medians (min-max, n runs). \"not measured\" says why a cell is empty."
	echo
	echo "| Figure | xenlive | alternative | ratio | target |"
	echo "|---|---|---|---|---|"
	row "ISO size (MiB)" "$(get iso_size)" "$(cell "$(get lb_iso_size)" "$alt_why")" "≤ 200, ≤ 0.35×" \
		"size of out/xenlive.iso (stat); alternative: live-build's ISO, which holds no guest image"
	row "– Xen (MiB)" "$(get part_xen)" "$(cell "$(get lb_part_xen)" "$alt_why")" "" "/boot/xen.gz on the ISO (xorriso -find ... lsdl)"
	row "– dom0 kernel (MiB)" "$(get part_kernel)" "$(cell "$(get lb_part_kernel)" "$alt_why")" "" "/boot/vmlinuz on the ISO; alternative: /live/vmlinuz*"
	row "– dom0 initramfs / root (MiB)" "$(get part_initrd)" "$(cell "$(get lb_part_root)" "$alt_why")" "" \
		"/boot/initrd.img (the whole dom0 root); alternative: /live/initrd.img* + /live/filesystem.squashfs"
	row "– guest kernel + initramfs (MiB)" "$(get part_gkernel)" "-" "" "/guests/kernel/vmlinux (plain ELF) + /guests/initrd.gz"
	row "– Debian guest image (MiB)" "$(get part_debian)" "-" "" "/guests/debian.sqfs (squashfs, shared read-only by every instance)"
	row "– CentOS guest image (MiB)" "$(cell "$(get part_centos)" "not on this ISO")" "-" "" \
		"/guests/centos.sqfs; when the ISO has none (no CentOS mirror reachable), the RPM test guest's image built by dnf from tests/rpmrepo"
	row "– stock-kernel fallback (MiB)" "$(get part_stock)" "-" "" "/guests/kernel/debian-vmlinux.gz + /guests/initrd-stock.gz"
	row "– dom0 root unpacked, in RAM (MiB)" "$(get dom0_root_unpacked)" "-" "≤ 40" "/boot/initrd.img decompressed (zstd -dc | wc -c): what dom0's root takes in its RAM"
	row "– boot loaders (MiB)" "$(get part_boot)" "-" "" "/isolinux and /boot/grub (BIOS and UEFI)"
	row "Boot, BIOS CD → ready (s)" "$(cell "$(get boot_bios)" "no run reached ready")" "$(cell "$(get lb_boot)" "$alt_why")" "≤ 0.2× (≤ ~27 s)" \
		"QEMU start → 'xenlive: ready' on the serial console, default menu entry (3 s menu timeout included); alternative: QEMU start → dom0 shell prompt on the serial console (its Xen entry, 3 s timeout), see lb_boot_how"
	row "Boot, UEFI CD → ready (s)" "$(cell "$(get boot_uefi)" "no run reached ready")" "-" "≤ 1.2× BIOS" "as above with -bios $OVMF"
	uefi_ratio=$(ratio "$(get boot_uefi)" "$(get boot_bios)")
	row "– UEFI / BIOS boot time" "$(cell "${uefi_ratio#-}" "a boot did not reach ready")" "-" "≤ 1.2" "median UEFI CD → ready / median BIOS CD → ready, same run"
	row "livetop on the screen (tty1), BIOS" "$(cell "$(get screen_bios)")" "-" "≥ 100x30 on 1024x768" \
		"after the first BIOS boot (QEMU -vga std): stty -F /dev/tty1 size (columns x rows) and the framebuffer's size (/sys/class/graphics/fb0/virtual_size)"
	row "livetop on the screen (tty1), UEFI" "$(cell "$(get screen_uefi)")" "-" "≥ 100x30" "as above, first UEFI boot"
	row "dom0_mem (MiB)" "$(cell "$(get dom0_mem)")" "$(cell "$(get lb_dom0_mem)" "$alt_why")" "" "xl list 0 (Mem) and dom0_mem= on Xen's command line (xl info)"
	row "dom0 memory used (MiB)" "$(cell "$(get dom0_used)")" "$(cell "$(get lb_dom0_used)" "$alt_why")" "≤ 40" \
		"after boot, in dom0: MemTotal − MemFree − Buffers − Cached − SReclaimable (/proc/meminfo; free's 'used')"
	row "dom0 memory not available (MiB)" "$(cell "$(get dom0_unavail)")" "$(cell "$(get lb_dom0_unavail)" "$alt_why")" "" \
		"MemTotal − MemAvailable: also counts the RAM-held root file system, which free's 'used' leaves out"
	row "Debian guest launch → ready (s)" "$(cell "$(get launch_debian)" "$(get launch_fails)")" "$(cell "$(get lb_launch)" "$alt_why")" "≤ 0.1× (≤ 6 s); ≤ 3 s" \
		"in dom0: xenlive-launch debian (default $DEBIAN_MEM MiB) until its agent reports ready (xenlive-wait), /proc/uptime, then xl destroy; alternative: 'xl create -c' of the debootstrap+systemd guest ($LB_GUEST_MIB MiB: with 256 its own initramfs runs out of memory; its own kernel+initrd, no vif) until 'lbguest login:' on its console, timed on the host"
	row "${RPM_NAME:-CentOS guest} launch → ready (s)" "$(cell "$(get launch_centos)" "no RPM guest")" "-" "" "as for Debian, xenlive-launch centos (default $CENTOS_MEM MiB)"
	row "Smallest Debian guest (MiB)" "$(cell "$(get minmem_debian)")" "-" "≤ 24" \
		"binary search (step $MIN_STEP MiB) between 16 and $DEBIAN_MEM MiB with a catalogue copy whose minimum is 1 MiB: smallest --memory that reaches ready within 60 s; tries: $(get minmem_tries)"
	row "Smallest ${RPM_NAME:-CentOS guest} (MiB)" "$(cell "$(get minmem_centos)")" "-" "" "as above, between 16 and $CENTOS_MEM MiB"
	row "Smallest systemd guest, the stand-in for CentOS (MiB)" "$(cell "$(get minmem_standin)" "no stand-in on this ISO")" "-" "≤ CentOS's min_mem" \
		"Debian with systemd as PID 1 (tests/fixtures/distro-standin), configured by guests/systemd-console.sh as the CentOS image is; as above, between 16 and $CENTOS_MEM MiB. CentOS's mem and min_mem (guests/centos/distro) are set from this figure; launch → ready (s): $(cell "$(get launch_standin)")"
	row "Debian guests per GiB free" "$(cell "$(get density)")" "-" "≥ 40" \
		"in a $FILL_RAM MiB machine: Debian guests of the smallest memory above launched (xenlive-launch, not waiting for ready) until one does not fit; guests / (Xen's free memory after boot / 1024). $(get density_detail)"
	row "livetop CPU, RSS ($TOP_SECS s, d=1)" "$(cell "$(get top_livetop)" "$(get top_fail)")" "$(cell "$(get top_xentop)" "$(get top_fail)")" "≤ 1× xentop" \
		"in dom0 with $TOP_GUESTS Debian guests running: livetop -b -d 1 and (alternative column) xentop -b -d 1 side by side for $TOP_SECS s, output to /dev/null; utime+stime from /proc/PID/stat, VmRSS/VmHWM from /proc/PID/status; ratio = livetop / xentop CPU ($(get top_ratio))"
	row "Big machine ($BIG_RAM MiB): f in livetop fills it" "$(cell "$(get big_fill)" "the fill did not run")" "-" "ends on Xen's memory" \
		"a $BIG_RAM MiB QEMU machine (BIOS, default entry): f on livetop's screen (QEMU sendkey; Domain-0 selected, so the catalogue's first distro, Debian, at its default $DEBIAN_MEM MiB) until livetop's event 'fill: done'; guests from xl list, ready ones from each guest's data/xenlive/state; the time from the key to the screen showing 'fill: done' (looked at every 15 s)"
	row "– part of the machine filled" "$(cell "$(get big_filled)" "the fill did not run")" "-" "≥ 90%" \
		"guests launched / (guests launched + how many more Xen's free memory after the fill would hold, at the memory each guest took: Xen's free memory before − after, / guests)"
	row "– fill: time per guest (s)" "$(cell "$(get big_per_guest)" "the fill did not run")" "$(cell "$(get big_seq)" "the reference did not run")" "≤ 0.5×" \
		"first figure: the time from f until livetop's screen shows $BIG_SEQ guests ready (its rows, or its summary line once the table is longer than the screen; looked at every 3 s), / $BIG_SEQ; then the whole fill's time / guests launched. Alternative column: the reference on the same machine before the fill, $BIG_SEQ Debian guests launched one after another, each when the one before was ready (the fill before launches overlapped), then destroyed: its time / $BIG_SEQ. The ratio compares the first $BIG_SEQ of each; a whole sequential fill was not run (it would take hours here)"
	row "– launch → ready during the fill (s)" "$(cell "$(get big_ready)" "no BOOT figures on the screen")" "-" "" \
		"livetop's BOOT column (its launch → the agent's ready) of every Debian row, read from every page of the screen (Home, then PgDn) after the fill"
	row "– livetop CPU with all those guests ($TOP_SECS s, d=1)" "$(cell "$(get big_top_livetop)" "not measured")" "$(cell "$(get big_top_xentop)" "not measured")" "≤ 0.5× xentop" \
		"after the fill, in dom0: livetop -b -d 1 and xentop -b -d 1 side by side for $TOP_SECS s, as in the row above, with $(get big_top_guests) guests running (the screen's livetop runs too, the same for both)"
	row "Move a running 48 MiB Debian guest to another machine (s)" "$(cell "$(get move_total)" "no move completed")" "-" "" \
		"two QEMU machines (1536 MiB each) on a QEMU socket network, both in LAN mode: xenlive-migrate debian-1 PEER --code CODE, moving a → b → a … in turn; the time it prints (xl save -p streamed through lzop and nc to the peer's xl restore, until the peer answers that the guest runs). Debian's Xen has no shadow paging, so a PV guest cannot move live: see README"
	row "– of which the guest is paused (s)" "$(cell "$(get move_pause)" "no move completed")" "-" "" \
		"as printed by xenlive-migrate: the guest is paused from xl save -p until it runs on the peer (stop and copy: the whole move)"
	row "– reference: xl save + xl restore on one machine (s)" "$(cell "$(get move_ref)" "no run completed")" "-" "" \
		"the same guest on machine a: xl save to dom0's /tmp (tmpfs) and xl restore from it, timed in dom0 with /proc/uptime"
	row "Netboot: a PC's power-on → ready over the network (s)" "$(cell "$(get netboot_one)" "no run reached ready")" "$(cell "$(get netboot_cd)" "no run reached ready")" "≤ 2× the CD" \
		"a QEMU PC (BIOS, 2048 MiB, e1000 with QEMU's iPXE ROM, -boot n) booting from a xenlive serving network boot (xenlive-serve on, DHCP mode) on a cable of their own (a bridge in a network namespace): QEMU start → 'xenlive: ready' (lpxelinux and its menu over TFTP; Xen, dom0 and its root over HTTP, then the guests' images into RAM over HTTP). Alternative column: the same PC booting the ISO as a CD as many times, in turn with the network boots, the server still running (both share the 2 cores)"
	row "– two PCs at once: the later one ready (s)" "$(cell "$(get netboot_two)" "no run reached ready")" "-" "" \
		"two such PCs started together (with the server: three QEMU machines on the 2 cores); the time of the later one, then of the first"
	row "Clean build, warm cache (s)" "$(cell "$(get build_clean)")" "-" "≤ 600" \
		"make with empty BUILD and OUT directories (what make clean; make does) and the download cache $CACHE kept"
	row "No-change rebuild (s)" "$(cell "$(get build_again)")" "-" "≤ 60" "the same make again, nothing changed"
	row "Build from a cold cache (s)" "$(cell "$(get build_cold)" "run make bench BENCH_COLD=1")" "-" "≤ 1500" \
		"make with empty BUILD, OUT and CACHE: every download and the guest kernel compile"
	echo
	echo "## How each figure was measured"
	echo
	printf '%s\n' "${HOW[@]}"
	[ -z "$(get lb_boot_how)" ] || echo "- **lb_boot_how**: $(get lb_boot_how)"
	[ -z "$(get lb_notes)" ] || echo "- **live-build notes**: $(get lb_notes)"
}
