/* sizing.h — how much host memory a PV guest costs, and how many more fit.
 *
 * Mirrors libxl's accounting for a PV guest: the guest's memory plus a
 * per-domain overhead of about 1 MiB (page tables, grant/event structures),
 * which the domain builder effectively rounds up to 2 MiB boundaries. A
 * reserve is kept free so the host stays healthy (xenstored, hotplug
 * scripts, dom0 ballooning slack). Pure; unit-tested. */
#ifndef SIZING_H
#define SIZING_H

#include <stdint.h>

/* dom0's MemAvailable from /proc/meminfo (KiB), 0 when it cannot be read. */
uint64_t sizing_dom0_avail_kib(void);

#define SIZING_OVERHEAD_KIB 1024u   /* libxl per-PV-domain overhead */
#define SIZING_ROUND_KIB    2048u   /* rounded up to 2 MiB */
#define SIZING_RESERVE_KIB  4096u   /* kept free by livetop's policy */

/* dom0's own memory per guest (back-end drivers, loop device, console:
 * ~2.4 MiB measured with `make bench`) and what must stay available in
 * dom0 so it never runs out (the OOM killer would pick livetop). */
#define SIZING_DOM0_PER_GUEST_KIB 3072u
#define SIZING_DOM0_RESERVE_KIB  24576u

/* Host memory (KiB) that creating a guest of memory_mib takes. */
uint64_t sizing_need_kib(unsigned memory_mib);
/* How many more guests of memory_mib fit into free_kib, keeping reserve_kib. */
unsigned sizing_fits(uint64_t free_kib, unsigned memory_mib, uint64_t reserve_kib);
/* How many more guests dom0 can serve with dom0_avail_kib available. */
unsigned sizing_fits_dom0(uint64_t dom0_avail_kib);

/* The one wording of "dom0 is the limit" (livetop's event, xenlive-launch's
 * error): printf arguments are MemAvailable in MiB, then the two figures
 * above in MiB, as SIZING_DOM0_SHORT_ARGS gives them. */
#define SIZING_DOM0_SHORT "dom0 is short of memory: %llu MiB available, %u MiB must stay " \
	"free and each guest takes ~%u MiB of it"
#define SIZING_DOM0_SHORT_ARGS(avail_kib) (unsigned long long)((avail_kib) / 1024), \
	SIZING_DOM0_RESERVE_KIB / 1024, SIZING_DOM0_PER_GUEST_KIB / 1024
#define SIZING_DOM0_MORE "boot a menu entry that gives dom0 more memory"

#endif
