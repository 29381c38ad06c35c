/* batch.c — `livetop -b`: the screen's figures as plain text or CSV, one
 * block per update (xentop -b style). Also the test hook of the UI's data.
 * Every piece of text goes out through safetext (safetext.h): whatever
 * the model holds, no control byte reaches the terminal or the file. */
#include "safetext.h"
#include "view.h"
#include "sizing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* s and a newline, made safe for the terminal. */
static void print_line(const char *s, bool utf8)
{
	char out[1024];

	safetext_view(s, utf8, out, sizeof out);
	puts(out);
}

static void print_summary(struct app *a, bool utf8)
{
	struct mem_split s;
	char line[512];
	size_t o;
	time_t t = (time_t)a->m.cur.t;
	struct tm tm;

	model_mem(&a->m, &s);
	localtime_r(&t, &tm);
	o = (size_t)snprintf(line, sizeof line,
			     "livetop %02d:%02d:%02d  Xen %s  %u CPUs  memory %llu MiB: "
			     "dom0 %llu, guests %llu, xen %llu, free %llu",
			     tm.tm_hour, tm.tm_min, tm.tm_sec, a->m.cur.host.xen_version,
			     a->m.cur.host.cpus,
			     (unsigned long long)(s.total_kib / 1024),
			     (unsigned long long)(s.dom0_kib / 1024),
			     (unsigned long long)(s.guests_kib / 1024),
			     (unsigned long long)(s.xen_kib / 1024),
			     (unsigned long long)(s.free_kib / 1024));
	for (size_t i = 0; i < a->cat.n && o < sizeof line; i++) {
		char shortname[CAT_NAME_MAX];

		catalog_short_name(&a->cat.e[i], shortname, sizeof shortname);
		o += (size_t)snprintf(line + o, sizeof line - o, "%s %u more %s",
				      i ? "," : "  fits", model_fits(&a->m, a->cat.e[i].memory_mib),
				      shortname);
	}
	print_line(line, utf8);
}

/* One cell of a text row, made safe, padded to its column by characters
 * (the sparkline is UTF-8); the last column is not padded. */
static void print_cell(const struct row *r, int c, bool utf8)
{
	const struct column *col = &model_cols[c];
	struct fmt_ctx ctx = { .utf8 = utf8, .csv = false };
	char cell[128], out[256];
	int chars = 0, pad;

	col->fmt(r, cell, sizeof cell, &ctx);
	safetext_view(cell, utf8, out, sizeof out);
	for (const char *p = out; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	pad = col->width > chars ? col->width - chars : 0;
	if (c)
		putchar(' ');
	if (col->right)
		printf("%*s%s", pad, "", out);
	else if (c == COL__COUNT - 1)
		fputs(out, stdout);
	else
		printf("%s%*s", out, pad, "");
}

static void print_text(struct app *a, bool utf8)
{
	print_summary(a, utf8);
	for (int c = 0; c < COL__COUNT; c++) {
		const struct column *col = &model_cols[c];
		const char *mark = c == (int)a->m.sort_col ? (a->m.sort_desc ? "v" : "^") : "";
		char t[32];

		snprintf(t, sizeof t, "%s%s", col->title, mark);
		printf(col->right ? "%s%*s" : "%s%-*s", c ? " " : "", col->width, t);
	}
	putchar('\n');
	for (size_t r = 0; r < a->m.nrows; r++) {
		for (int c = 0; c < COL__COUNT; c++)
			print_cell(&a->m.rows[r], c, utf8);
		putchar('\n');
	}
}

/* One CSV field (RFC 4180: quoted when it holds , " CR or LF, quotes
 * doubled), made safe first (safetext: no control byte reaches the file).
 * Text that a spreadsheet would run as a formula (= + - @ first, and not
 * a number; a TAB or CR first is '?' by then) gets a leading ' so it
 * stays text: inside the quotes, where a reader still sees one field. */
static void csv_field(const char *raw, bool first)
{
	char safe[257], *s = safe + 1, *end;

	safetext(raw, strlen(raw), s, sizeof safe - 1, sizeof safe - 1);
	if (s[0] && strchr("=+-@", s[0]) && (strtod(s, &end), *end || end == s))
		*--s = '\'';
	if (!first)
		putchar(',');
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void print_csv(struct app *a, bool header)
{
	struct fmt_ctx ctx = { .utf8 = false, .csv = true };
	char cell[128], t[32];

	if (header) {
		csv_field("time", true);
		for (int c = 0; c < COL__COUNT; c++)
			csv_field(model_cols[c].csv, false);
		putchar('\n');
	}
	snprintf(t, sizeof t, "%.1f", a->m.cur.t);
	for (size_t r = 0; r < a->m.nrows; r++) {
		csv_field(t, true);
		for (int c = 0; c < COL__COUNT; c++) {
			model_cols[c].fmt(&a->m.rows[r], cell, sizeof cell, &ctx);
			csv_field(cell, false);
		}
		putchar('\n');
	}
}

/* New events since *logged, oldest first, as "event: ..." lines. */
static void print_events(struct app *a, unsigned long *logged, bool utf8)
{
	unsigned long fresh = a->m.log_total - *logged;

	if (fresh > a->m.log_n)
		fresh = a->m.log_n;
	for (size_t k = fresh; k-- > 0;) {
		char line[LOG_TEXT + 16];

		snprintf(line, sizeof line, "event: %s", model_log_get(&a->m, k)->text);
		print_line(line, utf8);
	}
	*logged = a->m.log_total;
}

int batch_run(struct app *a, const struct view_opts *o)
{
	unsigned long logged = 0;
	long n = o->iterations > 0 ? o->iterations : -1;

	/* So a demo run has something to show: one guest of each distro. */
	if (o->demo) {
		if (app_refresh(a))
			return 1;
		for (size_t i = 0; i < a->cat.n; i++) {
			app_launch(a, &a->cat.e[i], 0, NULL);
			app_refresh(a);
		}
		model_forget_samples(&a->m);   /* the first block has no rates */
	}
	for (long i = 0; n < 0 || i < n; i++) {
		if (i)
			app_sleep(a, o->delay);
		app_poll(a);
		if (app_refresh(a) && !a->m.have_cur) {
			const struct log_entry *e = model_log_get(&a->m, 0);

			fprintf(stderr, "livetop: %s\n", e ? e->text : "no data");
			return 1;
		}
		app_reap(a);
		if (o->csv) {
			print_csv(a, i == 0);
		} else {
			if (i)
				putchar('\n');
			print_text(a, o->utf8);
			print_events(a, &logged, o->utf8);
		}
		fflush(stdout);
	}
	return 0;
}
