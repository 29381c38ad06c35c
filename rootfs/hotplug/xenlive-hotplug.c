/* xenlive-hotplug.c — dom0's hotplug scripts for xenlive's guests, as one
 * program run under two names (links in /etc/xen/scripts):
 *
 *   xenlive-block add|remove           disk spec script=xenlive-block
 *   xenlive-vif online|offline|add|remove   vif spec script=xenlive-vif
 *
 * libxl runs these for every guest device.  Debian's "block" and
 * "vif-bridge" scripts took ~2 s per device under emulation, xenlive's first
 * shell versions ~0.3 s (each program they start costs ~0.15 s in a PV dom0
 * under QEMU TCG); this is one program start per device.
 *
 * block add: a regular file becomes a loop device (read-only unless the
 * disk's mode is w), a block device is used as it is; writes
 * physical-device (major:minor in hex, for blkback), physical-device-path
 * and hotplug-status=connected.  block remove detaches the loop device.
 * vif online: gives the guest its one address (below), filters what it
 * sends, puts the interface on its bridge (xenstore "bridge", default dom0's
 * BRIDGE from /etc/xenlive/config), locks the port to the guest's MAC and
 * brings it up, then hotplug-status=connected.  vif offline takes it off
 * the bridge and gives the address back.
 * On failure: hotplug-error (why) and hotplug-status=error, the same line on
 * stderr, exit 1, and no loop device left behind.
 * Environment from libxl: XENBUS_PATH (the backend directory), and for a
 * vif, vif (the interface, e.g. vif3.0). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/if_bridge.h>
#include <linux/if_ether.h>
#include <linux/loop.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/tc_act/tc_gact.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

static const char *prog = "xenlive-hotplug";
static struct xs_handle *xs;
static const char *base;                 /* XENBUS_PATH */
static void unclaim(void);

/* xs_get KEY: the backend's KEY, malloc'd, or NULL */
static char *xs_get(const char *key)
{
	char path[512];
	unsigned int len;

	snprintf(path, sizeof path, "%s/%s", base, key);
	return xs ? xs_read(xs, XBT_NULL, path, &len) : NULL;
}

/* xs_put KEY VALUE ...: writes the pairs (NULL-terminated) in one
 * transaction, retried while it conflicts; 0 or -1 */
static int xs_put(const char *key, ...)
{
	for (int tries = 0; xs && tries < 20; tries++) {
		xs_transaction_t t = xs_transaction_start(xs);
		bool ok = t != XBT_NULL;
		va_list ap;

		va_start(ap, key);
		for (const char *k = key; ok && k; k = va_arg(ap, const char *)) {
			const char *v = va_arg(ap, const char *);
			char path[512];

			snprintf(path, sizeof path, "%s/%s", base, k);
			ok = xs_write(xs, t, path, v, strlen(v));
		}
		va_end(ap);
		if (t == XBT_NULL)
			return -1;
		if (!ok) {
			xs_transaction_end(xs, t, true);
			return -1;
		}
		if (xs_transaction_end(xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return -1;
	}
	return -1;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prog, msg);
	unclaim();
	if (base)
		xs_put("hotplug-error", msg, "hotplug-status", "error", (const char *)NULL);
	exit(1);
}

/* ---- block -------------------------------------------------------------- */

/* loop_attach FILE RO DEV: FILE on a free loop device (its name in DEV);
 * its device number, or fails */
static dev_t loop_attach(const char *file, bool ro, char *dev, size_t devlen)
{
	int ctl, ffd;

	if ((ffd = open(file, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC)) < 0)
		fail("cannot open %s: %s", file, strerror(errno));
	if ((ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) < 0)
		fail("cannot open /dev/loop-control (is the loop module loaded?): %s", strerror(errno));
	/* another guest's hotplug may take the same free device first: EBUSY */
	for (int tries = 0; tries < 32; tries++) {
		struct loop_config cfg = { .fd = (unsigned int)ffd };
		struct stat st;
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), lfd;

		if (n < 0)
			fail("no free loop device: %s", strerror(errno));
		snprintf(dev, devlen, "/dev/loop%d", n);
		if ((lfd = open(dev, O_RDWR | O_CLOEXEC)) < 0)
			fail("cannot open %s: %s", dev, strerror(errno));
		cfg.info.lo_flags = ro ? LO_FLAGS_READ_ONLY : 0;
		snprintf((char *)cfg.info.lo_file_name, sizeof cfg.info.lo_file_name, "%s", file);
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0) {
			if (fstat(lfd, &st) < 0) {
				int e = errno;

				ioctl(lfd, LOOP_CLR_FD, 0);
				fail("cannot stat %s: %s", dev, strerror(e));
			}
			close(lfd);
			close(ctl);
			close(ffd);
			return st.st_rdev;
		}
		if (errno != EBUSY)
			fail("cannot attach %s to %s: %s", file, dev, strerror(errno));
		close(lfd);
	}
	fail("cannot attach %s: every free loop device was taken first", file);
}

static void loop_detach(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ioctl(fd, LOOP_CLR_FD, 0);
		close(fd);
	}
}

static int block(const char *action)
{
	if (!strcmp(action, "add")) {
		char *p = xs_get("params"), *mode = xs_get("mode"), dev[64], num[32];
		bool loop = false;
		struct stat st;
		dev_t rdev;

		if (!p || !*p || stat(p, &st) < 0)
			fail("%s is neither a file nor a block device", p && *p ? p : "(no params)");
		if (S_ISBLK(st.st_mode)) {
			snprintf(dev, sizeof dev, "%s", p);
			rdev = st.st_rdev;
		} else if (S_ISREG(st.st_mode)) {
			rdev = loop_attach(p, !(mode && !strcmp(mode, "w")), dev, sizeof dev);
			loop = true;
		} else {
			fail("%s is neither a file nor a block device", p);
		}
		/* blkback wants major:minor in hexadecimal */
		snprintf(num, sizeof num, "%x:%x", major(rdev), minor(rdev));
		if (xs_put("physical-device", num, "physical-device-path", dev,
			   "hotplug-status", "connected", (const char *)NULL) < 0) {
			if (loop)
				loop_detach(dev);
			fail("cannot write %s/physical-device: %s", base, strerror(errno));
		}
		return 0;
	}
	if (!strcmp(action, "remove")) {
		char *dev = xs_get("physical-device-path");

		if (dev && !strncmp(dev, "/dev/loop", 9))
			loop_detach(dev);
		return 0;
	}
	return 1;                                /* main checked the action */
}

/* ---- vif ---------------------------------------------------------------- */

/* link_up IFACE UP: sets or clears IFF_UP; 0 or -1 */
static int link_up(int s, const char *iface, bool up)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags = (short)(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* config_get KEY DFLT OUT: KEY= in /etc/xenlive/config (XENLIVE_CONFIG
 * names another file), else DFLT */
static void config_get(const char *key, const char *dflt, char *out, size_t len)
{
	const char *file = getenv("XENLIVE_CONFIG");
	char line[256];
	size_t kl = strlen(key);
	FILE *f = fopen(file && *file ? file : "/etc/xenlive/config", "re");

	snprintf(out, len, "%s", dflt);
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl) && line[kl] == '=' && line[kl + 1] != '\n' && line[kl + 1])
			snprintf(out, len, "%.*s", (int)strcspn(line + kl + 1, "\n"), line + kl + 1);
	if (f)
		fclose(f);
}

/* master_of IFACE: the bridge IFACE is a port of, or "" */
static void master_of(const char *iface, char *out, size_t len)
{
	char path[128], target[256];
	ssize_t n;

	snprintf(path, sizeof path, "/sys/class/net/%s/master", iface);
	n = readlink(path, target, sizeof target - 1);
	target[n > 0 ? n : 0] = '\0';
	snprintf(out, len, "%s", n > 0 ? basename(target) : "");
}

/* ---- the guest's port: only its own MAC gets in ----------------------------
 * A guest's root can send frames with any source MAC.  Its bridge port is
 * locked (Linux >= 5.18: only source MACs with a static FDB entry for that
 * port pass), does not learn, and has one static entry: the MAC dom0 gave
 * the guest (the backend's "mac", which the guest cannot write). */

struct nlreq {
	struct nlmsghdr h;
	union {
		struct ndmsg nd;
		struct ifinfomsg ifi;
		struct tcmsg tc;
	};
	char attrs[256];
};

/* nl_attr REQ TYPE DATA LEN: appends one attribute; returns it */
static struct nlattr *nl_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

/* nl_end REQ NEST: NEST (from nl_attr) holds what came after it */
static void nl_end(struct nlreq *r, struct nlattr *nest)
{
	nest->nla_len = (unsigned short)((char *)r + r->h.nlmsg_len - (char *)nest);
}

/* nl_talk REQ: sends REQ, returns the kernel's answer (0 or -errno) */
static int nl_talk(struct nlreq *r)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} ack;
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), rc = -EIO;

	if (s < 0)
		return -errno;
	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(s, r, r->h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof k) < 0)
		rc = -errno;
	else if (recv(s, &ack, sizeof ack, 0) >= (ssize_t)sizeof ack.h && ack.h.nlmsg_type == NLMSG_ERROR)
		rc = ack.e.error;
	close(s);
	return rc;
}

/* mac_bytes IFACE MAC OUT: MAC ("00:16:3e:..", the backend's "mac") as 6
 * bytes, or the hotplug fails */
static void mac_bytes(const char *iface, const char *mac, unsigned char out[ETH_ALEN])
{
	if (!mac || strlen(mac) != 17 ||
	    sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0], &out[1], &out[2], &out[3], &out[4], &out[5]) != 6)
		fail("no usable mac for %s in %s (got '%s')", iface, base, mac ? mac : "");
}

/* lock_port IFACE MAC HW IDX: IFACE (index IDX) passes only HW, which is MAC */
static void lock_port(const char *iface, const char *mac, const unsigned char hw[ETH_ALEN], unsigned idx)
{
	unsigned char on = 1, off = 0;
	struct nlreq r;
	struct nlattr *nest;
	int rc;

	memset(&r, 0, sizeof r);
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof r.nd);
	r.h.nlmsg_type = RTM_NEWNEIGH;
	r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	r.nd = (struct ndmsg){ .ndm_family = AF_BRIDGE, .ndm_ifindex = (int)idx,
			       .ndm_state = NUD_NOARP, .ndm_flags = NTF_MASTER };
	nl_attr(&r, NDA_LLADDR, hw, ETH_ALEN);
	if ((rc = nl_talk(&r)) < 0)
		fail("could not add %s's address %s to the bridge: %s", iface, mac, strerror(-rc));
	memset(&r, 0, sizeof r);
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof r.ifi);
	r.h.nlmsg_type = RTM_SETLINK;
	r.ifi = (struct ifinfomsg){ .ifi_family = AF_BRIDGE, .ifi_index = (int)idx };
	nest = nl_attr(&r, IFLA_PROTINFO | NLA_F_NESTED, NULL, 0);
	nl_attr(&r, IFLA_BRPORT_LEARNING, &off, 1);
	nl_attr(&r, IFLA_BRPORT_LOCKED, &on, 1);
	nl_end(&r, nest);
	if ((rc = nl_talk(&r)) < 0)
		fail("could not lock %s's bridge port to %s: %s", iface, mac, strerror(-rc));
}

/* ---- the guest's address: one per guest, and only its own ------------------
 * dom0's DHCP server (dnsmasq, started by rc.boot) answers only the MACs
 * listed in NETDIR/hosts, each with its one address, so a guest cannot take
 * the leases of guests yet to come.  The guests of all xenlive machines share
 * BRIDGE_NET's /16 (they meet on one cable in LAN mode); this machine hands
 * out its own /20 of it, NETDIR/base (written by rc.boot from the machine's
 * letter; BRIDGE_NET when missing): 16 blocks of 256, room for more than a
 * thousand guests.  Slot N is the address N in the /16 (x.y.N/256.N%256), and
 * in each block of 256 only .10-.250 are handed out (.1 is dom0, .254 the
 * self-test's guest, the rest kept free).
 * vif online claims the first free slot of this machine's /20 (the file
 * NETDIR/ip/N, holding the vif's name, created under NETDIR/lock; a claim
 * whose vif is gone is taken back) -- or, for a guest moved here from another
 * machine, the address it had there (NETDIR/incoming/MAC, written by the
 * receiving end of xenlive-migrate) -- lists the guest's MAC with it, writes
 * it to the backend's "ip" (which the guest cannot write) and filters what the
 * guest sends (filters on its port's
 * ingress, before the bridge, below): IPv4 only from that address (or from 0.0.0.0
 * to ask for it), ARP only for that address from its own MAC, no DHCP server
 * replies, nothing else.  Guests still reach each other and dom0.  vif
 * offline removes the listing and releases the lease (dhcp_release). */
#define NETDIR "/run/xenlive/net"
enum { SLOTS = 65536 };
static int first = 10, last = 15 * 256 + 250;   /* this machine's /20: .0.10 to .15.250 */
static int claimed = -1;                 /* the slot this run claimed, until the guest has it */

static bool slot_ok(int n)
{
	return n % 256 >= 10 && n % 256 <= 250;
}

/* slot_ip NET N: slot N's address in NET's /16 ("10.73.16" and 300:
 * 10.73.1.44); -1 when NET is not three octets starting a /20 */
static int slot_ip(const char *net, int n, char *out, size_t len)
{
	unsigned a, b, c;
	char end;

	if (sscanf(net, "%u.%u.%u%c", &a, &b, &c, &end) != 3 || a > 255 || b > 255 || c > 255 || c % 16 ||
	    n < 0 || n >= SLOTS)
		return -1;
	snprintf(out, len, "%u.%u.%d.%d", a, b, n / 256, n % 256);
	return 0;
}

/* ip_slot NET IP: IP's slot when it is in NET's /16, else -1 */
static int ip_slot(const char *net, const char *ip)
{
	unsigned a, b, c, d, x, y;
	char end;

	if (sscanf(net, "%u.%u", &a, &b) != 2 || sscanf(ip, "%u.%u.%u.%u%c", &x, &y, &c, &d, &end) != 4 ||
	    x != a || y != b || c > 255 || d > 255)
		return -1;
	return (int)(c * 256 + d);
}

/* run ARGV: ARGV[0] with nothing on its stdin, its output on our stderr;
 * its exit status, or -1 */
static int run(char *const argv[])
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		if (null > 0)
			dup2(null, 0);
		dup2(2, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* slot_read DIR N OUT: the first line of NETDIR/DIR/N, or "" */
static void slot_read(const char *dir, int n, char *out, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, NETDIR "/%s/%d", dir, n);
	out[0] = '\0';
	if ((f = fopen(path, "re"))) {
		if (!fgets(out, (int)len, f))
			out[0] = '\0';
		out[strcspn(out, "\n")] = '\0';
		fclose(f);
	}
}

/* release N: slot N's listing goes (dnsmasq re-reads its hosts on SIGHUP),
 * then its lease, then the claim */
static void release(int n)
{
	char host[64], path[128], bridge[IFNAMSIZ];
	char *ip;
	long pid = 0;
	FILE *f;

	slot_read("hosts", n, host, sizeof host);
	snprintf(path, sizeof path, NETDIR "/hosts/%d", n);
	unlink(path);
	if ((f = fopen("/run/xenlive/dnsmasq.pid", "re"))) {
		if (fscanf(f, "%ld", &pid) == 1 && pid > 1)
			kill((pid_t)pid, SIGHUP);
		fclose(f);
	}
	if ((ip = strchr(host, ','))) {
		*ip++ = '\0';
		config_get("BRIDGE", "xenbr0", bridge, sizeof bridge);
		run((char *const[]){ "/usr/bin/dhcp_release", bridge, ip, host, NULL });
	}
	snprintf(path, sizeof path, NETDIR "/ip/%d", n);
	unlink(path);
}

static void unclaim(void)
{
	if (claimed >= 0)
		release(claimed);
	claimed = -1;
}

/* net_lock: NETDIR's lock, held until the descriptor is closed */
static int net_lock(void)
{
	int fd;

	mkdir(NETDIR, 0755);
	mkdir(NETDIR "/ip", 0755);
	mkdir(NETDIR "/hosts", 0755);
	if ((fd = open(NETDIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 || flock(fd, LOCK_EX) < 0)
		fail("cannot lock %s/lock: %s", NETDIR, strerror(errno));
	return fd;
}

/* claim IFACE NET WANT: the slot IFACE holds: a new one (WANT, when not -1,
 * and only that one), or (*HAD set) the one it already has (online run twice) */
static int claim(const char *iface, const char *net, int want, bool *had)
{
	char path[128], owner[IFNAMSIZ + 1], sys[64];
	int lock = net_lock(), n, fd = -1;

	for (n = want >= 0 ? want : first; n <= (want >= 0 ? want : last); n++) {
		if (!slot_ok(n))
			continue;
		snprintf(path, sizeof path, NETDIR "/ip/%d", n);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) >= 0)
			break;
		if (errno != EEXIST) {
			close(lock);
			fail("cannot claim %s: %s", path, strerror(errno));
		}
		slot_read("ip", n, owner, sizeof owner);
		if (!strcmp(owner, iface)) {
			close(lock);
			*had = true;
			return n;
		}
		snprintf(sys, sizeof sys, "/sys/class/net/%s", owner);
		if (owner[0] && access(sys, F_OK) == 0)
			continue;
		release(n);                      /* its vif is gone */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) >= 0)
			break;
	}
	if (fd < 0 && want >= 0) {
		slot_ip(net, want, path, sizeof path);
		close(lock);
		fail("the address %s that %s had on its last machine is taken here", path, iface);
	}
	if (fd < 0) {
		close(lock);
		fail("no free address for %s: all guest addresses of %s.0/20 are taken", iface, net);
	}
	claimed = n;
	if (dprintf(fd, "%s\n", iface) < 0 || close(fd) < 0) {
		close(lock);
		fail("cannot write %s: %s", path, strerror(errno));
	}
	close(lock);
	return n;
}

/* ---- what the guest sends: filters on its port's ingress -------------------
 * Made with netlink, the same as these iproute2 tc commands would make
 * (tc, started here before, cost ~0.1-0.2 s of every guest's launch under
 * QEMU; dom0 no longer has it):
 *   qdisc add dev IFACE clsact
 *   filter add dev IFACE ingress pref 1 protocol ip flower ip_proto udp src_port 67 action drop
 *   filter add dev IFACE ingress pref 2 protocol ip flower src_ip IP action pass
 *   filter add dev IFACE ingress pref 3 protocol ip flower src_ip 0.0.0.0 ip_proto udp src_port 68 dst_port 67 action pass
 *   filter add dev IFACE ingress pref 4 protocol arp flower arp_sip IP arp_sha MAC action pass
 *   filter add dev IFACE ingress pref 5 protocol arp flower arp_sip 0.0.0.0 arp_sha MAC action pass
 *   filter add dev IFACE ingress pref 6 protocol all matchall action drop */
struct match {                           /* one filter; 0 and NULL: not matched */
	unsigned short pref, eth;        /* eth: ETH_P_IP, ETH_P_ARP, or ETH_P_ALL (matchall) */
	unsigned char ip_proto;
	unsigned short sport, dport;
	const char *ip;                  /* IPv4 source, or ARP sender address */
	const unsigned char *sha;        /* ARP sender MAC */
	int verdict;                     /* TC_ACT_OK or TC_ACT_SHOT */
};

/* tc_req REQ TYPE IDX PARENT HANDLE INFO KIND: a new qdisc or filter on IDX */
static void tc_req(struct nlreq *r, unsigned short type, unsigned idx, unsigned parent, unsigned handle,
		   unsigned info, const char *kind)
{
	memset(r, 0, sizeof *r);
	r->h.nlmsg_len = NLMSG_LENGTH(sizeof r->tc);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r->tc = (struct tcmsg){ .tcm_family = AF_UNSPEC, .tcm_ifindex = (int)idx, .tcm_parent = parent,
				.tcm_handle = handle, .tcm_info = info };
	nl_attr(r, TCA_KIND, kind, strlen(kind) + 1);
}

static int tc_filter(unsigned idx, const struct match *m)
{
	struct tc_gact gact = { .action = m->verdict };
	struct nlattr *opts, *acts, *act, *aopts;
	struct nlreq r;
	in_addr_t a;
	bool all = m->eth == ETH_P_ALL;

	tc_req(&r, RTM_NEWTFILTER, idx, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS), 0,
	       TC_H_MAKE((unsigned)m->pref << 16, htons(m->eth)), all ? "matchall" : "flower");
	opts = nl_attr(&r, TCA_OPTIONS | NLA_F_NESTED, NULL, 0);
	if (!all) {
		unsigned short eth = htons(m->eth), sport = htons(m->sport), dport = htons(m->dport);

		nl_attr(&r, TCA_FLOWER_KEY_ETH_TYPE, &eth, sizeof eth);
		if (m->ip_proto)
			nl_attr(&r, TCA_FLOWER_KEY_IP_PROTO, &m->ip_proto, 1);
		if (m->sport)
			nl_attr(&r, TCA_FLOWER_KEY_UDP_SRC, &sport, sizeof sport);
		if (m->dport)
			nl_attr(&r, TCA_FLOWER_KEY_UDP_DST, &dport, sizeof dport);
		if (m->ip) {
			if (inet_pton(AF_INET, m->ip, &a) != 1)
				return -EINVAL;
			nl_attr(&r, m->eth == ETH_P_ARP ? TCA_FLOWER_KEY_ARP_SIP : TCA_FLOWER_KEY_IPV4_SRC, &a, sizeof a);
		}
		if (m->sha)
			nl_attr(&r, TCA_FLOWER_KEY_ARP_SHA, m->sha, ETH_ALEN);
	}
	acts = nl_attr(&r, (all ? TCA_MATCHALL_ACT : TCA_FLOWER_ACT) | NLA_F_NESTED, NULL, 0);
	act = nl_attr(&r, 1 | NLA_F_NESTED, NULL, 0);
	nl_attr(&r, TCA_ACT_KIND, "gact", 5);
	aopts = nl_attr(&r, TCA_ACT_OPTIONS | NLA_F_NESTED, NULL, 0);
	nl_attr(&r, TCA_GACT_PARMS, &gact, sizeof gact);
	nl_end(&r, aopts);
	nl_end(&r, act);
	nl_end(&r, acts);
	nl_end(&r, opts);
	return nl_talk(&r);
}

/* filter IFACE IP SHA: the filters above on IFACE (SHA: its MAC's bytes) */
static void filter(const char *iface, const char *ip, const unsigned char sha[ETH_ALEN])
{
	unsigned idx = if_nametoindex(iface);
	const struct match m[] = {
		{ .pref = 1, .eth = ETH_P_IP, .ip_proto = IPPROTO_UDP, .sport = 67, .verdict = TC_ACT_SHOT },
		{ .pref = 2, .eth = ETH_P_IP, .ip = ip, .verdict = TC_ACT_OK },
		{ .pref = 3, .eth = ETH_P_IP, .ip = "0.0.0.0", .ip_proto = IPPROTO_UDP, .sport = 68, .dport = 67,
		  .verdict = TC_ACT_OK },
		{ .pref = 4, .eth = ETH_P_ARP, .ip = ip, .sha = sha, .verdict = TC_ACT_OK },
		{ .pref = 5, .eth = ETH_P_ARP, .ip = "0.0.0.0", .sha = sha, .verdict = TC_ACT_OK },
		{ .pref = 6, .eth = ETH_P_ALL, .verdict = TC_ACT_SHOT },
	};
	struct nlreq r;
	int rc;

	tc_req(&r, RTM_NEWQDISC, idx, TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0), 0, "clsact");
	if ((rc = nl_talk(&r)) < 0)
		fail("could not filter what %s sends: its clsact qdisc: %s", iface, strerror(-rc));
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if ((rc = tc_filter(idx, &m[i])) < 0)
			fail("could not filter what %s sends: filter %u: %s", iface, m[i].pref, strerror(-rc));
}

/* guard IFACE MAC HW: IFACE's address, its DHCP listing and its filters
 * (HW: MAC's bytes) */
static void guard(const char *iface, const char *mac, const unsigned char hw[ETH_ALEN])
{
	char net[32], ip[48], tmp[128], path[128];
	bool had = false;
	int n, fd, want = -1;
	FILE *f;

	config_get("BRIDGE_NET", "10.73.0", net, sizeof net);
	if ((f = fopen(NETDIR "/base", "re"))) {
		if (fgets(tmp, sizeof tmp, f))
			snprintf(net, sizeof net, "%.*s", (int)strcspn(tmp, "\n"), tmp);
		fclose(f);
	}
	if (slot_ip(net, 0, ip, sizeof ip) < 0)
		fail("the guests' network '%s' (BRIDGE_NET, %s/base) is not the start of a /20 (e.g. 10.73.0)", net, NETDIR);
	first = atoi(strrchr(net, '.') + 1) * 256 + 10;
	last = first - 10 + 15 * 256 + 250;
	/* a guest moved here keeps its address (NETDIR/incoming/MAC) */
	snprintf(path, sizeof path, NETDIR "/incoming/%s", mac);
	if ((f = fopen(path, "re"))) {
		if (fgets(tmp, sizeof tmp, f)) {
			tmp[strcspn(tmp, "\n")] = '\0';
			if ((want = ip_slot(net, tmp)) < 0 || !slot_ok(want))
				fail("%s holds '%s', not a guest address in %s's /16", path, tmp, net);
		}
		fclose(f);
		unlink(path);
	}
	n = claim(iface, net, want, &had);
	slot_ip(net, n, ip, sizeof ip);
	snprintf(tmp, sizeof tmp, NETDIR "/.host-%d", n);
	snprintf(path, sizeof path, NETDIR "/hosts/%d", n);
	/* (written beside and renamed in: dnsmasq reads new files at once) */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 ||
	    dprintf(fd, "%s,%s\n", mac, ip) < 0 || close(fd) < 0 || rename(tmp, path) < 0)
		fail("cannot list %s for the DHCP server in %s: %s", mac, path, strerror(errno));
	if (!had)
		filter(iface, ip, hw);
	if (xs_put("ip", ip, (const char *)NULL) < 0)
		fail("cannot write %s/ip: %s", base, strerror(errno));
}

/* unguard IFACE: gives back the address IFACE holds */
static void unguard(const char *iface)
{
	char owner[IFNAMSIZ + 1];
	int lock = net_lock();

	DIR *d = opendir(NETDIR "/ip");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *end;
		long n = strtol(e->d_name, &end, 10);

		if (*end || end == e->d_name || n < 0 || n >= SLOTS)
			continue;
		slot_read("ip", (int)n, owner, sizeof owner);
		if (!strcmp(owner, iface))
			release((int)n);
	}
	if (d)
		closedir(d);
	close(lock);
}

static int vif(const char *action)
{
	const char *iface = getenv("vif");
	int s;

	if (!iface || !*iface)
		fail("no vif in the environment (run by libxl, which sets it)");
	if ((s = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		fail("socket: %s", strerror(errno));
	if (!strcmp(action, "online") || !strcmp(action, "add")) {
		char *bridge = xs_get("bridge"), *mac = xs_get("mac"), path[128], master[IFNAMSIZ], dflt[IFNAMSIZ];
		const char *br = bridge && *bridge ? bridge : (config_get("BRIDGE", "xenbr0", dflt, sizeof dflt), dflt);
		unsigned char hw[ETH_ALEN];
		struct ifreq ifr = { 0 };
		struct stat st;

		snprintf(path, sizeof path, "/sys/class/net/%s/bridge", br);
		if (stat(path, &st) < 0)
			fail("no bridge %s", br);
		mac_bytes(iface, mac, hw);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", br);
		if (!(ifr.ifr_ifindex = (int)if_nametoindex(iface)))
			fail("no interface %s", iface);
		guard(iface, mac, hw);
		master_of(iface, master, sizeof master);
		if (strcmp(master, br) && ioctl(s, SIOCBRADDIF, &ifr) < 0)
			fail("could not put %s on %s: %s", iface, br, strerror(errno));
		lock_port(iface, mac, hw, (unsigned)ifr.ifr_ifindex);
		if (link_up(s, iface, true) < 0)
			fail("could not bring %s up: %s", iface, strerror(errno));
		if (xs_put("hotplug-status", "connected", (const char *)NULL) < 0)
			fail("cannot write %s/hotplug-status: %s", base, strerror(errno));
		claimed = -1;                    /* the guest has it now */
		return 0;
	}
	if (!strcmp(action, "offline") || !strcmp(action, "remove")) {
		char master[IFNAMSIZ];
		struct ifreq ifr = { 0 };

		link_up(s, iface, false);
		master_of(iface, master, sizeof master);
		if (*master) {
			snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", master);
			ifr.ifr_ifindex = (int)if_nametoindex(iface);
			ioctl(s, SIOCBRDELIF, &ifr);
		}
		unguard(iface);
		return 0;
	}
	return 1;                                /* main checked the action */
}

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const char *const block_actions[] = { "add", "remove", NULL };
	static const char *const vif_actions[] = { "online", "offline", "add", "remove", NULL };
	char *self = basename(argv[0]);
	bool is_block = !strcmp(self, "xenlive-block"), is_vif = !strcmp(self, "xenlive-vif");
	const char *usage = is_block ? "add|remove" : "online|offline|add|remove";

	if (!is_block && !is_vif) {
		fprintf(stderr, "%s: run me as xenlive-block or xenlive-vif (links in /etc/xen/scripts)\n", prog);
		return 1;
	}
	prog = self;
	if (argc < 2 || !one_of(argv[1], is_block ? block_actions : vif_actions)) {
		fprintf(stderr, "usage (run by libxl): %s %s%s%s%s\n", prog, usage,
			argc < 2 ? "" : " (not '", argc < 2 ? "" : argv[1], argc < 2 ? "" : "')");
		return 1;
	}
	if (!(base = getenv("XENBUS_PATH")) || !*base) {
		base = NULL;
		fail("run by libxl, which sets XENBUS_PATH");
	}
	if (!(xs = xs_open(0)))
		fail("cannot reach xenstore: %s", strerror(errno));
	return is_block ? block(argv[1]) : vif(argv[1]);
}
