/* ui.h — the pieces of livetop's screen, shared by its files:
 *   ui.c       the loop, terminal setup and teardown, the selection
 *   ui_keys.c  the action table: keys, key bar, help screen, man page
 *   ui_draw.c  drawing (top lines, table, event log, key bar, dialogs)
 *   ui_vt.c    repairing a virtual console something else wrote on
 *   ui_lan.c   LAN mode's keys and dialogs (L, m: lan.h), the netboot
 *              server's (N: serve.h)
 * Every action goes through app.h; nothing here knows Xen. */
#ifndef UI_H
#define UI_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "view.h"

#define MIN_COLS 56
#define MIN_LINES 14

enum mode { M_NORMAL, M_HELP, M_CONFIRM_DESTROY, M_CONFIRM_QUIT, M_WORK, M_PING, M_CAP,
	    M_CONFIRM_LAN, M_MOVE_PEER, M_MOVE_CODE, M_CONFIRM_SERVE, M__COUNT };

enum pair { P_TITLE = 1, P_DOM0, P_GUESTS, P_XEN, P_FREE, P_BOOTING, P_READY, P_PAUSED,
	    P_BAD, P_STOPPING, P_HEADER, P_KEYS, P_DIM };

struct ui {
	struct app *a;
	const struct view_opts *o;
	enum mode mode;
	bool small;                /* below MIN_COLS x MIN_LINES: only q works */
	char sel[DOM_NAME_MAX];    /* selected row, by name (survives re-sorting) */
	int sel_i;
	int top;                   /* first row shown */
	int rows_y, rows_h;        /* where the table body is */
	bool colors;
	char input[8];             /* cap prompt, a move's pairing code */
	char target[DOM_NAME_MAX]; /* domain a dialog is about */
	char peer[LAN_NAME_MAX];   /* the machine a move goes to */
	int target_id;
	bool serve_stop;           /* N's question: to stop serving (as it was asked) */
	bool quit;
	struct {
		int fd;            /* /dev/vcsaN of our console, -1 when not on one */
		double next;       /* time of the next check */
		double every;      /* seconds between checks */
	} vt;
};

/* ui.c */
const struct row *ui_selected(const struct ui *u);
void ui_select(struct ui *u, int i);
void ui_sync_selection(struct ui *u);
/* Run the selected guest's console with curses suspended. */
void ui_console(struct ui *u, const struct row *r);

/* ui_keys.c: one key press in the current mode. */
void ui_key(struct ui *u, int ch);
/* A digit typed into buf (at most max digits; buf holds max + 1 bytes)
 * or Backspace taking the last one off: true when it did either. */
bool ui_digit_input(char *buf, size_t max, int ch);
/* The action table, read-only (for its tests): the i-th entry's keys
 * (0-terminated), name as help and man page spell it, and its spelling on
 * the widest key bar (NULL when it is not there). false past the end. */
bool ui_action_keys(size_t i, const int **keys, const char **name, const char **bar_key);
/* The workload menu's items, and the guests a ping can go to (up to 9). */
struct work_item {
	char key;
	struct workload_req r;
};
extern const struct work_item ui_work_items[];
extern const size_t ui_n_work_items;
int ui_ping_targets(const struct ui *u, const struct row **out);
/* The longest key bar that fits width cells (characters, not bytes). */
const char *ui_keybar(int width);
/* The help screen, line by line (the catalogue's entries under 1 .. 9). */
void ui_help(const struct catalog *cat, void (*line)(void *ctx, const char *text), void *ctx);

/* ui_lan.c: the keys L and m (actions), their dialogs' keys, and the
 * machines the move dialog offers (same build, up to LAN_PEERS_MAX). */
void ui_lan_key(struct ui *u, const struct row *r, int ch);
void ui_move_key(struct ui *u, const struct row *r, int ch);
void ui_lan_confirm(struct ui *u, int ch);
void ui_move_peer(struct ui *u, int ch);
void ui_move_code(struct ui *u, int ch);
size_t ui_move_targets(const struct ui *u, const struct lan_peer **out);
/* ui_lan.c: the key N (an action), its dialog's key, and the screen's
 * tick of the netboot server: serve_tick, then the y/n question once a
 * plan came and no other dialog is open. */
void ui_serve_key(struct ui *u, const struct row *r, int ch);
void ui_serve_confirm(struct ui *u, int ch);
void ui_serve_tick(struct ui *u);

/* ui_draw.c */
void ui_draw(struct ui *u);

/* ui_vt.c */
void ui_vt_open(struct ui *u);
void ui_vt_repair(struct ui *u);
void ui_vt_close(struct ui *u);

#endif
