/* backend_fake.h — scripting hooks of the fake backend (backend_fake.c),
 * for the unit tests: what a real host does on its own (a guest crashes
 * or vanishes, a different memory size, a fixed boot time). livetop and
 * xenlive-launch never include this; they open the fake through
 * backend_fake_open() in backend.h. */
#ifndef BACKEND_FAKE_H
#define BACKEND_FAKE_H

#include "backend.h"

/* Host memory and dom0's share, in MiB (default 1024 and 384). */
void fake_set_memory(struct backend *b, unsigned total_mib, unsigned dom0_mib);
/* The guest crashes (stays, shown as crashed); -1 when there is none. */
int fake_crash(struct backend *b, int id);
/* The guest disappears between two snapshots; -1 when there is none. */
int fake_vanish(struct backend *b, int id);
/* Every later launch is ready secs after it was created. */
void fake_set_boot_secs(struct backend *b, double secs);
/* The guest's root writes n raw bytes (any bytes, up to 256) to KEY under
 * its data/xenlive/, as a hostile guest can. The fake reads them back as
 * the Xen backend does, through guest_text: "workload" then replaces the
 * script's workload line. -1 when there is no such guest (or dom0). */
int fake_guest_write(struct backend *b, int id, const char *key, const char *raw, size_t n);

#endif
