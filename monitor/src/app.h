/* app.h — livetop's controller: every action a person (or a script) can
 * take, for the screen (ui.c), batch mode (batch.c) and xenlive-launch
 * alike. It holds the open backend, the catalogue, dom0's settings and
 * the model; actions check what they must (a guest is selected, it is
 * not dom0, the launch fits), call the backend and tell the outcome in
 * the model's event log. No curses, no Xen, and no clock of its own: the
 * clock is passed in (app_wall_clock, or a test's), so every action is
 * unit-tested against the fake backend (tests/test_app.c).
 *
 * Guest actions take a row of a->m (the one the user selected); they
 * refuse, with a log line, when it is NULL, dom0, or still being created.
 * An action that changed something sets refresh_due: the caller takes a
 * snapshot at once instead of at the next tick. */
#ifndef APP_H
#define APP_H

#include <stdbool.h>

#include "backend.h"
#include "catalog.h"
#include "lan.h"
#include "model.h"
#include "serve.h"
#include "settings.h"

struct app_clock {
	double (*now)(void *ctx);                 /* wall-clock seconds */
	void (*sleep)(void *ctx, double secs);
	void *ctx;
};

/* The real clock: CLOCK_REALTIME and nanosleep. */
extern const struct app_clock app_wall_clock;

struct app {
	struct backend *be;        /* NULL: no host (xenlive-launch --dry-run) */
	const struct app_clock *clock;
	struct catalog cat;        /* n == 0 when none could be loaded */
	char cat_err[320];         /* why there is no catalogue */
	struct settings set;       /* dom0's /etc/xenlive/config */
	struct model m;
	struct lan lan;            /* LAN mode (lan.h): only the screen ticks it */
	struct serve serve;        /* network boot (serve.h): only the screen ticks it */
	bool refresh_due;          /* an action changed something */
	char launched[DOM_NAME_MAX];  /* the guest app_launch started last */
	struct {                   /* "fill": launch until memory runs out */
		bool on;
		const struct catalog_entry *e;
		unsigned launched;
		unsigned start_guests; /* guests when it began */
		unsigned parallel; /* launches in flight at most (app_init: dom0's CPUs, >= 2) */
		unsigned booting;  /* launched and not yet ready at most (parallel + 1) */
		double last;       /* when it launched last: the next needs a newer snapshot */
		double settle;     /* launches done at this time; need a newer snapshot */
	} fill;
};

/* Empty catalogue, default settings, fresh model; be may be NULL. */
void app_init(struct app *a, struct backend *be, const struct app_clock *clock);
/* Releases the model, the catalogue and the backend. */
void app_free(struct app *a);
double app_now(const struct app *a);
void app_sleep(const struct app *a, double secs);
void app_log(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n raw bytes from outside (what a command printed, a file's line) into
 * the event log after prefix: made safe (safetext.h), at most max bytes. */
void app_log_raw(struct app *a, const char *prefix, const char *raw, size_t n, size_t max);

/* Take a snapshot into the model; logs and returns -1 on backend error. */
int app_refresh(struct app *a);
/* Clean up after guests that shut down (backend.h: reap); livetop calls
 * it after each refresh. */
void app_reap(struct app *a);
/* Drain backend messages into the event log. */
void app_poll(struct app *a);

/* The configuration of one guest of e: memory_mib 0 = the catalogue's,
 * name NULL = the lowest free "ID-N" among the model's domains, the vif on
 * the settings' bridge. -1 + err when guestcfg_build refuses. */
int app_guestcfg(struct app *a, const struct catalog_entry *e, unsigned memory_mib,
		 const char *name, struct guestcfg *g, char *err, size_t errlen);
/* Launch one guest (as app_guestcfg) after checking it fits; everything
 * that happens (started, does not fit, refused) goes to the event log.
 * Returns 0 when a launch started; the model then shows it. */
int app_launch(struct app *a, const struct catalog_entry *e, unsigned memory_mib,
	       const char *name);
/* Keys 1 .. 9: launch a guest of the catalogue's i-th entry (0-based). */
int app_launch_nth(struct app *a, size_t i);
/* xenlive-launch: refresh, launch, wait until the backend is done.
 * 0 with the name in out when the guest runs; -1 with the reason in err
 * (the event log's newest line) otherwise. */
int app_launch_wait(struct app *a, const struct catalog_entry *e, unsigned memory_mib,
		    const char *name, char *out, size_t outlen, char *err, size_t errlen);

/* r when it is a guest an action may touch, else NULL after logging why
 * ("ACTION: no guest selected (use the arrow keys)"). */
const struct row *app_guest(struct app *a, const struct row *r, const char *action);
int app_pause_toggle(struct app *a, const struct row *r);
int app_shutdown(struct app *a, const struct row *r);
/* Destroy domain id (named name in the log), after the user confirmed. */
int app_destroy(struct app *a, int id, const char *name);
int app_set_sched(struct app *a, const struct row *r, int weight, int cap);
/* dir > 0 doubles the scheduler weight (at most 65535), < 0 halves it. */
int app_weight_step(struct app *a, const struct row *r, int dir);
/* The CPU cap for the domain named name, if it is still domain id. */
int app_set_cap(struct app *a, const char *name, int id, int cap);
/* The console, on the real terminal (the caller leaves curses first). */
int app_console(struct app *a, const struct row *r);
int app_workload(struct app *a, int id, const char *name, const struct workload_req *req);

/* "f": start filling memory with guests of the selected row's distro
 * (the first entry when it has none), or stop when filling. */
void app_fill_toggle(struct app *a, const struct row *sel);
/* How many launches a fill keeps in flight: dom0's online CPUs, 2 to 8. */
unsigned app_fill_parallel(void);
/* One step of filling: call it after every refresh; keeps up to
 * fill.parallel launches in flight and fill.booting guests launched but
 * not yet ready, while a newer snapshot says the next one fits, and stops
 * when nothing is in flight and it does not. */
void app_fill_step(struct app *a);

#endif
