/* xalloc.h — allocation wrappers that stop with a clear message.
 *
 * xmalloc/xcalloc/xrealloc/xstrdup never return NULL: on failure they run
 * the registered exit path (atexit handlers restore the terminal first) and
 * print "livetop: out of memory (N bytes)" to stderr. */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* Copy src into dst (size n), always NUL-terminated; returns strlen(src). */
size_t xstrlcpy(char *dst, const char *src, size_t n);

/* Program name used in fatal messages (default "livetop"). */
void xalloc_set_progname(const char *name);

/* Called by xdie before printing (the UI registers its endwin here, so the
 * message lands on a normal terminal). Also registered with atexit by the UI. */
void xalloc_set_fatal_hook(void (*hook)(void));

/* Print "PROG: message" to stderr and exit(1); atexit handlers run first. */
void xdie(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
