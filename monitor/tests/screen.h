/* screen.h — for the tests that look at livetop's screen: ui_draw on an
 * xterm that is a file, read back as a person would see it. */
#ifndef SCREEN_H
#define SCREEN_H

#define NCURSES_WIDECHAR 1      /* mvwinnwstr: read back what was drawn */
#include "ui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define SCR_ROWS 30
#define SCR_COLS 160

struct screen {
	char line[SCR_ROWS][SCR_COLS * 4 + 1];
	char *bytes;               /* what went to the terminal (the caller frees) */
	size_t n;
};

/* ui_draw(u) once on a SCR_ROWS x SCR_COLS xterm that is a file: the
 * screen as ncurses holds it, line by line (UTF-8, without the blanks
 * at the end), and the bytes sent. */
static void screen_draw(struct ui *u, struct screen *scr)
{
	FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
	SCREEN *sc = newterm("xterm-256color", out, in);

	resizeterm(SCR_ROWS, SCR_COLS);
	ui_draw(u);
	for (int y = 0; y < SCR_ROWS; y++) {
		wchar_t w[SCR_COLS + 1] = { 0 };

		size_t n;

		mvwinnwstr(stdscr, y, 0, w, SCR_COLS);
		n = wcstombs(scr->line[y], w, sizeof scr->line[y]);
		if (n == (size_t)-1)
			n = 0;
		while (n && scr->line[y][n - 1] == ' ')
			n--;
		scr->line[y][n] = '\0';
	}
	endwin();
	delscreen(sc);
	fflush(out);
	rewind(out);
	scr->bytes = calloc(1, 1 << 20);
	scr->n = fread(scr->bytes, 1, (1 << 20) - 1, out);
	fclose(out);
	fclose(in);
}

#endif
