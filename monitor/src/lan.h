/* lan.h — livetop's side of xenlive's LAN mode (xenlive-lan,
 * xenlive-migrate): whether this machine is on the wired LAN, its address
 * and pairing code, the other xenlive machines on the cable, the guests
 * being moved to them, and the guests that arrived here.
 *
 * Nothing here blocks: xenlive-lan on|off|status and xenlive-migrate run
 * in the background (cmdjob.h), at most one xenlive-lan at a time, and
 * lan_tick collects what they printed.  Whether LAN mode is on, the card,
 * the address and the code are read from LAN mode's state directory
 * (/run/xenlive/lan, as /usr/lib/xenlive/lan sets it); the peers come from
 * "xenlive-lan status", run every LAN_STATUS_SECS while LAN mode is on.
 * Guests that arrived are the new lines of its file "events" (lan-serve
 * writes them).  All that text comes from other machines: it reaches the
 * event log only through safetext, at most LAN_TEXT_MAX bytes a line.
 *
 * Environment (tests use stand-ins): LIVETOP_LAN_DIR (the state
 * directory), LIVETOP_LAN_CMD (xenlive-lan), LIVETOP_MIGRATE_CMD
 * (xenlive-migrate).  Only the screen (ui.c) calls lan_tick; batch mode
 * and xenlive-launch leave LAN mode alone. */
#ifndef LAN_H
#define LAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cmdjob.h"
#include "model.h"

#define LAN_PEERS_MAX 9
#define LAN_MOVES_MAX 4
#define LAN_NAME_MAX 32
#define LAN_ADDR_MAX 40
#define LAN_TEXT_MAX 160        /* a line from outside, in the event log */
#define LAN_STATUS_SECS 10.0    /* xenlive-lan status while LAN mode is on */
#define LAN_CHECK_SECS 1.0      /* the state directory and the events file */

struct lan_peer {
	char name[LAN_NAME_MAX];
	char addr[LAN_ADDR_MAX];
	bool other_build;          /* "(another build: moves refused)" */
};

struct lan_move {
	struct cmdjob job;
	char guest[DOM_NAME_MAX];
	char peer[LAN_NAME_MAX];
};

struct lan {
	char dir[256], lan_cmd[256], migrate_cmd[256];
	bool on;                   /* DIR/address is not empty */
	char nic[LAN_NAME_MAX], address[LAN_ADDR_MAX], code[8];
	struct lan_peer peers[LAN_PEERS_MAX];
	size_t npeers;
	bool peers_known;          /* a status has told them since LAN mode went on */
	struct cmdjob status;      /* xenlive-lan status */
	double next_status, next_check;
	struct cmdjob sw;          /* xenlive-lan on / off */
	bool sw_on;                /* which of the two */
	struct lan_move moves[LAN_MOVES_MAX];
	size_t nmoves;
	struct {                   /* DIR/events, read from off on */
		bool started;      /* looked once (what was there then is old) */
		dev_t dev;
		ino_t ino;
		off_t off;
		char part[LAN_TEXT_MAX * 2];   /* a line not ended yet */
		size_t partlen;
	} ev;
};

struct app;

/* Paths from the environment (or xenlive's); LAN mode looked at on the
 * first lan_tick. */
void lan_init(struct lan *l);
/* Forget running commands (they end on their own). */
void lan_free(struct lan *l);
/* Collect what ended (into the event log), look at the state directory
 * and the events file (each LAN_CHECK_SECS), start a status when due. */
void lan_tick(struct app *a);
/* Start "xenlive-lan on" (on) or "off"; -1 after logging why not. */
int lan_switch(struct app *a, bool on);
/* Start "xenlive-migrate GUEST ADDR --code CODE" to the peer called
 * peer; -1 after logging why not (LAN mode off, no such peer, a bad
 * code, guest already moving, too many moves at once). */
int lan_move(struct app *a, const char *guest, const char *peer, const char *code);
/* The peer guest is being moved to, NULL when it is not moving. */
const char *lan_moving(const struct lan *l, const char *guest);
/* The peers a guest can move to (same build), up to max. */
size_t lan_move_peers(const struct lan *l, const struct lan_peer **out, size_t max);
/* The header line ("LAN: eth0 169.254.1.10 code 1234, peers: ..."),
 * "" while LAN mode is off and not being switched. */
void lan_line(const struct lan *l, char *out, size_t len);

#endif
