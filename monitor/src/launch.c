/* launch.c — xenlive-launch: start one guest from the catalogue.
 *
 *   xenlive-launch DISTRO [--memory MIB] [--name NAME] [--catalog PATH] [--dry-run]
 *
 * Prints the new domain's name on success. Every check (distro known,
 * files present, memory >= the distro's minimum, name free) happens before
 * anything is created; an error is one line on stderr and nothing changed.
 * --dry-run prints the guest's configuration in xl.cfg syntax instead. */
#include "catalog.h"
#include "guestcfg.h"
#include "settings.h"
#include "xalloc.h"

#ifdef HAVE_XEN
#include "xenops.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

static double wall(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

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

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xenlive-launch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int main(int argc, char **argv)
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
	const char *catalog_opt = NULL, *name_opt = NULL, *distro;
	unsigned long mem = 0;
	int dry = 0, c, rc = 1;
	char err[512], name[GUEST_NAME_MAX], *end;
	struct settings set;
	struct catalog cat;
	const struct catalog_entry *e;
	struct guestcfg g;
	double t0 = wall();

	xalloc_set_progname("xenlive-launch");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_MEM:
			errno = 0;
			mem = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || mem == 0 || mem > 1024 * 1024) {
				fprintf(stderr, "xenlive-launch: --memory wants MiB, not '%s' "
					"(try xenlive-launch --help)\n", optarg);
				return 2;
			}
			break;
		case OPT_NAME:
			name_opt = optarg;
			break;
		case OPT_CATALOG:
			catalog_opt = optarg;
			break;
		case OPT_DRY:
			dry = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "xenlive-launch: option '%s' needs a value "
				"(try xenlive-launch --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "xenlive-launch: unknown option '%s' "
				"(try xenlive-launch --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "xenlive-launch: %s (try xenlive-launch --help)\n",
			optind == argc ? "which distro?" : "one distro at a time");
		return 2;
	}
	distro = argv[optind];

	if (settings_load(settings_path(), &set, err, sizeof err))
		fprintf(stderr, "xenlive-launch: warning: %s\n", err);
	if (catalog_load(catalog_path(catalog_opt), &cat, err, sizeof err))
		return fail("%s", err);
	if (!(e = catalog_find(&cat, distro))) {
		char known[256] = "";
		size_t o = 0;

		for (size_t i = 0; i < cat.n && o < sizeof known; i++)
			o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", i ? ", " : "",
					      cat.e[i].id);
		fail("unknown distro '%s' (the catalogue has: %s)", distro, known);
		goto out;
	}

#ifdef HAVE_XEN
	struct xenops_log log;
	libxl_ctx *ctx = NULL;

	xenops_log_init(&log, 0);
#endif
	if (name_opt) {
		xstrlcpy(name, name_opt, sizeof name);
	} else {
		const char **names = NULL;
		size_t n = 0;
#ifdef HAVE_XEN
		char **xnames = NULL;

		if (!dry) {
			if (!(ctx = xenops_ctx(&log, err, sizeof err))) {
				fail("%s", err);
				goto out;
			}
			n = xenops_names(ctx, &xnames);
			names = (const char **)xnames;
		}
#endif
		guestcfg_alloc_name(e->id, names, n, name, sizeof name);
#ifdef HAVE_XEN
		xenops_names_free(xnames, n);
#endif
	}
	if (guestcfg_build(e, (unsigned)mem, name, set.bridge, &g, err, sizeof err) ||
	    guestcfg_check_files(&g, err, sizeof err)) {
		fail("%s", err);
		goto out_ctx;
	}
	if (dry) {
		guestcfg_write_xl(&g, stdout);
		rc = 0;
		goto out_ctx;
	}
#ifdef HAVE_XEN
	uint32_t domid;

	if (!ctx && !(ctx = xenops_ctx(&log, err, sizeof err))) {
		fail("%s", err);
		goto out_ctx;
	}
	if (xenops_create(ctx, &log, &g, t0, &domid, err, sizeof err)) {
		fail("%s", err);
		goto out_ctx;
	}
	printf("%s\n", g.name);
	rc = 0;
#else
	(void)t0;
	fail("built without Xen support (BACKEND=fake); only --dry-run works");
#endif
out_ctx:
#ifdef HAVE_XEN
	libxl_ctx_free(ctx);
#endif
out:
	catalog_free(&cat);
	return rc;
}
