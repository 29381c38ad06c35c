/* main.c — livetop's command line: options, catalogue, settings and
 * backend, then the screen (ui.c) or batch mode (batch.c). Every action
 * lives in app.c. */
#include "app.h"
#include "view.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIVETOP_VERSION "1.0"

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
		"      --keys[=roff]     list the screen's keys (roff: for the manual page)\n"
		"  -h, --help            this help\n"
		"  -V, --version         version\n"
		"\n"
		"Keys: livetop --keys, or ? on the screen. See livetop(1).\n");
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

struct options {
	struct view_opts view;
	bool batch;
	const char *catalog;
};

/* -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CSV = 256, OPT_DEMO, OPT_CATALOG, OPT_KEYS };
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		{ "keys", optional_argument, NULL, OPT_KEYS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":bn:d:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->batch = true;
			break;
		case 'n':
			errno = 0;
			o->view.iterations = strtol(optarg, &end, 10);
			if (errno || *end || o->view.iterations < 1)
				return bad_usage("-n wants a positive number, not '%s'", optarg);
			break;
		case 'd':
			errno = 0;
			o->view.delay = strtod(optarg, &end);
			if (errno || *end || !(o->view.delay >= 0.01 && o->view.delay <= 3600))
				return bad_usage("-d wants seconds between 0.01 and 3600, not '%s'", optarg);
			break;
		case OPT_CSV:
			o->view.csv = o->batch = true;
			break;
		case OPT_DEMO:
			o->view.demo = true;
			break;
		case OPT_CATALOG:
			o->catalog = optarg;
			break;
		case OPT_KEYS:
			if (!optarg || !strcmp(optarg, "text"))
				ui_keys_text(stdout);
			else if (!strcmp(optarg, "roff"))
				ui_keys_roff(stdout);
			else
				return bad_usage("--keys wants text or roff, not '%s'", optarg);
			return 0;
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
	return -1;
}

/* --demo has a built-in catalogue unless a path is given. A missing
 * default catalogue only disables launching; a broken one, or one asked
 * for by name, is an error (-1). */
static int load_catalogue(struct app *a, const struct options *o)
{
	const char *path;
	char err[320];

	if (o->view.demo && !o->catalog && !getenv(CATALOG_ENV)) {
		if (catalog_parse(catalog_demo_text, "(built-in demo catalogue)", &a->cat,
				  err, sizeof err))
			xdie("%s", err);
		return 0;
	}
	path = catalog_path(o->catalog);
	if (catalog_load(path, &a->cat, a->cat_err, sizeof a->cat_err) &&
	    (o->catalog || access(path, F_OK) == 0)) {
		fprintf(stderr, "livetop: %s\n", a->cat_err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .view = { .delay = 1.0 } };
	struct backend *be;
	struct app a;
	char err[320];
	int rc;

	setlocale(LC_ALL, "");
	o.view.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	/* Numbers on the command line and in output use '.' whatever the locale. */
	setlocale(LC_NUMERIC, "C");
	if ((rc = parse_options(argc, argv, &o)) >= 0)
		return rc;

	app_init(&a, NULL, &app_wall_clock);
	if (load_catalogue(&a, &o)) {
		app_free(&a);
		return 1;
	}
	be = o.view.demo ? backend_fake_open(app_now(&a)) : backend_xen_open(0, err, sizeof err);
	if (!be) {
		fprintf(stderr, "livetop: %s; try livetop --demo\n", err);
		app_free(&a);
		return 1;
	}
	a.be = be;
	if (settings_load(settings_path(), &a.set, err, sizeof err))
		app_log(&a, "%s", err);
	if (a.cat.n == 0 && a.cat_err[0])
		app_log(&a, "%s (launching is off)", a.cat_err);

	rc = o.batch ? batch_run(&a, &o.view) : ui_run(&a, &o.view);
	app_free(&a);
	return rc;
}
