/* serve.h — livetop's side of xenlive's network boot: this machine as a
 * netboot server for the other PCs on its cable (xenlive-serve), and this
 * machine netbooted from one (/run/xenlive/netboot).
 *
 * Nothing here blocks: "xenlive-serve plan|on|off|status" run in the
 * background (cmdjob.h), at most one plan or on/off at a time, and
 * serve_tick collects what they printed.  Whether it serves, on which card
 * and address, in which mode and for which PCs comes from "xenlive-serve
 * status", run every SERVE_STATUS_SECS while serving (and every
 * SERVE_IDLE_SECS while not, so a server started from a shell shows too).
 * "plan" says what "on" would start without starting it: the screen asks
 * y/n with its words (serve.asking), then runs "on".
 *
 * A netbooted dom0 has the one line "SERVER NIC ADDRESS" in
 * /run/xenlive/netboot (its boot writes it); livetop reads it at start, and
 * again every NETBOOT_CHECK_SECS while it is not there.
 *
 * All that text reaches the screen and the event log only through
 * safetext, at most SERVE_TEXT_MAX bytes a line: the clients' addresses
 * come from the cable.
 *
 * Environment (tests use stand-ins): LIVETOP_SERVE_CMD (xenlive-serve),
 * LIVETOP_NETBOOT_FILE (/run/xenlive/netboot).  Only the screen (ui.c)
 * calls serve_tick; batch mode and xenlive-launch leave it alone. */
#ifndef SERVE_H
#define SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "cmdjob.h"

#define SERVE_CLIENTS_MAX 8     /* listed on the line; more are counted */
#define SERVE_NAME_MAX 32
#define SERVE_ADDR_MAX 40       /* an address or a MAC */
#define SERVE_TEXT_MAX 160      /* a line from outside */
#define SERVE_STATUS_SECS 10.0  /* xenlive-serve status while serving */
#define SERVE_IDLE_SECS 60.0    /* ... and while not */
#define NETBOOT_CHECK_SECS 10.0 /* the netboot file, while it is not there */

struct serve_client {
	char mac[SERVE_ADDR_MAX], addr[SERVE_ADDR_MAX];
};

struct serve {
	char cmd[256], netboot_file[256];
	bool on;                   /* its status listed an address */
	char nic[SERVE_NAME_MAX], address[SERVE_ADDR_MAX], mode[8];
	struct serve_client clients[SERVE_CLIENTS_MAX];
	size_t nclients;           /* kept in clients[] */
	size_t clients_seen;       /* listed by the status (may be more) */
	struct cmdjob status;      /* xenlive-serve status */
	bool status_stale;         /* it began before an on/off: ignored */
	double next_status;
	struct cmdjob plan;        /* xenlive-serve plan */
	bool asking;               /* a plan came: the screen asks y/n */
	char plan_nic[SERVE_NAME_MAX];
	char plan_start[SERVE_TEXT_MAX + 1], plan_serve[SERVE_TEXT_MAX + 1];
	struct cmdjob sw;          /* xenlive-serve on / off */
	bool sw_on;                /* which of the two */
	struct {                   /* this machine netbooted: the netboot file */
		bool is;
		char server[SERVE_ADDR_MAX], nic[SERVE_NAME_MAX], addr[SERVE_ADDR_MAX];
		double next;       /* the next look while it is not there */
	} nb;
};

struct app;

/* Paths from the environment (or xenlive's); the status and the netboot
 * file are looked at on the first serve_tick. */
void serve_init(struct serve *s);
/* Forget running commands (they end on their own). */
void serve_free(struct serve *s);
/* Collect what ended (into the event log; a plan sets asking), look for
 * the netboot file when due, start a status when due. */
void serve_tick(struct app *a);
/* Whether plan, on or off may start now (none of them is running); logs
 * why not. */
bool serve_idle(struct app *a);
/* Start "xenlive-serve plan"; -1 after logging why not. */
int serve_plan(struct app *a);
/* Start "xenlive-serve on" (on) or "off"; -1 after logging why not. */
int serve_switch(struct app *a, bool on);
/* The header line ("Netboot server: eth0 10.74.0.1 (dhcp), 2 PCs served:
 * ..."), "" while it is off and nothing is being run. */
void serve_line(const struct serve *s, char *out, size_t len);
/* "Netbooted from 10.74.0.1 ...", "" when this machine was not netbooted. */
void netboot_line(const struct serve *s, char *out, size_t len);

#endif
