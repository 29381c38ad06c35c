/* main.c — xenlive-agent: runs in every xenlive PV guest and talks to dom0
 * through xenstore keys under the guest's own data/xenlive/ (see
 * README.md): state booting -> ready, ip, workload reports; dom0 writes
 * request = "SEQ KIND ARG".
 *
 * One poll loop, 100 ms tick: xenstore messages (the watch on request),
 * the running workload's result pipe, the console check until ready, the
 * address check every second. The request is taken with read + rm in one
 * transaction, so every dom0 write is seen once, whatever its SEQ.
 *
 * Test hooks (environment): XENLIVE_AGENT_PROC replaces /proc for the
 * console check, XENLIVE_AGENT_DISK replaces /dev/xvda for `disk`. */
#include "guestinfo.h"
#include "init.h"
#include "request.h"
#include "sysinfo.h"
#include "work.h"
#include "xs.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY_STATE    "data/xenlive/state"
#define KEY_IP       "data/xenlive/ip"
#define KEY_REQUEST  "data/xenlive/request"
#define KEY_WORKLOAD "data/xenlive/workload"
#define REQ_TOKEN    "xenlive-request"
#define XENBUS_WAIT  60.0
#define MAX_PROCS    2048
#define MAX_IGNORE   64

struct agent {
	int foreground, ready_now;
	unsigned ready_timeout, address_wait;
	const char *xenbus;        /* NULL: the kernel's device */
	const char *proc_root, *disk_dev;
	struct xs xs;
	struct work work;
	int ready;
	char ip[64];               /* last ip written ("" none) */
	pid_t ignore[MAX_IGNORE];  /* ancestors seen at start */
	size_t nignore;
	double t_start, next_ip, next_console;
};

static volatile sig_atomic_t quit;

__attribute__((format(printf, 1, 2)))
static void logmsg(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "xenlive-agent: %s\n", line);
}

static void on_quit(int sig)
{
	(void)sig;
	quit = 1;
}

/* For logging values dom0 sent: printable ASCII only, at most 80 bytes. */
static const char *printable(const char *s, char *out, size_t len)
{
	size_t k = 0;

	for (; *s && k + 1 < len && k < 80; s++)
		out[k++] = (*s >= 32 && *s < 127) ? *s : '?';
	out[k] = '\0';
	return out;
}

static void put(struct agent *a, const char *key, const char *value)
{
	int r = xs_write(&a->xs, 0, key, value);

	if (r < 0)
		logmsg("cannot write %s: %s", key, strerror(-r));
}

static void report(struct agent *a, const char *line)
{
	logmsg("workload: %s", line);
	put(a, KEY_WORKLOAD, line);
}

/* ---- xenstore connection ------------------------------------------------- */

static int agent_connect(struct agent *a)
{
	static const char *const dflt[] = { "/dev/xen/xenbus", "/proc/xen/xenbus" };
	const char *const *paths = a->xenbus ? &a->xenbus : dflt;
	size_t npaths = a->xenbus ? 1 : 2;
	double t0 = work_now();
	int logged = 0, r = 0;

	while (!quit) {
		for (size_t i = 0; i < npaths; i++) {
			if ((r = xs_open(&a->xs, paths[i])) == 0) {
				logmsg("connected to xenstore through %s", paths[i]);
				return 0;
			}
		}
		if (work_now() - t0 > XENBUS_WAIT) {
			logmsg("no xenstore after %.0f s (%s: %s)", XENBUS_WAIT, paths[0],
			       strerror(-r));
			return -1;
		}
		if (!logged++)
			logmsg("waiting for %s (%s)", paths[0], strerror(-r));
		usleep(250000);
	}
	return -1;
}

static void set_ready(struct agent *a, const char *why)
{
	a->ready = 1;
	logmsg("ready: %s", why);
	put(a, KEY_STATE, "ready");
}

/* After (re)connecting: state, stale request gone, watch, address again. */
static void agent_setup(struct agent *a, int first)
{
	int r;

	put(a, KEY_STATE, a->ready ? "ready" : "booting");
	if (!a->ready)
		logmsg("state: booting");
	if (first && a->ready_now)
		set_ready(a, "--ready-now");
	if (first && (r = xs_rm(&a->xs, 0, KEY_REQUEST)) < 0 && r != -ENOENT)
		logmsg("cannot remove a stale %s: %s", KEY_REQUEST, strerror(-r));
	if ((r = xs_watch(&a->xs, KEY_REQUEST, REQ_TOKEN)) < 0 && r != -EEXIST)
		logmsg("cannot watch %s: %s (requests will not be seen)", KEY_REQUEST,
		       strerror(-r));
	a->ip[0] = '\0';
	a->next_ip = 0;
}

/* A guest that was saved and restored (xl save/restore, or moved to another
 * host) runs on in a new domain whose xenstore home is empty: the guest
 * kernel registers its watches again, xenstored fires each once, and the
 * agent finds its state key gone.  It writes state and address again, so
 * dom0 sees the guest as ready (and where it is) without a reboot. */
static void agent_check_home(struct agent *a)
{
	char val[16];

	if (xs_read(&a->xs, 0, KEY_STATE, val, sizeof val) != -ENOENT)
		return;
	logmsg("state key gone: restored in a new domain, writing state and address again");
	agent_setup(a, 0);
}

/* ---- requests ------------------------------------------------------------ */

static void agent_handle(struct agent *a, const char *val)
{
	struct request r;
	char seqtxt[24], why[96], line[REPORT_MAX], pv[96];

	logmsg("request '%s'", printable(val, pv, sizeof pv));
	if (request_parse(val, &r, seqtxt, sizeof seqtxt, why, sizeof why) < 0 ||
	    request_admit(&r, a->work.pid ? &a->work.req : NULL, why, sizeof why) < 0) {
		report(a, report_rejected(seqtxt, why, line, sizeof line));
		return;
	}
	if (r.kind == WK_STOP) {
		if (a->work.pid) {
			logmsg("stopping %s", a->work.req.text);
			work_stop(&a->work, work_now());
		} else {
			snprintf(line, sizeof line, "%.40s done: nothing running", r.text);
			report(a, line);
		}
		return;
	}
	if (work_start(&a->work, &r, a->disk_dev, a->xs.fd, why, sizeof why) < 0) {
		snprintf(line, sizeof line, "%.40s failed: %.96s", r.text, why);
		report(a, line);
		return;
	}
	report(a, report_running(&r, line, sizeof line));
}

/* Take the request: read and remove it in one transaction (EAGAIN: again),
 * so each value dom0 writes is handled exactly once. */
static void agent_take_request(struct agent *a)
{
	char val[256];
	int r = -EAGAIN;

	for (int attempt = 0; attempt < 5 && r == -EAGAIN; attempt++) {
		uint32_t tx;

		if (xs_tx_start(&a->xs, &tx) < 0) {      /* no transactions: plain */
			if ((r = xs_read(&a->xs, 0, KEY_REQUEST, val, sizeof val)) < 0)
				break;
			xs_rm(&a->xs, 0, KEY_REQUEST);
			break;
		}
		r = xs_read(&a->xs, tx, KEY_REQUEST, val, sizeof val);
		if (r < 0) {
			xs_tx_end(&a->xs, tx, 0);
			break;
		}
		if ((r = xs_rm(&a->xs, tx, KEY_REQUEST)) < 0) {
			logmsg("cannot remove %s: %s", KEY_REQUEST, strerror(-r));
			xs_tx_end(&a->xs, tx, 0);
			r = 0;                           /* handle it anyway */
			break;
		}
		r = xs_tx_end(&a->xs, tx, 1);
		if (r == -EAGAIN)
			logmsg("request transaction conflicted, retrying");
	}
	if (r == -ENOENT)
		return;                                  /* our own rm, or nothing yet */
	if (r < 0 && r != -EAGAIN) {
		logmsg("cannot take %s: %s", KEY_REQUEST, strerror(-r));
		return;
	}
	if (r == -EAGAIN) {
		logmsg("cannot take %s: transaction kept conflicting", KEY_REQUEST);
		return;
	}
	agent_handle(a, val);
}

/* ---- the guest ----------------------------------------------------------- */

static int console_up(struct agent *a, char *who, size_t len)
{
	static struct proc_info procs[MAX_PROCS];
	pid_t ign[2 * MAX_IGNORE];
	size_t nign;
	int n = sysinfo_procs(a->proc_root, procs, MAX_PROCS), i;

	if (n < 0)
		return 0;
	memcpy(ign, a->ignore, a->nignore * sizeof *ign);
	nign = a->nignore + guest_ancestors(procs, (size_t)n, getpid(), ign + a->nignore, MAX_IGNORE);
	i = guest_console_proc(procs, (size_t)n, ign, nign);
	if (i < 0)
		return 0;
	snprintf(who, len, "console login seen: %s (pid %d)", procs[i].comm, (int)procs[i].pid);
	return 1;
}

static void remember_ancestors(struct agent *a)
{
	static struct proc_info procs[MAX_PROCS];
	int n = sysinfo_procs(a->proc_root, procs, MAX_PROCS);

	a->nignore = n < 0 ? 0 : guest_ancestors(procs, (size_t)n, getpid(), a->ignore, MAX_IGNORE);
}

static void agent_tick(struct agent *a, double now)
{
	char who[64], ip[64];
	/* --address-wait: the guest's init takes its address while the
	 * distro boots; ready waits for it (looked at with the console), so
	 * whoever sees ready finds the address too, as when init waited */
	int addr_due = !a->ready && a->address_wait && now - a->t_start < a->address_wait;

	work_tick(&a->work, now);
	if (now >= a->next_ip) {
		sysinfo_ipv4(ip, sizeof ip);
		/* every second until the guest has an address (with the console
		 * while ready waits for it), then every 5 s */
		a->next_ip = now + (ip[0] ? 5.0 : addr_due ? 0.1 : 1.0);
		if (strcmp(ip, a->ip)) {
			int r;

			if (ip[0]) {
				logmsg("ip: %s", ip);
				put(a, KEY_IP, ip);
			} else {
				logmsg("ip: none");
				if ((r = xs_rm(&a->xs, 0, KEY_IP)) < 0 && r != -ENOENT)
					logmsg("cannot remove %s: %s", KEY_IP, strerror(-r));
			}
			snprintf(a->ip, sizeof a->ip, "%s", ip);
		}
	}
	if (!a->ready && now >= a->next_console) {
		a->next_console = now + 0.1;
		if (addr_due && !a->ip[0]) {
			/* the address first */
		} else if (console_up(a, who, sizeof who)) {
			set_ready(a, who);
		} else if (now - a->t_start >= a->ready_timeout) {
			/* why first: whoever sees ready finds the reason there */
			snprintf(who, sizeof who, "no console login seen after %u s", a->ready_timeout);
			put(a, KEY_WORKLOAD, who);
			set_ready(a, "no console login seen");
		}
	}
}

/* How long the main loop may sleep (ms): until the next console check
 * (before ready), the next address check (every 5 s once it has one) or,
 * while a workload runs, a tenth of a second.  Waking every 100 ms cost an
 * idle guest ~2.5% of a CPU under QEMU's TCG (0.2-0.3% with the agent
 * stopped); once a second still 1%. */
static int agent_timeout_ms(const struct agent *a, double now)
{
	double next = a->next_ip;
	long ms;

	if (!a->ready && a->next_console < next)
		next = a->next_console;
	if (a->work.pid && now + 0.1 < next)
		next = now + 0.1;
	ms = (long)((next - now) * 1000.0) + 1;
	return ms < 0 ? 0 : ms > 5000 ? 5000 : (int)ms;
}

/* ---- process ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: xenlive-agent [--foreground] [--ready-now] [--ready-timeout S] [--address-wait S]\n"
	      "                     [--xenbus PATH]\n"
	      "Guest side of xenlive: reports state/ip/workload in xenstore under\n"
	      "data/xenlive/ and runs the workloads dom0 requests there.\n"
	      "  --foreground       do not daemonize (log to stderr)\n"
	      "  --ready-now        write state=ready at once (tests)\n"
	      "  --ready-timeout S  ready after S seconds without a console login (120)\n"
	      "  --address-wait S   ready waits up to S seconds for an IPv4 address\n"
	      "  --xenbus PATH      xenbus device or UNIX socket (default /dev/xen/xenbus,\n"
	      "                     then /proc/xen/xenbus)\n", f);
}

/* One line to stderr, exit 2. */
__attribute__((format(printf, 1, 2), noreturn))
static void bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("xenlive-agent: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try xenlive-agent --help)\n", stderr);
	exit(2);
}

static void parse_args(struct agent *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "ready-now", no_argument, NULL, 'n' },
		{ "ready-timeout", required_argument, NULL, 't' },
		{ "address-wait", required_argument, NULL, 'a' },
		{ "xenbus", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->foreground = 1; break;
		case 'n': a->ready_now = 1; break;
		case 'x': a->xenbus = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 't':
		case 'a': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (!*optarg || *end || optarg[0] == '-' || v < 1 || v > 86400)
				bad_usage("--%s wants 1..86400 seconds, not '%s'",
					  c == 't' ? "ready-timeout" : "address-wait", optarg);
			if (c == 't')
				a->ready_timeout = (unsigned)v;
			else
				a->address_wait = (unsigned)v;
			break;
		}
		case ':':
			bad_usage("option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			bad_usage("unknown option '%s'", argv[optind - 1]);
			break;
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
}

static void daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		logmsg("fork: %s; staying in the foreground", strerror(errno));
		return;
	}
	if (pid > 0)
		_exit(0);
	setsid();
	if (chdir("/") < 0)
		logmsg("chdir /: %s", strerror(errno));
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		dup2(fd, 0);
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	static struct agent ag = { .ready_timeout = 120 };
	struct agent *a = &ag;
	struct sigaction sa = { .sa_handler = on_quit };    /* no SA_RESTART */
	int status = 0;
	const char *base = argc > 0 && argv[0] ? argv[0] : "";

	if (strrchr(base, '/'))
		base = strrchr(base, '/') + 1;

	/* the guests' /init is a link to this program (init.c) */
	if (strcmp(base, "init") == 0)
		return guest_init(argc, argv);
	parse_args(a, argc, argv);
	a->proc_root = getenv("XENLIVE_AGENT_PROC") ? getenv("XENLIVE_AGENT_PROC") : "/proc";
	a->disk_dev = getenv("XENLIVE_AGENT_DISK") ? getenv("XENLIVE_AGENT_DISK") : "/dev/xvda";
	a->xs.fd = -1;
	a->work.fd = -1;
	remember_ancestors(a);                /* before the fork loses them */
	if (!a->foreground)
		daemonize();
	setvbuf(stderr, NULL, _IOLBF, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	a->t_start = work_now();
	logmsg("starting (pid %d)", (int)getpid());
	if (agent_connect(a) < 0)
		return quit ? 0 : 1;
	agent_setup(a, 1);

	while (!quit) {
		struct pollfd pfd[2] = { { .fd = a->xs.fd, .events = POLLIN },
					 { .fd = a->work.pid ? a->work.fd : -1, .events = POLLIN } };
		struct xs_event ev;
		char line[REPORT_MAX];

		if (poll(pfd, 2, agent_timeout_ms(a, work_now())) < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			usleep(100000);
		}
		if (quit)
			break;
		if (pfd[0].revents) {
			int r = xs_pump(&a->xs);

			if (r < 0) {
				logmsg("lost the xenstore connection (%s); reconnecting", strerror(-r));
				xs_close(&a->xs);
				if (agent_connect(a) < 0) {
					status = quit ? 0 : 1;
					break;
				}
				agent_setup(a, 0);
			}
		}
		while (xs_next_event(&a->xs, &ev))
			if (!strcmp(ev.token, REQ_TOKEN)) {
				agent_check_home(a);
				agent_take_request(a);
			}
		if (a->work.pid && pfd[1].revents && work_collect(&a->work, line, sizeof line))
			report(a, line);
		agent_tick(a, work_now());
	}

	if (a->work.pid) {
		char line[REPORT_MAX];

		work_kill(&a->work);
		snprintf(line, sizeof line, "%.40s failed: agent stopped", a->work.req.text);
		report(a, line);
	}
	if (a->xs.fd >= 0) {
		put(a, KEY_STATE, "stopped");
		xs_close(&a->xs);
	}
	logmsg("exiting%s", quit ? " (signal)" : "");
	return status;
}
