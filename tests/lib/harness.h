/* harness.h — a tiny test harness. Every check prints one line:
 *   PASS: <what was checked>
 *   FAIL: <what was checked> (<details>)
 * and harness_done() returns non-zero if any check failed, so main can
 * `return harness_done();` and the exit status really fails.
 * Shared by the C test suites of monitor/ (livetop) and guests/agent/. */
#ifndef HARNESS_H
#define HARNESS_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int harness_failed, harness_passed;

__attribute__((format(printf, 4, 5), unused))
static int check_(int ok, const char *where, const char *details, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "PASS: " : "FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok)
		printf(" (%s: %s)", where, details);
	putchar('\n');
	fflush(stdout);
	if (ok)
		harness_passed++;
	else
		harness_failed++;
	return ok;
}

#define H_STR2(x) #x
#define H_STR(x) H_STR2(x)
#define H_WHERE __FILE__ ":" H_STR(__LINE__)

/* CHECK(condition, "what %s", args...) */
#define CHECK(cond, ...) check_(!!(cond), H_WHERE, "expected " #cond, __VA_ARGS__)

/* CHECK_STR(got, want, "what", args...) */
#define CHECK_STR(got, want, ...) do { \
	char h_d_[512]; const char *h_g_ = (got), *h_w_ = (want); \
	snprintf(h_d_, sizeof h_d_, "got \"%.240s\", want \"%.240s\"", h_g_ ? h_g_ : "(null)", h_w_); \
	check_(h_g_ && !strcmp(h_g_, h_w_), H_WHERE, h_d_, __VA_ARGS__); \
} while (0)

/* CHECK_INT(got, want, "what", args...) */
#define CHECK_INT(got, want, ...) do { \
	char h_d_[128]; long long h_g_ = (long long)(got), h_w_ = (long long)(want); \
	snprintf(h_d_, sizeof h_d_, "got %lld, want %lld", h_g_, h_w_); \
	check_(h_g_ == h_w_, H_WHERE, h_d_, __VA_ARGS__); \
} while (0)

/* CHECK_NEAR(got, want, tolerance, "what", args...) */
#define CHECK_NEAR(got, want, tol, ...) do { \
	char h_d_[128]; double h_g_ = (got), h_w_ = (want); \
	snprintf(h_d_, sizeof h_d_, "got %g, want %g +- %g", h_g_, h_w_, (double)(tol)); \
	check_(fabs(h_g_ - h_w_) <= (tol), H_WHERE, h_d_, __VA_ARGS__); \
} while (0)

/* CHECK_CONTAINS(haystack, needle, "what", args...) */
#define CHECK_CONTAINS(hay, needle, ...) do { \
	char h_d_[512]; const char *h_h_ = (hay), *h_n_ = (needle); \
	snprintf(h_d_, sizeof h_d_, "\"%.300s\" does not contain \"%.160s\"", h_h_ ? h_h_ : "(null)", h_n_); \
	check_(h_h_ && strstr(h_h_, h_n_) != NULL, H_WHERE, h_d_, __VA_ARGS__); \
} while (0)

__attribute__((unused))
static int harness_done(void)
{
	fprintf(stderr, "%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

#endif
