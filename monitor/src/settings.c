/* settings.c — /etc/xenlive/config: see settings.h. */
#include "settings.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETTINGS_FILE_MAX (64 * 1024)

void settings_default(struct settings *s)
{
	memset(s, 0, sizeof *s);
	xstrlcpy(s->bridge, SETTINGS_BRIDGE_DEFAULT, sizeof s->bridge);
}

bool settings_bridge_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= SETTINGS_BRIDGE_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
			return false;
	return true;
}

const char *settings_path(void)
{
	const char *env = getenv(SETTINGS_ENV);

	return env && *env ? env : SETTINGS_PATH;
}

/* Split one line (already without its newline) into key and value; the
 * value's quotes are removed. NULL when it is not KEY=VALUE. */
static const char *split(char *line, char **value)
{
	char *eq = strchr(line, '='), *v;
	size_t n;

	if (!eq || eq == line || !(isalpha((unsigned char)*line) || *line == '_'))
		return NULL;
	for (const char *c = line; c < eq; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return NULL;
	*eq = '\0';
	v = eq + 1;
	n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	*value = v;
	return line;
}

/* Check one KEY=VALUE and apply it; NULL, or why it was skipped. */
static const char *apply(struct settings *s, const char *key, const char *value)
{
	if (strlen(value) >= SETTINGS_VALUE_MAX)
		return "value longer than 255 characters";
	if (!strcmp(key, "BRIDGE")) {
		if (!settings_bridge_ok(value))
			return "BRIDGE is not an interface name (1-15 of A-Z a-z 0-9 _ . -)";
		xstrlcpy(s->bridge, value, sizeof s->bridge);
	}
	return NULL;
}

int settings_parse(const char *text, const char *path, struct settings *s,
		   char *warn, size_t warnlen)
{
	char *copy = xstrdup(text), *line = copy;
	unsigned lineno = 0;
	int skipped = 0;

	if (warnlen)
		warn[0] = '\0';
	while (line) {
		char *nl = strchr(line, '\n'), *value = NULL, *t = line;
		const char *key, *why = NULL;

		if (nl)
			*nl = '\0';
		line = nl ? nl + 1 : NULL;
		lineno++;
		while (*t == ' ' || *t == '\t')
			t++;
		t[strcspn(t, "\r")] = '\0';
		if (!*t || *t == '#')
			continue;
		if (!(key = split(t, &value)))
			why = "not KEY=VALUE";
		else
			why = apply(s, key, value);
		if (why && skipped++ == 0 && warnlen)
			snprintf(warn, warnlen, "%s:%u: %s (line ignored)", path, lineno, why);
	}
	free(copy);
	return skipped;
}

int settings_load(const char *path, struct settings *s, char *warn, size_t warnlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int rc;

	settings_default(s);
	if (warnlen)
		warn[0] = '\0';
	if (!f)
		return 0;
	buf = xmalloc(SETTINGS_FILE_MAX + 1);
	n = fread(buf, 1, SETTINGS_FILE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	rc = settings_parse(buf, path, s, warn, warnlen);
	free(buf);
	return rc;
}
