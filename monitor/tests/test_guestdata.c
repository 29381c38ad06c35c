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

int main(void)
{
	test_poll();
	return harness_done();
}
