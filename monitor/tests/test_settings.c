/* Unit tests: /etc/xenlive/config (settings.c), table-driven. */
#include "harness.h"

#include "settings.h"

#include <stdlib.h>
#include <unistd.h>

static void test_parse(void)
{
	static const struct {
		const char *text, *bridge;
		int skipped;
		const char *warn;       /* substring of the warning, "" = none */
	} t[] = {
		{ "", "xenbr0", 0, "" },
		{ "# written by rootfs/build.sh\nXEN_VERSION=4.17\nISO_LABEL=XENLIVE\n"
		  "BRIDGE=br1\nBRIDGE_NET=10.73.0\nKERNEL_VERSION=6.1.0-xx-amd64\n", "br1", 0, "" },
		{ "\n\n   # indented comment\n\tBRIDGE=br-lan.7\n", "br-lan.7", 0, "" },
		{ "BRIDGE=\"br2\"\n", "br2", 0, "" },
		{ "BRIDGE='br_3'\r\n", "br_3", 0, "" },
		{ "BRIDGE=br1\nBRIDGE=br2", "br2", 0, "" },
		{ "BRIDGE=123456789012345\n", "123456789012345", 0, "" },
		{ "BRIDGE=1234567890123456\n", "xenbr0", 1, "test:1: BRIDGE is not an interface name" },
		{ "BRIDGE=\n", "xenbr0", 1, "BRIDGE is not an interface name" },
		{ "BRIDGE=br 1\n", "xenbr0", 1, "not an interface name" },
		{ "BRIDGE=br/1\n", "xenbr0", 1, "not an interface name" },
		{ "BRIDGE=..\n", "xenbr0", 1, "not an interface name" },
		{ "BRIDGE=\"br1\n", "xenbr0", 1, "not an interface name" },
		{ "BRIDGE=br1\nthis is not a setting\n", "br1", 1, "test:2: not KEY=VALUE" },
		{ "=value\n", "xenbr0", 1, "not KEY=VALUE" },
		{ "1BRIDGE=br1\n", "xenbr0", 1, "not KEY=VALUE" },
		{ "BRI DGE=br1\n", "xenbr0", 1, "not KEY=VALUE" },
		{ "export BRIDGE=br1\n", "xenbr0", 1, "not KEY=VALUE" },
		{ "BRIDGE=br1\nbad\nworse\n", "br1", 2, "test:2:" },
		{ "UNKNOWN_KEY=whatever it says\n", "xenbr0", 0, "" },
	};
	struct settings s;
	char warn[200];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		settings_default(&s);
		CHECK_INT(settings_parse(t[i].text, "test", &s, warn, sizeof warn), t[i].skipped,
			  "settings case %zu skips %d line(s)", i, t[i].skipped);
		CHECK_STR(s.bridge, t[i].bridge, "settings case %zu: bridge %s", i, t[i].bridge);
		if (t[i].warn[0])
			CHECK_CONTAINS(warn, t[i].warn, "settings case %zu says why", i);
		else
			CHECK_STR(warn, "", "settings case %zu warns about nothing", i);
	}
}

static void test_long_value(void)
{
	size_t n = 100000;
	char *text = malloc(n + 32), warn[200];
	struct settings s;

	memcpy(text, "BRIDGE=", 7);
	memset(text + 7, 'b', n);
	strcpy(text + 7 + n, "\nBRIDGE=br9\n");
	settings_default(&s);
	CHECK_INT(settings_parse(text, "long", &s, warn, sizeof warn), 1,
		  "a 100000-character value is skipped without harm");
	CHECK_CONTAINS(warn, "long:1: value longer than 255", "and named as too long");
	CHECK_STR(s.bridge, "br9", "the next line still counts");
	free(text);
}

static void test_load(void)
{
	char path[] = "/tmp/livetop-settings.XXXXXX", warn[200];
	struct settings s;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(f != NULL, "a temporary config file");
	if (!f)
		return;
	fputs("# written by rootfs/build.sh\nBRIDGE=br1\n", f);
	fclose(f);
	CHECK_INT(settings_load(path, &s, warn, sizeof warn), 0, "a good file loads");
	CHECK_STR(s.bridge, "br1", "its bridge is used");
	unlink(path);
	CHECK_INT(settings_load(path, &s, warn, sizeof warn), 0, "a missing file is no error");
	CHECK_STR(s.bridge, "xenbr0", "and keeps the default bridge xenbr0");

	setenv(SETTINGS_ENV, "/somewhere/config", 1);
	CHECK_STR(settings_path(), "/somewhere/config", "$XENLIVE_CONFIG names the file");
	setenv(SETTINGS_ENV, "", 1);
	CHECK_STR(settings_path(), "/etc/xenlive/config", "an empty $XENLIVE_CONFIG is ignored");
	unsetenv(SETTINGS_ENV);
	CHECK_STR(settings_path(), "/etc/xenlive/config", "default /etc/xenlive/config");
}

int main(void)
{
	test_parse();
	test_long_value();
	test_load();
	return harness_done();
}
