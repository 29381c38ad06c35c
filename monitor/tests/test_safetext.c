/* Unit tests: safetext (safetext.c), the one cleaner every guest-written
 * string goes through, fed the exact bytes a hostile guest would write. */
#include "harness.h"

#include "safetext.h"

#define S(lit) lit, sizeof lit - 1      /* bytes and their count, NULs included */

struct tcase {
	const char *what;
	const char *raw;
	size_t n;
	size_t max;
	const char *want;
};

static const struct tcase cases[] = {
	{ "plain ASCII stays", S("cpu burn 30 s, 12 s left"), 64, "cpu burn 30 s, 12 s left" },
	{ "CR (a row redrawn as another guest)", S("\r  1 debian-1"), 64, "?  1 debian-1" },
	{ "LF", S("a\nb"), 64, "a?b" },
	{ "TAB", S("a\tb"), 64, "a?b" },
	{ "BS", S("ok\b\bNO"), 64, "ok??NO" },
	{ "BEL", S("a\ab"), 64, "a?b" },
	{ "ESC of a CSI cursor move", S("\033[2J\033[1;1Hx"), 64, "?[2J?[1;1Hx" },
	{ "OSC window title ended by BEL", S("\033]0;PWNED\007"), 64, "?]0;PWNED?" },
	{ "DEL", S("a\177b"), 64, "a?b" },
	{ "NUL inside the value", S("a\0b"), 64, "a?b" },
	{ "C1 CSI as UTF-8 (U+009B)", S("a\302\233b"), 64, "a?b" },
	{ "C1 NEL as UTF-8 (U+0085)", S("a\302\205b"), 64, "a?b" },
	{ "bare C1 byte 0x9b (8-bit CSI)", S("a\233" "2Jb"), 64, "a?2Jb" },
	{ "overlong '/' (C0 AF)", S("a\300\257b"), 64, "a??b" },
	{ "overlong NUL (E0 80 80)", S("\340\200\200"), 64, "???" },
	{ "surrogate (ED A0 80)", S("\355\240\200"), 64, "???" },
	{ "above U+10FFFF (F4 90 80 80)", S("\364\220\200\200"), 64, "????" },
	{ "F5 and FF never start a character", S("\365\377"), 64, "??" },
	{ "sequence cut short by ASCII", S("\342\202A"), 64, "??A" },
	{ "sequence cut short by the end", S("ok\342\202"), 64, "ok??" },
	{ "lone continuation byte", S("\200x"), 64, "?x" },
	{ "valid UTF-8 stays", S("M\303\274nchen \342\202\254 \360\237\230\200"), 64,
	  "M\303\274nchen \342\202\254 \360\237\230\200" },
	{ "U+00A0 and above stay", S("\302\240\302\251"), 64, "\302\240\302\251" },
	{ "bidi override U+202E", S("a\342\200\256b"), 64, "a?b" },
	{ "bidi isolate U+2066", S("a\342\201\246b"), 64, "a?b" },
	{ "line separator U+2028", S("a\342\200\250b"), 64, "a?b" },
	{ "cut at max bytes", S("abcdefghij"), 4, "abcd" },
	{ "cut before a character that does not fit", S("abc\303\251"), 4, "abc" },
	{ "a replaced byte counts as one", S("\r\r\r\r\r"), 3, "???" },
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tcase *t = &cases[i];
		char out[128];
		size_t n = safetext(t->raw, t->n, out, sizeof out, t->max);

		CHECK_STR(out, t->want, "safetext: %s", t->what);
		CHECK_INT(n, strlen(t->want), "safetext: %s: returns the length", t->what);
	}
}

/* Every single byte and every two-byte sequence: nothing below 0x20,
 * no DEL and no C1 ever comes out, whatever goes in. */
static void test_exhaustive(void)
{
	int bad = 0;

	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			char raw[3] = { (char)a, (char)b, 'x' }, out[16];

			safetext(raw, 3, out, sizeof out, 64);
			for (const unsigned char *p = (const unsigned char *)out; *p; p++)
				bad += *p < 0x20 || *p == 0x7f ||
				       (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0);
			bad += out[0] && out[strlen(out) - 1] != 'x';
		}
	}
	CHECK_INT(bad, 0, "safetext: no control byte out of any two bytes in, the text after them kept");
}

static void test_small_buffers(void)
{
	char out[4];

	CHECK_INT(safetext(S("abcdef"), out, sizeof out, 64), 3, "safetext: a small buffer caps it");
	CHECK_STR(out, "abc", "safetext: and it stays NUL-terminated");
	CHECK_INT(safetext(S("abc"), out, 0, 64), 0, "safetext: a zero-length buffer is left alone");
}

static void test_view(void)
{
	char out[64];

	safetext_view("\033]0;x\007 \342\200\224 ok", true, out, sizeof out);
	CHECK_STR(out, "?]0;x? \342\200\224 ok", "safetext_view: UTF-8 terminal keeps the dash, not the controls");
	safetext_view("\033]0;x\007 \342\200\224 ok", false, out, sizeof out);
	CHECK_STR(out, "?]0;x? - ok", "safetext_view: an ASCII terminal gets the fallback too");
}

int main(void)
{
	test_cases();
	test_exhaustive();
	test_small_buffers();
	test_view();
	return harness_done();
}
