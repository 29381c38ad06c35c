/* backend_xen.c — the real backend: libxenlight for figures, lifecycle
 * and sizing, libxenstore for names and the in-guest agent.
 *
 *  - Snapshot: libxl_list_domain (one hypercall for every domain's
 *    figures: CPU time, memory, vCPU count, state flags) and
 *    libxl_get_physinfo.  Not libxenstat's xenstat_get_node: it reads
 *    every domain's name from xenstore at every snapshot; here a name is
 *    read once and then every NAME_REFRESH_S (xl rename).
 *    Block I/O is read from
 *    /sys/bus/xen-backend/devices/vbd-DOMID-DEV/statistics/{rd,wr}_sect
 *    directly (some libxenstat versions store rd_sect into wr_sects).
 *    Network counters come from dom0's vifD.N in one read of
 *    /proc/net/dev (not XENSTAT_NETWORK, see read_vifs), so the guest's RX
 *    is the vif's TX and vice versa.
 *  - State: Xen's flags (dying, crashed, shutdown, paused); otherwise
 *    "ready" when the agent wrote data/xenlive/state = ready, else booting.
 *    Domain 0 is "running".
 *  - Launch and destroy run in helper processes (xen_jobs.c: a forked
 *    child opens its own libxl context and runs xenops_create, or
 *    libxl_domain_destroy), so the screen stays live during the seconds a
 *    build takes; poll() turns their results into log lines.  Pause,
 *    unpause, shutdown and scheduler changes are quick libxl calls.
 *  - Nobody runs xl's per-domain monitor process here, so on_poweroff=
 *    destroy is done by us, in reap() (never in a snapshot): a domain
 *    the last snapshot saw shut down (not crashed) is destroyed and
 *    logged. A crashed one stays, shown as crashed.
 *  - Console: fork + exec `xl console NAME`, wait (Ctrl-] detaches). */
#include "backend_xen_int.h"
#include "sizing.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VBD_DIR "/sys/bus/xen-backend/devices"
/* weight and cap change only through us (re-read at once) or another
 * toolstack (seen within this many seconds) */
#define SCHED_REFRESH_S 60.0
/* a domain's name is read again after this many seconds (xl rename) */
#define NAME_REFRESH_S 10.0
/* block backends whose counter files stay open (two files each); the
 * others are opened at each snapshot */
#define VBD_OPEN_MAX 512

static struct xenb *X(struct backend *b)
{
	return (struct xenb *)b;
}

void xenb_say(struct xenb *x, const char *fmt, ...)
{
	va_list ap;

	if (x->nmsg == x->msg_cap) {
		x->msg_cap = x->msg_cap ? 2 * x->msg_cap : 16;
		x->msg = xrealloc(x->msg, x->msg_cap * sizeof *x->msg);
	}
	va_start(ap, fmt);
	vsnprintf(x->msg[x->nmsg++], sizeof x->msg[0], fmt, ap);
	va_end(ap);
}

/* xenstore read of PATH into out ("" if absent). dom0's own values come
 * as they are (at most len - 1 bytes); a guest's (guest) through
 * guest_text: no control bytes, at most GUEST_TEXT_MAX bytes. */
static void xs_text(struct xenb *x, const char *path, bool guest, char *out, size_t len)
{
	unsigned n = 0;
	char *v;

	out[0] = '\0';
	if (!x->xs || !(v = xs_read(x->xs, XBT_NULL, path, &n)))
		return;
	if (guest)
		guest_text(v, n, out, len);
	else
		snprintf(out, len, "%.*s", (int)n, v);
	free(v);
}

/* The one place guest-written data enters livetop: a guest's own key
 * /local/domain/ID/data/xenlive/KEY, which its root may set to any bytes
 * at any time, through guest_text (safetext: control bytes, escape
 * sequences, C1 and broken UTF-8 become '?'), so nothing a guest writes
 * reaches a terminal raw. */
static void xl_read(struct xenb *x, int id, const char *key, char *out, size_t len)
{
	char path[128];

	snprintf(path, sizeof path, "/local/domain/%d/data/xenlive/%s", id, key);
	xs_text(x, path, true, out, len);
}

/* What dom0 recorded when it created guest ID (xenops_create), under
 * /libxl/ID/xenlive/KEY: no guest can write there, and libxl removes it
 * with the domain. */
static void dom0_read(struct xenb *x, int id, const char *key, char *out, size_t len)
{
	char path[128];

	snprintf(path, sizeof path, "/libxl/%d/xenlive/%s", id, key);
	xs_text(x, path, false, out, len);
}

/* What we know of domain id, a new entry the first time; marked as seen
 * by this snapshot. New domains mostly have the highest id, so the
 * insertion is mostly at the end. */
static struct known *known_get(struct xenb *x, int id)
{
	size_t lo = 0, hi = x->nknown;
	struct known *k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->known[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == x->nknown || x->known[lo].id != id) {
		if (x->nknown == x->known_cap) {
			x->known_cap = x->known_cap ? 2 * x->known_cap : 64;
			x->known = xrealloc(x->known, x->known_cap * sizeof *x->known);
		}
		k = &x->known[lo];
		memmove(k + 1, k, (x->nknown - lo) * sizeof *k);
		x->nknown++;
		memset(k, 0, sizeof *k);
		k->id = id;
	}
	k = &x->known[lo];
	k->seen = x->snaps;
	return k;
}

/* Forget the domains this snapshot did not have. */
static void known_prune(struct xenb *x)
{
	size_t o = 0;

	for (size_t i = 0; i < x->nknown; i++)
		if (x->known[i].seen == x->snaps)
			x->known[o++] = x->known[i];
	x->nknown = o;
}

/* The number at the start of the file open as fd, read from its start
 * (a sysfs attribute shows its value afresh at every read from 0). */
static unsigned long long pread_ull(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

/* The number at the start of file path (0 if there is none). */
static unsigned long long read_ull(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned long long v;

	if (fd < 0)
		return 0;
	v = pread_ull(fd);
	close(fd);
	return v;
}

static int dom_id_cmp(const void *a, const void *b)
{
	int x = (*(struct dom_sample *const *)a)->id, y = (*(struct dom_sample *const *)b)->id;

	return (x > y) - (x < y);
}

/* The domain with that id among n sorted by id, NULL if none. */
static struct dom_sample *dom_by_id(struct dom_sample **by_id, size_t n, int id)
{
	struct dom_sample key = { .id = id }, *k = &key, **found;

	found = bsearch(&k, by_id, n, sizeof *by_id, dom_id_cmp);
	return found ? *found : NULL;
}

const char *xen_vbd_dir = VBD_DIR;

/* Block backend vbd-DOMID-DEV: the entry that keeps its two counter files
 * open (a new one, files opened, the first time; at most VBD_OPEN_MAX
 * open, the others are read by path), marked as seen by this snapshot. */
static struct vbd_stat *vbd_get(struct xenb *x, const char *entry, unsigned domid, unsigned dev)
{
	size_t lo = 0, hi = x->nvbds;
	struct vbd_stat *v;
	char path[512];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vbd_stat *m = &x->vbds[mid];

		if (m->domid < domid || (m->domid == domid && m->dev < dev))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == x->nvbds || x->vbds[lo].domid != domid || x->vbds[lo].dev != dev) {
		if (x->nvbds == x->vbds_cap) {
			x->vbds_cap = x->vbds_cap ? 2 * x->vbds_cap : 64;
			x->vbds = xrealloc(x->vbds, x->vbds_cap * sizeof *x->vbds);
		}
		v = &x->vbds[lo];
		memmove(v + 1, v, (x->nvbds - lo) * sizeof *v);
		x->nvbds++;
		*v = (struct vbd_stat){ .domid = domid, .dev = dev, .rd = -1, .wr = -1 };
		if (x->vbds_open < VBD_OPEN_MAX) {
			snprintf(path, sizeof path, "%s/%s/statistics/rd_sect", xen_vbd_dir, entry);
			v->rd = open(path, O_RDONLY | O_CLOEXEC);
			snprintf(path, sizeof path, "%s/%s/statistics/wr_sect", xen_vbd_dir, entry);
			v->wr = open(path, O_RDONLY | O_CLOEXEC);
			x->vbds_open += (v->rd >= 0) + (v->wr >= 0);
		}
	}
	v = &x->vbds[lo];
	v->seen = x->snaps;
	return v;
}

/* Close and forget the backends this snapshot did not see. */
static void vbd_prune(struct xenb *x)
{
	size_t o = 0;

	for (size_t i = 0; i < x->nvbds; i++) {
		struct vbd_stat *v = &x->vbds[i];

		if (v->seen == x->snaps) {
			x->vbds[o++] = *v;
			continue;
		}
		if (v->rd >= 0)
			close(v->rd), x->vbds_open--;
		if (v->wr >= 0)
			close(v->wr), x->vbds_open--;
	}
	x->nvbds = o;
}

/* One counter of backend entry: from its open file, else by path. */
static unsigned long long vbd_counter(const char *entry, int fd, const char *name)
{
	char path[512];

	if (fd >= 0)
		return pread_ull(fd);
	snprintf(path, sizeof path, "%s/%s/statistics/%s", xen_vbd_dir, entry, name);
	return read_ull(path);
}

/* Sum the block-backend sector counters per domain.  Each backend's two
 * counter files stay open between snapshots (vbd_get): a read is then
 * one pread, not an open, a read and a close; under emulation every
 * system call of a PV dom0 is dear, and these were a third of livetop's
 * CPU with 70 guests. */
static void read_vbds(struct xenb *x, struct dom_sample **by_id, size_t n)
{
	DIR *d = opendir(xen_vbd_dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			unsigned domid, dev;
			struct dom_sample *o;
			struct vbd_stat *v;

			if (sscanf(e->d_name, "vbd-%u-%u", &domid, &dev) != 2 ||
			    !(o = dom_by_id(by_id, n, (int)domid)))
				continue;
			v = vbd_get(x, e->d_name, domid, dev);
			o->disk_rd_sectors += vbd_counter(e->d_name, v->rd, "rd_sect");
			o->disk_wr_sectors += vbd_counter(e->d_name, v->wr, "wr_sect");
		}
		closedir(d);
	}
	vbd_prune(x);
}

const char *xen_netdev_path = "/proc/net/dev";

/* Sum each guest's vifD.N counters (dom0's side: its TX is the guest's RX)
 * from one read of /proc/net/dev.  libxenstat's XENSTAT_NETWORK compiles a
 * regular expression and opens a sysfs file for every line, every time:
 * with 100 guests that was most of a snapshot. */
static void read_vifs(struct dom_sample **by_id, size_t n)
{
	FILE *f = fopen(xen_netdev_path, "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char name[32];
		unsigned domid, dev;
		unsigned long long rx, tx;
		int end = 0;
		struct dom_sample *o;

		if (sscanf(line, " %31[^: ]: %llu %*u %*u %*u %*u %*u %*u %*u %llu", name, &rx, &tx) != 3 ||
		    sscanf(name, "vif%u.%u%n", &domid, &dev, &end) != 2 || name[end] ||
		    !(o = dom_by_id(by_id, n, (int)domid)))
			continue;
		o->net_rx_bytes += tx;
		o->net_tx_bytes += rx;
	}
	fclose(f);
}

/* Block and network counters, for the domains of s. */
static void read_devices(struct xenb *x, struct snapshot *s)
{
	struct dom_sample **by_id = xcalloc(s->n + 1, sizeof *by_id);

	for (size_t i = 0; i < s->n; i++)
		by_id[i] = &s->dom[i];
	qsort(by_id, s->n, sizeof *by_id, dom_id_cmp);
	read_vbds(x, by_id, s->n);
	read_vifs(by_id, s->n);
	free(by_id);
}

/* The helper child: no terminal (libxl and hotplug output would scribble
 * over the screen), default signals, j's work, its result into fd. */

/* Has the agent of guest k said ready (k->ready_at)? Asked on
 * guest_poll's schedule: ten times a second while the guest may be
 * booting, then every few seconds. */
static bool agent_ready(struct xenb *x, struct known *k, double now)
{
	char st[32];

	if (k->ready_at > 0)        /* the agent writes ready once per boot */
		return true;
	if (!guest_poll_due(&k->poll, now))
		return false;
	xl_read(x, k->id, "state", st, sizeof st);
	if (strcmp(st, "ready"))
		return false;
	k->ready_at = now;
	return true;
}

/* A domain that xl save (or a move to another machine) suspends is shut
 * down with the reason "suspend": it is not finished, and the one saving
 * it destroys it or lets it run on.  Cleaning it up would kill it midway,
 * so it shows as paused. */
static enum dom_state state_of(struct xenb *x, double now, const libxl_dominfo *d, int id,
			       struct known *k)
{
	if (d->dying)
		return DS_DYING;
	if (d->shutdown && d->shutdown_reason == LIBXL_SHUTDOWN_REASON_CRASH)
		return DS_CRASHED;
	if (d->shutdown)
		return d->shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND ? DS_PAUSED : DS_SHUTDOWN;
	if (d->paused)
		return DS_PAUSED;
	if (id == 0 || !k)   /* dom0; a brief backend does not ask the agents */
		return DS_RUNNING;
	return agent_ready(x, k, now) ? DS_READY : DS_BOOTING;
}

/* Weight and cap: libxl is asked at most every SCHED_REFRESH_S per domain. */
static void read_sched(struct xenb *x, double now, struct dom_sample *o, struct known *k)
{
	libxl_domain_sched_params sp;

	o->weight = o->cap = -1;
	if (k && k->sched_at > 0 && now - k->sched_at < SCHED_REFRESH_S) {
		o->weight = k->weight;
		o->cap = k->cap;
		return;
	}
	libxl_domain_sched_params_init(&sp);
	if (libxl_domain_sched_params_get(x->ctx, (uint32_t)o->id, &sp) == 0) {
		o->weight = sp.weight;
		o->cap = sp.cap < 0 ? 0 : sp.cap;
		if (k) {
			k->weight = o->weight;
			k->cap = o->cap;
			k->sched_at = now;
		}
	}
	libxl_domain_sched_params_dispose(&sp);
}

/* What dom0 recorded at the launch (distro, launch time) and what the
 * agent wrote (workload, on work_poll's schedule), and from those the
 * launch -> ready time. */
static void read_agent(struct xenb *x, double now, struct dom_sample *o, struct known *k)
{
	char buf[64];

	if (!k->distro[0])
		dom0_read(x, o->id, "distro", k->distro, sizeof k->distro);
	xstrlcpy(o->distro, k->distro, sizeof o->distro);
	if (!o->distro[0]) {   /* not launched by us: guess from "distro-N" */
		const char *dash = strrchr(o->name, '-');

		if (dash && dash > o->name)
			snprintf(o->distro, sizeof o->distro, "%.*s", (int)(dash - o->name), o->name);
	}
	if (work_poll_due(&k->wpoll, now)) {
		char w[sizeof k->workload];
		bool changed;

		xl_read(x, o->id, "workload", w, sizeof w);
		changed = strcmp(w, k->workload) != 0;
		if (changed)
			xstrlcpy(k->workload, w, sizeof k->workload);
		work_poll_looked(&k->wpoll, now, changed);
	}
	xstrlcpy(o->workload, k->workload, sizeof o->workload);
	if (k->launched == 0) {
		dom0_read(x, o->id, "launched", buf, sizeof buf);
		k->launched = buf[0] ? strtod(buf, NULL) : 0;
	}
	if (k->ready_at > 0 && k->launched > 0 && k->ready_at >= k->launched)
		o->boot_secs = k->ready_at - k->launched;
	k->down = o->state == DS_SHUTDOWN;
}

/* Domain id's name into k->name: read from xenstore the first time and
 * every NAME_REFRESH_S after; a new name (xl rename) is a new domain to
 * us, so what was kept of the old one goes.  false when it has none (a
 * domain being built or torn down) and none is kept. */
static bool dom_name(struct xenb *x, double now, struct known *k)
{
	char path[64], name[DOM_NAME_MAX];

	if (k->name[0] && now - k->name_at < NAME_REFRESH_S)
		return true;
	snprintf(path, sizeof path, "/local/domain/%d/name", k->id);
	xs_text(x, path, false, name, sizeof name);
	if (!name[0])
		return k->name[0] != '\0';
	if (k->name[0] && strcmp(name, k->name)) {
		int id = k->id;
		unsigned seen = k->seen;

		memset(k, 0, sizeof *k);
		k->id = id;
		k->seen = seen;
	}
	xstrlcpy(k->name, name, sizeof k->name);
	k->name_at = now;
	return true;
}

/* One domain of libxl's list into o; false to leave it out (no name). */
static bool read_domain(struct xenb *x, double now, const libxl_dominfo *d, struct dom_sample *o)
{
	struct known *k;

	o->id = (int)d->domid;
	k = known_get(x, o->id);
	if (!dom_name(x, now, k))
		return false;
	xstrlcpy(o->name, k->name, sizeof o->name);
	if (o->id == 0 || x->brief)   /* (k kept the name) */
		k = NULL;
	o->state = state_of(x, now, d, o->id, k);
	o->cpu_ns = d->cpu_time;
	o->vcpus = d->vcpu_max_id + 1;
	o->mem_kib = d->current_memkb;
	o->maxmem_kib = d->max_memkb;
	/* until libxl has written it, the start time reads as (uint32_t)-1
	 * (or 0): keep asking rather than keep that */
	if (k && k->started == 0) {
		uint32_t t = libxl_vm_get_start_time(x->ctx, (uint32_t)o->id);

		k->started = t == (uint32_t)-1 ? 0 : (double)t;
	}
	o->started = k ? k->started : 0;
	o->boot_secs = -1;
	if (x->brief)
		o->weight = o->cap = -1;
	else
		read_sched(x, now, o, k);
	if (o->id != 0 && k)
		read_agent(x, now, o, k);
	return true;
}

/* Launches still being built or queued: one booting entry each, id -1
 * (unless the domain is already there). */
static void add_launches(struct xenb *x, struct snapshot *s)
{
	struct dom_index ix;

	dom_index_build(&ix, s);
	for (size_t i = 0; i < x->njobs; i++) {
		const struct job *j = &x->jobs[i];
		struct dom_sample *o;

		if (j->kind != JOB_LAUNCH || dom_index_find(&ix, j->name, DOM_ANY_ID))
			continue;
		o = &s->dom[s->n++];
		o->id = -1;
		xstrlcpy(o->name, j->name, sizeof o->name);
		xstrlcpy(o->distro, j->distro, sizeof o->distro);
		o->state = DS_BOOTING;
		o->vcpus = 1;
		o->maxmem_kib = (uint64_t)j->mem_mib * 1024;
		o->boot_secs = -1;
		o->weight = o->cap = -1;
	}
	dom_index_free(&ix);
}

static int xen_snapshot(struct backend *b, double now, struct snapshot *s,
			char *err, size_t errlen)
{
	struct xenb *x = X(b);
	const libxl_version_info *v;
	libxl_physinfo pi;
	libxl_dominfo *doms;
	int n = 0;

	memset(s, 0, sizeof *s);
	xen_jobs_reap(x);
	x->snaps++;
	libxl_physinfo_init(&pi);
	if (libxl_get_physinfo(x->ctx, &pi) || !(doms = libxl_list_domain(x->ctx, &n))) {
		libxl_physinfo_dispose(&pi);
		snprintf(err, errlen, "libxl could not read the host (libxl_get_physinfo, libxl_list_domain)");
		return -1;
	}
	s->t = now;
	v = libxl_get_version_info(x->ctx);
	if (v)
		snprintf(s->host.xen_version, sizeof s->host.xen_version, "%d.%d%s", v->xen_version_major,
			 v->xen_version_minor, v->xen_version_extra ? v->xen_version_extra : "");
	else
		xstrlcpy(s->host.xen_version, "?", sizeof s->host.xen_version);
	s->host.cpus = pi.nr_cpus;
	s->host.total_kib = pi.total_pages * 4;
	s->host.free_kib = pi.free_pages * 4;
	s->host.dom0_avail_kib = sizing_dom0_avail_kib();
	libxl_physinfo_dispose(&pi);

	s->dom = xcalloc((size_t)n + x->njobs + 1, sizeof *s->dom);
	for (int i = 0; i < n; i++)
		if (read_domain(x, now, &doms[i], &s->dom[s->n]))
			s->n++;
		else
			memset(&s->dom[s->n], 0, sizeof s->dom[s->n]);
	libxl_dominfo_list_free(doms, n);
	if (!x->brief)
		read_devices(x, s);
	known_prune(x);
	add_launches(x, s);
	return 0;
}

/* Quick check between snapshots: notice "ready" promptly, so the
 * launch -> ready time is accurate to the UI's tick, not the refresh
 * (while a boot is expected; later every few seconds, agent_ready). */
static int xen_poll(struct backend *b, double now, char *msg, size_t len)
{
	struct xenb *x = X(b);

	xen_jobs_reap(x);
	for (size_t i = 0; i < x->nknown && !x->brief; i++)
		if (x->known[i].id != 0)     /* dom0 has no agent */
			agent_ready(x, &x->known[i], now);
	if (!x->nmsg)
		return 0;
	xstrlcpy(msg, x->msg[0], len);
	memmove(x->msg[0], x->msg[1], (x->nmsg - 1) * sizeof x->msg[0]);
	x->nmsg--;
	return 1;
}

static int xen_launch(struct backend *b, double now, const struct guestcfg *g,
		      char *err, size_t errlen)
{
	struct xenb *x = X(b);

	/* (a name in use: the app checks its snapshot, xenops_create the
	 * host; asking libxl here reads every domain's name, seconds on a
	 * busy dom0) */
	if (guestcfg_check_files(g, err, errlen))
		return -1;
	return xen_jobs_launch(x, now, g, err, errlen);
}

/* on_poweroff = destroy: nobody else will. */
static void xen_reap(struct backend *b, double now)
{
	struct xenb *x = X(b);
	char err[200];

	(void)now;
	for (size_t i = 0; i < x->nknown; i++) {
		struct known *k = &x->known[i];

		if (!k->down || k->reaped)
			continue;
		k->reaped = 1;
		if (xen_jobs_destroy(x, k->id, k->name, err, sizeof err))
			xenb_say(x, "%s shut down but could not be cleaned up: %s", k->name, err);
		else
			xenb_say(x, "%s shut down; cleaning up", k->name);
	}
}

static int xen_pending(struct backend *b)
{
	struct xenb *x = X(b);
	xen_jobs_reap(x);
	return xen_jobs_launching(x);
}

static int guest_id_ok(int id, char *err, size_t errlen)
{
	if (id <= 0) {
		snprintf(err, errlen, id == 0 ? "refusing to touch Domain-0" : "no such domain");
		return 0;
	}
	return 1;
}

static void name_of(struct xenb *x, int id, char *out, size_t len)
{
	char *n = libxl_domid_to_name(x->ctx, (uint32_t)id);

	snprintf(out, len, "%s", n ? n : "domain");
	free(n);
}

static int fail_libxl(struct xenb *x, const char *what, int id, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s of domain %d failed%s%s", what, id,
		 x->log.last[0] ? ": " : "", x->log.last);
	return -1;
}

static int xen_destroy(struct backend *b, double now, int id, char *err, size_t errlen)
{
	struct xenb *x = X(b);
	char name[DOM_NAME_MAX];

	(void)now;
	if (!guest_id_ok(id, err, errlen))
		return -1;
	name_of(x, id, name, sizeof name);
	return xen_jobs_destroy(x, id, name, err, errlen);
}

static int xen_pause(struct backend *b, int id, char *err, size_t errlen)
{
	struct xenb *x = X(b);

	if (!guest_id_ok(id, err, errlen))
		return -1;
	x->log.last[0] = '\0';
	return libxl_domain_pause(x->ctx, (uint32_t)id, NULL) ? fail_libxl(x, "pause", id, err, errlen) : 0;
}

static int xen_unpause(struct backend *b, int id, char *err, size_t errlen)
{
	struct xenb *x = X(b);

	if (!guest_id_ok(id, err, errlen))
		return -1;
	x->log.last[0] = '\0';
	return libxl_domain_unpause(x->ctx, (uint32_t)id, NULL) ? fail_libxl(x, "unpause", id, err, errlen) : 0;
}

static int xen_shutdown(struct backend *b, double now, int id, char *err, size_t errlen)
{
	struct xenb *x = X(b);

	(void)now;
	if (!guest_id_ok(id, err, errlen))
		return -1;
	x->log.last[0] = '\0';
	/* Writes control/shutdown = poweroff; the guest's kernel acts on it
	 * (PV guests have no ACPI fallback). The snapshot cleans up after. */
	return libxl_domain_shutdown(x->ctx, (uint32_t)id, NULL)
		? fail_libxl(x, "shutdown", id, err, errlen) : 0;
}

static int xen_set_sched(struct backend *b, int id, int weight, int cap,
			 char *err, size_t errlen)
{
	struct xenb *x = X(b);
	libxl_domain_sched_params sp;
	int rc;

	if (id < 0) {
		snprintf(err, errlen, "no such domain");
		return -1;
	}
	if (weight < 1 || weight > 65535 || cap < 0 || cap > 6400) {
		snprintf(err, errlen, "weight must be 1..65535 and cap 0..6400");
		return -1;
	}
	libxl_domain_sched_params_init(&sp);
	if (libxl_domain_sched_params_get(x->ctx, (uint32_t)id, &sp)) {
		libxl_domain_sched_params_dispose(&sp);
		return fail_libxl(x, "reading scheduler parameters", id, err, errlen);
	}
	sp.weight = weight;
	sp.cap = cap;
	x->log.last[0] = '\0';
	rc = libxl_domain_sched_params_set(x->ctx, (uint32_t)id, &sp);
	libxl_domain_sched_params_dispose(&sp);
	for (size_t i = 0; i < x->nknown; i++)   /* show the new values at once */
		if (x->known[i].id == id)
			x->known[i].sched_at = 0;
	return rc ? fail_libxl(x, "setting weight/cap", id, err, errlen) : 0;
}

static int xen_console(struct backend *b, int id, const char *name, char *err, size_t errlen)
{
	pid_t pid;
	int status;

	(void)b;
	(void)id;
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execlp("xl", "xl", "console", name, (char *)NULL);
		fprintf(stderr, "livetop: cannot run xl console: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "cannot run 'xl console %s' (is xl installed?)", name);
		return -1;
	}
	return 0;
}

static int xen_workload(struct backend *b, double now, int id, const struct workload_req *r,
			char *err, size_t errlen)
{
	struct xenb *x = X(b);
	char st[32], ip[64] = "", val[128], path[128];

	if (!guest_id_ok(id, err, errlen))
		return -1;
	if (!x->xs) {
		snprintf(err, errlen, "no connection to xenstore");
		return -1;
	}
	xl_read(x, id, "state", st, sizeof st);
	if (strcmp(st, "ready")) {
		snprintf(err, errlen, "no running agent yet (the guest must be ready)");
		return -1;
	}
	if (r->kind == WL_PING) {
		struct in_addr a;

		/* the address dom0's hotplug program gave the target's first
		 * vif (its DHCP listing and filters hold it to that one), not
		 * what the guest says: a guest's root could name any host */
		snprintf(path, sizeof path, "/local/domain/0/backend/vif/%d/0/ip", r->target_id);
		xs_text(x, path, false, ip, sizeof ip);
		if (ip[0] && inet_pton(AF_INET, ip, &a) != 1) {
			snprintf(err, errlen, "domain %d's vif has '%.40s' as its address, which is not one", r->target_id, ip);
			return -1;
		}
		if (!ip[0]) {
			snprintf(err, errlen, "domain %d has no address from dom0 (no network, or not on its bridge)",
				 r->target_id);
			return -1;
		}
	}
	workload_format(r, ++x->seq, ip, val, sizeof val);
	snprintf(path, sizeof path, "/local/domain/%d/data/xenlive/request", id);
	if (!xs_write(x->xs, XBT_NULL, path, val, (unsigned)strlen(val))) {
		snprintf(err, errlen, "xenstore write of %s failed: %s", path, strerror(errno));
		return -1;
	}
	/* its answer is looked for at every snapshot from now on */
	for (size_t i = 0; i < x->nknown; i++)
		if (x->known[i].id == id)
			work_poll_asked(&x->known[i].wpoll, now);
	return 0;
}

static void xen_close(struct backend *b)
{
	struct xenb *x = X(b);

	xen_jobs_free(x);   /* running helpers finish on their own */
	free(x->msg);
	if (x->xs)
		xs_close(x->xs);
	libxl_ctx_free(x->ctx);
	x->snaps++;                /* every backend unseen: all closed */
	vbd_prune(x);
	free(x->vbds);
	free(x->known);
	free(x);
}

static const struct backend_ops xen_ops = {
	.kind = "xen",
	.snapshot = xen_snapshot,
	.poll = xen_poll,
	.launch = xen_launch,
	.pending = xen_pending,
	.reap = xen_reap,
	.destroy = xen_destroy,
	.pause = xen_pause,
	.unpause = xen_unpause,
	.shutdown = xen_shutdown,
	.set_sched = xen_set_sched,
	.console = xen_console,
	.workload = xen_workload,
	.close = xen_close,
};

int backend_xen_available(void)
{
	return 1;
}

struct backend *backend_xen_open(unsigned flags, char *err, size_t errlen)
{
	struct xenb *x = xcalloc(1, sizeof *x);

	x->base.ops = &xen_ops;
	x->brief = (flags & BACKEND_XEN_BRIEF) != 0;
	xenops_log_init(&x->log, 0);
	if (access("/proc/xen/capabilities", R_OK) != 0 && access("/dev/xen/privcmd", R_OK) != 0) {
		snprintf(err, errlen, "not running in a Xen dom0 (no /proc/xen or /dev/xen)");
		free(x);
		return NULL;
	}
	if (!(x->xs = xs_open(0))) {
		snprintf(err, errlen, "cannot reach xenstore (are you root in dom0, is xenstored running?)");
		free(x);
		return NULL;
	}
	if (!(x->ctx = xenops_ctx(&x->log, err, errlen))) {
		xs_close(x->xs);
		free(x);
		return NULL;
	}
	return &x->base;
}
