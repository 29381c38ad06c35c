/* lan.c — see lan.h. */
#include "lan.h"
#include "app.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVENTS_READ 4096        /* bytes of the events file per look */

void lan_init(struct lan *l)
{
	memset(l, 0, sizeof *l);
	cmdjob_path(l->dir, sizeof l->dir, "LIVETOP_LAN_DIR", "/run/xenlive/lan");
	cmdjob_path(l->lan_cmd, sizeof l->lan_cmd, "LIVETOP_LAN_CMD", "/usr/sbin/xenlive-lan");
	cmdjob_path(l->migrate_cmd, sizeof l->migrate_cmd, "LIVETOP_MIGRATE_CMD",
		      "/usr/sbin/xenlive-migrate");
	l->status.fd = l->sw.fd = -1;
}

void lan_free(struct lan *l)
{
	cmdjob_forget(&l->status);
	cmdjob_forget(&l->sw);
	for (size_t i = 0; i < l->nmoves; i++)
		cmdjob_forget(&l->moves[i].job);
	l->nmoves = 0;
}

/* Raw bytes from outside into the event log: safe, at most LAN_TEXT_MAX. */
static void log_raw(struct app *a, const char *prefix, const char *raw, size_t n)
{
	app_log_raw(a, prefix, raw, n, LAN_TEXT_MAX);
}

/* s keeps only the characters in ok (and is cut at the first other). */
static bool only(const char *s, const char *ok)
{
	return *s && strspn(s, ok) == strlen(s);
}

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
#define ADDR_CHARS "0123456789."

/* The first line of DIR/name, if it is made of ok's characters; else "". */
static void read_state_file(const struct lan *l, const char *name, const char *ok,
			    char *out, size_t len)
{
	char path[300], buf[64];
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof path, "%s/%s", l->dir, name);
	if (!(f = fopen(path, "re")))
		return;
	if (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (only(buf, ok))
			xstrlcpy(out, buf, len);
	}
	fclose(f);
}

static void read_state(struct lan *l)
{
	bool was = l->on;

	read_state_file(l, "address", ADDR_CHARS, l->address, sizeof l->address);
	l->on = l->address[0] != '\0';
	read_state_file(l, "nic", NAME_CHARS, l->nic, sizeof l->nic);
	read_state_file(l, "code", "0123456789", l->code, sizeof l->code);
	if (l->on != was) {   /* a new LAN (or none): peers to be seen again */
		l->npeers = 0;
		l->peers_known = false;
		l->next_status = 0;
	}
}

/* The peer lines of "xenlive-lan status": NAME ADDRESS [(another build...)]. */
static void parse_status(struct lan *l, const char *text)
{
	char line[256];

	l->npeers = 0;
	l->peers_known = true;
	while (cmdjob_next_line(&text, line, sizeof line)) {
		char name[LAN_NAME_MAX + 1] = "", addr[LAN_ADDR_MAX + 1] = "";
		struct lan_peer *p;

		if (sscanf(line, "%32s %40s", name, addr) != 2 || !only(name, NAME_CHARS) ||
		    !only(addr, ADDR_CHARS) || strlen(name) >= LAN_NAME_MAX ||
		    strlen(addr) >= LAN_ADDR_MAX || l->npeers == LAN_PEERS_MAX)
			continue;   /* "name ...", "nic ...", "LAN mode off", ... */
		if (!strcmp(name, "name") || !strcmp(name, "nic") || !strcmp(name, "address") ||
		    !strcmp(name, "code"))
			continue;
		p = &l->peers[l->npeers++];
		xstrlcpy(p->name, name, sizeof p->name);
		xstrlcpy(p->addr, addr, sizeof p->addr);
		p->other_build = strstr(line, "another build") != NULL;
	}
}

static void peers_text(const struct lan *l, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	if (!l->peers_known)
		snprintf(out, len, "looking\u2026");
	else if (!l->npeers)
		snprintf(out, len, "none seen yet");
	for (size_t i = 0; i < l->npeers && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s %s%s", i ? ", " : "", l->peers[i].name,
				      l->peers[i].addr, l->peers[i].other_build ? " (another build)" : "");
}

void lan_line(const struct lan *l, char *out, size_t len)
{
	char peers[400];

	out[0] = '\0';
	if (cmdjob_running(&l->sw)) {
		snprintf(out, len, "LAN: %s\u2026", l->sw_on ? "joining the wired LAN (xenlive-lan on)"
			 : "leaving the wired LAN (xenlive-lan off)");
	} else if (l->on) {
		peers_text(l, peers, sizeof peers);
		snprintf(out, len, "LAN: %s %s code %s, peers: %s", l->nic[0] ? l->nic : "?", l->address,
			 l->code[0] ? l->code : "?", peers);
	}
}

static void sw_done(struct app *a, int rc)
{
	struct lan *l = &a->lan;
	char last[LAN_TEXT_MAX * 2], peers[400];

	read_state(l);
	cmdjob_last_line(&l->sw, last, sizeof last);
	if (rc) {
		if (last[0])
			log_raw(a, "LAN mode: ", last, strlen(last));
		else
			app_log(a, "LAN mode: xenlive-lan %s failed (exit %d)", l->sw_on ? "on" : "off", rc);
	} else if (l->sw_on && l->on) {
		parse_status(l, l->sw.out);   /* "on" ends with the status */
		l->next_status = app_now(a) + LAN_STATUS_SECS;
		peers_text(l, peers, sizeof peers);
		app_log(a, "LAN mode on: %s %s, pairing code %s; peers: %s", l->nic, l->address, l->code,
			peers);
	} else if (l->sw_on) {
		app_log(a, "LAN mode: xenlive-lan on ended, but LAN mode is not on");
	} else {
		app_log(a, "LAN mode off%s", l->on ? ", yet its address is still there" : "");
	}
}

static void move_done(struct app *a, size_t i, int rc)
{
	struct lan_move *mv = &a->lan.moves[i];
	char last[LAN_TEXT_MAX * 2];

	cmdjob_last_line(&mv->job, last, sizeof last);
	if (last[0])
		log_raw(a, "", last, strlen(last));
	else if (rc)
		app_log(a, "move of %s to %s failed (exit %d)", mv->guest, mv->peer, rc);
	else
		app_log(a, "%s moved to %s", mv->guest, mv->peer);
	a->refresh_due = true;
	memmove(mv, mv + 1, (a->lan.nmoves - i - 1) * sizeof *mv);
	a->lan.nmoves--;
}

/* One line of the events file (without its newline). */
static void event_line(struct app *a, const char *s, size_t n)
{
	if (n)
		log_raw(a, "", s, n);
}

/* New lines of DIR/events.  What was there when livetop first looked is
 * old news; a new file (LAN mode off and on again) is read from its start. */
static void events_read(struct app *a)
{
	struct lan *l = &a->lan;
	char path[300], buf[EVENTS_READ];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/events", l->dir);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		l->ev.started = true;
		l->ev.ino = 0;   /* one that appears later is new */
		return;
	}
	if (!l->ev.started || st.st_dev != l->ev.dev || st.st_ino != l->ev.ino ||
	    st.st_size < l->ev.off) {
		l->ev.off = l->ev.started ? 0 : st.st_size;
		l->ev.partlen = 0;
		l->ev.dev = st.st_dev;
		l->ev.ino = st.st_ino;
		l->ev.started = true;
	}
	n = pread(fd, buf, sizeof buf, l->ev.off);
	close(fd);
	if (n <= 0)
		return;
	l->ev.off += n;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			event_line(a, l->ev.part, l->ev.partlen);
			l->ev.partlen = 0;
		} else if (l->ev.partlen < sizeof l->ev.part) {
			l->ev.part[l->ev.partlen++] = buf[i];   /* past that: cut */
		}
	}
}

static void start_status(struct app *a)
{
	struct lan *l = &a->lan;
	char *argv[] = { l->lan_cmd, "status", NULL };
	char err[200];

	l->next_status = app_now(a) + LAN_STATUS_SECS;
	if (cmdjob_start(&l->status, argv, err, sizeof err))
		app_log(a, "LAN mode: cannot run %s status: %s", l->lan_cmd, err);
}

void lan_tick(struct app *a)
{
	struct lan *l = &a->lan;
	double now = app_now(a);
	int rc;

	if (cmdjob_poll(&l->sw, &rc)) {
		sw_done(a, rc);
		l->next_check = now + LAN_CHECK_SECS;
	}
	for (size_t i = 0; i < l->nmoves; i++)
		if (cmdjob_poll(&l->moves[i].job, &rc))
			move_done(a, i--, rc);
	if (cmdjob_poll(&l->status, &rc) && l->on && !cmdjob_running(&l->sw))
		parse_status(l, l->status.out);   /* (a failed one lists none) */
	if (now >= l->next_check) {
		read_state(l);
		events_read(a);
		l->next_check = now + LAN_CHECK_SECS;
	}
	if (l->on && now >= l->next_status && !cmdjob_running(&l->status) && !cmdjob_running(&l->sw))
		start_status(a);
}

int lan_switch(struct app *a, bool on)
{
	struct lan *l = &a->lan;
	char *argv[] = { l->lan_cmd, on ? "on" : "off", NULL };
	char err[200];

	if (cmdjob_running(&l->sw)) {
		app_log(a, "LAN mode: xenlive-lan %s is still running", l->sw_on ? "on" : "off");
		return -1;
	}
	if (cmdjob_start(&l->sw, argv, err, sizeof err)) {
		app_log(a, "LAN mode: cannot run %s: %s", l->lan_cmd, err);
		return -1;
	}
	l->sw_on = on;
	app_log(a, on ? "joining the wired LAN (xenlive-lan on)\u2026"
		: "leaving the wired LAN (xenlive-lan off)\u2026");
	return 0;
}

const char *lan_moving(const struct lan *l, const char *guest)
{
	for (size_t i = 0; i < l->nmoves; i++)
		if (!strcmp(l->moves[i].guest, guest))
			return l->moves[i].peer;
	return NULL;
}

size_t lan_move_peers(const struct lan *l, const struct lan_peer **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < l->npeers && n < max; i++)
		if (!l->peers[i].other_build)
			out[n++] = &l->peers[i];
	return n;
}

/* Whether guest may move to p (named peer) with code; logs why not. */
static bool move_allowed(struct app *a, const char *guest, const struct lan_peer *p,
			 const char *peer, const char *code)
{
	const struct lan *l = &a->lan;

	if (!l->on)
		app_log(a, "move: LAN mode is off here; press L to join the wired LAN");
	else if (!p)
		app_log(a, "move: no xenlive machine named %s on the cable", peer);
	else if (strlen(code) != 4 || !only(code, "0123456789"))
		app_log(a, "move: the pairing code is the 4 digits %s shows", peer);
	else if (lan_moving(l, guest))
		app_log(a, "move: %s is already being moved to %s", guest, lan_moving(l, guest));
	else if (l->nmoves == LAN_MOVES_MAX)
		app_log(a, "move: %d guests are being moved already; wait for one", LAN_MOVES_MAX);
	else
		return true;
	return false;
}

int lan_move(struct app *a, const char *guest, const char *peer, const char *code)
{
	struct lan *l = &a->lan;
	const struct lan_peer *p = NULL;
	struct lan_move *mv = &l->moves[l->nmoves];
	char g[DOM_NAME_MAX], addr[LAN_ADDR_MAX], c[8], err[200];
	char *argv[] = { l->migrate_cmd, g, addr, "--code", c, NULL };

	for (size_t i = 0; i < l->npeers; i++)
		if (!strcmp(l->peers[i].name, peer))
			p = &l->peers[i];
	if (!move_allowed(a, guest, p, peer, code))
		return -1;
	xstrlcpy(g, guest, sizeof g);
	xstrlcpy(addr, p->addr, sizeof addr);
	xstrlcpy(c, code, sizeof c);
	if (cmdjob_start(&mv->job, argv, err, sizeof err)) {
		app_log(a, "move: cannot run %s: %s", l->migrate_cmd, err);
		return -1;
	}
	xstrlcpy(mv->guest, guest, sizeof mv->guest);
	xstrlcpy(mv->peer, p->name, sizeof mv->peer);
	l->nmoves++;
	app_log(a, "moving %s to %s (%s); it is paused while it is copied\u2026", guest, p->name,
		p->addr);
	return 0;
}
