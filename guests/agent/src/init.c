/* init.c — xenlive's guest init, the same for every distro.  The shared
 * guest initramfs's /init is a link to xenlive-agent, whose main() hands
 * over to guest_init (init.h) when it is started under the name "init": one
 * static program for both, as a second one would add ~0.7 MiB of static C
 * library to an initramfs that a 24 MiB guest only just unpacks.
 *
 * It mounts the distro image read-only from xvda, puts a tmpfs upper layer
 * over it (copy-on-write in the guest's own RAM), takes an address on the
 * guest bridge (busybox udhcpc, in a child that PID 1 does not wait for),
 * starts xenlive-agent (a systemd image starts it as a unit instead), moves
 * into the new root and hands over to the distro's own /sbin/init.
 *
 * It was a busybox shell script.  Every program that script started (mount,
 * mkdir, cp, chroot: ~25 of them) cost a PV guest under QEMU's TCG 15-70 ms
 * of fork, exec and page tables; here they are system calls, and the only
 * programs started are udhcpc and the agent.  Waiting for the address cost
 * the guest's boot 0.2-0.4 s (dom0 answers through QEMU's emulation): the
 * distro's init now starts meanwhile.
 *
 * While the rest runs, a child reads the files the image lists in
 * /etc/xenlive/prefetch (its /sbin/init, the console's getty and their
 * libraries): they come from the compressed image, and read then they are in
 * the page cache when the distro's init starts, instead of one compressed
 * block at a time as it faults them in.
 *
 * Run by udhcpc as its event script (udhcpc -s /init: not PID 1, an event
 * name as its argument), it applies the lease dom0's DHCP server gives, the
 * address and mask, with no route (the guest bridge is not routed
 * anywhere): one program start for the lease where a busybox script started
 * three (sh and two ip).
 *
 * Kernel command line: xenlive.name=NAME (the hostname), xenlive.trace=1 (a
 * line with the uptime at each step), xenlive.modules=1 (a modular kernel,
 * Debian's: load the PV drivers first).  Every line it prints starts with
 * "xenlive-guest: "; on a fatal error it says why and starts a rescue shell. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/magic.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init.h"

#define NEWROOT "/newroot"
#define AGENT_DIR "/usr/lib/xenlive"
#define AGENT AGENT_DIR "/xenlive-agent"
#define PREFETCH_LIST "/etc/xenlive/prefetch"
/* udhcpc's event script finds the console here (the helper's fd 2) */
#define CONSOLE_FD 9
/* seconds the agent's ready waits for the address: udhcpc gives up after
 * 4 requests 1 s apart */
#define ADDRESS_WAIT "6"

static int trace;

/* one line "xenlive-guest: HEAD<FMT...>TAIL" on stderr (the console) */
__attribute__((format(printf, 2, 0)))
static void vsay(const char *head, const char *fmt, va_list ap, const char *tail)
{
	char line[512];
	size_t n;

	snprintf(line, sizeof line, "xenlive-guest: %s", head);
	n = strlen(line);
	vsnprintf(line + n, sizeof line - n, fmt, ap);
	n = strlen(line);
	snprintf(line + n, sizeof line - n, "%s", tail);
	n = strlen(line);
	if (n == sizeof line - 1)
		n--;             /* cut short: the newline still ends it */
	line[n++] = '\n';
	if (write(2, line, n) < 0) {
		/* nowhere to say it */
	}
}

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("", fmt, ap, "");
	va_end(ap);
}

/* the first line of PATH, without its newline, in BUF; 0 or -1 */
static int read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* with xenlive.trace=1, a line with the uptime at each step (the boot
 * clock: /proc/uptime's, which the old root no longer has once the new one
 * is in place, and the DHCP child's steps can come after that) */
static void step(const char *what)
{
	struct timespec ts;

	if (!trace)
		return;
	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
		say("%.2f %s", (double)ts.tv_sec + ts.tv_nsec / 1e9, what);
	else
		say("? %s", what);
}

__attribute__((format(printf, 1, 2), noreturn))
static void rescue(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("error: ", fmt, ap, "; starting a rescue shell");
	va_end(ap);
	execl("/bin/sh", "sh", (char *)NULL);
	say("error: cannot start /bin/sh: %s", strerror(errno));
	for (;;)
		pause();   /* PID 1 must not exit */
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

/* waits for child PID (fork's result: < 0 is a failed fork); 0 when it
 * exited with 0 */
static int wait_ok(pid_t pid)
{
	int status;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* PROGRAM ARG...: runs it, waits; 0 when it exited with 0 */
static int run(const char *prog, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(prog, argv);
		_exit(127);
	}
	return wait_ok(pid);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int is_block(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISBLK(st.st_mode);
}

/* mkdir -p PATH (mode 0755) */
static int mkdir_p(const char *path)
{
	char buf[256];
	size_t len = strlen(path);

	if (len >= sizeof buf)
		return -1;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

static int if_up(const char *ifname)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return r;
}

static int carrier_up(void)
{
	char c[8];

	return read_line("/sys/class/net/eth0/carrier", c, sizeof c) == 0 && strcmp(c, "1") == 0;
}

static int vif;   /* the guest has a network device (xenbus vif-0) */

static int devices_here(void)
{
	return is_block("/dev/xvda") && (!vif || exists("/sys/class/net/eth0"));
}

/* TESTS more times at most, every 0.05 s, until TEST(); 0 when it came */
static int wait_until(int tries, int (*test)(void))
{
	while (!test()) {
		if (tries-- <= 0)
			return -1;
		sleep_ms(50);
	}
	return 0;
}

/* 1 when PID 1, whose /proc/1/status FD is, catches SIGCHLD or blocks it
 * (systemd reads it from a signalfd); 1 too when that cannot be read */
static int pid1_takes_sigchld(int fd)
{
	static const char *const keys[] = { "SigBlk:", "SigCgt:" };
	char buf[2048];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0 || (n = read(fd, buf, sizeof buf - 1)) <= 0)
		return 1;
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *p = strstr(buf, keys[i]);

		if (p && strtoull(p + strlen(keys[i]), NULL, 16) & (1ULL << (SIGCHLD - 1)))
			return 1;
	}
	return 0;
}

/* The end of a child PID 1 does not wait for (the helper, the prefetch
 * child): the image's init reaps it, but one that ends before that init
 * handles SIGCHLD stays a zombie ("init <defunct>" in the guest's ps), as
 * no SIGCHLD comes again to make that init look.  So it ends only once
 * PID 1 handles SIGCHLD, or after 60 s.  STATUS: /proc/1/status, opened
 * while /proc was still in this root (-1: end now). */
__attribute__((noreturn))
static void end_child(int status)
{
	for (int i = 0; status >= 0 && i < 1200 && !pid1_takes_sigchld(status); i++)
		sleep_ms(50);
	_exit(0);
}

/* /proc/1/status for end_child (-1 when it cannot be opened) */
static int open_pid1_status(void)
{
	return open("/proc/1/status", O_RDONLY | O_CLOEXEC);
}

/* the write end of the pipe to the helper (start_helper); -1: none */
static int switch_fd = -1;

/* deletes what DIR (an open directory, closed here) holds on device DEV:
 * what busybox switch_root does to the old root; a mount point (another
 * device) and what is below it stay */
static void clear_dir(int dir, dev_t dev)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;

	if (!d) {
		close(dir);
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				clear_dir(sub, dev);
			unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd(d), e->d_name, 0);
		}
	}
	closedir(d);
}

/* The helper, a child that outlives this program: it takes the address
 * from dom0's DHCP server (NET: the guest has eth0; busybox udhcpc, a few
 * round trips through dom0) while the disk is mounted and the distro's init
 * starts, and afterwards frees the initramfs's memory as busybox
 * switch_root would have.  PID 1 no longer waits for the address: the
 * agent's ready waits for it instead (--address-wait).  The helper keeps
 * the old root (its /init is udhcpc's event script) until PID 1 writes "S"
 * on HOLD, once it has moved into the new root; a PID 1 that starts a
 * rescue shell instead closes HOLD, and the old root stays. */
static void start_helper(int net, int hold[2])
{
	char c = 0;
	int status;

	if (fork() != 0)
		return;   /* (a failed fork: no address, the initramfs stays) */
	status = open_pid1_status();
	if (hold[1] >= 0)
		close(hold[1]);
	if (net && if_up("eth0") == 0) {
		pid_t dhcp;

		/* eth0 appears a moment before its carrier: a request sent then is lost */
		wait_until(40, carrier_up);
		step("eth0 has its carrier");
		if ((dhcp = fork()) == 0) {
			int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

			/* the event script's console: /dev goes with the new root */
			dup2(2, CONSOLE_FD);
			if (fd >= 0 && !trace) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			if (trace)
				setenv("XENLIVE_TRACE", "1", 1);
			execl("/bin/udhcpc", "udhcpc", "-i", "eth0", "-f", "-q", "-n", "-t", "4", "-T", "1",
			      "-s", "/init", (char *)NULL);
			_exit(127);
		}
		if (wait_ok(dhcp) < 0)
			say("no address from dom0's DHCP server");
	} else if (net) {
		say("cannot bring eth0 up: %s", strerror(errno));
	}
	if (hold[0] >= 0) {
		struct stat st;
		struct statfs fs;
		int root;

		while (read(hold[0], &c, 1) < 0 && errno == EINTR) {
		}
		/* only an initramfs is cleared */
		if (c == 'S' && stat("/", &st) == 0 && statfs("/", &fs) == 0 &&
		    (fs.f_type == RAMFS_MAGIC || fs.f_type == TMPFS_MAGIC) &&
		    (root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
			clear_dir(root, st.st_dev);
	}
	end_child(status);
}

/* reads every file the image lists in PREFETCH_LIST (one absolute path a
 * line; a missing list or file is skipped), in a child that nobody waits
 * for (end_child) */
static void prefetch(void)
{
	static char buf[1 << 16];
	char path[512];
	FILE *list;
	int status;
	pid_t pid = fork();

	if (pid != 0)
		return;
	status = open_pid1_status();
	if (switch_fd >= 0)
		close(switch_fd);
	if (chroot("/ro") < 0 || chdir("/") < 0 || !(list = fopen(PREFETCH_LIST, "re")))
		end_child(status);
	while (fgets(path, sizeof path, list)) {
		int fd;

		path[strcspn(path, "\n")] = '\0';
		if (path[0] != '/' || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		while (read(fd, buf, sizeof buf) > 0) {
		}
		close(fd);
	}
	fclose(list);
	end_child(status);
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	static char buf[1 << 16];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n = 0;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) < 0 || n < 0 || fchmodat(AT_FDCWD, to, mode, 0) < 0)
		return -1;
	return 0;
}

static void move_to_newroot(const char *dir)
{
	char to[64];

	snprintf(to, sizeof to, NEWROOT "%s", dir);
	mkdir(to, 0755);
	if (mount(dir, to, NULL, MS_MOVE, NULL) < 0)
		say("cannot move %s to the new root: %s", dir, strerror(errno));
}

/* the agent, chrooted into the new root; it forks itself into the
 * background, so its first process returns at once */
static void start_agent(int net)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* with eth0, ready waits for its address (the helper takes it) */
		if (chroot(NEWROOT) == 0 && chdir("/") == 0)
			execl(AGENT, "xenlive-agent", net ? "--address-wait=" ADDRESS_WAIT : NULL,
			      (char *)NULL);
		_exit(127);
	}
	if (wait_ok(pid) < 0)
		say("xenlive-agent did not start");
}

/* sets IFNAME's IPv4 address and mask (dotted quads; mask "" is /24) */
static int set_address(const char *ifname, const char *address, const char *mask)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1, e;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	sin->sin_family = AF_INET;
	errno = EINVAL;   /* what stays when an address is not a dotted quad */
	if (inet_pton(AF_INET, address, &sin->sin_addr) == 1 && ioctl(s, SIOCSIFADDR, &ifr) == 0) {
		memset(&ifr.ifr_addr, 0, sizeof ifr.ifr_addr);
		sin->sin_family = AF_INET;
		errno = EINVAL;
		if (inet_pton(AF_INET, *mask ? mask : "255.255.255.0", &sin->sin_addr) == 1 &&
		    ioctl(s, SIOCSIFNETMASK, &ifr) == 0)
			r = 0;
	}
	e = errno;
	close(s);
	errno = e;
	return r;
}

/* udhcpc's event script: EVENT with interface, ip and subnet (a dotted
 * mask) in the environment */
static int dhcp_event(const char *event)
{
	const char *ifname = getenv("interface"), *ip = getenv("ip"), *mask = getenv("subnet");

	if (!ifname || !*ifname)
		return 1;
	if (strcmp(event, "bound") == 0 || strcmp(event, "renew") == 0) {
		if (!ip || set_address(ifname, ip, mask ? mask : "") < 0) {
			say("cannot set %s's address %s: %s", ifname, ip ? ip : "(none)", strerror(errno));
			return 1;
		}
		step("address from dom0's DHCP server");
	}
	/* deconfig (udhcpc's start: a new eth0 has no address yet; udhcpc -q
	 * ends once it has a lease, so it never loses one), leasefail, nak:
	 * nothing to undo */
	return 0;
}

int guest_init(int argc, char **argv)
{
	char cmdline[4096], name[65] = "guest", *opt, *save;
	int modules = 0, console, hold[2] = { -1, -1 }, net;

	if (getpid() != 1) {
		/* udhcpc's event script, whose output goes nowhere: its one
		 * error line to the console; a trace line only with the
		 * guest's xenlive.trace=1 */
		if (fcntl(CONSOLE_FD, F_GETFD) >= 0) {
			dup2(CONSOLE_FD, 2);
			close(CONSOLE_FD);
		}
		trace = getenv("XENLIVE_TRACE") != NULL;
		return argc > 1 ? dhcp_event(argv[1]) : 1;
	}
	setenv("PATH", "/bin", 1);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	console = open("/dev/console", O_RDWR);
	if (console >= 0) {
		dup2(console, 0);
		dup2(console, 1);
		dup2(console, 2);
		if (console > 2)
			close(console);
	}

	if (read_line("/proc/cmdline", cmdline, sizeof cmdline) < 0)
		cmdline[0] = '\0';
	for (opt = strtok_r(cmdline, " \t", &save); opt; opt = strtok_r(NULL, " \t", &save)) {
		if (strncmp(opt, "xenlive.name=", 13) == 0)
			snprintf(name, sizeof name, "%s", opt + 13);
		else if (strcmp(opt, "xenlive.trace=1") == 0)
			trace = 1;
		else if (strcmp(opt, "xenlive.modules=1") == 0)
			modules = 1;
	}
	if (modules) {
		static const char *const mods[] = { "xen-blkfront", "xen-netfront", "squashfs", "overlay" };

		for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
			char *margv[] = { "modprobe", (char *)mods[i], NULL };

			if (run("/bin/modprobe", margv) < 0)
				say("cannot load %s", mods[i]);
		}
	}
	step("init");
	if_up("lo");

	/* xenlive's guest kernel does not wait for its Xen devices to connect
	 * (guests/kernel/patches): the disk and, when the guest has one (its
	 * xenbus device vif-0), the network interface come while the steps
	 * above run; wait here for what is not there yet, at most 5 s */
	vif = exists("/sys/bus/xen/devices/vif-0");
	wait_until(100, devices_here);
	step("devices");
	net = exists("/sys/class/net/eth0");
	if (!net && vif)
		say("the network interface eth0 did not come up");
	if (pipe2(hold, O_CLOEXEC) < 0)
		hold[0] = hold[1] = -1;
	start_helper(net, hold);
	if (hold[0] >= 0)
		close(hold[0]);
	switch_fd = hold[1];

	if (!is_block("/dev/xvda"))
		rescue("no disk xvda (the distro image)");
	mkdir("/ro", 0755);
	mkdir("/rw", 0755);
	mkdir(NEWROOT, 0755);
	if (mount("/dev/xvda", "/ro", "squashfs", MS_RDONLY, NULL) < 0)
		rescue("cannot mount the distro image on xvda: %s", strerror(errno));
	prefetch();
	if (mount("tmpfs", "/rw", "tmpfs", 0, "mode=0755") < 0 ||
	    mkdir("/rw/upper", 0755) < 0 || mkdir("/rw/work", 0755) < 0 ||
	    mount("overlay", NEWROOT, "overlay", 0,
		  "lowerdir=/ro,upperdir=/rw/upper,workdir=/rw/work") < 0)
		rescue("cannot mount the overlay: %s", strerror(errno));
	step("root mounted");

	{
		char line[80];

		snprintf(line, sizeof line, "%s\n", name);
		write_file(NEWROOT "/etc/hostname", line, 0644);
		sethostname(name, strlen(name));
	}
	if (mkdir_p(NEWROOT AGENT_DIR) < 0 || copy_file("/bin/xenlive-agent", NEWROOT AGENT, 0755) < 0)
		say("cannot copy xenlive-agent into the new root: %s", strerror(errno));
	move_to_newroot("/dev");
	move_to_newroot("/proc");
	move_to_newroot("/sys");
	/* what any distro's early boot mounts first, done here rather than by
	 * the distro's own programs, each read from the compressed image (~3 s
	 * for Debian's under emulation) */
	mkdir(NEWROOT "/dev/pts", 0755);
	mkdir(NEWROOT "/dev/shm", 0755);
	mkdir(NEWROOT "/run", 0755);
	mount("devpts", NEWROOT "/dev/pts", "devpts", 0, "gid=5,mode=620,ptmxmode=000");
	mount("tmpfs", NEWROOT "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, NULL);
	mount("tmpfs", NEWROOT "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	mkdir(NEWROOT "/run/lock", 0755);
	write_file(NEWROOT "/run/utmp", "", 0644);
	/* a systemd image starts the agent as its unit xenlive-agent.service
	 * (guests/systemd-console.sh); any other init gets it started here */
	if (exists(NEWROOT "/etc/systemd/system/xenlive-agent.service")) {
		step("agent left to its systemd unit");
	} else {
		start_agent(net);
		step("agent started");
	}
	if (access(NEWROOT "/sbin/init", X_OK) < 0) {
		struct stat st;

		/* an absolute link points into the new root, not this one */
		if (lstat(NEWROOT "/sbin/init", &st) < 0 || !S_ISLNK(st.st_mode))
			rescue("the image has no /sbin/init");
	}
	/* into the new root (busybox switch_root's steps, but for the
	 * clearing of the old one, which the helper does) */
	if (chdir(NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0)
		rescue("cannot move into the new root: %s", strerror(errno));
	if (switch_fd >= 0 && write(switch_fd, "S", 1) < 0)
		say("the initramfs stays in memory: %s", strerror(errno));
	execl("/sbin/init", "/sbin/init", (char *)NULL);
	rescue("cannot start the image's /sbin/init: %s", strerror(errno));
	return 1;
}
