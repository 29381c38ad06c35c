/* serve.c — see serve.h. */
#include "serve.h"
#include "app.h"
#include "safetext.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

/* sscanf widths: one less than the buffers */
#define WORD3 "%15s %39s %39s"
#define NETBOOT_WORDS "%39s %31s %39s"

void serve_init(struct serve *s)
{
	memset(s, 0, sizeof *s);
	cmdjob_path(s->cmd, sizeof s->cmd, "LIVETOP_SERVE_CMD", "/usr/sbin/xenlive-serve");
	cmdjob_path(s->netboot_file, sizeof s->netboot_file, "LIVETOP_NETBOOT_FILE",
		    "/run/xenlive/netboot");
	s->status.fd = s->plan.fd = s->sw.fd = -1;
}

void serve_free(struct serve *s)
{
	cmdjob_forget(&s->status);
	cmdjob_forget(&s->plan);
	cmdjob_forget(&s->sw);
}

/* The next line of a command's output, made safe (and cut): what is
 * parsed and shown is never raw. */
static bool next_safe_line(const char **text, char *out, size_t len)
{
	char raw[SERVE_TEXT_MAX * 2];

	if (!cmdjob_next_line(text, raw, sizeof raw))
		return false;
	safetext(raw, strlen(raw), out, len, SERVE_TEXT_MAX);
	return true;
}

/* "serving off", or "nic NIC", "address A.B.C.D", "mode dhcp|proxy" and
 * "client MAC ADDRESS" lines (xenlive-serve status; "on" ends with them).
 * Other lines (an "on"'s remarks) are not the status's. */
static void parse_status(struct serve *s, const char *text)
{
	char line[SERVE_TEXT_MAX + 1];

	s->nic[0] = s->address[0] = s->mode[0] = '\0';
	s->nclients = s->clients_seen = 0;
	while (next_safe_line(&text, line, sizeof line)) {
		char key[16] = "", v1[SERVE_ADDR_MAX] = "", v2[SERVE_ADDR_MAX] = "";
		int n = sscanf(line, WORD3, key, v1, v2);

		if (n >= 2 && !strcmp(key, "nic"))
			xstrlcpy(s->nic, v1, sizeof s->nic);
		else if (n >= 2 && !strcmp(key, "address"))
			xstrlcpy(s->address, v1, sizeof s->address);
		else if (n >= 2 && !strcmp(key, "mode"))
			xstrlcpy(s->mode, v1, sizeof s->mode);
		else if (n == 3 && !strcmp(key, "client") &&
			 s->clients_seen++ < SERVE_CLIENTS_MAX) {   /* more: counted only */
			xstrlcpy(s->clients[s->nclients].mac, v1, sizeof s->clients[0].mac);
			xstrlcpy(s->clients[s->nclients++].addr, v2, sizeof s->clients[0].addr);
		}
	}
	s->on = s->address[0] != '\0';
}

static void clients_text(const struct serve *s, char *out, size_t len)
{
	size_t o;

	if (!s->clients_seen) {
		snprintf(out, len, "%s", strcmp(s->mode, "proxy") ? "no PC served yet"
			 : "the cable's DHCP server hands out the addresses (PCs not listed)");
		return;
	}
	o = (size_t)snprintf(out, len, "%zu PC%s served:", s->clients_seen,
			     s->clients_seen == 1 ? "" : "s");
	for (size_t i = 0; i < s->nclients && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s %s %s", i ? "," : "", s->clients[i].mac,
				      s->clients[i].addr);
	if (s->clients_seen > s->nclients && o < len)
		snprintf(out + o, len - o, ", \u2026");
}

void serve_line(const struct serve *s, char *out, size_t len)
{
	char clients[SERVE_CLIENTS_MAX * 64 + 128];

	out[0] = '\0';
	if (cmdjob_running(&s->sw)) {
		snprintf(out, len, "Netboot server: %s\u2026", s->sw_on ? "starting (xenlive-serve on)"
			 : "stopping (xenlive-serve off)");
	} else if (cmdjob_running(&s->plan)) {
		snprintf(out, len, "Netboot server: checking the cable (xenlive-serve plan)\u2026");
	} else if (s->on) {
		clients_text(s, clients, sizeof clients);
		snprintf(out, len, "Netboot server: %s %s (%s), %s", s->nic[0] ? s->nic : "?", s->address,
			 s->mode[0] ? s->mode : "?", clients);
	}
}

void netboot_line(const struct serve *s, char *out, size_t len)
{
	out[0] = '\0';
	if (!s->nb.is)
		return;
	if (s->nb.nic[0])
		snprintf(out, len, "Netbooted from %s (this PC: %s %s); its guests are in RAM: the cable"
			 " may be pulled", s->nb.server, s->nb.nic, s->nb.addr[0] ? s->nb.addr : "?");
	else
		snprintf(out, len, "Netbooted from %s; its guests are in RAM: the cable may be pulled",
			 s->nb.server);
}

/* The netboot file's line "SERVER NIC ADDRESS", made safe first (a file
 * that is there but says nothing still means netbooted). */
static void netboot_read(struct serve *s)
{
	char raw[SERVE_TEXT_MAX * 2] = "", line[SERVE_TEXT_MAX + 1];
	FILE *f = fopen(s->netboot_file, "re");

	if (!f)
		return;
	if (fgets(raw, sizeof raw, f))
		raw[strcspn(raw, "\r\n")] = '\0';
	fclose(f);
	safetext(raw, strlen(raw), line, sizeof line, SERVE_TEXT_MAX);
	if (sscanf(line, NETBOOT_WORDS, s->nb.server, s->nb.nic, s->nb.addr) < 1)
		xstrlcpy(s->nb.server, "an unknown server", sizeof s->nb.server);
	s->nb.is = true;
}

static void plan_done(struct app *a, int rc)
{
	struct serve *s = &a->serve;
	const char *text = s->plan.out;
	char line[SERVE_TEXT_MAX + 1], last[SERVE_TEXT_MAX * 2];

	s->plan_nic[0] = s->plan_start[0] = s->plan_serve[0] = '\0';
	while (next_safe_line(&text, line, sizeof line)) {
		if (!strncmp(line, "nic ", 4))
			sscanf(line + 4, "%31s", s->plan_nic);
		else if (!strncmp(line, "start ", 6))
			xstrlcpy(s->plan_start, line, sizeof s->plan_start);
		else if (!strncmp(line, "serve ", 6))
			xstrlcpy(s->plan_serve, line, sizeof s->plan_serve);
	}
	if (!rc && s->plan_nic[0]) {
		s->asking = true;
		return;
	}
	/* its one line on stderr says why ("eth0 has no cable plugged in") */
	cmdjob_last_line(&s->plan, last, sizeof last);
	if (last[0])
		app_log_raw(a, "", last, strlen(last), SERVE_TEXT_MAX);
	else
		app_log(a, "netboot server: xenlive-serve plan failed (exit %d)", rc);
}

static void sw_done(struct app *a, int rc)
{
	struct serve *s = &a->serve;
	const char *text = s->sw.out;
	char line[SERVE_TEXT_MAX + 1], last[SERVE_TEXT_MAX * 2];

	s->next_status = app_now(a) + SERVE_STATUS_SECS;
	if (rc) {
		cmdjob_last_line(&s->sw, last, sizeof last);
		if (last[0])
			app_log_raw(a, "", last, strlen(last), SERVE_TEXT_MAX);
		else
			app_log(a, "netboot server: xenlive-serve %s failed (exit %d)", s->sw_on ? "on" : "off",
				rc);
		s->next_status = app_now(a);   /* where it stands now */
		return;
	}
	parse_status(s, s->sw.out);   /* "on" ends with the status, "off" says "serving off" */
	if (!s->sw_on) {
		app_log(a, "netboot server off%s", s->on ? ", yet it still lists an address" : "");
		return;
	}
	if (!s->on) {
		app_log(a, "netboot server: xenlive-serve on ended, but it does not serve");
		return;
	}
	app_log(a, "netboot server on: %s %s (%s); PCs on this cable can boot this build from the network",
		s->nic, s->address, s->mode);
	while (next_safe_line(&text, line, sizeof line))
		if (strstr(line, "proxy-DHCP"))   /* the cable has a DHCP server: why proxy */
			app_log(a, "%s", line);
}

static void start_status(struct app *a)
{
	struct serve *s = &a->serve;
	char *argv[] = { s->cmd, "status", NULL };
	char err[200];

	s->next_status = app_now(a) + (s->on ? SERVE_STATUS_SECS : SERVE_IDLE_SECS);
	s->status_stale = false;
	if (cmdjob_start(&s->status, argv, err, sizeof err))
		app_log(a, "netboot server: cannot run %s status: %s", s->cmd, err);
}

void serve_tick(struct app *a)
{
	struct serve *s = &a->serve;
	double now = app_now(a);
	int rc;

	if (cmdjob_poll(&s->plan, &rc))
		plan_done(a, rc);
	if (cmdjob_poll(&s->sw, &rc))
		sw_done(a, rc);
	/* a failed status (not there, not root) tells nothing */
	if (cmdjob_poll(&s->status, &rc) && !rc && !s->status_stale && !cmdjob_running(&s->sw))
		parse_status(s, s->status.out);
	if (!s->nb.is && now >= s->nb.next) {
		netboot_read(s);
		s->nb.next = now + NETBOOT_CHECK_SECS;
	}
	if (now >= s->next_status && !cmdjob_running(&s->status) && !cmdjob_running(&s->sw))
		start_status(a);
}

bool serve_idle(struct app *a)
{
	struct serve *s = &a->serve;

	if (cmdjob_running(&s->sw))
		app_log(a, "netboot server: xenlive-serve %s is still running", s->sw_on ? "on" : "off");
	else if (cmdjob_running(&s->plan))
		app_log(a, "netboot server: still checking the cable (xenlive-serve plan)");
	else
		return true;
	return false;
}

int serve_plan(struct app *a)
{
	struct serve *s = &a->serve;
	char *argv[] = { s->cmd, "plan", NULL };
	char err[200];

	if (!serve_idle(a))
		return -1;
	s->asking = false;
	if (cmdjob_start(&s->plan, argv, err, sizeof err)) {
		app_log(a, "netboot server: cannot run %s: %s", s->cmd, err);
		return -1;
	}
	return 0;
}

int serve_switch(struct app *a, bool on)
{
	struct serve *s = &a->serve;
	char *argv[] = { s->cmd, on ? "on" : "off", NULL };
	char err[200];

	if (!serve_idle(a))
		return -1;
	if (cmdjob_start(&s->sw, argv, err, sizeof err)) {
		app_log(a, "netboot server: cannot run %s: %s", s->cmd, err);
		return -1;
	}
	s->sw_on = on;
	s->status_stale = cmdjob_running(&s->status);   /* it may tell what was before */
	app_log(a, on ? "starting the netboot server (xenlive-serve on)\u2026"
		: "stopping the netboot server (xenlive-serve off)\u2026");
	return 0;
}
