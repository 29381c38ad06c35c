/* xs.c — xenstore client over a xenbus device or UNIX socket (see xs.h). */
#include "xs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int xs_open(struct xs *x, const char *path)
{
	struct stat st;
	int fd;

	memset(x, 0, sizeof *x);
	x->fd = -1;
	x->next_req = 1;
	xsp_reader_init(&x->rd);
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISSOCK(st.st_mode)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(path) >= sizeof sa.sun_path)
			return -ENAMETOOLONG;
		strcpy(sa.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
	} else {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	x->fd = fd;
	return 0;
}

void xs_close(struct xs *x)
{
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

static void queue_event(struct xs *x, const struct xsp_msg *m)
{
	const char *path, *token;
	struct xs_event *e;

	if (xsp_watch_event(m, &path, &token) < 0)
		return;
	if (x->ev_count == XS_EVENTS_MAX) {      /* full: drop the oldest */
		x->ev_head = (x->ev_head + 1) % XS_EVENTS_MAX;
		x->ev_count--;
	}
	e = &x->ev[(x->ev_head + x->ev_count++) % XS_EVENTS_MAX];
	snprintf(e->path, sizeof e->path, "%s", path);
	snprintf(e->token, sizeof e->token, "%s", token);
}

int xs_next_event(struct xs *x, struct xs_event *e)
{
	if (!x->ev_count)
		return 0;
	*e = x->ev[x->ev_head];
	x->ev_head = (x->ev_head + 1) % XS_EVENTS_MAX;
	x->ev_count--;
	return 1;
}

static int read_some(struct xs *x)
{
	size_t n;
	uint8_t *p = xsp_space(&x->rd, &n);
	ssize_t r;

	if (n == 0)
		return -EPROTO;
	do
		r = read(x->fd, p, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -EPIPE;
	xsp_commit(&x->rd, (size_t)r);
	return 0;
}

int xs_pump(struct xs *x)
{
	struct pollfd pfd = { .fd = x->fd, .events = POLLIN };
	int r;

	if (x->fd < 0)
		return -EBADF;
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	if ((r = read_some(x)) < 0)
		return r;
	/* Replies nobody waits for any more (timed out earlier) are dropped. */
	while ((r = xsp_pop(&x->rd, &x->msg)) == 1)
		if (x->msg.h.type == XS_WATCH_EVENT)
			queue_event(x, &x->msg);
	return r < 0 ? -EPROTO : 0;
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Send one request and wait for its reply; the reply payload goes to
 * out (NUL-terminated, truncated to len) when out is not NULL. */
static int xs_call(struct xs *x, uint32_t type, uint32_t tx, const char *a, const char *b,
		   int b_nul, char *out, size_t len)
{
	uint8_t buf[XSP_MSG_MAX];
	uint32_t id = x->next_req++;
	size_t n = xsp_encode(buf, sizeof buf, type, id, tx, a, b, b_nul);
	long long deadline = ms_now() + XS_REPLY_TIMEOUT_MS;
	struct xsp_msg *m = &x->msg;
	int r;

	if (x->fd < 0)
		return -EBADF;
	if (!n)
		return -E2BIG;
	if ((r = write_all(x->fd, buf, n)) < 0)
		return r;
	for (;;) {
		r = xsp_pop(&x->rd, m);
		if (r < 0) {
			r = -EPROTO;
			break;
		}
		if (r == 1) {
			if (m->h.type == XS_WATCH_EVENT) {
				queue_event(x, m);
				continue;
			}
			if (m->h.req_id != id)
				continue;             /* stale reply */
			if (m->h.type == XS_ERROR) {
				r = -xsp_errno(m->payload);
				break;
			}
			if (m->h.type != type) {
				r = -EPROTO;
				break;
			}
			if (out)
				snprintf(out, len, "%.*s", (int)m->h.len, m->payload);
			r = 0;
			break;
		}
		{
			struct pollfd pfd = { .fd = x->fd, .events = POLLIN };
			long long left = deadline - ms_now();

			if (left <= 0) {
				r = -ETIMEDOUT;
				break;
			}
			r = poll(&pfd, 1, (int)left);
			if (r < 0 && errno != EINTR) {
				r = -errno;
				break;
			}
			if (r > 0 && (r = read_some(x)) < 0)
				break;
		}
	}
	return r;
}

int xs_read(struct xs *x, uint32_t tx, const char *path, char *out, size_t len)
{
	return xs_call(x, XS_READ, tx, path, NULL, 0, out, len);
}

int xs_write(struct xs *x, uint32_t tx, const char *path, const char *value)
{
	return xs_call(x, XS_WRITE, tx, path, value, 0, NULL, 0);
}

int xs_rm(struct xs *x, uint32_t tx, const char *path)
{
	return xs_call(x, XS_RM, tx, path, NULL, 0, NULL, 0);
}

int xs_watch(struct xs *x, const char *path, const char *token)
{
	return xs_call(x, XS_WATCH, 0, path, token, 1, NULL, 0);
}

int xs_tx_start(struct xs *x, uint32_t *tx)
{
	char buf[32];
	char *end;
	unsigned long v;
	int r = xs_call(x, XS_TRANSACTION_START, 0, "", NULL, 0, buf, sizeof buf);

	if (r < 0)
		return r;
	v = strtoul(buf, &end, 10);
	if (end == buf || v == 0 || v > 0xffffffffUL)
		return -EPROTO;
	*tx = (uint32_t)v;
	return 0;
}

int xs_tx_end(struct xs *x, uint32_t tx, int commit)
{
	return xs_call(x, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL, 0, NULL, 0);
}
