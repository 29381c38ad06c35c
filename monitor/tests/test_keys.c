/* Unit tests: livetop's action table (ui_keys.c). The key bar, the help
 * screen and the man page's KEYS section list exactly the table's keys;
 * the help screen lists the catalogue; a key not in the table does
 * nothing; keys in it act through the app. No terminal is started. */
#include "harness.h"

#include "backend_fake.h"
#include "ui.h"

#include <curses.h>
#include <stdlib.h>

#define MAX_NAMES 64

struct names {
	size_t n;
	char s[MAX_NAMES][48];
};

static void add(struct names *n, const char *s, size_t len)
{
	if (n->n < MAX_NAMES)
		snprintf(n->s[n->n++], sizeof n->s[0], "%.*s", (int)len, s);
}

/* "a, b, c" -> a b c */
static void add_list(struct names *n, const char *list, size_t len)
{
	const char *end = list + len;

	while (list < end) {
		const char *comma = strstr(list, ", ");

		if (!comma || comma > end)
			comma = end;
		add(n, list, (size_t)(comma - list));
		list = comma == end ? end : comma + 2;
	}
}

static bool has(const struct names *n, const char *s)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->s[i], s))
			return true;
	return false;
}

/* Same names, each once. */
static bool same(const struct names *a, const struct names *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!has(b, a->s[i]))
			return false;
	return true;
}

static void table(struct names *names, struct names *bar)
{
	const int *keys;
	const char *name, *bar_key;

	names->n = bar->n = 0;
	for (size_t i = 0; ui_action_keys(i, &keys, &name, &bar_key); i++) {
		add(names, name, strlen(name));
		if (bar_key)
			add(bar, bar_key, strlen(bar_key));
	}
}

struct help {
	int n;
	char line[64][160];
};

static void collect(void *ctx, const char *text)
{
	struct help *h = ctx;

	if (h->n < 64)
		snprintf(h->line[h->n++], sizeof h->line[0], "%s", text);
}

/* Key names of the help screen: its lines "  NAME  text" and
 * "  NAME, NAME: text" after the title, up to the first blank line;
 * catalogue lines ("             1  Debian") are not keys. */
static void help_names(const struct help *h, struct names *n)
{
	n->n = 0;
	for (int i = 2; i < h->n && h->line[i][0]; i++) {
		const char *l = h->line[i] + 2, *colon = strstr(l, ": ");
		size_t w = 10;

		if (h->line[i][2] == ' ')
			continue;
		while (w > 0 && l[w - 1] == ' ')
			w--;
		if (w == 10 && colon)          /* "  NAME, NAME: text" */
			add_list(n, l, (size_t)(colon - l));
		else                           /* "  NAME      text" */
			add_list(n, l, w);
	}
}

static void test_lists(void)
{
	struct names names, bar, got;
	struct help h = { 0 };
	struct catalog cat;
	char err[200], *roff = NULL;
	size_t rlen = 0;
	FILE *f;

	table(&names, &bar);
	CHECK(names.n >= 15, "the action table has its keys (%zu)", names.n);

	/* Key bar: "KEY label" pairs, two blanks apart. */
	const char *kb = ui_keybar(1000);
	got.n = 0;
	for (const char *p = kb + 1; *p;) {
		const char *end = strstr(p, "  "), *sp;

		if (!end)
			end = p + strlen(p);
		sp = end;
		while (sp > p && sp[-1] != ' ')
			sp--;
		add(&got, p, (size_t)(sp - 1 - p));
		p = *end ? end + 2 : end;
	}
	CHECK(same(&got, &bar), "the key bar lists exactly the table's key bar keys (%zu of %zu)",
	      got.n, bar.n);
	CHECK(strlen(ui_keybar(80)) < strlen(kb) && strlen(ui_keybar(40)) <= strlen(ui_keybar(80)),
	      "narrower terminals get shorter key bars");
	CHECK_CONTAINS(ui_keybar(80), "q quit", "even the narrowest one has quit");

	/* Help screen. */
	catalog_parse("debian|Debian GNU/Linux 12 (bookworm)|d|48|32|k||\n"
		      "centos|CentOS Stream 9|c|70|64|k||\n"
		      "alpine|Alpine Linux 3.20|a|32|24|k||\n", "/c", &cat, err, sizeof err);
	ui_help(&cat, collect, &h);
	help_names(&h, &got);
	CHECK(same(&got, &names), "the help screen lists exactly the table's keys (%zu of %zu)",
	      got.n, names.n);
	bool d = false, c = false, a3 = false;
	for (int i = 0; i < h.n; i++) {
		d |= strstr(h.line[i], "1  Debian GNU/Linux 12 (bookworm)") != NULL;
		c |= strstr(h.line[i], "2  CentOS Stream 9") != NULL;
		a3 |= strstr(h.line[i], "3  Alpine Linux 3.20") != NULL;
	}
	CHECK(d && c && a3, "the help screen lists the catalogue's entries with their keys");
	catalog_free(&cat);
	h.n = 0;
	cat.n = 0;
	ui_help(&cat, collect, &h);
	bool named = false;
	for (int i = 0; i < h.n; i++)
		named |= strstr(h.line[i], "Debian") || strstr(h.line[i], "CentOS");
	CHECK(!named, "without a catalogue the help screen names no distro");

	/* Man page paragraphs: ".TP" then ".B \"NAMES\"". */
	f = open_memstream(&roff, &rlen);
	ui_keys_roff(f);
	fclose(f);
	got.n = 0;
	for (const char *p = roff; (p = strstr(p, ".TP\n.B \"")); ) {
		char plain[160];
		size_t o = 0;

		p += 8;
		for (; *p && *p != '"' && o + 1 < sizeof plain; p++)
			if (!(p[0] == '\\' && p[1] == '-'))
				plain[o++] = *p;
		plain[o] = '\0';
		add_list(&got, plain, o);
	}
	CHECK(same(&got, &names), "the man page's KEYS list exactly the table's keys (%zu of %zu)",
	      got.n, names.n);
	CHECK(!strstr(roff, "CentOS"), "the man page names no distro but an example");
	free(roff);
}

static double fixed_now(void *ctx)
{
	(void)ctx;
	return 1000;
}

static void no_sleep(void *ctx, double secs)
{
	(void)ctx;
	(void)secs;
}

static const struct app_clock test_clock = { .now = fixed_now, .sleep = no_sleep };

static bool in_table(int ch)
{
	const int *keys;
	const char *name, *bar_key;

	for (size_t i = 0; ui_action_keys(i, &keys, &name, &bar_key); i++)
		for (; *keys; keys++)
			if (*keys == ch)
				return true;
	return false;
}

static void test_dispatch(void)
{
	struct app a;
	struct view_opts o = { .delay = 1 };
	struct ui u = { .a = &a, .o = &o, .sel_i = -1 };
	static const int extra[] = { KEY_F(5), KEY_DC, KEY_IC, KEY_LEFT, KEY_RIGHT, KEY_BACKSPACE };
	int quiet = 1, tried = 0;
	char err[200];

	app_init(&a, backend_fake_open(990), &test_clock);
	catalog_parse(catalog_demo_text, "demo", &a.cat, err, sizeof err);
	app_refresh(&a);
	CHECK_INT(app_launch_nth(&a, 0), 0, "a guest to act on");
	app_refresh(&a);
	ui_select(&u, 1);
	a.refresh_due = false;

	for (int ch = 1; ch < 256 + (int)(sizeof extra / sizeof extra[0]); ch++) {
		int key = ch < 256 ? ch : extra[ch - 256];
		unsigned long logged = a.m.log_total;
		enum col sort = a.m.sort_col;
		int sel = u.sel_i;

		if (in_table(key))
			continue;
		tried++;
		ui_key(&u, key);
		if (u.mode != M_NORMAL || u.quit || u.sel_i != sel || a.m.log_total != logged ||
		    a.refresh_due || a.m.sort_col != sort || a.fill.on) {
			quiet = 0;
			printf("key %d did something\n", key);
			u.mode = M_NORMAL;
		}
	}
	CHECK(quiet, "none of %d keys outside the table does anything", tried);

	ui_key(&u, '>');
	CHECK_INT(a.m.sort_col, COL_NAME, "> sorts by the next column");
	ui_key(&u, 'g');
	CHECK_INT(u.sel_i, 0, "g selects the first row");
	ui_key(&u, 'j');
	CHECK_INT(u.sel_i, 1, "j moves down");
	ui_key(&u, 'k');
	CHECK_INT(u.sel_i, 0, "k moves up");
	CHECK_STR(u.sel, a.m.rows[0].name, "the selection follows by name");
	ui_select(&u, model_find(&a.m, "Domain-0"));
	ui_key(&u, 'p');
	CHECK_STR(model_log_get(&a.m, 0)->text, "pause: Domain-0 is dom0, livetop leaves it alone",
		  "p on dom0 is refused through the app");
	ui_key(&u, '9');
	CHECK_STR(model_log_get(&a.m, 0)->text, "no distro 9 in the catalogue (it lists 2)",
		  "9 with two entries says so");
	ui_key(&u, '?');
	CHECK_INT(u.mode, M_HELP, "? opens the help screen");
	ui_key(&u, 'x');
	CHECK_INT(u.mode, M_NORMAL, "any key closes it");
	u.small = true;
	ui_key(&u, 'p');
	CHECK_INT(u.mode, M_NORMAL, "a too small terminal ignores p");
	u.small = false;
	ui_key(&u, 'q');
	CHECK_INT(u.mode, M_CONFIRM_QUIT, "q asks");
	ui_key(&u, 'n');
	CHECK(!u.quit && u.mode == M_NORMAL, "n cancels");
	ui_key(&u, 'q');
	ui_key(&u, 'y');
	CHECK(u.quit, "q y quits");
	app_free(&a);
}

int main(void)
{
	test_lists();
	test_dispatch();
	return harness_done();
}
