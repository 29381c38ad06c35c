/* work.c — workload children (see work.h). */
#include "work.h"
#include "icmp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t work_stop_flag;

double work_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);              /* a signal cuts it short: fine */
}

/* Mark res failed: "<printf message>: <strerror(e)>". */
__attribute__((format(printf, 3, 4)))
static void fail(struct wl_result *res, int e, const char *fmt, ...)
{
	char msg[64];
	va_list ap;

	res->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(res->why, sizeof res->why, "%s: %s", msg, strerror(e));
}

/* ---- cpu: one busy process per online CPU -------------------------------- */

static volatile unsigned long burn_sink;   /* keeps the loop from being optimised out */

static void burn_until(double end)
{
	while (!work_stop_flag && work_now() < end)
		for (unsigned i = 0; i < 100000; i++)
			burn_sink += i;
}

void work_cpu(unsigned seconds, int close_fd, struct wl_result *res)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = online < 1 ? 1 : online > 256 ? 256 : (unsigned)online;
	pid_t pids[256];
	unsigned started = 0;
	double t0 = work_now(), end = t0 + seconds;

	for (unsigned i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			if (close_fd >= 0)
				close(close_fd);
			burn_until(end);
			_exit(0);
		}
		if (p > 0)
			pids[started++] = p;
	}
	if (started == 0) {                /* no fork: burn here */
		burn_until(end);
		started = 1;
	} else {
		while (!work_stop_flag && work_now() < end)
			nap(end - work_now() < 0.1 ? end - work_now() : 0.1);
		for (unsigned i = 0; i < started; i++)
			if (work_stop_flag)
				kill(pids[i], SIGTERM);
		for (unsigned i = 0; i < started; i++)
			while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
				;
	}
	res->ncpu = started;
	res->seconds = work_now() - t0;
	res->stopped = work_stop_flag != 0;
}

/* ---- mem: allocate, touch every page, hold ------------------------------- */

void work_mem(unsigned mib, unsigned hold_seconds, struct wl_result *res)
{
	size_t bytes = (size_t)mib << 20, page = (size_t)sysconf(_SC_PAGESIZE), off;
	double t0 = work_now();
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fail(res, errno, "cannot allocate %u MiB", mib);
		return;
	}
	for (off = 0; off < bytes && !work_stop_flag; off += page)
		p[off] = (char)(off / page | 1);
	res->bytes = off < bytes ? off : bytes;
	while (!work_stop_flag && work_now() - t0 < hold_seconds)
		nap(0.1);
	res->seconds = work_now() - t0;
	res->stopped = work_stop_flag != 0;
	munmap(p, bytes);
}

/* ---- disk: read the whole device, bypassing the page cache ---------------- */

#define DISK_CHUNK (1u << 20)

void work_disk(const char *dev, struct wl_result *res)
{
	int direct = 1, fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	char *buf;
	double t0;

	if (fd < 0 && errno == EINVAL) {   /* no O_DIRECT here: drop the cache instead */
		direct = 0;
		fd = open(dev, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		fail(res, errno, "cannot open %s", dev);
		return;
	}
	buf = aligned_alloc(4096, DISK_CHUNK);
	if (!buf) {
		fail(res, ENOMEM, "no buffer");
		close(fd);
		return;
	}
	if (!direct)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	t0 = work_now();
	while (!work_stop_flag) {
		ssize_t r = read(fd, buf, DISK_CHUNK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EINVAL && direct) {   /* unaligned tail, odd fs */
			direct = 0;
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_DIRECT);
			continue;
		}
		if (r < 0) {
			fail(res, errno, "read error after %llu MiB", res->bytes >> 20);
			break;
		}
		if (r == 0)
			break;
		res->bytes += (unsigned long long)r;
		if (!direct && res->bytes % (64u << 20) == 0)
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	res->seconds = work_now() - t0;
	res->stopped = work_stop_flag != 0;
	if (!direct)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	free(buf);
	close(fd);
}

/* ---- ping: ICMP echo, one per second -------------------------------------- */

void work_ping(const char *ip, unsigned count, struct wl_result *res)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	double sent_at[16] = { 0 }, t0 = work_now();
	int got[16] = { 0 };
	int raw = 0, fd;
	uint16_t id = (uint16_t)getpid();

	if (count > 16)
		count = 16;
	if (inet_pton(AF_INET, ip, &dst.sin_addr) != 1) {
		fail(res, EINVAL, "bad address %s", ip);
		return;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0) {
		raw = 1;
		fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	}
	if (fd < 0) {
		fail(res, errno, "no ICMP socket");
		return;
	}
	for (unsigned i = 0; i < count && !work_stop_flag; i++) {
		uint8_t pkt[ICMP_ECHO_LEN];
		double until = t0 + i + 1.0 + (i + 1 == count ? 1.0 : 0.0);

		icmp_build_echo(pkt, id, (uint16_t)(i + 1));
		if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&dst, sizeof dst) < 0) {
			if (res->sent == 0) {
				fail(res, errno, "cannot send to %s", ip);
				break;
			}
		} else {
			sent_at[i] = work_now();
		}
		res->sent++;
		while (!work_stop_flag) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			double left = until - work_now();
			uint8_t buf[1500];
			ssize_t n;
			int seq;

			if (left <= 0 || (i + 1 == count && res->received == res->sent))
				break;
			if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
				continue;
			n = recv(fd, buf, sizeof buf, 0);
			if (n <= 0)
				continue;
			seq = icmp_parse_reply(buf, (size_t)n, raw, raw, id);
			if (seq < 1 || seq > (int)count || got[seq - 1] || sent_at[seq - 1] == 0)
				continue;
			got[seq - 1] = 1;
			res->received++;
			res->rtt_ms_sum += (work_now() - sent_at[seq - 1]) * 1000.0;
		}
	}
	res->seconds = work_now() - t0;
	res->stopped = work_stop_flag != 0;
	close(fd);
}

/* ---- the child and its bookkeeping ---------------------------------------- */

static void on_term(int sig)
{
	(void)sig;
	work_stop_flag = 1;
}

int work_start(struct work *w, const struct request *r, const char *disk_dev, int close_fd,
	       char *why, size_t whylen)
{
	int p[2];
	sigset_t block, old;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);   /* no agent handler in the child */
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_term };   /* no SA_RESTART */
		struct wl_result res = { 0 };

		setpgid(0, 0);
		sigaction(SIGTERM, &sa, NULL);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGINT, &sa, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(p[0]);
		if (close_fd >= 0)
			close(close_fd);
		switch (r->kind) {
		case WK_CPU: work_cpu(r->arg, p[1], &res); break;
		case WK_MEM: work_mem(r->arg, MEM_HOLD_SECONDS, &res); break;
		case WK_DISK: work_disk(disk_dev, &res); break;
		case WK_PING: work_ping(r->ip, PING_COUNT, &res); break;
		default: res.failed = 1; snprintf(res.why, sizeof res.why, "not a workload"); break;
		}
		if (write(p[1], &res, sizeof res) != (ssize_t)sizeof res)
			_exit(1);
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	setpgid(pid, pid);                      /* either side may win the race */
	memset(w, 0, sizeof *w);
	w->pid = pid;
	w->fd = p[0];
	w->req = *r;
	w->started = work_now();
	return 0;
}

int work_collect(struct work *w, char *out, size_t len)
{
	struct wl_result tmp;
	ssize_t n;
	int status = 0;

	do
		n = read(w->fd, &tmp, sizeof tmp);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof tmp) {
		w->res = tmp;
		w->have_res = 1;
		return 0;
	}
	if (n < 0 && errno == EAGAIN)
		return 0;
	/* end of file (or a short read): the child is gone or going */
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(w->fd);
	if (!w->have_res) {
		memset(&w->res, 0, sizeof w->res);
		w->res.failed = 1;
		if (WIFSIGNALED(status))
			snprintf(w->res.why, sizeof w->res.why, "killed by signal %d%s",
				 WTERMSIG(status), w->stop_sent ? " after stop" :
				 WTERMSIG(status) == SIGKILL ? " (out of memory?)" : "");
		else
			snprintf(w->res.why, sizeof w->res.why, "exited with status %d",
				 WEXITSTATUS(status));
	}
	report_result(&w->req, &w->res, out, len);
	w->pid = 0;
	w->fd = -1;
	return 1;
}

void work_stop(struct work *w, double now)
{
	if (!w->pid || w->stop_sent)
		return;
	kill(w->pid, SIGTERM);
	w->stop_sent = now;
}

void work_tick(struct work *w, double now)
{
	if (w->pid && w->stop_sent && !w->killed && now - w->stop_sent > WORK_KILL_AFTER) {
		kill(-w->pid, SIGKILL);
		w->killed = 1;
	}
}

void work_kill(struct work *w)
{
	if (!w->pid)
		return;
	kill(-w->pid, SIGKILL);
	kill(w->pid, SIGKILL);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(w->fd);
	w->pid = 0;
	w->fd = -1;
}
