/* guestdata.c — see guestdata.h. */
#include "guestdata.h"
#include "safetext.h"

size_t guest_text(const char *raw, size_t n, char *out, size_t len)
{
	return safetext(raw, n, out, len, GUEST_TEXT_MAX);
}
