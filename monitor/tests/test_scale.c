/* Unit tests: livetop with 2000 guests (the fake backend on a 128 GiB
 * host). Refreshes keep every guest and its state, every column sorts,
 * the selection moves by row, page and end with the table scrolling
 * under it and always drawn, and a summary line says what the screen
 * cannot show. The time a refresh, a sort and a frame take is printed
 * as information ("info:" lines); `make bench` holds the targets, not
 * this test. */
#include "harness.h"

#include "fake_app.h"
#include "screen.h"

#include <locale.h>
#include <time.h>

#define GUESTS 2000
#define PAUSED 30
#define CRASHED 4
#define REFRESHES 20

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* GUESTS debian guests, ready; PAUSED of them paused, CRASHED crashed. */
static void fill_host(struct app *a)
{
	struct guestcfg g;
	char err[256], name[GUEST_NAME_MAX];
	int refused = 0;

	fake_set_memory(a->be, 128 * 1024, 384);
	for (int i = 1; i <= GUESTS; i++) {
		snprintf(name, sizeof name, "debian-%d", i);
		refused += app_guestcfg(a, &a->cat.e[0], 0, name, &g, err, sizeof err) ||
			   a->be->ops->launch(a->be, fake_now, &g, err, sizeof err);
	}
	CHECK_INT(refused, 0, "%d launches accepted", GUESTS);
	fake_now += 5;              /* created after 1 s, ready 1 s later */
	app_poll(a);
	app_refresh(a);
	for (int id = 1; id <= PAUSED; id++)
		a->be->ops->pause(a->be, id, err, sizeof err);
	for (int id = PAUSED + 1; id <= PAUSED + CRASHED; id++)
		fake_crash(a->be, id);
}

static unsigned count_state(const struct model *m, enum dom_state st)
{
	unsigned n = 0;

	for (size_t i = 0; i < m->nrows; i++)
		n += m->rows[i].id > 0 && m->rows[i].state == st;
	return n;
}

/* REFRESHES refreshes, as app_refresh does them, one second apart; the
 * fake's snapshot and the model's update timed apart. */
static void test_refresh(struct app *a)
{
	double t0, snap_ms = 0, model_ms = 0;
	struct snapshot s;
	char err[256];

	for (int i = 0; i < REFRESHES; i++) {
		fake_now += 1;
		t0 = mono_ms();
		a->be->ops->snapshot(a->be, fake_now, &s, err, sizeof err);
		snap_ms += mono_ms() - t0;
		t0 = mono_ms();
		model_update(&a->m, &s);
		model_ms += mono_ms() - t0;
	}
	printf("info: one refresh with %d guests takes %.2f ms: the fake's snapshot %.2f ms, "
	       "the model's update %.2f ms\n", GUESTS, (snap_ms + model_ms) / REFRESHES,
	       snap_ms / REFRESHES, model_ms / REFRESHES);
	CHECK_INT(a->m.nrows, GUESTS + 1, "after %d refreshes: dom0 and %d guests", REFRESHES, GUESTS);
	CHECK_INT(model_guest_count(&a->m), GUESTS, "all %d counted as guests", GUESTS);
	CHECK_INT(count_state(&a->m, DS_READY), GUESTS - PAUSED - CRASHED, "%d ready",
		  GUESTS - PAUSED - CRASHED);
	CHECK_INT(count_state(&a->m, DS_PAUSED), PAUSED, "%d paused", PAUSED);
	CHECK_INT(count_state(&a->m, DS_CRASHED), CRASHED, "%d crashed", CRASHED);
	CHECK_INT(a->m.nhist, GUESTS + 1, "one CPU history per domain");
	CHECK(a->m.rows[model_find(&a->m, "debian-2000")].spark[SPARK_BINS - 1] >= 0,
	      "the last guest's sparkline has data");
}

/* Rows in the order the sort column (and its direction) says. */
static bool sorted(const struct model *m)
{
	const struct column *c = &model_cols[m->sort_col];

	for (size_t i = 0; i + 1 < m->nrows; i++) {
		int r = c->cmp(&m->rows[i], &m->rows[i + 1]);

		if (m->sort_desc ? r < 0 : r > 0)
			return false;
	}
	return true;
}

/* The screen line of the selected row ('>' first), NULL when not drawn. */
static const char *selected_line(const struct screen *scr)
{
	for (int y = 0; y < SCR_ROWS; y++)
		if (scr->line[y][0] == '>')
			return scr->line[y];
	return NULL;
}

static void redraw(struct ui *u, struct screen *scr)
{
	free(scr->bytes);
	screen_draw(u, scr);
}

/* Every sortable column: rows in order, the selection kept by name and
 * on the screen. */
static void test_sort(struct ui *u, struct screen *scr)
{
	double t0, ms = 0;
	int cols = 0;

	ui_select(u, model_find(&u->a->m, "debian-1234"));
	for (int c = 0; c < COL__COUNT; c++) {
		const char *line;

		if (!model_cols[c].cmp)
			continue;
		t0 = mono_ms();
		model_sort_set(&u->a->m, (enum col)c);
		ui_sync_selection(u);
		ms += mono_ms() - t0;
		cols++;
		redraw(u, scr);
		line = selected_line(scr);
		CHECK(sorted(&u->a->m), "sorted by %s: %zu rows in order", model_cols[c].title,
		      u->a->m.nrows);
		CHECK(line && strstr(line, " debian-1234 "),
		      "sorted by %s: debian-1234 stays selected and drawn", model_cols[c].title);
	}
	printf("info: one sort (and finding the selection) takes %.2f ms\n", ms / cols);
	model_sort_set(&u->a->m, COL_ID);
	ui_sync_selection(u);
}

struct move {
	int key;
	int sel;                   /* the selected row after it */
	const char *rows;          /* the summary's "rows A-B" */
};

/* 2001 rows, 17 on a 30-line screen; a page moves 16. */
static const struct move moves[] = {
	{ KEY_HOME, 0, "rows 1-17" },
	{ KEY_DOWN, 1, "rows 1-17" },
	{ KEY_NPAGE, 17, "rows 2-18" },
	{ KEY_NPAGE, 33, "rows 18-34" },
	{ KEY_UP, 32, "rows 18-34" },
	{ KEY_PPAGE, 16, "rows 17-33" },
	{ KEY_END, GUESTS, "rows 1985-2001" },
	{ KEY_DOWN, GUESTS, "rows 1985-2001" },
	{ KEY_PPAGE, GUESTS - 16, "rows 1985-2001" },
	{ 'g', 0, "rows 1-17" },
	{ 'G', GUESTS, "rows 1985-2001" },
	{ KEY_UP, GUESTS - 1, "rows 1985-2001" },
};

static void test_moves(struct ui *u, struct screen *scr)
{
	char want[256];
	double t0, ms = 0;

	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		const struct row *r;
		const char *line;

		t0 = mono_ms();
		ui_key(u, moves[i].key);
		redraw(u, scr);
		ms += mono_ms() - t0;
		r = ui_selected(u);
		line = selected_line(scr);
		CHECK_INT(u->sel_i, moves[i].sel, "key %d: row %d selected", moves[i].key, moves[i].sel);
		CHECK(r && line && strstr(line, r->name), "key %d: the selected row (%s) is drawn",
		      moves[i].key, r ? r->name : "none");
		CHECK_CONTAINS(scr->line[3], moves[i].rows, "key %d: the summary says %s",
			       moves[i].key, moves[i].rows);
	}
	printf("info: one key and frame take %.2f ms\n", ms / (sizeof moves / sizeof moves[0]));
	snprintf(want, sizeof want, " %d guests: %d ready, %d paused, %d crashed; 98 GiB of "
		 "128 GiB used; rows 1985-2001", GUESTS, GUESTS - PAUSED - CRASHED, PAUSED, CRASHED);
	CHECK_STR(scr->line[3], want, "the summary line, whole");
	CHECK_CONTAINS(scr->line[4], "ID", "the table's header is under it");
}

/* The next name is chosen among all 2000 (debian-1 .. debian-2000 taken). */
static void test_naming(struct app *a)
{
	CHECK_INT(app_launch(a, &a->cat.e[0], 0, NULL), 0, "one more launch starts");
	CHECK_STR(a->launched, "debian-2001", "named after all %d others", GUESTS);
}

int main(void)
{
	struct app a;
	struct view_opts o = { .delay = 1, .utf8 = true };
	struct ui u;
	struct screen *scr = calloc(1, sizeof *scr);

	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	fake_app_open(&a, catalog_demo_text, "demo", 1);
	memset(&u, 0, sizeof u);
	u.a = &a;
	u.o = &o;
	u.sel_i = -1;
	fill_host(&a);
	test_refresh(&a);
	test_sort(&u, scr);
	test_moves(&u, scr);
	test_naming(&a);
	free(scr->bytes);
	free(scr);
	app_free(&a);
	return harness_done();
}
