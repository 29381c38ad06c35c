/* app.h — what main, the UI and batch mode share: the open backend, the
 * catalogue, the model, and the actions both modes perform (launch with
 * the "does it fit" check, name allocation). No curses, no Xen. */
#ifndef APP_H
#define APP_H

#include <stdbool.h>

#include "backend.h"
#include "catalog.h"
#include "model.h"
#include "settings.h"

struct app {
	struct backend *be;
	struct catalog cat;        /* n == 0 when none could be loaded */
	char cat_err[320];         /* why there is no catalogue */
	struct settings set;       /* dom0's /etc/xenlive/config */
	struct model m;
	double delay;              /* seconds between snapshots */
	long iterations;           /* stop after this many snapshots; <= 0 = never */
	bool demo;
	bool utf8;
	bool csv;
};

/* Wall-clock seconds (with sub-second precision). */
double now_seconds(void);
/* Sleep for secs (fractional). */
void sleep_seconds(double secs);
/* Take a snapshot into the model; logs and returns -1 on backend error. */
int app_refresh(struct app *a);
/* Clean up after guests that shut down (backend.h: reap). */
void app_reap(struct app *a);
/* Drain backend messages into the event log. */
void app_poll(struct app *a);
/* Launch one guest of distro e after checking it fits; everything that
 * happens (started, does not fit, refused) goes to the event log.
 * Returns 0 when a launch started. */
int app_launch(struct app *a, const struct catalog_entry *e);

int ui_run(struct app *a);
int batch_run(struct app *a);

/* Replace the few non-ASCII characters livetop prints (dash, arrows,
 * ellipsis) for terminals without UTF-8; anything else non-ASCII -> '?'. */
void ascii_fallback(const char *in, char *out, size_t len);

#endif
