/* main.c — livetop's command line, backend choice and shared actions. */
#include "app.h"
#include "guestcfg.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LIVETOP_VERSION "1.0"

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void sleep_seconds(double secs)
{
	struct timespec ts;

	if (secs <= 0)
		return;
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int app_refresh(struct app *a)
{
	struct snapshot s;
	char err[256];
	double now = now_seconds();

	if (a->be->ops->snapshot(a->be, now, &s, err, sizeof err)) {
		model_log(&a->m, now, "cannot read the host's figures: %s", err);
		return -1;
	}
	model_update(&a->m, &s);
	return 0;
}

void app_reap(struct app *a)
{
	a->be->ops->reap(a->be, now_seconds());
}

void app_poll(struct app *a)
{
	char msg[256];
	double now = now_seconds();

	while (a->be->ops->poll(a->be, now, msg, sizeof msg))
		model_log(&a->m, now, "%s", msg);
}

int app_launch(struct app *a, const struct catalog_entry *e)
{
	const char *names[512];
	char name[GUEST_NAME_MAX], why[LOG_TEXT], err[256];
	double now = now_seconds();
	struct guestcfg g;
	size_t n;

	if (model_why_not(&a->m, e, why, sizeof why)) {
		model_log(&a->m, now, "%s", why);
		return -1;
	}
	n = model_names(&a->m, names, sizeof names / sizeof names[0]);
	guestcfg_alloc_name(e->id, names, n, name, sizeof name);
	if (guestcfg_build(e, 0, name, a->set.bridge, &g, err, sizeof err) ||
	    a->be->ops->launch(a->be, now, &g, err, sizeof err)) {
		model_log(&a->m, now, "cannot launch %s: %s", name, err);
		return -1;
	}
	model_log(&a->m, now, "launching %s (%u MiB)\u2026", name, e->memory_mib);
	/* The new guest must be in the snapshot before the next name is picked. */
	app_refresh(a);
	return 0;
}

void ascii_fallback(const char *in, char *out, size_t len)
{
	static const struct { const char *u, *a; } map[] = {
		{ "\u2014", "-" }, { "\u2013", "-" }, { "\u2026", "..." }, { "\u25bc", "v" },
		{ "\u25b2", "^" }, { "\u23ce", "Enter" }, { "\u2191", "^" }, { "\u2193", "v" },
		{ "\u2192", "->" },
	};
	size_t o = 0;

	while (*in && o + 1 < len) {
		const char *rep = NULL;
		size_t skip = 1;

		if ((unsigned char)*in >= 0x80) {
			for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
				size_t ul = strlen(map[i].u);

				if (!strncmp(in, map[i].u, ul)) {
					rep = map[i].a;
					skip = ul;
					break;
				}
			}
			if (!rep) {
				rep = "?";
				while ((unsigned char)in[skip] >= 0x80 && (unsigned char)in[skip] < 0xc0)
					skip++;
			}
		}
		if (rep) {
			size_t rl = strlen(rep);

			if (o + rl + 1 > len)
				break;
			memcpy(out + o, rep, rl);
			o += rl;
		} else {
			out[o++] = *in;
		}
		in += skip;
	}
	out[o] = '\0';
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: livetop [options]\n"
		"Watch and drive Xen guests: launch, console, workloads, memory.\n"
		"\n"
		"  -b, --batch           print figures as text instead of the screen UI\n"
		"  -n, --iterations N    stop after N updates (batch and screen)\n"
		"  -d, --delay SECONDS   time between updates (default 1, may be fractional)\n"
		"      --csv             batch output as CSV (implies -b)\n"
		"      --demo            simulated host (no Xen needed); with -b it starts one\n"
		"                        guest of each distro so there is something to watch\n"
		"      --catalog PATH    guest catalogue (default $" CATALOG_ENV ", else\n"
		"                        " CATALOG_DEFAULT_PATH ")\n"
		"  -h, --help            this help\n"
		"  -V, --version         version\n"
		"\n"
		"Keys: 1-9 launch distro, f fill memory, Enter console, w workload,\n"
		"p pause, s shutdown, D destroy, +/- weight, c cap, < > sort, ? help, q quit.\n"
		"See livetop(1).\n");
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "livetop: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try 'livetop --help')\n");
	return 2;
}

int main(int argc, char **argv)
{
	enum { OPT_CSV = 256, OPT_DEMO, OPT_CATALOG };
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct app a;
	const char *catalog_opt = NULL, *cpath;
	bool batch = false;
	char err[320], warn[320], *end;
	int c, rc;

	memset(&a, 0, sizeof a);
	a.delay = 1.0;
	setlocale(LC_ALL, "");
	a.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	/* Numbers on the command line and in output use '.' whatever the locale. */
	setlocale(LC_NUMERIC, "C");

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":bn:d:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			batch = true;
			break;
		case 'n':
			errno = 0;
			a.iterations = strtol(optarg, &end, 10);
			if (errno || *end || a.iterations < 1)
				return bad_usage("-n wants a positive number, not '%s'", optarg);
			break;
		case 'd':
			errno = 0;
			a.delay = strtod(optarg, &end);
			if (errno || *end || !(a.delay >= 0.01 && a.delay <= 3600))
				return bad_usage("-d wants seconds between 0.01 and 3600, not '%s'", optarg);
			break;
		case OPT_CSV:
			a.csv = batch = true;
			break;
		case OPT_DEMO:
			a.demo = true;
			break;
		case OPT_CATALOG:
			catalog_opt = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("livetop %s (backends: fake%s)\n", LIVETOP_VERSION,
			       backend_xen_available() ? ", xen" : "");
			return 0;
		case ':':
			return bad_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			return bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument '%s'", argv[optind]);

	/* Catalogue: --demo has a built-in one unless a path is given. */
	if (a.demo && !catalog_opt && !getenv(CATALOG_ENV)) {
		if (catalog_parse(catalog_demo_text, "(built-in demo catalogue)", &a.cat,
				  err, sizeof err))
			xdie("%s", err);
	} else {
		cpath = catalog_path(catalog_opt);
		if (catalog_load(cpath, &a.cat, a.cat_err, sizeof a.cat_err)) {
			/* A missing default catalogue only disables launching; a
			 * broken one, or one asked for by name, is an error. */
			if (catalog_opt || access(cpath, F_OK) == 0) {
				fprintf(stderr, "livetop: %s\n", a.cat_err);
				return 1;
			}
		}
	}

	if (a.demo) {
		a.be = backend_fake_open(now_seconds());
	} else {
		a.be = backend_xen_open(err, sizeof err);
		if (!a.be) {
			fprintf(stderr, "livetop: %s\n", err);
			catalog_free(&a.cat);
			return 1;
		}
	}
	settings_load(settings_path(), &a.set, warn, sizeof warn);
	model_init(&a.m);
	if (warn[0])
		model_log(&a.m, now_seconds(), "%s", warn);
	if (a.cat.n == 0 && a.cat_err[0])
		model_log(&a.m, now_seconds(), "%s (launching is off)", a.cat_err);

	rc = batch ? batch_run(&a) : ui_run(&a);

	model_free(&a.m);
	backend_close(a.be);
	catalog_free(&a.cat);
	return rc;
}
