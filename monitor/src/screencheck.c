/* screencheck.c — see screencheck.h. */
#include "screencheck.h"

#include <stdint.h>
#include <string.h>

#define VCSA_HEADER 4

bool screencheck_differs(const char *drawn, int rows, int cols,
			 const unsigned char *vcsa, size_t len)
{
	size_t cells;

	if (rows <= 0 || cols <= 0 || len < VCSA_HEADER || vcsa[0] != rows || vcsa[1] != cols)
		return false;
	cells = (size_t)rows * (size_t)cols;
	if (len < VCSA_HEADER + 2 * cells)
		return false;
	for (size_t i = 0; i < cells; i++) {
		unsigned char want = (unsigned char)drawn[i];
		uint16_t word;

		if (want < 0x20 || want > 0x7e)
			continue;
		/* The word is the kernel's screen word: attribute high, glyph low. */
		memcpy(&word, vcsa + VCSA_HEADER + 2 * i, sizeof word);
		if ((word & 0xff) != want)
			return true;
	}
	return false;
}
