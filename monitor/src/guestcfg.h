/* guestcfg.h — turn a catalogue entry into one guest's configuration.
 *
 * Pure: the real backend and xenlive-launch feed the result to libxl; the
 * fake backend and --dry-run only print it. Strings follow xl's syntax:
 *   disk  "format=raw,vdev=xvda,access=ro,target=IMAGE"
 *   vif   "bridge=BRIDGE,mac=00:16:3e:XX:XX:XX" (XX from a hash of the name;
 *         BRIDGE from dom0's settings, see settings.h)
 *   cmdline  catalogue cmdline + " xenlive.name=NAME" */
#ifndef GUESTCFG_H
#define GUESTCFG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalog.h"
#include "settings.h"

#define GUEST_NAME_MAX 48
/* dom0's own hotplug scripts (rootfs/files/etc/xen/scripts): Debian's
 * block and vif-bridge take ~2 s each per guest under emulation */
#define GUEST_BLOCK_SCRIPT "xenlive-block"
#define GUEST_VIF_SCRIPT "xenlive-vif"

struct guestcfg {
	char name[GUEST_NAME_MAX];
	char distro[CAT_ID_MAX];
	unsigned memory_mib;
	unsigned vcpus;
	char image[CAT_PATH_MAX];
	char kernel[CAT_PATH_MAX];
	char ramdisk[CAT_PATH_MAX];
	char cmdline[CAT_CMDLINE_MAX + GUEST_NAME_MAX + 16];
	char disk[CAT_PATH_MAX + 96];
	char bridge[SETTINGS_BRIDGE_MAX];
	char vif[96];
	uint8_t mac[6];
};

/* Lowest free "PREFIX-N" (N >= 1) not among the n existing names. */
void guestcfg_alloc_name(const char *prefix, const char *const *existing, size_t n,
			 char *out, size_t len);
/* Is name usable as a domain name ([A-Za-z0-9_.-], 1..GUEST_NAME_MAX-1)? */
int guestcfg_name_ok(const char *name);
/* 00:16:3e (Xen's OUI) + three bytes of an FNV-1a hash of name. */
void guestcfg_mac(const char *name, uint8_t mac[6]);
/* the MAC of guest NAME on the xenlive machine with LETTER (a-p); the one
 * guestcfg_mac uses is this machine's (/run/xenlive/machine) */
void guestcfg_mac_of(char letter, const char *name, uint8_t mac[6]);
/* Build the config. memory_mib 0 = the catalogue's default; the vif joins
 * bridge. Fails (-1, err) when memory is below the distro's minimum, the
 * name is invalid or the bridge is no interface name. Does not look at
 * the file system (see guestcfg_check_files). */
int guestcfg_build(const struct catalog_entry *e, unsigned memory_mib, const char *name,
		   const char *bridge, struct guestcfg *out, char *err, size_t errlen);
/* Check that image, kernel and ramdisk exist; -1 + err naming the first
 * missing one. */
int guestcfg_check_files(const struct guestcfg *g, char *err, size_t errlen);
/* Write the config in xl.cfg syntax (used by xenlive-launch --dry-run). */
void guestcfg_write_xl(const struct guestcfg *g, FILE *f);

#endif
