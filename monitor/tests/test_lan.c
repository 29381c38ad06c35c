/* Unit tests: LAN mode on the screen (lan.c, ui_lan.c) with the fake
 * backend and stand-ins for xenlive-lan and xenlive-migrate (small shell
 * scripts in a temporary directory, named by LIVETOP_LAN_CMD and
 * LIVETOP_MIGRATE_CMD; LIVETOP_LAN_DIR is the state directory).  The
 * stand-ins run for real, in the background: the tests wait for them.
 * Also the netboot server and a netbooted machine (serve.c, N), with a
 * stand-in for xenlive-serve (LIVETOP_SERVE_CMD) and a netboot file
 * (LIVETOP_NETBOOT_FILE) in the same directory. */
#include "harness.h"

#include "fake_app.h"
#include "screen.h"
#include "xalloc.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], state[96], args_lan[96], args_mv[96], peers[96], args_serve[96], netboot[96];

static const char catalogue[] = "debian|Debian GNU/Linux 12 (bookworm)|d.sqfs|48|32|k||quiet\n";

static void put_file(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void script(const char *name, const char *body)
{
	char path[160], text[2048];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(text, sizeof text, "#!/bin/sh\nT=%s\n%s", dir, body);
	put_file(path, text, "w");
	chmod(path, 0755);
}

static void setup(void)
{
	char p[160];

	snprintf(dir, sizeof dir, "/tmp/livetop-lan.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(state, sizeof state, "%s/lan", dir);
	snprintf(args_lan, sizeof args_lan, "%s/lan.args", dir);
	snprintf(args_mv, sizeof args_mv, "%s/migrate.args", dir);
	snprintf(peers, sizeof peers, "%s/peers", dir);
	mkdir(state, 0755);
	put_file(peers, "xenlive-b 169.254.1.11\n"
		 "xenlive-c 169.254.1.12 (another build: moves refused)\n", "w");
	/* xenlive-lan: "on" makes the state directory's files, "off" removes
	 * them; both (and "status") print what the real one prints */
	script("xenlive-lan",
	       "echo \"$*\" >> $T/lan.args\n"
	       "case $1 in\n"
	       "on) echo 169.254.1.10 > $T/lan/address; echo eth0 > $T/lan/nic; echo 1234 > $T/lan/code ;;\n"
	       "off) rm -f $T/lan/address; echo 'LAN mode off'; exit 0 ;;\n"
	       "esac\n"
	       "[ -s $T/lan/address ] || { echo 'LAN mode off'; exit 0; }\n"
	       "printf 'name xenlive-a\\nnic eth0\\naddress 169.254.1.10\\ncode 1234\\n'\n"
	       "cat $T/peers\n");
	script("migrate-ok",
	       "echo \"$*\" > $T/migrate.args\n"
	       "echo \"$1 moved to xenlive-b in 15.8 s, paused 15.8 s (copied while paused)\"\n");
	script("migrate-fail",
	       "echo \"$*\" > $T/migrate.args\n"
	       "echo \"xenlive-migrate: xenlive-b refuses $1: wrong pairing code for xenlive-b\" >&2\n"
	       "exit 1\n");
	/* xenlive-serve: "on" serves (in proxy mode when T/serve.proxy is
	 * there), "off" stops; "plan" fails when T/serve.nocable is there;
	 * the status lists T/serve.clients */
	script("xenlive-serve",
	       "echo \"$*\" >> $T/serve.args\n"
	       "case $1 in\n"
	       "plan) [ ! -e $T/serve.nocable ] || { echo 'xenlive-serve: eth0 has no cable plugged in' >&2; exit 1; }\n"
	       "  echo 'nic eth0'\n"
	       "  echo 'start dnsmasq (DHCP, or proxy-DHCP when the cable has a DHCP server; TFTP) and httpd (HTTP) on eth0'\n"
	       "  echo 'serve BIOS (lpxelinux) and UEFI (GRUB) network boot of this build, xenlive-test'; exit 0 ;;\n"
	       "on) if [ -e $T/serve.proxy ]; then echo proxy > $T/serve.on\n"
	       "  echo 'xenlive-serve: the DHCP server at 192.168.1.1 answers on this cable: serving in proxy-DHCP mode"
	       " (boot files only; it hands out the addresses)' >&2\n"
	       "  else echo dhcp > $T/serve.on; fi ;;\n"
	       "off) rm -f $T/serve.on; echo 'serving off'; exit 0 ;;\n"
	       "esac\n"
	       "[ -s $T/serve.on ] || { echo 'serving off'; exit 0; }\n"
	       "printf 'nic eth0\\naddress 10.74.0.1\\nmode %s\\n' $(cat $T/serve.on)\n"
	       "cat $T/serve.clients 2>/dev/null; exit 0\n");
	snprintf(args_serve, sizeof args_serve, "%s/serve.args", dir);
	snprintf(netboot, sizeof netboot, "%s/netboot", dir);
	snprintf(p, sizeof p, "%s/xenlive-serve", dir);
	setenv("LIVETOP_SERVE_CMD", p, 1);
	setenv("LIVETOP_NETBOOT_FILE", netboot, 1);
	setenv("LIVETOP_LAN_DIR", state, 1);
	snprintf(p, sizeof p, "%s/xenlive-lan", dir);
	setenv("LIVETOP_LAN_CMD", p, 1);
	snprintf(p, sizeof p, "%s/migrate-ok", dir);
	setenv("LIVETOP_MIGRATE_CMD", p, 1);
}

static void teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

static void lan_state(bool on)
{
	char p[160];

	snprintf(p, sizeof p, "%s/address", state);
	if (!on) {
		unlink(p);
		return;
	}
	put_file(p, "169.254.1.10\n", "w");
	snprintf(p, sizeof p, "%s/nic", state);
	put_file(p, "eth0\n", "w");
	snprintf(p, sizeof p, "%s/code", state);
	put_file(p, "1234\n", "w");
}

static bool busy(const struct lan *l)
{
	return cmdjob_running(&l->sw) || cmdjob_running(&l->status) || l->nmoves;
}

/* The screen's loop, without time passing, until the commands ended. */
static bool settle(struct app *a)
{
	for (int i = 0; i < 500; i++) {
		lan_tick(a);
		if (!busy(&a->lan))
			return true;
		usleep(10000);
	}
	return false;
}

static void file_text(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(out, 1, len - 1, f) : 0;

	out[n] = '\0';
	if (f)
		fclose(f);
}

static struct view_opts opts = { .delay = 1, .utf8 = true };

/* The app on the fake host with debian-1 running, selected in u. */
static void open_ui(struct app *a, struct ui *u)
{
	fake_app_open(a, catalogue, "/c", 2);
	memset(u, 0, sizeof *u);
	u->a = a;
	u->o = &opts;
	u->sel_i = -1;
	app_launch_nth(a, 0);
	for (int i = 0; i < 20 && (model_find(&a->m, "debian-1") < 0 ||
				    a->m.rows[model_find(&a->m, "debian-1")].id <= 0); i++) {
		fake_now += 1;
		app_poll(a);
		app_refresh(a);
	}
	ui_select(u, model_find(&a->m, "debian-1"));
}

static void keys(struct ui *u, const char *s)
{
	for (; *s; s++)
		ui_key(u, *s == '\n' ? '\n' : (unsigned char)*s);
}

static void test_move_lan_off(void)
{
	struct app a;
	struct ui u;

	lan_state(false);
	open_ui(&a, &u);
	lan_tick(&a);
	ui_key(&u, 'm');
	CHECK_CONTAINS(newest(&a), "LAN mode is off", "m with LAN mode off says so");
	CHECK_CONTAINS(newest(&a), "press L", "and names the L key");
	CHECK_INT(u.mode, M_NORMAL, "and asks nothing");
	app_free(&a);
}

static void test_lan_on_off(void)
{
	struct app a;
	struct ui u;
	struct screen scr;
	char text[512], line[512];
	bool shown = false;

	lan_state(false);
	unlink(args_lan);
	open_ui(&a, &u);
	lan_tick(&a);
	CHECK(!a.lan.on, "LAN mode is off without an address");
	lan_line(&a.lan, line, sizeof line);
	CHECK_STR(line, "", "and has no header line");
	ui_key(&u, 'L');
	CHECK_INT(u.mode, M_CONFIRM_LAN, "L asks first");
	screen_draw(&u, &scr);
	CHECK_CONTAINS(scr.line[SCR_ROWS - 1], "Join the wired LAN (LAN mode)? It starts a VXLAN and a receiver",
		       "saying what it does");
	free(scr.bytes);
	ui_key(&u, 'n');
	CHECK(!cmdjob_running(&a.lan.sw) && u.mode == M_NORMAL, "n runs nothing");
	keys(&u, "Ly");
	CHECK(cmdjob_running(&a.lan.sw), "L y runs xenlive-lan in the background");
	lan_line(&a.lan, line, sizeof line);
	CHECK_CONTAINS(line, "joining the wired LAN", "the header says it is joining meanwhile");
	CHECK(settle(&a), "it ends");
	file_text(args_lan, text, sizeof text);
	CHECK_STR(text, "on\n", "with the argument on");
	CHECK(a.lan.on, "LAN mode is on then");
	CHECK_STR(newest(&a), "LAN mode on: eth0 169.254.1.10, pairing code 1234; peers: "
		  "xenlive-b 169.254.1.11, xenlive-c 169.254.1.12 (another build)",
		  "the event log tells the address, the code and the peers");
	lan_line(&a.lan, line, sizeof line);
	CHECK_STR(line, "LAN: eth0 169.254.1.10 code 1234, peers: xenlive-b 169.254.1.11, "
		  "xenlive-c 169.254.1.12 (another build)", "so does the header line");
	screen_draw(&u, &scr);
	for (int y = 0; y < 6; y++)
		shown |= strstr(scr.line[y], "LAN: eth0 169.254.1.10 code 1234, peers: xenlive-b") != NULL;
	CHECK(shown, "the screen shows it under the gauge");
	free(scr.bytes);

	keys(&u, "L");
	screen_draw(&u, &scr);
	CHECK_CONTAINS(scr.line[SCR_ROWS - 1], "Leave the wired LAN", "L again asks to leave");
	free(scr.bytes);
	keys(&u, "y");
	CHECK(settle(&a), "xenlive-lan off ends");
	file_text(args_lan, text, sizeof text);
	CHECK_STR(text, "on\noff\n", "it ran with off");
	CHECK(!a.lan.on, "LAN mode is off then");
	CHECK_STR(newest(&a), "LAN mode off", "and the log says so");
	app_free(&a);
}

static void test_move(void)
{
	struct app a;
	struct ui u;
	struct screen scr;
	char text[512], p[160];
	bool moving = false;

	lan_state(true);
	unlink(args_mv);
	open_ui(&a, &u);
	lan_tick(&a);
	CHECK(a.lan.on && cmdjob_running(&a.lan.status), "LAN mode on: a status runs at once");
	ui_key(&u, 'm');
	CHECK_CONTAINS(newest(&a), "still looking", "m before it answered asks to wait");
	CHECK(settle(&a), "the status ends");
	CHECK_INT((int)a.lan.npeers, 2, "it lists two machines");
	ui_key(&u, 'm');
	CHECK_INT(u.mode, M_MOVE_CODE, "m with one machine of this build asks for the code at once");
	CHECK_STR(u.peer, "xenlive-b", "for that machine");
	screen_draw(&u, &scr);
	CHECK_CONTAINS(scr.line[SCR_ROWS - 1], "Move debian-1 to xenlive-b (code ____)?", "asking");
	free(scr.bytes);
	keys(&u, "12x3\n");
	CHECK_INT(u.mode, M_MOVE_CODE, "Enter with 3 digits moves nothing");
	keys(&u, "4");
	screen_draw(&u, &scr);
	CHECK_CONTAINS(scr.line[SCR_ROWS - 1], "(code 1234)?", "the code shows as typed");
	free(scr.bytes);
	ui_key(&u, '\n');
	CHECK_INT(u.mode, M_NORMAL, "Enter with 4 digits");
	CHECK_STR(lan_moving(&a.lan, "debian-1") ? lan_moving(&a.lan, "debian-1") : "", "xenlive-b",
		  "starts the move in the background");
	CHECK_CONTAINS(newest(&a), "moving debian-1 to xenlive-b", "the log says so");
	screen_draw(&u, &scr);
	for (int y = 0; y < SCR_ROWS; y++)
		moving |= strstr(scr.line[y], "debian-1") && strstr(scr.line[y], "moving") &&
			  !strstr(scr.line[y], "moving debian-1");
	CHECK(moving, "the guest's row says it is moving");
	free(scr.bytes);
	ui_key(&u, 'm');
	CHECK_CONTAINS(newest(&a), "already being moved to xenlive-b", "m again: it is moving already");
	CHECK(settle(&a), "the move ends");
	file_text(args_mv, text, sizeof text);
	CHECK_STR(text, "debian-1 169.254.1.11 --code 1234\n", "xenlive-migrate GUEST PEER --code CODE");
	CHECK_STR(newest(&a), "debian-1 moved to xenlive-b in 15.8 s, paused 15.8 s (copied while paused)",
		  "its line is in the event log");
	CHECK(a.refresh_due && !lan_moving(&a.lan, "debian-1"), "the table is read again");

	/* a failing move: its error line */
	snprintf(p, sizeof p, "%s/migrate-fail", dir);
	xstrlcpy(a.lan.migrate_cmd, p, sizeof a.lan.migrate_cmd);
	keys(&u, "m5678\n");
	CHECK(settle(&a), "a failing move ends");
	CHECK_STR(newest(&a), "xenlive-migrate: xenlive-b refuses debian-1: wrong pairing code for xenlive-b",
		  "its error line is in the event log");

	/* a chatty one: its last line counts; one that cannot start */
	script("migrate-chatty", "i=0\nwhile [ $i -lt 400 ]; do echo \"noise line $i of a chatty command\"; i=$((i + 1)); done\n"
	       "echo \"$1 moved to xenlive-b in 20.0 s, paused 20.0 s (copied while paused)\"\n");
	snprintf(p, sizeof p, "%s/migrate-chatty", dir);
	xstrlcpy(a.lan.migrate_cmd, p, sizeof a.lan.migrate_cmd);
	keys(&u, "m1234\n");
	CHECK(settle(&a), "a chatty move ends");
	CHECK_STR(newest(&a), "debian-1 moved to xenlive-b in 20.0 s, paused 20.0 s (copied while paused)",
		  "its last line is in the log, after 14 KB of output");
	snprintf(p, sizeof p, "%s/no-such-command", dir);
	xstrlcpy(a.lan.migrate_cmd, p, sizeof a.lan.migrate_cmd);
	keys(&u, "m1234\n");
	CHECK(settle(&a), "a command that is not there ends");
	CHECK_CONTAINS(newest(&a), "no-such-command: No such file or directory", "and says why");

	/* two machines of this build: a picker first */
	put_file(peers, "xenlive-b 169.254.1.11\nxenlive-d 169.254.1.13\n", "w");
	a.lan.next_status = 0;
	lan_tick(&a);
	CHECK(settle(&a), "another status");
	ui_key(&u, 'm');
	CHECK_INT(u.mode, M_MOVE_PEER, "with two machines m asks which");
	ui_key(&u, '2');
	CHECK(u.mode == M_MOVE_CODE && !strcmp(u.peer, "xenlive-d"), "2 picks the second");
	ui_key(&u, 27);
	CHECK(u.mode == M_NORMAL && !busy(&a.lan), "Esc cancels");
	CHECK_STR(newest(&a), "debian-1 stays here", "and says so");
	put_file(peers, "xenlive-b 169.254.1.11\n"
		 "xenlive-c 169.254.1.12 (another build: moves refused)\n", "w");

	/* dom0 stays */
	ui_select(&u, model_find(&a.m, "Domain-0"));
	ui_key(&u, 'm');
	CHECK_CONTAINS(newest(&a), "dom0", "m on dom0 is refused");
	app_free(&a);
}

static void test_events(void)
{
	struct app a;
	struct ui u;
	char ev[160], hostile[1024];
	const char *t;
	bool clean = true;

	lan_state(true);
	snprintf(ev, sizeof ev, "%s/events", state);
	put_file(ev, "old-1 arrived from xenlive-b in 9.0 s\n", "w");
	open_ui(&a, &u);
	lan_tick(&a);
	settle(&a);
	CHECK(!log_has(&a, "old-1 arrived"), "what the events file held at start is old news");
	put_file(ev, "debian-7 arrived from xenlive-b in 12.3 s\ndebian-8 arr", "a");
	fake_now += LAN_CHECK_SECS;
	lan_tick(&a);
	CHECK_STR(newest(&a), "debian-7 arrived from xenlive-b in 12.3 s", "a new line shows in the log");
	CHECK(!log_has(&a, "debian-8"), "a line not ended yet waits");
	put_file(ev, "ived from xenlive-b in 1.0 s\n", "a");
	fake_now += LAN_CHECK_SECS;
	lan_tick(&a);
	CHECK_STR(newest(&a), "debian-8 arrived from xenlive-b in 1.0 s", "until it ends");

	/* a peer's hostile bytes: escapes, a carriage return, an endless line */
	snprintf(hostile, sizeof hostile, "evil\033]0;pwned\007\r arrived\033[2J\n%0600d\n", 7);
	put_file(ev, hostile, "a");
	fake_now += LAN_CHECK_SECS;
	lan_tick(&a);
	t = model_log_get(&a.m, 1) ? model_log_get(&a.m, 1)->text : "";
	CHECK_STR(t, "evil?]0;pwned?? arrived?[2J", "escape bytes show as '?'");
	for (size_t i = 0; i < 2; i++)
		for (const char *c = model_log_get(&a.m, i)->text; *c; c++)
			clean &= (unsigned char)*c >= 0x20 && *c != 0x7f;
	CHECK(clean, "no control byte reaches the log");
	CHECK_INT((int)strlen(newest(&a)), LAN_TEXT_MAX, "a long line is cut at %d bytes", LAN_TEXT_MAX);

	/* LAN mode off and on again: a new events file is read from its start */
	unlink(ev);
	fake_now += LAN_CHECK_SECS;
	lan_tick(&a);
	put_file(ev, "debian-9 arrived from xenlive-c in 2.0 s\n", "w");
	fake_now += LAN_CHECK_SECS;
	lan_tick(&a);
	CHECK_STR(newest(&a), "debian-9 arrived from xenlive-c in 2.0 s", "a new events file is read");
	settle(&a);
	app_free(&a);
}

/* ---- the netboot server (N) and a netbooted machine ------------------- */

/* T/name holds text; NULL: it is not there. */
static void serve_file(const char *name, const char *text)
{
	char p[160];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if (text)
		put_file(p, text, "w");
	else
		unlink(p);
}

static bool serve_busy(const struct serve *s)
{
	return cmdjob_running(&s->status) || cmdjob_running(&s->plan) || cmdjob_running(&s->sw);
}

/* The screen's loop for the netboot server, without time passing. */
static bool serve_settle(struct ui *u)
{
	for (int i = 0; i < 500; i++) {
		ui_serve_tick(u);
		if (!serve_busy(&u->a->serve))
			return true;
		usleep(10000);
	}
	return false;
}

/* Whether a line under the gauge (rows 3 to 5) is text. */
static bool under_gauge(struct ui *u, int row, const char *text)
{
	struct screen scr;
	bool there;

	screen_draw(u, &scr);
	there = !strncmp(scr.line[row], text, strlen(text));
	if (!there)
		printf("  (row %d: \"%s\")\n", row, scr.line[row]);
	free(scr.bytes);
	return there;
}

/* The screen's last four rows as one text: each without its trailing
 * blanks, the later ones without their leading ones, joined by a space
 * (a question wider than the screen goes on over the rows above). */
static void bottom_line(struct ui *u, char *out, size_t len)
{
	struct screen scr;
	size_t n = 0;

	screen_draw(u, &scr);
	out[0] = '\0';
	for (int r = SCR_ROWS - 4; r < SCR_ROWS; r++) {
		const char *p = scr.line[r];
		size_t l;

		if (r > SCR_ROWS - 4)
			while (*p == ' ')
				p++;
		l = strlen(p);
		while (l && p[l - 1] == ' ')
			l--;
		if (n && n + 1 < len)
			out[n++] = ' ';
		if (n + l >= len)
			l = len - n - 1;
		memcpy(out + n, p, l);
		out[n += l] = '\0';
	}
	free(scr.bytes);
}

static void test_serve_on_off(void)
{
	struct app a;
	struct ui u;
	char text[512], line[1024];

	serve_file("serve.on", NULL);
	serve_file("serve.clients", NULL);
	serve_file("serve.proxy", NULL);
	serve_file("serve.nocable", NULL);
	unlink(args_serve);
	lan_state(false);
	open_ui(&a, &u);
	CHECK(serve_settle(&u), "the first status ends");
	file_text(args_serve, text, sizeof text);
	CHECK_STR(text, "status\n", "livetop asks xenlive-serve status at start");
	CHECK(!a.serve.on, "it does not serve");
	serve_line(&a.serve, line, sizeof line);
	CHECK_STR(line, "", "no line under the gauge then");
	netboot_line(&a.serve, line, sizeof line);
	CHECK_STR(line, "", "nor a netbooted one (no netboot file)");

	ui_key(&u, 'N');
	CHECK(cmdjob_running(&a.serve.plan) && u.mode == M_NORMAL,
	      "N runs xenlive-serve plan in the background, asking nothing yet");
	serve_line(&a.serve, line, sizeof line);
	CHECK_CONTAINS(line, "checking the cable", "the line under the gauge says so meanwhile");
	ui_key(&u, 'N');
	CHECK_CONTAINS(newest(&a), "still checking the cable", "N again waits for it");
	CHECK(serve_settle(&u), "the plan ends");
	CHECK_INT(u.mode, M_CONFIRM_SERVE, "then livetop asks");
	bottom_line(&u, line, sizeof line);
	CHECK_CONTAINS(line, "Serve network boot on eth0? (y/n)  It will start dnsmasq (DHCP, or proxy-DHCP",
		       "with the plan's card and what it starts");
	CHECK_CONTAINS(line, "and httpd (HTTP) on eth0; serve BIOS (lpxelinux) and UEFI (GRUB) network boot of "
		       "this build, xenlive-test.", "all of it: wider than the screen, it goes on over the rows above");
	CHECK(under_gauge(&u, SCR_ROWS - 2, " Serve network boot on eth0? (y/n)"),
	      "starting one row above the last, broken at a space");
	ui_key(&u, 'n');
	CHECK(u.mode == M_NORMAL && !serve_busy(&a.serve), "n runs nothing");
	CHECK_STR(newest(&a), "no netboot server started", "and says so");

	keys(&u, "N");
	CHECK(serve_settle(&u) && u.mode == M_CONFIRM_SERVE, "N: the plan, the question again");
	keys(&u, "y");
	CHECK(cmdjob_running(&a.serve.sw), "y runs xenlive-serve on in the background");
	serve_line(&a.serve, line, sizeof line);
	CHECK_CONTAINS(line, "Netboot server: starting", "the line under the gauge says so meanwhile");
	CHECK(serve_settle(&u), "it ends");
	file_text(args_serve, text, sizeof text);
	CHECK_STR(text, "status\nplan\nplan\non\n", "xenlive-serve ran with plan, plan, on");
	CHECK(a.serve.on, "it serves then");
	CHECK_STR(newest(&a), "netboot server on: eth0 10.74.0.1 (dhcp); PCs on this cable can boot this "
		  "build from the network", "the event log says where");
	serve_line(&a.serve, line, sizeof line);
	CHECK_STR(line, "Netboot server: eth0 10.74.0.1 (dhcp), no PC served yet", "so does the line");

	/* two PCs booted; LAN mode on too: the lines stack */
	serve_file("serve.clients", "client 52:54:00:74:00:0e 10.74.0.57\nclient 52:54:00:74:00:0f 10.74.0.58\n");
	lan_state(true);
	lan_tick(&a);
	settle(&a);
	ui_serve_tick(&u);
	CHECK(!serve_busy(&a.serve), "no status before 10 s");
	fake_now += SERVE_STATUS_SECS;
	ui_serve_tick(&u);
	CHECK(cmdjob_running(&a.serve.status), "a status 10 s later");
	CHECK(serve_settle(&u), "it ends");
	serve_line(&a.serve, line, sizeof line);
	CHECK_STR(line, "Netboot server: eth0 10.74.0.1 (dhcp), 2 PCs served: 52:54:00:74:00:0e 10.74.0.57, "
		  "52:54:00:74:00:0f 10.74.0.58", "the line lists the PCs given an address");
	CHECK(under_gauge(&u, 3, " LAN: eth0 169.254.1.10 code 1234"), "LAN mode's line under the gauge");
	CHECK(under_gauge(&u, 4, " Netboot server: eth0 10.74.0.1 (dhcp), 2 PCs served: 52:54:00:74:00:0e"),
	      "the netboot server's under it");

	ui_key(&u, 'N');
	CHECK_INT(u.mode, M_CONFIRM_SERVE, "N while serving asks");
	bottom_line(&u, line, sizeof line);
	CHECK_CONTAINS(line, "Stop serving network boot (xenlive-serve off)? (y/n)", "to stop");
	ui_key(&u, 'x');
	CHECK(a.serve.on && !serve_busy(&a.serve), "another key keeps it serving");
	CHECK_STR(newest(&a), "the netboot server keeps serving", "and says so");
	/* asked to stop, then a status says it stopped (from a shell): the
	 * question stays the one asked, not a start without its plan */
	ui_key(&u, 'N');
	a.serve.on = false;
	bottom_line(&u, line, sizeof line);
	CHECK_CONTAINS(line, "Stop serving network boot (xenlive-serve off)? (y/n)",
		       "a status that came since does not turn the question round");
	ui_key(&u, 'n');
	CHECK_STR(newest(&a), "the netboot server keeps serving", "n: the answer to what was asked");
	a.serve.on = true;
	keys(&u, "Ny");
	CHECK(cmdjob_running(&a.serve.sw), "N y runs xenlive-serve off");
	CHECK(serve_settle(&u), "it ends");
	file_text(args_serve, text, sizeof text);
	CHECK_CONTAINS(text, "on\nstatus\noff\n", "with the argument off");
	CHECK(!a.serve.on, "it serves no more");
	CHECK_STR(newest(&a), "netboot server off", "the event log says so");
	CHECK(under_gauge(&u, 3, " LAN: eth0") && under_gauge(&u, 4, "   ID "),
	      "only LAN mode's line is left (the table's under it)");
	app_free(&a);
}

static void test_serve_plan_fails(void)
{
	struct app a;
	struct ui u;

	serve_file("serve.on", NULL);
	serve_file("serve.clients", NULL);
	serve_file("serve.nocable", "");
	lan_state(false);
	open_ui(&a, &u);
	serve_settle(&u);
	ui_key(&u, 'N');
	CHECK(serve_settle(&u), "the plan ends");
	CHECK_STR(newest(&a), "xenlive-serve: eth0 has no cable plugged in", "its error is in the log");
	CHECK(u.mode == M_NORMAL && !a.serve.asking, "nothing is asked");
	serve_file("serve.nocable", NULL);

	/* a cable with a DHCP server: proxy mode, and why */
	serve_file("serve.proxy", "");
	keys(&u, "N");
	serve_settle(&u);
	keys(&u, "y");
	CHECK(serve_settle(&u), "xenlive-serve on ends");
	CHECK_CONTAINS(newest(&a), "serving in proxy-DHCP mode (boot files only", "its proxy-DHCP line is in the log");
	CHECK(log_has(&a, "netboot server on: eth0 10.74.0.1 (proxy)"), "after the line saying it serves");
	CHECK(under_gauge(&u, 3, " Netboot server: eth0 10.74.0.1 (proxy), the cable's DHCP server hands out"),
	      "the line under the gauge says the PCs are not listed");
	serve_file("serve.proxy", NULL);
	serve_file("serve.on", NULL);
	app_free(&a);
}

/* No control byte in s. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void test_serve_hostile(void)
{
	struct app a;
	struct ui u;
	char line[1024], clients[4096];
	size_t o = 0;

	/* a PC's bytes in the leases: escapes, an endless line, more PCs than shown */
	o += (size_t)snprintf(clients, sizeof clients, "client \033]0;pwned\007 10.74.0.50\033[2J\n"
			      "client 52:54:00:74:00:01 %0600d\n", 7);
	for (int i = 0; i < 10; i++)
		o += (size_t)snprintf(clients + o, sizeof clients - o, "client 52:54:00:74:01:%02d 10.74.0.%d\n",
				      i, 60 + i);
	serve_file("serve.clients", clients);
	serve_file("serve.on", "dhcp\n");
	lan_state(false);
	open_ui(&a, &u);
	CHECK(serve_settle(&u) && a.serve.on, "a server started from a shell shows at start");
	serve_line(&a.serve, line, sizeof line);
	CHECK(printable(line), "no control byte reaches the line");
	CHECK_CONTAINS(line, "12 PCs served: ?]0;pwned? 10.74.0.50?[2J, 52:54:00:74:00:01 0000", "escapes show as '?'");
	CHECK(strlen(line) < 600, "a long field is cut (%zu bytes)", strlen(line));
	CHECK_CONTAINS(line, "52:54:00:74:01:05 10.74.0.65, \u2026", "past %d PCs, \u2026", SERVE_CLIENTS_MAX);
	CHECK(under_gauge(&u, 3, " Netboot server: eth0 10.74.0.1 (dhcp), 12 PCs served:"), "the screen shows it");
	serve_file("serve.clients", NULL);
	serve_file("serve.on", NULL);
	app_free(&a);
}

static void test_netbooted(void)
{
	struct app a;
	struct ui u;
	char line[1024], hostile[1024];

	serve_file("netboot", NULL);
	lan_state(false);
	open_ui(&a, &u);
	serve_settle(&u);
	netboot_line(&a.serve, line, sizeof line);
	CHECK_STR(line, "", "no netboot file: not netbooted");
	put_file(netboot, "10.74.0.1 eth0 10.74.0.57\n", "w");
	fake_now += NETBOOT_CHECK_SECS;
	serve_settle(&u);
	netboot_line(&a.serve, line, sizeof line);
	CHECK_STR(line, "Netbooted from 10.74.0.1 (this PC: eth0 10.74.0.57); its guests are in RAM: "
		  "the cable may be pulled", "one that appears is read: the server, this PC's card and address");
	CHECK(under_gauge(&u, 3, " Netbooted from 10.74.0.1 (this PC: eth0 10.74.0.57)"),
	      "the screen shows it under the gauge");
	app_free(&a);

	snprintf(hostile, sizeof hostile, "10.74.0.1\033]0;pwned\007%0600d eth0\r\n", 7);
	put_file(netboot, hostile, "w");
	open_ui(&a, &u);
	serve_settle(&u);
	netboot_line(&a.serve, line, sizeof line);
	CHECK(printable(line), "a hostile netboot file: no control byte reaches the line");
	CHECK_CONTAINS(line, "Netbooted from 10.74.0.1?]0;pwned?000", "escapes show as '?'");
	CHECK(strlen(line) < 200, "the endless word is cut (%zu bytes)", strlen(line));
	app_free(&a);
	serve_file("netboot", NULL);
}

int main(void)
{
	setup();
	test_move_lan_off();
	test_lan_on_off();
	test_move();
	test_events();
	test_serve_on_off();
	test_serve_plan_fails();
	test_serve_hostile();
	test_netbooted();
	teardown();
	return harness_done();
}
