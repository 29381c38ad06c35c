/* guestdata.h — what a guest writes under its own xenstore directory
 * /local/domain/ID/data/xenlive/ (its agent's `state` and `workload`),
 * and what livetop may make of it.
 *
 * A guest is someone else's computer: its root can write any bytes
 * there, at any time. Both backends read a key's raw value and pass it
 * through guest_text, the one way guest-written data comes in. What
 * livetop acts on comes from dom0 instead (the distro and launch time
 * xenops_create records under /libxl/ID/xenlive/, the address dom0's
 * hotplug program gives a guest's vif). Pure; tested with the backends
 * (tests/test_fake.c, tests/test_xen.c). */
#ifndef GUESTDATA_H
#define GUESTDATA_H

#include <stddef.h>

/* Bytes of a guest-written value livetop keeps. */
#define GUEST_TEXT_MAX 64

/* A key's raw value (n bytes, as xenstore returned them) into out (len
 * bytes): made safe by safetext (control bytes, C1 and broken UTF-8 are
 * '?'), at most GUEST_TEXT_MAX bytes. Returns strlen(out). */
size_t guest_text(const char *raw, size_t n, char *out, size_t len);

#endif
