/* app.c — livetop's actions: see app.h. */
#include "app.h"
#include "guestcfg.h"
#include "safetext.h"
#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_STEP_S 0.05        /* app_launch_wait's polling interval */
#define DEFAULT_WEIGHT 256

static double wall_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void wall_sleep(void *ctx, double secs)
{
	struct timespec ts;

	(void)ctx;
	if (secs <= 0)
		return;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

const struct app_clock app_wall_clock = { .now = wall_now, .sleep = wall_sleep };

void app_init(struct app *a, struct backend *be, const struct app_clock *clock)
{
	memset(a, 0, sizeof *a);
	a->be = be;
	a->clock = clock;
	settings_default(&a->set);
	model_init(&a->m);
	lan_init(&a->lan);
	serve_init(&a->serve);
	a->fill.parallel = app_fill_parallel();
	a->fill.booting = a->fill.parallel + 1;
}

unsigned app_fill_parallel(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 2 ? (unsigned)(n < 8 ? n : 8) : 2;
}

void app_free(struct app *a)
{
	model_free(&a->m);
	lan_free(&a->lan);
	serve_free(&a->serve);
	catalog_free(&a->cat);
	backend_close(a->be);
	a->be = NULL;
}

double app_now(const struct app *a)
{
	return a->clock->now(a->clock->ctx);
}

void app_sleep(const struct app *a, double secs)
{
	a->clock->sleep(a->clock->ctx, secs);
}

static void app_vlog(struct app *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void app_vlog(struct app *a, const char *fmt, va_list ap)
{
	char buf[LOG_TEXT];

	vsnprintf(buf, sizeof buf, fmt, ap);
	model_log(&a->m, app_now(a), "%s", buf);
}

void app_log(struct app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	app_vlog(a, fmt, ap);
	va_end(ap);
}

void app_log_raw(struct app *a, const char *prefix, const char *raw, size_t n, size_t max)
{
	char clean[LOG_TEXT];

	safetext(raw, n, clean, sizeof clean, max);
	app_log(a, "%s%s", prefix, clean);
}

/* ---- refresh ----------------------------------------------------------- */

int app_refresh(struct app *a)
{
	struct snapshot s;
	char err[256];
	double now = app_now(a);

	a->refresh_due = false;
	if (!a->be)
		return -1;
	if (a->be->ops->snapshot(a->be, now, &s, err, sizeof err)) {
		model_log(&a->m, now, "cannot read the host's figures: %s", err);
		return -1;
	}
	model_update(&a->m, &s);
	return 0;
}

void app_reap(struct app *a)
{
	if (a->be)
		a->be->ops->reap(a->be, app_now(a));
}

void app_poll(struct app *a)
{
	char msg[256];
	double now = app_now(a);

	while (a->be && a->be->ops->poll(a->be, now, msg, sizeof msg))
		model_log(&a->m, now, "%s", msg);
}

/* ---- launching --------------------------------------------------------- */

int app_guestcfg(struct app *a, const struct catalog_entry *e, unsigned memory_mib,
		 const char *name, struct guestcfg *g, char *err, size_t errlen)
{
	char alloc[GUEST_NAME_MAX];

	if (name && model_find(&a->m, name) >= 0) {
		snprintf(err, errlen, "a domain named %s already exists", name);
		return -1;
	}
	if (!name) {   /* every domain's name, however many there are */
		const char **names = xcalloc(a->m.cur.n + 1, sizeof *names);
		size_t n = model_names(&a->m, names, a->m.cur.n);

		guestcfg_alloc_name(e->id, names, n, alloc, sizeof alloc);
		free(names);
		name = alloc;
	}
	return guestcfg_build(e, memory_mib, name, a->set.bridge, g, err, errlen);
}

int app_launch(struct app *a, const struct catalog_entry *e, unsigned memory_mib,
	       const char *name)
{
	struct catalog_entry sized = *e;
	char why[LOG_TEXT], err[256];
	struct guestcfg g;

	if (app_guestcfg(a, e, memory_mib, name, &g, err, sizeof err)) {
		app_log(a, "cannot launch %s: %s", name ? name : e->id, err);
		return -1;
	}
	sized.memory_mib = g.memory_mib;
	if (model_why_not(&a->m, &sized, why, sizeof why)) {
		app_log(a, "%s", why);
		return -1;
	}
	if (!a->be || a->be->ops->launch(a->be, app_now(a), &g, err, sizeof err)) {
		app_log(a, "cannot launch %s: %s", g.name, a->be ? err : "no host");
		return -1;
	}
	app_log(a, "launching %s (%u MiB)\u2026", g.name, g.memory_mib);
	xstrlcpy(a->launched, g.name, sizeof a->launched);
	/* The new guest must be in a snapshot before the next name is picked
	 * (the screen takes one before its next key, a fill waits for one). */
	a->refresh_due = true;
	return 0;
}

int app_launch_nth(struct app *a, size_t i)
{
	if (i < a->cat.n)
		return app_launch(a, &a->cat.e[i], 0, NULL);
	if (a->cat.n)
		app_log(a, "no distro %zu in the catalogue (it lists %zu)", i + 1, a->cat.n);
	else
		app_log(a, "no distro %zu: no guest catalogue", i + 1);
	return -1;
}

static void newest_log(const struct app *a, char *out, size_t len)
{
	const struct log_entry *e = model_log_get(&a->m, 0);

	xstrlcpy(out, e ? e->text : "the launch failed", len);
}

int app_launch_wait(struct app *a, const struct catalog_entry *e, unsigned memory_mib,
		    const char *name, char *out, size_t outlen, char *err, size_t errlen)
{
	unsigned long logged;
	int i;

	if (app_refresh(a) || app_launch(a, e, memory_mib, name)) {
		newest_log(a, err, errlen);
		return -1;
	}
	xstrlcpy(out, a->launched, outlen);
	logged = a->m.log_total;
	while (a->be->ops->pending(a->be) > 0) {
		app_sleep(a, WAIT_STEP_S);
		app_poll(a);
	}
	app_poll(a);
	app_refresh(a);
	i = model_find(&a->m, out);
	if (i >= 0 && a->m.rows[i].id > 0)
		return 0;
	if (a->m.log_total == logged)
		app_log(a, "%s did not start", out);
	newest_log(a, err, errlen);
	return -1;
}

/* ---- guest actions ----------------------------------------------------- */

const struct row *app_guest(struct app *a, const struct row *r, const char *action)
{
	if (!r)
		app_log(a, "%s: no guest selected (use the arrow keys)", action);
	else if (r->id == 0)
		app_log(a, "%s: %s is dom0, livetop leaves it alone", action, r->name);
	else if (r->id < 0)
		app_log(a, "%s: %s is still being created", action, r->name);
	else
		return r;
	return NULL;
}

/* Log the outcome of a backend call on the guest called name. */
static int outcome(struct app *a, int rc, const char *name, const char *err,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int outcome(struct app *a, int rc, const char *name, const char *err,
		   const char *fmt, ...)
{
	va_list ap;

	if (rc) {
		app_log(a, "%s: %s", name, err);
		return -1;
	}
	va_start(ap, fmt);
	app_vlog(a, fmt, ap);
	va_end(ap);
	a->refresh_due = true;
	return 0;
}

int app_pause_toggle(struct app *a, const struct row *r)
{
	char err[256];
	bool paused;
	int rc;

	if (!(r = app_guest(a, r, "pause")))
		return -1;
	paused = r->state == DS_PAUSED;
	rc = paused ? a->be->ops->unpause(a->be, r->id, err, sizeof err)
		    : a->be->ops->pause(a->be, r->id, err, sizeof err);
	return outcome(a, rc, r->name, err, "%s %s%s", r->name, paused ? "unpaused" : "paused",
		       paused ? "" : " (its memory stays allocated)");
}

int app_shutdown(struct app *a, const struct row *r)
{
	char err[256];
	int rc;

	if (!(r = app_guest(a, r, "shutdown")))
		return -1;
	rc = a->be->ops->shutdown(a->be, app_now(a), r->id, err, sizeof err);
	return outcome(a, rc, r->name, err, "%s: shutdown requested", r->name);
}

int app_destroy(struct app *a, int id, const char *name)
{
	char err[256];
	int rc = a->be->ops->destroy(a->be, app_now(a), id, err, sizeof err);

	return outcome(a, rc, name, err, "%s destroyed", name);
}

int app_set_sched(struct app *a, const struct row *r, int weight, int cap)
{
	char err[256];
	int rc = a->be->ops->set_sched(a->be, r->id, weight, cap, err, sizeof err);

	return outcome(a, rc, r->name, err, "%s: weight %d, cap %s%d%s", r->name, weight,
		       cap ? "" : "none (", cap, cap ? "%" : ")");
}

int app_weight_step(struct app *a, const struct row *r, int dir)
{
	int w;

	if (!(r = app_guest(a, r, "weight")))
		return -1;
	w = r->weight > 0 ? r->weight : DEFAULT_WEIGHT;
	w = dir > 0 ? (w >= 32768 ? 65535 : w * 2) : (w > 1 ? w / 2 : 1);
	return app_set_sched(a, r, w, r->cap > 0 ? r->cap : 0);
}

int app_set_cap(struct app *a, const char *name, int id, int cap)
{
	int i = model_find(&a->m, name);
	const struct row *r = i < 0 ? NULL : &a->m.rows[i];

	if (!r || r->id != id) {
		app_log(a, "%s is gone", name);
		return -1;
	}
	return app_set_sched(a, r, r->weight > 0 ? r->weight : DEFAULT_WEIGHT, cap);
}

int app_console(struct app *a, const struct row *r)
{
	char err[256];

	if (a->be->ops->console(a->be, r->id, r->name, err, sizeof err)) {
		app_log(a, "console of %s: %s", r->name, err);
		return -1;
	}
	app_log(a, "back from the console of %s", r->name);
	return 0;
}

int app_workload(struct app *a, int id, const char *name, const struct workload_req *req)
{
	char err[256], what[64];
	int rc = a->be->ops->workload(a->be, app_now(a), id, req, err, sizeof err);

	return outcome(a, rc, name, err, "%s: %s requested", name,
		       workload_describe(req, what, sizeof what));
}

/* ---- fill -------------------------------------------------------------- */

void app_fill_toggle(struct app *a, const struct row *sel)
{
	const struct catalog_entry *e = NULL;

	if (a->fill.on) {
		a->fill.on = false;
		app_log(a, "fill: stopped by you after %u launched", a->fill.launched);
		return;
	}
	if (!a->cat.n) {
		app_log(a, "fill: no guest catalogue");
		return;
	}
	if (sel && sel->distro[0])
		e = catalog_find(&a->cat, sel->distro);
	if (!e) {
		e = &a->cat.e[0];
		app_log(a, "fill: the selected row is not a catalogue guest; using %s", e->id);
	}
	a->fill.on = true;
	a->fill.e = e;
	a->fill.launched = 0;
	a->fill.start_guests = model_guest_count(&a->m);
	a->fill.last = a->fill.settle = 0;
	app_log(a, "fill: launching %s guests until memory runs out", e->id);
}

/* A guest that is not ready this long after its start no longer holds
 * back a fill (it may never be: a broken image, an agent that died). */
#define FILL_BOOT_WAIT_S 60.0

/* Guests a fill waits on: launches in flight and guests booting (not
 * yet ready) that started less than FILL_BOOT_WAIT_S ago. */
static unsigned fill_booting(const struct app *a)
{
	const struct snapshot *s = &a->m.cur;
	unsigned n = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct dom_sample *d = &s->dom[i];

		if (d->id < 0)
			n++;
		else if (d->id > 0 && d->state == DS_BOOTING &&
			 (d->started <= 0 || s->t - d->started < FILL_BOOT_WAIT_S))
			n++;
	}
	return n;
}

/* One step of a fill, after each refresh.  Launches overlap: up to
 * fill.parallel are in flight (dom0's CPUs build them) and up to
 * fill.booting guests are launched but not yet ready (more would only
 * share the same CPUs: each would boot slower, none sooner).  Each new
 * launch comes only after a snapshot that shows the last one and while
 * more than one guest per launch in flight still fits.  The fill ends
 * when nothing is in flight and, on a snapshot taken after that, the next
 * guest does not fit (or a launch failed). */
void app_fill_step(struct app *a)
{
	char why[LOG_TEXT];
	int pending;
	bool booting_full;

	if (!a->fill.on)
		return;
	pending = a->be->ops->pending(a->be);
	if (a->m.cur.t <= a->fill.last)
		return;   /* the last launch is not in a snapshot yet */
	booting_full = fill_booting(a) >= a->fill.booting;
	if (pending > 0 || booting_full) {
		a->fill.settle = 0;
		/* (a domain being built can be out of the in-flight memory while
		 * Xen's free memory does not show all of it yet: each one still
		 * in flight is counted once more, so near the end it waits) */
		if ((unsigned)pending >= a->fill.parallel || booting_full ||
		    model_fits(&a->m, a->fill.e->memory_mib) <= (unsigned)pending)
			return;   /* wait for one in flight to finish */
	} else {
		if (a->fill.settle == 0) {   /* all launches finished: look again */
			a->fill.settle = app_now(a);
			a->refresh_due = true;
			return;
		}
		if (a->m.cur.t <= a->fill.settle)
			return;
		if (model_guest_count(&a->m) < a->fill.start_guests + a->fill.launched) {
			app_log(a, "fill: stopped after %u launched; a launch failed or a guest went away",
				a->fill.launched);
			a->fill.on = false;
			return;
		}
		if (model_why_not(&a->m, a->fill.e, why, sizeof why)) {
			app_log(a, "fill: done, %u launched. Next one does not fit: %s",
				a->fill.launched, why);
			a->fill.on = false;
			return;
		}
	}
	if (app_launch(a, a->fill.e, 0, NULL)) {
		a->fill.on = false;
		return;
	}
	a->fill.launched++;
	a->fill.last = app_now(a);
	a->fill.settle = 0;
	a->refresh_due = true;
}
