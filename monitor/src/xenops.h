/* xenops.h — the libxl/xenstore calls shared by backend_xen.c and
 * xenlive-launch: build a libxl_domain_config from a guestcfg and create
 * the domain, list domain names, and mark a new guest in xenstore.
 * Only compiled with BACKEND=xen; the UI never includes this. */
#ifndef XENOPS_H
#define XENOPS_H

#include <stddef.h>
#include <stdint.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "guestcfg.h"

/* A libxl logger that keeps the last error line instead of printing it
 * (libxl's messages would scribble over the screen). */
struct xenops_log {
	xentoollog_logger vtable;
	char last[256];
	int echo;                  /* also print to stderr */
};

void xenops_log_init(struct xenops_log *l, int echo);

/* Open a libxl context logging into l; NULL + err on failure. */
libxl_ctx *xenops_ctx(struct xenops_log *l, char *err, size_t errlen);

/* Create, start (unpause) and mark a PV guest. launch_t (wall clock) is
 * recorded as /libxl/ID/xenlive/launched (dom0-only, removed by libxl with
 * the domain) for the launch -> ready time, with the distro. On
 * failure nothing is left behind (a half-built domain is destroyed) and
 * err says why ("not enough free memory: needs 50 MiB, 41 MiB free",
 * or libxl's last error). */
int xenops_create(libxl_ctx *ctx, struct xenops_log *l, const struct guestcfg *g,
		  double launch_t, uint32_t *domid, char *err, size_t errlen);

/* Names of all domains (malloc'd array of malloc'd strings). */
size_t xenops_names(libxl_ctx *ctx, char ***names);
void xenops_names_free(char **names, size_t n);

#endif
