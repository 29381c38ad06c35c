/* fake_app.h — for the tests that drive livetop's app (app.h): the fake
 * backend with a clock that moves only when told to (or when an action
 * sleeps), so every run sees the same times. */
#ifndef FAKE_APP_H
#define FAKE_APP_H

#include "app.h"
#include "backend_fake.h"

#include <stdbool.h>
#include <string.h>

static double fake_now;

static double clock_now(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static void clock_sleep(void *ctx, double secs)
{
	(void)ctx;
	fake_now += secs;
}

static const struct app_clock test_clock = { .now = clock_now, .sleep = clock_sleep };

/* The app at time 100 on a fresh fake host, with catalogue text (path
 * names it in messages); guests are ready boot_secs after creation. One
 * snapshot taken. */
static void fake_app_open(struct app *a, const char *catalogue, const char *path, double boot_secs)
{
	char err[256];

	fake_now = 100;
	app_init(a, backend_fake_open(fake_now), &test_clock);
	catalog_parse(catalogue, path, &a->cat, err, sizeof err);
	fake_set_boot_secs(a->be, boot_secs);
	app_refresh(a);
}

/* The log's newest line ("" when empty); inline, as not every test uses
 * these two. */
static inline const char *newest(const struct app *a)
{
	const struct log_entry *e = model_log_get(&a->m, 0);

	return e ? e->text : "";
}

/* Whether any line of the log contains text. */
static inline bool log_has(const struct app *a, const char *text)
{
	for (size_t i = 0; model_log_get(&a->m, i); i++)
		if (strstr(model_log_get(&a->m, i)->text, text))
			return true;
	return false;
}

#endif
