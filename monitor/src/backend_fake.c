/* backend_fake.c — a scripted, deterministic Xen host.
 *
 * Used by the unit tests and by `livetop --demo`. Everything is a function
 * of the `now` values passed in, so a test that feeds fixed times gets
 * fixed figures. The script:
 *  - host: 1024 MiB, 2 CPUs, Xen 4.17 (fake), Domain-0 with 384 MiB and
 *    16 MiB kept by the hypervisor;
 *  - launch: the guest appears (id -1, booting) at once, is "created"
 *    after CREATE_SECS (memory is taken then; if it does not fit, the
 *    launch fails like libxl's xc_dom_boot_mem_init would), and becomes
 *    ready boot_secs later (3.0-4.9 s, from a hash of its name);
 *  - figures: booting guests burn ~70% CPU and read their image, ready
 *    guests idle at 1-4% with a little network chatter; workloads change
 *    that (cpu -> 100% or the cap, disk -> 20 MB/s, ping -> 1 KB/s);
 *  - shutdown: 1.5 s "shutting down", then shut down (still there) until
 *    reap() destroys it; destroy: 0.3 s dying, then gone.
 * Test hooks: backend_fake.h. */
#include "backend_fake.h"
#include "sizing.h"
#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CREATE_SECS 1.0
#define SHUTDOWN_SECS 1.5
#define DYING_SECS 0.3
#define XEN_KEEP_MIB 16
#define MSGQ 16
#define FAKE_KEYS 8                /* keys a guest may write (fake_guest_write) */
#define FAKE_RAW_MAX 256

/* A key the guest wrote under its data/xenlive/, raw, as xenstore keeps it. */
struct fkey {
	char key[16];
	char raw[FAKE_RAW_MAX];
	size_t n;
};

struct fdom {
	int id;
	char name[DOM_NAME_MAX];
	char distro[CAT_ID_MAX];
	unsigned mem_mib;
	unsigned vcpus;
	double launched, created_at, ready_at, end_at;
	int created, paused, crashed, shutting, down, dying, agent;
	double last;                  /* counters integrated up to here */
	double cpu_ns, rx, tx, rd, wr;
	int weight, cap;
	enum workload_kind wl;
	unsigned wl_arg;
	double wl_until;
	int wl_peer;
	struct fkey wrote[FAKE_KEYS];
	size_t nwrote;
};

struct fake {
	struct backend base;
	unsigned total_mib, dom0_mib;
	double boot_override;        /* < 0: from the name */
	int next_id;
	size_t n, cap;
	struct fdom *d;
	char msg[MSGQ][160];
	unsigned mhead, mcount;
};

static struct fake *F(struct backend *b)
{
	return (struct fake *)b;
}

static void say(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct fake *f, const char *fmt, ...)
{
	va_list ap;
	unsigned slot;

	if (f->mcount == MSGQ) {      /* drop the oldest */
		f->mhead = (f->mhead + 1) % MSGQ;
		f->mcount--;
	}
	slot = (f->mhead + f->mcount) % MSGQ;
	va_start(ap, fmt);
	vsnprintf(f->msg[slot], sizeof f->msg[slot], fmt, ap);
	va_end(ap);
	f->mcount++;
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static struct fdom *find(struct fake *f, int id)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->d[i].id == id && f->d[i].created)
			return &f->d[i];
	return NULL;
}

static void drop(struct fake *f, size_t i)
{
	memmove(&f->d[i], &f->d[i + 1], (f->n - i - 1) * sizeof *f->d);
	f->n--;
}

static uint64_t used_kib(const struct fake *f)
{
	uint64_t kib = 0;

	for (size_t i = 0; i < f->n; i++)
		if (f->d[i].created && f->d[i].id != 0)
			kib += sizing_need_kib(f->d[i].mem_mib);
	return kib;
}

static uint64_t free_kib(const struct fake *f)
{
	uint64_t total = (uint64_t)f->total_mib * 1024;
	uint64_t taken = (uint64_t)(f->dom0_mib + XEN_KEEP_MIB) * 1024 + used_kib(f);

	return taken >= total ? 0 : total - taken;
}

/* CPU share (0..1 of one vCPU) at time t. */
static double cpu_share(const struct fdom *d, double t)
{
	double wave = 0.5 + 0.5 * sin(t * 0.7 + (double)(hash(d->name) % 7));
	double share;

	if (d->paused || d->crashed || d->down || d->dying)
		return 0;
	if (d->id == 0)
		share = 0.03 + 0.02 * wave;
	else if (d->shutting)
		share = 0.3;
	else if (t < d->ready_at)
		share = 0.6 + 0.2 * wave;
	else if (d->wl == WL_CPU && t < d->wl_until)
		share = 1.0;
	else if (d->wl == WL_MEM && t < d->wl_until)
		share = 0.25;
	else
		share = 0.01 + 0.03 * wave;
	if (d->cap > 0 && share > d->cap / 100.0)
		share = d->cap / 100.0;
	return share;
}

/* Integrate counters of one domain from d->last to t (in 0.1 s steps, so
 * the result hardly depends on how often we are asked). */
static void advance_dom(struct fdom *d, double t)
{
	while (d->last < t) {
		double step = t - d->last < 0.1 ? t - d->last : 0.1;
		double mid = d->last + step / 2;
		int active = !d->paused && !d->crashed && !d->down && !d->dying;

		d->cpu_ns += cpu_share(d, mid) * step * 1e9;
		if (active && d->id != 0) {
			int booting = mid < d->ready_at;
			int disk = d->wl == WL_DISK && mid < d->wl_until;
			int ping = d->wl == WL_PING && mid < d->wl_until;

			d->rd += step * (booting ? 2.0e6 : disk ? 20.0e6 : 0);
			d->wr += step * (booting ? 0.1e6 : 0);
			d->rx += step * (booting ? 0 : ping ? 1100 : 180);
			d->tx += step * (booting ? 0 : ping ? 1100 : 90);
		}
		d->last += step;
	}
}

/* d's creation time has come: it takes its memory from *avail, or the
 * launch fails like libxl's xc_dom_boot_mem_init would (false). */
static bool create(struct fake *f, struct fdom *d, uint64_t *avail)
{
	uint64_t need = sizing_need_kib(d->mem_mib);

	if (need > *avail) {
		say(f, "launch of %s failed: not enough free memory "
		    "(needs %llu MiB, %llu MiB free)", d->name,
		    (unsigned long long)(need / 1024), (unsigned long long)(*avail / 1024));
		return false;
	}
	*avail -= need;
	d->created = 1;
	d->id = f->next_id++;
	d->last = d->created_at;
	say(f, "%s created as domain %d, booting", d->name, d->id);
	return true;
}

static void advance(struct fake *f, double now)
{
	uint64_t avail = free_kib(f);   /* once, then kept up to date: O(n) */

	for (size_t i = 0; i < f->n; i++) {
		struct fdom *d = &f->d[i];

		if (!d->created && now >= d->created_at && !create(f, d, &avail)) {
			drop(f, i--);
			continue;
		}
		if (!d->created)
			continue;
		if (d->end_at > 0 && now >= d->end_at) {
			advance_dom(d, d->end_at);
			if (d->dying) {
				avail += sizing_need_kib(d->mem_mib);
				drop(f, i--);
				continue;
			}
			d->down = 1;      /* shut down: stays until reaped */
			d->end_at = 0;
		}
		advance_dom(d, now);
		if (d->wl != WL_STOP && now >= d->wl_until)
			d->wl = WL_STOP;
	}
}

/* What the guest wrote under KEY, through guest_text as the Xen backend
 * reads it; false (out "") when it wrote nothing there. */
static bool fake_read(const struct fdom *d, const char *key, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < d->nwrote; i++) {
		if (!strcmp(d->wrote[i].key, key)) {
			guest_text(d->wrote[i].raw, d->wrote[i].n, out, len);
			return true;
		}
	}
	return false;
}

static enum dom_state fake_state(const struct fdom *d, double now)
{
	if (!d->created)
		return DS_BOOTING;
	if (d->dying)
		return DS_DYING;
	if (d->crashed)
		return DS_CRASHED;
	if (d->shutting)
		return DS_SHUTDOWN;
	if (d->paused)
		return DS_PAUSED;
	if (d->id == 0)
		return DS_RUNNING;
	return now >= d->ready_at ? DS_READY : DS_BOOTING;
}

/* The agent's workload line: what the guest wrote, else the script's. */
static void fake_workload_text(const struct fdom *d, double now, char *out, size_t len)
{
	if (d->id == 0 || !d->created || fake_read(d, "workload", out, len))
		return;
	if (d->wl != WL_STOP) {
		struct workload_req r = { .kind = d->wl, .arg = d->wl_arg };
		char what[32];

		snprintf(out, len, "%s, %.0f s left", workload_describe(&r, what, sizeof what),
			 ceil(d->wl_until - now));
	} else if (now >= d->ready_at) {
		xstrlcpy(out, "idle", len);
	}
}

static void fake_sample(const struct fdom *d, double now, struct dom_sample *o)
{
	o->id = d->created ? d->id : -1;
	xstrlcpy(o->name, d->name, sizeof o->name);
	xstrlcpy(o->distro, d->distro, sizeof o->distro);
	o->state = fake_state(d, now);
	o->cpu_ns = (uint64_t)d->cpu_ns;
	o->vcpus = d->vcpus;
	o->mem_kib = d->created ? (uint64_t)d->mem_mib * 1024 : 0;
	o->maxmem_kib = (uint64_t)d->mem_mib * 1024;
	o->net_rx_bytes = (uint64_t)d->rx;
	o->net_tx_bytes = (uint64_t)d->tx;
	o->disk_rd_sectors = (uint64_t)(d->rd / 512);
	o->disk_wr_sectors = (uint64_t)(d->wr / 512);
	o->started = d->created ? d->created_at : 0;
	o->boot_secs = d->id != 0 && d->created && now >= d->ready_at
		? d->ready_at - d->launched : -1;
	o->weight = d->weight;
	o->cap = d->cap;
	fake_workload_text(d, now, o->workload, sizeof o->workload);
}

static int fake_snapshot(struct backend *b, double now, struct snapshot *s,
			 char *err, size_t errlen)
{
	struct fake *f = F(b);

	(void)err;
	(void)errlen;
	advance(f, now);
	memset(s, 0, sizeof *s);
	s->t = now;
	xstrlcpy(s->host.xen_version, "4.17 (demo)", sizeof s->host.xen_version);
	s->host.cpus = 2;
	s->host.total_kib = (uint64_t)f->total_mib * 1024;
	s->host.free_kib = free_kib(f);
	s->n = f->n;
	s->dom = xcalloc(f->n ? f->n : 1, sizeof *s->dom);
	for (size_t i = 0; i < f->n; i++)
		fake_sample(&f->d[i], now, &s->dom[i]);
	return 0;
}

static int fake_poll(struct backend *b, double now, char *msg, size_t len)
{
	struct fake *f = F(b);

	advance(f, now);
	if (!f->mcount)
		return 0;
	xstrlcpy(msg, f->msg[f->mhead], len);
	f->mhead = (f->mhead + 1) % MSGQ;
	f->mcount--;
	return 1;
}

static int fake_launch(struct backend *b, double now, const struct guestcfg *g,
		       char *err, size_t errlen)
{
	struct fake *f = F(b);
	const char *name = g->name;
	struct fdom *d;

	advance(f, now);
	for (size_t i = 0; i < f->n; i++) {
		if (!strcmp(f->d[i].name, name)) {
			snprintf(err, errlen, "a domain named %s already exists", name);
			return -1;
		}
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->d = xrealloc(f->d, f->cap * sizeof *f->d);
	}
	d = &f->d[f->n++];
	memset(d, 0, sizeof *d);
	d->id = -1;
	xstrlcpy(d->name, name, sizeof d->name);
	xstrlcpy(d->distro, g->distro, sizeof d->distro);
	d->mem_mib = g->memory_mib;
	d->vcpus = 1;
	d->launched = now;
	d->created_at = now + CREATE_SECS;
	d->ready_at = d->created_at +
		(f->boot_override >= 0 ? f->boot_override : 3.0 + (hash(name) % 20) / 10.0);
	d->weight = 256;
	d->agent = 1;
	return 0;
}

static int fake_pending(struct backend *b)
{
	struct fake *f = F(b);
	int n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += !f->d[i].created;
	return n;
}

static void fake_reap(struct backend *b, double now)
{
	struct fake *f = F(b);

	advance(f, now);
	for (size_t i = 0; i < f->n; i++) {
		struct fdom *d = &f->d[i];

		if (d->down && !d->dying) {
			d->dying = 1;
			d->end_at = now + DYING_SECS;
			say(f, "%s shut down; cleaning up", d->name);
		}
	}
}

static struct fdom *guest(struct fake *f, int id, char *err, size_t errlen)
{
	struct fdom *d = find(f, id);

	if (!d)
		snprintf(err, errlen, "no domain with id %d", id);
	else if (id == 0) {
		snprintf(err, errlen, "refusing to touch Domain-0");
		d = NULL;
	}
	return d;
}

static int fake_destroy(struct backend *b, double now, int id, char *err, size_t errlen)
{
	struct fake *f = F(b);
	struct fdom *d;

	advance(f, now);
	if (!(d = guest(f, id, err, errlen)))
		return -1;
	if (!d->dying) {
		d->dying = 1;
		d->end_at = now + DYING_SECS;
	}
	return 0;
}

static int fake_pause(struct backend *b, int id, char *err, size_t errlen)
{
	struct fdom *d = guest(F(b), id, err, errlen);

	if (!d)
		return -1;
	d->paused = 1;
	return 0;
}

static int fake_unpause(struct backend *b, int id, char *err, size_t errlen)
{
	struct fdom *d = guest(F(b), id, err, errlen);

	if (!d)
		return -1;
	d->paused = 0;
	return 0;
}

static int fake_shutdown(struct backend *b, double now, int id, char *err, size_t errlen)
{
	struct fake *f = F(b);
	struct fdom *d;

	advance(f, now);
	if (!(d = guest(f, id, err, errlen)))
		return -1;
	if (d->crashed || d->dying) {
		snprintf(err, errlen, "%s cannot shut down (%s); destroy it instead", d->name,
			 d->crashed ? "crashed" : "dying");
		return -1;
	}
	if (d->paused) {
		snprintf(err, errlen, "%s is paused; unpause it first", d->name);
		return -1;
	}
	if (!d->shutting) {
		d->shutting = 1;
		d->end_at = now + SHUTDOWN_SECS;
	}
	return 0;
}

static int fake_set_sched(struct backend *b, int id, int weight, int cap,
			  char *err, size_t errlen)
{
	struct fake *f = F(b);
	struct fdom *d = find(f, id);

	if (!d) {
		snprintf(err, errlen, "no domain with id %d", id);
		return -1;
	}
	if (weight < 1 || weight > 65535 || cap < 0 || cap > 100 * (int)d->vcpus) {
		snprintf(err, errlen, "weight must be 1..65535 and cap 0..%u", 100 * d->vcpus);
		return -1;
	}
	d->weight = weight;
	d->cap = cap;
	return 0;
}

/* A pretend serial console on the real terminal: prints a boot banner and
 * echoes what is typed until Ctrl-] (like xl console). */
static int fake_console(struct backend *b, int id, const char *name, char *err, size_t errlen)
{
	struct termios saved, raw;
	int have_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	unsigned char c;

	if (!find(F(b), id)) {
		snprintf(err, errlen, "no domain with id %d", id);
		return -1;
	}
	printf("\r\n[demo console of %s - press Ctrl-] to return to livetop]\r\n", name);
	printf("%s login: root (automatic login)\r\n# ", name);
	fflush(stdout);
	if (have_tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	for (;;) {
		ssize_t r = read(STDIN_FILENO, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == 0x1d)
			break;
		if (c == '\r')
			printf("\r\n# ");
		else
			putchar(c);
		fflush(stdout);
	}
	if (have_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return 0;
}

static int fake_workload(struct backend *b, double now, int id, const struct workload_req *r,
			 char *err, size_t errlen)
{
	struct fake *f = F(b);
	struct fdom *d;

	advance(f, now);
	if (!(d = guest(f, id, err, errlen)))
		return -1;
	if (now < d->ready_at || d->crashed || d->dying || d->shutting) {
		snprintf(err, errlen, "%s has no running agent yet (it must be ready)", d->name);
		return -1;
	}
	if (r->kind == WL_PING) {
		struct fdom *peer = find(f, r->target_id);

		if (!peer || peer == d || now < peer->ready_at) {
			snprintf(err, errlen, "ping needs another guest that is ready");
			return -1;
		}
		peer->wl = WL_PING;
		peer->wl_until = now + 20;
	}
	d->wl = r->kind;
	d->wl_arg = r->arg;
	d->wl_until = r->kind == WL_STOP ? now :
		now + (r->kind == WL_CPU ? r->arg : r->kind == WL_DISK ? 15 : 20);
	d->wl_peer = r->target_id;
	return 0;
}

static void fake_close(struct backend *b)
{
	struct fake *f = F(b);

	free(f->d);
	free(f);
}

static const struct backend_ops fake_ops = {
	.kind = "fake",
	.snapshot = fake_snapshot,
	.poll = fake_poll,
	.launch = fake_launch,
	.pending = fake_pending,
	.reap = fake_reap,
	.destroy = fake_destroy,
	.pause = fake_pause,
	.unpause = fake_unpause,
	.shutdown = fake_shutdown,
	.set_sched = fake_set_sched,
	.console = fake_console,
	.workload = fake_workload,
	.close = fake_close,
};

struct backend *backend_fake_open(double now)
{
	struct fake *f = xcalloc(1, sizeof *f);
	struct fdom *d0;

	f->base.ops = &fake_ops;
	f->total_mib = 1024;
	f->dom0_mib = 384;
	f->boot_override = -1;
	f->next_id = 1;
	f->cap = 8;
	f->d = xcalloc(f->cap, sizeof *f->d);
	d0 = &f->d[f->n++];
	d0->id = 0;
	xstrlcpy(d0->name, "Domain-0", sizeof d0->name);
	d0->mem_mib = f->dom0_mib;
	d0->vcpus = 2;
	d0->created = 1;
	d0->launched = d0->created_at = d0->ready_at = now - 42;
	d0->last = now;
	d0->weight = 256;
	return &f->base;
}

void fake_set_memory(struct backend *b, unsigned total_mib, unsigned dom0_mib)
{
	struct fake *f = F(b);

	f->total_mib = total_mib;
	f->dom0_mib = dom0_mib;
	f->d[0].mem_mib = dom0_mib;
}

int fake_crash(struct backend *b, int id)
{
	struct fdom *d = find(F(b), id);

	if (!d || id == 0)
		return -1;
	d->crashed = 1;
	return 0;
}

int fake_vanish(struct backend *b, int id)
{
	struct fake *f = F(b);

	for (size_t i = 0; i < f->n; i++) {
		if (f->d[i].created && f->d[i].id == id && id != 0) {
			drop(f, i);
			return 0;
		}
	}
	return -1;
}

void fake_set_boot_secs(struct backend *b, double secs)
{
	F(b)->boot_override = secs;
}

int fake_guest_write(struct backend *b, int id, const char *key, const char *raw, size_t n)
{
	struct fdom *d = find(F(b), id);
	struct fkey *k = NULL;

	if (!d || id == 0 || strlen(key) >= sizeof k->key)
		return -1;
	for (size_t i = 0; i < d->nwrote && !k; i++)
		if (!strcmp(d->wrote[i].key, key))
			k = &d->wrote[i];
	if (!k && d->nwrote == FAKE_KEYS)
		return -1;
	if (!k)
		k = &d->wrote[d->nwrote++];
	xstrlcpy(k->key, key, sizeof k->key);
	k->n = n < sizeof k->raw ? n : sizeof k->raw;
	memcpy(k->raw, raw, k->n);
	return 0;
}
