/* Unit tests: comparing what livetop drew with a console's /dev/vcsaN. */
#include "harness.h"

#include "screencheck.h"

#include <stdint.h>

#define R 3
#define C 4

/* /dev/vcsaN contents for a rows x cols console showing text (rows * cols
 * characters), every cell with attribute attr. */
static size_t vcsa_of(int rows, int cols, const char *text, uint8_t attr,
		      unsigned char *out, size_t len)
{
	size_t n = 4 + 2 * (size_t)rows * (size_t)cols;

	if (n > len)
		return 0;
	out[0] = (unsigned char)rows;
	out[1] = (unsigned char)cols;
	out[2] = out[3] = 0;      /* cursor */
	for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++) {
		uint16_t word = (uint16_t)(attr << 8 | (unsigned char)text[i]);

		memcpy(out + 4 + 2 * i, &word, sizeof word);
	}
	return n;
}

int main(void)
{
	/* drawn: R x C, '\0' = a cell curses drew as line drawing or non-ASCII. */
	static const struct {
		const char *drawn;
		int rows, cols;            /* the console's size */
		const char *shown;
		uint8_t attr;
		int cut;                   /* bytes missing from the read */
		bool differ;
		const char *what;
	} t[] = {
		{ "ID  ab  cd  ", R, C, "ID  ab  cd  ", 0x07, 0, false, "the same text does not differ" },
		{ "ID  ab  cd  ", R, C, "ID  ab  cd  ", 0x70, 0, false, "colours are not compared, only characters" },
		{ "ID  ab  cd  ", R, C, "ID  aX  cd  ", 0x07, 0, true, "one other ASCII character differs" },
		{ "ID  ab  cd  ", R, C, "ID  ab  cdGA", 0x07, 0, true, "text written over a blank cell differs" },
		{ "ID\0 ab  cd  ", R, C, "ID\xfe ab  cd  ", 0x07, 0, false, "a cell drawn as non-ASCII is not compared" },
		{ "ID\0 ab  cd  ", R, C, "ID\xfe aX  cd  ", 0x07, 0, true, "but the ASCII cells around it are" },
		{ "ID  ab  cd  ", 4, C, "ID  aX  cd  XXXX", 0x07, 0, false, "a console of another size cannot be compared" },
		{ "ID  ab  cd  ", R, 3, "ID aX cd ", 0x07, 0, false, "a console with other columns cannot be compared" },
		{ "ID  ab  cd  ", R, C, "ID  ab  cd  ", 0x07, 1, false, "a short read cannot be compared" },
	};
	unsigned char buf[256];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t n = vcsa_of(t[i].rows, t[i].cols, t[i].shown, t[i].attr, buf, sizeof buf);

		/* -1: the case does not fit buf (a broken test, not a pass). */
		CHECK_INT(n ? screencheck_differs(t[i].drawn, R, C, buf, n - (size_t)t[i].cut) : -1,
			  t[i].differ, "%s", t[i].what);
	}
	CHECK(!screencheck_differs("", 0, 0, buf, 4), "an empty screen never differs");
	return harness_done();
}
