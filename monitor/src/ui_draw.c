/* ui_draw.c — drawing livetop's screen from the model: the top lines
 * (title, memory bar, "fits N more" gauge, the lines of LAN mode, the
 * netboot server and a netbooted machine), the table, the event log, the
 * key bar or a dialog's question, the workload and ping menus, the help
 * screen. Reads the ui and the app; changes only the table's scrolling. */
#include "ui.h"
#include "safetext.h"
#include "sizing.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Past the UTF-8 character at p (its continuation bytes too). */
static const char *next_char(const char *p)
{
	p++;
	while (((unsigned char)*p & 0xc0) == 0x80)
		p++;
	return p;
}

/* Put text at (y, x) within w characters. Whatever the model holds, it
 * is made safe here once more (safetext_view: no control byte reaches
 * ncurses; the ASCII fallback without UTF-8). */
static void put(int y, int x, int w, const char *text, bool right, bool utf8)
{
	char buf[512];
	int chars = 0, pad;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	safetext_view(text, utf8, buf, sizeof buf);
	/* Truncate to w characters. */
	size_t bytes = 0;
	for (; buf[bytes] && chars < w; chars++)
		bytes = (size_t)(next_char(buf + bytes) - buf);
	pad = w - chars;
	move(y, x);
	if (right)
		for (int i = 0; i < pad; i++)
			addch(' ');
	addnstr(buf, (int)bytes);
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


static void draw_membar(struct ui *u);
static void draw_gauge(struct ui *u);

static void draw_top(struct ui *u)
{
	struct app *a = u->a;
	struct model *m = &a->m;
	char clock[16], sortmark[64];
	time_t t = (time_t)app_now(a);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	snprintf(sortmark, sizeof sortmark, "sort: %s %s", model_cols[m->sort_col].title,
		 m->sort_desc ? "\u25bc" : "\u25b2");
	ui_attr(u, P_TITLE, A_BOLD);
	putf(0, 0, COLS, u->o->utf8, " livetop%s  Xen %s  %u CPUs  %llu MiB", u->o->demo ? " [demo]" : "",
	     m->cur.host.xen_version, m->cur.host.cpus,
	     (unsigned long long)(m->cur.host.total_kib / 1024));
	put(0, COLS - 34, 24, sortmark, true, u->o->utf8);
	put(0, COLS - 9, 9, clock, true, u->o->utf8);
	draw_membar(u);
	draw_gauge(u);
}

/* Memory bar: dom0 | guests | xen+in flight | free. */
static void draw_membar(struct ui *u)
{
	struct mem_split s;

	model_mem(&u->a->m, &s);
	char legend[160];
	snprintf(legend, sizeof legend, " dom0 %llu  guests %llu  free %llu MiB",
		 (unsigned long long)(s.dom0_kib / 1024), (unsigned long long)(s.guests_kib / 1024),
		 (unsigned long long)(s.free_kib / 1024));
	int barw = COLS - 6 - (int)strlen(legend);
	ui_attr(u, 0, A_BOLD);
	put(1, 0, 5, " Mem[", false, u->o->utf8);
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
	put(1, COLS - (int)strlen(legend), (int)strlen(legend), legend, true, u->o->utf8);
}

/* Gauge: fits N more of each catalogue entry, after a fill's progress
 * (first: on an 80-column terminal the list of five distros is cut). */
static void draw_gauge(struct ui *u)
{
	struct app *a = u->a;
	char line[512];
	size_t o = 0;

	line[0] = '\0';
	if (!a->cat.n) {
		snprintf(line, sizeof line, " no guest catalogue: launching is off");
	} else {
		if (a->fill.on)
			o += (size_t)snprintf(line, sizeof line, " [filling with %s: %u launched]",
					      a->fill.e->id, a->fill.launched);
		for (size_t i = 0; i < a->cat.n && o < sizeof line; i++) {
			char shortname[CAT_NAME_MAX];

			catalog_short_name(&a->cat.e[i], shortname, sizeof shortname);
			o += (size_t)snprintf(line + o, sizeof line - o, "%s%u more %s",
					      i ? ", " : " Fits ",
					      model_fits(&a->m, a->cat.e[i].memory_mib), shortname);
		}
	}
	ui_attr(u, P_GUESTS, A_BOLD);
	put(2, 0, COLS, line, false, u->o->utf8);
	ui_attr(u, 0, 0);
}

static void draw_rows(struct ui *u, int y, int h, const struct col_fit *cols, size_t nc);

/* Scroll the table's body (h rows) so that the selection is visible and
 * no row is left empty that could show one. */
static void table_scroll(struct ui *u, int h)
{
	int n = (int)u->a->m.nrows;

	if (u->sel_i >= 0) {
		if (u->sel_i < u->top)
			u->top = u->sel_i;
		if (u->sel_i >= u->top + h)
			u->top = u->sel_i - h + 1;
	}
	if (u->top > n - h)
		u->top = n - h;
	if (u->top < 0)
		u->top = 0;
}

/* The line above a table that does not fit: guests by state, memory,
 * the rows shown (body: the body's height). */
static void draw_summary(struct ui *u, int y, int body)
{
	int n = (int)u->a->m.nrows - u->top;
	char line[256];

	line[0] = ' ';
	model_summary(&u->a->m, (size_t)u->top, (size_t)(n < body ? n : body), line + 1,
		      sizeof line - 1);
	ui_attr(u, 0, A_BOLD);
	put(y, 0, COLS, line, false, u->o->utf8);
	ui_attr(u, 0, 0);
}

static void draw_table(struct ui *u, int y, int h)
{
	struct app *a = u->a;
	struct model *m = &a->m;
	struct col_fit cols[COL__COUNT];
	size_t nc = model_cols_fit(COLS - 1, cols);
	bool summary = (int)m->nrows > h - 1 && h > 2;   /* not every row fits */
	int x = 1;

	if (summary) {
		y++;
		h--;
	}
	table_scroll(u, h - 1);
	if (summary)
		draw_summary(u, y - 1, h - 1);
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
		put(y, x, cols[i].width, title, c->right, u->o->utf8);
		x += cols[i].width + 1;
	}
	ui_attr(u, 0, 0);
	draw_rows(u, y + 1, h - 1, cols, nc);
}

/* The table's body from row u->top (table_scroll chose it). */
static void draw_rows(struct ui *u, int y, int h, const struct col_fit *cols, size_t nc)
{
	struct model *m = &u->a->m;
	struct fmt_ctx ctx = { .utf8 = u->o->utf8 };
	char cell[128];
	int x;

	u->rows_y = y;
	u->rows_h = h;
	for (int line = 0; line < h; line++) {
		int i = u->top + line;
		const struct row *r;
		const char *to;
		bool sel;

		move(y + line, 0);
		clrtoeol();
		if (i >= (int)m->nrows)
			continue;
		r = &m->rows[i];
		sel = i == u->sel_i;
		to = lan_moving(&u->a->lan, r->name);   /* being moved: says so */
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
			if (cols[k].col == COL_NAME)
				model_fit_name(r->name, cols[k].width, cell, sizeof cell);
			if (to && state)
				snprintf(cell, sizeof cell, "moving");
			else if (to && cols[k].col == COL_WORK)
				snprintf(cell, sizeof cell, "moving to %s", to);
			ui_attr(u, state ? (to ? P_STOPPING : state_pair(r->state)) : 0, (sel ? A_REVERSE : 0) |
				(state && r->state == DS_CRASHED ? A_BOLD : 0));
			put(y + line, x, cols[k].width, cell, c->right, u->o->utf8);
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
		addch(u->o->utf8 ? ' ' : ' ');
	put(y, 0, COLS, " Events", false, u->o->utf8);
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
			for (; *q && chars < width; chars++)   /* whole UTF-8 characters */
				q = next_char(q);
			seg[n] = p;
			len[n] = (int)(q - p);
			p = q;
		}
		for (int k = n - 1; k >= 0 && row > y; k--, row--) {
			move(row, 0);
			clrtoeol();
			putf(row, 0, COLS, u->o->utf8, "%*s%.*s", k && COLS - indent >= 10 ? indent : 0, "",
			     len[k], seg[k]);
		}
	}
	for (; row > y; row--) {
		move(row, 0);
		clrtoeol();
	}
}

/* The netboot server's question: to stop, or to start what its plan said
 * (y/n first, then what it will do; draw_bottom wraps it).  Which one is
 * what was asked (stop), not what a status that came since says. */
static void serve_question(const struct serve *s, bool stop, char *buf, size_t len)
{
	if (stop)
		snprintf(buf, len, " Stop serving network boot (xenlive-serve off)? (y/n)  PCs that booted"
			 " from here keep running.");
	else
		snprintf(buf, len, " Serve network boot on %s? (y/n)  It will %s; %s.", s->plan_nic,
			 s->plan_start[0] ? s->plan_start : "start dnsmasq and httpd",
			 s->plan_serve[0] ? s->plan_serve : "serve this build");
}

#define BOTTOM_MAX_LINES 4

/* text cut into at most max pieces (seg, len: bytes) of at most width
 * characters, the 2nd and later one narrower by the space put before
 * them; each ends at a space where one is in its second half (the space
 * itself is left out).  The last piece holds what is left. */
static int wrap_spaces(const char *text, int width, const char *seg[], int len[], int max)
{
	int n = 0;

	for (const char *p = text; *p && n < max; n++) {
		int w = n ? width - 1 : width, chars = 0;
		const char *q = p, *space = NULL;

		for (; *q && chars < w; chars++) {   /* whole UTF-8 characters */
			if (*q == ' ' && chars >= w / 2)
				space = q;
			q = next_char(q);
		}
		if (*q && *q != ' ' && space && n < max - 1)
			q = space;
		seg[n] = p;
		len[n] = (int)(q - p);
		p = q;
		while (*p == ' ' && n < max - 1)
			p++;
	}
	return n;
}

static void draw_bottom(struct ui *u)
{
	char buf[512];

	ui_attr(u, P_KEYS, A_REVERSE);
	switch (u->mode) {
	case M_CONFIRM_DESTROY:
		snprintf(buf, sizeof buf, " Destroy %s now? Its memory is freed at once. (y/n)", u->target);
		break;
	case M_CONFIRM_QUIT:
		snprintf(buf, sizeof buf, " Quit livetop? Guests keep running%s. (y/n)",
			 u->a->lan.nmoves ? "; moves under way go on (their outcome is not shown)" : "");
		break;
	case M_CONFIRM_LAN:
		snprintf(buf, sizeof buf, "%s", u->a->lan.on
			 ? " Leave the wired LAN (LAN mode off)? No guest can be moved here then. (y/n)"
			 : " Join the wired LAN (LAN mode)? It starts a VXLAN and a receiver for guests"
			   " on the first wired card. (y/n)");
		break;
	case M_CONFIRM_SERVE:
		serve_question(&u->a->serve, u->serve_stop, buf, sizeof buf);
		break;
	case M_MOVE_CODE:
		snprintf(buf, sizeof buf, " Move %s to %s (code %s%.*s)? Type the code %s shows; Enter moves,"
			 " Esc cancels", u->target, u->peer, u->input, 4 - (int)strlen(u->input), "____",
			 u->peer);
		break;
	case M_CAP:
		snprintf(buf, sizeof buf, " CPU cap for %s in %% of one CPU (0 = none): %s_   Enter sets, Esc cancels",
			 u->target, u->input);
		break;
	default:
		snprintf(buf, sizeof buf, "%s", ui_keybar(COLS));
		put(LINES - 1, 0, COLS, buf, false, u->o->utf8);
		ui_attr(u, 0, 0);
		return;
	}
	/* a question wider than the screen goes on over the lines above
	 * (the events', for as long as it is asked), broken at spaces */
	const char *seg[BOTTOM_MAX_LINES];
	int len[BOTTOM_MAX_LINES], n = wrap_spaces(buf, COLS, seg, len, BOTTOM_MAX_LINES);

	for (int k = 0; k < n; k++) {
		char line[512];

		snprintf(line, sizeof line, "%s%.*s", k ? " " : "", len[k], seg[k]);
		put(LINES - n + k, 0, COLS, line, false, u->o->utf8);
	}
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

/* A picker w wide in the middle of the screen: title on its top edge, n
 * choices numbered from 1 (line writes the i-th one's text, from items),
 * and "Esc  cancel". */
static void draw_picker(struct ui *u, int w, const char *title, int n,
			void (*line)(const void *items, int i, char *buf, size_t len), const void *items)
{
	int h = n + 4, y = (LINES - h) / 2, x = (COLS - w) / 2;
	char text[512];

	box_at(y, x, h, w);
	put(y, x + 2, w - 4, title, false, u->o->utf8);
	for (int i = 0; i < n; i++) {
		line(items, i, text, sizeof text);
		putf(y + 1 + i, x + 2, w - 4, u->o->utf8, "%d  %s", i + 1, text);
	}
	put(y + h - 2, x + 2, w - 4, "Esc  cancel", false, u->o->utf8);
}

static void ping_line(const void *items, int i, char *buf, size_t len)
{
	const struct row *const *t = items;

	snprintf(buf, len, "%s (domain %d)", t[i]->name, t[i]->id);
}

static void peer_line(const void *items, int i, char *buf, size_t len)
{
	const struct lan_peer *const *p = items;

	snprintf(buf, len, "%s (%s)", p[i]->name, p[i]->addr);
}

static void draw_popup(struct ui *u)
{
	int w = 44, h, y, x;
	char what[64], title[512];

	if (u->mode == M_WORK) {
		h = (int)ui_n_work_items + 4;
		y = (LINES - h) / 2;
		x = (COLS - w) / 2;
		ui_attr(u, 0, 0);
		box_at(y, x, h, w);
		putf(y, x + 2, w - 4, u->o->utf8, " Workload in %s ", u->target);
		for (size_t i = 0; i < ui_n_work_items; i++)
			putf(y + 1 + (int)i, x + 2, w - 4, u->o->utf8, "%c  %s%s", ui_work_items[i].key,
			     workload_describe(&ui_work_items[i].r, what, sizeof what),
			     ui_work_items[i].r.kind == WL_PING ? " another guest\u2026" : "");
		put(y + h - 2, x + 2, w - 4, "Esc  cancel", false, u->o->utf8);
	} else if (u->mode == M_PING) {
		const struct row *t[9];
		int n = ui_ping_targets(u, t);

		snprintf(title, sizeof title, " %s pings which guest? ", u->target);
		draw_picker(u, w, title, n, ping_line, t);
	} else if (u->mode == M_MOVE_PEER) {
		const struct lan_peer *p[LAN_PEERS_MAX];
		int n = (int)ui_move_targets(u, p);

		snprintf(title, sizeof title, " Move %s to which machine? ", u->target);
		draw_picker(u, w, title, n, peer_line, p);
	}
}

struct help_at {
	int y;
	bool utf8;
};

static void help_line(void *ctx, const char *text)
{
	struct help_at *h = ctx;

	if (h->y < LINES)
		put(h->y++, 1, COLS - 1, text, false, h->utf8);
}

static void draw_help(struct ui *u)
{
	struct help_at h = { .y = 2, .utf8 = u->o->utf8 };

	erase();
	ui_attr(u, P_TITLE, A_BOLD);
	put(0, 0, COLS, " livetop help", false, u->o->utf8);
	ui_attr(u, 0, 0);
	ui_help(&u->a->cat, help_line, &h);
}

/* The lines under the gauge, one for each that has something to say:
 * LAN mode, the netboot server, this machine netbooted.  Returns the
 * row under them. */
static int draw_cable_lines(struct ui *u, int top)
{
	char text[3][512];

	lan_line(&u->a->lan, text[0], sizeof text[0]);
	serve_line(&u->a->serve, text[1], sizeof text[1]);
	netboot_line(&u->a->serve, text[2], sizeof text[2]);
	for (int i = 0; i < 3; i++) {
		if (!text[i][0])
			continue;
		ui_attr(u, P_TITLE, 0);
		putf(top++, 0, COLS, u->o->utf8, " %s", text[i]);
		ui_attr(u, 0, 0);
	}
	return top;
}

void ui_draw(struct ui *u)
{
	int logh, top;

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
	top = draw_cable_lines(u, 3);
	draw_table(u, top, LINES - top - logh - 1);
	draw_log(u, LINES - 1 - logh, logh);
	draw_bottom(u);
	draw_popup(u);
	refresh();
}

