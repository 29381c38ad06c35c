# shellcheck shell=bash
# livebuild_measure: the alternative's column of `make bench`.  Sourced by
# bench.sh (uses its put, note, median, mib, RUNS_BOOT, RUNS_LAUNCH and the
# qemu.sh helpers).  Boots live-build's ISO (BIOS CD, its Xen entry) to a
# shell prompt on the serial console, reads dom0's memory, then launches the
# debootstrap+systemd guest (on a second disk) with `xl create -c` until its
# login prompt, RUNS_LAUNCH times.  Records lb_error when it cannot.

LB_PROMPT='user@debian:[^$]*\$ '
LB_GUEST_MIB=512

# lb_boot NAME: boots to a shell prompt; sets LB_T to the seconds (empty on failure)
lb_boot() {
	local name=$1
	LB_T=
	qemu_start "$name" -m 2048 -drive "file=$LB_DIR/live.iso,media=cdrom,readonly=on" -boot d \
		-drive "file=$LB_DIR/guest.img,format=raw,if=virtio,snapshot=on" \
		-drive "file=$TMPD/lbguest.tar,format=raw,if=virtio,readonly=on"
	# live-config logs the live user in on the console by itself; when it
	# asks instead, log in (user/live) and count the time until the prompt
	qemu_wait "$LB_PROMPT|debian login: " 600 "live-build: a prompt on the serial console" > "$TMPD/$name.err" || return 1
	if ! tr -d '\r' < "$QEMU_LOG" | grep -qE "$LB_PROMPT"; then
		qemu_send $'user\r'
		qemu_wait 'Password: ' 60 "password prompt" > "$TMPD/$name.err" || return 1
		qemu_send $'live\r'
		qemu_wait "$LB_PROMPT" 120 "shell prompt after login" > "$TMPD/$name.err" || return 1
		LB_T=$(qemu_elapsed)
		put lb_boot_how "QEMU start → the live user's shell prompt on the serial console (hvc0); the console asked for a login, which the bench typed (user/live)"
	else
		LB_T=$(qemu_elapsed)
		put lb_boot_how "QEMU start → the live user's shell prompt on the serial console (hvc0, logged in by live-config)"
	fi
}

livebuild_measure() {
	local i t0 meminfo
	# the guest's xl config comes in on a small disk (a tar archive): long
	# typed lines lose characters on the serial console
	mkdir -p "$TMPD/lbguest"
	printf '%s\n' 'name = "lbguest"' "memory = $LB_GUEST_MIB" 'vcpus = 1' \
		'kernel = "/tmp/vmlinuz"' 'ramdisk = "/tmp/initrd.img"' \
		'extra = "root=/dev/xvda ro console=hvc0"' "disk = [ 'phy:/dev/vda,xvda,w' ]" > "$TMPD/lbguest/lbguest.cfg"
	tar -cf "$TMPD/lbguest.tar" -C "$TMPD/lbguest" lbguest.cfg
	note "live-build: the image (built once into $CACHE/products; the first time takes ~20 min)"
	if ! LB_DIR=$(tests/bench/livebuild-product.sh 2> "$TMPD/lb.err"); then
		put lb_error "live-build failed: $(grep -E 'error' "$TMPD/lb.err" | tail -n 1 | cut -c1-160)"
		return
	fi
	put lb_versions "$(tr '\n' ',' < "$LB_DIR/versions" | sed 's/,$//; s/,/, /g')"
	put lb_iso_size "$(mib "$(stat -c %s "$LB_DIR/live.iso")")"
	xorriso -indev "$LB_DIR/live.iso" -find / -type f -exec lsdl 2>/dev/null | awk '{ gsub(/\047/, "", $9); print $9, $5 }' > "$TMPD/lbfiles"
	# the largest file matching (live/ has vmlinuz and vmlinuz-VERSION, the same bytes)
	lbpart() { awk -v p="$1" '$1 ~ p && $2 > m { m = $2 } END { printf "%.1f", m / 1048576 }' "$TMPD/lbfiles"; }
	put lb_part_xen "$(lbpart '^/live/xen.gz$')"
	put lb_part_kernel "$(lbpart '^/live/vmlinuz')"
	put lb_part_root "$(echo "$(lbpart '^/live/initrd.img') $(lbpart '^/live/filesystem.squashfs$')" | awk '{ printf "%.1f", $1 + $2 }')"

	: > "$TMPD/lb.boot"
	for i in $(seq "$RUNS_BOOT"); do
		note "live-build: boot BIOS CD, run $i"
		lb_boot "lb-$i"
		echo "$LB_T" >> "$TMPD/lb.boot"
		# the last boot stays up for the rest
		[ "$i" = "$RUNS_BOOT" ] || qemu_stop
	done
	put lb_boot "$(median < "$TMPD/lb.boot")"
	[ -n "$LB_T" ] || { put lb_error "live-build's ISO did not reach a shell prompt: $(tail -n 2 "$TMPD/lb-$RUNS_BOOT.err" | tr '\n' ' ' | cut -c1-160)"; qemu_stop; return; }

	note "live-build: dom0 memory"
	sleep 5
	qemu_cmd 30 "awk '{ m[\$1] = int(\$2 / 1024) } END { print \"MEM\", m[\"MemTotal:\"] - m[\"MemFree:\"] - m[\"Buffers:\"] - m[\"Cached:\"] - m[\"SReclaimable:\"], m[\"MemTotal:\"] - m[\"MemAvailable:\"] }' /proc/meminfo; sudo xl list 0 | awk 'NR == 2 { print \"XLMEM\", \$3 }'"
	meminfo=$QEMU_OUT
	put lb_dom0_used "$(echo "$meminfo" | awk '$1 == "MEM" { print $2 }')"
	put lb_dom0_unavail "$(echo "$meminfo" | awk '$1 == "MEM" { print $3 }')"
	put lb_dom0_mem "$(echo "$meminfo" | awk '$1 == "XLMEM" { print $2 " MiB (no dom0_mem)" }')"

	note "live-build: the debootstrap guest"
	qemu_cmd 60 "sudo mount -o ro /dev/vda /mnt && sudo cp /mnt/boot/vmlinuz-* /tmp/vmlinuz" || true
	qemu_cmd 60 "sudo cp /mnt/boot/initrd.img-* /tmp/initrd.img && sudo umount /mnt" || true
	qemu_cmd 60 "sudo tar -xf /dev/vdb -C /tmp lbguest.cfg && echo GUEST-OK" || true
	if ! echo "$QEMU_OUT" | grep -q GUEST-OK; then
		put lb_notes "could not prepare the guest in live-build's dom0: $(echo "$QEMU_OUT" | tail -n 2 | tr '\n' ' ' | cut -c1-160)"
		qemu_stop
		return
	fi
	: > "$TMPD/lb.launch"
	for i in $(seq "$RUNS_LAUNCH"); do
		note "live-build: guest launch, run $i"
		qemu_mark
		t0=$(date +%s.%N)
		qemu_send $'sudo xl create -c /tmp/lbguest.cfg\r'
		if qemu_wait 'lbguest login: ' 300 "the guest's login prompt" > "$TMPD/lbg.err"; then
			echo "$(date +%s.%N) $t0" | awk '{ printf "%.1f\n", $1 - $2 }' >> "$TMPD/lb.launch"
		else
			put lb_notes "guest run $i: $(tail -n 3 "$TMPD/lbg.err" | tr '\n' ' ' | cut -c1-160)"
		fi
		sleep 0.5
		qemu_send $'\x1d'
		sleep 1
		qemu_send $'\r'
		qemu_unmark
		qemu_cmd 60 'sudo xl destroy lbguest; sudo xl list | grep -c lbguest' || true
	done
	put lb_launch "$(median < "$TMPD/lb.launch")"
	qemu_stop
}
