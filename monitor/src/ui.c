/* ui.c — the ncurses screen's loop: refresh the model every `delay`
 * seconds (or at once after an action), drain backend messages, collect
 * LAN mode's and the netboot server's background commands (lan.h,
 * serve.h), let a fill go on, draw (on a virtual console, repair the screen if something
 * else wrote on it), wait up to 100 ms for a key. Knows the app and the
 * model, never Xen: see app.h and backend.h. */
#include "ui.h"
#include "xalloc.h"

#include <curses.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TICK_MS 100

static bool curses_on;
static int saved_stderr = -1;
static volatile sig_atomic_t quit_signal;   /* a signal asked us to end */

/* While curses owns the screen, library chatter on stderr (libxl
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


const struct row *ui_selected(const struct ui *u)
{
	if (u->sel_i < 0 || (size_t)u->sel_i >= u->a->m.nrows)
		return NULL;
	return &u->a->m.rows[u->sel_i];
}


void ui_sync_selection(struct ui *u)
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

void ui_select(struct ui *u, int i)
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


void ui_console(struct ui *u, const struct row *r)
{
	def_prog_mode();
	endwin();
	curses_on = false;
	stderr_show();
	printf("\n--- console of %s (domain %d); Ctrl-] returns to livetop ---\n", r->name, r->id);
	fflush(stdout);
	app_console(u->a, r);
	stderr_hide();
	reset_prog_mode();
	curses_on = true;
	clearok(curscr, TRUE);
	refresh();
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


static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

/* SIGTERM, SIGINT (Ctrl-C) and SIGHUP end the loop, so the terminal is
 * restored (endwin) before livetop exits. Set before initscr, which then
 * leaves its own handlers out; a signal ignored from the start (nohup)
 * stays ignored. No SA_RESTART: getch returns at once. */
static void catch_quit_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* Home and End as terminals other than xterm send them: PuTTY, tmux, the
 * Linux console and rxvt (ESC [ 1 ~, ESC [ 4 ~, ...), xterm's other modes
 * (ESC [ H, ESC O H). TERM=xterm on the serial line names only one. */
static void define_home_end(void)
{
	static const char *home[] = { "\033[1~", "\033[7~", "\033[H", "\033OH" };
	static const char *end[] = { "\033[4~", "\033[8~", "\033[F", "\033OF" };

	for (size_t i = 0; i < sizeof home / sizeof home[0]; i++) {
		define_key(home[i], KEY_HOME);
		define_key(end[i], KEY_END);
	}
}

/* The next key, waiting up to wait_ms. An escape sequence curses does not
 * know (a function key of another terminal) arrives as ESC and its bytes:
 * it is read to its final byte and dropped whole, so "ESC [ 2 1 ~" does
 * not launch guests 2 and 1. */
static int read_key(int wait_ms)
{
	int ch, next;

	timeout(wait_ms);
	ch = getch();
	if (ch != 27)
		return ch;
	timeout(0);
	next = getch();
	if (next == '[' || next == 'O') {
		for (int i = 0; i < 16; i++) {
			int c = getch();

			if (c == ERR || (c >= 0x40 && c <= 0x7e))
				break;
		}
		ch = ERR;
	} else if (next != ERR) {
		ungetch(next);
	}
	return ch;
}

/* Keys typed while the host was read answer now, before the next slow
 * step, and the screen shows their effect.  Not past an action that
 * needs a fresh snapshot first (a launch picks the next name from it). */
static void keys_waiting(struct ui *u)
{
	bool any = false;
	int ch;

	while (!u->quit && !u->a->refresh_due && (ch = read_key(0)) != ERR) {
		ui_key(u, ch);
		ui_sync_selection(u);
		any = true;
	}
	if (any && !u->quit)
		ui_draw(u);
}

static void ui_start(struct ui *u)
{
	catch_quit_signals();
	atexit(ui_leave);
	xalloc_set_fatal_hook(ui_leave);
	if (!initscr())
		xdie("cannot start the screen (is TERM set?)");
	curses_on = true;
	stderr_hide();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	define_home_end();
	curs_set(0);
	set_escdelay(50);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	setup_colors(u);
	ui_vt_open(u);
}

int ui_run(struct app *a, const struct view_opts *o)
{
	struct ui u;
	long snaps = 0;
	double next_snap = 0;

	memset(&u, 0, sizeof u);
	u.a = a;
	u.o = o;
	u.sel_i = -1;
	ui_start(&u);
	while (!u.quit && !quit_signal) {
		double now = app_now(a);

		if (now >= next_snap || a->refresh_due) {
			if (o->iterations > 0 && snaps >= o->iterations)
				break;
			app_refresh(a);
			app_reap(a);
			snaps++;
			next_snap = now + o->delay;
			ui_sync_selection(&u);
			keys_waiting(&u);
		}
		app_poll(a);
		lan_tick(a);
		ui_serve_tick(&u);
		app_fill_step(a);
		ui_draw(&u);
		ui_vt_repair(&u);
		u.small = COLS < MIN_COLS || LINES < MIN_LINES;
		ui_key(&u, read_key(TICK_MS));
		ui_sync_selection(&u);
	}
	ui_vt_close(&u);
	ui_leave();
	return quit_signal ? 128 + quit_signal : 0;
}
