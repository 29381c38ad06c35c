/* ascii.c — see ascii.h. */
#include "ascii.h"

#include <string.h>

void ascii_fallback(const char *in, char *out, size_t len)
{
	static const struct { const char *u, *a; } map[] = {
		{ "\u2014", "-" }, { "\u2013", "-" }, { "\u2026", "..." }, { "\u25bc", "v" },
		{ "\u25b2", "^" }, { "\u23ce", "Enter" }, { "\u2191", "^" }, { "\u2193", "v" },
		{ "\u2192", "->" },
	};
	size_t o = 0;

	while (*in && o + 1 < len) {
		const char *rep = NULL;
		size_t skip = 1;

		if ((unsigned char)*in >= 0x80) {
			for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
				size_t ul = strlen(map[i].u);

				if (!strncmp(in, map[i].u, ul)) {
					rep = map[i].a;
					skip = ul;
					break;
				}
			}
			if (!rep) {
				rep = "?";
				while ((unsigned char)in[skip] >= 0x80 && (unsigned char)in[skip] < 0xc0)
					skip++;
			}
		}
		if (rep) {
			size_t rl = strlen(rep);

			if (o + rl + 1 > len)
				break;
			memcpy(out + o, rep, rl);
			o += rl;
		} else {
			out[o++] = *in;
		}
		in += skip;
	}
	out[o] = '\0';
}
