/* guestdata.h — what a guest writes under its own xenstore directory
 * /local/domain/ID/data/xenlive/ (its agent's `state` and `workload`),
 * and what livetop may make of it.
 *
 * A guest is someone else's computer: its root can write any bytes
 * there, at any time. Both backends read a key's raw value and pass it
 * through guest_text, the one way guest-written data comes in. What
 * livetop acts on comes from dom0 instead (the distro and launch time
 * xenops_create records under /libxl/ID/xenlive/, the address dom0's
 * hotplug program gives a guest's vif). How often the backend looks
 * for an agent's state is guest_poll's schedule, for its workload
 * work_poll's. Pure; unit-tested
 * (tests/test_guestdata.c, and with the backends: tests/test_fake.c,
 * tests/test_xen.c). */
#ifndef GUESTDATA_H
#define GUESTDATA_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of a guest-written value livetop keeps. */
#define GUEST_TEXT_MAX 64

/* A key's raw value (n bytes, as xenstore returned them) into out (len
 * bytes): made safe by safetext (control bytes, C1 and broken UTF-8 are
 * '?'), at most GUEST_TEXT_MAX bytes. Returns strlen(out). */
size_t guest_text(const char *raw, size_t n, char *out, size_t len);

/* Looking for an agent's state = ready: every GUEST_POLL_FAST_S while a
 * boot is expected (the GUEST_READY_TIMEOUT_S after the first look), then
 * each gap twice the one before, up to GUEST_POLL_SLOW_S. A guest without
 * an agent costs a xenstore read every few seconds instead of ten a
 * second, and an agent that starts later is still seen within that. */
#define GUEST_POLL_FAST_S 0.1
#define GUEST_READY_TIMEOUT_S 120.0
#define GUEST_POLL_SLOW_S 5.0

struct guest_poll {
	bool looked;               /* false: no look yet */
	double first;              /* the first look */
	double next;               /* when the next one is due */
	double gap;                /* the gap before it */
};

/* Is a look due at now? If so, the next one is scheduled. A zeroed
 * guest_poll is due at once. */
bool guest_poll_due(struct guest_poll *p, double now);

/* Looking at an agent's workload key: at every snapshot while it changes,
 * and for GUEST_WORK_FAST_FOR_S after dom0 asked for a workload or after
 * the last change; else every GUEST_WORK_SLOW_S.  Each look is a round
 * trip to xenstored; with hundreds of idle guests, reading every key at
 * every refresh was a good part of livetop's CPU. */
#define GUEST_WORK_FAST_FOR_S 15.0
#define GUEST_WORK_SLOW_S 5.0

struct work_poll {
	double next;               /* when the next look is due (0: at once) */
	double fast_until;         /* until then: a look at every snapshot */
};

/* Is a look due at now? A zeroed work_poll is due at once. */
bool work_poll_due(const struct work_poll *p, double now);
/* A look at now found the value changed (or not): schedules the next. */
void work_poll_looked(struct work_poll *p, double now, bool changed);
/* dom0 asked the agent for a workload at now: look at every snapshot. */
void work_poll_asked(struct work_poll *p, double now);

#endif
