/* screencheck.h — does a Linux console still show what livetop drew?
 *
 * Kernel messages or a script writing to /dev/tty1 change the screen
 * behind curses' back, and curses only ever redraws what it thinks
 * changed. On a virtual console the real contents can be read back from
 * /dev/vcsaN; this compares them with what curses drew. Pure: no curses,
 * no files — unit-tested. */
#ifndef SCREENCHECK_H
#define SCREENCHECK_H

#include <stdbool.h>
#include <stddef.h>

/* A drawn cell not to compare: line drawing, non-ASCII text. The console
 * shows those through its font's own glyph codes, so they cannot be
 * checked byte for byte. Any byte outside printable ASCII means the same. */
#define SCREENCHECK_ANY '\0'

/* drawn: rows * cols cells, row by row, as curses drew them.
 * vcsa: len bytes read from /dev/vcsaN: lines, columns, cursor x, cursor y
 * (one byte each), then one native-endian 16-bit word per cell, the
 * character in its low byte.
 * True when a cell drawn as printable ASCII shows another character.
 * A console of another size than rows x cols (a resize under way, or more
 * than 255 lines or columns) or a short read cannot be compared: false. */
bool screencheck_differs(const char *drawn, int rows, int cols,
			 const unsigned char *vcsa, size_t len);

#endif
