/* xenlive-wait.c — wait until a guest is up
 *
 *   xenlive-wait NAME [SECONDS]
 *
 * Waits until guest NAME's xenlive-agent wrote "ready" to
 * /local/domain/ID/data/xenlive/state, at most SECONDS (default 60), and
 * prints "NAME ready after S s".  Exit 1 with one line on stderr if NAME
 * is no guest, goes away while waited for (crashed or destroyed), or is
 * not ready in time; 2 for wrong usage.
 *
 * One process that sleeps in a xenstore watch (woken by the agent's write
 * or by a domain's end) until the state changes.  The shell version
 * started xl (for the name's id) and then xenstore-read, timeout and
 * xenstore-watch at every look: ~1 s of dom0's CPU per wait under QEMU's
 * emulation, taken from the very guest it waited for.
 *
 * The state key is the guest's own: only printable ASCII of it, and at
 * most STATE_SHOWN characters, reaches the terminal. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#define STATE_SHOWN 40

static const char *name;

/* One line on stderr; status 1. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("xenlive-wait: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The id of the domain named NAME (libxl's names are unique), or -1. */
static long find_domain(struct xs_handle *xs)
{
	unsigned n, i;
	char **ids = xs_directory(xs, XBT_NULL, "/local/domain", &n);
	long id = -1;

	for (i = 0; ids && i < n && id < 0; i++) {
		char path[64], *end, *v;
		unsigned len;
		long d = strtol(ids[i], &end, 10);

		if (*end || d < 0)
			continue;
		snprintf(path, sizeof path, "/local/domain/%ld/name", d);
		if ((v = xs_read(xs, XBT_NULL, path, &len))) {
			if (strlen(v) == len && !strcmp(v, name))
				id = d;
			free(v);
		}
	}
	free(ids);
	return id;
}

/* The guest's state key, printable ASCII only and cut short, into OUT. */
static void shown_state(const char *v, unsigned len, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i < len && i + 1 < outlen; i++)
		out[i] = v[i] >= ' ' && v[i] <= '~' ? v[i] : '?';
	out[i] = '\0';
}

int main(int argc, char **argv)
{
	char state_key[80], name_key[64], state[STATE_SHOWN + 1] = "booting", *end;
	struct xs_handle *xs;
	unsigned long limit = 60;
	double start, left;
	long id;

	if (argc < 2 || argc > 3 || !argv[1][0] || argv[1][0] == '-') {
		fputs("usage: xenlive-wait NAME [SECONDS]\n", stderr);
		return 2;
	}
	name = argv[1];
	if (argc == 3) {
		errno = 0;
		limit = strtoul(argv[2], &end, 10);
		if (errno || *end || !argv[2][0] || argv[2][0] == '-' || limit > 86400)
			return fail("SECONDS must be a whole number up to 86400, not '%.20s'", argv[2]);
	}
	start = now();
	if (!(xs = xs_open(0)))
		return fail("cannot wait for %s: no connection to xenstored (%s)", name, strerror(errno));
	if ((id = find_domain(xs)) < 0)
		return fail("no guest named %s", name);
	snprintf(state_key, sizeof state_key, "/local/domain/%ld/data/xenlive/state", id);
	snprintf(name_key, sizeof name_key, "/local/domain/%ld/name", id);
	/* the state key's watch fires at the agent's writes; @releaseDomain at
	 * any domain's end; both once when set */
	if (!xs_watch(xs, state_key, "state") || !xs_watch(xs, "@releaseDomain", "gone"))
		return fail("cannot wait for %s: xenstore watch refused (%s)", name, strerror(errno));
	for (;;) {
		unsigned len;
		char *v = xs_read(xs, XBT_NULL, state_key, &len), **ev;
		struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };

		if (v) {
			bool ready = len == 5 && !memcmp(v, "ready", 5);

			shown_state(v, len, state, sizeof state);
			free(v);
			if (ready)
				break;
		} else if (!(v = xs_read(xs, XBT_NULL, name_key, &len))) {
			return fail("%s is gone (crashed or destroyed)", name);
		} else {
			free(v);
		}
		left = start + (double)limit - now();
		if (left <= 0)
			return fail("%s is not ready after %lu s (state: %s)", name, limit, state);
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return fail("cannot wait for %s: %s", name, strerror(errno));
		/* every event that came: the loop looks again either way */
		while ((ev = xs_check_watch(xs)))
			free(ev);
	}
	printf("%s ready after %.1f s\n", name, now() - start);
	return 0;
}
