/* catalog.h — the guest catalogue shared by livetop and xenlive-launch.
 *
 * File format: one distro per line, '#' starts a comment line, blank lines
 * are ignored, fields separated by '|' (surrounding blanks trimmed):
 *
 *   id|display name|image|memory_mib|min_memory_mib|kernel|ramdisk|cmdline
 *
 * id is [a-z0-9_] (it becomes the guest name prefix "id-N"); image and
 * kernel are required; ramdisk and cmdline may be empty. Relative paths
 * are made absolute against the catalogue's directory. memory_mib is the
 * default guest size, min_memory_mib the smallest size that boots
 * (0 < min <= memory). Errors name file and line:
 *   "catalog: /path:3: memory_mib is not a number".
 * Pure: no Xen, no curses. */
#ifndef CATALOG_H
#define CATALOG_H

#include <stddef.h>

#define CATALOG_DEFAULT_PATH "/media/xenlive/guests/catalog"
#define CATALOG_ENV "XENLIVE_CATALOG"
#define CAT_ID_MAX 24
#define CAT_NAME_MAX 80
#define CAT_PATH_MAX 512
#define CAT_CMDLINE_MAX 512

struct catalog_entry {
	char id[CAT_ID_MAX];
	char name[CAT_NAME_MAX];     /* display name */
	char image[CAT_PATH_MAX];
	unsigned memory_mib;
	unsigned min_memory_mib;
	char kernel[CAT_PATH_MAX];
	char ramdisk[CAT_PATH_MAX];  /* may be "" */
	char cmdline[CAT_CMDLINE_MAX];
};

struct catalog {
	size_t n;
	struct catalog_entry *e;
};

/* Parse text (the file's contents); path is used for messages and as the
 * base for relative paths. Returns 0, or -1 with err filled. */
int catalog_parse(const char *text, const char *path, struct catalog *out,
		  char *err, size_t errlen);
/* Read and parse a file. */
int catalog_load(const char *path, struct catalog *out, char *err, size_t errlen);
void catalog_free(struct catalog *c);
const struct catalog_entry *catalog_find(const struct catalog *c, const char *id);
/* The catalogue path: option if set, else $XENLIVE_CATALOG if set and
 * non-empty, else CATALOG_DEFAULT_PATH. */
const char *catalog_path(const char *option);
/* Short name for messages: display name up to the first blank
 * ("Debian GNU/Linux 12" -> "Debian"). */
void catalog_short_name(const struct catalog_entry *e, char *out, size_t len);

/* Built-in catalogue text used by --demo when no catalogue is given. */
extern const char catalog_demo_text[];

#endif
