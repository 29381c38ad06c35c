/* ui_keys.c — livetop's keys. One table, actions[], says for every key
 * what it does, where it works, how the key bar labels it and how the
 * help screen and the man page (livetop --keys=roff) describe it: a key
 * exists in exactly one place (htop's Action.c). A key that is not in
 * the table does nothing. The dialogs (confirm, cap prompt, workload and
 * ping menus, help) take the next key themselves. */
#include "ui.h"
#include "xalloc.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#define KEY_CTRL_L 12
#define KEY_ESC 27
#define NAME_W 10                /* help screen: width of the key column */
#define BAR_WIDTHS 3             /* key bar variants, widest first */

struct action {
	int keys[10];            /* key codes, 0-terminated */
	const char *name;        /* the keys as help and man page spell them */
	const char *bar_key[2];  /* on the key bar: wide, narrow spelling (NULL = wide) */
	const char *bar[BAR_WIDTHS]; /* key bar label per variant, NULL = left out */
	const char *help;        /* help screen; consecutive equal texts share a line */
	const char *man;         /* man page paragraph (roff), NULL = help */
	const char *guest;       /* needs a selected guest; the verb for "why not" */
	bool any_mode;           /* works in every mode, dialogs included */
	void (*run)(struct ui *u, const struct row *r, int ch);
};

/* ---- what the keys do -------------------------------------------------- */

static void do_launch(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	app_launch_nth(u->a, (size_t)(ch - '1'));
}

static void do_fill(struct ui *u, const struct row *r, int ch)
{
	(void)ch;
	app_fill_toggle(u->a, r);
}

static void do_console(struct ui *u, const struct row *r, int ch)
{
	(void)ch;
	ui_console(u, r);
}

/* Open a dialog about r. */
static void ask(struct ui *u, const struct row *r, enum mode m)
{
	xstrlcpy(u->target, r->name, sizeof u->target);
	u->target_id = r->id;
	u->input[0] = '\0';
	u->mode = m;
}

static void do_workload(struct ui *u, const struct row *r, int ch)
{
	(void)ch;
	ask(u, r, M_WORK);
}

static void do_pause(struct ui *u, const struct row *r, int ch)
{
	(void)ch;
	app_pause_toggle(u->a, r);
}

static void do_shutdown(struct ui *u, const struct row *r, int ch)
{
	(void)ch;
	app_shutdown(u->a, r);
}

static void do_destroy(struct ui *u, const struct row *r, int ch)
{
	(void)ch;
	ask(u, r, M_CONFIRM_DESTROY);
}

static void do_weight(struct ui *u, const struct row *r, int ch)
{
	app_weight_step(u->a, r, ch == '+' ? 1 : -1);
}

static void do_cap(struct ui *u, const struct row *r, int ch)
{
	(void)ch;
	ask(u, r, M_CAP);
}

static void do_sort(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	model_sort_step(&u->a->m, ch == '>' ? 1 : -1);
	ui_sync_selection(u);
}

/* Moving the selection; the table scrolls to keep it on the screen. A
 * page is the table's height less one row, which stays in view. */
static int page(const struct ui *u)
{
	return u->rows_h > 1 ? u->rows_h - 1 : 1;
}

static void do_up(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	ui_select(u, u->sel_i - (ch == KEY_PPAGE ? page(u) : 1));
}

static void do_down(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	ui_select(u, u->sel_i + (ch == KEY_NPAGE ? page(u) : 1));
}

static void do_first(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	(void)ch;
	ui_select(u, 0);
}

static void do_last(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	(void)ch;
	ui_select(u, (int)u->a->m.nrows - 1);
}

static void do_click(struct ui *u, const struct row *r, int ch)
{
	MEVENT ev;
	int i;

	(void)r;
	(void)ch;
	if (getmouse(&ev) != OK ||
	    !(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)))
		return;
	i = u->top + ev.y - u->rows_y;
	if (ev.y >= u->rows_y && ev.y < u->rows_y + u->rows_h && i < (int)u->a->m.nrows)
		ui_select(u, i);
}

static void do_help(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	(void)ch;
	u->mode = M_HELP;
}

/* Repaint everything (as in less and htop): something else wrote to the
 * terminal. The next refresh does it. */
static void do_repaint(struct ui *u, const struct row *r, int ch)
{
	(void)u;
	(void)r;
	(void)ch;
	clearok(curscr, TRUE);
}

static void do_quit(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	(void)ch;
	u->mode = M_CONFIRM_QUIT;
}

#define SELECT_HELP "select a guest"
#define PAGE_HELP "move the selection a page up / down (the table scrolls)"
#define ENDS_HELP "select the first / last row"

static const struct action actions[] = {
	{ .keys = { '1', '2', '3', '4', '5', '6', '7', '8', '9' }, .name = "1 .. 9",
	  .bar_key = { "1-9" }, .bar = { "launch", "launch", "launch" },
	  .help = "launch a guest of catalogue entry N:",
	  .man = "Launch a guest of the Nth catalogue entry, as the help screen lists them\n"
		 "(GUESTS below lists the xenlive catalogue).\n"
		 "If it does not fit, nothing is launched and the log explains.",
	  .run = do_launch },
	{ .keys = { 'f' }, .name = "f", .bar_key = { "f" }, .bar = { "fill", "fill", "fill" },
	  .help = "fill: launch the selected guest's distro until memory runs out",
	  .man = "Fill: launch guests of the selected guest's distro, a few at once (as many as\n"
		 "dom0 has CPUs), until the next one no longer fits; then stop and say so.\n"
		 "\\fBf\\fR again stops.",
	  .run = do_fill },
	{ .keys = { '\n', '\r', KEY_ENTER }, .name = "Enter",
	  .bar_key = { "\u23ce" }, .bar = { "console", "console", "cons" },
	  .help = "console of the selected guest (Ctrl-] comes back)",
	  .man = "Console of the selected guest (\\fBxl console\\fR). \\fBCtrl\\-]\\fR returns.",
	  .guest = "console", .run = do_console },
	{ .keys = { 'w' }, .name = "w", .bar_key = { "w" }, .bar = { "work", "work", "work" },
	  .help = "workload menu: cpu burn, memory fill, disk read, ping, stop",
	  .man = "Workload menu: cpu burn 30 s or 120 s, memory fill 16 or 32 MiB, disk\n"
		 "read, ping another guest (then pick it), 0 stops the current one.",
	  .guest = "workload", .run = do_workload },
	{ .keys = { 'p' }, .name = "p", .bar_key = { "p" }, .bar = { "pause", "pause", "pause" },
	  .help = "pause / unpause the selected guest",
	  .man = "Pause or unpause the selected guest (a paused guest keeps its memory).",
	  .guest = "pause", .run = do_pause },
	{ .keys = { 's' }, .name = "s", .bar_key = { "s" }, .bar = { "shutdown", "shut", "shut" },
	  .help = "shut the selected guest down cleanly",
	  .guest = "shutdown", .run = do_shutdown },
	{ .keys = { 'D' }, .name = "D", .bar_key = { "D" }, .bar = { "destroy", "destroy", "destroy" },
	  .help = "destroy the selected guest at once (asks y/n)",
	  .man = "Destroy the selected guest at once; asks \\fBy\\fR/\\fBn\\fR.",
	  .guest = "destroy", .run = do_destroy },
	{ .keys = { 'm' }, .name = "m", .bar_key = { "m" }, .bar = { "move" },
	  .help = "move the selected guest to another xenlive machine (LAN mode)",
	  .man = "Move the selected guest to another xenlive machine on the cable\n"
		 "(\\fBxenlive\\-migrate\\fR; LAN mode must be on, see \\fBL\\fR). With several\n"
		 "machines of this build, pick one; then type the 4-digit pairing code that\n"
		 "machine shows and press Enter (Esc cancels). The move runs in the background:\n"
		 "the row says \\fBmoving\\fR, and the event log tells how it ended.",
	  .guest = "move", .run = ui_move_key },
	{ .keys = { '+', '-' }, .name = "+ / -", .bar_key = { "+/-", "+-" }, .bar = { "weight", "weight" },
	  .help = "double / halve its scheduler weight (default 256)",
	  .guest = "weight", .run = do_weight },
	{ .keys = { 'c' }, .name = "c", .bar_key = { "c" }, .bar = { "cap", "cap" },
	  .help = "CPU cap in % of one CPU (0 = no cap)",
	  .man = "Prompt for a CPU cap in % of one CPU (0 = no cap); Enter sets, Esc cancels.",
	  .guest = "cap", .run = do_cap },
	{ .keys = { '<', '>' }, .name = "< / >", .bar_key = { "< >", "<>" }, .bar = { "sort", "sort" },
	  .help = "sort by the previous / next column",
	  .man = "Sort by the previous / next column. The top line names it with \\(ua or\n"
		 "\\(da; its title in the header is bold, with the arrow where there is room.",
	  .run = do_sort },
	{ .keys = { KEY_UP, 'k' }, .name = "Up k", .help = SELECT_HELP, .run = do_up },
	{ .keys = { KEY_DOWN, 'j' }, .name = "Down j", .help = SELECT_HELP, .run = do_down },
	{ .keys = { KEY_MOUSE }, .name = "mouse click", .help = SELECT_HELP, .run = do_click },
	{ .keys = { KEY_PPAGE }, .name = "PgUp", .help = PAGE_HELP, .run = do_up },
	{ .keys = { KEY_NPAGE }, .name = "PgDn", .help = PAGE_HELP, .run = do_down },
	{ .keys = { KEY_HOME, 'g' }, .name = "Home g", .help = ENDS_HELP, .run = do_first },
	{ .keys = { KEY_END, 'G' }, .name = "End G", .help = ENDS_HELP, .run = do_last },
	{ .keys = { 'L' }, .name = "L",
	  .help = "LAN mode on / off: join the wired LAN to move guests (asks y/n)",
	  .man = "LAN mode on or off (\\fBxenlive\\-lan on\\fR|\\fBoff\\fR, in the background); asks\n"
		 "\\fBy\\fR/\\fBn\\fR. On, this machine joins the wired LAN: a VXLAN and a receiver for\n"
		 "guests moved here on the first wired card. While it is on, a line under\n"
		 "the gauge shows the card, the address, the pairing code other machines need\n"
		 "to move a guest here, and the xenlive machines seen on the cable\n"
		 "(\\fBxenlive\\-lan status\\fR, every 10 s). Guests that arrive are told in the\n"
		 "event log.",
	  .run = ui_lan_key },
	{ .keys = { 'N' }, .name = "N",
	  .help = "network boot server on / off: PCs on the cable boot this build (asks y/n)",
	  .man = "Network boot server on or off (\\fBxenlive\\-serve\\fR, in the background): other\n"
		 "PCs on this machine's cable boot this build of xenlive from the network (BIOS\n"
		 "and UEFI PXE). First \\fBxenlive\\-serve plan\\fR says which card it would use\n"
		 "and what it would start (dnsmasq for DHCP, or proxy-DHCP when the cable has a\n"
		 "DHCP server, and TFTP; httpd); livetop asks \\fBy\\fR/\\fBn\\fR with that, then\n"
		 "runs \\fBxenlive\\-serve on\\fR. When the plan fails (no cable, a netbooted\n"
		 "machine), the event log says why and nothing is asked. While it serves, a\n"
		 "line under the gauge shows the card, the address, the mode and the PCs given\n"
		 "an address (\\fBxenlive\\-serve status\\fR, every 10 s); \\fBN\\fR then asks\n"
		 "\\fBy\\fR/\\fBn\\fR to stop (\\fBxenlive\\-serve off\\fR). See NETWORK BOOT.",
	  .run = ui_serve_key },
	{ .keys = { '?', KEY_F(1) }, .name = "? or F1", .bar_key = { "?" },
	  .bar = { "help", "help", "help" }, .help = "this help", .man = "Help screen.",
	  .run = do_help },
	{ .keys = { KEY_CTRL_L }, .name = "Ctrl-L", .help = "repaint the whole screen",
	  .man = "Repaint the whole screen (after something else wrote on the terminal).",
	  .any_mode = true, .run = do_repaint },
	{ .keys = { 'q' }, .name = "q", .bar_key = { "q" }, .bar = { "quit", "quit", "quit" },
	  .help = "quit (asks y/n); guests keep running",
	  .man = "Quit; asks \\fBy\\fR/\\fBn\\fR. Guests keep running.",
	  .run = do_quit },
};
#define N_ACTIONS (sizeof actions / sizeof actions[0])

bool ui_action_keys(size_t i, const int **keys, const char **name, const char **bar_key)
{
	if (i >= N_ACTIONS)
		return false;
	*keys = actions[i].keys;
	*name = actions[i].name;
	*bar_key = actions[i].bar[0] ? actions[i].bar_key[0] : NULL;
	return true;
}

static const struct action *action_of(int ch)
{
	for (size_t i = 0; i < N_ACTIONS; i++)
		for (const int *k = actions[i].keys; *k; k++)
			if (*k == ch)
				return &actions[i];
	return NULL;
}

static void run(struct ui *u, const struct action *act, int ch)
{
	const struct row *r = ui_selected(u);

	if (act->guest && !(r = app_guest(u->a, r, act->guest)))
		return;
	act->run(u, r, ch);
}

/* ---- dialogs ----------------------------------------------------------- */

const struct work_item ui_work_items[] = {
	{ '1', { .kind = WL_CPU, .arg = 30 } },
	{ '2', { .kind = WL_CPU, .arg = 120 } },
	{ '3', { .kind = WL_MEM, .arg = 16 } },
	{ '4', { .kind = WL_MEM, .arg = 32 } },
	{ '5', { .kind = WL_DISK, .arg = 0 } },
	{ '6', { .kind = WL_PING, .arg = 0 } },
	{ '0', { .kind = WL_STOP, .arg = 0 } },
};
const size_t ui_n_work_items = sizeof ui_work_items / sizeof ui_work_items[0];

int ui_ping_targets(const struct ui *u, const struct row **out)
{
	int n = 0;

	for (size_t i = 0; i < u->a->m.nrows && n < 9; i++) {
		const struct row *r = &u->a->m.rows[i];

		if (r->id > 0 && r->state == DS_READY && strcmp(r->name, u->target))
			out[n++] = r;
	}
	return n;
}

static bool yes(int ch)
{
	return ch == 'y' || ch == 'Y';
}

static bool enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

static void key_help(struct ui *u, int ch)
{
	(void)ch;
	u->mode = M_NORMAL;
}

static void key_confirm_quit(struct ui *u, int ch)
{
	u->quit = yes(ch);
	u->mode = M_NORMAL;
}

static void key_confirm_destroy(struct ui *u, int ch)
{
	u->mode = M_NORMAL;
	if (yes(ch))
		app_destroy(u->a, u->target_id, u->target);
	else
		app_log(u->a, "%s kept", u->target);
}

bool ui_digit_input(char *buf, size_t max, int ch)
{
	size_t n = strlen(buf);

	if (ch >= '0' && ch <= '9' && n < max) {
		buf[n] = (char)ch;
		buf[n + 1] = '\0';
		return true;
	}
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
		buf[n - 1] = '\0';
		return true;
	}
	return false;
}

static void key_cap(struct ui *u, int ch)
{
	if (ui_digit_input(u->input, 3, ch))
		return;
	if (ch == KEY_ESC) {
		u->mode = M_NORMAL;
	} else if (enter(ch)) {
		u->mode = M_NORMAL;
		app_set_cap(u->a, u->target, u->target_id, atoi(u->input));
	}
}

static void key_work(struct ui *u, int ch)
{
	const struct row *t[9];

	u->mode = M_NORMAL;
	for (size_t i = 0; i < ui_n_work_items; i++) {
		const struct work_item *w = &ui_work_items[i];

		if (ch != w->key)
			continue;
		if (w->r.kind != WL_PING)
			app_workload(u->a, u->target_id, u->target, &w->r);
		else if (ui_ping_targets(u, t) == 0)
			app_log(u->a, "ping: no other guest is ready yet");
		else
			u->mode = M_PING;
	}
}

static void key_ping(struct ui *u, int ch)
{
	const struct row *t[9];
	int n = ui_ping_targets(u, t);

	u->mode = M_NORMAL;
	if (ch >= '1' && ch < '1' + n) {
		struct workload_req req = { .kind = WL_PING, .target_id = t[ch - '1']->id };

		app_log(u->a, "%s pings %s", u->target, t[ch - '1']->name);
		app_workload(u->a, u->target_id, u->target, &req);
	}
}

static void key_normal(struct ui *u, int ch)
{
	const struct action *act = action_of(ch);

	if (act)
		run(u, act, ch);
}

static void (*const mode_keys[M__COUNT])(struct ui *, int) = {
	[M_NORMAL] = key_normal,
	[M_HELP] = key_help,
	[M_CONFIRM_DESTROY] = key_confirm_destroy,
	[M_CONFIRM_QUIT] = key_confirm_quit,
	[M_WORK] = key_work,
	[M_PING] = key_ping,
	[M_CAP] = key_cap,
	[M_CONFIRM_LAN] = ui_lan_confirm,
	[M_MOVE_PEER] = ui_move_peer,
	[M_MOVE_CODE] = ui_move_code,
	[M_CONFIRM_SERVE] = ui_serve_confirm,
};

void ui_key(struct ui *u, int ch)
{
	const struct action *act = action_of(ch);

	if (ch == KEY_RESIZE || ch == ERR)
		return;
	if (act && act->any_mode) {
		run(u, act, ch);
	} else if (u->small) {
		/* Too small to show anything: only quitting makes sense. */
		if (ch == 'q')
			u->mode = M_CONFIRM_QUIT;
		else if (ch == 'y' && u->mode == M_CONFIRM_QUIT)
			u->quit = true;
	} else {
		mode_keys[u->mode](u, ch);
	}
}

/* ---- key bar, help screen, man page: drawn from actions[] --------------- */

static int chars(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void keybar_make(int variant, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < N_ACTIONS && o < len; i++) {
		const struct action *a = &actions[i];
		const char *key = variant && a->bar_key[1] ? a->bar_key[1] : a->bar_key[0];

		if (a->bar[variant])
			o += (size_t)snprintf(out + o, len - o, "%s%s %s", variant ? " " : o ? "  " : " ",
					      key, a->bar[variant]);
	}
}

const char *ui_keybar(int width)
{
	static char bars[BAR_WIDTHS][256];

	for (int v = 0; v < BAR_WIDTHS; v++) {
		if (!bars[v][0])
			keybar_make(v, bars[v], sizeof bars[v]);
		if (chars(bars[v]) <= width)
			return bars[v];
	}
	return bars[BAR_WIDTHS - 1];
}

/* Call fn once per help line: actions with the same text share one,
 * their names joined ("Up k, Down j, ...: select a guest"). */
static void help_groups(void (*fn)(void *ctx, const char *names, const struct action *a), void *ctx)
{
	for (size_t i = 0; i < N_ACTIONS; i++) {
		char names[160];
		size_t o = (size_t)snprintf(names, sizeof names, "%s", actions[i].name);

		while (i + 1 < N_ACTIONS && !strcmp(actions[i + 1].help, actions[i].help) &&
		       o < sizeof names)
			o += (size_t)snprintf(names + o, sizeof names - o, ", %s", actions[++i].name);
		fn(ctx, names, &actions[i]);
	}
}

struct help_ctx {
	const struct catalog *cat;
	void (*line)(void *ctx, const char *text);
	void *ctx;
};

static void help_line(void *ctx, const char *names, const struct action *a)
{
	struct help_ctx *h = ctx;
	char buf[320];

	if (strlen(names) > NAME_W)
		snprintf(buf, sizeof buf, "  %s: %s", names, a->help);
	else
		snprintf(buf, sizeof buf, "  %-*s %s", NAME_W, names, a->help);
	h->line(h->ctx, buf);
	if (a->run != do_launch || !h->cat)
		return;
	if (!h->cat->n)
		h->line(h->ctx, "             (no guest catalogue: launching is off)");
	for (size_t i = 0; i < h->cat->n && i < 9; i++) {
		snprintf(buf, sizeof buf, "             %zu  %s", i + 1, h->cat->e[i].name);
		h->line(h->ctx, buf);
	}
}

void ui_help(const struct catalog *cat, void (*line)(void *ctx, const char *text), void *ctx)
{
	static const char *const tail[] = {
		"",
		"Fits N more: free memory / (guest memory + ~2 MiB libxl overhead),",
		"keeping a small reserve. Rates are per second over the last update;",
		"\"-\" means not measured yet. CPU% is of one CPU (xentop's convention).",
		"",
		"Press any key to return.",
	};
	struct help_ctx h = { .cat = cat, .line = line, .ctx = ctx };

	line(ctx, "livetop \u2014 watch and drive Xen guests");
	line(ctx, "");
	help_groups(help_line, &h);
	for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
		line(ctx, tail[i]);
}

static void print_line(void *ctx, const char *text)
{
	fprintf(ctx, "%s\n", text);
}

void ui_keys_text(FILE *f)
{
	struct help_ctx h = { .cat = NULL, .line = print_line, .ctx = f };

	help_groups(help_line, &h);
}

/* Text for roff: '-' as \-, '\' as \e, a leading '.' or '\'' guarded. */
static void roff_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		else
			fputc(*s, f);
	}
}

static void roff_item(void *ctx, const char *names, const struct action *a)
{
	FILE *f = ctx;

	fputs(".TP\n.B \"", f);
	roff_text(f, names);
	fputs("\"\n", f);
	if (a->man) {
		fprintf(f, "%s\n", a->man);
	} else {
		fputc(toupper((unsigned char)a->help[0]), f);
		roff_text(f, a->help + 1);
		fputs(".\n", f);
	}
}

void ui_keys_roff(FILE *f)
{
	help_groups(roff_item, f);
}
