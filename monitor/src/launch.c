/* launch.c — xenlive-launch: start one guest from the catalogue.
 *
 *   xenlive-launch DISTRO [--memory MIB] [--name NAME] [--catalog PATH] [--dry-run]
 *
 * Prints the new domain's name on success. Every check (distro known,
 * files present, memory >= the distro's minimum, name free, the guest
 * fits the host's free memory) happens before anything is created; an
 * error is one line on stderr, status 1, and nothing changed. --dry-run
 * prints the guest's configuration in xl.cfg syntax instead (no host
 * needed). The launch itself is livetop's: app_launch_wait (app.h). */
#include "app.h"
#include "guestcfg.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct options {
	const char *catalog, *name, *distro;
	unsigned long memory;
	bool dry;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenlive-launch DISTRO [--memory MIB] [--name NAME] [--catalog PATH] [--dry-run]\n"
		"Start one Xen PV guest of DISTRO (an id from the guest catalogue) and print its name.\n"
		"  --memory MIB    guest memory (default: the catalogue's; at least its minimum)\n"
		"  --name NAME     domain name (default: DISTRO-N, lowest free N)\n"
		"  --catalog PATH  catalogue (default $" CATALOG_ENV ", else " CATALOG_DEFAULT_PATH ")\n"
		"  --dry-run       print the configuration (xl.cfg syntax), create nothing\n");
}

/* One line on stderr; status 2 (wrong usage) points to --help. */
static int say(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xenlive-launch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(status == 2 ? " (try xenlive-launch --help)\n" : "\n", stderr);
	return status;
}

/* -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_MEM = 256, OPT_NAME, OPT_CATALOG, OPT_DRY };
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, OPT_MEM },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "catalog", required_argument, NULL, OPT_CATALOG },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_MEM:
			errno = 0;
			o->memory = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || o->memory == 0 || o->memory > 1024 * 1024)
				return say(2, "--memory wants MiB, not '%s'", optarg);
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_CATALOG:
			o->catalog = optarg;
			break;
		case OPT_DRY:
			o->dry = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return say(2, "option '%s' needs a value", argv[optind - 1]);
		default:
			return say(2, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return say(2, "%s", optind == argc ? "which distro?" : "one distro at a time");
	o->distro = argv[optind];
	return -1;
}

static int unknown_distro(const struct catalog *cat, const char *distro)
{
	char known[256] = "";
	size_t o = 0;

	for (size_t i = 0; i < cat->n && o < sizeof known; i++)
		o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", i ? ", " : "",
				      cat->e[i].id);
	return say(1, "unknown distro '%s' (the catalogue has: %s)", distro, known);
}

/* Check the configuration (files first: a missing image is said before
 * the host is asked), then print it (--dry-run, no host needed) or
 * launch it and wait. */
static int run(struct app *a, const struct catalog_entry *e, const struct options *o)
{
	struct guestcfg g;
	char err[512], name[GUEST_NAME_MAX];

	if (app_guestcfg(a, e, (unsigned)o->memory, o->name, &g, err, sizeof err) ||
	    guestcfg_check_files(&g, err, sizeof err))
		return say(1, "%s", err);
	if (o->dry) {
		guestcfg_write_xl(&g, stdout);
		return 0;
	}
	if (!(a->be = backend_xen_open(BACKEND_XEN_BRIEF, err, sizeof err)))
		return say(1, "%s", err);
	if (app_launch_wait(a, e, (unsigned)o->memory, o->name, name, sizeof name,
			    err, sizeof err))
		return say(1, "%s", err);
	printf("%s\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	const struct catalog_entry *e;
	struct app a;
	char err[512];
	int rc;

	xalloc_set_progname("xenlive-launch");
	if ((rc = parse_options(argc, argv, &o)) >= 0)
		return rc;
	app_init(&a, NULL, &app_wall_clock);
	if (settings_load(settings_path(), &a.set, err, sizeof err))
		fprintf(stderr, "xenlive-launch: warning: %s\n", err);
	if (catalog_load(catalog_path(o.catalog), &a.cat, err, sizeof err))
		rc = say(1, "%s", err);
	else if (!(e = catalog_find(&a.cat, o.distro)))
		rc = unknown_distro(&a.cat, o.distro);
	else
		rc = run(&a, e, &o);
	app_free(&a);
	return rc;
}
