/* view.h — the two ways livetop shows the app (app.h): the screen
 * (ui.c) and plain text or CSV (batch.c). Both refresh the model every
 * `delay` seconds and act only through app_* calls. */
#ifndef VIEW_H
#define VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"

struct view_opts {
	double delay;              /* seconds between snapshots */
	long iterations;           /* stop after this many snapshots; <= 0 = never */
	bool demo;                 /* the fake backend: say so, start guests in batch */
	bool utf8;                 /* the terminal shows UTF-8 */
	bool csv;                  /* batch: CSV instead of text */
};

/* The screen until q (0), or until SIGTERM, SIGINT or SIGHUP (128 + the
 * signal's number), the terminal restored either way. */
int ui_run(struct app *a, const struct view_opts *o);
int batch_run(struct app *a, const struct view_opts *o);
/* The screen's keys, from its action table (ui_keys.c): as man page
 * paragraphs (livetop --keys=roff, what the Makefile puts into
 * livetop.1) or as the help screen lists them (--keys). */
void ui_keys_roff(FILE *f);
void ui_keys_text(FILE *f);

#endif
