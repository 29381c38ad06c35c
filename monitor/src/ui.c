/* ui.c — the ncurses screen. Knows the model and the backend interface,
 * never Xen: see backend.h. One loop: refresh the model every `delay`
 * seconds, drain backend messages, draw (on a virtual console, repair the
 * screen if something else wrote on it), wait up to 100 ms for a key. */
#include "app.h"
#include "screencheck.h"
#include "sizing.h"
#include "xalloc.h"

#define NCURSES_WIDECHAR 1      /* mvwin_wch: read back what curses drew */
#include <curses.h>
#include <fcntl.h>
#include <unistd.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_COLS 56
#define MIN_LINES 14
#define TICK_MS 100
#define KEY_CTRL_L 12
#define VT_CHECK_MAX 64         /* seconds between console checks, at most */

enum mode { M_NORMAL, M_HELP, M_CONFIRM_DESTROY, M_CONFIRM_QUIT, M_WORK, M_PING, M_CAP };

enum pair { P_TITLE = 1, P_DOM0, P_GUESTS, P_XEN, P_FREE, P_BOOTING, P_READY, P_PAUSED,
	    P_BAD, P_STOPPING, P_HEADER, P_KEYS, P_DIM };

struct ui {
	struct app *a;
	enum mode mode;
	char sel[DOM_NAME_MAX];    /* selected row, by name (survives re-sorting) */
	int sel_i;
	int top;                   /* first row shown */
	int rows_y, rows_h;        /* where the table body is */
	bool colors;
	char input[8];             /* cap prompt */
	char target[DOM_NAME_MAX]; /* domain a prompt is about */
	int target_id;
	struct {
		bool on;
		const struct catalog_entry *e;
		unsigned launched;
		unsigned expect_guests;
		double settle;     /* launches done at this time; need a newer snapshot */
	} fill;
	bool quit;
	double next_snap;
	struct {
		int fd;            /* /dev/vcsaN of our console, -1 when not on one */
		double next;       /* time of the next check */
		double every;      /* seconds between checks */
	} vt;
};

static bool curses_on;
static int saved_stderr = -1;

/* While curses owns the screen, library chatter on stderr (libxenstat
 * prints races like "domain N does not exist") would scribble over it:
 * send it to $LIVETOP_STDERR or /dev/null meanwhile. */
static void stderr_hide(void)
{
	const char *to = getenv("LIVETOP_STDERR");
	int fd;

	if (saved_stderr >= 0)
		return;
	fd = open(to && *to ? to : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void stderr_show(void)
{
	if (saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
}

/* atexit and fatal-error hook: the terminal is restored before any
 * message is printed. */
static void ui_leave(void)
{
	if (curses_on) {
		endwin();
		curses_on = false;
	}
	stderr_show();
}

static void logf_(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct ui *u, const char *fmt, ...)
{
	char buf[LOG_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	model_log(&u->a->m, now_seconds(), "%s", buf);
}

/* Put text at (y, x) within w cells: UTF-8 aware, ASCII fallback. */
static void put(int y, int x, int w, const char *text, bool right, bool utf8)
{
	char buf[512];
	const char *s = text;
	int chars = 0, pad;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	if (!utf8) {
		ascii_fallback(text, buf, sizeof buf);
		s = buf;
	}
	/* Truncate to w characters. */
	size_t bytes = 0;
	for (; s[bytes] && chars < w; chars++) {
		bytes++;
		while (((unsigned char)s[bytes] & 0xc0) == 0x80)
			bytes++;
	}
	pad = w - chars;
	move(y, x);
	if (right)
		for (int i = 0; i < pad; i++)
			addch(' ');
	addnstr(s, (int)bytes);
	if (!right)
		for (int i = 0; i < pad; i++)
			addch(' ');
}

static void putf(int y, int x, int w, bool utf8, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void putf(int y, int x, int w, bool utf8, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	put(y, x, w, buf, false, utf8);
}

static void ui_attr(struct ui *u, int pair, int extra)
{
	attrset((u->colors && pair ? COLOR_PAIR(pair) : A_NORMAL) | extra);
}

static int state_pair(enum dom_state s)
{
	switch (s) {
	case DS_BOOTING: return P_BOOTING;
	case DS_READY: return P_READY;
	case DS_PAUSED: return P_PAUSED;
	case DS_CRASHED: return P_BAD;
	case DS_SHUTDOWN: case DS_DYING: return P_STOPPING;
	default: return 0;
	}
}

static const struct row *selected(struct ui *u)
{
	if (u->sel_i < 0 || (size_t)u->sel_i >= u->a->m.nrows)
		return NULL;
	return &u->a->m.rows[u->sel_i];
}

/* A guest we may act on, or NULL after telling the user why not. */
static const struct row *selected_guest(struct ui *u, const char *action)
{
	const struct row *r = selected(u);

	if (!r) {
		logf_(u, "%s: no guest selected (use the arrow keys)", action);
		return NULL;
	}
	if (r->id == 0) {
		logf_(u, "%s: %s is dom0, livetop leaves it alone", action, r->name);
		return NULL;
	}
	if (r->id < 0) {
		logf_(u, "%s: %s is still being created", action, r->name);
		return NULL;
	}
	return r;
}

static void sync_selection(struct ui *u)
{
	struct model *m = &u->a->m;
	int i = u->sel[0] ? model_find(m, u->sel) : -1;

	if (i < 0) {
		/* The selected domain went away: stay at the same position. */
		i = u->sel_i;
		if (i >= (int)m->nrows)
			i = (int)m->nrows - 1;
		if (i < 0)
			i = m->nrows ? 0 : -1;
	}
	u->sel_i = i;
	if (i >= 0)
		xstrlcpy(u->sel, m->rows[i].name, sizeof u->sel);
	else
		u->sel[0] = '\0';
}

static void select_row(struct ui *u, int i)
{
	struct model *m = &u->a->m;

	if (!m->nrows)
		return;
	if (i < 0)
		i = 0;
	if (i >= (int)m->nrows)
		i = (int)m->nrows - 1;
	u->sel_i = i;
	xstrlcpy(u->sel, m->rows[i].name, sizeof u->sel);
}

/* ---- drawing --------------------------------------------------------- */

static void draw_top(struct ui *u)
{
	struct app *a = u->a;
	struct model *m = &a->m;
	struct mem_split s;
	char clock[16], line[512], sortmark[64];
	time_t t = (time_t)now_seconds();
	struct tm tm;
	size_t o;

	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	snprintf(sortmark, sizeof sortmark, "sort: %s %s", model_cols[m->sort_col].title,
		 m->sort_desc ? "\u25bc" : "\u25b2");
	ui_attr(u, P_TITLE, A_BOLD);
	putf(0, 0, COLS, a->utf8, " livetop%s  Xen %s  %u CPUs  %llu MiB", a->demo ? " [demo]" : "",
	     m->cur.host.xen_version, m->cur.host.cpus,
	     (unsigned long long)(m->cur.host.total_kib / 1024));
	put(0, COLS - 34, 24, sortmark, true, a->utf8);
	put(0, COLS - 9, 9, clock, true, a->utf8);

	/* Memory bar: dom0 | guests | xen+in flight | free. */
	model_mem(m, &s);
	char legend[160];
	snprintf(legend, sizeof legend, " dom0 %llu  guests %llu  free %llu MiB",
		 (unsigned long long)(s.dom0_kib / 1024), (unsigned long long)(s.guests_kib / 1024),
		 (unsigned long long)(s.free_kib / 1024));
	int barw = COLS - 6 - (int)strlen(legend);
	ui_attr(u, 0, A_BOLD);
	put(1, 0, 5, " Mem[", false, a->utf8);
	if (barw > 4) {
		uint64_t parts[4] = { s.dom0_kib, s.guests_kib, s.xen_kib + s.pending_kib,
				      s.free_kib > s.pending_kib ? s.free_kib - s.pending_kib : 0 };
		static const char fill[4] = { '#', '=', '~', '.' };
		static const int pairs[4] = { P_DOM0, P_GUESTS, P_XEN, P_FREE };
		int cells[4], x = 5;

		split_cells(parts, 4, barw, cells);
		for (int p = 0; p < 4; p++) {
			ui_attr(u, pairs[p], p < 3 ? A_BOLD : 0);
			for (int k = 0; k < cells[p] && x < 5 + barw; k++)
				mvaddch(1, x++, (chtype)fill[p]);
		}
		ui_attr(u, 0, A_BOLD);
		mvaddch(1, 5 + barw, ']');
	}
	ui_attr(u, 0, 0);
	put(1, COLS - (int)strlen(legend), (int)strlen(legend), legend, true, a->utf8);

	/* Gauge: fits N more of each distro. */
	o = 0;
	line[0] = '\0';
	if (!a->cat.n) {
		snprintf(line, sizeof line, " no guest catalogue: launching is off");
	} else {
		for (size_t i = 0; i < a->cat.n && o < sizeof line; i++) {
			char shortname[CAT_NAME_MAX];

			catalog_short_name(&a->cat.e[i], shortname, sizeof shortname);
			o += (size_t)snprintf(line + o, sizeof line - o, "%s%u more %s",
					      i ? ", " : " Fits ",
					      model_fits(m, a->cat.e[i].memory_mib), shortname);
		}
		if (u->fill.on && o < sizeof line)
			snprintf(line + o, sizeof line - o, "   [filling with %s: %u launched]",
				 u->fill.e->id, u->fill.launched);
	}
	ui_attr(u, P_GUESTS, A_BOLD);
	put(2, 0, COLS, line, false, a->utf8);
	ui_attr(u, 0, 0);
}

static void draw_table(struct ui *u, int y, int h)
{
	struct app *a = u->a;
	struct model *m = &a->m;
	struct fmt_ctx ctx = { .utf8 = a->utf8 };
	struct col_fit cols[COL__COUNT];
	size_t nc = model_cols_fit(COLS - 1, cols);
	int x = 1;
	char cell[128];

	/* Header. The sort column is bold; its arrow is cut where the title
	 * fills the column (the top line always says "sort: TITLE ARROW"). */
	ui_attr(u, P_HEADER, A_REVERSE);
	move(y, 0);
	for (int i = 0; i < COLS; i++)
		addch(' ');
	for (size_t i = 0; i < nc; i++) {
		const struct column *c = &model_cols[cols[i].col];
		bool sorted = cols[i].col == m->sort_col;
		char title[32];

		snprintf(title, sizeof title, "%s%s", c->title,
			 !sorted ? "" : m->sort_desc ? "\u25bc" : "\u25b2");
		ui_attr(u, P_HEADER, A_REVERSE | (sorted ? A_BOLD : 0));
		put(y, x, cols[i].width, title, c->right, a->utf8);
		x += cols[i].width + 1;
	}
	ui_attr(u, 0, 0);

	/* Body, scrolled so the selection is visible. */
	h--;
	y++;
	u->rows_y = y;
	u->rows_h = h;
	if (u->sel_i >= 0) {
		if (u->sel_i < u->top)
			u->top = u->sel_i;
		if (u->sel_i >= u->top + h)
			u->top = u->sel_i - h + 1;
	}
	if (u->top > (int)m->nrows - h)
		u->top = (int)m->nrows - h;
	if (u->top < 0)
		u->top = 0;
	for (int line = 0; line < h; line++) {
		int i = u->top + line;
		const struct row *r;
		bool sel;

		move(y + line, 0);
		clrtoeol();
		if (i >= (int)m->nrows)
			continue;
		r = &m->rows[i];
		sel = i == u->sel_i;
		ui_attr(u, 0, sel ? A_REVERSE : 0);
		if (sel)
			for (int k = 0; k < COLS; k++)
				mvaddch(y + line, k, ' ');
		mvaddch(y + line, 0, sel ? '>' : ' ');
		x = 1;
		for (size_t k = 0; k < nc; k++) {
			const struct column *c = &model_cols[cols[k].col];
			bool state = cols[k].col == COL_STATE;

			c->fmt(r, cell, sizeof cell, &ctx);
			ui_attr(u, state ? state_pair(r->state) : 0, (sel ? A_REVERSE : 0) |
				(state && r->state == DS_CRASHED ? A_BOLD : 0));
			put(y + line, x, cols[k].width, cell, c->right, a->utf8);
			x += cols[k].width + 1;
		}
		ui_attr(u, 0, 0);
	}
}

static void draw_log(struct ui *u, int y, int h)
{
	struct app *a = u->a;

	ui_attr(u, P_DIM, A_BOLD);
	move(y, 0);
	for (int i = 0; i < COLS; i++)
		addch(a->utf8 ? ' ' : ' ');
	put(y, 0, COLS, " Events", false, a->utf8);
	ui_attr(u, 0, 0);
	/* Newest entry at the bottom.  An entry wider than the screen wraps
	 * onto further lines, indented under its text, so an 80-column serial
	 * console still shows all of "X needs N MiB, M MiB free ...". */
	int row = y + h - 1;
	for (size_t i = 0; row > y; i++) {
		const struct log_entry *e = model_log_get(&a->m, i);
		char clock[16], full[LOG_TEXT + 32];
		const char *seg[16];
		int len[16], n = 0, indent = 11;
		time_t t;
		struct tm tm;

		if (!e)
			break;
		t = (time_t)e->t;
		localtime_r(&t, &tm);
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
		snprintf(full, sizeof full, " %s  %s", clock, e->text);
		for (const char *p = full; *p && n < 16; n++) {
			int width = n ? COLS - indent : COLS, chars = 0;
			const char *q = p;

			if (width < 10)
				width = COLS;
			while (*q && chars < width) {   /* whole UTF-8 characters */
				q++;
				while ((*q & 0xC0) == 0x80)
					q++;
				chars++;
			}
			seg[n] = p;
			len[n] = (int)(q - p);
			p = q;
		}
		for (int k = n - 1; k >= 0 && row > y; k--, row--) {
			move(row, 0);
			clrtoeol();
			putf(row, 0, COLS, a->utf8, "%*s%.*s", k && COLS - indent >= 10 ? indent : 0, "",
			     len[k], seg[k]);
		}
	}
	for (; row > y; row--) {
		move(row, 0);
		clrtoeol();
	}
}

static const char *const keybars[] = {
	" 1-9 launch  f fill  \u23ce console  w work  p pause  s shutdown  D destroy  "
	"+/- weight  c cap  < > sort  ? help  q quit",
	" 1-9 launch f fill \u23ce console w work p pause s shut D destroy +- weight "
	"c cap <> sort ? help q quit",
	" 1-9 launch f fill \u23ce cons w work p pause s shut D destroy ? help q quit",
};

/* The longest key bar that fits the width. */
static const char *keybar(void)
{
	size_t n = sizeof keybars / sizeof keybars[0];

	for (size_t i = 0; i < n; i++) {
		int chars = 0;

		for (const char *p = keybars[i]; *p; p++)
			chars += ((unsigned char)*p & 0xc0) != 0x80;
		if (chars <= COLS)
			return keybars[i];
	}
	return keybars[n - 1];
}

static void draw_bottom(struct ui *u)
{
	struct app *a = u->a;
	char buf[256];

	ui_attr(u, P_KEYS, A_REVERSE);
	switch (u->mode) {
	case M_CONFIRM_DESTROY:
		snprintf(buf, sizeof buf, " Destroy %s now? Its memory is freed at once. (y/n)", u->target);
		break;
	case M_CONFIRM_QUIT:
		snprintf(buf, sizeof buf, " Quit livetop? Guests keep running. (y/n)");
		break;
	case M_CAP:
		snprintf(buf, sizeof buf, " CPU cap for %s in %% of one CPU (0 = none): %s_   Enter sets, Esc cancels",
			 u->target, u->input);
		break;
	default:
		snprintf(buf, sizeof buf, "%s", keybar());
		break;
	}
	put(LINES - 1, 0, COLS, buf, false, a->utf8);
	ui_attr(u, 0, 0);
}

static void box_at(int y, int x, int h, int w)
{
	for (int i = 0; i < h; i++) {
		move(y + i, x);
		for (int k = 0; k < w; k++)
			addch(' ');
	}
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
}

static const struct { char key; struct workload_req r; } work_items[] = {
	{ '1', { .kind = WL_CPU, .arg = 30 } },
	{ '2', { .kind = WL_CPU, .arg = 120 } },
	{ '3', { .kind = WL_MEM, .arg = 16 } },
	{ '4', { .kind = WL_MEM, .arg = 32 } },
	{ '5', { .kind = WL_DISK, .arg = 0 } },
	{ '6', { .kind = WL_PING, .arg = 0 } },
	{ '0', { .kind = WL_STOP, .arg = 0 } },
};
#define N_WORK (sizeof work_items / sizeof work_items[0])

/* Guests a ping can go to (ready, not the source); up to 9. */
static int ping_targets(struct ui *u, const struct row **out)
{
	int n = 0;

	for (size_t i = 0; i < u->a->m.nrows && n < 9; i++) {
		const struct row *r = &u->a->m.rows[i];

		if (r->id > 0 && r->state == DS_READY && strcmp(r->name, u->target))
			out[n++] = r;
	}
	return n;
}

static void draw_popup(struct ui *u)
{
	struct app *a = u->a;
	int w = 44, h, y, x;
	char what[64];

	if (u->mode == M_WORK) {
		h = (int)N_WORK + 4;
		y = (LINES - h) / 2;
		x = (COLS - w) / 2;
		ui_attr(u, 0, 0);
		box_at(y, x, h, w);
		putf(y, x + 2, w - 4, a->utf8, " Workload in %s ", u->target);
		for (size_t i = 0; i < N_WORK; i++)
			putf(y + 1 + (int)i, x + 2, w - 4, a->utf8, "%c  %s%s", work_items[i].key,
			     workload_describe(&work_items[i].r, what, sizeof what),
			     work_items[i].r.kind == WL_PING ? " another guest\u2026" : "");
		put(y + h - 2, x + 2, w - 4, "Esc  cancel", false, a->utf8);
	} else if (u->mode == M_PING) {
		const struct row *t[9];
		int n = ping_targets(u, t);

		h = n + 4;
		y = (LINES - h) / 2;
		x = (COLS - w) / 2;
		box_at(y, x, h, w);
		putf(y, x + 2, w - 4, a->utf8, " %s pings which guest? ", u->target);
		for (int i = 0; i < n; i++)
			putf(y + 1 + i, x + 2, w - 4, a->utf8, "%d  %s (domain %d)", i + 1, t[i]->name,
			     t[i]->id);
		put(y + h - 2, x + 2, w - 4, "Esc  cancel", false, a->utf8);
	}
}

static const char *const help_lines[] = {
	"livetop \u2014 watch and drive Xen guests",
	"",
	"  1 .. 9     launch a guest of catalogue distro N (1 Debian, 2 CentOS)",
	"  f          fill: launch the selected guest's distro until memory runs out",
	"  Enter      console of the selected guest (Ctrl-] comes back)",
	"  w          workload menu: cpu burn, memory fill, disk read, ping, stop",
	"  p          pause / unpause the selected guest",
	"  s          shut the selected guest down cleanly",
	"  D          destroy the selected guest at once (asks y/n)",
	"  + / -      double / halve its scheduler weight (default 256)",
	"  c          CPU cap in % of one CPU (0 = no cap)",
	"  < / >      sort by the previous / next column",
	"  Up Down j k PgUp PgDn Home End, mouse click: select a guest",
	"  ? or F1    this help",
	"  Ctrl-L     repaint the whole screen",
	"  q          quit (asks y/n); guests keep running",
	"",
	"Fits N more: free memory / (guest memory + ~2 MiB libxl overhead),",
	"keeping a small reserve. Rates are per second over the last update;",
	"\"-\" means not measured yet. CPU% is of one CPU (xentop's convention).",
	"",
	"Press any key to return.",
};

static void draw_help(struct ui *u)
{
	size_t n = sizeof help_lines / sizeof help_lines[0];

	erase();
	ui_attr(u, P_TITLE, A_BOLD);
	put(0, 0, COLS, " livetop help", false, u->a->utf8);
	ui_attr(u, 0, 0);
	for (size_t i = 0; i < n && (int)i + 2 < LINES; i++)
		put((int)i + 2, 1, COLS - 1, help_lines[i], false, u->a->utf8);
}

static void draw(struct ui *u)
{
	int logh;

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		char msg[96];

		snprintf(msg, sizeof msg, "terminal too small (%dx%d)", COLS, LINES);
		ui_attr(u, P_BAD, A_BOLD);
		mvaddnstr(LINES / 2 - 1 > 0 ? LINES / 2 - 1 : 0, 0, msg, COLS);
		ui_attr(u, 0, 0);
		snprintf(msg, sizeof msg, "livetop needs %dx%d; q quits", MIN_COLS, MIN_LINES);
		if (LINES > 1)
			mvaddnstr(LINES / 2 > 0 ? LINES / 2 : 1, 0, msg, COLS);
		refresh();
		return;
	}
	if (u->mode == M_HELP) {
		draw_help(u);
		refresh();
		return;
	}
	logh = LINES >= 30 ? 7 : LINES >= 20 ? 5 : 3;
	draw_top(u);
	draw_table(u, 3, LINES - 3 - logh - 1);
	draw_log(u, LINES - 1 - logh, logh);
	draw_bottom(u);
	draw_popup(u);
	refresh();
}

/* ---- actions --------------------------------------------------------- */

static void act_console(struct ui *u, const struct row *r)
{
	char err[256];
	int rc;

	def_prog_mode();
	endwin();
	curses_on = false;
	stderr_show();
	printf("\n--- console of %s (domain %d); Ctrl-] returns to livetop ---\n", r->name, r->id);
	fflush(stdout);
	rc = u->a->be->ops->console(u->a->be, r->id, r->name, err, sizeof err);
	stderr_hide();
	reset_prog_mode();
	curses_on = true;
	clearok(curscr, TRUE);
	refresh();
	if (rc)
		logf_(u, "console of %s: %s", r->name, err);
	else
		logf_(u, "back from the console of %s", r->name);
}

static void act_sched(struct ui *u, const struct row *r, int weight, int cap)
{
	char err[256];

	if (u->a->be->ops->set_sched(u->a->be, r->id, weight, cap, err, sizeof err))
		logf_(u, "%s: %s", r->name, err);
	else {
		logf_(u, "%s: weight %d, cap %s%d%s", r->name, weight, cap ? "" : "none (",
		      cap, cap ? "%" : ")");
		u->next_snap = 0;
	}
}

static void act_workload(struct ui *u, const struct workload_req *req)
{
	char err[256], what[64];
	int id = u->target_id;

	if (u->a->be->ops->workload(u->a->be, now_seconds(), id, req, err, sizeof err))
		logf_(u, "%s: %s", u->target, err);
	else
		logf_(u, "%s: %s requested", u->target, workload_describe(req, what, sizeof what));
}

static void start_fill(struct ui *u)
{
	struct app *a = u->a;
	const struct row *r = selected(u);
	const struct catalog_entry *e = NULL;

	if (!a->cat.n) {
		logf_(u, "fill: no guest catalogue");
		return;
	}
	if (r && r->distro[0])
		e = catalog_find(&a->cat, r->distro);
	if (!e) {
		e = &a->cat.e[0];
		logf_(u, "fill: the selected row is not a catalogue guest; using %s", e->id);
	}
	u->fill.on = true;
	u->fill.e = e;
	u->fill.launched = 0;
	u->fill.expect_guests = 0;
	u->fill.settle = 0;
	logf_(u, "fill: launching %s guests until memory runs out", e->id);
}

static void fill_step(struct ui *u)
{
	struct app *a = u->a;
	double now = now_seconds();
	char why[LOG_TEXT];

	if (!u->fill.on)
		return;
	if (a->be->ops->pending(a->be) > 0) {
		u->fill.settle = 0;
		return;
	}
	if (u->fill.settle == 0) {   /* last launch just finished: look again */
		u->fill.settle = now;
		u->next_snap = 0;
		return;
	}
	if (a->m.cur.t <= u->fill.settle)
		return;
	if (u->fill.expect_guests && model_guest_count(&a->m) < u->fill.expect_guests) {
		logf_(u, "fill: stopped after %u launched; the last launch failed", u->fill.launched);
		u->fill.on = false;
		return;
	}
	if (model_why_not(&a->m, u->fill.e, why, sizeof why)) {
		logf_(u, "fill: done, %u launched. Next one does not fit: %s", u->fill.launched, why);
		u->fill.on = false;
		return;
	}
	u->fill.expect_guests = model_guest_count(&a->m) + 1;
	if (app_launch(a, u->fill.e)) {
		u->fill.on = false;
		return;
	}
	u->fill.launched++;
	u->fill.settle = 0;
}

static void key_normal(struct ui *u, int ch)
{
	struct app *a = u->a;
	struct model *m = &a->m;
	const struct row *r;
	char err[256];
	double now = now_seconds();

	if (ch >= '1' && ch <= '9') {
		size_t i = (size_t)(ch - '1');

		if (i >= a->cat.n)
			logf_(u, a->cat.n ? "no distro %c in the catalogue (it lists %zu)"
				: "no distro %c: no guest catalogue%.0zu", ch, a->cat.n);
		else if (app_launch(a, &a->cat.e[i]) == 0)
			u->next_snap = 0;
		return;
	}
	switch (ch) {
	case 'q':
		u->mode = M_CONFIRM_QUIT;
		break;
	case '?':
	case KEY_F(1):
		u->mode = M_HELP;
		break;
	case KEY_UP: case 'k':
		select_row(u, u->sel_i - 1);
		break;
	case KEY_DOWN: case 'j':
		select_row(u, u->sel_i + 1);
		break;
	case KEY_PPAGE:
		select_row(u, u->sel_i - (u->rows_h > 1 ? u->rows_h - 1 : 1));
		break;
	case KEY_NPAGE:
		select_row(u, u->sel_i + (u->rows_h > 1 ? u->rows_h - 1 : 1));
		break;
	case KEY_HOME: case 'g':
		select_row(u, 0);
		break;
	case KEY_END: case 'G':
		select_row(u, (int)m->nrows - 1);
		break;
	case '<':
		model_sort_step(m, -1);
		sync_selection(u);
		break;
	case '>':
		model_sort_step(m, +1);
		sync_selection(u);
		break;
	case 'f':
		if (u->fill.on) {
			u->fill.on = false;
			logf_(u, "fill: stopped by you after %u launched", u->fill.launched);
		} else {
			start_fill(u);
		}
		break;
	case '\n': case '\r': case KEY_ENTER:
		if ((r = selected_guest(u, "console")))
			act_console(u, r);
		break;
	case 'w':
		if ((r = selected_guest(u, "workload"))) {
			xstrlcpy(u->target, r->name, sizeof u->target);
			u->target_id = r->id;
			u->mode = M_WORK;
		}
		break;
	case 'p':
		if ((r = selected_guest(u, "pause"))) {
			bool paused = r->state == DS_PAUSED;
			int rc = paused ? a->be->ops->unpause(a->be, r->id, err, sizeof err)
					: a->be->ops->pause(a->be, r->id, err, sizeof err);

			if (rc)
				logf_(u, "%s: %s", r->name, err);
			else
				logf_(u, "%s %s%s", r->name, paused ? "unpaused" : "paused",
				      paused ? "" : " (its memory stays allocated)");
			u->next_snap = 0;
		}
		break;
	case 's':
		if ((r = selected_guest(u, "shutdown"))) {
			if (a->be->ops->shutdown(a->be, now, r->id, err, sizeof err))
				logf_(u, "%s: %s", r->name, err);
			else
				logf_(u, "%s: shutdown requested", r->name);
			u->next_snap = 0;
		}
		break;
	case 'D':
		if ((r = selected_guest(u, "destroy"))) {
			xstrlcpy(u->target, r->name, sizeof u->target);
			u->target_id = r->id;
			u->mode = M_CONFIRM_DESTROY;
		}
		break;
	case '+': case '-':
		if ((r = selected_guest(u, "weight"))) {
			int w = r->weight > 0 ? r->weight : 256;

			w = ch == '+' ? (w >= 32768 ? 65535 : w * 2) : (w > 1 ? w / 2 : 1);
			act_sched(u, r, w, r->cap > 0 ? r->cap : 0);
		}
		break;
	case 'c':
		if ((r = selected_guest(u, "cap"))) {
			xstrlcpy(u->target, r->name, sizeof u->target);
			u->target_id = r->id;
			u->input[0] = '\0';
			u->mode = M_CAP;
		}
		break;
	case KEY_MOUSE: {
		MEVENT ev;

		if (getmouse(&ev) == OK &&
		    (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) &&
		    ev.y >= u->rows_y && ev.y < u->rows_y + u->rows_h &&
		    u->top + ev.y - u->rows_y < (int)m->nrows)
			select_row(u, u->top + ev.y - u->rows_y);
		break;
	}
	default:
		break;    /* unknown keys are ignored */
	}
}

static const struct row *row_by_name(struct ui *u, const char *name)
{
	int i = model_find(&u->a->m, name);

	return i < 0 ? NULL : &u->a->m.rows[i];
}

static void key(struct ui *u, int ch)
{
	struct app *a = u->a;
	char err[256];

	if (ch == KEY_RESIZE || ch == ERR)
		return;
	if (ch == KEY_CTRL_L) {
		/* Repaint everything (as in less and htop), in any mode: something
		 * else wrote to the terminal. The next refresh does it. */
		clearok(curscr, TRUE);
		return;
	}
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		/* Too small to show anything: only quitting makes sense. */
		if (ch == 'q' || ch == 'y')
			u->mode = ch == 'q' ? M_CONFIRM_QUIT : u->mode;
		if (ch == 'y' && u->mode == M_CONFIRM_QUIT)
			u->quit = true;
		return;
	}
	switch (u->mode) {
	case M_HELP:
		u->mode = M_NORMAL;
		break;
	case M_CONFIRM_QUIT:
		if (ch == 'y' || ch == 'Y')
			u->quit = true;
		else
			u->mode = M_NORMAL;
		break;
	case M_CONFIRM_DESTROY:
		u->mode = M_NORMAL;
		if (ch == 'y' || ch == 'Y') {
			if (a->be->ops->destroy(a->be, now_seconds(), u->target_id, err, sizeof err))
				logf_(u, "%s: %s", u->target, err);
			else
				logf_(u, "%s destroyed", u->target);
			u->next_snap = 0;
		} else {
			logf_(u, "%s kept", u->target);
		}
		break;
	case M_CAP: {
		size_t n = strlen(u->input);

		if (ch >= '0' && ch <= '9' && n < 3) {
			u->input[n] = (char)ch;
			u->input[n + 1] = '\0';
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
			u->input[n - 1] = '\0';
		} else if (ch == 27) {
			u->mode = M_NORMAL;
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			const struct row *r = row_by_name(u, u->target);

			u->mode = M_NORMAL;
			if (r && r->id == u->target_id)
				act_sched(u, r, r->weight > 0 ? r->weight : 256, atoi(u->input));
			else
				logf_(u, "%s is gone", u->target);
		}
		break;
	}
	case M_WORK:
		u->mode = M_NORMAL;
		for (size_t i = 0; i < N_WORK; i++) {
			if (ch != work_items[i].key)
				continue;
			if (work_items[i].r.kind == WL_PING) {
				const struct row *t[9];

				if (ping_targets(u, t) == 0)
					logf_(u, "ping: no other guest is ready yet");
				else
					u->mode = M_PING;
			} else {
				act_workload(u, &work_items[i].r);
			}
		}
		break;
	case M_PING: {
		const struct row *t[9];
		int n = ping_targets(u, t);

		u->mode = M_NORMAL;
		if (ch >= '1' && ch < '1' + n) {
			struct workload_req req = { .kind = WL_PING,
						    .target_id = t[ch - '1']->id };

			logf_(u, "%s pings %s", u->target, t[ch - '1']->name);
			act_workload(u, &req);
		}
		break;
	}
	default:
		key_normal(u, ch);
		break;
	}
}

static void setup_colors(struct ui *u)
{
	if (!has_colors())
		return;
	start_color();
	use_default_colors();
	u->colors = true;
	init_pair(P_TITLE, COLOR_CYAN, -1);
	init_pair(P_DOM0, COLOR_BLUE, -1);
	init_pair(P_GUESTS, COLOR_GREEN, -1);
	init_pair(P_XEN, COLOR_YELLOW, -1);
	init_pair(P_FREE, COLOR_WHITE, -1);
	init_pair(P_BOOTING, COLOR_YELLOW, -1);
	init_pair(P_READY, COLOR_GREEN, -1);
	init_pair(P_PAUSED, COLOR_CYAN, -1);
	init_pair(P_BAD, COLOR_RED, -1);
	init_pair(P_STOPPING, COLOR_MAGENTA, -1);
	init_pair(P_HEADER, COLOR_WHITE, -1);
	init_pair(P_KEYS, COLOR_WHITE, -1);
	init_pair(P_DIM, COLOR_BLUE, -1);
}

/* ---- console repair -------------------------------------------------- */

/* On a Linux virtual console (/dev/ttyN), kernel messages or a script
 * writing to /dev/tty1 scribble over the screen behind curses' back, and
 * curses only redraws what it thinks changed. There the console's real
 * contents can be read back from /dev/vcsaN and compared. Anywhere else
 * (tmux, the serial console /dev/hvc0, a pipe) vt.fd stays -1. */
static void vt_open(struct ui *u)
{
	const char *tty = ttyname(STDOUT_FILENO);   /* where curses draws */
	unsigned n;
	char path[32], rest;

	u->vt.fd = -1;
	u->vt.every = 1;
	if (!tty || sscanf(tty, "/dev/tty%u%c", &n, &rest) != 1 || n == 0)
		return;
	snprintf(path, sizeof path, "/dev/vcsa%u", n);
	u->vt.fd = open(path, O_RDONLY | O_CLOEXEC);
}

/* What curses believes is on the screen, SCREENCHECK_ANY where it is not
 * plain ASCII (the console shows that through its font's glyph codes). */
static char *drawn_cells(int rows, int cols)
{
	char *d = xmalloc((size_t)rows * (size_t)cols);
	int cy, cx;

	getyx(curscr, cy, cx);          /* reading moves curscr's cursor */
	for (int y = 0; y < rows; y++) {
		for (int x = 0; x < cols; x++) {
			wchar_t wc[CCHARW_MAX + 1] = { 0 };
			cchar_t cc;
			attr_t at = 0;
			short pair;
			char *cell = &d[(size_t)y * (size_t)cols + (size_t)x];

			*cell = SCREENCHECK_ANY;
			if (mvwin_wch(curscr, y, x, &cc) == ERR ||
			    getcchar(&cc, wc, &at, &pair, NULL) == ERR)
				continue;
			if (!(at & A_ALTCHARSET) && wc[0] >= 0x20 && wc[0] < 0x7f && !wc[1])
				*cell = (char)wc[0];
		}
	}
	wmove(curscr, cy, cx);
	return d;
}

static bool vt_differs(int fd)
{
	int rows, cols;

	getmaxyx(curscr, rows, cols);
	size_t len = 4 + 2 * (size_t)rows * (size_t)cols;
	unsigned char *shown = xmalloc(len);
	char *drawn = drawn_cells(rows, cols);
	ssize_t got = pread(fd, shown, len, 0);
	bool differ = got > 0 && screencheck_differs(drawn, rows, cols, shown, (size_t)got);

	free(drawn);
	free(shown);
	return differ;
}

/* After a refresh: repaint the whole screen when the console shows
 * something else than what curses drew. Nothing is logged: a chatty
 * console would flood the event log. */
static void vt_repair(struct ui *u)
{
	double now = now_seconds();

	if (u->vt.fd < 0 || now < u->vt.next)
		return;
	if (!vt_differs(u->vt.fd)) {
		u->vt.every = 1;
	} else {
		clearok(curscr, TRUE);
		refresh();
		/* Still different right after a full repaint: something floods
		 * the console, or its font keeps ASCII at other codes and the
		 * comparison misreads it. Check less and less often (down to
		 * once a minute) rather than repaint every second. */
		if (!vt_differs(u->vt.fd))
			u->vt.every = 1;
		else if (u->vt.every < VT_CHECK_MAX)
			u->vt.every *= 2;
	}
	u->vt.next = now + u->vt.every;
}

int ui_run(struct app *a)
{
	struct ui u;
	long snaps = 0;

	memset(&u, 0, sizeof u);
	u.a = a;
	u.sel_i = -1;
	atexit(ui_leave);
	xalloc_set_fatal_hook(ui_leave);
	if (!initscr())
		xdie("cannot start the screen (is TERM set?)");
	curses_on = true;
	stderr_hide();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	timeout(TICK_MS);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	setup_colors(&u);
	vt_open(&u);

	while (!u.quit) {
		double now = now_seconds();

		if (now >= u.next_snap) {
			if (a->iterations > 0 && snaps >= a->iterations)
				break;
			app_refresh(a);
			app_reap(a);
			snaps++;
			u.next_snap = now + a->delay;
			sync_selection(&u);
		}
		app_poll(a);
		fill_step(&u);
		draw(&u);
		vt_repair(&u);
		key(&u, getch());
		sync_selection(&u);
	}
	if (u.vt.fd >= 0)
		close(u.vt.fd);
	ui_leave();
	return 0;
}
