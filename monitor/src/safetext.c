/* safetext.c — see safetext.h. */
#include "safetext.h"
#include "ascii.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), its code point
 * in *cp; 0 when s does not start one (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len = s[0] < 0x80 ? 1 : s[0] < 0xc2 ? 0 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3
		: s[0] < 0xf5 ? 4 : 0;
	uint32_t c;

	if (!len || len > n)
		return 0;
	c = len == 1 ? s[0] : s[0] & (0x7fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3fu);
	}
	if (c < least[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Not a control, and not a format character that reorders or breaks
 * the line (ALM, LRM, RLM, LS, PS, bidi embeddings, overrides and
 * isolates). */
static bool printable(uint32_t c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return false;
	return c != 0x061c && c != 0x200e && c != 0x200f && !(c >= 0x2028 && c <= 0x202e) &&
	       !(c >= 0x2066 && c <= 0x2069);
}

size_t safetext(const char *raw, size_t n, char *out, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t o = 0, i = 0;

	if (!len)
		return 0;
	if (max > len - 1)
		max = len - 1;
	while (i < n) {
		uint32_t c = 0;
		size_t k = utf8_char(s + i, n - i, &c);
		bool keep = k && printable(c);
		size_t w = keep ? k : 1;

		if (o + w > max)
			break;
		if (keep)
			memcpy(out + o, s + i, k);
		else
			out[o] = SAFETEXT_REPL;
		o += w;
		i += k ? k : 1;   /* a bad byte is one '?', a bad character too */
	}
	out[o] = '\0';
	return o;
}

void safetext_view(const char *s, bool utf8, char *out, size_t len)
{
	char clean[1024];

	if (utf8) {
		safetext(s, strlen(s), out, len, len);
		return;
	}
	safetext(s, strlen(s), clean, sizeof clean, sizeof clean);
	ascii_fallback(clean, out, len);
}
