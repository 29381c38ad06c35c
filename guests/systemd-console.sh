# shellcheck shell=bash
# The console-only demo configuration of a systemd guest image, shared by
# every distro whose init is systemd (guests/centos, and the Debian systemd
# stand-in that proves it boots: tests/fixtures/distro-standin).  A distro
# that sources this names it in its descriptor (files=guests/systemd-console.sh)
# so that its cache key covers it.  Needs scripts/lib.sh (die, warn, info,
# stage_file, stage_link).
#
# systemd_console ROOT TMP: configures the image tree ROOT (TMP: a scratch
# directory) so that, booted by xenlive's initramfs (guests/agent/src/init.c),
#   - root is logged in on the Xen console hvc0 without a password, and has
#     no password anywhere else;
#   - xenlive-agent runs as the unit xenlive-agent.service (the initramfs
#     then leaves it to the unit);
#   - the journal stays in RAM and small (it lives in the guest's own memory);
#   - nothing asks questions on the console, and the jobs a diskless,
#     read-only, network-less demo guest never needs (first-boot updates of
#     caches in /etc and /var, package timers) are masked when installed;
#   - SELinux is disabled (the kernel has none).
# An image without systemd is left as it is (its own init is kept).

# in_root PATH: the host path of PATH inside the image $root, every symlink
# resolved as if the image were / (an absolute link must never lead to the
# host's file)
in_root() {
	local rest=${1#/} cur="" comp t n=0
	while [ -n "$rest" ]; do
		comp=${rest%%/*}
		if [ "$comp" = "$rest" ]; then rest=""; else rest=${rest#*/}; fi
		case $comp in '' | .) continue ;; ..) cur=${cur%/*}; continue ;; esac
		if [ -L "$root$cur/$comp" ]; then
			n=$((n + 1))
			[ "$n" -le 40 ] || die "too many symbolic links resolving $1 in the image"
			t=$(readlink "$root$cur/$comp")
			case $t in /*) cur="" ;; esac
			rest=${t#/}${rest:+/$rest}
		else
			cur=$cur/$comp
		fi
	done
	printf '%s\n' "$root${cur:-/}"
}

# units masked (an empty file in /etc/systemd/system) when the image has them:
# - first-boot questions, and the ConditionNeedsUpdate= jobs that rebuild
#   caches on every boot of a fresh overlay (ldconfig alone takes ~10 s
#   under emulation);
# - the other consoles: gettys on the guest kernel's virtual terminals, which
#   nobody sees (and which xenlive-agent would take for the console login);
# - early jobs with nothing to do in a diskless guest whose root the
#   initramfs mounted: its kernel has no modules, its root is a fresh RAM
#   overlay (nothing to remount, no random seed or journal to keep, the
#   image's users exist), no debug or fuse file systems; each costs 1-5 s
#   under emulation;
# - timers that fetch packages or trim disks the guest does not have
SYSTEMD_CONSOLE_MASKED="systemd-firstboot.service ldconfig.service systemd-hwdb-update.service
	systemd-journal-catalog-update.service systemd-update-done.service
	getty@.service autovt@.service getty-static.service console-getty.service
	modprobe@.service systemd-modules-load.service systemd-remount-fs.service
	systemd-random-seed.service systemd-journal-flush.service systemd-sysusers.service
	systemd-pstore.service systemd-update-utmp.service systemd-update-utmp-runlevel.service
	sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount sys-fs-fuse-connections.mount
	apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer dnf-makecache.timer
	fstrim.timer e2scrub_all.timer e2scrub_reap.service man-db.timer"

systemd_console() {
	local root=$1 tmp=$2 units agetty login_cmd pam_missing inc f u
	units=$root/usr/lib/systemd/system
	: > "$tmp/empty"
	# machine-id empty: systemd makes a transient one at boot (the root is read-only)
	if [ -e "$root/etc/machine-id" ] || [ -d "$root/usr/lib/systemd" ]; then
		stage_file "$root" "$tmp/empty" etc/machine-id 0444
	fi
	if [ -f "$units/getty.target" ] || [ -f "$units/serial-getty@.service" ]; then
		agetty=/sbin/agetty
		[ -e "$(in_root "$agetty")" ] || agetty=/usr/sbin/agetty
		[ -e "$(in_root /usr/bin/login)" ] || [ -e "$(in_root /bin/login)" ] ||
			die "no /bin/login in the image: add util-linux (or login) to its packages (agetty's autologin runs login -f root)"
		# login -f root: no password; PAM still runs its account and session stacks,
		# so make sure every file /etc/pam.d/login includes is there
		login_cmd="-o '-f -p -- \\\\u' --autologin root"
		pam_missing=""
		if [ -f "$(in_root /etc/pam.d/login)" ]; then
			while read -r inc; do
				[ -f "$(in_root "/etc/pam.d/$inc")" ] || pam_missing+=" $inc"
			done < <(awk '$1 !~ /^#/ && ($2 == "include" || $2 == "substack") { print $3 }
				$1 == "@include" { print $2 }' "$(in_root /etc/pam.d/login)")
		else
			pam_missing=" login"
		fi
		if [ -n "$pam_missing" ]; then
			warn "PAM configuration incomplete (missing:$pam_missing): the console runs bash without login(1)"
			login_cmd="--skip-login --login-program /bin/bash --login-options '-l'"
		fi
		# its own unit, not serial-getty@hvc0: that one waits for the device
		# unit dev-hvc0.device, which only udev makes, and the image need not
		# have udev (Debian's minbase has none)
		cat > "$tmp/xenlive-console.service" <<-EOF
		# xenlive: root shell on the Xen console without a password (console-only demo guest)
		[Unit]
		Description=Root shell on the Xen console hvc0
		After=systemd-user-sessions.service
		Before=getty.target
		IgnoreOnIsolate=yes
		ConditionPathExists=/dev/hvc0

		[Service]
		Environment=TERM=vt220
		ExecStart=-$agetty $login_cmd --noclear --keep-baud 115200,57600,38400,9600 hvc0 \$TERM
		Type=simple
		Restart=always
		RestartSec=0
		UtmpIdentifier=hvc0
		TTYPath=/dev/hvc0
		TTYReset=yes
		TTYVHangup=yes
		KillMode=process
		IgnoreSIGPIPE=no
		SendSIGHUP=yes

		[Install]
		WantedBy=getty.target
		EOF
		stage_file "$root" "$tmp/xenlive-console.service" etc/systemd/system/xenlive-console.service 0644
		stage_link "$root" ../xenlive-console.service etc/systemd/system/getty.target.wants/xenlive-console.service
		# systemd's getty generator would add serial-getty@hvc0 on the same tty
		stage_file "$root" "$tmp/empty" etc/systemd/system/serial-getty@hvc0.service 0644
		stage_link "$root" ../../../usr/lib/systemd/system/multi-user.target etc/systemd/system/default.target
		# the agent: the initramfs copies it to /usr/lib/xenlive and, seeing
		# this unit, does not start it itself.  Early (sysinit), no dependencies:
		# it only needs the xenbus device, and reports "booting" from the start
		cat > "$tmp/xenlive-agent.service" <<-'EOF'
		# xenlive: tells dom0 this guest is up and runs livetop's workloads (guests/agent)
		[Unit]
		Description=xenlive agent
		DefaultDependencies=no
		ConditionPathExists=/usr/lib/xenlive/xenlive-agent
		Before=sysinit.target shutdown.target
		Conflicts=shutdown.target

		[Service]
		ExecStart=/usr/lib/xenlive/xenlive-agent --foreground
		Restart=on-failure
		RestartSec=1

		[Install]
		WantedBy=sysinit.target
		EOF
		stage_file "$root" "$tmp/xenlive-agent.service" etc/systemd/system/xenlive-agent.service 0644
		stage_link "$root" ../xenlive-agent.service etc/systemd/system/sysinit.target.wants/xenlive-agent.service
		# the journal in RAM only, and small: it is the guest's own memory
		printf '%s\n' '# xenlive: the journal lives in the guest'"'"'s RAM' '[Journal]' 'Storage=volatile' \
			'RuntimeMaxUse=2M' 'RuntimeMaxFileSize=512K' 'ForwardToSyslog=no' 'ForwardToWall=no' > "$tmp/journald.conf"
		stage_file "$root" "$tmp/journald.conf" etc/systemd/journald.conf.d/xenlive.conf 0644
		# an empty unit file masks
		for u in $SYSTEMD_CONSOLE_MASKED; do
			[ ! -f "$units/$u" ] || stage_file "$root" "$tmp/empty" "etc/systemd/system/$u" 0644
		done
	else
		info "no systemd in the image: its own init configuration is kept as it is"
	fi
	# SELinux: selinux=0 comes from the kernel command line; disable it here too
	if [ -f "$root/etc/selinux/config" ]; then
		f=$(in_root /etc/selinux/config)
		sed 's/^SELINUX=.*/SELINUX=disabled/' "$f" > "$tmp/selinux.config"
		stage_file "$root" "$tmp/selinux.config" etc/selinux/config "$(stat -c %a "$f")"
	fi
	# no password anywhere: lock root's password if the distribution left it empty
	if [ -f "$root/etc/shadow" ]; then
		f=$(in_root /etc/shadow)
		if awk -F: '$1 == "root" && $2 == "" { found = 1 } END { exit !found }' "$f"; then
			awk -F: 'BEGIN { OFS = ":" } $1 == "root" && $2 == "" { $2 = "!*" } { print }' "$f" > "$tmp/shadow"
			stage_file "$root" "$tmp/shadow" etc/shadow "$(stat -c %a "$f")"
		fi
	fi
	for u in sshd.service ssh.service telnet.socket; do
		[ ! -e "$units/$u" ] || warn "$u is installed: this guest is meant to have no network login"
	done
}
