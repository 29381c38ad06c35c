/* ascii.h — text for terminals without UTF-8. Pure; unit-tested. */
#ifndef ASCII_H
#define ASCII_H

#include <stddef.h>

/* Replace the few non-ASCII characters livetop prints (dash, arrows,
 * ellipsis) for terminals without UTF-8; anything else non-ASCII -> '?'. */
void ascii_fallback(const char *in, char *out, size_t len);

#endif
