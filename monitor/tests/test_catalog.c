/* Unit tests: catalogue parsing, errors with file:line, path choice. */
#include "harness.h"

#include "catalog.h"

#include <stdlib.h>
#include <unistd.h>

static void test_good(void)
{
	const char *text =
		"# xenlive guest catalogue\n"
		"\n"
		"debian|Debian GNU/Linux 12 (bookworm)|debian.sqfs|48|32|kernel/vmlinux.gz|kernel/initrd.gz|console=hvc0 quiet\n"
		"   # indented comment\n"
		" centos | CentOS Stream 9 | /abs/centos.sqfs | 70 | 64 | kernel/vmlinux.gz |  | \r\n";
	struct catalog c;
	char err[256] = "";
	const struct catalog_entry *e;

	CHECK_INT(catalog_parse(text, "/media/xenlive/guests/catalog", &c, err, sizeof err), 0,
		  "a catalogue with comments, blank lines and blanks around fields parses");
	CHECK_INT(c.n, 2, "two distros listed");
	e = catalog_find(&c, "debian");
	CHECK(e != NULL, "debian found by id");
	if (e) {
		CHECK_STR(e->name, "Debian GNU/Linux 12 (bookworm)", "display name kept whole");
		CHECK_STR(e->image, "/media/xenlive/guests/debian.sqfs",
			  "relative image path is relative to the catalogue's directory");
		CHECK_STR(e->kernel, "/media/xenlive/guests/kernel/vmlinux.gz", "relative kernel path");
		CHECK_STR(e->ramdisk, "/media/xenlive/guests/kernel/initrd.gz", "relative ramdisk path");
		CHECK_INT(e->memory_mib, 48, "memory_mib");
		CHECK_INT(e->min_memory_mib, 32, "min_memory_mib");
		CHECK_STR(e->cmdline, "console=hvc0 quiet", "cmdline with a blank inside kept");
	}
	e = catalog_find(&c, "centos");
	CHECK(e != NULL, "centos found (blanks around fields trimmed, CRLF accepted)");
	if (e) {
		CHECK_STR(e->image, "/abs/centos.sqfs", "absolute paths stay as they are");
		CHECK_STR(e->ramdisk, "", "an empty ramdisk is allowed");
		CHECK_STR(e->cmdline, "", "an empty cmdline is allowed");
		char s[32];
		catalog_short_name(e, s, sizeof s);
		CHECK_STR(s, "CentOS", "short name is the first word of the display name");
	}
	CHECK(catalog_find(&c, "arch") == NULL, "unknown id not found");
	catalog_free(&c);

	CHECK_INT(catalog_parse(catalog_demo_text, "demo", &c, err, sizeof err), 0,
		  "the built-in demo catalogue parses (%s)", err);
	CHECK(c.n == 2 && !strcmp(c.e[0].id, "debian") && !strcmp(c.e[1].id, "centos"),
	      "demo catalogue lists 1 Debian, 2 CentOS");
	catalog_free(&c);
}

static void test_errors(void)
{
	static const struct { const char *text, *want; } t[] = {
		{ "# c\n\ndebian|D|d.img|lots|32|k||\n", "catalog: /c/cat:3: memory_mib is not a number" },
		{ "debian|D|d.img|48|-1|k||\n", "catalog: /c/cat:1: min_memory_mib is not a number" },
		{ "debian|D|d.img|48|0|k||\n", "catalog: /c/cat:1: min_memory_mib is not a number" },
		{ "debian|D|d.img|48|64|k||\n", "catalog: /c/cat:1: min_memory_mib (64) is larger than memory_mib (48)" },
		{ "debian|D|d.img|48|32|k|\n", "catalog: /c/cat:1: 7 fields, expected 8" },
		{ "debian|D|d.img|48|32|k|||x\n", "catalog: /c/cat:1: too many fields" },
		{ "Debian|D|d.img|48|32|k||\n", "catalog: /c/cat:1: id \"Debian\" may only contain" },
		{ "|D|d.img|48|32|k||\n", "catalog: /c/cat:1: id is empty" },
		{ "debian|D||48|32|k||\n", "catalog: /c/cat:1: image is empty" },
		{ "debian|D|d.img|48|32|||\n", "catalog: /c/cat:1: kernel is empty" },
		{ "debian|D|d|48|32|k||\n\ndebian|D|d|48|32|k||\n", "catalog: /c/cat:3: id \"debian\" appears twice" },
		{ "# nothing\n\n", "catalog: /c/cat: no distros listed" },
		{ "debian|D|d.img|48 MiB|32|k||\n", "catalog: /c/cat:1: memory_mib is not a number" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct catalog c;
		char err[256] = "";
		int rc = catalog_parse(t[i].text, "/c/cat", &c, err, sizeof err);

		CHECK(rc == -1 && c.n == 0 && c.e == NULL, "bad catalogue %zu is refused", i);
		CHECK_CONTAINS(err, t[i].want, "error names file, line and problem: %s", t[i].want);
	}
}

static void test_load_and_path(void)
{
	struct catalog c;
	char err[256] = "", dir[] = "/tmp/livetop-cat-XXXXXX", path[300];
	FILE *f;

	CHECK_INT(catalog_load("/nonexistent/catalog", &c, err, sizeof err), -1,
		  "a missing catalogue is an error");
	CHECK_CONTAINS(err, "catalog: /nonexistent/catalog: No such file", "and says which file");

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/catalog", dir);
	f = fopen(path, "w");
	fputs("debian|Debian|debian.sqfs|48|32|k/vmlinux||\n", f);
	fclose(f);
	CHECK_INT(catalog_load(path, &c, err, sizeof err), 0, "a catalogue file loads");
	if (c.n) {
		char want[400];

		snprintf(want, sizeof want, "%s/debian.sqfs", dir);
		CHECK_STR(c.e[0].image, want, "relative to the loaded file's directory");
	}
	catalog_free(&c);
	unlink(path);
	rmdir(dir);

	unsetenv(CATALOG_ENV);
	CHECK_STR(catalog_path(NULL), CATALOG_DEFAULT_PATH, "default path without option or env");
	setenv(CATALOG_ENV, "/env/catalog", 1);
	CHECK_STR(catalog_path(NULL), "/env/catalog", "$XENLIVE_CATALOG overrides the default");
	CHECK_STR(catalog_path("/opt/catalog"), "/opt/catalog", "--catalog overrides the environment");
	setenv(CATALOG_ENV, "", 1);
	CHECK_STR(catalog_path(NULL), CATALOG_DEFAULT_PATH, "an empty $XENLIVE_CATALOG is ignored");
	unsetenv(CATALOG_ENV);
}

int main(void)
{
	test_good();
	test_errors();
	test_load_and_path();
	return harness_done();
}
