/* ui_vt.c — on a Linux virtual console (/dev/ttyN), kernel messages or a
 * script writing to /dev/tty1 scribble over the screen behind curses'
 * back, and curses only redraws what it thinks changed. There the
 * console's real contents can be read back from /dev/vcsaN and compared
 * (screencheck.c). Anywhere else (tmux, the serial console /dev/hvc0, a
 * pipe) vt.fd stays -1. */
#include "ui.h"
#include "screencheck.h"
#include "xalloc.h"

#define NCURSES_WIDECHAR 1      /* mvwin_wch: read back what curses drew */
#include <curses.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define VT_CHECK_MAX 64         /* seconds between console checks, at most */

void ui_vt_open(struct ui *u)
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
void ui_vt_repair(struct ui *u)
{
	double now = app_now(u->a);

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

void ui_vt_close(struct ui *u)
{
	if (u->vt.fd >= 0)
		close(u->vt.fd);
	u->vt.fd = -1;
}
