#include "xenops.h"
#include "sizing.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>
#include <libxlutil.h>

static void log_vmessage(xentoollog_logger *logger, xentoollog_level level, int errnoval,
			 const char *context, const char *format, va_list al)
	__attribute__((format(printf, 5, 0)));
static void log_vmessage(xentoollog_logger *logger, xentoollog_level level, int errnoval,
			 const char *context, const char *format, va_list al)
{
	struct xenops_log *l = (struct xenops_log *)logger;
	char msg[140];

	if (level < XTL_ERROR)
		return;
	vsnprintf(msg, sizeof msg, format, al);
	if (errnoval >= 0)
		snprintf(l->last, sizeof l->last, "%.40s%s%s: %.60s", context ? context : "",
			 context ? ": " : "", msg, strerror(errnoval));
	else
		snprintf(l->last, sizeof l->last, "%.40s%s%s", context ? context : "",
			 context ? ": " : "", msg);
	if (l->echo)
		fprintf(stderr, "%s\n", l->last);
}

static void log_progress(xentoollog_logger *logger, const char *context,
			 const char *doing_what, int percent, unsigned long done,
			 unsigned long total)
{
	(void)logger; (void)context; (void)doing_what; (void)percent; (void)done; (void)total;
}

static void log_destroy(xentoollog_logger *logger)
{
	(void)logger;
}

void xenops_log_init(struct xenops_log *l, int echo)
{
	memset(l, 0, sizeof *l);
	l->vtable.vmessage = log_vmessage;
	l->vtable.progress = log_progress;
	l->vtable.destroy = log_destroy;
	l->echo = echo;
}

libxl_ctx *xenops_ctx(struct xenops_log *l, char *err, size_t errlen)
{
	libxl_ctx *ctx = NULL;

	if (libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, &l->vtable)) {
		snprintf(err, errlen, "cannot talk to the Xen toolstack%s%s (is this dom0, as root?)",
			 l->last[0] ? ": " : "", l->last);
		return NULL;
	}
	return ctx;
}

static int build_config(libxl_ctx *ctx, const struct guestcfg *g, libxl_domain_config *dc,
			char *err, size_t errlen)
{
	libxl_domain_build_info *b = &dc->b_info;
	const char *disk_spec = g->disk;
	XLU_Config *xlu;
	int rc;

	dc->c_info.type = LIBXL_DOMAIN_TYPE_PV;
	dc->c_info.name = xstrdup(g->name);

	libxl_domain_build_info_init_type(b, LIBXL_DOMAIN_TYPE_PV);
	b->max_vcpus = (int)g->vcpus;
	if (libxl_cpu_bitmap_alloc(ctx, &b->avail_vcpus, (int)g->vcpus)) {
		snprintf(err, errlen, "cannot allocate the vCPU map");
		return -1;
	}
	libxl_bitmap_set_none(&b->avail_vcpus);
	for (unsigned i = 0; i < g->vcpus; i++)
		libxl_bitmap_set(&b->avail_vcpus, (int)i);
	b->max_memkb = (uint64_t)g->memory_mib * 1024;
	b->target_memkb = b->max_memkb;
	b->kernel = xstrdup(g->kernel);
	if (g->ramdisk[0])
		b->ramdisk = xstrdup(g->ramdisk);
	b->cmdline = xstrdup(g->cmdline);

	/* What xl does for on_poweroff="destroy", on_crash="preserve"; libxl
	 * stores them, livetop's backend acts on them (see backend_xen.c). */
	dc->on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_crash = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;

	/* Disk: parsed by libxlutil exactly as xl parses disk = [ '...' ]. */
	dc->disks = xcalloc(1, sizeof *dc->disks);
	dc->num_disks = 1;
	libxl_device_disk_init(&dc->disks[0]);
	xlu = xlu_cfg_init(stderr, "xenlive");
	if (!xlu) {
		snprintf(err, errlen, "cannot initialise libxlutil");
		return -1;
	}
	rc = xlu_disk_parse(xlu, 1, &disk_spec, &dc->disks[0]);
	xlu_cfg_destroy(xlu);
	if (rc) {
		snprintf(err, errlen, "bad disk specification '%s'", g->disk);
		return -1;
	}

	/* Network: one vif on the bridge with the name-derived MAC. */
	dc->nics = xcalloc(1, sizeof *dc->nics);
	dc->num_nics = 1;
	libxl_device_nic_init(&dc->nics[0]);
	dc->nics[0].devid = 0;
	dc->nics[0].bridge = xstrdup(g->bridge);
	dc->nics[0].script = xstrdup(GUEST_VIF_SCRIPT);
	memcpy(dc->nics[0].mac, g->mac, sizeof dc->nics[0].mac);
	return 0;
}

static void xs_printf(struct xs_handle *xs, uint32_t domid, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void xs_printf(struct xs_handle *xs, uint32_t domid, const char *key,
		      const char *fmt, ...)
{
	char path[128], val[128];
	va_list ap;

	snprintf(path, sizeof path, "/libxl/%u/xenlive/%s", domid, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val));
}

int xenops_create(libxl_ctx *ctx, struct xenops_log *l, const struct guestcfg *g,
		  double launch_t, uint32_t *domid, char *err, size_t errlen)
{
	libxl_domain_config dc;
	uint64_t need_kib = 0, free_kib = 0;
	uint32_t dummy;
	struct xs_handle *xs;
	int rc;

	*domid = (uint32_t)INVALID_DOMID;
	if (libxl_name_to_domid(ctx, g->name, &dummy) == 0) {
		snprintf(err, errlen, "a domain named %s already exists", g->name);
		return -1;
	}
	libxl_domain_config_init(&dc);
	if (build_config(ctx, g, &dc, err, errlen)) {
		libxl_domain_config_dispose(&dc);
		return -1;
	}
	/* libxl's own sizing, so the message is plain instead of a builder error. */
	if (libxl_domain_need_memory(ctx, &dc, INVALID_DOMID, &need_kib) == 0 &&
	    libxl_get_free_memory(ctx, &free_kib) == 0 && need_kib > free_kib) {
		snprintf(err, errlen, "not enough free memory: %s needs %llu MiB, %llu MiB free",
			 g->name, (unsigned long long)((need_kib + 1023) / 1024),
			 (unsigned long long)(free_kib / 1024));
		libxl_domain_config_dispose(&dc);
		return -1;
	}
	/* dom0's own memory: each guest takes some (back-ends, loop device) */
	uint64_t d0 = sizing_dom0_avail_kib();
	if (d0 && sizing_fits_dom0(d0) == 0) {
		snprintf(err, errlen, SIZING_DOM0_SHORT "; destroy a guest, or " SIZING_DOM0_MORE,
			 SIZING_DOM0_SHORT_ARGS(d0));
		libxl_domain_config_dispose(&dc);
		return -1;
	}
	l->last[0] = '\0';
	rc = libxl_domain_create_new(ctx, &dc, domid, NULL, NULL);
	if (rc) {
		snprintf(err, errlen, "libxl could not create %s (error %d)%s%s", g->name, rc,
			 l->last[0] ? ": " : "", l->last);
		if (*domid != (uint32_t)INVALID_DOMID && *domid != 0)
			libxl_domain_destroy(ctx, *domid, NULL);
		*domid = (uint32_t)INVALID_DOMID;
		libxl_domain_config_dispose(&dc);
		return -1;
	}
	/* libxl leaves a new domain paused; xl create unpauses it. */
	if (libxl_domain_unpause(ctx, *domid, NULL)) {
		snprintf(err, errlen, "%s was created but would not start: %s", g->name, l->last);
		libxl_domain_destroy(ctx, *domid, NULL);
		*domid = (uint32_t)INVALID_DOMID;
		libxl_domain_config_dispose(&dc);
		return -1;
	}
	xs = xs_open(0);
	if (xs) {
		xs_printf(xs, *domid, "launched", "%.3f", launch_t);
		xs_printf(xs, *domid, "distro", "%s", g->distro);
		xs_close(xs);
	}
	libxl_domain_config_dispose(&dc);
	return 0;
}

size_t xenops_names(libxl_ctx *ctx, char ***names)
{
	int n = 0;
	libxl_dominfo *info = libxl_list_domain(ctx, &n);
	size_t k = 0;

	*names = xcalloc((size_t)(n > 0 ? n : 1), sizeof **names);
	for (int i = 0; info && i < n; i++) {
		char *name = libxl_domid_to_name(ctx, info[i].domid);

		if (name)
			(*names)[k++] = name;
	}
	if (info)
		libxl_dominfo_list_free(info, n);
	return k;
}

void xenops_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
