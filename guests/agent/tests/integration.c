/* integration.c — xenlive-agent against a fake xenstore.
 *
 *   integration AGENT_BINARY
 *
 * The fake listens on a UNIX socket (the agent's --xenbus PATH) and speaks
 * the xenstore wire protocol: READ, WRITE, RM, WATCH (+ WATCH_EVENT, also
 * fired once on registration), TRANSACTION_START/END with buffered
 * operations, ERROR replies. The domain's home is /local/domain/7;
 * relative paths are resolved against it, as xenstored does. Every write
 * is recorded so the tests can check sequences (booting -> ready,
 * running -> done), and dom0's side is played by writing `request`. */
#include "harness.h"
#include "xsproto.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOME_PATH "/local/domain/7"
#define K(x) HOME_PATH "/data/xenlive/" x

/* ---- the fake store ------------------------------------------------------ */

struct node { char path[256], val[512]; };
struct rec { char path[256], val[512]; double t; };
struct watch { char path[256], token[64]; int relative; };
struct op { int rm; char path[256], val[512]; };
struct tx { uint32_t id; struct op ops[32]; int nops; };

static struct {
	int lfd, cfd;
	pid_t agent;
	char dir[64], sock[128], log[160];
	struct xsp_reader rd;
	struct node nodes[256];
	int nnodes;
	struct rec hist[1024];
	int nhist;
	struct watch watches[16];
	int nwatches;
	struct tx txs[8];
	uint32_t next_tx;
	int eagain_left, eagain_sent;
} F;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void abs_path(const char *p, char *out, size_t len)
{
	if (p[0] == '/')
		snprintf(out, len, "%.200s", p);
	else
		snprintf(out, len, "%s/%.200s", HOME_PATH, p);
}

static struct node *node_find(const char *path)
{
	for (int i = 0; i < F.nnodes; i++)
		if (!strcmp(F.nodes[i].path, path))
			return &F.nodes[i];
	return NULL;
}

static const char *get(const char *path)
{
	struct node *n = node_find(path);

	return n ? n->val : NULL;
}

static void send_msg(uint32_t type, uint32_t req, uint32_t tx, const void *payload, size_t len)
{
	struct xsp_hdr h = { type, req, tx, (uint32_t)len };
	uint8_t buf[XSP_MSG_MAX];

	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, payload, len);
	if (F.cfd >= 0 && write(F.cfd, buf, sizeof h + len) != (ssize_t)(sizeof h + len))
		fprintf(stderr, "integration: short write to the agent\n");
}

static void fire(const char *path)
{
	for (int i = 0; i < F.nwatches; i++) {
		struct watch *w = &F.watches[i];
		size_t lw = strlen(w->path);
		char ev[600];
		const char *p = path;
		size_t n;

		if (strncmp(path, w->path, lw) || (path[lw] && path[lw] != '/'))
			continue;
		if (w->relative)
			p += strlen(HOME_PATH) + 1;
		n = (size_t)snprintf(ev, sizeof ev, "%s%c%s", p, 0, w->token) + 1;
		send_msg(XS_WATCH_EVENT, 0, 0, ev, n);
	}
}

static void record(const char *path, const char *val)
{
	if (F.nhist < 1024) {
		struct rec *r = &F.hist[F.nhist++];

		snprintf(r->path, sizeof r->path, "%s", path);
		snprintf(r->val, sizeof r->val, "%s", val);
		r->t = now();
	}
}

static void set(const char *path, const char *val)
{
	struct node *n = node_find(path);

	if (!n && F.nnodes < 256)
		n = &F.nodes[F.nnodes++];
	if (n) {
		snprintf(n->path, sizeof n->path, "%s", path);
		snprintf(n->val, sizeof n->val, "%s", val);
	}
	record(path, val);
	fire(path);
}

static void rm(const char *path)
{
	struct node *n = node_find(path);

	if (n) {
		*n = F.nodes[--F.nnodes];
		record(path, "(removed)");
		fire(path);
	}
}

static struct tx *tx_find(uint32_t id)
{
	for (int i = 0; i < 8; i++)
		if (id && F.txs[i].id == id)
			return &F.txs[i];
	return NULL;
}

static void reply_err(const struct xsp_msg *m, int e)
{
	const char *name = xsp_errname(e);

	send_msg(XS_ERROR, m->h.req_id, m->h.tx_id, name, strlen(name) + 1);
}

static void reply_ok(const struct xsp_msg *m)
{
	send_msg(m->h.type, m->h.req_id, m->h.tx_id, "OK", 3);
}

static void handle(const struct xsp_msg *m)
{
	char path[256];
	struct tx *t = m->h.tx_id ? tx_find(m->h.tx_id) : NULL;

	if (m->h.tx_id && !t && m->h.type != XS_TRANSACTION_START) {
		reply_err(m, ENOENT);
		return;
	}
	abs_path(m->payload, path, sizeof path);
	switch (m->h.type) {
	case XS_READ: {
		const char *v = get(path);

		for (int i = 0; t && i < t->nops; i++)
			if (!strcmp(t->ops[i].path, path))
				v = t->ops[i].rm ? NULL : t->ops[i].val;
		if (!v)
			reply_err(m, ENOENT);
		else
			send_msg(XS_READ, m->h.req_id, m->h.tx_id, v, strlen(v));
		break;
	}
	case XS_WRITE: case XS_RM: {
		size_t lp = strlen(m->payload);
		char val[512] = "";

		if (m->h.type == XS_WRITE && lp < m->h.len)
			snprintf(val, sizeof val, "%.*s", (int)(m->h.len - lp - 1), m->payload + lp + 1);
		if (t && t->nops < 32) {
			struct op *o = &t->ops[t->nops++];

			o->rm = m->h.type == XS_RM;
			snprintf(o->path, sizeof o->path, "%s", path);
			snprintf(o->val, sizeof o->val, "%s", val);
		} else if (m->h.type == XS_WRITE) {
			set(path, val);
		} else {
			rm(path);
		}
		reply_ok(m);
		break;
	}
	case XS_WATCH: {
		const char *token = m->payload + strlen(m->payload) + 1;

		if (F.nwatches < 16) {
			struct watch *w = &F.watches[F.nwatches++];

			snprintf(w->path, sizeof w->path, "%s", path);
			snprintf(w->token, sizeof w->token, "%s", token);
			w->relative = m->payload[0] != '/';
		}
		reply_ok(m);
		{       /* xenstored fires a new watch once */
			char ev[600];
			size_t n = (size_t)snprintf(ev, sizeof ev, "%s%c%s", m->payload, 0, token) + 1;

			send_msg(XS_WATCH_EVENT, 0, 0, ev, n);
		}
		break;
	}
	case XS_TRANSACTION_START: {
		char id[16];

		for (int i = 0; i < 8; i++)
			if (!F.txs[i].id) {
				F.txs[i].id = ++F.next_tx;
				F.txs[i].nops = 0;
				snprintf(id, sizeof id, "%u", F.txs[i].id);
				send_msg(XS_TRANSACTION_START, m->h.req_id, 0, id, strlen(id) + 1);
				return;
			}
		reply_err(m, ENOSPC);
		break;
	}
	case XS_TRANSACTION_END: {
		int commit = m->payload[0] == 'T';

		t->id = 0;
		if (commit && F.eagain_left > 0) {
			F.eagain_left--;
			F.eagain_sent++;
			reply_err(m, EAGAIN);
			return;
		}
		for (int i = 0; commit && i < t->nops; i++) {
			if (t->ops[i].rm)
				rm(t->ops[i].path);
			else
				set(t->ops[i].path, t->ops[i].val);
		}
		reply_ok(m);
		break;
	}
	default:
		reply_err(m, ENOSYS);
		break;
	}
}

/* Serve the agent for up to ms milliseconds. */
static void pump(int ms)
{
	double end = now() + ms / 1000.0;
	static struct xsp_msg m;

	do {
		struct pollfd pfd = { .fd = F.cfd >= 0 ? F.cfd : F.lfd, .events = POLLIN };
		double left = end - now();

		if (pfd.fd < 0) {
			usleep(10000);
			continue;
		}
		if (poll(&pfd, 1, left > 0 ? (int)(left * 1000) + 1 : 0) <= 0)
			continue;
		if (F.cfd < 0) {
			F.cfd = accept(F.lfd, NULL, NULL);
			xsp_reader_init(&F.rd);
			continue;
		}
		{
			size_t room;
			uint8_t *p = xsp_space(&F.rd, &room);
			ssize_t r = read(F.cfd, p, room);

			if (r <= 0) {
				close(F.cfd);
				F.cfd = -1;
				continue;
			}
			xsp_commit(&F.rd, (size_t)r);
			while (xsp_pop(&F.rd, &m) == 1)
				handle(&m);
		}
	} while (now() < end);
}

/* Wait until the store holds path = val. */
static int wait_value(const char *path, const char *val, double secs)
{
	double end = now() + secs;

	for (;;) {
		const char *v = get(path);

		if (v && !strcmp(v, val))
			return 1;
		if (now() >= end)
			return 0;
		pump(20);
	}
}

/* Wait for a write of path whose value starts with prefix, at or after
 * history index *from; returns the record and moves *from past it. */
static const struct rec *wait_write(const char *path, const char *prefix, int *from, double secs)
{
	double end = now() + secs;

	for (;;) {
		for (int i = *from; i < F.nhist; i++)
			if (!strcmp(F.hist[i].path, path) &&
			    !strncmp(F.hist[i].val, prefix, strlen(prefix))) {
				*from = i + 1;
				return &F.hist[i];
			}
		if (now() >= end)
			return NULL;
		pump(20);
	}
}

static const char *last_write(const char *path)
{
	for (int i = F.nhist - 1; i >= 0; i--)
		if (!strcmp(F.hist[i].path, path))
			return F.hist[i].val;
	return "(none)";
}

/* ---- the agent process --------------------------------------------------- */

static void listen_now(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof sa.sun_path, "%.100s", F.sock);
	unlink(F.sock);
	F.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (F.lfd < 0 || bind(F.lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(F.lfd, 4) < 0) {
		perror("integration: listen");
		exit(1);
	}
}

static void reset_store(void)
{
	if (F.cfd >= 0)
		close(F.cfd);
	F.cfd = -1;
	F.nnodes = F.nhist = F.nwatches = 0;
	memset(F.txs, 0, sizeof F.txs);
	F.eagain_left = F.eagain_sent = 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Fake /proc entry PID/stat. */
static void fake_proc(const char *root, int pid, const char *comm, int ppid)
{
	char p[256], text[128];

	snprintf(p, sizeof p, "%s/%d", root, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/%d/stat", root, pid);
	snprintf(text, sizeof text, "%d (%s) S %d 0 0 0\n", pid, comm, ppid);
	write_file(p, text);
}

/* Start the agent: its stdout/stderr go to F.log. fakeproc: XENLIVE_AGENT_PROC,
 * with the agent's own entry (parent 40) written before exec. */
static pid_t start_agent(const char *agent, const char *const *extra, const char *fakeproc)
{
	pid_t pid = fork();

	if (pid == 0) {
		const char *argv[16] = { agent, "--foreground", "--xenbus", F.sock };
		int n = 4, fd = open(F.log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		char disk[128];

		for (; extra && *extra && n < 15; extra++)
			argv[n++] = *extra;
		argv[n] = NULL;
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		snprintf(disk, sizeof disk, "%s/disk.img", F.dir);
		setenv("XENLIVE_AGENT_DISK", disk, 1);
		if (fakeproc) {
			setenv("XENLIVE_AGENT_PROC", fakeproc, 1);
			fake_proc(fakeproc, getpid(), "xenlive-agent", 40);
		}
		execv(agent, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* SIGTERM the agent; 1 if it exited with status 0 within secs. */
static int stop_agent(pid_t pid, double secs, int *status)
{
	double end = now() + secs;

	kill(pid, SIGTERM);
	while (now() < end) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
		pump(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return 0;
}

static int alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

static void slurp(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, out, len - 1) : 0;

	out[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* A child of pid with VmRSS >= kib, or 0. */
static pid_t child_with_rss(pid_t parent, long kib)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	while (d && !found && (de = readdir(d))) {
		char p[300], buf[4096], *s;
		long ppid = -1, rss = 0;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof p, "/proc/%s/status", de->d_name);
		slurp(p, buf, sizeof buf);
		if ((s = strstr(buf, "\nPPid:")))
			ppid = atol(s + 6);
		if ((s = strstr(buf, "\nVmRSS:")))
			rss = atol(s + 7);
		if (ppid == parent && rss >= kib)
			found = (pid_t)atol(de->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

static int has_child(pid_t parent)
{
	return child_with_rss(parent, 0) != 0;
}

/* Run argv, capture both streams; returns the exit status or -1. */
static int run_capture(const char *const *argv, char *out, size_t outlen, char *err, size_t errlen)
{
	char po[160], pe[160];
	int status = -1;
	pid_t pid;

	snprintf(po, sizeof po, "%s/cli.out", F.dir);
	snprintf(pe, sizeof pe, "%s/cli.err", F.dir);
	pid = fork();
	if (pid == 0) {
		int o = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	slurp(po, out, outlen);
	slurp(pe, err, errlen);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- the tests ----------------------------------------------------------- */

static void test_cli(const char *agent)
{
	static const struct {
		const char *what;
		const char *args[4];
		int status;
		const char *err;       /* expected in stderr (one line) */
	} cases[] = {
		{ "unknown option", { "--bogus" }, 2, "unknown option '--bogus'" },
		{ "--ready-timeout abc", { "--ready-timeout", "abc" }, 2, "--ready-timeout wants 1..86400" },
		{ "--ready-timeout 0", { "--ready-timeout", "0" }, 2, "--ready-timeout wants 1..86400" },
		{ "--address-wait x", { "--address-wait", "x" }, 2, "--address-wait wants 1..86400" },
		{ "--xenbus without a value", { "--xenbus" }, 2, "needs a value" },
		{ "a stray argument", { "extra" }, 2, "unexpected argument 'extra'" },
	};
	char out[4096], err[4096];
	const char *help[] = { agent, "--help", NULL };

	CHECK_INT(run_capture(help, out, sizeof out, err, sizeof err), 0, "--help exits 0");
	CHECK_CONTAINS(out, "usage: xenlive-agent [--foreground] [--ready-now]", "--help prints the usage");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *argv[6] = { agent };
		int n = 1;

		for (int k = 0; k < 4 && cases[i].args[k]; k++)
			argv[n++] = cases[i].args[k];
		argv[n] = NULL;
		CHECK_INT(run_capture(argv, out, sizeof out, err, sizeof err), cases[i].status,
			  "%s: exit status 2", cases[i].what);
		CHECK_CONTAINS(err, cases[i].err, "%s: says why", cases[i].what);
		CHECK_INT(count_lines(err), 1, "%s: one line of error", cases[i].what);
	}
}

static void expected_ip(char *out, size_t len)
{
	struct ifaddrs *l, *a;

	out[0] = '\0';
	if (getifaddrs(&l) < 0)
		return;
	for (a = l; a; a = a->ifa_next)
		if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
		    (a->ifa_flags & IFF_UP) && !(a->ifa_flags & IFF_LOOPBACK)) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)a->ifa_addr)->sin_addr,
				  out, (socklen_t)len);
			break;
		}
	freeifaddrs(l);
}

/* dom0 writes a request and waits for a report starting with want. */
static const struct rec *ask(const char *req, const char *want, double secs)
{
	int from = F.nhist;

	set(K("request"), req);
	return wait_write(K("workload"), want, &from, secs);
}

static void test_main(const char *agent)
{
	const char *const extra[] = { "--ready-now", NULL };
	const struct rec *r, *r2;
	char ip[64], logbuf[16384];
	int from = 0, status, ok;
	double t0;
	pid_t kid;

	reset_store();
	F.lfd = -1;
	F.agent = start_agent(agent, extra, NULL);
	pump(700);                              /* no socket yet: the agent waits */
	CHECK(alive(F.agent), "agent keeps waiting while the xenbus path is missing");
	listen_now();
	t0 = now();
	while (F.cfd < 0 && now() - t0 < 5)
		pump(50);
	CHECK(F.cfd >= 0, "agent connects once the xenbus socket appears (%.1f s)", now() - t0);

	r = wait_write(K("state"), "", &from, 3);
	CHECK_STR(r ? r->val : NULL, "booting", "first write of state is booting");
	r = wait_write(K("state"), "", &from, 3);
	CHECK_STR(r ? r->val : NULL, "ready", "then state is ready (--ready-now)");
	pump(100);
	ok = 0;
	for (int i = 0; i < F.nwatches; i++)
		ok |= !strcmp(F.watches[i].path, K("request")) && F.watches[i].relative;
	CHECK(ok, "agent watches data/xenlive/request (relative path)");

	expected_ip(ip, sizeof ip);
	if (ip[0]) {
		CHECK(wait_value(K("ip"), ip, 3), "ip reports %s (got %s)", ip,
		      get(K("ip")) ? get(K("ip")) : "nothing");
	} else {
		pump(1500);
		CHECK(!get(K("ip")), "no IPv4 address here, so no ip key");
	}

	F.eagain_left = 1;
	r = ask("1 cpu 1", "1 cpu 1 running", 3);
	CHECK(r != NULL, "cpu 1: reported running (last: %s)", last_write(K("workload")));
	CHECK_INT(F.eagain_sent, 1, "cpu 1: a conflicting transaction (EAGAIN) was retried");
	from = F.nhist;
	r2 = wait_write(K("workload"), "1 cpu 1 done: ", &from, 5);
	CHECK(r2 != NULL, "cpu 1: reported done (last: %s)", last_write(K("workload")));
	if (r2) {
		CHECK_CONTAINS(r2->val, " s of CPU on ", "cpu 1: done says CPU time and vCPUs");
		CHECK(r && r2->t - r->t >= 0.9, "cpu 1: done about 1 s after running (%.2f s)",
		      r ? r2->t - r->t : -1);
	}
	CHECK(!get(K("request")), "request is removed once taken");

	r = ask("2 rm -rf", "2 rejected", 3);
	CHECK_STR(r ? r->val : NULL, "2 rejected: unknown workload 'rm'", "'rm -rf' is rejected");
	r = ask("3 cpu 99999", "3 rejected", 3);
	CHECK_STR(r ? r->val : NULL, "3 rejected: cpu wants 1..3600 s, not '99999'", "'cpu 99999' is rejected");
	r = ask("4 cpu abc", "4 rejected", 3);
	CHECK_STR(r ? r->val : NULL, "4 rejected: cpu wants 1..3600 s, not 'abc'", "'cpu abc' is rejected");
	r = ask("hello", "- rejected", 3);
	CHECK_STR(r ? r->val : NULL, "- rejected: bad sequence number 'hello'", "garbage is rejected");
	CHECK(alive(F.agent), "agent is still running after bad requests");

	r = ask("5 mem 8", "5 mem 8 running", 3);
	CHECK(r != NULL, "mem 8: reported running (last: %s)", last_write(K("workload")));
	t0 = now();
	kid = 0;
	while (!kid && now() - t0 < 5) {
		kid = child_with_rss(F.agent, 8 * 1024);
		pump(50);
	}
	CHECK(kid != 0, "mem 8: a child of the agent holds >= 8 MiB resident");
	r = ask("6 cpu 1", "6 ", 3);
	CHECK_STR(r ? r->val : NULL, "6 rejected: busy with 5 mem 8", "a second workload is rejected while mem runs");
	from = F.nhist;
	set(K("request"), "7 stop 0");
	r = wait_write(K("workload"), "5 mem 8 done: held 8 MiB for ", &from, 5);
	CHECK(r != NULL, "mem 8: stop ends it with a done report (last: %s)", last_write(K("workload")));
	CHECK_CONTAINS(r ? r->val : "", "(stopped)", "mem 8: the report says it was stopped");
	pump(200);
	CHECK(!has_child(F.agent), "mem 8: the workload child is gone");

	r = ask("8 stop 0", "8 ", 3);
	CHECK_STR(r ? r->val : NULL, "8 stop 0 done: nothing running", "stop with nothing running");
	r = ask("8 stop 0", "8 ", 3);
	CHECK_STR(r ? r->val : NULL, "8 stop 0 done: nothing running",
		  "the same value written again is handled again");

	r = ask("9 disk 0", "9 disk 0 done: ", 10);
	CHECK(r != NULL, "disk 0: done (last: %s)", last_write(K("workload")));
	CHECK_CONTAINS(r ? r->val : "", "read 4.0 MiB at ", "disk 0: read the whole 4 MiB image");

	r = ask("10 ping 127.0.0.1", "10 ping 127.0.0.1 done: ", 12);
	CHECK(r != NULL, "ping 127.0.0.1: done (last: %s)", last_write(K("workload")));
	CHECK_CONTAINS(r ? r->val : "", "done: 5/5 replies, avg ", "ping 127.0.0.1: 5/5 replies");

	/* the connection drops: the agent reconnects and serves again */
	close(F.cfd);
	F.cfd = -1;
	F.nwatches = 0;
	from = F.nhist;
	r = wait_write(K("state"), "", &from, 5);
	CHECK_STR(r ? r->val : NULL, "ready", "after a lost connection the agent reconnects, state ready");
	r = ask("11 stop 0", "11 ", 3);
	CHECK_STR(r ? r->val : NULL, "11 stop 0 done: nothing running", "and it watches request again");

	/* restored in a new domain (xl save/restore, a move): the home is empty
	 * and the kernel's re-registered watch fires once */
	expected_ip(ip, sizeof ip);
	rm(K("state"));
	rm(K("ip"));
	from = F.nhist;
	fire(K("request"));
	r = wait_write(K("state"), "", &from, 3);
	CHECK_STR(r ? r->val : NULL, "ready", "restored in a new domain: state is written again (ready)");
	if (ip[0])
		CHECK(wait_value(K("ip"), ip, 3), "restored in a new domain: ip is written again (%s)", ip);
	r = ask("13 stop 0", "13 ", 3);
	CHECK_STR(r ? r->val : NULL, "13 stop 0 done: nothing running", "restored in a new domain: requests still work");

	r = ask("12 cpu 60", "12 cpu 60 running", 3);
	CHECK(r != NULL, "cpu 60 started before SIGTERM");
	CHECK(stop_agent(F.agent, 5, &status), "SIGTERM: agent exits with status 0");
	CHECK_STR(get(K("state")), "stopped", "SIGTERM: state is stopped");
	CHECK_STR(get(K("workload")), "12 cpu 60 failed: agent stopped", "SIGTERM: the running workload is reported");
	pump(300);
	CHECK(!has_child(F.agent), "SIGTERM: no workload process left behind");

	slurp(F.log, logbuf, sizeof logbuf);
	ok = logbuf[0] != '\0';
	for (char *l = logbuf; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		ok &= !strncmp(l, "xenlive-agent: ", 15);
	CHECK(ok, "every log line starts with 'xenlive-agent: '");
	CHECK_CONTAINS(logbuf, "xenlive-agent: waiting for ", "the log says it waited for xenbus");
}

static void test_console_ready(const char *agent)
{
	const char *const extra[] = { "--ready-timeout", "30", NULL };
	const char *const extra1[] = { "--ready-timeout", "1", NULL };
	const char *const extra2[] = { "--address-wait", "2", NULL };
	char proc[128], ip[64];
	const struct rec *r;
	int from, status, ok;
	double t0;

	snprintf(proc, sizeof proc, "%s/proc", F.dir);
	mkdir(proc, 0755);
	fake_proc(proc, 1, "init", 0);
	fake_proc(proc, 40, "sh", 1);          /* the shell that starts the agent */

	reset_store();
	F.agent = start_agent(agent, extra, proc);
	from = 0;
	r = wait_write(K("state"), "", &from, 5);
	CHECK_STR(r ? r->val : NULL, "booting", "console check: state booting first");
	pump(800);
	CHECK_STR(get(K("state")), "booting", "console check: the agent's own parent shell does not count");
	fake_proc(proc, 60, "agetty", 1);
	t0 = now();
	ok = wait_value(K("state"), "ready", 2);
	CHECK(ok, "console check: agetty appears -> ready in %.2f s", now() - t0);
	CHECK(stop_agent(F.agent, 5, &status), "console check: agent exits on SIGTERM");

	snprintf(proc, sizeof proc, "%s/proc2", F.dir);
	mkdir(proc, 0755);
	fake_proc(proc, 1, "init", 0);
	reset_store();
	t0 = now();
	F.agent = start_agent(agent, extra1, proc);
	ok = wait_value(K("state"), "ready", 4);
	CHECK(ok, "ready timeout: ready without a console login");
	CHECK(now() - t0 >= 0.9, "ready timeout: not before 1 s (%.2f s)", now() - t0);
	CHECK_STR(get(K("workload")), "no console login seen after 1 s", "ready timeout: workload says why");
	CHECK(stop_agent(F.agent, 5, &status), "ready timeout: agent exits on SIGTERM");

	/* --address-wait: the console is up from the start; ready comes after
	 * the address is written, or (a host without one) after the wait */
	snprintf(proc, sizeof proc, "%s/proc3", F.dir);
	mkdir(proc, 0755);
	fake_proc(proc, 1, "init", 0);
	fake_proc(proc, 60, "agetty", 1);
	expected_ip(ip, sizeof ip);
	reset_store();
	t0 = now();
	F.agent = start_agent(agent, extra2, proc);
	from = 0;
	r = wait_write(K("state"), "ready", &from, 5);
	CHECK(r != NULL, "address wait: ready with a console login (%.2f s)", now() - t0);
	if (ip[0]) {
		int at_ip = 0;

		CHECK(wait_write(K("ip"), ip, &at_ip, 0) && at_ip < from,
		      "address wait: the address (%s) is written before ready", ip);
	} else {
		CHECK(r && r->t - t0 >= 1.9, "address wait: no address here, ready after the 2 s wait (%.2f s)",
		      r ? r->t - t0 : -1.0);
	}
	CHECK(stop_agent(F.agent, 5, &status), "address wait: agent exits on SIGTERM");
}

int main(int argc, char **argv)
{
	char disk[128], cmd[256];
	static char block[1 << 20];

	if (argc != 2) {
		fprintf(stderr, "usage: integration AGENT_BINARY\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(F.dir, sizeof F.dir, "/tmp/xenlive-agent-it.XXXXXX");
	if (!mkdtemp(F.dir)) {
		perror("mkdtemp");
		return 1;
	}
	F.cfd = F.lfd = -1;
	snprintf(F.sock, sizeof F.sock, "%s/xenbus", F.dir);
	snprintf(F.log, sizeof F.log, "%s/agent.log", F.dir);
	snprintf(disk, sizeof disk, "%s/disk.img", F.dir);
	{
		FILE *f = fopen(disk, "w");

		for (int i = 0; f && i < 4; i++)
			fwrite(block, 1, sizeof block, f);
		if (f)
			fclose(f);
	}

	test_cli(argv[1]);
	test_main(argv[1]);
	test_console_ready(argv[1]);

	if (harness_failed) {
		char logbuf[16384];

		slurp(F.log, logbuf, sizeof logbuf);
		fprintf(stderr, "---- agent log ----\n%s-------------------\n", logbuf);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", F.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "integration: could not remove %s\n", F.dir);
	return harness_done();
}
