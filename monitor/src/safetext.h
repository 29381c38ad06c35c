/* safetext.h — text that is safe to hand to a terminal or to a file.
 *
 * Guests write free text into xenstore (their root can write any bytes);
 * livetop shows it on the screen and prints it with -b and --csv. Bytes
 * a terminal acts on must never get there: a "\r" redraws a row as
 * another guest, ESC starts a control sequence (OSC sets the window
 * title, CSI moves the cursor), and a broken UTF-8 sequence can swallow
 * the characters after it.
 *
 * safetext keeps valid UTF-8 of printable characters and replaces
 * everything else, one '?' each: C0 controls (TAB, CR, LF, BS, ESC ...),
 * NUL, DEL, C1 controls (U+0080..U+009F, and a bare 0x80..0x9F byte),
 * every byte of an invalid, overlong or truncated sequence, surrogates,
 * code points above U+10FFFF, and the few format characters that reorder
 * or break lines (bidi overrides and isolates, U+2028/U+2029).
 * Pure; unit-tested (tests/test_safetext.c). */
#ifndef SAFETEXT_H
#define SAFETEXT_H

#include <stdbool.h>
#include <stddef.h>

#define SAFETEXT_REPL '?'

/* n bytes of raw (any bytes, NUL included) into out (len bytes, always
 * NUL-terminated), at most max bytes of it, cut at a character boundary.
 * Returns strlen(out). */
size_t safetext(const char *raw, size_t n, char *out, size_t len, size_t max);

/* What a view prints (the screen, -b): s made safe, then, when the
 * terminal has no UTF-8, the ASCII fallback (ascii.h). */
void safetext_view(const char *s, bool utf8, char *out, size_t len);

#endif
