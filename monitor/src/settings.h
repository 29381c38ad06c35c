/* settings.h — dom0's build-time settings, /etc/xenlive/config.
 *
 * A shell-style file written by rootfs/build.sh: KEY=VALUE lines, '#'
 * comment lines and blank lines; a value may be wrapped in '...' or "...".
 * livetop and xenlive-launch read BRIDGE (the bridge guests' vifs join);
 * other keys are ignored. The path is $XENLIVE_CONFIG when set and not
 * empty, else /etc/xenlive/config. A missing file means the defaults.
 * A malformed line, an over-long value or a BRIDGE that is no Linux
 * interface name is skipped (the default stays) and described in warn.
 * Pure apart from settings_load's one read; unit-tested. */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#define SETTINGS_PATH "/etc/xenlive/config"
#define SETTINGS_ENV "XENLIVE_CONFIG"
#define SETTINGS_BRIDGE_DEFAULT "xenbr0"
#define SETTINGS_BRIDGE_MAX 16     /* IFNAMSIZ: 15 characters + NUL */
#define SETTINGS_VALUE_MAX 256     /* longer values are refused */

struct settings {
	char bridge[SETTINGS_BRIDGE_MAX];
};

void settings_default(struct settings *s);
/* Apply text (the file's contents) over s; path names the file in
 * warnings. Returns the number of lines skipped; warn ("" when none)
 * describes the first: "/etc/xenlive/config:3: not KEY=VALUE". */
int settings_parse(const char *text, const char *path, struct settings *s,
		   char *warn, size_t warnlen);
/* Defaults, then the file at path if it exists. Returns what
 * settings_parse returns (0 for a missing file). */
int settings_load(const char *path, struct settings *s, char *warn, size_t warnlen);
/* $XENLIVE_CONFIG if set and not empty, else SETTINGS_PATH. */
const char *settings_path(void);
/* 1..15 characters of [A-Za-z0-9_.-]: a Linux interface name. */
bool settings_bridge_ok(const char *name);

#endif
