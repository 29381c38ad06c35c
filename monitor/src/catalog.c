#include "catalog.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char catalog_demo_text[] =
	"# livetop --demo catalogue (fake backend)\n"
	"debian|Debian GNU/Linux 12 (bookworm)|debian.sqfs|48|32|kernel/vmlinux|kernel/initrd.gz|console=hvc0 quiet\n"
	"centos|CentOS Stream 9|centos.sqfs|70|64|kernel/vmlinux|kernel/initrd.gz|console=hvc0 quiet\n";

enum { F_ID, F_NAME, F_IMAGE, F_MEM, F_MIN, F_KERNEL, F_RAMDISK, F_CMDLINE, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"id", "display name", "image", "memory_mib", "min_memory_mib",
	"kernel", "ramdisk", "cmdline",
};

static int fail(char *err, size_t errlen, const char *path, unsigned line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(char *err, size_t errlen, const char *path, unsigned line,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "catalog: %s:%u: %s", path, line, msg);
	else
		snprintf(err, errlen, "catalog: %s: %s", path, msg);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_mib(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1024UL * 1024UL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* dir of path, with trailing '/', into out. */
static void dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		xstrlcpy(out, "", len);
		return;
	}
	snprintf(out, len, "%.*s", (int)(slash - path + 1), path);
}

static int set_path(char *dst, size_t len, const char *dir, const char *val)
{
	int n;

	if (val[0] == '/' || val[0] == '\0')
		n = snprintf(dst, len, "%s", val);
	else
		n = snprintf(dst, len, "%s%s", dir, val);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int parse_line(char *line, const char *path, const char *dir,
		      unsigned lineno, struct catalog_entry *e,
		      char *err, size_t errlen)
{
	char *f[F_COUNT];
	size_t n = 0;
	char *p = line;
	const char *c;

	for (;;) {
		char *bar = strchr(p, '|');

		if (n == F_COUNT)
			return fail(err, errlen, path, lineno,
				    "too many fields (expected %d separated by '|')", F_COUNT);
		f[n++] = p;
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	if (n != F_COUNT)
		return fail(err, errlen, path, lineno,
			    "%zu fields, expected %d (id|display name|image|memory_mib|"
			    "min_memory_mib|kernel|ramdisk|cmdline)", n, F_COUNT);
	for (n = 0; n < F_COUNT; n++)
		f[n] = trim(f[n]);

	memset(e, 0, sizeof *e);
	if (!f[F_ID][0])
		return fail(err, errlen, path, lineno, "id is empty");
	for (c = f[F_ID]; *c; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			return fail(err, errlen, path, lineno,
				    "id \"%s\" may only contain a-z, 0-9 and _", f[F_ID]);
	if (strlen(f[F_ID]) >= CAT_ID_MAX)
		return fail(err, errlen, path, lineno, "id is longer than %d characters",
			    CAT_ID_MAX - 1);
	xstrlcpy(e->id, f[F_ID], sizeof e->id);
	xstrlcpy(e->name, f[F_NAME][0] ? f[F_NAME] : f[F_ID], sizeof e->name);
	if (parse_mib(f[F_MEM], &e->memory_mib) || e->memory_mib == 0)
		return fail(err, errlen, path, lineno, "%s is not a number", field_names[F_MEM]);
	if (parse_mib(f[F_MIN], &e->min_memory_mib) || e->min_memory_mib == 0)
		return fail(err, errlen, path, lineno, "%s is not a number", field_names[F_MIN]);
	if (e->min_memory_mib > e->memory_mib)
		return fail(err, errlen, path, lineno,
			    "min_memory_mib (%u) is larger than memory_mib (%u)",
			    e->min_memory_mib, e->memory_mib);
	if (!f[F_IMAGE][0])
		return fail(err, errlen, path, lineno, "image is empty");
	if (!f[F_KERNEL][0])
		return fail(err, errlen, path, lineno, "kernel is empty");
	if (set_path(e->image, sizeof e->image, dir, f[F_IMAGE]) ||
	    set_path(e->kernel, sizeof e->kernel, dir, f[F_KERNEL]) ||
	    set_path(e->ramdisk, sizeof e->ramdisk, dir, f[F_RAMDISK]))
		return fail(err, errlen, path, lineno, "a path is too long");
	if (strlen(f[F_CMDLINE]) >= CAT_CMDLINE_MAX - 64)
		return fail(err, errlen, path, lineno, "cmdline is too long");
	xstrlcpy(e->cmdline, f[F_CMDLINE], sizeof e->cmdline);
	return 0;
}

int catalog_parse(const char *text, const char *path, struct catalog *out,
		  char *err, size_t errlen)
{
	char dir[CAT_PATH_MAX];
	char *copy = xstrdup(text), *line = copy;
	unsigned lineno = 0;
	size_t cap = 0;

	out->n = 0;
	out->e = NULL;
	dir_of(path, dir, sizeof dir);
	while (line) {
		char *nl = strchr(line, '\n'), *t;
		struct catalog_entry e;

		if (nl)
			*nl = '\0';
		lineno++;
		t = trim(line);
		line = nl ? nl + 1 : NULL;
		if (!*t || *t == '#')
			continue;
		if (parse_line(t, path, dir, lineno, &e, err, errlen))
			goto bad;
		if (catalog_find(out, e.id)) {
			fail(err, errlen, path, lineno, "id \"%s\" appears twice", e.id);
			goto bad;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : 4;
			out->e = xrealloc(out->e, cap * sizeof *out->e);
		}
		out->e[out->n++] = e;
	}
	free(copy);
	if (out->n == 0) {
		catalog_free(out);
		return fail(err, errlen, path, 0, "no distros listed");
	}
	return 0;
bad:
	free(copy);
	catalog_free(out);
	return -1;
}

int catalog_load(const char *path, struct catalog *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, r;
	int rc;

	out->n = 0;
	out->e = NULL;
	if (!f)
		return fail(err, errlen, path, 0, "%s", strerror(errno));
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if (cap > 1024 * 1024) {
				fclose(f);
				free(buf);
				return fail(err, errlen, path, 0, "file is larger than 1 MiB");
			}
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return fail(err, errlen, path, 0, "read error");
	}
	fclose(f);
	buf[len] = '\0';
	rc = catalog_parse(buf, path, out, err, errlen);
	free(buf);
	return rc;
}

void catalog_free(struct catalog *c)
{
	free(c->e);
	c->e = NULL;
	c->n = 0;
}

const struct catalog_entry *catalog_find(const struct catalog *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].id, id))
			return &c->e[i];
	return NULL;
}

const char *catalog_path(const char *option)
{
	const char *env;

	if (option && *option)
		return option;
	env = getenv(CATALOG_ENV);
	if (env && *env)
		return env;
	return CATALOG_DEFAULT_PATH;
}

void catalog_short_name(const struct catalog_entry *e, char *out, size_t len)
{
	size_t n = strcspn(e->name, " \t");

	snprintf(out, len, "%.*s", (int)n, e->name);
}
