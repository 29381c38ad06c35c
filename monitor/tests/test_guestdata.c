/* Unit tests: guestdata.c, what livetop makes of a guest's xenstore
 * directory: how often it looks there for an agent's state. */
#include "harness.h"

#include "guestdata.h"

/* A 100 ms loop for ten minutes over a guest without an agent. */
static void test_poll(void)
{
	struct guest_poll p = { 0 };
	int looks = 0, first_minute = 0;
	double last = 0, gap = 0, seen = -1;

	for (int tick = 0; tick < 6000; tick++) {
		double now = 1000 + tick * 0.1;

		if (!guest_poll_due(&p, now))
			continue;
		looks++;
		first_minute += now < 1060;
		gap = now - last;
		last = now;
	}
	CHECK(first_minute >= 590, "while a boot is expected it looks every tick (%d in the first minute)",
	      first_minute);
	CHECK(looks < 1320, "ten minutes cost %d looks, not 6000", looks);
	CHECK_NEAR(gap, GUEST_POLL_SLOW_S, 0.11, "then one every %.0f s", GUEST_POLL_SLOW_S);
	for (int tick = 0; seen < 0 && tick < 100; tick++)
		if (guest_poll_due(&p, 1600 + tick * 0.1))
			seen = tick * 0.1;
	CHECK(seen >= 0 && seen <= GUEST_POLL_SLOW_S + 0.1,
	      "an agent that starts after ten minutes is seen within %.1f s", seen);
}

/* A snapshot a second for ten minutes over an idle guest's workload, then
 * a workload asked for, then one that changes every second. */
static void test_work_poll(void)
{
	struct work_poll p = { 0 };
	int looks = 0, fast = 0;
	double now = 1000;

	CHECK(work_poll_due(&p, now), "a zeroed schedule is due at once");
	for (int s = 0; s < 600; s++, now += 1) {
		if (!work_poll_due(&p, now))
			continue;
		looks++;
		work_poll_looked(&p, now, false);
	}
	CHECK(looks <= 600 / GUEST_WORK_SLOW_S + 1, "an idle workload key costs %d looks in ten minutes, not 600",
	      looks);
	work_poll_asked(&p, now);
	CHECK(work_poll_due(&p, now), "dom0 asked for a workload: the next snapshot looks");
	for (int s = 0; s < 10; s++, now += 1) {
		if (work_poll_due(&p, now)) {
			fast++;
			work_poll_looked(&p, now, false);
		}
	}
	CHECK(fast == 10, "and so does every snapshot after it for a while (%d of 10)", fast);
	fast = 0;
	for (int s = 0; s < 60; s++, now += 1) {
		if (work_poll_due(&p, now)) {
			fast++;
			work_poll_looked(&p, now, true);
		}
	}
	CHECK(fast == 60, "a workload key that changes is looked at every snapshot (%d of 60)", fast);
	looks = 0;
	for (int s = 0; s < 60; s++, now += 1) {
		if (work_poll_due(&p, now)) {
			looks++;
			work_poll_looked(&p, now, false);
		}
	}
	CHECK(looks < GUEST_WORK_FAST_FOR_S + 60 / GUEST_WORK_SLOW_S + 2,
	      "once it stays the same, looks slow down again (%d in a minute)", looks);
}

int main(void)
{
	test_poll();
	test_work_poll();
	return harness_done();
}
