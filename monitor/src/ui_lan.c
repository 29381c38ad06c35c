/* ui_lan.c — LAN mode on the screen: L switches it (asks y/n first), m
 * moves the selected guest to another xenlive machine on the cable (picks
 * the machine when there are several, then asks for the pairing code it
 * shows).  And the netboot server: N asks xenlive-serve what it would do,
 * asks y/n with that, and starts it (or asks, and stops it).  The commands
 * run in the background (lan.h, serve.h): the screen keeps answering keys
 * while they take seconds. */
#include "ui.h"
#include "xalloc.h"

#include <curses.h>
#include <string.h>

#define KEY_ESC 27
#define CODE_LEN 4

void ui_lan_key(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	(void)ch;
	if (cmdjob_running(&u->a->lan.sw)) {
		app_log(u->a, "LAN mode: xenlive-lan %s is still running", u->a->lan.sw_on ? "on" : "off");
		return;
	}
	u->mode = M_CONFIRM_LAN;
}

void ui_lan_confirm(struct ui *u, int ch)
{
	bool on = u->a->lan.on;

	u->mode = M_NORMAL;
	if (ch == 'y' || ch == 'Y')
		lan_switch(u->a, !on);
	else
		app_log(u->a, "LAN mode stays %s", on ? "on" : "off");
}

size_t ui_move_targets(const struct ui *u, const struct lan_peer **out)
{
	return lan_move_peers(&u->a->lan, out, LAN_PEERS_MAX);
}

void ui_move_key(struct ui *u, const struct row *r, int ch)
{
	struct app *a = u->a;
	const struct lan_peer *p[LAN_PEERS_MAX];
	const char *to = lan_moving(&a->lan, r->name);
	size_t n;

	(void)ch;
	if (!a->lan.on) {
		app_log(a, "move: LAN mode is off; press L to join the wired LAN first");
		return;
	}
	if (to) {
		app_log(a, "move: %s is already being moved to %s", r->name, to);
		return;
	}
	n = ui_move_targets(u, p);
	if (!n) {
		app_log(a, a->lan.peers_known
			? "move: no other xenlive machine of this build on the cable"
			: "move: still looking for xenlive machines on the cable; try again in a few seconds");
		return;
	}
	xstrlcpy(u->target, r->name, sizeof u->target);
	u->target_id = r->id;
	u->input[0] = '\0';
	if (n == 1) {
		xstrlcpy(u->peer, p[0]->name, sizeof u->peer);
		u->mode = M_MOVE_CODE;
	} else {
		u->mode = M_MOVE_PEER;
	}
}

void ui_move_peer(struct ui *u, int ch)
{
	const struct lan_peer *p[LAN_PEERS_MAX];
	size_t n = ui_move_targets(u, p);

	u->mode = M_NORMAL;
	if (ch >= '1' && ch < '1' + (int)n) {
		xstrlcpy(u->peer, p[ch - '1']->name, sizeof u->peer);
		u->mode = M_MOVE_CODE;
	}
}

void ui_move_code(struct ui *u, int ch)
{
	int i;

	if (ui_digit_input(u->input, CODE_LEN, ch))
		return;
	if (ch == KEY_ESC) {
		u->mode = M_NORMAL;
		app_log(u->a, "%s stays here", u->target);
	} else if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && strlen(u->input) == CODE_LEN) {
		u->mode = M_NORMAL;
		i = model_find(&u->a->m, u->target);
		if (i < 0 || u->a->m.rows[i].id != u->target_id)
			app_log(u->a, "%s is gone", u->target);
		else
			lan_move(u->a, u->target, u->peer, u->input);
	}
}

void ui_serve_key(struct ui *u, const struct row *r, int ch)
{
	(void)r;
	(void)ch;
	if (!serve_idle(u->a))
		return;
	if (u->a->serve.on) {
		u->serve_stop = true;
		u->mode = M_CONFIRM_SERVE;
	} else {
		serve_plan(u->a);   /* ui_serve_tick asks once the plan came */
	}
}

/* y does what was asked, whatever a status that came meanwhile says */
void ui_serve_confirm(struct ui *u, int ch)
{
	bool stop = u->serve_stop;

	u->mode = M_NORMAL;
	if (ch == 'y' || ch == 'Y')
		serve_switch(u->a, !stop);
	else
		app_log(u->a, stop ? "the netboot server keeps serving" : "no netboot server started");
}

void ui_serve_tick(struct ui *u)
{
	serve_tick(u->a);
	if (u->a->serve.asking && u->mode == M_NORMAL) {
		u->a->serve.asking = false;
		u->serve_stop = false;
		u->mode = M_CONFIRM_SERVE;
	}
}
