#include "guestcfg.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void guestcfg_alloc_name(const char *prefix, const char *const *existing, size_t n,
			 char *out, size_t len)
{
	size_t plen = strlen(prefix);
	/* A guest count is bounded by memory; n + 1 candidates always
	 * contain a free one. */
	unsigned char *used = xcalloc(n + 2, 1);

	for (size_t i = 0; i < n; i++) {
		const char *s = existing[i];
		char *end;
		unsigned long v;

		if (!s || strncmp(s, prefix, plen) || s[plen] != '-')
			continue;
		if (!isdigit((unsigned char)s[plen + 1]) || s[plen + 1] == '0')
			continue;
		errno = 0;
		v = strtoul(s + plen + 1, &end, 10);
		if (errno || *end || v == 0 || v > n + 1)
			continue;
		used[v] = 1;
	}
	for (size_t v = 1; v <= n + 1; v++) {
		if (!used[v]) {
			snprintf(out, len, "%s-%zu", prefix, v);
			break;
		}
	}
	free(used);
}

int guestcfg_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= GUEST_NAME_MAX)
		return 0;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
			return 0;
	return 1;
}

/* This machine's letter (/run/xenlive/machine, written at boot; a when
 * missing).  Guests of different xenlive machines meet on one cable in LAN
 * mode, so the letter goes into their MACs: debian-1 of xenlive-b is not
 * debian-1 of xenlive-a.  (Machine a's MACs are the name's alone.) */
static char machine_letter(void)
{
	static char letter;
	const char *path = getenv("XENLIVE_MACHINE_FILE");
	FILE *f;
	int c;

	if (letter)
		return letter;
	letter = 'a';
	if ((f = fopen(path && *path ? path : "/run/xenlive/machine", "re"))) {
		if ((c = fgetc(f)) >= 'a' && c <= 'p')
			letter = (char)c;
		fclose(f);
	}
	return letter;
}

void guestcfg_mac(const char *name, uint8_t mac[6])
{
	guestcfg_mac_of(machine_letter(), name, mac);
}

void guestcfg_mac_of(char letter, const char *name, uint8_t mac[6])
{
	uint32_t h = 2166136261u;

	if (letter != 'a') {
		h ^= (unsigned char)letter;
		h *= 16777619u;
		h ^= ':';
		h *= 16777619u;
	}
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		h ^= *c;
		h *= 16777619u;
	}
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = (uint8_t)((h >> 16) & 0x7f); /* xl's random MACs keep bit 7 clear too */
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

int guestcfg_build(const struct catalog_entry *e, unsigned memory_mib, const char *name,
		   const char *bridge, struct guestcfg *g, char *err, size_t errlen)
{
	memset(g, 0, sizeof *g);
	if (!guestcfg_name_ok(name)) {
		snprintf(err, errlen, "invalid guest name \"%s\" (use letters, digits, - _ .)", name);
		return -1;
	}
	if (!settings_bridge_ok(bridge)) {
		snprintf(err, errlen, "invalid bridge name \"%s\"", bridge);
		return -1;
	}
	if (memory_mib == 0)
		memory_mib = e->memory_mib;
	if (memory_mib < e->min_memory_mib) {
		snprintf(err, errlen, "%s needs at least %u MiB of memory (asked for %u MiB)",
			 e->id, e->min_memory_mib, memory_mib);
		return -1;
	}
	xstrlcpy(g->name, name, sizeof g->name);
	xstrlcpy(g->distro, e->id, sizeof g->distro);
	g->memory_mib = memory_mib;
	g->vcpus = 1;
	xstrlcpy(g->image, e->image, sizeof g->image);
	xstrlcpy(g->kernel, e->kernel, sizeof g->kernel);
	xstrlcpy(g->ramdisk, e->ramdisk, sizeof g->ramdisk);
	snprintf(g->cmdline, sizeof g->cmdline, "%s%sxenlive.name=%s",
		 e->cmdline, e->cmdline[0] ? " " : "", name);
	snprintf(g->disk, sizeof g->disk, "format=raw,vdev=xvda,access=ro,script=%s,target=%s",
		 GUEST_BLOCK_SCRIPT, e->image);
	xstrlcpy(g->bridge, bridge, sizeof g->bridge);
	guestcfg_mac(name, g->mac);
	snprintf(g->vif, sizeof g->vif, "bridge=%s,script=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x",
		 g->bridge, GUEST_VIF_SCRIPT, g->mac[0], g->mac[1], g->mac[2], g->mac[3], g->mac[4], g->mac[5]);
	return 0;
}

int guestcfg_check_files(const struct guestcfg *g, char *err, size_t errlen)
{
	const struct { const char *what, *path; } f[] = {
		{ "image", g->image }, { "kernel", g->kernel }, { "ramdisk", g->ramdisk },
	};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (!f[i].path[0])
			continue;
		if (access(f[i].path, R_OK)) {
			snprintf(err, errlen, "%s: missing %s %s (%s)", g->distro, f[i].what,
				 f[i].path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

void guestcfg_write_xl(const struct guestcfg *g, FILE *f)
{
	fprintf(f, "name = \"%s\"\n", g->name);
	fprintf(f, "type = \"pv\"\n");
	fprintf(f, "memory = %u\n", g->memory_mib);
	fprintf(f, "vcpus = %u\n", g->vcpus);
	fprintf(f, "kernel = \"%s\"\n", g->kernel);
	if (g->ramdisk[0])
		fprintf(f, "ramdisk = \"%s\"\n", g->ramdisk);
	fprintf(f, "cmdline = \"%s\"\n", g->cmdline);
	fprintf(f, "disk = [ '%s' ]\n", g->disk);
	fprintf(f, "vif = [ '%s' ]\n", g->vif);
	fprintf(f, "on_poweroff = \"destroy\"\n");
	fprintf(f, "on_crash = \"preserve\"\n");
}
