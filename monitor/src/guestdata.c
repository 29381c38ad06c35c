/* guestdata.c — see guestdata.h. */
#include "guestdata.h"
#include "safetext.h"

size_t guest_text(const char *raw, size_t n, char *out, size_t len)
{
	return safetext(raw, n, out, len, GUEST_TEXT_MAX);
}

bool guest_poll_due(struct guest_poll *p, double now)
{
	if (!p->looked) {
		p->looked = true;
		p->first = now;
	} else if (now < p->next - GUEST_POLL_FAST_S / 10) {   /* a tick early is on time */
		return false;
	}
	if (now - p->first < GUEST_READY_TIMEOUT_S)
		p->gap = GUEST_POLL_FAST_S;
	else
		p->gap = p->gap * 2 < GUEST_POLL_SLOW_S ? p->gap * 2 : GUEST_POLL_SLOW_S;
	p->next = now + p->gap;
	return true;
}

bool work_poll_due(const struct work_poll *p, double now)
{
	return now >= p->next;
}

void work_poll_looked(struct work_poll *p, double now, bool changed)
{
	if (changed)
		p->fast_until = now + GUEST_WORK_FAST_FOR_S;
	p->next = now < p->fast_until ? now : now + GUEST_WORK_SLOW_S;
}

void work_poll_asked(struct work_poll *p, double now)
{
	p->fast_until = now + GUEST_WORK_FAST_FOR_S;
	p->next = now;
}
